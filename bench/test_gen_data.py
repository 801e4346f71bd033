"""Smoke test of the data generator (bench/gen_data.sql, bench/gen_data.py) and of the read
benchmark (bench/reads.c), so that neither rots: gen_data.sql at a tiny scale (2,000 files over 20
kecamatan) on a test database with the demo data, then the integrity checks a real patend makes
(VerifyAudit and CheckInvariants as auditors), gapless registers, GetFile and SearchFiles
returning the generated rows through patend, and paten-reads completing every read with rows.
No figure from this test means anything (docs/performance.md)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "lib"))

import pgcluster  # noqa: E402
from paten_test import DEMO_PASSWORD, PatendTestCase, main  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
READS = sys.argv.pop(1) if len(sys.argv) > 1 else os.environ.get("PATEN_READS")
FILES, KECAMATAN = 2000, 20


class GenDataSmokeTest(PatendTestCase):

    def psql_cmd(self):
        return [os.path.join(pgcluster.pg_bin_dir(), "psql"), "-h", self.db.cluster.sock,
                "-U", "postgres", "-d", self.db.name]

    def gen(self, *args):
        p = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_data.py")] + list(args)
                           + ["--psql"] + self.psql_cmd(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=240)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def test_generated_data_holds_together(self):
        out = json.loads(self.gen("fill", "--files", str(FILES), "--kecamatan", str(KECAMATAN),
                                  "--per-region", "7"))
        self.assertEqual(out["rows"]["files"], FILES)
        self.assertEqual(self.db.sql("SELECT count(*) FROM offices WHERE code LIKE 'gen-k%'"),
                         str(KECAMATAN))
        self.assertEqual(self.db.sql("SELECT count(*) FROM regions WHERE code LIKE 'gen-r%'"), "3")
        # Every kind of row is there, in plausible proportions.
        n = {t: int(self.db.sql("SELECT count(*) FROM %s" % t)) for t in
             ("file_history", "dispositions", "assessments", "payments", "deposits",
              "confirmations", "cash_closes", "audit_log")}
        self.assertGreater(n["file_history"], 4 * FILES)
        self.assertEqual(n["dispositions"], FILES)
        self.assertEqual(n["audit_log"], FILES)
        self.assertTrue(0.2 * FILES < n["assessments"] < 0.35 * FILES, n)
        self.assertTrue(0.9 * n["assessments"] <= n["payments"] <= n["assessments"], n)
        self.assertGreater(n["deposits"], 0)
        self.assertGreater(n["confirmations"], 0.5 * n["payments"])
        self.assertGreater(n["cash_closes"], 0)
        # Registers gapless: each counter is its documents' count and highest number.
        self.assertEqual(self.db.sql(
            "SELECT count(*) FROM registers r WHERE r.last_no <> (SELECT count(*) FROM documents d "
            "WHERE (d.office_id, d.kind, d.series, d.year) = (r.office_id, r.kind, r.series, r.year))"
            " OR r.last_no <> (SELECT max(seq) FROM documents d WHERE (d.office_id, d.kind, "
            "d.series, d.year) = (r.office_id, r.kind, r.series, r.year))"), "0")
        self.assertGreater(int(self.db.sql("SELECT count(*) FROM registers")), 3 * KECAMATAN)
        self.assertEqual(self.db.sql("SELECT count(*) FROM audit_verify() WHERE problem IS NOT NULL"),
                         "0")

        # patend afresh on the filled database, as the benchmark runs it.
        self.assertEqual(self.server.stop(), 0)
        self.server.start()

        auditor = self.login("auditor@pemda-gen-r00001")
        chains = auditor.rpc("VerifyAudit")
        self.assertTrue(chains.intact, chains)
        gen_chains = [c for c in chains.chains if c.office_code.startswith("gen-k")]
        self.assertEqual(len(gen_chains), 7)  # the region's kecamatan
        self.assertEqual(sum(c.rows for c in gen_chains), int(self.db.sql(
            "SELECT count(*) FROM audit_log a JOIN offices o ON o.id = a.office_id "
            "WHERE o.code LIKE 'gen-k%' AND o.region_id = "
            "(SELECT id FROM regions WHERE code = 'gen-r00001')")))
        inv = self.login("auditor@gen-k00001").rpc("CheckInvariants")
        self.assertEqual(list(inv.violations), [])
        self.assertEqual(inv.payments, n["payments"])
        self.assertEqual(inv.deposits, n["deposits"])

        # A handed-over IMB file of gen-k00001, with its whole timeline, through patend.
        fid, number, nik, steps = self.db.sql(
            "SELECT f.id, f.register_number, a.nik, (SELECT count(*) FROM file_history h "
            "WHERE h.file_id = f.id) FROM files f JOIN applicants a ON a.id = f.applicant_id "
            "JOIN offices o ON o.id = f.office_id WHERE o.code = 'gen-k00001' AND f.has_fee "
            "AND f.state = 'HANDED_OVER' ORDER BY f.id LIMIT 1").split("|")
        loket = self.login("loket@gen-k00001")
        r = loket.rpc("GetFile", file_id=int(fid))
        self.assertEqual(r.file.register_number, number)
        self.assertEqual(len(r.history), int(steps))
        self.assertEqual(len(r.history), 9)  # received ... handed over
        self.assertEqual(len(r.dispositions), 1)
        found = loket.rpc("SearchFiles", number=nik)
        self.assertIn(int(fid), [f.id for f in found.files])
        self.assertEqual(found.total, int(self.db.sql(
            "SELECT count(*) FROM files f JOIN applicants a ON a.id = f.applicant_id "
            "WHERE a.nik = '%s'" % nik)))
        by_number = loket.rpc("SearchFiles", register_number=number)
        self.assertEqual([f.id for f in by_number.files], [int(fid)])

        # paten-reads: every read answered, with rows, for keys gen_data.py picks.
        with tempfile.TemporaryDirectory() as tmp:
            keys = os.path.join(tmp, "keys.tsv")
            self.gen("keys", "--out", keys, "--offices", "3", "--per-read", "5")
            out = os.path.join(tmp, "reads.json")
            p = subprocess.run([READS, "-p", str(self.server.port), "-k", keys, "-n", "20",
                                "--json", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=200,
                               env=dict(os.environ, PATEN_DEMO_PASSWORD=DEMO_PASSWORD))
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            with open(out) as f:
                reads = json.load(f)["reads"]
        self.assertEqual(sorted(x["read"] for x in reads),
                         ["get_file", "inbox", "list_register", "reconcile", "search_nik",
                          "search_number"])
        for x in reads:
            self.assertEqual((x["count"], x["errors"], x["empty"]), (20, 0, 0), x)
            self.assertLessEqual(x["p50_ms"], x["p99_ms"])


if __name__ == "__main__":
    main()
