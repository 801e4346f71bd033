/*
 * paten-inbox-row.h: PatenInboxRow, one disposition in the "Disposisi" inbox: the file's register
 * number, service and applicant, the instruction, who sent it, its deadline badge, whether it is
 * read (unread in bold) and who claimed it when it went to a role; with its actions "Buka",
 * "Tanggapi" and "Cetak lembar disposisi". The row only shows and asks: the page does the calls.
 */
#ifndef PATEN_INBOX_ROW_H
#define PATEN_INBOX_ROW_H

#include "paten.pb-c.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_INBOX_ROW (paten_inbox_row_get_type())
G_DECLARE_FINAL_TYPE(PatenInboxRow, paten_inbox_row, PATEN, INBOX_ROW, GtkListBoxRow)

/*
 * A row showing a copy of d. me is the session's user id: "Tanggapi" is offered only when d is
 * addressed to (or claimed by) me and not yet completed; tz is the region's time zone for the
 * deadline badge (NULL: local).
 */
PatenInboxRow *paten_inbox_row_new(const Paten__Disposition *d, gint64 me, const char *tz);

/* Shows a copy of d instead (a newer version of the same disposition). */
void paten_inbox_row_set_disposition(PatenInboxRow *self, const Paten__Disposition *d);

/* The disposition shown, owned by the row: valid until the next set. */
const Paten__Disposition *paten_inbox_row_get_disposition(PatenInboxRow *self);

/* Recomputes the deadline badge against the clock now (a badge says "today" or "late"). */
void paten_inbox_row_refresh_due(PatenInboxRow *self);

/* Shows text as the row's own error line (the outcome of its action); NULL hides it. */
void paten_inbox_row_show_error(PatenInboxRow *self, const char *text);

/* A spinner and insensitive buttons while the row's action runs. */
void paten_inbox_row_set_busy(PatenInboxRow *self, gboolean busy);

G_END_DECLS

#endif
