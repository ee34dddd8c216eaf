//! Variables and their classes in the guideline's own terms: the question an
//! input asks (its label) and a set of its classes as a clinician reads it
//! (`≥ 50 years`, `ja`, `minor or major`, `not asked`). Flowcharts, example
//! patients and the semantic diff describe patients with these words.

use super::lower::Lowering;
use super::{Cond, Guideline, Rule, Type};
use crate::logic::problem::{ActionKind, Class, Var};
use crate::syntax::ast::CompareOp;

/// Words in the guideline's language (its header's `language`): Dutch for
/// `nl`, English otherwise.
pub(crate) struct Words {
    pub yes: &'static str,
    pub no: &'static str,
    pub not_asked: &'static str,
    pub unknown: &'static str,
    pub or: &'static str,
    pub not: &'static str,
    pub nothing: &'static str,
    pub impossible: &'static str,
    pub and: &'static str,
    pub when: &'static str,
    pub always: &'static str,
    pub at_least: &'static str,
    pub order: &'static str,
    pub refer: &'static str,
    pub avoid: &'static str,
    pub alternative: &'static str,
    pub instead: &'static str,
    pub overrides: &'static str,
}

const DUTCH: Words = Words {
    yes: "ja",
    no: "nee",
    not_asked: "niet gevraagd",
    unknown: "onbekend",
    or: "of",
    not: "niet",
    nothing: "geen onderzoek of verwijzing",
    impossible: "onmogelijk (in strijd met een aanname)",
    and: "en",
    when: "Als",
    always: "Altijd",
    at_least: "minstens",
    order: "vraag aan",
    refer: "verwijs naar",
    avoid: "vermijd",
    alternative: "of anders",
    instead: "in plaats daarvan",
    overrides: "gaat voor",
};

const ENGLISH: Words = Words {
    yes: "yes",
    no: "no",
    not_asked: "not asked",
    unknown: "unknown",
    or: "or",
    not: "not",
    nothing: "no exam or referral",
    impossible: "impossible (contradicts an assumption)",
    and: "and",
    when: "When",
    always: "Always",
    at_least: "at least",
    order: "order",
    refer: "refer to",
    avoid: "avoid",
    alternative: "or instead",
    instead: "instead",
    overrides: "takes precedence over",
};

/// Whether a guideline's header says it is written in Dutch (`language nl`).
pub(crate) fn is_dutch(guideline: &Guideline) -> bool {
    guideline
        .header
        .as_ref()
        .and_then(|h| h.language.as_deref())
        .is_some_and(|l| l.eq_ignore_ascii_case("nl"))
}

/// The words for a guideline.
pub(crate) fn words(guideline: &Guideline) -> &'static Words {
    if is_dutch(guideline) {
        &DUTCH
    } else {
        &ENGLISH
    }
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
            (Type::AnyOf(members), Some(m)) => {
                let name = members.get(*m as usize).map_or("?", String::as_str);
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
                        parts.extend(numbers.describe_span(first, last.min(top), unit));
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
            Type::OneOf(values) => {
                for class in (first..=last).filter(|c| !special(*c)) {
                    if let Some(value) = values.get(class as usize) {
                        parts.push(value.clone());
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

/// What a rule does, as one sentence in the guideline's language, with the
/// editors' labels: "When Age ≥ 50 years and Red flags: yes, order MRI
/// (urgent)." The language server shows it on hover.
pub(crate) fn rule_sentence(guideline: &Guideline, rule: &Rule) -> String {
    let words = words(guideline);
    let condition = match &rule.when {
        None | Some(Cond::True) => words.always.to_owned(),
        Some(cond) => format!("{} {}", words.when, cond_words(guideline, cond, false)),
    };
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
            let verb = match action.kind {
                ActionKind::Order => words.order,
                ActionKind::Refer => words.refer,
                ActionKind::Avoid => words.avoid,
            };
            let mut text = format!("{verb} {}", entry(action.target));
            if let Some(urgency) = action.urgency {
                text.push_str(&format!(
                    " ({})",
                    crate::syntax::vocabulary::urgency_word(urgency).replace('_', " ")
                ));
            }
            for (when, target) in &action.alternatives {
                text.push_str(&format!(
                    ", {} {} {} {}",
                    words.alternative,
                    entry(*target),
                    words.when.to_lowercase(),
                    cond_words(guideline, when, false)
                ));
            }
            if let Some(instead) = action.instead {
                text.push_str(&format!(", {}: {}", words.instead, entry(instead)));
            }
            text
        })
        .collect();
    let mut sentence = format!("{condition}, {}.", join_and(&actions, words.and));
    let overridden: Vec<String> = rule
        .overrides
        .iter()
        .filter_map(|r| guideline.rules.get(*r))
        .map(|r| format!("\"{}\"", r.label))
        .collect();
    if !overridden.is_empty() {
        let mut first = words.overrides.chars();
        let capital: String = first
            .next()
            .map(|c| c.to_uppercase().chain(first).collect())
            .unwrap_or_default();
        sentence.push_str(&format!(" {capital} {}.", join_and(&overridden, words.and)));
    }
    sentence
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(parts: &[String], and: &str) -> String {
    join_or(parts, and)
}

/// The symbol of a comparison as a clinician writes it.
fn operator_sign(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "≠",
        CompareOp::Lt => "<",
        CompareOp::Le => "≤",
        CompareOp::Gt => ">",
        CompareOp::Ge => "≥",
    }
}

/// A condition in words, with the inputs' labels; `nested` puts a
/// compound condition in parentheses.
fn cond_words(guideline: &Guideline, cond: &Cond, nested: bool) -> String {
    let words = words(guideline);
    let label = |input: usize| {
        guideline
            .inputs
            .get(input)
            .map_or_else(|| "?".to_owned(), |i| i.label.clone())
    };
    let unit = |input: usize| match guideline.inputs.get(input).map(|i| &i.ty) {
        Some(Type::Number {
            unit: Some(unit), ..
        }) => format!(" {}", unit.canonical),
        _ => String::new(),
    };
    let value = |input: usize, index: u32| match guideline.inputs.get(input).map(|i| &i.ty) {
        Some(Type::OneOf(values) | Type::AnyOf(values)) => values
            .get(index as usize)
            .cloned()
            .unwrap_or_else(|| "?".to_owned()),
        _ => "?".to_owned(),
    };
    let group = |parts: Vec<String>, joiner: &str| {
        let text = parts.join(&format!(" {joiner} "));
        if nested && parts.len() > 1 {
            format!("({text})")
        } else {
            text
        }
    };
    match cond {
        Cond::True => words.always.to_lowercase(),
        Cond::Invalid => "?".to_owned(),
        Cond::BoolIs(input, yes, _) => format!(
            "{}: {}",
            label(*input),
            if *yes { words.yes } else { words.no }
        ),
        Cond::ChoiceIn(input, values, _) => {
            let names: Vec<String> = values.iter().map(|v| value(*input, *v)).collect();
            format!("{}: {}", label(*input), join_or(&names, words.or))
        }
        Cond::Has(input, member, _) => format!("{}: {}", label(*input), value(*input, *member)),
        Cond::Compare(input, op, number, _) => format!(
            "{} {} {number}{}",
            label(*input),
            operator_sign(*op),
            unit(*input)
        ),
        Cond::IsUnknown(input, _) => format!("{}: {}", label(*input), words.unknown),
        Cond::Score(score, op, number, _) => format!(
            "{} {} {number}",
            guideline
                .scores
                .get(*score)
                .map_or("?", |s| s.label.as_str()),
            operator_sign(*op)
        ),
        Cond::AtLeast(count, conds, _) => {
            let parts: Vec<String> = conds
                .iter()
                .map(|c| cond_words(guideline, c, true))
                .collect();
            format!(
                "{} {count} {} ({})",
                words.at_least,
                if words.and == "en" { "van" } else { "of" },
                parts.join("; ")
            )
        }
        Cond::Linear(input, op, sum, _) => {
            let mut terms = vec![sum.constant.to_string()];
            terms.extend(
                sum.terms
                    .iter()
                    .map(|(term, factor)| format!("{factor} × {}", label(*term))),
            );
            format!(
                "{} {} {}{}",
                label(*input),
                operator_sign(*op),
                terms.join(" + "),
                unit(*input)
            )
        }
        Cond::Define(definition, _) => guideline.definitions.get(*definition).map_or_else(
            || "?".to_owned(),
            |d| d.label.clone().unwrap_or_else(|| d.id.clone()),
        ),
        Cond::Not(inner) => format!("{} {}", words.not, cond_words(guideline, inner, true)),
        Cond::And(parts) => group(
            parts
                .iter()
                .map(|c| cond_words(guideline, c, true))
                .collect(),
            words.and,
        ),
        Cond::Or(parts) => group(
            parts
                .iter()
                .map(|c| cond_words(guideline, c, true))
                .collect(),
            words.or,
        ),
    }
}
