//! Go to definition and find references, read from the index that
//! `resolve` fills ([`crate::model::index`]): the same record of who uses
//! what as the "never used" warnings.

use super::Analysis;
use crate::source::Span;

/// The declaration of the name at `offset` of the document (a use or the
/// declaration itself); it may be in a vocabulary the document uses.
pub fn definition(analysis: &Analysis, offset: usize) -> Option<Span> {
    analysis
        .guideline()
        .index
        .definition_at(analysis.file, offset)
}

/// Every use of the name at `offset`, sorted; with `declaration`, its
/// declarations too (a group has one per `in GROUP`).
pub fn references(analysis: &Analysis, offset: usize, declaration: bool) -> Vec<Span> {
    let index = &analysis.guideline().index;
    let Some(symbol) = index.symbol_at(analysis.file, offset) else {
        return Vec::new();
    };
    let mut spans = if declaration {
        index.occurrences(symbol)
    } else {
        index.references_at(analysis.file, offset)
    };
    spans.sort();
    spans.dedup();
    spans
}
