//! The index from declarations to uses, filled by `resolve` where names are
//! looked up. Go to definition, find references, rename and the "never
//! used" warnings all read it: one record of who uses what.

use super::{DefinitionId, EntryId, InputId, RuleIndex, ScoreId};
use crate::source::{FileId, Span};
use std::collections::BTreeMap;

/// Something a guideline declares and names elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Symbol {
    Input(InputId),
    Definition(DefinitionId),
    Score(ScoreId),
    Entry(EntryId),
    Rule(RuleIndex),
    /// A value of a `one of` input or a member of an `any of` input, by its
    /// position in the declaration.
    Value(InputId, u32),
    /// A group, by its position in [`Index::groups`]. A group has no
    /// declaration of its own: every `in GROUP` of a catalogue entry
    /// declares it.
    Group(usize),
}

/// How a name is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UseKind {
    /// In a condition: `when`, `asked when`, `define`, `assume`, `alternative`.
    Condition,
    /// As an action's target, `alternative` or `instead`, or in a demand of
    /// a requirement or case.
    Target,
    /// In `overrides`.
    Override,
    /// In a demand's `in GROUP`.
    Group,
    /// As a fact of a case. A case tests the guideline; it does not make an
    /// input used.
    CaseFact,
    /// A value or member written in a test, a default or a case fact.
    Value,
    /// In an `exclusive` statement. Saying that an entry excludes another
    /// does not recommend it.
    Exclusive,
}

/// One use of a name: the span of the name itself, not of the test or
/// statement around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Use {
    pub span: Span,
    pub symbol: Symbol,
    pub kind: UseKind,
}

/// Declarations and uses of one guideline.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// The name span of each declaration (for a group, its first mention).
    declarations: BTreeMap<Symbol, Span>,
    /// Further declaration sites: every later `in GROUP` of an entry.
    group_mentions: Vec<(Span, Symbol)>,
    /// Every use, in the order resolving met them.
    uses: Vec<Use>,
    groups: Vec<String>,
}

impl Index {
    pub(crate) fn declare(&mut self, symbol: Symbol, span: Span) {
        self.declarations.entry(symbol).or_insert(span);
    }

    /// Declares a group at one of its mentions; returns its symbol.
    pub(crate) fn declare_group(&mut self, name: &str, span: Span) -> Symbol {
        let symbol = Symbol::Group(self.group(name).unwrap_or_else(|| {
            self.groups.push(name.to_owned());
            self.groups.len() - 1
        }));
        match self.declarations.entry(symbol) {
            std::collections::btree_map::Entry::Occupied(_) => {
                self.group_mentions.push((span, symbol));
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(span);
            }
        }
        symbol
    }

    pub(crate) fn record(&mut self, symbol: Symbol, span: Span, kind: UseKind) {
        self.uses.push(Use { span, symbol, kind });
    }

    /// The position of a group's name in [`Index::groups`].
    pub fn group(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g == name)
    }

    /// Every group name, in order of first mention.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// Where a symbol is declared (its name).
    pub fn declaration(&self, symbol: Symbol) -> Option<Span> {
        self.declarations.get(&symbol).copied()
    }

    /// Every place that declares a symbol: one, except for a group, which
    /// every `in GROUP` of a catalogue entry declares.
    pub fn declarations_of(&self, symbol: Symbol) -> Vec<Span> {
        self.declaration(symbol)
            .into_iter()
            .chain(
                self.group_mentions
                    .iter()
                    .filter(|(_, s)| *s == symbol)
                    .map(|(span, _)| *span),
            )
            .collect()
    }

    /// Rename: every place the symbol's name is written, declarations and
    /// uses, sorted by position.
    pub fn occurrences(&self, symbol: Symbol) -> Vec<Span> {
        let mut spans = self.declarations_of(symbol);
        spans.extend(self.uses_of(symbol).map(|u| u.span));
        spans.sort();
        spans.dedup();
        spans
    }

    /// Every use of a symbol, in source order of resolving.
    pub fn uses_of(&self, symbol: Symbol) -> impl Iterator<Item = &Use> {
        self.uses.iter().filter(move |u| u.symbol == symbol)
    }

    /// Every use, in the order resolving met them.
    pub fn uses(&self) -> &[Use] {
        &self.uses
    }

    /// Whether anything but a case names the symbol: what "never used"
    /// warnings ask.
    pub fn is_used(&self, symbol: Symbol) -> bool {
        self.uses_of(symbol)
            .any(|u| !matches!(u.kind, UseKind::CaseFact | UseKind::Exclusive))
    }

    /// The symbol whose name (a use or a declaration) is at a byte offset;
    /// an offset just after a name still finds it, as an editor's cursor
    /// at the end of a word expects.
    pub fn symbol_at(&self, file: FileId, offset: usize) -> Option<Symbol> {
        let hit = |span: &Span| {
            span.file == file && span.start as usize <= offset && offset <= span.end as usize
        };
        self.uses
            .iter()
            .find(|u| hit(&u.span))
            .map(|u| u.symbol)
            .or_else(|| {
                self.declarations
                    .iter()
                    .map(|(symbol, span)| (span, *symbol))
                    .chain(
                        self.group_mentions
                            .iter()
                            .map(|(span, symbol)| (span, *symbol)),
                    )
                    .find(|(span, _)| hit(span))
                    .map(|(_, symbol)| symbol)
            })
    }

    /// Go to definition: the declaration of the name at a byte offset.
    pub fn definition_at(&self, file: FileId, offset: usize) -> Option<Span> {
        self.declaration(self.symbol_at(file, offset)?)
    }

    /// Find references: the spans of every use of the name at a byte offset
    /// (on a use or on the declaration), sorted by position.
    pub fn references_at(&self, file: FileId, offset: usize) -> Vec<Span> {
        let Some(symbol) = self.symbol_at(file, offset) else {
            return Vec::new();
        };
        let mut spans: Vec<Span> = self.uses_of(symbol).map(|u| u.span).collect();
        spans.sort();
        spans.dedup();
        spans
    }

    /// The uses of the declaration whose name has this span.
    pub fn uses_of_declaration(&self, declaration: Span) -> Vec<Span> {
        self.declarations
            .iter()
            .filter(|(_, span)| **span == declaration)
            .flat_map(|(symbol, _)| self.uses_of(*symbol).map(|u| u.span))
            .collect()
    }

    /// The declaration a use refers to, from the span of the use.
    pub fn declaration_of_use(&self, use_span: Span) -> Option<Span> {
        let symbol = self.uses.iter().find(|u| u.span == use_span)?.symbol;
        self.declaration(symbol)
    }
}
