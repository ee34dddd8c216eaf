//! L301: a patient gets two clashing actions from rules that do not
//! override each other.

use super::example::{Shows, rules_on};
use super::{Context, unconfirmed, who};
use crate::diagnostics::Fact;
use crate::diagnostics::{Code, Diagnostic};
use crate::logic::problem::{ActionKind, Class, Outcome, ResolvedAction, RuleId, Target};
use crate::model::index::UseKind;
use crate::source::Span;
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
    targets: (Target, Target),
    witness: &[Class],
) -> Option<Diagnostic> {
    let (a, b) = rules;
    let rule_a = context.guideline.rules.get(a)?;
    let rule_b = context.guideline.rules.get(b)?;
    let problem = &context.lowering.problem;
    let entry_name = |target: Target| {
        context
            .guideline
            .entries
            .get(target as usize)
            .map_or("?", |e| e.id.as_str())
    };
    let what = if targets.0 == targets.1 {
        format!("a conflict on `{}`", entry_name(targets.0))
    } else {
        format!(
            "a conflict between `{}` and `{}`",
            entry_name(targets.0),
            entry_name(targets.1)
        )
    };
    // The clashing pair: an action of `a` on the first target and a
    // different one of `b` on the second.
    let pair = |actions: &[ResolvedAction]| {
        actions
            .iter()
            .filter(|x| (x.rule, x.target) == (a, targets.0))
            .find_map(|x| {
                actions
                    .iter()
                    .find(|y| {
                        (y.rule, y.target) == (b, targets.1)
                            && (x.rule != y.rule || x.action != y.action)
                            && x.clashes_with(y, problem)
                    })
                    .map(|y| (*x, *y))
            })
    };
    let shows = |outcome: &Outcome| pair(&outcome.actions).is_some();
    let finding = Shows {
        rules: rules_on(context, &[targets.0, targets.1]),
        premises: Vec::new(),
        shows: &shows,
    };
    let Some((confirmed, facts)) = context.confirmed_example(witness, &finding) else {
        return Some(unconfirmed(&what, rule_a.id_span));
    };
    let Some((first, second)) = pair(&confirmed.outcome.actions) else {
        return Some(unconfirmed(&what, rule_a.id_span));
    };
    if targets.0 != targets.1 {
        return Some(exclusive(
            context,
            rules,
            (first, second),
            confirmed.record,
            facts,
        ));
    }
    let target_name = entry_name(targets.0);
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
                format!("for {}, both actions apply", who(facts.as_deref()))
            } else {
                format!("both rules fire for {}, and neither overrides the other", who(facts.as_deref()))
            })
            .with_help(if a == b {
                "a rule should not both order and avoid the same thing; split it or change an alternative".to_owned()
            } else {
                format!(
                    "if one rule is a deliberate exception, add `overrides {}` to rule `{}` (or the other way round) with a comment saying why; otherwise change a condition so that they never apply together",
                    rule_b.id, rule_a.id
                )
            })
            .with_witness(confirmed.record)
            .with_facts(facts)
            .pipe(|d| overrides_fixes(context, a, b, d)),
    )
}

/// Lets a diagnostic be changed at the end of a builder chain.
trait Pipe: Sized {
    fn pipe(self, f: impl FnOnce(Self) -> Self) -> Self {
        f(self)
    }
}

impl Pipe for Diagnostic {}

/// The two fixes of a conflict between two rules: `a` overrides `b`, or
/// the other way round. Each adds the name to the rule's `overrides`
/// (after its last one) or an `overrides` clause after the rule's label.
fn overrides_fixes(
    context: &Context<'_>,
    a: RuleId,
    b: RuleId,
    mut diagnostic: Diagnostic,
) -> Diagnostic {
    if a == b {
        return diagnostic;
    }
    let rules = &context.guideline.rules;
    for (winner, loser) in [(a, b), (b, a)] {
        let (Some(winner), Some(loser)) = (rules.get(winner), rules.get(loser)) else {
            continue;
        };
        let last_override = context
            .guideline
            .index
            .uses()
            .iter()
            .filter(|u| {
                u.kind == UseKind::Override
                    && u.span.file == winner.span.file
                    && winner.span.start <= u.span.start
                    && u.span.end <= winner.span.end
            })
            .map(|u| u.span)
            .max();
        let insertion = match last_override {
            Some(last) => Some((last.end as usize, format!(", {}", loser.id))),
            None => after_label(context.sources.slice(Span::new(
                winner.id_span.file,
                winner.id_span.end as usize,
                winner.span.end as usize,
            )))
            .map(|offset| {
                (
                    winner.id_span.end as usize + offset,
                    format!(" overrides {}", loser.id),
                )
            }),
        };
        if let Some((at, text)) = insertion {
            diagnostic = diagnostic.with_fix(
                format!("let rule `{}` override `{}`", winner.id, loser.id),
                Span::new(winner.id_span.file, at, at),
                text,
            );
        }
    }
    diagnostic
}

/// The offset just after the quoted label at the start of `text` (after
/// white space), or `None` when it does not start with one.
fn after_label(text: &str) -> Option<usize> {
    let start = text.len() - text.trim_start().len();
    let mut chars = text.get(start..)?.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut escaped = false;
    for (i, c) in chars {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(start + i + 1),
            '\n' | '\r' => return None,
            _ => {}
        }
    }
    None
}

/// L301 for two entries that exclude each other (`exclusive`), both advised
/// to the confirmed patient `record`.
fn exclusive(
    context: &Context<'_>,
    (a, b): (RuleId, RuleId),
    (first, second): (ResolvedAction, ResolvedAction),
    record: serde_json::Value,
    facts: Option<Vec<Fact>>,
) -> Diagnostic {
    let guideline = context.guideline;
    let rule_name = |rule: RuleId| guideline.rules.get(rule).map_or("?", |r| r.id.as_str());
    let entry_name = |target: Target| {
        guideline
            .entries
            .get(target as usize)
            .map_or("?", |e| e.id.as_str())
    };
    let span_of = |action: &ResolvedAction| {
        guideline.rules.get(action.rule).map(|rule| {
            rule.actions
                .get(action.action)
                .map_or(rule.id_span, |x| x.span)
        })
    };
    let (x, y) = (entry_name(first.target), entry_name(second.target));
    let message = if a == b {
        format!(
            "rule `{}` advises both `{x}` and `{y}`, which exclude each other",
            rule_name(a)
        )
    } else {
        format!(
            "rules `{}` and `{}` advise `{x}` and `{y}` for the same patient, which exclude each other",
            rule_name(a),
            rule_name(b)
        )
    };
    let via = |x: &ResolvedAction| {
        if x.alternative.is_some() {
            " (as the alternative that applies to this patient)"
        } else {
            ""
        }
    };
    let mut diagnostic = Diagnostic::new(Code::Conflict, message);
    if let Some(span) = span_of(&first) {
        diagnostic = diagnostic.with_primary(
            span,
            format!("{}{}", describe(context, &first), via(&first)),
        );
    }
    if let Some(span) = span_of(&second) {
        diagnostic = diagnostic.with_secondary(
            span,
            format!("{}{}", describe(context, &second), via(&second)),
        );
    }
    if let Some(statement) = guideline.exclusive_of(first.target as usize, second.target as usize) {
        diagnostic = diagnostic.with_secondary(
            statement.span,
            format!("`{x}` and `{y}` exclude each other: {}", statement.label),
        );
    }
    diagnostic
        .with_note(if a == b {
            format!("for {}, both actions apply", who(facts.as_deref()))
        } else {
            format!(
                "both rules fire for {}, and neither overrides the other",
                who(facts.as_deref())
            )
        })
        .with_help(if a == b {
            format!(
                "a rule should not advise two things that exclude each other; split rule `{}` or change an alternative",
                rule_name(a)
            )
        } else {
            format!(
                "if one rule is a deliberate exception, add `overrides {}` to rule `{}` (or the other way round) with a comment saying why; otherwise change a condition so that they never apply together",
                rule_name(b),
                rule_name(a)
            )
        })
        .with_witness(record)
        .with_facts(facts)
        .pipe(|d| overrides_fixes(context, a, b, d))
}
