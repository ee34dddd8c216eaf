//! What fails a check: each code's default ([`Code::fails_by_default`]),
//! changed by `--deny` and `--allow` flags that name codes or groups.
//!
//! Precedence: the more specific flag wins (a code beats a group, a smaller
//! group beats a larger one); between flags equally specific, deny wins,
//! whatever their order. Defaults that the command sets itself (`--no-analyses`
//! allows `incomplete`) give way to every flag the user gives.

use super::suggest::did_you_mean;
use super::{Code, Diagnostic, GROUPS, Group, Severity};

/// What a flag names: one code, or a group of codes.
#[derive(Clone, Copy, Debug)]
pub enum Selector {
    Code(Code),
    Group(&'static Group),
}

impl Selector {
    /// Reads a code (`L309`), a code's name (`guidelines-disagree`) or a
    /// group's name (`warnings`); the error says what there is.
    pub fn parse(text: &str) -> Result<Selector, String> {
        if let Some(group) = Group::lookup(text) {
            return Ok(Selector::Group(group));
        }
        if let Some(code) = Code::lookup(text) {
            return Ok(Selector::Code(code));
        }
        let candidates = GROUPS.iter().map(|g| g.name).chain(
            Code::ALL
                .iter()
                .flat_map(|c| [c.info().code, c.info().name]),
        );
        let hint = did_you_mean(text, candidates)
            .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
        let groups: Vec<String> = GROUPS.iter().map(|g| format!("`{}`", g.name)).collect();
        Err(format!(
            "`{text}` is neither a diagnostic code nor a group{hint} (groups: {}; `leidraad explain all` lists the codes)",
            groups.join(", ")
        ))
    }

    fn contains(self, code: Code) -> bool {
        match self {
            Selector::Code(c) => c == code,
            Selector::Group(group) => group.contains(code),
        }
    }

    /// Lower is more specific: a code is 0, a group the number of its codes.
    fn breadth(self) -> usize {
        match self {
            Selector::Code(_) => 0,
            Selector::Group(group) => group.codes().count(),
        }
    }
}

/// Whether the findings a flag names fail the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Reported, and not failing.
    Allow,
    /// Reported as an error: fails the check.
    Deny,
}

/// The flags of one check.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    flags: Vec<(Selector, Level)>,
    defaults: Vec<(Selector, Level)>,
}

impl Gate {
    /// `--deny`: the findings of `selector` fail the check.
    pub fn deny(&mut self, selector: Selector) {
        self.flags.push((selector, Level::Deny));
    }

    /// `--allow`: the findings of `selector` do not fail the check. An
    /// error cannot be allowed; the message names it.
    pub fn allow(&mut self, selector: Selector) -> Result<(), String> {
        if let Selector::Code(code) = selector {
            if code.info().severity == Severity::Error {
                return Err(format!(
                    "`{}` ({}) is an error and cannot be allowed; fix what it reports",
                    code.as_str(),
                    code.info().name
                ));
            }
        }
        self.flags.push((selector, Level::Allow));
        Ok(())
    }

    /// A default of the command itself, which any flag overrides.
    pub fn default_level(&mut self, selector: Selector, level: Level) {
        self.defaults.push((selector, level));
    }

    /// Whether a finding of `code` fails the check.
    pub fn fails(&self, code: Code) -> bool {
        if code.info().severity == Severity::Error {
            return true;
        }
        let chosen = |flags: &[(Selector, Level)]| {
            flags
                .iter()
                .filter(|(selector, _)| selector.contains(code))
                // Most specific first; at equal breadth deny before allow.
                .min_by_key(|(selector, level)| (selector.breadth(), *level == Level::Allow))
                .map(|&(_, level)| level)
        };
        match chosen(&self.flags).or_else(|| chosen(&self.defaults)) {
            Some(level) => level == Level::Deny,
            None => code.fails_by_default(),
        }
    }

    /// Makes every diagnostic that fails an error, except those `exempt`
    /// says stay as they are; the others keep their severity.
    pub fn apply(&self, diagnostics: &mut [Diagnostic], exempt: impl Fn(&Diagnostic) -> bool) {
        for diagnostic in diagnostics {
            if diagnostic.severity != Severity::Error
                && self.fails(diagnostic.code)
                && !exempt(diagnostic)
            {
                diagnostic.severity = Severity::Error;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(deny: &[&str], allow: &[&str]) -> Gate {
        let mut gate = Gate::default();
        for d in deny {
            gate.deny(Selector::parse(d).unwrap());
        }
        for a in allow {
            gate.allow(Selector::parse(a).unwrap()).unwrap();
        }
        gate
    }

    #[test]
    fn defaults_fail_errors_and_what_was_not_proved() {
        let gate = Gate::default();
        assert!(gate.fails(Code::Conflict));
        assert!(gate.fails(Code::AnalysisIncomplete));
        assert!(gate.fails(Code::RequirementNotVerified));
        assert!(!gate.fails(Code::UnusedInput));
        assert!(!gate.fails(Code::GuidelinesDisagree));
        assert!(!gate.fails(Code::RequirementProved));
    }

    #[test]
    fn the_more_specific_flag_wins_and_deny_wins_a_tie() {
        let g = gate(&["warnings"], &["L201"]);
        assert!(!g.fails(Code::UnusedInput));
        assert!(g.fails(Code::UnusedDefinition));
        let g = gate(&["L201"], &["warnings"]);
        assert!(g.fails(Code::UnusedInput));
        assert!(!g.fails(Code::UnusedDefinition));
        // `incomplete` (2 codes) is more specific than `warnings`.
        let g = gate(&["warnings"], &["incomplete"]);
        assert!(!g.fails(Code::AnalysisIncomplete));
        assert!(g.fails(Code::GuidelinesDisagree));
        let g = gate(&["L309"], &["L309"]);
        assert!(g.fails(Code::GuidelinesDisagree));
        let g = gate(&["guidelines-disagree"], &[]);
        assert!(g.fails(Code::GuidelinesDisagree));
    }

    #[test]
    fn a_command_default_gives_way_to_any_flag() {
        let mut g = gate(&["incomplete"], &[]);
        g.default_level(Selector::parse("incomplete").unwrap(), Level::Allow);
        assert!(g.fails(Code::RequirementNotVerified));
        let mut g = Gate::default();
        g.default_level(Selector::parse("incomplete").unwrap(), Level::Allow);
        assert!(!g.fails(Code::RequirementNotVerified));
    }

    #[test]
    fn errors_cannot_be_allowed_and_unknown_names_are_refused_with_a_hint() {
        let mut g = Gate::default();
        assert!(g.allow(Selector::parse("L301").unwrap()).is_err());
        let error = Selector::parse("warning").unwrap_err();
        assert!(error.contains("did you mean `warnings`"), "{error}");
    }
}
