"""The network between a desk and patend cut mid-request (issue 7, "Faults"): a TCP proxy in the
test (tests/lib/tcp_proxy.py, real sockets both ways) drops the connection

  - after the request was forwarded whole and before patend's reply reaches the desk (the first
    bytes of the reply are caught and not forwarded): the change was made, the desk does not
    know it. The desk reconnects through the proxy, resumes its session (Resume) and retries with
    the same idempotency key: it gets byte for byte the reply that was cut, and the change is in
    the database once;
  - after half of the request's frame: nothing happened; the retry makes the change once.

Every step of a paid file's lifecycle goes through the cut (TakeIn, Dispose, OpenDisposition,
SubmitSurvey, CompleteDisposition, RecordMeeting, Recommend, Decide, IssueAssessment,
RecordPayment, CreateDeposit, ValidateDeposit, Confirm, Sign, HandOver), and other families
(RegisterTaxpayer, CancelAssessment, ReversePayment, CloseCashDay, ReturnFile, ResumeFile,
WithdrawFile, CreateUser, UpdateUser, ResetPassword, DeactivateUser, CreateDelegation,
EndDelegation, AddRegionalDay). "Once" is counted
in the database: the rows of every table a request may write are the same after the retry as
right after the cut.

patenctl through the proxy: it does not retry by itself (one connection per invocation, exit 3
on a lost connection); run again with the same --key it prints the same receipt, and there is
one payment. paten-desk's connection code (PatenConnection with auto-reconnect, driven by
tests/faults/desk_pay.c) retries by itself: it reconnects, resumes and re-sends the same bytes,
and prints the receipt that was cut.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "server"))

from paten_test import DEMO_PASSWORD, FLAG_ERROR, TYPE, Client, Closed, main, pb  # noqa: E402
from tcp_proxy import Proxy  # noqa: E402
from test_assess import IMB_REQS, AssessTestCase, imb, key, person, wib_ms  # noqa: E402
from test_files import DISPENSASI, DISPENSASI_REQS  # noqa: E402

# Every table a data-changing request may add rows to: a snapshot of their counts shows what a
# request did.
TABLES = ["files", "file_history", "file_surveys", "file_meetings", "dispositions", "documents",
          "registers", "assessments", "assessment_cancellations", "taxpayers", "payments",
          "payment_reversals", "deposits", "deposit_items", "deposit_validations",
          "confirmations", "cash_closes", "closed_days", "users", "delegations", "audit_log",
          "events", "idempotency"]
NOW = wib_ms(2026, 11, 23, 9)


class Desk:
    """A user's connection through the proxy: logs in once, then resumes its session on every
    new connection, as paten-desk does after a lost connection."""

    def __init__(self, port, user):
        self.port = port
        self.user = user
        self.c = Client(port)
        self.c.hello()
        self.token = self.c.login(user).session_token

    def reconnect(self):
        self.c.close()
        self.c = Client(self.port)
        self.c.hello()
        self.c.rpc("Resume", session_token=self.token)

    def close(self):
        self.c.close()


class NetcutTest(AssessTestCase):

    def setUp(self):
        super().setUp()
        self.set_clock(freeze_at_ms=NOW)
        self.proxy = Proxy(self.server.port)
        self.desks = {}

    def tearDown(self):
        for d in self.desks.values():
            d.close()
        self.proxy.close()
        super().tearDown()

    def desk(self, user):
        if user not in self.desks:
            self.desks[user] = Desk(self.proxy.port, user)
        return self.desks[user]

    def snapshot(self):
        row = self.db.sql("SELECT " + ", ".join("(SELECT count(*) FROM %s)" % t for t in TABLES))
        return dict(zip(TABLES, (int(x) for x in row.split("|"))))

    def cut(self, user, rpc, grows, mode="reply", **fields):
        """Sends rpc through the proxy with a cut (mode "reply" or "request"), then reconnects,
        resumes and retries with the same key. Checks the change is made once; grows names the
        table that gains one row, or is (table, rows). Returns the retry's reply."""
        grows, n = grows if isinstance(grows, tuple) else (grows, 1)
        fields.setdefault("idempotency_key", key())
        d = self.desk(user)
        before = self.snapshot()
        arm = self.proxy.cut_reply if mode == "reply" else self.proxy.cut_request
        mark = self.server.log_mark()
        cut = arm(TYPE[rpc])
        with self.assertRaises((Closed, OSError), msg=rpc):
            d.c.rpc(rpc, **fields)
        self.assertTrue(cut.done.wait(10), rpc)
        if mode == "reply":
            self.assertFalse(cut.reply[0] & FLAG_ERROR, "%s failed: %r" % (rpc, cut.reply[1]))
            after_cut = self.snapshot()
            self.assertEqual(after_cut[grows], before[grows] + n, rpc)
        else:
            # patend saw the half frame and the end of the connection, and did nothing.
            self.server.wait_for_log(r"peer closed in the middle of a frame", start=mark)
            self.assertEqual(self.snapshot(), before, rpc)
        d.reconnect()
        r = d.c.rpc(rpc, **fields)
        once = self.snapshot()
        self.assertEqual(once[grows], before[grows] + n, rpc)
        if mode == "reply":
            # The retry changed nothing and answered what the cut reply said.
            self.assertEqual(once, after_cut, rpc)
            self.assertEqual(r.SerializeToString(), cut.reply[1], rpc)
        # A third send, still with the key, is a replay too.
        self.assertEqual(d.c.rpc(rpc, **fields).SerializeToString(), r.SerializeToString(), rpc)
        self.assertEqual(self.snapshot(), once, rpc)
        return r

    def file_step(self, user, rpc, f, grows="file_history", mode="reply", **fields):
        return self.cut(user, rpc, grows, mode, file_id=f.id, version=f.version, **fields).file

    def lifecycle(self, mode):
        """An IMB at Kaloran from the counter to the handover, every change through a cut."""
        svc = self.service("loket@kaloran", "imb")
        nik = "332701410190%04d" % (1 if mode == "reply" else 2)
        f = self.cut("loket@kaloran", "TakeIn", "files", mode, service_id=svc.id,
                     applicant=person(nik=nik), fields=imb(), requirements=IMB_REQS).file
        self.assertTrue(f.register_number)
        d = self.cut("camat@kaloran", "Dispose", "dispositions", mode, file_id=f.id,
                     to_role=pb.ROLE_TIM_TEKNIS, instruction="Mohon cek lapangan").disposition
        d = self.cut("tim_teknis@kaloran", "OpenDisposition", "file_history", mode,
                     disposition_id=d.id).disposition
        if f.survey_policy == pb.SURVEY_POLICY_CAMAT_CHOICE:
            f = self.file_step("camat@kaloran", "SetSurvey", f, mode=mode, needed=True)
        f = self.file_step("tim_teknis@kaloran", "SubmitSurvey", f, "file_surveys", mode,
                           date="2026-11-23", team=["Agus"], findings="Sesuai")
        self.assertTrue(f.survey.number)
        self.cut("tim_teknis@kaloran", "CompleteDisposition", "file_history", mode,
                 disposition_id=d.id, version=d.version, response="Sudah dicek")
        f = self.file_step("sekretariat@kaloran", "RecordMeeting", f, "file_meetings", mode,
                           date="2026-11-23", participants=["Camat", "Sekcam"],
                           minutes="Dibahas", decision="Dapat diproses")
        f = self.file_step("sekretariat@kaloran", "Recommend", f, mode=mode, can_process=True)
        # Approved, then waiting for the assessment: two history rows.
        f = self.file_step("camat@kaloran", "Decide", f, ("file_history", 2), mode, approve=True)
        self.assertEqual(f.state, pb.FILE_STATE_AWAITING_ASSESSMENT)
        skrd = "petugas_skrd@dpmptsp-temanggung"
        p = self.desk(skrd).c.rpc("PreviewAssessment", file_id=f.id).assessment
        a = self.cut(skrd, "IssueAssessment", "assessments", mode, file_id=f.id,
                     version=p.file_version, principal=p.principal).assessment
        self.assertTrue(a.number)
        pay = self.cut("kasir@kaloran", "RecordPayment", "payments", mode, assessment_id=a.id,
                       method=pb.PAYMENT_METHOD_CASH, amount=a.principal).payment
        self.assertTrue(pay.receipt_number)
        dep = self.cut("kasir@kaloran", "CreateDeposit", "deposits", mode,
                       treasurer_office_id=pay.treasurer_office_id,
                       payment_ids=[pay.id]).deposit
        dep = self.cut("kasir@kaloran", "ValidateDeposit", "deposit_validations", mode,
                       deposit_id=dep.id, bank_reference="BANK-%s-%d" % (mode, dep.id),
                       validated_at_ms=NOW).deposit
        c = self.cut("bendahara@dpmptsp-temanggung", "Confirm", "confirmations", mode,
                     deposit_id=dep.id, bank_date="2026-11-23",
                     bank_reference=dep.bank_reference, amount=pay.amount).confirmation
        self.assertEqual(c.status, pb.CONFIRMATION_STATUS_CONFIRMED)
        f = self.desk("camat@kaloran").c.rpc("GetFile", file_id=f.id).file
        f = self.file_step("camat@kaloran", "Sign", f, "documents", mode)
        self.assertTrue(f.sk_number)
        f = self.file_step("loket@kaloran", "HandOver", f, mode=mode,
                           received_by_name="Siti Aminah")
        self.assertEqual(f.state, pb.FILE_STATE_HANDED_OVER)
        return f, a, pay

    def others(self, mode, n):
        """Other families: a taxpayer; a cancelled SKRD; a reversal and the day's close; a file
        returned, resumed and withdrawn; a user created, changed, reset and deactivated; a
        delegation given and ended; a regional day."""
        pj = "petugas_pajak@bapenda-temanggung"
        self.cut(pj, "RegisterTaxpayer", "taxpayers", mode, name="Toko %d" % n,
                 address="Desa Kaloran", nik="33270141019100%02d" % n)
        skrd = "petugas_skrd@dpmptsp-temanggung"
        f = self.approved("kaloran", "imb", imb(), IMB_REQS,
                          applicant=person(nik="33270141019300%02d" % n))
        a = self.issue(skrd, f)
        self.cut(skrd, "CancelAssessment", "assessment_cancellations", mode, assessment_id=a.id,
                 file_version=a.file_version, reason="Salah hitung")
        # A payment of a fresh SKRD (made directly), reversed through the cut.
        f = self.approved("kaloran", "imb", imb(), IMB_REQS,
                          applicant=person(nik="33270141019200%02d" % n))
        a = self.issue(skrd, f)
        p = self.as_("kasir@kaloran").rpc("RecordPayment", idempotency_key=key(),
                                          assessment_id=a.id, method=pb.PAYMENT_METHOD_CASH,
                                          amount=a.principal).payment
        self.cut("camat@kaloran", "ReversePayment", "payment_reversals", mode, payment_id=p.id,
                 reason="Salah input")
        self.cut("kasir@kaloran", "CloseCashDay", "cash_closes", mode, counted=0,
                 reason="Dibatalkan, uang dikembalikan")
        svc = self.service("loket@taman", "dispensasi-nikah")
        g = self.as_("loket@taman").rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                                        applicant=person(nik="33270141019400%02d" % n),
                                        fields=DISPENSASI, requirements=DISPENSASI_REQS).file
        g = self.file_step("loket@taman", "ReturnFile", g, mode=mode, reason="KK tidak terbaca",
                           missing=["kk"])
        g = self.file_step("loket@taman", "ResumeFile", g, mode=mode, requirements=["kk"])
        g = self.file_step("loket@taman", "WithdrawFile", g, mode=mode, reason="Ditunda")
        self.assertEqual(g.state, pb.FILE_STATE_WITHDRAWN)
        admin = "admin@pemda-temanggung"
        offices = self.as_(admin).rpc("ListOffices").offices
        office = [o.id for o in offices if o.code == "kaloran"][0]
        u = self.cut(admin, "CreateUser", "users", mode, username="staf%d@kaloran" % n,
                     name="Staf %d" % n, office_id=office, roles=[pb.ROLE_LOKET],
                     initial_password="sementara-%d-2026" % n).user
        u = self.cut(admin, "UpdateUser", "audit_log", mode, user_id=u.id, version=u.version,
                     name="Staf Loket %d" % n, roles=[pb.ROLE_LOKET]).user
        u = self.cut(admin, "ResetPassword", "audit_log", mode, user_id=u.id,
                     new_password="sementara-lagi-%d" % n).user
        self.cut(admin, "DeactivateUser", "audit_log", mode, user_id=u.id, version=u.version,
                 reason="Pindah tugas")
        sek = self.as_("sekretariat@kaloran").session.session.user.id
        d = self.cut("camat@kaloran", "CreateDelegation", "delegations", mode, to_user_id=sek,
                     kind=pb.DELEGATION_KIND_PLH, valid_from_ms=NOW - 1000,
                     valid_until_ms=NOW + 3600 * 1000, reason="Dinas luar %d" % n).delegation
        self.cut("camat@kaloran", "EndDelegation", "audit_log", mode, delegation_id=d.id,
                 reason="Sudah kembali")
        self.cut(admin, "AddRegionalDay", "closed_days", mode, date="2026-12-%02d" % (10 + n),
                 name="Hari jadi %d" % n)

    def test_reply_cut_then_retried_with_the_same_key(self):
        f, a, pay = self.lifecycle("reply")
        self.others("reply", 1)
        self.assert_clean()
        # The desk saw its receipt only through the retry: it is the one in the database.
        self.assertEqual(self.db.sql("SELECT receipt_number FROM payments WHERE assessment_id = %d"
                                     % a.id), pay.receipt_number)

    def test_request_cut_in_half_then_retried(self):
        self.lifecycle("request")
        self.others("request", 2)
        self.assert_clean()

    def test_patenctl_through_a_cut_reply(self):
        """patenctl is one-shot: the cut reply ends it with exit 3 (connection), no retry of its
        own; the same command again with the same --key prints the receipt that was cut and
        pays once. The assessment is named by its number, as a cashier types it: once paid,
        nothing is owed on it, and patenctl still finds it for the retry."""
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        a = self.issue("petugas_skrd@dpmptsp-temanggung", f)
        k = key()
        argv = [os.environ["PATENCTL"], "--server", "127.0.0.1:%d" % self.proxy.port,
                "--user", "kasir@kaloran", "--timeout", "30", "pay", "record", a.number,
                "--amount", str(a.principal), "--key", k, "--json"]
        env = dict(os.environ, PATEN_PASSWORD=DEMO_PASSWORD)
        cut = self.proxy.cut_reply(TYPE["RecordPayment"])
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        self.assertTrue(cut.done.is_set(), p.stdout + p.stderr)
        self.assertEqual(p.returncode, 3, p.stdout + p.stderr)
        self.assertNotIn("ERROR: AddressSanitizer", p.stderr)
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments"), "1")
        lost = pb.PaymentReply()
        lost.ParseFromString(cut.reply[1])
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn('"receiptNumber" : "%s"' % lost.payment.receipt_number, p.stdout)
        self.assertEqual(self.db.sql("SELECT count(*) || ' ' || min(receipt_number) FROM payments"),
                         "1 " + lost.payment.receipt_number)
        # The same key with another amount is refused, not paid again.
        argv[argv.index("--amount") + 1] = str(a.principal + 1)
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("IDEMPOTENCY_MISMATCH", p.stderr)
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments"), "1")
        # Another key for the paid number is ALREADY_PAID, not "nothing owed".
        k2 = argv.index("--key") + 1
        argv[k2] = key()
        argv[argv.index("--amount") + 1] = str(a.principal)
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("ALREADY_PAID", p.stderr)
        self.assertEqual(self.db.sql("SELECT count(*) FROM payments"), "1")

    def test_the_desks_connection_resends_through_a_cut_reply(self):
        """paten-desk's PatenConnection (auto-reconnect, as the desk sets it; tests/faults/
        desk_pay.c): the reply cut, it reconnects through the proxy by itself, resumes the
        session, sends the same bytes (the key it filled in) and gets the receipt that was cut;
        one payment."""
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        a = self.issue("petugas_skrd@dpmptsp-temanggung", f)
        mark = self.server.log_mark()
        cut = self.proxy.cut_reply(TYPE["RecordPayment"])
        p = subprocess.run([os.environ["PATEN_DESK_PAY"], "127.0.0.1:%d" % self.proxy.port,
                            "kasir@kaloran", str(a.id), str(a.principal)],
                           env=dict(os.environ, PATEN_PASSWORD=DEMO_PASSWORD),
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(cut.done.is_set())
        lost = pb.PaymentReply()
        lost.ParseFromString(cut.reply[1])
        self.assertEqual(p.stdout, lost.payment.receipt_number + "\n")
        self.assertEqual(self.proxy.accepted, 2)
        self.server.wait_for_log(r"kasir@kaloran resumed session", start=mark)
        self.server.wait_for_log(r"replayed from idempotency key", start=mark)
        self.assertEqual(self.db.sql("SELECT count(*) || ' ' || min(receipt_number) FROM payments"),
                         "1 " + lost.payment.receipt_number)

    def assert_clean(self):
        r = self.as_("auditor@kaloran").rpc("CheckInvariants")
        self.assertEqual(list(r.violations), [])
        v = self.as_("auditor@pemda-temanggung").rpc("VerifyAudit")
        self.assertTrue(v.intact, [(c.office_code, c.problem) for c in v.chains])
        # Every number of every register used once, 1..N without a hole.
        holes = self.db.sql(
            "SELECT count(*) FROM registers r WHERE r.last_no <> (SELECT count(DISTINCT d.seq) "
            "FROM documents d WHERE (d.office_id, d.kind, d.series, d.year) = "
            "(r.office_id, r.kind, r.series, r.year) AND d.seq BETWEEN 1 AND r.last_no)")
        self.assertEqual(holes, "0")


if __name__ == "__main__":
    main()
