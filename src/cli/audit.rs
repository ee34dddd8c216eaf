//! `leidraad audit FILE --data TABLE [--compare OLD]`: the guideline's SQL
//! (`compile --emit sql`) run on DuckDB over a table of records, counted
//! per recommendation; with `--compare`, the patients whose advice differs
//! between the two versions, per catalogue entry, with examples.
//!
//! DuckDB runs as a subprocess: `python3` with the `duckdb` package (`pip
//! install duckdb`), so that the plain build links no C++ library and
//! builds no faster or slower than before (docs/sql.md says why).

use super::diff::load_versions;
use super::{Status, load_error_free};
use leidraad::check::CheckedFile;
use leidraad::diagnostics::escape::{controls, group_thousands};
use leidraad::diff::render::{self, markdown_escape};
use leidraad::diff::{Diff, DiffError, DiffOptions, Presence, diff};
use leidraad::emit::{self, Dialect, SqlForm, SqlOptions};
use leidraad::source::Sources;
use miette::{IntoDiagnostic as _, miette};
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, IsTerminal as _, Read as _, Write as _};
use std::process::{Command, Stdio};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// Counts for a person at a terminal.
    Human,
    /// Tables for a pull request or a report.
    Markdown,
    /// One JSON document (`"schema": "leidraad-audit/2"`, docs/sql.md).
    Json,
}

/// The DuckDB side, the one place the engine runs: executes the job's
/// statements in order, then its queries, and prints each query's columns
/// and rows as one JSON document. Everything the audit asks is SQL built
/// in Rust (`Plan`); this only runs it.
const SCRIPT: &str = r#"
import json, sys, decimal
try:
    import duckdb
except ImportError:
    print("NO_DUCKDB", file=sys.stderr)
    sys.exit(3)
job = json.load(sys.stdin)
con = duckdb.connect()
# DuckDB's own progress bar would write into the JSON on standard output:
# with `progress`, its estimate is read from another thread and written to
# standard error as `PROGRESS <percent>` lines, for leidraad to draw.
if job["progress"]:
    import threading
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    finished = threading.Event()
    def watch():
        while not finished.wait(0.25):
            try:
                done = con.query_progress()
            except Exception:
                return
            if done >= 0:
                print("PROGRESS %.1f" % done, file=sys.stderr, flush=True)
    threading.Thread(target=watch, daemon=True).start()
else:
    con.execute("SET enable_progress_bar = false")
def cell(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    if isinstance(v, (list, tuple)):
        return [cell(x) for x in v]
    if isinstance(v, dict):
        return {k: cell(x) for k, x in v.items()}
    return str(v)
results = []
try:
    for statement in job["statements"]:
        con.execute(statement)
    for query in job["queries"]:
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description]
        results.append({"columns": names, "rows": [[cell(v) for v in row] for row in cursor.fetchall()]})
except duckdb.Error as error:
    print("DUCKDB_ERROR " + str(error).splitlines()[0], file=sys.stderr)
    sys.exit(4)
if job["progress"]:
    finished.set()
print(json.dumps({"results": results}))
"#;

/// One query's answer: its column names and rows.
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Json>>,
}

/// Runs statements and then queries on DuckDB (`python3` with the `duckdb`
/// package); returns each query's table. `data` names the records in the
/// error messages. With `progress`, DuckDB's estimate of how far it is
/// is drawn as a bar on standard error while it runs (cleared at the end).
fn duckdb(
    statements: &[String],
    queries: &[String],
    data: &str,
    progress: bool,
    compare: bool,
) -> miette::Result<Vec<Table>> {
    let job = json!({"statements": statements, "queries": queries, "progress": progress});
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| {
            miette!(
                help =
                    "audit runs DuckDB through Python: install Python 3 and `pip install duckdb`",
                "could not run python3: {error}"
            )
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(job.to_string().as_bytes())
            .into_diagnostic()?;
    }
    // Standard error is read while the query runs: progress lines are drawn,
    // the rest kept for the error message.
    let reader = child.stderr.take().map(|stderr| {
        std::thread::spawn(move || {
            let mut kept = String::new();
            let mut drawn = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                match line.strip_prefix("PROGRESS ").map(str::parse::<f64>) {
                    Some(Ok(percent)) => {
                        eout!("\r{}", progress_bar(percent));
                        drawn = true;
                    }
                    _ => {
                        kept.push_str(&line);
                        kept.push('\n');
                    }
                }
            }
            if drawn {
                eout!("\r{}\r", " ".repeat(PROGRESS_WIDTH));
            }
            kept
        })
    });
    let mut stdout = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_end(&mut stdout).into_diagnostic()?;
    }
    let status = child.wait().into_diagnostic()?;
    let stderr = reader
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    if !status.success() {
        if stderr.contains("NO_DUCKDB") {
            return Err(miette!(
                help = "`pip install duckdb` (about 10 seconds), then run the audit again",
                "audit runs the guideline on DuckDB, and python3 has no `duckdb` package"
            ));
        }
        // DuckDB's message (its first line), or Python's last words.
        let last = stderr
            .lines()
            .find_map(|l| l.strip_prefix("DUCKDB_ERROR "))
            .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()))
            .unwrap_or("");
        return Err(miette!(
            help = if compare {
                "the table needs one column per input of either version, named as in a record (see docs/sql.md); an input renamed between the versions is read under its new name with `--rename OLD=NEW`"
            } else {
                "the table needs one column per input of the guideline, named as in a record (see docs/sql.md)"
            },
            "DuckDB could not audit `{data}`: {}",
            controls(last)
        ));
    }
    let result: Json = serde_json::from_slice(&stdout).into_diagnostic()?;
    let tables = result
        .get("results")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|table| Table {
            columns: table["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| c.as_str().unwrap_or("").to_owned())
                .collect(),
            rows: table["rows"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|row| row.as_array().cloned().unwrap_or_default())
                .collect(),
        })
        .collect();
    Ok(tables)
}

/// The width of the progress line on standard error.
const PROGRESS_WIDTH: usize = 50;

/// `counting [#########...........]  45%`: DuckDB's estimate, which can
/// jump at the end (its last stage, after the rows are counted, is
/// weighted as if it were as long).
fn progress_bar(percent: f64) -> String {
    const BAR: usize = 30;
    let percent = percent.clamp(0.0, 100.0);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a percentage clamped to 0..=100, as a whole number of marks"
    )]
    let marks = ((percent / 100.0) * BAR as f64).round() as usize;
    format!(
        "counting [{}{}] {:>3.0}%",
        "#".repeat(marks.min(BAR)),
        ".".repeat(BAR - marks.min(BAR)),
        percent
    )
}

/// One version of the guideline: the checked file, its catalogue and its
/// inputs.
struct Version<'a> {
    file: &'a CheckedFile,
    /// `(id, label)` of each catalogue entry, by the name it is compared
    /// under (the new version's, after `--rename`).
    entries: Vec<(String, String)>,
    /// Per entry, the advice each bit of its code stands for.
    legend: Vec<Vec<String>>,
    /// The inputs, by the names they are compared under: the table's
    /// columns.
    inputs: Vec<String>,
    /// `(compared name, own name)` of each input and entry renamed.
    renamed: Vec<(String, String)>,
}

impl Version<'_> {
    /// The version's own name of an input or entry.
    fn own<'n>(&'n self, name: &'n str) -> &'n str {
        self.renamed
            .iter()
            .find(|(compared, _)| compared == name)
            .map_or(name, |(_, own)| own.as_str())
    }
}

/// A version, its names renamed by `renames` (`(own name, compared
/// name)`: the old version's `--rename OLD=NEW`).
fn version<'a>(file: &'a CheckedFile, renames: &[(String, String)]) -> Version<'a> {
    let compared = |name: &str| {
        renames
            .iter()
            .find(|(own, _)| own == name)
            .map_or_else(|| name.to_owned(), |(_, new)| new.clone())
    };
    Version {
        file,
        entries: file
            .guideline
            .entries
            .iter()
            .map(|e| (compared(&e.id), e.label.clone()))
            .collect(),
        legend: file
            .lowering
            .as_ref()
            .map(|lowering| emit::advice_legend(&file.guideline, lowering))
            .unwrap_or_default(),
        inputs: file
            .guideline
            .inputs
            .iter()
            .map(|i| compared(&i.id))
            .collect(),
        renamed: renames
            .iter()
            .map(|(own, new)| (new.clone(), own.clone()))
            .collect(),
    }
}

/// The version's query over `table`, passing `keys` through.
fn version_sql(
    version: &Version<'_>,
    sources: &Sources,
    units: &[(String, String)],
    table: String,
    keys: Vec<String>,
) -> miette::Result<String> {
    let Some(lowering) = version.file.lowering.as_ref() else {
        return Err(miette!("a version has errors"));
    };
    // A `--unit` names a column of either version; each query converts its own.
    let units: Vec<(String, String)> = units
        .iter()
        .filter(|(column, _)| version.inputs.contains(column))
        .map(|(column, unit)| (version.own(column).to_owned(), unit.clone()))
        .collect();
    let options = SqlOptions {
        dialect: Dialect::DuckDb,
        table,
        view: None,
        units,
        keys,
        form: SqlForm::Codes,
    };
    emit::sql(&version.file.guideline, lowering, sources, &options)
        .map_err(|error| miette!("{error}"))
}

/// A SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A SQL identifier.
fn ident(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The statements and queries of one audit, and how to read the answers.
struct Plan {
    statements: Vec<String>,
    queries: Vec<String>,
    /// Every catalogue entry of either version (the new one's first):
    /// columns `ld_new_eI` and `ld_old_eI` hold entry `I`'s advice.
    entries: Vec<(String, String)>,
    /// Whether the old version runs too.
    compare: bool,
    /// The entries of each version.
    new_entries: Vec<String>,
    old_entries: Vec<String>,
}

/// The records, numbered from 1 in the order of the file
/// (`leidraad_row`), after the statements that make them readable. A
/// Parquet file and a DuckDB table are read where they are; CSV and JSON
/// lines are numbered into a temporary table.
fn relation(data: &str, table: &str, statements: &mut Vec<String>) -> String {
    let lower = data.to_lowercase();
    if lower.ends_with(".duckdb") || lower.ends_with(".db") {
        statements.push(format!("ATTACH {} AS ld_data (READ_ONLY)", literal(data)));
        format!(
            "(SELECT rowid + 1 AS leidraad_row, * FROM ld_data.{}) AS ld_records",
            ident(table)
        )
    } else if lower.ends_with(".parquet") {
        format!(
            "(SELECT file_row_number + 1 AS leidraad_row, * EXCLUDE (file_row_number) FROM read_parquet({}, file_row_number = true)) AS ld_records",
            literal(data)
        )
    } else {
        let reader = if lower.ends_with(".csv") || lower.ends_with(".tsv") {
            "read_csv_auto"
        } else {
            "read_json_auto"
        };
        statements.push(format!(
            "CREATE TEMP TABLE leidraad_records AS SELECT row_number() OVER () AS leidraad_row, * FROM {reader}({})",
            literal(data)
        ));
        "leidraad_records".to_owned()
    }
}

/// The audit as one pass over the records: the new version's query reads
/// them, the old one's (with `--compare`) reads the new one's rows with its
/// answer passed through, and one aggregate counts the rows per status
/// and advice of each version, with the first rows of each. Nothing of
/// the size of the table is kept.
fn plan(
    data: &str,
    table: &str,
    new: &Version<'_>,
    old: Option<&Version<'_>>,
    sources: &Sources,
    units: &[(String, String)],
    examples: usize,
) -> miette::Result<Plan> {
    let mut statements = Vec::new();
    let records = relation(data, table, &mut statements);
    let mut entries: Vec<(String, String)> = new.entries.clone();
    for entry in old.iter().flat_map(|o| o.entries.iter()) {
        if !entries.iter().any(|(id, _)| *id == entry.0) {
            entries.push(entry.clone());
        }
    }
    let mut inputs: Vec<String> = new.inputs.clone();
    for input in old.iter().flat_map(|o| o.inputs.iter()) {
        if !inputs.contains(input) {
            inputs.push(input.clone());
        }
    }
    // Per entry the advice as a number (`SqlForm::Codes`): the rows are
    // counted by numbers, and only the counts are turned into text.
    let answer = |version: &Version<'_>, name: &str| -> Vec<String> {
        let mut columns = vec![format!("q.leidraad_status AS ld_{name}_status")];
        columns.extend(entries.iter().enumerate().map(|(index, (id, _))| {
            if version.entries.iter().any(|(own, _)| own == id) {
                format!(
                    "q.{} AS ld_{name}_e{index}",
                    ident(&format!("{}_code", version.own(id)))
                )
            } else {
                format!("CAST(NULL AS BIGINT) AS ld_{name}_e{index}")
            }
        }));
        columns
    };
    // Per entry the advice as one text ('' for none), so that the versions
    // compare column by column: each bit of the code is a text of the
    // version's legend.
    let decoded = |version: &Version<'_>, name: &str| -> Vec<String> {
        let mut columns = vec![format!("ld_{name}_status")];
        columns.extend(entries.iter().enumerate().map(|(index, (id, _))| {
            let texts = legend_of(version, id);
            let column = format!("ld_{name}_e{index}");
            let parts: Vec<String> = texts
                .iter()
                .enumerate()
                .map(|(bit, text)| {
                    format!(
                        "CASE WHEN ({column} >> {bit}) & 1 = 1 THEN {} END",
                        literal(text)
                    )
                })
                .collect();
            if parts.is_empty() {
                format!("'' AS {column}")
            } else {
                format!("concat_ws(', ', {}) AS {column}", parts.join(", "))
            }
        }));
        columns
    };
    let answer_names = |name: &str| -> Vec<String> {
        std::iter::once(format!("ld_{name}_status"))
            .chain((0..entries.len()).map(|index| format!("ld_{name}_e{index}")))
            .collect()
    };
    let others = |version: &Version<'_>| -> Vec<String> {
        inputs
            .iter()
            .filter(|i| !version.inputs.contains(i))
            .cloned()
            .collect()
    };
    let all_inputs: Vec<String> = inputs.iter().map(|i| format!("q.{}", ident(i))).collect();
    let mut keys = vec!["leidraad_row".to_owned()];
    keys.extend(others(new));
    let new_sql = version_sql(new, sources, units, records, keys)?;
    let mut select = vec!["q.leidraad_row".to_owned()];
    select.extend(all_inputs.iter().cloned());
    select.extend(answer(new, "new"));
    let mut rows = format!("SELECT {} FROM (\n{new_sql}\n) AS q", select.join(", "));
    let mut key_columns = answer_names("new");
    if let Some(old) = old {
        let mut keys = vec!["leidraad_row".to_owned()];
        keys.extend(others(old));
        keys.extend(answer_names("new"));
        // A renamed input is the table's column under its new name; the
        // old version reads it by its own.
        let aliases: String = old
            .renamed
            .iter()
            .filter(|(compared, _)| old.inputs.contains(compared))
            .map(|(compared, own)| format!(", {} AS {}", ident(compared), ident(own)))
            .collect();
        let old_sql = version_sql(
            old,
            sources,
            units,
            format!("(SELECT *{aliases} FROM (\n{rows}\n) AS ld_r) AS ld_new"),
            keys,
        )?;
        let mut select = vec!["q.leidraad_row".to_owned()];
        select.extend(inputs.iter().map(|i| {
            if old.inputs.contains(i) {
                format!("q.{} AS {}", ident(old.own(i)), ident(i))
            } else {
                format!("q.{}", ident(i))
            }
        }));
        select.extend(answer_names("new").iter().map(|c| format!("q.{c}")));
        select.extend(answer(old, "old"));
        rows = format!("SELECT {} FROM (\n{old_sql}\n) AS q", select.join(", "));
        key_columns.extend(answer_names("old"));
    }
    let keys = key_columns.join(", ");
    // The first rows of each group of changed patients, as examples: a
    // row is changed when its status differs or, both `ok`, an entry's
    // advice does (each text of either legend in one version and not in
    // the other). Only changed rows are kept: an unchanged group needs
    // none, and keeping the first rows of every group is the costliest
    // part of the count.
    let examples_column = match old {
        Some(old) => {
            let differs: Vec<String> = entries
                .iter()
                .enumerate()
                .flat_map(|(index, (id, _))| {
                    let (new_texts, old_texts) = (legend_of(new, id), legend_of(old, id));
                    let mut texts: Vec<&String> = new_texts.iter().chain(old_texts).collect();
                    texts.sort();
                    texts.dedup();
                    texts
                        .into_iter()
                        .map(|text| {
                            let bit = |texts: &[String], name: &str| {
                                texts.iter().position(|t| t == text).map_or_else(
                                    || "0".to_owned(),
                                    |bit| format!("((ld_{name}_e{index} >> {bit}) & 1)"),
                                )
                            };
                            format!("{} <> {}", bit(new_texts, "new"), bit(old_texts, "old"))
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
            let differs = if differs.is_empty() {
                "FALSE".to_owned()
            } else {
                differs.join(" OR ")
            };
            format!(
                ", min(leidraad_row, {}) FILTER (WHERE ld_old_status <> ld_new_status OR (ld_old_status = 'ok' AND ld_new_status = 'ok' AND ({differs}))) AS ld_rows",
                examples.max(1)
            )
        }
        None => String::new(),
    };
    statements.push(format!(
        "CREATE TEMP TABLE ld_coded AS SELECT {keys}, count(*) AS n{examples_column} FROM (\n{rows}\n) AS q GROUP BY {keys}"
    ));
    let mut texts = decoded(new, "new");
    if let Some(old) = old {
        texts.extend(decoded(old, "old"));
    }
    texts.push("n".to_owned());
    if old.is_some() {
        texts.push("ld_rows".to_owned());
    }
    statements.push(format!(
        "CREATE TEMP TABLE ld_counts AS SELECT {} FROM ld_coded",
        texts.join(", ")
    ));
    let mut queries = vec![format!("SELECT {keys}, n FROM ld_counts ORDER BY n DESC")];
    if old.is_some() {
        let differs: Vec<String> = (0..entries.len())
            .map(|index| format!("ld_old_e{index} <> ld_new_e{index}"))
            .collect();
        let differs = if differs.is_empty() {
            "FALSE".to_owned()
        } else {
            differs.join(" OR ")
        };
        let changed = format!(
            "ld_old_status <> ld_new_status OR (ld_old_status = 'ok' AND ld_new_status = 'ok' AND ({differs}))"
        );
        // The example rows, with the tuple of answers each was counted under.
        queries.push(format!(
            "SELECT {keys}, r.* FROM (SELECT {keys}, unnest(ld_rows) AS leidraad_row FROM ld_counts WHERE {changed}) AS c JOIN (SELECT leidraad_row, {} FROM {}) AS r USING (leidraad_row) ORDER BY leidraad_row",
            inputs.iter().map(|i| ident(i)).collect::<Vec<_>>().join(", "),
            relation_again(data, table)
        ));
    }
    Ok(Plan {
        statements,
        queries,
        entries,
        compare: old.is_some(),
        new_entries: new.entries.iter().map(|(id, _)| id.clone()).collect(),
        old_entries: old
            .map(|o| o.entries.iter().map(|(id, _)| id.clone()).collect())
            .unwrap_or_default(),
    })
}

/// The advice each bit of entry `id`'s code stands for in `version`
/// (none when the version has no such entry).
fn legend_of<'v>(version: &'v Version<'_>, id: &str) -> &'v [String] {
    version
        .entries
        .iter()
        .position(|(own, _)| own == id)
        .and_then(|own| version.legend.get(own))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The numbered records once more, for the example rows (the statements
/// that made them readable have run).
fn relation_again(data: &str, table: &str) -> String {
    relation(data, table, &mut Vec::new()).replace("AS ld_records", "AS ld_again")
}

#[expect(
    clippy::too_many_arguments,
    reason = "one parameter per `audit` option; a struct would only rename them"
)]
pub fn run(
    path: &str,
    data: &str,
    compare: Option<&str>,
    table: &str,
    units: &[(String, String)],
    renames: &[(String, String)],
    examples: usize,
    format: AuditFormat,
    color: bool,
) -> miette::Result<Status> {
    if !std::path::Path::new(data).exists() {
        return Err(miette!("`{data}` does not exist"));
    }
    let (sources, files) = match compare {
        Some(old) => load_versions(old, path, color)?,
        None => {
            let (sources, file) = load_error_free(path, "so it is not audited", color)?;
            (sources, vec![file])
        }
    };
    let (new_file, old_file) = match (compare, files.as_slice()) {
        (Some(_), [old, new]) => (new, Some(old)),
        (None, [new]) => (new, None),
        _ => return Err(miette!("a version could not be read")),
    };
    if compare.is_none() && !renames.is_empty() {
        return Err(miette!(
            help = "`--rename OLD=NEW` says how the old version's names map onto the new one's",
            "`--rename` is for comparing two versions: give `--compare OLD`"
        ));
    }
    let new = version(new_file, &[]);
    let old = old_file.map(|file| version(file, renames));
    if let Some(old) = &old {
        // The table has one column per name; an old name renamed onto
        // must not also be a name of the new version.
        if let Some((_, own)) = old.renamed.iter().find(|(compared, own)| {
            compared != own
                && (new.inputs.contains(own) || new.entries.iter().any(|(id, _)| id == own))
        }) {
            return Err(miette!(
                "`--rename`: `{own}` is a name of the new version too, so the table's column `{own}` would be read twice; the audit cannot compare names that swap"
            ));
        }
    }
    // The groups of `leidraad diff OLD NEW`, which the changed rows are
    // counted under.
    let options = DiffOptions {
        renames: renames.to_vec(),
        ..DiffOptions::default()
    };
    let made = match (old_file.and_then(CheckedFile::valid), new_file.valid()) {
        (Some(o), Some(n)) => Some(diff(o, n, &options).map_err(|error| match error {
            DiffError::Budget(message) => miette!(
                help = "`leidraad diff` with a larger `--max-boxes` says how large it is",
                "the two versions could not be compared: {message}"
            ),
            other => miette!("{other}"),
        })?),
        _ => None,
    };
    let plan = plan(data, table, &new, old.as_ref(), &sources, units, examples)?;
    let tables = duckdb(
        &plan.statements,
        &plan.queries,
        data,
        std::io::stderr().is_terminal(),
        old.is_some(),
    )?;
    let result = report(&tables, &plan, made.as_ref(), examples);
    let text = match format {
        AuditFormat::Json => {
            let mut document = json!({
                "schema": SCHEMA,
                "guideline": path,
                "data": data,
            });
            if let (Some(map), Some(extra)) = (document.as_object_mut(), result.as_object()) {
                map.extend(extra.clone());
                if let Some(old) = compare {
                    map.insert("compare_with".to_owned(), json!(old));
                }
            }
            format!(
                "{}\n",
                serde_json::to_string_pretty(&document).unwrap_or_default()
            )
        }
        AuditFormat::Human | AuditFormat::Markdown => render(
            path,
            data,
            compare,
            &result,
            &plan.entries,
            format == AuditFormat::Markdown,
        ),
    };
    out!("{}", controls_keep(&text));
    let changed = result
        .pointer("/compare/patients_changed")
        .and_then(Json::as_u64)
        .unwrap_or(0);
    Ok(if changed > 0 {
        Status::Problems
    } else {
        Status::Clean
    })
}

/// The `schema` of the JSON output (docs/sql.md).
const SCHEMA: &str = "leidraad-audit/2";

/// An advice text of the query (`order urgent, refer`) as a set of
/// advice, each as `diff::Advice::words` writes it.
fn advice_set(text: &str) -> BTreeSet<String> {
    text.split(", ")
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Per entry that differs: `(entry, old advice, new advice)`.
type Changes = Vec<(String, BTreeSet<String>, BTreeSet<String>)>;

/// The diff group a changed row belongs to: the one whose changes are the
/// row's, exactly (the diff makes one group per distinct change), or for
/// a row one version refuses or finds contradictory, the group of the
/// other version's patients only.
fn group_of(made: &Diff, old_status: &str, new_status: &str, changes: &Changes) -> Option<usize> {
    let refused = |status: &str| status == "contradiction" || status == "invalid";
    let wanted = match (old_status, new_status) {
        ("ok", "ok") => Presence::Both,
        ("ok", other) if refused(other) => Presence::OnlyOld,
        (other, "ok") if refused(other) => Presence::OnlyNew,
        _ => return None,
    };
    made.groups.iter().position(|group| {
        group.presence == wanted
            && (wanted != Presence::Both
                || (group.changes.len() == changes.len()
                    && group.changes.iter().all(|change| {
                        let words = |advice: &[leidraad::diff::Advice]| -> BTreeSet<String> {
                            advice.iter().map(leidraad::diff::Advice::words).collect()
                        };
                        changes.iter().any(|(entry, old, new)| {
                            *entry == change.entry
                                && *old == words(&change.old)
                                && *new == words(&change.new)
                        })
                    })))
    })
}

fn example_record(columns: &[String], row: &[Json], skip: usize) -> Json {
    let mut record = serde_json::Map::new();
    for (name, value) in columns.iter().zip(row).skip(skip) {
        if !value.is_null() {
            record.insert(name.clone(), value.clone());
        }
    }
    Json::Object(record)
}

/// The group in a few words: the diff's description, or for a group that
/// is a union of many boxes (a score's combinations), what they share and
/// how many there are.
fn summary(group: &leidraad::diff::Group) -> String {
    if group.alternatives.len() <= 3 {
        return render::description(group);
    }
    let facts: Vec<String> = group.facts.iter().map(leidraad::diff::Fact::text).collect();
    let shared = if facts.is_empty() {
        String::new()
    } else {
        format!("{}, and ", facts.join(", "))
    };
    format!(
        "{shared}one of {} combinations of other answers (`leidraad diff` lists them)",
        group.alternatives.len()
    )
}

/// The audit's answer as JSON (the `--format json` document, without its
/// header), from the engine's tables.
fn report(tables: &[Table], plan: &Plan, made: Option<&Diff>, examples: usize) -> Json {
    let number = |value: &Json| value.as_u64().unwrap_or(0);
    let text = |value: Option<&Json>| value.and_then(Json::as_str).unwrap_or("").to_owned();
    let width = 1 + plan.entries.len();
    let sides: &[&str] = if plan.compare {
        &["new", "old"]
    } else {
        &["new"]
    };
    let counts = tables
        .first()
        .map(|t| t.rows.as_slice())
        .unwrap_or_default();
    // One answer tuple: per side the status and per entry the advice.
    let side_of = |row: &[Json], side: usize| -> (String, Vec<String>) {
        let start = side * width;
        (
            text(row.get(start)),
            (0..plan.entries.len())
                .map(|index| text(row.get(start + 1 + index)))
                .collect(),
        )
    };
    let n_of = |row: &[Json]| row.get(width * sides.len()).map_or(0, number);
    let total: u64 = counts.iter().map(|r| n_of(r)).sum();
    let mut out = json!({"records": total, "versions": {}});
    for (side, name) in sides.iter().enumerate() {
        let mut status: Vec<(String, u64)> = Vec::new();
        let mut advice: Vec<Vec<(String, u64)>> = vec![Vec::new(); plan.entries.len()];
        let add = |list: &mut Vec<(String, u64)>, key: String, n: u64| match list
            .iter_mut()
            .find(|(k, _)| *k == key)
        {
            Some(cell) => cell.1 += n,
            None => list.push((key, n)),
        };
        for row in counts {
            let (s, per_entry) = side_of(row, side);
            let n = n_of(row);
            if s == "ok" {
                for (list, words) in advice.iter_mut().zip(per_entry) {
                    let words = if words.is_empty() {
                        "none".to_owned()
                    } else {
                        words
                    };
                    add(list, words, n);
                }
            }
            add(&mut status, s, n);
        }
        let sorted = |mut list: Vec<(String, u64)>| -> Vec<Json> {
            list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list.into_iter().map(|(k, n)| json!([k, n])).collect()
        };
        let mut entries = serde_json::Map::new();
        let own = if side == 0 {
            &plan.new_entries
        } else {
            &plan.old_entries
        };
        for ((id, _), list) in plan.entries.iter().zip(advice) {
            if own.contains(id) && !list.is_empty() {
                entries.insert(id.clone(), Json::Array(sorted(list)));
            }
        }
        if let Some(versions) = out.get_mut("versions").and_then(Json::as_object_mut) {
            versions.insert(
                (*name).to_string(),
                json!({"status": sorted(status), "entries": entries}),
            );
        }
    }
    let Some(made) = made.filter(|_| plan.compare) else {
        return out;
    };
    // Each changed tuple, placed in a group of the diff or outside them.
    let changes_of = |row: &[Json]| -> Option<(String, String, Changes)> {
        let (new_status, new_advice) = side_of(row, 0);
        let (old_status, old_advice) = side_of(row, 1);
        let both_ok = new_status == "ok" && old_status == "ok";
        let changes: Changes = if both_ok {
            plan.entries
                .iter()
                .zip(old_advice.iter().zip(&new_advice))
                .filter(|(_, (o, n))| o != n)
                .map(|((id, _), (o, n))| (id.clone(), advice_set(o), advice_set(n)))
                .collect()
        } else {
            Vec::new()
        };
        (old_status != new_status || !changes.is_empty())
            .then_some((old_status, new_status, changes))
    };
    let mut group_counts: Vec<u64> = vec![0; made.groups.len()];
    let mut group_examples: Vec<Vec<(u64, Json)>> = vec![Vec::new(); made.groups.len()];
    // Rows in no group: per (old status, new status, changes).
    let mut outside: Vec<Outside> = Vec::new();
    let mut status_changes: Vec<(String, String, u64)> = Vec::new();
    let mut patients = 0;
    let key_of = |row: &[Json]| {
        row.get(..width * 2)
            .map(<[Json]>::to_vec)
            .unwrap_or_default()
    };
    let mut place_of: Vec<(Vec<Json>, Result<usize, usize>)> = Vec::new();
    for row in counts {
        let Some((old_status, new_status, changes)) = changes_of(row) else {
            continue;
        };
        let n = n_of(row);
        patients += n;
        if old_status != new_status {
            match status_changes
                .iter_mut()
                .find(|(o, w, _)| *o == old_status && *w == new_status)
            {
                Some(cell) => cell.2 += n,
                None => status_changes.push((old_status.clone(), new_status.clone(), n)),
            }
        }
        let place = match group_of(made, &old_status, &new_status, &changes) {
            Some(group) => {
                if let Some(cell) = group_counts.get_mut(group) {
                    *cell += n;
                }
                Ok(group)
            }
            None => match outside
                .iter()
                .position(|o| o.0 == old_status && o.1 == new_status && o.2 == changes)
            {
                Some(at) => {
                    if let Some(o) = outside.get_mut(at) {
                        o.3 += n;
                    }
                    Err(at)
                }
                None => {
                    outside.push((old_status, new_status, changes, n, Vec::new()));
                    Err(outside.len() - 1)
                }
            },
        };
        place_of.push((key_of(row), place));
    }
    if let Some(samples) = tables.get(1) {
        for row in &samples.rows {
            let key = key_of(row);
            let Some((_, place)) = place_of.iter().find(|(k, _)| *k == key) else {
                continue;
            };
            let record = example_record(&samples.columns, row, width * 2);
            let at = record
                .get("leidraad_row")
                .and_then(Json::as_u64)
                .unwrap_or(0);
            let list = match place {
                Ok(group) => group_examples.get_mut(*group),
                Err(index) => outside.get_mut(*index).map(|o| &mut o.4),
            };
            if let Some(list) = list {
                list.push((at, record));
            }
        }
    }
    let first = |mut list: Vec<(u64, Json)>| -> Vec<Json> {
        list.sort_by_key(|(at, _)| *at);
        list.into_iter().take(examples).map(|(_, r)| r).collect()
    };
    let change_json = |changes: &Changes| -> Vec<Json> {
        changes
            .iter()
            .map(|(entry, old, new)| json!({"entry": entry, "old": old, "new": new}))
            .collect()
    };
    let groups: Vec<Json> = made
        .groups
        .iter()
        .zip(group_counts)
        .zip(group_examples)
        .enumerate()
        .map(|(index, ((group, n), samples))| {
            let words = |advice: &[leidraad::diff::Advice]| -> Vec<String> {
                advice.iter().map(leidraad::diff::Advice::words).collect()
            };
            json!({
                "group": index + 1,
                "presence": group.presence,
                "description": render::description(group),
                "summary": summary(group),
                "changes": group.changes.iter().map(|c| json!({
                    "entry": c.entry,
                    "label": c.label,
                    "change": c.kind(),
                    "old": words(&c.old),
                    "new": words(&c.new),
                })).collect::<Vec<_>>(),
                "patients": n,
                "examples": first(samples),
            })
        })
        .collect();
    outside.sort_by_key(|o| std::cmp::Reverse(o.3));
    let outside: Vec<Json> = outside
        .into_iter()
        .map(|(old_status, new_status, changes, n, samples)| {
            json!({
                "old_status": old_status,
                "new_status": new_status,
                "changes": change_json(&changes),
                "patients": n,
                "examples": first(samples),
            })
        })
        .collect();
    status_changes.sort_by_key(|s| std::cmp::Reverse(s.2));
    let compare = json!({
        "patients_changed": patients,
        "diff_groups": made.groups.len(),
        "groups": groups,
        "outside_groups": outside,
        "status": status_changes
            .into_iter()
            .map(|(o, n, c)| json!([o, n, c]))
            .collect::<Vec<_>>(),
    });
    if let Some(fields) = out.as_object_mut() {
        fields.insert("compare".to_owned(), compare);
    }
    out
}

/// Rows in no group of the diff: old status, new status, the change, how
/// many, and example rows.
type Outside = (String, String, Changes, u64, Vec<(u64, Json)>);

fn controls_keep(text: &str) -> String {
    leidraad::diagnostics::escape::controls_keep_lines(text).into_owned()
}

fn count(n: u64) -> String {
    group_thousands(usize::try_from(n).unwrap_or(usize::MAX))
}

/// `1 patient`, `2,000 patients`: a count and its noun.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

fn percent(n: u64, of: u64) -> String {
    if of == 0 {
        return "-".to_owned();
    }
    // A percentage to one decimal: f64 is plenty.
    let share = n as f64 * 100.0 / of as f64;
    format!("{share:.1}%")
}

fn render(
    path: &str,
    data: &str,
    compare: Option<&str>,
    result: &Json,
    labels: &[(String, String)],
    markdown: bool,
) -> String {
    let total = result["records"].as_u64().unwrap_or(0);
    let label = |id: &str| {
        labels
            .iter()
            .find(|(entry, _)| entry == id)
            .map_or("", |(_, l)| l.as_str())
            .to_owned()
    };
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        if markdown {
            out.push_str(&format!("\n### {text}\n\n"));
        } else {
            out.push_str(&format!("\n{text}\n"));
        }
    };
    if markdown {
        out.push_str(&format!(
            "## Audit of `{path}` on `{data}`: {}\n",
            counted(total, "record", "records")
        ));
    } else {
        out.push_str(&format!(
            "audit of `{path}` on `{data}`: {}\n",
            counted(total, "record", "records")
        ));
    }
    let versions: Vec<(&str, &str)> = match compare {
        Some(old) => vec![("old", old), ("new", path)],
        None => vec![("new", path)],
    };
    for (key, file) in &versions {
        let version = result
            .pointer(&format!("/versions/{key}"))
            .unwrap_or(&Json::Null);
        if compare.is_some() {
            heading(&mut out, &format!("`{file}`"));
        }
        let status: Vec<String> = version["status"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|pair| {
                format!(
                    "{} {}",
                    pair[0].as_str().unwrap_or(""),
                    count(pair[1].as_u64().unwrap_or(0))
                )
            })
            .collect();
        out.push_str(&format!("records by status: {}\n", status.join(", ")));
        if markdown {
            out.push_str("\n| entry | advice | patients | share |\n|---|---|---:|---:|\n");
        }
        if let Some(entries) = version["entries"].as_object() {
            for (entry, rows) in entries {
                let rows: Vec<(String, u64)> = rows
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| {
                        (
                            r[0].as_str().unwrap_or("").to_owned(),
                            r[1].as_u64().unwrap_or(0),
                        )
                    })
                    .collect();
                // An entry nobody is advised about is left out.
                if rows.iter().all(|(advice, _)| advice == "none") {
                    continue;
                }
                if !markdown {
                    out.push_str(&format!("  {entry} \"{}\"\n", label(entry)));
                }
                for (advice, n) in rows {
                    if markdown {
                        out.push_str(&format!(
                            "| `{entry}` | {advice} | {} | {} |\n",
                            count(n),
                            percent(n, total)
                        ));
                    } else {
                        out.push_str(&format!(
                            "    {advice:<28} {:>12}  {:>6}\n",
                            count(n),
                            percent(n, total)
                        ));
                    }
                }
            }
        }
    }
    if let Some(compared) = result.get("compare") {
        render_compare(&mut out, compared, total, markdown);
    }
    out
}

/// A row as one line of JSON, its NULL fields left out.
/// The first example row of a group, as the report shows it.
fn first_example(group: &Json) -> Option<String> {
    group["examples"]
        .as_array()
        .and_then(|e| e.first())
        .map(example_text)
}

/// A group's changes in one Markdown cell, one per line.
fn markdown_changes(lines: &[(String, String)]) -> String {
    lines
        .iter()
        .map(|(entry, words)| format!("`{entry}`: {}", markdown_escape(words)))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn example_text(example: &Json) -> String {
    let mut e = example.clone();
    if let Some(map) = e.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    e.to_string()
}

/// `entry: old → new` for each change of a group or of rows in no group.
fn change_lines(changes: &Json) -> Vec<(String, String)> {
    let list = |value: &Json| {
        let words: Vec<&str> = value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .collect();
        if words.is_empty() {
            "nothing".to_owned()
        } else {
            words.join(", ")
        }
    };
    changes
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["entry"].as_str().unwrap_or("").to_owned(),
                format!("{} → {}", list(&c["old"]), list(&c["new"])),
            )
        })
        .collect()
}

/// Why rows lie in no group of the diff: a version cannot answer them.
fn outside_reason(old_status: &str, new_status: &str) -> String {
    if old_status == "missing" || new_status == "missing" {
        format!(
            "status {old_status} → {new_status} (the row lacks an input a version needs; the diff's patients answer every input)"
        )
    } else {
        format!("status {old_status} → {new_status}")
    }
}

/// A group's changes, one line per entry, and its example, indented.
fn changes_and_example(
    out: &mut String,
    lines: &[(String, String)],
    example: Option<&str>,
    indent: &str,
) {
    for (entry, words) in lines {
        out.push_str(&format!("{indent}{entry}: {words}\n"));
    }
    if let Some(example) = example {
        out.push_str(&format!("{indent}for example {example}\n"));
    }
}

fn render_compare(out: &mut String, compared: &Json, total: u64, markdown: bool) {
    let changed = compared["patients_changed"].as_u64().unwrap_or(0);
    let groups = compared["diff_groups"].as_u64().unwrap_or(0);
    let title = format!(
        "{} of {} {} different advice; `leidraad diff` finds {}",
        count(changed),
        counted(total, "patient", "patients"),
        if changed == 1 { "gets" } else { "get" },
        if groups == 1 {
            "1 group".to_owned()
        } else {
            format!("{groups} groups")
        }
    );
    if markdown {
        out.push_str(&format!("\n### {}\n\n", markdown_escape(&title)));
        out.push_str(
            "| group | patients | share | who | change | example |\n|---:|---:|---:|---|---|---|\n",
        );
    } else {
        out.push_str(&format!("\n{title}\n"));
    }
    for group in compared["groups"].as_array().into_iter().flatten() {
        let n = group["patients"].as_u64().unwrap_or(0);
        let presence = group["presence"].as_str().unwrap_or("both");
        let mut who = group["summary"].as_str().unwrap_or("").to_owned();
        match presence {
            "only_old" => who.push_str(" (patients of the old version only)"),
            "only_new" => who.push_str(" (patients of the new version only)"),
            _ => {}
        }
        let lines = change_lines(&group["changes"]);
        let example = first_example(group);
        if markdown {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                group["group"],
                count(n),
                percent(n, total),
                markdown_escape(&who),
                markdown_changes(&lines),
                example.map_or_else(String::new, |e| format!("`{e}`"))
            ));
        } else {
            out.push_str(&format!(
                "  group {}: {} ({})\n    who: {who}\n",
                group["group"],
                counted(n, "patient", "patients"),
                percent(n, total)
            ));
            changes_and_example(out, &lines, example.as_deref(), "    ");
        }
    }
    let outside: Vec<&Json> = compared["outside_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if outside.is_empty() {
        return;
    }
    if markdown {
        out.push_str("\nIn no group of the diff:\n\n| status | patients | share | change | example |\n|---|---:|---:|---|---|\n");
    } else {
        out.push_str("  in no group of the diff:\n");
    }
    for row in outside {
        let n = row["patients"].as_u64().unwrap_or(0);
        let reason = outside_reason(
            row["old_status"].as_str().unwrap_or(""),
            row["new_status"].as_str().unwrap_or(""),
        );
        let lines = change_lines(&row["changes"]);
        let example = first_example(row);
        if markdown {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                markdown_escape(&reason),
                count(n),
                percent(n, total),
                markdown_changes(&lines),
                example.map_or_else(String::new, |e| format!("`{e}`"))
            ));
        } else {
            out.push_str(&format!(
                "    {reason}: {} ({})\n",
                counted(n, "patient", "patients"),
                percent(n, total)
            ));
            changes_and_example(out, &lines, example.as_deref(), "      ");
        }
    }
}
