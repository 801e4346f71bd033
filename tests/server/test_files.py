"""The kecamatan workflow on a real patend and PostgreSQL: intake at the counter (complete and
incomplete, criteria, idempotent), every transition from intake to handover for an unstructured
and a structured free service, a rejection, a returned file whose deadline moves by the paused
working days, withdrawal, dispositions (a role's one claimed by one of two clerks), IMB up to
AWAITING_ASSESSMENT, every refused transition with its typed error and nothing changed, two
signatures racing, gapless register numbers under 50 concurrent signings, documents verified,
and the Camat's delegate signing a.n. Camat. The business clock is moved, never slept on."""

import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import DEMO_PASSWORD, PatendTestCase, PatenError, TYPE, main, pb  # noqa: E402

HOUR = 3600 * 1000
DAY = 24 * HOUR
WIB = 7 * HOUR
S = pb  # FileState and friends live in the module namespace


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
IMB = fv(luas_bangunan="72", jumlah_lantai="1", fungsi_bangunan="HUNIAN",
         kelas_bangunan="SEMI_PERMANEN", lokasi="Desa Kaloran", imb_perumahan="false",
         nama_sesuai_surat_tanah="true")
IMB_REQS = ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]


def wib_ms(y, mo, d, h=0, mi=0):
    """Unix ms of a local WIB time."""
    import calendar
    return calendar.timegm((y, mo, d, h, mi, 0)) * 1000 - WIB


class FilesTestCase(PatendTestCase):

    def setUp(self):
        super().setUp()
        self.users = {}
        # The numbers and dates below are of 2026: the business clock runs from a Monday of
        # November 2026 whatever the real date (a test that needs a fixed moment freezes it).
        self.set_clock(offset_ms=wib_ms(2026, 11, 23, 9) - int(time.time() * 1000))

    def as_(self, user):
        """One logged-in connection per demo user, reused."""
        if user not in self.users:
            self.users[user] = self.login(user)
        return self.users[user]

    def service(self, user, code):
        return [s for s in self.as_(user).rpc("ListServices").services if s.code == code][0]

    def take_in(self, user, code, fields, reqs, applicant=None, k=None, **extra):
        svc = self.service(user, code)
        return self.as_(user).rpc("TakeIn", idempotency_key=k or key(), service_id=svc.id,
                                  applicant=applicant or person(), fields=fields,
                                  requirements=reqs, **extra)

    def act(self, user, rpc, f, **fields):
        """A transition of file f (a File) by user; returns the new File."""
        return self.as_(user).rpc(rpc, idempotency_key=key(), file_id=f.id, version=f.version,
                                  **fields).file

    def row(self, f, cols="state, version"):
        return self.db.sql("SELECT %s FROM files WHERE id = %d" % (cols, f.id))

    def history(self, f):
        return self.db.sql("SELECT action FROM file_history WHERE file_id = %d ORDER BY id"
                           % f.id).split("\n")


class IntakeTest(FilesTestCase):

    def test_incomplete_submission_gets_a_return_slip_and_no_file(self):
        r = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, ["ktp"])
        self.assertFalse(r.complete)
        self.assertFalse(r.HasField("file"))
        self.assertEqual(sorted(m.code for m in r.missing), ["kk", "surat-permohonan-desa"])
        self.assertEqual(r.return_slip.number, "PK/0001/KEC-TAMAN/2026")
        self.assertEqual(r.return_slip.kind, pb.DOCUMENT_KIND_RETURN_SLIP)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "0")
        self.assertEqual(self.db.sql("SELECT count(*) FROM applicants"), "0")
        # Counted for the service's statistics, and the slip is in its register.
        self.assertEqual(self.db.sql("SELECT number, missing->0->>'code' FROM intake_returns"),
                         "PK/0001/KEC-TAMAN/2026|surat-permohonan-desa")
        v = self.client().rpc("VerifyDocument", payload=r.return_slip.verification)
        self.assertTrue(v.valid, v.problem)

    def test_complete_submission_starts_the_file(self):
        watcher = self.as_("camat@taman")
        watcher.rpc("Subscribe", from_now=True)
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 2, 9))  # Monday 09:00 WIB
        r = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS)
        f = r.file
        self.assertTrue(r.complete)
        self.assertEqual((f.register_number, f.state, f.version), ("TT/0001/KEC-TAMAN/2026",
                                                                   S.FILE_STATE_RECEIVED, 1))
        self.assertEqual((f.service_code, f.service_version, f.office_code),
                         ("dispensasi-nikah", 1, "taman"))
        self.assertEqual(f.applicant.nik, "3327014101900001")
        self.assertEqual({v.name: v.value for v in f.fields}["tempat_nikah"], "KUA Taman")
        self.assertEqual(sorted(f.requirements), sorted(DISPENSASI_REQS))
        # Two working days, at Taman's closing time (15:30): Wednesday.
        self.assertEqual(f.deadline_ms, wib_ms(2026, 11, 4, 15, 30))
        self.assertFalse(f.overdue)
        self.assertEqual([d.kind for d in f.documents], [pb.DOCUMENT_KIND_RECEIPT])
        self.assertEqual(f.documents[0].number, f.register_number)
        ev = watcher.next_event()
        self.assertEqual((ev.file_changed.action, ev.file_changed.file.register_number),
                         ("TAKEN_IN", f.register_number))
        # The applicant is found again by the number, with the file.
        a = self.as_("loket@taman").rpc("FindApplicant", number="3327.0141.0190.0001")
        self.assertEqual((a.applicant.name, [x.id for x in a.files]), ("Siti Aminah", [f.id]))

    def test_fields_and_criteria_are_checked(self):
        cases = [
            (fv(luas_bangunan="150"), "FAILED_PRECONDITION", "100 m2"),
            (fv(jumlah_lantai="2"), "FAILED_PRECONDITION", "tidak bertingkat"),
            (fv(luas_bangunan="banyak"), "INVALID_ARGUMENT", ""),
            (fv(fungsi_bangunan="PABRIK"), "INVALID_ARGUMENT", ""),
            (fv(warna_cat="biru"), "INVALID_ARGUMENT", ""),
        ]
        base = {v.name: v.value for v in IMB}
        for change, code, text in cases:
            values = dict(base)
            values.update({v.name: v.value for v in change})
            try:
                self.take_in("loket@kaloran", "imb", fv(**values), IMB_REQS)
                self.fail("accepted %s" % change)
            except PatenError as e:
                self.assertEqual((e.code, e.err.field), (code, "fields"), change)
                self.assertIn(text, e.err.message)
        # A required field left out is named by its label.
        values = dict(base)
        del values["lokasi"]
        with self.assertRaises(PatenError) as cm:
            self.take_in("loket@kaloran", "imb", fv(**values), IMB_REQS)
        self.assertIn("Lokasi bangunan", cm.exception.err.message)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "0")

    def test_identity_numbers_and_roles(self):
        bad = [
            (person(nik="1234"), "applicant.nik"),
            (person(nik="3327014199900001"), "applicant.nik"),   # no such birth date
            (pb.Applicant(kind=pb.APPLICANT_KIND_ORGANIZATION, name="CV Maju", nib="123",
                          responsible_nik="3327014101900001"), "applicant.nib"),
            (pb.Applicant(kind=pb.APPLICANT_KIND_ORGANIZATION, name="CV Maju",
                          nib="1234567890123"), "applicant.responsible_nik"),
            (pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik="3327014101900001"),
             "applicant.name"),
        ]
        for applicant, field in bad:
            with self.assertRaises(PatenError) as cm:
                self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS,
                             applicant=applicant)
            self.assertEqual((cm.exception.code, cm.exception.err.field),
                             ("INVALID_ARGUMENT", field))
        # An organisation by its NPWP written with dots, found again by NIB or NPWP.
        org = pb.Applicant(kind=pb.APPLICANT_KIND_ORGANIZATION, name="CV Maju Jaya",
                           nib="1234567890123", npwp="01.234.567.8-901.000",
                           responsible_nik="3327014101900001", responsible_name="Pak Maju")
        self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS,
                     applicant=org)
        for number in ("1234567890123", "012345678901000"):
            a = self.as_("loket@taman").rpc("FindApplicant", number=number).applicant
            self.assertEqual((a.kind, a.npwp), (pb.APPLICANT_KIND_ORGANIZATION, "012345678901000"))
        # Only the counter takes files in; another region's service is not found.
        svc = self.service("loket@taman", "dispensasi-nikah")
        e = self.as_("camat@taman").rpc_error("TakeIn", idempotency_key=key(), service_id=svc.id,
                                             applicant=person(), fields=DISPENSASI)
        self.assertEqual(e.code, "PERMISSION_DENIED")
        e = self.as_("loket@kaloran").rpc_error("TakeIn", idempotency_key=key(), service_id=svc.id,
                                               applicant=person(), fields=DISPENSASI)
        self.assertEqual((e.code, e.err.field), ("NOT_FOUND", "service_id"))

    def test_retry_with_the_same_key_makes_one_file(self):
        k = key()
        a = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS, k=k)
        b = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS, k=k)
        self.assertEqual(a.file.register_number, b.file.register_number)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "1")
        self.assertEqual(self.db.sql("SELECT count(*) FROM documents"), "1")
        e = self.as_("loket@taman").rpc_error(
            "TakeIn", idempotency_key=k, service_id=a.file.service_id, applicant=person(),
            fields=DISPENSASI, requirements=["ktp"])
        self.assertEqual(e.code, "IDEMPOTENCY_MISMATCH")
        # A connection dropped after sending: the change either happened once or not at all,
        # and the retry on a new connection answers with the same file.
        k2 = key()
        c = self.login("loket@taman")
        c.send(TYPE["TakeIn"], pb.TakeInRequest(
            idempotency_key=k2, service_id=a.file.service_id, applicant=person(),
            fields=DISPENSASI, requirements=DISPENSASI_REQS))
        c.close()
        again = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS,
                             k=k2)
        self.assertEqual(self.db.sql("SELECT count(*) FROM files WHERE register_number = '%s'"
                                     % again.file.register_number), "1")
        self.assertEqual(self.db.sql("SELECT count(*) FROM files"), "2")


class LifeTest(FilesTestCase):

    def test_unstructured_from_intake_to_handover(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        f = self.act("sekretariat@taman", "Recommend", f, can_process=True, note="lengkap")
        self.assertEqual((f.state, f.version), (S.FILE_STATE_RECOMMENDED, 2))
        f = self.act("camat@taman", "Decide", f, approve=True)
        self.assertEqual(f.state, S.FILE_STATE_APPROVED)
        f = self.act("camat@taman", "Sign", f)
        self.assertEqual(f.state, S.FILE_STATE_SIGNED)
        self.assertEqual(f.sk_number, "503/0001/DISPENSASI-NIKAH/KEC-TAMAN/2026")
        self.assertEqual(f.signed_by_name, "Camat Kecamatan Taman")
        self.assertEqual(f.signed_as, "")
        sk = f.documents[-1]
        self.assertEqual((sk.kind, sk.number), (pb.DOCUMENT_KIND_DECREE, f.sk_number))
        rep = self.as_("loket@taman").rpc("HandOver", idempotency_key=key(), file_id=f.id,
                                          version=f.version, received_by_name="Siti Aminah",
                                          received_by_nik="3327014101900001")
        self.assertEqual(rep.file.state, S.FILE_STATE_HANDED_OVER)
        self.assertEqual([h.action for h in rep.history],
                         ["TAKEN_IN", "RECOMMENDED", "APPROVED", "SIGNED", "HANDED_OVER"])
        self.assertEqual(rep.history[-1].actor_name, "Loket Kecamatan Taman")
        # The SK verifies; a changed byte or another number does not.
        anyone = self.client()
        v = anyone.rpc("VerifyDocument", payload=sk.verification)
        self.assertEqual((v.valid, v.number, v.subject, v.region_code),
                         (True, f.sk_number, "Siti Aminah", "pemalang"))
        forged = sk.verification.replace("Siti Aminah", "Siti Aminab")
        self.assertFalse(anyone.rpc("VerifyDocument", payload=forged).valid)
        self.assertEqual(anyone.rpc_error("VerifyDocument", payload="hello").err.field, "payload")
        audit = self.db.sql("SELECT action FROM audit_log a JOIN offices o ON o.id = a.office_id "
                            "WHERE o.code = 'taman' AND a.entity = 'file' ORDER BY seq")
        self.assertEqual(audit.split("\n"), ["TAKEN_IN", "RECOMMENDED", "APPROVED", "SIGNED",
                                             "HANDED_OVER"])

    def test_structured_free_service_with_survey_meeting_and_disposition(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS).file
        self.assertTrue(f.survey_needed)  # CAMAT_CHOICE: visited unless the Camat waives it
        # The Camat sends it to the technical team.
        d = self.as_("camat@kaloran").rpc("Dispose", idempotency_key=key(), file_id=f.id,
                                          to_role=pb.ROLE_TIM_TEKNIS,
                                          instruction="Mohon cek lapangan").disposition
        self.assertEqual((d.to_role, d.to_user_id, d.from_name),
                         (pb.ROLE_TIM_TEKNIS, 0, "Camat Kecamatan Kaloran"))
        # Recommending before the survey is refused.
        e = self.as_("sekretariat@kaloran").rpc_error("Recommend", idempotency_key=key(),
                                                      file_id=f.id, version=f.version,
                                                      can_process=True)
        self.assertEqual((e.code, e.err.current_state), ("FAILED_PRECONDITION",
                                                          S.FILE_STATE_RECEIVED))
        tim = self.as_("tim_teknis@kaloran")
        inbox = tim.rpc("Inbox").dispositions
        self.assertEqual([x.id for x in inbox], [d.id])
        tim.rpc("OpenDisposition", idempotency_key=key(), disposition_id=d.id)
        f = self.act("tim_teknis@kaloran", "SubmitSurvey", f, date="2026-11-20",
                     team=["Agus", "Bambang"], findings="Lokasi sesuai permohonan",
                     measurements=fv(lebar_jalan_masuk="3.4"))
        self.assertEqual(f.state, S.FILE_STATE_SURVEYED)
        self.assertEqual((f.survey.number, f.survey.team[:], f.survey.measurements[0].value),
                         ("BA/0001/KEC-KALORAN/2026", ["Agus", "Bambang"], "3.4"))
        done = tim.rpc("CompleteDisposition", idempotency_key=key(), disposition_id=d.id,
                       version=tim.rpc("Inbox").dispositions[0].version,
                       response="Sudah dicek").disposition
        self.assertTrue(done.completed_at_ms > 0)
        self.assertEqual(list(tim.rpc("Inbox").dispositions), [])
        f = self.act("sekretariat@kaloran", "RecordMeeting", f, date="2026-11-20",
                     participants=["Camat", "Sekcam", "Tim Teknis"], minutes="Dibahas",
                     decision="Dapat diproses")
        self.assertEqual((f.state, len(f.meetings), f.meetings[0].number),
                         (S.FILE_STATE_SURVEYED, 1, "BAR/0001/KEC-KALORAN/2026"))
        f = self.act("sekretariat@kaloran", "Recommend", f, can_process=True)
        f = self.act("camat@kaloran", "Decide", f, approve=True)
        self.assertEqual(f.state, S.FILE_STATE_APPROVED)  # no fee: ready to sign
        f = self.act("camat@kaloran", "Sign", f)
        f = self.act("loket@kaloran", "HandOver", f, received_by_name="Pak Tani")
        self.assertEqual(f.state, S.FILE_STATE_HANDED_OVER)
        kinds = [x.kind for x in f.documents]
        self.assertEqual(kinds, [pb.DOCUMENT_KIND_RECEIPT, pb.DOCUMENT_KIND_SURVEY_REPORT,
                                 pb.DOCUMENT_KIND_MEETING_MINUTES, pb.DOCUMENT_KIND_DECREE])
        self.assertEqual(self.history(f), [
            "TAKEN_IN", "DISPOSED", "DISPOSITION_CLAIMED", "SURVEYED", "DISPOSITION_DONE",
            "MEETING", "RECOMMENDED", "APPROVED", "SIGNED", "HANDED_OVER"])
        # The Camat may also decide that no site visit is needed.
        g = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS).file
        g = self.act("camat@kaloran", "SetSurvey", g, needed=False, reason="Lokasi sudah dikenal")
        self.assertFalse(g.survey_needed)
        g = self.act("sekretariat@kaloran", "Recommend", g, can_process=True)
        self.assertEqual(g.state, S.FILE_STATE_RECOMMENDED)

    def test_rejection_with_a_letter(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        f = self.act("sekretariat@taman", "Recommend", f, can_process=False,
                     note="Calon istri belum cukup umur")
        e = self.as_("camat@taman").rpc_error("Decide", idempotency_key=key(), file_id=f.id,
                                             version=f.version, approve=False)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "reason"))
        f = self.act("camat@taman", "Decide", f, approve=False, reason="Tidak memenuhi syarat umur")
        self.assertEqual((f.state, f.decision_reason), (S.FILE_STATE_REJECTED,
                                                        "Tidak memenuhi syarat umur"))
        letter = f.documents[-1]
        self.assertEqual((letter.kind, letter.number), (pb.DOCUMENT_KIND_REJECTION_LETTER,
                                                        "503/0001/TOLAK/KEC-TAMAN/2026"))
        # Nothing moves a rejected file any more.
        e = self.as_("camat@taman").rpc_error("Sign", idempotency_key=key(), file_id=f.id,
                                             version=f.version)
        self.assertEqual((e.code, e.err.current_state), ("FAILED_PRECONDITION",
                                                          S.FILE_STATE_REJECTED))

    def test_returned_file_deadline_moves_by_the_paused_working_days(self):
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 2, 9))  # Monday
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        self.assertEqual(f.deadline_ms, wib_ms(2026, 11, 4, 15, 30))
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 2, 10))
        f = self.act("loket@taman", "ReturnFile", f, reason="KK tidak terbaca",
                     missing=["kk"])
        self.assertEqual((f.state, f.resumes_to, list(f.returned_missing)),
                         (S.FILE_STATE_RETURNED, S.FILE_STATE_RECEIVED, ["kk"]))
        self.assertFalse(f.overdue)
        # Back on Thursday: Tuesday, Wednesday and Thursday stood still.
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 5, 10))
        self.users.clear()
        f = self.act("loket@taman", "ResumeFile", f, requirements=["kk"])
        self.assertEqual((f.state, f.paused_working_days), (S.FILE_STATE_RECEIVED, 3))
        self.assertEqual(f.deadline_ms, wib_ms(2026, 11, 9, 15, 30))  # Monday after
        self.assertEqual(self.history(f)[-2:], ["RETURNED", "RESUMED"])
        # Past the moved deadline it is overdue, and searching for overdue files finds it.
        self.set_clock(freeze_at_ms=wib_ms(2026, 11, 9, 15, 31))
        self.users.clear()
        found = self.as_("loket@taman").rpc("SearchFiles", overdue_only=True).files
        self.assertEqual([(x.id, x.overdue) for x in found], [(f.id, True)])

    def test_withdrawal(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        e = self.as_("loket@taman").rpc_error("WithdrawFile", idempotency_key=key(),
                                             file_id=f.id, version=f.version)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "reason"))
        f = self.act("loket@taman", "WithdrawFile", f, reason="Pernikahan ditunda")
        self.assertEqual((f.state, f.withdrawn_reason), (S.FILE_STATE_WITHDRAWN,
                                                         "Pernikahan ditunda"))
        # A signed file cannot be withdrawn.
        g = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        g = self.act("sekretariat@taman", "Recommend", g, can_process=True)
        g = self.act("camat@taman", "Decide", g, approve=True)
        g = self.act("camat@taman", "Sign", g)
        e = self.as_("loket@taman").rpc_error("WithdrawFile", idempotency_key=key(),
                                             file_id=g.id, version=g.version, reason="x")
        self.assertEqual((e.code, e.err.current_state), ("FAILED_PRECONDITION",
                                                          S.FILE_STATE_SIGNED))

    def test_imb_up_to_awaiting_assessment(self):
        f = self.take_in("loket@kaloran", "imb", IMB, IMB_REQS).file
        self.assertEqual(f.fee, pb.FEE_KIND_RETRIBUSI)
        f = self.act("tim_teknis@kaloran", "SubmitSurvey", f, date="2026-11-20",
                     team=["Agus"], findings="Sesuai", measurements=fv(luas_bangunan="70.5"))
        f = self.act("sekretariat@kaloran", "Recommend", f, can_process=True)
        f = self.act("camat@kaloran", "Decide", f, approve=True)
        # Approved and sent for assessment in one change: two versions, two history rows.
        self.assertEqual((f.state, f.version), (S.FILE_STATE_AWAITING_ASSESSMENT, 5))
        self.assertEqual(self.history(f)[-2:], ["APPROVED", "ASSESSMENT_REQUESTED"])
        # Unpaid: no signature.
        e = self.as_("camat@kaloran").rpc_error("Sign", idempotency_key=key(), file_id=f.id,
                                               version=f.version)
        self.assertEqual(e.code, "FAILED_PRECONDITION")

    def test_forwarded_service(self):
        siup = self.service("loket@kaloran", "siup")
        self.assertEqual(siup.authority, pb.ISSUING_AUTHORITY_FORWARDED)
        fields = {fs.name: fs for fs in siup.fields}
        values = {}
        for name, spec in fields.items():
            if not spec.required:
                continue
            values[name] = {pb.FIELD_TYPE_NUMBER: "10", pb.FIELD_TYPE_TEXT: "x",
                            pb.FIELD_TYPE_DATE: "2026-01-01", pb.FIELD_TYPE_YES_NO: "false",
                            pb.FIELD_TYPE_CHOICE: spec.choices[0] if spec.choices else ""}[
                                spec.type]
        reqs = [r.code for r in siup.requirements
                if r.when == "" or ("=" in r.when and values.get(r.when.split("=")[0]) ==
                                    r.when.split("=", 1)[1])]
        r = self.take_in("loket@kaloran", "siup", fv(**values), reqs)
        self.assertTrue(r.complete, [m.code for m in r.missing])
        f = r.file
        f = self.act("camat@kaloran", "SetSurvey", f, needed=False)
        f = self.act("sekretariat@kaloran", "Recommend", f, can_process=True)
        e = self.as_("camat@kaloran").rpc_error("Decide", idempotency_key=key(), file_id=f.id,
                                               version=f.version, approve=True)
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        f = self.act("camat@kaloran", "Forward", f, note="Ke DPMPTSP")
        self.assertEqual(f.state, S.FILE_STATE_FORWARDED)
        f = self.act("loket@kaloran", "RecordAgencyOutcome", f, approved=True,
                     document_number="510/123/DPMPTSP/2026")
        self.assertEqual((f.state, f.agency_document_number),
                         (S.FILE_STATE_APPROVED, "510/123/DPMPTSP/2026"))
        f = self.act("loket@kaloran", "HandOver", f, received_by_name="Pemilik")
        self.assertEqual(f.state, S.FILE_STATE_HANDED_OVER)
        self.assertEqual(f.sk_number, "")


class RefusalTest(FilesTestCase):

    def snapshot(self, f):
        return (self.row(f, "state, version, updated_at"),
                self.db.sql("SELECT count(*) FROM file_history WHERE file_id = %d" % f.id),
                self.db.sql("SELECT count(*) FROM documents"),
                self.db.sql("SELECT count(*) FROM audit_log WHERE entity = 'file'"))

    def test_every_refusal_is_typed_and_changes_nothing(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS).file
        before = self.snapshot(f)
        cases = [
            # wrong state
            ("camat@kaloran", "Sign", dict(version=f.version), "FAILED_PRECONDITION", None),
            ("loket@kaloran", "ResumeFile", dict(version=f.version), "FAILED_PRECONDITION", None),
            # wrong role
            ("loket@kaloran", "Decide", dict(version=f.version, approve=True),
             "PERMISSION_DENIED", None),
            ("kasir@kaloran", "ReturnFile", dict(version=f.version, reason="x"),
             "PERMISSION_DENIED", None),
            # another kecamatan, another region
            ("tim_teknis@kandangan", "SubmitSurvey",
             dict(version=f.version, date="2026-11-20", team=["A"], findings="x"),
             "PERMISSION_DENIED", "file_id"),
            ("loket@taman", "ReturnFile", dict(version=f.version, reason="x"), "NOT_FOUND",
             "file_id"),
            # stale version
            ("tim_teknis@kaloran", "SubmitSurvey",
             dict(version=f.version + 1, date="2026-11-20", team=["A"], findings="x"),
             "CONFLICT", "version"),
            # bad input
            ("tim_teknis@kaloran", "SubmitSurvey",
             dict(version=f.version, date="2099-01-01", team=["A"], findings="x"),
             "INVALID_ARGUMENT", "date"),
            ("tim_teknis@kaloran", "SubmitSurvey",
             dict(version=f.version, date="2026-11-20", team=["A"], findings="x",
                  measurements=fv(luas="3")), "INVALID_ARGUMENT", "measurements"),
        ]
        for user, rpc, fields, code, field in cases:
            e = self.as_(user).rpc_error(rpc, idempotency_key=key(), file_id=f.id, **fields)
            self.assertEqual(e.code, code, (user, rpc))
            if field:
                self.assertEqual(e.err.field, field, (user, rpc))
            if code in ("FAILED_PRECONDITION", "CONFLICT"):
                self.assertEqual((e.err.current_state, e.err.current_version),
                                 (S.FILE_STATE_RECEIVED, 1), (user, rpc))
            self.assertEqual(self.snapshot(f), before, (user, rpc))
        # Not even a hand-written UPDATE can skip a step: the trigger refuses it.
        with self.assertRaisesRegex(RuntimeError, "no transition from RECEIVED to SIGNED"):
            self.db.sql("UPDATE files SET state = 'SIGNED', sk_number = 'x', version = 2 "
                        "WHERE id = %d" % f.id, user="paten_app")
        with self.assertRaisesRegex(RuntimeError, "version must go"):
            self.db.sql("UPDATE files SET state = 'RETURNED', resumes_to = 'RECEIVED', "
                        "returned_at = now() WHERE id = %d" % f.id, user="paten_app")
        self.assertEqual(self.snapshot(f), before)

    def test_two_signatures_at_once_one_wins(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS).file
        f = self.act("camat@kaloran", "SetSurvey", f, needed=False)
        f = self.act("sekretariat@kaloran", "Recommend", f, can_process=True)
        f = self.act("camat@kaloran", "Decide", f, approve=True)
        a, b = self.login("camat@kaloran"), self.login("camat@kaloran")
        req = lambda: pb.SignRequest(idempotency_key=key(), file_id=f.id, version=f.version)
        a.send(TYPE["Sign"], req())
        b.send(TYPE["Sign"], req())
        answers = [a.recv_reply()[2], b.recv_reply()[2]]
        codes = sorted("OK" if not isinstance(x, PatenError) else x.code for x in answers)
        self.assertEqual(codes, ["CONFLICT", "OK"])
        loser = [x for x in answers if isinstance(x, PatenError)][0]
        self.assertEqual((loser.err.current_state, loser.err.current_version),
                         (S.FILE_STATE_SIGNED, f.version + 1))
        self.assertEqual(self.db.sql("SELECT count(*) FROM documents WHERE kind = 'DECREE'"), "1")

    def test_the_ten_thousandth_number_keeps_all_its_digits(self):
        # A register at 9,999 (made directly: a year of intakes would take too long); the next
        # take must be 10000, not "1000" again. The exception rolls the take back.
        with self.assertRaises(RuntimeError) as cm:
            self.db.sql(
                "DO $$ DECLARE o bigint; t record; BEGIN "
                "SELECT id INTO o FROM offices WHERE code = 'kaloran'; "
                "INSERT INTO registers (office_id, kind, series, year, last_no) "
                "VALUES (o, 'RECEIPT', '', 2031, 9999); "
                "SELECT * INTO t FROM take_number(o, 'RECEIPT', '', 2031); "
                "RAISE EXCEPTION 'took % %', t.seq, t.number; END $$")
        self.assertIn("took 10000 TT/10000/KEC-KALORAN/2031", str(cm.exception))

    def test_register_numbers_stay_gapless_under_50_concurrent_signings(self):
        files = []
        for i in range(50):
            f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS,
                             applicant=person(nik="33270141019%05d" % (i + 1))).file
            f = self.act("sekretariat@taman", "Recommend", f, can_process=True)
            files.append(self.act("camat@taman", "Decide", f, approve=True))
        clients = [self.login("camat@taman") for _ in range(5)]
        results = []

        def sign(c, batch):
            for f in batch:
                c.send(TYPE["Sign"], pb.SignRequest(idempotency_key=key(), file_id=f.id,
                                                    version=f.version))
            for _ in batch:
                results.append(c.recv_reply()[2])

        threads = [threading.Thread(target=sign, args=(c, files[i::5]))
                   for i, c in enumerate(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([type(r).__name__ for r in results], ["FileReply"] * 50)
        reg = self.as_("camat@taman").rpc("ListRegister", kind=pb.DOCUMENT_KIND_DECREE,
                                          service_id=files[0].service_id)
        self.assertEqual([e.seq for e in reg.entries], list(range(1, 51)))
        self.assertEqual(len({e.number for e in reg.entries}), 50)
        self.assertEqual(sorted(r.file.sk_number for r in results),
                         sorted(e.number for e in reg.entries))
        self.assertIn("Dispensasi Nikah", reg.title)


class DispositionTest(FilesTestCase):

    def second_clerk(self):
        admin = self.as_("admin@pemda-temanggung")
        kaloran = [o.id for o in admin.rpc("ListOffices").offices if o.code == "kaloran"][0]
        admin.rpc("CreateUser", idempotency_key=key(), username="tim2@kaloran", name="Tim Dua",
                  office_id=kaloran, roles=[pb.ROLE_TIM_TEKNIS],
                  initial_password="awal-rahasia-1")
        c = self.client()
        c.login("tim2@kaloran", "awal-rahasia-1")
        c.rpc("ChangePassword", idempotency_key=key(), old_password="awal-rahasia-1",
              new_password="baru-rahasia-22")
        return c

    def test_a_role_disposition_is_claimed_by_one_of_two_clerks(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS).file
        one, two = self.as_("tim_teknis@kaloran"), self.second_clerk()
        one.rpc("Subscribe", from_now=True)
        two.rpc("Subscribe", from_now=True)
        d = self.as_("camat@kaloran").rpc("Dispose", idempotency_key=key(), file_id=f.id,
                                          to_role=pb.ROLE_TIM_TEKNIS,
                                          instruction="Cek lapangan").disposition
        # Both see it arrive, live, and in their inboxes.
        for c in (one, two):
            ev = c.next_event()
            self.assertEqual((ev.disposition_changed.change, ev.disposition_changed.disposition.id),
                             ("CREATED", d.id))
            self.assertEqual([x.id for x in c.rpc("Inbox").dispositions], [d.id])
        mine = one.rpc("OpenDisposition", idempotency_key=key(), disposition_id=d.id).disposition
        self.assertEqual((mine.to_user_id > 0, mine.to_name), (True, "Tim Teknis Kecamatan Kaloran"))
        self.assertTrue(mine.read_at_ms > 0)
        e = two.rpc_error("OpenDisposition", idempotency_key=key(), disposition_id=d.id)
        self.assertEqual(e.code, "CONFLICT")
        self.assertIn("Tim Teknis Kecamatan Kaloran", e.err.message)
        self.assertEqual(list(two.rpc("Inbox").dispositions), [])
        self.assertEqual(two.next_event().disposition_changed.change, "CLAIMED")
        # The one who made it hears it was taken and done.
        camat = self.as_("camat@kaloran")
        camat.rpc("Subscribe", from_now=True)
        one.rpc("CompleteDisposition", idempotency_key=key(), disposition_id=d.id,
                version=mine.version, response="Selesai")
        self.assertEqual(camat.next_event().disposition_changed.change, "COMPLETED")
        e = two.rpc_error("CompleteDisposition", idempotency_key=key(), disposition_id=d.id,
                          version=mine.version + 1, response="x")
        self.assertEqual(e.code, "CONFLICT")

    def test_person_disposition_and_refusals(self):
        f = self.take_in("loket@kaloran", "oprit", OPRIT, OPRIT_REQS).file
        camat = self.as_("camat@kaloran")
        sek_id = self.as_("sekretariat@kaloran").session.session.user.id
        taman_id = self.as_("loket@taman").session.session.user.id
        cases = [
            (dict(to_user_id=sek_id, to_role=pb.ROLE_LOKET, instruction="x"), "to_user_id"),
            (dict(instruction="x"), "to_user_id"),
            (dict(to_role=pb.ROLE_ADMIN, instruction="x"), "to_role"),
            (dict(to_user_id=sek_id, instruction=""), "instruction"),
            (dict(to_user_id=taman_id, instruction="x"), "to_user_id"),
            (dict(to_user_id=sek_id, instruction="x", due_ms=1000), "due_ms"),
        ]
        for fields, field in cases:
            e = camat.rpc_error("Dispose", idempotency_key=key(), file_id=f.id, **fields)
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", field), fields)
        d = camat.rpc("Dispose", idempotency_key=key(), file_id=f.id, to_user_id=sek_id,
                      instruction="Mohon dikaji").disposition
        self.assertEqual(d.to_name, "Sekretariat Kecamatan Kaloran")
        self.assertTrue(d.due_ms > 0)
        # The addressee at two desks: done at one, the other hears it.
        sek = self.as_("sekretariat@kaloran")
        other_desk = self.login("sekretariat@kaloran")
        other_desk.rpc("Subscribe", from_now=True)
        sek.rpc("OpenDisposition", idempotency_key=key(), disposition_id=d.id)
        self.assertEqual(other_desk.next_event().disposition_changed.change, "READ")
        e = self.as_("tim_teknis@kaloran").rpc_error("OpenDisposition", idempotency_key=key(),
                                                     disposition_id=d.id)
        self.assertEqual(e.code, "PERMISSION_DENIED")
        e = self.as_("camat@kandangan").rpc_error("Dispose", idempotency_key=key(),
                                                  file_id=f.id, to_role=pb.ROLE_LOKET,
                                                  instruction="x")
        self.assertEqual(e.code, "PERMISSION_DENIED")


class DelegateTest(FilesTestCase):

    def test_the_delegate_signs_an_camat(self):
        f = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        f = self.act("sekretariat@taman", "Recommend", f, can_process=True)
        camat = self.as_("camat@taman")
        now = camat.rpc("Ping").server_time_ms
        sek = self.as_("sekretariat@taman")
        sek.rpc("Subscribe", from_now=True)
        camat.rpc("CreateDelegation", idempotency_key=key(),
                  to_user_id=sek.session.session.user.id, kind=pb.DELEGATION_KIND_PLH,
                  valid_from_ms=now - 1000, valid_until_ms=now + 8 * HOUR, reason="Dinas luar")
        # The delegate's session learns of it from the event.
        self.assertEqual(sek.next_event().WhichOneof("body"), "delegation_changed")
        f = self.act("sekretariat@taman", "Decide", f, approve=True)
        f = self.act("sekretariat@taman", "Sign", f)
        self.assertEqual((f.signed_by_name, f.signed_as),
                         ("Sekretariat Kecamatan Taman", "a.n. Camat Kecamatan Taman"))
        self.assertEqual(f.documents[-1].signed_as, "a.n. Camat Kecamatan Taman")
        self.assertEqual(self.db.sql("SELECT actor_as FROM file_history WHERE action = 'SIGNED'"),
                         "a.n. Camat Kecamatan Taman")


class QueryTest(FilesTestCase):

    def test_search_get_and_registers(self):
        a = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS).file
        b = self.take_in("loket@taman", "dispensasi-nikah", DISPENSASI, DISPENSASI_REQS,
                         applicant=person(nik="3327015202950002", name="Dewi 100%_Sari")).file
        loket = self.as_("loket@taman")
        by = lambda **q: [x.id for x in loket.rpc("SearchFiles", **q).files]
        self.assertEqual(by(), [b.id, a.id])
        self.assertEqual(by(register_number=a.register_number), [a.id])
        self.assertEqual(by(number="3327015202950002"), [b.id])
        self.assertEqual(by(name="dewi"), [b.id])
        self.assertEqual(by(name="100%_"), [b.id])
        self.assertEqual(by(name="%"), [b.id])
        self.assertEqual(by(state=S.FILE_STATE_RECEIVED, limit=1), [b.id])
        r = loket.rpc("SearchFiles", limit=1, offset=1)
        self.assertEqual(([x.id for x in r.files], r.total), ([a.id], 2))
        self.assertEqual(by(from_date="2099-01-01"), [])
        self.assertEqual(loket.rpc_error("SearchFiles", limit=500).err.field, "limit")
        self.assertEqual(loket.rpc_error("SearchFiles", from_date="kemarin").err.field,
                         "from_date")
        got = loket.rpc("GetFile", register_number=a.register_number)
        self.assertEqual((got.file.id, [h.action for h in got.history]), (a.id, ["TAKEN_IN"]))
        # Another kecamatan's staff cannot see it; the region's readers can.
        self.assertEqual(self.as_("loket@kaloran").rpc_error("GetFile", file_id=a.id).code,
                         "NOT_FOUND")
        self.assertEqual(self.as_("auditor@pemda-pemalang").rpc("GetFile", file_id=a.id).file.id,
                         a.id)
        self.assertEqual(len(self.as_("pimpinan@pemda-pemalang").rpc("SearchFiles").files), 2)
        reg = loket.rpc("ListRegister", kind=pb.DOCUMENT_KIND_RECEIPT)
        self.assertEqual([(e.seq, e.file_register_number) for e in reg.entries],
                         [(1, a.register_number), (2, b.register_number)])
        self.assertEqual((reg.title, reg.office_name),
                         ("Buku Register Tanda Terima Berkas 2026", "Kecamatan Taman"))
        self.assertEqual(loket.rpc_error("ListRegister", kind=pb.DOCUMENT_KIND_DECREE).err.field,
                         "service_id")
        keys = self.client().rpc("GetSigningKeys", region_code="pemalang").keys
        self.assertEqual([(k.region_code, len(k.public_key)) for k in keys], [("pemalang", 32)])


if __name__ == "__main__":
    main()
