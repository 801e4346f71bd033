/*
 * test_file_documents.c: the printed documents of a file (client-gtk/paten-file-documents.h)
 * without a display or a server: each is rendered to a PDF whose text is read back with
 * pdftotext (the number, the dates, the applicant, the signer and the a.n./Plh. line, amounts as
 * "Rp 1.234.567"), and its QR code is read back from the drawn page, module by module, against
 * libqrencode's encoding of the server's Document.verification, which it must hold exactly. A
 * body too long for the page is scaled to stay clear of the QR code's band.
 */
#include "paten-desk.h"
#include "paten-file-documents.h"

#include <glib/gstdio.h>
#include <math.h>
#include <qrencode.h>
#include <string.h>

/* The demo's Kecamatan Taman (Kabupaten Pemalang), a Dispensasi Nikah file. */
#define VERIFICATION                                                                             \
    "PATEN1|pemalang|0a1b2c3d|1|0007/TT/TAMAN/2026|2026-05-12|0|Siti%20Aminah|"                  \
    "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c2v3b4n5m6q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2j3k4l5" \
    "z6x7"

typedef struct {
    Paten__Service svc;
    Paten__Requirement req[4];
    Paten__Requirement *reqs[4];
    Paten__FieldSpec spec[3];
    Paten__FieldSpec *specs[3];
    Paten__Applicant applicant;
    Paten__Representative rep;
    Paten__FieldValue value[3];
    Paten__FieldValue *values[3];
    char *handed_in[3];
    Paten__Document doc;
    Paten__Document *docs[1];
    Paten__SurveyReport survey;
    char *team[2];
    Paten__FieldValue measured[1];
    Paten__FieldValue *measurements[1];
    Paten__File file;
    GDateTime *now;
    PatenPrintContext ctx;
} Fixture;

static void fixture_init(Fixture *f)
{
    static const char *const codes[] = { "surat-permohonan-desa", "ktp", "kk", "akte-cerai" };
    static const char *const texts[] = {
        "Surat permohonan dispensasi nikah dari Desa/Kelurahan",
        "Fotokopi KTP pemohon (calon suami/istri) diketahui Desa/Kelurahan",
        "Fotokopi KK",
        "Bagi duda/janda yang di KK/KTP-nya masih berstatus kawin, dilampiri fotokopi akte cerai",
    };

    memset(f, 0, sizeof *f);
    f->svc = (Paten__Service)PATEN__SERVICE__INIT;
    f->svc.code = "dispensasi-nikah";
    f->svc.name = "Dispensasi Nikah";
    f->svc.legal_basis = "Keputusan Menteri Agama Nomor 477 Tahun 2004 tentang Pencatatan Nikah";
    for (guint i = 0; i < 4; i++) {
        f->req[i] = (Paten__Requirement)PATEN__REQUIREMENT__INIT;
        f->req[i].code = (char *)codes[i];
        f->req[i].text = (char *)texts[i];
        f->req[i].when = i == 3 ? "duda_janda_tercatat_kawin=true" : "";
        f->reqs[i] = &f->req[i];
    }
    f->svc.requirements = f->reqs;
    f->svc.n_requirements = 4;
    for (guint i = 0; i < 3; i++) {
        f->spec[i] = (Paten__FieldSpec)PATEN__FIELD_SPEC__INIT;
        f->specs[i] = &f->spec[i];
        f->value[i] = (Paten__FieldValue)PATEN__FIELD_VALUE__INIT;
        f->values[i] = &f->value[i];
    }
    f->spec[0].name = f->value[0].name = "nama_calon_suami";
    f->spec[0].label = "Nama calon suami";
    f->spec[0].type = PATEN__FIELD_TYPE__FIELD_TYPE_TEXT;
    f->value[0].value = "Ahmad Fauzi";
    f->spec[1].name = f->value[1].name = "tanggal_nikah";
    f->spec[1].label = "Tanggal pernikahan";
    f->spec[1].type = PATEN__FIELD_TYPE__FIELD_TYPE_DATE;
    f->value[1].value = "2026-05-20";
    f->spec[2].name = f->value[2].name = "luas_lokasi";
    f->spec[2].label = "Luas lokasi";
    f->spec[2].type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER;
    f->spec[2].unit = "m2";
    f->value[2].value = "72.5";
    f->svc.fields = f->specs;
    f->svc.n_fields = 3;

    f->applicant = (Paten__Applicant)PATEN__APPLICANT__INIT;
    f->applicant.kind = PATEN__APPLICANT_KIND__APPLICANT_KIND_PERSON;
    f->applicant.nik = "3327015505990001";
    f->applicant.name = "Siti Aminah";
    f->applicant.address = "Jl. Melati 3, Desa Banjaranyar, Taman";
    f->applicant.phone = "081234567890";
    f->rep = (Paten__Representative)PATEN__REPRESENTATIVE__INIT;
    f->rep.name = "Budi Santoso";
    f->rep.nik = "3327011203850002";

    f->doc = (Paten__Document)PATEN__DOCUMENT__INIT;
    f->doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT;
    f->doc.number = "0007/TT/TAMAN/2026";
    f->doc.issued_at_ms = G_GINT64_CONSTANT(1778554800000); /* 12 May 2026 10:00 WIB */
    f->doc.issued_date = "2026-05-12";
    f->doc.verification = VERIFICATION;
    f->doc.signed_by_name = "Loket Kecamatan Taman";
    f->doc.signed_as = "";
    f->docs[0] = &f->doc;

    f->handed_in[0] = "surat-permohonan-desa";
    f->handed_in[1] = "ktp";
    f->handed_in[2] = "kk";
    f->file = (Paten__File)PATEN__FILE__INIT;
    f->file.id = 7;
    f->file.version = 1;
    f->file.register_number = "0007/TT/TAMAN/2026";
    f->file.office_code = "taman";
    f->file.office_name = "Kecamatan Taman";
    f->file.service_code = "dispensasi-nikah";
    f->file.service_name = "Dispensasi Nikah";
    f->file.state = PATEN__FILE_STATE__FILE_STATE_RECEIVED;
    f->file.applicant = &f->applicant;
    f->file.representative = &f->rep;
    f->file.fields = f->values;
    f->file.n_fields = 3;
    f->file.requirements = f->handed_in;
    f->file.n_requirements = 3;
    f->file.received_at_ms = G_GINT64_CONSTANT(1778554800000);
    f->file.deadline_ms = G_GINT64_CONSTANT(1778749200000); /* 14 May 2026 16:00 WIB */
    f->file.deadline_working_days = 2;
    f->file.documents = f->docs;
    f->file.n_documents = 1;

    f->survey = (Paten__SurveyReport)PATEN__SURVEY_REPORT__INIT;
    f->team[0] = "Tim Teknis Kecamatan Taman";
    f->team[1] = "Agus Salim";
    f->measured[0] = (Paten__FieldValue)PATEN__FIELD_VALUE__INIT;
    f->measured[0].name = "luas_lokasi";
    f->measured[0].value = "1250.75";
    f->measurements[0] = &f->measured[0];

    f->now = g_date_time_new_utc(2026, 5, 12, 4, 15, 0);
    f->ctx.region_name = "Kabupaten Pemalang";
    f->ctx.time_zone = "Asia/Jakarta";
    f->ctx.now = f->now;
}

static void fixture_clear(Fixture *f)
{
    g_date_time_unref(f->now);
}

/* The PDF's text (pdftotext -layout). */
static char *pdf_text(PatenDocument *doc)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("paten-file-document-XXXXXX", &err);
    g_autofree char *path = NULL, *errout = NULL;
    char *out = NULL;
    const char *argv[] = { "pdftotext", "-layout", NULL, "-", NULL };
    int status = 0;

    g_assert_no_error(err);
    path = g_build_filename(dir, "doc.pdf", NULL);
    g_assert_true(paten_document_save_pdf(doc, path, &err));
    g_assert_no_error(err);
    argv[2] = path;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &errout, &status, &err));
    g_assert_no_error(err);
    g_assert_cmpint(status, ==, 0);
    g_unlink(path);
    g_rmdir(dir);
    return out;
}

/* text with every run of white space made one space: a value wrapped onto the next line (and
 * indented under its column by -layout) still reads as one phrase. Caller frees. */
static char *squeeze(const char *text)
{
    g_autoptr(GRegex) re = g_regex_new("\\s+", 0, 0, NULL);
    return g_regex_replace_literal(re, text, -1, 0, " ", 0, NULL);
}

static void assert_has(const char *text, const char *const *expected, gsize n)
{
    g_autofree char *flat = squeeze(text);

    for (gsize i = 0; i < n; i++) {
        g_autofree char *want = squeeze(expected[i]);
        if (strstr(flat, want) == NULL)
            g_error("\"%s\" is missing from the PDF's text:\n%s", expected[i], text);
    }
}

static void assert_lacks(const char *text, const char *unexpected)
{
    if (strstr(text, unexpected) != NULL)
        g_error("\"%s\" should not be in the PDF's text:\n%s", unexpected, text);
}

/* The page drawn at 4 pixels per point. */
static cairo_surface_t *render_page(PatenDocument *doc)
{
    const double scale = 4.0;
    int w = (int)ceil(PATEN_DOCUMENT_A4_WIDTH * scale),
        h = (int)ceil(PATEN_DOCUMENT_A4_HEIGHT * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);

    cairo_scale(cr, scale, scale);
    paten_document_render(doc, cr, PATEN_DOCUMENT_A4_WIDTH, PATEN_DOCUMENT_A4_HEIGHT);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static guint32 pixel(cairo_surface_t *s, double x_pt, double y_pt)
{
    const guint8 *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    int cx = (int)(x_pt * 4.0), cy = (int)(y_pt * 4.0);

    return *(const guint32 *)(px + cy * stride + cx * 4) & 0xffffff;
}

/* The QR code drawn on the page is exactly the symbol of payload, quiet zone included. */
static void assert_qr_holds(PatenDocument *doc, const char *payload)
{
    QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    cairo_surface_t *s = render_page(doc);
    g_autofree char *doc_payload = paten_document_get_qr_payload(doc);
    double x, y, size, module;

    g_assert_cmpstr(doc_payload, ==, payload);
    g_assert_nonnull(qr);
    paten_document_get_qr_area(&x, &y, &size);
    module = size / (qr->width + 8);
    for (int row = -4; row < qr->width + 4; row++) {
        for (int col = -4; col < qr->width + 4; col++) {
            gboolean want = row >= 0 && col >= 0 && row < qr->width && col < qr->width &&
                            (qr->data[row * qr->width + col] & 1);
            guint32 rgb =
                pixel(s, x + (col + 4.5) * module + 0.01, y + (row + 4.5) * module + 0.01);

            if (rgb != (want ? 0x000000u : 0xffffffu))
                g_error("QR module (%d, %d) is %06x, expected %s", row, col, rgb,
                        want ? "black" : "white");
        }
    }
    QRcode_free(qr);
    cairo_surface_destroy(s);
}

/* ---- the documents ------------------------------------------------------------------------ */

static void test_receipt(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "PEMERINTAH KABUPATEN PEMALANG",
        "KECAMATAN TAMAN",
        "TANDA TERIMA BERKAS",
        "Nomor: 0007/TT/TAMAN/2026",
        "Nomor register",
        "Dispensasi Nikah",
        "Siti Aminah",
        "NIK 3327015505990001",
        "Jl. Melati 3, Desa Banjaranyar, Taman",
        "Budi Santoso, NIK 3327011203850002 (dengan surat kuasa)",
        "12 Mei 2026 10.00",
        "14 Mei 2026 16.00 (2 hari kerja)",
        "Nama calon suami: Ahmad Fauzi",
        "Tanggal pernikahan: 20 Mei 2026",
        "Luas lokasi: 72,5 m2",
        "Persyaratan yang diterima",
        "Surat permohonan dispensasi nikah dari Desa/Kelurahan",
        "Fotokopi KK",
        "Taman, 12 Mei 2026",
        "Petugas Loket",
        "Loket Kecamatan Taman",
        "Yang menyerahkan",
        "Dicetak dari paten-desk pada 12 Mei 2026 11.15",
        "Kode verifikasi",
    };

    fixture_init(&f);
    doc = paten_receipt_new(&f.file, &f.svc, &f.doc, &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    /* A requirement not handed in is not on the receipt; no amount is printed when none. */
    assert_lacks(text, "akte cerai");
    assert_lacks(text, "Rp ");
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

static void test_return_slip(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    Paten__Requirement *missing[2];
    static const char *const expected[] = {
        "TANDA PENGEMBALIAN BERKAS",
        "Nomor: 0003/TK/TAMAN/2026",
        "belum dapat diproses",
        "Dispensasi Nikah",
        "Siti Aminah",
        "Persyaratan yang belum lengkap",
        "1.   Fotokopi KK",
        "2.   Bagi duda/janda",
        "Taman, 12 Mei 2026",
        "Loket Kecamatan Taman",
        "Budi Santoso",
    };

    fixture_init(&f);
    missing[0] = &f.req[2];
    missing[1] = &f.req[3];
    f.doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP;
    f.doc.number = "0003/TK/TAMAN/2026";
    doc = paten_return_slip_new(&f.svc, "Kecamatan Taman", &f.applicant, &f.rep, missing, 2, &f.doc,
                                &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_lacks(text, "Surat permohonan dispensasi");
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

static void test_decree_delegate_and_amount(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "KEPUTUSAN CAMAT TAMAN",
        "TENTANG DISPENSASI NIKAH",
        "Nomor: 503/0012/DN/KEC-TAMAN/2026",
        "Mengingat",
        "Keputusan Menteri Agama Nomor 477 Tahun 2004",
        "MEMUTUSKAN",
        "Memberikan Dispensasi Nikah kepada:",
        "Siti Aminah",
        "0007/TT/TAMAN/2026",
        "Berlaku sampai dengan",
        "12 Mei 2027",
        "Rp 1.234.567",
        "Ditetapkan di Taman",
        "pada tanggal 13 Mei 2026",
        "Plh. Camat Kecamatan Taman",
        "Sekretariat Kecamatan Taman",
    };

    fixture_init(&f);
    f.doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE;
    f.doc.number = "503/0012/DN/KEC-TAMAN/2026";
    f.doc.issued_date = "2026-05-13";
    f.doc.amount = 1234567;
    f.doc.signed_by_name = "Sekretariat Kecamatan Taman";
    f.doc.signed_as = "Plh. Camat Kecamatan Taman";
    f.file.state = PATEN__FILE_STATE__FILE_STATE_SIGNED;
    f.file.sk_number = "503/0012/DN/KEC-TAMAN/2026";
    f.file.valid_until = "2027-05-12";
    doc = paten_file_document_new(&f.file, &f.svc, &f.doc, &f.ctx);
    g_assert_nonnull(doc);
    g_assert_cmpstr(paten_document_get_kind(doc), ==, "DECREE");
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    /* The delegate's line stands instead of the Camat's position. */
    assert_lacks(text, "Camat Taman\n");
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

static void test_decree_by_the_camat(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "Camat Taman",
        "Camat Kecamatan Taman",
        "Tidak ada batas waktu",
    };

    fixture_init(&f);
    f.doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE;
    f.doc.signed_by_name = "Camat Kecamatan Taman";
    doc = paten_decree_new(&f.file, &f.svc, &f.doc, &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_lacks(text, "Plh.");
    assert_lacks(text, "Rp ");
    fixture_clear(&f);
}

static void test_rejection_letter(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "SURAT PEMBERITAHUAN PENOLAKAN",
        "Nomor: 0002/TOLAK/TAMAN/2026",
        "tidak dapat dikabulkan",
        "Alasan penolakan",
        "Calon mempelai belum memenuhi syarat usia",
        "Siti Aminah",
        "Camat Taman",
        "Camat Kecamatan Taman",
    };

    fixture_init(&f);
    f.doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER;
    f.doc.number = "0002/TOLAK/TAMAN/2026";
    f.doc.signed_by_name = "Camat Kecamatan Taman";
    f.file.state = PATEN__FILE_STATE__FILE_STATE_REJECTED;
    f.file.decision_reason = "Calon mempelai belum memenuhi syarat usia";
    doc = paten_file_document_new(&f.file, &f.svc, &f.doc, &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

static void test_survey_report(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "BERITA ACARA PEMERIKSAAN LAPANGAN",
        "Nomor: 0004/BAP/TAMAN/2026",
        "Pada tanggal 13 Mei 2026 tim teknis",
        "Tim Teknis Kecamatan Taman, Agus Salim",
        "Hasil pengukuran",
        "Luas lokasi: 1.250,75 m2",
        "Temuan",
        "Lokasi sesuai dengan permohonan",
        "Tim Teknis",
    };

    fixture_init(&f);
    f.survey.date = "2026-05-13";
    f.survey.team = f.team;
    f.survey.n_team = 2;
    f.survey.findings = "Lokasi sesuai dengan permohonan; akses jalan memadai.";
    f.survey.measurements = f.measurements;
    f.survey.n_measurements = 1;
    f.survey.filed_by_name = "Tim Teknis Kecamatan Taman";
    f.survey.number = "0004/BAP/TAMAN/2026";
    f.file.survey = &f.survey;
    f.doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT;
    f.doc.number = "0004/BAP/TAMAN/2026";
    f.doc.signed_by_name = "";
    doc = paten_file_document_new(&f.file, &f.svc, &f.doc, &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

static void test_disposition_sheet(void)
{
    Fixture f;
    Paten__Disposition d = PATEN__DISPOSITION__INIT;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL, *payload = NULL, *expected_payload = NULL;
    static const char *const expected[] = {
        "LEMBAR DISPOSISI",
        "Nomor: DISP-42",
        "0007/TT/TAMAN/2026",
        "Dispensasi Nikah",
        "Siti Aminah",
        "Dari",
        "Loket Kecamatan Taman (Plh. Camat Kecamatan Taman)",
        "Kepada",
        "Sekretariat",
        "Isi disposisi",
        "Mohon diperiksa dan direkomendasikan hari ini.",
        "13 Mei 2026 16.00",
    };

    fixture_init(&f);
    d.id = 42;
    d.file_id = 7;
    d.file_register_number = "0007/TT/TAMAN/2026";
    d.service_name = "Dispensasi Nikah";
    d.applicant_name = "Siti Aminah";
    d.file_state = PATEN__FILE_STATE__FILE_STATE_RECEIVED;
    d.from_name = "Loket Kecamatan Taman";
    d.from_as = "Plh. Camat Kecamatan Taman";
    d.to_role = PATEN__ROLE__ROLE_SEKRETARIAT;
    d.instruction = "Mohon diperiksa dan direkomendasikan hari ini.";
    d.created_at_ms = G_GINT64_CONSTANT(1778556600000);
    d.due_ms = G_GINT64_CONSTANT(1778662800000); /* 13 May 2026 16:00 WIB */
    doc = paten_disposition_sheet_new(&d, &f.file, "Kecamatan Taman", &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    /* No document from the server: the sheet's own content hash is in its QR code. */
    payload = paten_document_get_qr_payload(doc);
    expected_payload = g_strdup_printf("PATEN|1|DISPOSITION_SHEET|DISP-42|%s",
                                       paten_document_get_verification_hash(doc));
    g_assert_cmpstr(payload, ==, expected_payload);
    assert_qr_holds(doc, expected_payload);
    fixture_clear(&f);
}

/* A receipt with far too many requirements for one page: the body shrinks to stay above the
 * QR code's band, so the band left of the QR code stays white and the last item is still
 * printed. */
static void test_long_body_fits(void)
{
    Fixture f;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    char *codes[80];
    cairo_surface_t *s;
    double qx, qy, qsize;

    fixture_init(&f);
    for (guint i = 0; i < G_N_ELEMENTS(codes); i++)
        codes[i] = g_strdup_printf("persyaratan-tambahan-nomor-%u", i + 1);
    f.file.requirements = codes;
    f.file.n_requirements = G_N_ELEMENTS(codes);
    doc = paten_receipt_new(&f.file, &f.svc, &f.doc, &f.ctx);
    text = pdf_text(doc);
    if (strstr(text, "persyaratan-tambahan-nomor-80") == NULL)
        g_error("the last requirement is missing:\n%s", text);
    s = render_page(doc);
    paten_document_get_qr_area(&qx, &qy, &qsize);
    for (double y = qy - 8; y < PATEN_DOCUMENT_A4_HEIGHT - 90; y += 0.5)
        for (double x = 60; x < qx - 60; x += 0.5)
            if (pixel(s, x, y) != 0xffffff)
                g_error("something is drawn at (%.1f, %.1f), in the QR code's band", x, y);
    cairo_surface_destroy(s);
    assert_qr_holds(doc, VERIFICATION);
    for (guint i = 0; i < G_N_ELEMENTS(codes); i++)
        g_free(codes[i]);
    fixture_clear(&f);
}

/* ---- the assessment (SKRD / SKPD) --------------------------------------------------------- */

/* An IMB levy of the demo's Temanggung tariff: 72 m2 x 0.75 x 1.5 (corrected) x Rp 12.500. */
static void test_assessment_skrd(void)
{
    Fixture f;
    Paten__Assessment a = PATEN__ASSESSMENT__INIT;
    Paten__AssessmentInput in[4];
    Paten__AssessmentInput *ins[4];
    Paten__AssessmentStep st[2];
    Paten__AssessmentStep *sts[2];
    static const char *const labels[] = { "Luas bangunan (m2)",
                                          "Indeks terintegrasi (kelas bangunan)",
                                          "Indeks kegiatan (fungsi bangunan)",
                                          "Harga satuan (Rp per m2)" };
    static const char *const values[] = { "72", "0.75", "1.5", "12500" };
    static const char *const sources[] = { "survei", "tabel", "koreksi", "tarif" };
    static const char *const notes[] = { "", "SEMI_PERMANEN", "USAHA: Dipakai untuk toko", "" };
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "SURAT KETETAPAN RETRIBUSI DAERAH (SKRD)",
        "Nomor: 974/0001/SKRD/DPMPTSP/2026",
        "DPMPTSP Kabupaten Temanggung",
        "Siti Aminah",
        "0001/IMB/KEC-KALORAN/2026",
        "Kecamatan Kaloran",
        "Jumlah retribusi terutang : Rp 1.012.500",
        "Jatuh tempo : 5 Januari 2027",
        "Retribusi IMB, versi 1",
        "Luas bangunan (m2): 72 (survei)",
        "Indeks terintegrasi (kelas bangunan): 0,75 (tabel; SEMI_PERMANEN)",
        "1,5 (koreksi; USAHA: Dipakai untuk toko; semula HUNIAN)",
        "Luas x indeks = 81",
        "Jumlah tepat 1.012.500",
        "Peraturan Daerah Kabupaten Temanggung Nomor 10 Tahun 2012",
        "Dibayar paling lambat 5 Januari 2027 di kasir PATEN",
        "Bunga 2% sebulan, paling lama 6 bulan",
        "Temanggung, 6 Desember 2026",
        "Petugas penetapan",
        "Petugas SKRD DPMPTSP Kabupaten Temanggung",
    };

    fixture_init(&f);
    for (guint i = 0; i < 4; i++) {
        in[i] = (Paten__AssessmentInput)PATEN__ASSESSMENT_INPUT__INIT;
        in[i].label = (char *)labels[i];
        in[i].value = (char *)values[i];
        in[i].source = (char *)sources[i];
        in[i].note = (char *)notes[i];
        ins[i] = &in[i];
    }
    in[2].original = "HUNIAN"; /* a table input: the key before the correction */
    for (guint i = 0; i < 2; i++) {
        st[i] = (Paten__AssessmentStep)PATEN__ASSESSMENT_STEP__INIT;
        sts[i] = &st[i];
    }
    st[0].what = "Luas x indeks";
    st[0].value = "81";
    st[1].what = "Retribusi";
    st[1].value = "1012500";
    a.kind = PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD;
    a.number = "974/0001/SKRD/DPMPTSP/2026";
    a.status = PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_ISSUED;
    a.file_register_number = "0001/IMB/KEC-KALORAN/2026";
    a.applicant_name = "Siti Aminah";
    a.service_name = "Izin Mendirikan Bangunan (IMB) Rumah Tinggal";
    a.kecamatan_name = "Kecamatan Kaloran";
    a.office_name = "DPMPTSP Kabupaten Temanggung";
    a.principal = 1012500;
    a.due_date = "2027-01-05";
    a.issued_date = "2026-12-06";
    a.issued_by_name = "Petugas SKRD DPMPTSP Kabupaten Temanggung";
    a.tariff_code = "imb";
    a.tariff_version = 1;
    a.tariff_name = "Retribusi IMB";
    a.legal_basis = "Peraturan Daerah Kabupaten Temanggung Nomor 10 Tahun 2012 tentang Retribusi "
                    "Izin Mendirikan Bangunan";
    a.inputs = ins;
    a.n_inputs = 4;
    a.steps = sts;
    a.n_steps = 2;
    a.exact_amount = "1012500.00";
    a.rounding = "dibulatkan ke atas setengah rupiah";
    a.verification = VERIFICATION;
    a.interest_regime = "Bunga 2% sebulan, paling lama 6 bulan";
    f.ctx.region_name = "Kabupaten Temanggung";
    doc = paten_assessment_document_new(&a, &f.ctx);
    g_assert_cmpstr(paten_document_get_kind(doc), ==, "SKRD");
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_lacks(text, "NPWPD");
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

/* An SKPD names its taxpayer (NPWPD) and the SPTPD it rests on. */
static void test_assessment_skpd(void)
{
    Fixture f;
    Paten__Assessment a = PATEN__ASSESSMENT__INIT;
    Paten__Taxpayer t = PATEN__TAXPAYER__INIT;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "SURAT KETETAPAN PAJAK DAERAH (SKPD)",
        "Nomor: 973/0003/SKPD/BAPENDA/2026",
        "Wajib pajak (NPWPD) : P.2.0000123.01.01 — Toko Makmur, Jalan Pemuda 1",
        "SPTPD : SPTPD/77/2026 tanggal 20 November 2026",
        "Jumlah pajak terutang : Rp 121.500",
    };

    fixture_init(&f);
    t.npwpd = "P.2.0000123.01.01";
    t.name = "Toko Makmur";
    t.address = "Jalan Pemuda 1";
    a.kind = PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD;
    a.number = "973/0003/SKPD/BAPENDA/2026";
    a.applicant_name = "Toko Makmur";
    a.office_name = "BAPENDA Kabupaten Pemalang";
    a.principal = 121500;
    a.due_date = "2026-12-20";
    a.issued_date = "2026-11-20";
    a.taxpayer = &t;
    a.sptpd_number = "SPTPD/77/2026";
    a.sptpd_date = "2026-11-20";
    a.verification = VERIFICATION;
    doc = paten_assessment_document_new(&a, &f.ctx);
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

/* The SSRD of a late cash payment: the bill of its interest, the three amounts, the treasurer. */
static void test_payment_receipt(void)
{
    Fixture f;
    Paten__Payment p = PATEN__PAYMENT__INIT;
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "SURAT SETORAN RETRIBUSI DAERAH (SSRD)",
        "Nomor: SSRD/0001/KEC-KALORAN/2026",
        "Kecamatan Kaloran",
        "Siti Aminah",
        "0001/IMB/KEC-KALORAN/2026",
        "974/0001/SKRD/DPMPTSP/2026",
        "STRD/0001/DPMPTSP/2027",
        "Pokok : Rp 337.500",
        "Rp 13.500",
        "Jumlah dibayar : Rp 351.000",
        "Cara bayar : Tunai",
        "DPMPTSP Kabupaten Temanggung",
        "Temanggung, 6 Desember 2026",
        "Kasir Kecamatan Kaloran",
    };

    fixture_init(&f);
    p.assessment_kind = PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD;
    p.assessment_number = "974/0001/SKRD/DPMPTSP/2026";
    p.file_register_number = "0001/IMB/KEC-KALORAN/2026";
    p.applicant_name = "Siti Aminah";
    p.method = PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
    p.principal = 337500;
    p.interest = 13500;
    p.amount = 351000;
    p.received_at_ms = 1765008000000; /* 6 December 2026, 15.00 WIB */
    p.received_date = "2026-12-06";
    p.cashier_name = "Kasir Kecamatan Kaloran";
    p.receipt_number = "SSRD/0001/KEC-KALORAN/2026";
    p.verification = VERIFICATION;
    p.treasurer_office_name = "DPMPTSP Kabupaten Temanggung";
    p.bill_number = "STRD/0001/DPMPTSP/2027";
    f.ctx.region_name = "Kabupaten Temanggung";
    doc = paten_payment_receipt_new(&p, "Kecamatan Kaloran", &f.ctx);
    g_assert_cmpstr(paten_document_get_kind(doc), ==, "SSRD");
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

/* The STS lists each payment in it and carries the server's total and QR text. */
static void test_deposit_slip(void)
{
    Fixture f;
    Paten__Deposit d = PATEN__DEPOSIT__INIT;
    Paten__Payment p[2];
    Paten__Payment *ps[2];
    g_autoptr(PatenDocument) doc = NULL;
    g_autofree char *text = NULL;
    static const char *const expected[] = {
        "SURAT TANDA SETORAN (STS)",
        "Nomor: STS/0001/KEC-KALORAN/2026",
        "DPMPTSP Kabupaten Temanggung",
        "Jumlah : Rp 675.000",
        "SSRD/0001/KEC-KALORAN/2026",
        "SSRD/0002/KEC-KALORAN/2026",
        "BRI-VAL-0001",
        "Kasir Kecamatan Kaloran",
    };

    fixture_init(&f);
    for (guint i = 0; i < 2; i++) {
        p[i] = (Paten__Payment)PATEN__PAYMENT__INIT;
        p[i].amount = 337500;
        p[i].applicant_name = "Siti Aminah";
        p[i].file_register_number = "0001/IMB/KEC-KALORAN/2026";
        ps[i] = &p[i];
    }
    p[0].receipt_number = "SSRD/0001/KEC-KALORAN/2026";
    p[1].receipt_number = "SSRD/0002/KEC-KALORAN/2026";
    d.number = "STS/0001/KEC-KALORAN/2026";
    d.office_name = "Kecamatan Kaloran";
    d.cashier_name = "Kasir Kecamatan Kaloran";
    d.treasurer_office_name = "DPMPTSP Kabupaten Temanggung";
    d.total = 675000;
    d.created_at_ms = 1765008000000;
    d.payments = ps;
    d.n_payments = 2;
    d.bank_reference = "BRI-VAL-0001";
    d.validated_at_ms = 1765011600000;
    d.verification = VERIFICATION;
    f.ctx.region_name = "Kabupaten Temanggung";
    doc = paten_deposit_slip_new(&d, &f.ctx);
    g_assert_cmpstr(paten_document_get_kind(doc), ==, "STS");
    text = pdf_text(doc);
    assert_has(text, expected, G_N_ELEMENTS(expected));
    assert_qr_holds(doc, VERIFICATION);
    fixture_clear(&f);
}

int main(int argc, char **argv)
{
    /* The documents' words come from the Indonesian catalog, as in the desk. */
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/file-documents/receipt", test_receipt);
    g_test_add_func("/file-documents/return-slip", test_return_slip);
    g_test_add_func("/file-documents/decree-delegate-and-amount", test_decree_delegate_and_amount);
    g_test_add_func("/file-documents/decree-by-the-camat", test_decree_by_the_camat);
    g_test_add_func("/file-documents/rejection-letter", test_rejection_letter);
    g_test_add_func("/file-documents/survey-report", test_survey_report);
    g_test_add_func("/file-documents/disposition-sheet", test_disposition_sheet);
    g_test_add_func("/file-documents/long-body-fits", test_long_body_fits);
    g_test_add_func("/file-documents/assessment-skrd", test_assessment_skrd);
    g_test_add_func("/file-documents/assessment-skpd", test_assessment_skpd);
    g_test_add_func("/file-documents/payment-receipt", test_payment_receipt);
    g_test_add_func("/file-documents/deposit-slip", test_deposit_slip);
    return g_test_run();
}
