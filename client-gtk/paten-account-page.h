/*
 * paten-account-page.h: PatenAccountPage, the "Akun" workspace every user has: who they are
 * (name, username, NIP, office, region, roles, any delegation in force), changing the password
 * (errors in place), logging out, and printing the account sheet. While the session must change
 * its password, only the change-password form (and logout) is shown.
 */
#ifndef PATEN_ACCOUNT_PAGE_H
#define PATEN_ACCOUNT_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_ACCOUNT_PAGE (paten_account_page_get_type())
G_DECLARE_FINAL_TYPE(PatenAccountPage, paten_account_page, PATEN, ACCOUNT_PAGE, GtkScrolledWindow)

PatenAccountPage *paten_account_page_new(PatenApplication *app);

G_END_DECLS

#endif
