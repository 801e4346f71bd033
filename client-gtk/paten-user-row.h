/*
 * paten-user-row.h: PatenUserRow, one user in the Users page's list: name, username and NIP,
 * office, roles, status (inactive, locked, must change password), and the row's actions
 * "Atur ulang kata sandi" and "Nonaktifkan", which it only announces ("reset-password",
 * "deactivate"); the page acts.
 */
#ifndef PATEN_USER_ROW_H
#define PATEN_USER_ROW_H

#include "paten.pb-c.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_USER_ROW (paten_user_row_get_type())
G_DECLARE_FINAL_TYPE(PatenUserRow, paten_user_row, PATEN, USER_ROW, GtkListBoxRow)

/* A row showing a copy of user. */
PatenUserRow *paten_user_row_new(const Paten__User *user);

/* Shows a copy of user (the same id, a newer version). */
void paten_user_row_set_user(PatenUserRow *self, const Paten__User *user);

/* Marks the row as the signed-in user's own: the server refuses self-deactivation, so the row
 * does not offer it. */
void paten_user_row_set_is_self(PatenUserRow *self, gboolean is_self);

/* The user shown, owned by the row; valid until the next set_user. */
const Paten__User *paten_user_row_get_user(PatenUserRow *self);

G_END_DECLS

#endif
