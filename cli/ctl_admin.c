/*
 * ctl_admin.c: patenctl's administration commands:
 *
 *   patenctl --user ADMIN user list [--office CODE] [--all] [--json]
 *   patenctl --user ADMIN user add USERNAME --name NAME --office CODE --role ROLE[,ROLE...]
 *                                  [--nip NIP]          (initial password: $PATEN_NEW_PASSWORD
 *                                                        or asked)
 *   patenctl --user ADMIN user deactivate USERNAME --reason TEXT
 *   patenctl --user ADMIN user reset-password USERNAME   (temporary password: as for add)
 *   patenctl --user AUDITOR audit verify [--json]
 *
 * Users are named by username and offices by code on the command line; these commands look up
 * the ids and versions the protocol wants (ListUsers, ListOffices) on the same connection. Each
 * change carries a new idempotency key.
 */
#include "ctl.h"

#include "paten_error.h"
#include "pbjson.h"

#include <stdio.h>
#include <string.h>

static char *o_name, *o_office, *o_roles, *o_nip, *o_reason;
static gboolean o_all, o_json;

static const GOptionEntry list_entries[] = {
    { "office", 0, 0, G_OPTION_ARG_STRING, &o_office, "only this office", "CODE" },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &o_all, "include deactivated users", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the ListUsers reply as JSON", NULL },
    { NULL },
};

static const GOptionEntry add_entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &o_name, "full name", "NAME" },
    { "office", 0, 0, G_OPTION_ARG_STRING, &o_office, "the user's office", "CODE" },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &o_roles, "roles, comma-separated (LOKET,KASIR)",
      "ROLE[,ROLE...]" },
    { "nip", 0, 0, G_OPTION_ARG_STRING, &o_nip, "the 18-digit NIP", "NIP" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL },
    { NULL },
};

static const GOptionEntry deactivate_entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &o_reason, "why (kept in the audit log)", "TEXT" },
    { NULL },
};

static const GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &o_json, "print the reply as JSON", NULL },
    { NULL },
};

static gboolean role_from_name(const char *name, Paten__Role *out)
{
    g_autofree char *up = g_ascii_strup(name, -1);
    g_autofree char *full = g_strconcat("ROLE_", up, NULL);
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value_by_name(&paten__role__descriptor, full);

    if (v == NULL || v->value == 0)
        return FALSE;
    *out = (Paten__Role)v->value;
    return TRUE;
}

static const char *role_name(int r)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&paten__role__descriptor, r);
    return v ? v->name + strlen("ROLE_") : "?";
}

/* Every user of the region (with deactivated ones when all), or NULL after saying why. */
static Paten__ListUsersReply *list_users(Ctl *ctl, int64_t office, gboolean all, int *status)
{
    Paten__ListUsersRequest req = PATEN__LIST_USERS_REQUEST__INIT;

    req.office_id = office;
    req.include_inactive = all;
    return (Paten__ListUsersReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS), &req.base, status);
}

/* Finds username among the region's users (deactivated ones too). */
static const Paten__User *find_user(const Paten__ListUsersReply *users, const char *username)
{
    for (size_t i = 0; i < users->n_users; i++)
        if (strcmp(users->users[i]->username, username) == 0)
            return users->users[i];
    return NULL;
}

static void print_user_line(const Paten__User *u)
{
    GString *roles = g_string_new(NULL);
    g_autofree char *line = NULL;

    for (size_t r = 0; r < u->n_roles; r++)
        g_string_append_printf(roles, "%s%s", r ? "," : "", role_name(u->roles[r]));
    line = g_strdup_printf("%-32s %-18s %-24s %-28s %s", u->username, u->office->code, roles->str,
                           u->name, u->active ? "" : "(deactivated)");
    ctl_put_line(g_strchomp(line));
    g_string_free(roles, TRUE);
}

static int user_list(Ctl *ctl, char **args, int nargs)
{
    Paten__ListUsersReply *reply;
    int64_t office = 0;
    int status = EXIT_OK;

    (void)args;
    if (nargs != 0) {
        ctl_say_error("user list takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    if (o_office && (office = ctl_office_id(ctl, o_office, &status)) == 0)
        return status;
    reply = list_users(ctl, office, o_all, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = ctl_print_reply(&reply->base, FALSE, TRUE);
    } else {
        ctl_put_line("USERNAME                         OFFICE             ROLES                    "
                     "NAME");
        for (size_t i = 0; i < reply->n_users; i++)
            print_user_line(reply->users[i]);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

/* Sends a user-changing request and reports its UserReply. */
static int send_user_change(Ctl *ctl, int type, ProtobufCMessage *req, const char *done)
{
    Paten__UserReply *reply;
    int status = EXIT_OK;

    reply = (Paten__UserReply *)ctl_call(ctl, ctl_rpc(type), req, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = ctl_print_reply(&reply->base, FALSE, TRUE);
    } else {
        g_autofree char *line =
            g_strdup_printf("%s %s (id %" G_GINT64_FORMAT ", version %" G_GINT64_FORMAT ")", done,
                            reply->user->username, reply->user->id, reply->user->version);
        ctl_put_line(line);
    }
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}

static int user_add(Ctl *ctl, char **args, int nargs)
{
    Paten__CreateUserRequest req = PATEN__CREATE_USER_REQUEST__INIT;
    g_autofree Paten__Role *roles = NULL;
    g_auto(GStrv) names = NULL;
    g_autofree char *key = ctl_new_key();
    g_autofree char *prompt = NULL;
    char *password;
    int status = EXIT_OK;
    size_t n = 0;

    if (nargs != 1 || !o_name || !o_office || !o_roles) {
        ctl_say_error("usage: patenctl user add USERNAME --name NAME --office CODE "
                      "--role ROLE[,ROLE...] [--nip NIP]");
        return EXIT_USAGE;
    }
    names = g_strsplit(o_roles, ",", -1);
    roles = g_new0(Paten__Role, g_strv_length(names) + 1);
    for (guint i = 0; names[i]; i++) {
        if (!role_from_name(g_strstrip(names[i]), &roles[n])) {
            ctl_say_error("unknown role '%s' (LOKET, CAMAT, SEKRETARIAT, TIM_TEKNIS, KASIR, "
                          "PETUGAS_SKRD, PETUGAS_PAJAK, BENDAHARA, PIMPINAN, AUDITOR, ADMIN)",
                          names[i]);
            return EXIT_USAGE;
        }
        n++;
    }
    prompt = g_strdup_printf("Initial password for %s", args[0]);
    password = ctl_get_secret("PATEN_NEW_PASSWORD", prompt);
    if (password == NULL)
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        goto out;
    req.office_id = ctl_office_id(ctl, o_office, &status);
    if (req.office_id == 0)
        goto out;
    req.idempotency_key = key;
    req.username = args[0];
    req.name = o_name;
    req.nip = o_nip ? o_nip : "";
    req.roles = roles;
    req.n_roles = n;
    req.initial_password = password;
    status =
        send_user_change(ctl, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER, &req.base, "created");
out:
    explicit_bzero(password, strlen(password));
    g_free(password);
    return status;
}

static int user_deactivate(Ctl *ctl, char **args, int nargs)
{
    Paten__DeactivateUserRequest req = PATEN__DEACTIVATE_USER_REQUEST__INIT;
    g_autofree char *key = ctl_new_key();
    Paten__ListUsersReply *users;
    const Paten__User *u;
    int status = EXIT_OK;

    if (nargs != 1 || !o_reason) {
        ctl_say_error("usage: patenctl user deactivate USERNAME --reason TEXT");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    users = list_users(ctl, 0, TRUE, &status);
    if (users == NULL)
        return status;
    u = find_user(users, args[0]);
    if (u == NULL) {
        ctl_say_error("no user '%s' in your region", args[0]);
        status = EXIT_USAGE;
    } else {
        req.idempotency_key = key;
        req.user_id = u->id;
        req.version = u->version;
        req.reason = o_reason;
        status = send_user_change(ctl, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DEACTIVATE_USER, &req.base,
                                  "deactivated");
    }
    protobuf_c_message_free_unpacked(&users->base, NULL);
    return status;
}

static int user_reset_password(Ctl *ctl, char **args, int nargs)
{
    Paten__ResetPasswordRequest req = PATEN__RESET_PASSWORD_REQUEST__INIT;
    g_autofree char *key = ctl_new_key();
    g_autofree char *prompt = NULL;
    Paten__ListUsersReply *users = NULL;
    const Paten__User *u;
    char *password;
    int status = EXIT_OK;

    if (nargs != 1) {
        ctl_say_error("usage: patenctl user reset-password USERNAME");
        return EXIT_USAGE;
    }
    prompt = g_strdup_printf("Temporary password for %s", args[0]);
    password = ctl_get_secret("PATEN_NEW_PASSWORD", prompt);
    if (password == NULL)
        return EXIT_USAGE;
    if ((status = ctl_open(ctl)) != EXIT_OK)
        goto out;
    users = list_users(ctl, 0, TRUE, &status);
    if (users == NULL)
        goto out;
    u = find_user(users, args[0]);
    if (u == NULL) {
        ctl_say_error("no user '%s' in your region", args[0]);
        status = EXIT_USAGE;
        goto out;
    }
    req.idempotency_key = key;
    req.user_id = u->id;
    req.new_password = password;
    status = send_user_change(ctl, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESET_PASSWORD, &req.base,
                              "reset the password of (must change it at next login)");
out:
    if (users)
        protobuf_c_message_free_unpacked(&users->base, NULL);
    explicit_bzero(password, strlen(password));
    g_free(password);
    return status;
}

static const struct ctl_sub user_subs[] = {
    { "list", "user list [--office CODE] [--all] [--json]", list_entries, user_list },
    { "add", "user add USERNAME --name NAME --office CODE --role ROLE[,ROLE...] [--nip NIP]",
      add_entries, user_add },
    { "deactivate", "user deactivate USERNAME --reason TEXT", deactivate_entries, user_deactivate },
    { "reset-password", "user reset-password USERNAME", json_entries, user_reset_password },
};

int ctl_cmd_user(Ctl *ctl, char **args, int nargs)
{
    return ctl_run_sub(ctl, "user", "ADMIN", user_subs, G_N_ELEMENTS(user_subs), args, nargs);
}

int ctl_cmd_audit(Ctl *ctl, char **args, int nargs)
{
    Paten__VerifyAuditRequest req = PATEN__VERIFY_AUDIT_REQUEST__INIT;
    Paten__VerifyAuditReply *reply;
    g_auto(GStrv) rest = NULL;
    char **rp = args;
    int n = nargs;
    int status = EXIT_OK;

    if (nargs < 1 || strcmp(args[0], "verify") != 0) {
        ctl_say_error("usage: patenctl --user AUDITOR audit verify [--json]");
        return EXIT_USAGE;
    }
    if (ctl->user == NULL) {
        ctl_say_error("audit verify needs --user (an AUDITOR, ADMIN or PIMPINAN) or $PATEN_USER");
        return EXIT_USAGE;
    }
    if ((status = ctl_parse_options("audit verify [--json]", json_entries, &n, &rp)) != EXIT_OK)
        return status;
    rest = rp;
    if (n != 0) {
        ctl_say_error("audit verify takes no arguments");
        return EXIT_USAGE;
    }
    if ((status = ctl_open(ctl)) != EXIT_OK)
        return status;
    reply = (Paten__VerifyAuditReply *)ctl_call(
        ctl, ctl_rpc(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VERIFY_AUDIT), &req.base, &status);
    if (reply == NULL)
        return status;
    if (o_json) {
        status = ctl_print_reply(&reply->base, TRUE, TRUE);
    } else {
        for (size_t i = 0; i < reply->n_chains; i++) {
            const Paten__AuditChainStatus *c = reply->chains[i];
            g_autofree char *line =
                c->intact
                    ? g_strdup_printf("%-24s %6" G_GUINT64_FORMAT " rows  intact", c->office_code,
                                      c->rows)
                    : g_strdup_printf("%-24s %6" G_GUINT64_FORMAT
                                      " rows  BROKEN at row %" G_GUINT64_FORMAT ": %s",
                                      c->office_code, c->rows, c->first_broken_seq, c->problem);
            ctl_put_line(line);
        }
        ctl_put_line(reply->intact ? "every audit chain is intact"
                                   : "an audit chain is broken: see above");
    }
    if (status == EXIT_OK && !reply->intact)
        status = EXIT_ERROR_REPLY;
    protobuf_c_message_free_unpacked(&reply->base, NULL);
    return status;
}
