"""patenctl's assessment commands end to end: the real binary (PATENCTL) against a real patend on
the demo data and a real PostgreSQL, with the business clock on a Monday of November 2026.

  (a) a Temanggung IMB file from the counter to AWAITING_ASSESSMENT, in DPMPTSP's queue, previewed,
      issued as an SKRD (the file AWAITING_PAYMENT with its assessment), the amount due on the due
      date and one day after it, found in the register by the file's number;
  (b) a Pemalang reklame: BAPENDA registers the taxpayer (NPWPD), previews, issues an SKPD with the
      SPTPD, cancels it (the file back in the queue) and issues the replacement for 3 months
      through a correction; both in the register, the first CANCELLED;
  (c) the typed errors of previewing and issuing, each changing nothing.

Steps that have no command of their own (intake, the file's transitions, GetFile) go through
`patenctl call`. Every patenctl run is checked for sanitizer reports (test_patenctl.ctl).
"""

import json
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

import test_patenctl as e2e  # noqa: E402  (the patenctl runner: ctl, error_json, sanitizers)
from paten_test import DEMO_PASSWORD, main  # noqa: E402

HOUR = 3600 * 1000
WIB = 7 * HOUR

SKRD_OFFICER = "petugas_skrd@dpmptsp-temanggung"
SKPD_OFFICER = "petugas_pajak@bapenda-pemalang"

IMB_FIELDS = {"luas_bangunan": "72", "jumlah_lantai": "1", "fungsi_bangunan": "USAHA",
              "kelas_bangunan": "SEMI_PERMANEN", "lokasi": "Desa Kaloran",
              "imb_perumahan": "false", "nama_sesuai_surat_tanah": "true"}
IMB_REQS = ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]
REKLAME_FIELDS = {"bentuk": "PAPAN", "lebar": "2", "tinggi": "3", "jumlah_muka": "2",
                  "jumlah_buah": "1", "lokasi": "Jl. Jend. Sudirman 12, Taman",
                  "lama_pemasangan": "12", "naskah": "Toko Sumber Rejeki",
                  "di_tempat_usaha": "true", "dalam_satu_kecamatan": "true",
                  "pemohon_badan_hukum": "false", "perpanjangan": "false"}
REKLAME_REQS = ["ktp", "npwp", "contoh-reklame", "persetujuan-tempat", "pengantar-desa"]


def wib_ms(y, mo, d, h=0, mi=0):
    """Unix ms of a local WIB time."""
    import calendar
    return calendar.timegm((y, mo, d, h, mi, 0)) * 1000 - WIB


def ctl_env(**extra):
    # Times in the tables are this machine's local time: WIB, as the demo offices keep.
    return e2e.ctl_env(PATEN_PASSWORD=DEMO_PASSWORD, TZ="Asia/Jakarta", **extra)


class AssessTestCase(e2e.PatenctlTestCase):

    def setUp(self):
        super().setUp()
        # Dates below are of 2026 whatever the real date: the business clock runs from Monday
        # 23 November 2026, 09:00 WIB.
        self.set_clock(offset_ms=wib_ms(2026, 11, 23, 9) - int(time.time() * 1000))

    # ---- running patenctl -----------------------------------------------------------------

    def as_(self, user, *args, stdin=None):
        """patenctl --user USER ARGS...; the CompletedProcess."""
        return self.ctl("--user", user, *args, stdin=stdin, env=ctl_env())

    def ok(self, user, *args):
        """A command that must succeed; its stdout."""
        p = self.as_(user, *args)
        self.assertEqual(p.returncode, 0, "patenctl --user %s %s failed:\n%s" %
                         (user, " ".join(args), p.stderr))
        return p.stdout

    def ok_json(self, user, *args):
        return json.loads(self.ok(user, *args, "--json"))

    def fails(self, user, *args):
        """A command the server refuses: its typed error (exit 1, the Error as JSON)."""
        return self.error_json(self.as_(user, *args))

    def call(self, user, rpc, body):
        """patenctl call, for the steps that have no command (intake, transitions, GetFile)."""
        p = self.as_(user, "call", rpc, "-", stdin=json.dumps(body))
        self.assertEqual(p.returncode, 0, "%s as %s failed:\n%s" % (rpc, user, p.stderr))
        return json.loads(p.stdout)

    def call_error(self, user, rpc, body):
        return self.error_json(self.as_(user, "call", rpc, "-", stdin=json.dumps(body)))

    # ---- the kecamatan's side --------------------------------------------------------------

    def service_id(self, user, code):
        services = self.call(user, "ListServices", {})["services"]
        return [s["id"] for s in services if s["code"] == code][0]

    def take_in(self, user, code, fields, reqs, nik="3323014101900001", name="Siti Aminah",
                address="Desa Kaloran"):
        return self.call(user, "TakeIn", {
            "serviceId": self.service_id(user, code),
            "applicant": {"kind": "APPLICANT_KIND_PERSON", "nik": nik, "name": name,
                          "address": address, "phone": "081234567890"},
            "fields": [{"name": k, "value": v} for k, v in fields.items()],
            "requirements": reqs})

    def act(self, user, rpc, f, **body):
        """A transition of file f (its JSON) by user; the file after it."""
        body.update(fileId=f["id"], version=f["version"])
        return self.call(user, rpc, body)["file"]

    def to_assessment(self, office, f, measurements):
        """Survey, recommendation and approval: the file, AWAITING_ASSESSMENT."""
        f = self.act("tim_teknis@" + office, "SubmitSurvey", f, date="2026-11-23",
                     team=["Agus Santoso"], findings="Sesuai permohonan",
                     measurements=[{"name": k, "value": v} for k, v in measurements.items()])
        f = self.act("sekretariat@" + office, "Recommend", f, canProcess=True, note="lengkap")
        f = self.act("camat@" + office, "Decide", f, approve=True)
        self.assertEqual(f["state"], "FILE_STATE_AWAITING_ASSESSMENT")
        return f

    def get_file(self, user, f):
        return self.call(user, "GetFile", {"fileId": f["id"]})["file"]

    def queue_lines(self, officer):
        return self.ok(officer, "assess", "queue").splitlines()

    def counts(self):
        """What issuing would change: assessments, documents, and every file's state and
        version."""
        return self.db.sql("SELECT (SELECT count(*) FROM assessments) || ' ' || "
                           "(SELECT count(*) FROM documents) || ' ' || "
                           "(SELECT string_agg(id || ':' || state || ':' || version, ',' "
                           "ORDER BY id) FROM files)")


class ImbSkrdTest(AssessTestCase):
    """(a) Temanggung IMB: counter, survey, recommendation, approval, DPMPTSP's SKRD."""

    def test_imb_from_intake_to_skrd_and_late_interest(self):
        # The brief's file is a business building (fungsi_bangunan USAHA), but the demo catalog's
        # criteria for a kecamatan IMB admit a house only (HUNIAN): intake refuses it...
        err = self.call_error("loket@kaloran", "TakeIn", {
            "serviceId": self.service_id("loket@kaloran", "imb"),
            "applicant": {"kind": "APPLICANT_KIND_PERSON", "nik": "3323014101900001",
                          "name": "Siti Aminah"},
            "fields": [{"name": k, "value": v} for k, v in IMB_FIELDS.items()],
            "requirements": IMB_REQS})
        self.assertEqual((err["code"], err["field"]), ("FAILED_PRECONDITION", "fields"))
        self.assertIn("rumah tinggal", err["message"])
        # ...so the house is taken in, and DPMPTSP's officer corrects the activity index to
        # USAHA with a reason, which the trace keeps.
        r = self.take_in("loket@kaloran", "imb", dict(IMB_FIELDS, fungsi_bangunan="HUNIAN"),
                         IMB_REQS)
        self.assertTrue(r["complete"])
        f = self.to_assessment("kaloran", r["file"], {"luas_bangunan": "72"})
        regno = f["registerNumber"]

        # In DPMPTSP's queue, oldest first, with the kecamatan and the service.
        lines = self.queue_lines(SKRD_OFFICER)
        self.assertRegex(lines[0], r"^ID\s+FILE\s+KECAMATAN\s+SERVICE\s+APPLICANT\s+REQUESTED"
                                   r"\s+DEADLINE$")
        row = [l for l in lines if regno in l]
        self.assertEqual(len(row), 1, lines)
        self.assertRegex(row[0], r"^\s*%s\s+%s\s+Kecamatan Kaloran\s+Izin Mendirikan Bangunan"
                                 % (f["id"], re.escape(regno)))
        self.assertIn("Siti Aminah", row[0])
        self.assertRegex(row[0], r"2026-11-23 \d\d:\d\d")
        queue = self.ok_json(SKRD_OFFICER, "assess", "queue")
        self.assertEqual([e["file"]["registerNumber"] for e in queue["entries"]], [regno])
        self.assertEqual((queue["entries"][0]["fee"], queue["entries"][0]["kecamatanName"]),
                         ("FEE_KIND_RETRIBUSI", "Kecamatan Kaloran"))
        # Not in BAPENDA's.
        self.assertNotIn(regno, self.ok("petugas_pajak@bapenda-temanggung", "assess", "queue"))

        # As taken in: 72 x 0.75 (SEMI_PERMANEN) x 0.5 (HUNIAN) x 12.500 = Rp 337.500.
        out = self.ok(SKRD_OFFICER, "assess", "preview", str(f["id"]))
        self.assertIn("Principal:     Rp 337.500\n", out)
        # Corrected to USAHA, by register number this time:
        # 72 m2 x 0.75 (SEMI_PERMANEN) x 1.5 (USAHA) x Rp 12.500 = 54 x 1.5 x 12.500
        #   = 81 x 12.500 = Rp 1.012.500.
        fix = "fungsi_bangunan=USAHA:bangunan dipakai untuk warung (hasil survei)"
        out = self.ok(SKRD_OFFICER, "assess", "preview", regno, "--set", fix)
        self.assertTrue(out.startswith("SKRD preview (nothing issued)\n"), out)
        self.assertIn("Principal:     Rp 1.012.500\n", out)
        self.assertIn("Due date:      2026-12-23\n", out)
        self.assertIn("Legal basis:   Peraturan Daerah Kabupaten Temanggung Nomor 10 Tahun 2012",
                      out)
        self.assertRegex(out, r"Tariff:\s+imb version 1: Retribusi IMB \(formula IMB\)")
        self.assertRegex(out, r"\n    Luas bangunan \(m2\)\s+72\s+survei")
        self.assertRegex(out, r"\n    Indeks terintegrasi \(kelas bangunan\)\s+0\.75\s+tabel\s+"
                              r"SEMI_PERMANEN")
        # The corrected input: its value, the correction's reason and what it replaced.
        row = [l for l in out.splitlines() if l.startswith("    Indeks kegiatan")]
        self.assertEqual(len(row), 1, out)
        self.assertRegex(row[0], r"^    Indeks kegiatan \(fungsi bangunan\)\s+1\.5\s+koreksi\s+")
        self.assertIn("bangunan dipakai untuk warung (hasil survei)", row[0])
        self.assertTrue(row[0].endswith("(was HUNIAN)"), row[0])
        self.assertRegex(out, r"\n    Harga satuan \(Rp per m2\)\s+12500\s+tarif")
        self.assertIn("Exact amount:  1012500", out)
        self.assertRegex(out, r"To issue it: patenctl assess issue %s --version %s "
                              r"--principal 1012500" % (f["id"], f["version"]))
        preview = self.ok_json(SKRD_OFFICER, "assess", "preview", str(f["id"]), "--set", fix)
        a = preview["assessment"]
        self.assertEqual((a["principal"], a["fileVersion"], a["kind"]),
                         ("1012500", f["version"], "ASSESSMENT_KIND_SKRD"))
        self.assertNotIn("number", a)  # a preview has none

        # Where the kecamatan's event stream stands before the SKRD (to replay from it below).
        seq = self.login("loket@kaloran").rpc("Subscribe", from_now=True).last_sequence

        # Issued with a key of our own: repeating the request answers the same SKRD.
        key = "c0ffee00-0000-4000-8000-000000000001"
        issue = ["assess", "issue", str(f["id"]), "--version", str(f["version"]),
                 "--principal", "1012500", "--set", fix, "--key", key]
        out = self.ok(SKRD_OFFICER, *issue)
        m = re.match(r"^issued SKRD (\S+) \(id (\d+)\) for %s: Rp 1\.012\.500, due 2026-12-23\n$"
                     % re.escape(regno), out)
        self.assertIsNotNone(m, out)
        number, aid = m.group(1), m.group(2)
        self.assertRegex(number, r"^974/0001/SKRD/")
        self.assertEqual(self.ok(SKRD_OFFICER, *issue), out)

        # The kecamatan sees the file waiting for payment, with its SKRD.
        g = self.get_file("loket@kaloran", f)
        self.assertEqual(g["state"], "FILE_STATE_AWAITING_PAYMENT")
        self.assertEqual((g["assessment"]["number"], g["assessment"]["principal"],
                          g["assessment"]["status"]),
                         (number, "1012500", "ASSESSMENT_STATUS_ISSUED"))
        self.assertNotIn(regno, self.ok(SKRD_OFFICER, "assess", "queue"))

        # The kecamatan's staff were told: patenctl watch replays the AssessmentChanged event.
        proc = self.popen_watch("--after", str(seq), user="loket@kaloran")
        try:
            lines = e2e.LineReader(proc.stdout)
            changes = []
            while not changes:
                line = lines.next()
                self.assertIsNotNone(line, "the watch ended before the AssessmentChanged event")
                event = json.loads(line)
                if "assessmentChanged" in event:
                    changes.append(event["assessmentChanged"])
            proc.send_signal(signal.SIGINT)
        finally:
            proc.stdout = None  # read by the LineReader
            status, _, err = self.finish(proc)
        self.assertEqual(status, 0, err)
        self.assertEqual((changes[0]["change"], changes[0]["assessment"]["number"]),
                         ("ISSUED", number))

        # Shown by number and by id, with its trace and QR text.
        out = self.ok(SKRD_OFFICER, "assess", "show", number)
        self.assertTrue(out.startswith("SKRD %s (id %s): ISSUED\n" % (number, aid)), out)
        self.assertIn("Principal:     Rp 1.012.500\n", out)
        self.assertRegex(out, r"koreksi\s+.*bangunan dipakai untuk warung \(hasil survei\) "
                              r"\(was HUNIAN\)")
        self.assertRegex(out, r"Verification:\s+\S+")
        self.assertEqual(self.ok_json(SKRD_OFFICER, "assess", "show", aid)["assessment"]["number"],
                         number)

        # Paid on the due date: the principal only. A day later: one month begun, 2% of it:
        # 1.012.500 x 2% = Rp 20.250.
        out = self.ok(SKRD_OFFICER, "assess", "due", number, "--as-of", "2026-12-23")
        self.assertIn("Months late:   0\n", out)
        self.assertIn("Interest:      Rp 0\n", out)
        self.assertIn("Total:         Rp 1.012.500\n", out)
        out = self.ok(SKRD_OFFICER, "assess", "due", aid, "--as-of", "2026-12-24")
        self.assertIn("Principal:     Rp 1.012.500\n", out)
        self.assertIn("Months late:   1\n", out)
        self.assertIn("Interest:      Rp 20.250\n", out)
        self.assertIn("Total:         Rp 1.032.750\n", out)
        due = self.ok_json(SKRD_OFFICER, "assess", "due", aid, "--as-of", "2026-12-24")
        self.assertEqual((due["interest"], due["total"], due["monthsLate"]),
                         ("20250", "1032750", 1))
        self.assertNotIn("bill", due)  # a query consumes no number

        # The register finds it by the file's number.
        out = self.ok(SKRD_OFFICER, "assess", "list", "--query", regno)
        rows = out.splitlines()
        self.assertRegex(rows[0], r"^ID\s+NUMBER\s+STATUS\s+ISSUED\s+FILE\s+APPLICANT\s+"
                                  r"PRINCIPAL\s+DUE$")
        self.assertEqual(len(rows), 2, out)
        self.assertRegex(rows[1], r"^\s*%s\s+%s\s+ISSUED\s+2026-11-23\s+%s\s+Siti Aminah\s+"
                                  r"Rp 1\.012\.500\s+2026-12-23$"
                         % (aid, re.escape(number), re.escape(regno)))
        listed = self.ok_json(SKRD_OFFICER, "assess", "list", "--query", regno, "--year", "2026",
                              "--status", "issued")
        self.assertEqual([x["number"] for x in listed["assessments"]], [number])
        self.assertEqual(listed["total"], 1)
        self.assertNotIn("inputs", listed["assessments"][0])  # the register has no traces
        self.assertIn("(no assessments found)",
                      self.ok(SKRD_OFFICER, "assess", "list", "--status", "paid"))

        # Still unpaid on 28 December 2026 (the business clock moved past the due date): the
        # STRD bills the month begun, 1.012.500 x 2% = Rp 20.250, and the amount due names it.
        self.set_clock(offset_ms=wib_ms(2026, 12, 28, 9) - int(time.time() * 1000))
        bill = self.ok_json(SKRD_OFFICER, "assess", "bill", number)["bill"]
        self.assertEqual((bill["kind"], bill["asOf"], bill["months"], bill["interest"],
                          bill["total"], bill["assessmentId"]),
                         ("DOCUMENT_KIND_STRD", "2026-12-28", 1, "20250", "1032750", aid))
        strd = bill["number"]
        self.assertRegex(strd, r"^974/0001/STRD/")
        out = self.ok(SKRD_OFFICER, "assess", "due", aid)
        self.assertIn("As of:         2026-12-28\n", out)
        self.assertIn("Total:         Rp 1.032.750\n", out)
        self.assertRegex(out, r"Bill:\s+%s \(id \d+\), issued 2026-12-28 \d\d:\d\d by "
                         % re.escape(strd))


class ReplyContentsTest(AssessTestCase):
    """What paten.proto promises in the replies beyond the amounts: the preview names the
    assessing office (Assessment.office_name), the STRD names what it bills and who issued it."""

    def test_preview_names_the_assessing_office(self):
        r = self.take_in("loket@kaloran", "imb", dict(IMB_FIELDS, fungsi_bangunan="HUNIAN"),
                         IMB_REQS)
        f = self.to_assessment("kaloran", r["file"], {"luas_bangunan": "72"})
        a = self.ok_json(SKRD_OFFICER, "assess", "preview", str(f["id"]))["assessment"]
        self.assertEqual(a.get("officeName"), "DPMPTSP Kabupaten Temanggung")
        out = self.ok(SKRD_OFFICER, "assess", "preview", str(f["id"]))
        self.assertIn("  Assessed by:   DPMPTSP Kabupaten Temanggung\n", out)

    def test_bill_reply_names_the_assessment_and_the_officer(self):
        r = self.take_in("loket@kaloran", "imb", dict(IMB_FIELDS, fungsi_bangunan="HUNIAN"),
                         IMB_REQS)
        f = self.to_assessment("kaloran", r["file"], {"luas_bangunan": "72"})
        out = self.ok(SKRD_OFFICER, "assess", "issue", str(f["id"]), "--version",
                      str(f["version"]), "--principal", "337500")
        number = re.match(r"^issued SKRD (\S+) ", out).group(1)
        self.set_clock(offset_ms=wib_ms(2026, 12, 28, 9) - int(time.time() * 1000))
        # 337.500 x 2% x 1 month = Rp 6.750. Asked twice with one key: one STRD, its reply
        # given again, once as a line and once as JSON.
        key = "c0ffee00-0000-4000-8000-000000000002"
        line = self.ok(SKRD_OFFICER, "assess", "bill", number, "--key", key)
        bill = self.ok_json(SKRD_OFFICER, "assess", "bill", number, "--key", key)["bill"]
        with self.subTest("the line"):
            self.assertRegex(line, r"^issued STRD 974/0001/STRD/\S+ \(id \d+\) for %s as of "
                                   r"2026-12-28: 1 month\(s\), interest Rp 6\.750, total "
                                   r"Rp 344\.250\n$" % re.escape(number))
        with self.subTest("the bill's assessment"):
            self.assertEqual(bill["assessmentNumber"], number)
        with self.subTest("the officer's name, as AmountDue's bill and the assessment give it"):
            self.assertEqual(bill["issuedByName"], "Petugas Skrd DPMPTSP Kabupaten Temanggung")
        out = self.ok(SKRD_OFFICER, "assess", "due", number)
        self.assertRegex(out, r"Bill:\s+%s \(id %s\), issued 2026-12-28 \d\d:\d\d by Petugas "
                              r"Skrd DPMPTSP Kabupaten Temanggung\n" % (re.escape(bill["number"]),
                                                                          bill["id"]))


class ReklameSkpdTest(AssessTestCase):
    """(b) Pemalang reklame: NPWPD, SKPD with the SPTPD, cancelled and replaced."""

    def test_reklame_skpd_cancel_and_replace(self):
        r = self.take_in("loket@taman", "reklame", REKLAME_FIELDS, REKLAME_REQS,
                         nik="3327014101900001", name="Budi Santoso", address="Desa Taman")
        self.assertTrue(r["complete"])
        f = self.to_assessment("taman", r["file"], {"lebar": "2", "tinggi": "3"})
        regno = f["registerNumber"]
        self.assertIn(regno, self.ok(SKPD_OFFICER, "assess", "queue"))

        # An SKPD is issued to a registered taxpayer: none yet.
        err = self.fails(SKPD_OFFICER, "assess", "issue", str(f["id"]), "--version",
                         str(f["version"]), "--principal", "1458000")
        self.assertEqual((err["code"], err["field"]), ("INVALID_ARGUMENT", "taxpayer_id"), err)
        err = self.fails(SKPD_OFFICER, "taxpayer", "find", "3327014101900001")
        self.assertEqual(err["code"], "NOT_FOUND", err)

        # BAPENDA registers the applicant as a taxpayer and finds them again by NIK.
        out = self.ok(SKPD_OFFICER, "taxpayer", "register", "--name", "Budi Santoso",
                      "--address", "Jl. Jend. Sudirman 12, Taman", "--nik", "3327014101900001")
        m = re.match(r"^registered NPWPD (\S+): Budi Santoso \(id (\d+)\)\n$", out)
        self.assertIsNotNone(m, out)
        npwpd, taxpayer = m.group(1), m.group(2)
        # One NIK, one NPWPD.
        err = self.fails(SKPD_OFFICER, "taxpayer", "register", "--name", "Budi Santoso",
                         "--address", "Taman", "--nik", "3327014101900001")
        self.assertEqual(err["code"], "ALREADY_EXISTS", err)
        out = self.ok(SKPD_OFFICER, "taxpayer", "find", "3327014101900001")
        self.assertTrue(out.startswith("NPWPD %s (id %s)\n" % (npwpd, taxpayer)), out)
        self.assertIn("Address:       Jl. Jend. Sudirman 12, Taman\n", out)
        found = self.ok_json(SKPD_OFFICER, "taxpayer", "find", npwpd)
        self.assertEqual(found["taxpayer"]["id"], taxpayer)

        # 2 m x 3 m x 2 faces x 1 board = 12 m2; x Rp 10.125 a m2 a month x 12 months
        # = 12 x 121.500 = Rp 1.458.000.
        out = self.ok(SKPD_OFFICER, "assess", "preview", str(f["id"]))
        self.assertTrue(out.startswith("SKPD preview (nothing issued)\n"), out)
        self.assertIn("Principal:     Rp 1.458.000\n", out)
        self.assertRegex(out, r"Tariff:\s+reklame version 1: Pajak Reklame")
        issue = ["assess", "issue", str(f["id"]), "--version", str(f["version"]),
                 "--principal", "1458000", "--taxpayer", taxpayer,
                 "--sptpd-number", "SPTPD/0007/2026", "--sptpd-date", "2026-11-23"]
        out = self.ok(SKPD_OFFICER, *issue)
        m = re.match(r"^issued SKPD (\S+) \(id (\d+)\) for %s: Rp 1\.458\.000, due 2026-12-23\n$"
                     % re.escape(regno), out)
        self.assertIsNotNone(m, out)
        first, first_id = m.group(1), m.group(2)
        out = self.ok(SKPD_OFFICER, "assess", "show", first)
        self.assertIn("Taxpayer:      %s Budi Santoso" % npwpd, out)
        self.assertIn("SPTPD:         SPTPD/0007/2026 of 2026-11-23\n", out)
        g = self.get_file("loket@taman", f)
        self.assertEqual(g["state"], "FILE_STATE_AWAITING_PAYMENT")

        # Cancelling needs the file's current version.
        err = self.fails(SKPD_OFFICER, "assess", "cancel", first_id, "--file-version",
                         str(int(g["version"]) - 1), "--reason", "salah hitung")
        self.assertEqual((err["code"], err["field"]), ("CONFLICT", "version"), err)
        # Cancelled with a reason: the file is back in BAPENDA's queue, waiting for the
        # replacement.
        out = self.ok(SKPD_OFFICER, "assess", "cancel", first_id, "--file-version",
                      str(g["version"]), "--reason", "lama pemasangan hanya 3 bulan")
        self.assertEqual(out, "cancelled SKPD %s (id %s): lama pemasangan hanya 3 bulan; file %s "
                              "is back in the queue\n" % (first, first_id, regno))
        g = self.get_file("loket@taman", f)
        self.assertEqual(g["state"], "FILE_STATE_AWAITING_ASSESSMENT")
        row = [l for l in self.queue_lines(SKPD_OFFICER) if regno in l]
        self.assertEqual(len(row), 1)
        self.assertIn("[replaces a cancelled assessment]", row[0])

        # The replacement: 12 m2 x Rp 10.125 x 3 months = Rp 364.500.
        fix = "lama_pemasangan=3:pemohon memasang 3 bulan (surat pemohon)"
        preview = self.ok_json(SKPD_OFFICER, "assess", "preview", regno, "--set", fix)
        a = preview["assessment"]
        self.assertEqual(a["principal"], "364500")
        out = self.ok(SKPD_OFFICER, "assess", "issue", regno, "--version", str(a["fileVersion"]),
                      "--principal", "364500", "--set", fix, "--taxpayer", taxpayer,
                      "--sptpd-number", "SPTPD/0008/2026", "--sptpd-date", "2026-11-23")
        m = re.match(r"^issued SKPD (\S+) \(id (\d+)\) for %s: Rp 364\.500, due 2026-12-23\n$"
                     % re.escape(regno), out)
        self.assertIsNotNone(m, out)
        second, second_id = m.group(1), m.group(2)
        self.assertNotEqual(second, first)
        shown = self.ok_json(SKPD_OFFICER, "assess", "show", second_id)["assessment"]
        self.assertEqual(shown["replacesNumber"], first)
        out = self.ok(SKPD_OFFICER, "assess", "show", first)
        self.assertTrue(out.startswith("SKPD %s (id %s): CANCELLED\n" % (first, first_id)), out)
        self.assertRegex(out, r"Cancelled:\s+2026-11-23 \d\d:\d\d by .+: lama pemasangan hanya "
                              r"3 bulan\n")
        g = self.get_file("loket@taman", f)
        self.assertEqual((g["state"], g["assessment"]["number"]),
                         ("FILE_STATE_AWAITING_PAYMENT", second))

        # Both in the register, newest first, the first CANCELLED.
        rows = self.ok(SKPD_OFFICER, "assess", "list").splitlines()[1:]
        self.assertEqual(len(rows), 2, rows)
        self.assertRegex(rows[0], r"^\s*%s\s+%s\s+ISSUED\s.*Rp 364\.500\s+2026-12-23$"
                         % (second_id, re.escape(second)))
        self.assertRegex(rows[1], r"^\s*%s\s+%s\s+CANCELLED\s.*Rp 1\.458\.000\s+2026-12-23$"
                         % (first_id, re.escape(first)))
        cancelled = self.ok_json(SKPD_OFFICER, "assess", "list", "--status", "cancelled")
        self.assertEqual([x["number"] for x in cancelled["assessments"]], [first])
        # The SKPD register book keeps the cancelled number, voided with the reason.
        rows = self.ok(SKPD_OFFICER, "register", "skpd").splitlines()
        self.assertRegex(rows[3], r"^ +1  %s .* VOID: lama pemasangan hanya 3 bulan$"
                         % re.escape(first))
        self.assertRegex(rows[4], r"^ +2  %s .*Budi Santoso" % re.escape(second))
        self.assertNotIn("VOID", rows[4])


class AssessErrorsTest(AssessTestCase):
    """(c) Refusals: each a typed error on stderr, exit 1, and nothing changed."""

    def imb_file(self, nik, approved=True):
        r = self.take_in("loket@kaloran", "imb", dict(IMB_FIELDS, fungsi_bangunan="HUNIAN"),
                         IMB_REQS, nik=nik)
        f = r["file"]
        return self.to_assessment("kaloran", f, {"luas_bangunan": "72"}) if approved else f

    def test_refusals_change_nothing(self):
        f = self.imb_file("3323014101900001")
        waiting = self.imb_file("3323014101900002", approved=False)
        # 72 x 0.75 (SEMI_PERMANEN) x 0.5 (HUNIAN) x 12.500 = Rp 337.500.
        principal = self.ok_json(SKRD_OFFICER, "assess", "preview",
                                 str(f["id"]))["assessment"]["principal"]
        self.assertEqual(principal, "337500")
        before = self.counts()

        def issue(user, file, version, amount="337500"):
            return self.fails(user, "assess", "issue", str(file["id"]), "--version",
                              str(version), "--principal", amount)

        with self.subTest("BAPENDA's officer previews DPMPTSP's file"):
            err = self.fails("petugas_pajak@bapenda-temanggung", "assess", "preview", str(f["id"]))
            self.assertEqual((err["code"], err["field"]), ("PERMISSION_DENIED", "file_id"), err)
        with self.subTest("the counter issues"):
            err = issue("loket@kaloran", f, f["version"])
            self.assertEqual(err["code"], "PERMISSION_DENIED", err)
        with self.subTest("a file not yet approved"):
            err = issue(SKRD_OFFICER, waiting, waiting["version"])
            self.assertEqual(err["code"], "FAILED_PRECONDITION", err)
        with self.subTest("a stale version of the file"):
            err = issue(SKRD_OFFICER, f, int(f["version"]) - 1)
            self.assertEqual((err["code"], err["field"]), ("CONFLICT", "version"), err)
        with self.subTest("a principal the calculation does not give"):
            err = issue(SKRD_OFFICER, f, f["version"], amount="337499")
            self.assertEqual((err["code"], err["field"]), ("CONFLICT", "principal"), err)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.ok(SKRD_OFFICER, "assess", "list").splitlines()[1:],
                         ["(no assessments found)"])

        # Issued once; a second time with a fresh key is refused, with the file's current
        # version too.
        out = self.ok(SKRD_OFFICER, "assess", "issue", str(f["id"]), "--version",
                      str(f["version"]), "--principal", "337500")
        self.assertRegex(out, r"^issued SKRD 974/0001/SKRD/")
        after = self.counts()
        g = self.get_file("loket@kaloran", f)
        with self.subTest("issued twice"):
            err = issue(SKRD_OFFICER, g, g["version"])
            self.assertEqual(err["code"], "FAILED_PRECONDITION", err)
        self.assertEqual(self.counts(), after)

    def test_bad_input_is_refused_before_anything_is_sent(self):
        for args, what in (
                (["assess", "issue", "7", "--principal", "1"], "--version"),
                (["assess", "issue", "7", "--version", "5", "--principal", "1", "--set",
                  "lebar=2"], "FIELD=VALUE:REASON"),
                (["assess", "issue", "7", "--version", "5", "--principal", "1",
                  "--sptpd-date", "2026-13-01"], "not a date"),
                (["assess", "due", "7", "--as-of", "kemarin"], "not a date"),
                (["assess", "list", "--status", "lunas"], "'lunas'"),
                (["assess", "cancel", "7", "--file-version", "3"], "--reason"),
                (["taxpayer", "register", "--name", "X", "--address", "Y"], "--nik NIK"),
                (["taxpayer", "register", "--name", "X", "--address", "Y", "--nik", "123"],
                 "--nik '123'"),
                (["assess", "frobnicate"], "assess queue|preview")):
            with self.subTest(args=args):
                p = self.as_(SKRD_OFFICER, *args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, "")
                self.assertIn(what, p.stderr)


class TariffRegimeTest(AssessTestCase):
    """The region's tariffs and regimes as the commands list them."""

    def test_lists(self):
        out = self.ok("petugas_skrd@dpmptsp-pemalang", "tariff", "list")
        rows = out.splitlines()
        self.assertRegex(rows[0], r"^CODE\s+VER\s+SERVICE\s+FORMULA\s+FROM\s+ROUNDING\s+NAME$")
        self.assertEqual([r.split()[0] for r in rows[1:]], ["imb", "reklame"])
        self.assertRegex(rows[2], r"^reklame\s+1\s+reklame\s+REKLAME_CHARGE\s+2026-01-01\s+"
                                  r"half up to Rp 1\s+Pajak Reklame$")
        shown = json.loads(self.ok("admin@pemda-pemalang", "tariff", "show", "reklame"))
        self.assertEqual((shown["code"], shown["version"]), ("reklame", 1))
        self.assertEqual(shown["inputs"][4]["value"], "10125")
        out = self.ok("petugas_pajak@bapenda-pemalang", "regime", "list")
        self.assertRegex(out.splitlines()[1], r"^\s*1\s+2026-01-01\s+1%\s+24 months\s+counts\s+"
                                              r"30 days\s+half up to Rp 1\s+Bunga 1% sebulan")
        listed = self.ok_json(SKRD_OFFICER, "regime", "list")
        self.assertEqual([(r["monthlyBp"], r["maxMonths"]) for r in listed["regimes"]], [(200, 6)])

    def test_admin_saves_new_versions(self):
        admin = "admin@pemda-pemalang"
        # The reklame charge from 2027: Rp 11.000 a m2 a month, edited from what show prints.
        tariff = json.loads(self.ok(admin, "tariff", "show", "reklame"))
        tariff["inputs"][4]["value"] = "11000"
        tariff["effectiveFrom"] = "2027-01-01"
        p = self.as_(admin, "tariff", "save", "-", stdin=json.dumps(tariff))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^saved tariff reklame version 2 \(id \d+\), effective from "
                                   r"2027-01-01\n$")
        rows = self.ok(admin, "tariff", "list", "--history").splitlines()[1:]
        self.assertEqual([r.split()[:2] for r in rows],
                         [["imb", "1"], ["reklame", "1"], ["reklame", "2"]])
        self.assertEqual([r.split()[:2] for r in self.ok(admin, "tariff", "list").splitlines()[1:]],
                         [["imb", "1"], ["reklame", "2"]])
        old = json.loads(self.ok(admin, "tariff", "show", "reklame", "--version", "1"))
        self.assertEqual(old["inputs"][4]["value"], "10125")
        # The same edited copy again: version 1 is not the latest any more.
        err = self.error_json(self.as_(admin, "tariff", "save", "-", stdin=json.dumps(tariff)))
        self.assertEqual(err["code"], "CONFLICT", err)
        # Only the ADMIN saves; a file that is no Tariff is refused before anything is sent.
        err = self.error_json(self.as_(SKPD_OFFICER, "tariff", "save", "-",
                                       stdin=json.dumps(tariff)))
        self.assertEqual(err["code"], "PERMISSION_DENIED", err)
        p = self.as_(admin, "tariff", "save", "-", stdin='{"code": 5}')
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a Tariff", p.stderr)

        # The regime: 2% a month from 2027, at most 12 months.
        regime = self.ok_json(admin, "regime", "list")["regimes"][0]
        for k in ("id", "createdAtMs", "createdByName"):
            regime.pop(k, None)
        regime.update(monthlyBp=200, maxMonths=12, effectiveFrom="2027-01-01",
                      name="Bunga 2% sebulan, paling lama 12 bulan")
        p = self.as_(admin, "regime", "save", "-", stdin=json.dumps(regime))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^saved interest regime version 2 \(id \d+\), effective from "
                                   r"2027-01-01: Bunga 2% sebulan, paling lama 12 bulan\n$")
        rows = self.ok(admin, "regime", "list").splitlines()[1:]
        self.assertRegex(rows[1], r"^\s*2\s+2027-01-01\s+2%\s+12 months\s+counts\s+30 days")


if __name__ == "__main__":
    main()
