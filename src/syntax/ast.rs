//! The syntax tree: what the editor wrote, with spans, before names are
//! resolved. No pest types appear here.

use crate::logic::problem::{ActionKind, Urgency};
use crate::source::Span;

/// A name as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A quoted label, without its quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub span: Span,
}

/// A number as written, kept as text so that no precision is lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberLit {
    pub text: String,
    pub span: Span,
}

/// A number with an optional unit: `12 weeks`, `0.8 mg/L`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub number: NumberLit,
    /// The unit as written (`mg/L`), in an `Ident` though it is no name.
    pub unit: Option<Ident>,
    pub span: Span,
}

/// A value written in a condition, default or case fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    Yes(Span),
    No(Span),
    Quantity(Quantity),
    Set(Vec<Ident>, Span),
    Name(Ident),
    /// `unknown`, for an input declared `or unknown`.
    Unknown(Span),
    /// A sum of other inputs times numbers, plus numbers:
    /// `age * 10 ug/L`, `diastolic + 20 mmHg`.
    Linear(Vec<LinearTerm>, Span),
}

/// One term of a [`Literal::Linear`], with the sign written before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinearTerm {
    pub negative: bool,
    /// The input multiplied (or added, without `factor`).
    pub name: Option<Ident>,
    /// The number it is multiplied by, or the number added.
    pub factor: Option<Quantity>,
    pub span: Span,
}

impl Literal {
    /// The literal as the name of a value: a name, or `yes` and `no`, which
    /// may name values of `one of` and members of `any of`.
    pub fn value_name(&self) -> Option<Ident> {
        let spelled = |name: &str, span: Span| Ident {
            name: name.to_owned(),
            span,
        };
        match self {
            Literal::Name(ident) => Some(ident.clone()),
            Literal::Yes(span) => Some(spelled("yes", *span)),
            Literal::No(span) => Some(spelled("no", *span)),
            _ => None,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Literal::Yes(span)
            | Literal::No(span)
            | Literal::Unknown(span)
            | Literal::Linear(_, span)
            | Literal::Set(_, span) => *span,
            Literal::Quantity(q) => q.span,
            Literal::Name(ident) => ident.span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    /// The operator as written; see [`super::vocabulary::operator_word`].
    pub fn as_str(self) -> &'static str {
        super::vocabulary::operator_word(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// A yes/no input or a definition.
    Name(Ident),
    Compare {
        name: Ident,
        op: CompareOp,
        value: Literal,
        span: Span,
    },
    In {
        name: Ident,
        values: Vec<Ident>,
        span: Span,
    },
    Has {
        name: Ident,
        member: Ident,
        span: Span,
    },
    /// `at least N of (C, C, ...)`.
    AtLeast {
        at_least: NumberLit,
        parts: Vec<Condition>,
        span: Span,
    },
    /// `name is unknown`.
    IsUnknown {
        name: Ident,
        span: Span,
    },
    Not(Box<Condition>, Span),
    /// A condition in parentheses; the span covers both parentheses.
    /// Resolving looks through it.
    Paren(Box<Condition>, Span),
    And(Vec<Condition>, Span),
    Or(Vec<Condition>, Span),
    Implies(Box<Condition>, Box<Condition>, Span),
}

impl Condition {
    pub fn span(&self) -> Span {
        match self {
            Condition::Name(ident) => ident.span,
            Condition::Compare { span, .. }
            | Condition::In { span, .. }
            | Condition::Has { span, .. }
            | Condition::IsUnknown { span, .. }
            | Condition::AtLeast { span, .. }
            | Condition::Not(_, span)
            | Condition::Paren(_, span)
            | Condition::And(_, span)
            | Condition::Or(_, span)
            | Condition::Implies(_, _, span) => *span,
        }
    }
}

/// What a file holds: a guideline, or a vocabulary of declarations that
/// guidelines `use`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderKind {
    Guideline,
    Vocabulary,
}

impl HeaderKind {
    /// The header's keyword: `guideline` or `vocabulary`.
    pub fn word(self) -> &'static str {
        match self {
            HeaderKind::Guideline => "guideline",
            HeaderKind::Vocabulary => "vocabulary",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: HeaderKind,
    pub id: Ident,
    pub label: Text,
    pub version: Option<Text>,
    pub language: Option<Ident>,
    pub source: Option<Text>,
    /// Fields given more than once: the later value is ignored and the
    /// parser reports it.
    pub repeated: Vec<RepeatedField>,
    pub span: Span,
}

/// `use "rugpijn.vocabulary.leidraad"`: the declarations of a vocabulary
/// file, its path relative to the file that uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UseDecl {
    pub path: Text,
    pub span: Span,
}

/// A header field (`version`, `language`, `source`) given a second time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepeatedField {
    pub keyword: &'static str,
    pub first: Span,
    pub again: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputType {
    YesNo,
    OneOf(Vec<Ident>),
    AnyOf(Vec<Ident>),
    Number {
        lo: NumberLit,
        hi: NumberLit,
        unit: Option<Ident>,
        /// `molar mass 113.12 g/mol`: the substance's molar mass.
        molar_mass: Option<Box<Quantity>>,
        /// `whole number`.
        whole: bool,
    },
}

/// One code as written: `snomed 22298006`. Checked in `resolve`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLit {
    /// The system word (`snomed`, `loinc`, `icd10`), in an `Ident` though
    /// it is no name.
    pub system: Ident,
    /// The code as written, in an `Ident` though it is no name.
    pub code: Ident,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDecl {
    pub id: Ident,
    pub ty: InputType,
    pub ty_span: Span,
    /// The span of `or unknown`, when the input admits that answer.
    pub unknown: Option<Span>,
    pub defaults: Vec<Literal>,
    pub label: Text,
    pub asked_when: Option<Condition>,
    /// `code snomed 386661006, ...`: the input's own codes.
    pub codes: Vec<CodeLit>,
    /// The codes written after values of a `one of` or `any of` type
    /// (`dvt (snomed 128053003)`): the value and its codes.
    pub value_codes: Vec<(Ident, Vec<CodeLit>)>,
    /// The labels written after values of a `one of` or `any of` type
    /// (`acute "acuut (< 6 weken)"`): the value and its label.
    pub value_labels: Vec<(Ident, Text)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeDecl {
    pub condition: Condition,
    pub span: Span,
}

/// `score NAME "Label" = TERM (+|- TERM)*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreDecl {
    pub id: Ident,
    pub label: Text,
    pub terms: Vec<ScoreTerm>,
    pub span: Span,
}

/// One term of a score, with the sign written before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreTerm {
    /// `2 when CONDITION`.
    Points {
        points: NumberLit,
        negative: bool,
        when: Condition,
        span: Span,
    },
    /// A whole-number input whose value is added (`eye + verbal + motor`).
    Input {
        name: Ident,
        negative: bool,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefineDecl {
    pub id: Ident,
    pub label: Option<Text>,
    pub condition: Condition,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Exam,
    Measure,
    Specialist,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Exam => "exam",
            EntryKind::Measure => "measure",
            EntryKind::Specialist => "specialist",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDecl {
    pub kind: EntryKind,
    pub id: Ident,
    pub label: Text,
    pub groups: Vec<Ident>,
    /// The `code` clause (`code snomed NNN, loinc NNNNN-N`).
    pub codes: Vec<CodeLit>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    pub target: Ident,
    pub condition: Condition,
    pub span: Span,
}

/// An urgency as written: one of the words, or a time frame whose
/// quantity `resolve` turns into a duration (`within 8 hours`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrgencyLit {
    /// `same_day`, `urgent` or `routine` (never [`Urgency::Within`]).
    Word(Urgency),
    /// `within QUANTITY`.
    Within(Quantity),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDecl {
    pub kind: ActionKind,
    pub target: Ident,
    pub urgency: Option<(UrgencyLit, Span)>,
    pub alternatives: Vec<Alternative>,
    pub instead: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleDecl {
    pub id: Ident,
    pub label: Text,
    pub overrides: Vec<Ident>,
    pub when: Option<Condition>,
    pub actions: Vec<ActionDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Demand {
    And(Vec<Demand>, Span),
    Or(Vec<Demand>, Span),
    Not(Box<Demand>, Span),
    /// A demand in parentheses; the span covers both parentheses.
    Paren(Box<Demand>, Span),
    /// `some order [in GROUP]`
    Some {
        kind: ActionKind,
        group: Option<Ident>,
        span: Span,
    },
    /// `no order`, `no order X`, `no order in GROUP`
    No {
        kind: ActionKind,
        target: Option<Ident>,
        group: Option<Ident>,
        span: Span,
    },
    /// `order X [URGENCY [or sooner]]`
    Has {
        kind: ActionKind,
        target: Ident,
        urgency: Option<(UrgencyLit, Span)>,
        /// The span of `or sooner`, when written.
        sooner: Option<Span>,
        span: Span,
    },
    Nothing(Span),
}

impl Demand {
    pub fn span(&self) -> Span {
        match self {
            Demand::And(_, span)
            | Demand::Or(_, span)
            | Demand::Not(_, span)
            | Demand::Paren(_, span)
            | Demand::Some { span, .. }
            | Demand::No { span, .. }
            | Demand::Has { span, .. }
            | Demand::Nothing(span) => *span,
        }
    }
}

impl Demand {
    /// The demand inside any parentheses around it.
    pub fn without_parens(&self) -> &Demand {
        match self {
            Demand::Paren(inner, _) => inner.without_parens(),
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequireDecl {
    pub label: Text,
    pub when: Option<Condition>,
    pub then: Demand,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub name: Ident,
    pub value: Literal,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseDecl {
    pub label: Text,
    pub facts: Vec<Fact>,
    pub expects: Vec<Demand>,
    pub span: Span,
}

/// `exclusive A, B "Label"`: entries never to be advised together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExclusiveDecl {
    pub entries: Vec<Ident>,
    pub label: Text,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Header(Header),
    Use(UseDecl),
    Input(InputDecl),
    Assume(AssumeDecl),
    Define(DefineDecl),
    Score(ScoreDecl),
    Entry(EntryDecl),
    Rule(RuleDecl),
    Require(RequireDecl),
    Case(CaseDecl),
    Exclusive(ExclusiveDecl),
}

impl Item {
    /// The statement's span, without trailing blanks and comments.
    pub fn span(&self) -> Span {
        match self {
            Item::Header(x) => x.span,
            Item::Use(x) => x.span,
            Item::Input(x) => x.span,
            Item::Assume(x) => x.span,
            Item::Define(x) => x.span,
            Item::Score(x) => x.span,
            Item::Entry(x) => x.span,
            Item::Rule(x) => x.span,
            Item::Require(x) => x.span,
            Item::Case(x) => x.span,
            Item::Exclusive(x) => x.span,
        }
    }

    /// Every quoted label of the statement, in source order.
    pub fn labels(&self) -> Vec<&Text> {
        match self {
            Item::Header(h) => std::iter::once(&h.label)
                .chain(h.version.as_ref())
                .chain(h.source.as_ref())
                .collect(),
            Item::Use(x) => vec![&x.path],
            Item::Input(x) => vec![&x.label],
            Item::Assume(_) => Vec::new(),
            Item::Define(x) => x.label.iter().collect(),
            Item::Score(x) => vec![&x.label],
            Item::Entry(x) => vec![&x.label],
            Item::Rule(x) => vec![&x.label],
            Item::Require(x) => vec![&x.label],
            Item::Case(x) => vec![&x.label],
            Item::Exclusive(x) => vec![&x.label],
        }
    }
}

/// A statement that could not be read, kept as far as its words tell:
/// enough for an outline, hover and completion while the editor types.
/// Later stages use it to avoid follow-on errors: a name declared by a
/// broken statement is not reported as unknown, and nothing is reported as
/// unused when a broken statement might have used it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenStatement {
    /// The statement's first word (`input`, `rule`, ...), or the word that
    /// began no statement.
    pub keyword: String,
    /// The name after the keyword, if it is a plain name.
    pub name: Option<Ident>,
    /// The statement's first complete label, without its quotes.
    pub label: Option<Text>,
    /// Every other plain name in the statement (outside labels and
    /// comments, reserved words left out), in order, up to where reading
    /// stopped: the names it uses, as far as it parsed.
    pub names: Vec<Ident>,
    /// Where the parser stopped reading (an empty span), for a statement
    /// that does not follow the grammar.
    pub stopped_at: Option<Span>,
    pub span: Span,
}

/// What the tree leaves out, kept beside it by position (as Gleam's
/// `ModuleExtra`): what a formatter needs to change only whitespace.
/// Together with the statements' spans it covers every byte that is not
/// whitespace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trivia {
    /// Every comment, from its `#` to the end of its line (the line end
    /// left out), in source order.
    pub comments: Vec<Span>,
    /// Every group of consecutive blank lines (nothing but spaces and
    /// tabs), from the start of the first to the end of the last, line
    /// ends included, in source order.
    pub blank_lines: Vec<Span>,
}

impl Trivia {
    /// The comments that lie inside a span, say a statement's.
    pub fn comments_in(&self, span: Span) -> impl Iterator<Item = Span> + '_ {
        self.comments
            .iter()
            .copied()
            .filter(move |c| c.file == span.file && span.start <= c.start && c.end <= span.end)
    }
}

/// One parsed file: every statement that parsed, in source order, every
/// statement that did not, and the comments and blank lines around them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyntaxFile {
    pub items: Vec<Item>,
    pub broken: Vec<BrokenStatement>,
    pub trivia: Trivia,
}
