//! A box of patients in the guideline's own words: the inputs that define
//! it with its labels, values and units, and a plausible patient inside it.

use super::search::{Cube, Set};
use crate::logic::problem::Class;
use crate::model::classes::{ClassShape, NumberClasses};
use crate::model::describe::join_or;
use crate::model::lower::Lowering;
use crate::model::number::Rational;
use crate::model::units::Unit;
use crate::model::words::{Words, fill};
use crate::model::{Guideline, Type};
use serde::Serialize;

/// One input and the values a group of patients has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// The input's name (with the member, `relief_factors.position`, for
    /// an `any of` member).
    pub input: String,
    /// The editor's label (`Leeftijd`, `Posities ...: position`).
    pub label: String,
    /// The values in the guideline's words (`16 tot 18 jaar`, `ja`).
    pub values: String,
}

impl Fact {
    /// `Leeftijd 16 tot 18 jaar`, `Koorts: ja`.
    pub fn text(&self) -> String {
        if self
            .values
            .starts_with(|c: char| c.is_ascii_digit() || "<>≤≥=".contains(c))
        {
            format!("{} {}", self.label, self.values)
        } else {
            format!("{}: {}", self.label, self.values)
        }
    }
}

/// The word of a unit after a number, in the guideline's language.
fn unit_after(unit: Option<&Unit>, value: Rational, words: &Words) -> String {
    unit.map_or(String::new(), |u| {
        format!(" {}", words.unit_word(u.canonical, value == Rational::ONE))
    })
}

/// The consecutive classes `first..=last` of a number input.
fn run_text(
    numbers: &NumberClasses,
    first: u32,
    last: u32,
    unit: Option<&Unit>,
    words: &Words,
) -> String {
    let top = numbers.class_count().saturating_sub(1);
    let bound = |class: u32, low: bool| match numbers.shape(class) {
        Some(ClassShape::Point(p)) => (p, true),
        Some(ClassShape::Open(a, b)) => (if low { a } else { b }, false),
        None => (Rational::ZERO, true),
    };
    let (mut low, mut low_incl) = bound(first, true);
    let (mut high, mut high_incl) = bound(last, false);
    let one = Rational::from_integer(1);
    if numbers.is_whole() {
        // Whole numbers: `> 15` is `≥ 16`, `≤ 17` is `< 18`.
        if !low_incl && low.is_integer() {
            if let Some(next) = low.checked_add(one) {
                (low, low_incl) = (next, true);
            }
        }
        if high_incl && high.is_integer() && last != top {
            if let Some(next) = high.checked_add(one) {
                (high, high_incl) = (next, false);
            }
        }
    }
    let lo = words.number(low);
    let hi = words.number(high);
    let at_bottom = first == 0;
    let at_top = last == top;
    if first == last && matches!(numbers.shape(first), Some(ClassShape::Point(_))) {
        return format!("{lo}{}", unit_after(unit, low, words));
    }
    if numbers.is_whole() && low_incl && !high_incl && high.checked_sub(one) == Some(low) {
        return format!("{lo}{}", unit_after(unit, low, words));
    }
    let high_unit = unit_after(unit, high, words);
    match (at_bottom, at_top) {
        (true, true) => words.any_value.to_owned(),
        (true, false) => format!("{} {hi}{high_unit}", if high_incl { "≤" } else { "<" }),
        (false, true) => format!(
            "{} {lo}{}",
            if low_incl { "≥" } else { ">" },
            unit_after(unit, low, words)
        ),
        (false, false) if low_incl && !high_incl => {
            format!("{}{high_unit}", fill(words.doc.to_under, &[&lo, &hi]))
        }
        (false, false) => format!(
            "{} {lo} {} {} {hi}{high_unit}",
            if low_incl { "≥" } else { ">" },
            words.and,
            if high_incl { "≤" } else { "<" }
        ),
    }
}

/// The facts that define a box: every variable whose classes it restricts,
/// in declaration order.
pub(crate) fn facts(
    guideline: &Guideline,
    lowering: &Lowering,
    cube: &Cube,
    words: &Words,
) -> Vec<Fact> {
    let mut out = Vec::new();
    for (input, vars) in guideline.inputs.iter().zip(&lowering.inputs) {
        for (member, &var) in vars.vars.iter().enumerate() {
            let size = lowering
                .problem
                .var_sizes
                .get(var as usize)
                .copied()
                .unwrap_or(0);
            let Some(set) = cube.get(var as usize) else {
                continue;
            };
            if set.count() >= size {
                continue;
            }
            let classes = set.classes();
            let mut parts: Vec<String> = Vec::new();
            let mut label = input.label.clone();
            let mut name = input.id.clone();
            match &input.ty {
                Type::YesNo | Type::AnyOf(_) => {
                    if let Type::AnyOf(members) = &input.ty {
                        let m = members.get(member).cloned().unwrap_or_default();
                        label = format!("{label}: {m}");
                        name = format!("{name}.{m}");
                    }
                    for &c in &classes {
                        match c {
                            0 => parts.push(words.no.to_owned()),
                            1 => parts.push(words.yes.to_owned()),
                            _ => {}
                        }
                    }
                }
                Type::OneOf(values) => {
                    for &c in &classes {
                        if let Some(value) = values.get(c as usize) {
                            parts.push(value.clone());
                        }
                    }
                }
                Type::Number { unit, .. } => {
                    if let Some(numbers) = &vars.numbers {
                        for (first, last) in runs(numbers, set) {
                            parts.push(run_text(numbers, first, last, unit.as_ref(), words));
                        }
                    }
                }
            }
            if vars.unknown.is_some_and(|u| set.contains(u)) {
                parts.push(words.unknown.to_owned());
            }
            if vars.absent.is_some_and(|a| set.contains(a)) {
                parts.push(words.not_asked.to_owned());
            }
            out.push(Fact {
                input: name,
                label,
                values: join_or(&parts, words.or),
            });
        }
    }
    out
}

/// Runs of consecutive number classes of `set`; a class that holds no value
/// (no whole number) joins the runs on either side of it.
fn runs(numbers: &NumberClasses, set: &Set) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    let mut current: Option<(u32, u32)> = None;
    for class in 0..numbers.class_count() {
        if set.contains(class) {
            current = Some(match current {
                Some((first, _)) => (first, class),
                None => (class, class),
            });
        } else if numbers.is_empty(class) && current.is_some() {
            // Bridges only if the next class is in the set too.
            if !set.contains(class + 1) {
                out.extend(current.take());
            }
        } else {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

/// A plausible patient of the box: for a number, a value from the middle of
/// its classes (an open interval rather than a range end where there is
/// one); for other inputs a known answer rather than "unknown" or "not
/// asked", and an `any of` member absent rather than present.
pub(crate) fn example(lowering: &Lowering, cube: &Cube) -> Vec<Class> {
    let mut point: Vec<Class> = cube
        .iter()
        .map(|set| set.classes().first().copied().unwrap_or(0))
        .collect();
    for vars in &lowering.inputs {
        for &var in &vars.vars {
            let Some(set) = cube.get(var as usize) else {
                continue;
            };
            let classes = set.classes();
            let known: Vec<Class> = classes
                .iter()
                .copied()
                .filter(|&c| Some(c) != vars.unknown && Some(c) != vars.absent)
                .collect();
            let chosen = match &vars.numbers {
                Some(numbers) => {
                    let valued: Vec<Class> = known
                        .iter()
                        .copied()
                        .filter(|&c| c < numbers.class_count() && numbers.witness(c).is_some())
                        .collect();
                    let open: Vec<Class> = valued
                        .iter()
                        .copied()
                        .filter(|&c| matches!(numbers.shape(c), Some(ClassShape::Open(..))))
                        .collect();
                    let pool = if open.is_empty() { &valued } else { &open };
                    pool.get(pool.len() / 2).copied()
                }
                None => known.first().copied(),
            };
            if let (Some(c), Some(cell)) = (
                chosen.or(classes.first().copied()),
                point.get_mut(var as usize),
            ) {
                *cell = c;
            }
        }
    }
    point
}
