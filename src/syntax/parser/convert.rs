//! Pest pairs to syntax tree nodes.

use super::*;

/// Turns pest pairs into syntax tree nodes, shifting spans by the
/// statement's offset in the file. Every method returns `None` only if the
/// tree does not have the shape the grammar promises.
pub(super) struct Converter {
    pub(super) file: FileId,
    pub(super) offset: usize,
}

impl Converter {
    pub(super) fn span_of(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offset + start, self.offset + end)
    }

    /// The span of a pair without the whitespace and comments that pest
    /// includes after its last token.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.span_of(s.start(), s.start() + significant_len(s.as_str()))
    }

    pub(super) fn statement(&self, mut pairs: Pairs<'_, Rule>) -> Option<Item> {
        let statement = pairs.next()?;
        let decl = statement.into_inner().next()?;
        Some(match decl.as_rule() {
            Rule::header => Item::Header(self.header(decl)?),
            Rule::use_decl => {
                let span = self.span(&decl);
                let path = self.text(decl.into_inner().find(|p| p.as_rule() == Rule::string)?);
                Item::Use(UseDecl { path, span })
            }
            Rule::input_decl => Item::Input(self.input(decl)?),
            Rule::assume_decl => {
                let span = self.span(&decl);
                let condition =
                    self.condition(decl.into_inner().find(|p| p.as_rule() == Rule::condition)?)?;
                Item::Assume(AssumeDecl { condition, span })
            }
            Rule::define_decl => Item::Define(self.define(decl)?),
            Rule::score_decl => Item::Score(self.score(decl)?),
            Rule::entry_decl => Item::Entry(self.entry(decl)?),
            Rule::rule_decl => Item::Rule(self.rule(decl)?),
            Rule::require_decl => Item::Require(self.require(decl)?),
            Rule::case_decl => Item::Case(self.case(decl)?),
            Rule::exclusive_decl => Item::Exclusive(self.exclusive(decl)?),
            _ => return None,
        })
    }

    /// A name, in its canonical form (`names::canonical_name`); the span
    /// covers it as written.
    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: canonical_name(pair.as_str()).into_owned(),
            span: self.span(&pair),
        }
    }

    /// A word kept exactly as written: a unit (the unit table judges it)
    /// or the header's language tag.
    fn word(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn text(&self, pair: Pair<'_, Rule>) -> Text {
        let span = self.span(&pair);
        let raw = pair.into_inner().next().map_or("", |p| p.as_str());
        Text {
            text: raw.replace("\\\"", "\"").replace("\\\\", "\\"),
            span,
        }
    }

    fn number(&self, pair: Pair<'_, Rule>) -> NumberLit {
        NumberLit {
            text: pair.as_str().to_owned(),
            span: self.span(&pair),
        }
    }

    fn idents(&self, pair: Pair<'_, Rule>) -> Vec<Ident> {
        pair.into_inner()
            .filter(|p| matches!(p.as_rule(), Rule::ident | Rule::kw_yes | Rule::kw_no))
            .map(|p| self.ident(p))
            .collect()
    }

    fn header(&self, pair: Pair<'_, Rule>) -> Option<Header> {
        let span = self.span(&pair);
        let kind = match pair.clone().into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::kw_vocabulary) => HeaderKind::Vocabulary,
            _ => HeaderKind::Guideline,
        };
        let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let id = self.ident(inner.next()?);
        let label = self.text(inner.next()?);
        let mut header = Header {
            kind,
            id,
            label,
            version: None,
            language: None,
            source: None,
            repeated: Vec::new(),
            span,
        };
        // The first span of each field, to point back at it when repeated.
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for field in inner {
            let field_span = self.span(&field);
            let mut parts = field.into_inner();
            let keyword = parts.next()?;
            let value = parts.next()?;
            let name = match keyword.as_rule() {
                Rule::kw_version => "version",
                Rule::kw_language => "language",
                Rule::kw_source => "source",
                _ => return None,
            };
            if let Some(&(_, first)) = seen.iter().find(|(seen_name, _)| *seen_name == name) {
                // The first value stays; the repetition is reported.
                header.repeated.push(RepeatedField {
                    keyword: name,
                    first,
                    again: field_span,
                });
                continue;
            }
            seen.push((name, field_span));
            match keyword.as_rule() {
                Rule::kw_version => header.version = Some(self.text(value)),
                Rule::kw_language => header.language = Some(self.word(value)),
                _ => header.source = Some(self.text(value)),
            }
        }
        Some(header)
    }

    fn input(&self, pair: Pair<'_, Rule>) -> Option<InputDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut ty = None;
        let mut ty_span = span;
        let mut unknown = None;
        let mut defaults = Vec::new();
        let mut label = None;
        let mut asked_when = None;
        let mut codes = Vec::new();
        let mut value_codes = Vec::new();
        let mut value_labels = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::code_clause => codes = self.codes(part),
                Rule::input_type => {
                    ty_span = self.span(&part);
                    if let Some(values) =
                        part.clone().into_inner().next().and_then(|ty| {
                            ty.into_inner().find(|p| p.as_rule() == Rule::value_list)
                        })
                    {
                        (value_codes, value_labels) = self.value_extras(values);
                    }
                    let mut inner = part.into_inner();
                    ty = Some(self.input_type(inner.next()?)?);
                    unknown = inner
                        .find(|p| p.as_rule() == Rule::unknown_answer)
                        .map(|p| self.span(&p));
                }
                Rule::default_clause => {
                    defaults.push(
                        self.literal(part.into_inner().find(|p| p.as_rule() == Rule::literal)?)?,
                    );
                }
                Rule::string => label = Some(self.text(part)),
                Rule::asked_clause => {
                    asked_when =
                        Some(self.condition(
                            part.into_inner().find(|p| p.as_rule() == Rule::condition)?,
                        )?);
                }
                _ => {}
            }
        }
        Some(InputDecl {
            id: id?,
            ty: ty?,
            ty_span,
            unknown,
            defaults,
            label: label?,
            asked_when,
            codes,
            value_codes,
            value_labels,
            span,
        })
    }

    /// The codings of a `code` clause or of a value's parentheses.
    fn codes(&self, pair: Pair<'_, Rule>) -> Vec<CodeLit> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::coding)
            .filter_map(|coding| {
                let span = self.span(&coding);
                let mut parts = coding.into_inner();
                let system = self.word(parts.next()?);
                let code = self.word(parts.next()?);
                Some(CodeLit { system, code, span })
            })
            .collect()
    }

    /// Each value of a value list that has codes, with them, and each
    /// that has a label, with it.
    #[expect(clippy::type_complexity, reason = "two lists read in one pass")]
    fn value_extras(
        &self,
        list: Pair<'_, Rule>,
    ) -> (Vec<(Ident, Vec<CodeLit>)>, Vec<(Ident, Text)>) {
        let mut codes = Vec::new();
        let mut labels = Vec::new();
        let mut last = None;
        for part in list.into_inner() {
            match part.as_rule() {
                Rule::ident | Rule::kw_yes | Rule::kw_no => last = Some(self.ident(part)),
                Rule::value_label => {
                    if let (Some(value), Some(text)) = (&last, part.into_inner().next()) {
                        labels.push((value.clone(), self.text(text)));
                    }
                }
                Rule::value_codes => {
                    if let Some(value) = last.take() {
                        codes.push((value, self.codes(part)));
                    }
                }
                _ => {}
            }
        }
        (codes, labels)
    }

    fn input_type(&self, pair: Pair<'_, Rule>) -> Option<InputType> {
        Some(match pair.as_rule() {
            Rule::yes_no_type => InputType::YesNo,
            Rule::one_of_type => InputType::OneOf(
                self.idents(
                    pair.into_inner()
                        .find(|p| p.as_rule() == Rule::value_list)?,
                ),
            ),
            Rule::any_of_type => InputType::AnyOf(
                self.idents(
                    pair.into_inner()
                        .find(|p| p.as_rule() == Rule::value_list)?,
                ),
            ),
            Rule::number_type => {
                let whole = pair
                    .clone()
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::kw_whole);
                let mut numbers = pair
                    .clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::number);
                let lo = self.number(numbers.next()?);
                let hi = self.number(numbers.next()?);
                let unit = pair
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::unit)
                    .map(|u| self.word(u));
                let molar_mass = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::molar_mass)
                    .and_then(|m| m.into_inner().find(|p| p.as_rule() == Rule::quantity))
                    .and_then(|q| self.quantity(q))
                    .map(Box::new);
                InputType::Number {
                    lo,
                    hi,
                    unit,
                    molar_mass,
                    whole,
                }
            }
            _ => return None,
        })
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Option<Literal> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::kw_yes => Literal::Yes(span),
            Rule::kw_no => Literal::No(span),
            Rule::kw_unknown => Literal::Unknown(span),
            Rule::quantity => Literal::Quantity(self.quantity(inner)?),
            Rule::ident_set => Literal::Set(self.idents(inner), span),
            Rule::ident => Literal::Name(self.ident(inner)),
            _ => return None,
        })
    }

    fn linear(&self, pair: Pair<'_, Rule>) -> Option<Literal> {
        let span = self.span(&pair);
        let mut terms = Vec::new();
        let mut negative = false;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::linear_sign => negative = part.as_str() == "-",
                Rule::linear_term | Rule::product => {
                    let term_span = self.span(&part);
                    let inner = if part.as_rule() == Rule::linear_term {
                        part.into_inner().next()?
                    } else {
                        part
                    };
                    let (mut name, mut factor) = (None, None);
                    match inner.as_rule() {
                        Rule::product => {
                            for piece in inner.into_inner() {
                                match piece.as_rule() {
                                    Rule::ident => name = Some(self.ident(piece)),
                                    Rule::quantity => factor = Some(self.quantity(piece)?),
                                    _ => {}
                                }
                            }
                        }
                        Rule::quantity => factor = Some(self.quantity(inner)?),
                        Rule::ident => name = Some(self.ident(inner)),
                        _ => return None,
                    }
                    terms.push(LinearTerm {
                        negative,
                        name,
                        factor,
                        span: term_span,
                    });
                    negative = false;
                }
                _ => {}
            }
        }
        Some(Literal::Linear(terms, span))
    }

    fn quantity(&self, pair: Pair<'_, Rule>) -> Option<Quantity> {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let number = self.number(parts.next()?);
        let unit = parts.next().map(|u| self.word(u));
        Some(Quantity { number, unit, span })
    }

    /// Converts a condition. Recursion depth is bounded by [`MAX_NESTING`]
    /// (checked before parsing) times a small constant.
    fn condition(&self, pair: Pair<'_, Rule>) -> Option<Condition> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::condition => self.condition(pair.into_inner().next()?),
            Rule::primary => {
                let inner = pair.into_inner().next()?;
                if inner.as_rule() == Rule::condition {
                    // `( condition )`: kept as a node, so that a formatter
                    // can keep the parentheses the editor wrote.
                    Some(Condition::Paren(Box::new(self.condition(inner)?), span))
                } else {
                    self.condition(inner)
                }
            }
            Rule::implies_expr => {
                let mut parts = pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::kw_implies);
                let left = self.condition(parts.next()?)?;
                match parts.next() {
                    Some(right) => Some(Condition::Implies(
                        Box::new(left),
                        Box::new(self.condition(right)?),
                        span,
                    )),
                    None => Some(left),
                }
            }
            Rule::or_expr | Rule::and_expr => {
                let is_or = pair.as_rule() == Rule::or_expr;
                let mut parts = Vec::new();
                for part in pair.into_inner().filter(|p| !is_keyword(p.as_rule())) {
                    parts.push(self.condition(part)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                Some(if is_or {
                    Condition::Or(parts, span)
                } else {
                    Condition::And(parts, span)
                })
            }
            Rule::not_expr => {
                let mut parts = pair.into_inner();
                let first = parts.next()?;
                if first.as_rule() == Rule::kw_not {
                    Some(Condition::Not(
                        Box::new(self.condition(parts.next()?)?),
                        span,
                    ))
                } else {
                    self.condition(first)
                }
            }
            Rule::comparison => {
                let mut parts = pair.into_inner();
                let name = self.ident(parts.next()?);
                let op = match parts.next()?.as_str() {
                    "==" => CompareOp::Eq,
                    "!=" => CompareOp::Ne,
                    "<" => CompareOp::Lt,
                    "<=" => CompareOp::Le,
                    ">" => CompareOp::Gt,
                    ">=" => CompareOp::Ge,
                    _ => return None,
                };
                let right = parts.next()?;
                let value = if right.as_rule() == Rule::linear {
                    self.linear(right)?
                } else {
                    self.literal(right)?
                };
                Some(Condition::Compare {
                    name,
                    op,
                    value,
                    span,
                })
            }
            Rule::membership => {
                let mut parts = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
                let name = self.ident(parts.next()?);
                let values = self.idents(parts.next()?);
                Some(Condition::In { name, values, span })
            }
            Rule::has_test => {
                let mut parts = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_has);
                let name = self.ident(parts.next()?);
                let member = self.ident(parts.next()?);
                Some(Condition::Has { name, member, span })
            }
            Rule::count_test => {
                let mut at_least = None;
                let mut parts = Vec::new();
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::number => at_least = Some(self.number(part)),
                        Rule::condition => parts.push(self.condition(part)?),
                        _ => {}
                    }
                }
                Some(Condition::AtLeast {
                    at_least: at_least?,
                    parts,
                    span,
                })
            }
            Rule::unknown_test => {
                let name = self.ident(pair.into_inner().next()?);
                Some(Condition::IsUnknown { name, span })
            }
            Rule::name_ref => Some(Condition::Name(self.ident(pair.into_inner().next()?))),
            _ => None,
        }
    }

    fn score(&self, pair: Pair<'_, Rule>) -> Option<ScoreDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut label = None;
        let mut terms = Vec::new();
        let mut negative = false;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::score_sign => negative = part.as_str() == "-",
                Rule::score_term => {
                    let term_span = self.span(&part);
                    let mut inner = part.into_inner();
                    let first = inner.next()?;
                    let term = if first.as_rule() == Rule::ident {
                        ScoreTerm::Input {
                            name: self.ident(first),
                            negative,
                            span: term_span,
                        }
                    } else {
                        let points = self.number(first);
                        let when = inner.find(|p| p.as_rule() == Rule::condition)?;
                        ScoreTerm::Points {
                            points,
                            negative,
                            when: self.condition(when)?,
                            span: term_span,
                        }
                    };
                    terms.push(term);
                    negative = false;
                }
                _ => {}
            }
        }
        Some(ScoreDecl {
            id: id?,
            label: label?,
            terms,
            span,
        })
    }

    fn define(&self, pair: Pair<'_, Rule>) -> Option<DefineDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut label = None;
        let mut condition = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::condition => condition = Some(self.condition(part)?),
                _ => {}
            }
        }
        Some(DefineDecl {
            id: id?,
            label,
            condition: condition?,
            span,
        })
    }

    fn entry(&self, pair: Pair<'_, Rule>) -> Option<EntryDecl> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut id = None;
        let mut label = None;
        let mut groups = Vec::new();
        let mut codes = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::code_clause => codes = self.codes(part),
                Rule::entry_kind => {
                    kind = Some(match part.into_inner().next()?.as_rule() {
                        Rule::kw_exam => EntryKind::Exam,
                        Rule::kw_measure => EntryKind::Measure,
                        Rule::kw_specialist => EntryKind::Specialist,
                        _ => return None,
                    });
                }
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::ident_list => groups = self.idents(part),
                _ => {}
            }
        }
        Some(EntryDecl {
            kind: kind?,
            id: id?,
            label: label?,
            groups,
            codes,
            span,
        })
    }

    fn urgency(&self, pair: Pair<'_, Rule>) -> Option<(UrgencyLit, Span)> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next()?;
        let urgency = match inner.as_rule() {
            Rule::kw_same_day => UrgencyLit::Word(Urgency::SameDay),
            Rule::kw_urgent => UrgencyLit::Word(Urgency::Urgent),
            Rule::kw_routine => UrgencyLit::Word(Urgency::Routine),
            Rule::time_frame => UrgencyLit::Within(
                self.quantity(inner.into_inner().find(|p| p.as_rule() == Rule::quantity)?)?,
            ),
            _ => return None,
        };
        Some((urgency, span))
    }

    fn exclusive(&self, pair: Pair<'_, Rule>) -> Option<ExclusiveDecl> {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        let mut label = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident_list => entries = self.idents(part),
                Rule::string => label = Some(self.text(part)),
                _ => {}
            }
        }
        Some(ExclusiveDecl {
            entries,
            label: label?,
            span,
        })
    }

    fn action_kind(rule: Rule) -> Option<ActionKind> {
        Some(match rule {
            Rule::kw_order => ActionKind::Order,
            Rule::kw_refer => ActionKind::Refer,
            Rule::kw_avoid => ActionKind::Avoid,
            _ => return None,
        })
    }

    fn action(&self, pair: Pair<'_, Rule>) -> Option<ActionDecl> {
        let action = pair.into_inner().next()?;
        let span = self.span(&action);
        let mut parts = action.into_inner();
        let kind = Self::action_kind(parts.next()?.as_rule())?;
        let target = self.ident(parts.next()?);
        let mut decl = ActionDecl {
            kind,
            target,
            urgency: None,
            alternatives: Vec::new(),
            instead: None,
            span,
        };
        for part in parts {
            match part.as_rule() {
                Rule::urgency => decl.urgency = Some(self.urgency(part)?),
                Rule::ident => decl.instead = Some(self.ident(part)),
                Rule::alternative => {
                    let alt_span = self.span(&part);
                    let mut alt = part.into_inner().filter(|p| !is_keyword(p.as_rule()));
                    let target = self.ident(alt.next()?);
                    let condition = self.condition(alt.next()?)?;
                    decl.alternatives.push(Alternative {
                        target,
                        condition,
                        span: alt_span,
                    });
                }
                _ => {}
            }
        }
        Some(decl)
    }

    fn rule(&self, pair: Pair<'_, Rule>) -> Option<RuleDecl> {
        let span = self.span(&pair);
        let mut id = None;
        let mut label = None;
        let mut overrides = Vec::new();
        let mut when = None;
        let mut actions = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => id = Some(self.ident(part)),
                Rule::string => label = Some(self.text(part)),
                Rule::overrides_clause => {
                    let list = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::ident_list)?;
                    overrides.extend(self.idents(list));
                }
                Rule::when_clause => {
                    when =
                        Some(self.condition(
                            part.into_inner().find(|p| p.as_rule() == Rule::condition)?,
                        )?);
                }
                Rule::then_clause => {
                    for action in part.into_inner().filter(|p| p.as_rule() == Rule::action) {
                        actions.push(self.action(action)?);
                    }
                }
                _ => {}
            }
        }
        Some(RuleDecl {
            id: id?,
            label: label?,
            overrides,
            when,
            actions,
            span,
        })
    }

    fn demand(&self, pair: Pair<'_, Rule>) -> Option<Demand> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::demand | Rule::demand_and => {
                let is_or = pair.as_rule() == Rule::demand;
                let mut parts = Vec::new();
                for part in pair.into_inner().filter(|p| !is_keyword(p.as_rule())) {
                    parts.push(self.demand(part)?);
                }
                if parts.len() == 1 {
                    return parts.pop();
                }
                Some(if is_or {
                    Demand::Or(parts, span)
                } else {
                    Demand::And(parts, span)
                })
            }
            Rule::demand_not => {
                let mut parts = pair.into_inner();
                let first = parts.next()?;
                if first.as_rule() == Rule::kw_not {
                    Some(Demand::Not(Box::new(self.demand(parts.next()?)?), span))
                } else {
                    self.demand(first)
                }
            }
            Rule::demand_atom => {
                let inner = pair.into_inner().next()?;
                if inner.as_rule() == Rule::demand {
                    Some(Demand::Paren(Box::new(self.demand(inner)?), span))
                } else {
                    self.demand(inner)
                }
            }
            Rule::some_demand => {
                let mut kind = None;
                let mut group = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::action_kind => {
                            kind = Self::action_kind(part.into_inner().next()?.as_rule())
                        }
                        Rule::ident => group = Some(self.ident(part)),
                        _ => {}
                    }
                }
                Some(Demand::Some {
                    kind: kind?,
                    group,
                    span,
                })
            }
            Rule::no_demand => {
                let mut kind = None;
                let mut group = None;
                let mut target = None;
                let mut saw_in = false;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::action_kind => {
                            kind = Self::action_kind(part.into_inner().next()?.as_rule())
                        }
                        Rule::kw_in => saw_in = true,
                        Rule::ident if saw_in => group = Some(self.ident(part)),
                        Rule::ident => target = Some(self.ident(part)),
                        _ => {}
                    }
                }
                Some(Demand::No {
                    kind: kind?,
                    target,
                    group,
                    span,
                })
            }
            Rule::nothing_demand => Some(Demand::Nothing(span)),
            Rule::has_demand => {
                let mut parts = pair.into_inner();
                let kind = Self::action_kind(parts.next()?.into_inner().next()?.as_rule())?;
                let target = self.ident(parts.next()?);
                let urgency = match parts.next() {
                    Some(u) => Some(self.urgency(u)?),
                    None => None,
                };
                let sooner = parts.next().map(|p| self.span(&p));
                Some(Demand::Has {
                    kind,
                    target,
                    urgency,
                    sooner,
                    span,
                })
            }
            _ => None,
        }
    }

    fn require(&self, pair: Pair<'_, Rule>) -> Option<RequireDecl> {
        let span = self.span(&pair);
        let mut label = None;
        let mut when = None;
        let mut then = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => label = Some(self.text(part)),
                Rule::when_clause => {
                    when =
                        Some(self.condition(
                            part.into_inner().find(|p| p.as_rule() == Rule::condition)?,
                        )?);
                }
                Rule::demand => then = Some(self.demand(part)?),
                _ => {}
            }
        }
        Some(RequireDecl {
            label: label?,
            when,
            then: then?,
            span,
        })
    }

    fn case(&self, pair: Pair<'_, Rule>) -> Option<CaseDecl> {
        let span = self.span(&pair);
        let mut label = None;
        let mut facts = Vec::new();
        let mut expects = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string => label = Some(self.text(part)),
                Rule::given_clause => {
                    for fact in part.into_inner().filter(|p| p.as_rule() == Rule::fact) {
                        let fact_span = self.span(&fact);
                        let mut parts = fact.into_inner();
                        let name = self.ident(parts.next()?);
                        let value = self.literal(parts.next()?)?;
                        facts.push(Fact {
                            name,
                            value,
                            span: fact_span,
                        });
                    }
                }
                Rule::expect_clause => {
                    let demand = part.into_inner().find(|p| p.as_rule() == Rule::demand)?;
                    expects.push(self.demand(demand)?);
                }
                _ => {}
            }
        }
        Some(CaseDecl {
            label: label?,
            facts,
            expects,
            span,
        })
    }
}

/// The length of `text` without trailing whitespace and comments.
pub(super) fn significant_len(text: &str) -> usize {
    let ends_blank = text
        .chars()
        .next_back()
        .is_some_and(|c| c.is_whitespace() || c == '\u{FEFF}');
    if !ends_blank && !text.contains('#') {
        return text.len();
    }
    let mut end = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n' && c != '\r';
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' || c == '\n' || c == '\r' {
                in_string = false;
            }
            end = i + c.len_utf8();
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => {
                in_string = true;
                end = i + 1;
            }
            c if c.is_whitespace() || c == '\u{FEFF}' => {}
            c => end = i + c.len_utf8(),
        }
    }
    end
}

pub(super) fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_guideline
            | Rule::kw_vocabulary
            | Rule::kw_use
            | Rule::kw_version
            | Rule::kw_language
            | Rule::kw_source
            | Rule::kw_input
            | Rule::kw_yes
            | Rule::kw_no
            | Rule::kw_one
            | Rule::kw_any
            | Rule::kw_of
            | Rule::kw_number
            | Rule::kw_default
            | Rule::kw_asked
            | Rule::kw_when
            | Rule::kw_assume
            | Rule::kw_define
            | Rule::kw_exam
            | Rule::kw_measure
            | Rule::kw_specialist
            | Rule::kw_in
            | Rule::kw_rule
            | Rule::kw_overrides
            | Rule::kw_then
            | Rule::kw_order
            | Rule::kw_refer
            | Rule::kw_avoid
            | Rule::kw_instead
            | Rule::kw_alternative
            | Rule::kw_require
            | Rule::kw_some
            | Rule::kw_nothing
            | Rule::kw_case
            | Rule::kw_given
            | Rule::kw_expect
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_has
            | Rule::kw_implies
            | Rule::kw_same_day
            | Rule::kw_urgent
            | Rule::kw_routine
            | Rule::kw_whole
            | Rule::kw_unknown
            | Rule::kw_is
            | Rule::kw_score
            | Rule::kw_at
            | Rule::kw_least
            | Rule::kw_code
            | Rule::kw_within
            | Rule::kw_exclusive
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_leave_out_trailing_blanks_and_comments() {
        assert_eq!(significant_len("500   "), 3);
        assert_eq!(significant_len("500 # meant 50\n  "), 3);
        assert_eq!(significant_len("\"a # b\"  "), 7);
        assert_eq!(significant_len("fever"), 5);
    }
}
