//! L304: another rule always does what this rule does.

use super::example::Shows;
use super::{Context, unconfirmed};
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{Class, Outcome, RuleId};

pub(super) fn diagnostic(
    context: &Context<'_>,
    rule: RuleId,
    by: &[RuleId],
    witness: &[Class],
) -> Option<Diagnostic> {
    let redundant = context.guideline.rules.get(rule)?;
    let shows = |outcome: &Outcome| {
        outcome.fired.contains(&rule) && by.iter().all(|b| outcome.fired.contains(b))
    };
    let mut rules: Vec<RuleId> = by.iter().copied().chain(std::iter::once(rule)).collect();
    rules.sort_unstable();
    rules.dedup();
    let finding = Shows {
        rules,
        premises: Vec::new(),
        shows: &shows,
    };
    let Some((confirmed, facts)) = context.confirmed_example(witness, &finding) else {
        return Some(unconfirmed(
            &format!("that rule `{}` is redundant", redundant.id),
            redundant.id_span,
        ));
    };
    if !confirmed.outcome.fired.contains(&rule)
        || !by.iter().all(|b| confirmed.outcome.fired.contains(b))
    {
        return Some(unconfirmed(
            &format!("that rule `{}` is redundant", redundant.id),
            redundant.id_span,
        ));
    }
    let names: Vec<String> = by.iter().map(|r| context.rule_name(*r)).collect();
    let (covering, marked) = match names.as_slice() {
        [one] => (format!("rule {one} fires"), "the rule marked"),
        _ => (
            format!("rules {} fire", names.join(", ")),
            "the rules marked",
        ),
    };
    let mut diagnostic = Diagnostic::new(
        Code::RedundantRule,
        format!(
            "rule `{}` adds nothing: {covering} for every patient it fires for, with the same actions",
            redundant.id
        ),
    )
    .with_primary(redundant.id_span, "this rule is redundant");
    for other in by {
        if let Some(r) = context.guideline.rules.get(*other) {
            diagnostic = diagnostic.with_secondary(r.id_span, "covers it");
        }
    }
    Some(
        diagnostic
            .with_note(format!("every patient this rule fires for also gets the same advice from {marked}; the example patient below is one"))
            .with_help(
                "remove the redundant rule, or make it say something the other rule does not",
            )
            .with_witness(confirmed.record)
            .with_facts(facts),
    )
}
