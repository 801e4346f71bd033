"""paten-desk: the "Kasir" workspace of the kecamatan's cashier. A Temanggung IMB file is taken
in, surveyed, recommended, approved and assessed over the protocol (an SKRD of Rp 337.500 by
DPMPTSP's officer). The Kaloran cashier finds it in the desk by the file's number, is refused a
wrong amount with the server's difference (nothing paid), pays the right amount in cash, saves
the SSRD as a PDF with its receipt number, sees the cash in the undeposited list with the time
left to its deadline, makes an STS to DPMPTSP, saves it as a PDF and records the bank's
validation; the payment leaves the undeposited list by itself. The daily close refuses a
difference without its reason and prints the figures; a deadline passed on the server's clock
raises the alert banner live. A payment whose reply is lost (the server stopped past the desk's
call time-out, then going on) is retried from the same dialog with the same idempotency key and
gets the first receipt. Everything shown is checked over the protocol too, against the real
patend."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import desk_test as dt  # noqa: E402
from test_account import unnamed_interactive  # noqa: E402
from paten_test import pb  # noqa: E402

CASHIER = "kasir@kaloran"
OFFICER = "petugas_skrd@dpmptsp-temanggung"
# 72 m2 x 0,75 (SEMI_PERMANEN) x 0,5 (HUNIAN) x Rp 12.500 = Rp 337.500 (as in test_assess.py).
IMB = [pb.FieldValue(name=k, value=v) for k, v in dict(
    luas_bangunan="72", jumlah_lantai="1", fungsi_bangunan="HUNIAN",
    kelas_bangunan="SEMI_PERMANEN", lokasi="Desa Kaloran", imb_perumahan="false",
    nama_sesuai_surat_tanah="true").items()]
IMB_REQS = ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]
AMOUNT = "Rp 337.500"
TREASURER = "DPMPTSP Kabupaten Temanggung"


def key():
    return str(uuid.uuid4())


def screenshot_dir():
    folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
    os.makedirs(folder, exist_ok=True)
    return folder


class CashierTest(dt.DeskTestCase):

    def new_server(self):
        # The deposit deadline's watch looks often, so that an alert comes within the test.
        return dt.pt.Patend(self.db.patend_args() + [
            "--demo", "--listen", "127.0.0.1:%d" % self.port, "--deposit-watch", "200ms"],
            env={"PATEN_DEMO_PASSWORD": dt.DEMO_PASSWORD})

    def set_clock(self, **change):
        self.client().call(dt.pt.SET_TEST_CLOCK, pb.SetTestClockRequest(**change))

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-cashier-")
        self.prints = os.path.join(self.tmp, "prints") + "/"
        os.makedirs(self.prints)
        self.users = {}

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp, ignore_errors=True)

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

    def assessed_imb(self):
        """A Kaloran IMB file up to its issued SKRD (AWAITING_PAYMENT): the file and the SKRD."""
        loket = self.as_("loket@kaloran")
        svc = [s for s in loket.rpc("ListServices").services if s.code == "imb"][0]
        f = loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                      applicant=pb.Applicant(kind=pb.APPLICANT_KIND_PERSON,
                                             nik="3327014101900001", name="Siti Aminah",
                                             address="Desa Kaloran", phone="081234567890"),
                      fields=IMB, requirements=IMB_REQS).file
        f = self.act("tim_teknis@kaloran", "SubmitSurvey", f, date="2026-11-20", team=["Agus"],
                     findings="Sesuai permohonan",
                     measurements=[pb.FieldValue(name="luas_bangunan", value="72")])
        f = self.act("sekretariat@kaloran", "Recommend", f, can_process=True)
        f = self.act("camat@kaloran", "Decide", f, approve=True)
        self.assertEqual(f.state, pb.FILE_STATE_AWAITING_ASSESSMENT)
        officer = self.as_(OFFICER)
        preview = officer.rpc("PreviewAssessment", file_id=f.id).assessment
        a = officer.rpc("IssueAssessment", idempotency_key=key(), file_id=f.id,
                        version=preview.file_version, principal=preview.principal).assessment
        self.assertEqual(a.principal, 337500)
        return f, a

    # ---- the desk side -----------------------------------------------------------------------

    def dialog(self, d, title):
        return d.find(lambda n: n.roleName == "dialog" and n.name.startswith(title) and n.showing,
                      "dialog %r" % title)

    def pdf_text(self, path):
        with open(path, "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")
        text = subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                              capture_output=True, text=True).stdout
        return " ".join(text.split())

    def saved_pdf(self, d, what, root):
        said = d.label_with(what + " disimpan ke " + self.prints, root=root).name
        pdf = said.split(" disimpan ke ", 1)[1].rstrip(".")
        self.assertTrue(os.path.isfile(pdf), pdf)
        return self.pdf_text(pdf)

    # ---- scenarios ---------------------------------------------------------------------------

    def test_a_bill_found_paid_in_cash_and_deposited_with_an_sts(self):
        f, a = self.assessed_imb()
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints})
        d.login(CASHIER)
        cashier = self.as_(CASHIER).session.session.user.name
        main = d.workspace(d.main_window(cashier), "Kasir")
        # The cashier has this workspace and the account, as before: nothing else.
        self.assertEqual([c.name for c in d.named("Ruang kerja", root=main).children],
                         ["Kasir", "Akun"])
        d.label_with("0 pembayaran, Rp 0", root=main)  # loaded, and empty

        # Found by the file's number, with today's figures.
        search = d.named("Cari tagihan", "text", main)
        d.set_text(search, f.register_number)
        d.press_enter(search)
        found = d.named("Tagihan ditemukan", root=main)
        row = d.find(lambda n: n.roleName == "list item" and n.name == a.number and n.showing,
                     "the bill of %s" % a.number, root=found, recursive=False)
        d.label_with("Siti Aminah · " + f.register_number, root=row)
        d.label_with("Pokok %s · terlambat 0 bulan · bunga Rp 0" % AMOUNT, root=row)
        d.label_with("Tagihan hari ini " + AMOUNT, root=row)
        self.assertEqual(unnamed_interactive(main, []), [])

        # The payment dialog: the total pre-filled; a wrong amount is the server's refusal.
        d.activate(d.named("Bayar " + a.number, "push button", row))
        dlg = self.dialog(d, "Pembayaran " + a.number)
        d.named("Jumlah hari ini " + AMOUNT, "label", dlg)
        amount = d.named("Jumlah diterima", "text", dlg)
        self.assertEqual(amount.text, "337500")
        self.assertEqual(unnamed_interactive(dlg, []), [])
        d.set_text(amount, "300.000")
        d.activate(d.named("Bayar", "push button", dlg))
        refused = d.find(lambda n: n.roleName == "label" and n.showing and "kurang Rp 37.500" in n.name,
                         "the server's difference", root=dlg).name
        self.assertNotIn("Dibayar", refused)
        self.assertEqual(len(self.as_(CASHIER).rpc("ListPayments").payments), 0)

        # The right amount, in cash: the receipt's number, and its SSRD saved as a PDF.
        d.set_text(amount, "337.500")
        d.activate(d.named("Bayar", "push button", dlg))
        paid = d.label_with("Dibayar: %s. Nomor bukti bayar " % AMOUNT, root=dlg).name
        receipt = paid.split("Nomor bukti bayar ", 1)[1].rstrip(".")
        dt.screenshot(dlg, os.path.join(screenshot_dir(), "kasir-bayar.png"))
        d.activate(d.named("Simpan PDF", "push button", dlg))
        text = self.saved_pdf(d, "SSRD", dlg)
        for expected in ["SURAT SETORAN RETRIBUSI DAERAH (SSRD)", receipt, a.number,
                         f.register_number, "Siti Aminah", AMOUNT, TREASURER]:
            self.assertIn(expected, text)
        p = [x for x in self.as_(CASHIER).rpc("ListPayments").payments
             if x.receipt_number == receipt][0]
        self.assertEqual((p.amount, p.method, p.assessment_id),
                         (337500, pb.PAYMENT_METHOD_CASH, a.id))
        d.activate(d.named("Tutup", "push button", dlg))

        # The cash waits for its deposit, with the time left to the deadline.
        cash = d.named("Uang tunai belum disetor", "list box", main)
        crow = d.find(lambda n: n.roleName == "list item" and n.name == receipt and n.showing,
                      "the undeposited row of %s" % receipt, root=cash, recursive=False)
        d.find(lambda n: n.roleName == "label" and n.showing
               and n.name.startswith("Setor paling lambat ") and n.name.endswith(" lagi)"),
               "the deposit deadline", root=crow)
        d.label_with("untuk " + TREASURER, root=crow)
        self.assertGreater(p.deposit_deadline_ms, p.received_at_ms)
        d.label_with("1 pembayaran, " + AMOUNT, root=main)
        dt.screenshot(main, os.path.join(screenshot_dir(), "kasir.png"))

        # The STS to DPMPTSP's treasurer, saved as a PDF.
        d.activate(d.named("Buat STS", "push button", main))
        sts = self.dialog(d, "Buat STS")
        d.find(lambda n: n.roleName == "check box" and n.name == receipt and n.checked,
               "the payment ticked", root=sts)
        d.label_with("1 pembayaran dipilih: " + AMOUNT, root=sts)
        self.assertEqual(unnamed_interactive(sts, []), [])
        d.activate(d.named("Buat STS", "push button", sts))
        made = d.label_with("dibuat: %s, 1 pembayaran, kepada %s." % (AMOUNT, TREASURER),
                            root=sts).name
        number = made[len("STS "):].split(" dibuat:", 1)[0]
        d.activate(d.named("Simpan PDF", "push button", sts))
        text = self.saved_pdf(d, "STS", sts)
        for expected in ["SURAT TANDA SETORAN (STS)", number, receipt, f.register_number,
                         AMOUNT, TREASURER]:
            self.assertIn(expected, text)

        # On the server: the payment is in this deposit, of this total.
        kasir = self.as_(CASHIER)
        p = [x for x in kasir.rpc("ListPayments").payments if x.receipt_number == receipt][0]
        self.assertEqual(p.deposit_number, number)
        dep = [x for x in kasir.rpc("ListDeposits").deposits if x.number == number][0]
        self.assertEqual((dep.id, dep.total, dep.treasurer_office_name),
                         (p.deposit_id, 337500, TREASURER))
        self.assertEqual(len(kasir.rpc("ListUndeposited").payments), 0)

        # The bank's validation: the deposit is made.
        d.set_text(d.named("Referensi validasi bank", "text", sts), "BRI-VAL-0001")
        d.activate(d.named("Catat validasi bank", "push button", sts))
        d.label_with("Validasi bank atas STS %s dicatat: BRI-VAL-0001" % number, root=sts)
        dep = [x for x in kasir.rpc("ListDeposits").deposits if x.number == number][0]
        self.assertEqual(dep.bank_reference, "BRI-VAL-0001")
        dt.screenshot(sts, os.path.join(screenshot_dir(), "kasir-sts.png"))
        d.activate(d.named("Tutup", "push button", sts))
        # ...and the cash has left the undeposited list by itself.
        d.wait_gone(lambda n: n.roleName == "list item" and n.name == receipt,
                    "the undeposited row", root=cash, recursive=False)
        d.label_with("0 pembayaran, Rp 0", root=main)

    def test_the_cash_day_closed_with_a_difference_and_an_overdue_deposit_flagged_live(self):
        # The sessions outlive the day the business clock is moved on below (read at login).
        self.db.sql("INSERT INTO settings (key, value, updated_at) VALUES "
                    "('auth.session_idle_minutes', '4320', now()) ON CONFLICT (key) DO UPDATE "
                    "SET value = excluded.value")
        f, a = self.assessed_imb()
        kasir = self.as_(CASHIER)
        p = kasir.rpc("RecordPayment", idempotency_key=key(), assessment_id=a.id,
                      method=pb.PAYMENT_METHOD_CASH, amount=337500).payment
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints})
        d.login(CASHIER)
        main = d.workspace(d.main_window(kasir.session.session.user.name), "Kasir")
        cash = d.named("Uang tunai belum disetor", "list box", main)
        row = d.find(lambda n: n.roleName == "list item" and n.name == p.receipt_number
                     and n.showing, "the undeposited row", root=cash, recursive=False)
        d.label_with("Setor paling lambat ", root=row)

        # Tutup kas: today's figures; a count that differs needs its reason.
        d.activate(d.named("Tutup kas hari ini", "push button", main))
        dlg = self.dialog(d, "Tutup kas hari ini")
        d.label_with(TREASURER, root=dlg)
        d.named(AMOUNT, "label", dlg)
        self.assertEqual(unnamed_interactive(dlg, []), [])
        d.set_text(d.named("Uang tunai yang dihitung", "text", dlg), "330.000")
        d.activate(d.named("Tutup kas", "push button", dlg))
        d.label_with("Hasil hitung berbeda dari %s di tangan menurut catatan" % AMOUNT, root=dlg)
        d.set_text(d.named("Alasan selisih kas", "text", dlg), "Uang kembalian kurang")
        d.activate(d.named("Tutup kas", "push button", dlg))
        d.label_with("Kas hari ini ditutup: dihitung Rp 330.000, menurut catatan %s, "
                     "selisih -Rp 7.500." % AMOUNT, root=dlg)
        closes = kasir.rpc("ListCashCloses").closes
        self.assertEqual([(c.expected, c.counted, c.difference, c.reason) for c in closes],
                         [(337500, 330000, -7500, "Uang kembalian kurang")])
        d.activate(d.named("Simpan PDF", "push button", dlg))
        text = self.saved_pdf(d, "Tutup kas", dlg)
        for expected in ["TUTUP KAS HARIAN", AMOUNT, "Rp 330.000", "-Rp 7.500",
                         "Uang kembalian kurang", "Per bendahara",
                         TREASURER + ": diterima " + AMOUNT + " = terkonfirmasi Rp 0"]:
            self.assertIn(expected, text)
        d.activate(d.named("Tutup", "push button", dlg))

        # The deadline passes (the server's clock moved just past it): the alert comes by itself.
        self.set_clock(offset_ms=p.deposit_deadline_ms - p.received_at_ms + 60 * 1000)
        d.label_with("Pembayaran tunai terlambat disetor:", root=main)
        d.label_with(p.receipt_number + " · Siti Aminah · " + AMOUNT, root=main)
        row = d.find(lambda n: n.roleName == "list item" and n.name == p.receipt_number
                     and n.showing, "the undeposited row", root=cash, recursive=False)
        d.label_with("Terlambat: batas setor ", root=row)
        self.assertEqual([x.payment.id for x in kasir.rpc("ListDepositAlerts").alerts], [p.id])
        dt.screenshot(main, os.path.join(screenshot_dir(), "kasir-terlambat.png"))

    def test_a_retry_after_a_lost_reply_gets_the_first_receipt(self):
        f, a = self.assessed_imb()
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints})
        d.login(CASHIER)
        kasir = self.as_(CASHIER)
        main = d.workspace(d.main_window(kasir.session.session.user.name), "Kasir")
        search = d.named("Cari tagihan", "text", main)
        d.set_text(search, a.number)
        d.press_enter(search)
        row = d.find(lambda n: n.roleName == "list item" and n.name == a.number and n.showing,
                     "the bill of %s" % a.number, root=d.named("Tagihan ditemukan", root=main),
                     recursive=False)
        d.activate(d.named("Bayar " + a.number, "push button", row))
        dlg = self.dialog(d, "Pembayaran " + a.number)
        # The server stops answering while the payment is on its way: the desk gives up waiting
        # (its call time-out); then the server goes on and takes the money, its reply lost.
        os.kill(self.server.proc.pid, signal.SIGSTOP)
        try:
            d.activate(d.named("Bayar", "push button", dlg))
            try:
                d.label_with("Server tidak menjawab", root=dlg)
            except Exception:
                d.label_with("Server tidak menjawab", root=dlg)  # the time-out is 30 s
        finally:
            os.kill(self.server.proc.pid, signal.SIGCONT)
        taken = None
        for _ in range(40):
            taken = [x for x in kasir.rpc("ListPayments").payments if x.assessment_id == a.id]
            if taken:
                break
            time.sleep(0.25)
        self.assertEqual(len(taken), 1)
        # "Bayar" again, from the same dialog: the same key, so the first receipt, not a second
        # payment nor ALREADY_PAID.
        d.activate(d.named("Bayar", "push button", dlg))
        d.label_with("Dibayar: %s. Nomor bukti bayar %s." % (AMOUNT, taken[0].receipt_number),
                     root=dlg)
        self.assertEqual([x.receipt_number for x in kasir.rpc("ListPayments").payments
                          if x.assessment_id == a.id], [taken[0].receipt_number])


if __name__ == "__main__":
    dt.main()
