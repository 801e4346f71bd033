/*
 * paten-main-window.h: PatenMainWindow, the desk after login. Its header bar shows the user, the
 * office, the connection's state and a switcher of the workspaces the session's effective roles
 * allow (the table in paten-main-window.c: the counter, dispositions, files, services, users, and
 * everyone's account, last). A session that must change its password sees only its account until
 * it has. F1 shows the keyboard shortcuts; Alt+1..9 goes to the nth workspace shown.
 */
#ifndef PATEN_MAIN_WINDOW_H
#define PATEN_MAIN_WINDOW_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_MAIN_WINDOW (paten_main_window_get_type())
G_DECLARE_FINAL_TYPE(PatenMainWindow, paten_main_window, PATEN, MAIN_WINDOW, GtkApplicationWindow)

/* The main window of app's current session (which must exist). */
PatenMainWindow *paten_main_window_new(PatenApplication *app);

/* The names of the workspaces shown, in order ("account", "users"); NULL-terminated, caller
 * frees with g_strfreev. */
char **paten_main_window_list_workspaces(PatenMainWindow *self);

G_END_DECLS

#endif
