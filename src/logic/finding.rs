//! What the analyser finds: one type shared by the analyser
//! ([`super::analyse`]) and the brute-force oracle ([`super::brute`]), so
//! that neither imports the other.

use serde::Serialize;

use super::problem::{Class, RuleId, Target};

/// Which analysis a finding or an incomplete result belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    /// The problem itself is malformed.
    Input,
    Conflicts,
    Reachability,
    Shadowing,
    Redundancy,
    Requirements,
}

/// One result of the analysis.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum Finding {
    /// Two final actions, of `rules.0` on `targets.0` and of `rules.1` on
    /// `targets.1`, clash for the witness: on one target (the two targets
    /// equal) or on two targets that exclude each other. The rules are
    /// equal for a rule that clashes with itself, and then the targets are
    /// in order ([`Finding::conflict_key`]).
    Conflict {
        rules: (RuleId, RuleId),
        targets: (Target, Target),
        witness: Vec<Class>,
    },
    /// No patient fires the rule.
    Unreachable { rule: RuleId },
    /// Every patient that fires the rule has all its actions dropped.
    Shadowed {
        rule: RuleId,
        by: Vec<RuleId>,
        witness: Vec<Class>,
    },
    /// The rule adds nothing to the rules in `by`.
    Redundant {
        rule: RuleId,
        by: Vec<RuleId>,
        witness: Vec<Class>,
    },
    /// The witness satisfies the requirement's `when` but not its demand.
    RequirementFailed {
        requirement: usize,
        witness: Vec<Class>,
    },
    /// Every patient satisfying the requirement's `when` meets its demand.
    RequirementProved { requirement: usize },
    /// The analysis could not decide this item; nothing is claimed.
    Incomplete {
        analysis: AnalysisKind,
        rules: Vec<RuleId>,
        requirement: Option<usize>,
        /// For conflicts: the exam, measure or specialist not decided.
        target: Option<Target>,
        reason: String,
    },
}

impl Finding {
    /// The rules and targets of a conflict between an action of rule `a` on
    /// `ta` and one of rule `b` on `tb`, in the order
    /// [`Finding::Conflict`] keeps them: the lower rule first, and for one
    /// rule the lower target first.
    pub fn conflict_key(
        (a, ta): (RuleId, Target),
        (b, tb): (RuleId, Target),
    ) -> ((RuleId, RuleId), (Target, Target)) {
        if a < b || (a == b && ta <= tb) {
            ((a, b), (ta, tb))
        } else {
            ((b, a), (tb, ta))
        }
    }
}
