//! L305 and L308: a requirement fails for some patient, or holds for all.

use super::{Context, unconfirmed};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::text::recommendation_line;
use crate::logic::problem::Class;
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
    let witness = context.typical(witness, |classes, outcome| {
        let partial: Vec<Option<Class>> = classes.iter().map(|c| Some(*c)).collect();
        when.as_ref()
            .is_some_and(|w| w.eval(&partial) == Some(true))
            && !demand.holds(&outcome.actions)
    });
    let Some(confirmed) = context.witness(&witness) else {
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
        .map(recommendation_line)
        .collect();
    let got = if got.is_empty() {
        "nothing".to_owned()
    } else {
        got.join("; ")
    };
    Some(
        Diagnostic::new(Code::RequirementFailed, format!("requirement \"{}\" does not hold for every patient", requirement.label))
            .with_primary(context.first_line(requirement.span), "fails for the example patient")
            .with_note(format!("the example patient below meets the requirement's `when` but gets: {got}"))
            .with_help("add or change a rule so that such patients get what the requirement asks, or narrow the requirement's `when` if they are meant to be excluded")
            .with_witness(confirmed.record),
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
