//! Requirement verdicts.

use super::*;

impl Engine<'_> {
    pub(super) fn requirements(&mut self) {
        let problem = self.problem;
        for (index, requirement) in problem.requirements.iter().enumerate() {
            let violation = self.assume_node().and_then(|assume| {
                let scope = self.attempt(|m| {
                    let when = m.from_formula(&requirement.when)?;
                    m.and(assume, when)
                })?;
                self.violation_node(scope, &requirement.then)
            });
            let Some(violation) = violation else {
                let reason = budget_reason(self.options.node_budget);
                self.incomplete(AnalysisKind::Requirements, Vec::new(), Some(index), reason);
                continue;
            };
            let Some(witness) = self.mdd.witness(violation) else {
                self.findings
                    .push(Finding::RequirementProved { requirement: index });
                continue;
            };
            let confirmed = problem.outcome_complete(&witness).is_some_and(|outcome| {
                requirement.when.holds(&witness) && !requirement.then.holds(&outcome.actions)
            });
            if confirmed {
                self.findings.push(Finding::RequirementFailed {
                    requirement: index,
                    witness,
                });
            } else {
                self.unconfirmed(AnalysisKind::Requirements, Vec::new(), Some(index));
            }
        }
    }

    /// The patients in `scope` whose final actions do not satisfy the
    /// demand. Equal to `scope ∧ ¬demand_node(demand)`, but built by
    /// narrowing `scope` one rule at a time where the demand allows it, so
    /// that the union of every qualifying rule (which can be far larger
    /// than what is left uncovered) is never built, and the work stops as
    /// soon as nothing is left.
    pub(super) fn violation_node(&mut self, scope: NodeId, demand: &Demand) -> Option<NodeId> {
        if scope == FALSE {
            return Some(FALSE);
        }
        match demand {
            Demand::Has {
                kind,
                targets,
                urgency,
                sooner,
            } => {
                // Not satisfied: no qualifying final action is present.
                let mut uncovered = scope;
                // Rules that cover much first, so that the uncovered part
                // shrinks early (ties in instance order, for determinism).
                let mut matching: Vec<(f64, usize)> = self
                    .matching_instances(*kind, targets.as_deref(), (*urgency, *sooner))
                    .into_iter()
                    .map(|x| {
                        let volume = self
                            .instance_bbox(x)
                            .map_or(f64::INFINITY, |bits| self.layout.log_volume(bits));
                        (volume, x)
                    })
                    .collect();
                matching.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                let mut uncovered_box = self.node_box(uncovered);
                for (_, x) in matching {
                    if uncovered == FALSE {
                        break;
                    }
                    let touches = self
                        .instance_bbox(x)
                        .is_none_or(|bits| self.layout.intersects(bits, &uncovered_box));
                    if !touches {
                        continue;
                    }
                    let present = self.present_node(x)?;
                    let next = self.attempt(|m| m.and_not(uncovered, present))?;
                    if next != uncovered {
                        uncovered = next;
                        uncovered_box = self.node_box(uncovered);
                    }
                }
                Some(uncovered)
            }
            // Not all parts hold: some part fails.
            Demand::And(parts) => {
                let mut acc = FALSE;
                for part in parts {
                    let failing = self.violation_node(scope, part)?;
                    acc = self.attempt(|m| m.or(acc, failing))?;
                }
                Some(acc)
            }
            // No part holds: every part fails, one after the other.
            Demand::Or(parts) => {
                let mut uncovered = scope;
                for part in parts {
                    uncovered = self.violation_node(uncovered, part)?;
                }
                Some(uncovered)
            }
            Demand::Not(inner) => {
                let inner = self.demand_node(inner)?;
                self.attempt(|m| m.and(scope, inner))
            }
        }
    }

    /// The instances a `Has` demand counts, in instance order.
    pub(super) fn matching_instances(
        &self,
        kind: Option<ActionKind>,
        targets: Option<&[Target]>,
        (urgency, sooner): (Option<Urgency>, bool),
    ) -> Vec<usize> {
        let candidates: Vec<usize> = match targets {
            Some(list) => {
                let mut ids: Vec<usize> = list
                    .iter()
                    .filter_map(|t| self.by_target.get(t))
                    .flatten()
                    .copied()
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            }
            None => (0..self.instances.len()).collect(),
        };
        candidates
            .into_iter()
            .filter(|&x| {
                self.instances.get(x).is_some_and(|instance| {
                    kind.is_none_or(|k| k == instance.kind)
                        && Demand::urgency_met(urgency, sooner, instance.urgency)
                })
            })
            .collect()
    }

    /// The patients whose final actions satisfy the demand.
    pub(super) fn demand_node(&mut self, demand: &Demand) -> Option<NodeId> {
        match demand {
            Demand::Has {
                kind,
                targets,
                urgency,
                sooner,
            } => {
                let mut acc = FALSE;
                for x in self.matching_instances(*kind, targets.as_deref(), (*urgency, *sooner)) {
                    let node = self.present_node(x)?;
                    acc = self.attempt(|m| m.or(acc, node))?;
                }
                Some(acc)
            }
            Demand::Not(inner) => {
                let inner = self.demand_node(inner)?;
                self.attempt(|m| m.not(inner))
            }
            Demand::And(parts) => {
                let mut acc = TRUE;
                for part in parts {
                    let node = self.demand_node(part)?;
                    acc = self.attempt(|m| m.and(acc, node))?;
                }
                Some(acc)
            }
            Demand::Or(parts) => {
                let mut acc = FALSE;
                for part in parts {
                    let node = self.demand_node(part)?;
                    acc = self.attempt(|m| m.or(acc, node))?;
                }
                Some(acc)
            }
        }
    }
}
