//! `--format sarif`: SARIF 2.1.0, the format code scanning reads (GitHub's
//! among others). Hand-written structs for the part of the standard used;
//! a test validates the output against the official schema
//! (`tests/schemas/sarif-2.1.0.json`).
//!
//! Rules come from the code registry, one per code in code order (so a
//! result's `ruleIndex` is stable), with the explanation as help. Columns
//! are counted in UTF-16 code units, as the run's `columnKind` says, and
//! each result carries a fingerprint that survives moved lines.

use super::{fingerprints, position_in};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{ColumnUnit, Sources, Span};
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    /// The groups `--deny` and `--allow` take that hold the code.
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'a>>,
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A file's name as a URI reference: relative names stay relative (code
/// scanning reads them from the repository's root), `\` becomes `/`, an
/// absolute path becomes a `file://` URI, and what a URI cannot hold is
/// percent-encoded.
pub(crate) fn uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn physical(sources: &Sources, span: Span) -> PhysicalLocation {
    let p = position_in(sources, span, ColumnUnit::Utf16);
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri: uri(p.file) },
        region: Region {
            start_line: p.line,
            start_column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
        },
    }
}

fn rules() -> Vec<Rule> {
    Code::ALL
        .iter()
        .map(|code| {
            let info = code.info();
            Rule {
                id: info.code,
                name: info.name,
                short_description: Text {
                    text: info.summary.to_owned(),
                },
                full_description: Text {
                    text: format!("{}: {}", info.name, info.summary),
                },
                help: Help {
                    text: info.explanation,
                    markdown: info.explanation,
                },
                default_configuration: Configuration {
                    level: if code.fails_by_default() {
                        "error"
                    } else {
                        level(info.severity)
                    },
                },
                properties: RuleProperties {
                    tags: code.groups().map(|g| g.name).collect(),
                },
            }
        })
        .collect()
}

/// Renders diagnostics as one SARIF 2.1.0 log with one run.
pub fn sarif(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let fingerprints = fingerprints(diagnostics, sources);
    let results = diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| {
            let primary = d
                .labels
                .iter()
                .position(|l| l.primary)
                .or(if d.labels.is_empty() { None } else { Some(0) });
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            SarifResult {
                rule_id: d.code.as_str(),
                rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                level: level(d.severity),
                message: Text { text },
                locations: primary
                    .and_then(|i| d.labels.get(i))
                    .map(|label| Location {
                        id: None,
                        physical_location: physical(sources, label.span),
                        message: Some(Message {
                            text: &label.message,
                        }),
                    })
                    .into_iter()
                    .collect(),
                related_locations: d
                    .labels
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| Some(*i) != primary)
                    .map(|(i, label)| Location {
                        id: Some(i),
                        physical_location: physical(sources, label.span),
                        message: Some(Message {
                            text: &label.message,
                        }),
                    })
                    .collect(),
                partial_fingerprints: BTreeMap::from([("leidraad/v1", fingerprint)]),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "leidraad",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules(),
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("guidelines/a b.leidraad"), "guidelines/a%20b.leidraad");
        assert_eq!(uri("/tmp/x.leidraad"), "file:///tmp/x.leidraad");
        assert_eq!(uri("dir\\x#1.leidraad"), "dir/x%231.leidraad");
        assert_eq!(uri("rügpijn.leidraad"), "r%C3%BCgpijn.leidraad");
    }
}
