//! Semantic tokens: every word, label, number, operator and comment of the
//! document with what it is. Comments come from the trivia side table;
//! a name is classified by the declaration the index binds it to, so an
//! input and a catalogue entry look different wherever they are written.

use super::Analysis;
use crate::model::Type;
use crate::model::index::Symbol;
use crate::model::units::Unit;
use crate::source::Span;
use crate::syntax::vocabulary::RESERVED_WORDS;
use crate::syntax::{is_name_char, is_name_start};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    Keyword,
    Comment,
    /// A quoted label.
    Label,
    Number,
    Operator,
    Input,
    Definition,
    Score,
    Entry,
    Rule,
    /// The name of the guideline or vocabulary, in its header.
    Header,
    /// A value of a `one of` input or a member of an `any of` input.
    Value,
    Group,
    Unit,
    /// A name the index does not bind (unknown, or in a broken statement).
    Name,
}

impl TokenKind {
    /// Every kind, in the order of the protocol's legend.
    pub const ALL: &'static [TokenKind] = &[
        TokenKind::Keyword,
        TokenKind::Comment,
        TokenKind::Label,
        TokenKind::Number,
        TokenKind::Operator,
        TokenKind::Input,
        TokenKind::Definition,
        TokenKind::Score,
        TokenKind::Entry,
        TokenKind::Rule,
        TokenKind::Header,
        TokenKind::Value,
        TokenKind::Group,
        TokenKind::Unit,
        TokenKind::Name,
    ];

    /// The position of the kind in [`TokenKind::ALL`].
    pub fn index(self) -> u32 {
        TokenKind::ALL
            .iter()
            .position(|k| *k == self)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or(0)
    }
}

/// One token; tokens never span a line break (a label does not either).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

/// The tokens of the document, in order.
pub fn semantic_tokens(analysis: &Analysis) -> Vec<Token> {
    let text = analysis.text();
    let file = analysis.file;
    let index = &analysis.guideline().index;
    let comments = &analysis.syntax.trivia.comments;
    let headers: Vec<Span> = analysis
        .syntax
        .items
        .iter()
        .filter_map(|item| match item {
            crate::syntax::ast::Item::Header(h) => Some(h.id.span),
            _ => None,
        })
        .collect();
    let mut tokens = Vec::new();
    let mut comment = comments.iter().peekable();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        // A comment is where the trivia says, never guessed from a `#`.
        while comment.peek().is_some_and(|s| (s.end as usize) <= start) {
            comment.next();
        }
        if let Some(span) = comment.peek().filter(|s| s.start as usize == start) {
            let end = span.end as usize;
            tokens.push(Token {
                span: Span::new(file, start, end),
                kind: TokenKind::Comment,
            });
            while chars.peek().is_some_and(|(i, _)| *i < end) {
                chars.next();
            }
            continue;
        }
        let mut take_while = |keep: &dyn Fn(char) -> bool| {
            let mut end = start + c.len_utf8();
            while let Some((i, next)) = chars.peek().copied() {
                if !keep(next) {
                    break;
                }
                end = i + next.len_utf8();
                chars.next();
            }
            end
        };
        let (end, kind) = if c == '"' {
            // A label, with `\"` escapes, up to its line's end at most.
            let mut end = start + 1;
            let mut escaped = false;
            while let Some((i, next)) = chars.peek().copied() {
                if next == '\n' || next == '\r' {
                    break;
                }
                chars.next();
                end = i + next.len_utf8();
                if escaped {
                    escaped = false;
                } else if next == '\\' {
                    escaped = true;
                } else if next == '"' {
                    break;
                }
            }
            (end, TokenKind::Label)
        } else if c.is_ascii_digit() {
            let end = take_while(&|n: char| n.is_ascii_digit() || n == '.');
            (end, TokenKind::Number)
        } else if is_name_start(c) {
            let end = take_while(&|n: char| is_name_char(n) || n == '-');
            let word = text.get(start..end).unwrap_or("");
            let kind = if headers.iter().any(|h| h.start as usize == start) {
                TokenKind::Header
            } else {
                word_kind(analysis, index.symbol_at(file, start), word)
            };
            (end, kind)
        } else if "=<>!+-*()[],:".contains(c) {
            let end = take_while(&|n: char| "=<>!".contains(n) && "=<>!".contains(c));
            (end, TokenKind::Operator)
        } else {
            continue;
        };
        tokens.push(Token {
            span: Span::new(file, start, end),
            kind,
        });
    }
    tokens
}

/// What a word is: a keyword, a name the index binds, a unit, or a name.
fn word_kind(analysis: &Analysis, symbol: Option<Symbol>, word: &str) -> TokenKind {
    match symbol {
        Some(Symbol::Input(_)) => return TokenKind::Input,
        Some(Symbol::Definition(_)) => return TokenKind::Definition,
        Some(Symbol::Score(_)) => return TokenKind::Score,
        Some(Symbol::Entry(_)) => return TokenKind::Entry,
        Some(Symbol::Rule(_)) => return TokenKind::Rule,
        Some(Symbol::Value(..)) => return TokenKind::Value,
        Some(Symbol::Group(_)) => return TokenKind::Group,
        None => {}
    }
    if RESERVED_WORDS.contains(&word) {
        return TokenKind::Keyword;
    }
    // The values of a declaration are in the index only where they are
    // used; in the declaration itself they are the input's words.
    let is_value = analysis
        .guideline()
        .inputs
        .iter()
        .any(|input| match &input.ty {
            Type::OneOf(values) | Type::AnyOf(values) => values.iter().any(|v| v == word),
            _ => false,
        });
    if is_value {
        TokenKind::Value
    } else if Unit::lookup(word).is_some() {
        TokenKind::Unit
    } else {
        TokenKind::Name
    }
}
