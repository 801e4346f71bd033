/*
 * paten-file-action-dialog.h: PatenFileActionDialog, the modal form of one action on a file
 * (return, resume, withdraw, dispose, survey decision, the Tim Teknis survey form, meeting,
 * recommendation, decision, forward, agency outcome, sign, hand over). The owner builds the form
 * from rows (entries, multi-line texts, check boxes, choices, headings), each keyed by the proto
 * name of the request field it fills, so that a server Error.field shows under its row. The
 * dialog keeps the idempotency key of its action for every try, and the file version it was
 * opened on (a change since then is the server's CONFLICT, never silently overridden).
 *
 * Signal "submit" (no arguments): the person confirmed (the button, or Enter in an entry); the
 * owner validates, sends, and destroys the dialog when done. Cancel, Escape and the close button
 * destroy it unless an action is running.
 */
#ifndef PATEN_FILE_ACTION_DIALOG_H
#define PATEN_FILE_ACTION_DIALOG_H

#include "paten-connection.h"

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PATEN_TYPE_FILE_ACTION_DIALOG (paten_file_action_dialog_get_type())
G_DECLARE_FINAL_TYPE(PatenFileActionDialog, paten_file_action_dialog, PATEN, FILE_ACTION_DIALOG,
                     GtkDialog)

/* A dialog titled title over parent, explaining message (may be NULL), confirmed by
 * confirm_label (with a mnemonic: "_Sign"), about the file at version. */
PatenFileActionDialog *paten_file_action_dialog_new(GtkWindow *parent, const char *title,
                                                    const char *message, const char *confirm_label,
                                                    gint64 version);

/* Rows, in the order added. label has a mnemonic ("_Reason"); without its underscores it is the
 * widget's accessible name. key names the row for the getters and the server's Error.field. */
void paten_file_action_dialog_add_entry(PatenFileActionDialog *self, const char *key,
                                        const char *label, const char *text);
void paten_file_action_dialog_add_text(PatenFileActionDialog *self, const char *key,
                                       const char *label, const char *text);
void paten_file_action_dialog_add_check(PatenFileActionDialog *self, const char *key,
                                        const char *label, gboolean active);
/* A choice among n ids shown as names (both arrays of n strings), active_id chosen. */
void paten_file_action_dialog_add_choice(PatenFileActionDialog *self, const char *key,
                                         const char *label, const char *const *ids,
                                         const char *const *names, size_t n, const char *active_id);
/* A bold heading; with key, the errors for key show under it (a list of rows below it). */
void paten_file_action_dialog_add_heading(PatenFileActionDialog *self, const char *key,
                                          const char *text);

/* The text of an entry or multi-line row, trimmed; "" for an unknown key. Caller frees. */
char *paten_file_action_dialog_get_text(PatenFileActionDialog *self, const char *key);
/* Whether a check row is on. */
gboolean paten_file_action_dialog_get_active(PatenFileActionDialog *self, const char *key);
/* The id chosen in a choice row, or NULL. Owned by the widget. */
const char *paten_file_action_dialog_get_choice(PatenFileActionDialog *self, const char *key);
/* The widget of a row (for the owner's own signals), or NULL. */
GtkWidget *paten_file_action_dialog_get_widget(PatenFileActionDialog *self, const char *key);

/* The idempotency key of the action: made with the dialog and kept for every try from it. */
const char *paten_file_action_dialog_get_key(PatenFileActionDialog *self);
/* The file version the dialog was opened on. */
gint64 paten_file_action_dialog_get_version(PatenFileActionDialog *self);

/* A spinner and insensitive buttons while the action runs. */
void paten_file_action_dialog_set_busy(PatenFileActionDialog *self, gboolean busy);
gboolean paten_file_action_dialog_get_busy(PatenFileActionDialog *self);

/* Shows text under the row keyed field (the general label when no row has that key); NULL
 * text clears every error. */
void paten_file_action_dialog_show_error(PatenFileActionDialog *self, const char *field,
                                         const char *text);

/* Shows the outcome of a failed call: the server's Error under its field, anything else in the
 * general label. */
void paten_file_action_dialog_show_call_error(PatenFileActionDialog *self,
                                              const Paten__Error *reply, const GError *err);

G_END_DECLS

#endif
