//! Independent groups of rules, each compiled to a diagram of its own.
//!
//! Two rules interact only through `overrides` (what a rule drops depends on
//! the rules that override it), and the editor's view of a target is the
//! rules that name it. Rules connected by neither a shared target (primary,
//! alternative or `instead`) nor an `overrides` give independent advice, so
//! the guideline's diagram is the product of one diagram per connected
//! group: compiled apart, sixteen independent rules cost sixteen small
//! diagrams instead of one with 2^16 leaves.

use super::*;

/// One connected group of rules and its diagram, compiled from the
/// problem's variables and assumptions and these rules only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiagramGroup {
    /// The group's rules, in rule order (ids of the whole problem).
    pub rules: Vec<RuleId>,
    /// The assumptions the group's diagram holds, in order (indices in the
    /// whole problem's): those connected to the group's rules through
    /// shared variables. The diagram's leaf `violates(i)` means assumption
    /// `assumptions[i]`.
    pub assumptions: Vec<usize>,
    pub diagram: DecisionDiagram,
}

/// The compiled guideline: one diagram per independent group of rules, in
/// the order of each group's first rule. Rules without actions give no
/// advice and belong to no group. Each group holds the assumptions that
/// share variables with its rules (directly or through other assumptions),
/// so that a copy's assumptions do not grow the other copy's diagram. When
/// no group holds every assumption, a first group with no rules holds them
/// all: it decides whether a record violates one, and which. There is
/// always at least one group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupedDiagram {
    groups: Vec<DiagramGroup>,
}

/// The connected groups of rules with actions, each in rule order, the
/// groups in the order of their first rule.
pub fn rule_groups(problem: &Problem) -> Vec<Vec<RuleId>> {
    let count = problem.rules.len();
    let mut parent: Vec<RuleId> = (0..count).collect();
    fn root(parent: &mut [RuleId], mut at: RuleId) -> RuleId {
        while let Some(&up) = parent.get(at) {
            if up == at {
                break;
            }
            // Path halving keeps the trees shallow.
            let grand = parent.get(up).copied().unwrap_or(up);
            if let Some(slot) = parent.get_mut(at) {
                *slot = grand;
            }
            at = grand;
        }
        at
    }
    let join = |parent: &mut Vec<RuleId>, a: RuleId, b: RuleId| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if let Some(slot) = parent.get_mut(ra.max(rb)) {
            *slot = ra.min(rb);
        }
    };
    let mut first_with_target: HashMap<u32, RuleId> = HashMap::new();
    for (id, rule) in problem.rules.iter().enumerate() {
        for action in &rule.actions {
            let targets = std::iter::once(action.target)
                .chain(action.alternatives.iter().map(|(_, target)| *target))
                .chain(action.instead);
            for target in targets {
                let first = *first_with_target.entry(target).or_insert(id);
                join(&mut parent, first, id);
            }
        }
        for &victim in &rule.overrides {
            if victim < count {
                join(&mut parent, victim, id);
            }
        }
    }
    let mut group_of_root: HashMap<RuleId, usize> = HashMap::new();
    let mut groups: Vec<Vec<RuleId>> = Vec::new();
    for (id, rule) in problem.rules.iter().enumerate() {
        if rule.actions.is_empty() {
            continue;
        }
        let top = root(&mut parent, id);
        let next = groups.len();
        let index = *group_of_root.entry(top).or_insert(next);
        if index == next {
            groups.push(Vec::new());
        }
        if let Some(group) = groups.get_mut(index) {
            group.push(id);
        }
    }
    groups
}

/// For each group of rules, the assumptions connected to its variables:
/// an assumption belongs to the group when it shares a variable with the
/// group's conditions, or with another assumption that belongs.
fn group_assumptions(problem: &Problem, groups: &[Vec<RuleId>]) -> Vec<Vec<usize>> {
    let vars_of = |formula: &Formula| {
        let mut vars = Vec::new();
        formula.collect_vars(&mut vars);
        vars
    };
    let assumption_vars: Vec<Vec<Var>> = problem.assumptions.iter().map(vars_of).collect();
    groups
        .iter()
        .map(|rules| {
            let mut reached = vec![false; problem.var_sizes.len()];
            let mark = |vars: &[Var], reached: &mut Vec<bool>| {
                for &var in vars {
                    if let Some(slot) = reached.get_mut(var as usize) {
                        *slot = true;
                    }
                }
            };
            for rule in rules.iter().filter_map(|&id| problem.rules.get(id)) {
                mark(&vars_of(&rule.when), &mut reached);
                for action in &rule.actions {
                    for (condition, _) in &action.alternatives {
                        mark(&vars_of(condition), &mut reached);
                    }
                }
            }
            let mut taken = vec![false; assumption_vars.len()];
            loop {
                let mut grew = false;
                for (index, vars) in assumption_vars.iter().enumerate() {
                    let touches = vars
                        .iter()
                        .any(|&v| reached.get(v as usize).copied().unwrap_or(false));
                    if touches && taken.get(index) == Some(&false) {
                        if let Some(slot) = taken.get_mut(index) {
                            *slot = true;
                        }
                        mark(vars, &mut reached);
                        grew = true;
                    }
                }
                if !grew {
                    break;
                }
            }
            (0..taken.len())
                .filter(|&i| taken.get(i) == Some(&true))
                .collect()
        })
        .collect()
}

/// The problem with only `rules` (renumbered in their order; `overrides`
/// follow) and `assumptions`, the same variables, and no requirements.
fn sub_problem(problem: &Problem, rules: &[RuleId], assumptions: &[usize]) -> Problem {
    let local: HashMap<RuleId, RuleId> = rules
        .iter()
        .enumerate()
        .map(|(local, &id)| (id, local))
        .collect();
    Problem {
        var_sizes: problem.var_sizes.clone(),
        assumptions: assumptions
            .iter()
            .filter_map(|&index| problem.assumptions.get(index).cloned())
            .collect(),
        rules: rules
            .iter()
            .filter_map(|&id| problem.rules.get(id))
            .map(|rule| Rule {
                when: rule.when.clone(),
                actions: rule.actions.clone(),
                overrides: rule
                    .overrides
                    .iter()
                    .filter_map(|victim| local.get(victim).copied())
                    .collect(),
            })
            .collect(),
        requirements: Vec::new(),
        exclusive: problem.exclusive.clone(),
    }
}

impl GroupedDiagram {
    /// The group whose rules name catalogue entry `target` (as the target,
    /// the `instead` or an alternative of an action): the one flowchart that
    /// says anything about it. `None` when no rule names it.
    pub fn group_naming(&self, problem: &Problem, target: u32) -> Option<&DiagramGroup> {
        self.groups.iter().find(|group| {
            group.rules.iter().any(|&rule| {
                problem.rules.get(rule).is_some_and(|rule| {
                    rule.actions.iter().any(|a| {
                        a.target == target
                            || a.instead == Some(target)
                            || a.alternatives.iter().any(|(_, alt)| *alt == target)
                    })
                })
            })
        })
    }

    /// Compiles every group in `options.order`. The budgets bound the whole
    /// call: each group gets what the groups before it left.
    /// Most-used-first counts the uses over the whole problem, as it does
    /// without groups.
    pub fn compile(problem: &Problem, options: &CompileOptions) -> Result<Self, CompileError> {
        let order = match &options.order {
            VarOrder::MostUsedFirst => {
                VarOrder::Custom(build::variable_order(problem, &VarOrder::MostUsedFirst)?)
            }
            other => other.clone(),
        };
        let options = CompileOptions {
            order,
            ..options.clone()
        };
        Self::compile_with(problem, &options, DecisionDiagram::compile)
    }

    /// Compiles every group in declaration order and in most-used-first
    /// order (uses counted over the whole problem) and keeps the order whose
    /// groups have fewer nodes in all, as [`DecisionDiagram::compile_smaller`]
    /// does for one diagram; on a tie most-used-first (groups are smaller
    /// than the one diagram, so ties are common, and the one diagram of the
    /// bundled guidelines and fixtures is smaller in most-used-first order),
    /// and declaration order when only it fits the budgets. Every group has the same order, so that the
    /// first missing variable, in that order, is the one a single diagram
    /// of the whole guideline would name.
    pub fn compile_smaller(
        problem: &Problem,
        options: &CompileOptions,
    ) -> Result<Self, CompileError> {
        super::in_smaller_order(
            options,
            |options| Self::compile(problem, options),
            |g| (g.node_count(), g.leaf_count()),
            true,
        )
    }

    fn compile_with(
        problem: &Problem,
        options: &CompileOptions,
        compile: impl Fn(&Problem, &CompileOptions) -> Result<DecisionDiagram, CompileError>,
    ) -> Result<Self, CompileError> {
        let mut rule_sets = rule_groups(problem);
        let mut assumption_sets = group_assumptions(problem, &rule_sets);
        let all: Vec<usize> = (0..problem.assumptions.len()).collect();
        if !assumption_sets.contains(&all) {
            rule_sets.insert(0, Vec::new());
            assumption_sets.insert(0, all);
        }
        let started = options.time_limit.map(|_| std::time::Instant::now());
        let mut groups = Vec::with_capacity(rule_sets.len());
        let mut nodes_used = 0usize;
        let mut bytes_used = 0usize;
        for (rules, assumptions) in rule_sets.into_iter().zip(assumption_sets) {
            // A group compiled alone is the whole problem: no copy needed.
            let whole = rules.len() == problem.rules.len()
                && assumptions.len() == problem.assumptions.len();
            let sub = if whole {
                None
            } else {
                Some(sub_problem(problem, &rules, &assumptions))
            };
            let time_limit = match (options.time_limit, started) {
                (Some(limit), Some(start)) => Some(
                    limit
                        .checked_sub(start.elapsed())
                        .ok_or(CompileError::TooSlow { limit })?,
                ),
                _ => None,
            };
            let left = CompileOptions {
                max_nodes: options.max_nodes.saturating_sub(nodes_used),
                max_memory: options.max_memory.saturating_sub(bytes_used),
                time_limit,
                ..options.clone()
            };
            let diagram = compile(sub.as_ref().unwrap_or(problem), &left).map_err(|error| {
                // A group's error names the budget of the whole call.
                match error {
                    CompileError::TooManyNodes { .. } => CompileError::TooManyNodes {
                        limit: options.max_nodes,
                    },
                    CompileError::TooMuchMemory { .. } => CompileError::TooMuchMemory {
                        limit: options.max_memory,
                    },
                    CompileError::TooSlow { .. } => CompileError::TooSlow {
                        limit: options.time_limit.unwrap_or_default(),
                    },
                    other => other,
                }
            })?;
            nodes_used += diagram.node_count() + diagram.leaf_count();
            bytes_used += diagram.bytes();
            groups.push(DiagramGroup {
                rules,
                assumptions,
                diagram,
            });
        }
        Ok(GroupedDiagram { groups })
    }

    /// The groups, in the order of their first rule.
    pub fn groups(&self) -> &[DiagramGroup] {
        &self.groups
    }

    /// The group that holds `rule`, or `None` for a rule without actions.
    pub fn group_of(&self, rule: RuleId) -> Option<usize> {
        self.groups
            .iter()
            .position(|group| group.rules.binary_search(&rule).is_ok())
    }

    /// Evaluates a possibly partial assignment on every group: each group's
    /// advice (in its rules' order), or an error. A record every completion
    /// of which violates an assumption is reported by a group that holds
    /// every assumption, as one diagram of the whole guideline reports it.
    /// When the answer depends on missing variables, the
    /// one named is the first in the groups' (common) order, which is the
    /// first a single diagram of all the rules would test.
    pub fn eval(&self, assignment: &[Option<Class>]) -> Result<Vec<&[Content]>, EvalError> {
        let full = self.full_group();
        // The group holding every assumption first: it names the assumption
        // as one diagram of the whole guideline would.
        if let Some(group) = self.groups.get(full) {
            if let Err(error @ (EvalError::Assumption(_) | EvalError::InvalidClass { .. })) =
                group.diagram.eval(assignment)
            {
                return Err(error);
            }
        }
        let mut advice = Vec::with_capacity(self.groups.len());
        let mut missing: Option<(usize, Var)> = None;
        for group in &self.groups {
            match group.diagram.eval(assignment) {
                Ok(actions) => advice.push(actions),
                Err(EvalError::Missing(var)) => {
                    let position = group
                        .diagram
                        .order()
                        .iter()
                        .position(|&v| v == var)
                        .unwrap_or(usize::MAX);
                    if missing.is_none_or(|(first, _)| position < first) {
                        missing = Some((position, var));
                    }
                }
                // INVARIANT: not reached for a record every completion of
                // which violates an assumption (the full group said so
                // above); kept exact by mapping the group's index.
                Err(EvalError::Assumption(local)) => {
                    let index = group.assumptions.get(local).copied().unwrap_or(local);
                    return Err(EvalError::Assumption(index));
                }
                Err(other) => return Err(other),
            }
        }
        match missing {
            Some((_, var)) => Err(EvalError::Missing(var)),
            None => Ok(advice),
        }
    }

    /// The index of a group that holds every assumption (there is one).
    fn full_group(&self) -> usize {
        let count = self
            .groups
            .iter()
            .map(|g| g.assumptions.len())
            .max()
            .unwrap_or(0);
        self.groups
            .iter()
            .position(|g| g.assumptions.len() == count)
            .unwrap_or(0)
    }

    /// A patient that matches the known values of `assignment` and meets
    /// every assumption (see [`DecisionDiagram::witness`]), found in a
    /// group that holds every assumption.
    pub fn witness(&self, assignment: &[Option<Class>]) -> Option<Vec<Class>> {
        self.groups
            .get(self.full_group())?
            .diagram
            .witness(assignment)
    }

    /// Inner nodes over all groups.
    pub fn node_count(&self) -> usize {
        self.groups.iter().map(|g| g.diagram.node_count()).sum()
    }

    /// Leaves over all groups.
    pub fn leaf_count(&self) -> usize {
        self.groups.iter().map(|g| g.diagram.leaf_count()).sum()
    }
}
