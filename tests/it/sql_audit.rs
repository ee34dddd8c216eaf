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

/// Per record: the status (`ok`, `missing`, `contradiction`, `invalid`,
/// as `eval --batch --reference` says it) and, per entry, the set of its
/// advice (`kind [urgency] [instead X]`, each once).
fn eval_answers(
    guideline: &str,
    batch: &std::path::Path,
) -> Vec<(String, BTreeMap<String, BTreeSet<String>>)> {
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
            let status = crate::sql::answer_of_eval(&result).status;
            let mut advice: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            if status == "ok" {
                for r in result["recommendations"].as_array().unwrap() {
                    let mut words = r["kind"].as_str().unwrap().to_owned();
                    if let Some(u) = r.get("urgency").and_then(Json::as_str) {
                        words.push_str(&format!(" {u}"));
                    }
                    if let Some(i) = r.get("instead").and_then(Json::as_str) {
                        words.push_str(&format!(" instead {i}"));
                    }
                    advice
                        .entry(r["target"].as_str().unwrap().to_owned())
                        .or_default()
                        .insert(words);
                }
            }
            (status, advice)
        })
        .collect()
}

/// A checked version of a guideline, with the vocabulary beside it.
fn checked(path: &std::path::Path) -> leidraad::check::CheckedFile {
    let text = std::fs::read_to_string(path).unwrap();
    let (sources, file, uses) = support::load_with_uses(
        path.file_name().unwrap().to_str().unwrap(),
        &text,
        path.parent().unwrap(),
    );
    let options = leidraad::check::CheckOptions {
        analyses: false,
        ..leidraad::check::CheckOptions::default()
    };
    let mut result = leidraad::check::check_using(&sources, &uses, &[file], &options);
    assert!(
        !result.diagnostics.iter().any(|d| d.is_error()),
        "{:#?}",
        result.diagnostics
    );
    result.files.remove(0)
}

#[test]
fn audit_counts_and_changes_are_evals() {
    if !have_duckdb() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("leidraad-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut records = population(4000);
    // Some records leave out an input that has no default: a version that
    // needs it cannot answer them, and they lie in no group of the diff.
    for record in records.iter_mut().step_by(40) {
        record.as_object_mut().unwrap().remove("neuro_deficit");
    }
    let data = dir.join("population.jsonl");
    let lines: Vec<String> = records.iter().map(Json::to_string).collect();
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    // The old version: "langdurig" from 6 weeks instead of 12, and the
    // cauda equina referral `urgent` instead of `same_day`; the new one
    // assumes that no patient has both saddle anaesthesia and an
    // oncological history (those are patients of the old version only).
    // Both beside a copy of the vocabulary they use.
    let guidelines = support::root().join("guidelines");
    let text = std::fs::read_to_string(guidelines.join("nhg-beeldvorming.leidraad")).unwrap();
    assert!(text.contains("complaint_duration >= 12 weeks"));
    assert!(text.contains("  then refer spine_surgeon same_day\n"));
    let vocabulary = "rugpijn.vocabulary.leidraad";
    std::fs::copy(guidelines.join(vocabulary), dir.join(vocabulary)).unwrap();
    let new_path = dir.join("nhg-new.leidraad");
    std::fs::write(
        &new_path,
        format!("{text}\nassume not (saddle_anesthesia and oncologic_history)\n"),
    )
    .unwrap();
    let old_text = text
        .replace(
            "complaint_duration >= 12 weeks",
            "complaint_duration >= 6 weeks",
        )
        .replacen(
            "  then refer spine_surgeon same_day\n",
            "  then refer spine_surgeon urgent\n",
            1,
        );
    let old_path = dir.join("nhg-old.leidraad");
    std::fs::write(&old_path, &old_text).unwrap();
    let new = eval_answers(new_path.to_str().unwrap(), &data);
    let old = eval_answers(old_path.to_str().unwrap(), &data);
    assert_eq!(new.len(), records.len());

    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit".to_owned(),
            new_path.to_string_lossy().into_owned(),
            "--data".to_owned(),
            data.to_string_lossy().into_owned(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        support::run(support::leidraad(&args))
    };
    let ran = audit(&["--format", "json"]);
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    let report: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
    assert_eq!(report["schema"], json!("leidraad-audit/2"));
    assert_eq!(report["records"], json!(4000));
    // Per status, and per entry and advice, the audit's count is the number
    // of records eval gives it.
    for pair in report["versions"]["new"]["status"].as_array().unwrap() {
        let expected = new.iter().filter(|(s, _)| s == &pair[0]).count();
        assert_eq!(pair[1].as_u64().unwrap() as usize, expected, "{pair}");
    }
    let entries = report["versions"]["new"]["entries"].as_object().unwrap();
    for (entry, rows) in entries {
        for row in rows.as_array().unwrap() {
            let advice = row[0].as_str().unwrap();
            let expected = new
                .iter()
                .filter(|(status, by_entry)| {
                    let words = by_entry.get(entry).map_or_else(
                        || "none".to_owned(),
                        |set| set.iter().cloned().collect::<Vec<_>>().join(", "),
                    );
                    status == "ok" && words == advice
                })
                .count();
            assert_eq!(
                row[1].as_u64().unwrap() as usize,
                expected,
                "{entry}: {advice}"
            );
        }
    }

    // The diff's groups, in Rust; each record placed by its classes (the
    // diff's boxes), independently of the advice the audit compares.
    let (old_file, new_file) = (checked(&old_path), checked(&new_path));
    let made = leidraad::diff::diff(
        old_file.valid().unwrap(),
        new_file.valid().unwrap(),
        &leidraad::diff::DiffOptions::default(),
    )
    .unwrap();
    assert!(
        made.groups.len() >= 3,
        "the change makes several groups: {}",
        made.groups.len()
    );
    let none = BTreeSet::new();
    let changed_record = |index: usize| {
        let (n, o) = (&new[index], &old[index]);
        n.0 != o.0
            || (n.0 == "ok"
                && n.1
                    .keys()
                    .chain(o.1.keys())
                    .any(|e| n.1.get(e).unwrap_or(&none) != o.1.get(e).unwrap_or(&none)))
    };
    let group_of_record = |record: &Json| -> Option<usize> {
        let classes = made.space().classes_of(record)?;
        let groups = made.groups_of(&classes);
        assert!(groups.len() <= 1, "{record} lies in groups {groups:?}");
        groups.first().copied()
    };
    let mut expected_groups = vec![0usize; made.groups.len()];
    let mut expected_outside = 0;
    let mut partial_in_groups: Vec<(usize, usize)> = Vec::new();
    let mut changed = 0;
    for (index, record) in records.iter().enumerate() {
        let group = group_of_record(record);
        if changed_record(index) {
            changed += 1;
            match group {
                Some(g) => expected_groups[g] += 1,
                None => {
                    // Only a record that does not answer every input lies
                    // outside the diff's boxes. One version answers it and
                    // the other finds it contradictory: it is counted with
                    // the patients of that version only (docs/sql.md).
                    assert!(
                        made.space().classes_of(record).is_none(),
                        "{record} changes but lies in no group"
                    );
                    // Answered by both: the advice is the same whatever
                    // the field holds, and names its group.
                    let eval_changes = |g: &leidraad::diff::Group| {
                        let words = |a: &[leidraad::diff::Advice]| -> BTreeSet<String> {
                            a.iter().map(leidraad::diff::Advice::words).collect()
                        };
                        let (n, o) = (&new[index].1, &old[index].1);
                        let differing: BTreeSet<&String> = n
                            .keys()
                            .chain(o.keys())
                            .filter(|e| n.get(*e).unwrap_or(&none) != o.get(*e).unwrap_or(&none))
                            .collect();
                        g.changes.len() == differing.len()
                            && g.changes.iter().all(|c| {
                                differing.contains(&c.entry)
                                    && words(&c.old) == *o.get(&c.entry).unwrap_or(&none)
                                    && words(&c.new) == *n.get(&c.entry).unwrap_or(&none)
                            })
                    };
                    if old[index].0 == "ok" && new[index].0 == "ok" {
                        let g = made
                            .groups
                            .iter()
                            .position(|g| {
                                g.presence == leidraad::diff::Presence::Both && eval_changes(g)
                            })
                            .unwrap_or_else(|| panic!("{record}: no group has its change"));
                        expected_groups[g] += 1;
                        partial_in_groups.push((index, g));
                        continue;
                    }
                    let refused = |s: &str| s == "contradiction" || s == "invalid";
                    let presence = match (old[index].0.as_str(), new[index].0.as_str()) {
                        ("ok", n) if refused(n) => Some(leidraad::diff::Presence::OnlyOld),
                        (o, "ok") if refused(o) => Some(leidraad::diff::Presence::OnlyNew),
                        _ => None,
                    };
                    match presence.and_then(|p| made.groups.iter().position(|g| g.presence == p)) {
                        Some(g) => {
                            expected_groups[g] += 1;
                            partial_in_groups.push((index, g));
                        }
                        None => expected_outside += 1,
                    }
                }
            }
        } else if new[index].0 == "ok" && old[index].0 == "ok" {
            assert_eq!(group, None, "{record} does not change but has a group");
        }
    }
    // Records with a field left out that both versions answer fall in a
    // group; none of this population changes status between `ok` and
    // `missing`, so `expected_outside` is 0 here (the path is the same
    // code as the groups').
    assert!(!partial_in_groups.is_empty());
    let old_arg = old_path.to_string_lossy().into_owned();
    let ran = audit(&["--compare", &old_arg, "--format", "json"]);
    assert_eq!(ran.status, 1, "{}", ran.stderr_lossy());
    let report: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
    let compared = &report["compare"];
    assert_eq!(
        compared["patients_changed"].as_u64().unwrap() as usize,
        changed
    );
    assert_eq!(
        compared["diff_groups"].as_u64().unwrap() as usize,
        made.groups.len()
    );
    let groups = compared["groups"].as_array().unwrap();
    assert_eq!(groups.len(), made.groups.len());
    for (index, group) in groups.iter().enumerate() {
        assert_eq!(group["group"], json!(index + 1));
        assert_eq!(
            group["patients"].as_u64().unwrap() as usize,
            expected_groups[index],
            "{group}"
        );
        assert_eq!(
            group["description"],
            json!(leidraad::diff::render::description(&made.groups[index]))
        );
        // Each example row is a record of its group.
        let examples = group["examples"].as_array().unwrap();
        assert_eq!(examples.len(), expected_groups[index].min(3));
        for example in examples {
            let row = example["leidraad_row"].as_u64().unwrap() as usize;
            let partial = partial_in_groups.contains(&(row - 1, index));
            assert!(
                partial || group_of_record(&records[row - 1]) == Some(index),
                "{example}"
            );
            assert_eq!(
                example["complaint_duration"],
                records[row - 1]["complaint_duration"]
            );
        }
    }
    assert!(expected_groups.iter().filter(|&&n| n > 0).count() >= 3);
    let outside: usize = compared["outside_groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["patients"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(outside, expected_outside);
    for row in compared["outside_groups"].as_array().unwrap() {
        for example in row["examples"].as_array().unwrap() {
            let at = example["leidraad_row"].as_u64().unwrap() as usize;
            assert_eq!(new[at - 1].0, row["new_status"].as_str().unwrap());
            assert_eq!(old[at - 1].0, row["old_status"].as_str().unwrap());
        }
    }

    // The human and Markdown forms say the same counts, group by group.
    for format in ["human", "markdown"] {
        let ran = audit(&["--compare", &old_arg, "--format", format]);
        assert_eq!(ran.status, 1, "{}", ran.stderr_lossy());
        let text = ran.stdout_lossy();
        assert!(
            text.contains(&format!(
                "{} of 4,000 patients get different advice",
                support_group(changed)
            )),
            "{format}: {text}"
        );
        for (index, n) in expected_groups.iter().enumerate() {
            let line = if format == "human" {
                format!("  group {}: {} patients", index + 1, support_group(*n))
            } else {
                format!("| {} | {} |", index + 1, support_group(*n))
            };
            assert!(text.contains(&line), "{format}: no `{line}` in\n{text}");
        }
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

/// On a terminal, `audit` draws DuckDB's progress on standard error while
/// it counts, and clears it before the report; piped, it draws nothing,
/// and the report is the same either way.
#[test]
fn audit_draws_progress_on_a_terminal_only() {
    if !have_duckdb() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("leidraad-audit-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let parquet = dir.join("records.parquet");
    // benches/sql_audit.py's generator: long enough to be watched a few
    // times (DuckDB's estimate is read every quarter second).
    let script = r#"
import sys, duckdb, importlib.util
spec = importlib.util.spec_from_file_location("b", "benches/sql_audit.py"); b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b)
con = duckdb.connect(); con.execute("SET enable_progress_bar = false"); con.execute("SELECT setseed(0.5)")
con.execute("COPY (%s) TO '%s' (FORMAT PARQUET)" % (b.records_sql("(%s)" % b.drawn_sql(3000000)), sys.argv[1]))
"#;
    let made = Command::new("python3")
        .args(["-c", script, parquet.to_str().unwrap()])
        .current_dir(support::root())
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let args = [
        "audit",
        "guidelines/lage-rugpijn.leidraad",
        "--data",
        parquet.to_str().unwrap(),
    ];
    let piped = support::run(support::leidraad(args));
    assert_eq!(piped.status, 0, "{}", piped.stderr_lossy());
    assert!(
        !piped.stderr_lossy().contains("counting"),
        "{}",
        piped.stderr_lossy()
    );
    let pty = crate::pty::Pty::spawn(support::leidraad(args));
    let (status, _, transcript) = pty.finish();
    assert_eq!(status, 0, "{transcript}");
    // `\r` redraws the line: every drawing is `counting [###...] NN%`, and
    // the last `\r` clears it (spaces) before the report.
    let drawn: Vec<&str> = transcript.split('\r').collect();
    let bars: Vec<&&str> = drawn
        .iter()
        .filter(|d| d.starts_with("counting ["))
        .collect();
    assert!(!bars.is_empty(), "no progress drawn:\n{transcript}");
    for bar in &bars {
        assert!(bar.ends_with('%') && bar.len() <= 50, "{bar:?}");
    }
    let report = drawn.last().unwrap();
    assert!(drawn[drawn.len() - 2].trim().is_empty(), "{transcript:?}");
    assert_eq!(
        *report,
        piped.stdout_lossy(),
        "the report differs on a terminal"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `audit --compare --rename`: an old version whose input and entry have
/// other names compares, renamed, exactly as the same version with the
/// new names; without the renames it does not.
#[test]
fn audit_compares_renamed_names_as_the_same() {
    if !have_duckdb() {
        return;
    }
    let old = std::fs::read_to_string(
        support::root().join("tests/fixtures/audit/wells-dvt-old.leidraad"),
    )
    .unwrap();
    let renamed = regex::Regex::new(r"(?-u:\b)d_dimer(?-u:\b)")
        .unwrap()
        .replace_all(&old, "ddimer");
    let renamed = regex::Regex::new(r"(?-u:\b)alternative_diagnosis(?-u:\b)")
        .unwrap()
        .replace_all(&renamed, "other_diagnosis");
    assert_ne!(renamed, old);
    let dir = std::env::temp_dir().join(format!("leidraad-audit-rename-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let renamed_path = dir.join("wells-dvt-renamed.leidraad");
    std::fs::write(&renamed_path, renamed.as_bytes()).unwrap();
    let audit = |old: &str, renames: &[&str]| {
        let mut args = vec![
            "audit",
            "guidelines/wells-dvt.leidraad",
            "--data",
            "tests/fixtures/audit/consultations.jsonl",
            "--compare",
            old,
            "--format",
            "json",
        ];
        for rename in renames {
            args.extend(["--rename", rename]);
        }
        let ran = support::run(support::leidraad(args));
        assert!(ran.status <= 1, "{}", ran.stderr_lossy());
        let mut document: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
        document.as_object_mut().unwrap().remove("compare_with");
        document
    };
    let plain = audit("tests/fixtures/audit/wells-dvt-old.leidraad", &[]);
    let renamed_path = renamed_path.to_str().unwrap();
    let with_renames = audit(
        renamed_path,
        &["ddimer=d_dimer", "other_diagnosis=alternative_diagnosis"],
    );
    assert_eq!(with_renames["compare"], plain["compare"]);
    assert!(plain["compare"]["patients_changed"].as_u64().unwrap() > 0);
    // Without them, the old version reads a column `ddimer` the table
    // lacks: refused, with the way out.
    let ran = support::run(support::leidraad([
        "audit",
        "guidelines/wells-dvt.leidraad",
        "--data",
        "tests/fixtures/audit/consultations.jsonl",
        "--compare",
        renamed_path,
    ]));
    assert_eq!(ran.status, 2);
    let said = ran.stderr_lossy();
    assert!(
        said.contains("ddimer") && said.contains("--rename OLD=NEW"),
        "{said}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
