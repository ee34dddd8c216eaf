//! The exact analyser: conflicts, unreachable, shadowed and redundant rules,
//! and requirement verdicts over a [`Problem`], each finding with a witness
//! patient that is re-evaluated with [`Problem::outcome_complete`] before it
//! is reported (for a finding about rules, on the part of the guideline that
//! decides those rules' final actions: the rules, the rules overriding them
//! and, for redundancy, the rules they override).
//!
//! "Exact" is checked against a brute-force enumeration of every patient
//! ([`super::brute`]) by the property test `tests/logic_exact.rs`.
//!
//! # Definitions
//! A *patient* is a complete assignment that satisfies every assumption.
//! Final actions, drops and clashes are those of [`Problem::outcome`].
//! - `Conflict { rules: (a, b), target }` (`a <= b`): some patient has a
//!   final action of `a` and a different final action of `b`, both on
//!   `target`, that clash. One finding per rule pair and target.
//! - `Unreachable { rule }`: no patient fires the rule.
//! - `Shadowed { rule, by }`: the rule is reachable, has actions, and for
//!   every patient that fires it every one of its actions is dropped (so
//!   every such patient also fires a rule that overrides it, and none of its
//!   actions ever survives). `by` are the rules that drop them in the
//!   witness.
//! - `Redundant { rule, by }`: the rule `r` is reachable and not shadowed,
//!   and each `s` in `by` (`s != r`) does everything `r` does, for every
//!   patient that fires `r` ([`super::brute::covers`]): `s` fires too, every
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
//! Everything else goes through the decision diagram ([`Mdd`]), with a
//! bounding box of every diagram as a cheap pre-filter. Conflicts only
//! compare resolved actions on the same target (an index by target), and
//! redundancy only compares a rule with the rules that have every action
//! content the rule can give (an index by content); when their written
//! actions and overrides make it obvious, no diagram is built.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use serde::Serialize;

use super::mdd::{FALSE, Mdd, MddError, NodeId, TRUE};
use super::problem::{
    Action, ActionKind, Class, Demand, Formula, Problem, ResolvedAction, Rule, RuleId, Target,
    Urgency,
};

/// Which analysis a finding or an incomplete result belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    /// The problem itself is malformed.
    Input,
    Conflicts,
    Reachability,
    Shadowing,
    Redundancy,
    Requirements,
}

/// One result of the analysis.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// Two final actions of `rules.0` and `rules.1` (equal for a rule that
    /// clashes with itself) on `target` clash for the witness.
    Conflict {
        rules: (RuleId, RuleId),
        target: Target,
        witness: Vec<Class>,
    },
    /// No patient fires the rule.
    Unreachable { rule: RuleId },
    /// Every patient that fires the rule has all its actions dropped.
    Shadowed {
        rule: RuleId,
        by: Vec<RuleId>,
        witness: Vec<Class>,
    },
    /// The rule adds nothing to the rules in `by`.
    Redundant {
        rule: RuleId,
        by: Vec<RuleId>,
        witness: Vec<Class>,
    },
    /// The witness satisfies the requirement's `when` but not its demand.
    RequirementFailed {
        requirement: usize,
        witness: Vec<Class>,
    },
    /// Every patient satisfying the requirement's `when` meets its demand.
    RequirementProved { requirement: usize },
    /// The analysis could not decide this item; nothing is claimed.
    Incomplete {
        analysis: AnalysisKind,
        rules: Vec<RuleId>,
        requirement: Option<usize>,
        /// For conflicts: the exam, measure or specialist not decided.
        target: Option<Target>,
        reason: String,
    },
}

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

/// Whether two written actions clash when they resolve to the same target;
/// the same test as [`ResolvedAction::clashes_with`] without the target.
pub(crate) fn kinds_clash(
    a: (ActionKind, Option<Urgency>),
    b: (ActionKind, Option<Urgency>),
) -> bool {
    let a_avoids = a.0 == ActionKind::Avoid;
    let b_avoids = b.0 == ActionKind::Avoid;
    if a_avoids != b_avoids {
        return true;
    }
    if a_avoids {
        return false;
    }
    matches!((a.1, b.1), (Some(x), Some(y)) if x != y)
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

/// Bitset boxes: one segment of `wpv` words per variable, plus one phantom
/// one-class variable whose bit says whether the box is non-empty (so that
/// even a problem without variables has an empty box).
#[derive(Clone, Debug)]
struct Layout {
    sizes: Vec<u32>,
    wpv: usize,
    stride: usize,
}

type Bits = Vec<u64>;

impl Layout {
    fn new(sizes: &[u32]) -> Layout {
        let max = sizes.iter().copied().max().unwrap_or(1).max(1) as usize;
        let wpv = max.div_ceil(64);
        Layout {
            sizes: sizes.to_vec(),
            wpv,
            stride: (sizes.len() + 1) * wpv,
        }
    }

    fn set_full_var(&self, bits: &mut [u64], var: usize, size: u32) {
        let Some(segment) = bits.get_mut(var * self.wpv..(var + 1) * self.wpv) else {
            return;
        };
        for (word_index, word) in segment.iter_mut().enumerate() {
            let low = (word_index * 64) as u32;
            *word = if size >= low + 64 {
                u64::MAX
            } else if size > low {
                (1u64 << (size - low)) - 1
            } else {
                0
            };
        }
    }

    fn full(&self) -> Bits {
        let mut bits = vec![0; self.stride];
        for (var, &size) in self.sizes.iter().enumerate() {
            self.set_full_var(&mut bits, var, size);
        }
        self.set_full_var(&mut bits, self.sizes.len(), 1);
        bits
    }

    fn empty(&self) -> Bits {
        vec![0; self.stride]
    }

    fn segment<'b>(&self, bits: &'b [u64], var: usize) -> &'b [u64] {
        bits.get(var * self.wpv..(var + 1) * self.wpv)
            .unwrap_or(&[])
    }

    fn segment_mut<'b>(&self, bits: &'b mut [u64], var: usize) -> &'b mut [u64] {
        bits.get_mut(var * self.wpv..(var + 1) * self.wpv)
            .unwrap_or(&mut [])
    }

    /// The natural logarithm of the number of class combinations in a box
    /// (minus infinity for an empty box), for ordering boxes by size.
    fn log_volume(&self, bits: &[u64]) -> f64 {
        (0..self.sizes.len())
            .map(|var| {
                let count: u32 = self.segment(bits, var).iter().map(|w| w.count_ones()).sum();
                f64::from(count).ln()
            })
            .sum()
    }

    fn is_empty(&self, bits: &[u64]) -> bool {
        bits.chunks(self.wpv)
            .any(|segment| segment.iter().all(|&w| w == 0))
    }

    fn is_full_var(&self, bits: &[u64], var: usize) -> bool {
        let mut full = vec![0; self.wpv];
        self.set_full_var(&mut full, 0, self.sizes.get(var).copied().unwrap_or(0));
        self.segment(bits, var) == full.as_slice()
    }

    fn contains(&self, bits: &[u64], var: usize, class: u32) -> bool {
        self.segment(bits, var)
            .get(class as usize / 64)
            .is_some_and(|w| w >> (class % 64) & 1 == 1)
    }

    fn intersect_into(&self, acc: &mut [u64], other: &[u64]) {
        for (a, b) in acc.iter_mut().zip(other) {
            *a &= *b;
        }
    }

    /// Whether two boxes share a point: every variable's segments overlap.
    fn intersects(&self, a: &[u64], b: &[u64]) -> bool {
        if self.wpv == 1 {
            return a.iter().zip(b).all(|(x, y)| x & y != 0);
        }
        a.chunks(self.wpv)
            .zip(b.chunks(self.wpv))
            .all(|(x, y)| x.iter().zip(y).any(|(p, q)| p & q != 0))
    }

    /// Whether box `a` lies inside box `b`.
    fn subset(&self, a: &[u64], b: &[u64]) -> bool {
        a.iter().zip(b).all(|(x, y)| x & !y == 0)
    }

    /// The smallest point of the intersection of two boxes (assumed to
    /// intersect): the smallest shared class of every variable.
    fn lexmin_of_both(&self, a: &[u64], b: &[u64]) -> Vec<Class> {
        (0..self.sizes.len())
            .map(|var| {
                let x = self.segment(a, var);
                let y = self.segment(b, var);
                x.iter()
                    .zip(y)
                    .enumerate()
                    .find(|(_, (p, q))| *p & *q != 0)
                    .map_or(0, |(i, (p, q))| (i * 64) as u32 + (p & q).trailing_zeros())
            })
            .collect()
    }

    fn bits_of_projection(&self, projection: &[Vec<bool>]) -> Bits {
        let mut bits = self.empty();
        let mut any = true;
        for (var, row) in projection.iter().enumerate() {
            let segment = self.segment_mut(&mut bits, var);
            let mut seen = false;
            for (class, &on) in row.iter().enumerate() {
                if on {
                    seen = true;
                    if let Some(word) = segment.get_mut(class / 64) {
                        *word |= 1 << (class % 64);
                    }
                }
            }
            any &= seen;
        }
        if any && projection.len() == self.sizes.len() {
            let sizes = self.sizes.len();
            self.set_full_var(&mut bits, sizes, 1);
        }
        bits
    }

    /// The exact box of a formula, when the formula is one: conjunctions
    /// of atoms, negated atoms and disjunctions that differ in one variable.
    fn formula_box(&self, formula: &Formula) -> Option<Bits> {
        match formula {
            Formula::True => Some(self.full()),
            Formula::False => Some(self.empty()),
            Formula::In { var, classes } => {
                let var = *var as usize;
                let size = *self.sizes.get(var)?;
                let mut bits = self.full();
                let segment = self.segment_mut(&mut bits, var);
                segment.fill(0);
                for &class in classes.iter().filter(|&&c| c < size) {
                    if let Some(word) = segment.get_mut(class as usize / 64) {
                        *word |= 1 << (class % 64);
                    }
                }
                Some(self.normalise(bits))
            }
            Formula::And(parts) => {
                let mut acc = self.full();
                for part in parts {
                    let part = self.formula_box(part)?;
                    self.intersect_into(&mut acc, &part);
                }
                Some(self.normalise(acc))
            }
            Formula::Not(inner) => {
                let inner = self.formula_box(inner)?;
                if self.is_empty(&inner) {
                    return Some(self.full());
                }
                let constrained: Vec<usize> = (0..self.sizes.len())
                    .filter(|&v| !self.is_full_var(&inner, v))
                    .collect();
                match constrained.as_slice() {
                    [] => Some(self.empty()),
                    [var] => {
                        let mut bits = self.full();
                        let full = bits.clone();
                        let segment = self.segment_mut(&mut bits, *var);
                        for ((word, &f), &i) in segment
                            .iter_mut()
                            .zip(self.segment(&full, *var))
                            .zip(self.segment(&inner, *var))
                        {
                            *word = f & !i;
                        }
                        Some(self.normalise(bits))
                    }
                    _ => None,
                }
            }
            Formula::Or(parts) => {
                let mut boxes = Vec::with_capacity(parts.len());
                for part in parts {
                    let part = self.formula_box(part)?;
                    if !self.is_empty(&part) {
                        boxes.push(part);
                    }
                }
                let Some(first) = boxes.first().cloned() else {
                    return Some(self.empty());
                };
                // A union of boxes is a box when they agree on every
                // variable but one.
                let mut differing: Option<usize> = None;
                for other in boxes.iter().skip(1) {
                    for var in 0..self.sizes.len() {
                        if self.segment(other, var) != self.segment(&first, var) {
                            match differing {
                                None => differing = Some(var),
                                Some(v) if v == var => {}
                                Some(_) => return None,
                            }
                        }
                    }
                }
                let mut acc = first;
                for other in boxes.iter().skip(1) {
                    for (a, b) in acc.iter_mut().zip(other) {
                        *a |= *b;
                    }
                }
                Some(acc)
            }
        }
    }

    /// Clears every segment of an empty box, so that emptiness is also
    /// visible in the phantom variable.
    fn normalise(&self, bits: Bits) -> Bits {
        if self.is_empty(&bits) {
            self.empty()
        } else {
            bits
        }
    }
}

/// A lazily built diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lazy {
    Todo,
    Built(NodeId),
    Failed,
}

/// What the analysis knows about when a rule fires (`when ∧ assumptions`).
#[derive(Clone, Debug)]
struct Fires {
    /// The firing set is exactly `bbox`.
    exact: bool,
    /// A box containing the firing set (exact projection when known).
    bbox: Bits,
    node: Lazy,
}

/// One action of one rule resolved to one of its possible targets.
#[derive(Clone, Debug)]
struct Instance {
    rule: RuleId,
    action: usize,
    target: Target,
    kind: ActionKind,
    urgency: Option<Urgency>,
    instead: Option<Target>,
    /// The action has alternatives, so resolving to `target` is a condition.
    conditional: bool,
    /// Instances of overriding rules that drop this one when present
    /// before dropping.
    droppers: Vec<usize>,
    /// `fires ∧ resolves to target`.
    resolved: Lazy,
    /// `resolved ∧ not dropped`: the action is final.
    present: Lazy,
    /// Box containing `present` (the rule's box until `present` is built).
    bbox: Option<Bits>,
}

/// What a final action tells the patient: kind, target, urgency and
/// `instead`, without the rule it came from.
type Content = (ActionKind, Target, Option<Urgency>, Option<Target>);

impl Instance {
    /// Present exactly when the rule fires.
    fn simple(&self) -> bool {
        !self.conditional && self.droppers.is_empty()
    }

    fn content(&self) -> Content {
        (self.kind, self.target, self.urgency, self.instead)
    }
}

struct Engine<'p> {
    problem: &'p Problem,
    options: &'p AnalysisOptions,
    mdd: Mdd,
    layout: Layout,
    assume_exact: bool,
    assume_box: Bits,
    assume_node: Lazy,
    fires: Vec<Fires>,
    instances: Vec<Instance>,
    rule_instances: Vec<Range<usize>>,
    /// Instances per target, in rule then action order.
    by_target: BTreeMap<Target, Vec<usize>>,
    /// All rules whose `overrides` list the rule (literally).
    overriders: Vec<Vec<RuleId>>,
    findings: Vec<Finding>,
    stats: AnalysisStats,
}

/// Part of a guideline, for confirming witnesses ([`Engine::part`]).
struct Part {
    problem: Problem,
    /// `ids[i]` is the rule of the whole guideline that is rule `i` here.
    ids: Vec<RuleId>,
}

impl Part {
    /// The number of `rule` in the part.
    fn local(&self, rule: RuleId) -> Option<RuleId> {
        self.ids.binary_search(&rule).ok()
    }

    fn global(&self, local: RuleId) -> Option<RuleId> {
        self.ids.get(local).copied()
    }
}

/// Status of a rule for the redundancy analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Unreachable,
    Shadowed,
    Live,
    Unknown,
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

impl<'p> Engine<'p> {
    fn new(problem: &'p Problem, options: &'p AnalysisOptions) -> Engine<'p> {
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

    fn init_assumptions(&mut self) {
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
    fn attempt(
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
    fn cube(&mut self, bits: &[u64]) -> Option<NodeId> {
        if self.layout.is_empty(bits) {
            return Some(FALSE);
        }
        let layout = self.layout.clone();
        self.attempt(|m| m.cube_with(|v, c| layout.contains(bits, v as usize, c)))
    }

    /// The smallest box containing a diagram (empty for `FALSE`, which the
    /// projection alone cannot say when there are no variables).
    fn node_box(&self, node: NodeId) -> Bits {
        if node == FALSE {
            return self.layout.empty();
        }
        self.layout.bits_of_projection(&self.mdd.projection(node))
    }

    fn forget_after(&mut self, first_gone: NodeId) {
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

    fn assume_node(&mut self) -> Option<NodeId> {
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

    fn init_fires(&mut self) {
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

    fn fires_node(&mut self, rule: RuleId) -> Option<NodeId> {
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

    fn init_instances(&mut self) {
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
        // Droppers: instances of other rules that override this one, on the
        // same target, with a clashing kind or urgency.
        for x in 0..self.instances.len() {
            let Some(instance) = self.instances.get(x) else {
                continue;
            };
            let (rule, target, kind) = (
                instance.rule,
                instance.target,
                (instance.kind, instance.urgency),
            );
            let mut droppers = Vec::new();
            for &other in self.overriders.get(rule).map_or(&[][..], |v| v.as_slice()) {
                if other == rule {
                    continue;
                }
                let range = self.rule_instances.get(other).cloned().unwrap_or(0..0);
                for y in range {
                    if let Some(candidate) = self.instances.get(y) {
                        if candidate.target == target
                            && kinds_clash(kind, (candidate.kind, candidate.urgency))
                        {
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
    fn resolved_node(&mut self, x: usize) -> Option<NodeId> {
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
    fn present_node(&mut self, x: usize) -> Option<NodeId> {
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
    fn exact_box(&self, x: usize) -> Option<&Bits> {
        let instance = self.instances.get(x)?;
        let fires = self.fires.get(instance.rule)?;
        (instance.simple() && fires.exact).then_some(&fires.bbox)
    }

    fn instance_bbox(&self, x: usize) -> Option<&Bits> {
        let instance = self.instances.get(x)?;
        match &instance.bbox {
            Some(bits) => Some(bits),
            None => self.fires.get(instance.rule).map(|f| &f.bbox),
        }
    }

    fn fires_witness(&mut self, rule: RuleId) -> Option<Vec<Class>> {
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
    fn part(&self, rules: &[RuleId]) -> Part {
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
        };
        Part { problem, ids }
    }

    fn incomplete(
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
    fn unconfirmed(
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

    fn reachability(&mut self) -> Vec<Status> {
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

    fn shadowing(&mut self, mut status: Vec<Status>) -> Vec<Status> {
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

    fn conflicts(&mut self) {
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

    fn compare_pair(
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

    fn redundancy(&mut self, status: &[Status]) {
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
                        part.local(r).zip(part.local(s)).is_some_and(|(r, s)| {
                            super::brute::covers(&part.problem, &outcome, r, s)
                        })
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
    fn fires_within(&mut self, r: RuleId, s: RuleId) -> Option<bool> {
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
    fn covers(&mut self, r: RuleId, s: RuleId) -> Option<bool> {
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
                            instances.get(y).is_some_and(|i| {
                                i.target == victim.target
                                    && kinds_clash(
                                        (i.kind, i.urgency),
                                        (victim.kind, victim.urgency),
                                    )
                            })
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
    fn dropped_by(&mut self, victim: usize, droppers: &[usize]) -> Option<NodeId> {
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

    fn requirements(&mut self) {
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
    fn violation_node(&mut self, scope: NodeId, demand: &Demand) -> Option<NodeId> {
        if scope == FALSE {
            return Some(FALSE);
        }
        match demand {
            Demand::Has {
                kind,
                targets,
                urgency,
            } => {
                // Not satisfied: no qualifying final action is present.
                let mut uncovered = scope;
                // Rules that cover much first, so that the uncovered part
                // shrinks early (ties in instance order, for determinism).
                let mut matching: Vec<(f64, usize)> = self
                    .matching_instances(*kind, targets.as_deref(), *urgency)
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
    fn matching_instances(
        &self,
        kind: Option<ActionKind>,
        targets: Option<&[Target]>,
        urgency: Option<Urgency>,
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
                        && urgency.is_none_or(|u| Some(u) == instance.urgency)
                })
            })
            .collect()
    }

    /// The patients whose final actions satisfy the demand.
    fn demand_node(&mut self, demand: &Demand) -> Option<NodeId> {
        match demand {
            Demand::Has {
                kind,
                targets,
                urgency,
            } => {
                let mut acc = FALSE;
                for x in self.matching_instances(*kind, targets.as_deref(), *urgency) {
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

/// The diagram of "the action resolves to `target`": the first alternative
/// whose condition holds picks the target, the primary target when none
/// holds. `None` when the action can never resolve to `target`.
fn resolution(mdd: &mut Mdd, action: &Action, target: Target) -> Result<Option<NodeId>, MddError> {
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

/// Whether the final actions contain two different actions of rules `a`
/// and `b` on `target` that clash.
pub(crate) fn final_conflict(
    actions: &[ResolvedAction],
    a: RuleId,
    b: RuleId,
    target: Target,
) -> bool {
    actions.iter().enumerate().any(|(i, x)| {
        actions.iter().enumerate().any(|(j, y)| {
            i != j && x.rule == a && y.rule == b && x.target == target && x.clashes_with(y)
        })
    })
}
