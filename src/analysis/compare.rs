//! L309: two guidelines checked together give one patient clashing advice.
//!
//! The two guidelines are merged into one problem: inputs and catalogue
//! entries are matched by name, rules keep their own `overrides`, and no
//! rule of one guideline overrides a rule of the other. A conflict between a
//! rule of the first and a rule of the second is a disagreement.

use super::example::{Shows, rules_on};
use super::{Context, who};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::evaluate;
use crate::logic::analyse::{AnalysisOptions, Finding, analyse};
use crate::logic::problem::{ActionKind, Outcome, kinds_clash};
use crate::model::lower::{Valid, lower};
use crate::model::merge::{Matching, merge};
use crate::model::record::read_record;
use crate::model::*;
use crate::source::Sources;
use crate::syntax::vocabulary::{kind_word, urgency_word};

fn name(guideline: &Guideline) -> String {
    guideline
        .header
        .as_ref()
        .map_or_else(|| "?".to_owned(), |h| h.id.clone())
}

/// What the messages call the two guidelines: their names, or, when the
/// names are the same (two versions of one guideline), their files (the
/// file names alone when those differ).
fn names(a: &Guideline, b: &Guideline, sources: &Sources) -> (String, String) {
    let (name_a, name_b) = (name(a), name(b));
    if name_a != name_b {
        return (name_a, name_b);
    }
    let path = |g: &Guideline| sources.name(g.file).to_owned();
    let base = |path: &str| path.rsplit(['/', '\\']).next().unwrap_or(path).to_owned();
    let (path_a, path_b) = (path(a), path(b));
    let (shown_a, shown_b) = if base(&path_a) == base(&path_b) {
        (path_a, path_b)
    } else {
        (base(&path_a), base(&path_b))
    };
    let escaped = |s: String| crate::diagnostics::escape::controls(&s).into_owned();
    (escaped(shown_a), escaped(shown_b))
}

/// "order urgent", "avoid": what one guideline advises on the target.
fn advice_words(advice: &crate::eval::Recommendation) -> String {
    match advice.urgency {
        Some(urgency) if advice.kind != ActionKind::Avoid => {
            format!("{} {}", kind_word(advice.kind), urgency_word(urgency))
        }
        _ => kind_word(advice.kind).to_owned(),
    }
}

/// Reports where two error-free guidelines give one patient clashing advice.
pub(crate) fn compare(
    sources: &Sources,
    first: Valid<'_>,
    second: Valid<'_>,
    options: &AnalysisOptions,
) -> Vec<Diagnostic> {
    let (a, b) = (first.guideline, second.guideline);
    let (name_a, name_b) = names(a, b, sources);
    let (lower_a, lower_b) = (first.lowering, second.lowering);
    let merged = match merge(a, b, Matching::Strict) {
        Ok(merged) => merged.guideline,
        Err(reason) => {
            let span = a
                .header
                .as_ref()
                .map_or(crate::source::Span::new(a.file, 0, 0), |h| h.span);
            return vec![
                Diagnostic::new(
                    Code::AnalysisIncomplete,
                    format!("`{}` and `{}` were not compared: {reason}", name_a, name_b),
                )
                .with_primary(span, "this guideline")
                .with_help("use the same inputs with the same types and values in both guidelines"),
            ];
        }
    };
    let lowering = lower(&merged);
    let only_conflicts = AnalysisOptions {
        reachability: false,
        shadowing: false,
        redundancy: false,
        requirements: false,
        ..options.clone()
    };
    let analysis = analyse(&lowering.problem, &only_conflicts);
    let offset = a.rules.len();
    let context = Context::new(&merged, &lowering, sources);
    let mut diagnostics = Vec::new();
    for finding in &analysis.findings {
        let Finding::Conflict {
            rules: (x, y),
            targets: (target, other_target),
            witness,
        } = finding
        else {
            if let Finding::Incomplete { reason, .. } = finding {
                let span = a
                    .header
                    .as_ref()
                    .map_or(crate::source::Span::new(a.file, 0, 0), |h| h.span);
                diagnostics.push(
                    Diagnostic::new(
                        Code::AnalysisIncomplete,
                        format!("the comparison with `{}` did not finish: {reason}", name_b),
                    )
                    .with_primary(span, "this guideline")
                    .with_help("raise the budget with `--budget NODES`"),
                );
            }
            continue;
        };
        // Only pairs across the two guidelines, on one entry, are
        // disagreements. (Entries that one guideline says exclude each
        // other, advised one by each guideline, are not compared.)
        if !(*x < offset && *y >= offset) || target != other_target {
            continue;
        }
        let (Some(rule_a), Some(rule_b)) = (a.rules.get(*x), b.rules.get(y - offset)) else {
            continue;
        };
        let Some(target_entry) = merged.entries.get(*target as usize) else {
            continue;
        };
        // Of the merged witness, the facts that matter for this pair.
        let problem = &lowering.problem;
        let shows = |o: &Outcome| {
            o.actions.iter().any(|p| {
                (p.rule, p.target) == (*x, *target)
                    && o.actions
                        .iter()
                        .any(|q| (q.rule, q.target) == (*y, *target) && p.clashes_with(q, problem))
            })
        };
        let finding = Shows {
            rules: rules_on(&context, &[*target]),
            premises: Vec::new(),
            shows: &shows,
        };
        let example = context.example(witness, &finding);
        let record = lowering.witness_record(&merged, &example.classes);
        // Confirm with each guideline's own evaluator.
        let advice = |g: &Guideline, l: &crate::model::lower::Lowering, rule: &str| {
            // Each guideline reads its own fields of the merged record.
            let own: serde_json::Map<String, serde_json::Value> = record
                .as_object()?
                .iter()
                .filter(|(name, _)| g.input_index(name).is_some())
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            let read = read_record(g, &serde_json::Value::Object(own)).ok()?;
            let evaluation = evaluate(g, l, &read.values).ok()?;
            evaluation
                .recommendations
                .into_iter()
                .find(|r| r.rule == rule && r.target == target_entry.id)
        };
        let (Some(from_a), Some(from_b)) = (
            advice(a, lower_a, &rule_a.id),
            advice(b, lower_b, &rule_b.id),
        ) else {
            continue;
        };
        if !kinds_clash((from_a.kind, from_a.urgency), (from_b.kind, from_b.urgency)) {
            continue;
        }
        let span_a = rule_a.id_span;
        let span_b = rule_b.id_span;
        diagnostics.push(
            Diagnostic::new(
                Code::GuidelinesDisagree,
                format!(
                    "`{}` and `{}` disagree on `{}`: `{}` says {}, `{}` says {}",
                    name_a,
                    name_b,
                    target_entry.id,
                    name_a,
                    advice_words(&from_a),
                    name_b,
                    advice_words(&from_b)
                ),
            )
            .with_primary(span_a, format!("`{}` {} `{}`", name_a, kind_word(from_a.kind), target_entry.id))
            .with_secondary(span_b, format!("`{}` {} `{}`", name_b, kind_word(from_b.kind), target_entry.id))
            .with_note(format!("{} gets both pieces of advice, one from each guideline", who(example.facts.as_deref())))
            .with_help("decide which position the guideline takes; where one is a deliberate choice, say so in a comment")
            .with_witness(record)
            .with_facts(example.facts),
        );
    }
    diagnostics
}
