//! Model to abstract problem: every input becomes finite variables, every
//! condition a formula over value classes. See `logic::problem` for the
//! meaning of the result.

use super::classes::{Comparison, NumberClasses};
use super::number::Rational;
use super::*;
use crate::logic::problem::{self as p, Class, Formula, Var};
use crate::syntax::ast::CompareOp;
use serde_json::{Map, Value as Json};

/// How one input is represented by variables.
#[derive(Clone, Debug)]
pub struct InputVars {
    /// One variable, or one per member of an `any of` input.
    pub vars: Vec<Var>,
    /// The class that means "not known", for inputs declared `or unknown`
    /// (in every variable of the input).
    pub unknown: Option<Class>,
    /// The class that means "not asked", for inputs with `asked when`.
    pub absent: Option<Class>,
    /// The value classes of a number input.
    pub numbers: Option<NumberClasses>,
}

/// A guideline lowered to a [`p::Problem`], with the maps back.
#[derive(Clone, Debug)]
pub struct Lowering {
    pub problem: p::Problem,
    pub inputs: Vec<InputVars>,
    /// For each variable: its input and, for `any of`, the member.
    pub var_origin: Vec<(InputId, Option<u32>)>,
    /// For each assumption of the problem: where it comes from.
    pub assumption_origin: Vec<AssumptionOrigin>,
}

/// Where a lowered assumption comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssumptionOrigin {
    /// A variable of an input with `asked when` is "not asked" exactly when
    /// the condition is false.
    AskedWhen(Var),
    /// What the values of an input are: a whole number lies in no class
    /// without a whole number; an `any of` input is unknown as a whole. Every
    /// value a record gives meets it.
    Shape(InputId),
    /// The editor's `assume` statement of this index.
    Stated(usize),
}

/// A guideline without errors together with its lowering: what analyses,
/// evaluation and compilation take. A `Lowering` can only be built inside
/// the crate, and only for a guideline without errors, so holding a `Valid`
/// means the guideline's meaning is defined.
#[derive(Clone, Copy, Debug)]
pub struct Valid<'a> {
    pub guideline: &'a Guideline,
    pub lowering: &'a Lowering,
}

fn comparison(op: CompareOp) -> Comparison {
    match op {
        CompareOp::Eq => Comparison::Eq,
        CompareOp::Ne => Comparison::Ne,
        CompareOp::Lt => Comparison::Lt,
        CompareOp::Le => Comparison::Le,
        CompareOp::Gt => Comparison::Gt,
        CompareOp::Ge => Comparison::Ge,
    }
}

fn collect_thresholds(guideline: &Guideline, condition: &Cond, out: &mut [Vec<Rational>]) {
    match condition {
        // Each case of the expansion compares the input with a number and
        // each term's input with one of its values.
        Cond::Linear(input, _, sum, _) => {
            for (values, at) in super::score::linear_cases(guideline, sum).unwrap_or_default() {
                if let Some(list) = out.get_mut(*input) {
                    list.push(at);
                }
                for ((term, _), value) in sum.terms.iter().zip(values) {
                    if let Some(list) = out.get_mut(*term) {
                        list.push(value);
                    }
                }
            }
        }
        Cond::Compare(input, _, threshold, _) => {
            if let Some(list) = out.get_mut(*input) {
                list.push(*threshold);
            }
        }
        Cond::Not(inner) => collect_thresholds(guideline, inner, out),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            for part in parts {
                collect_thresholds(guideline, part, out);
            }
        }
        _ => {}
    }
}

impl Guideline {
    /// Every condition of the guideline, in a fixed order.
    pub fn conditions(&self) -> Vec<&Cond> {
        let mut all: Vec<&Cond> = Vec::new();
        all.extend(self.inputs.iter().filter_map(|i| i.asked_when.as_ref()));
        all.extend(self.definitions.iter().map(|d| &d.condition));
        for score in &self.scores {
            for term in &score.terms {
                if let ScoreTerm::Points { when, .. } = term {
                    all.push(when);
                }
            }
        }
        all.extend(self.assumptions.iter().map(|a| &a.condition));
        for rule in &self.rules {
            all.extend(rule.when.as_ref());
            for action in &rule.actions {
                all.extend(action.alternatives.iter().map(|(c, _)| c));
            }
        }
        all.extend(self.requirements.iter().filter_map(|r| r.when.as_ref()));
        all
    }
}

/// Lowers a guideline that checked without errors.
/// Lowers a guideline. Only for one without errors: the crate calls it from
/// `check::check_file` when no error was found, and from the comparison of
/// two such guidelines; outside the crate a `Lowering` comes only from
/// there (see [`Valid`]).
pub(crate) fn lower(guideline: &Guideline) -> Lowering {
    let mut thresholds: Vec<Vec<Rational>> = vec![Vec::new(); guideline.inputs.len()];
    for condition in guideline.conditions() {
        collect_thresholds(guideline, condition, &mut thresholds);
    }
    // A score adds a whole-number input's value: the expansion tests each
    // value, so each is a cut point.
    for score in &guideline.scores {
        for term in &score.terms {
            if let ScoreTerm::Input {
                input, negative, ..
            } = term
            {
                let values = guideline
                    .inputs
                    .get(*input)
                    .and_then(|i| super::score::input_values(i, *negative))
                    .unwrap_or_default();
                if let Some(list) = thresholds.get_mut(*input) {
                    list.extend(values.into_iter().map(|(value, _)| value));
                }
            }
        }
    }
    let mut var_sizes = Vec::new();
    let mut var_origin = Vec::new();
    let mut inputs = Vec::with_capacity(guideline.inputs.len());
    for (index, input) in guideline.inputs.iter().enumerate() {
        let unknown_extra = u32::from(input.admits_unknown);
        let extra = unknown_extra + u32::from(input.asked_when.is_some());
        let mut numbers = None;
        let (sizes, members): (Vec<u32>, Vec<Option<u32>>) = match &input.ty {
            Type::YesNo => (vec![2], vec![None]),
            Type::OneOf(values) => (vec![p::index_u32(values.len())], vec![None]),
            Type::AnyOf(members) => {
                let count = p::index_u32(members.len());
                (
                    (0..count).map(|_| 2).collect(),
                    (0..count).map(Some).collect(),
                )
            }
            Type::Number { lo, hi, whole, .. } => {
                let mut classes = NumberClasses::new(
                    *lo,
                    *hi,
                    thresholds.get(index).cloned().unwrap_or_default(),
                );
                if *whole {
                    classes = classes.whole();
                }
                let count = classes.class_count();
                numbers = Some(classes);
                (vec![count], vec![None])
            }
        };
        let base = sizes.first().copied().unwrap_or(2);
        let mut vars = Vec::new();
        for (size, member) in sizes.iter().zip(members) {
            vars.push(p::index_u32(var_sizes.len()));
            var_sizes.push(size + extra);
            var_origin.push((index, member));
        }
        inputs.push(InputVars {
            vars,
            unknown: input.admits_unknown.then_some(base),
            absent: input.asked_when.as_ref().map(|_| base + unknown_extra),
            numbers,
        });
    }
    let mut lowering = Lowering {
        problem: p::Problem {
            var_sizes,
            ..p::Problem::default()
        },
        inputs,
        var_origin,
        assumption_origin: Vec::new(),
    };
    let mut definitions: Vec<Option<Formula>> = vec![None; guideline.definitions.len()];
    // Definitions only use earlier-resolved ones without cycles, so lowering
    // each on demand with a cache terminates.
    let mut assumptions = Vec::new();
    let mut origins = Vec::new();
    for (index, input) in guideline.inputs.iter().enumerate() {
        let Some(asked) = &input.asked_when else {
            continue;
        };
        let asked = lowering.formula(guideline, asked, &mut definitions);
        let Some(vars) = lowering.inputs.get(index) else {
            continue;
        };
        for &var in &vars.vars {
            origins.push(AssumptionOrigin::AskedWhen(var));
            let absent = vars.absent.unwrap_or(0);
            let present: Vec<Class> = (0..absent).collect();
            assumptions.push(Formula::Or(vec![
                Formula::And(vec![
                    asked.clone(),
                    Formula::In {
                        var,
                        classes: present,
                    },
                ]),
                Formula::And(vec![
                    Formula::Not(Box::new(asked.clone())),
                    Formula::In {
                        var,
                        classes: vec![absent],
                    },
                ]),
            ]));
        }
    }
    for (index, vars) in lowering.inputs.iter().enumerate() {
        if let Some(shape) = vars.shape() {
            origins.push(AssumptionOrigin::Shape(index));
            assumptions.push(shape);
        }
    }
    for (index, assumption) in guideline.assumptions.iter().enumerate() {
        origins.push(AssumptionOrigin::Stated(index));
        assumptions.push(lowering.formula(guideline, &assumption.condition, &mut definitions));
    }
    let mut rules = Vec::with_capacity(guideline.rules.len());
    for rule in &guideline.rules {
        let when = rule.when.as_ref().map_or(Formula::True, |c| {
            lowering.formula(guideline, c, &mut definitions)
        });
        let actions = rule
            .actions
            .iter()
            .map(|action| p::Action {
                kind: action.kind,
                target: p::index_u32(action.target),
                urgency: action.urgency,
                alternatives: action
                    .alternatives
                    .iter()
                    .map(|(c, t)| {
                        (
                            lowering.formula(guideline, c, &mut definitions),
                            p::index_u32(*t),
                        )
                    })
                    .collect(),
                instead: action.instead.and_then(|t| u32::try_from(t).ok()),
            })
            .collect();
        rules.push(p::Rule {
            when,
            actions,
            overrides: rule.overrides.clone(),
        });
    }
    let requirements = guideline
        .requirements
        .iter()
        .map(|r| p::Requirement {
            when: r.when.as_ref().map_or(Formula::True, |c| {
                lowering.formula(guideline, c, &mut definitions)
            }),
            then: lower_demand(&r.then),
        })
        .collect();
    lowering.problem.assumptions = assumptions;
    lowering.assumption_origin = origins;
    lowering.problem.rules = rules;
    lowering.problem.requirements = requirements;
    lowering.problem.exclusive = guideline
        .exclusive_pairs()
        .into_iter()
        .map(|(a, b)| (p::index_u32(a), p::index_u32(b)))
        .collect();
    lowering
}

/// Lowers what a requirement or case demands.
pub(crate) fn lower_demand(demand: &Demand) -> p::Demand {
    match demand {
        Demand::And(parts) => p::Demand::And(parts.iter().map(lower_demand).collect()),
        Demand::Or(parts) => p::Demand::Or(parts.iter().map(lower_demand).collect()),
        Demand::Not(inner) => p::Demand::Not(Box::new(lower_demand(inner))),
        Demand::Has {
            kind,
            targets,
            urgency,
            sooner,
        } => p::Demand::Has {
            kind: *kind,
            targets: targets
                .as_ref()
                .map(|t| t.iter().filter_map(|x| u32::try_from(*x).ok()).collect()),
            urgency: *urgency,
            sooner: *sooner,
        },
    }
}

impl InputVars {
    /// What the values of the input are, where the classes alone do not say
    /// it: a whole-number input takes no class that holds no whole number
    /// (`{2.5}`, or the open interval between 2 and 3), and the members of an
    /// `any of` input declared `or unknown` are unknown all together.
    fn shape(&self) -> Option<Formula> {
        let mut parts = Vec::new();
        if let (Some(numbers), Some(&var)) = (&self.numbers, self.vars.first()) {
            let empty: Vec<Class> = (0..numbers.class_count())
                .filter(|&class| numbers.is_empty(class))
                .collect();
            if !empty.is_empty() {
                parts.push(Formula::Not(Box::new(Formula::In {
                    var,
                    classes: empty,
                })));
            }
        }
        if let Some(unknown) = self.unknown {
            for pair in self.vars.windows(2) {
                let [a, b] = pair else { continue };
                let is = |var: Var| Formula::In {
                    var,
                    classes: vec![unknown],
                };
                parts.push(Formula::Or(vec![
                    Formula::And(vec![is(*a), is(*b)]),
                    Formula::And(vec![
                        Formula::Not(Box::new(is(*a))),
                        Formula::Not(Box::new(is(*b))),
                    ]),
                ]));
            }
        }
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(Formula::And(parts)),
        }
    }
}

impl Lowering {
    fn var(&self, input: InputId, member: usize) -> Option<Var> {
        self.inputs
            .get(input)
            .and_then(|i| i.vars.get(member))
            .copied()
    }

    /// Lowers one condition. Tests on an input that is not asked are false,
    /// so the "not asked" class is never among the classes of an atom.
    pub fn formula(
        &self,
        guideline: &Guideline,
        condition: &Cond,
        definitions: &mut Vec<Option<Formula>>,
    ) -> Formula {
        match condition {
            Cond::True => Formula::True,
            Cond::Invalid => Formula::False,
            Cond::BoolIs(input, answer, _) => match self.var(*input, 0) {
                Some(var) => Formula::In {
                    var,
                    classes: vec![u32::from(*answer)],
                },
                None => Formula::False,
            },
            Cond::ChoiceIn(input, values, _) => match self.var(*input, 0) {
                Some(var) => Formula::In {
                    var,
                    classes: values.clone(),
                },
                None => Formula::False,
            },
            Cond::Has(input, member, _) => match self.var(*input, *member as usize) {
                Some(var) => Formula::In {
                    var,
                    classes: vec![1],
                },
                None => Formula::False,
            },
            Cond::Compare(input, op, threshold, _) => {
                let classes = self
                    .inputs
                    .get(*input)
                    .and_then(|i| i.numbers.as_ref())
                    .map(|n| n.classes_where(comparison(*op), *threshold));
                match (self.var(*input, 0), classes) {
                    (Some(var), Some(classes)) => Formula::In { var, classes },
                    _ => Formula::False,
                }
            }
            Cond::IsUnknown(input, _) => {
                match (
                    self.var(*input, 0),
                    self.inputs.get(*input).and_then(|i| i.unknown),
                ) {
                    (Some(var), Some(unknown)) => Formula::In {
                        var,
                        classes: vec![unknown],
                    },
                    _ => Formula::False,
                }
            }
            Cond::Define(id, _) => {
                if let Some(Some(cached)) = definitions.get(*id) {
                    return cached.clone();
                }
                let Some(definition) = guideline.definitions.get(*id) else {
                    return Formula::False;
                };
                let lowered = self.formula(guideline, &definition.condition, definitions);
                if let Some(slot) = definitions.get_mut(*id) {
                    *slot = Some(lowered.clone());
                }
                lowered
            }
            // INVARIANT: resolve checked that every comparison and count
            // expands within the budget (L121).
            Cond::Score(id, op, threshold, _) => guideline
                .scores
                .get(*id)
                .and_then(|score| super::score::plan_score(guideline, score, *op, *threshold))
                .map_or(Formula::False, |plan| {
                    self.sum(guideline, &plan, definitions)
                }),
            Cond::Linear(input, op, sum, span) => {
                super::score::expand_linear(guideline, *input, *op, sum, *span)
                    .map_or(Formula::False, |expanded| {
                        self.formula(guideline, &expanded, definitions)
                    })
            }
            Cond::AtLeast(count, parts, _) => super::score::plan_count(*count, parts)
                .map_or(Formula::False, |plan| {
                    self.sum(guideline, &plan, definitions)
                }),
            Cond::Not(inner) => Formula::Not(Box::new(self.formula(guideline, inner, definitions))),
            Cond::And(parts) => Formula::And(
                parts
                    .iter()
                    .map(|c| self.formula(guideline, c, definitions))
                    .collect(),
            ),
            Cond::Or(parts) => Formula::Or(
                parts
                    .iter()
                    .map(|c| self.formula(guideline, c, definitions))
                    .collect(),
            ),
        }
    }

    /// A planned score comparison or count as one [`Formula::Sum`]. An
    /// added input's term has one case per value (its class, with what it
    /// adds); the classes that hold no whole number are no patient's (the
    /// input's shape assumption), so they need no case.
    fn sum(
        &self,
        guideline: &Guideline,
        plan: &super::score::Plan<'_>,
        definitions: &mut Vec<Option<Formula>>,
    ) -> Formula {
        let mut terms = Vec::with_capacity(plan.terms.len());
        for term in &plan.terms {
            match term {
                super::score::PlanTerm::Points(points, when) => {
                    terms.push(vec![(self.formula(guideline, when, definitions), *points)]);
                }
                super::score::PlanTerm::Values(input, values) => {
                    let (Some(var), Some(numbers)) = (
                        self.var(*input, 0),
                        self.inputs.get(*input).and_then(|i| i.numbers.as_ref()),
                    ) else {
                        return Formula::False;
                    };
                    let cases = values
                        .iter()
                        .filter(|(_, add)| *add != 0)
                        .map(|(value, add)| {
                            let classes = numbers.classes_where(Comparison::Eq, *value);
                            (Formula::In { var, classes }, *add)
                        })
                        .collect();
                    terms.push(cases);
                }
            }
        }
        let sum = Formula::Sum(Box::new(p::Sum {
            terms,
            min: plan.min,
            max: plan.max,
        }));
        if plan.outside {
            Formula::Not(Box::new(sum))
        } else {
            sum
        }
    }

    /// The class assignment of a completed record (`None`: unknown).
    pub fn assignment(&self, slots: &[Slot]) -> Vec<Option<Class>> {
        let mut out = vec![None; self.var_origin.len()];
        for (input, vars) in self.inputs.iter().enumerate() {
            let slot = slots.get(input).unwrap_or(&Slot::Unknown);
            for (member, var) in vars.vars.iter().enumerate() {
                let class = match slot {
                    Slot::Unknown => None,
                    Slot::NotAsked => vars.absent,
                    Slot::Known(Value::Unknown) => vars.unknown,
                    Slot::Known(Value::Bool(b)) => Some(u32::from(*b)),
                    Slot::Known(Value::Choice(c)) => Some(*c),
                    Slot::Known(Value::Set(members)) => {
                        Some(u32::from(members.contains(&p::index_u32(member))))
                    }
                    Slot::Known(Value::Number(n)) => {
                        vars.numbers.as_ref().and_then(|c| c.class_of(*n))
                    }
                };
                if let Some(cell) = out.get_mut(*var as usize) {
                    *cell = class;
                }
            }
        }
        out
    }

    /// A complete patient record (JSON, as `eval` reads it) whose values fall
    /// in the given classes. Inputs that are not asked are left out.
    pub fn witness_record(&self, guideline: &Guideline, assignment: &[Class]) -> Json {
        let mut record = Map::new();
        for (input, vars) in guideline.inputs.iter().zip(&self.inputs) {
            let classes: Vec<Class> = vars
                .vars
                .iter()
                .map(|v| assignment.get(*v as usize).copied().unwrap_or(0))
                .collect();
            if vars.absent.is_some_and(|absent| classes.contains(&absent)) {
                continue;
            }
            if vars
                .unknown
                .is_some_and(|unknown| classes.contains(&unknown))
            {
                record.insert(input.id.clone(), Json::String("unknown".to_owned()));
                continue;
            }
            let first = classes.first().copied().unwrap_or(0);
            let value = match &input.ty {
                Type::YesNo => Json::Bool(first == 1),
                Type::OneOf(values) => {
                    Json::String(values.get(first as usize).cloned().unwrap_or_default())
                }
                Type::AnyOf(members) => Json::Array(
                    members
                        .iter()
                        .zip(&classes)
                        .filter(|(_, c)| **c == 1)
                        .map(|(m, _)| Json::String(m.clone()))
                        .collect(),
                ),
                Type::Number {
                    unit, molar_mass, ..
                } => {
                    let value = vars.numbers.as_ref().and_then(|n| n.witness(first));
                    // A class without a value (no whole number in it) has
                    // no patient: the field is left out, never `null`.
                    let Some(value) = value else { continue };
                    match witness_number(value, unit.as_ref(), *molar_mass) {
                        Some(json) => json,
                        None => continue,
                    }
                }
            };
            record.insert(input.id.clone(), value);
        }
        Json::Object(record)
    }
}

/// A number of a witness record as `eval` reads it back, exactly: a JSON
/// number in the input's unit where that is a short decimal, otherwise a
/// text with the unit in which it is one (`"0.3 mg/dL"` for the point
/// 18750/707 of an input in µmol/L with creatinine's molar mass). Only a
/// value that no unit writes as a short decimal is written as its fraction
/// text, which a record cannot give.
fn witness_number(
    value: Rational,
    unit: Option<&Unit>,
    molar_mass: Option<Rational>,
) -> Option<Json> {
    if value.exact_decimal_places(MAX_WITNESS_DECIMALS).is_none() {
        if let Some((converted, other)) = unit.and_then(|unit| {
            Unit::exact_decimal_in_some_unit(value, unit, molar_mass, MAX_WITNESS_DECIMALS)
        }) {
            return Some(Json::String(format!(
                "{converted} {}",
                other.word_for(converted)
            )));
        }
    }
    serde_json::to_value(value).ok()
}

/// Decimals a witness number is written with (as `Rational`'s display).
const MAX_WITNESS_DECIMALS: u32 = 6;
