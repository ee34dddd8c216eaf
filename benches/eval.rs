//! Evaluation throughput on compiled decision diagrams, with records
//! already turned into class assignments.
//!
//! Run with `cargo bench --bench eval`; see `docs/performance.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use leidraad::logic::generate::{SplitMix64, random_assignment, synthetic_table};
use leidraad::logic::problem::Class;

/// Patients (assignments that satisfy the assumptions), flattened.
fn patients(diagram: &DecisionDiagram, count: usize, seed: u64) -> Vec<Class> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::new();
    let mut found = 0;
    while found < count {
        let assignment = random_assignment(&mut rng, diagram.var_sizes());
        if diagram.eval_complete(&assignment).is_ok() {
            out.extend_from_slice(&assignment);
            found += 1;
        }
    }
    out
}

fn bench_eval(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval");
    group.measurement_time(Duration::from_secs(3));
    let problem = synthetic_table(1, 1_500, 5);
    let diagram = DecisionDiagram::compile(&problem, &CompileOptions::default()).unwrap();
    let width = diagram.var_sizes().len();
    let records = 4096;
    let flat = patients(&diagram, records, 7);
    group.throughput(Throughput::Elements(records as u64));
    group.bench_function("synthetic_table/1500x5", |b| {
        b.iter(|| {
            let mut sum = 0usize;
            for record in flat.chunks_exact(width) {
                sum += diagram.eval_complete(black_box(record)).unwrap().index();
            }
            sum
        });
    });
    group.finish();
}

criterion_group!(benches, bench_eval);
criterion_main!(benches);
