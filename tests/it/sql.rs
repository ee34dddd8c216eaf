//! `leidraad compile --emit sql` agrees with `leidraad eval --batch
//! --reference` on every record: the SQL runs on DuckDB (the Python
//! `duckdb` package, driven from here through `python3`), and each row's
//! status, named inputs, fired rules and advice are compared with the
//! binary's answer for the same record.
//!
//! Records come from random value classes (`Lowering::witness_record`),
//! some with fields left out, for the bundled guidelines and two generated
//! ones. A table cell is NULL where the record leaves the field out, or,
//! for an `or unknown` input, where the record says `null` (not known):
//! the two records are written so that they mean the same
//! (`docs/sql.md`). Numbers are written as exact decimals and read into a
//! DECIMAL column. Size: `LEIDRAAD_SQL_RECORDS` records per guideline
//! (default 3,000 times `LEIDRAAD_TEST_SCALE`).
//!
//! Without `python3 -c "import duckdb"` the test says so and passes,
//! except under CI (`CI` set, as `.ci/run` does), where it fails:
//! `.ci/run` installs the package.

use crate::support;
use leidraad::check::{CheckOptions, check_using};
use leidraad::logic::generate::SplitMix64;
use leidraad::model::Type;
use leidraad::model::record::read_record;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use crate::eval_agrees::synth;

const SQL_RECORDS: u64 = 3_000;

fn records_per_guideline() -> usize {
    support::cases("LEIDRAAD_SQL_RECORDS", SQL_RECORDS) as usize
}

/// Whether the Python `duckdb` package can be imported; under CI its
/// absence is a failure.
fn have_python_module(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 cannot import `{module}`: `pip install {module}` (.ci/run does)"
        );
        eprintln!("SKIPPED: python3 cannot import `{module}` (pip install {module})");
    }
    ok
}

/// The exact decimal text of a number with a finite decimal expansion.
fn decimal(numer: i128, denom: i128) -> Option<String> {
    let (mut numer, mut denom, mut scale) = (numer, denom, 0usize);
    while denom != 1 {
        if denom % 10 == 0 {
            denom /= 10;
        } else if denom % 2 == 0 {
            denom /= 2;
            numer *= 5;
        } else if denom % 5 == 0 {
            denom /= 5;
            numer *= 2;
        } else {
            return None;
        }
        scale += 1;
    }
    let digits = numer.unsigned_abs().to_string();
    let sign = if numer < 0 { "-" } else { "" };
    Some(if scale == 0 {
        format!("{sign}{digits}")
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        format!("{sign}{whole}.{fraction}")
    } else {
        format!("{sign}0.{}{digits}", "0".repeat(scale - digits.len()))
    })
}

/// What one row (or one `eval` result) says, in one comparable form.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Answer {
    pub(crate) status: String,
    /// Missing inputs, or the invalid field; empty otherwise.
    pub(crate) fields: Vec<String>,
    pub(crate) fired: String,
    pub(crate) advice: String,
}

pub(crate) fn answer_of_eval(line: &Json) -> Answer {
    if let Some(errors) = line.get("errors").and_then(Json::as_array) {
        let field = |e: &Json| e["field"].as_str().unwrap_or_default().to_owned();
        // By the language-independent `reason`: the SQL's status for it.
        let status_of = |e: &Json| match e["reason"].as_str() {
            Some("missing" | "not_known") => "missing",
            Some("contradiction" | "not_asked") => "contradiction",
            Some("invalid" | "unknown_field") => "invalid",
            other => panic!("an error without a known reason: {other:?} in {e}"),
        };
        let status = if errors.iter().all(|e| status_of(e) == "missing") {
            "missing"
        } else if errors.iter().any(|e| status_of(e) == "contradiction") {
            "contradiction"
        } else {
            "invalid"
        };
        let mut fields: Vec<String> = errors.iter().map(field).filter(|f| !f.is_empty()).collect();
        if status == "invalid" {
            fields.truncate(1);
        }
        return Answer {
            status: status.to_owned(),
            fields,
            fired: String::new(),
            advice: String::new(),
        };
    }
    let fired: Vec<&str> = line["fired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let advice: Vec<String> = line["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut text = format!(
                "{} {}",
                r["kind"].as_str().unwrap(),
                r["target"].as_str().unwrap()
            );
            if let Some(u) = r.get("urgency").and_then(Json::as_str) {
                text.push_str(&format!(" {u}"));
            }
            if let Some(i) = r.get("instead").and_then(Json::as_str) {
                text.push_str(&format!(" instead {i}"));
            }
            if let Some(p) = r.get("replaces").and_then(Json::as_str) {
                text.push_str(&format!(" replacing {p}"));
            }
            text.push_str(&format!(" by {}", r["rule"].as_str().unwrap()));
            text
        })
        .collect();
    Answer {
        status: "ok".to_owned(),
        fields: Vec::new(),
        fired: fired.join(", "),
        advice: advice.join("; "),
    }
}

/// Per entry, each distinct advice `kind [urgency] [instead X]` of an
/// `eval` result, as the `ENTRY_advice` columns list it.
fn entry_advice_of_eval(line: &Json) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for r in line["recommendations"].as_array().into_iter().flatten() {
        let mut words = r["kind"].as_str().unwrap().to_owned();
        if let Some(u) = r.get("urgency").and_then(Json::as_str) {
            words.push_str(&format!(" {u}"));
        }
        if let Some(i) = r.get("instead").and_then(Json::as_str) {
            words.push_str(&format!(" instead {i}"));
        }
        out.entry(r["target"].as_str().unwrap().to_owned())
            .or_default()
            .insert(words);
    }
    out
}

/// The `ENTRY_advice` columns of a row, each split into its advice (a
/// list without repeats).
fn entry_advice_of_row(row: &Json) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (column, value) in row.as_object().unwrap() {
        let (Some(entry), Some(text)) = (column.strip_suffix("_advice"), value.as_str()) else {
            continue;
        };
        if column == "leidraad_advice" || text.is_empty() {
            continue;
        }
        let list: Vec<String> = text.split(", ").map(str::to_owned).collect();
        let set: std::collections::BTreeSet<String> = list.iter().cloned().collect();
        assert_eq!(set.len(), list.len(), "{column} repeats an advice: {text}");
        out.insert(entry.to_owned(), set);
    }
    out
}

fn answer_of_row(row: &Json) -> Answer {
    let text = |key: &str| row.get(key).and_then(Json::as_str).unwrap_or("").to_owned();
    let status = text("leidraad_status");
    let fields = if status == "missing" || status == "invalid" {
        text("leidraad_problem")
            .split(", ")
            .map(str::to_owned)
            .collect()
    } else {
        Vec::new()
    };
    Answer {
        status,
        fields,
        fired: text("leidraad_fired"),
        advice: text("leidraad_advice"),
    }
}

/// Runs `sql` on DuckDB over the table written to `table` (JSON lines, the
/// numbers as text) with the given column types, and returns the rows by
/// `record_line`.
fn run_duckdb(dir: &Path, sql: &str, columns: &[(String, String)]) -> BTreeMap<u64, Json> {
    run_duckdb_selecting(
        dir,
        sql,
        columns,
        "record_line, leidraad_status, leidraad_problem, leidraad_fired, leidraad_advice, COLUMNS(lambda c: ends_with(c, '_advice') AND c <> 'leidraad_advice')",
    )
}

/// Runs the DuckDB text over the generated table, keeping `select`.
fn run_duckdb_selecting(
    dir: &Path,
    sql: &str,
    columns: &[(String, String)],
    select: &str,
) -> BTreeMap<u64, Json> {
    let script = r#"
import duckdb, json, sys
dir = sys.argv[1]
columns = json.load(open(dir + "/columns.json"))
con = duckdb.connect()
types = ", ".join("'%s': '%s'" % (name, "VARCHAR" if kind.startswith("DECIMAL") else kind) for name, kind in columns)
select = ", ".join('CAST("%s" AS %s) AS "%s"' % (n, k, n) if k.startswith("DECIMAL") else '"%s"' % n for n, k in columns)
con.execute("CREATE TABLE records AS SELECT %s FROM read_json('%s/table.jsonl', columns={%s}, format='newline_delimited')" % (select, dir, types))
query = open(dir + "/query.sql").read()
con.execute("COPY (SELECT %s FROM (%s)) TO '%s/rows.jsonl' (FORMAT JSON)" % (open(dir + "/select.sql").read(), query, dir))
"#;
    std::fs::write(dir.join("query.sql"), sql).unwrap();
    std::fs::write(dir.join("select.sql"), select).unwrap();
    std::fs::write(
        dir.join("columns.json"),
        serde_json::to_string(columns).unwrap(),
    )
    .unwrap();
    run_python(dir, script, "duckdb", "rows.jsonl")
}

/// A number column given in another unit: `(input, unit, num, den)`, the
/// cell being the value in the input's unit times `num / den`.
type ColumnUnit<'a> = (&'a str, &'a str, i128, i128);

/// Runs the Spark text on a local Spark session (`pyspark`, Java 17) over
/// the same table; rows by `record_line`.
fn run_spark(dir: &Path, sql: &str) -> BTreeMap<u64, Json> {
    let script = r#"
import json, sys
from pyspark.sql import SparkSession
from pyspark.sql.types import StructType, StructField, StringType, BooleanType, LongType, ArrayType
dir = sys.argv[1]
columns = json.load(open(dir + "/columns.json"))
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
def kind(k):
    if k == "BOOLEAN": return BooleanType()
    if k == "BIGINT": return LongType()
    if k == "VARCHAR[]": return ArrayType(StringType())
    return StringType()
schema = StructType([StructField(n, kind(k)) for n, k in columns])
raw = spark.read.schema(schema).json(dir + "/table.jsonl")
raw.createOrReplaceTempView("ld_raw")
select = ", ".join("CAST(`%s` AS %s) AS `%s`" % (n, k, n) if k.startswith("DECIMAL") else "`%s`" % n for n, k in columns)
spark.sql("SELECT %s FROM ld_raw" % select).createOrReplaceTempView("records")
query = open(dir + "/spark.sql").read()
rows = spark.sql("SELECT record_line, leidraad_status, leidraad_problem, leidraad_fired, leidraad_advice FROM (%s) AS q" % query)
with open(dir + "/spark_rows.jsonl", "w") as out:
    for row in rows.toLocalIterator():
        out.write(json.dumps(row.asDict()) + "\n")
"#;
    std::fs::write(dir.join("spark.sql"), sql).unwrap();
    run_python(dir, script, "spark", "spark_rows.jsonl")
}

/// Runs a Python `script` on `dir` and reads the rows it wrote to `rows`
/// (JSON lines), by `record_line`.
fn run_python(dir: &Path, script: &str, engine: &str, rows: &str) -> BTreeMap<u64, Json> {
    let ran = Command::new("python3")
        .args(["-c", script, dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        ran.status.success(),
        "{engine} failed: {}",
        support::clip(&String::from_utf8_lossy(&ran.stderr))
    );
    let rows = std::fs::read_to_string(dir.join(rows)).unwrap();
    rows.lines()
        .map(|line| {
            let row: Json = serde_json::from_str(line).unwrap();
            (row["record_line"].as_u64().unwrap(), row)
        })
        .collect()
}

fn agree_on(path: &str, text: &str, units: &[ColumnUnit<'_>]) {
    if !have_python_module("duckdb") {
        return;
    }
    let folder = support::root().join(Path::new(path).parent().unwrap_or(Path::new("")));
    let (sources, file, uses) = support::load_with_uses(path, text, &folder);
    let options = CheckOptions {
        analyses: false,
        ..CheckOptions::default()
    };
    let result = check_using(&sources, &uses, &[file], &options);
    assert_eq!(result.error_count(), 0, "{path} has errors");
    let checked = &result.files[0];
    let guideline = &checked.guideline;
    let lowering = checked.lowering.as_ref().unwrap();
    let sizes = lowering.problem.var_sizes.clone();
    let dir = std::env::temp_dir().join(
        format!(
            "leidraad-sql-{}-{}",
            std::process::id(),
            path.replace(['/', ' ', '.'], "_"),
        ) + &format!("-{}", units.len()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    // The guideline as a file the binary reads (generated ones have none).
    let guideline_path = if support::root().join(path).exists() {
        support::root().join(path)
    } else {
        let written = dir.join("guideline.leidraad");
        std::fs::write(&written, text).unwrap();
        written
    };
    let mut rng = SplitMix64::new(0x5e1_da7a);
    let mut eval_lines = Vec::new();
    let mut table_lines = Vec::new();
    let mut scale = 0usize;
    let mut skipped = 0usize;
    let target = records_per_guideline();
    while eval_lines.len() < target {
        let classes: Vec<u32> = sizes
            .iter()
            .map(|&size| rng.below(u64::from(size)) as u32)
            .collect();
        let witness = lowering.witness_record(guideline, &classes);
        let Ok(read) = read_record(guideline, &witness) else {
            skipped += 1;
            continue;
        };
        let thin = rng.chance(40);
        let mut record = Map::new();
        let mut row = Map::new();
        let mut exact = true;
        for (index, input) in guideline.inputs.iter().enumerate() {
            let given = witness.get(&input.id);
            // Left out: a NULL cell; for `or unknown`, a null (not known).
            let left_out = given.is_none() || (thin && rng.below(4) == 0);
            if left_out {
                if input.admits_unknown {
                    record.insert(input.id.clone(), Json::Null);
                }
                row.insert(input.id.clone(), Json::Null);
                continue;
            }
            let given = given.unwrap();
            let (cell, value) = match (&input.ty, &read.values[index]) {
                (_, Some(leidraad::model::Value::Unknown)) => (Json::Null, Json::Null),
                (Type::Number { .. }, Some(leidraad::model::Value::Number(n))) => {
                    let (num, den) = units
                        .iter()
                        .find(|(id, ..)| *id == input.id)
                        .map_or((1, 1), |(_, _, num, den)| (*num, *den));
                    match (
                        decimal(n.numer(), n.denom()),
                        decimal(n.numer() * num, n.denom() * den),
                    ) {
                        (Some(text), Some(cell)) => {
                            let fraction = cell.split('.').nth(1).map_or(0, str::len);
                            scale = scale.max(fraction);
                            (
                                Json::String(cell),
                                serde_json::from_str::<Json>(&text).unwrap(),
                            )
                        }
                        _ => {
                            exact = false;
                            (Json::Null, Json::Null)
                        }
                    }
                }
                _ => (given.clone(), given.clone()),
            };
            record.insert(input.id.clone(), value);
            row.insert(input.id.clone(), cell);
        }
        // Now and then a value the record reader refuses, in one field.
        if rng.chance(2) {
            let input = &guideline.inputs[rng.index(guideline.inputs.len())];
            let bad = match &input.ty {
                Type::OneOf(_) => Some((json!("bogus_value"), json!("bogus_value"))),
                // Not a member, a member twice, a member and a stranger, a
                // null item: the reader refuses each, and so must the SQL.
                Type::AnyOf(members) => {
                    let member = &members[rng.index(members.len())];
                    let list = match rng.below(4) {
                        0 => json!(["bogus_value"]),
                        1 => json!([member, member]),
                        2 => json!([member, "bogus_value"]),
                        _ => json!([member, null]),
                    };
                    Some((list.clone(), list))
                }
                Type::Number { hi, .. } if !units.iter().any(|(id, ..)| *id == input.id) => {
                    let above = decimal(hi.numer() + hi.denom(), hi.denom()).unwrap();
                    Some((
                        Json::String(above.clone()),
                        serde_json::from_str::<Json>(&above).unwrap(),
                    ))
                }
                _ => None,
            };
            if let Some((cell, value)) = bad {
                record.insert(input.id.clone(), value);
                row.insert(input.id.clone(), cell);
            }
        }
        if !exact {
            // No exact decimal in the input's unit: not a table cell.
            skipped += 1;
            continue;
        }
        row.insert("record_line".to_owned(), json!(eval_lines.len() + 1));
        eval_lines.push(Json::Object(record).to_string());
        table_lines.push(Json::Object(row).to_string());
    }
    // A few values the record reader refuses, one field at a time.
    let mut columns: Vec<(String, String)> = vec![("record_line".to_owned(), "BIGINT".to_owned())];
    for input in &guideline.inputs {
        let kind = match &input.ty {
            Type::YesNo => "BOOLEAN".to_owned(),
            Type::OneOf(_) => "VARCHAR".to_owned(),
            Type::AnyOf(_) => "VARCHAR[]".to_owned(),
            Type::Number { .. } => format!("DECIMAL(38,{})", scale.max(1)),
        };
        columns.push((input.id.clone(), kind));
    }
    let batch = dir.join("records.jsonl");
    let mut out = std::fs::File::create(&batch).unwrap();
    for line in &eval_lines {
        writeln!(out, "{line}").unwrap();
    }
    std::fs::write(dir.join("table.jsonl"), table_lines.join("\n") + "\n").unwrap();

    let mut args = vec![
        "compile".to_owned(),
        guideline_path.to_string_lossy().into_owned(),
        "--emit".to_owned(),
        "sql".to_owned(),
        "--key".to_owned(),
        "record_line".to_owned(),
    ];
    for (input, unit, ..) in units {
        args.push("--unit".to_owned());
        args.push(format!("{input}={unit}"));
    }
    let compiled = support::run(support::leidraad(&args));
    assert_eq!(compiled.status, 0, "{}", compiled.stderr_lossy());
    let rows = run_duckdb(&dir, &compiled.stdout_lossy(), &columns);
    // The form `audit` counts by: per entry a code whose bits are the
    // legend's advice; decoded, it must be the row's `ENTRY_advice`.
    let options = leidraad::emit::SqlOptions {
        dialect: leidraad::emit::Dialect::DuckDb,
        table: "records".to_owned(),
        view: None,
        units: units
            .iter()
            .map(|(input, unit, ..)| ((*input).to_owned(), (*unit).to_owned()))
            .collect(),
        keys: vec!["record_line".to_owned()],
        form: leidraad::emit::SqlForm::Codes,
    };
    let coded = leidraad::emit::sql(guideline, lowering, &sources, &options).unwrap();
    let legend = leidraad::emit::advice_legend(guideline, lowering);
    let code_rows = run_duckdb_selecting(
        &dir,
        &coded,
        &columns,
        "record_line, leidraad_status, COLUMNS(lambda c: ends_with(c, '_code'))",
    );
    assert_eq!(code_rows.len(), rows.len());
    for (number, row) in &rows {
        let coded = &code_rows[number];
        assert_eq!(coded["leidraad_status"], row["leidraad_status"]);
        for (entry, texts) in guideline.entries.iter().zip(&legend) {
            let code = coded[format!("{}_code", entry.id).as_str()].as_u64();
            let decoded: Option<Vec<&str>> = code.map(|code| {
                texts
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| code >> bit & 1 == 1)
                    .map(|(_, text)| text.as_str())
                    .collect()
            });
            assert_eq!(
                decoded.map(|d| d.join(", ")).as_deref(),
                row[format!("{}_advice", entry.id).as_str()].as_str(),
                "{path}: record {number}, {}_code {code:?}",
                entry.id
            );
        }
    }
    // `LEIDRAAD_SPARK=1`: the Spark text on a local Spark session too.
    let spark_rows = std::env::var_os("LEIDRAAD_SPARK").map(|_| {
        let mut spark_args = args.clone();
        spark_args.extend(["--dialect".to_owned(), "spark".to_owned()]);
        let compiled = support::run(support::leidraad(&spark_args));
        assert_eq!(compiled.status, 0, "{}", compiled.stderr_lossy());
        let started = std::time::Instant::now();
        let rows = run_spark(&dir, &compiled.stdout_lossy());
        eprintln!(
            "{path}: Spark ran {} rows in {:.1?}",
            rows.len(),
            started.elapsed()
        );
        rows
    });

    let evaluated = support::run(support::leidraad([
        "eval",
        guideline_path.to_str().unwrap(),
        "--batch",
        batch.to_str().unwrap(),
        "--reference",
    ]));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for line in evaluated.stdout_lossy().lines() {
        let result: Json = serde_json::from_str(line).unwrap();
        let number = result["line"].as_u64().unwrap();
        let expected = answer_of_eval(&result);
        let row = rows
            .get(&number)
            .unwrap_or_else(|| panic!("no row {number}"));
        let got = answer_of_row(row);
        assert_eq!(
            got,
            expected,
            "{path}: record {number} {}\nrow {row}",
            eval_lines[number as usize - 1]
        );
        assert_eq!(
            entry_advice_of_row(row),
            entry_advice_of_eval(&result),
            "{path}: record {number}, the ENTRY_advice columns\nrow {row}"
        );
        if let Some(spark_rows) = &spark_rows {
            let row = spark_rows
                .get(&number)
                .unwrap_or_else(|| panic!("no Spark row {number}"));
            assert_eq!(
                answer_of_row(row),
                expected,
                "{path}: Spark, record {number}"
            );
        }
        *counts.entry(expected.status).or_default() += 1;
    }
    assert_eq!(counts.values().sum::<usize>(), target);
    // The generator must reach answered patients, or the test proves little.
    assert!(
        counts.get("ok").copied().unwrap_or(0) > target / 20,
        "{path}: {counts:?}"
    );
    eprintln!(
        "{path}: {target} rows agree ({counts:?}; {skipped} records without an exact decimal skipped)"
    );
    // `LEIDRAAD_SQL_KEEP=1` keeps the table, the records and the query for
    // a benchmark (docs/performance.md).
    if std::env::var_os("LEIDRAAD_SQL_KEEP").is_some() {
        eprintln!("{path}: kept {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir).ok();
    }
}

fn agree_on_bundled(name: &str) {
    let path = format!("guidelines/{name}");
    let text = std::fs::read_to_string(support::root().join(&path)).unwrap();
    agree_on(&path, &text, &[]);
}

/// Number columns in other units than the guideline's, converted in SQL.
#[test]
fn columns_in_other_units_sql_agrees_with_eval() {
    let read = |path: &str| std::fs::read_to_string(support::root().join(path)).unwrap();
    // Minutes and seconds for hours and minutes: whole factors.
    let path = "guidelines/nice-head-injury.leidraad";
    agree_on(
        path,
        &read(path),
        &[
            ("hours_since_injury", "min", 60, 1),
            ("retrograde_amnesia", "s", 60, 1),
        ],
    );
    // Months for whole years: the whole-number test in the column's unit.
    let path = "tests/fixtures/records/ankle.leidraad";
    agree_on(path, &read(path), &[("age", "months", 12, 1)]);
    // mg/dL for µmol/L with the molar mass: 1 µmol/L = 0.011312 mg/dL, a
    // factor without a short decimal the other way round.
    let path = "guidelines/esur-contrast-kidney.leidraad";
    agree_on(
        path,
        &read(path),
        &[("creatinine_rise", "mg/dL", 11_312, 1_000_000)],
    );
}

#[test]
fn nhg_beeldvorming_sql_agrees_with_eval() {
    agree_on_bundled("nhg-beeldvorming.leidraad");
}

#[test]
fn lage_rugpijn_sql_agrees_with_eval() {
    agree_on_bundled("lage-rugpijn.leidraad");
}

#[test]
fn wells_dvt_sql_agrees_with_eval() {
    agree_on_bundled("wells-dvt.leidraad");
}

#[test]
fn nice_head_injury_sql_agrees_with_eval() {
    agree_on_bundled("nice-head-injury.leidraad");
}

#[test]
fn esur_contrast_kidney_sql_agrees_with_eval() {
    agree_on_bundled("esur-contrast-kidney.leidraad");
}

#[test]
fn whole_numbers_and_unknown_answers_sql_agrees_with_eval() {
    let path = "tests/fixtures/records/ankle.leidraad";
    let text = std::fs::read_to_string(support::root().join(path)).unwrap();
    agree_on(path, &text, &[]);
}

#[test]
fn generated_table_sql_agrees_with_eval() {
    let text = synth::generate(&synth::Params::plain(7, 60, 6)).leidraad();
    agree_on("generated plain 60 x 6", &text, &[]);
}

#[test]
fn generated_guideline_sql_agrees_with_eval() {
    let text = synth::generate(&synth::Params::guideline(11, 60, 6)).leidraad();
    agree_on("generated guideline 60 x 6", &text, &[]);
}

/// The Trino, Spark and PostgreSQL texts parse in their dialect
/// (`sqlglot`; no such engine runs here), for every
/// bundled guideline, as a view.
#[test]
fn every_dialect_parses() {
    if !have_python_module("sqlglot") {
        return;
    }
    let script = r#"
import sqlglot, sys
dialect = sys.argv[1]
text = sys.stdin.read()
parsed = sqlglot.parse(text, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
assert len([p for p in parsed if p is not None]) == 1, len(parsed)
"#;
    for name in [
        "lage-rugpijn.leidraad",
        "nhg-beeldvorming.leidraad",
        "wells-dvt.leidraad",
        "nice-head-injury.leidraad",
        "esur-contrast-kidney.leidraad",
    ] {
        // DuckDB's text runs in the tests above; the view holds the query.
        for dialect in ["trino", "spark", "postgres"] {
            {
                let view = Some("advice");
                let path = format!("guidelines/{name}");
                let mut args = vec!["compile", &path, "--emit", "sql", "--dialect", dialect];
                if let Some(view) = view {
                    args.extend(["--view", view]);
                }
                let compiled = support::run(support::leidraad(&args));
                assert_eq!(compiled.status, 0, "{}", compiled.stderr_lossy());
                let mut child = Command::new("python3")
                    .args(["-c", script, dialect])
                    .stdin(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(compiled.stdout_lossy().as_bytes())
                    .unwrap();
                let ran = child.wait_with_output().unwrap();
                assert!(
                    ran.status.success(),
                    "{name} in {dialect} does not parse: {}",
                    support::clip(&String::from_utf8_lossy(&ran.stderr))
                );
            }
        }
    }
}
