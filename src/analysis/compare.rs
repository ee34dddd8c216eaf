//! L309: two guidelines checked together give one patient clashing advice.
//!
//! The two guidelines are merged into one problem: inputs and catalogue
//! entries are matched by name, rules keep their own `overrides`, and no
//! rule of one guideline overrides a rule of the other. A conflict between a
//! rule of the first and a rule of the second is a disagreement.

use super::Context;
use super::example::{Shows, rules_on};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::evaluate;
use crate::logic::analyse::{AnalysisOptions, Finding, analyse};
use crate::logic::problem::{ActionKind, Outcome, kinds_clash};
use crate::model::lower::{Valid, lower};
use crate::model::record::read_record;
use crate::model::*;
use crate::syntax::vocabulary::{kind_word, urgency_word};
use std::collections::HashMap;

/// Maps the second guideline's names into the merged one.
struct Remap {
    inputs: Vec<InputId>,
    definitions: usize,
    scores: usize,
}

impl Remap {
    fn cond(&self, cond: &Cond) -> Cond {
        let input = |i: &InputId| self.inputs.get(*i).copied().unwrap_or(usize::MAX);
        match cond {
            Cond::True => Cond::True,
            Cond::Invalid => Cond::Invalid,
            Cond::BoolIs(i, b, s) => Cond::BoolIs(input(i), *b, *s),
            Cond::ChoiceIn(i, v, s) => Cond::ChoiceIn(input(i), v.clone(), *s),
            Cond::Has(i, m, s) => Cond::Has(input(i), *m, *s),
            Cond::Compare(i, op, t, s) => Cond::Compare(input(i), *op, *t, *s),
            Cond::IsUnknown(i, s) => Cond::IsUnknown(input(i), *s),
            Cond::Define(d, s) => Cond::Define(d + self.definitions, *s),
            Cond::Score(id, op, t, s) => Cond::Score(id + self.scores, *op, *t, *s),
            Cond::Linear(i, op, sum, s) => {
                let mut sum = sum.clone();
                for (term, _) in &mut sum.terms {
                    *term = input(term);
                }
                Cond::Linear(input(i), *op, sum, *s)
            }
            Cond::AtLeast(n, parts, s) => {
                Cond::AtLeast(*n, parts.iter().map(|p| self.cond(p)).collect(), *s)
            }
            Cond::Not(inner) => Cond::Not(Box::new(self.cond(inner))),
            Cond::And(parts) => Cond::And(parts.iter().map(|p| self.cond(p)).collect()),
            Cond::Or(parts) => Cond::Or(parts.iter().map(|p| self.cond(p)).collect()),
        }
    }
}

fn name(guideline: &Guideline) -> String {
    guideline
        .header
        .as_ref()
        .map_or_else(|| "?".to_owned(), |h| h.id.clone())
}

/// Why the two guidelines cannot be merged, if they cannot.
fn merge(a: &Guideline, b: &Guideline) -> Result<Guideline, String> {
    let mut merged = a.clone();
    merged.requirements.clear();
    merged.cases.clear();
    let mut inputs = Vec::with_capacity(b.inputs.len());
    for input in &b.inputs {
        match a.input_index(&input.id) {
            Some(index) => {
                let theirs = a.inputs.get(index).map(|i| &i.ty);
                if theirs != Some(&input.ty) {
                    return Err(format!(
                        "the input `{}` is declared differently in the two guidelines",
                        input.id
                    ));
                }
                inputs.push(index);
            }
            None => {
                inputs.push(merged.inputs.len());
                merged.inputs.push(input.clone());
            }
        }
    }
    let remap = Remap {
        inputs,
        definitions: a.definitions.len(),
        scores: a.scores.len(),
    };
    // `asked when` of inputs new to the merge refer to the second
    // guideline's names.
    for input in merged.inputs.iter_mut().skip(a.inputs.len()) {
        input.asked_when = input.asked_when.as_ref().map(|c| remap.cond(c));
    }
    for definition in &b.definitions {
        let mut definition = definition.clone();
        definition.condition = remap.cond(&definition.condition);
        merged.definitions.push(definition);
    }
    for score in &b.scores {
        let mut score = score.clone();
        for term in &mut score.terms {
            match term {
                ScoreTerm::Points { when, .. } => *when = remap.cond(when),
                ScoreTerm::Input { input, .. } => {
                    *input = remap.inputs.get(*input).copied().unwrap_or(usize::MAX);
                }
            }
        }
        merged.scores.push(score);
    }
    for assumption in &b.assumptions {
        merged.assumptions.push(Assumption {
            condition: remap.cond(&assumption.condition),
            span: assumption.span,
        });
    }
    let mut entries: HashMap<&str, EntryId> = a
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut entry_map = Vec::with_capacity(b.entries.len());
    for entry in &b.entries {
        match entries.get(entry.id.as_str()) {
            Some(index) => entry_map.push(*index),
            None => {
                entry_map.push(merged.entries.len());
                entries.insert(entry.id.as_str(), merged.entries.len());
                merged.entries.push(entry.clone());
            }
        }
    }
    let entry = |e: EntryId| entry_map.get(e).copied().unwrap_or(usize::MAX);
    let offset = a.rules.len();
    for rule in &b.rules {
        let mut rule = rule.clone();
        rule.when = rule.when.as_ref().map(|c| remap.cond(c));
        rule.overrides = rule.overrides.iter().map(|r| r + offset).collect();
        for action in &mut rule.actions {
            action.target = entry(action.target);
            action.instead = action.instead.map(entry);
            action.alternatives = action
                .alternatives
                .iter()
                .map(|(c, t)| (remap.cond(c), entry(*t)))
                .collect();
        }
        merged.rules.push(rule);
    }
    // Each guideline's exclusions hold for its own rules in the merge, so
    // that its overrides drop what they drop on their own.
    for exclusive in &b.exclusive {
        let mut exclusive = exclusive.clone();
        exclusive.entries = exclusive.entries.iter().map(|&e| entry(e)).collect();
        merged.exclusive.push(exclusive);
    }
    Ok(merged)
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
    first: Valid<'_>,
    second: Valid<'_>,
    options: &AnalysisOptions,
) -> Vec<Diagnostic> {
    let (a, b) = (first.guideline, second.guideline);
    let (lower_a, lower_b) = (first.lowering, second.lowering);
    let merged = match merge(a, b) {
        Ok(merged) => merged,
        Err(reason) => {
            let span = a
                .header
                .as_ref()
                .map_or(crate::source::Span::new(a.file, 0, 0), |h| h.span);
            return vec![
                Diagnostic::new(
                    Code::AnalysisIncomplete,
                    format!(
                        "`{}` and `{}` were not compared: {reason}",
                        name(a),
                        name(b)
                    ),
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
    // The merged guideline has no source of its own; its findings point
    // into the two files by span.
    let no_sources = crate::source::Sources::default();
    let context = Context::new(&merged, &lowering, &no_sources);
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
                        format!("the comparison with `{}` did not finish: {reason}", name(b)),
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
                    name(a),
                    name(b),
                    target_entry.id,
                    name(a),
                    advice_words(&from_a),
                    name(b),
                    advice_words(&from_b)
                ),
            )
            .with_primary(span_a, format!("`{}` {} `{}`", name(a), kind_word(from_a.kind), target_entry.id))
            .with_secondary(span_b, format!("`{}` {} `{}`", name(b), kind_word(from_b.kind), target_entry.id))
            .with_note("the example patient below gets both pieces of advice, one from each guideline")
            .with_help("decide which position the guideline takes; where one is a deliberate choice, say so in a comment")
            .with_witness(record)
            .with_facts(example.facts),
        );
    }
    diagnostics
}
