//! The analysis engine: the state shared by every analysis (boxes, lazily
//! built diagrams of when rules fire and actions are final) and the
//! helpers that build them.

use super::*;

/// A lazily built diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lazy {
    Todo,
    Built(NodeId),
    Failed,
}

/// What the analysis knows about when a rule fires (`when ∧ assumptions`).
#[derive(Clone, Debug)]
pub(super) struct Fires {
    /// The firing set is exactly `bbox`.
    pub(super) exact: bool,
    /// A box containing the firing set (exact projection when known).
    pub(super) bbox: Bits,
    pub(super) node: Lazy,
}

/// One action of one rule resolved to one of its possible targets.
#[derive(Clone, Debug)]
pub(super) struct Instance {
    pub(super) rule: RuleId,
    pub(super) action: usize,
    pub(super) target: Target,
    pub(super) kind: ActionKind,
    pub(super) urgency: Option<Urgency>,
    pub(super) instead: Option<Target>,
    /// The action has alternatives, so resolving to `target` is a condition.
    pub(super) conditional: bool,
    /// Instances of overriding rules that drop this one when present
    /// before dropping.
    pub(super) droppers: Vec<usize>,
    /// `fires ∧ resolves to target`.
    pub(super) resolved: Lazy,
    /// `resolved ∧ not dropped`: the action is final.
    pub(super) present: Lazy,
    /// Box containing `present` (the rule's box until `present` is built).
    pub(super) bbox: Option<Bits>,
}

impl Instance {
    /// Present exactly when the rule fires.
    pub(super) fn simple(&self) -> bool {
        !self.conditional && self.droppers.is_empty()
    }

    /// What the instance says, for [`Problem::clash`].
    pub(super) fn said(&self) -> Said {
        Said {
            target: self.target,
            kind: self.kind,
            urgency: self.urgency,
        }
    }

    pub(super) fn content(&self) -> Content {
        Content {
            kind: self.kind,
            target: self.target,
            urgency: self.urgency,
            instead: self.instead,
        }
    }
}

pub(super) struct Engine<'p> {
    pub(super) problem: &'p Problem,
    pub(super) options: &'p AnalysisOptions,
    pub(super) mdd: Mdd,
    pub(super) layout: Layout,
    pub(super) assume_exact: bool,
    pub(super) assume_box: Bits,
    pub(super) assume_node: Lazy,
    pub(super) fires: Vec<Fires>,
    pub(super) instances: Vec<Instance>,
    pub(super) rule_instances: Vec<Range<usize>>,
    /// Instances per target, in rule then action order.
    pub(super) by_target: BTreeMap<Target, Vec<usize>>,
    /// All rules whose `overrides` list the rule (literally).
    pub(super) overriders: Vec<Vec<RuleId>>,
    pub(super) findings: Vec<Finding>,
    pub(super) stats: AnalysisStats,
}

/// Part of a guideline, for confirming witnesses ([`Engine::part`]).
pub(super) struct Part {
    pub(super) problem: Problem,
    /// `ids[i]` is the rule of the whole guideline that is rule `i` here.
    pub(super) ids: Vec<RuleId>,
}

impl Part {
    /// The number of `rule` in the part.
    pub(super) fn local(&self, rule: RuleId) -> Option<RuleId> {
        self.ids.binary_search(&rule).ok()
    }

    pub(super) fn global(&self, local: RuleId) -> Option<RuleId> {
        self.ids.get(local).copied()
    }
}

/// Status of a rule for the redundancy analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    Unreachable,
    Shadowed,
    Live,
    Unknown,
}

impl<'p> Engine<'p> {
    pub(super) fn new(problem: &'p Problem, options: &'p AnalysisOptions) -> Engine<'p> {
        let layout = Layout::new(&problem.var_sizes);
        let mdd = Mdd::new(&problem.var_sizes, options.node_budget);
        let mut engine = Engine {
            problem,
            options,
            mdd,
            assume_exact: false,
            assume_box: layout.full(),
            assume_node: Lazy::Todo,
            layout,
            fires: Vec::with_capacity(problem.rules.len()),
            instances: Vec::new(),
            rule_instances: Vec::with_capacity(problem.rules.len()),
            by_target: BTreeMap::new(),
            overriders: vec![Vec::new(); problem.rules.len()],
            findings: Vec::new(),
            stats: AnalysisStats::default(),
        };
        engine.init_assumptions();
        engine.init_fires();
        engine.init_instances();
        engine
    }

    pub(super) fn init_assumptions(&mut self) {
        if self.options.box_fast_path {
            let mut acc = self.layout.full();
            let mut exact = true;
            for assumption in &self.problem.assumptions {
                match self.layout.formula_box(assumption) {
                    Some(part) => self.layout.intersect_into(&mut acc, &part),
                    None => exact = false,
                }
            }
            if exact {
                self.assume_exact = true;
                self.assume_box = self.layout.normalise(acc);
                return;
            }
        }
        let problem = self.problem;
        let built = self.attempt(|m| {
            let mut acc = TRUE;
            for assumption in &problem.assumptions {
                let node = m.from_formula(assumption)?;
                acc = m.and(acc, node)?;
            }
            Ok(acc)
        });
        match built {
            Some(node) => {
                self.assume_node = Lazy::Built(node);
                self.assume_box = self.node_box(node);
            }
            None => self.assume_node = Lazy::Failed,
        }
    }

    /// Runs a diagram construction; on failure frees what it built and
    /// forgets cached diagrams that were built after the mark.
    pub(super) fn attempt(
        &mut self,
        build: impl FnOnce(&mut Mdd) -> Result<NodeId, MddError>,
    ) -> Option<NodeId> {
        let mark = self.mdd.mark();
        let before = self.mdd.node_count() as NodeId;
        match build(&mut self.mdd) {
            Ok(node) => Some(node),
            Err(_) => {
                self.mdd.rollback(mark);
                self.forget_after(before);
                None
            }
        }
    }

    /// The diagram of a box. An empty box is `FALSE` even when its
    /// emptiness shows only in the phantom variable (no variables at all).
    pub(super) fn cube(&mut self, bits: &[u64]) -> Option<NodeId> {
        if self.layout.is_empty(bits) {
            return Some(FALSE);
        }
        let layout = self.layout.clone();
        self.attempt(|m| m.cube_with(|v, c| layout.contains(bits, v as usize, c)))
    }

    /// The smallest box containing a diagram (empty for `FALSE`, which the
    /// projection alone cannot say when there are no variables).
    pub(super) fn node_box(&self, node: NodeId) -> Bits {
        if node == FALSE {
            return self.layout.empty();
        }
        self.layout.bits_of_projection(&self.mdd.projection(node))
    }

    pub(super) fn forget_after(&mut self, first_gone: NodeId) {
        let reset = |lazy: &mut Lazy| {
            if let Lazy::Built(node) = *lazy {
                if node >= first_gone {
                    *lazy = Lazy::Todo;
                }
            }
        };
        reset(&mut self.assume_node);
        for fires in &mut self.fires {
            reset(&mut fires.node);
        }
        for instance in &mut self.instances {
            reset(&mut instance.resolved);
            reset(&mut instance.present);
        }
    }

    pub(super) fn assume_node(&mut self) -> Option<NodeId> {
        match self.assume_node {
            Lazy::Built(node) => Some(node),
            Lazy::Failed => None,
            Lazy::Todo => {
                let bits = self.assume_box.clone();
                let node = self.cube(&bits);
                self.assume_node = node.map_or(Lazy::Failed, Lazy::Built);
                node
            }
        }
    }

    pub(super) fn init_fires(&mut self) {
        let problem = self.problem;
        for rule in &problem.rules {
            let exact_box = if self.options.box_fast_path && self.assume_exact {
                self.layout.formula_box(&rule.when)
            } else {
                None
            };
            let fires = match exact_box {
                Some(mut bits) => {
                    self.layout.intersect_into(&mut bits, &self.assume_box);
                    let bits = self.layout.normalise(bits);
                    self.stats.box_rules += 1;
                    Fires {
                        exact: true,
                        node: if self.layout.is_empty(&bits) {
                            Lazy::Built(FALSE)
                        } else {
                            Lazy::Todo
                        },
                        bbox: bits,
                    }
                }
                None => {
                    self.stats.diagram_rules += 1;
                    let assume = self.assume_node();
                    let node = assume.and_then(|assume| {
                        self.attempt(|m| {
                            let when = m.from_formula(&rule.when)?;
                            m.and(when, assume)
                        })
                    });
                    match node {
                        Some(node) => Fires {
                            exact: false,
                            bbox: self.node_box(node),
                            node: Lazy::Built(node),
                        },
                        None => Fires {
                            exact: false,
                            bbox: self.assume_box.clone(),
                            node: Lazy::Failed,
                        },
                    }
                }
            };
            self.fires.push(fires);
        }
    }

    pub(super) fn fires_node(&mut self, rule: RuleId) -> Option<NodeId> {
        let fires = self.fires.get(rule)?;
        match fires.node {
            Lazy::Built(node) => Some(node),
            Lazy::Failed => None,
            Lazy::Todo => {
                let bits = fires.bbox.clone();
                let node = self.cube(&bits);
                if let Some(fires) = self.fires.get_mut(rule) {
                    fires.node = node.map_or(Lazy::Failed, Lazy::Built);
                }
                node
            }
        }
    }

    pub(super) fn init_instances(&mut self) {
        let problem = self.problem;
        for (id, rule) in problem.rules.iter().enumerate() {
            for &victim in &rule.overrides {
                if let Some(list) = self.overriders.get_mut(victim) {
                    if !list.contains(&id) {
                        list.push(id);
                    }
                }
            }
        }
        for (id, rule) in problem.rules.iter().enumerate() {
            let start = self.instances.len();
            for (index, action) in rule.actions.iter().enumerate() {
                let mut targets: Vec<Target> = action.alternatives.iter().map(|a| a.1).collect();
                targets.push(action.target);
                targets.sort_unstable();
                targets.dedup();
                for target in targets {
                    self.by_target
                        .entry(target)
                        .or_default()
                        .push(self.instances.len());
                    self.instances.push(Instance {
                        rule: id,
                        action: index,
                        target,
                        kind: action.kind,
                        urgency: action.urgency,
                        instead: action.instead,
                        conditional: !action.alternatives.is_empty(),
                        droppers: Vec::new(),
                        resolved: Lazy::Todo,
                        present: Lazy::Todo,
                        bbox: None,
                    });
                }
            }
            self.rule_instances.push(start..self.instances.len());
        }
        // Droppers: instances of other rules that override this one and
        // clash with it (on the same target, or on one that excludes it).
        for x in 0..self.instances.len() {
            let Some(instance) = self.instances.get(x) else {
                continue;
            };
            let (rule, said) = (instance.rule, instance.said());
            let mut droppers = Vec::new();
            for &other in self.overriders.get(rule).map_or(&[][..], |v| v.as_slice()) {
                if other == rule {
                    continue;
                }
                let range = self.rule_instances.get(other).cloned().unwrap_or(0..0);
                for y in range {
                    if let Some(candidate) = self.instances.get(y) {
                        if problem.clash(said, candidate.said()) {
                            droppers.push(y);
                        }
                    }
                }
            }
            if let Some(instance) = self.instances.get_mut(x) {
                instance.droppers = droppers;
            }
        }
        // Build the diagrams of the instances that are not simply "the rule
        // fires", and tighten their boxes.
        for x in 0..self.instances.len() {
            if self.instances.get(x).is_some_and(|i| !i.simple()) {
                if let Some(node) = self.present_node(x) {
                    let bits = self.node_box(node);
                    if let Some(instance) = self.instances.get_mut(x) {
                        instance.bbox = Some(bits);
                    }
                }
            }
        }
    }

    /// `fires ∧ resolves to the instance's target` (before dropping).
    pub(super) fn resolved_node(&mut self, x: usize) -> Option<NodeId> {
        let instance = self.instances.get(x)?;
        match instance.resolved {
            Lazy::Built(node) => return Some(node),
            Lazy::Failed => return None,
            Lazy::Todo => {}
        }
        let (rule, action, target) = (instance.rule, instance.action, instance.target);
        let fires = self.fires_node(rule);
        let action: Option<&Action> = self
            .problem
            .rules
            .get(rule)
            .and_then(|r| r.actions.get(action));
        let node = match (fires, action) {
            (Some(fires), Some(action)) if !action.alternatives.is_empty() => self
                .attempt(|m| resolution(m, action, target)?.map_or(Ok(FALSE), |r| m.and(fires, r))),
            (Some(fires), _) => Some(fires),
            (None, _) => None,
        };
        if let Some(instance) = self.instances.get_mut(x) {
            instance.resolved = node.map_or(Lazy::Failed, Lazy::Built);
        }
        node
    }

    /// `resolved ∧ not dropped`: the instance is a final action.
    pub(super) fn present_node(&mut self, x: usize) -> Option<NodeId> {
        let instance = self.instances.get(x)?;
        match instance.present {
            Lazy::Built(node) => return Some(node),
            Lazy::Failed => return None,
            Lazy::Todo => {}
        }
        let droppers = instance.droppers.clone();
        let mut node = self.resolved_node(x);
        if let Some(mut current) = node {
            for d in droppers {
                if current == FALSE {
                    break;
                }
                let Some(dropper) = self.resolved_node(d) else {
                    node = None;
                    break;
                };
                match self.attempt(|m| m.and_not(current, dropper)) {
                    Some(next) => current = next,
                    None => {
                        node = None;
                        break;
                    }
                }
                node = Some(current);
            }
        }
        if let Some(instance) = self.instances.get_mut(x) {
            instance.present = node.map_or(Lazy::Failed, Lazy::Built);
        }
        node
    }

    /// Whether the instance is present exactly on a known box.
    pub(super) fn exact_box(&self, x: usize) -> Option<&Bits> {
        let instance = self.instances.get(x)?;
        let fires = self.fires.get(instance.rule)?;
        (instance.simple() && fires.exact).then_some(&fires.bbox)
    }

    pub(super) fn instance_bbox(&self, x: usize) -> Option<&Bits> {
        let instance = self.instances.get(x)?;
        match &instance.bbox {
            Some(bits) => Some(bits),
            None => self.fires.get(instance.rule).map(|f| &f.bbox),
        }
    }

    pub(super) fn fires_witness(&mut self, rule: RuleId) -> Option<Vec<Class>> {
        let fires = self.fires.get(rule)?;
        if fires.exact {
            let bits = &fires.bbox;
            return (!self.layout.is_empty(bits)).then(|| self.layout.lexmin_of_both(bits, bits));
        }
        let node = self.fires_node(rule)?;
        self.mdd.witness(node)
    }

    /// The guideline cut down to `rules` plus every rule that overrides one
    /// of them, for confirming a witness with the reference semantics.
    ///
    /// A rule's final actions for a patient depend only on whether it and
    /// the rules overriding it fire and on how their actions resolve, so
    /// for the rules of `rules` the outcome of the part equals that of the
    /// whole guideline. Evaluating every rule of a large guideline for every
    /// witness would otherwise dominate the analysis.
    pub(super) fn part(&self, rules: &[RuleId]) -> Part {
        let mut ids: Vec<RuleId> = rules.to_vec();
        for &rule in rules {
            ids.extend(self.overriders.get(rule).into_iter().flatten().copied());
        }
        ids.sort_unstable();
        ids.dedup();
        let local = |rule: RuleId| ids.binary_search(&rule).ok();
        let parts: Vec<Rule> = ids
            .iter()
            .filter_map(|&id| self.problem.rules.get(id))
            .map(|rule| Rule {
                when: rule.when.clone(),
                actions: rule.actions.clone(),
                overrides: rule.overrides.iter().filter_map(|&o| local(o)).collect(),
            })
            .collect();
        let problem = Problem {
            var_sizes: self.problem.var_sizes.clone(),
            assumptions: self.problem.assumptions.clone(),
            rules: parts,
            requirements: Vec::new(),
            exclusive: self.problem.exclusive.clone(),
        };
        Part { problem, ids }
    }

    pub(super) fn incomplete(
        &mut self,
        analysis: AnalysisKind,
        rules: Vec<RuleId>,
        requirement: Option<usize>,
        reason: String,
    ) {
        self.findings.push(Finding::Incomplete {
            analysis,
            rules,
            requirement,
            target: None,
            reason,
        });
    }

    /// Records a witness that failed its re-evaluation: a bug in this
    /// analyser, never reported as a finding.
    pub(super) fn unconfirmed(
        &mut self,
        analysis: AnalysisKind,
        rules: Vec<RuleId>,
        requirement: Option<usize>,
    ) {
        debug_assert!(
            false,
            "unconfirmed {analysis:?} witness for rules {rules:?} requirement {requirement:?}"
        );
        self.incomplete(
            analysis,
            rules,
            requirement,
            "internal error: the witness did not confirm the finding".to_string(),
        );
    }
}

/// The diagram of "the action resolves to `target`": the first alternative
/// whose condition holds picks the target, the primary target when none
/// holds. `None` when the action can never resolve to `target`.
pub(super) fn resolution(
    mdd: &mut Mdd,
    action: &Action,
    target: Target,
) -> Result<Option<NodeId>, MddError> {
    let mut none_before = TRUE;
    let mut acc = FALSE;
    let mut possible = false;
    for (condition, alternative) in &action.alternatives {
        let condition = mdd.from_formula(condition)?;
        if *alternative == target {
            possible = true;
            let here = mdd.and(none_before, condition)?;
            acc = mdd.or(acc, here)?;
        }
        none_before = mdd.and_not(none_before, condition)?;
    }
    if action.target == target {
        possible = true;
        acc = mdd.or(acc, none_before)?;
    }
    Ok(possible.then_some(acc))
}
