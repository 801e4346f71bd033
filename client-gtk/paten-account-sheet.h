/*
 * paten-account-sheet.h: the account sheet, the printable summary of a user's account (who, at
 * which office, which roles, which delegation), built as a PatenDocument. The first document of
 * the desk; the real ones (receipts, decrees) follow with their issues.
 */
#ifndef PATEN_ACCOUNT_SHEET_H
#define PATEN_ACCOUNT_SHEET_H

#include "paten-document.h"
#include "paten.pb-c.h"

G_BEGIN_DECLS

/* The sheet of info's user, printed at now (its footer), with times in the region's zone. */
PatenDocument *paten_account_sheet_new(const Paten__SessionInfo *info, GDateTime *now);

/* "a.n. Camat (Plh), 1 Mei 2026 – 8 Mei 2026" for each delegation in force, one per line, or
 * NULL when there is none. Caller frees. Shared with the account page. */
char *paten_account_sheet_delegations(const Paten__SessionInfo *info);

G_END_DECLS

#endif
