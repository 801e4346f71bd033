/*
 * paten-regime-dialog.h: PatenRegimeDialog, the ADMIN's editor of the region's interest regime
 * (the terms of an SKRD / SKPD: due days and late interest): name, legal basis, effective date,
 * the monthly rate typed as a percent ("2", "1,5") and sent exactly as basis points, the cap in
 * months, whether a started month counts as a whole one, the due days. Saving sends
 * SaveInterestRegime with the version edited (0 for the region's first) and one idempotency key;
 * a stale version (CONFLICT) is shown with "Muat ulang", which loads the current one.
 */
#ifndef PATEN_REGIME_DIALOG_H
#define PATEN_REGIME_DIALOG_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_REGIME_DIALOG (paten_regime_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenRegimeDialog, paten_regime_dialog, PATEN, REGIME_DIALOG, GtkDialog)

/*
 * A dialog over parent saving through conn. regime: the region's latest version (copied), or
 * NULL when the region has none yet.
 *
 * Signal "saved" (const Paten__InterestRegime *, valid during the emission): the server's answer
 * to a successful save, just before the dialog destroys itself.
 */
PatenRegimeDialog *paten_regime_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                           const Paten__InterestRegime *regime);

/* "2%", "1,5%", "0,25%" for a rate in basis points. Caller frees. */
char *paten_rate_display(int32_t bp);

/*
 * The basis points of a percent someone typed ("2", "1,5", "0.25", "2 %"), read exactly from the
 * text (at most two decimal places, 0 to 100); -1 when it is not such a percent.
 */
int32_t paten_rate_parse(const char *text);

G_END_DECLS

#endif
