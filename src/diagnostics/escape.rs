//! Making user text safe to show: control characters escaped, long values
//! shortened. Every human renderer calls [`controls`] on text that came from
//! a user (labels, comments in snippets, record keys and values), because a
//! rule file under review must not be able to move the cursor, change the
//! window title or write the clipboard of whoever reads its findings.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Most characters of a user's value quoted in a message before it is
/// shortened by [`shorten`].
pub(crate) const QUOTE_CHARS: usize = 60;

/// Whether `c` is a control character that a terminal or a renderer may act
/// on: C0 (but tab), DEL, C1, and the Unicode line and paragraph separators
/// and bidirectional overrides, which reorder what is shown.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character (see [`is_unsafe`]) written as Rust
/// writes it, `\u{1b}`; tab is kept. Newlines are escaped too, so use it on
/// one line at a time where line breaks are meant ([`controls_keep_lines`]).
pub fn controls(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`controls`] that keeps line feeds, for text that is laid out in lines
/// (a rendered diagnostic). A carriage return is still escaped: it would let
/// a line overwrite itself.
pub fn controls_keep_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !(keep_lines && c == '\n');
    if !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_here(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` as it is, or its first [`QUOTE_CHARS`] characters followed by
/// `… (N characters)` when it is longer, so that a message about a 20 MB
/// value stays one line.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    shorten_with(text, |count| {
        format!("{} characters", group_thousands(count))
    })
}

/// [`shorten`] with the count of characters in other words
/// (`20.000.000 tekens`).
pub(crate) fn shorten_with(text: &str, characters: impl Fn(usize) -> String) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({})",
            text.get(..cut).unwrap_or(""),
            characters(text.chars().count())
        )),
    }
}

/// `1234567` as `1,234,567`, for counts shown to people.
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_tab_is_kept() {
        assert_eq!(controls("plain label"), "plain label");
        assert!(matches!(controls("plain"), Cow::Borrowed(_)));
        assert_eq!(controls("a\u{1b}]0;owned\u{7}b"), "a\\u{1b}]0;owned\\u{7}b");
        assert_eq!(controls("tab\there"), "tab\there");
        assert_eq!(controls("line\nbreak\r"), "line\\u{a}break\\u{d}");
        assert_eq!(controls("c1\u{9b}2J del\u{7f}"), "c1\\u{9b}2J del\\u{7f}");
        assert_eq!(controls("rtl\u{202e}x"), "rtl\\u{202e}x");
        assert_eq!(controls_keep_lines("a\nb\r\u{1b}"), "a\nb\\u{d}\\u{1b}");
        assert_eq!(controls("pijn ≥ 3 — é"), "pijn ≥ 3 — é");
    }

    #[test]
    fn long_values_are_shortened_with_their_length() {
        assert_eq!(shorten("short"), "short");
        let exact = "x".repeat(QUOTE_CHARS);
        assert_eq!(shorten(&exact), exact);
        let long = "é".repeat(20_000_000);
        let short = shorten(&long);
        assert_eq!(
            short,
            format!("{}… (20,000,000 characters)", "é".repeat(QUOTE_CHARS))
        );
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(499_995), "499,995");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }
}
