#!/usr/bin/python3
"""bench/gen_data.py: the driver of bench/gen_data.sql (data at scale, docs/performance.md
"Reads at 1 million files").

  gen_data.py fill --psql PSQL... [--scale 1 | --files N --kecamatan K] [--json FILE]
      Runs gen_data.sql in the database (one transaction), then VACUUM ANALYZE, and prints the
      time each took; --scale S is S million files over 7,000 kecamatan (S=10: ten million).
  gen_data.py keys --psql PSQL... --out FILE [--offices 10] [--per-read 50]
      Picks random but existing keys of the generated data for bench/paten-reads: a few
      kecamatan, and for each its users and, per read, keys that exist (a file id, an applicant's
      NIK, a receipt number, a register, a cashier-day with payments). One line per key:
      "<read>\t<login>\t<arg>..." (bench/reads.c reads them).
  gen_data.py plans --psql PSQL... --log POSTGRESQL_LOG --offset BYTES --out FILE
      The plans of the statements patend executed after byte BYTES of the server log (run with
      log_statement = all): each prepared statement (pd_*) once, with the parameters of its first
      logged execution, as EXPLAIN (ANALYZE, BUFFERS) EXECUTE after seven executions (the
      sixth builds the generic plan), so that the plan shown is the one the plan cache keeps
      for patend (generic or custom), and its planning time is what each execution pays.

PSQL is the psql command line up to the database, e.g. --psql psql -h /tmp/pg/sock -U postgres
-d bench (every remaining argument); it must connect as a superuser (the load turns triggers off
for its transaction, see gen_data.sql).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def psql(cmd, *args, input=None):
    p = subprocess.run(list(cmd) + ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"] + list(args),
                       input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("gen_data.py: psql failed:\n" + p.stderr)
    return p.stdout


def fill(a):
    files = a.files or int(a.scale * 1000000)
    kec = a.kecamatan or 7000
    t0 = time.monotonic()
    psql(a.psql, "-v", "files=%d" % files, "-v", "kecamatan=%d" % kec,
         "-v", "per_region=%d" % a.per_region, "-f", os.path.join(HERE, "gen_data.sql"))
    t1 = time.monotonic()
    psql(a.psql, "-c", "VACUUM (ANALYZE)")
    t2 = time.monotonic()
    counts = {}
    for t in ("files", "file_history", "dispositions", "documents", "assessments", "payments",
              "deposits", "confirmations", "cash_closes", "audit_log", "applicants", "users"):
        counts[t] = int(psql(a.psql, "-c", "SELECT count(*) FROM %s" % t).strip())
    size = psql(a.psql, "-c", "SELECT pg_size_pretty(pg_database_size(current_database()))").strip()
    out = {"files": files, "kecamatan": kec, "per_region": a.per_region,
           "load_s": round(t1 - t0, 1), "vacuum_analyze_s": round(t2 - t1, 1),
           "rows": counts, "database_size": size}
    print(json.dumps(out, indent=1))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")


KEYS_SQL = r"""
WITH k AS (
    SELECT o.id, o.code FROM offices o WHERE o.code LIKE 'gen-k%%'
    ORDER BY random() LIMIT %(offices)d
), f AS (
    SELECT k.code, x.id, x.register_number, a.nik
    FROM k CROSS JOIN LATERAL (SELECT f.id, f.register_number, f.applicant_id FROM files f
                               WHERE f.office_id = k.id ORDER BY random() LIMIT %(per)d) x
    JOIN applicants a ON a.id = x.applicant_id
), days AS (
    SELECT k.code, x.day FROM k CROSS JOIN LATERAL (
        SELECT DISTINCT to_char(p.received_date, 'YYYY-MM-DD') AS day FROM payments p
        WHERE p.office_id = k.id ORDER BY 1 DESC LIMIT %(per)d) x
), regs AS (
    SELECT k.code, r.kind::text AS kind, r.year FROM k JOIN registers r ON r.office_id = k.id
    WHERE r.kind IN ('RECEIPT', 'SSRD')
)
SELECT 'get_file', 'loket@' || code, id::text FROM f
UNION ALL SELECT 'search_nik', 'loket@' || code, nik FROM f
UNION ALL SELECT 'search_number', 'loket@' || code, register_number FROM f
UNION ALL SELECT 'inbox', 'sekretariat@' || code, '' FROM k
UNION ALL SELECT 'inbox', 'camat@' || code, '' FROM k
UNION ALL SELECT 'list_register', 'loket@' || code, kind || ' ' || year FROM regs
UNION ALL SELECT 'reconcile', 'kasir@' || code, day FROM days
"""


def keys(a):
    rows = psql(a.psql, "-F", "\t", "-c", KEYS_SQL % {"offices": a.offices, "per": a.per_read})
    lines = [l for l in rows.splitlines() if l.strip()]
    if not lines:
        sys.exit("gen_data.py: no generated data in the database")
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("gen_data.py: %d keys written to %s" % (len(lines), a.out))


EXEC = re.compile(r"(?:LOG|STATEMENT):  execute (pd_\w+): (.*)$")
PARAMS = re.compile(r"DETAIL:  parameters: (.*)$")
PARAM = re.compile(r"\$(\d+) = (NULL|'((?:[^']|'')*)')(?:, |$)", re.S)
PREFIXED = re.compile(r"^\S.*\b(LOG|DETAIL|ERROR|STATEMENT|CONTEXT|HINT|WARNING|NOTICE):  ")


def plans(a):
    with open(a.log, "rb") as f:
        f.seek(a.offset)
        text = f.read().decode("utf-8", "replace")
    msgs = []
    for raw in text.split("\n"):
        if PREFIXED.match(raw) or not msgs:
            msgs.append(raw)
        else:
            msgs[-1] += "\n" + raw  # a continuation line of a multi-line statement
    # One of each statement and shape of parameters (which are empty): SearchFiles by NIK and
    # by register number are one statement with different plans.
    seen = {}
    last = None
    for m in msgs:
        e = EXEC.search(m)
        if e:
            last = {"name": e.group(1), "sql": e.group(2), "params": []}
            continue
        pm = PARAMS.search(m)
        if pm and last is not None:
            vals = {}
            for x in PARAM.finditer(pm.group(1)):
                vals[int(x.group(1))] = x.group(2)
            last["params"] = [vals.get(i, "NULL") for i in range(1, max(vals or [0]) + 1)]
            shape = (last["name"], tuple(v in ("''", "'0'", "NULL") for v in last["params"]))
            seen.setdefault(shape, last)
            last = None
    out = []
    for st in seen.values():
        name = st["name"]
        head = st["sql"].lstrip("( ").upper()
        if not head.startswith("SELECT") or "FOR UPDATE" in head:
            continue  # a change (log-in, session), not a read
        args = "(" + ", ".join(st["params"]) + ")" if st["params"] else ""
        script = "PREPARE %s AS %s;\n" % (name, st["sql"])
        script += ("EXECUTE %s%s \\g /dev/null\n" % (name, args)) * 7
        script += "EXPLAIN (ANALYZE, BUFFERS) EXECUTE %s%s;\n" % (name, args)
        # as patend's pool role, read-only: nothing is changed by looking
        plan = psql(a.psql, "-c", "SET default_transaction_read_only = on", "-f", "-",
                    input="SET ROLE paten_app;\n" + script)
        out.append("=== %s\n%s\nparameters: %s\n\n%s" % (name, st["sql"], args or "-", plan))
    with open(a.out, "w") as f:
        f.write("\n".join(out))
    print("gen_data.py: %d plans written to %s" % (len(out), a.out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fill")
    f.add_argument("--scale", type=float, default=1.0)
    f.add_argument("--files", type=int)
    f.add_argument("--kecamatan", type=int)
    f.add_argument("--per-region", type=int, default=14)
    f.add_argument("--json")
    f.add_argument("--psql", nargs=argparse.REMAINDER, required=True)
    k = sub.add_parser("keys")
    k.add_argument("--out", required=True)
    k.add_argument("--offices", type=int, default=10)
    k.add_argument("--per-read", type=int, default=50)
    k.add_argument("--psql", nargs=argparse.REMAINDER, required=True)
    pl = sub.add_parser("plans")
    pl.add_argument("--out", required=True)
    pl.add_argument("--log", required=True)
    pl.add_argument("--offset", type=int, default=0)
    pl.add_argument("--psql", nargs=argparse.REMAINDER, required=True)
    a = ap.parse_args()
    {"fill": fill, "keys": keys, "plans": plans}[a.cmd](a)


if __name__ == "__main__":
    main()
