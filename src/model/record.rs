//! Patient records (JSON) to input values. A record that cannot be read
//! completely is rejected: nothing is recommended from half-read data.

use super::number::{ExactError, Rational};
use super::units::{ConversionError, Suggestion, Unit, UnknownUnit};
use super::*;
use crate::diagnostics::escape::shorten;
use crate::diagnostics::suggest::did_you_mean;
use crate::model::words::{self, Words, fill};
use serde::Serialize;
use serde_json::Value as Json;
use unicode_normalization::UnicodeNormalization as _;

/// A problem with one field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name; empty for the record as a whole.
    pub field: String,
    pub message: String,
    /// Why, in a word that does not depend on the guideline's language:
    /// what a program reads instead of the message.
    pub reason: Refusal,
}

/// Why a record was refused, for programs (`reason` in the JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The field's value is not one the input takes (type, range, unit,
    /// choice), or the record is not an object.
    Invalid,
    /// The field is not an input of the guideline (or, for the error that
    /// counts the rest, the fields are not).
    UnknownField,
    /// The record lacks an input the recommendation depends on.
    Missing,
    /// The record says the input is not known, and the recommendation
    /// depends on it.
    NotKnown,
    /// The record contradicts an `assume` of the guideline.
    Contradiction,
    /// The record gives an input that is not asked for this patient.
    NotAsked,
}

/// The values a record gives, one slot per input, and warnings about fields
/// that were not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub values: Vec<Option<Value>>,
    pub warnings: Vec<String>,
}

/// Unknown fields named one by one before the rest are counted in one
/// error: a record of 500,000 unknown fields gives six lines, not 40 MB.
const NAMED_UNKNOWN_FIELDS: usize = 5;

/// What reading does with a field that is not an input of the guideline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownFields {
    /// The record is refused: a misspelled field must not be taken for an
    /// absent one (the default).
    #[default]
    Refuse,
    /// Fields of a wider record are set aside on purpose; a field whose name
    /// is a near miss of an input's is still refused.
    Ignore,
}

/// How a record is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub unknown_fields: UnknownFields,
}

impl FieldError {
    /// A problem with the value of `field` (empty: the record as a whole).
    pub fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
            reason: Refusal::Invalid,
        }
    }

    /// The same error, for another reason.
    #[must_use]
    pub fn because(self, reason: Refusal) -> FieldError {
        FieldError { reason, ..self }
    }
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, message)
}

fn unknown_field_error(field: &str, message: impl Into<String>) -> FieldError {
    field_error(field, message).because(Refusal::UnknownField)
}

/// Why a field that is not an input refuses the record, or `None` when it
/// is set aside (a wider record under [`UnknownFields::Ignore`]).
fn unknown_field_message(
    guideline: &Guideline,
    name: &str,
    options: ReadOptions,
) -> Option<String> {
    let words = words::of(guideline);
    let w = &words.record;
    // The same letters written with other code points (`e` and a combining
    // diaeresis for `ë`): say so, since "did you mean" would show what looks
    // like the field itself.
    if !unicode_normalization::is_nfc(name) {
        let composed: String = name.nfc().collect();
        if guideline.input_index(&composed).is_some() {
            return Some(fill(w.not_nfc, &[&words.short(&composed)]));
        }
    }
    let near = did_you_mean(name, guideline.inputs.iter().map(|i| i.id.as_str()));
    match (options.unknown_fields, near) {
        (UnknownFields::Refuse, Some(near)) => Some(fill(w.not_an_input_near, &[near])),
        (UnknownFields::Refuse, None) => Some(w.not_an_input.to_owned()),
        (UnknownFields::Ignore, Some(near)) => Some(fill(w.near_miss_refused, &[near])),
        (UnknownFields::Ignore, None) => None,
    }
}

/// The errors for the fields that are not inputs (`unknown`, sorted),
/// merged with the errors of the known fields in field order; what is past
/// the first few named ones is counted in one last error. Both readers
/// call this, so they refuse alike.
fn with_unknown_fields(
    guideline: &Guideline,
    mut errors: Vec<FieldError>,
    unknown: &[String],
    options: ReadOptions,
) -> Vec<FieldError> {
    let mut refused = 0usize;
    for name in unknown {
        let Some(message) = unknown_field_message(guideline, name, options) else {
            continue;
        };
        refused += 1;
        if refused <= NAMED_UNKNOWN_FIELDS {
            errors.push(unknown_field_error(name, message));
        }
    }
    errors.sort_by(|a, b| a.field.cmp(&b.field));
    if let Some(more) = refused.checked_sub(NAMED_UNKNOWN_FIELDS).filter(|&n| n > 0) {
        let w = words::of(guideline);
        let template = if more == 1 {
            w.record.more_field
        } else {
            w.record.more_fields
        };
        errors.push(unknown_field_error("", fill(template, &[&w.count(more)])));
    }
    errors
}

/// Reads a JSON patient record, refusing fields that are not inputs. Every
/// field is checked; all problems are returned together.
pub fn read_record(guideline: &Guideline, json: &Json) -> Result<Record, Vec<FieldError>> {
    read_record_with(guideline, json, ReadOptions::default())
}

/// Reads a JSON patient record as [`read_record`] does, with options.
/// `null` means "not known": it is never replaced by the input's default.
pub fn read_record_with(
    guideline: &Guideline,
    json: &Json,
    options: ReadOptions,
) -> Result<Record, Vec<FieldError>> {
    let words = words::of(guideline);
    let Json::Object(fields) = json else {
        return Err(vec![field_error("", words.record.not_an_object)]);
    };
    let mut values = vec![None; guideline.inputs.len()];
    let mut errors = Vec::new();
    let mut unknown = Vec::new();
    for (name, value) in fields {
        let Some(index) = guideline.input_index(name) else {
            unknown.push(name.clone());
            continue;
        };
        let Some(input) = guideline.inputs.get(index) else {
            continue;
        };
        match read_value(words, input, value) {
            Ok(v) => {
                if let Some(slot) = values.get_mut(index) {
                    *slot = Some(v);
                }
            }
            Err(message) => errors.push(field_error(name, message)),
        }
    }
    unknown.sort_unstable();
    let errors = with_unknown_fields(guideline, errors, &unknown, options);
    if errors.is_empty() {
        Ok(Record {
            values,
            warnings: Vec::new(),
        })
    } else {
        Err(errors)
    }
}

fn list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_value(words: &Words, input: &Input, value: &Json) -> Result<Value, String> {
    let w = &words.record;
    // `null` says the answer is not known; `Guideline::complete` decides
    // what that means for the input (never its default).
    if value.is_null() || (input.admits_unknown && value.as_str() == Some("unknown")) {
        return Ok(Value::Unknown);
    }
    match &input.ty {
        Type::YesNo => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| fill(w.expected_yes_no, &[&describe(words, value)])),
        Type::OneOf(choices) => {
            let Some(text) = value.as_str() else {
                return Err(fill(
                    w.expected_one_of,
                    &[&list(choices), &describe(words, value)],
                ));
            };
            choice(words, input, choices, text).map(Value::Choice)
        }
        Type::AnyOf(members) => {
            let Some(items) = value.as_array() else {
                return Err(fill(
                    w.expected_list,
                    &[
                        &list(members),
                        members.first().map_or("", String::as_str),
                        &describe(words, value),
                    ],
                ));
            };
            let mut set = Vec::with_capacity(items.len());
            for item in items {
                let Some(text) = item.as_str() else {
                    return Err(fill(w.item_not_text, &[&describe(words, item)]));
                };
                let index = choice(words, input, members, text)?;
                if set.contains(&index) {
                    return Err(fill(w.listed_twice, &[&words.short(text)]));
                }
                set.push(index);
            }
            set.sort_unstable();
            Ok(Value::Set(set))
        }
        Type::Number {
            lo,
            hi,
            unit,
            molar_mass,
            whole,
        } => {
            let unit_text = unit.as_ref().map_or(String::new(), |u| {
                format!(" {}", words.unit_word(u.canonical, false))
            });
            let (low, high) = (
                words.decimal(&lo.to_string()),
                format!("{}{unit_text}", words.decimal(&hi.to_string())),
            );
            let outside = |shown: &str| fill(w.outside_range, &[shown, &low, &high]);
            let (number, written) = match value {
                // serde_json keeps the number's text (`arbitrary_precision`),
                // so it is read exactly, never through f64.
                Json::Number(n) => {
                    let written = n.to_string();
                    match Rational::parse_exact(&written) {
                        Ok(number) if number < *lo || number > *hi => {
                            return Err(outside(&words.short(&written)));
                        }
                        Ok(number) => (number, None),
                        // Larger than any exact number, so beyond every range.
                        Err(ExactError::TooLarge) => return Err(outside(&words.short(&written))),
                        Err(e) => return Err(cannot_use(words, &written, &e)),
                    }
                }
                Json::String(text) => read_quantity(words, text, unit.as_ref(), *molar_mass)?,
                Json::Object(fields) => {
                    read_fhir_quantity(words, fields, unit.as_ref(), *molar_mass)
                        .map_err(|e| e.message(&outside))?
                }
                other => return Err(fill(w.expected_number, &[&describe(words, other)])),
            };
            if number < *lo || number > *hi {
                // A number given in another unit is shown as written and as
                // converted: `"0.8 mg/L" (800 µg/L)`.
                let shown = match written {
                    Some(written) => format!("{written} ({}{unit_text})", words.number(number)),
                    None => words.number(number),
                };
                return Err(outside(&shown));
            }
            if *whole && !number.is_integer() {
                return Err(fill(w.not_whole, &[&words.number(number)]));
            }
            Ok(Value::Number(number))
        }
    }
}

/// The value named `text`, exactly. A value's label is never read as the
/// value: a record that gives one is refused, with the name to write.
fn choice(words: &Words, input: &Input, choices: &[String], text: &str) -> Result<u32, String> {
    let w = &words.record;
    match choices.iter().position(|c| c == text) {
        Some(index) => u32::try_from(index).map_err(|_| w.too_many_values.to_owned()),
        None => {
            let wanted = text.trim().to_lowercase();
            let labelled = (0u32..)
                .zip(choices)
                .find(|(index, _)| {
                    input
                        .value_label(*index)
                        .is_some_and(|label| label.trim().to_lowercase() == wanted)
                })
                .map(|(_, name)| name);
            let hint = match labelled {
                Some(name) => fill(w.label_hint, &[name, name]),
                None => did_you_mean(text, choices.iter().map(String::as_str))
                    .map_or(String::new(), |s| fill(w.did_you_mean, &[s])),
            };
            Err(fill(
                w.not_one_of,
                &[&words.short(text), &list(choices), &hint],
            ))
        }
    }
}

/// Reads `"3 months"` or `"0.8 mg/L"` and converts it to the input's unit
/// (with the input's molar mass, if any); with the text as written when a
/// unit was given.
fn read_quantity(
    words: &Words,
    text: &str,
    unit: Option<&Unit>,
    molar_mass: Option<Rational>,
) -> Result<(Rational, Option<String>), String> {
    let w = &words.record;
    let quoted = words.short(text);
    // An example in the input's own unit: "3 µmol/L", "3 months".
    let example = unit.map_or_else(
        || "\"45\"".to_owned(),
        |u| format!("\"3 {}\"", u.word_for(Rational::from_integer(3))),
    );
    let mut parts = text.split_whitespace();
    let number_text = parts.next().unwrap_or("");
    let number = match Rational::parse_exact(number_text) {
        Ok(number) => number,
        Err(ExactError::NotANumber) => {
            return Err(fill(
                w.expected_number_such_as,
                &[
                    &example,
                    &quoted,
                    w.number_syntax,
                    &unit_without_space_hint(words, text),
                ],
            ));
        }
        Err(e) => return Err(cannot_use(words, number_text, &e)),
    };
    let unit_text = parts.next();
    if parts.next().is_some() {
        // "25 mL/min/1.73 m2": a unit written with a space inside it.
        let joined: String = text.split_whitespace().skip(1).collect::<Vec<_>>().concat();
        let hint = Unit::lookup(&joined).map_or(String::new(), |_| {
            fill(
                w.no_spaces_hint,
                &[&words.short(number_text), &words.short(&joined)],
            )
        });
        return Err(fill(w.number_and_unit, &[&example, &quoted, &hint]));
    }
    match unit_text {
        None => Ok((number, None)),
        Some(word) => in_input_unit(words, number, word, unit, molar_mass, &quoted)
            .map(|n| (n, Some(format!("\"{quoted}\"")))),
    }
}

/// The hint for a text that does not start with a number: for a bound
/// (`"> 90"`), that it is one; for a number written against a known unit
/// (`"25mL/min"`), the same with a space. Nothing else is suggested.
fn unit_without_space_hint(words: &Words, text: &str) -> String {
    let text = text.trim();
    // "> 90", "<5": a bound, as a FHIR Quantity's comparator.
    if text.starts_with(['<', '>', '≤', '≥']) {
        return words.record.bound_hint.to_owned();
    }
    let split = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-'))
        .map_or(text.len(), |(i, _)| i);
    let (number, word) = text.split_at(split);
    let word = word.trim();
    if number.is_empty()
        || word.is_empty()
        || Rational::parse_exact(number).is_err()
        || Unit::lookup(word).is_none()
    {
        return String::new();
    }
    fill(
        words.record.space_hint,
        &[&words.short(number), &words.short(word)],
    )
}

/// Why a number the record writes cannot be used.
fn cannot_use(words: &Words, written: &str, error: &ExactError) -> String {
    let w = &words.record;
    let max = super::number::MAX_EXACT_DIGITS.to_string();
    let why = match error {
        ExactError::NotANumber => w.exact_not_a_number.to_owned(),
        ExactError::TooLarge => w.exact_too_large.to_owned(),
        ExactError::TooManyDigits { found } => {
            fill(w.exact_too_many_digits, &[&found.to_string(), &max])
        }
        ExactError::TooManyDecimals { found } => {
            fill(w.exact_too_many_decimals, &[&found.to_string(), &max])
        }
    };
    fill(w.cannot_use_number, &[&words.short(written), &why])
}

/// `number` in the unit `word` converted to the input's unit, or why not;
/// `written` is the value as the record wrote it, for "too large".
fn in_input_unit(
    words: &Words,
    number: Rational,
    word: &str,
    target: Option<&Unit>,
    molar_mass: Option<Rational>,
    written: &str,
) -> Result<Rational, String> {
    let w = &words.record;
    let Some(target) = target else {
        return Err(fill(w.no_unit, &[&words.short(word)]));
    };
    let Some(given) = Unit::lookup(word) else {
        return Err(fill(
            w.unknown_unit,
            &[
                &words.short(word),
                &unknown_unit_hint(words, word, target, molar_mass),
            ],
        ));
    };
    let (theirs, ours) = (w.dimension(given.dimension), w.dimension(target.dimension));
    let target_word = words.unit_word(target.canonical, false);
    match Unit::convert(number, &given, target, molar_mass) {
        Ok(converted) => Ok(converted),
        Err(ConversionError::Dimensions) => Err(fill(
            w.other_dimension,
            &[&words.short(word), theirs, ours, &target_word],
        )),
        Err(ConversionError::MolarMassNeeded) => Err(fill(
            w.molar_mass_needed,
            &[&words.short(word), theirs, ours, &target_word],
        )),
        Err(ConversionError::TooLarge) => Err(fill(w.too_large_to_convert, &[written])),
    }
}

/// The hint after "unknown unit": a unit of the input's dimension only where
/// no unit of another size is as near, with its size; never a guess.
fn unknown_unit_hint(
    words: &Words,
    word: &str,
    target: &Unit,
    molar_mass: Option<Rational>,
) -> String {
    let w = &words.record;
    match Unit::unknown(word, Some(target), molar_mass) {
        UnknownUnit::Suggest(Suggestion { unit, note: None }) => {
            fill(w.unit_did_you_mean, &[unit.canonical])
        }
        // The note again, in these words.
        UnknownUnit::Suggest(Suggestion {
            unit,
            note: Some(note),
        }) => {
            let note = unit
                .size_against_in(target, molar_mass, words)
                .unwrap_or(note);
            fill(w.unit_mind_the_size, &[unit.canonical, &note])
        }
        UnknownUnit::Choose(dimension, units) => fill(
            w.unit_choose,
            &[
                &words.unit_word(target.canonical, false),
                w.dimension(dimension),
                &list_words(&units),
            ],
        ),
        UnknownUnit::Nothing => String::new(),
    }
}

fn list_words(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The system URI of UCUM in a FHIR Quantity.
const UCUM_SYSTEM: &str = "http://unitsofmeasure.org";

/// The fields a FHIR Quantity may have here.
const QUANTITY_FIELDS: &[&str] = &["value", "unit", "system", "code", "comparator"];

/// Why a FHIR Quantity cannot be read: its value is out of every range, or
/// another reason in words.
enum QuantityError {
    /// The value as written is beyond any exact number.
    TooLarge(String),
    Other(String),
}

impl QuantityError {
    fn message(self, outside: &dyn Fn(&str) -> String) -> String {
        match self {
            QuantityError::TooLarge(written) => outside(&written),
            QuantityError::Other(message) => message,
        }
    }
}

/// Reads a FHIR Quantity, `{"value": 0.8, "unit": "mg/L", "system":
/// "http://unitsofmeasure.org", "code": "mg/L"}`, and converts it to the
/// input's unit. The unit is the `code` when the `system` is UCUM, otherwise
/// the `unit`; a `unit` that names a unit of another size than the `code`
/// contradicts it. The value is read exactly, as a plain number is. A
/// field other than these, a missing value and a `comparator` (`<`, `>=`,
/// ...: the value is then a bound, not the patient's value) are refused.
fn read_fhir_quantity(
    words: &Words,
    fields: &serde_json::Map<String, Json>,
    unit: Option<&Unit>,
    molar_mass: Option<Rational>,
) -> Result<(Rational, Option<String>), QuantityError> {
    let w = &words.record;
    let other = |message: String| QuantityError::Other(message);
    let unknown: Vec<String> = fields
        .keys()
        .filter(|key| !QUANTITY_FIELDS.contains(&key.as_str()))
        .map(|key| format!("\"{}\"", words.short(key)))
        .collect();
    if !unknown.is_empty() {
        let template = if unknown.len() == 1 {
            w.quantity_field
        } else {
            w.quantity_fields
        };
        return Err(other(fill(template, &[&unknown.join(", ")])));
    }
    if let Some(comparator) = fields.get("comparator") {
        return Err(other(fill(
            w.quantity_comparator,
            &[&describe(words, comparator)],
        )));
    }
    let text_field = |name: &str| -> Result<Option<&str>, QuantityError> {
        match fields.get(name) {
            None => Ok(None),
            Some(Json::String(text)) => Ok(Some(text.as_str())),
            Some(value) => Err(QuantityError::Other(fill(
                w.quantity_not_text,
                &[name, &describe(words, value)],
            ))),
        }
    };
    let written = match fields.get("value") {
        None => return Err(other(w.quantity_no_value.to_owned())),
        Some(Json::Number(n)) => n.to_string(),
        Some(value) => {
            return Err(other(fill(
                w.quantity_value_not_number,
                &[&describe(words, value)],
            )));
        }
    };
    let number = match Rational::parse_exact(&written) {
        Ok(number) => number,
        Err(ExactError::TooLarge) => {
            return Err(QuantityError::TooLarge(words.short(&written).into_owned()));
        }
        Err(e) => return Err(other(cannot_use(words, &written, &e))),
    };
    let system = text_field("system")?;
    let code = text_field("code")?;
    let display = text_field("unit")?;
    let word = if system == Some(UCUM_SYSTEM) {
        let Some(code) = code else {
            return Err(other(fill(w.quantity_no_code, &[UCUM_SYSTEM])));
        };
        // The display text may be anything, but not another unit.
        if let (Some(shown), Some(coded)) = (display.and_then(Unit::lookup), Unit::lookup(code)) {
            if !shown.same_size(&coded) {
                return Err(other(fill(
                    w.quantity_units_differ,
                    &[&words.short(display.unwrap_or("")), &words.short(code)],
                )));
            }
        }
        Some(code)
    } else {
        display
    };
    let shown = |word: &str| format!("\"{} {}\"", words.short(&written), words.short(word));
    match word {
        None if unit.is_none() => Ok((number, None)),
        None => Err(other(fill(
            w.quantity_no_unit,
            &[&unit.map_or(String::new(), |u| words.unit_word(u.canonical, false))],
        ))),
        Some(word) => in_input_unit(
            words,
            number,
            word,
            unit,
            molar_mass,
            &format!("{} {}", words.short(&written), words.short(word)),
        )
        .map(|n| (n, Some(shown(word))))
        .map_err(other),
    }
}

/// A JSON value in a message: `null`, `true` and numbers as JSON writes
/// them, text quoted, a list or an object in words.
fn describe(words: &Words, value: &Json) -> String {
    match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => words.short(&n.to_string()).into_owned(),
        Json::String(s) => format!("\"{}\"", words.short(s)),
        Json::Array(_) => words.record.a_list.to_owned(),
        Json::Object(_) => words.record.an_object.to_owned(),
    }
}

/// The error of a field given twice, as serde_json carries it (in English:
/// the readers have no words table); [`json_problem`] words it.
fn given_twice(key: &str) -> String {
    fill(
        words::for_code(Some("en")).record.given_twice,
        &[&shorten(key)],
    )
}

/// The field of a [`given_twice`] message.
fn field_given_twice(message: &str) -> Option<&str> {
    let (before, after) = words::for_code(Some("en"))
        .record
        .given_twice
        .split_once("{}")?;
    message.strip_prefix(before)?.strip_suffix(after)
}

/// What is wrong with a text that is no JSON record, in `words`, without
/// where: in English serde_json's own words (as they always were); in
/// another language by its kind, since serde_json speaks only English. A
/// field given twice (this module's own error) is named in every language.
pub fn json_problem(words: &Words, error: &serde_json::Error) -> String {
    let full = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&position).unwrap_or(&full);
    if let Some(field) = field_given_twice(message) {
        return fill(words.record.given_twice, &[field]);
    }
    if words.code == "en" {
        return message.to_owned();
    }
    match error.classify() {
        serde_json::error::Category::Eof => words.record.json_ends_early.to_owned(),
        _ => words.record.json_syntax.to_owned(),
    }
}

/// Parses the text of a JSON patient record like `serde_json::from_str`, but
/// rejects a field given twice (`{"fever": true, "fever": false}`), which
/// `serde_json` would silently resolve by keeping the last one: a record
/// that contradicts itself must not be evaluated. Nesting is limited as
/// `serde_json` limits it, so a deeply nested record is an error, not a
/// stack overflow.
pub fn parse_json(text: &str) -> Result<Json, serde_json::Error> {
    use serde::de::DeserializeSeed;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = strict::Strict.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Reads record text straight into input values, without building a JSON
/// tree for the common shapes (yes/no, a choice, a list of members, an
/// integer): what `--batch` does per line. Acceptance and messages are
/// exactly those of [`parse_json`] followed by [`read_record`] (the
/// reference; tests/batch.rs compares the two on generated and mutated
/// records): any shape the fast path does not know is built as JSON and
/// read by the reference's own code.
#[derive(Clone, Debug)]
pub struct RecordReader<'g> {
    guideline: &'g Guideline,
    words: &'static Words,
    options: ReadOptions,
    by_name: std::collections::HashMap<&'g str, InputId, Fnv>,
}

/// FNV-1a: field names are short and not chosen to collide; SipHash's
/// defence against that costs more than the rest of reading a field.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fnv;

impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}

#[derive(Clone, Copy, Debug)]
pub struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The outcome of reading one record's text: the text is not JSON (the
/// outer error, as [`parse_json`] gives it), or it is and the record is
/// read or refused (as [`read_record`] gives it).
pub type ReadOutcome = Result<Result<Record, Vec<FieldError>>, serde_json::Error>;

impl<'g> RecordReader<'g> {
    /// A reader that refuses unknown fields, as [`read_record`] does.
    pub fn new(guideline: &'g Guideline) -> RecordReader<'g> {
        RecordReader::with_options(guideline, ReadOptions::default())
    }

    /// A reader with options, as [`read_record_with`] reads.
    pub fn with_options(guideline: &'g Guideline, options: ReadOptions) -> RecordReader<'g> {
        let mut by_name =
            std::collections::HashMap::with_capacity_and_hasher(guideline.inputs.len(), Fnv);
        for (index, input) in guideline.inputs.iter().enumerate() {
            // The first input of a name wins, as `Guideline::input_index` finds it.
            by_name.entry(input.id.as_str()).or_insert(index);
        }
        RecordReader {
            guideline,
            words: words::of(guideline),
            options,
            by_name,
        }
    }

    /// Reads one record's text; see [`ReadOutcome`].
    pub fn read(&self, text: &str) -> ReadOutcome {
        use serde::de::DeserializeSeed;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let read = fast::RecordSeed { reader: self }.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(read)
    }
}

mod fast {
    use super::strict::{NUMBER_TOKEN, StrictVisitor};
    use super::{
        FieldError, Record, RecordReader, choice, describe, field_error, read_value,
        with_unknown_fields,
    };
    use crate::model::number::Rational;
    use crate::model::words::{Words, fill};
    use crate::model::{Input, Type, Value};
    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Number, Value as Json};
    use std::borrow::Cow;
    use std::collections::HashSet;
    use std::fmt;

    /// The whole record.
    pub(super) struct RecordSeed<'r, 'g> {
        pub reader: &'r RecordReader<'g>,
    }

    fn not_an_object(words: &Words) -> Result<Record, Vec<FieldError>> {
        Err(vec![field_error("", words.record.not_an_object)])
    }

    impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
        type Value = Result<Record, Vec<FieldError>>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    /// Anything but an object is read whole (for its syntax errors), then
    /// refused as `read_record` refuses it.
    macro_rules! not_a_record {
        ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
            fn $name<E: de::Error>(self, $($arg: $ty),*) -> Result<Self::Value, E> {
                StrictVisitor.$name($($arg),*)?;
                Ok(not_an_object(self.reader.words))
            }
        )*};
    }

    impl<'de> Visitor<'de> for RecordSeed<'_, '_> {
        type Value = Result<Record, Vec<FieldError>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        not_a_record!(
            visit_bool(v: bool),
            visit_i64(v: i64),
            visit_u64(v: u64),
            visit_f64(v: f64),
            visit_str(v: &str),
            visit_unit(),
            visit_none(),
        );
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            StrictVisitor.visit_some(d)?;
            Ok(not_an_object(self.reader.words))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            StrictVisitor.visit_seq(seq)?;
            Ok(not_an_object(self.reader.words))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let guideline = self.reader.guideline;
            let mut values: Vec<Option<Value>> = vec![None; guideline.inputs.len()];
            let mut seen = vec![false; guideline.inputs.len()];
            let mut unknown: HashSet<String> = HashSet::new();
            let mut errors: Vec<FieldError> = Vec::new();
            let mut first = true;
            while let Some(key) = map.next_key_seed(KeySeed)? {
                if std::mem::take(&mut first) && key == NUMBER_TOKEN {
                    // What serde_json hands over for a number that is not an
                    // integer, or a user's object with that key: a number,
                    // not a record.
                    let text: String = map.next_value()?;
                    text.parse::<Number>().map_err(de::Error::custom)?;
                    return Ok(not_an_object(self.reader.words));
                }
                let index = self.reader.by_name.get(key.as_ref()).copied();
                let duplicate = match index {
                    Some(index) => seen
                        .get_mut(index)
                        .is_some_and(|slot| std::mem::replace(slot, true)),
                    None => unknown.contains(key.as_ref()),
                };
                if duplicate {
                    return Err(de::Error::custom(super::given_twice(&key)));
                }
                let Some(input) = index.and_then(|index| guideline.inputs.get(index)) else {
                    unknown.insert(key.into_owned());
                    map.next_value_seed(super::strict::Strict)?;
                    continue;
                };
                let words = self.reader.words;
                match map.next_value_seed(FieldSeed { words, input })? {
                    Ok(value) => {
                        if let Some(slot) = index.and_then(|index| values.get_mut(index)) {
                            *slot = Some(value);
                        }
                    }
                    Err(message) => errors.push(field_error(&key, message)),
                }
            }
            let mut unknown: Vec<String> = unknown.into_iter().collect();
            unknown.sort_unstable();
            let errors = with_unknown_fields(guideline, errors, &unknown, self.reader.options);
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            Ok(Ok(Record {
                values,
                warnings: Vec::new(),
            }))
        }
    }

    /// A field name, borrowed from the text unless it has escapes.
    struct KeySeed;

    impl<'de> DeserializeSeed<'de> for KeySeed {
        type Value = Cow<'de, str>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
    }

    impl<'de> Visitor<'de> for KeySeed {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a field name")
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }

    /// The value of one known input: the value (`null` is [`Value::Unknown`]) or the
    /// message `read_value` gives.
    struct FieldSeed<'i> {
        words: &'static Words,
        input: &'i Input,
    }

    type FieldResult = Result<Value, String>;

    impl FieldSeed<'_> {
        /// The reference's reading of a value the fast path does not know.
        fn reference(&self, json: &Json) -> FieldResult {
            read_value(self.words, self.input, json)
        }

        fn integer(&self, number: Rational, json: impl FnOnce() -> Json) -> FieldResult {
            match &self.input.ty {
                Type::Number { lo, hi, .. } if number >= *lo && number <= *hi => {
                    Ok(Value::Number(number))
                }
                _ => self.reference(&json()),
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
        type Value = FieldResult;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for FieldSeed<'_> {
        type Value = FieldResult;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<FieldResult, E> {
            Ok(match self.input.ty {
                Type::YesNo => Ok(Value::Bool(v)),
                _ => self.reference(&Json::Bool(v)),
            })
        }
        fn visit_i64<E>(self, v: i64) -> Result<FieldResult, E> {
            Ok(self.integer(Rational::from_integer(v), || Json::Number(v.into())))
        }
        fn visit_u64<E>(self, v: u64) -> Result<FieldResult, E> {
            Ok(match i64::try_from(v) {
                Ok(small) => self.integer(Rational::from_integer(small), || Json::Number(v.into())),
                Err(_) => self.reference(&Json::Number(v.into())),
            })
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<FieldResult, E> {
            Ok(self.reference(&StrictVisitor.visit_f64(v)?))
        }
        fn visit_str<E>(self, v: &str) -> Result<FieldResult, E> {
            Ok(match &self.input.ty {
                Type::OneOf(choices) if !self.input.admits_unknown => {
                    choice(self.words, self.input, choices, v).map(Value::Choice)
                }
                _ => self.reference(&Json::String(v.to_owned())),
            })
        }
        fn visit_unit<E>(self) -> Result<FieldResult, E> {
            Ok(Ok(Value::Unknown))
        }
        fn visit_none<E>(self) -> Result<FieldResult, E> {
            Ok(Ok(Value::Unknown))
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<FieldResult, D::Error> {
            Ok(self.reference(&StrictVisitor.visit_some(d)?))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldResult, A::Error> {
            Ok(self.reference(&StrictVisitor.visit_map(map)?))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldResult, A::Error> {
            let Type::AnyOf(members) = &self.input.ty else {
                return Ok(self.reference(&StrictVisitor.visit_seq(seq)?));
            };
            // As `read_value`: the first bad item decides the message; the
            // rest of the list is still read, for its syntax.
            let mut set = Vec::new();
            let mut failed = None;
            while let Some(item) = seq.next_element_seed(ItemSeed)? {
                if failed.is_some() {
                    continue;
                }
                let text = match &item {
                    Item::Text(text) => text.as_ref(),
                    Item::Other(other) => {
                        failed = Some(fill(
                            self.words.record.item_not_text,
                            &[&describe(self.words, other)],
                        ));
                        continue;
                    }
                };
                match choice(self.words, self.input, members, text) {
                    Ok(index) if set.contains(&index) => {
                        failed = Some(fill(
                            self.words.record.listed_twice,
                            &[&self.words.short(text)],
                        ));
                    }
                    Ok(index) => set.push(index),
                    Err(message) => failed = Some(message),
                }
            }
            if let Some(message) = failed {
                return Ok(Err(message));
            }
            set.sort_unstable();
            Ok(Ok(Value::Set(set)))
        }
    }

    /// One item of a list.
    enum Item<'de> {
        Text(Cow<'de, str>),
        Other(Json),
    }

    struct ItemSeed;

    impl<'de> DeserializeSeed<'de> for ItemSeed {
        type Value = Item<'de>;
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    macro_rules! other_item {
        ($($name:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {$(
            fn $name<E: de::Error>(self, $($arg: $ty),*) -> Result<Self::Value, E> {
                StrictVisitor.$name($($arg),*).map(Item::Other)
            }
        )*};
    }

    impl<'de> Visitor<'de> for ItemSeed {
        type Value = Item<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Item::Text(Cow::Borrowed(v)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Item::Text(Cow::Owned(v.to_owned())))
        }
        other_item!(
            visit_bool(v: bool),
            visit_i64(v: i64),
            visit_u64(v: u64),
            visit_f64(v: f64),
            visit_unit(),
            visit_none(),
        );
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            StrictVisitor.visit_some(d).map(Item::Other)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            StrictVisitor.visit_seq(seq).map(Item::Other)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            StrictVisitor.visit_map(map).map(Item::Other)
        }
    }
}

mod strict {
    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value as Json};
    use std::fmt;

    /// The key under which serde_json (with `arbitrary_precision`) hands a
    /// number's text to a visitor, as a one-field map.
    pub(super) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

    /// Builds a JSON value, refusing duplicate keys in objects.
    pub(super) struct Strict;

    impl<'de> DeserializeSeed<'de> for Strict {
        type Value = Json;
        fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
            deserializer.deserialize_any(StrictVisitor)
        }
    }

    pub(super) struct StrictVisitor;

    impl<'de> Visitor<'de> for StrictVisitor {
        type Value = Json;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
            Ok(Json::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
            Ok(Json::Number(v.into()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
            Ok(Json::Number(v.into()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
            Number::from_f64(v)
                .map(Json::Number)
                .ok_or_else(|| E::custom("the number is not finite"))
        }
        fn visit_str<E>(self, v: &str) -> Result<Json, E> {
            Ok(Json::String(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Json, E> {
            Ok(Json::String(v))
        }
        fn visit_unit<E>(self) -> Result<Json, E> {
            Ok(Json::Null)
        }
        fn visit_none<E>(self) -> Result<Json, E> {
            Ok(Json::Null)
        }
        fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
            Strict.deserialize(deserializer)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(Strict)? {
                items.push(item);
            }
            Ok(Json::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
            let mut fields = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if fields.is_empty() && key == NUMBER_TOKEN {
                    let text: String = map.next_value()?;
                    return text
                        .parse::<Number>()
                        .map(Json::Number)
                        .map_err(de::Error::custom);
                }
                if fields.contains_key(&key) {
                    return Err(de::Error::custom(super::given_twice(&key)));
                }
                let value = map.next_value_seed(Strict)?;
                fields.insert(key, value);
            }
            Ok(Json::Object(fields))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_json;

    #[test]
    fn parse_json_reads_records_like_serde_json() {
        let text =
            r#"{"age": 45, "fever": true, "suspected": ["infection"], "x": null, "y": -2.5}"#;
        let expected: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(parse_json(text).unwrap(), expected);
    }

    #[test]
    fn parse_json_refuses_a_field_given_twice() {
        let error = parse_json(r#"{"fever": true, "age": 3, "fever": false}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("the field `fever` is given twice"),
            "{error}"
        );
        // Also inside nested objects.
        assert!(parse_json(r#"{"a": {"b": 1, "b": 2}}"#).is_err());
    }

    #[test]
    fn parse_json_refuses_deep_nesting_and_trailing_text() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_json(&deep).is_err());
        assert!(parse_json(r#"{"a": 1} x"#).is_err());
    }
}
