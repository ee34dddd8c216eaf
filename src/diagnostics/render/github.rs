//! `--format github`: GitHub Actions workflow commands, one per line, which
//! GitHub shows as annotations on the changed lines. Errors and warnings
//! only: a note (a requirement proved) is not a problem to annotate.

use super::position;
use crate::diagnostics::escape::controls;
use crate::diagnostics::escape::controls_keep_lines;
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::Sources;

/// Renders the errors and warnings among `diagnostics` as workflow
/// commands (`::error file=...,line=...::message`).
pub fn github(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => continue,
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
                    escape_property(&controls(p.file)),
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

/// Escapes a workflow command's message. Control characters other than line
/// breaks are written `\u{1b}` first: the log shows them to whoever reads it.
fn escape_data(text: &str) -> String {
    controls_keep_lines(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_output_escapes_control_characters() {
        let (diagnostics, sources) = super::super::tests::hostile();
        let text = github(&diagnostics, &sources);
        assert!(!text.trim_end().chars().any(char::is_control), "{text:?}");
        assert!(text.contains("about `\\u{1b}[8m`"), "{text}");
    }

    #[test]
    fn notes_are_not_annotated() {
        let (mut diagnostics, sources) = super::super::tests::hostile();
        let mut note = diagnostics[0].clone();
        note.severity = Severity::Note;
        diagnostics.push(note);
        assert_eq!(github(&diagnostics, &sources).lines().count(), 1);
    }
}
