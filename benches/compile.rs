//! Time to compile a guideline into its decision diagram, on the inputs of
//! the analysis benchmark (`support/inputs.rs`).
//!
//! Run: `cargo bench --bench compile`. Large random tables make diagrams
//! of hundreds of thousands of nodes that take minutes; so that a run stays
//! short, each input first gets one timed compile under a budget of
//! `LEIDRAAD_BENCH_MAX_STATES` expansion states (default 20,000), and only
//! inputs that compile within it are measured. `LEIDRAAD_BENCH_MAX_STATES=
//! 4000000` (the library default) gives the one-shot figures in
//! `docs/performance.md`.
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

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use support::inputs::inputs;

fn bench_compile(c: &mut Criterion) {
    let max_states = std::env::var("LEIDRAAD_BENCH_MAX_STATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let options = CompileOptions {
        max_states,
        ..CompileOptions::default()
    };
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for (name, build) in inputs() {
        let problem = build();
        let start = Instant::now();
        match DecisionDiagram::compile(&problem, &options) {
            Ok(diagram) => eprintln!(
                "compile {name}: {} nodes, {} leaves, {} edges; one compile {:.1?}",
                diagram.node_count(),
                diagram.leaf_count(),
                diagram.edge_count(),
                start.elapsed()
            ),
            Err(error) => {
                eprintln!(
                    "compile {name}: NOT COMPILED, stopped after {:.1?}: {error}",
                    start.elapsed()
                );
                continue;
            }
        }
        group.bench_function(&name, |b| {
            b.iter(|| DecisionDiagram::compile(black_box(&problem), &options))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_compile);
criterion_main!(benches);
