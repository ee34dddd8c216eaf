//! The explanation of an answer from the decision diagram: what was
//! overruled is shown as far as the record decides it, also when the record
//! lacks an input the answer does not depend on (issue 7: `overruled` was
//! empty then, while the same patient with the input given showed it).

use leidraad::check::{check_file, load};
use leidraad::eval::{Evaluation, evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::model::record::read_record;
use leidraad::source::Sources;
use serde_json::{Value as Json, json};

const GUIDELINE: &str = r#"guideline drie "Drie regels"

input a : yes/no "A"
input b : yes/no "B"

exam X "X"

rule first "Eerste"
  when a
  then order X

rule third "Derde"
  when a and b
  then order X

rule second "Tweede"
  overrides first, third
  when a
  then avoid X
"#;

/// Evaluates a record on the diagram and, where it answers, with the
/// reference interpreter.
fn evaluate_both(record: &Json) -> (Evaluation, Option<Evaluation>) {
    let mut sources = Sources::new();
    let (file, _) = load(&mut sources, "drie.leidraad", GUIDELINE.as_bytes().to_vec());
    let (checked, diagnostics) = check_file(&sources, file);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    let valid = checked.valid().unwrap();
    let diagram =
        GroupedDiagram::compile_smaller(&valid.lowering.problem, &CompileOptions::default())
            .unwrap();
    let read = read_record(valid.guideline, record).unwrap();
    let compiled =
        evaluate_compiled(valid.guideline, valid.lowering, &diagram, &read.values).unwrap();
    let reference = evaluate(valid.guideline, valid.lowering, &read.values).ok();
    (compiled, reference)
}

fn overruled(evaluation: &Evaluation) -> Vec<(String, String)> {
    evaluation
        .overruled
        .iter()
        .map(|o| (o.rule.clone(), o.by_rule.clone()))
        .collect()
}

#[test]
fn overruled_is_shown_when_the_record_lacks_an_input_the_answer_does_not_need() {
    let (partial, reference) = evaluate_both(&json!({ "a": true }));
    // The reference refuses the record: rule `third` is undecided.
    assert!(reference.is_none());
    let rules: Vec<&str> = partial
        .recommendations
        .iter()
        .map(|r| r.rule.as_str())
        .collect();
    assert_eq!(rules, ["second"]);
    assert_eq!(
        overruled(&partial),
        [("first".to_owned(), "second".to_owned())]
    );
    assert_eq!(partial.fired, ["first", "second"]);
}

#[test]
fn with_every_input_given_the_diagram_explains_as_the_reference_does() {
    for b in [true, false] {
        let (compiled, reference) = evaluate_both(&json!({ "a": true, "b": b }));
        assert_eq!(Some(&compiled), reference.as_ref(), "b = {b}");
    }
    let (complete, _) = evaluate_both(&json!({ "a": true, "b": true }));
    assert_eq!(
        overruled(&complete),
        [
            ("first".to_owned(), "second".to_owned()),
            ("third".to_owned(), "second".to_owned())
        ]
    );
}
