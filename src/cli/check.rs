//! `leidraad check FILE...`

use super::{DiagnosticFormat, Status, count, load_rule_files, render_diagnostics};
use leidraad::check::{CheckOptions, check_using};
use leidraad::diagnostics::escape::{controls, group_thousands};
use leidraad::diagnostics::{self, Code, Diagnostic, Severity};
use leidraad::source::FileId;
use std::collections::BTreeMap;

/// How many findings of one code in one file a person is shown; thousands
/// of near-identical conflicts (a wide decision table) would drown the
/// rest. Machine formats list every one.
const SHOWN_PER_CODE: usize = 25;

pub fn run(
    paths: &[String],
    format: DiagnosticFormat,
    deny_warnings: bool,
    options: &CheckOptions,
    color: bool,
) -> miette::Result<Status> {
    let (sources, files, mut diagnostics, uses) = load_rule_files(paths)?;
    let result = check_using(&sources, &uses, &files, options);
    diagnostics.extend(result.diagnostics);
    diagnostics::sort(&mut diagnostics);
    if deny_warnings {
        for d in &mut diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if format == DiagnosticFormat::Human {
        let (shown, hidden) = group_findings(&diagnostics);
        out!("{}", render_diagnostics(&shown, &sources, format, color));
        for ((file, code), more) in hidden {
            outln!(
                "note: {} more {} like these in {} are not shown; `--format json` lists every one",
                group_thousands(more),
                if more == 1 {
                    format!("{} finding", code.as_str())
                } else {
                    format!("{} findings", code.as_str())
                },
                controls(sources.name(file)),
            );
        }
    } else {
        out!(
            "{}",
            render_diagnostics(&diagnostics, &sources, format, color)
        );
    }
    if format == DiagnosticFormat::Human {
        let files_text = count(files.len(), "file", "files");
        if errors == 0 && warnings == 0 {
            eoutln!("checked {files_text}: no problems found");
        } else {
            eoutln!(
                "checked {files_text}: {}, {}",
                count(errors, "error", "errors"),
                count(warnings, "warning", "warnings")
            );
        }
    }
    Ok(if errors > 0 {
        Status::Problems
    } else {
        Status::Clean
    })
}

/// The diagnostics to show a person: every one, except that past
/// [`SHOWN_PER_CODE`] findings of one analysis code in one file the rest are
/// only counted (per file and code, in output order).
fn group_findings(
    diagnostics: &[Diagnostic],
) -> (Vec<Diagnostic>, BTreeMap<(FileId, Code), usize>) {
    let mut seen: BTreeMap<(FileId, Code), usize> = BTreeMap::new();
    let mut hidden = BTreeMap::new();
    let mut shown = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        let finding = diagnostic.code.as_str().starts_with("L3");
        let key = diagnostic
            .primary_span()
            .map(|span| (span.file, diagnostic.code));
        if let (true, Some(key)) = (finding, key) {
            let count = seen.entry(key).or_default();
            *count += 1;
            if *count > SHOWN_PER_CODE {
                *hidden.entry(key).or_default() += 1;
                continue;
            }
        }
        shown.push(diagnostic.clone());
    }
    (shown, hidden)
}
