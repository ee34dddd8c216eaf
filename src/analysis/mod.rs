//! Findings about every possible patient, as diagnostics. The exact work is
//! done by `logic::analyse` on the lowered problem; this layer names the
//! rules, points at the source, turns witnesses into patient records and
//! confirms each one with the evaluator before it is reported.
//!
//! One file per finding: `conflict.rs`, `unreachable.rs`, `shadowed.rs`,
//! `redundant.rs`, `requirement.rs`, `incomplete.rs`, and [`compare`] for
//! two guidelines checked together.

pub(crate) mod compare;
mod conflict;
mod example;
mod incomplete;
mod redundant;
mod requirement;
mod shadowed;
mod unreachable;

use crate::diagnostics::Fact;
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::{Evaluation, evaluate};
use crate::logic::analyse::{AnalysisOptions, Finding, analyse};
use crate::logic::problem::{Class, Outcome};
use crate::model::Guideline;
use crate::model::lower::{Lowering, Valid};
use crate::model::record::read_record;
use crate::source::{Sources, Span};
use example::{FactsEngine, Shows};
use serde_json::Value as Json;
use std::cell::{Cell, RefCell};

/// What the analyses need of one checked file.
pub(crate) struct Context<'a> {
    pub guideline: &'a Guideline,
    pub lowering: &'a Lowering,
    pub sources: &'a Sources,
    /// What is left of [`TYPICAL_BUDGET`], in rule evaluations.
    typical_left: Cell<u64>,
    /// The diagrams that find the facts of example patients.
    facts: RefCell<Option<FactsEngine>>,
}

/// How many rule evaluations [`Context::typical`] may spend on one file
/// together. Moving example patients to ordinary values costs a pass over
/// the rules per number input and finding; with thousands of findings on
/// thousands of rules that is most of the checker's time. Past the budget,
/// findings keep the example the analyser found (still a real patient,
/// still confirmed by the evaluator), so the budget bounds the time without
/// changing what is claimed. Deterministic: it counts work, not seconds.
pub(crate) const TYPICAL_BUDGET: u64 = 4_000_000;

/// A witness after the evaluator confirmed it: the record as JSON, what the
/// evaluator made of it, and the reference outcome on its classes.
pub(crate) struct Witness {
    pub record: Json,
    pub evaluation: Evaluation,
    pub outcome: Outcome,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        guideline: &'a Guideline,
        lowering: &'a Lowering,
        sources: &'a Sources,
    ) -> Self {
        Context {
            guideline,
            lowering,
            sources,
            typical_left: Cell::new(TYPICAL_BUDGET),
            facts: RefCell::new(None),
        }
    }

    /// Takes `cost` rule evaluations from the budget of `typical`; false
    /// (and nothing taken) when not that much is left.
    fn spend(&self, cost: usize) -> bool {
        let cost = u64::try_from(cost).unwrap_or(u64::MAX);
        match self.typical_left.get().checked_sub(cost) {
            Some(left) => {
                self.typical_left.set(left);
                true
            }
            None => false,
        }
    }

    /// Turns a class assignment into a complete patient record, reads it back
    /// like `leidraad eval` does and evaluates it. `None` when any step
    /// disagrees, which would be a bug: the caller then reports the finding
    /// as unconfirmed instead of claiming it.
    pub(crate) fn witness(&self, assignment: &[Class]) -> Option<Witness> {
        let record = self.lowering.witness_record(self.guideline, assignment);
        let read = read_record(self.guideline, &record).ok()?;
        let evaluation = evaluate(self.guideline, self.lowering, &read.values).ok()?;
        let (slots, _) = self.guideline.complete(&read.values);
        let classes = self.lowering.assignment(&slots);
        // The record must land in exactly the classes of the witness.
        if classes
            .iter()
            .zip(assignment)
            .any(|(got, want)| *got != Some(*want))
        {
            return None;
        }
        let outcome = self.lowering.problem.outcome(&classes).ok()?;
        Some(Witness {
            record,
            evaluation,
            outcome,
        })
    }

    /// The example patient of a finding: the facts of `witness` that
    /// matter ([`Context::example`]) and a plausible patient with them,
    /// confirmed by the evaluator. When the facts cannot be narrowed (a
    /// budget), the witness is moved to ordinary values as far as the
    /// finding allows and shown whole. `None` when the evaluator does not
    /// confirm the patient.
    pub(crate) fn confirmed_example(
        &self,
        witness: &[Class],
        finding: &Shows<'_>,
    ) -> Option<(Witness, Option<Vec<Fact>>)> {
        let example = self.example(witness, finding);
        if example.facts.is_some() {
            return self.witness(&example.classes).map(|w| (w, example.facts));
        }
        let typical = self.typical(witness, |classes, outcome| {
            let partial: Vec<Option<Class>> = classes.iter().map(|c| Some(*c)).collect();
            finding
                .premises
                .iter()
                .all(|p| p.eval(&partial) == Some(true))
                && (finding.shows)(outcome)
        });
        self.witness(&typical).map(|w| (w, None))
    }

    /// Moves a witness towards ordinary values while `shows` (the finding,
    /// checked on the reference outcome) still holds: a number input is
    /// moved off the ends of its range and off the exact thresholds, into
    /// the open interval nearest the middle of its classes. The analyses
    /// find the lowest classes first, which read as a newborn or a pain of
    /// zero weeks; an editor trusts an example that looks like a patient.
    pub(crate) fn typical(
        &self,
        witness: &[Class],
        shows: impl Fn(&[Class], &Outcome) -> bool,
    ) -> Vec<Class> {
        let problem = &self.lowering.problem;
        let holds = |classes: &[Class]| {
            let partial: Vec<Option<Class>> = classes.iter().map(|c| Some(*c)).collect();
            problem.outcome(&partial).is_ok_and(|o| shows(classes, &o))
        };
        let mut current = witness.to_vec();
        let rules = problem.rules.len().max(1);
        if !self.spend(rules) || !holds(&current) {
            return current;
        }
        for vars in &self.lowering.inputs {
            let (Some(numbers), Some(&var)) = (&vars.numbers, vars.vars.first()) else {
                continue;
            };
            let count = numbers.class_count();
            let Some(&now) = current.get(var as usize) else {
                continue;
            };
            if now >= count {
                // The "not asked" class.
                continue;
            }
            // Open intervals (odd classes) nearest the middle first.
            let middle = count / 2;
            let mut preferred: Vec<Class> = (0..count).filter(|c| c % 2 == 1).collect();
            preferred.sort_by_key(|c| c.abs_diff(middle));
            // All classes of this input at once: trying each candidate then
            // costs the rules that can fire, not every rule.
            if !self.spend(rules) {
                break;
            }
            let along = problem.outcome_along(&current, var);
            for candidate in preferred {
                if candidate == now {
                    break;
                }
                let Some(outcome) = along.at(candidate) else {
                    continue;
                };
                let mut moved = current.clone();
                if let Some(cell) = moved.get_mut(var as usize) {
                    *cell = candidate;
                }
                if shows(&moved, &outcome) {
                    current = moved;
                    break;
                }
            }
        }
        current
    }

    /// The first line of a statement's span: enough to point at a
    /// requirement without underlining all of it.
    pub(crate) fn first_line(&self, span: Span) -> Span {
        let text = self.sources.slice(span);
        match text.find(['\r', '\n']) {
            Some(end) => Span::new(span.file, span.start as usize, span.start as usize + end),
            None => span,
        }
    }

    pub(crate) fn rule_name(&self, rule: usize) -> String {
        self.guideline
            .rules
            .get(rule)
            .map_or_else(|| format!("#{rule}"), |r| format!("`{}`", r.id))
    }
}

/// Who a finding's note speaks of: every patient with the facts shown
/// when they were narrowed down (each such patient shows the finding), or
/// else the one example patient.
pub(crate) fn who(facts: Option<&[Fact]>) -> &'static str {
    if facts.is_some() {
        "every patient with the facts below"
    } else {
        "the example patient below"
    }
}

/// A finding whose witness the evaluator did not confirm. This is never
/// expected; it is reported rather than silently dropped or claimed.
fn unconfirmed(what: &str, span: crate::source::Span) -> Diagnostic {
    Diagnostic::new(
        Code::AnalysisIncomplete,
        format!("{what} could not be confirmed by evaluating its example patient"),
    )
    .with_primary(span, "here")
    .with_note("this is a bug in the checker; nothing is claimed about this rule")
}

/// Runs every analysis on a file that checked without errors.
pub(crate) fn analyse_file(
    sources: &Sources,
    valid: Valid<'_>,
    options: &AnalysisOptions,
) -> Vec<Diagnostic> {
    let Valid {
        guideline,
        lowering,
    } = valid;
    let context = Context::new(guideline, lowering, sources);
    let analysis = analyse(&lowering.problem, options);
    let mut diagnostics = Vec::new();
    for finding in &analysis.findings {
        let diagnostic = match finding {
            Finding::Conflict {
                rules,
                targets,
                witness,
            } => conflict::diagnostic(&context, *rules, *targets, witness),
            Finding::Unreachable { rule } => unreachable::diagnostic(&context, *rule),
            Finding::Shadowed { rule, by, witness } => {
                shadowed::diagnostic(&context, *rule, by, witness)
            }
            Finding::Redundant { rule, by, witness } => {
                redundant::diagnostic(&context, *rule, by, witness)
            }
            Finding::RequirementFailed {
                requirement,
                witness,
            } => requirement::failed(&context, *requirement, witness),
            Finding::RequirementProved { requirement } => {
                requirement::proved(&context, *requirement)
            }
            Finding::Incomplete {
                analysis,
                rules,
                requirement,
                target,
                reason,
            } => incomplete::diagnostic(&context, *analysis, rules, *requirement, *target, reason),
        };
        diagnostics.extend(diagnostic);
    }
    diagnostics
}
