/*
 * paten-users-page.c: PatenUsersPage (paten-users-page.h).
 *
 * The list is ListUsers' answer kept current by UserChanged events: a row is added, replaced or
 * removed by user id, never older over newer (the user's version decides), and only when the user
 * passes the filter (office, show inactive). Events that arrive while a ListUsers is under way
 * are held and applied on top of its answer, so that neither order of the two loses a change.
 */
#include "paten-users-page.h"

#include "paten-session.h"

#include "paten-desk.h"
#include "paten-prompt-dialog.h"
#include "paten-user-dialog.h"
#include "paten-user-row.h"
#include "paten-util.h"
#include "paten_error.h"

struct _PatenUsersPage {
    GtkBox parent_instance;

    GtkComboBoxText *office_combo;
    GtkCheckButton *inactive_check;
    GtkSpinner *spinner;
    GtkButton *add_button;
    GtkLabel *status_label;
    GtkListBox *list;

    PatenApplication *app; /* not a reference: the application outlives its windows */
    PatenConnection *conn;
    PatenEventBus *bus;
    GHashTable *rows;   /* user id (gint64 *) -> PatenUserRow, owned by the list */
    GPtrArray *offices; /* Paten__Office copies, in the server's order */
    gint64 office_filter;
    gboolean show_inactive;
    guint load_serial; /* the ListUsers whose answer counts */
    GPtrArray *held;   /* Paten__User copies from events during a load, or NULL */
    GCancellable *cancel;
};

G_DEFINE_TYPE(PatenUsersPage, paten_users_page, GTK_TYPE_BOX)

static void load_users(PatenUsersPage *self);

static GtkWindow *toplevel(PatenUsersPage *self)
{
    GtkWidget *top = gtk_widget_get_toplevel(GTK_WIDGET(self));

    return GTK_IS_WINDOW(top) ? GTK_WINDOW(top) : NULL;
}

static void set_loading(PatenUsersPage *self, gboolean loading)
{
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), loading);
    if (loading)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
}

guint paten_users_page_count(PatenUsersPage *self)
{
    g_return_val_if_fail(PATEN_IS_USERS_PAGE(self), 0);
    return g_hash_table_size(self->rows);
}

/* ---- the list ----------------------------------------------------------------------------- */

static gboolean passes_filter(PatenUsersPage *self, const Paten__User *u)
{
    if (!u->active && !self->show_inactive)
        return FALSE;
    return self->office_filter == 0 || (u->office != NULL && u->office->id == self->office_filter);
}

static void on_row_deactivate(PatenUserRow *row, gpointer data);
static void on_row_reset(PatenUserRow *row, gpointer data);

static void remove_row(PatenUsersPage *self, gint64 id)
{
    GtkWidget *row = g_hash_table_lookup(self->rows, &id);

    if (row != NULL) {
        g_hash_table_remove(self->rows, &id);
        gtk_widget_destroy(row);
    }
}

/* Shows u (added, replaced or removed by the filter); an older version than the row's is
 * ignored: events and list answers can arrive in either order. */
static void apply_user(PatenUsersPage *self, const Paten__User *u)
{
    PatenUserRow *row = g_hash_table_lookup(self->rows, &u->id);

    if (row != NULL && paten_user_row_get_user(row)->version > u->version)
        return;
    if (!passes_filter(self, u)) {
        remove_row(self, u->id);
        return;
    }
    if (row != NULL) {
        paten_user_row_set_user(row, u);
        return;
    }
    row = paten_user_row_new(u);
    {
        const Paten__User *me = paten_session_get_user(paten_application_get_session(self->app));
        paten_user_row_set_is_self(row, me != NULL && me->id == u->id);
    }
    g_signal_connect_object(row, "deactivate", G_CALLBACK(on_row_deactivate), self, 0);
    g_signal_connect_object(row, "reset-password", G_CALLBACK(on_row_reset), self, 0);
    g_hash_table_insert(self->rows, g_memdup2(&u->id, sizeof u->id), row);
    gtk_widget_show(GTK_WIDGET(row));
    gtk_container_add(GTK_CONTAINER(self->list), GTK_WIDGET(row));
}

static void clear_rows(PatenUsersPage *self)
{
    GHashTableIter it;
    gpointer row;

    g_hash_table_iter_init(&it, self->rows);
    while (g_hash_table_iter_next(&it, NULL, &row)) {
        g_hash_table_iter_remove(&it);
        gtk_widget_destroy(row);
    }
}

static int sort_rows(GtkListBoxRow *a, GtkListBoxRow *b, gpointer data)
{
    const Paten__User *ua = paten_user_row_get_user(PATEN_USER_ROW(a));
    const Paten__User *ub = paten_user_row_get_user(PATEN_USER_ROW(b));
    int c = g_utf8_collate(ua->name, ub->name);

    (void)data;
    return c != 0 ? c : g_strcmp0(ua->username, ub->username);
}

static void on_users_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenUsersPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListUsersReply *reply = (Paten__ListUsersReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);
    g_autoptr(GPtrArray) held = NULL;

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The users could not be loaded: %s"), text);

        set_loading(self, FALSE);
        paten_label_show(self->status_label, msg);
        g_clear_pointer(&self->held, g_ptr_array_unref);
        return;
    }
    held = g_steal_pointer(&self->held);
    set_loading(self, FALSE);
    paten_label_show(self->status_label, NULL);
    clear_rows(self);
    for (size_t i = 0; i < reply->n_users; i++)
        apply_user(self, reply->users[i]);
    for (guint i = 0; held != NULL && i < held->len; i++)
        apply_user(self, held->pdata[i]);
    paten_message_free(reply);
}

/* The answer a reload is waiting for: a newer reload makes older answers void. */
typedef struct {
    PatenUsersPage *self;
    guint serial;
} Load;

static void on_load_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Load *load = data;

    if (load->serial == load->self->load_serial)
        on_users_listed(src, res, load->self); /* consumes the page reference */
    else {
        gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, NULL);

        paten_message_free(reply);
        g_object_unref(load->self);
    }
    g_free(load);
}

static void load_users(PatenUsersPage *self)
{
    Paten__ListUsersRequest req = PATEN__LIST_USERS_REQUEST__INIT;
    Load *load = g_new0(Load, 1);

    load->self = g_object_ref(self);
    load->serial = ++self->load_serial;
    if (self->held == NULL)
        self->held = g_ptr_array_new_with_free_func(paten_message_free);
    req.office_id = self->office_filter;
    req.include_inactive = self->show_inactive;
    set_loading(self, TRUE);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS, &req.base,
                                self->cancel, on_load_done, load);
}

static void on_user_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenUsersPage *self = data;
    const Paten__UserChanged *uc = ev;

    (void)bus;
    if (uc->user == NULL)
        return;
    if (self->held != NULL)
        g_ptr_array_add(self->held, paten_message_dup(&uc->user->base));
    else
        apply_user(self, uc->user);
}

static void on_events_missed(PatenEventBus *bus, gpointer data)
{
    (void)bus;
    load_users(data);
}

/* ---- filters ------------------------------------------------------------------------------ */

static void on_offices_listed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenUsersPage) self = data;
    g_autoptr(GError) err = NULL;
    Paten__ListOfficesReply *reply = (Paten__ListOfficesReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, NULL, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(reply);
        return;
    }
    if (reply == NULL) {
        g_autofree char *text = paten_error_text(err);
        g_autofree char *msg = g_strdup_printf(_("The offices could not be loaded: %s"), text);
        paten_label_show(self->status_label, msg);
        return;
    }
    g_ptr_array_set_size(self->offices, 0);
    for (size_t i = 0; i < reply->n_offices; i++) {
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, reply->offices[i]->id);

        g_ptr_array_add(self->offices, paten_message_dup(&reply->offices[i]->base));
        gtk_combo_box_text_append(self->office_combo, id, reply->offices[i]->name);
    }
    gtk_widget_set_sensitive(GTK_WIDGET(self->add_button), TRUE);
    paten_message_free(reply);
}

static void on_office_changed(PatenUsersPage *self, GtkComboBox *combo)
{
    const char *id = gtk_combo_box_get_active_id(combo);
    gint64 filter = id ? g_ascii_strtoll(id, NULL, 10) : 0;

    if (filter == self->office_filter)
        return;
    self->office_filter = filter;
    load_users(self);
}

static void on_inactive_toggled(PatenUsersPage *self, GtkToggleButton *toggle)
{
    self->show_inactive = gtk_toggle_button_get_active(toggle);
    load_users(self);
}

/* ---- actions ------------------------------------------------------------------------------ */

static void on_add_clicked(PatenUsersPage *self, GtkButton *button)
{
    PatenUserDialog *dialog =
        paten_user_dialog_new(toplevel(self), self->conn, self->offices, self->office_filter);

    (void)button;
    gtk_window_present(GTK_WINDOW(dialog));
}

/* What a row's action needs when its reply comes: the dialog (a reference) and the page. */
typedef struct {
    PatenUsersPage *self;
    PatenPromptDialog *dialog;
} Action;

static void action_free(Action *a)
{
    g_object_unref(a->self);
    g_object_unref(a->dialog);
    g_free(a);
}

static void on_action_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Action *a = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        /* The page went away (logout): the dialog goes with it. */
        gtk_widget_destroy(GTK_WIDGET(a->dialog));
    } else if (reply != NULL) {
        /* The row follows through the UserChanged event. */
        gtk_widget_destroy(GTK_WIDGET(a->dialog));
    } else {
        paten_prompt_dialog_set_busy(a->dialog, FALSE);
        if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_CONFLICT)) {
            /* Someone changed the user after this dialog was opened: reload, then decide. */
            paten_prompt_dialog_show_error(a->dialog, NULL,
                                           _("The data has changed in the meantime; reload."));
            if (a->self->app != NULL)
                load_users(a->self);
        } else {
            g_autofree char *text = paten_error_text(err);
            paten_prompt_dialog_show_error(a->dialog, error_reply ? error_reply->field : NULL,
                                           text);
        }
    }
    paten_message_free(reply);
    paten_message_free(error_reply);
    action_free(a);
}

static Action *new_action(PatenUsersPage *self, PatenPromptDialog *dialog)
{
    Action *a = g_new0(Action, 1);

    a->self = g_object_ref(self);
    a->dialog = g_object_ref(dialog);
    paten_prompt_dialog_set_busy(dialog, TRUE);
    return a;
}

static void on_deactivate_submit(PatenPromptDialog *dialog, gpointer data)
{
    PatenUsersPage *self = data;
    const Paten__User *u = g_object_get_data(G_OBJECT(dialog), "paten-user");
    Paten__DeactivateUserRequest req = PATEN__DEACTIVATE_USER_REQUEST__INIT;
    g_autofree char *reason = g_strstrip(g_strdup(paten_prompt_dialog_get_text(dialog)));

    if (reason[0] == '\0') {
        paten_prompt_dialog_show_error(dialog, "reason", _("Give the reason."));
        return;
    }
    req.idempotency_key = (char *)paten_prompt_dialog_get_key(dialog);
    req.user_id = u->id;
    /* The version this dialog was opened on: a change since then is a CONFLICT, not silently
     * overridden. */
    req.version = u->version;
    req.reason = reason;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DEACTIVATE_USER,
                                &req.base, self->cancel, on_action_done, new_action(self, dialog));
}

static void on_reset_submit(PatenPromptDialog *dialog, gpointer data)
{
    PatenUsersPage *self = data;
    const Paten__User *u = g_object_get_data(G_OBJECT(dialog), "paten-user");
    Paten__ResetPasswordRequest req = PATEN__RESET_PASSWORD_REQUEST__INIT;

    req.idempotency_key = (char *)paten_prompt_dialog_get_key(dialog);
    req.user_id = u->id;
    req.new_password = (char *)paten_prompt_dialog_get_text(dialog);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESET_PASSWORD,
                                &req.base, self->cancel, on_action_done, new_action(self, dialog));
}

/* A prompt about row's user, holding a copy of the user as it is now. */
static PatenPromptDialog *prompt_for(PatenUsersPage *self, PatenUserRow *row, const char *title,
                                     const char *message, const char *entry_label,
                                     const char *field, const char *confirm, gboolean secret)
{
    PatenPromptDialog *dialog = paten_prompt_dialog_new(toplevel(self), title, message, entry_label,
                                                        field, confirm, secret);

    g_object_set_data_full(G_OBJECT(dialog), "paten-user",
                           paten_message_dup(&paten_user_row_get_user(row)->base),
                           paten_message_free);
    return dialog;
}

static void on_row_deactivate(PatenUserRow *row, gpointer data)
{
    PatenUsersPage *self = data;
    const Paten__User *u = paten_user_row_get_user(row);
    g_autofree char *message =
        g_strdup_printf(_("Deactivate %s (%s)? Their sessions end and they can no longer log in."),
                        u->name, u->username);
    PatenPromptDialog *dialog = prompt_for(self, row, _("Deactivate user"), message, _("Reason"),
                                           "reason", _("Deactivate"), FALSE);

    g_signal_connect_object(dialog, "submit", G_CALLBACK(on_deactivate_submit), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

static void on_row_reset(PatenUserRow *row, gpointer data)
{
    PatenUsersPage *self = data;
    const Paten__User *u = paten_user_row_get_user(row);
    g_autofree char *message = g_strdup_printf(
        _("Set a temporary password for %s (%s). Their sessions end, and they must choose a new "
          "password at the next login."),
        u->name, u->username);
    PatenPromptDialog *dialog =
        prompt_for(self, row, _("Reset password"), message, _("Temporary password"), "new_password",
                   _("Reset password"), FALSE);

    g_signal_connect_object(dialog, "submit", G_CALLBACK(on_reset_submit), self, 0);
    gtk_window_present(GTK_WINDOW(dialog));
}

/* ---- life --------------------------------------------------------------------------------- */

PatenUsersPage *paten_users_page_new(PatenApplication *app)
{
    PatenUsersPage *self = g_object_new(PATEN_TYPE_USERS_PAGE, NULL);

    self->app = app;
    self->conn = g_object_ref(paten_application_get_connection(app));
    self->bus = g_object_ref(paten_application_get_bus(app));
    g_signal_connect_object(self->bus, "user-changed", G_CALLBACK(on_user_changed), self, 0);
    g_signal_connect_object(self->bus, "events-missed", G_CALLBACK(on_events_missed), self, 0);
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_OFFICES, NULL,
                                self->cancel, on_offices_listed, g_object_ref(self));
    load_users(self);
    return self;
}

static void paten_users_page_dispose(GObject *obj)
{
    PatenUsersPage *self = PATEN_USERS_PAGE(obj);

    g_cancellable_cancel(self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    g_clear_object(&self->conn);
    self->app = NULL;
    G_OBJECT_CLASS(paten_users_page_parent_class)->dispose(obj);
}

static void paten_users_page_finalize(GObject *obj)
{
    PatenUsersPage *self = PATEN_USERS_PAGE(obj);

    g_clear_object(&self->cancel);
    g_hash_table_unref(self->rows);
    g_ptr_array_unref(self->offices);
    g_clear_pointer(&self->held, g_ptr_array_unref);
    G_OBJECT_CLASS(paten_users_page_parent_class)->finalize(obj);
}

static void paten_users_page_class_init(PatenUsersPageClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_users_page_dispose;
    G_OBJECT_CLASS(klass)->finalize = paten_users_page_finalize;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-users-page.ui");
    gtk_widget_class_bind_template_child(wc, PatenUsersPage, office_combo);
    gtk_widget_class_bind_template_child(wc, PatenUsersPage, inactive_check);
    gtk_widget_class_bind_template_child(wc, PatenUsersPage, spinner);
    gtk_widget_class_bind_template_child(wc, PatenUsersPage, add_button);
    gtk_widget_class_bind_template_child(wc, PatenUsersPage, status_label);
    gtk_widget_class_bind_template_child(wc, PatenUsersPage, list);
    gtk_widget_class_bind_template_callback(wc, on_office_changed);
    gtk_widget_class_bind_template_callback(wc, on_inactive_toggled);
    gtk_widget_class_bind_template_callback(wc, on_add_clicked);
}

static void paten_users_page_init(PatenUsersPage *self)
{
    GtkWidget *placeholder;

    self->rows = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    self->offices = g_ptr_array_new_with_free_func(paten_message_free);
    self->cancel = g_cancellable_new();
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_combo_box_text_append(self->office_combo, "0", _("All offices"));
    gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->office_combo), "0");
    gtk_list_box_set_sort_func(self->list, sort_rows, NULL, NULL);
    placeholder = gtk_label_new(_("No users to show."));
    gtk_style_context_add_class(gtk_widget_get_style_context(placeholder), "dim-label");
    gtk_widget_show(placeholder);
    gtk_list_box_set_placeholder(self->list, placeholder);
}
