//! Shared vocabularies (issue 8): a guideline that `use`s a vocabulary
//! checks, evaluates, runs its cases and compiles with the vocabulary's
//! declarations; paths stay inside the guideline's folder; cycles, clashes
//! and missing files are diagnostics at the `use`, with both places. Every
//! test writes its own folder under the target's temporary directory and
//! runs the real binary there.

use crate::support::{self, Ran};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// A fresh folder `name` with the given files (paths may hold folders).
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("vocabulary")
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn leidraad_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Ran {
    let mut command = support::leidraad(args);
    command.current_dir(dir);
    support::run_with(command, stdin, std::time::Duration::from_secs(20))
}

/// The diagnostics of `check --format json`, as code, file, line, message.
fn diagnostics(ran: &Ran) -> Vec<(String, String, u64, String)> {
    let json: Json = serde_json::from_slice(&ran.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", ran.stdout_lossy());
    });
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap_or("").to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every label of the first diagnostic with `code`, as file and line.
fn places(ran: &Ran, code: &str) -> Vec<(String, u64)> {
    let json: Json = serde_json::from_slice(&ran.stdout).unwrap();
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {}", ran.stdout_lossy()));
    found["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["file"].as_str().unwrap().to_owned(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const VOCABULARY: &str = "\
vocabulary rug \"Begrippen lage rugpijn\"

input age   : number 0..120 years \"Leeftijd\"
input fever : yes/no \"Koorts\"
input never_used_here : yes/no \"Iets wat deze richtlijn niet vraagt\"
exam MRI_LWK \"MRI lumbale wervelkolom\" in imaging
exam EMG \"EMG\" in neurophysiology
assume fever implies age >= 1 years
";

const GUIDELINE: &str = "\
guideline koorts \"Koorts en rugpijn\"
use \"shared/rug.vocabulary.leidraad\"

rule fever_mri \"Koorts boven 50: MRI\"
  when fever and age > 50 years
  then order MRI_LWK

case \"Koorts, 60 jaar\"
  given fever yes, age 60 years
  expect order MRI_LWK
";

#[test]
fn a_guideline_using_a_vocabulary_checks_evaluates_tests_and_compiles() {
    let dir = folder(
        "uses",
        &[
            ("koorts.leidraad", GUIDELINE),
            ("shared/rug.vocabulary.leidraad", VOCABULARY),
        ],
    );
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(check.status, 0, "{}", check.stdout_lossy());
    // Nothing is "never used": what the guideline does not name is not
    // part of it, and a vocabulary's declarations are there to be used.
    assert!(
        diagnostics(&check).iter().all(|d| d.0.starts_with("L3")),
        "{:?}",
        diagnostics(&check)
    );
    // The record uses the vocabulary's names; an input the guideline does
    // not take is no field of its records.
    let eval = leidraad_in(
        &dir,
        &["eval", "koorts.leidraad", "--facts", "-"],
        br#"{"fever": true, "age": 61}"#,
    );
    assert_eq!(eval.status, 0, "{}", eval.stderr_lossy());
    let out = eval.stdout_lossy();
    assert!(
        out.contains("order MRI_LWK \"MRI lumbale wervelkolom\""),
        "{out}"
    );
    assert!(out.contains("(koorts.leidraad:4)"), "{out}");
    let wider = leidraad_in(
        &dir,
        &["eval", "koorts.leidraad", "--facts", "-"],
        br#"{"fever": true, "age": 61, "never_used_here": true}"#,
    );
    assert_eq!(wider.status, 1, "{}", wider.stdout_lossy());
    // The vocabulary's assumption is the guideline's, named with its file.
    let against = leidraad_in(
        &dir,
        &[
            "eval",
            "koorts.leidraad",
            "--facts",
            "-",
            "--format",
            "json",
        ],
        br#"{"fever": true, "age": 0.5}"#,
    );
    assert_eq!(against.status, 1);
    let text = against.stdout_lossy();
    assert!(
        text.contains("the assumption on line 8 of `shared/rug.vocabulary.leidraad`"),
        "{text}"
    );
    let test = leidraad_in(&dir, &["test", "koorts.leidraad"], b"");
    assert_eq!(test.status, 0, "{}", test.stderr_lossy());
    assert!(test.stdout_lossy().contains("cases: 1 passed, 0 failed"));
    let compile = leidraad_in(&dir, &["compile", "koorts.leidraad", "--emit", "json"], b"");
    assert_eq!(compile.status, 0, "{}", compile.stderr_lossy());
    let document: Json = serde_json::from_slice(&compile.stdout).unwrap();
    let text = document.to_string();
    assert!(text.contains("MRI_LWK"), "{text}");
    assert!(!text.contains("never_used_here"), "{text}");
    assert!(!text.contains("\"EMG\""), "{text}");
    // Checked on its own, the vocabulary is clean too.
    let alone = leidraad_in(&dir, &["check", "shared/rug.vocabulary.leidraad"], b"");
    assert_eq!(alone.status, 0, "{}", alone.stdout_lossy());
}

#[test]
fn a_problem_in_the_vocabulary_points_into_the_vocabulary() {
    let broken = VOCABULARY.replace("0..120 years", "0..120 yeers");
    let dir = folder(
        "broken",
        &[
            ("koorts.leidraad", GUIDELINE),
            ("shared/rug.vocabulary.leidraad", &broken),
        ],
    );
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(check.status, 1);
    let found = diagnostics(&check);
    assert!(
        found
            .iter()
            .any(|d| d.0 == "L105" || d.0 == "L113" || d.0 == "L106")
            && found
                .iter()
                .filter(|d| d.0.starts_with("L1"))
                .all(|d| d.1 == "shared/rug.vocabulary.leidraad" && d.2 == 3),
        "{found:?}"
    );
    // Checking both together says it once.
    let both = leidraad_in(
        &dir,
        &[
            "check",
            "koorts.leidraad",
            "shared/rug.vocabulary.leidraad",
            "--format",
            "json",
        ],
        b"",
    );
    let twice = diagnostics(&both);
    let in_vocabulary = twice
        .iter()
        .filter(|d| d.1.contains("rug.vocabulary"))
        .count();
    let once = found
        .iter()
        .filter(|d| d.1.contains("rug.vocabulary"))
        .count();
    assert_eq!(in_vocabulary, once, "{twice:?}");
    // `eval` refuses, and shows the error where it is.
    let eval = leidraad_in(
        &dir,
        &["eval", "koorts.leidraad", "--facts", "-"],
        br#"{"fever": true, "age": 61}"#,
    );
    assert_eq!(eval.status, 2, "{}", eval.stderr_lossy());
    assert!(
        eval.stderr_lossy()
            .contains("shared/rug.vocabulary.leidraad:3"),
        "{}",
        eval.stderr_lossy()
    );
}

#[test]
fn a_path_outside_the_folder_is_refused() {
    let dir = folder(
        "outside/inner",
        &[(
            "koorts.leidraad",
            &GUIDELINE.replace(
                "shared/rug.vocabulary.leidraad",
                "../rug.vocabulary.leidraad",
            ),
        )],
    );
    // The file exists, one folder up: it is still not read.
    std::fs::write(dir.join("../rug.vocabulary.leidraad"), VOCABULARY).unwrap();
    for path in [
        "../rug.vocabulary.leidraad",
        "/etc/passwd",
        "https://example.org/rug.vocabulary.leidraad",
    ] {
        std::fs::write(
            dir.join("koorts.leidraad"),
            GUIDELINE.replace("shared/rug.vocabulary.leidraad", path),
        )
        .unwrap();
        let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
        assert_eq!(check.status, 1, "{path}");
        let found = diagnostics(&check);
        assert_eq!(found.len(), 1, "{path}: {found:?}");
        assert_eq!(found[0].0, "L130", "{path}");
        assert_eq!((found[0].1.as_str(), found[0].2), ("koorts.leidraad", 2));
    }
}

#[cfg(unix)]
#[test]
fn a_link_that_leads_out_of_the_folder_is_refused() {
    let dir = folder("link/inner", &[("koorts.leidraad", GUIDELINE)]);
    std::fs::write(dir.join("../rug.vocabulary.leidraad"), VOCABULARY).unwrap();
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    std::os::unix::fs::symlink(
        dir.join("../rug.vocabulary.leidraad"),
        dir.join("shared/rug.vocabulary.leidraad"),
    )
    .unwrap();
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(check.status, 1);
    let found = diagnostics(&check);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "L130");
    // A link that stays inside the folder is followed.
    std::fs::remove_file(dir.join("shared/rug.vocabulary.leidraad")).unwrap();
    std::fs::write(dir.join("real.vocabulary.leidraad"), VOCABULARY).unwrap();
    std::os::unix::fs::symlink(
        dir.join("real.vocabulary.leidraad"),
        dir.join("shared/rug.vocabulary.leidraad"),
    )
    .unwrap();
    let check = leidraad_in(&dir, &["check", "koorts.leidraad"], b"");
    assert_eq!(check.status, 0, "{}", check.stdout_lossy());
}

#[test]
fn a_cycle_is_reported_with_both_uses() {
    let a = "vocabulary a \"A\"\nuse \"b.vocabulary.leidraad\"\n\ninput age : number 0..120 years \"Leeftijd\"\n";
    let b =
        "vocabulary b \"B\"\n\nuse \"a.vocabulary.leidraad\"\ninput fever : yes/no \"Koorts\"\n";
    let guideline = GUIDELINE
        .replace("shared/rug.vocabulary.leidraad", "a.vocabulary.leidraad")
        .replace("then order MRI_LWK", "then order MRI")
        .replace("expect order MRI_LWK", "expect order MRI")
        + "exam MRI \"MRI\"\n";
    let dir = folder(
        "cycle",
        &[
            ("koorts.leidraad", &guideline),
            ("a.vocabulary.leidraad", a),
            ("b.vocabulary.leidraad", b),
        ],
    );
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(check.status, 1);
    let found = diagnostics(&check);
    let cycles: Vec<_> = found.iter().filter(|d| d.0 == "L132").collect();
    assert_eq!(cycles.len(), 1, "{found:?}");
    assert_eq!(
        places(&check, "L132"),
        [
            ("b.vocabulary.leidraad".to_owned(), 3),
            ("a.vocabulary.leidraad".to_owned(), 2)
        ]
    );
    // Both vocabularies' names still count: nothing else is wrong.
    assert_eq!(found.len(), 1, "{found:?}");
    // A file that uses itself.
    std::fs::write(
        dir.join("a.vocabulary.leidraad"),
        a.replace("b.vocabulary", "a.vocabulary"),
    )
    .unwrap();
    let check = leidraad_in(
        &dir,
        &["check", "a.vocabulary.leidraad", "--format", "json"],
        b"",
    );
    assert_eq!(check.status, 1);
    assert_eq!(
        places(&check, "L132"),
        [("a.vocabulary.leidraad".to_owned(), 2)]
    );
}

#[test]
fn a_clashing_declaration_is_reported_with_both_places() {
    let guideline = GUIDELINE.replace(
        "\nrule",
        "\ninput age : number 0..18 years \"Leeftijd\"\n\nrule",
    );
    let dir = folder(
        "clash",
        &[
            ("koorts.leidraad", &guideline),
            ("shared/rug.vocabulary.leidraad", VOCABULARY),
        ],
    );
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(check.status, 1);
    assert_eq!(
        places(&check, "L133"),
        [
            ("koorts.leidraad".to_owned(), 4),
            ("shared/rug.vocabulary.leidraad".to_owned(), 3)
        ]
    );
    // Two vocabularies that declare one name differently clash too.
    let other = "vocabulary ander \"Ander\"\ninput fever : one of yes_high, low \"Koorts\"\n";
    let guideline = GUIDELINE.replace(
        "use \"shared/rug.vocabulary.leidraad\"",
        "use \"shared/rug.vocabulary.leidraad\"\nuse \"ander.vocabulary.leidraad\"",
    );
    let dir = folder(
        "clash-two",
        &[
            ("koorts.leidraad", &guideline),
            ("shared/rug.vocabulary.leidraad", VOCABULARY),
            ("ander.vocabulary.leidraad", other),
        ],
    );
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(check.status, 1);
    assert_eq!(
        places(&check, "L133"),
        [
            ("ander.vocabulary.leidraad".to_owned(), 2),
            ("shared/rug.vocabulary.leidraad".to_owned(), 4)
        ]
    );
}

#[test]
fn a_missing_file_is_a_diagnostic_at_the_use_with_exit_1() {
    let dir = folder("missing", &[("koorts.leidraad", GUIDELINE)]);
    for command in ["check", "test"] {
        let check = leidraad_in(&dir, &[command, "koorts.leidraad"], b"");
        assert_eq!(check.status, 1, "{command}");
        let out = check.stdout_lossy();
        assert!(out.contains("error[L131]"), "{command}: {out}");
        assert!(out.contains("koorts.leidraad:2:5"), "{command}: {out}");
        // The names it would declare are not reported as unknown as well.
        assert!(!out.contains("L101"), "{command}: {out}");
    }
    let check = leidraad_in(&dir, &["check", "koorts.leidraad", "--format", "json"], b"");
    assert_eq!(diagnostics(&check).len(), 1, "{}", check.stdout_lossy());
    // `eval` and `compile` cannot run on a guideline with errors: 2, and
    // they show the error at the `use`.
    let eval = leidraad_in(
        &dir,
        &["eval", "koorts.leidraad", "--facts", "-"],
        br#"{"fever": true}"#,
    );
    assert_eq!(eval.status, 2);
    assert!(
        eval.stderr_lossy().contains("error[L131]"),
        "{}",
        eval.stderr_lossy()
    );
}

#[test]
fn the_bundled_guidelines_share_one_vocabulary() {
    let root = support::root().join("guidelines");
    let vocabulary = std::fs::read_to_string(root.join("rugpijn.vocabulary.leidraad")).unwrap();
    for name in ["lage-rugpijn.leidraad", "nhg-beeldvorming.leidraad"] {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        assert!(
            text.contains("\nuse \"rugpijn.vocabulary.leidraad\"\n"),
            "{name}"
        );
        // No copies left: nothing the vocabulary declares is declared again.
        let check = leidraad_in(
            support::root(),
            &["check", &format!("guidelines/{name}"), "--format", "json"],
            b"",
        );
        assert_eq!(check.status, 0, "{name}: {}", check.stdout_lossy());
        assert!(diagnostics(&check).iter().all(|d| d.0 != "L134"), "{name}");
    }
    // The source citations stay with the declarations.
    assert!(vocabulary.contains("# bron: 000"), "{vocabulary}");
    assert!(vocabulary.starts_with("# "));
}

#[test]
fn a_reason_quoted_from_a_vocabulary_says_where_it_is_written() {
    // The words of a definition made in the vocabulary are not in the
    // guideline: the reason names the file and line; a reason written in
    // the guideline itself does not.
    let vocabulary = "\
vocabulary rug \"Begrippen\"
input age   : number 0..120 years \"Leeftijd\"
input fever : yes/no \"Koorts\"
define old_and_feverish \"Oud en koorts\" = fever and age > 50 years
exam MRI_LWK \"MRI lumbale wervelkolom\"
";
    let guideline = "\
guideline koorts \"Koorts\"
use \"shared/rug.vocabulary.leidraad\"
rule r \"Oud en koorts: MRI\"
  when old_and_feverish and age < 100 years
  then order MRI_LWK
";
    let dir = folder(
        "reasons",
        &[
            ("koorts.leidraad", guideline),
            ("shared/rug.vocabulary.leidraad", vocabulary),
            ("records.jsonl", "{\"age\": 60, \"fever\": true}\n"),
        ],
    );
    let record = br#"{"age": 60, "fever": true}"#;
    let expected = [
        "old_and_feverish",
        "age < 100 years",
        "fever (shared/rug.vocabulary.leidraad:4)",
        "age > 50 years (shared/rug.vocabulary.leidraad:4)",
    ];
    let text = leidraad_in(&dir, &["eval", "koorts.leidraad", "--facts", "-"], record);
    assert_eq!(text.status, 0, "{}", text.stderr_lossy());
    let because = text
        .stdout_lossy()
        .lines()
        .find_map(|l| l.trim().strip_prefix("because: ").map(str::to_owned))
        .unwrap();
    // The text names each reason by its label (the words of the
    // vocabulary's labels, wherever they are written).
    let listed: Vec<&str> = because.split("; ").collect();
    assert_eq!(
        listed,
        [
            "Oud en koorts",
            "Koorts: yes",
            "Leeftijd > 50 years",
            "Leeftijd < 100 years"
        ],
        "{because}"
    );
    let mut wanted = expected.to_vec();
    wanted.sort_unstable();
    // JSON and every line of a batch say the same, in the same order.
    let json = leidraad_in(
        &dir,
        &[
            "eval",
            "koorts.leidraad",
            "--facts",
            "-",
            "--format",
            "json",
        ],
        record,
    );
    let batch = leidraad_in(
        &dir,
        &["eval", "koorts.leidraad", "--batch", "records.jsonl"],
        b"",
    );
    let from_json: Json = serde_json::from_str(&json.stdout_lossy()).unwrap();
    let from_batch: Json =
        serde_json::from_str(batch.stdout_lossy().lines().next().unwrap()).unwrap();
    let reasons = |j: &Json| j["recommendations"][0]["because"].clone();
    assert_eq!(reasons(&from_json), reasons(&from_batch));
    let mut in_json: Vec<String> = reasons(&from_json)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    in_json.sort_unstable();
    assert_eq!(in_json, wanted);
}
