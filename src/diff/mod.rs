//! `leidraad diff OLD NEW`: what a change to a guideline does to every
//! patient.
//!
//! The two versions are merged into one space of patients (inputs and
//! catalogue entries matched by name, after `renames`; a widened range, an
//! added value or `or unknown` become one declaration, and each version's
//! own values a condition on it: `model::merge`). Both are lowered
//! together, so that their number inputs are cut at the thresholds of both,
//! and each version keeps its own rules, overrides, exclusions and
//! assumptions. The search (`search.rs`) then settles every patient of that
//! space exactly, with the reference semantics of each version
//! ([`Problem::outcome_complete`]); the boxes of patients whose advice
//! differs are joined into groups, described in the guideline's words
//! (`describe.rs`), and each group's example patient is confirmed by
//! evaluating it as a record with both versions ([`crate::eval::evaluate`]).
//! Pure: the command line reads the files and writes the result
//! (`render.rs`).

mod describe;
pub mod render;
mod search;

pub use describe::Fact;

use crate::eval::{Evaluation, evaluate};
use crate::logic::problem::{ActionKind, Class, Content, Formula, Problem, Urgency};
use crate::model::Guideline;
use crate::model::lower::{AssumptionOrigin, Lowering, Valid, lower};
use crate::model::merge::{Declared, Matching, Merged, merge};
use crate::model::record::read_record;
use crate::model::words::Words;
use crate::source::Span;
use crate::syntax::vocabulary::{kind_word, urgency_word};
use search::{Cube, Found, Search, Set, Stop, Versions};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

/// The `schema` field of the JSON output.
pub const SCHEMA: &str = "leidraad-diff/1";

/// How a diff runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffOptions {
    /// `(old name, new name)`: an input or catalogue entry renamed.
    pub renames: Vec<(String, String)>,
    /// The most boxes of patients the search may visit.
    pub max_boxes: usize,
    /// The longest the search may take; `None`: no limit (the library
    /// reads no clock unless asked).
    pub time_limit: Option<Duration>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            renames: Vec::new(),
            max_boxes: 2_000_000,
            time_limit: None,
        }
    }
}

/// Why a diff could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffError {
    /// A `--rename` names something that is not there.
    Rename(String),
    /// The versions cannot be merged (an input changed its kind or unit).
    Merge(String),
    /// The search ran out of its budget.
    Budget(String),
    /// An example patient did not confirm its group (a bug; never hidden).
    Unconfirmed(String),
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Rename(m) | DiffError::Merge(m) | DiffError::Budget(m) => f.write_str(m),
            DiffError::Unconfirmed(m) => write!(f, "the diff could not be confirmed: {m}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// Which versions have a group's patients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Both,
    OnlyOld,
    OnlyNew,
}

/// What one version advises on one entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Advice {
    pub kind: ActionKind,
    pub urgency: Option<Urgency>,
    pub instead: Option<String>,
}

impl Advice {
    /// `order urgent`, `avoid instead physio`.
    pub fn words(&self) -> String {
        let mut text = kind_word(self.kind).to_owned();
        if let Some(urgency) = self.urgency {
            text.push(' ');
            text.push_str(&urgency_word(urgency));
        }
        if let Some(instead) = &self.instead {
            text.push_str(" instead ");
            text.push_str(instead);
        }
        text
    }
}

/// How the advice on one catalogue entry changes for a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryChange {
    pub entry: String,
    pub label: String,
    /// Empty: nothing about the entry.
    pub old: Vec<Advice>,
    pub new: Vec<Advice>,
}

impl EntryChange {
    /// `appears`, `disappears` or `changes`.
    pub fn kind(&self) -> &'static str {
        match (self.old.is_empty(), self.new.is_empty()) {
            (true, _) => "appears",
            (_, true) => "disappears",
            _ => "changes",
        }
    }
}

/// A rule behind a group's advice, in one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub rule: String,
    pub span: Span,
    /// What it does for the example patient: `order mri urgent`,
    /// `overrides r3 (refer x)`.
    pub does: String,
    /// The same in the guideline's words, with the labels of the entries:
    /// `bestel MRI (dringend)`, `gaat voor r3 (verwijs Neuroloog)`.
    pub says: String,
}

/// A group of patients whose advice differs.
#[derive(Clone, Debug)]
pub struct Group {
    pub presence: Presence,
    /// The inputs that define the group; every other input is "any".
    pub facts: Vec<Fact>,
    /// When the group is a union of several boxes: what each adds to
    /// `facts` (the group is `facts` and one of these).
    pub alternatives: Vec<Vec<Fact>>,
    /// Per entry, the advice of each version (for a group one version does
    /// not have: the other's advice, all of it).
    pub changes: Vec<EntryChange>,
    /// A patient of the group, a complete record of the merged inputs, as
    /// evaluated with both versions.
    pub example: Json,
    pub old_rules: Vec<RuleRef>,
    pub new_rules: Vec<RuleRef>,
    /// The boxes of patients (merged classes) that make up the group.
    cubes: Vec<Cube>,
}

/// What became of one input's declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputChange {
    pub input: String,
    pub label: String,
    /// `added`, `removed` or `changed`.
    pub kind: &'static str,
    /// How it changed: `range 0..120 years became 0..130 years`.
    pub words: Vec<String>,
    /// Which patients it affects, in the guideline's words.
    pub affects: Vec<String>,
    /// The groups (indices into [`Diff::groups`]) that name the input.
    pub groups: Vec<usize>,
}

/// The result of a diff.
#[derive(Clone, Debug)]
pub struct Diff {
    pub old_name: String,
    pub new_name: String,
    pub inputs: Vec<InputChange>,
    pub groups: Vec<Group>,
    /// The merged space, for tests that enumerate every patient.
    space: Space,
}

/// The merged inputs of both versions, for enumerating patients.
#[derive(Clone, Debug)]
pub struct Space {
    guideline: Guideline,
    lowering: Lowering,
    shapes: Vec<Formula>,
}

impl Space {
    /// The number of classes of every variable.
    pub fn var_sizes(&self) -> &[u32] {
        &self.lowering.problem.var_sizes
    }

    /// Whether the classes are values at all (a whole-number input has no
    /// value in an interval without a whole number).
    pub fn is_value(&self, assignment: &[Class]) -> bool {
        self.shapes.iter().all(|f| f.holds(assignment))
    }

    /// The record of a patient, with the merged inputs' names.
    pub fn record(&self, assignment: &[Class]) -> Json {
        self.lowering.witness_record(&self.guideline, assignment)
    }

    /// The classes of a record that answers every merged input (a field
    /// left out takes its default), for [`Diff::groups_of`]; `None` when
    /// the record is refused or leaves an input without an answer.
    pub fn classes_of(&self, record: &Json) -> Option<Vec<Class>> {
        let read = read_record(&self.guideline, record).ok()?;
        let slots: Vec<crate::model::Slot> = self
            .guideline
            .inputs
            .iter()
            .zip(&read.values)
            .map(|(input, value)| {
                value
                    .clone()
                    .or_else(|| input.default.clone())
                    .map_or(crate::model::Slot::Unknown, crate::model::Slot::Known)
            })
            .collect();
        let classes: Option<Vec<Class>> = self.lowering.assignment(&slots).into_iter().collect();
        classes.filter(|c| self.is_value(c))
    }
}

impl Diff {
    /// Whether some patient gets different advice (or exists in one version
    /// only).
    pub fn differs(&self) -> bool {
        !self.groups.is_empty()
    }

    pub fn space(&self) -> &Space {
        &self.space
    }

    /// The groups that hold a patient (merged classes).
    pub fn groups_of(&self, assignment: &[Class]) -> Vec<usize> {
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                g.cubes.iter().any(|cube| {
                    cube.iter()
                        .zip(assignment)
                        .all(|(set, &class)| set.contains(class))
                })
            })
            .map(|(index, _)| index)
            .collect()
    }
}

fn header_name(guideline: &Guideline) -> String {
    guideline
        .header
        .as_ref()
        .map_or_else(|| "?".to_owned(), |h| h.id.clone())
}

/// Applies the renames to a copy of the old version.
fn renamed(
    old: &Guideline,
    new: &Guideline,
    renames: &[(String, String)],
) -> Result<Guideline, DiffError> {
    let mut out = old.clone();
    for (from, to) in renames {
        if let Some(index) = old.input_index(from) {
            if new.input_index(to).is_none() {
                return Err(DiffError::Rename(format!(
                    "--rename {from}={to}: the new version has no input `{to}`"
                )));
            }
            if let Some(input) = out.inputs.get_mut(index) {
                input.id.clone_from(to);
            }
        } else if let Some(index) = old.entry_index(from) {
            if new.entry_index(to).is_none() {
                return Err(DiffError::Rename(format!(
                    "--rename {from}={to}: the new version has no catalogue entry `{to}`"
                )));
            }
            if let Some(entry) = out.entries.get_mut(index) {
                entry.id.clone_from(to);
            }
        } else {
            return Err(DiffError::Rename(format!(
                "--rename {from}={to}: the old version has no input or catalogue entry `{from}`"
            )));
        }
    }
    Ok(out)
}

/// Each variable's `asked when` in one version, lowered over the merged
/// inputs (`None`: always asked, or the version lacks the input).
fn asked_formulas(
    merged: &Merged,
    lowering: &Lowering,
    asked: &[Option<crate::model::Cond>],
    definitions: &mut Vec<Option<Formula>>,
) -> Vec<Option<Formula>> {
    let mut out = vec![None; lowering.problem.var_sizes.len()];
    for (index, vars) in lowering.inputs.iter().enumerate() {
        let Some(condition) = asked.get(index).cloned().flatten() else {
            continue;
        };
        let formula = lowering.formula(&merged.guideline, &condition, definitions);
        for &var in &vars.vars {
            if let Some(cell) = out.get_mut(var as usize) {
                *cell = Some(formula.clone());
            }
        }
    }
    out
}

/// A version's formula seen from the merged patients: every patient has a
/// value for every input, and a version that does not ask an input reads
/// it as "not asked", so each test of an input becomes "asked and the
/// test" (a test is false on an input that is not asked, its negation
/// true, as in the lowering). `asked when`s that use asked inputs are
/// projected in turn; the front end refuses cycles, and `depth` bounds the
/// chain anyway.
fn project(formula: &Formula, asked: &[Option<Formula>], depth: usize) -> Formula {
    match formula {
        Formula::True | Formula::False => formula.clone(),
        Formula::In { var, .. } => match asked.get(*var as usize).cloned().flatten() {
            Some(condition) if depth < 64 => {
                Formula::And(vec![project(&condition, asked, depth + 1), formula.clone()])
            }
            Some(_) => Formula::False,
            None => formula.clone(),
        },
        Formula::Not(inner) => Formula::Not(Box::new(project(inner, asked, depth))),
        Formula::And(parts) => {
            Formula::And(parts.iter().map(|p| project(p, asked, depth)).collect())
        }
        Formula::Or(parts) => Formula::Or(parts.iter().map(|p| project(p, asked, depth)).collect()),
        Formula::Sum(sum) => {
            let mut sum = (**sum).clone();
            for (case, _) in sum.terms.iter_mut().flatten() {
                *case = project(case, asked, depth);
            }
            Formula::Sum(Box::new(sum))
        }
    }
}

fn project_rules(rules: &mut [crate::logic::problem::Rule], asked: &[Option<Formula>]) {
    if asked.iter().all(Option::is_none) {
        return;
    }
    for rule in rules {
        rule.when = project(&rule.when, asked, 0);
        for action in &mut rule.actions {
            for (condition, _) in &mut action.alternatives {
                *condition = project(condition, asked, 0);
            }
        }
    }
}

/// Pairs each rule of one version with an identical rule of the other
/// (same condition, actions and overrides of paired rules); returns which
/// rules of each have no partner.
fn changed_rules(old: &Problem, new: &Problem) -> (Vec<bool>, Vec<bool>) {
    if old.exclusive != new.exclusive {
        return (vec![true; old.rules.len()], vec![true; new.rules.len()]);
    }
    let mut free: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let key = |rule: &crate::logic::problem::Rule| format!("{:?}|{:?}", rule.when, rule.actions);
    for (index, rule) in new.rules.iter().enumerate() {
        free.entry(key(rule)).or_default().push(index);
    }
    let mut partner_old: Vec<Option<usize>> = vec![None; old.rules.len()];
    let mut partner_new: Vec<Option<usize>> = vec![None; new.rules.len()];
    for (index, rule) in old.rules.iter().enumerate() {
        if let Some(list) = free.get_mut(&key(rule)) {
            if !list.is_empty() {
                let j = list.remove(0);
                if let Some(cell) = partner_old.get_mut(index) {
                    *cell = Some(j);
                }
                if let Some(cell) = partner_new.get_mut(j) {
                    *cell = Some(index);
                }
            }
        }
    }
    // Overrides must agree on the paired rules; unpair until they do.
    loop {
        let mut broke = false;
        for i in 0..old.rules.len() {
            let Some(j) = partner_old.get(i).copied().flatten() else {
                continue;
            };
            let (Some(a), Some(b)) = (old.rules.get(i), new.rules.get(j)) else {
                continue;
            };
            let mine: BTreeSet<usize> = a
                .overrides
                .iter()
                .filter_map(|&v| partner_old.get(v).copied().flatten())
                .collect();
            let theirs: BTreeSet<usize> = b
                .overrides
                .iter()
                .copied()
                .filter(|&v| partner_new.get(v).copied().flatten().is_some())
                .collect();
            if mine != theirs {
                if let Some(cell) = partner_old.get_mut(i) {
                    *cell = None;
                }
                if let Some(cell) = partner_new.get_mut(j) {
                    *cell = None;
                }
                broke = true;
            }
        }
        if !broke {
            break;
        }
    }
    (
        partner_old.iter().map(Option::is_none).collect(),
        partner_new.iter().map(Option::is_none).collect(),
    )
}

/// The entries whose advice a changed rule can change: its own targets and
/// those of the rules it overrides.
fn touched_entries(problem: &Problem, changed: &[bool], out: &mut BTreeSet<u32>) {
    for (rule, _) in problem.rules.iter().zip(changed).filter(|(_, c)| **c) {
        let mut add_targets = |r: &crate::logic::problem::Rule| {
            for action in &r.actions {
                out.insert(action.target);
                out.extend(action.alternatives.iter().map(|(_, t)| *t));
            }
        };
        add_targets(rule);
        for &victim in &rule.overrides {
            if let Some(v) = problem.rules.get(victim) {
                add_targets(v);
            }
        }
    }
}

/// The two side problems and the search's view of them.
struct Prepared {
    merged: Merged,
    lowering: Lowering,
    old: Problem,
    new: Problem,
    common: Vec<Formula>,
    old_only: Vec<Formula>,
    new_only: Vec<Formula>,
    shapes: Vec<Formula>,
}

fn prepare(renamed_old: &Guideline, new: &Guideline) -> Result<Prepared, DiffError> {
    let merged = merge(renamed_old, new, Matching::Lenient).map_err(DiffError::Merge)?;
    let lowering = lower(&merged.guideline);
    let mut shapes = Vec::new();
    let mut old_list = Vec::new();
    let mut new_list = Vec::new();
    for (formula, origin) in lowering
        .problem
        .assumptions
        .iter()
        .zip(&lowering.assumption_origin)
    {
        match origin {
            AssumptionOrigin::Shape(_) => shapes.push(formula.clone()),
            AssumptionOrigin::AskedWhen(_) => {}
            AssumptionOrigin::Stated(i) => {
                if merged.first_assumptions.contains(i) || merged.old_domain.contains(i) {
                    old_list.push(formula.clone());
                } else if merged.second_assumptions.contains(i) || merged.new_domain.contains(i) {
                    new_list.push(formula.clone());
                }
            }
        }
    }
    let mut definitions = vec![None; merged.guideline.definitions.len()];
    let old_asked = asked_formulas(&merged, &lowering, &merged.first_asked, &mut definitions);
    let new_asked = asked_formulas(&merged, &lowering, &merged.second_asked, &mut definitions);
    let old_list: Vec<Formula> = old_list.iter().map(|f| project(f, &old_asked, 0)).collect();
    let new_list: Vec<Formula> = new_list.iter().map(|f| project(f, &new_asked, 0)).collect();
    // Every patient answers every input; "not asked" is each version's
    // reading of an answer, not an answer of its own.
    for vars in &lowering.inputs {
        if let Some(absent) = vars.absent {
            for &var in &vars.vars {
                shapes.push(Formula::Not(Box::new(Formula::In {
                    var,
                    classes: vec![absent],
                })));
            }
        }
    }
    // What both versions assume is common; the rest is each one's own.
    let mut common = shapes.clone();
    let mut new_only = new_list;
    let mut old_only = Vec::new();
    for formula in old_list {
        match new_only.iter().position(|f| *f == formula) {
            Some(at) => {
                new_only.remove(at);
                common.push(formula);
            }
            None => old_only.push(formula),
        }
    }
    let split = merged.first_rules;
    let all_rules = &lowering.problem.rules;
    let mut new_rules: Vec<crate::logic::problem::Rule> =
        all_rules.get(split..).unwrap_or(&[]).to_vec();
    project_rules(&mut new_rules, &new_asked);
    let mut old_rules: Vec<crate::logic::problem::Rule> =
        all_rules.get(..split).unwrap_or(&[]).to_vec();
    project_rules(&mut old_rules, &old_asked);
    for rule in &mut new_rules {
        rule.overrides = rule
            .overrides
            .iter()
            .map(|r| r.saturating_sub(split))
            .collect();
    }
    let mut new_exclusive: Vec<(u32, u32)> = new
        .exclusive_pairs()
        .into_iter()
        .map(|(a, b)| {
            let a = merged.second_entries.get(a).copied().unwrap_or(a);
            let b = merged.second_entries.get(b).copied().unwrap_or(b);
            (
                crate::logic::problem::index_u32(a.min(b)),
                crate::logic::problem::index_u32(a.max(b)),
            )
        })
        .collect();
    new_exclusive.sort_unstable();
    new_exclusive.dedup();
    let old_exclusive: Vec<(u32, u32)> = renamed_old
        .exclusive_pairs()
        .into_iter()
        .map(|(a, b)| {
            (
                crate::logic::problem::index_u32(a),
                crate::logic::problem::index_u32(b),
            )
        })
        .collect();
    let side = |rules: Vec<crate::logic::problem::Rule>,
                own: &[Formula],
                exclusive: Vec<(u32, u32)>| Problem {
        var_sizes: lowering.problem.var_sizes.clone(),
        assumptions: common.iter().chain(own).cloned().collect(),
        rules,
        requirements: Vec::new(),
        exclusive,
    };
    let old = side(old_rules, &old_only, old_exclusive);
    let new_problem = side(new_rules, &new_only, new_exclusive);
    Ok(Prepared {
        merged,
        lowering,
        old,
        new: new_problem,
        common,
        old_only,
        new_only,
        shapes,
    })
}

fn stop_message(stop: &Stop) -> String {
    match stop {
        Stop::Boxes(limit) => format!(
            "the diff did not finish: it needed more than {limit} boxes of patients; raise the budget with `--max-boxes N`"
        ),
        Stop::Time(limit) => format!(
            "the diff did not finish within {} seconds; raise the limit with `--time-limit SECONDS`",
            limit.as_secs_f64()
        ),
    }
}

/// Whether two boxes differ in one variable at most; returns it.
fn differ_in_one(a: &Cube, b: &Cube) -> Option<Option<usize>> {
    let mut at = None;
    for (index, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            if at.is_some() {
                return None;
            }
            at = Some(index);
        }
    }
    Some(at)
}

/// Joins boxes of one group that differ in one variable, until none do.
fn join(mut cubes: Vec<Cube>) -> Vec<Cube> {
    if cubes.len() > 2_000 {
        return cubes;
    }
    loop {
        let mut joined = false;
        'outer: for i in 0..cubes.len() {
            for j in (i + 1)..cubes.len() {
                let (Some(a), Some(b)) = (cubes.get(i), cubes.get(j)) else {
                    continue;
                };
                if let Some(at) = differ_in_one(a, b) {
                    let mut union = a.clone();
                    if let (Some(at), Some(other)) = (at, b.get(at.unwrap_or(0))) {
                        if let Some(slot) = union.get_mut(at) {
                            *slot = slot.union(other);
                        }
                    }
                    if let Some(cell) = cubes.get_mut(i) {
                        *cell = union;
                    }
                    cubes.remove(j);
                    joined = true;
                    break 'outer;
                }
            }
        }
        if !joined {
            return cubes;
        }
    }
}

/// Widens a box along each variable it restricts, to every class, where
/// the widened box holds only patients of the same group (or none at all);
/// so that a group names only the inputs that matter to it. Each try may
/// visit a few boxes, and all tries together a bounded number: widening
/// only shortens descriptions, it never changes which patients differ.
fn widen(search: &mut Search<'_>, cube: &Cube, found: &Found, allowance: usize) -> Cube {
    let mut cube = cube.clone();
    let sizes = search.sizes().to_vec();
    for (var, &size) in sizes.iter().enumerate() {
        if cube.get(var).is_none_or(|s| s.count() >= size) || search.visited() > allowance {
            continue;
        }
        let mut wide = cube.clone();
        if let Some(slot) = wide.get_mut(var) {
            *slot = Set::full(size);
        }
        if let Ok(outcome) = search.run_limited(wide.clone(), 256) {
            if !outcome.same && outcome.boxes.iter().all(|(_, f)| f == found) {
                cube = wide;
            }
        }
    }
    cube
}

/// Makes the diff of two versions of a guideline.
pub fn diff(old: Valid<'_>, new: Valid<'_>, options: &DiffOptions) -> Result<Diff, DiffError> {
    let renamed_old = renamed(old.guideline, new.guideline, &options.renames)?;
    let prepared = prepare(&renamed_old, new.guideline)?;
    let (changed_old, changed_new) = changed_rules(&prepared.old, &prepared.new);
    let mut entries = BTreeSet::new();
    touched_entries(&prepared.old, &changed_old, &mut entries);
    touched_entries(&prepared.new, &changed_new, &mut entries);
    let versions = Versions {
        old: &prepared.old,
        new: &prepared.new,
        common: prepared.common.clone(),
        old_only: prepared.old_only.clone(),
        new_only: prepared.new_only.clone(),
        changed_old,
        changed_new,
        entries,
    };
    let mut search = Search::new(&versions, options.max_boxes, options.time_limit);
    let everyone = search.everyone();
    let outcome = search
        .run(everyone)
        .map_err(|stop| DiffError::Budget(stop_message(&stop)))?;
    let mut by_found: BTreeMap<Found, Vec<Cube>> = BTreeMap::new();
    for (cube, found) in outcome.boxes {
        by_found.entry(found).or_default().push(cube);
    }
    let words = crate::model::words::of(new.guideline);
    let merged = &prepared.merged;
    let lowering = &prepared.lowering;
    let mut groups = Vec::new();
    // Widening may visit as many boxes again as the search did, and two
    // thousand more.
    let allowance = search.visited().saturating_add(2_000);
    for (found, leaves) in by_found {
        let joined = join(leaves.clone());
        let mut widened: Vec<Cube> = Vec::new();
        for cube in &joined {
            let wide = widen(&mut search, cube, &found, allowance);
            if !widened.iter().any(|w| contains(w, &wide)) {
                widened.retain(|w| !contains(&wide, w));
                widened.push(wide);
            }
        }
        let widened = join(widened);
        // The example comes from a box the search settled.
        let first = widened
            .first()
            .cloned()
            .unwrap_or_else(|| search.everyone());
        let mut point = describe::example(lowering, &first);
        if search.found_at(&point).as_ref() != Some(&found) {
            let inside = leaves.iter().find(|leaf| contains(&first, leaf));
            if let Some(leaf) = inside.or(leaves.first()) {
                point = describe::example(lowering, leaf);
            }
        }
        groups.push(make_group(
            old,
            new,
            &renamed_old,
            merged,
            lowering,
            &found,
            widened,
            &point,
            words,
        )?);
    }
    let inputs = input_changes(&prepared, &renamed_old, new.guideline, &groups, words);
    Ok(Diff {
        old_name: header_name(old.guideline),
        new_name: header_name(new.guideline),
        inputs,
        groups,
        space: Space {
            guideline: prepared.merged.guideline.clone(),
            lowering: prepared.lowering.clone(),
            shapes: prepared.shapes.clone(),
        },
    })
}

fn contains(outer: &Cube, inner: &Cube) -> bool {
    outer.iter().zip(inner).all(|(o, i)| i.is_subset(o))
}

/// Evaluates the example with one version: its own fields of the merged
/// record, under its own names.
fn evaluate_side(valid: Valid<'_>, names: &Guideline, record: &Json) -> Option<Evaluation> {
    let fields = record.as_object()?;
    let mut own = serde_json::Map::new();
    for (index, input) in names.inputs.iter().enumerate() {
        if let (Some(value), Some(original)) =
            (fields.get(&input.id), valid.guideline.inputs.get(index))
        {
            own.insert(original.id.clone(), value.clone());
        }
    }
    let read = read_record(valid.guideline, &Json::Object(own)).ok()?;
    evaluate(valid.guideline, valid.lowering, &read.values).ok()
}

fn advice_of(content: &Content, merged: &Guideline) -> Advice {
    Advice {
        kind: content.kind,
        urgency: content.urgency,
        instead: content
            .instead
            .and_then(|i| merged.entries.get(i as usize))
            .map(|e| e.id.clone()),
    }
}

/// The advice an evaluation gives on one entry (merged names).
fn evaluated_advice(
    evaluation: &Evaluation,
    entry: &str,
    rename: &dyn Fn(&str) -> String,
) -> Vec<Advice> {
    let mut out: Vec<Advice> = evaluation
        .recommendations
        .iter()
        .filter(|r| rename(&r.target) == entry)
        .map(|r| Advice {
            kind: r.kind,
            urgency: r.urgency,
            instead: r.instead.as_deref().map(rename),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn rule_refs(
    evaluation: &Evaluation,
    guideline: &Guideline,
    entries: &BTreeSet<String>,
    rename: &dyn Fn(&str) -> String,
    words: &Words,
) -> Vec<RuleRef> {
    let label = |id: &str| {
        guideline
            .entry_index(id)
            .and_then(|i| guideline.entries.get(i))
            .map_or_else(|| id.to_owned(), |e| e.label.clone())
    };
    let mut out: Vec<RuleRef> = Vec::new();
    for r in &evaluation.recommendations {
        if entries.contains(&rename(&r.target)) {
            let advice = Advice {
                kind: r.kind,
                urgency: r.urgency,
                instead: r.instead.clone(),
            };
            let keywords = advice.words();
            let rest = keywords.strip_prefix(kind_word(r.kind)).unwrap_or("");
            let does = format!("{} {}{rest}", kind_word(r.kind), r.target);
            let mut says = format!("{} {}", words.kind(r.kind), r.target_label);
            if let Some(urgency) = r.urgency {
                says.push_str(&format!(" ({})", words.urgency(urgency)));
            }
            if let Some(instead) = &r.instead {
                says.push_str(&format!(
                    ", {}",
                    crate::model::words::fill(words.instead_of, &[&label(instead)])
                ));
            }
            out.push(RuleRef {
                rule: r.rule.clone(),
                span: r.rule_span,
                does,
                says,
            });
        }
    }
    for o in &evaluation.overruled {
        if entries.contains(&rename(&o.target)) {
            if let Some(rule) = guideline
                .rule_index(&o.by_rule)
                .and_then(|i| guideline.rules.get(i))
            {
                out.push(RuleRef {
                    rule: o.by_rule.clone(),
                    span: rule.id_span,
                    does: format!("overrides {} ({} {})", o.rule, kind_word(o.kind), o.target),
                    says: crate::model::words::fill(
                        words.doc.overrides_rule,
                        &[
                            &o.rule,
                            &format!("{} {}", words.kind(o.kind), label(&o.target)),
                        ],
                    ),
                });
            }
        }
    }
    out.dedup();
    out
}

#[expect(clippy::too_many_arguments, reason = "one private step of `diff`")]
fn make_group(
    old: Valid<'_>,
    new: Valid<'_>,
    renamed_old: &Guideline,
    merged: &Merged,
    lowering: &Lowering,
    found: &Found,
    cubes: Vec<Cube>,
    point: &[Class],
    words: &'static Words,
) -> Result<Group, DiffError> {
    let record = lowering.witness_record(&merged.guideline, point);
    let old_eval = evaluate_side(old, renamed_old, &record);
    let new_eval = evaluate_side(new, new.guideline, &record);
    // Old names to merged names (renames), new names are merged names.
    let old_rename = |name: &str| {
        old.guideline
            .entry_index(name)
            .and_then(|i| renamed_old.entries.get(i))
            .map_or_else(|| name.to_owned(), |e| e.id.clone())
    };
    let same = |name: &str| name.to_owned();
    let entry_label = |id: &str| {
        merged
            .guideline
            .entries
            .iter()
            .find(|e| e.id == id)
            .map_or_else(String::new, |e| e.label.clone())
    };
    let record_text = || serde_json::to_string(&record).unwrap_or_default();
    let (presence, changes) = match found {
        Found::Differs(diffs) => {
            let (Some(o), Some(n)) = (&old_eval, &new_eval) else {
                return Err(DiffError::Unconfirmed(format!(
                    "the example patient {} is not a patient of both versions",
                    record_text()
                )));
            };
            let mut changes = Vec::new();
            for d in diffs {
                let Some(entry) = merged.guideline.entries.get(d.entry as usize) else {
                    continue;
                };
                let want_old: Vec<Advice> = d
                    .old
                    .iter()
                    .map(|c| advice_of(c, &merged.guideline))
                    .collect();
                let want_new: Vec<Advice> = d
                    .new
                    .iter()
                    .map(|c| advice_of(c, &merged.guideline))
                    .collect();
                let got_old = evaluated_advice(o, &entry.id, &old_rename);
                let got_new = evaluated_advice(n, &entry.id, &same);
                let sorted = |mut v: Vec<Advice>| {
                    v.sort();
                    v.dedup();
                    v
                };
                if sorted(want_old.clone()) != got_old || sorted(want_new.clone()) != got_new {
                    return Err(DiffError::Unconfirmed(format!(
                        "the example patient {} does not get the advice on `{}` the diff found",
                        record_text(),
                        entry.id
                    )));
                }
                changes.push(EntryChange {
                    entry: entry.id.clone(),
                    label: entry.label.clone(),
                    old: got_old,
                    new: got_new,
                });
            }
            (Presence::Both, changes)
        }
        Found::OnlyOld | Found::OnlyNew => {
            let only_new = *found == Found::OnlyNew;
            let (has, lacks) = if only_new {
                (&new_eval, &old_eval)
            } else {
                (&old_eval, &new_eval)
            };
            let Some(has) = has.as_ref().filter(|_| lacks.is_none()) else {
                return Err(DiffError::Unconfirmed(format!(
                    "the example patient {} is not a patient of the {} version only",
                    record_text(),
                    if only_new { "new" } else { "old" }
                )));
            };
            let rename: &dyn Fn(&str) -> String = if only_new { &same } else { &old_rename };
            let names: BTreeSet<String> = has
                .recommendations
                .iter()
                .map(|r| rename(&r.target))
                .collect();
            let changes = names
                .iter()
                .map(|entry| {
                    let advice = evaluated_advice(has, entry, rename);
                    let (o, n) = if only_new {
                        (Vec::new(), advice)
                    } else {
                        (advice, Vec::new())
                    };
                    EntryChange {
                        entry: entry.clone(),
                        label: entry_label(entry),
                        old: o,
                        new: n,
                    }
                })
                .collect();
            (
                if only_new {
                    Presence::OnlyNew
                } else {
                    Presence::OnlyOld
                },
                changes,
            )
        }
    };
    let changed: BTreeSet<String> = changes.iter().map(|c| c.entry.clone()).collect();
    let old_rules = old_eval
        .as_ref()
        .map(|e| rule_refs(e, old.guideline, &changed, &old_rename, words))
        .unwrap_or_default();
    let new_rules = new_eval
        .as_ref()
        .map(|e| rule_refs(e, new.guideline, &changed, &same, words))
        .unwrap_or_default();
    // What all boxes of the group share, and what each adds.
    let per_box: Vec<Vec<Fact>> = cubes
        .iter()
        .map(|cube| describe::facts(&merged.guideline, lowering, cube, words))
        .collect();
    let facts: Vec<Fact> = per_box
        .first()
        .map(|first| {
            first
                .iter()
                .filter(|f| per_box.iter().all(|other| other.contains(f)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let alternatives: Vec<Vec<Fact>> = if per_box.len() > 1 {
        per_box
            .into_iter()
            .map(|list| list.into_iter().filter(|f| !facts.contains(f)).collect())
            .collect()
    } else {
        Vec::new()
    };
    Ok(Group {
        presence,
        facts,
        alternatives,
        changes,
        example: record,
        old_rules,
        new_rules,
        cubes,
    })
}

fn input_changes(
    prepared: &Prepared,
    renamed_old: &Guideline,
    new: &Guideline,
    groups: &[Group],
    words: &'static Words,
) -> Vec<InputChange> {
    let merged = &prepared.merged;
    let lowering = &prepared.lowering;
    let mut definitions = vec![None; merged.guideline.definitions.len()];
    let mut out = Vec::new();
    for (index, input) in merged.guideline.inputs.iter().enumerate() {
        let declared = merged
            .declared
            .get(index)
            .cloned()
            .unwrap_or(Declared::Same);
        let (kind, mut change_words) = match declared {
            Declared::Same => ("changed", Vec::new()),
            Declared::OnlyFirst => ("removed", vec!["only in the old version".to_owned()]),
            Declared::OnlySecond => ("added", vec!["only in the new version".to_owned()]),
            Declared::Changed(w) => ("changed", w),
        };
        if index < renamed_old.inputs.len() && merged.second_inputs.contains(&index) {
            let lowered = |c: &Option<crate::model::Cond>, defs: &mut Vec<Option<Formula>>| {
                c.as_ref()
                    .map(|c| lowering.formula(&merged.guideline, c, defs))
            };
            let a = lowered(
                merged.first_asked.get(index).unwrap_or(&None),
                &mut definitions,
            );
            let b = lowered(
                merged.second_asked.get(index).unwrap_or(&None),
                &mut definitions,
            );
            if a != b {
                change_words.push("`asked when` changed".to_owned());
            }
        }
        if change_words.is_empty() {
            continue;
        }
        // The patients each version's declaration leaves out.
        let mut affects = Vec::new();
        let _ = new;
        for (range, only) in [(&merged.old_domain, "new"), (&merged.new_domain, "old")] {
            for i in range.clone() {
                let Some(assumption) = merged.guideline.assumptions.get(i) else {
                    continue;
                };
                let formula =
                    lowering.formula(&merged.guideline, &assumption.condition, &mut definitions);
                if let Some(cube) = excluded_cube(lowering, &formula, index) {
                    let facts = describe::facts(&merged.guideline, lowering, &cube, words);
                    let text: Vec<String> = facts.iter().map(Fact::text).collect();
                    affects.push(format!(
                        "patients with {} exist only in the {only} version",
                        text.join(", ")
                    ));
                }
            }
        }
        let mentioned: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                g.facts
                    .iter()
                    .any(|f| f.input == input.id || f.input.starts_with(&format!("{}.", input.id)))
            })
            .map(|(i, _)| i)
            .collect();
        out.push(InputChange {
            input: input.id.clone(),
            label: input.label.clone(),
            kind,
            words: change_words,
            affects,
            groups: mentioned,
        });
    }
    out
}

/// The patients a domain condition `not (x in S)` on one input excludes:
/// the box with `S` on its variable, if the condition is of that form.
fn excluded_cube(lowering: &Lowering, formula: &Formula, input: usize) -> Option<Cube> {
    let Formula::Not(inner) = formula else {
        return None;
    };
    let Formula::In { var, classes } = inner.as_ref() else {
        return None;
    };
    let vars = lowering.inputs.get(input)?;
    if !vars.vars.contains(var) {
        return None;
    }
    let sizes = &lowering.problem.var_sizes;
    let mut cube: Cube = sizes.iter().map(|&s| Set::full(s)).collect();
    let size = sizes.get(*var as usize).copied()?;
    if let Some(slot) = cube.get_mut(*var as usize) {
        *slot = Set::of(size, classes);
    }
    Some(cube)
}
