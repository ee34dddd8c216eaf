//! What a name is, outside the grammar: the characters it may hold (the
//! grammar's `ident_start` and `ident_char`), and the two misspellings the
//! parser reads as a name anyway, so that it can say once what is wrong and
//! the name's uses still match its declaration:
//!
//! - a `-` inside a name (`XR-foot`): read as `XR_foot`;
//! - a name not in Unicode's composed form NFC (`e` followed by a combining
//!   diaeresis instead of `ë`): read in NFC.
//!
//! Every name in the syntax tree is in this canonical form. Two names are
//! the same name exactly when their canonical forms are equal; a file in
//! which some name needed canonicalizing has an error, so a guideline
//! without errors spells every name exactly as it is compared.

use super::*;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization as _;

/// Whether `c` may start a name: an ASCII letter, `_`, or a Unicode letter
/// (XID_Start). The grammar's `ident_start`.
pub(crate) fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && pest::unicode::XID_START(c))
}

/// Whether `c` may continue a name: an ASCII letter or digit, `_`, or a
/// Unicode identifier character (XID_Continue) that is not an invisible
/// joiner. The grammar's `ident_char`.
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || (!c.is_ascii() && !pest::unicode::JOIN_CONTROL(c) && pest::unicode::XID_CONTINUE(c))
}

/// Whether `text` is a name the grammar reads as written: a name start,
/// name characters, not a reserved word, and in its canonical spelling
/// (no `-`, in NFC). What a rename may write.
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_name_start)
        && chars.all(is_name_char)
        && !RESERVED_WORDS.contains(&text)
        && canonical_name(text) == text
}

/// The name a spelling stands for: `-` becomes `_`, and the result is in
/// NFC. Borrowed when the spelling is already canonical, as nearly every
/// one is.
pub(super) fn canonical_name(raw: &str) -> Cow<'_, str> {
    let hyphen = raw.contains('-');
    let composed = raw.is_ascii() || unicode_normalization::is_nfc(raw);
    match (hyphen, composed) {
        (false, true) => Cow::Borrowed(raw),
        (true, true) => Cow::Owned(raw.replace('-', "_")),
        (_, false) => Cow::Owned(raw.replace('-', "_").nfc().collect()),
    }
}

/// Every place a misspelled name occurs, in file order, to report once per
/// spelling.
#[derive(Default)]
pub(super) struct Misspellings {
    found: Vec<(String, Span)>,
}

impl Misspellings {
    /// Records `raw` at `span` if it is not a name as written.
    pub(super) fn note(&mut self, raw: &str, span: Span) {
        if canonical_name(raw) != raw {
            self.found.push((raw.to_owned(), span));
        }
    }

    /// One error per misspelled spelling, at its first place, with the
    /// other places as secondary labels.
    pub(super) fn diagnostics(self) -> Vec<Diagnostic> {
        /// Beyond this many places, the rest are counted in a note.
        const SHOWN: usize = 6;
        let mut spellings: Vec<(String, Vec<Span>)> = Vec::new();
        for (raw, span) in self.found {
            match spellings.iter_mut().find(|(seen, _)| *seen == raw) {
                Some((_, spans)) => spans.push(span),
                None => spellings.push((raw, vec![span])),
            }
        }
        spellings
            .into_iter()
            .filter_map(|(raw, spans)| {
                let (first, others) = spans.split_first()?;
                let fixed = canonical_name(&raw).into_owned();
                let mut diagnostic = if raw.contains('-') {
                    Diagnostic::new(
                        Code::SyntaxError,
                        format!("names cannot contain `-`; write `{fixed}`"),
                    )
                    .with_primary(*first, format!("write `{fixed}`"))
                    .with_help(format!(
                        "a name holds letters, digits and `_`: write `{fixed}` here and wherever the name is used"
                    ))
                } else {
                    let (typed, count, composed) = first_decomposed(&raw);
                    let how = if count == 1 {
                        format!("the look-alike character {typed}")
                    } else {
                        format!("{count} characters ({typed}) instead of one")
                    };
                    Diagnostic::new(
                        Code::SyntaxError,
                        format!("in the name `{fixed}`, `{composed}` is written as {how}"),
                    )
                    .with_primary(*first, "retype this name")
                    .with_note(
                        "a name is compared character by character: written so, it looks like the name \
                         your keyboard types (Unicode's composed form, NFC) but a patient record or \
                         another system would not find it",
                    )
                    .with_help(format!(
                        "retype `{composed}` here and wherever the name is written so, or let your editor save the file in NFC"
                    ))
                };
                for span in others.iter().take(SHOWN) {
                    diagnostic = diagnostic.with_secondary(*span, "also written so here");
                }
                if others.len() > SHOWN {
                    let more = others.len() - SHOWN;
                    diagnostic = diagnostic.with_note(format!(
                        "written so in {more} more place{}",
                        if more == 1 { "" } else { "s" }
                    ));
                }
                Some(diagnostic)
            })
            .collect()
    }
}

/// The first letter of a name that is not in composed form: how it is
/// typed (its characters, escaped where they are not ASCII, joined by `+`),
/// how many characters that is, and the letter it should be.
fn first_decomposed(raw: &str) -> (String, usize, String) {
    use unicode_normalization::char::canonical_combining_class;
    // Cut the name into letters, each a starter with the marks after it.
    let mut clusters: Vec<&str> = Vec::new();
    let mut start = 0;
    for (at, c) in raw.char_indices() {
        if at > 0 && canonical_combining_class(c) == 0 {
            clusters.push(raw.get(start..at).unwrap_or(""));
            start = at;
        }
    }
    clusters.push(raw.get(start..).unwrap_or(""));
    let cluster = clusters
        .into_iter()
        .find(|cluster| !unicode_normalization::is_nfc(cluster))
        .unwrap_or(raw);
    let typed = cluster
        .chars()
        .map(|c| {
            if c.is_ascii() {
                format!("`{c}`")
            } else {
                format!("`{}`", c.escape_unicode())
            }
        })
        .collect::<Vec<_>>()
        .join(" + ");
    (typed, cluster.chars().count(), cluster.nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses_as_name(word: &str) -> bool {
        LeidraadParser::parse(Rule::ident, word)
            .is_ok_and(|mut pairs| pairs.next().is_some_and(|pair| pair.as_str() == word))
    }

    #[test]
    fn the_predicates_agree_with_the_grammar() {
        let samples = (0..0x3000u32)
            .chain(0x1_0000..0x1_0200)
            .chain([0x200c, 0x200d, 0xfeff, 0x1_f600, 0x2_0000, 0xe_0100])
            .filter_map(char::from_u32);
        for c in samples {
            assert_eq!(
                parses_as_name(&c.to_string()),
                is_name_start(c),
                "{} as the first character",
                c.escape_unicode()
            );
            assert_eq!(
                parses_as_name(&format!("x{c}")),
                is_name_char(c),
                "{} after a letter (`x`, which starts no keyword)",
                c.escape_unicode()
            );
        }
    }

    #[test]
    fn names_are_unicode_identifiers_and_keywords_stay_ascii() {
        for name in [
            "desoriëntatie",
            "ëtage",
            "Ωmega",
            "_x",
            "größe",
            "µg_per_l",
            "naïef_2",
            "l·l",
        ] {
            assert!(parses_as_name(name), "`{name}` is a name");
        }
        for not_a_name in ["2x", "a\u{200d}b", "·a", "a b", "a-", "a-2", "-a"] {
            assert!(!parses_as_name(not_a_name), "`{not_a_name}` is no name");
        }
        // A keyword followed by a non-ASCII letter is a longer name.
        assert!(parses_as_name("noë") && parses_as_name("orë"));
        // `XR-foot` is read whole, as a misspelled name.
        assert!(parses_as_name("XR-foot") && parses_as_name("a-b-c"));
    }

    #[test]
    fn canonical_names() {
        assert!(matches!(canonical_name("fever"), Cow::Borrowed("fever")));
        assert!(matches!(canonical_name("desoriëntatie"), Cow::Borrowed(_)));
        assert_eq!(canonical_name("XR-foot"), "XR_foot");
        let decomposed = "desorie\u{308}ntatie";
        assert_eq!(canonical_name(decomposed), "desoriëntatie");
        assert_eq!(
            first_decomposed(decomposed),
            ("`e` + `\\u{308}`".to_owned(), 2, "ë".to_owned())
        );
    }

    #[test]
    fn one_error_per_misspelled_spelling() {
        let mut m = Misspellings::default();
        let span = |at: usize| Span::new(FileId(0), at, at + 1);
        m.note("XR-foot", span(0));
        m.note("fever", span(1));
        m.note("XR-foot", span(2));
        m.note("e\u{308}", span(3));
        m.note("XR-foot", span(4));
        let d = m.diagnostics();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].message, "names cannot contain `-`; write `XR_foot`");
        assert_eq!(d[0].labels.len(), 3);
        assert_eq!(
            d[1].message,
            "in the name `ë`, `ë` is written as 2 characters (`e` + `\\u{308}`) instead of one"
        );
    }
}
