//! `leidraad eval --batch` against a serde_json parse-only reader of the
//! same file, side by side in one run (issue 7, "Batch evaluation at the
//! speed of reading").
//!
//! ```text
//! cargo build --release
//! cargo bench --bench batch -- generate 100000 target/records.jsonl
//! cargo bench --bench batch -- compare target/records.jsonl
//! ```
//!
//! `generate N FILE` writes N random complete records of
//! `guidelines/lage-rugpijn.leidraad` (seeded, so the file is the same on
//! every machine). `compare FILE` runs, each under `/usr/bin/time -v`, this
//! binary's `parse` reader and `target/release/leidraad eval --batch` in
//! its output modes and with one and two threads, five times each, and
//! prints CPU time (the least of the five), records per second and peak
//! memory of each. `parse FILE` is the reader
//! alone: every line is read as `leidraad` reads it (`read_until` on a 1 MiB
//! buffer) and parsed into a `serde_json::Value`, with the same serde_json
//! and features as the product (`arbitrary_precision`), and nothing else.
//! `parse-ignored FILE` only validates each line (`serde::de::IgnoredAny`):
//! the fastest serde_json can read, for reference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark stops loudly on any surprise"
)]

mod support {
    pub mod load;
}

use leidraad::logic::generate::SplitMix64;
use std::io::{BufRead as _, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    // `cargo bench` adds `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["generate", count, file] => generate(count.parse().expect("a record count"), file),
        ["parse", file] => parse(file, false),
        ["parse-ignored", file] => parse(file, true),
        ["compare", file] => compare(file),
        [] => eprintln!("see the header of benches/batch.rs: generate N FILE | compare FILE"),
        other => panic!("unknown arguments {other:?}; see benches/batch.rs"),
    }
}

/// N random complete records, one JSON object a line.
fn generate(count: usize, file: &str) {
    let text = std::fs::read_to_string(support::load::lage_rugpijn_path()).unwrap();
    let checked = support::load::front_end("lage-rugpijn", &text);
    let mut rng = SplitMix64::new(7);
    let mut out = BufWriter::new(std::fs::File::create(file).unwrap());
    for _ in 0..count {
        let record = support::load::random_record(&checked, &mut rng);
        serde_json::to_writer(&mut out, &record).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.flush().unwrap();
}

/// The parse-only reader: what reading the file costs, and no more.
fn parse(file: &str, ignored: bool) {
    let mut reader = BufReader::with_capacity(1 << 20, std::fs::File::open(file).unwrap());
    let mut line = Vec::new();
    let (mut records, mut fields) = (0usize, 0usize);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        let text = std::str::from_utf8(&line).unwrap();
        if text.trim().is_empty() {
            continue;
        }
        if ignored {
            let _: serde::de::IgnoredAny = serde_json::from_str(text).unwrap();
        } else {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            fields += value.as_object().map_or(0, serde_json::Map::len);
        }
        records += 1;
    }
    println!("{records} records, {fields} fields");
}

/// What `/usr/bin/time -v` says about one run.
struct Run {
    label: String,
    cpu_seconds: f64,
    wall_seconds: f64,
    peak_kib: u64,
}

/// The run with the least CPU time of `REPEAT`: the machine is shared, and
/// other work only ever adds time.
const REPEAT: usize = 5;

fn timed(label: &str, command: &mut Command) -> Run {
    (0..REPEAT)
        .map(|_| timed_once(label, command))
        .min_by(|a, b| a.cpu_seconds.total_cmp(&b.cpu_seconds))
        .unwrap()
}

fn timed_once(label: &str, command: &mut Command) -> Run {
    let mut time = Command::new("/usr/bin/time");
    time.arg("-v")
        .arg(command.get_program())
        .args(command.get_args());
    // The results are not kept: they would cost memory here, not there.
    time.stdout(std::process::Stdio::null());
    let output = time.output().expect("/usr/bin/time runs");
    // Status 1 is "some records could not be evaluated", which is fine.
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "{label} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8_lossy(&output.stderr);
    let field = |name: &str| -> &str {
        report
            .lines()
            .find_map(|line| line.trim().strip_prefix(name))
            .unwrap_or_else(|| panic!("no `{name}` in:\n{report}"))
            .trim()
    };
    let seconds = |name: &str| field(name).parse::<f64>().unwrap();
    let wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss):");
    let wall_seconds = wall.split(':').fold(0.0, |total, part| {
        total * 60.0 + part.parse::<f64>().unwrap()
    });
    Run {
        label: label.to_owned(),
        cpu_seconds: seconds("User time (seconds):") + seconds("System time (seconds):"),
        wall_seconds,
        peak_kib: field("Maximum resident set size (kbytes):")
            .parse()
            .unwrap(),
    }
}

fn compare(file: &str) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let leidraad = root.join("target/release/leidraad");
    assert!(
        leidraad.exists(),
        "build the product first: cargo build --release"
    );
    let guideline = root.join("guidelines/lage-rugpijn.leidraad");
    let records = count_records(Path::new(file));
    let me = std::env::current_exe().unwrap();
    let mut runs = Vec::new();
    runs.push(timed(
        "serde_json parse-only (Value)",
        Command::new(&me).args(["parse", file]),
    ));
    runs.push(timed(
        "serde_json parse-only (IgnoredAny)",
        Command::new(&me).args(["parse-ignored", file]),
    ));
    for (label, extra) in [
        ("eval --batch (default output)", &[][..]),
        (
            "eval --batch --explain reasons",
            &["--explain", "reasons"][..],
        ),
        ("eval --batch --explain none", &["--explain", "none"][..]),
    ] {
        for threads in ["1", "2"] {
            let mut command = Command::new(&leidraad);
            command
                .arg("eval")
                .arg(&guideline)
                .arg("--batch")
                .arg(file)
                .args(extra)
                .args(["--threads", threads]);
            runs.push(timed(
                &format!("{label}, --threads {threads}"),
                &mut command,
            ));
        }
    }
    println!("{records} records in `{file}`");
    println!(
        "| {:<44} | {:>8} | {:>8} | {:>12} | {:>10} |",
        "reader", "CPU s", "wall s", "records/s CPU", "peak RSS"
    );
    println!(
        "|{:-<46}|{:-<10}|{:-<10}|{:-<15}|{:-<12}|",
        "", "", "", "", ""
    );
    for run in &runs {
        println!(
            "| {:<44} | {:>8.2} | {:>8.2} | {:>13.0} | {:>7} MiB |",
            run.label,
            run.cpu_seconds,
            run.wall_seconds,
            records as f64 / run.cpu_seconds,
            run.peak_kib / 1024
        );
    }
}

fn count_records(file: &Path) -> usize {
    let reader = BufReader::new(std::fs::File::open(file).unwrap());
    reader
        .lines()
        .filter(|line| !line.as_ref().unwrap().trim().is_empty())
        .count()
}
