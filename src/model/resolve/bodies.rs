//! Pass 2: bodies. Rules, requirements and cases are resolved against the
//! names declared in pass 1.

use super::*;
use crate::model::units::Dimension;
use crate::syntax::vocabulary::kind_word;

/// The longest time frame: 100 years of 365.25 days, in seconds.
const MAX_TIME_FRAME_SECONDS: u64 = 100 * 31_557_600;

impl Resolver {
    pub(super) fn resolve_bodies(&mut self, syntax: &ast::SyntaxFile) {
        let mut input_index = 0;
        let mut definition_index = 0;
        let mut score_index = 0;
        let mut rule_index = 0;
        for item in &syntax.items {
            self.statement = Some(item.span());
            match item {
                ast::Item::Input(input) => {
                    if let Some(condition) = &input.asked_when {
                        let resolved = self.condition(condition);
                        if let Some(slot) = self.guideline.inputs.get_mut(input_index) {
                            slot.asked_when = Some(resolved);
                        }
                    }
                    input_index += 1;
                }
                ast::Item::Define(define) => {
                    let resolved = self.condition(&define.condition);
                    if let Some(slot) = self.guideline.definitions.get_mut(definition_index) {
                        slot.condition = resolved;
                    }
                    definition_index += 1;
                }
                ast::Item::Score(score) => {
                    let terms = self.score_terms(score);
                    if let Some(slot) = self.guideline.scores.get_mut(score_index) {
                        slot.terms = terms;
                    }
                    score_index += 1;
                }
                ast::Item::Assume(assume) => {
                    let condition = self.condition(&assume.condition);
                    self.guideline.assumptions.push(Assumption {
                        condition,
                        span: assume.span,
                    });
                }
                ast::Item::Rule(rule) => {
                    self.resolve_rule(rule_index, rule);
                    rule_index += 1;
                }
                ast::Item::Require(require) => {
                    let when = require.when.as_ref().map(|c| self.condition(c));
                    let then = self.demand(&require.then);
                    self.guideline.requirements.push(Requirement {
                        label: require.label.text.clone(),
                        span: require.span,
                        when,
                        then,
                    });
                }
                ast::Item::Exclusive(exclusive) => self.resolve_exclusive(exclusive),
                ast::Item::Header(_)
                | ast::Item::Entry(_)
                | ast::Item::Case(_)
                | ast::Item::Use(_) => {}
            }
        }
        // Cases last: checking their facts evaluates `asked when`.
        for item in &syntax.items {
            if let ast::Item::Case(case) = item {
                self.statement = Some(case.span);
                self.resolve_case(case);
            }
        }
    }

    fn resolve_rule(&mut self, index: RuleIndex, rule: &ast::RuleDecl) {
        let mut overrides = Vec::new();
        for target in &rule.overrides {
            if target.name == rule.id.name {
                self.error(
                    Diagnostic::new(Code::OverrideSelf, format!("rule `{}` overrides itself", rule.id.name))
                        .with_primary(target.span, "this is the rule itself")
                        .with_help("`overrides` names another rule whose clashing actions this rule replaces; remove this name"),
                );
                continue;
            }
            match self.rules.get(&target.name) {
                Some(&other) => {
                    self.guideline.index.record(
                        Symbol::Rule(other),
                        target.span,
                        UseKind::Override,
                    );
                    overrides.push(other);
                }
                None if self.broken_rules.contains(&target.name) => {}
                None => {
                    let mut diagnostic = Diagnostic::new(
                        Code::OverrideMissing,
                        format!(
                            "rule `{}` overrides `{}`, but there is no rule `{}`",
                            rule.id.name, target.name, target.name
                        ),
                    )
                    .with_primary(target.span, "no rule has this name");
                    if let Some(s) = did_you_mean(
                        &target.name,
                        self.guideline.rules.iter().map(|r| r.id.as_str()),
                    ) {
                        diagnostic = diagnostic
                            .with_help(format!("did you mean `{s}`?"))
                            .with_fix(format!("change to `{s}`"), target.span, s);
                    }
                    self.error(diagnostic);
                }
            }
        }
        let when = rule.when.as_ref().map(|c| self.condition(c));
        let mut actions = Vec::new();
        for action in &rule.actions {
            let written = kind_word(action.kind);
            let Some(target) = self.target(&action.target, action.kind) else {
                continue;
            };
            let mut alternatives = Vec::new();
            for alternative in &action.alternatives {
                let condition = self.condition(&alternative.condition);
                if let Some(alt_target) = self.target(&alternative.target, action.kind) {
                    alternatives.push((condition, alt_target));
                }
            }
            let instead = match &action.instead {
                Some(word) => self.target(word, ActionKind::Order),
                None => None,
            };
            if action.kind == ActionKind::Avoid && !action.alternatives.is_empty() {
                self.error(
                    Diagnostic::new(Code::WrongActionKind, "`avoid` takes no `alternative`")
                        .with_primary(
                            action.alternatives.first().map_or(action.span, |a| a.span),
                            format!("an alternative after `{written}`"),
                        )
                        .with_help("to say what to do instead, write `avoid X instead Y`; `alternative` belongs to `order` and `refer`"),
                );
            }
            actions.push(Action {
                kind: action.kind,
                target,
                urgency: action.urgency.as_ref().and_then(|u| self.urgency(u)),
                alternatives,
                instead,
                span: action.span,
            });
        }
        if let Some(slot) = self.guideline.rules.get_mut(index) {
            slot.when = when;
            slot.actions = actions;
            slot.overrides = overrides;
        }
    }

    /// An urgency as written: a word, or a time frame converted exactly to
    /// whole seconds. A time frame that is not a duration of at least one
    /// whole second (no unit, a unit of something else, zero or less, a
    /// fraction of a second, or too long) is L116; an unknown unit L106.
    fn urgency(&mut self, (written, span): &(ast::UrgencyLit, Span)) -> Option<Urgency> {
        let quantity = match written {
            ast::UrgencyLit::Word(word) => return Some(*word),
            ast::UrgencyLit::Within(quantity) => quantity,
        };
        let text = match &quantity.unit {
            Some(unit) => format!("{} {}", quantity.number.text, unit.name),
            None => quantity.number.text.clone(),
        };
        let value = self.number(&quantity.number)?;
        let invalid = |label: String, help: &str| {
            Diagnostic::new(
                Code::InvalidTimeFrame,
                format!("`within {text}` is not a time frame"),
            )
            .with_primary(*span, label)
            .with_help(help.to_owned())
        };
        let Some(word) = &quantity.unit else {
            self.error(invalid(
                "a number without a unit".to_owned(),
                &format!("say the unit of time, for example `within {text} hours`"),
            ));
            return None;
        };
        let unit = self.unit(word, None)?;
        if unit.dimension != Dimension::Time {
            self.error(invalid(
                format!("`{}` measures {}, not time", word.name, unit.dimension.describe()),
                "a time frame is a duration, for example `within 1 hour`, `within 8 hours` or `within 2 weeks`",
            ));
            return None;
        }
        if value <= Rational::ZERO {
            self.error(invalid(
                "a time frame must be longer than zero".to_owned(),
                "for \"at once\", write the shortest time the source allows, for example `within 1 hour`",
            ));
            return None;
        }
        let seconds = Unit::lookup("hours")
            .and_then(|hours| unit.factor_to_base().checked_div(hours.factor_to_base()))
            .and_then(|in_hours| in_hours.checked_mul(Rational::from_integer(3600)))
            .and_then(|per_unit| value.checked_mul(per_unit));
        let whole = seconds
            .filter(|s| s.is_integer())
            .and_then(|s| u64::try_from(s.numer()).ok())
            .filter(|&s| s <= MAX_TIME_FRAME_SECONDS);
        match (seconds, whole) {
            (_, Some(seconds)) => Some(Urgency::Within { seconds }),
            (Some(s), None) if !s.is_integer() => {
                self.error(invalid(
                    "not a whole number of seconds".to_owned(),
                    "write the time frame in whole seconds or a larger unit, for example `within 90 minutes`",
                ));
                None
            }
            _ => {
                self.error(invalid(
                    "longer than 100 years".to_owned(),
                    "a time frame this long is no deadline; leave the urgency out, or write `routine`",
                ));
                None
            }
        }
    }

    /// `exclusive A, B "Label"`: every name must be a catalogue entry, and at
    /// least two different ones.
    fn resolve_exclusive(&mut self, exclusive: &ast::ExclusiveDecl) {
        let mut entries: Vec<EntryId> = Vec::new();
        let mut complete = true;
        for word in &exclusive.entries {
            let Some(entry) = self.entry(word) else {
                complete = false;
                continue;
            };
            self.guideline
                .index
                .record(Symbol::Entry(entry), word.span, UseKind::Exclusive);
            if let Some(position) = entries.iter().position(|&e| e == entry) {
                let first = exclusive
                    .entries
                    .get(position)
                    .map_or(word.span, |w| w.span);
                self.error(
                    Diagnostic::new(
                        Code::ExclusiveTooFew,
                        format!("`exclusive` names `{}` twice", word.name),
                    )
                    .with_primary(word.span, "named again here")
                    .with_secondary(first, "first named here")
                    .with_help("an entry never excludes itself; remove the second mention"),
                );
                complete = false;
                continue;
            }
            entries.push(entry);
        }
        if complete && entries.len() < 2 {
            let name = exclusive.entries.first().map_or("", |w| w.name.as_str());
            self.error(
                Diagnostic::new(
                    Code::ExclusiveTooFew,
                    "`exclusive` names only one catalogue entry",
                )
                .with_primary(exclusive.span, format!("only `{name}`"))
                .with_help(format!(
                    "name the entries that exclude each other, separated by commas: `exclusive {name}, OTHER \"why\"`"
                )),
            );
        }
        if entries.len() >= 2 {
            self.guideline.exclusive.push(Exclusive {
                entries,
                label: exclusive.label.text.clone(),
                span: exclusive.span,
            });
        }
    }

    /// A catalogue entry by name, for a statement that names entries of
    /// any kind; L101 with "did you mean" when there is none.
    fn entry(&mut self, word: &ast::Ident) -> Option<EntryId> {
        if let Some(&entry) = self.entries.get(&word.name) {
            return Some(entry);
        }
        if !self.broken_entries.contains(&word.name) {
            self.unknown_entry(word, None);
        }
        None
    }

    fn unknown_entry(&mut self, word: &ast::Ident, kind: Option<ActionKind>) {
        let mut diagnostic = Diagnostic::new(
            Code::UnknownName,
            format!("`{}` is not in the catalogue", word.name),
        )
        .with_primary(word.span, "unknown exam, measure or specialist")
        .with_undeclared(word.name.as_str());
        diagnostic = match did_you_mean(
            &word.name,
            self.guideline.entries.iter().map(|e| e.id.as_str()),
        ) {
            Some(s) => diagnostic
                .with_help(format!("did you mean `{s}`?"))
                .with_fix(format!("change to `{s}`"), word.span, s),
            None => {
                let keyword = if kind == Some(ActionKind::Refer) {
                    "specialist"
                } else {
                    "exam"
                };
                let declaration = format!("{keyword} {} \"{}\"", word.name, word.name);
                let diagnostic = diagnostic.with_help(format!(
                    "declare it first, for example `exam {} \"Label\"`",
                    word.name
                ));
                match self.declaration_fix(self.last_entry, &declaration) {
                    Some((span, text)) => {
                        diagnostic.with_fix(format!("declare `{declaration}`"), span, text)
                    }
                    None => diagnostic,
                }
            }
        };
        self.error(diagnostic);
    }

    /// Resolves an action's target and checks that the action fits it.
    fn target(&mut self, word: &ast::Ident, kind: ActionKind) -> Option<EntryId> {
        let Some(&entry) = self.entries.get(&word.name) else {
            if !self.broken_entries.contains(&word.name) {
                self.unknown_entry(word, Some(kind));
            }
            return None;
        };
        self.guideline
            .index
            .record(Symbol::Entry(entry), word.span, UseKind::Target);
        let entry_kind = self.guideline.entries.get(entry).map(|e| e.kind)?;
        let fits = match kind {
            ActionKind::Order | ActionKind::Avoid => entry_kind != EntryKind::Specialist,
            ActionKind::Refer => entry_kind == EntryKind::Specialist,
        };
        if !fits {
            let what = format!("{} {}", article(entry_kind), entry_kind.as_str());
            let (message, help) = if kind == ActionKind::Refer {
                (
                    format!("`refer` is for specialists, but `{}` is {what}", word.name),
                    format!("write `order {}`", word.name),
                )
            } else {
                (
                    format!(
                        "`{}` is for exams and measures, but `{}` is a specialist",
                        kind_word(kind),
                        word.name
                    ),
                    if kind == ActionKind::Order {
                        format!("write `refer {}`", word.name)
                    } else {
                        "a rule cannot advise against a specialist; advise against the exam or measure instead".to_owned()
                    },
                )
            };
            self.error(
                Diagnostic::new(Code::WrongActionKind, message)
                    .with_primary(word.span, format!("`{}` is {what}", word.name))
                    .with_help(help),
            );
        }
        Some(entry)
    }

    fn demand(&mut self, demand: &ast::Demand) -> Demand {
        match demand {
            ast::Demand::And(parts, _) => {
                Demand::And(parts.iter().map(|p| self.demand(p)).collect())
            }
            ast::Demand::Or(parts, _) => Demand::Or(parts.iter().map(|p| self.demand(p)).collect()),
            ast::Demand::Not(inner, _) => Demand::Not(Box::new(self.demand(inner))),
            ast::Demand::Paren(inner, _) => self.demand(inner),
            ast::Demand::Some { kind, group, .. } => Demand::Has {
                kind: Some(*kind),
                targets: group.as_ref().map(|g| self.group(g)),
                urgency: None,
                sooner: false,
            },
            ast::Demand::No {
                kind,
                target,
                group,
                ..
            } => {
                let targets = match (target, group) {
                    (Some(target), _) => Some(self.target(target, *kind).into_iter().collect()),
                    (None, Some(group)) => Some(self.group(group)),
                    (None, None) => None,
                };
                Demand::Not(Box::new(Demand::Has {
                    kind: Some(*kind),
                    targets,
                    urgency: None,
                    sooner: false,
                }))
            }
            ast::Demand::Has {
                kind,
                target,
                urgency,
                sooner,
                ..
            } => Demand::Has {
                kind: Some(*kind),
                targets: Some(self.target(target, *kind).into_iter().collect()),
                urgency: urgency.as_ref().and_then(|u| self.urgency(u)),
                sooner: sooner.is_some(),
            },
            ast::Demand::Nothing(_) => Demand::Not(Box::new(Demand::Has {
                kind: None,
                targets: None,
                urgency: None,
                sooner: false,
            })),
        }
    }

    fn group(&mut self, group: &ast::Ident) -> Vec<EntryId> {
        if let Some(known) = self.guideline.index.group(&group.name) {
            self.guideline
                .index
                .record(Symbol::Group(known), group.span, UseKind::Group);
        } else {
            let mut diagnostic = Diagnostic::new(
                Code::UnknownGroup,
                format!("no catalogue entry is in the group `{}`", group.name),
            )
            .with_primary(group.span, "unknown group")
            .with_undeclared(group.name.as_str());
            diagnostic = match did_you_mean(&group.name, self.groups.iter().map(String::as_str)) {
                Some(s) => diagnostic
                    .with_help(format!("did you mean `{s}`?"))
                    .with_fix(format!("change to `{s}`"), group.span, s),
                None => diagnostic.with_help("put entries in a group with `in GROUP`, for example `exam MRI_LWK \"MRI\" in imaging`"),
            };
            self.error(diagnostic);
        }
        self.guideline
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.groups.contains(&group.name))
            .map(|(i, _)| i)
            .collect()
    }

    fn resolve_case(&mut self, case: &ast::CaseDecl) {
        let mut facts: Vec<Option<Value>> = vec![None; self.guideline.inputs.len()];
        let mut fact_spans: Vec<Option<Span>> = vec![None; self.guideline.inputs.len()];
        for fact in &case.facts {
            let Some(input) = self.guideline.input_index(&fact.name.name) else {
                if self.broken_names.contains(&fact.name.name) {
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    Code::CaseFactMismatch,
                    format!("`{}` is not an input", fact.name.name),
                )
                .with_primary(fact.name.span, "unknown input")
                .with_undeclared(fact.name.name.as_str());
                if let Some(s) = did_you_mean(
                    &fact.name.name,
                    self.guideline.inputs.iter().map(|i| i.id.as_str()),
                ) {
                    diagnostic = diagnostic
                        .with_help(format!("did you mean `{s}`?"))
                        .with_fix(format!("change to `{s}`"), fact.name.span, s);
                }
                self.error(diagnostic);
                continue;
            };
            self.guideline
                .index
                .record(Symbol::Input(input), fact.name.span, UseKind::CaseFact);
            if let Some(Some(first)) = fact_spans.get(input) {
                let first = *first;
                self.error(
                    Diagnostic::new(
                        Code::CaseFactMismatch,
                        format!("`{}` is given twice", fact.name.name),
                    )
                    .with_primary(fact.span, "given again")
                    .with_secondary(first, "first given here")
                    .with_help("give each input once"),
                );
                continue;
            }
            let ty = self
                .guideline
                .inputs
                .get(input)
                .map(|i| i.ty.clone())
                .filter(|_| !self.broken_inputs.get(input).copied().unwrap_or(false));
            let value = ty.and_then(|ty| {
                self.value_of(&fact.name.name, &ty, &fact.value, Code::CaseFactMismatch)
            });
            if let (Some(slot), Some(span_slot)) = (facts.get_mut(input), fact_spans.get_mut(input))
            {
                *slot = value;
                *span_slot = Some(fact.span);
            }
        }
        let (_, set_aside) = self.guideline.complete(&facts);
        for input in set_aside {
            let (Some(decl), Some(Some(span))) =
                (self.guideline.inputs.get(input), fact_spans.get(input))
            else {
                continue;
            };
            let asked_span = decl.span;
            let name = decl.id.clone();
            self.error(
                Diagnostic::new(
                    Code::CaseFactMismatch,
                    format!("`{name}` is not asked for this patient"),
                )
                .with_primary(*span, "given here")
                .with_secondary(
                    asked_span,
                    "its `asked when` is false for the other facts of this case",
                )
                .with_help(format!(
                    "remove `{name}` from the case, or change the facts it depends on"
                )),
            );
        }
        let expects = case
            .expects
            .iter()
            .map(|d| Expectation {
                demand: self.demand(d),
                span: d.without_parens().span(),
            })
            .collect();
        self.guideline.cases.push(Case {
            label: case.label.text.clone(),
            span: case.span,
            facts,
            expects,
        });
    }
}

fn article(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Exam => "an",
        EntryKind::Measure | EntryKind::Specialist => "a",
    }
}
