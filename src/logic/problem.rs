//! The abstract finite-domain problem every analysis, the decision diagram
//! and the reference evaluator work on, and its reference semantics.
//!
//! The language front end lowers a checked guideline to a [`Problem`]: every
//! input becomes one or more variables with a finite number of value classes
//! (yes/no: 2; one of: one class per value, plus "not asked" where the input
//! has an `asked when`; any of: one yes/no variable per member; number: the
//! declared range cut at every threshold the guideline uses). Conditions
//! become [`Formula`]s over `(variable, set of classes)` atoms.
//!
//! A *patient* is an assignment of one class to every variable that satisfies
//! every assumption. [`Problem::outcome`] is the meaning of a guideline for
//! one patient; everything else (analyses, the compiled diagram) must agree
//! with it.

use serde::{Deserialize, Serialize};

/// Index of a variable in [`Problem::var_sizes`].
pub type Var = u32;
/// Index of a value class of one variable, `0..var_sizes[var]`.
pub type Class = u32;
/// Index of a catalogue target.
pub type Target = u32;
/// Index of a rule in [`Problem::rules`].
pub type RuleId = usize;

/// A condition over value classes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Formula {
    True,
    False,
    /// The variable's class is one of `classes` (sorted, without duplicates).
    In {
        var: Var,
        classes: Vec<Class>,
    },
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
}

impl Formula {
    /// Evaluates the formula with Kleene three-valued logic: `None` in the
    /// assignment means "unknown", and the result is `None` only when the
    /// unknown variables matter.
    pub fn eval(&self, assignment: &[Option<Class>]) -> Option<bool> {
        match self {
            Formula::True => Some(true),
            Formula::False => Some(false),
            Formula::In { var, classes } => {
                let value = assignment.get(*var as usize).copied().flatten()?;
                Some(classes.binary_search(&value).is_ok())
            }
            Formula::Not(inner) => inner.eval(assignment).map(|b| !b),
            Formula::And(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.eval(assignment) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => unknown = true,
                    }
                }
                if unknown { None } else { Some(true) }
            }
            Formula::Or(parts) => {
                let mut unknown = false;
                for part in parts {
                    match part.eval(assignment) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
                if unknown { None } else { Some(false) }
            }
        }
    }

    /// Evaluates the formula on a complete assignment.
    pub fn holds(&self, assignment: &[Class]) -> bool {
        match self {
            Formula::True => true,
            Formula::False => false,
            Formula::In { var, classes } => assignment
                .get(*var as usize)
                .is_some_and(|value| classes.binary_search(value).is_ok()),
            Formula::Not(inner) => !inner.holds(assignment),
            Formula::And(parts) => parts.iter().all(|p| p.holds(assignment)),
            Formula::Or(parts) => parts.iter().any(|p| p.holds(assignment)),
        }
    }

    /// Adds every variable the formula mentions to `out`.
    pub fn collect_vars(&self, out: &mut Vec<Var>) {
        match self {
            Formula::True | Formula::False => {}
            Formula::In { var, .. } => out.push(*var),
            Formula::Not(inner) => inner.collect_vars(out),
            Formula::And(parts) | Formula::Or(parts) => {
                for part in parts {
                    part.collect_vars(out);
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Order,
    Refer,
    Avoid,
}

/// Urgency, most urgent first so that `min` is the most urgent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    SameDay,
    Urgent,
    Routine,
}

/// One action as written in a rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    pub target: Target,
    pub urgency: Option<Urgency>,
    /// `alternative TARGET when CONDITION`, tried in order; the first whose
    /// condition holds replaces `target`. Only for `order` and `refer`.
    pub alternatives: Vec<(Formula, Target)>,
    /// `avoid X instead Y`: the advice `Y`. Only for `avoid`; not an order.
    pub instead: Option<Target>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub when: Formula,
    pub actions: Vec<Action>,
    /// Rules this rule overrides (never itself; the front end checks that).
    pub overrides: Vec<RuleId>,
}

/// What a requirement or a case demands of the final actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Demand {
    And(Vec<Demand>),
    Or(Vec<Demand>),
    Not(Box<Demand>),
    /// Some final action has this kind (any kind when `None`), a target in
    /// `targets` (any target when `None`) and, when given, this urgency.
    Has {
        kind: Option<ActionKind>,
        targets: Option<Vec<Target>>,
        urgency: Option<Urgency>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub when: Formula,
    pub then: Demand,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `var_sizes[v]` is the number of classes of variable `v` (at least 1).
    pub var_sizes: Vec<u32>,
    pub assumptions: Vec<Formula>,
    pub rules: Vec<Rule>,
    pub requirements: Vec<Requirement>,
}

/// An action after alternatives were resolved for one patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResolvedAction {
    pub rule: RuleId,
    /// Index of the action within its rule.
    pub action: usize,
    pub kind: ActionKind,
    pub target: Target,
    pub urgency: Option<Urgency>,
    /// Which alternative replaced the primary target, if any.
    pub alternative: Option<usize>,
    pub instead: Option<Target>,
}

impl ResolvedAction {
    /// Two actions clash when they name the same target and one avoids what
    /// the other orders or refers, or both order/refer it with different
    /// explicit urgencies.
    pub fn clashes_with(&self, other: &ResolvedAction) -> bool {
        if self.target != other.target {
            return false;
        }
        let self_avoids = self.kind == ActionKind::Avoid;
        let other_avoids = other.kind == ActionKind::Avoid;
        if self_avoids != other_avoids {
            return true;
        }
        if !self_avoids {
            if let (Some(a), Some(b)) = (self.urgency, other.urgency) {
                return a != b;
            }
        }
        false
    }
}

/// The meaning of a guideline for one patient.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Rules whose `when` holds, in rule order.
    pub fired: Vec<RuleId>,
    /// Surviving actions, in rule order then action order.
    pub actions: Vec<ResolvedAction>,
    /// Actions dropped because an overriding rule fired with a clashing
    /// action: `(dropped, by_rule)`.
    pub dropped: Vec<(ResolvedAction, RuleId)>,
}

/// Why an outcome could not be computed for a partial assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeError {
    /// The assignment violates assumption `index`.
    Assumption(usize),
    /// The result depends on these unknown variables (sorted, deduplicated).
    Unknown(Vec<Var>),
}

impl Problem {
    /// Resolves the actions of one rule for a patient, or reports that an
    /// alternative's condition is unknown.
    fn resolve_actions(
        &self,
        rule_id: RuleId,
        assignment: &[Option<Class>],
        unknown: &mut Vec<Var>,
    ) -> Vec<ResolvedAction> {
        let Some(rule) = self.rules.get(rule_id) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(rule.actions.len());
        for (index, action) in rule.actions.iter().enumerate() {
            let mut target = action.target;
            let mut alternative = None;
            for (alt_index, (condition, alt_target)) in action.alternatives.iter().enumerate() {
                match condition.eval(assignment) {
                    Some(true) => {
                        target = *alt_target;
                        alternative = Some(alt_index);
                        break;
                    }
                    Some(false) => {}
                    None => {
                        condition.collect_vars(unknown);
                        break;
                    }
                }
            }
            out.push(ResolvedAction {
                rule: rule_id,
                action: index,
                kind: action.kind,
                target,
                urgency: action.urgency,
                alternative,
                instead: action.instead,
            });
        }
        out
    }

    /// The reference semantics, rule by rule, on a possibly partial
    /// assignment (`None` = the record lacks that value).
    ///
    /// 1. The patient must not contradict an assumption (one that the
    ///    partial assignment leaves undecided is fine).
    /// 2. A rule fires when its `when` holds.
    /// 3. Each action of a fired rule resolves its alternatives.
    /// 4. A resolved action of rule `b` is dropped when a fired rule `a`
    ///    with `b` in `a.overrides` has a resolved action that clashes with
    ///    it (`a`'s actions before any dropping count).
    /// 5. The rest are the final actions.
    pub fn outcome(&self, assignment: &[Option<Class>]) -> Result<Outcome, OutcomeError> {
        // An assumption the record does not decide does not block it: the
        // missing values are simply those that satisfy it. Only a record
        // that certainly contradicts an assumption is rejected.
        for (index, assumption) in self.assumptions.iter().enumerate() {
            if assumption.eval(assignment) == Some(false) {
                return Err(OutcomeError::Assumption(index));
            }
        }
        let mut unknown: Vec<Var> = Vec::new();
        let mut fired = Vec::new();
        for (rule_id, rule) in self.rules.iter().enumerate() {
            match rule.when.eval(assignment) {
                Some(true) => fired.push(rule_id),
                Some(false) => {}
                None => rule.when.collect_vars(&mut unknown),
            }
        }
        let mut resolved: Vec<Vec<ResolvedAction>> = Vec::with_capacity(fired.len());
        for &rule_id in &fired {
            resolved.push(self.resolve_actions(rule_id, assignment, &mut unknown));
        }
        if !unknown.is_empty() {
            // Only variables that are actually unknown matter.
            unknown.retain(|v| assignment.get(*v as usize).copied().flatten().is_none());
            unknown.sort_unstable();
            unknown.dedup();
            if !unknown.is_empty() {
                return Err(OutcomeError::Unknown(unknown));
            }
        }
        let mut outcome = Outcome {
            fired: fired.clone(),
            ..Outcome::default()
        };
        for (position, &rule_id) in fired.iter().enumerate() {
            let Some(actions) = resolved.get(position) else {
                continue;
            };
            for action in actions {
                let dropped_by = fired
                    .iter()
                    .zip(&resolved)
                    .find_map(|(&other, other_actions)| {
                        let overrides = self
                            .rules
                            .get(other)
                            .is_some_and(|r| other != rule_id && r.overrides.contains(&rule_id));
                        (overrides && other_actions.iter().any(|o| o.clashes_with(action)))
                            .then_some(other)
                    });
                match dropped_by {
                    Some(by) => outcome.dropped.push((*action, by)),
                    None => outcome.actions.push(*action),
                }
            }
        }
        Ok(outcome)
    }

    /// The outcome for a complete assignment that satisfies the assumptions,
    /// or `None` when it violates one.
    pub fn outcome_complete(&self, assignment: &[Class]) -> Option<Outcome> {
        let partial: Vec<Option<Class>> = assignment.iter().map(|&c| Some(c)).collect();
        self.outcome(&partial).ok()
    }
}

impl Demand {
    /// Whether the final actions satisfy the demand.
    pub fn holds(&self, actions: &[ResolvedAction]) -> bool {
        match self {
            Demand::And(parts) => parts.iter().all(|p| p.holds(actions)),
            Demand::Or(parts) => parts.iter().any(|p| p.holds(actions)),
            Demand::Not(inner) => !inner.holds(actions),
            Demand::Has {
                kind,
                targets,
                urgency,
            } => actions.iter().any(|a| {
                kind.is_none_or(|k| k == a.kind)
                    && targets.as_ref().is_none_or(|t| t.contains(&a.target))
                    && urgency.is_none_or(|u| Some(u) == a.urgency)
            }),
        }
    }
}
