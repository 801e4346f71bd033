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
G_DECLARE_FINAL_TYPE(PatenFileWindow, paten_file_window, PATEN, FILE_WINDOW, GtkApplicationWindow)

/* Shows the window of file_id, creating it or raising the one already open. */
PatenFileWindow *paten_file_window_present(PatenApplication *app, GtkWindow *parent,
                                           gint64 file_id);

/*
 * A support and test hook: when the environment has PATEN_DESK_OPEN_FILE=<file id>, shows that
 * file's window over parent (a help-desk operator can start the desk on one file; the UI tests
 * open the window this way). Nothing otherwise. Called once the main window is up.
 */
void paten_file_window_open_from_env(PatenApplication *app, GtkWindow *parent);

G_END_DECLS

#endif
