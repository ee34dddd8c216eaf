//! The words in which a guideline's advice, explanations and flowcharts are
//! shown to clinicians, one table per language: English (`en.rs`) and Dutch
//! (`nl.rs`). A third language is one more file with one more [`Words`]
//! value, added to [`TABLES`]. The guideline's header (`language nl`) picks
//! the table; a language without a table reads English.
//!
//! The words of the language itself (keywords, `order`, `same_day`) stay in
//! `syntax::vocabulary`: they are what an editor writes, and what the
//! diagnostics for editors and the JSON formats use.

mod doc;
mod en;
mod nl;
mod record;

pub use doc::DocWords;
pub use record::RecordWords;

use crate::logic::problem::{ActionKind, Urgency};
use crate::model::Guideline;

/// The warning for each field a record gave for an input this patient is
/// not asked (`Guideline::complete` sets them aside), in the guideline's
/// words: what `eval`, `eval --partial` and the playground say.
pub fn ignored_fields(guideline: &Guideline, inputs: &[usize]) -> Vec<String> {
    let words = of(guideline);
    inputs
        .iter()
        .filter_map(|&input| guideline.inputs.get(input))
        .map(|input| fill(words.ignored_field, &[&input.id]))
        .collect()
}

/// Every table, English first (the fallback).
pub const TABLES: &[&Words] = &[&en::WORDS, &nl::WORDS];

/// The words of one language. Texts with `{}` are templates filled in
/// order by [`fill`].
#[derive(Debug)]
pub struct Words {
    /// The language's code, as a header writes it: `en`, `nl`.
    pub code: &'static str,
    /// What separates a number's whole part from its decimals in words
    /// (`.` / `,`); JSON numbers and the guideline's source keep the point.
    pub decimal_separator: &'static str,
    /// `{} characters`: the length of a text too long to quote whole.
    pub characters: &'static str,
    /// What groups a count's thousands in words (`,` / `.`): `99,995`.
    pub thousands_separator: &'static str,
    // Answers and the words between them.
    pub yes: &'static str,
    pub no: &'static str,
    pub not_asked: &'static str,
    pub unknown: &'static str,
    pub known: &'static str,
    pub or: &'static str,
    pub and: &'static str,
    pub not: &'static str,
    pub any_value: &'static str,
    pub always: &'static str,
    pub never: &'static str,
    /// `at least {} of: {}`, and `fewer than {} of: {}` for its negation.
    pub at_least: &'static str,
    pub fewer_than: &'static str,
    pub nothing: &'static str,
    pub impossible: &'static str,
    // Actions and urgencies.
    pub order: &'static str,
    pub refer: &'static str,
    pub avoid: &'static str,
    pub same_day: &'static str,
    pub urgent: &'static str,
    pub routine: &'static str,
    /// `within {}`: a time frame, the duration in words.
    pub within: &'static str,
    /// Time units: the unit's canonical name (`weeks`), its singular and
    /// its plural in this language.
    pub units: &'static [(&'static str, &'static str, &'static str)],
    // An evaluation result.
    pub rule: &'static str,
    pub because: &'static str,
    pub always_applies: &'static str,
    pub no_recommendation: &'static str,
    /// `alternative to {}`.
    pub alternative_to: &'static str,
    /// `instead: {}`: what to do instead of what an `avoid` advises
    /// against.
    pub instead_of: &'static str,
    /// `overruled: {action} from rule {rule}, by rule {by}`.
    pub overruled: &'static str,
    pub warning: &'static str,
    // A rule as a sentence (hover, the review site; see `doc` for more).
    /// `or instead {} when {}`: an alternative and its condition.
    pub alternative_when: &'static str,
    /// `It takes precedence over {}.`: the rules a rule overrides.
    pub takes_precedence: &'static str,
    /// The warning about a field given for an input this patient is not
    /// asked: `field {} was ignored: ...`.
    pub ignored_field: &'static str,
    // doc
    /// The words of sentences and of the review site.
    pub doc: DocWords,
    // A partial record (`eval --partial`).
    pub certain: &'static str,
    pub possible: &'static str,
    pub next_questions: &'static str,
    pub nothing_certain: &'static str,
    pub nothing_possible: &'static str,
    pub complete: &'static str,
    // The questionnaire (`leidraad ask`).
    /// Answers that mean yes, no and unknown (lowercase), the first of
    /// each shown in the prompt.
    pub yes_answers: &'static [&'static str],
    pub no_answers: &'static [&'static str],
    pub unknown_answers: &'static [&'static str],
    /// Answers that go back one question.
    pub back_answers: &'static [&'static str],
    /// `question {} of at most {}`.
    pub question_of: &'static str,
    /// How to go back: `type < to go back`.
    pub back_hint: &'static str,
    /// `a number from {} to {}`.
    pub number_range: &'static str,
    /// `a whole number`.
    pub whole_number: &'static str,
    /// `choose a number from 1 to {}`.
    pub choose_number: &'static str,
    /// `several: numbers separated by commas, or nothing for none`.
    pub choose_several: &'static str,
    /// `or {} if not known`.
    pub or_unknown: &'static str,
    /// `not understood: {}; try again`.
    pub try_again: &'static str,
    pub nothing_to_go_back_to: &'static str,
    pub advice_heading: &'static str,
    /// `the answers given`: the heading of the answers as a record.
    pub answers_heading: &'static str,
    /// `no more answers: stopped`.
    pub stopped: &'static str,
    // ask: why an answer is refused, each said after `try_again`'s "not
    // understood:" and followed by what to type.
    /// `"{}" is not a number`.
    pub not_a_number: &'static str,
    /// `{} is outside the range: {}`: the answer (as typed, and converted
    /// when it has a unit) and the range.
    pub outside_range: &'static str,
    /// `{} is not a whole number`.
    pub not_whole: &'static str,
    /// `{} is too large`.
    pub too_large: &'static str,
    /// `write a number, or a number and a unit such as "{}"`.
    pub number_and_unit: &'static str,
    /// `this question takes a number without a unit, but "{}" was given`.
    pub no_unit: &'static str,
    /// `"{}" is not a unit Leidraad knows; this question is in {}`.
    pub unknown_unit: &'static str,
    /// `"{}" measures something other than this question, which is in {}`.
    pub other_quantity: &'static str,
    /// `"{}" converts to {} only with a molar mass, and the guideline
    /// gives none`.
    pub molar_mass_needed: &'static str,
    /// `"{}" is not one of the choices`.
    pub not_a_choice: &'static str,
    /// `did you mean "{}"?`.
    pub did_you_mean: &'static str,
    /// `taken as "{}" ({})`: a value typed by its label, its name and its
    /// label.
    pub taken_as: &'static str,
    /// `"{}" is chosen twice`.
    pub chosen_twice: &'static str,
    /// `"{}" is no answer to this question: it must be answered`.
    pub unknown_not_allowed: &'static str,
    /// An answer that no patient can give with the earlier ones (an
    /// `assume` of the guideline rules it out).
    pub contradicts: &'static str,
    /// An answer the record reader refuses for a reason not named above.
    pub unreadable: &'static str,
    // eval
    /// Why a record is refused, and the lines around the reasons.
    pub record: RecordWords,
}

/// The table for a language code (`nl`, `nl-BE`: by the primary subtag,
/// any case); English when there is none.
#[must_use]
pub fn for_code(code: Option<&str>) -> &'static Words {
    let primary = code
        .and_then(|c| c.split(['-', '_']).next())
        .unwrap_or("en");
    TABLES
        .iter()
        .copied()
        .find(|w| w.code.eq_ignore_ascii_case(primary))
        .unwrap_or(&en::WORDS)
}

/// The table for a guideline: the language [`Guideline::speak`] chose
/// (`--lang`), else its header's `language`.
pub fn of(guideline: &Guideline) -> &'static Words {
    for_code(guideline.advice_language.as_deref().or_else(|| {
        guideline
            .header
            .as_ref()
            .and_then(|h| h.language.as_deref())
    }))
}

/// The codes of the languages that have a table.
pub fn codes() -> Vec<&'static str> {
    TABLES.iter().map(|w| w.code).collect()
}

/// `template` with each `{}` replaced by the next of `values`.
pub fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut values = values.iter();
    while let Some(at) = rest.find("{}") {
        out.push_str(rest.get(..at).unwrap_or(""));
        out.push_str(values.next().copied().unwrap_or(""));
        rest = rest.get(at + 2..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

impl Words {
    /// An action kind: `order` / `bestel`.
    pub fn kind(&self, kind: ActionKind) -> &'static str {
        match kind {
            ActionKind::Order => self.order,
            ActionKind::Refer => self.refer,
            ActionKind::Avoid => self.avoid,
        }
    }

    /// An urgency: `urgent` / `dringend`, `within 48 hours` / `binnen 48 uur`.
    pub fn urgency(&self, urgency: Urgency) -> String {
        match urgency {
            Urgency::SameDay => self.same_day.to_owned(),
            Urgency::Urgent => self.urgent.to_owned(),
            Urgency::Routine => self.routine.to_owned(),
            Urgency::Within { seconds } => fill(self.within, &[&self.duration(seconds)]),
        }
    }

    /// A duration in this language, in the unit `syntax::duration_words`
    /// chooses: `48 hours` / `48 uur`.
    pub fn duration(&self, seconds: u64) -> String {
        let english = crate::syntax::vocabulary::duration_words(seconds);
        let Some((count, unit)) = english.split_once(' ') else {
            return english;
        };
        let plural = if unit.ends_with('s') {
            unit.to_owned()
        } else {
            format!("{unit}s")
        };
        format!("{count} {}", self.unit_word(&plural, count == "1"))
    }

    /// The word of a unit after a number: a time unit in this language
    /// (`1 week`, `6 weken`, `50 jaar`), any other unit as written
    /// (`mg/dL`). `canonical` is the unit's canonical name.
    pub fn unit_word(&self, canonical: &str, one: bool) -> String {
        match self.units.iter().find(|(name, _, _)| *name == canonical) {
            Some((_, singular, plural)) => (if one { singular } else { plural }).to_string(),
            None if one => crate::model::units::Unit::lookup(canonical).map_or_else(
                || canonical.to_owned(),
                |u| u.word_for(crate::model::number::Rational::ONE).to_owned(),
            ),
            None => canonical.to_owned(),
        }
    }

    /// A number's text (`12.5`, `≈4.35`, as `Rational` writes it) with
    /// this language's decimal separator: `12,5`.
    pub fn decimal(&self, number: &str) -> String {
        if self.decimal_separator == "." {
            number.to_owned()
        } else {
            number.replace('.', self.decimal_separator)
        }
    }

    /// A text quoted in a message, shortened when long: `xxx… (20,000,000
    /// characters)` / `xxx… (20.000.000 tekens)`.
    pub fn short<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        crate::diagnostics::escape::shorten_with(text, |count| {
            fill(self.characters, &[&self.count(count)])
        })
    }

    /// A count in words, its thousands grouped: `99,995` / `99.995`.
    pub fn count(&self, count: usize) -> String {
        crate::diagnostics::escape::group_thousands(count).replace(',', self.thousands_separator)
    }

    /// A number in words, as [`Rational::to_human_string`] writes it, with
    /// this language's decimal separator.
    ///
    /// [`Rational::to_human_string`]: crate::model::number::Rational::to_human_string
    pub fn number(&self, number: crate::model::number::Rational) -> String {
        self.decimal(&number.to_human_string())
    }

    /// Whether `answer` (trimmed, any case) is one of `answers`.
    pub fn is_one_of(answer: &str, answers: &[&str]) -> bool {
        answers.iter().any(|a| {
            a.eq_ignore_ascii_case(answer.trim())
                || a.to_lowercase() == answer.trim().to_lowercase()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_is_chosen_by_its_primary_subtag() {
        assert_eq!(for_code(Some("nl")).code, "nl");
        assert_eq!(for_code(Some("NL-be")).code, "nl");
        assert_eq!(for_code(Some("en-GB")).code, "en");
        assert_eq!(for_code(Some("fr")).code, "en");
        assert_eq!(for_code(None).code, "en");
    }

    #[test]
    fn every_table_fills_every_template() {
        for words in TABLES {
            // Every template has the holes its users fill.
            for (name, template, holes) in [
                ("within", words.within, 1),
                ("at_least", words.at_least, 2),
                ("fewer_than", words.fewer_than, 2),
                ("alternative_to", words.alternative_to, 1),
                ("instead_of", words.instead_of, 1),
                ("rule_when", words.doc.rule_when, 1),
                ("to_under", words.doc.to_under, 2),
                ("counts", words.doc.counts, 4),
                ("errors_warnings", words.doc.errors_warnings, 2),
                ("questions_boxes", words.doc.questions_boxes, 2),
                ("index_caption", words.doc.index_caption, 1),
                ("groups_differ", words.doc.groups_differ, 1),
                ("overrides_rule", words.doc.overrides_rule, 2),
                ("chart_no_question", words.doc.chart_no_question, 1),
                ("chart_questions", words.doc.chart_questions, 3),
                ("alternative_when", words.alternative_when, 2),
                ("takes_precedence", words.takes_precedence, 1),
                ("overruled", words.overruled, 3),
                ("question_of", words.question_of, 2),
                ("number_range", words.number_range, 2),
                ("choose_number", words.choose_number, 1),
                ("or_unknown", words.or_unknown, 1),
                ("try_again", words.try_again, 1),
                ("ignored_field", words.ignored_field, 1),
                ("characters", words.characters, 1),
                ("taken_as", words.taken_as, 2),
                ("record.at_molar_mass", words.record.at_molar_mass, 1),
                // Why a record is refused.
                (
                    "record.not_an_input_near",
                    words.record.not_an_input_near,
                    1,
                ),
                (
                    "record.near_miss_refused",
                    words.record.near_miss_refused,
                    1,
                ),
                ("record.not_nfc", words.record.not_nfc, 1),
                ("record.more_field", words.record.more_field, 1),
                ("record.more_fields", words.record.more_fields, 1),
                ("record.expected_yes_no", words.record.expected_yes_no, 1),
                ("record.expected_one_of", words.record.expected_one_of, 2),
                ("record.expected_list", words.record.expected_list, 3),
                ("record.item_not_text", words.record.item_not_text, 1),
                ("record.listed_twice", words.record.listed_twice, 1),
                ("record.not_one_of", words.record.not_one_of, 3),
                ("record.label_hint", words.record.label_hint, 2),
                ("record.did_you_mean", words.record.did_you_mean, 1),
                ("record.expected_number", words.record.expected_number, 1),
                ("record.outside_range", words.record.outside_range, 3),
                ("record.not_whole", words.record.not_whole, 1),
                (
                    "record.cannot_use_number",
                    words.record.cannot_use_number,
                    2,
                ),
                (
                    "record.exact_too_many_digits",
                    words.record.exact_too_many_digits,
                    2,
                ),
                (
                    "record.exact_too_many_decimals",
                    words.record.exact_too_many_decimals,
                    2,
                ),
                (
                    "record.expected_number_such_as",
                    words.record.expected_number_such_as,
                    4,
                ),
                ("record.space_hint", words.record.space_hint, 2),
                ("record.number_and_unit", words.record.number_and_unit, 3),
                ("record.no_spaces_hint", words.record.no_spaces_hint, 2),
                ("record.no_unit", words.record.no_unit, 1),
                ("record.unknown_unit", words.record.unknown_unit, 2),
                (
                    "record.unit_did_you_mean",
                    words.record.unit_did_you_mean,
                    1,
                ),
                (
                    "record.unit_mind_the_size",
                    words.record.unit_mind_the_size,
                    2,
                ),
                ("record.unit_choose", words.record.unit_choose, 3),
                ("record.other_dimension", words.record.other_dimension, 4),
                (
                    "record.molar_mass_needed",
                    words.record.molar_mass_needed,
                    4,
                ),
                (
                    "record.too_large_to_convert",
                    words.record.too_large_to_convert,
                    1,
                ),
                ("record.quantity_field", words.record.quantity_field, 1),
                ("record.quantity_fields", words.record.quantity_fields, 1),
                (
                    "record.quantity_comparator",
                    words.record.quantity_comparator,
                    1,
                ),
                (
                    "record.quantity_not_text",
                    words.record.quantity_not_text,
                    2,
                ),
                (
                    "record.quantity_value_not_number",
                    words.record.quantity_value_not_number,
                    1,
                ),
                ("record.quantity_no_code", words.record.quantity_no_code, 1),
                (
                    "record.quantity_units_differ",
                    words.record.quantity_units_differ,
                    2,
                ),
                ("record.quantity_no_unit", words.record.quantity_no_unit, 1),
                ("record.lacks", words.record.lacks, 2),
                ("record.not_known", words.record.not_known, 3),
                ("record.contradicts", words.record.contradicts, 3),
                ("record.of_file", words.record.of_file, 1),
                ("record.error_line", words.record.error_line, 1),
                ("record.field_error_line", words.record.field_error_line, 2),
                ("record.batch_failed", words.record.batch_failed, 2),
                ("record.standard_input", words.record.standard_input, 0),
                ("record.batch_line", words.record.batch_line, 1),
                ("record.not_utf8", words.record.not_utf8, 1),
                ("record.not_json", words.record.not_json, 2),
                ("record.json_at", words.record.json_at, 3),
                ("record.json_at_column", words.record.json_at_column, 2),
                ("record.json_ends_early", words.record.json_ends_early, 0),
                ("record.json_syntax", words.record.json_syntax, 0),
                ("record.given_twice", words.record.given_twice, 1),
                ("record.not_an_object", words.record.not_an_object, 0),
                ("record.not_an_input", words.record.not_an_input, 0),
                (
                    "record.exact_not_a_number",
                    words.record.exact_not_a_number,
                    0,
                ),
                ("record.exact_too_large", words.record.exact_too_large, 0),
                ("record.number_syntax", words.record.number_syntax, 0),
                ("record.bound_hint", words.record.bound_hint, 0),
                (
                    "record.quantity_no_value",
                    words.record.quantity_no_value,
                    0,
                ),
                ("record.default_note", words.record.default_note, 0),
                ("record.not_asked", words.record.not_asked, 0),
                ("record.refused", words.record.refused, 0),
                (
                    "record.unknown_field_help",
                    words.record.unknown_field_help,
                    0,
                ),
            ] {
                assert_eq!(
                    template.matches("{}").count(),
                    holes,
                    "{}: `{name}` is {template:?}",
                    words.code
                );
            }
            for answers in [
                words.yes_answers,
                words.no_answers,
                words.unknown_answers,
                words.back_answers,
            ] {
                assert!(!answers.is_empty(), "{}", words.code);
            }
            // Every time unit of the unit table has its words.
            for unit in [
                "years", "months", "weeks", "days", "hours", "minutes", "seconds",
            ] {
                assert!(
                    words.units.iter().any(|(name, _, _)| *name == unit),
                    "{}: no words for {unit}",
                    words.code
                );
            }
        }
    }

    #[test]
    fn durations_and_urgencies_read_in_the_language() {
        let nl = for_code(Some("nl"));
        assert_eq!(
            nl.urgency(Urgency::Within { seconds: 48 * 3600 }),
            "binnen 48 uur"
        );
        assert_eq!(
            nl.urgency(Urgency::Within { seconds: 3600 }),
            "binnen 1 uur"
        );
        assert_eq!(
            nl.urgency(Urgency::Within {
                seconds: 14 * 86400
            }),
            "binnen 2 weken"
        );
        assert_eq!(nl.urgency(Urgency::SameDay), "zelfde dag");
        assert_eq!(nl.kind(ActionKind::Avoid), "vermijd");
        let en = for_code(Some("en"));
        assert_eq!(
            en.urgency(Urgency::Within { seconds: 48 * 3600 }),
            "within 48 hours"
        );
        assert_eq!(en.urgency(Urgency::SameDay), "same day");
        assert_eq!(nl.unit_word("mg/dL", false), "mg/dL");
        assert_eq!(nl.unit_word("years", true), "jaar");
        assert_eq!(en.unit_word("weeks", true), "week");
        assert_eq!(fill("a {} b {}", &["1", "2"]), "a 1 b 2");
        // Numbers in words: a decimal comma in Dutch, grouped counts.
        let half = crate::model::number::Rational::new(25, 2).unwrap();
        let third = crate::model::number::Rational::new(1, 3).unwrap();
        assert_eq!(nl.number(half), "12,5");
        assert_eq!(nl.number(third), "≈0,33");
        assert_eq!(en.number(half), "12.5");
        assert_eq!(nl.count(1_234_567), "1.234.567");
        assert_eq!(en.count(1_234_567), "1,234,567");
        assert!(nl.short(&"x".repeat(70)).ends_with("… (70 tekens)"));
    }
}
