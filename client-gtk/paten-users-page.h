/*
 * paten-users-page.h: PatenUsersPage, the "Pengguna" workspace of an ADMIN: the users of the
 * region in a list (an office filter, a toggle to show inactive users), kept current by the
 * UserChanged events on the bus (no refresh button), with "Tambah pengguna", and per row
 * "Nonaktifkan" (with a reason) and "Atur ulang kata sandi" (with a temporary password).
 */
#ifndef PATEN_USERS_PAGE_H
#define PATEN_USERS_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_USERS_PAGE (paten_users_page_get_type())
G_DECLARE_FINAL_TYPE(PatenUsersPage, paten_users_page, PATEN, USERS_PAGE, GtkBox)

PatenUsersPage *paten_users_page_new(PatenApplication *app);

/* How many rows the list shows now. */
guint paten_users_page_count(PatenUsersPage *self);

G_END_DECLS

#endif
