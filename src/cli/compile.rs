//! `leidraad compile FILE --emit json|dot|mermaid|rules`

use super::{Status, load_error_free_in};
use leidraad::emit::{self, Compiled};
use leidraad::logic::diagram::{CompileOptions, DiagramGroup, GroupedDiagram, VarOrder};
use miette::miette;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    /// The decision diagram in the documented JSON schema.
    Json,
    /// A flowchart for Graphviz (`dot -Tsvg`).
    Dot,
    /// A flowchart for Mermaid.
    Mermaid,
    /// The rules after normalisation, as text.
    Rules,
    /// A SQL query (or view) that gives every row of a table of records
    /// its advice (docs/sql.md).
    Sql,
}

/// `--dialect`: the SQL engine the query is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SqlDialect {
    Duckdb,
    Spark,
    Trino,
    Postgres,
}

/// The options of `--emit sql`.
#[derive(Clone, Debug)]
pub struct SqlArgs {
    pub dialect: SqlDialect,
    pub table: String,
    pub view: Option<String>,
    /// `COLUMN=UNIT`, as given.
    pub units: Vec<String>,
    pub keys: Vec<String>,
}

impl SqlArgs {
    pub fn options(&self) -> miette::Result<emit::SqlOptions> {
        let units = self
            .units
            .iter()
            .map(|given| match given.split_once('=') {
                Some((column, unit)) if !column.trim().is_empty() && !unit.trim().is_empty() => {
                    Ok((column.trim().to_owned(), unit.trim().to_owned()))
                }
                _ => Err(miette!(
                    help = "write the column, `=` and the unit its values are in: `--unit creatinine=mg/dL`",
                    "`--unit {given}` names no column and unit"
                )),
            })
            .collect::<miette::Result<Vec<_>>>()?;
        Ok(emit::SqlOptions {
            dialect: match self.dialect {
                SqlDialect::Duckdb => emit::Dialect::DuckDb,
                SqlDialect::Spark => emit::Dialect::Spark,
                SqlDialect::Trino => emit::Dialect::Trino,
                SqlDialect::Postgres => emit::Dialect::Postgres,
            },
            table: self.table.clone(),
            view: self.view.clone(),
            units,
            keys: self.keys.clone(),
            form: emit::SqlForm::Records,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Order {
    /// Build both orders below and keep the smaller diagram (ties: declaration).
    Auto,
    /// Ask inputs in the order they are declared.
    Declaration,
    /// Ask first the inputs that most conditions use.
    MostUsed,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one parameter per `compile` option group; a struct would only rename them"
)]
pub fn run(
    path: &str,
    lang: Option<&str>,
    emit: Emit,
    order: Order,
    target: Option<&str>,
    budgets: &CompileOptions,
    sql: &SqlArgs,
    color: bool,
) -> miette::Result<Status> {
    let (sources, checked) = load_error_free_in(path, "so it is not compiled", color, lang)?;
    let checked = &checked;
    let Some(lowering) = checked.lowering.as_ref() else {
        // INVARIANT: `load_error_free` returns only files with a lowering.
        return Ok(Status::Usage);
    };
    if emit == Emit::Sql {
        // The query follows the rules: no diagram is built.
        let options = sql.options()?;
        let text = emit::sql(&checked.guideline, lowering, &sources, &options)
            .map_err(|error| miette!("{error}"))?;
        out!("{text}");
        return Ok(Status::Clean);
    }
    let target = match target {
        None => None,
        Some(name) => match checked.guideline.entry_index(name) {
            Some(index) => Some(u32::try_from(index).unwrap_or(u32::MAX)),
            None => {
                let known: Vec<&str> = checked
                    .guideline
                    .entries
                    .iter()
                    .map(|e| e.id.as_str())
                    .collect();
                return Err(miette!(
                    help = format!("the catalogue has: {}", known.join(", ")),
                    "`{name}` is not in the catalogue of `{path}`"
                ));
            }
        },
    };
    let build = |order: VarOrder| {
        GroupedDiagram::compile(
            &lowering.problem,
            &CompileOptions {
                order,
                ..budgets.clone()
            },
        )
    };
    let built = match order {
        Order::Declaration => build(VarOrder::Declaration),
        Order::MostUsed => build(VarOrder::MostUsedFirst),
        Order::Auto => GroupedDiagram::compile_smaller(&lowering.problem, budgets),
    };
    let grouped = built.map_err(|error| {
        miette!(
            help = "the guideline is too large to compile within the budgets; raise them (`--max-nodes`, `--max-memory`, `--time-limit`), split the guideline or simplify large conditions; `leidraad eval` still answers complete records without the diagram",
            "`{path}` could not be compiled: {error}"
        )
    })?;
    let Some(first) = grouped.groups().first() else {
        // INVARIANT: a grouped diagram has at least one group.
        return Ok(Status::Usage);
    };
    let compiled = Compiled {
        guideline: &checked.guideline,
        lowering,
        diagram: &first.diagram,
    };
    // A flowchart per group, one after the other; with `--target`, only the
    // group whose rules name it (every other group says nothing about it).
    let flowcharts = |render: fn(&Compiled<'_>, Option<u32>) -> String| {
        let shown: Vec<&DiagramGroup> = match target {
            Some(t) => vec![grouped.group_naming(&lowering.problem, t).unwrap_or(first)],
            None => grouped.groups().iter().collect(),
        };
        shown
            .into_iter()
            .map(|group| {
                render(
                    &Compiled {
                        diagram: &group.diagram,
                        ..compiled
                    },
                    target,
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let text = match emit {
        Emit::Json => emit::json(&compiled, &grouped),
        Emit::Dot => flowcharts(emit::dot),
        // INVARIANT: answered above.
        Emit::Sql => return Ok(Status::Usage),
        Emit::Mermaid => flowcharts(emit::mermaid),
        // The rules are text for a terminal: the labels' control
        // characters are escaped there (JSON, DOT and Mermaid escape their own).
        Emit::Rules => {
            leidraad::diagnostics::escape::controls_keep_lines(&emit::rules(&compiled)).into_owned()
        }
    };
    out!("{text}");
    Ok(Status::Clean)
}
