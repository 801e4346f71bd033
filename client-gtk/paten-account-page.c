/*
 * paten-account-page.c: PatenAccountPage (paten-account-page.h).
 *
 * ChangePassword carries an idempotency key chosen when the user first submits and kept until
 * the change succeeds: a retry after a lost reply cannot change the password twice, and a
 * corrected request after a refusal may reuse the key (the server stored nothing for it).
 */
#include "paten-account-page.h"

#include "paten-account-sheet.h"
#include "paten-desk.h"
#include "paten-roles.h"
#include "paten-util.h"

#include <string.h>

#define PASSWORD_MIN 8

struct _PatenAccountPage {
    GtkScrolledWindow parent_instance;

    GtkLabel *notice_label;
    GtkWidget *details_frame;
    GtkLabel *name_value;
    GtkLabel *username_value;
    GtkLabel *nip_value;
    GtkLabel *office_value;
    GtkLabel *region_value;
    GtkLabel *roles_value;
    GtkLabel *delegation_value;
    GtkButton *print_button;
    GtkButton *logout_button;
    GtkLabel *print_status;
    GtkEntry *old_entry;
    GtkEntry *new_entry;
    GtkEntry *repeat_entry;
    GtkLabel *old_error;
    GtkLabel *new_error;
    GtkLabel *repeat_error;
    GtkLabel *password_error;
    GtkLabel *password_done;
    GtkSpinner *password_spinner;
    GtkButton *change_button;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenSession *session;
    PatenFieldErrors *errors;
    GCancellable *cancel;
    char *change_key; /* the idempotency key of the password change under way */
};

G_DEFINE_TYPE(PatenAccountPage, paten_account_page, GTK_TYPE_SCROLLED_WINDOW)

static void show_session(PatenAccountPage *self)
{
    const Paten__SessionInfo *info = paten_session_get_info(self->session);
    const Paten__User *u = paten_session_get_user(self->session);
    gboolean locked = paten_session_must_change_password(self->session);
    g_autofree char *roles = paten_roles_join(info->effective_roles, info->n_effective_roles);
    g_autofree char *delegations = paten_account_sheet_delegations(info);

    gtk_label_set_text(self->name_value, u->name);
    gtk_label_set_text(self->username_value, u->username);
    gtk_label_set_text(self->nip_value, u->nip && u->nip[0] ? u->nip : "-");
    gtk_label_set_text(self->office_value, paten_session_get_office_name(self->session));
    gtk_label_set_text(self->region_value, paten_session_get_region_name(self->session));
    gtk_label_set_text(self->roles_value, roles);
    gtk_label_set_text(self->delegation_value, delegations ? delegations : _("None"));

    paten_label_show(self->notice_label,
                     locked ? _("Your password was set by an administrator. Choose your own "
                                "password before you continue.")
                            : NULL);
    gtk_widget_set_visible(self->details_frame, !locked);
    gtk_widget_set_visible(GTK_WIDGET(self->print_button), !locked);
}

static void on_session_changed(PatenSession *session, gpointer data)
{
    (void)session;
    show_session(data);
}

/* ---- printing ----------------------------------------------------------------------------- */

static void on_print_clicked(PatenAccountPage *self, GtkButton *button)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autoptr(PatenDocument) doc =
        paten_account_sheet_new(paten_session_get_info(self->session), now);
    /* The print mode (PATEN_DESK_PRINT_TO) or the print dialog. */
    g_autofree char *text =
        paten_document_print_from(doc, GTK_WIDGET(button), _("The account sheet"));

    paten_label_show(self->print_status, text);
}

static void on_logout_clicked(PatenAccountPage *self, GtkButton *button)
{
    gtk_widget_set_sensitive(GTK_WIDGET(button), FALSE);
    paten_application_logout(self->app);
}

/* ---- changing the password ---------------------------------------------------------------- */

static void set_changing(PatenAccountPage *self, gboolean busy)
{
    gtk_widget_set_sensitive(GTK_WIDGET(self->change_button), !busy);
    gtk_widget_set_visible(GTK_WIDGET(self->password_spinner), busy);
    if (busy)
        gtk_spinner_start(self->password_spinner);
    else
        gtk_spinner_stop(self->password_spinner);
}

static void on_password_changed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenAccountPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(error_reply);
        return;
    }
    set_changing(self, FALSE);
    if (reply == NULL) {
        GtkLabel *where = paten_field_errors_show_error(self->errors, error_reply, err);

        /* The focus goes where the user must act. */
        if (where == self->old_error)
            gtk_widget_grab_focus(GTK_WIDGET(self->old_entry));
        else if (where == self->new_error)
            gtk_widget_grab_focus(GTK_WIDGET(self->new_entry));
        paten_message_free(error_reply);
        return;
    }
    paten_message_free(reply);
    g_clear_pointer(&self->change_key, g_free);
    gtk_entry_set_text(self->old_entry, "");
    gtk_entry_set_text(self->new_entry, "");
    gtk_entry_set_text(self->repeat_entry, "");
    paten_label_show(self->password_done, _("Your password has been changed."));
    /* must_change_password is over: the session (and the workspaces) follow. */
    paten_application_refresh_session(self->app);
}

static void on_change_clicked(PatenAccountPage *self, GtkButton *button)
{
    Paten__ChangePasswordRequest req = PATEN__CHANGE_PASSWORD_REQUEST__INIT;
    const char *old_pw = gtk_entry_get_text(self->old_entry);
    const char *new_pw = gtk_entry_get_text(self->new_entry);
    const char *repeat = gtk_entry_get_text(self->repeat_entry);

    (void)button;
    paten_field_errors_clear(self->errors);
    paten_label_show(self->password_done, NULL);
    if (old_pw[0] == '\0') {
        paten_field_errors_show(self->errors, "old_password", _("Enter your current password."));
        gtk_widget_grab_focus(GTK_WIDGET(self->old_entry));
        return;
    }
    if (strlen(new_pw) < PASSWORD_MIN) {
        g_autofree char *text = g_strdup_printf(
            ngettext("The new password needs at least %d character.",
                     "The new password needs at least %d characters.", PASSWORD_MIN),
            PASSWORD_MIN);
        paten_field_errors_show(self->errors, "new_password", text);
        gtk_widget_grab_focus(GTK_WIDGET(self->new_entry));
        return;
    }
    if (g_strcmp0(new_pw, repeat) != 0) {
        paten_field_errors_show(self->errors, "repeat", _("The two new passwords differ."));
        gtk_widget_grab_focus(GTK_WIDGET(self->repeat_entry));
        return;
    }
    if (self->change_key == NULL)
        self->change_key = g_uuid_string_random();
    req.idempotency_key = self->change_key;
    req.old_password = (char *)old_pw;
    req.new_password = (char *)new_pw;
    set_changing(self, TRUE);
    paten_connection_call_async(paten_application_get_connection(self->app),
                                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CHANGE_PASSWORD, &req.base,
                                self->cancel, on_password_changed, g_object_ref(self));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenAccountPage *paten_account_page_new(PatenApplication *app)
{
    PatenAccountPage *self = g_object_new(PATEN_TYPE_ACCOUNT_PAGE, NULL);

    self->app = app;
    self->session = g_object_ref(paten_application_get_session(app));
    g_signal_connect_object(self->session, "changed", G_CALLBACK(on_session_changed), self, 0);
    show_session(self);
    return self;
}

static void paten_account_page_dispose(GObject *obj)
{
    PatenAccountPage *self = PATEN_ACCOUNT_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->session != NULL)
        g_signal_handlers_disconnect_by_data(self->session, self);
    g_clear_object(&self->session);
    self->app = NULL;
    G_OBJECT_CLASS(paten_account_page_parent_class)->dispose(obj);
}

static void paten_account_page_finalize(GObject *obj)
{
    PatenAccountPage *self = PATEN_ACCOUNT_PAGE(obj);

    g_clear_object(&self->cancel);
    paten_field_errors_free(self->errors);
    g_free(self->change_key);
    G_OBJECT_CLASS(paten_account_page_parent_class)->finalize(obj);
}

static void paten_account_page_class_init(PatenAccountPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_account_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_account_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-account-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, details_frame);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, name_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, username_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, nip_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, office_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, region_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, roles_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, delegation_value);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, print_button);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, logout_button);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, print_status);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, old_entry);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, new_entry);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, repeat_entry);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, old_error);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, new_error);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, repeat_error);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, password_error);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, password_done);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, password_spinner);
    gtk_widget_class_bind_template_child(wc, PatenAccountPage, change_button);
    gtk_widget_class_bind_template_callback(wc, on_print_clicked);
    gtk_widget_class_bind_template_callback(wc, on_logout_clicked);
    gtk_widget_class_bind_template_callback(wc, on_change_clicked);
}

static void paten_account_page_init(PatenAccountPage *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    self->cancel = g_cancellable_new();
    self->errors = paten_field_errors_new(self->password_error);
    paten_field_errors_add(self->errors, "old_password", self->old_error);
    paten_field_errors_add(self->errors, "new_password", self->new_error);
    paten_field_errors_add(self->errors, "repeat", self->repeat_error);
}
