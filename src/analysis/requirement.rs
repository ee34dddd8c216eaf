//! L305 and L308: a requirement fails for some patient, or holds for all.

use super::example::{Shows, rules_on};
use super::{Context, unconfirmed};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::text::example_advice_line;
use crate::logic::problem::{Class, Demand, Outcome, Target};
use crate::model::lower::lower_demand;

pub(super) fn failed(context: &Context<'_>, index: usize, witness: &[Class]) -> Option<Diagnostic> {
    let requirement = context.guideline.requirements.get(index)?;
    let demand = lower_demand(&requirement.then);
    let when = context
        .lowering
        .problem
        .requirements
        .get(index)
        .map(|r| r.when.clone());
    let when = when?;
    let shows = |outcome: &Outcome| !demand.holds(&outcome.actions);
    let rules = match demand_targets(&demand) {
        Some(targets) => rules_on(context, &targets),
        None => (0..context.lowering.problem.rules.len()).collect(),
    };
    let finding = Shows {
        rules,
        premises: vec![&when],
        shows: &shows,
    };
    let Some((confirmed, facts)) = context.confirmed_example(witness, &finding) else {
        return Some(unconfirmed(
            &format!("that requirement \"{}\" fails", requirement.label),
            requirement.span,
        ));
    };
    // Confirm: the patient meets `when` and the final actions miss the demand.
    if demand.holds(&confirmed.outcome.actions) {
        return Some(unconfirmed(
            &format!("that requirement \"{}\" fails", requirement.label),
            requirement.span,
        ));
    }
    let got: Vec<String> = confirmed
        .evaluation
        .recommendations
        .iter()
        .map(|r| example_advice_line(context.guideline, r))
        .collect();
    let got = if got.is_empty() && context.guideline.advice_language.is_some() {
        crate::model::words::of(context.guideline)
            .doc
            .nothing
            .to_owned()
    } else if got.is_empty() {
        "nothing".to_owned()
    } else {
        got.join("; ")
    };
    Some(
        Diagnostic::new(Code::RequirementFailed, format!("requirement \"{}\" does not hold for every patient", requirement.label))
            .with_primary(context.first_line(requirement.span), "fails for the example patient")
            .with_note(format!("the example patient below meets the requirement's `when` but gets: {got}"))
            .with_help("add or change a rule so that such patients get what the requirement asks, or narrow the requirement's `when` if they are meant to be excluded")
            .with_witness(confirmed.record)
            .with_facts(facts),
    )
}

pub(super) fn proved(context: &Context<'_>, index: usize) -> Option<Diagnostic> {
    let requirement = context.guideline.requirements.get(index)?;
    Some(
        Diagnostic::new(Code::RequirementProved, format!("requirement \"{}\" holds for every possible patient", requirement.label))
            .with_primary(context.first_line(requirement.span), "proved")
            .with_note("proved over every combination of input values allowed by the inputs' ranges and the `assume` statements"),
    )
}

/// The targets a demand is about, or `None` when it names none (any
/// target): then every rule can matter.
fn demand_targets(demand: &Demand) -> Option<Vec<Target>> {
    match demand {
        Demand::And(parts) | Demand::Or(parts) => {
            let mut all = Vec::new();
            for part in parts {
                all.extend(demand_targets(part)?);
            }
            Some(all)
        }
        Demand::Not(inner) => demand_targets(inner),
        Demand::Has { targets, .. } => targets.clone(),
    }
}
