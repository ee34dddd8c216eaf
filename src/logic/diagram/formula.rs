//! The interned formula algebra the builder expands: formulas over runs of
//! classes, hash-consed, with cofactors by one class.

use super::*;

/// An interned formula; [`F_FALSE`] and [`F_TRUE`] are the constants.
pub(super) type FId = u32;
pub(super) const F_FALSE: FId = 0;
pub(super) const F_TRUE: FId = 1;

/// A set of classes as sorted, disjoint, non-adjacent half-open runs.
pub(super) type Runs = Box<[(Class, Class)]>;

/// One term of an interned sum: its cases, each a guard and its points.
pub(super) type FTerm = Box<[(FId, i128)]>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum FNode {
    Const(bool),
    /// The variable's class is in the runs (never empty, never everything).
    Atom {
        var: Var,
        runs: Runs,
    },
    /// Sorted, deduplicated, at least two, at most one atom per variable.
    And(Box<[FId]>),
    Or(Box<[FId]>),
    /// `min <= Σ terms <= max` ([`Formula::Sum`]), normalised by
    /// [`Arena::sum`]: every term has a case, none of its guards is a
    /// constant, its last case has points other than 0, and the sum is not
    /// settled by the terms' bounds. Points already certain are taken out
    /// of `min` and `max`, so a state "these points so far, these terms
    /// left" is one node however it was reached: the sharing of the
    /// dynamic programme.
    Sum {
        terms: Box<[FTerm]>,
        min: Option<i128>,
        max: Option<i128>,
    },
}

pub(super) struct Arena {
    pub(super) nodes: Vec<FNode>,
    /// The order position of the first variable a formula mentions, or
    /// `u32::MAX` for a constant.
    pub(super) top: Vec<u32>,
    pub(super) table: HashMap<FNode, FId>,
    /// `position[var]` is the variable's position in the order.
    pub(super) position: Vec<u32>,
    pub(super) sizes: Vec<u32>,
    /// Cofactors by the formula and the class of its top variable.
    pub(super) cofactors: HashMap<(FId, Class), FId>,
    /// Bytes held by the nodes, their table and the cofactor cache (an
    /// estimate, for [`CompileOptions::max_memory`]).
    pub(super) bytes: usize,
}

impl Arena {
    pub(super) fn new(position: Vec<u32>, sizes: Vec<u32>) -> Self {
        let mut arena = Arena {
            nodes: Vec::new(),
            top: Vec::new(),
            table: HashMap::new(),
            position,
            sizes,
            cofactors: HashMap::new(),
            bytes: 0,
        };
        arena.intern(FNode::Const(false), u32::MAX);
        arena.intern(FNode::Const(true), u32::MAX);
        arena
    }

    pub(super) fn intern(&mut self, node: FNode, top: u32) -> FId {
        if let Some(&id) = self.table.get(&node) {
            return id;
        }
        let id = crate::logic::problem::index_u32(self.nodes.len());
        // Stored twice (the list and the table's key), with its payload.
        let payload = match &node {
            FNode::Const(_) => 0,
            FNode::Atom { runs, .. } => std::mem::size_of_val(&**runs),
            FNode::And(children) | FNode::Or(children) => std::mem::size_of_val(&**children),
            FNode::Sum { terms, .. } => terms
                .iter()
                .map(|term| std::mem::size_of_val(&**term) + 16)
                .sum(),
        };
        self.bytes += 2 * (std::mem::size_of::<FNode>() + payload) + 56;
        self.nodes.push(node.clone());
        self.top.push(top);
        self.table.insert(node, id);
        id
    }

    pub(super) fn top(&self, f: FId) -> u32 {
        self.top.get(f as usize).copied().unwrap_or(u32::MAX)
    }

    pub(super) fn size(&self, var: Var) -> u32 {
        self.sizes.get(var as usize).copied().unwrap_or(0)
    }

    pub(super) fn atom(&mut self, var: Var, runs: Vec<(Class, Class)>) -> FId {
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
    pub(super) fn lower(&mut self, formula: &Formula, negate: bool) -> Result<FId, CompileError> {
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
            Formula::Sum(sum) => {
                let mut terms = Vec::with_capacity(sum.terms.len());
                for term in &sum.terms {
                    let mut cases = Vec::with_capacity(term.len());
                    for (formula, points) in term {
                        cases.push((self.lower(formula, false)?, i128::from(*points)));
                    }
                    terms.push(cases);
                }
                let (min, max) = (sum.min.map(i128::from), sum.max.map(i128::from));
                if negate {
                    // Below the range or above it; a side without a bound
                    // has nothing beyond it.
                    let below = min.map(|min| self.sum(terms.clone(), None, Some(min - 1)));
                    let above = max.map(|max| self.sum(terms, Some(max + 1), None));
                    let parts = below.into_iter().chain(above).collect();
                    self.or(parts)
                } else {
                    self.sum(terms, min, max)
                }
            }
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

    pub(super) fn and(&mut self, children: Vec<FId>) -> FId {
        self.combine(children, true)
    }

    pub(super) fn or(&mut self, children: Vec<FId>) -> FId {
        self.combine(children, false)
    }

    /// Builds a simplified conjunction (`is_and`) or disjunction: flattened,
    /// without neutral elements, with atoms on one variable merged, sorted.
    pub(super) fn combine(&mut self, children: Vec<FId>, is_and: bool) -> FId {
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

    /// The sum node of these terms and bounds, normalised (see
    /// [`FNode::Sum`]), or a constant when the terms decide it.
    pub(super) fn sum(
        &mut self,
        terms: Vec<Vec<(FId, i128)>>,
        min: Option<i128>,
        max: Option<i128>,
    ) -> FId {
        let mut offset: i128 = 0;
        let mut kept: Vec<FTerm> = Vec::with_capacity(terms.len());
        for term in terms {
            let mut cases: Vec<(FId, i128)> = Vec::with_capacity(term.len());
            // What the term adds when none of the kept cases applies.
            let mut otherwise = 0;
            for (guard, points) in term {
                if guard == F_FALSE {
                    continue;
                }
                if guard == F_TRUE {
                    otherwise = points;
                    break;
                }
                cases.push((guard, points));
            }
            offset = offset.saturating_add(otherwise);
            for case in &mut cases {
                case.1 = case.1.saturating_sub(otherwise);
            }
            // A last case adding nothing is the same as no case.
            while cases.last().is_some_and(|&(_, points)| points == 0) {
                cases.pop();
            }
            if !cases.is_empty() {
                kept.push(cases.into_boxed_slice());
            }
        }
        let min = min.map(|min| min.saturating_sub(offset));
        let max = max.map(|max| max.saturating_sub(offset));
        let (low, high) = kept.iter().fold((0i128, 0i128), |(low, high), term| {
            let (l, h) = term
                .iter()
                .fold((0i128, 0i128), |(l, h), &(_, p)| (l.min(p), h.max(p)));
            (low.saturating_add(l), high.saturating_add(h))
        });
        if min.is_some_and(|min| high < min) || max.is_some_and(|max| low > max) {
            return F_FALSE;
        }
        if min.is_none_or(|min| low >= min) && max.is_none_or(|max| high <= max) {
            return F_TRUE;
        }
        let top = kept
            .iter()
            .flat_map(|term| term.iter())
            .map(|&(guard, _)| self.top(guard))
            .min()
            .unwrap_or(u32::MAX);
        self.intern(
            FNode::Sum {
                terms: kept.into_boxed_slice(),
                min,
                max,
            },
            top,
        )
    }

    /// The formula with the variable at order position `position` fixed to
    /// `class`. Formulas whose first variable is later are unchanged.
    pub(super) fn cofactor(&mut self, f: FId, position: u32, class: Class) -> FId {
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
            Some(FNode::Sum { terms, min, max }) => {
                let terms = terms
                    .iter()
                    .map(|term| {
                        term.iter()
                            .map(|&(guard, points)| (self.cofactor(guard, position, class), points))
                            .collect()
                    })
                    .collect();
                self.sum(terms, min, max)
            }
            Some(FNode::Const(_)) | None => f,
        };
        self.bytes += 32;
        self.cofactors.insert((f, class), result);
        result
    }

    /// Adds to `out` every class at which membership in an atom on the
    /// variable at `position` changes.
    pub(super) fn boundaries(&self, f: FId, position: u32, out: &mut Vec<Class>) {
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
            Some(FNode::Sum { terms, .. }) => {
                for &(guard, _) in terms.iter().flat_map(|term| term.iter()) {
                    self.boundaries(guard, position, out);
                }
            }
            Some(FNode::Const(_)) | None => {}
        }
    }
}

pub(super) fn constant(value: bool) -> FId {
    if value { F_TRUE } else { F_FALSE }
}

pub(super) fn runs_from_sorted(classes: &[Class]) -> Vec<(Class, Class)> {
    let mut runs: Vec<(Class, Class)> = Vec::new();
    for &class in classes {
        match runs.last_mut() {
            Some((_, end)) if *end == class => *end = class + 1,
            _ => runs.push((class, class + 1)),
        }
    }
    runs
}

pub(super) fn complement(runs: &[(Class, Class)], size: u32) -> Vec<(Class, Class)> {
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

pub(super) fn intersect(a: &[(Class, Class)], b: &[(Class, Class)]) -> Vec<(Class, Class)> {
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

pub(super) fn union(a: &[(Class, Class)], b: &[(Class, Class)]) -> Vec<(Class, Class)> {
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

pub(super) fn contains(runs: &[(Class, Class)], class: Class) -> bool {
    let after = runs.partition_point(|&(start, _)| start <= class);
    after
        .checked_sub(1)
        .and_then(|index| runs.get(index))
        .is_some_and(|&(_, end)| class < end)
}

// ---------------------------------------------------------------------------
// Construction.
