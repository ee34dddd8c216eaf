//! Two final actions that clash: on one target, or on two targets that
//! exclude each other.

use super::*;

/// The rules and targets of a conflict, as [`Finding::Conflict`] keeps them.
type ConflictKey = ((RuleId, RuleId), (Target, Target));

impl Engine<'_> {
    /// Whether instance `x` can be a final action for some patient.
    fn alive(&self, x: usize) -> bool {
        let dead = self
            .instances
            .get(x)
            .is_some_and(|i| i.present == Lazy::Built(FALSE))
            || self
                .instance_bbox(x)
                .is_some_and(|b| self.layout.is_empty(b));
        !dead
    }

    pub(super) fn conflicts(&mut self) {
        let mut found: BTreeMap<ConflictKey, Vec<Class>> = BTreeMap::new();
        let mut unknown: BTreeSet<ConflictKey> = BTreeSet::new();
        // Instances that can never be final do not take part.
        let groups: BTreeMap<Target, Vec<usize>> = self
            .by_target
            .iter()
            .map(|(t, list)| {
                (
                    *t,
                    list.iter().copied().filter(|&x| self.alive(x)).collect(),
                )
            })
            .collect();
        for group in groups.values() {
            for (position, &x) in group.iter().enumerate() {
                for &y in group.get(position + 1..).unwrap_or(&[]) {
                    self.compare_pair(x, y, &mut found, &mut unknown);
                }
            }
        }
        // Every action on one target of an exclusive pair against every
        // action on the other.
        let problem = self.problem;
        for &(first, second) in &problem.exclusive {
            let (Some(xs), Some(ys)) = (groups.get(&first), groups.get(&second)) else {
                continue;
            };
            for &x in xs {
                for &y in ys {
                    self.compare_pair(x, y, &mut found, &mut unknown);
                }
            }
        }
        for (((a, b), targets), witness) in found {
            let part = self.part(&[a, b]);
            let confirmed = part
                .problem
                .outcome_complete(&witness)
                .zip(part.local(a).zip(part.local(b)))
                .is_some_and(|(outcome, (a, b))| {
                    final_conflict(&part.problem, &outcome.actions, (a, b), targets)
                });
            if confirmed {
                self.findings.push(Finding::Conflict {
                    rules: (a, b),
                    targets,
                    witness,
                });
            } else {
                self.unconfirmed(AnalysisKind::Conflicts, vec![a, b], None);
            }
            unknown.remove(&((a, b), targets));
        }
        for ((a, b), (target, _)) in unknown {
            let rules = if a == b { vec![a] } else { vec![a, b] };
            self.findings.push(Finding::Incomplete {
                analysis: AnalysisKind::Conflicts,
                rules,
                requirement: None,
                target: Some(target),
                reason: budget_reason(self.options.node_budget),
            });
        }
    }

    pub(super) fn compare_pair(
        &mut self,
        x: usize,
        y: usize,
        found: &mut BTreeMap<ConflictKey, Vec<Class>>,
        unknown: &mut BTreeSet<ConflictKey>,
    ) {
        let (Some(ix), Some(iy)) = (self.instances.get(x), self.instances.get(y)) else {
            return;
        };
        if !self.problem.clash(ix.said(), iy.said()) {
            return;
        }
        let key = Finding::conflict_key((ix.rule, ix.target), (iy.rule, iy.target));
        self.stats.pairs_compared += 1;
        if let (Some(bx), Some(by)) = (self.instance_bbox(x), self.instance_bbox(y)) {
            if !self.layout.intersects(bx, by) {
                return;
            }
        }
        let witness = match (self.exact_box(x), self.exact_box(y)) {
            (Some(bx), Some(by)) => Some(self.layout.lexmin_of_both(bx, by)),
            _ => {
                self.stats.diagram_pairs += 1;
                let (Some(nx), Some(ny)) = (self.present_node(x), self.present_node(y)) else {
                    unknown.insert(key);
                    return;
                };
                self.mdd.witness_and(nx, ny)
            }
        };
        if let Some(witness) = witness {
            found
                .entry(key)
                .and_modify(|w| {
                    if witness < *w {
                        w.clone_from(&witness);
                    }
                })
                .or_insert(witness);
        }
    }
}

/// Whether the final actions contain two different actions, of rule `a` on
/// `targets.0` and of rule `b` on `targets.1`, that clash in `problem`.
fn final_conflict(
    problem: &Problem,
    actions: &[ResolvedAction],
    (a, b): (RuleId, RuleId),
    targets: (Target, Target),
) -> bool {
    actions.iter().enumerate().any(|(i, x)| {
        actions.iter().enumerate().any(|(j, y)| {
            i != j
                && (x.rule, x.target) == (a, targets.0)
                && (y.rule, y.target) == (b, targets.1)
                && x.clashes_with(y, problem)
        })
    })
}
