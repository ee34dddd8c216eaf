//! The pest parser: [`parse`] cuts a file into statements ([`split`]), runs
//! pest on each, turns the pairs into syntax tree nodes ([`convert`]) and
//! pest's errors into an editor's words ([`errors`]). Pest types never leave
//! this folder.

use super::ast::*;
use super::vocabulary::{RESERVED_WORDS, STATEMENT_KEYWORDS};
use crate::diagnostics::suggest::did_you_mean;
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{ActionKind, Urgency};
use crate::source::{FileId, Span};
use pest::Parser;
use pest::iterators::{Pair, Pairs};

mod broken;
mod convert;
mod errors;
mod names;
mod split;

use broken::salvage;
use convert::Converter;
use errors::*;
pub use names::is_name;
use names::*;
pub(crate) use names::{is_name_char, is_name_start};
use split::*;
pub use split::{names_in, normal_form};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/leidraad.pest"]
struct LeidraadParser;

/// How deeply conditions may nest (parentheses and `not`). Deeper input is
/// rejected before parsing, so that no recursion can exhaust the stack.
pub const MAX_NESTING: usize = 64;

/// Parses one file. Returns every statement that parsed and a diagnostic for
/// every statement that did not.
pub fn parse(file: FileId, text: &str) -> (SyntaxFile, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut broken = Vec::new();
    let mut diagnostics = Vec::new();
    let mut misspellings = Misspellings::default();
    for chunk in split_statements(text) {
        let Some(chunk_text) = text.get(chunk.start..chunk.end) else {
            continue;
        };
        let broken_statement =
            |stopped: Option<usize>| salvage(file, chunk.start, chunk_text, chunk.keyword, stopped);
        let (depth, at) = nesting_depth(chunk_text);
        if depth > MAX_NESTING {
            let span = Span::new(file, chunk.start + at, chunk.start + at + 1);
            diagnostics.push(
                Diagnostic::new(
                    Code::TooDeeplyNested,
                    format!("this condition is nested more than {MAX_NESTING} levels deep"),
                )
                .with_primary(span, "too deep here")
                .with_help("split the condition into named `define` statements"),
            );
            broken.push(broken_statement(None));
            continue;
        }
        let converter = Converter {
            file,
            offset: chunk.start,
        };
        let rule = match chunk.keyword {
            "guideline" | "vocabulary" => Rule::header_statement,
            "use" => Rule::use_statement,
            "input" => Rule::input_statement,
            "assume" => Rule::assume_statement,
            "define" => Rule::define_statement,
            "score" => Rule::score_statement,
            "exam" | "measure" | "specialist" => Rule::entry_statement,
            "rule" => Rule::rule_statement,
            "require" => Rule::require_statement,
            "case" => Rule::case_statement,
            "exclusive" => Rule::exclusive_statement,
            _ => {
                diagnostics.push(unknown_statement(file, &chunk, chunk_text));
                broken.push(broken_statement(None));
                continue;
            }
        };
        let parsed = LeidraadParser::parse(rule, chunk_text).map(|pairs| {
            note_misspellings(&converter, pairs.clone(), &mut misspellings);
            converter.statement(pairs)
        });
        match parsed {
            Ok(converted) => match converted {
                Some(item) => {
                    if let Item::Header(header) = &item {
                        diagnostics.extend(header.repeated.iter().map(repeated_header_field));
                    }
                    diagnostics.extend(
                        item.labels()
                            .into_iter()
                            .filter_map(|label| control_character(text, label.span)),
                    );
                    items.push(item);
                }
                None => {
                    diagnostics.push(
                        Diagnostic::new(Code::SyntaxError, "this statement could not be read")
                            .with_primary(converter.span_of(0, chunk_text.len()), "here"),
                    );
                    broken.push(broken_statement(None));
                }
            },
            Err(error) => {
                // Pest lists literal tokens such as `)` or `:` only when it
                // tracks its parse attempts; that costs time, so it is
                // switched on at the first error (and stays on, so that
                // the output does not depend on what ran before).
                let error = if error.parse_attempts().is_some() {
                    error
                } else {
                    pest::set_error_detail(true);
                    LeidraadParser::parse(rule, chunk_text)
                        .err()
                        .unwrap_or(error)
                };
                diagnostics.push(syntax_error(&converter, chunk_text, chunk.keyword, &error));
                let stopped = match error.location {
                    pest::error::InputLocation::Pos(at)
                    | pest::error::InputLocation::Span((at, _)) => at,
                };
                broken.push(broken_statement(Some(stopped)));
            }
        }
    }
    diagnostics.extend(misspellings.diagnostics());
    let trivia = trivia(file, text);
    (
        SyntaxFile {
            items,
            broken,
            trivia,
        },
        diagnostics,
    )
}

/// Notes every name of a statement that is not written as it is compared
/// (`XR-foot`, a name not in NFC). Units are no names (the unit table
/// judges them), and the header's language is a language tag (`nl-BE`).
fn note_misspellings(converter: &Converter, pairs: Pairs<'_, Rule>, found: &mut Misspellings) {
    for pair in pairs {
        match pair.as_rule() {
            Rule::unit | Rule::header_field => {}
            Rule::ident => {
                let at = pair.as_span();
                found.note(pair.as_str(), converter.span_of(at.start(), at.end()));
            }
            _ => note_misspellings(converter, pair.into_inner(), found),
        }
    }
}

/// The error for a header field given twice.
fn repeated_header_field(field: &RepeatedField) -> Diagnostic {
    let keyword = field.keyword;
    Diagnostic::new(
        Code::RepeatedHeaderField,
        format!("the header gives `{keyword}` twice"),
    )
    .with_primary(field.again, "given again here")
    .with_secondary(field.first, "first given here")
    .with_note(format!(
        "a guideline has one `{keyword}`; the first one is used"
    ))
    .with_help(format!("keep one `{keyword}` line and delete the other"))
}

/// The error for a label that holds a control character (other than tab):
/// shown raw, it could make a terminal or a viewer change what it shows.
/// The message names the character escaped, never raw.
fn control_character(text: &str, label: Span) -> Option<Diagnostic> {
    let raw = text.get(label.range())?;
    let mut found = raw
        .char_indices()
        .filter(|(_, c)| c.is_control() && *c != '\t');
    let (at, first) = found.next()?;
    let others = found.count();
    let start = label.range().start + at;
    let mut diagnostic = Diagnostic::new(
        Code::ControlCharacter,
        format!(
            "this label contains the control character `{}`",
            first.escape_unicode()
        ),
    )
    .with_primary(
        Span::new(label.file, start, start + first.len_utf8()),
        "control character here",
    )
    .with_help("remove it; a label holds text that people read");
    if others > 0 {
        diagnostic = diagnostic.with_note(format!(
            "the label holds {} more control character{}",
            others,
            if others == 1 { "" } else { "s" }
        ));
    }
    Some(diagnostic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses_as_name(word: &str) -> bool {
        LeidraadParser::parse(Rule::ident, word)
            .is_ok_and(|mut pairs| pairs.next().is_some_and(|pair| pair.as_str() == word))
    }

    #[test]
    fn reserved_words_are_no_names_but_longer_words_are() {
        for word in RESERVED_WORDS {
            assert!(!parses_as_name(word), "`{word}` is reserved");
            assert!(parses_as_name(&format!("{word}x")), "`{word}x` is a name");
            assert!(parses_as_name(&format!("{word}_2")), "`{word}_2` is a name");
        }
        for word in [
            "notable",
            "nothingness",
            "nox",
            "order_x",
            "in_range",
            "oral",
        ] {
            assert!(parses_as_name(word), "`{word}` is a name");
        }
    }

    #[test]
    fn is_keyword_holds_for_exactly_the_kw_rules() {
        // The grammar's words themselves are checked against `RESERVED_WORDS`
        // in `vocabulary`; this checks the converter's list of them.
        for rule in Rule::all_rules() {
            let name = format!("{rule:?}");
            assert_eq!(
                convert::is_keyword(*rule),
                name.starts_with("kw_"),
                "{name}"
            );
            if let Some(word) = name.strip_prefix("kw_") {
                assert!(RESERVED_WORDS.contains(&word), "`{word}` is not reserved");
            }
        }
    }

    #[test]
    fn control_characters_in_labels_are_refused_escaped() {
        let text =
            "guideline g \"G\x1b]0;x\x07\"\n  version \"1\u{9b}\"\ninput a : yes/no \"tab\tok\"\n";
        let (syntax, diagnostics) = parse(FileId(0), text);
        let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::ControlCharacter, Code::ControlCharacter]);
        assert_eq!(
            diagnostics[0].message,
            "this label contains the control character `\\u{1b}`"
        );
        assert_eq!(
            diagnostics[0].notes,
            ["the label holds 1 more control character"]
        );
        assert!(diagnostics[1].message.contains("`\\u{9b}`"));
        assert!(
            diagnostics
                .iter()
                .all(|d| !d.message.chars().any(char::is_control))
        );
        assert_eq!(diagnostics[0].labels[0].span.range(), 14..15);
        // The statements are kept: the label is wrong, not the grammar.
        assert_eq!(syntax.items.len(), 2);
    }

    #[test]
    fn parentheses_are_nodes_with_their_span() {
        let text = "assume (a and (b)) or not (c)\ncase \"k\" expect (order x)\n";
        let (syntax, diagnostics) = parse(FileId(0), text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let Item::Assume(assume) = &syntax.items[0] else {
            panic!("an assumption");
        };
        let Condition::Or(parts, _) = &assume.condition else {
            panic!("an `or`: {:?}", assume.condition);
        };
        let Condition::Paren(inner, span) = &parts[0] else {
            panic!("parentheses: {:?}", parts[0]);
        };
        assert_eq!(&text[span.range()], "(a and (b))");
        let Condition::And(and, and_span) = inner.as_ref() else {
            panic!("an `and` inside");
        };
        assert_eq!(&text[and_span.range()], "a and (b)");
        assert!(matches!(&and[1], Condition::Paren(b, s)
            if matches!(b.as_ref(), Condition::Name(i) if i.name == "b") && &text[s.range()] == "(b)"));
        assert!(
            matches!(&parts[1], Condition::Not(c, _) if matches!(c.as_ref(), Condition::Paren(..)))
        );
        let Item::Case(case) = &syntax.items[1] else {
            panic!("a case");
        };
        assert_eq!(&text[case.expects[0].span().range()], "(order x)");
        assert_eq!(
            &text[case.expects[0].without_parens().span().range()],
            "order x"
        );
    }

    #[test]
    fn a_statement_that_does_not_parse_is_recorded() {
        let (syntax, diagnostics) =
            parse(FileId(0), "guideline g \"G\"\ninput fever yes/no \"K\"\n");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(syntax.broken.len(), 1);
        assert_eq!(syntax.broken[0].keyword, "input");
        let name = syntax.broken[0].name.as_ref().unwrap();
        assert_eq!(name.name, "fever");
        assert_eq!(name.span.range(), 22..27);
    }
}
