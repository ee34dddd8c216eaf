//! Folding ranges: every statement that spans more than one line (parsed
//! or broken), and every run of two or more comment lines.

use crate::source::{SourceFile, Span};
use crate::syntax::ast::SyntaxFile;

/// What a fold hides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Statement,
    Comment,
}

/// One fold, from the line of `span`'s start to the line of its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub span: Span,
    pub kind: FoldKind,
}

/// The folds of a file, in source order.
pub fn folding_ranges(syntax: &SyntaxFile, file: &SourceFile) -> Vec<Fold> {
    let line = |offset: u32| file.line_index(offset as usize);
    let multi_line =
        |span: &Span| line(span.start) < line(span.end.saturating_sub(1).max(span.start));
    let mut folds: Vec<Fold> = syntax
        .items
        .iter()
        .map(crate::syntax::ast::Item::span)
        .chain(syntax.broken.iter().map(|b| b.span))
        .filter(multi_line)
        .map(|span| Fold {
            span,
            kind: FoldKind::Statement,
        })
        .collect();
    // Comments on consecutive lines, each alone on its line.
    let mut run: Option<(Span, Span)> = None;
    let own_line = |comment: &Span| {
        let start = file
            .line_starts()
            .get(line(comment.start))
            .copied()
            .unwrap_or(0);
        file.text
            .get(start..comment.start as usize)
            .is_some_and(|before| before.trim().is_empty())
    };
    let close = |run: Option<(Span, Span)>, folds: &mut Vec<Fold>| {
        if let Some((first, last)) = run {
            if line(first.start) < line(last.start) {
                folds.push(Fold {
                    span: first.to(last),
                    kind: FoldKind::Comment,
                });
            }
        }
    };
    for comment in syntax.trivia.comments.iter().filter(|c| own_line(c)) {
        run = match run {
            Some((first, last)) if line(last.start) + 1 == line(comment.start) => {
                Some((first, *comment))
            }
            other => {
                close(other, &mut folds);
                Some((*comment, *comment))
            }
        };
    }
    close(run, &mut folds);
    folds.sort_by_key(|f| (f.span.start, f.span.end));
    folds
}
