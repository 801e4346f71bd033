/*
 * paten-intake-page.h: PatenIntakePage, the "Loket" workspace of a LOKET: a new file (service
 * picker with search, the applicant by NIK/NIB/NPWP, the service's form, the requirement
 * checklist), TakeIn, and the receipt or the return slip printed.
 */
#ifndef PATEN_INTAKE_PAGE_H
#define PATEN_INTAKE_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_INTAKE_PAGE (paten_intake_page_get_type())
G_DECLARE_FINAL_TYPE(PatenIntakePage, paten_intake_page, PATEN, INTAKE_PAGE, GtkBox)

PatenIntakePage *paten_intake_page_new(PatenApplication *app);

G_END_DECLS

#endif
