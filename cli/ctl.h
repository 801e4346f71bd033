/*
 * ctl.h: what patenctl's commands share: the connection state, the exit statuses, and the helpers
 * that call one rpc and wait for it on the GLib main loop.
 */
#ifndef PATEN_CTL_H
#define PATEN_CTL_H

#include "paten-connection.h"
#include "paten_msg.h"

#include <glib.h>

enum {
    EXIT_OK = 0,
    EXIT_ERROR_REPLY = 1,
    EXIT_USAGE = 2,
    EXIT_CONNECTION = 3,
};

typedef struct {
    GMainLoop *loop;
    PatenConnection *conn;
    const char *server;
    const char *user;     /* log in as this user after Hello, or NULL */
    char *password;       /* the user's password (wiped after the Login) */
    GAsyncResult *result; /* set by on_done for wait_result */
    /* watch */
    gboolean watching;     /* connected, and the state handler may end the watch */
    gboolean interrupted;  /* SIGINT or SIGTERM arrived */
    gboolean saw_shutdown; /* the server announced its shutdown */
    int watch_status;      /* the exit status once the watch has ended, else -1 */
} Ctl;

/* "patenctl: " + the message on stderr. */
void ctl_say_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Writes text and a newline to stdout and flushes; FALSE when stdout cannot be written. */
gboolean ctl_put_line(const char *text);

/* The async callback that hands the result to ctl_wait_result. */
void ctl_on_done(GObject *src, GAsyncResult *res, gpointer data);
GAsyncResult *ctl_wait_result(Ctl *ctl);

/* Connects, says Hello and, with --user, logs in. Returns EXIT_OK or the exit status after
 * saying what failed. */
int ctl_open(Ctl *ctl);

/* Makes one call and waits. Returns the reply (free with protobuf_c_message_free_unpacked(msg,
 * NULL)) or NULL with *status set after printing the failure (an error reply as JSON). */
ProtobufCMessage *ctl_call(Ctl *ctl, const struct paten_msg_info *info,
                           const ProtobufCMessage *request, int *status);

/* Prints msg as JSON on stdout. Returns the exit status. */
int ctl_print_reply(const ProtobufCMessage *msg, gboolean emit_defaults, gboolean pretty);

/* A secret for `who`: $env_var when set, else asked on the terminal without echo; NULL after
 * saying why. */
char *ctl_get_secret(const char *env_var, const char *prompt);

/* The password for --user ($PATEN_PASSWORD or asked). */
char *ctl_get_password(const char *user);

/* patenctl user ..., patenctl audit ... (ctl_admin.c) */
int ctl_cmd_user(Ctl *ctl, char **args, int nargs);
int ctl_cmd_audit(Ctl *ctl, char **args, int nargs);

#endif
