/*
 * paten-assess-dialog.h: PatenAssessDialog, the calculation of one file in the assessing office's
 * queue and its issue: PreviewAssessment's trace (every input with its source and note, every
 * step, the exact amount, its rounding, the principal in rupiah, the due date, the tariff and its
 * legal basis), the officer's corrections of inputs (each with a reason; the preview is computed
 * again by the server), for an SKPD the taxpayer (found by NIK/NIB/NPWPD or registered) and the
 * SPTPD, then "Terbitkan" (IssueAssessment with the preview's file version and principal). Once
 * issued it offers the SKRD / SKPD printed and saved as a PDF.
 *
 * Not modal: the main window stays usable while it is open. Every call is asynchronous; closing
 * the dialog cancels what is under way (a sent IssueAssessment still lands on the server, and the
 * queue hears of it by its events).
 */
#ifndef PATEN_ASSESS_DIALOG_H
#define PATEN_ASSESS_DIALOG_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_ASSESS_DIALOG (paten_assess_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenAssessDialog, paten_assess_dialog, PATEN, ASSESS_DIALOG, GtkDialog)

/* The dialog for the queue's entry (copied) over parent; it asks for the preview at once. */
PatenAssessDialog *paten_assess_dialog_new(PatenApplication *app, GtkWindow *parent,
                                           const Paten__AssessmentQueueEntry *entry);

/* The file the dialog assesses. */
gint64 paten_assess_dialog_get_file_id(PatenAssessDialog *self);

G_END_DECLS

#endif
