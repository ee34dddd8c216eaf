//! The rule index ([`RuleIndex`]) agrees with the reference semantics
//! [`Problem::outcome`] on complete records of generated problems: the same
//! fired rules, final actions and dropped actions, or the same violated
//! assumption.
//!
//! Run longer with `LEIDRAAD_INDEX_CASES=<problems>` (default 1500).

use leidraad::logic::generate::{
    ProblemParams, SplitMix64, random_assignment, random_problem, synthetic_table,
};
use leidraad::logic::index::RuleIndex;
use leidraad::logic::problem::{Class, Problem};

fn cases() -> u64 {
    std::env::var("LEIDRAAD_INDEX_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

fn agree_on(problem: &Problem, rng: &mut SplitMix64, records: usize, what: &str) {
    let index = RuleIndex::new(problem);
    for _ in 0..records {
        let record = random_assignment(rng, &problem.var_sizes);
        let partial: Vec<Option<Class>> = record.iter().map(|&c| Some(c)).collect();
        assert_eq!(
            index.outcome(&record),
            problem.outcome(&partial),
            "{what}, record {record:?}"
        );
    }
}

#[test]
fn index_agrees_with_reference_on_random_problems() {
    // Problems with overrides, alternatives, assumptions and formulas of
    // every shape (boxes and not).
    for params in [
        ProblemParams::default(),
        ProblemParams {
            max_rules: 70,
            max_depth: 3,
            ..ProblemParams::default()
        },
    ] {
        for seed in 0..cases() {
            let problem = random_problem(seed, &params);
            let mut rng = SplitMix64::new(seed ^ 0x1dec5);
            agree_on(&problem, &mut rng, 40, &format!("seed {seed}"));
        }
    }
}

#[test]
fn index_agrees_with_reference_on_wide_tables() {
    // More than 64 rules, so that bitsets span several words.
    for seed in 0..20 {
        let problem = synthetic_table(seed, 300, 6);
        let mut rng = SplitMix64::new(seed);
        agree_on(&problem, &mut rng, 200, &format!("table seed {seed}"));
    }
}
