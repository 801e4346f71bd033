/*
 * paten-prompt-dialog.h: PatenPromptDialog, a small modal dialog that asks for one line of text
 * before an action (the reason for a deactivation, a temporary password), shows the action's
 * errors in place (under the field when the server names it) and stays open until the owner
 * closes it. The owner does the work on "submit"; the dialog only asks and shows.
 */
#ifndef PATEN_PROMPT_DIALOG_H
#define PATEN_PROMPT_DIALOG_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_PROMPT_DIALOG (paten_prompt_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenPromptDialog, paten_prompt_dialog, PATEN, PROMPT_DIALOG, GtkDialog)

/*
 * A dialog titled title over parent, explaining message, asking for entry_label (also the
 * entry's accessible name), confirmed by confirm_label. secret hides the typed text. The
 * request field the entry stands for (field, e.g. "reason") routes the server's errors under it.
 */
PatenPromptDialog *paten_prompt_dialog_new(GtkWindow *parent, const char *title,
                                           const char *message, const char *entry_label,
                                           const char *field, const char *confirm_label,
                                           gboolean secret);

const char *paten_prompt_dialog_get_text(PatenPromptDialog *self);

/* The idempotency key of the action this dialog confirms: made with the dialog and kept for
 * every try from it, so that a retry never acts twice. */
const char *paten_prompt_dialog_get_key(PatenPromptDialog *self);

/* A spinner and insensitive buttons while the action runs. */
void paten_prompt_dialog_set_busy(PatenPromptDialog *self, gboolean busy);

/* Shows text under the entry when field is the entry's, else under the form; NULL clears. */
void paten_prompt_dialog_show_error(PatenPromptDialog *self, const char *field, const char *text);

G_END_DECLS

#endif
