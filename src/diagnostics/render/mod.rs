//! One renderer per output format, one file each; this file holds the
//! human one (the only place that knows about codespan-reporting) and what
//! the machine formats share. Every renderer reads the same
//! [`Diagnostic`]s.

mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;
mod short;

pub use github::github;
pub use gitlab::gitlab;
pub use json::{JSON_VERSION, json, test_json};
pub use junit::junit;
pub use sarif::sarif;
pub use short::short;

use super::escape::{controls, controls_keep_lines, is_unsafe};
use super::{Code, Diagnostic, Fact, Severity};
use crate::source::{ColumnUnit, FileId, LineColumn, Sources, Span};
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

/// Where a span is, as every machine format gives it: the file's name, and
/// 1-based lines and columns (in characters) with the end exclusive.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Position<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) end_line: usize,
    pub(crate) end_column: usize,
}

pub(crate) fn position(sources: &Sources, span: Span) -> Position<'_> {
    position_in(sources, span, ColumnUnit::Chars)
}

/// [`position`] with the columns counted in `unit`.
pub(crate) fn position_in(sources: &Sources, span: Span, unit: ColumnUnit) -> Position<'_> {
    let at = |offset: u32| {
        sources
            .get(span.file)
            .map_or(LineColumn { line: 1, column: 1 }, |f| {
                f.line_column_in(offset as usize, unit)
            })
    };
    let (start, end) = (at(span.start), at(span.end));
    Position {
        file: sources.name(span.file),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// What a run found, in numbers: the summary of the machine formats and
/// the last line for a person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The files named on the command line (or found in its folders), in
    /// the order checked.
    pub files: Vec<String>,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Requirements proved for every patient (L308).
    pub requirements_proved: usize,
    /// `case` vignettes run and passed, and run and failed (or not
    /// evaluated).
    pub cases_passed: usize,
    pub cases_failed: usize,
    /// Whether the run passed: nothing that fails (the exit status is 0).
    pub passed: bool,
}

impl Summary {
    /// Counts `diagnostics` (after `--deny` and `--allow`: an error is
    /// what fails).
    pub fn new(files: Vec<String>, diagnostics: &[Diagnostic]) -> Summary {
        let of = |severity: Severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        let errors = of(Severity::Error);
        Summary {
            files,
            errors,
            warnings: of(Severity::Warning),
            notes: of(Severity::Note),
            requirements_proved: diagnostics
                .iter()
                .filter(|d| d.code == Code::RequirementProved)
                .count(),
            cases_passed: 0,
            cases_failed: 0,
            passed: errors == 0,
        }
    }
}

/// One `case` vignette after a run, for the test formats.
#[derive(Clone, Debug)]
pub struct CaseReport {
    pub file: FileId,
    pub label: String,
    pub span: Span,
    pub status: CaseStatus,
    /// Why it failed, or why it did not run (the file's errors).
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Passed,
    /// An expectation does not hold (L401).
    Failed,
    /// The case could not be evaluated (L402).
    NotEvaluated,
    /// The file has errors; no case of it ran.
    NotRun,
}

/// A fingerprint per diagnostic that stays the same while the finding
/// does: made of the code, the file's name and the text under each label
/// (not the line numbers, and not the message, whose wording may change),
/// with a count to tell equal ones apart. 32 hex digits.
pub(crate) fn fingerprints(diagnostics: &[Diagnostic], sources: &Sources) -> Vec<String> {
    let mut seen: std::collections::HashMap<u128, u32> = std::collections::HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let mut key = String::new();
            key.push_str(d.code.as_str());
            key.push('\u{0}');
            if let Some(span) = d.primary_span() {
                key.push_str(sources.name(span.file));
            }
            for label in &d.labels {
                key.push('\u{0}');
                key.push_str(sources.name(label.span.file));
                key.push('\u{0}');
                let text = sources
                    .get(label.span.file)
                    .and_then(|f| f.text.get(label.span.range()))
                    .unwrap_or("");
                // Layout does not change a finding.
                key.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            let base = fnv128(key.as_bytes());
            let occurrence = seen.entry(base).or_default();
            *occurrence += 1;
            key.push_str(&format!("\u{0}{occurrence}"));
            format!("{:032x}", fnv128(key.as_bytes()))
        })
        .collect()
}

/// 128-bit FNV-1a: stable across versions and platforms, which is all a
/// fingerprint needs (it is no defence against a forger).
fn fnv128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes.iter().fold(OFFSET, |hash, &b| {
        (hash ^ u128::from(b)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    /// A label after control characters on its line, and a message and help
    /// that carry them.
    pub(crate) fn hostile() -> (Vec<Diagnostic>, Sources) {
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
}
