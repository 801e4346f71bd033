"""paten-desk: the "Disposisi" inbox kept live by pushed events (a disposition made at another
desk appears with nothing clicked; opening marks it read; responding completes it; a role's
disposition claimed by the other clerk leaves this desk by itself) and the "Berkas" search (by
register number and by NIK, a shown row following the file's state). Everything checked on the
desk is also checked over the protocol, against the real patend."""

import calendar
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import desk_test as dt

pb = dt.pt.pb

OPRIT = [pb.FieldValue(name=k, value=v) for k, v in dict(
    lokasi="Desa Tepusen", ruas_jalan="Jalan Kaloran-Temanggung", lebar_jalan_masuk="3.5",
    pemohon_pemilik_tanah="true").items()]
OPRIT_REQS = ["formulir", "ktp", "pengantar-desa", "surat-tanah", "imb", "pbb", "gambar-rencana"]
WIB = 7 * 3600 * 1000


def key():
    return str(uuid.uuid4())


def person(nik, name):
    return pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=nik, name=name, address="Desa Kaloran",
                        phone="081234567890")


def tomorrow_at(hour, minute):
    """Unix ms of tomorrow (WIB, the demo region's zone) at hour:minute WIB."""
    now = time.time() + WIB / 1000
    y, mo, d = time.gmtime(now)[:3]
    midnight = calendar.timegm((y, mo, d, 0, 0, 0)) * 1000 - WIB
    return midnight + 24 * 3600 * 1000 + (hour * 60 + minute) * 60 * 1000


def screenshot_dir():
    folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
    os.makedirs(folder, exist_ok=True)
    return folder


def save_screenshot(test, node, name):
    path = os.path.join(screenshot_dir(), name)
    dt.screenshot(node, path)
    with open(path, "rb") as f:
        test.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
    test.assertGreater(os.path.getsize(path), 20000)  # a real picture, not a blank


class InboxTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        # The desk's print mode: each printed document goes to this folder as a PDF.
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-inbox-")
        self.desk_env = {"PATEN_DESK_PRINT_TO": self.tmp}

    def tearDown(self):
        super().tearDown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def as_(self, user, password=dt.DEMO_PASSWORD):
        c = self.client()
        c.login(user, password)
        return c

    def take_in(self, nik="3327014101900001", name="Siti Aminah"):
        loket = self.as_("loket@kaloran")
        svc = [s for s in loket.rpc("ListServices").services if s.code == "oprit"][0]
        r = loket.rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                      applicant=person(nik, name), fields=OPRIT, requirements=OPRIT_REQS)
        self.assertTrue(r.complete)
        return r.file

    def inbox_row(self, d, lst, register_number):
        return d.find(lambda n: n.roleName == "list item" and n.name == register_number
                      and n.showing, "row of %s" % register_number, root=lst, recursive=False)

    def open_inbox(self, d, user_name):
        main = d.workspace(d.main_window(user_name), "Disposisi")
        lst = d.named("Daftar disposisi", root=main)
        return main, lst

    def test_a_disposition_arrives_live_is_opened_and_answered(self):
        camat = self.as_("camat@kaloran")
        camat_id = camat.session.session.user.id
        d = self.start_desk()
        d.login("camat@kaloran")
        main, lst = self.open_inbox(d, "Camat Kecamatan Kaloran")
        d.label_with("Terbuka: 0", root=main)  # loaded, and empty
        self.assertEqual(list(camat.rpc("Inbox").dispositions), [])

        # At another desk: a file is taken in and the counter sends it to the Camat. Nothing is
        # touched on this desk from here until the row shows.
        f = self.take_in()
        due = tomorrow_at(14, 0)
        disp = self.as_("loket@kaloran").rpc(
            "Dispose", idempotency_key=key(), file_id=f.id, to_user_id=camat_id,
            instruction="Mohon diputuskan perlu cek lapangan atau tidak", due_ms=due).disposition
        row = self.inbox_row(d, lst, f.register_number)
        d.named("Mohon diputuskan perlu cek lapangan atau tidak", "label", row)
        d.named("Besok 14.00", "label", row)  # the due badge
        d.named("%s · %s" % (f.register_number, f.service_name), "label", row)
        d.label_with("Pemohon: Siti Aminah", root=row)
        d.label_with("Dari Loket Kecamatan Kaloran", root=row)
        d.label_with("Terbuka: 1", root=main)
        save_screenshot(self, main, "disposisi.png")

        # "Buka" marks it read on the server (and shows the file).
        self.assertEqual(camat.rpc("Inbox").dispositions[0].read_at_ms, 0)
        d.activate(d.named("Buka " + f.register_number, "push button", row))
        # The file's window comes once the server has answered (whatever it shows: it is
        # another workspace's); by then the disposition is read.
        d.find(lambda n: n.roleName == "frame" and n.showing and n != main, "the file's window",
               recursive=False)
        read = [x for x in camat.rpc("Inbox").dispositions if x.id == disp.id]
        self.assertEqual(len(read), 1)
        self.assertGreater(read[0].read_at_ms, 0)

        # "Tanggapi": a response is required, then Enter sends it.
        d.activate(d.named("Tanggapi " + f.register_number, "push button", row))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Tanggapi disposisi",
                     "the response dialog")
        d.activate(d.named("Kirim tanggapan", "push button", dlg))
        d.label_with("Isi tanggapannya.", root=dlg)
        text = d.named("Tanggapan", "text", dlg)
        d.set_text(text, "Tanpa cek lapangan, lanjut rekomendasi")
        d.press_enter(text)
        d.wait_gone(lambda n: n.roleName == "dialog" and n.name == "Tanggapi disposisi",
                    "the response dialog", recursive=False)
        d.named("Tanggapan: Tanpa cek lapangan, lanjut rekomendasi", "label", row)
        d.named("Selesai", "label", row)
        d.label_with("Terbuka: 0", root=main)
        self.assertEqual(list(camat.rpc("Inbox").dispositions), [])
        done = [x for x in camat.rpc("Inbox", include_completed=True).dispositions
                if x.id == disp.id][0]
        self.assertGreater(done.completed_at_ms, 0)
        self.assertEqual(done.response, "Tanpa cek lapangan, lanjut rekomendasi")

        # The disposition sheet, with the instruction and the response.
        d.activate(d.named("Cetak lembar disposisi " + f.register_number, "push button", row))
        said = d.label_with("Lembar disposisi disimpan ke " + self.tmp, root=main).name
        pdf = said.split(" disimpan ke ", 1)[1].rstrip(".")
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                              capture_output=True, text=True).stdout
        for expected in ["LEMBAR DISPOSISI", f.register_number, "Siti Aminah",
                         "Mohon diputuskan perlu cek lapangan atau tidak",
                         "Tanpa cek lapangan, lanjut rekomendasi", "Loket Kecamatan Kaloran"]:
            self.assertIn(expected, text)

    def test_a_response_the_server_refuses_is_said_in_the_dialog(self):
        camat = self.as_("camat@kaloran")
        d = self.start_desk()
        d.login("camat@kaloran")
        main, lst = self.open_inbox(d, "Camat Kecamatan Kaloran")
        d.label_with("Terbuka: 0", root=main)
        f = self.take_in()
        disp = self.as_("loket@kaloran").rpc(
            "Dispose", idempotency_key=key(), file_id=f.id,
            to_user_id=camat.session.session.user.id, instruction="Mohon dicek").disposition
        row = self.inbox_row(d, lst, f.register_number)
        d.activate(d.named("Tanggapi " + f.register_number, "push button", row))
        dlg = d.find(lambda n: n.roleName == "dialog" and n.name == "Tanggapi disposisi",
                     "the response dialog")
        # Meanwhile the Camat answers it from another desk (the server tells the one who acted
        # nothing, so this desk cannot know yet)...
        camat.rpc("CompleteDisposition", idempotency_key=key(), disposition_id=disp.id,
                  version=disp.version, response="Sudah dari meja lain")
        # ...so the dialog still open says why its answer is refused, and stays; the row then
        # shows where the disposition stands.
        text = d.named("Tanggapan", "text", dlg)
        d.set_text(text, "Jawaban kedua")
        d.activate(d.named("Kirim tanggapan", "push button", dlg))
        d.label_with("Disposisi sudah diselesaikan", root=dlg)
        self.assertTrue(dlg.showing)
        d.named("Tanggapan: Sudah dari meja lain", "label", row)
        d.activate(d.named("Batal", "push button", dlg))
        d.wait_gone(lambda n: n.roleName == "dialog" and n.name == "Tanggapi disposisi",
                    "the response dialog", recursive=False)
        done = camat.rpc("Inbox", include_completed=True).dispositions
        self.assertEqual([(x.id, x.response) for x in done],
                         [(disp.id, "Sudah dari meja lain")])

    def set_clock(self, **change):
        self.client().call(dt.pt.SET_TEST_CLOCK, pb.SetTestClockRequest(**change))

    def test_late_work_comes_first_and_stands_out(self):
        camat_id = self.as_("camat@kaloran").session.session.user.id
        # Ten days ago: a file, and its disposition due the next working day (long past).
        self.set_clock(offset_ms=-10 * 24 * 3600 * 1000)
        late = self.take_in("3327014101900001", "Siti Aminah")
        self.as_("loket@kaloran").rpc("Dispose", idempotency_key=key(), file_id=late.id,
                                      to_user_id=camat_id, instruction="Yang lama")
        self.set_clock(reset=True)
        fresh = self.take_in("3327015202950002", "Dewi Sartika")
        self.as_("loket@kaloran").rpc("Dispose", idempotency_key=key(), file_id=fresh.id,
                                      to_user_id=camat_id, instruction="Yang baru")
        d = self.start_desk()
        d.login("camat@kaloran")
        main, lst = self.open_inbox(d, "Camat Kecamatan Kaloran")
        late_row = self.inbox_row(d, lst, late.register_number)
        self.inbox_row(d, lst, fresh.register_number)
        d.find(lambda n: n.roleName == "label" and n.name.startswith("Terlambat ")
               and n.name.endswith(" hari"), "the overdue badge", root=late_row)
        rows = [n.name for n in lst.children if n.roleName == "list item"]
        self.assertEqual(rows, [late.register_number, fresh.register_number])

        # Berkas: only the late file when asked for the overdue ones.
        d.workspace(main, "Berkas")
        table = d.named("Daftar berkas", root=main)
        d.label_with("Berkas 1–2 dari 2", root=main)
        d.activate(d.named("Hanya yang terlambat", "check box", main))
        d.label_with("Berkas 1–1 dari 1", root=main)
        d.find(lambda n: n.roleName == "table cell" and n.name == late.register_number,
               "the late file", root=table)
        d.find(lambda n: n.roleName == "table cell" and n.name.startswith("Terlambat "),
               "its badge", root=table)

    def second_clerk(self):
        admin = self.as_("admin@pemda-temanggung")
        kaloran = [o.id for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0]
        admin.rpc("CreateUser", idempotency_key=key(), username="tim2@kaloran", name="Tim Dua",
                  office_id=kaloran, roles=[pb.ROLE_TIM_TEKNIS],
                  initial_password="awal-rahasia-1")
        c = self.as_("tim2@kaloran", "awal-rahasia-1")
        c.rpc("ChangePassword", idempotency_key=key(), old_password="awal-rahasia-1",
              new_password="baru-rahasia-22")
        return c

    def test_a_role_disposition_claimed_at_the_other_desk_leaves(self):
        two = self.second_clerk()
        d = self.start_desk()
        d.login("tim_teknis@kaloran")
        main, lst = self.open_inbox(d, "Tim Teknis Kecamatan Kaloran")
        d.label_with("Terbuka: 0", root=main)
        f = self.take_in()
        disp = self.as_("camat@kaloran").rpc(
            "Dispose", idempotency_key=key(), file_id=f.id, to_role=pb.ROLE_TIM_TEKNIS,
            instruction="Cek lapangan").disposition
        row = self.inbox_row(d, lst, f.register_number)
        d.named("Cek lapangan", "label", row)
        d.named("Untuk semua Tim Teknis", "label", row)
        # Not claimed yet: nothing to respond to before opening it.
        self.assertFalse([n for n in row.findChildren(
            lambda n: n.name == "Tanggapi " + f.register_number) if n.showing])
        # The other clerk takes it: the row goes from this desk's inbox, with nothing clicked.
        mine = two.rpc("OpenDisposition", idempotency_key=key(), disposition_id=disp.id)
        self.assertEqual(mine.disposition.to_name, "Tim Dua")
        d.wait_gone(lambda n: n.roleName == "list item" and n.name == f.register_number,
                    "the claimed row", root=lst, recursive=False)
        d.label_with("Disposisi berkas %s sudah diambil oleh Tim Dua." % f.register_number,
                     root=main)
        d.label_with("Terbuka: 0", root=main)

    def test_files_are_found_by_register_number_and_nik(self):
        a = self.take_in("3327014101900001", "Siti Aminah")
        b = self.take_in("3327015202950002", "Dewi Sartika")
        d = self.start_desk()
        d.login("loket@kaloran")
        main = d.workspace(d.main_window("Loket Kecamatan Kaloran"), "Berkas")
        table = d.named("Daftar berkas", root=main)

        def cell(text):
            return d.find(lambda n: n.roleName == "table cell" and n.name == text,
                          "cell %r" % text, root=table)

        def no_cell(text):
            d.wait_gone(lambda n: n.roleName == "table cell" and n.name == text,
                        "cell %r" % text, root=table)

        # Before anything is typed: the newest files.
        cell(a.register_number)
        cell(b.register_number)
        d.label_with("Berkas 1–2 dari 2", root=main)

        reg = d.named("Nomor register", "text", main)
        d.set_text(reg, a.register_number)
        d.press_enter(reg)
        no_cell(b.register_number)
        cell(a.register_number)
        cell("Siti Aminah")
        d.label_with("Berkas 1–1 dari 1", root=main)

        d.set_text(reg, "")
        nik = d.named("Nomor pemohon", "text", main)
        d.set_text(nik, "3327015202950002")
        d.activate(d.named("Cari berkas", "push button", main))
        no_cell(a.register_number)
        cell(b.register_number)
        cell("Dewi Sartika")
        cell("Diterima")

        # Kept current: the counter returns the file elsewhere; its row follows.
        self.as_("loket@kaloran").rpc("ReturnFile", idempotency_key=key(), file_id=b.id,
                                      version=b.version, reason="KTP tidak terbaca",
                                      missing=["ktp"])
        cell("Dikembalikan ke pemohon")
        cell("Dijeda")  # its clock stands still

        # A day it cannot read is said next to its field, and nothing is searched.
        frm = d.named("Diterima dari tanggal", "text", main)
        d.set_text(frm, "kemarin")
        d.press_enter(frm)
        d.label_with("Bukan tanggal; tulis seperti 12-05-2026.", root=main)
        cell(b.register_number)
        d.set_text(frm, "")
        d.set_text(nik, "")
        d.press_enter(nik)
        cell(a.register_number)
        save_screenshot(self, main, "berkas.png")

        # Enter (the cell's activation, as a screen reader user does it) opens the file.
        before = len([w for w in d.app.children if w.roleName == "frame"])
        cell(a.register_number).doActionNamed("activate")
        d.find(lambda n: n.roleName == "frame" and n.showing and n != main, "the file's window",
               recursive=False)
        self.assertEqual(len([w for w in d.app.children if w.roleName == "frame"]), before + 1)

    def test_results_come_in_pages(self):
        first = self.take_in("3327014101900001", "Siti Aminah")
        for i in range(51):
            self.take_in("33270141019%05d" % (i + 2), "Pemohon %d" % i)
        d = self.start_desk()
        d.login("loket@kaloran")
        main = d.workspace(d.main_window("Loket Kecamatan Kaloran"), "Berkas")
        table = d.named("Daftar berkas", root=main)
        d.label_with("Berkas 1–50 dari 52", root=main)
        prev = d.named("Sebelumnya", "push button", main)
        self.assertFalse(prev.sensitive)
        d.activate(d.named("Berikutnya", "push button", main))
        d.label_with("Berkas 51–52 dari 52", root=main)
        # The oldest file is on the second page (newest first).
        d.find(lambda n: n.roleName == "table cell" and n.name == first.register_number,
               "the first file", root=table)
        self.assertFalse(d.named("Berikutnya", "push button", main).sensitive)
        d.activate(prev)
        d.label_with("Berkas 1–50 dari 52", root=main)
        d.wait_gone(lambda n: n.roleName == "table cell" and n.name == first.register_number,
                    "the first file", root=table)

    def test_the_regions_reader_chooses_the_kecamatan(self):
        a = self.take_in("3327014101900001", "Siti Aminah")
        d = self.start_desk()
        d.login("pimpinan@pemda-temanggung")
        main = d.workspace(d.main_window("Pimpinan Pemerintah Kabupaten Temanggung"), "Berkas")
        table = d.named("Daftar berkas", root=main)
        d.find(lambda n: n.roleName == "table cell" and n.name == a.register_number,
               "the file", root=table)
        d.find(lambda n: n.roleName == "table cell" and n.name == "Kecamatan Kaloran",
               "its office", root=table)
        office = d.named("Saring kantor", "combo box", main)
        dt.choose(office, "Kecamatan Kandangan")
        d.activate(d.named("Cari berkas", "push button", main))
        d.label_with("Tidak ada berkas yang ditemukan.", root=main)
        d.wait_gone(lambda n: n.roleName == "table cell" and n.name == a.register_number,
                    "the file", root=table)
        dt.choose(office, "Kecamatan Kaloran")
        d.activate(d.named("Cari berkas", "push button", main))
        d.find(lambda n: n.roleName == "table cell" and n.name == a.register_number,
               "the file", root=table)
        d.label_with("Berkas 1–1 dari 1", root=main)


if __name__ == "__main__":
    dt.main()
