//! One renderer per output format. This is the only place that knows about
//! codespan-reporting; every renderer reads the same [`Diagnostic`]s.

use super::{Diagnostic, Severity};
use crate::source::{Sources, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;

/// Renders diagnostics for people, like a compiler: the source line, an
/// underline, labels, notes and help. `color` adds ANSI colours.
pub fn human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut files = SimpleFiles::new();
    for (_, file) in sources.iter() {
        files.add(file.name.clone(), file.text.clone());
    }
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let converted = to_codespan(diagnostic);
        if color {
            let mut writer = term::termcolor::Ansi::new(Vec::new());
            if term::emit_to_write_style(&mut writer, &config, &files, &converted).is_ok() {
                out.push_str(&String::from_utf8_lossy(&writer.into_inner()));
                continue;
            }
        } else if let Ok(text) = term::emit_into_string(&config, &files, &converted) {
            out.push_str(&text);
            continue;
        }
        // A label that does not fit its file: fall back to a plain line.
        out.push_str(&format!(
            "{}[{}]: {}\n\n",
            diagnostic.severity.as_str(),
            diagnostic.code.as_str(),
            diagnostic.message
        ));
    }
    out
}

fn to_codespan(diagnostic: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let labels = diagnostic
        .labels
        .iter()
        .map(|label| {
            let style = if label.primary {
                cs::LabelStyle::Primary
            } else {
                cs::LabelStyle::Secondary
            };
            cs::Label::new(style, label.span.file.0 as usize, label.span.range())
                .with_message(label.message.clone())
        })
        .collect();
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|n| format!("note: {n}"))
        .collect();
    if let Some(witness) = &diagnostic.witness {
        notes.push(format!("example patient: {witness}"));
    }
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(diagnostic.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

#[derive(Serialize)]
struct JsonPosition<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    position: JsonPosition<'a>,
    message: &'a str,
    primary: bool,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    position: Option<JsonPosition<'a>>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    witness: Option<&'a serde_json::Value>,
}

fn position<'a>(sources: &'a Sources, span: Span) -> JsonPosition<'a> {
    let start = sources.line_column(span.file, span.start as usize);
    let end = sources.line_column(span.file, span.end as usize);
    JsonPosition {
        file: sources.name(span.file),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// Renders diagnostics as one JSON array (1-based lines and columns; the
/// end is exclusive).
pub fn json(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
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
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// Renders diagnostics as GitHub Actions workflow commands, one per line,
/// which CI systems show as annotations on the changed file.
pub fn github(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let title = format!("{} {}", d.code.as_str(), d.code.info().name);
        match d.primary_span() {
            Some(span) => {
                let p = position(sources, span);
                out.push_str(&format!(
                    "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                    escape_property(p.file),
                    p.line,
                    p.column,
                    p.end_line,
                    p.end_column,
                    escape_property(&title),
                    escape_data(&message)
                ));
            }
            None => out.push_str(&format!(
                "::{level} title={}::{}\n",
                escape_property(&title),
                escape_data(&message)
            )),
        }
    }
    out
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
