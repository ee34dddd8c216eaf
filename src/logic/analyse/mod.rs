//! The exact analyser: conflicts, unreachable, shadowed and redundant rules,
//! and requirement verdicts over a [`Problem`], each finding with a witness
//! patient that is re-evaluated with [`Problem::outcome_complete`] before it
//! is reported (for a finding about rules, on the part of the guideline that
//! decides those rules' final actions: the rules, the rules overriding them
//! and, for redundancy, the rules they override).
//!
//! "Exact" is checked against a brute-force enumeration of every patient
//! (`logic::brute`) by the property test `tests/it/logic_exact.rs`.
//!
//! # Definitions
//! A *patient* is a complete assignment that satisfies every assumption.
//! Final actions, drops and clashes are those of [`Problem::outcome`].
//! - `Conflict { rules: (a, b), targets: (ta, tb) }` (`a <= b`, and
//!   `ta <= tb` when `a == b`): some patient has a final action of `a` on
//!   `ta` and a different final action of `b` on `tb` that clash
//!   ([`Problem::clash`]: on one target, `ta == tb`, or on two targets that
//!   exclude each other). One finding per rule pair and pair of targets.
//! - `Unreachable { rule }`: no patient fires the rule.
//! - `Shadowed { rule, by }`: the rule is reachable, has actions, and for
//!   every patient that fires it every one of its actions is dropped (so
//!   every such patient also fires a rule that overrides it, and none of its
//!   actions ever survives). `by` are the rules that drop them in the
//!   witness.
//! - `Redundant { rule, by }`: the rule `r` is reachable and not shadowed,
//!   and each `s` in `by` (`s != r`) does everything `r` does, for every
//!   patient that fires `r` ([`Problem::covers`]): `s` fires too, every
//!   final action of `r` comes with a final action of `s` with the same
//!   content (kind, target, urgency, `instead`), and every action that `r`
//!   drops `s` drops as well. Deleting `r` then changes no patient's advice.
//!   When `r` and `s` are redundant to each other only the higher index is
//!   reported (so `s` is left out of `r`'s `by` when `r < s`).
//! - `RequirementFailed` / `RequirementProved`: whether every patient
//!   satisfying the requirement's `when` has final actions satisfying its
//!   demand (vacuously proved when no patient satisfies `when`).
//! - `Incomplete`: an analysis could not be decided within the node budget
//!   (or the input is malformed); nothing is claimed for it.
//!
//! Every witness is the lexicographically smallest patient (variable 0 most
//! significant) with the property, so the output is canonical and equals
//! what a brute-force enumeration finds first.
//!
//! # Algorithm
//! Rules whose `when` (and the assumptions) are exactly boxes (conjunctions
//! of per-variable class sets) are handled with bitset boxes: overlap,
//! containment and the smallest witness are per-variable word operations.
//! Everything else goes through the decision diagram (`logic::mdd`), with a
//! bounding box of every diagram as a cheap pre-filter. Conflicts only
//! compare resolved actions on the same target or on two targets that
//! exclude each other (an index by target), and
//! redundancy only compares a rule with the rules that have every action
//! content the rule can give (an index by content); when their written
//! actions and overrides make it obvious, no diagram is built.
//!
//! # Layout
//! `engine.rs` holds the state every analysis shares and builds the boxes
//! (`boxes.rs`) and diagrams; one file per analysis: `reachability.rs`
//! (unreachable and shadowed rules), `conflicts.rs`, `redundancy.rs`,
//! `requirements.rs`. What they find is [`Finding`] (`logic/finding.rs`),
//! shared with the brute-force oracle.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use serde::Serialize;

pub use super::finding::{AnalysisKind, Finding};
use super::mdd::{FALSE, Mdd, MddError, NodeId, TRUE};
use super::problem::{
    Action, ActionKind, Class, Content, Demand, Formula, Problem, ResolvedAction, Rule, RuleId,
    Said, Target, Urgency,
};

mod boxes;
mod conflicts;
mod engine;
mod reachability;
mod redundancy;
mod requirements;

use boxes::*;
use engine::*;

/// What to analyse and with how many decision-diagram nodes at most.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalysisOptions {
    /// Most nodes the decision diagram may hold at once.
    pub node_budget: usize,
    pub conflicts: bool,
    pub reachability: bool,
    pub shadowing: bool,
    pub redundancy: bool,
    pub requirements: bool,
    /// Use bitset boxes for box-shaped rules; `false` sends everything
    /// through the decision diagram (for testing the general path).
    pub box_fast_path: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            node_budget: 2_000_000,
            conflicts: true,
            reachability: true,
            shadowing: true,
            redundancy: true,
            requirements: true,
            box_fast_path: true,
        }
    }
}

/// Counters that say how the analysis went; deterministic.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AnalysisStats {
    /// Rules whose firing condition is an exact box.
    pub box_rules: usize,
    /// Rules whose firing condition needed the decision diagram.
    pub diagram_rules: usize,
    /// Pairs of resolved actions whose boxes were compared.
    pub pairs_compared: usize,
    /// Pairs that needed the decision diagram.
    pub diagram_pairs: usize,
    /// Decision-diagram nodes at the end.
    pub nodes: usize,
}

/// All findings, sorted (conflicts, unreachable, shadowed, redundant,
/// requirements, incomplete; each by rule or requirement index).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub stats: AnalysisStats,
}

/// Checks the preconditions the diagram relies on: variables in range and
/// class lists sorted without duplicates (what `Formula::holds` assumes).
pub fn validate(problem: &Problem) -> Result<(), String> {
    let vars = problem.var_sizes.len();
    let check = |formula: &Formula, what: &str| -> Result<(), String> {
        let mut stack = vec![formula];
        while let Some(f) = stack.pop() {
            match f {
                Formula::True | Formula::False => {}
                Formula::In { var, classes } => {
                    if *var as usize >= vars {
                        return Err(format!("{what} mentions variable {var} of {vars}"));
                    }
                    if classes.windows(2).any(|w| w.first() >= w.get(1)) {
                        return Err(format!("{what} has unsorted classes for variable {var}"));
                    }
                }
                Formula::Not(inner) => stack.push(inner),
                Formula::And(parts) | Formula::Or(parts) => stack.extend(parts.iter()),
                Formula::Sum(sum) => stack.extend(sum.terms.iter().flatten().map(|(f, _)| f)),
            }
        }
        Ok(())
    };
    for (index, assumption) in problem.assumptions.iter().enumerate() {
        check(assumption, &format!("assumption {index}"))?;
    }
    for (id, rule) in problem.rules.iter().enumerate() {
        check(&rule.when, &format!("rule {id}"))?;
        for action in &rule.actions {
            for (condition, _) in &action.alternatives {
                check(condition, &format!("an alternative of rule {id}"))?;
            }
        }
    }
    for (index, requirement) in problem.requirements.iter().enumerate() {
        check(&requirement.when, &format!("requirement {index}"))?;
    }
    Ok(())
}

fn budget_reason(budget: usize) -> String {
    let nodes = if budget == 1 { "node" } else { "nodes" };
    format!("the decision diagram reached its budget of {budget} {nodes}")
}

/// Analyses the problem exactly; see the module documentation for what
/// each finding means.
pub fn analyse(problem: &Problem, options: &AnalysisOptions) -> Analysis {
    if let Err(reason) = validate(problem) {
        return Analysis {
            findings: vec![Finding::Incomplete {
                analysis: AnalysisKind::Input,
                rules: Vec::new(),
                requirement: None,
                target: None,
                reason,
            }],
            stats: AnalysisStats::default(),
        };
    }
    let mut engine = Engine::new(problem, options);
    let status = engine.reachability();
    let status = engine.shadowing(status);
    if options.conflicts {
        engine.conflicts();
    }
    if options.redundancy {
        engine.redundancy(&status);
    }
    if options.requirements {
        engine.requirements();
    }
    engine.stats.nodes = engine.mdd.node_count();
    let mut findings = engine.findings;
    findings.sort();
    Analysis {
        findings,
        stats: engine.stats,
    }
}
