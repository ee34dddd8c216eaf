//! A PROTOTYPE, not the shipped evaluator: the per-input bitset index of
//! `shared/design/analysis-notes.md` ("for each value class, a bitset of the
//! rules it satisfies; AND the bitsets"), to measure what evaluation of
//! wide tables could reach where the decision diagram is too large to
//! build. See docs/performance.md.
//!
//! Only for problems whose rules are boxes (conjunctions of per-variable
//! class sets) with no overrides, no alternatives and no assumptions, such
//! as the DMN-like tables of `synth.rs`; [`BoxIndex::new`] returns `None`
//! for anything else. The fired rules are then exactly the set bits, and
//! the final actions those of the fired rules in rule order.

#![allow(
    dead_code,
    reason = "shared by several benchmarks and tests, each of which uses only part of it"
)]

use leidraad::logic::problem::{Class, Formula, Problem};

pub struct BoxIndex {
    words: usize,
    /// `masks[offset[var] + class]` is the bitset (of `words` words) of
    /// the rules that allow `class` on `var`.
    offset: Vec<usize>,
    masks: Vec<u64>,
}

/// Narrows `allowed` to a box formula (`true`, an atom, a negated atom,
/// or a conjunction of these); `None` when the formula is not a box.
fn narrow(formula: &Formula, allowed: &mut [Vec<bool>]) -> Option<()> {
    match formula {
        Formula::True => {}
        Formula::And(parts) => {
            for part in parts {
                narrow(part, allowed)?;
            }
        }
        Formula::In { var, classes } => {
            for (class, slot) in allowed.get_mut(*var as usize)?.iter_mut().enumerate() {
                *slot = *slot && classes.contains(&(class as Class));
            }
        }
        Formula::Not(inner) => {
            let Formula::In { var, classes } = inner.as_ref() else {
                return None;
            };
            for (class, slot) in allowed.get_mut(*var as usize)?.iter_mut().enumerate() {
                *slot = *slot && !classes.contains(&(class as Class));
            }
        }
        _ => return None,
    }
    Some(())
}

/// The allowed classes per variable of a box formula, or `None`.
fn box_of(formula: &Formula, sizes: &[u32]) -> Option<Vec<Vec<bool>>> {
    let mut allowed: Vec<Vec<bool>> = sizes.iter().map(|&s| vec![true; s as usize]).collect();
    narrow(formula, &mut allowed)?;
    Some(allowed)
}

impl BoxIndex {
    pub fn new(problem: &Problem) -> Option<BoxIndex> {
        let plain = problem.assumptions.is_empty()
            && problem.rules.iter().all(|r| {
                r.overrides.is_empty() && r.actions.iter().all(|a| a.alternatives.is_empty())
            });
        if !plain {
            return None;
        }
        let sizes = &problem.var_sizes;
        let words = problem.rules.len().div_ceil(64);
        let mut offset = Vec::new();
        let mut total = 0;
        for &size in sizes {
            offset.push(total);
            total += size as usize;
        }
        let mut masks = vec![0u64; total * words];
        for (rule, r) in problem.rules.iter().enumerate() {
            let allowed = box_of(&r.when, sizes)?;
            for (var, row) in allowed.iter().enumerate() {
                for (class, &ok) in row.iter().enumerate() {
                    if ok {
                        masks[(offset[var] + class) * words + rule / 64] |= 1 << (rule % 64);
                    }
                }
            }
        }
        Some(BoxIndex {
            words,
            offset,
            masks,
        })
    }

    /// The fired rules of one complete record, as a bitset in `out`
    /// (`words` words).
    #[inline]
    pub fn fired(&self, record: &[Class], out: &mut [u64]) {
        out.fill(u64::MAX);
        for (var, &class) in record.iter().enumerate() {
            let start = (self.offset[var] + class as usize) * self.words;
            let mask = &self.masks[start..start + self.words];
            for (o, m) in out.iter_mut().zip(mask) {
                *o &= m;
            }
        }
    }

    pub fn words(&self) -> usize {
        self.words
    }

    /// The fired rules, in rule order.
    pub fn fired_rules(&self, record: &[Class]) -> Vec<usize> {
        let mut bits = vec![0u64; self.words];
        self.fired(record, &mut bits);
        let mut out = Vec::new();
        for (w, &word) in bits.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                out.push(w * 64 + word.trailing_zeros() as usize);
                word &= word - 1;
            }
        }
        out
    }
}
