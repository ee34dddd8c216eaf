//! Value labels (`acute "acuut"`): people see the labels; records, cases and
//! JSON keep the names, and a label is never read as a value.

use crate::support;
use serde_json::Value as Json;

const FILE: &str = "tests/fixtures/cli/value-labels.leidraad";

#[test]
fn a_record_that_gives_a_label_is_refused_with_the_name_to_write() {
    // One of; one of `or unknown` (read by the general reader); any of.
    for (record, field, name) in [
        (
            r#"{"neuro_deficit": "acuut", "trauma": "none"}"#,
            "neuro_deficit",
            "acute",
        ),
        (
            r#"{"neuro_deficit": "none", "trauma": "majeur trauma"}"#,
            "trauma",
            "major",
        ),
        (
            r#"{"neuro_deficit": "none", "trauma": "none", "suspected": ["fractuur"]}"#,
            "suspected",
            "fracture",
        ),
    ] {
        let (status, output) = support::eval_json(FILE, record);
        assert_eq!(status, 1, "{record}: {output}");
        let (found, message) = support::only_field_error(&output);
        assert_eq!(found, field, "{record}");
        assert!(
            message.contains(&format!("een dossier noemt de waarde: \"{name}\"")),
            "{record}: {message}"
        );
    }
    // A value without a label is still named only by its name.
    let (status, _) = support::eval_json(FILE, r#"{"neuro_deficit": "Chronic", "trauma": "none"}"#);
    assert_eq!(status, 1);
}

#[test]
fn the_explanation_shows_labels_and_the_json_keeps_names() {
    let record = r#"{"neuro_deficit": "acute", "trauma": "none", "suspected": ["fracture"]}"#;
    let ran = support::run_with(
        support::leidraad(["eval", FILE, "--facts", "-"]),
        record.as_bytes(),
        support::LIMIT,
    );
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    let text = ran.stdout_lossy();
    assert!(text.contains("Neurologische uitval: acuut"), "{text}");
    assert!(text.contains("Klinisch vermoeden: Fractuur"), "{text}");
    assert!(!text.contains(": acute"), "{text}");
    let (status, output) = support::eval_json(FILE, record);
    assert_eq!(status, 0, "{output}");
    // The JSON quotes the tests as written, with the names.
    let because = output["recommendations"][0]["because"].to_string();
    assert!(because.contains("neuro_deficit == acute"), "{output}");
    assert!(!because.contains("acuut"), "{output}");
}

#[test]
fn the_flowchart_and_its_json_show_labels_beside_names() {
    let ran = support::run(support::leidraad(["compile", FILE, "--emit", "json"]));
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    let document: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
    let variable = document["variables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["input"] == "neuro_deficit")
        .unwrap();
    let classes: Vec<(&str, &str)> = variable["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["value"].as_str().unwrap(), c["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        classes,
        [("none", "geen"), ("acute", "acuut"), ("chronic", "chronic")]
    );
    let ran = support::run(support::leidraad(["compile", FILE, "--emit", "mermaid"]));
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    assert!(
        ran.stdout_lossy().contains("acuut"),
        "{}",
        ran.stdout_lossy()
    );
}

#[test]
fn the_next_questions_offer_each_value_by_name_and_label() {
    let ran = support::run_with(
        support::leidraad([
            "eval",
            "--partial",
            FILE,
            "--facts",
            "-",
            "--format",
            "json",
        ]),
        br#"{"trauma": "none"}"#,
        support::LIMIT,
    );
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    let output: Json = serde_json::from_str(&ran.stdout_lossy()).unwrap();
    let question = output["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["input"] == "neuro_deficit")
        .unwrap_or_else(|| panic!("{output}"));
    assert_eq!(question["label"], "Neurologische uitval");
    assert_eq!(question["type"], "one of");
    assert_eq!(
        question["choices"],
        serde_json::json!([
            {"value": "none", "label": "geen"},
            {"value": "acute", "label": "acuut"},
            {"value": "chronic", "label": "chronic"},
        ])
    );
}
