//! The normalised rules: what the checker and the diagram work with, written
//! back in the language. Definitions are expanded, `implies` is gone,
//! `not` is pushed down to single tests (De Morgan), nested `and`/`or` are
//! flattened, and numbers are in the input's own unit. A test on an input
//! that is not asked stays false, so `not (x == a)` is not rewritten into
//! `x != a` (which is also false for a patient who is not asked `x`).

use super::Compiled;
use crate::model::{Cond, Guideline, Type};
use crate::syntax::vocabulary::{kind_word, operator_word, urgency_word};

/// A condition in negation normal form, with definitions expanded.
enum Normal {
    True,
    False,
    /// A test as written, possibly negated.
    Test {
        text: String,
        negated: bool,
    },
    And(Vec<Normal>),
    Or(Vec<Normal>),
}

/// Definitions are acyclic in a checked guideline; the depth bound keeps a
/// malformed model from recursing without end.
const MAX_DEPTH: usize = 256;

fn test_text(guideline: &Guideline, cond: &Cond) -> Option<String> {
    let name = |i: usize| guideline.inputs.get(i).map_or("?", |x| x.id.as_str());
    let ty = |i: usize| guideline.inputs.get(i).map(|x| &x.ty);
    Some(match cond {
        Cond::BoolIs(i, true, _) => name(*i).to_owned(),
        Cond::BoolIs(i, false, _) => format!("{} == no", name(*i)),
        Cond::ChoiceIn(i, values, _) => {
            let words: Vec<&str> = match ty(*i) {
                Some(Type::OneOf(all)) => values
                    .iter()
                    .filter_map(|v| all.get(*v as usize).map(String::as_str))
                    .collect(),
                _ => Vec::new(),
            };
            match words.as_slice() {
                [one] => format!("{} == {one}", name(*i)),
                _ => format!("{} in [{}]", name(*i), words.join(", ")),
            }
        }
        Cond::IsUnknown(i, _) => format!("{} is unknown", name(*i)),
        Cond::Linear(i, op, sum, _) => {
            let unit = match ty(*i) {
                Some(Type::Number {
                    unit: Some(unit), ..
                }) => format!(" {}", unit.canonical),
                _ => String::new(),
            };
            let mut parts: Vec<String> = sum
                .terms
                .iter()
                .map(|(term, factor)| {
                    format!("{} * {}{unit}", name(*term), factor.to_human_string())
                })
                .collect();
            if sum.constant.numer() != 0 || parts.is_empty() {
                parts.push(format!("{}{unit}", sum.constant.to_human_string()));
            }
            format!("{} {} {}", name(*i), operator_word(*op), parts.join(" + "))
        }
        // A score stays a score: its criteria are in its declaration.
        Cond::Score(id, op, threshold, _) => format!(
            "{} {} {}",
            guideline.scores.get(*id).map_or("?", |s| s.id.as_str()),
            operator_word(*op),
            threshold.to_human_string()
        ),
        Cond::AtLeast(count, parts, _) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|part| write(&normalise(guideline, part, false, 1), false))
                .collect();
            format!("at least {count} of ({})", parts.join(", "))
        }
        Cond::Has(i, member, _) => {
            let word = match ty(*i) {
                Some(Type::AnyOf(all)) => all.get(*member as usize).map_or("?", String::as_str),
                _ => "?",
            };
            format!("{} has {word}", name(*i))
        }
        Cond::Compare(i, op, threshold, _) => {
            let op = operator_word(*op);
            let unit = match ty(*i) {
                Some(Type::Number {
                    unit: Some(unit), ..
                }) => {
                    format!(" {}", unit.word_for(*threshold))
                }
                _ => String::new(),
            };
            format!("{} {op} {}{unit}", name(*i), threshold.to_human_string())
        }
        _ => return None,
    })
}

fn normalise(guideline: &Guideline, cond: &Cond, negated: bool, depth: usize) -> Normal {
    if depth > MAX_DEPTH {
        return Normal::Test {
            text: "…".to_owned(),
            negated,
        };
    }
    match cond {
        Cond::True => {
            if negated {
                Normal::False
            } else {
                Normal::True
            }
        }
        // Stands for an error; a checked guideline has none.
        Cond::Invalid => Normal::False,
        Cond::Define(id, _) => match guideline.definitions.get(*id) {
            Some(definition) => normalise(guideline, &definition.condition, negated, depth + 1),
            None => Normal::False,
        },
        Cond::Not(inner) => normalise(guideline, inner, !negated, depth + 1),
        Cond::And(parts) | Cond::Or(parts) => {
            let is_and = matches!(cond, Cond::And(_)) != negated;
            let mut out = Vec::new();
            for part in parts {
                match normalise(guideline, part, negated, depth + 1) {
                    // Flatten `and` inside `and`, `or` inside `or`.
                    Normal::And(inner) if is_and => out.extend(inner),
                    Normal::Or(inner) if !is_and => out.extend(inner),
                    Normal::True if is_and => {}
                    Normal::False if !is_and => {}
                    Normal::False if is_and => return Normal::False,
                    Normal::True if !is_and => return Normal::True,
                    other => out.push(other),
                }
            }
            match (out.len(), is_and) {
                (0, true) => Normal::True,
                (0, false) => Normal::False,
                (1, _) => out.pop().unwrap_or(Normal::True),
                (_, true) => Normal::And(out),
                (_, false) => Normal::Or(out),
            }
        }
        atom => Normal::Test {
            text: test_text(guideline, atom).unwrap_or_else(|| "?".to_owned()),
            negated,
        },
    }
}

fn write(normal: &Normal, top: bool) -> String {
    match normal {
        Normal::True => "always".to_owned(),
        Normal::False => "never".to_owned(),
        Normal::Test { text, negated } => {
            if *negated && text.contains(' ') {
                format!("not ({text})")
            } else if *negated {
                format!("not {text}")
            } else {
                text.clone()
            }
        }
        Normal::And(parts) => {
            let inner: Vec<String> = parts.iter().map(|p| write(p, false)).collect();
            inner.join(" and ")
        }
        Normal::Or(parts) => {
            let inner: Vec<String> = parts.iter().map(|p| write(p, false)).collect();
            if top {
                inner.join("\n    or ")
            } else {
                format!("({})", inner.join(" or "))
            }
        }
    }
}

fn condition_text(guideline: &Guideline, cond: &Cond) -> String {
    write(&normalise(guideline, cond, false, 0), true)
}

pub fn rules(compiled: &Compiled<'_>) -> String {
    let guideline = compiled.guideline;
    let entry = |e: usize| guideline.entries.get(e).map_or("?", |x| x.id.as_str());
    let mut out = String::new();
    // What clashes depends on the entries that exclude each other, so
    // they come first.
    for exclusive in &guideline.exclusive {
        let names: Vec<&str> = exclusive.entries.iter().map(|&e| entry(e)).collect();
        let label = exclusive.label.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!("exclusive {} \"{label}\"\n", names.join(", ")));
    }
    if !guideline.exclusive.is_empty() {
        out.push('\n');
    }
    for rule in &guideline.rules {
        out.push_str(&format!("rule {} \"{}\"\n", rule.id, rule.label));
        if !rule.overrides.is_empty() {
            let names: Vec<&str> = rule
                .overrides
                .iter()
                .filter_map(|r| guideline.rules.get(*r).map(|x| x.id.as_str()))
                .collect();
            out.push_str(&format!("  overrides {}\n", names.join(", ")));
        }
        let when = rule
            .when
            .as_ref()
            .map_or_else(|| "always".to_owned(), |c| condition_text(guideline, c));
        out.push_str(&format!("  when {when}\n"));
        for (index, action) in rule.actions.iter().enumerate() {
            let lead = if index == 0 { "  then" } else { "      " };
            let mut line = format!("{lead} {} {}", kind_word(action.kind), entry(action.target));
            if let Some(urgency) = action.urgency {
                line.push(' ');
                line.push_str(&urgency_word(urgency));
            }
            if let Some(instead) = action.instead {
                line.push_str(&format!(" instead {}", entry(instead)));
            }
            out.push_str(&line);
            out.push('\n');
            for (condition, target) in &action.alternatives {
                out.push_str(&format!(
                    "         alternative {} when {}\n",
                    entry(*target),
                    condition_text(guideline, condition)
                ));
            }
        }
        out.push('\n');
    }
    out
}
