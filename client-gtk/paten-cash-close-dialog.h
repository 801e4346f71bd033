/*
 * paten-cash-close-dialog.h: PatenCashCloseDialog, the cashier's daily close ("Tutup kas"):
 * today's figures by treasurer as Reconcile gives them (collected = confirmed + deposited
 * unconfirmed + on hand), the cash counted, the reason a difference needs, CloseCashDay, and the
 * figures printed or saved as a PDF.
 */
#ifndef PATEN_CASH_CLOSE_DIALOG_H
#define PATEN_CASH_CLOSE_DIALOG_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_CASH_CLOSE_DIALOG (paten_cash_close_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenCashCloseDialog, paten_cash_close_dialog, PATEN, CASH_CLOSE_DIALOG,
                     GtkDialog)

PatenCashCloseDialog *paten_cash_close_dialog_new(PatenApplication *app, GtkWindow *parent);

G_END_DECLS

#endif
