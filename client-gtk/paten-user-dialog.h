/*
 * paten-user-dialog.h: PatenUserDialog, "Tambah pengguna": the form an ADMIN fills to create a
 * user (username, NIP, name, office, roles, initial password). The roles offered are those the
 * chosen office's kind can hold. The dialog sends CreateUser itself, shows the server's errors
 * next to the fields they name, and closes on success; the new user reaches the list through the
 * UserChanged event, like a user created at another desk.
 */
#ifndef PATEN_USER_DIALOG_H
#define PATEN_USER_DIALOG_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_USER_DIALOG (paten_user_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenUserDialog, paten_user_dialog, PATEN, USER_DIALOG, GtkDialog)

/*
 * A dialog over parent creating users through conn, offering offices (an array of Paten__Office,
 * copied) with office_id chosen first (0: none).
 */
PatenUserDialog *paten_user_dialog_new(GtkWindow *parent, PatenConnection *conn, GPtrArray *offices,
                                       gint64 office_id);

G_END_DECLS

#endif
