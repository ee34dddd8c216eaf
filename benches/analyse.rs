//! Time of all analyses (conflicts, reachability, shadowing, redundancy,
//! requirements) with the default options.
//!
//! Inputs (see `docs/performance.md` for the figures and what they mean):
//! - `plain/RxK`: a DMN-like synthetic guideline (`support/synth.rs`) of R
//!   rules over K inputs of mixed types, written as Leidraad text, checked
//!   and lowered by the real front end. Targets: 1,500 x 5 in 30 ms, and
//!   10,000 x 10 in 1 s with no budget hit.
//! - `guideline/RxK`: the same with 3 % overrides, an `assume`, an
//!   `asked when` and three requirements, as real guidelines have.
//! - `synthetic_table/RxK`: `leidraad::logic::generate::synthetic_table`,
//!   abstract variables of 2 to 8 classes (kept for comparison).
//! - `lage-rugpijn`: `guidelines/lage-rugpijn.leidraad`, or while that file
//!   does not exist the 15-rule stand-in of `support/synth.rs`.
//!
//! Run: `cargo bench --bench analyse` (a filter such as `-- plain/1500`
//! runs one). Before measuring, each input is analysed once and a summary
//! (variables, classes, findings, budget hits) is printed to stderr.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark stops on a failure, with its message; clippy.toml covers tests only"
)]

mod support {
    pub mod inputs;
    pub mod load;
    pub mod synth;
}

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use leidraad::logic::analyse::{AnalysisOptions, Finding, analyse};
use leidraad::logic::problem::Problem;
use support::inputs::inputs;

fn summary(name: &str, problem: &Problem, options: &AnalysisOptions) {
    let start = Instant::now();
    let analysis = analyse(problem, options);
    let elapsed = start.elapsed();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &analysis.findings {
        let kind = match finding {
            Finding::Conflict { .. } => "conflict",
            Finding::Unreachable { .. } => "unreachable",
            Finding::Shadowed { .. } => "shadowed",
            Finding::Redundant { .. } => "redundant",
            Finding::RequirementFailed { .. } => "requirement failed",
            Finding::RequirementProved { .. } => "requirement proved",
            Finding::Incomplete { .. } => "INCOMPLETE",
        };
        *counts.entry(kind).or_default() += 1;
    }
    // What re-running the reference interpreter on every witness costs
    // (the analyser does this once or more per finding before reporting).
    let witnesses: Vec<&Vec<u32>> = analysis
        .findings
        .iter()
        .filter_map(|f| match f {
            Finding::Conflict { witness, .. }
            | Finding::Shadowed { witness, .. }
            | Finding::Redundant { witness, .. }
            | Finding::RequirementFailed { witness, .. } => Some(witness),
            _ => None,
        })
        .collect();
    let distinct: std::collections::BTreeSet<&Vec<u32>> = witnesses.iter().copied().collect();
    let start = Instant::now();
    for witness in &witnesses {
        black_box(problem.outcome_complete(witness));
    }
    let verify = start.elapsed();
    for finding in &analysis.findings {
        if let Finding::Incomplete {
            analysis,
            rules,
            requirement,
            reason,
            ..
        } = finding
        {
            eprintln!(
                "{name}: INCOMPLETE {analysis:?} for {} rules (requirement {requirement:?}): {reason}",
                rules.len()
            );
        }
    }
    let classes: u64 = problem.var_sizes.iter().map(|&s| u64::from(s)).sum();
    let largest = problem.var_sizes.iter().max().copied().unwrap_or(0);
    eprintln!(
        "{name}: {} rules, {} variables, {classes} classes (largest {largest}); \
         one analysis {elapsed:.1?}; findings {counts:?}; stats {:?}; \
         one reference evaluation per witness: {verify:.1?} for {} witnesses ({} distinct)",
        problem.rules.len(),
        problem.var_sizes.len(),
        analysis.stats,
        witnesses.len(),
        distinct.len()
    );
}

fn bench_analyse(c: &mut Criterion) {
    let options = AnalysisOptions::default();
    let mut group = c.benchmark_group("analyse");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for (name, build) in inputs() {
        let problem = build();
        summary(&name, &problem, &options);
        group.bench_function(&name, |b| b.iter(|| analyse(black_box(&problem), &options)));
    }
    group.finish();
}

criterion_group!(benches, bench_analyse);
criterion_main!(benches);
