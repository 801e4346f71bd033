/*
 * main.c: patend's start-up and exit.
 *
 * Start-up is the only phase allowed to block: it starts the embedded PostgreSQL (or checks the
 * external one), applies migrations, loads the demo data, and only then opens the pool and the
 * listener on the loop. From then on nothing blocks.
 */
#include "pd_bootstrap.h"
#include "pd_cluster.h"
#include "pd_config.h"
#include "pd_db.h"
#include "pd_demo.h"
#include "pd_documents.h"
#include "pd_events.h"
#include "pd_hash.h"
#include "pd_offices.h"
#include "pd_log.h"
#include "pd_migrate.h"
#include "pd_payments.h"
#include "pd_server.h"
#include "pd_session.h"
#include "pd_transport.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_CHANNEL "paten_events"
#define EVENT_RETRY_MS 1000

static void on_notify(void *arg, const char *channel, const char *payload)
{
    pd_debug(0, "notification on %s: %s", channel, payload);
    pd_events_poll(arg);
}

/* The LISTEN connection is (back) up: notifications sent while it was down are lost, so read
 * whatever the outbox holds that this process has not seen. */
static void on_listen_ready(void *arg)
{
    pd_debug(0, "listening for database events");
    pd_events_poll(arg);
}

static void on_event_start(const struct pd_db_result *r, void *arg);

static void read_event_counter(struct pd_server *srv)
{
    struct pd_db_batch *b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_EVENT_LAST);
    pd_db_run(srv->db, b, on_event_start, srv);
}

static void on_event_retry(uv_timer_t *t)
{
    read_event_counter(t->data);
}

/* The newest event is known: start delivering after it and accept clients. Until it is known
 * (the database is not reachable yet) patend keeps trying rather than exiting: a supervisor
 * restarting it would gain nothing. */
static void on_event_start(const struct pd_db_result *r, void *arg)
{
    struct pd_server *srv = arg;
    int rc;

    if (srv->state != PD_SERVER_STARTING)
        return;
    if (r->status < 0) {
        pd_warn(0, "cannot read the event counter yet (%s); retrying in %d ms", r->message,
                EVENT_RETRY_MS);
        if ((rc = uv_timer_start(&srv->startup_timer, on_event_retry, EVENT_RETRY_MS, 0)) < 0) {
            pd_error(0, "uv_timer_start: %s", uv_strerror(rc));
            srv->exit_code = 1;
            pd_server_shutdown(srv);
        }
        return;
    }
    pd_events_start(srv, (uint64_t)pd_db_get_int(r->res[0], 0, 0));
    if (pd_server_listen(srv) < 0 || pd_deposits_watch_start(srv) < 0) {
        /* Unwind through the normal shutdown so the pool and the cluster stop cleanly. */
        srv->exit_code = 1;
        pd_server_shutdown(srv);
    }
}

/* The pool is fully connected: only now does patend accept clients, so "ready" means ready. */
static void on_pool_ready(void *arg)
{
    struct pd_server *srv = arg;

    uv_timer_stop(&srv->startup_timer);
    if (srv->state != PD_SERVER_STARTING)
        return;
    pd_offices_reload(srv);
    read_event_counter(srv);
}

/* The pool did not come up in time: serve anyway; requests that need the database get
 * UNAVAILABLE until it does, which is more useful to an operator than a patend that exits. */
static void on_startup_timeout(uv_timer_t *t)
{
    struct pd_server *srv = t->data;
    pd_warn(0, "the database pool is not fully connected yet; starting anyway");
    on_pool_ready(srv);
}

static void close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

/* Runs the loop until the cluster (started before the loop served anyone) has stopped. Used when
 * start-up fails after the embedded PostgreSQL is already running. */
static void stop_cluster_now(uv_loop_t *loop, struct pd_cluster *cluster)
{
    if (pd_cluster_watch(cluster, loop) == 0) {
        pd_cluster_stop(cluster, NULL, NULL);
        uv_run(loop, UV_RUN_DEFAULT);
    }
}

/*
 * Raises the soft limit on open files to the hard limit: every client is a descriptor, and the
 * usual soft limit of 1024 would refuse clients long before --max-connections (20000 by default).
 * Logs a raise, and warns when the limit stays below --max-connections. Failure is not fatal:
 * patend runs with the limit it has.
 */
static void raise_nofile_limit(const struct pd_config *cfg)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)cfg->max_connections;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        pd_warn(0, "cannot read the open files limit: %s", strerror(errno));
        return;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t old = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            pd_warn(0, "cannot raise the open files limit from %llu to %llu: %s",
                    (unsigned long long)old, (unsigned long long)rl.rlim_max, strerror(errno));
            rl.rlim_cur = old;
        } else {
            pd_info(0, "open files limit raised from %llu to %llu", (unsigned long long)old,
                    (unsigned long long)rl.rlim_cur);
        }
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
        pd_warn(0,
                "open files limit %llu is below --max-connections %u: clients may be refused"
                " (accept fails) before that limit; raise the hard limit (ulimit -Hn, "
                "LimitNOFILE=)",
                (unsigned long long)rl.rlim_cur, cfg->max_connections);
}

int main(int argc, char **argv)
{
    struct pd_config cfg;
    struct pd_server srv;
    struct pd_cluster *cluster = NULL;
    uv_loop_t loop;
    const char *app_conninfo;
    const char *owner_conninfo;
    struct pd_db_opts dbo;
    int rc;

    rc = pd_config_load(&cfg, argc, argv);
    if (rc != 0) {
        pd_config_free(&cfg);
        return rc > 0 ? 0 : 2;
    }
    if (cfg.dump_handlers) {
        pd_bootstrap_dump_handlers();
        pd_config_free(&cfg);
        return 0;
    }
    /* libpq and libuv report broken pipes as errors; the signal would only kill us. */
    signal(SIGPIPE, SIG_IGN);
    srand((unsigned)(time(NULL) ^ getpid()));
    if ((rc = uv_loop_init(&loop)) < 0) {
        pd_error(0, "cannot create the event loop: %s", uv_strerror(rc));
        return 1;
    }
    memset(&srv, 0, sizeof srv);
    srv.loop = &loop;
    srv.cfg = &cfg;
    srv.exit_code = 0;
    pd_info(0, "patend %s starting", PATEN_VERSION);
    raise_nofile_limit(&cfg);
    /* Before anything is started: a certificate that cannot be used stops patend at once. */
    if (cfg.tls_cert != NULL && !cfg.create_admin &&
        pd_tls_create(cfg.tls_cert, cfg.tls_key, cfg.tls_client_ca, &srv.tls) < 0) {
        rc = 1;
        goto out;
    }

    if (cfg.db_uri) {
        app_conninfo = cfg.db_uri;
        owner_conninfo = cfg.db_owner_uri ? cfg.db_owner_uri : cfg.db_uri;
    } else {
        struct pd_cluster_opts co = {
            .data_dir = cfg.data_dir,
            .pg_bin_dir = cfg.pg_bin_dir,
            .pg_user = cfg.pg_user,
            .fsync = cfg.pg_fsync,
        };
        pd_info(0, "using the embedded PostgreSQL under %s", cfg.data_dir);
        if (pd_cluster_start(&co, &cluster) < 0) {
            rc = 1;
            goto out;
        }
        app_conninfo = pd_cluster_app_conninfo(cluster);
        owner_conninfo = pd_cluster_owner_conninfo(cluster);
    }

    if (pd_migrate_run(owner_conninfo, &srv.schema_version) < 0 ||
        (cfg.demo && pd_demo_load(owner_conninfo) < 0) ||
        pd_documents_ensure_keys(owner_conninfo) < 0) {
        if (cluster)
            stop_cluster_now(&loop, cluster);
        rc = 1;
        goto out;
    }
    if (cfg.create_admin) {
        rc = pd_bootstrap_create_admin(&cfg, owner_conninfo) < 0 ||
                     pd_documents_ensure_keys(owner_conninfo) < 0
                 ? 1
                 : 0;
        if (cluster)
            stop_cluster_now(&loop, cluster);
        goto out;
    }

    /* The loop's clock was read at uv_loop_init, before the blocking start-up (initdb,
     * migrations, the demo's password hash) that may have taken many seconds; timers started
     * from that stale time would expire at once, failing the pool's first connections. */
    uv_update_time(&loop);
    memset(&dbo, 0, sizeof dbo);
    dbo.conninfo = app_conninfo;
    dbo.pool_size = cfg.db_pool_size;
    dbo.query_timeout_ms = cfg.db_query_timeout_ms;
    dbo.queue_timeout_ms = cfg.db_queue_timeout_ms;
    dbo.connect_timeout_ms = 5000;
    dbo.listen_channel = EVENTS_CHANNEL;
    dbo.on_notify = on_notify;
    dbo.on_listen_ready = on_listen_ready;
    dbo.notify_arg = &srv;
    dbo.on_ready = on_pool_ready;
    dbo.ready_arg = &srv;
    srv.offices = pd_offices_new();
    srv.events = pd_events_new();
    srv.hash = pd_hash_create(&loop, cfg.hash_concurrency, cfg.hash_queue);
    if (srv.hash == NULL) {
        if (cluster)
            stop_cluster_now(&loop, cluster);
        rc = 1;
        goto out;
    }
    if (pd_db_create(&loop, &dbo, &srv.db) < 0) {
        if (cluster)
            stop_cluster_now(&loop, cluster);
        rc = 1;
        goto out;
    }
    if (cfg.db_replica_uri) {
        /* Reports only: no LISTEN, and patend does not wait for it to start (a replica that is
         * down costs nothing but the reports' move to the primary). The conninfo was parsed by
         * pd_config_load, so this cannot fail on it. */
        struct pd_db_opts ro = dbo;
        ro.conninfo = cfg.db_replica_uri;
        ro.pool_size = cfg.db_replica_pool_size;
        ro.listen_channel = NULL;
        ro.on_notify = NULL;
        ro.on_listen_ready = NULL;
        ro.on_ready = NULL;
        ro.name = "replica";
        ro.read_only = true;
        if (pd_db_create(&loop, &ro, &srv.replica) < 0) {
            pd_db_close(srv.db, NULL, NULL);
            uv_run(&loop, UV_RUN_DEFAULT);
            if (cluster)
                stop_cluster_now(&loop, cluster);
            rc = 1;
            goto out;
        }
        pd_info(0, "reports read from the replica when it is up (--db-replica)");
    }
    srv.cluster = cluster;
    if ((cluster && pd_cluster_watch(cluster, &loop) < 0) || pd_server_init(&srv) < 0 ||
        uv_timer_start(&srv.startup_timer, on_startup_timeout, 15000, 0) < 0) {
        /* Unwind through the normal shutdown so the pool and the cluster stop cleanly. */
        srv.exit_code = 1;
        pd_server_shutdown(&srv);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    rc = srv.exit_code;

out:
    if (uv_loop_close(&loop) == UV_EBUSY) {
        uv_walk(&loop, close_walk, NULL);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
    }
    if (cluster)
        pd_cluster_free(cluster);
    pd_server_free(&srv);
    pd_session_registry_free(&srv);
    pd_offices_free(srv.offices);
    pd_events_free(srv.events);
    pd_hash_free(srv.hash);
    pd_tls_free(srv.tls);
    if (rc == 0)
        pd_info(0, "patend stopped");
    pd_config_free(&cfg);
    return rc;
}
