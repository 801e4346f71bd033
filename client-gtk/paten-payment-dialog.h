/*
 * paten-payment-dialog.h: PatenPaymentDialog, the cashier's "Bayar" for one Owed (FindOwed's
 * answer): what is owed today (principal, months late, interest, total), the method (Tunai,
 * Transfer, QRIS with its reference), the amount received (the total, editable: a wrong amount is
 * the server's INVALID_ARGUMENT, shown with the difference it names), RecordPayment, then the
 * receipt's number with Cetak / Simpan PDF of the SSRD / SSPD. "paid" is emitted once, with the
 * Payment, when the server has taken the money.
 */
#ifndef PATEN_PAYMENT_DIALOG_H
#define PATEN_PAYMENT_DIALOG_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_PAYMENT_DIALOG (paten_payment_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenPaymentDialog, paten_payment_dialog, PATEN, PAYMENT_DIALOG, GtkDialog)

PatenPaymentDialog *paten_payment_dialog_new(PatenApplication *app, GtkWindow *parent,
                                             const Paten__Owed *owed);

/* The assessment the dialog pays (one dialog per assessment). */
gint64 paten_payment_dialog_get_assessment_id(PatenPaymentDialog *self);

/* Parses an amount of whole rupiah as a person types it ("337500", "337.500", "Rp 337.500"):
 * digits with '.' as the thousands separator, nothing else. FALSE when it is not one. */
gboolean paten_payment_amount_parse(const char *text, gint64 *amount);

G_END_DECLS

#endif
