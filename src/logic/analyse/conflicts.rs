//! Two final actions on one target that clash.

use super::*;

impl Engine<'_> {
    pub(super) fn conflicts(&mut self) {
        let mut found: BTreeMap<(RuleId, RuleId, Target), Vec<Class>> = BTreeMap::new();
        let mut unknown: BTreeSet<(RuleId, RuleId, Target)> = BTreeSet::new();
        let groups: Vec<(Target, Vec<usize>)> = self
            .by_target
            .iter()
            .map(|(t, list)| (*t, list.clone()))
            .collect();
        for (target, group) in groups {
            // Instances that can never be final do not take part.
            let group: Vec<usize> = group
                .into_iter()
                .filter(|&x| {
                    let dead = self
                        .instances
                        .get(x)
                        .is_some_and(|i| i.present == Lazy::Built(FALSE))
                        || self
                            .instance_bbox(x)
                            .is_some_and(|b| self.layout.is_empty(b));
                    !dead
                })
                .collect();
            for (position, &x) in group.iter().enumerate() {
                for &y in group.get(position + 1..).unwrap_or(&[]) {
                    self.compare_pair(x, y, target, &mut found, &mut unknown);
                }
            }
        }
        for ((a, b, target), witness) in found {
            let part = self.part(&[a, b]);
            let confirmed = part
                .problem
                .outcome_complete(&witness)
                .zip(part.local(a).zip(part.local(b)))
                .is_some_and(|(outcome, (a, b))| final_conflict(&outcome.actions, a, b, target));
            if confirmed {
                self.findings.push(Finding::Conflict {
                    rules: (a, b),
                    target,
                    witness,
                });
            } else {
                self.unconfirmed(AnalysisKind::Conflicts, vec![a, b], None);
            }
            unknown.remove(&(a, b, target));
        }
        for (a, b, target) in unknown {
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
        target: Target,
        found: &mut BTreeMap<(RuleId, RuleId, Target), Vec<Class>>,
        unknown: &mut BTreeSet<(RuleId, RuleId, Target)>,
    ) {
        let (Some(ix), Some(iy)) = (self.instances.get(x), self.instances.get(y)) else {
            return;
        };
        if !kinds_clash((ix.kind, ix.urgency), (iy.kind, iy.urgency)) {
            return;
        }
        let key = (ix.rule.min(iy.rule), ix.rule.max(iy.rule), target);
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

/// Whether the final actions contain two different actions of rules `a`
/// and `b` on `target` that clash.
fn final_conflict(actions: &[ResolvedAction], a: RuleId, b: RuleId, target: Target) -> bool {
    actions.iter().enumerate().any(|(i, x)| {
        actions.iter().enumerate().any(|(j, y)| {
            i != j && x.rule == a && y.rule == b && x.target == target && x.clashes_with(y)
        })
    })
}
