//! Rules that add nothing to other rules.

use super::*;

impl Engine<'_> {
    pub(super) fn redundancy(&mut self, status: &[Status]) {
        let problem = self.problem;
        let rules = problem.rules.len();
        // Rules with an action of each content.
        let mut with_content: HashMap<Content, Vec<RuleId>> = HashMap::new();
        for instance in &self.instances {
            let list = with_content.entry(instance.content()).or_default();
            if list.last() != Some(&instance.rule) {
                list.push(instance.rule);
            }
        }
        let all_rules: Vec<RuleId> = (0..rules).collect();
        // relation[r]: the rules s that cover r; undecided[r]: the pairs
        // (r, s) that could not be decided.
        let mut relation: Vec<Vec<RuleId>> = vec![Vec::new(); rules];
        let mut undecided: Vec<Vec<RuleId>> = vec![Vec::new(); rules];
        for r in 0..rules {
            match status.get(r) {
                Some(Status::Live) => {}
                Some(Status::Unknown) => {
                    let reason = "whether the rule is reachable and not shadowed is unknown";
                    self.incomplete(AnalysisKind::Redundancy, vec![r], None, reason.to_string());
                    continue;
                }
                _ => continue,
            }
            // Contents of the actions of `r` that are final for some
            // patient: a rule covering `r` must have each of them.
            let mut required: Vec<Content> = Vec::new();
            for x in self.rule_instances.get(r).cloned().unwrap_or(0..0) {
                let Some(instance) = self.instances.get(x) else {
                    continue;
                };
                let known_present = instance.simple()
                    || matches!(instance.present, Lazy::Built(node) if node != FALSE);
                if known_present && !required.contains(&instance.content()) {
                    required.push(instance.content());
                }
            }
            let candidates: Vec<RuleId> = required
                .iter()
                .filter_map(|c| with_content.get(c))
                .min_by_key(|list| list.len())
                .map_or_else(|| all_rules.clone(), Clone::clone);
            for s in candidates {
                if s == r {
                    continue;
                }
                let has_all = required.iter().all(|c| {
                    with_content
                        .get(c)
                        .is_some_and(|list| list.binary_search(&s).is_ok())
                });
                if !has_all {
                    continue;
                }
                let decided = match self.fires_within(r, s) {
                    Some(true) => self.covers(r, s),
                    other => other,
                };
                match decided {
                    Some(true) => relation.get_mut(r).into_iter().for_each(|l| l.push(s)),
                    Some(false) => {}
                    None => undecided.get_mut(r).into_iter().for_each(|l| l.push(s)),
                }
            }
        }
        for r in 0..rules {
            let Some(list) = relation.get(r) else {
                continue;
            };
            let mut by = Vec::new();
            let mut open: Vec<RuleId> = undecided.get(r).cloned().unwrap_or_default();
            for &s in list {
                if r < s {
                    // Mutual redundancy is reported on the higher index.
                    let back_status = status.get(s).copied();
                    if back_status == Some(Status::Unknown) {
                        open.push(s);
                        continue;
                    }
                    if back_status == Some(Status::Live) {
                        if relation.get(s).is_some_and(|l| l.contains(&r)) {
                            continue;
                        }
                        if undecided.get(s).is_some_and(|l| l.contains(&r)) {
                            open.push(s);
                            continue;
                        }
                    }
                }
                by.push(s);
            }
            if !open.is_empty() {
                let mut rules = vec![r];
                open.sort_unstable();
                open.dedup();
                rules.extend(open);
                let reason = budget_reason(self.options.node_budget);
                self.incomplete(AnalysisKind::Redundancy, rules, None, reason);
            }
            if by.is_empty() {
                continue;
            }
            let witness = self.fires_witness(r);
            // `covers` also looks at the actions of the rules that `r` and
            // `s` override (what they drop).
            let mut involved = Vec::new();
            for &rule in std::iter::once(&r).chain(&by) {
                involved.push(rule);
                involved.extend(
                    problem
                        .rules
                        .get(rule)
                        .into_iter()
                        .flat_map(|x| &x.overrides),
                );
            }
            let part = self.part(&involved);
            let confirmed = witness.as_ref().is_some_and(|w| {
                part.problem.outcome_complete(w).is_some_and(|outcome| {
                    by.iter().all(|&s| {
                        part.local(r)
                            .zip(part.local(s))
                            .is_some_and(|(r, s)| part.problem.covers(&outcome, r, s))
                    })
                })
            });
            match witness {
                Some(witness) if confirmed => self.findings.push(Finding::Redundant {
                    rule: r,
                    by,
                    witness,
                }),
                _ => self.unconfirmed(AnalysisKind::Redundancy, vec![r], None),
            }
        }
    }

    /// Whether every patient firing `r` fires `s` (`None`: unknown).
    pub(super) fn fires_within(&mut self, r: RuleId, s: RuleId) -> Option<bool> {
        let (fr, fs) = (self.fires.get(r)?, self.fires.get(s)?);
        if !fr.exact && fr.node == Lazy::Failed {
            // Its box is then only the assumptions' box: no shortcut.
            return None;
        }
        // `fr.bbox` is the exact projection of the firing set and `fs.bbox`
        // contains that of `s`; projections are monotone, so a box outside
        // the other's box already decides the question.
        if !self.layout.subset(&fr.bbox, &fs.bbox) {
            return Some(false);
        }
        if fr.exact && fs.exact {
            return Some(true);
        }
        let nr = self.fires_node(r)?;
        let ns = self.fires_node(s)?;
        Some(self.mdd.implies(nr, ns))
    }

    /// Given that `s` fires whenever `r` fires: whether `s` also does
    /// everything `r` does for every such patient (`None`: unknown), that
    /// is, every final action of `r` comes with a final action of `s` of the
    /// same content, and every action `r` drops `s` drops too.
    pub(super) fn covers(&mut self, r: RuleId, s: RuleId) -> Option<bool> {
        let problem = self.problem;
        let r_range = self.rule_instances.get(r).cloned().unwrap_or(0..0);
        let s_range = self.rule_instances.get(s).cloned().unwrap_or(0..0);
        // Final actions.
        for x in r_range.clone() {
            let instance = self.instances.get(x)?;
            let content = instance.content();
            let x_simple = instance.simple();
            let matches: Vec<usize> = s_range
                .clone()
                .filter(|&y| {
                    self.instances
                        .get(y)
                        .is_some_and(|i| i.content() == content)
                })
                .collect();
            // `present_y` is the whole firing set of `s` for a simple one.
            if matches
                .iter()
                .any(|&y| self.instances.get(y).is_some_and(Instance::simple))
            {
                continue;
            }
            let present_x = if x_simple {
                self.fires_node(r)?
            } else {
                self.present_node(x)?
            };
            if present_x == FALSE {
                continue;
            }
            if matches.is_empty() {
                return Some(false);
            }
            let mut union = FALSE;
            for y in matches {
                let present_y = self.present_node(y)?;
                union = self.attempt(|m| m.or(union, present_y))?;
            }
            if !self.mdd.implies(present_x, union) {
                return Some(false);
            }
        }
        // Drops: for every action `v` of a rule that `r` overrides.
        let r_rule = problem.rules.get(r)?;
        let s_rule = problem.rules.get(s)?;
        for &u in &r_rule.overrides {
            if u == r {
                continue;
            }
            let s_overrides = u != s && s_rule.overrides.contains(&u);
            for v in self.rule_instances.get(u).cloned().unwrap_or(0..0) {
                let victim = self.instances.get(v)?;
                let clashing = |range: Range<usize>, instances: &[Instance]| -> Vec<usize> {
                    range
                        .filter(|&y| {
                            instances
                                .get(y)
                                .is_some_and(|i| problem.clash(i.said(), victim.said()))
                        })
                        .collect()
                };
                let by_r = clashing(r_range.clone(), &self.instances);
                if by_r.is_empty() {
                    continue;
                }
                let by_s = if s_overrides {
                    clashing(s_range.clone(), &self.instances)
                } else {
                    Vec::new()
                };
                // The same written action resolves the same way, and `s`
                // fires whenever `r` does.
                let same_action = |x: usize, y: usize| -> bool {
                    let written = |i: usize| {
                        self.instances.get(i).and_then(|inst| {
                            problem
                                .rules
                                .get(inst.rule)
                                .and_then(|rule| rule.actions.get(inst.action))
                                .map(|a| (a, inst.target))
                        })
                    };
                    written(x).is_some_and(|a| written(y) == Some(a))
                };
                if by_r
                    .iter()
                    .all(|&x| by_s.iter().any(|&y| same_action(x, y)))
                {
                    continue;
                }
                let dropped_by_r = self.dropped_by(v, &by_r)?;
                let dropped_by_s = self.dropped_by(v, &by_s)?;
                if !self.mdd.implies(dropped_by_r, dropped_by_s) {
                    return Some(false);
                }
            }
        }
        Some(true)
    }

    /// The patients for which instance `victim` resolves and one of
    /// `droppers` resolves too (a clash that drops it, when their rule
    /// overrides the victim's).
    pub(super) fn dropped_by(&mut self, victim: usize, droppers: &[usize]) -> Option<NodeId> {
        let mut any = FALSE;
        for &d in droppers {
            let node = self.resolved_node(d)?;
            any = self.attempt(|m| m.or(any, node))?;
        }
        if any == FALSE {
            return Some(FALSE);
        }
        let resolved = self.resolved_node(victim)?;
        self.attempt(|m| m.and(resolved, any))
    }
}
