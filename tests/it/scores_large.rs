//! Scores with many criteria, compared anywhere in their range, are
//! decided exactly (issue 8). A score is one `Formula::Sum` that every
//! engine decides by dynamic programming over (points so far, terms left);
//! a mistake in what two paths share gives some patient the wrong advice.
//! Here the advice of 40-criterion scores with mixed points, compared in
//! their middle with `>=`, `<`, `==` and `!=`, is checked against a direct
//! count of the points:
//!
//! - the compiled diagram's own advice (what `eval` walks), the
//!   explained evaluation and the reference interpreter, on random
//!   patients, against the count;
//! - the analyser: a requirement that holds is proved, one that fails
//!   fails with a witness whose own count shows it;
//! - every patient of a 16-criterion score, all 65,536 of them.

use leidraad::check::check;
use leidraad::diagnostics::Code;
use leidraad::eval::{evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::logic::generate::SplitMix64;
use leidraad::logic::problem::ActionKind;
use leidraad::model::record::read_record;
use leidraad::source::Sources;
use serde_json::{Map, Value as Json};

/// The points of criterion `i` (1-based): mostly 1, every third 2, every
/// seventh -1 (an alternative explanation, as Wells' -2).
fn points(i: usize) -> i64 {
    if i % 7 == 0 {
        -1
    } else if i % 3 == 0 {
        2
    } else {
        1
    }
}

fn guideline(n: usize, threshold: i64) -> String {
    let mut text = String::from("guideline g \"G\"\n\n");
    for i in 1..=n {
        text += &format!("input c{i} : yes/no \"Criterion {i}\"\n");
    }
    text += "\nexam X \"X\"\nexam Y \"Y\"\nexam Z \"Z\"\n\n";
    let terms: Vec<String> = (1..=n)
        .map(|i| {
            let p = points(i);
            let sign = if p < 0 { "-" } else { "+" };
            format!("{sign} {} when c{i}", p.abs())
        })
        .collect();
    let terms = terms.join(" ");
    let terms = terms.strip_prefix("+ ").unwrap_or(&terms);
    text += &format!("score s \"S\" = {terms}\n\n");
    let t = threshold;
    text += &format!("rule high \"High\"\n  when s >= {t}\n  then order X\n\n");
    text += &format!("rule low \"Low\"\n  when s < {t}\n  then avoid X\n\n");
    text += &format!("rule exact \"Exact\"\n  when s == {t}\n  then order Y\n\n");
    text += &format!(
        "rule other \"Other\"\n  when s != {}\n  then order Z\n\n",
        t + 1
    );
    text += &format!("require \"High scores order X\"\n  when s >= {t}\n  then order X\n\n");
    text += "require \"The first criterion orders X\"\n  when c1\n  then order X\n";
    text
}

/// The points of a record, counted directly.
fn count(record: &Map<String, Json>, n: usize) -> i64 {
    (1..=n)
        .filter(|i| record.get(&format!("c{i}")) == Some(&Json::Bool(true)))
        .map(points)
        .sum()
}

/// What the rules give for a score, by the definition of the rules.
fn expected(score: i64, threshold: i64) -> Vec<(ActionKind, String)> {
    let mut out = Vec::new();
    if score >= threshold {
        out.push((ActionKind::Order, "X".to_owned()));
    } else {
        out.push((ActionKind::Avoid, "X".to_owned()));
    }
    if score == threshold {
        out.push((ActionKind::Order, "Y".to_owned()));
    }
    if score != threshold + 1 {
        out.push((ActionKind::Order, "Z".to_owned()));
    }
    out.sort();
    out
}

/// Checks the guideline and the advice for `records` (all of them when
/// `None`, else that many random ones).
fn agrees(n: usize, threshold: i64, records: Option<usize>) {
    let text = guideline(n, threshold);
    let mut sources = Sources::new();
    let file = sources.add("scores.leidraad", text);
    let result = check(&sources, &[file]);
    assert_eq!(result.error_count(), 1, "{:#?}", result.diagnostics);
    // The analyser: the first requirement is proved, the second fails with
    // a patient who has c1 and too few points.
    let proved = result
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::RequirementProved)
        .count();
    assert_eq!(proved, 1, "{:#?}", result.diagnostics);
    let failed = result
        .diagnostics
        .iter()
        .find(|d| d.code == Code::RequirementFailed)
        .expect("the second requirement fails");
    let witness = failed.witness.as_ref().and_then(Json::as_object).unwrap();
    assert_eq!(witness.get("c1"), Some(&Json::Bool(true)));
    assert!(count(witness, n) < threshold, "{witness:?}");
    assert!(
        !result
            .diagnostics
            .iter()
            .any(|d| d.code == Code::ScoreTooLarge),
        "refused"
    );

    let checked = &result.files[0];
    let guideline = &checked.guideline;
    let lowering = checked.lowering.as_ref().unwrap();
    let diagram =
        GroupedDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()).unwrap();
    let mut rng = SplitMix64::new(0x5c0e_0040 + n as u64);
    let total = records.unwrap_or(1 << n);
    let mut scores = std::collections::BTreeSet::new();
    for index in 0..total {
        // Every patient in turn, or random ones with 10% to 90% of the
        // criteria, so that the whole range of the score is reached.
        let density = [10, 30, 50, 70, 90][index % 5];
        let record: Map<String, Json> = (1..=n)
            .map(|i| {
                let yes = match records {
                    None => index >> (i - 1) & 1 == 1,
                    Some(_) => rng.chance(density),
                };
                (format!("c{i}"), Json::Bool(yes))
            })
            .collect();
        let score = count(&record, n);
        scores.insert(score);
        let json = Json::Object(record);
        let read = read_record(guideline, &json).unwrap();
        let want = expected(score, threshold);
        // The diagram's own advice: `evaluate_compiled` would fall back to
        // the reference where the diagram cannot explain its answer.
        let (slots, _) = guideline.complete(&read.values);
        let assignment = lowering.assignment(&slots);
        let mut advised: Vec<(ActionKind, String)> = diagram
            .eval(&assignment)
            .unwrap()
            .into_iter()
            .flatten()
            .map(|content| {
                let entry = &guideline.entries[content.target as usize];
                (content.kind, entry.id.clone())
            })
            .collect();
        advised.sort();
        assert_eq!(advised, want, "diagram: score {score}, record {json}");
        for evaluation in [
            evaluate(guideline, lowering, &read.values).unwrap(),
            evaluate_compiled(guideline, lowering, &diagram, &read.values).unwrap(),
        ] {
            let mut got: Vec<(ActionKind, String)> = evaluation
                .recommendations
                .iter()
                .map(|r| (r.kind, r.target.clone()))
                .collect();
            got.sort();
            assert_eq!(got, want, "score {score}, record {json}");
        }
    }
    // The records reach the threshold from both sides.
    assert!(scores.contains(&threshold) && scores.contains(&(threshold + 1)));
    assert!(scores.iter().any(|&s| s < threshold - 3));
    assert!(scores.iter().any(|&s| s > threshold + 3));
}

#[test]
fn a_40_criterion_score_compared_in_its_middle_agrees_with_a_direct_count() {
    // The points of c1..c40 add up to at most 46; 20 is in the middle.
    agrees(40, 20, Some(4000));
}

#[test]
fn a_30_criterion_score_near_its_low_end_agrees_with_a_direct_count() {
    agrees(30, 4, Some(3000));
}

#[test]
fn every_patient_of_a_16_criterion_score_gets_what_the_count_says() {
    agrees(16, 8, None);
}
