//! The `leidraad` binary as a user runs it: every command and every exit
//! status (0 clean, 1 problems found, 2 usage or I/O problem), the output
//! formats, standard input, and colour only where it belongs. The rule
//! files and records are small fixtures under `tests/fixtures/cli/`.

use crate::support;
use leidraad::diagnostics::Code;
use serde_json::Value as Json;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    support::fixtures("cli")
}

/// A `leidraad` command run in the fixtures directory, with colour left to
/// its default and `NO_COLOR` unset unless a test sets it.
fn leidraad(args: &[&str]) -> Command {
    let mut command = support::leidraad(args);
    command.current_dir(fixtures());
    command
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `command` (see [`support::run_with`]: no panic, no signal, no
/// hang); both outputs must be UTF-8.
fn finish(command: Command, stdin: &[u8]) -> Run {
    let ran = support::run_with(command, stdin, support::LIMIT);
    Run {
        status: Some(ran.status),
        stdout: String::from_utf8(ran.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(ran.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Run {
    finish(leidraad(args), b"")
}

fn run_with_stdin(args: &[&str], input: &[u8]) -> Run {
    finish(leidraad(args), input)
}

fn assert_status(run: &Run, status: i32, what: &str) {
    assert_eq!(
        run.status,
        Some(status),
        "{what}: expected exit status {status}\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
}

/// 1-based line and column of the first occurrence of `needle` in a
/// fixture, read from the file itself.
fn position_of(file: &str, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(fixtures().join(file)).unwrap();
    for (index, line) in text.lines().enumerate() {
        if let Some(at) = line.find(needle) {
            let column = line[..at].chars().count() + 1;
            return (index as u64 + 1, column as u64);
        }
    }
    panic!("`{needle}` is not in {file}");
}

fn line_of(file: &str, needle: &str) -> u64 {
    position_of(file, needle).0
}

const ESC: char = '\u{1b}';

// --- check ------------------------------------------------------------------

#[test]
fn check_a_clean_file_exits_0() {
    let run = run(&["check", "clean.leidraad"]);
    assert_status(&run, 0, "check clean.leidraad");
    assert!(!run.stdout.contains("error["), "{}", run.stdout);
    assert!(!run.stdout.contains("warning["), "{}", run.stdout);
    assert!(
        run.stderr.contains("checked 1 file: no problems found"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_with_errors_exits_1_and_names_the_line() {
    let run = run(&["check", "errors.leidraad"]);
    assert_status(&run, 1, "check errors.leidraad");
    let (line, column) = position_of("errors.leidraad", "fevr");
    assert!(run.stdout.contains("error[L101]: unknown name `fevr`"));
    assert!(
        run.stdout
            .contains(&format!("errors.leidraad:{line}:{column}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("did you mean `fever`?"));
    assert!(run.stderr.contains("1 error,"), "{}", run.stderr);
}

#[test]
fn check_with_warnings_exits_0_unless_warnings_are_denied() {
    let allowed = run(&["check", "warnings.leidraad"]);
    assert_status(&allowed, 0, "check warnings.leidraad");
    assert!(
        allowed.stdout.contains("warning[L201]"),
        "{}",
        allowed.stdout
    );

    let denied = run(&["check", "warnings.leidraad", "--deny", "warnings"]);
    assert_status(&denied, 1, "check warnings.leidraad --deny warnings");
    assert!(denied.stdout.contains("error[L201]"), "{}", denied.stdout);
}

#[test]
fn check_of_several_files_reports_each() {
    let run = run(&[
        "check",
        "clean.leidraad",
        "warnings.leidraad",
        "errors.leidraad",
    ]);
    assert_status(&run, 1, "check of three files, one with errors");
    assert!(run.stdout.contains("errors.leidraad:"));
    assert!(run.stdout.contains("warnings.leidraad:"));
    assert!(run.stderr.contains("checked 3 files"), "{}", run.stderr);
}

#[test]
fn check_of_a_missing_file_exits_2_and_names_it() {
    let run = run(&["check", "no-such-file.leidraad"]);
    assert_status(&run, 2, "check of a missing file");
    assert!(
        run.stderr.contains("no-such-file.leidraad"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn check_of_a_missing_file_among_good_ones_exits_2() {
    let run = run(&["check", "clean.leidraad", "no-such-file.leidraad"]);
    assert_status(&run, 2, "check with one missing file");
    assert!(
        run.stderr.contains("no-such-file.leidraad"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec!["check", "--frobnicate", "clean.leidraad"],
        vec!["check", "clean.leidraad", "--format", "xml"],
        vec!["check", "clean.leidraad", "--deny", "everything"],
        vec!["check"],
        vec!["frobnicate"],
        vec![],
        vec!["eval", "clean.leidraad"],
        vec![
            "eval",
            "clean.leidraad",
            "--facts",
            "acute.json",
            "--batch",
            "records.jsonl",
        ],
    ] {
        let run = run(&args);
        assert_status(&run, 2, &format!("leidraad {}", args.join(" ")));
        assert!(!run.stderr.is_empty(), "no message for {args:?}");
    }
}

#[test]
fn help_and_version_exit_0() {
    let help = run(&["--help"]);
    assert_status(&help, 0, "--help");
    for command in ["check", "eval", "test", "compile", "explain"] {
        assert!(help.stdout.contains(command), "--help lists `{command}`");
    }
    let version = run(&["--version"]);
    assert_status(&version, 0, "--version");
    assert!(
        version.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{}",
        version.stdout
    );
}

#[test]
fn check_json_is_one_object_with_the_documented_fields() {
    let run = run(&[
        "check",
        "errors.leidraad",
        "warnings.leidraad",
        "--format",
        "json",
    ]);
    assert_status(&run, 1, "check --format json");
    let value: Json = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(value["schema"], "leidraad-check");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["tool"]["name"], "leidraad");
    let summary = &value["summary"];
    assert_eq!(
        summary["files"],
        serde_json::json!(["errors.leidraad", "warnings.leidraad"])
    );
    assert_eq!(summary["passed"], false);
    let items = value["diagnostics"]
        .as_array()
        .expect("a `diagnostics` array");
    let of = |severity: &str| items.iter().filter(|d| d["severity"] == severity).count();
    assert_eq!(summary["errors"], of("error"));
    assert_eq!(summary["warnings"], of("warning"));
    assert_eq!(summary["notes"], of("note"));
    assert!(items.len() >= 2, "{items:?}");
    for item in items {
        for field in [
            "code",
            "name",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "labels",
            "notes",
            "help",
        ] {
            assert!(item.get(field).is_some(), "`{field}` missing in {item}");
        }
        let code = item["code"].as_str().unwrap();
        assert!(Code::lookup(code).is_some(), "unknown code {code}");
        assert!(
            ["error", "warning", "note"].contains(&item["severity"].as_str().unwrap()),
            "{item}"
        );
        for label in item["labels"].as_array().unwrap() {
            for field in [
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "message",
                "primary",
            ] {
                assert!(label.get(field).is_some(), "`{field}` missing in {label}");
            }
        }
    }
    // Positions are 1-based and the end is exclusive.
    let unknown = items
        .iter()
        .find(|d| d["code"] == "L101")
        .expect("the L101 of errors.leidraad");
    let (line, column) = position_of("errors.leidraad", "fevr");
    assert_eq!(unknown["file"], "errors.leidraad");
    assert_eq!(unknown["line"], line);
    assert_eq!(unknown["column"], column);
    assert_eq!(unknown["end_line"], line);
    assert_eq!(unknown["end_column"], column + "fevr".len() as u64);
    assert_eq!(unknown["severity"], "error");
    assert_eq!(unknown["name"], "unknown-name");
    let unused = items
        .iter()
        .find(|d| d["code"] == "L201" && d["file"] == "warnings.leidraad")
        .expect("the L201 of warnings.leidraad");
    assert_eq!(unused["severity"], "warning");
    assert_eq!(unused["line"], line_of("warnings.leidraad", "weight_loss"));
    // JSON never carries the human summary.
    assert!(!run.stdout.contains("checked "));
}

#[test]
fn check_json_of_a_clean_file_has_no_errors_and_passes() {
    let run = run(&["check", "clean.leidraad", "--format", "json"]);
    assert_status(&run, 0, "check clean --format json");
    let value: Json = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(value["summary"]["passed"], true);
    assert_eq!(value["summary"]["errors"], 0);
    let items = value["diagnostics"]
        .as_array()
        .expect("a `diagnostics` array");
    assert!(items.iter().all(|d| d["severity"] == "note"), "{value}");
}

#[test]
fn check_github_prints_one_annotation_per_diagnostic() {
    let run = run(&[
        "check",
        "errors.leidraad",
        "warnings.leidraad",
        "--format",
        "github",
    ]);
    assert_status(&run, 1, "check --format github");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines.len() >= 2, "{}", run.stdout);
    for line in &lines {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "not an annotation: {line}"
        );
        assert!(line.contains(" file=") && line.contains(",line="), "{line}");
        assert!(line.contains(",title=L"), "{line}");
    }
    let (line, column) = position_of("errors.leidraad", "fevr");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "::error file=errors.leidraad,line={line},col={column},"
        )) && l.contains("title=L101 unknown-name::unknown name `fevr`")),
        "{}",
        run.stdout
    );
    // Newlines inside a message are escaped, so each annotation is one line.
    assert!(run.stdout.contains("%0Ahelp: did you mean `fever`?"));
}

// --- colour -----------------------------------------------------------------

#[test]
fn output_has_no_colour_when_not_a_terminal() {
    for args in [
        vec!["check", "errors.leidraad"],
        vec!["test", "failing-case.leidraad"],
        vec!["eval", "clean.leidraad", "--facts", "acute.json"],
        vec!["explain", "L101"],
    ] {
        let run = run(&args);
        assert!(
            !run.stdout.contains(ESC) && !run.stderr.contains(ESC),
            "colour escapes in `leidraad {}`",
            args.join(" ")
        );
    }
}

#[test]
fn no_color_is_respected_and_colour_can_be_forced() {
    let forced = run(&["check", "errors.leidraad", "--color", "always"]);
    assert!(
        forced.stdout.contains(ESC),
        "`--color always` colours (so the checks below can see colour)"
    );
    let mut command = leidraad(&["check", "errors.leidraad"]);
    command.env("NO_COLOR", "1");
    let plain = finish(command, b"");
    assert!(!plain.stdout.contains(ESC) && !plain.stderr.contains(ESC));
    let never = run(&["check", "errors.leidraad", "--color", "never"]);
    assert!(!never.stdout.contains(ESC));
    assert_eq!(plain.stdout, never.stdout);
}

// --- eval -------------------------------------------------------------------

#[test]
fn eval_human_lists_recommendations_with_rule_line_and_reasons() {
    let run = run(&["eval", "clean.leidraad", "--facts", "acute.json"]);
    assert_status(&run, 0, "eval --facts acute.json");
    let rule_line = line_of("clean.leidraad", "rule acute ");
    assert!(
        run.stdout.contains("CLI-demo lage rugpijn"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("order MRI_LWK"), "{}", run.stdout);
    assert!(run.stdout.contains("refer spine_surgeon"), "{}", run.stdout);
    assert!(!run.stdout.contains("CT_LWK"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "rule `acute` \"Acute uitval: dringende MRI\" (clean.leidraad:{rule_line})"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("because: Neurologische uitval: acute"),
        "{}",
        run.stdout
    );
}

fn recommendations(value: &Json) -> Vec<(String, String, String, Option<String>)> {
    value["recommendations"]
        .as_array()
        .expect("a `recommendations` array")
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["target"].as_str().unwrap().to_owned(),
                r["rule"].as_str().unwrap().to_owned(),
                r.get("urgency").and_then(Json::as_str).map(str::to_owned),
            )
        })
        .collect()
}

fn rec(
    kind: &str,
    target: &str,
    rule: &str,
    urgency: Option<&str>,
) -> (String, String, String, Option<String>) {
    (
        kind.to_owned(),
        target.to_owned(),
        rule.to_owned(),
        urgency.map(str::to_owned),
    )
}

#[test]
fn eval_json_follows_the_output_contract() {
    let run = run(&[
        "eval",
        "clean.leidraad",
        "--facts",
        "acute.json",
        "--format",
        "json",
    ]);
    assert_status(&run, 0, "eval --format json");
    let value: Json = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let mut got = recommendations(&value);
    got.sort();
    assert_eq!(
        got,
        vec![
            rec("order", "MRI_LWK", "acute", Some("urgent")),
            rec("refer", "spine_surgeon", "acute", Some("same_day")),
        ]
    );
}

#[test]
fn eval_from_standard_input_gives_the_same_answer() {
    let record = std::fs::read(fixtures().join("acute.json")).unwrap();
    let from_stdin = run_with_stdin(
        &["eval", "clean.leidraad", "--facts", "-", "--format", "json"],
        &record,
    );
    assert_status(&from_stdin, 0, "eval --facts -");
    let from_file = run(&[
        "eval",
        "clean.leidraad",
        "--facts",
        "acute.json",
        "--format",
        "json",
    ]);
    assert_eq!(from_stdin.stdout, from_file.stdout);

    let human = run_with_stdin(&["eval", "clean.leidraad", "--facts", "-"], &record);
    assert_status(&human, 0, "eval --facts - (human)");
    assert!(human.stdout.contains("order MRI_LWK"), "{}", human.stdout);
}

#[test]
fn eval_takes_the_alternative_that_applies() {
    let record = br#"{"age": 45, "neuro_deficit": "acute", "deficit_pattern": "central",
                      "fever": false, "suspected": [], "mri_possible": false}"#;
    let run = run_with_stdin(
        &["eval", "clean.leidraad", "--facts", "-", "--format", "json"],
        record,
    );
    assert_status(&run, 0, "eval with mri_possible false");
    let value: Json = serde_json::from_str(&run.stdout).unwrap();
    let got = recommendations(&value);
    assert!(
        got.contains(&rec("order", "CT_LWK", "acute", Some("urgent"))),
        "{got:?}"
    );
    assert!(!got.iter().any(|r| r.1 == "MRI_LWK"), "{got:?}");
}

#[test]
fn eval_of_a_record_lacking_a_needed_input_fails_and_names_it() {
    let run = run_with_stdin(
        &["eval", "clean.leidraad", "--facts", "-"],
        br#"{"age": 45}"#,
    );
    assert_status(&run, 1, "eval of a record without neuro_deficit");
    assert!(run.stderr.contains("neuro_deficit"), "{}", run.stderr);
    assert!(!run.stdout.contains("order"), "{}", run.stdout);

    let json = run_with_stdin(
        &["eval", "clean.leidraad", "--facts", "-", "--format", "json"],
        br#"{"age": 45}"#,
    );
    assert_status(&json, 1, "eval --format json of an incomplete record");
    let value: Json = serde_json::from_str(&json.stdout).expect("errors as JSON");
    let errors = value["errors"].as_array().expect("an `errors` array");
    assert!(
        errors.iter().any(|e| e["field"] == "neuro_deficit"),
        "{value}"
    );
}

#[test]
fn eval_of_a_missing_record_file_exits_2() {
    let run = run(&["eval", "clean.leidraad", "--facts", "no-such-record.json"]);
    assert_status(&run, 2, "eval of a missing record file");
    assert!(run.stderr.contains("no-such-record.json"), "{}", run.stderr);
}

#[test]
fn eval_against_a_guideline_with_errors_evaluates_nothing() {
    let run = run(&["eval", "errors.leidraad", "--facts", "acute.json"]);
    assert_ne!(run.status, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("unknown name `fevr`"), "{}", run.stderr);
    assert!(run.stderr.contains("errors.leidraad"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn eval_against_a_guideline_with_errors_suggests_the_check_command() {
    let run = run(&["eval", "errors.leidraad", "--facts", "acute.json"]);
    assert!(
        run.stderr.contains("leidraad check errors.leidraad"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_batch_reports_bad_lines_and_evaluates_the_others() {
    let run = run(&["eval", "clean.leidraad", "--batch", "records.jsonl"]);
    assert_status(&run, 1, "eval --batch with bad lines");
    let results: Vec<Json> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON result per line"))
        .collect();
    // Line 4 of the file is blank and skipped; the others each get a result.
    let lines: Vec<u64> = results
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![1, 2, 3, 5]);

    // Line 1: MRI not possible, so the CT alternative.
    let first = recommendations(&results[0]);
    assert!(
        first.contains(&rec("order", "CT_LWK", "acute", Some("urgent"))),
        "{first:?}"
    );
    // Line 2: `fever` is "ja", not true or false.
    let errors = results[1]["errors"].as_array().expect("errors for line 2");
    assert_eq!(errors.len(), 1, "{}", results[1]);
    assert_eq!(errors[0]["field"], "fever");
    assert!(results[1].get("recommendations").is_none());
    // Line 3: not JSON. The position is a column of line 3, not "line 1"
    // of a one-line document.
    let errors = results[2]["errors"].as_array().expect("errors for line 3");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 3 is not valid JSON") && message.ends_with("at column 36"),
        "{}",
        results[2]
    );
    // Line 5 still evaluates.
    let last = recommendations(&results[3]);
    assert_eq!(
        last,
        vec![rec("order", "lab_infection_panel", "infection", None)]
    );
    assert!(
        run.stderr.contains("2 of 4 records could not be evaluated"),
        "{}",
        run.stderr
    );
}

#[test]
fn eval_names_each_reason_once() {
    // In the bundled guideline `acute_uitval` is part of two definitions
    // that both make `alarm_referral` fire; the reader sees it once.
    let guideline = support::root().join("guidelines/lage-rugpijn.leidraad");
    let record = br#"{"age": 45, "complaint_duration": 2, "neuro_deficit": "acute",
        "trauma": "none", "suspected": [], "mri_possible": false}"#;
    let run = run_with_stdin(
        &[
            "eval",
            guideline.to_str().unwrap(),
            "--facts",
            "-",
            "--format",
            "json",
        ],
        record,
    );
    assert_status(&run, 0, "eval of the README's example record");
    let result: Json = serde_json::from_str(&run.stdout).unwrap();
    let referral = result["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "alarm_referral")
        .expect("the alarm referral fires");
    let because: Vec<&str> = referral["because"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert!(because.contains(&"acute_uitval"), "{because:?}");
    // A false `trauma != none` reads as `trauma == none`, not as a double
    // negation.
    let segments = result["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "no_rx_segments")
        .expect("no_rx_segments fires");
    assert!(
        segments["because"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == "trauma == none"),
        "{segments}"
    );
    for (index, reason) in because.iter().enumerate() {
        assert!(
            !because[..index].contains(reason),
            "{reason} twice in {because:?}"
        );
    }
}

#[test]
fn eval_keeps_not_for_an_input_that_may_be_not_asked() {
    // `deficit_pattern != central` would be false for a patient without a
    // deficit (the input is not asked), so the reason must keep its `not`.
    let run = run_with_stdin(
        &[
            "eval",
            "not-asked.leidraad",
            "--facts",
            "-",
            "--format",
            "json",
        ],
        br#"{"neuro_deficit": "none"}"#,
    );
    assert_status(&run, 0, "eval with an input that is not asked");
    let result: Json = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        result["recommendations"][0]["because"],
        serde_json::json!(["not deficit_pattern == central"])
    );
}

#[test]
fn eval_batch_refuses_human_format() {
    // Batch output is JSON lines; asking for human output is a usage error
    // rather than silently ignored. `--format json` is accepted.
    let run_human = run(&[
        "eval",
        "clean.leidraad",
        "--batch",
        "records.jsonl",
        "--format",
        "human",
    ]);
    assert_status(&run_human, 2, "eval --batch --format human");
    assert!(run_human.stdout.is_empty(), "{}", run_human.stdout);
    assert!(run_human.stderr.contains("--batch"), "{}", run_human.stderr);
    let run_json = run(&[
        "eval",
        "clean.leidraad",
        "--batch",
        "records.jsonl",
        "--format",
        "json",
    ]);
    assert_status(&run_json, 1, "eval --batch --format json with bad lines");
}

#[test]
fn eval_batch_of_good_records_exits_0() {
    let dir = std::env::temp_dir().join(format!("leidraad-cli-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let batch = dir.join("good.jsonl");
    std::fs::write(
        &batch,
        "{\"age\": 30, \"neuro_deficit\": \"none\", \"fever\": false, \"suspected\": []}\n\
         {\"age\": 30, \"neuro_deficit\": \"none\", \"fever\": false, \"suspected\": [\"infection\"]}\n",
    )
    .unwrap();
    let run = run(&["eval", "clean.leidraad", "--batch", batch.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_status(&run, 0, "eval --batch of good records");
    let results: Vec<Json> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 2);
    assert!(recommendations(&results[0]).is_empty());
    assert_eq!(
        recommendations(&results[1]),
        vec![rec("order", "lab_infection_panel", "infection", None)]
    );
}

// --- test -------------------------------------------------------------------

#[test]
fn test_with_passing_cases_exits_0() {
    let run = run(&["test", "clean.leidraad"]);
    assert_status(&run, 0, "test clean.leidraad");
    assert!(
        run.stdout.contains("cases: 3 passed, 0 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_with_a_failing_case_exits_1_and_shows_expected_against_actual() {
    let run = run(&["test", "failing-case.leidraad"]);
    assert_status(&run, 1, "test failing-case.leidraad");
    let line = line_of("failing-case.leidraad", "expect order CT_LWK");
    assert!(
        run.stdout
            .contains("error[L401]: case \"Koorts: CT verwacht\" failed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("failing-case.leidraad:{line}:")),
        "points at the expectation: {}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("recommended: order MRI_LWK urgent (rule `fever_mri`)"),
        "shows what was recommended: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("cases: 1 passed, 1 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_of_a_file_with_errors_runs_no_case_and_fails() {
    let run = run(&["test", "errors.leidraad"]);
    assert_status(&run, 1, "test errors.leidraad");
    assert!(run.stdout.contains("error[L101]"), "{}", run.stdout);
}

#[test]
fn test_of_a_missing_file_exits_2() {
    let run = run(&["test", "no-such-file.leidraad"]);
    assert_status(&run, 2, "test of a missing file");
}

// --- explain ----------------------------------------------------------------

#[test]
fn explain_prints_a_code_by_code_or_name() {
    let by_code = run(&["explain", "L101"]);
    assert_status(&by_code, 0, "explain L101");
    assert!(
        by_code.stdout.starts_with("# L101 unknown-name"),
        "{}",
        by_code.stdout
    );
    for section in ["## What", "## Why", "## Example", "## How to fix"] {
        assert!(by_code.stdout.contains(section), "missing {section}");
    }
    let by_name = run(&["explain", "unknown-name"]);
    assert_status(&by_name, 0, "explain unknown-name");
    assert_eq!(by_name.stdout, by_code.stdout);
    let lower = run(&["explain", "l101"]);
    assert_eq!(lower.stdout, by_code.stdout);
}

#[test]
fn explain_all_lists_every_code() {
    let run = run(&["explain", "all"]);
    assert_status(&run, 0, "explain all");
    let lines: Vec<&str> = run.stdout.lines().collect();
    // Every code, a blank line, a heading and every group.
    let groups = leidraad::diagnostics::GROUPS;
    assert_eq!(
        lines.len(),
        Code::ALL.len() + 2 + groups.len(),
        "{}",
        run.stdout
    );
    for (line, code) in lines.iter().zip(Code::ALL) {
        let info = code.info();
        assert!(line.starts_with(info.code), "{line}");
        assert!(line.contains(info.name), "{line}");
        assert!(line.contains(info.summary), "{line}");
    }
    for (line, group) in lines.iter().skip(Code::ALL.len() + 2).zip(groups) {
        assert!(line.starts_with(group.name), "{line}");
    }
}

#[test]
fn explain_of_a_group_lists_its_codes() {
    let run = run(&["explain", "incomplete"]);
    assert_status(&run, 0, "explain incomplete");
    let codes: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with('L'))
        .map(|l| l.get(..4).unwrap())
        .collect();
    assert_eq!(codes, ["L306", "L307"], "{}", run.stdout);
    assert!(
        run.stdout.contains("the more specific flag wins"),
        "{}",
        run.stdout
    );
}

#[test]
fn explain_of_an_unknown_code_exits_2_with_a_hint() {
    let unknown = run(&["explain", "L999"]);
    assert_status(&unknown, 2, "explain L999");
    assert!(
        unknown
            .stderr
            .contains("there is no diagnostic code `L999`"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains("leidraad explain all"),
        "{}",
        unknown.stderr
    );
    let close = run(&["explain", "unknwn-name"]);
    assert_status(&close, 2, "explain unknwn-name");
    assert!(
        close.stderr.contains("did you mean `unknown-name`?"),
        "{}",
        close.stderr
    );
}

// --- compile ----------------------------------------------------------------

#[test]
fn compile_writes_every_format() {
    let json = run(&["compile", "clean.leidraad", "--emit", "json"]);
    assert_status(&json, 0, "compile --emit json");
    let value: Json = serde_json::from_str(&json.stdout).expect("the diagram is JSON");
    assert!(value.is_object(), "{value}");

    let dot = run(&["compile", "clean.leidraad", "--emit", "dot"]);
    assert_status(&dot, 0, "compile --emit dot");
    assert!(dot.stdout.starts_with("digraph"), "{}", dot.stdout);
    assert!(
        dot.stdout.contains("Neurologische uitval"),
        "uses the Dutch labels"
    );

    let mermaid = run(&["compile", "clean.leidraad", "--emit", "mermaid"]);
    assert_status(&mermaid, 0, "compile --emit mermaid");
    assert!(mermaid.stdout.contains("Neurologische uitval"));

    let rules = run(&["compile", "clean.leidraad", "--emit", "rules"]);
    assert_status(&rules, 0, "compile --emit rules");
    for rule in ["rule acute", "rule central", "rule infection"] {
        assert!(rules.stdout.contains(rule), "{}", rules.stdout);
    }
}

#[test]
fn compile_of_a_guideline_with_errors_fails() {
    let run = run(&["compile", "errors.leidraad"]);
    assert_ne!(run.status, Some(0));
    assert!(run.stderr.contains("fevr"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

// --- standard error ---------------------------------------------------------

/// Commands that write to standard error: the summary of `check`, the
/// errors of a guideline `eval` refuses, the per-file line of `test`, and
/// a usage error reported by `main`.
const WRITES_TO_STDERR: &[&[&str]] = &[
    &["check", "clean.leidraad"],
    &["check", "errors.leidraad"],
    &["eval", "errors.leidraad", "--facts", "acute.json"],
    &["test", "failing-case.leidraad"],
    &["check", "no-such-file.leidraad"],
];

#[test]
fn unwritable_stderr_is_an_io_problem_not_a_panic() {
    // Defect 5 of issue 7: `eprintln!` panicked (exit 101) on `2>/dev/full`.
    for args in WRITES_TO_STDERR {
        let full = std::fs::File::create("/dev/full").expect("/dev/full opens");
        let output = leidraad(args)
            .stdout(Stdio::null())
            .stderr(full)
            .status()
            .expect("leidraad runs");
        assert_eq!(
            output.code(),
            Some(2),
            "`leidraad {}` with standard error on /dev/full",
            args.join(" ")
        );
    }
}

#[test]
fn closed_stderr_pipe_keeps_the_exit_status() {
    // The reader of standard error has gone away: the messages are dropped
    // and the command ends as it would have.
    for (args, status) in WRITES_TO_STDERR.iter().zip([0, 1, 2, 1, 2]) {
        let mut child = leidraad(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("leidraad starts");
        drop(child.stderr.take());
        let ended = child.wait().expect("leidraad ends");
        assert_eq!(
            ended.code(),
            Some(status),
            "`leidraad {}` with standard error closed",
            args.join(" ")
        );
    }
}

/// Six rules ordering and six avoiding one exam for the same patients: 36
/// conflicts, more than a person is shown of one code.
fn many_conflicts() -> String {
    let mut text = String::from(
        "guideline veel \"Veel conflicten\"\n\ninput fever : yes/no \"Koorts\"\n\nexam X \"X\"\n",
    );
    for i in 0..6 {
        text.push_str(&format!(
            "\nrule order_{i} \"Order {i}\"\n  when fever\n  then order X\n"
        ));
        text.push_str(&format!(
            "\nrule avoid_{i} \"Avoid {i}\"\n  when fever\n  then avoid X\n"
        ));
    }
    text
}

#[test]
fn thousands_of_findings_are_counted_past_the_first_for_a_person() {
    let human = run_with_stdin(
        &["check", "-", "--color", "never"],
        many_conflicts().as_bytes(),
    );
    assert_status(&human, 1, "check many conflicts");
    assert_eq!(
        human.stdout.matches("error[L301]").count(),
        25,
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("note: 11 more L301 findings like these in - are not shown"),
        "{}",
        human.stdout
    );
    // The summary still counts every one, and JSON lists every one.
    assert!(human.stderr.contains("36 errors"), "{}", human.stderr);
    let json = run_with_stdin(
        &["check", "-", "--format", "json"],
        many_conflicts().as_bytes(),
    );
    let listed: Json = serde_json::from_str(&json.stdout).unwrap();
    let conflicts = listed["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "L301")
        .count();
    assert_eq!(conflicts, 36);
}
