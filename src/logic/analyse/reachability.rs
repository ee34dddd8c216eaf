//! Rules that never fire, and rules whose actions are always dropped.

use super::*;

impl Engine<'_> {
    pub(super) fn reachability(&mut self) -> Vec<Status> {
        let mut status = Vec::with_capacity(self.problem.rules.len());
        for rule in 0..self.problem.rules.len() {
            let Some(fires) = self.fires.get(rule) else {
                status.push(Status::Unknown);
                continue;
            };
            let reachable = if fires.exact {
                Some(!self.layout.is_empty(&fires.bbox))
            } else {
                match fires.node {
                    Lazy::Built(node) => Some(node != FALSE),
                    _ => None,
                }
            };
            match reachable {
                Some(true) => status.push(Status::Live),
                Some(false) => {
                    status.push(Status::Unreachable);
                    if self.options.reachability {
                        self.findings.push(Finding::Unreachable { rule });
                    }
                }
                None => {
                    status.push(Status::Unknown);
                    if self.options.reachability {
                        let reason = budget_reason(self.options.node_budget);
                        self.incomplete(AnalysisKind::Reachability, vec![rule], None, reason);
                    }
                }
            }
        }
        status
    }

    pub(super) fn shadowing(&mut self, mut status: Vec<Status>) -> Vec<Status> {
        for rule in 0..self.problem.rules.len() {
            if status.get(rule) != Some(&Status::Live) {
                continue;
            }
            let range = self.rule_instances.get(rule).cloned().unwrap_or(0..0);
            if range.is_empty() {
                continue;
            }
            // An action none of whose resolutions can be dropped survives
            // whenever the rule fires.
            let mut by_action: BTreeMap<usize, bool> = BTreeMap::new();
            for instance in self.instances.get(range.clone()).unwrap_or(&[]) {
                *by_action.entry(instance.action).or_insert(true) &= instance.droppers.is_empty();
            }
            if by_action.values().any(|&undroppable| undroppable) {
                continue;
            }
            let mut any_present = false;
            let mut unknown = false;
            for x in range {
                match self.present_node(x) {
                    Some(FALSE) => {}
                    Some(_) => {
                        any_present = true;
                        break;
                    }
                    None => unknown = true,
                }
            }
            if any_present {
                continue;
            }
            if unknown {
                if let Some(s) = status.get_mut(rule) {
                    *s = Status::Unknown;
                }
                if self.options.shadowing {
                    let reason = budget_reason(self.options.node_budget);
                    self.incomplete(AnalysisKind::Shadowing, vec![rule], None, reason);
                }
                continue;
            }
            if let Some(s) = status.get_mut(rule) {
                *s = Status::Shadowed;
            }
            if !self.options.shadowing {
                continue;
            }
            let witness = self.fires_witness(rule);
            let part = self.part(&[rule]);
            let confirmed = witness.as_ref().and_then(|w| {
                let outcome = part.problem.outcome_complete(w)?;
                let local = part.local(rule)?;
                let fired = outcome.fired.contains(&local);
                let survives = outcome.actions.iter().any(|a| a.rule == local);
                let mut by: Vec<RuleId> = outcome
                    .dropped
                    .iter()
                    .filter(|(a, _)| a.rule == local)
                    .filter_map(|&(_, by)| part.global(by))
                    .collect();
                by.sort_unstable();
                by.dedup();
                (fired && !survives).then_some(by)
            });
            match (witness, confirmed) {
                (Some(witness), Some(by)) => {
                    self.findings.push(Finding::Shadowed { rule, by, witness })
                }
                _ => self.unconfirmed(AnalysisKind::Shadowing, vec![rule], None),
            }
        }
        status
    }
}
