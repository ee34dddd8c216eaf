//! Bitset boxes: conjunctions of per-variable class sets, for rules whose
//! conditions are exactly such boxes.

use super::*;

/// Bitset boxes: one segment of `wpv` words per variable, plus one phantom
/// one-class variable whose bit says whether the box is non-empty (so that
/// even a problem without variables has an empty box).
#[derive(Clone, Debug)]
pub(super) struct Layout {
    pub(super) sizes: Vec<u32>,
    pub(super) wpv: usize,
    pub(super) stride: usize,
}

pub(super) type Bits = Vec<u64>;

impl Layout {
    pub(super) fn new(sizes: &[u32]) -> Layout {
        let max = sizes.iter().copied().max().unwrap_or(1).max(1) as usize;
        let wpv = max.div_ceil(64);
        Layout {
            sizes: sizes.to_vec(),
            wpv,
            stride: (sizes.len() + 1) * wpv,
        }
    }

    pub(super) fn set_full_var(&self, bits: &mut [u64], var: usize, size: u32) {
        let Some(segment) = bits.get_mut(var * self.wpv..(var + 1) * self.wpv) else {
            return;
        };
        for (word_index, word) in segment.iter_mut().enumerate() {
            let low = crate::logic::problem::index_u32(word_index * 64);
            *word = if size >= low + 64 {
                u64::MAX
            } else if size > low {
                (1u64 << (size - low)) - 1
            } else {
                0
            };
        }
    }

    pub(super) fn full(&self) -> Bits {
        let mut bits = vec![0; self.stride];
        for (var, &size) in self.sizes.iter().enumerate() {
            self.set_full_var(&mut bits, var, size);
        }
        self.set_full_var(&mut bits, self.sizes.len(), 1);
        bits
    }

    pub(super) fn empty(&self) -> Bits {
        vec![0; self.stride]
    }

    pub(super) fn segment<'b>(&self, bits: &'b [u64], var: usize) -> &'b [u64] {
        bits.get(var * self.wpv..(var + 1) * self.wpv)
            .unwrap_or(&[])
    }

    pub(super) fn segment_mut<'b>(&self, bits: &'b mut [u64], var: usize) -> &'b mut [u64] {
        bits.get_mut(var * self.wpv..(var + 1) * self.wpv)
            .unwrap_or(&mut [])
    }

    /// The natural logarithm of the number of class combinations in a box
    /// (minus infinity for an empty box), for ordering boxes by size.
    pub(super) fn log_volume(&self, bits: &[u64]) -> f64 {
        (0..self.sizes.len())
            .map(|var| {
                let count: u32 = self.segment(bits, var).iter().map(|w| w.count_ones()).sum();
                f64::from(count).ln()
            })
            .sum()
    }

    pub(super) fn is_empty(&self, bits: &[u64]) -> bool {
        bits.chunks(self.wpv)
            .any(|segment| segment.iter().all(|&w| w == 0))
    }

    pub(super) fn is_full_var(&self, bits: &[u64], var: usize) -> bool {
        let mut full = vec![0; self.wpv];
        self.set_full_var(&mut full, 0, self.sizes.get(var).copied().unwrap_or(0));
        self.segment(bits, var) == full.as_slice()
    }

    pub(super) fn contains(&self, bits: &[u64], var: usize, class: u32) -> bool {
        self.segment(bits, var)
            .get(class as usize / 64)
            .is_some_and(|w| w >> (class % 64) & 1 == 1)
    }

    pub(super) fn intersect_into(&self, acc: &mut [u64], other: &[u64]) {
        for (a, b) in acc.iter_mut().zip(other) {
            *a &= *b;
        }
    }

    /// Whether two boxes share a point: every variable's segments overlap.
    pub(super) fn intersects(&self, a: &[u64], b: &[u64]) -> bool {
        if self.wpv == 1 {
            return a.iter().zip(b).all(|(x, y)| x & y != 0);
        }
        a.chunks(self.wpv)
            .zip(b.chunks(self.wpv))
            .all(|(x, y)| x.iter().zip(y).any(|(p, q)| p & q != 0))
    }

    /// Whether box `a` lies inside box `b`.
    pub(super) fn subset(&self, a: &[u64], b: &[u64]) -> bool {
        a.iter().zip(b).all(|(x, y)| x & !y == 0)
    }

    /// The smallest point of the intersection of two boxes (assumed to
    /// intersect): the smallest shared class of every variable.
    pub(super) fn lexmin_of_both(&self, a: &[u64], b: &[u64]) -> Vec<Class> {
        (0..self.sizes.len())
            .map(|var| {
                let x = self.segment(a, var);
                let y = self.segment(b, var);
                x.iter()
                    .zip(y)
                    .enumerate()
                    .find(|(_, (p, q))| *p & *q != 0)
                    .map_or(0, |(i, (p, q))| {
                        crate::logic::problem::index_u32(i * 64) + (p & q).trailing_zeros()
                    })
            })
            .collect()
    }

    pub(super) fn bits_of_projection(&self, projection: &[Vec<bool>]) -> Bits {
        let mut bits = self.empty();
        let mut any = true;
        for (var, row) in projection.iter().enumerate() {
            let segment = self.segment_mut(&mut bits, var);
            let mut seen = false;
            for (class, &on) in row.iter().enumerate() {
                if on {
                    seen = true;
                    if let Some(word) = segment.get_mut(class / 64) {
                        *word |= 1 << (class % 64);
                    }
                }
            }
            any &= seen;
        }
        if any && projection.len() == self.sizes.len() {
            let sizes = self.sizes.len();
            self.set_full_var(&mut bits, sizes, 1);
        }
        bits
    }

    /// The exact box of a formula, when the formula is one: conjunctions
    /// of atoms, negated atoms and disjunctions that differ in one variable.
    pub(super) fn formula_box(&self, formula: &Formula) -> Option<Bits> {
        match formula {
            Formula::True => Some(self.full()),
            Formula::False => Some(self.empty()),
            Formula::In { var, classes } => {
                let var = *var as usize;
                let size = *self.sizes.get(var)?;
                let mut bits = self.full();
                let segment = self.segment_mut(&mut bits, var);
                segment.fill(0);
                for &class in classes.iter().filter(|&&c| c < size) {
                    if let Some(word) = segment.get_mut(class as usize / 64) {
                        *word |= 1 << (class % 64);
                    }
                }
                Some(self.normalise(bits))
            }
            Formula::And(parts) => {
                let mut acc = self.full();
                for part in parts {
                    let part = self.formula_box(part)?;
                    self.intersect_into(&mut acc, &part);
                }
                Some(self.normalise(acc))
            }
            Formula::Not(inner) => {
                let inner = self.formula_box(inner)?;
                if self.is_empty(&inner) {
                    return Some(self.full());
                }
                let constrained: Vec<usize> = (0..self.sizes.len())
                    .filter(|&v| !self.is_full_var(&inner, v))
                    .collect();
                match constrained.as_slice() {
                    [] => Some(self.empty()),
                    [var] => {
                        let mut bits = self.full();
                        let full = bits.clone();
                        let segment = self.segment_mut(&mut bits, *var);
                        for ((word, &f), &i) in segment
                            .iter_mut()
                            .zip(self.segment(&full, *var))
                            .zip(self.segment(&inner, *var))
                        {
                            *word = f & !i;
                        }
                        Some(self.normalise(bits))
                    }
                    _ => None,
                }
            }
            // A sum is a box only in corner cases; the diagram decides it.
            Formula::Sum(_) => None,
            Formula::Or(parts) => {
                let mut boxes = Vec::with_capacity(parts.len());
                for part in parts {
                    let part = self.formula_box(part)?;
                    if !self.is_empty(&part) {
                        boxes.push(part);
                    }
                }
                let Some(first) = boxes.first().cloned() else {
                    return Some(self.empty());
                };
                // A union of boxes is a box when they agree on every
                // variable but one.
                let mut differing: Option<usize> = None;
                for other in boxes.iter().skip(1) {
                    for var in 0..self.sizes.len() {
                        if self.segment(other, var) != self.segment(&first, var) {
                            match differing {
                                None => differing = Some(var),
                                Some(v) if v == var => {}
                                Some(_) => return None,
                            }
                        }
                    }
                }
                let mut acc = first;
                for other in boxes.iter().skip(1) {
                    for (a, b) in acc.iter_mut().zip(other) {
                        *a |= *b;
                    }
                }
                Some(acc)
            }
        }
    }

    /// Clears every segment of an empty box, so that emptiness is also
    /// visible in the phantom variable.
    pub(super) fn normalise(&self, bits: Bits) -> Bits {
        if self.is_empty(&bits) {
            self.empty()
        } else {
            bits
        }
    }
}
