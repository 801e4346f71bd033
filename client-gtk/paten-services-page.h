/*
 * paten-services-page.h: PatenServicesPage, the "Layanan" workspace of an ADMIN: the region's
 * catalog (ListServices), and a service's new version edited and saved (SaveService): fields,
 * requirements, criteria, kind, survey, authority, fee, deadline, validity.
 */
#ifndef PATEN_SERVICES_PAGE_H
#define PATEN_SERVICES_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_SERVICES_PAGE (paten_services_page_get_type())
G_DECLARE_FINAL_TYPE(PatenServicesPage, paten_services_page, PATEN, SERVICES_PAGE, GtkBox)

PatenServicesPage *paten_services_page_new(PatenApplication *app);

G_END_DECLS

#endif
