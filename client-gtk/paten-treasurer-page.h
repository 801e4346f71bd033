/*
 * paten-treasurer-page.h: PatenTreasurerPage, the "Bendahara" workspace of a treasurer
 * (BENDAHARA at DPMPTSP or BAPENDA): the deposits (STS) made to the office, newest first, kept
 * current by DepositChanged events without any refresh (number, kecamatan, cashier, total, the
 * bank's validation, the confirmation), with the open late-deposit alerts as a banner
 * (ListDepositAlerts, kept current by DepositAlertChanged); each validated deposit confirmed
 * against the bank, or its discrepancy resolved, in PatenConfirmDialog; the bank's statement
 * imported from a CSV file (ImportBankStatement) with what it confirmed and what it did not
 * match; and the reconciliation of a period (Reconcile for the treasurer's office: per treasurer
 * collected, confirmed, deposited unconfirmed, discrepancy, on hand, and every payment, a
 * transfer or QRIS one confirmable from there), exported as CSV.
 *
 * Test and support hooks, read when the button is pressed: PATEN_DESK_IMPORT_FROM=<path> imports
 * that file instead of asking with a file chooser; PATEN_DESK_EXPORT_TO=<path> writes the CSV
 * there instead of asking.
 */
#ifndef PATEN_TREASURER_PAGE_H
#define PATEN_TREASURER_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_TREASURER_PAGE (paten_treasurer_page_get_type())
G_DECLARE_FINAL_TYPE(PatenTreasurerPage, paten_treasurer_page, PATEN, TREASURER_PAGE, GtkBox)

PatenTreasurerPage *paten_treasurer_page_new(PatenApplication *app);

/* The reconciliation's payments as CSV (a header line, then one line a payment, amounts in whole
 * rupiah without grouping, fields quoted when they need it). Caller frees. */
char *paten_reconcile_csv(const Paten__ReconcileReply *r);

G_END_DECLS

#endif
