//! Two guidelines merged into one: inputs and catalogue entries matched by
//! name, the second guideline's conditions, definitions, scores and rules
//! renumbered into the first's. The comparison of two guidelines (L309)
//! merges strictly (an input declared differently is refused); the diff of
//! two versions of one guideline merges leniently: a widened range, a value
//! added or removed, `or unknown` added become one declaration that holds
//! both, and each version's own values become a condition on the merged
//! input ([`Merged::old_domain`], [`Merged::new_domain`]).

use super::*;
use crate::syntax::ast::CompareOp;
use std::collections::HashMap;

/// Maps the second guideline's names into the merged one.
struct Remap {
    inputs: Vec<InputId>,
    /// For each input of the second guideline: its `one of` values or `any
    /// of` members in the merged declaration (empty for other types).
    values: Vec<Vec<u32>>,
    definitions: usize,
    scores: usize,
}

impl Remap {
    fn input(&self, i: InputId) -> InputId {
        self.inputs.get(i).copied().unwrap_or(usize::MAX)
    }

    fn value(&self, i: InputId, v: u32) -> u32 {
        self.values
            .get(i)
            .and_then(|values| values.get(v as usize))
            .copied()
            .unwrap_or(v)
    }

    fn cond(&self, cond: &Cond) -> Cond {
        match cond {
            Cond::True => Cond::True,
            Cond::Invalid => Cond::Invalid,
            Cond::BoolIs(i, b, s) => Cond::BoolIs(self.input(*i), *b, *s),
            Cond::ChoiceIn(i, v, s) => {
                let mut values: Vec<u32> = v.iter().map(|&x| self.value(*i, x)).collect();
                values.sort_unstable();
                Cond::ChoiceIn(self.input(*i), values, *s)
            }
            Cond::Has(i, m, s) => Cond::Has(self.input(*i), self.value(*i, *m), *s),
            Cond::Compare(i, op, t, s) => Cond::Compare(self.input(*i), *op, *t, *s),
            Cond::IsUnknown(i, s) => Cond::IsUnknown(self.input(*i), *s),
            Cond::Define(d, s) => Cond::Define(d + self.definitions, *s),
            Cond::Score(id, op, t, s) => Cond::Score(id + self.scores, *op, *t, *s),
            Cond::Linear(i, op, sum, s) => {
                let mut sum = sum.clone();
                for (term, _) in &mut sum.terms {
                    *term = self.input(*term);
                }
                Cond::Linear(self.input(*i), *op, sum, *s)
            }
            Cond::AtLeast(n, parts, s) => {
                Cond::AtLeast(*n, parts.iter().map(|p| self.cond(p)).collect(), *s)
            }
            Cond::Not(inner) => Cond::Not(Box::new(self.cond(inner))),
            Cond::And(parts) => Cond::And(parts.iter().map(|p| self.cond(p)).collect()),
            Cond::Or(parts) => Cond::Or(parts.iter().map(|p| self.cond(p)).collect()),
        }
    }
}

/// How strictly inputs are matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Matching {
    /// An input declared differently in the two is refused.
    Strict,
    /// Declarations of one kind are merged into one that holds both.
    Lenient,
}

/// What became of one input of the merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Declared {
    /// Declared the same way in both (its `asked when` may still differ).
    Same,
    OnlyFirst,
    OnlySecond,
    /// Declared in both, differently; the words say how.
    Changed(Vec<String>),
}

/// The merge of two guidelines.
#[derive(Clone, Debug)]
pub(crate) struct Merged {
    pub guideline: Guideline,
    /// The first guideline's rules come first: `0..first_rules`.
    pub first_rules: usize,
    /// Index ranges into `guideline.assumptions`: each guideline's own.
    pub first_assumptions: std::ops::Range<usize>,
    pub second_assumptions: std::ops::Range<usize>,
    /// The values the first (second) guideline's inputs can take, as
    /// assumptions on the merged inputs (lenient merges only).
    pub old_domain: std::ops::Range<usize>,
    pub new_domain: std::ops::Range<usize>,
    /// Per merged input: how it was declared.
    pub declared: Vec<Declared>,
    /// The second guideline's inputs and entries in the merge.
    pub second_inputs: Vec<InputId>,
    pub second_entries: Vec<EntryId>,
    /// Each guideline's `asked when` per merged input (the second's
    /// renumbered), `None` where it has none or lacks the input.
    pub first_asked: Vec<Option<Cond>>,
    pub second_asked: Vec<Option<Cond>>,
}

fn span_of(input: &Input) -> Span {
    input.span
}

/// Merges the declarations of one input; `Err` when they cannot be.
/// Returns the merged type, the second's values in it, the words of the
/// change, and the first's and second's domain conditions.
#[expect(clippy::type_complexity, reason = "one private helper's result")]
fn merge_input(
    merged_id: InputId,
    a: &Input,
    b: &Input,
) -> Result<(Type, Vec<u32>, Vec<String>, Vec<Cond>, Vec<Cond>), String> {
    let span = span_of(a);
    let mut words = Vec::new();
    let mut first = Vec::new();
    let mut second = Vec::new();
    let not = |c: Cond| Cond::Not(Box::new(c));
    let (ty, values) = match (&a.ty, &b.ty) {
        (Type::YesNo, Type::YesNo) => (Type::YesNo, Vec::new()),
        (Type::OneOf(x), Type::OneOf(y)) | (Type::AnyOf(x), Type::AnyOf(y)) => {
            let mut all = x.clone();
            let mut map = Vec::new();
            for value in y {
                match all.iter().position(|v| v == value) {
                    Some(at) => map.push(p_u32(at)),
                    None => {
                        map.push(p_u32(all.len()));
                        all.push(value.clone());
                    }
                }
            }
            let added: Vec<u32> = (p_u32(x.len())..p_u32(all.len())).collect();
            let removed: Vec<u32> = (0..p_u32(x.len())).filter(|v| !map.contains(v)).collect();
            let name = |v: &u32| all.get(*v as usize).cloned().unwrap_or_default();
            if !added.is_empty() {
                words.push(format!(
                    "{} added",
                    added.iter().map(name).collect::<Vec<_>>().join(", ")
                ));
            }
            if !removed.is_empty() {
                words.push(format!(
                    "{} removed",
                    removed.iter().map(name).collect::<Vec<_>>().join(", ")
                ));
            }
            let any_of = matches!(a.ty, Type::AnyOf(_));
            let outside = |values: &[u32], conds: &mut Vec<Cond>| {
                if values.is_empty() {
                    return;
                }
                if any_of {
                    for &v in values {
                        conds.push(not(Cond::Has(merged_id, v, span)));
                    }
                } else {
                    conds.push(not(Cond::ChoiceIn(merged_id, values.to_vec(), span)));
                }
            };
            outside(&added, &mut first);
            outside(&removed, &mut second);
            let ty = if any_of {
                Type::AnyOf(all)
            } else {
                Type::OneOf(all)
            };
            (ty, map)
        }
        (
            Type::Number {
                lo: lo_a,
                hi: hi_a,
                unit: unit_a,
                molar_mass: mm_a,
                whole: whole_a,
            },
            Type::Number {
                lo: lo_b,
                hi: hi_b,
                unit: unit_b,
                molar_mass: mm_b,
                whole: whole_b,
            },
        ) => {
            if unit_a != unit_b {
                return Err(format!("the input `{}` changed its unit", a.id));
            }
            if whole_a != whole_b {
                return Err(format!(
                    "the input `{}` changed whether it is a whole number",
                    a.id
                ));
            }
            if mm_a != mm_b {
                words.push("molar mass changed".to_owned());
            }
            let lo = (*lo_a).min(*lo_b);
            let hi = (*hi_a).max(*hi_b);
            if lo_a != lo_b || hi_a != hi_b {
                let unit = unit_a.map_or(String::new(), |u| format!(" {}", u.canonical));
                words.push(format!(
                    "range {}..{}{unit} became {}..{}{unit}",
                    lo_a.to_human_string(),
                    hi_a.to_human_string(),
                    lo_b.to_human_string(),
                    hi_b.to_human_string()
                ));
            }
            for (conds, (l, h)) in [(&mut first, (lo_a, hi_a)), (&mut second, (lo_b, hi_b))] {
                if *l > lo {
                    conds.push(not(Cond::Compare(merged_id, CompareOp::Lt, *l, span)));
                }
                if *h < hi {
                    conds.push(not(Cond::Compare(merged_id, CompareOp::Gt, *h, span)));
                }
            }
            (
                Type::Number {
                    lo,
                    hi,
                    unit: *unit_a,
                    molar_mass: mm_a.or(*mm_b),
                    whole: *whole_a,
                },
                Vec::new(),
            )
        }
        _ => {
            return Err(format!(
                "the input `{}` is {} in one version and {} in the other",
                a.id,
                a.ty.describe(),
                b.ty.describe()
            ));
        }
    };
    if a.admits_unknown != b.admits_unknown {
        let (conds, word) = if a.admits_unknown {
            (&mut second, "`or unknown` removed")
        } else {
            (&mut first, "`or unknown` added")
        };
        words.push(word.to_owned());
        conds.push(not(Cond::IsUnknown(merged_id, span)));
    }
    Ok((ty, values, words, first, second))
}

fn p_u32(index: usize) -> u32 {
    crate::logic::problem::index_u32(index)
}

/// Merges two guidelines; `Err` says why they cannot be merged.
pub(crate) fn merge(a: &Guideline, b: &Guideline, matching: Matching) -> Result<Merged, String> {
    let mut merged = a.clone();
    merged.requirements.clear();
    merged.cases.clear();
    let mut inputs = Vec::with_capacity(b.inputs.len());
    let mut values = Vec::with_capacity(b.inputs.len());
    let mut declared = vec![Declared::OnlyFirst; a.inputs.len()];
    let mut old_domain = Vec::new();
    let mut new_domain = Vec::new();
    for input in &b.inputs {
        match a.input_index(&input.id) {
            Some(index) => {
                let Some(theirs) = a.inputs.get(index) else {
                    continue;
                };
                if matching == Matching::Strict {
                    if theirs.ty != input.ty {
                        return Err(format!(
                            "the input `{}` is declared differently in the two guidelines",
                            input.id
                        ));
                    }
                    values.push(Vec::new());
                    if let Some(d) = declared.get_mut(index) {
                        *d = Declared::Same;
                    }
                } else {
                    let (ty, map, words, first, second) = merge_input(index, theirs, input)?;
                    if let Some(slot) = merged.inputs.get_mut(index) {
                        slot.ty = ty;
                        slot.admits_unknown |= input.admits_unknown;
                        // The words of the newer version.
                        slot.label.clone_from(&input.label);
                        // Its value labels too, the older ones where it
                        // gives none.
                        let mut labels = theirs.value_labels.clone();
                        labels.resize(slot.value_names().len(), None);
                        for (position, value) in (0u32..).zip(&map) {
                            if let (Some(label), Some(merged)) =
                                (input.value_label(position), labels.get_mut(*value as usize))
                            {
                                *merged = Some(label.to_owned());
                            }
                        }
                        slot.value_labels = labels;
                    }
                    values.push(map);
                    old_domain.extend(first);
                    new_domain.extend(second);
                    if let Some(d) = declared.get_mut(index) {
                        *d = if words.is_empty() {
                            Declared::Same
                        } else {
                            Declared::Changed(words)
                        };
                    }
                }
                inputs.push(index);
            }
            None => {
                inputs.push(merged.inputs.len());
                values.push(Vec::new());
                declared.push(Declared::OnlySecond);
                merged.inputs.push(input.clone());
            }
        }
    }
    let remap = Remap {
        inputs,
        values,
        definitions: a.definitions.len(),
        scores: a.scores.len(),
    };
    let mut first_asked: Vec<Option<Cond>> =
        a.inputs.iter().map(|i| i.asked_when.clone()).collect();
    first_asked.resize(merged.inputs.len(), None);
    let mut second_asked: Vec<Option<Cond>> = vec![None; merged.inputs.len()];
    for (index, input) in b.inputs.iter().enumerate() {
        if let (Some(asked), Some(slot)) = (&input.asked_when, remap.inputs.get(index)) {
            if let Some(cell) = second_asked.get_mut(*slot) {
                *cell = Some(remap.cond(asked));
            }
        }
    }
    // `asked when` of inputs new to the merge refer to the second
    // guideline's names; an input asked only in the second guideline takes
    // its `asked when`, so that it has a "not asked" class.
    for (index, input) in merged.inputs.iter_mut().enumerate() {
        let lenient = matching == Matching::Lenient && input.asked_when.is_none();
        if index >= a.inputs.len() || lenient {
            input.asked_when = second_asked.get(index).cloned().flatten();
        }
    }
    for definition in &b.definitions {
        let mut definition = definition.clone();
        definition.condition = remap.cond(&definition.condition);
        merged.definitions.push(definition);
    }
    for score in &b.scores {
        let mut score = score.clone();
        for term in &mut score.terms {
            match term {
                ScoreTerm::Points { when, .. } => *when = remap.cond(when),
                ScoreTerm::Input { input, .. } => *input = remap.input(*input),
            }
        }
        merged.scores.push(score);
    }
    let first_assumptions = 0..a.assumptions.len();
    for assumption in &b.assumptions {
        merged.assumptions.push(Assumption {
            condition: remap.cond(&assumption.condition),
            span: assumption.span,
        });
    }
    let second_assumptions = first_assumptions.end..merged.assumptions.len();
    let header_span = a
        .header
        .as_ref()
        .map_or(Span::new(a.file, 0, 0), |h| h.span);
    let push_all = |conds: Vec<Cond>, merged: &mut Guideline| {
        let start = merged.assumptions.len();
        for condition in conds {
            merged.assumptions.push(Assumption {
                condition,
                span: header_span,
            });
        }
        start..merged.assumptions.len()
    };
    let old_domain = push_all(old_domain, &mut merged);
    let new_domain = push_all(new_domain, &mut merged);
    // The second guideline's `asked when`s, as assumptions no version
    // keeps: only so that the lowering cuts number inputs at their
    // thresholds too.
    if matching == Matching::Lenient {
        push_all(
            second_asked.iter().flatten().cloned().collect(),
            &mut merged,
        );
    }
    let mut entries: HashMap<&str, EntryId> = a
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut entry_map = Vec::with_capacity(b.entries.len());
    for entry in &b.entries {
        match entries.get(entry.id.as_str()) {
            Some(index) => {
                if matching == Matching::Lenient {
                    if let Some(slot) = merged.entries.get_mut(*index) {
                        slot.label.clone_from(&entry.label);
                    }
                }
                entry_map.push(*index);
            }
            None => {
                entry_map.push(merged.entries.len());
                entries.insert(entry.id.as_str(), merged.entries.len());
                merged.entries.push(entry.clone());
            }
        }
    }
    let entry = |e: EntryId| entry_map.get(e).copied().unwrap_or(usize::MAX);
    let offset = a.rules.len();
    for rule in &b.rules {
        let mut rule = rule.clone();
        rule.when = rule.when.as_ref().map(|c| remap.cond(c));
        rule.overrides = rule.overrides.iter().map(|r| r + offset).collect();
        for action in &mut rule.actions {
            action.target = entry(action.target);
            action.instead = action.instead.map(entry);
            action.alternatives = action
                .alternatives
                .iter()
                .map(|(c, t)| (remap.cond(c), entry(*t)))
                .collect();
        }
        merged.rules.push(rule);
    }
    // Each guideline's exclusions hold for its own rules in the merge, so
    // that its overrides drop what they drop on their own.
    for exclusive in &b.exclusive {
        let mut exclusive = exclusive.clone();
        exclusive.entries = exclusive.entries.iter().map(|&e| entry(e)).collect();
        merged.exclusive.push(exclusive);
    }
    Ok(Merged {
        guideline: merged,
        first_rules: offset,
        first_assumptions,
        second_assumptions,
        old_domain,
        new_domain,
        declared,
        second_inputs: remap.inputs,
        second_entries: entry_map,
        first_asked,
        second_asked,
    })
}
