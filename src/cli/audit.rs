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
use leidraad::emit::{self, Dialect, SqlOptions};
use leidraad::source::Sources;
use miette::{IntoDiagnostic as _, miette};
use serde_json::{Value as Json, json};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    /// Counts for a person at a terminal.
    Human,
    /// Tables for a pull request or a report.
    Markdown,
    /// One JSON document (`"schema": "leidraad-audit/1"`).
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
for statement in job["statements"]:
    con.execute(statement)
def cell(v):
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return int(v) if v == v.to_integral_value() else str(v)
    if isinstance(v, (list, tuple)):
        return [cell(x) for x in v]
    return str(v)
results = []
for query in job["queries"]:
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    results.append({"columns": names, "rows": [[cell(v) for v in row] for row in cursor.fetchall()]})
print(json.dumps({"results": results}))
"#;

/// One query's answer: its column names and rows.
struct Table {
    columns: Vec<String>,
    rows: Vec<Vec<Json>>,
}

/// Runs statements and then queries on DuckDB (`python3` with the `duckdb`
/// package); returns each query's table. `data` names the records in the
/// error messages.
fn duckdb(statements: &[String], queries: &[String], data: &str) -> miette::Result<Vec<Table>> {
    let job = json!({"statements": statements, "queries": queries});
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
    let output = child.wait_with_output().into_diagnostic()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.contains("NO_DUCKDB") {
            return Err(miette!(
                help = "`pip install duckdb` (about 10 seconds), then run the audit again",
                "audit runs the guideline on DuckDB, and python3 has no `duckdb` package"
            ));
        }
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(miette!(
            help = "the table needs one column per input of the guideline, named as in a record (see docs/sql.md)",
            "DuckDB could not audit `{data}`: {}",
            controls(last)
        ));
    }
    let result: Json = serde_json::from_slice(&output.stdout).into_diagnostic()?;
    let tables = result["results"]
        .as_array()
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

/// One version of the guideline: its query and its catalogue.
struct Version {
    sql: String,
    /// `(id, label)` of each catalogue entry.
    entries: Vec<(String, String)>,
}

fn version(
    file: &CheckedFile,
    sources: &Sources,
    units: &[(String, String)],
) -> miette::Result<Version> {
    let Some(lowering) = file.lowering.as_ref() else {
        return Err(miette!("a version has errors"));
    };
    let options = SqlOptions {
        dialect: Dialect::DuckDb,
        table: "leidraad_records".to_owned(),
        view: None,
        units: units.to_vec(),
        keys: vec!["leidraad_row".to_owned()],
    };
    let sql = emit::sql(&file.guideline, lowering, sources, &options)
        .map_err(|error| miette!("{error}"))?;
    let entries = file
        .guideline
        .entries
        .iter()
        .map(|e| (e.id.clone(), e.label.clone()))
        .collect();
    Ok(Version { sql, entries })
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
    /// column `ld_eI` holds entry `I`'s advice in each version's table.
    entries: Vec<(String, String)>,
}

/// How the records are read: the relation, after the statements that
/// make it readable.
fn relation(data: &str, table: &str, statements: &mut Vec<String>) -> String {
    let lower = data.to_lowercase();
    if lower.ends_with(".duckdb") || lower.ends_with(".db") {
        statements.push(format!("ATTACH {} AS ld_data (READ_ONLY)", literal(data)));
        format!("ld_data.{}", ident(table))
    } else if lower.ends_with(".parquet") {
        format!("read_parquet({})", literal(data))
    } else if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        format!("read_csv_auto({})", literal(data))
    } else {
        format!("read_json_auto({})", literal(data))
    }
}

fn plan(data: &str, table: &str, new: &Version, old: Option<&Version>, examples: usize) -> Plan {
    let mut statements = Vec::new();
    let source = relation(data, table, &mut statements);
    statements.push(format!(
        "CREATE TEMP TABLE leidraad_records AS SELECT row_number() OVER () AS leidraad_row, * FROM {source}"
    ));
    let mut entries: Vec<(String, String)> = new.entries.clone();
    for entry in old.iter().flat_map(|o| o.entries.iter()) {
        if !entries.iter().any(|(id, _)| *id == entry.0) {
            entries.push(entry.clone());
        }
    }
    let versions: Vec<(&str, &Version)> = std::iter::once(("new", new))
        .chain(old.map(|o| ("old", o)))
        .collect();
    let mut queries = vec!["SELECT count(*) FROM leidraad_records".to_owned()];
    for (name, version) in &versions {
        // Per entry, the advice as one text ('' for none), so that the
        // versions compare column by column.
        let columns: Vec<String> = entries
            .iter()
            .enumerate()
            .map(|(index, (id, _))| {
                if version.entries.iter().any(|(own, _)| own == id) {
                    format!(
                        "COALESCE(q.{}, '') AS ld_e{index}",
                        ident(&format!("{id}_advice"))
                    )
                } else {
                    format!("'' AS ld_e{index}")
                }
            })
            .collect();
        let mut select = vec!["leidraad_row".to_owned(), "leidraad_status".to_owned()];
        select.extend(columns);
        statements.push(format!(
            "CREATE TEMP TABLE ld_{name} AS SELECT {} FROM (\n{}\n) AS q",
            select.join(", "),
            version.sql
        ));
        queries.push(format!(
            "SELECT leidraad_status, count(*) FROM ld_{name} GROUP BY 1 ORDER BY 2 DESC, 1"
        ));
        let per_entry: Vec<String> = version
            .entries
            .iter()
            .filter_map(|(id, _)| entries.iter().position(|(e, _)| e == id))
            .map(|index| {
                format!(
                    "SELECT {index} AS entry, ld_e{index} AS advice, count(*) AS n FROM ld_{name} WHERE leidraad_status = 'ok' GROUP BY 2"
                )
            })
            .collect();
        if per_entry.is_empty() {
            queries.push("SELECT 0 AS entry, '' AS advice, 0 AS n WHERE FALSE".to_owned());
        } else {
            queries.push(format!(
                "SELECT * FROM ({}) ORDER BY 1, 3 DESC, 2",
                per_entry.join(" UNION ALL ")
            ));
        }
    }
    if old.is_some() {
        // The rows whose status or advice differs: per entry the old and
        // the new advice where they differ (NULL where they agree).
        let both_ok = "o.leidraad_status = 'ok' AND n.leidraad_status = 'ok'";
        let mut columns = vec![
            "leidraad_row".to_owned(),
            "o.leidraad_status AS ld_old_status".to_owned(),
            "n.leidraad_status AS ld_new_status".to_owned(),
        ];
        let mut keys = vec!["ld_old_status".to_owned(), "ld_new_status".to_owned()];
        let mut differs = Vec::new();
        for index in 0..entries.len() {
            let cell = format!("o.ld_e{index} <> n.ld_e{index}");
            for side in ["o", "n"] {
                columns.push(format!(
                    "CASE WHEN {both_ok} AND {cell} THEN {side}.ld_e{index} END AS ld_{side}{index}"
                ));
                keys.push(format!("ld_{side}{index}"));
            }
            differs.push(cell);
        }
        let differs = if differs.is_empty() {
            "FALSE".to_owned()
        } else {
            differs.join(" OR ")
        };
        statements.push(format!(
            "CREATE TEMP TABLE ld_changed AS SELECT {} FROM ld_old AS o JOIN ld_new AS n USING (leidraad_row) WHERE o.leidraad_status <> n.leidraad_status OR ({both_ok} AND ({differs}))",
            columns.join(", ")
        ));
        let keys = keys.join(", ");
        queries.push(format!(
            "SELECT {keys}, count(*) AS n FROM ld_changed GROUP BY {keys} ORDER BY n DESC"
        ));
        queries.push(format!(
            "SELECT {keys}, r.* FROM ld_changed AS c JOIN leidraad_records AS r USING (leidraad_row) QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY leidraad_row) <= {examples} ORDER BY leidraad_row"
        ));
    }
    Plan {
        statements,
        queries,
        entries,
    }
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
    let new = version(new_file, &sources, units)?;
    let old = old_file
        .map(|file| version(file, &sources, units))
        .transpose()?;
    // The groups of `leidraad diff OLD NEW`, which the changed rows are
    // counted under.
    let made = match (old_file.and_then(CheckedFile::valid), new_file.valid()) {
        (Some(o), Some(n)) => Some(
            diff(o, n, &DiffOptions::default()).map_err(|error| match error {
                DiffError::Budget(message) => miette!(
                    help = "`leidraad diff` with a larger `--max-boxes` says how large it is",
                    "the two versions could not be compared: {message}"
                ),
                other => miette!("{other}"),
            })?,
        ),
        _ => None,
    };
    let plan = plan(data, table, &new, old.as_ref(), examples);
    let tables = duckdb(&plan.statements, &plan.queries, data)?;
    let result = report(&tables, &plan, &new, old.as_ref(), made.as_ref(), examples);
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

/// The audit's answer as JSON (the `--format json` document, without its
/// header), from the engine's tables.
fn report(
    tables: &[Table],
    plan: &Plan,
    new: &Version,
    old: Option<&Version>,
    made: Option<&Diff>,
    examples: usize,
) -> Json {
    let number = |value: &Json| value.as_u64().unwrap_or(0);
    let text = |value: &Json| value.as_str().unwrap_or("").to_owned();
    let total = tables
        .first()
        .and_then(|t| t.rows.first())
        .and_then(|r| r.first())
        .map_or(0, number);
    let mut out = json!({"records": total, "versions": {}});
    let names: Vec<(&str, &Version)> = std::iter::once(("new", new))
        .chain(old.map(|o| ("old", o)))
        .collect();
    for (position, (name, _)) in names.iter().enumerate() {
        let status: Vec<Json> = tables
            .get(1 + position * 2)
            .map(|t| t.rows.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|r| json!([text(&r[0]), number(&r[1])]))
            .collect();
        let mut entries = serde_json::Map::new();
        for row in tables
            .get(2 + position * 2)
            .map(|t| t.rows.as_slice())
            .unwrap_or_default()
        {
            let index = usize::try_from(number(&row[0])).unwrap_or(usize::MAX);
            let Some((id, _)) = plan.entries.get(index) else {
                continue;
            };
            let advice = text(&row[1]);
            let advice = if advice.is_empty() {
                "none".to_owned()
            } else {
                advice
            };
            if let Some(list) = entries
                .entry(id.clone())
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                list.push(json!([advice, number(&row[2])]));
            }
        }
        out["versions"][*name] = json!({"status": status, "entries": entries});
    }
    let (Some(made), Some(counts), Some(samples)) = (
        made,
        tables.get(1 + names.len() * 2),
        tables.get(2 + names.len() * 2),
    ) else {
        return out;
    };
    // Each distinct change (statuses and per-entry advice) with its count.
    let width = 2 + plan.entries.len() * 2;
    let changes_of = |row: &[Json]| -> Changes {
        plan.entries
            .iter()
            .enumerate()
            .filter_map(|(index, (id, _))| {
                let old = row.get(2 + index * 2)?.as_str()?;
                let new = row.get(3 + index * 2)?.as_str()?;
                Some((id.clone(), advice_set(old), advice_set(new)))
            })
            .collect()
    };
    let mut group_counts: Vec<u64> = vec![0; made.groups.len()];
    let mut group_examples: Vec<Vec<(u64, Json)>> = vec![Vec::new(); made.groups.len()];
    // Rows in no group: per (old status, new status, changes).
    let mut outside: Vec<(String, String, Changes, u64, Vec<(u64, Json)>)> = Vec::new();
    let mut status_changes: Vec<(String, String, u64)> = Vec::new();
    let mut patients = 0;
    let key_of = |row: &[Json]| row.get(..width).map(<[Json]>::to_vec).unwrap_or_default();
    let mut place_of: Vec<(Vec<Json>, Result<usize, usize>)> = Vec::new();
    for row in &counts.rows {
        let (old_status, new_status) = (text(&row[0]), text(&row[1]));
        let n = row.get(width).map_or(0, number);
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
        let changes = changes_of(row);
        let place = match group_of(made, &old_status, &new_status, &changes) {
            Some(group) => {
                if let Some(cell) = group_counts.get_mut(group) {
                    *cell += n;
                }
                Ok(group)
            }
            None => {
                outside.push((old_status, new_status, changes, n, Vec::new()));
                Err(outside.len() - 1)
            }
        };
        place_of.push((key_of(row), place));
    }
    for row in &samples.rows {
        let key = key_of(row);
        let Some((_, place)) = place_of.iter().find(|(k, _)| *k == key) else {
            continue;
        };
        let record = example_record(&samples.columns, row, width);
        let at = record["leidraad_row"].as_u64().unwrap_or(0);
        let list = match place {
            Ok(group) => group_examples.get_mut(*group),
            Err(index) => outside.get_mut(*index).map(|o| &mut o.4),
        };
        if let Some(list) = list {
            list.push((at, record));
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
    out["compare"] = json!({
        "patients_changed": patients,
        "diff_groups": made.groups.len(),
        "groups": groups,
        "outside_groups": outside,
        "status": status_changes
            .into_iter()
            .map(|(o, n, c)| json!([o, n, c]))
            .collect::<Vec<_>>(),
    });
    out
}

fn controls_keep(text: &str) -> String {
    leidraad::diagnostics::escape::controls_keep_lines(text).into_owned()
}

fn count(n: u64) -> String {
    group_thousands(usize::try_from(n).unwrap_or(usize::MAX))
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
            "## Audit of `{path}` on `{data}`: {} records\n",
            count(total)
        ));
    } else {
        out.push_str(&format!(
            "audit of `{path}` on `{data}`: {} records\n",
            count(total)
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

fn render_compare(out: &mut String, compared: &Json, total: u64, markdown: bool) {
    let changed = compared["patients_changed"].as_u64().unwrap_or(0);
    let groups = compared["diff_groups"].as_u64().unwrap_or(0);
    let title = format!(
        "{} of {} patients get different advice; `leidraad diff` finds {}",
        count(changed),
        count(total),
        if groups == 1 {
            "1 group".to_owned()
        } else {
            format!("{groups} groups")
        }
    );
    if markdown {
        out.push_str(&format!("\n### {}\n\n", markdown_escape(&title)));
        out.push_str("| group | patients | share | who | change | example |\n|---:|---:|---:|---|---|---|\n");
    } else {
        out.push_str(&format!("\n{title}\n"));
    }
    for group in compared["groups"].as_array().into_iter().flatten() {
        let n = group["patients"].as_u64().unwrap_or(0);
        let presence = group["presence"].as_str().unwrap_or("both");
        let mut who = group["description"].as_str().unwrap_or("").to_owned();
        match presence {
            "only_old" => who.push_str(" (patients of the old version only)"),
            "only_new" => who.push_str(" (patients of the new version only)"),
            _ => {}
        }
        let lines = change_lines(&group["changes"]);
        let example = group["examples"]
            .as_array()
            .and_then(|e| e.first())
            .map(example_text);
        if markdown {
            let changes: Vec<String> = lines
                .iter()
                .map(|(entry, words)| format!("`{entry}`: {}", markdown_escape(words)))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                group["group"],
                count(n),
                percent(n, total),
                markdown_escape(&who),
                changes.join("<br>"),
                example.map_or_else(String::new, |e| format!("`{e}`"))
            ));
        } else {
            out.push_str(&format!(
                "  group {}: {} patients ({})\n    who: {who}\n",
                group["group"],
                count(n),
                percent(n, total)
            ));
            for (entry, words) in &lines {
                out.push_str(&format!("    {entry}: {words}\n"));
            }
            if let Some(example) = example {
                out.push_str(&format!("    for example {example}\n"));
            }
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
        let example = row["examples"]
            .as_array()
            .and_then(|e| e.first())
            .map(example_text);
        if markdown {
            let changes: Vec<String> = lines
                .iter()
                .map(|(entry, words)| format!("`{entry}`: {}", markdown_escape(words)))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                markdown_escape(&reason),
                count(n),
                percent(n, total),
                changes.join("<br>"),
                example.map_or_else(String::new, |e| format!("`{e}`"))
            ));
        } else {
            out.push_str(&format!(
                "    {reason}: {} patients ({})\n",
                count(n),
                percent(n, total)
            ));
            for (entry, words) in &lines {
                out.push_str(&format!("      {entry}: {words}\n"));
            }
            if let Some(example) = example {
                out.push_str(&format!("      for example {example}\n"));
            }
        }
    }
}
