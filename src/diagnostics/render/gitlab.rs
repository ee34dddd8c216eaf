//! `--format gitlab`: a GitLab Code Quality report, the JSON array that a
//! job's `artifacts:reports:codequality` takes, so that merge requests show
//! the findings on the changed lines. Each finding has a fingerprint that
//! is unique in the report and stays the same while the finding does.

use super::{fingerprints, position};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::Sources;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Renders diagnostics as a Code Quality report: errors are `major`,
/// warnings `minor`, notes `info`. A finding without a place is left
/// out, as the format requires a path.
pub fn gitlab(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let issues: Vec<Issue<'_>> = diagnostics
        .iter()
        .zip(fingerprints(diagnostics, sources))
        .filter_map(|(d, fingerprint)| {
            let p = position(sources, d.primary_span()?);
            Some(Issue {
                description: format!("{} {}", d.code.as_str(), d.message),
                check_name: d.code.info().name,
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Note => "info",
                },
                location: Location {
                    path: p.file,
                    lines: Lines {
                        begin: p.line,
                        end: p.end_line,
                    },
                },
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}
