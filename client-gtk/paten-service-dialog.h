/*
 * paten-service-dialog.h: PatenServiceDialog, the ADMIN's editor of one catalog service: a new
 * service, or a new version of an existing one ("Ubah"). It loads the service (GetService), edits
 * every setting SaveServiceRequest carries (code, name, kind, survey, issuing authority and
 * forward agency, fee with assessing office and treasurer, deadline, validity, legal basis,
 * active) and the lists of form fields, requirements and criteria, and sends SaveService itself
 * with the version it loaded and one idempotency key. The server judges everything; its errors
 * are shown next to the part they name (Error.field "service.criteria", ...). A stale version
 * (CONFLICT) is shown with "Muat ulang", which loads the current version into the form.
 */
#ifndef PATEN_SERVICE_DIALOG_H
#define PATEN_SERVICE_DIALOG_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_SERVICE_DIALOG (paten_service_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenServiceDialog, paten_service_dialog, PATEN, SERVICE_DIALOG, GtkDialog)

/*
 * A dialog over parent saving through conn. offices: the region's offices (Paten__Office,
 * copied), of which the DPMPTSP and BAPENDA ones are offered as assessing office and treasurer.
 * service_id 0: a new service; otherwise the current version of that service is loaded first.
 *
 * Signal "saved" (const Paten__Service *, valid during the emission): the server's answer to a
 * successful save, just before the dialog destroys itself.
 */
PatenServiceDialog *paten_service_dialog_new(GtkWindow *parent, PatenConnection *conn,
                                             GPtrArray *offices, gint64 service_id);

G_END_DECLS

#endif
