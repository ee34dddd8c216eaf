//! Time frames (`within 1 hour`) and exclusive entries (`exclusive A, B`)
//! through the real binary: the evaluation's text and JSON of a time frame,
//! requirements with `or sooner` proved and failed, cases, and a pair of
//! exclusive entries found by `check` with a witness that `eval` confirms
//! (and settled by `overrides`). The files are under
//! `tests/fixtures/deadlines/`.

use crate::support;
use serde_json::Value as Json;

fn run(args: &[&str], stdin: &[u8]) -> support::Ran {
    let mut command = support::leidraad(args);
    command.current_dir(support::fixtures("deadlines"));
    support::run_with(command, stdin, support::LIMIT)
}

fn json(ran: &support::Ran) -> Json {
    serde_json::from_slice(&ran.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}):\n{}", ran.what, ran.stdout_lossy()))
}

/// The diagnostics of `leidraad check FILE --format json`, and its status.
fn check(file: &str) -> (i32, Vec<Json>) {
    let ran = run(&["check", file, "--format", "json"], b"");
    let Json::Array(diagnostics) = json(&ran)["diagnostics"].take() else {
        panic!("{}: not a list", ran.what);
    };
    (ran.status, diagnostics)
}

fn with_code<'a>(diagnostics: &'a [Json], code: &str) -> Vec<&'a Json> {
    diagnostics.iter().filter(|d| d["code"] == code).collect()
}

/// `eval FILE` on a record given on standard input, as JSON.
fn eval_json(file: &str, record: &Json) -> Json {
    let ran = run(
        &["eval", file, "--facts", "-", "--format", "json"],
        record.to_string().as_bytes(),
    );
    assert_eq!(ran.status, 0, "{}: {}", ran.what, ran.stderr_lossy());
    json(&ran)
}

#[test]
fn eval_writes_a_time_frame_in_words_and_in_seconds() {
    let human = run(
        &[
            "eval",
            "head-injury.leidraad",
            "--facts",
            "gcs-12.json",
            "--color",
            "never",
        ],
        b"",
    );
    assert_eq!(human.status, 0, "{}", human.stderr_lossy());
    let text = human.stdout_lossy();
    assert!(
        text.contains("order CT_head \"CT hoofd\" (within 1 hour)"),
        "the time frame in words:\n{text}"
    );
    assert!(
        text.contains("overruled: order CT_head from rule `ct_within_8_hours`"),
        "the 8-hour frame overruled by the 1-hour one:\n{text}"
    );

    let record: Json = serde_json::from_str(
        &std::fs::read_to_string(support::fixtures("deadlines").join("gcs-12.json")).unwrap(),
    )
    .unwrap();
    let result = eval_json("head-injury.leidraad", &record);
    let recommendations = result["recommendations"].as_array().unwrap();
    assert_eq!(recommendations.len(), 1, "{result}");
    assert_eq!(recommendations[0]["urgency"], "within 1 hour");
    assert_eq!(recommendations[0]["deadline_seconds"], 3600);

    // Seventy, unconscious for a while, no 1-hour risk factor: 8 hours.
    let later = eval_json(
        "head-injury.leidraad",
        &serde_json::json!({"gcs_below_13": false, "seizure": false, "lost_consciousness": true, "age": 70}),
    );
    assert_eq!(later["recommendations"][0]["urgency"], "within 8 hours");
    assert_eq!(later["recommendations"][0]["deadline_seconds"], 8 * 3600);

    // Half an hour is written the same way whatever unit the editor used.
    let seizure = eval_json(
        "head-injury-too-late.leidraad",
        &serde_json::json!({"gcs_below_13": false, "seizure": true}),
    );
    assert_eq!(
        seizure["recommendations"][0]["urgency"],
        "within 30 minutes"
    );
    assert_eq!(seizure["recommendations"][0]["deadline_seconds"], 1800);
}

#[test]
fn the_compiled_diagram_carries_the_deadline() {
    let ran = run(&["compile", "head-injury.leidraad", "--emit", "json"], b"");
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    let text = ran.stdout_lossy();
    assert!(
        text.contains("\"urgency\":\"within 1 hour\"")
            || text.contains("\"urgency\": \"within 1 hour\""),
        "{text}"
    );
    assert!(
        text.contains("\"deadline_seconds\":3600") || text.contains("\"deadline_seconds\": 3600"),
        "{text}"
    );
    let rules = run(&["compile", "head-injury.leidraad", "--emit", "rules"], b"");
    let rules = rules.stdout_lossy();
    assert!(
        rules.contains("then order CT_head within 1 hour"),
        "{rules}"
    );
    assert!(
        rules.contains("then order CT_head within 8 hours"),
        "{rules}"
    );
    // The exclusive entries are part of what the rules mean.
    let wells = run(&["compile", "wells.leidraad", "--emit", "rules"], b"").stdout_lossy();
    assert!(
        wells.starts_with(
            "exclusive treat_dvt, no_anticoagulation \"Een DVT behandelen of geen antistolling: nooit beide\"\n\nrule "
        ),
        "{wells}"
    );
}

#[test]
fn or_sooner_requirements_are_proved() {
    let (status, diagnostics) = check("head-injury.leidraad");
    assert_eq!(status, 0, "{diagnostics:?}");
    let proved: Vec<&str> = with_code(&diagnostics, "L308")
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(proved.len(), 3, "{diagnostics:?}");
    assert!(
        proved.iter().any(|m| m.contains("binnen 8 uur of eerder")),
        "{proved:?}"
    );
    assert!(
        proved.iter().any(|m| m.contains("dezelfde dag")),
        "{proved:?}"
    );
    assert!(with_code(&diagnostics, "L305").is_empty());
}

#[test]
fn an_or_sooner_requirement_fails_with_a_patient_who_gets_it_too_late() {
    let (status, diagnostics) = check("head-injury-too-late.leidraad");
    assert_eq!(status, 1, "{diagnostics:?}");
    let failed = with_code(&diagnostics, "L305");
    assert_eq!(failed.len(), 1, "{diagnostics:?}");
    let witness = &failed[0]["witness"];
    assert_eq!(witness["gcs_below_13"], true, "{witness}");
    assert_eq!(witness["seizure"], false, "{witness}");
    // The evaluator agrees: this patient gets the CT within 8 hours, later
    // than the hour the requirement asks.
    let result = eval_json("head-injury-too-late.leidraad", witness);
    assert_eq!(
        result["recommendations"][0]["urgency"], "within 8 hours",
        "{result}"
    );
}

#[test]
fn cases_compare_time_frames_exactly_or_sooner() {
    let ran = run(&["test", "head-injury.leidraad", "--color", "never"], b"");
    assert_eq!(
        ran.status,
        0,
        "{}{}",
        ran.stdout_lossy(),
        ran.stderr_lossy()
    );
}

#[test]
fn check_finds_two_exclusive_entries_with_a_witness_that_eval_confirms() {
    let (status, diagnostics) = check("wells.leidraad");
    assert_eq!(status, 1, "{diagnostics:?}");
    let conflicts = with_code(&diagnostics, "L301");
    assert_eq!(conflicts.len(), 1, "{diagnostics:?}");
    let conflict = conflicts[0];
    let message = conflict["message"].as_str().unwrap();
    assert!(
        message.contains("`dvt_confirmed`")
            && message.contains("`dvt_unlikely`")
            && message.contains("exclude each other"),
        "{message}"
    );
    assert!(
        conflict["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["line"] == 11
                && l["message"]
                    .as_str()
                    .unwrap()
                    .contains("exclude each other")),
        "the exclusive statement is pointed at: {conflict}"
    );
    let witness = &conflict["witness"];
    assert_eq!(
        witness,
        &serde_json::json!({"d_dimer_positive": false, "ultrasound_positive": true})
    );
    let result = eval_json("wells.leidraad", witness);
    let targets: Vec<&str> = result["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["treat_dvt", "no_anticoagulation"], "{result}");
}

#[test]
fn overrides_settle_exclusive_entries() {
    let (status, diagnostics) = check("wells-settled.leidraad");
    assert_eq!(status, 0, "{diagnostics:?}");
    assert!(
        with_code(&diagnostics, "L301").is_empty(),
        "{diagnostics:?}"
    );
    // The overriding rule drops the advice that excludes its own.
    let result = eval_json(
        "wells-settled.leidraad",
        &serde_json::json!({"d_dimer_positive": false, "ultrasound_positive": true}),
    );
    let recommendations = result["recommendations"].as_array().unwrap();
    assert_eq!(recommendations.len(), 1, "{result}");
    assert_eq!(recommendations[0]["target"], "treat_dvt");
    assert_eq!(
        result["overruled"][0]["target"], "no_anticoagulation",
        "{result}"
    );
    assert_eq!(
        result["overruled"][0]["by_rule"], "dvt_confirmed",
        "{result}"
    );
    // Without a positive ultrasound nothing is overruled.
    let other = eval_json(
        "wells-settled.leidraad",
        &serde_json::json!({"d_dimer_positive": false, "ultrasound_positive": false}),
    );
    assert_eq!(
        other["recommendations"][0]["target"], "no_anticoagulation",
        "{other}"
    );
}
