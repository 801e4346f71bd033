"""paten-desk: the counter's "Loket" workspace against a real patend. A Dispensasi Nikah file taken
in with the keyboard only (service found by typing, applicant by NIK, the form, the requirements,
Alt+T) whose receipt prints to PDF with the register number the server gave; an incomplete
submission, handed in with a power of attorney, whose return slip lists what is missing and starts
no file; a wrong NIK, NIB or date refused next to its field, and the service's criteria; numbers
and choices sent in their canonical form; a TakeIn reply lost on the way that makes no second
file; a new version of the service arriving while the form is filled; a renewal chosen from the
applicant's handed-over permits and linked to the one it renews; and the screenshot of the filled
form (docs/screenshots/loket.png)."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid

import desk_test as dt
from dogtail import rawinput  # noqa: E402  (desk_test configures dogtail first)

LOKET = "loket@taman"
LOKET_NAME = "Loket Kecamatan Taman"
NIK = "3327014101900001"
APPLICANT = "Siti Aminah"


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout


class CuttingProxy:
    """A TCP proxy between a desk and patend. Armed, it passes the desk's next request on to the
    server and then, instead of passing the server's answer back, drops both connections: the
    request was carried out, its reply is lost. Later connections pass everything."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.armed = False
        self.request_sent = False
        self.cut = threading.Event()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self):
        with self.lock:
            self.armed, self.request_sent = True, False

    def close(self):
        self.closed = True
        self.listener.close()

    def _accept(self):
        while not self.closed:
            try:
                desk, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(desk, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, desk, False), daemon=True).start()

    def _pump(self, src, dst, upstream):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    if self.armed and upstream:
                        self.request_sent = True
                    elif self.armed and self.request_sent:
                        self.armed = False
                        self.cut.set()
                        break
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


class IntakeTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-intake-")
        # The desk's print mode: each printed document goes to <kind>-<number>.pdf in here.
        self.desk_env = {"PATEN_DESK_PRINT_TO": self.tmp + "/"}

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- helpers -------------------------------------------------------------------------------

    def open_counter(self):
        d = self.start_desk()
        d.login(LOKET)
        main = d.workspace(d.main_window(LOKET_NAME), "Loket")
        # The list of services has loaded.
        d.named("Dispensasi Nikah", "list item", d.named("Daftar layanan", root=main))
        return d, main

    def focused(self, d, name, role, root):
        """Waits until the widget called name has the keyboard focus (the Tab order is right)."""
        return d.find(lambda n: n.name == name and n.roleName == role and n.focused,
                      "focus on %s %r" % (role, name), root)

    def pick_service(self, d, main, text="dispensasi", code="dispensasi-nikah"):
        search = d.named("Cari layanan", "text", main)
        d.set_text(search, text)
        d.press_enter(search)
        d.label_with(code + " · ", main)  # the chosen service's details
        return self.focused(d, "NIK", "text", main)

    def fill_applicant(self, d, main):
        d.set_text(d.named("NIK", "text", main), NIK)
        d.set_text(d.named("Nama pemohon", "text", main), APPLICANT)
        d.set_text(d.named("Alamat", "text", main), "Desa Taman")
        d.set_text(d.named("Telepon", "text", main), "081234567890")

    def fill_form(self, d, main, requirements):
        """Fills the applicant and the form through the accessible text (not the keyboard), and
        ticks the requirements named."""
        self.fill_applicant(d, main)
        d.set_text(d.named("Nama calon suami", "text", main), "Budi")
        d.set_text(d.named("Nama calon istri", "text", main), "Ani")
        d.set_text(d.named("Tanggal pernikahan", "text", main), "1-12-2026")
        d.set_text(d.named("Tempat pernikahan / KUA", "text", main), "KUA Taman")
        d.activate(d.named("Pengurusan kurang dari 10 (sepuluh) hari sebelum pernikahan",
                           "check box", main))
        for r in requirements:
            d.activate(d.named(r, "check box", main))

    def files(self, **query):
        c = self.client()
        c.login(LOKET)
        return c.rpc("SearchFiles", **query).files

    def one_pdf(self, prefix):
        found = []

        def printed(n):
            found[:] = glob.glob(os.path.join(self.tmp, prefix + "*.pdf"))
            return bool(found)
        # The print mode writes before the outcome is shown; the label was waited for already.
        self.assertTrue(printed(None), os.listdir(self.tmp))
        self.assertEqual(len(found), 1, found)
        return found[0]

    # ---- tests ---------------------------------------------------------------------------------

    def test_complete_file_with_the_keyboard_prints_the_receipt(self):
        d, main = self.open_counter()
        # The window gets the keyboard (under Xvfb there is no window manager to give it), at
        # "Berkas baru"; from there on only keys: Alt+L goes to the service search ("_Layanan"),
        # typing filters the list, Enter takes the first service shown.
        d.named("Berkas baru", "push button", main).grabFocus()
        rawinput.keyCombo("<Alt>l")
        self.focused(d, "Cari layanan", "text", main)
        rawinput.typeText("nikah")
        rawinput.pressKey("Return")
        d.label_with("dispensasi-nikah · Tidak terstruktur · Selesai dalam 2 hari kerja", main)
        self.focused(d, "NIK", "text", main)
        # Applicant: the NIK and Enter asks the server; a new applicant moves on to the name.
        rawinput.typeText(NIK)
        rawinput.pressKey("Return")
        d.label_with("Pemohon baru", main)
        self.focused(d, "Nama pemohon", "text", main)
        rawinput.typeText(APPLICANT)
        rawinput.pressKey("Tab")
        self.focused(d, "Alamat", "text", main)
        rawinput.typeText("Desa Taman")
        rawinput.pressKey("Return")  # Enter moves on like Tab
        self.focused(d, "Telepon", "text", main)
        rawinput.typeText("081234567890")
        rawinput.pressKey("Tab")
        self.focused(d, "Dengan surat kuasa", "check box", main)
        rawinput.pressKey("Tab")
        # The service's form, in its order.
        for name, text in [("Nama calon suami", "Budi"), ("Nama calon istri", "Ani"),
                           ("Tanggal pernikahan", "01-12-2026"),
                           ("Tempat pernikahan / KUA", "KUA Taman")]:
            self.focused(d, name, "text", main)
            rawinput.typeText(text)
            rawinput.pressKey("Tab")
        short = self.focused(d, "Pengurusan kurang dari 10 (sepuluh) hari sebelum pernikahan",
                             "check box", main)
        rawinput.pressKey("space")
        d.find(lambda n: n == short and n.checked, "ticked", short.parent, recursive=False)
        rawinput.pressKey("Tab")
        # A yes/no field changes the requirements that apply: the divorce certificate shows
        # only for a duda/janda still married on paper.
        widowed = self.focused(d, "Calon duda/janda yang di KK/KTP-nya masih berstatus kawin",
                               "check box", main)
        reqs = d.named("Persyaratan", root=main)
        cerai = "Bagi duda/janda yang di KK/KTP-nya masih berstatus kawin, dilampiri fotokopi " \
                "akte cerai"
        # (visible, not showing: the list may lie below the scrolled part of the form)
        self.assertFalse([n for n in reqs.children if n.name == cerai and n.visible])
        rawinput.pressKey("space")
        d.find(lambda n: n.name == cerai and n.visible, "akte cerai shown", reqs, False)
        rawinput.pressKey("space")
        d.find(lambda n: n == widowed and not n.checked, "unticked", widowed.parent, False)
        d.wait_gone(lambda n: n.name == cerai and n.visible, "akte cerai", reqs, False)
        # Requirements: all of them at once.
        rawinput.pressKey("Tab")
        self.focused(d, "Centang semua persyaratan", "push button", main)
        rawinput.pressKey("Return")
        for r in ["Surat permohonan dispensasi nikah dari Desa/Kelurahan",
                  "Fotokopi KTP pemohon (calon suami/istri) diketahui Desa/Kelurahan",
                  "Fotokopi KK"]:
            d.find(lambda n, r=r: n.name == r and n.checked, "%r ticked" % r, reqs, False)
        # Tab goes through them (the form scrolls along), then to "Terima berkas".
        for r in ["Surat permohonan dispensasi nikah dari Desa/Kelurahan",
                  "Fotokopi KTP pemohon (calon suami/istri) diketahui Desa/Kelurahan",
                  "Fotokopi KK"]:
            rawinput.pressKey("Tab")
            self.focused(d, r, "check box", main)

        # The picture of the filled form, for the docs.
        folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
        path = dt.screenshot(main, os.path.join(folder, "loket.png"))
        self.assertGreater(os.path.getsize(path), 20000)

        # Alt+T: "Terima berkas".
        self.assertEqual(len(self.files(number=NIK)), 0)
        rawinput.keyCombo("<Alt>t")
        outcome = d.label_with("Berkas diterima", main)
        files = self.files(number=NIK)
        self.assertEqual(len(files), 1)
        number = files[0].register_number
        self.assertEqual(files[0].applicant_name, APPLICANT)
        self.assertIn(number, outcome.name)
        self.assertIn("Tanda terima berkas disimpan ke", outcome.name)
        text = pdf_text(self.one_pdf("RECEIPT"))
        self.assertIn(number, text)
        self.assertIn(APPLICANT, text)
        self.assertIn("Dispensasi Nikah", text)
        f = self.client_file(number)
        self.assertEqual({v.name: v.value for v in f.fields}["tanggal_nikah"], "2026-12-01")
        self.assertEqual(sorted(f.requirements), ["kk", "ktp", "surat-permohonan-desa"])

        # The form is done with: "Terima berkas" cannot make a second file; Ctrl+N clears the
        # counter for the next applicant, back in the service search.
        self.assertFalse(d.named("Terima berkas", "push button", main).sensitive)
        self.assertFalse(d.named("Cari layanan", "text", main).sensitive)
        self.focused(d, "Berkas baru", "push button", main)
        rawinput.keyCombo("<Control>n")
        self.focused(d, "Cari layanan", "text", main)
        self.assertEqual(d.named("Cari layanan", "text", main).text, "")
        self.assertFalse(d.named("NIK", "text", main).showing)
        # The known applicant is found again by NIK, and their details filled in.
        nik = self.pick_service(d, main)
        d.set_text(nik, NIK)
        d.press_enter(nik)
        d.label_with("Pemohon terdaftar", main)
        d.find(lambda n: n.name == "Nama pemohon" and n.text == APPLICANT, "name filled", main)
        d.find(lambda n: n.name == "Telepon" and n.text == "081234567890", "phone filled", main)
        self.assertEqual(len(self.files(number=NIK)), 1)

    def client_file(self, number):
        c = self.client()
        c.login(LOKET)
        return c.rpc("GetFile", register_number=number).file

    def test_incomplete_submission_prints_the_return_slip_and_starts_no_file(self):
        d, main = self.open_counter()
        self.pick_service(d, main)
        self.fill_form(d, main, ["Surat permohonan dispensasi nikah dari Desa/Kelurahan",
                                 "Fotokopi KTP pemohon (calon suami/istri) diketahui "
                                 "Desa/Kelurahan"])
        # Handed in by someone else, with a power of attorney.
        rep_name = d.named("Nama kuasa", "text", main)
        rep_grid = rep_name.parent  # the representative's fields show only when represented
        self.assertFalse(rep_grid.visible)
        d.activate(d.named("Dengan surat kuasa", "check box", main))
        d.find(lambda n: n == rep_grid and n.visible, "the representative's fields",
               rep_grid.parent, recursive=False)
        d.set_text(rep_name, "Ahmad Fauzi")
        d.set_text(d.named("NIK kuasa", "text", main), "3327010505850003")
        d.activate(d.named("Terima berkas", "push button", main))
        outcome = d.label_with("Belum lengkap", main)
        self.assertIn("Fotokopi KK", outcome.name)
        self.assertIn("Tanda pengembalian berkas disimpan ke", outcome.name)
        text = pdf_text(self.one_pdf("RETURN_SLIP"))
        self.assertIn("Fotokopi KK", text)
        self.assertIn(APPLICANT, text)
        self.assertIn("Ahmad Fauzi", text)
        self.assertNotIn("Fotokopi KTP pemohon", text)  # handed in: not missing
        self.assertEqual(len(self.files(number=NIK)), 0)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "0")
        # Handed in later: the same counter, the missing one ticked, a file starts (a new
        # attempt, with its own key).
        kk = d.named("Fotokopi KK", "check box", main)
        d.activate(kk)
        kk.grabFocus()
        rawinput.keyCombo("<Control>Return")  # Ctrl+Enter: "Terima berkas" from anywhere
        d.label_with("Berkas diterima", main)
        self.assertEqual(len(self.files(number=NIK)), 1)

    def test_a_renewal_is_linked_to_the_permit_it_renews(self):
        # An earlier permit of the same service, handed over (over the protocol).
        c = self.client()
        c.login(LOKET)
        svc = [x for x in c.rpc("ListServices").services if x.code == "dispensasi-nikah"][0]
        f = c.rpc("TakeIn", idempotency_key=str(uuid.uuid4()), service_id=svc.id,
                  applicant=dt.pt.pb.Applicant(kind=dt.pt.pb.APPLICANT_KIND_PERSON, nik=NIK,
                                               name=APPLICANT, address="Desa Taman"),
                  fields=[dt.pt.pb.FieldValue(name=k, value=v) for k, v in (
                      ("nama_calon_suami", "Budi"), ("nama_calon_istri", "Ani"),
                      ("tanggal_nikah", "2026-12-01"), ("tempat_nikah", "KUA Taman"),
                      ("kurang_dari_10_hari", "true"), ("duda_janda_tercatat_kawin", "false"))],
                  requirements=["surat-permohonan-desa", "ktp", "kk"]).file
        for user, rpc, extra in (("sekretariat@taman", "Recommend", dict(can_process=True)),
                                 ("camat@taman", "Decide", dict(approve=True)),
                                 ("camat@taman", "Sign", {}),
                                 (LOKET, "HandOver", dict(received_by_name="Siti Aminah"))):
            actor = self.client()
            actor.login(user)
            f = actor.rpc(rpc, idempotency_key=str(uuid.uuid4()), file_id=f.id,
                          version=f.version, **extra).file
        d, main = self.open_counter()
        nik = self.pick_service(d, main)
        # No applicant yet: nothing to renew is offered.
        renewal = d.named("Perpanjangan dari", "combo box", main)
        self.assertFalse(renewal.showing)
        d.set_text(nik, NIK)
        d.press_enter(nik)
        d.label_with("Pemohon terdaftar", main)
        d.find(lambda n: n == renewal and n.showing, "the renewal choice", renewal.parent)
        dt.choose(renewal, f.register_number)
        self.fill_form(d, main, ["Surat permohonan dispensasi nikah dari Desa/Kelurahan",
                                 "Fotokopi KTP pemohon (calon suami/istri) diketahui "
                                 "Desa/Kelurahan", "Fotokopi KK"])
        d.activate(d.named("Terima berkas", "push button", main))
        d.label_with("Berkas diterima", main)
        new = [x for x in self.files(number=NIK) if x.id != f.id]
        self.assertEqual(len(new), 1)
        got = self.client_file(new[0].register_number)
        self.assertEqual((got.renewal_of_file_id, got.renewal_of_register_number),
                         (f.id, f.register_number))

    def test_a_lost_reply_makes_no_second_file(self):
        proxy = CuttingProxy(self.port)
        self.addCleanup(proxy.close)
        d = dt.Desk("127.0.0.1:%d" % proxy.port, env=self.desk_env).start()
        self.desks.append(d)
        d.login(LOKET)
        main = d.workspace(d.main_window(LOKET_NAME), "Loket")
        self.pick_service(d, main)
        self.fill_form(d, main, [])
        d.activate(d.named("Centang semua persyaratan", "push button", main))
        d.named("Fotokopi KK", "check box", main).grabFocus()
        proxy.arm()
        rawinput.keyCombo("<Control>Return")
        # The server took the file in; its reply never came. The desk reconnects and sends the
        # same request again, with the same idempotency key: the same file, not a second one.
        self.assertTrue(proxy.cut.wait(30), "the proxy saw no reply to cut")
        outcome = d.label_with("Berkas diterima", main)
        files = self.files(number=NIK)
        self.assertEqual(len(files), 1)
        self.assertIn(files[0].register_number, outcome.name)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "1")
        self.assertIn(files[0].register_number, pdf_text(self.one_pdf("RECEIPT")))

    def test_numbers_and_choices_are_sent_in_their_canonical_form(self):
        d, main = self.open_counter()
        self.pick_service(d, main, "imb", "imb")
        d.label_with("Selesai dalam 5 hari kerja", main)
        self.fill_applicant(d, main)
        area = d.named("Luas bangunan", "text", main)
        d.named("m2", "label", area.parent)  # the unit beside the number
        d.set_text(area, "1.500")  # Indonesian thousands: 1500
        d.set_text(d.named("Jumlah lantai", "text", main), "1")
        dt.choose(d.named("Fungsi (guna) bangunan", "combo box", main), "HUNIAN")
        dt.choose(d.named("Kelas bangunan (koefisien bangunan)", "combo box", main), "PERMANEN")
        dt.choose(d.named("Tipe bangunan (tunggal, kolektif, tower)", "combo box", main),
                  "TUNGGAL")
        d.set_text(d.named("Lokasi bangunan (alamat, desa/kelurahan)", "text", main),
                   "Desa Taman RT 02")
        d.activate(d.named("Centang semua persyaratan", "push button", main))
        take_in = d.named("Terima berkas", "push button", main)
        d.activate(take_in)
        # 1.500 m2 is over the kecamatan's limit: the criterion's reason, no file.
        d.label_with("IMB di kecamatan hanya untuk luas bangunan sampai dengan 100 m2", main)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "0")
        d.set_text(area, "72,5")
        d.activate(take_in)
        d.label_with("Berkas diterima", main)
        f = self.client_file(self.files(number=NIK)[0].register_number)
        values = {v.name: v.value for v in f.fields}
        self.assertEqual((values["luas_bangunan"], values["jumlah_lantai"]), ("72.5", "1"))
        self.assertEqual((values["fungsi_bangunan"], values["kelas_bangunan"],
                          values["tipe_bangunan"]), ("HUNIAN", "PERMANEN", "TUNGGAL"))
        self.assertEqual(len(f.requirements), 6)

    def test_a_new_version_of_the_service_keeps_what_was_typed(self):
        d, main = self.open_counter()
        self.pick_service(d, main)
        self.fill_form(d, main, ["Fotokopi KK"])
        # The region's ADMIN saves a new version meanwhile: a field and a requirement more.
        admin = self.client()
        admin.login("admin@pemda-pemalang")
        svc = [s for s in admin.rpc("ListServices").services if s.code == "dispensasi-nikah"][0]
        svc.fields.add(name="nama_saksi", label="Nama saksi", type=dt.pt.pb.FIELD_TYPE_TEXT)
        svc.requirements.add(code="surat-kuasa", text="Surat kuasa bermeterai",
                             when="represented")
        admin.rpc("SaveService", idempotency_key=str(uuid.uuid4()), service=svc)
        # The form follows (ServiceChanged), and what was typed and ticked stays.
        d.named("Nama saksi", "text", main)
        d.label_with("Admin mengubah layanan ini", main)
        self.assertEqual(d.named("Nama calon suami", "text", main).text, "Budi")
        self.assertEqual(d.named("Tanggal pernikahan", "text", main).text, "1-12-2026")
        self.assertTrue(d.named("Fotokopi KK", "check box", main).checked)
        self.assertFalse(d.named("Fotokopi KTP pemohon (calon suami/istri) diketahui "
                                 "Desa/Kelurahan", "check box", main).checked)
        # Its "represented" requirement applies with a power of attorney only.
        kuasa = d.named("Surat kuasa bermeterai", "check box", main)
        self.assertFalse(kuasa.visible)
        d.activate(d.named("Dengan surat kuasa", "check box", main))
        d.find(lambda n: n == kuasa and n.visible, "the power of attorney required",
               kuasa.parent, recursive=False)

    def test_wrong_nik_is_shown_next_to_the_nik_field(self):
        d, main = self.open_counter()
        nik = self.pick_service(d, main)
        name = d.named("Nama pemohon", "text", main)
        # Too short for any number: FindApplicant refuses it, next to the field.
        d.set_text(nik, "1234")
        d.press_enter(nik)
        err = d.label_with("Masukkan NIK, NIB atau NPWP", main)
        d.wait_between(err, nik, name)
        self.focused(d, "NIK", "text", main)
        # Sixteen digits but no such birth date: TakeIn's typed error, next to the NIK.
        self.fill_form(d, main, [])
        d.set_text(nik, "3327014199900001")
        d.activate(d.named("Terima berkas", "push button", main))
        err = d.label_with("NIK tidak valid", main)
        d.wait_between(err, nik, name)
        self.focused(d, "NIK", "text", main)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "0")
        # A number the desk cannot read as a date is said next to its field, nothing sent.
        # The service's criteria: the rule's reason, shown with the form.
        d.set_text(nik, NIK)
        d.activate(d.named("Pengurusan kurang dari 10 (sepuluh) hari sebelum pernikahan",
                           "check box", main))
        d.activate(d.named("Terima berkas", "push button", main))
        d.label_with("Dispensasi nikah hanya untuk pernikahan dengan waktu pengurusan kurang "
                     "dari 10 (sepuluh) hari", main)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "0")
        date = d.named("Tanggal pernikahan", "text", main)
        d.set_text(date, "31-02-2026")
        d.activate(d.named("Terima berkas", "push button", main))
        d.label_with("Ini bukan tanggal", main)
        self.assertEqual(self.db.sql("SELECT count(*) FROM intake_returns"), "0")
        # An organisation goes by its NIB or NPWP: a wrong one is refused next to it.
        dt.choose(d.named("Jenis pemohon", "combo box", main), "Badan usaha (NIB atau NPWP)")
        nib = d.named("NIB", "text", main)
        d.find(lambda n: n == nib and n.visible, "the NIB field", nib.parent, recursive=False)
        self.assertFalse(nik.visible)
        d.set_text(nib, "123")
        d.press_enter(nib)
        err = d.label_with("Masukkan NIK, NIB atau NPWP", main)
        d.wait_between(err, nib, d.named("NPWP", "text", main))


if __name__ == "__main__":
    dt.main()
