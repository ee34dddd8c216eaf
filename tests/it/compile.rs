//! `leidraad compile`: the emitted forms of a small guideline are
//! snapshotted, and the JSON of every bundled guideline is validated against
//! `docs/diagram.schema.json` and walked like a foreign program would walk
//! it, giving the same answers as `eval`.

use crate::support;
use serde_json::Value as Json;

const SMALL: &str = "tests/fixtures/compile/acute-deficit.leidraad";

fn compile(file: &str, args: &[&str]) -> String {
    let mut command = support::leidraad(["compile", file]);
    command.args(args).env("NO_COLOR", "1");
    let output = support::run(command);
    assert!(
        output.status == 0,
        "compile {file} {args:?}: {}",
        output.stderr_lossy()
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn small_guideline_as_rules() {
    insta::assert_snapshot!(compile(SMALL, &["--emit", "rules"]));
}

#[test]
fn small_guideline_as_mermaid() {
    insta::assert_snapshot!(compile(SMALL, &["--emit", "mermaid"]));
}

#[test]
fn small_guideline_as_dot() {
    insta::assert_snapshot!(compile(SMALL, &["--emit", "dot"]));
}

#[test]
fn small_guideline_as_json() {
    insta::assert_snapshot!(compile(SMALL, &["--emit", "json"]));
}

#[test]
fn flowchart_for_one_target() {
    insta::assert_snapshot!(compile(
        SMALL,
        &["--emit", "mermaid", "--target", "spine_surgeon"]
    ));
}

#[test]
fn unknown_target_is_a_usage_error() {
    let output = support::run(support::leidraad([
        "compile", SMALL, "--emit", "dot", "--target", "MRI",
    ]));
    assert_eq!(output.status, 2);
    let stderr = output.stderr_lossy();
    assert!(stderr.contains("`MRI` is not in the catalogue"), "{stderr}");
}

/// A validator for the part of JSON Schema that `docs/diagram.schema.json`
/// uses; it fails on any keyword it does not know, so the schema cannot
/// silently say more than is checked.
fn validate(schema: &Json, root: &Json, value: &Json, path: &str) -> Result<(), String> {
    let Json::Object(rules) = schema else {
        return Err(format!("{path}: schema is not an object"));
    };
    for (keyword, rule) in rules {
        match keyword.as_str() {
            "$schema" | "$id" | "$defs" | "title" | "description" => {}
            "$ref" => {
                let name = rule.as_str().unwrap().trim_start_matches("#/$defs/");
                validate(&root["$defs"][name], root, value, path)?;
            }
            "type" => {
                let ok = match rule.as_str().unwrap() {
                    "object" => value.is_object(),
                    "array" => value.is_array(),
                    "string" => value.is_string(),
                    "integer" => value.is_u64() || value.is_i64(),
                    other => return Err(format!("{path}: unknown type {other}")),
                };
                if !ok {
                    return Err(format!("{path}: expected {rule}, got {value}"));
                }
            }
            "const" => {
                if value != rule {
                    return Err(format!("{path}: expected {rule}, got {value}"));
                }
            }
            "enum" => {
                if !rule.as_array().unwrap().contains(value) {
                    return Err(format!("{path}: {value} not in {rule}"));
                }
            }
            "minimum" => {
                if value.as_i64().unwrap_or(-1) < rule.as_i64().unwrap() {
                    return Err(format!("{path}: {value} below {rule}"));
                }
            }
            "minItems" | "maxItems" => {
                let len = value.as_array().map_or(0, Vec::len) as u64;
                let bound = rule.as_u64().unwrap();
                if (keyword == "minItems" && len < bound) || (keyword == "maxItems" && len > bound)
                {
                    return Err(format!("{path}: {len} items breaks {keyword} {bound}"));
                }
            }
            "required" => {
                for name in rule.as_array().unwrap() {
                    if value.get(name.as_str().unwrap()).is_none() {
                        return Err(format!("{path}: missing {name}"));
                    }
                }
            }
            "properties" => {
                for (name, sub) in rule.as_object().unwrap() {
                    if let Some(field) = value.get(name) {
                        validate(sub, root, field, &format!("{path}.{name}"))?;
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(rule, &Json::Bool(false));
                let known = rules["properties"].as_object().unwrap();
                for name in value.as_object().unwrap().keys() {
                    if !known.contains_key(name) {
                        return Err(format!("{path}: unexpected field {name}"));
                    }
                }
            }
            "items" => {
                for (index, item) in value.as_array().unwrap().iter().enumerate() {
                    validate(rule, root, item, &format!("{path}[{index}]"))?;
                }
            }
            "oneOf" => {
                let matching = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|sub| validate(sub, root, value, path).is_ok())
                    .count();
                if matching != 1 {
                    return Err(format!("{path}: matches {matching} alternatives of oneOf"));
                }
            }
            "pattern" => {
                let text = value.as_str().unwrap_or("");
                let ok = match rule.as_str().unwrap() {
                    TIME_FRAME_PATTERN => is_time_frame(text),
                    other => {
                        return Err(format!(
                            "{path}: the test validator does not know the pattern {other}"
                        ));
                    }
                };
                if !ok {
                    return Err(format!("{path}: {value} does not match {rule}"));
                }
            }
            other => return Err(format!("{path}: the test validator does not know {other}")),
        }
    }
    Ok(())
}

/// The one `pattern` of the schema: an urgency that is a time frame.
const TIME_FRAME_PATTERN: &str = "^within [1-9][0-9]* (second|minute|hour|day|week|month|year)s?$";

/// [`TIME_FRAME_PATTERN`], matched by hand (no regex dependency).
fn is_time_frame(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("within ") else {
        return false;
    };
    let Some((count, unit)) = rest.split_once(' ') else {
        return false;
    };
    let digits =
        !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) && !count.starts_with('0');
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    digits && ["second", "minute", "hour", "day", "week", "month", "year"].contains(&unit)
}

#[test]
fn the_time_frame_pattern_is_matched_by_hand() {
    for good in [
        "within 1 hour",
        "within 8 hours",
        "within 2 weeks",
        "within 90 minutes",
    ] {
        assert!(is_time_frame(good), "{good}");
    }
    for bad in [
        "within 0 hours",
        "within 01 hour",
        "within 1.5 hours",
        "within 1 hourss",
        "8 hours",
        "within hours",
    ] {
        assert!(!is_time_frame(bad), "{bad}");
    }
}

fn schema() -> Json {
    serde_json::from_str(&std::fs::read_to_string("docs/diagram.schema.json").unwrap()).unwrap()
}

#[test]
fn emitted_json_follows_the_schema() {
    let schema = schema();
    for file in [
        SMALL,
        "tests/fixtures/compile/coded.leidraad",
        "guidelines/lage-rugpijn.leidraad",
        "guidelines/nhg-beeldvorming.leidraad",
        "guidelines/wells-dvt.leidraad",
        "guidelines/nice-head-injury.leidraad",
        "guidelines/esur-contrast-kidney.leidraad",
        "tests/fixtures/deadlines/head-injury.leidraad",
        "tests/fixtures/deadlines/head-injury-too-late.leidraad",
    ] {
        let document: Json = serde_json::from_str(&compile(file, &["--emit", "json"])).unwrap();
        validate(&schema, &schema, &document, "$").unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let schema = schema();
    let good: Json = serde_json::from_str(&compile(SMALL, &["--emit", "json"])).unwrap();
    let mut extra = good.clone();
    extra["diagrams"][0]["nodes"][0]["colour"] = Json::from("red");
    assert!(validate(&schema, &schema, &extra, "$").is_err());
    let mut missing = good.clone();
    missing["diagrams"][0]
        .as_object_mut()
        .unwrap()
        .remove("root");
    assert!(validate(&schema, &schema, &missing, "$").is_err());
    let mut wrong_kind = good;
    wrong_kind["entries"][0]["kind"] = Json::from("scan");
    assert!(validate(&schema, &schema, &wrong_kind, "$").is_err());
}

/// Walks one diagram of the JSON document for a patient given as classes
/// per variable.
fn walk<'a>(diagram: &'a Json, classes: &[u64]) -> &'a Json {
    let mut at = &diagram["root"];
    loop {
        if let Some(leaf) = at.get("leaf") {
            return &diagram["leaves"][leaf.as_u64().unwrap() as usize];
        }
        let node = &diagram["nodes"][at["node"].as_u64().unwrap() as usize];
        let class = classes[node["variable"].as_u64().unwrap() as usize];
        at = node["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|edge| {
                let range = edge["classes"].as_array().unwrap();
                range[0].as_u64().unwrap() <= class && class <= range[1].as_u64().unwrap()
            })
            .map(|edge| &edge["to"])
            .unwrap();
    }
}

#[test]
fn the_json_diagram_alone_gives_every_patient_of_the_small_guideline_its_advice() {
    let document: Json = serde_json::from_str(&compile(SMALL, &["--emit", "json"])).unwrap();
    let sizes: Vec<u64> = document["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["classes"].as_array().unwrap().len() as u64)
        .collect();
    let total: u64 = sizes.iter().product();
    let mut patients = 0;
    for mut index in 0..total {
        let classes: Vec<u64> = sizes
            .iter()
            .map(|size| {
                let class = index % size;
                index /= size;
                class
            })
            .collect();
        // Every diagram answers; a patient who violates an assumption
        // does so in all of them.
        let diagrams = document["diagrams"].as_array().unwrap();
        let leaves: Vec<&Json> = diagrams.iter().map(|d| walk(d, &classes)).collect();
        if leaves.iter().any(|leaf| leaf.get("actions").is_none()) {
            assert!(leaves.iter().all(|leaf| leaf.get("actions").is_none()));
            continue;
        }
        patients += 1;
        // The same patient as a record, through `eval`.
        let mut record = serde_json::Map::new();
        for (var, class) in document["variables"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&classes)
        {
            let label = var["classes"][*class as usize]["label"].as_str().unwrap();
            let input = var["input"].as_str().unwrap();
            let value = match input {
                "age" => match label {
                    "= 0 jaar" => Json::from(0),
                    "> 0 en < 18 jaar" => Json::from(10),
                    "= 18 jaar" => Json::from(18),
                    "> 18 en < 120 jaar" => Json::from(50),
                    "= 120 jaar" => Json::from(120),
                    other => panic!("age class {other}"),
                },
                "mri_possible" => Json::Bool(label == "ja"),
                "suspected" => {
                    let list = record.entry("suspected").or_insert(Json::Array(Vec::new()));
                    if label == "ja" {
                        list.as_array_mut().unwrap().push(var["member"].clone());
                    }
                    continue;
                }
                _ if label == "niet gevraagd" => continue,
                // A `one of` value: its name, not its label.
                _ => var["classes"][*class as usize]["value"].clone(),
            };
            record.insert(input.to_owned(), value);
        }
        let output = support::run_with(
            support::leidraad(["eval", SMALL, "--facts", "-", "--format", "json"]),
            Json::Object(record.clone()).to_string().as_bytes(),
            support::LIMIT,
        );
        assert!(output.status == 0, "eval {record:?}");
        let result: Json = serde_json::from_slice(&output.stdout).unwrap();
        // The leaves hold the advice; the rule that gave it belongs to the
        // diagram of its group. Groups are walked one after the other, so
        // the advice is compared as a multiset.
        let group_of = |rule: &Json| {
            diagrams
                .iter()
                .position(|d| d["rules"].as_array().unwrap().contains(rule))
                .unwrap()
        };
        let mut from_eval: Vec<(String, String, usize)> = result["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["kind"].to_string(),
                    r["target"].to_string(),
                    group_of(&r["rule"]),
                )
            })
            .collect();
        let mut from_json: Vec<(String, String, usize)> = leaves
            .iter()
            .enumerate()
            .flat_map(|(group, leaf)| {
                leaf["actions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |a| (a["kind"].to_string(), a["target"].to_string(), group))
            })
            .collect();
        from_eval.sort();
        from_json.sort();
        assert_eq!(from_eval, from_json, "record {record:?}");
    }
    assert!(patients > 20, "only {patients} patients");
}
