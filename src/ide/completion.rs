//! Completion from what is written before the cursor on its line: the
//! values of the input being tested (`x is ...`, `x has ...`), catalogue
//! entries after an action word, rules after `overrides`, groups after
//! `in`, units after a number, statement snippets (`rule`, `require`,
//! `case`) at the start of a line, and otherwise the names in scope and the
//! keywords.

use super::Analysis;
use crate::model::Type;
use crate::model::units::Unit;
use crate::source::Span;
use crate::syntax::is_name_char;
use crate::syntax::vocabulary::{RESERVED_WORDS, STATEMENT_KEYWORDS};

/// What a completion is, for its icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Input,
    Definition,
    Score,
    Entry,
    Rule,
    Value,
    Group,
    Unit,
    Keyword,
    Snippet,
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// The label of what it names, or what a snippet writes.
    pub detail: Option<String>,
    /// For a snippet: the text with `${1:...}` placeholders.
    pub snippet: Option<String>,
    /// The word being typed, which the completion replaces.
    pub replace: Span,
}

/// The snippets of the statements that have a body.
pub const SNIPPETS: &[(&str, &str, &str)] = &[
    (
        "rule",
        "a rule: when a condition holds, an action",
        "rule ${1:name} \"${2:What the rule does}\"\n  when ${3:condition}\n  then ${4|order,refer,avoid|} ${5:entry}",
    ),
    (
        "require",
        "a requirement: what every patient must get",
        "require \"${1:What must hold}\"\n  when ${2:condition}\n  then ${3|order,refer,no order,no refer|} ${4:entry}",
    ),
    (
        "case",
        "a case: an example patient and what they get",
        "case \"${1:Example patient}\"\n  given ${2:input} ${3:value}\n  expect ${4|order,refer,avoid|} ${5:entry}",
    ),
];

/// The completions at `offset` of the document.
pub fn completions(analysis: &Analysis, offset: usize) -> Vec<Completion> {
    let text = analysis.text();
    let offset = offset.min(text.len());
    let before_cursor = text.get(..offset).unwrap_or("");
    let word_start = before_cursor
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let replace = Span::new(analysis.file, word_start, offset);
    let line_start = before_cursor
        .rfind(['\n', '\r'])
        .map_or(0, |at| at + 1)
        .min(word_start);
    let line_before = text.get(line_start..word_start).unwrap_or("");
    let words: Vec<&str> = line_before
        .split(|c: char| c.is_whitespace() || "()[],".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.last().copied().unwrap_or("");
    let guideline = analysis.guideline();
    let item = |label: &str, kind, detail: Option<&str>| Completion {
        label: label.to_owned(),
        kind,
        detail: detail.map(str::to_owned),
        snippet: None,
        replace,
    };
    // `x is ...`, `x is not ...`, `x == ...`, `x in [...`, `x has ...`:
    // the values of that input.
    let tested = words
        .iter()
        .rposition(|w| ["is", "==", "!=", "has", "in"].contains(w))
        .filter(|at| {
            words
                .get(at + 1..)
                .is_some_and(|rest| rest.iter().all(|w| *w == "not" || w.ends_with(',')))
        })
        .and_then(|at| at.checked_sub(1).and_then(|i| words.get(i)))
        .and_then(|name| guideline.input_index(name))
        .and_then(|i| guideline.inputs.get(i));
    if let Some(input) = tested {
        let mut found: Vec<Completion> = match &input.ty {
            // The detail is the value's label where it has one.
            Type::OneOf(values) | Type::AnyOf(values) => (0u32..)
                .zip(values)
                .map(|(i, v)| {
                    let detail = input.value_label(i).unwrap_or(&input.label);
                    item(v, CompletionKind::Value, Some(detail))
                })
                .collect(),
            Type::YesNo => vec![
                item("yes", CompletionKind::Keyword, None),
                item("no", CompletionKind::Keyword, None),
            ],
            Type::Number { .. } => Vec::new(),
        };
        if input.admits_unknown {
            found.push(item("unknown", CompletionKind::Keyword, None));
        }
        return found;
    }
    let entries = || {
        guideline
            .entries
            .iter()
            .map(|e| item(&e.id, CompletionKind::Entry, Some(&e.label)))
            .collect::<Vec<_>>()
    };
    match last {
        "order" | "refer" | "avoid" | "alternative" | "instead" | "exclusive" => return entries(),
        "overrides" => {
            return guideline
                .rules
                .iter()
                .map(|r| item(&r.id, CompletionKind::Rule, Some(&r.label)))
                .collect();
        }
        _ => {}
    }
    let declares_entry = words
        .first()
        .is_some_and(|w| ["exam", "measure", "specialist"].contains(w));
    if last == "in" && (declares_entry || words.contains(&"some") || words.contains(&"no")) {
        return guideline
            .index
            .groups()
            .iter()
            .map(|g| item(g, CompletionKind::Group, None))
            .collect();
    }
    if last.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Unit::all_words()
            .into_iter()
            .map(|u| item(u, CompletionKind::Unit, None))
            .collect();
    }
    let mut found = Vec::new();
    if words.is_empty() {
        // The start of a statement.
        for (keyword, detail, body) in SNIPPETS {
            found.push(Completion {
                snippet: Some((*body).to_owned()),
                ..item(keyword, CompletionKind::Snippet, Some(detail))
            });
        }
        found.extend(
            STATEMENT_KEYWORDS
                .iter()
                .map(|k| item(k, CompletionKind::Keyword, None)),
        );
        return found;
    }
    found.extend(
        guideline
            .inputs
            .iter()
            .map(|i| item(&i.id, CompletionKind::Input, Some(&i.label))),
    );
    found.extend(
        guideline
            .definitions
            .iter()
            .map(|d| item(&d.id, CompletionKind::Definition, d.label.as_deref())),
    );
    found.extend(
        guideline
            .scores
            .iter()
            .map(|s| item(&s.id, CompletionKind::Score, Some(&s.label))),
    );
    found.extend(entries());
    found.extend(
        RESERVED_WORDS
            .iter()
            .filter(|w| !STATEMENT_KEYWORDS.contains(w))
            .map(|w| item(w, CompletionKind::Keyword, None)),
    );
    found
}
