//! What a partial assignment already decides, exactly, on one decision
//! diagram of the whole problem: the advice every consistent completion
//! gets (certain), the advice some completion gets (possible), and the
//! questions whose answer can still change the advice.
//!
//! A completion takes, for every variable, one of the classes the partial
//! assignment allows (one class for an answered input; every class for an
//! unanswered one) and satisfies the assumptions (its leaf is not a
//! violation). Advice is compared as a set of [`Content`]s: two leaves that
//! list the same actions in another order are the same advice.
//!
//! A question (a set of variables: those of one input) *matters* when two
//! completions that differ only in those variables get different advice.
//! That is decided by walking the diagram twice at once, in lockstep: both
//! walks take the same class of every other variable and any class each of
//! the question's, and succeed at two consistent leaves with different
//! advice. The pairs of nodes visited are remembered, so a question costs
//! at most the product of the diagram's size with itself.

use super::{DecisionDiagram, DiagramRef, LeafId};
use crate::logic::problem::{Class, Content, Var};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The classes a partial assignment allows for each variable: `None` for
/// every class, or the allowed classes.
pub type Allowed = [Option<Vec<Class>>];

/// What a partial assignment decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialAdvice {
    /// The actions of every consistent completion, sorted.
    pub certain: Vec<Content>,
    /// The actions of some consistent completion but not of all, sorted.
    pub possible: Vec<Content>,
    /// The questions (indices into the list given) whose answer can still
    /// change the advice, in the diagram's order of their first variable.
    pub questions: Vec<usize>,
}

/// No completion satisfies the assumptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contradicted;

/// The advice of a leaf as a set, or `None` for a violation.
fn advice(diagram: &DecisionDiagram, leaf: LeafId) -> Option<BTreeSet<Content>> {
    if diagram.leaf_violates(leaf).is_some() {
        return None;
    }
    Some(diagram.leaf(leaf).iter().copied().collect())
}

fn allows(allowed: &Allowed, var: Var, class: Class) -> bool {
    match allowed.get(var as usize) {
        Some(Some(classes)) => classes.contains(&class),
        _ => true,
    }
}

/// The child of `node` for `class`.
fn child(diagram: &DecisionDiagram, node: usize, class: Class) -> Option<DiagramRef> {
    diagram
        .node_edges(node)
        .into_iter()
        .find(|(first, last, _)| *first <= class && class <= *last)
        .map(|(_, _, child)| child)
}

/// The leaves some completion reaches.
fn reachable_leaves(diagram: &DecisionDiagram, allowed: &Allowed) -> Vec<LeafId> {
    let mut seen = HashSet::new();
    let mut leaves = BTreeSet::new();
    let mut stack = vec![diagram.root()];
    while let Some(reference) = stack.pop() {
        if !seen.insert(reference) {
            continue;
        }
        match reference {
            DiagramRef::Leaf(leaf) => {
                leaves.insert(leaf);
            }
            DiagramRef::Node(node) => {
                let Some(var) = diagram.node_var(node) else {
                    continue;
                };
                for (first, last, child) in diagram.node_edges(node) {
                    if (first..=last).any(|class| allows(allowed, var, class)) {
                        stack.push(child);
                    }
                }
            }
        }
    }
    leaves.into_iter().collect()
}

/// What `allowed` decides on `diagram`, with `questions` the variables of
/// each question (an input's variables; only those of unanswered inputs
/// are worth asking about, and a question whose variables are fixed never
/// matters).
pub fn partial_advice(
    diagram: &DecisionDiagram,
    allowed: &Allowed,
    questions: &[Vec<Var>],
) -> Result<PartialAdvice, Contradicted> {
    let sets: Vec<BTreeSet<Content>> = reachable_leaves(diagram, allowed)
        .into_iter()
        .filter_map(|leaf| advice(diagram, leaf))
        .collect();
    let Some(first) = sets.first() else {
        return Err(Contradicted);
    };
    let certain: BTreeSet<Content> = sets.iter().skip(1).fold(first.clone(), |acc, set| {
        acc.intersection(set).copied().collect()
    });
    let possible: BTreeSet<Content> = sets
        .iter()
        .flatten()
        .filter(|c| !certain.contains(c))
        .copied()
        .collect();
    let level: HashMap<Var, usize> = diagram
        .order()
        .iter()
        .enumerate()
        .map(|(at, &var)| (var, at))
        .collect();
    let mut found: Vec<(usize, usize)> = Vec::new();
    // One set of advice: the sets alike are one.
    if sets.iter().any(|set| set != first) {
        let mut keys = Keys::default();
        for (index, vars) in questions.iter().enumerate() {
            if matters(diagram, allowed, vars, &level, &mut keys) {
                let at = vars
                    .iter()
                    .filter_map(|v| level.get(v))
                    .min()
                    .copied()
                    .unwrap_or(usize::MAX);
                found.push((at, index));
            }
        }
    }
    found.sort_unstable();
    Ok(PartialAdvice {
        certain: certain.into_iter().collect(),
        possible: possible.into_iter().collect(),
        questions: found.into_iter().map(|(_, index)| index).collect(),
    })
}

/// A number per distinct advice of the leaves, computed once.
#[derive(Default)]
struct Keys {
    of_leaf: HashMap<LeafId, Option<usize>>,
    of_set: HashMap<BTreeSet<Content>, usize>,
}

impl Keys {
    fn key(&mut self, diagram: &DecisionDiagram, leaf: LeafId) -> Option<usize> {
        if let Some(key) = self.of_leaf.get(&leaf) {
            return *key;
        }
        let key = advice(diagram, leaf).map(|set| {
            let next = self.of_set.len();
            *self.of_set.entry(set).or_insert(next)
        });
        self.of_leaf.insert(leaf, key);
        key
    }
}

/// Whether two completions that differ only in `vars` get different
/// advice: the lockstep walk of the module's documentation.
fn matters(
    diagram: &DecisionDiagram,
    allowed: &Allowed,
    vars: &[Var],
    level: &HashMap<Var, usize>,
    keys: &mut Keys,
) -> bool {
    // A question whose variables allow one class each cannot differ.
    let free = vars.iter().any(|&v| match allowed.get(v as usize) {
        Some(Some(classes)) => classes.len() > 1,
        _ => diagram.var_sizes().get(v as usize).is_some_and(|&s| s > 1),
    });
    if !free {
        return false;
    }
    let var_of = |reference: DiagramRef| match reference {
        DiagramRef::Node(node) => diagram.node_var(node),
        DiagramRef::Leaf(_) => None,
    };
    let mut seen: HashSet<(DiagramRef, DiagramRef)> = HashSet::new();
    let mut stack = vec![(diagram.root(), diagram.root())];
    while let Some((a, b)) = stack.pop() {
        if !seen.insert((a, b)) {
            continue;
        }
        let (var_a, var_b) = (var_of(a), var_of(b));
        let var = match (var_a, var_b) {
            (None, None) => {
                let (DiagramRef::Leaf(la), DiagramRef::Leaf(lb)) = (a, b) else {
                    continue;
                };
                if let (Some(ka), Some(kb)) = (keys.key(diagram, la), keys.key(diagram, lb)) {
                    if ka != kb {
                        return true;
                    }
                }
                continue;
            }
            (Some(v), None) | (None, Some(v)) => v,
            (Some(va), Some(vb)) => {
                let (la, lb) = (level.get(&va), level.get(&vb));
                if la <= lb { va } else { vb }
            }
        };
        // Where each side goes for a class of `var`: a node on another
        // (later) variable, or a leaf, stays where it is.
        let step = |reference: DiagramRef, class: Class| match reference {
            DiagramRef::Node(node) if diagram.node_var(node) == Some(var) => {
                child(diagram, node, class)
            }
            other => Some(other),
        };
        let size = diagram.var_sizes().get(var as usize).copied().unwrap_or(0);
        let classes: Vec<Class> = (0..size).filter(|&c| allows(allowed, var, c)).collect();
        if vars.contains(&var) {
            let left: BTreeSet<DiagramRef> = classes.iter().filter_map(|&c| step(a, c)).collect();
            let right: BTreeSet<DiagramRef> = classes.iter().filter_map(|&c| step(b, c)).collect();
            for &l in &left {
                for &r in &right {
                    stack.push((l, r));
                }
            }
        } else {
            for &class in &classes {
                if let (Some(l), Some(r)) = (step(a, class), step(b, class)) {
                    stack.push((l, r));
                }
            }
        }
    }
    false
}
