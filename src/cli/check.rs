//! `leidraad check PATH...`: the front end, the analyses and the `case`
//! vignettes of every file, with the gate (`--deny`, `--allow`) deciding
//! what fails.

use super::{DiagnosticFormat, Status, count, load_rule_files, render_diagnostics};
use leidraad::check::{CheckOptions, report};
use leidraad::diagnostics::escape::{controls, group_thousands};
use leidraad::diagnostics::gate::{Gate, Level, Selector};
use leidraad::diagnostics::render::{self, Summary};
use leidraad::diagnostics::{self, Code, Diagnostic, Severity};
use leidraad::source::{FileId, Sources};
use std::collections::BTreeMap;

/// How many findings of one code in one file a person is shown; thousands
/// of near-identical conflicts (a wide decision table) would drown the
/// rest. Machine formats list every one.
const SHOWN_PER_CODE: usize = 25;

/// How to write the findings.
pub struct Output {
    pub format: DiagnosticFormat,
    /// Every note, instead of a count per file and kind.
    pub verbose: bool,
    pub color: bool,
}

/// The gate of `--deny` and `--allow`; `--no-analyses` allows `incomplete`
/// unless a flag says otherwise (nothing was meant to be proved).
pub fn gate(deny: &[String], allow: &[String], no_analyses: bool) -> Result<Gate, String> {
    let mut gate = Gate::default();
    for text in deny {
        gate.deny(Selector::parse(text)?);
    }
    for text in allow {
        gate.allow(Selector::parse(text)?)?;
    }
    if no_analyses {
        if let Ok(incomplete) = Selector::parse("incomplete") {
            gate.default_level(incomplete, Level::Allow);
        }
    }
    Ok(gate)
}

pub fn run(
    paths: &[String],
    output: &Output,
    gate: &Gate,
    options: &CheckOptions,
) -> miette::Result<Status> {
    let (sources, files, loaded, uses) = load_rule_files(paths)?;
    let mut report = report(&sources, &uses, &files, options, gate);
    let mut diagnostics = loaded;
    diagnostics.append(&mut report.diagnostics);
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    let (cases_passed, cases_failed) = (report.cases_passed, report.cases_failed);
    let mut summary = Summary::new(
        files.iter().map(|&f| sources.name(f).to_owned()).collect(),
        &diagnostics,
    );
    summary.cases_passed = cases_passed;
    summary.cases_failed = cases_failed;
    let Output {
        format,
        verbose,
        color,
    } = *output;
    match format {
        DiagnosticFormat::Human | DiagnosticFormat::Short => {
            let (shown, notes) = if verbose {
                (diagnostics.clone(), Vec::new())
            } else {
                collapse_notes(&diagnostics, &sources)
            };
            if format == DiagnosticFormat::Human {
                let (shown, hidden) = group_findings(&shown);
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
                for (file, _, text) in &notes {
                    outln!("note: {}: {text}", controls(file));
                }
            } else {
                out!("{}", render::short(&shown, &sources));
                for (file, code, text) in &notes {
                    outln!("{}: {} note: {text}", controls(file), code.as_str());
                }
            }
            eoutln!("{}", last_line(&summary));
        }
        DiagnosticFormat::Json => out!("{}", render::json(&diagnostics, &sources, &summary)),
        DiagnosticFormat::Sarif => out!("{}", render::sarif(&diagnostics, &sources)),
        DiagnosticFormat::Gitlab => out!("{}", render::gitlab(&diagnostics, &sources)),
        DiagnosticFormat::Github => out!("{}", render::github(&diagnostics, &sources)),
    }
    Ok(if summary.passed {
        Status::Clean
    } else {
        Status::Problems
    })
}

/// `checked 2 files: 1 error, 0 warnings; 15 requirements proved; cases: 3
/// passed, 0 failed`.
fn last_line(summary: &Summary) -> String {
    let files = count(summary.files.len(), "file", "files");
    let mut line = if summary.errors == 0 && summary.warnings == 0 {
        format!("checked {files}: no problems found")
    } else {
        format!(
            "checked {files}: {}, {}",
            count(summary.errors, "error", "errors"),
            count(summary.warnings, "warning", "warnings")
        )
    };
    if summary.requirements_proved > 0 {
        line.push_str(&format!(
            "; {}",
            count(
                summary.requirements_proved,
                "requirement proved",
                "requirements proved"
            )
        ));
    }
    if summary.cases_passed + summary.cases_failed > 0 {
        line.push_str(&format!(
            "; cases: {} passed, {} failed",
            summary.cases_passed, summary.cases_failed
        ));
    }
    line
}

/// The diagnostics to show a person one by one, and the notes in counts:
/// one line per file and code (and, for a requirement not verified, per
/// reason), in output order: `15 requirements proved`.
fn collapse_notes(
    diagnostics: &[Diagnostic],
    sources: &Sources,
) -> (Vec<Diagnostic>, Vec<(String, Code, String)>) {
    let mut shown = Vec::new();
    let mut counted: Vec<((FileId, Code, String), usize)> = Vec::new();
    for d in diagnostics {
        let file = d.primary_span().map(|s| s.file);
        let (Severity::Note, Some(file)) = (d.severity, file) else {
            shown.push(d.clone());
            continue;
        };
        let reason = d.notes.first().cloned().unwrap_or_default();
        let key = (file, d.code, reason);
        match counted.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counted.push((key, 1)),
        }
    }
    let lines = counted
        .into_iter()
        .map(|((file, code, reason), n)| {
            let text = match code {
                Code::RequirementProved => format!(
                    "{} (`--verbose` shows each)",
                    count(n, "requirement proved", "requirements proved")
                ),
                Code::RequirementNotVerified => format!(
                    "{}: {reason}",
                    count(n, "requirement not verified", "requirements not verified")
                ),
                _ => format!(
                    "{} {} ({}; `--verbose` shows each)",
                    count(n, "note", "notes"),
                    code.as_str(),
                    code.info().summary
                ),
            };
            (sources.name(file).to_owned(), code, text)
        })
        .collect();
    (shown, lines)
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
