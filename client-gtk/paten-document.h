/*
 * paten-document.h: PatenDocument, a printable one-page A4 document (no widget). It holds what
 * the page shows (the office's letterhead, a title and a subtitle, a number, then a body of
 * numbered fields "label: value", headings, paragraphs and numbered items, up to two signature
 * blocks, a footer) and draws it on any cairo context, so the same code makes the PDF file and
 * the pages GtkPrintOperation sends to a printer. A body too long for the page is scaled down to
 * fit. Each page carries a QR code (libqrencode, drawn as cairo rectangles).
 *
 * The QR code: a document the server issued carries the server's verification text
 * (Document.verification, signed by the region's key), set with
 * paten_document_set_verification() and printed exactly as it came. A sheet the desk makes on
 * its own (the account sheet, the disposition sheet) has no such text: its QR code holds
 * "PATEN|1|<kind>|<number>|<hash>" with the SHA-256 (hex) of its own content, as
 * paten_document_get_verification_hash() documents.
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

/* A second title line under the title ("TENTANG IZIN ..."). */
void paten_document_set_subtitle(PatenDocument *self, const char *subtitle);

/* Appends field n+1 ("label: value"); value may span several lines. Fields are numbered
 * through the whole document. */
void paten_document_add_field(PatenDocument *self, const char *label, const char *value);

/* Appends a heading in bold; the numbering of the items after it starts again at 1. */
void paten_document_add_heading(PatenDocument *self, const char *text);

/* Appends a paragraph of running text over the page's width. */
void paten_document_add_paragraph(PatenDocument *self, const char *text);

/* Appends a numbered item ("1. text") of the list since the last heading. */
void paten_document_add_item(PatenDocument *self, const char *text);

/* Appends a signature block after the body: the lines above the signature (above, several
 * lines separated by '\n': place and date, the position, "a.n."/"Plh." line) and the name under
 * the space for it, underlined. At most two: the first on the left and the second on the right
 * when there are two, on the right when there is one. */
void paten_document_add_signature(PatenDocument *self, const char *above, const char *name);

/* A small line at the foot of the page (where and when it was printed). */
void paten_document_set_footer(PatenDocument *self, const char *footer);

/* The verification hash of a desk-made sheet: by default the lowercase hex SHA-256 of
 * "PATEN-DOCUMENT\n<kind>\n<number>\n<title>\n" followed by one line per part of the body, in
 * order (UTF-8): "<label>\t<value>\n" for a field, "[heading]\t<text>\n", "[paragraph]\t<text>\n",
 * "[item]\t<text>\n", then "[subtitle]\t<text>\n" when there is a subtitle and
 * "[signature]\t<above>\t<name>\n" for each signature. Owned by the document. */
const char *paten_document_get_verification_hash(PatenDocument *self);
void paten_document_set_verification_hash(PatenDocument *self, const char *hash);

/* Makes the QR code hold exactly payload: the server's Document.verification. NULL goes back to
 * the sheet's own "PATEN|1|..." text. */
void paten_document_set_verification(PatenDocument *self, const char *payload);

/* The text in the QR code: the server's verification text when set, else
 * "PATEN|1|<kind>|<number>|<hash>". Caller frees. */
char *paten_document_get_qr_payload(PatenDocument *self);

const char *paten_document_get_kind(PatenDocument *self);

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

/* The environment variable of paten-desk's print mode (the UI tests'): a PDF file to write
 * instead of showing the print dialog, or a directory (ending in '/', or existing) where each
 * document goes to "<kind>-<number>.pdf" (characters other than letters, digits, '-' and '.'
 * written as '_'). */
#define PATEN_DESK_PRINT_TO_ENV "PATEN_DESK_PRINT_TO"

/* Where the print mode writes self, or NULL when PATEN_DESK_PRINT_TO is unset or empty. Caller
 * frees. */
char *paten_document_export_path(PatenDocument *self);

/*
 * Prints self for a widget of the desk: in the print mode to its file, otherwise through the
 * print dialog transient for from's window (not blocking: the job goes on in the background).
 * what names the document in the sentence returned ("Tanda terima berkas"): saved to where, sent
 * to the printer, or why it failed; NULL when the user cancelled. Caller frees.
 */
char *paten_document_print_from(PatenDocument *self, GtkWidget *from, const char *what);

/*
 * Saves self as a PDF for a widget of the desk ("Simpan PDF"): in the print mode
 * (PATEN_DESK_PRINT_TO) to the file paten_document_export_path() names, at once; otherwise to a
 * file the person chooses in a file chooser transient for from's window (not blocking: the PDF is
 * written when they accept). The sentence saying how it went ("<what> was saved to <path>.", or
 * why not) is shown in report (may be NULL); nothing when the person cancels.
 */
void paten_document_save_pdf_from(PatenDocument *self, GtkWidget *from, const char *what,
                                  GtkLabel *report);

G_END_DECLS

#endif
