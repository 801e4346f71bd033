/*
 * paten-user-dialog.c: PatenUserDialog (paten-user-dialog.h).
 *
 * One idempotency key per dialog: pressing "Simpan" again after a lost reply or an error sends
 * the same key, so the user is created at most once however often it is tried.
 */
#include "paten-user-dialog.h"

#include "paten-desk.h"
#include "paten-roles.h"
#include "paten-util.h"

struct _PatenUserDialog {
    GtkDialog parent_instance;

    GtkEntry *username_entry;
    GtkEntry *nip_entry;
    GtkEntry *name_entry;
    GtkComboBoxText *office_combo;
    GtkBox *roles_box;
    GtkLabel *roles_hint;
    GtkEntry *password_entry;
    GtkLabel *username_error;
    GtkLabel *nip_error;
    GtkLabel *name_error;
    GtkLabel *office_error;
    GtkLabel *roles_error;
    GtkLabel *password_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkButton *cancel_button;
    GtkButton *save_button;

    PatenConnection *conn;
    GPtrArray *offices; /* Paten__Office copies */
    GtkCheckButton *role_checks[G_N_ELEMENTS(paten_roles_all)];
    PatenFieldErrors *errors;
    GCancellable *cancel;
    char *key;
    gboolean busy;
};

G_DEFINE_TYPE(PatenUserDialog, paten_user_dialog, GTK_TYPE_DIALOG)

static const Paten__Office *chosen_office(PatenUserDialog *self)
{
    const char *id = gtk_combo_box_get_active_id(GTK_COMBO_BOX(self->office_combo));
    gint64 office_id = id ? g_ascii_strtoll(id, NULL, 10) : 0;

    for (guint i = 0; i < self->offices->len; i++) {
        const Paten__Office *o = self->offices->pdata[i];
        if (o->id == office_id)
            return o;
    }
    return NULL;
}

/* Offers the roles the chosen office's kind can hold; the others are hidden and unchecked. */
static void on_office_changed(PatenUserDialog *self, GtkComboBox *combo)
{
    const Paten__Office *office = chosen_office(self);
    gboolean any = FALSE;

    (void)combo;
    for (guint i = 0; paten_roles_all[i] != PATEN__ROLE__ROLE_UNSPECIFIED; i++) {
        gboolean ok = office != NULL && paten_role_allowed_at(paten_roles_all[i], office->kind);

        gtk_widget_set_visible(GTK_WIDGET(self->role_checks[i]), ok);
        if (!ok)
            gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(self->role_checks[i]), FALSE);
        any |= ok;
    }
    gtk_widget_set_visible(GTK_WIDGET(self->roles_hint), !any);
}

static void set_busy(PatenUserDialog *self, gboolean busy)
{
    self->busy = busy;
    gtk_widget_set_sensitive(GTK_WIDGET(self->save_button), !busy);
    gtk_widget_set_sensitive(GTK_WIDGET(self->cancel_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

/* The entry next to the error label for field, to put the focus there. */
static GtkWidget *field_widget(PatenUserDialog *self, GtkLabel *where)
{
    if (where == self->username_error)
        return GTK_WIDGET(self->username_entry);
    if (where == self->nip_error)
        return GTK_WIDGET(self->nip_entry);
    if (where == self->name_error)
        return GTK_WIDGET(self->name_entry);
    if (where == self->office_error)
        return GTK_WIDGET(self->office_combo);
    if (where == self->password_error)
        return GTK_WIDGET(self->password_entry);
    return NULL;
}

static void on_created(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenUserDialog) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, &error_reply, &err);
    GtkLabel *where;
    GtkWidget *focus;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        paten_message_free(error_reply);
        return; /* the dialog went away */
    }
    set_busy(self, FALSE);
    if (reply != NULL) {
        paten_message_free(reply);
        gtk_widget_destroy(GTK_WIDGET(self));
        return;
    }
    where = paten_field_errors_show_error(self->errors, error_reply, err);
    focus = field_widget(self, where);
    if (focus != NULL)
        gtk_widget_grab_focus(focus);
    paten_message_free(error_reply);
}

static void on_save_clicked(PatenUserDialog *self, GtkButton *button)
{
    Paten__CreateUserRequest req = PATEN__CREATE_USER_REQUEST__INIT;
    const Paten__Office *office = chosen_office(self);
    Paten__Role roles[G_N_ELEMENTS(paten_roles_all)];
    size_t n_roles = 0;
    g_autofree char *username = g_strstrip(g_strdup(gtk_entry_get_text(self->username_entry)));
    g_autofree char *nip = g_strstrip(g_strdup(gtk_entry_get_text(self->nip_entry)));
    g_autofree char *name = g_strstrip(g_strdup(gtk_entry_get_text(self->name_entry)));

    (void)button;
    if (self->busy)
        return;
    paten_field_errors_clear(self->errors);
    for (guint i = 0; paten_roles_all[i] != PATEN__ROLE__ROLE_UNSPECIFIED; i++)
        if (gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(self->role_checks[i])))
            roles[n_roles++] = paten_roles_all[i];
    /* Everything else (formats, lengths, uniqueness, which roles) is the server's to judge. */
    if (office == NULL) {
        paten_field_errors_show(self->errors, "office_id", _("Choose an office."));
        gtk_widget_grab_focus(GTK_WIDGET(self->office_combo));
        return;
    }
    req.idempotency_key = self->key;
    req.username = username;
    req.nip = nip;
    req.name = name;
    req.office_id = office->id;
    req.roles = roles;
    req.n_roles = n_roles;
    req.initial_password = (char *)gtk_entry_get_text(self->password_entry);
    set_busy(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER,
                                &req.base, self->cancel, on_created, g_object_ref(self));
}

static void on_cancel_clicked(PatenUserDialog *self, GtkButton *button)
{
    (void)button;
    if (!self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static void paten_user_dialog_response(GtkDialog *dialog, int response)
{
    PatenUserDialog *self = PATEN_USER_DIALOG(dialog);

    if (response == GTK_RESPONSE_DELETE_EVENT && !self->busy)
        gtk_widget_destroy(GTK_WIDGET(self));
}

static gboolean paten_user_dialog_delete_event(GtkWidget *widget, GdkEventAny *event)
{
    (void)event;
    gtk_dialog_response(GTK_DIALOG(widget), GTK_RESPONSE_DELETE_EVENT);
    return TRUE;
}

PatenUserDialog *paten_user_dialog_new(GtkWindow *parent, PatenConnection *conn, GPtrArray *offices,
                                       gint64 office_id)
{
    PatenUserDialog *self =
        g_object_new(PATEN_TYPE_USER_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
    g_autofree char *active = g_strdup_printf("%" G_GINT64_FORMAT, office_id);

    self->conn = g_object_ref(conn);
    for (guint i = 0; i < offices->len; i++) {
        const Paten__Office *o = offices->pdata[i];
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, o->id);

        g_ptr_array_add(self->offices, paten_message_dup(&o->base));
        gtk_combo_box_text_append(self->office_combo, id, o->name);
    }
    if (office_id == 0 || !gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->office_combo), active))
        on_office_changed(self, NULL);
    return self;
}

static void paten_user_dialog_dispose(GObject *obj)
{
    PatenUserDialog *self = PATEN_USER_DIALOG(obj);

    g_cancellable_cancel(self->cancel);
    g_clear_object(&self->conn);
    G_OBJECT_CLASS(paten_user_dialog_parent_class)->dispose(obj);
}

static void paten_user_dialog_finalize(GObject *obj)
{
    PatenUserDialog *self = PATEN_USER_DIALOG(obj);

    g_clear_object(&self->cancel);
    g_ptr_array_unref(self->offices);
    paten_field_errors_free(self->errors);
    g_free(self->key);
    G_OBJECT_CLASS(paten_user_dialog_parent_class)->finalize(obj);
}

static void paten_user_dialog_class_init(PatenUserDialogClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_user_dialog_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_user_dialog_finalize;
    GTK_DIALOG_CLASS(klass)->response = paten_user_dialog_response;
    wc->delete_event = paten_user_dialog_delete_event;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-user-dialog.ui");
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, username_entry);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, nip_entry);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, name_entry);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, office_combo);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, roles_box);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, roles_hint);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, password_entry);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, username_error);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, nip_error);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, name_error);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, office_error);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, roles_error);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, password_error);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, error_label);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, spinner);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, cancel_button);
    gtk_widget_class_bind_template_child(wc, PatenUserDialog, save_button);
    gtk_widget_class_bind_template_callback(wc, on_office_changed);
    gtk_widget_class_bind_template_callback(wc, on_save_clicked);
    gtk_widget_class_bind_template_callback(wc, on_cancel_clicked);
}

static void paten_user_dialog_init(PatenUserDialog *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->offices = g_ptr_array_new_with_free_func(paten_message_free);
    self->cancel = g_cancellable_new();
    self->key = g_uuid_string_random();
    for (guint i = 0; paten_roles_all[i] != PATEN__ROLE__ROLE_UNSPECIFIED; i++) {
        /* The label is the check button's accessible name: the role as people call it. */
        GtkWidget *check = gtk_check_button_new_with_label(paten_role_name(paten_roles_all[i]));

        self->role_checks[i] = GTK_CHECK_BUTTON(check);
        gtk_box_pack_start(self->roles_box, check, FALSE, FALSE, 0);
    }
    self->errors = paten_field_errors_new(self->error_label);
    paten_field_errors_add(self->errors, "username", self->username_error);
    paten_field_errors_add(self->errors, "nip", self->nip_error);
    paten_field_errors_add(self->errors, "name", self->name_error);
    paten_field_errors_add(self->errors, "office_id", self->office_error);
    paten_field_errors_add(self->errors, "roles", self->roles_error);
    paten_field_errors_add(self->errors, "initial_password", self->password_error);
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->save_button));
}
