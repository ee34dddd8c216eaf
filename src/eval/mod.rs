//! Evaluation of one patient: the final recommendations and why each rule
//! fired. Pure: the caller reads the record and renders the result.

use crate::logic::diagram::{EvalError as DiagramError, GroupedDiagram};
use crate::logic::index::RuleIndex;
use crate::logic::problem::{
    ActionKind, Class, Content, Outcome, OutcomeError, ResolvedAction, Urgency, Var,
};
use crate::model::lower::{AssumptionOrigin, Lowering};
use crate::model::number::Rational;
use crate::model::{Cond, Guideline, InputId, ScoreId, ScoreTerm, Slot, Value};
use crate::source::Span;
use serde::Serialize;

pub mod partial;
pub mod text;

/// One part of the reason a rule fired: a test as written in the source,
/// possibly negated (`not fever`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub span: Span,
    pub negated: bool,
    /// For a score comparison: the score's value and the terms that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreValue>,
}

/// A score's value for one patient, as a clinician reads it:
/// `wells = 3 (active_cancer +1, calf_swelling +1, pitting_oedema +1)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreValue {
    pub score: ScoreId,
    pub value: Rational,
    /// The terms that added something: the term's index and what it added.
    pub terms: Vec<(usize, Rational)>,
}

/// The value of a score for a patient whose inputs it reads are known.
fn score_value(guideline: &Guideline, score: ScoreId, slots: &[Slot]) -> Option<ScoreValue> {
    let declared = guideline.scores.get(score)?;
    let zero = Rational::from_integer(0);
    let mut value = zero;
    let mut terms = Vec::new();
    for (index, term) in declared.terms.iter().enumerate() {
        let added = match term {
            ScoreTerm::Points { points, when, .. } => {
                if when.eval(guideline, slots)? {
                    *points
                } else {
                    zero
                }
            }
            ScoreTerm::Input {
                input, negative, ..
            } => match slots.get(*input)? {
                Slot::Known(Value::Number(v)) if *negative => zero.checked_sub(*v)?,
                Slot::Known(Value::Number(v)) => *v,
                _ => return None,
            },
        };
        value = value.checked_add(added)?;
        if added != zero {
            terms.push((index, added));
        }
    }
    Some(ScoreValue {
        score,
        value,
        terms,
    })
}

/// One final recommendation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub kind: ActionKind,
    pub target: String,
    pub target_label: String,
    pub rule: String,
    pub rule_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// The primary target an applicable alternative replaced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// For `avoid X instead Y`: `Y`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    /// The target's catalogue entry (its codes are in the guideline).
    #[serde(skip)]
    pub target_entry: crate::model::EntryId,
    #[serde(skip)]
    pub rule_span: Span,
    #[serde(skip)]
    pub because: Vec<Reason>,
}

/// An action that an overriding rule dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overruled {
    pub kind: ActionKind,
    pub target: String,
    pub rule: String,
    pub by_rule: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub recommendations: Vec<Recommendation>,
    pub overruled: Vec<Overruled>,
    /// Ids of the rules that fired, in rule order.
    pub fired: Vec<String>,
}

/// Why a record could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvalError {
    /// The answer depends on these inputs, which the record lacks.
    Missing(Vec<InputId>),
    /// The record contradicts the `assume` statement with this span.
    Assumption(Span),
    /// The record contradicts an `asked when` (an internal assumption).
    AskedWhen,
}

/// Maps a lowered assumption index back to what the editor wrote.
pub(crate) fn assumption_error(
    guideline: &Guideline,
    lowering: &Lowering,
    index: usize,
) -> EvalError {
    match lowering.assumption_origin.get(index) {
        Some(AssumptionOrigin::Stated(i)) => guideline
            .assumptions
            .get(*i)
            .map_or(EvalError::AskedWhen, |assumption| {
                EvalError::Assumption(assumption.span)
            }),
        // A record's values always meet what the shape of an input says.
        Some(AssumptionOrigin::AskedWhen(_) | AssumptionOrigin::Shape(_)) | None => {
            EvalError::AskedWhen
        }
    }
}

fn missing_inputs(lowering: &Lowering, vars: &[Var]) -> EvalError {
    let mut inputs: Vec<InputId> = vars
        .iter()
        .filter_map(|v| {
            lowering
                .var_origin
                .get(*v as usize)
                .map(|(input, _)| *input)
        })
        .collect();
    inputs.sort_unstable();
    inputs.dedup();
    EvalError::Missing(inputs)
}

/// Evaluates one patient with the reference interpreter (rule by rule).
pub fn evaluate(
    guideline: &Guideline,
    lowering: &Lowering,
    given: &[Option<Value>],
) -> Result<Evaluation, EvalError> {
    let (slots, _) = guideline.complete(given);
    let assignment = lowering.assignment(&slots);
    let outcome = lowering
        .problem
        .outcome(&assignment)
        .map_err(|error| match error {
            OutcomeError::Unknown(vars) => missing_inputs(lowering, &vars),
            OutcomeError::Assumption(index) => assumption_error(guideline, lowering, index),
        })?;
    Ok(explain(guideline, &slots, &outcome))
}

/// Evaluates one patient whose record gives (or whose `asked when`s settle)
/// every input, on the rule index: no diagram is needed. `None` when the
/// record lacks an input; the caller then takes the diagram (which answers
/// whenever the missing inputs do not matter) or the reference. Where it
/// answers, the answer is [`evaluate`]'s and [`evaluate_compiled`]'s.
pub fn evaluate_indexed(
    guideline: &Guideline,
    lowering: &Lowering,
    index: &RuleIndex<'_>,
    given: &[Option<Value>],
) -> Option<Result<Evaluation, EvalError>> {
    indexed(guideline, lowering, index, given, true)
}

/// [`evaluate_indexed`] without the reasons: every recommendation's
/// `because` is empty. For results that carry the advice alone
/// (`eval --batch --explain none`), which need not find them.
pub fn evaluate_indexed_advice(
    guideline: &Guideline,
    lowering: &Lowering,
    index: &RuleIndex<'_>,
    given: &[Option<Value>],
) -> Option<Result<Evaluation, EvalError>> {
    indexed(guideline, lowering, index, given, false)
}

fn indexed(
    guideline: &Guideline,
    lowering: &Lowering,
    index: &RuleIndex<'_>,
    given: &[Option<Value>],
    with_reasons: bool,
) -> Option<Result<Evaluation, EvalError>> {
    let (slots, _) = guideline.complete(given);
    let assignment: Vec<Class> = lowering
        .assignment(&slots)
        .into_iter()
        .collect::<Option<_>>()?;
    let outcome = index.outcome(&assignment).map_err(|error| match error {
        OutcomeError::Unknown(vars) => missing_inputs(lowering, &vars),
        OutcomeError::Assumption(index) => assumption_error(guideline, lowering, index),
    });
    Some(outcome.map(|outcome| explain_with(guideline, &slots, &outcome, with_reasons)))
}

/// Evaluates a partial record with the reference interpreter when that
/// gives [`evaluate_compiled`]'s answer without the diagram: the record
/// certainly satisfies every assumption and decides every rule and
/// alternative. `None` otherwise (the diagram may still answer, or name
/// the assumption every completion violates).
pub fn evaluate_settled(
    guideline: &Guideline,
    lowering: &Lowering,
    given: &[Option<Value>],
) -> Option<Evaluation> {
    let (slots, _) = guideline.complete(given);
    let assignment = lowering.assignment(&slots);
    let problem = &lowering.problem;
    // An `asked when` assumption that the record leaves open while lacking
    // its own variable is met by choosing that variable ("asked" or "not
    // asked"), whatever the rest; chains of `asked when` are acyclic, so all
    // of them are met together. What the shape of an input says is met by
    // any value of it. Any other open assumption might be violated by every
    // completion.
    let open_is_harmless = |index: usize| match lowering.assumption_origin.get(index) {
        Some(AssumptionOrigin::AskedWhen(var)) => {
            assignment.get(*var as usize).copied().flatten().is_none()
        }
        Some(AssumptionOrigin::Shape(_)) => true,
        Some(AssumptionOrigin::Stated(_)) | None => false,
    };
    let assumptions_hold = problem
        .assumptions
        .iter()
        .enumerate()
        .all(|(index, assumption)| match assumption.eval(&assignment) {
            Some(holds) => holds,
            None => open_is_harmless(index),
        });
    if !assumptions_hold {
        return None;
    }
    let outcome = problem.outcome(&assignment).ok()?;
    Some(explain(guideline, &slots, &outcome))
}

/// Evaluates one patient on the compiled decision diagram. Reads only the
/// inputs on the patient's path: a record may lack inputs the answer does
/// not depend on. Gives the same recommendations as [`evaluate`] wherever
/// that one answers (tests/it/eval_agrees.rs checks it).
///
/// The diagram's leaves hold the advice, not the rules that gave it; the
/// explanation (the rules, their reasons, what was overruled) is
/// [`Problem::certain_outcome`](crate::logic::problem::Problem::certain_outcome).
/// Where the diagram answers, the certain outcome's actions have, group by
/// group, the advice of the diagram's leaves as a rule, and they are what is
/// shown. When they do not (Kleene logic does not see that the record
/// decides a rule, as when an `asked when` implies its condition, or
/// different rules give the same advice to different patients matching
/// the record), the patients matching the record are walked (see
/// `attributed`): when they all get the same actions, those are shown;
/// when not, the first variable on which two of them differ is named; when
/// too many patients match, the reference interpreter answers.
pub fn evaluate_compiled(
    guideline: &Guideline,
    lowering: &Lowering,
    diagram: &GroupedDiagram,
    given: &[Option<Value>],
) -> Result<Evaluation, EvalError> {
    let (slots, _) = guideline.complete(given);
    let assignment = lowering.assignment(&slots);
    let advice = diagram.eval(&assignment).map_err(|error| match error {
        DiagramError::Missing(var) => missing_inputs(lowering, &[var]),
        // The diagram's leaf names the first assumption its completions
        // break, which for a partial record may be an internal `asked when`
        // one; name the assumption the record itself contradicts, as
        // `evaluate` does, whenever there is one.
        DiagramError::Assumption(index) => {
            let contradicted = lowering
                .problem
                .assumptions
                .iter()
                .position(|assumption| assumption.eval(&assignment) == Some(false));
            assumption_error(guideline, lowering, contradicted.unwrap_or(index))
        }
        // Classes come from the same lowering the diagram was built from.
        DiagramError::InvalidClass { var, .. } => missing_inputs(lowering, &[var]),
    })?;
    // The explanation is what is certain: the rules whose condition
    // certainly holds, and what the overrides among them drop. Rules the
    // answer does not depend on may be undecided for a record that lacks
    // their inputs; they are not listed.
    let outcome = lowering.problem.certain_outcome(&assignment);
    let explained = agrees(diagram, &outcome.actions, &advice);
    if explained {
        return Ok(explain(guideline, &slots, &outcome));
    }
    match attributed(lowering, diagram, &assignment, &advice) {
        Attribution::Certain(actions) => {
            let outcome = Outcome { actions, ..outcome };
            Ok(explain(guideline, &slots, &outcome))
        }
        Attribution::Depends(var) => Err(missing_inputs(lowering, &[var])),
        Attribution::Unknown => evaluate(guideline, lowering, given),
    }
}

/// The most completions [`attributed`] walks.
const ATTRIBUTION_COMPLETIONS: u64 = 1 << 12;

/// Who gives the advice the diagram found for a partial record that the
/// certain outcome does not explain.
enum Attribution {
    /// Every patient matching the record gets these actions, rules and all.
    Certain(Vec<ResolvedAction>),
    /// The rules that give the advice depend on this missing variable.
    Depends(Var),
    /// Too many patients match to tell.
    Unknown,
}

/// Walks every patient matching the record (the unknown variables that a
/// condition or assumption reads, from a first patient the diagram finds;
/// at most [`ATTRIBUTION_COMPLETIONS`]) and asks whether they all get the
/// same actions: the question a diagram keyed by rules would answer.
fn attributed(
    lowering: &Lowering,
    diagram: &GroupedDiagram,
    assignment: &[Option<Class>],
    advice: &[&[Content]],
) -> Attribution {
    let problem = &lowering.problem;
    let Some(witness) = diagram.witness(assignment) else {
        return Attribution::Unknown;
    };
    let Some(first) = problem.outcome_complete(&witness) else {
        return Attribution::Unknown;
    };
    if !agrees(diagram, &first.actions, advice) {
        return Attribution::Unknown;
    }
    let mut read: Vec<Var> = Vec::new();
    for formula in problem
        .assumptions
        .iter()
        .chain(problem.rules.iter().flat_map(|rule| {
            std::iter::once(&rule.when).chain(
                rule.actions
                    .iter()
                    .flat_map(|action| action.alternatives.iter().map(|(condition, _)| condition)),
            )
        }))
    {
        formula.collect_vars(&mut read);
    }
    read.sort_unstable();
    read.dedup();
    read.retain(|&var| assignment.get(var as usize).copied().flatten().is_none());
    let sizes: Vec<u32> = read
        .iter()
        .map(|&var| problem.var_sizes.get(var as usize).copied().unwrap_or(1))
        .collect();
    let total = sizes
        .iter()
        .try_fold(1u64, |acc, &size| acc.checked_mul(u64::from(size)));
    let Some(total) = total.filter(|&total| total <= ATTRIBUTION_COMPLETIONS) else {
        return Attribution::Unknown;
    };
    let order = diagram
        .groups()
        .first()
        .map(|group| group.diagram.order())
        .unwrap_or(&[]);
    let mut point = witness.clone();
    for mut index in 0..total {
        for (&var, &size) in read.iter().zip(&sizes) {
            if let Some(slot) = point.get_mut(var as usize) {
                *slot = u32::try_from(index % u64::from(size)).unwrap_or(0);
            }
            index /= u64::from(size);
        }
        let Some(other) = problem.outcome_complete(&point) else {
            continue;
        };
        if other.actions != first.actions {
            // The first variable, in the diagram's order, on which the two
            // patients differ.
            let differs = |var: &Var| witness.get(*var as usize) != point.get(*var as usize);
            return match order.iter().find(|var| differs(var)) {
                Some(&var) => Attribution::Depends(var),
                None => Attribution::Unknown,
            };
        }
    }
    Attribution::Certain(first.actions)
}

/// Whether `actions` give, group by group, the diagram's `advice`.
fn agrees(diagram: &GroupedDiagram, actions: &[ResolvedAction], advice: &[&[Content]]) -> bool {
    diagram.groups().iter().zip(advice).all(|(group, advice)| {
        let given: Vec<Content> = actions
            .iter()
            .filter(|action| group.rules.binary_search(&action.rule).is_ok())
            .map(ResolvedAction::content)
            .collect();
        given.as_slice() == *advice
    })
}

/// Names, labels and reasons for an outcome.
fn explain(guideline: &Guideline, slots: &[Slot], outcome: &Outcome) -> Evaluation {
    explain_with(guideline, slots, outcome, true)
}

/// [`explain`], with the reasons only when asked.
fn explain_with(
    guideline: &Guideline,
    slots: &[Slot],
    outcome: &Outcome,
    with_reasons: bool,
) -> Evaluation {
    let entry = |target: u32| guideline.entries.get(target as usize);
    // The actions of one rule are adjacent and share its reasons: found
    // once per rule.
    let mut last: Option<(usize, Vec<Reason>)> = None;
    let recommendations = outcome
        .actions
        .iter()
        .filter_map(|action| {
            let rule = guideline.rules.get(action.rule)?;
            let written = rule.actions.get(action.action)?;
            let target = entry(action.target)?;
            let because = match &last {
                Some((id, because)) if *id == action.rule => because.clone(),
                _ => {
                    let because = rule
                        .when
                        .as_ref()
                        .filter(|_| with_reasons)
                        .map(|c| reasons(guideline, c, slots))
                        .unwrap_or_default();
                    last = Some((action.rule, because.clone()));
                    because
                }
            };
            Some(Recommendation {
                kind: action.kind,
                target: target.id.clone(),
                target_label: target.label.clone(),
                rule: rule.id.clone(),
                rule_label: rule.label.clone(),
                urgency: action.urgency,
                replaces: action
                    .alternative
                    .and_then(|_| guideline.entries.get(written.target))
                    .map(|e| e.id.clone()),
                instead: action.instead.and_then(entry).map(|e| e.id.clone()),
                target_entry: action.target as usize,
                rule_span: rule.id_span,
                because,
            })
        })
        .collect();
    let overruled = outcome
        .dropped
        .iter()
        .filter_map(|(action, by)| {
            Some(Overruled {
                kind: action.kind,
                target: entry(action.target)?.id.clone(),
                rule: guideline.rules.get(action.rule)?.id.clone(),
                by_rule: guideline.rules.get(*by)?.id.clone(),
            })
        })
        .collect();
    let fired = outcome
        .fired
        .iter()
        .filter_map(|r| guideline.rules.get(*r).map(|r| r.id.clone()))
        .collect();
    Evaluation {
        recommendations,
        overruled,
        fired,
    }
}

/// The tests that made a condition true, as written.
pub(crate) fn reasons(guideline: &Guideline, condition: &Cond, slots: &[Slot]) -> Vec<Reason> {
    let mut out = Vec::new();
    collect_reasons(guideline, condition, slots, false, &mut out);
    // A test reached through two definitions is one reason, listed once.
    // The lists are short: a scan is cheaper than hashing.
    let mut kept: Vec<Reason> = Vec::with_capacity(out.len());
    for reason in out {
        if !kept.contains(&reason) {
            kept.push(reason);
        }
    }
    kept
}

fn collect_reasons(
    guideline: &Guideline,
    condition: &Cond,
    slots: &[Slot],
    negated: bool,
    out: &mut Vec<Reason>,
) {
    // A part explains the result when its value equals the wanted value.
    let wanted = !negated;
    match condition {
        Cond::True | Cond::Invalid => {}
        Cond::BoolIs(_, _, span)
        | Cond::ChoiceIn(_, _, span)
        | Cond::Has(_, _, span)
        | Cond::Compare(_, _, _, span)
        | Cond::Linear(_, _, _, span)
        | Cond::IsUnknown(_, span) => {
            out.push(Reason {
                span: *span,
                negated,
                score: None,
            });
        }
        // A score reads as its value and the criteria that made it, not as
        // the criteria one by one.
        Cond::Score(id, _, _, span) => {
            out.push(Reason {
                span: *span,
                negated,
                score: score_value(guideline, *id, slots),
            });
        }
        Cond::Define(id, span) => {
            out.push(Reason {
                span: *span,
                negated,
                score: None,
            });
            if let Some(definition) = guideline.definitions.get(*id) {
                collect_reasons(guideline, &definition.condition, slots, negated, out);
            }
        }
        Cond::Not(inner) => collect_reasons(guideline, inner, slots, !negated, out),
        // A count reads as the conditions that counted (for a count that
        // held) or those that did not (for one that failed).
        Cond::AtLeast(_, parts, _) => {
            for part in parts {
                if part.eval(guideline, slots) == Some(wanted) {
                    collect_reasons(guideline, part, slots, negated, out);
                }
            }
        }
        Cond::And(parts) | Cond::Or(parts) => {
            let is_and = matches!(condition, Cond::And(_));
            // For a true `and` (or a false `or`) every part matters; otherwise
            // the parts that decided it.
            let all_matter = is_and == wanted;
            for part in parts {
                if all_matter || part.eval(guideline, slots) == Some(wanted) {
                    collect_reasons(guideline, part, slots, negated, out);
                }
            }
        }
    }
}
