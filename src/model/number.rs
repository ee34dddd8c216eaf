//! Exact rational numbers for thresholds, ranges and witnesses.
//!
//! The checker compares numbers from different units (3 months against
//! 12 weeks), so every comparison must be exact: floats would make touching
//! bounds such as `age <= 50` and `age >= 50` disagree about the value 50.
//! Literals are limited to 15 digits before and 6 after the decimal point so
//! that every sum, product and cross-multiplication the compiler performs stays
//! far inside `i128`. All arithmetic is still checked and returns `None` on
//! overflow instead of panicking.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Most digits accepted before the decimal point of a literal.
pub const MAX_INTEGER_DIGITS: usize = 15;

/// Most digits accepted after the decimal point of a literal.
pub const MAX_FRACTION_DIGITS: usize = 6;

/// Most decimals that [`Rational`]'s `Display` prints before it falls back to a
/// fraction.
const MAX_DISPLAY_DECIMALS: u32 = 6;

/// Decimals tried by [`nice_between`] before it falls back to the midpoint.
const MAX_NICE_DECIMALS: u32 = 18;

/// An exact rational number: always reduced, with a positive denominator.
///
/// Because the representation is canonical, the derived `PartialEq` and `Hash`
/// agree with the numeric order given by `Ord`. The numerator is never
/// `i128::MIN`, so negation cannot overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rational {
    num: i128,
    den: i128,
}

/// Why a numeric literal was rejected by [`Rational::parse_decimal`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// The text is not of the form `-?[0-9]+(\.[0-9]+)?`.
    NotANumber,
    /// More than [`MAX_INTEGER_DIGITS`] digits before the decimal point.
    TooManyIntegerDigits {
        /// How many digits the literal has before the point.
        found: usize,
    },
    /// More than [`MAX_FRACTION_DIGITS`] digits after the decimal point.
    TooManyFractionDigits {
        /// How many digits the literal has after the point.
        found: usize,
    },
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::NotANumber => write!(
                f,
                "not a number: write digits with an optional `-` and an optional decimal point, such as `45` or `-0.25`"
            ),
            NumberError::TooManyIntegerDigits { found } => write!(
                f,
                "too many digits before the decimal point ({found}); at most {MAX_INTEGER_DIGITS} are allowed"
            ),
            NumberError::TooManyFractionDigits { found } => write!(
                f,
                "too many digits after the decimal point ({found}); at most {MAX_FRACTION_DIGITS} are allowed"
            ),
        }
    }
}

impl std::error::Error for NumberError {}

/// Why a number written in a record cannot be held exactly; see
/// [`Rational::parse_exact`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExactError {
    /// The text is not a JSON number (`-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    NotANumber,
    /// Larger in magnitude than any exact number here can be (about
    /// `1.7 × 10^38`), and so larger than every range.
    TooLarge,
    /// More significant digits than an exact number here can hold.
    TooManyDigits {
        /// How many significant digits the number has.
        found: usize,
    },
    /// More decimals than an exact number here can hold.
    TooManyDecimals {
        /// How many decimals the number has (saturated for absurd exponents).
        found: u64,
    },
}

/// Most significant digits, and most decimals, that [`Rational::parse_exact`]
/// holds: `10^38` still fits in `i128`.
pub const MAX_EXACT_DIGITS: usize = 38;

impl fmt::Display for ExactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExactError::NotANumber => f.write_str("not a number"),
            ExactError::TooLarge => f.write_str("it is too large to be held exactly"),
            ExactError::TooManyDigits { found } => write!(
                f,
                "it has {found} significant digits, and at most {MAX_EXACT_DIGITS} can be held exactly"
            ),
            ExactError::TooManyDecimals { found } => write!(
                f,
                "it has {found} decimals, and at most {MAX_EXACT_DIGITS} can be held exactly"
            ),
        }
    }
}

impl std::error::Error for ExactError {}

/// Greatest common divisor of the absolute values; `gcd(0, 0)` is 0.
fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    // The result divides a value whose magnitude fits in i128 (or is 2^127
    // only when both inputs are i128::MIN, which callers never pass).
    i128::try_from(a).unwrap_or(1)
}

/// `10^exp`, or `None` if it does not fit.
fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

impl Rational {
    /// Zero.
    pub const ZERO: Rational = Rational { num: 0, den: 1 };
    /// One.
    pub const ONE: Rational = Rational { num: 1, den: 1 };

    /// An integer value.
    pub fn from_integer(value: i64) -> Rational {
        Rational {
            num: i128::from(value),
            den: 1,
        }
    }

    /// `num / den`, reduced. `None` if `den` is zero or the value cannot be
    /// represented (a numerator of `i128::MIN` after normalisation).
    pub fn new(num: i128, den: i128) -> Option<Rational> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        let (mut num, mut den) = (num.checked_div(g)?, den.checked_div(g)?);
        if den < 0 {
            num = num.checked_neg()?;
            den = den.checked_neg()?;
        }
        if num == i128::MIN {
            return None;
        }
        Some(Rational { num, den })
    }

    /// Parses a decimal literal `-?[0-9]+(\.[0-9]+)?` exactly.
    ///
    /// At most [`MAX_INTEGER_DIGITS`] digits before and
    /// [`MAX_FRACTION_DIGITS`] after the point are accepted (leading and
    /// trailing zeros count), which keeps all later arithmetic far from
    /// overflow.
    pub fn parse_decimal(text: &str) -> Result<Rational, NumberError> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (unsigned, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(NumberError::NotANumber);
        }
        if int_part.len() > MAX_INTEGER_DIGITS {
            return Err(NumberError::TooManyIntegerDigits {
                found: int_part.len(),
            });
        }
        let frac_part = frac_part.unwrap_or("");
        if frac_part.len() > MAX_FRACTION_DIGITS {
            return Err(NumberError::TooManyFractionDigits {
                found: frac_part.len(),
            });
        }
        // At most 21 decimal digits in total, which always fits in i128.
        let mut num: i128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            num = num
                .checked_mul(10)
                .and_then(|n| n.checked_add(i128::from(b - b'0')))
                .ok_or(NumberError::NotANumber)?;
        }
        if negative {
            num = -num;
        }
        let exp = u32::try_from(frac_part.len()).map_err(|_| NumberError::NotANumber)?;
        let den = pow10(exp).ok_or(NumberError::NotANumber)?;
        Rational::new(num, den).ok_or(NumberError::NotANumber)
    }

    /// Reads a number as JSON writes it (`2.99999999999999999`, `1e-5`,
    /// `2.5E3`), exactly, whatever its digits and notation; it is refused
    /// only when no [`Rational`] can hold it, and the error says why.
    ///
    /// Unlike [`Rational::parse_decimal`] (the literals of the language),
    /// this reads what a record gives, so it keeps every digit rather than
    /// limiting them.
    pub fn parse_exact(text: &str) -> Result<Rational, ExactError> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (
                unsigned.get(..at).unwrap_or(""),
                Some(unsigned.get(at + 1..).unwrap_or("")),
            ),
            None => (unsigned, None),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (mantissa, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || frac_part.is_some_and(|f| !all_digits(f)) {
            return Err(ExactError::NotANumber);
        }
        // The exponent as written, saturated: `1e99999999999999999999` is
        // simply too large.
        let exponent: i128 = match exponent {
            None => 0,
            Some(e) => {
                let (minus, digits) = match e.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, e.strip_prefix('+').unwrap_or(e)),
                };
                if !all_digits(digits) {
                    return Err(ExactError::NotANumber);
                }
                let magnitude = digits.bytes().fold(0i128, |n, b| {
                    n.saturating_mul(10).saturating_add(i128::from(b - b'0'))
                });
                if minus { -magnitude } else { magnitude }
            }
        };
        let frac_part = frac_part.unwrap_or("");
        // value = digits × 10^scale, with the zeros that do not change the
        // value taken away.
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        let significant = digits.trim_end_matches('0');
        let dropped = digits.len() - significant.len();
        let frac_len = i128::try_from(frac_part.len()).unwrap_or(i128::MAX);
        let dropped = i128::try_from(dropped).unwrap_or(i128::MAX);
        let scale = exponent.saturating_sub(frac_len).saturating_add(dropped);
        if significant.is_empty() {
            return Ok(Rational::ZERO);
        }
        let count = i128::try_from(significant.len()).unwrap_or(i128::MAX);
        // 10^39 and above cannot fit, whatever the digits.
        if count.saturating_add(scale) > 39 {
            return Err(ExactError::TooLarge);
        }
        let Some(mut num) = significant.bytes().try_fold(0i128, |n, b| {
            n.checked_mul(10)?.checked_add(i128::from(b - b'0'))
        }) else {
            return Err(if scale >= 0 {
                ExactError::TooLarge
            } else {
                ExactError::TooManyDigits {
                    found: significant.len(),
                }
            });
        };
        let mut den = 1i128;
        if scale >= 0 {
            let factor = u32::try_from(scale).ok().and_then(pow10);
            num = factor
                .and_then(|f| num.checked_mul(f))
                .ok_or(ExactError::TooLarge)?;
        } else {
            let decimals = scale.unsigned_abs();
            den = u32::try_from(decimals).ok().and_then(pow10).ok_or(
                ExactError::TooManyDecimals {
                    found: u64::try_from(decimals).unwrap_or(u64::MAX),
                },
            )?;
        }
        if negative {
            num = -num;
        }
        Rational::new(num, den).ok_or(ExactError::TooLarge)
    }

    /// The reduced numerator (carries the sign).
    pub fn numer(self) -> i128 {
        self.num
    }

    /// The reduced denominator (always positive).
    pub fn denom(self) -> i128 {
        self.den
    }

    /// `self + other`, or `None` on overflow.
    pub(crate) fn checked_add(self, other: Rational) -> Option<Rational> {
        // Scaling by the lcm of the denominators keeps intermediates small.
        let g = gcd(self.den, other.den);
        let left = self.num.checked_mul(other.den.checked_div(g)?)?;
        let right = other.num.checked_mul(self.den.checked_div(g)?)?;
        let den = self.den.checked_mul(other.den.checked_div(g)?)?;
        Rational::new(left.checked_add(right)?, den)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Rational) -> Option<Rational> {
        self.checked_add(other.checked_neg()?)
    }

    /// `self * other`, or `None` on overflow.
    pub fn checked_mul(self, other: Rational) -> Option<Rational> {
        // Cross-reducing first keeps intermediates small.
        let g1 = gcd(self.num, other.den).max(1);
        let g2 = gcd(other.num, self.den).max(1);
        let num = (self.num.checked_div(g1)?).checked_mul(other.num.checked_div(g2)?)?;
        let den = (self.den.checked_div(g2)?).checked_mul(other.den.checked_div(g1)?)?;
        Rational::new(num, den)
    }

    /// `self / other`, or `None` when dividing by zero or on overflow.
    pub(crate) fn checked_div(self, other: Rational) -> Option<Rational> {
        self.checked_mul(other.checked_recip()?)
    }

    /// `-self`; never fails for values built by this module, but stays checked.
    pub(crate) fn checked_neg(self) -> Option<Rational> {
        Some(Rational {
            num: self.num.checked_neg()?,
            den: self.den,
        })
    }

    /// `1 / self`, or `None` for zero.
    pub(crate) fn checked_recip(self) -> Option<Rational> {
        Rational::new(self.den, self.num)
    }

    /// The nearest `f64`; for display and statistics only, never for
    /// comparisons.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Whether the value is a whole number.
    pub fn is_integer(self) -> bool {
        self.den == 1
    }

    /// The largest integer not above the value.
    pub(crate) fn floor(self) -> Rational {
        Rational {
            num: self.num.div_euclid(self.den),
            den: 1,
        }
    }

    /// The smallest integer not below the value.
    pub fn ceil(self) -> Rational {
        let q = self.num.div_euclid(self.den);
        let r = self.num.rem_euclid(self.den);
        // A non-zero remainder means den > 1, so q is far from i128::MAX.
        let num = if r == 0 { q } else { q.saturating_add(1) };
        Rational { num, den: 1 }
    }

    /// The number of decimals of the exact decimal expansion, if it is finite
    /// and has at most `max` decimals (`Some(0)` for integers).
    pub(crate) fn exact_decimal_places(self, max: u32) -> Option<u32> {
        (0..=max).find(|&k| pow10(k).is_some_and(|p| p % self.den == 0))
    }

    /// Exact decimal text with `places` decimals, if `10^places` is a
    /// multiple of the denominator and nothing overflows.
    fn exact_decimal_string(self, places: u32) -> Option<String> {
        let scale = pow10(places)?;
        let scaled = self.num.checked_mul(scale.checked_div(self.den)?)?;
        Some(format_scaled(scaled, places))
    }

    /// The value rounded to `digits` decimals (half away from zero), with
    /// trailing zeros removed: `1461/336` gives `4.35` for two digits.
    ///
    /// For human output only; it does not say whether rounding happened (see
    /// [`Rational::to_human_string`]).
    pub(crate) fn to_decimal_string_rounded(self, digits: u32) -> String {
        let rounded = pow10(digits).and_then(|scale| {
            let magnitude = self.num.unsigned_abs().checked_mul(scale.unsigned_abs())?;
            let den = self.den.unsigned_abs();
            let mut q = magnitude / den;
            let r = magnitude % den;
            if r >= den - r {
                q = q.checked_add(1)?;
            }
            let q = i128::try_from(q).ok()?;
            Some(if self.num < 0 { -q } else { q })
        });
        match rounded {
            Some(scaled) => trim_decimal(format_scaled(scaled, digits)),
            // Only astronomically large values get here; f64 is close enough.
            None => format!("{:.*}", usize::try_from(digits).unwrap_or(6), self.to_f64()),
        }
    }

    /// Text for clinicians: the exact decimal when it has at most six
    /// decimals (`12.5`), otherwise `≈` and the value rounded to two decimals
    /// (`≈4.35`).
    pub fn to_human_string(self) -> String {
        match self
            .exact_decimal_places(MAX_DISPLAY_DECIMALS)
            .and_then(|k| self.exact_decimal_string(k))
        {
            Some(text) => text,
            None => format!("≈{}", self.to_decimal_string_rounded(2)),
        }
    }

    /// Compares `a / b` with `c / d` (`b, d > 0`) exactly, without overflow,
    /// by comparing continued-fraction expansions.
    fn cmp_fractions(mut a: i128, mut b: i128, mut c: i128, mut d: i128) -> Ordering {
        loop {
            let (q1, r1) = (a.div_euclid(b), a.rem_euclid(b));
            let (q2, r2) = (c.div_euclid(d), c.rem_euclid(d));
            if q1 != q2 {
                return q1.cmp(&q2);
            }
            match (r1 == 0, r2 == 0) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                // r1/b < r2/d exactly when d/r2 < b/r1; both remainders are
                // positive and smaller than their denominators, so this
                // terminates like Euclid's algorithm.
                (false, false) => (a, b, c, d) = (d, r2, b, r1),
            }
        }
    }
}

/// Writes `scaled / 10^places` as a decimal with exactly `places` decimals.
fn format_scaled(scaled: i128, places: u32) -> String {
    let sign = if scaled < 0 { "-" } else { "" };
    let digits = scaled.unsigned_abs().to_string();
    let places = usize::try_from(places).unwrap_or(0);
    if places == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (int_part, frac_part) = padded.split_at(padded.len() - places);
    format!("{sign}{int_part}.{frac_part}")
}

/// Removes trailing zeros after a decimal point, and the point if nothing
/// remains; `-0` becomes `0`.
fn trim_decimal(text: String) -> String {
    let trimmed = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if trimmed == "-0" {
        "0".to_owned()
    } else {
        trimmed
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Rational) -> Ordering {
        Rational::cmp_fractions(self.num, self.den, other.num, other.den)
    }
}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Rational) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<i64> for Rational {
    fn from(value: i64) -> Rational {
        Rational::from_integer(value)
    }
}

impl FromStr for Rational {
    type Err = NumberError;

    fn from_str(text: &str) -> Result<Rational, NumberError> {
        Rational::parse_decimal(text)
    }
}

/// Exact text: a decimal when the expansion is finite with at most six
/// decimals (`45`, `12.5`, `-0.25`), otherwise the reduced fraction
/// (`1461/112`).
impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self
            .exact_decimal_places(MAX_DISPLAY_DECIMALS)
            .and_then(|k| self.exact_decimal_string(k))
        {
            Some(text) => f.write_str(&text),
            None => write!(f, "{}/{}", self.num, self.den),
        }
    }
}

/// Serialises as a JSON number when that number is exact, otherwise as a
/// string holding the `Display` text.
///
/// Integers that fit in `i64` become integers (`45`). Short decimals (at most
/// six decimals and at most 15 significant digits, which `f64` round-trips)
/// become floating-point numbers (`12.5`). Everything else becomes a string:
/// a long decimal (`"123456789012345.5"`) or a fraction (`"1461/112"`), so a
/// reader never gets a silently rounded value.
impl serde::Serialize for Rational {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.den == 1 {
            if let Ok(value) = i64::try_from(self.num) {
                return serializer.serialize_i64(value);
            }
        }
        let text = self.to_string();
        let significant = text
            .bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|&b| b == b'0')
            .count();
        if !text.contains('/') && significant <= 15 {
            if let Ok(value) = text.parse::<f64>() {
                return serializer.serialize_f64(value);
            }
        }
        serializer.serialize_str(&text)
    }
}

/// The exact midpoint `(a + b) / 2`, or `None` on overflow.
pub(crate) fn midpoint(a: Rational, b: Rational) -> Option<Rational> {
    let half = Rational { num: 1, den: 2 };
    a.checked_mul(half)?.checked_add(b.checked_mul(half)?)
}

/// A value strictly between `lo` and `hi` that is as round as possible, used
/// as the witness of an open value class.
///
/// The integer `floor(lo) + 1` if it is below `hi`; otherwise the smallest
/// decimal above `lo` with the fewest decimals that is still below `hi`;
/// otherwise the midpoint. `None` when `lo >= hi` (no value lies strictly
/// between) or on overflow.
pub fn nice_between(lo: Rational, hi: Rational) -> Option<Rational> {
    if lo >= hi {
        return None;
    }
    for places in 0..=MAX_NICE_DECIMALS {
        let Some(scale) = pow10(places) else {
            break;
        };
        let scale = Rational { num: scale, den: 1 };
        // The smallest multiple of 10^-places strictly above lo.
        let candidate = lo
            .checked_mul(scale)
            .map(Rational::floor)
            .and_then(|n| n.checked_add(Rational::ONE))
            .and_then(|n| n.checked_div(scale));
        match candidate {
            Some(candidate) if candidate < hi => return Some(candidate),
            Some(_) => {}
            None => break,
        }
    }
    midpoint(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(num: i128, den: i128) -> Rational {
        Rational::new(num, den).unwrap()
    }

    fn d(text: &str) -> Rational {
        Rational::parse_decimal(text).unwrap()
    }

    #[test]
    fn new_reduces_and_normalises_sign() {
        let x = r(6, -4);
        assert_eq!((x.numer(), x.denom()), (-3, 2));
        assert_eq!(r(0, -5), Rational::ZERO);
        assert_eq!(Rational::new(1, 0), None);
        assert_eq!(Rational::new(i128::MIN, 1), None);
        assert_eq!(Rational::new(1, i128::MIN), None);
        assert_eq!(r(i128::MIN, 2).numer(), i128::MIN / 2);
    }

    #[test]
    fn parses_decimals_exactly() {
        assert_eq!(d("45"), Rational::from_integer(45));
        assert_eq!(d("12.5"), r(25, 2));
        assert_eq!(d("-0.25"), r(-1, 4));
        assert_eq!(d("0.1"), r(1, 10));
        assert_eq!(d("-0"), Rational::ZERO);
        assert_eq!(d("007.500"), r(15, 2));
        assert_eq!(
            d("999999999999999.999999"),
            r(999_999_999_999_999_999_999, 1_000_000)
        );
        assert_eq!("3.5".parse::<Rational>(), Ok(r(7, 2)));
    }

    #[test]
    fn rejects_malformed_and_long_literals() {
        for bad in [
            "", "-", ".5", "5.", "1.2.3", "+1", "1e3", "abc", " 1", "1 ", "--1", "1,5", "٣",
        ] {
            assert_eq!(
                Rational::parse_decimal(bad),
                Err(NumberError::NotANumber),
                "{bad:?}"
            );
        }
        assert_eq!(
            Rational::parse_decimal("1234567890123456"),
            Err(NumberError::TooManyIntegerDigits { found: 16 })
        );
        assert_eq!(
            Rational::parse_decimal("-1.1234567"),
            Err(NumberError::TooManyFractionDigits { found: 7 })
        );
        assert!(
            NumberError::TooManyIntegerDigits { found: 16 }
                .to_string()
                .contains("at most 15")
        );
    }

    #[test]
    fn parse_exact_keeps_every_digit_and_reads_exponents() {
        let x = |text: &str| Rational::parse_exact(text).unwrap();
        assert_eq!(
            x("2.99999999999999999"),
            r(299_999_999_999_999_999, 100_000_000_000_000_000)
        );
        assert!(x("2.99999999999999999") < Rational::from_integer(3));
        assert_eq!(x("2.9999999"), r(29_999_999, 10_000_000));
        assert_eq!(x("0.000001"), r(1, 1_000_000));
        assert_eq!(x("1e-5"), r(1, 100_000));
        assert_eq!(x("1e-05"), r(1, 100_000));
        assert_eq!(x("2.5E3"), Rational::from_integer(2500));
        assert_eq!(x("2.5e+3"), Rational::from_integer(2500));
        assert_eq!(x("-12.50"), r(-25, 2));
        assert_eq!(x("0"), Rational::ZERO);
        assert_eq!(x("-0.0e-99999999999999999999999"), Rational::ZERO);
        assert_eq!(x("45"), Rational::from_integer(45));
        // Zeros that do not change the value do not count against the limits.
        assert_eq!(x(&format!("1.{}", "0".repeat(100))), Rational::ONE);
        assert_eq!(x(&format!("{}1", "0".repeat(100))), Rational::ONE);
        assert_eq!(x("1000e-3"), Rational::ONE);
        assert_eq!(x("1e38"), r(10i128.pow(38), 1));
        assert_eq!(x("1e-38"), r(1, 10i128.pow(38)));
    }

    #[test]
    fn parse_exact_refuses_what_it_cannot_hold_and_says_why() {
        let e = |text: &str| Rational::parse_exact(text).unwrap_err();
        assert_eq!(e("1e400"), ExactError::TooLarge);
        assert_eq!(e("-1e400"), ExactError::TooLarge);
        assert_eq!(
            e("1e99999999999999999999999999999999999999999"),
            ExactError::TooLarge
        );
        assert_eq!(e("1e39"), ExactError::TooLarge);
        assert_eq!(e(&"9".repeat(45)), ExactError::TooLarge);
        assert_eq!(e("1e-39"), ExactError::TooManyDecimals { found: 39 });
        assert_eq!(
            e(&format!("1.{}1", "2".repeat(40))),
            ExactError::TooManyDigits { found: 42 }
        );
        for bad in [
            "", "-", ".5", "5.", "1.2.3", "+1", "1e", "1e+", "e5", "abc", " 1", "0x10",
        ] {
            assert_eq!(
                Rational::parse_exact(bad),
                Err(ExactError::NotANumber),
                "{bad:?}"
            );
        }
        assert!(e("1e-39").to_string().contains("39 decimals"));
    }

    #[test]
    fn arithmetic_is_exact() {
        let tenth = d("0.1");
        let sum = tenth.checked_add(d("0.2")).unwrap();
        assert_eq!(sum, d("0.3"));
        assert_eq!(r(1, 3).checked_sub(r(1, 2)).unwrap(), r(-1, 6));
        assert_eq!(r(2, 3).checked_mul(r(9, 4)).unwrap(), r(3, 2));
        assert_eq!(r(2, 3).checked_div(r(4, 9)).unwrap(), r(3, 2));
        assert_eq!(r(2, 3).checked_div(Rational::ZERO), None);
        assert_eq!(r(-2, 3).checked_neg().unwrap(), r(2, 3));
    }

    #[test]
    fn arithmetic_overflow_is_none() {
        let big = r(i128::MAX, 1);
        assert_eq!(big.checked_add(Rational::ONE), None);
        assert_eq!(big.checked_mul(Rational::from_integer(2)), None);
        assert_eq!(r(1, i128::MAX).checked_mul(r(1, 2)), None);
        assert_eq!(big.checked_neg().unwrap().checked_sub(Rational::ONE), None);
    }

    #[test]
    fn ordering_is_exact() {
        assert!(r(1, 3) < r(334, 1000));
        assert!(r(1, 3) > r(333, 1000));
        assert!(r(-1, 2) < r(-1, 3));
        assert!(r(-1, 3) < Rational::ZERO);
        assert_eq!(r(50, 1).cmp(&d("50.000")), Ordering::Equal);
        // Cross-multiplication would overflow here; the comparison must not.
        let a = r(i128::MAX, i128::MAX - 1);
        let b = r(i128::MAX - 1, i128::MAX - 2);
        assert!(a < b);
        assert!(b > a);
        assert!(r(-i128::MAX, 3) < r(i128::MAX, 7));
        let mut values = vec![r(3, 2), r(-7, 4), Rational::ZERO, r(4, 3), r(-7, 4)];
        values.sort();
        assert_eq!(
            values,
            vec![r(-7, 4), r(-7, 4), Rational::ZERO, r(4, 3), r(3, 2)]
        );
    }

    #[test]
    fn floor_ceil_and_integers() {
        assert_eq!(r(7, 2).floor(), Rational::from_integer(3));
        assert_eq!(r(7, 2).ceil(), Rational::from_integer(4));
        assert_eq!(r(-7, 2).floor(), Rational::from_integer(-4));
        assert_eq!(r(-7, 2).ceil(), Rational::from_integer(-3));
        assert_eq!(Rational::from_integer(5).floor(), Rational::from_integer(5));
        assert_eq!(
            Rational::from_integer(-5).ceil(),
            Rational::from_integer(-5)
        );
        assert!(Rational::from_integer(5).is_integer());
        assert!(!r(5, 2).is_integer());
        assert!((r(1, 4).to_f64() - 0.25).abs() < f64::EPSILON);
    }

    #[test]
    fn display_is_exact_decimal_or_fraction() {
        assert_eq!(Rational::from_integer(45).to_string(), "45");
        assert_eq!(d("12.5").to_string(), "12.5");
        assert_eq!(d("-0.25").to_string(), "-0.25");
        assert_eq!(d("0.000001").to_string(), "0.000001");
        assert_eq!(d("-3.000100").to_string(), "-3.0001");
        assert_eq!(r(1, 3).to_string(), "1/3");
        assert_eq!(r(1461, 112).to_string(), "1461/112");
        assert_eq!(r(1, 2_000_000).to_string(), "1/2000000");
        assert_eq!(r(-1461, 48).to_string(), "-30.4375");
    }

    #[test]
    fn rounded_and_human_strings() {
        assert_eq!(r(1461, 336).to_decimal_string_rounded(2), "4.35");
        assert_eq!(r(1, 3).to_decimal_string_rounded(3), "0.333");
        assert_eq!(r(2, 3).to_decimal_string_rounded(0), "1");
        assert_eq!(r(-5, 2).to_decimal_string_rounded(0), "-3");
        assert_eq!(r(-1, 1000).to_decimal_string_rounded(2), "0");
        assert_eq!(d("12.5").to_decimal_string_rounded(3), "12.5");
        assert_eq!(d("12.5").to_human_string(), "12.5");
        assert_eq!(r(1461, 112).to_human_string(), "≈13.04");
    }

    #[test]
    fn serializes_exact_json() {
        let json = |x: Rational| serde_json::to_string(&x).unwrap();
        assert_eq!(json(Rational::from_integer(45)), "45");
        assert_eq!(json(d("12.5")), "12.5");
        assert_eq!(json(d("-0.25")), "-0.25");
        assert_eq!(json(d("0.1")), "0.1");
        assert_eq!(json(r(1461, 112)), "\"1461/112\"");
        assert_eq!(json(d("123456789012345.5")), "\"123456789012345.5\"");
        assert_eq!(json(r(i128::MAX, 1)), format!("\"{}\"", i128::MAX));
    }

    #[test]
    fn midpoint_is_exact() {
        assert_eq!(midpoint(r(1, 3), r(1, 2)), Some(r(5, 12)));
        assert_eq!(midpoint(r(-3, 1), r(3, 1)), Some(Rational::ZERO));
    }

    #[test]
    fn nice_between_prefers_round_values() {
        let nice = |lo: Rational, hi: Rational| nice_between(lo, hi).unwrap();
        assert_eq!(nice(d("45"), d("50")), d("46"));
        assert_eq!(nice(d("0"), d("120")), d("1"));
        assert_eq!(nice(d("45.5"), d("50")), d("46"));
        assert_eq!(nice(d("45"), d("46")), d("45.1"));
        assert_eq!(nice(d("12.34"), d("12.35")), d("12.341"));
        assert_eq!(nice(d("-1"), d("0")), d("-0.9"));
        assert_eq!(nice(d("-2.5"), d("3")), d("-2"));
        // Three months in weeks lies between 13 and 13.1.
        let three_months = r(1461, 112);
        let x = nice(three_months, d("13.1"));
        assert_eq!(x, d("13.05"));
        assert!(three_months < x && x < d("13.1"));
        // Values beyond the decimal search still get a strict witness.
        let lo = r(1, 3);
        let hi = r(1, 3).checked_add(r(1, 10i128.pow(30))).unwrap();
        let x = nice(lo, hi);
        assert!(lo < x && x < hi);
        assert_eq!(nice_between(d("5"), d("5")), None);
        assert_eq!(nice_between(d("6"), d("5")), None);
    }
}
