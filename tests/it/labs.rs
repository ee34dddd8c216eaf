//! Lab values in records, on the bundled guideline built on them
//! (`guidelines/esur-contrast-kidney.leidraad`, ESUR 10 on contrast and the
//! kidney): a creatinine given in mg/dL or mmol/L, as a text or as a FHIR
//! Quantity, and an eGFR in its UCUM spelling, get exactly the advice of the
//! same value in the input's unit; a unit of another dimension (a clearance
//! in mL/min for an eGFR, a mass for a concentration) is refused naming the
//! field, with no advice.

use serde_json::Value as Json;

use super::support;

const GUIDELINE: &str = "guidelines/esur-contrast-kidney.leidraad";

/// `eval --format json` on `record`: the exit status and the output.
fn eval(record: &str) -> (i32, Json) {
    support::eval_json(GUIDELINE, record)
}

/// The whole output for a record that is read.
fn advice(record: &str) -> Json {
    let (status, output) = eval(record);
    assert_eq!(status, 0, "{record}: {output}");
    output
}

/// The targets recommended, in order.
fn targets(record: &str) -> Vec<String> {
    advice(record)["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["target"].as_str().unwrap().to_owned())
        .collect()
}

/// The one field error of a refused record: its field and message.
fn refused(record: &str) -> (String, String) {
    let (status, output) = eval(record);
    assert_eq!(status, 1, "{record} was read: {output}");
    support::only_field_error(&output)
}

/// After the contrast, on metformin, eGFR 25 before it (so metformin was
/// stopped): the rise in creatinine decides between restarting it and
/// keeping it stopped.
fn after(rise: &str) -> String {
    format!(
        r#"{{"moment": "after_contrast", "route": "intravenous", "egfr": 25, "aki": false,
            "on_metformin": true, "creatinine_rise": {rise}, "creatinine_ratio": 1.2}}"#
    )
}

/// Before IV contrast, on metformin, with the eGFR given as `egfr`.
fn before(egfr: &str) -> String {
    format!(
        r#"{{"moment": "before_contrast", "route": "intravenous", "egfr": {egfr}, "aki": false,
            "on_metformin": true}}"#
    )
}

#[test]
fn a_creatinine_in_mg_per_dl_gets_the_advice_of_the_same_value_in_umol_per_l() {
    // 1.2 mg/dL of creatinine is 12000/113.12 = 106.082...µmol/L.
    let in_input_unit = advice(&after("106.08"));
    assert_eq!(
        targets(&after("106.08")),
        ["keep_metformin_stopped"],
        "{in_input_unit}"
    );
    for same in [
        r#""1.2 mg/dL""#,
        r#""1.2 mg/dl""#,
        r#""12 mg/L""#,
        r#""0.10608 mmol/L""#,
        r#"{"value": 1.2, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"}"#,
        r#"{"value": 1.2, "unit": "milligram per decilitre", "system": "http://unitsofmeasure.org", "code": "mg/dL"}"#,
    ] {
        assert_eq!(advice(&after(same)), in_input_unit, "{same}");
    }
    // Below the threshold, the same in every unit: 20 µmol/L is 0.226...
    // mg/dL.
    let small = advice(&after("20"));
    assert_eq!(targets(&after("20")), ["restart_metformin"]);
    assert_eq!(advice(&after(r#""0.2 mg/dL""#)), small);
    assert_eq!(
        advice(&after(
            r#"{"value": 0.2, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"}"#
        )),
        small
    );
}

#[test]
fn the_pc_aki_threshold_is_exact_in_every_unit() {
    // The threshold is 26.5 µmol/L: exactly 0.299768 mg/dL and 0.0265
    // mmol/L at 113.12 g/mol. The source's other figure, 0.3 mg/dL, is
    // 26.52 µmol/L, above it.
    for at_or_above in [
        "26.5",
        r#""26.5 umol/L""#,
        r#""26.5 µmol/L""#,
        r#""0.0265 mmol/L""#,
        r#""0.299768 mg/dL""#,
        r#""0.3 mg/dL""#,
    ] {
        assert_eq!(
            targets(&after(at_or_above)),
            ["keep_metformin_stopped"],
            "{at_or_above}"
        );
    }
    for below in [
        "26.499999",
        r#""0.0264999 mmol/L""#,
        r#""0.299767 mg/dL""#,
        r#"{"value": 0.299767, "unit": "mg/dL"}"#,
    ] {
        assert_eq!(targets(&after(below)), ["restart_metformin"], "{below}");
    }
}

#[test]
fn an_egfr_in_its_ucum_and_clinical_spellings_gets_the_same_advice() {
    let in_input_unit = advice(&before("29.5"));
    assert_eq!(
        targets(&before("29.5")),
        ["hydration", "stop_metformin", "egfr_after"],
        "{in_input_unit}"
    );
    for same in [
        r#""29.5 mL/min/1.73m2""#,
        r#""29.5 mL/min/1.73m²""#,
        r#""29.5 mL/min/{1.73_m2}""#,
        r#""29.5 ml/min/1.73m2""#,
        r#"{"value": 29.5, "unit": "mL/min/1.73m2", "system": "http://unitsofmeasure.org", "code": "mL/min/{1.73_m2}"}"#,
    ] {
        assert_eq!(advice(&before(same)), in_input_unit, "{same}");
    }
    // 30 is on the "continue" side.
    assert_eq!(
        targets(&before(r#""30 mL/min/1.73m2""#)),
        ["continue_metformin"]
    );
}

#[test]
fn an_unknown_egfr_is_an_answer_and_stops_metformin() {
    let expected = ["egfr_before", "stop_metformin", "egfr_after"];
    assert_eq!(targets(&before("null")), expected);
    assert_eq!(targets(&before(r#""unknown""#)), expected);
    // Left out, it is missing (no default), not unknown: eval names it.
    let record = r#"{"moment": "before_contrast", "route": "intravenous", "aki": false, "on_metformin": true}"#;
    let (status, output) = eval(record);
    assert_eq!(status, 1, "{output}");
    assert!(output.to_string().contains("egfr"), "{output}");
}

#[test]
fn a_unit_of_the_wrong_dimension_is_refused_naming_the_field() {
    // A creatinine clearance in mL/min is not an eGFR (not normalised to
    // 1.73 m² of body surface): refused, never read as one.
    for (record, unit) in [
        (before(r#""25 mL/min""#), "mL/min"),
        (
            before(
                r#"{"value": 25, "unit": "mL/min", "system": "http://unitsofmeasure.org", "code": "mL/min"}"#,
            ),
            "mL/min",
        ),
        (before(r#""25 mg/dL""#), "mg/dL"),
    ] {
        let (field, message) = refused(&record);
        assert_eq!(field, "egfr", "{message}");
        assert!(
            message.contains(&format!("\"{unit}\"")) && message.contains("mL/min/1.73m²"),
            "{record}: {message}"
        );
    }
    // A mass is not a concentration, molar mass or not.
    for (rise, unit) in [
        (r#""0.3 mg""#, "mg"),
        (r#"{"value": 0.3, "unit": "mmol"}"#, "mmol"),
    ] {
        let (field, message) = refused(&after(rise));
        assert_eq!(field, "creatinine_rise", "{message}");
        assert!(
            message.contains(&format!("\"{unit}\"")) && message.contains("µmol/L"),
            "{rise}: {message}"
        );
    }
}

#[test]
fn a_lab_value_written_as_on_a_report_is_refused_with_the_fix() {
    // Lab reports write "mL/min/1.73 m²", with a space, and "> 90"; the
    // record is refused (units are never guessed), and the message says
    // how to write it.
    for (egfr, fix) in [
        (
            r#""25 mL/min/1.73 m2""#,
            r#"a unit is written without spaces: "25 mL/min/1.73m2""#,
        ),
        (
            r#""25 mL/min/1.73 m²""#,
            r#"a unit is written without spaces: "25 mL/min/1.73m²""#,
        ),
        (
            r#""25mL/min/1.73m2""#,
            r#"put a space between the number and the unit: "25 mL/min/1.73m2""#,
        ),
        (r#""> 90""#, "only a bound, not the patient's value"),
        (
            r#""<15 mL/min/1.73m2""#,
            "only a bound, not the patient's value",
        ),
    ] {
        let (field, message) = refused(&before(egfr));
        assert_eq!(field, "egfr");
        assert!(message.contains(fix), "{egfr}: {message}");
        // The example is in the input's unit.
        assert!(
            message.contains(r#"such as "3 mL/min/1.73m²""#),
            "{message}"
        );
    }
    // Nothing is suggested where nothing is near.
    let (_, message) = refused(&before(r#""25 per minute""#));
    assert!(!message.contains("without spaces"), "{message}");
    let (_, message) = refused(&before(r#""abc""#));
    assert!(!message.contains("put a space"), "{message}");
}
