//! Units of measurement for number inputs, with exact conversions.
//!
//! | Word(s)             | Dimension   | Value in the base unit        |
//! |---------------------|-------------|-------------------------------|
//! | `hours`, `hour`     | time        | 1/24 day                      |
//! | `days`, `day`       | time        | 1 day (base)                  |
//! | `weeks`, `week`     | time        | 7 days                        |
//! | `months`, `month`   | time        | 1/12 year = 30.4375 days      |
//! | `years`, `year`     | time        | 365.25 days                   |
//! | `g`                 | mass        | 1 g (base)                    |
//! | `kg`                | mass        | 1000 g                        |
//! | `mm`                | length      | 1 mm (base)                   |
//! | `cm`                | length      | 10 mm                         |
//! | `m`                 | length      | 1000 mm                       |
//! | `celsius`           | temperature | 1 degree Celsius (base)       |
//!
//! A year is 365.25 days (the average Julian year) and a month is exactly one
//! twelfth of it, so `12 months == 1 year` holds exactly, while `3 months`
//! is `1461/112` weeks (about 13.04 weeks), slightly more than 13 weeks.
//! Conversions are exact rationals; only units of the same dimension convert.

use super::number::Rational;

/// What a unit measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// Durations; base unit: day.
    Time,
    /// Masses; base unit: gram.
    Mass,
    /// Lengths; base unit: millimetre.
    Length,
    /// Temperatures; base and only unit: degree Celsius.
    Temperature,
}

impl Dimension {
    /// The dimension in plain words, for diagnostics: "a duration", "a mass",
    /// "a length", "a temperature".
    pub fn describe(self) -> &'static str {
        match self {
            Dimension::Time => "a duration",
            Dimension::Mass => "a mass",
            Dimension::Length => "a length",
            Dimension::Temperature => "a temperature",
        }
    }
}

/// A unit of measurement: its canonical word, dimension and exact size in the
/// dimension's base unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    /// The canonical word (the plural for time units): `years`, `kg`, ...
    pub canonical: &'static str,
    /// What the unit measures.
    pub dimension: Dimension,
    /// How many base units one of this unit is.
    factor_to_base: Rational,
}

/// One row of the unit table: canonical word, singular word, dimension, and
/// the factor to the base unit as numerator and denominator.
struct UnitRow {
    canonical: &'static str,
    singular: &'static str,
    dimension: Dimension,
    num: i128,
    den: i128,
}

const fn row(
    canonical: &'static str,
    singular: &'static str,
    dimension: Dimension,
    num: i128,
    den: i128,
) -> UnitRow {
    UnitRow {
        canonical,
        singular,
        dimension,
        num,
        den,
    }
}

/// The unit table; see the module documentation.
const UNITS: &[UnitRow] = &[
    row("years", "year", Dimension::Time, 1461, 4),
    row("months", "month", Dimension::Time, 1461, 48),
    row("weeks", "week", Dimension::Time, 7, 1),
    row("days", "day", Dimension::Time, 1, 1),
    row("hours", "hour", Dimension::Time, 1, 24),
    row("kg", "kg", Dimension::Mass, 1000, 1),
    row("g", "g", Dimension::Mass, 1, 1),
    row("m", "m", Dimension::Length, 1000, 1),
    row("cm", "cm", Dimension::Length, 10, 1),
    row("mm", "mm", Dimension::Length, 1, 1),
    row("celsius", "celsius", Dimension::Temperature, 1, 1),
];

/// Every word [`Unit::lookup`] accepts, in table order, plural before singular.
const ALL_WORDS: &[&str] = &[
    "years", "year", "months", "month", "weeks", "week", "days", "day", "hours", "hour", "kg", "g",
    "m", "cm", "mm", "celsius",
];

impl Unit {
    /// The unit named by `word` (exact, case-sensitive match), accepting both
    /// plural and singular forms of time units: `weeks` and `week` are the
    /// same unit, with canonical word `weeks`.
    pub fn lookup(word: &str) -> Option<Unit> {
        let row = UNITS
            .iter()
            .find(|row| row.canonical == word || row.singular == word)?;
        Some(Unit {
            canonical: row.canonical,
            dimension: row.dimension,
            factor_to_base: Rational::new(row.num, row.den)?,
        })
    }

    /// Every accepted unit word, for "did you mean" suggestions.
    pub(crate) fn all_words() -> &'static [&'static str] {
        ALL_WORDS
    }

    /// How many base units of the dimension one of this unit is (days for
    /// time, grams for mass, millimetres for length, degrees Celsius for
    /// temperature).
    pub fn factor_to_base(&self) -> Rational {
        self.factor_to_base
    }

    /// The word to print after `value`: the singular for exactly one
    /// (`1 week`), otherwise the canonical word (`2 weeks`, `0.5 weeks`).
    pub(crate) fn word_for(&self, value: Rational) -> &'static str {
        if value == Rational::ONE {
            UNITS
                .iter()
                .find(|row| row.canonical == self.canonical)
                .map_or(self.canonical, |row| row.singular)
        } else {
            self.canonical
        }
    }

    /// `value` expressed in `from` converted to `to`, exactly. `None` when the
    /// units measure different dimensions or on overflow.
    pub(crate) fn convert(value: Rational, from: &Unit, to: &Unit) -> Option<Rational> {
        if from.dimension != to.dimension {
            return None;
        }
        if from.canonical == to.canonical {
            return Some(value);
        }
        // Dividing the factors first keeps the intermediate small.
        let ratio = from.factor_to_base.checked_div(to.factor_to_base)?;
        value.checked_mul(ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(word: &str) -> Unit {
        Unit::lookup(word).unwrap()
    }

    fn r(num: i128, den: i128) -> Rational {
        Rational::new(num, den).unwrap()
    }

    fn n(value: i64) -> Rational {
        Rational::from_integer(value)
    }

    fn convert(value: Rational, from: &str, to: &str) -> Option<Rational> {
        Unit::convert(value, &unit(from), &unit(to))
    }

    #[test]
    fn lookup_accepts_singular_and_plural() {
        assert_eq!(unit("week"), unit("weeks"));
        assert_eq!(unit("year").canonical, "years");
        assert_eq!(unit("hour").canonical, "hours");
        assert_eq!(unit("kg").dimension, Dimension::Mass);
        assert_eq!(unit("cm").dimension, Dimension::Length);
        assert_eq!(unit("celsius").dimension, Dimension::Temperature);
        assert_eq!(unit("month").factor_to_base(), r(1461, 48));
        assert_eq!(Unit::lookup("Weeks"), None);
        assert_eq!(Unit::lookup("wk"), None);
        assert_eq!(Unit::lookup(""), None);
    }

    #[test]
    fn all_words_all_look_up() {
        for word in Unit::all_words() {
            assert!(Unit::lookup(word).is_some(), "{word}");
        }
        assert_eq!(Unit::all_words().len(), 16);
        for row in UNITS {
            assert!(ALL_WORDS.contains(&row.canonical));
            assert!(ALL_WORDS.contains(&row.singular));
        }
    }

    #[test]
    fn time_conversions_are_exact() {
        assert_eq!(convert(n(1), "week", "days"), Some(n(7)));
        assert_eq!(convert(n(1), "year", "days"), Some(r(1461, 4)));
        assert_eq!(convert(n(1), "month", "days"), Some(r(1461, 48)));
        assert_eq!(convert(n(12), "months", "years"), Some(n(1)));
        assert_eq!(convert(n(3), "months", "weeks"), Some(r(1461, 112)));
        assert_eq!(convert(n(2), "days", "hours"), Some(n(48)));
        assert_eq!(convert(n(1), "year", "weeks"), Some(r(1461, 28)));
        assert_eq!(convert(r(1, 2), "years", "months"), Some(n(6)));
    }

    #[test]
    fn twelve_weeks_is_less_than_three_months() {
        let three_months_in_weeks = convert(n(3), "months", "weeks").unwrap();
        assert!(n(12) < three_months_in_weeks);
        assert!(three_months_in_weeks > n(13));
        let twelve_weeks_in_months = convert(n(12), "weeks", "months").unwrap();
        assert_eq!(twelve_weeks_in_months, r(1344, 487));
        assert!(twelve_weeks_in_months < n(3));
        // Round trip is exact.
        assert_eq!(
            convert(three_months_in_weeks, "weeks", "months"),
            Some(n(3))
        );
    }

    #[test]
    fn other_dimensions_convert() {
        assert_eq!(convert(r(5, 2), "kg", "g"), Some(n(2500)));
        assert_eq!(convert(n(250), "g", "kg"), Some(r(1, 4)));
        assert_eq!(convert(n(175), "cm", "m"), Some(r(7, 4)));
        assert_eq!(convert(n(3), "cm", "mm"), Some(n(30)));
        assert_eq!(convert(n(37), "celsius", "celsius"), Some(n(37)));
    }

    #[test]
    fn different_dimensions_do_not_convert() {
        assert_eq!(convert(n(1), "kg", "days"), None);
        assert_eq!(convert(n(1), "cm", "g"), None);
        assert_eq!(convert(n(1), "celsius", "mm"), None);
    }

    #[test]
    fn overflow_is_none() {
        let huge = r(i128::MAX, 1);
        assert_eq!(convert(huge, "years", "hours"), None);
    }

    #[test]
    fn words_and_descriptions() {
        assert_eq!(unit("weeks").word_for(n(1)), "week");
        assert_eq!(unit("weeks").word_for(n(2)), "weeks");
        assert_eq!(unit("kg").word_for(n(1)), "kg");
        assert_eq!(Dimension::Time.describe(), "a duration");
        assert_eq!(Dimension::Mass.describe(), "a mass");
        assert_eq!(Dimension::Length.describe(), "a length");
        assert_eq!(Dimension::Temperature.describe(), "a temperature");
    }
}
