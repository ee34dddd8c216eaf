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
                outln!("  {}", fill(words.try_again, &[words.contradicts]));
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
                Ok((value, by_label)) => {
                    // A value typed by its label: say which value it is.
                    for (name, label) in by_label {
                        outln!("  {}", controls(&fill(words.taken_as, &[&name, &label])));
                    }
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
        // Shown by their labels; the answer is still the value's name.
        Type::OneOf(values) | Type::AnyOf(values) => (0u32..)
            .zip(values)
            .map(|(i, v)| input.value_shown(i).unwrap_or(v).to_owned())
            .collect(),
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
                &[&words.number(*lo), &format!("{}{unit}", words.number(*hi))],
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

/// The value whose label is `typed` (exactly, in any case), when exactly
/// one value has that label, with the label as the guideline writes it.
fn by_label<'v>(
    input: &'v Input,
    values: &'v [String],
    typed: &str,
) -> Option<(&'v String, &'v str)> {
    let wanted = typed.trim().to_lowercase();
    let mut found = (0u32..).zip(values).filter_map(|(index, value)| {
        input
            .value_label(index)
            .filter(|label| label.trim().to_lowercase() == wanted)
            .map(|label| (value, label))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// A value chosen by its label: its name and its label.
type ByLabel = Vec<(String, String)>;

/// One answer as the JSON a record gives, checked by the record reader as
/// `eval` checks a field; the reason in the guideline's words when it does
/// not read. The record reader decides what is accepted; the reasons are
/// found here, before it, so that they are said in the table's words. A
/// person may type a value's label (`acuut` for `acute`) where it names
/// one value: the answer is then that value's name, as a record gives it
/// (a record itself must name the value), and the values so chosen come
/// back to be shown.
fn answer(
    guideline: &Guideline,
    input: &Input,
    words: &Words,
    line: &str,
) -> Result<(Json, ByLabel), String> {
    let mut chosen_by_label: ByLabel = Vec::new();
    let choices = choices(input, words);
    let hint_here = || hint(input, words, choices.len());
    if line.is_empty() && !matches!(input.ty, Type::AnyOf(_)) {
        return Err(hint_here());
    }
    let unknown = Words::is_one_of(line, words.unknown_answers)
        || (input.admits_unknown
            && choices.last().is_some_and(|c| c == words.unknown)
            && pick(line, choices.len()) == Some(choices.len() - 1));
    if unknown && !input.admits_unknown {
        return Err(format!(
            "{}; {}",
            fill(words.unknown_not_allowed, &[line]),
            hint_here()
        ));
    }
    let not_a_choice = |typed: &str, among: &[String]| {
        let mut why = fill(words.not_a_choice, &[typed]);
        // Names and labels both answer, so both are suggested.
        let labels = (0u32..)
            .take(among.len())
            .filter_map(|index| input.value_label(index));
        if let Some(near) = leidraad::diagnostics::suggest::did_you_mean(
            typed,
            among.iter().map(String::as_str).chain(labels),
        ) {
            why.push_str(&format!(" ({})", fill(words.did_you_mean, &[near])));
        }
        format!("{why}; {}", hint_here())
    };
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
                    return Err(not_a_choice(line, &[]));
                }
            }
            Type::OneOf(values) => match pick(line, choices.len()).and_then(|i| values.get(i)) {
                Some(value) => Json::String(value.clone()),
                // A value typed by name, as the record names it.
                None if values.iter().any(|v| v == line) => Json::String(line.to_owned()),
                None => match by_label(input, values, line) {
                    Some((value, label)) => {
                        chosen_by_label.push((value.clone(), label.to_owned()));
                        Json::String(value.clone())
                    }
                    None => return Err(not_a_choice(line, values)),
                },
            },
            Type::AnyOf(values) => {
                let mut members: Vec<&String> = Vec::new();
                for part in line.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let member = match pick(part, values.len()).and_then(|i| values.get(i)) {
                        Some(member) => member,
                        None => match values.iter().find(|v| *v == part) {
                            Some(member) => member,
                            None => match by_label(input, values, part) {
                                Some((member, label)) => {
                                    chosen_by_label.push((member.clone(), label.to_owned()));
                                    member
                                }
                                None => return Err(not_a_choice(part, values)),
                            },
                        },
                    };
                    if members.contains(&member) {
                        return Err(format!(
                            "{}; {}",
                            fill(words.chosen_twice, &[member]),
                            hint_here()
                        ));
                    }
                    members.push(member);
                }
                Json::Array(members.into_iter().cloned().map(Json::String).collect())
            }
            Type::Number { .. } => number(input, words, line)?,
        }
    };
    let mut record = Map::new();
    record.insert(input.id.clone(), value.clone());
    match read_record(guideline, &Json::Object(record)) {
        Ok(_) => Ok((value, chosen_by_label)),
        // A reason not found above: the record reader's, in the same
        // words as `eval` says it; never accepted.
        Err(errors) => Err(format!(
            "{}; {}",
            errors
                .first()
                .map_or(words.unreadable, |e| e.message.as_str()),
            hint_here()
        )),
    }
}

/// A number answer, with or without a unit (`6 maanden`, `0,8 mg/L`), as
/// the JSON a record gives: a plain number as a number, one with a unit as
/// the text the record reader converts exactly. Range, unit and whole
/// number are checked here to say what is wrong in the table's words.
fn number(input: &Input, words: &Words, line: &str) -> Result<Json, String> {
    use leidraad::model::number::{ExactError, Rational};
    use leidraad::model::units::{ConversionError, Unit};
    let Type::Number {
        lo,
        hi,
        unit,
        molar_mass,
        whole,
    } = &input.ty
    else {
        return Err(words.unreadable.to_owned());
    };
    let hint_here = || hint(input, words, 0);
    let unit_word = |u: &Unit| words.unit_word(u.canonical, false);
    // A decimal comma is read as a point (`1,5`).
    let plain = line.replace(',', ".");
    let mut parts = plain.split_whitespace();
    let number_text = parts.next().unwrap_or("");
    let number = match Rational::parse_exact(number_text) {
        Ok(number) => number,
        Err(ExactError::TooLarge) => {
            return Err(format!(
                "{}; {}",
                fill(words.too_large, &[line]),
                hint_here()
            ));
        }
        Err(_) => {
            return Err(format!(
                "{}; {}",
                fill(words.not_a_number, &[line]),
                hint_here()
            ));
        }
    };
    let typed_unit = parts.next();
    if parts.next().is_some() {
        let example = unit
            .as_ref()
            .map_or_else(|| "3".to_owned(), |u| format!("3 {}", unit_word(u)));
        return Err(fill(words.number_and_unit, &[&example]));
    }
    let (value, json, shown) = match typed_unit {
        None => {
            let json = serde_json::from_str::<Json>(number_text)
                .ok()
                .filter(Json::is_number)
                .ok_or_else(|| format!("{}; {}", fill(words.not_a_number, &[line]), hint_here()))?;
            (number, json, number_text.to_owned())
        }
        Some(typed) => {
            let Some(target) = unit else {
                return Err(format!(
                    "{}; {}",
                    fill(words.no_unit, &[typed]),
                    hint_here()
                ));
            };
            // A time unit in the table's words (`maanden`) is the unit
            // the record reader knows (`months`).
            let canonical = words
                .units
                .iter()
                .find(|(_, one, more)| {
                    one.eq_ignore_ascii_case(typed) || more.eq_ignore_ascii_case(typed)
                })
                .map_or(typed, |(name, _, _)| *name);
            let Some(given) = Unit::lookup(canonical) else {
                return Err(fill(words.unknown_unit, &[typed, &unit_word(target)]));
            };
            let converted = match Unit::convert(number, &given, target, *molar_mass) {
                Ok(converted) => converted,
                Err(ConversionError::Dimensions) => {
                    return Err(fill(words.other_quantity, &[typed, &unit_word(target)]));
                }
                Err(ConversionError::MolarMassNeeded) => {
                    return Err(fill(words.molar_mass_needed, &[typed, &unit_word(target)]));
                }
                Err(ConversionError::TooLarge) => {
                    return Err(format!(
                        "{}; {}",
                        fill(words.too_large, &[line]),
                        hint_here()
                    ));
                }
            };
            let shown = if given.canonical == target.canonical {
                format!("\"{line}\"")
            } else {
                format!(
                    "\"{line}\" ({} {})",
                    words.number(converted),
                    unit_word(target)
                )
            };
            (
                converted,
                Json::String(format!("{number_text} {canonical}")),
                shown,
            )
        }
    };
    if value < *lo || value > *hi {
        return Err(fill(words.outside_range, &[&shown, &hint_here()]));
    }
    if *whole && !value.is_integer() {
        return Err(format!(
            "{}; {}",
            fill(words.not_whole, &[&shown]),
            hint_here()
        ));
    }
    Ok(json)
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
