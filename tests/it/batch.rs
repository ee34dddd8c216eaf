//! Batch evaluation (issue 7, "Batch evaluation at the speed of reading"):
//! the fast record reader against the reference (`parse_json` then
//! `read_record`), the batch output writer against `to_json`, and the
//! command line's `--explain` and `--threads`.
#[path = "../../benches/support/load.rs"]
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
        // Quantities (issue 8): UCUM codes, FHIR Quantities, refusals.
        "\"3 wk\"",
        "\"90 min\"",
        "\"3 mg/L\"",
        "{\"value\": 3, \"unit\": \"wk\"}",
        "{\"value\": 3, \"code\": \"mo\", \"system\": \"http://unitsofmeasure.org\"}",
        "{\"value\": 3, \"unit\": \"wk\", \"comparator\": \"<\"}",
        "{\"value\": 3, \"unit\": \"wk\", \"id\": \"x\"}",
        "{\"unit\": \"wk\"}",
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

/// The bundled guideline with the sources it was read from.
fn lage_rugpijn_with_sources() -> (leidraad::source::Sources, CheckedFile) {
    let (sources, file, uses) = crate::support::bundled("lage-rugpijn.leidraad");
    let (checked, _) = leidraad::check::check_file_using(&sources, &uses, file);
    assert!(checked.lowering.is_some());
    (sources, checked)
}

#[test]
fn batch_lines_are_to_json_byte_for_byte() {
    use leidraad::eval::text::{Explain, JsonLines, to_json};
    use leidraad::eval::{evaluate, evaluate_compiled, evaluate_indexed};
    use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
    use leidraad::logic::index::RuleIndex;

    let (sources, checked) = lage_rugpijn_with_sources();
    let guideline = &checked.guideline;
    let lowering = checked.lowering.as_ref().unwrap();
    let index = RuleIndex::new(&lowering.problem);
    let diagram =
        GroupedDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()).unwrap();
    let writer = JsonLines::new(guideline, &sources, Explain::Full);
    let names: Vec<String> = guideline.inputs.iter().map(|i| i.id.clone()).collect();
    let mut rng = SplitMix64::new(5);
    let (mut compared, mut partial) = (0usize, 0usize);
    let (mut overruled, mut replaces, mut instead) = (0usize, 0usize, 0usize);
    for line in 1..=4_000usize {
        let Json::Object(mut record) = load::random_record(&checked, &mut rng) else {
            unreachable!()
        };
        if rng.chance(30) {
            for _ in 0..rng.below(6) {
                record.remove(&names[rng.index(names.len())]);
            }
        }
        let read = read_record(guideline, &Json::Object(record)).unwrap();
        let warnings = vec![format!("warning \"{line}\"\n\u{1b}")];
        // The advice alone is the full evaluation without its reasons.
        let advice =
            leidraad::eval::evaluate_indexed_advice(guideline, lowering, &index, &read.values);
        let without_reasons =
            evaluate_indexed(guideline, lowering, &index, &read.values).map(|e| {
                e.map(|mut e| {
                    e.recommendations.iter_mut().for_each(|r| r.because.clear());
                    e
                })
            });
        assert_eq!(advice, without_reasons);
        let evaluations = [
            evaluate_indexed(guideline, lowering, &index, &read.values),
            Some(evaluate_compiled(
                guideline,
                lowering,
                &diagram,
                &read.values,
            )),
            Some(evaluate(guideline, lowering, &read.values)),
        ];
        for evaluation in evaluations.into_iter().flatten() {
            let Ok(evaluation) = evaluation else { continue };
            let mut expected = to_json(guideline, &sources, &evaluation, &warnings);
            expected
                .as_object_mut()
                .unwrap()
                .insert("line".to_owned(), line.into());
            let mut out = Vec::new();
            writer.evaluation(&mut out, &evaluation, &warnings, line);
            let expected = format!("{}\n", serde_json::to_string(&expected).unwrap());
            assert_eq!(String::from_utf8(out).unwrap(), expected);
            compared += 1;
            overruled += usize::from(!evaluation.overruled.is_empty());
            let recommendations = &evaluation.recommendations;
            replaces += usize::from(recommendations.iter().any(|r| r.replaces.is_some()));
            instead += usize::from(recommendations.iter().any(|r| r.instead.is_some()));
            partial += usize::from(read.values.iter().any(Option::is_none));
        }
    }
    // The comparison saw overruled actions, alternatives and partial records.
    assert!(compared > 5_000 && partial > 500, "{compared} {partial}");
    assert!(
        overruled > 100 && replaces > 100 && instead > 100,
        "{overruled} {replaces} {instead}"
    );
}

/// A batch file of generated records, with the odd lines of the CLI
/// fixture (blank, not JSON, not UTF-8) among them.
fn batch_file(name: &str, records: usize) -> std::path::PathBuf {
    let checked = lage_rugpijn();
    let mut rng = SplitMix64::new(3);
    let mut text = Vec::new();
    for index in 0..records {
        let record = load::random_record(&checked, &mut rng);
        text.extend_from_slice(serde_json::to_string(&record).unwrap().as_bytes());
        text.extend_from_slice(b"\n");
        if index % 997 == 0 {
            text.extend_from_slice(b"\n{\"age\": 60, \"neuro_deficit\": \n\xff\xfe\r\n  \r\n");
        }
    }
    text.extend_from_slice(b"{\"age\": 45}");
    let dir = std::env::temp_dir().join(format!("leidraad-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn eval_batch(path: &std::path::Path, extra: &[&str]) -> (String, String, Option<i32>) {
    let mut command = super::support::leidraad(["eval"]);
    command
        .arg(load::lage_rugpijn_path())
        .arg("--batch")
        .arg(path)
        .args(extra);
    let output = super::support::run(command);
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        Some(output.status),
    )
}

#[test]
fn threads_keep_the_output_of_one_thread() {
    let path = batch_file("threads.jsonl", 6_000);
    let one = eval_batch(&path, &["--threads", "1"]);
    assert_eq!(one.2, Some(1), "{}", one.1);
    assert!(
        one.1.contains("dossiers konden niet worden geëvalueerd"),
        "{}",
        one.1
    );
    assert!(one.0.lines().count() > 6_000);
    for threads in ["2", "3"] {
        assert_eq!(
            eval_batch(&path, &["--threads", threads]),
            one,
            "--threads {threads}"
        );
    }
    for explain in ["reasons", "none"] {
        let one = eval_batch(&path, &["--threads", "1", "--explain", explain]);
        let two = eval_batch(&path, &["--threads", "2", "--explain", explain]);
        assert_eq!(one, two, "--explain {explain}");
    }
}

/// `--explain reasons` and `none` are the full result with fields left out.
#[test]
fn explain_modes_leave_out_the_explanation() {
    let path = batch_file("explain.jsonl", 1_500);
    let (full, _, _) = eval_batch(&path, &[]);
    let keep = |line: &str, top: &[&str], inner: &[&str]| -> Json {
        let mut value: Json = serde_json::from_str(line).unwrap();
        let object = value.as_object_mut().unwrap();
        if object.contains_key("errors") {
            return value;
        }
        object.retain(|key, _| top.contains(&key.as_str()));
        for r in object["recommendations"].as_array_mut().unwrap() {
            r.as_object_mut()
                .unwrap()
                .retain(|key, _| inner.contains(&key.as_str()));
        }
        value
    };
    let advice = ["instead", "kind", "replaces", "target", "urgency"];
    let with_reasons = [&advice[..], &["because", "rule"]].concat();
    for (mode, top, inner) in [
        (
            "none",
            &["line", "recommendations", "warnings"][..],
            &advice[..],
        ),
        (
            "reasons",
            &["line", "overruled", "recommendations", "warnings"][..],
            &with_reasons[..],
        ),
    ] {
        let (lean, _, status) = eval_batch(&path, &["--explain", mode]);
        assert_eq!(status, Some(1));
        assert_eq!(lean.lines().count(), full.lines().count());
        for (full_line, lean_line) in full.lines().zip(lean.lines()) {
            let lean_value: Json = serde_json::from_str(lean_line).unwrap();
            assert_eq!(lean_value, keep(full_line, top, inner), "--explain {mode}");
            // Written in the same key order as the full result.
            assert_eq!(serde_json::to_string(&lean_value).unwrap(), lean_line);
        }
    }
}

#[test]
fn explain_and_threads_need_a_batch() {
    for option in [["--explain", "none"], ["--threads", "2"]] {
        let mut command = super::support::leidraad(["eval"]);
        command
            .arg(load::lage_rugpijn_path())
            .args(["--facts", "-"])
            .args(option);
        let output = super::support::run(command);
        assert_eq!(output.status, 2, "{option:?}");
    }
}
