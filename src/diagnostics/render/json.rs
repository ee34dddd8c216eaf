//! `--format json`: one JSON object with a versioned schema
//! (`docs/check.schema.json`, described in `docs/ci.md`): `schema`,
//! `schema_version`, the tool, a summary and every diagnostic. A field is added without changing the version; a field is
//! renamed, removed or changes meaning only with a new version.

use super::{CaseReport, CaseStatus, Position, Summary, position};
use crate::diagnostics::{Diagnostic, Fact, Severity};
use crate::source::Sources;
use serde::Serialize;

/// The version of the `check` and `test` JSON documents.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

const TOOL: Tool = Tool {
    name: "leidraad",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    position: Position<'a>,
    message: &'a str,
    primary: bool,
}

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    position: Option<Position<'a>>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    witness: Option<&'a serde_json::Value>,
    /// Of the witness, the facts that matter (absent when not narrowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<&'a [Fact]>,
}

pub(super) fn diagnostic<'a>(d: &'a Diagnostic, sources: &'a Sources) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.code.as_str(),
        name: d.code.info().name,
        severity: d.severity,
        message: &d.message,
        position: d.primary_span().map(|s| position(sources, s)),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel {
                position: position(sources, l.span),
                message: &l.message,
                primary: l.primary,
            })
            .collect(),
        notes: &d.notes,
        help: d.help.as_deref(),
        witness: d.witness.as_ref(),
        facts: d.facts.as_deref(),
    }
}

#[derive(Serialize)]
struct CheckDocument<'a> {
    schema: &'static str,
    schema_version: u32,
    tool: Tool,
    summary: &'a Summary,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

fn to_text(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

/// Renders a check as one JSON object: `schema` (`"leidraad-check"`),
/// `schema_version`, `tool`, `summary` and `diagnostics` (1-based lines and
/// columns in characters; the end is exclusive).
pub fn json(diagnostics: &[Diagnostic], sources: &Sources, summary: &Summary) -> String {
    to_text(&CheckDocument {
        schema: "leidraad-check",
        schema_version: JSON_VERSION,
        tool: TOOL,
        summary,
        diagnostics: diagnostics.iter().map(|d| diagnostic(d, sources)).collect(),
    })
}

#[derive(Serialize)]
struct TestSummary {
    passed: usize,
    failed: usize,
    not_evaluated: usize,
    not_run: usize,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    label: &'a str,
    #[serde(flatten)]
    position: Position<'a>,
    status: CaseStatus,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct TestDocument<'a> {
    schema: &'static str,
    schema_version: u32,
    tool: Tool,
    summary: TestSummary,
    cases: Vec<JsonCase<'a>>,
    /// Problems that belong to no case (the errors of a file whose cases
    /// did not run).
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Renders `leidraad test` as one JSON object: `schema`
/// (`"leidraad-test"`), `schema_version`, `tool`, `summary`, every case with its
/// status and why it failed, and the diagnostics that belong to no case.
pub fn test_json(cases: &[CaseReport], others: &[Diagnostic], sources: &Sources) -> String {
    let count = |status: CaseStatus| cases.iter().filter(|c| c.status == status).count();
    to_text(&TestDocument {
        schema: "leidraad-test",
        schema_version: JSON_VERSION,
        tool: TOOL,
        summary: TestSummary {
            passed: count(CaseStatus::Passed),
            failed: count(CaseStatus::Failed),
            not_evaluated: count(CaseStatus::NotEvaluated),
            not_run: count(CaseStatus::NotRun),
        },
        cases: cases
            .iter()
            .map(|case| JsonCase {
                label: &case.label,
                position: position(sources, case.span),
                status: case.status,
                diagnostics: case
                    .diagnostics
                    .iter()
                    .map(|d| diagnostic(d, sources))
                    .collect(),
            })
            .collect(),
        diagnostics: others.iter().map(|d| diagnostic(d, sources)).collect(),
    })
}
