//! Terminology codes reach the outputs: `compile --emit json` (inputs,
//! values, members, units, entries) and `eval --format json`, single and
//! batch (each recommendation with its entry's codes). The form checks and
//! their messages are the L140-L145 fixtures; the check digits are unit
//! tests in `model::codes`.

use crate::support;
use serde_json::Value as Json;

const CODED: &str = "tests/fixtures/compile/coded.leidraad";

fn stdout(args: &[&str], stdin: &[u8]) -> String {
    let ran = support::run_with(support::leidraad(args), stdin, support::LIMIT);
    assert_eq!(ran.status, 0, "{args:?}: {}", ran.stderr_lossy());
    String::from_utf8(ran.stdout).unwrap()
}

fn coding(system: &str, code: &str) -> Json {
    serde_json::json!({ "system": system, "code": code })
}

const SNOMED: &str = "http://snomed.info/sct";

#[test]
fn compiled_json_names_every_code() {
    let document: Json =
        serde_json::from_str(&stdout(&["compile", CODED, "--emit", "json"], b"")).unwrap();
    let variables = document["variables"].as_array().unwrap();
    let variable = |input: &str, member: Option<&str>| {
        variables
            .iter()
            .find(|v| v["input"] == input && v["member"].as_str() == member)
            .unwrap_or_else(|| panic!("no variable {input} {member:?}"))
    };
    assert_eq!(
        variable("fever", None)["codes"],
        Json::Array(vec![coding(SNOMED, "386661006")])
    );
    let finding = variable("finding", None);
    assert!(finding.get("codes").is_none(), "{finding}");
    let classes = finding["classes"].as_array().unwrap();
    assert_eq!(classes[1]["label"], "infarct");
    assert_eq!(
        classes[1]["codes"],
        Json::Array(vec![
            coding(SNOMED, "22298006"),
            coding("http://hl7.org/fhir/sid/icd-10", "I21.9"),
        ])
    );
    assert!(classes[0].get("codes").is_none() && classes[2].get("codes").is_none());
    assert_eq!(
        variable("suspected", Some("embolism"))["member_codes"],
        Json::Array(vec![coding(SNOMED, "59282003")])
    );
    assert!(
        variable("suspected", Some("other"))
            .get("member_codes")
            .is_none()
    );
    let d_dimer = variable("d_dimer", None);
    assert_eq!(d_dimer["ucum"], "ug/L");
    assert_eq!(
        d_dimer["codes"],
        Json::Array(vec![coding("http://loinc.org", "48065-7")])
    );
    assert!(variable("fever", None).get("ucum").is_none());
    let entries = document["entries"].as_array().unwrap();
    assert_eq!(
        entries[0]["codes"],
        Json::Array(vec![coding(SNOMED, "404684003")])
    );
    assert!(entries[1].get("codes").is_none());
}

#[test]
fn each_recommendation_carries_its_entrys_codes_single_and_batch() {
    let record = br#"{"fever": true, "finding": "infarct", "d_dimer": "0.6 mg/L", "suspected": ["embolism"]}"#;
    let single: Json = serde_json::from_str(&stdout(
        &["eval", CODED, "--facts", "-", "--format", "json"],
        record,
    ))
    .unwrap();
    let recommendation = &single["recommendations"][0];
    assert_eq!(recommendation["target"], "scan");
    assert_eq!(
        recommendation["codes"],
        Json::Array(vec![coding(SNOMED, "404684003")])
    );
    // An entry without codes has no `codes` field.
    let other: Json = serde_json::from_str(&stdout(
        &["eval", CODED, "--facts", "-", "--format", "json"],
        br#"{"fever": false}"#,
    ))
    .unwrap();
    assert_eq!(other["recommendations"][0]["target"], "other_scan");
    assert!(other["recommendations"][0].get("codes").is_none());
    // The batch writer gives the same line, codes included.
    let mut lines = record.to_vec();
    lines.extend_from_slice(b"\n{\"fever\": false}\n");
    let batch = stdout(&["eval", CODED, "--batch", "-"], &lines);
    let batch: Vec<Json> = batch
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(batch[0]["recommendations"], single["recommendations"]);
    assert_eq!(batch[1]["recommendations"], other["recommendations"]);
}
