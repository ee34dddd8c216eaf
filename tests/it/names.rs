//! Names and the errors editors make (docs/language.md, "How a file is laid
//! out"). Names outside ASCII: a guideline whose inputs, values, members,
//! definitions, entries, groups and rules carry letters such as `ë` checks
//! clean, passes its case, and evaluates records whose fields and values
//! spell the names exactly as declared; a record that spells one with other
//! characters (not in NFC) is refused with the field named, never matched by
//! guess. A broken header is one error, not also a missing header. (The
//! errors themselves are fixtures under `tests/fixtures/diagnostics/`.)

use crate::support::{self, Ran};
use leidraad::check::check_file;
use leidraad::source::Sources;
use serde_json::Value as Json;

const GUIDELINE: &str = "tests/fixtures/names/unicode-names.leidraad";

fn leidraad(args: &[&str], stdin: &[u8]) -> Ran {
    support::run_with(support::leidraad(args), stdin, support::LIMIT)
}

fn eval_json(record: &str) -> (Ran, Json) {
    let ran = leidraad(
        &["eval", GUIDELINE, "--facts", "-", "--format", "json"],
        record.as_bytes(),
    );
    let value = serde_json::from_slice(&ran.stdout).unwrap_or(Json::Null);
    (ran, value)
}

/// The recommendations of an `eval --format json` result, as
/// `kind target urgency rule`.
fn advice(value: &Json) -> Vec<String> {
    let mut out: Vec<String> = value["recommendations"]
        .as_array()
        .unwrap_or_else(|| panic!("recommendations in {value}"))
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["kind"].as_str().unwrap(),
                r["target"].as_str().unwrap(),
                r["urgency"].as_str().unwrap_or("-"),
                r["rule"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_guideline_with_unicode_names_checks_clean_and_passes_its_cases() {
    let check = leidraad(&["check", GUIDELINE, "--deny", "warnings"], b"");
    assert_eq!(check.status, 0, "{}", check.stderr_lossy());
    let test = leidraad(&["test", GUIDELINE], b"");
    assert_eq!(test.status, 0, "{}", test.stderr_lossy());
}

#[test]
fn record_fields_and_values_with_unicode_names_are_read() {
    let (ran, value) = eval_json(
        r#"{"bewustzijn": "desoriëntatie", "leeftijd": 40, "verschijnselen": [], "val_van_hoogte_ñ": false}"#,
    );
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    assert_eq!(advice(&value), ["order CT_schedel urgent verwarde_patiënt"]);
    // The field with `ñ` counts: a fall from height makes the risk.
    let (ran, value) = eval_json(
        r#"{"bewustzijn": "helder", "leeftijd": 40, "verschijnselen": ["braken"], "val_van_hoogte_ñ": true}"#,
    );
    assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
    assert_eq!(
        advice(&value),
        ["order CT_schedel same_day braken_én_risico"]
    );
}

#[test]
fn a_record_spelling_a_name_with_other_characters_is_refused() {
    // `desoriëntatie` with `e` + U+0308 instead of `ë`: the same to the eye,
    // another value to the guideline.
    let (ran, value) = eval_json(
        "{\"bewustzijn\": \"desorie\u{308}ntatie\", \"leeftijd\": 40, \"verschijnselen\": [], \"val_van_hoogte_ñ\": false}",
    );
    assert_eq!(ran.status, 1, "{}", ran.stdout_lossy());
    let errors = value["errors"].as_array().expect("an `errors` array");
    assert!(errors.iter().any(|e| e["field"] == "bewustzijn"), "{value}");
    assert!(
        value
            .get("recommendations")
            .is_none_or(|r| r.as_array().is_some_and(Vec::is_empty)),
        "{value}"
    );
    // The field `val_van_hoogte_ñ` with `n` + U+0303: not the input, so the
    // record is refused, not read as if there had been no fall.
    let (ran, value) = eval_json(
        "{\"bewustzijn\": \"helder\", \"leeftijd\": 40, \"verschijnselen\": [\"braken\"], \"val_van_hoogte_n\u{303}\": true}",
    );
    assert_eq!(ran.status, 1, "{}", ran.stdout_lossy());
    let errors = value["errors"].as_array().expect("an `errors` array");
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "val_van_hoogte_n\u{303}"
                && e["message"].as_str().is_some_and(
                    |m| m.contains("niet in Unicode NFC") && m.contains("`val_van_hoogte_ñ`")
                )),
        "{value}"
    );
}

#[test]
fn a_broken_header_is_not_also_a_missing_one() {
    for header in [
        "guideline \"G\"",
        "guideline g G\"",
        "guideline g \"G\" version 1",
        "guideline",
    ] {
        let text = format!("{header}\ninput a : yes/no \"A\"\n");
        let mut sources = Sources::new();
        let file = sources.add("g.leidraad", text.as_str());
        let (_, diagnostics) = check_file(&sources, file);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes, ["L001"], "{header}");
    }
}
