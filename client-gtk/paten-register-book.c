/*
 * paten-register-book.c: PatenRegisterBook (paten-register-book.h).
 *
 * Every row is one line of a fixed height, its cells ellipsized rather than wrapped, so the
 * number of rows per page is known before drawing and "page n of m" can be printed on the
 * first page. A long name loses its end on paper; the desk and patenctl show it whole.
 */
#include "paten-register-book.h"

#include "paten-desk.h"
#include "paten-document.h"
#include "paten-files.h"
#include "paten-util.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#define MARGIN    36.0
#define FONT      "DejaVu Sans"
#define TABLE_TOP 122.0
#define ROW_H     16.0
#define FOOTER_H  30.0
#define CELL_PAD  3.0
#define N_COLUMNS 7

struct _PatenRegisterBook {
    GObject parent_instance;

    Paten__ListRegisterReply *reply; /* a copy */
    char *region_name;
    char *period;
    char *printed_at;
};

G_DEFINE_TYPE(PatenRegisterBook, paten_register_book, G_TYPE_OBJECT)

/* The columns, left to right: width in points (they add up to the page's width between the
 * margins) and head (N_() msgid). */
static const struct {
    double width;
    const char *head;
} columns[N_COLUMNS] = {
    { 32, N_("No.") },          { 190, N_("Document number") }, { 66, N_("Date") },
    { 150, N_("File") },        { 130, N_("Applicant") },       { 110, N_("Service") },
    { 91.89, N_("Issued by") },
};

static guint rows_per_page(void)
{
    return (guint)((PATEN_REGISTER_BOOK_HEIGHT - MARGIN - FOOTER_H - TABLE_TOP - ROW_H) / ROW_H);
}

PatenRegisterBook *paten_register_book_new(const Paten__ListRegisterReply *reply,
                                           const char *region_name, const char *period,
                                           const char *printed_at)
{
    PatenRegisterBook *self = g_object_new(PATEN_TYPE_REGISTER_BOOK, NULL);

    self->reply = paten_message_dup(&reply->base);
    self->region_name = g_strdup(region_name ? region_name : "");
    self->period = g_strdup(period ? period : "");
    self->printed_at = g_strdup(printed_at ? printed_at : "");
    return self;
}

guint paten_register_book_get_n_rows(PatenRegisterBook *self)
{
    g_return_val_if_fail(PATEN_IS_REGISTER_BOOK(self), 0);
    return (guint)self->reply->n_entries;
}

guint paten_register_book_get_n_pages(PatenRegisterBook *self)
{
    guint per = rows_per_page();

    g_return_val_if_fail(PATEN_IS_REGISTER_BOOK(self), 1);
    return self->reply->n_entries == 0 ? 1 : (guint)((self->reply->n_entries + per - 1) / per);
}

/* Draws text in font at (x, y), in one line of at most width points (ellipsized at its end;
 * width <= 0: as long as it is), aligned within that width. */
static void cell(cairo_t *cr, PangoContext *pc, double x, double y, double width, const char *text,
                 const char *font, PangoAlignment align)
{
    g_autoptr(PangoLayout) layout = pango_layout_new(pc);
    PangoFontDescription *desc = pango_font_description_from_string(font);

    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    if (width > 0) {
        pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_alignment(layout, align);
    pango_layout_set_text(layout, text ? text : "", -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
}

static void rule(cairo_t *cr, double y, double width)
{
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, MARGIN, y);
    cairo_line_to(cr, PATEN_REGISTER_BOOK_WIDTH - MARGIN, y);
    cairo_stroke(cr);
}

static void draw_header(PatenRegisterBook *self, cairo_t *cr, PangoContext *pc)
{
    double w = PATEN_REGISTER_BOOK_WIDTH - 2 * MARGIN;
    g_autofree char *region = g_utf8_strup(self->region_name, -1);
    g_autofree char *office = g_utf8_strup(self->reply->office_name, -1);

    cell(cr, pc, MARGIN, MARGIN, w, region, FONT " Bold 10", PANGO_ALIGN_CENTER);
    cell(cr, pc, MARGIN, MARGIN + 14, w, office, FONT " Bold 10", PANGO_ALIGN_CENTER);
    rule(cr, MARGIN + 32, 1.2);
    cell(cr, pc, MARGIN, MARGIN + 42, w, self->reply->title, FONT " Bold 13", PANGO_ALIGN_CENTER);
    cell(cr, pc, MARGIN, MARGIN + 62, w, self->period, FONT " 10", PANGO_ALIGN_CENTER);
}

static void draw_row(cairo_t *cr, PangoContext *pc, double y, const char *const *texts,
                     const char *font)
{
    double x = MARGIN;

    for (int c = 0; c < N_COLUMNS; c++) {
        cell(cr, pc, x + CELL_PAD, y + 2.5, columns[c].width - 2 * CELL_PAD, texts[c], font,
             c == 0 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        x += columns[c].width;
    }
}

/* The vertical lines between the columns, from y0 to y1. */
static void draw_grid(cairo_t *cr, double y0, double y1)
{
    double x = MARGIN;

    cairo_set_line_width(cr, 0.5);
    for (int c = 0; c <= N_COLUMNS; c++) {
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
        if (c < N_COLUMNS)
            x += columns[c].width;
    }
    cairo_stroke(cr);
}

void paten_register_book_render_page(PatenRegisterBook *self, cairo_t *cr, guint page_nr)
{
    PangoContext *pc;
    guint per = rows_per_page(), first = page_nr * per, n_pages;
    double y = TABLE_TOP;
    const char *heads[N_COLUMNS];
    g_autofree char *page_text = NULL;

    g_return_if_fail(PATEN_IS_REGISTER_BOOK(self));
    n_pages = paten_register_book_get_n_pages(self);
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    pc = pango_cairo_create_context(cr);
    pango_cairo_context_set_resolution(pc, 72);
    draw_header(self, cr, pc);

    for (int c = 0; c < N_COLUMNS; c++)
        heads[c] = _(columns[c].head);
    rule(cr, y, 0.8);
    draw_row(cr, pc, y, heads, FONT " Bold 8.5");
    y += ROW_H;
    rule(cr, y, 0.8);
    for (guint i = first; i < self->reply->n_entries && i < first + per; i++) {
        const Paten__RegisterEntry *e = self->reply->entries[i];
        g_autofree char *seq = g_strdup_printf("%u", e->seq);
        g_autofree char *date = paten_date_display(e->issued_date);
        g_autofree char *by = e->voided_reason[0] ? g_strdup_printf(_("VOID: %s"), e->voided_reason)
                                                  : g_strdup(e->issued_by_name);
        const char *texts[N_COLUMNS] = {
            seq, e->number, date, e->file_register_number, e->applicant_name, e->service_name, by,
        };

        draw_row(cr, pc, y, texts, e->voided_reason[0] ? FONT " Italic 8.5" : FONT " 8.5");
        y += ROW_H;
        rule(cr, y, 0.3);
    }
    if (self->reply->n_entries == 0) {
        cell(cr, pc, MARGIN, y + 4, PATEN_REGISTER_BOOK_WIDTH - 2 * MARGIN,
             _("No numbers were issued in this period."), FONT " Italic 9", PANGO_ALIGN_CENTER);
        y += ROW_H * 1.5;
        rule(cr, y, 0.3);
    }
    draw_grid(cr, TABLE_TOP, self->reply->n_entries == 0 ? TABLE_TOP + ROW_H : y);

    /* TRANSLATORS: "Halaman 2 dari 5" at the foot of a register book's page. */
    page_text = g_strdup_printf(_("Page %u of %u"), page_nr + 1, n_pages);
    cell(cr, pc, MARGIN, PATEN_REGISTER_BOOK_HEIGHT - MARGIN - 10, 500, self->printed_at, FONT " 8",
         PANGO_ALIGN_LEFT);
    cell(cr, pc, PATEN_REGISTER_BOOK_WIDTH - MARGIN - 200, PATEN_REGISTER_BOOK_HEIGHT - MARGIN - 10,
         200, page_text, FONT " 8", PANGO_ALIGN_RIGHT);
    g_object_unref(pc);
    cairo_restore(cr);
}

gboolean paten_register_book_save_pdf(PatenRegisterBook *self, const char *path, GError **error)
{
    cairo_surface_t *surface;
    cairo_t *cr;
    cairo_status_t status;
    guint n;

    g_return_val_if_fail(PATEN_IS_REGISTER_BOOK(self), FALSE);
    surface = cairo_pdf_surface_create(path, PATEN_REGISTER_BOOK_WIDTH, PATEN_REGISTER_BOOK_HEIGHT);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, self->reply->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "paten-desk");
    cr = cairo_create(surface);
    n = paten_register_book_get_n_pages(self);
    for (guint p = 0; p < n; p++) {
        paten_register_book_render_page(self, cr, p);
        cairo_show_page(cr);
    }
    status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the PDF %s: %s"), path,
                    cairo_status_to_string(status));
        return FALSE;
    }
    return TRUE;
}

/* ---- printing ----------------------------------------------------------------------------- */

static void on_draw_page(GtkPrintOperation *op, GtkPrintContext *context, int page_nr,
                         gpointer data)
{
    (void)op;
    paten_register_book_render_page(PATEN_REGISTER_BOOK(data),
                                    gtk_print_context_get_cairo_context(context), (guint)page_nr);
}

/* Where the print mode writes the book, or NULL outside it. Caller frees. */
static char *export_path(PatenRegisterBook *self)
{
    const char *to = g_getenv(PATEN_DESK_PRINT_TO_ENV);
    g_autofree char *name = NULL;

    if (to == NULL || to[0] == '\0')
        return NULL;
    if (!g_str_has_suffix(to, "/") && !g_file_test(to, G_FILE_TEST_IS_DIR))
        return g_strdup(to);
    name = g_strdup_printf("register-%s.pdf", self->reply->title);
    for (char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
            *p = '_';
    return g_build_filename(to, name, NULL);
}

char *paten_register_book_print_from(PatenRegisterBook *self, GtkWidget *from)
{
    g_autoptr(GtkPrintOperation) op = gtk_print_operation_new();
    g_autoptr(GtkPageSetup) setup = gtk_page_setup_new();
    GtkPaperSize *a4 = gtk_paper_size_new(GTK_PAPER_NAME_A4);
    g_autofree char *path = export_path(self);
    GtkWidget *top = from ? gtk_widget_get_toplevel(from) : NULL;
    GtkWindow *parent = GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
    g_autoptr(GError) err = NULL;
    GtkPrintOperationResult result;

    g_return_val_if_fail(PATEN_IS_REGISTER_BOOK(self), NULL);
    gtk_page_setup_set_paper_size_and_default_margins(setup, a4);
    gtk_paper_size_free(a4);
    gtk_page_setup_set_orientation(setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
    gtk_print_operation_set_default_page_setup(op, setup);
    gtk_print_operation_set_n_pages(op, (int)paten_register_book_get_n_pages(self));
    /* The book draws its own margins, in points from the paper's corner, as for the PDF. */
    gtk_print_operation_set_use_full_page(op, TRUE);
    gtk_print_operation_set_unit(op, GTK_UNIT_POINTS);
    gtk_print_operation_set_job_name(op, self->reply->title);
    g_signal_connect_object(op, "draw-page", G_CALLBACK(on_draw_page), self, 0);
    if (path != NULL) {
        gtk_print_operation_set_export_filename(op, path);
        result = gtk_print_operation_run(op, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, &err);
    } else {
        /* The job outlives this call (it holds the operation, which holds the book). */
        gtk_print_operation_set_allow_async(op, TRUE);
        g_object_set_data_full(G_OBJECT(op), "paten-register-book", g_object_ref(self),
                               g_object_unref);
        result = gtk_print_operation_run(op, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, &err);
    }
    switch (result) {
    case GTK_PRINT_OPERATION_RESULT_APPLY:
    case GTK_PRINT_OPERATION_RESULT_IN_PROGRESS:
        if (path != NULL)
            return g_strdup_printf(_("%s was saved to %s."), _("The register book"), path);
        return g_strdup_printf(_("%s was sent to the printer."), _("The register book"));
    case GTK_PRINT_OPERATION_RESULT_ERROR:
        return g_strdup_printf(_("%s could not be printed: %s"), _("The register book"),
                               err ? err->message : "?");
    default:
        return NULL;
    }
}

static void paten_register_book_finalize(GObject *obj)
{
    PatenRegisterBook *self = PATEN_REGISTER_BOOK(obj);

    paten_message_free(self->reply);
    g_free(self->region_name);
    g_free(self->period);
    g_free(self->printed_at);
    G_OBJECT_CLASS(paten_register_book_parent_class)->finalize(obj);
}

static void paten_register_book_class_init(PatenRegisterBookClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = paten_register_book_finalize;
}

static void paten_register_book_init(PatenRegisterBook *self)
{
    (void)self;
}
