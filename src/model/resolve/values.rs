//! Numbers, units, quantities and literal values, checked against an
//! input's declared type and range.

use super::*;

impl Resolver {
    pub(super) fn number(&mut self, literal: &ast::NumberLit) -> Option<Rational> {
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

    /// The unit `word` names. `expected` is the unit of the input the
    /// number belongs to, with its molar mass, if any: a suggestion for an
    /// unknown unit is then one that converts to it, with its size.
    pub(super) fn unit(
        &mut self,
        word: &ast::Ident,
        expected: Option<(&Unit, Option<Rational>)>,
    ) -> Option<Unit> {
        if let Some(unit) = Unit::lookup(&word.name) {
            return Some(unit);
        }
        let diagnostic =
            Diagnostic::new(Code::UnknownUnit, format!("unknown unit `{}`", word.name))
                .with_primary(word.span, "not a unit this tool knows");
        let help = match dutch_unit(&word.name) {
            Some(english) => format!("units are written in English: write `{english}`"),
            None => unknown_unit_help(&word.name, expected),
        };
        self.error(diagnostic.with_help(help));
        None
    }

    /// Reads `molar mass 113.12 g/mol` of the input `name`, whose unit is
    /// `unit`: a positive number in g/mol, on an input whose unit a molar
    /// mass converts (a mass, an amount of substance, or their
    /// concentrations).
    pub(super) fn molar_mass(
        &mut self,
        name: &str,
        unit: Option<&Unit>,
        quantity: &ast::Quantity,
    ) -> Option<Rational> {
        let value = self.number(&quantity.number)?;
        let grams_per_mole = Unit::lookup("g/mol")?;
        let example = format!("molar mass {} g/mol", quantity.number.text);
        match &quantity.unit {
            None => {
                self.error(
                    Diagnostic::new(
                        Code::UnitMismatch,
                        format!("the molar mass of `{name}` has no unit"),
                    )
                    .with_primary(quantity.span, "expected a molar mass in g/mol")
                    .with_help(format!("write the unit: `{example}`")),
                );
                return None;
            }
            Some(word) => {
                let given = self.unit(word, Some((&grams_per_mole, None)))?;
                if given.dimension != grams_per_mole.dimension {
                    self.error(
                        Diagnostic::new(
                            Code::UnitMismatch,
                            format!(
                                "a molar mass is in g/mol, but `{}` is {}",
                                word.name,
                                given.dimension.describe()
                            ),
                        )
                        .with_primary(word.span, "expected g/mol")
                        .with_help(format!(
                            "write the substance's molar mass in grams per mole: `{example}`"
                        )),
                    );
                    return None;
                }
            }
        }
        if value <= Rational::ZERO {
            self.error(
                Diagnostic::new(
                    Code::InvalidInput,
                    format!("the molar mass of `{name}` must be more than 0"),
                )
                .with_primary(quantity.number.span, "not a molar mass")
                .with_help(
                    "write the substance's molar mass in g/mol, for example `molar mass 113.12 g/mol` for creatinine",
                ),
            );
            return None;
        }
        let converts = unit.is_some_and(|u| u.dimension.molar_partner().is_some());
        if !converts {
            let what = unit.map_or("has no unit".to_owned(), |u| {
                format!("is {} in {}", u.dimension.describe(), u.canonical)
            });
            self.error(
                Diagnostic::new(
                    Code::InvalidInput,
                    format!("`{name}` {what}, so a molar mass has nothing to convert"),
                )
                .with_primary(quantity.span, "a molar mass converts only masses and concentrations")
                .with_help(format!(
                    "remove the molar mass, or declare `{name}` in a unit of a concentration, such as `µmol/L` or `mg/dL`"
                )),
            );
            return None;
        }
        Some(value)
    }

    /// Converts a quantity to a number in the input's unit, checking the
    /// unit and the range. `code` is used for range errors.
    pub(super) fn quantity(
        &mut self,
        name: &str,
        ty: &Type,
        quantity: &ast::Quantity,
        code: Code,
    ) -> Option<Rational> {
        let Type::Number { lo, hi, unit, .. } = ty else {
            return None;
        };
        let value = self.quantity_in(name, ty, quantity)?;
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

    /// Converts a quantity to a number in the input's unit, checking the
    /// unit but not the range (a factor or a number added in a sum).
    pub(super) fn quantity_in(
        &mut self,
        name: &str,
        ty: &Type,
        quantity: &ast::Quantity,
    ) -> Option<Rational> {
        let Type::Number {
            lo,
            hi,
            unit,
            molar_mass,
            ..
        } = ty
        else {
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
                let given = self.unit(word, Some((input_unit, *molar_mass)))?;
                match Unit::convert(value, &given, input_unit, *molar_mass) {
                    Ok(converted) => converted,
                    Err(ConversionError::Dimensions) => {
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
                    Err(ConversionError::MolarMassNeeded) => {
                        self.error(
                            Diagnostic::new(
                                Code::UnitMismatch,
                                format!(
                                    "`{name}` is {} in {}, and `{}` is {}: they convert only with the substance's molar mass",
                                    input_unit.dimension.describe(),
                                    input_unit.canonical,
                                    word.name,
                                    given.dimension.describe()
                                ),
                            )
                            .with_primary(word.span, format!("`{name}` declares no molar mass"))
                            .with_help(format!(
                                "write the number in {unit}, or declare the molar mass of the substance in `{name}`'s declaration, for example `number {lo}..{hi} {unit} molar mass 113.12 g/mol` for creatinine",
                                unit = input_unit.canonical
                            )),
                        );
                        return None;
                    }
                    Err(ConversionError::TooLarge) => {
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
        Some(value)
    }

    /// Whether the input of this name is declared `or unknown`.
    fn admits_unknown(&self, name: &str) -> bool {
        match self.names.get(name) {
            Some((Named::Input(id), _)) => self
                .guideline
                .inputs
                .get(*id)
                .is_some_and(|input| input.admits_unknown),
            _ => false,
        }
    }

    /// Converts a literal to a value of `ty` (defaults and case facts).
    pub(super) fn value_of(
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
            (_, ast::Literal::Unknown(span)) => {
                if self.admits_unknown(name) {
                    Some(Value::Unknown)
                } else {
                    self.error(
                        Diagnostic::new(
                            code,
                            format!("`{name}` cannot be unknown: its declaration does not allow that answer"),
                        )
                        .with_primary(*span, "not an answer of this input")
                        .with_help(format!(
                            "leave the value out, or add `or unknown` to the type in the declaration of `{name}`"
                        )),
                    );
                    None
                }
            }
            // Values of `one of` and members of `any of` may be called `yes` and `no`.
            (Type::OneOf(values), ast::Literal::Yes(_) | ast::Literal::No(_)) => {
                let word = literal.value_name()?;
                self.choice(name, values, &word, code).map(Value::Choice)
            }
            (Type::AnyOf(members), ast::Literal::Yes(_) | ast::Literal::No(_)) => {
                let word = literal.value_name()?;
                self.choice(name, members, &word, code)
                    .map(|i| Value::Set(vec![i]))
            }
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
            (Type::Number { whole, .. }, ast::Literal::Quantity(quantity)) => {
                let range_code = if code == Code::CaseFactMismatch {
                    code
                } else {
                    Code::OutOfRange
                };
                let value = self.quantity(name, ty, quantity, range_code)?;
                if *whole && !value.is_integer() {
                    self.error(
                        Diagnostic::new(
                            code,
                            format!(
                                "`{name}` is a whole number, so {} does not fit",
                                quantity_text(quantity)
                            ),
                        )
                        .with_primary(
                            quantity.span,
                            format!("{} is not a whole number", value.to_human_string()),
                        )
                        .with_help("give a whole number"),
                    );
                    return None;
                }
                Some(Value::Number(value))
            }
            (Type::Number { .. }, _) => mismatch(self, "a number"),
        }
    }

    pub(super) fn choice(
        &mut self,
        name: &str,
        values: &[String],
        value: &ast::Ident,
        code: Code,
    ) -> Option<u32> {
        if let Some(index) = values.iter().position(|v| *v == value.name) {
            let index = u32::try_from(index).ok()?;
            if let Some((Named::Input(input), _)) = self.names.get(name) {
                let symbol = Symbol::Value(*input, index);
                self.guideline
                    .index
                    .record(symbol, value.span, UseKind::Value);
            }
            return Some(index);
        }
        let code = if code == Code::CaseFactMismatch {
            code
        } else {
            Code::UnknownValue
        };
        let mut diagnostic =
            Diagnostic::new(code, format!("`{}` is not a value of `{name}`", value.name))
                .with_primary(value.span, format!("`{name}` is one of {}", list(values)));
        // A value's label written for the value: name the value instead.
        let wanted = value.name.to_lowercase();
        let labelled = match self.names.get(name) {
            Some((Named::Input(input), _)) => self.guideline.inputs.get(*input).and_then(|input| {
                (0u32..).zip(values).find_map(|(index, v)| {
                    input
                        .value_label(index)
                        .is_some_and(|label| label.trim().to_lowercase() == wanted)
                        .then(|| v.clone())
                })
            }),
            _ => None,
        };
        if let Some(named) = labelled {
            diagnostic = diagnostic
                .with_note(format!(
                    "\"{}\" is the label of `{named}`: a label is shown to people, rules and cases name the value",
                    value.name
                ))
                .with_help(format!("write `{named}`"))
                .with_fix(format!("change to `{named}`"), value.span, named);
        } else if let Some(suggestion) =
            did_you_mean(&value.name, values.iter().map(String::as_str))
        {
            diagnostic = diagnostic
                .with_help(format!("did you mean `{suggestion}`?"))
                .with_fix(format!("change to `{suggestion}`"), value.span, suggestion);
        } else {
            diagnostic = diagnostic.with_help(format!("use one of {}", list(values)));
        }
        self.error(diagnostic);
        None
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
        "minuut" | "minuten" => "minutes",
        "seconde" | "seconden" => "seconds",
        "graden" | "graad" => "celsius",
        "voet" => "feet",
        "duim" => "inches",
        "liter" => "L",
        "milliliter" => "mL",
        "deciliter" => "dL",
        _ => return None,
    })
}

/// The help for an unknown unit: a suggestion only where no unit of
/// another size is as near (see [`Unit::unknown`]), with its size against
/// the expected unit; otherwise the units it could be, none guessed.
fn unknown_unit_help(word: &str, expected: Option<(&Unit, Option<Rational>)>) -> String {
    let (unit, molar_mass) = match expected {
        Some((unit, molar_mass)) => (Some(unit), molar_mass),
        None => (None, None),
    };
    match Unit::unknown(word, unit, molar_mass) {
        UnknownUnit::Suggest(Suggestion { unit, note: None }) => {
            format!("did you mean `{}`?", unit.canonical)
        }
        UnknownUnit::Suggest(Suggestion {
            unit,
            note: Some(note),
        }) => format!("did you mean `{}`? Mind the size: {note}", unit.canonical),
        UnknownUnit::Choose(dimension, words) => format!(
            "the units of {} this tool knows are {}; write the one the source uses",
            dimension.describe(),
            words
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        UnknownUnit::Nothing => {
            "see `leidraad explain L106` for the units this tool knows".to_owned()
        }
    }
}

fn quantity_text(quantity: &ast::Quantity) -> String {
    match &quantity.unit {
        Some(unit) => format!("`{} {}`", quantity.number.text, unit.name),
        None => format!("`{}`", quantity.number.text),
    }
}

fn list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
