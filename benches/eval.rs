//! Evaluation throughput on the compiled decision diagram, with the
//! records already read into class assignments (target: at least 10
//! million records per second per core on `lage-rugpijn`).
//!
//! Records are random complete patient records (JSON), read through the
//! same front end as `leidraad eval` (`support/load.rs`); the ones that
//! contradict an `assume` are left out, since `eval` refuses them. Every
//! assignment is checked against the rule-by-rule reference semantics
//! before anything is measured.
//!
//! Run: `cargo bench --bench eval`; see `docs/performance.md`.
//! `LEIDRAAD_BENCH_INPUTS=lage` keeps only the cases whose name contains
//! one of the comma-separated parts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark stops on a failure, with its message; clippy.toml covers tests only"
)]

mod support {
    pub mod load;
    pub mod synth;
}

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leidraad::check::CheckedFile;
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram, VarOrder};
use leidraad::logic::generate::SplitMix64;
use leidraad::logic::problem::Class;
use support::{load, synth};

/// How many distinct records one iteration evaluates.
const RECORDS: usize = 4096;

struct Case {
    name: String,
    diagram: DecisionDiagram,
    width: usize,
    /// `RECORDS` assignments, flattened.
    flat: Vec<Class>,
}

fn case(name: &str, checked: &CheckedFile) -> Option<Case> {
    let problem = &checked.lowering.as_ref().unwrap().problem;
    // As in `benches/compile.rs`: a small state budget by default, so that
    // tables whose diagram takes minutes to build are reported and skipped.
    let max_states = std::env::var("LEIDRAAD_BENCH_MAX_STATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    // The diagram `eval` uses: the smaller of the two orders.
    // `LEIDRAAD_BENCH_ORDER=declaration` or `most-used` measures one order.
    let order = match std::env::var("LEIDRAAD_BENCH_ORDER").as_deref() {
        Ok("declaration") => Some(VarOrder::Declaration),
        Ok("most-used") => Some(VarOrder::MostUsedFirst),
        _ => None,
    };
    let compiled = match order {
        Some(order) => DecisionDiagram::compile(
            problem,
            &CompileOptions {
                max_states,
                order,
                ..CompileOptions::default()
            },
        ),
        None => DecisionDiagram::compile_smaller(
            problem,
            &CompileOptions {
                max_states,
                ..CompileOptions::default()
            },
        ),
    };
    let diagram = match compiled {
        Ok(diagram) => diagram,
        Err(error) => {
            eprintln!("eval {name}: not compiled: {error}");
            return None;
        }
    };
    let mut rng = SplitMix64::new(0xE7A1);
    let mut flat = Vec::new();
    let (mut kept, mut refused) = (0, 0);
    while kept < RECORDS {
        let record = load::random_record(checked, &mut rng);
        let assignment = load::classes(checked, &record).expect("a complete record reads");
        match diagram.eval_complete(&assignment) {
            Ok(leaf) => {
                let reference = problem.outcome_complete(&assignment).unwrap();
                let advice: Vec<_> = reference.actions.iter().map(|a| a.content()).collect();
                assert_eq!(diagram.leaf(leaf), advice.as_slice());
                flat.extend_from_slice(&assignment);
                kept += 1;
            }
            Err(_) => {
                assert!(problem.outcome_complete(&assignment).is_none());
                refused += 1;
            }
        }
    }
    let width = diagram.var_sizes().len();
    let steps: usize = flat
        .chunks_exact(width)
        .map(|record| {
            let known: Vec<Option<Class>> = record.iter().map(|&c| Some(c)).collect();
            diagram.path(&known).len()
        })
        .sum();
    eprintln!(
        "eval {name}: {width} variables, diagram of {} nodes and {} leaves; \
         {:.1} nodes on the average path; {refused} random records refused by an assumption",
        diagram.node_count(),
        diagram.leaf_count(),
        steps as f64 / RECORDS as f64
    );
    Some(Case {
        name: name.to_owned(),
        width: diagram.var_sizes().len(),
        diagram,
        flat,
    })
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let (name, text) = match std::fs::read_to_string(load::lage_rugpijn_path()) {
        Ok(text) => ("lage-rugpijn".to_owned(), text),
        Err(_) => (
            "lage-rugpijn-stand-in".to_owned(),
            synth::lage_rugpijn_like().leidraad(),
        ),
    };
    if wanted(&name) {
        out.extend(case(&name, &load::front_end(&name, &text)));
    }
    let table = synth::lage_rugpijn_like();
    if wanted("lage-rugpijn-table-15") {
        out.extend(case(
            "lage-rugpijn-table-15",
            &load::front_end("table", &table.leidraad()),
        ));
    }
    for (rules, inputs) in [(1_500, 5), (10_000, 10)] {
        let name = format!("plain/{rules}x{inputs}");
        if !wanted(&name) {
            continue;
        }
        let text = synth::generate(&synth::Params::plain(1, rules, inputs)).leidraad();
        out.extend(case(&name, &load::front_end(&name, &text)));
    }
    out
}

fn wanted(name: &str) -> bool {
    std::env::var("LEIDRAAD_BENCH_INPUTS")
        .map(|only| only.split(',').any(|part| name.contains(part.trim())))
        .unwrap_or(true)
}

fn bench_eval(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(RECORDS as u64));
    for case in cases() {
        group.bench_function(&case.name, |b| {
            b.iter(|| {
                let mut sum = 0usize;
                for record in case.flat.chunks_exact(case.width) {
                    sum += case
                        .diagram
                        .eval_complete(black_box(record))
                        .unwrap()
                        .index();
                }
                sum
            });
        });
    }
    group.finish();

    // The batch call walks several records in lockstep (same records,
    // checked to give the same leaves first).
    let mut group = c.benchmark_group("eval-batch");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(RECORDS as u64));
    for case in cases() {
        let mut out = Vec::with_capacity(RECORDS);
        case.diagram.eval_batch(&case.flat, case.width, &mut out);
        let single: Vec<_> = case
            .flat
            .chunks_exact(case.width)
            .map(|record| case.diagram.eval_complete(record))
            .collect();
        assert_eq!(out, single);
        group.bench_function(&case.name, |b| {
            b.iter(|| {
                out.clear();
                case.diagram
                    .eval_batch(black_box(&case.flat), case.width, &mut out);
                out.iter().fold(0usize, |sum, leaf| {
                    sum.wrapping_add(leaf.as_ref().map_or(0, |l| l.index()))
                })
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_eval);
criterion_main!(benches);
