/*
 * test_document.c: the document module of paten-desk (client-gtk/paten-document.h) without a
 * display: the account sheet rendered to a PDF whose text is read back with pdftotext, its
 * verification hash against the documented formula, and the QR code drawn on the page read back
 * module by module against libqrencode's own encoding of the payload.
 */
#include "paten-account-sheet.h"
#include "paten-desk.h"
#include "paten-document.h"

#include <glib/gstdio.h>
#include <math.h>
#include <qrencode.h>

/* The demo's loket@kaloran, acting for the Camat for a week (a Plh delegation). */
typedef struct {
    Paten__Office office;
    Paten__User user;
    Paten__Region region;
    Paten__Delegation delegation;
    Paten__Delegation *acting[1];
    Paten__Role roles[1];
    Paten__Role effective[2];
    Paten__SessionInfo info;
} Fixture;

static void fixture_init(Fixture *f)
{
    *f = (Fixture){ .office = PATEN__OFFICE__INIT,
                    .user = PATEN__USER__INIT,
                    .region = PATEN__REGION__INIT,
                    .delegation = PATEN__DELEGATION__INIT,
                    .info = PATEN__SESSION_INFO__INIT };
    f->office.id = 5;
    f->office.code = "kaloran";
    f->office.name = "Kecamatan Kaloran";
    f->office.kind = PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN;
    f->roles[0] = PATEN__ROLE__ROLE_LOKET;
    f->user.id = 19;
    f->user.username = "loket@kaloran";
    f->user.nip = "198001012005011019";
    f->user.name = "Loket Kecamatan Kaloran";
    f->user.office = &f->office;
    f->user.roles = f->roles;
    f->user.n_roles = 1;
    f->user.active = TRUE;
    f->user.version = 3;
    f->region.code = "temanggung";
    f->region.name = "Kabupaten Temanggung";
    f->region.time_zone = "Asia/Jakarta";
    f->delegation.role = PATEN__ROLE__ROLE_CAMAT;
    f->delegation.kind = PATEN__DELEGATION_KIND__DELEGATION_KIND_PLH;
    f->delegation.from_name = "Camat Kecamatan Kaloran";
    f->delegation.valid_from_ms = G_GINT64_CONSTANT(1777593600000);  /* 1 May 2026 07:00 WIB */
    f->delegation.valid_until_ms = G_GINT64_CONSTANT(1778198400000); /* 8 May 2026 07:00 WIB */
    f->acting[0] = &f->delegation;
    f->effective[0] = PATEN__ROLE__ROLE_LOKET;
    f->effective[1] = PATEN__ROLE__ROLE_CAMAT;
    f->info.user = &f->user;
    f->info.region = &f->region;
    f->info.effective_roles = f->effective;
    f->info.n_effective_roles = 2;
    f->info.acting_for = f->acting;
    f->info.n_acting_for = 1;
}

static PatenDocument *account_sheet(void)
{
    Fixture f;
    g_autoptr(GDateTime) now = g_date_time_new_utc(2026, 5, 4, 2, 30, 0);

    fixture_init(&f);
    return paten_account_sheet_new(&f.info, now);
}

static void test_account_sheet_pdf(void)
{
    g_autoptr(PatenDocument) doc = account_sheet();
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("paten-document-XXXXXX", &err);
    g_autofree char *path = NULL, *out = NULL, *errout = NULL;
    const char *argv[] = { "pdftotext", "-layout", NULL, "-", NULL };
    static const char *const expected[] = {
        "PEMERINTAH KABUPATEN TEMANGGUNG",
        "KECAMATAN KALORAN",
        "Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "LEMBAR AKUN PENGGUNA",
        "Nomor: AKUN/kaloran/19/3",
        "1.",
        "Nama",
        "Loket Kecamatan Kaloran",
        "loket@kaloran",
        "198001012005011019",
        "Kabupaten Temanggung",
        "Petugas Loket, Camat",
        /* The delegation, wrapped over two lines. */
        "a.n. Camat (Plh), 1 Mei 2026 07.00 – 8 Mei 2026 07.00,",
        "dari Camat Kecamatan Kaloran",
        "8.",
        "Aktif",
        "Dicetak dari paten-desk pada 4 Mei 2026 09.30",
        "Kode verifikasi",
    };
    int status = 0;

    g_assert_no_error(err);
    path = g_build_filename(dir, "lembar-akun.pdf", NULL);
    g_assert_true(paten_document_save_pdf(doc, path, &err));
    g_assert_no_error(err);
    argv[2] = path;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &errout, &status, &err));
    g_assert_no_error(err);
    g_assert_cmpint(status, ==, 0);
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        if (strstr(out, expected[i]) == NULL)
            g_error("%s is missing from the PDF's text:\n%s", expected[i], out);
    }
    g_unlink(path);
    g_rmdir(dir);
}

static void test_unwritable_pdf_fails(void)
{
    g_autoptr(PatenDocument) doc = account_sheet();
    g_autoptr(GError) err = NULL;

    g_assert_false(paten_document_save_pdf(doc, "/nonexistent-dir/x.pdf", &err));
    g_assert_nonnull(err);
}

static void test_verification_hash(void)
{
    g_autoptr(PatenDocument) doc = paten_document_new("TEST", "001/2026", "Judul");
    g_autofree char *expected = NULL, *expected2 = NULL, *payload = NULL;
    g_autofree char *before = NULL;

    paten_document_add_field(doc, "Nama", "Budi");
    paten_document_add_field(doc, "Alamat", "Jl. Mawar 1\nKaloran");
    expected = g_compute_checksum_for_string(
        G_CHECKSUM_SHA256,
        "PATEN-DOCUMENT\nTEST\n001/2026\nJudul\nNama\tBudi\nAlamat\tJl. Mawar 1\nKaloran\n", -1);
    g_assert_cmpstr(paten_document_get_verification_hash(doc), ==, expected);
    payload = paten_document_get_qr_payload(doc);
    before = g_strdup_printf("PATEN|1|TEST|001/2026|%s", expected);
    g_assert_cmpstr(payload, ==, before);

    /* Any change to the content changes the hash. */
    paten_document_add_field(doc, "Luas", "90 m2");
    expected2 = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
                                              "PATEN-DOCUMENT\nTEST\n001/2026\nJudul\nNama\tBudi\n"
                                              "Alamat\tJl. Mawar 1\nKaloran\nLuas\t90 m2\n",
                                              -1);
    g_assert_cmpstr(paten_document_get_verification_hash(doc), ==, expected2);

    /* Data from the server replaces it. */
    paten_document_set_verification_hash(doc, "abc123");
    g_assert_cmpstr(paten_document_get_verification_hash(doc), ==, "abc123");
}

/* Reads the page back: every module of the QR code drawn on the page is compared with the
 * symbol libqrencode makes of the same payload, and the quiet zone must be white. */
static void test_qr_code_drawn(void)
{
    const double scale = 4.0; /* pixels per point */
    g_autoptr(PatenDocument) doc = account_sheet();
    g_autofree char *payload = paten_document_get_qr_payload(doc);
    QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    int w = (int)ceil(PATEN_DOCUMENT_A4_WIDTH * scale),
        h = (int)ceil(PATEN_DOCUMENT_A4_HEIGHT * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    double x, y, size, module;
    const guint8 *px;
    int stride, dark = 0;

    g_assert_nonnull(qr);
    cairo_scale(cr, scale, scale);
    paten_document_render(doc, cr, PATEN_DOCUMENT_A4_WIDTH, PATEN_DOCUMENT_A4_HEIGHT);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    px = cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s);
    paten_document_get_qr_area(&x, &y, &size);
    module = size / (qr->width + 8);
    for (int row = -4; row < qr->width + 4; row++) {
        for (int col = -4; col < qr->width + 4; col++) {
            /* The centre of the module, in pixels. */
            int cx = (int)((x + (col + 4.5) * module) * scale);
            int cy = (int)((y + (row + 4.5) * module) * scale);
            guint32 rgb = *(const guint32 *)(px + cy * stride + cx * 4) & 0xffffff;
            gboolean want = row >= 0 && col >= 0 && row < qr->width && col < qr->width &&
                            (qr->data[row * qr->width + col] & 1);

            if (want)
                dark++;
            if (rgb != (want ? 0x000000u : 0xffffffu))
                g_error("QR module (%d, %d) is %06x, expected %s", row, col, rgb,
                        want ? "black" : "white");
        }
    }
    g_assert_cmpint(dark, >, 100);
    QRcode_free(qr);
    cairo_surface_destroy(s);
}

int main(int argc, char **argv)
{
    /* The sheet's words come from the Indonesian catalog, as in the desk. */
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/document/account-sheet-pdf", test_account_sheet_pdf);
    g_test_add_func("/document/unwritable-pdf-fails", test_unwritable_pdf_fails);
    g_test_add_func("/document/verification-hash", test_verification_hash);
    g_test_add_func("/document/qr-code-drawn", test_qr_code_drawn);
    return g_test_run();
}
