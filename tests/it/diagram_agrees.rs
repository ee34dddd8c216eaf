//! The compiled decision diagram agrees with the reference semantics
//! [`Problem::outcome`] on random problems, complete and partial assignments.
//!
//! Run longer with `LEIDRAAD_TEST_SCALE=<factor>` (see `support::cases`),
//! or set one run alone: `LEIDRAAD_DIAGRAM_CASES=<assignments>` (default
//! [`DIAGRAM_CASES`]), `LEIDRAAD_LARGE_TABLE_RULES=<rules>` (default
//! [`LARGE_TABLE_RULES`]).

use crate::support;
use leidraad::logic::diagram::{
    CompileError, CompileOptions, DecisionDiagram, EvalError, VarOrder,
};
use leidraad::logic::generate::{
    ProblemParams, SplitMix64, random_assignment, random_problem, synthetic_table,
};
use leidraad::logic::problem::{
    Action, ActionKind, Class, Content, Formula, OutcomeError, Problem, ResolvedAction, Rule, Var,
};

/// The result for one patient: the advice of the final actions (what the
/// diagram's leaves hold), or the violated assumption.
type Answer = Result<Vec<Content>, usize>;

fn reference(problem: &Problem, assignment: &[Class]) -> Answer {
    let partial: Vec<Option<Class>> = assignment.iter().map(|&c| Some(c)).collect();
    match problem.outcome(&partial) {
        Ok(outcome) => Ok(outcome
            .actions
            .iter()
            .map(ResolvedAction::content)
            .collect()),
        Err(OutcomeError::Assumption(index)) => Err(index),
        Err(OutcomeError::Unknown(vars)) => panic!("complete assignment, unknown {vars:?}"),
    }
}

fn compiled(diagram: &DecisionDiagram, assignment: &[Class]) -> Answer {
    match diagram.eval_complete(assignment) {
        Ok(leaf) => Ok(diagram.leaf(leaf).to_vec()),
        Err(EvalError::Assumption(index)) => Err(index),
        Err(other) => panic!("complete assignment {assignment:?}: {other:?}"),
    }
}

/// Up to `limit` completions of a partial assignment: all of them when there
/// are at most `limit`, otherwise random ones.
fn completions(
    rng: &mut SplitMix64,
    sizes: &[u32],
    partial: &[Option<Class>],
    limit: usize,
) -> Vec<Vec<Class>> {
    let free: Vec<usize> = (0..sizes.len()).filter(|&v| partial[v].is_none()).collect();
    let total = free
        .iter()
        .try_fold(1usize, |acc, &v| acc.checked_mul(sizes[v] as usize));
    let base: Vec<Class> = partial.iter().map(|c| c.unwrap_or(0)).collect();
    match total {
        Some(total) if total <= limit => (0..total)
            .map(|mut index| {
                let mut point = base.clone();
                for &v in &free {
                    let size = sizes[v] as usize;
                    point[v] = (index % size) as Class;
                    index /= size;
                }
                point
            })
            .collect(),
        _ => (0..limit)
            .map(|_| {
                let mut point = base.clone();
                for &v in &free {
                    point[v] = rng.below(u64::from(sizes[v])) as Class;
                }
                point
            })
            .collect(),
    }
}

#[derive(Default, Debug)]
struct Counts {
    problems: usize,
    complete: usize,
    partial: usize,
    partial_answered: usize,
    partial_missing: usize,
    partial_assumption: usize,
    beyond_kleene: usize,
    nodes: usize,
    leaves: usize,
}

/// Checks one complete assignment against the reference, through every
/// evaluation entry point.
fn check_complete(problem: &Problem, diagram: &DecisionDiagram, point: &[Class]) {
    let expected = reference(problem, point);
    assert_eq!(compiled(diagram, point), expected, "complete {point:?}");
    let partial: Vec<Option<Class>> = point.iter().map(|&c| Some(c)).collect();
    let via_partial = match diagram.eval(&partial) {
        Ok(actions) => Ok(actions.to_vec()),
        Err(EvalError::Assumption(index)) => Err(index),
        Err(other) => panic!("complete {point:?} via eval: {other:?}"),
    };
    assert_eq!(via_partial, expected);
    // The path reads each variable at most once, in the diagram's order,
    // with the patient's classes.
    let path = diagram.path(&partial);
    let positions: Vec<usize> = path
        .iter()
        .map(|&(var, _)| diagram.order().iter().position(|&v| v == var).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "path {path:?}");
    assert!(
        path.iter()
            .all(|&(var, class)| point[var as usize] == class)
    );
    assert!(path.len() <= problem.var_sizes.len());
}

/// Checks one partial assignment: the diagram answers exactly when all
/// patients matching it get the same answer, and asks only for a variable
/// that matters.
fn check_partial(
    rng: &mut SplitMix64,
    problem: &Problem,
    diagram: &DecisionDiagram,
    partial: &[Option<Class>],
    counts: &mut Counts,
) {
    let sizes = &problem.var_sizes;
    let kleene = problem.outcome(partial);
    let points = completions(rng, sizes, partial, 24);
    let answers: Vec<Answer> = points.iter().map(|p| reference(problem, p)).collect();
    let got = diagram.eval(partial);
    match &got {
        Ok(actions) => {
            counts.partial_answered += 1;
            // Completions that violate an assumption are no patient.
            for (point, answer) in points.iter().zip(&answers) {
                if let Ok(answer) = answer {
                    assert_eq!(
                        answer.as_slice(),
                        *actions,
                        "partial {partial:?} answered, completion {point:?} differs"
                    );
                }
            }
            match &kleene {
                Ok(outcome) => {
                    let advice: Vec<Content> = outcome
                        .actions
                        .iter()
                        .map(ResolvedAction::content)
                        .collect();
                    assert_eq!(advice.as_slice(), *actions);
                }
                Err(OutcomeError::Unknown(_)) => counts.beyond_kleene += 1,
                Err(OutcomeError::Assumption(index)) => {
                    panic!("partial {partial:?}: diagram answers, reference violates {index}")
                }
            }
        }
        Err(EvalError::Assumption(index)) => {
            counts.partial_assumption += 1;
            // No completion is a patient; the first assumption that every
            // completion violates is reported.
            for (point, answer) in points.iter().zip(&answers) {
                assert!(answer.is_err(), "partial {partial:?}, completion {point:?}");
            }
            match &kleene {
                // Assumptions that are each undecided may still exclude
                // every completion together; the diagram sees that.
                Ok(_) => counts.beyond_kleene += 1,
                Err(OutcomeError::Assumption(j)) => assert!(j >= index),
                Err(OutcomeError::Unknown(_)) => counts.beyond_kleene += 1,
            }
        }
        Err(EvalError::Missing(var)) => {
            counts.partial_missing += 1;
            let v = *var as usize;
            assert!(
                partial.get(v).copied().flatten().is_none(),
                "asked for known {var}"
            );
            assert!(
                kleene.is_err(),
                "partial {partial:?}: reference answers, diagram asks {var}"
            );
            // A variable matters when changing only it moves some patient
            // (a completion that satisfies the assumptions) to another
            // patient with a different answer.
            let matters = |u: usize, points: &[Vec<Class>], answers: &[Answer]| {
                points.iter().zip(answers).any(|(point, answer)| {
                    answer.is_ok()
                        && (0..sizes[u]).any(|class| {
                            let mut other = point.clone();
                            other[u] = class;
                            let other_answer = reference(problem, &other);
                            other_answer.is_ok() && other_answer != *answer
                        })
                })
            };
            let exhaustive = completions(rng, sizes, partial, 256);
            if exhaustive.len() < 256 {
                let exhaustive_answers: Vec<Answer> =
                    exhaustive.iter().map(|p| reference(problem, p)).collect();
                // The answer is not decided: the patients (or, when there
                // are none, the violated assumptions) do not all agree.
                let patients: Vec<&Answer> =
                    exhaustive_answers.iter().filter(|a| a.is_ok()).collect();
                let relevant: Vec<&Answer> = if patients.is_empty() {
                    exhaustive_answers.iter().collect()
                } else {
                    patients
                };
                assert!(
                    relevant.windows(2).any(|w| w[0] != w[1]),
                    "partial {partial:?}: diagram asks {var}, but the answer is decided"
                );
                // No unknown variable earlier in the order matters.
                for &u in diagram.order() {
                    if u == *var {
                        break;
                    }
                    if partial[u as usize].is_none() {
                        assert!(
                            !matters(u as usize, &exhaustive, &exhaustive_answers),
                            "partial {partial:?}: diagram asks {var} before {u}, which matters"
                        );
                    }
                }
            }
        }
        Err(other) => panic!("partial {partial:?}: {other:?}"),
    }
    // When every sampled completion agrees, so must the diagram (checked
    // fully only when the sample is exhaustive).
    if points.len() < 24 && answers.windows(2).all(|w| w[0] == w[1]) {
        if let Some(answer) = answers.first() {
            let got = match got {
                Ok(actions) => Ok(actions.to_vec()),
                Err(EvalError::Assumption(index)) => Err(index),
                Err(other) => panic!("partial {partial:?}: all completions agree, got {other:?}"),
            };
            assert_eq!(&got, answer, "partial {partial:?}");
        }
    }
}

/// Assignments checked: `LEIDRAAD_DIAGRAM_CASES`, or CI's size times
/// `LEIDRAAD_TEST_SCALE` (see `support::cases`).
fn cases_from_env() -> usize {
    support::cases("LEIDRAAD_DIAGRAM_CASES", DIAGRAM_CASES) as usize
}

/// CI's number of assignments.
const DIAGRAM_CASES: u64 = 120_000;

#[test]
fn diagram_agrees_with_reference_on_random_problems() {
    let target = cases_from_env();
    let params = ProblemParams::default();
    let mut counts = Counts::default();
    let mut seed = 0u64;
    while counts.complete + counts.partial < target {
        let problem = random_problem(seed, &params);
        let order = match seed % 3 {
            0 => VarOrder::Declaration,
            1 => VarOrder::MostUsedFirst,
            _ => {
                // A reversed order exercises custom orders.
                VarOrder::Custom((0..problem.var_sizes.len() as Var).rev().collect())
            }
        };
        let options = CompileOptions {
            order,
            ..CompileOptions::default()
        };
        let diagram = DecisionDiagram::compile(&problem, &options).unwrap();
        counts.problems += 1;
        counts.nodes += diagram.node_count();
        counts.leaves += diagram.leaf_count();
        let mut rng = SplitMix64::new(seed.wrapping_mul(0x9E37_79B9));
        let sizes = &problem.var_sizes;
        let space: u64 = sizes.iter().map(|&s| u64::from(s)).product();

        // Complete assignments: all of them for small problems.
        if space <= 64 {
            let all = completions(&mut rng, sizes, &vec![None; sizes.len()], 64);
            for point in &all {
                check_complete(&problem, &diagram, point);
            }
            counts.complete += all.len();
        } else {
            for _ in 0..48 {
                let point = random_assignment(&mut rng, sizes);
                check_complete(&problem, &diagram, &point);
                counts.complete += 1;
            }
        }

        // Partial assignments with few, some and many unknowns.
        for round in 0..48 {
            let unknown_percent = [15, 40, 75][round % 3];
            let point = random_assignment(&mut rng, sizes);
            let partial: Vec<Option<Class>> = point
                .iter()
                .map(|&c| (!rng.chance(unknown_percent)).then_some(c))
                .collect();
            check_partial(&mut rng, &problem, &diagram, &partial, &mut counts);
            counts.partial += 1;
        }

        // A short assignment means the trailing variables are unknown.
        if let Some(last) = sizes.len().checked_sub(1) {
            let point = random_assignment(&mut rng, sizes);
            let short: Vec<Option<Class>> = point[..last].iter().map(|&c| Some(c)).collect();
            let mut padded = short.clone();
            padded.push(None);
            assert_eq!(diagram.eval(&short), diagram.eval(&padded));
        }
        seed += 1;
    }
    eprintln!("{counts:?}");
    assert!(counts.partial_answered > 0 && counts.partial_missing > 0);
    assert!(counts.partial_assumption > 0);
}

/// The batch evaluator gives, record by record, what `eval_complete` gives:
/// for whole groups of lanes, the remainder, out-of-range classes (which
/// must fail only their own record) and records too short for the diagram.
#[test]
fn batch_evaluation_agrees_with_single_records() {
    let params = ProblemParams::default();
    for seed in 0..300u64 {
        let problem = random_problem(seed, &params);
        let diagram = DecisionDiagram::compile(&problem, &CompileOptions::default()).unwrap();
        let sizes = &problem.var_sizes;
        let width = sizes.len();
        let mut rng = SplitMix64::new(seed ^ 0xBA7C);
        let count = (rng.below(40) + 1) as usize;
        let mut records: Vec<Class> = Vec::with_capacity(count * width);
        for _ in 0..count {
            let mut point = random_assignment(&mut rng, sizes);
            if rng.chance(10) && width > 0 {
                let var = rng.below(width as u64) as usize;
                point[var] = sizes[var] + rng.below(3) as Class;
            }
            records.extend(point);
        }
        let expected: Vec<_> = records
            .chunks(width.max(1))
            .map(|record| diagram.eval_complete(record))
            .collect();
        let mut got = Vec::new();
        diagram.eval_batch(&records, width, &mut got);
        assert_eq!(got, expected, "seed {seed}");

        // Wider records (extra trailing classes) read the same classes.
        let wide: Vec<Class> = records
            .chunks(width.max(1))
            .flat_map(|record| record.iter().copied().chain([7, 7]))
            .collect();
        got.clear();
        diagram.eval_batch(&wide, width + 2, &mut got);
        assert_eq!(got, expected, "seed {seed}, wide");

        // A width so large that a group of records would overflow: the
        // slice is one (short) record, and nothing panics.
        got.clear();
        diagram.eval_batch(&records, usize::MAX / 4, &mut got);
        let expected_huge: Vec<_> = records
            .chunks(usize::MAX / 4)
            .map(|record| diagram.eval_complete(record))
            .collect();
        assert!(expected_huge.len() <= 1);
        assert_eq!(got, expected_huge, "seed {seed}, huge width");

        // Records one class short: the diagram says what is missing, as the
        // single-record path does.
        if width > 1 {
            let short: Vec<Class> = records
                .chunks(width)
                .flat_map(|record| record[..width - 1].iter().copied())
                .collect();
            let expected_short: Vec<_> = short
                .chunks(width - 1)
                .map(|record| diagram.eval_complete(record))
                .collect();
            got.clear();
            diagram.eval_batch(&short, width - 1, &mut got);
            assert_eq!(got, expected_short, "seed {seed}, short");
        }
    }
}

#[test]
fn serialized_diagram_round_trips() {
    let params = ProblemParams::default();
    for seed in 0..200 {
        let problem = random_problem(seed, &params);
        let diagram = DecisionDiagram::compile(&problem, &CompileOptions::default()).unwrap();
        let json = serde_json::to_string(&diagram).unwrap();
        let back: DecisionDiagram = serde_json::from_str(&json).unwrap();
        assert_eq!(back, diagram);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["schema_version"], 2);
        assert_eq!(
            value["nodes"].as_array().unwrap().len(),
            diagram.node_count()
        );
        assert_eq!(
            value["leaves"].as_array().unwrap().len(),
            diagram.leaf_count()
        );
    }
}

#[test]
fn corrupt_serialized_diagrams_are_rejected() {
    let good = r#"{"schema_version":2,"var_sizes":[2,3],"order":[0,1],
        "root":{"node":1},
        "nodes":[{"var":1,"edges":[{"from":0,"to":{"leaf":0}},{"from":2,"to":{"leaf":1}}]},
                 {"var":0,"edges":[{"from":0,"to":{"node":0}},{"from":1,"to":{"leaf":2}}]}],
        "leaves":[{"actions":[]},{"impossible":0},
                  {"actions":[{"kind":"order","target":4,"urgency":null,"instead":null}]}]}"#;
    let diagram: DecisionDiagram = serde_json::from_str(good).unwrap();
    assert_eq!(
        diagram.eval(&[Some(0), Some(2)]),
        Err(EvalError::Assumption(0))
    );
    assert_eq!(diagram.eval(&[Some(1), None]).unwrap()[0].target, 4);
    // Classes 0-1 of variable 1 give no actions and class 2 violates an
    // assumption, so no patient's answer depends on variable 1.
    assert_eq!(diagram.eval(&[Some(0), None]), Ok(&[][..]));
    assert_eq!(
        diagram.eval(&[Some(0), Some(3)]),
        Err(EvalError::InvalidClass { var: 1, class: 3 })
    );
    let bad = [
        // A child that is not before its parent could make a cycle.
        good.replace(
            r#"{"from":0,"to":{"node":0}}"#,
            r#"{"from":0,"to":{"node":1}}"#,
        ),
        // Edges must start at class 0 and increase.
        good.replace(
            r#"{"from":0,"to":{"leaf":0}}"#,
            r#"{"from":1,"to":{"leaf":0}}"#,
        ),
        // A class beyond the variable's size.
        good.replace(
            r#"{"from":2,"to":{"leaf":1}}"#,
            r#"{"from":3,"to":{"leaf":1}}"#,
        ),
        // A variable tested out of order.
        good.replace(r#""order":[0,1]"#, r#""order":[1,0]"#),
        // A leaf that does not exist.
        good.replace(r#"{"leaf":2}"#, r#"{"leaf":3}"#),
        good.replace(r#""schema_version":2"#, r#""schema_version":3"#),
    ];
    for text in &bad {
        assert_ne!(text, good);
        assert!(
            serde_json::from_str::<DecisionDiagram>(text).is_err(),
            "{text}"
        );
    }
}

fn order_rule(when: Formula, target: u32) -> Rule {
    Rule {
        when,
        actions: vec![Action {
            kind: ActionKind::Order,
            target,
            urgency: None,
            alternatives: Vec::new(),
            instead: None,
        }],
        overrides: Vec::new(),
    }
}

fn atom(var: Var, classes: &[Class]) -> Formula {
    Formula::In {
        var,
        classes: classes.to_vec(),
    }
}

#[test]
fn diagram_asks_only_what_matters() {
    // x AND y, and a rule on z that cannot fail (z is one of all its classes).
    let problem = Problem {
        var_sizes: vec![2, 2, 3],
        assumptions: Vec::new(),
        rules: vec![
            order_rule(Formula::And(vec![atom(0, &[1]), atom(1, &[1])]), 0),
            order_rule(atom(2, &[0, 1, 2]), 1),
        ],
        requirements: Vec::new(),
        exclusive: Vec::new(),
    };
    let diagram = DecisionDiagram::compile(&problem, &CompileOptions::default()).unwrap();
    // z never matters, so it is never tested.
    assert_eq!(diagram.node_count(), 2);
    // x unknown but y false: the answer is known without x.
    let actions = diagram.eval(&[None, Some(0), None]).unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].target, 1);
    // The reference cannot tell (Kleene logic does not see the tautology).
    assert!(problem.outcome(&[None, Some(0), None]).is_err());
    assert_eq!(
        diagram.eval(&[None, Some(1), None]),
        Err(EvalError::Missing(0))
    );
    assert_eq!(
        diagram.eval(&[Some(1), None, None]),
        Err(EvalError::Missing(1))
    );
    assert_eq!(diagram.path(&[Some(0), None, Some(2)]), vec![(0, 0)]);
    assert_eq!(
        diagram.path(&[Some(1), Some(1), Some(2)]),
        vec![(0, 1), (1, 1)]
    );
}

#[test]
fn order_options_are_checked_and_recorded() {
    let problem = random_problem(11, &ProblemParams::default());
    let vars = problem.var_sizes.len() as Var;
    let reversed: Vec<Var> = (0..vars).rev().collect();
    let options = CompileOptions {
        order: VarOrder::Custom(reversed.clone()),
        ..CompileOptions::default()
    };
    let diagram = DecisionDiagram::compile(&problem, &options).unwrap();
    assert_eq!(diagram.order(), reversed.as_slice());
    let default = DecisionDiagram::compile(&problem, &CompileOptions::default()).unwrap();
    assert_eq!(default.order(), (0..vars).collect::<Vec<_>>().as_slice());
    for order in [vec![0; vars as usize + 1], Vec::new()] {
        if vars > 0 || !order.is_empty() {
            let options = CompileOptions {
                order: VarOrder::Custom(order),
                ..CompileOptions::default()
            };
            assert_eq!(
                DecisionDiagram::compile(&problem, &options),
                Err(CompileError::InvalidOrder)
            );
        }
    }
}

#[test]
fn budget_is_enforced() {
    let table = synthetic_table(3, 300, 5);
    let options = CompileOptions {
        max_nodes: 50,
        ..CompileOptions::default()
    };
    assert_eq!(
        DecisionDiagram::compile(&table, &options),
        Err(CompileError::TooManyNodes { limit: 50 })
    );
    let options = CompileOptions {
        max_states: 10,
        ..CompileOptions::default()
    };
    assert_eq!(
        DecisionDiagram::compile(&table, &options),
        Err(CompileError::TooManyStates { limit: 10 })
    );
}

/// Compiles a synthetic table and checks it against the reference on random
/// patients.
fn check_synthetic(rules: usize, vars: usize, samples: usize) {
    let table = synthetic_table(7, rules, vars);
    let start = std::time::Instant::now();
    let diagram = DecisionDiagram::compile(&table, &CompileOptions::default()).unwrap();
    eprintln!(
        "synthetic {rules}x{vars}: {} nodes, {} leaves, {} edges, compiled in {:?}",
        diagram.node_count(),
        diagram.leaf_count(),
        diagram.edge_count(),
        start.elapsed()
    );
    let mut rng = SplitMix64::new(99);
    for _ in 0..samples {
        let point = random_assignment(&mut rng, &table.var_sizes);
        assert_eq!(compiled(&diagram, &point), reference(&table, &point));
    }
}

#[test]
fn synthetic_table_1500_by_5() {
    check_synthetic(1500, 5, 2000);
}

/// CI's number of rules of the large synthetic table: compiling it is
/// most of this file's time (10,000 rules took 85 s on a loaded 2-core
/// machine; the full setting, `LEIDRAAD_TEST_SCALE=2`, compiles those).
const LARGE_TABLE_RULES: u64 = 5_000;

#[test]
fn large_synthetic_table_by_10() {
    let rules = support::cases("LEIDRAAD_LARGE_TABLE_RULES", LARGE_TABLE_RULES);
    check_synthetic(rules as usize, 10, 300);
}
