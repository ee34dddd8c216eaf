//! Advice in the guideline's language: a Dutch guideline's `eval` text
//! output, its explanations and its flowcharts hold no English word, only
//! Dutch words from the words table (`src/model/words/nl.rs`) and the
//! guideline's own names and labels.
//!
//! The test reads the output word by word and fails on any word of an
//! English list that the table could have let through; a word that the
//! guideline itself declares (an input's name, a value such as `none`, a
//! rule's name) or writes in a label is the editor's, not ours, and is
//! allowed.

use crate::support;
use leidraad::check::{CheckOptions, check_using};
use leidraad::emit::{Compiled, mermaid};
use leidraad::eval::text::human;
use leidraad::eval::{evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::logic::generate::SplitMix64;
use leidraad::model::Guideline;
use leidraad::model::record::read_record;
use std::collections::BTreeSet;

/// English words the output of a Dutch guideline must not hold: every
/// English word of the English table and of the renderers that a Dutch
/// table could leave untranslated (`week`, `of`, `is`, `in` and `routine`
/// are Dutch words too, and left out).
pub const ENGLISH: &[&str] = &[
    "order",
    "refer",
    "avoid",
    "because",
    "rule",
    "rules",
    "urgent",
    "same",
    "day",
    "days",
    "within",
    "hour",
    "hours",
    "weeks",
    "year",
    "years",
    "month",
    "months",
    "minute",
    "minutes",
    "second",
    "seconds",
    "instead",
    "alternative",
    "to",
    "overruled",
    "from",
    "by",
    "warning",
    "field",
    "was",
    "ignored",
    "not",
    "and",
    "or",
    "yes",
    "no",
    "unknown",
    "known",
    "asked",
    "any",
    "value",
    "recommendation",
    "for",
    "this",
    "patient",
    "the",
    "applies",
    "always",
    "never",
    "at",
    "least",
    "fewer",
    "than",
    "impossible",
    "exam",
    "referral",
    "nothing",
    "question",
    "questions",
    "advice",
    "certain",
    "possible",
    "still",
    "change",
    "none",
    "yet",
    "settled",
    "answer",
    "answers",
    "choose",
    "number",
    "whole",
    "type",
    "back",
    "go",
    "try",
    "again",
    "understood",
    "record",
    "stopped",
    "more",
    "several",
    "separated",
    "commas",
    "if",
    "first",
    "can",
    "when",
    "then",
    "has",
];

/// Words of `text`: runs of letters, digits and `_` (so that a name such as
/// `acute_deficit` is one word).
fn words_of(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The guideline's own words: its names, values and members, and the words
/// of its labels and of the file names shown.
pub fn own_words(guideline: &Guideline, file_names: &[&str]) -> BTreeSet<String> {
    let mut own = BTreeSet::new();
    let mut add = |text: &str| {
        for word in words_of(text) {
            own.insert(word.to_lowercase());
        }
    };
    for input in &guideline.inputs {
        add(&input.id);
        add(&input.label);
        match &input.ty {
            leidraad::model::Type::OneOf(values) | leidraad::model::Type::AnyOf(values) => {
                values.iter().for_each(|v| add(v));
            }
            _ => {}
        }
    }
    for rule in &guideline.rules {
        add(&rule.id);
        add(&rule.label);
    }
    for entry in &guideline.entries {
        add(&entry.id);
        add(&entry.label);
    }
    for definition in &guideline.definitions {
        add(&definition.id);
        definition.label.iter().for_each(|l| add(l));
    }
    for score in &guideline.scores {
        add(&score.id);
        add(&score.label);
    }
    if let Some(header) = &guideline.header {
        add(&header.label);
    }
    file_names.iter().for_each(|f| add(f));
    own
}

/// The English words of `text` that are not the guideline's own.
pub fn english_in(text: &str, own: &BTreeSet<String>) -> BTreeSet<String> {
    words_of(text)
        .into_iter()
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()) && !own.contains(w))
        .collect()
}

/// Evaluates random records of a Dutch guideline (complete ones by the
/// reference, and with fields left out on the diagram), and checks every
/// text result and the flowchart; returns how many results were read.
fn no_english_in(path: &str) -> usize {
    let text = std::fs::read_to_string(support::root().join(path)).unwrap();
    let folder = support::root().join(std::path::Path::new(path).parent().unwrap());
    let (sources, file, uses) = support::load_with_uses(path, &text, &folder);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{path} has errors");
    let checked = &result.files[0];
    let guideline = &checked.guideline;
    let lowering = checked.lowering.as_ref().unwrap();
    let names: Vec<&str> = sources.iter().map(|(id, _)| sources.name(id)).collect();
    let own = own_words(guideline, &names);
    let diagram =
        GroupedDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()).unwrap();
    let sizes = lowering.problem.var_sizes.clone();
    let mut rng = SplitMix64::new(0x0011_0a1d);
    let mut read_results = 0;
    let check = |shown: &str, what: &str| {
        let english = english_in(shown, &own);
        assert!(
            english.is_empty(),
            "{path}: English words {english:?} in {what}:\n{shown}"
        );
    };
    for _ in 0..400 {
        let classes: Vec<u32> = sizes
            .iter()
            .map(|&size| rng.below(u64::from(size)) as u32)
            .collect();
        let record = lowering.witness_record(guideline, &classes);
        let read = read_record(guideline, &record).unwrap();
        if let Ok(evaluation) = evaluate(guideline, lowering, &read.values) {
            check(
                &human(guideline, &sources, &evaluation, &[]),
                &format!("{record}"),
            );
            read_results += 1;
        }
        let serde_json::Value::Object(mut fields) = record else {
            unreachable!()
        };
        fields.retain(|_, _| rng.below(3) != 0);
        let thinned = serde_json::Value::Object(fields);
        let read = read_record(guideline, &thinned).unwrap();
        if let Ok(evaluation) = evaluate_compiled(guideline, lowering, &diagram, &read.values) {
            check(
                &human(guideline, &sources, &evaluation, &[]),
                &format!("{thinned}"),
            );
            read_results += 1;
        }
    }
    // The flowchart of every group, and of each catalogue entry.
    for group in diagram.groups() {
        let compiled = Compiled {
            guideline,
            lowering,
            diagram: &group.diagram,
        };
        check(&mermaid(&compiled, None), "the flowchart");
    }
    read_results
}

#[test]
fn a_dutch_guidelines_advice_has_no_english_word() {
    for path in [
        "tests/fixtures/words/hoofdletsel.leidraad",
        "guidelines/lage-rugpijn.leidraad",
        "guidelines/nhg-beeldvorming.leidraad",
    ] {
        let results = no_english_in(path);
        assert!(results > 50, "{path}: only {results} results read");
    }
}

#[test]
fn the_english_list_finds_an_english_word() {
    // The test above can fail: the English table's words are caught.
    let own = BTreeSet::new();
    let english = english_in(
        "  order CT \"CT\" (same day)\n      rule `x`\n      because: Koorts: yes",
        &own,
    );
    assert_eq!(
        english.into_iter().collect::<Vec<_>>(),
        ["because", "day", "order", "rule", "same", "yes"]
    );
    // A name the guideline declares is its own.
    let own: BTreeSet<String> = ["none".to_owned()].into();
    assert!(english_in("(Recent) trauma: none", &own).is_empty());
}

#[test]
fn the_eval_command_speaks_dutch_with_a_warning() {
    // A field given for an input this patient is not asked: the warning
    // too is in Dutch.
    let run = support::run_with(
        support::leidraad([
            "eval",
            "tests/fixtures/words/hoofdletsel.leidraad",
            "--facts",
            "-",
        ]),
        br#"{"leeftijd": 70, "duur": 3, "uren": 2, "gcs": 12, "braken": 3, "stolling": null, "dosis": 6, "klachten": ["insult"], "ct_mogelijk": false}"#,
        std::time::Duration::from_secs(60),
    );
    let stdout = run.stdout_lossy();
    assert_eq!(run.status, 0, "{}", run.stderr_lossy());
    assert!(
        stdout.contains("waarschuwing: veld `dosis` is genegeerd"),
        "{stdout}"
    );
    assert!(stdout.contains("bestel CT_hoofd"), "{stdout}");
    let own: BTreeSet<String> = ["dosis".to_owned(), "ct_hoofd".to_owned()].into();
    let english = english_in(&stdout, &own);
    assert!(english.is_empty(), "{english:?}\n{stdout}");
}
