//! Pass 2: bodies. Rules, requirements and cases are resolved against the
//! names declared in pass 1.

use super::*;
use crate::syntax::vocabulary::kind_word;

impl Resolver {
    pub(super) fn resolve_bodies(&mut self, syntax: &ast::SyntaxFile) {
        let mut input_index = 0;
        let mut definition_index = 0;
        let mut score_index = 0;
        let mut rule_index = 0;
        for item in &syntax.items {
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
                ast::Item::Header(_)
                | ast::Item::Entry(_)
                | ast::Item::Case(_)
                | ast::Item::Use(_) => {}
            }
        }
        // Cases last: checking their facts evaluates `asked when`.
        for item in &syntax.items {
            if let ast::Item::Case(case) = item {
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
                        diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
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
                urgency: action.urgency.map(|(u, _)| u),
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

    /// Resolves an action's target and checks that the action fits it.
    fn target(&mut self, word: &ast::Ident, kind: ActionKind) -> Option<EntryId> {
        let Some(&entry) = self.entries.get(&word.name) else {
            if self.broken_entries.contains(&word.name) {
                return None;
            }
            let mut diagnostic = Diagnostic::new(
                Code::UnknownName,
                format!("`{}` is not in the catalogue", word.name),
            )
            .with_primary(word.span, "unknown exam, measure or specialist");
            diagnostic = match did_you_mean(
                &word.name,
                self.guideline.entries.iter().map(|e| e.id.as_str()),
            ) {
                Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
                None => diagnostic.with_help(format!(
                    "declare it first, for example `exam {} \"Label\"`",
                    word.name
                )),
            };
            self.error(diagnostic);
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
                }))
            }
            ast::Demand::Has {
                kind,
                target,
                urgency,
                ..
            } => Demand::Has {
                kind: Some(*kind),
                targets: Some(self.target(target, *kind).into_iter().collect()),
                urgency: urgency.map(|(u, _)| u),
            },
            ast::Demand::Nothing(_) => Demand::Not(Box::new(Demand::Has {
                kind: None,
                targets: None,
                urgency: None,
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
            .with_primary(group.span, "unknown group");
            diagnostic = match did_you_mean(&group.name, self.groups.iter().map(String::as_str)) {
                Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
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
                .with_primary(fact.name.span, "unknown input");
                if let Some(s) = did_you_mean(
                    &fact.name.name,
                    self.guideline.inputs.iter().map(|i| i.id.as_str()),
                ) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{s}`?"));
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
