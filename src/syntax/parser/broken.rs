//! What is kept of a statement that does not parse: its keyword, declared
//! name, label and the names it uses, read word by word without the grammar.

use super::*;

/// A broken statement, kept as far as its words tell. `stopped` is where
/// pest stopped reading (relative to the statement); names after it are
/// left out, since they may not be names at all.
pub(super) fn salvage(
    file: FileId,
    offset: usize,
    text: &str,
    keyword: &str,
    stopped: Option<usize>,
) -> BrokenStatement {
    let span = |start: usize, end: usize| Span::new(file, offset + start, offset + end);
    let limit = stopped.unwrap_or(text.len()).min(text.len());
    let mut name = None;
    let mut label = None;
    let mut names = Vec::new();
    let mut seen_first_word = false;
    for word in words(text) {
        match word {
            Word::Name(start, end) => {
                let Some(found) = text.get(start..end) else {
                    continue;
                };
                if start == 0 {
                    continue; // the keyword
                }
                let ident = Ident {
                    name: canonical_name(found).into_owned(),
                    span: span(start, end),
                };
                let reserved = RESERVED_WORDS.contains(&found);
                // The declared name is the word right after the keyword, on
                // the same line (`input fever ...`), if it is no reserved word.
                let right_after_keyword = !seen_first_word
                    && text.get(keyword.len()..start).is_some_and(|gap| {
                        !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\t')
                    });
                seen_first_word = true;
                if right_after_keyword && !reserved && !declares_nothing(keyword) {
                    name = Some(ident);
                } else if start < limit && !reserved {
                    names.push(ident);
                }
            }
            Word::Label(start, end) => {
                seen_first_word = true;
                if label.is_none() {
                    let raw = text.get(start + 1..end - 1).unwrap_or("");
                    label = Some(Text {
                        text: raw.replace("\\\"", "\"").replace("\\\\", "\\"),
                        span: span(start, end),
                    });
                }
            }
        }
    }
    BrokenStatement {
        keyword: keyword.to_owned(),
        name,
        label,
        names,
        stopped_at: stopped.map(|at| span(at, at)),
        span: span(0, text.len()),
    }
}

/// Statements that declare no name: their second word is a use.
fn declares_nothing(keyword: &str) -> bool {
    matches!(keyword, "assume" | "require" | "case" | "use")
}

enum Word {
    /// A plain name (or reserved word), by byte range.
    Name(usize, usize),
    /// A complete label, quotes included.
    Label(usize, usize),
}

/// The names and complete labels of a statement, outside comments. A
/// label that does not close before its line ends is skipped.
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut after_name_char = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                while chars.next_if(|(_, c)| *c != '\n' && *c != '\r').is_some() {}
                after_name_char = false;
            }
            '"' => {
                let mut escaped = false;
                let mut end = None;
                while let Some((j, c)) = chars.next_if(|(_, c)| *c != '\n' && *c != '\r') {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        end = Some(j + 1);
                        break;
                    }
                }
                if let Some(end) = end {
                    out.push(Word::Label(i, end));
                }
                after_name_char = false;
            }
            c if is_name_start(c) => {
                // As the grammar reads a name, `XR-foot` included.
                let mut end = i + c.len_utf8();
                loop {
                    while let Some((j, c)) = chars.next_if(|(_, c)| is_name_char(*c)) {
                        end = j + c.len_utf8();
                    }
                    let mut after = text.get(end..).unwrap_or("").chars();
                    if after.next() == Some('-') && after.next().is_some_and(is_name_start) {
                        chars.next();
                    } else {
                        break;
                    }
                }
                if !after_name_char {
                    out.push(Word::Name(i, end));
                }
                after_name_char = false;
            }
            // Digits glue to what follows (`12weeks` is no name).
            c => after_name_char = c.is_ascii_digit() || c == '.',
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(b: &BrokenStatement) -> Vec<&str> {
        b.names.iter().map(|i| i.name.as_str()).collect()
    }

    #[test]
    fn a_broken_rule_keeps_its_name_label_and_names_up_to_the_error() {
        let text = "guideline g \"G\"\n\nrule r1 \"Fever # not a comment\"  # a comment\n  when fever and pain == severe\n  order MRI\n";
        let (syntax, diagnostics) = parse(FileId(0), text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let broken = &syntax.broken[0];
        assert_eq!(broken.keyword, "rule");
        let name = broken.name.as_ref().unwrap();
        assert_eq!((name.name.as_str(), &text[name.span.range()]), ("r1", "r1"));
        let label = broken.label.as_ref().unwrap();
        assert_eq!(label.text, "Fever # not a comment");
        assert_eq!(&text[label.span.range()], "\"Fever # not a comment\"");
        // Pest stops at `order` (a `then` is missing): names before it stay.
        let stopped = broken.stopped_at.unwrap();
        assert_eq!(&text[stopped.start as usize..][..5], "order");
        assert_eq!(names(broken), ["fever", "pain", "severe"]);
        for ident in &broken.names {
            assert_eq!(&text[ident.span.range()], ident.name);
        }
    }

    #[test]
    fn words_skip_comments_numbers_and_unclosed_labels() {
        let b = salvage(
            FileId(0),
            10,
            "assume age >= 12weeks or x_1 # y\n \"open",
            "assume",
            None,
        );
        assert_eq!(b.name, None);
        assert_eq!(names(&b), ["age", "x_1"]);
        assert_eq!(b.names[0].span.range(), 17..20);
        assert_eq!(b.label, None);
        let b = salvage(FileId(0), 0, "case \"c\" given a yes", "case", Some(9));
        assert_eq!(b.label.unwrap().text, "c");
        assert!(b.name.is_none() && b.names.is_empty());
        // Only the word right after the keyword is a declared name.
        let b = salvage(FileId(0), 0, "rule when fever then", "rule", None);
        assert_eq!((b.name.clone(), names(&b)), (None, vec!["fever"]));
        let b = salvage(FileId(0), 0, "input\n  fever", "input", None);
        assert_eq!((b.name.clone(), names(&b)), (None, vec!["fever"]));
        let b = salvage(FileId(0), 0, "inptu fever : yes/no", "inptu", None);
        assert_eq!(b.name.unwrap().name, "fever");
    }
}
