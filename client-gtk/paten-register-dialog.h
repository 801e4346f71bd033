/*
 * paten-register-dialog.h: PatenRegisterDialog, the register books (buku register) of an
 * office: choose the register (receipts, return slips, survey reports, minutes, rejection
 * letters, or the SK register of one service), the year and optionally the days, see its numbers
 * (ListRegister) and print them (PatenRegisterBook). Region-wide roles also choose the
 * kecamatan; everyone else sees their own office's.
 */
#ifndef PATEN_REGISTER_DIALOG_H
#define PATEN_REGISTER_DIALOG_H

#include "paten-application.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_REGISTER_DIALOG (paten_register_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenRegisterDialog, paten_register_dialog, PATEN, REGISTER_DIALOG, GtkDialog)

/* A dialog over parent for the session of app (which must have one); it loads the services and
 * (for region-wide roles) the offices at once. Not modal: a clerk may keep it open. */
PatenRegisterDialog *paten_register_dialog_new(PatenApplication *app, GtkWindow *parent);

G_END_DECLS

#endif
