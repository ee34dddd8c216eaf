//! `leidraad check FILE...`

use super::{DiagnosticFormat, Status, count, load_rule_files, render_diagnostics};
use leidraad::check::{CheckOptions, check_with};
use leidraad::diagnostics::{self, Severity};

pub fn run(
    paths: &[String],
    format: DiagnosticFormat,
    deny_warnings: bool,
    options: &CheckOptions,
    color: bool,
) -> miette::Result<Status> {
    let (sources, files, mut diagnostics) = load_rule_files(paths)?;
    let result = check_with(&sources, &files, options);
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
    out!(
        "{}",
        render_diagnostics(&diagnostics, &sources, format, color)
    );
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
