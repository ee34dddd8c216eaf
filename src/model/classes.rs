//! Value classes of one number input.
//!
//! A number input with a declared range `lo..hi` is cut at every threshold the
//! guideline compares it with. With cut points `p0 = lo < p1 < ... < pk = hi`
//! the classes, in order, are
//!
//! ```text
//! class:   0     1          2     3               2k
//! values:  {p0}  (p0, p1)   {p1}  (p1, p2)  ...   {pk}
//! ```
//!
//! so class `2i` is the single point `pi` and class `2i + 1` the open interval
//! between `pi` and `pi+1`. Every comparison `x OP t` with `t` one of the cut
//! points is then true for a whole class or for none of it, which is what
//! makes the guideline a finite-domain problem: `age <= 50` and `age >= 50`
//! meet exactly in the class `{50}`.

use super::number::{Rational, nice_between};

/// A comparison operator of the language: `<`, `<=`, `>`, `>=`, `==`, `!=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Comparison {
    /// Whether `value OP threshold` holds.
    pub fn holds(self, value: Rational, threshold: Rational) -> bool {
        match self {
            Comparison::Lt => value < threshold,
            Comparison::Le => value <= threshold,
            Comparison::Gt => value > threshold,
            Comparison::Ge => value >= threshold,
            Comparison::Eq => value == threshold,
            Comparison::Ne => value != threshold,
        }
    }

    /// Whether `x OP threshold` holds for every `x` with `lo < x < hi`
    /// (`lo < hi`).
    fn holds_on_open(self, lo: Rational, hi: Rational, threshold: Rational) -> bool {
        match self {
            Comparison::Lt | Comparison::Le => hi <= threshold,
            Comparison::Gt | Comparison::Ge => lo >= threshold,
            // An open interval holds infinitely many values, never just one.
            Comparison::Eq => false,
            Comparison::Ne => threshold <= lo || threshold >= hi,
        }
    }
}

/// The first `i` in `0..count` for which `holds(i)` is false, where `holds`
/// is true for a prefix of the range and false after it.
fn first_false(count: u32, holds: impl Fn(u32) -> bool) -> u32 {
    let (mut low, mut high) = (0u32, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if holds(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// The values of one class: a single point or an open interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClassShape {
    /// Exactly this value.
    Point(Rational),
    /// Every value strictly between the two ends (first below second).
    Open(Rational, Rational),
}

/// The value classes of one number input; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NumberClasses {
    lo: Rational,
    hi: Rational,
    /// Sorted, without duplicates, within `[lo, hi]`, first `lo`, last `hi`.
    points: Vec<Rational>,
    /// Only whole numbers are values (`whole number`): classes without one
    /// are empty, and witnesses are whole.
    whole: bool,
}

impl NumberClasses {
    /// The classes of the range `[lo, hi]` cut at `thresholds`.
    ///
    /// Thresholds outside `[lo, hi]` are ignored (they split no class) and
    /// duplicates are merged. `lo == hi` gives one class. If `lo > hi` the
    /// ends are swapped; the checker reports such a range as an error before
    /// it builds classes.
    pub fn new(
        lo: Rational,
        hi: Rational,
        thresholds: impl IntoIterator<Item = Rational>,
    ) -> NumberClasses {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let mut points: Vec<Rational> = [lo, hi]
            .into_iter()
            .chain(thresholds.into_iter().filter(|t| lo <= *t && *t <= hi))
            .collect();
        points.sort_unstable();
        points.dedup();
        NumberClasses {
            lo,
            hi,
            points,
            whole: false,
        }
    }

    /// The same classes for an input that takes whole numbers only.
    pub fn whole(self) -> NumberClasses {
        NumberClasses {
            whole: true,
            ..self
        }
    }

    /// Whether the input takes whole numbers only.
    pub fn is_whole(&self) -> bool {
        self.whole
    }

    /// Whether no value of the input lies in `class`: for a whole-number
    /// input, a point that is not whole or an open interval between two
    /// consecutive whole numbers (or inside one unit step); never otherwise.
    pub fn is_empty(&self, class: u32) -> bool {
        self.whole && self.witness(class).is_none() && self.shape(class).is_some()
    }

    /// The lower end of the range.
    pub fn lo(&self) -> Rational {
        self.lo
    }

    /// The upper end of the range.
    pub fn hi(&self) -> Rational {
        self.hi
    }

    /// The cut points, sorted, starting with `lo` and ending with `hi`.
    pub fn points(&self) -> &[Rational] {
        &self.points
    }

    /// How many classes there are: `2k + 1` for `k + 1` points.
    pub fn class_count(&self) -> u32 {
        let count = self.points.len().saturating_mul(2).saturating_sub(1);
        crate::logic::problem::index_u32(count)
    }

    /// The class holding `value`, or `None` outside `[lo, hi]`. O(log n).
    pub fn class_of(&self, value: Rational) -> Option<u32> {
        if value < self.lo || value > self.hi {
            return None;
        }
        let class = match self.points.binary_search(&value) {
            Ok(i) => i.checked_mul(2)?,
            // `value > lo`, so the insertion index is at least 1: the value
            // lies in the open interval after point `i - 1`, class `2i - 1`.
            Err(i) => i.checked_mul(2)?.checked_sub(1)?,
        };
        u32::try_from(class).ok()
    }

    /// The values of `class`, or `None` if there is no such class.
    pub fn shape(&self, class: u32) -> Option<ClassShape> {
        let class = usize::try_from(class).ok()?;
        let left = *self.points.get(class / 2)?;
        if class % 2 == 0 {
            Some(ClassShape::Point(left))
        } else {
            let right = *self.points.get(class / 2 + 1)?;
            Some(ClassShape::Open(left, right))
        }
    }

    /// The classes in which every value satisfies `x OP threshold`, in
    /// ascending order.
    ///
    /// The lowering collects every threshold before it builds classes, so
    /// `threshold` is normally a cut point or outside the range, and then
    /// each class satisfies the comparison entirely or not at all. If the
    /// threshold lies strictly inside an open class anyway, that class
    /// satisfies it only partly and is left out (use
    /// [`NumberClasses::splits_a_class`] to detect this).
    ///
    /// O(log n) to find the classes (plus the size of the answer): whether a
    /// class satisfies `<`/`<=` entirely holds for a prefix of the classes
    /// and `>`/`>=` for a suffix; `==` holds for at most the point class of
    /// the threshold and `!=` for every class but the one that holds it.
    pub fn classes_where(&self, op: Comparison, threshold: Rational) -> Vec<u32> {
        let count = self.class_count();
        let holds = |class: u32| self.class_holds(class, op, threshold);
        match op {
            Comparison::Lt | Comparison::Le => (0..first_false(count, holds)).collect(),
            Comparison::Gt | Comparison::Ge => {
                (first_false(count, |class| !holds(class))..count).collect()
            }
            Comparison::Eq => self
                .class_of(threshold)
                .filter(|class| class % 2 == 0)
                .into_iter()
                .collect(),
            Comparison::Ne => {
                let skip = self.class_of(threshold);
                (0..count).filter(|class| Some(*class) != skip).collect()
            }
        }
    }

    /// Whether every value of `class` satisfies `x OP threshold`.
    fn class_holds(&self, class: u32, op: Comparison, threshold: Rational) -> bool {
        match self.shape(class) {
            Some(ClassShape::Point(p)) => op.holds(p, threshold),
            Some(ClassShape::Open(a, b)) => op.holds_on_open(a, b, threshold),
            None => false,
        }
    }

    /// Whether `threshold` lies strictly inside an open class, so that a
    /// comparison with it is true for only part of that class.
    pub fn splits_a_class(&self, threshold: Rational) -> bool {
        self.class_of(threshold).is_some_and(|class| class % 2 == 1)
    }

    /// A value of `class` to show in a witness: the point itself, or the
    /// roundest value strictly inside the open interval (see
    /// [`nice_between`]). `None` if there is no such class.
    /// For a whole-number input: the point if it is whole, or the smallest
    /// whole number inside the interval; `None` for an empty class.
    pub fn witness(&self, class: u32) -> Option<Rational> {
        match (self.shape(class)?, self.whole) {
            (ClassShape::Point(p), false) => Some(p),
            (ClassShape::Open(a, b), false) => nice_between(a, b),
            (ClassShape::Point(p), true) => p.is_integer().then_some(p),
            (ClassShape::Open(a, b), true) => {
                // The smallest whole number above `a`.
                let next = if a.is_integer() {
                    a.checked_add(Rational::from_integer(1))?
                } else {
                    a.ceil()
                };
                (next < b).then_some(next)
            }
        }
    }

    /// A flowchart label for one class; see [`NumberClasses::describe_span`].
    pub fn describe(&self, class: u32, unit_name: &str) -> Option<String> {
        self.describe_span(class, class, unit_name)
    }

    /// A flowchart label for the consecutive classes `first..=last`, written
    /// as a clinician reads it, with the unit (if any) at the end:
    ///
    /// * one point: `= 45 years`;
    /// * both ends inside the range: `> 45 and < 50 years`,
    ///   `≥ 45 and ≤ 50 years` (an end is inclusive when the span starts or
    ///   ends with a point class);
    /// * a span starting at the bottom of the range drops the lower bound,
    ///   one ending at the top drops the upper: `< 50 years`, `≥ 50 years`;
    /// * the whole range: `any value`.
    ///
    /// Numbers use [`Rational::to_human_string`]: exact short decimals, or
    /// `≈` and two decimals (`> ≈13.04 weeks`). `None` if `first > last` or
    /// either class does not exist.
    pub fn describe_span(&self, first: u32, last: u32, unit_name: &str) -> Option<String> {
        self.describe_span_in(first, last, unit_name, super::words::for_code(None))
    }

    /// [`NumberClasses::describe_span`] in the words of a language: time
    /// units in its words (`≥ 50 jaar`), other units as written.
    pub(crate) fn describe_span_in(
        &self,
        first: u32,
        last: u32,
        unit_name: &str,
        words: &super::words::Words,
    ) -> Option<String> {
        if first > last {
            return None;
        }
        let (low, low_inclusive) = match self.shape(first)? {
            ClassShape::Point(p) => (p, true),
            ClassShape::Open(a, _) => (a, false),
        };
        let (high, high_inclusive) = match self.shape(last)? {
            ClassShape::Point(p) => (p, true),
            ClassShape::Open(_, b) => (b, false),
        };
        // The unit agrees with the number written before it: `< 1 week`.
        let unit_after = |value: Rational| match super::units::Unit::lookup(unit_name) {
            _ if unit_name.is_empty() => String::new(),
            Some(unit) => format!(
                " {}",
                words.unit_word(unit.canonical, value == Rational::ONE)
            ),
            None => format!(" {unit_name}"),
        };
        let starts_at_bottom = first == 0;
        let ends_at_top = last.checked_add(1) == Some(self.class_count());
        let lower = if low_inclusive { "≥" } else { ">" };
        let upper = if high_inclusive { "≤" } else { "<" };
        let (low_unit, high_unit) = (unit_after(low), unit_after(high));
        let low = words.number(low);
        let high = words.number(high);
        let text = if first == last && low_inclusive {
            format!("= {low}{low_unit}")
        } else if starts_at_bottom && ends_at_top {
            words.any_value.to_owned()
        } else if starts_at_bottom {
            format!("{upper} {high}{high_unit}")
        } else if ends_at_top {
            format!("{lower} {low}{low_unit}")
        } else {
            format!("{lower} {low} {} {upper} {high}{high_unit}", words.and)
        };
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(value: i64) -> Rational {
        Rational::from_integer(value)
    }

    fn r(num: i128, den: i128) -> Rational {
        Rational::new(num, den).unwrap()
    }

    /// Age 0..120 cut at 18 and 50.
    fn age() -> NumberClasses {
        NumberClasses::new(n(0), n(120), [n(50), n(18), n(50), n(200), n(-1)])
    }

    #[test]
    fn points_are_sorted_unique_and_in_range() {
        let classes = age();
        assert_eq!(classes.points(), &[n(0), n(18), n(50), n(120)]);
        assert_eq!(classes.class_count(), 7);
        assert_eq!(classes.lo(), n(0));
        assert_eq!(classes.hi(), n(120));
    }

    #[test]
    fn single_point_range_has_one_class() {
        let classes = NumberClasses::new(n(5), n(5), [n(5), n(7)]);
        assert_eq!(classes.class_count(), 1);
        assert_eq!(classes.class_of(n(5)), Some(0));
        assert_eq!(classes.class_of(n(6)), None);
        assert_eq!(classes.witness(0), Some(n(5)));
        assert_eq!(classes.describe(0, "kg").unwrap(), "= 5 kg");
    }

    #[test]
    fn reversed_range_is_swapped() {
        let classes = NumberClasses::new(n(10), n(0), [n(5)]);
        assert_eq!(classes.points(), &[n(0), n(5), n(10)]);
    }

    #[test]
    fn class_of_boundaries_and_interiors() {
        let classes = age();
        assert_eq!(classes.class_of(n(0)), Some(0));
        assert_eq!(classes.class_of(r(1, 2)), Some(1));
        assert_eq!(classes.class_of(n(18)), Some(2));
        assert_eq!(classes.class_of(r(37, 2)), Some(3));
        assert_eq!(classes.class_of(n(49)), Some(3));
        assert_eq!(classes.class_of(n(50)), Some(4));
        assert_eq!(classes.class_of(r(100_001, 2000)), Some(5));
        assert_eq!(classes.class_of(n(120)), Some(6));
        assert_eq!(classes.class_of(n(121)), None);
        assert_eq!(classes.class_of(r(-1, 1000)), None);
    }

    #[test]
    fn touching_bounds_meet_in_the_point_class() {
        let classes = age();
        let le = classes.classes_where(Comparison::Le, n(50));
        let ge = classes.classes_where(Comparison::Ge, n(50));
        assert_eq!(le, vec![0, 1, 2, 3, 4]);
        assert_eq!(ge, vec![4, 5, 6]);
        let both: Vec<u32> = le.iter().copied().filter(|c| ge.contains(c)).collect();
        assert_eq!(both, vec![4]);
        assert_eq!(classes.shape(4), Some(ClassShape::Point(n(50))));
    }

    #[test]
    fn classes_where_agrees_with_testing_every_class() {
        let thresholds = [
            n(-5),
            n(0),
            r(1, 3),
            n(18),
            r(37, 2),
            n(50),
            n(119),
            n(120),
            n(200),
        ];
        let cuts: Vec<Vec<Rational>> = vec![
            vec![],
            vec![n(18), n(50)],
            vec![r(1, 3), n(18), r(37, 2), n(50), n(119)],
        ];
        let ops = [
            Comparison::Lt,
            Comparison::Le,
            Comparison::Gt,
            Comparison::Ge,
            Comparison::Eq,
            Comparison::Ne,
        ];
        for cut in cuts {
            let classes = NumberClasses::new(n(0), n(120), cut);
            for op in ops {
                for t in thresholds {
                    let slow: Vec<u32> = (0..classes.class_count())
                        .filter(|&c| classes.class_holds(c, op, t))
                        .collect();
                    assert_eq!(classes.classes_where(op, t), slow, "{op:?} {t:?}");
                }
            }
        }
    }

    #[test]
    fn classes_where_each_operator() {
        let classes = age();
        assert_eq!(classes.classes_where(Comparison::Lt, n(18)), vec![0, 1]);
        assert_eq!(
            classes.classes_where(Comparison::Gt, n(18)),
            vec![3, 4, 5, 6]
        );
        assert_eq!(classes.classes_where(Comparison::Eq, n(18)), vec![2]);
        assert_eq!(
            classes.classes_where(Comparison::Ne, n(18)),
            vec![0, 1, 3, 4, 5, 6]
        );
        // Thresholds outside the range: all or nothing.
        assert_eq!(classes.classes_where(Comparison::Lt, n(500)).len(), 7);
        assert!(classes.classes_where(Comparison::Gt, n(500)).is_empty());
        assert!(classes.classes_where(Comparison::Eq, n(-3)).is_empty());
    }

    #[test]
    fn threshold_inside_a_class_includes_only_whole_classes() {
        let classes = age();
        assert!(classes.splits_a_class(n(30)));
        assert!(!classes.splits_a_class(n(50)));
        assert!(!classes.splits_a_class(n(500)));
        // Class 3 is (18, 50): only partly below 30, so it is left out.
        assert_eq!(classes.classes_where(Comparison::Lt, n(30)), vec![0, 1, 2]);
        assert_eq!(classes.classes_where(Comparison::Ge, n(30)), vec![4, 5, 6]);
        assert!(classes.classes_where(Comparison::Eq, n(30)).is_empty());
        assert_eq!(
            classes.classes_where(Comparison::Ne, n(30)),
            vec![0, 1, 2, 4, 5, 6]
        );
    }

    #[test]
    fn classes_where_agrees_with_witnesses() {
        let classes = NumberClasses::new(n(0), n(1040), [r(1461, 112), n(12), n(13)]);
        for op in [
            Comparison::Lt,
            Comparison::Le,
            Comparison::Gt,
            Comparison::Ge,
            Comparison::Eq,
            Comparison::Ne,
        ] {
            for &t in classes.points() {
                let chosen = classes.classes_where(op, t);
                for class in 0..classes.class_count() {
                    let w = classes.witness(class).unwrap();
                    assert_eq!(
                        chosen.contains(&class),
                        op.holds(w, t),
                        "{op:?} {t} {class}"
                    );
                }
            }
        }
    }

    #[test]
    fn witnesses_lie_strictly_inside_open_classes() {
        let three_months = r(1461, 112);
        let classes = NumberClasses::new(n(0), n(1040), [n(13), three_months, r(131, 10)]);
        assert_eq!(classes.witness(0), Some(n(0)));
        assert_eq!(classes.witness(1), Some(n(1)));
        assert_eq!(classes.witness(2), Some(n(13)));
        assert_eq!(
            classes.witness(3),
            Some(r(13, 1).checked_add(r(1, 100)).unwrap())
        );
        for class in 0..classes.class_count() {
            let w = classes.witness(class).unwrap();
            assert_eq!(classes.class_of(w), Some(class));
            if let Some(ClassShape::Open(a, b)) = classes.shape(class) {
                assert!(a < w && w < b);
            }
        }
        assert_eq!(classes.witness(classes.class_count()), None);
    }

    #[test]
    fn descriptions_read_naturally() {
        let classes = age();
        assert_eq!(classes.describe(4, "years").unwrap(), "= 50 years");
        assert_eq!(classes.describe(3, "years").unwrap(), "> 18 and < 50 years");
        // The range ends are values too, so an open class next to them keeps
        // both bounds; a span that includes the end drops it.
        assert_eq!(classes.describe(1, "years").unwrap(), "> 0 and < 18 years");
        assert_eq!(
            classes.describe(5, "years").unwrap(),
            "> 50 and < 120 years"
        );
        assert_eq!(classes.describe_span(0, 1, "years").unwrap(), "< 18 years");
        assert_eq!(classes.describe_span(5, 6, "years").unwrap(), "> 50 years");
        assert_eq!(classes.describe(0, "").unwrap(), "= 0");
        assert_eq!(classes.describe_span(0, 4, "years").unwrap(), "≤ 50 years");
        assert_eq!(
            classes.describe_span(2, 4, "years").unwrap(),
            "≥ 18 and ≤ 50 years"
        );
        assert_eq!(classes.describe_span(4, 6, "years").unwrap(), "≥ 50 years");
        assert_eq!(classes.describe_span(0, 6, "years").unwrap(), "any value");
        assert_eq!(classes.describe_span(3, 2, "years"), None);
        assert_eq!(classes.describe(7, "years"), None);
        let weeks = NumberClasses::new(n(0), n(1040), [r(1461, 112)]);
        assert_eq!(
            weeks.describe_span(3, 4, "weeks").unwrap(),
            "> ≈13.04 weeks"
        );
        assert_eq!(weeks.describe(2, "weeks").unwrap(), "= ≈13.04 weeks");
    }

    #[test]
    fn the_unit_is_singular_after_exactly_one() {
        // Issue 7, defect 8: the flowchart said "< 1 weeks".
        let weeks = NumberClasses::new(n(0), n(1040), [n(1), n(3)]);
        assert_eq!(weeks.describe_span(0, 1, "weeks").unwrap(), "< 1 week");
        assert_eq!(weeks.describe(2, "weeks").unwrap(), "= 1 week");
        assert_eq!(weeks.describe_span(2, 6, "weeks").unwrap(), "≥ 1 week");
        assert_eq!(
            weeks.describe_span(3, 3, "weeks").unwrap(),
            "> 1 and < 3 weeks"
        );
        assert_eq!(weeks.describe_span(0, 3, "weeks").unwrap(), "< 3 weeks");
        // Units without a singular, and no unit, are as before.
        let kg = NumberClasses::new(n(0), n(10), [n(1)]);
        assert_eq!(kg.describe_span(0, 1, "kg").unwrap(), "< 1 kg");
        assert_eq!(kg.describe_span(0, 1, "").unwrap(), "< 1");
    }
}
