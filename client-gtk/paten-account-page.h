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

/* When set, "Cetak lembar akun" writes the PDF to this path instead of opening the print dialog
 * (the UI tests' print mode; the same GtkPrintOperation draws it). */
#define PATEN_DESK_PRINT_TO_ENV "PATEN_DESK_PRINT_TO"

#define PATEN_TYPE_ACCOUNT_PAGE (paten_account_page_get_type())
G_DECLARE_FINAL_TYPE(PatenAccountPage, paten_account_page, PATEN, ACCOUNT_PAGE, GtkScrolledWindow)

PatenAccountPage *paten_account_page_new(PatenApplication *app);

G_END_DECLS

#endif
