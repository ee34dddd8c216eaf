//! Code actions: the fixes the checker attached to its diagnostics
//! ([`crate::diagnostics::Fix`]: "did you mean", add `overrides`, declare
//! the missing entry), for the diagnostics at a place.

use super::FileEdit;
use crate::diagnostics::Diagnostic;
use crate::source::{Sources, Span};

/// One fix, ready to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// The position in `diagnostics` of the diagnostic it fixes.
    pub diagnostic: usize,
    pub edit: FileEdit,
    /// The only fix of its diagnostic (an editor may apply it at once).
    pub preferred: bool,
}

/// The fixes of every diagnostic whose primary span meets `span`.
pub fn code_actions(sources: &Sources, diagnostics: &[Diagnostic], span: Span) -> Vec<CodeAction> {
    let meets =
        |other: Span| other.file == span.file && other.start <= span.end && span.start <= other.end;
    let mut actions = Vec::new();
    for (position, diagnostic) in diagnostics.iter().enumerate() {
        if !diagnostic.primary_span().is_some_and(meets) {
            continue;
        }
        for fix in &diagnostic.fixes {
            actions.push(CodeAction {
                title: fix.title.clone(),
                diagnostic: position,
                edit: FileEdit {
                    file: sources.name(fix.span.file).to_owned(),
                    span: fix.span,
                    replacement: fix.replacement.clone(),
                },
                preferred: diagnostic.fixes.len() == 1,
            });
        }
    }
    actions
}
