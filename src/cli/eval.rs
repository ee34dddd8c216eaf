//! `leidraad eval FILE --facts RECORD.json | --batch RECORDS.jsonl`

use super::{ResultFormat, Status, load_error_free, read_bytes};
use leidraad::check::CheckedFile;
use leidraad::diagnostics::escape::group_thousands;
use leidraad::diagnostics::escape::{controls, controls_keep_lines};
use leidraad::eval::text::{error_messages, human, to_json};
use leidraad::eval::{Evaluation, evaluate, evaluate_compiled, evaluate_indexed, evaluate_settled};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::logic::index::RuleIndex;
use leidraad::model::record::{FieldError, read_record};
use leidraad::source::Sources;
use miette::{IntoDiagnostic as _, WrapErr as _, miette};
use serde_json::{Value as Json, json};
use std::cell::OnceCell;
use std::io::{BufRead as _, BufReader, BufWriter, IsTerminal as _, Read, Write};
use std::time::{Duration, Instant};

pub fn run(
    path: &str,
    facts: Option<&str>,
    batch: Option<&str>,
    format: Option<ResultFormat>,
    reference: bool,
    budgets: &CompileOptions,
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
    let index = match (&checked.lowering, reference) {
        (Some(lowering), false) => Some(RuleIndex::new(&lowering.problem)),
        _ => None,
    };
    let evaluator = Evaluator {
        checked,
        index: index.as_ref(),
        diagram: OnceCell::new(),
        budgets,
    };
    match (facts, batch) {
        (Some(facts), _) => single(&evaluator, &sources, facts, format),
        (None, Some(batch)) => many(&evaluator, &sources, batch),
        (None, None) => Err(miette!(
            "give `--facts RECORD.json` or `--batch RECORDS.jsonl`"
        )),
    }
}

/// The guideline and its engines. Unless `--reference` was asked for, a
/// record that settles every input is answered by the rule index at once;
/// the decision diagram is built only for the first record that lacks an
/// input (the diagram answers it when the missing inputs do not matter),
/// and when it does not fit the budgets the reference interpreter answers.
struct Evaluator<'a> {
    checked: &'a CheckedFile,
    /// `None` with `--reference`.
    index: Option<&'a RuleIndex<'a>>,
    /// Built on first need; `None` inside when it did not fit.
    diagram: OnceCell<Option<GroupedDiagram>>,
    budgets: &'a CompileOptions,
}

impl Evaluator<'_> {
    fn diagram(&self) -> Option<&GroupedDiagram> {
        self.diagram
            .get_or_init(|| compile_or_warn(self.checked, self.budgets))
            .as_ref()
    }
}

/// Compiles the decision diagram, in the variable order `compile` uses by
/// default, so that the diagram evaluated is the one drawn; when a budget
/// stops it, says so and evaluates with the reference interpreter instead.
fn compile_or_warn(checked: &CheckedFile, budgets: &CompileOptions) -> Option<GroupedDiagram> {
    let lowering = checked.lowering.as_ref()?;
    match GroupedDiagram::compile_smaller(&lowering.problem, budgets) {
        Ok(diagram) => Some(diagram),
        Err(error) => {
            eprintln!(
                "note: the decision diagram was not built ({error}); records that lack an input are evaluated rule by rule instead"
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
    let indexed = evaluator
        .index
        .and_then(|index| evaluate_indexed(guideline, lowering, index, &read.values));
    let evaluation = match (indexed, evaluator.index) {
        (Some(evaluation), _) => evaluation,
        // A partial record that satisfies every assumption and decides
        // every rule gets the same answer from the reference as from the
        // diagram (the same fired rules, actions and overruled lists): the
        // diagram is only built when the reference cannot give it.
        (None, Some(_)) => match evaluate_settled(guideline, lowering, &read.values) {
            Some(evaluation) => Ok(evaluation),
            None => match evaluator.diagram() {
                Some(diagram) => evaluate_compiled(guideline, lowering, diagram, &read.values),
                None => evaluate(guideline, lowering, &read.values),
            },
        },
        (None, None) => evaluate(guideline, lowering, &read.values),
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

/// Opens a batch file, or standard input for `-`, to be read line by line.
fn open_batch(batch: &str) -> miette::Result<BufReader<Box<dyn Read>>> {
    const BUFFER: usize = 1 << 20;
    let input: Box<dyn Read> = if batch == "-" {
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(batch)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not open `{batch}`"))?;
        Box::new(file)
    };
    Ok(BufReader::with_capacity(BUFFER, input))
}

/// How often the progress line is redrawn, and after how long it appears.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// A progress line on standard error, only when that is a terminal and the
/// run has lasted a while: never in a pipe, a log or a test.
struct Progress {
    started: Instant,
    shown: Option<Instant>,
    on_terminal: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            started: Instant::now(),
            shown: None,
            on_terminal: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&mut self, lines: usize, failed: usize) {
        if !self.on_terminal {
            return;
        }
        let now = Instant::now();
        let due = match self.shown {
            None => now.duration_since(self.started) >= PROGRESS_AFTER,
            Some(last) => now.duration_since(last) >= PROGRESS_EVERY,
        };
        if due {
            self.shown = Some(now);
            // A progress line is not worth failing the run for.
            let _ = write!(
                std::io::stderr(),
                "\r{} lines read, {} records could not be evaluated",
                group_thousands(lines),
                group_thousands(failed)
            );
        }
    }

    fn finish(&self) {
        if self.shown.is_some() {
            // Erase the progress line, so that the summary starts clean.
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// Evaluates a batch as it is read, one line at a time: memory stays flat
/// whatever the size of the file, and each result is written before the
/// next line is read from a pipe.
fn many(evaluator: &Evaluator<'_>, sources: &Sources, batch: &str) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let mut reader = open_batch(batch)?;
    let mut output = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut progress = Progress::new();
    let mut failed = 0usize;
    let mut total = 0usize;
    let mut line_number = 0usize;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .into_diagnostic()
            .wrap_err_with(|| format!("could not read `{batch}`"))?;
        if read == 0 {
            break;
        }
        line_number += 1;
        progress.tick(line_number, failed);
        let mut line = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        let out = match std::str::from_utf8(line) {
            Ok(line) if line.trim().is_empty() => continue,
            Err(_) => {
                total += 1;
                failed += 1;
                let message = format!("line {line_number} is not UTF-8 text");
                json!({ "line": line_number, "errors": [{ "field": "", "message": message }] })
            }
            Ok(line) => {
                total += 1;
                match parse_json_line(line, line_number) {
                    Err(message) => {
                        failed += 1;
                        json!({ "line": line_number, "errors": [{ "field": "", "message": message }] })
                    }
                    Ok(record) => match evaluate_record(evaluator, sources, &record) {
                        Ok((evaluation, warnings)) => {
                            let mut out =
                                to_json(&checked.guideline, sources, &evaluation, &warnings);
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
                }
            }
        };
        let mut text = serde_json::to_string(&out).unwrap_or_default();
        text.push('\n');
        write_or_exit(&mut output, text.as_bytes());
        // Waiting for more input: let the reader see what is done so far.
        if reader.buffer().is_empty() {
            flush_or_exit(&mut output);
        }
    }
    flush_or_exit(&mut output);
    progress.finish();
    if failed > 0 {
        eprintln!("{failed} of {total} records could not be evaluated");
        Ok(Status::Problems)
    } else {
        Ok(Status::Clean)
    }
}

/// Writes a batch result as [`super::write_stdout`] does: a closed pipe ends
/// the program quietly, any other error with status 2.
fn write_or_exit(output: &mut impl Write, bytes: &[u8]) {
    if let Err(error) = output.write_all(bytes) {
        output_failed(&error);
    }
}

fn flush_or_exit(output: &mut impl Write) {
    if let Err(error) = output.flush() {
        output_failed(&error);
    }
}

fn output_failed(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: could not write the output: {error}");
    std::process::exit(2);
}
