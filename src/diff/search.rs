//! The exact search for the patients whose advice differs between two
//! versions, over the classes of the merged inputs.
//!
//! Patients are split into boxes (one set of classes per variable), a box
//! only where some condition that matters cannot yet tell its patients
//! apart. A box stops being split as soon as its answer is settled for all
//! its patients:
//!
//! * no changed rule can fire in it and the versions' own assumptions agree
//!   on it: the versions advise the same (the rules that fire are the same
//!   rules, with the same actions and overrides);
//! * only one version has these patients (its assumptions hold, the
//!   other's fail): they exist only in that version;
//! * every condition that bears on the changed entries is decided: the
//!   reference semantics ([`Problem::outcome_complete`]) on any one patient
//!   of the box gives the advice of all of them, for each version.
//!
//! Nothing is sampled: every patient lies in exactly one box the search
//! settles. A budget on the boxes visited (and, when asked, on time) stops
//! the search with an error instead of running for hours.

use crate::logic::problem::{Class, Content, Formula, Problem, RuleId, Var};
use std::collections::{BTreeMap, BTreeSet};

/// A set of classes of one variable.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Set {
    words: Vec<u64>,
}

impl Set {
    pub(crate) fn empty(size: u32) -> Set {
        Set {
            words: vec![0; (size as usize).div_ceil(64).max(1)],
        }
    }

    pub(crate) fn full(size: u32) -> Set {
        let mut set = Set::empty(size);
        for class in 0..size {
            set.insert(class);
        }
        set
    }

    pub(crate) fn of(size: u32, classes: &[Class]) -> Set {
        let mut set = Set::empty(size);
        for &class in classes {
            set.insert(class);
        }
        set
    }

    pub(crate) fn insert(&mut self, class: Class) {
        if let Some(word) = self.words.get_mut(class as usize / 64) {
            *word |= 1 << (class % 64);
        }
    }

    pub(crate) fn contains(&self, class: Class) -> bool {
        self.words
            .get(class as usize / 64)
            .is_some_and(|w| w & (1 << (class % 64)) != 0)
    }

    pub(crate) fn count(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    pub(crate) fn is_subset(&self, other: &Set) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & !b == 0)
    }

    pub(crate) fn is_disjoint(&self, other: &Set) -> bool {
        self.words.iter().zip(&other.words).all(|(a, b)| a & b == 0)
    }

    pub(crate) fn union(&self, other: &Set) -> Set {
        Set {
            words: self
                .words
                .iter()
                .zip(&other.words)
                .map(|(a, b)| a | b)
                .collect(),
        }
    }

    pub(crate) fn classes(&self) -> Vec<Class> {
        let mut out = Vec::new();
        for (index, &word) in self.words.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let bit = word.trailing_zeros();
                out.push(crate::logic::problem::index_u32(index * 64) + bit);
                word &= word - 1;
            }
        }
        out
    }
}

/// A box of patients: one set of classes per variable.
pub(crate) type Cube = Vec<Set>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Open,
}

/// A formula with its atoms as sets.
#[derive(Clone, Debug)]
enum Node {
    Const(bool),
    In(Var, Set),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    /// `min <= Σ terms <= max`, each term the points of its first case
    /// that holds (see [`crate::logic::problem::Sum`]).
    Sum {
        terms: Vec<Vec<(Node, i64)>>,
        min: Option<i64>,
        max: Option<i64>,
    },
}

impl Node {
    fn new(formula: &Formula, sizes: &[u32]) -> Node {
        match formula {
            Formula::True => Node::Const(true),
            Formula::False => Node::Const(false),
            Formula::In { var, classes } => Node::In(
                *var,
                Set::of(sizes.get(*var as usize).copied().unwrap_or(0), classes),
            ),
            Formula::Not(inner) => Node::Not(Box::new(Node::new(inner, sizes))),
            Formula::And(parts) => Node::And(parts.iter().map(|p| Node::new(p, sizes)).collect()),
            Formula::Or(parts) => Node::Or(parts.iter().map(|p| Node::new(p, sizes)).collect()),
            Formula::Sum(sum) => Node::Sum {
                terms: sum
                    .terms
                    .iter()
                    .map(|term| {
                        term.iter()
                            .map(|(case, points)| (Node::new(case, sizes), *points))
                            .collect()
                    })
                    .collect(),
                min: sum.min,
                max: sum.max,
            },
        }
    }

    /// A sum on a box: the least and most every term can add (its first
    /// case that holds for the whole box, or any case still open before
    /// it, or 0), so the sum is decided when that whole span lies inside
    /// or outside the range. On a box of single classes every case is
    /// decided, so the span is one total.
    fn decide_sum(
        terms: &[Vec<(Node, i64)>],
        min: Option<i64>,
        max: Option<i64>,
        cube: &Cube,
    ) -> Tri {
        let (mut low, mut high) = (0i128, 0i128);
        for term in terms {
            let (mut term_low, mut term_high) = (i128::MAX, i128::MIN);
            let mut settled = false;
            for (case, points) in term {
                let points = i128::from(*points);
                match case.decide(cube) {
                    Tri::False => {}
                    Tri::Open => {
                        term_low = term_low.min(points);
                        term_high = term_high.max(points);
                    }
                    Tri::True => {
                        term_low = term_low.min(points);
                        term_high = term_high.max(points);
                        settled = true;
                        break;
                    }
                }
            }
            if !settled {
                // No case may hold: the term adds nothing.
                term_low = term_low.min(0);
                term_high = term_high.max(0);
            }
            low += term_low;
            high += term_high;
        }
        let inside = |total: i128| {
            min.is_none_or(|m| total >= i128::from(m)) && max.is_none_or(|m| total <= i128::from(m))
        };
        let below = max.is_some_and(|m| low > i128::from(m));
        let above = min.is_some_and(|m| high < i128::from(m));
        if inside(low) && inside(high) {
            Tri::True
        } else if below || above {
            Tri::False
        } else {
            Tri::Open
        }
    }

    fn decide(&self, cube: &Cube) -> Tri {
        match self {
            Node::Const(true) => Tri::True,
            Node::Const(false) => Tri::False,
            Node::In(var, set) => match cube.get(*var as usize) {
                Some(have) if have.is_subset(set) => Tri::True,
                Some(have) if have.is_disjoint(set) => Tri::False,
                _ => Tri::Open,
            },
            Node::Not(inner) => match inner.decide(cube) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Open => Tri::Open,
            },
            Node::And(parts) => {
                let mut out = Tri::True;
                for part in parts {
                    match part.decide(cube) {
                        Tri::False => return Tri::False,
                        Tri::Open => out = Tri::Open,
                        Tri::True => {}
                    }
                }
                out
            }
            Node::Or(parts) => {
                let mut out = Tri::False;
                for part in parts {
                    match part.decide(cube) {
                        Tri::True => return Tri::True,
                        Tri::Open => out = Tri::Open,
                        Tri::False => {}
                    }
                }
                out
            }
            Node::Sum { terms, min, max } => Node::decide_sum(terms, *min, *max, cube),
        }
    }

    fn atoms<'a>(&'a self, out: &mut Vec<(Var, &'a Set)>) {
        match self {
            Node::Const(_) => {}
            Node::In(var, set) => out.push((*var, set)),
            Node::Not(inner) => inner.atoms(out),
            Node::And(parts) | Node::Or(parts) => {
                for part in parts {
                    part.atoms(out);
                }
            }
            Node::Sum { terms, .. } => {
                for (case, _) in terms.iter().flatten() {
                    case.atoms(out);
                }
            }
        }
    }
}

/// What the patients of a settled box get.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Found {
    /// Patients of the old version only (the new one's assumptions or
    /// declarations exclude them).
    OnlyOld,
    OnlyNew,
    /// Patients of both whose advice on these entries differs.
    Differs(Vec<EntryDiff>),
}

/// The advice on one entry in each version (contents sorted, without
/// duplicates; empty: nothing about it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct EntryDiff {
    pub entry: u32,
    pub old: Vec<Content>,
    pub new: Vec<Content>,
}

/// Why the search stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    Boxes(usize),
    Time(std::time::Duration),
}

/// The two versions as the search sees them.
pub(crate) struct Versions<'a> {
    pub old: &'a Problem,
    pub new: &'a Problem,
    /// Assumptions of both, of the old only, of the new only.
    pub common: Vec<Formula>,
    pub old_only: Vec<Formula>,
    pub new_only: Vec<Formula>,
    /// Rules that have no identical rule in the other version.
    pub changed_old: Vec<bool>,
    pub changed_new: Vec<bool>,
    /// The entries whose advice a changed rule can change.
    pub entries: BTreeSet<u32>,
}

/// One formula of the search and what it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Common,
    OldOnly,
    NewOnly,
    /// A rule's condition (`new` side when true).
    When {
        new: bool,
        rule: RuleId,
    },
    /// An alternative's condition of a rule.
    Alternative {
        new: bool,
        rule: RuleId,
    },
}

pub(crate) struct Search<'a> {
    /// Each version restricted to the rules that bear on the changed
    /// entries.
    old: Problem,
    new: Problem,
    changed_old: Vec<bool>,
    changed_new: Vec<bool>,
    _versions: std::marker::PhantomData<&'a ()>,
    /// The entries whose advice is compared.
    entries: BTreeSet<u32>,
    sizes: Vec<u32>,
    nodes: Vec<Node>,
    roles: Vec<Role>,
    /// The formulas that mention each variable.
    by_var: Vec<Vec<usize>>,
    /// Formula index of each rule's condition, per version.
    when_old: Vec<usize>,
    when_new: Vec<usize>,
    budget: usize,
    visited: usize,
    deadline: Option<(std::time::Instant, std::time::Duration)>,
}

/// What a search found in a box.
#[derive(Clone, Debug, Default)]
pub(crate) struct Outcome {
    pub boxes: Vec<(Cube, Found)>,
    /// Some patient in the box gets the same advice from both versions.
    pub same: bool,
}

fn relevant_rules(problem: &Problem, entries: &BTreeSet<u32>) -> Vec<bool> {
    let mut relevant: Vec<bool> = problem
        .rules
        .iter()
        .map(|rule| {
            rule.actions.iter().any(|a| {
                entries.contains(&a.target)
                    || a.alternatives.iter().any(|(_, t)| entries.contains(t))
            })
        })
        .collect();
    // Rules that override a relevant rule decide what of its advice stays.
    let overriders: Vec<usize> = problem
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| {
            rule.overrides
                .iter()
                .any(|&v| relevant.get(v).copied().unwrap_or(false))
        })
        .map(|(index, _)| index)
        .collect();
    for index in overriders {
        if let Some(cell) = relevant.get_mut(index) {
            *cell = true;
        }
    }
    relevant
}

/// The rules of `problem` marked in `keep`, as a problem of their own
/// (overrides of rules left out dropped: they can only drop advice on
/// entries the search does not compare), and the map back.
fn sub_problem(problem: &Problem, keep: &[bool]) -> (Problem, Vec<RuleId>) {
    let kept: Vec<RuleId> = (0..problem.rules.len())
        .filter(|&r| keep.get(r).copied().unwrap_or(false))
        .collect();
    let mut index = vec![None; problem.rules.len()];
    for (new, &old) in kept.iter().enumerate() {
        if let Some(cell) = index.get_mut(old) {
            *cell = Some(new);
        }
    }
    let rules = kept
        .iter()
        .filter_map(|&r| problem.rules.get(r))
        .map(|rule| {
            let mut rule = rule.clone();
            rule.overrides = rule
                .overrides
                .iter()
                .filter_map(|&v| index.get(v).copied().flatten())
                .collect();
            rule
        })
        .collect();
    (
        Problem {
            var_sizes: problem.var_sizes.clone(),
            assumptions: problem.assumptions.clone(),
            rules,
            requirements: Vec::new(),
            exclusive: problem.exclusive.clone(),
        },
        kept,
    )
}

impl<'a> Search<'a> {
    pub(crate) fn new(
        versions: &'a Versions<'a>,
        budget: usize,
        time_limit: Option<std::time::Duration>,
    ) -> Search<'a> {
        let sizes = versions.old.var_sizes.clone();
        // Only the rules whose advice bears on the changed entries matter
        // (every changed rule is one of them): the search and the advice
        // it compares read these alone.
        let (old, kept_old) = sub_problem(
            versions.old,
            &relevant_rules(versions.old, &versions.entries),
        );
        let (new, kept_new) = sub_problem(
            versions.new,
            &relevant_rules(versions.new, &versions.entries),
        );
        let changed = |kept: &[RuleId], all: &[bool]| -> Vec<bool> {
            kept.iter()
                .map(|&r| all.get(r).copied().unwrap_or(true))
                .collect()
        };
        let changed_old = changed(&kept_old, &versions.changed_old);
        let changed_new = changed(&kept_new, &versions.changed_new);
        let mut nodes = Vec::new();
        let mut roles = Vec::new();
        let mut add = |formula: &Formula, role: Role, nodes: &mut Vec<Node>| {
            nodes.push(Node::new(formula, &sizes));
            roles.push(role);
            nodes.len() - 1
        };
        for f in &versions.common {
            add(f, Role::Common, &mut nodes);
        }
        for f in &versions.old_only {
            add(f, Role::OldOnly, &mut nodes);
        }
        for f in &versions.new_only {
            add(f, Role::NewOnly, &mut nodes);
        }
        let mut when_old = Vec::new();
        let mut when_new = Vec::new();
        for (is_new, problem, whens) in [(false, &old, &mut when_old), (true, &new, &mut when_new)]
        {
            for (rule, r) in problem.rules.iter().enumerate() {
                whens.push(add(&r.when, Role::When { new: is_new, rule }, &mut nodes));
                for action in &r.actions {
                    for (condition, _) in &action.alternatives {
                        add(
                            condition,
                            Role::Alternative { new: is_new, rule },
                            &mut nodes,
                        );
                    }
                }
            }
        }
        let mut by_var = vec![Vec::new(); sizes.len()];
        for (index, node) in nodes.iter().enumerate() {
            let mut atoms = Vec::new();
            node.atoms(&mut atoms);
            let mut vars: Vec<Var> = atoms.iter().map(|(v, _)| *v).collect();
            vars.sort_unstable();
            vars.dedup();
            for var in vars {
                if let Some(list) = by_var.get_mut(var as usize) {
                    list.push(index);
                }
            }
        }
        Search {
            _versions: std::marker::PhantomData,
            entries: versions.entries.clone(),
            old,
            new,
            changed_old,
            changed_new,
            sizes,
            nodes,
            roles,
            by_var,
            when_old,
            when_new,
            budget,
            visited: 0,
            deadline: time_limit.map(|limit| (std::time::Instant::now(), limit)),
        }
    }

    /// Every patient.
    pub(crate) fn everyone(&self) -> Cube {
        self.sizes.iter().map(|&s| Set::full(s)).collect()
    }

    pub(crate) fn sizes(&self) -> &[u32] {
        &self.sizes
    }

    /// Settles every patient of `cube`.
    pub(crate) fn run(&mut self, cube: Cube) -> Result<Outcome, Stop> {
        let values: Vec<Tri> = self.nodes.iter().map(|n| n.decide(&cube)).collect();
        let mut out = Outcome::default();
        self.visit(cube, values, &mut out)?;
        Ok(out)
    }

    /// [`Search::run`] with at most `boxes` more boxes (the budget of the
    /// whole search still holds).
    pub(crate) fn run_limited(&mut self, cube: Cube, boxes: usize) -> Result<Outcome, Stop> {
        let budget = self.budget;
        self.budget = budget.min(self.visited.saturating_add(boxes));
        let result = self.run(cube);
        self.budget = budget;
        result
    }

    /// The boxes visited so far.
    pub(crate) fn visited(&self) -> usize {
        self.visited
    }

    fn rule_when(&self, new: bool, rule: RuleId, values: &[Tri]) -> Tri {
        let whens = if new { &self.when_new } else { &self.when_old };
        whens
            .get(rule)
            .and_then(|&i| values.get(i))
            .copied()
            .unwrap_or(Tri::False)
    }

    fn visit(&mut self, cube: Cube, values: Vec<Tri>, out: &mut Outcome) -> Result<(), Stop> {
        self.visited += 1;
        if self.visited > self.budget {
            return Err(Stop::Boxes(self.budget));
        }
        if self.visited % 1024 == 0 {
            if let Some((start, limit)) = self.deadline {
                if start.elapsed() > limit {
                    return Err(Stop::Time(limit));
                }
            }
        }
        let all = |role: fn(&Role) -> bool| -> Tri {
            let mut out = Tri::True;
            for (value, r) in values.iter().zip(&self.roles) {
                if role(r) {
                    match value {
                        Tri::False => return Tri::False,
                        Tri::Open => out = Tri::Open,
                        Tri::True => {}
                    }
                }
            }
            out
        };
        let common = all(|r| *r == Role::Common);
        if common == Tri::False {
            return Ok(());
        }
        let old_own = all(|r| *r == Role::OldOnly);
        let new_own = all(|r| *r == Role::NewOnly);
        let and = |a: Tri, b: Tri| match (a, b) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Open,
        };
        let old_here = and(common, old_own);
        let new_here = and(common, new_own);
        let wanted: Vec<usize> = match (old_here, new_here) {
            (Tri::False, Tri::False) => return Ok(()),
            (Tri::False, Tri::True) => {
                out.boxes.push((cube, Found::OnlyNew));
                return Ok(());
            }
            (Tri::True, Tri::False) => {
                out.boxes.push((cube, Found::OnlyOld));
                return Ok(());
            }
            (Tri::True, Tri::True) => {
                let changed_fires = |new: bool, changed: &[bool]| {
                    changed
                        .iter()
                        .enumerate()
                        .any(|(rule, &c)| c && self.rule_when(new, rule, &values) != Tri::False)
                };
                if !changed_fires(false, &self.changed_old)
                    && !changed_fires(true, &self.changed_new)
                {
                    out.same = true;
                    return Ok(());
                }
                self.roles
                    .iter()
                    .enumerate()
                    .filter(|(index, role)| {
                        values.get(*index) == Some(&Tri::Open)
                            && match **role {
                                Role::When { .. } => true,
                                Role::Alternative { new, rule } => {
                                    self.rule_when(new, rule, &values) != Tri::False
                                }
                                _ => false,
                            }
                    })
                    .map(|(index, _)| index)
                    .collect()
            }
            // Which patients each version has is not settled yet.
            _ => self
                .roles
                .iter()
                .enumerate()
                .filter(|(index, role)| {
                    values.get(*index) == Some(&Tri::Open)
                        && match role {
                            Role::Common => true,
                            Role::OldOnly => old_here != Tri::False,
                            Role::NewOnly => new_here != Tri::False,
                            _ => false,
                        }
                })
                .map(|(index, _)| index)
                .collect(),
        };
        if wanted.is_empty() {
            // Everything that bears on the changed entries is decided: one
            // patient of the box speaks for all.
            let point: Vec<Class> = cube
                .iter()
                .map(|s| s.classes().first().copied().unwrap_or(0))
                .collect();
            match self.found_at(&point) {
                Some(found) => out.boxes.push((cube, found)),
                None => out.same = true,
            }
            return Ok(());
        }
        // Split on the variable the most open conditions test, into the
        // blocks of classes that their tests tell apart.
        let mut counts: BTreeMap<Var, usize> = BTreeMap::new();
        let mut atoms = Vec::new();
        for &index in &wanted {
            if let Some(node) = self.nodes.get(index) {
                let start = atoms.len();
                node.atoms(&mut atoms);
                // Only atoms that split the box's classes of their variable.
                let mut seen: Vec<Var> = atoms
                    .get(start..)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|(v, set)| {
                        cube.get(*v as usize)
                            .is_some_and(|have| !have.is_subset(set) && !have.is_disjoint(set))
                    })
                    .map(|(v, _)| *v)
                    .collect();
                seen.sort_unstable();
                seen.dedup();
                for var in seen {
                    *counts.entry(var).or_default() += 1;
                }
            }
        }
        let Some((&var, _)) = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
            return Ok(());
        };
        let size = self.sizes.get(var as usize).copied().unwrap_or(0);
        let here = cube
            .get(var as usize)
            .cloned()
            .unwrap_or_else(|| Set::empty(size));
        let mut blocks: BTreeMap<Vec<bool>, Set> = BTreeMap::new();
        let mut order: Vec<Vec<bool>> = Vec::new();
        for class in here.classes() {
            let signature: Vec<bool> = atoms
                .iter()
                .filter(|(v, _)| *v == var)
                .map(|(_, set)| set.contains(class))
                .collect();
            let block = blocks.entry(signature.clone()).or_insert_with(|| {
                order.push(signature);
                Set::empty(size)
            });
            block.insert(class);
        }
        drop(atoms);
        for signature in order {
            let Some(block) = blocks.remove(&signature) else {
                continue;
            };
            let mut child = cube.clone();
            if let Some(slot) = child.get_mut(var as usize) {
                *slot = block;
            }
            let mut child_values = values.clone();
            for &index in self.by_var.get(var as usize).map_or(&[][..], Vec::as_slice) {
                if child_values.get(index) == Some(&Tri::Open) {
                    if let (Some(node), Some(cell)) =
                        (self.nodes.get(index), child_values.get_mut(index))
                    {
                        *cell = node.decide(&child);
                    }
                }
            }
            self.visit(child, child_values, out)?;
        }
        Ok(())
    }

    /// What one patient gets, by the reference semantics of each version;
    /// `None` when the versions agree (or neither has the patient).
    pub(crate) fn found_at(&self, point: &[Class]) -> Option<Found> {
        let old = self.old.outcome_complete(point);
        let new = self.new.outcome_complete(point);
        match (old, new) {
            (None, None) => None,
            (None, Some(_)) => Some(Found::OnlyNew),
            (Some(_), None) => Some(Found::OnlyOld),
            (Some(old), Some(new)) => {
                let advice = |actions: &[crate::logic::problem::ResolvedAction]| {
                    let mut by_entry: BTreeMap<u32, BTreeSet<Content>> = BTreeMap::new();
                    for action in actions.iter().filter(|a| self.entries.contains(&a.target)) {
                        by_entry
                            .entry(action.target)
                            .or_default()
                            .insert(action.content());
                    }
                    by_entry
                };
                let (old, new) = (advice(&old.actions), advice(&new.actions));
                let entries: BTreeSet<u32> = old.keys().chain(new.keys()).copied().collect();
                let diffs: Vec<EntryDiff> = entries
                    .into_iter()
                    .filter_map(|entry| {
                        let o: Vec<Content> = old
                            .get(&entry)
                            .map(|s| s.iter().copied().collect())
                            .unwrap_or_default();
                        let n: Vec<Content> = new
                            .get(&entry)
                            .map(|s| s.iter().copied().collect())
                            .unwrap_or_default();
                        (o != n).then_some(EntryDiff {
                            entry,
                            old: o,
                            new: n,
                        })
                    })
                    .collect();
                (!diffs.is_empty()).then_some(Found::Differs(diffs))
            }
        }
    }
}
