//! The compiled decision diagram a guideline is evaluated on.
//!
//! A [`DecisionDiagram`] is a reduced, ordered multi-valued decision diagram
//! for [`Problem::outcome`]: every inner node tests one variable and has one
//! edge per value class (stored as runs of consecutive classes that go to the
//! same child), equal sub-diagrams are stored once, and a node whose variable
//! does not matter is left out. Leaves hold the final actions (after
//! alternatives and overrides), or mark a region that violates an assumption.
//!
//! Leaves are action lists, never sets of fired rules: rules without actions
//! and actions that overrides drop do not split the diagram. The fired rules
//! of one patient can be recomputed from [`DecisionDiagram::path`].
//!
//! Construction is a Shannon expansion over the variables in a fixed order.
//! The state of the expansion is the list of residual conditions (every
//! assumption, rule condition and alternative condition, simplified under
//! the classes chosen so far); equal states are expanded once, and nodes are
//! hash-consed bottom-up, so the result is the canonical diagram for the
//! chosen order whatever the syntax of the conditions. Only the classes an
//! atom can tell apart are expanded separately, so numeric inputs with many
//! classes cost as much as their thresholds, not their class count.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::problem::{Class, Formula, Problem, ResolvedAction, RuleId, Var};

/// The `schema_version` written into, and required from, serialized diagrams.
pub const SCHEMA_VERSION: u32 = 1;

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
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            order: VarOrder::Declaration,
            max_nodes: 2_000_000,
            max_states: 4_000_000,
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
    pub fn new(index: usize) -> LeafId {
        LeafId(u32::try_from(index).unwrap_or(u32::MAX))
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
    leaf_actions: Vec<ResolvedAction>,
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
    /// only it fits the budgets); `options.order` is not used. A smaller
    /// diagram also has shorter paths as a rule: on `lage-rugpijn`, 1,515
    /// nodes against 1,752 and 14.0 tests per patient against 18.5.
    pub fn compile_smaller(
        problem: &Problem,
        options: &CompileOptions,
    ) -> Result<Self, CompileError> {
        let build = |order: VarOrder| {
            DecisionDiagram::compile(
                problem,
                &CompileOptions {
                    order,
                    ..options.clone()
                },
            )
        };
        match (build(VarOrder::Declaration), build(VarOrder::MostUsedFirst)) {
            (Ok(declared), Ok(most_used)) if most_used.node_count() < declared.node_count() => {
                Ok(most_used)
            }
            (Ok(declared), _) => Ok(declared),
            (Err(_), Ok(most_used)) => Ok(most_used),
            (Err(error), Err(_)) => Err(error),
        }
    }

    /// Evaluates a possibly partial assignment (`None` = unknown; missing
    /// trailing entries are unknown too).
    ///
    /// Returns the final actions when every patient matching the known values
    /// (and satisfying the assumptions) gets the same ones. Otherwise reports the first variable, in the
    /// diagram's order, that the answer depends on given the known values.
    /// Unknown variables that do not matter are never asked for.
    pub fn eval(&self, assignment: &[Option<Class>]) -> Result<&[ResolvedAction], EvalError> {
        let leaf = self.eval_leaf(assignment)?;
        Ok(self.leaf(leaf))
    }

    /// Like [`DecisionDiagram::eval`], returning the leaf.
    pub fn eval_leaf(&self, assignment: &[Option<Class>]) -> Result<LeafId, EvalError> {
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

    /// The actions of a leaf (empty for an unknown leaf).
    pub fn leaf(&self, leaf: LeafId) -> &[ResolvedAction] {
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
    pub fn node_var(&self, node: usize) -> Option<Var> {
        self.nodes.get(node).map(|n| n.var)
    }

    /// The edges of an inner node: each is the first and last class of a run
    /// of consecutive classes, and where that run leads. Runs cover the
    /// variable's classes in order.
    pub fn node_edges(&self, node: usize) -> Vec<(Class, Class, DiagramRef)> {
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
    pub fn leaf_violates(&self, leaf: LeafId) -> Option<usize> {
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

/// An interned formula; [`F_FALSE`] and [`F_TRUE`] are the constants.
type FId = u32;
const F_FALSE: FId = 0;
const F_TRUE: FId = 1;

/// A set of classes as sorted, disjoint, non-adjacent half-open runs.
type Runs = Box<[(Class, Class)]>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FNode {
    Const(bool),
    /// The variable's class is in the runs (never empty, never everything).
    Atom {
        var: Var,
        runs: Runs,
    },
    /// Sorted, deduplicated, at least two, at most one atom per variable.
    And(Box<[FId]>),
    Or(Box<[FId]>),
}

struct Arena {
    nodes: Vec<FNode>,
    /// The order position of the first variable a formula mentions, or
    /// `u32::MAX` for a constant.
    top: Vec<u32>,
    table: HashMap<FNode, FId>,
    /// `position[var]` is the variable's position in the order.
    position: Vec<u32>,
    sizes: Vec<u32>,
    /// Cofactors by the formula and the class of its top variable.
    cofactors: HashMap<(FId, Class), FId>,
}

impl Arena {
    fn new(position: Vec<u32>, sizes: Vec<u32>) -> Self {
        let mut arena = Arena {
            nodes: Vec::new(),
            top: Vec::new(),
            table: HashMap::new(),
            position,
            sizes,
            cofactors: HashMap::new(),
        };
        arena.intern(FNode::Const(false), u32::MAX);
        arena.intern(FNode::Const(true), u32::MAX);
        arena
    }

    fn intern(&mut self, node: FNode, top: u32) -> FId {
        if let Some(&id) = self.table.get(&node) {
            return id;
        }
        let id = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(node.clone());
        self.top.push(top);
        self.table.insert(node, id);
        id
    }

    fn top(&self, f: FId) -> u32 {
        self.top.get(f as usize).copied().unwrap_or(u32::MAX)
    }

    fn size(&self, var: Var) -> u32 {
        self.sizes.get(var as usize).copied().unwrap_or(0)
    }

    fn atom(&mut self, var: Var, runs: Vec<(Class, Class)>) -> FId {
        let size = self.size(var);
        match runs.as_slice() {
            [] => F_FALSE,
            [(0, end)] if *end >= size => F_TRUE,
            _ => {
                let top = self.position.get(var as usize).copied().unwrap_or(u32::MAX);
                self.intern(
                    FNode::Atom {
                        var,
                        runs: runs.into_boxed_slice(),
                    },
                    top,
                )
            }
        }
    }

    /// Converts a formula to negation normal form (negated when `negate`).
    fn lower(&mut self, formula: &Formula, negate: bool) -> Result<FId, CompileError> {
        Ok(match formula {
            Formula::True => constant(!negate),
            Formula::False => constant(negate),
            Formula::In { var, classes } => {
                let size = self.size(*var);
                if (*var as usize) >= self.sizes.len() {
                    return Err(CompileError::UnknownVariable(*var));
                }
                let mut sorted: Vec<Class> =
                    classes.iter().copied().filter(|&c| c < size).collect();
                sorted.sort_unstable();
                sorted.dedup();
                let mut runs = runs_from_sorted(&sorted);
                if negate {
                    runs = complement(&runs, size);
                }
                self.atom(*var, runs)
            }
            Formula::Not(inner) => self.lower(inner, !negate)?,
            Formula::And(parts) | Formula::Or(parts) => {
                let mut children = Vec::with_capacity(parts.len());
                for part in parts {
                    children.push(self.lower(part, negate)?);
                }
                // De Morgan: a negated conjunction is a disjunction.
                if matches!(formula, Formula::And(_)) != negate {
                    self.and(children)
                } else {
                    self.or(children)
                }
            }
        })
    }

    fn and(&mut self, children: Vec<FId>) -> FId {
        self.combine(children, true)
    }

    fn or(&mut self, children: Vec<FId>) -> FId {
        self.combine(children, false)
    }

    /// Builds a simplified conjunction (`is_and`) or disjunction: flattened,
    /// without neutral elements, with atoms on one variable merged, sorted.
    fn combine(&mut self, children: Vec<FId>, is_and: bool) -> FId {
        let (absorbing, neutral) = if is_and {
            (F_FALSE, F_TRUE)
        } else {
            (F_TRUE, F_FALSE)
        };
        let mut flat: Vec<FId> = Vec::with_capacity(children.len());
        let mut atoms: Vec<(Var, Runs)> = Vec::new();
        for child in children {
            if child == absorbing {
                return absorbing;
            }
            if child == neutral {
                continue;
            }
            match self.nodes.get(child as usize) {
                Some(FNode::And(inner)) if is_and => flat.extend(inner.iter().copied()),
                Some(FNode::Or(inner)) if !is_and => flat.extend(inner.iter().copied()),
                _ => flat.push(child),
            }
        }
        // Merge atoms on the same variable so that contradictions and
        // tautologies within one variable become constants.
        let mut others: Vec<FId> = Vec::with_capacity(flat.len());
        for child in flat {
            match self.nodes.get(child as usize) {
                Some(FNode::Atom { var, runs }) => atoms.push((*var, runs.clone())),
                _ => others.push(child),
            }
        }
        atoms.sort_by_key(|(var, _)| *var);
        let mut index = 0;
        while let Some((var, runs)) = atoms.get(index) {
            let var = *var;
            let mut merged: Vec<(Class, Class)> = runs.to_vec();
            index += 1;
            while let Some((next_var, next_runs)) = atoms.get(index) {
                if *next_var != var {
                    break;
                }
                merged = if is_and {
                    intersect(&merged, next_runs)
                } else {
                    union(&merged, next_runs)
                };
                index += 1;
            }
            let atom = self.atom(var, merged);
            if atom == absorbing {
                return absorbing;
            }
            if atom != neutral {
                others.push(atom);
            }
        }
        others.sort_unstable();
        others.dedup();
        match others.as_slice() {
            [] => neutral,
            [only] => *only,
            _ => {
                let top = others
                    .iter()
                    .map(|&f| self.top(f))
                    .min()
                    .unwrap_or(u32::MAX);
                let node = if is_and {
                    FNode::And(others.into_boxed_slice())
                } else {
                    FNode::Or(others.into_boxed_slice())
                };
                self.intern(node, top)
            }
        }
    }

    /// The formula with the variable at order position `position` fixed to
    /// `class`. Formulas whose first variable is later are unchanged.
    fn cofactor(&mut self, f: FId, position: u32, class: Class) -> FId {
        if self.top(f) != position {
            return f;
        }
        if let Some(&done) = self.cofactors.get(&(f, class)) {
            return done;
        }
        let result = match self.nodes.get(f as usize).cloned() {
            Some(FNode::Atom { runs, .. }) => constant(contains(&runs, class)),
            Some(FNode::And(children)) => {
                let parts = children
                    .iter()
                    .map(|&child| self.cofactor(child, position, class))
                    .collect();
                self.and(parts)
            }
            Some(FNode::Or(children)) => {
                let parts = children
                    .iter()
                    .map(|&child| self.cofactor(child, position, class))
                    .collect();
                self.or(parts)
            }
            Some(FNode::Const(_)) | None => f,
        };
        self.cofactors.insert((f, class), result);
        result
    }

    /// Adds to `out` every class at which membership in an atom on the
    /// variable at `position` changes.
    fn boundaries(&self, f: FId, position: u32, out: &mut Vec<Class>) {
        if self.top(f) != position {
            return;
        }
        match self.nodes.get(f as usize) {
            Some(FNode::Atom { runs, .. }) => {
                for &(start, end) in runs.iter() {
                    out.push(start);
                    out.push(end);
                }
            }
            Some(FNode::And(children) | FNode::Or(children)) => {
                for &child in children.iter() {
                    self.boundaries(child, position, out);
                }
            }
            Some(FNode::Const(_)) | None => {}
        }
    }
}

fn constant(value: bool) -> FId {
    if value { F_TRUE } else { F_FALSE }
}

fn runs_from_sorted(classes: &[Class]) -> Vec<(Class, Class)> {
    let mut runs: Vec<(Class, Class)> = Vec::new();
    for &class in classes {
        match runs.last_mut() {
            Some((_, end)) if *end == class => *end = class + 1,
            _ => runs.push((class, class + 1)),
        }
    }
    runs
}

fn complement(runs: &[(Class, Class)], size: u32) -> Vec<(Class, Class)> {
    let mut out = Vec::with_capacity(runs.len() + 1);
    let mut next = 0;
    for &(start, end) in runs {
        if start > next {
            out.push((next, start));
        }
        next = end;
    }
    if next < size {
        out.push((next, size));
    }
    out
}

fn intersect(a: &[(Class, Class)], b: &[(Class, Class)]) -> Vec<(Class, Class)> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while let (Some(&(a_start, a_end)), Some(&(b_start, b_end))) = (a.get(i), b.get(j)) {
        let start = a_start.max(b_start);
        let end = a_end.min(b_end);
        if start < end {
            out.push((start, end));
        }
        if a_end < b_end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn union(a: &[(Class, Class)], b: &[(Class, Class)]) -> Vec<(Class, Class)> {
    let mut all: Vec<(Class, Class)> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    let mut out: Vec<(Class, Class)> = Vec::with_capacity(all.len());
    for (start, end) in all {
        match out.last_mut() {
            Some((_, last_end)) if start <= *last_end => *last_end = (*last_end).max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

fn contains(runs: &[(Class, Class)], class: Class) -> bool {
    let after = runs.partition_point(|&(start, _)| start <= class);
    after
        .checked_sub(1)
        .and_then(|index| runs.get(index))
        .is_some_and(|&(_, end)| class < end)
}

// ---------------------------------------------------------------------------
// Construction.

/// What a condition in the expansion state belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Assumption(usize),
    When(RuleId),
    Alternative {
        rule: RuleId,
        action: usize,
        alternative: usize,
    },
}

/// An expansion state: `(slot, residual)` pairs sorted by slot. Assumptions
/// that hold and rules or alternatives that fail are removed; a fired rule
/// keeps its `When` slot with [`F_TRUE`]; a chosen alternative keeps its slot
/// with [`F_TRUE`] and drops the later ones. After a violated assumption only
/// the earlier undecided assumptions and the violated one (with [`F_FALSE`])
/// remain, because only they decide which assumption is reported.
type State = Vec<(u32, FId)>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum LeafKey {
    Actions(Vec<ResolvedAction>),
    Impossible(u32),
}

/// A state being expanded on the variable at order position `position`.
struct Frame {
    state: State,
    position: u32,
    var: Var,
    /// First class of each block of classes that no condition tells apart.
    blocks: Vec<Class>,
    children: Vec<u32>,
}

struct Builder<'p> {
    problem: &'p Problem,
    options: &'p CompileOptions,
    arena: Arena,
    order: Vec<Var>,
    slots: Vec<Slot>,
    assumption_count: u32,
    initial: State,
    memo: HashMap<State, u32>,
    nodes: Vec<NodeRec>,
    run_start: Vec<Class>,
    run_child: Vec<u32>,
    unique: HashMap<(Var, Vec<(Class, u32)>), u32>,
    leaves: Vec<LeafRec>,
    leaf_actions: Vec<ResolvedAction>,
    leaf_table: HashMap<LeafKey, u32>,
}

impl<'p> Builder<'p> {
    fn new(problem: &'p Problem, options: &'p CompileOptions) -> Result<Self, CompileError> {
        let var_count = problem.var_sizes.len();
        for (var, &size) in problem.var_sizes.iter().enumerate() {
            if size == 0 {
                return Err(CompileError::EmptyDomain(
                    u32::try_from(var).unwrap_or(u32::MAX),
                ));
            }
        }
        let order = variable_order(problem, &options.order)?;
        let mut position = vec![0u32; var_count];
        for (index, &var) in order.iter().enumerate() {
            if let Some(slot) = position.get_mut(var as usize) {
                *slot = u32::try_from(index).unwrap_or(u32::MAX);
            }
        }
        let mut arena = Arena::new(position, problem.var_sizes.clone());
        let mut slots = Vec::new();
        let mut initial = Vec::new();
        let too_many = CompileError::TooManyNodes {
            limit: options.max_nodes,
        };
        let mut add = |slots: &mut Vec<Slot>, slot: Slot, f: FId| -> Result<(), CompileError> {
            let id = u32::try_from(slots.len()).map_err(|_| too_many.clone())?;
            slots.push(slot);
            initial.push((id, f));
            Ok(())
        };
        for (index, assumption) in problem.assumptions.iter().enumerate() {
            let f = arena.lower(assumption, false)?;
            add(&mut slots, Slot::Assumption(index), f)?;
        }
        for (rule_id, rule) in problem.rules.iter().enumerate() {
            let f = arena.lower(&rule.when, false)?;
            add(&mut slots, Slot::When(rule_id), f)?;
            for (action_index, action) in rule.actions.iter().enumerate() {
                for (alt_index, (condition, _)) in action.alternatives.iter().enumerate() {
                    let f = arena.lower(condition, false)?;
                    add(
                        &mut slots,
                        Slot::Alternative {
                            rule: rule_id,
                            action: action_index,
                            alternative: alt_index,
                        },
                        f,
                    )?;
                }
            }
        }
        Ok(Builder {
            problem,
            options,
            arena,
            order,
            slots,
            assumption_count: u32::try_from(problem.assumptions.len()).unwrap_or(u32::MAX),
            initial,
            memo: HashMap::new(),
            nodes: Vec::new(),
            run_start: Vec::new(),
            run_child: Vec::new(),
            unique: HashMap::new(),
            leaves: Vec::new(),
            leaf_actions: Vec::new(),
            leaf_table: HashMap::new(),
        })
    }

    fn build(mut self) -> Result<DecisionDiagram, CompileError> {
        let initial = std::mem::take(&mut self.initial);
        let initial = self.normalize(initial);
        let mut stack: Vec<Frame> = Vec::new();
        let mut root = match self.visit(initial)? {
            Visit::Done(reference) => Some(reference),
            Visit::Expand(frame) => {
                stack.push(frame);
                None
            }
        };
        while let Some(frame) = stack.last_mut() {
            let Some(&class) = frame.blocks.get(frame.children.len()) else {
                // Every block has its child: build the node.
                let Some(frame) = stack.pop() else {
                    break;
                };
                let reference = self.make_node(frame.var, &frame.blocks, &frame.children)?;
                self.memo.insert(frame.state, reference);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(reference),
                    None => root = Some(reference),
                }
                continue;
            };
            let position = frame.position;
            let child: State = frame
                .state
                .iter()
                .map(|&(slot, f)| (slot, self.arena.cofactor(f, position, class)))
                .collect();
            let child = self.normalize(child);
            match self.visit(child)? {
                Visit::Done(reference) => frame.children.push(reference),
                Visit::Expand(next) => stack.push(next),
            }
        }
        let root = root.unwrap_or(LEAF_BIT);
        Ok(DecisionDiagram {
            var_sizes: self.problem.var_sizes.clone(),
            order: self.order,
            root,
            nodes: self.nodes,
            run_start: self.run_start,
            run_child: self.run_child,
            dense: Vec::new(),
            steps: Vec::new(),
            all_dense: false,
            leaves: self.leaves,
            leaf_actions: self.leaf_actions,
        }
        .with_dense_children())
    }

    /// Looks a state up, turns a decided state into a leaf, or prepares the
    /// expansion of an undecided one.
    fn visit(&mut self, state: State) -> Result<Visit, CompileError> {
        if let Some(&reference) = self.memo.get(&state) {
            return Ok(Visit::Done(reference));
        }
        let position = state
            .iter()
            .map(|&(_, f)| self.arena.top(f))
            .min()
            .unwrap_or(u32::MAX);
        if position == u32::MAX {
            return self.leaf(&state).map(Visit::Done);
        }
        if self.memo.len() >= self.options.max_states {
            return Err(CompileError::TooManyStates {
                limit: self.options.max_states,
            });
        }
        let var = self.order.get(position as usize).copied().unwrap_or(0);
        let size = self.arena.size(var);
        let mut blocks = vec![0];
        for &(_, f) in &state {
            self.arena.boundaries(f, position, &mut blocks);
        }
        blocks.retain(|&class| class < size);
        blocks.sort_unstable();
        blocks.dedup();
        Ok(Visit::Expand(Frame {
            state,
            position,
            var,
            children: Vec::with_capacity(blocks.len()),
            blocks,
        }))
    }

    fn slot(&self, slot: u32) -> Option<Slot> {
        self.slots.get(slot as usize).copied()
    }

    /// Applies the state invariants described at [`State`].
    fn normalize(&self, items: State) -> State {
        let violated = items
            .iter()
            .find(|&&(slot, f)| slot < self.assumption_count && f == F_FALSE)
            .map(|&(slot, _)| slot);
        if let Some(violated) = violated {
            return items
                .into_iter()
                .filter(|&(slot, f)| slot == violated || (slot < violated && f != F_TRUE))
                .collect();
        }
        let mut out = Vec::with_capacity(items.len());
        let mut failed_rule: Option<RuleId> = None;
        let mut decided_action: Option<(RuleId, usize)> = None;
        for (slot, f) in items {
            match self.slot(slot) {
                Some(Slot::Assumption(_)) if f != F_TRUE => out.push((slot, f)),
                Some(Slot::Assumption(_)) => {}
                Some(Slot::When(rule)) => {
                    if f == F_FALSE {
                        failed_rule = Some(rule);
                    } else {
                        out.push((slot, f));
                    }
                }
                Some(Slot::Alternative { rule, action, .. }) => {
                    if failed_rule == Some(rule)
                        || decided_action == Some((rule, action))
                        || f == F_FALSE
                    {
                        continue;
                    }
                    if f == F_TRUE {
                        decided_action = Some((rule, action));
                    }
                    out.push((slot, f));
                }
                None => {}
            }
        }
        out
    }

    /// The leaf for a decided state, computed as [`Problem::outcome`] does.
    fn leaf(&mut self, state: &State) -> Result<u32, CompileError> {
        let mut fired: Vec<RuleId> = Vec::new();
        let mut chosen: HashMap<(RuleId, usize), usize> = HashMap::new();
        for &(slot, _) in state {
            match self.slot(slot) {
                Some(Slot::Assumption(index)) => {
                    let index = u32::try_from(index).unwrap_or(u32::MAX - 1);
                    return self.intern_leaf(LeafKey::Impossible(index));
                }
                Some(Slot::When(rule)) => fired.push(rule),
                Some(Slot::Alternative {
                    rule,
                    action,
                    alternative,
                }) => {
                    chosen.insert((rule, action), alternative);
                }
                None => {}
            }
        }
        let resolved: Vec<Vec<ResolvedAction>> = fired
            .iter()
            .map(|&rule_id| {
                let Some(rule) = self.problem.rules.get(rule_id) else {
                    return Vec::new();
                };
                rule.actions
                    .iter()
                    .enumerate()
                    .map(|(index, action)| {
                        let alternative = chosen.get(&(rule_id, index)).copied();
                        let target = alternative
                            .and_then(|alt| action.alternatives.get(alt))
                            .map_or(action.target, |(_, target)| *target);
                        ResolvedAction {
                            rule: rule_id,
                            action: index,
                            kind: action.kind,
                            target,
                            urgency: action.urgency,
                            alternative,
                            instead: action.instead,
                        }
                    })
                    .collect()
            })
            .collect();
        let mut actions = Vec::new();
        for (&rule_id, rule_actions) in fired.iter().zip(&resolved) {
            for action in rule_actions {
                let dropped = fired.iter().zip(&resolved).any(|(&other, other_actions)| {
                    other != rule_id
                        && self
                            .problem
                            .rules
                            .get(other)
                            .is_some_and(|r| r.overrides.contains(&rule_id))
                        && other_actions.iter().any(|o| o.clashes_with(action))
                });
                if !dropped {
                    actions.push(*action);
                }
            }
        }
        self.intern_leaf(LeafKey::Actions(actions))
    }

    fn intern_leaf(&mut self, key: LeafKey) -> Result<u32, CompileError> {
        if let Some(&reference) = self.leaf_table.get(&key) {
            return Ok(reference);
        }
        self.check_size()?;
        let index = u32::try_from(self.leaves.len()).map_err(|_| self.too_many_nodes())?;
        let first = u32::try_from(self.leaf_actions.len()).map_err(|_| self.too_many_nodes())?;
        let rec = match &key {
            LeafKey::Actions(actions) => {
                self.leaf_actions.extend_from_slice(actions);
                LeafRec {
                    first,
                    len: u32::try_from(actions.len()).map_err(|_| self.too_many_nodes())?,
                    impossible: POSSIBLE,
                }
            }
            LeafKey::Impossible(index) => LeafRec {
                first,
                len: 0,
                impossible: *index,
            },
        };
        self.leaves.push(rec);
        let reference = LEAF_BIT | index;
        self.leaf_table.insert(key, reference);
        Ok(reference)
    }

    /// Builds (or finds) the node testing `var` with one child per block;
    /// a node whose children are all equal is that child.
    fn make_node(
        &mut self,
        var: Var,
        blocks: &[Class],
        children: &[u32],
    ) -> Result<u32, CompileError> {
        let mut runs: Vec<(Class, u32)> = Vec::with_capacity(blocks.len());
        for (&start, &child) in blocks.iter().zip(children) {
            if runs.last().is_none_or(|&(_, last)| last != child) {
                runs.push((start, child));
            }
        }
        if let [(_, only)] = runs.as_slice() {
            return Ok(*only);
        }
        let size = self.arena.size(var);
        let key = (var, runs);
        if let Some(&reference) = self.unique.get(&key) {
            return Ok(reference);
        }
        self.check_size()?;
        let (_, runs) = &key;
        let reference = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&r| r < LEAF_BIT >> 1)
            .ok_or_else(|| self.too_many_nodes())?;
        let first = u32::try_from(self.run_start.len()).map_err(|_| self.too_many_nodes())?;
        let len = u32::try_from(runs.len()).map_err(|_| self.too_many_nodes())?;
        self.run_start.extend(runs.iter().map(|&(start, _)| start));
        self.run_child.extend(runs.iter().map(|&(_, child)| child));
        self.nodes.push(NodeRec {
            var,
            size,
            first,
            len,
        });
        self.unique.insert(key, reference);
        Ok(reference)
    }

    fn check_size(&self) -> Result<(), CompileError> {
        if self.nodes.len() + self.leaves.len() >= self.options.max_nodes {
            return Err(self.too_many_nodes());
        }
        Ok(())
    }

    fn too_many_nodes(&self) -> CompileError {
        CompileError::TooManyNodes {
            limit: self.options.max_nodes,
        }
    }
}

enum Visit {
    Done(u32),
    Expand(Frame),
}

/// The variable order for `order`, checked to be a permutation.
fn variable_order(problem: &Problem, order: &VarOrder) -> Result<Vec<Var>, CompileError> {
    let count = u32::try_from(problem.var_sizes.len()).map_err(|_| CompileError::InvalidOrder)?;
    match order {
        VarOrder::Declaration => Ok((0..count).collect()),
        VarOrder::MostUsedFirst => {
            let mut uses = vec![0usize; problem.var_sizes.len()];
            let mut count_uses = |formula: &Formula| {
                let mut vars = Vec::new();
                formula.collect_vars(&mut vars);
                vars.sort_unstable();
                vars.dedup();
                for var in vars {
                    if let Some(slot) = uses.get_mut(var as usize) {
                        *slot += 1;
                    }
                }
            };
            for assumption in &problem.assumptions {
                count_uses(assumption);
            }
            for rule in &problem.rules {
                count_uses(&rule.when);
                for action in &rule.actions {
                    for (condition, _) in &action.alternatives {
                        count_uses(condition);
                    }
                }
            }
            let mut order: Vec<Var> = (0..count).collect();
            order.sort_by_key(|&var| {
                std::cmp::Reverse(uses.get(var as usize).copied().unwrap_or(0))
            });
            Ok(order)
        }
        VarOrder::Custom(order) => {
            let mut seen = vec![false; problem.var_sizes.len()];
            for &var in order {
                match seen.get_mut(var as usize) {
                    Some(flag) if !*flag => *flag = true,
                    _ => return Err(CompileError::InvalidOrder),
                }
            }
            if order.len() != problem.var_sizes.len() {
                return Err(CompileError::InvalidOrder);
            }
            Ok(order.clone())
        }
    }
}

// ---------------------------------------------------------------------------
// Serialized form.

/// A child reference in the serialized form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FileRef {
    Node(u32),
    Leaf(u32),
}

/// The classes from `from` up to the next edge's `from` go to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEdge {
    from: Class,
    to: FileRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNode {
    var: Var,
    edges: Vec<FileEdge>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FileLeaf {
    Actions(Vec<ResolvedAction>),
    Impossible(u32),
}

/// The stable serialized form: nodes (children before parents), leaves, the
/// root, the variable order and the class counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagramFile {
    schema_version: u32,
    var_sizes: Vec<u32>,
    order: Vec<Var>,
    root: FileRef,
    nodes: Vec<FileNode>,
    leaves: Vec<FileLeaf>,
}

fn file_ref(reference: u32) -> FileRef {
    if reference & LEAF_BIT == 0 {
        FileRef::Node(reference)
    } else {
        FileRef::Leaf(reference & !LEAF_BIT)
    }
}

impl From<DecisionDiagram> for DiagramFile {
    fn from(diagram: DecisionDiagram) -> Self {
        let nodes = diagram
            .nodes
            .iter()
            .map(|node| {
                let first = node.first as usize;
                let range = first..first + node.len as usize;
                let starts = diagram.run_start.get(range.clone()).unwrap_or(&[]);
                let children = diagram.run_child.get(range).unwrap_or(&[]);
                FileNode {
                    var: node.var,
                    edges: starts
                        .iter()
                        .zip(children)
                        .map(|(&from, &to)| FileEdge {
                            from,
                            to: file_ref(to),
                        })
                        .collect(),
                }
            })
            .collect();
        let leaves = (0..diagram.leaves.len())
            .map(|index| {
                let impossible = diagram
                    .leaves
                    .get(index)
                    .map_or(POSSIBLE, |rec| rec.impossible);
                if impossible == POSSIBLE {
                    let id = LeafId(u32::try_from(index).unwrap_or(u32::MAX));
                    FileLeaf::Actions(diagram.leaf(id).to_vec())
                } else {
                    FileLeaf::Impossible(impossible)
                }
            })
            .collect();
        DiagramFile {
            schema_version: SCHEMA_VERSION,
            var_sizes: diagram.var_sizes,
            order: diagram.order,
            root: file_ref(diagram.root),
            nodes,
            leaves,
        }
    }
}

impl TryFrom<DiagramFile> for DecisionDiagram {
    type Error = String;

    /// Checks everything evaluation relies on: references in range, children
    /// before parents, variables tested in order, edges starting at class 0
    /// and increasing within the variable's classes.
    fn try_from(file: DiagramFile) -> Result<Self, String> {
        if file.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "unsupported schema_version {} (expected {SCHEMA_VERSION})",
                file.schema_version
            ));
        }
        let var_count = file.var_sizes.len();
        let mut position = vec![usize::MAX; var_count];
        for (index, &var) in file.order.iter().enumerate() {
            match position.get_mut(var as usize) {
                Some(slot) if *slot == usize::MAX => *slot = index,
                _ => return Err(format!("order: variable {var} is unknown or repeated")),
            }
        }
        if file.order.len() != var_count {
            return Err("order: not every variable is listed".to_owned());
        }
        if file.nodes.len() >= (LEAF_BIT >> 1) as usize || file.leaves.len() >= LEAF_BIT as usize {
            return Err("too many nodes or leaves".to_owned());
        }
        let leaf_count = file.leaves.len();
        let pack = |r: FileRef, before: usize| -> Result<(u32, Option<u32>), String> {
            match r {
                FileRef::Node(index) if (index as usize) < before => Ok((index, Some(index))),
                FileRef::Leaf(index) if (index as usize) < leaf_count => {
                    Ok((LEAF_BIT | index, None))
                }
                other => Err(format!("reference {other:?} out of range")),
            }
        };
        let mut nodes = Vec::with_capacity(file.nodes.len());
        let mut run_start = Vec::new();
        let mut run_child = Vec::new();
        for (index, node) in file.nodes.iter().enumerate() {
            let size = file
                .var_sizes
                .get(node.var as usize)
                .copied()
                .ok_or_else(|| format!("node {index}: unknown variable {}", node.var))?;
            let own_position = position
                .get(node.var as usize)
                .copied()
                .unwrap_or(usize::MAX);
            let first = u32::try_from(run_start.len()).map_err(|_| "too many edges".to_owned())?;
            let mut previous: Option<Class> = None;
            for edge in &node.edges {
                let ordered = match previous {
                    None => edge.from == 0,
                    Some(previous) => edge.from > previous,
                };
                if !ordered || edge.from >= size {
                    return Err(format!(
                        "node {index}: edges must start at 0 and increase within the classes"
                    ));
                }
                previous = Some(edge.from);
                let (packed, child) = pack(edge.to, index)?;
                if let Some(child) = child {
                    let child_var = file.nodes.get(child as usize).map_or(0, |n| n.var);
                    let child_position = position.get(child_var as usize).copied().unwrap_or(0);
                    if child_position <= own_position {
                        return Err(format!(
                            "node {index}: child {child} does not follow the order"
                        ));
                    }
                }
                run_start.push(edge.from);
                run_child.push(packed);
            }
            if node.edges.is_empty() {
                return Err(format!("node {index}: no edges"));
            }
            nodes.push(NodeRec {
                var: node.var,
                size,
                first,
                len: u32::try_from(node.edges.len()).map_err(|_| "too many edges".to_owned())?,
            });
        }
        let (root, _) = pack(file.root, file.nodes.len())?;
        let mut leaves = Vec::with_capacity(leaf_count);
        let mut leaf_actions = Vec::new();
        for leaf in file.leaves {
            let first =
                u32::try_from(leaf_actions.len()).map_err(|_| "too many actions".to_owned())?;
            leaves.push(match leaf {
                FileLeaf::Actions(actions) => {
                    let len =
                        u32::try_from(actions.len()).map_err(|_| "too many actions".to_owned())?;
                    leaf_actions.extend(actions);
                    LeafRec {
                        first,
                        len,
                        impossible: POSSIBLE,
                    }
                }
                FileLeaf::Impossible(index) if index != POSSIBLE => LeafRec {
                    first,
                    len: 0,
                    impossible: index,
                },
                FileLeaf::Impossible(_) => return Err("assumption index out of range".to_owned()),
            });
        }
        Ok(DecisionDiagram {
            var_sizes: file.var_sizes,
            order: file.order,
            root,
            nodes,
            run_start,
            run_child,
            dense: Vec::new(),
            steps: Vec::new(),
            all_dense: false,
            leaves,
            leaf_actions,
        }
        .with_dense_children())
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
