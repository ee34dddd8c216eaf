//! Pass 1: declarations. Every input, definition, catalogue entry and rule
//! is named before any body is resolved, so that bodies may refer forward.

use super::*;

impl Resolver {
    pub(super) fn declare(&mut self, syntax: &ast::SyntaxFile) {
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
                        kind: header.kind,
                        id: header.id.name.clone(),
                        label: header.label.text.clone(),
                        version: header.version.as_ref().map(|t| t.text.clone()),
                        language: header.language.as_ref().map(|t| t.name.clone()),
                        source: header.source.as_ref().map(|t| t.text.clone()),
                        span: header.span,
                    });
                }
                ast::Item::Input(input) => self.declare_input(input),
                ast::Item::Score(score) => {
                    let id = self.guideline.scores.len();
                    let duplicate = self.names.get(&score.id.name).map(|(_, first)| *first);
                    if let Some(first) = duplicate {
                        self.duplicate("the name", &score.id, first);
                    } else {
                        self.names
                            .insert(score.id.name.clone(), (Named::Score(id), score.id.span));
                    }
                    self.guideline.scores.push(Score {
                        id: score.id.name.clone(),
                        label: score.label.text.clone(),
                        span: score.id.span,
                        terms: Vec::new(),
                    });
                    self.guideline
                        .index
                        .declare(Symbol::Score(id), score.id.span);
                    if duplicate.is_some() {
                        self.duplicates.insert(Symbol::Score(id));
                    }
                }
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
                    self.guideline
                        .index
                        .declare(Symbol::Definition(id), define.id.span);
                    // A duplicate is reported once, not also as unused.
                    if duplicate.is_some() {
                        self.duplicates.insert(Symbol::Definition(id));
                    }
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
                        self.guideline.index.declare_group(&group.name, group.span);
                    }
                    self.guideline
                        .index
                        .declare(Symbol::Entry(id), entry.id.span);
                    let codes = self.codings(&format!("`{}`", entry.id.name), &entry.codes);
                    self.guideline.entries.push(Entry {
                        id: entry.id.name.clone(),
                        label: entry.label.text.clone(),
                        kind: entry.kind,
                        groups: entry.groups.iter().map(|g| g.name.clone()).collect(),
                        span: entry.id.span,
                        codes,
                    });
                    if duplicate {
                        self.duplicates.insert(Symbol::Entry(id));
                    }
                }
                ast::Item::Rule(rule) => {
                    self.not_in_vocabulary(item);
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
                    self.guideline
                        .index
                        .declare(Symbol::Rule(index), rule.id.span);
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
                ast::Item::Require(_) | ast::Item::Case(_) => {
                    self.not_in_vocabulary(item);
                }
                ast::Item::Assume(_) | ast::Item::Use(_) | ast::Item::Exclusive(_) => {}
            }
        }
        // A header that does not parse has its own syntax error; saying
        // that the file has none would only repeat it.
        let broken_header = syntax
            .broken
            .iter()
            .any(|b| matches!(b.keyword.as_str(), "guideline" | "vocabulary"));
        if header_seen.is_none() && !broken_header {
            let span = syntax
                .items
                .first()
                .map_or(Span::new(self.file, 0, 0), ast::Item::span);
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

    /// L136 for a rule, requirement or case in a vocabulary, which holds
    /// declarations only.
    fn not_in_vocabulary(&mut self, item: &ast::Item) {
        if !self.vocabulary {
            return;
        }
        let (what, span) = match item {
            ast::Item::Rule(rule) => ("a rule", rule.id.span),
            ast::Item::Require(require) => ("a requirement", require.label.span),
            ast::Item::Case(case) => ("a case", case.label.span),
            _ => return,
        };
        self.error(
            Diagnostic::new(Code::NotInVocabulary, format!("{what} cannot be part of a vocabulary"))
                .with_primary(span, "in a vocabulary")
                .with_note("a vocabulary holds declarations only (inputs, catalogue entries, definitions, scores, assumptions and exclusive entries), so that every guideline that uses it decides its own advice")
                .with_help("move it into a guideline that uses this vocabulary (`use \"FILE\"` after its header)"),
        );
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
        self.broken_inputs.push(ty.is_none());
        let codes = self.codings(&format!("`{}`", input.id.name), &input.codes);
        let value_codes = self.value_codings(input);
        let value_labels = self.value_labels(input);
        self.guideline.inputs.push(Input {
            id: input.id.name.clone(),
            label: input.label.text.clone(),
            span: input.id.span,
            ty: ty.clone().unwrap_or(Type::YesNo),
            default: None,
            asked_when: None,
            admits_unknown: input.unknown.is_some(),
            codes,
            value_codes,
            value_labels,
        });
        // The default is read once the input is declared, so that
        // `default unknown` can see `or unknown`.
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
        if let Some(declared) = self.guideline.inputs.get_mut(id) {
            declared.default = default;
        }
        self.guideline
            .index
            .declare(Symbol::Input(id), input.id.span);
        if let ast::InputType::OneOf(values) | ast::InputType::AnyOf(values) = &input.ty {
            if duplicate.is_none() {
                for (position, value) in (0u32..).zip(values) {
                    self.guideline
                        .index
                        .declare(Symbol::Value(id, position), value.span);
                }
            }
        }
        if duplicate.is_some() {
            self.duplicates.insert(Symbol::Input(id));
        }
    }

    /// The codes of each value of a `one of` or `any of` input, by index
    /// (the first place of a value listed twice).
    fn value_codings(&mut self, input: &ast::InputDecl) -> Vec<Vec<crate::model::codes::Coding>> {
        let (ast::InputType::OneOf(values) | ast::InputType::AnyOf(values)) = &input.ty else {
            return Vec::new();
        };
        let mut codings = vec![Vec::new(); values.len()];
        for (value, written) in &input.value_codes {
            let owner = format!("the value `{}` of `{}`", value.name, input.id.name);
            let checked = self.codings(&owner, written);
            let position = values.iter().position(|v| v.span == value.span);
            if let Some(slot) = position.and_then(|p| codings.get_mut(p)) {
                *slot = checked;
            }
        }
        codings
    }

    /// The label of each value of a `one of` or `any of` input, by index
    /// (the first place of a value listed twice). An empty label (L118) is
    /// left out; two values shown by the same text are L119.
    fn value_labels(&mut self, input: &ast::InputDecl) -> Vec<Option<String>> {
        let (ast::InputType::OneOf(values) | ast::InputType::AnyOf(values)) = &input.ty else {
            return Vec::new();
        };
        let mut labels: Vec<Option<&ast::Text>> = vec![None; values.len()];
        for (value, text) in &input.value_labels {
            if text.text.trim().is_empty() {
                self.error(
                    Diagnostic::new(
                        Code::EmptyValueLabel,
                        format!(
                            "the label of the value `{}` of `{}` is empty",
                            value.name, input.id.name
                        ),
                    )
                    .with_primary(text.span, "empty label")
                    .with_note(
                        "a value is shown to people by its label, or by its name when it has none",
                    )
                    .with_help(format!(
                        "write the words the clinician knows `{}` by, or remove the empty label",
                        value.name
                    )),
                );
                continue;
            }
            let position = values.iter().position(|v| v.span == value.span);
            if let Some(slot) = position.and_then(|p| labels.get_mut(p)) {
                *slot = Some(text);
            }
        }
        let mut shown: HashMap<String, (&ast::Ident, Option<&ast::Text>)> = HashMap::new();
        for (value, label) in values.iter().zip(&labels) {
            let text = label.map_or(value.name.as_str(), |label| label.text.as_str());
            let key = text.trim().to_lowercase();
            match shown.get(&key) {
                // A value listed twice is reported as such (L113).
                Some((first, _)) if first.name == value.name => {}
                Some((first, first_label)) => {
                    let how = |name: &str, label: Option<&ast::Text>| match label {
                        Some(_) => format!("the label of `{name}`"),
                        None => format!("the name `{name}`, which has no label"),
                    };
                    self.error(
                        Diagnostic::new(
                            Code::DuplicateValueLabel,
                            format!(
                                "`{}` and `{}` of `{}` are both shown as \"{}\"",
                                first.name,
                                value.name,
                                input.id.name,
                                text.trim()
                            ),
                        )
                        .with_primary(
                            label.map_or(value.span, |label| label.span),
                            how(&value.name, *label),
                        )
                        .with_secondary(
                            first_label.map_or(first.span, |label| label.span),
                            how(&first.name, *first_label),
                        )
                        .with_note("a value is shown to people by its label, or by its name when it has none: a clinician could not tell these two apart")
                        .with_help(format!("give `{}` a label of its own", value.name)),
                    );
                }
                None => {
                    shown.insert(key, (value, *label));
                }
            }
        }
        labels
            .into_iter()
            .map(|label| label.map(|label| label.text.clone()))
            .collect()
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
            ast::InputType::Number {
                lo,
                hi,
                unit,
                molar_mass,
                whole,
            } => {
                let lo_value = self.number(lo)?;
                let hi_value = self.number(hi)?;
                if *whole {
                    for (bound, value) in [(lo, lo_value), (hi, hi_value)] {
                        if !value.is_integer() {
                            self.error(
                                Diagnostic::new(
                                    Code::InvalidInput,
                                    format!(
                                        "`{}` is a whole number, but its range ends at {}",
                                        input.id.name, bound.text
                                    ),
                                )
                                .with_primary(bound.span, "not a whole number")
                                .with_help(
                                    "give the range in whole numbers, or leave out `whole` if the input can take fractions",
                                ),
                            );
                            return None;
                        }
                    }
                }
                let unit = match unit {
                    Some(word) => Some(self.unit(word, None)?),
                    None => None,
                };
                let molar_mass = match molar_mass {
                    Some(quantity) => {
                        Some(self.molar_mass(&input.id.name, unit.as_ref(), quantity)?)
                    }
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
                    molar_mass,
                    whole: *whole,
                })
            }
        }
    }
}
