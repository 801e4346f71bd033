"""Assessments on a real patend and PostgreSQL (issue 5): files with a fee reach the assessing
office's queue (pushed), the calculation with its trace for each demo tariff (worked examples
below, computed by hand), the SKRD from DPMPTSP and the SKPD from BAPENDA with a registered
taxpayer, cancellation and replacement, the amount due with late interest under both demo
regimes, the STRD numbered only when issued, a tariff version added after issuance, typed
refusals that change nothing, and gapless numbers under concurrent issuance."""
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from paten_test import TYPE, PatendTestCase, PatenError, main, pb  # noqa: E402


def c_type(rpc):
    return TYPE[rpc]

HOUR = 3600 * 1000
WIB = 7 * HOUR


def key():
    return str(uuid.uuid4())


def fv(**values):
    return [pb.FieldValue(name=k, value=v) for k, v in values.items()]


def person(nik="3327014101900001", name="Siti Aminah"):
    return pb.Applicant(kind=pb.APPLICANT_KIND_PERSON, nik=nik, name=name, address="Desa Taman",
                        phone="081234567890")


def wib_ms(y, mo, d, h=0, mi=0):
    import calendar
    return calendar.timegm((y, mo, d, h, mi, 0)) * 1000 - WIB


IMB_REQS = ["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]


def imb(luas="72", kelas="SEMI_PERMANEN", fungsi="HUNIAN"):
    return fv(luas_bangunan=luas, jumlah_lantai="1", fungsi_bangunan=fungsi,
              kelas_bangunan=kelas, lokasi="Desa Kaloran", imb_perumahan="false",
              nama_sesuai_surat_tanah="true")


REKLAME_PML = fv(bentuk="PAPAN", lebar="2", tinggi="3", jumlah_muka="2", jumlah_buah="1",
                 lokasi="Jl. Pemuda 1", lama_pemasangan="12", naskah="Toko Maju",
                 di_tempat_usaha="true", dalam_satu_kecamatan="true",
                 pemohon_badan_hukum="false", perpanjangan="false")
REKLAME_PML_REQS = ["ktp", "npwp", "contoh-reklame", "persetujuan-tempat", "pengantar-desa"]


class AssessTestCase(PatendTestCase):

    def setUp(self):
        super().setUp()
        self.users = {}
        self.set_clock(offset_ms=wib_ms(2026, 11, 23, 9) - int(time.time() * 1000))

    def as_(self, user):
        if user not in self.users:
            self.users[user] = self.login(user)
        return self.users[user]

    def service(self, user, code):
        return [s for s in self.as_(user).rpc("ListServices").services if s.code == code][0]

    def act(self, user, rpc, f, **fields):
        return self.as_(user).rpc(rpc, idempotency_key=key(), file_id=f.id, version=f.version,
                                  **fields).file

    def approved(self, kec, code, fields, reqs, measurements=None, applicant=None):
        """A file of service code taken in at kec and approved (AWAITING_ASSESSMENT)."""
        svc = self.service("loket@" + kec, code)
        f = self.as_("loket@" + kec).rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                                         applicant=applicant or person(), fields=fields,
                                         requirements=reqs).file
        if f.survey_policy == pb.SURVEY_POLICY_CAMAT_CHOICE:
            f = self.act("camat@" + kec, "SetSurvey", f, needed=True)
        f = self.act("tim_teknis@" + kec, "SubmitSurvey", f, date="2026-11-23", team=["Agus"],
                     findings="Sesuai", measurements=measurements or [])
        f = self.act("sekretariat@" + kec, "Recommend", f, can_process=True)
        f = self.act("camat@" + kec, "Decide", f, approve=True)
        self.assertEqual(f.state, pb.FILE_STATE_AWAITING_ASSESSMENT)
        return f

    def preview(self, officer, f, **kw):
        return self.as_(officer).rpc("PreviewAssessment", file_id=f.id, **kw)

    def issue(self, officer, f, principal=None, **kw):
        p = self.preview(officer, f, corrections=kw.get("corrections", []))
        return self.as_(officer).rpc(
            "IssueAssessment", idempotency_key=key(), file_id=f.id,
            version=p.assessment.file_version,
            principal=p.assessment.principal if principal is None else principal, **kw).assessment

    def count(self, table):
        return int(self.db.sql("SELECT count(*) FROM %s" % table))


class CalculationTest(AssessTestCase):

    def test_imb_72_m2_under_the_demo_indices(self):
        # Temanggung IMB = luas x indeks terintegrasi x indeks kegiatan x harga satuan (a
        # kecamatan's IMB is for houses only, so the activity is HUNIAN):
        #   72 m2 x 0.75 (SEMI_PERMANEN) x 0.5 (HUNIAN) x Rp 12.500 = 72 x 0.375 x 12.500
        #   = 27 x 12.500 = Rp 337.500.
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        p = self.preview("petugas_skrd@dpmptsp-temanggung", f)
        a = p.assessment
        self.assertEqual((a.principal, a.kind, a.number), (337500, pb.ASSESSMENT_KIND_SKRD, ""))
        self.assertEqual([(i.field, i.value, i.source) for i in a.inputs],
                         [("luas_bangunan", "72", "formulir"), ("kelas_bangunan", "0.75", "tabel"),
                          ("fungsi_bangunan", "0.5", "tabel"), ("", "12500", "tarif")])
        self.assertEqual(a.exact_amount, "337500")
        self.assertIn("Nomor 10 Tahun 2012", a.legal_basis)
        self.assertEqual((a.issued_date, a.due_date), ("2026-11-23", "2026-12-23"))
        self.assertEqual(a.office_name, "DPMPTSP Kabupaten Temanggung")
        # The survey's measurement wins over the form: 70.5 m2 x 0.375 x 12.500 = 330.468,75,
        # rounded half up once at the end: Rp 330.469.
        g = self.approved("kaloran", "imb", imb(), IMB_REQS, measurements=fv(luas_bangunan="70.5"))
        a = self.preview("petugas_skrd@dpmptsp-temanggung", g).assessment
        self.assertEqual((a.inputs[0].value, a.inputs[0].source, a.exact_amount, a.principal),
                         ("70.5", "survei", "330468.75", 330469))
        # A correction with a reason is kept in the trace: PERMANEN (1) x 0.5 x 72 x 12.500
        # = Rp 450.000.
        a = self.preview("petugas_skrd@dpmptsp-temanggung", f, corrections=[
            pb.AssessmentCorrection(field="kelas_bangunan", value="PERMANEN",
                                    reason="Hasil cek: dinding bata, rangka beton")]).assessment
        self.assertEqual((a.principal, a.inputs[1].source, a.inputs[1].original),
                         (450000, "koreksi", "SEMI_PERMANEN"))
        self.assertIn("dinding bata", a.inputs[1].note)
        for bad in (pb.AssessmentCorrection(field="kelas_bangunan", value="PERMANEN"),
                    pb.AssessmentCorrection(field="warna", value="1", reason="x")):
            e = self.as_("petugas_skrd@dpmptsp-temanggung").rpc_error(
                "PreviewAssessment", file_id=f.id, corrections=[bad])
            self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "corrections"))

    def test_ho_burial_and_reklame_worked_examples(self):
        # HO of 50 m2 (a kecamatan's HO is for small nuisance only), KECIL (1) on an arterial
        # road (3): 50 x (1 + 3) / 2 x Rp 100 = Rp 10.000.
        ho = self.approved("kaloran", "ho", fv(
            nama_usaha="Bengkel", jenis_usaha="Bengkel motor", bentuk_usaha="PERORANGAN",
            luas="50", jumlah_tenaga_kerja="2", indeks_gangguan="KECIL",
            indeks_lokasi="JALAN_ARTERI", lokasi="Desa Kaloran", fasilitas_pma_pmdn="false"),
            ["ktp", "surat-tanah", "persetujuan-tetangga", "pbb", "denah-lokasi", "npwp",
             "materai", "foto", "sppl"])
        self.assertEqual(self.preview("petugas_skrd@dpmptsp-temanggung", ho).assessment.principal,
                         10000)
        # Burial of 2 m2 with a 2 m2 tomb: 2 x Rp 8.000 + 2 x Rp 10.000 = Rp 36.000.
        svc = self.service("loket@kaloran", "pemakaman")
        reqs = [r.code for r in svc.requirements if not r.when]
        bur = self.approved("kaloran", "pemakaman", fv(
            nama_jenazah="Mbah Karto", tanggal_meninggal="2026-11-20",
            lokasi_makam="Makam Kaloran", luas_makam="2", luas_bangunan_makam="2"), reqs)
        self.assertEqual(
            self.preview("petugas_skrd@dpmptsp-temanggung", bur).assessment.principal, 36000)
        # Pemalang reklame 2 m x 3 m, two faces, one board = 12 m2 at Rp 10.125 per m2 a month:
        # 12 months = 12 x 10.125 x 12 = Rp 1.458.000 (= 12 m2 x Rp 121.500 a year);
        # 3 months = 12 x 10.125 x 3 = Rp 364.500.
        rk = self.approved("taman", "reklame", REKLAME_PML, REKLAME_PML_REQS)
        officer = "petugas_pajak@bapenda-pemalang"
        a = self.preview(officer, rk).assessment
        self.assertEqual((a.kind, a.principal), (pb.ASSESSMENT_KIND_SKPD, 1458000))
        self.assertEqual([s.value for s in a.steps][0], "12")
        a = self.preview(officer, rk, corrections=[pb.AssessmentCorrection(
            field="lama_pemasangan", value="3", reason="Pemohon memilih 3 bulan")]).assessment
        self.assertEqual(a.principal, 364500)
        # Temanggung reklame: 12 m2 x Rp 25.000 per m2 per permit = Rp 300.000.
        svc = self.service("loket@kaloran", "reklame")
        fields = {f.name: f for f in svc.fields}
        values = dict(jenis_reklame="NON_PERMANEN", bentuk="SPANDUK_LAYAR_UMBUL_UMBUL", lebar="2",
                      tinggi="3", jumlah_muka="2", jumlah_buah="1", lokasi="Pasar Kaloran",
                      lama_pemasangan="1", naskah="Promo", dalam_satu_kecamatan="true")
        self.assertTrue(set(values) <= set(fields))
        reqs = [r.code for r in svc.requirements if not r.when]
        tr = self.approved("kaloran", "reklame", fv(**values), reqs)
        self.assertEqual(
            self.preview("petugas_pajak@bapenda-temanggung", tr).assessment.principal, 300000)


class IssueTest(AssessTestCase):

    def test_request_pushed_skrd_issued_and_pushed_back(self):
        officer = self.as_("petugas_skrd@dpmptsp-temanggung")
        officer.rpc("Subscribe", from_now=True)
        loket = self.as_("loket@kaloran")
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        ev = officer.next_event()
        while not (ev.HasField("file_changed") and ev.file_changed.file.id == f.id):
            ev = officer.next_event()
        self.assertEqual(ev.file_changed.file.state, pb.FILE_STATE_AWAITING_ASSESSMENT)
        q = officer.rpc("AssessmentQueue").entries
        self.assertEqual([(e.file.id, e.kecamatan_name, e.fee) for e in q],
                         [(f.id, "Kecamatan Kaloran", pb.FEE_KIND_RETRIBUSI)])
        # Nobody else's queue: BAPENDA's is empty, and the other region's DPMPTSP's too.
        self.assertEqual(len(self.as_("petugas_pajak@bapenda-temanggung")
                             .rpc("AssessmentQueue").entries), 0)
        self.assertEqual(len(self.as_("petugas_skrd@dpmptsp-pemalang")
                             .rpc("AssessmentQueue").entries), 0)
        loket.rpc("Subscribe", from_now=True)
        a = self.issue("petugas_skrd@dpmptsp-temanggung", f)
        self.assertEqual((a.number, a.principal, a.status, a.due_date),
                         ("974/0001/SKRD/DPMPTSP-TEMANGGUNG/2026", 337500,
                          pb.ASSESSMENT_STATUS_ISSUED, "2026-12-23"))
        self.assertEqual(a.steps[-1].value, "337500")
        self.assertTrue(a.verification)
        v = self.client().rpc("VerifyDocument", payload=a.verification)
        self.assertTrue(v.valid, v.problem)
        self.assertEqual((v.kind, v.amount), (pb.DOCUMENT_KIND_SKRD, 337500))
        # The kecamatan learns it without asking: the file is awaiting payment.
        seen = set()
        while seen != {"file", "assessment"}:
            ev = loket.next_event()
            if ev.HasField("file_changed") and ev.file_changed.file.id == f.id:
                self.assertEqual(ev.file_changed.file.state, pb.FILE_STATE_AWAITING_PAYMENT)
                seen.add("file")
            if ev.HasField("assessment_changed"):
                self.assertEqual(ev.assessment_changed.assessment.number, a.number)
                seen.add("assessment")
        g = loket.rpc("GetFile", file_id=f.id).file
        self.assertEqual((g.state, g.assessment.number, g.assessment.principal),
                         (pb.FILE_STATE_AWAITING_PAYMENT, a.number, 337500))
        self.assertIn(pb.DOCUMENT_KIND_SKRD, [d.kind for d in g.documents])
        self.assertEqual(len(officer.rpc("AssessmentQueue").entries), 0)
        # The register finds it by the file's number, and so does the book of numbers.
        found = officer.rpc("SearchAssessments", query=f.register_number[:8]).assessments
        self.assertEqual([x.number for x in found], [a.number])
        book = officer.rpc("ListRegister", kind=pb.DOCUMENT_KIND_SKRD, year=2026).entries
        self.assertEqual([e.number for e in book], [a.number])
        self.assertEqual(self.db.sql("SELECT trace->'inputs'->1->>'value', principal "
                                     "FROM assessments"), "0.75|337500")

    def test_skpd_with_a_new_taxpayer_cancelled_and_replaced(self):
        officer = "petugas_pajak@bapenda-pemalang"
        f = self.approved("taman", "reklame", REKLAME_PML, REKLAME_PML_REQS)
        e = self.as_(officer).rpc_error("FindTaxpayer", number="3327014101900001")
        self.assertEqual(e.code, "NOT_FOUND")
        tp = self.as_(officer).rpc("RegisterTaxpayer", idempotency_key=key(), name="Siti Aminah",
                                   address="Desa Taman", nik="3327014101900001").taxpayer
        self.assertEqual(tp.npwpd, "P.0000001.PEMALANG")
        e = self.as_(officer).rpc_error("RegisterTaxpayer", idempotency_key=key(), name="Siti",
                                        address="Desa Taman", nik="3327014101900001")
        self.assertEqual(e.code, "ALREADY_EXISTS")
        # An SKPD needs the taxpayer and the SPTPD.
        p = self.preview(officer, f).assessment
        e = self.as_(officer).rpc_error("IssueAssessment", idempotency_key=key(), file_id=f.id,
                                        version=p.file_version, principal=p.principal)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "taxpayer_id"))
        a = self.issue(officer, f, taxpayer_id=tp.id, sptpd_number="SPTPD/001/2026",
                       sptpd_date="2026-11-23")
        self.assertEqual((a.number, a.principal, a.taxpayer.npwpd, a.sptpd_number),
                         ("973/0001/SKPD/BAPENDA-PEMALANG/2026", 1458000, tp.npwpd,
                          "SPTPD/001/2026"))
        # Never edited: cancelled with a reason, the file back in the queue, then replaced.
        e = self.as_(officer).rpc_error("CancelAssessment", idempotency_key=key(),
                                        assessment_id=a.id, file_version=a.file_version)
        self.assertEqual((e.code, e.err.field), ("INVALID_ARGUMENT", "reason"))
        c = self.as_(officer).rpc("CancelAssessment", idempotency_key=key(), assessment_id=a.id,
                                  file_version=a.file_version,
                                  reason="Pemohon memilih 3 bulan").assessment
        self.assertEqual((c.status, c.cancelled_reason),
                         (pb.ASSESSMENT_STATUS_CANCELLED, "Pemohon memilih 3 bulan"))
        q = self.as_(officer).rpc("AssessmentQueue").entries
        self.assertEqual([(x.file.id, x.was_cancelled) for x in q], [(f.id, True)])
        b = self.issue(officer, f, taxpayer_id=tp.id, sptpd_number="SPTPD/002/2026",
                       sptpd_date="2026-11-23", corrections=[pb.AssessmentCorrection(
                           field="lama_pemasangan", value="3", reason="Pemohon memilih 3 bulan")])
        self.assertEqual((b.number, b.principal, b.replaces_number),
                         ("973/0002/SKPD/BAPENDA-PEMALANG/2026", 364500, a.number))
        listed = self.as_(officer).rpc("SearchAssessments").assessments
        self.assertEqual([(x.number, x.status) for x in listed],
                         [(b.number, pb.ASSESSMENT_STATUS_ISSUED),
                          (a.number, pb.ASSESSMENT_STATUS_CANCELLED)])
        book = self.as_(officer).rpc("ListRegister", kind=pb.DOCUMENT_KIND_SKPD, year=2026)
        self.assertEqual([(x.number, bool(x.voided_reason)) for x in book.entries],
                         [(a.number, True), (b.number, False)])
        # Cancelling the cancelled one again is refused; nothing changes.
        e = self.as_(officer).rpc_error("CancelAssessment", idempotency_key=key(),
                                        assessment_id=a.id, file_version=b.file_version,
                                        reason="lagi")
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        self.assertEqual(self.count("assessment_cancellations"), 1)

    def test_refusals_are_typed_and_change_nothing(self):
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        skrd = "petugas_skrd@dpmptsp-temanggung"
        p = self.preview(skrd, f).assessment
        ok = dict(file_id=f.id, version=p.file_version, principal=p.principal)
        cases = [
            # Wrong agency: BAPENDA's tax officer, and the other region's DPMPTSP.
            ("petugas_pajak@bapenda-temanggung", ok, "PERMISSION_DENIED"),
            ("petugas_skrd@dpmptsp-pemalang", ok, "NOT_FOUND"),
            # Wrong role: the counter.
            ("loket@kaloran", ok, "PERMISSION_DENIED"),
            # Stale version; an amount that is not the calculation's.
            (skrd, dict(ok, version=p.file_version - 1), "CONFLICT"),
            (skrd, dict(ok, principal=p.principal + 1), "CONFLICT"),
        ]
        for user, fields, code in cases:
            e = self.as_(user).rpc_error("IssueAssessment", idempotency_key=key(), **fields)
            self.assertEqual(e.code, code, (user, fields))
        # A file not yet approved.
        svc = self.service("loket@kaloran", "imb")
        g = self.as_("loket@kaloran").rpc("TakeIn", idempotency_key=key(), service_id=svc.id,
                                          applicant=person(), fields=imb(),
                                          requirements=IMB_REQS).file
        e = self.as_(skrd).rpc_error("IssueAssessment", idempotency_key=key(), file_id=g.id,
                                     version=g.version, principal=337500)
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        e = self.as_(skrd).rpc_error("PreviewAssessment", file_id=g.id)
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        self.assertEqual((self.count("assessments"), self.count("registers WHERE kind = 'SKRD'")),
                         (0, 0))
        # Issued once; the second issue for the file is refused.
        self.as_(skrd).rpc("IssueAssessment", idempotency_key=key(), **ok)
        e = self.as_(skrd).rpc_error("IssueAssessment", idempotency_key=key(),
                                     **dict(ok, version=p.file_version + 1))
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        self.assertEqual(self.count("assessments"), 1)

    def test_a_retry_after_a_lost_reply_returns_the_same_skrd(self):
        skrd = "petugas_skrd@dpmptsp-temanggung"
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        p = self.preview(skrd, f).assessment
        k = key()
        req = dict(idempotency_key=k, file_id=f.id, version=p.file_version, principal=p.principal)
        # The first try's connection drops before its reply is read.
        c = self.server.client()
        c.login(skrd)
        c.send(c_type("IssueAssessment"), pb.IssueAssessmentRequest(**req))
        c.close()
        a = self.as_(skrd).rpc("IssueAssessment", **req).assessment
        self.assertEqual(a.number, "974/0001/SKRD/DPMPTSP-TEMANGGUNG/2026")
        self.assertEqual((self.count("assessments"), self.count("documents WHERE kind = 'SKRD'")),
                         (1, 1))
        # The same key with another request is refused.
        e = self.as_(skrd).rpc_error("IssueAssessment", **dict(req, principal=1))
        self.assertEqual(e.code, "IDEMPOTENCY_MISMATCH")

    def test_a_new_tariff_version_leaves_the_issued_skrd_alone(self):
        skrd = "petugas_skrd@dpmptsp-temanggung"
        f = self.approved("kaloran", "imb", imb(), IMB_REQS)
        g = self.approved("kaloran", "imb", imb(), IMB_REQS)
        a = self.issue(skrd, f)
        admin = self.as_("admin@pemda-temanggung")
        t = [x for x in admin.rpc("ListTariffs").tariffs if x.code == "imb"][0]
        t.inputs[3].value = "15000"
        t.effective_from = "2026-11-01"
        e = admin.rpc_error("SaveTariff", idempotency_key=key(), tariff=pb.Tariff(
            code=t.code, version=0, service_code="imb", name="x", formula=t.formula,
            legal_basis="x", effective_from="2026-11-01", inputs=t.inputs))
        self.assertEqual(e.code, "ALREADY_EXISTS")
        t2 = admin.rpc("SaveTariff", idempotency_key=key(), tariff=t).tariff
        self.assertEqual(t2.version, 2)
        e = self.as_(skrd).rpc_error("SaveTariff", idempotency_key=key(), tariff=t)
        self.assertEqual(e.code, "PERMISSION_DENIED")
        # The officer who previewed under version 1 is told the amount changed.
        e = self.as_(skrd).rpc_error("IssueAssessment", idempotency_key=key(), file_id=g.id,
                                     version=g.version, principal=337500)
        self.assertEqual((e.code, e.err.field), ("CONFLICT", "principal"))
        # 72 x 0.375 x 15.000 = Rp 405.000 under version 2; the first SKRD keeps Rp 337.500.
        b = self.issue(skrd, g)
        self.assertEqual((b.principal, b.tariff_version), (405000, 2))
        again = self.as_(skrd).rpc("GetAssessment", assessment_id=a.id).assessment
        self.assertEqual((again.principal, again.tariff_version), (337500, 1))
        self.assertEqual(len(admin.rpc("ListTariffs", include_history=True).tariffs),
                         len(admin.rpc("ListTariffs").tariffs) + 1)

    def test_numbers_stay_gapless_under_concurrent_issuance(self):
        files = [self.approved("kaloran", "imb", imb(), IMB_REQS,
                               applicant=person(nik="33270141019000%02d" % (i + 10)))
                 for i in range(8)]
        skrd = "petugas_skrd@dpmptsp-temanggung"
        previews = [self.preview(skrd, f).assessment for f in files]
        errors = []

        def run(f, p):
            try:
                c = self.server.client()
                c.login(skrd)
                c.rpc("IssueAssessment", idempotency_key=key(), file_id=f.id,
                      version=p.file_version, principal=p.principal)
                c.close()
            except Exception as ex:  # noqa: BLE001 - reported below
                errors.append(ex)

        threads = [threading.Thread(target=run, args=fp) for fp in zip(files, previews)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        seqs = self.db.sql("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM documents "
                           "WHERE kind = 'SKRD'")
        self.assertEqual(seqs, ",".join(str(i) for i in range(1, 9)))


class InterestTest(AssessTestCase):

    def due(self, user, a, as_of):
        return self.as_(user).rpc("AmountDue", assessment_id=a.id, as_of=as_of)

    def test_interest_under_both_regimes_and_the_bill(self):
        # Temanggung (seed 001): 2% a month, at most 6, a started month counts whole.
        # Principal Rp 337.500, due 2026-12-23; 2% of it = Rp 6.750 a month.
        skrd = "petugas_skrd@dpmptsp-temanggung"
        a = self.issue(skrd, self.approved("kaloran", "imb", imb(), IMB_REQS))
        cases = [("2026-12-23", 0), ("2026-12-24", 1), ("2027-01-23", 1), ("2027-01-24", 2),
                 ("2027-06-23", 6), ("2027-07-23", 6), ("2029-06-23", 6)]
        for as_of, months in cases:
            d = self.due("kasir@kaloran", a, as_of)
            self.assertEqual((d.months_late, d.interest, d.total),
                             (months, 6750 * months, 337500 + 6750 * months), as_of)
        # Pemalang (UU 1/2022): 1% a month, at most 24. Rp 364.500 (3 months of reklame);
        # 1% = Rp 3.645 a month; 30 months late is capped at 24: Rp 87.480.
        pj = "petugas_pajak@bapenda-pemalang"
        tp = self.as_(pj).rpc("RegisterTaxpayer", idempotency_key=key(), name="Toko Maju",
                              address="Jl. Pemuda 1", nib="1234567890123").taxpayer
        self.assertTrue(tp.npwpd.startswith("B."))
        f = self.approved("taman", "reklame", REKLAME_PML, REKLAME_PML_REQS)
        b = self.issue(pj, f, taxpayer_id=tp.id, sptpd_number="S-1", sptpd_date="2026-11-23",
                       corrections=[pb.AssessmentCorrection(field="lama_pemasangan", value="3",
                                                            reason="3 bulan")])
        self.assertEqual(b.principal, 364500)
        for as_of, months in [("2026-12-23", 0), ("2026-12-24", 1), ("2027-01-23", 1),
                              ("2027-01-24", 2), ("2027-06-23", 6), ("2027-07-23", 7),
                              ("2029-06-23", 24)]:
            d = self.due("camat@taman", b, as_of)
            self.assertEqual((d.months_late, d.interest), (months, 3645 * months), as_of)
        # Someone else's assessment is not found.
        e = self.as_("kasir@kaloran").rpc_error("AmountDue", assessment_id=b.id)
        self.assertEqual(e.code, "NOT_FOUND")
        # A query numbers nothing; the STRD is numbered when issued, and only when late.
        e = self.as_(skrd).rpc_error("IssueBill", idempotency_key=key(), assessment_id=a.id)
        self.assertEqual(e.code, "FAILED_PRECONDITION")
        self.assertEqual(self.count("registers WHERE kind = 'STRD'"), 0)
        self.set_clock(offset_ms=wib_ms(2027, 1, 24, 9) - int(time.time() * 1000))
        self.users.clear()  # two months on, the sessions have timed out
        bill = self.as_(skrd).rpc("IssueBill", idempotency_key=key(), assessment_id=a.id).bill
        self.assertEqual((bill.number, bill.months, bill.interest, bill.total),
                         ("974/0001/STRD/DPMPTSP-TEMANGGUNG/2027", 2, 13500, 351000))
        self.assertEqual((bill.assessment_number, bill.issued_by_name),
                         (a.number, "Petugas Skrd DPMPTSP Kabupaten Temanggung"))
        e = self.as_(skrd).rpc_error("IssueBill", idempotency_key=key(), assessment_id=a.id)
        self.assertEqual(e.code, "ALREADY_EXISTS")
        self.assertIn(bill.number, e.err.message)
        d = self.due("kasir@kaloran", a, "")
        self.assertEqual((d.as_of, d.total, d.bill.number), ("2027-01-24", 351000, bill.number))


if __name__ == "__main__":
    main()
