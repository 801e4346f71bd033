/*
 * paten-cashier-page.h: PatenCashierPage, the "Kasir" workspace of the kecamatan's cashier
 * (KASIR): what is owed, found by assessment number, file number or NIK (FindOwed), each paid in
 * a PatenPaymentDialog; the cash not yet deposited (ListUndeposited) with the time left to each
 * deadline, overdue ones marked "Terlambat", kept current by DepositChanged and
 * DepositAlertChanged events and after each payment, under a banner of the open deposit alerts
 * (ListDepositAlerts); "Buat STS" (PatenDepositDialog) and "Tutup kas" (PatenCashCloseDialog).
 */
#ifndef PATEN_CASHIER_PAGE_H
#define PATEN_CASHIER_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_CASHIER_PAGE (paten_cashier_page_get_type())
G_DECLARE_FINAL_TYPE(PatenCashierPage, paten_cashier_page, PATEN, CASHIER_PAGE, GtkBox)

PatenCashierPage *paten_cashier_page_new(PatenApplication *app);

/* "3 jam 12 menit" from now_ms to deadline_ms (at least "0 menit"). Caller frees. */
char *paten_time_left_text(gint64 deadline_ms, gint64 now_ms);

G_END_DECLS

#endif
