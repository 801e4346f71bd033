/*
 * paten-login-window.h: PatenLoginWindow, where a session starts: the server address (the
 * remembered one, or --server), NIP or username, password, and "Masuk". Errors appear in place
 * under the fields (wrong login, locked account with the minutes left, server unreachable) and
 * the focus stays in the password field; the connection's state shows below. Enter submits.
 */
#ifndef PATEN_LOGIN_WINDOW_H
#define PATEN_LOGIN_WINDOW_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_LOGIN_WINDOW (paten_login_window_get_type())
G_DECLARE_FINAL_TYPE(PatenLoginWindow, paten_login_window, PATEN, LOGIN_WINDOW,
                     GtkApplicationWindow)

PatenLoginWindow *paten_login_window_new(PatenApplication *app);

/* A message above the form (why the user is back here: "your session has ended"); NULL hides
 * it. */
void paten_login_window_set_notice(PatenLoginWindow *self, const char *notice);

G_END_DECLS

#endif
