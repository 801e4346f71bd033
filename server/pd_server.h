/*
 * pd_server.h: the patend process: its loop, listener, connections, database and counters.
 *
 * One pd_server exists per process. It holds no business state: everything that matters lives in
 * PostgreSQL, so several patend processes can serve one database.
 */
#ifndef PD_SERVER_H
#define PD_SERVER_H

#include "pd_config.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

struct pd_conn;
struct pd_db;
struct pd_cluster;
struct pd_addr_conns;
struct pd_login_limits;
struct pd_tls;

enum pd_server_state {
    PD_SERVER_STARTING, /* waiting for the database pool before accepting clients */
    PD_SERVER_RUNNING,
    PD_SERVER_DRAINING, /* no new connections or requests; in-flight requests finish */
    PD_SERVER_CLOSING,  /* connections, pool and cluster are closing */
};

struct pd_server_stats {
    uint64_t connections_total;
    uint64_t requests_total;
    uint64_t throttled_total;
    uint64_t slow_client_disconnects;
    uint64_t write_queue_bytes;      /* all connections, now */
    uint64_t write_queue_bytes_peak; /* the largest single connection's queue seen */
    uint64_t refused_connections;
    uint64_t refused_per_address; /* of those, over --max-connections-per-address */
    uint64_t logins_throttled;    /* logins refused by --login-rate-per-address */
};

struct pd_server {
    uv_loop_t *loop;
    const struct pd_config *cfg;
    enum pd_server_state state;

    uv_tcp_t listener;
    bool listener_open;
    struct pd_tls *tls; /* NULL: plain TCP (pd_transport.h) */
    uv_signal_t sig_int, sig_term;
    uv_check_t flush_check;   /* sends each connection's replies once per loop iteration */
    uv_timer_t sweep_timer;   /* connection timeouts */
    uv_timer_t drain_timer;   /* bounds the wait for in-flight requests at shutdown */
    uv_timer_t startup_timer; /* bounds the wait for the pool at start-up */

    struct pd_conn *conns;      /* every open connection (doubly linked) */
    struct pd_conn *flush_list; /* connections with replies waiting to be sent */
    uint32_t nconns;
    uint64_t next_conn_id;
    uint32_t in_flight; /* requests being handled, all connections */
    bool drain_expired; /* shutdown-timeout passed with requests still running */
    bool finishing;

    struct pd_db *db;
    struct pd_db *replica;      /* --db-replica's pool for reports, or NULL (pd_db_run_replica) */
    struct pd_cluster *cluster; /* NULL with --db */
    void *sessions;             /* GHashTable: session id -> struct pd_session (pd_session.c) */
    struct pd_hash *hash;       /* Argon2id off the loop (pd_hash.c) */
    struct pd_offices *offices; /* office -> region, for scope checks (pd_offices.c) */
    struct pd_events *events;   /* event delivery (pd_events.c) */
    struct pd_addr_conns *addr_conns;     /* connections per client address (pd_ratelimit.c) */
    struct pd_login_limits *login_limits; /* failed logins per client address */
    uint64_t refused_logged_ms;           /* the last "too many connections" line (monotonic) */
    uint64_t refused_unlogged;            /* refusals since that line */
    int schema_version;

    int64_t started_wall_ms;
    uint64_t started_mono_ms;
    struct pd_server_stats stats;
    int exit_code;
};

/* Starts the server's own handles (signals, timers, the flush check) and the per-address
 * tables; no listener yet. Returns 0 or a negative uv error (logged). */
int pd_server_init(struct pd_server *srv);

/* Binds the listener and prints the ready line. Returns 0 or a negative uv error (logged). */
int pd_server_listen(struct pd_server *srv);

/* Starts a graceful shutdown (also what SIGINT/SIGTERM do): stop accepting, tell clients, let
 * in-flight requests finish within shutdown-timeout, close everything; the loop then ends. */
void pd_server_shutdown(struct pd_server *srv);

/* Frees what pd_server_init allocated besides handles; after the loop ended. */
void pd_server_free(struct pd_server *srv);

/* Called by the connection layer when a connection's last request finished or it closed. */
void pd_server_maybe_drained(struct pd_server *srv);

#endif
