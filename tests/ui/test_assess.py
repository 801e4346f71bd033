"""paten-desk: the "Penetapan" workspace of the assessing offices. A Temanggung IMB file is
taken in, surveyed, recommended and approved over the protocol by the Kecamatan Kaloran staff;
the request appears in DPMPTSP's officer's queue with nothing touched on the desk (FileChanged
pushed to the assessing office). The officer opens the calculation (PreviewAssessment: every
input, step and the amount in rupiah), corrects an input with a reason (the server computes
again), issues the SKRD and saves it as a PDF; the file is then AWAITING_PAYMENT and its request
leaves the queue by itself. A tariff changed between the preview and the issue is the server's
CONFLICT: said in the dialog, the calculation reloaded, then issued on the new amount. BAPENDA
Pemalang registers a taxpayer (NPWPD) on the way to an SKPD with its SPTPD, prints it and finds
it in the register. The kecamatan's file window shows the assessment and prints the SKRD from its
document list. Everything checked on the desk is also checked over the protocol, against the real
patend."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import desk_test as dt  # noqa: E402
from test_account import unnamed_interactive  # noqa: E402
from paten_test import pb  # noqa: E402

OFFICER = "petugas_skrd@dpmptsp-temanggung"
# The IMB criteria of the demo catalog admit houses only (fungsi HUNIAN); the officer corrects
# the activity to USAHA on the desk: 72 m2 x 0.75 (SEMI_PERMANEN) x 1.5 (USAHA) x Rp 12.500.
IMB = [pb.FieldValue(name=k, value=v) for k, v in dict(
    luas_bangunan="72", jumlah_lantai="1", fungsi_bangunan="HUNIAN",
    kelas_bangunan="SEMI_PERMANEN", lokasi="Desa Kaloran", imb_perumahan="false",
    nama_sesuai_surat_tanah="true").items()]
IMB_REQS = ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]
# Pemalang reklame (seed 004): 2 m x 3 m, two faces, one board = 12 m2 at Rp 10.125 per m2 a
# month for 12 months = Rp 1.458.000, assessed by BAPENDA with an SKPD.
REKLAME = [pb.FieldValue(name=k, value=v) for k, v in dict(
    bentuk="PAPAN", lebar="2", tinggi="3", jumlah_muka="2", jumlah_buah="1",
    lokasi="Jl. Pemuda 1", lama_pemasangan="12", naskah="Toko Maju", di_tempat_usaha="true",
    dalam_satu_kecamatan="true", pemohon_badan_hukum="false", perpanjangan="false").items()]
REKLAME_REQS = ["ktp", "npwp", "contoh-reklame", "persetujuan-tempat", "pengantar-desa"]
TAX_OFFICER = "petugas_pajak@bapenda-pemalang"
NIK = "3327014101900001"
HUNIAN_AMOUNT = "Rp 337.500"      # 72 x 0,75 x 0,5 x 12.500
USAHA_AMOUNT = "Rp 1.012.500"     # 72 x 0,75 x 1,5 x 12.500


def key():
    return str(uuid.uuid4())


def screenshot_dir():
    folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
    os.makedirs(folder, exist_ok=True)
    return folder


class AssessTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-assess-")
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

    def approved(self, kec, code, fields, reqs, measurements=()):
        """A file of service code taken in at kec and approved (AWAITING_ASSESSMENT)."""
        loket = self.as_("loket@" + kec)
        svc = [s for s in loket.rpc("ListServices").services if s.code == code][0]
        f = loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                      applicant=pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=NIK,
                                             name="Siti Aminah", address="Desa " + kec.title(),
                                             phone="081234567890"),
                      fields=fields, requirements=reqs).file
        if f.survey_policy == pb.SURVEY_POLICY_CAMAT_CHOICE:
            f = self.act("camat@" + kec, "SetSurvey", f, needed=True)
        f = self.act("tim_teknis@" + kec, "SubmitSurvey", f, date="2026-11-20", team=["Agus"],
                     findings="Sesuai permohonan", measurements=list(measurements))
        f = self.act("sekretariat@" + kec, "Recommend", f, can_process=True)
        f = self.act("camat@" + kec, "Decide", f, approve=True)
        self.assertEqual(f.state, pb.FILE_STATE_AWAITING_ASSESSMENT)
        return f

    def imb_awaiting_assessment(self):
        """A Kaloran IMB file moved to AWAITING_ASSESSMENT by the kecamatan's staff."""
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
        return f

    # ---- the desk side -----------------------------------------------------------------------

    def open_queue(self, d, user=OFFICER):
        officer = self.as_(user).session.session.user.name
        main = d.workspace(d.main_window(officer), "Penetapan")
        return main, d.named("Antrean penetapan", root=main)

    def dialog(self, d, title):
        return d.find(lambda n: n.roleName == "dialog" and n.name.startswith(title) and n.showing,
                      "dialog %r" % title)

    def pdf_text(self, path):
        """The PDF's text with every run of white space made one space (a value wrapped onto
        the next line still reads as one phrase)."""
        with open(path, "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")
        text = subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                              capture_output=True, text=True).stdout
        return " ".join(text.split())

    # ---- scenarios ---------------------------------------------------------------------------

    def test_a_request_arrives_live_is_assessed_issued_and_saved(self):
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints})
        d.login(OFFICER)
        main, queue = self.open_queue(d)
        d.label_with("Menunggu: 0", root=main)  # loaded, and empty
        # The assessing office's officer has this workspace and the account, nothing else.
        self.assertEqual([c.name for c in d.named("Ruang kerja", root=main).children],
                         ["Penetapan", "Akun"])

        # At the kecamatan: the file is approved and sent for assessment. Nothing is touched on
        # this desk until its row shows.
        f = self.imb_awaiting_assessment()
        row = d.find(lambda n: n.roleName == "list item" and n.name == f.register_number
                     and n.showing, "queue row of %s" % f.register_number, root=queue,
                     recursive=False)
        d.named("%s · %s" % (f.register_number, f.service_name), "label", row)
        d.named("Kecamatan Kaloran · Pemohon: Siti Aminah", "label", row)
        d.find(lambda n: n.roleName == "label" and n.name.startswith("Menunggu ")
               and n.name.endswith(" menit"), "how long it has waited", root=row)
        d.find(lambda n: n.roleName == "label" and n.name.startswith("Tenggat berkas: "),
               "the file's deadline", root=row)
        d.label_with("Menunggu: 1", root=main)
        dt.screenshot(main, os.path.join(screenshot_dir(), "penetapan-antrean.png"))
        seen = []
        self.assertEqual(unnamed_interactive(main, seen), [])

        # The calculation, as the server computes it.
        d.activate(d.named("Tetapkan " + f.register_number, "push button", row))
        dlg = self.dialog(d, "Penetapan berkas " + f.register_number)
        d.named("Jumlah ketetapan " + HUNIAN_AMOUNT, "label", dlg)
        for text in ["Luas bangunan (m2)", "Indeks terintegrasi (kelas bangunan)",
                     "Indeks kegiatan (fungsi bangunan)", "Harga satuan (Rp per m2)", "0,75",
                     "SEMI_PERMANEN", "Retribusi IMB, versi 1 (imb)",
                     "Bunga 2% sebulan, paling lama 6 bulan"]:
            d.label_with(text, root=dlg)
        d.label_with("Peraturan Daerah Kabupaten Temanggung Nomor 10 Tahun 2012", root=dlg)
        preview = self.as_(OFFICER).rpc("PreviewAssessment", file_id=f.id).assessment
        self.assertEqual(preview.principal, 337500)

        # A correction needs its reason; with it, the server computes again.
        # The expander opens through its accessible action (a GtkExpander's is "activate").
        expander = d.named("Koreksi masukan", root=dlg)
        expander.doActionNamed("activate")
        d.find(lambda n: n.roleName == "combo box" and n.name == "Masukan yang dikoreksi"
               and n.showing, "the correction's choice", root=dlg)
        dt.choose(d.named("Masukan yang dikoreksi", "combo box", dlg),
                  "Indeks kegiatan (fungsi bangunan)")
        d.set_text(d.named("Nilai yang benar", "text", dlg), "USAHA")
        d.label_with("Salah satu dari: ", root=dlg)  # the table's keys
        d.activate(d.named("Koreksi dan hitung ulang", "push button", dlg))
        d.label_with("Berikan alasan koreksi.", root=dlg)
        reason = d.named("Alasan koreksi", "text", dlg)
        d.set_text(reason, "Bangunan dipakai untuk toko (hasil cek lapangan)")
        d.press_enter(reason)
        d.named("Jumlah ketetapan " + USAHA_AMOUNT, "label", dlg)
        d.label_with("Bangunan dipakai untuk toko", root=dlg)
        self.assertEqual(unnamed_interactive(dlg, []), [])
        dt.screenshot(dlg, os.path.join(screenshot_dir(), "penetapan.png"))

        # Issued: the number, the amount and the due date come back; the SKRD is saved as a PDF.
        d.activate(d.named("Terbitkan", "push button", dlg))
        issued = d.find(lambda n: n.roleName == "label" and n.showing
                        and n.name.startswith("SKRD ") and "telah diterbitkan: " in n.name,
                        "the issue's notice", root=dlg).name
        self.assertIn(USAHA_AMOUNT, issued)
        number = issued[len("SKRD "):].split(" telah diterbitkan", 1)[0]
        d.activate(d.named("Simpan PDF", "push button", dlg))
        said = d.label_with("SKRD disimpan ke " + self.prints, root=dlg).name
        pdf = said.split(" disimpan ke ", 1)[1].rstrip(".")
        self.assertTrue(os.path.isfile(pdf))
        text = self.pdf_text(pdf)
        for expected in ["SURAT KETETAPAN RETRIBUSI DAERAH (SKRD)", number, f.register_number,
                         "Siti Aminah", USAHA_AMOUNT, "DPMPTSP Kabupaten Temanggung",
                         "Bangunan dipakai untuk toko", "Jatuh tempo"]:
            self.assertIn(expected, text)

        # On the server: the file waits for payment, with this assessment.
        got = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual(got.state, pb.FILE_STATE_AWAITING_PAYMENT)
        self.assertEqual((got.assessment.number, got.assessment.principal), (number, 1012500))
        # ...and its request leaves the queue by itself; the register lists the SKRD.
        d.activate(d.named("Tutup", "push button", dlg))
        d.wait_gone(lambda n: n.roleName == "list item" and n.name == f.register_number,
                    "the queue row", root=queue, recursive=False)
        d.label_with("Menunggu: 0", root=main)
        d.find(lambda n: n.roleName == "table cell" and n.name == number, "the register's row",
               root=d.named("Register penetapan", "table", main))
        save_main = dt.screenshot(main, os.path.join(screenshot_dir(), "penetapan-register.png"))
        self.assertGreater(os.path.getsize(save_main), 20000)

    def test_the_file_window_shows_the_skrd_and_prints_it(self):
        f = self.imb_awaiting_assessment()
        officer = self.as_(OFFICER)
        preview = officer.rpc("PreviewAssessment", file_id=f.id).assessment
        a = officer.rpc("IssueAssessment", idempotency_key=key(), file_id=f.id,
                        version=preview.file_version, principal=preview.principal).assessment
        self.assertEqual(a.principal, 337500)
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints,
                                 "PATEN_DESK_OPEN_FILE": str(f.id)})
        d.login("loket@kaloran")
        win = d.window("Berkas " + f.register_number)
        d.label_with("SKRD %s: %s" % (a.number, HUNIAN_AMOUNT), root=win)
        d.label_with("Menunggu pembayaran", root=win)
        d.activate(d.named("Cetak Surat Ketetapan Retribusi Daerah (SKRD) " + a.number,
                           "push button", win))
        d.label_with("disimpan ke " + self.prints, root=win)
        paths = glob.glob(os.path.join(self.prints, "SKRD-*.pdf"))
        self.assertEqual(len(paths), 1, os.listdir(self.prints))
        text = self.pdf_text(paths[0])
        for expected in ["SURAT KETETAPAN RETRIBUSI DAERAH (SKRD)", a.number, HUNIAN_AMOUNT,
                         "Luas bangunan (m2)"]:
            self.assertIn(expected, text)

    def test_a_tariff_changed_meanwhile_is_a_conflict_and_the_calculation_reloads(self):
        f = self.imb_awaiting_assessment()
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints})
        d.login(OFFICER)
        main, queue = self.open_queue(d)
        row = d.find(lambda n: n.roleName == "list item" and n.name == f.register_number
                     and n.showing, "queue row of %s" % f.register_number, root=queue,
                     recursive=False)
        d.activate(d.named("Tetapkan " + f.register_number, "push button", row))
        dlg = self.dialog(d, "Penetapan berkas " + f.register_number)
        d.named("Jumlah ketetapan " + HUNIAN_AMOUNT, "label", dlg)
        # Meanwhile the ADMIN raises the unit price (a new version of the tariff).
        admin = self.as_("admin@pemda-temanggung")
        t = [x for x in admin.rpc("ListTariffs").tariffs if x.code == "imb"][0]
        t.inputs[3].value = "15000"
        t.effective_from = "2026-11-01"
        self.assertEqual(admin.rpc("SaveTariff", idempotency_key=key(), tariff=t).tariff.version,
                         2)
        # The amount the officer saw is no longer the tariff's: refused, said, and recomputed.
        d.activate(d.named("Terbitkan", "push button", dlg))
        d.label_with("Perhitungan sudah dimuat ulang: periksa kembali, lalu terbitkan lagi.",
                     root=dlg)
        d.named("Jumlah ketetapan Rp 405.000", "label", dlg)  # 72 x 0,75 x 0,5 x 15.000
        d.label_with("Retribusi IMB, versi 2 (imb)", root=dlg)
        self.assertEqual(self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file.state,
                         pb.FILE_STATE_AWAITING_ASSESSMENT)
        # Issued again, on what is shown now.
        d.activate(d.named("Terbitkan", "push button", dlg))
        d.find(lambda n: n.roleName == "label" and n.showing and n.name.startswith("SKRD ")
               and "telah diterbitkan: Rp 405.000" in n.name, "the issue's notice", root=dlg)
        got = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual((got.state, got.assessment.principal, got.assessment.tariff_version),
                         (pb.FILE_STATE_AWAITING_PAYMENT, 405000, 2))

    def test_bapenda_registers_the_taxpayer_and_issues_the_skpd(self):
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints})
        d.login(TAX_OFFICER)
        main, queue = self.open_queue(d, TAX_OFFICER)
        d.label_with("Menunggu: 0", root=main)
        f = self.approved("taman", "reklame", REKLAME, REKLAME_REQS)
        row = d.find(lambda n: n.roleName == "list item" and n.name == f.register_number
                     and n.showing, "queue row of %s" % f.register_number, root=queue,
                     recursive=False)
        d.activate(d.named("Tetapkan " + f.register_number, "push button", row))
        dlg = self.dialog(d, "Penetapan berkas " + f.register_number)
        d.named("Jumlah ketetapan Rp 1.458.000", "label", dlg)
        d.label_with("Pajak (SKPD)", root=dlg)

        # No taxpayer yet: issuing waits for one; the NIK is not registered, so it is.
        d.activate(d.named("Terbitkan", "push button", dlg))
        d.label_with("Cari wajib pajak (atau daftarkan) terlebih dahulu.", root=dlg)
        number = d.named("Nomor wajib pajak", "text", dlg)
        d.set_text(number, NIK)
        d.press_enter(number)
        d.label_with("Belum ada wajib pajak dengan nomor ini", root=dlg)
        nik = d.named("NIK wajib pajak", "text", dlg)
        d.find(lambda n: n == nik and n.text == NIK, "the NIK carried over", root=nik.parent)
        d.set_text(d.named("Nama wajib pajak", "text", dlg), "Siti Aminah")
        d.set_text(d.named("Alamat wajib pajak", "text", dlg), "Desa Taman")
        d.activate(d.named("Daftarkan wajib pajak", "push button", dlg))
        tp = self.as_(TAX_OFFICER).rpc("FindTaxpayer", number=NIK).taxpayer
        d.label_with("NPWPD %s — Siti Aminah, Desa Taman" % tp.npwpd, root=dlg)
        d.set_text(d.named("Nomor SPTPD", "text", dlg), "SPTPD/001/2026")
        d.set_text(d.named("Tanggal SPTPD", "text", dlg), "20-11-2026")
        d.activate(d.named("Terbitkan", "push button", dlg))
        issued = d.find(lambda n: n.roleName == "label" and n.showing
                        and n.name.startswith("SKPD ") and "telah diterbitkan: " in n.name,
                        "the issue's notice", root=dlg).name
        self.assertIn("Rp 1.458.000", issued)
        skpd = issued[len("SKPD "):].split(" telah diterbitkan", 1)[0]
        a = self.as_(TAX_OFFICER).rpc("GetAssessment", number=skpd).assessment
        self.assertEqual((a.kind, a.principal, a.taxpayer.npwpd, a.sptpd_number, a.sptpd_date),
                         (pb.ASSESSMENT_KIND_SKPD, 1458000, tp.npwpd, "SPTPD/001/2026",
                          "2026-11-20"))

        # Printed (the print mode writes the PDF): the taxpayer and the SPTPD are on it.
        d.activate(d.named("Cetak", "push button", dlg))
        said = d.label_with("SKPD disimpan ke " + self.prints, root=dlg).name
        text = self.pdf_text(said.split(" disimpan ke ", 1)[1].rstrip("."))
        for expected in ["SURAT KETETAPAN PAJAK DAERAH (SKPD)", skpd, tp.npwpd,
                         "SPTPD/001/2026 tanggal 20 November 2026", "Rp 1.458.000",
                         "BAPENDA Kabupaten Pemalang"]:
            self.assertIn(expected, text)
        d.activate(d.named("Tutup", "push button", dlg))

        # The register finds it by the applicant's name, and by nothing else that is not there.
        table = d.named("Register penetapan", "table", main)
        search = d.named("Cari penetapan", "text", main)
        d.set_text(search, "tidak ada")
        d.label_with("0 dari 0 ketetapan", root=main)
        d.set_text(search, "Siti")
        d.find(lambda n: n.roleName == "table cell" and n.name == skpd, "the register's row",
               root=table)
        d.label_with("1 dari 1 ketetapan", root=main)


if __name__ == "__main__":
    dt.main()
