//! Rules, conditions and requirements as plain sentences in the
//! guideline's language, with the editor's labels instead of names:
//! "Als Leeftijd ≥ 50 jaar en Koorts: ja, dan: bestel MRI lumbale
//! wervelkolom (dringend)." The words of values (`ja`, `onbekend`, `niet
//! gevraagd`) come from `model::describe`; the words of sentences are in
//! [`Talk`], one table per language.

use crate::logic::problem::{ActionKind, Urgency};
use crate::model::describe::is_dutch;
use crate::model::describe::words;
use crate::model::{Action, Cond, Demand, Guideline, Type};
use crate::source::Sources;
use crate::syntax::ast::CompareOp;
use crate::syntax::vocabulary::duration_words;

/// The words of a sentence in one language.
pub(crate) struct Talk {
    pub when: &'static str,
    pub then: &'static str,
    pub and: &'static str,
    pub always: &'static str,
    pub at_least: &'static str,
    pub of: &'static str,
    pub order: &'static str,
    pub refer: &'static str,
    pub avoid: &'static str,
    pub same_day: &'static str,
    pub urgent: &'static str,
    pub routine: &'static str,
    pub within: &'static str,
    /// `avoid A instead B`: B is what to do instead of A.
    pub instead: &'static str,
    pub replaced_by: &'static str,
    pub overrides: &'static str,
    pub nothing: &'static str,
    pub some: &'static str,
    pub any_entry: &'static str,
    pub or_sooner: &'static str,
    /// Singular and plural of `second`, `minute`, `hour`, `day`, `week`,
    /// `month`, `year`.
    pub units: [(&'static str, &'static str, &'static str); 7],
}

const ENGLISH: Talk = Talk {
    when: "When",
    then: "then",
    and: "and",
    always: "Always",
    at_least: "at least",
    of: "of",
    order: "order",
    refer: "refer to",
    avoid: "avoid",
    same_day: "same day",
    urgent: "urgent",
    routine: "routine",
    within: "within",
    instead: "instead:",
    replaced_by: "replaced by",
    overrides: "Takes precedence over",
    nothing: "no advice",
    some: "some advice",
    any_entry: "anything",
    or_sooner: "or sooner",
    units: [
        ("second", "second", "seconds"),
        ("minute", "minute", "minutes"),
        ("hour", "hour", "hours"),
        ("day", "day", "days"),
        ("week", "week", "weeks"),
        ("month", "month", "months"),
        ("year", "year", "years"),
    ],
};

const DUTCH: Talk = Talk {
    when: "Als",
    then: "dan",
    and: "en",
    always: "Altijd",
    at_least: "ten minste",
    of: "van",
    order: "bestel",
    refer: "verwijs naar",
    avoid: "vermijd",
    same_day: "zelfde dag",
    urgent: "dringend",
    routine: "routine",
    within: "binnen",
    instead: "in plaats daarvan:",
    replaced_by: "vervangen door",
    overrides: "Gaat voor",
    nothing: "geen advies",
    some: "enig advies",
    any_entry: "iets",
    or_sooner: "of eerder",
    units: [
        ("second", "seconde", "seconden"),
        ("minute", "minuut", "minuten"),
        ("hour", "uur", "uur"),
        ("day", "dag", "dagen"),
        ("week", "week", "weken"),
        ("month", "maand", "maanden"),
        ("year", "jaar", "jaar"),
    ],
};

/// The sentence words for a guideline's `language`.
pub(crate) fn talk(guideline: &Guideline) -> &'static Talk {
    if is_dutch(guideline) {
        &DUTCH
    } else {
        &ENGLISH
    }
}

/// Writes the conditions and actions of one guideline.
pub(crate) struct Sentences<'a> {
    pub guideline: &'a Guideline,
    pub sources: &'a Sources,
}

/// Definitions are acyclic in a checked guideline; nesting is bounded by
/// the parser. This bound keeps a malformed model from recursing on.
const MAX_DEPTH: usize = 256;

fn symbol(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "≠",
        CompareOp::Lt => "<",
        CompareOp::Le => "≤",
        CompareOp::Gt => ">",
        CompareOp::Ge => "≥",
    }
}

impl Sentences<'_> {
    fn talk(&self) -> &'static Talk {
        talk(self.guideline)
    }

    fn input_label(&self, input: usize) -> &str {
        self.guideline
            .inputs
            .get(input)
            .map_or("?", |i| i.label.as_str())
    }

    /// An entry of the catalogue by its label.
    pub(crate) fn entry_label(&self, entry: usize) -> &str {
        self.guideline
            .entries
            .get(entry)
            .map_or("?", |e| e.label.as_str())
    }

    /// A time frame in the guideline's words: `binnen 8 uur`.
    pub(crate) fn urgency(&self, urgency: Urgency) -> String {
        let talk = self.talk();
        match urgency {
            Urgency::SameDay => talk.same_day.to_owned(),
            Urgency::Urgent => talk.urgent.to_owned(),
            Urgency::Routine => talk.routine.to_owned(),
            Urgency::Within { seconds } => {
                let english = duration_words(seconds);
                let (count, unit) = english.split_once(' ').unwrap_or(("", english.as_str()));
                let singular = unit.trim_end_matches('s');
                let word = talk
                    .units
                    .iter()
                    .find(|(name, _, _)| *name == singular)
                    .map_or(unit, |(_, one, many)| if count == "1" { one } else { many });
                format!("{} {count} {word}", talk.within)
            }
        }
    }

    /// The verb of an action.
    pub(crate) fn verb(&self, kind: ActionKind) -> &'static str {
        let talk = self.talk();
        match kind {
            ActionKind::Order => talk.order,
            ActionKind::Refer => talk.refer,
            ActionKind::Avoid => talk.avoid,
        }
    }

    /// A condition in words; `nested` puts a compound in parentheses.
    pub(crate) fn condition(&self, cond: &Cond) -> String {
        self.cond(cond, false, 0)
    }

    fn cond(&self, cond: &Cond, nested: bool, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "…".to_owned();
        }
        let words = words(self.guideline);
        let talk = self.talk();
        let wrap = |text: String| if nested { format!("({text})") } else { text };
        let unit_of = |input: usize| match self.guideline.inputs.get(input).map(|i| &i.ty) {
            Some(Type::Number {
                unit: Some(unit), ..
            }) => format!(" {}", unit.canonical),
            _ => String::new(),
        };
        match cond {
            Cond::True => talk.always.to_lowercase(),
            Cond::BoolIs(input, value, _) => format!(
                "{}: {}",
                self.input_label(*input),
                if *value { words.yes } else { words.no }
            ),
            Cond::ChoiceIn(input, values, _) => {
                let names: Vec<String> = match self.guideline.inputs.get(*input).map(|i| &i.ty) {
                    Some(Type::OneOf(all)) => values
                        .iter()
                        .filter_map(|v| all.get(*v as usize).cloned())
                        .collect(),
                    _ => Vec::new(),
                };
                format!(
                    "{}: {}",
                    self.input_label(*input),
                    crate::model::describe::join_or(&names, words.or)
                )
            }
            Cond::Has(input, member, _) => {
                let name = match self.guideline.inputs.get(*input).map(|i| &i.ty) {
                    Some(Type::AnyOf(all)) => all.get(*member as usize).map_or("?", String::as_str),
                    _ => "?",
                };
                format!("{}: {name}", self.input_label(*input))
            }
            Cond::Compare(input, op, value, _) => format!(
                "{} {} {}{}",
                self.input_label(*input),
                symbol(*op),
                value.to_human_string(),
                unit_of(*input)
            ),
            Cond::IsUnknown(input, _) => {
                format!("{}: {}", self.input_label(*input), words.unknown)
            }
            Cond::Score(score, op, value, _) => format!(
                "{} {} {}",
                self.guideline
                    .scores
                    .get(*score)
                    .map_or("?", |s| s.label.as_str()),
                symbol(*op),
                value.to_human_string()
            ),
            Cond::AtLeast(count, parts, _) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| self.cond(p, true, depth + 1))
                    .collect();
                format!(
                    "{} {count} {}: {}",
                    talk.at_least,
                    talk.of,
                    parts.join("; ")
                )
            }
            // As written: a comparison with a sum reads best in its own words.
            Cond::Linear(_, _, _, span) => self.sources.slice(*span).to_owned(),
            Cond::Define(definition, _) => {
                self.guideline
                    .definitions
                    .get(*definition)
                    .map_or("?".to_owned(), |d| match &d.label {
                        Some(label) => label.clone(),
                        None => d.id.clone(),
                    })
            }
            // `not fever` reads "Fever: no" where that is the same: a yes/no
            // input that is always asked and has no `or unknown` answer.
            Cond::Not(inner) => match inner.as_ref() {
                Cond::BoolIs(input, value, span)
                    if self.guideline.inputs.get(*input).is_some_and(|i| {
                        i.asked_when.is_none() && !i.admits_unknown && i.ty == Type::YesNo
                    }) =>
                {
                    self.cond(&Cond::BoolIs(*input, !value, *span), nested, depth + 1)
                }
                _ => format!("{} {}", words.not, self.cond(inner, true, depth + 1)),
            },
            Cond::And(parts) => wrap(
                parts
                    .iter()
                    .map(|p| self.cond(p, true, depth + 1))
                    .collect::<Vec<_>>()
                    .join(&format!(" {} ", talk.and)),
            ),
            Cond::Or(parts) => wrap(
                parts
                    .iter()
                    .map(|p| self.cond(p, true, depth + 1))
                    .collect::<Vec<_>>()
                    .join(&format!(" {} ", words.or)),
            ),
            Cond::Invalid => "?".to_owned(),
        }
    }

    /// One action: `bestel MRI (dringend)`, `vermijd CT; in plaats daarvan:
    /// MRI`.
    pub(crate) fn action(&self, action: &Action) -> String {
        let talk = self.talk();
        let mut text = format!(
            "{} {}",
            self.verb(action.kind),
            self.entry_label(action.target)
        );
        if let Some(urgency) = action.urgency {
            text.push_str(&format!(" ({})", self.urgency(urgency)));
        }
        for (when, alternative) in &action.alternatives {
            text.push_str(&format!(
                "; {} {} {} {}",
                talk.replaced_by,
                self.entry_label(*alternative),
                talk.when.to_lowercase(),
                self.condition(when)
            ));
        }
        if let Some(instead) = action.instead {
            text.push_str(&format!("; {} {}", talk.instead, self.entry_label(instead)));
        }
        text
    }

    /// A rule in three parts: the condition (`Als …, dan:`), one line per
    /// action, and which rules it takes precedence over (`Gaat voor …`,
    /// empty when none).
    pub(crate) fn rule_parts(&self, rule: &crate::model::Rule) -> (String, Vec<String>, String) {
        let talk = self.talk();
        let mut actions: Vec<String> = rule.actions.iter().map(|a| self.action(a)).collect();
        if actions.is_empty() {
            actions.push(talk.nothing.to_owned());
        }
        let lead = match &rule.when {
            None | Some(Cond::True) => format!("{}:", talk.always),
            Some(when) => format!("{} {}, {}:", talk.when, self.condition(when), talk.then),
        };
        let overridden: Vec<&str> = rule
            .overrides
            .iter()
            .filter_map(|r| self.guideline.rules.get(*r).map(|r| r.label.as_str()))
            .collect();
        let overrides = if overridden.is_empty() {
            String::new()
        } else {
            format!("{} {}.", talk.overrides, overridden.join(", "))
        };
        (lead, actions, overrides)
    }

    /// A rule as one sentence: `Als …, dan: bestel …; verwijs naar ….`
    #[cfg(test)]
    pub(crate) fn rule(&self, rule: &crate::model::Rule) -> String {
        let (lead, actions, overrides) = self.rule_parts(rule);
        let mut text = format!("{lead} {}.", actions.join("; "));
        if !overrides.is_empty() {
            text.push(' ');
            text.push_str(&overrides);
        }
        text
    }

    /// What a requirement or case expects, in words.
    pub(crate) fn demand(&self, demand: &Demand) -> String {
        self.demand_at(demand, 0)
    }

    fn demand_at(&self, demand: &Demand, depth: usize) -> String {
        if depth > MAX_DEPTH {
            return "…".to_owned();
        }
        let talk = self.talk();
        let words = words(self.guideline);
        match demand {
            Demand::And(parts) => parts
                .iter()
                .map(|p| self.demand_at(p, depth + 1))
                .collect::<Vec<_>>()
                .join(&format!(" {} ", talk.and)),
            Demand::Or(parts) => parts
                .iter()
                .map(|p| self.demand_at(p, depth + 1))
                .collect::<Vec<_>>()
                .join(&format!(" {} ", words.or)),
            Demand::Not(inner) => format!("{} ({})", words.not, self.demand_at(inner, depth + 1)),
            Demand::Has {
                kind,
                targets,
                urgency,
                sooner,
            } => {
                let verb = kind.map_or(talk.some, |k| self.verb(k));
                let targets = match targets {
                    None => talk.any_entry.to_owned(),
                    Some(targets) => {
                        let labels: Vec<String> = targets
                            .iter()
                            .map(|t| self.entry_label(*t).to_owned())
                            .collect();
                        crate::model::describe::join_or(&labels, words.or)
                    }
                };
                let mut text = if kind.is_some() {
                    format!("{verb} {targets}")
                } else {
                    verb.to_owned()
                };
                if let Some(urgency) = urgency {
                    text.push_str(&format!(" ({}", self.urgency(*urgency)));
                    if *sooner {
                        text.push_str(&format!(" {}", talk.or_sooner));
                    }
                    text.push(')');
                }
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Sentences;
    use crate::check::check_file;
    use crate::source::Sources;

    fn rule_sentences(text: &str) -> Vec<String> {
        let mut sources = Sources::new();
        let file = sources.add("g.leidraad", text);
        let (checked, diagnostics) = check_file(&sources, file);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        let sentences = Sentences {
            guideline: &checked.guideline,
            sources: &sources,
        };
        checked
            .guideline
            .rules
            .iter()
            .map(|r| sentences.rule(r))
            .collect()
    }

    #[test]
    fn a_dutch_rule_reads_in_dutch_with_the_labels() {
        let found = rule_sentences(
            "guideline g \"G\"\n  language nl\n\
             input age : number 0..120 years \"Leeftijd\"\n\
             input fever : yes/no \"Koorts\"\n\
             input kind : one of a, b, c \"Soort\"\n\
             exam MRI \"MRI van de rug\"\nexam CT \"CT van de rug\"\n\
             rule r \"R\"\n  when not fever and (age >= 50 years or kind in [a, b])\n  then order MRI within 8 hours\n\
             rule s \"S\"\n  overrides r\n  when fever\n  then avoid CT instead MRI\n",
        );
        assert_eq!(
            found,
            vec![
                "Als Koorts: nee en (Leeftijd ≥ 50 years of Soort: a of b), dan: bestel MRI van de rug (binnen 8 uur).".to_owned(),
                "Als Koorts: ja, dan: vermijd CT van de rug; in plaats daarvan: MRI van de rug. Gaat voor R.".to_owned(),
            ]
        );
    }

    #[test]
    fn not_stays_not_where_no_is_not_the_same() {
        // `not x` is also true for an unknown answer, so it is not "x: no".
        let found = rule_sentences(
            "guideline g \"G\"\n  language en\n\
             input x : yes/no or unknown \"Swelling\"\n\
             exam scan \"Scan\"\n\
             rule r \"R\"\n  when not x\n  then order scan urgent\n",
        );
        assert_eq!(
            found,
            vec!["When not Swelling: yes, then: order Scan (urgent).".to_owned()]
        );
    }
}
