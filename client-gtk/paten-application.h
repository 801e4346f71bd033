/*
 * paten-application.h: PatenApplication, the GtkApplication of paten-desk. It owns what lives
 * longer than a window: the PatenConnection to patend (auto-reconnect, session resume), the
 * PatenEventBus the widgets listen to, and the PatenSession once someone has logged in. It shows
 * the login window until a login succeeds, then the main window, and goes back to the login
 * window when the session ends (logout, ended elsewhere, lost across a reconnect).
 *
 * Command line: --server HOST:PORT overrides the remembered server address.
 */
#ifndef PATEN_APPLICATION_H
#define PATEN_APPLICATION_H

#include "paten-connection.h"
#include "paten-event-bus.h"
#include "paten-session.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_APPLICATION_ID   "id.paten.Desk"

#define PATEN_TYPE_APPLICATION (paten_application_get_type())
G_DECLARE_FINAL_TYPE(PatenApplication, paten_application, PATEN, APPLICATION, GtkApplication)

PatenApplication *paten_application_new(void);

/* The current connection (replaced only by paten_application_use_server), never NULL after
 * activation. */
PatenConnection *paten_application_get_connection(PatenApplication *self);

PatenEventBus *paten_application_get_bus(PatenApplication *self);

/* The logged-in session, or NULL. */
PatenSession *paten_application_get_session(PatenApplication *self);

/* The address of the current connection. */
const char *paten_application_get_server(PatenApplication *self);

/* Makes address the server: when it differs from the current one, the current connection is
 * closed and a new one starts connecting (and keeps retrying). */
void paten_application_use_server(PatenApplication *self, const char *address);

/* A Login succeeded with reply: remembers the server address, subscribes to events, shows the
 * main window and closes the login window. */
void paten_application_logged_in(PatenApplication *self, const Paten__SessionReply *reply);

/* Logs out (asynchronously) and returns to the login window. */
void paten_application_logout(PatenApplication *self);

/* Ends what the desk shows of the session and returns to the login window, with notice (NULL
 * for none) shown there. */
void paten_application_return_to_login(PatenApplication *self, const char *notice);

/* Asks the server for the session again (GetSession) and updates the PatenSession: after a
 * password change, a change to the user or to a delegation. */
void paten_application_refresh_session(PatenApplication *self);

/* The window showing now (login or main), or NULL. */
GtkWindow *paten_application_get_current_window(PatenApplication *self);

G_END_DECLS

#endif
