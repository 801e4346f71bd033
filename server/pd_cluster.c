/*
 * pd_cluster.c: the embedded PostgreSQL supervisor (see pd_cluster.h).
 *
 * Start-up is blocking and linear: resolve users and programs, check the cluster user can reach
 * the data directory, take the lock, wait out any postgres left by a killed patend, initdb once,
 * rewrite the authentication files, fork/exec postgres, poll until it answers, create roles and
 * database. After that the loop supervises: SIGCHLD reaps only our postmaster, an unexpected exit
 * restarts it with back-off, and a probe on the thread pool reports when it is ready again.
 *
 * Children are started with fork/exec rather than uv_spawn because they need PR_SET_PDEATHSIG
 * after the privilege drop. Everything a child needs is prepared before fork(); between fork()
 * and execve() the child only makes system calls, because other threads (libuv's pool, GLib's)
 * may hold malloc or stdio locks at the moment of the fork.
 */
#include "pd_cluster.h"

#include "pd_clock.h"
#include "pd_log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <grp.h>
#include <libpq-fe.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG_PORT             5432
#define SOCKET_PATH_MAX     107    /* sizeof(sockaddr_un.sun_path) - 1 */
#define READY_TIMEOUT_MS    60000  /* no answer at all within this: give up */
#define RECOVERY_TIMEOUT_MS 600000 /* answering "starting up" (crash recovery): wait this long */
#define ORPHAN_WAIT_MS      60000  /* a previous patend's postgres still shutting down */
#define STOP_QUIT_MS        20000  /* SIGINT, then SIGQUIT after this */
#define STOP_KILL_MS        10000  /* SIGQUIT, then SIGKILL after this */
#define RESTART_MIN_MS      500
#define RESTART_MAX_MS      10000
#define HEALTHY_RUN_MS      30000 /* a child that lived this long resets the back-off */
#define POLL_INTERVAL_MS    20    /* between readiness checks at start-up */
#define PROBE_INTERVAL_MS   50    /* between readiness checks after a restart */
#define PROGRESS_LOG_MS     10000

static const char *const app_roles[] = { "paten_owner", "paten_app" };

struct pd_cluster {
    char *data_dir; /* canonical, absolute */
    char *pg_dir;
    char *run_dir;
    char *log_path;
    char *bin_dir;
    char *initdb_path;
    char *postgres_path;
    int pg_major; /* of the programs in bin_dir */

    char *user;      /* the OS user the cluster runs as; also its superuser role */
    char *self_user; /* patend's own OS user */
    bool drop;       /* patend is root: children become `user` */
    uid_t uid;
    gid_t gid;
    gid_t *groups; /* `user`'s supplementary groups, for setgroups() in the child */
    int ngroups;
    bool fsync;
    bool created;

    char **envp;          /* the children's environment: ours without PG* variables */
    char **postgres_argv; /* built once, reused by every restart */
    int max_fd;

    int lock_fd;
    pid_t pid;
    uint64_t spawned_ms;
    off_t log_offset; /* where this spawn's output starts in postgresql.log */

    char *super_ci;
    char *owner_ci;
    char *app_ci;
    char *ping_ci; /* super_ci with a connect_timeout: a hung server must not hang a ping */

    /* Supervision on the loop (pd_cluster_watch .. stop callback). */
    uv_loop_t *loop;
    bool watching;
    uv_signal_t sigchld;
    uv_timer_t restart_timer;
    uv_timer_t kill_timer;
    uv_timer_t probe_timer;
    unsigned handles_open;
    unsigned restart_delay_ms;
    int kill_stage; /* 0: none sent, 1: SIGINT, 2: SIGQUIT, 3: SIGKILL */
    bool stopping;
    bool close_after_probe;
    void (*stop_cb)(struct pd_cluster *c, void *arg);
    void *stop_arg;
    void (*event_cb)(struct pd_cluster *c, enum pd_cluster_event ev, void *arg);
    void *event_arg;

    /* The readiness probe after a restart: PQping blocks, so it runs on libuv's pool. */
    uv_work_t probe_req;
    bool probe_busy;
    unsigned probe_gen; /* bumped by each spawn and exit; a stale probe result is ignored */
    unsigned probe_req_gen;
    uint64_t probe_started_ms;
    uint64_t probe_logged_ms;
    PGPing probe_result;
};

/* ---------------------------------------------------------------------------------------------
 * Small helpers
 */

static void describe_status(int status, char *buf, size_t cap)
{
    if (WIFEXITED(status))
        snprintf(buf, cap, "exit code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, cap, "killed by signal %s",
                 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    else
        snprintf(buf, cap, "status 0x%x", (unsigned)status);
}

/* Appends ` key='value'` with libpq's quoting, so a data directory with spaces or quotes still
 * makes a valid conninfo. */
static void conninfo_append(GString *s, const char *key, const char *value)
{
    if (s->len > 0)
        g_string_append_c(s, ' ');
    g_string_append_printf(s, "%s='", key);
    for (const char *p = value; *p; p++) {
        if (*p == '\'' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '\'');
}

static char *make_conninfo(const struct pd_cluster *c, const char *db, const char *user)
{
    GString *s = g_string_new(NULL);
    char port[16];

    snprintf(port, sizeof port, "%d", PG_PORT);
    conninfo_append(s, "host", c->run_dir);
    conninfo_append(s, "port", port);
    conninfo_append(s, "dbname", db);
    conninfo_append(s, "user", user);
    return g_string_free(s, FALSE);
}

static bool is_error_line(const char *l)
{
    /* "starting up" is the answer to our own readiness checks, not a cause. */
    if (strstr(l, "the database system is starting up"))
        return false;
    return strstr(l, "FATAL:") || strstr(l, "PANIC:") || strstr(l, "ERROR:") || strstr(l, "error:");
}

/*
 * What postgres or initdb wrote to postgresql.log since offset `since` that explains a failure:
 * three lines ending at the last error line (else the last three), joined with " | " for a
 * one-line log entry. Returns a g_malloc'd string, never NULL.
 */
static char *log_tail(const struct pd_cluster *c, off_t since)
{
    char buf[8192];
    struct stat st;
    off_t from;
    ssize_t n;
    int fd = open(c->log_path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return g_strdup_printf("(cannot read %s: %s)", c->log_path, g_strerror(errno));
    if (fstat(fd, &st) < 0) {
        close(fd);
        return g_strdup("(cannot stat the log)");
    }
    from = st.st_size - (off_t)(sizeof buf - 1);
    if (from < since)
        from = since;
    if (from < 0)
        from = 0;
    do
        n = pread(fd, buf, sizeof buf - 1, from);
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0)
        return g_strdup("(nothing in the log)");
    buf[n] = '\0';

    g_auto(GStrv) lines = g_strsplit(buf, "\n", -1);
    guint nlines = g_strv_length(lines);
    /* A window that starts mid-file may begin with a cut line. */
    guint first = (from > since && nlines > 1) ? 1 : 0;
    /* End at the last error line if there is one: the lines just before it often say why
     * ("unrecognized configuration parameter" before "contains errors"). */
    guint end = nlines;
    for (guint i = nlines; i > first; i--)
        if (is_error_line(lines[i - 1])) {
            end = i;
            break;
        }

    GString *out = g_string_new(NULL);
    guint kept = 0;
    for (guint i = end; i > first && kept < 3; i--) {
        const char *l = g_strstrip(lines[i - 1]);
        if (*l == '\0' || strstr(l, "the database system is starting up"))
            continue;
        if (out->len)
            g_string_prepend(out, " | ");
        g_string_prepend(out, l);
        kept++;
    }
    if (out->len > 900) {
        g_string_erase(out, 0, (gssize)(out->len - 900));
        g_string_prepend(out, "...");
    }
    if (out->len == 0)
        g_string_append(out, "(nothing in the log)");
    return g_string_free(out, FALSE);
}

/* Waits up to timeout_ms for process `pid` to exit, through a pidfd when the kernel has them
 * (works for non-children too). Returns true once it has exited (possibly still a zombie). For
 * our own child, `reap` makes it also collect the status into *status. */
static bool wait_pid_exit(pid_t pid, int timeout_ms, bool reap, int *status)
{
    uint64_t deadline = pd_clock_mono_ms() + (uint64_t)timeout_ms;
    int pfd = pidfd_open(pid, 0);
    int st = 0;

    for (;;) {
        if (reap) {
            pid_t r = waitpid(pid, &st, WNOHANG);
            if (r == pid || (r < 0 && errno == ECHILD)) {
                if (status)
                    *status = r == pid ? st : 0;
                break;
            }
        } else if (kill(pid, 0) < 0 && errno == ESRCH) {
            break;
        }
        uint64_t now = pd_clock_mono_ms();
        if (now >= deadline) {
            if (pfd >= 0)
                close(pfd);
            return false;
        }
        int wait_ms = (int)(deadline - now);
        if (pfd >= 0) {
            struct pollfd p = { .fd = pfd, .events = POLLIN };
            int r = poll(&p, 1, wait_ms);
            if (r > 0 && !reap)
                break; /* exited; a zombie we cannot reap still counts */
        } else {
            /* No pidfd (old kernel): a short bounded wait between checks. */
            struct timespec ts = { 0, 10 * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    if (pfd >= 0)
        close(pfd);
    return true;
}

/* A libpq message without its trailing newline, for a one-line log entry. g_malloc'd. */
static char *pq_msg(const char *m)
{
    return g_strchomp(g_strdup(m ? m : "(no message)"));
}

/* Whether a path exists (lstat succeeds). */
static bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int remove_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Children: fork/exec with privilege drop, session and parent-death signal
 */

enum child_stage {
    ST_SIGNALS = 1,
    ST_SESSION,
    ST_STDIO,
    ST_FDS,
    ST_GROUPS,
    ST_GID,
    ST_UID,
    ST_REGAIN,
    ST_CHDIR,
    ST_PDEATHSIG,
    ST_PARENT_GONE,
    ST_EXEC,
};

static const char *const stage_names[] = {
    [ST_SIGNALS] = "resetting signals",
    [ST_SESSION] = "setsid",
    [ST_STDIO] = "redirecting output",
    [ST_FDS] = "closing descriptors",
    [ST_GROUPS] = "setgroups",
    [ST_GID] = "setgid",
    [ST_UID] = "setuid",
    [ST_REGAIN] = "dropping root for good",
    [ST_CHDIR] = "chdir",
    [ST_PDEATHSIG] = "prctl(PR_SET_PDEATHSIG)",
    [ST_PARENT_GONE] = "patend exited meanwhile",
    [ST_EXEC] = "execve",
};

struct child_err {
    int stage;
    int err;
};

struct child_spec {
    const char *path;
    char *const *argv;
    int out_fd; /* becomes stdout */
    int err_fd; /* becomes stderr */
    bool drop;  /* become the cluster user */
    bool pdeathsig;
    const char *cwd;
};

static _Noreturn void child_fail(int fd, int stage, int err)
{
    struct child_err e = { stage, err };
    (void)!write(fd, &e, sizeof e);
    _exit(127);
}

/* In the child: makes `from` the descriptor `to`, without close-on-exec. */
static int child_dup(int from, int to)
{
    if (from == to)
        return fcntl(to, F_SETFD, 0);
    return dup2(from, to) < 0 ? -1 : 0;
}

/* In the child: the privilege drop, with groups computed by the parent (initgroups() would read
 * /etc/group and allocate, which is not safe after fork in a threaded process). Returns 0 or the
 * failing stage with errno set. */
static int child_become_user(const struct pd_cluster *c)
{
    if (setgroups((size_t)c->ngroups, c->groups) < 0)
        return ST_GROUPS;
    if (setgid(c->gid) < 0)
        return ST_GID;
    if (setuid(c->uid) < 0)
        return ST_UID;
    if (setuid(0) == 0) {
        errno = EPERM;
        return ST_REGAIN;
    }
    return 0;
}

static _Noreturn void child_exec(const struct pd_cluster *c, const struct child_spec *s,
                                 int null_fd, int err_pipe, pid_t parent)
{
    struct sigaction sa;
    sigset_t none;
    int stage;

    /* Handlers installed by libuv or the tests would write to the parent's signal pipe; ignored
     * signals (SIGPIPE) would stay ignored across execve. Reset all, then unblock (the parent
     * blocked everything around fork). */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)sigaction(sig, &sa, NULL); /* EINVAL for libc-reserved signals is fine */
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
        child_fail(err_pipe, ST_SIGNALS, errno);

    /* Its own session: a Ctrl-C on patend's terminal reaches patend only, which then stops
     * postgres after the requests in flight. */
    if (setsid() < 0)
        child_fail(err_pipe, ST_SESSION, errno);
    if (child_dup(null_fd, 0) < 0 || child_dup(s->out_fd, 1) < 0 || child_dup(s->err_fd, 2) < 0)
        child_fail(err_pipe, ST_STDIO, errno);
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
        for (int fd = 3; fd < c->max_fd; fd++)
            if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
                child_fail(err_pipe, ST_FDS, errno);
    }
    if (s->drop && (stage = child_become_user(c)) != 0)
        child_fail(err_pipe, stage, errno);
    if (chdir(s->cwd) < 0)
        child_fail(err_pipe, ST_CHDIR, errno);
    if (s->pdeathsig) {
        /* After the credential change, which clears it. SIGINT is postgres's fast shutdown. */
        if (prctl(PR_SET_PDEATHSIG, SIGINT) < 0)
            child_fail(err_pipe, ST_PDEATHSIG, errno);
        /* patend may have died before prctl took effect; then nobody would stop postgres. */
        if (getppid() != parent)
            child_fail(err_pipe, ST_PARENT_GONE, ESRCH);
    }
    execve(s->path, s->argv, c->envp);
    child_fail(err_pipe, ST_EXEC, errno);
}

/*
 * Starts a child per `s`. Returns its pid once execve has succeeded (a close-on-exec pipe tells
 * us), or -1 with a description in err (the child has then been reaped).
 */
static pid_t spawn_child(const struct pd_cluster *c, const struct child_spec *s, char *err,
                         size_t errlen)
{
    int pipefd[2];
    int null_fd;
    sigset_t all, old;
    pid_t parent = getpid();
    pid_t pid;
    int fork_errno;
    int rc;
    struct child_err ce;
    ssize_t n;

    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) {
        snprintf(err, errlen, "cannot open /dev/null: %s", g_strerror(errno));
        return -1;
    }
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe2: %s", g_strerror(errno));
        close(null_fd);
        return -1;
    }
    sigfillset(&all);
    rc = pthread_sigmask(SIG_SETMASK, &all, &old);
    if (rc != 0) {
        snprintf(err, errlen, "pthread_sigmask: %s", g_strerror(rc));
        close(null_fd);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        child_exec(c, s, null_fd, pipefd[1], parent);
    }
    fork_errno = errno;
    rc = pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        pd_error(0, "pthread_sigmask (restoring the signal mask): %s", g_strerror(rc));
    close(pipefd[1]);
    close(null_fd);
    if (pid < 0) {
        close(pipefd[0]);
        snprintf(err, errlen, "fork: %s", g_strerror(fork_errno));
        return -1;
    }
    do
        n = read(pipefd[0], &ce, sizeof ce);
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == 0)
        return pid; /* EOF: execve closed the pipe */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (n != (ssize_t)sizeof ce) {
        snprintf(err, errlen, "cannot start %s: lost track of the child", s->path);
        return -1;
    }
    if (ce.stage == ST_PARENT_GONE)
        snprintf(err, errlen, "cannot start %s: %s", s->path, stage_names[ce.stage]);
    else if (ce.stage > 0 && ce.stage <= ST_EXEC)
        snprintf(err, errlen, "cannot start %s as user %s: %s: %s", s->path,
                 s->drop ? c->user : c->self_user, stage_names[ce.stage], g_strerror(ce.err));
    else
        snprintf(err, errlen, "cannot start %s", s->path);
    return -1;
}

/* Runs a program to completion with its output appended to postgresql.log. Returns 0 and its
 * wait status in *status, or -1 with err filled. */
static int run_logged(struct pd_cluster *c, const char *path, char *const *argv, bool drop,
                      int *status, off_t *log_offset, char *err, size_t errlen)
{
    int fd = open(c->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    struct child_spec s = {
        .path = path,
        .argv = argv,
        .drop = drop,
        .cwd = c->data_dir,
    };
    pid_t pid;

    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", c->log_path, g_strerror(errno));
        return -1;
    }
    *log_offset = lseek(fd, 0, SEEK_END);
    if (*log_offset < 0)
        *log_offset = 0; /* only used to pick the log lines for an error */
    s.out_fd = s.err_fd = fd;
    pid = spawn_child(c, &s, err, errlen);
    close(fd);
    if (pid < 0)
        return -1;
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, errlen, "waitpid(%s): %s", path, g_strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Runs a program as patend's own user and returns its stdout (g_malloc'd, stripped) if it exited
 * 0, else NULL. For pg_config and postgres -V, which print and exit before any root check. */
static char *run_capture(struct pd_cluster *c, const char *path, char *const *argv)
{
    int pipefd[2];
    int null_fd;
    char err[512];
    GString *out;
    char buf[512];
    ssize_t n;
    pid_t pid;
    int status;

    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return NULL;
    null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return NULL;
    }
    struct child_spec s = {
        .path = path,
        .argv = argv,
        .out_fd = pipefd[1],
        .err_fd = null_fd,
        .cwd = "/",
    };
    pid = spawn_child(c, &s, err, sizeof err);
    close(pipefd[1]);
    close(null_fd);
    if (pid < 0) {
        close(pipefd[0]);
        pd_debug(0, "%s", err);
        return NULL;
    }
    out = g_string_new(NULL);
    for (;;) {
        n = read(pipefd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || out->len > 65536)
            break;
        g_string_append_len(out, buf, n);
    }
    close(pipefd[0]);
    pid_t w;
    do
        w = waitpid(pid, &status, 0);
    while (w < 0 && errno == EINTR);
    if (w != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_strstrip(g_string_free(out, FALSE));
}

/* ---------------------------------------------------------------------------------------------
 * Start-up steps. Each returns 0, or -1 after logging the one error line.
 */

static int resolve_users(struct pd_cluster *c, const char *pg_user)
{
    struct passwd pw, *res = NULL;
    char buf[16384];
    uid_t euid = geteuid();
    int rc;

    rc = getpwuid_r(euid, &pw, buf, sizeof buf, &res);
    if (rc != 0 || res == NULL) {
        pd_error(0,
                 "patend's user id %u has no name in the user database (%s); PostgreSQL's "
                 "peer authentication needs one: run patend as a named user",
                 (unsigned)euid, rc ? g_strerror(rc) : "not found");
        return -1;
    }
    c->self_user = g_strdup(pw.pw_name);
    if (euid != 0) {
        c->user = g_strdup(pw.pw_name);
        c->uid = euid;
        c->gid = getegid();
        return 0;
    }

    if (pg_user == NULL || *pg_user == '\0')
        pg_user = "postgres";
    res = NULL;
    rc = getpwnam_r(pg_user, &pw, buf, sizeof buf, &res);
    if (rc != 0 || res == NULL) {
        pd_error(0,
                 "user '%s' does not exist (%s): patend runs as root and PostgreSQL refuses "
                 "to, so the embedded cluster runs as --pg-user; install the postgresql "
                 "package (it creates 'postgres') or name an existing unprivileged user",
                 pg_user, rc ? g_strerror(rc) : "not found");
        return -1;
    }
    if (pw.pw_uid == 0) {
        pd_error(0,
                 "--pg-user '%s' is root; PostgreSQL refuses to run as root: name an "
                 "unprivileged user such as postgres",
                 pg_user);
        return -1;
    }
    c->user = g_strdup(pw.pw_name);
    c->uid = pw.pw_uid;
    c->gid = pw.pw_gid;
    c->drop = true;

    int n = 32;
    for (;;) {
        int want = n;
        c->groups = g_renew(gid_t, c->groups, (gsize)n);
        if (getgrouplist(c->user, c->gid, c->groups, &want) >= 0) {
            c->ngroups = want;
            break;
        }
        if (want <= n || want > 65536) {
            pd_error(0, "cannot list the groups of user '%s'", c->user);
            return -1;
        }
        n = want;
    }
    return 0;
}

static bool has_server_programs(const char *dir)
{
    g_autofree char *initdb = g_build_filename(dir, "initdb", NULL);
    g_autofree char *postgres = g_build_filename(dir, "postgres", NULL);
    return access(initdb, X_OK) == 0 && access(postgres, X_OK) == 0;
}

/* The newest /usr/lib/postgresql/<version>/bin with initdb and postgres, or NULL. */
static char *newest_debian_bin_dir(void)
{
    DIR *d = opendir("/usr/lib/postgresql");
    struct dirent *e;
    char *best = NULL;
    double best_v = -1;

    if (d == NULL)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        char *end;
        double v;
        if (!g_ascii_isdigit(e->d_name[0]))
            continue;
        v = g_ascii_strtod(e->d_name, &end); /* "15", or "9.6" before PostgreSQL 10 */
        if (*end != '\0' || v <= best_v)
            continue;
        g_autofree char *bin = g_build_filename("/usr/lib/postgresql", e->d_name, "bin", NULL);
        if (!has_server_programs(bin))
            continue;
        g_free(best);
        best = g_steal_pointer(&bin);
        best_v = v;
    }
    closedir(d);
    return best;
}

/* Parses the major version from `postgres -V` ("postgres (PostgreSQL) 15.20 (Debian ...)"). */
static int program_major(struct pd_cluster *c)
{
    char *argv[] = { c->postgres_path, (char *)"-V", NULL };
    g_autofree char *out = run_capture(c, c->postgres_path, argv);
    const char *p = out ? strstr(out, "(PostgreSQL) ") : NULL;

    if (p == NULL)
        return -1;
    return atoi(p + strlen("(PostgreSQL) "));
}

static int resolve_programs(struct pd_cluster *c, const char *given)
{
    if (given != NULL) {
        if (!has_server_programs(given)) {
            pd_error(0,
                     "--pg-bin %s has no executable initdb and postgres: point it at a "
                     "PostgreSQL server's bin directory (e.g. /usr/lib/postgresql/15/bin)",
                     given);
            return -1;
        }
        c->bin_dir = g_strdup(given);
    } else {
        c->bin_dir = newest_debian_bin_dir();
        if (c->bin_dir == NULL) {
            g_autofree char *pg_config = g_find_program_in_path("pg_config");
            if (pg_config != NULL) {
                char *argv[] = { pg_config, (char *)"--bindir", NULL };
                char *dir = run_capture(c, pg_config, argv);
                if (dir != NULL && *dir != '\0' && has_server_programs(dir))
                    c->bin_dir = dir;
                else
                    g_free(dir);
            }
        }
        if (c->bin_dir == NULL) {
            pd_error(0, "no PostgreSQL server programs found (looked for initdb and postgres in "
                        "/usr/lib/postgresql/*/bin and in pg_config --bindir): install the "
                        "PostgreSQL server (apt-get install postgresql), pass --pg-bin DIR, or "
                        "use an existing cluster with --db URI");
            return -1;
        }
    }
    c->initdb_path = g_build_filename(c->bin_dir, "initdb", NULL);
    c->postgres_path = g_build_filename(c->bin_dir, "postgres", NULL);
    c->pg_major = program_major(c);
    if (c->pg_major <= 0) {
        pd_error(0, "%s -V did not print a PostgreSQL version: check --pg-bin %s", c->postgres_path,
                 c->bin_dir);
        return -1;
    }
    return 0;
}

/*
 * When patend is root, the cluster user must be able to search every directory down to the data
 * directory and run the programs. Checked by a child that drops privileges and calls access(), so
 * the answer is the kernel's (ACLs and all), before anything is created or locked.
 */
static int check_reachable(struct pd_cluster *c)
{
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    int pipefd[2];
    pid_t pid;
    int report[3] = { 0, 0, 0 }; /* failing index + 1, errno, stage */
    ssize_t n;
    int status;
    size_t ndirs;

    if (!c->drop)
        return 0;
    g_ptr_array_add(paths, g_strdup("/"));
    for (const char *p = c->data_dir + 1; *p; p++)
        if (*p == '/')
            g_ptr_array_add(paths, g_strndup(c->data_dir, (gsize)(p - c->data_dir)));
    g_ptr_array_add(paths, g_strdup(c->data_dir));
    ndirs = paths->len;
    g_ptr_array_add(paths, g_strdup(c->initdb_path));
    g_ptr_array_add(paths, g_strdup(c->postgres_path));

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        pd_error(0, "pipe2: %s", g_strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        pd_error(0, "fork: %s", g_strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        int stage;
        close(pipefd[0]);
        if ((stage = child_become_user(c)) != 0) {
            int r[3] = { 0, errno, stage };
            (void)!write(pipefd[1], r, sizeof r);
            _exit(1);
        }
        for (size_t i = 0; i < paths->len; i++) {
            if (access(paths->pdata[i], X_OK) == 0)
                continue;
            if (errno == ENOENT && i < ndirs)
                break; /* not created yet: patend creates it with a searchable mode */
            int r[3] = { (int)i + 1, errno, 0 };
            (void)!write(pipefd[1], r, sizeof r);
            _exit(1);
        }
        _exit(0);
    }
    close(pipefd[1]);
    do
        n = read(pipefd[0], report, sizeof report);
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (n <= 0)
        return 0;
    if (report[0] == 0) {
        pd_error(0, "cannot switch to user '%s' to check the data directory: %s: %s", c->user,
                 report[2] > 0 && report[2] <= ST_EXEC ? stage_names[report[2]] : "?",
                 g_strerror(report[1]));
        return -1;
    }
    const char *bad = paths->pdata[report[0] - 1];
    if ((size_t)report[0] > ndirs) {
        pd_error(0,
                 "PostgreSQL runs as user '%s' (patend is root), which cannot execute %s (%s): "
                 "make it executable for that user or pass another --pg-bin",
                 c->user, bad, g_strerror(report[1]));
        return -1;
    }
    pd_error(0,
             "PostgreSQL runs as user '%s' (patend is root), which cannot reach the data "
             "directory %s: %s is not searchable by it (%s); either make each parent "
             "directory searchable (chmod o+x %s) or choose a --data-dir under a place it can "
             "reach, such as /var/lib/paten",
             c->user, c->data_dir, bad, g_strerror(report[1]), bad);
    return -1;
}

/*
 * Creates the data directory and any missing parents. Modes are set explicitly (umask could make
 * them unsearchable for the cluster user): parents 0755, the data directory 0711 under root (the
 * cluster user searches it but cannot list it), else 0700. An existing data directory must not be
 * writable by others: patend (maybe root) creates, renames and chowns entries in it.
 */
static int make_data_dir(struct pd_cluster *c)
{
    struct stat st;
    mode_t mode = c->drop ? 0711 : 0700;

    for (char *p = c->data_dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        bool last = *p == '\0';
        char saved = *p;
        *p = '\0';
        if (mkdir(c->data_dir, last ? mode : 0755) == 0) {
            if (chmod(c->data_dir, last ? mode : 0755) < 0) {
                pd_error(0, "cannot set the mode of %s: %s", c->data_dir, g_strerror(errno));
                *p = saved;
                return -1;
            }
        } else if (errno != EEXIST) {
            pd_error(0, "cannot create %s: %s", c->data_dir, g_strerror(errno));
            *p = saved;
            return -1;
        }
        *p = saved;
        if (last)
            break;
    }
    if (stat(c->data_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        pd_error(0, "--data-dir %s is not a directory", c->data_dir);
        return -1;
    }
    if (st.st_mode & S_IWOTH) {
        pd_error(0,
                 "--data-dir %s is writable by every user (mode %04o), who could swap its "
                 "files under patend: use a directory of its own (chmod o-w %s, or another "
                 "--data-dir)",
                 c->data_dir, (unsigned)(st.st_mode & 07777), c->data_dir);
        return -1;
    }
    return 0;
}

static int take_lock(struct pd_cluster *c)
{
    g_autofree char *path = g_build_filename(c->data_dir, "patend.lock", NULL);
    char buf[32];
    int n;

    c->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (c->lock_fd < 0) {
        pd_error(0, "cannot open the lock file %s: %s", path, g_strerror(errno));
        return -1;
    }
    if (flock(c->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK) {
            ssize_t r = pread(c->lock_fd, buf, sizeof buf - 1, 0);
            long other = 0;
            if (r > 0) {
                buf[r] = '\0';
                other = strtol(buf, NULL, 10);
            }
            if (other > 0)
                pd_error(0,
                         "another patend (pid %ld) is using %s: stop it first, or give this "
                         "one its own --data-dir",
                         other, c->data_dir);
            else
                pd_error(0,
                         "another patend (pid unknown) is using %s: stop it first, or give "
                         "this one its own --data-dir",
                         c->data_dir);
        } else {
            pd_error(0, "cannot lock %s: %s", path, g_strerror(errno));
        }
        close(c->lock_fd);
        c->lock_fd = -1;
        return -1;
    }
    n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(c->lock_fd, 0) < 0 || pwrite(c->lock_fd, buf, (size_t)n, 0) != n) {
        pd_error(0, "cannot write %s: %s", path, g_strerror(errno));
        return -1;
    }
    return 0;
}

/* A pid whose working directory is the cluster directory: a postmaster or backend of this
 * cluster (postgres chdir()s there first thing). 0 if there is none. */
static pid_t find_cluster_process(const char *pg_real)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;

    if (d == NULL)
        return 0;
    while (found == 0 && (e = readdir(d)) != NULL) {
        char link[300], target[PATH_MAX];
        ssize_t n;
        if (!g_ascii_isdigit(e->d_name[0]))
            continue;
        snprintf(link, sizeof link, "/proc/%s/cwd", e->d_name);
        n = readlink(link, target, sizeof target - 1);
        if (n < 0)
            continue; /* gone, a zombie, or another user's (then not our cluster's) */
        target[n] = '\0';
        if (strcmp(target, pg_real) == 0)
            found = (pid_t)atoi(e->d_name);
    }
    closedir(d);
    return found;
}

/*
 * A patend that was killed leaves its postgres shutting down (it got SIGINT through
 * PR_SET_PDEATHSIG). Wait for every process of this cluster to exit. Then a postmaster.pid naming
 * a live process is stale (a reused pid, or a zombie nobody reaped), which postgres would refuse to
 * start over, so remove it: with no process left in the cluster that is safe.
 */
static int wait_for_previous(struct pd_cluster *c)
{
    g_autofree char *pidfile = g_build_filename(c->pg_dir, "postmaster.pid", NULL);
    char pg_real[PATH_MAX];
    uint64_t deadline = pd_clock_mono_ms() + ORPHAN_WAIT_MS;
    bool logged = false;
    pid_t pid;

    if (realpath(c->pg_dir, pg_real) == NULL)
        return 0; /* no cluster yet */
    while ((pid = find_cluster_process(pg_real)) != 0) {
        uint64_t now = pd_clock_mono_ms();
        if (!logged) {
            pd_warn(0,
                    "a PostgreSQL process (pid %ld) from a previous patend still runs on %s; "
                    "waiting up to %d s for it to exit",
                    (long)pid, c->pg_dir, ORPHAN_WAIT_MS / 1000);
            logged = true;
        }
        if (now >= deadline || !wait_pid_exit(pid, (int)(deadline - now), false, NULL)) {
            pd_error(0,
                     "PostgreSQL process %ld still runs on %s after %d s: stop it "
                     "(kill -INT %ld) and start patend again",
                     (long)pid, c->pg_dir, ORPHAN_WAIT_MS / 1000, (long)pid);
            return -1;
        }
    }

    g_autofree char *text = NULL;
    if (!g_file_get_contents(pidfile, &text, NULL, NULL))
        return 0;
    long old = strtol(text, NULL, 10);
    if (old > 0 && (kill((pid_t)old, 0) == 0 || errno == EPERM)) {
        pd_warn(0, "removing stale %s: pid %ld is not a PostgreSQL of this cluster", pidfile, old);
        if (unlink(pidfile) < 0 && errno != ENOENT) {
            pd_error(0, "cannot remove stale %s: %s", pidfile, g_strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int run_initdb(struct pd_cluster *c)
{
    g_autofree char *tmp = g_strconcat(c->pg_dir, ".initdb", NULL);
    g_autofree char *user_opt = g_strdup_printf("--username=%s", c->user);
    locale_t l = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
    const char *locale = l != (locale_t)0 ? "--locale=C.UTF-8" : "--locale=C";
    char err[512], st[64];
    int status;
    off_t off;
    uint64_t t0 = pd_clock_mono_ms();

    if (l != (locale_t)0)
        freelocale(l);
    /* initdb works in pg.initdb and the result is renamed to pg: a pg/ directory always holds a
     * whole cluster, and a first start killed half way leaves only pg.initdb to clear. */
    if (path_exists(tmp)) {
        pd_warn(0, "removing %s left by an interrupted first start", tmp);
        if (nftw(tmp, remove_cb, 16, FTW_DEPTH | FTW_PHYS) < 0) {
            pd_error(0, "cannot remove %s: %s; remove it by hand", tmp, g_strerror(errno));
            return -1;
        }
    }
    if (mkdir(tmp, 0700) < 0) {
        pd_error(0, "cannot create %s: %s", tmp, g_strerror(errno));
        return -1;
    }
    if (c->drop && chown(tmp, c->uid, c->gid) < 0) {
        pd_error(0, "cannot give %s to user %s: %s", tmp, c->user, g_strerror(errno));
        return -1;
    }
    char *argv[] = {
        c->initdb_path,
        (char *)"-D",
        tmp,
        (char *)"--encoding=UTF8",
        (char *)locale,
        (char *)"--auth-local=peer",
        (char *)"--auth-host=reject",
        user_opt,
        (char *)"--no-instructions",
        (char *)"--data-checksums",
        c->fsync ? NULL : (char *)"--no-sync",
        NULL,
    };
    pd_info(0, "creating the embedded PostgreSQL %d cluster in %s (initdb, as user %s)",
            c->pg_major, c->pg_dir, c->user);
    if (run_logged(c, c->initdb_path, argv, c->drop, &status, &off, err, sizeof err) < 0) {
        pd_error(0, "%s", err);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_autofree char *tail = log_tail(c, off);
        describe_status(status, st, sizeof st);
        pd_error(0, "initdb failed (%s): %s; see %s", st, tail, c->log_path);
        return -1;
    }
    if (rename(tmp, c->pg_dir) < 0) {
        pd_error(0, "cannot rename %s to %s: %s", tmp, c->pg_dir, g_strerror(errno));
        return -1;
    }
    if (c->fsync) {
        int dfd = open(c->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) < 0) {
            pd_error(0, "cannot flush %s: %s", c->data_dir, g_strerror(errno));
            if (dfd >= 0)
                close(dfd);
            return -1;
        }
        close(dfd);
    }
    c->created = true;
    pd_info(0, "initdb done in %llu ms", (unsigned long long)(pd_clock_mono_ms() - t0));
    return 0;
}

/* pg/ must belong to the cluster user and hold a cluster made by the same PostgreSQL major
 * version as the programs: say so plainly instead of letting postgres fail. */
static int check_cluster_version(struct pd_cluster *c)
{
    g_autofree char *path = g_build_filename(c->pg_dir, "PG_VERSION", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        pd_error(0,
                 "%s exists but holds no PostgreSQL cluster (%s): move it away and patend "
                 "creates a new one",
                 c->pg_dir, gerr->message);
        return -1;
    }
    struct stat st;
    if (stat(c->pg_dir, &st) < 0) {
        pd_error(0, "cannot stat %s: %s", c->pg_dir, g_strerror(errno));
        return -1;
    }
    if (st.st_uid != c->uid) {
        struct passwd *pw = getpwuid(st.st_uid);
        pd_error(0,
                 "%s belongs to %s (uid %u) but the cluster runs as %s: run patend as that "
                 "user%s, or give the cluster to %s (chown -R %s %s)",
                 c->pg_dir, pw ? pw->pw_name : "another user", (unsigned)st.st_uid, c->user,
                 c->drop ? " or pass it as --pg-user" : "", c->user, c->user, c->pg_dir);
        return -1;
    }
    int major = atoi(text);
    if (major != c->pg_major) {
        pd_error(0,
                 "the cluster in %s was made by PostgreSQL %d but the programs in %s are "
                 "PostgreSQL %d: pass --pg-bin with a PostgreSQL %d bin directory, or upgrade "
                 "the cluster with pg_upgrade",
                 c->pg_dir, major, c->bin_dir, c->pg_major, major);
        return -1;
    }
    return 0;
}

/* Writes a file in the cluster directory atomically (temporary file and rename), owned by the
 * cluster user, mode 0600. */
static int write_cluster_file(struct pd_cluster *c, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(c->pg_dir, name, NULL);
    g_autofree char *tmp = g_strconcat(path, ".patend-tmp", NULL);
    size_t len = strlen(content), off = 0;
    int fd;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        goto fail;
    while (off < len) {
        ssize_t n = write(fd, content + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail_fd;
        off += (size_t)n;
    }
    if (c->drop && fchown(fd, c->uid, c->gid) < 0)
        goto fail_fd;
    if (c->fsync && fsync(fd) < 0)
        goto fail_fd;
    if (close(fd) < 0)
        goto fail;
    if (rename(tmp, path) < 0)
        goto fail;
    return 0;
fail_fd:
    close(fd);
fail:
    pd_error(0, "cannot write %s: %s", path, g_strerror(errno));
    return -1;
}

/*
 * pg_hba.conf and pg_ident.conf are rewritten at every start, so they follow the user patend runs
 * as (a data directory first used by one user and later by root keeps working). Only peer
 * authentication on the socket: patend's OS user and the cluster user may connect as the
 * superuser, paten_owner and paten_app.
 */
static int write_auth_files(struct pd_cluster *c)
{
    static const char header[] = "# Written by patend at every start: changes here are lost.\n";
    const char *sys_users[2] = { c->self_user, c->user };
    const char *pg_roles[3] = { c->user, app_roles[0], app_roles[1] };
    GString *ident = g_string_new(header);
    int rc;

    for (int i = 0; i < 2; i++)
        if (strchr(sys_users[i], '"') || strpbrk(sys_users[i], " \t")) {
            pd_error(0, "user name '%s' cannot be written in pg_ident.conf", sys_users[i]);
            g_string_free(ident, TRUE);
            return -1;
        }
    g_string_append(ident, "# MAPNAME  SYSTEM-USERNAME  PG-USERNAME\n");
    for (int i = 0; i < 2; i++) {
        if (i == 1 && strcmp(sys_users[0], sys_users[1]) == 0)
            break;
        for (int r = 0; r < 3; r++)
            g_string_append_printf(ident, "paten  \"%s\"  \"%s\"\n", sys_users[i], pg_roles[r]);
    }
    rc = write_cluster_file(c, "pg_hba.conf",
                            "# Written by patend at every start: changes here are lost.\n"
                            "# Unix socket only (no TCP), peer credentials mapped by "
                            "pg_ident.conf.\n"
                            "local all all peer map=paten\n");
    if (rc == 0)
        rc = write_cluster_file(c, "pg_ident.conf", ident->str);
    g_string_free(ident, TRUE);
    return rc;
}

static int make_run_dir(struct pd_cluster *c)
{
    struct stat st;

    if (mkdir(c->run_dir, 0700) < 0 && errno != EEXIST) {
        pd_error(0, "cannot create %s: %s", c->run_dir, g_strerror(errno));
        return -1;
    }
    if (lstat(c->run_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        pd_error(0, "%s is not a directory: move it away", c->run_dir);
        return -1;
    }
    if ((c->drop && chown(c->run_dir, c->uid, c->gid) < 0) || chmod(c->run_dir, 0700) < 0) {
        pd_error(0, "cannot set the owner and mode of %s: %s", c->run_dir, g_strerror(errno));
        return -1;
    }
    return 0;
}

static void build_postgres_argv(struct pd_cluster *c)
{
    GPtrArray *a = g_ptr_array_new();
    GString *dirs = g_string_new("unix_socket_directories=\"");

    /* Double-quoted so a comma or space in the path is not a list separator; a quote is
     * doubled. */
    for (const char *p = c->run_dir; *p; p++) {
        if (*p == '"')
            g_string_append_c(dirs, '"');
        g_string_append_c(dirs, *p);
    }
    g_string_append_c(dirs, '"');

#define ARG(s) g_ptr_array_add(a, g_strdup(s))
#define SET(s)     \
    do {           \
        ARG("-c"); \
        ARG(s);    \
    } while (0)
    ARG(c->postgres_path);
    ARG("-D");
    ARG(c->pg_dir);
    g_ptr_array_add(a, g_strdup_printf("-p%d", PG_PORT));
    SET("listen_addresses=");
    g_ptr_array_add(a, g_strdup("-c"));
    g_ptr_array_add(a, g_string_free(dirs, FALSE));
    SET("unix_socket_permissions=0700");
    SET(c->fsync ? "fsync=on" : "fsync=off");
    /* Without fsync only an operating-system crash loses data; commits stay synchronous so
     * that killing postgres (the fault tests do) never loses an acknowledged transaction. */
    if (!c->fsync)
        SET("full_page_writes=off");
    SET("max_connections=200");
    SET("cluster_name=paten");
    SET("logging_collector=off"); /* stderr is postgresql.log already */
    SET("log_destination=stderr");
    SET("log_line_prefix=%m [%p] %q%u@%d ");
    SET("log_timezone=UTC");
    SET("log_lock_waits=on");
    SET("log_min_duration_statement=2s");
#undef SET
#undef ARG
    g_ptr_array_add(a, NULL);
    c->postgres_argv = (char **)g_ptr_array_free(a, FALSE);
}

/* Starts the postmaster (not waiting for it to be ready). Fills c->pid. */
static int spawn_postgres(struct pd_cluster *c, char *err, size_t errlen)
{
    int fd = open(c->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    struct child_spec s = {
        .path = c->postgres_path,
        .argv = c->postgres_argv,
        .drop = c->drop,
        .pdeathsig = true,
        .cwd = c->data_dir,
    };
    pid_t pid;

    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", c->log_path, g_strerror(errno));
        return -1;
    }
    c->log_offset = lseek(fd, 0, SEEK_END);
    if (c->log_offset < 0)
        c->log_offset = 0;
    s.out_fd = s.err_fd = fd;
    pid = spawn_child(c, &s, err, errlen);
    close(fd);
    if (pid < 0)
        return -1;
    c->pid = pid;
    c->spawned_ms = pd_clock_mono_ms();
    return 0;
}

enum ready_verdict { READY_YES, READY_WAIT, READY_TIMEOUT };

/* Whether to keep waiting: READY_TIMEOUT_MS without an answer, but a server that answers
 * "starting up" is doing crash recovery, which may take minutes on a big database. */
static enum ready_verdict ready_verdict(PGPing r, uint64_t started_ms)
{
    uint64_t waited = pd_clock_mono_ms() - started_ms;

    if (r == PQPING_OK)
        return READY_YES;
    if (waited < READY_TIMEOUT_MS)
        return READY_WAIT;
    if (r == PQPING_REJECT && waited < RECOVERY_TIMEOUT_MS)
        return READY_WAIT;
    return READY_TIMEOUT;
}

static int stop_sync(struct pd_cluster *c);

/* Polls until postgres accepts connections. On failure the child is stopped (or has exited). */
static int wait_ready(struct pd_cluster *c)
{
    uint64_t t0 = c->spawned_ms;
    uint64_t next_log = t0 + PROGRESS_LOG_MS;
    int pfd = pidfd_open(c->pid, 0);
    char st[64];
    int status;

    for (;;) {
        PGPing r = PQping(c->ping_ci);
        enum ready_verdict v = ready_verdict(r, t0);
        if (v == READY_YES)
            break;
        if (r == PQPING_NO_ATTEMPT) {
            pd_error(0, "bad conninfo for the embedded PostgreSQL: %s", c->super_ci);
            goto fail;
        }
        pid_t w = waitpid(c->pid, &status, WNOHANG);
        if (w < 0 && errno == ECHILD) {
            status = 0; /* reaped behind our back (SIGCHLD ignored?): gone all the same */
            w = c->pid;
        }
        if (w == c->pid) {
            g_autofree char *tail = log_tail(c, c->log_offset);
            c->pid = 0;
            describe_status(status, st, sizeof st);
            pd_error(0, "the embedded PostgreSQL exited during start-up (%s): %s; see %s", st, tail,
                     c->log_path);
            goto fail;
        }
        if (v == READY_TIMEOUT) {
            g_autofree char *tail = log_tail(c, c->log_offset);
            pd_error(0,
                     "the embedded PostgreSQL (pid %ld) did not accept connections within "
                     "%llu s: %s; see %s",
                     (long)c->pid, (unsigned long long)((pd_clock_mono_ms() - t0) / 1000), tail,
                     c->log_path);
            goto fail;
        }
        if (pd_clock_mono_ms() >= next_log) {
            pd_info(0,
                    "still waiting for the embedded PostgreSQL (pid %ld) to accept "
                    "connections (%s)",
                    (long)c->pid,
                    r == PQPING_REJECT ? "it is starting up or recovering" : "no answer yet");
            next_log += PROGRESS_LOG_MS;
        }
        /* Wakes early if the child exits. */
        if (pfd >= 0) {
            struct pollfd p = { .fd = pfd, .events = POLLIN };
            (void)poll(&p, 1, POLL_INTERVAL_MS);
        } else {
            struct timespec ts = { 0, POLL_INTERVAL_MS * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    if (pfd >= 0)
        close(pfd);
    return 0;
fail:
    if (pfd >= 0)
        close(pfd);
    stop_sync(c);
    return -1;
}

static PGresult *exec_ok(PGconn *conn, const char *sql, const char *const *params, int nparams)
{
    PGresult *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);

    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
        return res;
    g_autofree char *msg = pq_msg(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
    pd_error(0, "embedded PostgreSQL: %s failed: %s", sql, msg);
    PQclear(res);
    return NULL;
}

/* Roles and database, every start: a first start may have died between them. */
static int ensure_roles_db(struct pd_cluster *c)
{
    static const char *const create_role[] = { "CREATE ROLE paten_owner LOGIN",
                                               "CREATE ROLE paten_app LOGIN" };
    PGconn *conn = PQconnectdb(c->super_ci);
    PGresult *res;
    int rc = -1;

    if (PQstatus(conn) != CONNECTION_OK) {
        g_autofree char *msg = pq_msg(PQerrorMessage(conn));
        pd_error(0, "cannot connect to the embedded PostgreSQL as superuser %s: %s", c->user, msg);
        PQfinish(conn);
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        const char *params[1] = { app_roles[i] };
        res = exec_ok(conn, "SELECT 1 FROM pg_roles WHERE rolname = $1", params, 1);
        if (res == NULL)
            goto out;
        bool exists = PQntuples(res) > 0;
        PQclear(res);
        if (exists)
            continue;
        if ((res = exec_ok(conn, create_role[i], NULL, 0)) == NULL)
            goto out;
        PQclear(res);
        pd_info(0, "created role %s", app_roles[i]);
    }
    res = exec_ok(conn, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'paten'",
                  NULL, 0);
    if (res == NULL)
        goto out;
    if (PQntuples(res) == 0) {
        PQclear(res);
        if ((res = exec_ok(conn, "CREATE DATABASE paten OWNER paten_owner", NULL, 0)) == NULL)
            goto out;
        pd_info(0, "created database paten");
    } else if (strcmp(PQgetvalue(res, 0, 0), "paten_owner") != 0) {
        PQclear(res);
        if ((res = exec_ok(conn, "ALTER DATABASE paten OWNER TO paten_owner", NULL, 0)) == NULL)
            goto out;
    }
    PQclear(res);
    rc = 0;
out:
    PQfinish(conn);
    return rc;
}

/* Stops a postgres child without a loop: SIGINT, then SIGQUIT, then SIGKILL. Returns 0 once it
 * has been reaped (or there was none). */
static int stop_sync(struct pd_cluster *c)
{
    static const struct {
        int sig;
        int wait_ms;
    } steps[] = { { SIGINT, STOP_QUIT_MS }, { SIGQUIT, STOP_KILL_MS }, { SIGKILL, -1 } };
    int status = 0;

    if (c->pid <= 0)
        return 0;
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        if (kill(c->pid, steps[i].sig) < 0 && errno != ESRCH)
            pd_error(0, "kill(%ld, %s): %s", (long)c->pid, sigabbrev_np(steps[i].sig),
                     g_strerror(errno));
        if (steps[i].wait_ms < 0) {
            while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
                ;
            break;
        }
        if (wait_pid_exit(c->pid, steps[i].wait_ms, true, &status))
            break;
        pd_warn(0, "the embedded PostgreSQL (pid %ld) did not exit within %d s of SIG%s",
                (long)c->pid, steps[i].wait_ms / 1000, sigabbrev_np(steps[i].sig));
    }
    pd_info(0, "embedded PostgreSQL (pid %ld) stopped", (long)c->pid);
    c->pid = 0;
    return 0;
}

int pd_cluster_start(const struct pd_cluster_opts *o, struct pd_cluster **out)
{
    struct pd_cluster *c;
    uint64_t t0 = pd_clock_mono_ms();
    char err[1024];

    *out = NULL;
    if (o == NULL || o->data_dir == NULL || !g_path_is_absolute(o->data_dir)) {
        pd_error(0, "the data directory must be an absolute path (got '%s')",
                 o && o->data_dir ? o->data_dir : "(none)");
        return -1;
    }
    c = g_new0(struct pd_cluster, 1);
    c->lock_fd = -1;
    c->fsync = o->fsync;
    c->restart_delay_ms = RESTART_MIN_MS;
    c->data_dir = g_canonicalize_filename(o->data_dir, "/");
    c->pg_dir = g_build_filename(c->data_dir, "pg", NULL);
    c->run_dir = g_build_filename(c->data_dir, "run", NULL);
    c->log_path = g_build_filename(c->data_dir, "postgresql.log", NULL);
    {
        long m = sysconf(_SC_OPEN_MAX);
        c->max_fd = m > 0 && m < 65536 ? (int)m : 65536;
    }

    g_autofree char *sock = g_strdup_printf("%s/.s.PGSQL.%d", c->run_dir, PG_PORT);
    if (strlen(sock) > SOCKET_PATH_MAX) {
        pd_error(0,
                 "--data-dir %s is too long: PostgreSQL's socket %s would be %zu bytes and "
                 "the limit is %d; choose a data directory of at most %zu bytes",
                 c->data_dir, sock, strlen(sock), SOCKET_PATH_MAX,
                 strlen(c->data_dir) - (strlen(sock) - SOCKET_PATH_MAX));
        goto fail;
    }

    /* The children's environment: PGDATA, PGPORT, PGOPTIONS... would override what we pass. */
    {
        GPtrArray *env = g_ptr_array_new();
        for (char **e = environ; e && *e; e++)
            if (strncmp(*e, "PG", 2) != 0)
                g_ptr_array_add(env, g_strdup(*e));
        g_ptr_array_add(env, NULL);
        c->envp = (char **)g_ptr_array_free(env, FALSE);
    }

    if (resolve_users(c, o->pg_user) < 0 || resolve_programs(c, o->pg_bin_dir) < 0 ||
        check_reachable(c) < 0 || make_data_dir(c) < 0 || take_lock(c) < 0 ||
        wait_for_previous(c) < 0)
        goto fail;
    if (!path_exists(c->pg_dir)) {
        if (run_initdb(c) < 0)
            goto fail;
    } else if (check_cluster_version(c) < 0) {
        goto fail;
    }
    c->super_ci = make_conninfo(c, "postgres", c->user);
    c->owner_ci = make_conninfo(c, "paten", "paten_owner");
    c->app_ci = make_conninfo(c, "paten", "paten_app");
    c->ping_ci = g_strconcat(c->super_ci, " connect_timeout=10", NULL);
    build_postgres_argv(c);
    if (write_auth_files(c) < 0 || make_run_dir(c) < 0)
        goto fail;
    if (spawn_postgres(c, err, sizeof err) < 0) {
        pd_error(0, "cannot start the embedded PostgreSQL: %s", err);
        goto fail;
    }
    if (wait_ready(c) < 0 || ensure_roles_db(c) < 0)
        goto fail;
    pd_info(0, "embedded PostgreSQL %d ready (pid %ld, user %s, socket in %s, %s) in %llu ms",
            c->pg_major, (long)c->pid, c->user, c->run_dir,
            c->created ? "new cluster" : "existing cluster",
            (unsigned long long)(pd_clock_mono_ms() - t0));
    *out = c;
    return 0;
fail:
    stop_sync(c);
    pd_cluster_free(c);
    return -1;
}

const char *pd_cluster_owner_conninfo(const struct pd_cluster *c)
{
    return c->owner_ci;
}

const char *pd_cluster_app_conninfo(const struct pd_cluster *c)
{
    return c->app_ci;
}

const char *pd_cluster_superuser_conninfo(const struct pd_cluster *c)
{
    return c->super_ci;
}

pid_t pd_cluster_pid(const struct pd_cluster *c)
{
    return c->pid;
}

bool pd_cluster_created(const struct pd_cluster *c)
{
    return c->created;
}

const char *pd_cluster_data_dir(const struct pd_cluster *c)
{
    return c->data_dir;
}

void pd_cluster_set_event_cb(struct pd_cluster *c,
                             void (*cb)(struct pd_cluster *c, enum pd_cluster_event ev, void *arg),
                             void *arg)
{
    c->event_cb = cb;
    c->event_arg = arg;
}

/* ---------------------------------------------------------------------------------------------
 * Supervision on the loop
 */

static void emit(struct pd_cluster *c, enum pd_cluster_event ev)
{
    if (c->event_cb)
        c->event_cb(c, ev, c->event_arg);
}

static void on_handle_closed(uv_handle_t *h)
{
    struct pd_cluster *c = h->data;

    if (--c->handles_open > 0)
        return;
    c->watching = false;
    c->loop = NULL;
    if (c->stop_cb)
        c->stop_cb(c, c->stop_arg);
}

static void finish_stop(struct pd_cluster *c)
{
    if (c->probe_busy) {
        c->close_after_probe = true; /* probe_done closes them */
        return;
    }
    uv_close((uv_handle_t *)&c->sigchld, on_handle_closed);
    uv_close((uv_handle_t *)&c->restart_timer, on_handle_closed);
    uv_close((uv_handle_t *)&c->kill_timer, on_handle_closed);
    uv_close((uv_handle_t *)&c->probe_timer, on_handle_closed);
}

static void on_restart_timer(uv_timer_t *t);
static void on_probe_timer(uv_timer_t *t);

static void schedule_restart(struct pd_cluster *c)
{
    int rc = uv_timer_start(&c->restart_timer, on_restart_timer, c->restart_delay_ms, 0);
    if (rc < 0)
        pd_error(0, "cannot schedule the PostgreSQL restart: %s", uv_strerror(rc));
    c->restart_delay_ms =
        c->restart_delay_ms * 2 > RESTART_MAX_MS ? RESTART_MAX_MS : c->restart_delay_ms * 2;
}

/* Reaps our postmaster if it has exited; anything else that exited is not ours to reap. */
static void check_child(struct pd_cluster *c)
{
    char st[64];
    int status = 0;
    pid_t r, pid = c->pid;

    if (pid <= 0)
        return;
    do
        r = waitpid(pid, &status, WNOHANG);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return;
    if (r < 0) {
        if (errno != ECHILD) {
            pd_error(0, "waitpid(%ld): %s", (long)pid, g_strerror(errno));
            return;
        }
        /* Someone else reaped it (a waitpid(-1) elsewhere); it is gone all the same. */
        snprintf(st, sizeof st, "status unknown");
    } else {
        describe_status(status, st, sizeof st);
    }
    c->pid = 0;
    c->probe_gen++;
    if (c->stopping) {
        uv_timer_stop(&c->kill_timer);
        pd_info(0, "embedded PostgreSQL (pid %ld) stopped (%s)", (long)pid, st);
        finish_stop(c);
        return;
    }
    uint64_t ran = pd_clock_mono_ms() - c->spawned_ms;
    if (ran >= HEALTHY_RUN_MS)
        c->restart_delay_ms = RESTART_MIN_MS;
    /* A few KiB read from a local file on the loop: rare, and the line says why it died. */
    g_autofree char *tail = log_tail(c, c->log_offset);
    pd_error(0,
             "embedded PostgreSQL (pid %ld) exited unexpectedly (%s) after %llu ms; "
             "restarting it in %u ms; last log lines: %s; see %s",
             (long)pid, st, (unsigned long long)ran, c->restart_delay_ms, tail, c->log_path);
    schedule_restart(c);
    emit(c, PD_CLUSTER_EXITED);
}

static void on_sigchld(uv_signal_t *h, int signum)
{
    (void)signum;
    check_child(h->data);
}

static void on_restart_timer(uv_timer_t *t)
{
    struct pd_cluster *c = t->data;
    char err[1024];
    int rc;

    if (c->stopping || c->pid > 0)
        return;
    if (spawn_postgres(c, err, sizeof err) < 0) {
        pd_error(0, "cannot restart the embedded PostgreSQL: %s; trying again in %u ms", err,
                 c->restart_delay_ms);
        schedule_restart(c);
        return;
    }
    pd_info(0, "restarted the embedded PostgreSQL (pid %ld)", (long)c->pid);
    c->probe_gen++;
    c->probe_started_ms = c->spawned_ms;
    c->probe_logged_ms = c->spawned_ms;
    rc = uv_timer_start(&c->probe_timer, on_probe_timer, 0, 0);
    if (rc < 0)
        pd_error(0, "cannot start the PostgreSQL readiness probe: %s", uv_strerror(rc));
    emit(c, PD_CLUSTER_RESTARTED);
    /* It may already have died between fork and here, its SIGCHLD merged with an earlier one. */
    check_child(c);
}

static void probe_work(uv_work_t *req)
{
    struct pd_cluster *c = req->data;
    c->probe_result = PQping(c->ping_ci);
}

static void probe_done(uv_work_t *req, int status)
{
    struct pd_cluster *c = req->data;
    int rc;

    c->probe_busy = false;
    if (c->stopping) {
        if (c->close_after_probe)
            finish_stop(c);
        return;
    }
    if (status < 0 || c->probe_req_gen != c->probe_gen || c->pid <= 0)
        return; /* cancelled, or that postgres is gone; a newer spawn starts its own probe */
    switch (ready_verdict(c->probe_result, c->probe_started_ms)) {
    case READY_YES:
        pd_info(0,
                "embedded PostgreSQL (pid %ld) accepts connections again, %llu ms after its "
                "restart",
                (long)c->pid, (unsigned long long)(pd_clock_mono_ms() - c->spawned_ms));
        c->probe_gen++;
        emit(c, PD_CLUSTER_READY);
        return;
    case READY_TIMEOUT:
        /* Immediate shutdown; its exit goes through check_child and the back-off. */
        pd_error(0,
                 "restarted embedded PostgreSQL (pid %ld) does not accept connections after "
                 "%llu s; killing it (SIGQUIT); see %s",
                 (long)c->pid,
                 (unsigned long long)((pd_clock_mono_ms() - c->probe_started_ms) / 1000),
                 c->log_path);
        if (kill(c->pid, SIGQUIT) < 0 && errno != ESRCH)
            pd_error(0, "kill(%ld, SIGQUIT): %s", (long)c->pid, g_strerror(errno));
        return;
    case READY_WAIT:
        break;
    }
    if (pd_clock_mono_ms() - c->probe_logged_ms >= PROGRESS_LOG_MS) {
        pd_info(0, "still waiting for the restarted embedded PostgreSQL (pid %ld)", (long)c->pid);
        c->probe_logged_ms = pd_clock_mono_ms();
    }
    rc = uv_timer_start(&c->probe_timer, on_probe_timer, PROBE_INTERVAL_MS, 0);
    if (rc < 0)
        pd_error(0, "cannot schedule the PostgreSQL readiness probe: %s", uv_strerror(rc));
}

static void on_probe_timer(uv_timer_t *t)
{
    struct pd_cluster *c = t->data;
    int rc;

    if (c->stopping || c->pid <= 0)
        return;
    if (c->probe_busy) {
        rc = uv_timer_start(&c->probe_timer, on_probe_timer, PROBE_INTERVAL_MS, 0);
        if (rc < 0)
            pd_error(0, "cannot schedule the PostgreSQL readiness probe: %s", uv_strerror(rc));
        return;
    }
    c->probe_req.data = c;
    c->probe_req_gen = c->probe_gen;
    rc = uv_queue_work(c->loop, &c->probe_req, probe_work, probe_done);
    if (rc < 0) {
        pd_error(0, "cannot queue the PostgreSQL readiness probe: %s", uv_strerror(rc));
        return;
    }
    c->probe_busy = true;
}

int pd_cluster_watch(struct pd_cluster *c, uv_loop_t *loop)
{
    uv_timer_t *timers[] = { &c->restart_timer, &c->kill_timer, &c->probe_timer };
    int rc;

    if (c->watching || c->stopping) {
        pd_error(0, "pd_cluster_watch: the cluster is already watched or stopping");
        return UV_EALREADY;
    }
    if ((rc = uv_signal_init(loop, &c->sigchld)) < 0) {
        pd_error(0, "uv_signal_init: %s", uv_strerror(rc));
        return rc;
    }
    c->sigchld.data = c;
    c->handles_open = 1;
    c->loop = loop;
    c->watching = true;
    for (size_t i = 0; i < G_N_ELEMENTS(timers); i++) {
        if ((rc = uv_timer_init(loop, timers[i])) < 0) {
            pd_error(0, "uv_timer_init: %s", uv_strerror(rc));
            goto fail;
        }
        timers[i]->data = c;
        c->handles_open++;
    }
    if ((rc = uv_signal_start(&c->sigchld, on_sigchld, SIGCHLD)) < 0) {
        pd_error(0, "uv_signal_start(SIGCHLD): %s", uv_strerror(rc));
        goto fail;
    }
    /* The child may have exited before the handler was there. */
    check_child(c);
    return 0;
fail:
    /* Close what was opened; c counts as watched until the loop has run their callbacks. */
    uv_close((uv_handle_t *)&c->sigchld, on_handle_closed);
    for (unsigned i = 0; i + 1 < c->handles_open; i++)
        uv_close((uv_handle_t *)timers[i], on_handle_closed);
    return rc;
}

static void on_kill_timer(uv_timer_t *t)
{
    struct pd_cluster *c = t->data;
    int sig, rc;

    if (c->pid <= 0)
        return;
    if (c->kill_stage == 1) {
        sig = SIGQUIT;
        pd_warn(0, "embedded PostgreSQL (pid %ld) did not stop within %d s; sending SIGQUIT",
                (long)c->pid, STOP_QUIT_MS / 1000);
    } else {
        sig = SIGKILL;
        pd_error(0, "embedded PostgreSQL (pid %ld) ignored SIGQUIT for %d s; sending SIGKILL",
                 (long)c->pid, STOP_KILL_MS / 1000);
    }
    if (kill(c->pid, sig) < 0 && errno != ESRCH)
        pd_error(0, "kill(%ld, %d): %s", (long)c->pid, sig, g_strerror(errno));
    c->kill_stage++;
    if (sig == SIGQUIT && (rc = uv_timer_start(&c->kill_timer, on_kill_timer, STOP_KILL_MS, 0)) < 0)
        pd_error(0, "uv_timer_start: %s", uv_strerror(rc));
}

void pd_cluster_stop(struct pd_cluster *c, void (*cb)(struct pd_cluster *c, void *arg), void *arg)
{
    int rc;

    if (c->stopping) {
        pd_debug(0, "pd_cluster_stop: already stopping");
        return;
    }
    c->stopping = true;
    c->stop_cb = cb;
    c->stop_arg = arg;
    if (!c->watching) {
        stop_sync(c);
        if (cb)
            cb(c, arg);
        return;
    }
    uv_timer_stop(&c->restart_timer);
    uv_timer_stop(&c->probe_timer);
    if (c->pid <= 0) {
        finish_stop(c);
        return;
    }
    pd_info(0, "stopping the embedded PostgreSQL (pid %ld)", (long)c->pid);
    if (kill(c->pid, SIGINT) < 0 && errno != ESRCH)
        pd_error(0, "kill(%ld, SIGINT): %s", (long)c->pid, g_strerror(errno));
    c->kill_stage = 1;
    if ((rc = uv_timer_start(&c->kill_timer, on_kill_timer, STOP_QUIT_MS, 0)) < 0)
        pd_error(0, "uv_timer_start: %s", uv_strerror(rc));
    check_child(c);
}

void pd_cluster_free(struct pd_cluster *c)
{
    if (c == NULL)
        return;
    /* Handles closed by someone else (a uv_walk closing everything, then uv_run) no longer
     * reference c once the loop has run; handles still active do. */
    bool handles_live = c->watching && !(uv_is_closing((uv_handle_t *)&c->sigchld) &&
                                         uv_is_closing((uv_handle_t *)&c->restart_timer) &&
                                         uv_is_closing((uv_handle_t *)&c->kill_timer) &&
                                         uv_is_closing((uv_handle_t *)&c->probe_timer));
    if (c->pid > 0) {
        pd_warn(0, "pd_cluster_free: the embedded PostgreSQL is still running; stopping it");
        stop_sync(c);
    }
    if (c->lock_fd >= 0)
        close(c->lock_fd); /* releases the flock */
    c->lock_fd = -1;
    if (handles_live || c->probe_busy) {
        /* Freeing would corrupt the loop: a bug in the caller (pd_cluster_stop's callback is the
         * place to free). Leak c rather than crash; the process is exiting anyway. */
        pd_error(0, "pd_cluster_free: the cluster is still watched by a loop; leaking it");
        return;
    }
    g_free(c->data_dir);
    g_free(c->pg_dir);
    g_free(c->run_dir);
    g_free(c->log_path);
    g_free(c->bin_dir);
    g_free(c->initdb_path);
    g_free(c->postgres_path);
    g_free(c->user);
    g_free(c->self_user);
    g_free(c->groups);
    g_strfreev(c->envp);
    g_strfreev(c->postgres_argv);
    g_free(c->super_ci);
    g_free(c->owner_ci);
    g_free(c->app_ci);
    g_free(c->ping_ci);
    g_free(c);
}
