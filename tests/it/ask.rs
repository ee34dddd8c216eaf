//! `leidraad ask`: through standard input (only the questions that matter,
//! a bad answer asked again, `<` goes back, the advice in the guideline's
//! language at the end), and on a pseudo-terminal as a clinician uses it,
//! on every bundled guideline.

use crate::pty::Pty;
use crate::support;
use leidraad::check::{CheckOptions, check_using};
use leidraad::eval::partial::{Partial, evaluate_partial};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use leidraad::logic::generate::SplitMix64;
use leidraad::model::lower::Lowering;
use leidraad::model::number::Rational;
use leidraad::model::record::read_record;
use leidraad::model::words::Words;
use leidraad::model::{Guideline, Input, Slot, Type};
use serde_json::{Map, Value as Json};
use std::time::Duration;

#[test]
fn ask_asks_what_matters_and_gives_the_advice() {
    let run = support::run_with(
        support::leidraad(["ask", "tests/fixtures/words/hoofdletsel.leidraad"]),
        b"70\n3\n<\n4\n12\n1\n1,2\n1\n",
        std::time::Duration::from_secs(60),
    );
    let out = run.stdout_lossy();
    assert_eq!(run.status, 0, "{out}\n{}", run.stderr_lossy());
    assert!(out.contains("Leeftijd (vraag 1 van hoogstens"), "{out}");
    // `1,2` is no answer to a yes/no question: asked again.
    assert!(
        out.contains(
            "niet begrepen: \"1,2\" is geen van de keuzes; kies een nummer van 1 tot en met 3"
        ),
        "{out}"
    );
    // Going back replaced the duration 3 by 4.
    assert!(out.contains("\"duur\":4"), "{out}");
    assert!(
        out.contains("bestel CT_hoofd \"CT-scan van het hoofd\" (binnen 1 uur)"),
        "{out}"
    );
    assert!(out.contains("omdat: Ernstig letsel"), "{out}");
    // `dosis` is not asked without antistolling, nor are questions that no
    // longer matter.
    assert!(!out.contains("Dosis antistolling ("), "{out}");
    let english = crate::words::english_in(
        &out,
        &[
            "ct_hoofd",
            "neurochirurg",
            "rx_schedel",
            "ct_spoed",
            "geen_rx",
            "tests",
            "fixtures",
            "words",
            "hoofdletsel",
            "leidraad",
            "braken",
            "duur",
            "gcs",
            "leeftijd",
            "stolling",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    assert!(english.is_empty(), "{english:?}\n{out}");
}

#[test]
fn ask_writes_a_dutch_number_with_a_decimal_comma() {
    // `6 maanden` is about 26.09 weeks, beyond the 8 weeks `duur` allows:
    // the converted number in Dutch has a decimal comma.
    let run = support::run_with(
        support::leidraad(["ask", "tests/fixtures/words/hoofdletsel.leidraad"]),
        b"70\n6 maanden\n",
        std::time::Duration::from_secs(60),
    );
    let out = run.stdout_lossy();
    assert!(
        out.contains("\"6 maanden\" (≈26,09 weken) valt buiten het bereik"),
        "{out}"
    );
    assert!(!out.contains("26.09"), "{out}");
    // In English, a decimal point.
    let run = support::run_with(
        support::leidraad([
            "ask",
            "tests/fixtures/words/hoofdletsel.leidraad",
            "--lang",
            "en",
        ]),
        b"70\n6 months\n",
        std::time::Duration::from_secs(60),
    );
    let out = run.stdout_lossy();
    assert!(out.contains("(≈26.09 weeks)"), "{out}");
}

#[test]
fn ask_takes_a_typed_label_as_its_value_and_says_so() {
    let ask = |typed: &[u8]| {
        let run = support::run_with(
            support::leidraad(["ask", "tests/fixtures/cli/value-labels.leidraad"]),
            typed,
            std::time::Duration::from_secs(60),
        );
        run.stdout_lossy()
    };
    // `ACUUT` is the label of `acute`, in another case; a near miss of a
    // label is suggested as the label.
    let out = ask(b"acuu\nACUUT\n2\n");
    assert!(out.contains("(bedoelt u \"acuut\"?)"), "{out}");
    assert!(out.contains("gekozen: \"acute\" (acuut)"), "{out}");
    assert!(out.contains("\"neuro_deficit\":\"acute\""), "{out}");
    // Members of an `any of` too, each said.
    let out = ask(b"1\n1\nfractuur, infectie\n");
    assert!(out.contains("gekozen: \"fracture\" (Fractuur)"), "{out}");
    assert!(out.contains("gekozen: \"infection\" (infectie)"), "{out}");
    assert!(
        out.contains("\"suspected\":[\"fracture\",\"infection\"]"),
        "{out}"
    );
    // `eval` still refuses the label in a record (value_labels.rs).
}

#[test]
fn ask_stops_without_advice_when_the_answers_run_out() {
    let run = support::run_with(
        support::leidraad(["ask", "tests/fixtures/words/hoofdletsel.leidraad"]),
        b"200\n",
        std::time::Duration::from_secs(60),
    );
    let out = run.stdout_lossy();
    assert_eq!(run.status, 1, "{out}");
    assert!(
        out.contains(
            "niet begrepen: 200 valt buiten het bereik: een getal van 16 tot en met 120 jaar"
        ),
        "{out}"
    );
    assert!(out.contains("geen antwoorden meer: gestopt"), "{out}");
}

/// A bundled guideline loaded as `ask` loads it, with the whole decision
/// diagram `ask` and `eval --partial` decide on.
struct Loaded {
    path: String,
    guideline: Guideline,
    lowering: Lowering,
    diagram: DecisionDiagram,
}

fn load(name: &str) -> Loaded {
    let (sources, file, uses) = support::bundled(name);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{name} has errors");
    let checked = result.files.into_iter().next().unwrap();
    let lowering = checked.lowering.unwrap();
    let diagram =
        DecisionDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()).unwrap();
    Loaded {
        path: format!("guidelines/{name}"),
        guideline: checked.guideline,
        lowering,
        diagram,
    }
}

impl Loaded {
    fn words(&self) -> &'static Words {
        leidraad::model::words::of(&self.guideline)
    }

    /// What `eval --partial` says of `answers`, or `None` when no patient
    /// can give them together (an `assume` forbids it).
    fn partial(&self, answers: &[(usize, Json)]) -> Option<Partial> {
        let record = record_of(&self.guideline, answers);
        let read = read_record(&self.guideline, &record).unwrap();
        evaluate_partial(&self.guideline, &self.lowering, &self.diagram, &read.values).ok()
    }

    /// The question that comes next: the first of the questions that can
    /// still change the advice, in the diagram's order, that this patient
    /// is asked (one whose `asked when` is still open waits), or the first.
    fn next(&self, answers: &[(usize, Json)], partial: &Partial) -> Option<usize> {
        let record = record_of(&self.guideline, answers);
        let read = read_record(&self.guideline, &record).unwrap();
        let slots: Vec<Slot> = read
            .values
            .iter()
            .map(|v| v.clone().map_or(Slot::Unknown, Slot::Known))
            .collect();
        let asked = |input: usize| {
            self.guideline.inputs[input]
                .asked_when
                .as_ref()
                .is_none_or(|c| c.eval(&self.guideline, &slots) == Some(true))
        };
        partial
            .questions
            .iter()
            .copied()
            .find(|&q| asked(q))
            .or(partial.questions.first().copied())
    }
}

fn record_of(guideline: &Guideline, answers: &[(usize, Json)]) -> Json {
    let mut record = Map::new();
    for (input, value) in answers {
        record.insert(guideline.inputs[*input].id.clone(), value.clone());
    }
    Json::Object(record)
}

/// The choices `ask` numbers: yes and no, the values, the members; with
/// "unknown" last where allowed (not for `any of`).
fn choices_of(input: &Input, words: &Words) -> Vec<String> {
    let mut choices: Vec<String> = match &input.ty {
        Type::YesNo => vec![words.yes.to_owned(), words.no.to_owned()],
        Type::OneOf(_) | Type::AnyOf(_) => (0u32..)
            .zip(input.value_names())
            .map(|(i, v)| input.value_shown(i).unwrap_or(v).to_owned())
            .collect(),
        Type::Number { .. } => Vec::new(),
    };
    if input.admits_unknown && !choices.is_empty() && !matches!(input.ty, Type::AnyOf(_)) {
        choices.push(words.unknown.to_owned());
    }
    choices
}

/// One answer as typed, and the record value it means.
struct Typed {
    text: String,
    value: Json,
}

/// The answers a clinician could type for `input` that mean `wanted` (a
/// value of a witness record: `None` for a field it leaves out), several
/// spellings chosen by `rng`; and fallbacks, in case `wanted` contradicts
/// an earlier answer.
fn answers_for(
    input: &Input,
    words: &Words,
    wanted: Option<&Json>,
    rng: &mut SplitMix64,
) -> Vec<Typed> {
    let choices = choices_of(input, words);
    let number_of = |index: usize| (index + 1).to_string();
    let mut out = Vec::new();
    let unknown = |rng: &mut SplitMix64| {
        if !matches!(input.ty, Type::Number { .. } | Type::AnyOf(_)) && rng.below(2) == 0 {
            number_of(choices.len() - 1)
        } else {
            words.unknown_answers[rng.below(words.unknown_answers.len() as u64) as usize].to_owned()
        }
    };
    let mut add = |wanted: &Json, rng: &mut SplitMix64| {
        let text = match (&input.ty, wanted) {
            (_, Json::Null) if input.admits_unknown => unknown(rng),
            (_, Json::Null) => return,
            (Type::YesNo, Json::Bool(yes)) => match (rng.below(3), yes) {
                (0, true) => words.yes_answers[0].to_owned(),
                (0, false) => words.no_answers[0].to_owned(),
                (_, true) => "1".to_owned(),
                (_, false) => "2".to_owned(),
            },
            (Type::OneOf(values), Json::String(value)) => {
                let index = values.iter().position(|v| v == value).unwrap();
                if rng.below(3) == 0 {
                    value.clone()
                } else {
                    number_of(index)
                }
            }
            (Type::AnyOf(values), Json::Array(members)) => members
                .iter()
                .map(|m| {
                    number_of(
                        values
                            .iter()
                            .position(|v| Some(v.as_str()) == m.as_str())
                            .unwrap(),
                    )
                })
                .collect::<Vec<_>>()
                .join(","),
            (Type::Number { .. }, Json::Number(n)) => {
                let text = n.to_string();
                // A decimal comma reads as a point.
                if text.contains('.') && rng.below(2) == 0 {
                    text.replace('.', ",")
                } else {
                    text
                }
            }
            (_, other) => panic!("{}: a witness value {other}", input.id),
        };
        out.push(Typed {
            text,
            value: wanted.clone(),
        });
    };
    if let Some(wanted) = wanted {
        // A witness writes "unknown" for an answer not known; ask's record
        // has `null`.
        if input.admits_unknown && wanted.as_str() == Some("unknown") {
            add(&Json::Null, rng);
        } else {
            add(wanted, rng);
        }
    }
    // Fallbacks: every choice, or the ends of the range, and unknown.
    match &input.ty {
        Type::YesNo => [true, false].iter().for_each(|b| add(&Json::Bool(*b), rng)),
        Type::OneOf(values) => values
            .iter()
            .for_each(|v| add(&Json::String(v.clone()), rng)),
        Type::AnyOf(values) => {
            add(&Json::Array(Vec::new()), rng);
            values
                .iter()
                .for_each(|v| add(&Json::Array(vec![Json::String(v.clone())]), rng));
        }
        Type::Number { lo, hi, .. } => {
            for end in [lo, hi] {
                let text = end.to_human_string();
                add(&serde_json::from_str(&text).unwrap(), rng);
            }
        }
    }
    add(&Json::Null, rng);
    out
}

/// Answers `ask` must refuse for `input`, each with a word the refusal
/// names: out of range, a wrong or unknown unit, not a whole number, not a
/// number, not among the choices, `unknown` where it is not allowed.
fn bad_answers(input: &Input, words: &Words) -> Vec<String> {
    let choices = choices_of(input, words);
    let mut bad = Vec::new();
    match &input.ty {
        Type::YesNo => {
            bad.push((choices.len() + 1).to_string());
            bad.push("misschien".to_owned());
        }
        Type::OneOf(_) => {
            bad.push((choices.len() + 1).to_string());
            bad.push("zzz".to_owned());
        }
        Type::AnyOf(_) => {
            bad.push(format!("1,{}", choices.len() + 1));
            bad.push("1,1".to_owned());
            bad.push("zzz".to_owned());
        }
        Type::Number {
            lo,
            hi,
            unit,
            whole,
            ..
        } => {
            let one = Rational::from_integer(1);
            let half = Rational::new(1, 2).unwrap();
            let plus = |a: Rational, b: Rational| {
                a.checked_sub(Rational::from_integer(0).checked_sub(b).unwrap())
                    .unwrap()
            };
            bad.push(plus(*hi, one).to_human_string());
            bad.push(lo.checked_sub(one).unwrap().to_human_string());
            bad.push("abc".to_owned());
            if *whole && plus(*lo, one) <= *hi {
                bad.push(plus(*lo, half).to_human_string());
            }
            // A unit that measures something else, and no unit at all.
            match unit {
                Some(unit) if unit.canonical == "kg" => {
                    bad.push(format!("{} hours", lo.to_human_string()));
                }
                Some(_) => bad.push(format!("{} kg", lo.to_human_string())),
                None => bad.push(format!("{} kg", lo.to_human_string())),
            }
            bad.push(format!("{} furlongs", lo.to_human_string()));
        }
    }
    if !input.admits_unknown {
        bad.push(words.unknown_answers[0].to_owned());
        bad.push("?".to_owned());
    }
    if !matches!(input.ty, Type::AnyOf(_)) {
        bad.push(String::new());
    }
    bad
}

/// One session of `ask` on a terminal, answering with the values of a
/// random witness record (`seed`), typing every bad answer for each
/// question first, going back once; checks each question against the
/// diagram's order and the guideline's labels and choices, and the advice
/// at the end against `leidraad eval` on the same answers. Returns the
/// transcript.
fn session(loaded: &Loaded, seed: u64) -> String {
    let guideline = &loaded.guideline;
    let words = loaded.words();
    let mut rng = SplitMix64::new(seed);
    let classes: Vec<u32> = loaded
        .lowering
        .problem
        .var_sizes
        .iter()
        .map(|&size| rng.below(u64::from(size)) as u32)
        .collect();
    let witness = loaded.lowering.witness_record(guideline, &classes);
    let mut pty = Pty::spawn(support::leidraad(["ask", loaded.path.as_str()]));
    let title = &guideline.header.as_ref().unwrap().label;
    pty.expect(&format!("{title}\n({})\n", words.back_hint));
    // "try again" in the guideline's words, and a question's header.
    let refused = words.try_again.split("{}").next().unwrap();
    let question_word = format!("({}", words.question_of.split("{}").next().unwrap());
    let question_word = question_word.as_str();
    let mut answers: Vec<(usize, Json)> = Vec::new();
    let mut went_back = false;
    let mut block: Option<String> = None;
    let mut asked = 0;
    loop {
        let partial = loaded
            .partial(&answers)
            .expect("the test's answers stay possible");
        let Some(next) = loaded.next(&answers, &partial) else {
            break;
        };
        asked += 1;
        assert!(asked < 200, "ask does not end:\n{}", pty.transcript());
        let input = &guideline.inputs[next];
        // The question: its label, its number, its choices, what to type.
        let shown = block.take().unwrap_or_else(|| pty.expect("\n> "));
        let header = format!(
            "{} ({})\n",
            input.label,
            leidraad::model::words::fill(
                words.question_of,
                &[
                    &(answers.len() + 1).to_string(),
                    &(answers.len() + partial.questions.len()).to_string()
                ]
            )
        );
        assert!(
            shown.contains(&header),
            "expected the question {header:?} ({}), in the diagram's order, after {}; the terminal shows:\n{shown}",
            input.id,
            record_of(guideline, &answers)
        );
        let choices = choices_of(input, words);
        let listed: String = choices
            .iter()
            .enumerate()
            .map(|(i, c)| format!("  {}. {c}\n", i + 1))
            .collect();
        assert!(shown.contains(&listed), "{listed}\nnot in:\n{shown}");
        if let Type::Number { lo, hi, unit, .. } = &input.ty {
            let unit = unit.as_ref().map_or(String::new(), |u| {
                format!(" {}", words.unit_word(u.canonical, false))
            });
            let range = leidraad::model::words::fill(
                words.number_range,
                &[
                    &lo.to_human_string(),
                    &format!("{}{unit}", hi.to_human_string()),
                ],
            );
            assert!(shown.contains(&range), "{range}\nnot in:\n{shown}");
        }
        if input.admits_unknown && matches!(input.ty, Type::Number { .. } | Type::AnyOf(_)) {
            assert!(shown.contains(words.unknown_answers[0]), "{shown}");
        }
        // Going back: nothing before the first question; the question
        // before at the third.
        if answers.is_empty() {
            pty.type_line(words.back_answers[0]);
            let again = pty.expect("\n> ");
            assert!(again.contains(words.nothing_to_go_back_to), "{again}");
            assert!(!again.contains(question_word), "{again}");
        }
        if answers.len() == 2 && !went_back {
            went_back = true;
            pty.type_line(words.back_answers[rng.below(words.back_answers.len() as u64) as usize]);
            let (previous, _) = answers.pop().unwrap();
            let again = pty.expect("\n> ");
            assert!(
                again.contains(&format!("{} (", guideline.inputs[previous].label)),
                "going back from {} did not ask {} again:\n{again}",
                input.id,
                guideline.inputs[previous].id
            );
            block = Some(again);
            continue;
        }
        // Every bad answer is refused in plain words, and asked again.
        for bad in bad_answers(input, words) {
            pty.type_line(&bad);
            let again = pty.expect("\n> ");
            assert!(
                again.contains(refused) && !again.contains(question_word),
                "{}: the answer {bad:?} was not refused:\n{again}",
                input.id
            );
            // With its reason, not the catch-all.
            assert!(
                !again.contains(words.unreadable),
                "{}: the answer {bad:?} was refused without a reason:\n{again}",
                input.id
            );
        }
        // A good answer; one that contradicts an earlier one (an `assume`
        // forbids it) is refused, and the question asked again.
        let wanted = witness.get(&input.id);
        let mut accepted = false;
        for typed in answers_for(input, words, wanted, &mut rng) {
            let mut tried = answers.clone();
            tried.push((next, typed.value.clone()));
            pty.type_line(&typed.text);
            if loaded.partial(&tried).is_some() {
                answers = tried;
                accepted = true;
                break;
            }
            let again = pty.expect("\n> ");
            assert!(
                again.contains(refused),
                "{}: {:?}:\n{again}",
                input.id,
                typed.text
            );
            block = Some(again);
        }
        assert!(accepted, "{}: no answer was possible", input.id);
    }
    // The advice, as `eval` gives it on the same answers.
    let record = record_of(guideline, &answers);
    let advice = pty.expect(&format!("\n{}:\n", words.answers_heading));
    let (status, rest, transcript) = pty.finish();
    assert_eq!(status, 0, "{}", rest);
    let given: Json = serde_json::from_str(rest.trim()).unwrap();
    assert_eq!(given, record, "the record ask printed");
    // `eval` explains the advice when the answers decide every rule it
    // rests on; when they decide the advice but not which rules give it
    // (eval asks for the missing fields), ask shows what `eval --partial`
    // says: the settled advice.
    let eval = |partial: bool| {
        let mut args = vec!["eval", loaded.path.as_str(), "--facts", "-"];
        if partial {
            args.push("--partial");
        }
        support::run_with(
            support::leidraad(args),
            record.to_string().as_bytes(),
            Duration::from_secs(60),
        )
    };
    let mut expected = eval(false);
    let explained = expected.status == 0;
    if !explained {
        expected = eval(true);
    }
    assert_eq!(expected.status, 0, "{}", expected.stderr_lossy());
    let heading = format!("\n{}\n", words.advice_heading);
    let at = advice
        .rfind(&heading)
        .unwrap_or_else(|| panic!("no advice:\n{advice}"));
    let shown = advice[at + heading.len()..]
        .strip_suffix(&format!("\n{}:\n", words.answers_heading))
        .unwrap();
    assert_eq!(
        shown,
        expected.stdout_lossy(),
        "the advice of ask on {record} is not that of eval{}",
        if explained { "" } else { " --partial" }
    );
    // Every word ask printed is in the guideline's language (for a Dutch
    // guideline: no English word but the guideline's own names).
    if words.code == "nl" {
        let names: Vec<&str> = vec![loaded.path.as_str()];
        let own = crate::words::own_words(guideline, &names);
        let english = crate::words::english_in(&transcript, &own);
        assert!(
            english.is_empty(),
            "English words {english:?} in:\n{transcript}"
        );
    }
    transcript
}

#[test]
fn ask_on_a_terminal_asks_in_the_diagrams_order_and_advises_as_eval_does() {
    for name in [
        "esur-contrast-kidney.leidraad",
        "lage-rugpijn.leidraad",
        "nhg-beeldvorming.leidraad",
        "nice-head-injury.leidraad",
        "wells-dvt.leidraad",
    ] {
        let loaded = load(name);
        for seed in 0..3 {
            session(&loaded, 0xa5c0 + seed);
        }
        // Control-D at a question: the input ends, ask says so and stops.
        let words = loaded.words();
        let mut pty = Pty::spawn(support::leidraad(["ask", loaded.path.as_str()]));
        pty.expect("\n> ");
        pty.end_input();
        let (status, rest, _) = pty.finish();
        assert_eq!(status, 1, "{rest}");
        assert!(rest.contains(words.stopped), "{rest}");
    }
}

#[test]
fn every_table_has_the_holes_of_asks_refusals() {
    for words in leidraad::model::words::TABLES {
        for (name, template, holes) in [
            ("not_a_number", words.not_a_number, 1),
            ("outside_range", words.outside_range, 2),
            ("not_whole", words.not_whole, 1),
            ("too_large", words.too_large, 1),
            ("number_and_unit", words.number_and_unit, 1),
            ("no_unit", words.no_unit, 1),
            ("unknown_unit", words.unknown_unit, 2),
            ("other_quantity", words.other_quantity, 2),
            ("molar_mass_needed", words.molar_mass_needed, 2),
            ("not_a_choice", words.not_a_choice, 1),
            ("did_you_mean", words.did_you_mean, 1),
            ("chosen_twice", words.chosen_twice, 1),
            ("unknown_not_allowed", words.unknown_not_allowed, 1),
            ("contradicts", words.contradicts, 0),
            ("unreadable", words.unreadable, 0),
        ] {
            assert_eq!(
                template.matches("{}").count(),
                holes,
                "{}: `{name}` is {template:?}",
                words.code
            );
        }
    }
}
