//! `leidraad doc`: a static review site for the clinicians who approve a
//! guideline. One HTML page per file (metadata, the inputs as a
//! questionnaire, every rule as a sentence with its citation, the
//! catalogue, the requirements with their proof status, the cases, the
//! findings of `check`, a flowchart per catalogue entry and the source with
//! line anchors), an index page when there are several, and with an old
//! version a page of the change (the groups of patients whose advice
//! differs, from [`crate::diff`]).
//!
//! Pure: [`site`] returns the files as paths and bytes; the command line
//! writes them. The pages need no JavaScript and no other file: the
//! stylesheet (with a print style) is in each page and the flowcharts are
//! inline SVG. Every text of the guideline is escaped
//! ([`crate::emit::xml_text`]): a label is text, never markup. The same
//! input gives the same bytes.

mod diff;
mod html;
mod page;

use crate::check::{self, CaseOutcome, CheckOptions, CheckedFile, Uses};
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::diff::DiffOptions;
use crate::logic::diagram::{CompileOptions, GroupedDiagram};
use crate::model::words::{Words, fill};
use crate::source::{FileId, Sources};
use html::esc;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What the site is built from.
#[derive(Clone, Copy)]
pub struct DocInput<'a> {
    pub sources: &'a Sources,
    /// The files the guidelines use, as [`check::load_uses`] loaded them.
    pub uses: &'a Uses,
    /// One page per file, in this order.
    pub files: &'a [FileId],
    /// Problems found while loading (a file that is not text, L006).
    pub problems: &'a [Diagnostic],
    /// With `--diff OLD`: the old version of the first file.
    pub old: Option<FileId>,
}

/// The budgets of the analyses, the diagrams and the diff.
#[derive(Clone, Debug, Default)]
pub struct DocOptions {
    pub check: CheckOptions,
    pub compile: CompileOptions,
    pub diff: DiffOptions,
}

/// One file of the site: its path relative to the site's folder, and its
/// bytes.
pub type SiteFile = (String, Vec<u8>);

/// The compiled diagram of one file, or why there is none.
pub(crate) enum Built {
    Compiled(GroupedDiagram),
    Failed(String),
    NotValid,
}

/// Which page shows which file.
pub(crate) struct Links {
    pages: BTreeMap<FileId, String>,
}

impl Links {
    pub(crate) fn page_of(&self, file: FileId) -> Option<&str> {
        self.pages.get(&file).map(String::as_str)
    }
}

/// The page name of a file: its name without folders and extension, in
/// letters, digits, `-` and `_`; a second file of the same name gets `-2`.
fn page_names(sources: &Sources, files: &[FileId]) -> BTreeMap<FileId, String> {
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = BTreeMap::new();
    for &file in files {
        let name = sources.name(file);
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let stem = base.strip_suffix(".leidraad").unwrap_or(base);
        let mut clean: String = stem
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        if clean.is_empty() || clean == "index" || clean == "diff" {
            clean.insert_str(0, "guideline-");
        }
        let count = taken.entry(clean.clone()).or_insert(0);
        *count += 1;
        let page = if *count == 1 {
            format!("{clean}.html")
        } else {
            format!("{clean}-{count}.html")
        };
        pages.insert(file, page);
    }
    pages
}

/// The review site of `input.files`: `index.html` when there are several
/// files (or a change), one page per file, and `diff.html` with an old
/// version. Runs `check` (analyses and cases) and compiles each file
/// without errors itself.
pub fn site(input: DocInput<'_>, options: &DocOptions) -> Vec<SiteFile> {
    let DocInput {
        sources,
        uses,
        files,
        problems,
        old,
    } = input;
    let result = check::check_using(sources, uses, files, &options.check);
    let mut all: Vec<Diagnostic> = problems.to_vec();
    all.extend(result.diagnostics.iter().cloned());
    let mut outcomes: Vec<Vec<CaseOutcome>> = Vec::new();
    for checked in &result.files {
        let (cases, found) = check::run_cases(checked);
        all.extend(found);
        outcomes.push(cases);
    }
    diagnostics::sort(&mut all);
    all.dedup();
    let links = Links {
        pages: page_names(sources, files),
    };
    let several = files.len() > 1 || old.is_some();
    let mut site: Vec<SiteFile> = Vec::new();
    let mut summaries: Vec<String> = Vec::new();
    for (checked, cases) in result.files.iter().zip(&outcomes) {
        let built = match &checked.lowering {
            Some(lowering) => {
                match GroupedDiagram::compile_smaller(&lowering.problem, &options.compile) {
                    Ok(grouped) => Built::Compiled(grouped),
                    Err(error) => Built::Failed(error.to_string()),
                }
            }
            None => Built::NotValid,
        };
        let findings: Vec<&Diagnostic> = all.iter().filter(|d| concerns(checked, d)).collect();
        let data = page::PageData {
            sources,
            checked,
            findings,
            cases,
            built: &built,
            links: &links,
            several,
        };
        let Some(name) = links.page_of(checked.file) else {
            continue;
        };
        summaries.push(index_row(&data, name));
        site.push((name.to_owned(), data.render().into_bytes()));
    }
    if let Some(old) = old {
        let new = result.files.first();
        site.push((
            "diff.html".to_owned(),
            diff::page(sources, uses, old, new, &links, options).into_bytes(),
        ));
    }
    if several {
        let change = old.map(|_| "diff.html");
        site.insert(
            0,
            (
                "index.html".to_owned(),
                index(&summaries, change, index_words(&result.files)).into_bytes(),
            ),
        );
    }
    site
}

/// Whether a diagnostic is about this guideline; a problem from loading
/// (not text) is about its file.
fn concerns(checked: &CheckedFile, diagnostic: &Diagnostic) -> bool {
    checked.concerns(diagnostic)
}

/// One row of the index: the guideline, its counts and its state.
fn index_row(data: &page::PageData<'_>, name: &str) -> String {
    let guideline = &data.checked.guideline;
    let title = guideline.header.as_ref().map_or_else(
        || data.sources.name(data.checked.file).to_owned(),
        |h| h.label.clone(),
    );
    let errors = data.findings.iter().filter(|d| d.is_error()).count();
    let warnings = data
        .findings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let proved = data
        .findings
        .iter()
        .filter(|d| d.code == diagnostics::Code::RequirementProved)
        .count();
    let passed = data.cases.iter().filter(|c| c.passed).count();
    format!(
        "<tr><th scope=\"row\"><a href=\"{}\">{}</a><br><code>{}</code></th><td>{}</td><td>{}</td><td>{proved} / {}</td><td>{passed} / {}</td><td>{errors}</td><td>{warnings}</td></tr>",
        esc(name),
        esc(&title),
        esc(data.sources.name(data.checked.file)),
        guideline.inputs.len(),
        guideline.rules.len(),
        guideline.requirements.len(),
        guideline.cases.len(),
    )
}

fn index(rows: &[String], change: Option<&str>, words: &Words) -> String {
    let w = &words.doc;
    let mut body = format!("<header><h1>{}</h1></header>\n<main>\n", esc(w.index_title));
    if let Some(change) = change {
        let _ = writeln!(
            body,
            "<p><a href=\"{}\">{}</a></p>",
            esc(change),
            esc(w.index_change)
        );
    }
    let caption = fill(&esc(w.index_caption), &["<code>leidraad check</code>"]);
    let _ = writeln!(
        body,
        "<table class=\"index\">\n<caption>{caption}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
        esc(w.guideline),
        esc(w.inputs),
        esc(w.rules),
        esc(w.requirements_proved),
        esc(w.cases_passed),
        esc(w.errors),
        esc(w.warnings)
    );
    for row in rows {
        body.push_str(row);
        body.push('\n');
    }
    body.push_str("</tbody></table>\n</main>\n");
    html::page(words.code, w.index_title, &body)
}

/// The words of the index: the language every page shares (`--lang`
/// makes them share it), else English.
fn index_words(files: &[CheckedFile]) -> &'static Words {
    let mut codes = files.iter().map(|c| crate::model::words::of(&c.guideline));
    match codes.next() {
        Some(first) if codes.all(|w| w.code == first.code) => first,
        _ => crate::model::words::for_code(None),
    }
}

/// The words of a page about `checked`: its guideline's language
/// (`--lang` first); English without one.
pub(crate) fn words_of(checked: Option<&CheckedFile>) -> &'static Words {
    checked.map_or_else(
        || crate::model::words::for_code(None),
        |c| crate::model::words::of(&c.guideline),
    )
}
