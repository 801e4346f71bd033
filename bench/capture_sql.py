#!/usr/bin/python3
"""capture_sql.py: derives the pgbench baseline of the benchmark from what patend really executes
(docs/performance.md, "The baseline").

Two commands:

  prepare --psql PSQL... : moves every sequence of the capture database to its own range
      (sequence i starts at (i+1) * 10^8) and prints the map of ranges to tables as JSON. After
      that a bigint parameter in the log tells by its value alone which table's row it names, so
      the generator can tell generated ids (a file's, a payment's) from constants (an office id,
      a version).

  generate --log PGLOG --offset N --trace TRACE --map MAP --psql PSQL... --out DIR :
      reads the PostgreSQL log (log_statement=all, log_line_prefix '%n [%p] %d %x ') from byte N,
      splits the statements between the requests of the load generator's trace (paten-loadgen
      --trace, one request at a time with a gap between them) and writes one pgbench script per
      lifecycle kind (DIR/free.sql, DIR/imb.sql): the same statements, in the same order, with the
      same BEGIN/COMMIT boundaries, every step marked by a comment. Statements that need no
      result between them are sent as one pipeline (\\startpipeline), as patend sends a batch;
      --no-pipeline makes one round trip per statement instead.

What cannot be replayed literally, and how it is approximated (also in docs/performance.md):
  - Values that must be new in every lifecycle are made new: idempotency keys (UUID v4) from
    pgbench random variables; the applicant's NIK from a random variable; the file id from the
    same nextval patend calls (\\gset); document numbers from the same take_number() call
    (\\gset), used wherever the whole parameter was that number.
  - Ids of rows made earlier in the lifecycle (assessment, payment, deposit) reached patend in
    the desk's request; pgbench cannot read a reply, so it looks each one up once by its document
    number just before its first use (one extra index read per such id). Ids of rows with no
    number (an event's seq) are taken as the table's current maximum.
  - Constants are inlined as literals after their original casts (the statement text otherwise
    unchanged), so PostgreSQL plans them as custom plans; patend sends them as parameters of
    prepared statements. pgbench runs with -M prepared.
  - Text that merely contains a number (an audit record's JSON, a document's verification text,
    an event's protobuf body) keeps the captured text.
  - Statements of other patend connections that a step caused (the event listener reading the
    new event) are replayed in order in the same pgbench connection, not concurrently.
  - Statements of the periodic deposit watch are left out: they are not part of a step.
"""
import json
import re
import subprocess
import sys

LINE = re.compile(r"^(\d+\.\d+) \[(\d+)\] (\S*) (\d+) (LOG|DETAIL|ERROR|STATEMENT|CONTEXT|"
                  r"HINT|WARNING|NOTICE):  (.*)$")
EXEC = re.compile(r"^execute (\S+): (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'((?:[^']|'')*)')(?:, |$)", re.S)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
NIK = re.compile(r"^33\d{14}$")
RANGE = 10 ** 8
BACKGROUND = {"pd_ALERTS_RAISE", "pd_DEP_ALERT_SCAN", "pd_WATCH_DEADLINES"}
# Natural keys by which a generated id is found again (its number), per table.
NATURAL = {"assessments": "number", "payments": "receipt_number", "deposits": "number",
           "documents": "number", "files": "register_number"}


def psql(args, sql):
    r = subprocess.run(args + ["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                               "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        sys.exit("capture_sql.py: psql failed: %s" % r.stderr.strip())
    return [l.split("\t") for l in r.stdout.splitlines() if l]


def cmd_prepare(argv):
    args = argv[argv.index("--psql") + 1:]
    rows = psql(args, "SELECT s.oid::regclass::text, t.relname, a.attname FROM pg_class s "
                      "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
                      "AND d.refclassid = 'pg_class'::regclass "
                      "JOIN pg_class t ON t.oid = d.refobjid "
                      "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
                      "WHERE s.relkind = 'S' ORDER BY 1")
    ranges = {}
    for i, (seq, table, col) in enumerate(rows):
        start = (i + 1) * RANGE
        psql(args, "SELECT setval('%s', %d)" % (seq.replace("'", "''"), start))
        ranges[str(i + 1)] = [table, col]
    json.dump(ranges, sys.stdout, indent=1)
    print()


def parse_log(path, offset, until):
    """Statements as dicts: ts, pid, name, sql, params (list of str or None)."""
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    entries = []  # [ts, pid, kind, message]
    for raw in text.split("\n"):
        m = LINE.match(raw)
        if m:
            entries.append([float(m.group(1)), int(m.group(2)), m.group(5), m.group(6)])
        elif entries:
            entries[-1][3] += "\n" + raw  # a continuation line of a multi-line message
    out = []
    for ts, pid, kind, msg in entries:
        if ts > until:
            break  # after the traced run
        if kind == "LOG":
            m = EXEC.match(msg)
            if m:
                out.append({"ts": ts, "pid": pid, "name": m.group(1), "sql": m.group(2).strip(),
                            "params": []})
        elif kind == "DETAIL" and msg.startswith("parameters: ") and out and out[-1]["pid"] == pid:
            vals = {}
            for pm in PARAM.finditer(msg[len("parameters: "):]):
                vals[int(pm.group(1))] = None if pm.group(2) == "NULL" else \
                    pm.group(3).replace("''", "'")
            out[-1]["params"] = [vals.get(i) for i in range(1, max(vals or [0]) + 1)]
        elif kind == "ERROR":
            sys.exit("capture_sql.py: the captured run had an SQL error: %s" % msg)
    return out


def parse_trace(path):
    steps = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if p[0] == "ERROR":
                sys.exit("capture_sql.py: the traced run had a refused step: %s" % line)
            steps.append((p[0], float(p[1]) / 1000.0, float(p[2]) / 1000.0))
    return steps


class Script:
    """One pgbench script under construction: the lines, and the variables it set."""

    def __init__(self, kind):
        self.kind = kind
        self.head = []
        self.lines = []
        self.uuids = {}     # captured key -> variable stem
        self.bound = {}     # captured value (str) -> pgbench expression
        self.numbers = 0   # take_number() calls so far
        self.nextvals = 0  # nextval() calls so far

    def uuid_var(self, value):
        if value not in self.uuids:
            n = len(self.uuids) + 1
            self.uuids[value] = "k%d" % n
            # 32 random bits and 48 random bits: a UUID v4 shape, new in every lifecycle.
            self.head.append("\\set k%da random(268435456, 4294967295)" % n)
            self.head.append("\\set k%db random(1, 281474976710655)" % n)
        v = self.uuids[value]
        return ("(to_hex(:%sa::bigint) || '-0000-4000-8000-' || lpad(to_hex(:%sb::bigint), 12, '0'))" % (v, v))


def literal(value):
    """value as an SQL literal pgbench leaves alone: a colon before a word character would be
    taken for a variable, so it is spelled chr(58)."""
    if value is None:
        return "NULL"
    inner = value.replace("'", "''").replace("\n", " ")
    pieces = re.split(r":(?=[A-Za-z0-9_])", inner)
    if len(pieces) == 1:
        return "'" + inner + "'"
    return "(" + " || chr(58) || ".join("'" + p + "'" for p in pieces) + ")"


def table_of(value, ranges):
    if value is None or not re.fullmatch(r"\d+", value):
        return None
    v = int(value)
    if v < RANGE or v >= RANGE * (len(ranges) + 1):
        return None
    return ranges.get(str(v // RANGE))


def generate(stmts, steps, ranges, db_args, out_dir, pipeline=True):
    # Which step each statement belongs to: from its request's send to the next request's send.
    windows = []
    for i, (label, sent, replied) in enumerate(steps):
        end = steps[i + 1][1] if i + 1 < len(steps) else replied + 1.0
        windows.append((label, sent - 0.002, end - 0.002))
    # What a take_number() or a nextval() returned is not in the log: it is the number of the next
    # document inserted, and the id of the next file inserted.
    for i, st in enumerate(stmts):
        want = ("INSERT INTO documents" if "take_number(" in st["sql"] else
                "INSERT INTO files" if st["sql"].startswith("SELECT nextval(") else None)
        if want:
            nxt = next((x for x in stmts[i + 1:] if x["sql"].startswith(want)), None)
            if nxt is None or not nxt["params"]:
                sys.exit("capture_sql.py: no %s after %s" % (want, st["name"]))
            st["yields"] = nxt["params"][5] if "take_number(" in st["sql"] else nxt["params"][-1]
    scripts = {}
    wi = 0
    for st in stmts:
        if st["name"] in BACKGROUND:
            continue
        while wi < len(windows) and st["ts"] >= windows[wi][2]:
            wi += 1
        if wi == len(windows):
            break
        label, start, _ = windows[wi]
        if st["ts"] < start:
            continue  # before the first request, or a background statement in a gap
        kind = label.split(".")[0]
        s = scripts.setdefault(kind, Script(kind))
        # Only the first lifecycle of each kind: later ones repeat it.
        if getattr(s, "done", False):
            continue
        if s.lines and s.lines[-1][0] != label and label.endswith(".TakeIn"):
            s.done = True
            continue
        emit(s, label, st, ranges, db_args)
    for kind, s in scripts.items():
        path = "%s/%s.sql" % (out_dir, kind)
        with open(path, "w") as f:
            f.write("-- %s lifecycle as patend executes it, generated by bench/capture_sql.py\n"
                    "-- from a traced paten-loadgen run (see docs/performance.md). Do not edit:\n"
                    "-- regenerate with bench/run --capture.\n" % kind)
            f.write("\\set nik random(3327010101000001, 3327012812999999)\n")
            for h in s.head:
                f.write(h + "\n")
            last = None
            block = []

            def flush():
                # Statements that need no result between them go in one pipeline, as patend
                # sends a batch: one round trip, not one per statement.
                if len(block) > 1 and pipeline:
                    f.write("\\startpipeline\n" + "\n".join(block) + "\n\\endpipeline\n")
                else:
                    f.writelines(line + "\n" for line in block)
                block.clear()
            for label, line in s.lines:
                if label != last:
                    flush()
                    f.write("-- step %s\n" % label)
                    last = label
                if line.endswith(";") and not line.startswith("--"):
                    block.append(line)
                else:
                    flush()
                    f.write(line + "\n")
            flush()
        print("capture_sql.py: %s: %d statements" % (path, sum(
            1 for _, l in s.lines if not l.startswith("--") and not l.startswith("\\"))))


def lookup(s, label, value, table, db_args):
    """Makes the pgbench variable that stands for generated id value of table (a lookup by its
    number, or the table's maximum), emitting the lookup; returns the expression."""
    tname, col = table
    var = "g_%s" % value
    key = NATURAL.get(tname)
    found = None
    if key:
        rows = psql(db_args, "SELECT %s FROM %s WHERE %s = %s" % (key, tname, col, value))
        if rows and rows[0][0] in s.bound:
            found = "SELECT %s AS %s FROM %s WHERE %s = %s" % (col, var, tname, key,
                                                               s.bound[rows[0][0]])
    if found is None:
        found = "SELECT max(%s) AS %s FROM %s" % (col, var, tname)
    s.lines.append((label, "-- %s.%s %s came back in a result or a reply pgbench cannot read: "
                            "found again here" % (tname, col, value)))
    s.lines.append((label, found + " \\gset"))
    s.bound[value] = ":" + var
    return ":" + var


def emit(s, label, st, ranges, db_args):
    sql, params = st["sql"], st["params"]
    if sql in ("BEGIN", "COMMIT", "ROLLBACK"):
        s.lines.append((label, sql + ";"))
        return
    exprs = []
    for i, v in enumerate(params):
        num = i + 1
        if num == 1 and "FROM events WHERE seq > $1" in sql:
            # The listener reads from the last event it saw: the one before this step's event.
            # events.seq is no sequence (emit_event numbers them), so it is found again here.
            exprs.append("(SELECT max(seq) - 1 FROM events)")
            continue
        if v is not None and v in s.bound and not (
                sql.startswith("INSERT INTO documents") and num == 5):
            exprs.append(s.bound[v])
            continue
        if v is not None and UUID.match(v):
            exprs.append(s.uuid_var(v))
            continue
        if v is not None and NIK.match(v):
            exprs.append(":nik::text")
            continue
        t = table_of(v, ranges)
        if t is not None:
            exprs.append(lookup(s, label, v, t, db_args))
            continue
        arr = re.fullmatch(r"\{(\d+)\}", v or "")
        if arr and table_of(arr.group(1), ranges):
            e = s.bound.get(arr.group(1)) or lookup(s, label, arr.group(1),
                                                    table_of(arr.group(1), ranges), db_args)
            exprs.append("ARRAY[%s::bigint]" % e)
            continue
        pre = re.fullmatch(r"([A-Za-z-]+)(\d+)", v or "")
        if pre and table_of(pre.group(2), ranges):
            e = s.bound.get(pre.group(2)) or lookup(s, label, pre.group(2),
                                                    table_of(pre.group(2), ranges), db_args)
            exprs.append("('%s' || %s)" % (pre.group(1), e))
            continue
        exprs.append(literal(v))
    if sql.startswith("INSERT INTO documents") and s.numbers and len(params) >= 6:
        exprs[4] = ":tn%d_seq" % s.numbers  # the seq of the take_number() just before
    text = re.sub(r"\$(\d+)", lambda m: exprs[int(m.group(1)) - 1], sql)
    text = re.sub(r"\s+", " ", text)
    gset = ""
    if "yields" in st:
        if "take_number(" in sql:
            s.numbers += 1
            var = "tn%d_" % s.numbers
            s.bound[st["yields"]] = ":%snumber" % var
        else:
            s.nextvals += 1
            var = "nv%d_" % s.nextvals
            s.bound[st["yields"]] = ":%snextval" % var
        gset = " \\gset " + var
    s.lines.append((label, text + gset))
    # pgbench ends a command at the semicolon; \gset follows a command without one.
    if not gset:
        s.lines[-1] = (label, s.lines[-1][1] + ";")


def cmd_generate(argv):
    def arg(name):
        return argv[argv.index(name) + 1]
    db_args = argv[argv.index("--psql") + 1:]
    with open(arg("--map")) as f:
        ranges = json.load(f)
    steps = parse_trace(arg("--trace"))
    stmts = parse_log(arg("--log"), int(arg("--offset")), steps[-1][2] + 1.0)
    generate(stmts, steps, ranges, db_args, arg("--out"),
             pipeline="--no-pipeline" not in argv[:argv.index("--psql")])


def main(argv):
    if len(argv) < 2 or argv[1] not in ("prepare", "generate") or "--psql" not in argv:
        sys.stderr.write(__doc__)
        return 2
    (cmd_prepare if argv[1] == "prepare" else cmd_generate)(argv[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
