#!/usr/bin/env python3
"""Where the audit's time goes: N generated lage-rugpijn records (benches/sql_audit.py's
generator) in Parquet, then the emitted query with less and more of what `audit`
asks, each timed (wall). `cargo build --release; python3 benches/sql_profile.py 1000000`."""
import sys, time, subprocess, duckdb, importlib.util
spec = importlib.util.spec_from_file_location("b", "benches/sql_audit.py"); b = importlib.util.module_from_spec(spec); spec.loader.exec_module(b)
n = int(sys.argv[1]); p = "/tmp/leidraad-sql-profile.parquet"
con = duckdb.connect(); con.execute("SET enable_progress_bar=false"); con.execute("SELECT setseed(0.12)")
con.execute("CREATE TABLE drawn AS " + b.drawn_sql(n))
con.execute("COPY (%s) TO '%s' (FORMAT PARQUET)" % (b.records_sql("drawn"), p))
con.execute("DROP TABLE drawn")
rel = "(SELECT file_row_number + 1 AS leidraad_row, * EXCLUDE (file_row_number) FROM read_parquet('%s', file_row_number = true)) AS r" % p
sql = subprocess.run([b.LEIDRAAD, "compile", b.GUIDELINE, "--emit", "sql", "--table", rel, "--key", "leidraad_row"], capture_output=True, text=True, check=True).stdout
import re
entries = re.findall(r' AS "([^"]+)_advice"', sql)
print(len(entries), "entries")
def t(label, q):
    s = time.time(); r = con.execute(q).fetchall(); print("%-40s %.2f s  %d rows" % (label, time.time() - s, len(r)))
t("scan count", "SELECT count(*) FROM %s" % rel)
t("status only", "SELECT leidraad_status, count(*) FROM (%s) GROUP BY 1" % sql)
cols = ", ".join('COALESCE("%s_advice", \'\')' % e for e in entries)
t("group by all advice cols", "SELECT leidraad_status, %s, count(*), min(leidraad_row, 3) FROM (%s) GROUP BY ALL" % (cols, sql))
t("group by concat key", "SELECT leidraad_status, concat_ws('|', %s) AS k, count(*), min(leidraad_row, 3) FROM (%s) GROUP BY ALL" % (cols, sql))
t("group by leidraad_advice", "SELECT leidraad_status, leidraad_advice, count(*) FROM (%s) GROUP BY ALL" % sql)
import os; os.remove(p)
