//! The second evaluation engine: a rule index for complete records, for
//! guidelines whose decision diagram is too large to build (or not worth
//! building for one record).
//!
//! For every value class of every variable the index keeps a bitset of the
//! rules whose condition allows that class. A rule whose condition is a box
//! (a conjunction of per-variable class sets, the common case) fires exactly
//! when its bit survives the AND of the record's bitsets; any other rule
//! keeps its bit set in every bitset and has its condition evaluated when
//! its bit survives. Building is linear in rules × classes; evaluation costs
//! one AND per variable and word, plus the non-box rules that survive.
//!
//! The answer is the one of [`Problem::outcome`]: the same fired rules, the
//! same alternatives, and [`Problem::final_actions`] for the overrides
//! (tests/index_agrees.rs checks it against the reference on generated
//! problems).

use super::problem::{Class, Formula, Outcome, OutcomeError, Problem, ResolvedAction, RuleId};

/// A rule index over one problem. See the module documentation.
#[derive(Clone, Debug)]
pub struct RuleIndex<'p> {
    problem: &'p Problem,
    /// Words of one bitset: `rules.len()` bits.
    words: usize,
    /// `offset[var] + class` is the row of that class in `masks`.
    offset: Vec<usize>,
    /// Row-major bitsets, `words` words per row.
    masks: Vec<u64>,
    /// Bitset of the rules whose condition is not a box: their bit only
    /// says "maybe", and their condition is evaluated.
    general: Vec<u64>,
}

/// Narrows `allowed` (per variable, per class) to a box formula; `None`
/// when the formula is not a conjunction of (possibly negated) atoms.
fn narrow(formula: &Formula, allowed: &mut [Vec<bool>]) -> Option<()> {
    match formula {
        Formula::True => Some(()),
        Formula::And(parts) => parts.iter().try_for_each(|part| narrow(part, allowed)),
        Formula::In { var, classes } => {
            restrict(allowed.get_mut(*var as usize)?, classes, false);
            Some(())
        }
        Formula::Not(inner) => match inner.as_ref() {
            Formula::In { var, classes } => {
                restrict(allowed.get_mut(*var as usize)?, classes, true);
                Some(())
            }
            _ => None,
        },
        Formula::False | Formula::Or(_) | Formula::Sum(_) => None,
    }
}

/// Keeps the classes of `row` that are (or, `negated`, are not) in `classes`.
fn restrict(row: &mut [bool], classes: &[Class], negated: bool) {
    for (class, slot) in row.iter_mut().enumerate() {
        let class: Class = super::problem::index_u32(class);
        *slot = *slot && (classes.binary_search(&class).is_ok() != negated);
    }
}

impl<'p> RuleIndex<'p> {
    /// Builds the index of `problem`.
    pub fn new(problem: &'p Problem) -> RuleIndex<'p> {
        let sizes = &problem.var_sizes;
        let words = problem.rules.len().div_ceil(64);
        let mut offset = Vec::with_capacity(sizes.len());
        let mut rows = 0usize;
        for &size in sizes {
            offset.push(rows);
            rows = rows.saturating_add(size as usize);
        }
        let mut masks = vec![0u64; rows.saturating_mul(words)];
        let mut general = vec![0u64; words];
        for (rule_id, rule) in problem.rules.iter().enumerate() {
            let (word, bit) = (rule_id / 64, 1u64 << (rule_id % 64));
            let mut allowed: Vec<Vec<bool>> = sizes
                .iter()
                .map(|&size| vec![true; size as usize])
                .collect();
            if narrow(&rule.when, &mut allowed).is_none() {
                // Not a box: allowed everywhere, decided by its condition.
                allowed.iter_mut().for_each(|row| row.fill(true));
                if let Some(slot) = general.get_mut(word) {
                    *slot |= bit;
                }
            }
            for (row_start, row) in offset.iter().zip(&allowed) {
                for (class, &ok) in row.iter().enumerate() {
                    let at = (row_start + class) * words + word;
                    if let (true, Some(slot)) = (ok, masks.get_mut(at)) {
                        *slot |= bit;
                    }
                }
            }
        }
        RuleIndex {
            problem,
            words,
            offset,
            masks,
            general,
        }
    }

    /// The problem the index was built for.
    pub fn problem(&self) -> &'p Problem {
        self.problem
    }

    /// The rules whose condition holds for a complete record, in rule
    /// order. Classes out of range, or a record too short, fire nothing.
    pub fn fired(&self, assignment: &[Class]) -> Vec<RuleId> {
        let mut bits = vec![u64::MAX; self.words];
        // Only the bits of existing rules (a problem without variables
        // ANDs no row).
        let tail = self.problem.rules.len() % 64;
        if let (true, Some(last)) = (tail != 0, bits.last_mut()) {
            *last = (1u64 << tail) - 1;
        }
        for (var, row_start) in self.offset.iter().enumerate() {
            let class = assignment.get(var).copied().unwrap_or(Class::MAX);
            let size = self.problem.var_sizes.get(var).copied().unwrap_or(0);
            let row = (class < size)
                .then(|| {
                    let start = (row_start + class as usize) * self.words;
                    self.masks.get(start..start + self.words)
                })
                .flatten();
            match row {
                Some(row) => bits.iter_mut().zip(row).for_each(|(b, m)| *b &= m),
                None => return Vec::new(),
            }
        }
        let mut fired = Vec::new();
        for (word_index, (&word, &general)) in bits.iter().zip(&self.general).enumerate() {
            let mut word = word;
            while word != 0 {
                let rule_id = word_index * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                let holds = general & (1u64 << (rule_id % 64)) == 0
                    || self
                        .problem
                        .rules
                        .get(rule_id)
                        .is_some_and(|rule| rule.when.holds(assignment));
                if holds {
                    fired.push(rule_id);
                }
            }
        }
        fired
    }

    /// The meaning of the guideline for one complete record, as
    /// [`Problem::outcome`] gives it.
    pub fn outcome(&self, assignment: &[Class]) -> Result<Outcome, OutcomeError> {
        let problem = self.problem;
        if let Some(index) = problem
            .assumptions
            .iter()
            .position(|assumption| !assumption.holds(assignment))
        {
            return Err(OutcomeError::Assumption(index));
        }
        let fired = self.fired(assignment);
        let resolved: Vec<Vec<ResolvedAction>> = fired
            .iter()
            .map(|&rule_id| {
                let actions = problem.rules.get(rule_id).map_or(&[][..], |r| &r.actions);
                actions
                    .iter()
                    .enumerate()
                    .map(|(index, action)| {
                        // The first alternative whose condition holds.
                        let alternative = action
                            .alternatives
                            .iter()
                            .position(|(condition, _)| condition.holds(assignment));
                        action.resolve(rule_id, index, alternative)
                    })
                    .collect()
            })
            .collect();
        let (actions, dropped) = problem.final_actions(&fired, &resolved);
        Ok(Outcome {
            fired,
            actions,
            dropped,
        })
    }

    /// Bytes the index holds, for choosing an engine by a size budget.
    pub fn memory_bytes(&self) -> usize {
        (self.masks.len() + self.general.len()) * std::mem::size_of::<u64>()
            + self.offset.len() * std::mem::size_of::<usize>()
    }
}
