//! Variables and their classes in the guideline's own terms: the question an
//! input asks (its label) and a set of its classes as a clinician reads it
//! (`≥ 50 years`, `ja`, `minor or major`, `not asked`). Flowcharts, example
//! patients and the semantic diff describe patients with these words.

use super::lower::Lowering;
use super::{Guideline, Type};
use crate::logic::problem::{Class, Var};

pub(crate) use super::words::Words;

/// Whether a guideline's header says it is written in Dutch (`language nl`,
/// `nl-BE`).
pub(crate) fn is_dutch(guideline: &Guideline) -> bool {
    words(guideline).code == "nl"
}

/// The words for a guideline: the table of its header's `language`.
pub(crate) fn words(guideline: &Guideline) -> &'static Words {
    super::words::of(guideline)
}

/// Describes the variables of one lowered guideline.
#[derive(Clone, Copy)]
pub(crate) struct Describe<'a> {
    pub guideline: &'a Guideline,
    pub lowering: &'a Lowering,
}

impl<'a> Describe<'a> {
    pub(crate) fn new(guideline: &'a Guideline, lowering: &'a Lowering) -> Self {
        Describe {
            guideline,
            lowering,
        }
    }

    pub(crate) fn words(&self) -> &'static Words {
        words(self.guideline)
    }

    /// The question a variable asks, with the editor's label; for a member
    /// of an `any of` input, `label: member`.
    pub(crate) fn var_label(&self, var: Var) -> String {
        let Some((input_id, member)) = self.lowering.var_origin.get(var as usize) else {
            return format!("#{var}");
        };
        let Some(input) = self.guideline.inputs.get(*input_id) else {
            return format!("#{var}");
        };
        match (&input.ty, member) {
            (Type::AnyOf(_), Some(m)) => {
                let name = input.value_shown(*m).unwrap_or("?");
                format!("{}: {name}", input.label)
            }
            _ => input.label.clone(),
        }
    }

    /// The input id and, for `any of`, the member of a variable.
    pub(crate) fn var_names(&self, var: Var) -> (String, Option<String>) {
        let Some((input_id, member)) = self.lowering.var_origin.get(var as usize) else {
            return (format!("#{var}"), None);
        };
        let Some(input) = self.guideline.inputs.get(*input_id) else {
            return (format!("#{var}"), None);
        };
        let member = match (&input.ty, member) {
            (Type::AnyOf(members), Some(m)) => members.get(*m as usize).cloned(),
            _ => None,
        };
        (input.id.clone(), member)
    }

    /// The parts of a label for the classes `first..=last` of a variable:
    /// one span of numbers, or one word per value.
    pub(crate) fn span_parts(&self, var: Var, first: Class, last: Class) -> Vec<String> {
        let words = self.words();
        let Some((input_id, _)) = self.lowering.var_origin.get(var as usize) else {
            return vec![format!("{first}..{last}")];
        };
        let (Some(input), Some(vars)) = (
            self.guideline.inputs.get(*input_id),
            self.lowering.inputs.get(*input_id),
        ) else {
            return vec![format!("{first}..{last}")];
        };
        let special = |class: Class| vars.absent == Some(class) || vars.unknown == Some(class);
        let mut parts: Vec<String> = Vec::new();
        match &input.ty {
            Type::Number { unit, .. } => {
                if let Some(numbers) = &vars.numbers {
                    let top = numbers.class_count().saturating_sub(1);
                    if first <= top {
                        let unit = unit.as_ref().map_or("", |u| u.canonical);
                        parts.extend(numbers.describe_span_in(first, last.min(top), unit, words));
                    }
                }
            }
            Type::YesNo | Type::AnyOf(_) => {
                for class in (first..=last).filter(|c| !special(*c)) {
                    match class {
                        0 => parts.push(words.no.to_owned()),
                        1 => parts.push(words.yes.to_owned()),
                        _ => {}
                    }
                }
            }
            Type::OneOf(_) => {
                for class in (first..=last).filter(|c| !special(*c)) {
                    if let Some(value) = input.value_shown(class) {
                        parts.push(value.to_owned());
                    }
                }
            }
        }
        if vars.unknown.is_some_and(|u| first <= u && u <= last) {
            parts.push(words.unknown.to_owned());
        }
        if vars.absent.is_some_and(|a| first <= a && a <= last) {
            parts.push(words.not_asked.to_owned());
        }
        parts
    }

    /// A label for the classes `first..=last` of a variable.
    pub(crate) fn classes_label(&self, var: Var, first: Class, last: Class) -> String {
        self.span_parts(var, first, last).join(", ")
    }

    /// A label for any set of classes of a variable (sorted, no repeats):
    /// runs of consecutive classes are described together, alternatives are
    /// joined by "or" (`< 18 years or ≥ 65 years`, `minor or major`).
    pub(crate) fn set_label(&self, var: Var, classes: &[Class]) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut run: Option<(Class, Class)> = None;
        for &class in classes {
            run = match run {
                Some((first, last)) if last.checked_add(1) == Some(class) => Some((first, class)),
                Some((first, last)) => {
                    parts.extend(self.span_parts(var, first, last));
                    Some((class, class))
                }
                None => Some((class, class)),
            };
        }
        if let Some((first, last)) = run {
            parts.extend(self.span_parts(var, first, last));
        }
        join_or(&parts, self.words().or)
    }
}

/// `a`, `a or b`, `a, b or c`.
pub(crate) fn join_or(parts: &[String], or: &str) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {or} {last}", init.join(", ")),
    }
}

/// A comparison as a clinician reads it: `≥`, `≤`, `≠`.
pub(crate) fn operator_sign(op: crate::syntax::ast::CompareOp) -> &'static str {
    use crate::syntax::ast::CompareOp;
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "≠",
        CompareOp::Lt => "<",
        CompareOp::Le => "≤",
        CompareOp::Gt => ">",
        CompareOp::Ge => "≥",
    }
}

/// A number with the word of its input's unit after it, in the guideline's
/// language: `50 jaar`, `1 week`, `1.2 mg/dL`.
pub(crate) fn quantity(
    guideline: &Guideline,
    input: &super::Input,
    value: super::number::Rational,
) -> String {
    let number = value.to_human_string();
    match &input.ty {
        Type::Number {
            unit: Some(unit), ..
        } => {
            let word =
                words(guideline).unit_word(unit.canonical, value == super::number::Rational::ONE);
            format!("{number} {word}")
        }
        _ => number,
    }
}

/// A condition in the guideline's words (labels of inputs and definitions,
/// answers in its language, numbers with their units), as a clinician reads
/// it: `Leeftijd ≥ 50 jaar`, `Koorts: ja`, `Neurologische uitval: acute of
/// subacute`, `niet Alarmsymptoom`. With `negated`, what holds when the
/// condition does not: a test on an input that may be unknown or not asked
/// names those answers too (`Koorts: nee, onbekend of niet gevraagd`), so
/// the phrase claims exactly what the test means.
pub(crate) fn condition_phrase(guideline: &Guideline, cond: &super::Cond, negated: bool) -> String {
    use super::Cond;
    let words = words(guideline);
    let input_of = |id: usize| guideline.inputs.get(id);
    // The answers outside a test that still make its negation true.
    let special = |input: &super::Input| {
        let mut extra = Vec::new();
        if input.admits_unknown {
            extra.push(words.unknown.to_owned());
        }
        if input.asked_when.is_some() {
            extra.push(words.not_asked.to_owned());
        }
        extra
    };
    let answers = |input: &super::Input, parts: Vec<String>| {
        format!("{}: {}", input.label, join_or(&parts, words.or))
    };
    match cond {
        Cond::True => (if negated { words.never } else { words.always }).to_owned(),
        Cond::Invalid => "?".to_owned(),
        Cond::BoolIs(id, value, _) => {
            let Some(input) = input_of(*id) else {
                return "?".to_owned();
            };
            let word = |b: bool| (if b { words.yes } else { words.no }).to_owned();
            if negated {
                let mut parts = vec![word(!*value)];
                parts.extend(special(input));
                answers(input, parts)
            } else {
                answers(input, vec![word(*value)])
            }
        }
        Cond::ChoiceIn(id, values, _) => {
            let Some(input) = input_of(*id) else {
                return "?".to_owned();
            };
            let Type::OneOf(names) = &input.ty else {
                return "?".to_owned();
            };
            let mut parts: Vec<String> = names
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    u32::try_from(*index).is_ok_and(|i| values.contains(&i)) != negated
                })
                .map(|(index, name)| {
                    u32::try_from(index)
                        .ok()
                        .and_then(|i| input.value_shown(i))
                        .unwrap_or(name)
                        .to_owned()
                })
                .collect();
            if negated {
                parts.extend(special(input));
            }
            answers(input, parts)
        }
        Cond::Has(id, member, _) => {
            let Some(input) = input_of(*id) else {
                return "?".to_owned();
            };
            let name = match &input.ty {
                Type::AnyOf(_) => input.value_shown(*member).unwrap_or("?"),
                _ => "?",
            };
            if negated {
                let mut parts = vec![format!("{} {name}", words.not)];
                parts.extend(special(input));
                answers(input, parts)
            } else {
                answers(input, vec![name.to_owned()])
            }
        }
        Cond::Compare(id, op, value, _) => {
            let Some(input) = input_of(*id) else {
                return "?".to_owned();
            };
            let op = if negated {
                crate::syntax::vocabulary::opposite(*op)
            } else {
                *op
            };
            let text = format!(
                "{} {} {}",
                input.label,
                operator_sign(op),
                quantity(guideline, input, *value)
            );
            let extra = if negated { special(input) } else { Vec::new() };
            if extra.is_empty() {
                text
            } else {
                let mut parts = vec![text];
                parts.extend(extra);
                join_or(&parts, words.or)
            }
        }
        Cond::IsUnknown(id, _) => {
            let Some(input) = input_of(*id) else {
                return "?".to_owned();
            };
            if negated {
                let mut parts = vec![words.known.to_owned()];
                if input.asked_when.is_some() {
                    parts.push(words.not_asked.to_owned());
                }
                answers(input, parts)
            } else {
                answers(input, vec![words.unknown.to_owned()])
            }
        }
        Cond::Score(id, op, value, _) => {
            let label = guideline.scores.get(*id).map_or("?", |s| s.label.as_str());
            let op = if negated {
                crate::syntax::vocabulary::opposite(*op)
            } else {
                *op
            };
            format!("{label} {} {}", operator_sign(op), value.to_human_string())
        }
        Cond::Linear(id, op, sum, _) => {
            let Some(input) = input_of(*id) else {
                return "?".to_owned();
            };
            let op = if negated {
                crate::syntax::vocabulary::opposite(*op)
            } else {
                *op
            };
            let mut terms: Vec<String> = sum
                .terms
                .iter()
                .map(|(term, factor)| {
                    let label = input_of(*term).map_or("?", |i| i.label.as_str());
                    format!("{} × {label}", factor.to_human_string())
                })
                .collect();
            if sum.constant != super::number::Rational::ZERO || terms.is_empty() {
                terms.push(quantity(guideline, input, sum.constant));
            }
            let text = format!(
                "{} {} {}",
                input.label,
                operator_sign(op),
                terms.join(" + ")
            );
            let extra = if negated { special(input) } else { Vec::new() };
            if extra.is_empty() {
                text
            } else {
                let mut parts = vec![text];
                parts.extend(extra);
                join_or(&parts, words.or)
            }
        }
        Cond::Define(id, _) => {
            let name = guideline
                .definitions
                .get(*id)
                .map_or("?", |d| d.label.as_deref().unwrap_or(d.id.as_str()));
            if negated {
                format!("{} {name}", words.not)
            } else {
                name.to_owned()
            }
        }
        Cond::Not(inner) => condition_phrase(guideline, inner, !negated),
        Cond::And(parts) | Cond::Or(parts) => {
            // `not (a and b)` reads as `not a or not b`.
            let is_and = matches!(cond, Cond::And(_)) != negated;
            let joiner = if is_and { words.and } else { words.or };
            let shown: Vec<String> = parts
                .iter()
                .map(|part| {
                    let text = condition_phrase(guideline, part, negated);
                    if matches!(part, Cond::And(_) | Cond::Or(_) | Cond::AtLeast(..)) {
                        format!("({text})")
                    } else {
                        text
                    }
                })
                .collect();
            shown.join(&format!(" {joiner} "))
        }
        Cond::AtLeast(count, parts, _) => {
            let shown: Vec<String> = parts
                .iter()
                .map(|part| condition_phrase(guideline, part, false))
                .collect();
            let template = if negated {
                words.fewer_than
            } else {
                words.at_least
            };
            super::words::fill(template, &[&count.to_string(), &shown.join("; ")])
        }
    }
}

/// What a rule does, as one sentence in the guideline's language, with the
/// editors' labels: "When Age ≥ 50 years and Red flags: yes, order MRI
/// (urgent)." The language server shows it on hover.
pub(crate) fn rule_sentence(guideline: &Guideline, rule: &super::Rule) -> String {
    use super::words::fill;
    let words = words(guideline);
    let entry = |id: usize| {
        guideline
            .entries
            .get(id)
            .map_or_else(|| "?".to_owned(), |e| e.label.clone())
    };
    let actions: Vec<String> = rule
        .actions
        .iter()
        .map(|action| {
            let mut text = format!("{} {}", words.kind(action.kind), entry(action.target));
            if let Some(urgency) = action.urgency {
                text.push_str(&format!(" ({})", words.urgency(urgency)));
            }
            for (when, target) in &action.alternatives {
                let condition = condition_phrase(guideline, when, false);
                text.push_str(&format!(
                    ", {}",
                    fill(words.alternative_when, &[&entry(*target), &condition])
                ));
            }
            if let Some(instead) = action.instead {
                text.push_str(&format!(", {}", fill(words.instead_of, &[&entry(instead)])));
            }
            text
        })
        .collect();
    let actions = join_or(&actions, words.and);
    let mut sentence = match &rule.when {
        None | Some(super::Cond::True) => fill(words.always_then, &[&actions]),
        Some(cond) => fill(
            words.when_then,
            &[&condition_phrase(guideline, cond, false), &actions],
        ),
    };
    let overridden: Vec<String> = rule
        .overrides
        .iter()
        .filter_map(|r| guideline.rules.get(*r))
        .map(|r| format!("\"{}\"", r.label))
        .collect();
    if !overridden.is_empty() {
        sentence.push(' ');
        sentence.push_str(&fill(
            words.takes_precedence,
            &[&join_or(&overridden, words.and)],
        ));
    }
    sentence
}
