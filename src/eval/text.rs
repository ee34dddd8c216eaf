//! The words of an evaluation result, shared by every renderer (notes of
//! the checker, the command line, and later the language server and the
//! review page), so that a result reads the same wherever it is shown: one
//! line per recommendation, the reasons as written, the result for a
//! person to read and as JSON, and why a record could not be evaluated.

use super::{EvalError, Evaluation, Reason, Recommendation, ScoreValue};
use crate::logic::problem::Urgency;
use crate::model::codes::codings_json;
use crate::model::record::{FieldError, Refusal};
use crate::model::words::fill;
use crate::model::{Cond, Guideline, ScoreTerm, Value};
use crate::source::Sources;
use crate::syntax::ast::CompareOp;
use crate::syntax::vocabulary::{kind_word, operator_word, opposite, urgency_word};
use serde::Serialize;
use serde_json::{Value as Json, json};

/// A recommendation in one line, for notes: "order MRI_LWK urgent (rule `acute`)".
pub fn recommendation_line(r: &Recommendation) -> String {
    let urgency = r
        .urgency
        .map_or(String::new(), |u| format!(" {}", urgency_word(u)));
    format!(
        "{} {}{urgency} (rule `{}`)",
        kind_word(r.kind),
        r.target,
        r.rule
    )
}

/// What an example patient of a finding gets, one recommendation: in the
/// language's keywords for editors ([`recommendation_line`]), or, when
/// `--lang` chose a words table ([`Guideline::speak`]), in its words:
/// "bestel MRI_LWK (dringend) (regel `acute`)".
pub fn example_advice_line(guideline: &Guideline, r: &Recommendation) -> String {
    if guideline.advice_language.is_none() {
        return recommendation_line(r);
    }
    let words = crate::model::words::of(guideline);
    let urgency = r
        .urgency
        .map_or(String::new(), |u| format!(" ({})", words.urgency(u)));
    format!(
        "{} {}{urgency} ({} `{}`)",
        words.kind(r.kind),
        r.target,
        words.rule,
        r.rule
    )
}

/// The result for a person to read, as `leidraad eval` prints it: the title,
/// every recommendation with its rule, line and reasons, what was overruled
/// and the warnings about the record, in the guideline's language (its
/// header's `language`; see `model::words`): the actions, urgencies and
/// connecting words from the language's table, the reasons with the labels
/// of the inputs and definitions ([`reason_phrases`]).
pub fn human(
    guideline: &Guideline,
    sources: &Sources,
    evaluation: &Evaluation,
    warnings: &[String],
) -> String {
    human_shown(
        guideline,
        sources,
        &Shown::of(guideline, sources, evaluation, warnings),
    )
}

/// [`human`] of lines already in words.
pub fn human_shown(guideline: &Guideline, sources: &Sources, shown: &Shown) -> String {
    let mut out = String::new();
    let title = guideline.header.as_ref().map_or_else(
        || sources.name(guideline.file).to_owned(),
        |h| h.label.clone(),
    );
    out.push_str(&format!("{title}\n"));
    if let Some(nothing) = &shown.nothing {
        out.push_str(&format!("  {nothing}\n"));
    }
    for r in &shown.recommendations {
        out.push_str(&format!(
            "  {}\n      {}\n      {}\n",
            r.advice, r.rule, r.because
        ));
    }
    for line in shown.overruled.iter().chain(&shown.warnings) {
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// An evaluation's lines in the guideline's words: what `eval` prints
/// under the title, and what the playground shows.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    /// `no recommendation for this patient`, when there is none.
    pub nothing: Option<String>,
    pub recommendations: Vec<ShownRecommendation>,
    /// `overruled: ...`, one line each.
    pub overruled: Vec<String>,
    /// `warning: ...`, one line each.
    pub warnings: Vec<String>,
}

/// One recommendation in three lines of words.
#[derive(Clone, Debug, Serialize)]
pub struct ShownRecommendation {
    /// `order MRI_LWK "MRI lumbale wervelkolom" (urgent), instead: ...`.
    pub advice: String,
    /// `rule `acute_deficit` "..." (file:line)`.
    pub rule: String,
    /// `because: ...`.
    pub because: String,
}

impl Shown {
    pub fn of(
        guideline: &Guideline,
        sources: &Sources,
        evaluation: &Evaluation,
        warnings: &[String],
    ) -> Shown {
        let words = crate::model::words::of(guideline);
        let recommendations = evaluation
            .recommendations
            .iter()
            .map(|r| {
                let urgency = r
                    .urgency
                    .map_or(String::new(), |u| format!(" ({})", words.urgency(u)));
                let instead = r.instead.as_ref().map_or(String::new(), |i| {
                    format!(", {}", fill(words.instead_of, &[i]))
                });
                let replaces = r.replaces.as_ref().map_or(String::new(), |p| {
                    format!(" [{}]", fill(words.alternative_to, &[p]))
                });
                let line = sources
                    .line_column(r.rule_span.file, r.rule_span.start as usize)
                    .line;
                let because = if r.because.is_empty() {
                    words.always_applies.to_owned()
                } else {
                    reason_phrases(guideline, sources, &r.because).join("; ")
                };
                ShownRecommendation {
                    advice: format!(
                        "{} {} \"{}\"{urgency}{instead}{replaces}",
                        words.kind(r.kind),
                        r.target,
                        r.target_label
                    ),
                    rule: format!(
                        "{} `{}` \"{}\" ({}:{line})",
                        words.rule,
                        r.rule,
                        r.rule_label,
                        sources.name(r.rule_span.file)
                    ),
                    because: format!("{}: {because}", words.because),
                }
            })
            .collect();
        Shown {
            nothing: evaluation
                .recommendations
                .is_empty()
                .then(|| words.no_recommendation.to_owned()),
            recommendations,
            overruled: evaluation
                .overruled
                .iter()
                .map(|o| {
                    let action = format!("{} {}", words.kind(o.kind), o.target);
                    fill(words.overruled, &[&action, &o.rule, &o.by_rule])
                })
                .collect(),
            warnings: warnings
                .iter()
                .map(|w| format!("{}: {w}", words.warning))
                .collect(),
        }
    }
}

/// The reasons in the guideline's words, each once: every test with the
/// labels of its input and the answers in the guideline's language
/// (`model::describe::condition_phrase`), a definition by its label, a
/// score by its label with its value and the criteria that made it.
pub fn reason_phrases(guideline: &Guideline, sources: &Sources, because: &[Reason]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    because
        .iter()
        .map(|reason| reason_phrase(guideline, sources, reason))
        .filter(|text| seen.insert(text.clone()))
        .collect()
}

fn reason_phrase(guideline: &Guideline, sources: &Sources, reason: &Reason) -> String {
    let Some(cond) = test_at(guideline, reason.span) else {
        return reason_text(guideline, sources, reason);
    };
    let phrase = crate::model::describe::condition_phrase(guideline, cond, reason.negated);
    match &reason.score {
        Some(score) => format!("{phrase} ({})", score_phrase(guideline, score)),
        None => phrase,
    }
}

/// `Wells-score = 3: Actieve kanker: ja +1, ...`: a score's value and the
/// criteria that made it, in the guideline's words.
fn score_phrase(guideline: &Guideline, value: &ScoreValue) -> String {
    let words = crate::model::words::of(guideline);
    let Some(score) = guideline.scores.get(value.score) else {
        return String::new();
    };
    let parts: Vec<String> = value
        .terms
        .iter()
        .filter_map(|(index, added)| {
            let shown = match score.terms.get(*index)? {
                ScoreTerm::Points { when, .. } => {
                    let criterion =
                        crate::model::describe::condition_phrase(guideline, when, false);
                    let sign = if added.numer() > 0 { "+" } else { "" };
                    format!("{criterion} {sign}{}", words.number(*added))
                }
                ScoreTerm::Input { input, .. } => {
                    let label = guideline
                        .inputs
                        .get(*input)
                        .map_or("?", |i| i.label.as_str());
                    format!("{label} {}", words.number(*added))
                }
            };
            Some(shown)
        })
        .collect();
    let total = format!("{} = {}", score.label, words.number(value.value));
    if parts.is_empty() {
        total
    } else {
        format!("{total}: {}", parts.join(", "))
    }
}

/// The test or definition use of the guideline's conditions written at
/// `span`: what a [`Reason`] points at.
fn test_at(guideline: &Guideline, span: crate::source::Span) -> Option<&Cond> {
    fn find(cond: &Cond, span: crate::source::Span) -> Option<&Cond> {
        match cond {
            Cond::True | Cond::Invalid => None,
            Cond::BoolIs(_, _, s)
            | Cond::ChoiceIn(_, _, s)
            | Cond::Has(_, _, s)
            | Cond::Compare(_, _, _, s)
            | Cond::IsUnknown(_, s)
            | Cond::Score(_, _, _, s)
            | Cond::Linear(_, _, _, s)
            | Cond::Define(_, s) => (*s == span).then_some(cond),
            Cond::Not(inner) => find(inner, span),
            Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
                parts.iter().find_map(|part| find(part, span))
            }
        }
    }
    let rules = guideline.rules.iter().flat_map(|rule| {
        rule.when.iter().chain(
            rule.actions
                .iter()
                .flat_map(|a| a.alternatives.iter().map(|(c, _)| c)),
        )
    });
    let definitions = guideline.definitions.iter().map(|d| &d.condition);
    let scores = guideline.scores.iter().flat_map(|s| {
        s.terms.iter().filter_map(|t| match t {
            ScoreTerm::Points { when, .. } => Some(when),
            ScoreTerm::Input { .. } => None,
        })
    });
    rules
        .chain(definitions)
        .chain(scores)
        .find_map(|cond| find(cond, span))
}

/// The JSON of an evaluation result, as `leidraad eval --format json` and
/// each line of `--batch` give it.
pub fn to_json(
    guideline: &Guideline,
    sources: &Sources,
    evaluation: &Evaluation,
    warnings: &[String],
) -> Json {
    let recommendations: Vec<Json> = evaluation
        .recommendations
        .iter()
        .map(|r| {
            let mut item = json!({
                "kind": kind_word(r.kind),
                "target": r.target,
                "target_label": r.target_label,
                "rule": r.rule,
                "rule_label": r.rule_label,
                "line": sources.line_column(r.rule_span.file, r.rule_span.start as usize).line,
                "because": because_texts(guideline, sources, &r.because),
            });
            if let Some(map) = item.as_object_mut() {
                if let Some(u) = r.urgency {
                    map.insert("urgency".to_owned(), json!(urgency_word(u)));
                    if let Urgency::Within { seconds } = u {
                        map.insert("deadline_seconds".to_owned(), json!(seconds));
                    }
                }
                if let Some(replaces) = &r.replaces {
                    map.insert("replaces".to_owned(), json!(replaces));
                }
                if let Some(instead) = &r.instead {
                    map.insert("instead".to_owned(), json!(instead));
                }
                let codes = guideline
                    .entries
                    .get(r.target_entry)
                    .map(|e| e.codes.as_slice())
                    .unwrap_or_default();
                if !codes.is_empty() {
                    map.insert("codes".to_owned(), codings_json(codes));
                }
            }
            item
        })
        .collect();
    json!({
        "recommendations": recommendations,
        "overruled": evaluation.overruled.iter().map(|o| json!({
            "kind": kind_word(o.kind), "target": o.target, "rule": o.rule, "by_rule": o.by_rule,
        })).collect::<Vec<_>>(),
        "fired": evaluation.fired,
        "warnings": warnings,
    })
}

/// The reasons as written, each once: the same test written in two
/// definitions (`acute_uitval` in both `alarmsymptoom` and
/// `alarmvermoeden`) reads as one reason.
pub fn because_texts(guideline: &Guideline, sources: &Sources, because: &[Reason]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    because
        .iter()
        .map(|reason| reason_text(guideline, sources, reason))
        .filter(|text| seen.insert(text.clone()))
        .collect()
}

/// One reason as written; a reason quoted from another file than the
/// guideline's (a definition of a vocabulary it uses) says where, since its
/// words are not in the guideline: `fever (rug.vocabulary.leidraad:4)`.
fn reason_text(guideline: &Guideline, sources: &Sources, reason: &Reason) -> String {
    let text = reason_words(guideline, sources, reason);
    if reason.span.file == guideline.file {
        return text;
    }
    let line = sources
        .line_column(reason.span.file, reason.span.start as usize)
        .line;
    format!("{text} ({}:{line})", sources.name(reason.span.file))
}

fn reason_words(guideline: &Guideline, sources: &Sources, reason: &Reason) -> String {
    let text = sources
        .slice(reason.span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(score) = &reason.score {
        let shown = if reason.negated {
            format!("not {text}")
        } else {
            text
        };
        return format!("{shown} ({})", score_text(guideline, sources, score));
    }
    if !reason.negated {
        return text;
    }
    // `x is unknown` false reads as `x is known`.
    if let Some(name) = text.strip_suffix(" is unknown") {
        if !name.contains(' ') {
            return format!("{name} is known");
        }
    }
    // INVARIANT: only an input that is always asked and never unknown has
    // a value whenever a test on it is false; for one with `asked when` or
    // `or unknown`, both `x == v` and `x != v` are false when it is not
    // asked or unknown, so `not` must stay.
    let always_asked = |name: &str| {
        guideline
            .inputs
            .iter()
            .any(|input| input.id == name && input.asked_when.is_none() && !input.admits_unknown)
    };
    let subject = text.split(' ').next().unwrap_or("");
    let turned = always_asked(subject)
        .then(|| negated_comparison(&text))
        .flatten();
    turned.unwrap_or_else(|| format!("not {text}"))
}

/// `wells = 3: active_cancer +1, calf_swelling +1`: a score's value and the
/// criteria that made it, as written.
fn score_text(guideline: &Guideline, sources: &Sources, value: &ScoreValue) -> String {
    let Some(score) = guideline.scores.get(value.score) else {
        return String::new();
    };
    let mut parts = Vec::new();
    for (index, added) in &value.terms {
        let Some(term) = score.terms.get(*index) else {
            continue;
        };
        let (ScoreTerm::Points { span, .. } | ScoreTerm::Input { span, .. }) = term;
        let written = sources
            .slice(*span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // `2 when x` reads as `x +2`; an input as `eye 3`.
        let shown = match term {
            ScoreTerm::Points { .. } => {
                let criterion = written
                    .split_once(" when ")
                    .map_or(written.as_str(), |(_, c)| c);
                let sign = if added.numer() > 0 { "+" } else { "" };
                format!("{criterion} {sign}{}", added.to_human_string())
            }
            ScoreTerm::Input { .. } => format!("{written} {}", added.to_human_string()),
        };
        parts.push(shown);
    }
    if parts.is_empty() {
        format!("{} = {}", score.id, value.value.to_human_string())
    } else {
        format!(
            "{} = {}: {}",
            score.id,
            value.value.to_human_string(),
            parts.join(", ")
        )
    }
}

/// A single comparison turned around (`trauma != none` false reads as
/// `trauma == none`), so that a reason does not say "not ... !=". `None`
/// for anything else, which keeps its `not`. Only right for an input that
/// has a value; see `reason_text`.
fn negated_comparison(text: &str) -> Option<String> {
    let operators = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Le,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Gt,
    ];
    let compound = text.contains('(')
        || text
            .split(' ')
            .any(|word| matches!(word, "and" | "or" | "not" | "implies" | "has" | "in"));
    let spaced = |op: CompareOp| format!(" {} ", operator_word(op));
    let found: Vec<(String, String)> = operators
        .into_iter()
        .map(|op| (spaced(op), spaced(opposite(op))))
        .filter(|(operator, _)| text.contains(operator.as_str()))
        .collect();
    match found.as_slice() {
        [(operator, turned)] if !compound && text.matches(operator.as_str()).count() == 1 => {
            Some(text.replacen(operator.as_str(), turned, 1))
        }
        _ => None,
    }
}

/// How much of the explanation a JSON result carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Explain {
    /// Everything [`to_json`] gives: the fired rules, what was overruled,
    /// and for each recommendation its rule with label and line, and the
    /// reasons.
    #[default]
    Full,
    /// Each recommendation with its rule and reasons, and what was
    /// overruled; no labels, lines or fired rules.
    Reasons,
    /// The advice alone: kind, target, urgency, `instead` and `replaces`.
    None,
}

/// Writes JSON results, one line each, straight into a byte buffer: what
/// `--batch` writes. Everything that depends only on the guideline (names
/// and labels escaped as JSON, the line of each rule, the text of every
/// reason) is computed once in [`JsonLines::new`], so writing a result
/// allocates nothing. With [`Explain::Full`] a line is byte for byte
/// `to_json` with its `line` field, serialized by serde_json
/// (tests/batch.rs compares them).
#[derive(Clone, Debug)]
pub struct JsonLines<'a> {
    guideline: &'a Guideline,
    sources: &'a Sources,
    explain: Explain,
    /// Rule's name span start to its line.
    lines: std::collections::HashMap<u32, usize>,
    /// Each reason that a condition can give, as a JSON string with an id
    /// shared by equal texts, sorted by span and negation.
    reasons: Vec<((crate::source::Span, bool), Box<str>, usize)>,
    /// Each catalogue entry's codes as the JSON of a `"codes"` field with
    /// its comma (empty for an entry without codes).
    codes: Vec<Box<str>>,
}

impl<'a> JsonLines<'a> {
    pub fn new(guideline: &'a Guideline, sources: &'a Sources, explain: Explain) -> JsonLines<'a> {
        let lines = guideline
            .rules
            .iter()
            .map(|rule| {
                let start = rule.id_span.start;
                (
                    start,
                    sources.line_column(guideline.file, start as usize).line,
                )
            })
            .collect();
        let mut reasons = std::collections::BTreeMap::new();
        let conditions = guideline
            .rules
            .iter()
            .filter_map(|rule| rule.when.as_ref())
            .chain(guideline.definitions.iter().map(|d| &d.condition));
        for condition in conditions {
            every_reason(condition, &mut |span| {
                for negated in [false, true] {
                    reasons.entry((span, negated)).or_insert_with(|| {
                        let reason = Reason {
                            span,
                            negated,
                            score: None,
                        };
                        let text = reason_text(guideline, sources, &reason);
                        json_string(&text).into_boxed_str()
                    });
                }
            });
        }
        let mut ids: std::collections::HashMap<Box<str>, usize> = std::collections::HashMap::new();
        let reasons = reasons
            .into_iter()
            .map(|(key, text)| {
                let next = ids.len();
                let id = *ids.entry(Box::clone(&text)).or_insert(next);
                (key, text, id)
            })
            .collect();
        let codes = guideline
            .entries
            .iter()
            .map(|e| {
                if e.codes.is_empty() {
                    Box::from("")
                } else {
                    let json = serde_json::to_string(&codings_json(&e.codes)).unwrap_or_default();
                    format!("\"codes\":{json},").into_boxed_str()
                }
            })
            .collect();
        JsonLines {
            guideline,
            sources,
            explain,
            lines,
            reasons,
            codes,
        }
    }

    /// One result line, with its line number in the batch.
    pub fn evaluation(
        &self,
        out: &mut Vec<u8>,
        evaluation: &Evaluation,
        warnings: &[String],
        line: usize,
    ) {
        let full = self.explain == Explain::Full;
        out.push(b'{');
        if full {
            out.extend_from_slice(b"\"fired\":");
            list(out, &evaluation.fired, |out, id| string(out, id));
            out.push(b',');
        }
        number_field(out, "line", line);
        if self.explain != Explain::None {
            out.extend_from_slice(b",\"overruled\":");
            list(out, &evaluation.overruled, |out, o| {
                out.extend_from_slice(b"{\"by_rule\":");
                string(out, &o.by_rule);
                out.extend_from_slice(b",\"kind\":");
                string(out, kind_word(o.kind));
                out.extend_from_slice(b",\"rule\":");
                string(out, &o.rule);
                out.extend_from_slice(b",\"target\":");
                string(out, &o.target);
                out.push(b'}');
            });
        }
        out.extend_from_slice(b",\"recommendations\":");
        // The reasons of the previous recommendation, and where they were
        // written: the actions of one rule share them.
        let mut previous: Option<(&[Reason], std::ops::Range<usize>)> = None;
        list(out, &evaluation.recommendations, |out, r| {
            self.recommendation(out, r, &mut previous);
        });
        out.extend_from_slice(b",\"warnings\":");
        list(out, warnings, |out, w| string(out, w));
        out.extend_from_slice(b"}\n");
    }

    fn recommendation<'r>(
        &self,
        out: &mut Vec<u8>,
        r: &'r Recommendation,
        previous: &mut Option<(&'r [Reason], std::ops::Range<usize>)>,
    ) {
        // Keys in the order serde_json's sorted map writes them.
        out.push(b'{');
        let same = previous
            .as_ref()
            .filter(|(because, _)| *because == r.because.as_slice())
            .map(|(_, written)| written.clone());
        if let (Some(written), true) = (same, self.explain != Explain::None) {
            out.extend_from_within(written);
        } else if self.explain != Explain::None {
            let start = out.len();
            out.extend_from_slice(b"\"because\":[");
            // Each text once, as `because_texts` lists them: the ids of the
            // texts written so far, on the stack for the usual short list.
            let mut on_stack = [usize::MAX; 32];
            let mut on_heap = Vec::new();
            for (count, reason) in r.because.iter().enumerate() {
                let (text, id) = match self.find(reason) {
                    Some(found) => found,
                    None => {
                        let text = json_string(&reason_text(self.guideline, self.sources, reason));
                        (std::borrow::Cow::Owned(text), usize::MAX)
                    }
                };
                // `every_reason` finds every span `reasons` gives, so a text
                // made on the spot (no id) is a score's, with its value; it
                // is written as is.
                let seen = id != usize::MAX
                    && on_stack
                        .iter()
                        .take(count)
                        .chain(&on_heap)
                        .any(|&s| s == id);
                match on_stack.get_mut(count) {
                    Some(slot) => *slot = id,
                    None => on_heap.push(id),
                }
                if seen {
                    continue;
                }
                if out.last() != Some(&b'[') {
                    out.push(b',');
                }
                out.extend_from_slice(text.as_bytes());
            }
            out.extend_from_slice(b"],");
            *previous = Some((&r.because, start..out.len()));
        }
        if self.explain == Explain::Full {
            if let Some(codes) = self.codes.get(r.target_entry) {
                out.extend_from_slice(codes.as_bytes());
            }
        }
        if let Some(instead) = &r.instead {
            out.extend_from_slice(b"\"instead\":");
            string(out, instead);
            out.push(b',');
        }
        out.extend_from_slice(b"\"kind\":");
        string(out, kind_word(r.kind));
        if self.explain == Explain::Full {
            let line = self.lines.get(&r.rule_span.start).copied().unwrap_or(0);
            out.push(b',');
            number_field(out, "line", line);
        }
        if let Some(replaces) = &r.replaces {
            out.extend_from_slice(b",\"replaces\":");
            string(out, replaces);
        }
        if self.explain != Explain::None {
            out.extend_from_slice(b",\"rule\":");
            string(out, &r.rule);
        }
        if self.explain == Explain::Full {
            out.extend_from_slice(b",\"rule_label\":");
            string(out, &r.rule_label);
        }
        out.extend_from_slice(b",\"target\":");
        string(out, &r.target);
        if self.explain == Explain::Full {
            out.extend_from_slice(b",\"target_label\":");
            string(out, &r.target_label);
        }
        if let Some(u) = r.urgency {
            out.extend_from_slice(b",\"urgency\":");
            string(out, &urgency_word(u));
            if let Urgency::Within { seconds } = u {
                out.extend_from_slice(b",\"deadline_seconds\":");
                out.extend_from_slice(seconds.to_string().as_bytes());
            }
        }
        out.push(b'}');
    }

    /// The reason's text as a JSON string and the id of that text, from the
    /// table; `None` for a span no condition of the guideline has (which
    /// does not happen).
    fn find(&self, reason: &Reason) -> Option<(std::borrow::Cow<'_, str>, usize)> {
        // A score's value differs from patient to patient.
        if reason.score.is_some() {
            return None;
        }
        let key = (reason.span, reason.negated);
        let at = self
            .reasons
            .binary_search_by(|(k, _, _)| k.cmp(&key))
            .ok()?;
        let (_, text, id) = self.reasons.get(at)?;
        Some((std::borrow::Cow::Borrowed(text), *id))
    }

    /// The line of a record that could not be evaluated.
    pub fn errors(&self, out: &mut Vec<u8>, errors: &[FieldError], line: usize) {
        out.extend_from_slice(b"{\"errors\":");
        list(out, errors, |out, e| {
            out.extend_from_slice(b"{\"field\":");
            string(out, &e.field);
            out.extend_from_slice(b",\"message\":");
            string(out, &e.message);
            out.extend_from_slice(b",\"reason\":");
            // The same word serde writes for the single record's JSON.
            let _ = serde_json::to_writer(&mut *out, &e.reason);
            out.push(b'}');
        });
        out.push(b',');
        number_field(out, "line", line);
        out.extend_from_slice(b"}\n");
    }
}

/// Calls `found` with the span of every test and definition use in a
/// condition: the spans [`super::reasons`] can give.
fn every_reason(condition: &Cond, found: &mut impl FnMut(crate::source::Span)) {
    match condition {
        Cond::True | Cond::Invalid => {}
        Cond::BoolIs(_, _, span)
        | Cond::ChoiceIn(_, _, span)
        | Cond::Has(_, _, span)
        | Cond::Compare(_, _, _, span)
        | Cond::IsUnknown(_, span)
        | Cond::Score(_, _, _, span)
        | Cond::Linear(_, _, _, span)
        | Cond::Define(_, span) => found(*span),
        Cond::Not(inner) => every_reason(inner, found),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            parts.iter().for_each(|part| every_reason(part, found));
        }
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A JSON string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, text: &str) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

fn number_field(out: &mut Vec<u8>, key: &str, value: usize) {
    use std::io::Write as _;
    let _ = write!(out, "\"{key}\":{value}");
}

fn list<'t, T>(out: &mut Vec<u8>, items: &'t [T], mut item: impl FnMut(&mut Vec<u8>, &'t T)) {
    out.push(b'[');
    for (index, each) in items.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        item(out, each);
    }
    out.push(b']');
}

/// Why a record could not be evaluated, in the guideline's words
/// (`words::of`), one entry per field (an empty field for the record as a
/// whole).
pub fn error_messages(
    guideline: &Guideline,
    sources: &Sources,
    error: &EvalError,
    given: &[Option<Value>],
) -> Vec<FieldError> {
    let w = &crate::model::words::of(guideline).record;
    match error {
        EvalError::Missing(inputs) => inputs
            .iter()
            .filter_map(|i| Some((guideline.inputs.get(*i)?, given.get(*i))))
            .map(|(input, given)| {
                let (message, reason) = if matches!(given, Some(Some(Value::Unknown))) {
                    let default = if input.default.is_some() {
                        w.default_note
                    } else {
                        ""
                    };
                    (
                        fill(w.not_known, &[&input.id, &input.label, default]),
                        Refusal::NotKnown,
                    )
                } else {
                    (fill(w.lacks, &[&input.id, &input.label]), Refusal::Missing)
                };
                FieldError::new(&input.id, message).because(reason)
            })
            .collect(),
        EvalError::Assumption(span) => {
            let at = sources.line_column(span.file, span.start as usize);
            // An assumption a vocabulary makes is named with its file.
            let file = if span.file == guideline.file {
                String::new()
            } else {
                fill(w.of_file, &[sources.name(span.file)])
            };
            vec![
                FieldError::new(
                    "",
                    fill(
                        w.contradicts,
                        &[&at.line.to_string(), &file, sources.slice(*span).trim()],
                    ),
                )
                .because(Refusal::Contradiction),
            ]
        }
        EvalError::AskedWhen => vec![FieldError::new("", w.not_asked).because(Refusal::NotAsked)],
    }
}

#[cfg(test)]
mod tests {
    use super::negated_comparison;

    #[test]
    fn a_false_comparison_reads_as_its_opposite() {
        assert_eq!(
            negated_comparison("trauma != none").as_deref(),
            Some("trauma == none")
        );
        assert_eq!(
            negated_comparison("complaint_duration < 6 weeks").as_deref(),
            Some("complaint_duration >= 6 weeks")
        );
        assert_eq!(
            negated_comparison("age >= 50 years").as_deref(),
            Some("age < 50 years")
        );
        // Anything but one plain comparison keeps its `not`.
        assert_eq!(negated_comparison("bechterew_na_trauma"), None);
        assert_eq!(negated_comparison("suspected has malignancy"), None);
        assert_eq!(
            negated_comparison("age > 18 years and age < 50 years"),
            None
        );
        assert_eq!(
            negated_comparison("neuro_deficit in {acute, progressive}"),
            None
        );
    }
}
