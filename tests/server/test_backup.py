"""Backup and restore (issue 7, docs/deployment.md "Backups"): a database populated through patend
(files taken in and disposed, IMBs assessed, paid, deposited, confirmed, one handed over) is
dumped with `pg_dump -Fc` while patend keeps serving, restored with `pg_restore` into a fresh
database of a second, fresh cluster, and a patend started on the restore finds everything: every
table's rows identical, every sequence where it was, the audit chains intact, the money
invariants clean, and the next file taken in gets the next gapless register number."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import pgcluster  # noqa: E402
from paten_test import DEMO_PASSWORD, Patend, main, pb  # noqa: E402
from test_assess import IMB_REQS, imb, person, wib_ms  # noqa: E402
from test_deposits import DepositTestCase, key  # noqa: E402


def tables(db_sql):
    return db_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                  "ORDER BY tablename").split("\n")


def fingerprint(db_sql):
    """{table: (rows, md5 of every row's text in order)} and {sequence: last_value}."""
    out = {}
    for t in tables(db_sql):
        out[t] = db_sql("SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, E'\\n' "
                        "ORDER BY x::text)), '-') FROM %s x" % t)
    seqs = db_sql("SELECT sequencename || '=' || coalesce(last_value, 0) FROM pg_sequences "
                  "WHERE schemaname = 'public' ORDER BY 1")
    return out, seqs


class BackupTest(DepositTestCase):

    def populate(self):
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 23, 9))
        kasir = self.as_("kasir@kaloran")
        f1, a1, p1 = self.paid_imb()
        f2, a2, p2 = self.paid_imb(nik="3327014101900002")
        # One deposited, validated and confirmed; the other cash still on hand.
        d = self.validate(self.deposit(p1.treasurer_office_id, [p1.id]))
        c = self.as_("bendahara@dpmptsp-temanggung").rpc(
            "Confirm", idempotency_key=key(), deposit_id=d.id, bank_date="2026-11-23",
            bank_reference=d.bank_reference, amount=p1.amount).confirmation
        self.assertEqual(c.status, pb.CONFIRMATION_STATUS_CONFIRMED)
        # The first file signed and handed over; a third only taken in and disposed.
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f1.id).file
        g = self.act("camat@kaloran", "Sign", g)
        self.act("loket@kaloran", "HandOver", g, received_by_name="Siti Aminah")
        svc = self.service("loket@kaloran", "imb")
        f3 = self.as_("loket@kaloran").rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                                           applicant=person(nik="3327014101900003"),
                                           fields=imb(), requirements=IMB_REQS).file
        self.as_("camat@kaloran").rpc("Dispose", idempotency_key=key(), file_id=f3.id,
                                      to_role=pb.ROLE_TIM_TEKNIS, instruction="Mohon cek")
        self.assertEqual(len(kasir.rpc("ListUndeposited").payments), 1)
        return f3

    def test_pg_dump_restore_into_a_fresh_cluster(self):
        last = self.populate()
        src = self.db.cluster
        counts = {t: int(self.db.sql("SELECT count(*) FROM %s" % t))
                  for t in ("files", "payments", "deposits", "audit_log", "dispositions")}
        self.assertTrue(all(n > 0 for n in counts.values()), counts)

        # The nightly logical backup, taken while patend serves: one consistent snapshot.
        work = pgcluster.temp_root("paten-backup-")
        dump = os.path.join(work, "paten.dump")
        subprocess.run([os.path.join(src.bin, "pg_dump"), "-Fc", "-h", src.sock, "-U", "postgres",
                        "-d", self.db.name, "-f", dump], check=True)
        before = fingerprint(self.db.sql)

        # A fresh cluster: the roles exist before the restore (pgcluster creates paten_owner and
        # paten_app as docs/deployment.md says), then a database owned by paten_owner.
        dst = pgcluster.Cluster(os.path.join(work, "restore"))
        server = None
        try:
            dst.start()
            name = dst.create_database()
            r = subprocess.run([os.path.join(dst.bin, "pg_restore"), "--exit-on-error",
                                "--single-transaction", "-h", dst.sock, "-U", "postgres",
                                "-d", name, dump], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
            self.assertEqual(r.returncode, 0, r.stdout)
            sql = lambda q: dst.psql(name, q)  # noqa: E731
            after = fingerprint(sql)
            self.assertEqual(after[0].keys(), before[0].keys())
            for t in before[0]:
                self.assertEqual(after[0][t], before[0][t], "table %s differs" % t)
            self.assertEqual(after[1], before[1])
            # Owners and grants came along: patend's role still may not change money rows.
            self.assertEqual(sql("SELECT tableowner FROM pg_tables WHERE tablename = 'payments'"),
                             "paten_owner")
            self.assertEqual(sql("SELECT has_table_privilege('paten_app', 'payments', 'UPDATE')"),
                             "f")

            server = Patend(["--db", dst.conninfo(name, "paten_app"),
                             "--db-owner", dst.conninfo(name, "paten_owner")]).start()
            c = server.client()
            c.call(pb.MessageType.Value("MESSAGE_TYPE_SET_TEST_CLOCK"),
                   pb.SetTestClockRequest(freeze_at_ms=wib_ms(2026, 11, 24, 9)))
            auditor = server.client()
            auditor.login("auditor@kaloran", DEMO_PASSWORD)
            v = auditor.rpc("VerifyAudit")
            self.assertTrue(v.intact, v)
            inv = auditor.rpc("CheckInvariants")
            self.assertEqual((list(inv.violations), inv.payments, inv.deposits), ([], 2, 1))
            # Every payment and deposit, as patend shows them.
            kasir = server.client()
            kasir.login("kasir@kaloran", DEMO_PASSWORD)
            self.assertEqual(len(kasir.rpc("ListUndeposited").payments), 1)
            self.assertEqual(len(kasir.rpc("ListPayments", day="2026-11-23").payments), 2)
            # The next file gets the next register number of the office's book.
            loket = server.client()
            loket.login("loket@kaloran", DEMO_PASSWORD)
            svc = [s for s in loket.rpc("ListServices").services if s.code == "imb"][0]
            nf = loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                           applicant=person(nik="3327014101900004"), fields=imb(),
                           requirements=IMB_REQS).file
            prefix, n, rest = last.register_number.split("/", 2)
            self.assertEqual(nf.register_number, "%s/%04d/%s" % (prefix, int(n) + 1, rest))
            self.assertEqual(sql("SELECT count(*) FROM files"), str(counts["files"] + 1))
            v = auditor.rpc("VerifyAudit")
            self.assertTrue(v.intact, v)
            for x in (c, auditor, kasir, loket):
                x.close()
            self.assertEqual(server.stop(), 0, server.log_text())
            server = None
        finally:
            if server is not None:
                server.kill()
            dst.destroy()
            subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()
