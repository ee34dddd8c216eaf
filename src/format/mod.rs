//! `leidraad fmt`: one layout for a rule file, changing white space only.
//!
//! The formatter reads the syntax tree's statement spans and the trivia side
//! table ([`crate::syntax::ast::Trivia`]: every comment, by position) and
//! rewrites the file line by line:
//!
//! - a statement's first line starts at the left margin;
//! - a continuation line keeps its indentation, so that the columns an
//!   editor aligned (`when`/`then`, `or` leading a broken condition, the
//!   columns of a run of inputs) stay aligned;
//! - no space after `(` and `[` or before `)`, `]` and `,`, and one space
//!   after a `,` that has none;
//! - a line wider than [`WIDTH`] characters (without a trailing comment)
//!   is broken before `or`/`and` outside labels, at the outermost bracket
//!   depth the line has, the operator
//!   leading the next line, two spaces deeper;
//! - no white space at the end of a line (comments included);
//! - a group of blank lines becomes one blank line; none at the start or the
//!   end of the file, and the file ends with one line end (LF).
//!
//! Spacing between other tokens, and before a trailing comment, is kept as
//! written. Labels (`"..."`) and comments are never touched inside.
//!
//! A file with syntax errors is refused: [`FormatError::Syntax`] carries the
//! parser's diagnostics. Before returning, the formatter parses its result
//! again and compares the token sequences, comments included: if anything but
//! white space would change, it refuses with [`FormatError::Unsafe`] and the
//! file stays as it is.

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span, lines_inclusive};
use crate::syntax::{ast::SyntaxFile, parse};

/// Why a file was not formatted.
#[derive(Clone, Debug)]
pub enum FormatError {
    /// The file does not parse: its errors, as `check` reports them.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed more than white space (a bug in the
    /// formatter; the file is left as it is). Says what differed.
    Unsafe(String),
}

/// Formats one file's text. Returns the formatted text (equal to `text`
/// when it is already formatted), or why it was left as it is.
pub fn format(file: FileId, text: &str) -> Result<String, FormatError> {
    let (tree, diagnostics) = parse(file, text);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() || !tree.broken.is_empty() {
        return Err(FormatError::Syntax(errors));
    }
    let formatted = layout(text, &tree);
    let (again, diagnostics) = parse(file, &formatted);
    if diagnostics.iter().any(Diagnostic::is_error) || !again.broken.is_empty() {
        return Err(FormatError::Unsafe(
            "the formatted text does not parse".to_owned(),
        ));
    }
    let before = tokens(text, &tree.trivia.comments);
    let after = tokens(&formatted, &again.trivia.comments);
    if before != after {
        let at = before
            .iter()
            .zip(&after)
            .position(|(a, b)| a != b)
            .unwrap_or(before.len().min(after.len()));
        return Err(FormatError::Unsafe(format!(
            "token {} would change from {:?} to {:?}",
            at + 1,
            before.get(at).copied().unwrap_or("(end)"),
            after.get(at).copied().unwrap_or("(end)"),
        )));
    }
    if again.items.len() != tree.items.len() {
        return Err(FormatError::Unsafe(
            "the number of statements would change".to_owned(),
        ));
    }
    Ok(formatted)
}

/// The rewritten text (see the module's documentation).
fn layout(text: &str, tree: &SyntaxFile) -> String {
    let starts: Vec<usize> = tree.items.iter().map(|i| i.span().start as usize).collect();
    let comments: Vec<(usize, usize)> = tree
        .trivia
        .comments
        .iter()
        .map(|c| (c.start as usize, c.end as usize))
        .collect();
    let mut out = String::with_capacity(text.len() + 1);
    let mut blank_pending = false;
    let mut offset = 0;
    for raw in lines_inclusive(text) {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let indent_len = line.len() - line.trim_start_matches(is_space).len();
        if indent_len == line.len() {
            blank_pending = !out.is_empty();
            continue;
        }
        if blank_pending {
            out.push('\n');
            blank_pending = false;
        }
        let body_start = line_start + indent_len;
        let mut written = String::new();
        if starts.binary_search(&body_start).is_err() {
            written.push_str(line.get(..indent_len).unwrap_or(""));
        }
        let commented = comments
            .iter()
            .any(|(start, _)| (body_start..line_start + line.len()).contains(start));
        respace(
            text,
            body_start,
            line_start + line.len(),
            &comments,
            &mut written,
        );
        if commented {
            out.push_str(&written);
            out.push('\n');
        } else {
            break_long(&written, &mut out);
        }
    }
    out
}

/// The widest line, in characters, before a condition is broken.
pub const WIDTH: usize = 100;

/// Writes one line (without a comment), broken before `or` and `and`
/// outside brackets and labels while it is wider than [`WIDTH`]: each
/// break as late as keeps the line within the width, at an `or` where one
/// fits (or at the first place, if none does), the operator leading the next line, indented two spaces
/// more than the line.
fn break_long(line: &str, out: &mut String) {
    let mut line = line.to_owned();
    loop {
        if line.chars().count() <= WIDTH {
            break;
        }
        let indent: String = line.chars().take_while(|c| is_space(*c)).collect();
        let points = break_points(&line, indent.len());
        let fit = |at: &&usize| {
            line.get(..**at)
                .is_some_and(|h| h.trim_end().chars().count() <= WIDTH)
        };
        let is_or = |at: &&usize| line.get(**at..).is_some_and(|r| r.starts_with("or "));
        // The last `or` that fits, else the last `and` that fits.
        let fits =
            (points.iter().rev().filter(is_or).find(fit)).or_else(|| points.iter().rev().find(fit));
        let Some(&at) = fits.or(points.first()) else {
            break;
        };
        let (Some(head), Some(tail)) = (line.get(..at), line.get(at..)) else {
            break;
        };
        out.push_str(head.trim_end());
        out.push('\n');
        line = format!("{indent}  {tail}");
    }
    out.push_str(&line);
    out.push('\n');
}

/// Where a line may be broken: the byte offsets of every `or` and `and`
/// after its first word, with a space on both sides, outside labels and at
/// the outermost bracket depth any of them has on this line.
fn break_points(line: &str, from: usize) -> Vec<usize> {
    let mut points = Vec::new();
    let mut depth = 0i64;
    let mut previous = ' ';
    for (i, c, in_label) in crate::syntax::label_marks(line) {
        if in_label {
            previous = c;
            continue;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        if previous == ' ' && i > from {
            let rest = line.get(i..).unwrap_or("");
            if rest.starts_with("or ") || rest.starts_with("and ") {
                points.push((i, depth));
            }
        }
        previous = c;
    }
    let outermost = points.iter().map(|(_, d)| *d).min();
    points
        .into_iter()
        .filter(|(_, d)| Some(*d) == outermost)
        .map(|(i, _)| i)
        .collect()
}

/// White space as the grammar skips it within a line (line ends aside).
fn is_space(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\u{FEFF}'
}

/// Writes `text[from..to]` (one line from its first token, without its line
/// end) with the spacing rules applied.
fn respace(text: &str, from: usize, to: usize, comments: &[(usize, usize)], out: &mut String) {
    let Some(line) = text.get(from..to) else {
        return;
    };
    let mut pending_space: Option<&str> = None;
    let mut chars = line.char_indices().peekable();
    let mut last: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        let at = from + i;
        if let Some(&(_, end)) = comments.iter().find(|(start, _)| *start == at) {
            // A comment runs to the end of the line.
            if let Some(space) = pending_space.take() {
                out.push_str(space);
            }
            let comment = text.get(at..end.min(to)).unwrap_or("");
            out.push_str(comment.trim_end_matches(is_space));
            return;
        }
        if is_space(c) {
            let mut end = i + c.len_utf8();
            while let Some((j, d)) = chars.next_if(|(_, d)| is_space(*d)) {
                end = j + d.len_utf8();
            }
            pending_space = line.get(i..end);
            continue;
        }
        if let Some(space) = pending_space.take() {
            let drop = matches!(last, Some('(' | '[')) || matches!(c, ')' | ']' | ',');
            if !drop {
                out.push_str(space);
            }
        } else if last == Some(',') {
            out.push(' ');
        }
        if c == '"' {
            // A label: copied as it is, to its closing quote.
            out.push('"');
            while let Some((_, d)) = chars.next() {
                out.push(d);
                if d == '\\' {
                    if let Some((_, e)) = chars.next() {
                        out.push(e);
                    }
                } else if d == '"' {
                    break;
                }
            }
            last = Some('"');
            continue;
        }
        out.push(c);
        last = Some(c);
    }
}

/// The tokens of a text, comments included (without white space at their
/// end): labels with their quotes, `(`, `)`, `[`, `]` and `,` on their own,
/// and every other run of characters without white space. Two texts with the
/// same tokens differ only in white space that separates no two words.
pub fn tokens<'a>(text: &'a str, comments: &[Span]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut comments = comments.iter().map(|c| (c.start as usize, c.end as usize));
    let mut next_comment = comments.next();
    let mut word: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let flush = |word: &mut Option<usize>, end: usize, out: &mut Vec<&'a str>| {
        if let Some(start) = word.take() {
            out.push(text.get(start..end).unwrap_or(""));
        }
    };
    while let Some((i, c)) = chars.next() {
        if let Some((start, end)) = next_comment
            && start == i
        {
            flush(&mut word, i, &mut out);
            out.push(
                text.get(start..end)
                    .unwrap_or("")
                    .trim_end_matches(is_space),
            );
            while chars.next_if(|(j, _)| *j < end).is_some() {}
            next_comment = comments.next();
            continue;
        }
        match c {
            c if c.is_whitespace() || c == '\u{FEFF}' => flush(&mut word, i, &mut out),
            '(' | ')' | '[' | ']' | ',' => {
                flush(&mut word, i, &mut out);
                out.push(text.get(i..i + 1).unwrap_or(""));
            }
            '"' => {
                flush(&mut word, i, &mut out);
                let mut end = text.len();
                while let Some((j, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' || d == '\n' || d == '\r' {
                        end = j + d.len_utf8();
                        break;
                    }
                }
                out.push(text.get(i..end).unwrap_or(""));
            }
            _ => {
                if word.is_none() {
                    word = Some(i);
                }
            }
        }
    }
    flush(&mut word, text.len(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        match format(FileId(0), text) {
            Ok(t) => t,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn spacing_blank_lines_and_margins() {
        let text = "\n\n  guideline g \"G\"   \n\n\n\ninput  a : yes/no \"A\"  # why  \n  define d = ( a )\n\nrule r \"R\"\n  when d\n  then order x\ndefine e = k in [ y ,z ]\n\n\n";
        let want = "guideline g \"G\"\n\ninput  a : yes/no \"A\"  # why\ndefine d = (a)\n\nrule r \"R\"\n  when d\n  then order x\ndefine e = k in [y, z]\n";
        assert_eq!(fmt(text), want);
        assert_eq!(fmt(want), want);
    }

    #[test]
    fn labels_and_comments_are_untouched_inside() {
        let text = "guideline g \"G ( x ,y )  \"\n# a ( b ,c )   \ninput a : yes/no \"A\\\" ( ,\" # \" ( ,\n";
        let out = fmt(text);
        assert!(out.contains("\"G ( x ,y )  \""), "{out}");
        assert!(out.contains("# a ( b ,c )\n"), "{out}");
        assert!(out.contains("\"A\\\" ( ,\" # \" ( ,\n"), "{out}");
    }

    #[test]
    fn syntax_errors_are_refused() {
        let text = "guideline g \"G\"\nrule r \"R\" when then\n";
        assert!(matches!(
            format(FileId(0), text),
            Err(FormatError::Syntax(e)) if !e.is_empty()
        ));
    }

    #[test]
    fn long_conditions_break_before_the_operator() {
        let long = "define d \"D or E\" = alpha_one and beta_two or (gamma_three or delta_four) and k in [p, q] or epsilon_five and zeta_six or eta\n";
        let out = fmt(&format!("guideline g \"G\"\n{long}"));
        assert_eq!(
            out,
            "guideline g \"G\"\ndefine d \"D or E\" = alpha_one and beta_two or (gamma_three or delta_four) and k in [p, q]\n  or epsilon_five and zeta_six or eta\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn line_ends_become_lf() {
        assert_eq!(
            fmt("guideline g \"G\"\r\ninput a : yes/no \"A\"\rdefine d = a\r\n"),
            "guideline g \"G\"\ninput a : yes/no \"A\"\ndefine d = a\n"
        );
    }
}
