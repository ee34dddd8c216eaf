//! A score compared with a number, a count of conditions, and a number
//! compared with a sum of whole-number inputs, made exact and finite for
//! the engines.
//!
//! A score comparison and `at least N of (...)` become a *plan*
//! ([`Plan`]): the terms with their points scaled to whole numbers and the
//! range of sums that satisfies the comparison. The lowering turns a plan
//! into one [`Formula::Sum`](crate::logic::problem::Formula::Sum) node,
//! which every engine decides by dynamic programming over the terms (a
//! state: the points so far and the terms left), so `s >= 10` over 20
//! criteria costs a few hundred states, not the 2^20 paths of a condition
//! tree. Where the table of states would be larger than
//! [`SCORE_TABLE_BUDGET`] (points that reach very many different sums),
//! the checker says so (L121); it never approximates.
//!
//! A comparison with a sum of inputs (`d_dimer >= age * 10 ug/L`) is
//! written out as one case per combination of the inputs' values
//! ([`expand_linear`]), within [`LINEAR_BUDGET`].

use super::number::Rational;
use super::*;

/// The most cells the table of one score comparison may have: one per state
/// (points so far, terms left) for each term left, which is what the
/// engines hold for it. A score of 1 point per criterion compared
/// anywhere stays far below for up to about 200 criteria (40 criteria
/// compared with 20: about 8,000 cells).
pub const SCORE_TABLE_BUDGET: usize = 1_000_000;

/// The most terms a score or count may have.
pub const MAX_SCORE_TERMS: usize = 256;

/// The most a score's total can be away from 0, its points scaled to
/// whole numbers, so that every sum the engines form fits with room to
/// spare.
const POINTS_LIMIT: i128 = 1 << 62;

/// One term as the expansion sees it: points for a condition, or each value
/// a whole-number input can take with what it adds.
enum Step<'a> {
    Points(Rational, &'a Cond),
    Values(InputId, Vec<(Rational, Rational)>),
}

/// One term of a [`Plan`], its points scaled to whole numbers.
#[derive(Clone, Debug)]
pub enum PlanTerm<'a> {
    /// These points when the condition holds.
    Points(i64, &'a Cond),
    /// Each value of a whole-number input with what it adds.
    Values(InputId, Vec<(Rational, i64)>),
}

impl PlanTerm<'_> {
    /// The least and most the term adds.
    fn bounds(&self) -> (i128, i128) {
        match self {
            PlanTerm::Points(points, _) => {
                let points = i128::from(*points);
                (points.min(0), points.max(0))
            }
            PlanTerm::Values(_, values) => {
                let adds = values.iter().map(|(_, add)| i128::from(*add));
                (adds.clone().min().unwrap_or(0), adds.max().unwrap_or(0))
            }
        }
    }

    /// What the term can add (0 included for points).
    fn adds(&self) -> Vec<i128> {
        match self {
            PlanTerm::Points(points, _) => vec![0, i128::from(*points)],
            PlanTerm::Values(_, values) => values.iter().map(|(_, add)| i128::from(*add)).collect(),
        }
    }
}

/// A comparison of a sum of terms, exact in whole numbers: it holds when
/// the sum lies in `min..=max` (or, `outside`, when it does not).
#[derive(Clone, Debug)]
pub struct Plan<'a> {
    pub terms: Vec<PlanTerm<'a>>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// `!=`: the sum is outside the range (one value).
    pub outside: bool,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `value` times `scale` (a multiple of its denominator), a whole number.
fn scaled(value: Rational, scale: i128) -> Option<i128> {
    value.numer().checked_mul(scale.checked_div(value.denom())?)
}

impl<'a> Plan<'a> {
    /// The plan of `Σ steps OP threshold`, or `None` when a number does
    /// not fit or the table would exceed [`SCORE_TABLE_BUDGET`].
    fn new(steps: Vec<Step<'a>>, op: CompareOp, threshold: Rational) -> Option<Plan<'a>> {
        if steps.len() > MAX_SCORE_TERMS {
            return None;
        }
        // The least common multiple of every denominator: the points, the
        // values' additions and the threshold become whole numbers.
        let mut scale: i128 = threshold.denom();
        let mut include = |number: Rational| -> Option<()> {
            let den = number.denom();
            scale = scale.checked_div(gcd(scale, den))?.checked_mul(den)?;
            Some(())
        };
        for step in &steps {
            match step {
                Step::Points(points, _) => include(*points)?,
                Step::Values(_, values) => {
                    for (_, add) in values {
                        include(*add)?;
                    }
                }
            }
        }
        let small = |n: i128| i64::try_from(n).ok();
        let mut terms = Vec::with_capacity(steps.len());
        // The most any total can be away from 0: every total lies within.
        let mut reach: i128 = 0;
        for step in steps {
            let term = match step {
                Step::Points(points, when) => {
                    PlanTerm::Points(small(scaled(points, scale)?)?, when)
                }
                Step::Values(input, values) => PlanTerm::Values(
                    input,
                    values
                        .into_iter()
                        .map(|(value, add)| Some((value, small(scaled(add, scale)?)?)))
                        .collect::<Option<_>>()?,
                ),
            };
            let (low, high) = term.bounds();
            reach = reach.checked_add(low.abs().max(high.abs()))?;
            if reach > POINTS_LIMIT {
                return None;
            }
            terms.push(term);
        }
        // Every total lies within `reach` of 0, so a threshold beyond it
        // can be clamped without changing any answer.
        let limit = POINTS_LIMIT + 1;
        let at = scaled(threshold, scale)?.clamp(-limit, limit);
        let at = small(at)?;
        let (min, max, outside) = match op {
            CompareOp::Ge => (Some(at), None, false),
            CompareOp::Gt => (Some(at.checked_add(1)?), None, false),
            CompareOp::Le => (None, Some(at), false),
            CompareOp::Lt => (None, Some(at.checked_sub(1)?), false),
            CompareOp::Eq => (Some(at), Some(at), false),
            CompareOp::Ne => (Some(at), Some(at), true),
        };
        let plan = Plan {
            terms,
            min,
            max,
            outside,
        };
        (plan.table_cells()? <= SCORE_TABLE_BUDGET).then_some(plan)
    }

    /// The cells of the table the engines hold: for each term, the partial
    /// sums before it that do not settle the comparison yet, times the
    /// terms left. `None` as soon as it exceeds [`SCORE_TABLE_BUDGET`].
    pub fn table_cells(&self) -> Option<usize> {
        let range = crate::logic::problem::Sum {
            terms: Vec::new(),
            min: self.min,
            max: self.max,
        };
        let mut rest = vec![(0i128, 0i128); self.terms.len() + 1];
        for index in (0..self.terms.len()).rev() {
            let (low, high) = self.terms.get(index)?.bounds();
            let (after_low, after_high) = *rest.get(index + 1)?;
            *rest.get_mut(index)? = (after_low.checked_add(low)?, after_high.checked_add(high)?);
        }
        let mut sums = std::collections::BTreeSet::from([0i128]);
        let mut cells = 0usize;
        for (index, term) in self.terms.iter().enumerate() {
            let bounds = *rest.get(index)?;
            sums.retain(|&sum| range.settled(sum, bounds).is_none());
            let left = self.terms.len() - index;
            cells = cells.checked_add(sums.len().checked_mul(left)?)?;
            if cells > SCORE_TABLE_BUDGET {
                return None;
            }
            let adds = term.adds();
            let mut next = std::collections::BTreeSet::new();
            for &sum in &sums {
                for &add in &adds {
                    next.insert(sum.checked_add(add)?);
                }
                if next.len() > SCORE_TABLE_BUDGET {
                    return None;
                }
            }
            sums = next;
        }
        Some(cells)
    }
}

/// The whole values of a whole-number input's range, each with what it
/// adds to the sum (its negative for a term written `- x`). `None` when
/// the input is not a whole number or its range holds more than
/// [`SCORE_TABLE_BUDGET`] values.
pub fn input_values(input: &Input, negative: bool) -> Option<Vec<(Rational, Rational)>> {
    let Type::Number {
        lo,
        hi,
        whole: true,
        ..
    } = &input.ty
    else {
        return None;
    };
    let (lo, hi) = (lo.numer(), hi.numer());
    let count = usize::try_from(hi.checked_sub(lo)?.checked_add(1)?).ok()?;
    if count > SCORE_TABLE_BUDGET {
        return None;
    }
    let zero = Rational::from_integer(0);
    (lo..=hi)
        .map(|n| {
            let value = Rational::new(n, 1)?;
            let add = if negative {
                zero.checked_sub(value)?
            } else {
                value
            };
            Some((value, add))
        })
        .collect()
}

/// The steps of a score's terms.
fn score_steps<'a>(guideline: &Guideline, score: &'a Score) -> Option<Vec<Step<'a>>> {
    let mut steps = Vec::with_capacity(score.terms.len());
    for term in &score.terms {
        steps.push(match term {
            ScoreTerm::Points { points, when, .. } => Step::Points(*points, when),
            ScoreTerm::Input {
                input, negative, ..
            } => Step::Values(
                *input,
                input_values(guideline.inputs.get(*input)?, *negative)?,
            ),
        });
    }
    Some(steps)
}

/// A score comparison as a plan; see the module. `None`: too large (L121).
pub fn plan_score<'a>(
    guideline: &Guideline,
    score: &'a Score,
    op: CompareOp,
    threshold: Rational,
) -> Option<Plan<'a>> {
    Plan::new(score_steps(guideline, score)?, op, threshold)
}

/// `at least N of (...)` as a plan; see the module. `None`: too large.
pub fn plan_count(count: u32, parts: &[Cond]) -> Option<Plan<'_>> {
    let one = Rational::from_integer(1);
    let steps = parts.iter().map(|part| Step::Points(one, part)).collect();
    Plan::new(
        steps,
        CompareOp::Ge,
        Rational::from_integer(i64::from(count)),
    )
}

/// The most combinations of values a linear comparison may enumerate.
pub const LINEAR_BUDGET: usize = 20_000;

/// Every combination of the values of the sum's inputs, with the sum.
pub fn linear_cases(
    guideline: &Guideline,
    sum: &LinearSum,
) -> Option<Vec<(Vec<Rational>, Rational)>> {
    let mut ranges = Vec::with_capacity(sum.terms.len());
    let mut total = 1usize;
    for (input, _) in &sum.terms {
        let values: Vec<Rational> = input_values(guideline.inputs.get(*input)?, false)?
            .into_iter()
            .map(|(value, _)| value)
            .collect();
        total = total.checked_mul(values.len())?;
        if total > LINEAR_BUDGET {
            return None;
        }
        ranges.push(values);
    }
    let mut out = Vec::with_capacity(total);
    for mut index in 0..total {
        let mut values = Vec::with_capacity(ranges.len());
        for range in &ranges {
            let len = range.len().max(1);
            values.push(*range.get(index % len)?);
            index /= len;
        }
        let at = sum.at(&values)?;
        out.push((values, at));
    }
    Some(out)
}

/// `input OP sum` written out: one case per combination of the values of
/// the sum's inputs, each a plain comparison of `input` with a number.
pub fn expand_linear(
    guideline: &Guideline,
    input: InputId,
    op: CompareOp,
    sum: &LinearSum,
    span: Span,
) -> Option<Cond> {
    let cases = linear_cases(guideline, sum)?;
    let branches = cases
        .into_iter()
        .map(|(values, at)| {
            let mut parts: Vec<Cond> = sum
                .terms
                .iter()
                .zip(values)
                .map(|((term, _), value)| Cond::Compare(*term, CompareOp::Eq, value, span))
                .collect();
            parts.push(Cond::Compare(input, op, at, span));
            Cond::And(parts)
        })
        .collect();
    Some(Cond::Or(branches))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(input: InputId) -> Cond {
        Cond::BoolIs(input, true, Span::new(crate::source::FileId(0), 0, 0))
    }

    /// Whether a plan over yes/no criteria (`atom(i)` for criterion `i`)
    /// holds for these answers.
    fn holds(plan: &Plan<'_>, values: &[bool]) -> bool {
        let sum: i128 = plan
            .terms
            .iter()
            .map(|term| match term {
                PlanTerm::Points(points, Cond::BoolIs(i, _, _)) if values[*i] => {
                    i128::from(*points)
                }
                PlanTerm::Points(..) => 0,
                PlanTerm::Values(..) => panic!("no values here"),
            })
            .sum();
        let inside = plan.min.is_none_or(|m| sum >= i128::from(m))
            && plan.max.is_none_or(|m| sum <= i128::from(m));
        inside != plan.outside
    }

    #[test]
    fn a_count_is_planned_exactly() {
        for n in 0..7usize {
            let parts: Vec<Cond> = (0..n).map(atom).collect();
            for k in 0..=n as u32 + 1 {
                let plan = plan_count(k, &parts).unwrap();
                for bits in 0..1u32 << n {
                    let values: Vec<bool> = (0..n).map(|i| bits & (1 << i) != 0).collect();
                    let count = values.iter().filter(|v| **v).count() as u32;
                    assert_eq!(holds(&plan, &values), count >= k, "{n} {k} {bits}");
                }
            }
        }
    }

    #[test]
    fn weighted_and_fractional_points_are_planned_exactly() {
        let weights = [(1, 1), (1, 2), (2, 1), (-2, 1), (3, 4), (5, 3)];
        let parts: Vec<Cond> = (0..weights.len()).map(atom).collect();
        let steps = || -> Vec<Step<'_>> {
            weights
                .iter()
                .zip(&parts)
                .map(|((n, d), c)| Step::Points(Rational::new(*n, *d).unwrap(), c))
                .collect()
        };
        for op in [
            CompareOp::Lt,
            CompareOp::Le,
            CompareOp::Gt,
            CompareOp::Ge,
            CompareOp::Eq,
            CompareOp::Ne,
        ] {
            for twelfths in -40..=120 {
                let t = Rational::new(twelfths, 12).unwrap();
                let plan = Plan::new(steps(), op, t).unwrap();
                for bits in 0..1u32 << weights.len() {
                    let values: Vec<bool> =
                        (0..weights.len()).map(|i| bits & (1 << i) != 0).collect();
                    let mut sum = Rational::from_integer(0);
                    for ((n, d), v) in weights.iter().zip(&values) {
                        if *v {
                            sum = sum.checked_add(Rational::new(*n, *d).unwrap()).unwrap();
                        }
                    }
                    let want = compare(op, sum, t);
                    assert_eq!(holds(&plan, &values), want, "{op:?} {t:?} {bits}");
                }
            }
        }
    }

    #[test]
    fn a_score_with_too_many_sums_is_refused_and_a_long_count_is_not() {
        let parts: Vec<Cond> = (0..40).map(atom).collect();
        // 40 criteria compared in the middle: a few hundred states.
        let plan = plan_count(20, &parts).unwrap();
        assert!(plan.table_cells().unwrap() < 20_000);
        assert!(plan_count(2, &parts).is_some());
        // Points 1, 2, 4, ...: every subset has its own sum.
        let steps: Vec<Step<'_>> = parts
            .iter()
            .enumerate()
            .map(|(i, c)| Step::Points(Rational::new(1 << i, 1).unwrap(), c))
            .collect();
        assert!(Plan::new(steps, CompareOp::Ge, Rational::from_integer(1 << 39)).is_none());
        // More terms than the limit.
        let many: Vec<Cond> = (0..=MAX_SCORE_TERMS).map(atom).collect();
        assert!(plan_count(1, &many).is_none());
    }
}
