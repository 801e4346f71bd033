/*
 * pd_bootstrap.c: --create-admin and --dump-handlers (see pd_bootstrap.h).
 *
 * These run before (instead of) the event loop, so blocking libpq and terminal reads are fine.
 */
#include "pd_bootstrap.h"

#include "paten.pb-c.h"
#include "paten_msg.h"
#include "pd_clock.h"
#include "pd_dispatch.h"
#include "pd_hash.h"
#include "pd_log.h"
#include "pd_session.h"

#include <ctype.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MIN 8

/* Reads a line from the terminal without echo; returns false when there is no terminal. */
static bool read_secret(const char *prompt, char *out, size_t cap)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    struct termios old, quiet;
    size_t n = 0;
    bool ok = true;

    if (fd < 0)
        return false;
    if (write(fd, prompt, strlen(prompt)) < 0 || tcgetattr(fd, &old) != 0) {
        close(fd);
        return false;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        close(fd);
        return false;
    }
    while (n + 1 < cap) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r <= 0) {
            ok = false;
            break;
        }
        if (ch == '\n' || ch == '\r')
            break;
        out[n++] = ch;
    }
    out[n] = '\0';
    tcsetattr(fd, TCSAFLUSH, &old);
    (void)!write(fd, "\n", 1);
    close(fd);
    return ok;
}

static int get_password(char *out, size_t cap)
{
    const char *env = getenv("PATEN_PASSWORD");
    char again[256];

    if (env && env[0]) {
        snprintf(out, cap, "%s", env);
    } else {
        if (!read_secret("Password for the new ADMIN: ", out, cap) ||
            !read_secret("Again: ", again, sizeof again)) {
            fprintf(stderr, "patend: no terminal to ask for the password: set PATEN_PASSWORD\n");
            return -1;
        }
        if (strcmp(out, again) != 0) {
            sodium_memzero(again, sizeof again);
            fprintf(stderr, "patend: the two passwords differ\n");
            return -1;
        }
        sodium_memzero(again, sizeof again);
    }
    if (strlen(out) < PASSWORD_MIN) {
        fprintf(stderr, "patend: the password needs at least %d characters\n", PASSWORD_MIN);
        return -1;
    }
    return 0;
}

static PGresult *exec_params(PGconn *pg, const char *sql, int n, const char *const *params)
{
    return PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
}

static bool ok_result(PGresult *r, const char *what)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return true;
    fprintf(stderr, "patend: %s: %s", what, PQresultErrorMessage(r));
    return false;
}

int pd_bootstrap_create_admin(const struct pd_config *cfg, const char *owner_conninfo)
{
    char password[256], hash[256], now[32];
    const char *name = cfg->admin_name ? cfg->admin_name : cfg->create_admin;
    PGconn *pg = NULL;
    PGresult *r = NULL;
    char region_id[32] = "", office_id[32] = "", user_id[32] = "";
    bool created_office = false;
    int rc = -1;

    if (cfg->region == NULL) {
        fprintf(stderr, "patend: --create-admin needs --region CODE\n");
        return -1;
    }
    if (get_password(password, sizeof password) < 0)
        return -1;
    if (!pd_hash_make_now(password, hash, sizeof hash)) {
        fprintf(stderr, "patend: cannot hash the password\n");
        goto out;
    }
    snprintf(now, sizeof now, "%lld", (long long)pd_clock_now_ms());
    pg = PQconnectdb(owner_conninfo);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "patend: cannot connect: %s", PQerrorMessage(pg));
        goto out;
    }
    r = PQexec(pg, "BEGIN");
    if (!ok_result(r, "BEGIN"))
        goto out;
    PQclear(r);

    {
        const char *p[1] = { cfg->region };
        r = exec_params(pg, "SELECT id FROM regions WHERE code = $1", 1, p);
        if (!ok_result(r, "finding the region"))
            goto out;
        if (PQntuples(r) == 1)
            snprintf(region_id, sizeof region_id, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        r = NULL;
    }
    if (region_id[0] == '\0') {
        if (cfg->region_name == NULL || cfg->time_zone == NULL) {
            fprintf(stderr,
                    "patend: region '%s' does not exist; to create it, add --region-name "
                    "'Kabupaten ...' and --time-zone Asia/Jakarta|Asia/Makassar|Asia/Jayapura\n",
                    cfg->region);
            goto out;
        }
        const char *p[4] = { cfg->region, cfg->region_name, cfg->time_zone, now };
        r = exec_params(pg,
                        "INSERT INTO regions (code, name, time_zone, created_at) "
                        "VALUES ($1, $2, $3, ms_to_ts($4::bigint)) RETURNING id",
                        4, p);
        if (!ok_result(r, "creating the region"))
            goto out;
        snprintf(region_id, sizeof region_id, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        r = NULL;
    }
    {
        const char *p[1] = { region_id };
        r = exec_params(pg, "SELECT id FROM offices WHERE region_id = $1 AND kind = 'PEMDA'", 1, p);
        if (!ok_result(r, "finding the PEMDA office"))
            goto out;
        if (PQntuples(r) == 1)
            snprintf(office_id, sizeof office_id, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
        r = NULL;
    }
    if (office_id[0] == '\0') {
        char code[64], oname[256];
        const char *p[4] = { region_id, code, oname, now };
        snprintf(code, sizeof code, "pemda-%s", cfg->region);
        snprintf(oname, sizeof oname, "Pemerintah %s",
                 cfg->region_name ? cfg->region_name : cfg->region);
        r = exec_params(pg,
                        "INSERT INTO offices (region_id, code, name, kind, created_at) "
                        "VALUES ($1, $2, $3, 'PEMDA', ms_to_ts($4::bigint)) RETURNING id",
                        4, p);
        if (!ok_result(r, "creating the PEMDA office"))
            goto out;
        snprintf(office_id, sizeof office_id, "%s", PQgetvalue(r, 0, 0));
        created_office = true;
        PQclear(r);
        r = NULL;
    }
    {
        const char *p[5] = { office_id, cfg->create_admin, name, hash, now };
        r = exec_params(pg,
                        "INSERT INTO users (office_id, username, name, password_hash, "
                        "created_at, updated_at) VALUES ($1, lower($2), $3, $4, "
                        "ms_to_ts($5::bigint), ms_to_ts($5::bigint)) RETURNING id",
                        5, p);
        if (!ok_result(r, "creating the user"))
            goto out;
        snprintf(user_id, sizeof user_id, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    {
        const char *p[3] = { user_id, office_id, now };
        r = exec_params(pg, "INSERT INTO user_roles (user_id, role) VALUES ($1, 'ADMIN')", 1, p);
        if (!ok_result(r, "giving the ADMIN role"))
            goto out;
        PQclear(r);
        r = exec_params(pg,
                        "INSERT INTO audit_log (office_id, at, connection, action, entity, "
                        "entity_id, after) SELECT $2::bigint, ms_to_ts($3::bigint), "
                        "'patend --create-admin', 'ADMIN_CREATED', 'user', $1::text, "
                        "user_snapshot($1::bigint)",
                        3, p);
        if (!ok_result(r, "auditing"))
            goto out;
        PQclear(r);
        r = exec_params(pg,
                        "INSERT INTO settings (key, value, updated_at) VALUES "
                        "('deployment.kind', 'production', ms_to_ts($1::bigint)) "
                        "ON CONFLICT (key) DO NOTHING",
                        1, p + 2);
        if (!ok_result(r, "marking the deployment"))
            goto out;
        PQclear(r);
        r = NULL;
    }
    if (created_office) {
        /* Running patend processes reload their office list. The body is an empty Event. */
        const char *p[2] = { now, region_id };
        r = exec_params(pg,
                        "SELECT emit_event(ms_to_ts($1::bigint), 'OFFICES_CHANGED', "
                        "$2::bigint, NULL, NULL, NULL, '\\x')",
                        2, p);
        if (!ok_result(r, "announcing the new office"))
            goto out;
        PQclear(r);
        r = NULL;
    }
    r = PQexec(pg, "COMMIT");
    if (!ok_result(r, "COMMIT"))
        goto out;
    printf("created ADMIN %s at the PEMDA office of %s\n", cfg->create_admin, cfg->region);
    rc = 0;
out:
    sodium_memzero(password, sizeof password);
    sodium_memzero(hash, sizeof hash);
    PQclear(r);
    PQfinish(pg);
    return rc;
}

void pd_bootstrap_dump_handlers(void)
{
    static const char *const scopes[] = { "none", "region", "office" };

    for (size_t i = 0; i < pd_dispatch_count(); i++) {
        const struct pd_handler *h = pd_dispatch_at(i);
        const struct paten_msg_info *m = paten_msg_by_type(h->type);
        bool first = true;

        printf("{\"type\": %u, \"name\": \"%s\", \"public\": %s, \"own_role\": %s, "
               "\"during_password_change\": %s, \"scope\": \"%s\", \"roles\": [",
               h->type, m ? m->name : "?", (h->flags & PD_HANDLER_PUBLIC) ? "true" : "false",
               (h->flags & PD_HANDLER_OWN_ROLE) ? "true" : "false",
               (h->flags & PD_HANDLER_PASSWORD) ? "true" : "false", scopes[h->scope]);
        for (int r = 1; r <= PATEN__ROLE__ROLE_ADMIN; r++) {
            if (!(h->flags & PD_HANDLER_PUBLIC) && (h->roles & PD_ROLE_BIT(r))) {
                printf("%s\"%s\"", first ? "" : ", ", pd_role_name(r));
                first = false;
            }
        }
        printf("]}\n");
    }
}
