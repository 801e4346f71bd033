/*
 * paten-tariff-dialog.h: PatenTariffDialog, the ADMIN's editor of one tariff: a new tariff, or
 * the next version of an existing one ("Ubah"). It edits everything a Tariff carries (code for a
 * new one only, the service whose fee it assesses, name, formula, legal basis, effective date,
 * rounding) and one row per input of the formula (label, source, value, form field, index table)
 * and sends SaveTariff itself with the version edited and one idempotency key. Decimals, dates and
 * index tables are checked here as exact text first (nothing is read into a double); the server
 * judges the rest and its errors are shown next to the part they name. A stale version (CONFLICT)
 * is shown with "Muat ulang", which loads the code's current version into the form.
 */
#ifndef PATEN_TARIFF_DIALOG_H
#define PATEN_TARIFF_DIALOG_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_TARIFF_DIALOG (paten_tariff_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenTariffDialog, paten_tariff_dialog, PATEN, TARIFF_DIALOG, GtkDialog)

/*
 * A dialog over parent saving through conn. services: the region's services (Paten__Service,
 * copied), of which those with a fee are offered. tariff NULL: a new tariff; otherwise the
 * version to edit (copied; saving adds its next version).
 *
 * Signal "saved" (const Paten__Tariff *, valid during the emission): the server's answer to a
 * successful save, just before the dialog destroys itself.
 */
PatenTariffDialog *paten_tariff_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                           GPtrArray *services, const Paten__Tariff *tariff);

/* "Retribusi IMB" style names of the formulas, for people; "?" for an unknown one. Static. */
const char *paten_tariff_formula_name(Paten__TariffFormula formula);

G_END_DECLS

#endif
