//! `leidraad eval FILE --facts RECORD.json | --batch RECORDS.jsonl`

use super::{ResultFormat, Status, load_error_free, read_bytes};
use leidraad::check::CheckedFile;
use leidraad::diagnostics::escape::{controls, controls_keep_lines};
use leidraad::eval::text::{error_messages, human, to_json};
use leidraad::eval::{Evaluation, evaluate, evaluate_compiled};
use leidraad::logic::diagram::{CompileOptions, DecisionDiagram};
use leidraad::model::record::{FieldError, read_record};
use leidraad::source::Sources;
use miette::miette;
use serde_json::{Value as Json, json};

pub fn run(
    path: &str,
    facts: Option<&str>,
    batch: Option<&str>,
    format: Option<ResultFormat>,
    reference: bool,
    color: bool,
) -> miette::Result<Status> {
    if batch.is_some() && format == Some(ResultFormat::Human) {
        return Err(miette!(
            "`--batch` writes one JSON result per line; leave out `--format human`, or evaluate one record with `--facts`"
        ));
    }
    let format = format.unwrap_or(ResultFormat::Human);
    let (sources, checked) = load_error_free(path, "so no patient is evaluated against it", color)?;
    let checked = &checked;
    let diagram = if reference {
        None
    } else {
        compile_or_warn(checked)
    };
    let evaluator = Evaluator {
        checked,
        diagram: diagram.as_ref(),
    };
    match (facts, batch) {
        (Some(facts), _) => single(&evaluator, &sources, facts, format),
        (None, Some(batch)) => many(&evaluator, &sources, batch),
        (None, None) => Err(miette!(
            "give `--facts RECORD.json` or `--batch RECORDS.jsonl`"
        )),
    }
}

/// The guideline and, unless `--reference` was asked for or it could not
/// be built, its compiled decision diagram.
struct Evaluator<'a> {
    checked: &'a CheckedFile,
    diagram: Option<&'a DecisionDiagram>,
}

/// Compiles the decision diagram, in the variable order `compile` uses by
/// default, so that the diagram evaluated is the one drawn; when a budget
/// stops it, says so and evaluates with the reference interpreter instead.
fn compile_or_warn(checked: &CheckedFile) -> Option<DecisionDiagram> {
    let lowering = checked.lowering.as_ref()?;
    match DecisionDiagram::compile_smaller(&lowering.problem, &CompileOptions::default()) {
        Ok(diagram) => Some(diagram),
        Err(error) => {
            eprintln!(
                "note: the decision diagram was not built ({error}); evaluating rule by rule instead"
            );
            None
        }
    }
}

/// The outcome of one record, as JSON, or the record's problems.
fn evaluate_record(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    record: &Json,
) -> Result<(Evaluation, Vec<String>), Vec<FieldError>> {
    let checked = evaluator.checked;
    let guideline = &checked.guideline;
    let Some(lowering) = &checked.lowering else {
        return Err(vec![FieldError {
            field: String::new(),
            message: "the guideline has errors".to_owned(),
        }]);
    };
    let mut read = read_record(guideline, record)?;
    // Values given for inputs that are not asked for this patient are set
    // aside; say so rather than silently ignoring them.
    for input in guideline.complete(&read.values).1 {
        if let Some(input) = guideline.inputs.get(input) {
            read.warnings.push(format!(
                "field `{}` was ignored: this patient is not asked it (see its `asked when`)",
                input.id
            ));
        }
    }
    let evaluation = match evaluator.diagram {
        Some(diagram) => evaluate_compiled(guideline, lowering, diagram, &read.values),
        None => evaluate(guideline, lowering, &read.values),
    };
    match evaluation {
        Ok(evaluation) => Ok((evaluation, read.warnings)),
        Err(error) => Err(error_messages(guideline, sources, &error)),
    }
}

fn parse_json(bytes: &[u8], what: &str) -> Result<Json, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8 text"))?;
    leidraad::model::record::parse_json(text).map_err(|e| format!("{what} is not valid JSON: {e}"))
}

/// [`parse_json`] for one line of a batch file: the position is given as a
/// column of that line, not as "line 1" of a one-line document.
fn parse_json_line(line: &str, line_number: usize) -> Result<Json, String> {
    leidraad::model::record::parse_json(line).map_err(|e| {
        let full = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&position).unwrap_or(&full);
        format!(
            "line {line_number} is not valid JSON: {message} at column {}",
            e.column()
        )
    })
}

fn single(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    facts: &str,
    format: ResultFormat,
) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let bytes = read_bytes(facts)?;
    let what = if facts == "-" {
        "standard input".to_owned()
    } else {
        format!("`{facts}`")
    };
    let record = parse_json(&bytes, &what).map_err(|message| miette!("{}", controls(&message)))?;
    match evaluate_record(evaluator, sources, &record) {
        Ok((evaluation, warnings)) => {
            match format {
                ResultFormat::Json => {
                    let out = to_json(&checked.guideline, sources, &evaluation, &warnings);
                    outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                }
                ResultFormat::Human => {
                    // Labels, reasons and field names are the user's text:
                    // no control character of theirs reaches the terminal.
                    let text = human(&checked.guideline, sources, &evaluation, &warnings);
                    out!("{}", controls_keep_lines(&text))
                }
            }
            Ok(Status::Clean)
        }
        Err(errors) => {
            match format {
                ResultFormat::Json => {
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&json!({ "errors": errors }))
                            .unwrap_or_default()
                    );
                }
                ResultFormat::Human => {
                    for e in &errors {
                        if e.field.is_empty() {
                            eprintln!("error: {}", controls(&e.message));
                        } else {
                            eprintln!(
                                "error: field `{}`: {}",
                                controls(&e.field),
                                controls(&e.message)
                            );
                        }
                    }
                    eprintln!("no recommendation was made: the record must be fixed first");
                }
            }
            Ok(Status::Problems)
        }
    }
}

fn many(evaluator: &Evaluator<'_>, sources: &Sources, batch: &str) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let bytes = read_bytes(batch)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| miette!("`{batch}` is not UTF-8 text"))?;
    let mut failed = 0usize;
    let mut total = 0usize;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let out = match parse_json_line(line, line_number) {
            Err(message) => {
                failed += 1;
                json!({ "line": line_number, "errors": [{ "field": "", "message": message }] })
            }
            Ok(record) => match evaluate_record(evaluator, sources, &record) {
                Ok((evaluation, warnings)) => {
                    let mut out = to_json(&checked.guideline, sources, &evaluation, &warnings);
                    if let Some(map) = out.as_object_mut() {
                        map.insert("line".to_owned(), json!(line_number));
                    }
                    out
                }
                Err(errors) => {
                    failed += 1;
                    json!({ "line": line_number, "errors": errors })
                }
            },
        };
        outln!("{}", serde_json::to_string(&out).unwrap_or_default());
    }
    if failed > 0 {
        eprintln!("{failed} of {total} records could not be evaluated");
        Ok(Status::Problems)
    } else {
        Ok(Status::Clean)
    }
}
