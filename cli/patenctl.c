/*
 * patenctl.c: the command-line client of patend, for scripting, administration and tests.
 *
 *   patenctl [--server HOST:PORT] [--user LOGIN] [--timeout SECONDS] COMMAND ...
 *     ping [--db]        one line: who answered and how fast
 *     info               ServerInfo as pretty JSON, every field shown
 *     call RPC [JSON|-]  any request written as proto3 JSON; the reply printed as JSON
 *     watch              every event the server pushes, one JSON line each
 *     user, audit        administration (ctl_admin.c)
 *     calendar, service  the calendar and the catalog (ctl_catalog.c)
 *     keys, verify       documents' signatures, offline too (ctl_verify.c)
 *     register           the register books (ctl_register.c)
 *     tariff, regime     the region's tariffs and late-interest regimes (ctl_assess.c)
 *     assess, taxpayer   SKRD / SKPD: the queue, previews, issuing, cancelling, the register,
 *                        the amount due with late interest, bills; NPWPD (ctl_assess.c)
 *     pay, deposit       the cashier's payments and deposits (STS), the treasurer's
 *                        confirmation against the bank, deposit alerts (ctl_pay.c)
 *     check              the money invariants (ctl_pay.c)
 *
 * With --user, each command logs in (Login) right after Hello, on its one connection.
 *
 * TLS: --ca FILE (verify patend against that CA), --pin SHA256 (or a pinned certificate),
 * --cert FILE --key FILE (a client certificate for mutual TLS), --tls alone (the system's CAs);
 * each also from the environment ($PATEN_CA, $PATEN_PIN, $PATEN_CERT, $PATEN_CERT_KEY). Without TLS
 * only a server on loopback is reached, unless --insecure-plaintext.
 *
 * It is a thin shell over PatenConnection (client/) and pbjson (cli/pbjson.h): one GMainLoop
 * runs the asynchronous API, and the commands wait on it one operation at a time. Its own text
 * is English (an admin tool); what the server says is printed exactly as sent.
 *
 * Exit statuses (also in --help): 0 ok, 1 the server answered with an error, 2 usage or bad
 * input, 3 connection problem.
 */
#include "ctl.h"

#include "paten-connection.h"
#include "paten_error.h"
#include "paten_msg.h"
#include "pbjson.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define DEFAULT_SERVER "127.0.0.1:7450"
/* Requests read from standard input larger than this cannot fit a frame anyway. */
#define STDIN_MAX (64u * 1024u * 1024u)
/* watch's default --keepalive: patend's idle timeout is 10 min by default. */
#define WATCH_KEEPALIVE_MS 60000u

typedef struct {
    const char *name;
    const char *params;  /* parameter string of the command's --help */
    const char *summary; /* its line in patenctl --help */
    const GOptionEntry *entries;
    int (*run)(Ctl *ctl, char **args, int nargs);
    gboolean own_options; /* parses its subcommands' options itself */
} Command;

/* Options. GOption writes straight into these. */
static char *opt_server;
static char *opt_user;
static char *opt_password_file;
static double opt_timeout = -1;
static gboolean opt_db;
static double opt_keepalive = WATCH_KEEPALIVE_MS / 1000.0;
static gint64 opt_after = -1;
static gboolean opt_tls;
static char *opt_ca;
static char *opt_pin;
static char *opt_cert;
static char *opt_key;
static gboolean opt_insecure_plaintext;

static const GOptionEntry global_entries[] = {
    { "server", 's', 0, G_OPTION_ARG_STRING, &opt_server,
      "patend's address (default: $PATEN_SERVER, else " DEFAULT_SERVER ")", "HOST:PORT" },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &opt_user,
      "log in first as this user, username or NIP (default: $PATEN_USER; password: "
      "$PATEN_PASSWORD, else asked)",
      "LOGIN" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file,
      "read the password of --user from the first line of this file (keep it private: mode 0600)",
      "FILE" },
    { "timeout", 't', 0, G_OPTION_ARG_DOUBLE, &opt_timeout,
      "limit for the connection and for each reply; 0: none (default: 10 s and 30 s)", "SECONDS" },
    { "tls", 0, 0, G_OPTION_ARG_NONE, &opt_tls,
      "speak TLS, verifying the server with the system's CAs (implied by --ca, --pin, --cert)",
      NULL },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca,
      "TLS: verify the server against the CA certificates in this PEM file (default: $PATEN_CA)",
      "FILE" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &opt_pin,
      "TLS: accept only the server certificate with this SHA-256 (of its DER; default: "
      "$PATEN_PIN)",
      "SHA256HEX" },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_cert,
      "TLS: present this client certificate (PEM) to a server that requires one (default: "
      "$PATEN_CERT)",
      "FILE" },
    { "cert-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_key,
      "the private key of --cert (PEM; default: $PATEN_CERT_KEY, else in the --cert file)",
      "FILE" },
    { "insecure-plaintext", 0, 0, G_OPTION_ARG_NONE, &opt_insecure_plaintext,
      "allow plain TCP (no TLS) to a server that is not on this machine", NULL },
    { NULL },
};

static const GOptionEntry ping_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_NONE, &opt_db, "also check the database and show its round trip",
      NULL },
    { NULL },
};

static const GOptionEntry watch_entries[] = {
    { "keepalive", 0, 0, G_OPTION_ARG_DOUBLE, &opt_keepalive,
      "send a Ping after this many seconds of silence, so that the server's idle timeout does "
      "not cut the watch and a dead server is noticed (0: never; default 60)",
      "SECONDS" },
    { "after", 0, 0, G_OPTION_ARG_INT64, &opt_after,
      "with --user: replay the stored events after this sequence number first (default: only "
      "new events)",
      "SEQ" },
    { NULL },
};

/* Seconds from the command line as the milliseconds of a timeout property: a positive value
 * never rounds down to 0, which would mean "no limit". */
static guint seconds_to_ms(double seconds)
{
    guint ms = (guint)(seconds * 1000);

    return ms == 0 && seconds > 0 ? 1 : ms;
}

/* ---- output ------------------------------------------------------------------------------- */

/* Messages go through stdio, not g_print: GLib would convert them to the locale's charset, and
 * the server's Indonesian text and the JSON must come out as the UTF-8 they are. */
G_GNUC_PRINTF(1, 2) void ctl_say_error(const char *fmt, ...)
{
    va_list ap;

    fputs("patenctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Writes text and a newline to stdout and flushes, so a reader of a pipe sees each line at once.
 * FALSE when stdout cannot be written. */
gboolean ctl_put_line(const char *text)
{
    return fputs(text, stdout) >= 0 && fputc('\n', stdout) != EOF && fflush(stdout) == 0;
}

/* The server's Error as one JSON object on stderr:
 * {"error": {"code": "NAME", "message": ..., "field": ..., "retryable": ..., "detail": ...}}. */
static void print_error_reply(const Paten__Error *e)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *text = NULL;
    const char *name = paten_err_name(e->code);

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "code");
    if (name != NULL)
        json_builder_add_string_value(b, name);
    else
        json_builder_add_int_value(b, e->code); /* a code newer than this patenctl */
    json_builder_set_member_name(b, "message");
    json_builder_add_string_value(b, e->message);
    json_builder_set_member_name(b, "field");
    json_builder_add_string_value(b, e->field);
    json_builder_set_member_name(b, "retryable");
    json_builder_add_boolean_value(b, e->retryable);
    json_builder_set_member_name(b, "detail");
    json_builder_add_string_value(b, e->detail);
    json_builder_end_object(b);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    text = json_to_string(root, FALSE);
    fprintf(stderr, "%s\n", text);
}

/* "0.42 ms": round trips for people, with a useful number of digits. */
static void format_ms(char *buf, size_t cap, gint64 us)
{
    snprintf(buf, cap, us >= 100 ? "%.1f ms" : "%.2f ms", us / 1000.0);
}

/* ---- waiting on the loop ------------------------------------------------------------------ */

void ctl_on_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Ctl *ctl = data;

    (void)src;
    ctl->result = g_object_ref(res);
    g_main_loop_quit(ctl->loop);
}

/* Runs the loop until the operation started with ctl_on_done/ctl completes; returns its result
 * (caller unrefs). */
GAsyncResult *ctl_wait_result(Ctl *ctl)
{
    while (ctl->result == NULL)
        g_main_loop_run(ctl->loop);
    return g_steal_pointer(&ctl->result);
}

/*
 * Makes one call and waits for it. Returns the reply (free with
 * protobuf_c_message_free_unpacked(msg, NULL)) or NULL after reporting the failure, with
 * *status set: EXIT_ERROR_REPLY (the Error printed as JSON on stderr) or EXIT_CONNECTION.
 */
ProtobufCMessage *ctl_call(Ctl *ctl, const struct paten_msg_info *info,
                           const ProtobufCMessage *request, int *status)
{
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) err = NULL;
    Paten__Error *error_reply = NULL;
    ProtobufCMessage *reply;

    paten_connection_call_async(ctl->conn, info->type, request, NULL, ctl_on_done, ctl);
    res = ctl_wait_result(ctl);
    reply = paten_connection_call_finish(ctl->conn, res, &error_reply, &err);
    if (reply != NULL)
        return reply;
    if (error_reply != NULL) {
        print_error_reply(error_reply);
        protobuf_c_message_free_unpacked(&error_reply->base, NULL);
        *status = EXIT_ERROR_REPLY;
    } else {
        ctl_say_error("%s", err->message);
        *status = EXIT_CONNECTION;
    }
    return NULL;
}

/* Connects, says Hello and, with --user, logs in. Returns EXIT_OK, or the exit status after
 * saying what failed: EXIT_CONNECTION (which address, what happened) or EXIT_ERROR_REPLY (the
 * server refused the login; its Error printed as JSON). */
int ctl_open(Ctl *ctl)
{
    g_autoptr(GAsyncResult) res = NULL;
    g_autoptr(GError) err = NULL;
    Paten__LoginRequest login = PATEN__LOGIN_REQUEST__INIT;
    ProtobufCMessage *session;
    int status = EXIT_OK;

    paten_connection_connect_async(ctl->conn, NULL, ctl_on_done, ctl);
    res = ctl_wait_result(ctl);
    if (!paten_connection_connect_finish(ctl->conn, res, &err)) {
        if (ctl->interrupted)
            return EXIT_CONNECTION; /* the user knows: nothing to explain */
        if (err->domain == PATEN_ERROR)
            ctl_say_error("%s refused the connection: %s (%s)", ctl->server, err->message,
                          paten_err_name(err->code) ? paten_err_name(err->code) : "?");
        else
            ctl_say_error("%s", err->message);
        return EXIT_CONNECTION;
    }
    if (ctl->user == NULL)
        return EXIT_OK;

    login.login = (char *)ctl->user;
    login.password = ctl->password;
    session = ctl_call(ctl, paten_msg_by_type(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN), &login.base,
                       &status);
    /* The password is not needed again: do not leave it lying in memory. */
    explicit_bzero(ctl->password, strlen(ctl->password));
    if (session == NULL)
        return status;
    protobuf_c_message_free_unpacked(session, NULL);
    return EXIT_OK;
}

/* Prints msg as JSON on stdout. Returns the exit status. */
int ctl_print_reply(const ProtobufCMessage *msg, gboolean emit_defaults, gboolean pretty)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = pbjson_print(msg, emit_defaults, pretty, &err);

    if (text == NULL) {
        ctl_say_error("the %s cannot be shown as JSON: %s", msg->descriptor->short_name,
                      err->message);
        return EXIT_ERROR_REPLY;
    }
    if (!ctl_put_line(text)) {
        ctl_say_error("cannot write to standard output: %s", g_strerror(errno));
        return EXIT_ERROR_REPLY;
    }
    return EXIT_OK;
}

/* ---- commands ----------------------------------------------------------------------------- */

static int cmd_ping(Ctl *ctl, char **args, int nargs)
{
    Paten__PingRequest req = PATEN__PING_REQUEST__INIT;
    const Paten__HelloReply *hello;
    Paten__PingReply *reply;
    GString *line;
    char took[32];
    gint64 t0, t1;
    int status = EXIT_OK;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("ping takes no arguments (see patenctl ping --help)");
        return EXIT_USAGE;
    }
    status = ctl_open(ctl);
    if (status != EXIT_OK)
        return status;
    req.check_database = opt_db;
    t0 = g_get_monotonic_time();
    reply = (Paten__PingReply *)ctl_call(
        ctl, paten_msg_by_type(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING), &req.base, &status);
    t1 = g_get_monotonic_time();
    if (reply == NULL)
        return status;

    hello = paten_connection_get_hello(ctl->conn);
    format_ms(took, sizeof took, t1 - t0);
    line = g_string_new(NULL);
    g_string_append_printf(line, "pong from %s %s in %s", hello->server_name, hello->server_version,
                           took);
    if (opt_db) {
        format_ms(took, sizeof took, (gint64)reply->database_round_trip_us);
        g_string_append_printf(line, ", database round trip %s", took);
    }
    if (!ctl_put_line(line->str)) {
        ctl_say_error("cannot write to standard output: %s", g_strerror(errno));
        status = EXIT_ERROR_REPLY;
    }
    g_string_free(line, TRUE);
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int cmd_info(Ctl *ctl, char **args, int nargs)
{
    ProtobufCMessage *reply;
    int status = EXIT_OK;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("info takes no arguments (see patenctl info --help)");
        return EXIT_USAGE;
    }
    status = ctl_open(ctl);
    if (status != EXIT_OK)
        return status;
    reply = ctl_call(ctl, paten_msg_by_type(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SERVER_INFO), NULL,
                     &status);
    if (reply == NULL)
        return status;
    /* Every counter shows, zeros included: this is a status display, not a request. */
    status = ctl_print_reply(reply, TRUE, TRUE);
    protobuf_c_message_free_unpacked(reply, NULL);
    return status;
}

/* "Hello, Ping, ServerInfo, SetTestClock". g_free the result. */
static char *known_rpcs(void)
{
    GString *s = g_string_new(NULL);

    for (size_t i = 0; i < paten_msg_count(); i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", paten_msg_at(i)->name);
    return g_string_free(s, FALSE);
}

/* All of standard input as a string, or NULL after saying why. */
static char *read_stdin(void)
{
    GString *s = g_string_new(NULL);
    char buf[65536];
    size_t n;

    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        if (s->len + n > STDIN_MAX) {
            ctl_say_error("standard input is larger than %u bytes", STDIN_MAX);
            g_string_free(s, TRUE);
            return NULL;
        }
        g_string_append_len(s, buf, (gssize)n);
    }
    if (ferror(stdin)) {
        ctl_say_error("cannot read standard input: %s", g_strerror(errno));
        g_string_free(s, TRUE);
        return NULL;
    }
    /* pbjson reads a C string: a NUL inside would silently cut the request short. */
    if (memchr(s->str, '\0', s->len) != NULL) {
        ctl_say_error("standard input contains a NUL byte, which JSON text cannot");
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

/* Requests that change data carry an idempotency key (a UUID) chosen by the client. When the
 * JSON left it out, a fresh one is filled in: the request is sent once per invocation anyway;
 * a script that retries an invocation passes its own key to make the retry safe. */
static void fill_idempotency_key(ProtobufCMessage *request)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(request->descriptor, "idempotency_key");
    char **value;

    if (f == NULL || f->type != PROTOBUF_C_TYPE_STRING || f->label == PROTOBUF_C_LABEL_REPEATED)
        return;
    value = (char **)((char *)request + f->offset);
    if (*value != NULL && (*value)[0] != '\0')
        return;
    /* Not g_strdup: the message is freed by protobuf-c, with free(). The old value is either
     * the shared default, which protobuf-c never frees, or a malloc'd "". */
    char *uuid = g_uuid_string_random();
    char *copy = strdup(uuid);
    g_free(uuid);
    if (copy == NULL)
        return;
    if (*value != NULL && *value != f->default_value)
        free(*value);
    *value = copy;
}

static int cmd_call(Ctl *ctl, char **args, int nargs)
{
    const struct paten_msg_info *info;
    g_autofree char *from_stdin = NULL;
    g_autoptr(GError) err = NULL;
    const char *text = "{}";
    ProtobufCMessage *request;
    ProtobufCMessage *reply;
    int status = EXIT_OK;

    if (nargs < 1 || nargs > 2) {
        ctl_say_error("usage: patenctl call RPC ['JSON' | -] (see patenctl call --help)");
        return EXIT_USAGE;
    }
    info = paten_msg_by_name(args[0]);
    if (info == NULL) {
        g_autofree char *known = known_rpcs();
        ctl_say_error("unknown rpc '%s'; known: %s", args[0], known);
        return EXIT_USAGE;
    }
    if (nargs == 2 && strcmp(args[1], "-") == 0) {
        from_stdin = read_stdin();
        if (from_stdin == NULL)
            return EXIT_USAGE;
        text = from_stdin;
    } else if (nargs == 2) {
        text = args[1];
    }
    /* Bad input is refused before any connection is made. */
    request = pbjson_parse(info->request, text, &err);
    if (request == NULL) {
        ctl_say_error("invalid %s: %s", info->request->short_name, err->message);
        return EXIT_USAGE;
    }

    fill_idempotency_key(request);
    status = ctl_open(ctl);
    if (status != EXIT_OK) {
        protobuf_c_message_free_unpacked(request, NULL);
        return status;
    }
    reply = ctl_call(ctl, info, request, &status);
    protobuf_c_message_free_unpacked(request, NULL);
    if (reply == NULL)
        return status;
    status = ctl_print_reply(reply, FALSE, isatty(STDOUT_FILENO));
    protobuf_c_message_free_unpacked(reply, NULL);
    return status;
}

static void on_watch_event(PatenConnection *conn, gpointer event, gpointer data)
{
    Ctl *ctl = data;
    const Paten__Event *ev = event;
    g_autoptr(GError) err = NULL;
    g_autofree char *text = pbjson_print(&ev->base, FALSE, FALSE, &err);

    (void)conn;
    if (ev->body_case == PATEN__EVENT__BODY_SERVER_SHUTDOWN)
        ctl->saw_shutdown = TRUE;
    if (text == NULL) {
        ctl_say_error("an event (sequence %" G_GUINT64_FORMAT ") cannot be shown as JSON: %s",
                      (guint64)ev->sequence, err->message);
        return;
    }
    if (!ctl_put_line(text)) {
        /* The reader went away (`patenctl watch | head -1`): it has what it wanted. */
        if (errno == EPIPE) {
            ctl->watch_status = EXIT_OK;
        } else {
            ctl_say_error("cannot write to standard output: %s", g_strerror(errno));
            ctl->watch_status = EXIT_ERROR_REPLY;
        }
        g_main_loop_quit(ctl->loop);
    }
}

static void on_watch_state(GObject *obj, GParamSpec *pspec, gpointer data)
{
    Ctl *ctl = data;
    PatenConnection *conn = PATEN_CONNECTION(obj);
    const GError *why;

    (void)pspec;
    if (!ctl->watching || ctl->watch_status >= 0 ||
        paten_connection_get_state(conn) == PATEN_CONNECTION_STATE_CONNECTED)
        return;
    /* The server closing after it announced its shutdown is the normal end of a watch. */
    if (ctl->saw_shutdown) {
        ctl->watch_status = EXIT_OK;
    } else {
        why = paten_connection_get_close_error(conn);
        ctl_say_error("lost the connection to %s: %s", ctl->server, why ? why->message : "unknown");
        ctl->watch_status = EXIT_CONNECTION;
    }
    g_main_loop_quit(ctl->loop);
}

static gboolean on_watch_signal(gpointer data)
{
    Ctl *ctl = data;

    ctl->interrupted = TRUE;
    if (ctl->watch_status < 0)
        ctl->watch_status = EXIT_OK;
    /* While still connecting, closing makes the connect fail at once. */
    if (!ctl->watching)
        paten_connection_close(ctl->conn);
    g_main_loop_quit(ctl->loop);
    return G_SOURCE_CONTINUE;
}

/* Asks for the events this session may see: new ones, or those after --after first. */
static int watch_subscribe(Ctl *ctl)
{
    Paten__SubscribeRequest req = PATEN__SUBSCRIBE_REQUEST__INIT;
    ProtobufCMessage *reply;
    int status = EXIT_OK;

    if (opt_after >= 0)
        req.after_sequence = (uint64_t)opt_after;
    else
        req.from_now = TRUE;
    reply = ctl_call(ctl, paten_msg_by_type(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE), &req.base,
                     &status);
    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    return status;
}

static int cmd_watch(Ctl *ctl, char **args, int nargs)
{
    guint sigint, sigterm;
    gulong on_event, on_state;
    int status;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("watch takes no arguments (see patenctl watch --help)");
        return EXIT_USAGE;
    }
    if (!(opt_keepalive >= 0 && opt_keepalive <= G_MAXUINT / 1000.0)) {
        ctl_say_error("--keepalive must be a number of seconds, 0 or more");
        return EXIT_USAGE;
    }
    if (opt_after != -1 && (opt_after < 0 || ctl->user == NULL)) {
        ctl_say_error("--after needs --user and a sequence number, 0 or more");
        return EXIT_USAGE;
    }
    ctl->watch_status = -1;
    /* Everything is in place before the Hello goes out: an event may arrive in the same read as
     * the HelloReply, and a signal as soon as the server has seen us. */
    on_event = g_signal_connect(ctl->conn, "event", G_CALLBACK(on_watch_event), ctl);
    on_state = g_signal_connect(ctl->conn, "notify::state", G_CALLBACK(on_watch_state), ctl);
    sigint = g_unix_signal_add(SIGINT, on_watch_signal, ctl);
    sigterm = g_unix_signal_add(SIGTERM, on_watch_signal, ctl);
    g_object_set(ctl->conn, "keepalive-interval", seconds_to_ms(opt_keepalive), NULL);

    status = ctl_open(ctl);
    if (status == EXIT_OK && ctl->user != NULL)
        status = watch_subscribe(ctl);
    if (status == EXIT_OK) {
        ctl->watching = TRUE;
        /* The connection may have gone already, in the dispatch that completed the connect. */
        on_watch_state(G_OBJECT(ctl->conn), NULL, ctl);
        while (ctl->watch_status < 0)
            g_main_loop_run(ctl->loop);
    } else if (ctl->watch_status < 0) {
        ctl->watch_status = status;
    }

    g_source_remove(sigint);
    g_source_remove(sigterm);
    g_signal_handler_disconnect(ctl->conn, on_event);
    g_signal_handler_disconnect(ctl->conn, on_state);
    return ctl->watch_status;
}

static const Command commands[] = {
    { "ping", "ping [--db]", "check that patend answers (and its database, with --db)",
      ping_entries, cmd_ping },
    { "info", "info", "show the server's status (ServerInfo) as JSON", NULL, cmd_info },
    { "call", "call RPC ['JSON' | -]",
      "send any request written as proto3 JSON (default {}; '-' reads it from\n"
      "standard input) and print the reply as JSON",
      NULL, cmd_call },
    { "watch", "watch",
      "print each event the server pushes as one JSON line, until the server\n"
      "closes (exit 0 after its ServerShutdown event) or SIGINT; with --user,\n"
      "also the events that user may see (Subscribe)",
      watch_entries, cmd_watch },
    { "user", "user list|add|deactivate|reset-password ...",
      "manage the users of your region (ADMIN; run 'patenctl user' for the\n"
      "subcommands)",
      NULL, ctl_cmd_user, TRUE },
    { "audit", "audit verify",
      "check every audit chain of your region and name the first broken row\n"
      "(AUDITOR, ADMIN, PIMPINAN); exit 1 when a chain is broken",
      NULL, ctl_cmd_audit, TRUE },
    { "calendar", "calendar list|import|add-day|cuti-bersama ...",
      "the closed days of your region; ADMIN: import a year's holiday file\n"
      "(data/holidays/YYYY.csv), add a regional day, keep counters open on\n"
      "cuti bersama (run 'patenctl calendar' for the subcommands)",
      NULL, ctl_cmd_calendar, TRUE },
    { "service", "service list|show|save ...",
      "the service catalog of your region; ADMIN: save a service or a new\n"
      "version of one from the JSON 'service show' prints",
      NULL, ctl_cmd_service, TRUE },
    { "register", "register KIND [--service CODE] [--year YYYY] ...",
      "print a register book (buku register) as a table: receipt, return-slip,\n"
      "survey-report, meeting-minutes, rejection-letter, decree (per\n"
      "service: --service CODE); DPMPTSP, BAPENDA: skrd, skpd, strd, stpd",
      ctl_register_entries, ctl_cmd_register },
    { "tariff", "tariff list|show|save ...",
      "the tariffs of your region (versioned); ADMIN: save a new one or a new\n"
      "version from the JSON 'tariff show' prints",
      NULL, ctl_cmd_tariff, TRUE },
    { "regime", "regime list|save ...",
      "the late-interest regimes of your region (rate, cap, due days); ADMIN:\n"
      "save a new version",
      NULL, ctl_cmd_regime, TRUE },
    { "assess", "assess queue|preview|issue|cancel|show|list|due|bill ...",
      "SKRD / SKPD (PETUGAS_SKRD, PETUGAS_PAJAK): the files waiting, the\n"
      "calculation with its trace, issuing and cancelling, the register, the\n"
      "amount due with late interest, the STRD / STPD (run 'patenctl assess'\n"
      "for the subcommands)",
      NULL, ctl_cmd_assess, TRUE },
    { "taxpayer", "taxpayer register|find ...",
      "regional taxpayers (NPWPD): PETUGAS_PAJAK registers one by NIK or NIB;\n"
      "find one by NPWPD, NIK or NIB",
      NULL, ctl_cmd_taxpayer, TRUE },
    { "pay", "pay find|record|reverse|list|undeposited ...",
      "the cashier (KASIR): what is owed, taking a payment with its SSRD / SSPD\n"
      "receipt, the day's payments, the cash not yet deposited with its deadline;\n"
      "CAMAT: reversing a payment (run 'patenctl pay' for the subcommands)",
      NULL, ctl_cmd_pay, TRUE },
    { "deposit", "deposit create|validate|list|confirm|resolve|alerts ...",
      "deposits (STS): KASIR builds one and records the bank's validation;\n"
      "BENDAHARA confirms deposits and transfers against the bank and resolves\n"
      "discrepancies; the open alerts of late deposits (run 'patenctl deposit')",
      NULL, ctl_cmd_deposit, TRUE },
    { "check", "check [--json]",
      "check the money invariants over the whole database (AUDITOR): print each\n"
      "violation; exit 1 when there is one",
      ctl_check_entries, ctl_cmd_check },
    { "keys", "keys [REGION]",
      "print the regions' document-signing public keys as JSON (no login\n"
      "needed), for 'verify --keys'",
      NULL, ctl_cmd_keys },
    { "verify", "verify TEXT|- [--keys FILE]",
      "check a document's QR code text: offline against a key file of\n"
      "'patenctl keys', or on the server (signature and register); exit 1\n"
      "when not valid",
      ctl_verify_entries, ctl_cmd_verify },
};

/* ---- main --------------------------------------------------------------------------------- */

static char *help_summary(void)
{
    GString *s = g_string_new("Commands:\n");
    int width = 0;
    gsize line_start;

    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        width = MAX(width, (int)strlen(commands[i].params));
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_auto(GStrv) lines = g_strsplit(commands[i].summary, "\n", -1);
        for (guint l = 0; lines[l] != NULL; l++)
            g_string_append_printf(s, "  %-*s  %s\n", width, l == 0 ? commands[i].params : "",
                                   lines[l]);
    }
    g_string_append(s, "\nRPC is the rpc name (Ping) or its request message name (PingRequest), in "
                       "any case. JSON is\nproto3 JSON: lowerCamelCase field names, 64-bit "
                       "integers as strings; an empty\nidempotencyKey is filled with a new "
                       "UUID.\n\nRPCs:");
    /* The list grows with the protocol: wrap it. */
    line_start = s->len - strlen("RPCs:");
    for (size_t i = 0; i < paten_msg_count(); i++) {
        const char *name = paten_msg_at(i)->name;
        if (s->len - line_start + strlen(name) + 2 > 96) {
            g_string_append(s, "\n     ");
            line_start = s->len - strlen("     ");
        }
        g_string_append_printf(s, " %s%s", name, i + 1 < paten_msg_count() ? "," : "");
    }
    return g_string_free(s, FALSE);
}

static const char help_description[] =
    "Examples:\n"
    "  patenctl ping --db\n"
    "  patenctl call Ping '{\"checkDatabase\": true}'\n"
    "  PATEN_PASSWORD=... patenctl --user admin@pemda-temanggung info\n"
    "  echo '{\"checkDatabase\": true}' | patenctl --server 10.0.0.5:7450 call Ping -\n"
    "\n"
    "Exit status:\n"
    "  0  success\n"
    "  1  the server answered with an error (printed as JSON on standard error)\n"
    "  2  usage error or bad input (unknown command or rpc, invalid JSON)\n"
    "  3  connection problem (cannot connect, connection lost, no reply in time)\n"
    "\n"
    "Environment:\n"
    "  PATEN_SERVER    the server when --server is not given\n"
    "  PATEN_USER      the user when --user is not given\n"
    "  PATEN_PASSWORD  the password of the user, unless --password-file is given (else it is\n"
    "                  asked on the terminal)\n"
    "  PATEN_CA, PATEN_PIN, PATEN_CERT, PATEN_CERT_KEY\n"
    "                  --ca, --pin, --cert, --key when not given\n";

/*
 * The password for --user: $PATEN_PASSWORD, else asked on the terminal without echo. Returns a
 * new string, or NULL after saying why (no terminal to ask on).
 */
char *ctl_get_secret(const char *env_var, const char *prompt)
{
    const char *env = g_getenv(env_var);
    struct termios saved, quiet;
    gboolean echo_off = FALSE;
    char line[1024];
    FILE *tty;
    gboolean ok;

    if (env != NULL)
        return g_strdup(env);
    tty = fopen("/dev/tty", "r+");
    if (tty == NULL) {
        ctl_say_error("%s: set %s (there is no terminal to ask on)", prompt, env_var);
        return NULL;
    }
    fprintf(tty, "%s: ", prompt);
    fflush(tty);
    if (tcgetattr(fileno(tty), &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        echo_off = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
    }
    ok = fgets(line, sizeof line, tty) != NULL;
    if (echo_off && tcsetattr(fileno(tty), TCSAFLUSH, &saved) != 0)
        ctl_say_error("could not turn the terminal's echo back on: %s", g_strerror(errno));
    fputc('\n', tty);
    fclose(tty);
    if (!ok) {
        ctl_say_error("%s: nothing was entered", prompt);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = '\0';
    char *secret = g_strdup(line);
    explicit_bzero(line, sizeof line);
    return secret;
}

char *ctl_get_password(const char *user)
{
    g_autofree char *prompt = g_strdup_printf("Password for %s", user);
    return ctl_get_secret("PATEN_PASSWORD", prompt);
}

/* The first line of path, for --password-file; NULL after saying why. A file others can read is
 * refused: a password there is no secret. */
static char *read_password_file(const char *path)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    GStatBuf st;
    char *password;

    if (g_stat(path, &st) != 0) {
        ctl_say_error("cannot read the password file %s: %s", path, g_strerror(errno));
        return NULL;
    }
    if (st.st_mode & 0077) {
        ctl_say_error("the password file %s can be read by others: chmod 600 it", path);
        return NULL;
    }
    if (!g_file_get_contents(path, &text, NULL, &err)) {
        ctl_say_error("cannot read the password file: %s", err->message);
        return NULL;
    }
    text[strcspn(text, "\r\n")] = '\0';
    password = g_strdup(text);
    explicit_bzero(text, strlen(text));
    return password;
}

/* Prints err (an option parsing error) and where to look. */
static int usage_error(const char *what, const char *command)
{
    ctl_say_error("%s", what);
    fprintf(stderr, "Try 'patenctl %s%s--help'.\n", command ? command : "", command ? " " : "");
    return EXIT_USAGE;
}

static int run(int argc, char **argv)
{
    g_autoptr(GOptionContext) top = g_option_context_new("COMMAND [ARGS...]");
    g_autoptr(GOptionContext) sub = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *summary = help_summary();
    g_auto(GStrv) args = g_new0(char *, argc + 1);
    g_auto(GStrv) sub_args = NULL;
    const Command *cmd = NULL;
    const char *tls_ca, *tls_pin, *tls_cert, *tls_key;
    Ctl ctl = { 0 };
    int status;

    for (int i = 0; i < argc; i++)
        args[i] = g_strdup(argv[i]);

    g_option_context_set_summary(top, summary);
    g_option_context_set_description(top, help_description);
    g_option_context_add_main_entries(top, global_entries, NULL);
    /* Options after the command belong to the command (which accepts the global ones too). */
    g_option_context_set_strict_posix(top, TRUE);
    if (!g_option_context_parse_strv(top, &args, &err))
        return usage_error(err->message, NULL);
    if (args[1] == NULL) {
        g_autofree char *help = g_option_context_get_help(top, TRUE, NULL);
        ctl_say_error("no command given");
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(args[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (cmd == NULL) {
        GString *names = g_string_new(NULL);
        g_autofree char *what = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
            g_string_append_printf(names, "%s%s", i ? ", " : "", commands[i].name);
        what = g_strdup_printf("unknown command '%s' (commands: %s)", args[1], names->str);
        g_string_free(names, TRUE);
        return usage_error(what, NULL);
    }

    sub = g_option_context_new(cmd->params);
    g_option_context_set_summary(sub, cmd->summary);
    g_option_context_set_description(sub, help_description);
    if (cmd->entries != NULL)
        g_option_context_add_main_entries(sub, cmd->entries, NULL);
    g_option_context_add_main_entries(sub, global_entries, NULL);
    g_option_context_set_ignore_unknown_options(sub, cmd->own_options);
    sub_args = g_strdupv(args + 1);
    if (!g_option_context_parse_strv(sub, &sub_args, &err))
        return usage_error(err->message, cmd->name);
    if (opt_timeout != -1 && !(opt_timeout >= 0 && opt_timeout <= G_MAXUINT / 1000.0))
        return usage_error("--timeout must be a number of seconds, 0 or more", cmd->name);

    tls_ca = opt_ca && *opt_ca ? opt_ca : g_getenv("PATEN_CA");
    tls_pin = opt_pin && *opt_pin ? opt_pin : g_getenv("PATEN_PIN");
    tls_cert = opt_cert && *opt_cert ? opt_cert : g_getenv("PATEN_CERT");
    tls_key = opt_key && *opt_key ? opt_key : g_getenv("PATEN_CERT_KEY");
    if (tls_pin != NULL && *tls_pin != '\0' && !paten_connection_pin_is_valid(tls_pin))
        return usage_error("--pin must be the SHA-256 of the server's certificate: 64 hex digits "
                           "(colons allowed)",
                           cmd->name);
    if (tls_key != NULL && *tls_key != '\0' && (tls_cert == NULL || *tls_cert == '\0'))
        return usage_error("--cert-key needs --cert", cmd->name);

    ctl.server = opt_server && *opt_server ? opt_server : g_getenv("PATEN_SERVER");
    if (ctl.server == NULL || *ctl.server == '\0')
        ctl.server = DEFAULT_SERVER;
    ctl.user = opt_user && *opt_user ? opt_user : g_getenv("PATEN_USER");
    if (ctl.user != NULL && *ctl.user == '\0')
        ctl.user = NULL;
    /* Asked before connecting, so that a prompt does not race the server's Hello timeout. */
    if (ctl.user != NULL) {
        ctl.password =
            opt_password_file ? read_password_file(opt_password_file) : ctl_get_password(ctl.user);
        if (ctl.password == NULL)
            return EXIT_USAGE;
    }
    ctl.conn = paten_connection_new(ctl.server, "patenctl", PATEN_VERSION);
    g_object_set(ctl.conn, "tls", opt_tls, "tls-ca-file", tls_ca, "tls-pin", tls_pin,
                 "tls-cert-file", tls_cert, "tls-key-file", tls_key, "allow-plaintext",
                 opt_insecure_plaintext, NULL);
    ctl.loop = g_main_loop_new(NULL, FALSE);
    if (opt_timeout >= 0)
        g_object_set(ctl.conn, "call-timeout", seconds_to_ms(opt_timeout), "connect-timeout",
                     seconds_to_ms(opt_timeout), NULL);

    status = cmd->run(&ctl, sub_args + 1, (int)g_strv_length(sub_args + 1));

    paten_connection_close(ctl.conn);
    g_clear_object(&ctl.conn);
    /* Let the socket close that the connection started run to its end, so that nothing is left
     * half-done (or reported as leaked) at exit. Bounded: nothing here repeats forever. */
    for (int i = 0; i < 100 && g_main_context_iteration(NULL, FALSE); i++)
        ;
    g_main_loop_unref(ctl.loop);
    if (ctl.password != NULL) {
        explicit_bzero(ctl.password, strlen(ctl.password));
        g_free(ctl.password);
    }
    return status;
}

int main(int argc, char **argv)
{
    int status;

    /* The user's locale for GLib's own texts (option errors, system error messages), but C
     * numbers: scripts parse "0.4 ms", never "0,4 ms". */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    g_set_prgname("patenctl");
    status = run(argc, argv);
    g_free(opt_server);
    g_free(opt_user);
    g_free(opt_password_file);
    g_free(opt_ca);
    g_free(opt_pin);
    g_free(opt_cert);
    g_free(opt_key);
    return status;
}
