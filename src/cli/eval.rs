//! `leidraad eval FILE --facts RECORD.json | --batch RECORDS.jsonl`

use super::{ResultFormat, Status, load_error_free_in, read_bytes};
use leidraad::check::CheckedFile;
use leidraad::diagnostics::escape::group_thousands;
use leidraad::diagnostics::escape::{controls, controls_keep_lines};
use leidraad::eval::partial::{evaluate_partial, partial_human, partial_json};
use leidraad::eval::text::{Explain, JsonLines, error_messages, human, to_json};
use leidraad::eval::{
    Evaluation, evaluate, evaluate_compiled, evaluate_indexed, evaluate_indexed_advice,
    evaluate_settled,
};
use leidraad::logic::diagram::{CompileOptions, GroupedDiagram};
use leidraad::logic::index::RuleIndex;
use leidraad::model::record::{
    FieldError, ReadOptions, Record, RecordReader, Refusal, json_problem, read_record_with,
};
use leidraad::model::words::{self, Words, fill};
use leidraad::source::Sources;
use miette::{IntoDiagnostic as _, WrapErr as _, miette};
use serde_json::{Value as Json, json};
use std::io::{BufRead as _, BufReader, BufWriter, IsTerminal as _, Read, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `--explain`: how much of the explanation a `--batch` result carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainMode {
    /// As `--format json` gives it: fired rules, what was overruled, and
    /// each recommendation with its rule, label, line and reasons.
    Full,
    /// Each recommendation with its rule and reasons, and what was overruled.
    Reasons,
    /// The advice alone: kind, target, urgency, `instead` and `replaces`.
    None,
}

/// How a `--batch` is written and evaluated.
#[derive(Clone, Copy, Debug)]
pub struct BatchOptions {
    pub explain: ExplainMode,
    /// `None`: one thread per core.
    pub threads: Option<usize>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one parameter per `eval` option group; a struct would only rename them"
)]
pub fn run(
    path: &str,
    lang: Option<&str>,
    facts: Option<&str>,
    batch: Option<(&str, BatchOptions)>,
    format: Option<ResultFormat>,
    reference: bool,
    partial: bool,
    read: ReadOptions,
    budgets: &CompileOptions,
    color: bool,
) -> miette::Result<Status> {
    if batch.is_some() && format == Some(ResultFormat::Human) {
        return Err(miette!(
            "`--batch` writes one JSON result per line; leave out `--format human`, or evaluate one record with `--facts`"
        ));
    }
    let format = format.unwrap_or(ResultFormat::Human);
    let (sources, checked) =
        load_error_free_in(path, "so no patient is evaluated against it", color, lang)?;
    let checked = &checked;
    let index = match (&checked.lowering, reference) {
        (Some(lowering), false) => Some(RuleIndex::new(&lowering.problem)),
        _ => None,
    };
    let evaluator = Evaluator {
        checked,
        index: index.as_ref(),
        diagram: OnceLock::new(),
        budgets,
        read,
    };
    match (facts, batch) {
        (Some(facts), _) if partial => single_partial(&evaluator, &sources, facts, format),
        (Some(facts), _) => single(&evaluator, &sources, facts, format),
        (None, Some((batch, options))) => many(&evaluator, &sources, batch, &options),
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
    diagram: OnceLock<Option<GroupedDiagram>>,
    budgets: &'a CompileOptions,
    /// How records are read (`--ignore-unknown-fields`).
    read: ReadOptions,
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
            eoutln!(
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
    let read = read_record_with(&evaluator.checked.guideline, record, evaluator.read)?;
    evaluate_read(evaluator, sources, read, true)
}

/// The outcome of a record once read; without `reasons` the rule index
/// does not look for them (the other engines always give them).
fn evaluate_read(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    mut read: Record,
    reasons: bool,
) -> Result<(Evaluation, Vec<String>), Vec<FieldError>> {
    let checked = evaluator.checked;
    let guideline = &checked.guideline;
    let Some(lowering) = &checked.lowering else {
        return Err(vec![FieldError::new(
            "",
            leidraad::model::words::of(guideline)
                .record
                .guideline_has_errors,
        )]);
    };
    // Values given for inputs that are not asked for this patient are set
    // aside; say so rather than silently ignoring them.
    let set_aside = guideline.complete(&read.values).1;
    read.warnings.extend(leidraad::model::words::ignored_fields(
        guideline, &set_aside,
    ));
    let indexed = evaluator.index.and_then(|index| {
        if reasons {
            evaluate_indexed(guideline, lowering, index, &read.values)
        } else {
            evaluate_indexed_advice(guideline, lowering, index, &read.values)
        }
    });
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
        Err(error) => Err(error_messages(guideline, sources, &error, &read.values)),
    }
}

/// The record of `facts`, or why its text is no JSON record, in the
/// guideline's words.
fn parse_json(bytes: &[u8], facts: &str, words: &Words) -> Result<Json, String> {
    let w = &words.record;
    let what = if facts == "-" {
        w.standard_input.to_owned()
    } else {
        format!("`{facts}`")
    };
    let text = std::str::from_utf8(bytes).map_err(|_| fill(w.not_utf8, &[&what]))?;
    leidraad::model::record::parse_json(text).map_err(|e| {
        let at = fill(
            w.json_at,
            &[
                &json_problem(words, &e),
                &e.line().to_string(),
                &e.column().to_string(),
            ],
        );
        fill(w.not_json, &[&what, &at])
    })
}

/// The JSON error of one line of a batch file: the position is given as a
/// column of that line, not as "line 1" of a one-line document.
fn json_line_error(e: &serde_json::Error, line_number: usize, words: &Words) -> String {
    let w = &words.record;
    let at = fill(
        w.json_at_column,
        &[&json_problem(words, e), &e.column().to_string()],
    );
    fill(
        w.not_json,
        &[&fill(w.batch_line, &[&line_number.to_string()]), &at],
    )
}

fn single(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    facts: &str,
    format: ResultFormat,
) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let bytes = read_bytes(facts)?;
    let record = parse_json(&bytes, facts, words::of(&checked.guideline))
        .map_err(|message| miette!("{}", controls(&message)))?;
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
            refused(evaluator, &errors, format);
            Ok(Status::Problems)
        }
    }
}

/// Says why a record was refused: as JSON, or one line per field on
/// standard error with the help for an unknown field.
fn refused(evaluator: &Evaluator<'_>, errors: &[FieldError], format: ResultFormat) {
    match format {
        ResultFormat::Json => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&json!({ "errors": errors })).unwrap_or_default()
            );
        }
        ResultFormat::Human => {
            let w = &leidraad::model::words::of(&evaluator.checked.guideline).record;
            for e in errors {
                if e.field.is_empty() {
                    eoutln!("{}", fill(w.error_line, &[&controls(&e.message)]));
                } else {
                    eoutln!(
                        "{}",
                        fill(
                            w.field_error_line,
                            &[&controls(&e.field), &controls(&e.message)]
                        )
                    );
                }
            }
            if errors.iter().any(|e| e.reason == Refusal::UnknownField)
                && evaluator.read == ReadOptions::default()
            {
                eoutln!("{}", w.unknown_field_help);
            }
            eoutln!("{}", w.refused);
        }
    }
}

/// `eval --partial`: what a partly answered record decides, exactly, on the
/// decision diagram of the whole guideline.
fn single_partial(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    facts: &str,
    format: ResultFormat,
) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let guideline = &checked.guideline;
    let bytes = read_bytes(facts)?;
    let record = parse_json(&bytes, facts, words::of(&checked.guideline))
        .map_err(|message| miette!("{}", controls(&message)))?;
    let read = match read_record_with(guideline, &record, evaluator.read) {
        Ok(read) => read,
        Err(errors) => {
            refused(evaluator, &errors, format);
            return Ok(Status::Problems);
        }
    };
    let Some(lowering) = &checked.lowering else {
        return Err(miette!("the guideline has errors"));
    };
    let diagram = whole_diagram(lowering, evaluator.budgets)?;
    match evaluate_partial(guideline, lowering, &diagram, &read.values) {
        Ok(partial) => {
            let mut warnings = read.warnings;
            warnings.extend(leidraad::model::words::ignored_fields(
                guideline,
                &partial.ignored,
            ));
            match format {
                ResultFormat::Json => {
                    let out = partial_json(guideline, &partial, &warnings);
                    outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                }
                ResultFormat::Human => {
                    let text = partial_human(guideline, &partial, &warnings);
                    out!("{}", controls_keep_lines(&text));
                }
            }
            Ok(Status::Clean)
        }
        Err(error) => {
            let errors = error_messages(guideline, sources, &error, &read.values);
            refused(evaluator, &errors, format);
            Ok(Status::Problems)
        }
    }
}

/// The decision diagram of the whole guideline (not split into groups), in
/// the smaller of the two orders: what `--partial` and `ask` decide on.
pub(crate) fn whole_diagram(
    lowering: &leidraad::model::lower::Lowering,
    budgets: &CompileOptions,
) -> miette::Result<leidraad::logic::diagram::DecisionDiagram> {
    leidraad::logic::diagram::DecisionDiagram::compile_smaller(&lowering.problem, budgets).map_err(
        |error| {
            miette!(
                "the decision diagram of the whole guideline was not built ({error}); a partial record needs it (raise `--max-nodes` or the other budgets)"
            )
        },
    )
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

/// What every line of a batch needs: the engines, the record reader and
/// the output writer, all built once.
struct Batch<'a> {
    evaluator: &'a Evaluator<'a>,
    sources: &'a Sources,
    reader: RecordReader<'a>,
    writer: JsonLines<'a>,
    /// Whether the results show reasons (else they need not be found).
    reasons: bool,
}

impl Batch<'_> {
    /// Appends the result of one line to `out`: `None` for a blank line,
    /// otherwise whether the record could be evaluated.
    fn line(&self, out: &mut Vec<u8>, bytes: &[u8], line_number: usize) -> Option<bool> {
        let mut line = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        let message = match std::str::from_utf8(line) {
            Ok(line) if line.trim().is_empty() => return None,
            Err(_) => {
                let w = &words::of(&self.evaluator.checked.guideline).record;
                fill(
                    w.not_utf8,
                    &[&fill(w.batch_line, &[&line_number.to_string()])],
                )
            }
            Ok(line) => match self.reader.read(line) {
                Err(error) => json_line_error(
                    &error,
                    line_number,
                    words::of(&self.evaluator.checked.guideline),
                ),
                Ok(read) => {
                    let evaluated = read.and_then(|read| {
                        evaluate_read(self.evaluator, self.sources, read, self.reasons)
                    });
                    return Some(match evaluated {
                        Ok((evaluation, warnings)) => {
                            self.writer
                                .evaluation(out, &evaluation, &warnings, line_number);
                            true
                        }
                        Err(errors) => {
                            self.writer.errors(out, &errors, line_number);
                            false
                        }
                    });
                }
            },
        };
        let error = FieldError::new("", message);
        self.writer.errors(out, &[error], line_number);
        Some(false)
    }
}

/// Lines handed to a worker at once, and the bytes past which a chunk is
/// sent even when it has fewer lines.
const CHUNK_LINES: usize = 256;
const CHUNK_BYTES: usize = 256 << 10;

/// Evaluates a batch as it is read: memory stays flat whatever the size of
/// the file. With one thread each line is evaluated and written before the
/// next is read; with more, a reader hands chunks of lines to workers and a
/// writer puts their results out in input order.
fn many(
    evaluator: &Evaluator<'_>,
    sources: &Sources,
    batch: &str,
    options: &BatchOptions,
) -> miette::Result<Status> {
    let checked = evaluator.checked;
    let explain = match options.explain {
        ExplainMode::Full => Explain::Full,
        ExplainMode::Reasons => Explain::Reasons,
        ExplainMode::None => Explain::None,
    };
    let work = Batch {
        evaluator,
        sources,
        reader: RecordReader::with_options(&checked.guideline, evaluator.read),
        writer: JsonLines::new(&checked.guideline, sources, explain),
        reasons: explain != Explain::None,
    };
    let threads = options.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let reader = open_batch(batch)?;
    let counts = if threads <= 1 {
        one_thread(&work, reader, batch)?
    } else {
        threaded(&work, reader, batch, threads)?
    };
    if counts.failed > 0 {
        let words = leidraad::model::words::of(&checked.guideline);
        eoutln!(
            "{}",
            fill(
                words.record.batch_failed,
                &[&counts.failed.to_string(), &counts.total.to_string()]
            )
        );
        Ok(Status::Problems)
    } else {
        Ok(Status::Clean)
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    total: usize,
    failed: usize,
}

impl Counts {
    fn add(&mut self, evaluated: Option<bool>) {
        if let Some(ok) = evaluated {
            self.total += 1;
            self.failed += usize::from(!ok);
        }
    }
}

/// Reads one line into `bytes` (cleared first); `false` at the end.
fn read_line(
    reader: &mut BufReader<Box<dyn Read>>,
    bytes: &mut Vec<u8>,
    batch: &str,
) -> miette::Result<bool> {
    bytes.clear();
    let read = reader
        .read_until(b'\n', bytes)
        .into_diagnostic()
        .wrap_err_with(|| format!("could not read `{batch}`"))?;
    Ok(read > 0)
}

fn one_thread(
    work: &Batch<'_>,
    mut reader: BufReader<Box<dyn Read>>,
    batch: &str,
) -> miette::Result<Counts> {
    let mut output = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut progress = Progress::new();
    let mut counts = Counts::default();
    let mut line_number = 0usize;
    let mut bytes = Vec::new();
    let mut out = Vec::new();
    while read_line(&mut reader, &mut bytes, batch)? {
        line_number += 1;
        progress.tick(line_number, counts.failed);
        out.clear();
        counts.add(work.line(&mut out, &bytes, line_number));
        write_or_exit(&mut output, &out);
        // Waiting for more input: let the reader see what is done so far.
        if reader.buffer().is_empty() {
            flush_or_exit(&mut output);
        }
    }
    flush_or_exit(&mut output);
    progress.finish();
    Ok(counts)
}

/// Lines read from the batch, and the number of the first.
struct Chunk {
    sequence: usize,
    first_line: usize,
    /// The lines, each with its line end.
    bytes: Vec<u8>,
}

/// What a worker made of a chunk.
struct Done {
    sequence: usize,
    out: Vec<u8>,
    counts: Counts,
}

fn threaded(
    work: &Batch<'_>,
    mut reader: BufReader<Box<dyn Read>>,
    batch: &str,
    workers: usize,
) -> miette::Result<Counts> {
    // At most this many chunks are read and not yet written: memory stays
    // flat however far the reader could run ahead of a slow worker.
    let in_flight = workers * 2;
    let (to_workers, chunks) = sync_channel::<Chunk>(in_flight);
    let chunks = Arc::new(Mutex::new(chunks));
    let (to_writer, done) = sync_channel::<Done>(in_flight);
    let (give_slot, slots) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = give_slot.send(());
    }
    let failed = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let chunks = Arc::clone(&chunks);
            let to_writer = to_writer.clone();
            scope.spawn(move || worker(work, &chunks, &to_writer));
        }
        drop(to_writer);
        let failed = &failed;
        let writer = scope.spawn(move || write_in_order(&done, &give_slot, failed));
        let read = read_chunks(&mut reader, batch, &to_workers, &slots, failed);
        drop(to_workers);
        let counts = writer.join().unwrap_or_default();
        read.map(|()| counts)
    })
}

/// Reads the batch into chunks for the workers. A chunk is sent when it is
/// full, or at once when the input has nothing more buffered (a pipe that
/// waits for its writer gets its answers without waiting for a full chunk).
fn read_chunks(
    reader: &mut BufReader<Box<dyn Read>>,
    batch: &str,
    to_workers: &SyncSender<Chunk>,
    slots: &Receiver<()>,
    failed: &AtomicUsize,
) -> miette::Result<()> {
    let mut progress = Progress::new();
    let mut line_number = 0usize;
    let mut sequence = 0usize;
    let mut line = Vec::new();
    let mut chunk = Chunk {
        sequence,
        first_line: 1,
        bytes: Vec::new(),
    };
    let mut lines = 0usize;
    let send = |chunk: &mut Chunk, sequence: &mut usize, next_line: usize| {
        *sequence += 1;
        let next = Chunk {
            sequence: *sequence,
            first_line: next_line,
            bytes: Vec::with_capacity(chunk.bytes.len()),
        };
        let full = std::mem::replace(chunk, next);
        // A slot is given back when a chunk is written; a worker or the
        // writer gone means the output failed, which ends the program.
        slots.recv().is_ok() && to_workers.send(full).is_ok()
    };
    loop {
        let more = read_line(reader, &mut line, batch)?;
        if more {
            line_number += 1;
            progress.tick(line_number, failed.load(Ordering::Relaxed));
            chunk.bytes.extend_from_slice(&line);
            if !line.ends_with(b"\n") {
                chunk.bytes.push(b'\n');
            }
            lines += 1;
        }
        let waiting = reader.buffer().is_empty();
        if lines > 0
            && (!more || waiting || lines >= CHUNK_LINES || chunk.bytes.len() >= CHUNK_BYTES)
        {
            lines = 0;
            if !send(&mut chunk, &mut sequence, line_number + 1) {
                break;
            }
        }
        if !more {
            break;
        }
    }
    progress.finish();
    Ok(())
}

fn worker(work: &Batch<'_>, chunks: &Mutex<Receiver<Chunk>>, to_writer: &SyncSender<Done>) {
    loop {
        let chunk = match chunks.lock() {
            Ok(chunks) => chunks.recv(),
            Err(_) => return,
        };
        let Ok(chunk) = chunk else { return };
        let mut out = Vec::with_capacity(chunk.bytes.len() * 3);
        let mut counts = Counts::default();
        let lines = chunk.bytes.split_inclusive(|&b| b == b'\n');
        for (offset, line) in lines.enumerate() {
            counts.add(work.line(&mut out, line, chunk.first_line + offset));
        }
        let done = Done {
            sequence: chunk.sequence,
            out,
            counts,
        };
        if to_writer.send(done).is_err() {
            return;
        }
    }
}

/// Writes the workers' results in input order; gives a slot back to the
/// reader for each chunk written.
fn write_in_order(
    done: &Receiver<Done>,
    give_slot: &SyncSender<()>,
    failed: &AtomicUsize,
) -> Counts {
    let mut output = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut waiting: std::collections::BTreeMap<usize, Done> = std::collections::BTreeMap::new();
    let mut next = 0usize;
    let mut counts = Counts::default();
    loop {
        let received = match done.try_recv() {
            Ok(result) => Some(result),
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                // Nothing ready: what is written so far is shown now.
                flush_or_exit(&mut output);
                done.recv().ok()
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        let Some(result) = received else { break };
        waiting.insert(result.sequence, result);
        while let Some(result) = waiting.remove(&next) {
            write_or_exit(&mut output, &result.out);
            counts.total += result.counts.total;
            counts.failed += result.counts.failed;
            failed.store(counts.failed, Ordering::Relaxed);
            next += 1;
            let _ = give_slot.send(());
        }
    }
    flush_or_exit(&mut output);
    counts
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
    eoutln!("error: could not write the output: {error}");
    std::process::exit(2);
}
