//! The guideline as one SQL query over a table of patient records
//! (`leidraad compile FILE --emit sql`): for each row, each catalogue
//! entry's final action, its urgency and the rules that gave it, the rules
//! that fired, and whether the row could be answered at all.
//!
//! The query follows the rules, not the decision diagram: it is the
//! reference semantics (`Problem::outcome`, `eval --reference`) written in
//! SQL, stage by stage.
//!
//! 1. Each input column becomes the value class of each of its variables
//!    (`ld_v0`, ...), exactly as `Lowering::assignment` of
//!    `Guideline::complete` gives it: defaults for a NULL, the "unknown"
//!    class for a NULL of an `or unknown` input, numbers compared exactly
//!    with the cut points (as decimals, or scaled to whole numbers when a
//!    cut point or a declared column unit has no short decimal). A value
//!    the record reader refuses (out of range, not whole, not a value of a
//!    `one of`) makes the row `invalid`, the field named.
//! 2. `asked when`: a variable whose condition is false takes the "not
//!    asked" class, in the order the conditions depend on each other.
//! 3. Each rule's condition with SQL's three-valued logic, which is
//!    Kleene's, as `Formula::eval` (a `Sum` by the same bounds); each
//!    action's alternative, `-k` when the k-th alternative is undecided.
//! 4. Each action is final when its rule fired, its alternative is decided
//!    and no fired overriding rule has a clashing action
//!    (`Problem::final_actions` with `Problem::clash`, decided here for
//!    every combination of alternatives).
//! 5. The status: `invalid`, `contradiction` (an `assume` certainly false),
//!    `missing` (a rule or alternative undecided; the inputs named, as the
//!    reference names them) or `ok`. Advice columns are NULL unless `ok`:
//!    a record that lacks an input is never guessed.
//!
//! Pure: the command line reads the file and writes the text.

use crate::logic::problem::{ActionKind, Class, Formula, Problem, Said, Sum, Target, Urgency, Var};
use crate::model::lower::{AssumptionOrigin, Lowering};
use crate::model::number::Rational;
use crate::model::units::Unit;
use crate::model::{Guideline, InputId, Type, Value};
use crate::source::Sources;
use crate::syntax::vocabulary::{kind_word, urgency_word};
use std::fmt::Write as _;

/// Which SQL engine the text is for; they differ only in quoting
/// identifiers, string escapes and the functions on lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Spark,
    Trino,
    Postgres,
}

/// What the query reads and how it is written.
#[derive(Clone, Debug)]
pub struct SqlOptions {
    pub dialect: Dialect,
    /// The table (or any relation) of records: one row per patient.
    pub table: String,
    /// `CREATE OR REPLACE VIEW NAME AS ...` instead of a bare query.
    pub view: Option<String>,
    /// A number column given in another unit than its input's:
    /// `(column, unit word)`.
    pub units: Vec<(String, String)>,
    /// Columns passed through unchanged before the input columns (a
    /// patient's key).
    pub keys: Vec<String>,
    /// What each row answers.
    pub form: Form,
}

/// The columns of the query's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Form {
    /// Each entry's advice, urgency and rules as text, the rules that
    /// fired, the problem in words: what `compile --emit sql` gives.
    #[default]
    Records,
    /// Only `leidraad_status` and, per entry, `ENTRY_code`: the sum of
    /// `2^j` over the advice `j` of [`advice_legend`] that the patient
    /// gets (NULL unless `ok`). What an aggregate over many rows groups
    /// on (`leidraad audit`): numbers, no text per row.
    Codes,
}

/// The most pieces of advice an entry's code can hold (a 64-bit integer).
const MAX_CODE_BITS: usize = 62;

/// Why the query could not be written; said to the user as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError(pub String);

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `value_in_input_unit = (column × mul + add) / div`, integers, `div > 0`.
#[derive(Clone, Copy, Debug)]
struct Scale {
    mul: i128,
    add: i128,
    div: i128,
}

const IDENTITY: Scale = Scale {
    mul: 1,
    add: 0,
    div: 1,
};

fn lcm(a: i128, b: i128) -> Option<i128> {
    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 { a.abs() } else { gcd(b, a % b) }
    }
    let g = gcd(a, b);
    if g == 0 {
        return Some(0);
    }
    (a / g).checked_mul(b).map(i128::abs)
}

impl Scale {
    /// The scale that converts `from` (the column's unit) to `to` (the
    /// input's), exactly.
    fn between(from: &Unit, to: &Unit, molar_mass: Option<Rational>) -> Option<Scale> {
        let zero = Unit::convert(Rational::from_integer(0), from, to, molar_mass).ok()?;
        let one = Unit::convert(Rational::ONE, from, to, molar_mass).ok()?;
        let factor = one.checked_sub(zero)?;
        // (x × f.n / f.d + o.n / o.d) = (x × f.n × L / f.d + o.n × L / o.d) / L
        let div = lcm(factor.denom(), zero.denom())?;
        Some(Scale {
            mul: factor.numer().checked_mul(div / factor.denom())?,
            add: zero.numer().checked_mul(div / zero.denom())?,
            div,
        })
    }

    fn is_identity(self) -> bool {
        self.mul == 1 && self.add == 0 && self.div == 1
    }
}

/// The exact decimal text of a number with a finite decimal expansion.
fn decimal_text(value: Rational) -> Option<String> {
    let (numer, mut denom) = (value.numer(), value.denom());
    let mut scale = 0u32;
    let mut numer = numer;
    // Bring a denominator of 2^a 5^b to a power of ten.
    while denom != 1 {
        if denom % 10 == 0 {
            denom /= 10;
        } else if denom % 2 == 0 {
            denom /= 2;
            numer = numer.checked_mul(5)?;
        } else if denom % 5 == 0 {
            denom /= 5;
            numer = numer.checked_mul(2)?;
        } else {
            return None;
        }
        scale += 1;
        if scale > 30 {
            return None;
        }
    }
    let negative = numer < 0;
    let digits = numer.unsigned_abs().to_string();
    let scale = scale as usize;
    let text = if scale == 0 {
        digits
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        format!("{whole}.{fraction}")
    } else {
        format!("0.{}{digits}", "0".repeat(scale - digits.len()))
    };
    Some(if negative { format!("-{text}") } else { text })
}

struct Writer<'a> {
    guideline: &'a Guideline,
    lowering: &'a Lowering,
    dialect: Dialect,
}

impl Writer<'_> {
    fn problem(&self) -> &Problem {
        &self.lowering.problem
    }

    fn ident(&self, name: &str) -> String {
        match self.dialect {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    fn string(&self, text: &str) -> String {
        match self.dialect {
            Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
            _ => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// `member` is an element of the list column `column`.
    fn list_has(&self, column: &str, member: &str) -> String {
        let member = self.string(member);
        match self.dialect {
            Dialect::DuckDb => format!("list_contains({column}, {member})"),
            Dialect::Spark => format!("array_contains({column}, {member})"),
            Dialect::Trino => format!("contains({column}, {member})"),
            Dialect::Postgres => format!("({member} = ANY({column}))"),
        }
    }

    /// The list column holds something that is not one of `members`, or a
    /// member twice: the record reader refuses both. Said as "the list is
    /// longer than the number of members it contains", which catches an
    /// unknown item, a NULL item and a repeated one alike, and costs a
    /// third of a set comparison on DuckDB (`list_distinct` builds a list
    /// per row).
    fn list_invalid(&self, column: &str, members: &[String]) -> String {
        let length = match self.dialect {
            Dialect::DuckDb => format!("length({column})"),
            Dialect::Spark => format!("size({column})"),
            Dialect::Trino | Dialect::Postgres => format!("cardinality({column})"),
        };
        let contained: Vec<String> = members
            .iter()
            .map(|m| format!("CASE WHEN {} THEN 1 ELSE 0 END", self.list_has(column, m)))
            .collect();
        let contained = if contained.is_empty() {
            "0".to_owned()
        } else {
            contained.join(" + ")
        };
        format!("({length} <> {contained})")
    }

    /// A NULL of the text type.
    fn null_text(&self) -> String {
        match self.dialect {
            Dialect::Spark => "CAST(NULL AS STRING)".to_owned(),
            _ => "CAST(NULL AS VARCHAR)".to_owned(),
        }
    }

    fn var(var: Var) -> String {
        format!("ld_v{var}")
    }

    /// A formula as a three-valued SQL condition over the class columns.
    fn formula(&self, formula: &Formula) -> String {
        match formula {
            Formula::True => "TRUE".to_owned(),
            Formula::False => "FALSE".to_owned(),
            Formula::In { var, classes } => {
                let column = Writer::var(*var);
                match classes.as_slice() {
                    // NULL when the class is not known, false otherwise.
                    [] => format!("({column} < 0)"),
                    [one] => format!("({column} = {one})"),
                    many => {
                        let list: Vec<String> = many.iter().map(u32::to_string).collect();
                        format!("({column} IN ({}))", list.join(", "))
                    }
                }
            }
            Formula::Not(inner) => format!("(NOT {})", self.formula(inner)),
            Formula::And(parts) if parts.is_empty() => "TRUE".to_owned(),
            Formula::Or(parts) if parts.is_empty() => "FALSE".to_owned(),
            Formula::And(parts) => {
                let parts: Vec<String> = parts.iter().map(|p| self.formula(p)).collect();
                format!("({})", parts.join(" AND "))
            }
            Formula::Or(parts) => {
                let parts: Vec<String> = parts.iter().map(|p| self.formula(p)).collect();
                format!("({})", parts.join(" OR "))
            }
            Formula::Sum(sum) => self.sum(sum),
        }
    }

    /// `Sum::eval` in SQL: per term the least and most it can add given
    /// what is known, and the comparison when every total in the bounds
    /// agrees.
    fn sum(&self, sum: &Sum) -> String {
        let mut lows = Vec::new();
        let mut highs = Vec::new();
        for term in &sum.terms {
            let (least, most) = Sum::term_bounds(term);
            let conditions: Vec<String> = term.iter().map(|(f, _)| self.formula(f)).collect();
            // Case i is possible when no earlier case certainly holds and
            // it may hold itself; 0 is possible when no case certainly holds.
            let mut low_parts = Vec::new();
            let mut high_parts = Vec::new();
            let mut none_before: Vec<String> = Vec::new();
            for (condition, (_, points)) in conditions.iter().zip(term) {
                let mut guard = none_before.clone();
                guard.push(format!("COALESCE({condition}, TRUE)"));
                let guard = guard.join(" AND ");
                low_parts.push(format!("CASE WHEN {guard} THEN {points} ELSE {most} END"));
                high_parts.push(format!("CASE WHEN {guard} THEN {points} ELSE {least} END"));
                none_before.push(format!("NOT COALESCE({condition}, FALSE)"));
            }
            let none = if none_before.is_empty() {
                "TRUE".to_owned()
            } else {
                none_before.join(" AND ")
            };
            low_parts.push(format!("CASE WHEN {none} THEN 0 ELSE {most} END"));
            high_parts.push(format!("CASE WHEN {none} THEN 0 ELSE {least} END"));
            lows.push(format!("LEAST({})", low_parts.join(", ")));
            highs.push(format!("GREATEST({})", high_parts.join(", ")));
        }
        let low = if lows.is_empty() {
            "0".to_owned()
        } else {
            lows.join(" + ")
        };
        let high = if highs.is_empty() {
            "0".to_owned()
        } else {
            highs.join(" + ")
        };
        let mut false_when = Vec::new();
        let mut true_when = Vec::new();
        if let Some(min) = sum.min {
            false_when.push(format!("({high}) < {min}"));
            true_when.push(format!("({low}) >= {min}"));
        }
        if let Some(max) = sum.max {
            false_when.push(format!("({low}) > {max}"));
            true_when.push(format!("({high}) <= {max}"));
        }
        if true_when.is_empty() {
            return "TRUE".to_owned();
        }
        format!(
            "(CASE WHEN {} THEN FALSE WHEN {} THEN TRUE END)",
            false_when.join(" OR "),
            true_when.join(" AND ")
        )
    }

    /// `value OP threshold`, exactly, for a column with this scale.
    fn compare(column: &str, scale: Scale, op: &str, threshold: Rational) -> Option<String> {
        if scale.is_identity() {
            if let Some(text) = decimal_text(threshold) {
                return Some(format!("{column} {op} {text}"));
            }
        }
        // (x × mul + add) / div OP n / d  ⇔  x × mul × d + add × d OP n × div
        let d = threshold.denom();
        let left_mul = scale.mul.checked_mul(d)?;
        let left_add = scale.add.checked_mul(d)?;
        let right = threshold.numer().checked_mul(scale.div)?;
        let left = match (left_mul, left_add) {
            (1, 0) => column.to_owned(),
            (m, 0) => format!("{column} * {m}"),
            (1, a) => format!("({column} + {a})"),
            (m, a) => format!("({column} * {m} + {a})"),
        };
        Some(format!("{left} {op} {right}"))
    }
}

/// One variable's class expression and the input's "refused" condition.
struct InputColumns {
    /// Per variable of the input: its class before `asked when`.
    classes: Vec<(Var, String)>,
    /// When the column holds a value the record reader refuses.
    invalid: Option<String>,
}

fn value_class(
    value: &Value,
    member: usize,
    numbers: Option<&crate::model::classes::NumberClasses>,
) -> Option<Class> {
    match value {
        Value::Bool(b) => Some(u32::from(*b)),
        Value::Choice(c) => Some(*c),
        Value::Set(members) => Some(u32::from(members.iter().any(|m| *m as usize == member))),
        Value::Number(n) => numbers.and_then(|c| c.class_of(*n)),
        Value::Unknown => None,
    }
}

fn input_columns(
    w: &Writer<'_>,
    input_id: InputId,
    column: &str,
    scale: Scale,
) -> Result<InputColumns, SqlError> {
    let guideline = w.guideline;
    let Some(input) = guideline.inputs.get(input_id) else {
        return Err(SqlError(
            "an input is missing from the guideline".to_owned(),
        ));
    };
    let Some(vars) = w.lowering.inputs.get(input_id) else {
        return Err(SqlError("an input is missing from the lowering".to_owned()));
    };
    let overflow = || {
        SqlError(format!(
            "the thresholds of `{}` do not fit exact SQL arithmetic in this unit",
            input.id
        ))
    };
    // What a NULL means: the "unknown" answer for an `or unknown` input,
    // otherwise the default, otherwise not known (NULL).
    let null_class = |member: usize| -> String {
        if let Some(unknown) = vars.unknown {
            return unknown.to_string();
        }
        input
            .default
            .as_ref()
            .and_then(|d| value_class(d, member, vars.numbers.as_ref()))
            .map_or("NULL".to_owned(), |c| c.to_string())
    };
    let mut classes = Vec::new();
    let mut invalid = None;
    match &input.ty {
        Type::YesNo => {
            if let Some(&var) = vars.vars.first() {
                classes.push((
                    var,
                    format!(
                        "CASE WHEN {column} IS NULL THEN {} WHEN {column} THEN 1 ELSE 0 END",
                        null_class(0)
                    ),
                ));
            }
        }
        Type::OneOf(values) => {
            if let Some(&var) = vars.vars.first() {
                let mut text = format!("CASE WHEN {column} IS NULL THEN {}", null_class(0));
                for (index, value) in values.iter().enumerate() {
                    let _ = write!(text, " WHEN {column} = {} THEN {index}", w.string(value));
                }
                let listed: Vec<String> = values.iter().map(|v| w.string(v)).collect();
                let mut refused = format!("{column} NOT IN ({})", listed.join(", "));
                if let Some(unknown) = vars.unknown {
                    if !values.iter().any(|v| v == "unknown") {
                        let _ = write!(text, " WHEN {column} = 'unknown' THEN {unknown}");
                        refused = format!("{column} NOT IN ({}, 'unknown')", listed.join(", "));
                    }
                }
                text.push_str(" END");
                classes.push((var, text));
                invalid = Some(refused);
            }
        }
        Type::AnyOf(members) => {
            for (member, (&var, name)) in vars.vars.iter().zip(members).enumerate() {
                classes.push((
                    var,
                    format!(
                        "CASE WHEN {column} IS NULL THEN {} WHEN {} THEN 1 ELSE 0 END",
                        null_class(member),
                        w.list_has(column, name)
                    ),
                ));
            }
            invalid = Some(w.list_invalid(column, members));
        }
        Type::Number { lo, hi, whole, .. } => {
            let Some(numbers) = vars.numbers.as_ref() else {
                return Err(SqlError(format!("`{}` has no value classes", input.id)));
            };
            if let Some(&var) = vars.vars.first() {
                let mut text = format!("CASE WHEN {column} IS NULL THEN {}", null_class(0));
                for (index, point) in numbers.points().iter().enumerate() {
                    let class = index * 2;
                    if index > 0 {
                        let below =
                            Writer::compare(column, scale, "<", *point).ok_or_else(overflow)?;
                        let _ = write!(text, " WHEN {below} THEN {}", class - 1);
                    }
                    let at = Writer::compare(column, scale, "=", *point).ok_or_else(overflow)?;
                    let _ = write!(text, " WHEN {at} THEN {class}");
                }
                text.push_str(" END");
                classes.push((var, text));
                let mut refused = vec![
                    Writer::compare(column, scale, "<", *lo).ok_or_else(overflow)?,
                    Writer::compare(column, scale, ">", *hi).ok_or_else(overflow)?,
                ];
                if *whole {
                    let scaled = match (scale.mul, scale.add) {
                        (1, 0) => column.to_owned(),
                        (m, 0) => format!("{column} * {m}"),
                        (m, a) => format!("({column} * {m} + {a})"),
                    };
                    refused.push(format!("{scaled} % {} <> 0", scale.div));
                }
                invalid = Some(refused.join(" OR "));
            }
        }
    }
    Ok(InputColumns { classes, invalid })
}

/// The order in which the `asked when` inputs are settled: each after the
/// inputs its condition reads.
fn asked_levels(w: &Writer<'_>, asked: &[(InputId, Formula)]) -> Vec<Vec<usize>> {
    let input_of = |var: Var| w.lowering.var_origin.get(var as usize).map(|(i, _)| *i);
    let mut done: Vec<bool> = vec![false; asked.len()];
    let mut levels = Vec::new();
    for _ in 0..=asked.len() {
        let mut level = Vec::new();
        for (index, (_, formula)) in asked.iter().enumerate() {
            if done.get(index).copied().unwrap_or(true) {
                continue;
            }
            let mut vars = Vec::new();
            formula.collect_vars(&mut vars);
            let ready = vars.iter().all(|&var| {
                asked
                    .iter()
                    .zip(&done)
                    .all(|((other, _), finished)| *finished || Some(*other) != input_of(var))
            });
            if ready {
                level.push(index);
            }
        }
        if level.is_empty() {
            break;
        }
        for &index in &level {
            if let Some(d) = done.get_mut(index) {
                *d = true;
            }
        }
        levels.push(level);
    }
    // INVARIANT: `asked when` conditions form no cycle (the front end
    // refuses one); anything left is settled last.
    let rest: Vec<usize> = (0..asked.len())
        .filter(|i| !done.get(*i).copied().unwrap_or(true))
        .collect();
    if !rest.is_empty() {
        levels.push(rest);
    }
    levels
}

/// The order of the kinds in a list of advice: order, refer, avoid.
fn kind_rank(kind: ActionKind) -> usize {
    match kind {
        ActionKind::Order => 0,
        ActionKind::Refer => 1,
        ActionKind::Avoid => 2,
    }
}

/// The urgency as the language writes it.
fn urgency_text(urgency: Option<Urgency>) -> Option<String> {
    urgency.map(|u| urgency_word(u).into_owned())
}

/// The column of an action's alternative choice, when it has alternatives.
fn alt_column(problem: &Problem, rule: usize, position: usize) -> Option<String> {
    let action = problem.rules.get(rule)?.actions.get(position)?;
    (!action.alternatives.is_empty()).then(|| format!("ld_a{rule}_{position}"))
}

/// The alternative choices of an action: 0 the primary, k the k-th.
fn choices(problem: &Problem, rule: usize, position: usize) -> Vec<(usize, Said)> {
    let Some(action) = problem
        .rules
        .get(rule)
        .and_then(|r| r.actions.get(position))
    else {
        return Vec::new();
    };
    std::iter::once(action.target)
        .chain(action.alternatives.iter().map(|(_, t)| *t))
        .enumerate()
        .map(|(k, target)| {
            (
                k,
                Said {
                    target,
                    kind: action.kind,
                    urgency: action.urgency,
                },
            )
        })
        .collect()
}

/// One action a rule may give, with one choice of its alternatives: the
/// condition (over stage 4's columns) under which it is final, and its
/// pieces of text.
struct Final {
    condition: String,
    target: Target,
    kind: ActionKind,
    urgency: Option<String>,
    instead: Option<String>,
    rule: String,
    advice: String,
}

/// Every action of every rule, with each choice of its alternatives.
fn finals(guideline: &Guideline, problem: &Problem) -> Vec<Final> {
    let mut finals: Vec<Final> = Vec::new();
    for (rule_id, rule) in problem.rules.iter().enumerate() {
        let rule_name = guideline
            .rules
            .get(rule_id)
            .map(|r| r.id.clone())
            .unwrap_or_default();
        for (position, action) in rule.actions.iter().enumerate() {
            let entry_name = |t: Target| {
                guideline
                    .entries
                    .get(t as usize)
                    .map(|e| e.id.clone())
                    .unwrap_or_default()
            };
            for (k, said) in choices(problem, rule_id, position) {
                let mut condition = format!("ld_f{rule_id}_{position}");
                if let Some(column) = alt_column(problem, rule_id, position) {
                    let _ = write!(condition, " AND {column} = {k}");
                }
                let urgency = urgency_text(said.urgency);
                let instead = action.instead.map(entry_name);
                let mut advice = format!("{} {}", kind_word(said.kind), entry_name(said.target));
                if let Some(u) = &urgency {
                    let _ = write!(advice, " {u}");
                }
                if let Some(i) = &instead {
                    let _ = write!(advice, " instead {i}");
                }
                if k > 0 {
                    let _ = write!(advice, " replacing {}", entry_name(action.target));
                }
                let _ = write!(advice, " by {rule_name}");
                finals.push(Final {
                    condition,
                    target: said.target,
                    kind: said.kind,
                    urgency,
                    instead,
                    rule: rule_name.clone(),
                    advice,
                });
            }
        }
    }
    finals
}

/// Each distinct advice about entry `entry` once (`kind [urgency]
/// [instead X]`, as `diff::Advice::words` writes it), whichever rules
/// give it, with the conditions of the finals that give it: what the
/// patient is told about the entry, exactly. Sorted by kind, urgency and
/// instead: the order of the advice text and of the code's bits.
fn entry_advice(finals: &[Final], entry: usize) -> Vec<(String, Vec<&String>)> {
    let on: Vec<&Final> = finals
        .iter()
        .filter(|f| f.target as usize == entry)
        .collect();
    let mut contents: Vec<(usize, &Option<String>, &Option<String>)> = on
        .iter()
        .map(|f| (kind_rank(f.kind), &f.urgency, &f.instead))
        .collect();
    contents.sort();
    contents.dedup();
    contents
        .iter()
        .map(|&(rank, urgency, instead)| {
            let with: Vec<&String> = on
                .iter()
                .filter(|f| {
                    kind_rank(f.kind) == rank && &f.urgency == urgency && &f.instead == instead
                })
                .map(|f| &f.condition)
                .collect();
            let mut words = on
                .iter()
                .find(|f| kind_rank(f.kind) == rank)
                .map(|f| kind_word(f.kind).to_owned())
                .unwrap_or_default();
            if let Some(u) = urgency {
                let _ = write!(words, " {u}");
            }
            if let Some(i) = instead {
                let _ = write!(words, " instead {i}");
            }
            (words, with)
        })
        .collect()
}

/// Entry `index`'s `ENTRY_code` column (`Form::Codes`): the sum of
/// `2^j` over the advice `j` of [`entry_advice`] that holds, NULL unless
/// `ok`.
fn code_column(
    w: &Writer<'_>,
    finals: &[Final],
    index: usize,
    id: &str,
    ok: &str,
) -> Result<String, SqlError> {
    let advice = entry_advice(finals, index);
    if advice.len() > MAX_CODE_BITS {
        return Err(SqlError(format!(
            "`{id}` can be advised in {} different ways, more than the {MAX_CODE_BITS} an audit counts",
            advice.len()
        )));
    }
    let bits: Vec<String> = advice
        .iter()
        .zip(0..MAX_CODE_BITS)
        .map(|((_, with), bit)| {
            format!(
                "CASE WHEN {} THEN {} ELSE 0 END",
                any_of(with),
                1_i64 << bit
            )
        })
        .collect();
    let code = if bits.is_empty() {
        "0".to_owned()
    } else {
        bits.join(" + ")
    };
    Ok(format!(
        "CASE WHEN {ok} THEN {code} END AS {}",
        w.ident(&format!("{id}_code"))
    ))
}

/// Conditions joined by OR, each in parentheses.
fn any_of(conditions: &[&String]) -> String {
    let parts: Vec<String> = conditions.iter().map(|c| format!("({c})")).collect();
    parts.join(" OR ")
}

/// Per catalogue entry, the advice that the bits of its `ENTRY_code`
/// column (`Form::Codes`) stand for: bit `j` is the `j`-th text; a code's
/// advice text (`ENTRY_advice`) is its texts in this order, joined by
/// `, `.
pub fn advice_legend(guideline: &Guideline, lowering: &Lowering) -> Vec<Vec<String>> {
    let finals = finals(guideline, &lowering.problem);
    (0..guideline.entries.len())
        .map(|entry| {
            entry_advice(&finals, entry)
                .into_iter()
                .map(|(words, _)| words)
                .collect()
        })
        .collect()
}

/// The query (or view) for a guideline without errors.
pub fn sql(
    guideline: &Guideline,
    lowering: &Lowering,
    sources: &Sources,
    options: &SqlOptions,
) -> Result<String, SqlError> {
    let w = Writer {
        guideline,
        lowering,
        dialect: options.dialect,
    };
    let problem = w.problem();
    // The scale of every number column.
    let mut scales: Vec<Scale> = vec![IDENTITY; guideline.inputs.len()];
    for (column, word) in &options.units {
        let Some(index) = guideline.input_index(column) else {
            let known: Vec<&str> = guideline
                .inputs
                .iter()
                .filter(|i| matches!(i.ty, Type::Number { .. }))
                .map(|i| i.id.as_str())
                .collect();
            return Err(SqlError(format!(
                "`--unit {column}=...`: `{column}` is not a number input of the guideline (it has: {})",
                known.join(", ")
            )));
        };
        let Some(Type::Number {
            unit: Some(to),
            molar_mass,
            ..
        }) = guideline.inputs.get(index).map(|i| &i.ty)
        else {
            return Err(SqlError(format!(
                "`--unit {column}={word}`: `{column}` is not a number input with a unit"
            )));
        };
        let Some(from) = Unit::lookup(word) else {
            return Err(SqlError(format!(
                "`--unit {column}={word}`: `{word}` is not a unit Leidraad knows"
            )));
        };
        let Some(scale) = Scale::between(&from, to, *molar_mass) else {
            return Err(SqlError(format!(
                "`--unit {column}={word}`: a value in {} does not convert to {}, the unit of `{column}`",
                from.canonical, to.canonical
            )));
        };
        if let Some(slot) = scales.get_mut(index) {
            *slot = scale;
        }
    }

    let source_columns: Vec<String> = options
        .keys
        .iter()
        .map(|k| w.ident(k))
        .chain(guideline.inputs.iter().map(|i| w.ident(&i.id)))
        .collect();

    // Stage 1: the classes before `asked when`, and what is refused.
    let mut stage1: Vec<String> = source_columns.clone();
    let mut invalid_cases = Vec::new();
    let asked_inputs: Vec<InputId> = guideline
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| i.asked_when.is_some())
        .map(|(index, _)| index)
        .collect();
    for (index, input) in guideline.inputs.iter().enumerate() {
        let column = w.ident(&input.id);
        let scale = scales.get(index).copied().unwrap_or(IDENTITY);
        let columns = input_columns(&w, index, &column, scale)?;
        for (var, class) in columns.classes {
            let name = if asked_inputs.contains(&index) {
                format!("ld_raw{var}")
            } else {
                Writer::var(var)
            };
            stage1.push(format!("{class} AS {name}"));
        }
        if let Some(refused) = columns.invalid {
            invalid_cases.push(format!(
                "WHEN {column} IS NOT NULL AND ({refused}) THEN {}",
                w.string(&input.id)
            ));
        }
    }
    let invalid = if invalid_cases.is_empty() {
        w.null_text()
    } else {
        format!("CASE {} END", invalid_cases.join(" "))
    };
    stage1.push(format!("{invalid} AS ld_invalid"));

    let mut ctes: Vec<(String, String)> = Vec::new();
    let table = &options.table;
    ctes.push((
        "ld_classes".to_owned(),
        format!("SELECT\n    {}\n  FROM {table}", stage1.join(",\n    ")),
    ));

    // Stage 2: `asked when`, level by level.
    let mut definitions = vec![None; guideline.definitions.len()];
    let asked: Vec<(InputId, Formula)> = asked_inputs
        .iter()
        .filter_map(|&index| {
            let condition = guideline.inputs.get(index)?.asked_when.as_ref()?;
            Some((
                index,
                lowering.formula(guideline, condition, &mut definitions),
            ))
        })
        .collect();
    for (level_index, level) in asked_levels(&w, &asked).into_iter().enumerate() {
        let mut columns = Vec::new();
        for index in level {
            let Some((input, formula)) = asked.get(index) else {
                continue;
            };
            let Some(vars) = lowering.inputs.get(*input) else {
                continue;
            };
            let absent = vars.absent.unwrap_or(0);
            let condition = w.formula(formula);
            for &var in &vars.vars {
                columns.push(format!(
                    "CASE WHEN NOT {condition} THEN {absent} ELSE ld_raw{var} END AS {}",
                    Writer::var(var)
                ));
            }
        }
        let previous = ctes
            .last()
            .map(|(name, _)| name.clone())
            .unwrap_or_default();
        ctes.push((
            format!("ld_asked{level_index}"),
            format!(
                "SELECT s.*,\n    {}\n  FROM {previous} AS s",
                columns.join(",\n    ")
            ),
        ));
    }

    // Stage 3: rules and alternatives.
    let mut stage3 = Vec::new();
    for (index, rule) in problem.rules.iter().enumerate() {
        stage3.push(format!("{} AS ld_r{index}", w.formula(&rule.when)));
        for (position, action) in rule.actions.iter().enumerate() {
            if action.alternatives.is_empty() {
                continue;
            }
            let mut text = "CASE".to_owned();
            for (alt, (condition, _)) in action.alternatives.iter().enumerate() {
                let condition = w.formula(condition);
                let _ = write!(
                    text,
                    " WHEN {condition} THEN {} WHEN ({condition}) IS NULL THEN -{}",
                    alt + 1,
                    alt + 1
                );
            }
            text.push_str(" ELSE 0 END");
            stage3.push(format!("{text} AS ld_a{index}_{position}"));
        }
    }
    let mut assumption_cases = Vec::new();
    for (index, assumption) in problem.assumptions.iter().enumerate() {
        let problem_text = match lowering.assumption_origin.get(index) {
            Some(AssumptionOrigin::Stated(stated)) => guideline
                .assumptions
                .get(*stated)
                .map(|a| {
                    let at = sources.line_column(a.span.file, a.span.start as usize);
                    format!("the assumption on line {}", at.line)
                })
                .unwrap_or_default(),
            _ => "an input that is not asked for this patient".to_owned(),
        };
        assumption_cases.push(format!(
            "WHEN NOT {} THEN {}",
            w.formula(assumption),
            w.string(&problem_text)
        ));
    }
    let contradiction = if assumption_cases.is_empty() {
        w.null_text()
    } else {
        format!("CASE {} END", assumption_cases.join(" "))
    };
    stage3.push(format!("{contradiction} AS ld_contradiction"));
    let previous = ctes
        .last()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    ctes.push((
        "ld_rules".to_owned(),
        format!(
            "SELECT s.*,\n    {}\n  FROM {previous} AS s",
            stage3.join(",\n    ")
        ),
    ));

    // Stage 4: which actions are final.
    let alt_column = |rule: usize, position: usize| alt_column(problem, rule, position);
    let choices = |rule: usize, position: usize| choices(problem, rule, position);
    let chosen = |rule: usize, position: usize, k: usize| -> Option<String> {
        alt_column(rule, position).map(|column| format!("{column} = {k}"))
    };
    let both = |parts: Vec<Option<String>>| -> String {
        let parts: Vec<String> = parts.into_iter().flatten().collect();
        if parts.is_empty() {
            "TRUE".to_owned()
        } else {
            parts.join(" AND ")
        }
    };
    let mut stage4 = Vec::new();
    for (rule_id, rule) in problem.rules.iter().enumerate() {
        for position in 0..rule.actions.len() {
            let mut parts = vec![format!("COALESCE(ld_r{rule_id}, FALSE)")];
            if let Some(column) = alt_column(rule_id, position) {
                parts.push(format!("{column} >= 0"));
            }
            let mut drops = Vec::new();
            for (by, overriding) in problem.rules.iter().enumerate() {
                if by == rule_id || !overriding.overrides.contains(&rule_id) {
                    continue;
                }
                for by_position in 0..overriding.actions.len() {
                    for (k_by, said_by) in choices(by, by_position) {
                        for (k, said) in choices(rule_id, position) {
                            if problem.clash(said_by, said) {
                                drops.push(format!(
                                    "(COALESCE(ld_r{by}, FALSE) AND {})",
                                    both(vec![
                                        chosen(by, by_position, k_by),
                                        chosen(rule_id, position, k)
                                    ])
                                ));
                            }
                        }
                    }
                }
            }
            if !drops.is_empty() {
                parts.push(format!("NOT ({})", drops.join(" OR ")));
            }
            stage4.push(format!(
                "({}) AS ld_f{rule_id}_{position}",
                parts.join(" AND ")
            ));
        }
    }
    // The inputs the reference would name: unknown, and read by a rule
    // that is undecided or by an undecided alternative of a fired rule.
    let mut missing_cases = Vec::new();
    for (input_id, input) in guideline.inputs.iter().enumerate() {
        let Some(vars) = lowering.inputs.get(input_id) else {
            continue;
        };
        let reads = |formula: &Formula| {
            let mut read = Vec::new();
            formula.collect_vars(&mut read);
            read.iter().any(|v| vars.vars.contains(v))
        };
        let mut because = Vec::new();
        for (rule_id, rule) in problem.rules.iter().enumerate() {
            if reads(&rule.when) {
                because.push(format!("ld_r{rule_id} IS NULL"));
            }
            for (position, action) in rule.actions.iter().enumerate() {
                for (alt, (condition, _)) in action.alternatives.iter().enumerate() {
                    if reads(condition) {
                        because.push(format!(
                            "(COALESCE(ld_r{rule_id}, FALSE) AND ld_a{rule_id}_{position} = -{})",
                            alt + 1
                        ));
                    }
                }
            }
        }
        if because.is_empty() {
            continue;
        }
        let unknown: Vec<String> = vars
            .vars
            .iter()
            .map(|v| format!("{} IS NULL", Writer::var(*v)))
            .collect();
        missing_cases.push(format!(
            "CASE WHEN ({}) AND ({}) THEN {} END",
            unknown.join(" OR "),
            because.join(" OR "),
            w.string(&input.id)
        ));
    }
    let missing = if missing_cases.is_empty() {
        w.null_text()
    } else {
        format!("NULLIF(concat_ws(', ', {}), '')", missing_cases.join(", "))
    };
    stage4.push(format!("{missing} AS ld_missing"));
    let previous = ctes
        .last()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    ctes.push((
        "ld_final".to_owned(),
        format!(
            "SELECT s.*,\n    {}\n  FROM {previous} AS s",
            stage4.join(",\n    ")
        ),
    ));

    // Stage 5: the row's answer.
    let ok = "ld_status = 'ok'";
    let mut out: Vec<String> = source_columns.iter().map(|c| format!("s.{c}")).collect();
    let status = "CASE WHEN ld_invalid IS NOT NULL THEN 'invalid' \
         WHEN ld_contradiction IS NOT NULL THEN 'contradiction' \
         WHEN ld_missing IS NOT NULL THEN 'missing' ELSE 'ok' END";
    out.push(format!("ld_status AS {}", w.ident("leidraad_status")));
    out.push(format!(
        "COALESCE(ld_invalid, ld_contradiction, ld_missing) AS {}",
        w.ident("leidraad_problem")
    ));
    let concat = |parts: Vec<String>, separator: &str| -> String {
        if parts.is_empty() {
            "''".to_owned()
        } else {
            format!("concat_ws({}, {})", w.string(separator), parts.join(", "))
        }
    };
    let fired: Vec<String> = guideline
        .rules
        .iter()
        .enumerate()
        .map(|(index, rule)| format!("CASE WHEN ld_r{index} THEN {} END", w.string(&rule.id)))
        .collect();
    out.push(format!(
        "CASE WHEN {ok} THEN {} END AS {}",
        concat(fired, ", "),
        w.ident("leidraad_fired")
    ));
    let finals = finals(guideline, problem);
    for (index, entry) in guideline.entries.iter().enumerate() {
        let on: Vec<&Final> = finals
            .iter()
            .filter(|f| f.target as usize == index)
            .collect();
        // Each kind and each urgency once, whichever rules give it.
        let kinds: Vec<String> = [ActionKind::Order, ActionKind::Refer, ActionKind::Avoid]
            .into_iter()
            .filter_map(|kind| {
                let with: Vec<&String> = on
                    .iter()
                    .filter(|f| f.kind == kind)
                    .map(|f| &f.condition)
                    .collect();
                (!with.is_empty())
                    .then(|| format!("CASE WHEN {} THEN '{}' END", any_of(&with), kind_word(kind)))
            })
            .collect();
        out.push(format!(
            "CASE WHEN {ok} THEN COALESCE(NULLIF({}, ''), 'none') END AS {}",
            concat(kinds, ", "),
            w.ident(&entry.id)
        ));
        let mut distinct: Vec<&String> = Vec::new();
        for f in &on {
            if let Some(u) = &f.urgency {
                if !distinct.contains(&u) {
                    distinct.push(u);
                }
            }
        }
        let urgencies: Vec<String> = distinct
            .into_iter()
            .map(|u| {
                let with: Vec<&String> = on
                    .iter()
                    .filter(|f| f.urgency.as_ref() == Some(u))
                    .map(|f| &f.condition)
                    .collect();
                format!("CASE WHEN {} THEN {} END", any_of(&with), w.string(u))
            })
            .collect();
        out.push(format!(
            "CASE WHEN {ok} THEN NULLIF({}, '') END AS {}",
            concat(urgencies, ", "),
            w.ident(&format!("{}_urgency", entry.id))
        ));
        let insteads: Vec<String> = on
            .iter()
            .filter_map(|f| {
                f.instead
                    .as_ref()
                    .map(|i| format!("CASE WHEN {} THEN {} END", f.condition, w.string(i)))
            })
            .collect();
        if !insteads.is_empty() {
            out.push(format!(
                "CASE WHEN {ok} THEN NULLIF({}, '') END AS {}",
                concat(insteads, ", "),
                w.ident(&format!("{}_instead", entry.id))
            ));
        }
        let advice = entry_advice(&finals, index);
        let advised: Vec<String> = advice
            .iter()
            .map(|(words, with)| format!("CASE WHEN {} THEN {} END", any_of(with), w.string(words)))
            .collect();
        out.push(format!(
            "CASE WHEN {ok} THEN {} END AS {}",
            concat(advised, ", "),
            w.ident(&format!("{}_advice", entry.id))
        ));
        let rules: Vec<String> = on
            .iter()
            .map(|f| format!("CASE WHEN {} THEN {} END", f.condition, w.string(&f.rule)))
            .collect();
        out.push(format!(
            "CASE WHEN {ok} THEN NULLIF({}, '') END AS {}",
            concat(rules, ", "),
            w.ident(&format!("{}_rules", entry.id))
        ));
    }
    let advice: Vec<String> = finals
        .iter()
        .map(|f| format!("CASE WHEN {} THEN {} END", f.condition, w.string(&f.advice)))
        .collect();
    out.push(format!(
        "CASE WHEN {ok} THEN {} END AS {}",
        concat(advice, "; "),
        w.ident("leidraad_advice")
    ));

    let previous = ctes
        .last()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    ctes.push((
        "ld_status".to_owned(),
        format!("SELECT s.*,\n    {status} AS ld_status\n  FROM {previous} AS s"),
    ));

    if options.form == Form::Codes {
        out = source_columns.iter().map(|c| format!("s.{c}")).collect();
        out.push(format!("ld_status AS {}", w.ident("leidraad_status")));
        for (index, entry) in guideline.entries.iter().enumerate() {
            out.push(code_column(&w, &finals, index, &entry.id, ok)?);
        }
    }
    let mut text = String::new();
    let title = guideline
        .header
        .as_ref()
        .map(|h| format!("{} {}", h.id, h.version.clone().unwrap_or_default()))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "-- Leidraad guideline {} as SQL ({:?}); generated by `leidraad compile --emit sql`.",
        title.trim(),
        options.dialect
    );
    // A relation written over several lines would end the comment early.
    let _ = writeln!(
        text,
        "-- One row per record of {}; leidraad_status: ok, missing, contradiction or invalid.",
        table.replace(['\n', '\r'], " ")
    );
    if let Some(view) = &options.view {
        let _ = writeln!(text, "CREATE OR REPLACE VIEW {} AS", w.ident(view));
    }
    text.push_str("WITH\n");
    let ctes: Vec<String> = ctes
        .iter()
        .map(|(name, body)| format!("{name} AS (\n  {body}\n)"))
        .collect();
    text.push_str(&ctes.join(",\n"));
    let _ = write!(
        text,
        "\nSELECT\n  {}\nFROM ld_status AS s",
        out.join(",\n  ")
    );
    text.push_str(if options.view.is_some() { ";\n" } else { "\n" });
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::decimal_text;
    use crate::model::number::Rational;

    #[test]
    fn decimals_are_written_exactly_or_not_at_all() {
        let r = |n, d| Rational::new(n, d).unwrap();
        assert_eq!(decimal_text(r(25, 2)).as_deref(), Some("12.5"));
        assert_eq!(decimal_text(r(-1, 8)).as_deref(), Some("-0.125"));
        assert_eq!(decimal_text(r(3, 100)).as_deref(), Some("0.03"));
        assert_eq!(decimal_text(r(40, 1)).as_deref(), Some("40"));
        assert_eq!(decimal_text(r(1, 3)), None);
    }
}
