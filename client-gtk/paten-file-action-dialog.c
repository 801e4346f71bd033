/*
 * paten-file-action-dialog.c: PatenFileActionDialog (paten-file-action-dialog.h).
 *
 * The form is a two-column grid: a mnemonic label and its widget, then the row's error label
 * under the widget. Check boxes and headings span both columns.
 */
#include "paten-file-action-dialog.h"

#include "paten-util.h"

struct _PatenFileActionDialog {
    GtkDialog parent_instance;

    GtkLabel *message_label;
    GtkGrid *grid;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *confirm_button;

    GHashTable *widgets; /* key -> GtkWidget (owned by the grid) */
    PatenFieldErrors *errors;
    int rows;
    char *key;
    gint64 version;
    gboolean busy;
};

G_DEFINE_TYPE(PatenFileActionDialog, paten_file_action_dialog, GTK_TYPE_DIALOG)

enum { SIGNAL_SUBMIT, N_SIGNALS };
static guint signals[N_SIGNALS];

/* label without its mnemonic underscores: the accessible name. Caller frees. */
static char *plain(const char *label)
{
    GString *s = g_string_new(NULL);

    for (const char *p = label; *p != '\0'; p++) {
        if (*p == '_' && p[1] == '_')
            g_string_append_c(s, *++p);
        else if (*p != '_')
            g_string_append_c(s, *p);
    }
    return g_string_free(s, FALSE);
}

static GtkLabel *new_error_label(void)
{
    GtkWidget *l = gtk_label_new(NULL);

    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
    gtk_label_set_max_width_chars(GTK_LABEL(l), 50);
    gtk_style_context_add_class(gtk_widget_get_style_context(l), "paten-error");
    gtk_widget_set_no_show_all(l, TRUE);
    return GTK_LABEL(l);
}

/* Adds widget under key with label (NULL: widget spans both columns), and its error label. */
static void add_row(PatenFileActionDialog *self, const char *key, const char *label,
                    GtkWidget *widget)
{
    GtkLabel *err = new_error_label();
    g_autofree char *name = label ? plain(label) : NULL;

    if (label != NULL) {
        GtkWidget *l = gtk_label_new_with_mnemonic(label);

        gtk_label_set_xalign(GTK_LABEL(l), 0);
        gtk_widget_set_valign(l, GTK_ALIGN_START);
        gtk_widget_set_margin_top(l, 4);
        gtk_label_set_mnemonic_widget(GTK_LABEL(l), widget);
        gtk_grid_attach(self->grid, l, 0, self->rows, 1, 1);
        gtk_grid_attach(self->grid, widget, 1, self->rows, 1, 1);
        gtk_widget_set_hexpand(widget, TRUE);
        gtk_widget_show(l);
    } else {
        gtk_grid_attach(self->grid, widget, 0, self->rows, 2, 1);
    }
    gtk_grid_attach(self->grid, GTK_WIDGET(err), 1, self->rows + 1, 1, 1);
    self->rows += 2;
    gtk_widget_show_all(widget);
    if (name != NULL && !GTK_IS_SCROLLED_WINDOW(widget))
        paten_set_accessible_name(widget, name);
    if (key != NULL) {
        g_hash_table_replace(self->widgets, g_strdup(key), widget);
        paten_field_errors_add(self->errors, key, err);
    }
}

void paten_file_action_dialog_add_entry(PatenFileActionDialog *self, const char *key,
                                        const char *label, const char *text)
{
    GtkWidget *e = gtk_entry_new();

    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    gtk_entry_set_activates_default(GTK_ENTRY(e), TRUE);
    gtk_entry_set_text(GTK_ENTRY(e), text ? text : "");
    add_row(self, key, label, e);
}

void paten_file_action_dialog_add_text(PatenFileActionDialog *self, const char *key,
                                       const char *label, const char *text)
{
    GtkWidget *sw = gtk_scrolled_window_new(NULL, NULL);
    GtkWidget *tv = gtk_text_view_new();
    g_autofree char *name = plain(label);

    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    /* Tab moves on to the next field, as everywhere else in the form. */
    gtk_text_view_set_accepts_tab(GTK_TEXT_VIEW(tv), FALSE);
    gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(tv), GTK_WRAP_WORD_CHAR);
    gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(tv)), text ? text : "", -1);
    gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(sw), GTK_SHADOW_IN);
    gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(sw), 72);
    gtk_container_add(GTK_CONTAINER(sw), tv);
    paten_set_accessible_name(tv, name);
    add_row(self, NULL, label, sw);
    /* The mnemonic goes to the text itself, and the key names the text view. */
    gtk_label_set_mnemonic_widget(GTK_LABEL(gtk_grid_get_child_at(self->grid, 0, self->rows - 2)),
                                  tv);
    if (key != NULL) {
        g_hash_table_replace(self->widgets, g_strdup(key), tv);
        paten_field_errors_add(self->errors, key,
                               GTK_LABEL(gtk_grid_get_child_at(self->grid, 1, self->rows - 1)));
    }
}

void paten_file_action_dialog_add_check(PatenFileActionDialog *self, const char *key,
                                        const char *label, gboolean active)
{
    GtkWidget *c = gtk_check_button_new_with_mnemonic(label);
    g_autofree char *name = plain(label);

    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(c), active);
    add_row(self, key, NULL, c);
    paten_set_accessible_name(c, name);
}

void paten_file_action_dialog_add_choice(PatenFileActionDialog *self, const char *key,
                                         const char *label, const char *const *ids,
                                         const char *const *names, size_t n, const char *active_id)
{
    GtkWidget *c = gtk_combo_box_text_new();

    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    for (size_t i = 0; i < n; i++)
        gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(c), ids[i], names[i]);
    if (active_id != NULL)
        gtk_combo_box_set_active_id(GTK_COMBO_BOX(c), active_id);
    add_row(self, key, label, c);
}

void paten_file_action_dialog_add_heading(PatenFileActionDialog *self, const char *key,
                                          const char *text)
{
    GtkWidget *l = gtk_label_new(text);

    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    gtk_label_set_xalign(GTK_LABEL(l), 0);
    gtk_widget_set_margin_top(l, 6);
    gtk_style_context_add_class(gtk_widget_get_style_context(l), "paten-user");
    add_row(self, NULL, NULL, l);
    if (key != NULL)
        paten_field_errors_add(self->errors, key,
                               GTK_LABEL(gtk_grid_get_child_at(self->grid, 1, self->rows - 1)));
}

GtkWidget *paten_file_action_dialog_get_widget(PatenFileActionDialog *self, const char *key)
{
    g_return_val_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self), NULL);
    return g_hash_table_lookup(self->widgets, key);
}

char *paten_file_action_dialog_get_text(PatenFileActionDialog *self, const char *key)
{
    GtkWidget *w = paten_file_action_dialog_get_widget(self, key);
    char *text;

    if (GTK_IS_ENTRY(w))
        text = g_strdup(gtk_entry_get_text(GTK_ENTRY(w)));
    else if (GTK_IS_TEXT_VIEW(w)) {
        GtkTextBuffer *b = gtk_text_view_get_buffer(GTK_TEXT_VIEW(w));
        GtkTextIter start, end;

        gtk_text_buffer_get_bounds(b, &start, &end);
        text = gtk_text_buffer_get_text(b, &start, &end, FALSE);
    } else
        text = g_strdup("");
    return g_strstrip(text);
}

gboolean paten_file_action_dialog_get_active(PatenFileActionDialog *self, const char *key)
{
    GtkWidget *w = paten_file_action_dialog_get_widget(self, key);

    return GTK_IS_TOGGLE_BUTTON(w) && gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(w));
}

const char *paten_file_action_dialog_get_choice(PatenFileActionDialog *self, const char *key)
{
    GtkWidget *w = paten_file_action_dialog_get_widget(self, key);

    return GTK_IS_COMBO_BOX(w) ? gtk_combo_box_get_active_id(GTK_COMBO_BOX(w)) : NULL;
}

const char *paten_file_action_dialog_get_key(PatenFileActionDialog *self)
{
    g_return_val_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self), NULL);
    return self->key;
}

gint64 paten_file_action_dialog_get_version(PatenFileActionDialog *self)
{
    g_return_val_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self), 0);
    return self->version;
}

gboolean paten_file_action_dialog_get_busy(PatenFileActionDialog *self)
{
    g_return_val_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self), FALSE);
    return self->busy;
}

void paten_file_action_dialog_set_busy(PatenFileActionDialog *self, gboolean busy)
{
    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->confirm_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

void paten_file_action_dialog_show_error(PatenFileActionDialog *self, const char *field,
                                         const char *text)
{
    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    paten_field_errors_clear(self->errors);
    if (text != NULL)
        paten_field_errors_show(self->errors, field, text);
}

void paten_file_action_dialog_show_call_error(PatenFileActionDialog *self,
                                              const Paten__Error *reply, const GError *err)
{
    g_return_if_fail(PATEN_IS_FILE_ACTION_DIALOG(self));
    paten_field_errors_clear(self->errors);
    paten_field_errors_show_error(self->errors, reply, err);
}

static void on_confirm_clicked(PatenFileActionDialog *self, GtkButton *button)
{
    (void)button;
    if (self->busy)
        return;
    paten_file_action_dialog_show_error(self, NULL, NULL);
    g_signal_emit(self, signals[SIGNAL_SUBMIT], 0);
}

static void on_cancel_clicked(PatenFileActionDialog *self, GtkButton *button)
{
    (void)button;
    if (!self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_file_action_dialog_response(GtkDialog *dialog, int response)
{
    PatenFileActionDialog *self = PATEN_FILE_ACTION_DIALOG(dialog);

    /* Escape and the window's close button; a running action keeps its dialog to report to. */
    if (response == GTK_RESPONSE_DELETE_EVENT && !self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean paten_file_action_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenFileActionDialog *paten_file_action_dialog_new(GtkWindow *parent, const char *title,
                                                    const char *message, const char *confirm_label,
                                                    gint64 version)
{
    PatenFileActionDialog *self = g_object_new(PATEN_TYPE_FILE_ACTION_DIALOG, "title", title,
                                               "transient-for", parent, "modal", TRUE, NULL);
    g_autofree char *name = plain(confirm_label);

    paten_label_show(self->message_label, message);
    gtk_button_set_label(self->confirm_button, confirm_label);
    paten_set_accessible_name(GTK_WIDGET(self->confirm_button), name);
    self->version = version;
    return self;
}

static void paten_file_action_dialog_finalize(GObject *obj)
{
    PatenFileActionDialog *self = PATEN_FILE_ACTION_DIALOG(obj);

    g_hash_table_unref(self->widgets);
    paten_field_errors_free(self->errors);
    g_free(self->key);
    G_OBJECT_CLASS(paten_file_action_dialog_parent_class)->finalize(obj);
}

static void paten_file_action_dialog_class_init(PatenFileActionDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->finalize = paten_file_action_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_file_action_dialog_response;
    wc->delete_event = paten_file_action_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-file-action-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenFileActionDialog, message_label);
    gtk_widget_class_bind_template_child(wc, PatenFileActionDialog, grid);
    gtk_widget_class_bind_template_child(wc, PatenFileActionDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenFileActionDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenFileActionDialog, cancel_button);
    gtk_widget_class_bind_template_child(wc, PatenFileActionDialog, confirm_button);
    gtk_widget_class_bind_template_callback(wc, on_confirm_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);

    /**
     * PatenFileActionDialog::submit:
     *
     * The person confirmed (the button, or Enter in an entry).
     */
    signals[SIGNAL_SUBMIT] = g_signal_new("submit", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void paten_file_action_dialog_init(PatenFileActionDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->widgets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    self->errors = paten_field_errors_new(self->error_label);
    self->key = g_uuid_string_random();
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->confirm_button));
}
