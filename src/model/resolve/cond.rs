//! Conditions: names looked up, tests checked against the input's type.

use super::*;

impl Resolver {
    fn lookup_name(&mut self, ident: &ast::Ident) -> Option<Named> {
        if let Some((named, _)) = self.names.get(&ident.name) {
            let named = *named;
            match named {
                Named::Input(i) => {
                    self.guideline
                        .index
                        .record(Symbol::Input(i), ident.span, UseKind::Condition);
                    if self.broken_inputs.get(i).copied().unwrap_or(false) {
                        // Its declaration was reported; its uses are not.
                        return None;
                    }
                }
                Named::Definition(d) => {
                    self.guideline.index.record(
                        Symbol::Definition(d),
                        ident.span,
                        UseKind::Condition,
                    );
                }
                Named::Score(id) => {
                    self.guideline
                        .index
                        .record(Symbol::Score(id), ident.span, UseKind::Condition);
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
                .with_primary(ident.span, "not an input or a definition")
                .with_undeclared(ident.name.as_str());
        let candidates: Vec<&str> = self
            .guideline
            .inputs
            .iter()
            .map(|i| i.id.as_str())
            .chain(self.guideline.definitions.iter().map(|d| d.id.as_str()))
            .collect();
        diagnostic = match did_you_mean(&ident.name, candidates.iter().copied()) {
            Some(s) => diagnostic
                .with_help(format!("did you mean `{s}`?"))
                .with_fix(format!("change to `{s}`"), ident.span, s),
            None => {
                let declaration = format!("input {} : yes/no \"{}\"", ident.name, ident.name);
                let diagnostic = diagnostic.with_help(format!(
                    "declare it with `input {} : yes/no \"Label\"` or `define {} = ...`",
                    ident.name, ident.name
                ));
                match self.declaration_fix(self.last_input, &declaration) {
                    Some((span, text)) => {
                        diagnostic.with_fix(format!("declare `{declaration}`"), span, text)
                    }
                    None => diagnostic,
                }
            }
        };
        self.error(diagnostic);
        None
    }

    pub(super) fn input_named(&mut self, ident: &ast::Ident) -> Option<(InputId, Type)> {
        match self.lookup_name(ident)? {
            Named::Input(i) => self
                .guideline
                .inputs
                .get(i)
                .map(|input| (i, input.ty.clone())),
            Named::Score(_) => {
                self.error(
                    Diagnostic::new(
                        Code::InvalidScore,
                        format!("`{}` is a score, not an input", ident.name),
                    )
                    .with_primary(ident.span, "a score is compared with a number")
                    .with_help(format!("compare it, for example `{} >= 2`", ident.name)),
                );
                None
            }
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

    pub(super) fn condition(&mut self, condition: &ast::Condition) -> Cond {
        self.condition_inner(condition).unwrap_or(Cond::Invalid)
    }

    fn condition_inner(&mut self, condition: &ast::Condition) -> Option<Cond> {
        Some(match condition {
            ast::Condition::Name(ident) => match self.lookup_name(ident)? {
                Named::Definition(d) => Cond::Define(d, ident.span),
                Named::Score(_) => {
                    self.error(
                        Diagnostic::new(
                            Code::InvalidScore,
                            format!("`{}` is a score, not a condition", ident.name),
                        )
                        .with_primary(ident.span, "used as a condition on its own")
                        .with_help(format!(
                            "compare it with a number, for example `{} >= 2`",
                            ident.name
                        )),
                    );
                    return None;
                }
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
                if let Some((Named::Score(id), _)) = self.names.get(&name.name) {
                    let id = *id;
                    self.lookup_name(name)?;
                    return self.score_comparison(id, name, *op, value, *span);
                }
                let (input, ty) = self.input_named(name)?;
                self.comparison(input, &ty, name, *op, value, *span)?
            }
            ast::Condition::AtLeast {
                at_least,
                parts,
                span,
            } => self.count(at_least, parts, *span)?,
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
            ast::Condition::IsUnknown { name, span } => {
                let (input, _) = self.input_named(name)?;
                if !self
                    .guideline
                    .inputs
                    .get(input)
                    .is_some_and(|i| i.admits_unknown)
                {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            format!(
                                "`{}` cannot be unknown: its declaration does not allow that answer",
                                name.name
                            ),
                        )
                        .with_primary(*span, "this test would never hold")
                        .with_help(format!(
                            "add `or unknown` to the type in the declaration of `{}`, for example `yes/no or unknown`",
                            name.name
                        )),
                    );
                    return None;
                }
                Cond::IsUnknown(input, *span)
            }
            ast::Condition::Not(inner, _) => Cond::Not(Box::new(self.condition_inner(inner)?)),
            ast::Condition::Paren(inner, _) => self.condition_inner(inner)?,
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
        if let ast::Literal::Unknown(_) = value {
            return type_error(
                self,
                "`unknown` is not compared with `==`: it is tested on its own".to_owned(),
                format!("write `{} is unknown`", name.name),
            );
        }
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
                // A value may be called `yes` or `no`.
                let word = value.value_name();
                let Some(word) = word else {
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
                let index = self.choice(&name.name, choices, &word, Code::UnknownValue)?;
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
                // Compared with other inputs: `d_dimer >= age * 10 ug/L`, `x > y`.
                let other_input = matches!(value, ast::Literal::Name(word)
                    if matches!(self.names.get(&word.name), Some((Named::Input(_), _))));
                if matches!(value, ast::Literal::Linear(..)) || other_input {
                    return self.linear_comparison(input, ty, name, op, value, span);
                }
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
}
