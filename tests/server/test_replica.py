"""Reports from a streaming replica (issue 8, patend --db-replica): a private primary and a hot
standby made from it with pg_basebackup -R, patend on the primary with --db-replica on the
standby.

- With the standby's replay paused, SearchFiles and ListRegister answer without the file taken
  in since (they read the standby), while GetFile sees it at once (it reads the primary); once
  replay has passed the primary's WAL position (pg_last_wal_replay_lsn, polled, never slept on),
  the reports show it;
- ListAudit and VerifyAudit answer from the standby too;
- with the standby stopped, the same reports come from the primary, complete, and patend keeps
  serving.

Which reads go to the replica, and why only those: docs/deployment.md."""

import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, SET_TEST_CLOCK, Database, Patend, main, pb  # noqa: E402
import pgcluster  # noqa: E402

HOUR = 3600 * 1000
WIB = 7 * HOUR
OPRIT = [pb.FieldValue(name=k, value=v) for k, v in dict(
    lokasi="Desa Tepusen", ruas_jalan="Jalan Kaloran-Temanggung", lebar_jalan_masuk="3.5",
    pemohon_pemilik_tanah="true").items()]
OPRIT_REQS = ["formulir", "ktp", "pengantar-desa", "surat-tanah", "imb", "pbb", "gambar-rencana"]


def key():
    return str(uuid.uuid4())


def wib_ms(y, mo, d, h=0, mi=0):
    import calendar
    return calendar.timegm((y, mo, d, h, mi, 0)) * 1000 - WIB


class ReplicaTest(unittest.TestCase):

    def setUp(self):
        self.primary = pgcluster.Cluster(pgcluster.temp_root("paten-pg-primary-"))
        self.standby = None
        self.server = None
        self.clients = []
        self.primary.start()
        # The standby: a base backup of the primary that streams from it (-R writes
        # standby.signal and primary_conninfo), started as a hot standby.
        self.standby = pgcluster.Cluster(pgcluster.temp_root("paten-pg-standby-"))
        self.standby._chown(self.standby.root)
        self.standby._run([os.path.join(self.standby.bin, "pg_basebackup"), "-D",
                           self.standby.data, "-R", "-X", "stream", "--no-sync",
                           "-h", self.primary.sock, "-p", "5432", "-U", "postgres"])
        self.standby.start()
        self.assertEqual(self.standby.psql("postgres", "SELECT pg_is_in_recovery()"), "t")
        self.db = Database(self.primary)
        self.server = Patend(self.db.patend_args() + [
            "--demo", "--db-replica", self.standby.conninfo(self.db.name, "paten_app")],
            env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD})
        self.server.start()
        # The replica pool is up (patend does not wait for it to accept clients).
        self.server.wait_for_count(r"replica-\d: connected", 2)
        c = self.server.client()
        c.call(SET_TEST_CLOCK, pb.SetTestClockRequest(
            offset_ms=wib_ms(2026, 11, 23, 9) - int(time.time() * 1000)))
        c.close()

    def tearDown(self):
        for c in self.clients:
            c.close()
        try:
            if self.server is not None:
                rc = self.server.stop()
                self.assertEqual(rc, 0, "patend exited with %s:\n%s" % (rc, self.server.log_text()))
        finally:
            if self.standby is not None:
                self.standby.destroy()
            self.primary.destroy()

    def login(self, user):
        c = self.server.client()
        c.login(user)
        self.clients.append(c)
        return c

    def wait_replayed(self):
        """Polls the standby until it has replayed everything the primary has written."""
        lsn = self.primary.psql("postgres", "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + 30
        q = "SELECT pg_last_wal_replay_lsn() >= '%s'::pg_lsn" % lsn
        while self.standby.psql("postgres", q) != "t":
            self.assertLess(time.monotonic(), deadline, "the standby never replayed " + lsn)
            time.sleep(0.02)

    def ran_on_standby(self):
        """The statements patend's sessions on the standby ran last (pg_stat_activity)."""
        return self.standby.psql("postgres", "SELECT string_agg(query, ' ') FROM "
                                 "pg_stat_activity WHERE usename = 'paten_app'")

    def take_in(self, loket, nik):
        svc = [s for s in loket.rpc("ListServices").services if s.code == "oprit"][0]
        return loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id, fields=OPRIT,
                         requirements=OPRIT_REQS,
                         applicant=pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=nik,
                                                name="Siti Aminah", address="Desa Kaloran",
                                                phone="081234567890")).file

    def reports(self, loket):
        """(register numbers SearchFiles finds, receipt numbers in the register)."""
        found = [f.register_number for f in loket.rpc("SearchFiles").files]
        reg = loket.rpc("ListRegister", kind=pb.DOCUMENT_KIND_RECEIPT).entries
        return sorted(found), sorted(e.number for e in reg)

    def test_reports_read_the_standby_and_fall_back_to_the_primary(self):
        loket = self.login("loket@kaloran")
        a = self.take_in(loket, "3327014101900001")
        self.wait_replayed()
        self.assertEqual(self.reports(loket), ([a.register_number], [a.register_number]))
        # Replay paused: what the primary commits now is not on the standby.
        self.standby.psql("postgres", "SELECT pg_wal_replay_pause()")
        b = self.take_in(loket, "3327014101900002")
        self.assertEqual(loket.rpc("GetFile", file_id=b.id).file.register_number,
                         b.register_number)  # not a report: the primary
        self.assertEqual(self.reports(loket), ([a.register_number], [a.register_number]))
        self.standby.psql("postgres", "SELECT pg_wal_replay_resume()")
        self.wait_replayed()
        both = sorted([a.register_number, b.register_number])
        self.assertEqual(self.reports(loket), (both, both))
        # The audit reports read there too.
        auditor = self.login("auditor@pemda-temanggung")
        self.assertTrue(auditor.rpc("VerifyAudit").intact)
        self.assertIn("audit_verify()", self.ran_on_standby())
        auditor.rpc("ListAudit")
        self.assertIn("FROM audit_log a", self.ran_on_standby())
        # The standby goes away: the reports come from the primary, complete.
        self.standby.stop()
        c = self.take_in(loket, "3327014101900003")
        three = sorted(both + [c.register_number])
        self.assertEqual(self.reports(loket), (three, three))
        self.assertTrue(auditor.rpc("VerifyAudit").intact)
        self.server.wait_for_log(r"replica-\d: database unavailable")


if __name__ == "__main__":
    main()
