//! L303: every action of the rule is always dropped by overriding rules.

use super::example::{Shows, rules_on};
use super::{Context, unconfirmed, who};
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{Class, Outcome, RuleId, Target};

pub(super) fn diagnostic(
    context: &Context<'_>,
    rule: RuleId,
    by: &[RuleId],
    witness: &[Class],
) -> Option<Diagnostic> {
    let shadowed = context.guideline.rules.get(rule)?;
    let shows = |outcome: &Outcome| {
        outcome.fired.contains(&rule) && !outcome.actions.iter().any(|a| a.rule == rule)
    };
    let targets: Vec<Target> = context
        .lowering
        .problem
        .rules
        .get(rule)
        .map(|r| {
            r.actions
                .iter()
                .flat_map(|a| {
                    std::iter::once(a.target).chain(a.alternatives.iter().map(|(_, t)| *t))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut rules = rules_on(context, &targets);
    if let Err(at) = rules.binary_search(&rule) {
        rules.insert(at, rule);
    }
    let finding = Shows {
        rules,
        premises: Vec::new(),
        shows: &shows,
    };
    let Some((confirmed, facts)) = context.confirmed_example(witness, &finding) else {
        return Some(unconfirmed(
            &format!("that rule `{}` is always overruled", shadowed.id),
            shadowed.id_span,
        ));
    };
    // The witness fires the rule and drops all of its actions.
    let fired = confirmed.outcome.fired.contains(&rule);
    let survives = confirmed.outcome.actions.iter().any(|a| a.rule == rule);
    if !fired || survives {
        return Some(unconfirmed(
            &format!("that rule `{}` is always overruled", shadowed.id),
            shadowed.id_span,
        ));
    }
    let names: Vec<String> = by.iter().map(|r| context.rule_name(*r)).collect();
    let mut diagnostic = Diagnostic::new(
        Code::ShadowedRule,
        format!(
            "rule `{}` is always overruled: none of its actions ever reaches a patient",
            shadowed.id
        ),
    )
    .with_primary(
        shadowed.id_span,
        "every patient this rule fires for also fires an overriding rule",
    );
    for other in by {
        if let Some(r) = context.guideline.rules.get(*other) {
            diagnostic =
                diagnostic.with_secondary(r.id_span, format!("overrides `{}`", shadowed.id));
        }
    }
    Some(
        diagnostic
            .with_note(format!(
                "for {} this rule fires, and {} overrules all of its actions",
                who(facts.as_deref()),
                names.join(" and ")
            ))
            .with_help("remove the rule, or narrow the overriding rule's condition so that this rule applies somewhere")
            .with_witness(confirmed.record)
            .with_facts(facts),
    )
}
