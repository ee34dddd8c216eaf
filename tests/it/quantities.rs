//! Issue 8, "Clinical quantities and units": a record gives a quantity as a
//! number in the input's unit, as a text with a unit, or as a FHIR
//! Quantity; every unit converts exactly, or the record is refused with the
//! field and both units named. The guideline is
//! `tests/fixtures/quantities/clinical.leidraad`.

use serde_json::Value as Json;

use super::support;

fn guideline() -> String {
    support::fixtures("quantities")
        .join("clinical.leidraad")
        .to_str()
        .unwrap()
        .to_owned()
}

/// `eval --format json` on `record`: the exit status and the output.
fn eval(record: &str) -> (i32, Json) {
    support::eval_json(guideline().as_str(), record)
}

/// The rules that fired for a record that is read.
fn fired(record: &str) -> Vec<String> {
    let (status, output) = eval(record);
    assert_eq!(status, 0, "{record}: {output}");
    output["fired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

/// The advice without the reasons (which quote the rules as written).
fn advice(record: &str) -> Json {
    let (status, mut output) = eval(record);
    assert_eq!(status, 0, "{record}: {output}");
    for recommendation in output["recommendations"].as_array_mut().unwrap() {
        recommendation.as_object_mut().unwrap().remove("because");
    }
    output
}

/// The one field error of a refused record: its field and message.
fn refused(record: &str) -> (String, String) {
    let (status, output) = eval(record);
    assert_ne!(status, 0, "{record} was read: {output}");
    support::only_field_error(&output)
}

fn base(d_dimer: &str) -> String {
    format!(
        r#"{{"d_dimer": {d_dimer}, "temperature": 37, "amnesia": 0, "fall_height": 0, "creatinine": 80}}"#
    )
}

#[test]
fn a_quantity_in_another_unit_is_converted_exactly_and_advised_the_same() {
    // The D-dimer input is in µg/L; the rule says `>= 0.5 mg/L`.
    let in_input_unit = advice(&base("500"));
    assert_eq!(fired(&base("500")), ["d_dimer_positive"]);
    for same in [
        r#""0.5 mg/L""#,
        r#""500 ng/mL""#,
        r#""0.5 ug/mL""#,
        r#""500 µg/L""#,
    ] {
        assert_eq!(advice(&base(same)), in_input_unit, "{same}");
    }
    // Just below, in every unit: exact, not rounded through floats.
    assert!(fired(&base("499.999999")).is_empty());
    assert!(fired(&base(r#""0.499999999 mg/L""#)).is_empty());
    assert!(fired(&base(r#""0.49999999999999999999 mg/L""#)).is_empty());
    // The issue's case: 0.8 given in mg/L is 800 µg/L, not 0.8 µg/L.
    assert_eq!(fired(&base(r#""0.8 mg/L""#)), ["d_dimer_positive"]);
    assert!(fired(&base("0.8")).is_empty());
}

#[test]
fn a_molar_concentration_converts_with_the_declared_molar_mass() {
    // `creatinine >= 1.5 mg/dL` with 113.12 g/mol is 93750/707 ≈ 132.6025
    // µmol/L.
    let with = |creatinine: &str| {
        format!(
            r#"{{"d_dimer": 0, "temperature": 37, "amnesia": 0, "fall_height": 0, "creatinine": {creatinine}}}"#
        )
    };
    assert_eq!(fired(&with(r#""1.5 mg/dL""#)), ["kidney"]);
    assert!(fired(&with("132.6")).is_empty());
    assert_eq!(fired(&with("132.603")), ["kidney"]);
    assert!(fired(&with(r#""1.4999 mg/dL""#)).is_empty());
    assert_eq!(fired(&with(r#""0.1326026 mmol/L""#)), ["kidney"]);
    assert!(fired(&with(r#""0.1326025 mmol/L""#)).is_empty());
}

#[test]
fn a_fhir_quantity_is_read_by_its_ucum_code() {
    let in_input_unit = advice(&base("800"));
    let quantity =
        r#"{"value": 0.8, "unit": "mg/L", "system": "http://unitsofmeasure.org", "code": "mg/L"}"#;
    assert_eq!(advice(&base(quantity)), in_input_unit);
    // The code decides when the system is UCUM; `unit` is display text.
    let display = r#"{"value": 0.8, "unit": "milligram per liter", "system": "http://unitsofmeasure.org", "code": "mg/L"}"#;
    assert_eq!(advice(&base(display)), in_input_unit);
    // Without UCUM, `unit` is read.
    assert_eq!(
        advice(&base(r#"{"value": 0.8, "unit": "mg/L"}"#)),
        in_input_unit
    );
    // The value is read exactly, as a plain number is.
    assert!(
        fired(&base(
            r#"{"value": 0.49999999999999999999, "unit": "mg/L"}"#
        ))
        .is_empty()
    );
}

#[test]
fn a_fhir_quantity_that_is_not_a_measured_value_is_refused_with_the_reason() {
    let cases = [
        (
            r#"{"value": 0.8, "unit": "mg/L", "comparator": "<"}"#,
            "comparator",
        ),
        (r#"{"value": 0.8, "unit": "mg/L", "id": "x"}"#, "\"id\""),
        (r#"{"unit": "mg/L"}"#, "no \"value\""),
        (r#"{"value": "0.8", "unit": "mg/L"}"#, "must be a number"),
        (
            r#"{"value": 0.8, "system": "http://unitsofmeasure.org", "unit": "mg/L"}"#,
            "no \"code\"",
        ),
        (
            r#"{"value": 0.8, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/L"}"#,
            "different units",
        ),
        (r#"{"value": 0.8}"#, "no unit"),
    ];
    for (quantity, reason) in cases {
        let (field, message) = refused(&base(quantity));
        assert_eq!(field, "d_dimer");
        assert!(message.contains(reason), "{quantity}: {message}");
    }
}

#[test]
fn a_unit_of_the_wrong_dimension_is_refused_naming_the_field_and_both_units() {
    for (quantity, unit) in [
        (r#""0.5 kg""#, "kg"),
        (r#""0.5 mmol/L""#, "mmol/L"),
        (r#"{"value": 0.5, "unit": "min"}"#, "min"),
    ] {
        let (field, message) = refused(&base(quantity));
        assert_eq!(field, "d_dimer");
        assert!(
            message.contains(&format!("\"{unit}\"")) && message.contains("µg/L"),
            "{quantity}: {message}"
        );
    }
    // Without the molar mass, the message says what is missing.
    let (_, message) = refused(&base(r#""500 nmol/L""#));
    assert!(message.contains("molar mass"), "{message}");
    // An unknown unit is never guessed: a near miss of another size comes
    // with its size.
    let (_, message) = refused(&base(r#""0.5 mgL""#));
    assert!(
        message.contains("unknown unit \"mgL\"") && message.contains("1 mg/L = 1000 µg/L"),
        "{message}"
    );
}

#[test]
fn fahrenheit_converts_to_celsius_exactly_at_the_threshold() {
    let with = |temperature: &str| {
        format!(
            r#"{{"d_dimer": 0, "temperature": {temperature}, "amnesia": 0, "fall_height": 0, "creatinine": 80}}"#
        )
    };
    // 100.4 °F is exactly 38 °C, the threshold.
    assert_eq!(fired(&with(r#""100.4 [degF]""#)), ["fever"]);
    assert_eq!(fired(&with(r#""100.4 fahrenheit""#)), ["fever"]);
    assert_eq!(
        fired(&with(
            r#"{"value": 100.4, "unit": "°F", "system": "http://unitsofmeasure.org", "code": "[degF]"}"#
        )),
        ["fever"]
    );
    assert!(fired(&with(r#""100.399999 [degF]""#)).is_empty());
    assert_eq!(advice(&with(r#""100.4 [degF]""#)), advice(&with("38")));
    assert_eq!(fired(&with(r#""311.15 K""#)), ["fever"]);
}

#[test]
fn minutes_and_feet_are_units() {
    let with = |amnesia: &str, fall: &str| {
        format!(
            r#"{{"d_dimer": 0, "temperature": 37, "amnesia": {amnesia}, "fall_height": {fall}, "creatinine": 80}}"#
        )
    };
    assert_eq!(fired(&with(r#""0.5 hours""#, "0")), ["head_ct"]);
    assert!(fired(&with(r#""1799 s""#, "0")).is_empty());
    assert_eq!(fired(&with("0", r#""91.44 cm""#)), ["head_ct"]);
    assert!(fired(&with("0", r#""35.99 [in_i]""#)).is_empty());
}

#[test]
fn the_issues_mass_input_checks_cleanly() {
    // `number 0..100000 mg` got "did you mean `kg`?" (a factor of a
    // million); mg is a unit now.
    let dir = std::env::temp_dir().join(format!("leidraad-quantities-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mg.leidraad");
    std::fs::write(
        &path,
        "guideline mg \"Dosis\"\n\ninput dose : number 0..100000 mg \"Dosis\"\nexam lab \"Lab\"\n\nrule high \"Hoog\"\n  when dose > 4 g\n  then order lab routine\n",
    )
    .unwrap();
    let ran = support::run(support::leidraad(["check", path.to_str().unwrap()]));
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn batch_reads_quantities_as_single_records_do() {
    let records = [
        base(r#""0.5 mg/L""#),
        base(
            r#"{"value": 0.8, "unit": "mg/L", "system": "http://unitsofmeasure.org", "code": "mg/L"}"#,
        ),
        base(r#""0.5 kg""#),
        base("500"),
    ];
    let g = guideline();
    let batch = records.join("\n");
    let ran = support::run_with(
        support::leidraad(["eval", g.as_str(), "--batch", "-"]),
        batch.as_bytes(),
        support::LIMIT,
    );
    let lines: Vec<Json> = ran
        .stdout_lossy()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), records.len(), "{}", ran.stdout_lossy());
    for (line, record) in lines.iter().zip(&records) {
        let (_, single) = eval(record);
        assert_eq!(
            line.get("errors").is_some(),
            single.get("errors").is_some(),
            "{record}: {line} / {single}"
        );
        if let Some(recommendations) = single.get("recommendations") {
            let targets = |v: &Json| -> Vec<Json> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["target"].clone())
                    .collect()
            };
            assert_eq!(
                targets(&line["recommendations"]),
                targets(recommendations),
                "{record}"
            );
        }
    }
}
