/*
 * paten-document.h: PatenDocument, a printable one-page A4 document (no widget). It holds what
 * the page shows (the office's letterhead, a title, a number, numbered fields "label: value", a
 * footer) and draws it on any cairo context, so the same code makes the PDF file and the pages
 * GtkPrintOperation sends to a printer. Each page carries a QR code (libqrencode, drawn as cairo
 * rectangles) with the document's kind, number and verification hash.
 *
 * Verification: until the server signs documents (a later issue), the hash is the SHA-256 (hex)
 * of the document's own content: kind, number, title and every field, as
 * paten_document_get_verification_hash() documents; paten_document_set_verification_hash()
 * replaces it with the server's data when there is some.
 */
#ifndef PATEN_DOCUMENT_H
#define PATEN_DOCUMENT_H

#include <cairo.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A4 in PostScript points (1/72 inch): 210 mm x 297 mm. */
#define PATEN_DOCUMENT_A4_WIDTH  595.2756
#define PATEN_DOCUMENT_A4_HEIGHT 841.8898

#define PATEN_TYPE_DOCUMENT      (paten_document_get_type())
G_DECLARE_FINAL_TYPE(PatenDocument, paten_document, PATEN, DOCUMENT, GObject)

/* A document of kind (a stable code such as "ACCOUNT_SHEET", printed in the QR code) with a
 * number and a title for people. */
PatenDocument *paten_document_new(const char *kind, const char *number, const char *title);

/* The letterhead: the issuing office and its region ("Kecamatan Kaloran", "Kabupaten
 * Temanggung"). */
void paten_document_set_letterhead(PatenDocument *self, const char *office_name,
                                   const char *region_name);

/* Appends field n+1 ("label: value"); value may span several lines. */
void paten_document_add_field(PatenDocument *self, const char *label, const char *value);

/* A small line at the foot of the page (where and when it was printed). */
void paten_document_set_footer(PatenDocument *self, const char *footer);

/* The verification hash in the QR code: by default the lowercase hex SHA-256 of
 * "PATEN-DOCUMENT\n<kind>\n<number>\n<title>\n" followed by "<label>\t<value>\n" for each field,
 * in order (UTF-8). Owned by the document. */
const char *paten_document_get_verification_hash(PatenDocument *self);
void paten_document_set_verification_hash(PatenDocument *self, const char *hash);

/* The text in the QR code: "PATEN|1|<kind>|<number>|<hash>". Caller frees. */
char *paten_document_get_qr_payload(PatenDocument *self);

const char *paten_document_get_title(PatenDocument *self);
const char *paten_document_get_number(PatenDocument *self);

/*
 * Draws the page on cr, whose user space is in points with the page's top left corner at the
 * origin, into a width x height area (the page is scaled to fit, keeping its proportions). The
 * context's state is restored afterwards.
 */
void paten_document_render(PatenDocument *self, cairo_t *cr, double width, double height);

/* Where the QR code is drawn on the A4 page, in points: its top left corner and the side of its
 * square, quiet zone included (4 modules on each side). The same for every document. */
void paten_document_get_qr_area(double *x, double *y, double *size);

/* Writes the document as a one-page A4 PDF at path. */
gboolean paten_document_save_pdf(PatenDocument *self, const char *path, GError **error);

/*
 * Prints through GtkPrintOperation (its draw-page calls paten_document_render). With
 * export_path NULL the print dialog is shown (transient for parent) and printing goes on in the
 * background (GTK_PRINT_OPERATION_RESULT_IN_PROGRESS may be returned); with export_path the
 * operation writes a PDF there without any dialog (GTK_PRINT_OPERATION_ACTION_EXPORT), which is
 * how paten-desk's test mode prints. Returns the operation's result; ERROR sets error.
 */
GtkPrintOperationResult paten_document_print(PatenDocument *self, GtkWindow *parent,
                                             const char *export_path, GError **error);

G_END_DECLS

#endif
