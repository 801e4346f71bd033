/*
 * pd_demo.c: loading the demo data (see pd_demo.h).
 *
 * The SQL files under server/demo/ are compiled into patend as GResources and run in name order
 * in one transaction, together with the marker row that says the demo is loaded. An advisory
 * transaction lock keeps two patend processes started with --demo at once from loading it twice.
 * The national holidays come from data/holidays/ (embedded too), read as `patenctl calendar
 * import` reads them, so the demo's deadlines skip the same days a deployment's do.
 */
#include "pd_demo.h"

#include "paten_holidays.h"
#include "pd_clock.h"
#include "pd_hash.h"
#include "pd_log.h"

#include <gio/gio.h>
#include <sodium.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An arbitrary constant shared by every patend: "PATEDEMO" in ASCII. */
#define DEMO_LOCK_KEY "5053544544454d4f"

static int exec_ok(PGconn *pg, const char *sql, const char *what)
{
    PGresult *r = PQexec(pg, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

    if (!ok)
        pd_error(0, "demo data: %s failed: %s", what, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every embedded demo file in name order; the caller holds the transaction. */
static int run_files(PGconn *pg)
{
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) names =
        g_resources_enumerate_children("/org/paten/demo", G_RESOURCE_LOOKUP_FLAGS_NONE, &err);
    size_t n;

    if (names == NULL) {
        pd_error(0, "demo data: no embedded files: %s", err->message);
        return -1;
    }
    n = g_strv_length(names);
    qsort(names, n, sizeof(char *), (int (*)(const void *, const void *))compare_names);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *path = NULL;
        g_autoptr(GBytes) bytes = NULL;
        gsize size;
        const char *data;

        if (!g_str_has_suffix(names[i], ".sql"))
            continue;
        path = g_strconcat("/org/paten/demo/", names[i], NULL);
        bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, &err);
        if (bytes == NULL) {
            pd_error(0, "demo data: cannot read %s: %s", path, err->message);
            return -1;
        }
        data = g_bytes_get_data(bytes, &size);
        g_autofree char *sql = g_strndup(data, size);
        if (exec_ok(pg, sql, names[i]) < 0)
            return -1;
    }
    return 0;
}

/* Inserts the national closed days of every embedded holidays-YYYY.csv. */
static int load_holidays(PGconn *pg)
{
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) names =
        g_resources_enumerate_children("/org/paten/demo", G_RESOURCE_LOOKUP_FLAGS_NONE, &err);

    if (names == NULL) {
        pd_error(0, "demo data: no embedded files: %s", err->message);
        return -1;
    }
    for (size_t i = 0; names[i] != NULL; i++) {
        g_autofree char *path = NULL;
        g_autoptr(GBytes) bytes = NULL;
        struct paten_holiday *days = NULL;
        char why[200];
        gsize size;
        const char *data;
        int n;

        if (!g_str_has_prefix(names[i], "holidays-") || !g_str_has_suffix(names[i], ".csv"))
            continue;
        path = g_strconcat("/org/paten/demo/", names[i], NULL);
        bytes = g_resources_lookup_data(path, G_RESOURCE_LOOKUP_FLAGS_NONE, &err);
        if (bytes == NULL) {
            pd_error(0, "demo data: cannot read %s: %s", path, err->message);
            return -1;
        }
        data = g_bytes_get_data(bytes, &size);
        n = paten_holidays_parse(data, size, &days, why, sizeof why);
        if (n < 0) {
            pd_error(0, "demo data: %s: %s", names[i], why);
            return -1;
        }
        for (int d = 0; d < n; d++) {
            const char *params[3] = {
                days[d].date,
                days[d].kind == PATEN_HOLIDAY_CUTI_BERSAMA ? "CUTI_BERSAMA" : "NATIONAL_HOLIDAY",
                days[d].name,
            };
            PGresult *r = PQexecParams(pg,
                                       "INSERT INTO closed_days (day, kind, name, created_at) "
                                       "VALUES ($1::date, $2::closed_day_kind, $3::text, "
                                       "current_setting('paten.now')::timestamptz)",
                                       3, NULL, params, NULL, NULL, 0);

            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                pd_error(0, "demo data: %s %s: %s", names[i], days[d].date,
                         PQresultErrorMessage(r));
                PQclear(r);
                free(days);
                return -1;
            }
            PQclear(r);
        }
        free(days);
    }
    return 0;
}

/*
 * The demo users all share one password: PATEN_DEMO_PASSWORD when set, otherwise a generated one
 * printed once here (it is not stored anywhere in clear). One Argon2id hash serves them all: a
 * demo's convenience, never a real deployment's practice.
 */
static int set_demo_password(PGconn *pg)
{
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
    const char *given = getenv("PATEN_DEMO_PASSWORD");
    char generated[17];
    char hash[256];
    const char *params[1];
    const char *password = given;
    PGresult *r;

    if (given == NULL || given[0] == '\0') {
        for (size_t i = 0; i < sizeof generated - 1; i++)
            generated[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
        generated[sizeof generated - 1] = '\0';
        password = generated;
    }
    if (!pd_hash_make_now(password, hash, sizeof hash)) {
        pd_error(0, "demo data: cannot hash the demo password");
        return -1;
    }
    params[0] = hash;
    r = PQexecParams(pg, "SELECT set_config('paten.demo_password_hash', $1, true)", 1, NULL, params,
                     NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pd_error(0, "demo data: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    if (password == generated)
        pd_info(0, "demo users' password (shown once; set PATEN_DEMO_PASSWORD to choose it): %s",
                generated);
    else
        pd_info(0, "demo users' password: the value of PATEN_DEMO_PASSWORD");
    sodium_memzero(generated, sizeof generated);
    return 0;
}

int pd_demo_load(const char *owner_conninfo)
{
    PGconn *pg = PQconnectdb(owner_conninfo);
    PGresult *r;
    char now[32];
    const char *params[1];
    int rc = -1;

    if (PQstatus(pg) != CONNECTION_OK) {
        pd_error(0, "demo data: cannot connect: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return -1;
    }
    if (exec_ok(pg, "BEGIN", "BEGIN") < 0 ||
        exec_ok(pg, "SELECT pg_advisory_xact_lock(x'" DEMO_LOCK_KEY "'::bigint)", "lock") < 0)
        goto out;
    r = PQexec(pg, "SELECT value FROM settings WHERE key = 'demo.loaded_at'");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pd_error(0, "demo data: cannot read settings: %s", PQresultErrorMessage(r));
        PQclear(r);
        goto out;
    }
    if (PQntuples(r) > 0) {
        pd_info(0, "demo data already loaded (%s)", PQgetvalue(r, 0, 0));
        PQclear(r);
        rc = exec_ok(pg, "COMMIT", "COMMIT");
        goto out;
    }
    PQclear(r);
    /* A database that already serves a real deployment must never receive demo users. */
    r = PQexec(pg, "SELECT (SELECT count(*) FROM settings WHERE key = 'deployment.kind') + "
                   "(SELECT count(*) FROM users)");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || strcmp(PQgetvalue(r, 0, 0), "0") != 0) {
        pd_error(0, "demo data: refusing: this database is not empty (it holds a deployment or "
                    "users); start without --demo");
        PQclear(r);
        goto out;
    }
    PQclear(r);
    /* The demo files read the business time from paten.now, local to this transaction. */
    snprintf(now, sizeof now, "%" PRId64, pd_clock_now_ms());
    params[0] = now;
    r = PQexecParams(pg,
                     "SELECT set_config('paten.now', "
                     "to_timestamp($1::bigint / 1000.0)::text, true)",
                     1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pd_error(0, "demo data: cannot set the clock: %s", PQresultErrorMessage(r));
        PQclear(r);
        goto out;
    }
    PQclear(r);
    if (set_demo_password(pg) < 0)
        goto out;
    if (run_files(pg) < 0 || load_holidays(pg) < 0)
        goto out;
    r = PQexec(pg, "INSERT INTO settings (key, value, updated_at) "
                   "VALUES ('demo.loaded_at', current_setting('paten.now'), "
                   "current_setting('paten.now')::timestamptz)");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pd_error(0, "demo data: cannot record it: %s", PQresultErrorMessage(r));
        PQclear(r);
        goto out;
    }
    PQclear(r);
    if (exec_ok(pg, "COMMIT", "COMMIT") < 0)
        goto out;
    pd_info(0, "demo data loaded");
    rc = 0;
out:
    PQfinish(pg);
    return rc;
}
