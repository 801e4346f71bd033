/*
 * paten-assess-page.h: PatenAssessPage, the "Penetapan" workspace of the assessing offices
 * (PETUGAS_SKRD at DPMPTSP, PETUGAS_PAJAK at BAPENDA): the incoming queue of files waiting for an
 * SKRD / SKPD (AssessmentQueue, oldest request first), kept current by FileChanged and
 * AssessmentChanged events without any refresh, each opening the calculation
 * (PatenAssessDialog); and the office's register of assessments (SearchAssessments), searched by
 * number, file number or applicant name, each printable.
 */
#ifndef PATEN_ASSESS_PAGE_H
#define PATEN_ASSESS_PAGE_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_ASSESS_PAGE (paten_assess_page_get_type())
G_DECLARE_FINAL_TYPE(PatenAssessPage, paten_assess_page, PATEN, ASSESS_PAGE, GtkBox)

PatenAssessPage *paten_assess_page_new(PatenApplication *app);

G_END_DECLS

#endif
