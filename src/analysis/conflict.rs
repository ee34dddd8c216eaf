//! L301: a patient gets two clashing actions from rules that do not
//! override each other.

use super::{Context, unconfirmed};
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{ActionKind, Class, ResolvedAction, RuleId, Target};
use crate::syntax::vocabulary::{kind_word, urgency_word};

fn describe(context: &Context<'_>, action: &ResolvedAction) -> String {
    let target = context
        .guideline
        .entries
        .get(action.target as usize)
        .map_or("?", |e| e.id.as_str());
    match action.urgency {
        Some(u) if action.kind != ActionKind::Avoid => {
            format!("{} `{target}` {}", kind_word(action.kind), urgency_word(u))
        }
        _ => format!("{} `{target}`", kind_word(action.kind)),
    }
}

pub(super) fn diagnostic(
    context: &Context<'_>,
    rules: (RuleId, RuleId),
    target: Target,
    witness: &[Class],
) -> Option<Diagnostic> {
    let (a, b) = rules;
    let rule_a = context.guideline.rules.get(a)?;
    let rule_b = context.guideline.rules.get(b)?;
    let target_name = context
        .guideline
        .entries
        .get(target as usize)
        .map_or("?", |e| e.id.as_str());
    let witness = context.typical(witness, |_, outcome| {
        outcome.actions.iter().any(|x| {
            x.rule == a
                && x.target == target
                && outcome.actions.iter().any(|y| {
                    y.rule == b
                        && y.target == target
                        && (x.rule != y.rule || x.action != y.action)
                        && x.clashes_with(y)
                })
        })
    });
    let Some(confirmed) = context.witness(&witness) else {
        return Some(unconfirmed(
            &format!("a conflict on `{target_name}`"),
            rule_a.id_span,
        ));
    };
    // Find the clashing pair in the confirmed outcome.
    let actions = &confirmed.outcome.actions;
    let pair = actions
        .iter()
        .filter(|x| x.rule == a && x.target == target)
        .find_map(|x| {
            actions
                .iter()
                .find(|y| {
                    y.rule == b
                        && y.target == target
                        && (x.rule != y.rule || x.action != y.action)
                        && x.clashes_with(y)
                })
                .map(|y| (*x, *y))
        });
    let Some((first, second)) = pair else {
        return Some(unconfirmed(
            &format!("a conflict on `{target_name}`"),
            rule_a.id_span,
        ));
    };
    let span_of = |rule: &crate::model::Rule, index: usize| {
        rule.actions.get(index).map_or(rule.id_span, |x| x.span)
    };
    let first_text = describe(context, &first);
    let second_text = describe(context, &second);
    let message = if a == b {
        format!(
            "rule `{}` gives clashing advice on `{target_name}`: {first_text} and {second_text}",
            rule_a.id
        )
    } else {
        format!(
            "rules `{}` and `{}` give clashing advice on `{target_name}` for the same patient",
            rule_a.id, rule_b.id
        )
    };
    let via = |x: &ResolvedAction| {
        if x.alternative.is_some() {
            " (as the alternative that applies to this patient)"
        } else {
            ""
        }
    };
    Some(
        Diagnostic::new(Code::Conflict, message)
            .with_primary(span_of(rule_a, first.action), format!("{first_text}{}", via(&first)))
            .with_secondary(span_of(rule_b, second.action), format!("{second_text}{}", via(&second)))
            .with_note(if a == b {
                "for the example patient below, both actions apply".to_owned()
            } else {
                "both rules fire for the example patient below, and neither overrides the other".to_owned()
            })
            .with_help(if a == b {
                "a rule should not both order and avoid the same thing; split it or change an alternative".to_owned()
            } else {
                format!(
                    "if one rule is a deliberate exception, add `overrides {}` to rule `{}` (or the other way round) with a comment saying why; otherwise change a condition so that they never apply together",
                    rule_b.id, rule_a.id
                )
            })
            .with_witness(confirmed.record),
    )
}
