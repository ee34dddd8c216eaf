//! Issue 7, defects 3, 4 (renderers), 6 and 8: what a user gives the CLI
//! (numbers in records, control characters, huge batches, huge values)
//! is read exactly, shown safely and streamed. Each test fails without its
//! fix.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Stdio;

use super::support::{self, root};

fn guideline() -> PathBuf {
    root().join("guidelines/lage-rugpijn.leidraad")
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `leidraad` with `input` on standard input (through the one
/// runner, which also fails the test on a panic or a hang). `eval` speaks
/// English here (`--lang en`): the guideline is Dutch, and these tests
/// check the English messages (tests/it/words.rs checks the Dutch ones).
fn run(args: &[&str], input: &[u8]) -> Run {
    let mut command = support::leidraad(args);
    if args.first() == Some(&"eval") {
        command.args(["--lang", "en"]);
    }
    let ran = support::run_with(command, input, support::LIMIT);
    Run {
        status: Some(ran.status),
        stdout: ran.stdout_lossy(),
        stderr: ran.stderr_lossy(),
    }
}

/// The README's example patient with `complaint_duration` written as
/// `duration` (raw JSON text).
fn record_with_duration(duration: &str) -> String {
    format!(
        r#"{{"age": 45, "complaint_duration": {duration}, "neuro_deficit": "acute",
        "trauma": "none", "suspected": [], "mri_possible": false}}"#
    )
}

fn eval_json(record: &str) -> Run {
    let g = guideline();
    run(
        &[
            "eval",
            g.to_str().unwrap(),
            "--facts",
            "-",
            "--format",
            "json",
        ],
        record.as_bytes(),
    )
}

fn avoids_emg(run: &Run) -> bool {
    let result: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    result["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "no_early_emg")
}

fn field_message(run: &Run) -> String {
    let result: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    result["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

// ---- Defect 3: record numbers are read exactly ---------------------------

#[test]
fn a_number_just_below_a_threshold_stays_below_it() {
    // Through f64, 2.99999999999999999 is exactly 3 and "avoid EMG"
    // (`< 3 weeks`) disappeared with exit 0.
    let below = eval_json(&record_with_duration("2.99999999999999999"));
    assert_eq!(below.status, Some(0), "{}", below.stderr);
    assert!(avoids_emg(&below), "{}", below.stdout);
    let at = eval_json(&record_with_duration("3"));
    assert_eq!(at.status, Some(0), "{}", at.stderr);
    assert!(!avoids_emg(&at), "{}", at.stdout);
}

#[test]
fn numbers_with_many_decimals_or_an_exponent_are_read() {
    // 2.9999999 was refused for seven decimals, 0.000001 as "write it
    // without an exponent"; exponents in either case are JSON numbers too.
    for written in ["2.9999999", "0.000001", "1e-5", "1E-5", "2.5e0", "0.0025E3"] {
        let run = eval_json(&record_with_duration(written));
        assert_eq!(run.status, Some(0), "{written}: {}", run.stdout);
        assert!(avoids_emg(&run), "{written}: {}", run.stdout);
    }
    let later = eval_json(&record_with_duration("2.5E1"));
    assert_eq!(later.status, Some(0), "{}", later.stdout);
    assert!(!avoids_emg(&later), "{}", later.stdout);
}

#[test]
fn a_number_that_cannot_be_held_exactly_is_refused_with_the_reason() {
    let digits = format!("1.{}1", "0".repeat(70));
    let run = eval_json(&record_with_duration(&digits));
    assert_eq!(run.status, Some(1), "{}", run.stdout);
    let message = field_message(&run);
    assert!(
        message.contains("72 significant digits") && message.contains("at most 38"),
        "{message}"
    );
    // Quoted as written, shortened to a line.
    assert!(message.contains("1.00000000"), "{message}");
    assert!(message.contains("… (73 characters)"), "{message}");

    let tiny = eval_json(&record_with_duration("1e-400"));
    assert_eq!(tiny.status, Some(1), "{}", tiny.stdout);
    let message = field_message(&tiny);
    assert!(
        message.contains("cannot use the number 1e-400") && message.contains("400 decimals"),
        "{message}"
    );
}

#[test]
fn a_huge_number_is_quoted_not_turned_into_the_largest_float() {
    // Defect 8: 1e400 was reported as 1.7976931348623157e+308.
    let run = eval_json(&record_with_duration("1e400"));
    assert_eq!(run.status, Some(1), "{}", run.stdout);
    let message = field_message(&run);
    assert!(!message.contains("1.7976931348623157"), "{message}");
    assert!(
        message.contains("1e+400 lies outside the range 0 to 1040 weeks"),
        "{message}"
    );
}

// ---- Defect 4: no control character of the user's reaches the terminal ---

/// Whether `text` holds a control character other than tab and line feed,
/// after taking away the colour codes (`ESC [ ... m`) the renderer writes.
fn has_raw_controls(text: &str) -> bool {
    let mut rest = text;
    let mut plain = String::new();
    while let Some(at) = rest.find('\u{1b}') {
        plain.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after
            .strip_prefix('[')
            .and_then(|a| a.find('m').map(|m| (a, m)))
            .filter(|(a, m)| a[..*m].bytes().all(|b| b.is_ascii_digit() || b == b';'))
        {
            Some((a, m)) => rest = &a[m + 1..],
            None => return true,
        }
    }
    plain.push_str(rest);
    plain
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

#[test]
fn a_comment_quoted_in_a_snippet_is_shown_escaped() {
    let file = root().join("tests/fixtures/input/escape-comment.leidraad");
    let file = file.to_str().unwrap();
    for extra in [&[][..], &["--color", "always"], &["--format", "github"]] {
        let mut args = vec!["check", file];
        args.extend_from_slice(extra);
        let run = run(&args, b"");
        assert_eq!(run.status, Some(0), "{extra:?}: {}", run.stderr);
        assert!(
            !has_raw_controls(&run.stdout),
            "{extra:?}: {:?}",
            run.stdout
        );
        if extra.first() != Some(&"--format") {
            assert!(
                run.stdout
                    .contains("# \\u{1b}]0;owned\\u{7} \\u{1b}]52;c;ZXZpbA==\\u{7}"),
                "{extra:?}: {}",
                run.stdout
            );
        }
    }
}

#[test]
fn record_keys_and_values_are_shown_escaped() {
    let g = guideline();
    let record = "{\"age\": 45, \"complaint_duration\": 2, \"neuro_deficit\": \"acute\", \
        \"trauma\": \"none\", \"suspected\": [], \"mri_possible\": false, \
        \"x\\u001b]0;owned\\u0007\": 1}";
    // The unknown field refuses the record (issue 8); its name is escaped.
    let run_ok = run(
        &["eval", g.to_str().unwrap(), "--facts", "-"],
        record.as_bytes(),
    );
    assert_eq!(run_ok.status, Some(1), "{}", run_ok.stderr);
    assert!(!has_raw_controls(&run_ok.stderr), "{:?}", run_ok.stderr);
    assert!(
        run_ok
            .stderr
            .contains("field `x\\u{1b}]0;owned\\u{7}`: not an input"),
        "{}",
        run_ok.stderr
    );
    let bad = "{\"age\": 45, \"trauma\": \"no\\u001b[2Jne\\u009b\"}";
    let run_bad = run(
        &["eval", g.to_str().unwrap(), "--facts", "-"],
        bad.as_bytes(),
    );
    assert_eq!(run_bad.status, Some(1), "{}", run_bad.stderr);
    assert!(!has_raw_controls(&run_bad.stderr), "{:?}", run_bad.stderr);
    assert!(
        run_bad
            .stderr
            .contains("\"no\\u{1b}[2Jne\\u{9b}\" is not one of"),
        "{}",
        run_bad.stderr
    );
}

// ---- Defect 6: a batch is streamed -----------------------------------------

/// The complete example record that every `RECORD_EVERY`th line of the
/// generated batch holds; the other lines are blank padding, which costs
/// the reader bytes but no evaluation, so the test stays fast.
const RECORD: &str = r#"{"age": 45, "complaint_duration": 2, "neuro_deficit": "acute", "trauma": "none", "suspected": [], "mri_possible": false}"#;
const RECORD_EVERY: usize = 2_000;
const PADDING_LINE: usize = 1_023;

#[test]
fn a_batch_larger_than_the_old_cap_is_streamed_with_flat_memory() {
    // 80 MiB through standard input, more than the 64 MiB that was read
    // whole and then refused.
    const TOTAL: usize = 80 << 20;
    let g = guideline();
    let mut child = support::leidraad(["eval", g.to_str().unwrap(), "--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("leidraad starts");
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let generator = std::thread::spawn(move || {
        let padding = format!("{}\n", " ".repeat(PADDING_LINE));
        let mut written = 0usize;
        let mut lines = 0usize;
        let mut chunk = String::new();
        while written < TOTAL {
            chunk.clear();
            for _ in 0..64 {
                lines += 1;
                if lines % RECORD_EVERY == 1 {
                    chunk.push_str(RECORD);
                    chunk.push('\n');
                } else {
                    chunk.push_str(&padding);
                }
            }
            if stdin.write_all(chunk.as_bytes()).is_err() {
                break;
            }
            written += chunk.len();
        }
        // Everything but what the pipe holds has been read by now: the
        // peak so far is the peak of reading the whole batch.
        let peak = peak_memory_kib(pid);
        drop(stdin);
        (written, lines, peak)
    });
    let output = child.wait_with_output().unwrap();
    let (written, lines, peak) = generator.join().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(written > 64 << 20, "only {written} bytes were written");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // No progress line: standard error is not a terminal.
    assert_eq!(stderr, "", "{stderr}");
    let results: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), lines.div_ceil(RECORD_EVERY));
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["line"], i * RECORD_EVERY + 1);
        assert!(result["recommendations"].is_array(), "{result}");
    }
    // Linux has /proc, so there the memory is always measured.
    assert!(peak.is_some() || !cfg!(target_os = "linux"));
    if let Some(peak) = peak {
        // Flat: far below the 64 MiB a whole-file read needs.
        assert!(peak < 48 * 1024, "peak memory {peak} KiB");
    }
}

/// The largest resident size the process has had so far (Linux only).
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[test]
fn a_batch_line_that_is_not_utf8_is_one_failed_record() {
    let g = guideline();
    let mut batch = Vec::new();
    batch.extend_from_slice(RECORD.as_bytes());
    batch.extend_from_slice(b"\n\xff\xfe{}\r\n\n");
    batch.extend_from_slice(RECORD.as_bytes());
    batch.extend_from_slice(b"\r\n");
    let run = run(&["eval", g.to_str().unwrap(), "--batch", "-"], &batch);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["errors"][0]["message"], "line 2 is not UTF-8 text");
    assert_eq!(lines[2]["line"], 4);
    assert!(lines[2]["recommendations"].is_array());
    assert!(run.stderr.contains("1 of 3 records could not be evaluated"));
}

// ---- Defect 8: small ones --------------------------------------------------

#[test]
fn a_huge_value_is_quoted_shortened() {
    // A 20 MB value was echoed whole in the error.
    let word = "x".repeat(20_000_000);
    let record = format!(r#"{{"age": 45, "neuro_deficit": "{word}"}}"#);
    let run = eval_json(&record);
    assert_eq!(run.status, Some(1), "{}", &run.stderr);
    assert!(
        run.stdout.len() < 2_000,
        "{} bytes of output",
        run.stdout.len()
    );
    let message = field_message(&run);
    assert!(
        message.starts_with(&format!(
            "\"{}… (20,000,000 characters)\" is not one of",
            "x".repeat(60)
        )),
        "{message}"
    );
}

#[test]
fn many_unknown_fields_give_one_summary() {
    // 500,000 unknown fields gave 40 MB of warnings, one per field; now
    // they refuse the record, with the first five named and the rest
    // counted.
    let unknown: String = (0..100_000).map(|i| format!(r#","u{i}": 1"#)).collect();
    let record = format!("{}{unknown}}}", RECORD.strip_suffix('}').unwrap());
    let run = eval_json(&record);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    assert!(run.stdout.len() < 2_000, "{} bytes", run.stdout.len());
    let result: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let errors = result["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 6, "{errors:?}");
    assert_eq!(errors[0]["field"], "u0", "{errors:?}");
    assert_eq!(
        errors[5]["message"],
        "and 99,995 more fields that are not inputs of this guideline"
    );
}

#[test]
fn a_partial_record_against_an_assumption_names_it_on_both_paths() {
    // The diagram path said "gives an input that is not asked" where
    // `--reference` named the assumption and its line.
    let record = br#"{"neuro_deficit": "subacute", "complaint_duration": 0.5}"#;
    let g = guideline();
    let g = g.to_str().unwrap();
    let expected = "the record contradicts the assumption on line 35: \
        `assume neuro_deficit == subacute implies complaint_duration >= 1 week`";
    for extra in [None, Some("--reference")] {
        let mut args = vec!["eval", g, "--facts", "-", "--format", "json"];
        args.extend(extra);
        let run = run(&args, record);
        assert_eq!(run.status, Some(1), "{extra:?}: {}", run.stderr);
        assert_eq!(field_message(&run), expected, "{extra:?}");
    }
}
