//! One renderer per output format. This is the only place that knows about
//! codespan-reporting; every renderer reads the same [`Diagnostic`]s.

use super::escape::{controls, controls_keep_lines, is_unsafe};
use super::{Diagnostic, Fact, Severity};
use crate::source::{Sources, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;

/// A file's text with its control characters escaped (see
/// [`super::escape`]), and where they were, to move spans along.
struct ShownFile {
    text: String,
    /// For each escaped character: its byte offset in the original text
    /// and how many bytes the escaped text has gained after it.
    shifts: Vec<(usize, usize)>,
}

impl ShownFile {
    /// Escapes what a terminal would act on. A carriage return before a
    /// line feed ends a line and is kept; any other is escaped, since it
    /// would let a line overwrite the one before.
    fn new(text: &str) -> ShownFile {
        let mut shown = String::with_capacity(text.len());
        let mut shifts = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let line_end =
                c == '\n' || (c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n'));
            if is_unsafe(c) && !line_end {
                let before = shown.len();
                shown.push_str(&controls(c.encode_utf8(&mut [0; 4])));
                let gained = shown.len() - before - c.len_utf8();
                let total = shifts.last().map_or(0, |&(_, t)| t) + gained;
                shifts.push((at, total));
            } else {
                shown.push(c);
            }
        }
        ShownFile {
            text: shown,
            shifts,
        }
    }

    /// Where byte `offset` of the original text is in the shown text. An
    /// offset on an escaped character stays at the start of its escape.
    fn offset(&self, offset: usize) -> usize {
        let before = self.shifts.partition_point(|&(at, _)| at < offset);
        let gained = before
            .checked_sub(1)
            .and_then(|i| self.shifts.get(i))
            .map_or(0, |&(_, total)| total);
        offset + gained
    }
}

/// Renders diagnostics for people, like a compiler: the source line, an
/// underline, labels, notes and help. `color` adds ANSI colours.
///
/// Control characters in the source, the file names and the messages are
/// escaped (`\u{1b}`), so that a file under review cannot move the cursor,
/// retitle the window or write the clipboard of whoever reads the findings.
pub fn human(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut shown = Vec::new();
    for (_, file) in sources.iter() {
        let shown_file = ShownFile::new(&file.text);
        files.add(controls(&file.name).into_owned(), shown_file.text.clone());
        shown.push(shown_file);
    }
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let converted = to_codespan(diagnostic, &shown);
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
            controls(&diagnostic.message)
        ));
    }
    out
}

fn to_codespan(diagnostic: &Diagnostic, shown: &[ShownFile]) -> cs::Diagnostic<usize> {
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
            let file = label.span.file.0 as usize;
            let range = label.span.range();
            let range = match shown.get(file) {
                Some(shown) => shown.offset(range.start)..shown.offset(range.end),
                None => range,
            };
            cs::Label::new(style, file, range)
                .with_message(controls_keep_lines(&label.message).into_owned())
        })
        .collect();
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|n| format!("note: {}", controls_keep_lines(n)))
        .collect();
    match (&diagnostic.facts, &diagnostic.witness) {
        (Some(facts), _) => notes.push(controls_keep_lines(&example_line(facts)).into_owned()),
        // JSON text already escapes control characters in strings.
        (None, Some(witness)) => notes.push(format!("example patient: {witness}")),
        (None, None) => {}
    }
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {}", controls_keep_lines(help)));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(controls_keep_lines(&diagnostic.message).into_owned())
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

/// The facts of an example patient on one line, as a clinician reads them:
/// `example patient: Leeftijd: ≥ 50 years; Koorts: ja (any answer to the
/// other questions)`.
pub fn example_line(facts: &[Fact]) -> String {
    if facts.is_empty() {
        return "example patient: any patient, whatever the answers".to_owned();
    }
    let parts: Vec<String> = facts
        .iter()
        .map(|f| format!("{}: {}", f.question, f.answer))
        .collect();
    format!(
        "example patient: {} (any answer to the other questions)",
        parts.join("; ")
    )
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
    /// Of the witness, the facts that matter (absent when not narrowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: Option<&'a [Fact]>,
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
            facts: d.facts.as_deref(),
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
    use crate::diagnostics::Code;

    /// A label after control characters on its line, and a message and help
    /// that carry them.
    fn hostile() -> (Vec<Diagnostic>, Sources) {
        let mut sources = Sources::new();
        let text = "a \u{1b}]0;x\u{7} \u{9b}2J target here\nnext\r\nline\n";
        let file = sources.add("in\u{1b}[2Jput.leidraad", text);
        let start = text.find("target").unwrap();
        let diagnostic = Diagnostic::new(Code::UnusedInput, "about `\u{1b}[8m`")
            .with_primary(Span::new(file, start, start + "target".len()), "lab\u{7}el")
            .with_help("help\u{1b}]52;c;eA==\u{7}");
        (vec![diagnostic], sources)
    }

    /// `text` without SGR colour codes (`ESC [ digits and ; m`); any other
    /// ESC stays.
    fn without_colour_codes(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('\u{1b}') {
            out.push_str(rest.get(..at).unwrap());
            let after = rest.get(at + 1..).unwrap();
            let code = after
                .strip_prefix('[')
                .and_then(|a| a.find('m').map(|m| (a, m)))
                .filter(|(a, m)| {
                    a.get(..*m)
                        .unwrap()
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b';')
                });
            match code {
                Some((a, m)) => rest = a.get(m + 1..).unwrap(),
                None => {
                    out.push('\u{1b}');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn human_output_escapes_control_characters_and_keeps_underlines_in_place() {
        let (diagnostics, sources) = hostile();
        for color in [false, true] {
            let text = human(&diagnostics, &sources, color);
            // The only ESC left starts a colour code that the renderer writes.
            let stripped = without_colour_codes(&text);
            assert!(
                !stripped.chars().any(|c| c.is_control() && c != '\n'),
                "{stripped:?}"
            );
            assert!(
                stripped.contains("\\u{1b}]0;x\\u{7} \\u{9b}2J target"),
                "{stripped}"
            );
            assert!(stripped.contains("in\\u{1b}[2Jput.leidraad"), "{stripped}");
            assert!(
                stripped.contains("help\\u{1b}]52;c;eA==\\u{7}"),
                "{stripped}"
            );
            assert!(stripped.contains("lab\\u{7}el"), "{stripped}");
        }
        // The underline is still under `target` in the escaped line.
        let plain = human(&diagnostics, &sources, false);
        let lines: Vec<&str> = plain.lines().collect();
        let source_line = lines.iter().find(|l| l.contains("target here")).unwrap();
        let underline = lines.iter().find(|l| l.contains("^^^^^^")).unwrap();
        let column = |line: &str, pat: &str| line.find(pat).unwrap();
        assert_eq!(
            source_line
                .get(..column(source_line, "target"))
                .unwrap()
                .chars()
                .count(),
            underline
                .get(..column(underline, "^"))
                .unwrap()
                .chars()
                .count(),
            "{plain}"
        );
    }

    #[test]
    fn github_output_escapes_control_characters() {
        let (diagnostics, sources) = hostile();
        let text = github(&diagnostics, &sources);
        assert!(!text.trim_end().chars().any(char::is_control), "{text:?}");
        assert!(text.contains("about `\\u{1b}[8m`"), "{text}");
    }
}
