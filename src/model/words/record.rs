//! The words of a refused record: why the record reader
//! (`model::record`) refuses a field, why an evaluation is refused
//! (`eval::text::error_messages`), and the lines `eval` writes around them.
//! Each language's table fills one [`RecordWords`] as the `record` field of
//! its [`super::Words`], so that `eval`, `eval --json`, `eval --batch`,
//! `eval --partial` and the playground refuse a record in the guideline's
//! language. Field names, values and units stay as the guideline writes
//! them; `true`, `false` and `null` are JSON's.

use crate::model::units::Dimension;

/// Why a record is refused. Texts with `{}` are templates filled in order
/// by [`super::fill`]; a text that starts with a space or `;` is a hint
/// appended to another.
#[derive(Debug)]
pub struct RecordWords {
    // What a JSON value is, in "found ...".
    pub a_list: &'static str,
    pub an_object: &'static str,
    /// The words of the dimensions of units (`a duration`), where they
    /// differ from `Dimension::describe`'s English.
    pub dimensions: &'static [(Dimension, &'static str)],
    // The record as a whole.
    /// Not a JSON object.
    pub not_an_object: &'static str,
    /// `not an input of this guideline`.
    pub not_an_input: &'static str,
    /// `not an input of this guideline (did you mean `{}`?)`.
    pub not_an_input_near: &'static str,
    /// The near miss refused under `--ignore-unknown-fields`: `{}` is the
    /// input's name.
    pub near_miss_refused: &'static str,
    /// A field name with the letters of an input in other code points.
    pub not_nfc: &'static str,
    /// `and {} more field that is not an input of this guideline`.
    pub more_field: &'static str,
    /// `and {} more fields that are not inputs of this guideline`.
    pub more_fields: &'static str,
    // A value of the wrong kind.
    /// `expected true or false, found {}`.
    pub expected_yes_no: &'static str,
    /// `expected one of {}, found {}`.
    pub expected_one_of: &'static str,
    /// `expected a list of members of {}, such as ["{}"], found {}`.
    pub expected_list: &'static str,
    /// `list items must be text, found {}`.
    pub item_not_text: &'static str,
    /// `"{}" is listed twice`.
    pub listed_twice: &'static str,
    /// `"{}" is not one of {}{}`: the value, the values, a hint.
    pub not_one_of: &'static str,
    /// ` (that is the label of "{}"; a record names the value: "{}")`.
    pub label_hint: &'static str,
    /// ` (did you mean "{}"?)`.
    pub did_you_mean: &'static str,
    /// `expected a number, found {}`.
    pub expected_number: &'static str,
    // Numbers.
    /// `{} lies outside the range {} to {}`: the value, the ends (the
    /// upper one with the unit).
    pub outside_range: &'static str,
    /// `{} is not a whole number, and this input takes whole numbers only`.
    pub not_whole: &'static str,
    /// `cannot use the number {}: {}`: the number, why not (one of the
    /// four below).
    pub cannot_use_number: &'static str,
    pub exact_not_a_number: &'static str,
    pub exact_too_large: &'static str,
    /// `it has {} significant digits, and at most {} can be held exactly`.
    pub exact_too_many_digits: &'static str,
    /// `it has {} decimals, and at most {} can be held exactly`.
    pub exact_too_many_decimals: &'static str,
    /// `too many values` (an input of more than 2^32 values).
    pub too_many_values: &'static str,
    // Numbers with units, written as text.
    /// `expected a number such as {}, found "{}" ({}){}`: an example, the
    /// text, [`Self::number_syntax`], a hint.
    pub expected_number_such_as: &'static str,
    /// How a number is written.
    pub number_syntax: &'static str,
    /// The hint for `> 90`: a bound is not a value.
    pub bound_hint: &'static str,
    /// `; put a space between the number and the unit: "{} {}"`.
    pub space_hint: &'static str,
    /// `expected a number and a unit, such as {}, found "{}"{}`.
    pub number_and_unit: &'static str,
    /// ` (a unit is written without spaces: "{} {}")`.
    pub no_spaces_hint: &'static str,
    /// `this input has no unit, but "{}" was given`.
    pub no_unit: &'static str,
    /// `unknown unit "{}"{}`: the word, a hint (the three below).
    pub unknown_unit: &'static str,
    /// ` (did you mean "{}"?)`.
    pub unit_did_you_mean: &'static str,
    /// ` (did you mean "{}"? Mind the size: {})`.
    pub unit_mind_the_size: &'static str,
    /// ` (this input is in {}; the units of {} are {})`.
    pub unit_choose: &'static str,
    /// `"{}" is {}, but this input is {} in {}`.
    pub other_dimension: &'static str,
    /// The same, when only a molar mass would convert it.
    pub molar_mass_needed: &'static str,
    /// ` at a molar mass of {} g/mol`: after a unit's size against
    /// another's, when a molar mass converts one to the other.
    pub at_molar_mass: &'static str,
    /// `"{}" is too large to convert`.
    pub too_large_to_convert: &'static str,
    // FHIR Quantity objects.
    /// `...; {} is not one of them`: one field that is not a Quantity's.
    pub quantity_field: &'static str,
    /// `...; {} are not one of them`: several.
    pub quantity_fields: &'static str,
    /// `the quantity has the comparator {}: ...`.
    pub quantity_comparator: &'static str,
    /// `the quantity's "{}" must be text, found {}`.
    pub quantity_not_text: &'static str,
    pub quantity_no_value: &'static str,
    /// `the quantity's "value" must be a number, found {}`.
    pub quantity_value_not_number: &'static str,
    /// `the quantity's system is UCUM ({}), but it has no "code"`.
    pub quantity_no_code: &'static str,
    /// `the quantity's "unit" "{}" and "code" "{}" are different units`.
    pub quantity_units_differ: &'static str,
    /// `the quantity gives no unit; this input is in {}, ...`.
    pub quantity_no_unit: &'static str,
    // Why an evaluation is refused.
    /// `the record lacks `{}` ({}), and the recommendation depends on it`.
    pub lacks: &'static str,
    /// `the record says `{}` ({}) is not known, and the recommendation
    /// depends on it{}`: the name, the label, [`Self::default_note`] or
    /// nothing.
    pub not_known: &'static str,
    /// ` (a default applies only to a field that is left out)`.
    pub default_note: &'static str,
    /// `the record contradicts the assumption on line {}{}: `{}``: the
    /// line, [`Self::of_file`] or nothing, the assumption's text.
    pub contradicts: &'static str,
    /// ` of `{}``: the file of an assumption a vocabulary makes.
    pub of_file: &'static str,
    /// An input given that is not asked for this patient.
    pub not_asked: &'static str,
    /// The guideline has errors (never evaluated).
    pub guideline_has_errors: &'static str,
    // What `eval` writes around the reasons.
    /// `error: {}`: a problem with the record as a whole.
    pub error_line: &'static str,
    /// `error: field `{}`: {}`.
    pub field_error_line: &'static str,
    /// The help after an unknown field: `--ignore-unknown-fields`.
    pub unknown_field_help: &'static str,
    /// The last line of a refusal.
    pub refused: &'static str,
    /// `{} of {} records could not be evaluated` (`--batch`).
    pub batch_failed: &'static str,
    // A text that is no JSON record at all.
    /// `standard input`: where a record was read from.
    pub standard_input: &'static str,
    /// `line {}` of a `--batch` file.
    pub batch_line: &'static str,
    /// `{} is not UTF-8 text`: the place (a file, standard input, a line).
    pub not_utf8: &'static str,
    /// `{} is not valid JSON: {}`: the place, and what is wrong where.
    pub not_json: &'static str,
    /// `{} at line {} column {}`: what is wrong, and where.
    pub json_at: &'static str,
    /// `{} at column {}`: the same in one line of a `--batch` file.
    pub json_at_column: &'static str,
    /// The text ends before the JSON does.
    pub json_ends_early: &'static str,
    /// The text is not JSON (an unexpected character, too deep nesting).
    pub json_syntax: &'static str,
    /// `the field `{}` is given twice`.
    pub given_twice: &'static str,
}

impl RecordWords {
    /// A dimension in these words: `a duration` / `een duur`.
    pub fn dimension(&self, dimension: Dimension) -> &'static str {
        self.dimensions
            .iter()
            .find(|(d, _)| *d == dimension)
            .map_or_else(|| dimension.describe(), |(_, words)| words)
    }
}
