/*
 * paten-register-book.h: PatenRegisterBook, a register book (buku register) laid out for print:
 * the numbers ListRegister returned as a table over as many landscape A4 pages as it needs,
 * each page with the book's title, the office, the period, the column heads and "page n of m".
 * Voided numbers keep their row, marked with the reason: a register book is worth something
 * because no number is missing from it.
 *
 * Not a widget: the same drawing makes the PDF and the pages a GtkPrintOperation sends to the
 * printer, as PatenDocument does for one-page documents (and with the same print mode:
 * PATEN_DESK_PRINT_TO).
 */
#ifndef PATEN_REGISTER_BOOK_H
#define PATEN_REGISTER_BOOK_H

#include "paten.pb-c.h"

#include <cairo.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A4 landscape, in points. */
#define PATEN_REGISTER_BOOK_WIDTH  841.8898
#define PATEN_REGISTER_BOOK_HEIGHT 595.2756

#define PATEN_TYPE_REGISTER_BOOK   (paten_register_book_get_type())
G_DECLARE_FINAL_TYPE(PatenRegisterBook, paten_register_book, PATEN, REGISTER_BOOK, GObject)

/* A book of reply's entries (copied: reply may be freed after). region_name heads the page
 * ("Kabupaten Pemalang"); period says which days it covers ("Tahun 2026", "1 Mei 2026 - 31 Mei
 * 2026"); printed_at goes in each page's footer. */
PatenRegisterBook *paten_register_book_new(const Paten__ListRegisterReply *reply,
                                           const char *region_name, const char *period,
                                           const char *printed_at);

/* How many rows it holds, and how many pages they take (at least 1: an empty book prints one
 * page saying so). */
guint paten_register_book_get_n_rows(PatenRegisterBook *self);
guint paten_register_book_get_n_pages(PatenRegisterBook *self);

/* Draws page page_nr (from 0) on cr, whose unit is the point and origin the paper's corner. */
void paten_register_book_render_page(PatenRegisterBook *self, cairo_t *cr, guint page_nr);

/* Writes every page as a PDF at path. */
gboolean paten_register_book_save_pdf(PatenRegisterBook *self, const char *path, GError **error);

/* Prints it for a widget of the desk, as paten_document_print_from() does: in the print mode
 * (PATEN_DESK_PRINT_TO: a file, or a directory where it goes to "register-<title>.pdf") to the
 * file, otherwise through the print dialog, without blocking. Returns the sentence to show
 * (saved to where, sent to the printer, or why it failed), NULL when the user cancelled. Caller
 * frees. */
char *paten_register_book_print_from(PatenRegisterBook *self, GtkWidget *from);

G_END_DECLS

#endif
