//! Batch evaluation (issue 7, "Batch evaluation at the speed of reading"):
//! the fast record reader against the reference (`parse_json` then
//! `read_record`), the batch output writer against `to_json`, and the
//! command line's `--explain` and `--threads`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests stop loudly on any surprise"
)]

#[path = "../benches/support/load.rs"]
mod load;

use leidraad::check::CheckedFile;
use leidraad::logic::generate::SplitMix64;
use leidraad::model::record::{RecordReader, parse_json, read_record};
use serde_json::Value as Json;

fn lage_rugpijn() -> CheckedFile {
    let text = std::fs::read_to_string(load::lage_rugpijn_path()).unwrap();
    load::front_end("lage-rugpijn", &text)
}

/// What the reference makes of a record's text, as comparable text.
fn reference(checked: &CheckedFile, text: &str) -> String {
    match parse_json(text) {
        Err(error) => format!("not JSON: {error}"),
        Ok(json) => format!("{:?}", read_record(&checked.guideline, &json)),
    }
}

fn fast(reader: &RecordReader<'_>, text: &str) -> String {
    match reader.read(text) {
        Err(error) => format!("not JSON: {error}"),
        Ok(read) => format!("{read:?}"),
    }
}

/// Values that stress every branch of reading a field, as JSON text.
fn odd_values() -> Vec<String> {
    let raw = [
        "null",
        "true",
        "false",
        "0",
        "1",
        "-1",
        "-0",
        "45",
        "121",
        "2.5",
        "2.99999999999999999",
        "0.000001",
        "1e-05",
        "1e400",
        "-1e400",
        "99999999999999999999",
        "18446744073709551615",
        "-9223372036854775808",
        "\"3 months\"",
        "\"3 weeks\"",
        "\"2.99999999999999999 weeks\"",
        "\"3 kg\"",
        "\"3 wekes\"",
        "\"3\"",
        "\"three weeks\"",
        "\"3 weeks extra\"",
        "\"acute\"",
        "\"acut\"",
        "\"none\"",
        "\"mechanical\"",
        "\"\"",
        "[]",
        "[\"position\"]",
        "[\"position\", \"position\"]",
        "[\"medication\", \"position\"]",
        "[\"infection\", 3]",
        "[\"nope\", 3]",
        "[3, \"nope\"]",
        "[null]",
        "[[\"position\"]]",
        "[{\"a\": 1}]",
        "{}",
        "{\"a\": 1}",
        "{\"$serde_json::private::Number\": \"12\"}",
        "{\"$serde_json::private::Number\": \"x\"}",
    ];
    let mut values: Vec<String> = raw.iter().map(|text| (*text).to_owned()).collect();
    values.push(format!("\"{}\"", "x".repeat(500)));
    values.push("\"\\u001b]0;title\\u0007\"".to_owned());
    values
}

#[test]
fn the_fast_reader_reads_as_the_reference_does() {
    let checked = lage_rugpijn();
    let reader = RecordReader::new(&checked.guideline);
    let names: Vec<String> = checked
        .guideline
        .inputs
        .iter()
        .map(|i| i.id.clone())
        .collect();
    let odd = odd_values();
    let mut rng = SplitMix64::new(11);
    let mut texts: Vec<String> = Vec::new();
    for round in 0..3_000 {
        let Json::Object(record) = load::random_record(&checked, &mut rng) else {
            unreachable!()
        };
        // Field names and values as JSON text, in the generator's order.
        let mut record: Vec<(String, String)> = record
            .into_iter()
            .map(|(name, value)| (name, value.to_string()))
            .collect();
        // Mutations: odd values, removed and unknown fields.
        for _ in 0..rng.below(4) {
            let name = &names[rng.index(names.len())];
            let at = record.iter().position(|(field, _)| field == name);
            match (rng.below(4), at) {
                (0, Some(at)) => {
                    record.remove(at);
                }
                (_, Some(at)) => record[at].1 = odd[rng.index(odd.len())].clone(),
                (_, None) => record.push((name.clone(), odd[rng.index(odd.len())].clone())),
            }
        }
        for _ in 0..(if rng.chance(20) { rng.below(9) } else { 0 }) {
            let unknown = format!("{}{}", names[rng.index(names.len())], rng.below(3));
            if !record.iter().any(|(field, _)| *field == unknown) {
                record.insert(rng.index(record.len() + 1), (unknown, "1".to_owned()));
            }
        }
        let fields: Vec<String> = record
            .iter()
            .map(|(name, value)| format!("\"{name}\": {value}"))
            .collect();
        let text = format!("{{{}}}", fields.join(", "));
        texts.push(text.clone());
        // Text-level mutations: truncated, a field given twice, a name
        // written with an escape, trailing text, not an object.
        let cut = rng.index(text.len());
        texts.push(text[..cut].to_owned());
        let name = &names[round % names.len()];
        texts.push(text.replacen('{', &format!("{{\"{name}\": null, "), 1));
        texts.push(text.replacen("\"age\"", "\"ag\\u0065\"", 1));
        texts.push(format!("{text} x"));
        texts.push(text.replacen(":", ": {\"a\": 1, \"a\": 2}, \"zz\":", 1));
    }
    for text in [
        "",
        "null",
        "[]",
        "3",
        "2.5",
        "\"text\"",
        "{\"$serde_json::private::Number\": \"12\"}",
        "{\"$serde_json::private::Number\": 12}",
        "{\"age\": 45, \"$serde_json::private::Number\": \"12\"}",
        "{\"fever\": true, \"fever\": true}",
        "{\"x1\": 1, \"x1\": 2}",
        "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5, \"f\": 6, \"g\": 7}",
        "{\"age\": 45,}",
        "{\"age\" 45}",
        "{\"age\": 45} ",
    ] {
        texts.push(text.to_owned());
    }
    texts.push(format!("{}{}", "[".repeat(200), "]".repeat(200)));
    texts.push(format!(
        "{{\"age\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    ));
    for text in &texts {
        assert_eq!(
            fast(&reader, text),
            reference(&checked, text),
            "record: {text}"
        );
    }
}
