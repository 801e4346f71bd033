/*
 * paten-prompt-dialog.c: PatenPromptDialog (paten-prompt-dialog.h).
 *
 * Signal "submit": the user confirmed; the owner validates, acts, and closes the dialog with
 * gtk_widget_destroy() when done. Cancel, Escape and the close button destroy it unless an
 * action is running (its reply would then find no dialog to report to).
 */
#include "paten-prompt-dialog.h"

#include "paten-util.h"

struct _PatenPromptDialog {
    GtkDialog parent_instance;

    GtkLabel *message_label;
    GtkLabel *entry_label;
    GtkEntry *entry;
    GtkLabel *entry_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *confirm_button;

    char *field;
    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenPromptDialog, paten_prompt_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_SUBMIT, N_SIGNALS };
static guint signals[N_SIGNALS];

const char *paten_prompt_dialog_get_text(PatenPromptDialog *self)
{
    g_return_val_if_fail(PATEN_IS_PROMPT_DIALOG(self), NULL);
    return gtk_entry_get_text(self->entry);
}

const char *paten_prompt_dialog_get_key(PatenPromptDialog *self)
{
    g_return_val_if_fail(PATEN_IS_PROMPT_DIALOG(self), NULL);
    return self->key;
}

void paten_prompt_dialog_set_busy(PatenPromptDialog *self, gboolean busy)
{
    g_return_if_fail(PATEN_IS_PROMPT_DIALOG(self));
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->confirm_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

void paten_prompt_dialog_show_error(PatenPromptDialog *self, const char *field, const char *text)
{
    gboolean mine;

    g_return_if_fail(PATEN_IS_PROMPT_DIALOG(self));
    mine = field != NULL && g_strcmp0(field, self->field) == 0;
    paten_label_show(self->entry_error, mine ? text : NULL);
    paten_label_show(self->error_label, mine ? NULL : text);
    if (text != NULL)
        gtk_widget_grab_focus(GTK_WIDGET(self->entry));
}

static void on_confirm_clicked(PatenPromptDialog *self, GtkButton *button)
{
    (void)button;
    if (self->busy)
        return;
    paten_prompt_dialog_show_error(self, NULL, NULL);
    g_signal_emit(self, signals[SIGNAL_SUBMIT], 0);
}

static void on_cancel_clicked(PatenPromptDialog *self, GtkButton *button)
{
    (void)button;
    if (!self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_prompt_dialog_response(GtkDialog *dialog, int response)
{
    PatenPromptDialog *self = PATEN_PROMPT_DIALOG(dialog);

    /* Escape and the window's close button. */
    if (response == GTK_RESPONSE_DELETE_EVENT && !self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean paten_prompt_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    /* TRUE keeps the window: the response handler decides. */
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenPromptDialog *paten_prompt_dialog_new(GtkWindow *parent, const char *title,
                                           const char *message, const char *entry_label,
                                           const char *field, const char *confirm_label,
                                           gboolean secret)
{
    PatenPromptDialog *self = g_object_new(PATEN_TYPE_PROMPT_DIALOG, "title", title,
                                           "transient-for", parent, "modal", TRUE, NULL);

    gtk_label_set_text(self->message_label, message);
    gtk_label_set_text_with_mnemonic(self->entry_label, entry_label);
    gtk_entry_set_visibility(self->entry, !secret);
    paten_set_accessible_name(GTK_WIDGET(self->entry), entry_label);
    gtk_button_set_label(self->confirm_button, confirm_label);
    paten_set_accessible_name(GTK_WIDGET(self->confirm_button), confirm_label);
    self->field = g_strdup(field);
    return self;
}

static void paten_prompt_dialog_finalize(GObject *obj)
{
    PatenPromptDialog *self = PATEN_PROMPT_DIALOG(obj);

    g_free(self->field);
    g_free(self->key);
    G_OBJECT_CLASS(paten_prompt_dialog_parent_class)->finalize(obj);
}

static void paten_prompt_dialog_class_init(PatenPromptDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = paten_prompt_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_prompt_dialog_response;
    wc->delete_event = paten_prompt_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-prompt-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, message_label);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, entry_label);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, entry);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, entry_error);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, cancel_button);
    gtk_widget_class_bind_template_child(wc, PatenPromptDialog, confirm_button);
    gtk_widget_class_bind_template_callback(wc, on_confirm_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);

    /**
     * PatenPromptDialog::submit:
     *
     * The user confirmed (the button, or Enter in the entry).
     */
    signals[SIGNAL_SUBMIT] = g_signal_new("submit", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void paten_prompt_dialog_init(PatenPromptDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->key = g_uuid_string_random();
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->confirm_button));
}
