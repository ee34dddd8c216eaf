//! `eval --partial`: what a record that answers only some questions already
//! decides. Exact, on the decision diagram of the whole guideline
//! (`logic::diagram::partial_advice`): the advice every patient matching the
//! record gets, the advice some of them get, and the questions whose answer
//! can still change the advice, in the diagram's order.
//!
//! A field the record leaves out is a question not yet answered: its
//! `default` is not assumed (that is what `eval` does with a record it takes
//! as complete). A value given for an input whose `asked when` the record
//! already makes false is set aside, as `eval` sets it aside; a value given
//! for an input whose `asked when` the record does not decide yet counts for
//! the patients who are asked it.

use super::EvalError;
use crate::logic::diagram::{Contradicted, DecisionDiagram, partial_advice};
use crate::logic::problem::{ActionKind, Class, Content, Urgency, Var};
use crate::model::lower::Lowering;
use crate::model::{Guideline, InputId, Slot, Value};
use serde_json::{Value as Json, json};

/// One piece of advice: an action on a catalogue entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advice {
    pub kind: ActionKind,
    pub target: String,
    pub target_label: String,
    pub urgency: Option<Urgency>,
    pub instead: Option<String>,
}

/// What a partial record decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    /// The advice every patient matching the record gets.
    pub certain: Vec<Advice>,
    /// The advice some patients matching the record get, and others not.
    pub possible: Vec<Advice>,
    /// The unanswered inputs whose answer can still change the advice, in
    /// the decision diagram's order: the next question is the first.
    pub questions: Vec<InputId>,
    /// Inputs the record gives that this patient is not asked (set aside).
    pub ignored: Vec<InputId>,
}

impl Partial {
    /// Whether no answer can change the advice any more.
    pub fn settled(&self) -> bool {
        self.questions.is_empty()
    }
}

fn advice(guideline: &Guideline, content: &Content) -> Advice {
    let entry = |index: u32| guideline.entries.get(index as usize);
    Advice {
        kind: content.kind,
        target: entry(content.target).map_or_else(String::new, |e| e.id.clone()),
        target_label: entry(content.target).map_or_else(String::new, |e| e.label.clone()),
        urgency: content.urgency,
        instead: content.instead.and_then(entry).map(|e| e.id.clone()),
    }
}

/// The advice a partial record decides, on `diagram`: a decision diagram of
/// the whole of `lowering`'s problem (`DecisionDiagram::compile_smaller`).
pub fn evaluate_partial(
    guideline: &Guideline,
    lowering: &Lowering,
    diagram: &DecisionDiagram,
    given: &[Option<Value>],
) -> Result<Partial, EvalError> {
    // What the record says, without defaults.
    let mut slots: Vec<Slot> = guideline
        .inputs
        .iter()
        .enumerate()
        .map(|(index, _)| match given.get(index) {
            Some(Some(value)) => Slot::Known(value.clone()),
            _ => Slot::Unknown,
        })
        .collect();
    // `asked when` in declaration order of dependence: settle what can be
    // settled until nothing changes (an `asked when` may read an input
    // that has one of its own).
    let mut ignored = Vec::new();
    let mut undecided: Vec<InputId> = Vec::new();
    loop {
        let mut changed = false;
        for (index, input) in guideline.inputs.iter().enumerate() {
            let Some(condition) = &input.asked_when else {
                continue;
            };
            if matches!(slots.get(index), Some(Slot::NotAsked)) {
                continue;
            }
            if condition.eval(guideline, &slots) == Some(false) {
                if matches!(slots.get(index), Some(Slot::Known(_))) {
                    ignored.push(index);
                }
                if let Some(slot) = slots.get_mut(index) {
                    *slot = Slot::NotAsked;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for (index, input) in guideline.inputs.iter().enumerate() {
        if input
            .asked_when
            .as_ref()
            .is_some_and(|c| c.eval(guideline, &slots).is_none())
            && matches!(slots.get(index), Some(Slot::Known(_)))
        {
            undecided.push(index);
        }
    }
    ignored.sort_unstable();
    let assignment = lowering.assignment(&slots);
    let mut allowed: Vec<Option<Vec<Class>>> = assignment
        .iter()
        .map(|class| class.map(|c| vec![c]))
        .collect();
    // A value for an input whose `asked when` is not decided yet holds for
    // the patients who are asked it; the others are not asked it.
    for &index in &undecided {
        let Some(vars) = lowering.inputs.get(index) else {
            continue;
        };
        if let Some(absent) = vars.absent {
            for &var in &vars.vars {
                if let Some(Some(classes)) = allowed.get_mut(var as usize) {
                    classes.push(absent);
                }
            }
        }
    }
    // Every input not answered yet is a question. Its answer may change
    // whether other inputs are asked (`asked when`): those change with it,
    // between "not asked" and an answer, so their variables are the
    // question's too.
    let dependents = dependents(guideline);
    let questions: Vec<(InputId, Vec<Var>)> = slots
        .iter()
        .enumerate()
        .filter(|(_, slot)| matches!(slot, Slot::Unknown))
        .map(|(index, _)| {
            let mut vars: Vec<Var> = Vec::new();
            for input in
                std::iter::once(index).chain(dependents.get(index).into_iter().flatten().copied())
            {
                if let Some(lowered) = lowering.inputs.get(input) {
                    vars.extend(&lowered.vars);
                }
            }
            vars.sort_unstable();
            vars.dedup();
            (index, vars)
        })
        .collect();
    let vars: Vec<Vec<Var>> = questions.iter().map(|(_, vars)| vars.clone()).collect();
    let decided = partial_advice(diagram, &allowed, &vars)
        .map_err(|Contradicted| contradiction(guideline, lowering, &assignment))?;
    Ok(Partial {
        certain: decided
            .certain
            .iter()
            .map(|c| advice(guideline, c))
            .collect(),
        possible: decided
            .possible
            .iter()
            .map(|c| advice(guideline, c))
            .collect(),
        questions: decided
            .questions
            .iter()
            .filter_map(|&q| questions.get(q).map(|(input, _)| *input))
            .collect(),
        ignored,
    })
}

/// For each input, the inputs whose `asked when` reads it, directly or
/// through another `asked when`.
fn dependents(guideline: &Guideline) -> Vec<Vec<InputId>> {
    let count = guideline.inputs.len();
    let mut direct: Vec<Vec<InputId>> = vec![Vec::new(); count];
    for (index, input) in guideline.inputs.iter().enumerate() {
        if let Some(condition) = &input.asked_when {
            let mut read = Vec::new();
            inputs_read(guideline, condition, &mut read, 0);
            for used in read {
                if let Some(list) = direct.get_mut(used) {
                    list.push(index);
                }
            }
        }
    }
    (0..count)
        .map(|start| {
            let mut seen = vec![false; count];
            let mut stack: Vec<InputId> = direct.get(start).cloned().unwrap_or_default();
            let mut out = Vec::new();
            while let Some(next) = stack.pop() {
                if next == start || seen.get(next).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(flag) = seen.get_mut(next) {
                    *flag = true;
                }
                out.push(next);
                stack.extend(direct.get(next).into_iter().flatten().copied());
            }
            out.sort_unstable();
            out
        })
        .collect()
}

/// The inputs a condition reads, through definitions and scores (whose
/// chains `resolve` bounds; `depth` stops a cycle all the same).
fn inputs_read(
    guideline: &Guideline,
    cond: &crate::model::Cond,
    out: &mut Vec<InputId>,
    depth: usize,
) {
    use crate::model::{Cond, ScoreTerm};
    if depth > 256 {
        return;
    }
    match cond {
        Cond::True | Cond::Invalid => {}
        Cond::BoolIs(i, _, _)
        | Cond::ChoiceIn(i, _, _)
        | Cond::Has(i, _, _)
        | Cond::Compare(i, _, _, _)
        | Cond::IsUnknown(i, _) => out.push(*i),
        Cond::Linear(i, _, sum, _) => {
            out.push(*i);
            out.extend(sum.terms.iter().map(|(t, _)| *t));
        }
        Cond::Score(id, _, _, _) => {
            for term in guideline
                .scores
                .get(*id)
                .map(|s| s.terms.as_slice())
                .unwrap_or_default()
            {
                match term {
                    ScoreTerm::Points { when, .. } => inputs_read(guideline, when, out, depth + 1),
                    ScoreTerm::Input { input, .. } => out.push(*input),
                }
            }
        }
        Cond::Define(id, _) => {
            if let Some(definition) = guideline.definitions.get(*id) {
                inputs_read(guideline, &definition.condition, out, depth + 1);
            }
        }
        Cond::Not(inner) => inputs_read(guideline, inner, out, depth + 1),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            for part in parts {
                inputs_read(guideline, part, out, depth + 1);
            }
        }
    }
}

/// The error of a record no patient can match: the assumption it
/// contradicts, named as `eval` names it.
fn contradiction(
    guideline: &Guideline,
    lowering: &Lowering,
    assignment: &[Option<Class>],
) -> EvalError {
    let index = lowering
        .problem
        .assumptions
        .iter()
        .position(|assumption| assumption.eval(assignment) == Some(false));
    match index {
        Some(index) => super::assumption_error(guideline, lowering, index),
        None => EvalError::AskedWhen,
    }
}

/// The result as JSON (`docs/partial.schema.json`).
pub fn partial_json(guideline: &Guideline, partial: &Partial, warnings: &[String]) -> Json {
    use crate::syntax::vocabulary::{kind_word, urgency_word};
    let advice = |a: &Advice| {
        let mut item = json!({
            "kind": kind_word(a.kind),
            "target": a.target,
            "target_label": a.target_label,
        });
        if let Some(map) = item.as_object_mut() {
            if let Some(u) = a.urgency {
                map.insert("urgency".to_owned(), json!(urgency_word(u)));
                if let Urgency::Within { seconds } = u {
                    map.insert("deadline_seconds".to_owned(), json!(seconds));
                }
            }
            if let Some(instead) = &a.instead {
                map.insert("instead".to_owned(), json!(instead));
            }
        }
        item
    };
    let questions: Vec<Json> = partial
        .questions
        .iter()
        .filter_map(|&i| guideline.inputs.get(i))
        .map(|input| {
            let mut item = json!({ "input": input.id, "label": input.label });
            if let (Some(map), Some(kind)) = (item.as_object_mut(), choice_kind(&input.ty)) {
                map.insert("type".to_owned(), json!(kind));
                // The values a form offers: each by its name (what the
                // record gives) and by the words the guideline shows.
                let choices: Vec<Json> = (0u32..)
                    .zip(input.value_names())
                    .map(|(index, name)| {
                        json!({
                            "value": name,
                            "label": input.value_shown(index).unwrap_or(name),
                        })
                    })
                    .collect();
                map.insert("choices".to_owned(), Json::Array(choices));
            }
            item
        })
        .collect();
    json!({
        "schema": "leidraad-partial",
        "schema_version": 1,
        "settled": partial.settled(),
        "certain": partial.certain.iter().map(advice).collect::<Vec<_>>(),
        "possible": partial.possible.iter().map(advice).collect::<Vec<_>>(),
        "questions": questions,
        "warnings": warnings,
    })
}

/// `one of` or `any of`, for an input that offers choices.
fn choice_kind(ty: &crate::model::Type) -> Option<&'static str> {
    match ty {
        crate::model::Type::OneOf(_) => Some("one of"),
        crate::model::Type::AnyOf(_) => Some("any of"),
        crate::model::Type::YesNo | crate::model::Type::Number { .. } => None,
    }
}

/// The result for a person to read, in the guideline's language.
pub fn partial_human(guideline: &Guideline, partial: &Partial, warnings: &[String]) -> String {
    let words = crate::model::words::of(guideline);
    let line = |a: &Advice| {
        let urgency = a
            .urgency
            .map_or(String::new(), |u| format!(" ({})", words.urgency(u)));
        let instead = a.instead.as_ref().map_or(String::new(), |i| {
            format!(", {}", crate::model::words::fill(words.instead_of, &[i]))
        });
        format!(
            "    {} {} \"{}\"{urgency}{instead}\n",
            words.kind(a.kind),
            a.target,
            a.target_label
        )
    };
    let mut out = String::new();
    if let Some(header) = &guideline.header {
        out.push_str(&format!("{}\n", header.label));
    }
    out.push_str(&format!("  {}:\n", words.certain));
    if partial.certain.is_empty() {
        out.push_str(&format!("    {}\n", words.nothing_certain));
    }
    partial.certain.iter().for_each(|a| out.push_str(&line(a)));
    out.push_str(&format!("  {}:\n", words.possible));
    if partial.possible.is_empty() {
        out.push_str(&format!("    {}\n", words.nothing_possible));
    }
    partial.possible.iter().for_each(|a| out.push_str(&line(a)));
    if partial.settled() {
        out.push_str(&format!("  {}\n", words.complete));
    } else {
        out.push_str(&format!("  {}:\n", words.next_questions));
        for input in partial
            .questions
            .iter()
            .filter_map(|&i| guideline.inputs.get(i))
        {
            out.push_str(&format!("    {} \"{}\"\n", input.id, input.label));
        }
    }
    for w in warnings {
        out.push_str(&format!("  {}: {w}\n", words.warning));
    }
    out
}
