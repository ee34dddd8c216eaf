//! A score compared with a number, a count of conditions, and a number
//! compared with a sum of whole-number inputs, written out as a plain
//! condition over the criteria, exactly: the form in which every analysis
//! and engine reads them.
//!
//! The expansion walks the terms, largest first, keeping the points so far;
//! a branch ends as soon as the comparison is settled whatever the remaining
//! terms give (the bounds of what they can still add), so `wells >= 2`
//! over ten criteria needs a few hundred tests, not 2^10. Where a
//! comparison would still need more than [`SCORE_NODE_BUDGET`] nodes, the
//! expansion gives up and the checker says so (L121); it never
//! approximates.

use super::number::Rational;
use super::*;

/// The most condition nodes one score comparison may expand to.
pub const SCORE_NODE_BUDGET: usize = 200_000;

/// The most terms a score or count may have (the expansion recurses once
/// per term).
pub const MAX_SCORE_TERMS: usize = 256;

/// One term as the expansion sees it: points for a condition, or each value
/// a whole-number input can take with what it adds.
enum Step<'a> {
    Points(Rational, &'a Cond),
    Values(InputId, Vec<(Rational, Rational)>, Span),
}

impl Step<'_> {
    /// The least and most the term adds.
    fn bounds(&self) -> (Rational, Rational) {
        let zero = Rational::from_integer(0);
        match self {
            Step::Points(points, _) => ((*points).min(zero), (*points).max(zero)),
            Step::Values(_, values, _) => {
                let adds = values.iter().map(|(_, add)| *add);
                (
                    adds.clone().min().unwrap_or(zero),
                    adds.max().unwrap_or(zero),
                )
            }
        }
    }
}

struct Expansion<'a> {
    steps: Vec<Step<'a>>,
    /// `rest[i]`: the least and most that steps `i..` add together.
    rest: Vec<(Rational, Rational)>,
    op: CompareOp,
    threshold: Rational,
    nodes: usize,
}

impl Expansion<'_> {
    fn spend(&mut self, nodes: usize) -> Option<()> {
        self.nodes = self.nodes.checked_add(nodes)?;
        (self.nodes <= SCORE_NODE_BUDGET).then_some(())
    }

    fn from(&mut self, step: usize, sum: Rational) -> Option<Cond> {
        let (low, high) = *self.rest.get(step)?;
        if let Some(answer) = decide(
            self.op,
            sum.checked_add(low)?,
            sum.checked_add(high)?,
            self.threshold,
        ) {
            self.spend(1)?;
            return Some(if answer {
                Cond::True
            } else {
                Cond::Not(Box::new(Cond::True))
            });
        }
        match self.steps.get(step)? {
            Step::Points(points, when) => {
                let (points, when) = (*points, *when);
                self.spend(2 * cond_size(when) + 4)?;
                let with = self.from(step + 1, sum.checked_add(points)?)?;
                let without = self.from(step + 1, sum)?;
                Some(Cond::Or(vec![
                    Cond::And(vec![when.clone(), with]),
                    Cond::And(vec![Cond::Not(Box::new(when.clone())), without]),
                ]))
            }
            Step::Values(input, values, span) => {
                let (input, span) = (*input, *span);
                let values = values.clone();
                let mut branches = Vec::with_capacity(values.len());
                for (value, add) in values {
                    self.spend(3)?;
                    let rest = self.from(step + 1, sum.checked_add(add)?)?;
                    branches.push(Cond::And(vec![
                        Cond::Compare(input, CompareOp::Eq, value, span),
                        rest,
                    ]));
                }
                Some(Cond::Or(branches))
            }
        }
    }
}

/// The nodes of a condition, not looking into definitions.
fn cond_size(cond: &Cond) -> usize {
    match cond {
        Cond::Not(inner) => 1 + cond_size(inner),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            1 + parts.iter().map(cond_size).sum::<usize>()
        }
        _ => 1,
    }
}

/// The whole values of a whole-number input's range, each with what it
/// adds to the sum (its negative for a term written `- x`). `None` when
/// the input is not a whole number or its range holds more than
/// [`SCORE_NODE_BUDGET`] values.
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
    if count > SCORE_NODE_BUDGET {
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

/// `sum OP threshold` as a condition over the terms, or `None` when it
/// would exceed the budget (or a term cannot be added up).
fn expand(steps: Vec<Step<'_>>, op: CompareOp, threshold: Rational) -> Option<Cond> {
    if steps.len() > MAX_SCORE_TERMS {
        return None;
    }
    let mut steps = steps;
    // Largest swing first: the comparison is settled sooner.
    steps.sort_by_key(|step| {
        let (low, high) = step.bounds();
        std::cmp::Reverse(high.checked_sub(low).unwrap_or(high))
    });
    let zero = Rational::from_integer(0);
    let mut rest = vec![(zero, zero); steps.len() + 1];
    for index in (0..steps.len()).rev() {
        let (low, high) = steps.get(index)?.bounds();
        let (after_low, after_high) = *rest.get(index + 1)?;
        *rest.get_mut(index)? = (after_low.checked_add(low)?, after_high.checked_add(high)?);
    }
    let mut expansion = Expansion {
        steps,
        rest,
        op,
        threshold,
        nodes: 0,
    };
    expansion.from(0, zero)
}

/// A score comparison written out as a condition; see the module.
pub fn expand_score(
    guideline: &Guideline,
    score: &Score,
    op: CompareOp,
    threshold: Rational,
) -> Option<Cond> {
    let mut steps = Vec::with_capacity(score.terms.len());
    for term in &score.terms {
        steps.push(match term {
            ScoreTerm::Points { points, when, .. } => Step::Points(*points, when),
            ScoreTerm::Input {
                input,
                negative,
                span,
            } => Step::Values(
                *input,
                input_values(guideline.inputs.get(*input)?, *negative)?,
                *span,
            ),
        });
    }
    expand(steps, op, threshold)
}

/// `at least N of (...)` written out as a condition; see the module.
pub fn expand_count(count: u32, parts: &[Cond]) -> Option<Cond> {
    let one = Rational::from_integer(1);
    let steps = parts.iter().map(|part| Step::Points(one, part)).collect();
    expand(
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

    /// Evaluates an expanded condition on yes/no inputs.
    fn holds(cond: &Cond, values: &[bool]) -> bool {
        match cond {
            Cond::True => true,
            Cond::BoolIs(i, expected, _) => values[*i] == *expected,
            Cond::Not(inner) => !holds(inner, values),
            Cond::And(parts) => parts.iter().all(|p| holds(p, values)),
            Cond::Or(parts) => parts.iter().any(|p| holds(p, values)),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_count_is_expanded_exactly() {
        for n in 0..7usize {
            let parts: Vec<Cond> = (0..n).map(atom).collect();
            for k in 0..=n as u32 + 1 {
                let cond = expand_count(k, &parts).unwrap();
                for bits in 0..1u32 << n {
                    let values: Vec<bool> = (0..n).map(|i| bits & (1 << i) != 0).collect();
                    let count = values.iter().filter(|v| **v).count() as u32;
                    assert_eq!(holds(&cond, &values), count >= k, "{n} {k} {bits}");
                }
            }
        }
    }

    #[test]
    fn weighted_points_are_expanded_exactly() {
        let weights = [1, 1, 2, -2, 3];
        let parts: Vec<Cond> = (0..weights.len()).map(atom).collect();
        let steps = || -> Vec<Step<'_>> {
            weights
                .iter()
                .zip(&parts)
                .map(|(w, c)| Step::Points(Rational::from_integer(*w), c))
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
            for threshold in -3..=8 {
                let t = Rational::from_integer(threshold);
                let cond = expand(steps(), op, t).unwrap();
                for bits in 0..1u32 << weights.len() {
                    let values: Vec<bool> =
                        (0..weights.len()).map(|i| bits & (1 << i) != 0).collect();
                    let sum: i64 = weights
                        .iter()
                        .zip(&values)
                        .filter(|(_, v)| **v)
                        .map(|(w, _)| *w)
                        .sum();
                    let want = decide(
                        op,
                        Rational::from_integer(sum),
                        Rational::from_integer(sum),
                        t,
                    )
                    .unwrap();
                    assert_eq!(holds(&cond, &values), want, "{op:?} {threshold} {bits}");
                }
            }
        }
    }

    #[test]
    fn a_score_too_large_is_refused() {
        let parts: Vec<Cond> = (0..40).map(atom).collect();
        assert!(expand_count(20, &parts).is_none());
        // A threshold near an end stays small.
        assert!(expand_count(2, &parts).is_some());
    }
}
