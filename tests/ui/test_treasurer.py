"""paten-desk: the "Bendahara" workspace of a treasurer. DPMPTSP Temanggung's treasurer has it
open when, over the protocol, a Kaloran IMB file is taken to its SKRD, paid in cash at the
kecamatan's cashier and put in a deposit slip (STS): the STS appears on the desk with nothing
touched (DepositChanged pushed to the treasurer's office), not yet validated. The cashier records
the bank's validation (over the protocol) and the row shows it by itself; the treasurer confirms
it in the desk with the expected amount, and the server has it CONFIRMED. The reconciliation of
the month is exported as CSV naming the receipt. A second scenario: another amount at the bank
is a discrepancy, shown, then resolved with a reason in the same dialog; and a bank statement
imported from a CSV file confirms a QRIS payment, records another's discrepancy (resolved from
the import's result) and names the line it could not match; a transfer is confirmed by hand
from the reconciliation's table.
Everything checked on the desk is also checked over the protocol, against the real patend."""

import csv
import os
import shutil
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import desk_test as dt  # noqa: E402
from test_account import unnamed_interactive  # noqa: E402
from test_assess import IMB, IMB_REQS  # noqa: E402
from paten_test import pb  # noqa: E402

TREASURER = "bendahara@dpmptsp-temanggung"
KASIR = "kasir@kaloran"
AMOUNT = "Rp 337.500"  # 72 x 0,75 x 0,5 x 12.500 (test_assess.py)


def key():
    return str(uuid.uuid4())


def screenshot_dir():
    folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
    os.makedirs(folder, exist_ok=True)
    return folder


class TreasurerTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-treasurer-")
        self.users = {}
        self.niks = iter("33270141019000%02d" % i for i in range(1, 99))

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def new_server(self):
        # Overdue cash is looked for every 200 ms (30 s by default).
        return dt.pt.Patend(self.db.patend_args() + [
            "--demo", "--listen", "127.0.0.1:%d" % self.port, "--deposit-watch", "200ms"],
            env={"PATEN_DEMO_PASSWORD": dt.DEMO_PASSWORD})

    def set_clock(self, **change):
        self.client().call(dt.pt.SET_TEST_CLOCK, pb.SetTestClockRequest(**change))

    # ---- the protocol side -------------------------------------------------------------------

    def as_(self, user):
        if user not in self.users:
            c = self.client()
            c.login(user)
            self.users[user] = c
        return self.users[user]

    def act(self, user, rpc, f, **fields):
        return self.as_(user).rpc(rpc, idempotency_key=key(), file_id=f.id, version=f.version,
                                  **fields).file

    def now(self):
        return self.client().call(pb.MessageType.Value("MESSAGE_TYPE_PING"),
                                  pb.PingRequest()).server_time_ms

    def paid(self, method=pb.PAYMENT_METHOD_CASH, reference=""):
        """A Kaloran IMB file taken to its SKRD and paid at the kecamatan's cashier."""
        loket = self.as_("loket@kaloran")
        svc = [s for s in loket.rpc("ListServices").services if s.code == "imb"][0]
        f = loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                      applicant=pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=next(self.niks),
                                             name="Siti Aminah", address="Desa Kaloran",
                                             phone="081234567890"),
                      fields=IMB, requirements=IMB_REQS).file
        f = self.act("tim_teknis@kaloran", "SubmitSurvey", f, date="2026-11-20", team=["Agus"],
                     findings="Sesuai permohonan",
                     measurements=[pb.FieldValue(name="luas_bangunan", value="72")])
        f = self.act("sekretariat@kaloran", "Recommend", f, can_process=True)
        f = self.act("camat@kaloran", "Decide", f, approve=True)
        officer = self.as_("petugas_skrd@dpmptsp-temanggung")
        preview = officer.rpc("PreviewAssessment", file_id=f.id).assessment
        a = officer.rpc("IssueAssessment", idempotency_key=key(), file_id=f.id,
                        version=preview.file_version, principal=preview.principal).assessment
        self.assertEqual(a.principal, 337500)
        return self.as_(KASIR).rpc("RecordPayment", idempotency_key=key(), assessment_id=a.id,
                                   method=method, reference=reference,
                                   amount=a.principal).payment

    def deposit(self, p):
        return self.as_(KASIR).rpc("CreateDeposit", idempotency_key=key(),
                                   treasurer_office_id=p.treasurer_office_id,
                                   payment_ids=[p.id]).deposit

    def validate(self, d):
        return self.as_(KASIR).rpc("ValidateDeposit", idempotency_key=key(), deposit_id=d.id,
                                   bank_reference="BANK-%d" % d.id,
                                   validated_at_ms=self.now()).deposit

    def listed(self, number):
        return [x for x in self.as_(TREASURER).rpc("ListDeposits").deposits
                if x.number == number][0]

    # ---- the desk side -----------------------------------------------------------------------

    def open_workspace(self, d):
        name = self.as_(TREASURER).session.session.user.name
        main = d.workspace(d.main_window(name), "Bendahara")
        return main, d.named("Setoran masuk", "list box", main)

    def row(self, d, deposits, number, text):
        """The deposit's row once it shows text (rows are rebuilt on each change)."""
        return d.find(lambda n: n.roleName == "list item" and n.name == number and n.showing
                      and n.findChildren(dt.Where(lambda c: c.roleName == "label"
                                                  and text in c.name, "label %r" % text)),
                      "row of %s showing %r" % (number, text), root=deposits, recursive=False)

    def dialog(self, d, title):
        return d.find(lambda n: n.roleName == "dialog" and n.name.startswith(title) and n.showing,
                      "dialog %r" % title)

    # ---- scenarios ---------------------------------------------------------------------------

    def test_a_deposit_arrives_live_is_confirmed_and_exported(self):
        export = os.path.join(self.tmp, "rekonsiliasi.csv")
        d = self.start_desk(env={"PATEN_DESK_EXPORT_TO": export})
        d.login(TREASURER)
        main, deposits = self.open_workspace(d)
        d.label_with("Setoran: 0, belum dikonfirmasi: 0", root=main)  # loaded, and empty
        # The treasurer has this workspace and the account, nothing else.
        self.assertEqual([c.name for c in d.named("Ruang kerja", root=main).children],
                         ["Bendahara", "Akun"])

        # At the kecamatan: paid in cash and put in an STS. Nothing is touched on this desk.
        p = self.paid()
        sts = self.deposit(p)
        self.assertEqual(sts.total, 337500)
        row = self.row(d, deposits, sts.number, "Belum divalidasi bank")
        d.named("%s · Kecamatan Kaloran" % sts.number, "label", row)
        d.named(AMOUNT, "label", row)
        d.named("Belum dikonfirmasi", "label", row)
        d.find(lambda n: n.roleName == "label" and n.name.startswith("Kasir: "),
               "the cashier", root=row)
        d.label_with("Setoran: 1, belum dikonfirmasi: 1", root=main)
        # Not validated by the bank yet: nothing to confirm.
        self.assertEqual(row.findChildren(dt.Where(lambda n: n.roleName == "push button",
                                                   "a button")), [])

        # The bank validates it (the cashier records it): the row shows it by itself.
        v = self.validate(sts)
        row = self.row(d, deposits, sts.number, "Divalidasi bank: " + v.bank_reference)
        self.assertEqual(unnamed_interactive(main, []), [])
        dt.screenshot(main, os.path.join(screenshot_dir(), "bendahara-setoran.png"))

        # Confirmed in the desk with the amount expected (pre-filled) and the bank's reference.
        d.activate(d.named("Konfirmasi " + sts.number, "push button", row))
        dlg = self.dialog(d, "Konfirmasi " + sts.number)
        self.assertEqual(d.named("Jumlah di bank", "text", dlg).text, "337.500")
        self.assertEqual(d.named("Referensi bank", "text", dlg).text, v.bank_reference)
        self.assertEqual(unnamed_interactive(dlg, []), [])
        dt.screenshot(dlg, os.path.join(screenshot_dir(), "bendahara-konfirmasi.png"))
        d.activate(d.named("Konfirmasi", "push button", dlg))
        d.label_with("Dikonfirmasi dengan bank: %s, referensi %s." % (AMOUNT, v.bank_reference),
                     root=main)
        self.row(d, deposits, sts.number, "Dikonfirmasi")
        got = self.listed(sts.number)
        self.assertEqual((got.confirmation.status, got.confirmation.amount),
                         (pb.CONFIRMATION_STATUS_CONFIRMED, 337500))

        # The month's reconciliation (reloaded by the change) exported as CSV.
        d.find(lambda n: n.roleName == "table cell" and n.name == p.receipt_number,
               "the payment in the reconciliation",
               root=d.named("Pembayaran dalam periode", "table", main))
        d.activate(d.named("Ekspor CSV", "push button", main))
        d.label_with("Rekonsiliasi disimpan ke " + export, root=main)
        with open(export, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        mine = [r for r in rows if r["tanda_terima"] == p.receipt_number]
        self.assertEqual(len(mine), 1, rows)
        self.assertEqual((mine[0]["jumlah"], mine[0]["setoran"], mine[0]["konfirmasi"],
                          mine[0]["cara"]), ("337500", sts.number, "Dikonfirmasi", "Tunai"))
        r = self.as_(TREASURER).rpc("Reconcile", treasurer_office_id=p.treasurer_office_id,
                                    from_date=p.received_date, to_date=p.received_date)
        self.assertEqual((r.total.collected, r.total.confirmed), (337500, 337500))
        dt.screenshot(main, os.path.join(screenshot_dir(), "bendahara-rekonsiliasi.png"))

    def test_a_discrepancy_is_resolved_and_a_statement_imported(self):
        statement = os.path.join(self.tmp, "rekening.csv")
        d = self.start_desk(env={"PATEN_DESK_IMPORT_FROM": statement})
        d.login(TREASURER)
        main, deposits = self.open_workspace(d)
        p = self.paid()
        sts = self.validate(self.deposit(p))
        row = self.row(d, deposits, sts.number, "Divalidasi bank: ")

        # The bank shows Rp 500 less: the difference is said before sending, then recorded.
        d.activate(d.named("Konfirmasi " + sts.number, "push button", row))
        dlg = self.dialog(d, "Konfirmasi " + sts.number)
        d.set_text(d.named("Jumlah di bank", "text", dlg), "337.000")
        d.label_with("Seharusnya Rp 337.500: selisih -Rp 500.", root=dlg)
        d.activate(d.named("Konfirmasi", "push button", dlg))
        d.label_with("Selisih: bank menunjukkan Rp 337.000", root=dlg)
        self.assertEqual(self.listed(sts.number).confirmation.status,
                         pb.CONFIRMATION_STATUS_DISCREPANCY)
        # The reason is required; with it, resolved.
        d.activate(d.named("Selesaikan selisih", "push button", dlg))
        d.label_with("Berikan alasan selisih.", root=dlg)
        d.set_text(d.named("Alasan selisih", "text", dlg), "Biaya administrasi bank Rp 500")
        d.activate(d.named("Selesaikan selisih", "push button", dlg))
        d.label_with("Selisih telah diselesaikan: Biaya administrasi bank Rp 500.", root=main)
        self.row(d, deposits, sts.number, "Selisih diselesaikan")
        got = self.listed(sts.number).confirmation
        self.assertEqual((got.status, got.resolved_reason),
                         (pb.CONFIRMATION_STATUS_RESOLVED, "Biaya administrasi bank Rp 500"))

        # Two QRIS payments, then the bank's statement: it confirms the first, finds the second
        # Rp 500 short (a discrepancy, resolved from the import's result), and names the line
        # it could not match.
        q = self.paid(method=pb.PAYMENT_METHOD_QRIS, reference="QR-77")
        q2 = self.paid(method=pb.PAYMENT_METHOD_QRIS, reference="QR-78")
        # Payments are not pushed to the treasurer: the reconciliation is shown again.
        d.activate(d.named("Tampilkan rekonsiliasi", "push button", main))
        d.find(lambda n: n.roleName == "table cell" and n.name == q2.receipt_number,
               "the QRIS payment", root=d.named("Pembayaran dalam periode", "table", main))
        # A transfer is confirmed by hand from the reconciliation's table.
        t = self.paid(method=pb.PAYMENT_METHOD_TRANSFER, reference="TRF-5")
        d.activate(d.named("Tampilkan rekonsiliasi", "push button", main))
        cell = d.find(lambda n: n.roleName == "table cell" and n.name == t.receipt_number,
                      "the transfer", root=d.named("Pembayaran dalam periode", "table", main))
        cell.doActionNamed("activate")
        dlg = self.dialog(d, "Konfirmasi " + t.receipt_number)
        self.assertEqual(d.named("Referensi bank", "text", dlg).text, "TRF-5")
        d.activate(d.named("Konfirmasi", "push button", dlg))
        d.label_with("Dikonfirmasi dengan bank: %s, referensi TRF-5." % AMOUNT, root=main)
        with open(statement, "w", encoding="utf-8") as f:
            f.write("Tanggal;Referensi;Jumlah\n%s;QR-77;337.500\n%s;TAK-DIKENAL;5.000\n"
                    "%s;QR-78;337.000\n" % (q.received_date, q.received_date, q.received_date))
        d.activate(d.named("Impor rekening koran", "push button", main))
        d.label_with("Rekening koran diimpor: 2 konfirmasi dibuat.", root=main)
        d.label_with("%s: Dikonfirmasi (%s)" % (q.receipt_number, AMOUNT), root=main)
        d.label_with("%s: Selisih terbuka (Rp 337.000)" % q2.receipt_number, root=main)
        d.label_with("baris 3: TAK-DIKENAL, Rp 5.000 — ", root=main)
        dt.screenshot(main, os.path.join(screenshot_dir(), "bendahara-impor.png"))
        d.activate(d.named("Selesaikan selisih " + q2.receipt_number, "push button", main))
        dlg = self.dialog(d, "Selesaikan selisih " + q2.receipt_number)
        d.label_with("Selisih: bank menunjukkan Rp 337.000", root=dlg)
        d.set_text(d.named("Alasan selisih", "text", dlg), "Potongan biaya QRIS")
        d.activate(d.named("Selesaikan selisih", "push button", dlg))
        d.label_with("Selisih telah diselesaikan: Potongan biaya QRIS.", root=main)
        d.wait_gone(lambda n: n.roleName == "push button"
                    and n.name == "Selesaikan selisih " + q2.receipt_number,
                    "the import's resolve button", root=main)
        r = self.as_(TREASURER).rpc("Reconcile", treasurer_office_id=q.treasurer_office_id,
                                    from_date=q.received_date, to_date=q.received_date)
        self.assertEqual({x.id: x.confirmation for x in r.payments
                          if x.id in (q.id, q2.id, t.id)},
                         {q.id: pb.CONFIRMATION_STATUS_CONFIRMED,
                          q2.id: pb.CONFIRMATION_STATUS_RESOLVED,
                          t.id: pb.CONFIRMATION_STATUS_CONFIRMED})

    def test_late_cash_is_a_banner_until_it_is_deposited(self):
        d = self.start_desk()
        d.login(TREASURER)
        main, deposits = self.open_workspace(d)
        d.label_with("Setoran: 0, belum dikonfirmasi: 0", root=main)
        # Cash taken five days ago and never deposited: the alert is raised and pushed.
        self.set_clock(offset_ms=-5 * 24 * 3600 * 1000)
        p = self.paid()
        self.set_clock(reset=True)
        self.users.clear()  # their sessions, idle for five days by that clock, have ended
        banner = d.label_with("1 pembayaran tunai terlambat disetor:", root=main)
        self.assertIn("%s (Kasir Kecamatan Kaloran, %s), batas setor " % (p.receipt_number,
                                                                           AMOUNT), banner.name)
        alerts = self.as_(TREASURER).rpc("ListDepositAlerts").alerts
        self.assertEqual([a.payment.id for a in alerts], [p.id])
        dt.screenshot(main, os.path.join(screenshot_dir(), "bendahara-terlambat.png"))
        # Deposited and validated at last: the alert clears, and so does the banner.
        sts = self.validate(self.deposit(p))
        self.row(d, deposits, sts.number, "Divalidasi bank: ")
        d.wait_gone(lambda n: n.roleName == "label" and n.showing
                    and "terlambat disetor" in n.name, "the late-deposit banner", root=main)
        self.assertEqual(len(self.as_(TREASURER).rpc("ListDepositAlerts").alerts), 0)


if __name__ == "__main__":
    dt.main()
