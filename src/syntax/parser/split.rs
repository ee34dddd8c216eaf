//! Cutting a file into statements, before pest sees any of it.

use super::*;

/// One statement's text range and its first word.
pub(super) struct Chunk<'a> {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) keyword: &'a str,
}

pub(super) fn leading_word(line: &str) -> &str {
    let end = line
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(line.len(), |(i, _)| i);
    line.get(..end).unwrap_or("")
}

/// Cuts the text into statements. A statement starts at a line whose first
/// word is a statement keyword, or at any non-blank line at the left margin
/// that is not a comment.
pub(super) fn split_statements(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks: Vec<Chunk<'_>> = Vec::new();
    let mut offset = 0;
    for line in crate::source::lines_inclusive(text) {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // The statement so far ends after this line's last character, so
        // that spans leave out trailing blank lines and comments.
        let content_end = line_start + (line.len() - trimmed.len()) + content.len();
        let indent = line.len() - trimmed.len();
        let word = leading_word(trimmed);
        let starts_statement =
            STATEMENT_KEYWORDS.contains(&word) || indent == 0 || chunks.is_empty();
        if starts_statement {
            let start = line_start + indent;
            chunks.push(Chunk {
                start,
                end: content_end,
                keyword: word,
            });
        } else if let Some(last) = chunks.last_mut() {
            last.end = content_end;
        }
    }
    chunks
}

/// The comments and blank-line groups of a file. Comments are found as the
/// grammar finds them: a `#` outside a label starts one, and it ends at the
/// line's end; a label ends at its closing quote or at the line's end.
pub(super) fn trivia(file: FileId, text: &str) -> Trivia {
    let mut trivia = Trivia::default();
    let mut offset = 0;
    let mut blank_run: Option<(usize, usize)> = None;
    for line in crate::source::lines_inclusive(text) {
        let line_start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim_matches([' ', '\t']).is_empty() {
            blank_run = Some((blank_run.map_or(line_start, |(start, _)| start), offset));
            continue;
        }
        if let Some((start, end)) = blank_run.take() {
            trivia.blank_lines.push(Span::new(file, start, end));
        }
        for (i, c, in_label) in crate::syntax::label_marks(body) {
            if !in_label && c == '#' {
                let end = body.trim_end().len().max(i + 1);
                trivia
                    .comments
                    .push(Span::new(file, line_start + i, line_start + end));
                break;
            }
        }
    }
    if let Some((start, end)) = blank_run {
        trivia.blank_lines.push(Span::new(file, start, end));
    }
    trivia
}

/// The deepest nesting of parentheses and `not` in a statement, counted
/// without parsing. Strings and comments are skipped.
pub(super) fn nesting_depth(text: &str) -> (usize, usize) {
    let mut depth: usize = 0;
    let mut not_run: usize = 0;
    let mut worst = (0, 0);
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' || c == '\n' || c == '\r' {
                        break;
                    }
                }
                not_run = 0;
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                not_run = 0;
            }
            c if is_name_start(c) => {
                let mut end = index + c.len_utf8();
                while let Some(&(i, c)) = chars.peek() {
                    if is_name_char(c) {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                if text.get(index..end) == Some("not") {
                    not_run += 1;
                } else {
                    not_run = 0;
                }
            }
            c if c.is_whitespace() => {}
            _ => not_run = 0,
        }
        if depth + not_run > worst.0 {
            worst = (depth + not_run, index);
        }
    }
    worst
}

/// The tokens of a statement, for comparing two statements and finding the
/// names one mentions: words (names, keywords and numbers; names in their
/// canonical form), labels with their quotes, and every other character on
/// its own. Comments and white space are left out.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => {
                let mut end = text.len();
                while let Some((i, c)) = chars.next() {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' || c == '\n' || c == '\r' {
                        end = i + c.len_utf8();
                        break;
                    }
                }
                out.push(text.get(index..end).unwrap_or("").to_owned());
            }
            '#' => while chars.next_if(|(_, c)| *c != '\n' && *c != '\r').is_some() {},
            c if is_name_char(c) => {
                let mut end = index + c.len_utf8();
                while let Some((i, c)) = chars.next_if(|(_, c)| is_name_char(*c)) {
                    end = i + c.len_utf8();
                }
                out.push(canonical_name(text.get(index..end).unwrap_or("")).into_owned());
            }
            c if c.is_whitespace() || c == '\u{FEFF}' => {}
            c => out.push(c.to_string()),
        }
    }
    out
}

/// The names a statement's text mentions (and its keywords, which name
/// nothing): every word that starts as a name does, outside labels and
/// comments, in canonical form.
pub fn names_in(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|token| token.chars().next().is_some_and(is_name_start))
        .collect()
}

/// A statement's text with its layout and comments taken out: two
/// statements that differ only in spaces, line breaks and comments have
/// the same normal form.
pub fn normal_form(text: &str) -> String {
    tokens(text).join(" ")
}

#[cfg(test)]
mod token_tests {
    use super::*;

    #[test]
    fn normal_forms_ignore_layout_and_comments_but_not_labels() {
        let a = "input age : number 0..120 years \"Leeftijd\" # bron\n";
        let b = "input age:number 0 .. 120 years\n    \"Leeftijd\"";
        assert_eq!(normal_form(a), normal_form(b));
        assert_ne!(
            normal_form(a),
            normal_form("input age : number 0..120 years \"Leeftijd \"")
        );
        assert_ne!(
            normal_form(a),
            normal_form("input age : number 0..110 years \"Leeftijd\"")
        );
    }

    #[test]
    fn names_leave_out_labels_comments_and_numbers() {
        let names = names_in("define jong \"age < 45\" = age < 45 years # fever\n  and rode_vlag");
        assert_eq!(
            names,
            ["define", "jong", "age", "years", "and", "rode_vlag"]
        );
    }
}
