//! L303: every action of the rule is always dropped by overriding rules.

use super::{Context, unconfirmed};
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{Class, RuleId};

pub(super) fn diagnostic(
    context: &Context<'_>,
    rule: RuleId,
    by: &[RuleId],
    witness: &[Class],
) -> Option<Diagnostic> {
    let shadowed = context.guideline.rules.get(rule)?;
    let witness = context.typical(witness, |_, outcome| {
        outcome.fired.contains(&rule) && !outcome.actions.iter().any(|a| a.rule == rule)
    });
    let Some(confirmed) = context.witness(&witness) else {
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
                "for the example patient below this rule fires, and {} overrules all of its actions",
                names.join(" and ")
            ))
            .with_help("remove the rule, or narrow the overriding rule's condition so that this rule applies somewhere")
            .with_witness(confirmed.record),
    )
}
