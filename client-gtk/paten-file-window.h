/*
 * paten-file-window.h: PatenFileWindow, one file: its summary, form, requirements, timeline and
 * documents (each printable), and the actions the session's roles may take on it
 * (paten_file_actions): return, resume, withdraw, dispose, survey (the berita acara with its
 * measurements), meeting, recommend, decide, forward, the agency's outcome, sign, hand over. Kept
 * current by FileChanged events.
 */
#ifndef PATEN_FILE_WINDOW_H
#define PATEN_FILE_WINDOW_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_FILE_WINDOW (paten_file_window_get_type())
G_DECLARE_FINAL_TYPE(PatenFileWindow, paten_file_window, PATEN, FILE_WINDOW, GtkWindow)

/* Shows the window of file_id, creating it or raising the one already open. */
PatenFileWindow *paten_file_window_present(PatenApplication *app, GtkWindow *parent,
                                           gint64 file_id);

G_END_DECLS

#endif
