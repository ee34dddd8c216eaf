//! The resolved, typed guideline: names bound, units converted, values
//! checked. Built from the syntax tree by [`resolve`]; everything after this
//! point works on the model, never on text.

pub mod classes;
pub mod codes;
pub(crate) mod describe;
pub mod index;
pub mod lower;
pub(crate) mod merge;
pub mod number;
pub mod record;
mod resolve;
pub mod score;
pub mod units;
pub mod words;

pub use resolve::resolve;

use crate::logic::problem::{ActionKind, Urgency, all3, any3};
use crate::source::{FileId, Span};
use crate::syntax::ast::{CompareOp, EntryKind};
use number::Rational;
use units::Unit;

pub type InputId = usize;
pub type DefinitionId = usize;
pub type ScoreId = usize;
pub type EntryId = usize;
pub type RuleIndex = usize;

#[derive(Clone, Debug)]
pub struct Header {
    /// A guideline, or a vocabulary of declarations that guidelines `use`.
    pub kind: crate::syntax::ast::HeaderKind,
    pub id: String,
    pub label: String,
    pub version: Option<String>,
    pub language: Option<String>,
    pub source: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    YesNo,
    OneOf(Vec<String>),
    AnyOf(Vec<String>),
    Number {
        lo: Rational,
        hi: Rational,
        unit: Option<Unit>,
        /// The substance's molar mass in g/mol (`molar mass 113.12 g/mol`),
        /// with which a mass concentration converts to a molar one.
        molar_mass: Option<Rational>,
        /// `whole number`: only whole numbers (in `unit`) are values.
        whole: bool,
    },
}

impl Type {
    /// The type in an editor's words.
    pub fn describe(&self) -> String {
        match self {
            Type::YesNo => "a yes/no input".to_owned(),
            Type::OneOf(_) => "a `one of` input".to_owned(),
            Type::AnyOf(_) => "an `any of` input".to_owned(),
            Type::Number { whole: true, .. } => "a whole-number input".to_owned(),
            Type::Number { .. } => "a number input".to_owned(),
        }
    }
}

/// A value of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    /// Index into the `one of` values.
    Choice(u32),
    /// Indices of the `any of` members present, sorted.
    Set(Vec<u32>),
    /// In the input's declared unit.
    Number(Rational),
    /// The answer is not known (`null` in a record). For an input declared
    /// `or unknown` this is an answer of its own; for any other input it
    /// leaves the input unknown ([`Guideline::complete`]), never defaulted.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub id: String,
    pub label: String,
    /// The span of the name in the declaration.
    pub span: Span,
    pub ty: Type,
    pub default: Option<Value>,
    pub asked_when: Option<Cond>,
    /// `or unknown`: "not known" is an answer rules can test.
    pub admits_unknown: bool,
    /// `code snomed 386661006`: terminology codes of the input itself.
    pub codes: Vec<codes::Coding>,
    /// The codes of each `one of` value or `any of` member, by index
    /// (`dvt (snomed 128053003)`); empty for other types.
    pub value_codes: Vec<Vec<codes::Coding>>,
    /// The label of each `one of` value or `any of` member, by index
    /// (`acute "acuut (< 6 weken)"`), `None` where the guideline gives
    /// none; empty for other types. A label is for people only: a record
    /// and a case name the value.
    pub value_labels: Vec<Option<String>>,
}

impl Input {
    /// The names of the `one of` values or `any of` members, in the order
    /// declared; empty for other types.
    pub fn value_names(&self) -> &[String] {
        match &self.ty {
            Type::OneOf(values) | Type::AnyOf(values) => values,
            Type::YesNo | Type::Number { .. } => &[],
        }
    }

    /// The label the guideline gives value (or member) `index`, if any.
    pub fn value_label(&self, index: u32) -> Option<&str> {
        self.value_labels
            .get(index as usize)
            .and_then(|label| label.as_deref())
    }

    /// How value (or member) `index` is shown to people: its label where
    /// the guideline gives one, otherwise its name.
    pub fn value_shown(&self, index: u32) -> Option<&str> {
        self.value_label(index)
            .or_else(|| self.value_names().get(index as usize).map(String::as_str))
    }
}

#[derive(Clone, Debug)]
pub struct Definition {
    pub id: String,
    pub label: Option<String>,
    pub span: Span,
    pub condition: Cond,
}

/// `score NAME "Label" = ...`: a sum of points for conditions and of
/// whole-number inputs, compared with thresholds in conditions.
#[derive(Clone, Debug)]
pub struct Score {
    pub id: String,
    pub label: String,
    /// The span of the name in the declaration.
    pub span: Span,
    pub terms: Vec<ScoreTerm>,
}

/// `constant + Σ factor × input`, in the unit of the input compared.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearSum {
    pub constant: Rational,
    /// Whole-number inputs and the number each is multiplied by.
    pub terms: Vec<(InputId, Rational)>,
}

impl LinearSum {
    /// The sum for these values of the terms' inputs, in order.
    pub fn at(&self, values: &[Rational]) -> Option<Rational> {
        let mut sum = self.constant;
        for ((_, factor), value) in self.terms.iter().zip(values) {
            sum = sum.checked_add(factor.checked_mul(*value)?)?;
        }
        Some(sum)
    }
}

/// One term of a score.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoreTerm {
    /// These points (negative for `- 2 when ...`) when the condition holds.
    Points {
        points: Rational,
        when: Cond,
        span: Span,
    },
    /// The value of a whole-number input, added (or, `negative`, taken away).
    Input {
        input: InputId,
        negative: bool,
        span: Span,
    },
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    pub label: String,
    pub kind: EntryKind,
    pub groups: Vec<String>,
    pub span: Span,
    /// The `code` clause: terminology codes of the entry.
    pub codes: Vec<codes::Coding>,
}

/// A resolved condition. Atoms keep their source span so that explanations
/// can quote what the editor wrote.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    True,
    /// A yes/no input has this answer.
    BoolIs(InputId, bool, Span),
    /// A `one of` input has one of these values (sorted).
    ChoiceIn(InputId, Vec<u32>, Span),
    /// An `any of` input has this member.
    Has(InputId, u32, Span),
    /// A number input compared with a threshold in its declared unit.
    Compare(InputId, CompareOp, Rational, Span),
    /// `x is unknown`: an input declared `or unknown` has that answer.
    IsUnknown(InputId, Span),
    /// A score compared with a number: `wells >= 2`.
    Score(ScoreId, CompareOp, Rational, Span),
    /// `at least N of (C, ...)`: at least `N` of the conditions hold.
    AtLeast(u32, Vec<Cond>, Span),
    /// A number input compared with a sum of whole-number inputs times
    /// numbers, plus a number, all in the first input's unit:
    /// `d_dimer >= age * 10 ug/L`.
    Linear(InputId, CompareOp, Box<LinearSum>, Span),
    Define(DefinitionId, Span),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// Stands for a condition that had an error; it never fires and is never
    /// analysed (the guideline has errors, so analyses do not run).
    Invalid,
}

#[derive(Clone, Debug)]
pub struct Assumption {
    pub condition: Cond,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Action {
    pub kind: ActionKind,
    pub target: EntryId,
    pub urgency: Option<Urgency>,
    pub alternatives: Vec<(Cond, EntryId)>,
    pub instead: Option<EntryId>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub label: String,
    pub span: Span,
    /// The span of the rule's name.
    pub id_span: Span,
    pub when: Option<Cond>,
    pub actions: Vec<Action>,
    pub overrides: Vec<RuleIndex>,
}

/// What a requirement or case expects of the final actions.
#[derive(Clone, Debug)]
pub enum Demand {
    And(Vec<Demand>),
    Or(Vec<Demand>),
    Not(Box<Demand>),
    /// Some final action of this kind, with a target among `targets` (any
    /// target when `None`) and, when given, this urgency (exactly, or this
    /// or a more urgent one when `sooner`: `or sooner`).
    Has {
        kind: Option<ActionKind>,
        targets: Option<Vec<EntryId>>,
        urgency: Option<Urgency>,
        sooner: bool,
    },
}

/// `exclusive A, B "Label"`: catalogue entries that are never to be
/// ordered or referred together; a patient who gets two of them is a
/// conflict.
#[derive(Clone, Debug)]
pub struct Exclusive {
    /// The entries, at least two, different, in the order written.
    pub entries: Vec<EntryId>,
    pub label: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Requirement {
    pub label: String,
    pub span: Span,
    pub when: Option<Cond>,
    pub then: Demand,
}

#[derive(Clone, Debug)]
pub struct Expectation {
    pub demand: Demand,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub label: String,
    pub span: Span,
    /// The case's facts as a record; `None` where the case gives no value.
    pub facts: Vec<Option<Value>>,
    pub expects: Vec<Expectation>,
}

/// One checked guideline.
#[derive(Clone, Debug)]
pub struct Guideline {
    pub file: FileId,
    pub header: Option<Header>,
    pub inputs: Vec<Input>,
    pub definitions: Vec<Definition>,
    pub scores: Vec<Score>,
    pub entries: Vec<Entry>,
    pub assumptions: Vec<Assumption>,
    pub rules: Vec<Rule>,
    pub requirements: Vec<Requirement>,
    pub cases: Vec<Case>,
    /// Entries that exclude each other, one per `exclusive` statement.
    pub exclusive: Vec<Exclusive>,
    /// Where each declared name is used, with the span of every use.
    pub index: index::Index,
    /// The language of the words a clinician reads (`--lang nl`), over the
    /// header's `language`; `None` reads the header's. It changes words
    /// only, never what the guideline means. See [`Guideline::speak`].
    pub advice_language: Option<String>,
}

impl Guideline {
    /// Shows the advice, explanations, flowcharts and sentences of this
    /// guideline in the words of `language` (a code such as `nl`, chosen
    /// like the header's `language`), whatever its header says; `None`
    /// keeps what the header says.
    pub fn speak(&mut self, language: Option<&str>) {
        if let Some(language) = language {
            self.advice_language = Some(language.to_owned());
        }
    }

    pub fn input_index(&self, id: &str) -> Option<InputId> {
        self.inputs.iter().position(|i| i.id == id)
    }

    pub fn entry_index(&self, id: &str) -> Option<EntryId> {
        self.entries.iter().position(|e| e.id == id)
    }

    pub fn rule_index(&self, id: &str) -> Option<RuleIndex> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// Every pair of entries that exclude each other, as the problem keeps
    /// them (`(a, b)` with `a < b`, sorted, without duplicates).
    pub fn exclusive_pairs(&self) -> Vec<(EntryId, EntryId)> {
        let mut pairs = Vec::new();
        for statement in &self.exclusive {
            for (position, &a) in statement.entries.iter().enumerate() {
                for &b in statement.entries.get(position + 1..).unwrap_or(&[]) {
                    if a != b {
                        pairs.push((a.min(b), a.max(b)));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The first `exclusive` statement that names both entries.
    pub fn exclusive_of(&self, a: EntryId, b: EntryId) -> Option<&Exclusive> {
        self.exclusive
            .iter()
            .find(|x| a != b && x.entries.contains(&a) && x.entries.contains(&b))
    }
}

/// What a record says about one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The record does not say, and the input has no default.
    Unknown,
    /// The input's `asked when` is false for this patient.
    NotAsked,
    Known(Value),
}

impl Cond {
    /// Evaluates with three-valued logic: `None` when an unknown input
    /// matters. Every test on an input that is not asked is false.
    pub fn eval(&self, guideline: &Guideline, slots: &[Slot]) -> Option<bool> {
        let slot = |input: &InputId| slots.get(*input).unwrap_or(&Slot::Unknown);
        match self {
            Cond::True => Some(true),
            Cond::Invalid => Some(false),
            Cond::BoolIs(input, expected, _) => match slot(input) {
                Slot::Known(Value::Bool(b)) => Some(b == expected),
                Slot::Known(_) | Slot::NotAsked => Some(false),
                Slot::Unknown => None,
            },
            Cond::ChoiceIn(input, values, _) => match slot(input) {
                Slot::Known(Value::Choice(c)) => Some(values.contains(c)),
                Slot::Known(_) | Slot::NotAsked => Some(false),
                Slot::Unknown => None,
            },
            Cond::Has(input, member, _) => match slot(input) {
                Slot::Known(Value::Set(members)) => Some(members.contains(member)),
                Slot::Known(_) | Slot::NotAsked => Some(false),
                Slot::Unknown => None,
            },
            Cond::Compare(input, op, threshold, _) => match slot(input) {
                Slot::Known(Value::Number(value)) => Some(compare(*op, *value, *threshold)),
                Slot::Known(_) | Slot::NotAsked => Some(false),
                Slot::Unknown => None,
            },
            Cond::IsUnknown(input, _) => match slot(input) {
                Slot::Known(value) => Some(*value == Value::Unknown),
                Slot::NotAsked => Some(false),
                Slot::Unknown => None,
            },
            // INVARIANT: definitions form no cycle and chains are at most
            // MAX_NESTING deep (resolve replaces offenders by `Invalid`).
            Cond::Define(id, _) => guideline
                .definitions
                .get(*id)
                .and_then(|d| d.condition.eval(guideline, slots)),
            Cond::Score(id, op, threshold, _) => {
                let (low, high) = guideline.scores.get(*id)?.range(guideline, slots)?;
                decide(*op, low, high, *threshold)
            }
            Cond::Linear(input, op, sum, _) => {
                // Any input without a value makes the test false, as every
                // test on an input that is not asked or unknown is.
                let mut values = Vec::with_capacity(sum.terms.len());
                let mut open = false;
                for id in std::iter::once(input).chain(sum.terms.iter().map(|(id, _)| id)) {
                    match slot(id) {
                        Slot::Known(Value::Number(v)) => values.push(*v),
                        Slot::Known(_) | Slot::NotAsked => return Some(false),
                        Slot::Unknown => open = true,
                    }
                }
                if open {
                    return None;
                }
                let (left, right) = values.split_first()?;
                Some(compare(*op, *left, sum.at(right)?))
            }
            Cond::AtLeast(count, parts, _) => {
                let (mut sure, mut open) = (0u32, 0u32);
                for part in parts {
                    match part.eval(guideline, slots) {
                        Some(true) => sure = sure.saturating_add(1),
                        Some(false) => {}
                        None => open = open.saturating_add(1),
                    }
                }
                if sure >= *count {
                    Some(true)
                } else if sure.saturating_add(open) < *count {
                    Some(false)
                } else {
                    None
                }
            }
            Cond::Not(inner) => inner.eval(guideline, slots).map(|b| !b),
            Cond::And(parts) => all3(parts.iter().map(|p| p.eval(guideline, slots))),
            Cond::Or(parts) => any3(parts.iter().map(|p| p.eval(guideline, slots))),
        }
    }

    /// Calls `visit` on every input and definition the condition names
    /// directly (not through definitions).
    pub fn visit_names(&self, visit: &mut impl FnMut(NameUse)) {
        match self {
            Cond::True | Cond::Invalid => {}
            Cond::BoolIs(input, _, _)
            | Cond::ChoiceIn(input, _, _)
            | Cond::Has(input, _, _)
            | Cond::Compare(input, _, _, _)
            | Cond::IsUnknown(input, _) => visit(NameUse::Input(*input)),
            Cond::Score(id, _, _, _) => visit(NameUse::Score(*id)),
            Cond::Linear(input, _, sum, _) => {
                visit(NameUse::Input(*input));
                for (id, _) in &sum.terms {
                    visit(NameUse::Input(*id));
                }
            }
            Cond::AtLeast(_, parts, _) => {
                for part in parts {
                    part.visit_names(visit);
                }
            }
            Cond::Define(id, _) => visit(NameUse::Definition(*id)),
            Cond::Not(inner) => inner.visit_names(visit),
            Cond::And(parts) | Cond::Or(parts) => {
                for part in parts {
                    part.visit_names(visit);
                }
            }
        }
    }
}

/// A name a condition uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameUse {
    Input(InputId),
    Definition(DefinitionId),
    Score(ScoreId),
}

/// Whether `value OP threshold` holds: the one reading of a comparison.
pub(crate) fn compare(op: CompareOp, value: Rational, threshold: Rational) -> bool {
    match op {
        CompareOp::Eq => value == threshold,
        CompareOp::Ne => value != threshold,
        CompareOp::Lt => value < threshold,
        CompareOp::Le => value <= threshold,
        CompareOp::Gt => value > threshold,
        CompareOp::Ge => value >= threshold,
    }
}

/// Whether `x OP threshold` holds for every `x` in `[low, high]` (`Some`),
/// for none (`Some(false)`), or depends on which (`None`). Scores and their
/// expansion (`score.rs`) both decide with it.
pub(crate) fn decide(
    op: CompareOp,
    low: Rational,
    high: Rational,
    threshold: Rational,
) -> Option<bool> {
    let holds = |x: Rational| compare(op, x, threshold);
    if low == high {
        return Some(holds(low));
    }
    match op {
        // Monotone: the ends decide.
        CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge => {
            let (a, b) = (holds(low), holds(high));
            (a == b).then_some(a)
        }
        CompareOp::Eq | CompareOp::Ne => {
            let inside = low <= threshold && threshold <= high;
            (!inside).then_some(op == CompareOp::Ne)
        }
    }
}

impl Score {
    /// The lowest and highest value the score can have for a patient of
    /// whom `slots` tells what it tells (equal when it tells everything the
    /// score reads). `None` when a term cannot be added up (overflow).
    pub fn range(&self, guideline: &Guideline, slots: &[Slot]) -> Option<(Rational, Rational)> {
        let zero = Rational::from_integer(0);
        let (mut low, mut high) = (zero, zero);
        for term in &self.terms {
            let (a, b) = match term {
                ScoreTerm::Points { points, when, .. } => match when.eval(guideline, slots) {
                    Some(true) => (*points, *points),
                    Some(false) => (zero, zero),
                    None => ((*points).min(zero), (*points).max(zero)),
                },
                ScoreTerm::Input {
                    input, negative, ..
                } => {
                    let sign = |x: Rational| {
                        if *negative {
                            zero.checked_sub(x)
                        } else {
                            Some(x)
                        }
                    };
                    match (slots.get(*input), &guideline.inputs.get(*input)?.ty) {
                        (Some(Slot::Known(Value::Number(v))), _) => {
                            let v = sign(*v)?;
                            (v, v)
                        }
                        (_, Type::Number { lo, hi, .. }) => {
                            let (x, y) = (sign(*lo)?, sign(*hi)?);
                            (x.min(y), x.max(y))
                        }
                        _ => return None,
                    }
                }
            };
            low = low.checked_add(a)?;
            high = high.checked_add(b)?;
        }
        Some((low, high))
    }
}

impl Guideline {
    /// Completes what a record or case gives: defaults fill gaps (only where
    /// nothing is given: a [`Value::Unknown`] is never defaulted; it is the
    /// answer "unknown" for an input declared `or unknown` and leaves any
    /// other input unknown), and inputs whose `asked when` is false become
    /// [`Slot::NotAsked`] (a value given for them is set aside and reported
    /// in the returned list).
    pub fn complete(&self, given: &[Option<Value>]) -> (Vec<Slot>, Vec<InputId>) {
        let mut slots: Vec<Slot> = self
            .inputs
            .iter()
            .enumerate()
            .map(|(index, input)| match given.get(index).cloned().flatten() {
                Some(Value::Unknown) if !input.admits_unknown => Slot::Unknown,
                Some(value) => Slot::Known(value),
                None => input.default.clone().map_or(Slot::Unknown, Slot::Known),
            })
            .collect();
        let mut set_aside = Vec::new();
        // `asked when` may depend on inputs that have their own `asked when`;
        // each pass settles at least one more input, so this ends.
        for _ in 0..=self.inputs.len() {
            let mut changed = false;
            for (index, input) in self.inputs.iter().enumerate() {
                let Some(condition) = &input.asked_when else {
                    continue;
                };
                if matches!(slots.get(index), Some(Slot::NotAsked)) {
                    continue;
                }
                if condition.eval(self, &slots) == Some(false) {
                    if let Some(slot) = slots.get_mut(index) {
                        if given
                            .get(index)
                            .is_some_and(|g| g.as_ref().is_some_and(|v| *v != Value::Unknown))
                        {
                            set_aside.push(index);
                        }
                        *slot = Slot::NotAsked;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        (slots, set_aside)
    }
}
