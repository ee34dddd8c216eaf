//! Units of measurement for number inputs, with exact conversions.
//!
//! The unit language is UCUM, the Unified Code for Units of Measure that
//! FHIR and LOINC use, restricted to the units below: every unit is known by
//! its UCUM code and by the spellings clinicians write (the first word of
//! each row is the one Leidraad prints). A unit that is not in this table is
//! refused (L106), never guessed. `µ` may be written `u` (`ug`, as UCUM
//! does) or `mc` (`mcg`), and `²` may be written `2`.
//!
//! | Printed as          | UCUM code          | Also accepted           | Dimension                | Size                      |
//! |---------------------|--------------------|-------------------------|--------------------------|---------------------------|
//! | `seconds`, `second` | `s`                | `sec`                   | time                     | 1/86400 day               |
//! | `minutes`, `minute` | `min`              | `mins`                  | time                     | 1/1440 day                |
//! | `hours`, `hour`     | `h`                | `hr`, `hrs`             | time                     | 1/24 day                  |
//! | `days`, `day`       | `d`                |                         | time                     | 1 day (base)              |
//! | `weeks`, `week`     | `wk`               |                         | time                     | 7 days                    |
//! | `months`, `month`   | `mo`               |                         | time                     | 1/12 year = 30.4375 days  |
//! | `years`, `year`     | `a`                |                         | time                     | 365.25 days               |
//! | `kg`                | `kg`               |                         | mass                     | 1000 g                    |
//! | `g`                 | `g`                |                         | mass                     | 1 g (base)                |
//! | `mg`                | `mg`               |                         | mass                     | 1/1000 g                  |
//! | `µg`                | `ug`               | `mcg`                   | mass                     | 1/10⁶ g                   |
//! | `ng`                | `ng`               |                         | mass                     | 1/10⁹ g                   |
//! | `m`                 | `m`                |                         | length                   | 1000 mm                   |
//! | `cm`                | `cm`               |                         | length                   | 10 mm                     |
//! | `mm`                | `mm`               |                         | length                   | 1 mm (base)               |
//! | `feet`, `foot`      | `[ft_i]`           | `ft`                    | length                   | 304.8 mm                  |
//! | `inches`, `inch`    | `[in_i]`           |                         | length                   | 25.4 mm                   |
//! | `celsius`           | `Cel`              | `°C`, `degC`            | temperature              | 1 °C (base)               |
//! | `fahrenheit`        | `[degF]`           | `°F`, `degF`            | temperature              | °C = (°F − 32) × 5/9      |
//! | `kelvin`            | `K`                |                         | temperature              | °C = K − 273.15           |
//! | `L`                 | `L`                | `l`                     | volume                   | 1 L (base)                |
//! | `dL`                | `dL`               | `dl`                    | volume                   | 1/10 L                    |
//! | `mL`                | `mL`               | `ml`                    | volume                   | 1/1000 L                  |
//! | `µL`                | `uL`               | `ul`                    | volume                   | 1/10⁶ L                   |
//! | `mol`               | `mol`              |                         | amount of substance      | 1 mol (base)              |
//! | `mmol`              | `mmol`             |                         | amount of substance      | 1/1000 mol                |
//! | `µmol`              | `umol`             | `mcmol`                 | amount of substance      | 1/10⁶ mol                 |
//! | `g/L`               | `g/L`              | `g/l`                   | mass concentration       | 1 g/L (base)              |
//! | `g/dL`              | `g/dL`             | `g/dl`                  | mass concentration       | 10 g/L                    |
//! | `mg/dL`             | `mg/dL`            | `mg/dl`                 | mass concentration       | 1/100 g/L                 |
//! | `mg/L`              | `mg/L`             | `mg/l`                  | mass concentration       | 1/1000 g/L                |
//! | `µg/mL`             | `ug/mL`            | `mcg/mL`, `ug/ml`       | mass concentration       | 1/1000 g/L                |
//! | `µg/L`              | `ug/L`             | `mcg/L`, `ug/l`         | mass concentration       | 1/10⁶ g/L                 |
//! | `ng/mL`             | `ng/mL`            | `ng/ml`                 | mass concentration       | 1/10⁶ g/L                 |
//! | `ng/L`              | `ng/L`             | `ng/l`                  | mass concentration       | 1/10⁹ g/L                 |
//! | `pg/mL`             | `pg/mL`            | `pg/ml`                 | mass concentration       | 1/10⁹ g/L                 |
//! | `mol/L`             | `mol/L`            | `mol/l`                 | molar concentration      | 1 mol/L (base)            |
//! | `mmol/L`            | `mmol/L`           | `mmol/l`                | molar concentration      | 1/1000 mol/L              |
//! | `µmol/L`            | `umol/L`           | `umol/l`, `mcmol/L`     | molar concentration      | 1/10⁶ mol/L               |
//! | `nmol/L`            | `nmol/L`           | `nmol/l`                | molar concentration      | 1/10⁹ mol/L               |
//! | `mmHg`              | `mm[Hg]`           |                         | pressure                 | 133.322 Pa (UCUM)         |
//! | `kPa`               | `kPa`              |                         | pressure                 | 1000 Pa                   |
//! | `/min`              | `/min`             | `bpm`, `{beats}/min`, `{breaths}/min` | rate       | 1 per minute (base)       |
//! | `/h`                | `/h`               |                         | rate                     | 1/60 per minute           |
//! | `%`                 | `%`                |                         | percentage               | 1 % (base)                |
//! | `mL/min`            | `mL/min`           | `ml/min`                | flow                     | 1 mL/min (base)           |
//! | `L/min`             | `L/min`            | `l/min`                 | flow                     | 1000 mL/min               |
//! | `mL/h`              | `mL/h`             | `ml/h`                  | flow                     | 1/60 mL/min               |
//! | `mL/min/1.73m²`     | `mL/min/{1.73_m2}` | `mL/min/1.73m2`, `ml/min/1.73m2` | filtration rate per 1.73 m² | 1 (base) |
//! | `kg/m²`             | `kg/m2`            |                         | mass per area (BMI)      | 1 kg/m² (base)            |
//! | `g/mol`             | `g/mol`            |                         | molar mass               | 1 g/mol (base)            |
//!
//! A year is 365.25 days (the average Julian year, UCUM's `a`) and a month
//! is exactly one twelfth of it (UCUM's `mo`), so `12 months == 1 year`
//! holds exactly, while `3 months` is `1461/112` weeks (about 13.04 weeks),
//! slightly more than 13 weeks. Conversions are exact rationals; only units
//! of the same dimension convert, temperatures with their offset
//! (`100.4 fahrenheit` is exactly `38 celsius`). A mass and an amount of
//! substance, or a mass concentration and a molar concentration, convert
//! into each other only with the substance's molar mass, which an input
//! declares (`number 0..2000 umol/L molar mass 113.12 g/mol`).
//! `mL/min/1.73m²` (an eGFR, normalised to body surface) never converts to
//! `mL/min` (a clearance that is not).

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
    /// Temperatures; base unit: degree Celsius.
    Temperature,
    /// Volumes; base unit: litre.
    Volume,
    /// Amounts of substance; base unit: mole.
    Amount,
    /// Mass per volume; base unit: gram per litre.
    MassConcentration,
    /// Amount of substance per volume; base unit: mole per litre.
    MolarConcentration,
    /// Pressures; base unit: pascal.
    Pressure,
    /// Counts per time (heart rate); base unit: per minute.
    Rate,
    /// Percentages; base unit: percent.
    Percentage,
    /// Volume per time; base unit: millilitre per minute.
    Flow,
    /// Volume per time per 1.73 m² of body surface (eGFR); base unit:
    /// mL/min/1.73m².
    NormalisedFlow,
    /// Mass per area (body-mass index); base unit: kg/m².
    MassPerArea,
    /// Mass per amount of substance; base unit: gram per mole.
    MolarMass,
}

impl Dimension {
    /// The dimension in plain words, for diagnostics: "a duration", "a mass",
    /// "a length", "a temperature", ...
    pub fn describe(self) -> &'static str {
        match self {
            Dimension::Time => "a duration",
            Dimension::Mass => "a mass",
            Dimension::Length => "a length",
            Dimension::Temperature => "a temperature",
            Dimension::Volume => "a volume",
            Dimension::Amount => "an amount of substance",
            Dimension::MassConcentration => "a mass concentration",
            Dimension::MolarConcentration => "a molar concentration",
            Dimension::Pressure => "a pressure",
            Dimension::Rate => "a rate (a count per time)",
            Dimension::Percentage => "a percentage",
            Dimension::Flow => "a flow (volume per time)",
            Dimension::NormalisedFlow => "a filtration rate per 1.73 m² body surface",
            Dimension::MassPerArea => "a mass per area",
            Dimension::MolarMass => "a molar mass",
        }
    }

    /// The dimension a molar mass converts this one into: mass and amount
    /// of substance, mass and molar concentration.
    pub(crate) fn molar_partner(self) -> Option<Dimension> {
        match self {
            Dimension::Mass => Some(Dimension::Amount),
            Dimension::Amount => Some(Dimension::Mass),
            Dimension::MassConcentration => Some(Dimension::MolarConcentration),
            Dimension::MolarConcentration => Some(Dimension::MassConcentration),
            _ => None,
        }
    }

    /// Whether a quantity of this dimension is a mass (or a mass
    /// concentration) rather than an amount of substance: a value in the
    /// mass dimension is the amount times the molar mass.
    fn is_mass_side(self) -> bool {
        matches!(self, Dimension::Mass | Dimension::MassConcentration)
    }
}

/// A unit of measurement: its printed word, dimension and exact size in
/// the dimension's base unit (its UCUM code is [`Unit::ucum`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unit {
    /// The word Leidraad prints (the plural for time units): `years`, `kg`,
    /// `µmol/L`, ...
    pub canonical: &'static str,
    /// What the unit measures.
    pub dimension: Dimension,
    /// How many base units one of this unit is.
    factor_to_base: Rational,
    /// What zero of this unit is in the base unit (only temperatures have
    /// one): base = value × factor + offset.
    offset_to_base: Rational,
}

/// Why a value cannot be converted from one unit to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConversionError {
    /// The units measure different things.
    Dimensions,
    /// A mass and an amount of substance (or their concentrations): they
    /// convert only with a molar mass, and none was given.
    MolarMassNeeded,
    /// The result does not fit an exact number.
    TooLarge,
}

/// One row of the unit table; see the module documentation.
struct UnitRow {
    /// Printed word (plural for time units).
    canonical: &'static str,
    /// Printed after exactly one (`1 week`).
    singular: &'static str,
    ucum: &'static str,
    /// Further accepted spellings.
    aliases: &'static [&'static str],
    dimension: Dimension,
    /// Size in the base unit, as numerator and denominator.
    factor: (i128, i128),
    /// Zero of this unit in the base unit, as numerator and denominator.
    offset: (i128, i128),
}

const fn row(
    canonical: &'static str,
    singular: &'static str,
    ucum: &'static str,
    aliases: &'static [&'static str],
    dimension: Dimension,
    factor: (i128, i128),
) -> UnitRow {
    UnitRow {
        canonical,
        singular,
        ucum,
        aliases,
        dimension,
        factor,
        offset: (0, 1),
    }
}

/// A row whose printed word is its only form besides the UCUM code.
const fn plain(
    canonical: &'static str,
    ucum: &'static str,
    aliases: &'static [&'static str],
    dimension: Dimension,
    factor: (i128, i128),
) -> UnitRow {
    row(canonical, canonical, ucum, aliases, dimension, factor)
}

const E6: i128 = 1_000_000;
const E9: i128 = 1_000_000_000;

use Dimension as D;

/// The unit table; see the module documentation.
const UNITS: &[UnitRow] = &[
    row("years", "year", "a", &[], D::Time, (1461, 4)),
    row("months", "month", "mo", &[], D::Time, (1461, 48)),
    row("weeks", "week", "wk", &[], D::Time, (7, 1)),
    row("days", "day", "d", &[], D::Time, (1, 1)),
    row("hours", "hour", "h", &["hr", "hrs"], D::Time, (1, 24)),
    row("minutes", "minute", "min", &["mins"], D::Time, (1, 1440)),
    row("seconds", "second", "s", &["sec"], D::Time, (1, 86400)),
    plain("kg", "kg", &[], D::Mass, (1000, 1)),
    plain("g", "g", &[], D::Mass, (1, 1)),
    plain("mg", "mg", &[], D::Mass, (1, 1000)),
    plain("µg", "ug", &["mcg"], D::Mass, (1, E6)),
    plain("ng", "ng", &[], D::Mass, (1, E9)),
    plain("m", "m", &[], D::Length, (1000, 1)),
    plain("cm", "cm", &[], D::Length, (10, 1)),
    plain("mm", "mm", &[], D::Length, (1, 1)),
    row("feet", "foot", "[ft_i]", &["ft"], D::Length, (1524, 5)),
    row("inches", "inch", "[in_i]", &[], D::Length, (127, 5)),
    plain("celsius", "Cel", &["°C", "degC"], D::Temperature, (1, 1)),
    UnitRow {
        offset: (-160, 9),
        ..plain(
            "fahrenheit",
            "[degF]",
            &["°F", "degF"],
            D::Temperature,
            (5, 9),
        )
    },
    UnitRow {
        offset: (-5463, 20),
        ..plain("kelvin", "K", &[], D::Temperature, (1, 1))
    },
    plain("L", "L", &["l"], D::Volume, (1, 1)),
    plain("dL", "dL", &["dl"], D::Volume, (1, 10)),
    plain("mL", "mL", &["ml"], D::Volume, (1, 1000)),
    plain("µL", "uL", &["ul"], D::Volume, (1, E6)),
    plain("mol", "mol", &[], D::Amount, (1, 1)),
    plain("mmol", "mmol", &[], D::Amount, (1, 1000)),
    plain("µmol", "umol", &["mcmol"], D::Amount, (1, E6)),
    plain("g/L", "g/L", &["g/l"], D::MassConcentration, (1, 1)),
    plain("g/dL", "g/dL", &["g/dl"], D::MassConcentration, (10, 1)),
    plain("mg/dL", "mg/dL", &["mg/dl"], D::MassConcentration, (1, 100)),
    plain("mg/L", "mg/L", &["mg/l"], D::MassConcentration, (1, 1000)),
    plain(
        "µg/mL",
        "ug/mL",
        &["ug/ml", "mcg/mL", "mcg/ml"],
        D::MassConcentration,
        (1, 1000),
    ),
    plain(
        "µg/L",
        "ug/L",
        &["ug/l", "mcg/L", "mcg/l"],
        D::MassConcentration,
        (1, E6),
    ),
    plain("ng/mL", "ng/mL", &["ng/ml"], D::MassConcentration, (1, E6)),
    plain("ng/L", "ng/L", &["ng/l"], D::MassConcentration, (1, E9)),
    plain("pg/mL", "pg/mL", &["pg/ml"], D::MassConcentration, (1, E9)),
    plain("mol/L", "mol/L", &["mol/l"], D::MolarConcentration, (1, 1)),
    plain(
        "mmol/L",
        "mmol/L",
        &["mmol/l"],
        D::MolarConcentration,
        (1, 1000),
    ),
    plain(
        "µmol/L",
        "umol/L",
        &["umol/l", "mcmol/L", "mcmol/l"],
        D::MolarConcentration,
        (1, E6),
    ),
    plain(
        "nmol/L",
        "nmol/L",
        &["nmol/l"],
        D::MolarConcentration,
        (1, E9),
    ),
    // UCUM: 1 m[Hg] = 133.3220 kPa, so 1 mm[Hg] = 133.322 Pa exactly.
    plain("mmHg", "mm[Hg]", &[], D::Pressure, (66661, 500)),
    plain("kPa", "kPa", &[], D::Pressure, (1000, 1)),
    plain(
        "/min",
        "/min",
        &["bpm", "{beats}/min", "{breaths}/min"],
        D::Rate,
        (1, 1),
    ),
    plain("/h", "/h", &[], D::Rate, (1, 60)),
    plain("%", "%", &[], D::Percentage, (1, 1)),
    plain("mL/min", "mL/min", &["ml/min"], D::Flow, (1, 1)),
    plain("L/min", "L/min", &["l/min"], D::Flow, (1000, 1)),
    plain("mL/h", "mL/h", &["ml/h"], D::Flow, (1, 60)),
    plain(
        "mL/min/1.73m²",
        "mL/min/{1.73_m2}",
        &["mL/min/1.73m2", "ml/min/1.73m2", "ml/min/{1.73_m2}"],
        D::NormalisedFlow,
        (1, 1),
    ),
    plain("kg/m²", "kg/m2", &[], D::MassPerArea, (1, 1)),
    plain("g/mol", "g/mol", &[], D::MolarMass, (1, 1)),
];

/// `word` with the micro sign and Greek mu written `u` and superscript
/// digits written plainly, as UCUM writes them: `µg/L` and `μg/L` are
/// `ug/L`, `m²` is `m2`.
fn plain_spelling(word: &str) -> String {
    plain_chars(word).collect()
}

fn plain_chars(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars().map(|c| match c {
        '\u{b5}' | '\u{3bc}' => 'u',
        '²' => '2',
        '³' => '3',
        other => other,
    })
}

impl UnitRow {
    /// Every spelling of the row: printed, singular, UCUM, aliases.
    fn spellings(&self) -> impl Iterator<Item = &'static str> {
        let (canonical, singular, ucum, aliases) =
            (self.canonical, self.singular, self.ucum, self.aliases);
        [canonical, singular, ucum]
            .into_iter()
            .chain(aliases.iter().copied())
    }

    fn unit(&self) -> Option<Unit> {
        Some(Unit {
            canonical: self.canonical,
            dimension: self.dimension,
            factor_to_base: Rational::new(self.factor.0, self.factor.1)?,
            offset_to_base: Rational::new(self.offset.0, self.offset.1)?,
        })
    }
}

/// A unit to suggest for an unknown word, with what the editor must know
/// about its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Suggestion {
    pub unit: Unit,
    /// Its size against the unit expected, when that differs
    /// (`1 mg/dL = 10 mg/L`).
    pub note: Option<String>,
}

/// What can be said about an unknown unit word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum UnknownUnit {
    /// One unit is the near miss, and no unit of another size is as near.
    Suggest(Suggestion),
    /// No one unit: these are the units of the dimension it must have (or
    /// whose units it is near), none guessed.
    Choose(Dimension, Vec<&'static str>),
    /// Nothing is near and no dimension is expected.
    Nothing,
}

impl Unit {
    /// The unit named by `word`: its printed word, singular, UCUM code or
    /// an accepted alias, matched exactly (UCUM is case-sensitive), with
    /// `µ`, `μ` and `u` the same letter and `²` the same as `2`.
    pub fn lookup(word: &str) -> Option<Unit> {
        // Compared character by character: no allocation per spelling.
        UNITS
            .iter()
            .find(|row| {
                row.spellings()
                    .any(|s| plain_chars(s).eq(plain_chars(word)))
            })?
            .unit()
    }

    /// The printed word of every unit, in table order (what a language
    /// server offers after a number).
    pub fn all_words() -> Vec<&'static str> {
        UNITS.iter().map(|row| row.canonical).collect()
    }

    /// The printed words of the units of `dimension`, in table order.
    pub(crate) fn words_of(dimension: Dimension) -> Vec<&'static str> {
        UNITS
            .iter()
            .filter(|row| row.dimension == dimension)
            .map(|row| row.canonical)
            .collect()
    }

    /// How many base units of the dimension one of this unit is (days for
    /// time, grams for mass, millimetres for length, degrees Celsius for
    /// temperature, ...).
    pub fn factor_to_base(&self) -> Rational {
        self.factor_to_base
    }

    /// The UCUM code: `a` for years, `ug/L` for µg/L, `[degF]` for
    /// fahrenheit (for terminology codes).
    pub fn ucum(&self) -> &'static str {
        UNITS
            .iter()
            .find(|row| row.canonical == self.canonical)
            .map_or(self.canonical, |row| row.ucum)
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

    /// Whether a value in `self` converts to `to`, given the molar mass (in
    /// g/mol) that `to`'s input declares, if any.
    pub(crate) fn converts_to(&self, to: &Unit, molar_mass: Option<Rational>) -> bool {
        self.dimension == to.dimension
            || (molar_mass.is_some() && self.dimension.molar_partner() == Some(to.dimension))
    }

    /// `value` expressed in `from` converted to `to`, exactly. A mass and an
    /// amount of substance (and their concentrations) convert only with
    /// `molar_mass`, in g/mol.
    pub fn convert(
        value: Rational,
        from: &Unit,
        to: &Unit,
        molar_mass: Option<Rational>,
    ) -> Result<Rational, ConversionError> {
        if from.canonical == to.canonical {
            return Ok(value);
        }
        let too_large = ConversionError::TooLarge;
        // Dividing the factors first keeps the intermediate small.
        let ratio = from
            .factor_to_base
            .checked_div(to.factor_to_base)
            .ok_or(too_large)?;
        if from.dimension == to.dimension {
            // base = value × factor + offset, and back.
            let shift = from
                .offset_to_base
                .checked_sub(to.offset_to_base)
                .and_then(|d| d.checked_div(to.factor_to_base))
                .ok_or(too_large)?;
            return value
                .checked_mul(ratio)
                .and_then(|v| v.checked_add(shift))
                .ok_or(too_large);
        }
        if from.dimension.molar_partner() != Some(to.dimension) {
            return Err(ConversionError::Dimensions);
        }
        let molar_mass = molar_mass.ok_or(ConversionError::MolarMassNeeded)?;
        // Mass = amount × molar mass.
        let ratio = if from.dimension.is_mass_side() {
            ratio.checked_div(molar_mass)
        } else {
            ratio.checked_mul(molar_mass)
        }
        .ok_or(too_large)?;
        value.checked_mul(ratio).ok_or(too_large)
    }

    /// `value`, given in `unit`, as an exact decimal of at most `places`
    /// decimals: in `unit` itself if it has one there, otherwise in the unit
    /// of the table (of the same dimension, or with `molar_mass` of its
    /// molar partner) where it has the fewest, the first in table order
    /// among equals. A threshold written in another unit than
    /// its input's, such as `0.3 mg/dL` for an input in µmol/L (18750/707
    /// µmol/L at 113.12 g/mol), has no short decimal in the input's unit,
    /// but has one in the unit it was written in. `None` if no unit has one.
    pub(crate) fn exact_decimal_in_some_unit(
        value: Rational,
        unit: &Unit,
        molar_mass: Option<Rational>,
        places: u32,
    ) -> Option<(Rational, Unit)> {
        if value.exact_decimal_places(places).is_some() {
            return Some((value, *unit));
        }
        let mut best: Option<(u32, Rational, Unit)> = None;
        for row in UNITS {
            let Some(other) = row.unit() else { continue };
            if !unit.converts_to(&other, molar_mass) {
                continue;
            }
            let Ok(converted) = Unit::convert(value, unit, &other, molar_mass) else {
                continue;
            };
            if let Some(k) = converted.exact_decimal_places(places) {
                if best.as_ref().is_none_or(|(fewest, _, _)| k < *fewest) {
                    best = Some((k, converted, other));
                }
            }
        }
        best.map(|(_, value, unit)| (value, unit))
    }

    /// Whether the two units are the same size (`ng/mL` and `µg/L`): a
    /// number means the same in either.
    pub(crate) fn same_size(&self, other: &Unit) -> bool {
        self.dimension == other.dimension
            && self.factor_to_base == other.factor_to_base
            && self.offset_to_base == other.offset_to_base
    }

    /// How `self` relates to `reference`, for a suggestion of `self` where
    /// a number in `reference` is expected: `None` when they are the same
    /// size; `1 mg/dL = 10 mg/L` for a factor; two points for an offset
    /// (`0 celsius = 32 fahrenheit, 100 celsius = 212 fahrenheit`); with
    /// the molar mass for a molar conversion.
    pub(crate) fn size_against(
        &self,
        reference: &Unit,
        molar_mass: Option<Rational>,
    ) -> Option<String> {
        self.size_against_in(reference, molar_mass, crate::model::words::for_code(None))
    }

    /// [`Unit::size_against`] with the numbers and the molar mass in the
    /// words of a language (`1 mmol/L = ≈18,02 mg/dL bij een molaire massa
    /// van 180,16 g/mol`).
    pub(crate) fn size_against_in(
        &self,
        reference: &Unit,
        molar_mass: Option<Rational>,
        words: &crate::model::words::Words,
    ) -> Option<String> {
        if self.same_size(reference) {
            return None;
        }
        let one = Rational::ONE;
        let hundred = Rational::from_integer(100);
        if self.offset_to_base != reference.offset_to_base {
            let at = |v: Rational| Unit::convert(v, reference, self, None).ok();
            return Some(format!(
                "0 {r} = {} {s}, 100 {r} = {} {s}",
                words.number(at(Rational::ZERO)?),
                words.number(at(hundred)?),
                r = reference.canonical,
                s = self.canonical,
            ));
        }
        let at_molar_mass = match (self.dimension == reference.dimension, molar_mass) {
            (true, _) => String::new(),
            (false, Some(mass)) => crate::model::words::fill(
                words.record.at_molar_mass,
                &[&words.decimal(&mass.to_string())],
            ),
            (false, None) => return None,
        };
        let forward = Unit::convert(one, self, reference, molar_mass).ok()?;
        let (big, small, value) = if forward >= one {
            (self, reference, forward)
        } else {
            (
                reference,
                self,
                Unit::convert(one, reference, self, molar_mass).ok()?,
            )
        };
        Some(format!(
            "1 {} = {} {}{at_molar_mass}",
            big.word_for(one),
            words.number(value),
            small.canonical
        ))
    }

    /// What to tell an editor who wrote the unknown unit `word` where a
    /// unit that converts to `expected` (with its input's molar mass) is
    /// wanted, or anywhere (`None`, in a declaration).
    ///
    /// Units are never guessed. A word that is a known unit but for its
    /// letter case (`mg/dl` for `mg/dL` is accepted; `MG/DL` is not) or a
    /// near miss (`mmol/LL`) is suggested only when no unit of another size
    /// in the same dimension is as near: `pg` is as near to `mg` as to `ng`,
    /// so neither is suggested, and the units of a mass are listed instead.
    /// Against an expected unit, only units that convert to it are
    /// candidates, and one of another size comes with its size
    /// (`1 mg/dL = 10 mg/L`).
    pub(crate) fn unknown(
        word: &str,
        expected: Option<&Unit>,
        molar_mass: Option<Rational>,
    ) -> UnknownUnit {
        let fits = |row: &UnitRow| {
            expected.is_none_or(|e| {
                row.unit()
                    .is_some_and(|unit| unit.converts_to(e, molar_mass))
            })
        };
        let pool: Vec<&UnitRow> = UNITS.iter().filter(|row| fits(row)).collect();
        let folded = plain_spelling(word).to_lowercase();
        let fold = |s: &str| plain_spelling(s).to_lowercase();
        // The distance of each unit's nearest spelling to `word`.
        let limit = (folded.chars().count() / 3).max(1);
        let mut near: Vec<(usize, &UnitRow)> = pool
            .iter()
            .filter_map(|row| {
                let best = row
                    .spellings()
                    .map(|s| {
                        let s = fold(s);
                        if s == folded {
                            0
                        } else {
                            crate::diagnostics::suggest::distance(&folded, &s)
                        }
                    })
                    .min()?;
                (best <= limit).then_some((best, *row))
            })
            .collect();
        near.sort_by_key(|(distance, _)| *distance);
        let choose =
            |dimension: Dimension| UnknownUnit::Choose(dimension, Unit::words_of(dimension));
        let Some(&(best_distance, best)) = near.first() else {
            return match expected {
                Some(e) => choose(e.dimension),
                None => UnknownUnit::Nothing,
            };
        };
        let Some(unit) = best.unit() else {
            return UnknownUnit::Nothing;
        };
        // Another unit of the same dimension but another size as near (or,
        // for a case-only difference, exactly as near): not one guess.
        let rivals = near.iter().any(|(distance, row)| {
            row.canonical != best.canonical
                && row.dimension == best.dimension
                && (best_distance > 0 || *distance == 0)
                && row.unit().is_some_and(|other| !other.same_size(&unit))
        });
        if rivals {
            return choose(best.dimension);
        }
        let note = expected.and_then(|e| unit.size_against(e, molar_mass));
        UnknownUnit::Suggest(Suggestion { unit, note })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(word: &str) -> Unit {
        Unit::lookup(word).unwrap_or_else(|| panic!("{word} is a unit"))
    }

    fn r(num: i128, den: i128) -> Rational {
        Rational::new(num, den).unwrap()
    }

    fn n(value: i64) -> Rational {
        Rational::from_integer(value)
    }

    fn d(text: &str) -> Rational {
        Rational::parse_decimal(text).unwrap()
    }

    fn convert(value: Rational, from: &str, to: &str) -> Option<Rational> {
        Unit::convert(value, &unit(from), &unit(to), None).ok()
    }

    fn molar(value: Rational, from: &str, to: &str, mass: Rational) -> Option<Rational> {
        Unit::convert(value, &unit(from), &unit(to), Some(mass)).ok()
    }

    #[test]
    fn lookup_accepts_singular_plural_ucum_and_aliases() {
        assert_eq!(unit("week"), unit("weeks"));
        assert_eq!(unit("wk"), unit("weeks"));
        assert_eq!(unit("year").canonical, "years");
        assert_eq!(unit("a").canonical, "years");
        assert_eq!(unit("hour").canonical, "hours");
        assert_eq!(unit("min").canonical, "minutes");
        assert_eq!(unit("kg").dimension, Dimension::Mass);
        assert_eq!(unit("cm").dimension, Dimension::Length);
        assert_eq!(unit("celsius").dimension, Dimension::Temperature);
        assert_eq!(unit("Cel"), unit("celsius"));
        assert_eq!(unit("[degF]"), unit("fahrenheit"));
        assert_eq!(unit("°F"), unit("fahrenheit"));
        assert_eq!(unit("[ft_i]"), unit("feet"));
        assert_eq!(unit("ft"), unit("foot"));
        assert_eq!(unit("month").factor_to_base(), r(1461, 48));
        for micro in ["µg", "μg", "ug", "mcg"] {
            assert_eq!(unit(micro).canonical, "µg", "{micro}");
        }
        for egfr in [
            "mL/min/{1.73_m2}",
            "mL/min/1.73m2",
            "mL/min/1.73m²",
            "ml/min/1.73m2",
        ] {
            assert_eq!(unit(egfr).dimension, Dimension::NormalisedFlow, "{egfr}");
        }
        assert_eq!(unit("mm[Hg]"), unit("mmHg"));
        assert_eq!(unit("mmol/l"), unit("mmol/L"));
        assert_eq!(unit("umol/L").canonical, "µmol/L");
        assert_eq!(unit("/min").ucum(), "/min");
        assert_eq!(unit("µg/L").ucum(), "ug/L");
        assert_eq!(unit("fahrenheit").ucum(), "[degF]");
        assert_eq!(Unit::lookup("Weeks"), None);
        assert_eq!(Unit::lookup("MG"), None);
        assert_eq!(Unit::lookup("wks"), None);
        assert_eq!(Unit::lookup(""), None);
        assert_eq!(Unit::lookup("mg/L{FEU}"), None);
    }

    #[test]
    fn every_spelling_names_one_unit_even_ignoring_case() {
        // A case-only suggestion can then never name a unit of another size.
        let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for row in UNITS {
            assert!(row.unit().is_some(), "{}", row.canonical);
            for spelling in row.spellings() {
                assert_eq!(
                    Unit::lookup(spelling).map(|u| u.canonical),
                    Some(row.canonical)
                );
                let folded = plain_spelling(spelling).to_lowercase();
                if let Some(other) = seen.insert(folded.clone(), row.canonical) {
                    assert_eq!(other, row.canonical, "{folded} names two units");
                }
            }
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
        assert_eq!(convert(n(30), "min", "hours"), Some(r(1, 2)));
        assert_eq!(convert(n(90), "s", "min"), Some(r(3, 2)));
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
    fn factor_conversions_are_exact() {
        assert_eq!(convert(r(5, 2), "kg", "g"), Some(n(2500)));
        assert_eq!(convert(n(250), "g", "kg"), Some(r(1, 4)));
        assert_eq!(convert(n(175), "cm", "m"), Some(r(7, 4)));
        assert_eq!(convert(n(3), "cm", "mm"), Some(n(30)));
        assert_eq!(convert(n(3), "feet", "cm"), Some(d("91.44")));
        assert_eq!(convert(n(1), "foot", "inches"), Some(n(12)));
        assert_eq!(convert(n(1), "mg", "ug"), Some(n(1000)));
        assert_eq!(convert(n(1), "ug", "ng"), Some(n(1000)));
        assert_eq!(convert(n(1), "dL", "mL"), Some(n(100)));
        assert_eq!(convert(d("0.8"), "mg/L", "ug/L"), Some(n(800)));
        assert_eq!(convert(n(500), "ng/mL", "mg/L"), Some(d("0.5")));
        assert_eq!(convert(n(1), "mg/dL", "mg/L"), Some(n(10)));
        assert_eq!(convert(n(1), "mmol/L", "umol/L"), Some(n(1000)));
        assert_eq!(convert(n(15), "g/dL", "g/L"), Some(n(150)));
        assert_eq!(convert(n(1), "kPa", "mmHg"), Some(r(500_000, 66661)));
        assert_eq!(convert(n(60), "/min", "/h"), Some(n(3600)));
        assert_eq!(convert(n(1), "L/min", "mL/min"), Some(n(1000)));
        assert_eq!(convert(n(37), "celsius", "celsius"), Some(n(37)));
    }

    #[test]
    fn offset_conversions_are_exact() {
        assert_eq!(convert(d("100.4"), "[degF]", "Cel"), Some(n(38)));
        assert_eq!(convert(n(38), "Cel", "[degF]"), Some(d("100.4")));
        assert_eq!(convert(n(32), "fahrenheit", "celsius"), Some(n(0)));
        assert_eq!(convert(n(212), "fahrenheit", "celsius"), Some(n(100)));
        assert_eq!(convert(n(-40), "fahrenheit", "celsius"), Some(n(-40)));
        assert_eq!(convert(d("273.15"), "K", "Cel"), Some(n(0)));
        assert_eq!(convert(n(0), "K", "[degF]"), Some(d("-459.67")));
        assert_eq!(convert(d("98.6"), "°F", "°C"), Some(n(37)));
    }

    #[test]
    fn molar_conversions_need_and_use_the_molar_mass() {
        let creatinine = d("113.12");
        // 1 mg/dL of creatinine is 88.4017 µmol/L (10000/113.12).
        assert_eq!(
            molar(n(1), "mg/dL", "umol/L", creatinine),
            Some(r(1_000_000, 11312))
        );
        assert_eq!(
            molar(n(100), "umol/L", "mg/dL", creatinine),
            Some(d("1.1312"))
        );
        let glucose = d("180.16");
        assert_eq!(molar(n(1), "mmol/L", "mg/dL", glucose), Some(d("18.016")));
        assert_eq!(molar(n(500), "mg", "mmol", glucose), Some(r(50_000, 18016)));
        assert_eq!(
            Unit::convert(n(1), &unit("mg/dL"), &unit("umol/L"), None),
            Err(ConversionError::MolarMassNeeded)
        );
        // A molar mass converts nothing else across dimensions.
        assert_eq!(
            Unit::convert(n(1), &unit("mg/dL"), &unit("mmol"), Some(glucose)),
            Err(ConversionError::Dimensions)
        );
        assert!(unit("mg/dL").converts_to(&unit("umol/L"), Some(creatinine)));
        assert!(!unit("mg/dL").converts_to(&unit("umol/L"), None));
    }

    #[test]
    fn a_value_without_a_decimal_is_written_in_a_unit_that_has_one() {
        let creatinine = d("113.12");
        let in_some = |value: Rational, word: &str, mass: Option<Rational>| {
            Unit::exact_decimal_in_some_unit(value, &unit(word), mass, 6)
                .map(|(v, u)| format!("{v} {}", u.canonical))
        };
        // 0.3 mg/dL is 18750/707 µmol/L: no decimal in µmol/L, 3 in mg/L.
        let point = molar(d("0.3"), "mg/dL", "umol/L", creatinine).unwrap();
        assert_eq!(point, r(18750, 707));
        assert_eq!(
            in_some(point, "umol/L", Some(creatinine)).as_deref(),
            Some("3 mg/L")
        );
        // Without the molar mass no unit has it.
        assert_eq!(in_some(point, "umol/L", None), None);
        // A short decimal stays in its unit, even where another unit has
        // fewer decimals for the same size.
        assert_eq!(
            in_some(d("26.5"), "umol/L", Some(creatinine)).as_deref(),
            Some("26.5 µmol/L")
        );
        // 3 months in weeks is 1461/112 weeks.
        let months = convert(n(3), "months", "weeks").unwrap();
        assert_eq!(in_some(months, "weeks", None).as_deref(), Some("3 months"));
    }

    #[test]
    fn round_trips_are_exact() {
        let values = [
            n(0),
            n(1),
            d("0.8"),
            d("37.5"),
            r(1, 3),
            n(-40),
            d("123.456"),
        ];
        let pairs = [
            ("months", "weeks", None),
            ("minutes", "hours", None),
            ("feet", "cm", None),
            ("ug/L", "mg/L", None),
            ("mg/dL", "g/L", None),
            ("mmHg", "kPa", None),
            ("fahrenheit", "celsius", None),
            ("kelvin", "fahrenheit", None),
            ("umol/L", "mg/dL", Some(d("113.12"))),
            ("mmol/L", "mg/dL", Some(d("180.16"))),
            ("mg", "umol", Some(d("58.44"))),
        ];
        for (from, to, mass) in pairs {
            for value in values {
                let there = Unit::convert(value, &unit(from), &unit(to), mass).unwrap();
                let back = Unit::convert(there, &unit(to), &unit(from), mass).unwrap();
                assert_eq!(back, value, "{value} {from} -> {to} -> {from}");
            }
        }
    }

    #[test]
    fn different_dimensions_do_not_convert() {
        for (from, to) in [
            ("kg", "days"),
            ("cm", "g"),
            ("celsius", "mm"),
            ("mg/L", "mg"),
            ("mL/min", "mL/min/1.73m2"),
            ("%", "mg/dL"),
            ("/min", "min"),
        ] {
            assert_eq!(
                Unit::convert(n(1), &unit(from), &unit(to), Some(n(100))),
                Err(ConversionError::Dimensions),
                "{from} -> {to}"
            );
        }
    }

    #[test]
    fn overflow_is_an_error() {
        let huge = r(i128::MAX, 1);
        assert_eq!(
            Unit::convert(huge, &unit("years"), &unit("hours"), None),
            Err(ConversionError::TooLarge)
        );
    }

    #[test]
    fn sizes_against_another_unit() {
        let size = |a: &str, b: &str, m: Option<Rational>| unit(a).size_against(&unit(b), m);
        assert_eq!(
            size("mg/dL", "mg/L", None).as_deref(),
            Some("1 mg/dL = 10 mg/L")
        );
        assert_eq!(
            size("mg/L", "mg/dL", None).as_deref(),
            Some("1 mg/dL = 10 mg/L")
        );
        assert_eq!(size("ng/mL", "ug/L", None), None);
        // In Dutch words: a decimal comma, the molar mass in Dutch.
        let nl = crate::model::words::for_code(Some("nl"));
        assert_eq!(
            unit("mmol/L")
                .size_against_in(&unit("mg/dL"), Some(d("180.16")), nl)
                .as_deref(),
            Some("1 mmol/L = 18,016 mg/dL bij een molaire massa van 180,16 g/mol")
        );
        assert_eq!(size("kg", "mg", None).as_deref(), Some("1 kg = 1000000 mg"));
        assert_eq!(
            size("fahrenheit", "celsius", None).as_deref(),
            Some("0 celsius = 32 fahrenheit, 100 celsius = 212 fahrenheit")
        );
        assert_eq!(
            size("mg/dL", "umol/L", Some(d("113.12"))).as_deref(),
            Some("1 mg/dL = ≈88.4 µmol/L at a molar mass of 113.12 g/mol")
        );
        assert_eq!(
            size("weeks", "days", None).as_deref(),
            Some("1 week = 7 days")
        );
    }

    fn suggested(word: &str, expected: Option<&str>) -> Option<(String, Option<String>)> {
        let expected = expected.map(unit);
        match Unit::unknown(word, expected.as_ref(), None) {
            UnknownUnit::Suggest(s) => Some((s.unit.canonical.to_owned(), s.note)),
            _ => None,
        }
    }

    #[test]
    fn suggestions_never_hide_a_size() {
        // Issue 8: `mg` got "did you mean `kg`?"; now `mg` is a unit, and a
        // word as near to units of several sizes gets none of them.
        assert!(Unit::lookup("mg").is_some());
        assert_eq!(suggested("pg", None), None);
        assert_eq!(
            Unit::unknown("pg", None, None),
            UnknownUnit::Choose(Dimension::Mass, vec!["kg", "g", "mg", "µg", "ng"])
        );
        // `mgdl` is as near to mg/dL as to mg/L.
        assert_eq!(suggested("mgdl", None), None);
        // Plain misspellings still get their unit.
        assert_eq!(suggested("yeers", None), Some(("years".to_owned(), None)));
        assert_eq!(suggested("MG/DL", None), Some(("mg/dL".to_owned(), None)));
        // Against an input's unit: only units that convert, and the size
        // when it differs.
        assert_eq!(
            suggested("MG/DL", Some("mg/L")),
            Some(("mg/dL".to_owned(), Some("1 mg/dL = 10 mg/L".to_owned())))
        );
        assert_eq!(
            suggested("MMOL/L", Some("mmol/L")),
            Some(("mmol/L".to_owned(), None))
        );
        assert_eq!(suggested("mmol/L", Some("years")), None);
        assert!(matches!(
            Unit::unknown("xyzzy", Some(&unit("years")), None),
            UnknownUnit::Choose(Dimension::Time, _)
        ));
        assert_eq!(Unit::unknown("xyzzy", None, None), UnknownUnit::Nothing);
    }

    /// The unit of the one input of `text`, and of the first comparison and
    /// case fact, as parsed.
    fn parsed_units(text: &str) -> Vec<String> {
        use crate::syntax::ast::{Condition, InputType, Item, Literal};
        let (syntax, diagnostics) = crate::syntax::parse(crate::source::FileId(0), text);
        assert!(diagnostics.is_empty(), "{text}: {diagnostics:?}");
        let mut units = Vec::new();
        let unit_of = |literal: &Literal| match literal {
            Literal::Quantity(q) => q.unit.as_ref().map(|u| u.name.clone()),
            _ => None,
        };
        for item in &syntax.items {
            match item {
                Item::Input(input) => {
                    if let InputType::Number { unit: Some(u), .. } = &input.ty {
                        units.push(u.name.clone());
                    }
                }
                Item::Rule(rule) => {
                    let mut condition = rule.when.as_ref().unwrap();
                    while let Condition::And(parts, _) = condition {
                        condition = &parts[0];
                    }
                    if let Condition::Compare { value, .. } = condition {
                        units.extend(unit_of(value));
                    }
                }
                Item::Case(case) => units.extend(unit_of(&case.facts[0].value)),
                _ => {}
            }
        }
        units
    }

    #[test]
    fn every_spelling_is_one_unit_token() {
        for row in UNITS {
            for spelling in row.spellings() {
                let text = format!(
                    "guideline g \"G\"\n\ninput x : number 0..10 {spelling} \"X\"\ninput y : yes/no \"Y\"\nexam e \"E\"\n\nrule r \"R\"\n  when x >= 1 {spelling} and y\n  then order e routine\n\ncase \"C\"\n  given x 2 {spelling}, y yes\n  expect order e\n"
                );
                assert_eq!(parsed_units(&text), [spelling; 3], "{spelling}");
            }
        }
    }

    #[test]
    fn a_unit_stops_where_the_condition_goes_on() {
        // A reserved word, a parenthesis or a comma ends a unit.
        let text = "guideline g \"G\"\n\ninput crp : number 0..500 mg/L molar mass 1 g/mol \"CRP\"\ninput y : yes/no \"Y\"\nexam e \"E\"\n\nrule r \"R\"\n  when (crp >= 10 mg/L) and y\n  then order e routine\n";
        let (syntax, diagnostics) = crate::syntax::parse(crate::source::FileId(0), text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(syntax.items.len(), 5);
        // `molar` after a number type without a unit is not a unit.
        let unitless = "guideline g \"G\"\n\ninput n : number 0..10 molar mass 5 g/mol \"N\"\n";
        let (syntax, diagnostics) = crate::syntax::parse(crate::source::FileId(0), unitless);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let Some(crate::syntax::ast::Item::Input(input)) = syntax.items.get(1) else {
            panic!("an input");
        };
        assert!(matches!(
            &input.ty,
            crate::syntax::ast::InputType::Number {
                unit: None,
                molar_mass: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn words_and_descriptions() {
        assert_eq!(unit("weeks").word_for(n(1)), "week");
        assert_eq!(unit("weeks").word_for(n(2)), "weeks");
        assert_eq!(unit("feet").word_for(n(1)), "foot");
        assert_eq!(unit("kg").word_for(n(1)), "kg");
        assert_eq!(Dimension::Time.describe(), "a duration");
        assert_eq!(Dimension::Mass.describe(), "a mass");
        assert_eq!(Dimension::Length.describe(), "a length");
        assert_eq!(Dimension::Temperature.describe(), "a temperature");
        assert_eq!(
            Dimension::MolarConcentration.describe(),
            "a molar concentration"
        );
    }
}
