//! The lowering is exact for whole numbers, unknown answers, scores,
//! counts and comparisons with sums of inputs (issue 8):
//! on random small guidelines written as text, which rules some patient
//! fires and which pairs of rules clash for some patient are computed twice
//! and must agree:
//!
//! - by the analyser, on the lowered problem (value classes, the "unknown"
//!   class, the assumptions that leave out classes without a whole number);
//! - by enumerating every concrete patient (every whole number of a range,
//!   every answer including "unknown") and evaluating the model's
//!   conditions on values (`Cond::eval`), which knows nothing of classes.
//!
//! Every witness the analyser gives is also written as a record, read back
//! as `eval` reads it and must land in exactly its classes (a witness in a
//! class without a whole number could not be written). Run longer with
//! `LEIDRAAD_MODEL_CASES=<guidelines>` (default 300).

use crate::support;
use leidraad::check::{CheckOptions, check_with};
use leidraad::logic::analyse::{AnalysisOptions, Finding, analyse};
use leidraad::logic::generate::SplitMix64;
use leidraad::logic::problem::ActionKind;
use leidraad::model::number::Rational;
use leidraad::model::record::read_record;
use leidraad::model::{Guideline, Slot, Value};
use leidraad::source::Sources;
use std::collections::BTreeSet;

/// The inputs every generated guideline declares; each may or may not
/// admit "unknown" and `d` may have an `asked when`.
struct Shape {
    unknown: [bool; 4],
    asked_d: bool,
}

const THRESHOLDS: &[&str] = &["0", "1", "2", "2.5", "3", "4.5", "5"];

fn atom(rng: &mut SplitMix64, shape: &Shape) -> String {
    loop {
        let text = match rng.below(17) {
            15 => format!("c >= e * 2 - {}", rng.below(3)),
            16 => "c < e + 1".to_owned(),
            12 => {
                let op = ["<", "<=", ">", ">=", "==", "!="][rng.index(6)];
                format!("s {op} {}", rng.range(0, 9) as i64 - 2)
            }
            13 => format!(
                "at least {} of (a, c > 2, d has m1, e == 1)",
                1 + rng.below(4)
            ),
            14 => "e >= 2".to_owned(),
            0 => "a".to_owned(),
            1 => "not a".to_owned(),
            2 => "b == p".to_owned(),
            3 => "b in [q, yes]".to_owned(),
            4 => "b != yes".to_owned(),
            5 | 6 => {
                let op = ["<", "<=", ">", ">=", "==", "!="][rng.index(6)];
                format!("c {op} {}", THRESHOLDS[rng.index(THRESHOLDS.len())])
            }
            7 => "d has m1".to_owned(),
            8 => "not d has no".to_owned(),
            _ => {
                let which = rng.index(4);
                if !shape.unknown[which] {
                    continue;
                }
                format!("{} is unknown", ["a", "b", "c", "d"][which])
            }
        };
        return text;
    }
}

fn condition(rng: &mut SplitMix64, shape: &Shape, depth: u32) -> String {
    if depth == 0 || rng.chance(40) {
        return atom(rng, shape);
    }
    let left = condition(rng, shape, depth - 1);
    let right = condition(rng, shape, depth - 1);
    match rng.below(3) {
        0 => format!("({left} and {right})"),
        1 => format!("({left} or {right})"),
        _ => format!("not ({left})"),
    }
}

fn guideline_text(rng: &mut SplitMix64) -> String {
    let shape = Shape {
        unknown: [
            rng.chance(60),
            rng.chance(50),
            rng.chance(50),
            rng.chance(40),
        ],
        asked_d: rng.chance(30),
    };
    let or_unknown = |i: usize| if shape.unknown[i] { " or unknown" } else { "" };
    let mut text = String::from("guideline g \"Generated\"\n\n");
    text += &format!("input a : yes/no{} \"A\"\n", or_unknown(0));
    text += &format!("input b : one of p, q, yes{} \"B\"\n", or_unknown(1));
    text += &format!("input c : whole number 0..5{} \"C\"\n", or_unknown(2));
    text += &format!("input d : any of m1, no{} \"D\"\n", or_unknown(3));
    if shape.asked_d {
        text += "  asked when a\n";
    }
    text += "input e : whole number 0..3 \"E\"\n";
    // Points for conditions (one negative) and a whole-number input added.
    text += "\nscore s \"S\" = 2 when a + 1 when b == p - 1 when d has m1 + e - 1 when c >= 3\n";
    text += "\nexam X \"X\"\nexam Y \"Y\"\n\n";
    if rng.chance(30) {
        text += &format!("assume {}\n\n", condition(rng, &shape, 1));
    }
    let rules = rng.range(3, 7);
    for r in 0..rules {
        let when = condition(rng, &shape, 2);
        let action = match rng.below(4) {
            0 => "order X",
            1 => "avoid X",
            2 => "order Y",
            _ => "avoid Y",
        };
        text += &format!("rule r{r} \"R{r}\"\n  when {when}\n  then {action}\n\n");
    }
    text
}

/// Every value an input can take, as the evaluator's values.
fn values(guideline: &Guideline, input: usize) -> Vec<Option<Value>> {
    let declared = &guideline.inputs[input];
    let mut out: Vec<Option<Value>> = match &declared.ty {
        leidraad::model::Type::YesNo => vec![Some(Value::Bool(false)), Some(Value::Bool(true))],
        leidraad::model::Type::OneOf(values) => (0..values.len() as u32)
            .map(|v| Some(Value::Choice(v)))
            .collect(),
        leidraad::model::Type::AnyOf(members) => (0..1u32 << members.len())
            .map(|bits| {
                Some(Value::Set(
                    (0..members.len() as u32)
                        .filter(|m| bits & (1 << m) != 0)
                        .collect(),
                ))
            })
            .collect(),
        leidraad::model::Type::Number { lo, hi, whole, .. } => {
            assert!(*whole, "the generator declares whole numbers only");
            let (lo, hi) = (lo.numer() as i64, hi.numer() as i64);
            (lo..=hi)
                .map(|n| Some(Value::Number(Rational::from_integer(n))))
                .collect()
        }
    };
    if declared.admits_unknown {
        out.push(Some(Value::Unknown));
    }
    // Left out: the patient who is not asked.
    if declared.asked_when.is_some() {
        out.push(None);
    }
    out
}

/// What the model says by enumeration: the rules some patient fires, and
/// the clashing pairs (rule, rule, target) some patient gets.
fn enumerate(guideline: &Guideline) -> (BTreeSet<usize>, BTreeSet<(usize, usize, usize)>) {
    let domains: Vec<Vec<Option<Value>>> = (0..guideline.inputs.len())
        .map(|i| values(guideline, i))
        .collect();
    let mut fired_ever = BTreeSet::new();
    let mut clashes = BTreeSet::new();
    let total: usize = domains.iter().map(Vec::len).product();
    for mut index in 0..total {
        let given: Vec<Option<Value>> = domains
            .iter()
            .map(|domain| {
                let value = domain[index % domain.len()].clone();
                index /= domain.len();
                value
            })
            .collect();
        let (slots, set_aside) = guideline.complete(&given);
        // A value given for an input that is not asked is not a patient of
        // its own: the same patient is enumerated without it. Nor is one
        // who is asked but gives no answer.
        if !set_aside.is_empty() || slots.contains(&Slot::Unknown) {
            continue;
        }
        if guideline
            .assumptions
            .iter()
            .any(|a| a.condition.eval(guideline, &slots) != Some(true))
        {
            continue;
        }
        let fired: Vec<usize> = (0..guideline.rules.len())
            .filter(|&r| {
                guideline.rules[r]
                    .when
                    .as_ref()
                    .is_none_or(|w| w.eval(guideline, &slots).expect("a complete patient"))
            })
            .collect();
        fired_ever.extend(fired.iter().copied());
        for &x in &fired {
            for &y in &fired {
                let (ax, ay) = (
                    &guideline.rules[x].actions[0],
                    &guideline.rules[y].actions[0],
                );
                let clash = ax.target == ay.target
                    && (ax.kind == ActionKind::Order) != (ay.kind == ActionKind::Order);
                if x < y && clash {
                    clashes.insert((x, y, ax.target));
                }
            }
        }
    }
    (fired_ever, clashes)
}

#[test]
fn whole_numbers_unknown_answers_scores_and_counts_are_analysed_exactly() {
    let cases = support::cases("LEIDRAAD_MODEL_CASES", 300);
    let mut rng = SplitMix64::new(0x0a4c_1e5e);
    let (mut unreachable, mut conflicts) = (0, 0);
    for case in 0..cases {
        let text = guideline_text(&mut rng);
        let mut sources = Sources::new();
        let file = sources.add("generated.leidraad", text.clone());
        let options = CheckOptions {
            analyses: false,
            ..CheckOptions::default()
        };
        let result = check_with(&sources, &[file], &options);
        assert_eq!(
            result.error_count(),
            0,
            "case {case}: errors in\n{text}\n{:?}",
            result.diagnostics
        );
        let checked = &result.files[0];
        let guideline = &checked.guideline;
        let lowering = checked.lowering.as_ref().unwrap();
        let analysis = analyse(&lowering.problem, &AnalysisOptions::default());
        let (fired_ever, clashes) = enumerate(guideline);
        let mut found_unreachable = BTreeSet::new();
        let mut found_clashes = BTreeSet::new();
        for finding in &analysis.findings {
            let witness = match finding {
                Finding::Unreachable { rule } => {
                    found_unreachable.insert(*rule);
                    None
                }
                Finding::Conflict {
                    rules: (x, y),
                    targets: (target, _),
                    witness,
                } => {
                    found_clashes.insert((*x.min(y), *x.max(y), *target as usize));
                    Some(witness)
                }
                Finding::Incomplete { .. } => panic!("case {case}: incomplete\n{text}"),
                Finding::Shadowed { witness, .. }
                | Finding::Redundant { witness, .. }
                | Finding::RequirementFailed { witness, .. } => Some(witness),
                _ => None,
            };
            // The witness is a patient a record can describe.
            if let Some(witness) = witness {
                let record = lowering.witness_record(guideline, witness);
                let read = read_record(guideline, &record)
                    .unwrap_or_else(|e| panic!("case {case}: {record} refused: {e:?}\n{text}"));
                let (slots, _) = guideline.complete(&read.values);
                let classes = lowering.assignment(&slots);
                let expected: Vec<Option<u32>> = witness.iter().map(|c| Some(*c)).collect();
                assert_eq!(classes, expected, "case {case}: witness {record}\n{text}");
            }
        }
        let never: BTreeSet<usize> = (0..guideline.rules.len())
            .filter(|r| !fired_ever.contains(r))
            .collect();
        assert_eq!(
            found_unreachable, never,
            "case {case}: unreachable rules\n{text}"
        );
        assert_eq!(found_clashes, clashes, "case {case}: conflicts\n{text}");
        unreachable += never.len();
        conflicts += clashes.len();
    }
    // The generator must make both kinds of finding, or the test proves little.
    assert!(
        unreachable > 0 && conflicts > 0,
        "{unreachable} / {conflicts}"
    );
    eprintln!("{cases} guidelines: {unreachable} unreachable rules, {conflicts} conflicts agree");
}
