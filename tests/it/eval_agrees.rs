//! The compiled decision diagram and the rule-by-rule reference interpreter
//! give every patient of the bundled guidelines, and of generated
//! guidelines, the same recommendations.
//!
//! Generated guidelines come from the benchmarks' generator
//! (`benches/support/synth.rs`): rules over mixed input types that overlap
//! like the rows of a decision table, and, in the guideline-like variant,
//! overrides, an `assume` and an `asked when`. They go through the same
//! front end as a file.
//!
//! Records are generated from random value classes, written as the JSON a
//! user gives `eval`, read back and evaluated both ways. Records with fields
//! left out check that the diagram reads only what matters: where it answers,
//! the complete record gets the same answer; where it asks, the field it
//! names is missing. Run longer with `LEIDRAAD_EVAL_RECORDS=<n>` (default
//! 100000 per guideline).

use crate::support;
use leidraad::check::{CheckOptions, check_using};
use leidraad::eval::{EvalError, Evaluation, evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::logic::generate::SplitMix64;
use leidraad::model::record::read_record;
use serde_json::Value as Json;

#[path = "../../benches/support/synth.rs"]
pub(crate) mod synth;

/// Records per guideline: `LEIDRAAD_EVAL_RECORDS`, or CI's size times
/// `LEIDRAAD_TEST_SCALE` (see `support::cases`).
fn records_per_guideline() -> usize {
    support::cases("LEIDRAAD_EVAL_RECORDS", EVAL_RECORDS) as usize
}

/// CI's number of records per guideline.
const EVAL_RECORDS: u64 = 100_000;

/// What a patient gets, without the explanation (the diagram explains only
/// the rules it had to decide).
fn advice(evaluation: &Evaluation) -> Vec<(String, String, String, Option<String>)> {
    evaluation
        .recommendations
        .iter()
        .map(|r| {
            (
                format!("{:?}", r.kind),
                r.target.clone(),
                r.rule.clone(),
                r.urgency.map(|u| format!("{u:?}")),
            )
        })
        .collect()
}

fn agree_on(path: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    agree_on_text(path, text);
}

fn agree_on_text(path: &str, text: String) {
    // A bundled guideline's vocabulary is read from its folder.
    let folder = crate::support::root().join(
        std::path::Path::new(path)
            .parent()
            .unwrap_or(std::path::Path::new("")),
    );
    let (sources, file, uses) = crate::support::load_with_uses(path, &text, &folder);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{path} has errors");
    let checked = &result.files[0];
    let guideline = &checked.guideline;
    let lowering = checked.lowering.as_ref().unwrap();
    // The order `eval` and `compile` use.
    let diagram =
        GroupedDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()).unwrap();
    let sizes = lowering.problem.var_sizes.clone();
    let mut rng = SplitMix64::new(0x1e1d_4aad);
    let (mut patients, mut impossible, mut partial_answered, mut partial_asked) = (0, 0, 0, 0);
    for _ in 0..records_per_guideline() {
        let classes: Vec<u32> = sizes
            .iter()
            .map(|&size| rng.below(u64::from(size)) as u32)
            .collect();
        let record = lowering.witness_record(guideline, &classes);
        let read = read_record(guideline, &record).unwrap();
        let reference = evaluate(guideline, lowering, &read.values);
        let compiled = evaluate_compiled(guideline, lowering, &diagram, &read.values);
        match (&reference, &compiled) {
            (Ok(a), Ok(b)) => {
                patients += 1;
                assert_eq!(advice(a), advice(b), "record {record}");
            }
            // Random classes often contradict an `assume`, or choose "not
            // asked" for an input whose `asked when` holds (the record then
            // lacks a field that matters); both must say so, naming the same
            // field.
            (Err(EvalError::Missing(a)), Err(EvalError::Missing(b))) => {
                assert!(b.iter().all(|i| a.contains(i)), "record {record}");
                impossible += 1;
            }
            // The diagram may answer where the interpreter cannot: the
            // missing field does not matter for any patient the record can
            // be. Check that against the interpreter on every completion.
            (Err(EvalError::Missing(inputs)), Ok(answer)) => {
                let vars: Vec<usize> = inputs
                    .iter()
                    .flat_map(|i| lowering.inputs[*i].vars.iter().map(|v| *v as usize))
                    .collect();
                let mut completions = 0;
                let total: u64 = vars.iter().map(|v| u64::from(sizes[*v])).product();
                assert!(total <= 4096, "too many completions to check");
                for mut index in 0..total {
                    let mut other = classes.clone();
                    for v in &vars {
                        other[*v] = (index % u64::from(sizes[*v])) as u32;
                        index /= u64::from(sizes[*v]);
                    }
                    let record = lowering.witness_record(guideline, &other);
                    let read = read_record(guideline, &record).unwrap();
                    if let Ok(full) = evaluate(guideline, lowering, &read.values) {
                        completions += 1;
                        assert_eq!(advice(&full), advice(answer), "completion {record}");
                    }
                }
                assert!(
                    completions > 0,
                    "record {record}: the diagram answers for no patient"
                );
                impossible += 1;
            }
            (Err(EvalError::Missing(_)), _) | (_, Err(EvalError::Missing(_))) => {
                panic!("record {record}: {reference:?} / {compiled:?}")
            }
            (Err(_), Err(_)) => impossible += 1,
            _ => panic!("record {record}: reference {reference:?}, diagram {compiled:?}"),
        }
        // Leave out some fields: the diagram answers as for the complete
        // record, or names a field that is missing.
        let Ok(full) = &reference else { continue };
        // A record that gives an input which is not asked (its value is set
        // aside) changes meaning when the fields that decide `asked when`
        // are left out; thin only records without such fields.
        if !guideline.complete(&read.values).1.is_empty() {
            continue;
        }
        let Json::Object(fields) = &record else {
            unreachable!()
        };
        let mut thinned = fields.clone();
        // A field with a default is never unknown: leaving it out means
        // the default, so only fields without one are left out.
        thinned.retain(|name, _| {
            let has_default = guideline
                .inputs
                .iter()
                .any(|i| &i.id == name && i.default.is_some());
            has_default || rng.below(4) != 0
        });
        let thinned = Json::Object(thinned);
        let read = read_record(guideline, &thinned).unwrap();
        match evaluate_compiled(guideline, lowering, &diagram, &read.values) {
            Ok(answer) => {
                partial_answered += 1;
                assert_eq!(advice(full), advice(&answer), "record {thinned}");
            }
            Err(EvalError::Missing(inputs)) => {
                partial_asked += 1;
                assert_eq!(inputs.len(), 1);
                let name = &guideline.inputs[inputs[0]].id;
                assert!(
                    thinned.get(name).is_none(),
                    "asked for `{name}`, which {thinned} gives"
                );
            }
            Err(other) => panic!("thinned record {thinned}: {other:?} (complete one was fine)"),
        }
    }
    // The generator must reach real patients, or the test proves little.
    assert!(
        patients > records_per_guideline() / 20,
        "{path}: only {patients} patients"
    );
    assert!(partial_answered > 0 && partial_asked > 0);
    eprintln!(
        "{path}: {patients} patients agree, {impossible} impossible or incomplete records rejected by both, \
         {partial_answered} partial records answered, {partial_asked} asked for a missing field"
    );
}

#[test]
fn lage_rugpijn_diagram_agrees_with_reference() {
    agree_on("guidelines/lage-rugpijn.leidraad");
}

#[test]
fn whole_numbers_and_unknown_answers_diagram_agrees_with_reference() {
    agree_on("tests/fixtures/records/ankle.leidraad");
}

#[test]
fn nhg_beeldvorming_diagram_agrees_with_reference() {
    agree_on("guidelines/nhg-beeldvorming.leidraad");
}

#[test]
fn wells_dvt_diagram_agrees_with_reference() {
    agree_on("guidelines/wells-dvt.leidraad");
}

#[test]
fn nice_head_injury_diagram_agrees_with_reference() {
    agree_on("guidelines/nice-head-injury.leidraad");
}

#[test]
fn esur_contrast_kidney_diagram_agrees_with_reference() {
    agree_on("guidelines/esur-contrast-kidney.leidraad");
}

#[test]
fn generated_table_diagram_agrees_with_reference() {
    let text = synth::generate(&synth::Params::plain(7, 60, 6)).leidraad();
    agree_on_text("generated plain 60 x 6", text);
}

#[test]
fn generated_guideline_diagram_agrees_with_reference() {
    let text = synth::generate(&synth::Params::guideline(11, 60, 6)).leidraad();
    agree_on_text("generated guideline 60 x 6", text);
}
