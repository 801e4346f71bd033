/*
 * test_register_book.c: the printed register book (paten-register-book.h): as many landscape A4
 * pages as its rows need, each numbered "page n of m" with the heads repeated, voided numbers
 * kept in their place, an empty period said in words. Checked on the PDF's own text
 * (pdftotext) and page count (pdfinfo).
 */
#include "paten-desk.h"
#include "paten-register-book.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct {
    Paten__ListRegisterReply reply;
    Paten__RegisterEntry *entries;
    Paten__RegisterEntry **ptrs;
    GPtrArray *strings;
} Book;

/* A reply of n receipts of Kecamatan Taman, the 5th voided. */
static void book_init(Book *b, guint n)
{
    b->reply = (Paten__ListRegisterReply)PATEN__LIST_REGISTER_REPLY__INIT;
    b->reply.office_name = "Kecamatan Taman";
    b->reply.title = "Buku Register Tanda Terima Berkas 2026";
    b->entries = g_new0(Paten__RegisterEntry, n ? n : 1);
    b->ptrs = g_new0(Paten__RegisterEntry *, n ? n : 1);
    b->strings = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++) {
        Paten__RegisterEntry *e = &b->entries[i];
        char *number = g_strdup_printf("TT/%04u/KEC-TAMAN/2026", i + 1);
        char *name = g_strdup_printf("Pemohon Nomor %u", i + 1);

        *e = (Paten__RegisterEntry)PATEN__REGISTER_ENTRY__INIT;
        e->seq = i + 1;
        e->number = number;
        e->kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT;
        e->issued_date = "2026-05-12";
        e->file_register_number = number;
        e->applicant_name = name;
        e->service_name = "Dispensasi Nikah";
        e->issued_by_name = "Loket Kecamatan Taman";
        e->voided_reason = i == 4 ? "Salah ketik nama" : "";
        g_ptr_array_add(b->strings, number);
        g_ptr_array_add(b->strings, name);
        b->ptrs[i] = e;
    }
    b->reply.entries = b->ptrs;
    b->reply.n_entries = n;
}

static void book_clear(Book *b)
{
    g_free(b->entries);
    g_free(b->ptrs);
    g_ptr_array_free(b->strings, TRUE);
}

/* Runs argv and returns its standard output; the test fails when it does. */
static char *run(const char *const *argv)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *errout = NULL;
    char *out = NULL;
    int status = 0;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &errout, &status, &err));
    g_assert_no_error(err);
    g_assert_cmpint(status, ==, 0);
    return out;
}

/* Writes the book as a PDF and returns its text; *pages gets its page count. */
static char *pdf_of(PatenRegisterBook *book, guint *pages)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("paten-register-book-XXXXXX", &err);
    g_autofree char *path = NULL, *info = NULL;
    const char *text_argv[] = { "pdftotext", "-layout", NULL, "-", NULL };
    const char *info_argv[] = { "pdfinfo", NULL, NULL };
    const char *p;
    char *text;

    g_assert_no_error(err);
    path = g_build_filename(dir, "book.pdf", NULL);
    g_assert_true(paten_register_book_save_pdf(book, path, &err));
    g_assert_no_error(err);
    text_argv[2] = path;
    info_argv[1] = path;
    text = run(text_argv);
    info = run(info_argv);
    p = strstr(info, "Pages:");
    g_assert_nonnull(p);
    *pages = (guint)g_ascii_strtoull(p + strlen("Pages:"), NULL, 10);
    /* Landscape A4: 841.89 x 595.28 points. */
    g_assert_nonnull(strstr(info, "842 x 595") ? strstr(info, "842 x 595")
                                               : strstr(info, "841.89 x 595.276"));
    g_unlink(path);
    g_rmdir(dir);
    return text;
}

static void test_pages_and_rows(void)
{
    Book b;
    g_autoptr(PatenRegisterBook) book = NULL;
    g_autofree char *text = NULL;
    guint pages = 0;

    book_init(&b, 60);
    book = paten_register_book_new(&b.reply, "Kabupaten Pemalang", "Tahun 2026",
                                   "Dicetak dari paten-desk pada 1 Juni 2026 08.00");
    book_clear(&b); /* the book holds its own copy */
    g_assert_cmpuint(paten_register_book_get_n_rows(book), ==, 60);
    g_assert_cmpuint(paten_register_book_get_n_pages(book), ==, 3);
    text = pdf_of(book, &pages);
    g_assert_cmpuint(pages, ==, 3);
    for (guint i = 1; i <= 60; i++) {
        g_autofree char *number = g_strdup_printf("TT/%04u/KEC-TAMAN/2026", i);
        g_assert_nonnull(strstr(text, number));
    }
    g_assert_nonnull(strstr(text, "KABUPATEN PEMALANG"));
    g_assert_nonnull(strstr(text, "KECAMATAN TAMAN"));
    g_assert_nonnull(strstr(text, "Buku Register Tanda Terima Berkas 2026"));
    g_assert_nonnull(strstr(text, "Halaman 1 dari 3"));
    g_assert_nonnull(strstr(text, "Halaman 3 dari 3"));
    g_assert_nonnull(strstr(text, "BATAL: Salah ketik nama"));
    g_assert_nonnull(strstr(text, "12 Mei 2026"));
    /* The heads are on every page. */
    {
        guint heads = 0;
        for (const char *p = text; (p = strstr(p, "Diterbitkan oleh")) != NULL; p++)
            heads++;
        g_assert_cmpuint(heads, ==, 3);
    }
}

static void test_empty_period(void)
{
    Book b;
    g_autoptr(PatenRegisterBook) book = NULL;
    g_autofree char *text = NULL;
    guint pages = 0;

    book_init(&b, 0);
    book = paten_register_book_new(&b.reply, "Kabupaten Pemalang", "Tahun 2026", "");
    book_clear(&b);
    text = pdf_of(book, &pages);
    g_assert_cmpuint(pages, ==, 1);
    g_assert_nonnull(strstr(text, "Tidak ada nomor yang diterbitkan pada periode ini."));
    g_assert_nonnull(strstr(text, "Halaman 1 dari 1"));
}

int main(int argc, char **argv)
{
    g_setenv("PATEN_DESK_LANG", "id", TRUE);
    paten_desk_init_i18n();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/register-book/pages-and-rows", test_pages_and_rows);
    g_test_add_func("/register-book/empty-period", test_empty_period);
    return g_test_run();
}
