//! The outline: one symbol per statement (parsed or broken), with the
//! values of an input and the actions of a rule as children; and the
//! workspace's symbols, found by name.

use super::Analysis;
use crate::source::Span;
use crate::syntax::ast::{EntryKind, HeaderKind, InputType, Item, SyntaxFile};
use crate::syntax::vocabulary::kind_word;

/// What a symbol is, for its icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// The `guideline` or `vocabulary` header.
    Header,
    Use,
    Input,
    Value,
    Assumption,
    Definition,
    Score,
    Entry,
    Rule,
    Action,
    Requirement,
    Case,
    Exclusive,
    /// A statement that does not parse.
    Broken,
}

/// One symbol of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    /// The label, or what kind of statement it is.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole statement.
    pub span: Span,
    /// What to select: the name (or the label, or the keyword).
    pub selection: Span,
    pub children: Vec<DocumentSymbol>,
}

fn symbol(
    name: &str,
    detail: Option<&str>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.to_owned(),
        detail: detail.map(str::to_owned),
        kind,
        span,
        selection,
        children: Vec::new(),
    }
}

/// The symbol of one statement. Every statement kind has one: the match
/// has no catch-all, so a new kind of statement must be given its symbol.
pub fn item_symbol(item: &Item) -> DocumentSymbol {
    let span = item.span();
    match item {
        Item::Header(h) => {
            let kind = match h.kind {
                HeaderKind::Guideline => "guideline",
                HeaderKind::Vocabulary => "vocabulary",
            };
            let mut s = symbol(
                &h.id.name,
                Some(&h.label.text),
                SymbolKind::Header,
                span,
                h.id.span,
            );
            s.detail = Some(format!("{kind}: {}", h.label.text));
            s
        }
        Item::Use(u) => symbol(
            &u.path.text,
            Some("use"),
            SymbolKind::Use,
            span,
            u.path.span,
        ),
        Item::Input(i) => {
            let mut s = symbol(
                &i.id.name,
                Some(&i.label.text),
                SymbolKind::Input,
                span,
                i.id.span,
            );
            if let InputType::OneOf(values) | InputType::AnyOf(values) = &i.ty {
                s.children = values
                    .iter()
                    .map(|v| symbol(&v.name, None, SymbolKind::Value, v.span, v.span))
                    .collect();
            }
            s
        }
        Item::Assume(a) => symbol(
            "assume",
            None,
            SymbolKind::Assumption,
            span,
            a.condition.span(),
        ),
        Item::Define(d) => symbol(
            &d.id.name,
            d.label.as_ref().map(|l| l.text.as_str()),
            SymbolKind::Definition,
            span,
            d.id.span,
        ),
        Item::Score(s) => symbol(
            &s.id.name,
            Some(&s.label.text),
            SymbolKind::Score,
            span,
            s.id.span,
        ),
        Item::Entry(e) => {
            let kind = match e.kind {
                EntryKind::Exam => "exam",
                EntryKind::Measure => "measure",
                EntryKind::Specialist => "specialist",
            };
            let mut s = symbol(
                &e.id.name,
                Some(&e.label.text),
                SymbolKind::Entry,
                span,
                e.id.span,
            );
            s.detail = Some(format!("{kind}: {}", e.label.text));
            s
        }
        Item::Rule(r) => {
            let mut s = symbol(
                &r.id.name,
                Some(&r.label.text),
                SymbolKind::Rule,
                span,
                r.id.span,
            );
            s.children = r
                .actions
                .iter()
                .map(|a| {
                    let name = format!("{} {}", kind_word(a.kind), a.target.name);
                    symbol(&name, None, SymbolKind::Action, a.span, a.target.span)
                })
                .collect();
            s
        }
        Item::Require(r) => symbol(
            &r.label.text,
            Some("require"),
            SymbolKind::Requirement,
            span,
            r.label.span,
        ),
        Item::Case(c) => symbol(
            &c.label.text,
            Some("case"),
            SymbolKind::Case,
            span,
            c.label.span,
        ),
        Item::Exclusive(x) => {
            let names: Vec<&str> = x.entries.iter().map(|e| e.name.as_str()).collect();
            symbol(
                &names.join(", "),
                Some(&x.label.text),
                SymbolKind::Exclusive,
                span,
                x.label.span,
            )
        }
    }
}

/// The outline of a file: its statements in source order.
pub fn document_symbols(syntax: &SyntaxFile) -> Vec<DocumentSymbol> {
    let mut symbols: Vec<DocumentSymbol> = syntax.items.iter().map(item_symbol).collect();
    for broken in &syntax.broken {
        let name = broken
            .name
            .as_ref()
            .map_or_else(|| broken.keyword.clone(), |n| n.name.clone());
        let selection = broken.name.as_ref().map_or(broken.span, |n| n.span);
        let detail = format!("{} (does not parse)", broken.keyword);
        symbols.push(symbol(
            &name,
            Some(&detail),
            SymbolKind::Broken,
            broken.span,
            selection,
        ));
    }
    symbols.sort_by_key(|s| (s.span.start, s.span.end));
    symbols
}

/// The symbols of several documents whose name contains `query` (any
/// case; every symbol for an empty query), with the file's name.
pub fn workspace_symbols<'a>(
    analyses: impl IntoIterator<Item = &'a Analysis>,
    query: &str,
) -> Vec<(String, DocumentSymbol)> {
    let query = query.to_lowercase();
    let mut found = Vec::new();
    for analysis in analyses {
        let name = analysis.sources.name(analysis.file).to_owned();
        let mut stack = document_symbols(&analysis.syntax);
        while let Some(mut symbol) = stack.pop() {
            stack.append(&mut symbol.children);
            if symbol.name.to_lowercase().contains(&query) {
                found.push((name.clone(), symbol));
            }
        }
    }
    found.sort_by(|a, b| (&a.0, a.1.span.start).cmp(&(&b.0, b.1.span.start)));
    found
}
