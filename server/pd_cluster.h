/*
 * pd_cluster.h: the embedded PostgreSQL that patend runs under its data directory when it is given
 * no --db URI (a single office, a demo, the tests).
 *
 * Layout under the data directory:
 *   patend.lock      flock'ed for patend's lifetime; holds patend's pid
 *   pg/              the cluster (initdb on first start), owned by the cluster user
 *   run/             the Unix socket directory (mode 0700, no TCP at all)
 *   postgresql.log   stdout and stderr of initdb and postgres, appended
 *
 * When patend runs as root the cluster runs as an unprivileged user (--pg-user, default
 * "postgres") because PostgreSQL refuses root; otherwise it runs as patend's own user. Clients of
 * the cluster authenticate by peer credentials on the socket, mapped to three roles: the cluster
 * superuser (named after the cluster user), paten_owner (owns database "paten", runs the
 * migrations) and paten_app (patend's pool, only the grants the migrations give it).
 *
 * The postgres child dies with patend, even when patend is SIGKILLed (PR_SET_PDEATHSIG), so call
 * pd_cluster_start from the thread that lives as long as the cluster: the main thread.
 */
#ifndef PD_CLUSTER_H
#define PD_CLUSTER_H

#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

struct pd_cluster;

struct pd_cluster_opts {
    const char *data_dir;   /* absolute; created if missing */
    const char *pg_bin_dir; /* NULL: the newest /usr/lib/postgresql/<version>/bin that has initdb
                               and postgres; else pg_config --bindir */
    const char *pg_user;    /* the unprivileged OS user the cluster runs as when patend runs as root
                               (euid 0), NULL meaning "postgres"; ignored otherwise */
    bool fsync;             /* false only for throwaway test data */
};

/*
 * Blocking; called at start-up before the event loop serves anyone. Takes the data-dir lock, runs
 * initdb on first start, starts the postgres child, waits until it accepts connections (at most
 * 60 s) and makes sure roles paten_owner and paten_app and database paten exist. Returns 0 and
 * *out (free it with pd_cluster_free after stopping it), or -1 after logging one error line that
 * says what to do; on failure nothing is left running and the lock is released.
 */
int pd_cluster_start(const struct pd_cluster_opts *o, struct pd_cluster **out);

/* libpq conninfo strings (key=value, quoted), valid until pd_cluster_free. */
const char *pd_cluster_owner_conninfo(const struct pd_cluster *c);     /* paten_owner, db paten */
const char *pd_cluster_app_conninfo(const struct pd_cluster *c);       /* paten_app, db paten */
const char *pd_cluster_superuser_conninfo(const struct pd_cluster *c); /* superuser, db postgres */

/* The postmaster's pid; 0 while it is not running (between an unexpected exit and its restart,
 * or after the stop). */
pid_t pd_cluster_pid(const struct pd_cluster *c);

/* Whether this pd_cluster_start ran initdb (a first start) rather than reusing pg/. */
bool pd_cluster_created(const struct pd_cluster *c);

const char *pd_cluster_data_dir(const struct pd_cluster *c);

enum pd_cluster_event {
    PD_CLUSTER_EXITED,    /* postgres exited unexpectedly; a restart is scheduled */
    PD_CLUSTER_RESTARTED, /* a new postgres was started (not yet accepting connections) */
    PD_CLUSTER_READY,     /* the restarted postgres accepts connections again */
};

/* Optional: called on the loop for each event above, e.g. so the pool reconnects at once. */
void pd_cluster_set_event_cb(struct pd_cluster *c,
                             void (*cb)(struct pd_cluster *c, enum pd_cluster_event ev, void *arg),
                             void *arg);

/*
 * Hands supervision to the loop: an unexpected exit of postgres is logged and postgres restarted
 * after 0.5 s, doubling up to 10 s while it keeps dying young. Only the postmaster's own pid is
 * reaped, so libuv's uv_spawn children are not disturbed. Returns 0, or a negative libuv error
 * code (logged; any handle opened is closed on the loop, so run it before pd_cluster_free).
 */
int pd_cluster_watch(struct pd_cluster *c, uv_loop_t *loop);

/*
 * Stops postgres on the loop: SIGINT (fast shutdown), SIGQUIT after 20 s, SIGKILL 10 s later;
 * once it has exited, closes the handles and calls cb (on the loop). If pd_cluster_watch was
 * never called (a start-up failure before the loop runs), stops synchronously and calls cb
 * before returning. Calling it again while a stop is under way does nothing.
 */
void pd_cluster_stop(struct pd_cluster *c, void (*cb)(struct pd_cluster *c, void *arg), void *arg);

/* Frees c and releases the data-dir lock. Call it once pd_cluster_stop's cb has run (it may be
 * called from cb), or when the cluster was never watched; a postgres still running is stopped
 * synchronously first. If a loop still holds c's handles, c is leaked (logged) rather than freed
 * under the loop. NULL is ignored. */
void pd_cluster_free(struct pd_cluster *c);

#endif
