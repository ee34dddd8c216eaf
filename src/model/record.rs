//! Patient records (JSON) to input values. A record that cannot be read
//! completely is rejected: nothing is recommended from half-read data.

use super::number::Rational;
use super::units::Unit;
use super::*;
use crate::diagnostics::suggest::did_you_mean;
use serde::Serialize;
use serde_json::Value as Json;

/// A problem with one field of a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name; empty for the record as a whole.
    pub field: String,
    pub message: String,
}

/// The values a record gives, one slot per input, and warnings about fields
/// that were not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub values: Vec<Option<Value>>,
    pub warnings: Vec<String>,
}

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Reads a JSON patient record. Every field is checked; all problems are
/// returned together.
pub fn read_record(guideline: &Guideline, json: &Json) -> Result<Record, Vec<FieldError>> {
    let Json::Object(fields) = json else {
        return Err(vec![field_error(
            "",
            "a patient record must be a JSON object, such as {\"age\": 45}",
        )]);
    };
    let mut values = vec![None; guideline.inputs.len()];
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (name, value) in fields {
        let Some(index) = guideline.input_index(name) else {
            let hint = did_you_mean(name, guideline.inputs.iter().map(|i| i.id.as_str()))
                .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
            warnings.push(format!(
                "field `{name}` is not an input of this guideline and was ignored{hint}"
            ));
            continue;
        };
        let Some(input) = guideline.inputs.get(index) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        match read_value(input, value) {
            Ok(v) => {
                if let Some(slot) = values.get_mut(index) {
                    *slot = Some(v);
                }
            }
            Err(message) => errors.push(field_error(name, message)),
        }
    }
    if errors.is_empty() {
        Ok(Record { values, warnings })
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

fn read_value(input: &Input, value: &Json) -> Result<Value, String> {
    match &input.ty {
        Type::YesNo => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| format!("expected true or false, found {}", describe(value))),
        Type::OneOf(choices) => {
            let Some(text) = value.as_str() else {
                return Err(format!(
                    "expected one of {}, found {}",
                    list(choices),
                    describe(value)
                ));
            };
            choice(choices, text).map(Value::Choice)
        }
        Type::AnyOf(members) => {
            let Some(items) = value.as_array() else {
                return Err(format!(
                    "expected a list of members of {}, such as [\"{}\"], found {}",
                    list(members),
                    members.first().map_or("", String::as_str),
                    describe(value)
                ));
            };
            let mut set = Vec::with_capacity(items.len());
            for item in items {
                let Some(text) = item.as_str() else {
                    return Err(format!("list items must be text, found {}", describe(item)));
                };
                let index = choice(members, text)?;
                if set.contains(&index) {
                    return Err(format!("\"{text}\" is listed twice"));
                }
                set.push(index);
            }
            set.sort_unstable();
            Ok(Value::Set(set))
        }
        Type::Number { lo, hi, unit } => {
            let unit_text = unit
                .as_ref()
                .map_or(String::new(), |u| format!(" {}", u.canonical));
            let number = match value {
                Json::Number(n) => match Rational::parse_decimal(&n.to_string()) {
                    Ok(number) => number,
                    // JSON writes very large and very small numbers with an
                    // exponent, which no exact number here can hold.
                    Err(_)
                        if n.as_f64()
                            .is_some_and(|f| f < lo.to_f64() || f > hi.to_f64()) =>
                    {
                        return Err(format!(
                            "{n} lies outside the range {lo} to {hi}{unit_text}"
                        ));
                    }
                    Err(_) if n.to_string().contains('e') => {
                        return Err(format!(
                            "cannot use the number {n}: write it without an exponent, with at most 6 digits after the decimal point"
                        ));
                    }
                    Err(e) => return Err(format!("cannot use the number {n}: {e}")),
                },
                Json::String(text) => read_quantity(text, unit.as_ref())?,
                other => return Err(format!("expected a number, found {}", describe(other))),
            };
            if number < *lo || number > *hi {
                return Err(format!(
                    "{} lies outside the range {lo} to {hi}{unit_text}",
                    number.to_human_string()
                ));
            }
            Ok(Value::Number(number))
        }
    }
}

fn choice(choices: &[String], text: &str) -> Result<u32, String> {
    match choices.iter().position(|c| c == text) {
        Some(index) => u32::try_from(index).map_err(|_| "too many values".to_owned()),
        None => {
            let hint = did_you_mean(text, choices.iter().map(String::as_str))
                .map_or(String::new(), |s| format!(" (did you mean \"{s}\"?)"));
            Err(format!("\"{text}\" is not one of {}{hint}", list(choices)))
        }
    }
}

/// Reads `"3 months"` and converts it to the input's unit.
fn read_quantity(text: &str, unit: Option<&Unit>) -> Result<Rational, String> {
    let mut parts = text.split_whitespace();
    let number_text = parts.next().unwrap_or("");
    let number = Rational::parse_decimal(number_text)
        .map_err(|e| format!("expected a number such as \"3 months\", found \"{text}\" ({e})"))?;
    let unit_text = parts.next();
    if parts.next().is_some() {
        return Err(format!(
            "expected a number and a unit, such as \"3 months\", found \"{text}\""
        ));
    }
    match (unit_text, unit) {
        (None, _) => Ok(number),
        (Some(word), None) => Err(format!("this input has no unit, but \"{word}\" was given")),
        (Some(word), Some(target)) => {
            let given = Unit::lookup(word).ok_or_else(|| {
                let hint = did_you_mean(word, Unit::all_words().iter().copied())
                    .map_or(String::new(), |s| format!(" (did you mean \"{s}\"?)"));
                format!("unknown unit \"{word}\"{hint}")
            })?;
            if given.dimension != target.dimension {
                return Err(format!(
                    "\"{word}\" is {}, but this input is {} in {}",
                    given.dimension.describe(),
                    target.dimension.describe(),
                    target.canonical
                ));
            }
            Unit::convert(number, &given, target)
                .ok_or_else(|| format!("\"{text}\" is too large to convert"))
        }
    }
}

fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => format!("\"{s}\""),
        Json::Array(_) => "a list".to_owned(),
        Json::Object(_) => "an object".to_owned(),
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

mod strict {
    use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value as Json};
    use std::fmt;

    /// Builds a JSON value, refusing duplicate keys in objects.
    pub struct Strict;

    impl<'de> DeserializeSeed<'de> for Strict {
        type Value = Json;
        fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
            deserializer.deserialize_any(StrictVisitor)
        }
    }

    struct StrictVisitor;

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
                if fields.contains_key(&key) {
                    return Err(de::Error::custom(format!(
                        "the field `{key}` is given twice"
                    )));
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
    #![allow(clippy::unwrap_used, clippy::expect_used)]

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
