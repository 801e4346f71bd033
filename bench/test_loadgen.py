"""Smoke test of the benchmark harness (bench/loadgen.c): paten-loadgen drives a few whole
lifecycles (free service and IMB with payment, deposit and confirmation) on a test patend with the
demo data, reports every one completed with no error, and its JSON agrees with the database. A
figure from this test means nothing: it only proves the harness works (docs/performance.md)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))

from paten_test import DEMO_PASSWORD, PatendTestCase, main  # noqa: E402

LOADGEN = sys.argv.pop(1) if len(sys.argv) > 1 else os.environ.get("PATEN_LOADGEN")


class LoadgenSmokeTest(PatendTestCase):

    def run_loadgen(self, *args):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "r.json")
            env = dict(os.environ, PATEN_DEMO_PASSWORD=DEMO_PASSWORD)
            p = subprocess.run([LOADGEN, "-p", str(self.server.port), "--json", out,
                                "--timeout", "120"] + list(args),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               timeout=280)
            text = p.stdout.decode() + p.stderr.decode()
            self.assertEqual(p.returncode, 0, text)
            with open(out) as f:
                return json.load(f), text

    def test_two_desks_three_lifecycles_each(self):
        r, text = self.run_loadgen("-c", "2", "-n", "3")
        self.assertEqual((r["desks"], r["lifecycles_completed"], r["lifecycles_failed"],
                          r["errors"]), (2, 6, 0, 0), text)
        steps = {s["step"]: s for s in r["steps"]}
        # Alternating mix: each desk does both kinds; 3 free and 3 IMB in all.
        self.assertEqual(steps["free.HandOver"]["count"], 3, text)
        self.assertEqual(steps["imb.HandOver"]["count"], 3, text)
        self.assertEqual(steps["imb.Confirm"]["count"], 3, text)
        for s in r["steps"]:
            self.assertGreater(s["p50_ms"], 0, s)
            self.assertLessEqual(s["p50_ms"], s["p99_ms"])
            self.assertLessEqual(s["p99_ms"], s["p999_ms"])
        self.assertGreater(r["lifecycles_per_s"], 0)
        self.assertIn("imb.IssueAssessment", text)  # the table on stdout
        # The database saw exactly that: six files handed over, three SKRD paid, deposited and
        # confirmed.
        self.assertEqual(self.db.sql("SELECT state, count(*) FROM files GROUP BY state"),
                         "HANDED_OVER|6")
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments"), "3")
        self.assertEqual(self.db.sql("SELECT count(*) FROM confirmations WHERE status = "
                                     "'CONFIRMED'"), "3")

    def test_trace_spaces_the_requests(self):
        """--trace (what bench/capture_sql.py reads): one line per request in lifecycle order,
        each sent at least the gap after the previous reply."""
        with tempfile.TemporaryDirectory() as tmp:
            trace = os.path.join(tmp, "trace.txt")
            r, text = self.run_loadgen("-c", "1", "-n", "2", "--trace", trace, "--gap-ms", "20")
            with open(trace) as f:
                lines = [l.split() for l in f]
        self.assertEqual(r["lifecycles_completed"], 2, text)
        labels = [l[0] for l in lines]
        free = ["free.TakeIn", "free.Recommend", "free.Decide", "free.Sign", "free.HandOver"]
        self.assertEqual(labels[:5], free)
        self.assertEqual(labels[5], "imb.TakeIn")
        self.assertEqual(labels[-3:], ["imb.GetFile", "imb.Sign", "imb.HandOver"])
        self.assertIn("imb.Confirm", labels)
        prev_reply = None
        for label, sent, replied in lines:
            sent, replied = float(sent), float(replied)
            self.assertLessEqual(sent, replied, label)
            if prev_reply is not None:
                self.assertGreaterEqual(sent - prev_reply, 19.0, label)
            prev_reply = replied

    def test_refused_login_fails_the_run(self):
        env_pw = os.environ.get("PATEN_DEMO_PASSWORD")
        os.environ["PATEN_DEMO_PASSWORD"] = "wrong"
        try:
            p = subprocess.run([LOADGEN, "-p", str(self.server.port), "-c", "1", "-n", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(os.environ), timeout=120)
        finally:
            if env_pw is None:
                del os.environ["PATEN_DEMO_PASSWORD"]
            else:
                os.environ["PATEN_DEMO_PASSWORD"] = env_pw
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        self.assertIn("set-up failed", p.stderr.decode())


if __name__ == "__main__":
    main()
