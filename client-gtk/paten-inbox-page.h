/*
 * paten-inbox-page.h: PatenInboxPage, the "Disposisi" workspace: the dispositions to me or my role,
 * live (DispositionChanged events), with deadline badges; opening one marks it read and shows its
 * file.
 */
#ifndef PATEN_INBOX_PAGE_H
#define PATEN_INBOX_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_INBOX_PAGE (paten_inbox_page_get_type())
G_DECLARE_FINAL_TYPE(PatenInboxPage, paten_inbox_page, PATEN, INBOX_PAGE, GtkBox)

PatenInboxPage *paten_inbox_page_new(PatenApplication *app);

G_END_DECLS

#endif
