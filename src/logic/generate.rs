//! Seeded random problems for property tests and synthetic decision tables
//! for benchmarks.
//!
//! Everything here is deterministic in its seed and uses its own tiny PRNG
//! ([`SplitMix64`]), so a failing case is reproduced from its seed alone and
//! no extra dependency is needed.

use super::problem::{
    Action, ActionKind, Class, Demand, Formula, Problem, Requirement, Rule, RuleId, Sum, SumTerm,
    Target, Urgency, Var,
};

/// The SplitMix64 generator: tiny, fast and good enough for test inputs.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose whole output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`, or 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Multiply-shift is unbiased enough for test data and avoids a division.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// An index in `0..n` as `usize`, or 0 when `n` is 0.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent)
    }

    /// A random element, or `None` for an empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.index(items.len()))
    }
}

/// Size limits for [`random_problem`]. Every problem drawn with the default
/// has at most `max_assignments` class combinations, so a brute-force oracle
/// can enumerate it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemParams {
    /// At most this many variables (0 is possible).
    pub max_vars: usize,
    /// Each variable has `1..=max_classes` classes.
    pub max_classes: u32,
    /// Variable sizes are cut until their product is at most this.
    pub max_assignments: u64,
    /// At most this many rules.
    pub max_rules: usize,
    /// At most this many actions per rule.
    pub max_actions: usize,
    /// Catalogue size; small so that targets collide and actions clash.
    pub targets: u32,
    /// Depth limit of random formulas.
    pub max_depth: usize,
    /// At most this many assumptions.
    pub max_assumptions: usize,
    /// At most this many requirements.
    pub max_requirements: usize,
}

impl Default for ProblemParams {
    fn default() -> Self {
        ProblemParams {
            max_vars: 8,
            max_classes: 6,
            max_assignments: 4096,
            max_rules: 30,
            max_actions: 3,
            targets: 5,
            max_depth: 3,
            max_assumptions: 2,
            max_requirements: 3,
        }
    }
}

/// A random assignment of one class to every variable (not necessarily a
/// patient: assumptions are not checked).
pub fn random_assignment(rng: &mut SplitMix64, var_sizes: &[u32]) -> Vec<Class> {
    var_sizes
        .iter()
        .map(|&size| rng.below(u64::from(size)) as Class)
        .collect()
}

/// A random class set of a variable with `size` classes: usually a proper
/// non-empty subset, sometimes empty, full or a single class.
fn random_classes(rng: &mut SplitMix64, size: u32) -> Vec<Class> {
    let roll = rng.below(100);
    if roll < 3 {
        return Vec::new();
    }
    if roll < 6 {
        return (0..size).collect();
    }
    if roll < 40 {
        return vec![rng.below(u64::from(size)) as Class];
    }
    if roll < 60 {
        // An interval, the shape number thresholds produce.
        let lo = rng.below(u64::from(size)) as Class;
        let hi = rng.range(u64::from(lo), u64::from(size.saturating_sub(1))) as Class;
        return (lo..=hi).collect();
    }
    (0..size).filter(|_| rng.chance(50)).collect()
}

/// A random atom, or a constant when there are no variables.
fn random_atom(rng: &mut SplitMix64, var_sizes: &[u32]) -> Formula {
    if var_sizes.is_empty() {
        return if rng.chance(50) {
            Formula::True
        } else {
            Formula::False
        };
    }
    let var = rng.index(var_sizes.len());
    let size = var_sizes.get(var).copied().unwrap_or(1);
    Formula::In {
        var: var as Var,
        classes: random_classes(rng, size),
    }
}

/// A random formula of depth at most `depth` with and/or/not and constants.
pub fn random_formula(rng: &mut SplitMix64, var_sizes: &[u32], depth: usize) -> Formula {
    let roll = rng.below(100);
    if roll < 4 {
        return Formula::True;
    }
    if roll < 7 {
        return Formula::False;
    }
    if depth == 0 || roll < 40 {
        return random_atom(rng, var_sizes);
    }
    if roll < 46 {
        return random_sum(rng, var_sizes, depth - 1);
    }
    if roll < 52 {
        return Formula::Not(Box::new(random_formula(rng, var_sizes, depth - 1)));
    }
    // Zero parts are rare but legal: And([]) is true, Or([]) is false.
    let parts = if rng.chance(4) { 0 } else { rng.range(1, 3) };
    let parts: Vec<Formula> = (0..parts)
        .map(|_| random_formula(rng, var_sizes, depth - 1))
        .collect();
    if roll < 78 {
        Formula::And(parts)
    } else {
        Formula::Or(parts)
    }
}

/// A random [`Sum`]: a few terms of one or two cases with small points
/// (some negative, some 0), compared with a range around what they add.
pub fn random_sum(rng: &mut SplitMix64, var_sizes: &[u32], depth: usize) -> Formula {
    let terms: Vec<SumTerm> = (0..rng.range(0, 5))
        .map(|_| {
            (0..rng.range(1, 2))
                .map(|_| {
                    let points = rng.range(0, 6) as i64 - 2;
                    (random_formula(rng, var_sizes, depth), points)
                })
                .collect()
        })
        .collect();
    let bound = |rng: &mut SplitMix64| (!rng.chance(25)).then(|| rng.range(0, 8) as i64 - 2);
    let min = bound(rng);
    let max = if rng.chance(20) { min } else { bound(rng) };
    Formula::Sum(Box::new(Sum { terms, min, max }))
}

fn random_urgency(rng: &mut SplitMix64) -> Urgency {
    match rng.below(3) {
        0 => Urgency::SameDay,
        1 => Urgency::Urgent,
        _ => Urgency::Routine,
    }
}

/// The time frames random problems use: few, so that equal frames meet,
/// with one at the place of `same_day` (24 hours) and one at the place of
/// `urgent` (2 weeks), so that the order's corners are hit.
const FRAMES: [u64; 5] = [
    3600,
    2 * 3600,
    8 * 3600,
    Urgency::DAY_SECONDS,
    Urgency::URGENT_SECONDS,
];

/// A word or, two times in five, a time frame.
fn random_urgency_or_frame(rng: &mut SplitMix64) -> Urgency {
    if rng.chance(40) {
        let seconds = rng.pick(&FRAMES).copied().unwrap_or(3600);
        Urgency::Within { seconds }
    } else {
        random_urgency(rng)
    }
}

fn random_action(rng: &mut SplitMix64, var_sizes: &[u32], targets: u32) -> Action {
    let kind = match rng.below(10) {
        0..=4 => ActionKind::Order,
        5 | 6 => ActionKind::Refer,
        _ => ActionKind::Avoid,
    };
    let target = rng.below(u64::from(targets)) as Target;
    let avoid = kind == ActionKind::Avoid;
    let urgency = if (!avoid && rng.chance(55)) || (avoid && rng.chance(10)) {
        Some(random_urgency_or_frame(rng))
    } else {
        None
    };
    let mut alternatives = Vec::new();
    if !avoid && rng.chance(25) {
        for _ in 0..rng.range(1, 2) {
            let condition = random_formula(rng, var_sizes, 1);
            alternatives.push((condition, rng.below(u64::from(targets)) as Target));
        }
    }
    let instead = (avoid && rng.chance(40)).then(|| rng.below(u64::from(targets)) as Target);
    Action {
        kind,
        target,
        urgency,
        alternatives,
        instead,
    }
}

/// An action that clashes with `other` on its primary target.
fn clashing_action(rng: &mut SplitMix64, other: &Action) -> Action {
    let (kind, urgency) = if other.kind == ActionKind::Avoid {
        let kind = if rng.chance(50) {
            ActionKind::Order
        } else {
            ActionKind::Refer
        };
        (kind, rng.chance(50).then(|| random_urgency(rng)))
    } else if other.urgency.is_some() && rng.chance(50) {
        // Same kind family, a different explicit urgency.
        let mut urgency = random_urgency(rng);
        if Some(urgency) == other.urgency {
            urgency = match urgency {
                Urgency::SameDay => Urgency::Routine,
                Urgency::Urgent => Urgency::SameDay,
                Urgency::Routine => Urgency::Urgent,
                Urgency::Within { .. } => Urgency::Routine,
            };
        }
        (other.kind, Some(urgency))
    } else {
        (ActionKind::Avoid, None)
    };
    Action {
        kind,
        target: other.target,
        urgency,
        alternatives: Vec::new(),
        instead: None,
    }
}

/// The formula "not this exact point": true everywhere except `point`.
fn exclude_point(var_sizes: &[u32], point: &[Class]) -> Formula {
    let parts = var_sizes
        .iter()
        .zip(point)
        .enumerate()
        .map(|(var, (&size, &class))| Formula::In {
            var: var as Var,
            classes: (0..size).filter(|&c| c != class).collect(),
        })
        .collect();
    Formula::Or(parts)
}

fn random_demand(rng: &mut SplitMix64, targets: u32, depth: usize) -> Demand {
    if depth == 0 || rng.chance(55) {
        let kind = rng.chance(55).then(|| match rng.below(3) {
            0 => ActionKind::Order,
            1 => ActionKind::Refer,
            _ => ActionKind::Avoid,
        });
        let targets = rng.chance(70).then(|| {
            let mut list: Vec<Target> = (0..targets).filter(|_| rng.chance(35)).collect();
            if list.is_empty() && rng.chance(80) {
                list.push(rng.below(u64::from(targets)) as Target);
            }
            list
        });
        let urgency = rng.chance(25).then(|| random_urgency_or_frame(rng));
        let sooner = urgency.is_some() && rng.chance(50);
        return Demand::Has {
            kind,
            targets,
            urgency,
            sooner,
        };
    }
    match rng.below(3) {
        0 => Demand::Not(Box::new(random_demand(rng, targets, depth - 1))),
        1 => Demand::And(
            (0..rng.range(0, 3))
                .map(|_| random_demand(rng, targets, depth - 1))
                .collect(),
        ),
        _ => Demand::Or(
            (0..rng.range(0, 3))
                .map(|_| random_demand(rng, targets, depth - 1))
                .collect(),
        ),
    }
}

/// Variable sizes whose product is at most `max_assignments`.
fn random_var_sizes(rng: &mut SplitMix64, params: &ProblemParams) -> Vec<u32> {
    let vars = if rng.chance(3) {
        0
    } else {
        rng.range(1, params.max_vars as u64) as usize
    };
    let mut sizes: Vec<u32> = (0..vars)
        .map(|_| rng.range(1, u64::from(params.max_classes.max(1))) as u32)
        .collect();
    loop {
        let product = sizes
            .iter()
            .try_fold(1u64, |acc, &s| acc.checked_mul(u64::from(s)));
        if product.is_some_and(|p| p <= params.max_assignments.max(1)) {
            return sizes;
        }
        // Shrink the largest variable; a variable of size 1 is a corner too.
        let Some(largest) = sizes.iter_mut().max() else {
            return sizes;
        };
        *largest = (*largest - 1).max(1);
        if sizes.iter().all(|&s| s == 1) {
            return sizes;
        }
    }
}

/// A small random problem that hits the corners: and/or/not with constants,
/// empty and full class sets, variables with one class, alternatives,
/// avoid/instead, urgencies, overrides in chains and cycles (never a rule
/// overriding itself), assumptions that contradict a rule or remove a single
/// patient, near-copies of rules (redundancy, shadowing) and requirements
/// with demand trees, time frames among the urgencies, and pairs of
/// targets that exclude each other (with overriding rules that order the
/// partner of what they override).
pub fn random_problem(seed: u64, params: &ProblemParams) -> Problem {
    let mut rng = SplitMix64::new(seed);
    let var_sizes = random_var_sizes(&mut rng, params);
    let targets = params.targets.max(1);
    let depth = params.max_depth;
    let exclusive = random_exclusive(&mut SplitMix64::new(seed ^ 0xE7C1_0517_E000_0000), targets);

    let rule_count = rng.range(0, params.max_rules as u64) as usize;
    let mut rules: Vec<Rule> = Vec::with_capacity(rule_count);
    for _ in 0..rule_count {
        let copy_of = if rules.is_empty() || !rng.chance(25) {
            None
        } else {
            rng.pick(&rules).cloned()
        };
        let rule = match copy_of {
            Some(original) => {
                // A near-copy: same or narrower condition, a subset of the
                // actions, sometimes one more.
                let when = if rng.chance(40) {
                    original.when.clone()
                } else {
                    Formula::And(vec![
                        original.when.clone(),
                        random_formula(&mut rng, &var_sizes, 1),
                    ])
                };
                let mut actions: Vec<Action> = original
                    .actions
                    .iter()
                    .filter(|_| rng.chance(75))
                    .cloned()
                    .collect();
                if rng.chance(25) {
                    actions.push(random_action(&mut rng, &var_sizes, targets));
                }
                Rule {
                    when,
                    actions,
                    overrides: Vec::new(),
                }
            }
            None => {
                let actions = if rng.chance(8) {
                    0
                } else {
                    rng.range(1, params.max_actions.max(1) as u64) as usize
                };
                let when_depth = rng.range(0, depth as u64) as usize;
                Rule {
                    when: random_formula(&mut rng, &var_sizes, when_depth),
                    actions: (0..actions)
                        .map(|_| random_action(&mut rng, &var_sizes, targets))
                        .collect(),
                    overrides: Vec::new(),
                }
            }
        };
        rules.push(rule);
    }

    add_overrides(&mut rng, &mut rules, &exclusive);

    let mut assumptions = Vec::new();
    for _ in 0..rng.range(0, params.max_assumptions as u64) {
        let roll = rng.below(100);
        let assumption = if roll < 2 {
            Formula::False
        } else if roll < 30 {
            random_formula(&mut rng, &var_sizes, 2)
        } else if roll < 55 {
            // Contradict a rule outright.
            match rng.pick(&rules) {
                Some(rule) => Formula::Not(Box::new(rule.when.clone())),
                None => random_formula(&mut rng, &var_sizes, 1),
            }
        } else {
            // Remove one patient that fires some rule, often its only one.
            let rule = rng.pick(&rules).cloned();
            let mut point = random_assignment(&mut rng, &var_sizes);
            if let Some(rule) = rule {
                for _ in 0..30 {
                    if rule.when.holds(&point) {
                        break;
                    }
                    point = random_assignment(&mut rng, &var_sizes);
                }
            }
            exclude_point(&var_sizes, &point)
        };
        assumptions.push(assumption);
    }

    let mut requirements = Vec::new();
    for _ in 0..rng.range(0, params.max_requirements as u64) {
        let base = rng.pick(&rules).cloned();
        let requirement = match base {
            Some(rule) if rng.chance(40) => {
                // A requirement that the rule itself should meet, unless an
                // override, an alternative or an assumption interferes.
                let then = match rule.actions.first() {
                    Some(action) => Demand::Has {
                        kind: Some(action.kind),
                        targets: Some(vec![action.target]),
                        urgency: if rng.chance(50) { action.urgency } else { None },
                        sooner: rng.chance(30),
                    },
                    None => random_demand(&mut rng, targets, 2),
                };
                Requirement {
                    when: rule.when,
                    then,
                }
            }
            _ => Requirement {
                when: random_formula(&mut rng, &var_sizes, 2),
                then: random_demand(&mut rng, targets, 2),
            },
        };
        requirements.push(requirement);
    }

    Problem {
        var_sizes,
        assumptions,
        rules,
        requirements,
        exclusive,
    }
}

/// Pairs of targets that exclude each other: none in half the problems,
/// otherwise one to three, as [`Problem::exclusive`] keeps them.
fn random_exclusive(rng: &mut SplitMix64, targets: u32) -> Vec<(Target, Target)> {
    let mut pairs = Vec::new();
    if targets < 2 || rng.chance(50) {
        return pairs;
    }
    for _ in 0..rng.range(1, 3) {
        let a = rng.below(u64::from(targets)) as Target;
        let b = rng.below(u64::from(targets)) as Target;
        if a != b {
            pairs.push((a.min(b), a.max(b)));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Adds overrides in chains, cycles and at random, and often gives the
/// overriding rule an action that clashes with the overridden one (on the
/// same target, or an order of a target that excludes it), so that
/// overrides actually drop something.
fn add_overrides(rng: &mut SplitMix64, rules: &mut [Rule], exclusive: &[(Target, Target)]) {
    let count = rules.len();
    if count < 2 {
        return;
    }
    let mut pairs: Vec<(RuleId, RuleId)> = Vec::new();
    // A chain over a random stretch of rules.
    if rng.chance(40) {
        let start = rng.index(count - 1);
        let len = rng.range(2, 4) as usize;
        for a in start + 1..(start + len).min(count) {
            pairs.push((a, a - 1));
        }
    }
    // A cycle of two or three rules.
    if rng.chance(30) {
        let members: Vec<RuleId> = (0..rng.range(2, 3)).map(|_| rng.index(count)).collect();
        for (position, &a) in members.iter().enumerate() {
            if let Some(&b) = members.get((position + 1) % members.len()) {
                pairs.push((a, b));
            }
        }
    }
    for a in 0..count {
        if rng.chance(15) {
            pairs.push((a, rng.index(count)));
        }
    }
    for (a, b) in pairs {
        if a == b {
            continue;
        }
        let victim_action = rules.get(b).and_then(|rule| rule.actions.first()).cloned();
        let Some(rule) = rules.get_mut(a) else {
            continue;
        };
        if !rule.overrides.contains(&b) {
            rule.overrides.push(b);
        }
        if let Some(victim_action) = victim_action {
            let partner = exclusive.iter().find_map(|&(x, y)| {
                (x == victim_action.target)
                    .then_some(y)
                    .or((y == victim_action.target).then_some(x))
            });
            match partner {
                Some(partner) if victim_action.kind != ActionKind::Avoid && rng.chance(50) => {
                    rule.actions.push(Action {
                        kind: ActionKind::Order,
                        target: partner,
                        urgency: rng.chance(30).then(|| random_urgency_or_frame(rng)),
                        alternatives: Vec::new(),
                        instead: None,
                    });
                }
                _ if rng.chance(60) => rule.actions.push(clashing_action(rng, &victim_action)),
                _ => {}
            }
        }
    }
    for rule in rules.iter_mut() {
        rule.overrides.sort_unstable();
        rule.overrides.dedup();
    }
}

/// A DMN-like decision table for benchmarks: `vars` variables of 2..=8
/// classes, `rules` rules, each a conjunction of per-variable class sets
/// (about a third of the inputs are "any", the rest a single class or a
/// short interval) with one or two actions on a catalogue of about
/// `rules / 10` targets; about 3 % of the rules override an earlier rule
/// with a clashing action. There is one box-shaped assumption (the last
/// class of variable 0 is excluded) and three requirements on single targets.
pub fn synthetic_table(seed: u64, rules: usize, vars: usize) -> Problem {
    let mut rng = SplitMix64::new(seed ^ 0x5EED_7AB1_E000_0000);
    let var_sizes: Vec<u32> = (0..vars).map(|_| rng.range(2, 8) as u32).collect();
    let targets = (rules / 10).max(4) as u32;

    let mut table: Vec<Rule> = Vec::with_capacity(rules);
    for index in 0..rules {
        let mut atoms = Vec::new();
        for (var, &size) in var_sizes.iter().enumerate() {
            if rng.chance(35) {
                continue;
            }
            let classes: Vec<Class> = if rng.chance(40) {
                vec![rng.below(u64::from(size)) as Class]
            } else {
                let lo = rng.below(u64::from(size)) as Class;
                let len = rng.range(2, 3) as u32;
                (lo..(lo + len).min(size)).collect()
            };
            atoms.push(Formula::In {
                var: var as Var,
                classes,
            });
        }
        let mut actions = Vec::new();
        for _ in 0..if rng.chance(70) { 1 } else { 2 } {
            let kind = match rng.below(20) {
                0..=13 => ActionKind::Order,
                14..=16 => ActionKind::Refer,
                _ => ActionKind::Avoid,
            };
            let avoid = kind == ActionKind::Avoid;
            actions.push(Action {
                kind,
                target: rng.below(u64::from(targets)) as Target,
                urgency: (!avoid && rng.chance(40)).then(|| random_urgency(&mut rng)),
                alternatives: Vec::new(),
                instead: (avoid && rng.chance(30)).then(|| rng.below(u64::from(targets)) as Target),
            });
        }
        let mut overrides = Vec::new();
        if index > 0 && rng.chance(3) {
            let victim = rng.index(index);
            if let Some(victim_action) = table.get(victim).and_then(|r| r.actions.first()) {
                actions.push(clashing_action(&mut rng, victim_action));
            }
            overrides.push(victim);
        }
        table.push(Rule {
            when: Formula::And(atoms),
            actions,
            overrides,
        });
    }

    let mut assumptions = Vec::new();
    if let Some(&size) = var_sizes.first() {
        if size >= 3 {
            assumptions.push(Formula::In {
                var: 0,
                classes: (0..size - 1).collect(),
            });
        }
    }

    let mut requirements = Vec::new();
    for index in 0..3u32 {
        let when = match var_sizes.get(1) {
            Some(&size) => Formula::In {
                var: 1,
                classes: vec![index % size],
            },
            None => Formula::True,
        };
        let target = rng.below(u64::from(targets)) as Target;
        let then = if index == 2 {
            Demand::Not(Box::new(Demand::Has {
                kind: Some(ActionKind::Avoid),
                targets: Some(vec![target]),
                urgency: None,
                sooner: false,
            }))
        } else {
            Demand::Or(vec![
                Demand::Has {
                    kind: Some(ActionKind::Order),
                    targets: Some(vec![target]),
                    urgency: None,
                    sooner: false,
                },
                Demand::Not(Box::new(Demand::Has {
                    kind: None,
                    targets: Some(vec![target]),
                    urgency: Some(Urgency::Routine),
                    sooner: false,
                })),
            ])
        };
        requirements.push(Requirement { when, then });
    }

    Problem {
        var_sizes,
        assumptions,
        rules: table,
        requirements,
        exclusive: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_deterministic_and_bounded() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..1000 {
            let x = a.below(13);
            assert_eq!(x, b.below(13));
            assert!(x < 13);
        }
        assert_eq!(a.below(0), 0);
        assert_eq!(a.range(5, 5), 5);
    }

    #[test]
    fn random_problems_are_well_formed() {
        let params = ProblemParams::default();
        let mut with_overrides = 0;
        for seed in 0..500 {
            let problem = random_problem(seed, &params);
            assert_eq!(problem, random_problem(seed, &params));
            let product: u64 = problem.var_sizes.iter().map(|&s| u64::from(s)).product();
            assert!(product <= params.max_assignments);
            assert!(problem.var_sizes.iter().all(|&s| s >= 1));
            for (id, rule) in problem.rules.iter().enumerate() {
                assert!(!rule.overrides.contains(&id));
                assert!(rule.overrides.iter().all(|&o| o < problem.rules.len()));
                if !rule.overrides.is_empty() {
                    with_overrides += 1;
                }
                let mut vars = Vec::new();
                rule.when.collect_vars(&mut vars);
                assert!(vars.iter().all(|&v| (v as usize) < problem.var_sizes.len()));
            }
        }
        assert!(with_overrides > 100);
    }

    #[test]
    fn random_problems_have_exclusive_pairs_and_time_frames() {
        let params = ProblemParams::default();
        let (mut exclusive, mut frames) = (0, 0);
        for seed in 0..200 {
            let problem = random_problem(seed, &params);
            let pairs = &problem.exclusive;
            assert!(
                pairs.windows(2).all(|w| w[0] < w[1]),
                "sorted, no duplicates"
            );
            assert!(pairs.iter().all(|&(a, b)| a < b && b < params.targets));
            exclusive += usize::from(!pairs.is_empty());
            frames += problem
                .rules
                .iter()
                .flat_map(|r| &r.actions)
                .filter(|a| matches!(a.urgency, Some(Urgency::Within { .. })))
                .count();
        }
        assert!(
            exclusive > 50 && frames > 100,
            "{exclusive} problems with pairs, {frames} frames"
        );
    }

    #[test]
    fn synthetic_tables_have_the_requested_shape() {
        let table = synthetic_table(1, 200, 5);
        assert_eq!(table.rules.len(), 200);
        assert_eq!(table.var_sizes.len(), 5);
        assert_eq!(table, synthetic_table(1, 200, 5));
        assert!(
            table
                .rules
                .iter()
                .all(|r| matches!(r.when, Formula::And(_)))
        );
        assert!(
            table
                .rules
                .iter()
                .all(|r| !r.actions.is_empty() && r.actions.len() <= 3)
        );
    }
}
