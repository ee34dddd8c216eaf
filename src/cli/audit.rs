//! `leidraad audit FILE --data TABLE [--compare OLD]`: the guideline's SQL
//! (`compile --emit sql`) run on DuckDB over a table of records, counted
//! per recommendation; with `--compare`, the patients whose advice differs
//! between the two versions, per catalogue entry, with examples.
//!
//! DuckDB runs as a subprocess: `python3` with the `duckdb` package (`pip
//! install duckdb`), so that the plain build links no C++ library and
//! builds no faster or slower than before (docs/sql.md says why).

use super::{Status, load_error_free};
use leidraad::diagnostics::escape::{controls, group_thousands};
use leidraad::emit::{self, Dialect, SqlOptions};
use miette::{IntoDiagnostic as _, miette};
use serde_json::{Value as Json, json};
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

/// The DuckDB side: reads the data, runs the queries, counts; prints one
/// JSON document.
const SCRIPT: &str = r#"
import json, sys
try:
    import duckdb
except ImportError:
    print("NO_DUCKDB", file=sys.stderr)
    sys.exit(3)
job = json.load(sys.stdin)
data = job["data"]
con = duckdb.connect()
lower = data.lower()
if lower.endswith(".duckdb") or lower.endswith(".db"):
    con.execute("ATTACH ? AS ld_data (READ_ONLY)", [data])
    source = 'ld_data."%s"' % job["table"].replace('"', '""')
elif lower.endswith(".parquet"):
    source = "read_parquet(?)"
elif lower.endswith(".csv") or lower.endswith(".tsv"):
    source = "read_csv_auto(?)"
else:
    source = "read_json_auto(?)"
params = [] if source.startswith("ld_data") else [data]
con.execute("CREATE TEMP TABLE leidraad_records AS SELECT row_number() OVER () AS leidraad_row, * FROM " + source, params)
total = con.execute("SELECT count(*) FROM leidraad_records").fetchone()[0]
versions = [("new", job["new"])] + ([("old", job["old"])] if job.get("old") else [])
for name, sql in versions:
    con.execute("CREATE TEMP TABLE ld_%s AS %s" % (name, sql))
def q(name):
    return '"%s"' % name.replace('"', '""')
def advice(alias, entry, present):
    if not present:
        return "'none'"
    return "(%s.%s || coalesce(' ' || %s.%s, ''))" % (alias, q(entry), alias, q(entry + "_urgency"))
out = {"records": total, "versions": {}}
for name, _ in versions:
    status = con.execute("SELECT leidraad_status, count(*) FROM ld_%s GROUP BY 1 ORDER BY 2 DESC" % name).fetchall()
    entries = {}
    for entry in job["entries_" + name]:
        rows = con.execute("SELECT %s AS advice, count(*) FROM ld_%s AS n WHERE leidraad_status = 'ok' GROUP BY 1 ORDER BY 2 DESC, 1" % (advice("n", entry, True), name)).fetchall()
        entries[entry] = [[a, c] for a, c in rows]
    out["versions"][name] = {"status": [[s, c] for s, c in status], "entries": entries}
if job.get("old"):
    new_entries, old_entries = job["entries_new"], job["entries_old"]
    both = list(dict.fromkeys(old_entries + new_entries))
    def example_rows(condition):
        rows = con.execute("SELECT r.* FROM ld_old AS o JOIN ld_new AS n USING (leidraad_row) JOIN leidraad_records AS r USING (leidraad_row) WHERE %s ORDER BY leidraad_row LIMIT %d" % (condition, job["examples"])).fetchall()
        names = [d[0] for d in con.description]
        return [{k: (v if isinstance(v, (int, float, str, bool, list, type(None))) else str(v)) for k, v in zip(names, row)} for row in rows]
    changed = []
    status = con.execute("SELECT o.leidraad_status, n.leidraad_status, count(*) FROM ld_old AS o JOIN ld_new AS n USING (leidraad_row) WHERE o.leidraad_status <> n.leidraad_status GROUP BY 1, 2 ORDER BY 3 DESC").fetchall()
    for entry in both:
        old = advice("o", entry, entry in old_entries)
        new = advice("n", entry, entry in new_entries)
        rows = con.execute("SELECT %s, %s, count(*) FROM ld_old AS o JOIN ld_new AS n USING (leidraad_row) WHERE o.leidraad_status = 'ok' AND n.leidraad_status = 'ok' AND %s <> %s GROUP BY 1, 2 ORDER BY 3 DESC" % (old, new, old, new)).fetchall()
        for a, b, c in rows:
            cond = "o.leidraad_status = 'ok' AND n.leidraad_status = 'ok' AND %s = '%s' AND %s = '%s'" % (old, a.replace("'", "''"), new, b.replace("'", "''"))
            changed.append({"entry": entry, "old": a, "new": b, "patients": c, "examples": example_rows(cond)})
    any_change = " OR ".join(["%s <> %s" % (advice("o", e, e in old_entries), advice("n", e, e in new_entries)) for e in both]) or "FALSE"
    patients = con.execute("SELECT count(*) FROM ld_old AS o JOIN ld_new AS n USING (leidraad_row) WHERE o.leidraad_status <> n.leidraad_status OR (o.leidraad_status = 'ok' AND (%s))" % any_change).fetchone()[0]
    out["compare"] = {"patients_changed": patients, "status": [[a, b, c] for a, b, c in status], "changes": changed}
print(json.dumps(out))
"#;

struct Version {
    sql: String,
    entries: Vec<(String, String)>,
}

fn version(path: &str, units: &[(String, String)], color: bool) -> miette::Result<Version> {
    let (sources, checked) = load_error_free(path, "so it is not audited", color)?;
    let Some(lowering) = checked.lowering.as_ref() else {
        return Err(miette!("`{path}` has errors"));
    };
    let options = SqlOptions {
        dialect: Dialect::DuckDb,
        table: "leidraad_records".to_owned(),
        view: None,
        units: units.to_vec(),
        keys: vec!["leidraad_row".to_owned()],
    };
    let sql = emit::sql(&checked.guideline, lowering, &sources, &options)
        .map_err(|error| miette!("{error}"))?;
    let entries = checked
        .guideline
        .entries
        .iter()
        .map(|e| (e.id.clone(), e.label.clone()))
        .collect();
    Ok(Version { sql, entries })
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
    let new = version(path, units, color)?;
    let old = compare.map(|old| version(old, units, color)).transpose()?;
    let names = |v: &Version| {
        v.entries
            .iter()
            .map(|(id, _)| id.clone())
            .collect::<Vec<_>>()
    };
    let job = json!({
        "data": data,
        "table": table,
        "new": new.sql,
        "old": old.as_ref().map(|o| o.sql.clone()),
        "entries_new": names(&new),
        "entries_old": old.as_ref().map(names).unwrap_or_default(),
        "examples": examples,
    });
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
    let labels: Vec<(String, String)> = new
        .entries
        .iter()
        .chain(old.iter().flat_map(|o| o.entries.iter()))
        .cloned()
        .collect();
    let text = match format {
        AuditFormat::Json => {
            let mut document = json!({
                "schema": "leidraad-audit/1",
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
            &labels,
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
        let changed = compared["patients_changed"].as_u64().unwrap_or(0);
        heading(
            &mut out,
            &format!(
                "{} of {} patients get different advice",
                count(changed),
                count(total)
            ),
        );
        for row in compared["status"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  status {} -> {}: {}\n",
                row[0].as_str().unwrap_or(""),
                row[1].as_str().unwrap_or(""),
                count(row[2].as_u64().unwrap_or(0))
            ));
        }
        if markdown {
            out.push_str("\n| entry | old | new | patients | example |\n|---|---|---|---:|---|\n");
        }
        for change in compared["changes"].as_array().into_iter().flatten() {
            let entry = change["entry"].as_str().unwrap_or("");
            let example = change["examples"]
                .as_array()
                .and_then(|e| e.first())
                .map(|e| {
                    let mut e = e.clone();
                    if let Some(map) = e.as_object_mut() {
                        map.retain(|_, v| !v.is_null());
                    }
                    e.to_string()
                })
                .unwrap_or_default();
            let (old, new, n) = (
                change["old"].as_str().unwrap_or(""),
                change["new"].as_str().unwrap_or(""),
                count(change["patients"].as_u64().unwrap_or(0)),
            );
            if markdown {
                out.push_str(&format!(
                    "| `{entry}` | {old} | {new} | {n} | `{example}` |\n"
                ));
            } else {
                out.push_str(&format!(
                    "  {entry}: {old} -> {new}: {n} patients\n    for example {example}\n"
                ));
            }
        }
    }
    out
}
