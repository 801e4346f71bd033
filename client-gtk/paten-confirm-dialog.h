/*
 * paten-confirm-dialog.h: PatenConfirmDialog, the treasurer's confirmation of money against the
 * bank: a validated deposit (STS) of a kecamatan, or a transfer / QRIS payment owed to the
 * treasurer's office. It asks for the bank's date, reference and amount (pre-filled with what is
 * expected: the deposit's total or the payment's amount, and its bank reference) and sends
 * Confirm. Another amount than the expected one is shown as the difference before sending; the
 * server then records a discrepancy, which stays open until "Selesaikan selisih" sends
 * ResolveDiscrepancy with a reason. Opened on a deposit whose confirmation is already a
 * discrepancy, the dialog shows it and offers only its resolution.
 */
#ifndef PATEN_CONFIRM_DIALOG_H
#define PATEN_CONFIRM_DIALOG_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_CONFIRM_DIALOG (paten_confirm_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenConfirmDialog, paten_confirm_dialog, PATEN, CONFIRM_DIALOG, GtkDialog)

/*
 * A dialog over parent confirming, through conn, exactly one of deposit and payment (copied;
 * the other NULL). today: the office's local day, "YYYY-MM-DD", the bank date's first value.
 *
 * Signal "confirmed" (const Paten__Confirmation *, valid during the emission): the server's
 * answer to a Confirm or a ResolveDiscrepancy that succeeded.
 */
PatenConfirmDialog *paten_confirm_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                             const Paten__Deposit *deposit,
                                             const Paten__Payment *payment, const char *today);

/*
 * A dialog over parent resolving, through conn, the open discrepancy c (copied), found elsewhere
 * (a bank statement's import): the bank's figures shown, only "Selesaikan selisih" offered.
 * what: what it confirmed, for people ("SSRD/0002/..."). Signal "confirmed" as above.
 */
PatenConfirmDialog *paten_confirm_dialog_new_resolve(GtkWindow *parent, PatenConnection *conn,
                                                     const Paten__Confirmation *c,
                                                     const char *what);

/* The deposit's id (0 for a payment's dialog), to find an open dialog again. */
gint64 paten_confirm_dialog_get_deposit_id(PatenConfirmDialog *self);

/*
 * The rupiah of what someone typed as an amount: "337500", "337.500", "Rp 337.500" (dots
 * grouping thousands only); -1 when it is not a whole, non-negative amount.
 */
gint64 paten_rupiah_parse(const char *text);

G_END_DECLS

#endif
