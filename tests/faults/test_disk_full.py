"""Disk full on the database's data (issue 7, Faults). A private cluster keeps patend's tables and
indexes in a tablespace on a small tmpfs (the database's default_tablespace, set before patend
migrates), while the catalogs and the WAL stay on the normal disk. A filler file takes the last
free byte of the tmpfs; then a payment (the first row of its table, so it must extend a file)
and file intakes (until one needs a new page) fail with RESOURCE_EXHAUSTED saying the
database's disk is full, and leave nothing behind: no payment, no file, no register number
consumed, no audit row. patend stays up and reads still work. When the filler is deleted, the
very same requests, retried with their idempotency keys, succeed, and a whole lifecycle runs,
without restarting patend. Afterwards every register is gapless and CheckInvariants and
VerifyAudit are clean.

Mounting a tmpfs needs root (CI runs as root) or password-less sudo; without either the test
is skipped and says why."""

import calendar
import errno
import os
import pwd
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import pgcluster  # noqa: E402
import pgfault_load as load  # noqa: E402
from paten_test import (DEMO_PASSWORD, SERVER_INFO, SET_TEST_CLOCK, Database, Patend,  # noqa: E402
                        PatenError, main, pb)

TMPFS_SIZE = "8m"
DISK_FULL_MESSAGE = "Disk basis data penuh"


def privilege():
    """The command prefix that may mount ([] as root, sudo -n otherwise), or None."""
    if os.geteuid() == 0:
        return []
    try:
        r = subprocess.run(["sudo", "-n", "true"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return ["sudo", "-n"] if r.returncode == 0 else None


def business_now_offset():
    """Offset putting patend's clock at Monday 2026-11-23 09:00 WIB (office hours)."""
    return calendar.timegm((2026, 11, 23, 2, 0, 0)) * 1000 - int(time.time() * 1000)


def fill(path):
    """Writes `path` until the file system is full; returns the bytes written."""
    chunk = b"\0" * 65536
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            try:
                n = os.write(fd, chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                if len(chunk) == 1:
                    return written
                chunk = chunk[:len(chunk) // 2]
                continue
            written += n
    finally:
        os.close(fd)


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


STATE_SQL = ("SELECT (SELECT count(*) FROM files) || ' ' || (SELECT count(*) FROM payments) "
             "|| ' ' || (SELECT count(*) FROM documents) || ' ' || "
             "(SELECT coalesce(sum(last_no), 0) FROM registers) || ' ' || "
             "(SELECT count(*) FROM audit_log) || ' ' || (SELECT count(*) FROM applicants)")


class DiskFullTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.sudo = privilege()
        cls.cluster = None
        cls.mounted = None
        if cls.sudo is None:
            raise unittest.SkipTest("mounting the small tmpfs needs root or password-less sudo "
                                    "(CI runs as root)")
        cls.cluster = pgcluster.Cluster(pgcluster.temp_root("paten-pgfault-disk-"))
        try:
            cls.cluster.start()
            ts = os.path.join(cls.cluster.root, "small")
            os.makedirs(ts)
            pw = pwd.getpwnam(cls.cluster.owner)
            opts = "size=%s,uid=%d,gid=%d,mode=0700" % (TMPFS_SIZE, pw.pw_uid, pw.pw_gid)
            r = subprocess.run(cls.sudo + ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", ts],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                # Root without CAP_SYS_ADMIN (an unprivileged container): nothing to test on.
                raise unittest.SkipTest("cannot mount a tmpfs here: %s" % r.stdout.strip())
            cls.mounted = ts
            cls.tablespace = os.path.join(ts, "data")
            cls.cluster._run(["mkdir", "-m", "0700", cls.tablespace])
            cls.cluster.psql("postgres", "CREATE TABLESPACE paten_small OWNER paten_owner "
                             "LOCATION '%s'" % cls.tablespace)
        except BaseException:
            cls.cleanup()
            raise

    @classmethod
    def cleanup(cls):
        try:
            if cls.cluster is not None:
                cls.cluster.stop("immediate")
        finally:
            if cls.mounted:
                r = subprocess.run(cls.sudo + ["umount", cls.mounted], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
                if r.returncode != 0:
                    subprocess.run(cls.sudo + ["umount", "-l", cls.mounted])
                cls.mounted = None
            if cls.cluster is not None:
                cls.cluster.destroy()

    @classmethod
    def tearDownClass(cls):
        cls.cleanup()

    def setUp(self):
        self.db = Database(self.cluster)
        # Before patend migrates: every table and index it creates goes to the small tmpfs.
        self.db.sql("ALTER DATABASE %s SET default_tablespace = paten_small" % self.db.name)
        self.server = Patend(self.db.patend_args() + ["--demo"],
                             env={"PATEN_DEMO_PASSWORD": DEMO_PASSWORD}).start()
        self.to_close = []
        self.filler = os.path.join(self.mounted, "filler")
        c = self.client()
        c.call(SET_TEST_CLOCK, pb.SetTestClockRequest(offset_ms=business_now_offset()))

    def tearDown(self):
        if os.path.exists(self.filler):
            os.unlink(self.filler)
        for c in self.to_close:
            c.close()
        rc = self.server.stop()
        self.db.drop()
        self.assertEqual(rc, 0, "patend exited with %s:\n%s" % (rc, self.server.log_text()))

    def client(self, user=None):
        c = self.server.client(timeout=60)
        self.to_close.append(c)
        if user:
            c.login(user)
        return c

    def state(self):
        return self.db.sql(STATE_SQL)

    def assert_disk_full(self, e):
        self.assertEqual(e.code, "RESOURCE_EXHAUSTED", str(e))
        self.assertTrue(e.err.retryable)
        self.assertIn(DISK_FULL_MESSAGE, e.err.message)

    def test_full_disk_refuses_changes_whole_and_service_resumes(self):
        # patend's tables are on the tmpfs; the catalogs and the WAL are not.
        self.assertNotEqual(os.stat(os.path.join(self.cluster.data, "pg_wal")).st_dev,
                            os.stat(self.mounted).st_dev)
        self.assertEqual(self.db.sql("SELECT t.spcname FROM pg_database d JOIN pg_tablespace t "
                                     "ON t.oid = d.dattablespace "
                                     "WHERE d.datname = current_database()"), "pg_default")
        self.assertEqual(self.db.sql(
            "SELECT count(*) FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace "
            "WHERE t.spcname = 'paten_small' AND c.relname IN ('files', 'payments', "
            "'documents', 'registers', 'audit_log', 'files_pkey')"), "6")
        port = lambda: self.server.port  # noqa: E731
        sessions = load.Sessions(port, DEMO_PASSWORD)
        services = {"kaloran": [s for s in self.client("loket@kaloran").rpc("ListServices").services
                                if s.code == "imb"][0]}
        stats = load.Stats()
        desk = load.Desk("desk", "kaloran", port, sessions, stats, services)
        for role in load.KEC_ROLES:
            sessions.token(role + "@kaloran")
        sessions.token(load.SKRD_OFFICER)
        auditor = self.client("auditor@kaloran")
        reader = self.client("loket@kaloran")
        try:
            # A file assessed while there is room: its payment comes later.
            f = desk.route(desk.take_in(1))
            p = desk.call(load.SKRD_OFFICER, "PreviewAssessment", file_id=f.id).assessment
            a = desk.call(load.SKRD_OFFICER, "IssueAssessment", idempotency_key=load.key(),
                          file_id=f.id, version=p.file_version, principal=p.principal).assessment
            first = {"file_id": f.id, "register_number": f.register_number,
                     "assessment_id": a.id, "assessment_number": a.number}
            acked = [first]
            self.assertEqual(self.count("payments"), 0)
            sys.stdout.write("# tmpfs %s: %d KB free before the filler\n" % (
                TMPFS_SIZE, free_bytes(self.mounted) // 1024))

            filled = fill(self.filler)
            self.assertEqual(free_bytes(self.mounted), 0)
            sys.stdout.write("# filler: %d KB\n" % (filled // 1024))
            mark = self.server.log_mark()

            # The first payment must extend the payments table: refused, nothing written.
            kasir = desk._conn("kasir@kaloran")
            pay_key = load.key()
            pay = dict(idempotency_key=pay_key, assessment_id=a.id,
                       method=pb.PAYMENT_METHOD_CASH, amount=a.principal)
            before = self.state()
            t0 = time.monotonic()
            e = kasir.rpc_error("RecordPayment", **pay)
            self.assert_disk_full(e)
            sys.stdout.write("# the desk is told: %s: %s (%s)\n" % (e.code, e.err.message,
                                                                   e.err.detail))
            self.assertLess(time.monotonic() - t0, 10)
            self.assertEqual(self.state(), before)
            # Intakes fill the pages that still had room, until one needs a new page.
            refused = None
            for n in range(2, 400):
                k = load.key()
                req = dict(idempotency_key=k, service_id=services["kaloran"].id,
                           applicant=load.applicant(n, name="Pemohon %d " % n + "x" * 60,
                                                    address="Dusun " + "y" * 150),
                           fields=load.imb_fields(), requirements=load.IMB_REQS)
                before = self.state()
                try:
                    g = desk._conn("loket@kaloran").rpc("TakeIn", **req).file
                except PatenError as e:
                    self.assert_disk_full(e)
                    self.assertEqual(self.state(), before, "a refused intake left rows behind")
                    refused = req
                    break
                acked.append({"file_id": g.id, "register_number": g.register_number})
            self.assertIsNotNone(refused, "400 intakes fit on a full disk")
            sys.stdout.write("# %d intakes fitted in pages with room, then one was refused\n"
                             % (len(acked) - 1))
            # No number was consumed by a refused request.
            self.assertEqual(load.register_gaps(self.db), [])
            # The operator is told, in patend's log, at WARN.
            self.server.wait_for_log(r"WARN.*database out of resources \(SQLSTATE 53100\)",
                                     start=mark, timeout=10)

            # patend is up and reads work.
            g = reader.rpc("GetFile", file_id=f.id).file
            self.assertEqual((g.state, g.register_number),
                             (pb.FILE_STATE_AWAITING_PAYMENT, f.register_number))
            owed = kasir.rpc("FindOwed", query=a.number).owed
            self.assertEqual([o.assessment.number for o in owed], [a.number])
            info = auditor.call(SERVER_INFO)
            self.assertEqual(info.database_state, pb.DATABASE_STATE_CONNECTED)

            # Space returns: the same requests, with their keys, succeed, patend untouched.
            os.unlink(self.filler)
            receipt = kasir.rpc("RecordPayment", **pay).payment
            first["receipt_number"] = receipt.receipt_number
            h = desk._conn("loket@kaloran").rpc("TakeIn", **refused).file
            acked.append({"file_id": h.id, "register_number": h.register_number})
            # Sent once more, each is answered from its key: not doubled.
            self.assertEqual(kasir.rpc("RecordPayment", **pay).payment.receipt_number,
                             receipt.receipt_number)
            self.assertEqual(desk._conn("loket@kaloran").rpc("TakeIn", **refused).file.id, h.id)
            # And a whole lifecycle runs.
            acked.append(desk.lifecycle(1000))
            self.assertEqual(self.server.proc.poll(), None)
            # Refused for want of disk, not failed: nothing at ERROR (an INTERNAL answer).
            self.assertEqual([l for l in self.server.lines[mark:] if l and " ERROR " in l], [])
            self.assertEqual(stats.fatal, [])
            load.check_database(self, self.db, acked, auditor)
        finally:
            desk.close()

    def count(self, table):
        return int(self.db.sql("SELECT count(*) FROM %s" % table))


if __name__ == "__main__":
    main()
