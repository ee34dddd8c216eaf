#!/usr/bin/env python3
"""The guideline as SQL on DuckDB against `leidraad eval --batch`, and the
population audit, on N generated records of `guidelines/lage-rugpijn`
(issue 12; figures in docs/performance.md). Heavy, not run in CI:

    cargo build --release
    python3 benches/sql_audit.py 10000000 [WORKDIR]

needs python3 with `duckdb` and /usr/bin/time. Writes the records to
WORKDIR (default /tmp/leidraad-sql-bench) as Parquet (about 0.3 GB for
10M) and as JSON lines (about 7 GB for 10M), then:

1. the SQL of `compile --emit sql` over the Parquet file on DuckDB, every
   result column written to a Parquet file (one run);
2. `leidraad eval --batch` over the same records as JSON lines, the
   results to /dev/null (one run; `LEIDRAAD_BENCH_SKIP_EVAL=1` skips it);
3. `leidraad audit` of the Parquet file, and `audit --compare` with a
   changed copy of the guideline, each under /usr/bin/time -v (whole
   command: wall time, CPU, peak memory).

Deletes the big files at the end (`LEIDRAAD_BENCH_KEEP=1` keeps them).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import duckdb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEIDRAAD = os.environ.get("LEIDRAAD", os.path.join(ROOT, "target", "release", "leidraad"))
GUIDELINE = os.path.join(ROOT, "guidelines", "lage-rugpijn.leidraad")

YES_NO = "random() < {p}"


def choice(values, weights=None):
    """A SQL expression drawing one of `values` (text), `weights` whole."""
    weights = weights or [1] * len(values)
    pool = [v for v, w in zip(values, weights) for _ in range(w)]
    items = ", ".join("'%s'" % v for v in pool)
    return "list_element([%s], CAST(floor(random() * %d) AS INTEGER) + 1)" % (items, len(pool))


# One expression per input of lage-rugpijn (and its vocabulary), NULL
# where the input is not asked. The thresholds the rules use (45 and 50
# years; 1, 3, 6 and 12 weeks) are drawn often.
COLUMNS = [
    ("age", "CAST(floor(random() * 121) AS INTEGER)"),
    ("complaint_duration", "CAST(list_element([0, 1, 1, 2, 3, 3, 5, 6, 6, 8, 12, 12, 20, 52, 104], CAST(floor(random() * 15) AS INTEGER) + 1) AS INTEGER)"),
    ("pain_character", choice(["mechanical", "inflammatory", "unclear"], [6, 1, 3])),
    ("radiation", choice(["none", "buttock_or_thigh", "below_knee"], [5, 3, 2])),
    ("weakness", YES_NO.format(p=0.1)),
    ("better_lying_down", YES_NO.format(p=0.7)),
    ("relief_factors", "list_filter(['position', 'medication', 'therapy'], lambda x: random() < 0.3)"),
    ("walking_distance_limited", YES_NO.format(p=0.2)),
    ("stop_reason", None),
    ("better_bent_forward", None),
    ("weight_loss", YES_NO.format(p=0.05)),
    ("fever", YES_NO.format(p=0.05)),
    ("balance_disorder", YES_NO.format(p=0.03)),
    ("trauma", choice(["none", "minor", "major"], [8, 2, 1])),
    ("saddle_anesthesia", YES_NO.format(p=0.02)),
    ("micturition_disorder", YES_NO.format(p=0.03)),
    ("erectile_dysfunction", YES_NO.format(p=0.02)),
    ("psychosocial_factors", YES_NO.format(p=0.2)),
    ("night_pain", YES_NO.format(p=0.1)),
    ("oncologic_history", YES_NO.format(p=0.05)),
    ("severe_pain", YES_NO.format(p=0.1)),
    ("bechterew", YES_NO.format(p=0.02)),
    ("neuro_deficit", choice(["none", "acute", "subacute", "chronic"], [12, 1, 1, 1])),
    ("deficit_pattern", None),
    ("suspected", "list_filter(['myelopathy', 'infection', 'malignancy', 'neurogenic_claudication', 'fracture'], lambda x: random() < 0.04)"),
    ("hip_or_shoulder_complaints", YES_NO.format(p=0.05)),
    ("mri_possible", YES_NO.format(p=0.95)),
    ("mri_delayed", YES_NO.format(p=0.1)),
]

# The `asked when` inputs, from the columns drawn first.
ASKED = {
    "stop_reason": ("walking_distance_limited", choice(["leg_pain", "back_pain", "other"])),
    "better_bent_forward": ("walking_distance_limited", YES_NO.format(p=0.5)),
    "deficit_pattern": ("neuro_deficit <> 'none'", choice(["peripheral", "central"])),
}


def drawn_sql(n):
    """N rows of the drawn columns (the `asked when` ones not yet)."""
    drawn = ", ".join("%s AS %s" % (expr, name) for name, expr in COLUMNS if expr)
    return "SELECT %s FROM range(%d)" % (drawn, n)


def records_sql(drawn):
    """The records from a relation of drawn rows: every input, in order,
    an `asked when` input drawn only where it is asked."""
    names = ", ".join(name for name, _ in COLUMNS)
    asked = ", ".join(
        "CASE WHEN %s THEN %s END AS %s" % (cond, expr, name) for name, (cond, expr) in ASKED.items()
    )
    return "SELECT %s FROM (SELECT *, %s FROM %s)" % (names, asked, drawn)


def inputs_of_guideline():
    """The input columns the emitted SQL reads, in order."""
    sql = run([LEIDRAAD, "compile", GUIDELINE, "--emit", "sql"]).stdout
    first = sql.split("FROM", 1)[0]
    return re.findall(r'^\s+"([^"]+)",?$', first, re.M)


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def timed(args, out=subprocess.DEVNULL):
    """Runs a command under /usr/bin/time -v: (wall s, user+sys s, peak MB)."""
    ran = subprocess.run(["/usr/bin/time", "-v"] + args, stdout=out, stderr=subprocess.PIPE, text=True)
    if ran.returncode not in (0, 1):
        sys.exit("failed: %s\n%s" % (" ".join(args), ran.stderr[-2000:]))
    info = {}
    for line in ran.stderr.splitlines():
        if ":" in line:
            key, _, value = line.strip().rpartition(":")
            info[key.strip()] = value.strip()
    clock = info.get("Elapsed (wall clock) time (h", "0")
    # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:12.34" splits oddly.
    for line in ran.stderr.splitlines():
        if "Elapsed (wall clock)" in line:
            clock = line.rsplit(" ", 1)[1]
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + float(part)
    cpu = float(info["User time (seconds)"]) + float(info["System time (seconds)"])
    peak = int(info["Maximum resident set size (kbytes)"]) / 1024
    return seconds, cpu, peak


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    work = sys.argv[2] if len(sys.argv) > 2 else "/tmp/leidraad-sql-bench"
    os.makedirs(work, exist_ok=True)
    names = [name for name, _ in COLUMNS]
    wanted = inputs_of_guideline()
    if wanted != names:
        sys.exit("the generator's columns %s are not the guideline's inputs %s" % (names, wanted))
    parquet = os.path.join(work, "records.parquet")
    jsonl = os.path.join(work, "records.jsonl")
    report = {"records": n}

    con = duckdb.connect()
    con.execute("SELECT setseed(0.12)")
    start = time.time()
    con.execute("CREATE TABLE drawn AS " + drawn_sql(n))
    con.execute("CREATE TABLE records AS " + records_sql("drawn"))
    con.execute("DROP TABLE drawn")
    con.execute("COPY records TO '%s' (FORMAT PARQUET)" % parquet)
    report["generate_parquet_s"] = round(time.time() - start, 1)
    if not os.environ.get("LEIDRAAD_BENCH_SKIP_EVAL"):
        start = time.time()
        # A NULL is a field left out (docs/sql.md): dropped from the JSON.
        con.execute(
            "COPY (SELECT regexp_replace(to_json(struct_pack(%s)), ',\"[a-z_]+\":null', '', 'g') FROM records) "
            "TO '%s' (FORMAT CSV, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\t')"
            % (", ".join("%s := %s" % (c, c) for c in names), jsonl)
        )
        report["generate_jsonl_s"] = round(time.time() - start, 1)
        report["jsonl_gb"] = round(os.path.getsize(jsonl) / 1e9, 2)
    con.close()
    report["parquet_gb"] = round(os.path.getsize(parquet) / 1e9, 3)

    # 1. The SQL on DuckDB, in a process of its own, every column written.
    sql = run([LEIDRAAD, "compile", GUIDELINE, "--emit", "sql", "--table", "read_parquet('%s')" % parquet]).stdout
    sql_file = os.path.join(work, "advice.sql")
    with open(sql_file, "w") as f:
        f.write(sql)
    script = (
        "import duckdb, sys; con = duckdb.connect(); "
        "con.execute(\"COPY (\" + open(sys.argv[1]).read() + \") TO '%s' (FORMAT PARQUET)\")"
        % os.path.join(work, "advice.parquet")
    )
    wall, cpu, peak = timed([sys.executable, "-c", script, sql_file])
    report["duckdb_sql"] = {"wall_s": wall, "cpu_s": cpu, "peak_mb": round(peak), "records_per_s": round(n / wall)}
    os.remove(os.path.join(work, "advice.parquet"))

    # 2. eval --batch on the same records.
    if not os.environ.get("LEIDRAAD_BENCH_SKIP_EVAL"):
        wall, cpu, peak = timed([LEIDRAAD, "eval", GUIDELINE, "--batch", jsonl])
        report["eval_batch"] = {"wall_s": wall, "cpu_s": cpu, "peak_mb": round(peak), "records_per_s": round(n / wall)}
        wall, cpu, peak = timed([LEIDRAAD, "eval", GUIDELINE, "--batch", jsonl, "--reference"])
        report["eval_batch_reference"] = {"wall_s": wall, "cpu_s": cpu, "peak_mb": round(peak), "records_per_s": round(n / wall)}

    # 3. The audit, and the comparison with a changed copy (`ouder_dan_50`
    # from 45 years instead of 50), both beside the vocabulary.
    versions = os.path.join(work, "versions")
    os.makedirs(versions, exist_ok=True)
    shutil.copy(GUIDELINE, os.path.join(versions, "new.leidraad"))
    vocabulary = os.path.join(ROOT, "guidelines", "rugpijn.vocabulary.leidraad")
    shutil.copy(vocabulary, versions)
    with open(GUIDELINE) as f:
        old = f.read()
    with open(os.path.join(versions, "old.leidraad"), "w") as f:
        f.write(old.replace("age > 50 years", "age > 45 years"))
    new_path = os.path.join(versions, "new.leidraad")
    out = os.path.join(work, "audit.json")
    with open(out, "w") as f:
        wall, cpu, peak = timed([LEIDRAAD, "audit", new_path, "--data", parquet, "--format", "json"], out=f)
    report["audit"] = {"wall_s": wall, "cpu_s": cpu, "peak_mb": round(peak)}
    with open(out, "w") as f:
        wall, cpu, peak = timed(
            [LEIDRAAD, "audit", new_path, "--data", parquet, "--compare", os.path.join(versions, "old.leidraad"), "--format", "json"],
            out=f,
        )
    report["audit_compare"] = {"wall_s": wall, "cpu_s": cpu, "peak_mb": round(peak)}
    with open(out) as f:
        compared = json.load(f).get("compare", {})
    report["audit_compare"]["patients_changed"] = compared.get("patients_changed")
    report["audit_compare"]["groups"] = [g.get("patients") for g in compared.get("groups", [])]

    print(json.dumps(report, indent=2))
    if not os.environ.get("LEIDRAAD_BENCH_KEEP"):
        for path in (parquet, jsonl, sql_file, out):
            if os.path.exists(path):
                os.remove(path)
        shutil.rmtree(versions, ignore_errors=True)


if __name__ == "__main__":
    main()
