//! `leidraad audit`: its counts are `eval --batch --reference`'s, counted
//! here from the same records, for one guideline and for the comparison of
//! two versions. Needs python3 with `duckdb` (see `sql.rs`).

use crate::support;
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

fn have_duckdb() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 cannot import `duckdb`: `pip install duckdb` (.ci/run does)"
        );
        eprintln!("SKIPPED: python3 cannot import `duckdb` (pip install duckdb)");
    }
    ok
}

/// A population for `nhg-beeldvorming`, every field given.
fn population(n: usize) -> Vec<Json> {
    let mut rng = leidraad::logic::generate::SplitMix64::new(0xa0d1);
    let mut pick = |options: &[Json]| options[rng.index(options.len())].clone();
    (0..n)
        .map(|_| {
            json!({
                "complaint_duration": pick(&[json!(1), json!(4), json!(6), json!(8), json!(12), json!(16), json!(30)]),
                "saddle_anesthesia": pick(&[json!(false), json!(false), json!(false), json!(true)]),
                "micturition_disorder": pick(&[json!(false), json!(false), json!(true)]),
                "oncologic_history": pick(&[json!(false), json!(false), json!(true)]),
                "neuro_deficit": pick(&[json!("none"), json!("none"), json!("acute"), json!("subacute")]),
                "suspected": pick(&[json!([]), json!([]), json!(["malignancy"]), json!(["fracture", "infection"])]),
                "complaint_course": pick(&[json!("improving"), json!("stable"), json!("progressive")]),
                "unexplained_course": pick(&[json!(false), json!(true)]),
            })
        })
        .collect()
}

/// Per record: the status and, per entry, the kinds and urgencies (each
/// once, as the audit counts them).
fn eval_answers(
    guideline: &str,
    batch: &std::path::Path,
) -> Vec<(String, BTreeMap<String, String>)> {
    let ran = support::run(support::leidraad([
        "eval",
        guideline,
        "--batch",
        batch.to_str().unwrap(),
        "--reference",
    ]));
    ran.stdout_lossy()
        .lines()
        .map(|line| {
            let result: Json = serde_json::from_str(line).unwrap();
            if result.get("errors").is_some() {
                return ("error".to_owned(), BTreeMap::new());
            }
            let mut kinds: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
            for r in result["recommendations"].as_array().unwrap() {
                let entry = kinds
                    .entry(r["target"].as_str().unwrap().to_owned())
                    .or_default();
                let kind = r["kind"].as_str().unwrap().to_owned();
                if !entry.0.contains(&kind) {
                    entry.0.push(kind);
                }
                if let Some(u) = r.get("urgency").and_then(Json::as_str) {
                    if !entry.1.contains(&u.to_owned()) {
                        entry.1.push(u.to_owned());
                    }
                }
            }
            let order = |k: &String| ["order", "refer", "avoid"].iter().position(|o| o == k);
            let advice = kinds
                .into_iter()
                .map(|(entry, (mut k, u))| {
                    k.sort_by_key(order);
                    let mut text = k.join(", ");
                    if !u.is_empty() {
                        text.push(' ');
                        text.push_str(&u.join(", "));
                    }
                    (entry, text)
                })
                .collect();
            ("ok".to_owned(), advice)
        })
        .collect()
}

#[test]
fn audit_counts_and_changes_are_evals() {
    if !have_duckdb() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("leidraad-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let records = population(4000);
    let data = dir.join("population.jsonl");
    let lines: Vec<String> = records.iter().map(Json::to_string).collect();
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    // The old version: "langdurig" from 6 weeks instead of 12; both beside
    // a copy of the vocabulary they use.
    let guidelines = support::root().join("guidelines");
    let text = std::fs::read_to_string(guidelines.join("nhg-beeldvorming.leidraad")).unwrap();
    assert!(text.contains("complaint_duration >= 12 weeks"));
    let vocabulary = "rugpijn.vocabulary.leidraad";
    std::fs::copy(guidelines.join(vocabulary), dir.join(vocabulary)).unwrap();
    let new_path = dir.join("nhg-new.leidraad");
    std::fs::write(&new_path, &text).unwrap();
    let old_text = text.replace(
        "complaint_duration >= 12 weeks",
        "complaint_duration >= 6 weeks",
    );
    let old_path = dir.join("nhg-old.leidraad");
    std::fs::write(&old_path, &old_text).unwrap();
    let new = eval_answers(new_path.to_str().unwrap(), &data);
    let old = eval_answers(old_path.to_str().unwrap(), &data);

    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit".to_owned(),
            new_path.to_string_lossy().into_owned(),
            "--data".to_owned(),
            data.to_string_lossy().into_owned(),
            "--format".to_owned(),
            "json".to_owned(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        support::run(support::leidraad(&args))
    };
    let ran = audit(&[]);
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    let report: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
    assert_eq!(report["records"], json!(4000));
    // Per entry and advice, the audit's count is the number of records
    // eval gives that advice.
    let entries = report["versions"]["new"]["entries"].as_object().unwrap();
    for (entry, rows) in entries {
        for row in rows.as_array().unwrap() {
            let advice = row[0].as_str().unwrap();
            let expected = new
                .iter()
                .filter(|(status, by_entry)| {
                    status == "ok" && by_entry.get(entry).map_or("none", String::as_str) == advice
                })
                .count();
            assert_eq!(
                row[1].as_u64().unwrap() as usize,
                expected,
                "{entry}: {advice}"
            );
        }
    }

    let old_arg = old_path.to_string_lossy().into_owned();
    let ran = audit(&["--compare", &old_arg]);
    assert_eq!(ran.status, 1, "{}", ran.stderr_lossy());
    let report: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
    let all: BTreeSet<&String> = new.iter().chain(&old).flat_map(|(_, m)| m.keys()).collect();
    let changed = new
        .iter()
        .zip(&old)
        .filter(|(n, o)| {
            n.0 != o.0
                || (n.0 == "ok"
                    && all.iter().any(|e| {
                        n.1.get(*e).map_or("none", String::as_str)
                            != o.1.get(*e).map_or("none", String::as_str)
                    }))
        })
        .count();
    assert!(changed > 0);
    assert_eq!(
        report["compare"]["patients_changed"].as_u64().unwrap() as usize,
        changed
    );
    // Each change's count and examples.
    for change in report["compare"]["changes"].as_array().unwrap() {
        let entry = change["entry"].as_str().unwrap();
        let (from, to) = (
            change["old"].as_str().unwrap(),
            change["new"].as_str().unwrap(),
        );
        let expected = new
            .iter()
            .zip(&old)
            .filter(|(n, o)| {
                n.0 == "ok"
                    && o.0 == "ok"
                    && o.1.get(entry).map_or("none", String::as_str) == from
                    && n.1.get(entry).map_or("none", String::as_str) == to
            })
            .count();
        assert_eq!(
            change["patients"].as_u64().unwrap() as usize,
            expected,
            "{change}"
        );
        let example = &change["examples"][0];
        let row = example["leidraad_row"].as_u64().unwrap() as usize;
        assert_eq!(
            example["complaint_duration"],
            records[row - 1]["complaint_duration"]
        );
    }
    // The human and Markdown forms say the same count.
    for format in ["human", "markdown"] {
        let ran = support::run(support::leidraad([
            "audit",
            new_path.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
            "--compare",
            &old_arg,
            "--format",
            format,
        ]));
        let text = ran.stdout_lossy();
        assert!(
            text.contains(&format!("{changed} of 4,000 patients get different advice"))
                || text.contains(&format!(
                    "{} of 4,000 patients get different advice",
                    support_group(changed)
                )),
            "{format}: {text}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

fn support_group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn audit_without_the_data_says_so() {
    let ran = support::run(support::leidraad([
        "audit",
        "guidelines/wells-dvt.leidraad",
        "--data",
        "no/such/file.parquet",
    ]));
    assert_eq!(ran.status, 2);
    assert!(
        ran.stderr_lossy().contains("does not exist"),
        "{}",
        ran.stderr_lossy()
    );
}
