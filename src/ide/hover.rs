//! Hover: what the name under the cursor is, in Markdown. For an input its
//! label, type, unit and range and codes; for a rule the plain-language
//! sentence of what it does (`model::describe::rule_sentence`);
//! for every declaration the comment written above it (where editors cite
//! their source).

use super::{Analysis, touches};
use crate::model::codes::Coding;
use crate::model::describe;
use crate::model::index::Symbol;
use crate::model::{Guideline, Type};
use crate::source::Span;

/// What a hover shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The name hovered.
    pub span: Span,
    pub markdown: String,
}

/// The hover of the name at `offset`.
pub fn hover(analysis: &Analysis, offset: usize) -> Option<Hover> {
    let guideline = analysis.guideline();
    let index = &guideline.index;
    let symbol = index.symbol_at(analysis.file, offset)?;
    let span = index
        .occurrences(symbol)
        .into_iter()
        .find(|s| s.file == analysis.file && touches(*s, offset))?;
    let mut parts = vec![describe_symbol(guideline, symbol)];
    if let Some(comment) = index
        .declaration(symbol)
        .and_then(|declaration| comment_above(analysis, declaration))
    {
        parts.push(comment);
    }
    Some(Hover {
        span,
        markdown: parts.join("\n\n---\n\n"),
    })
}

fn codes_line(codes: &[Coding]) -> Option<String> {
    (!codes.is_empty()).then(|| {
        let written: Vec<String> = codes
            .iter()
            .map(|c| format!("{} `{}`", c.system.name(), c.code))
            .collect();
        format!("codes: {}", written.join(", "))
    })
}

fn describe_symbol(guideline: &Guideline, symbol: Symbol) -> String {
    match symbol {
        Symbol::Input(i) => guideline.inputs.get(i).map_or_else(String::new, |input| {
            let mut lines = vec![
                format!("**{}**", input.label),
                format!("`{}`: {}", input.id, input.ty.describe()),
            ];
            match &input.ty {
                Type::Number { lo, hi, unit, .. } => {
                    let unit = unit.as_ref().map_or("", |u| u.canonical);
                    lines.push(format!("range {lo} to {hi} {unit}").trim_end().to_owned());
                    if !unit.is_empty() {
                        lines.push(format!("unit: {unit}"));
                    }
                }
                Type::OneOf(values) | Type::AnyOf(values) => {
                    let values: Vec<String> = (0u32..)
                        .zip(values)
                        .map(|(i, v)| match input.value_label(i) {
                            Some(label) => format!("`{v}` \"{label}\""),
                            None => format!("`{v}`"),
                        })
                        .collect();
                    lines.push(format!("values: {}", values.join(", ")));
                }
                Type::YesNo => {}
            }
            if input.admits_unknown {
                lines.push("may be unknown (`or unknown`)".to_owned());
            }
            if input.asked_when.is_some() {
                lines.push("asked only when its `asked when` condition holds".to_owned());
            }
            lines.extend(codes_line(&input.codes));
            lines.join("  \n")
        }),
        Symbol::Definition(d) => {
            guideline
                .definitions
                .get(d)
                .map_or_else(String::new, |d| match &d.label {
                    Some(label) => format!("**{label}**  \n`{}`: a definition", d.id),
                    None => format!("`{}`: a definition", d.id),
                })
        }
        Symbol::Score(s) => guideline.scores.get(s).map_or_else(String::new, |s| {
            format!(
                "**{}**  \n`{}`: a score of {} terms",
                s.label,
                s.id,
                s.terms.len()
            )
        }),
        Symbol::Entry(e) => guideline.entries.get(e).map_or_else(String::new, |entry| {
            let kind = match entry.kind {
                crate::syntax::ast::EntryKind::Exam => "an exam",
                crate::syntax::ast::EntryKind::Measure => "a measure",
                crate::syntax::ast::EntryKind::Specialist => "a specialist",
            };
            let mut lines = vec![
                format!("**{}**", entry.label),
                format!("`{}`: {kind} in the catalogue", entry.id),
            ];
            if !entry.groups.is_empty() {
                let groups: Vec<String> = entry.groups.iter().map(|g| format!("`{g}`")).collect();
                lines.push(format!("groups: {}", groups.join(", ")));
            }
            lines.extend(codes_line(&entry.codes));
            lines.join("  \n")
        }),
        Symbol::Rule(r) => guideline.rules.get(r).map_or_else(String::new, |rule| {
            format!(
                "**{}**  \n`{}`: a rule\n\n{}",
                rule.label,
                rule.id,
                describe::rule_sentence(guideline, rule)
            )
        }),
        Symbol::Value(i, v) => guideline.inputs.get(i).map_or_else(String::new, |input| {
            let name = match &input.ty {
                Type::OneOf(values) | Type::AnyOf(values) => {
                    values.get(v as usize).map_or("?", String::as_str)
                }
                _ => "?",
            };
            let what = if matches!(input.ty, Type::AnyOf(_)) {
                "a member"
            } else {
                "a value"
            };
            let mut lines = Vec::new();
            if let Some(label) = input.value_label(v) {
                lines.push(format!("**{label}**"));
            }
            lines.push(format!(
                "`{name}`: {what} of **{}** (`{}`)",
                input.label, input.id
            ));
            if let Some(codes) = input.value_codes.get(v as usize) {
                lines.extend(codes_line(codes));
            }
            lines.join("  \n")
        }),
        Symbol::Group(g) => {
            let name = guideline.index.groups().get(g).map_or("?", String::as_str);
            let members: Vec<String> = guideline
                .entries
                .iter()
                .filter(|e| e.groups.iter().any(|x| x == name))
                .map(|e| format!("`{}`", e.id))
                .collect();
            format!("`{name}`: a group of {}", members.join(", "))
        }
    }
}

/// The comment lines right above the statement that declares the name at
/// `declaration` (own lines, no blank line between), without their `#`.
fn comment_above(analysis: &Analysis, declaration: Span) -> Option<String> {
    let source = analysis.sources.get(declaration.file)?;
    let syntax = analysis.syntax_of(declaration.file);
    let statement = syntax
        .items
        .iter()
        .map(crate::syntax::ast::Item::span)
        .find(|s| s.start <= declaration.start && declaration.end <= s.end)?;
    let mut line = source.line_index(statement.start as usize);
    let mut lines = Vec::new();
    for comment in syntax.trivia.comments.iter().rev() {
        if comment.start >= statement.start {
            continue;
        }
        let comment_line = source.line_index(comment.start as usize);
        let line_start = source.line_starts().get(comment_line).copied().unwrap_or(0);
        let alone = source
            .text
            .get(line_start..comment.start as usize)
            .is_some_and(|before| before.trim().is_empty());
        if !alone || comment_line + 1 != line {
            break;
        }
        let text = source.slice(*comment);
        lines.push(text.trim_start_matches('#').trim().to_owned());
        line = comment_line;
    }
    lines.reverse();
    let quoted: Vec<String> = lines.iter().map(|l| format!("> {l}")).collect();
    (!quoted.is_empty()).then(|| quoted.join("\n"))
}
