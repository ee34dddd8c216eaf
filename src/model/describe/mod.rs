//! Variables and their classes in the guideline's own terms: the question an
//! input asks (its label) and a set of its classes as a clinician reads it
//! (`≥ 50 years`, `ja`, `minor or major`, `not asked`). Flowcharts, example
//! patients and the semantic diff describe patients with these words.
//!
//! [`sentence`] is the one describer of conditions, actions, rules and
//! demands as sentences: the language server's hover, the reasons of
//! `eval`, the review site and its page of a change all read them there.

mod sentence;

pub(crate) use sentence::{
    RuleSentence, condition_phrase, demand_phrase, rule_parts, rule_sentence,
};

use super::lower::Lowering;
use super::{Guideline, Type};
use crate::logic::problem::{Class, Var};

pub(crate) use super::words::Words;

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
    let number = crate::model::words::of(guideline).number(value);
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
