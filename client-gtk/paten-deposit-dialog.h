/*
 * paten-deposit-dialog.h: PatenDepositDialog, the cashier's "Buat STS": the treasurer the deposit
 * goes to (from the undeposited payments' treasurer offices), its payments (all, or those chosen),
 * CreateDeposit, the STS printed or saved as a PDF (with its payments and QR code), then
 * "Catat validasi bank" (ValidateDeposit: the bank's reference and time). "changed" is emitted
 * when the deposit is made and when it is validated.
 */
#ifndef PATEN_DEPOSIT_DIALOG_H
#define PATEN_DEPOSIT_DIALOG_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_DEPOSIT_DIALOG (paten_deposit_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenDepositDialog, paten_deposit_dialog, PATEN, DEPOSIT_DIALOG, GtkDialog)

PatenDepositDialog *paten_deposit_dialog_new(PatenApplication *app, GtkWindow *parent);

G_END_DECLS

#endif
