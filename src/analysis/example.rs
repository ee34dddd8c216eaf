//! Example patients a clinician can read: of a finding's witness, only the
//! facts that matter, found exactly, and plausible values for the rest.
//!
//! A finding (two rules clash, a requirement fails, ...) is a property of
//! the outcome. Starting from the witness's answers, each input is released
//! in turn (any answer allowed) and kept released when the property still
//! holds for **every** patient of the remaining region; a fixed number
//! input is then widened to the neighbouring classes for which it still
//! holds. "Holds for every patient" is decided on decision diagrams: every
//! rule that can matter fires always or never in the region, or the
//! property holds for every combination of the ones that may fire; the
//! alternatives of those rules are decided. What is left are facts without
//! which the example is not shown to hold: the note lists them with the
//! guideline's labels, and says that any answer to the other questions
//! gives the same finding.

use super::Context;
use crate::diagnostics::Fact;
use crate::logic::mdd::{FALSE, Mdd, NodeId};
use crate::logic::problem::{Class, Formula, Outcome, ResolvedAction, RuleId, Target, excludes};
use crate::model::describe::{Describe, join_or};
use crate::model::{InputId, Type};

/// Nodes the diagrams of one file's facts may hold together. Past it, a
/// finding keeps its complete example record, which is still confirmed.
const FACTS_NODE_BUDGET: usize = 200_000;

/// How many parts a region may split into on the conditions of the rules
/// that matter (the property is evaluated on each).
const MAX_PARTS: usize = 4096;

/// What the facts of a finding are computed from.
pub(crate) struct Shows<'f> {
    /// The rules whose firing and actions the property depends on (others
    /// keep the witness's outcome).
    pub rules: Vec<RuleId>,
    /// Conditions that must hold in the whole region (a requirement's
    /// `when`).
    pub premises: Vec<&'f Formula>,
    /// The property, on the outcome.
    pub shows: &'f dyn Fn(&Outcome) -> bool,
}

/// The diagrams of a file's rule conditions, built when first needed.
pub(crate) struct FactsEngine {
    mdd: Mdd,
    assumptions: Option<NodeId>,
    /// Per rule: its `when` and, per action, its alternatives' conditions.
    rules: Vec<Option<RuleNodes>>,
    /// A diagram did not fit in the budget: no facts for this file.
    failed: bool,
}

#[derive(Clone)]
struct RuleNodes {
    when: NodeId,
    alternatives: Vec<Vec<NodeId>>,
}

/// A finding's diagrams, built before the regions are tried so that each
/// try can be rolled back.
struct Prepared {
    assumptions: NodeId,
    premises: Vec<NodeId>,
    /// The rules that matter, in rule order, with their diagrams.
    rules: Vec<(RuleId, RuleNodes)>,
    /// The conditions a region is split on: each rule's `when`, then its
    /// alternatives' conditions, in that order.
    conditions: Vec<NodeId>,
}

impl FactsEngine {
    pub(crate) fn new(var_sizes: &[u32], rules: usize) -> FactsEngine {
        FactsEngine {
            mdd: Mdd::new(var_sizes, FACTS_NODE_BUDGET),
            assumptions: None,
            rules: vec![None; rules],
            failed: false,
        }
    }

    fn formula(&mut self, formula: &Formula) -> Option<NodeId> {
        if self.failed {
            return None;
        }
        let node = self.mdd.from_formula(formula).ok();
        self.failed |= node.is_none();
        node
    }

    fn rule(&mut self, context: &Context<'_>, id: RuleId) -> Option<RuleNodes> {
        if let Some(Some(nodes)) = self.rules.get(id) {
            return Some(nodes.clone());
        }
        let rule = context.lowering.problem.rules.get(id)?;
        let when = self.formula(&rule.when)?;
        let mut alternatives = Vec::with_capacity(rule.actions.len());
        for action in &rule.actions {
            let mut conditions = Vec::with_capacity(action.alternatives.len());
            for (condition, _) in &action.alternatives {
                conditions.push(self.formula(condition)?);
            }
            alternatives.push(conditions);
        }
        let nodes = RuleNodes { when, alternatives };
        if let Some(cell) = self.rules.get_mut(id) {
            *cell = Some(nodes.clone());
        }
        Some(nodes)
    }

    /// The diagrams of a finding's rules and premises (cached per file,
    /// but for the premises). `None` past the budget.
    fn prepare(&mut self, context: &Context<'_>, finding: &Shows<'_>) -> Option<Prepared> {
        let assumptions = match self.assumptions {
            Some(node) => node,
            None => {
                let all = Formula::And(context.lowering.problem.assumptions.clone());
                let node = self.formula(&all)?;
                self.assumptions = Some(node);
                node
            }
        };
        let mut premises = Vec::new();
        for premise in &finding.premises {
            premises.push(self.formula(premise)?);
        }
        let mut rules = Vec::new();
        let mut conditions = Vec::new();
        for &id in &finding.rules {
            let nodes = self.rule(context, id)?;
            conditions.push(nodes.when);
            conditions.extend(nodes.alternatives.iter().flatten().copied());
            rules.push((id, nodes));
        }
        Some(Prepared {
            assumptions,
            premises,
            rules,
            conditions,
        })
    }

    /// Whether `finding` holds for every patient of the region where each
    /// variable `v` has a class of `allowed[v]` (and the assumptions hold).
    ///
    /// Exact: the region is split on the conditions of the rules that
    /// matter, keeping only the parts that some patient is in, and the
    /// property is evaluated on each part's outcome (the rules that do not
    /// matter keep the witness's). `Some(false)` also when the region
    /// splits into more than [`MAX_PARTS`] parts (then the fact is kept:
    /// the example claims less, never more); `None` past the node budget.
    fn holds_everywhere(
        &mut self,
        context: &Context<'_>,
        prepared: &Prepared,
        finding: &Shows<'_>,
        base: &Base,
        allowed: &[Vec<bool>],
    ) -> Option<bool> {
        let mark = self.mdd.mark();
        let result = self.try_region(context, prepared, finding, base, allowed);
        self.mdd.rollback(mark);
        if result.is_none() {
            self.failed = true;
        }
        result
    }

    fn try_region(
        &mut self,
        context: &Context<'_>,
        prepared: &Prepared,
        finding: &Shows<'_>,
        base: &Base,
        allowed: &[Vec<bool>],
    ) -> Option<bool> {
        let cube = self
            .mdd
            .cube_with(|v, c| {
                allowed
                    .get(v as usize)
                    .and_then(|a| a.get(c as usize))
                    .copied()
                    .unwrap_or(false)
            })
            .ok()?;
        let region = self.mdd.and(cube, prepared.assumptions).ok()?;
        if region == FALSE {
            // The witness itself is in the region; an empty one is a bug.
            return Some(false);
        }
        for &premise in &prepared.premises {
            if !self.mdd.implies(region, premise) {
                return Some(false);
            }
        }
        let mut truth = Vec::with_capacity(prepared.conditions.len());
        let mut parts = 0usize;
        self.split(
            context, prepared, finding, base, region, &mut truth, &mut parts,
        )
    }

    /// Splits `node` on the next condition and evaluates each part that
    /// some patient is in; see [`FactsEngine::holds_everywhere`].
    #[expect(
        clippy::too_many_arguments,
        reason = "one recursive walk; the state is its arguments"
    )]
    fn split(
        &mut self,
        context: &Context<'_>,
        prepared: &Prepared,
        finding: &Shows<'_>,
        base: &Base,
        node: NodeId,
        truth: &mut Vec<bool>,
        parts: &mut usize,
    ) -> Option<bool> {
        let Some(&condition) = prepared.conditions.get(truth.len()) else {
            *parts += 1;
            if *parts > MAX_PARTS {
                return Some(false);
            }
            return Some((finding.shows)(&outcome_of(context, prepared, base, truth)));
        };
        let yes = self.mdd.and(node, condition).ok()?;
        let no = self.mdd.and_not(node, condition).ok()?;
        for (part, value) in [(yes, true), (no, false)] {
            if part == FALSE {
                continue;
            }
            truth.push(value);
            let holds = self.split(context, prepared, finding, base, part, truth, parts);
            truth.pop();
            if holds != Some(true) {
                return holds;
            }
        }
        Some(true)
    }
}

/// What the rules that do not matter do: as for the witness.
struct Base {
    /// The witness's fired rules that are not among the finding's.
    fired: Vec<RuleId>,
    /// Their resolved actions, as for the witness.
    resolved: Vec<Vec<ResolvedAction>>,
}

/// The outcome of one part of a region: the rules that matter fire and
/// take alternatives as `truth` says (in [`Prepared::conditions`] order);
/// the others as for the witness.
fn outcome_of(context: &Context<'_>, prepared: &Prepared, base: &Base, truth: &[bool]) -> Outcome {
    let problem = &context.lowering.problem;
    let mut chosen: Vec<(RuleId, Vec<ResolvedAction>)> = base
        .fired
        .iter()
        .copied()
        .zip(base.resolved.iter().cloned())
        .collect();
    let mut at = 0usize;
    for (id, nodes) in &prepared.rules {
        let fires = truth.get(at).copied().unwrap_or(false);
        at += 1;
        let mut actions = Vec::new();
        let rule = problem.rules.get(*id);
        for (index, alternatives) in nodes.alternatives.iter().enumerate() {
            let values = truth.get(at..at + alternatives.len()).unwrap_or(&[]);
            at += alternatives.len();
            let alternative = values.iter().position(|v| *v);
            if let Some(action) = rule.and_then(|r| r.actions.get(index)) {
                actions.push(action.resolve(*id, index, alternative));
            }
        }
        if fires {
            chosen.push((*id, actions));
        }
    }
    chosen.sort_by_key(|(id, _)| *id);
    let (fired, resolved): (Vec<RuleId>, Vec<Vec<ResolvedAction>>) = chosen.into_iter().unzip();
    let (actions, dropped) = problem.final_actions(&fired, &resolved);
    Outcome {
        fired,
        actions,
        dropped,
    }
}

/// The rules whose actions can decide what a patient gets on `targets`:
/// those with an action (or an alternative) on one of them or on an entry
/// exclusive with one of them, since only such actions can clash with
/// theirs and drop them.
pub(crate) fn rules_on(context: &Context<'_>, targets: &[Target]) -> Vec<RuleId> {
    let problem = &context.lowering.problem;
    let related = |t: Target| {
        targets
            .iter()
            .any(|&u| u == t || excludes(&problem.exclusive, u, t))
    };
    problem
        .rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| {
            rule.actions.iter().any(|a| {
                related(a.target) || a.alternatives.iter().any(|(_, target)| related(*target))
            })
        })
        .map(|(id, _)| id)
        .collect()
}

/// The region of one patient: each variable allows only its class.
fn only(var_sizes: &[u32], classes: &[Class]) -> Vec<Vec<bool>> {
    var_sizes
        .iter()
        .zip(classes)
        .map(|(&size, &class)| (0..size).map(|c| c == class).collect())
        .collect()
}

/// An example patient: its classes (a patient in the region, with
/// plausible values) and the facts that define the region, or `None` when
/// they could not be narrowed (a budget) and the whole record stands.
pub(crate) struct Example {
    pub classes: Vec<Class>,
    pub facts: Option<Vec<Fact>>,
    /// Per variable, the classes the region allows (every patient in it
    /// shows the finding); only the witness's class when not narrowed.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "read by the exactness test of the facts")
    )]
    pub region: Vec<Vec<bool>>,
}

impl Context<'_> {
    /// The facts of `witness` that matter for `finding`, and a plausible
    /// patient with them. The witness must show the finding.
    pub(crate) fn example(&self, witness: &[Class], finding: &Shows<'_>) -> Example {
        let problem = &self.lowering.problem;
        let unchanged = || Example {
            classes: witness.to_vec(),
            facts: None,
            region: only(&problem.var_sizes, witness),
        };
        let Some(witness_outcome) = problem.outcome_complete(witness) else {
            return unchanged();
        };
        if !(finding.shows)(&witness_outcome) {
            return unchanged();
        }
        let mut engine = self.facts.borrow_mut();
        let engine =
            engine.get_or_insert_with(|| FactsEngine::new(&problem.var_sizes, problem.rules.len()));
        if engine.failed {
            return unchanged();
        }
        let Some(prepared) = engine.prepare(self, finding) else {
            return unchanged();
        };
        let partial: Vec<Option<Class>> = witness.iter().map(|c| Some(*c)).collect();
        let fired: Vec<RuleId> = witness_outcome
            .fired
            .iter()
            .copied()
            .filter(|r| finding.rules.binary_search(r).is_err())
            .collect();
        let base = Base {
            resolved: fired
                .iter()
                .map(|&r| problem.resolved_actions(r, &partial))
                .collect(),
            fired,
        };
        // Start with every variable fixed to the witness's class.
        let mut allowed = only(&problem.var_sizes, witness);
        let mut check = |allowed: &[Vec<bool>]| {
            engine.holds_everywhere(self, &prepared, finding, &base, allowed)
        };
        // Release whole inputs, in the order they are declared.
        for input in &self.lowering.inputs {
            let mut trial = allowed.clone();
            for &var in &input.vars {
                if let Some(cell) = trial.get_mut(var as usize) {
                    cell.iter_mut().for_each(|c| *c = true);
                }
            }
            match check(&trial) {
                Some(true) => allowed = trial,
                Some(false) => {}
                None => return unchanged(),
            }
        }
        // Widen what stays fixed, one class at a time.
        for var in 0..allowed.len() {
            let size = allowed.get(var).map_or(0, Vec::len);
            if allowed.get(var).is_some_and(|a| a.iter().all(|c| *c)) {
                continue;
            }
            for class in 0..size {
                if allowed.get(var).and_then(|a| a.get(class)) != Some(&false) {
                    continue;
                }
                let mut trial = allowed.clone();
                if let Some(cell) = trial.get_mut(var).and_then(|a| a.get_mut(class)) {
                    *cell = true;
                }
                match check(&trial) {
                    Some(true) => allowed = trial,
                    Some(false) => {}
                    None => return unchanged(),
                }
            }
        }
        let classes = self.plausible(witness, &allowed, finding);
        Example {
            facts: Some(self.facts_of(&allowed)),
            classes,
            region: allowed,
        }
    }

    /// Moves each number of the witness into the open interval nearest the
    /// middle of its range among the classes the region allows: an adult
    /// age, not a newborn, unless the region demands it. Each move is kept
    /// only when the patient still meets the assumptions and shows the
    /// finding (the region says it does; this is a second look).
    fn plausible(
        &self,
        witness: &[Class],
        allowed: &[Vec<bool>],
        finding: &Shows<'_>,
    ) -> Vec<Class> {
        let problem = &self.lowering.problem;
        let mut current = witness.to_vec();
        for vars in &self.lowering.inputs {
            let (Some(numbers), Some(&var)) = (&vars.numbers, vars.vars.first()) else {
                continue;
            };
            let count = numbers.class_count();
            let Some(&now) = current.get(var as usize) else {
                continue;
            };
            if now >= count {
                // "Unknown" or "not asked".
                continue;
            }
            let middle = count / 2;
            let ok = |c: Class| {
                allowed
                    .get(var as usize)
                    .and_then(|a| a.get(c as usize))
                    .copied()
                    .unwrap_or(false)
                    && !numbers.is_empty(c)
            };
            let mut preferred: Vec<Class> = (0..count).filter(|&c| ok(c)).collect();
            preferred.sort_by_key(|&c| (c % 2 == 0, c.abs_diff(middle)));
            for candidate in preferred {
                if candidate == now {
                    break;
                }
                let mut moved = current.clone();
                if let Some(cell) = moved.get_mut(var as usize) {
                    *cell = candidate;
                }
                if problem
                    .outcome_complete(&moved)
                    .is_some_and(|o| (finding.shows)(&o))
                {
                    current = moved;
                    break;
                }
            }
        }
        current
    }

    /// The facts of a region: per input that is not free, its label and
    /// the answers allowed, in declaration order.
    fn facts_of(&self, allowed: &[Vec<bool>]) -> Vec<Fact> {
        let describe = Describe::new(self.guideline, self.lowering);
        let words = describe.words();
        let classes_of = |var: u32| -> Vec<Class> {
            allowed.get(var as usize).map_or_else(Vec::new, |a| {
                a.iter()
                    .enumerate()
                    .filter(|(_, ok)| **ok)
                    .filter_map(|(c, _)| Class::try_from(c).ok())
                    .collect()
            })
        };
        let free = |var: u32| {
            allowed
                .get(var as usize)
                .is_some_and(|a| a.iter().all(|c| *c))
        };
        let mut facts = Vec::new();
        for (id, (input, vars)) in self
            .guideline
            .inputs
            .iter()
            .zip(&self.lowering.inputs)
            .enumerate()
        {
            if vars.vars.iter().all(|&v| free(v)) {
                continue;
            }
            let answer = match &input.ty {
                Type::AnyOf(members) => {
                    // The members by their labels, for people.
                    let shown: Vec<String> = (0u32..)
                        .zip(members)
                        .map(|(i, m)| input.value_shown(i).unwrap_or(m).to_owned())
                        .collect();
                    any_of_answer(&shown, vars, &classes_of, words)
                }
                _ => vars
                    .vars
                    .first()
                    .map(|&v| describe.set_label(v, &classes_of(v)))
                    .unwrap_or_default(),
            };
            facts.push(fact(self, id, answer));
        }
        facts
    }
}

fn fact(context: &Context<'_>, id: InputId, answer: String) -> Fact {
    let input = context.guideline.inputs.get(id);
    Fact {
        input: input.map_or_else(String::new, |i| i.id.clone()),
        question: input.map_or_else(String::new, |i| i.label.clone()),
        answer,
    }
}

/// The answer of an `any of` input from its members' classes: the members
/// that must be there, those that must not (`myelopathy, not claudication`),
/// or "unknown" / "not asked".
fn any_of_answer(
    members: &[String],
    vars: &crate::model::lower::InputVars,
    classes_of: &dyn Fn(u32) -> Vec<Class>,
    words: &crate::model::describe::Words,
) -> String {
    let mut with = Vec::new();
    let mut without = Vec::new();
    let mut special = Vec::new();
    for (member, &var) in members.iter().zip(&vars.vars) {
        let classes = classes_of(var);
        let has = |c: Option<Class>| c.is_some_and(|c| classes.contains(&c));
        let yes = classes.contains(&1);
        let no = classes.contains(&0);
        match (yes, no) {
            (true, false) => with.push(member.clone()),
            (false, true) => without.push(format!("{} {member}", words.not)),
            _ => {}
        }
        if !yes && !no {
            if has(vars.unknown) {
                special.push(words.unknown.to_owned());
            }
            if has(vars.absent) {
                special.push(words.not_asked.to_owned());
            }
        }
    }
    special.dedup();
    if !special.is_empty() && with.is_empty() && without.is_empty() {
        return join_or(&special, words.or);
    }
    if with.is_empty() && without.is_empty() {
        // Every member may be there or not, but the answer is known.
        return format!("{} {}", words.not, words.unknown);
    }
    with.extend(without);
    with.join(", ")
}

#[cfg(test)]
mod tests {
    //! The facts are exact: on random small guidelines, every patient with
    //! the facts shows the finding (enumerated over all class assignments
    //! that meet the assumptions, with the reference outcome), and no fact
    //! can be left out (releasing any fixed input lets in a patient who
    //! does not show it).
    use super::*;
    use crate::diagnostics::Diagnostic;
    use crate::logic::analyse::{AnalysisOptions, Finding, analyse};
    use crate::logic::generate::SplitMix64;
    use crate::model::lower::lower;
    use crate::source::Sources;

    fn atom(rng: &mut SplitMix64) -> String {
        match rng.below(12) {
            0 => "a".to_owned(),
            1 => "not a".to_owned(),
            2 => "a is unknown".to_owned(),
            3 => "b == p".to_owned(),
            4 => "b in [q, r]".to_owned(),
            5 | 6 => {
                let op = ["<", "<=", ">", ">=", "==", "!="][rng.index(6)];
                format!("c {op} {}", rng.below(6))
            }
            7 => "d has m1".to_owned(),
            8 => "not d has m2".to_owned(),
            _ => {
                let op = ["<", ">="][rng.index(2)];
                format!("e {op} {}", ["2.5", "5", "7"][rng.index(3)])
            }
        }
    }

    fn condition(rng: &mut SplitMix64, depth: u32) -> String {
        if depth == 0 || rng.chance(45) {
            return atom(rng);
        }
        let (l, r) = (condition(rng, depth - 1), condition(rng, depth - 1));
        match rng.below(3) {
            0 => format!("({l} and {r})"),
            1 => format!("({l} or {r})"),
            _ => format!("not ({l})"),
        }
    }

    fn guideline_text(rng: &mut SplitMix64) -> String {
        let mut text = String::from("guideline g \"Generated\"\n\n");
        text += "input a : yes/no or unknown \"A\"\n";
        text += "input b : one of p, q, r \"B\"\n";
        text += "input c : whole number 0..5 \"C\"\n";
        text += "input d : any of m1, m2 \"D\"\n";
        if rng.chance(40) {
            text += "  asked when not a\n";
        }
        text += "input e : number 0..10 \"E\"\n\nexam X \"X\"\nexam Y \"Y\"\n";
        if rng.chance(30) {
            text += "exclusive X, Y \"Not both\"\n";
        }
        if rng.chance(25) {
            text += &format!("\nassume {}\n", condition(rng, 1));
        }
        let rules = rng.range(3, 7);
        for r in 0..rules {
            let when = condition(rng, 2);
            let action = ["order X", "avoid X", "order Y", "avoid Y"][rng.index(4)];
            text += &format!("\nrule r{r} \"R{r}\"\n  when {when}\n  then {action}\n");
            if r > 0 && rng.chance(30) {
                text += &format!("  overrides r{}\n", rng.below(r));
            }
        }
        text
    }

    type Property<'a> = Box<dyn Fn(&Outcome) -> bool + 'a>;

    /// Every complete assignment with each variable in `allowed`.
    fn each(allowed: &[Vec<bool>], visit: &mut dyn FnMut(&[Class]) -> bool) -> bool {
        fn go(
            allowed: &[Vec<bool>],
            at: &mut Vec<Class>,
            visit: &mut dyn FnMut(&[Class]) -> bool,
        ) -> bool {
            let Some(classes) = allowed.get(at.len()) else {
                return visit(at);
            };
            for (class, ok) in classes.iter().enumerate() {
                if *ok {
                    at.push(class as Class);
                    let go_on = go(allowed, at, visit);
                    at.pop();
                    if !go_on {
                        return false;
                    }
                }
            }
            true
        }
        go(allowed, &mut Vec::new(), visit)
    }

    #[test]
    fn every_patient_with_the_facts_shows_the_finding_and_no_fact_is_spare() {
        let mut rng = SplitMix64::new(0xE8A3_F1C7);
        let mut checked_findings = 0;
        for case in 0..300 {
            let text = guideline_text(&mut rng);
            let mut sources = Sources::new();
            let file = sources.add("generated.leidraad", text.clone());
            let (syntax, mut errors) = crate::syntax::parse(file, &text);
            let (guideline, more) = crate::model::resolve(file, &syntax);
            errors.extend(more);
            if errors.iter().any(Diagnostic::is_error) {
                continue;
            }
            let lowering = lower(&guideline);
            let problem = &lowering.problem;
            let context = Context::new(&guideline, &lowering, &sources);
            let analysis = analyse(problem, &AnalysisOptions::default());
            for finding in &analysis.findings {
                let (rules, shows, witness): (Vec<RuleId>, Property<'_>, &Vec<Class>) =
                    match finding {
                        Finding::Conflict {
                            rules: (x, y),
                            targets: (t, u),
                            witness,
                        } => {
                            let (x, y, t, u) = (*x, *y, *t, *u);
                            let shows = move |o: &Outcome| {
                                o.actions.iter().any(|p| {
                                    (p.rule, p.target) == (x, t)
                                        && o.actions.iter().any(|q| {
                                            (q.rule, q.target) == (y, u)
                                                && (p.rule != q.rule || p.action != q.action)
                                                && p.clashes_with(q, problem)
                                        })
                                })
                            };
                            (rules_on(&context, &[t, u]), Box::new(shows), witness)
                        }
                        Finding::Shadowed { rule, witness, .. } => {
                            let rule = *rule;
                            let targets: Vec<Target> = problem.rules[rule]
                                .actions
                                .iter()
                                .map(|a| a.target)
                                .collect();
                            let mut rules = rules_on(&context, &targets);
                            if let Err(at) = rules.binary_search(&rule) {
                                rules.insert(at, rule);
                            }
                            let shows = move |o: &Outcome| {
                                o.fired.contains(&rule) && !o.actions.iter().any(|a| a.rule == rule)
                            };
                            (rules, Box::new(shows), witness)
                        }
                        _ => continue,
                    };
                let what = format!("{finding:?}");
                let finding = Shows {
                    rules,
                    premises: Vec::new(),
                    shows: &*shows,
                };
                let example = context.example(witness, &finding);
                assert!(example.facts.is_some(), "case {case}: not narrowed\n{text}");
                let holds = |classes: &[Class]| match problem.outcome_complete(classes) {
                    // Outside the assumptions: no patient.
                    None => true,
                    Some(outcome) => shows(&outcome),
                };
                assert!(
                    problem
                        .outcome_complete(&example.classes)
                        .is_some_and(|o| shows(&o)),
                    "case {case}: the example does not show it\n{text}"
                );
                assert!(
                    each(&example.region, &mut |c| holds(c)),
                    "case {case}: a patient with the facts does not show {what}\n{text}"
                );
                for vars in &lowering.inputs {
                    let fixed = vars
                        .vars
                        .iter()
                        .any(|&v| example.region[v as usize].iter().any(|ok| !ok));
                    if !fixed {
                        continue;
                    }
                    let mut released = example.region.clone();
                    for &v in &vars.vars {
                        released[v as usize].iter_mut().for_each(|ok| *ok = true);
                    }
                    assert!(
                        !each(&released, &mut |c| holds(c)),
                        "case {case}: a fact of {what} is not needed\n{text}"
                    );
                }
                checked_findings += 1;
            }
        }
        assert!(
            checked_findings > 100,
            "only {checked_findings} findings checked"
        );
    }
}
