//! Issue 7, defect 1 (diagram blow-up): guidelines of many independent
//! rules must end quickly, in an answer or in a message that names the
//! budget, never after minutes and gigabytes; `eval` answers a complete
//! record at once whatever the diagram would cost.

use super::support::{self, Ran};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leidraad::logic::diagram::{CompileError, CompileOptions, DecisionDiagram};
use leidraad::logic::problem::{Action, ActionKind, Formula, Problem, Rule};

/// `rules` rules over as many number inputs `x_i` in 0..1000, rule `i`
/// ordering exam `e_i` when `x_i` is between a pair of thresholds: every
/// subset of rules can fire, so a diagram whose leaves are action lists
/// needs 2^rules of them.
fn independent_rules(rules: usize) -> String {
    let mut text = String::from("guideline blowup \"Blow-up\"\n  version \"1\"\n\n");
    for i in 0..rules {
        text.push_str(&format!("input x{i} : number 0..1000 \"X{i}\"\n"));
    }
    text.push('\n');
    for i in 0..rules {
        text.push_str(&format!("exam e{i} \"E{i}\"\n"));
    }
    text.push('\n');
    for i in 0..rules {
        let (low, high) = (100 + 7 * i, 500 + 11 * i);
        text.push_str(&format!(
            "rule r{i} \"R{i}\"\n  when x{i} >= {low} and x{i} < {high}\n  then order e{i}\n"
        ));
    }
    text
}

fn write(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("blowup");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn leidraad(args: &[&str]) -> (Ran, Duration) {
    let start = Instant::now();
    let ran = support::run(support::leidraad(args));
    (ran, start.elapsed())
}

/// Standard error as one line of words (miette wraps and frames it).
fn stderr(output: &Ran) -> String {
    String::from_utf8_lossy(&output.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn thirty_independent_rules_stop_on_the_time_budget() {
    let file = write("thirty-time.leidraad", &independent_rules(30));
    let file = file.to_str().unwrap();
    let (output, took) = leidraad(&["compile", file, "--time-limit", "1"]);
    assert_eq!(Some(output.status), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("time budget of 1 s"), "{message}");
    // One order only (the second is not started after the first overran),
    // and the clock is read often enough.
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn thirty_independent_rules_stop_on_the_memory_budget() {
    let file = write("thirty-memory.leidraad", &independent_rules(30));
    let file = file.to_str().unwrap();
    let (output, took) = leidraad(&["compile", file, "--max-memory", "32", "--time-limit", "60"]);
    assert_eq!(Some(output.status), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("more than 32 MiB of memory"), "{message}");
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn a_complete_record_is_answered_without_the_diagram() {
    let file = write("thirty-eval.leidraad", &independent_rules(30));
    let file = file.to_str().unwrap();
    let record: Vec<String> = (0..30)
        .map(|i| format!("\"x{i}\": {}", 150 + 20 * i))
        .collect();
    let record = write("thirty.json", &format!("{{{}}}", record.join(", ")));
    let record = record.to_str().unwrap();
    let (indexed, took) = leidraad(&["eval", file, "--facts", record, "--format", "json"]);
    assert_eq!(Some(indexed.status), Some(0), "{}", stderr(&indexed));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // No diagram was attempted, so no note about one.
    assert!(indexed.stderr.is_empty(), "{}", stderr(&indexed));
    let (reference, _) = leidraad(&[
        "eval",
        file,
        "--facts",
        record,
        "--format",
        "json",
        "--reference",
    ]);
    assert_eq!(indexed.stdout, reference.stdout);
    assert!(String::from_utf8_lossy(&indexed.stdout).contains("\"e12\""));
}

#[test]
fn a_record_that_needs_the_diagram_falls_back_within_the_budget() {
    let file = write("thirty-partial.leidraad", &independent_rules(30));
    let file = file.to_str().unwrap();
    // x29 is missing and the answer depends on it: only the diagram could
    // say so more precisely, and it does not fit, so the reference answers.
    let record: Vec<String> = (0..29).map(|i| format!("\"x{i}\": 300")).collect();
    let record = write("thirty-partial.json", &format!("{{{}}}", record.join(", ")));
    let record = record.to_str().unwrap();
    let (output, took) = leidraad(&["eval", file, "--facts", record, "--time-limit", "1"]);
    assert_eq!(Some(output.status), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("time budget of 1 s"), "{message}");
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

/// The same problem in the library: `compile_smaller` returns the first
/// order's budget error (it used to go on to build the second order).
#[test]
fn compile_smaller_stops_when_the_first_order_overruns() {
    let var_sizes = vec![4; 24];
    let rules = (0..24)
        .map(|i| Rule {
            when: Formula::In {
                var: i,
                classes: vec![1, 2],
            },
            actions: vec![Action {
                kind: ActionKind::Order,
                target: i,
                urgency: None,
                alternatives: Vec::new(),
                instead: None,
            }],
            overrides: Vec::new(),
        })
        .collect();
    let problem = Problem {
        var_sizes,
        rules,
        ..Problem::default()
    };
    let options = CompileOptions {
        max_memory: 4 << 20,
        ..CompileOptions::default()
    };
    let start = Instant::now();
    let result = DecisionDiagram::compile_smaller(&problem, &options);
    assert_eq!(result, Err(CompileError::TooMuchMemory { limit: 4 << 20 }));
    assert!(start.elapsed() < Duration::from_secs(5));
    let options = CompileOptions {
        time_limit: Some(Duration::from_millis(200)),
        ..CompileOptions::default()
    };
    let start = Instant::now();
    let result = DecisionDiagram::compile_smaller(&problem, &options);
    assert!(
        matches!(
            result,
            Err(CompileError::TooSlow { .. }) | Err(CompileError::TooMuchMemory { .. })
        ),
        "{result:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
}
