//! `leidraad ask FILE`: a questionnaire in the terminal. It asks only the
//! questions that can still change the advice, the first of them in the
//! decision diagram's order each time (`eval --partial` decides which), with
//! the guideline's labels, units and numbered choices, in its language;
//! every answer is read as `eval` reads a record field (range, unit, whole
//! number, choices, `unknown` only where the input allows it), and a bad
//! one is asked again. `<` (or the words table's word for back) goes back
//! one question. When no answer can change the advice any more, the advice
//! is printed with its explanation, and the answers as a record.

use super::eval::whole_diagram;
use super::{Status, load_error_free_in};
use leidraad::diagnostics::escape::{controls, controls_keep_lines};
use leidraad::eval::partial::{evaluate_partial, partial_human};
use leidraad::eval::text::human;
use leidraad::eval::{evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::model::record::read_record;
use leidraad::model::words::{Words, fill};
use leidraad::model::{Guideline, Input, InputId, Slot, Type};
use miette::miette;
use serde_json::{Map, Value as Json};
use std::io::BufRead as _;

pub fn run(
    path: &str,
    lang: Option<&str>,
    budgets: &CompileOptions,
    color: bool,
) -> miette::Result<Status> {
    let (sources, checked) = load_error_free_in(path, "so no questions are asked", color, lang)?;
    let guideline = &checked.guideline;
    let Some(lowering) = &checked.lowering else {
        return Err(miette!("the guideline has errors"));
    };
    let diagram = whole_diagram(lowering, budgets)?;
    let words = leidraad::model::words::of(guideline);
    let title = guideline.header.as_ref().map_or_else(
        || sources.name(guideline.file).to_owned(),
        |h| h.label.clone(),
    );
    outln!("{}", controls(&title));
    outln!("({})", words.back_hint);
    let mut answers: Vec<(InputId, Json)> = Vec::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        let record = record_of(guideline, &answers);
        let read = read_record(guideline, &record)
            .map_err(|_| miette!("the answers could not be read back as a record"))?;
        let partial = match evaluate_partial(guideline, lowering, &diagram, &read.values) {
            Ok(partial) => partial,
            Err(_) => {
                // An answer no patient can give with the earlier ones (an
                // `assume` says so): take it back and ask again.
                outln!("  {}", fill(words.try_again, &["—"]));
                answers.pop();
                continue;
            }
        };
        // An input whose `asked when` is not decided yet waits for the
        // questions that decide it (they are in the list too).
        let slots: Vec<Slot> = read
            .values
            .iter()
            .map(|v| v.clone().map_or(Slot::Unknown, Slot::Known))
            .collect();
        let asked = |input: &InputId| {
            guideline.inputs.get(*input).is_some_and(|i| {
                i.asked_when
                    .as_ref()
                    .is_none_or(|c| c.eval(guideline, &slots) == Some(true))
            })
        };
        let first = partial
            .questions
            .iter()
            .find(|q| asked(q))
            .or(partial.questions.first());
        let Some(&next) = first else {
            print_advice(guideline, &sources, lowering, &record, &partial, budgets);
            return Ok(Status::Clean);
        };
        let Some(input) = guideline.inputs.get(next) else {
            return Err(miette!("no question {next}"));
        };
        let number = answers.len() + 1;
        let most = answers.len() + partial.questions.len();
        outln!("");
        outln!(
            "{} ({})",
            controls(&input.label),
            fill(words.question_of, &[&number.to_string(), &most.to_string()])
        );
        let choices = choices(input, words);
        for (index, choice) in choices.iter().enumerate() {
            outln!("  {}. {}", index + 1, controls(choice));
        }
        outln!("  {}", controls(&hint(input, words, choices.len())));
        // Ask until the answer reads.
        loop {
            out!("> ");
            let Some(Ok(line)) = lines.next() else {
                outln!("");
                outln!("{}", words.stopped);
                return Ok(Status::Problems);
            };
            let line = line.trim().to_owned();
            if Words::is_one_of(&line, words.back_answers) {
                if answers.pop().is_none() {
                    outln!("  {}", words.nothing_to_go_back_to);
                    continue;
                }
                break;
            }
            match answer(guideline, input, words, &line) {
                Ok(value) => {
                    answers.push((next, value));
                    break;
                }
                Err(why) => outln!("  {}", controls(&fill(words.try_again, &[&why]))),
            }
        }
    }
}

/// The answers as a record.
fn record_of(guideline: &Guideline, answers: &[(InputId, Json)]) -> Json {
    let mut record = Map::new();
    for (input, value) in answers {
        if let Some(input) = guideline.inputs.get(*input) {
            record.insert(input.id.clone(), value.clone());
        }
    }
    Json::Object(record)
}

/// The numbered choices of a question: the answers of a yes/no input, the
/// values of a `one of`, the members of an `any of`; with "unknown" last
/// where the input allows it. A number has none.
fn choices(input: &Input, words: &Words) -> Vec<String> {
    let mut out: Vec<String> = match &input.ty {
        Type::YesNo => vec![words.yes.to_owned(), words.no.to_owned()],
        Type::OneOf(values) | Type::AnyOf(values) => values.clone(),
        Type::Number { .. } => Vec::new(),
    };
    if input.admits_unknown && !out.is_empty() && !matches!(input.ty, Type::AnyOf(_)) {
        out.push(words.unknown.to_owned());
    }
    out
}

/// What to type: the numbers of the choices, or the range of a number.
fn hint(input: &Input, words: &Words, choices: usize) -> String {
    let mut hint = match &input.ty {
        Type::Number {
            lo,
            hi,
            unit,
            whole,
            ..
        } => {
            let unit = unit.as_ref().map_or(String::new(), |u| {
                format!(" {}", words.unit_word(u.canonical, false))
            });
            let range = fill(
                words.number_range,
                &[
                    &lo.to_human_string(),
                    &format!("{}{unit}", hi.to_human_string()),
                ],
            );
            if *whole {
                format!("{range} ({})", words.whole_number)
            } else {
                range
            }
        }
        Type::AnyOf(_) => format!(
            "{}; {}",
            fill(words.choose_number, &[&choices.to_string()]),
            words.choose_several
        ),
        _ => fill(words.choose_number, &[&choices.to_string()]),
    };
    let unknown_listed =
        input.admits_unknown && !matches!(input.ty, Type::Number { .. } | Type::AnyOf(_));
    if input.admits_unknown && !unknown_listed {
        let word = words.unknown_answers.first().copied().unwrap_or("?");
        hint.push_str(&format!(", {}", fill(words.or_unknown, &[word])));
    }
    hint
}

/// One answer as the JSON a record gives, checked by the record reader as
/// `eval` checks a field; the reason in words when it does not read.
fn answer(guideline: &Guideline, input: &Input, words: &Words, line: &str) -> Result<Json, String> {
    if line.is_empty() && !matches!(input.ty, Type::AnyOf(_)) {
        return Err(hint(input, words, choices(input, words).len()));
    }
    let choices = choices(input, words);
    let unknown = Words::is_one_of(line, words.unknown_answers)
        || (input.admits_unknown
            && choices.last().is_some_and(|c| c == words.unknown)
            && pick(line, choices.len()) == Some(choices.len() - 1));
    let value = if unknown {
        Json::Null
    } else {
        match &input.ty {
            Type::YesNo => {
                if Words::is_one_of(line, words.yes_answers) || pick(line, choices.len()) == Some(0)
                {
                    Json::Bool(true)
                } else if Words::is_one_of(line, words.no_answers)
                    || pick(line, choices.len()) == Some(1)
                {
                    Json::Bool(false)
                } else {
                    return Err(fill(words.choose_number, &[&choices.len().to_string()]));
                }
            }
            Type::OneOf(values) => match pick(line, choices.len()).and_then(|i| values.get(i)) {
                Some(value) => Json::String(value.clone()),
                // A value typed by name is read as the record would read it.
                None => Json::String(line.to_owned()),
            },
            Type::AnyOf(values) => {
                let mut members = Vec::new();
                for part in line.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    match pick(part, values.len()).and_then(|i| values.get(i)) {
                        Some(member) => members.push(Json::String(member.clone())),
                        None => members.push(Json::String(part.to_owned())),
                    }
                }
                Json::Array(members)
            }
            Type::Number { .. } => {
                // A decimal comma is read as a point (`1,5`); a number with
                // a unit is a text the record reader converts (`6 months`).
                let plain = line.replace(',', ".");
                match plain.parse::<f64>() {
                    Ok(_) => {
                        // A plain number out of range, or not whole, is
                        // said in the guideline's words.
                        let exact = leidraad::model::number::Rational::parse_decimal(&plain).ok();
                        if let (Some(value), Type::Number { lo, hi, whole, .. }) =
                            (exact, &input.ty)
                        {
                            if value < *lo || value > *hi || (*whole && !value.is_integer()) {
                                return Err(hint(input, words, 0));
                            }
                        }
                        serde_json::from_str::<Json>(&plain).map_err(|_| hint(input, words, 0))?
                    }
                    Err(_) => Json::String(plain),
                }
            }
        }
    };
    if value.is_null() && !input.admits_unknown {
        return Err(hint(input, words, choices.len()));
    }
    let mut record = Map::new();
    record.insert(input.id.clone(), value.clone());
    match read_record(guideline, &Json::Object(record)) {
        Ok(_) => Ok(value),
        Err(errors) => Err(errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

/// The index of a numbered choice `1..=count` typed as its number.
fn pick(line: &str, count: usize) -> Option<usize> {
    let number: usize = line.trim().parse().ok()?;
    (1..=count).contains(&number).then(|| number - 1)
}

/// The advice once no answer can change it, with its explanation (from
/// `eval` on the answers as a record), and the answers as a record.
fn print_advice(
    guideline: &Guideline,
    sources: &leidraad::source::Sources,
    lowering: &leidraad::model::lower::Lowering,
    record: &Json,
    partial: &leidraad::eval::partial::Partial,
    budgets: &CompileOptions,
) {
    let words = leidraad::model::words::of(guideline);
    outln!("");
    outln!("{}", words.advice_heading);
    let explained = read_record(guideline, record).ok().and_then(|read| {
        let evaluation = match GroupedDiagram::compile_smaller(&lowering.problem, budgets) {
            Ok(grouped) => evaluate_compiled(guideline, lowering, &grouped, &read.values),
            Err(_) => evaluate(guideline, lowering, &read.values),
        };
        evaluation.ok()
    });
    match explained {
        Some(evaluation) => out!(
            "{}",
            controls_keep_lines(&human(guideline, sources, &evaluation, &[]))
        ),
        // The explanation needs a record `eval` can answer; the advice is
        // certain all the same.
        None => out!(
            "{}",
            controls_keep_lines(&partial_human(guideline, partial, &[]))
        ),
    }
    outln!("");
    outln!("{}:", words.answers_heading);
    outln!(
        "{}",
        controls(&serde_json::to_string(record).unwrap_or_default())
    );
}
