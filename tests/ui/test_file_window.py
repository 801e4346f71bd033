"""paten-desk: the file window (PatenFileWindow) on files prepared over the protocol, opened with
the desk's PATEN_DESK_OPEN_FILE hook: the Camat approves and signs (the SK prints with the number
the server gave it, the timeline shows each step), a rejection prints the letter with its reason,
the Tim Teknis files the site survey with its measurement (the berita acara prints), the Camat's
disposition to the technical team prints its sheet, the secretariat minutes a meeting (the
minutes print) and recommends, the Camat waives the survey of a forwarded service and forwards it
and the counter records the agency's outcome, the Camat's delegate signs a.n. Camat, the counter returns a file (its deadline
paused), resumes it and hands it over, and a file changed elsewhere while the window is open shows
its new state by itself, while an action sent on the old version is refused as a conflict and the
window reloads. Accessible names, Escape, Enter and Ctrl+P are checked on the way. Documents print to PDF files
(PATEN_DESK_PRINT_TO, a directory) whose text is read back with pdftotext."""

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


def key():
    return str(uuid.uuid4())


def fv(**values):
    return [pb.FieldValue(name=k, value=v) for k, v in values.items()]


def person(nik="3327014101900001", name="Siti Aminah"):
    return pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=nik, name=name, address="Desa Taman",
                        phone="081234567890")


DISPENSASI = fv(nama_calon_suami="Budi", nama_calon_istri="Ani", tanggal_nikah="2026-12-01",
                tempat_nikah="KUA Taman", kurang_dari_10_hari="true",
                duda_janda_tercatat_kawin="false")
DISPENSASI_REQS = ["surat-permohonan-desa", "ktp", "kk"]
OPRIT = fv(lokasi="Desa Tepusen", ruas_jalan="Jalan Kaloran-Temanggung",
           lebar_jalan_masuk="3.5", pemohon_pemilik_tanah="true")
OPRIT_REQS = ["formulir", "ktp", "pengantar-desa", "surat-tanah", "imb", "pbb", "gambar-rencana"]


class FileWindowTest(dt.DeskTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="paten-desk-file-window-")
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

    def take_in(self, user, code, fields, reqs):
        svc = [s for s in self.as_(user).rpc("ListServices").services if s.code == code][0]
        return self.as_(user).rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                                  applicant=person(), fields=fields, requirements=reqs).file

    def act(self, user, rpc, f, **fields):
        return self.as_(user).rpc(rpc, idempotency_key=key(), file_id=f.id, version=f.version,
                                  **fields).file

    # ---- the desk side -----------------------------------------------------------------------

    def open_desk(self, user, f):
        d = self.start_desk(env={"PATEN_DESK_PRINT_TO": self.prints,
                                 "PATEN_DESK_OPEN_FILE": str(f.id)})
        d.login(user)
        win = d.window("Berkas " + f.register_number)
        return d, win

    def dialog(self, d, title):
        return d.find(lambda n: n.roleName == "dialog" and n.name.startswith(title) and n.showing,
                      "dialog %r" % title)

    def pdf_text(self, pattern):
        paths = glob.glob(os.path.join(self.prints, pattern))
        self.assertEqual(len(paths), 1, (pattern, os.listdir(self.prints)))
        return subprocess.run(["pdftotext", "-layout", paths[0], "-"], check=True,
                              capture_output=True, text=True).stdout

    def showing_label(self, d, win, text):
        return d.label_with(text, root=win)

    # ---- scenarios ---------------------------------------------------------------------------

    def test_camat_approves_and_signs_and_the_sk_prints(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS)
        f = self.act("sekretariat@taman", "Recommend", f, can_process=True, note="Lengkap")
        d, win = self.open_desk("camat@taman", f)
        # The summary, the form labelled from the service, the requirements, the timeline.
        self.showing_label(d, win, "Siti Aminah")
        self.showing_label(d, win, "Dapat diproses: Lengkap")
        self.showing_label(d, win, "KUA Taman")
        self.showing_label(d, win, "Rekomendasi diberikan")
        seen = []
        self.assertEqual(unnamed_interactive(win, seen), [])
        self.assertGreaterEqual(seen.count("push button"), 3)  # decide, dispose, print receipt
        # Keyboard: Escape closes a dialog without acting.
        d.activate(d.named("Putuskan", "push button", win))
        dlg = self.dialog(d, "Keputusan")
        d.named("Alasan (untuk penolakan)", "text", dlg).grabFocus()
        dt.rawinput.pressKey("Escape")
        d.wait_gone(lambda n: n.roleName == "dialog" and n.name.startswith("Keputusan"),
                    "decision dialog", root=d.app, recursive=False)
        # Approve.
        d.activate(d.named("Putuskan", "push button", win))
        dlg = self.dialog(d, "Keputusan")
        d.activate(d.named("Putuskan", "push button", dlg))
        self.showing_label(d, win, "Disetujui — Camat Kecamatan Taman")
        # Sign: the SK prints.
        d.activate(d.named("Tandatangani", "push button", win))
        dlg = self.dialog(d, "Tandatangani SK")
        d.activate(d.named("Tandatangani", "push button", dlg))
        self.showing_label(d, win, "disimpan ke " + self.prints)
        sk_number = self.as_("camat@taman").rpc("GetFile", file_id=f.id).file.sk_number
        self.assertEqual(sk_number, "503/0001/DISPENSASI-NIKAH/KEC-TAMAN/2026")
        text = self.pdf_text("*.pdf")
        self.assertIn(sk_number, text)
        self.assertIn("Siti Aminah", text)
        # The window shows the new state and every step of the timeline, the SK among the
        # documents (each printable).
        self.showing_label(d, win, sk_number)
        self.showing_label(d, win, "Sudah ditandatangani")
        timeline = d.named("Riwayat", "list box", win)
        for step in ["Diterima di loket", "Rekomendasi diberikan", "Disetujui",
                     "SK ditandatangani"]:
            d.find(lambda n, s=step: n.roleName == "list item" and s in n.name,
                   "timeline step %r" % step, root=timeline, recursive=False)
        sk_print = d.named("Cetak Surat Keputusan (SK) " + sk_number, "push button", win)
        # Ctrl+P prints the newest document again.
        for p in glob.glob(os.path.join(self.prints, "*.pdf")):
            os.remove(p)
        sk_print.grabFocus()
        d.find(lambda n: n == sk_print and n.focused, "focus on the print button",
               root=sk_print.parent)
        dt.rawinput.keyCombo("<Control>p")
        d.find(lambda n: n.roleName == "label" and n.showing and "disimpan ke" in n.name
               and os.path.exists(n.name.split("disimpan ke ", 1)[1].rstrip(".")),
               "the SK printed again", root=win)
        self.assertIn(sk_number, self.pdf_text("*.pdf"))
        # Nothing is left for the Camat to do on a signed file but a disposition.
        d.wait_gone(lambda n: n.name == "Tandatangani" and n.roleName == "push button"
                    and n.showing, "the sign button", root=win)
        folder = os.environ.get("PATEN_SCREENSHOT_DIR") or os.environ["PATEN_BUILD_SCREENSHOTS"]
        path = dt.screenshot(win, os.path.join(folder, "file-window.png"))
        self.assertGreater(os.path.getsize(path), 20000)

    def test_the_delegate_signs_an_camat(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS)
        f = self.act("sekretariat@taman", "Recommend", f, can_process=True)
        f = self.act("camat@taman", "Decide", f, approve=True)
        camat = self.as_("camat@taman")
        now = camat.rpc("Ping").server_time_ms
        sek_id = self.as_("sekretariat@taman").session.session.user.id
        camat.rpc("CreateDelegation", idempotency_key=key(), to_user_id=sek_id,
                  kind=pb.DELEGATION_KIND_PLH, valid_from_ms=now - 1000,
                  valid_until_ms=now + 8 * 3600 * 1000, reason="Dinas luar")
        d, win = self.open_desk("sekretariat@taman", f)
        d.activate(d.named("Tandatangani", "push button", win))
        dlg = self.dialog(d, "Tandatangani SK")
        d.activate(d.named("Tandatangani", "push button", dlg))
        self.showing_label(d, win, "disimpan ke " + self.prints)
        self.showing_label(d, win, "a.n. Camat Kecamatan Taman\nSekretariat Kecamatan Taman, pada")
        text = self.pdf_text("*.pdf")
        self.assertIn("a.n. Camat Kecamatan Taman", text)
        self.assertIn("503/0001/DISPENSASI-NIKAH/KEC-TAMAN/2026", text)

    def test_rejection_prints_the_letter_with_the_reason(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS)
        f = self.act("sekretariat@taman", "Recommend", f, can_process=False,
                     note="Calon istri belum cukup umur")
        d, win = self.open_desk("camat@taman", f)
        d.activate(d.named("Putuskan", "push button", win))
        dlg = self.dialog(d, "Keputusan")
        dt.choose(d.named("Keputusan", "combo box", dlg), "Tolak")
        # A rejection without a reason is stopped at the reason.
        d.activate(d.named("Putuskan", "push button", dlg))
        d.label_with("Berikan alasan penolakan", root=dlg)
        reason = d.named("Alasan (untuk penolakan)", "text", dlg)
        d.set_text(reason, "Tidak memenuhi syarat umur")
        d.press_enter(reason)
        self.showing_label(d, win, "disimpan ke " + self.prints)
        text = self.pdf_text("*.pdf")
        self.assertIn("503/0001/TOLAK/KEC-TAMAN/2026", text)
        self.assertIn("Tidak memenuhi syarat umur", text)
        self.showing_label(d, win, "Alasan penolakan")
        self.assertEqual(self.as_("camat@taman").rpc("GetFile", file_id=f.id).file.state,
                         pb.FILE_STATE_REJECTED)

    def test_tim_teknis_files_the_survey_with_measurements(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS)
        self.assertTrue(f.survey_needed)
        d, win = self.open_desk("tim_teknis@kaloran", f)
        d.activate(d.named("Berita acara survei", "push button", win))
        dlg = self.dialog(d, "Berita acara pemeriksaan lapangan")
        # One member per line: a title after a comma stays with its name.
        d.set_text(d.named("Anggota tim (satu per baris)", "text", dlg),
                   "Ir. Agus Santoso, M.T.\nBambang")
        d.set_text(d.named("Temuan", "text", dlg), "Lokasi sesuai permohonan")
        width = d.named("Lebar jalan masuk (m)", "text", dlg)
        seen = []
        self.assertEqual(unnamed_interactive(dlg, seen), [])
        self.assertGreaterEqual(len(seen), 6)  # date, team, findings, width, cancel, save
        # Not a number: refused at the field before anything is sent.
        d.set_text(width, "tiga")
        d.activate(d.named("Simpan berita acara", "push button", dlg))
        d.label_with("Isikan angka", root=dlg)
        d.set_text(width, "3,4")
        d.press_enter(width)
        self.showing_label(d, win, "disimpan ke " + self.prints)
        text = self.pdf_text("*.pdf")
        for expected in ["BA/0001/KEC-KALORAN/2026", "Ir. Agus Santoso, M.T.", "Bambang",
                         "Lokasi sesuai permohonan", "3,4"]:
            self.assertIn(expected, text)
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, g.survey.measurements[0].name, g.survey.measurements[0].value),
                         (pb.FILE_STATE_SURVEYED, "lebar_jalan_masuk", "3.4"))
        self.assertEqual(list(g.survey.team), ["Ir. Agus Santoso, M.T.", "Bambang"])
        self.showing_label(d, win, "Berita acara pemeriksaan lapangan dibuat")

    def test_camat_disposes_to_the_technical_team_and_the_sheet_prints(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS)
        d, win = self.open_desk("camat@kaloran", f)
        d.activate(d.named("Disposisi", "push button", win))
        dlg = self.dialog(d, "Disposisi")
        dt.choose(d.named("Kepada", "combo box", dlg), "Tim Teknis (jabatan)")
        d.set_text(d.named("Isi disposisi", "text", dlg), "Mohon cek lapangan")
        d.activate(d.named("Kirim", "push button", dlg))
        self.showing_label(d, win, "Lembar disposisi disimpan ke " + self.prints)
        self.assertIn("Mohon cek lapangan", self.pdf_text("*.pdf"))
        # The disposition is on the file, and in the technical team's inbox.
        d.find(lambda n: n.roleName == "list item" and "Mohon cek lapangan" in n.name,
               "the disposition", root=d.named("Disposisi", "list box", win), recursive=False)
        inbox = self.as_("tim_teknis@kaloran").rpc("Inbox").dispositions
        self.assertEqual([(x.file_id, x.instruction) for x in inbox],
                         [(f.id, "Mohon cek lapangan")])
        # A person of the office by name: the Camat's colleagues are offered.
        d.activate(d.named("Disposisi", "push button", win))
        dlg = self.dialog(d, "Disposisi")
        dt.choose(d.named("Kepada", "combo box", dlg), "Sekretariat Kecamatan Kaloran")
        d.set_text(d.named("Isi disposisi", "text", dlg), "Mohon dikaji")
        d.activate(d.named("Kirim", "push button", dlg))
        d.find(lambda n: n.roleName == "list item" and "Mohon dikaji" in n.name,
               "the second disposition", root=d.named("Disposisi", "list box", win),
               recursive=False)
        inbox = self.as_("sekretariat@kaloran").rpc("Inbox").dispositions
        self.assertEqual([(x.instruction, x.to_role) for x in inbox], [("Mohon dikaji", 0)])

    def test_the_counter_returns_resumes_and_hands_over(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS)
        d, win = self.open_desk("loket@taman", f)
        d.activate(d.named("Kembalikan", "push button", win))
        dlg = self.dialog(d, "Kembalikan ke pemohon")
        d.activate(d.named("Fotokopi KK", "check box", dlg))
        reason = d.named("Alasan", "text", dlg)
        d.set_text(reason, "KK tidak terbaca")
        d.press_enter(reason)
        # Returned: the reason and what is missing show, and the deadline stands still.
        self.showing_label(d, win, "KK tidak terbaca. Kekurangan: kk")
        self.showing_label(d, win, "Tenggat dihentikan sementara")
        g = self.as_("loket@taman").rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, list(g.returned_missing)), (pb.FILE_STATE_RETURNED, ["kk"]))
        # The applicant brings it: processing resumes.
        d.activate(d.named("Lanjutkan", "push button", win))
        dlg = self.dialog(d, "Lanjutkan proses")
        self.assertTrue(d.named("Fotokopi KK", "check box", dlg).checked)
        d.activate(d.named("Lanjutkan", "push button", dlg))
        d.wait_gone(lambda n: n.roleName == "label" and n.showing and "Tenggat dihentikan" in n.name,
                    "the paused deadline", root=win)
        g = self.as_("loket@taman").rpc("GetFile", file_id=f.id).file
        self.assertEqual(g.state, pb.FILE_STATE_RECEIVED)
        # Decided and signed elsewhere: the window follows, and the counter hands it over.
        g = self.act("sekretariat@taman", "Recommend", g, can_process=True)
        g = self.act("camat@taman", "Decide", g, approve=True)
        g = self.act("camat@taman", "Sign", g)
        d.activate(d.named("Serahkan", "push button", win))
        dlg = self.dialog(d, "Penyerahan")
        name = d.named("Nama penerima", "text", dlg)
        self.assertEqual(name.text, "Siti Aminah")
        d.press_enter(name)
        self.showing_label(d, win, "Siti Aminah, pada ")
        g = self.as_("loket@taman").rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, g.handed_to_name), (pb.FILE_STATE_HANDED_OVER, "Siti Aminah"))
        self.showing_label(d, win, "Diserahkan kepada pemohon")

    def test_secretariat_minutes_a_meeting_and_recommends(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS)
        f = self.act("camat@kaloran", "SetSurvey", f, needed=False, reason="Lokasi dikenal")
        d, win = self.open_desk("sekretariat@kaloran", f)
        d.activate(d.named("Rapat", "push button", win))
        dlg = self.dialog(d, "Berita acara rapat")
        d.set_text(d.named("Peserta (satu per baris)", "text", dlg), "Camat\nSekcam")
        d.set_text(d.named("Risalah", "text", dlg), "Dibahas bersama")
        d.set_text(d.named("Kesimpulan", "text", dlg), "Dapat diproses")
        d.activate(d.named("Simpan berita acara", "push button", dlg))
        self.showing_label(d, win, "disimpan ke " + self.prints)
        text = self.pdf_text("*.pdf")
        self.assertIn("BAR/0001/KEC-KALORAN/2026", text)
        self.assertIn("Dibahas bersama", text)
        d.activate(d.named("Rekomendasi", "push button", win))
        dlg = self.dialog(d, "Rekomendasi")
        d.set_text(d.named("Catatan", "text", dlg), "Sesuai hasil rapat")
        d.activate(d.named("Rekomendasikan", "push button", dlg))
        self.showing_label(d, win, "Dapat diproses: Sesuai hasil rapat")
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, g.recommended_can_process, len(g.meetings)),
                         (pb.FILE_STATE_RECOMMENDED, True, 1))

    def test_camat_waives_the_survey_and_forwards_and_the_agency_outcome_is_recorded(self):
        siup = [s for s in self.as_("loket@kaloran").rpc("ListServices").services
                if s.code == "siup"][0]
        values = {}
        for spec in siup.fields:
            if spec.required:
                values[spec.name] = {
                    pb.FIELD_TYPE_NUMBER: "10", pb.FIELD_TYPE_TEXT: "x",
                    pb.FIELD_TYPE_DATE: "2026-01-01", pb.FIELD_TYPE_YES_NO: "false",
                    pb.FIELD_TYPE_CHOICE: spec.choices[0] if spec.choices else ""}[spec.type]
        reqs = [r.code for r in siup.requirements
                if r.when == "" or ("=" in r.when and values.get(r.when.split("=")[0]) ==
                                    r.when.split("=", 1)[1])]
        f = self.take_in("loket@kaloran", "siup", fv(**values), reqs)
        d, win = self.open_desk("camat@kaloran", f)
        d.activate(d.named("Cek lapangan", "push button", win))
        dlg = self.dialog(d, "Cek lapangan")
        needed = d.named("Perlu cek lapangan", "check box", dlg)
        self.assertTrue(needed.checked)
        d.activate(needed)
        d.set_text(d.named("Alasan", "text", dlg), "Usaha sudah dikenal")
        d.activate(d.named("Simpan", "push button", dlg))
        self.showing_label(d, win, "Tanpa cek lapangan")
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertFalse(g.survey_needed)
        self.act("sekretariat@kaloran", "Recommend", g, can_process=True)
        d.activate(d.named("Teruskan", "push button", win))
        dlg = self.dialog(d, "Teruskan ke instansi")
        note = d.named("Catatan", "text", dlg)
        d.set_text(note, "Ke DPMPTSP")
        d.press_enter(note)
        self.showing_label(d, win, "Diteruskan ke instansi")
        self.assertEqual(self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file.state,
                         pb.FILE_STATE_FORWARDED)
        # The counter records what the agency decided.
        d2 = self.start_desk(env={"PATEN_DESK_OPEN_FILE": str(f.id)})
        d2.login("loket@kaloran")
        win2 = d2.window("Berkas " + f.register_number)
        d2.activate(d2.named("Hasil instansi", "push button", win2))
        dlg = self.dialog(d2, "Hasil instansi")
        number = d2.named("Nomor keputusan", "text", dlg)
        d2.set_text(number, "510/123/DPMPTSP/2026")
        d2.press_enter(number)
        d2.label_with("keputusan nomor 510/123/DPMPTSP/2026", root=win2)
        g = self.as_("loket@kaloran").rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, g.agency_document_number),
                         (pb.FILE_STATE_APPROVED, "510/123/DPMPTSP/2026"))

    def test_a_change_elsewhere_shows_and_a_stale_action_is_a_conflict(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS)
        d, win = self.open_desk("sekretariat@taman", f)
        d.activate(d.named("Rekomendasi", "push button", win))
        dlg = self.dialog(d, "Rekomendasi")
        d.set_text(d.named("Catatan", "text", dlg), "Lengkap")
        # Meanwhile the counter returns the file to the applicant.
        self.act("loket@taman", "ReturnFile", f, reason="KK tidak terbaca", missing=["kk"])
        # The window shows it by itself (FileChanged), the dialog still open on version 1.
        self.showing_label(d, win, "KK tidak terbaca")
        d.activate(d.named("Rekomendasikan", "push button", dlg))
        self.showing_label(d, win, "telah diubah oleh orang lain")
        d.wait_gone(lambda n: n.roleName == "dialog" and n.name.startswith("Rekomendasi"),
                    "recommendation dialog", root=d.app, recursive=False)
        # Nothing was recommended, and the returned file offers no recommendation any more.
        g = self.as_("loket@taman").rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, g.version), (pb.FILE_STATE_RETURNED, 2))
        d.wait_gone(lambda n: n.name == "Rekomendasi" and n.roleName == "push button"
                    and n.showing, "the recommend button", root=win)


if __name__ == "__main__":
    dt.main()
