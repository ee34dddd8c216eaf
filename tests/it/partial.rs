//! `eval --partial` is exact: on random problems, the advice certain so far,
//! the advice still possible and the questions that can still change the
//! advice agree with brute-force enumeration of every completion of the
//! partial assignment. The command itself: its JSON against
//! `docs/partial.schema.json`, its human output, and a record refused as
//! `eval` refuses it.

use crate::support;
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram, partial_advice};
use leidraad::logic::generate::{ProblemParams, SplitMix64, random_problem};
use leidraad::logic::problem::{Class, Content, Problem, Var};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// Every complete assignment `allowed` admits.
fn completions(sizes: &[u32], allowed: &[Option<Vec<Class>>]) -> Vec<Vec<Class>> {
    let mut out = vec![Vec::new()];
    for (var, &size) in sizes.iter().enumerate() {
        let classes: Vec<Class> = match &allowed[var] {
            Some(classes) => classes.clone(),
            None => (0..size).collect(),
        };
        out = out
            .into_iter()
            .flat_map(|prefix| {
                classes.iter().map(move |&c| {
                    let mut next = prefix.clone();
                    next.push(c);
                    next
                })
            })
            .collect();
    }
    out
}

fn advice_of(problem: &Problem, assignment: &[Class]) -> Option<BTreeSet<Content>> {
    let outcome = problem.outcome_complete(assignment)?;
    Some(outcome.actions.iter().map(|a| a.content()).collect())
}

struct Expected {
    certain: Vec<Content>,
    possible: Vec<Content>,
    questions: BTreeSet<usize>,
}

/// The brute-force answer, or `None` when no completion meets the
/// assumptions.
fn brute(
    problem: &Problem,
    allowed: &[Option<Vec<Class>>],
    questions: &[Vec<Var>],
) -> Option<Expected> {
    let all: Vec<(Vec<Class>, BTreeSet<Content>)> = completions(&problem.var_sizes, allowed)
        .into_iter()
        .filter_map(|c| advice_of(problem, &c).map(|a| (c, a)))
        .collect();
    let first = all.first()?.1.clone();
    let certain: BTreeSet<Content> = all
        .iter()
        .fold(first, |acc, (_, a)| acc.intersection(a).copied().collect());
    let possible: BTreeSet<Content> = all
        .iter()
        .flat_map(|(_, a)| a.iter().copied())
        .filter(|c| !certain.contains(c))
        .collect();
    let mut matter = BTreeSet::new();
    for (index, vars) in questions.iter().enumerate() {
        // Completions alike outside the question's variables.
        let mut by_rest: BTreeMap<Vec<Class>, BTreeSet<BTreeSet<Content>>> = BTreeMap::new();
        for (assignment, advice) in &all {
            let rest: Vec<Class> = assignment
                .iter()
                .enumerate()
                .map(|(v, &c)| {
                    if vars.contains(&(v as Var)) {
                        u32::MAX
                    } else {
                        c
                    }
                })
                .collect();
            by_rest.entry(rest).or_default().insert(advice.clone());
        }
        if by_rest.values().any(|advices| advices.len() > 1) {
            matter.insert(index);
        }
    }
    Some(Expected {
        certain: certain.into_iter().collect(),
        possible: possible.into_iter().collect(),
        questions: matter,
    })
}

#[test]
fn partial_advice_agrees_with_every_completion() {
    let params = ProblemParams {
        max_vars: 7,
        max_classes: 4,
        max_assignments: 2000,
        max_rules: 12,
        ..ProblemParams::default()
    };
    let seeds = support::cases("LEIDRAAD_PARTIAL_SEEDS", 300);
    let (mut checked, mut contradicted, mut questions_seen) = (0, 0, 0);
    let mut rng = SplitMix64::new(0x09a4_71a1);
    for seed in 0..seeds {
        let problem = random_problem(seed, &params);
        let Ok(diagram) = DecisionDiagram::compile_smaller(&problem, &CompileOptions::default())
        else {
            continue;
        };
        let sizes = problem.var_sizes.clone();
        // Questions: one or two variables each (an `any of` input has one
        // per member).
        let mut questions: Vec<Vec<Var>> = Vec::new();
        let mut var = 0;
        while var < sizes.len() {
            let width = if var + 1 < sizes.len() && rng.chance(30) {
                2
            } else {
                1
            };
            questions.push((var..var + width).map(|v| v as Var).collect());
            var += width;
        }
        for _ in 0..8 {
            let mut allowed: Vec<Option<Vec<Class>>> = vec![None; sizes.len()];
            let mut open = Vec::new();
            for (index, vars) in questions.iter().enumerate() {
                if rng.chance(50) {
                    open.push(index);
                    continue;
                }
                for &v in vars {
                    let size = sizes[v as usize];
                    let one = rng.below(u64::from(size)) as Class;
                    // Sometimes two classes: a value that holds only when
                    // the input is asked.
                    let mut classes = vec![one];
                    if size > 1 && rng.chance(15) {
                        classes.push((one + 1) % size);
                    }
                    allowed[v as usize] = Some(classes);
                }
            }
            let asked: Vec<Vec<Var>> = open.iter().map(|&i| questions[i].clone()).collect();
            let expected = brute(&problem, &allowed, &asked);
            let got = partial_advice(&diagram, &allowed, &asked);
            match (expected, got) {
                (None, Err(_)) => contradicted += 1,
                (Some(expected), Ok(got)) => {
                    checked += 1;
                    assert_eq!(
                        got.certain, expected.certain,
                        "seed {seed}: certain, {allowed:?}"
                    );
                    assert_eq!(
                        got.possible, expected.possible,
                        "seed {seed}: possible, {allowed:?}"
                    );
                    let found: BTreeSet<usize> = got.questions.iter().copied().collect();
                    assert_eq!(
                        found, expected.questions,
                        "seed {seed}: questions, {allowed:?}"
                    );
                    assert_eq!(found.len(), got.questions.len(), "a question twice");
                    // In the diagram's order of their first variable.
                    let level = |q: usize| {
                        asked[q]
                            .iter()
                            .map(|v| diagram.order().iter().position(|o| o == v).unwrap())
                            .min()
                            .unwrap()
                    };
                    assert!(got.questions.windows(2).all(|w| level(w[0]) <= level(w[1])));
                    questions_seen += got.questions.len();
                }
                (expected, got) => panic!(
                    "seed {seed}: brute force {} completion, diagram {got:?}",
                    if expected.is_some() {
                        "found a"
                    } else {
                        "found no"
                    }
                ),
            }
        }
    }
    // The generator must reach both kinds of answer, or the test proves little.
    assert!(
        checked > 100 && contradicted > 0 && questions_seen > 100,
        "{checked} {contradicted} {questions_seen}"
    );
}

const FIXTURE: &str = "tests/fixtures/words/hoofdletsel.leidraad";

fn partial(record: &str, format: &str) -> support::Ran {
    support::run_with(
        support::leidraad([
            "eval",
            FIXTURE,
            "--partial",
            "--facts",
            "-",
            "--format",
            format,
        ]),
        record.as_bytes(),
        std::time::Duration::from_secs(60),
    )
}

#[test]
fn eval_partial_json_follows_its_schema() {
    let schema = crate::formats::schema("docs/partial.schema.json");
    for record in [
        "{}",
        r#"{"gcs": 12}"#,
        r#"{"gcs": 15, "klachten": [], "braken": 0}"#,
        r#"{"leeftijd": 70, "duur": 3, "uren": 2, "gcs": 15, "braken": 0, "stolling": false, "middel": "geen", "klachten": [], "ct_mogelijk": true}"#,
    ] {
        let run = partial(record, "json");
        assert_eq!(run.status, 0, "{record}: {}", run.stderr_lossy());
        let json: Json = serde_json::from_slice(&run.stdout).unwrap();
        let errors = schema.errors(&json);
        assert!(errors.is_empty(), "{record}: {errors:?}\n{json:#}");
        // The schema is not empty: it refuses what it does not describe.
        let mut bad = json.clone();
        bad["certain"] = Json::from("all of it");
        bad["surprise"] = Json::from(true);
        assert!(!schema.errors(&bad).is_empty());
    }
}

#[test]
fn eval_partial_names_the_next_questions() {
    // Nothing answered: nothing is certain, and the first question is the
    // one the diagram tests first.
    let run = partial("{}", "json");
    let json: Json = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["settled"], false);
    assert!(json["certain"].as_array().unwrap().is_empty(), "{json:#}");
    let questions: Vec<&str> = json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["input"].as_str().unwrap())
        .collect();
    assert!(questions.contains(&"gcs"), "{questions:?}");
    // `dosis` is asked only when `middel` is not `geen`: with no antistolling
    // it is no question.
    let run = partial(r#"{"middel": "geen"}"#, "json");
    let json: Json = serde_json::from_slice(&run.stdout).unwrap();
    let questions = json["questions"].to_string();
    assert!(!questions.contains("\"dosis\""), "{questions}");
    // GCS 12 is serious: the CT within 1 hour and the neurosurgeon are
    // certain, whatever else is answered.
    let run = partial(r#"{"gcs": 12}"#, "json");
    let json: Json = serde_json::from_slice(&run.stdout).unwrap();
    let certain = json["certain"].to_string();
    assert!(
        certain.contains("\"CT_hoofd\"") && certain.contains("\"neurochirurg\""),
        "{json:#}"
    );
    // A complete record is settled.
    let run = partial(
        r#"{"leeftijd": 70, "duur": 3, "uren": 2, "gcs": 15, "braken": 0, "stolling": false, "middel": "geen", "klachten": [], "ct_mogelijk": true}"#,
        "json",
    );
    let json: Json = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["settled"], true, "{json:#}");
    assert!(json["questions"].as_array().unwrap().is_empty());
    assert!(json["possible"].as_array().unwrap().is_empty());
}

#[test]
fn eval_partial_reads_in_the_guidelines_language() {
    let run = partial(r#"{"gcs": 12}"#, "human");
    assert_eq!(run.status, 0, "{}", run.stderr_lossy());
    let text = run.stdout_lossy();
    assert!(text.contains("advies dat al vaststaat:"), "{text}");
    assert!(
        text.contains("bestel CT_hoofd \"CT-scan van het hoofd\" (binnen 1 uur)"),
        "{text}"
    );
    assert!(
        text.contains("vragen die het advies nog kunnen veranderen:"),
        "{text}"
    );
}

#[test]
fn eval_partial_refuses_a_bad_record_as_eval_does() {
    for (record, field) in [
        (r#"{"gcs": 12, "gsc": 3}"#, "gsc"),
        (r#"{"leeftijd": "70 kg"}"#, "leeftijd"),
        (r#"{"gcs": 12.5}"#, "gcs"),
        (r#"{"middel": "warfarine"}"#, "middel"),
    ] {
        let partial = partial(record, "human");
        let eval = support::run_with(
            support::leidraad(["eval", FIXTURE, "--facts", "-"]),
            record.as_bytes(),
            std::time::Duration::from_secs(60),
        );
        assert_eq!(partial.status, 1, "{record}");
        assert_eq!(partial.stderr_lossy(), eval.stderr_lossy(), "{record}");
        assert!(
            partial.stderr_lossy().contains(&format!("veld `{field}`")),
            "{record}"
        );
    }
}
