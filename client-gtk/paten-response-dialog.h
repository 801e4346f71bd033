/*
 * paten-response-dialog.h: PatenResponseDialog, the modal dialog "Tanggapi disposisi": the
 * instruction being answered and a text view for the response (several lines; Enter or
 * Ctrl+Enter confirms, Shift+Enter starts a new line). Like PatenPromptDialog it only asks and
 * shows: the owner completes the disposition on "submit" and closes the dialog when done.
 */
#ifndef PATEN_RESPONSE_DIALOG_H
#define PATEN_RESPONSE_DIALOG_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_RESPONSE_DIALOG (paten_response_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenResponseDialog, paten_response_dialog, PATEN, RESPONSE_DIALOG, GtkDialog)

/* A dialog over parent answering the instruction of the file register_number. */
PatenResponseDialog *paten_response_dialog_new(GtkWindow *parent, const char *register_number,
                                               const char *instruction);

/* The response typed, trimmed. Caller frees. */
char *paten_response_dialog_get_text(PatenResponseDialog *self);

/* The idempotency key of the completion: made with the dialog and kept for every try from it,
 * so that a retry never completes twice. */
const char *paten_response_dialog_get_key(PatenResponseDialog *self);

/* A spinner and insensitive buttons while the call runs. */
void paten_response_dialog_set_busy(PatenResponseDialog *self, gboolean busy);

/* Shows text under the response when field is "response", else under the form; NULL clears. */
void paten_response_dialog_show_error(PatenResponseDialog *self, const char *field,
                                      const char *text);

G_END_DECLS

#endif
