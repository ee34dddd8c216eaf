//! Hostile input: empty and binary files, a 10 MB rule file, conditions
//! nested 100,000 deep, very long lines, and malformed patient records.
//! Each must get a clear error and a non-zero exit status, or a correct
//! answer; never a panic, a stack overflow or a hang. The binary runs as a
//! subprocess, so a crash shows as a signal or exit status 101, and every
//! run has a time limit. Big inputs are generated at test time in a
//! temporary directory.

use crate::support::{self, clip};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "leidraad-robustness-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `leidraad ARGS --color never` in `dir` with `stdin` through
/// [`support::run_with`] (which fails the test on a timeout, a signal or a
/// panic), and fails it too for a status that is not 0, 1 or 2.
fn leidraad(dir: &Path, args: &[&str], stdin: &[u8], limit: Duration) -> Outcome {
    let mut command = support::leidraad(args);
    command.args(["--color", "never"]).current_dir(dir);
    let ran = support::run_with(command, stdin, limit);
    let (stdout, stderr) = (ran.stdout_lossy(), ran.stderr_lossy());
    let code = ran.status;
    assert!(
        (0..=2).contains(&code),
        "`{}` ended with status {code}:\n{}",
        ran.what,
        clip(&stderr)
    );
    Outcome {
        code,
        stdout,
        stderr,
    }
}

const QUICK: Duration = Duration::from_secs(60);
/// For the 10 MB files, on a shared two-core machine.
const SLOW: Duration = Duration::from_secs(300);

fn check(dir: &Path, file: &str) -> Outcome {
    leidraad(dir, &["check", file], b"", QUICK)
}

fn assert_fails_with(outcome: &Outcome, code: &str, what: &str) {
    assert_eq!(
        outcome.code,
        1,
        "{what}: expected exit status 1\n{}\n{}",
        clip(&outcome.stdout),
        clip(&outcome.stderr)
    );
    assert!(
        outcome.stdout.contains(&format!("[{code}]")),
        "{what}: expected {code}\n{}",
        clip(&outcome.stdout)
    );
}

/// A small clean guideline; `fever` leads to an MRI.
const SMALL: &str = "guideline small \"Klein\"\n\
input fever : yes/no \"Koorts\"\n\
input age : number 0..120 years \"Leeftijd\"\n\
input neuro_deficit : one of none, acute \"Neurologische uitval\"\n\
input suspected : any of infection, malignancy \"Klinisch vermoeden\"\n\
exam MRI_LWK \"MRI lumbale wervelkolom\"\n\
exam lab \"Labo\"\n\
rule fever_mri \"Koorts: MRI\"\n  when fever and neuro_deficit == none\n  then order MRI_LWK urgent\n\
rule acute_mri \"Acute uitval: MRI\"\n  when neuro_deficit == acute\n  then order MRI_LWK urgent\n\
rule lab \"Labo\"\n  when suspected has infection or age > 70 years\n  then order lab\n";

/// A deterministic stream of pseudo-random bytes.
fn noise(length: usize, mut seed: u64) -> Vec<u8> {
    (0..length)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

// --- rule files ---------------------------------------------------------------

#[test]
fn an_empty_file_says_it_holds_no_guideline() {
    let dir = Scratch::new("empty");
    dir.write("empty.leidraad", "");
    dir.write("blank.leidraad", "\n\n   \t\r\n");
    dir.write("record.json", "{}");
    for file in ["empty.leidraad", "blank.leidraad"] {
        let outcome = check(&dir.0, file);
        assert_fails_with(&outcome, "L003", file);
        assert!(outcome.stdout.contains("holds no guideline"));
        for args in [
            vec!["eval", file, "--facts", "record.json"],
            vec!["test", file],
            vec!["compile", file],
        ] {
            let outcome = leidraad(&dir.0, &args, b"", QUICK);
            assert_ne!(outcome.code, 0, "{args:?} on an empty file");
        }
    }
}

#[test]
fn a_binary_file_is_not_text() {
    let dir = Scratch::new("binary");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(64 * 1024, 7));
    dir.write("image.leidraad", &png);
    let mut half = SMALL.as_bytes().to_vec();
    half.extend(noise(4096, 11));
    dir.write("half.leidraad", &half);
    // Text saved as Latin-1: `ö` is the single byte 0xF6.
    dir.write(
        "latin1.leidraad",
        b"guideline g \"G\"\ninput coordination : yes/no \"Co\xf6rdinatiestoornis\"\n",
    );
    dir.write("record.json", "{\"fever\": true}");
    for file in ["image.leidraad", "half.leidraad", "latin1.leidraad"] {
        let outcome = check(&dir.0, file);
        assert_fails_with(&outcome, "L006", file);
        assert!(outcome.stdout.contains("is not a text file"), "{file}");
        if file == "image.leidraad" {
            // Nothing before the first bad byte: the not-text error is the
            // only one, not followed by "the file holds no guideline".
            assert_eq!(
                outcome.stdout.matches("error[").count(),
                1,
                "{}",
                clip(&outcome.stdout)
            );
        }
        for args in [
            vec!["eval", file, "--facts", "record.json"],
            vec!["test", file],
            vec!["compile", file],
        ] {
            let outcome = leidraad(&dir.0, &args, b"", QUICK);
            assert_ne!(outcome.code, 0, "{args:?} on a binary file");
        }
    }
}

/// About 10 MB of rules over eight number inputs: 126,000 rules whose
/// thresholds cut each input into about 2,000 value classes.
fn ten_mb_of_rules() -> String {
    let mut text = String::from("guideline big \"Groot\"\n");
    for i in 0..8 {
        writeln!(text, "input i{i} : number 0..1000 \"Invoer {i}\"").unwrap();
    }
    text.push_str("exam X \"X\"\nexam Y \"Y\"\n");
    text.push_str("rule y \"Y\"\n  when i0 == 1000\n  then order Y routine\n\n");
    let mut k = 0;
    while text.len() < 10_000_000 {
        writeln!(
            text,
            "rule r{k} \"Regel {k}\"\n  when i{} > {} and i{} < {}\n  then order X routine\n",
            k % 8,
            k % 997,
            (k + 1) % 8,
            1000 - k % 991
        )
        .unwrap();
        k += 1;
    }
    text
}

#[test]
fn a_10_mb_rule_file_is_read_and_checked() {
    let dir = Scratch::new("ten-mb");
    dir.write("big.leidraad", ten_mb_of_rules());
    let outcome = leidraad(
        &dir.0,
        &["check", "big.leidraad", "--no-analyses"],
        b"",
        SLOW,
    );
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stdout));
    assert!(
        outcome.stderr.contains("checked 1 file: no problems found"),
        "{}",
        clip(&outcome.stderr)
    );
}

#[test]
fn a_10_mb_rule_file_is_analysed_or_the_limit_says_so() {
    let dir = Scratch::new("ten-mb-analyses");
    dir.write("big.leidraad", ten_mb_of_rules());
    let outcome = leidraad(&dir.0, &["check", "big.leidraad"], b"", SLOW);
    assert!(outcome.code <= 1, "{}", clip(&outcome.stderr));
    // Too many rules to analyse in reasonable time: said, never silent.
    assert!(
        outcome.stdout.contains("L306") && outcome.stdout.contains("the analyses did not run"),
        "{}",
        clip(&outcome.stdout)
    );
}

#[test]
fn a_10_mb_file_of_comments_and_long_labels_gives_the_right_answer() {
    let dir = Scratch::new("ten-mb-text");
    let mut text = String::new();
    while text.len() < 9_500_000 {
        text.push_str("# Een lange toelichting bij de richtlijn, met ë, é en ö, herhaald.\n");
    }
    text.push_str(SMALL);
    writeln!(
        text,
        "define note \"{}\" = fever",
        "lange omschrijving ".repeat(50_000)
    )
    .unwrap();
    text.push_str(
        "rule noted \"Toelichting\"\n  when note and age > 100 years\n  then order lab\n",
    );
    assert!(text.len() > 10_000_000);
    dir.write("commented.leidraad", &text);
    let outcome = leidraad(&dir.0, &["check", "commented.leidraad"], b"", SLOW);
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stdout));
    let outcome = leidraad(
        &dir.0,
        &[
            "eval",
            "commented.leidraad",
            "--facts",
            "-",
            "--format",
            "json",
        ],
        br#"{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": []}"#,
        SLOW,
    );
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stderr));
    let value: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let targets: Vec<&str> = value["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, vec!["MRI_LWK"]);
}

/// Rule files with something nested 100,000 deep, each in another place.
fn deeply_nested_files() -> Vec<(&'static str, String)> {
    let n = 100_000;
    let open = "(".repeat(n);
    let close = ")".repeat(n);
    let nots = "not ".repeat(n);
    let head = "guideline deep \"Diep\"\n\
                input fever : yes/no \"Koorts\"\n\
                input mri_possible : yes/no default yes \"MRI mogelijk\"\n\
                exam X \"X\" in imaging\nexam Y \"Y\"\n";
    let rule = |when: &str| format!("rule r \"R\"\n  when {when}\n  then order X\n");
    vec![
        (
            "parentheses",
            format!("{head}{}", rule(&format!("{open}fever{close}"))),
        ),
        ("nots", format!("{head}{}", rule(&format!("{nots}fever")))),
        (
            "unclosed",
            format!("{head}{}", rule(&format!("{open}fever"))),
        ),
        (
            "define",
            format!("{head}define d = {open}fever{close}\n{}", rule("d")),
        ),
        (
            "assume",
            format!("{head}assume {nots}fever\n{}", rule("fever")),
        ),
        (
            "asked-when",
            format!(
                "{head}input late : yes/no \"Laat\"\n    asked when {open}fever{close}\n{}",
                rule("fever and late")
            ),
        ),
        (
            "alternative",
            format!(
                "{head}rule r \"R\"\n  when fever\n  then order X\n         alternative Y when {open}not mri_possible{close}\n"
            ),
        ),
        (
            "require",
            format!(
                "{head}{}require \"R\"\n  when fever\n  then {open}some order in imaging{close}\n",
                rule("fever")
            ),
        ),
        (
            "case",
            format!(
                "{head}{}case \"C\"\n  given fever yes\n  expect {nots}nothing\n",
                rule("fever")
            ),
        ),
        (
            "parentheses-and-nots",
            format!(
                "{head}{}",
                rule(&format!(
                    "{}fever{}",
                    "(not ".repeat(n / 2),
                    ")".repeat(n / 2)
                ))
            ),
        ),
    ]
}

#[test]
fn conditions_nested_100000_deep_are_refused() {
    let dir = Scratch::new("nested");
    dir.write("record.json", "{\"fever\": true}");
    for (name, text) in deeply_nested_files() {
        let file = format!("{name}.leidraad");
        dir.write(&file, &text);
        let outcome = check(&dir.0, &file);
        assert_fails_with(&outcome, "L005", &file);
        assert!(
            outcome.stdout.contains("nested more than"),
            "{file}: {}",
            clip(&outcome.stdout)
        );
        for args in [
            vec!["eval", file.as_str(), "--facts", "record.json"],
            vec!["test", file.as_str()],
        ] {
            let outcome = leidraad(&dir.0, &args, b"", QUICK);
            assert_ne!(outcome.code, 0, "{args:?}");
        }
    }
}

#[test]
fn closing_parentheses_without_opening_ones_are_a_syntax_error() {
    let dir = Scratch::new("closing");
    let text = format!(
        "{SMALL}rule r \"R\"\n  when fever{}\n  then order lab\n",
        ")".repeat(100_000)
    );
    dir.write("closing.leidraad", &text);
    let outcome = check(&dir.0, "closing.leidraad");
    assert_fails_with(&outcome, "L001", "100,000 closing parentheses");
}

#[test]
fn a_chain_of_100000_definitions_is_refused() {
    let dir = Scratch::new("chain");
    let mut text = String::from(
        "guideline chain \"Keten\"\ninput fever : yes/no \"Koorts\"\nexam X \"X\"\n\
         rule r \"R\"\n  when d0\n  then order X\n",
    );
    let n = 100_000;
    for i in 0..n {
        writeln!(text, "define d{i} = d{}", i + 1).unwrap();
    }
    writeln!(text, "define d{n} = fever").unwrap();
    dir.write("chain.leidraad", &text);
    let outcome = check(&dir.0, "chain.leidraad");
    assert_fails_with(&outcome, "L005", "a chain of definitions");
}

#[test]
fn a_condition_of_100000_alternatives_is_evaluated() {
    let dir = Scratch::new("wide");
    let n = 100_000;
    let text = format!(
        "guideline wide \"Breed\"\ninput fever : yes/no \"Koorts\"\nexam X \"X\"\n\
         rule r \"R\"\n  when {}\n  then order X\n",
        vec!["fever"; n].join(" or ")
    );
    dir.write("wide.leidraad", &text);
    let outcome = check(&dir.0, "wide.leidraad");
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stdout));
    for (fever, expected) in [("true", vec!["X"]), ("false", vec![])] {
        let record = format!("{{\"fever\": {fever}}}");
        let outcome = leidraad(
            &dir.0,
            &["eval", "wide.leidraad", "--facts", "-", "--format", "json"],
            record.as_bytes(),
            QUICK,
        );
        assert_eq!(outcome.code, 0, "{}", clip(&outcome.stderr));
        let value: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        let targets: Vec<&str> = value["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["target"].as_str().unwrap())
            .collect();
        assert_eq!(targets, expected, "fever {fever}");
    }
}

#[test]
fn very_long_lines_are_read() {
    let dir = Scratch::new("long-lines");
    // A 2 MB label and a 1 MB name: a correct answer.
    let name = "f".repeat(1_000_000);
    let text = format!(
        "guideline long \"{}\"\ninput {name} : yes/no \"Koorts\"\nexam X \"X\"\n\
         rule r \"R\"\n  when {name}\n  then order X\n",
        "Lange titel ".repeat(170_000)
    );
    dir.write("long.leidraad", &text);
    let outcome = check(&dir.0, "long.leidraad");
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stdout));
    let record = format!("{{\"{name}\": true}}");
    let outcome = leidraad(
        &dir.0,
        &["eval", "long.leidraad", "--facts", "-", "--format", "json"],
        record.as_bytes(),
        QUICK,
    );
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stderr));
    assert!(
        outcome.stdout.contains("\"target\": \"X\""),
        "{}",
        clip(&outcome.stdout)
    );

    // 5 MB of one word without a newline: a clear error.
    dir.write("word.leidraad", "x".repeat(5_000_000));
    let outcome = check(&dir.0, "word.leidraad");
    assert_fails_with(&outcome, "L002", "one very long word");

    // A statement broken at the end of a 2 MB line.
    let text = format!(
        "{SMALL}rule late \"Laat\"\n  when {} fever ==\n  then order lab\n",
        "fever and ".repeat(200_000)
    );
    dir.write("broken.leidraad", &text);
    let outcome = check(&dir.0, "broken.leidraad");
    assert_fails_with(&outcome, "L001", "a broken 2 MB line");
}

// --- patient records -----------------------------------------------------------

/// The small guideline and a record given on standard input.
fn eval_record(record: &[u8]) -> Outcome {
    let dir = Scratch::new("record");
    dir.write("small.leidraad", SMALL);
    leidraad(
        &dir.0,
        &["eval", "small.leidraad", "--facts", "-"],
        record,
        QUICK,
    )
}

/// A record that must be refused: a non-zero status, nothing recommended,
/// and a message that contains `names` (the field, or what is wrong).
fn assert_refused(record: &[u8], names: &str) {
    let outcome = eval_record(record);
    let shown = String::from_utf8_lossy(&record[..record.len().min(200)]).into_owned();
    assert_ne!(
        outcome.code,
        0,
        "accepted: {shown}\n{}",
        clip(&outcome.stdout)
    );
    assert!(
        !outcome.stdout.contains("order"),
        "recommended something for {shown}: {}",
        clip(&outcome.stdout)
    );
    assert!(
        outcome.stderr.contains(names),
        "the message for {shown} does not mention {names}:\n{}",
        clip(&outcome.stderr)
    );
}

const GOOD: &str = r#""fever": true, "age": 40, "neuro_deficit": "none", "suspected": []"#;

#[test]
fn a_good_record_is_evaluated() {
    let outcome = eval_record(format!("{{{GOOD}}}").as_bytes());
    assert_eq!(outcome.code, 0, "{}", clip(&outcome.stderr));
    assert!(
        outcome.stdout.contains("order MRI_LWK"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn a_value_of_the_wrong_type_is_refused_and_named() {
    for (record, field) in [
        (
            r#"{"fever": "ja", "age": 40, "neuro_deficit": "none", "suspected": []}"#,
            "`fever`",
        ),
        (
            r#"{"fever": 1, "age": 40, "neuro_deficit": "none", "suspected": []}"#,
            "`fever`",
        ),
        (
            r#"{"fever": true, "age": "veertig", "neuro_deficit": "none", "suspected": []}"#,
            "`age`",
        ),
        (
            r#"{"fever": true, "age": true, "neuro_deficit": "none", "suspected": []}"#,
            "`age`",
        ),
        (
            r#"{"fever": true, "age": 40, "neuro_deficit": 3, "suspected": []}"#,
            "`neuro_deficit`",
        ),
        (
            r#"{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": "infection"}"#,
            "`suspected`",
        ),
        (
            r#"{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": [1]}"#,
            "`suspected`",
        ),
        (
            r#"{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": {"a": 1}}"#,
            "`suspected`",
        ),
        (
            r#"{"fever": true, "age": "40 kg", "neuro_deficit": "none", "suspected": []}"#,
            "`age`",
        ),
        (
            r#"{"fever": true, "age": -1, "neuro_deficit": "none", "suspected": []}"#,
            "`age`",
        ),
    ] {
        assert_refused(record.as_bytes(), field);
    }
}

#[test]
fn an_unknown_value_is_refused_and_named() {
    assert_refused(
        br#"{"fever": true, "age": 40, "neuro_deficit": "acuut", "suspected": []}"#,
        "`neuro_deficit`",
    );
    assert_refused(
        br#"{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": ["infectie"]}"#,
        "`suspected`",
    );
    assert_refused(
        br#"{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": ["infection", "infection"]}"#,
        "listed twice",
    );
}

#[test]
fn an_unknown_field_refuses_the_record_and_is_named() {
    // Issue 8: a field that is not an input may be a misspelled one (an
    // exclusion of the guideline read as absent): no advice is given.
    let outcome = eval_record(format!("{{{GOOD}, \"koorts\": true}}").as_bytes());
    assert_eq!(outcome.code, 1, "{}", clip(&outcome.stderr));
    assert!(!outcome.stdout.contains("order"), "{}", outcome.stdout);
    assert!(
        outcome.stderr.contains("field `koorts`: not an input"),
        "the unknown field is named:\n{}",
        outcome.stderr
    );
}

#[test]
fn huge_and_overprecise_numbers_are_refused() {
    // Issue 7, defect 3: a record's numbers are read exactly, whatever their
    // digits (`40.1234567890123`, `1e-30` are held exactly and accepted, see
    // tests/input_defects.rs); refused is what no exact number can hold.
    for age in [
        "1e400",
        "-1e400",
        "1e300",
        "123456789012345678901234567890",
        "40.12345678901234567890123456789012345678901",
        "1e-400",
    ] {
        let record =
            format!(r#"{{"fever": true, "age": {age}, "neuro_deficit": "none", "suspected": []}}"#);
        let outcome = eval_record(record.as_bytes());
        assert_ne!(outcome.code, 0, "age {age} was accepted");
        assert!(!outcome.stdout.contains("order"), "age {age}");
        assert!(
            outcome.stderr.contains("`age`") || outcome.stderr.contains("number"),
            "age {age}: {}",
            clip(&outcome.stderr)
        );
    }
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let n = 100_000;
    let deep_array = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let deep_object = format!("{}1{}", "{\"a\": ".repeat(n), "}".repeat(n));
    for record in [
        deep_array.clone(),
        deep_object,
        format!("{{{GOOD}, \"extra\": {deep_array}}}"),
        format!(
            r#"{{"fever": true, "age": 40, "neuro_deficit": "none", "suspected": {deep_array}}}"#
        ),
        // Unclosed: the parser must stop at the limit, not at the end.
        "[".repeat(n),
    ] {
        let outcome = eval_record(record.as_bytes());
        assert_ne!(outcome.code, 0);
        assert!(outcome.stderr.contains("JSON"), "{}", clip(&outcome.stderr));
    }
}

#[test]
fn a_record_that_is_not_an_object_is_refused() {
    for record in ["[1, 2]", "\"fever\"", "42", "null", "true"] {
        assert_refused(record.as_bytes(), "JSON object");
    }
}

#[test]
fn a_record_that_is_not_json_is_refused() {
    for record in [
        &b""[..],
        b"   \n",
        b"{\"fever\": true",
        b"{\"fever\": true} trailing",
        b"{fever: true}",
        b"\xff\xfe{\"fever\": true}",
        b"\x00\x01\x02",
    ] {
        let outcome = eval_record(record);
        assert_ne!(outcome.code, 0, "{record:?} was accepted");
        assert!(!outcome.stdout.contains("order"), "{record:?}");
        assert!(
            outcome.stderr.contains("JSON") || outcome.stderr.contains("UTF-8"),
            "{record:?}: {}",
            clip(&outcome.stderr)
        );
    }
}

#[test]
fn a_huge_value_is_refused_without_trouble() {
    let word = "x".repeat(5_000_000);
    let record =
        format!(r#"{{"fever": true, "age": 40, "neuro_deficit": "{word}", "suspected": []}}"#);
    assert_refused(record.as_bytes(), "`neuro_deficit`");
}

#[test]
fn a_field_given_twice_is_refused() {
    assert_refused(
        format!("{{{GOOD}, \"fever\": false}}").as_bytes(),
        "`fever`",
    );
}

#[test]
fn a_batch_with_hostile_lines_evaluates_the_good_ones() {
    let dir = Scratch::new("batch");
    dir.write("small.leidraad", SMALL);
    let n = 100_000;
    let lines = [
        format!("{{{GOOD}}}"),
        format!("{}{}", "[".repeat(n), "]".repeat(n)),
        r#"{"fever": "ja", "age": 40, "neuro_deficit": "none", "suspected": []}"#.to_owned(),
        "not json at all".to_owned(),
        r#"{"fever": true, "age": 1e400, "neuro_deficit": "none", "suspected": []}"#.to_owned(),
        "[1, 2, 3]".to_owned(),
        format!(
            r#"{{"fever": true, "age": 40, "neuro_deficit": "{}", "suspected": []}}"#,
            "y".repeat(100_000)
        ),
        r#"{"fever": false, "age": 80, "neuro_deficit": "acute", "suspected": []}"#.to_owned(),
    ];
    let mut text = lines.join("\n");
    text.push('\n');
    dir.write("records.jsonl", &text);
    let outcome = leidraad(
        &dir.0,
        &["eval", "small.leidraad", "--batch", "records.jsonl"],
        b"",
        QUICK,
    );
    assert_eq!(outcome.code, 1, "{}", clip(&outcome.stderr));
    let results: Vec<serde_json::Value> = outcome
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each result is one JSON line"))
        .collect();
    assert_eq!(results.len(), lines.len(), "{}", clip(&outcome.stdout));
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["line"], index + 1, "{result}");
        let good = index == 0 || index == lines.len() - 1;
        assert_eq!(
            result.get("errors").is_some(),
            !good,
            "line {}: {}",
            index + 1,
            clip(&result.to_string())
        );
    }
    assert_eq!(results[2]["errors"][0]["field"], "fever");
    let last: Vec<&str> = results[lines.len() - 1]["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(last, vec!["MRI_LWK", "lab"]);
}
