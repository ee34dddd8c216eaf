//! Scores and counts: terms resolved, and every comparison checked to be
//! exactly decidable (`model::score`).

use super::*;
use crate::model::score::{
    LINEAR_BUDGET, MAX_SCORE_TERMS, input_values, linear_cases, plan_count, plan_score,
};

impl Resolver {
    /// The terms of a score, each checked: points are numbers, added inputs
    /// are whole numbers that every patient has.
    pub(super) fn score_terms(&mut self, score: &ast::ScoreDecl) -> Vec<ScoreTerm> {
        let mut terms = Vec::with_capacity(score.terms.len());
        if score.terms.len() > MAX_SCORE_TERMS {
            self.error(
                Diagnostic::new(
                    Code::ScoreTooLarge,
                    format!(
                        "`{}` has {} terms; a score may have at most {MAX_SCORE_TERMS}",
                        score.id.name,
                        score.terms.len()
                    ),
                )
                .with_primary(score.id.span, "too many terms")
                .with_help("split the score into parts with their own meaning"),
            );
            return terms;
        }
        for term in &score.terms {
            match term {
                ast::ScoreTerm::Points {
                    points,
                    negative,
                    when,
                    span,
                } => {
                    let Some(value) = self.number(points) else {
                        continue;
                    };
                    let value = if *negative {
                        Rational::from_integer(0).checked_sub(value)
                    } else {
                        Some(value)
                    };
                    let when = self.condition(when);
                    if let Some(points) = value {
                        terms.push(ScoreTerm::Points {
                            points,
                            when,
                            span: *span,
                        });
                    }
                }
                ast::ScoreTerm::Input {
                    name,
                    negative,
                    span,
                } => {
                    let Some(input) = self.input_named(name) else {
                        continue;
                    };
                    let Some(declared) = self.guideline.inputs.get(input.0) else {
                        continue;
                    };
                    let problem = if input_values(declared, *negative).is_none() {
                        Some(format!(
                            "`{}` is {}, not a whole number, so it cannot be added up",
                            name.name,
                            declared.ty.describe()
                        ))
                    } else if declared.asked_when.is_some() {
                        Some(format!(
                            "`{}` is not asked for every patient (`asked when`), so the score would have no value",
                            name.name
                        ))
                    } else if declared.admits_unknown {
                        Some(format!(
                            "`{}` may be unknown (`or unknown`), so the score would have no value",
                            name.name
                        ))
                    } else {
                        None
                    };
                    match problem {
                        Some(message) => self.error(
                            Diagnostic::new(Code::InvalidScore, message)
                                .with_primary(name.span, "added to the score here")
                                .with_help(format!(
                                    "give points for a condition on it instead, for example `1 when {} ...`",
                                    name.name
                                )),
                        ),
                        None => terms.push(ScoreTerm::Input {
                            input: input.0,
                            negative: *negative,
                            span: *span,
                        }),
                    }
                }
            }
        }
        terms
    }

    /// A comparison of a score with a number.
    pub(super) fn score_comparison(
        &mut self,
        score: ScoreId,
        name: &ast::Ident,
        op: ast::CompareOp,
        value: &ast::Literal,
        span: Span,
    ) -> Option<Cond> {
        let ast::Literal::Quantity(ast::Quantity {
            number, unit: None, ..
        }) = value
        else {
            self.error(
                Diagnostic::new(
                    Code::InvalidScore,
                    format!(
                        "`{}` is a score and is compared with a plain number",
                        name.name
                    ),
                )
                .with_primary(value.span(), "not a plain number")
                .with_help(format!("write for example `{} >= 2`", name.name)),
            );
            return None;
        };
        let threshold = self.number(number)?;
        Some(Cond::Score(score, op, threshold, span))
    }

    /// A number input compared with a sum of other inputs times numbers,
    /// plus numbers, every number converted to the input's unit.
    pub(super) fn linear_comparison(
        &mut self,
        input: InputId,
        ty: &Type,
        name: &ast::Ident,
        op: ast::CompareOp,
        value: &ast::Literal,
        span: Span,
    ) -> Option<Cond> {
        let single;
        let terms: &[ast::LinearTerm] = match value {
            ast::Literal::Linear(terms, _) => terms,
            ast::Literal::Name(word) => {
                single = [ast::LinearTerm {
                    negative: false,
                    name: Some(word.clone()),
                    factor: None,
                    span: word.span,
                }];
                &single
            }
            _ => return None,
        };
        let zero = Rational::from_integer(0);
        let mut sum = LinearSum {
            constant: zero,
            terms: Vec::new(),
        };
        let mut ok = true;
        for term in terms {
            // The number, in the compared input's unit: a constant, or what
            // one of the other input adds.
            let number = match &term.factor {
                Some(quantity) => self.quantity_in(&name.name, ty, quantity),
                None => Some(Rational::from_integer(1)),
            };
            let Some(number) = number else {
                ok = false;
                continue;
            };
            let number = if term.negative {
                zero.checked_sub(number)?
            } else {
                number
            };
            let Some(word) = &term.name else {
                sum.constant = sum.constant.checked_add(number)?;
                continue;
            };
            let Some((other, _)) = self.input_named(word) else {
                ok = false;
                continue;
            };
            let Some(declared) = self.guideline.inputs.get(other) else {
                ok = false;
                continue;
            };
            if other == input || input_values(declared, false).is_none() {
                let why = if other == input {
                    format!("`{}` is compared with itself", word.name)
                } else {
                    format!(
                        "`{}` is {}; only whole numbers can be multiplied and added here, so that every patient is decided exactly",
                        word.name,
                        declared.ty.describe()
                    )
                };
                self.error(
                    Diagnostic::new(
                        Code::InvalidScore,
                        format!("`{}` cannot be compared with this sum: {why}", name.name),
                    )
                    .with_primary(word.span, "not a whole-number input")
                    .with_help(format!(
                        "declare `{}` as a `whole number`, or compare `{}` with fixed thresholds per range of `{}`",
                        word.name, name.name, word.name
                    )),
                );
                ok = false;
                continue;
            }
            sum.terms.push((other, number));
        }
        if !ok {
            return None;
        }
        if linear_cases(&self.guideline, &sum).is_none() {
            self.error(
                Diagnostic::new(
                    Code::ScoreTooLarge,
                    format!(
                        "this comparison of `{}` has more than {LINEAR_BUDGET} cases to decide exactly",
                        name.name
                    ),
                )
                .with_primary(value.span(), "the inputs on this side have too many values together")
                .with_help("narrow the ranges of the inputs on the right, or use fewer of them"),
            );
            return None;
        }
        Some(Cond::Linear(input, op, Box::new(sum), span))
    }

    /// `at least N of (...)`.
    pub(super) fn count(
        &mut self,
        at_least: &ast::NumberLit,
        parts: &[ast::Condition],
        span: Span,
    ) -> Option<Cond> {
        let resolved: Vec<Cond> = parts.iter().map(|p| self.condition(p)).collect();
        let count = self.number(at_least)?;
        let usable = count.is_integer()
            && count.numer() >= 1
            && usize::try_from(count.numer()).is_ok_and(|n| n <= parts.len());
        if !usable {
            self.error(
                Diagnostic::new(
                    Code::InvalidScore,
                    format!(
                        "`at least {}` of {} conditions can never be counted",
                        at_least.text,
                        parts.len()
                    ),
                )
                .with_primary(at_least.span, "not a count of the conditions listed")
                .with_help(format!(
                    "use a whole number from 1 to {}, the number of conditions listed",
                    parts.len()
                )),
            );
            return None;
        }
        let count = u32::try_from(count.numer()).ok()?;
        if parts.len() > MAX_SCORE_TERMS || plan_count(count, &resolved).is_none() {
            self.error(
                Diagnostic::new(
                    Code::ScoreTooLarge,
                    format!(
                        "`at least {}` of {} conditions is too large to decide exactly",
                        at_least.text,
                        parts.len()
                    ),
                )
                .with_primary(span, "too many ways to count")
                .with_help("split the list into parts with their own meaning"),
            );
            return None;
        }
        Some(Cond::AtLeast(count, resolved, span))
    }

    /// After all bodies: no score's criteria use a score, and every
    /// comparison of a score can be decided exactly.
    pub(super) fn check_scores(&mut self) {
        for index in 0..self.guideline.scores.len() {
            let Some(score) = self.guideline.scores.get(index) else {
                continue;
            };
            let mut visited = vec![false; self.guideline.definitions.len()];
            let used = score.terms.iter().find_map(|term| match term {
                ScoreTerm::Points { when, span, .. } => {
                    uses_score(&self.guideline, when, &mut visited).then_some(*span)
                }
                ScoreTerm::Input { .. } => None,
            });
            if let Some(span) = used {
                let id = score.id.clone();
                if let Some(score) = self.guideline.scores.get_mut(index) {
                    score.terms.clear();
                }
                self.error(
                    Diagnostic::new(
                        Code::InvalidScore,
                        format!("a criterion of `{id}` uses a score"),
                    )
                    .with_primary(span, "this criterion compares a score")
                    .with_help("a score adds up conditions on inputs; compare scores in rules, definitions or requirements instead"),
                );
            }
        }
        // Every comparison, wherever it is written.
        let mut comparisons = Vec::new();
        for condition in self.guideline.conditions() {
            collect_score_tests(condition, &mut comparisons);
        }
        for score in &self.guideline.scores {
            for term in &score.terms {
                if let ScoreTerm::Points { when, .. } = term {
                    collect_score_tests(when, &mut comparisons);
                }
            }
        }
        comparisons.sort_by_key(|(_, _, _, span)| (span.start, span.end));
        comparisons.dedup();
        for (id, op, threshold, span) in comparisons {
            let Some(score) = self.guideline.scores.get(id) else {
                continue;
            };
            if plan_score(&self.guideline, score, op, threshold).is_none() {
                let name = score.id.clone();
                let count = score.terms.len();
                self.error(
                    Diagnostic::new(
                        Code::ScoreTooLarge,
                        format!(
                            "`{name} {} {threshold}` is too large to decide exactly ({count} terms)",
                            op.as_str()
                        ),
                    )
                    .with_primary(span, "too many ways to reach this threshold")
                    .with_help("split the score into parts with their own meaning, or use fewer criteria"),
                );
            }
        }
    }
}

/// Whether a condition compares a score, directly or through definitions.
fn uses_score(guideline: &Guideline, cond: &Cond, visited: &mut Vec<bool>) -> bool {
    match cond {
        Cond::Score(..) => true,
        Cond::Define(id, _) => {
            let Some(seen) = visited.get_mut(*id) else {
                return false;
            };
            if std::mem::replace(seen, true) {
                return false;
            }
            guideline
                .definitions
                .get(*id)
                .is_some_and(|d| uses_score(guideline, &d.condition, visited))
        }
        Cond::Not(inner) => uses_score(guideline, inner, visited),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            parts.iter().any(|p| uses_score(guideline, p, visited))
        }
        _ => false,
    }
}

type ScoreTest = (ScoreId, ast::CompareOp, Rational, Span);

fn collect_score_tests(cond: &Cond, out: &mut Vec<ScoreTest>) {
    match cond {
        Cond::Score(id, op, threshold, span) => out.push((*id, *op, *threshold, *span)),
        Cond::Not(inner) => collect_score_tests(inner, out),
        Cond::And(parts) | Cond::Or(parts) | Cond::AtLeast(_, parts, _) => {
            for part in parts {
                collect_score_tests(part, out);
            }
        }
        _ => {}
    }
}
