/*
 * paten-files-page.h: PatenFilesPage, the "Berkas" workspace: search the office's files (register
 * number, NIK, name, service, state, dates; paged) and open one.
 */
#ifndef PATEN_FILES_PAGE_H
#define PATEN_FILES_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_FILES_PAGE (paten_files_page_get_type())
G_DECLARE_FINAL_TYPE(PatenFilesPage, paten_files_page, PATEN, FILES_PAGE, GtkBox)

PatenFilesPage *paten_files_page_new(PatenApplication *app);

G_END_DECLS

#endif
