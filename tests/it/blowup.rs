//! Issue 7, defect 1 (diagram blow-up): guidelines of many independent
//! rules compile to one small diagram per group of rules; a guideline whose
//! rules do interact and whose diagram would be too large ends quickly, in a
//! message that names the budget, never after minutes and gigabytes; `eval`
//! answers a complete record at once whatever the diagram would cost.

use super::support::{self, Ran};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leidraad::check::check_file;
use leidraad::logic::diagram::{CompileError, CompileOptions, DecisionDiagram, GroupedDiagram};
use leidraad::logic::problem::{Action, ActionKind, Formula, Problem, Rule};
use leidraad::source::Sources;

/// `rules` rules over as many number inputs `x_i` in 0..1000, rule `i`
/// ordering exam `e_i` when `x_i` is between a pair of thresholds: every
/// subset of rules can fire, so a diagram whose leaves are action lists
/// needs 2^rules of them.
fn independent_rules(rules: usize) -> String {
    let mut text = String::from("guideline blowup \"Blow-up\"\n  version \"1\"\n\n");
    for i in 0..rules {
        text.push_str(&format!("input x{i} : number 0..1000 \"X{i}\"\n"));
    }
    text.push('\n');
    for i in 0..rules {
        text.push_str(&format!("exam e{i} \"E{i}\"\n"));
    }
    text.push('\n');
    for i in 0..rules {
        let (low, high) = (100 + 7 * i, 500 + 11 * i);
        text.push_str(&format!(
            "rule r{i} \"R{i}\"\n  when x{i} >= {low} and x{i} < {high}\n  then order e{i}\n"
        ));
    }
    text
}

/// [`independent_rules`] with every rule also ordering the next rule's
/// exam, so that all rules share targets and form one group whose advice
/// differs for every subset of rules that fire: its diagram does need
/// 2^rules leaves, and the budgets must stop it.
fn chained_rules(rules: usize) -> String {
    let mut text = independent_rules(rules);
    for i in 0..rules {
        let own = format!("  then order e{i}\n");
        let both = format!("  then order e{i}\n       order e{}\n", (i + 1) % rules);
        text = text.replacen(&own, &both, 1);
    }
    text
}

fn write(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("blowup");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn leidraad(args: &[&str]) -> (Ran, Duration) {
    let start = Instant::now();
    let ran = support::run(support::leidraad(args));
    (ran, start.elapsed())
}

/// Standard error as one line of words (miette wraps and frames it).
fn stderr(output: &Ran) -> String {
    String::from_utf8_lossy(&output.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn thirty_chained_rules_stop_on_the_time_budget() {
    let file = write("thirty-time.leidraad", &chained_rules(30));
    let file = file.to_str().unwrap();
    let (output, took) = leidraad(&["compile", file, "--time-limit", "1"]);
    assert_eq!(Some(output.status), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("time budget of 1 s"), "{message}");
    // One order only (the second is not started after the first overran),
    // and the clock is read often enough.
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn thirty_chained_rules_stop_on_the_memory_budget() {
    let file = write("thirty-memory.leidraad", &chained_rules(30));
    let file = file.to_str().unwrap();
    let (output, took) = leidraad(&["compile", file, "--max-memory", "32", "--time-limit", "60"]);
    assert_eq!(Some(output.status), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("more than 32 MiB of memory"), "{message}");
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[test]
fn a_complete_record_is_answered_without_the_diagram() {
    let file = write("thirty-eval.leidraad", &independent_rules(30));
    let file = file.to_str().unwrap();
    let record: Vec<String> = (0..30)
        .map(|i| format!("\"x{i}\": {}", 150 + 20 * i))
        .collect();
    let record = write("thirty.json", &format!("{{{}}}", record.join(", ")));
    let record = record.to_str().unwrap();
    let (indexed, took) = leidraad(&["eval", file, "--facts", record, "--format", "json"]);
    assert_eq!(Some(indexed.status), Some(0), "{}", stderr(&indexed));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // No diagram was attempted, so no note about one.
    assert!(indexed.stderr.is_empty(), "{}", stderr(&indexed));
    let (reference, _) = leidraad(&[
        "eval",
        file,
        "--facts",
        record,
        "--format",
        "json",
        "--reference",
    ]);
    assert_eq!(indexed.stdout, reference.stdout);
    assert!(String::from_utf8_lossy(&indexed.stdout).contains("\"e12\""));
}

#[test]
fn a_record_that_needs_the_diagram_falls_back_within_the_budget() {
    let file = write("thirty-partial.leidraad", &chained_rules(30));
    let file = file.to_str().unwrap();
    // x29 is missing and the answer depends on it: only the diagram could
    // say so more precisely, and it does not fit, so the reference answers.
    let record: Vec<String> = (0..29).map(|i| format!("\"x{i}\": 300")).collect();
    let record = write("thirty-partial.json", &format!("{{{}}}", record.join(", ")));
    let record = record.to_str().unwrap();
    let (output, took) = leidraad(&["eval", file, "--facts", record, "--time-limit", "1"]);
    assert_eq!(Some(output.status), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("time budget of 1 s"), "{message}");
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

/// The same problem in the library: `compile_smaller` of one diagram of
/// all the rules returns the first order's budget error (it used to go on
/// to build the second order).
#[test]
fn compile_smaller_stops_when_the_first_order_overruns() {
    let var_sizes = vec![4; 24];
    let rules = (0..24)
        .map(|i| Rule {
            when: Formula::In {
                var: i,
                classes: vec![1, 2],
            },
            actions: vec![Action {
                kind: ActionKind::Order,
                target: i,
                urgency: None,
                alternatives: Vec::new(),
                instead: None,
            }],
            overrides: Vec::new(),
        })
        .collect();
    let problem = Problem {
        var_sizes,
        rules,
        ..Problem::default()
    };
    let options = CompileOptions {
        max_memory: 4 << 20,
        ..CompileOptions::default()
    };
    let start = Instant::now();
    let result = DecisionDiagram::compile_smaller(&problem, &options);
    assert_eq!(result, Err(CompileError::TooMuchMemory { limit: 4 << 20 }));
    assert!(start.elapsed() < Duration::from_secs(5));
    let options = CompileOptions {
        time_limit: Some(Duration::from_millis(200)),
        ..CompileOptions::default()
    };
    let start = Instant::now();
    let result = DecisionDiagram::compile_smaller(&problem, &options);
    assert!(
        matches!(
            result,
            Err(CompileError::TooSlow { .. }) | Err(CompileError::TooMuchMemory { .. })
        ),
        "{result:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));
}

/// 16 one-line rules over 16 number inputs, none sharing a target: 16
/// groups of one rule each, a few nodes apiece (one diagram of them all,
/// with the rule-keyed leaves of before, had 65,536 leaves and took 11.8 s).
#[test]
fn sixteen_independent_rules_compile_small_and_fast() {
    let file = write("sixteen.leidraad", &independent_rules(16));
    let text = std::fs::read_to_string(&file).unwrap();
    let mut sources = Sources::new();
    let id = sources.add("sixteen.leidraad", &text);
    let (checked, _) = check_file(&sources, id);
    let problem = &checked.lowering.as_ref().unwrap().problem;
    let start = Instant::now();
    let grouped = GroupedDiagram::compile_smaller(problem, &CompileOptions::default()).unwrap();
    let took = start.elapsed();
    assert_eq!(grouped.groups().len(), 16);
    let size = grouped.node_count() + grouped.leaf_count();
    assert!(size < 200, "{size} nodes and leaves");
    assert!(took < Duration::from_millis(500), "took {took:?}");
    // The command line too, JSON and all.
    let (output, took) = leidraad(&["compile", file.to_str().unwrap(), "--emit", "json"]);
    assert_eq!(Some(output.status), Some(0), "{}", stderr(&output));
    assert!(
        output.stdout.len() < 200_000,
        "{} bytes",
        output.stdout.len()
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

/// The file of the budget tests without the chain: 30 independent rules
/// compile within the default budgets.
#[test]
fn thirty_independent_rules_compile_within_the_default_budget() {
    let file = write("thirty.leidraad", &independent_rules(30));
    let (output, took) = leidraad(&["compile", file.to_str().unwrap(), "--emit", "json"]);
    assert_eq!(Some(output.status), Some(0), "{}", stderr(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["diagrams"].as_array().unwrap().len(), 30);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// The lowered problem of `lage-rugpijn`, and the same problem twice with
/// the copy's variables, catalogue entries and rules renamed (shifted past
/// the original's).
fn guideline_and_its_double() -> (Problem, Problem) {
    let (sources, id, uses) = crate::support::bundled("lage-rugpijn.leidraad");
    let (checked, _) = leidraad::check::check_file_using(&sources, &uses, id);
    let lowering = checked.lowering.as_ref().unwrap();
    let one = lowering.problem.clone();
    let vars = u32::try_from(one.var_sizes.len()).unwrap();
    let targets = u32::try_from(checked.guideline.entries.len()).unwrap();
    fn shift(formula: &Formula, by: u32) -> Formula {
        match formula {
            Formula::In { var, classes } => Formula::In {
                var: var + by,
                classes: classes.clone(),
            },
            Formula::Not(inner) => Formula::Not(Box::new(shift(inner, by))),
            Formula::And(parts) => Formula::And(parts.iter().map(|p| shift(p, by)).collect()),
            Formula::Or(parts) => Formula::Or(parts.iter().map(|p| shift(p, by)).collect()),
            Formula::Sum(sum) => {
                let mut sum = sum.clone();
                for (formula, _) in sum.terms.iter_mut().flatten() {
                    *formula = shift(formula, by);
                }
                Formula::Sum(sum)
            }
            other => other.clone(),
        }
    }
    let mut two = one.clone();
    two.var_sizes.extend(one.var_sizes.iter().copied());
    two.assumptions
        .extend(one.assumptions.iter().map(|a| shift(a, vars)));
    let rules = one.rules.len();
    two.rules.extend(one.rules.iter().map(|rule| {
        Rule {
            when: shift(&rule.when, vars),
            actions: rule
                .actions
                .iter()
                .map(|action| Action {
                    target: action.target + targets,
                    alternatives: action
                        .alternatives
                        .iter()
                        .map(|(condition, target)| (shift(condition, vars), target + targets))
                        .collect(),
                    instead: action.instead.map(|t| t + targets),
                    ..action.clone()
                })
                .collect(),
            overrides: rule.overrides.iter().map(|r| r + rules).collect(),
        }
    }));
    two.requirements.clear();
    (one, two)
}

/// Two independent copies of the bundled guideline cost about twice one
/// copy (one diagram of both, with rule-keyed leaves, had 474,000 nodes).
#[test]
fn two_copies_of_the_guideline_cost_about_twice_one() {
    let (one, two) = guideline_and_its_double();
    let options = CompileOptions::default();
    let single = GroupedDiagram::compile_smaller(&one, &options).unwrap();
    let start = Instant::now();
    let double = GroupedDiagram::compile_smaller(&two, &options).unwrap();
    let took = start.elapsed();
    let rule_groups =
        |g: &GroupedDiagram| g.groups().iter().filter(|g| !g.rules.is_empty()).count();
    assert_eq!(rule_groups(&double), 2 * rule_groups(&single));
    let size = |g: &GroupedDiagram| g.node_count() + g.leaf_count();
    eprintln!(
        "one copy: {} nodes and leaves; two copies: {} in {took:?}",
        size(&single),
        size(&double)
    );
    assert!(
        size(&double) * 2 <= size(&single) * 5,
        "{} against {}",
        size(&double),
        size(&single)
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

/// One diagram per group gives, group by group, the advice of the
/// reference semantics, and reports the same violated assumption, on
/// random problems (many of which split into several groups) and random
/// complete and partial records.
#[test]
fn grouped_diagrams_agree_with_the_reference() {
    use leidraad::logic::diagram::EvalError;
    use leidraad::logic::generate::{ProblemParams, SplitMix64, random_assignment, random_problem};
    use leidraad::logic::problem::{Content, OutcomeError, ResolvedAction};
    // A larger catalogue and fewer actions, so that rules often share no
    // target; half the seeds keep the default's collisions and overrides.
    let sparse = ProblemParams {
        targets: 24,
        max_rules: 12,
        max_actions: 1,
        ..ProblemParams::default()
    };
    let mut split = 0;
    for seed in 0..400 {
        let params = if seed % 2 == 0 {
            sparse.clone()
        } else {
            ProblemParams::default()
        };
        let problem = random_problem(seed, &params);
        let grouped =
            GroupedDiagram::compile_smaller(&problem, &CompileOptions::default()).unwrap();
        if grouped
            .groups()
            .iter()
            .filter(|g| !g.rules.is_empty())
            .count()
            > 1
        {
            split += 1;
        }
        let by_group = |actions: &[ResolvedAction]| -> Vec<Vec<Content>> {
            grouped
                .groups()
                .iter()
                .map(|group| {
                    actions
                        .iter()
                        .filter(|a| group.rules.contains(&a.rule))
                        .map(ResolvedAction::content)
                        .collect()
                })
                .collect()
        };
        let mut rng = SplitMix64::new(seed);
        for _ in 0..40 {
            let point = random_assignment(&mut rng, &problem.var_sizes);
            let mut partial: Vec<Option<u32>> = point.iter().map(|&c| Some(c)).collect();
            let expected = problem.outcome(&partial);
            let got = grouped.eval(&partial);
            match (&expected, &got) {
                (Ok(outcome), Ok(advice)) => {
                    let advice: Vec<Vec<Content>> = advice.iter().map(|a| a.to_vec()).collect();
                    assert_eq!(by_group(&outcome.actions), advice, "seed {seed} {point:?}");
                }
                (Err(OutcomeError::Assumption(a)), Err(EvalError::Assumption(b))) => {
                    assert_eq!(a, b, "seed {seed} {point:?}")
                }
                other => panic!("seed {seed} {point:?}: {other:?}"),
            }
            // A partial record the reference answers gets the same advice.
            for slot in partial.iter_mut() {
                if rng.below(3) == 0 {
                    *slot = None;
                }
            }
            if let (Ok(outcome), Ok(advice)) = (problem.outcome(&partial), grouped.eval(&partial)) {
                let advice: Vec<Vec<Content>> = advice.iter().map(|a| a.to_vec()).collect();
                assert_eq!(
                    by_group(&outcome.actions),
                    advice,
                    "seed {seed} {partial:?}"
                );
            }
        }
    }
    assert!(split > 80, "only {split} problems split into groups");
}
