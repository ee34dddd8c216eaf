//! In-process time of `leidraad diff`: the bundled guideline against a
//! changed copy (the limit of "young" moved from 45 to 40 years), and two
//! 1,500 × 5 tables (`benches/support/synth.rs`, DMN-like and
//! guideline-like) against a copy with three rules changed (an urgency, an
//! action kind, a threshold). The whole-process figures (targets: under 50
//! ms and under 1 s) are measured with `perf stat` on the files this bench
//! writes with `LEIDRAAD_BENCH_WRITE=DIR`; see `docs/performance.md`.
//!
//! Run: `cargo bench --bench diff`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark stops on a failure, with its message; clippy.toml covers tests only"
)]

mod support {
    pub mod synth;
}

use support::synth;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leidraad::check::{CheckOptions, CheckedFile, Loaded, Request, check_using, load_uses};
use leidraad::diff::{DiffOptions, diff};
use leidraad::source::Sources;

/// Checks two versions (with the vocabularies in `folder`).
fn load(old: &str, new: &str, folder: &std::path::Path) -> (Sources, Vec<CheckedFile>) {
    let mut sources = Sources::new();
    let a = sources.add("old.leidraad", old);
    let b = sources.add("new.leidraad", new);
    let mut loader = |request: &Request<'_>| match std::fs::read(folder.join(request.path)) {
        Ok(bytes) => Loaded::File {
            name: request.path.to_owned(),
            bytes,
        },
        Err(error) => Loaded::Missing(error.to_string()),
    };
    let uses = load_uses(&mut sources, &[a, b], &mut loader);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[a, b], &options);
    assert_eq!(result.error_count(), 0, "{:#?}", result.diagnostics);
    (sources, result.files)
}

/// Three rules of a table changed: an urgency, an action kind, a threshold.
fn changed_table(table: &synth::Synth) -> synth::Synth {
    let mut new = table.clone();
    let count = new.rules.len();
    for (n, rule) in [count / 5, count / 2, count - 3].into_iter().enumerate() {
        let r = &mut new.rules[rule];
        match n {
            0 => {
                r.actions[0].urgency = Some(if r.actions[0].urgency == Some("urgent") {
                    "routine"
                } else {
                    "urgent"
                })
            }
            1 => {
                r.actions[0].kind = if r.actions[0].kind == synth::Kind::Order {
                    synth::Kind::Avoid
                } else {
                    synth::Kind::Order
                }
            }
            _ => {
                for test in &mut r.tests {
                    if let synth::Test::Compare(_, value) = test {
                        *value += 1;
                        break;
                    }
                }
            }
        }
        if r.actions[0].kind == synth::Kind::Avoid {
            r.actions[0].urgency = None;
        } else {
            r.actions[0].instead = None;
        }
    }
    new
}

fn bench_diff(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guidelines");
    let old = std::fs::read_to_string(root.join("lage-rugpijn.leidraad")).unwrap();
    let new = old.replace("age < 45 years", "age < 40 years");
    assert_ne!(old, new);
    let mut cases = vec![("lage-rugpijn".to_owned(), old, new)];
    for (name, params) in [
        ("plain/1500x5", synth::Params::plain(1, 1500, 5)),
        ("guideline/1500x5", synth::Params::guideline(1, 1500, 5)),
    ] {
        let table = synth::generate(&params);
        cases.push((
            name.to_owned(),
            table.leidraad(),
            changed_table(&table).leidraad(),
        ));
    }
    if let Some(dir) = std::env::var_os("LEIDRAAD_BENCH_WRITE") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, old, new) in &cases {
            let stem = name.replace('/', "-");
            std::fs::write(dir.join(format!("{stem}-old.leidraad")), old).unwrap();
            std::fs::write(dir.join(format!("{stem}-new.leidraad")), new).unwrap();
        }
        std::fs::copy(
            root.join("rugpijn.vocabulary.leidraad"),
            dir.join("rugpijn.vocabulary.leidraad"),
        )
        .unwrap();
    }
    let mut group = c.benchmark_group("diff");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(10);
    for (name, old, new) in &cases {
        let (_sources, files) = load(old, new, &root);
        let (a, b) = (files[0].valid().unwrap(), files[1].valid().unwrap());
        let options = DiffOptions::default();
        let made = diff(a, b, &options).unwrap();
        eprintln!("diff {name}: {} groups", made.groups.len());
        group.bench_function(name.as_str(), |bench| {
            bench.iter(|| diff(black_box(a), black_box(b), &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
