//! The abstract finite-domain problem every analysis, the decision diagram
//! and the reference evaluator work on, and its reference semantics.
//!
//! The language front end lowers a checked guideline to a [`Problem`]: every
//! input becomes one or more variables with a finite number of value classes
//! (yes/no: 2; one of: one class per value, plus "not asked" where the input
//! has an `asked when`; any of: one yes/no variable per member; number: the
//! declared range cut at every threshold the guideline uses). Conditions
//! become [`Formula`]s over `(variable, set of classes)` atoms.
//!
//! A *patient* is an assignment of one class to every variable that satisfies
//! every assumption. [`Problem::outcome`] is the meaning of a guideline for
//! one patient; everything else (analyses, the compiled diagram) must agree
//! with it.

use serde::{Deserialize, Serialize};

/// Index of a variable in [`Problem::var_sizes`].
pub type Var = u32;
/// Index of a value class of one variable, `0..var_sizes[var]`.
pub type Class = u32;
/// Index of a catalogue target.
pub type Target = u32;
/// Index of a rule in [`Problem::rules`].
pub type RuleId = usize;

/// The `index`-th variable, class, target or diagram node, as the `u32`
/// the problem and its diagrams number them with.
///
/// None of these reaches `u32::MAX`: lowering numbers them from one source
/// file, which holds at most `u32::MAX` bytes (`source::MAX_FILE_BYTES`)
/// and spends bytes on each; the diagrams' node and memory budgets stop
/// them far below. An index past that is a bug, and stops here instead of
/// becoming a wrong variable or class.
#[expect(
    clippy::expect_used,
    reason = "indices of a problem and its diagrams stay below u32::MAX (see above)"
)]
pub(crate) fn index_u32(index: usize) -> u32 {
    u32::try_from(index).expect("an index of a problem fits in u32")
}

/// A condition over value classes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Formula {
    True,
    False,
    /// The variable's class is one of `classes` (sorted, without duplicates).
    In {
        var: Var,
        classes: Vec<Class>,
    },
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    /// A weighted sum of conditions lies in a range: a score compared with
    /// a threshold, or `at least N of (...)`. See [`Sum`].
    Sum(Box<Sum>),
}

/// One term of a [`Sum`]: the points of its first case whose formula
/// holds, or nothing (0) when none does.
pub type SumTerm = Vec<(Formula, i64)>;

/// `min <= Σ terms <= max`: each term adds the points of its first case
/// whose formula holds (0 when none does).
///
/// The sum is one node, not its written-out condition tree: every engine
/// decides it by dynamic programming over the terms, where a state is the
/// points so far and the terms left, so two ways of reaching the same
/// points share everything below (linear in terms × distinct partial sums,
/// where the tree is exponential). Sums are computed in `i128`, so no
/// points in `i64` overflow.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sum {
    pub terms: Vec<SumTerm>,
    /// The least sum that holds; `None`: no least.
    pub min: Option<i64>,
    /// The greatest sum that holds; `None`: no greatest.
    pub max: Option<i64>,
}

impl Sum {
    /// Whether a sum lies in the range.
    pub fn accepts(&self, total: i128) -> bool {
        self.min.is_none_or(|min| total >= i128::from(min))
            && self.max.is_none_or(|max| total <= i128::from(max))
    }

    /// The least and most one term can add: its cases' points and 0.
    pub fn term_bounds(term: &[(Formula, i64)]) -> (i128, i128) {
        term.iter().fold((0, 0), |(low, high), (_, points)| {
            let points = i128::from(*points);
            (low.min(points), high.max(points))
        })
    }

    /// `rest[i]`: the least and most the terms `i..` add together (one
    /// more entry than terms, the last `(0, 0)`).
    pub fn rest_bounds<'t>(
        terms: impl DoubleEndedIterator<Item = &'t [(Formula, i64)]>,
    ) -> Vec<(i128, i128)> {
        let mut rest = vec![(0, 0)];
        let mut acc = (0i128, 0i128);
        for term in terms.rev() {
            let (low, high) = Sum::term_bounds(term);
            acc = (acc.0.saturating_add(low), acc.1.saturating_add(high));
            rest.push(acc);
        }
        rest.reverse();
        rest
    }

    /// Whether the comparison is settled with `so_far` points and the rest
    /// adding between `low` and `high`: `Some(answer)` when every total in
    /// `so_far + low ..= so_far + high` gives `answer`.
    pub fn settled(&self, so_far: i128, (low, high): (i128, i128)) -> Option<bool> {
        let (least, most) = (so_far.saturating_add(low), so_far.saturating_add(high));
        let below = self.min.map(i128::from);
        let above = self.max.map(i128::from);
        if below.is_some_and(|min| most < min) || above.is_some_and(|max| least > max) {
            return Some(false);
        }
        if below.is_none_or(|min| least >= min) && above.is_none_or(|max| most <= max) {
            return Some(true);
        }
        None
    }

    /// The points of one term on a complete assignment.
    fn term_points(term: &[(Formula, i64)], assignment: &[Class]) -> i128 {
        term.iter()
            .find(|(formula, _)| formula.holds(assignment))
            .map_or(0, |(_, points)| i128::from(*points))
    }

    fn holds(&self, assignment: &[Class]) -> bool {
        let total = self
            .terms
            .iter()
            .map(|term| Sum::term_points(term, assignment))
            .fold(0i128, i128::saturating_add);
        self.accepts(total)
    }

    /// Three-valued: per term, the least and most it can add given what is
    /// known (a case whose formula is unknown may or may not apply); the
    /// answer is known when every total in the bounds gives the same.
    fn eval(&self, assignment: &[Option<Class>]) -> Option<bool> {
        let mut bounds = (0i128, 0i128);
        for term in &self.terms {
            let mut possible: Option<(i128, i128)> = None;
            let mut include = |points: i128| {
                possible = Some(possible.map_or((points, points), |(low, high)| {
                    (low.min(points), high.max(points))
                }));
            };
            let mut decided = false;
            for (formula, points) in term {
                match formula.eval(assignment) {
                    Some(false) => {}
                    Some(true) => {
                        include(i128::from(*points));
                        decided = true;
                        break;
                    }
                    None => include(i128::from(*points)),
                }
            }
            if !decided {
                include(0);
            }
            let (low, high) = possible.unwrap_or((0, 0));
            bounds = (bounds.0.saturating_add(low), bounds.1.saturating_add(high));
        }
        self.settled(0, bounds)
    }
}

impl Formula {
    /// Evaluates the formula with Kleene three-valued logic: `None` in the
    /// assignment means "unknown", and the result is `None` only when the
    /// unknown variables matter.
    pub fn eval(&self, assignment: &[Option<Class>]) -> Option<bool> {
        match self {
            Formula::True => Some(true),
            Formula::False => Some(false),
            Formula::In { var, classes } => {
                let value = assignment.get(*var as usize).copied().flatten()?;
                Some(classes.binary_search(&value).is_ok())
            }
            Formula::Not(inner) => inner.eval(assignment).map(|b| !b),
            Formula::And(parts) => all3(parts.iter().map(|p| p.eval(assignment))),
            Formula::Or(parts) => any3(parts.iter().map(|p| p.eval(assignment))),
            Formula::Sum(sum) => sum.eval(assignment),
        }
    }

    /// Evaluates the formula on a complete assignment.
    pub fn holds(&self, assignment: &[Class]) -> bool {
        match self {
            Formula::True => true,
            Formula::False => false,
            Formula::In { var, classes } => assignment
                .get(*var as usize)
                .is_some_and(|value| classes.binary_search(value).is_ok()),
            Formula::Not(inner) => !inner.holds(assignment),
            Formula::And(parts) => parts.iter().all(|p| p.holds(assignment)),
            Formula::Or(parts) => parts.iter().any(|p| p.holds(assignment)),
            Formula::Sum(sum) => sum.holds(assignment),
        }
    }

    /// For every class `c` of `var` (`size` classes), whether the formula
    /// holds on `assignment` with `var` set to `c`: one walk of the formula
    /// for all classes at once, instead of one evaluation per class.
    pub(crate) fn holds_along(&self, assignment: &[Class], var: Var, size: Class) -> ClassSet {
        match self.along(assignment, var, size) {
            Along::Never => ClassSet::empty(size),
            Along::Always => ClassSet::full(size),
            Along::For(set) => set,
        }
    }

    fn along(&self, assignment: &[Class], var: Var, size: Class) -> Along {
        let constant = |holds: bool| if holds { Along::Always } else { Along::Never };
        match self {
            Formula::True => Along::Always,
            Formula::False => Along::Never,
            Formula::In { var: v, classes } if *v == var => Along::For(ClassSet::of(size, classes)),
            Formula::In { .. } => constant(self.holds(assignment)),
            Formula::Sum(_) => {
                let mut vars = Vec::new();
                self.collect_vars(&mut vars);
                if !vars.contains(&var) {
                    return constant(self.holds(assignment));
                }
                // One evaluation per class: a sum is decided term by term.
                let mut moved = assignment.to_vec();
                let holding: Vec<Class> = (0..size)
                    .filter(|&class| {
                        if let Some(cell) = moved.get_mut(var as usize) {
                            *cell = class;
                        }
                        self.holds(&moved)
                    })
                    .collect();
                Along::For(ClassSet::of(size, &holding))
            }
            Formula::Not(inner) => match inner.along(assignment, var, size) {
                Along::Never => Along::Always,
                Along::Always => Along::Never,
                Along::For(set) => Along::For(set.complement()),
            },
            Formula::And(parts) | Formula::Or(parts) => {
                let is_and = matches!(self, Formula::And(_));
                // Tests on other variables first: one that decides the
                // whole (a false part of an `and`) saves building sets.
                let other = |p: &&Formula| matches!(p, Formula::In { var: v, .. } if *v != var);
                if parts
                    .iter()
                    .filter(other)
                    .any(|p| p.holds(assignment) != is_and)
                {
                    return constant(!is_and);
                }
                let mut out: Option<ClassSet> = None;
                for part in parts.iter().filter(|p| !other(p)) {
                    match (part.along(assignment, var, size), is_and) {
                        (Along::Never, true) => return Along::Never,
                        (Along::Always, false) => return Along::Always,
                        (Along::Always, true) | (Along::Never, false) => {}
                        (Along::For(set), _) => match &mut out {
                            None => out = Some(set),
                            Some(acc) if is_and => acc.intersect(&set),
                            Some(acc) => acc.unite(&set),
                        },
                    }
                }
                out.map_or(constant(is_and), Along::For)
            }
        }
    }

    /// Adds every variable the formula mentions to `out`.
    pub(crate) fn collect_vars(&self, out: &mut Vec<Var>) {
        match self {
            Formula::True | Formula::False => {}
            Formula::In { var, .. } => out.push(*var),
            Formula::Not(inner) => inner.collect_vars(out),
            Formula::And(parts) | Formula::Or(parts) => {
                for part in parts {
                    part.collect_vars(out);
                }
            }
            Formula::Sum(sum) => {
                for (formula, _) in sum.terms.iter().flatten() {
                    formula.collect_vars(out);
                }
            }
        }
    }
}

/// What [`Formula::holds_along`] finds, without building a set for the
/// common constant cases.
enum Along {
    Never,
    Always,
    For(ClassSet),
}

/// A set of classes of one variable, as a bitset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassSet {
    size: Class,
    words: Vec<u64>,
}

impl ClassSet {
    pub fn empty(size: Class) -> ClassSet {
        ClassSet {
            size,
            words: vec![0; (size as usize).div_ceil(64)],
        }
    }

    pub fn full(size: Class) -> ClassSet {
        ClassSet::empty(size).complement()
    }

    /// The set of `classes` (classes at or past `size` are left out).
    pub fn of(size: Class, classes: &[Class]) -> ClassSet {
        let mut set = ClassSet::empty(size);
        for &class in classes.iter().filter(|&&c| c < size) {
            if let Some(word) = set.words.get_mut(class as usize / 64) {
                *word |= 1 << (class % 64);
            }
        }
        set
    }

    pub fn contains(&self, class: Class) -> bool {
        class < self.size
            && self
                .words
                .get(class as usize / 64)
                .is_some_and(|word| word & (1 << (class % 64)) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    pub fn complement(mut self) -> ClassSet {
        for word in &mut self.words {
            *word = !*word;
        }
        // Bits past `size` stay clear.
        let tail = self.size % 64;
        if let (Some(last), true) = (self.words.last_mut(), tail != 0) {
            *last &= (1u64 << tail) - 1;
        }
        self
    }

    pub fn intersect(&mut self, other: &ClassSet) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word &= theirs;
        }
    }

    pub fn unite(&mut self, other: &ClassSet) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word |= theirs;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Order,
    Refer,
    Avoid,
}

/// How soon an action must happen: one of the three words, or a time frame
/// (`within 8 hours`).
///
/// All urgencies lie on one scale, ordered most urgent first (so `min` is
/// the most urgent and `a <= b` reads "`a` is at least as urgent as `b`").
/// A time frame sits at its length. The words sit at fixed places, and
/// each comes just before the time frame of that length, never tied with
/// it:
/// - `same_day` at 24 hours: sooner than `within 24 hours` (the same day
///   is never more than 24 hours away), later than any shorter frame
///   (`within 8 hours` may be due before the day is out or not, and counts
///   as the more urgent);
/// - `urgent` at 2 weeks, NICE's standard for an urgent referral: sooner
///   than `within 2 weeks`, later than `within 13 days`;
/// - `routine` after every time frame: it has no deadline.
///
/// So the three words keep their order (`same_day`, `urgent`, `routine`)
/// and two different urgencies are never equally urgent. Which urgencies
/// clash is [`kinds_clash`]'s business (any two different ones), not this
/// order's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    SameDay,
    Urgent,
    Routine,
    /// `within DURATION`: at the latest after this many seconds (at least
    /// one; the front end converts the editor's unit exactly).
    Within {
        seconds: u64,
    },
}

impl Urgency {
    /// Seconds in a day, where `same_day` sits.
    pub const DAY_SECONDS: u64 = 24 * 60 * 60;
    /// Seconds in two weeks, where `urgent` sits.
    pub const URGENT_SECONDS: u64 = 14 * Urgency::DAY_SECONDS;

    /// The place on the one scale: the deadline in seconds (`u64::MAX` for
    /// none), then 0 for a word and 1 for a time frame of that length.
    fn place(self) -> (u64, u8) {
        match self {
            Urgency::SameDay => (Urgency::DAY_SECONDS, 0),
            Urgency::Urgent => (Urgency::URGENT_SECONDS, 0),
            Urgency::Routine => (u64::MAX, 2),
            Urgency::Within { seconds } => (seconds, 1),
        }
    }

    /// Whether `self` is at least as urgent as `other` (`self <= other`).
    pub fn at_least_as_urgent_as(self, other: Urgency) -> bool {
        self <= other
    }
}

impl Ord for Urgency {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.place().cmp(&other.place())
    }
}

impl PartialOrd for Urgency {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One action as written in a rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    pub target: Target,
    pub urgency: Option<Urgency>,
    /// `alternative TARGET when CONDITION`, tried in order; the first whose
    /// condition holds replaces `target`. Only for `order` and `refer`.
    pub alternatives: Vec<(Formula, Target)>,
    /// `avoid X instead Y`: the advice `Y`. Only for `avoid`; not an order.
    pub instead: Option<Target>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub when: Formula,
    pub actions: Vec<Action>,
    /// Rules this rule overrides (never itself; the front end checks that).
    pub overrides: Vec<RuleId>,
}

/// What a requirement or a case demands of the final actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Demand {
    And(Vec<Demand>),
    Or(Vec<Demand>),
    Not(Box<Demand>),
    /// Some final action has this kind (any kind when `None`), a target in
    /// `targets` (any target when `None`) and, when given, this urgency
    /// ([`Demand::urgency_met`]: exactly, or this or a more urgent one when
    /// `sooner`, written `or sooner`).
    Has {
        kind: Option<ActionKind>,
        targets: Option<Vec<Target>>,
        urgency: Option<Urgency>,
        /// Left out of the serialised form when false, so that a problem
        /// without `or sooner` serialises as before.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        sooner: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub when: Formula,
    pub then: Demand,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `var_sizes[v]` is the number of classes of variable `v` (at least 1).
    pub var_sizes: Vec<u32>,
    pub assumptions: Vec<Formula>,
    pub rules: Vec<Rule>,
    pub requirements: Vec<Requirement>,
    /// Pairs of targets that exclude each other (`exclusive A, B`): ordering
    /// or referring both clashes ([`Problem::clash`]). Each pair is `(a, b)`
    /// with `a < b`, sorted, without duplicates; [`excludes`] relies on
    /// it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusive: Vec<(Target, Target)>,
}

/// An action after alternatives were resolved for one patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResolvedAction {
    pub rule: RuleId,
    /// Index of the action within its rule.
    pub action: usize,
    pub kind: ActionKind,
    pub target: Target,
    pub urgency: Option<Urgency>,
    /// Which alternative replaced the primary target, if any.
    pub alternative: Option<usize>,
    pub instead: Option<Target>,
}

/// The clash rule for two actions on the same target: they clash when one
/// avoids what the other orders or refers, or both order or refer it with
/// different explicit urgencies (two different time frames too). It is
/// the same-target half of [`Problem::clash`], the one clash rule; every
/// path that asks "do these clash" (the reference semantics, the diagram,
/// the analyser, the comparison of two guidelines) goes through that.
pub fn kinds_clash(a: (ActionKind, Option<Urgency>), b: (ActionKind, Option<Urgency>)) -> bool {
    let a_avoids = a.0 == ActionKind::Avoid;
    let b_avoids = b.0 == ActionKind::Avoid;
    if a_avoids != b_avoids {
        return true;
    }
    !a_avoids && matches!((a.1, b.1), (Some(x), Some(y)) if x != y)
}

/// What an action says, as far as clashes go: its target, kind and urgency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Said {
    pub target: Target,
    pub kind: ActionKind,
    pub urgency: Option<Urgency>,
}

/// The one clash rule, for targets `exclusive` (pairs `(a, b)`, `a < b`,
/// sorted; see [`Problem::exclusive`]) says exclude each other: two actions
/// clash when they are on the same target and [`kinds_clash`], or on two
/// targets that exclude each other and neither is an `avoid` (both are
/// ordered or referred, whatever their urgencies).
pub fn clash(exclusive: &[(Target, Target)], a: Said, b: Said) -> bool {
    if a.target == b.target {
        return kinds_clash((a.kind, a.urgency), (b.kind, b.urgency));
    }
    a.kind != ActionKind::Avoid
        && b.kind != ActionKind::Avoid
        && excludes(exclusive, a.target, b.target)
}

impl Problem {
    /// Whether the two actions clash in this problem: [`clash`] with its
    /// exclusive targets.
    pub fn clash(&self, a: Said, b: Said) -> bool {
        clash(&self.exclusive, a, b)
    }
}

/// Whether the sorted pairs `exclusive` hold `{a, b}`.
pub fn excludes(exclusive: &[(Target, Target)], a: Target, b: Target) -> bool {
    a != b && exclusive.binary_search(&(a.min(b), a.max(b))).is_ok()
}

/// What a final action tells the patient, without the rule it came from:
/// kind, target, urgency and `instead`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Content {
    pub kind: ActionKind,
    pub target: Target,
    pub urgency: Option<Urgency>,
    pub instead: Option<Target>,
}

impl ResolvedAction {
    /// Whether the two actions clash in `problem` ([`clash`], with the
    /// problem's exclusive targets).
    pub fn clashes_with(&self, other: &ResolvedAction, problem: &Problem) -> bool {
        clash(&problem.exclusive, self.said(), other.said())
    }

    /// What the action says, for [`clash`].
    pub fn said(&self) -> Said {
        Said {
            target: self.target,
            kind: self.kind,
            urgency: self.urgency,
        }
    }

    /// What the action tells the patient.
    pub fn content(&self) -> Content {
        Content {
            kind: self.kind,
            target: self.target,
            urgency: self.urgency,
            instead: self.instead,
        }
    }
}

impl Action {
    /// The action of rule `rule` (its `index`-th) with alternative
    /// `alternative` chosen, or the primary target when `None`.
    pub fn resolve(
        &self,
        rule: RuleId,
        index: usize,
        alternative: Option<usize>,
    ) -> ResolvedAction {
        let target = alternative
            .and_then(|alt| self.alternatives.get(alt))
            .map_or(self.target, |(_, target)| *target);
        ResolvedAction {
            rule,
            action: index,
            kind: self.kind,
            target,
            urgency: self.urgency,
            alternative,
            instead: self.instead,
        }
    }
}

/// Kleene's three-valued `and` (`None` = unknown): false as soon as one part
/// is false, unknown when none is false but one is unknown. Stops at the
/// first false part. The one definition for formulas and conditions.
pub(crate) fn all3(parts: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for part in parts {
        match part {
            Some(false) => return Some(false),
            Some(true) => {}
            None => unknown = true,
        }
    }
    if unknown { None } else { Some(true) }
}

/// Kleene's three-valued `or`: the dual of [`all3`].
pub(crate) fn any3(parts: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    all3(parts.into_iter().map(|p| p.map(|b| !b))).map(|b| !b)
}

/// The meaning of a guideline for one patient.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Rules whose `when` holds, in rule order.
    pub fired: Vec<RuleId>,
    /// Surviving actions, in rule order then action order.
    pub actions: Vec<ResolvedAction>,
    /// Actions dropped because an overriding rule fired with a clashing
    /// action: `(dropped, by_rule)`.
    pub dropped: Vec<(ResolvedAction, RuleId)>,
}

/// Why an outcome could not be computed for a partial assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeError {
    /// The assignment violates assumption `index`.
    Assumption(usize),
    /// The result depends on these unknown variables (sorted, deduplicated).
    Unknown(Vec<Var>),
}

impl Problem {
    /// The actions of one rule resolved for a complete or partial patient;
    /// an action whose alternatives the assignment does not decide is left
    /// out (see [`Problem::outcome`]).
    pub(crate) fn resolved_actions(
        &self,
        rule_id: RuleId,
        assignment: &[Option<Class>],
    ) -> Vec<ResolvedAction> {
        self.resolve_actions(rule_id, assignment, &mut Vec::new())
    }

    /// Resolves the actions of one rule for a patient. An action whose
    /// alternatives the assignment does not decide is left out, and the
    /// variables of the undecided condition are added to `unknown`.
    fn resolve_actions(
        &self,
        rule_id: RuleId,
        assignment: &[Option<Class>],
        unknown: &mut Vec<Var>,
    ) -> Vec<ResolvedAction> {
        let Some(rule) = self.rules.get(rule_id) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(rule.actions.len());
        'actions: for (index, action) in rule.actions.iter().enumerate() {
            let mut alternative = None;
            for (alt_index, (condition, _)) in action.alternatives.iter().enumerate() {
                match condition.eval(assignment) {
                    Some(true) => {
                        alternative = Some(alt_index);
                        break;
                    }
                    Some(false) => {}
                    None => {
                        condition.collect_vars(unknown);
                        continue 'actions;
                    }
                }
            }
            out.push(action.resolve(rule_id, index, alternative));
        }
        out
    }

    /// The reference semantics, rule by rule, on a possibly partial
    /// assignment (`None` = the record lacks that value).
    ///
    /// 1. The patient must not contradict an assumption (one that the
    ///    partial assignment leaves undecided is fine).
    /// 2. A rule fires when its `when` holds.
    /// 3. Each action of a fired rule resolves its alternatives.
    /// 4. A resolved action of rule `b` is dropped when a fired rule `a`
    ///    with `b` in `a.overrides` has a resolved action that clashes with
    ///    it (`a`'s actions before any dropping count).
    /// 5. The rest are the final actions.
    pub fn outcome(&self, assignment: &[Option<Class>]) -> Result<Outcome, OutcomeError> {
        // An assumption the record does not decide does not block it: the
        // missing values are simply those that satisfy it. Only a record
        // that certainly contradicts an assumption is rejected.
        for (index, assumption) in self.assumptions.iter().enumerate() {
            if assumption.eval(assignment) == Some(false) {
                return Err(OutcomeError::Assumption(index));
            }
        }
        let mut unknown: Vec<Var> = Vec::new();
        let mut fired = Vec::new();
        for (rule_id, rule) in self.rules.iter().enumerate() {
            match rule.when.eval(assignment) {
                Some(true) => fired.push(rule_id),
                Some(false) => {}
                None => rule.when.collect_vars(&mut unknown),
            }
        }
        let outcome = self.settle(fired, assignment, &mut unknown);
        if !unknown.is_empty() {
            // Only variables that are actually unknown matter.
            unknown.retain(|v| assignment.get(*v as usize).copied().flatten().is_none());
            unknown.sort_unstable();
            unknown.dedup();
            if !unknown.is_empty() {
                return Err(OutcomeError::Unknown(unknown));
            }
        }
        Ok(outcome)
    }

    /// Steps 3 to 5 of [`Problem::outcome`] for rules known to fire (in rule
    /// order): their actions resolved (an action whose alternatives the
    /// assignment leaves undecided is left out, its variables added to
    /// `undecided`) and what the overrides among them drop.
    fn settle(
        &self,
        fired: Vec<RuleId>,
        assignment: &[Option<Class>],
        undecided: &mut Vec<Var>,
    ) -> Outcome {
        let resolved: Vec<Vec<ResolvedAction>> = fired
            .iter()
            .map(|&rule_id| self.resolve_actions(rule_id, assignment, undecided))
            .collect();
        let (actions, dropped) = self.final_actions(&fired, &resolved);
        Outcome {
            fired,
            actions,
            dropped,
        }
    }

    /// What is certain on a partial assignment: the rules whose condition
    /// certainly holds, their actions whose alternatives are decided, and
    /// what the overrides among them drop (steps 2 to 5 of
    /// [`Problem::outcome`], leaving out what the assignment does not
    /// decide). For a complete assignment it is `outcome`. The explanation
    /// of an answer from another engine (the decision diagram) reads it, so
    /// that a record lacking an input the answer does not depend on is
    /// explained as far as it is known. Assumptions are not checked.
    pub fn certain_outcome(&self, assignment: &[Option<Class>]) -> Outcome {
        let fired: Vec<RuleId> = (0..self.rules.len())
            .filter(|&r| {
                self.rules
                    .get(r)
                    .is_some_and(|rule| rule.when.eval(assignment) == Some(true))
            })
            .collect();
        self.settle(fired, assignment, &mut Vec::new())
    }

    /// Steps 4 and 5 of [`Problem::outcome`], the one definition of what
    /// `overrides` drop: given the fired rules in rule order and each one's
    /// resolved actions, the final actions (rule order, then action order)
    /// and the dropped ones with the first fired rule, in rule order, that
    /// drops each.
    pub fn final_actions(
        &self,
        fired: &[RuleId],
        resolved: &[Vec<ResolvedAction>],
    ) -> (Vec<ResolvedAction>, Vec<(ResolvedAction, RuleId)>) {
        // dropped_by[position][action] = the first overriding rule that
        // drops it. Walking each fired rule's `overrides` (instead of asking
        // every other fired rule whether it overrides this one) keeps this
        // linear in the fired rules and their overrides.
        let mut dropped_by: Vec<Vec<Option<RuleId>>> = resolved
            .iter()
            .map(|actions| vec![None; actions.len()])
            .collect();
        for (&by, by_actions) in fired.iter().zip(resolved) {
            let Some(rule) = self.rules.get(by) else {
                continue;
            };
            for &victim in &rule.overrides {
                if victim == by {
                    continue;
                }
                let Ok(position) = fired.binary_search(&victim) else {
                    continue;
                };
                let (Some(victims), Some(marks)) =
                    (resolved.get(position), dropped_by.get_mut(position))
                else {
                    continue;
                };
                for (action, mark) in victims.iter().zip(marks.iter_mut()) {
                    let first = mark.is_none_or(|earlier| by < earlier);
                    if first && by_actions.iter().any(|o| o.clashes_with(action, self)) {
                        *mark = Some(by);
                    }
                }
            }
        }
        let mut actions = Vec::new();
        let mut dropped = Vec::new();
        for (victims, marks) in resolved.iter().zip(&dropped_by) {
            for (action, mark) in victims.iter().zip(marks) {
                match mark {
                    Some(by) => dropped.push((*action, *by)),
                    None => actions.push(*action),
                }
            }
        }
        (actions, dropped)
    }

    /// The outcomes of a complete assignment with one variable changed, for
    /// every class of that variable, prepared at once: each rule and
    /// assumption is walked once ([`Formula::holds_along`]), and
    /// [`OutcomeAlong::at`] then costs only the rules that can fire.
    /// Searching for a nicer example patient along one variable (the
    /// analyses' `typical`) would otherwise evaluate every rule per class.
    pub(crate) fn outcome_along(&self, assignment: &[Class], var: Var) -> OutcomeAlong<'_> {
        let size = self.var_sizes.get(var as usize).copied().unwrap_or(0);
        let mut allowed = ClassSet::full(size);
        for assumption in &self.assumptions {
            allowed.intersect(&assumption.holds_along(assignment, var, size));
        }
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(id, rule)| (id, rule.when.holds_along(assignment, var, size)))
            .filter(|(_, fires)| !fires.is_empty())
            .collect();
        OutcomeAlong {
            problem: self,
            base: assignment.to_vec(),
            var,
            allowed,
            rules,
        }
    }

    /// The outcome for a complete assignment that satisfies the assumptions,
    /// or `None` when it violates one.
    pub fn outcome_complete(&self, assignment: &[Class]) -> Option<Outcome> {
        let partial: Vec<Option<Class>> = assignment.iter().map(|&c| Some(c)).collect();
        self.outcome(&partial).ok()
    }
}

impl Demand {
    /// Whether the final actions satisfy the demand.
    pub fn holds(&self, actions: &[ResolvedAction]) -> bool {
        match self {
            Demand::And(parts) => parts.iter().all(|p| p.holds(actions)),
            Demand::Or(parts) => parts.iter().any(|p| p.holds(actions)),
            Demand::Not(inner) => !inner.holds(actions),
            Demand::Has {
                kind,
                targets,
                urgency,
                sooner,
            } => actions.iter().any(|a| {
                kind.is_none_or(|k| k == a.kind)
                    && targets.as_ref().is_none_or(|t| t.contains(&a.target))
                    && Demand::urgency_met(*urgency, *sooner, a.urgency)
            }),
        }
    }

    /// Whether an action with urgency `actual` meets a demand for `wanted`
    /// (anything when `None`): the same urgency, or, when `sooner`, one at
    /// least as urgent ([`Urgency::at_least_as_urgent_as`]). An action
    /// without an urgency meets no demand for one. The one definition,
    /// for every engine.
    pub fn urgency_met(wanted: Option<Urgency>, sooner: bool, actual: Option<Urgency>) -> bool {
        match (wanted, actual) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(w), Some(a)) if sooner => a.at_least_as_urgent_as(w),
            (Some(w), Some(a)) => w == a,
        }
    }
}

/// Every resolved action of the patient: the final ones and the dropped ones.
fn resolved_of(outcome: &Outcome) -> Vec<ResolvedAction> {
    let mut all: Vec<ResolvedAction> = outcome.actions.clone();
    all.extend(outcome.dropped.iter().map(|(action, _)| *action));
    all
}

impl Problem {
    /// Whether rule `rule` fired and drops `victim` for this patient: it
    /// overrides the victim's rule and has a resolved action that clashes.
    fn drops(
        &self,
        outcome: &Outcome,
        resolved: &[ResolvedAction],
        rule: RuleId,
        victim: &ResolvedAction,
    ) -> bool {
        let overrides = self
            .rules
            .get(rule)
            .is_some_and(|r| r.overrides.contains(&victim.rule));
        overrides
            && rule != victim.rule
            && outcome.fired.contains(&rule)
            && resolved
                .iter()
                .any(|a| a.rule == rule && a.clashes_with(victim, self))
    }

    /// Whether, for the patient with this outcome, rule `s` does everything
    /// rule `r` does: `r` fired, `s` fired, every final action of `r` has a final
    /// action of `s` with the same content, and every resolved action that `r`
    /// drops `s` drops too. Redundancy is this for every patient that fires `r`.
    pub fn covers(&self, outcome: &Outcome, r: RuleId, s: RuleId) -> bool {
        if r == s || !outcome.fired.contains(&r) || !outcome.fired.contains(&s) {
            return false;
        }
        let finals_covered = outcome.actions.iter().filter(|a| a.rule == r).all(|a| {
            outcome
                .actions
                .iter()
                .any(|b| b.rule == s && a.content() == b.content())
        });
        if !finals_covered {
            return false;
        }
        let resolved = resolved_of(outcome);
        resolved.iter().all(|victim| {
            !self.drops(outcome, &resolved, r, victim) || self.drops(outcome, &resolved, s, victim)
        })
    }
}

/// The outcomes along one variable; see [`Problem::outcome_along`].
pub(crate) struct OutcomeAlong<'a> {
    problem: &'a Problem,
    base: Vec<Class>,
    var: Var,
    /// The classes for which no assumption is violated.
    allowed: ClassSet,
    /// The rules that fire for some class, with the classes they fire for.
    rules: Vec<(RuleId, ClassSet)>,
}

impl OutcomeAlong<'_> {
    /// The same as [`Problem::outcome_complete`] of the assignment with the
    /// variable set to `class`.
    pub(crate) fn at(&self, class: Class) -> Option<Outcome> {
        if !self.allowed.contains(class) {
            return None;
        }
        let assignment: Vec<Option<Class>> = self
            .base
            .iter()
            .enumerate()
            .map(|(v, &c)| Some(if v == self.var as usize { class } else { c }))
            .collect();
        let fired: Vec<RuleId> = self
            .rules
            .iter()
            .filter(|(_, fires)| fires.contains(class))
            .map(|(id, _)| *id)
            .collect();
        Some(self.problem.settle(fired, &assignment, &mut Vec::new()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logic::generate::{ProblemParams, SplitMix64, random_assignment, random_problem};

    #[test]
    fn an_index_converts_exactly_up_to_u32_max() {
        assert_eq!(index_u32(0), 0);
        assert_eq!(index_u32(u32::MAX as usize), u32::MAX);
    }

    // An index past u32::MAX is a bug upstream: it used to become
    // `u32::MAX`, a wrong variable, class or leaf, and now stops.
    #[test]
    #[cfg(target_pointer_width = "64")]
    #[should_panic(expected = "fits in u32")]
    fn an_index_past_u32_max_stops_loudly() {
        let _ = index_u32(u32::MAX as usize + 1);
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    #[should_panic(expected = "fits in u32")]
    fn a_leaf_past_u32_max_stops_loudly() {
        let _ = crate::logic::diagram::LeafId::new(u32::MAX as usize + 1);
    }

    #[test]
    fn outcomes_along_a_variable_are_the_reference_outcomes() {
        let params = ProblemParams::default();
        let mut rng = SplitMix64::new(7);
        let mut compared = 0;
        for seed in 0..300 {
            let problem = random_problem(seed, &params);
            for _ in 0..4 {
                let base = random_assignment(&mut rng, &problem.var_sizes);
                for (var, &size) in (0..).zip(&problem.var_sizes) {
                    let along = problem.outcome_along(&base, var);
                    for class in 0..size {
                        let mut moved = base.clone();
                        if let Some(cell) = moved.get_mut(var as usize) {
                            *cell = class;
                        }
                        assert_eq!(
                            along.at(class),
                            problem.outcome_complete(&moved),
                            "seed {seed}, var {var}, class {class}"
                        );
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "only {compared} outcomes compared");
    }

    /// Every complete assignment that agrees with `partial`.
    fn completions(sizes: &[u32], partial: &[Option<Class>]) -> Vec<Vec<Class>> {
        let mut out = vec![Vec::new()];
        for (&size, known) in sizes.iter().zip(partial) {
            let classes: Vec<Class> = match known {
                Some(class) => vec![*class],
                None => (0..size).collect(),
            };
            out = out
                .into_iter()
                .flat_map(|prefix| {
                    classes.iter().map(move |&class| {
                        let mut next = prefix.clone();
                        next.push(class);
                        next
                    })
                })
                .collect();
        }
        out
    }

    #[test]
    fn a_sum_known_on_a_partial_assignment_holds_for_every_completion() {
        let mut rng = SplitMix64::new(41);
        let (mut known, mut open) = (0, 0);
        for _ in 0..2000 {
            let sizes: Vec<u32> = (0..rng.range(1, 4))
                .map(|_| rng.range(1, 3) as u32)
                .collect();
            let sum = crate::logic::generate::random_sum(&mut rng, &sizes, 1);
            let partial: Vec<Option<Class>> = sizes
                .iter()
                .map(|&size| rng.chance(50).then(|| rng.below(u64::from(size)) as Class))
                .collect();
            let all = completions(&sizes, &partial);
            match sum.eval(&partial) {
                Some(answer) => {
                    known += 1;
                    for complete in &all {
                        assert_eq!(sum.holds(complete), answer, "{sum:?} at {partial:?}");
                    }
                }
                None => open += 1,
            }
            if partial.iter().all(Option::is_some) {
                assert_eq!(sum.eval(&partial), Some(sum.holds(&all[0])));
            }
        }
        assert!(known > 500 && open > 100, "{known} known, {open} open");
    }

    #[test]
    fn urgencies_lie_on_one_scale_with_the_words_before_their_frames() {
        let hours = |h: u64| Urgency::Within { seconds: h * 3600 };
        let order = [
            hours(1),
            hours(8),
            hours(23),
            Urgency::SameDay,
            hours(24),
            hours(13 * 24),
            Urgency::Urgent,
            hours(14 * 24),
            hours(1_000_000),
            Urgency::Routine,
        ];
        for (i, a) in order.iter().enumerate() {
            for (j, b) in order.iter().enumerate() {
                assert_eq!(a.cmp(b), i.cmp(&j), "{a:?} against {b:?}");
                assert_eq!(a.at_least_as_urgent_as(*b), i <= j);
            }
        }
        // The three words keep their order.
        assert!(Urgency::SameDay < Urgency::Urgent && Urgency::Urgent < Urgency::Routine);
    }

    #[test]
    fn an_urgency_demand_is_exact_unless_or_sooner() {
        let hour = Some(Urgency::Within { seconds: 3600 });
        let half = Some(Urgency::Within { seconds: 1800 });
        let eight = Some(Urgency::Within { seconds: 8 * 3600 });
        assert!(Demand::urgency_met(hour, false, hour));
        assert!(!Demand::urgency_met(hour, false, half));
        assert!(Demand::urgency_met(hour, true, half));
        assert!(!Demand::urgency_met(hour, true, eight));
        assert!(
            !Demand::urgency_met(hour, true, None),
            "no urgency meets none"
        );
        assert!(Demand::urgency_met(None, false, None));
        assert!(Demand::urgency_met(Some(Urgency::SameDay), true, eight));
        assert!(!Demand::urgency_met(
            Some(Urgency::SameDay),
            true,
            Some(Urgency::Within { seconds: 24 * 3600 })
        ));
        assert!(Demand::urgency_met(
            Some(Urgency::Routine),
            true,
            Some(Urgency::Urgent)
        ));
    }

    #[test]
    fn exclusive_targets_clash_when_both_are_advised() {
        let said = |target, kind, urgency| Said {
            target,
            kind,
            urgency,
        };
        let exclusive = [(1, 3)];
        let (order, refer, avoid) = (ActionKind::Order, ActionKind::Refer, ActionKind::Avoid);
        assert!(clash(
            &exclusive,
            said(1, order, None),
            said(3, order, None)
        ));
        assert!(clash(
            &exclusive,
            said(3, refer, Some(Urgency::Urgent)),
            said(1, order, None)
        ));
        assert!(!clash(
            &exclusive,
            said(1, order, None),
            said(3, avoid, None)
        ));
        assert!(!clash(
            &exclusive,
            said(1, avoid, None),
            said(3, avoid, None)
        ));
        assert!(!clash(
            &exclusive,
            said(1, order, None),
            said(2, order, None)
        ));
        // The same target still follows `kinds_clash`.
        assert!(clash(
            &exclusive,
            said(1, order, None),
            said(1, avoid, None)
        ));
        assert!(!clash(
            &exclusive,
            said(1, order, None),
            said(1, order, None)
        ));
        let frame = |s| Some(Urgency::Within { seconds: s });
        assert!(clash(
            &[],
            said(0, order, frame(3600)),
            said(0, order, frame(7200))
        ));
        assert!(!clash(
            &[],
            said(0, order, frame(3600)),
            said(0, order, frame(3600))
        ));
    }

    #[test]
    fn a_problem_without_the_new_parts_serialises_as_before() {
        let problem = Problem {
            var_sizes: vec![2],
            requirements: vec![Requirement {
                when: Formula::True,
                then: Demand::Has {
                    kind: None,
                    targets: None,
                    urgency: Some(Urgency::Urgent),
                    sooner: false,
                },
            }],
            ..Problem::default()
        };
        let text = serde_json::to_string(&problem).unwrap();
        assert!(
            !text.contains("exclusive") && !text.contains("sooner"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Problem>(&text).unwrap(), problem);
        let mut newer = problem.clone();
        newer.exclusive = vec![(0, 1)];
        if let Some(Requirement {
            then: Demand::Has {
                sooner, urgency, ..
            },
            ..
        }) = newer.requirements.first_mut()
        {
            *sooner = true;
            *urgency = Some(Urgency::Within { seconds: 3600 });
        }
        let text = serde_json::to_string(&newer).unwrap();
        assert_eq!(serde_json::from_str::<Problem>(&text).unwrap(), newer);
    }

    #[test]
    fn class_sets_keep_to_their_size() {
        let set = ClassSet::of(70, &[0, 64, 69, 70, 200]).complement();
        assert!(!set.contains(0) && !set.contains(64) && !set.contains(69));
        assert!(set.contains(1) && set.contains(68));
        assert!(!set.contains(70), "past the size");
        assert!(ClassSet::full(0).is_empty());
        assert!(ClassSet::full(64).contains(63));
    }
}
