/*
 * test_migrate.c: the migration runner (server/pd_migrate.c) against a real PostgreSQL, the
 * embedded cluster started once for the whole program. Each test starts from an empty database
 * "paten" (dropped and created again) so the tests do not depend on each other.
 *
 * PATEN_MIGRATIONS_DIR names the source migrations/ directory, to check that every .sql file in
 * it is embedded (listed in migrations.gresource.xml) with the same bytes.
 */
#include "pd_cluster.h"
#include "pd_migrate.h"

#include <errno.h>
#include <ftw.h>
#include <glib.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pd_cluster *cluster;
static char *tmp_root;

/* ---- helpers ---- */

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

struct capture {
    int saved;
    int fd;
};

static void capture_begin(struct capture *cap)
{
    char path[] = "/tmp/paten-test-stderr-XXXXXX";
    cap->fd = mkstemp(path);
    g_assert_cmpint(cap->fd, >=, 0);
    unlink(path);
    cap->saved = dup(STDERR_FILENO);
    g_assert_cmpint(cap->saved, >=, 0);
    g_assert_cmpint(dup2(cap->fd, STDERR_FILENO), ==, STDERR_FILENO);
}

static char *capture_end(struct capture *cap)
{
    char buf[16384];
    ssize_t n;

    g_assert_cmpint(dup2(cap->saved, STDERR_FILENO), ==, STDERR_FILENO);
    close(cap->saved);
    n = pread(cap->fd, buf, sizeof buf - 1, 0);
    close(cap->fd);
    g_assert_cmpint(n, >=, 0);
    buf[n] = '\0';
    g_printerr("%s", buf);
    return g_strdup(buf);
}

static PGconn *connect_or_die(const char *conninfo)
{
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK)
        g_error("connect: %s", PQerrorMessage(conn));
    return conn;
}

/* Runs sql (no result expected beyond success). */
static void exec_ok(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
        g_error("%s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
}

/* The single value of a one-row query, or NULL for SQL NULL. */
static char *value(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    char *out;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
        g_error("%s: %s", sql, PQresultErrorMessage(res));
    out = PQgetisnull(res, 0, 0) ? NULL : g_strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return out;
}

static char *owner_value(const char *sql)
{
    PGconn *conn = connect_or_die(pd_cluster_owner_conninfo(cluster));
    char *v = value(conn, sql);
    PQfinish(conn);
    return v;
}

static void owner_exec(const char *sql)
{
    PGconn *conn = connect_or_die(pd_cluster_owner_conninfo(cluster));
    exec_ok(conn, sql);
    PQfinish(conn);
}

/* The SQLSTATE a statement fails with, "" if it succeeds. */
static char *sqlstate_of(const char *conninfo, const char *sql)
{
    PGconn *conn = connect_or_die(conninfo);
    PGresult *res = PQexec(conn, sql);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    char *out = g_strdup(state ? state : "");
    PQclear(res);
    PQfinish(conn);
    return out;
}

/* An empty database paten owned by paten_owner. */
static void reset_db(void)
{
    PGconn *conn = connect_or_die(pd_cluster_superuser_conninfo(cluster));
    exec_ok(conn, "DROP DATABASE IF EXISTS paten WITH (FORCE)");
    exec_ok(conn, "CREATE DATABASE paten OWNER paten_owner");
    PQfinish(conn);
}

static int embedded_max(void)
{
    struct pd_migration *list;
    int n = pd_migrate_embedded(&list);
    g_assert_cmpint(n, >, 0);
    int max = list[n - 1].version;
    pd_migrate_free_list(list, (size_t)n);
    return max;
}

static int run_ok(void)
{
    int version = -1;
    g_assert_cmpint(pd_migrate_run(pd_cluster_owner_conninfo(cluster), &version), ==, 0);
    return version;
}

/* ---- tests ---- */

static void test_checksum(void)
{
    char hex[65];
    g_assert_cmpint(pd_migrate_checksum("abc", 3, hex), ==, 0);
    g_assert_cmpstr(hex, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Every migrations/NNNN_*.sql is embedded, byte for byte, and nothing else is. */
static void test_embedded_matches_source(void)
{
    const char *dir = g_getenv("PATEN_MIGRATIONS_DIR");
    if (dir == NULL) {
        g_test_message("PATEN_MIGRATIONS_DIR is not set: cannot compare with the source");
        g_test_fail();
        return;
    }
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".sql"))
            g_ptr_array_add(files, g_strdup(name));
    g_ptr_array_sort(files, (GCompareFunc)(void (*)(void))g_ascii_strcasecmp);

    struct pd_migration *list;
    int n = pd_migrate_embedded(&list);
    g_assert_cmpint(n, >=, 1);
    for (guint i = 0; i < files->len; i++) {
        const char *f = files->pdata[i];
        bool found = false;
        for (int j = 0; j < n; j++)
            if (strcmp(list[j].name, f) == 0) {
                g_autofree char *path = g_build_filename(dir, f, NULL);
                g_autofree char *text = NULL;
                gsize len;
                g_assert_true(g_file_get_contents(path, &text, &len, NULL));
                g_assert_cmpmem(text, len, list[j].sql, list[j].sql_len);
                found = true;
            }
        if (!found)
            g_test_message("%s/%s is not listed in migrations.gresource.xml", dir, f);
        g_assert_true(found);
    }
    g_assert_cmpint(n, ==, (int)files->len);
    g_assert_cmpint(list[0].version, ==, 1);
    g_assert_cmpstr(list[0].name, ==, "0001_foundation.sql");
    pd_migrate_free_list(list, (size_t)n);
}

static void test_fresh_apply(void)
{
    reset_db();
    g_assert_cmpint(run_ok(), ==, embedded_max());

    g_autofree char *rows = owner_value("SELECT count(*) FROM schema_migrations");
    g_assert_cmpint(atoi(rows), ==, embedded_max());
    /* The recorded checksum is the file's SHA-256, computed here independently. */
    struct pd_migration *list;
    int n = pd_migrate_embedded(&list);
    for (int i = 0; i < n; i++) {
        g_autofree char *sum = g_compute_checksum_for_data(
            G_CHECKSUM_SHA256, (const guchar *)list[i].sql, list[i].sql_len);
        g_autofree char *sql = g_strdup_printf(
            "SELECT checksum || ' ' || name FROM schema_migrations WHERE version = %d",
            list[i].version);
        g_autofree char *got = owner_value(sql);
        g_autofree char *want = g_strdup_printf("%s %s", sum, list[i].name);
        g_assert_cmpstr(got, ==, want);
    }
    pd_migrate_free_list(list, (size_t)n);
    g_autofree char *recent = owner_value(
        "SELECT bool_and(applied_at > now() - interval '5 minutes') FROM schema_migrations");
    g_assert_cmpstr(recent, ==, "t");

    g_autofree char *instances = owner_value("SELECT count(*) FROM paten_instance");
    g_assert_cmpstr(instances, ==, "1");
    g_autofree char *settings = owner_value("SELECT count(*) FROM settings");
    g_assert_cmpstr(settings, ==, "0");
}

static void test_rerun_is_noop(void)
{
    reset_db();
    run_ok();
    g_autofree char *before =
        owner_value("SELECT (SELECT id::text FROM paten_instance) || ' ' || "
                    "(SELECT string_agg(version || '@' || applied_at, ',' ORDER BY version) "
                    "FROM schema_migrations)");
    g_assert_cmpint(run_ok(), ==, embedded_max());
    g_autofree char *after =
        owner_value("SELECT (SELECT id::text FROM paten_instance) || ' ' || "
                    "(SELECT string_agg(version || '@' || applied_at, ',' ORDER BY version) "
                    "FROM schema_migrations)");
    g_assert_cmpstr(before, ==, after);
}

static void test_changed_checksum_refused(void)
{
    struct capture cap;
    int version = -1;

    reset_db();
    run_ok();
    g_autofree char *real = owner_value("SELECT checksum FROM schema_migrations WHERE version = 1");
    owner_exec("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");
    capture_begin(&cap);
    int rc = pd_migrate_run(pd_cluster_owner_conninfo(cluster), &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_autofree char *want = g_strdup_printf(
        "migration 0001_foundation.sql was changed after it was applied: checksum in database "
        "%s, in this build %s; never edit an applied migration, add a new one",
        "0000000000000000000000000000000000000000000000000000000000000000", real);
    g_assert_nonnull(strstr(err, want));
}

static void test_newer_schema_refused(void)
{
    struct capture cap;
    int version = -1;

    reset_db();
    run_ok();
    owner_exec("INSERT INTO schema_migrations VALUES "
               "(9999, '9999_from_the_future.sql', repeat('a', 64), now())");
    capture_begin(&cap);
    int rc = pd_migrate_run(pd_cluster_owner_conninfo(cluster), &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_autofree char *want = g_strdup_printf(
        "database schema 9999 is newer than this patend (%04d): upgrade patend", embedded_max());
    g_assert_nonnull(strstr(err, want));
}

#define RUNNERS 4

struct runner {
    pthread_t thread;
    int rc;
    int version;
};

static void *runner_main(void *arg)
{
    struct runner *r = arg;
    r->rc = pd_migrate_run(pd_cluster_owner_conninfo(cluster), &r->version);
    return NULL;
}

/* Several runners at once on an empty database: each migration is applied exactly once. The test
 * holds the migration lock until all runners are provably queued on it, so they really overlap. */
static void test_concurrent_runners(void)
{
    struct runner runners[RUNNERS];
    char key[64];

    reset_db();
    PGconn *holder = connect_or_die(pd_cluster_owner_conninfo(cluster));
    snprintf(key, sizeof key, "SELECT pg_advisory_lock(%lld)", (long long)PD_MIGRATE_LOCK_KEY);
    exec_ok(holder, key);
    for (int i = 0; i < RUNNERS; i++) {
        runners[i].rc = -2;
        g_assert_cmpint(pthread_create(&runners[i].thread, NULL, runner_main, &runners[i]), ==, 0);
    }
    /* Wait for the condition itself: RUNNERS ungranted advisory locks in database paten. Each
     * check is a round trip; bounded so a bug fails instead of hanging. */
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    int waiting = 0;
    while (waiting < RUNNERS && g_get_monotonic_time() < deadline) {
        g_autofree char *v = value(holder, "SELECT count(*) FROM pg_locks l JOIN pg_database d "
                                           "ON d.oid = l.database WHERE l.locktype = 'advisory' "
                                           "AND NOT l.granted AND d.datname = 'paten'");
        waiting = atoi(v);
    }
    g_assert_cmpint(waiting, ==, RUNNERS);
    exec_ok(holder, "SELECT pg_advisory_unlock_all()");
    for (int i = 0; i < RUNNERS; i++) {
        g_assert_cmpint(pthread_join(runners[i].thread, NULL), ==, 0);
        g_assert_cmpint(runners[i].rc, ==, 0);
        g_assert_cmpint(runners[i].version, ==, embedded_max());
    }
    g_autofree char *rows = value(holder, "SELECT count(*) || '/' || count(DISTINCT version) "
                                          "FROM schema_migrations");
    g_autofree char *want = g_strdup_printf("%d/%d", embedded_max(), embedded_max());
    g_assert_cmpstr(rows, ==, want);
    g_autofree char *instances = value(holder, "SELECT count(*) FROM paten_instance");
    g_assert_cmpstr(instances, ==, "1");
    PQfinish(holder);
}

static void test_app_role_grants(void)
{
    const char *app = pd_cluster_app_conninfo(cluster);

    reset_db();
    run_ok();
    g_autofree char *s1 = sqlstate_of(app, "SELECT count(*) FROM settings");
    g_assert_cmpstr(s1, ==, "");
    g_autofree char *s2 = sqlstate_of(app, "SELECT id FROM paten_instance");
    g_assert_cmpstr(s2, ==, "");
    /* 42501: insufficient_privilege. */
    g_autofree char *s3 = sqlstate_of(app, "INSERT INTO settings VALUES ('k', 'v', now())");
    g_assert_cmpstr(s3, ==, "42501");
    g_autofree char *s4 = sqlstate_of(app, "UPDATE settings SET value = 'x'");
    g_assert_cmpstr(s4, ==, "42501");
    g_autofree char *s5 = sqlstate_of(app, "DELETE FROM paten_instance");
    g_assert_cmpstr(s5, ==, "42501");
    g_autofree char *s6 = sqlstate_of(app, "CREATE TABLE sneaky (a int)");
    g_assert_cmpstr(s6, ==, "42501");
    g_autofree char *s7 = sqlstate_of(app, "SELECT count(*) FROM schema_migrations");
    g_assert_cmpstr(s7, ==, "42501");

    /* The owner can write settings; paten_instance holds one row whoever asks (23505). */
    g_autofree char *s8 = sqlstate_of(pd_cluster_owner_conninfo(cluster),
                                      "INSERT INTO settings VALUES ('k', 'v', now())");
    g_assert_cmpstr(s8, ==, "");
    g_autofree char *s9 =
        sqlstate_of(pd_cluster_owner_conninfo(cluster),
                    "INSERT INTO paten_instance VALUES (gen_random_uuid(), now())");
    g_assert_cmpstr(s9, ==, "23505");
    g_autofree char *s10 = sqlstate_of(pd_cluster_owner_conninfo(cluster),
                                       "INSERT INTO settings VALUES ('k2', 'v', NULL)");
    g_assert_cmpstr(s10, ==, "23502");
}

static void test_missing_app_role(void)
{
    struct capture cap;
    int version = -1;

    reset_db(); /* drops the grants that would keep the role from being dropped */
    PGconn *su = connect_or_die(pd_cluster_superuser_conninfo(cluster));
    exec_ok(su, "DROP ROLE paten_app");
    capture_begin(&cap);
    int rc = pd_migrate_run(pd_cluster_owner_conninfo(cluster), &version);
    g_autofree char *err = capture_end(&cap);
    exec_ok(su, "CREATE ROLE paten_app LOGIN");
    PQfinish(su);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "role paten_app does not exist"));
    g_assert_nonnull(strstr(err, "docs/deployment.md"));
    g_autofree char *tables = owner_value("SELECT count(*) FROM pg_tables WHERE schemaname = "
                                          "'public'");
    g_assert_cmpstr(tables, ==, "0");
}

/* The embedded 0001 followed by test-only migrations. */
static struct pd_migration *with_extra(const struct pd_migration *extra, size_t n_extra,
                                       size_t *n_out)
{
    struct pd_migration *list;
    int n = pd_migrate_embedded(&list);
    g_assert_cmpint(n, >=, 1);
    struct pd_migration *out = g_new0(struct pd_migration, 1 + n_extra);
    out[0] = list[0];
    out[0].name = g_strdup(list[0].name);
    out[0].sql = g_strdup(list[0].sql);
    for (size_t i = 0; i < n_extra; i++) {
        out[1 + i] = extra[i];
        out[1 + i].name = g_strdup(extra[i].name);
        out[1 + i].sql = g_strdup(extra[i].sql);
        out[1 + i].sql_len = strlen(extra[i].sql);
    }
    pd_migrate_free_list(list, (size_t)n);
    *n_out = 1 + n_extra;
    return out;
}

static void test_failed_migration_rolls_back(void)
{
    const struct pd_migration extra[] = {
        { 2, "0002_broken.sql",
          "CREATE TABLE half_done (a int);\nINSERT INTO half_done VALUES (1);\nSELECT 1/0;\n", 0 },
    };
    struct capture cap;
    size_t n;
    int version = -1;

    reset_db();
    struct pd_migration *list = with_extra(extra, 1, &n);
    capture_begin(&cap);
    int rc = pd_migrate_apply(pd_cluster_owner_conninfo(cluster), list, n, &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "migration 0002_broken.sql failed: division by zero"));
    /* 0001 stays applied; nothing of 0002 exists. */
    g_autofree char *versions = owner_value("SELECT string_agg(version::text, ',') "
                                            "FROM schema_migrations");
    g_assert_cmpstr(versions, ==, "1");
    g_autofree char *half = owner_value("SELECT to_regclass('half_done')::text");
    g_assert_null(half);
    pd_migrate_free_list(list, n);
}

/* A syntax error is reported with its line in the file. */
static void test_syntax_error_line(void)
{
    const struct pd_migration extra[] = {
        { 2, "0002_typo.sql", "-- a comment\nCREATE TABLE typo (a int);\nSELEC 1;\n", 0 },
    };
    struct capture cap;
    size_t n;
    int version = -1;

    reset_db();
    struct pd_migration *list = with_extra(extra, 1, &n);
    capture_begin(&cap);
    int rc = pd_migrate_apply(pd_cluster_owner_conninfo(cluster), list, n, &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "migration 0002_typo.sql failed at line 3: syntax error at or "
                                 "near \"SELEC\""));
    pd_migrate_free_list(list, n);
}

static void test_out_of_order_refused(void)
{
    const struct pd_migration three[] = {
        { 3, "0003_third.sql", "CREATE TABLE third (a int);", 0 },
    };
    const struct pd_migration two_three[] = {
        { 2, "0002_late.sql", "CREATE TABLE late (a int);", 0 },
        { 3, "0003_third.sql", "CREATE TABLE third (a int);", 0 },
    };
    struct capture cap;
    size_t n;
    int version = -1;

    reset_db();
    struct pd_migration *list = with_extra(three, 1, &n);
    g_assert_cmpint(pd_migrate_apply(pd_cluster_owner_conninfo(cluster), list, n, &version), ==, 0);
    g_assert_cmpint(version, ==, 3);
    pd_migrate_free_list(list, n);

    list = with_extra(two_three, 2, &n);
    capture_begin(&cap);
    int rc = pd_migrate_apply(pd_cluster_owner_conninfo(cluster), list, n, &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "migration 0002_late.sql is not applied but 0003 already is"));
    pd_migrate_free_list(list, n);
}

static void test_transaction_control_refused(void)
{
    const struct pd_migration extra[] = {
        { 2, "0002_commits.sql", "CREATE TABLE c2 (a int); COMMIT;", 0 },
    };
    struct capture cap;
    size_t n;
    int version = -1;

    reset_db();
    struct pd_migration *list = with_extra(extra, 1, &n);
    capture_begin(&cap);
    int rc = pd_migrate_apply(pd_cluster_owner_conninfo(cluster), list, n, &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "0002_commits.sql ended the transaction itself"));
    g_autofree char *versions = owner_value("SELECT max(version) FROM schema_migrations");
    g_assert_cmpstr(versions, ==, "1");
    pd_migrate_free_list(list, n);
}

static void test_unreachable_database(void)
{
    struct capture cap;
    int version = -1;

    capture_begin(&cap);
    int rc = pd_migrate_run("host=/nonexistent-paten-dir port=5432 dbname=paten connect_timeout=2",
                            &version);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "cannot connect to the database as the schema owner"));
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    tmp_root = g_strdup("/tmp/paten-test-migrate-XXXXXX");
    if (mkdtemp(tmp_root) == NULL || (geteuid() == 0 && chmod(tmp_root, 0711) < 0)) {
        g_printerr("cannot make %s: %s\n", tmp_root, g_strerror(errno));
        return 1;
    }
    g_autofree char *data_dir = g_build_filename(tmp_root, "data", NULL);
    struct pd_cluster_opts o = { .data_dir = data_dir, .fsync = false };
    if (pd_cluster_start(&o, &cluster) < 0) {
        printf("Bail out! cannot start the embedded PostgreSQL\n");
        nftw(tmp_root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
        return 1;
    }

    g_test_add_func("/migrate/checksum", test_checksum);
    g_test_add_func("/migrate/embedded-matches-source", test_embedded_matches_source);
    g_test_add_func("/migrate/fresh-apply", test_fresh_apply);
    g_test_add_func("/migrate/rerun-is-noop", test_rerun_is_noop);
    g_test_add_func("/migrate/changed-checksum-refused", test_changed_checksum_refused);
    g_test_add_func("/migrate/newer-schema-refused", test_newer_schema_refused);
    g_test_add_func("/migrate/concurrent-runners", test_concurrent_runners);
    g_test_add_func("/migrate/app-role-grants", test_app_role_grants);
    g_test_add_func("/migrate/missing-app-role", test_missing_app_role);
    g_test_add_func("/migrate/failed-migration-rolls-back", test_failed_migration_rolls_back);
    g_test_add_func("/migrate/syntax-error-line", test_syntax_error_line);
    g_test_add_func("/migrate/out-of-order-refused", test_out_of_order_refused);
    g_test_add_func("/migrate/transaction-control-refused", test_transaction_control_refused);
    g_test_add_func("/migrate/unreachable-database", test_unreachable_database);
    rc = g_test_run();

    pd_cluster_stop(cluster, NULL, NULL); /* never watched: synchronous */
    pd_cluster_free(cluster);
    nftw(tmp_root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    g_free(tmp_root);
    return rc;
}
