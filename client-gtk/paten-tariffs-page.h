/*
 * paten-tariffs-page.h: PatenTariffsPage, the "Tarif" workspace of an ADMIN: the region's tariffs
 * (ListTariffs; with "Riwayat" every version, not only each code's latest) and its interest
 * regimes (ListInterestRegimes: the late interest and the due days of an SKRD / SKPD). A tariff is
 * added, or its latest version edited into a new one, in a PatenTariffDialog; the regime in a
 * PatenRegimeDialog. Saved versions never change an assessment already issued.
 */
#ifndef PATEN_TARIFFS_PAGE_H
#define PATEN_TARIFFS_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_TARIFFS_PAGE (paten_tariffs_page_get_type())
G_DECLARE_FINAL_TYPE(PatenTariffsPage, paten_tariffs_page, PATEN, TARIFFS_PAGE, GtkBox)

PatenTariffsPage *paten_tariffs_page_new(PatenApplication *app);

G_END_DECLS

#endif
