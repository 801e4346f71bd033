/*
 * pd_db.h: asynchronous PostgreSQL for patend: a pool of libpq connections driven by the libuv
 * loop, and one more connection dedicated to LISTEN.
 *
 * Work is submitted as a batch: a list of named statements (pd_sql.h) with their parameters. The
 * pool sends a whole batch in pipeline mode followed by one sync, so the batch costs one round
 * trip and runs as one implicit transaction: if any statement fails, the statements after it are
 * skipped and everything the batch did is rolled back. Nothing here ever blocks the loop: sockets
 * are watched with one uv_poll_t each, host names are resolved in the thread pool, and connection
 * attempts and queries have timers.
 *
 * A connection that breaks is replaced with back-off; meanwhile work fails fast with UNAVAILABLE
 * instead of hanging, so clients can retry.
 */
#ifndef PD_DB_H
#define PD_DB_H

#include "pd_sql.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct pd_db;
struct pd_db_batch;

struct pd_db_opts {
    const char *conninfo;        /* libpq URI or key=value string; validated by pd_db_create */
    unsigned pool_size;          /* connections in the pool */
    unsigned query_timeout_ms;   /* a batch taking longer fails with TIMEOUT; its connection is
                                    dropped (libpq 15 has no non-blocking cancel) */
    unsigned queue_timeout_ms;   /* a batch waiting longer for a connection fails UNAVAILABLE */
    unsigned connect_timeout_ms; /* one connection attempt */
    const char *listen_channel;  /* NULL: no LISTEN connection */
    /* Called on the loop for each notification on listen_channel. */
    void (*on_notify)(void *arg, const char *channel, const char *payload);
    /* Called whenever the LISTEN connection (re)connects, so that the caller can catch up on
     * what it may have missed while it was down. */
    void (*on_listen_ready)(void *arg);
    void *notify_arg;
    /* Called once, the first time every pool connection and the LISTEN connection are up. */
    void (*on_ready)(void *arg);
    void *ready_arg;
    /* The connections' names in the log, a static string ("db" when NULL: "db-0", "db-listen"). */
    const char *name;
    /* Every session is read-only (default_transaction_read_only): for a report replica, so that
     * a replica that was promoted, or a primary given by mistake, is never written through it. */
    bool read_only;
};

/* The outcome of a batch, valid only during the callback. */
struct pd_db_result {
    /* 0 when every statement succeeded. Otherwise a negative -PATEN_ERR_...:
     * UNAVAILABLE (no connection, or it broke: the batch may or may not have committed if the
     * break came after the sync was sent), TIMEOUT, SHUTTING_DOWN, RESOURCE_EXHAUSTED (disk full,
     * out of memory), or INTERNAL for an SQL error (see sqlstate / failed_index). */
    int status;
    int n;                /* statements in the batch */
    PGresult **res;       /* res[i] for statement i; NULL when status != 0 and i >= failed_index */
    int failed_index;     /* the statement that failed with an SQL error, or -1 */
    const char *sqlstate; /* its SQLSTATE ("23505"), or "" */
    const char *constraint; /* the violated constraint's name, or NULL */
    const char *message;    /* a one-line description for the log, never for end users */
    uint64_t round_trip_us; /* from sending the batch to its sync */
};

typedef void (*pd_db_cb)(const struct pd_db_result *r, void *arg);

/*
 * Creates the pool and starts connecting (asynchronously; pd_db_create itself does not wait).
 * Returns 0 and *out, or a negative -PATEN_ERR_INVALID_ARGUMENT when the conninfo cannot be
 * parsed (the message is logged), or -PATEN_ERR_RESOURCE_EXHAUSTED.
 */
int pd_db_create(uv_loop_t *loop, const struct pd_db_opts *opts, struct pd_db **out);

/*
 * Closes every connection. Batches waiting for a connection fail with SHUTTING_DOWN; batches in
 * flight are abandoned with SHUTTING_DOWN too (call this only once in-flight work has drained).
 * cb runs once every handle is closed; then the pool is freed.
 */
void pd_db_close(struct pd_db *db, void (*cb)(void *arg), void *arg);

/* New batch; never NULL (allocation failure aborts: a pool that cannot allocate 200 bytes cannot
 * do anything useful, and every caller would have to turn it into the same error). */
struct pd_db_batch *pd_db_batch_new(void);
void pd_db_batch_free(struct pd_db_batch *b);

/* How many statements b holds (the index the next one's result will have). */
int pd_db_batch_count(const struct pd_db_batch *b);

/* Appends a call of statement `stmt`; its parameters follow with pd_db_param_*, in order. */
void pd_db_batch_add(struct pd_db_batch *b, enum pd_stmt stmt);
void pd_db_param_text(struct pd_db_batch *b, const char *s); /* NULL is SQL NULL */
void pd_db_param_int(struct pd_db_batch *b, int64_t v);
void pd_db_param_bool(struct pd_db_batch *b, bool v);
void pd_db_param_bytea(struct pd_db_batch *b, const void *data, size_t len);
void pd_db_param_null(struct pd_db_batch *b);
/* A PostgreSQL array literal of n texts, each quoted ({"a","b \"c\""}); cast it in the SQL
 * ($1::date[], $1::text[]). */
void pd_db_param_text_array(struct pd_db_batch *b, const char *const *items, size_t n);

/*
 * Runs batch b (ownership passes to the pool) on the next free connection. cb is called exactly
 * once, always from a later loop callback, never from inside pd_db_run.
 */
void pd_db_run(struct pd_db *db, struct pd_db_batch *b, pd_db_cb cb, void *arg);

/*
 * Runs batch b, which must only read, on the report replica pool `replica` when it has a
 * connection up, else on `primary` (replica may be NULL: then always the primary). A batch that
 * fails on the replica with UNAVAILABLE (the replica went away, no replica connection became free
 * within the queue timeout, or a recovery conflict cancelled it) runs again on the primary, so
 * the caller sees the replica only as faster or slower, never as an error; any other outcome,
 * TIMEOUT included (a report too heavy for the replica would be as heavy for the primary), is
 * delivered. cb is called exactly once, as with pd_db_run. What the replica returns may lag the
 * primary by the replication delay: use this only for reads that tolerate that (reports), never
 * for a read that must see the caller's own just-committed write.
 */
void pd_db_run_replica(struct pd_db *replica, struct pd_db *primary, struct pd_db_batch *b,
                       pd_db_cb cb, void *arg);

/*
 * Explicit transactions, for work whose later statements depend on earlier results (claim an
 * idempotency key, read and lock a row, then write). Each step is one pipelined batch; the
 * connection stays with the transaction in between, for at most the query timeout.
 *
 * cb of each step gets the transaction to continue with, or NULL when the transaction is over:
 * a failed step (any status != 0) has already been rolled back. The owner must end a live
 * transaction with exactly one pd_db_txn_commit or pd_db_txn_rollback, and never call two steps
 * of one transaction at once. Callbacks always come from a later loop callback.
 */
struct pd_db_txn;
typedef void (*pd_db_txn_cb)(struct pd_db_txn *t, const struct pd_db_result *r, void *arg);

/* BEGIN, then batch b, on the next free connection. */
void pd_db_txn_begin(struct pd_db *db, struct pd_db_batch *b, pd_db_txn_cb cb, void *arg);
/* The next batch in the same transaction. */
void pd_db_txn_run(struct pd_db_txn *t, struct pd_db_batch *b, pd_db_txn_cb cb, void *arg);
/* Batch b (may be NULL), then COMMIT, in one round trip; t is gone afterwards. A failed COMMIT
 * (e.g. a serialization failure) is reported in r like any failed statement. */
void pd_db_txn_commit(struct pd_db_txn *t, struct pd_db_batch *b, pd_db_cb cb, void *arg);
/* Rolls back and frees t; no callback. */
void pd_db_txn_rollback(struct pd_db_txn *t);

/* Pool state, for ServerInfo and logs. */
unsigned pd_db_size(const struct pd_db *db);
unsigned pd_db_connected(const struct pd_db *db);
bool pd_db_listener_connected(const struct pd_db *db);
uint64_t pd_db_reconnects(const struct pd_db *db);
const char *pd_db_server_version(const struct pd_db *db); /* "" until first connected */

/* Maps a SQLSTATE to the wire error code a client should see for it. */
int pd_db_error_for_sqlstate(const char *sqlstate);

/* Helpers for reading results: the text of a cell, or NULL when it is SQL NULL. */
const char *pd_db_get(const PGresult *r, int row, int col);
/* The same with "" for SQL NULL and out-of-range cells, for protobuf string fields. */
const char *pd_db_str(const PGresult *r, int row, int col);
bool pd_db_get_bool(const PGresult *r, int row, int col);
int64_t pd_db_get_int(const PGresult *r, int row, int col);

#endif
