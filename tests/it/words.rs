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
    // The words of sentences and of the review site (`leidraad doc`).
    "sooner",
    "some",
    "anything",
    "under",
    "takes",
    "precedence",
    "it",
    "every",
    "entry",
    "name",
    "file",
    "uses",
    "requirement",
    "requirements",
    "case",
    "cases",
    "given",
    "expects",
    "result",
    "passes",
    "fails",
    "proved",
    "verified",
    "boxes",
    "catalogue",
    "definition",
    "definitions",
    "holds",
    "points",
    "unit",
    "range",
    "values",
    "default",
    "source",
    "contents",
    "line",
    "groups",
    "measure",
    "vocabulary",
    "guideline",
    "questionnaire",
    "example",
];

/// `text` with every `<code>…</code>` (names, as the editor wrote them)
/// and every tag removed.
fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<code>") {
        text.push_str(&rest[..at]);
        let end = rest[at..]
            .find("</code>")
            .map_or(rest.len(), |e| at + e + 7);
        text.push(' ');
        rest = &rest[end..];
    }
    text.push_str(rest);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The section `id` of a page.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").unwrap() + start;
    &page[start..end]
}

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

/// The review site of a guideline that uses every form of condition,
/// action and demand of the language (`tests/fixtures/words/elke-vorm`):
/// in Dutch (its `language nl`) no English word in any sentence, heading or
/// cell but the findings' messages (English for editors) and the source;
/// in English (`--lang en`) the same sentences in English words. Every
/// form is described (no `?`), in both.
#[test]
fn every_form_is_described_in_both_languages() {
    let path = "tests/fixtures/words/elke-vorm.leidraad";
    let text = std::fs::read_to_string(support::root().join(path)).unwrap();
    let folder = support::root().join("tests/fixtures/words");
    let (sources, file, uses) = support::load_with_uses(path, &text, &folder);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{path} has errors");
    let guideline = &result.files[0].guideline;
    let own = own_words(guideline, &["elke-vorm.leidraad"]);
    let mut sentences_by_language = Vec::new();
    for lang in [None, Some("en")] {
        let out = std::env::temp_dir().join(format!(
            "leidraad-words-{}-{}",
            lang.unwrap_or("nl"),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&out);
        let mut command = support::leidraad(["doc", path]);
        command.arg("-o").arg(&out);
        if let Some(lang) = lang {
            command.args(["--lang", lang]);
        }
        let ran = support::run(command);
        assert_eq!(ran.status, 0, "{}", ran.stderr_lossy());
        let page = std::fs::read_to_string(out.join("elke-vorm.html")).unwrap();
        let code = lang.unwrap_or("nl");
        assert!(page.contains(&format!("<html lang=\"{code}\">")), "{code}");
        let sentences: Vec<String> = page
            .split("<p class=\"sentence\">")
            .skip(1)
            .map(|s| page_text(&s[..s.find("</article>").unwrap()]))
            .collect();
        assert_eq!(sentences.len(), guideline.rules.len(), "{code}");
        for sentence in &sentences {
            assert!(!sentence.contains('?'), "{code}: {sentence}");
        }
        // The charts' `<desc>` for screen readers is in the page's words
        // too, so it stays in.
        let described = [
            "inputs",
            "definitions",
            "rules",
            "requirements",
            "catalogue",
            "cases",
            "flowcharts",
        ]
        .map(|id| page_text(section(&page, id)))
        .join("\n");
        assert!(!described.contains(" ? "), "{code}: {described}");
        if code == "nl" {
            // `type` is Dutch too (the questionnaire's column).
            // `flowchart` is a word of Mermaid too, so not in the list.
            let mut english: BTreeSet<String> = english_in(&described, &own)
                .into_iter()
                .filter(|w| w != "type")
                .collect();
            english.extend(
                words_of(&described)
                    .into_iter()
                    .map(str::to_lowercase)
                    .filter(|w| w.starts_with("flowchart")),
            );
            assert!(
                english.is_empty(),
                "English words {english:?} in:\n{described}"
            );
            assert!(
                sentences
                    .iter()
                    .all(|s| s.trim_start().starts_with("Als")
                        || s.trim_start().starts_with("Altijd"))
            );
        } else {
            assert!(sentences.iter().all(
                |s| s.trim_start().starts_with("When") || s.trim_start().starts_with("Always")
            ));
            assert!(
                described.contains("then:") && described.contains("or sooner"),
                "{described}"
            );
        }
        sentences_by_language.push(sentences);
        let _ = std::fs::remove_dir_all(&out);
    }
    // The English sentences are not the Dutch ones.
    for (nl, en) in sentences_by_language[0]
        .iter()
        .zip(&sentences_by_language[1])
    {
        assert_ne!(nl, en);
    }
}

#[test]
fn lang_chooses_the_words_over_the_header() {
    // A Dutch guideline's advice in English words with `--lang en`.
    let run = support::run_with(
        support::leidraad([
            "eval",
            "tests/fixtures/words/hoofdletsel.leidraad",
            "--lang",
            "en",
            "--facts",
            "-",
        ]),
        br#"{"leeftijd": 70, "duur": 3, "uren": 2, "gcs": 12, "braken": 3, "stolling": null, "klachten": ["insult"], "ct_mogelijk": false}"#,
        std::time::Duration::from_secs(60),
    );
    let stdout = run.stdout_lossy();
    assert_eq!(run.status, 0, "{}", run.stderr_lossy());
    assert!(stdout.contains("order CT_hoofd"), "{stdout}");
    assert!(stdout.contains("because:"), "{stdout}");
    assert!(
        !stdout.contains("bestel") && !stdout.contains("omdat"),
        "{stdout}"
    );
    // A code without a table is refused, with the codes there are.
    let run = support::run(support::leidraad([
        "eval",
        "tests/fixtures/words/hoofdletsel.leidraad",
        "--lang",
        "fr",
        "--facts",
        "-",
    ]));
    assert_eq!(run.status, 2);
    assert!(run.stderr_lossy().contains("nl"), "{}", run.stderr_lossy());
}

/// Records of `guidelines/lage-rugpijn.leidraad` (`language nl`) that
/// `eval` refuses, one per reason, with a piece of the Dutch message each
/// gives: a needed field left out or `null`, a misspelled field, a value
/// that is not a choice (or is a label), a value of the wrong JSON type,
/// a number out of range or in a unit of another quantity, and a
/// contradiction with an `assume` of the guideline and of its vocabulary.
const REFUSED: &[(&str, &str)] = &[
    ("{}", "het dossier mist `neuro_deficit`"),
    (
        r#"{"neuro_deficit": null}"#,
        "volgens het dossier is `neuro_deficit`",
    ),
    (r#"{"neuro_deficit": "unknown"}"#, "is geen van"),
    (
        r#"{"neuro_defict": "none"}"#,
        "geen input van deze richtlijn (bedoelt u `neuro_deficit`?)",
    ),
    (r#"{"trauma": "minr"}"#, "(bedoelt u \"minor\"?)"),
    (
        r#"{"trauma": "mineur trauma"}"#,
        "dat is het label van \"minor\"",
    ),
    (
        r#"{"fever": "ja"}"#,
        "verwacht true of false, gegeven: \"ja\"",
    ),
    (r#"{"relief_factors": "posities"}"#, "verwacht een lijst"),
    (
        r#"{"relief_factors": ["position", "position"]}"#,
        "twee keer",
    ),
    (r#"{"trauma": {"a": 1}}"#, "gegeven: een object"),
    (
        r#"{"age": 450}"#,
        "450 valt buiten het bereik 0 tot en met 120 jaar",
    ),
    (
        r#"{"complaint_duration": "3 kg"}"#,
        "\"kg\" is een massa, maar deze input is een duur in weken",
    ),
    (
        r#"{"neuro_deficit": "chronic", "complaint_duration": 2}"#,
        "in strijd met de aanname op regel 34",
    ),
    (
        r#"{"saddle_anesthesia": true, "neuro_deficit": "none"}"#,
        "op regel 114 van `guidelines/rugpijn.vocabulary.leidraad`",
    ),
];

/// The guideline's own words, as `own_words` finds them, of a guideline
/// file checked without errors, and the guideline.
fn own_words_of(path: &str) -> (Guideline, BTreeSet<String>) {
    let text = std::fs::read_to_string(support::root().join(path)).unwrap();
    let folder = support::root().join(std::path::Path::new(path).parent().unwrap());
    let (sources, file, uses) = support::load_with_uses(path, &text, &folder);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{path} has errors");
    let names: Vec<&str> = sources.iter().map(|(id, _)| sources.name(id)).collect();
    let guideline = result.files[0].guideline.clone();
    let own = own_words(&guideline, &names);
    (guideline, own)
}

/// `eval` of one record (`--facts -`), with `args` after it.
fn eval_record(path: &str, record: &str, args: &[&str]) -> support::Ran {
    let mut command = support::leidraad(["eval", path, "--facts", "-"]);
    command.args(args);
    support::run_with(
        command,
        record.as_bytes(),
        std::time::Duration::from_secs(60),
    )
}

/// The `message` of every error of a JSON refusal (`{"errors": [...]}`).
fn messages_of(json: &serde_json::Value) -> Vec<String> {
    json["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {json}"))
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect()
}

/// The text a refusal shows, with the one option name it may quote
/// (`--ignore-unknown-fields`, a flag of the command, not a word).
fn shown(text: &str) -> String {
    text.replace("--ignore-unknown-fields", "")
}

/// Every refusal of [`REFUSED`] through `eval` (its standard error),
/// `eval --format json`, `eval --batch` and `eval --partial` (human and
/// JSON), with `lang` given to `--lang`; calls `check` with what each
/// shows, the record (empty for the batch's count) and what the output
/// was.
fn each_refusal(lang: Option<&str>, check: &mut dyn FnMut(&str, &str, &str)) {
    let path = "guidelines/lage-rugpijn.leidraad";
    let lang_args: Vec<&str> = lang.map_or(Vec::new(), |l| vec!["--lang", l]);
    fn with<'a>(lang_args: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        lang_args.iter().chain(extra).copied().collect()
    }
    for (record, _) in REFUSED {
        let run = eval_record(path, record, &with(&lang_args, &[]));
        assert_eq!(run.status, 1, "{record}: {}", run.stderr_lossy());
        check(&run.stderr_lossy(), record, "eval (standard error)");
        let run = eval_record(path, record, &with(&lang_args, &["--format", "json"]));
        assert_eq!(run.status, 1, "{record}: {}", run.stderr_lossy());
        let json: serde_json::Value = serde_json::from_str(&run.stdout_lossy()).unwrap();
        for message in messages_of(&json) {
            check(&message, record, "eval --format json");
        }
        // `--partial` refuses what cannot be read and what contradicts an
        // assumption; a missing or unknown field is what it is for.
        if !record.starts_with("{}") && !record.contains("null") {
            let run = eval_record(path, record, &with(&lang_args, &["--partial"]));
            assert_eq!(run.status, 1, "{record}: {}", run.stderr_lossy());
            check(
                &run.stderr_lossy(),
                record,
                "eval --partial (standard error)",
            );
            let run = eval_record(
                path,
                record,
                &with(&lang_args, &["--partial", "--format", "json"]),
            );
            assert_eq!(run.status, 1, "{record}: {}", run.stderr_lossy());
            let json: serde_json::Value = serde_json::from_str(&run.stdout_lossy()).unwrap();
            for message in messages_of(&json) {
                check(&message, record, "eval --partial --format json");
            }
        }
    }
    // The whole list as one batch: a line of errors per record, and the
    // count at the end.
    let lines: String = REFUSED.iter().map(|(r, _)| format!("{r}\n")).collect();
    let mut command = support::leidraad(["eval", path, "--batch", "-"]);
    command.args(&lang_args);
    let run = support::run_with(
        command,
        lines.as_bytes(),
        std::time::Duration::from_secs(60),
    );
    assert_eq!(run.status, 1, "{}", run.stderr_lossy());
    let results: Vec<serde_json::Value> = run
        .stdout_lossy()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), REFUSED.len());
    for (result, (record, _)) in results.iter().zip(REFUSED) {
        for message in messages_of(result) {
            check(&message, record, "eval --batch");
        }
    }
    check(
        &run.stderr_lossy(),
        "(the batch)",
        "eval --batch (standard error)",
    );
}

#[test]
fn a_dutch_guideline_refuses_a_record_in_dutch() {
    let (guideline, own) = own_words_of("guidelines/lage-rugpijn.leidraad");
    let mut seen = 0;
    each_refusal(None, &mut |text, record, what| {
        assert!(!text.trim().is_empty(), "{what} of {record}: nothing said");
        // A word the record itself wrote (a value such as `unknown`) is
        // quoted as written.
        let mut own = own.clone();
        own.extend(words_of(record).into_iter().map(str::to_lowercase));
        let english = english_in(&shown(text), &own);
        assert!(
            english.is_empty(),
            "{what} of {record}: English words {english:?} in:\n{text}"
        );
        seen += 1;
    });
    assert!(seen > 3 * REFUSED.len(), "{seen}");
    // Each reason in its own Dutch words, on standard error and in JSON.
    for (record, expected) in REFUSED {
        let run = eval_record("guidelines/lage-rugpijn.leidraad", record, &[]);
        let stderr = run.stderr_lossy();
        assert!(stderr.contains(expected), "{record}: {stderr}");
        assert!(stderr.starts_with("fout: "), "{record}: {stderr}");
        assert!(
            stderr.contains("geen advies gegeven: het dossier moet eerst worden verbeterd"),
            "{stderr}"
        );
    }
    // A field for an input this patient is not asked is set aside with a
    // Dutch warning (`deficit_pattern` is asked when there is a deficit).
    let run = eval_record(
        "guidelines/lage-rugpijn.leidraad",
        r#"{"neuro_deficit": "none", "deficit_pattern": "central"}"#,
        &["--partial"],
    );
    assert_eq!(run.status, 0, "{}", run.stderr_lossy());
    let stdout = run.stdout_lossy();
    assert!(
        stdout.contains("veld `deficit_pattern` is genegeerd"),
        "{stdout}"
    );
    let english = english_in(&stdout, &own);
    assert!(english.is_empty(), "{english:?} in:\n{stdout}");
    // The refusal of a record that contradicts an `asked when` (what no
    // record read by `eval` reaches: such a field is set aside), in Dutch.
    let sources = leidraad::source::Sources::new();
    let refused = leidraad::eval::text::error_messages(
        &guideline,
        &sources,
        &leidraad::eval::EvalError::AskedWhen,
        &[],
    );
    assert_eq!(
        refused[0].message,
        "het dossier geeft een input die voor deze patiënt niet gevraagd wordt"
    );
}

#[test]
fn lang_en_refuses_a_dutch_guidelines_record_in_english() {
    let (_, own) = own_words_of("guidelines/lage-rugpijn.leidraad");
    let mut english_seen = 0;
    each_refusal(Some("en"), &mut |text, record, what| {
        // The Dutch words are gone, and English ones are there.
        for dutch in ["dossier", "verwacht", "gegeven", "bedoelt", "geen advies"] {
            assert!(
                !text.contains(dutch),
                "{what} of {record}: {dutch:?} in:\n{text}"
            );
        }
        english_seen += usize::from(!english_in(text, &own).is_empty());
    });
    let run = eval_record("guidelines/lage-rugpijn.leidraad", "{}", &["--lang", "en"]);
    let stderr = run.stderr_lossy();
    assert!(
        stderr.contains("error: field `neuro_deficit`: the record lacks `neuro_deficit`")
            && stderr.contains("no recommendation was made: the record must be fixed first"),
        "{stderr}"
    );
    assert!(english_seen > 3 * REFUSED.len(), "{english_seen}");
}

/// A refusal's `reason` is the same word whatever the language: what a
/// program reads instead of the message.
#[test]
fn a_refusals_reason_does_not_depend_on_the_language() {
    let expected = [
        "missing",
        "not_known",
        "invalid",
        "unknown_field",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "contradiction",
        "contradiction",
    ];
    assert_eq!(REFUSED.len(), expected.len());
    for ((record, _), reason) in REFUSED.iter().zip(expected) {
        for lang in ["nl", "en"] {
            let run = eval_record(
                "guidelines/lage-rugpijn.leidraad",
                record,
                &["--format", "json", "--lang", lang],
            );
            assert_eq!(run.status, 1, "{record}: {}", run.stderr_lossy());
            let json: serde_json::Value = serde_json::from_str(&run.stdout_lossy()).unwrap();
            assert_eq!(
                json["errors"][0]["reason"], reason,
                "{record} ({lang}): {json}"
            );
        }
    }
}

/// A text that is no JSON record (cut short, a field twice, not JSON at
/// all) is refused in the guideline's words too, alone and in a batch.
#[test]
fn a_dutch_guideline_refuses_text_that_is_no_json_in_dutch() {
    let (_, own) = own_words_of("guidelines/lage-rugpijn.leidraad");
    let bad = [
        (r#"{"age": 4"#, "de tekst houdt op voordat de JSON af is"),
        (
            r#"{"fever": true, "fever": false}"#,
            "het veld `fever` staat er twee keer in",
        ),
        ("nope", "de tekst is geen JSON"),
    ];
    for (text, expected) in bad {
        let run = eval_record("guidelines/lage-rugpijn.leidraad", text, &[]);
        assert_eq!(run.status, 2, "{text}");
        // miette wraps the message: one line again.
        let said = run.stderr_lossy().replace("\n  │ ", " ");
        assert!(said.contains(expected), "{text}: {said}");
        let english = english_in(&shown(&said), &own);
        assert!(
            english.is_empty(),
            "{text}: English words {english:?} in:\n{said}"
        );
        // In English, serde_json's own words, as before.
        let run = eval_record("guidelines/lage-rugpijn.leidraad", text, &["--lang", "en"]);
        assert!(
            run.stderr_lossy().contains("is not valid JSON"),
            "{}",
            run.stderr_lossy()
        );
    }
    let dir = std::env::temp_dir().join(format!("leidraad-words-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let batch = dir.join("bad.jsonl");
    std::fs::write(&batch, bad.map(|(text, _)| text).join("\n") + "\n").unwrap();
    let run = support::run(support::leidraad([
        "eval",
        "guidelines/lage-rugpijn.leidraad",
        "--batch",
        batch.to_str().unwrap(),
    ]));
    assert_eq!(run.status, 1);
    for (line, (_, expected)) in run.stdout_lossy().lines().zip(bad) {
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        let message = json["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{line}");
        let english = english_in(&shown(message), &own);
        assert!(english.is_empty(), "English words {english:?} in {line}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
