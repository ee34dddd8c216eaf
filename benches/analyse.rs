//! Analysis and compilation time on synthetic decision tables.
//!
//! Run with `cargo bench --bench analyse`; see `docs/performance.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leidraad::logic::analyse::{AnalysisOptions, Finding, analyse};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use leidraad::logic::generate::synthetic_table;

fn bench_analyse(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyse");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for (rules, inputs) in [(1_500, 5), (10_000, 10)] {
        let problem = synthetic_table(1, rules, inputs);
        let options = AnalysisOptions::default();
        let analysis = analyse(&problem, &options);
        let incomplete = analysis
            .findings
            .iter()
            .filter(|f| matches!(f, Finding::Incomplete { .. }))
            .count();
        assert_eq!(
            incomplete, 0,
            "{rules} x {inputs}: the analysis hit a budget"
        );
        group.bench_function(format!("synthetic_table/{rules}x{inputs}"), |b| {
            b.iter(|| analyse(black_box(&problem), &options));
        });
    }
    group.finish();
}

fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    for (rules, inputs) in [(1_500, 5), (10_000, 10)] {
        let problem = synthetic_table(1, rules, inputs);
        let options = CompileOptions::default();
        if DecisionDiagram::compile(&problem, &options).is_err() {
            eprintln!("compile/{rules}x{inputs}: over the default budget, not measured");
            continue;
        }
        group.bench_function(format!("synthetic_table/{rules}x{inputs}"), |b| {
            b.iter(|| DecisionDiagram::compile(black_box(&problem), &options));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_analyse, bench_compile);
criterion_main!(benches);
