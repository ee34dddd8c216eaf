//! Construction: Shannon expansion of every condition over the variables in
//! a fixed order, equal states expanded once, nodes hash-consed bottom-up.

use super::formula::*;
use super::*;

/// What a condition in the expansion state belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Slot {
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
pub(super) type State = Vec<(u32, FId)>;

/// What a leaf is keyed by: the advice, never the rules that gave it, so
/// that patients who get the same advice from different rules share a leaf
/// (and the nodes above it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum LeafKey {
    Actions(Vec<Content>),
    Impossible(u32),
}

/// A state being expanded on the variable at order position `position`.
pub(super) struct Frame {
    pub(super) state: State,
    pub(super) position: u32,
    pub(super) var: Var,
    /// First class of each block of classes that no condition tells apart.
    pub(super) blocks: Vec<Class>,
    pub(super) children: Vec<u32>,
}

pub(super) struct Builder<'p> {
    pub(super) problem: &'p Problem,
    pub(super) options: &'p CompileOptions,
    pub(super) arena: Arena,
    pub(super) order: Vec<Var>,
    pub(super) slots: Vec<Slot>,
    pub(super) assumption_count: u32,
    pub(super) initial: State,
    pub(super) memo: HashMap<State, u32>,
    pub(super) nodes: Vec<NodeRec>,
    pub(super) run_start: Vec<Class>,
    pub(super) run_child: Vec<u32>,
    pub(super) unique: HashMap<(Var, Vec<(Class, u32)>), u32>,
    pub(super) leaves: Vec<LeafRec>,
    pub(super) leaf_actions: Vec<Content>,
    pub(super) leaf_table: HashMap<LeafKey, u32>,
    /// Bytes held by the memo, the nodes and the leaves (an estimate that
    /// counts each entry's payload and a fixed overhead); the arena counts
    /// its own.
    pub(super) bytes: usize,
    /// When [`CompileOptions::time_limit`] runs out.
    pub(super) deadline: Option<std::time::Instant>,
    /// States visited, to read the clock only every so often.
    pub(super) visits: u32,
}

/// The fixed cost of one hash-table entry or vector beyond its payload.
const ENTRY_OVERHEAD: usize = 48;
/// The clock is read once every this many visited states.
const CLOCK_EVERY: u32 = 256;

impl<'p> Builder<'p> {
    pub(super) fn new(
        problem: &'p Problem,
        options: &'p CompileOptions,
    ) -> Result<Self, CompileError> {
        let var_count = problem.var_sizes.len();
        for (var, &size) in problem.var_sizes.iter().enumerate() {
            if size == 0 {
                return Err(CompileError::EmptyDomain(crate::logic::problem::index_u32(
                    var,
                )));
            }
        }
        let order = variable_order(problem, &options.order)?;
        let mut position = vec![0u32; var_count];
        for (index, &var) in order.iter().enumerate() {
            if let Some(slot) = position.get_mut(var as usize) {
                *slot = crate::logic::problem::index_u32(index);
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
            assumption_count: crate::logic::problem::index_u32(problem.assumptions.len()),
            initial,
            memo: HashMap::new(),
            nodes: Vec::new(),
            run_start: Vec::new(),
            run_child: Vec::new(),
            unique: HashMap::new(),
            leaves: Vec::new(),
            leaf_actions: Vec::new(),
            leaf_table: HashMap::new(),
            bytes: 0,
            deadline: options
                .time_limit
                .map(|limit| std::time::Instant::now() + limit),
            visits: 0,
        })
    }

    pub(super) fn build(mut self) -> Result<DecisionDiagram, CompileError> {
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
                self.bytes += state_bytes(&frame.state);
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
    pub(super) fn visit(&mut self, state: State) -> Result<Visit, CompileError> {
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
        self.check_budgets(&state)?;
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

    pub(super) fn slot(&self, slot: u32) -> Option<Slot> {
        self.slots.get(slot as usize).copied()
    }

    /// Applies the state invariants described at [`State`].
    pub(super) fn normalize(&self, items: State) -> State {
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

    /// The leaf for a decided state: the content of the final actions that
    /// [`Problem::final_actions`] leaves (the one definition of what
    /// overrides drop), in their order.
    pub(super) fn leaf(&mut self, state: &State) -> Result<u32, CompileError> {
        let mut fired: Vec<RuleId> = Vec::new();
        let mut chosen: HashMap<(RuleId, usize), usize> = HashMap::new();
        for &(slot, _) in state {
            match self.slot(slot) {
                Some(Slot::Assumption(index)) => {
                    // Below `assumption_count`, so never `POSSIBLE` (`u32::MAX`).
                    let index = crate::logic::problem::index_u32(index);
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
                        action.resolve(rule_id, index, alternative)
                    })
                    .collect()
            })
            .collect();
        let (actions, _) = self.problem.final_actions(&fired, &resolved);
        let contents = actions.iter().map(ResolvedAction::content).collect();
        self.intern_leaf(LeafKey::Actions(contents))
    }

    pub(super) fn intern_leaf(&mut self, key: LeafKey) -> Result<u32, CompileError> {
        if let Some(&reference) = self.leaf_table.get(&key) {
            return Ok(reference);
        }
        self.check_size()?;
        let index = u32::try_from(self.leaves.len()).map_err(|_| self.too_many_nodes())?;
        let first = u32::try_from(self.leaf_actions.len()).map_err(|_| self.too_many_nodes())?;
        let rec = match &key {
            LeafKey::Actions(actions) => {
                // Stored, and again as the leaf table's key.
                self.bytes += 2 * std::mem::size_of_val(actions.as_slice()) + ENTRY_OVERHEAD;
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
    pub(super) fn make_node(
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
        // The node, its runs (stored, and again as the unique table's key).
        self.bytes += std::mem::size_of::<NodeRec>() + 16 * runs.len() + ENTRY_OVERHEAD;
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

    /// The memory and time budgets, checked before a state is expanded.
    /// The state being expanded counts (it is held on the stack until its
    /// node is built), so that one deep expansion cannot outgrow the bound.
    pub(super) fn check_budgets(&mut self, state: &State) -> Result<(), CompileError> {
        let held = self
            .bytes
            .saturating_add(self.arena.bytes)
            .saturating_add(state_bytes(state));
        if held > self.options.max_memory {
            return Err(CompileError::TooMuchMemory {
                limit: self.options.max_memory,
            });
        }
        self.visits = self.visits.wrapping_add(1);
        if let (0, Some(deadline)) = (self.visits % CLOCK_EVERY, self.deadline) {
            if std::time::Instant::now() >= deadline {
                return Err(CompileError::TooSlow {
                    limit: self.options.time_limit.unwrap_or_default(),
                });
            }
        }
        Ok(())
    }

    pub(super) fn check_size(&self) -> Result<(), CompileError> {
        if self.nodes.len() + self.leaves.len() >= self.options.max_nodes {
            return Err(self.too_many_nodes());
        }
        Ok(())
    }

    pub(super) fn too_many_nodes(&self) -> CompileError {
        CompileError::TooManyNodes {
            limit: self.options.max_nodes,
        }
    }
}

/// What one memoised state holds: its pairs, its reference and the
/// entry's overhead.
fn state_bytes(state: &State) -> usize {
    std::mem::size_of_val(state.as_slice()) + ENTRY_OVERHEAD
}

pub(super) enum Visit {
    Done(u32),
    Expand(Frame),
}

/// The variable order for `order`, checked to be a permutation.
pub(super) fn variable_order(
    problem: &Problem,
    order: &VarOrder,
) -> Result<Vec<Var>, CompileError> {
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
