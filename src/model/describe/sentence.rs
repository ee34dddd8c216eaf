//! Conditions, actions, rules and demands as a clinician reads them, in the
//! guideline's language (the words of [`super::Words`]) with the editor's
//! labels instead of names: "Als Leeftijd ≥ 50 jaar en Koorts: ja, dan:
//! bestel MRI lumbale wervelkolom (dringend)."
//!
//! This is the one describer: the language server's hover
//! ([`rule_sentence`]), the reasons of `eval` ([`condition_phrase`]), and
//! the review site's rules, questionnaire, requirements and cases all use
//! it. A condition's phrase says exactly what the condition tests: a
//! negated test names the answers outside it that make it true (unknown,
//! not asked), as the semantics does (every test on an input that is
//! unknown or not asked is false).

use super::{Words, join_or, operator_sign, quantity, words};
use crate::logic::problem::ActionKind;
use crate::model::words::fill;
use crate::model::{Action, Cond, Demand, Guideline, Input, Rule, Type};

/// Definitions are acyclic and nesting is bounded by the parser; this bound
/// keeps a malformed model from recursing on.
const MAX_DEPTH: usize = 256;

/// A phrase and whether it is a compound (`a and b`, `at least 2 of: ...`)
/// that needs parentheses inside another.
struct Phrase {
    text: String,
    compound: bool,
}

impl Phrase {
    fn simple(text: String) -> Phrase {
        Phrase {
            text,
            compound: false,
        }
    }

    fn nested(self) -> String {
        if self.compound {
            format!("({})", self.text)
        } else {
            self.text
        }
    }
}

/// A condition in the guideline's words (labels of inputs and definitions,
/// answers in its language, numbers with their units), as a clinician reads
/// it: `Leeftijd ≥ 50 jaar`, `Koorts: ja`, `Neurologische uitval: acute of
/// subacute`, `niet Alarmsymptoom`. With `negated`, what holds when the
/// condition does not: a test on an input that may be unknown or not asked
/// names those answers too (`Koorts: nee, onbekend of niet gevraagd`), so
/// the phrase claims exactly what the test means.
pub(crate) fn condition_phrase(guideline: &Guideline, cond: &Cond, negated: bool) -> String {
    phrase(guideline, cond, negated, 0).text
}

/// The canonical name of a number input's unit, if any.
fn unit_name(input: &Input) -> Option<&'static str> {
    match &input.ty {
        Type::Number {
            unit: Some(unit), ..
        } => Some(unit.canonical),
        _ => None,
    }
}

/// The answers outside any test on `input` that make its negation true.
fn special(words: &Words, input: &Input) -> Vec<String> {
    let mut extra = Vec::new();
    if input.admits_unknown {
        extra.push(words.unknown.to_owned());
    }
    if input.asked_when.is_some() {
        extra.push(words.not_asked.to_owned());
    }
    extra
}

fn phrase(guideline: &Guideline, cond: &Cond, negated: bool, depth: usize) -> Phrase {
    if depth > MAX_DEPTH {
        return Phrase::simple("…".to_owned());
    }
    let words = words(guideline);
    let input_of = |id: usize| guideline.inputs.get(id);
    let answers = |input: &Input, parts: Vec<String>| {
        Phrase::simple(format!("{}: {}", input.label, join_or(&parts, words.or)))
    };
    let unknown = || Phrase::simple("?".to_owned());
    let flip = |op| {
        if negated {
            crate::syntax::vocabulary::opposite(op)
        } else {
            op
        }
    };
    match cond {
        Cond::True => Phrase::simple((if negated { words.never } else { words.always }).to_owned()),
        Cond::Invalid => unknown(),
        Cond::BoolIs(id, value, _) => {
            let Some(input) = input_of(*id) else {
                return unknown();
            };
            let word = |b: bool| (if b { words.yes } else { words.no }).to_owned();
            if negated {
                let mut parts = vec![word(!*value)];
                parts.extend(special(words, input));
                answers(input, parts)
            } else {
                answers(input, vec![word(*value)])
            }
        }
        Cond::ChoiceIn(id, values, _) => {
            let Some(input) = input_of(*id) else {
                return unknown();
            };
            let Type::OneOf(names) = &input.ty else {
                return unknown();
            };
            let mut parts: Vec<String> = names
                .iter()
                .enumerate()
                .filter(|(index, _)| {
                    u32::try_from(*index).is_ok_and(|i| values.contains(&i)) != negated
                })
                .map(|(index, name)| {
                    u32::try_from(index)
                        .ok()
                        .and_then(|i| input.value_shown(i))
                        .unwrap_or(name)
                        .to_owned()
                })
                .collect();
            if negated {
                parts.extend(special(words, input));
            }
            answers(input, parts)
        }
        Cond::Has(id, member, _) => {
            let Some(input) = input_of(*id) else {
                return unknown();
            };
            let name = match &input.ty {
                Type::AnyOf(_) => input.value_shown(*member).unwrap_or("?"),
                _ => "?",
            };
            if negated {
                let mut parts = vec![format!("{} {name}", words.not)];
                parts.extend(special(words, input));
                answers(input, parts)
            } else {
                answers(input, vec![name.to_owned()])
            }
        }
        Cond::Compare(id, op, value, _) => {
            let Some(input) = input_of(*id) else {
                return unknown();
            };
            let test = format!(
                "{} {}",
                operator_sign(flip(*op)),
                quantity(guideline, input, *value)
            );
            let extra = if negated {
                special(words, input)
            } else {
                Vec::new()
            };
            if extra.is_empty() {
                Phrase::simple(format!("{} {test}", input.label))
            } else {
                // `Leeftijd: < 50 jaar, onbekend of niet gevraagd`.
                let mut parts = vec![test];
                parts.extend(extra);
                answers(input, parts)
            }
        }
        Cond::IsUnknown(id, _) => {
            let Some(input) = input_of(*id) else {
                return unknown();
            };
            if negated {
                let mut parts = vec![words.known.to_owned()];
                if input.asked_when.is_some() {
                    parts.push(words.not_asked.to_owned());
                }
                answers(input, parts)
            } else {
                answers(input, vec![words.unknown.to_owned()])
            }
        }
        Cond::Score(id, op, value, _) => {
            let label = guideline.scores.get(*id).map_or("?", |s| s.label.as_str());
            Phrase::simple(format!(
                "{label} {} {}",
                operator_sign(flip(*op)),
                crate::model::words::of(guideline).number(*value)
            ))
        }
        Cond::Linear(id, op, sum, _) => {
            let Some(input) = input_of(*id) else {
                return unknown();
            };
            let mut terms: Vec<String> = Vec::new();
            for (term, factor) in &sum.terms {
                let label = input_of(*term).map_or("?", |i| i.label.as_str());
                let one = crate::model::number::Rational::ONE;
                let magnitude = if factor.numer() < 0 {
                    crate::model::number::Rational::ZERO
                        .checked_sub(*factor)
                        .unwrap_or(*factor)
                } else {
                    *factor
                };
                // A factor between inputs of one unit is a plain number;
                // otherwise it carries the unit of the left input per unit
                // of the term (`10 ug/L × Leeftijd`).
                let same_unit = input_of(*term).is_some_and(|t| unit_name(t) == unit_name(input));
                let shown = if !same_unit {
                    format!("{} × {label}", quantity(guideline, input, magnitude))
                } else if magnitude == one {
                    label.to_owned()
                } else {
                    format!(
                        "{} × {label}",
                        crate::model::words::of(guideline).number(magnitude)
                    )
                };
                let sign = if factor.numer() < 0 { "−" } else { "+" };
                if terms.is_empty() && sign == "+" {
                    terms.push(shown);
                } else {
                    terms.push(format!("{sign} {shown}"));
                }
            }
            if sum.constant != crate::model::number::Rational::ZERO || terms.is_empty() {
                let constant = quantity(guideline, input, sum.constant);
                if terms.is_empty() {
                    terms.push(constant);
                } else if terms.first().is_some_and(|t| t.starts_with('−')) {
                    // `10 − Keer`, not `− Keer + 10`.
                    terms.insert(0, constant);
                } else {
                    terms.push(format!("+ {constant}"));
                }
            }
            let text = format!(
                "{} {} {}",
                input.label,
                operator_sign(flip(*op)),
                terms.join(" ")
            );
            if !negated {
                return Phrase::simple(text);
            }
            // Any input of the test without a value makes it false, so
            // its negation true: each is named with those answers.
            let mut parts = vec![text];
            let mut seen: Vec<usize> = Vec::new();
            for involved in std::iter::once(*id).chain(sum.terms.iter().map(|(t, _)| *t)) {
                if seen.contains(&involved) {
                    continue;
                }
                seen.push(involved);
                if let Some(other) = input_of(involved) {
                    let extra = special(words, other);
                    if !extra.is_empty() {
                        parts.push(format!("{}: {}", other.label, join_or(&extra, words.or)));
                    }
                }
            }
            Phrase {
                compound: parts.len() > 1,
                text: join_or(&parts, words.or),
            }
        }
        Cond::Define(id, _) => {
            let name = guideline
                .definitions
                .get(*id)
                .map_or("?", |d| d.label.as_deref().unwrap_or(d.id.as_str()));
            Phrase::simple(if negated {
                format!("{} {name}", words.not)
            } else {
                name.to_owned()
            })
        }
        Cond::Not(inner) => phrase(guideline, inner, !negated, depth + 1),
        Cond::And(parts) | Cond::Or(parts) => {
            // `not (a and b)` reads as `not a or not b`.
            let is_and = matches!(cond, Cond::And(_)) != negated;
            let joiner = if is_and { words.and } else { words.or };
            let shown: Vec<String> = parts
                .iter()
                .map(|part| phrase(guideline, part, negated, depth + 1).nested())
                .collect();
            Phrase {
                compound: shown.len() > 1,
                text: shown.join(&format!(" {joiner} ")),
            }
        }
        Cond::AtLeast(count, parts, _) => {
            let shown: Vec<String> = parts
                .iter()
                .map(|part| phrase(guideline, part, false, depth + 1).nested())
                .collect();
            let template = if negated {
                words.fewer_than
            } else {
                words.at_least
            };
            Phrase {
                compound: true,
                text: fill(template, &[&count.to_string(), &shown.join("; ")]),
            }
        }
    }
}

/// The verb of an action in a sentence: `order`, `refer to`, `avoid`.
fn verb(words: &Words, kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Refer => words.doc.refer_to,
        other => words.kind(other),
    }
}

fn entry_label(guideline: &Guideline, entry: usize) -> &str {
    guideline
        .entries
        .get(entry)
        .map_or("?", |e| e.label.as_str())
}

/// One action: `order MRI (urgent), or instead CT when MRI possible: no`,
/// `avoid CT, instead: MRI`.
fn action_phrase(guideline: &Guideline, action: &Action) -> String {
    let words = words(guideline);
    let mut text = format!(
        "{} {}",
        verb(words, action.kind),
        entry_label(guideline, action.target)
    );
    if let Some(urgency) = action.urgency {
        text.push_str(&format!(" ({})", words.urgency(urgency)));
    }
    for (when, target) in &action.alternatives {
        let condition = condition_phrase(guideline, when, false);
        text.push_str(&format!(
            ", {}",
            fill(
                words.alternative_when,
                &[entry_label(guideline, *target), &condition]
            )
        ));
    }
    if let Some(instead) = action.instead {
        text.push_str(&format!(
            ", {}",
            fill(words.instead_of, &[entry_label(guideline, instead)])
        ));
    }
    text
}

/// A rule in three parts, so that a page can list several actions under
/// their condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RuleSentence {
    /// `When Age ≥ 50 years, then:` or `Always:`.
    pub lead: String,
    /// One phrase per action (`order MRI (urgent)`).
    pub actions: Vec<String>,
    /// `It takes precedence over "R".`, or empty.
    pub overrides: String,
}

impl RuleSentence {
    /// The rule as one sentence: `When …, then: order …; refer to ….`
    pub(crate) fn sentence(&self) -> String {
        let mut text = format!("{} {}.", self.lead, self.actions.join("; "));
        if !self.overrides.is_empty() {
            text.push(' ');
            text.push_str(&self.overrides);
        }
        text
    }
}

/// What a rule does, in parts: [`RuleSentence`].
pub(crate) fn rule_parts(guideline: &Guideline, rule: &Rule) -> RuleSentence {
    let words = words(guideline);
    let mut actions: Vec<String> = rule
        .actions
        .iter()
        .map(|a| action_phrase(guideline, a))
        .collect();
    if actions.is_empty() {
        actions.push(words.nothing.to_owned());
    }
    let lead = match &rule.when {
        None | Some(Cond::True) => words.doc.rule_always.to_owned(),
        Some(cond) => fill(
            words.doc.rule_when,
            &[&condition_phrase(guideline, cond, false)],
        ),
    };
    let overridden: Vec<String> = rule
        .overrides
        .iter()
        .filter_map(|r| guideline.rules.get(*r))
        .map(|r| format!("\"{}\"", r.label))
        .collect();
    let overrides = if overridden.is_empty() {
        String::new()
    } else {
        fill(words.takes_precedence, &[&join_or(&overridden, words.and)])
    };
    RuleSentence {
        lead,
        actions,
        overrides,
    }
}

/// What a rule does, as one sentence in the guideline's language, with the
/// editors' labels: "When Age ≥ 50 years and Red flags: yes, then: order
/// MRI (urgent)." The language server shows it on hover.
pub(crate) fn rule_sentence(guideline: &Guideline, rule: &Rule) -> String {
    rule_parts(guideline, rule).sentence()
}

/// What a requirement or case expects, in words: `order MRI or CT
/// (urgent or sooner)`, `not (avoid anything)`.
pub(crate) fn demand_phrase(guideline: &Guideline, demand: &Demand) -> String {
    demand_at(guideline, demand, 0)
}

fn demand_at(guideline: &Guideline, demand: &Demand, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "…".to_owned();
    }
    let words = words(guideline);
    let nested = |part: &Demand| {
        let text = demand_at(guideline, part, depth + 1);
        if matches!(part, Demand::And(p) | Demand::Or(p) if p.len() > 1) {
            format!("({text})")
        } else {
            text
        }
    };
    match demand {
        Demand::And(parts) => parts
            .iter()
            .map(nested)
            .collect::<Vec<_>>()
            .join(&format!(" {} ", words.and)),
        Demand::Or(parts) => parts
            .iter()
            .map(nested)
            .collect::<Vec<_>>()
            .join(&format!(" {} ", words.or)),
        // `not not D` is `D`.
        Demand::Not(inner) => match inner.as_ref() {
            Demand::Not(twice) => demand_at(guideline, twice, depth + 1),
            _ => format!("{} ({})", words.not, demand_at(guideline, inner, depth + 1)),
        },
        Demand::Has {
            kind,
            targets,
            urgency,
            sooner,
        } => {
            let targets = match targets {
                None => words.doc.anything.to_owned(),
                Some(targets) => {
                    let labels: Vec<String> = targets
                        .iter()
                        .map(|t| entry_label(guideline, *t).to_owned())
                        .collect();
                    join_or(&labels, words.or)
                }
            };
            let mut text = match kind {
                Some(kind) => format!("{} {targets}", verb(words, *kind)),
                None => words.doc.some_advice.to_owned(),
            };
            if let Some(urgency) = urgency {
                text.push_str(&format!(" ({}", words.urgency(*urgency)));
                if *sooner {
                    text.push_str(&format!(" {}", words.doc.or_sooner));
                }
                text.push(')');
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{condition_phrase, rule_sentence};
    use crate::source::Sources;

    /// Parses and resolves one file (a layer below `check`).
    fn checked(text: &str) -> crate::model::Guideline {
        let mut sources = Sources::new();
        let file = sources.add("g.leidraad", text);
        let (syntax, parsed) = crate::syntax::parse(file, text);
        let (guideline, resolved) = crate::model::resolve(file, &syntax);
        assert!(
            parsed.iter().chain(&resolved).all(|d| !d.is_error()),
            "{parsed:?} {resolved:?}"
        );
        guideline
    }

    fn rule_sentences(text: &str) -> Vec<String> {
        let guideline = checked(text);
        guideline
            .rules
            .iter()
            .map(|r| rule_sentence(&guideline, r))
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
                "Als Koorts: nee en (Leeftijd ≥ 50 jaar of Soort: a of b), dan: bestel MRI van de rug (binnen 8 uur).".to_owned(),
                "Als Koorts: ja, dan: vermijd CT van de rug, in plaats daarvan: MRI van de rug. Deze regel gaat voor \"R\".".to_owned(),
            ]
        );
    }

    #[test]
    fn not_names_the_answers_that_make_it_true() {
        // `not x` is also true for an unknown answer, so it is not "x: no".
        let found = rule_sentences(
            "guideline g \"G\"\n  language en\n\
             input x : yes/no or unknown \"Swelling\"\n\
             exam scan \"Scan\"\n\
             rule r \"R\"\n  when not x\n  then order scan urgent\n",
        );
        assert_eq!(
            found,
            vec!["When Swelling: no or unknown, then: order Scan (urgent).".to_owned()]
        );
    }

    #[test]
    fn a_negated_conjunction_keeps_its_parentheses() {
        let guideline = checked(
            "guideline g \"G\"\n  language en\n\
             input a : yes/no \"A\"\ninput b : yes/no \"B\"\ninput c : yes/no \"C\"\n\
             exam scan \"Scan\"\n\
             rule r \"R\"\n  when not (a and b) and c\n  then order scan\n",
        );
        let when = guideline.rules[0].when.as_ref().unwrap();
        assert_eq!(
            condition_phrase(&guideline, when, false),
            "(A: no or B: no) and C: yes"
        );
        assert_eq!(
            condition_phrase(&guideline, when, true),
            "(A: yes and B: yes) or C: no"
        );
    }

    #[test]
    fn a_sum_names_every_input_that_can_lack_a_value() {
        let guideline = checked(
            "guideline g \"G\"\n  language en\n\
             input a : whole number 0..10 \"A\"\n\
             input b : whole number 0..10 or unknown \"B\"\n\
             exam scan \"Scan\"\n\
             rule r \"R\"\n  when a > b + 2\n  then order scan\n",
        );
        let when = guideline.rules[0].when.as_ref().unwrap();
        assert_eq!(condition_phrase(&guideline, when, false), "A > B + 2");
        assert_eq!(
            condition_phrase(&guideline, when, true),
            "A ≤ B + 2 or B: unknown"
        );
        let minus = checked(
            "guideline g \"G\"\n  language en\n\
             input a : whole number 0..10 \"A\"\n\
             input b : whole number 0..10 \"B\"\n\
             exam scan \"Scan\"\n\
             rule r \"R\"\n  when a > 10 - b\n  then order scan\n",
        );
        let when = minus.rules[0].when.as_ref().unwrap();
        assert_eq!(condition_phrase(&minus, when, false), "A > 10 − B");
    }
}
