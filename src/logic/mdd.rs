//! Reduced, hash-consed multi-valued decision diagrams over the variables of
//! a [`Problem`](super::problem::Problem).
//!
//! A node tests one variable and has one child per class of that variable;
//! variables are tested in index order, so a diagram is canonical: two
//! formulas are equivalent exactly when they build the same [`NodeId`]. Only
//! [`FALSE`] is unsatisfiable and only [`TRUE`] is valid, which makes
//! satisfiability and the lexicographically smallest witness a simple walk.
//!
//! One node per variable (rather than one per yes/no atom as in a BDD) keeps
//! the diagrams of decision-table rules small: a box over `k` variables is at
//! most `k` nodes. Nodes live in one arena and are never freed one by one;
//! instead [`Mdd::mark`] and [`Mdd::rollback`] release everything built after
//! a mark, which is how an analysis throws away its temporaries and recovers
//! from running out of its node budget.

use std::collections::{HashMap, HashSet};

use super::problem::{Class, Formula, Sum, Var, index_u32};

/// A node of a diagram; the two terminals are [`FALSE`] and [`TRUE`].
pub(crate) type NodeId = u32;
/// The unsatisfiable diagram.
pub(crate) const FALSE: NodeId = 0;
/// The valid diagram.
pub(crate) const TRUE: NodeId = 1;

/// The level of the terminals: below every variable.
const TERMINAL: u32 = u32::MAX;
/// End of a hash chain.
const NIL: u32 = u32::MAX;

const OP_AND: u32 = 1;
const OP_OR: u32 = 2;
const OP_NOT: u32 = 3;
const OP_SAT_AND: u32 = 4;
const OP_IMPLIES: u32 = 5;

/// Why building a diagram stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MddError {
    /// The node budget ran out; nothing built is wrong, but the result is
    /// unknown. Roll back to a mark to free the partial work.
    Budget,
    /// A formula mentions a variable the diagram does not have.
    BadVariable(Var),
}

/// A point in the arena to roll back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    nodes: usize,
}

/// One slot of the lossy, direct-mapped operation cache.
#[derive(Clone, Copy, Debug, Default)]
struct CacheEntry {
    a: u32,
    b: u32,
    op: u32,
    epoch: u32,
    result: u32,
}

/// A manager owning all nodes of the diagrams over one set of variables.
#[derive(Clone, Debug)]
pub(crate) struct Mdd {
    sizes: Vec<u32>,
    /// Per node: the tested variable (`TERMINAL` for the terminals).
    level: Vec<u32>,
    /// Per node: offset of its children in `kids`.
    start: Vec<u32>,
    /// Per node: the next node in its hash chain.
    next: Vec<u32>,
    kids: Vec<NodeId>,
    /// Heads of the hash chains; a chain lists nodes newest first, which is
    /// what lets `rollback` unlink nodes in reverse order in O(1) each.
    buckets: Vec<u32>,
    cache: Vec<CacheEntry>,
    /// Cache entries of an older epoch are stale (their nodes may be gone).
    epoch: u32,
    budget: usize,
    /// Children under construction, shared by the recursive operations.
    scratch: Vec<NodeId>,
}

fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

fn node_hash(level: u32, kids: &[NodeId]) -> u64 {
    let mut h = mix(0, u64::from(level));
    for &kid in kids {
        h = mix(h, u64::from(kid));
    }
    h ^ (h >> 29)
}

impl Mdd {
    /// A manager for variables with these class counts that never holds
    /// more than `node_budget` nodes (terminals included, at least 2).
    pub(crate) fn new(var_sizes: &[u32], node_budget: usize) -> Mdd {
        let mut mdd = Mdd {
            sizes: var_sizes.to_vec(),
            level: vec![TERMINAL, TERMINAL],
            start: vec![0, 0],
            next: vec![NIL, NIL],
            kids: Vec::new(),
            buckets: vec![NIL; 1 << 10],
            cache: vec![CacheEntry::default(); 1 << 12],
            epoch: 1,
            budget: node_budget.max(2),
            scratch: Vec::new(),
        };
        mdd.kids.reserve(1 << 10);
        mdd
    }

    /// Number of nodes in the arena, terminals included.
    pub(crate) fn node_count(&self) -> usize {
        self.level.len()
    }

    /// Remembers the current arena size for [`Mdd::rollback`].
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            nodes: self.level.len(),
        }
    }

    /// Frees every node built after `mark`. Node ids taken after the mark
    /// become invalid; ids from before stay valid.
    pub(crate) fn rollback(&mut self, mark: Mark) {
        let keep = mark.nodes.max(2);
        if keep >= self.level.len() {
            return;
        }
        let mask = self.buckets.len() - 1;
        for id in (keep..self.level.len()).rev() {
            let hash = self.hash_of(id as NodeId);
            if let (Some(bucket), Some(&next)) = (
                self.buckets.get_mut(hash as usize & mask),
                self.next.get(id),
            ) {
                // INVARIANT: chains are newest first and we unlink newest
                // first, so `id` heads its chain.
                debug_assert_eq!(*bucket, id as u32);
                *bucket = next;
            }
        }
        let kid_end = self.start.get(keep).copied().unwrap_or(0) as usize;
        self.level.truncate(keep);
        self.start.truncate(keep);
        self.next.truncate(keep);
        self.kids.truncate(kid_end);
        self.scratch.clear();
        self.bump_epoch();
    }

    fn bump_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // Entries of epoch 0 could look current after a wrap: clear.
            self.cache.fill(CacheEntry::default());
            self.epoch = 1;
        }
    }

    fn level_of(&self, node: NodeId) -> u32 {
        self.level.get(node as usize).copied().unwrap_or(TERMINAL)
    }

    fn size_of(&self, var: u32) -> u32 {
        self.sizes.get(var as usize).copied().unwrap_or(0)
    }

    /// The child of `node` for `class` (the node itself for a terminal).
    pub(crate) fn child(&self, node: NodeId, class: Class) -> NodeId {
        if node <= TRUE {
            return node;
        }
        let start = self.start.get(node as usize).copied().unwrap_or(0);
        self.kids
            .get((start + class) as usize)
            .copied()
            .unwrap_or(FALSE)
    }

    /// The child of `node` on `level` for `class`: `node` itself when it
    /// does not test that level.
    fn cofactor(&self, node: NodeId, level: u32, class: Class) -> NodeId {
        if self.level_of(node) == level {
            self.child(node, class)
        } else {
            node
        }
    }

    fn kids_of(&self, node: NodeId) -> &[NodeId] {
        let start = self.start.get(node as usize).copied().unwrap_or(0) as usize;
        let len = self.size_of(self.level_of(node)) as usize;
        self.kids.get(start..start + len).unwrap_or(&[])
    }

    fn hash_of(&self, node: NodeId) -> u64 {
        node_hash(self.level_of(node), self.kids_of(node))
    }

    /// The reduced, shared node testing `level` with the children in
    /// `scratch[base..]`.
    fn make(&mut self, level: u32, base: usize) -> Result<NodeId, MddError> {
        let kids = self.scratch.get(base..).unwrap_or(&[]);
        let Some(&first) = kids.first() else {
            // A variable without classes: no assignment exists.
            return Ok(FALSE);
        };
        if kids.iter().all(|&k| k == first) {
            return Ok(first);
        }
        let hash = node_hash(level, kids);
        let mask = self.buckets.len() - 1;
        let mut cursor = self
            .buckets
            .get(hash as usize & mask)
            .copied()
            .unwrap_or(NIL);
        while cursor != NIL {
            if self.level_of(cursor) == level && self.kids_of(cursor) == kids {
                return Ok(cursor);
            }
            cursor = self.next.get(cursor as usize).copied().unwrap_or(NIL);
        }
        if self.level.len() >= self.budget || self.level.len() >= NIL as usize - 1 {
            return Err(MddError::Budget);
        }
        let id = u32::try_from(self.level.len()).map_err(|_| MddError::Budget)?;
        let start = u32::try_from(self.kids.len()).map_err(|_| MddError::Budget)?;
        self.level.push(level);
        self.start.push(start);
        self.kids.extend_from_slice(kids);
        let Some(bucket) = self.buckets.get_mut(hash as usize & mask) else {
            return Ok(id);
        };
        self.next.push(*bucket);
        *bucket = id;
        if self.level.len() > self.buckets.len() {
            self.grow();
        }
        Ok(id)
    }

    /// Doubles the hash table (rebuilding chains newest first) and lets the
    /// cache grow with the arena.
    fn grow(&mut self) {
        let buckets = self.buckets.len() * 2;
        self.buckets = vec![NIL; buckets];
        let mask = buckets - 1;
        for id in 2..self.level.len() {
            let hash = self.hash_of(id as NodeId);
            if let Some(bucket) = self.buckets.get_mut(hash as usize & mask) {
                if let Some(next) = self.next.get_mut(id) {
                    *next = *bucket;
                }
                *bucket = index_u32(id);
            }
        }
        if self.cache.len() < buckets && self.cache.len() < (1 << 22) {
            self.cache = vec![CacheEntry::default(); self.cache.len() * 2];
        }
    }

    fn cache_slot(&self, op: u32, a: u32, b: u32) -> usize {
        let h = mix(mix(u64::from(op), u64::from(a)), u64::from(b));
        (h ^ (h >> 32)) as usize & (self.cache.len() - 1)
    }

    fn cache_get(&self, op: u32, a: u32, b: u32) -> Option<u32> {
        let entry = self.cache.get(self.cache_slot(op, a, b))?;
        (entry.epoch == self.epoch && entry.op == op && entry.a == a && entry.b == b)
            .then_some(entry.result)
    }

    fn cache_put(&mut self, op: u32, a: u32, b: u32, result: u32) {
        let slot = self.cache_slot(op, a, b);
        let epoch = self.epoch;
        if let Some(entry) = self.cache.get_mut(slot) {
            *entry = CacheEntry {
                a,
                b,
                op,
                epoch,
                result,
            };
        }
    }

    /// Runs a building operation and leaves `scratch` empty if it failed.
    fn guarded(
        &mut self,
        build: impl FnOnce(&mut Mdd) -> Result<NodeId, MddError>,
    ) -> Result<NodeId, MddError> {
        let result = build(self);
        if result.is_err() {
            self.scratch.clear();
        }
        result
    }

    /// Conjunction.
    pub(crate) fn and(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, MddError> {
        self.guarded(|m| m.apply(OP_AND, a, b))
    }

    /// Disjunction.
    pub(crate) fn or(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, MddError> {
        self.guarded(|m| m.apply(OP_OR, a, b))
    }

    /// Negation.
    pub(crate) fn not(&mut self, a: NodeId) -> Result<NodeId, MddError> {
        self.guarded(|m| m.negate(a))
    }

    /// `a ∧ ¬b`.
    pub(crate) fn and_not(&mut self, a: NodeId, b: NodeId) -> Result<NodeId, MddError> {
        self.guarded(|m| {
            let nb = m.negate(b)?;
            m.apply(OP_AND, a, nb)
        })
    }

    fn apply(&mut self, op: u32, a: NodeId, b: NodeId) -> Result<NodeId, MddError> {
        if op == OP_AND {
            if a == FALSE || b == FALSE {
                return Ok(FALSE);
            }
            if a == TRUE || a == b {
                return Ok(b);
            }
            if b == TRUE {
                return Ok(a);
            }
        } else {
            if a == TRUE || b == TRUE {
                return Ok(TRUE);
            }
            if a == FALSE || a == b {
                return Ok(b);
            }
            if b == FALSE {
                return Ok(a);
            }
        }
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        if let Some(result) = self.cache_get(op, a, b) {
            return Ok(result);
        }
        let level = self.level_of(a).min(self.level_of(b));
        let base = self.scratch.len();
        for class in 0..self.size_of(level) {
            let ka = self.cofactor(a, level, class);
            let kb = self.cofactor(b, level, class);
            let kid = self.apply(op, ka, kb)?;
            self.scratch.push(kid);
        }
        let result = self.make(level, base);
        self.scratch.truncate(base);
        let result = result?;
        self.cache_put(op, a, b, result);
        Ok(result)
    }

    fn negate(&mut self, a: NodeId) -> Result<NodeId, MddError> {
        if a <= TRUE {
            return Ok(a ^ 1);
        }
        if let Some(result) = self.cache_get(OP_NOT, a, 0) {
            return Ok(result);
        }
        let level = self.level_of(a);
        let base = self.scratch.len();
        for class in 0..self.size_of(level) {
            let kid = self.negate(self.child(a, class))?;
            self.scratch.push(kid);
        }
        let result = self.make(level, base);
        self.scratch.truncate(base);
        let result = result?;
        self.cache_put(OP_NOT, a, 0, result);
        Ok(result)
    }

    /// The diagram of `var ∈ classes` (classes out of range are ignored).
    pub(crate) fn literal(&mut self, var: Var, classes: &[Class]) -> Result<NodeId, MddError> {
        let size = self.sizes.get(var as usize).copied();
        let Some(size) = size else {
            return Err(MddError::BadVariable(var));
        };
        self.guarded(|m| {
            let base = m.scratch.len();
            m.scratch.resize(base + size as usize, FALSE);
            for &class in classes.iter().filter(|&&c| c < size) {
                if let Some(kid) = m.scratch.get_mut(base + class as usize) {
                    *kid = TRUE;
                }
            }
            let result = m.make(var, base);
            m.scratch.truncate(base);
            result
        })
    }

    /// The diagram of a box: every variable `v` takes a class `c` with
    /// `allowed(v, c)`. Built bottom-up in one pass, one node per
    /// constrained variable.
    pub(crate) fn cube_with(
        &mut self,
        mut allowed: impl FnMut(Var, Class) -> bool,
    ) -> Result<NodeId, MddError> {
        self.guarded(|m| {
            let mut node = TRUE;
            for var in (0..index_u32(m.sizes.len())).rev() {
                let size = m.size_of(var);
                let base = m.scratch.len();
                let mut any = false;
                let mut all = true;
                for class in 0..size {
                    let ok = allowed(var, class);
                    any |= ok;
                    all &= ok;
                    m.scratch.push(if ok { node } else { FALSE });
                }
                if !any {
                    m.scratch.truncate(base);
                    return Ok(FALSE);
                }
                if all {
                    m.scratch.truncate(base);
                    continue;
                }
                let made = m.make(var, base);
                m.scratch.truncate(base);
                node = made?;
            }
            Ok(node)
        })
    }

    /// The diagram of a formula. Recursion follows the formula's nesting,
    /// which the front end keeps to a few hundred levels.
    #[expect(
        clippy::wrong_self_convention,
        reason = "builds a node of this diagram; the lint skipped it while the module was public"
    )]
    pub(crate) fn from_formula(&mut self, formula: &Formula) -> Result<NodeId, MddError> {
        match formula {
            Formula::True => Ok(TRUE),
            Formula::False => Ok(FALSE),
            Formula::In { var, classes } => self.literal(*var, classes),
            Formula::Not(inner) => {
                let inner = self.from_formula(inner)?;
                self.not(inner)
            }
            Formula::And(parts) => {
                let mut acc = TRUE;
                for part in parts {
                    let node = self.from_formula(part)?;
                    acc = self.and(acc, node)?;
                    if acc == FALSE {
                        break;
                    }
                }
                Ok(acc)
            }
            Formula::Or(parts) => {
                let mut acc = FALSE;
                for part in parts {
                    let node = self.from_formula(part)?;
                    acc = self.or(acc, node)?;
                    if acc == TRUE {
                        break;
                    }
                }
                Ok(acc)
            }
            Formula::Sum(sum) => self.sum(sum),
        }
    }

    /// `if guard then a else b`.
    fn ite(&mut self, guard: NodeId, a: NodeId, b: NodeId) -> Result<NodeId, MddError> {
        let then = self.and(guard, a)?;
        let otherwise = self.and_not(b, guard)?;
        self.or(then, otherwise)
    }

    /// The diagram of a sum, by dynamic programming over its terms: the
    /// diagram of "these points so far, the terms from `i` on left" is
    /// built once per state, however the points were reached. The terms
    /// go in the order of their first variable, the order the diagram
    /// tests them in, so that each state's diagram only tests later
    /// variables.
    fn sum(&mut self, sum: &Sum) -> Result<NodeId, MddError> {
        // Per term: its first variable, its cases' diagrams, the term.
        type Built<'t> = (Var, Vec<(NodeId, i128)>, &'t [(Formula, i64)]);
        let mut terms: Vec<Built<'_>> = Vec::with_capacity(sum.terms.len());
        for term in &sum.terms {
            let mut vars = Vec::new();
            let mut cases = Vec::with_capacity(term.len());
            for (formula, points) in term {
                formula.collect_vars(&mut vars);
                cases.push((self.from_formula(formula)?, i128::from(*points)));
            }
            let first = vars.into_iter().min().unwrap_or(Var::MAX);
            terms.push((first, cases, term));
        }
        terms.sort_by_key(|(first, _, _)| *first);
        let rest = Sum::rest_bounds(terms.iter().map(|(_, _, term)| *term));
        let cases: Vec<Vec<(NodeId, i128)>> = terms.into_iter().map(|(_, c, _)| c).collect();
        let mut memo = HashMap::new();
        self.sum_from(sum, &cases, &rest, 0, 0, &mut memo)
    }

    fn sum_from(
        &mut self,
        sum: &Sum,
        terms: &[Vec<(NodeId, i128)>],
        rest: &[(i128, i128)],
        index: usize,
        so_far: i128,
        memo: &mut HashMap<(usize, i128), NodeId>,
    ) -> Result<NodeId, MddError> {
        let bounds = rest.get(index).copied().unwrap_or((0, 0));
        if let Some(answer) = sum.settled(so_far, bounds) {
            return Ok(if answer { TRUE } else { FALSE });
        }
        if let Some(&done) = memo.get(&(index, so_far)) {
            return Ok(done);
        }
        let Some(term) = terms.get(index) else {
            // Not reached: after the last term the bounds are (0, 0).
            return Ok(if sum.accepts(so_far) { TRUE } else { FALSE });
        };
        // No case applies: the term adds nothing.
        let mut node = self.sum_from(sum, terms, rest, index + 1, so_far, memo)?;
        for &(guard, points) in term.iter().rev() {
            let then = self.sum_from(
                sum,
                terms,
                rest,
                index + 1,
                so_far.saturating_add(points),
                memo,
            )?;
            node = self.ite(guard, then, node)?;
        }
        memo.insert((index, so_far), node);
        Ok(node)
    }

    /// Whether `a ∧ b` is satisfiable, without building it.
    pub(crate) fn intersects(&mut self, a: NodeId, b: NodeId) -> bool {
        if a == FALSE || b == FALSE {
            return false;
        }
        if a == TRUE || b == TRUE || a == b {
            // Only FALSE is unsatisfiable in a reduced diagram.
            return true;
        }
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        if let Some(result) = self.cache_get(OP_SAT_AND, a, b) {
            return result != 0;
        }
        let level = self.level_of(a).min(self.level_of(b));
        let mut result = false;
        for class in 0..self.size_of(level) {
            let ka = self.cofactor(a, level, class);
            let kb = self.cofactor(b, level, class);
            if self.intersects(ka, kb) {
                result = true;
                break;
            }
        }
        self.cache_put(OP_SAT_AND, a, b, u32::from(result));
        result
    }

    /// Whether every assignment satisfying `a` satisfies `b`, without
    /// building `a ∧ ¬b`.
    pub(crate) fn implies(&mut self, a: NodeId, b: NodeId) -> bool {
        if a == FALSE || b == TRUE || a == b {
            return true;
        }
        if a == TRUE || b == FALSE {
            // `a` is satisfiable and `b` is not valid (reduced diagrams).
            return false;
        }
        if let Some(result) = self.cache_get(OP_IMPLIES, a, b) {
            return result != 0;
        }
        let level = self.level_of(a).min(self.level_of(b));
        let mut result = true;
        for class in 0..self.size_of(level) {
            let ka = self.cofactor(a, level, class);
            let kb = self.cofactor(b, level, class);
            if !self.implies(ka, kb) {
                result = false;
                break;
            }
        }
        self.cache_put(OP_IMPLIES, a, b, u32::from(result));
        result
    }

    /// The lexicographically smallest assignment (variable 0 most
    /// significant) satisfying `node`, or `None` when it is `FALSE`.
    /// Variables the diagram does not constrain get class 0.
    pub(crate) fn witness(&self, node: NodeId) -> Option<Vec<Class>> {
        if node == FALSE {
            return None;
        }
        let mut assignment = vec![0; self.sizes.len()];
        let mut node = node;
        while node != TRUE {
            let level = self.level_of(node);
            // Every non-FALSE node has a path to TRUE, so the smallest
            // class whose child is not FALSE leads to the smallest witness.
            let (class, &kid) = self
                .kids_of(node)
                .iter()
                .enumerate()
                .find(|&(_, &kid)| kid != FALSE)?;
            if let Some(slot) = assignment.get_mut(level as usize) {
                *slot = class as Class;
            }
            node = kid;
        }
        Some(assignment)
    }

    /// The lexicographically smallest assignment satisfying `a ∧ b`,
    /// without building the conjunction.
    pub(crate) fn witness_and(&mut self, a: NodeId, b: NodeId) -> Option<Vec<Class>> {
        if !self.intersects(a, b) {
            return None;
        }
        let mut assignment = vec![0; self.sizes.len()];
        let (mut a, mut b) = (a, b);
        while a != TRUE || b != TRUE {
            let level = self.level_of(a).min(self.level_of(b));
            let mut chosen = None;
            for class in 0..self.size_of(level) {
                let ka = self.cofactor(a, level, class);
                let kb = self.cofactor(b, level, class);
                if self.intersects(ka, kb) {
                    chosen = Some((class, ka, kb));
                    break;
                }
            }
            let (class, ka, kb) = chosen?;
            if let Some(slot) = assignment.get_mut(level as usize) {
                *slot = class;
            }
            a = ka;
            b = kb;
        }
        Some(assignment)
    }

    /// Whether the complete assignment satisfies `node`.
    #[cfg(test)]
    pub(crate) fn eval(&self, node: NodeId, assignment: &[Class]) -> bool {
        let mut node = node;
        while node > TRUE {
            let level = self.level_of(node);
            let class = assignment.get(level as usize).copied().unwrap_or(0);
            node = self.child(node, class);
        }
        node == TRUE
    }

    /// Number of nodes reachable from `node`, terminals included.
    #[cfg(test)]
    pub(crate) fn size(&self, node: NodeId) -> usize {
        let mut seen = HashSet::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if seen.insert(n) && n > TRUE {
                stack.extend_from_slice(self.kids_of(n));
            }
        }
        seen.len()
    }

    /// Number of satisfying assignments (as a float: it can be huge).
    #[cfg(test)]
    pub(crate) fn sat_count(&self, node: NodeId) -> f64 {
        // Counts per node relative to the node's own level, then scaled by
        // the sizes of the variables skipped on each edge.
        let mut memo: std::collections::HashMap<NodeId, f64> = std::collections::HashMap::new();
        let scale = |from: u32, to: u32, sizes: &[u32]| -> f64 {
            let to = to.min(index_u32(sizes.len()));
            (from..to)
                .map(|v| f64::from(sizes.get(v as usize).copied().unwrap_or(1)))
                .product()
        };
        let mut stack = vec![(node, false)];
        while let Some((n, expanded)) = stack.pop() {
            if n <= TRUE || memo.contains_key(&n) {
                continue;
            }
            if expanded {
                let level = self.level_of(n);
                let mut total = 0.0;
                for &kid in self.kids_of(n) {
                    let below = match kid {
                        FALSE => 0.0,
                        TRUE => 1.0,
                        _ => memo.get(&kid).copied().unwrap_or(0.0),
                    };
                    let kid_level = self.level_of(kid);
                    total += below * scale(level + 1, kid_level, &self.sizes);
                }
                memo.insert(n, total);
            } else {
                stack.push((n, true));
                for &kid in self.kids_of(n) {
                    stack.push((kid, false));
                }
            }
        }
        let top = match node {
            FALSE => 0.0,
            TRUE => 1.0,
            _ => memo.get(&node).copied().unwrap_or(0.0),
        };
        top * scale(0, self.level_of(node), &self.sizes)
    }

    /// For every variable, which classes occur in some assignment that
    /// satisfies `node` (all `false` when `node` is `FALSE`).
    pub(crate) fn projection(&self, node: NodeId) -> Vec<Vec<bool>> {
        let mut out: Vec<Vec<bool>> = self
            .sizes
            .iter()
            .map(|&s| vec![false; s as usize])
            .collect();
        if node == FALSE {
            return out;
        }
        let fill = |out: &mut Vec<Vec<bool>>, from: u32, to: u32| {
            for row in out.iter_mut().take(to as usize).skip(from as usize) {
                row.fill(true);
            }
        };
        fill(
            &mut out,
            0,
            self.level_of(node).min(index_u32(self.sizes.len())),
        );
        let mut seen = HashSet::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n <= TRUE || !seen.insert(n) {
                continue;
            }
            let level = self.level_of(n);
            for (class, &kid) in self.kids_of(n).iter().enumerate() {
                if kid == FALSE {
                    continue;
                }
                if let Some(slot) = out.get_mut(level as usize).and_then(|r| r.get_mut(class)) {
                    *slot = true;
                }
                let kid_level = self.level_of(kid).min(index_u32(self.sizes.len()));
                fill(&mut out, level + 1, kid_level);
                stack.push(kid);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::generate::{SplitMix64, random_formula};

    /// Every assignment of the variables, in lexicographic order.
    fn all_assignments(sizes: &[u32]) -> Vec<Vec<Class>> {
        let mut out = Vec::new();
        if sizes.contains(&0) {
            return out;
        }
        let mut current = vec![0; sizes.len()];
        loop {
            out.push(current.clone());
            let mut var = sizes.len();
            loop {
                if var == 0 {
                    return out;
                }
                var -= 1;
                current[var] += 1;
                if current[var] < sizes[var] {
                    break;
                }
                current[var] = 0;
            }
        }
    }

    fn random_sizes(rng: &mut SplitMix64) -> Vec<u32> {
        (0..rng.range(0, 5))
            .map(|_| rng.range(1, 4) as u32)
            .collect()
    }

    #[test]
    fn formulas_agree_with_evaluation_and_witnesses_are_smallest() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..400 {
            let sizes = random_sizes(&mut rng);
            let mut mdd = Mdd::new(&sizes, 1 << 20);
            let f = random_formula(&mut rng, &sizes, 4);
            let g = random_formula(&mut rng, &sizes, 4);
            let nf = mdd.from_formula(&f).unwrap();
            let ng = mdd.from_formula(&g).unwrap();
            let assignments = all_assignments(&sizes);
            for a in &assignments {
                assert_eq!(mdd.eval(nf, a), f.holds(a), "{f:?} at {a:?}");
            }
            let first = assignments.iter().find(|a| f.holds(a)).cloned();
            assert_eq!(mdd.witness(nf), first);
            let first_both = assignments
                .iter()
                .find(|a| f.holds(a) && g.holds(a))
                .cloned();
            assert_eq!(mdd.witness_and(nf, ng), first_both);
            assert_eq!(mdd.intersects(nf, ng), first_both.is_some());
            let implied = assignments.iter().all(|a| !f.holds(a) || g.holds(a));
            assert_eq!(mdd.implies(nf, ng), implied);
            let count = assignments.iter().filter(|a| f.holds(a)).count();
            assert_eq!(mdd.sat_count(nf), count as f64);
            let projection = mdd.projection(nf);
            for (var, row) in projection.iter().enumerate() {
                for (class, &seen) in row.iter().enumerate() {
                    let expected = assignments
                        .iter()
                        .any(|a| f.holds(a) && a[var] == class as Class);
                    assert_eq!(seen, expected);
                }
            }
        }
    }

    /// A sum written out as a condition tree without any sharing, one
    /// path per way of choosing the terms' cases: what [`Formula::Sum`]
    /// replaces.
    fn unshared(sum: &Sum, index: usize, so_far: i128) -> Formula {
        let Some(term) = sum.terms.get(index) else {
            return if sum.accepts(so_far) {
                Formula::True
            } else {
                Formula::False
            };
        };
        let mut branches = Vec::new();
        let mut earlier: Vec<Formula> = Vec::new();
        for (formula, points) in term {
            let mut parts = earlier.clone();
            parts.push(formula.clone());
            parts.push(unshared(sum, index + 1, so_far + i128::from(*points)));
            branches.push(Formula::And(parts));
            earlier.push(Formula::Not(Box::new(formula.clone())));
        }
        earlier.push(unshared(sum, index + 1, so_far));
        branches.push(Formula::And(earlier));
        Formula::Or(branches)
    }

    #[test]
    fn a_sum_is_the_same_node_as_its_unshared_tree() {
        let mut rng = SplitMix64::new(23);
        let mut sums = 0;
        for _ in 0..600 {
            let sizes = random_sizes(&mut rng);
            let mut mdd = Mdd::new(&sizes, 1 << 20);
            let Formula::Sum(sum) = crate::logic::generate::random_sum(&mut rng, &sizes, 2) else {
                unreachable!()
            };
            let shared = mdd.from_formula(&Formula::Sum(sum.clone())).unwrap();
            let tree = mdd.from_formula(&unshared(&sum, 0, 0)).unwrap();
            assert_eq!(shared, tree, "{sum:?}");
            let negated = mdd
                .from_formula(&Formula::Not(Box::new(Formula::Sum(sum.clone()))))
                .unwrap();
            assert_eq!(mdd.not(shared).unwrap(), negated);
            for a in &all_assignments(&sizes) {
                assert_eq!(mdd.eval(shared, a), Formula::Sum(sum.clone()).holds(a));
            }
            sums += usize::from(shared > TRUE);
        }
        assert!(sums > 50, "only {sums} sums were not constant");
    }

    #[test]
    fn equivalent_formulas_share_one_node() {
        let mut rng = SplitMix64::new(5);
        for _ in 0..300 {
            let sizes = random_sizes(&mut rng);
            let mut mdd = Mdd::new(&sizes, 1 << 20);
            let f = random_formula(&mut rng, &sizes, 3);
            let g = random_formula(&mut rng, &sizes, 3);
            let nf = mdd.from_formula(&f).unwrap();
            let ng = mdd.from_formula(&g).unwrap();
            // De Morgan and double negation give the very same node.
            let not_and = mdd
                .from_formula(&Formula::Not(Box::new(Formula::And(vec![
                    f.clone(),
                    g.clone(),
                ]))))
                .unwrap();
            let or_not = mdd
                .from_formula(&Formula::Or(vec![
                    Formula::Not(Box::new(f.clone())),
                    Formula::Not(Box::new(g.clone())),
                ]))
                .unwrap();
            assert_eq!(not_and, or_not);
            let nn = mdd.not(nf).unwrap();
            assert_eq!(mdd.not(nn).unwrap(), nf);
            let both = mdd.and(nf, ng).unwrap();
            assert_eq!(mdd.and_not(nf, ng).unwrap() == FALSE, mdd.implies(nf, ng));
            assert_eq!(both != FALSE, mdd.intersects(nf, ng));
        }
    }

    #[test]
    fn cubes_match_literal_conjunctions() {
        let sizes = [3, 4, 2, 5];
        let mut mdd = Mdd::new(&sizes, 1000);
        let sets: [&[Class]; 4] = [&[0, 2], &[0, 1, 2, 3], &[1], &[1, 2, 4]];
        let cube = mdd.cube_with(|v, c| sets[v as usize].contains(&c)).unwrap();
        let formula = Formula::And(
            sets.iter()
                .enumerate()
                .map(|(v, s)| Formula::In {
                    var: v as Var,
                    classes: s.to_vec(),
                })
                .collect(),
        );
        assert_eq!(mdd.from_formula(&formula).unwrap(), cube);
        assert_eq!(mdd.size(cube), 5);
        assert_eq!(mdd.witness(cube), Some(vec![0, 0, 1, 1]));
        assert_eq!(mdd.cube_with(|v, _| v != 2).unwrap(), FALSE);
    }

    #[test]
    fn budget_stops_and_rollback_restores() {
        let sizes = [4; 8];
        let mut mdd = Mdd::new(&sizes, 40);
        let mut rng = SplitMix64::new(3);
        let keep = mdd.from_formula(&Formula::In {
            var: 1,
            classes: vec![1, 2],
        });
        let keep = keep.unwrap();
        let mark = mdd.mark();
        let mut failed = false;
        for _ in 0..50 {
            let f = random_formula(&mut rng, &sizes, 5);
            match mdd.from_formula(&f) {
                Ok(_) => {}
                Err(MddError::Budget) => {
                    failed = true;
                    assert!(mdd.node_count() <= 40);
                    mdd.rollback(mark);
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        assert!(failed);
        mdd.rollback(mark);
        assert_eq!(mdd.node_count(), mark.nodes);
        // Hash-consing still finds the node from before the mark.
        let again = mdd
            .from_formula(&Formula::In {
                var: 1,
                classes: vec![1, 2],
            })
            .unwrap();
        assert_eq!(again, keep);
        assert_eq!(
            mdd.from_formula(&Formula::In {
                var: 9,
                classes: vec![0]
            }),
            Err(MddError::BadVariable(9))
        );
    }

    #[test]
    fn rollback_after_growth_keeps_the_table_consistent() {
        let sizes = [3; 10];
        let mut mdd = Mdd::new(&sizes, 1 << 20);
        let mut rng = SplitMix64::new(99);
        let mut kept = Vec::new();
        for round in 0..20 {
            let mark = mdd.mark();
            let f = random_formula(&mut rng, &sizes, 6);
            let node = mdd.from_formula(&f).unwrap();
            if round % 2 == 0 {
                kept.push((f, node));
            } else {
                mdd.rollback(mark);
            }
        }
        for (f, node) in &kept {
            assert_eq!(mdd.from_formula(f).unwrap(), *node);
        }
    }
}
