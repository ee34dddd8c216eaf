//! `leidraad compile FILE --emit json|dot|mermaid|rules`

use super::{Status, load_error_free};
use leidraad::emit::{self, Compiled};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram, VarOrder};
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

pub fn run(
    path: &str,
    emit: Emit,
    order: Order,
    target: Option<&str>,
    budgets: &CompileOptions,
    color: bool,
) -> miette::Result<Status> {
    let (_sources, checked) = load_error_free(path, "so it is not compiled", color)?;
    let checked = &checked;
    let Some(lowering) = checked.lowering.as_ref() else {
        // INVARIANT: `load_error_free` returns only files with a lowering.
        return Ok(Status::Usage);
    };
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
        DecisionDiagram::compile(
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
        Order::Auto => DecisionDiagram::compile_smaller(&lowering.problem, budgets),
    };
    let diagram = built.map_err(|error| {
        miette!(
            help = "the guideline is too large to compile within the budgets; raise them (`--max-nodes`, `--max-memory`, `--time-limit`), split the guideline or simplify large conditions; `leidraad eval` still answers complete records without the diagram",
            "`{path}` could not be compiled: {error}"
        )
    })?;
    let compiled = Compiled {
        guideline: &checked.guideline,
        lowering,
        diagram: &diagram,
    };
    let text = match emit {
        Emit::Json => emit::json(&compiled),
        Emit::Dot => emit::dot(&compiled, target),
        Emit::Mermaid => emit::mermaid(&compiled, target),
        // The rules are text for a terminal: the labels' control
        // characters are escaped there (JSON, DOT and Mermaid escape their own).
        Emit::Rules => {
            leidraad::diagnostics::escape::controls_keep_lines(&emit::rules(&compiled)).into_owned()
        }
    };
    out!("{text}");
    Ok(Status::Clean)
}
