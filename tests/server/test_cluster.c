/*
 * test_cluster.c: the embedded PostgreSQL supervisor (server/pd_cluster.c) against the real
 * PostgreSQL server programs: first start and reuse, the data-dir lock, stop, the parent-death
 * signal, restart after a crash, and the start-up checks that must fail clearly.
 *
 * Runs as root (the cluster then runs as user postgres, so the temporary directories are made
 * searchable for it) or as an ordinary user (the cluster runs as that user). Nothing waits with a
 * fixed sleep: each test waits for the condition itself (waitpid, a pidfd, the loop's callbacks).
 */
#include "pd_cluster.h"
#include "pd_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

static char *tmp_root;   /* removed at the end */
static char *shared_dir; /* a data directory reused by several tests (initdb once) */

/* ---- helpers ---- */

static int rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void rm_rf(const char *path)
{
    if (nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
        g_printerr("cannot remove %s: %s\n", path, g_strerror(errno));
}

/* A fresh directory under tmp_root that the cluster user can reach. */
static char *fresh_dir(const char *name)
{
    return g_build_filename(tmp_root, name, NULL);
}

/* Collects what pd_log writes to stderr during a call, to check the error text. */
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
    g_printerr("%s", buf); /* still visible in the test log */
    return g_strdup(buf);
}

/* A process whose working directory is this data directory's cluster (postgres chdir()s there):
 * any postmaster or backend of it. 0 if none. */
static pid_t cluster_process(const char *data_dir)
{
    g_autofree char *pg = g_build_filename(data_dir, "pg", NULL);
    char real[PATH_MAX];
    GDir *d;
    const char *name;
    pid_t found = 0;

    if (realpath(pg, real) == NULL)
        return 0;
    d = g_dir_open("/proc", 0, NULL);
    g_assert_nonnull(d);
    while (found == 0 && (name = g_dir_read_name(d)) != NULL) {
        char link[300], target[PATH_MAX];
        ssize_t n;
        if (!g_ascii_isdigit(name[0]))
            continue;
        snprintf(link, sizeof link, "/proc/%s/cwd", name);
        n = readlink(link, target, sizeof target - 1);
        if (n < 0)
            continue;
        target[n] = '\0';
        if (strcmp(target, real) == 0)
            found = atoi(name);
    }
    g_dir_close(d);
    return found;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static struct pd_cluster_opts opts_for(const char *dir)
{
    struct pd_cluster_opts o = { .data_dir = dir, .fsync = false };
    return o;
}

static char *query1(const char *conninfo, const char *sql)
{
    PGconn *conn = PQconnectdb(conninfo);
    char *out = NULL;

    if (PQstatus(conn) != CONNECTION_OK) {
        g_printerr("connect: %s\n", PQerrorMessage(conn));
    } else {
        PGresult *res = PQexec(conn, sql);
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
            out = g_strdup(PQgetvalue(res, 0, 0));
        else
            g_printerr("%s: %s\n", sql, PQresultErrorMessage(res));
        PQclear(res);
    }
    PQfinish(conn);
    return out;
}

/* ---- loop-driven stop ---- */

struct loop_ctx {
    uv_loop_t loop;
    uv_timer_t guard;
    struct pd_cluster *c;
    int stopped;
    int exited, restarted, ready;
    uint64_t killed_ms, ready_ms;
    uint64_t exited_ms[4], restarted_ms[4];
    bool conn_ok_after_restart;
    const char *break_dir; /* back-off test: made inaccessible after the first exit */
};

static void on_guard(uv_timer_t *t)
{
    struct loop_ctx *x = t->data;
    g_test_message("guard timer fired: the cluster did not reach the expected state");
    g_test_fail();
    uv_stop(&x->loop);
}

static void on_stopped(struct pd_cluster *c, void *arg)
{
    struct loop_ctx *x = arg;
    g_assert_true(c == x->c);
    x->stopped++;
    uv_close((uv_handle_t *)&x->guard, NULL);
}

static void loop_setup(struct loop_ctx *x, struct pd_cluster *c, uint64_t guard_ms)
{
    memset(x, 0, sizeof *x);
    x->c = c;
    g_assert_cmpint(uv_loop_init(&x->loop), ==, 0);
    g_assert_cmpint(uv_timer_init(&x->loop, &x->guard), ==, 0);
    x->guard.data = x;
    g_assert_cmpint(uv_timer_start(&x->guard, on_guard, guard_ms, 0), ==, 0);
    g_assert_cmpint(pd_cluster_watch(c, &x->loop), ==, 0);
}

static void loop_finish(struct loop_ctx *x)
{
    g_assert_cmpint(uv_run(&x->loop, UV_RUN_DEFAULT), ==, 0);
    g_assert_cmpint(x->stopped, ==, 1);
    /* Fails with UV_EBUSY if pd_cluster left a handle open. */
    g_assert_cmpint(uv_loop_close(&x->loop), ==, 0);
}

/* ---- tests ---- */

static void test_first_and_second_start(void)
{
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c;
    struct stat st;
    uint64_t t0;

    t0 = pd_clock_mono_ms();
    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    g_test_message("first start (initdb, roles, database): %llu ms",
                   (unsigned long long)(pd_clock_mono_ms() - t0));
    g_assert_true(pd_cluster_created(c));
    g_assert_cmpint(pd_cluster_pid(c), >, 0);

    /* Layout and ownership. */
    g_autofree char *run = g_build_filename(shared_dir, "run", NULL);
    g_autofree char *pg = g_build_filename(shared_dir, "pg", NULL);
    g_autofree char *lock = g_build_filename(shared_dir, "patend.lock", NULL);
    g_autofree char *log = g_build_filename(shared_dir, "postgresql.log", NULL);
    uid_t cluster_uid = geteuid();
    if (geteuid() == 0) {
        g_assert_cmpint(stat(pg, &st), ==, 0);
        cluster_uid = st.st_uid;
        g_assert_cmpuint(cluster_uid, !=, 0);
    }
    g_assert_cmpint(stat(run, &st), ==, 0);
    g_assert_cmpuint(st.st_mode & 07777, ==, 0700);
    g_assert_cmpuint(st.st_uid, ==, cluster_uid);
    g_assert_cmpint(stat(pg, &st), ==, 0);
    g_assert_cmpuint(st.st_uid, ==, cluster_uid);
    g_assert_true(g_file_test(log, G_FILE_TEST_IS_REGULAR));
    g_autofree char *lock_text = NULL;
    g_assert_true(g_file_get_contents(lock, &lock_text, NULL, NULL));
    g_assert_cmpint(atoi(lock_text), ==, getpid());

    /* The three roles, through peer authentication on the socket. */
    g_autofree char *who =
        query1(pd_cluster_owner_conninfo(c), "SELECT current_user || '@' || current_database()");
    g_assert_cmpstr(who, ==, "paten_owner@paten");
    g_autofree char *app =
        query1(pd_cluster_app_conninfo(c), "SELECT current_user || '@' || current_database()");
    g_assert_cmpstr(app, ==, "paten_app@paten");
    g_autofree char *super = query1(pd_cluster_superuser_conninfo(c),
                                    "SELECT rolsuper::text FROM pg_roles WHERE rolname = "
                                    "current_user");
    g_assert_cmpstr(super, ==, "true");
    g_autofree char *owner =
        query1(pd_cluster_superuser_conninfo(c), "SELECT pg_get_userbyid(datdba) FROM pg_database "
                                                 "WHERE datname = 'paten'");
    g_assert_cmpstr(owner, ==, "paten_owner");
    /* No TCP at all. */
    g_autofree char *listen = query1(pd_cluster_superuser_conninfo(c), "SHOW listen_addresses");
    g_assert_cmpstr(listen, ==, "");

    pd_cluster_stop(c, NULL, NULL); /* never watched: synchronous */
    pd_cluster_free(c);

    /* Second start: reuses pg/, and the roles and database are still checked. */
    t0 = pd_clock_mono_ms();
    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    uint64_t second_ms = pd_clock_mono_ms() - t0;
    g_test_message("second start (existing cluster): %llu ms", (unsigned long long)second_ms);
    g_assert_false(pd_cluster_created(c));
    g_assert_cmpuint(second_ms, <, 15000);
    g_autofree char *who2 = query1(pd_cluster_owner_conninfo(c), "SELECT current_user");
    g_assert_cmpstr(who2, ==, "paten_owner");
    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
}

static void test_lock(void)
{
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c1, *c2 = NULL;
    struct capture cap;
    char expect[256];

    g_assert_cmpint(pd_cluster_start(&o, &c1), ==, 0);
    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c2);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_null(c2);
    snprintf(expect, sizeof expect, "another patend (pid %d) is using %s", (int)getpid(),
             shared_dir);
    g_assert_nonnull(strstr(err, expect));
    /* Exactly one error line. */
    g_assert_cmpint(count_lines(err), ==, 1);

    /* The refused start disturbed nothing. */
    g_assert_cmpint(PQping(pd_cluster_superuser_conninfo(c1)), ==, PQPING_OK);
    pd_cluster_stop(c1, NULL, NULL);
    pd_cluster_free(c1);

    /* Released with the first one: a new start works. */
    g_assert_cmpint(pd_cluster_start(&o, &c1), ==, 0);
    pd_cluster_stop(c1, NULL, NULL);
    pd_cluster_free(c1);
}

static void test_stop_on_loop(void)
{
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c;
    struct loop_ctx x;
    uint64_t t0;

    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    pid_t pid = pd_cluster_pid(c);
    g_assert_cmpint(pid, >, 0);
    g_assert_cmpint(cluster_process(shared_dir), !=, 0);
    loop_setup(&x, c, 60000);
    t0 = pd_clock_mono_ms();
    pd_cluster_stop(c, on_stopped, &x);
    pd_cluster_stop(c, on_stopped, &x); /* a second call is ignored */
    loop_finish(&x);
    g_test_message("stop on the loop: %llu ms", (unsigned long long)(pd_clock_mono_ms() - t0));

    g_assert_cmpint(pd_cluster_pid(c), ==, 0);
    /* Reaped by us, so the pid is gone, and no backend of the cluster is left either. */
    g_assert_cmpint(kill(pid, 0), ==, -1);
    g_assert_cmpint(errno, ==, ESRCH);
    g_assert_cmpint(cluster_process(shared_dir), ==, 0);
    g_autofree char *pidfile = g_build_filename(shared_dir, "pg", "postmaster.pid", NULL);
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    pd_cluster_free(c);
}

/* Helper process for the parent-death test: started as `test_cluster --start-and-wait DIR`, it
 * starts the cluster, prints the postmaster's pid and waits to be killed. */
static int start_and_wait(const char *dir)
{
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c;
    char line[32];
    char b;

    if (pd_cluster_start(&o, &c) < 0)
        return 1;
    int n = snprintf(line, sizeof line, "%ld\n", (long)pd_cluster_pid(c));
    if (write(STDOUT_FILENO, line, (size_t)n) != n)
        return 1;
    /* Blocks until killed: stdin is a pipe the test never writes to. */
    while (read(STDIN_FILENO, &b, 1) < 0 && errno == EINTR)
        ;
    return 0;
}

static void test_parent_death(void)
{
    g_autofree char *dir = fresh_dir("pdeath");
    int to_child[2], from_child[2];
    char buf[64];
    ssize_t n;
    int status;

    /* Orphans (the postmaster, once its patend is dead) are reparented to us, so we can reap
     * them instead of leaving zombies to an init that may not. */
    g_assert_cmpint(prctl(PR_SET_CHILD_SUBREAPER, 1), ==, 0);
    g_assert_cmpint(pipe2(to_child, O_CLOEXEC), ==, 0);
    g_assert_cmpint(pipe2(from_child, O_CLOEXEC), ==, 0);
    pid_t child = fork();
    g_assert_cmpint(child, >=, 0);
    if (child == 0) {
        char *argv[] = { (char *)"test_cluster", (char *)"--start-and-wait", dir, NULL };
        dup2(to_child[0], STDIN_FILENO);
        dup2(from_child[1], STDOUT_FILENO);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    n = read(from_child[0], buf, sizeof buf - 1); /* the pid line, or EOF if it failed */
    g_assert_cmpint(n, >, 0);
    buf[n] = '\0';
    pid_t pm = (pid_t)atol(buf);
    g_assert_cmpint(pm, >, 0);
    int pfd = pidfd_open(pm, 0);
    g_assert_cmpint(pfd, >=, 0);

    uint64_t t0 = pd_clock_mono_ms();
    g_assert_cmpint(kill(child, SIGKILL), ==, 0);
    g_assert_cmpint(waitpid(child, &status, 0), ==, child);
    g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* A new patend started at once on the same directory waits for the orphan to go away. */
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c;
    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    struct pollfd p = { .fd = pfd, .events = POLLIN };
    g_assert_cmpint(poll(&p, 1, 0), ==, 1); /* the old postmaster had exited before */
    g_test_message("postmaster %ld gone and a new one ready %llu ms after SIGKILL of its parent",
                   (long)pm, (unsigned long long)(pd_clock_mono_ms() - t0));
    g_assert_cmpint(pd_cluster_pid(c), !=, pm);
    g_assert_cmpint(waitpid(pm, &status, WNOHANG), ==, pm);
    /* SIGINT from PR_SET_PDEATHSIG is a fast shutdown: a clean exit. */
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    close(pfd);
    close(to_child[1]);
    close(from_child[0]);

    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
    g_assert_cmpint(cluster_process(dir), ==, 0);
    rm_rf(dir);
}

static void on_event(struct pd_cluster *c, enum pd_cluster_event ev, void *arg)
{
    struct loop_ctx *x = arg;

    switch (ev) {
    case PD_CLUSTER_EXITED:
        if (x->exited < 4)
            x->exited_ms[x->exited] = pd_clock_mono_ms();
        x->exited++;
        g_assert_cmpint(pd_cluster_pid(c), ==, 0);
        /* Back-off test: the first restart fails (no access to the socket directory); the
         * second exit repairs it. */
        if (x->break_dir && x->exited == 1)
            g_assert_cmpint(chmod(x->break_dir, 0), ==, 0);
        if (x->break_dir && x->exited == 2)
            g_assert_cmpint(chmod(x->break_dir, 0700), ==, 0);
        break;
    case PD_CLUSTER_RESTARTED:
        if (x->restarted < 4)
            x->restarted_ms[x->restarted] = pd_clock_mono_ms();
        x->restarted++;
        g_assert_cmpint(pd_cluster_pid(c), >, 0);
        break;
    case PD_CLUSTER_READY:
        x->ready++;
        x->ready_ms = pd_clock_mono_ms();
        {
            g_autofree char *one = query1(pd_cluster_owner_conninfo(c), "SELECT 1");
            x->conn_ok_after_restart = one != NULL && strcmp(one, "1") == 0;
        }
        pd_cluster_stop(c, on_stopped, x);
        break;
    }
}

static void test_restart_after_crash(void)
{
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c;
    struct loop_ctx x;

    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    /* A backend, so the crash leaves a child of the dead postmaster behind for a moment. */
    PGconn *conn = PQconnectdb(pd_cluster_owner_conninfo(c));
    g_assert_cmpint(PQstatus(conn), ==, CONNECTION_OK);
    loop_setup(&x, c, 120000);
    pd_cluster_set_event_cb(c, on_event, &x);
    pid_t old = pd_cluster_pid(c);
    x.killed_ms = pd_clock_mono_ms();
    g_assert_cmpint(kill(old, SIGKILL), ==, 0);
    loop_finish(&x);
    PQfinish(conn);

    g_test_message("SIGKILL of the postmaster to ready again: %llu ms (%d exit(s), %d restart(s))",
                   (unsigned long long)(x.ready_ms - x.killed_ms), x.exited, x.restarted);
    g_assert_cmpint(x.exited, >=, 1);
    g_assert_cmpint(x.restarted, >=, 1);
    g_assert_cmpint(x.exited, ==, x.restarted);
    g_assert_cmpint(x.ready, ==, 1);
    g_assert_true(x.conn_ok_after_restart);
    g_assert_cmpint(kill(old, 0), ==, -1); /* reaped by the watcher */
    g_assert_cmpint(pd_cluster_pid(c), ==, 0);
    g_assert_cmpint(cluster_process(shared_dir), ==, 0);
    pd_cluster_free(c);
}

/* A restart that fails is retried after a doubled delay. */
static void test_restart_back_off(void)
{
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c;
    struct loop_ctx x;
    g_autofree char *run = g_build_filename(shared_dir, "run", NULL);

    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    loop_setup(&x, c, 120000);
    x.break_dir = run;
    pd_cluster_set_event_cb(c, on_event, &x);
    g_assert_cmpint(kill(pd_cluster_pid(c), SIGKILL), ==, 0);
    loop_finish(&x);

    g_assert_cmpint(x.exited, ==, 2);
    g_assert_cmpint(x.restarted, ==, 2);
    g_assert_cmpint(x.ready, ==, 1);
    g_assert_true(x.conn_ok_after_restart);
    uint64_t first = x.restarted_ms[0] - x.exited_ms[0];
    uint64_t second = x.restarted_ms[1] - x.exited_ms[1];
    g_test_message("restart delays: %llu ms, then %llu ms", (unsigned long long)first,
                   (unsigned long long)second);
    g_assert_cmpuint(first, >=, 500);
    g_assert_cmpuint(second, >=, 1000);
    g_assert_cmpint(cluster_process(shared_dir), ==, 0);
    pd_cluster_free(c);
}

/* A first start killed during initdb leaves pg.initdb; the next start clears it. */
static void test_interrupted_initdb(void)
{
    g_autofree char *dir = fresh_dir("interrupted");
    g_autofree char *tmp = g_build_filename(dir, "pg.initdb", NULL);
    g_autofree char *junk = g_build_filename(tmp, "half-written", NULL);
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c;

    g_assert_cmpint(g_mkdir_with_parents(tmp, 0700), ==, 0);
    if (geteuid() == 0)
        g_assert_cmpint(chmod(dir, 0711), ==, 0);
    g_assert_true(g_file_set_contents(junk, "x", 1, NULL));
    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    g_assert_true(pd_cluster_created(c));
    g_assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
    rm_rf(dir);
}

static void test_world_writable_refused(void)
{
    g_autofree char *dir = fresh_dir("open");
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c = NULL;
    struct capture cap;

    g_assert_cmpint(mkdir(dir, 0777), ==, 0);
    g_assert_cmpint(chmod(dir, 0777), ==, 0);
    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "is writable by every user"));
    rm_rf(dir);
}

/* postgres exiting during start-up: one error line with its reason, nothing left running, the
 * lock released. */
static void test_postgres_fails_to_start(void)
{
    g_autofree char *conf = g_build_filename(shared_dir, "pg", "postgresql.auto.conf", NULL);
    g_autofree char *saved = NULL;
    gsize len;
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c = NULL;
    struct capture cap;
    FILE *f;

    /* Make sure the cluster exists (when this test runs alone). */
    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
    c = NULL;

    g_assert_true(g_file_get_contents(conf, &saved, &len, NULL));
    f = fopen(conf, "a");
    g_assert_nonnull(f);
    fputs("paten_no_such_setting = 1\n", f);
    g_assert_cmpint(fclose(f), ==, 0);
    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_null(c);
    g_assert_nonnull(strstr(err, "the embedded PostgreSQL exited during start-up"));
    g_assert_nonnull(strstr(err, "paten_no_such_setting"));
    g_assert_cmpint(cluster_process(shared_dir), ==, 0);

    f = fopen(conf, "w");
    g_assert_nonnull(f);
    g_assert_cmpuint(fwrite(saved, 1, len, f), ==, len);
    g_assert_cmpint(fclose(f), ==, 0);
    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
}

/* After a reboot, postmaster.pid may name a pid now used by an unrelated process of the cluster
 * user, which postgres would take for a running postmaster. patend sees no process in the
 * cluster and removes the stale file. */
static void test_stale_pidfile(void)
{
    g_autofree char *pg = g_build_filename(shared_dir, "pg", NULL);
    g_autofree char *pidfile = g_build_filename(pg, "postmaster.pid", NULL);
    struct pd_cluster_opts o = opts_for(shared_dir);
    struct pd_cluster *c;
    struct capture cap;
    struct stat st;
    int block[2], status;

    g_assert_cmpint(pd_cluster_start(&o, &c), ==, 0);
    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
    g_assert_cmpint(stat(pg, &st), ==, 0);

    /* A process of the cluster user that is not PostgreSQL, blocked until we close the pipe. */
    g_assert_cmpint(pipe2(block, O_CLOEXEC), ==, 0);
    pid_t other = fork();
    g_assert_cmpint(other, >=, 0);
    if (other == 0) {
        char b;
        close(block[1]);
        if (geteuid() == 0 && (setgid(st.st_gid) < 0 || setuid(st.st_uid) < 0))
            _exit(1);
        while (read(block[0], &b, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(block[0]);
    g_autofree char *text = g_strdup_printf("%ld\n%s/pg\n", (long)other, shared_dir);
    g_assert_true(g_file_set_contents(pidfile, text, -1, NULL));

    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, 0);
    g_assert_nonnull(strstr(err, "removing stale"));
    pd_cluster_stop(c, NULL, NULL);
    pd_cluster_free(c);
    close(block[1]);
    g_assert_cmpint(waitpid(other, &status, 0), ==, other);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_path_too_long(void)
{
    g_autofree char *longname = g_strnfill(100, 'd');
    g_autofree char *dir = g_build_filename(tmp_root, longname, NULL);
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c = NULL;
    struct capture cap;

    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_null(c);
    g_assert_nonnull(strstr(err, "is too long"));
    g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS)); /* checked before creating anything */
}

static void test_relative_dir(void)
{
    struct pd_cluster_opts o = opts_for("var/data");
    struct pd_cluster *c = NULL;
    struct capture cap;

    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "absolute"));
}

static void test_unreachable_dir(void)
{
    if (geteuid() != 0) {
        g_test_skip("only root hands the cluster to another user");
        return;
    }
    /* A root-only directory (0700) on the way: user postgres cannot search it. */
    g_autofree char *closed = g_build_filename(tmp_root, "closed", NULL);
    g_autofree char *dir = g_build_filename(closed, "data", NULL);
    g_assert_cmpint(mkdir(closed, 0700), ==, 0);
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c = NULL;
    struct capture cap;

    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "cannot reach the data directory"));
    g_autofree char *fix = g_strdup_printf("chmod o+x %s", closed);
    g_assert_nonnull(strstr(err, fix));
    g_assert_nonnull(strstr(err, "/var/lib/paten"));
    g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    rm_rf(closed);
}

static void test_missing_pg_user(void)
{
    if (geteuid() != 0) {
        g_test_skip("pg_user only matters under root");
        return;
    }
    g_autofree char *dir = fresh_dir("nouser");
    struct pd_cluster_opts o = opts_for(dir);
    struct pd_cluster *c = NULL;
    struct capture cap;

    o.pg_user = "paten-no-such-user";
    capture_begin(&cap);
    int rc = pd_cluster_start(&o, &c);
    g_autofree char *err = capture_end(&cap);
    g_assert_cmpint(rc, ==, -1);
    g_assert_nonnull(strstr(err, "user 'paten-no-such-user' does not exist"));
}

int main(int argc, char **argv)
{
    int rc;

    if (argc == 3 && strcmp(argv[1], "--start-and-wait") == 0)
        return start_and_wait(argv[2]);

    g_test_init(&argc, &argv, NULL);
    tmp_root = g_strdup("/tmp/paten-test-cluster-XXXXXX");
    if (mkdtemp(tmp_root) == NULL) {
        g_printerr("mkdtemp: %s\n", g_strerror(errno));
        return 1;
    }
    /* As root the cluster runs as postgres, which must search the way to the data directory. */
    if (geteuid() == 0 && chmod(tmp_root, 0711) < 0) {
        g_printerr("chmod %s: %s\n", tmp_root, g_strerror(errno));
        return 1;
    }
    shared_dir = g_build_filename(tmp_root, "shared", NULL);

    g_test_add_func("/cluster/first-and-second-start", test_first_and_second_start);
    g_test_add_func("/cluster/lock", test_lock);
    g_test_add_func("/cluster/stop-on-loop", test_stop_on_loop);
    g_test_add_func("/cluster/parent-death", test_parent_death);
    g_test_add_func("/cluster/restart-after-crash", test_restart_after_crash);
    g_test_add_func("/cluster/restart-back-off", test_restart_back_off);
    g_test_add_func("/cluster/interrupted-initdb", test_interrupted_initdb);
    g_test_add_func("/cluster/world-writable-refused", test_world_writable_refused);
    g_test_add_func("/cluster/postgres-fails-to-start", test_postgres_fails_to_start);
    g_test_add_func("/cluster/stale-pidfile", test_stale_pidfile);
    g_test_add_func("/cluster/path-too-long", test_path_too_long);
    g_test_add_func("/cluster/relative-dir", test_relative_dir);
    g_test_add_func("/cluster/unreachable-dir", test_unreachable_dir);
    g_test_add_func("/cluster/missing-pg-user", test_missing_pg_user);
    rc = g_test_run();

    rm_rf(tmp_root);
    g_free(shared_dir);
    g_free(tmp_root);
    return rc;
}
