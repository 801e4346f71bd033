/*
 * paten-login-window.c: PatenLoginWindow (paten-login-window.h).
 *
 * A login waits for the connection when it is not up yet: it is sent as soon as the state turns
 * CONNECTED, or reported as "server unreachable" at the next failed attempt (the attempt is
 * made at once: paten_connection_reconnect_now). The window never blocks meanwhile; a spinner
 * turns and the button is insensitive, while the fields stay sensitive so that the focus never
 * leaves them.
 */
#include "paten-login-window.h"

#include "paten-desk.h"
#include "paten-util.h"
#include "paten_error.h"

struct _PatenLoginWindow {
    GtkApplicationWindow parent_instance;

    GtkLabel *notice_label;
    GtkEntry *server_entry;
    GtkEntry *login_entry;
    GtkEntry *password_entry;
    GtkLabel *login_error;
    GtkLabel *password_error;
    GtkLabel *error_label;
    GtkSpinner *spinner;
    GtkLabel *status_label;
    GtkButton *login_button;

    PatenApplication *app; /* not a reference: the application holds its windows */
    PatenEventBus *bus;
    GCancellable *cancel; /* the login call in flight */
    gboolean busy;        /* a login is under way */
    gboolean waiting;     /* ...waiting for the connection */
};

G_DEFINE_TYPE(PatenLoginWindow, paten_login_window, GTK_TYPE_APPLICATION_WINDOW)

static void set_busy(PatenLoginWindow *self, gboolean busy)
{
    self->busy = busy;
    if (!busy)
        self->waiting = FALSE;
    gtk_widget_set_sensitive(GTK_WIDGET(self->login_button), !busy);
    if (busy)
        gtk_spinner_start(self->spinner);
    else
        gtk_spinner_stop(self->spinner);
    gtk_widget_set_visible(GTK_WIDGET(self->spinner), busy);
}

/* Shows text as the login's error and puts the focus back in the password field (its text
 * selected, ready to be typed over). */
static void fail_login(PatenLoginWindow *self, GtkLabel *where, const char *text)
{
    set_busy(self, FALSE);
    paten_label_show(where, text);
    gtk_widget_grab_focus(
        GTK_WIDGET(where == self->login_error ? self->login_entry : self->password_entry));
}

static void update_status(PatenLoginWindow *self, PatenConnectionState state, const GError *why)
{
    const char *server = paten_application_get_server(self->app);
    g_autofree char *text = NULL;

    switch (state) {
    case PATEN_CONNECTION_STATE_CONNECTED:
        text = g_strdup_printf(_("Connected to %s"), server);
        break;
    case PATEN_CONNECTION_STATE_RECONNECTING:
        if (why != NULL) {
            g_autofree char *reason = paten_error_text(why);
            text = g_strdup_printf(_("%s Retrying…"), reason);
        } else {
            text = g_strdup_printf(_("Cannot reach %s. Retrying…"), server);
        }
        break;
    case PATEN_CONNECTION_STATE_CONNECTING:
        text = g_strdup_printf(_("Connecting to %s…"), server);
        break;
    default:
        text = g_strdup(_("Not connected"));
        break;
    }
    gtk_label_set_text(self->status_label, text);
}

static void on_login_reply(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenLoginWindow) self = data;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    Paten__SessionReply *reply = (Paten__SessionReply *)paten_connection_call_finish(
        PATEN_CONNECTION(src), res, &error_reply, &err);

    if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL) {
        paten_message_free(error_reply);
        paten_message_free(reply);
        return; /* the window went away */
    }
    g_clear_object(&self->cancel);
    if (reply != NULL) {
        set_busy(self, FALSE);
        /* Closes this window; the reference held here keeps self valid until we return. */
        paten_application_logged_in(self->app, reply);
        paten_message_free(reply);
        return;
    }
    if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_UNAUTHENTICATED)) {
        /* The same answer for an unknown login and a wrong password, by design. */
        fail_login(self, self->password_error, _("Wrong NIP/username or password"));
    } else if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_ACCOUNT_LOCKED)) {
        gint64 ms = error_reply ? error_reply->retry_after_ms : 0;
        int minutes = (int)MAX((ms + 59999) / 60000, 1);
        g_autofree char *text =
            g_strdup_printf(ngettext("This account is locked. Try again in %d minute.",
                                     "This account is locked. Try again in %d minutes.", minutes),
                            minutes);
        fail_login(self, self->password_error, text);
    } else if (error_reply != NULL && g_strcmp0(error_reply->field, "login") == 0) {
        fail_login(self, self->login_error, err->message);
    } else {
        g_autofree char *text = paten_error_text(err);
        fail_login(self, self->error_label, text);
    }
    paten_message_free(error_reply);
}

static void send_login(PatenLoginWindow *self)
{
    Paten__LoginRequest req = PATEN__LOGIN_REQUEST__INIT;
    g_autofree char *login = g_strstrip(g_strdup(gtk_entry_get_text(self->login_entry)));

    self->waiting = FALSE;
    req.login = login;
    req.password = (char *)gtk_entry_get_text(self->password_entry);
    g_clear_object(&self->cancel);
    self->cancel = g_cancellable_new();
    paten_connection_call_async(paten_application_get_connection(self->app),
                                PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, &req.base, self->cancel,
                                on_login_reply, g_object_ref(self));
}

/* "Masuk" (or Enter in any field: the button is the window's default). */
static void on_login_clicked(PatenLoginWindow *self, GtkButton *button)
{
    g_autofree char *server = g_strstrip(g_strdup(gtk_entry_get_text(self->server_entry)));
    g_autofree char *login = g_strstrip(g_strdup(gtk_entry_get_text(self->login_entry)));
    PatenConnection *conn;

    (void)button;
    if (self->busy)
        return;
    paten_label_show(self->login_error, NULL);
    paten_label_show(self->password_error, NULL);
    paten_label_show(self->error_label, NULL);
    if (server[0] == '\0') {
        paten_label_show(self->error_label, _("Enter the server address."));
        gtk_widget_grab_focus(GTK_WIDGET(self->server_entry));
        return;
    }
    if (login[0] == '\0') {
        paten_label_show(self->login_error, _("Enter your NIP or username."));
        gtk_widget_grab_focus(GTK_WIDGET(self->login_entry));
        return;
    }
    if (gtk_entry_get_text(self->password_entry)[0] == '\0') {
        paten_label_show(self->password_error, _("Enter your password."));
        gtk_widget_grab_focus(GTK_WIDGET(self->password_entry));
        return;
    }

    paten_application_use_server(self->app, server);
    conn = paten_application_get_connection(self->app);
    set_busy(self, TRUE);
    if (paten_connection_get_state(conn) == PATEN_CONNECTION_STATE_CONNECTED) {
        send_login(self);
    } else {
        /* on_state_changed sends it, or on_attempt_failed reports the server unreachable. */
        self->waiting = TRUE;
        paten_connection_reconnect_now(conn);
    }
}

static void on_state_changed(PatenEventBus *bus, PatenConnectionState state, gpointer data)
{
    PatenLoginWindow *self = data;

    (void)bus;
    update_status(self, state, NULL);
    if (self->waiting && state == PATEN_CONNECTION_STATE_CONNECTED)
        send_login(self);
}

static void on_attempt_failed(PatenEventBus *bus, GError *why, gpointer data)
{
    PatenLoginWindow *self = data;

    update_status(self, paten_event_bus_get_connection_state(bus), why);
    if (self->waiting) {
        g_autofree char *reason = paten_error_text(why);
        fail_login(self, self->error_label, reason);
    }
}

void paten_login_window_set_notice(PatenLoginWindow *self, const char *notice)
{
    g_return_if_fail(PATEN_IS_LOGIN_WINDOW(self));
    paten_label_show(self->notice_label, notice);
}

PatenLoginWindow *paten_login_window_new(PatenApplication *app)
{
    PatenLoginWindow *self = g_object_new(PATEN_TYPE_LOGIN_WINDOW, "application", app, NULL);
    const char *server = paten_application_get_server(app);

    self->app = app;
    self->bus = g_object_ref(paten_application_get_bus(app));
    gtk_entry_set_text(self->server_entry, server ? server : "");
    g_signal_connect_object(self->bus, "connection-state-changed", G_CALLBACK(on_state_changed),
                            self, 0);
    g_signal_connect_object(self->bus, "connection-attempt-failed", G_CALLBACK(on_attempt_failed),
                            self, 0);
    update_status(self, paten_event_bus_get_connection_state(self->bus), NULL);
    /* The address is usually right: start where the user types first. */
    gtk_widget_grab_focus(GTK_WIDGET(self->login_entry));
    return self;
}

static void paten_login_window_dispose(GObject *obj)
{
    PatenLoginWindow *self = PATEN_LOGIN_WINDOW(obj);

    if (self->cancel != NULL)
        g_cancellable_cancel(self->cancel);
    g_clear_object(&self->cancel);
    if (self->bus != NULL)
        g_signal_handlers_disconnect_by_data(self->bus, self);
    g_clear_object(&self->bus);
    self->app = NULL;
    G_OBJECT_CLASS(paten_login_window_parent_class)->dispose(obj);
}

static void paten_login_window_class_init(PatenLoginWindowClass *klass)
{
    GtkWidgetClass *wc = GTK_WIDGET_CLASS(klass);

    G_OBJECT_CLASS(klass)->dispose = paten_login_window_dispose;
    gtk_widget_class_set_template_from_resource(wc, "/id/paten/desk/paten-login-window.ui");
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, notice_label);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, server_entry);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, login_entry);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, password_entry);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, login_error);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, password_error);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, error_label);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, spinner);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, status_label);
    gtk_widget_class_bind_template_child(wc, PatenLoginWindow, login_button);
    gtk_widget_class_bind_template_callback(wc, on_login_clicked);
}

static void paten_login_window_init(PatenLoginWindow *self)
{
    gtk_widget_init_template(GTK_WIDGET(self));
    gtk_window_set_default(GTK_WINDOW(self), GTK_WIDGET(self->login_button));
}
