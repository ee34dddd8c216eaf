//! In-process time of `leidraad check` on the bundled guideline, by phase:
//! the front end (parse, resolve, lower, with the vocabulary it uses), all checks with the analyses, and
//! rendering the diagnostics as the terminal shows them. The whole-process
//! figure (target: under 20 ms) is measured with hyperfine; see
//! `docs/performance.md`.
//!
//! Run: `cargo bench --bench check`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark stops on a failure, with its message; clippy.toml covers tests only"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use leidraad::check::{
    CheckOptions, Loaded, Request, check, check_file_using, check_using, load_uses,
};
use leidraad::diagnostics::render;
use leidraad::source::Sources;

fn bench_check(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("guidelines");
    let Ok(text) = std::fs::read_to_string(root.join("lage-rugpijn.leidraad")) else {
        eprintln!("guidelines/lage-rugpijn.leidraad does not exist yet; nothing to measure");
        return;
    };
    let mut sources = Sources::new();
    let file = sources.add("guidelines/lage-rugpijn.leidraad", text);
    // Its vocabulary, read as `leidraad check` reads it (outside the timing:
    // reading files is the command line's).
    let mut loader = |request: &Request<'_>| Loaded::File {
        name: format!("guidelines/{}", request.path),
        bytes: std::fs::read(root.join(request.path)).unwrap(),
    };
    let uses = load_uses(&mut sources, &[file], &mut loader);
    let options = CheckOptions::default();
    let check = |sources: &Sources| check_using(sources, &uses, &[file], &options);
    let mut group = c.benchmark_group("check");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("lage-rugpijn/front_end", |b| {
        b.iter(|| check_file_using(black_box(&sources), &uses, file))
    });
    group.bench_function("lage-rugpijn/all", |b| {
        b.iter(|| check(black_box(&sources)))
    });
    let result = check(&sources);
    eprintln!(
        "check lage-rugpijn: {} diagnostics, {} errors",
        result.diagnostics.len(),
        result.error_count()
    );
    group.bench_function("lage-rugpijn/render", |b| {
        b.iter(|| render::human(black_box(&result.diagnostics), &sources, false))
    });
    group.finish();
}

/// A guideline of `n` yes/no criteria, two rules and either a score of
/// one point per criterion compared with `threshold` (`Some`) or a
/// definition that any criterion holds (`None`, the plain guideline of
/// the same size): issue 8 asks that a 20-criterion score cost no more
/// than twice the plain guideline.
fn criteria_guideline(n: usize, threshold: Option<usize>) -> String {
    let mut text = String::from("guideline g \"G\"\n\n");
    for i in 1..=n {
        text += &format!("input c{i} : yes/no \"Criterion {i}\"\n");
    }
    text += "\nexam X \"X\"\n\n";
    let names: Vec<String> = (1..=n).map(|i| format!("c{i}")).collect();
    if let Some(threshold) = threshold {
        let terms: Vec<String> = names.iter().map(|n| format!("1 when {n}")).collect();
        text += &format!("score s \"S\" = {}\n\n", terms.join(" + "));
        text += &format!("rule high \"High\"\n  when s >= {threshold}\n  then order X\n");
        text += &format!("rule low \"Low\"\n  when s < {threshold}\n  then avoid X\n");
    } else {
        text += &format!("define any_c = {}\n\n", names.join(" or "));
        text += "rule high \"High\"\n  when any_c\n  then order X\n";
        text += "rule low \"Low\"\n  when not any_c\n  then avoid X\n";
    }
    text
}

fn bench_score(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    let cases = [
        ("criteria20/score", 20, Some(3)),
        ("criteria20/plain", 20, None),
        ("criteria20/score_middle", 20, Some(10)),
        ("criteria30/plain", 30, None),
        ("criteria30/score_middle", 30, Some(15)),
        ("criteria40/plain", 40, None),
        ("criteria40/score_middle", 40, Some(20)),
    ];
    for (name, n, threshold) in cases {
        let mut sources = Sources::new();
        let file = sources.add(name, criteria_guideline(n, threshold));
        let result = check(&sources, &[file]);
        assert_eq!(result.error_count(), 0, "{name}: {:?}", result.diagnostics);
        group.bench_function(name, |b| b.iter(|| check(black_box(&sources), &[file])));
    }
    group.finish();
}

criterion_group!(benches, bench_check, bench_score);
criterion_main!(benches);
