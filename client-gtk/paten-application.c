/*
 * paten-application.c: PatenApplication (paten-application.h).
 *
 * The windows come and go; the connection stays: logging out and in again, or a server
 * restart, keeps the same PatenConnection (and so the bus's subscriptions); only a different
 * server address makes a new one.
 */
#include "paten-application.h"

#include "paten-config.h"
#include "paten-desk.h"
#include "paten-login-window.h"
#include "paten-main-window.h"
#include "paten-util.h"
#include "paten_error.h"

struct _PatenApplication {
    GtkApplication parent_instance;

    char *server_option; /* --server, or NULL */
    char *ca_option;     /* --ca, --pin, --cert, --key (absolute paths), or NULL */
    char *pin_option;
    char *cert_option;
    char *key_option;
    char *server; /* the current connection's address */
    PatenConnection *conn;
    PatenEventBus *bus;
    PatenSession *session;
    GtkWindow *login_window; /* not references: the application holds its windows */
    GtkWindow *main_window;
    gboolean logging_out;
};

G_DEFINE_TYPE(PatenApplication, paten_application, GTK_TYPE_APPLICATION)

PatenApplication *paten_application_new(void)
{
    return g_object_new(PATEN_TYPE_APPLICATION, "application-id", PATEN_APPLICATION_ID, "flags",
                        G_APPLICATION_NON_UNIQUE, NULL);
}

PatenConnection *paten_application_get_connection(PatenApplication *self)
{
    g_return_val_if_fail(PATEN_IS_APPLICATION(self), NULL);
    return self->conn;
}

PatenEventBus *paten_application_get_bus(PatenApplication *self)
{
    g_return_val_if_fail(PATEN_IS_APPLICATION(self), NULL);
    return self->bus;
}

PatenSession *paten_application_get_session(PatenApplication *self)
{
    g_return_val_if_fail(PATEN_IS_APPLICATION(self), NULL);
    return self->session;
}

const char *paten_application_get_server(PatenApplication *self)
{
    g_return_val_if_fail(PATEN_IS_APPLICATION(self), NULL);
    return self->server;
}

GtkWindow *paten_application_get_current_window(PatenApplication *self)
{
    g_return_val_if_fail(PATEN_IS_APPLICATION(self), NULL);
    return self->main_window ? self->main_window : self->login_window;
}

/* ---- the connection ----------------------------------------------------------------------- */

static void on_first_connect(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(GError) err = NULL;

    (void)data;
    /* Failures are shown through the bus ("connection-attempt-failed") and retried by the
     * connection itself; nothing else to do here. */
    if (!paten_connection_connect_finish(PATEN_CONNECTION(src), res, &err))
        g_debug("paten-desk: first connect failed: %s", err->message);
}

/* TLS from desk.ini, the command line's options winning (paten-config.h). */
static void apply_tls(PatenApplication *self)
{
    PatenConfigTls tls;

    paten_config_get_tls(&tls);
    g_object_set(self->conn, "tls", tls.tls, "tls-ca-file",
                 self->ca_option ? self->ca_option : tls.ca_file, "tls-pin",
                 self->pin_option ? self->pin_option : tls.pin, "tls-cert-file",
                 self->cert_option ? self->cert_option : tls.cert_file, "tls-key-file",
                 self->key_option ? self->key_option : tls.key_file, "allow-plaintext",
                 tls.insecure_plaintext, NULL);
    paten_config_tls_clear(&tls);
}

void paten_application_use_server(PatenApplication *self, const char *address)
{
    g_autoptr(PatenConnection) old = NULL;

    g_return_if_fail(PATEN_IS_APPLICATION(self));
    if (self->conn != NULL && g_strcmp0(address, self->server) == 0)
        return;
    old = g_steal_pointer(&self->conn);
    g_free(self->server);
    self->server = g_strdup(address);
    self->conn = paten_connection_new(address, PATEN_DESK_CLIENT_NAME, PATEN_VERSION);
    apply_tls(self);
    /* The desk outlives server restarts and network hiccups: reconnect, resume the session,
     * re-send what was in flight; ping often enough that the server never cuts an idle desk. */
    g_object_set(self->conn, "auto-reconnect", TRUE, "keepalive-from-server", TRUE, NULL);
    paten_event_bus_set_connection(self->bus, self->conn);
    if (old != NULL)
        paten_connection_close(old);
    paten_connection_connect_async(self->conn, NULL, on_first_connect, NULL);
}

/* ---- session ------------------------------------------------------------------------------ */

static void on_subscribed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(GError) err = NULL;
    gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    (void)data;
    if (reply == NULL)
        g_warning("paten-desk: subscribing to events failed: %s", err->message);
    paten_message_free(reply);
}

static void show_main_window(PatenApplication *self)
{
    GtkWindow *old = self->login_window;

    self->main_window = GTK_WINDOW(paten_main_window_new(self));
    g_object_add_weak_pointer(G_OBJECT(self->main_window), (gpointer *)&self->main_window);
    gtk_window_present(self->main_window);
    self->login_window = NULL;
    if (old != NULL)
        gtk_widget_destroy(GTK_WIDGET(old));
}

void paten_application_logged_in(PatenApplication *self, const Paten__SessionReply *reply)
{
    Paten__SubscribeRequest sub = PATEN__SUBSCRIBE_REQUEST__INIT;

    g_return_if_fail(PATEN_IS_APPLICATION(self));
    paten_config_set_server(self->server);
    g_clear_object(&self->session);
    self->session = paten_session_new(reply->session);
    self->logging_out = FALSE;
    /* From the session's newest event on: what happened before the login is in the data the
     * windows load. */
    sub.after_sequence = reply->session ? reply->session->last_event_sequence : 0;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, &sub.base,
                                NULL, on_subscribed, NULL);
    show_main_window(self);
}

static void show_login_window(PatenApplication *self, const char *notice)
{
    if (self->login_window == NULL) {
        self->login_window = GTK_WINDOW(paten_login_window_new(self));
        g_object_add_weak_pointer(G_OBJECT(self->login_window), (gpointer *)&self->login_window);
    }
    paten_login_window_set_notice(PATEN_LOGIN_WINDOW(self->login_window), notice);
    gtk_window_present(self->login_window);
}

void paten_application_return_to_login(PatenApplication *self, const char *notice)
{
    GtkWindow *main_window = self->main_window;

    g_return_if_fail(PATEN_IS_APPLICATION(self));
    paten_connection_forget_session(self->conn);
    g_clear_object(&self->session);
    self->logging_out = FALSE;
    /* The login window first, so that the application always has a window and keeps running. */
    show_login_window(self, notice);
    if (main_window != NULL)
        gtk_widget_destroy(GTK_WIDGET(main_window));
}

static void on_logged_out(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenApplication) self = data;
    g_autoptr(GError) err = NULL;
    gpointer reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    /* Whatever the answer, this desk is done with the session; a session the server could not
     * end now expires by itself. */
    if (reply == NULL)
        g_debug("paten-desk: logout: %s", err->message);
    paten_message_free(reply);
    if (self->logging_out)
        paten_application_return_to_login(self, NULL);
}

void paten_application_logout(PatenApplication *self)
{
    g_return_if_fail(PATEN_IS_APPLICATION(self));
    if (self->logging_out)
        return;
    if (paten_connection_get_state(self->conn) != PATEN_CONNECTION_STATE_CONNECTED) {
        /* Do not wait for the server to come back: the desk forgets the session now (the token
         * was only in memory), and the server lets it expire. */
        paten_application_return_to_login(self, NULL);
        return;
    }
    self->logging_out = TRUE;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGOUT, NULL, NULL,
                                on_logged_out, g_object_ref(self));
}

static void on_session_refreshed(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(PatenApplication) self = data;
    g_autoptr(GError) err = NULL;
    Paten__SessionReply *reply =
        (Paten__SessionReply *)paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &err);

    if (reply == NULL) {
        if (self->session != NULL && !self->logging_out &&
            g_error_matches(err, PATEN_ERROR, PATEN_ERR_UNAUTHENTICATED))
            paten_application_return_to_login(self,
                                              _("Your session has ended. Please log in again."));
        return;
    }
    if (self->session != NULL && reply->session != NULL)
        paten_session_update(self->session, reply->session);
    paten_message_free(reply);
}

void paten_application_refresh_session(PatenApplication *self)
{
    g_return_if_fail(PATEN_IS_APPLICATION(self));
    if (self->session == NULL)
        return;
    paten_connection_call_async(self->conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SESSION, NULL,
                                NULL, on_session_refreshed, g_object_ref(self));
}

/* ---- what the bus says about the session -------------------------------------------------- */

static void on_session_lost(PatenEventBus *bus, GError *why, gpointer data)
{
    PatenApplication *self = data;

    (void)bus;
    (void)why;
    if (self->session != NULL)
        paten_application_return_to_login(self, _("Your session has ended. Please log in again."));
}

static void on_session_resumed(PatenEventBus *bus, gpointer info, gpointer data)
{
    PatenApplication *self = data;

    (void)bus;
    if (self->session != NULL)
        paten_session_update(self->session, info);
}

/* SessionEnded reaches every connection of the user, and the desk does not know its session's
 * id (SessionInfo does not carry it), so it cannot tell whether this session is the one that
 * ended: it asks the server (GetSession), which answers UNAUTHENTICATED when it is. */
static void on_session_ended(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenApplication *self = data;

    (void)bus;
    (void)ev;
    if (self->session != NULL && !self->logging_out)
        paten_application_refresh_session(self);
}

static void on_user_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    PatenApplication *self = data;
    const Paten__UserChanged *uc = ev;

    (void)bus;
    /* The user's own record changed (name, roles): the session's view of it is stale. */
    if (self->session != NULL && uc->user != NULL &&
        uc->user->id == paten_session_get_user(self->session)->id)
        paten_application_refresh_session(self);
}

static void on_delegation_changed(PatenEventBus *bus, gpointer ev, gpointer data)
{
    (void)bus;
    (void)ev;
    /* The roles in force may have changed (a Camat's role delegated to or taken from us). */
    paten_application_refresh_session(data);
}

/* ---- GApplication ------------------------------------------------------------------------- */

static void paten_application_startup(GApplication *app)
{
    PatenApplication *self = PATEN_APPLICATION(app);
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new();

    G_APPLICATION_CLASS(paten_application_parent_class)->startup(app);
    paten_desk_init_resources();
    gtk_css_provider_load_from_resource(css, "/id/paten/desk/style.css");
    gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_set_application_name(_("PATEN Desk"));
    gtk_window_set_default_icon_name("system-users");

    self->bus = paten_event_bus_new();
    g_signal_connect_object(self->bus, "session-lost", G_CALLBACK(on_session_lost), self, 0);
    g_signal_connect_object(self->bus, "session-resumed", G_CALLBACK(on_session_resumed), self, 0);
    g_signal_connect_object(self->bus, "session-ended", G_CALLBACK(on_session_ended), self, 0);
    g_signal_connect_object(self->bus, "user-changed", G_CALLBACK(on_user_changed), self, 0);
    g_signal_connect_object(self->bus, "delegation-changed", G_CALLBACK(on_delegation_changed),
                            self, 0);
}

static void paten_application_activate(GApplication *app)
{
    PatenApplication *self = PATEN_APPLICATION(app);
    GtkWindow *current;

    if (self->conn == NULL) {
        g_autofree char *server =
            self->server_option ? g_strdup(self->server_option) : paten_config_get_server();
        paten_application_use_server(self, server);
    }
    current = paten_application_get_current_window(self);
    if (current != NULL)
        gtk_window_present(current);
    else
        show_login_window(self, NULL);
}

static gint paten_application_handle_local_options(GApplication *app, GVariantDict *options)
{
    PatenApplication *self = PATEN_APPLICATION(app);
    const char *server = NULL;

    const char *file = NULL;

    if (g_variant_dict_lookup(options, "server", "&s", &server)) {
        g_free(self->server_option);
        self->server_option = g_strstrip(g_strdup(server));
    }
    /* Files relative to where the desk was started, whatever it does later. */
    if (g_variant_dict_lookup(options, "ca", "^&ay", &file) && file[0] != '\0') {
        g_free(self->ca_option);
        self->ca_option = g_canonicalize_filename(file, NULL);
    }
    if (g_variant_dict_lookup(options, "cert", "^&ay", &file) && file[0] != '\0') {
        g_free(self->cert_option);
        self->cert_option = g_canonicalize_filename(file, NULL);
    }
    if (g_variant_dict_lookup(options, "cert-key", "^&ay", &file) && file[0] != '\0') {
        g_free(self->key_option);
        self->key_option = g_canonicalize_filename(file, NULL);
    }
    if (g_variant_dict_lookup(options, "pin", "&s", &server)) {
        g_free(self->pin_option);
        self->pin_option = g_strstrip(g_strdup(server));
    }
    return -1; /* go on: register and activate */
}

static void paten_application_shutdown(GApplication *app)
{
    PatenApplication *self = PATEN_APPLICATION(app);

    if (self->conn != NULL)
        paten_connection_close(self->conn);
    G_APPLICATION_CLASS(paten_application_parent_class)->shutdown(app);
}

static void paten_application_dispose(GObject *obj)
{
    PatenApplication *self = PATEN_APPLICATION(obj);

    if (self->conn != NULL)
        paten_connection_close(self->conn);
    if (self->bus != NULL)
        paten_event_bus_set_connection(self->bus, NULL);
    g_clear_object(&self->session);
    g_clear_object(&self->conn);
    g_clear_object(&self->bus);
    G_OBJECT_CLASS(paten_application_parent_class)->dispose(obj);
}

static void paten_application_finalize(GObject *obj)
{
    PatenApplication *self = PATEN_APPLICATION(obj);

    g_free(self->server_option);
    g_free(self->ca_option);
    g_free(self->pin_option);
    g_free(self->cert_option);
    g_free(self->key_option);
    g_free(self->server);
    G_OBJECT_CLASS(paten_application_parent_class)->finalize(obj);
}

static void paten_application_class_init(PatenApplicationClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GApplicationClass *ac = G_APPLICATION_CLASS(klass);

    oc->dispose = paten_application_dispose;
    oc->finalize = paten_application_finalize;
    ac->startup = paten_application_startup;
    ac->activate = paten_application_activate;
    ac->handle_local_options = paten_application_handle_local_options;
    ac->shutdown = paten_application_shutdown;
}

static void paten_application_init(PatenApplication *self)
{
    static const GOptionEntry entries[] = {
        { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
          N_("The server's address (overrides the remembered one)"), N_("HOST:PORT") },
        { "ca", 0, 0, G_OPTION_ARG_FILENAME, NULL,
          N_("TLS: verify the server against the CA certificates in this file"), N_("FILE") },
        { "pin", 0, 0, G_OPTION_ARG_STRING, NULL,
          N_("TLS: accept only the server certificate with this SHA-256"), N_("SHA256") },
        { "cert", 0, 0, G_OPTION_ARG_FILENAME, NULL,
          N_("TLS: this desk's client certificate (mutual TLS)"), N_("FILE") },
        { "cert-key", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("The private key of --cert"),
          N_("FILE") },
        { NULL },
    };

    g_application_add_main_option_entries(G_APPLICATION(self), entries);
}
