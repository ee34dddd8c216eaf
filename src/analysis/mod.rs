//! Findings about every possible patient, as diagnostics. The exact work is
//! done by `logic::analyse` on the lowered problem; this layer names the
//! rules, points at the source, turns witnesses into patient records and
//! confirms each one with the evaluator before it is reported.
//!
//! One file per finding: `conflict.rs`, `unreachable.rs`, `shadowed.rs`,
//! `redundant.rs`, `requirement.rs`, `incomplete.rs`, and [`compare`] for
//! two guidelines checked together.

pub mod compare;
mod conflict;
mod incomplete;
mod redundant;
mod requirement;
mod shadowed;
mod unreachable;

use crate::check::CheckedFile;
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::{Evaluation, evaluate};
use crate::logic::analyse::{AnalysisOptions, Finding, analyse};
use crate::logic::problem::{Class, Outcome};
use crate::model::Guideline;
use crate::model::lower::Lowering;
use crate::model::record::read_record;
use crate::source::{Sources, Span};
use serde_json::Value as Json;

/// What the analyses need of one checked file.
pub struct Context<'a> {
    pub guideline: &'a Guideline,
    pub lowering: &'a Lowering,
    pub sources: &'a Sources,
}

/// A witness after the evaluator confirmed it: the record as JSON, what the
/// evaluator made of it, and the reference outcome on its classes.
pub struct Witness {
    pub record: Json,
    pub evaluation: Evaluation,
    pub outcome: Outcome,
}

impl Context<'_> {
    /// Turns a class assignment into a complete patient record, reads it back
    /// like `leidraad eval` does and evaluates it. `None` when any step
    /// disagrees, which would be a bug: the caller then reports the finding
    /// as unconfirmed instead of claiming it.
    pub fn witness(&self, assignment: &[Class]) -> Option<Witness> {
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

    /// Moves a witness towards ordinary values while `shows` (the finding,
    /// checked on the reference outcome) still holds: a number input is
    /// moved off the ends of its range and off the exact thresholds, into
    /// the open interval nearest the middle of its classes. The analyses
    /// find the lowest classes first, which read as a newborn or a pain of
    /// zero weeks; an editor trusts an example that looks like a patient.
    pub fn typical(
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
        if !holds(&current) {
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
            for candidate in preferred {
                if candidate == now {
                    break;
                }
                let mut moved = current.clone();
                if let Some(cell) = moved.get_mut(var as usize) {
                    *cell = candidate;
                }
                if holds(&moved) {
                    current = moved;
                    break;
                }
            }
        }
        current
    }

    /// The first line of a statement's span: enough to point at a
    /// requirement without underlining all of it.
    pub fn first_line(&self, span: Span) -> Span {
        let text = self.sources.slice(span);
        match text.find(['\r', '\n']) {
            Some(end) => Span::new(span.file, span.start as usize, span.start as usize + end),
            None => span,
        }
    }

    pub fn rule_name(&self, rule: usize) -> String {
        self.guideline
            .rules
            .get(rule)
            .map_or_else(|| format!("#{rule}"), |r| format!("`{}`", r.id))
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
pub fn analyse_file(
    sources: &Sources,
    checked: &CheckedFile,
    options: &AnalysisOptions,
) -> Vec<Diagnostic> {
    let Some(lowering) = &checked.lowering else {
        return Vec::new();
    };
    let context = Context {
        guideline: &checked.guideline,
        lowering,
        sources,
    };
    let analysis = analyse(&lowering.problem, options);
    let mut diagnostics = Vec::new();
    for finding in &analysis.findings {
        let diagnostic = match finding {
            Finding::Conflict {
                rules,
                target,
                witness,
            } => conflict::diagnostic(&context, *rules, *target, witness),
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
