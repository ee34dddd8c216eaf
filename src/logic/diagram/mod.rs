//! The compiled decision diagram a guideline is evaluated on.
//!
//! A [`DecisionDiagram`] is a reduced, ordered multi-valued decision diagram
//! for [`Problem::outcome`]: every inner node tests one variable and has one
//! edge per value class (stored as runs of consecutive classes that go to the
//! same child), equal sub-diagrams are stored once, and a node whose variable
//! does not matter is left out. Leaves hold the advice of the final actions
//! (their [`Content`], after alternatives and overrides), or mark a region
//! that violates an assumption.
//!
//! Leaves are advice, never rules: rules without actions, actions that
//! overrides drop and different rules giving the same advice do not split
//! the diagram. Which rules gave the advice is the explanation's business
//! ([`Problem::certain_outcome`]). [`GroupedDiagram`] compiles rules that
//! cannot interact into separate diagrams.
//!
//! Construction is a Shannon expansion over the variables in a fixed order.
//! The state of the expansion is the list of residual conditions (every
//! assumption, rule condition and alternative condition, simplified under
//! the classes chosen so far); equal states are expanded once, and nodes are
//! hash-consed bottom-up, so the result is the canonical diagram for the
//! chosen order whatever the syntax of the conditions. Only the classes an
//! atom can tell apart are expanded separately, so numeric inputs with many
//! classes cost as much as their thresholds, not their class count.
//!
//! This file holds the diagram and its evaluation; `build.rs` the
//! construction (over the interned formulas of `formula.rs`), `file.rs` the
//! serialized form, `group.rs` the diagrams of independent groups of rules.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::problem::{Class, Content, Formula, Problem, ResolvedAction, Rule, RuleId, Var};

mod build;
mod file;
mod formula;
mod group;
mod partial;

pub use group::{DiagramGroup, GroupedDiagram, rule_groups};
pub use partial::{Allowed, Contradicted, PartialAdvice, partial_advice};

use build::Builder;
use file::DiagramFile;

/// The `schema_version` written into, and required from, serialized diagrams.
/// Version 2: leaves hold the advice (`Content`), not rule-resolved actions.
pub const SCHEMA_VERSION: u32 = 2;

/// Marks a packed child reference as a leaf (otherwise it is a node index).
const LEAF_BIT: u32 = 1 << 31;
/// The `impossible` field of a leaf that holds actions.
const POSSIBLE: u32 = u32::MAX;
/// The `dense_first` of a node whose children are found through its runs.
const NO_DENSE: u32 = u32::MAX;
/// The dense child table holds at most this many entries beyond the runs,
/// so that a diagram of many wide nodes does not multiply its memory.
const DENSE_EXTRA_ENTRIES: usize = 1 << 22;
/// How many records [`DecisionDiagram::eval_batch`] walks in lockstep.
const LANES: usize = 8;

/// The order in which the diagram tests variables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VarOrder {
    /// Variable index order, which is declaration order.
    #[default]
    Declaration,
    /// Variables mentioned by more conditions first (ties in index order).
    MostUsedFirst,
    /// An explicit permutation of all variables.
    Custom(Vec<Var>),
}

/// Options for [`DecisionDiagram::compile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileOptions {
    /// The variable order.
    pub order: VarOrder,
    /// The largest diagram allowed, counting inner nodes and leaves.
    pub max_nodes: usize,
    /// The most expansion states allowed; bounds time and memory even when
    /// many states reduce to few nodes.
    pub max_states: usize,
    /// The most memory the construction may hold, in bytes: the expansion
    /// states, the interned formulas, the nodes and the leaves, estimated
    /// from their sizes as they are added. This is the bound that stops a
    /// compile before the machine runs out (the state count alone cannot:
    /// one state may hold thousands of residual conditions). The default,
    /// 16 GiB, admits the largest table the tests build (10,000 rules × 10
    /// variables: 7.1 GB at its peak); the command line uses 4 GiB.
    pub max_memory: usize,
    /// The longest the construction may take. `None` (the default) has no
    /// limit, so that the library never reads the clock unless asked (it is
    /// missing on some targets); the command line sets one.
    pub time_limit: Option<Duration>,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            order: VarOrder::Declaration,
            max_nodes: 2_000_000,
            max_states: 4_000_000,
            max_memory: 16 << 30,
            time_limit: None,
        }
    }
}

/// Why a problem could not be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileError {
    /// The diagram would have more than `limit` nodes and leaves.
    TooManyNodes { limit: usize },
    /// The construction would expand more than `limit` states.
    TooManyStates { limit: usize },
    /// The construction would hold more than `limit` bytes.
    TooMuchMemory { limit: usize },
    /// The construction took longer than `limit`.
    TooSlow { limit: Duration },
    /// A condition mentions a variable the problem does not declare.
    UnknownVariable(Var),
    /// A variable has no classes, so no patient exists.
    EmptyDomain(Var),
    /// [`VarOrder::Custom`] is not a permutation of the variables.
    InvalidOrder,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::TooManyNodes { limit } => write!(
                f,
                "the decision diagram would exceed the budget of {limit} nodes and leaves"
            ),
            CompileError::TooManyStates { limit } => write!(
                f,
                "building the decision diagram would expand more than {limit} states"
            ),
            CompileError::TooMuchMemory { limit } => write!(
                f,
                "building the decision diagram would take more than {} MiB of memory",
                limit.div_ceil(1 << 20)
            ),
            CompileError::TooSlow { limit } => write!(
                f,
                "building the decision diagram took longer than the time budget of {}",
                seconds(*limit)
            ),
            CompileError::UnknownVariable(var) => {
                write!(f, "a condition mentions undeclared variable {var}")
            }
            CompileError::EmptyDomain(var) => write!(f, "variable {var} has no classes"),
            CompileError::InvalidOrder => {
                write!(
                    f,
                    "the variable order is not a permutation of the variables"
                )
            }
        }
    }
}

impl std::error::Error for CompileError {}

impl CompileError {
    /// Whether a budget stopped the construction (the problem itself is fine).
    pub fn is_budget(&self) -> bool {
        matches!(
            self,
            CompileError::TooManyNodes { .. }
                | CompileError::TooManyStates { .. }
                | CompileError::TooMuchMemory { .. }
                | CompileError::TooSlow { .. }
        )
    }
}

/// A duration as a reader writes it: `10 s`, `0.5 s`.
fn seconds(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis % 1000 == 0 {
        format!("{} s", millis / 1000)
    } else {
        format!("{} s", duration.as_secs_f64())
    }
}

/// Why the diagram gave no actions for an assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvalError {
    /// The answer depends on this variable, which the assignment lacks. It
    /// is the first such variable in the diagram's order that matters given
    /// the known values.
    Missing(Var),
    /// Every patient matching the assignment violates assumption `index`
    /// (the first violated one).
    Assumption(usize),
    /// The class is out of range for the variable.
    InvalidClass { var: Var, class: Class },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Missing(var) => write!(f, "the answer depends on missing variable {var}"),
            EvalError::Assumption(index) => write!(f, "the record violates assumption {index}"),
            EvalError::InvalidClass { var, class } => {
                write!(f, "class {class} is out of range for variable {var}")
            }
        }
    }
}

impl std::error::Error for EvalError {}

/// A leaf that holds actions, as returned by [`DecisionDiagram::eval_complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeafId(u32);

impl LeafId {
    /// The leaf with this index (for walking `0..leaf_count()`).
    ///
    /// # Panics
    /// If `index` is past `u32::MAX`, which no leaf index is: the builder
    /// numbers leaves in `u32` and stops at its budget first.
    pub fn new(index: usize) -> LeafId {
        LeafId(super::problem::index_u32(index))
    }

    /// The index of the leaf in the diagram's leaf table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NodeRec {
    var: Var,
    /// The variable's class count, kept here so evaluation reads one record.
    size: u32,
    /// The node's runs are `run_start[first..first + len]`.
    first: u32,
    len: u32,
}

/// One entry of the dense child table: the child and, when it is an inner
/// node, its variable, so that the next step can read the patient's class
/// while the child's own record is still being loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DenseChild {
    child: u32,
    var: Var,
}

/// What evaluation needs of an inner node, in a compact record of its own
/// (12 bytes, so that the nodes on the hot paths share cache lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StepRec {
    var: Var,
    size: u32,
    /// The node's children, one per class, are `dense[dense_first..][..size]`,
    /// or [`NO_DENSE`] when the dense table had no room for this node.
    dense_first: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LeafRec {
    /// The leaf's actions are `leaf_actions[first..first + len]`.
    first: u32,
    len: u32,
    /// The violated assumption, or [`POSSIBLE`].
    impossible: u32,
}

/// A compiled guideline: a reduced ordered decision diagram whose leaves are
/// the final actions. See the module documentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "DiagramFile", try_from = "DiagramFile")]
pub struct DecisionDiagram {
    var_sizes: Vec<u32>,
    order: Vec<Var>,
    /// A packed reference: a node index, or [`LEAF_BIT`] plus a leaf index.
    root: u32,
    /// Children come before their parents, so every child index is smaller.
    nodes: Vec<NodeRec>,
    /// First class of each run; the first run of a node starts at class 0.
    run_start: Vec<Class>,
    /// The packed child reference of each run.
    run_child: Vec<u32>,
    /// Packed child references per class, for evaluation: a step is then
    /// one load with no search over runs. Derived from the runs by
    /// [`DecisionDiagram::with_dense_children`].
    dense: Vec<DenseChild>,
    /// One per node, in the same order: the node as evaluation reads it.
    steps: Vec<StepRec>,
    /// Every node has a dense child table.
    all_dense: bool,
    leaves: Vec<LeafRec>,
    leaf_actions: Vec<Content>,
}

impl DecisionDiagram {
    /// Compiles a problem. Fails only when a budget in `options` is exceeded
    /// or the problem is malformed (an undeclared variable, an empty domain,
    /// an order that is not a permutation).
    pub fn compile(problem: &Problem, options: &CompileOptions) -> Result<Self, CompileError> {
        Builder::new(problem, options)?.build()
    }

    /// Compiles in declaration order and in most-used-first order and keeps
    /// the diagram with fewer nodes (declaration order on a tie, or when
    /// only it fits the budgets); `options.order` is not used. Fails with
    /// the declaration order's error when that one does not fit: the
    /// budgets bound the whole call, never twice over. A smaller
    /// diagram also has shorter paths as a rule: on `lage-rugpijn`, 1,515
    /// nodes against 1,752 and 14.0 tests per patient against 18.5.
    pub fn compile_smaller(
        problem: &Problem,
        options: &CompileOptions,
    ) -> Result<Self, CompileError> {
        in_smaller_order(
            options,
            |options| DecisionDiagram::compile(problem, options),
            |d| (d.node_count(), d.leaf_count()),
            false,
        )
    }

    /// Evaluates a possibly partial assignment (`None` = unknown; missing
    /// trailing entries are unknown too).
    ///
    /// Returns the final actions when every patient matching the known values
    /// (and satisfying the assumptions) gets the same ones. Otherwise reports the first variable, in the
    /// diagram's order, that the answer depends on given the known values.
    /// Unknown variables that do not matter are never asked for.
    pub fn eval(&self, assignment: &[Option<Class>]) -> Result<&[Content], EvalError> {
        let leaf = self.eval_leaf(assignment)?;
        Ok(self.leaf(leaf))
    }

    /// Like [`DecisionDiagram::eval`], returning the leaf.
    pub(crate) fn eval_leaf(&self, assignment: &[Option<Class>]) -> Result<LeafId, EvalError> {
        let mut current = self.root;
        while let Some(node) = self.node(current) {
            match assignment.get(node.var as usize).copied().flatten() {
                Some(class) => current = self.step(node, class)?,
                None => match self.restrict(current, assignment)? {
                    Restricted::Leaf(leaf) => {
                        current = leaf;
                        break;
                    }
                    Restricted::Depends(var) => return Err(EvalError::Missing(var)),
                },
            }
        }
        self.leaf_result(current)
    }

    /// Evaluates a complete assignment without allocating.
    pub fn eval_complete(&self, assignment: &[Class]) -> Result<LeafId, EvalError> {
        if self.all_dense && self.in_range(assignment) {
            if let Some(leaf) = self.walk_in_range(assignment) {
                return self.leaf_result(leaf);
            }
        }
        self.eval_checked(assignment)
    }

    /// Whether `assignment` has a class in range for every variable. One
    /// pass over the record (which the compiler vectorises) is cheaper than
    /// a check at every step.
    #[inline]
    fn in_range(&self, assignment: &[Class]) -> bool {
        assignment.len() >= self.var_sizes.len()
            && assignment
                .iter()
                .zip(&self.var_sizes)
                .fold(true, |ok, (&class, &size)| ok & (class < size))
    }

    /// The leaf reference for an assignment that [`Self::in_range`]
    /// accepted, on a diagram whose nodes all have dense tables; `None`
    /// only if an invariant is broken (the caller then takes the checked
    /// path).
    #[inline]
    fn walk_in_range(&self, assignment: &[Class]) -> Option<u32> {
        let mut at = self.dense_child(self.root);
        while at.child & LEAF_BIT == 0 {
            let node = self.steps.get(at.child as usize)?;
            let class = *assignment.get(at.var as usize)?;
            at = *self.dense.get(node.dense_first as usize + class as usize)?;
        }
        Some(at.child)
    }

    /// [`Self::walk_in_range`] for `LANES` records at once, in lockstep.
    #[inline]
    fn walk_lanes_in_range(&self, records: &[Class], width: usize) -> Option<[u32; LANES]> {
        let mut current = [self.dense_child(self.root); LANES];
        loop {
            let mut moved = false;
            for (lane, at) in current.iter_mut().enumerate() {
                if at.child & LEAF_BIT != 0 {
                    continue;
                }
                let node = self.steps.get(at.child as usize)?;
                let class = *records.get(lane * width + at.var as usize)?;
                *at = *self.dense.get(node.dense_first as usize + class as usize)?;
                moved = true;
            }
            if !moved {
                return Some(current.map(|at| at.child));
            }
        }
    }

    /// [`DecisionDiagram::eval_complete`] with every step checked.
    fn eval_checked(&self, assignment: &[Class]) -> Result<LeafId, EvalError> {
        let DenseChild {
            child: mut current,
            mut var,
        } = self.dense_child(self.root);
        // `var` comes with the reference, so the patient's class is read
        // while the node's record is still being loaded.
        while let Some(node) = self.step_rec(current) {
            let Some(&class) = assignment.get(var as usize) else {
                return Err(EvalError::Missing(node.var));
            };
            DenseChild {
                child: current,
                var,
            } = self.fast_step(current, node, class)?;
        }
        self.leaf_result(current)
    }

    /// Evaluates many complete assignments, `width` classes each, laid end
    /// to end in `records`, and appends one result per record to `out`, in
    /// order. Gives the same results as [`DecisionDiagram::eval_complete`]
    /// on each record; a trailing partial record is evaluated as it is.
    ///
    /// It is faster than one call per record: it walks several records in
    /// lockstep, so that their memory loads overlap instead of each waiting
    /// for the one before.
    pub fn eval_batch(
        &self,
        records: &[Class],
        width: usize,
        out: &mut Vec<Result<LeafId, EvalError>>,
    ) {
        let group = width.checked_mul(LANES);
        let Some(group) = group.filter(|_| width > 0 && width >= self.var_sizes.len()) else {
            // A record too short for some variable: the single-record path
            // reports which one is missing. (A width so large that a group
            // of records overflows holds at most one record.)
            for record in records.chunks(width.max(1)) {
                out.push(self.eval_complete(record));
            }
            return;
        };
        let mut chunks = records.chunks_exact(group);
        for chunk in chunks.by_ref() {
            self.eval_lanes(chunk, width, out);
        }
        for record in chunks.remainder().chunks(width) {
            out.push(self.eval_complete(record));
        }
    }

    /// [`DecisionDiagram::eval_batch`] for exactly `LANES` records of
    /// `width >= var_sizes.len()` classes each. The lockstep walk needs a
    /// fully dense diagram and records whose classes are all in range; any
    /// other group (rare) is evaluated one record at a time, which also
    /// says which class is out of range.
    #[inline]
    fn eval_lanes(
        &self,
        records: &[Class],
        width: usize,
        out: &mut Vec<Result<LeafId, EvalError>>,
    ) {
        let lane_records = records.chunks_exact(width).take(LANES);
        let walkable = self.all_dense
            && lane_records.len() == LANES
            && lane_records.clone().all(|record| self.in_range(record));
        if walkable {
            if let Some(leaves) = self.walk_lanes_in_range(records, width) {
                out.extend(leaves.into_iter().map(|leaf| self.leaf_result(leaf)));
                return;
            }
        }
        out.extend(lane_records.map(|record| self.eval_complete(record)));
    }

    /// The advice of a leaf, in the order of the final actions (empty for
    /// an unknown leaf).
    pub fn leaf(&self, leaf: LeafId) -> &[Content] {
        self.leaves
            .get(leaf.index())
            .and_then(|rec| {
                let first = rec.first as usize;
                self.leaf_actions.get(first..first + rec.len as usize)
            })
            .unwrap_or(&[])
    }

    /// The decisions taken while evaluating `assignment`: the variables the
    /// diagram read, in order, with their classes. Stops at a leaf, at the
    /// first unknown variable on the path, or at an out-of-range class.
    pub fn path(&self, assignment: &[Option<Class>]) -> Vec<(Var, Class)> {
        let mut out = Vec::new();
        let mut current = self.root;
        while let Some(node) = self.node(current) {
            let Some(class) = assignment.get(node.var as usize).copied().flatten() else {
                break;
            };
            let Ok(next) = self.step(node, class) else {
                break;
            };
            out.push((node.var, class));
            current = next;
        }
        out
    }

    /// A complete assignment that agrees with the known values of
    /// `assignment` and reaches a leaf with actions (so it violates no
    /// assumption): the first such patient in the diagram's order, taking
    /// the lowest class of every unknown variable that does not matter (and
    /// of every variable past the assignment's end). `None` when every
    /// completion violates an assumption or a known class is out of range.
    pub fn witness(&self, assignment: &[Option<Class>]) -> Option<Vec<Class>> {
        let mut point: Vec<Class> = (0..self.var_sizes.len())
            .map(|var| assignment.get(var).copied().flatten().unwrap_or(0))
            .collect();
        // Nodes from which no possible leaf is reached under the known
        // values; a variable is tested once per path, so this does not
        // depend on the path that led to the node.
        let mut dead: std::collections::HashSet<u32> = std::collections::HashSet::new();
        // Depth-first, children in class order: (node, next edge to try).
        let mut stack: Vec<(u32, usize)> = vec![(self.root, 0)];
        while let Some(&mut (reference, ref mut next)) = stack.last_mut() {
            let Some(node) = self.node(reference) else {
                let possible = self
                    .leaves
                    .get((reference & !LEAF_BIT) as usize)
                    .is_some_and(|rec| rec.impossible == POSSIBLE);
                if possible {
                    return Some(point);
                }
                stack.pop();
                continue;
            };
            let known = assignment.get(node.var as usize).copied().flatten();
            let edges: Vec<(Class, u32)> = match known {
                Some(class) => vec![(class, self.step(node, class).ok()?)],
                None => {
                    let first = node.first as usize;
                    let range = first..first + node.len as usize;
                    let starts = self.run_start.get(range.clone()).unwrap_or(&[]);
                    let children = self.run_child.get(range).unwrap_or(&[]);
                    starts
                        .iter()
                        .copied()
                        .zip(children.iter().copied())
                        .collect()
                }
            };
            let candidate = edges
                .iter()
                .skip(*next)
                .position(|(_, child)| !dead.contains(child));
            match candidate {
                Some(offset) => {
                    let index = *next + offset;
                    *next = index + 1;
                    if let (Some(&(class, child)), Some(slot)) =
                        (edges.get(index), point.get_mut(node.var as usize))
                    {
                        *slot = class;
                        stack.push((child, 0));
                    }
                }
                None => {
                    dead.insert(reference);
                    stack.pop();
                    // A dead leaf child is marked through its parent only.
                }
            }
        }
        None
    }

    /// The bytes the diagram holds, estimated from its tables' lengths.
    pub fn bytes(&self) -> usize {
        std::mem::size_of_val(self.nodes.as_slice())
            + std::mem::size_of_val(self.steps.as_slice())
            + std::mem::size_of_val(self.run_start.as_slice())
            + std::mem::size_of_val(self.run_child.as_slice())
            + std::mem::size_of_val(self.dense.as_slice())
            + std::mem::size_of_val(self.leaves.as_slice())
            + std::mem::size_of_val(self.leaf_actions.as_slice())
    }

    /// The number of inner nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The number of leaves, including those that mark violated assumptions.
    pub fn leaf_count(&self) -> usize {
        self.leaves.len()
    }

    /// The number of stored edges (runs of classes with the same child).
    pub fn edge_count(&self) -> usize {
        self.run_start.len()
    }

    /// The variable order: the diagram tests `order[i]` before `order[i + 1]`.
    pub fn order(&self) -> &[Var] {
        &self.order
    }

    /// The class count of every variable.
    pub fn var_sizes(&self) -> &[u32] {
        &self.var_sizes
    }

    /// The root, for walking the diagram (renderers, exports).
    pub fn root(&self) -> DiagramRef {
        unpack(self.root)
    }

    /// The variable an inner node tests, or `None` for an unknown node.
    pub(crate) fn node_var(&self, node: usize) -> Option<Var> {
        self.nodes.get(node).map(|n| n.var)
    }

    /// The edges of an inner node: each is the first and last class of a run
    /// of consecutive classes, and where that run leads. Runs cover the
    /// variable's classes in order.
    pub(crate) fn node_edges(&self, node: usize) -> Vec<(Class, Class, DiagramRef)> {
        let Some(rec) = self.nodes.get(node) else {
            return Vec::new();
        };
        let first = rec.first as usize;
        let range = first..first + rec.len as usize;
        let starts = self.run_start.get(range.clone()).unwrap_or(&[]);
        let children = self.run_child.get(range).unwrap_or(&[]);
        starts
            .iter()
            .zip(children)
            .enumerate()
            .map(|(index, (&from, &child))| {
                let to = starts
                    .get(index + 1)
                    .map_or(rec.size.saturating_sub(1), |next| next.saturating_sub(1));
                (from, to, unpack(child))
            })
            .collect()
    }

    /// For a leaf that marks patients who violate an assumption: the index
    /// of the assumption (in [`Problem::assumptions`]).
    pub(crate) fn leaf_violates(&self, leaf: LeafId) -> Option<usize> {
        self.leaves
            .get(leaf.index())
            .filter(|rec| rec.impossible != POSSIBLE)
            .map(|rec| rec.impossible as usize)
    }

    /// The node a packed reference points to, or `None` for a leaf.
    #[inline]
    fn node(&self, reference: u32) -> Option<&NodeRec> {
        if reference & LEAF_BIT == 0 {
            self.nodes.get(reference as usize)
        } else {
            None
        }
    }

    /// The child of `node` for `class`.
    #[inline]
    fn step(&self, node: &NodeRec, class: Class) -> Result<u32, EvalError> {
        if class >= node.size {
            return Err(EvalError::InvalidClass {
                var: node.var,
                class,
            });
        }
        Ok(self.step_by_runs(node, class))
    }

    /// The evaluation record of a packed reference, or `None` for a leaf.
    #[inline]
    fn step_rec(&self, reference: u32) -> Option<&StepRec> {
        if reference & LEAF_BIT == 0 {
            self.steps.get(reference as usize)
        } else {
            None
        }
    }

    /// The child of node `reference` (whose evaluation record is `node`) for
    /// `class`, with the child's variable (0 for a leaf): from the dense
    /// table when the node has one, else its runs.
    #[inline]
    fn fast_step(
        &self,
        reference: u32,
        node: &StepRec,
        class: Class,
    ) -> Result<DenseChild, EvalError> {
        if class >= node.size {
            return Err(EvalError::InvalidClass {
                var: node.var,
                class,
            });
        }
        if node.dense_first != NO_DENSE {
            // INVARIANT: `dense_first + size <= dense.len()` (set by
            // `with_dense_budget`) and `class < size`, so this is in range.
            let slot = node.dense_first as usize + class as usize;
            if let Some(&entry) = self.dense.get(slot) {
                return Ok(entry);
            }
        }
        // INVARIANT: `steps` and `nodes` are parallel, so the node exists.
        let child = self
            .nodes
            .get(reference as usize)
            .map_or(LEAF_BIT, |rec| self.step_by_runs(rec, class));
        Ok(self.dense_child(child))
    }

    /// A child reference with its variable (0 for a leaf).
    fn dense_child(&self, child: u32) -> DenseChild {
        DenseChild {
            child,
            var: self.step_rec(child).map_or(0, |node| node.var),
        }
    }

    /// The child of `node` for `class < node.size`, searched in its runs.
    #[inline]
    #[expect(
        clippy::indexing_slicing,
        reason = "hot path; the ranges are checked when the diagram is built or read"
    )]
    fn step_by_runs(&self, node: &NodeRec, class: Class) -> u32 {
        let first = node.first as usize;
        // INVARIANT: `first + len <= run_start.len() == run_child.len()`,
        // `len >= 1` and the first run starts at class 0 (checked by
        // `Builder::make_node` and `DiagramFile::validate`), so the count of
        // runs starting at or before `class` is at least 1.
        let starts = &self.run_start[first..first + node.len as usize];
        let runs_before = if starts.len() <= 8 {
            starts.iter().filter(|&&start| start <= class).count()
        } else {
            starts.partition_point(|&start| start <= class)
        };
        self.run_child[first + runs_before - 1]
    }

    /// Fills the dense child table from the runs, node by node, until it
    /// would hold [`DENSE_EXTRA_ENTRIES`] more entries than there are runs;
    /// nodes past that keep stepping through their runs.
    fn with_dense_children(self) -> Self {
        let budget = self.run_start.len().saturating_add(DENSE_EXTRA_ENTRIES);
        self.with_dense_budget(budget)
    }

    /// [`DecisionDiagram::with_dense_children`] with an explicit number of
    /// entries (whole nodes only; the nodes past it keep their runs).
    fn with_dense_budget(mut self, budget: usize) -> Self {
        // Every node's record first: the dense entries name their child's
        // variable, read from these.
        self.steps = self
            .nodes
            .iter()
            .map(|node| StepRec {
                var: node.var,
                size: node.size,
                dense_first: NO_DENSE,
            })
            .collect();
        let mut dense = Vec::new();
        let mut firsts = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let size = node.size as usize;
            let dense_first = match u32::try_from(dense.len()) {
                Ok(first) if first != NO_DENSE && dense.len() + size <= budget => {
                    dense.extend(
                        (0..node.size)
                            .map(|class| self.dense_child(self.step_by_runs(node, class))),
                    );
                    first
                }
                _ => NO_DENSE,
            };
            firsts.push(dense_first);
        }
        self.all_dense = firsts.iter().all(|&first| first != NO_DENSE);
        for (step, first) in self.steps.iter_mut().zip(firsts) {
            step.dense_first = first;
        }
        self.dense = dense;
        self
    }

    fn leaf_result(&self, reference: u32) -> Result<LeafId, EvalError> {
        let index = reference & !LEAF_BIT;
        match self.leaves.get(index as usize) {
            Some(rec) if rec.impossible != POSSIBLE => {
                Err(EvalError::Assumption(rec.impossible as usize))
            }
            _ => Ok(LeafId(index)),
        }
    }

    /// Restricts the sub-diagram at `start` to the known values of
    /// `assignment` and reduces it: either every completion that satisfies
    /// the assumptions reaches one leaf, or the reduced restriction's root
    /// names the first variable that matters. Completions that violate an
    /// assumption are don't-cares, as in [`Problem::outcome`].
    fn restrict(&self, start: u32, assignment: &[Option<Class>]) -> Result<Restricted, EvalError> {
        // Memo values are leaf references or, with `TEMP_BIT`, indices of
        // the restricted nodes built on the way. Those are hash-consed, so
        // equal restrictions compare equal and reduction stays exact.
        const TEMP_BIT: u32 = 1 << 30;
        let mut memo: HashMap<u32, u32> = HashMap::new();
        let mut unique: HashMap<(Var, Vec<(Class, u32)>), u32> = HashMap::new();
        let mut temp_vars: Vec<Var> = Vec::new();
        let mut stack: Vec<(u32, bool)> = vec![(start, false)];
        let lookup = |memo: &HashMap<u32, u32>, child: u32| -> Option<u32> {
            if child & LEAF_BIT != 0 {
                Some(child)
            } else {
                memo.get(&child).copied()
            }
        };
        while let Some((reference, expanded)) = stack.pop() {
            let Some(node) = self.node(reference) else {
                continue;
            };
            if memo.contains_key(&reference) {
                continue;
            }
            let known = assignment.get(node.var as usize).copied().flatten();
            let first = node.first as usize;
            let range = first..first + node.len as usize;
            let starts = self.run_start.get(range.clone()).unwrap_or(&[]);
            let children = self.run_child.get(range).unwrap_or(&[]);
            if !expanded {
                // Children are pushed after the node, so they finish first.
                stack.push((reference, true));
                match known {
                    Some(class) => stack.push((self.step(node, class)?, false)),
                    None => stack.extend(children.iter().map(|&child| (child, false))),
                }
                continue;
            }
            let result = match known {
                Some(class) => lookup(&memo, self.step(node, class)?),
                None => {
                    // Regions that violate an assumption are no patient's
                    // answer: when some child is possible, the impossible
                    // ones do not make the unknown variable matter.
                    let results: Vec<(Class, u32)> = starts
                        .iter()
                        .zip(children)
                        .filter_map(|(&from, &child)| Some((from, lookup(&memo, child)?)))
                        .collect();
                    let possible = |result: u32| {
                        if result & LEAF_BIT != 0 {
                            self.leaves
                                .get((result & !LEAF_BIT) as usize)
                                .is_some_and(|rec| rec.impossible == POSSIBLE)
                        } else {
                            // INVARIANT: restricted nodes are built only
                            // over children some patient reaches.
                            true
                        }
                    };
                    let any_possible = results.iter().any(|&(_, result)| possible(result));
                    if !any_possible {
                        // No patient matches: report the first assumption
                        // violated, whatever the unknown variable is.
                        let first_violated =
                            results
                                .iter()
                                .map(|&(_, result)| result)
                                .min_by_key(|&result| {
                                    self.leaves
                                        .get((result & !LEAF_BIT) as usize)
                                        .map_or(u32::MAX, |rec| rec.impossible)
                                });
                        if let Some(result) = first_violated {
                            memo.insert(reference, result);
                        }
                        continue;
                    }
                    let mut runs: Vec<(Class, u32)> = Vec::with_capacity(results.len());
                    for (from, result) in results {
                        if !possible(result) {
                            continue;
                        }
                        if runs.last().is_none_or(|&(_, last)| last != result) {
                            runs.push((from, result));
                        }
                    }
                    match runs.as_slice() {
                        [] => None,
                        [(_, only)] => Some(*only),
                        _ => {
                            let next = u32::try_from(temp_vars.len()).unwrap_or(0);
                            let id = *unique.entry((node.var, runs)).or_insert(next);
                            if id == next {
                                temp_vars.push(node.var);
                            }
                            Some(TEMP_BIT | id)
                        }
                    }
                }
            };
            if let Some(result) = result {
                memo.insert(reference, result);
            }
        }
        let result = memo.get(&start).copied().unwrap_or(start);
        if result & LEAF_BIT == 0 {
            let var = temp_vars
                .get((result & !TEMP_BIT) as usize)
                .copied()
                .unwrap_or(0);
            return Ok(Restricted::Depends(var));
        }
        Ok(Restricted::Leaf(result))
    }
}

/// A node or leaf of a diagram, as seen from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagramRef {
    /// An inner node, by index; children have smaller indices than parents.
    Node(usize),
    Leaf(LeafId),
}

fn unpack(reference: u32) -> DiagramRef {
    if reference & LEAF_BIT == 0 {
        DiagramRef::Node(reference as usize)
    } else {
        DiagramRef::Leaf(LeafId(reference & !LEAF_BIT))
    }
}

/// The result of [`DecisionDiagram::restrict`].
enum Restricted {
    /// A packed leaf reference.
    Leaf(u32),
    /// The first variable the restricted diagram tests.
    Depends(Var),
}

// ---------------------------------------------------------------------------
// Interned formulas in negation normal form.

/// Builds in declaration order, then in most-used-first order, and keeps
/// the one with fewer nodes (the second on a tie when `second_on_tie`).
/// The second order only matters if it is smaller than the first: it stops
/// as soon as it outgrows the first, and it shares the first's time budget.
/// When the first overruns a budget the second is not built at all (it
/// would as a rule overrun too, after as long again). `size` gives nodes
/// and leaves.
pub(super) fn in_smaller_order<D>(
    options: &CompileOptions,
    compile: impl Fn(&CompileOptions) -> Result<D, CompileError>,
    size: impl Fn(&D) -> (usize, usize),
    second_on_tie: bool,
) -> Result<D, CompileError> {
    let started = options
        .time_limit
        .map(|limit| (std::time::Instant::now(), limit));
    let declared = compile(&CompileOptions {
        order: VarOrder::Declaration,
        ..options.clone()
    })?;
    let time_limit = match started {
        Some((start, limit)) => match limit.checked_sub(start.elapsed()) {
            Some(left) => Some(left),
            None => return Ok(declared),
        },
        None => None,
    };
    let (nodes, leaves) = size(&declared);
    let most_used = compile(&CompileOptions {
        order: VarOrder::MostUsedFirst,
        max_nodes: options
            .max_nodes
            .min(nodes + leaves + usize::from(second_on_tie)),
        time_limit,
        ..options.clone()
    });
    match most_used {
        Ok(most_used) => {
            let better = size(&most_used).0;
            if better < nodes || (second_on_tie && better == nodes) {
                Ok(most_used)
            } else {
                Ok(declared)
            }
        }
        Err(_) => Ok(declared),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::generate::{ProblemParams, SplitMix64, random_assignment, random_problem};

    /// Nodes past the dense table's budget step through their runs and give
    /// the same children, whatever the budget.
    #[test]
    fn dense_table_and_runs_give_the_same_answers() {
        let params = ProblemParams::default();
        for seed in 0..200 {
            let problem = random_problem(seed, &params);
            let Ok(full) = DecisionDiagram::compile(&problem, &CompileOptions::default()) else {
                continue;
            };
            let dense_entries = full.dense.len();
            let nodes = full.nodes.len();
            assert_eq!(
                full.steps
                    .iter()
                    .filter(|n| n.dense_first != NO_DENSE)
                    .count(),
                nodes,
                "small diagrams are dense throughout"
            );
            let partly = full.clone().with_dense_budget(dense_entries / 2);
            let none = full.clone().with_dense_budget(0);
            assert!(none.dense.is_empty());
            assert!(partly.steps.iter().any(|n| n.dense_first == NO_DENSE) || nodes == 0);
            let mut rng = SplitMix64::new(seed);
            let mut records = Vec::new();
            let mut expected_all = Vec::new();
            for _ in 0..64 {
                let point = random_assignment(&mut rng, &problem.var_sizes);
                let expected = full.eval_complete(&point);
                assert_eq!(partly.eval_complete(&point), expected);
                assert_eq!(none.eval_complete(&point), expected);
                records.extend_from_slice(&point);
                expected_all.push(expected);
            }
            // Batches over diagrams that are not fully dense take the
            // one-record path and give the same results.
            let width = problem.var_sizes.len();
            if width > 0 {
                for diagram in [&full, &partly, &none] {
                    let mut got = Vec::new();
                    diagram.eval_batch(&records, width, &mut got);
                    assert_eq!(got, expected_all);
                }
            }
        }
    }
}
