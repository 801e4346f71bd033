"""Smoke test of paten-connbench (bench/connbench.c), the connection-scale benchmarks of issue 8:
each mode runs at a tiny size against a test patend and must complete with every login, resume and
event accounted for and no error. No timing is asserted: a figure from this test means nothing
(docs/performance.md, "Connections, fan-out and login storms")."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))

from paten_test import DEMO_PASSWORD, PatendTestCase, TestPKI, Database, Patend, main  # noqa: E402

CONNBENCH = sys.argv.pop(1) if len(sys.argv) > 1 else os.environ.get("PATEN_CONNBENCH")


def run_connbench(port, *args):
    """Runs paten-connbench; returns its JSON and its output (stdout and stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        env = dict(os.environ, PATEN_DEMO_PASSWORD=DEMO_PASSWORD)
        p = subprocess.run([CONNBENCH] + list(args) + ["-p", str(port), "--json", out,
                                                       "--timeout", "120"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=280)
        text = p.stdout.decode() + p.stderr.decode()
        if p.returncode != 0:
            raise AssertionError("paten-connbench exited %d:\n%s" % (p.returncode, text))
        with open(out) as f:
            return json.load(f), text


class ConnbenchSmokeTest(PatendTestCase):

    # 50 connections from 127.0.0.1 would pass the per-address default (512); 0 is what the
    # benchmark itself needs for 10,000, so the smoke test runs patend the same way.
    patend_extra_args = ["--max-connections-per-address", "0"]

    def test_idle(self):
        r, text = run_connbench(self.server.port, "idle", "-n", "50", "-s", "5", "--batch", "16",
                                "--pid", str(self.server.proc.pid))
        self.assertEqual((r["connections"], r["sessions"], r["tls"]), (50, 5, False), text)
        # The 50 connections were open in patend when its memory was read: its descriptors grew
        # by at least that many (the pool's and the listener's were there before).
        self.assertGreaterEqual(r["with_connections"]["fds"] - r["before"]["fds"], 50, text)
        for k in ("vmrss_kb", "rss_kb", "pss_kb"):
            self.assertGreater(r["with_connections"][k], 0, text)
        self.assertIn("growth with 50 connections", text)
        # 5 logins, 45 resumes of those sessions: 5 sessions in the database, none of them ended.
        self.assertEqual(self.db.sql("SELECT count(*) FROM sessions WHERE ended_at IS NULL"), "5")
        self.server.wait_for_count(r"resumed session", 45)

    def test_fanout(self):
        r, text = run_connbench(self.server.port, "fanout", "-n", "20", "-s", "4", "-e", "3")
        self.assertTrue(r["ok"], text)
        # Every subscribed connection got each of the three FileChanged events, once.
        self.assertEqual((r["expected"], r["delivered"]), (60, 60), text)
        self.assertEqual(r["from_send"]["count"], 60, text)
        self.assertEqual(r["take_in_reply"]["count"], 3, text)
        s = r["from_send"]
        self.assertLessEqual(s["p50_ms"], s["p99_ms"])
        self.assertLessEqual(s["p99_ms"], s["max_ms"])
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "3")

    def test_storm(self):
        r, text = run_connbench(self.server.port, "storm", "-k", "5", "-l", "10",
                                "--baseline", "20")
        self.assertTrue(r["ok"], text)
        self.assertEqual((r["logins_done"], r["login"]["count"]), (10, 10), text)
        self.assertGreaterEqual(r["ping_before"]["count"], 20, text)
        self.assertGreater(r["ping_during"]["count"], 0, text)
        # Ten logins, ten sessions.
        self.assertEqual(self.db.sql("SELECT count(*) FROM sessions"), "10")

    def test_refused_login_fails_the_run(self):
        """A refused request is an error, not a figure: exit status 1, naming the refusal."""
        p = subprocess.run([CONNBENCH, "idle", "-n", "3", "-s", "1", "-p", str(self.server.port),
                            "--pid", str(self.server.proc.pid), "--timeout", "60"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                           env=dict(os.environ, PATEN_DEMO_PASSWORD="not-the-password"))
        self.assertEqual(p.returncode, 1, p.stdout.decode() + p.stderr.decode())
        self.assertIn("Login refused: ERROR_CODE_UNAUTHENTICATED", p.stderr.decode())


class ConnbenchTlsSmokeTest(PatendTestCase):
    """idle --tls: the same connections over TLS (the bench's own certificate, not verified)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.pki = TestPKI(self.tmp.name)
        self.patend_extra_args = (["--max-connections-per-address", "0"] +
                                  self.pki.server_args())
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.tmp.cleanup()

    def test_idle_tls(self):
        r, text = run_connbench(self.server.port, "idle", "--tls", "-n", "20", "-s", "2",
                                "--pid", str(self.server.proc.pid))
        self.assertEqual((r["connections"], r["tls"]), (20, True), text)
        self.assertGreaterEqual(r["with_connections"]["fds"] - r["before"]["fds"], 20, text)
        self.server.wait_for_count(r"resumed session", 18)


if __name__ == "__main__":
    main()
