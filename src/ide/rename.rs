//! Rename: every place a name is written, in the document, in the
//! vocabularies it uses and in the other open documents that use the same
//! vocabulary, from the index. A new name that the grammar would not read
//! as that name, or that is already taken, is refused with the reason.

use super::{Analysis, FileEdit, touches};
use crate::model::index::Symbol;
use crate::model::{Guideline, Type};
use crate::source::Span;
use crate::syntax::is_name;

/// The name at `offset` that can be renamed, if there is one.
pub fn prepare_rename(analysis: &Analysis, offset: usize) -> Option<Span> {
    let index = &analysis.guideline().index;
    let symbol = index.symbol_at(analysis.file, offset)?;
    index
        .occurrences(symbol)
        .into_iter()
        .find(|s| s.file == analysis.file && touches(*s, offset))
}

/// The edits that rename the name at `offset` of `analysis` to `new_name`,
/// there and in `others` (the other open documents) wherever they take the
/// same declaration from the same file. Sorted by file and position.
pub fn rename<'a>(
    analysis: &Analysis,
    others: impl IntoIterator<Item = &'a Analysis>,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileEdit>, String> {
    let guideline = analysis.guideline();
    let index = &guideline.index;
    let symbol = index
        .symbol_at(analysis.file, offset)
        .ok_or_else(|| "there is no name here to rename".to_owned())?;
    if !is_name(new_name) {
        return Err(why_not_a_name(new_name));
    }
    if let Some(taken) = taken(guideline, symbol, new_name) {
        return Err(format!(
            "`{new_name}` is already {taken}; choose another name"
        ));
    }
    let declaration = index.declaration(symbol);
    let mut edits = edits_in(analysis, symbol, new_name);
    if let Some(declaration) = declaration {
        let file = analysis.sources.name(declaration.file).to_owned();
        for other in others {
            // The same declaration, seen from another document.
            let Some(there) = other.file_named(&file) else {
                continue;
            };
            let Some(same) = other
                .guideline()
                .index
                .symbol_at(there, declaration.start as usize)
            else {
                continue;
            };
            if other.guideline().index.declaration(same)
                != Some(Span::new(
                    there,
                    declaration.start as usize,
                    declaration.end as usize,
                ))
            {
                continue;
            }
            if let Some(taken) = taken(other.guideline(), same, new_name) {
                return Err(format!(
                    "`{new_name}` is already {taken} in `{}`; choose another name",
                    other.sources.name(other.file)
                ));
            }
            edits.extend(edits_in(other, same, new_name));
        }
    }
    edits.sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
    edits.dedup();
    Ok(edits)
}

fn edits_in(analysis: &Analysis, symbol: Symbol, new_name: &str) -> Vec<FileEdit> {
    analysis
        .guideline()
        .index
        .occurrences(symbol)
        .into_iter()
        .map(|span| FileEdit {
            file: analysis.sources.name(span.file).to_owned(),
            span,
            replacement: new_name.to_owned(),
        })
        .collect()
}

fn why_not_a_name(text: &str) -> String {
    if text.is_empty() {
        "a name cannot be empty".to_owned()
    } else if crate::syntax::vocabulary::RESERVED_WORDS.contains(&text) {
        format!("`{text}` is a word of the language and cannot be a name")
    } else if text.contains('-') {
        format!(
            "`{text}` is not a name: write `{}` (with `_`)",
            text.replace('-', "_")
        )
    } else {
        format!(
            "`{text}` is not a name: a name starts with a letter or `_` and holds only letters, digits and `_`"
        )
    }
}

/// What else already has `name` where `symbol` lives, if anything.
fn taken(guideline: &Guideline, symbol: Symbol, name: &str) -> Option<String> {
    let same = |other: Symbol| other != symbol;
    match symbol {
        Symbol::Value(input, _) => {
            let values = match guideline.inputs.get(input).map(|i| &i.ty) {
                Some(Type::OneOf(values) | Type::AnyOf(values)) => values.as_slice(),
                _ => &[],
            };
            let position = values.iter().position(|v| v == name)?;
            let other = Symbol::Value(input, u32::try_from(position).ok()?);
            same(other).then(|| "a value of this input".to_owned())
        }
        Symbol::Group(_) => {
            let group = guideline.index.group(name)?;
            same(Symbol::Group(group)).then(|| "a group".to_owned())
        }
        _ => {
            let declared = [
                guideline
                    .input_index(name)
                    .map(|i| (Symbol::Input(i), "an input")),
                guideline
                    .definitions
                    .iter()
                    .position(|d| d.id == name)
                    .map(|d| (Symbol::Definition(d), "a definition")),
                guideline
                    .scores
                    .iter()
                    .position(|s| s.id == name)
                    .map(|s| (Symbol::Score(s), "a score")),
                guideline
                    .entry_index(name)
                    .map(|e| (Symbol::Entry(e), "a catalogue entry")),
                guideline
                    .rule_index(name)
                    .map(|r| (Symbol::Rule(r), "a rule")),
            ];
            declared
                .into_iter()
                .flatten()
                .find(|(other, _)| same(*other))
                .map(|(_, what)| what.to_owned())
        }
    }
}
