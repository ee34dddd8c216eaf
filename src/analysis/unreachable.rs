//! L302: no possible patient fires the rule.

use super::Context;
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::RuleId;

pub(super) fn diagnostic(context: &Context<'_>, rule: RuleId) -> Option<Diagnostic> {
    let rule = context.guideline.rules.get(rule)?;
    let mut diagnostic = Diagnostic::new(
        Code::UnreachableRule,
        format!("no patient fires rule `{}`", rule.id),
    )
    .with_primary(rule.id_span, "this rule can never apply")
    .with_note(
        "its condition contradicts the inputs' ranges and values, itself, or an `assume` statement",
    );
    for assumption in &context.guideline.assumptions {
        diagnostic = diagnostic.with_secondary(
            assumption.span,
            "an assumption that limits which patients exist",
        );
    }
    Some(
        diagnostic
            .with_help("check the condition for a typo such as `<` for `>`, or remove the rule"),
    )
}
