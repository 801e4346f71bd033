/*
 * paten-response-dialog.c: PatenResponseDialog (paten-response-dialog.h).
 *
 * Signal "submit": the user confirmed; the owner validates, acts, and closes the dialog with
 * gtk_widget_destroy() when done. Cancel, Escape and the close button destroy it unless the
 * call is running (its reply would then find no dialog to report to).
 */
#include "paten-response-dialog.h"

#include "paten-desk.h"
#include "paten-util.h"

struct _PatenResponseDialog {
    GtkDialog parent_instance;

    GtkLabel *message_label;
    GtkTextView *text_view;
    GtkLabel *text_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *confirm_button;

    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenResponseDialog, paten_response_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_SUBMIT, N_SIGNALS };
static guint signals[N_SIGNALS];

char *paten_response_dialog_get_text(PatenResponseDialog *self)
{
    GtkTextBuffer *buf;
    GtkTextIter start, end;

    g_return_val_if_fail(PATEN_IS_RESPONSE_DIALOG(self), NULL);
    buf = gtk_text_view_get_buffer(self->text_view);
    gtk_text_buffer_get_bounds(buf, &start, &end);
    return g_strstrip(gtk_text_buffer_get_text(buf, &start, &end, FALSE));
}

const char *paten_response_dialog_get_key(PatenResponseDialog *self)
{
    g_return_val_if_fail(PATEN_IS_RESPONSE_DIALOG(self), NULL);
    return self->key;
}

void paten_response_dialog_set_busy(PatenResponseDialog *self, gboolean busy)
{
    g_return_if_fail(PATEN_IS_RESPONSE_DIALOG(self));
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->confirm_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), !busy);
    gtk_text_view_set_editable(self->text_view, !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

void paten_response_dialog_show_error(PatenResponseDialog *self, const char *field,
                                      const char *text)
{
    gboolean mine;

    g_return_if_fail(PATEN_IS_RESPONSE_DIALOG(self));
    mine = g_strcmp0(field, "response") == 0;
    paten_label_show(self->text_error, mine ? text : NULL);
    paten_label_show(self->error_label, mine ? NULL : text);
    if (text != NULL)
        gtk_widget_grab_focus(GTK_WIDGET(self->text_view));
}

static void submit(PatenResponseDialog *self)
{
    if (self->busy)
        return;
    paten_response_dialog_show_error(self, NULL, NULL);
    g_signal_emit(self, signals[SIGNAL_SUBMIT], 0);
}

static void on_confirm_clicked(PatenResponseDialog *self, GtkButton *button)
{
    (void)button;
    submit(self);
}

/* Enter (and Ctrl+Enter) in the text view confirms, as Enter does in every form at the counter;
 * Shift+Enter still starts a new line for a longer response. */
static gboolean on_text_key_press(PatenResponseDialog *self, GdkEventKey *event, GtkWidget *view)
{
    guint mods = event->state & gtk_accelerator_get_default_mod_mask();

    (void)view;
    if (event->keyval != GDK_KEY_Return && event->keyval != GDK_KEY_KP_Enter &&
        event->keyval != GDK_KEY_ISO_Enter)
        return GDK_EVENT_PROPAGATE;
    if (mods & GDK_SHIFT_MASK)
        return GDK_EVENT_PROPAGATE;
    submit(self);
    return GDK_EVENT_STOP;
}

static void on_cancel_clicked(PatenResponseDialog *self, GtkButton *button)
{
    (void)button;
    if (!self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_response_dialog_response(GtkDialog *dialog, int response)
{
    PatenResponseDialog *self = PATEN_RESPONSE_DIALOG(dialog);

    /* Escape and the window's close button. */
    if (response == GTK_RESPONSE_DELETE_EVENT && !self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean paten_response_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    /* TRUE keeps the window: the response handler decides. */
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenResponseDialog *paten_response_dialog_new(GtkWindow *parent, const char *register_number,
                                               const char *instruction)
{
    PatenResponseDialog *self =
        g_object_new(PATEN_TYPE_RESPONSE_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
    g_autofree char *message =
        g_strdup_printf(_("File %s. Instruction: %s"), register_number, instruction);

    gtk_label_set_text(self->message_label, message);
    return self;
}

static void paten_response_dialog_finalize(GObject *obj)
{
    g_free(PATEN_RESPONSE_DIALOG(obj)->key);
    G_OBJECT_CLASS(paten_response_dialog_parent_class)->finalize(obj);
}

static void paten_response_dialog_class_init(PatenResponseDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = paten_response_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_response_dialog_response;
    wc->delete_event = paten_response_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-response-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, message_label);
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, text_view);
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, text_error);
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, cancel_button);
    gtk_widget_class_bind_template_child(wc, PatenResponseDialog, confirm_button);
    gtk_widget_class_bind_template_callback(wc, on_confirm_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);
    gtk_widget_class_bind_template_callback(wc, on_text_key_press);

    /**
     * PatenResponseDialog::submit:
     *
     * The user confirmed (the button, or Enter in the text view).
     */
    signals[SIGNAL_SUBMIT] = g_signal_new("submit", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void paten_response_dialog_init(PatenResponseDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->key = g_uuid_string_random();
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->confirm_button));
}
