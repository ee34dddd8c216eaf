//! Where the labels (`"..."`, with `\` escapes) are on one line of text:
//! the trivia splitter looks for comments outside them and the formatter
//! for places to break a line.

/// Every character of `line` with its byte offset and whether it belongs
/// to a label (its quotes included).
pub(crate) fn label_marks(line: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let mut in_label = false;
    let mut escaped = false;
    line.char_indices().map(move |(i, c)| {
        if in_label {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_label = false;
            }
            (i, c, true)
        } else {
            in_label = c == '"';
            (i, c, in_label)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::label_marks;

    #[test]
    fn quotes_and_escapes_belong_to_the_label() {
        let inside: String = label_marks(r#"a "b\"c" d"#)
            .map(|(_, _, inside)| if inside { 'L' } else { '.' })
            .collect();
        assert_eq!(inside, "..LLLLLL..");
    }
}
