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

/* ---- command groups (ctl_sub.c) ---------------------------------------------------------- */

/* One subcommand of a group ("user add"): its options and what runs it (which connects with
 * ctl_open itself, after any prompt, so that a prompt never races the server's Hello timeout). */
struct ctl_sub {
    const char *name;
    const char *usage; /* "user add USERNAME --name NAME ..." */
    const GOptionEntry *entries;
    int (*run)(Ctl *ctl, char **args, int nargs);
};

const struct paten_msg_info *ctl_rpc(int type);

/* A fresh idempotency key (g_free it). */
char *ctl_new_key(void);

/* Parses args (args[0] is the subcommand) with entries; *args becomes the positional arguments
 * after it (a new GStrv the caller frees) and *nargs their count. */
int ctl_parse_options(const char *usage, const GOptionEntry *entries, int *nargs, char ***args);

/* Finds args[0] among subs, insists on --user (who: the roles it needs, for the message), parses
 * its options and runs it. Returns the exit status. */
int ctl_run_sub(Ctl *ctl, const char *group, const char *who, const struct ctl_sub *subs,
                size_t nsubs, char **args, int nargs);

/* The id of office `code` in the caller's region, or 0 after saying so (*status set). */
int64_t ctl_office_id(Ctl *ctl, const char *code, int *status);

/* patenctl user ..., patenctl audit ... (ctl_admin.c) */
int ctl_cmd_user(Ctl *ctl, char **args, int nargs);
int ctl_cmd_audit(Ctl *ctl, char **args, int nargs);

/* patenctl verify, patenctl keys (ctl_verify.c) */
extern const GOptionEntry ctl_verify_entries[];
int ctl_cmd_verify(Ctl *ctl, char **args, int nargs);
int ctl_cmd_keys(Ctl *ctl, char **args, int nargs);

/* patenctl calendar ..., patenctl service ... (ctl_catalog.c) */
int ctl_cmd_calendar(Ctl *ctl, char **args, int nargs);
int ctl_cmd_service(Ctl *ctl, char **args, int nargs);

/* patenctl register ... (ctl_register.c) */
extern const GOptionEntry ctl_register_entries[];
int ctl_cmd_register(Ctl *ctl, char **args, int nargs);

/* patenctl tariff ..., regime ..., assess ..., taxpayer ... (ctl_assess.c) */
int ctl_cmd_tariff(Ctl *ctl, char **args, int nargs);
int ctl_cmd_regime(Ctl *ctl, char **args, int nargs);
int ctl_cmd_assess(Ctl *ctl, char **args, int nargs);
int ctl_cmd_taxpayer(Ctl *ctl, char **args, int nargs);

#endif
