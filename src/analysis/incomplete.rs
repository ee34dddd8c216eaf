//! L306: an analysis ran out of its budget; nothing is claimed for it.

use super::Context;
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::analyse::AnalysisKind;
use crate::logic::problem::{RuleId, Target};

pub(super) fn diagnostic(
    context: &Context<'_>,
    analysis: AnalysisKind,
    rules: &[RuleId],
    requirement: Option<usize>,
    target: Option<Target>,
    reason: &str,
) -> Option<Diagnostic> {
    let what = match analysis {
        AnalysisKind::Input => "the analysis input",
        AnalysisKind::Conflicts => "the search for conflicts",
        AnalysisKind::Reachability => "the search for rules that never fire",
        AnalysisKind::Shadowing => "the search for overruled rules",
        AnalysisKind::Redundancy => "the search for redundant rules",
        AnalysisKind::Requirements => "the proof of a requirement",
    };
    let on = target
        .and_then(|t| context.guideline.entries.get(t as usize))
        .map(|entry| format!(" on `{}`", entry.id))
        .unwrap_or_default();
    let mut diagnostic = Diagnostic::new(
        Code::AnalysisIncomplete,
        format!("{what}{on} did not finish: {reason}"),
    );
    let mut labelled = false;
    if let Some(r) = requirement.and_then(|i| context.guideline.requirements.get(i)) {
        diagnostic = diagnostic.with_primary(r.span, "not decided");
        labelled = true;
    }
    for rule in rules.iter().filter_map(|r| context.guideline.rules.get(*r)) {
        diagnostic = if labelled {
            diagnostic.with_secondary(rule.id_span, "involved")
        } else {
            labelled = true;
            diagnostic.with_primary(rule.id_span, "not decided for this rule")
        };
    }
    if !labelled {
        if let Some(header) = &context.guideline.header {
            diagnostic = diagnostic.with_primary(header.span, "in this guideline");
        }
    }
    Some(
        diagnostic
            .with_note("nothing is claimed about what was not decided: it may or may not have problems")
            .with_help("raise the budget with `--budget NODES`, or split large conditions into definitions"),
    )
}
