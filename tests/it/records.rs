//! Records are never guessed (issue 8): a field that is not an input
//! refuses the record unless asked otherwise, `null` means "not known" and
//! never the default, an answer may be "unknown" where the input allows
//! it, whole-number inputs refuse fractions, and values may be called
//! `yes` and `no`. Each test runs the binary as a user would, on
//! `tests/fixtures/records/ankle.leidraad`.

use crate::support::{self, Ran};

const ANKLE: &str = "tests/fixtures/records/ankle.leidraad";

/// A sober adult with malleolar pain who is not tender and walks: the
/// rules are negative.
const NEGATIVE: &str =
    r#""age": 30, "malleolar_pain": true, "bone_tenderness": false, "steps": 10"#;

fn eval(record: &str, extra: &[&str]) -> Ran {
    let mut args = vec!["eval", ANKLE, "--facts", "-", "--format", "json"];
    args.extend_from_slice(extra);
    support::run_with(support::leidraad(args), record.as_bytes(), support::LIMIT)
}

fn json(ran: &Ran) -> serde_json::Value {
    serde_json::from_str(&ran.stdout_lossy())
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{}", ran.what, ran.stdout_lossy()))
}

/// The actions recommended, as `order XR_ankle`.
fn advice(ran: &Ran) -> Vec<String> {
    assert_eq!(ran.status, 0, "{}\n{}", ran.what, ran.stderr_lossy());
    json(ran)["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["kind"].as_str().unwrap(),
                r["target"].as_str().unwrap()
            )
        })
        .collect()
}

/// The refusal's errors as `field: message`.
fn refusal(ran: &Ran) -> Vec<String> {
    assert_eq!(ran.status, 1, "{}\n{}", ran.what, ran.stdout_lossy());
    let out = json(ran);
    assert!(out.get("recommendations").is_none(), "{out}");
    out["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["field"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_fixture_is_clean_and_its_record_is_negative() {
    let check = support::run(support::leidraad(["check", ANKLE, "--deny", "warnings"]));
    assert_eq!(check.status, 0, "{}", check.stdout_lossy());
    assert_eq!(
        advice(&eval(&format!("{{{NEGATIVE}}}"), &[])),
        ["avoid XR_ankle"]
    );
}

#[test]
fn a_misspelled_field_refuses_the_record_with_did_you_mean() {
    // `intoxicted` would otherwise be taken for a sober patient.
    let ran = eval(&format!("{{{NEGATIVE}, \"intoxicted\": true}}"), &[]);
    assert_eq!(
        refusal(&ran),
        ["intoxicted: not an input of this guideline (did you mean `intoxicated`?)"]
    );
    let human = support::run_with(
        support::leidraad(["eval", ANKLE, "--facts", "-"]),
        format!("{{{NEGATIVE}, \"intoxicted\": true}}").as_bytes(),
        support::LIMIT,
    );
    assert_eq!(human.status, 1);
    assert!(human.stdout.is_empty(), "{}", human.stdout_lossy());
    let stderr = human.stderr_lossy();
    assert!(stderr.contains("--ignore-unknown-fields"), "{stderr}");
    assert!(stderr.contains("no recommendation was made"), "{stderr}");
}

#[test]
fn ignore_unknown_fields_sets_aside_a_wider_record_but_not_a_near_miss() {
    let wider = format!("{{{NEGATIVE}, \"patient_id\": \"A-17\", \"ward\": 3}}");
    assert_eq!(refusal(&eval(&wider, &[])).len(), 2);
    assert_eq!(
        advice(&eval(&wider, &["--ignore-unknown-fields"])),
        ["avoid XR_ankle"]
    );
    let near = format!("{{{NEGATIVE}, \"patient_id\": 1, \"intoxicted\": true}}");
    let errors = refusal(&eval(&near, &["--ignore-unknown-fields"]));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("intoxicted: "), "{errors:?}");
    assert!(errors[0].contains("`intoxicated`"), "{errors:?}");
}

#[test]
fn ignore_unknown_fields_applies_to_batches_line_by_line() {
    let lines =
        format!("{{{NEGATIVE}, \"patient_id\": 1}}\n{{{NEGATIVE}, \"intoxicted\": true}}\n");
    let ran = support::run_with(
        support::leidraad(["eval", ANKLE, "--batch", "-", "--ignore-unknown-fields"]),
        lines.as_bytes(),
        support::LIMIT,
    );
    let out = ran.stdout_lossy();
    let results: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 2, "{out}");
    assert!(results[0]["recommendations"].is_array(), "{out}");
    assert!(results[1]["errors"].is_array(), "{out}");
    assert_eq!(ran.status, 1, "one record failed");
}

#[test]
fn null_is_not_known_and_never_the_default() {
    // Left out, `intoxicated` takes its default (no).
    assert_eq!(
        advice(&eval(&format!("{{{NEGATIVE}}}"), &[])),
        ["avoid XR_ankle"]
    );
    // `null` says it is not known: the advice depends on it, so none is given.
    let errors = refusal(&eval(
        &format!("{{{NEGATIVE}, \"intoxicated\": null}}"),
        &[],
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("intoxicated: "), "{errors:?}");
    assert!(errors[0].contains("not known"), "{errors:?}");
    assert!(errors[0].contains("default"), "{errors:?}");
    // The same for a `one of` input with a default.
    let errors = refusal(&eval(
        &format!("{{{NEGATIVE}, \"rules_applied\": null}}"),
        &[],
    ));
    assert!(errors[0].starts_with("rules_applied: "), "{errors:?}");
}

#[test]
fn an_unknown_answer_is_an_answer_where_the_input_allows_it() {
    let base = r#""age": 30, "malleolar_pain": true, "steps": 10"#;
    for unknown in ["null", "\"unknown\""] {
        let record = format!("{{{base}, \"bone_tenderness\": {unknown}}}");
        assert_eq!(advice(&eval(&record, &[])), ["order XR_ankle"], "{record}");
    }
    // Where the input does not allow it, "unknown" is not a value.
    let record =
        r#"{"age": 30, "malleolar_pain": "unknown", "bone_tenderness": false, "steps": 10}"#;
    let errors = refusal(&eval(record, &[]));
    assert!(
        errors[0].starts_with("malleolar_pain: expected true or false"),
        "{errors:?}"
    );
}

#[test]
fn a_whole_number_input_refuses_a_fraction() {
    for (value, shown) in [
        ("30.5", "30.5"),
        ("\"30.5 years\"", "30.5"),
        ("3e-1", "0.3"),
    ] {
        let record = format!(
            r#"{{"age": {value}, "malleolar_pain": true, "bone_tenderness": false, "steps": 10}}"#
        );
        let errors = refusal(&eval(&record, &[]));
        assert_eq!(
            errors,
            [format!(
                "age: {shown} is not a whole number, and this input takes whole numbers only"
            )],
            "{record}"
        );
    }
    // Whole numbers in any notation are fine: 3.0 is 3.
    let record = r#"{"age": 30.0, "malleolar_pain": true, "bone_tenderness": false, "steps": 3}"#;
    assert_eq!(advice(&eval(record, &[])), ["order XR_ankle"]);
}

#[test]
fn values_may_be_called_yes_and_no() {
    let record = format!("{{{NEGATIVE}, \"rules_applied\": \"no\"}}");
    assert_eq!(advice(&eval(&record, &[])), ["order XR_ankle"]);
    let record = format!("{{{NEGATIVE}, \"rules_applied\": false}}");
    let errors = refusal(&eval(&record, &[]));
    assert!(
        errors[0].starts_with("rules_applied: expected one of"),
        "{errors:?}"
    );
}
