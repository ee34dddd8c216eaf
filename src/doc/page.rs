//! The page of one guideline.

use super::html::{esc, page};
use super::{Built, Links};
use crate::check::CaseOutcome;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::emit::{Compiled, svg};
use crate::model::codes::Coding;
use crate::model::describe::{self, words};
use crate::model::words::{DocWords, Words, fill};
use crate::model::{Guideline, Type, Value};
use crate::source::{Sources, Span};
use crate::syntax::ast::{EntryKind, HeaderKind};
use std::fmt::Write as _;

/// Everything one page shows.
pub(crate) struct PageData<'a> {
    pub sources: &'a Sources,
    pub checked: &'a crate::check::CheckedFile,
    /// The findings about this guideline (its file and the files it uses),
    /// the failures of its cases included, in their sorted order.
    pub findings: Vec<&'a Diagnostic>,
    pub cases: &'a [CaseOutcome],
    pub built: &'a Built,
    pub links: &'a Links,
    pub several: bool,
}

fn codes_text(codes: &[Coding]) -> String {
    codes
        .iter()
        .map(|c| format!("{} {}", c.system.name(), c.code))
        .collect::<Vec<_>>()
        .join(", ")
}

impl PageData<'_> {
    fn guideline(&self) -> &Guideline {
        &self.checked.guideline
    }

    /// The words of the guideline's language.
    fn words(&self) -> &'static Words {
        words(self.guideline())
    }

    /// The words of the pages.
    fn w(&self) -> &'static DocWords {
        &self.words().doc
    }

    fn line(&self, span: Span) -> usize {
        self.sources
            .line_column(span.file, span.start as usize)
            .line
    }

    /// A link to the line of `span`: on this page when it is in this file,
    /// on the page of the file when the site has one, else plain text.
    fn line_link(&self, span: Span) -> String {
        let line = self.line(span);
        let w = self.w();
        let word = w.line;
        if span.file == self.checked.file {
            return format!("<a href=\"#L{line}\">{word} {line}</a>");
        }
        let name = esc(self.sources.name(span.file));
        match self.links.page_of(span.file) {
            Some(page) => format!(
                "<a href=\"{}#L{line}\">{name}, {word} {line}</a>",
                esc(page)
            ),
            None => format!("{name}, {word} {line}"),
        }
    }

    /// The comment lines right above the line where `span` starts: the
    /// editor's citation of the source (`# bron: …`).
    fn citation(&self, span: Span) -> Vec<String> {
        let Some(file) = self.sources.get(span.file) else {
            return Vec::new();
        };
        let before = file.text.get(..span.start as usize).unwrap_or("");
        let mut lines: Vec<String> = Vec::new();
        // The text before the statement, from its last line back: skip the
        // statement's own line start, then take `#` lines until another.
        let mut rest = before.trim_end_matches([' ', '\t']);
        rest = rest.strip_suffix('\n').unwrap_or(rest);
        rest = rest.strip_suffix('\r').unwrap_or(rest);
        loop {
            let (head, last) = match rest.rfind('\n') {
                Some(at) => (
                    rest.get(..at).unwrap_or(""),
                    rest.get(at + 1..).unwrap_or(""),
                ),
                None => ("", rest),
            };
            let trimmed = last.trim();
            match trimmed.strip_prefix('#') {
                Some(comment) if !trimmed.starts_with("# ===") => {
                    lines.push(comment.strip_prefix(' ').unwrap_or(comment).to_owned());
                }
                _ => break,
            }
            if head.is_empty() && !rest.contains('\n') {
                break;
            }
            rest = head.strip_suffix('\r').unwrap_or(head);
        }
        lines.reverse();
        lines
    }

    pub(crate) fn render(&self) -> String {
        let guideline = self.guideline();
        let w = self.w();
        let title = guideline.header.as_ref().map_or_else(
            || self.sources.name(self.checked.file).to_owned(),
            |h| h.label.clone(),
        );
        let vocabulary = guideline
            .header
            .as_ref()
            .is_some_and(|h| h.kind == HeaderKind::Vocabulary);
        let mut body = String::new();
        body.push_str("<header>\n");
        if self.several {
            let _ = writeln!(
                body,
                "<p class=\"crumb\"><a href=\"index.html\">{}</a></p>",
                w.all_guidelines
            );
        }
        let _ = writeln!(body, "<h1>{}</h1>", esc(&title));
        body.push_str(&self.metadata());
        body.push_str("</header>\n");
        let mut sections: Vec<(&str, &str, String)> = vec![
            ("findings", w.findings_heading, self.findings_section()),
            ("inputs", w.inputs_heading, self.inputs_section()),
        ];
        if !guideline.definitions.is_empty() || !guideline.scores.is_empty() {
            sections.push((
                "definitions",
                w.definitions_heading,
                self.definitions_section(),
            ));
        }
        sections.push(("rules", w.rules_heading, self.rules_section()));
        sections.push(("catalogue", w.catalogue_heading, self.catalogue_section()));
        sections.push((
            "requirements",
            w.requirements_heading,
            self.requirements_section(),
        ));
        sections.push(("cases", w.cases_heading, self.cases_section()));
        if !vocabulary {
            sections.push((
                "flowcharts",
                w.flowcharts_heading,
                self.flowcharts_section(),
            ));
        }
        sections.push(("source", w.source_heading, self.source_section()));
        let _ = writeln!(
            body,
            "<nav class=\"toc\" aria-label=\"{}\"><ol>",
            w.contents
        );
        for (id, heading, _) in &sections {
            let _ = writeln!(body, "<li><a href=\"#{id}\">{}</a></li>", esc(heading));
        }
        body.push_str("</ol></nav>\n<main>\n");
        for (id, heading, content) in &sections {
            let _ = writeln!(
                body,
                "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{}</h2>\n{content}</section>",
                esc(heading)
            );
        }
        body.push_str("</main>\n");
        page(self.words().code, &title, &body)
    }

    fn metadata(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let mut rows: Vec<(&str, String)> = Vec::new();
        if let Some(header) = &guideline.header {
            rows.push((
                w.kind,
                match header.kind {
                    HeaderKind::Guideline => w.kind_guideline,
                    HeaderKind::Vocabulary => w.kind_vocabulary,
                }
                .to_owned(),
            ));
            rows.push((w.name, format!("<code>{}</code>", esc(&header.id))));
            if let Some(version) = &header.version {
                rows.push((w.version, esc(version)));
            }
            if let Some(language) = &header.language {
                rows.push((w.language, esc(language)));
            }
            if let Some(source) = &header.source {
                rows.push((w.source_heading, esc(source)));
            }
        }
        rows.push((
            w.file,
            format!("<code>{}</code>", esc(self.sources.name(self.checked.file))),
        ));
        if !self.checked.used.is_empty() {
            let used: Vec<String> = self
                .checked
                .used
                .iter()
                .map(|&f| {
                    let name = esc(self.sources.name(f));
                    match self.links.page_of(f) {
                        Some(page) => format!("<a href=\"{}\">{name}</a>", esc(page)),
                        None => name,
                    }
                })
                .collect();
            rows.push((w.uses, used.join(", ")));
        }
        let counts = fill(
            w.counts,
            &[
                &guideline.inputs.len().to_string(),
                &guideline.rules.len().to_string(),
                &guideline.requirements.len().to_string(),
                &guideline.cases.len().to_string(),
            ],
        );
        rows.push((w.contents, counts));
        let mut out = String::from("<dl class=\"meta\">\n");
        for (term, value) in rows {
            let _ = writeln!(out, "<dt>{}</dt><dd>{value}</dd>", esc(term));
        }
        out.push_str("</dl>\n");
        out
    }

    fn finding(&self, diagnostic: &Diagnostic) -> String {
        let w = self.w();
        let (class, severity) = match diagnostic.severity {
            Severity::Error => ("error", w.error),
            Severity::Warning => ("warning", self.words().warning),
            Severity::Note => ("note", w.note),
        };
        let mut out = format!("<div class=\"finding {class}\">\n");
        let place = diagnostic
            .primary_span()
            .map_or(String::new(), |span| format!(" · {}", self.line_link(span)));
        let _ = writeln!(
            out,
            "<p><strong>{severity} {}</strong>: {}{place}</p>",
            esc(diagnostic.code.as_str()),
            esc(&diagnostic.message)
        );
        for label in diagnostic.labels.iter().filter(|l| !l.primary) {
            let _ = writeln!(
                out,
                "<p class=\"where\">{}: {}</p>",
                self.line_link(label.span),
                esc(&label.message)
            );
        }
        for note in &diagnostic.notes {
            let _ = writeln!(out, "<p>{}</p>", esc(note));
        }
        out.push_str(&self.facts(diagnostic));
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "<p><em>{}</em>: {}</p>", w.help, esc(help));
        }
        out.push_str("</div>\n");
        out
    }

    /// The example patient of a finding: its facts as a table, and the
    /// record that `eval` reads.
    fn facts(&self, diagnostic: &Diagnostic) -> String {
        let w = self.w();
        let mut out = String::new();
        if let Some(facts) = diagnostic.facts.as_ref().filter(|f| !f.is_empty()) {
            let _ = writeln!(
                out,
                "<table class=\"facts\"><caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                w.example_patient, w.question, w.answer
            );
            for fact in facts {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    esc(&fact.question),
                    esc(&fact.answer)
                );
            }
            out.push_str("</tbody></table>\n");
        }
        if let Some(witness) = &diagnostic.witness {
            let text = serde_json::to_string_pretty(witness).unwrap_or_default();
            let _ = writeln!(
                out,
                "<details><summary>{}</summary><pre class=\"witness\">{}</pre></details>",
                w.record_json,
                esc_keep_lines(&text)
            );
        }
        out
    }

    fn findings_section(&self) -> String {
        let w = self.w();
        let shown: Vec<&&Diagnostic> = self
            .findings
            .iter()
            .filter(|d| {
                !matches!(
                    d.code,
                    Code::RequirementProved | Code::RequirementNotVerified
                )
            })
            .collect();
        let errors = self.findings.iter().filter(|d| d.is_error()).count();
        let warnings = self
            .findings
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        let mut out = format!(
            "<p class=\"summary\" data-errors=\"{errors}\" data-warnings=\"{warnings}\">{}</p>\n",
            esc(&fill(
                w.errors_warnings,
                &[&errors.to_string(), &warnings.to_string()]
            ))
        );
        if shown.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", w.no_findings);
        }
        for diagnostic in shown {
            out.push_str(&self.finding(diagnostic));
        }
        out
    }

    fn inputs_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let words = words(guideline);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<table class=\"inputs\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            w.question, w.name, w.type_, w.unit, w.range, w.values, w.codes, w.asked_when,
        );
        for input in &guideline.inputs {
            let (ty, unit, range, values) = match &input.ty {
                Type::YesNo => (
                    w.yes_no.to_owned(),
                    String::new(),
                    String::new(),
                    format!("{}, {}", words.yes, words.no),
                ),
                Type::OneOf(values) => (
                    w.one_of.to_owned(),
                    String::new(),
                    String::new(),
                    values_with_codes(input, values),
                ),
                Type::AnyOf(values) => (
                    w.any_of.to_owned(),
                    String::new(),
                    String::new(),
                    values_with_codes(input, values),
                ),
                Type::Number {
                    lo,
                    hi,
                    unit,
                    whole,
                    ..
                } => (
                    if *whole {
                        w.whole_number.to_owned()
                    } else {
                        w.number.to_owned()
                    },
                    unit.as_ref().map_or(String::new(), |u| {
                        self.words().unit_word(u.canonical, false)
                    }),
                    format!(
                        "{} – {}",
                        self.words().number(*lo),
                        self.words().number(*hi)
                    ),
                    String::new(),
                ),
            };
            let mut ty = ty;
            if input.admits_unknown {
                ty.push_str(&format!(" {} {}", words.or, words.unknown));
            }
            if let Some(default) = &input.default {
                ty.push_str(&format!(
                    "; {}: {}",
                    w.default,
                    value_text(guideline, input, default)
                ));
            }
            let asked = match &input.asked_when {
                None => self.words().always.to_owned(),
                Some(cond) => describe::condition_phrase(guideline, cond, false),
            };
            let _ = writeln!(
                out,
                "<tr id=\"input-{}\"><th scope=\"row\">{}</th><td><code>{}</code><br><span class=\"where\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&input.id),
                esc(&input.label),
                esc(&input.id),
                self.line_link(input.span),
                esc(&ty),
                esc(&unit),
                esc(&range),
                esc(&values),
                esc(&codes_text(&input.codes)),
                esc(&asked)
            );
        }
        out.push_str("</tbody></table>\n");
        out
    }

    fn definitions_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let mut out = String::new();
        if !guideline.definitions.is_empty() {
            let _ = writeln!(
                out,
                "<table class=\"definitions\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                w.definition, w.holds_when, w.where_
            );
            for definition in &guideline.definitions {
                let label = definition.label.as_deref().unwrap_or(&definition.id);
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{}<br><code>{}</code></th><td>{}</td><td>{}</td></tr>",
                    esc(label),
                    esc(&definition.id),
                    esc(&describe::condition_phrase(
                        guideline,
                        &definition.condition,
                        false
                    )),
                    self.line_link(definition.span)
                );
            }
            out.push_str("</tbody></table>\n");
        }
        for score in &guideline.scores {
            let _ = writeln!(
                out,
                "<h3>{} <code>{}</code></h3>\n<p class=\"where\">{}</p>\n<table class=\"score\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                esc(&score.label),
                esc(&score.id),
                self.line_link(score.span),
                w.points,
                w.when
            );
            for term in &score.terms {
                let (points, when) = match term {
                    crate::model::ScoreTerm::Points { points, when, .. } => (
                        self.words().number(*points),
                        describe::condition_phrase(guideline, when, false),
                    ),
                    crate::model::ScoreTerm::Input {
                        input, negative, ..
                    } => (
                        if *negative {
                            "−".to_owned()
                        } else {
                            "+".to_owned()
                        },
                        guideline
                            .inputs
                            .get(*input)
                            .map_or("?".to_owned(), |i| i.label.clone()),
                    ),
                };
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td></tr>",
                    esc(&points),
                    esc(&when)
                );
            }
            out.push_str("</tbody></table>\n");
        }
        out
    }

    fn rules_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let mut out = String::new();
        if guideline.rules.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", w.no_rules);
        }
        for rule in &guideline.rules {
            // One action reads as one sentence; several as a list after it.
            let describe::RuleSentence {
                lead,
                actions,
                overrides,
            } = describe::rule_parts(guideline, rule);
            let sentence = match actions.as_slice() {
                [one] => format!("<p class=\"sentence\">{} {}.</p>", esc(&lead), esc(one)),
                _ => format!(
                    "<p class=\"sentence\">{}</p>\n<ul class=\"actions\">{}</ul>",
                    esc(&lead),
                    actions
                        .iter()
                        .map(|a| format!("<li>{}</li>", esc(a)))
                        .collect::<String>()
                ),
            };
            let overrides = if overrides.is_empty() {
                String::new()
            } else {
                format!("\n<p class=\"overrides\">{}</p>", esc(&overrides))
            };
            let _ = writeln!(
                out,
                "<article class=\"rule\" id=\"rule-{}\" aria-labelledby=\"rule-{}-h\">\n<h3 id=\"rule-{}-h\">{} <code>{}</code></h3>\n{sentence}{overrides}",
                esc(&rule.id),
                esc(&rule.id),
                esc(&rule.id),
                esc(&rule.label),
                esc(&rule.id),
            );
            let citation = self.citation(rule.span);
            if !citation.is_empty() {
                let _ = writeln!(
                    out,
                    "<blockquote class=\"cite\">{}</blockquote>",
                    esc_keep_lines(&citation.join("\n"))
                );
            }
            let _ = writeln!(
                out,
                "<p class=\"where\">{}</p>\n</article>",
                self.line_link(rule.span)
            );
        }
        out
    }

    fn catalogue_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let vocabulary = guideline
            .header
            .as_ref()
            .is_some_and(|h| h.kind == HeaderKind::Vocabulary);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<table class=\"catalogue\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            w.entry, w.name, w.kind, w.groups, w.codes, w.flowchart
        );
        for entry in &guideline.entries {
            let chart = if vocabulary {
                String::new()
            } else {
                format!(
                    "<a href=\"#chart-{}\">{}</a>",
                    esc(&entry.id),
                    w.flowchart.to_lowercase()
                )
            };
            let _ = writeln!(
                out,
                "<tr id=\"entry-{}\"><th scope=\"row\">{}</th><td><code>{}</code><br><span class=\"where\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{chart}</td></tr>",
                esc(&entry.id),
                esc(&entry.label),
                esc(&entry.id),
                self.line_link(entry.span),
                esc(match entry.kind {
                    EntryKind::Exam => w.entry_exam,
                    EntryKind::Measure => w.entry_measure,
                    EntryKind::Specialist => w.entry_specialist,
                }),
                esc(&entry.groups.join(", ")),
                esc(&codes_text(&entry.codes))
            );
        }
        out.push_str("</tbody></table>\n");
        out
    }

    fn requirements_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let mut out = String::new();
        if guideline.requirements.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", w.no_requirements);
            return out;
        }
        let _ = writeln!(
            out,
            "<table class=\"requirements\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            w.requirement, w.for_patients_with, w.asks, w.status
        );
        for requirement in &guideline.requirements {
            let about: Vec<&&Diagnostic> = self
                .findings
                .iter()
                .filter(|d| {
                    matches!(
                        d.code,
                        Code::RequirementFailed
                            | Code::RequirementProved
                            | Code::RequirementNotVerified
                            | Code::AnalysisIncomplete
                    ) && d.primary_span().is_some_and(|s| {
                        s.file == requirement.span.file
                            && requirement.span.start <= s.start
                            && s.start < requirement.span.end.max(requirement.span.start + 1)
                    })
                })
                .collect();
            let failed = about.iter().find(|d| d.code == Code::RequirementFailed);
            let (class, status) = if failed.is_some() {
                ("bad", w.fails_for_some)
            } else if about.iter().any(|d| d.code == Code::RequirementProved) {
                ("ok", w.proved_for_every)
            } else if about.iter().any(|d| d.code == Code::AnalysisIncomplete) {
                ("warn", w.not_decided)
            } else {
                ("warn", w.not_verified)
            };
            let when = requirement.when.as_ref().map_or_else(
                || w.every_patient.to_owned(),
                |c| describe::condition_phrase(guideline, c, false),
            );
            let _ = writeln!(
                out,
                "<tr class=\"requirement\" data-status=\"{class}\"><th scope=\"row\">{}<br><span class=\"where\">{}</span></th><td>{}</td><td>{}</td><td><span class=\"status {class}\">{}</span>{}</td></tr>",
                esc(&requirement.label),
                self.line_link(requirement.span),
                esc(&when),
                esc(&describe::demand_phrase(guideline, &requirement.then)),
                esc(status),
                failed.map_or(String::new(), |d| self.facts(d))
            );
        }
        out.push_str("</tbody></table>\n");
        out
    }

    fn cases_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let mut out = String::new();
        if guideline.cases.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", w.no_cases);
            return out;
        }
        if self.checked.lowering.is_none() {
            let _ = writeln!(out, "<p>{}</p>", w.cases_not_run);
        }
        let _ = writeln!(
            out,
            "<table class=\"cases\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            w.case, w.given, w.expects, w.result
        );
        for case in &guideline.cases {
            let outcome = self.cases.iter().find(|o| o.span == case.span);
            let (class, status) = match outcome {
                Some(o) if o.passed => ("ok", w.passes),
                Some(_) => ("bad", w.fails),
                None => ("warn", w.not_run),
            };
            let given: Vec<String> = guideline
                .inputs
                .iter()
                .zip(&case.facts)
                .filter_map(|(input, fact)| {
                    fact.as_ref()
                        .map(|v| format!("{}: {}", input.label, value_text(guideline, input, v)))
                })
                .collect();
            let expects: Vec<String> = case
                .expects
                .iter()
                .map(|e| describe::demand_phrase(guideline, &e.demand))
                .collect();
            let why: String = outcome
                .map(|o| {
                    o.diagnostics
                        .iter()
                        .flat_map(|d| d.notes.iter())
                        .map(|n| format!("<br>{}", esc(n)))
                        .collect()
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr class=\"case\" data-status=\"{class}\"><th scope=\"row\">{}<br><span class=\"where\">{}</span></th><td>{}</td><td>{}</td><td><span class=\"status {class}\">{}</span>{why}</td></tr>",
                esc(&case.label),
                self.line_link(case.span),
                given
                    .iter()
                    .map(|g| esc(g))
                    .collect::<Vec<_>>()
                    .join("<br>"),
                expects
                    .iter()
                    .map(|e| esc(e))
                    .collect::<Vec<_>>()
                    .join("<br>"),
                esc(status)
            );
        }
        out.push_str("</tbody></table>\n");
        out
    }

    fn flowcharts_section(&self) -> String {
        let w = self.w();
        let guideline = self.guideline();
        let mut out = String::new();
        let (Some(lowering), Built::Compiled(grouped)) = (&self.checked.lowering, self.built)
        else {
            let why = match self.built {
                Built::Failed(message) => message.clone(),
                _ => w.not_compiled.to_owned(),
            };
            let _ = writeln!(out, "<p>{}: {}</p>", w.no_flowcharts, esc(&why));
            return out;
        };
        let Some(first) = grouped.groups().first() else {
            return out;
        };
        let _ = writeln!(out, "<p>{}</p>", w.charts_intro);
        for (index, entry) in guideline.entries.iter().enumerate() {
            let Ok(target) = u32::try_from(index) else {
                continue;
            };
            let group = grouped
                .group_naming(&lowering.problem, target)
                .unwrap_or(first);
            let compiled = Compiled {
                guideline,
                lowering,
                diagram: &group.diagram,
            };
            let title = format!("{}: {}", w.flowchart, entry.label);
            let chart = svg(&compiled, Some(target), &format!("chart-{index}"), &title);
            let _ = writeln!(
                out,
                "<figure class=\"chart\" id=\"chart-{}\" data-entry=\"{}\" data-boxes=\"{}\" data-questions=\"{}\">\n<figcaption>{} <code>{}</code> <span class=\"where\">({})</span></figcaption>\n{}</figure>",
                esc(&entry.id),
                esc(&entry.id),
                chart.boxes,
                chart.questions,
                esc(&entry.label),
                esc(&entry.id),
                esc(&fill(
                    w.questions_boxes,
                    &[&chart.questions.to_string(), &chart.boxes.to_string()]
                )),
                chart.markup
            );
        }
        out
    }

    fn source_section(&self) -> String {
        let Some(file) = self.sources.get(self.checked.file) else {
            return String::new();
        };
        let mut out = String::from("<pre class=\"source\"><code>");
        for (index, line) in crate::source::lines_inclusive(&file.text).enumerate() {
            let number = index + 1;
            let text = line.trim_end_matches(['\n', '\r']);
            let _ = write!(
                out,
                "<span class=\"line\" id=\"L{number}\"><a class=\"ln\" href=\"#L{number}\" aria-label=\"{number}\">{number}</a>{}</span>",
                esc(text)
            );
        }
        out.push_str("</code></pre>\n");
        out
    }
}

/// [`esc`] line by line, the line breaks kept.
pub(crate) fn esc_keep_lines(text: &str) -> String {
    text.split('\n').map(esc).collect::<Vec<_>>().join("\n")
}

/// The values as the source lists them: each name with its label and
/// codes, where it has them (`acute "acuut" (snomed 424124008)`).
fn values_with_codes(input: &crate::model::Input, values: &[String]) -> String {
    (0u32..)
        .zip(values)
        .map(|(i, v)| {
            let mut text = v.clone();
            if let Some(label) = input.value_label(i) {
                text.push_str(&format!(" \"{label}\""));
            }
            if let Some(codes) = input.value_codes.get(i as usize).filter(|c| !c.is_empty()) {
                text.push_str(&format!(" ({})", codes_text(codes)));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value of an input in the guideline's words.
fn value_text(guideline: &Guideline, input: &crate::model::Input, value: &Value) -> String {
    let words = words(guideline);
    match (value, &input.ty) {
        (Value::Bool(true), _) => words.yes.to_owned(),
        (Value::Bool(false), _) => words.no.to_owned(),
        (Value::Choice(c), Type::OneOf(_)) => input.value_shown(*c).unwrap_or("?").to_owned(),
        (Value::Set(members), Type::AnyOf(_)) => {
            let names: Vec<&str> = members
                .iter()
                .filter_map(|m| input.value_shown(*m))
                .collect();
            if names.is_empty() {
                "—".to_owned()
            } else {
                names.join(", ")
            }
        }
        (Value::Number(n), Type::Number { unit, .. }) => match unit {
            Some(_) => describe::quantity(guideline, input, *n),
            None => words.number(*n),
        },
        (Value::Unknown, _) => words.unknown.to_owned(),
        _ => "?".to_owned(),
    }
}
