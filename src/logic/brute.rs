//! The brute-force reference for [`analyse`](super::analyse::analyse): every
//! finding computed by enumerating all class combinations and evaluating
//! each with [`Problem::outcome_complete`], nothing else.
//!
//! This is the oracle of the exactness property test
//! (`tests/it/logic_exact.rs`), so it is written to be obviously right rather
//! than fast: it is exponential in the number of variables and only meant
//! for small problems (see [`brute_force`]'s limit).
//!
//! # Definitions (the same as the analyser's)
//! A *patient* is a complete assignment that satisfies every assumption.
//! For one patient, the *final actions* are `outcome.actions`; the *resolved*
//! actions of a fired rule are its final actions plus its dropped ones; the
//! *content* of an action is its kind, target, urgency and `instead`.
//! - `Conflict { rules: (a, b), targets: (ta, tb) }`, `a <= b`: for some
//!   patient two different final actions, one of `a` on `ta` and one of `b`
//!   on `tb`, clash ([`ResolvedAction::clashes_with`](super::problem::ResolvedAction::clashes_with):
//!   on one target, or on two targets the problem says exclude each
//!   other). A rule that overrides the other can never be part of one: the
//!   overriding rule drops the clashing action first.
//! - `Unreachable { rule }`: no patient fires the rule.
//! - `Shadowed { rule }`: the rule is reachable, has at least one action,
//!   and no patient that fires it keeps any of its actions (so every such
//!   patient also fires a rule that overrides it and drops them all).
//! - `Redundant { rule: r, by }`: `r` is reachable and not shadowed, and for
//!   each `s` in `by` and every patient that fires `r` ([`Problem::covers`]): `s`
//!   fires too, every final action of `r` has a final action of `s` with the
//!   same content, and every action `r` drops is dropped by `s` as well. So
//!   `s` does everything `r` does and deleting `r` changes no patient's
//!   advice. When `r` and `s` cover each other (both reachable and not
//!   shadowed) only the higher index is reported: `s` is left out of `r`'s
//!   `by` when `r < s`.
//! - `RequirementFailed`: some patient satisfies the requirement's `when`
//!   and its final actions do not satisfy its demand; otherwise
//!   `RequirementProved` (also when no patient satisfies `when`).
//!
//! Every witness is the first patient with the property in lexicographic
//! order (variable 0 most significant); a shadowed rule's `by` are the rules
//! that drop its actions for that patient (as `outcome.dropped` names them).

use std::collections::BTreeMap;

use super::finding::Finding;
use super::problem::{Class, Problem, RuleId, Target};

/// The number of complete assignments of the problem (`None` on overflow).
pub fn assignment_count(problem: &Problem) -> Option<u64> {
    problem
        .var_sizes
        .iter()
        .try_fold(1u64, |acc, &size| acc.checked_mul(u64::from(size)))
}

/// Every complete assignment in lexicographic order, variable 0 most
/// significant. A problem without variables has one (empty) assignment; a
/// variable without classes leaves none.
#[derive(Clone, Debug)]
pub struct Assignments {
    sizes: Vec<u32>,
    next: Option<Vec<Class>>,
}

impl Assignments {
    pub fn new(var_sizes: &[u32]) -> Assignments {
        let first = var_sizes
            .iter()
            .all(|&size| size > 0)
            .then(|| vec![0; var_sizes.len()]);
        Assignments {
            sizes: var_sizes.to_vec(),
            next: first,
        }
    }
}

impl Iterator for Assignments {
    type Item = Vec<Class>;

    fn next(&mut self) -> Option<Vec<Class>> {
        let current = self.next.take()?;
        // Odometer: bump the last variable, carry to the left.
        let mut following = current.clone();
        let mut carried_out = true;
        for (slot, &size) in following.iter_mut().zip(&self.sizes).rev() {
            if *slot + 1 < size {
                *slot += 1;
                carried_out = false;
                break;
            }
            *slot = 0;
        }
        if !carried_out {
            self.next = Some(following);
        }
        Some(current)
    }
}

/// Every finding of the problem by enumeration, sorted like the analyser's
/// findings, or `None` when the problem has more than `max_assignments`
/// class combinations.
pub fn brute_force(problem: &Problem, max_assignments: u64) -> Option<Vec<Finding>> {
    if assignment_count(problem)? > max_assignments {
        return None;
    }
    let rules = problem.rules.len();
    type ConflictKey = ((RuleId, RuleId), (Target, Target));
    let mut conflicts: BTreeMap<ConflictKey, Vec<Class>> = BTreeMap::new();
    // First patient firing each rule.
    let mut first_firing: Vec<Option<Vec<Class>>> = vec![None; rules];
    // Whether some patient keeps a final action of the rule.
    let mut keeps_action = vec![false; rules];
    // covered[r][s]: `covers(r, s)` for every patient seen so far that
    // fires `r` (`None` before the first one).
    let mut covered: Vec<Option<Vec<bool>>> = vec![None; rules];
    let mut failed: Vec<Option<Vec<Class>>> = vec![None; problem.requirements.len()];

    for assignment in Assignments::new(&problem.var_sizes) {
        let Some(outcome) = problem.outcome_complete(&assignment) else {
            continue;
        };
        for &rule in &outcome.fired {
            if let Some(slot @ None) = first_firing.get_mut(rule) {
                *slot = Some(assignment.clone());
            }
        }
        for action in &outcome.actions {
            if let Some(keeps) = keeps_action.get_mut(action.rule) {
                *keeps = true;
            }
        }
        for (i, x) in outcome.actions.iter().enumerate() {
            for y in outcome.actions.iter().skip(i + 1) {
                if x.clashes_with(y, problem) {
                    let key = Finding::conflict_key((x.rule, x.target), (y.rule, y.target));
                    conflicts.entry(key).or_insert_with(|| assignment.clone());
                }
            }
        }
        for &r in &outcome.fired {
            let Some(row) = covered.get_mut(r) else {
                continue;
            };
            let row = row.get_or_insert_with(|| vec![true; rules]);
            for (s, still) in row.iter_mut().enumerate() {
                if *still {
                    *still = problem.covers(&outcome, r, s);
                }
            }
        }
        for (index, requirement) in problem.requirements.iter().enumerate() {
            if let Some(slot @ None) = failed.get_mut(index) {
                if requirement.when.holds(&assignment) && !requirement.then.holds(&outcome.actions)
                {
                    *slot = Some(assignment.clone());
                }
            }
        }
    }

    let mut findings = Vec::new();
    for ((rules, targets), witness) in conflicts {
        findings.push(Finding::Conflict {
            rules,
            targets,
            witness,
        });
    }
    // Reachable and not shadowed.
    let mut live = vec![false; rules];
    for (rule, first) in first_firing.iter().enumerate() {
        let Some(witness) = first else {
            findings.push(Finding::Unreachable { rule });
            continue;
        };
        let has_actions = problem
            .rules
            .get(rule)
            .is_some_and(|r| !r.actions.is_empty());
        let kept = keeps_action.get(rule).copied().unwrap_or(false);
        if has_actions && !kept {
            let mut by: Vec<RuleId> = problem
                .outcome_complete(witness)
                .map(|outcome| {
                    outcome
                        .dropped
                        .iter()
                        .filter(|(action, _)| action.rule == rule)
                        .map(|&(_, by)| by)
                        .collect()
                })
                .unwrap_or_default();
            by.sort_unstable();
            by.dedup();
            findings.push(Finding::Shadowed {
                rule,
                by,
                witness: witness.clone(),
            });
        } else if let Some(slot) = live.get_mut(rule) {
            *slot = true;
        }
    }
    let redundant_to = |r: RuleId, s: RuleId| -> bool {
        live.get(r).copied().unwrap_or(false)
            && covered
                .get(r)
                .and_then(|row| row.as_ref())
                .and_then(|row| row.get(s))
                .copied()
                .unwrap_or(false)
    };
    for r in 0..rules {
        let by: Vec<RuleId> = (0..rules)
            .filter(|&s| redundant_to(r, s) && !(r < s && redundant_to(s, r)))
            .collect();
        if by.is_empty() {
            continue;
        }
        if let Some(Some(witness)) = first_firing.get(r) {
            findings.push(Finding::Redundant {
                rule: r,
                by,
                witness: witness.clone(),
            });
        }
    }
    for (requirement, witness) in failed.into_iter().enumerate() {
        findings.push(match witness {
            Some(witness) => Finding::RequirementFailed {
                requirement,
                witness,
            },
            None => Finding::RequirementProved { requirement },
        });
    }
    findings.sort();
    Some(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::problem::{Action, ActionKind, Formula, Rule};

    #[test]
    fn assignments_are_lexicographic_and_complete() {
        let all: Vec<Vec<Class>> = Assignments::new(&[2, 3]).collect();
        assert_eq!(
            all,
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(Assignments::new(&[]).count(), 1);
        assert_eq!(Assignments::new(&[2, 0, 3]).count(), 0);
    }

    fn action(kind: ActionKind, target: Target) -> Action {
        Action {
            kind,
            target,
            urgency: None,
            alternatives: Vec::new(),
            instead: None,
        }
    }

    #[test]
    fn small_problem_by_hand() {
        // Variable 0 has 3 classes. Rule 0 orders 0 on class 0..=1, rule 1
        // avoids 0 on class 1..=2, rule 2 orders 0 on class 0 (redundant to
        // rule 0), rule 3 never fires, rule 4 orders 1 and is overridden by
        // rule 5 (avoid 1) everywhere.
        let when = |classes: Vec<Class>| Formula::In { var: 0, classes };
        let problem = Problem {
            var_sizes: vec![3],
            assumptions: Vec::new(),
            rules: vec![
                Rule {
                    when: when(vec![0, 1]),
                    actions: vec![action(ActionKind::Order, 0)],
                    overrides: Vec::new(),
                },
                Rule {
                    when: when(vec![1, 2]),
                    actions: vec![action(ActionKind::Avoid, 0)],
                    overrides: Vec::new(),
                },
                Rule {
                    when: when(vec![0]),
                    actions: vec![action(ActionKind::Order, 0)],
                    overrides: Vec::new(),
                },
                Rule {
                    when: Formula::False,
                    actions: Vec::new(),
                    overrides: Vec::new(),
                },
                Rule {
                    when: Formula::True,
                    actions: vec![action(ActionKind::Order, 1)],
                    overrides: Vec::new(),
                },
                Rule {
                    when: Formula::True,
                    actions: vec![action(ActionKind::Avoid, 1)],
                    overrides: vec![4],
                },
            ],
            requirements: Vec::new(),
            exclusive: Vec::new(),
        };
        let findings = brute_force(&problem, 100).unwrap();
        assert_eq!(
            findings,
            vec![
                Finding::Conflict {
                    rules: (0, 1),
                    targets: (0, 0),
                    witness: vec![1]
                },
                Finding::Unreachable { rule: 3 },
                Finding::Shadowed {
                    rule: 4,
                    by: vec![5],
                    witness: vec![0]
                },
                Finding::Redundant {
                    rule: 2,
                    by: vec![0],
                    witness: vec![0]
                },
            ]
        );
        assert_eq!(brute_force(&problem, 2), None);
    }
}
