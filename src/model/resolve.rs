//! Syntax tree to model: binds names, checks types, units and ranges, and
//! reports everything it finds. It never fails: what cannot be resolved
//! becomes [`Cond::Invalid`] or is left out, with a diagnostic.

use super::number::Rational;
use super::suggest::did_you_mean;
use super::units::Unit;
use super::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::MAX_NESTING;
use crate::syntax::ast;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a name in a condition refers to.
#[derive(Clone, Copy)]
enum Named {
    Input(InputId),
    Definition(DefinitionId),
}

struct Resolver {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    guideline: Guideline,
    names: HashMap<String, (Named, Span)>,
    entries: HashMap<String, EntryId>,
    rules: HashMap<String, RuleIndex>,
    groups: BTreeSet<String>,
    used_inputs: Vec<bool>,
    used_definitions: Vec<bool>,
    used_entries: Vec<bool>,
    /// Inputs whose declared type could not be read: uses of them are not
    /// reported again.
    broken_inputs: Vec<bool>,
    /// Names declared by statements that did not parse (inputs and
    /// definitions, catalogue entries, rules): not reported as unknown.
    broken_names: HashSet<String>,
    broken_entries: HashSet<String>,
    broken_rules: HashSet<String>,
    /// Some statement did not parse, so "never used" cannot be told.
    incomplete: bool,
}

/// Resolves one parsed file.
pub fn resolve(file: FileId, syntax: &ast::SyntaxFile) -> (Guideline, Vec<Diagnostic>) {
    let mut resolver = Resolver {
        file,
        diagnostics: Vec::new(),
        guideline: Guideline {
            file,
            header: None,
            inputs: Vec::new(),
            definitions: Vec::new(),
            entries: Vec::new(),
            assumptions: Vec::new(),
            rules: Vec::new(),
            requirements: Vec::new(),
            cases: Vec::new(),
        },
        names: HashMap::new(),
        entries: HashMap::new(),
        rules: HashMap::new(),
        groups: BTreeSet::new(),
        used_inputs: Vec::new(),
        used_definitions: Vec::new(),
        used_entries: Vec::new(),
        broken_inputs: Vec::new(),
        broken_names: HashSet::new(),
        broken_entries: HashSet::new(),
        broken_rules: HashSet::new(),
        incomplete: !syntax.broken.is_empty(),
    };
    for broken in &syntax.broken {
        let Some(name) = &broken.name else {
            continue;
        };
        let set = match broken.keyword.as_str() {
            "input" | "define" => &mut resolver.broken_names,
            "exam" | "measure" | "specialist" => &mut resolver.broken_entries,
            "rule" => &mut resolver.broken_rules,
            _ => continue,
        };
        set.insert(name.clone());
    }
    resolver.declare(syntax);
    resolver.resolve_bodies(syntax);
    resolver.check_definition_cycles();
    resolver.check_asked_when();
    resolver.report_unused();
    (resolver.guideline, resolver.diagnostics)
}

impl Resolver {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn duplicate(&mut self, what: &str, ident: &ast::Ident, first: Span) {
        self.error(
            Diagnostic::new(
                Code::DuplicateName,
                format!("{what} `{}` is declared twice", ident.name),
            )
            .with_primary(ident.span, "declared again here")
            .with_secondary(first, "first declared here")
            .with_help("give one of them another name, or remove the second"),
        );
    }

    // --- pass 1: declarations ---------------------------------------------

    fn declare(&mut self, syntax: &ast::SyntaxFile) {
        let mut header_seen: Option<Span> = None;
        for (position, item) in syntax.items.iter().enumerate() {
            match item {
                ast::Item::Header(header) => {
                    if let Some(first) = header_seen {
                        self.error(
                            Diagnostic::new(Code::MisplacedHeader, "the file has a second `guideline` header")
                                .with_primary(header.id.span, "second header")
                                .with_secondary(first, "first header")
                                .with_help("a file holds one guideline; remove this header or move it to its own file"),
                        );
                        continue;
                    }
                    header_seen = Some(header.span);
                    if position != 0 {
                        self.error(
                            Diagnostic::new(
                                Code::MisplacedHeader,
                                "the `guideline` header is not the first statement",
                            )
                            .with_primary(header.id.span, "header here")
                            .with_help("move the `guideline` header to the top of the file"),
                        );
                    }
                    self.guideline.header = Some(Header {
                        id: header.id.name.clone(),
                        label: header.label.text.clone(),
                        version: header.version.as_ref().map(|t| t.text.clone()),
                        language: header.language.as_ref().map(|t| t.name.clone()),
                        source: header.source.as_ref().map(|t| t.text.clone()),
                        span: header.span,
                    });
                }
                ast::Item::Input(input) => self.declare_input(input),
                ast::Item::Define(define) => {
                    let id = self.guideline.definitions.len();
                    let duplicate = self.names.get(&define.id.name).map(|(_, first)| *first);
                    if let Some(first) = duplicate {
                        self.duplicate("the name", &define.id, first);
                    } else {
                        self.names.insert(
                            define.id.name.clone(),
                            (Named::Definition(id), define.id.span),
                        );
                    }
                    self.guideline.definitions.push(Definition {
                        id: define.id.name.clone(),
                        label: define.label.as_ref().map(|t| t.text.clone()),
                        span: define.id.span,
                        condition: Cond::Invalid,
                    });
                    // A duplicate is reported once, not also as unused.
                    self.used_definitions.push(duplicate.is_some());
                }
                ast::Item::Entry(entry) => {
                    let id = self.guideline.entries.len();
                    let duplicate = self.entries.contains_key(&entry.id.name);
                    if let Some(first) = self.entries.get(&entry.id.name) {
                        let first = self
                            .guideline
                            .entries
                            .get(*first)
                            .map_or(entry.id.span, |e| e.span);
                        self.duplicate("the catalogue entry", &entry.id, first);
                    } else {
                        self.entries.insert(entry.id.name.clone(), id);
                    }
                    for group in &entry.groups {
                        self.groups.insert(group.name.clone());
                    }
                    self.guideline.entries.push(Entry {
                        id: entry.id.name.clone(),
                        label: entry.label.text.clone(),
                        kind: entry.kind,
                        groups: entry.groups.iter().map(|g| g.name.clone()).collect(),
                        span: entry.id.span,
                    });
                    self.used_entries.push(duplicate);
                }
                ast::Item::Rule(rule) => {
                    let index = self.guideline.rules.len();
                    if let Some(first) = self.rules.get(&rule.id.name) {
                        let first = self
                            .guideline
                            .rules
                            .get(*first)
                            .map_or(rule.id.span, |r| r.id_span);
                        self.duplicate("the rule", &rule.id, first);
                    } else {
                        self.rules.insert(rule.id.name.clone(), index);
                    }
                    self.guideline.rules.push(Rule {
                        id: rule.id.name.clone(),
                        label: rule.label.text.clone(),
                        span: rule.span,
                        id_span: rule.id.span,
                        when: None,
                        actions: Vec::new(),
                        overrides: Vec::new(),
                    });
                }
                ast::Item::Assume(_) | ast::Item::Require(_) | ast::Item::Case(_) => {}
            }
        }
        if header_seen.is_none() {
            let span = syntax
                .items
                .first()
                .map_or(Span::new(self.file, 0, 0), item_span);
            let message = if syntax.items.is_empty() {
                "the file holds no guideline"
            } else {
                "the file has no `guideline` header"
            };
            self.error(
                Diagnostic::new(Code::MissingHeader, message)
                    .with_primary(Span { end: span.start, ..span }, "expected `guideline NAME \"Label\"` here")
                    .with_help("start the file with a header, for example:\n    guideline lage_rugpijn \"Diagnostiek lage rugpijn\""),
            );
        }
    }

    fn declare_input(&mut self, input: &ast::InputDecl) {
        let id = self.guideline.inputs.len();
        let duplicate = self.names.get(&input.id.name).map(|(_, first)| *first);
        if let Some(first) = duplicate {
            self.duplicate("the name", &input.id, first);
        } else {
            self.names
                .insert(input.id.name.clone(), (Named::Input(id), input.id.span));
        }
        let ty = self.input_type(input);
        let mut default = None;
        for (position, literal) in input.defaults.iter().enumerate() {
            if position > 0 {
                self.error(
                    Diagnostic::new(
                        Code::InvalidInput,
                        format!("`{}` has two defaults", input.id.name),
                    )
                    .with_primary(literal.span(), "second default")
                    .with_help("keep one `default`"),
                );
                continue;
            }
            if let Some(ty) = &ty {
                default = self.value_of(&input.id.name, ty, literal, Code::InvalidInput);
            }
        }
        self.broken_inputs.push(ty.is_none());
        self.guideline.inputs.push(Input {
            id: input.id.name.clone(),
            label: input.label.text.clone(),
            span: input.id.span,
            ty: ty.unwrap_or(Type::YesNo),
            default,
            asked_when: None,
        });
        self.used_inputs.push(duplicate.is_some());
    }

    fn input_type(&mut self, input: &ast::InputDecl) -> Option<Type> {
        match &input.ty {
            ast::InputType::YesNo => Some(Type::YesNo),
            ast::InputType::OneOf(values) | ast::InputType::AnyOf(values) => {
                let mut seen: HashMap<&str, Span> = HashMap::new();
                for value in values {
                    if let Some(first) = seen.get(value.name.as_str()) {
                        let first = *first;
                        self.error(
                            Diagnostic::new(
                                Code::InvalidInput,
                                format!("the value `{}` is listed twice", value.name),
                            )
                            .with_primary(value.span, "listed again here")
                            .with_secondary(first, "first listed here")
                            .with_help("remove the second one"),
                        );
                    } else {
                        seen.insert(&value.name, value.span);
                    }
                }
                let names = values.iter().map(|v| v.name.clone()).collect();
                Some(if matches!(input.ty, ast::InputType::OneOf(_)) {
                    Type::OneOf(names)
                } else {
                    Type::AnyOf(names)
                })
            }
            ast::InputType::Number { lo, hi, unit } => {
                let lo_value = self.number(lo)?;
                let hi_value = self.number(hi)?;
                let unit = match unit {
                    Some(word) => Some(self.unit(word)?),
                    None => None,
                };
                if lo_value > hi_value {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidInput,
                            format!(
                                "the range of `{}` is empty: {} is more than {}",
                                input.id.name, lo.text, hi.text
                            ),
                        )
                        .with_primary(lo.span.to(hi.span), "empty range")
                        .with_help(format!(
                            "write the lowest value first: `{}..{}`",
                            hi.text, lo.text
                        )),
                    );
                    return None;
                }
                Some(Type::Number {
                    lo: lo_value,
                    hi: hi_value,
                    unit,
                })
            }
        }
    }

    fn number(&mut self, literal: &ast::NumberLit) -> Option<Rational> {
        match Rational::parse_decimal(&literal.text) {
            Ok(value) => Some(value),
            Err(error) => {
                self.error(
                    Diagnostic::new(
                        Code::SyntaxError,
                        format!("`{}` is not a number this tool can use", literal.text),
                    )
                    .with_primary(literal.span, format!("{error}"))
                    .with_help("write at most 15 digits before the decimal point and 6 after it"),
                );
                None
            }
        }
    }

    fn unit(&mut self, word: &ast::Ident) -> Option<Unit> {
        match Unit::lookup(&word.name) {
            Some(unit) => Some(unit),
            None => {
                let mut diagnostic =
                    Diagnostic::new(Code::UnknownUnit, format!("unknown unit `{}`", word.name))
                        .with_primary(word.span, "not a unit this tool knows");
                let dutch = dutch_unit(&word.name);
                diagnostic = match dutch
                    .or_else(|| did_you_mean(&word.name, Unit::all_words().iter().copied()))
                {
                    Some(suggestion) if dutch.is_some() => diagnostic.with_help(format!(
                        "units are written in English: write `{suggestion}`"
                    )),
                    Some(suggestion) => {
                        diagnostic.with_help(format!("did you mean `{suggestion}`?"))
                    }
                    None => diagnostic
                        .with_help(format!("known units: {}", Unit::all_words().join(", "))),
                };
                self.error(diagnostic);
                None
            }
        }
    }

    /// Converts a quantity to a number in the input's unit, checking the
    /// unit and the range. `code` is used for range errors.
    fn quantity(
        &mut self,
        name: &str,
        ty: &Type,
        quantity: &ast::Quantity,
        code: Code,
    ) -> Option<Rational> {
        let Type::Number { lo, hi, unit } = ty else {
            return None;
        };
        let value = self.number(&quantity.number)?;
        let value = match (&quantity.unit, unit) {
            (None, _) => value,
            (Some(word), None) => {
                self.error(
                    Diagnostic::new(
                        Code::UnitMismatch,
                        format!("`{name}` has no unit, but the number has `{}`", word.name),
                    )
                    .with_primary(word.span, "unit not expected")
                    .with_help(format!(
                        "remove `{}`, or give `{name}` a unit in its declaration",
                        word.name
                    )),
                );
                return None;
            }
            (Some(word), Some(input_unit)) => {
                let given = self.unit(word)?;
                if given.dimension != input_unit.dimension {
                    self.error(
                        Diagnostic::new(
                            Code::UnitMismatch,
                            format!(
                                "`{name}` is {} in {}, but `{}` is {}",
                                input_unit.dimension.describe(),
                                input_unit.canonical,
                                word.name,
                                given.dimension.describe()
                            ),
                        )
                        .with_primary(
                            word.span,
                            format!("expected a unit of {}", input_unit.dimension.describe()),
                        )
                        .with_help(format!(
                            "write the number in {} or a unit that converts to it",
                            input_unit.canonical
                        )),
                    );
                    return None;
                }
                match Unit::convert(value, &given, input_unit) {
                    Some(converted) => converted,
                    None => {
                        self.error(
                            Diagnostic::new(
                                Code::OutOfRange,
                                format!("`{}` is too large to convert", quantity.number.text),
                            )
                            .with_primary(quantity.span, "too large"),
                        );
                        return None;
                    }
                }
            }
        };
        if value < *lo || value > *hi {
            let unit_text = unit
                .as_ref()
                .map_or(String::new(), |u| format!(" {}", u.canonical));
            self.error(
                Diagnostic::new(
                    code,
                    format!("{} lies outside the range of `{name}`", quantity_text(quantity)),
                )
                .with_primary(quantity.span, format!("`{name}` goes from {lo} to {hi}{unit_text}"))
                .with_help(format!("use a value from {lo} to {hi}{unit_text}, or widen the range in the declaration of `{name}`")),
            );
            return None;
        }
        Some(value)
    }

    /// Converts a literal to a value of `ty` (defaults and case facts).
    fn value_of(
        &mut self,
        name: &str,
        ty: &Type,
        literal: &ast::Literal,
        code: Code,
    ) -> Option<Value> {
        let mismatch = |this: &mut Self, expected: &str| {
            let example = match ty {
                Type::YesNo => "yes".to_owned(),
                Type::OneOf(values) => values.first().cloned().unwrap_or_default(),
                Type::AnyOf(members) => {
                    format!("[{}]", members.first().map_or("", String::as_str))
                }
                Type::Number { lo, unit, .. } => match unit {
                    Some(unit) => format!("{lo} {}", unit.canonical),
                    None => lo.to_string(),
                },
            };
            let help = if code == Code::CaseFactMismatch {
                format!("write for example `{name} {example}`")
            } else {
                format!("write for example `default {example}`")
            };
            this.error(
                Diagnostic::new(
                    code,
                    format!("`{name}` is {}, so this value does not fit", ty.describe()),
                )
                .with_primary(literal.span(), format!("expected {expected}"))
                .with_help(help),
            );
            None
        };
        match (ty, literal) {
            (Type::YesNo, ast::Literal::Yes(_)) => Some(Value::Bool(true)),
            (Type::YesNo, ast::Literal::No(_)) => Some(Value::Bool(false)),
            (Type::YesNo, _) => mismatch(self, "`yes` or `no`"),
            (Type::OneOf(values), ast::Literal::Name(value)) => {
                self.choice(name, values, value, code).map(Value::Choice)
            }
            (Type::OneOf(values), _) => mismatch(self, &format!("one of {}", list(values))),
            (Type::AnyOf(members), ast::Literal::Set(items, _)) => {
                let mut set = Vec::new();
                for item in items {
                    let index = self.choice(name, members, item, code)?;
                    if set.contains(&index) {
                        self.error(
                            Diagnostic::new(code, format!("`{}` is listed twice", item.name))
                                .with_primary(item.span, "listed again")
                                .with_help("list each member once"),
                        );
                        return None;
                    }
                    set.push(index);
                }
                set.sort_unstable();
                Some(Value::Set(set))
            }
            (Type::AnyOf(members), ast::Literal::Name(item)) => self
                .choice(name, members, item, code)
                .map(|i| Value::Set(vec![i])),
            (Type::AnyOf(members), _) => mismatch(
                self,
                &format!(
                    "a list of members of {} in square brackets, such as `[{}]`",
                    list(members),
                    members.first().map_or("", String::as_str)
                ),
            ),
            (Type::Number { .. }, ast::Literal::Quantity(quantity)) => self
                .quantity(
                    name,
                    ty,
                    quantity,
                    if code == Code::CaseFactMismatch {
                        code
                    } else {
                        Code::OutOfRange
                    },
                )
                .map(Value::Number),
            (Type::Number { .. }, _) => mismatch(self, "a number"),
        }
    }

    fn choice(
        &mut self,
        name: &str,
        values: &[String],
        value: &ast::Ident,
        code: Code,
    ) -> Option<u32> {
        if let Some(index) = values.iter().position(|v| *v == value.name) {
            return u32::try_from(index).ok();
        }
        let code = if code == Code::CaseFactMismatch {
            code
        } else {
            Code::UnknownValue
        };
        let mut diagnostic =
            Diagnostic::new(code, format!("`{}` is not a value of `{name}`", value.name))
                .with_primary(value.span, format!("`{name}` is one of {}", list(values)));
        if let Some(suggestion) = did_you_mean(&value.name, values.iter().map(String::as_str)) {
            diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        } else {
            diagnostic = diagnostic.with_help(format!("use one of {}", list(values)));
        }
        self.error(diagnostic);
        None
    }

    // --- pass 2: bodies ----------------------------------------------------

    fn resolve_bodies(&mut self, syntax: &ast::SyntaxFile) {
        let mut input_index = 0;
        let mut definition_index = 0;
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
                ast::Item::Header(_) | ast::Item::Entry(_) | ast::Item::Case(_) => {}
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
                Some(&other) => overrides.push(other),
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
            let kind_word = action_word(action.kind);
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
                            format!("an alternative after `{kind_word}`"),
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
        if let Some(used) = self.used_entries.get_mut(entry) {
            *used = true;
        }
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
                        action_word(kind),
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
        if !self.groups.contains(&group.name) {
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
                span: d.span(),
            })
            .collect();
        self.guideline.cases.push(Case {
            label: case.label.text.clone(),
            span: case.span,
            facts,
            expects,
        });
    }

    // --- conditions ----------------------------------------------------------

    fn lookup_name(&mut self, ident: &ast::Ident) -> Option<Named> {
        if let Some((named, _)) = self.names.get(&ident.name) {
            let named = *named;
            match named {
                Named::Input(i) => {
                    if let Some(used) = self.used_inputs.get_mut(i) {
                        *used = true;
                    }
                    if self.broken_inputs.get(i).copied().unwrap_or(false) {
                        // Its declaration was reported; its uses are not.
                        return None;
                    }
                }
                Named::Definition(d) => {
                    if let Some(used) = self.used_definitions.get_mut(d) {
                        *used = true;
                    }
                }
            }
            return Some(named);
        }
        if self.broken_names.contains(&ident.name) {
            // Declared by a statement that did not parse, which was reported.
            return None;
        }
        let mut diagnostic =
            Diagnostic::new(Code::UnknownName, format!("unknown name `{}`", ident.name))
                .with_primary(ident.span, "not an input or a definition");
        let candidates: Vec<&str> = self
            .guideline
            .inputs
            .iter()
            .map(|i| i.id.as_str())
            .chain(self.guideline.definitions.iter().map(|d| d.id.as_str()))
            .collect();
        diagnostic = match did_you_mean(&ident.name, candidates.iter().copied()) {
            Some(s) => diagnostic.with_help(format!("did you mean `{s}`?")),
            None => diagnostic.with_help(format!(
                "declare it with `input {} : yes/no \"Label\"` or `define {} = ...`",
                ident.name, ident.name
            )),
        };
        self.error(diagnostic);
        None
    }

    fn input_named(&mut self, ident: &ast::Ident) -> Option<(InputId, Type)> {
        match self.lookup_name(ident)? {
            Named::Input(i) => self
                .guideline
                .inputs
                .get(i)
                .map(|input| (i, input.ty.clone())),
            Named::Definition(_) => {
                self.error(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        format!("`{}` is a definition, not an input", ident.name),
                    )
                    .with_primary(
                        ident.span,
                        "a definition is a condition; it cannot be compared",
                    )
                    .with_help(format!("use `{}` on its own as a condition", ident.name)),
                );
                None
            }
        }
    }

    fn condition(&mut self, condition: &ast::Condition) -> Cond {
        self.condition_inner(condition).unwrap_or(Cond::Invalid)
    }

    fn condition_inner(&mut self, condition: &ast::Condition) -> Option<Cond> {
        Some(match condition {
            ast::Condition::Name(ident) => match self.lookup_name(ident)? {
                Named::Definition(d) => Cond::Define(d, ident.span),
                Named::Input(i) => {
                    let ty = self.guideline.inputs.get(i).map(|x| x.ty.clone())?;
                    if ty != Type::YesNo {
                        let help = match &ty {
                            Type::OneOf(values) => format!(
                                "compare it with a value, for example `{} == {}`",
                                ident.name,
                                values.first().map_or("", String::as_str)
                            ),
                            Type::AnyOf(members) => format!(
                                "test a member, for example `{} has {}`",
                                ident.name,
                                members.first().map_or("", String::as_str)
                            ),
                            _ => format!(
                                "compare it with a number, for example `{} > 10`",
                                ident.name
                            ),
                        };
                        self.error(
                            Diagnostic::new(
                                Code::TypeMismatch,
                                format!(
                                    "`{}` is {}, not a yes/no input",
                                    ident.name,
                                    ty.describe()
                                ),
                            )
                            .with_primary(ident.span, "used as a condition on its own")
                            .with_help(help),
                        );
                        return None;
                    }
                    Cond::BoolIs(i, true, ident.span)
                }
            },
            ast::Condition::Compare {
                name,
                op,
                value,
                span,
            } => {
                let (input, ty) = self.input_named(name)?;
                self.comparison(input, &ty, name, *op, value, *span)?
            }
            ast::Condition::In { name, values, span } => {
                let (input, ty) = self.input_named(name)?;
                let Type::OneOf(choices) = &ty else {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!(
                                "`in [...]` needs a `one of` input, but `{}` is {}",
                                name.name,
                                ty.describe()
                            ),
                        )
                        .with_primary(*span, "not a `one of` input")
                        .with_help(if matches!(ty, Type::AnyOf(_)) {
                            format!("test members with `{} has ...`", name.name)
                        } else {
                            "compare with `==`, `<` or `>`".to_owned()
                        }),
                    );
                    return None;
                };
                let mut indices = Vec::new();
                for value in values {
                    indices.push(self.choice(&name.name, choices, value, Code::UnknownValue)?);
                }
                indices.sort_unstable();
                indices.dedup();
                Cond::ChoiceIn(input, indices, *span)
            }
            ast::Condition::Has { name, member, span } => {
                let (input, ty) = self.input_named(name)?;
                let Type::AnyOf(members) = &ty else {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!(
                                "`has` needs an `any of` input, but `{}` is {}",
                                name.name,
                                ty.describe()
                            ),
                        )
                        .with_primary(*span, "not an `any of` input")
                        .with_help(if matches!(ty, Type::OneOf(_)) {
                            format!("write `{} == {}`", name.name, member.name)
                        } else {
                            "use a comparison instead".to_owned()
                        }),
                    );
                    return None;
                };
                let index = self.choice(&name.name, members, member, Code::UnknownValue)?;
                Cond::Has(input, index, *span)
            }
            ast::Condition::Not(inner, _) => Cond::Not(Box::new(self.condition_inner(inner)?)),
            ast::Condition::And(parts, _) => {
                let resolved: Vec<Option<Cond>> =
                    parts.iter().map(|p| self.condition_inner(p)).collect();
                Cond::And(resolved.into_iter().collect::<Option<Vec<_>>>()?)
            }
            ast::Condition::Or(parts, _) => {
                let resolved: Vec<Option<Cond>> =
                    parts.iter().map(|p| self.condition_inner(p)).collect();
                Cond::Or(resolved.into_iter().collect::<Option<Vec<_>>>()?)
            }
            ast::Condition::Implies(left, right, _) => {
                let left = self.condition_inner(left);
                let right = self.condition_inner(right);
                Cond::Or(vec![Cond::Not(Box::new(left?)), right?])
            }
        })
    }

    fn comparison(
        &mut self,
        input: InputId,
        ty: &Type,
        name: &ast::Ident,
        op: ast::CompareOp,
        value: &ast::Literal,
        span: Span,
    ) -> Option<Cond> {
        let equality = matches!(op, ast::CompareOp::Eq | ast::CompareOp::Ne);
        let type_error = |this: &mut Self, message: String, help: String| {
            this.error(
                Diagnostic::new(Code::TypeMismatch, message)
                    .with_primary(value.span(), "this value does not fit")
                    .with_secondary(name.span, format!("`{}` is {}", name.name, ty.describe()))
                    .with_help(help),
            );
            None
        };
        match ty {
            Type::YesNo => {
                let answer = match value {
                    ast::Literal::Yes(_) => true,
                    ast::Literal::No(_) => false,
                    _ => {
                        return type_error(
                            self,
                            format!(
                                "`{}` is a yes/no input and cannot be compared with this value",
                                name.name
                            ),
                            format!("write `{}` or `not {}`", name.name, name.name),
                        );
                    }
                };
                if !equality {
                    return type_error(
                        self,
                        format!(
                            "`{}` is a yes/no input; `{}` does not apply",
                            name.name,
                            op.as_str()
                        ),
                        format!("write `{}` or `not {}`", name.name, name.name),
                    );
                }
                Some(Cond::BoolIs(
                    input,
                    answer == (op == ast::CompareOp::Eq),
                    span,
                ))
            }
            Type::OneOf(choices) => {
                let ast::Literal::Name(word) = value else {
                    return type_error(
                        self,
                        format!(
                            "`{}` is a `one of` input and can only be compared with one of its values",
                            name.name
                        ),
                        format!(
                            "write for example `{} == {}`",
                            name.name,
                            choices.first().map_or("", String::as_str)
                        ),
                    );
                };
                if !equality {
                    return type_error(
                        self,
                        format!(
                            "`{}` is a `one of` input; its values have no order, so `{}` does not apply",
                            name.name,
                            op.as_str()
                        ),
                        format!("list the values: `{} in [...]`", name.name),
                    );
                }
                let index = self.choice(&name.name, choices, word, Code::UnknownValue)?;
                let values: Vec<u32> = if op == ast::CompareOp::Eq {
                    vec![index]
                } else {
                    (0..u32::try_from(choices.len()).unwrap_or(0))
                        .filter(|v| *v != index)
                        .collect()
                };
                Some(Cond::ChoiceIn(input, values, span))
            }
            Type::AnyOf(members) => type_error(
                self,
                format!(
                    "`{}` is an `any of` input; test its members with `has`",
                    name.name
                ),
                format!(
                    "write for example `{} has {}`",
                    name.name,
                    match value {
                        ast::Literal::Name(word) if members.contains(&word.name) => &word.name,
                        _ => members.first().map_or("", String::as_str),
                    }
                ),
            ),
            Type::Number { .. } => {
                let ast::Literal::Quantity(quantity) = value else {
                    return type_error(
                        self,
                        format!(
                            "`{}` is a number input and can only be compared with a number",
                            name.name
                        ),
                        format!("write for example `{} > 10`", name.name),
                    );
                };
                let threshold = self.quantity(&name.name, ty, quantity, Code::OutOfRange)?;
                Some(Cond::Compare(input, op, threshold, span))
            }
        }
    }

    // --- pass 3: whole-guideline checks ------------------------------------

    /// Finds cycles among definitions and chains deeper than
    /// [`MAX_NESTING`]; offenders become `Invalid` so that later stages
    /// never recurse forever.
    fn check_definition_cycles(&mut self) {
        let count = self.guideline.definitions.len();
        let edges: Vec<Vec<(DefinitionId, Span)>> = self
            .guideline
            .definitions
            .iter()
            .map(|d| {
                let mut out = Vec::new();
                collect_definition_refs(&d.condition, &mut out);
                out
            })
            .collect();
        // Iterative depth-first search with colours: 0 new, 1 on stack, 2 done.
        let mut colour = vec![0u8; count];
        let mut depth = vec![0usize; count];
        let mut broken = vec![false; count];
        let mut reported: BTreeSet<Vec<DefinitionId>> = BTreeSet::new();
        for start in 0..count {
            if colour.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(DefinitionId, usize)> = vec![(start, 0)];
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let Some(&(child, _)) = edges.get(node).and_then(|e| e.get(*next)) else {
                    // All children done: this node's depth is one more than
                    // its deepest child.
                    let own = edges.get(node).map_or(0, |e| {
                        e.iter()
                            .map(|(c, _)| depth.get(*c).copied().unwrap_or(0) + 1)
                            .max()
                            .unwrap_or(0)
                    });
                    if let Some(d) = depth.get_mut(node) {
                        *d = own;
                    }
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    stack.pop();
                    continue;
                };
                *next += 1;
                match colour.get(child).copied() {
                    Some(0) => {
                        if let Some(c) = colour.get_mut(child) {
                            *c = 1;
                        }
                        stack.push((child, 0));
                    }
                    Some(1) => {
                        // A cycle: the stack from `child` to the top.
                        let position = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let cycle: Vec<DefinitionId> =
                            stack.iter().skip(position).map(|(n, _)| *n).collect();
                        for member in &cycle {
                            if let Some(b) = broken.get_mut(*member) {
                                *b = true;
                            }
                        }
                        let mut key = cycle.clone();
                        key.sort_unstable();
                        if reported.insert(key) {
                            self.report_cycle(&cycle, &edges);
                        }
                    }
                    _ => {}
                }
            }
        }
        for (index, definition) in self.guideline.definitions.iter_mut().enumerate() {
            let too_deep = depth.get(index).is_some_and(|d| *d > MAX_NESTING);
            if broken.get(index).copied().unwrap_or(false) || too_deep {
                definition.condition = Cond::Invalid;
            }
        }
        for (index, d) in depth.iter().enumerate() {
            if *d > MAX_NESTING && !broken.get(index).copied().unwrap_or(false) {
                if let Some(definition) = self.guideline.definitions.get(index) {
                    let diagnostic = Diagnostic::new(
                        Code::TooDeeplyNested,
                        format!(
                            "`{}` is built from a chain of more than {MAX_NESTING} definitions",
                            definition.id
                        ),
                    )
                    .with_primary(definition.span, "chain starts here")
                    .with_help("make the chain of definitions shorter");
                    self.diagnostics.push(diagnostic);
                }
                break;
            }
        }
    }

    fn report_cycle(&mut self, cycle: &[DefinitionId], edges: &[Vec<(DefinitionId, Span)>]) {
        let names: Vec<String> = cycle
            .iter()
            .filter_map(|d| {
                self.guideline
                    .definitions
                    .get(*d)
                    .map(|x| format!("`{}`", x.id))
            })
            .collect();
        let first = names.first().cloned().unwrap_or_default();
        let Some(&head) = cycle.first() else {
            return;
        };
        let Some(head_span) = self.guideline.definitions.get(head).map(|d| d.span) else {
            return;
        };
        let mut diagnostic = Diagnostic::new(
            Code::DefinitionCycle,
            if cycle.len() == 1 {
                format!("the definition {first} uses itself")
            } else {
                format!(
                    "the definitions {} use each other in a circle",
                    names.join(", ")
                )
            },
        )
        .with_primary(head_span, "this definition");
        for (position, member) in cycle.iter().enumerate() {
            let next = cycle
                .get(position + 1)
                .or(cycle.first())
                .copied()
                .unwrap_or(*member);
            if let Some((_, span)) = edges
                .get(*member)
                .and_then(|e| e.iter().find(|(c, _)| *c == next))
            {
                let next_name = self
                    .guideline
                    .definitions
                    .get(next)
                    .map_or("", |d| d.id.as_str());
                diagnostic = diagnostic.with_secondary(*span, format!("uses `{next_name}`"));
            }
        }
        let path: Vec<String> = names
            .iter()
            .cloned()
            .chain(std::iter::once(first))
            .collect();
        diagnostic = diagnostic
            .with_note(format!("the circle: {}", path.join(" → ")))
            .with_help("a definition must be built from inputs and other definitions without coming back to itself");
        self.diagnostics.push(diagnostic);
    }

    /// `asked when` must not use the input itself, directly or through
    /// definitions.
    fn check_asked_when(&mut self) {
        let mut problems = Vec::new();
        for (index, input) in self.guideline.inputs.iter().enumerate() {
            let Some(condition) = &input.asked_when else {
                continue;
            };
            let mut visited = vec![false; self.guideline.definitions.len()];
            if let Some(path) = self_use(&self.guideline, condition, index, &mut visited) {
                problems.push((input.id.clone(), input.span, path));
            }
        }
        for (name, span, path) in problems {
            let mut steps = path.into_iter();
            let Some(first) = steps.next() else {
                continue;
            };
            let mut diagnostic = Diagnostic::new(
                Code::AskedWhenSelf,
                format!("the `asked when` of `{name}` uses `{name}` itself"),
            );
            diagnostic = match &first.through {
                None => diagnostic.with_primary(first.span, format!("uses `{name}`")),
                Some(definition) => {
                    diagnostic.with_primary(first.span, format!("`{definition}` uses `{name}`"))
                }
            };
            for step in steps {
                let text = match &step.through {
                    None => format!("uses `{name}`"),
                    Some(definition) => format!("uses `{definition}`"),
                };
                diagnostic = diagnostic.with_secondary(step.span, text);
            }
            self.error(
                diagnostic
                    .with_secondary(span, "the input whose `asked when` this is")
                    .with_note(format!(
                        "whether `{name}` is asked must be known before its answer is"
                    ))
                    .with_help(format!(
                        "make the `asked when` of `{name}` depend on other inputs only"
                    )),
            );
        }
    }

    fn report_unused(&mut self) {
        if self.incomplete {
            // A statement that did not parse may use any name.
            return;
        }
        // Names used only by unused definitions still count as used; that is
        // what an editor expects ("is this name mentioned anywhere?").
        for (index, input) in self.guideline.inputs.iter().enumerate() {
            if !self.used_inputs.get(index).copied().unwrap_or(true) {
                self.diagnostics.push(
                    Diagnostic::new(Code::UnusedInput, format!("the input `{}` is never used", input.id))
                        .with_primary(input.span, "declared here")
                        .with_help("use it in a rule, definition or requirement, or remove it; if it is recorded for information only, say so in a comment"),
                );
            }
        }
        for (index, definition) in self.guideline.definitions.iter().enumerate() {
            if !self.used_definitions.get(index).copied().unwrap_or(true) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedDefinition,
                        format!("the definition `{}` is never used", definition.id),
                    )
                    .with_primary(definition.span, "defined here")
                    .with_help("use it in a condition, or remove it"),
                );
            }
        }
        for (index, entry) in self.guideline.entries.iter().enumerate() {
            if !self.used_entries.get(index).copied().unwrap_or(true) {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnusedEntry,
                        format!(
                            "the {} `{}` is never recommended",
                            entry.kind.as_str(),
                            entry.id
                        ),
                    )
                    .with_primary(entry.span, "declared here")
                    .with_help("name it in a rule, or remove it from the catalogue"),
                );
            }
        }
    }
}

/// One step on the way from an `asked when` to a use of its own input: the
/// span of the use, or of a definition that leads to it.
struct SelfUse {
    span: Span,
    /// The definition named at `span`, if the use goes through one.
    through: Option<String>,
}

/// Where `condition` uses `input`, directly or through definitions: the
/// path of spans from `condition` to the use. Definitions are visited once
/// (cycles were reported and broken before).
fn self_use(
    guideline: &Guideline,
    condition: &Cond,
    input: InputId,
    visited: &mut Vec<bool>,
) -> Option<Vec<SelfUse>> {
    match condition {
        Cond::True | Cond::Invalid => None,
        Cond::BoolIs(i, _, span)
        | Cond::ChoiceIn(i, _, span)
        | Cond::Has(i, _, span)
        | Cond::Compare(i, _, _, span) => (*i == input).then(|| {
            vec![SelfUse {
                span: *span,
                through: None,
            }]
        }),
        Cond::Define(d, span) => {
            let seen = visited.get_mut(*d)?;
            if *seen {
                return None;
            }
            *seen = true;
            let definition = guideline.definitions.get(*d)?;
            let mut rest = self_use(guideline, &definition.condition, input, visited)?;
            rest.insert(
                0,
                SelfUse {
                    span: *span,
                    through: Some(definition.id.clone()),
                },
            );
            Some(rest)
        }
        Cond::Not(inner) => self_use(guideline, inner, input, visited),
        Cond::And(parts) | Cond::Or(parts) => parts
            .iter()
            .find_map(|part| self_use(guideline, part, input, visited)),
    }
}

fn collect_definition_refs(condition: &Cond, out: &mut Vec<(DefinitionId, Span)>) {
    match condition {
        Cond::Define(d, span) => out.push((*d, *span)),
        Cond::Not(inner) => collect_definition_refs(inner, out),
        Cond::And(parts) | Cond::Or(parts) => {
            for part in parts {
                collect_definition_refs(part, out);
            }
        }
        _ => {}
    }
}

fn item_span(item: &ast::Item) -> Span {
    match item {
        ast::Item::Header(x) => x.span,
        ast::Item::Input(x) => x.span,
        ast::Item::Assume(x) => x.span,
        ast::Item::Define(x) => x.span,
        ast::Item::Entry(x) => x.span,
        ast::Item::Rule(x) => x.span,
        ast::Item::Require(x) => x.span,
        ast::Item::Case(x) => x.span,
    }
}

/// The English unit for a Dutch one, which editors of Dutch guidelines
/// write by habit.
fn dutch_unit(word: &str) -> Option<&'static str> {
    Some(match word.to_lowercase().as_str() {
        "jaar" | "jaren" | "jr" | "j" => "years",
        "maand" | "maanden" | "mnd" => "months",
        "week" | "weken" | "wk" => "weeks",
        "dag" | "dagen" | "d" => "days",
        "uur" | "uren" | "u" => "hours",
        "gram" => "g",
        "kilo" | "kilogram" => "kg",
        "meter" => "m",
        "centimeter" => "cm",
        "millimeter" => "mm",
        "graden" | "graad" => "celsius",
        _ => return None,
    })
}

fn action_word(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Order => "order",
        ActionKind::Refer => "refer",
        ActionKind::Avoid => "avoid",
    }
}

fn article(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Exam => "an",
        EntryKind::Measure | EntryKind::Specialist => "a",
    }
}

fn list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn quantity_text(quantity: &ast::Quantity) -> String {
    match &quantity.unit {
        Some(unit) => format!("`{} {}`", quantity.number.text, unit.name),
        None => format!("`{}`", quantity.number.text),
    }
}
