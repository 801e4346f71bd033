/*
 * paten-document.c: PatenDocument, layout and drawing of a one-page A4 document, to PDF and to
 * the printer (paten-document.h).
 *
 * Layout, in points on an A4 page (595 x 842), 2 cm margins: a centred letterhead (the region's
 * government, the office, the service) over a double rule; the title, the subtitle and the
 * number; the body: numbered fields in three columns (number, label, value; values wrap),
 * headings, paragraphs, numbered items, then the signature blocks side by side; the QR code in
 * the bottom right corner with its caption; the footer in the bottom left. Text goes through
 * Pango at 72 dpi, so a 10 pt font is 10 units whatever the surface (PDF in points, a printer's
 * context in points).
 *
 * The body is laid out twice: once to measure it, and once to draw it, scaled down (from its
 * top left corner) when it would reach into the QR code's band at the foot of the page.
 */
#include "paten-document.h"

#include "paten-desk.h"
#include "paten-util.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <string.h>

#define MARGIN        56.69 /* 2 cm */
#define QR_SIZE       108.0
#define FONT          "DejaVu Sans"
#define LABEL_W       150.0
#define NUMBER_W      22.0
#define COLON_W       12.0

#define SIGNATURE_GAP 52.0 /* the space left for the signature itself */

typedef enum {
    BLOCK_FIELD,
    BLOCK_HEADING,
    BLOCK_PARAGRAPH,
    BLOCK_ITEM,
} BlockKind;

typedef struct {
    BlockKind kind;
    char *label; /* fields only */
    char *value;
} Block;

typedef struct {
    char *above;
    char *name;
} Signature;

struct _PatenDocument {
    GObject parent_instance;
    char *kind;
    char *number;
    char *title;
    char *subtitle;
    char *office;
    char *region;
    char *footer;
    char *hash; /* cached or set; NULL until asked */
    gboolean hash_set;
    char *verification; /* the server's QR text, or NULL */
    GArray *blocks;     /* Block */
    Signature signatures[2];
    guint n_signatures;
};

G_DEFINE_TYPE(PatenDocument, paten_document, G_TYPE_OBJECT)

static void block_clear(gpointer p)
{
    Block *b = p;

    g_free(b->label);
    g_free(b->value);
}

static void paten_document_finalize(GObject *obj)
{
    PatenDocument *self = PATEN_DOCUMENT(obj);

    g_free(self->kind);
    g_free(self->number);
    g_free(self->title);
    g_free(self->subtitle);
    g_free(self->office);
    g_free(self->region);
    g_free(self->footer);
    g_free(self->hash);
    g_free(self->verification);
    g_array_unref(self->blocks);
    for (guint i = 0; i < self->n_signatures; i++) {
        g_free(self->signatures[i].above);
        g_free(self->signatures[i].name);
    }
    G_OBJECT_CLASS(paten_document_parent_class)->finalize(obj);
}

static void paten_document_class_init(PatenDocumentClass *klass)
{
    G_OBJECT_CLASS(klass)->finalize = paten_document_finalize;
}

static void paten_document_init(PatenDocument *self)
{
    self->blocks = g_array_new(FALSE, TRUE, sizeof(Block));
    g_array_set_clear_func(self->blocks, block_clear);
}

PatenDocument *paten_document_new(const char *kind, const char *number, const char *title)
{
    PatenDocument *self = g_object_new(PATEN_TYPE_DOCUMENT, NULL);

    self->kind = g_strdup(kind ? kind : "");
    self->number = g_strdup(number ? number : "");
    self->title = g_strdup(title ? title : "");
    return self;
}

/* The content changed: a computed hash no longer holds. */
static void invalidate_hash(PatenDocument *self)
{
    if (!self->hash_set)
        g_clear_pointer(&self->hash, g_free);
}

void paten_document_set_letterhead(PatenDocument *self, const char *office_name,
                                   const char *region_name)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    g_free(self->office);
    g_free(self->region);
    self->office = g_strdup(office_name ? office_name : "");
    self->region = g_strdup(region_name ? region_name : "");
}

void paten_document_set_subtitle(PatenDocument *self, const char *subtitle)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    g_free(self->subtitle);
    self->subtitle = subtitle && subtitle[0] ? g_strdup(subtitle) : NULL;
    invalidate_hash(self);
}

static void add_block(PatenDocument *self, BlockKind kind, const char *label, const char *value)
{
    Block b = { kind, label ? g_strdup(label) : NULL, g_strdup(value ? value : "") };

    g_array_append_val(self->blocks, b);
    invalidate_hash(self);
}

void paten_document_add_field(PatenDocument *self, const char *label, const char *value)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    add_block(self, BLOCK_FIELD, label ? label : "", value);
}

void paten_document_add_heading(PatenDocument *self, const char *text)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    add_block(self, BLOCK_HEADING, NULL, text);
}

void paten_document_add_paragraph(PatenDocument *self, const char *text)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    add_block(self, BLOCK_PARAGRAPH, NULL, text);
}

void paten_document_add_item(PatenDocument *self, const char *text)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    add_block(self, BLOCK_ITEM, NULL, text);
}

void paten_document_add_signature(PatenDocument *self, const char *above, const char *name)
{
    Signature *sig;

    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    g_return_if_fail(self->n_signatures < G_N_ELEMENTS(self->signatures));
    sig = &self->signatures[self->n_signatures++];
    sig->above = g_strdup(above ? above : "");
    sig->name = g_strdup(name ? name : "");
    invalidate_hash(self);
}

void paten_document_set_footer(PatenDocument *self, const char *footer)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    g_free(self->footer);
    self->footer = g_strdup(footer);
}

const char *paten_document_get_title(PatenDocument *self)
{
    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), NULL);
    return self->title;
}

const char *paten_document_get_kind(PatenDocument *self)
{
    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), NULL);
    return self->kind;
}

const char *paten_document_get_number(PatenDocument *self)
{
    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), NULL);
    return self->number;
}

const char *paten_document_get_verification_hash(PatenDocument *self)
{
    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), NULL);
    if (self->hash == NULL) {
        g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
        g_autofree char *head =
            g_strdup_printf("PATEN-DOCUMENT\n%s\n%s\n%s\n", self->kind, self->number, self->title);

        static const char *const tags[] = {
            [BLOCK_FIELD] = NULL,
            [BLOCK_HEADING] = "[heading]",
            [BLOCK_PARAGRAPH] = "[paragraph]",
            [BLOCK_ITEM] = "[item]",
        };

        g_checksum_update(sum, (const guchar *)head, -1);
        for (guint i = 0; i < self->blocks->len; i++) {
            const Block *b = &g_array_index(self->blocks, Block, i);

            g_checksum_update(sum, (const guchar *)(b->label ? b->label : tags[b->kind]), -1);
            g_checksum_update(sum, (const guchar *)"\t", 1);
            g_checksum_update(sum, (const guchar *)b->value, -1);
            g_checksum_update(sum, (const guchar *)"\n", 1);
        }
        if (self->subtitle != NULL) {
            g_autofree char *line = g_strdup_printf("[subtitle]\t%s\n", self->subtitle);
            g_checksum_update(sum, (const guchar *)line, -1);
        }
        for (guint i = 0; i < self->n_signatures; i++) {
            g_autofree char *line = g_strdup_printf(
                "[signature]\t%s\t%s\n", self->signatures[i].above, self->signatures[i].name);
            g_checksum_update(sum, (const guchar *)line, -1);
        }
        self->hash = g_strdup(g_checksum_get_string(sum));
    }
    return self->hash;
}

void paten_document_set_verification_hash(PatenDocument *self, const char *hash)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    g_free(self->hash);
    self->hash = g_strdup(hash);
    self->hash_set = hash != NULL;
}

void paten_document_set_verification(PatenDocument *self, const char *payload)
{
    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    g_free(self->verification);
    self->verification = payload && payload[0] ? g_strdup(payload) : NULL;
}

char *paten_document_get_qr_payload(PatenDocument *self)
{
    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), NULL);
    if (self->verification != NULL)
        return g_strdup(self->verification);
    return g_strdup_printf("PATEN|1|%s|%s|%s", self->kind, self->number,
                           paten_document_get_verification_hash(self));
}

/* ---- drawing ------------------------------------------------------------------------------ */

/* A layout of text in font ("DejaVu Sans Bold 14"), wrapped at width points (-1: no wrap);
 * underline draws a line under all of it. */
static PangoLayout *make_layout(PangoContext *pc, const char *text, const char *font, double width,
                                PangoAlignment align, gboolean underline)
{
    PangoLayout *layout = pango_layout_new(pc);
    PangoFontDescription *desc = pango_font_description_from_string(font);

    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    if (width > 0) {
        pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(layout, align);
    pango_layout_set_text(layout, text, -1);
    if (underline) {
        PangoAttrList *attrs = pango_attr_list_new();

        pango_attr_list_insert(attrs, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE));
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
    }
    return layout;
}

/* Lays text out at (x, y) and returns its height in points; draws it only when draw is TRUE
 * (the body is measured first). */
static double text_at(cairo_t *cr, PangoContext *pc, double x, double y, const char *text,
                      const char *font, double width, PangoAlignment align, gboolean draw)
{
    g_autoptr(PangoLayout) layout = make_layout(pc, text, font, width, align, FALSE);
    int w, h;

    if (draw) {
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, layout);
    }
    pango_layout_get_size(layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* Draws text at (x, y) and returns its height in points. */
static double draw_text(cairo_t *cr, PangoContext *pc, double x, double y, const char *text,
                        const char *font, double width, PangoAlignment align)
{
    return text_at(cr, pc, x, y, text, font, width, align, TRUE);
}

/* Draws the QR code of payload as black squares on white, size x size points, at (x, y), with
 * the quiet zone of 4 modules the standard asks for inside that square. */
static void draw_qr(cairo_t *cr, double x, double y, double size, const char *payload)
{
    QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    double module;

    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    if (qr == NULL) {
        /* Only when out of memory or the payload is absurdly long: leave an outlined box. */
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_rectangle(cr, x, y, size, size);
        cairo_stroke(cr);
        cairo_restore(cr);
        return;
    }
    module = size / (qr->width + 8);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr->data[row * qr->width + col] & 1)
                cairo_rectangle(cr, x + (col + 4) * module, y + (row + 4) * module, module, module);
    /* One fill for all modules: adjacent squares then merge without hairline seams. */
    cairo_fill(cr);
    cairo_restore(cr);
    QRcode_free(qr);
}

void paten_document_get_qr_area(double *x, double *y, double *size)
{
    *x = PATEN_DOCUMENT_A4_WIDTH - MARGIN - QR_SIZE;
    *y = PATEN_DOCUMENT_A4_HEIGHT - MARGIN - QR_SIZE - 24;
    *size = QR_SIZE;
}

/* One signature block in a column x .. x + width from y: its lines centred, the space, the name
 * underlined. Returns its height. */
static double signature_at(cairo_t *cr, PangoContext *pc, const Signature *sig, double x, double y,
                           double width, gboolean draw)
{
    double h = 0;

    if (sig->above[0] != '\0')
        h += text_at(cr, pc, x, y, sig->above, FONT " 11", width, PANGO_ALIGN_CENTER, draw);
    h += SIGNATURE_GAP;
    {
        g_autoptr(PangoLayout) layout =
            make_layout(pc, sig->name[0] ? sig->name : "(                              )",
                        FONT " Bold 11", width, PANGO_ALIGN_CENTER, sig->name[0] != '\0');
        int w, lh;

        if (draw) {
            cairo_move_to(cr, x, y + h);
            pango_cairo_show_layout(cr, layout);
        }
        pango_layout_get_size(layout, &w, &lh);
        h += (double)lh / PANGO_SCALE;
    }
    return h;
}

/*
 * Lays the body out from y0 (fields, headings, paragraphs, items, then the signatures) and
 * returns where it ends; draws it only when draw is TRUE.
 */
static double body_at(PatenDocument *self, cairo_t *cr, PangoContext *pc, double y0, gboolean draw)
{
    const double W = PATEN_DOCUMENT_A4_WIDTH;
    const double content_w = W - 2 * MARGIN;
    double y = y0;
    guint field_no = 0, item_no = 0;

    for (guint i = 0; i < self->blocks->len; i++) {
        const Block *b = &g_array_index(self->blocks, Block, i);

        switch (b->kind) {
        case BLOCK_FIELD: {
            const double value_x = MARGIN + NUMBER_W + LABEL_W + COLON_W;
            g_autofree char *n = g_strdup_printf("%u.", ++field_no);
            double h1, h2;

            text_at(cr, pc, MARGIN, y, n, FONT " 11", NUMBER_W, PANGO_ALIGN_LEFT, draw);
            h1 = text_at(cr, pc, MARGIN + NUMBER_W, y, b->label, FONT " 11", LABEL_W,
                         PANGO_ALIGN_LEFT, draw);
            text_at(cr, pc, MARGIN + NUMBER_W + LABEL_W, y, ":", FONT " 11", COLON_W,
                    PANGO_ALIGN_LEFT, draw);
            h2 = text_at(cr, pc, value_x, y, b->value[0] ? b->value : "-", FONT " 11",
                         W - MARGIN - value_x, PANGO_ALIGN_LEFT, draw);
            y += MAX(h1, h2) + 8;
            break;
        }
        case BLOCK_HEADING:
            item_no = 0;
            y += 6;
            y += text_at(cr, pc, MARGIN, y, b->value, FONT " Bold 11", content_w, PANGO_ALIGN_LEFT,
                         draw);
            y += 6;
            break;
        case BLOCK_PARAGRAPH:
            y +=
                text_at(cr, pc, MARGIN, y, b->value, FONT " 11", content_w, PANGO_ALIGN_LEFT, draw);
            y += 8;
            break;
        case BLOCK_ITEM: {
            g_autofree char *n = g_strdup_printf("%u.", ++item_no);

            text_at(cr, pc, MARGIN + 8, y, n, FONT " 11", NUMBER_W, PANGO_ALIGN_LEFT, draw);
            y += text_at(cr, pc, MARGIN + 8 + NUMBER_W, y, b->value, FONT " 11",
                         content_w - 8 - NUMBER_W, PANGO_ALIGN_LEFT, draw);
            y += 5;
            break;
        }
        }
    }
    if (self->n_signatures > 0) {
        const double col_w = content_w / 2;
        double h = 0;

        y += 18;
        for (guint i = 0; i < self->n_signatures; i++) {
            /* One signature stands on the right, two side by side. */
            double x = MARGIN + (self->n_signatures == 1 || i == 1 ? col_w : 0);
            h = MAX(h, signature_at(cr, pc, &self->signatures[i], x + 10, y, col_w - 20, draw));
        }
        y += h;
    }
    return y;
}

void paten_document_render(PatenDocument *self, cairo_t *cr, double width, double height)
{
    const double W = PATEN_DOCUMENT_A4_WIDTH, H = PATEN_DOCUMENT_A4_HEIGHT;
    const double content_w = W - 2 * MARGIN;
    PangoContext *pc;
    g_autofree char *gov = NULL, *office = NULL, *number = NULL, *payload = NULL;
    g_autofree char *caption = NULL;
    double scale, y, qr_x, qr_y, qr_size, end, room;

    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    cairo_save(cr);
    scale = MIN(width / W, height / H);
    cairo_scale(cr, scale, scale);
    pc = pango_cairo_create_context(cr);
    /* 72 dpi: one point of font size is one unit of the (point-based) user space. */
    pango_cairo_context_set_resolution(pc, 72.0);

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, W, H);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);

    /* Letterhead. */
    y = MARGIN;
    gov = g_utf8_strup(self->region && self->region[0] ? self->region : "", -1);
    if (gov[0] != '\0') {
        /* TRANSLATORS: letterhead; %s is the region in capitals, "KABUPATEN TEMANGGUNG". */
        g_autofree char *line = g_strdup_printf(_("GOVERNMENT OF %s"), gov);
        y += draw_text(cr, pc, MARGIN, y, line, FONT " Bold 12", content_w, PANGO_ALIGN_CENTER);
    }
    office = g_utf8_strup(self->office ? self->office : "", -1);
    y += draw_text(cr, pc, MARGIN, y, office, FONT " Bold 15", content_w, PANGO_ALIGN_CENTER);
    y += draw_text(cr, pc, MARGIN, y, _("Integrated Sub-district Administrative Service (PATEN)"),
                   FONT " 9", content_w, PANGO_ALIGN_CENTER);
    y += 6;
    cairo_set_line_width(cr, 2.0);
    cairo_move_to(cr, MARGIN, y);
    cairo_line_to(cr, W - MARGIN, y);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, MARGIN, y + 3);
    cairo_line_to(cr, W - MARGIN, y + 3);
    cairo_stroke(cr);
    y += 28;

    /* Title, subtitle and number. */
    y += draw_text(cr, pc, MARGIN, y, self->title, FONT " Bold 14", content_w, PANGO_ALIGN_CENTER);
    if (self->subtitle != NULL)
        y += draw_text(cr, pc, MARGIN, y + 2, self->subtitle, FONT " Bold 12", content_w,
                       PANGO_ALIGN_CENTER) +
             2;
    number = g_strdup_printf(_("Number: %s"), self->number);
    y += draw_text(cr, pc, MARGIN, y + 2, number, FONT " 10", content_w, PANGO_ALIGN_CENTER);
    y += 28;

    /* The body, scaled down from its top left corner when it would reach the QR code's band. */
    paten_document_get_qr_area(&qr_x, &qr_y, &qr_size);
    end = body_at(self, cr, pc, y, FALSE);
    room = qr_y - 10 - y;
    if (end - y > room && end > y) {
        double s = room / (end - y);

        cairo_save(cr);
        cairo_translate(cr, MARGIN, y);
        cairo_scale(cr, s, s);
        cairo_translate(cr, -MARGIN, -y);
        pango_cairo_update_context(cr, pc);
        body_at(self, cr, pc, y, TRUE);
        cairo_restore(cr);
        pango_cairo_update_context(cr, pc);
    } else {
        body_at(self, cr, pc, y, TRUE);
    }

    /* QR code and its caption, bottom right. */
    payload = paten_document_get_qr_payload(self);
    draw_qr(cr, qr_x, qr_y, qr_size, payload);
    if (self->verification != NULL) {
        size_t n = strlen(self->verification);
        /* The end of the server's text: the tail of its signature. */
        caption = g_strdup_printf(_("Verification code %.16s"),
                                  self->verification + (n > 16 ? n - 16 : 0));
    } else {
        caption = g_strdup_printf(_("Verification code %.16s"),
                                  paten_document_get_verification_hash(self));
    }
    draw_text(cr, pc, W - MARGIN - QR_SIZE - 40, H - MARGIN - 20, caption, FONT " 7", QR_SIZE + 40,
              PANGO_ALIGN_RIGHT);

    if (self->footer != NULL)
        draw_text(cr, pc, MARGIN, H - MARGIN - 20, self->footer, FONT " 8",
                  content_w - QR_SIZE - 50, PANGO_ALIGN_LEFT);
    g_object_unref(pc);
    cairo_restore(cr);
}

gboolean paten_document_save_pdf(PatenDocument *self, const char *path, GError **error)
{
    cairo_surface_t *surface;
    cairo_t *cr;
    cairo_status_t status;
    g_autofree char *subject = NULL;

    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), FALSE);
    surface = cairo_pdf_surface_create(path, PATEN_DOCUMENT_A4_WIDTH, PATEN_DOCUMENT_A4_HEIGHT);
    subject = g_strdup_printf("%s %s", self->kind, self->number);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, self->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "paten-desk");
    cr = cairo_create(surface);
    paten_document_render(self, cr, PATEN_DOCUMENT_A4_WIDTH, PATEN_DOCUMENT_A4_HEIGHT);
    cairo_show_page(cr);
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
    (void)page_nr;
    paten_document_render(PATEN_DOCUMENT(data), gtk_print_context_get_cairo_context(context),
                          gtk_print_context_get_width(context),
                          gtk_print_context_get_height(context));
}

GtkPrintOperationResult paten_document_print(PatenDocument *self, GtkWindow *parent,
                                             const char *export_path, GError **error)
{
    g_autoptr(GtkPrintOperation) op = gtk_print_operation_new();
    g_autoptr(GtkPageSetup) setup = gtk_page_setup_new();
    GtkPaperSize *a4 = gtk_paper_size_new(GTK_PAPER_NAME_A4);
    g_autofree char *job = NULL;

    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), GTK_PRINT_OPERATION_RESULT_ERROR);
    gtk_page_setup_set_paper_size_and_default_margins(setup, a4);
    gtk_paper_size_free(a4);
    gtk_print_operation_set_default_page_setup(op, setup);
    gtk_print_operation_set_n_pages(op, 1);
    /* The document draws its own margins: the context's origin is the paper's corner and its
     * unit the point, as for the PDF. */
    gtk_print_operation_set_use_full_page(op, TRUE);
    gtk_print_operation_set_unit(op, GTK_UNIT_POINTS);
    job = g_strdup_printf("%s %s", self->title, self->number);
    gtk_print_operation_set_job_name(op, job);
    g_signal_connect_object(op, "draw-page", G_CALLBACK(on_draw_page), self, 0);

    if (export_path != NULL) {
        gtk_print_operation_set_export_filename(op, export_path);
        return gtk_print_operation_run(op, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);
    }
    /* The dialog runs without blocking the window; the job goes on after we return, holding its
     * own reference to the operation (and so, through the handler, to the document). */
    gtk_print_operation_set_allow_async(op, TRUE);
    g_object_set_data_full(G_OBJECT(op), "paten-document", g_object_ref(self), g_object_unref);
    return gtk_print_operation_run(op, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, error);
}

char *paten_document_export_path(PatenDocument *self)
{
    const char *to = g_getenv(PATEN_DESK_PRINT_TO_ENV);
    g_autofree char *name = NULL;

    g_return_val_if_fail(PATEN_IS_DOCUMENT(self), NULL);
    if (to == NULL || to[0] == '\0')
        return NULL;
    if (!g_str_has_suffix(to, "/") && !g_file_test(to, G_FILE_TEST_IS_DIR))
        return g_strdup(to);
    name = g_strdup_printf("%s-%s.pdf", self->kind, self->number);
    /* The number's slashes (503/0012/...) and anything else a file name should not hold. */
    for (char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.')
            *p = '_';
    return g_build_filename(to, name, NULL);
}

char *paten_document_print_from(PatenDocument *self, GtkWidget *from, const char *what)
{
    g_autofree char *export_path = paten_document_export_path(self);
    GtkWidget *top = from ? gtk_widget_get_toplevel(from) : NULL;
    g_autoptr(GError) err = NULL;

    switch (paten_document_print(self, GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL, export_path,
                                 &err)) {
    case GTK_PRINT_OPERATION_RESULT_APPLY:
    case GTK_PRINT_OPERATION_RESULT_IN_PROGRESS:
        if (export_path != NULL)
            /* TRANSLATORS: "Tanda terima berkas disimpan ke /tmp/x.pdf." */
            return g_strdup_printf(_("%s was saved to %s."), what, export_path);
        return g_strdup_printf(_("%s was sent to the printer."), what);
    case GTK_PRINT_OPERATION_RESULT_ERROR:
        return g_strdup_printf(_("%s could not be printed: %s"), what, err ? err->message : "?");
    default:
        return NULL; /* cancelled by the user: nothing to say */
    }
}

/* What a "Simpan PDF" waits for while its file chooser is open (references). */
typedef struct {
    PatenDocument *doc;
    GtkLabel *report;
    char *what;
} SavePdf;

static void save_pdf_free(SavePdf *sp)
{
    g_object_unref(sp->doc);
    g_clear_object(&sp->report);
    g_free(sp->what);
    g_free(sp);
}

/* Writes sp's document to path and says how it went in sp's label. */
static void save_pdf_to(SavePdf *sp, const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *said = NULL;

    if (paten_document_save_pdf(sp->doc, path, &err))
        said = g_strdup_printf(_("%s was saved to %s."), sp->what, path);
    else
        said = g_strdup_printf(_("%s could not be saved: %s"), sp->what, err->message);
    if (sp->report != NULL)
        paten_label_show(sp->report, said);
}

static void on_save_pdf_response(GtkNativeDialog *chooser, int response, gpointer data)
{
    SavePdf *sp = data;

    if (response == GTK_RESPONSE_ACCEPT) {
        g_autofree char *path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));

        if (path != NULL)
            save_pdf_to(sp, path);
    }
    save_pdf_free(sp);
    g_object_unref(chooser);
}

void paten_document_save_pdf_from(PatenDocument *self, GtkWidget *from, const char *what,
                                  GtkLabel *report)
{
    g_autofree char *export_path = paten_document_export_path(self);
    GtkWidget *top = from ? gtk_widget_get_toplevel(from) : NULL;
    SavePdf *sp;
    GtkFileChooserNative *chooser;
    g_autofree char *name = NULL;

    g_return_if_fail(PATEN_IS_DOCUMENT(self));
    sp = g_new0(SavePdf, 1);
    sp->doc = g_object_ref(self);
    sp->report = report ? g_object_ref(report) : NULL;
    sp->what = g_strdup(what);
    if (export_path != NULL) {
        save_pdf_to(sp, export_path);
        save_pdf_free(sp);
        return;
    }
    chooser =
        gtk_file_chooser_native_new(_("Save PDF"), GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL,
                                    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
    gtk_file_chooser_set_do_overwrite_confirmation(GTK_FILE_CHOOSER(chooser), TRUE);
    name = g_strdup_printf("%s-%s.pdf", self->kind, self->number);
    for (char *p = name; *p; p++)
        if (*p == '/' || *p == '\\')
            *p = '_';
    gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(chooser), name);
    gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
    g_signal_connect(chooser, "response", G_CALLBACK(on_save_pdf_response), sp);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}
