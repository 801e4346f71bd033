/*
 * pd_db.c: the asynchronous PostgreSQL pool and LISTEN connection (see pd_db.h).
 *
 * Each connection is a small state machine:
 *
 *   DOWN --timer--> RESOLVING --getaddrinfo--> CONNECTING --PQconnectPoll OK--> SETUP
 *   SETUP (prepare every statement, or LISTEN) --> READY <--> BUSY (one batch in flight)
 *   any --failure--> DOWN (back-off timer), or CLOSED when the pool is closing.
 *
 * Connections live in pipeline mode from SETUP on, so a batch is written as its statements plus
 * one sync and costs one round trip. libpq's own connect_timeout is not applied to
 * PQconnectPoll, so every attempt runs under our own timer; likewise a query timeout drops the
 * connection, because cancelling a query with libpq 15 would block.
 */
#include "pd_db.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_clock.h"
#include "pd_log.h"

#include <arpa/inet.h>
#include <assert.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 2000

enum conn_state {
    CS_DOWN,
    CS_RESOLVING,
    CS_CONNECTING,
    CS_SETUP,
    CS_READY,
    CS_BUSY,
    CS_CLOSED,
};

enum call_kind { CALL_STMT, CALL_PREPARE, CALL_RAW };

struct call {
    enum call_kind kind;
    int stmt;        /* CALL_STMT, CALL_PREPARE */
    const char *raw; /* CALL_RAW: static text */
    int first_param; /* index into the batch's parameter arrays */
    int nparams;
};

struct pd_db_batch {
    struct call *calls;
    int ncalls, calls_cap;
    char **values;
    int *lengths;
    int *formats;
    int nvalues, values_cap;
};

enum job_kind {
    JOB_PLAIN,    /* one batch, one implicit transaction */
    JOB_SETUP,    /* a connection's own set-up batch */
    JOB_ROLLBACK, /* ends a failed or abandoned explicit transaction */
    JOB_TXN,      /* a batch inside an explicit transaction (pd_db_txn_*) */
};

struct job {
    struct pd_db_batch *b;
    pd_db_cb cb;
    pd_db_txn_cb txn_cb;
    void *arg;
    enum job_kind kind;
    bool internal; /* JOB_SETUP or JOB_ROLLBACK: no owner to call back */
    struct pd_db_txn *txn;
    const char *pre;        /* a statement sent before the batch's own ("BEGIN"), or NULL */
    const char *post;       /* one sent after them ("COMMIT"), or NULL */
    struct pd_db *fallback; /* pd_db_run_replica: the primary to run on if the replica fails */
    uint64_t enqueued_ms;
    struct job *next;
    /* result collection: res[0] is pre's result when there is one */
    PGresult **res;
    int nres;          /* calls plus pre and post */
    int got;           /* results complete so far */
    bool have_current; /* res[got] is set and its terminating NULL not yet read */
    int failed_index;
    uint64_t sent_us;
    int status; /* forced outcome for deferred completion */
    char message[256];
};

struct db_poll {
    uv_poll_t h;
    struct db_conn *c; /* NULL once the connection no longer wants it */
    struct pd_db *db;
};

struct pd_db_txn {
    struct pd_db *db;
    struct db_conn *c; /* the connection that holds the transaction; NULL until it has one */
    bool busy;         /* a batch of it is queued or in flight */
    bool broken;       /* its connection failed or timed out between batches */
};

struct db_conn {
    struct pd_db *db;
    int index; /* pool slot, or -1 for the LISTEN connection */
    enum conn_state state;
    PGconn *pg;
    struct db_poll *poll;
    int poll_fd;
    int poll_events;
    uv_timer_t timer; /* back-off, connect timeout or query timeout, by state */
    uv_getaddrinfo_t *gai;
    int resolve_index;
    char **resolved; /* one numeric address per host entry ("" for socket paths) */
    unsigned backoff_ms;
    struct job *job;
    struct pd_db_txn *txn; /* an explicit transaction holding this connection (state BUSY) */
    bool was_up;           /* reached READY since the last failure was logged */
    bool failure_logged;
};

struct pd_db {
    uv_loop_t *loop;
    struct pd_db_opts opts;
    char *listen_channel; /* "LISTEN <channel>" */
    char timeout_sql[64];
    /* The parsed conninfo: keyword/value pairs handed to PQconnectStartParams, with room for
     * hostaddr and fallback_application_name. */
    const char **keywords;
    const char **values;
    int hostaddr_slot; /* index of "hostaddr" in keywords */
    char **hosts;      /* split "host" list; NULL when no host names need resolving */
    int nhosts;
    char *hostaddr_value;

    struct db_conn *conns;
    unsigned nconns;
    struct db_conn *listener;

    struct job *queue_head, *queue_tail;
    unsigned queue_len;
    uv_timer_t queue_timer;
    bool queue_timer_active;

    struct job *deferred_head, *deferred_tail;
    uv_timer_t deferred_timer;

    unsigned connected;
    bool ready_reported;
    uint64_t reconnects;
    char server_version[32];

    unsigned open_txns; /* transactions whose owners have not let go yet */
    bool closing;
    bool timers_closed;
    int pending_closes;
    void (*close_cb)(void *arg);
    void *close_arg;
};

static void conn_connect(struct db_conn *c);
static void conn_fail(struct db_conn *c, const char *why);
static void conn_process(struct db_conn *c);
static void pool_kick(struct pd_db *db);
static void pool_fail_if_hopeless(struct pd_db *db);
static void job_finish(struct pd_db *db, struct job *j, int status, const char *why);
static void db_maybe_closed(struct pd_db *db);

static uint64_t now_us(void)
{
    return uv_hrtime() / 1000;
}

static const char *conn_name(const struct db_conn *c, char *buf, size_t cap)
{
    const char *name = c->db->opts.name ? c->db->opts.name : "db";

    if (c->index < 0)
        snprintf(buf, cap, "%s-listen", name);
    else
        snprintf(buf, cap, "%s-%d", name, c->index);
    return buf;
}

/* ---- transactions' memory ------------------------------------------------------------------ */

/* Every transaction object ends here; the pool does not finish closing while any is alive. */
static void txn_free(struct pd_db_txn *t)
{
    if (t == NULL)
        return;
    struct pd_db *db = t->db;
    db->open_txns--;
    free(t);
    db_maybe_closed(db);
}

/* ---- batches ---------------------------------------------------------------------------- */

struct pd_db_batch *pd_db_batch_new(void)
{
    return pd_xcalloc(1, sizeof(struct pd_db_batch));
}

void pd_db_batch_free(struct pd_db_batch *b)
{
    if (b == NULL)
        return;
    for (int i = 0; i < b->nvalues; i++)
        free(b->values[i]);
    free(b->values);
    free(b->lengths);
    free(b->formats);
    free(b->calls);
    free(b);
}

static struct call *batch_push_call(struct pd_db_batch *b, enum call_kind kind)
{
    struct call *c;

    if (b->ncalls == b->calls_cap) {
        b->calls_cap = b->calls_cap ? b->calls_cap * 2 : 4;
        b->calls = pd_xrealloc(b->calls, (size_t)b->calls_cap * sizeof *b->calls);
    }
    c = &b->calls[b->ncalls++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->first_param = b->nvalues;
    return c;
}

int pd_db_batch_count(const struct pd_db_batch *b)
{
    return b->ncalls;
}

void pd_db_batch_add(struct pd_db_batch *b, enum pd_stmt stmt)
{
    assert(pd_sql_info(stmt) != NULL);
    struct call *c = batch_push_call(b, CALL_STMT);
    c->stmt = (int)stmt;
}

static void batch_push_value(struct pd_db_batch *b, char *value, int length, int format)
{
    struct call *c;

    assert(b->ncalls > 0);
    c = &b->calls[b->ncalls - 1];
    assert(c->kind == CALL_STMT && c->nparams < pd_sql_info(c->stmt)->nparams);
    if (b->nvalues == b->values_cap) {
        b->values_cap = b->values_cap ? b->values_cap * 2 : 8;
        b->values = pd_xrealloc(b->values, (size_t)b->values_cap * sizeof *b->values);
        b->lengths = pd_xrealloc(b->lengths, (size_t)b->values_cap * sizeof *b->lengths);
        b->formats = pd_xrealloc(b->formats, (size_t)b->values_cap * sizeof *b->formats);
    }
    b->values[b->nvalues] = value;
    b->lengths[b->nvalues] = length;
    b->formats[b->nvalues] = format;
    b->nvalues++;
    c->nparams++;
}

void pd_db_param_text(struct pd_db_batch *b, const char *s)
{
    batch_push_value(b, s ? pd_xstrdup(s) : NULL, 0, 0);
}

void pd_db_param_int(struct pd_db_batch *b, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    batch_push_value(b, pd_xstrdup(buf), 0, 0);
}

void pd_db_param_bool(struct pd_db_batch *b, bool v)
{
    batch_push_value(b, pd_xstrdup(v ? "t" : "f"), 0, 0);
}

void pd_db_param_bytea(struct pd_db_batch *b, const void *data, size_t len)
{
    char *copy = pd_xmalloc(len);
    memcpy(copy, data, len);
    batch_push_value(b, copy, (int)len, 1);
}

void pd_db_param_null(struct pd_db_batch *b)
{
    batch_push_value(b, NULL, 0, 0);
}

void pd_db_param_text_array(struct pd_db_batch *b, const char *const *items, size_t n)
{
    size_t cap = 3;
    char *out, *p;

    for (size_t i = 0; i < n; i++)
        cap += 2 * strlen(items[i]) + 3; /* every byte may need a backslash, plus quotes, comma */
    out = p = pd_xmalloc(cap);
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *c = items[i]; *c; c++) {
            if (*c == '"' || *c == '\\')
                *p++ = '\\';
            *p++ = *c;
        }
        *p++ = '"';
    }
    *p++ = '}';
    *p = '\0';
    batch_push_value(b, out, 0, 0);
}

/* ---- results ---------------------------------------------------------------------------- */

const char *pd_db_get(const PGresult *r, int row, int col)
{
    if (r == NULL || row >= PQntuples(r) || col >= PQnfields(r) || PQgetisnull(r, row, col))
        return NULL;
    return PQgetvalue(r, row, col);
}

const char *pd_db_str(const PGresult *r, int row, int col)
{
    const char *v = pd_db_get(r, row, col);
    return v ? v : "";
}

bool pd_db_get_bool(const PGresult *r, int row, int col)
{
    const char *v = pd_db_get(r, row, col);
    return v && v[0] == 't';
}

int64_t pd_db_get_int(const PGresult *r, int row, int col)
{
    const char *v = pd_db_get(r, row, col);
    return v ? strtoll(v, NULL, 10) : 0;
}

int pd_db_error_for_sqlstate(const char *sqlstate)
{
    if (sqlstate == NULL || sqlstate[0] == '\0')
        return PATEN_ERR_INTERNAL;
    /* Class 08: connection exception; 57P0x: the server is shutting down or crashed. */
    if (strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P", 3) == 0)
        return PATEN_ERR_UNAVAILABLE;
    /* 53xxx: insufficient resources (disk full 53100, out of memory 53200, too many conns). */
    if (strncmp(sqlstate, "53", 2) == 0)
        return PATEN_ERR_RESOURCE_EXHAUSTED;
    if (strcmp(sqlstate, "57014") == 0) /* query_canceled: statement_timeout */
        return PATEN_ERR_TIMEOUT;
    if (strcmp(sqlstate, "23505") == 0)
        return PATEN_ERR_ALREADY_EXISTS;
    /* Serialization failures and deadlocks: nothing was done, so the client may retry. */
    if (strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0)
        return PATEN_ERR_UNAVAILABLE;
    return PATEN_ERR_INTERNAL;
}

/* ---- job completion ------------------------------------------------------------------- */

static void job_free(struct job *j)
{
    if (j->res) {
        for (int i = 0; i < j->nres; i++)
            PQclear(j->res[i]);
        free(j->res);
    }
    pd_db_batch_free(j->b);
    free(j);
}

/* Fills r from a finished job: the owner sees its own statements only, not BEGIN or COMMIT. */
static void job_result(struct job *j, int status, const char *message, struct pd_db_result *r)
{
    int off = j->pre ? 1 : 0;

    memset(r, 0, sizeof *r);
    r->status = status;
    r->n = j->b ? j->b->ncalls : 0;
    r->res = j->res ? j->res + off : NULL;
    r->failed_index = j->failed_index >= 0 ? j->failed_index - off : -1;
    r->sqlstate = "";
    r->message = message ? message : "";
    r->round_trip_us = j->sent_us ? now_us() - j->sent_us : 0;
    if (j->failed_index >= 0 && j->res && j->res[j->failed_index]) {
        const char *st = PQresultErrorField(j->res[j->failed_index], PG_DIAG_SQLSTATE);
        r->sqlstate = st ? st : "";
        r->constraint = PQresultErrorField(j->res[j->failed_index], PG_DIAG_CONSTRAINT_NAME);
        if (message == NULL || message[0] == '\0') {
            const char *m = PQresultErrorField(j->res[j->failed_index], PG_DIAG_MESSAGE_PRIMARY);
            r->message = m ? m : "";
        }
    }
}

static void pool_submit(struct pd_db *db, struct job *j);

/* A replica's read failed with UNAVAILABLE: the same job, results cleared, goes to the primary
 * (pd_db_run_replica). Its owner is called back from there. */
static void job_to_primary(struct job *j, const char *message)
{
    struct pd_db *primary = j->fallback;

    pd_debug(0, "report read moved to the primary: %s", message ? message : "");
    if (j->res) {
        for (int i = 0; i < j->nres; i++)
            PQclear(j->res[i]);
        free(j->res);
    }
    j->res = NULL;
    j->nres = j->got = 0;
    j->have_current = false;
    j->sent_us = 0;
    j->status = 0;
    j->message[0] = '\0';
    j->fallback = NULL;
    pool_submit(primary, j);
}

/* Delivers a finished job's outcome to its owner and frees it. For a transaction's batch, t is
 * the transaction when it goes on and NULL when it is over. */
static void job_deliver_txn(struct job *j, int status, const char *message, struct pd_db_txn *t)
{
    struct pd_db_result r;

    if (j->fallback && status == -PATEN_ERR_UNAVAILABLE) {
        job_to_primary(j, message && message[0] ? message : "the replica failed the read");
        return;
    }
    job_result(j, status, message, &r);
    if (j->txn_cb)
        j->txn_cb(t, &r, j->arg);
    else if (j->cb)
        j->cb(&r, j->arg);
    job_free(j);
}

static void job_deliver(struct job *j, int status, const char *message)
{
    job_deliver_txn(j, status, message, NULL);
}

static void deferred_run(uv_timer_t *timer)
{
    struct pd_db *db = timer->data;
    struct job *list = db->deferred_head;

    db->deferred_head = db->deferred_tail = NULL;
    while (list) {
        struct job *j = list;
        struct pd_db_txn *t = j->txn;
        list = j->next;
        job_deliver(j, j->status, j->message);
        /* A transaction's batch that failed before or without its connection ends it. */
        txn_free(t);
    }
    db_maybe_closed(db);
}

/* Completes a job that never reached a connection (or lost it): the callback runs on a later
 * loop iteration, so pd_db_run never calls back into its caller synchronously. */
static void job_finish(struct pd_db *db, struct job *j, int status, const char *why)
{
    j->status = status;
    snprintf(j->message, sizeof j->message, "%s", why ? why : "");
    j->next = NULL;
    if (db->deferred_tail)
        db->deferred_tail->next = j;
    else
        db->deferred_head = j;
    db->deferred_tail = j;
    if (!uv_is_active((uv_handle_t *)&db->deferred_timer)) {
        int rc = uv_timer_start(&db->deferred_timer, deferred_run, 0, 0);
        assert(rc == 0);
        (void)rc;
    }
}

/* ---- the queue -------------------------------------------------------------------------- */

static void queue_push(struct pd_db *db, struct job *j)
{
    j->next = NULL;
    if (db->queue_tail)
        db->queue_tail->next = j;
    else
        db->queue_head = j;
    db->queue_tail = j;
    db->queue_len++;
}

static struct job *queue_pop(struct pd_db *db)
{
    struct job *j = db->queue_head;
    if (j) {
        db->queue_head = j->next;
        if (db->queue_head == NULL)
            db->queue_tail = NULL;
        db->queue_len--;
        j->next = NULL;
    }
    return j;
}

static void queue_fail_all(struct pd_db *db, int status, const char *why)
{
    struct job *j;
    while ((j = queue_pop(db)) != NULL)
        job_finish(db, j, status, why);
}

static void queue_sweep(uv_timer_t *t)
{
    struct pd_db *db = t->data;
    uint64_t now = pd_clock_mono_ms();

    /* The queue is FIFO, so expired jobs are at its head. */
    while (db->queue_head && now - db->queue_head->enqueued_ms >= db->opts.queue_timeout_ms) {
        struct job *j = queue_pop(db);
        job_finish(db, j, -PATEN_ERR_UNAVAILABLE, "no database connection became free in time");
    }
    if (db->queue_head == NULL) {
        uv_timer_stop(&db->queue_timer);
        db->queue_timer_active = false;
    }
}

/* ---- polling ---------------------------------------------------------------------------- */

static void poll_closed(uv_handle_t *h)
{
    struct db_poll *p = h->data;
    struct pd_db *db = p->db;
    free(p);
    db->pending_closes--;
    db_maybe_closed(db);
}

/* Detaches and closes the poll watcher. Must run before the socket is closed by libpq: libuv
 * must not watch a descriptor that has been closed (and perhaps reused). */
static void conn_poll_close(struct db_conn *c)
{
    if (c->poll == NULL)
        return;
    c->db->pending_closes++;
    c->poll->c = NULL;
    uv_close((uv_handle_t *)&c->poll->h, poll_closed);
    c->poll = NULL;
    c->poll_fd = -1;
    c->poll_events = 0;
}

static void conn_on_poll(uv_poll_t *h, int status, int events);

/* Watches PQsocket() for `events`, re-creating the watcher when the socket changed (libpq may
 * try several addresses while connecting, each with a new socket). */
static int conn_poll_set(struct db_conn *c, int events)
{
    int fd = PQsocket(c->pg);
    int rc;

    if (fd < 0)
        return UV_EBADF;
    if (c->poll && c->poll_fd != fd)
        conn_poll_close(c);
    if (c->poll == NULL) {
        c->poll = pd_xcalloc(1, sizeof *c->poll);
        c->poll->c = c;
        c->poll->db = c->db;
        c->poll->h.data = c->poll;
        rc = uv_poll_init_socket(c->db->loop, &c->poll->h, fd);
        if (rc < 0) {
            free(c->poll);
            c->poll = NULL;
            return rc;
        }
        c->poll_fd = fd;
        c->poll_events = 0;
    }
    if (events == c->poll_events)
        return 0;
    rc = uv_poll_start(&c->poll->h, events, conn_on_poll);
    if (rc == 0)
        c->poll_events = events;
    return rc;
}

/* Flushes libpq's output buffer; watches for writability only while data remains unsent. */
static int conn_flush(struct db_conn *c)
{
    int rc = PQflush(c->pg);
    if (rc < 0)
        return -1;
    return conn_poll_set(c, UV_READABLE | (rc == 1 ? UV_WRITABLE : 0)) < 0 ? -1 : 0;
}

/* ---- connection life ------------------------------------------------------------------ */

static void conn_timer_fired(uv_timer_t *t);

static void conn_schedule_reconnect(struct db_conn *c)
{
    unsigned delay = c->backoff_ms;
    unsigned jitter;
    int rc;

    c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    /* Up to +-20% so a pool that lost the server does not reconnect in lock-step. */
    jitter = delay / 5;
    if (jitter > 0)
        delay = delay - jitter + (unsigned)(rand() % (int)(2 * jitter + 1));
    c->state = CS_DOWN;
    rc = uv_timer_start(&c->timer, conn_timer_fired, delay, 0);
    assert(rc == 0);
    (void)rc;
}

static void conn_teardown(struct db_conn *c)
{
    conn_poll_close(c);
    if (c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    uv_timer_stop(&c->timer);
}

/*
 * The connection failed or broke: fail its job (a query's outcome is unknown once the connection
 * is gone, which is why clients retry with idempotency keys), drop the connection and schedule a
 * new attempt. Logged once per outage at WARN, then at DEBUG until the connection is back.
 */
static void conn_fail(struct db_conn *c, const char *why)
{
    struct pd_db *db = c->db;
    char name[16];
    char msg[300];

    snprintf(msg, sizeof msg, "%s", why ? why : "connection lost");
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    if (c->state == CS_READY || c->state == CS_BUSY) {
        if (c->index >= 0)
            db->connected--;
        db->reconnects++;
    }
    if (c->job) {
        struct job *j = c->job;
        c->job = NULL;
        if (j->txn)
            j->txn->c = NULL;
        if (j->internal)
            job_free(j);
        else
            job_finish(db, j, -PATEN_ERR_UNAVAILABLE, msg);
    } else if (c->txn) {
        /* Idle inside a transaction: its owner learns at its next step. */
        c->txn->broken = true;
        c->txn->c = NULL;
    }
    c->txn = NULL;
    conn_teardown(c);
    if (!c->failure_logged) {
        pd_warn(0, "%s: database unavailable: %s", conn_name(c, name, sizeof name), msg);
        c->failure_logged = true;
    } else {
        pd_debug(0, "%s: still unavailable: %s", conn_name(c, name, sizeof name), msg);
    }
    c->was_up = false;
    if (db->closing) {
        c->state = CS_CLOSED;
        return;
    }
    conn_schedule_reconnect(c);
    pool_fail_if_hopeless(db);
}

static void conn_timer_fired(uv_timer_t *t)
{
    struct db_conn *c = t->data;

    switch (c->state) {
    case CS_DOWN:
        conn_connect(c);
        break;
    case CS_CONNECTING:
    case CS_SETUP:
        conn_fail(c, "connection attempt timed out");
        break;
    case CS_BUSY: {
        const char *why = c->job ? "query timed out; connection dropped"
                                 : "transaction left idle too long; connection dropped";
        if (c->job && !c->job->internal) {
            struct job *j = c->job;
            c->job = NULL;
            if (j->txn)
                j->txn->c = NULL;
            c->txn = NULL;
            job_finish(c->db, j, -PATEN_ERR_TIMEOUT, "database query timed out");
        }
        conn_fail(c, why);
        break;
    }
    default:
        break;
    }
}

/* Sends every call of the job, then a sync, and starts waiting for the results. */
static int conn_send_job(struct db_conn *c, struct job *j)
{
    struct pd_db_batch *b = j->b;
    int ncalls = b ? b->ncalls : 0;

    j->nres = ncalls + (j->pre ? 1 : 0) + (j->post ? 1 : 0);
    j->res = pd_xcalloc((size_t)(j->nres ? j->nres : 1), sizeof(PGresult *));
    j->got = 0;
    j->have_current = false;
    j->failed_index = -1;
    if (j->pre && !PQsendQueryParams(c->pg, j->pre, 0, NULL, NULL, NULL, NULL, 0))
        return -1;
    for (int i = 0; i < ncalls; i++) {
        struct call *call = &b->calls[i];
        const struct pd_sql_info *info;
        const char *const *values = NULL;
        const int *lengths = NULL;
        const int *formats = NULL;
        int ok;

        if (call->nparams > 0) {
            values = (const char *const *)b->values + call->first_param;
            lengths = b->lengths + call->first_param;
            formats = b->formats + call->first_param;
        }
        switch (call->kind) {
        case CALL_STMT:
            info = pd_sql_info(call->stmt);
            assert(call->nparams == info->nparams);
            ok = PQsendQueryPrepared(c->pg, info->name, call->nparams, values, lengths, formats, 0);
            break;
        case CALL_PREPARE:
            info = pd_sql_info(call->stmt);
            ok = PQsendPrepare(c->pg, info->name, info->sql, info->nparams, NULL);
            break;
        case CALL_RAW:
        default:
            ok = PQsendQueryParams(c->pg, call->raw, 0, NULL, NULL, NULL, NULL, 0);
            break;
        }
        if (!ok)
            return -1;
    }
    if (j->post && !PQsendQueryParams(c->pg, j->post, 0, NULL, NULL, NULL, NULL, 0))
        return -1;
    if (!PQpipelineSync(c->pg))
        return -1;
    j->sent_us = now_us();
    c->job = j;
    if (conn_flush(c) < 0)
        return -1;
    return 0;
}

static void conn_setup_done(struct db_conn *c)
{
    struct pd_db *db = c->db;
    char name[16];
    const char *v;

    c->state = CS_READY;
    c->backoff_ms = BACKOFF_MIN_MS;
    uv_timer_stop(&c->timer);
    v = PQparameterStatus(c->pg, "server_version");
    if (v)
        snprintf(db->server_version, sizeof db->server_version, "%s", v);
    if (c->failure_logged)
        pd_info(0, "%s: database connection restored", conn_name(c, name, sizeof name));
    else
        pd_debug(0, "%s: connected", conn_name(c, name, sizeof name));
    c->failure_logged = false;
    c->was_up = true;
    if (c->index >= 0) {
        db->connected++;
        pool_kick(db);
    } else if (db->opts.on_listen_ready) {
        db->opts.on_listen_ready(db->opts.notify_arg);
    }
    if (!db->ready_reported && db->connected == db->nconns &&
        (db->listener == NULL || db->listener->state == CS_READY)) {
        db->ready_reported = true;
        if (db->opts.on_ready)
            db->opts.on_ready(db->opts.ready_arg);
    }
}

static void conn_send_rollback(struct db_conn *c);

/* The connection finished its work: back to the pool. */
static void conn_release(struct db_conn *c)
{
    struct pd_db *db = c->db;

    assert(c->job == NULL && c->txn == NULL);
    if (c->state == CS_CLOSED || c->pg == NULL)
        return; /* failed or closed during the callback */
    c->state = CS_READY;
    if (!db->closing)
        pool_kick(db);
    else
        db_maybe_closed(db);
}

/* A job's last result (its sync) arrived. */
static void conn_job_done(struct db_conn *c)
{
    struct job *j = c->job;
    struct pd_db_txn *t = j->txn;
    int status = 0;
    char msg[300] = "";

    c->job = NULL;
    uv_timer_stop(&c->timer);
    switch (j->kind) {
    case JOB_SETUP:
        if (j->failed_index >= 0) {
            const char *m = PQresultErrorMessage(j->res[j->failed_index]);
            snprintf(msg, sizeof msg, "connection set-up failed: %s", m ? m : "");
            job_free(j);
            conn_fail(c, msg);
            return;
        }
        job_free(j);
        conn_setup_done(c);
        return;
    case JOB_ROLLBACK:
        job_free(j);
        conn_release(c);
        return;
    case JOB_PLAIN:
        if (j->failed_index >= 0)
            status = -pd_db_error_for_sqlstate(
                PQresultErrorField(j->res[j->failed_index], PG_DIAG_SQLSTATE));
        /* The connection stays BUSY during the callback: work the callback submits must not be
         * sent on it before it is released. */
        job_deliver(j, status, NULL);
        conn_release(c);
        return;
    case JOB_TXN:
    default:
        break;
    }

    /* A batch of an explicit transaction. */
    t->busy = false;
    if (j->failed_index >= 0) {
        status = -pd_db_error_for_sqlstate(
            PQresultErrorField(j->res[j->failed_index], PG_DIAG_SQLSTATE));
        /* The transaction failed: it is over for its owner. Unless the failure was the COMMIT
         * itself (which ends it), PostgreSQL still has it open and aborted: roll it back before
         * the connection serves anyone else. */
        c->txn = NULL;
        job_deliver_txn(j, status, NULL, NULL);
        txn_free(t);
        if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            conn_send_rollback(c);
        else
            conn_release(c);
        return;
    }
    if (j->post) { /* committed */
        c->txn = NULL;
        job_deliver_txn(j, 0, NULL, NULL);
        txn_free(t);
        conn_release(c);
        return;
    }
    /* The transaction goes on: the connection stays with it, but not forever. */
    int rc = uv_timer_start(&c->timer, conn_timer_fired, c->db->opts.query_timeout_ms, 0);
    assert(rc == 0);
    (void)rc;
    job_deliver_txn(j, 0, NULL, t);
}

/* Sends ROLLBACK as an internal job; the connection returns to the pool when it is done. */
static void conn_send_rollback(struct db_conn *c)
{
    struct job *j = pd_xcalloc(1, sizeof *j);

    j->kind = JOB_ROLLBACK;
    j->internal = true;
    j->pre = "ROLLBACK";
    j->failed_index = -1;
    c->state = CS_BUSY;
    if (conn_send_job(c, j) < 0) {
        c->job = NULL;
        job_free(j);
        conn_fail(c, PQerrorMessage(c->pg));
        return;
    }
    int rc = uv_timer_start(&c->timer, conn_timer_fired, c->db->opts.query_timeout_ms, 0);
    assert(rc == 0);
    (void)rc;
}

/*
 * Reads every result libpq can give without blocking. A pipelined query's results end with a
 * NULL; the sync comes last with no NULL after it. PQstatus is checked after each result because
 * a lost connection yields an error result and then NULLs forever.
 */
static void conn_process(struct db_conn *c)
{
    while (c->job && !PQisBusy(c->pg)) {
        struct job *j = c->job;
        PGresult *r = PQgetResult(c->pg);

        if (PQstatus(c->pg) == CONNECTION_BAD) {
            PQclear(r);
            conn_fail(c, PQerrorMessage(c->pg));
            return;
        }
        if (r == NULL) {
            if (j->have_current) {
                j->got++;
                j->have_current = false;
                continue;
            }
            /* A NULL with no result before it: nothing more is ready yet. */
            break;
        }
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            if (j->got != j->nres) {
                conn_fail(c, "protocol confusion: sync before every result");
                return;
            }
            conn_job_done(c);
            return;
        }
        if (!j->have_current && j->got < j->nres) {
            ExecStatusType st = PQresultStatus(r);
            j->res[j->got] = r;
            j->have_current = true;
            if ((st == PGRES_FATAL_ERROR || st == PGRES_PIPELINE_ABORTED) && j->failed_index < 0)
                j->failed_index = j->got;
        } else {
            PQclear(r);
        }
    }
}

static void conn_listen_drain(struct db_conn *c)
{
    PGnotify *n;
    PGresult *r;

    while (!PQisBusy(c->pg) && (r = PQgetResult(c->pg)) != NULL)
        PQclear(r);
    while ((n = PQnotifies(c->pg)) != NULL) {
        if (c->db->opts.on_notify)
            c->db->opts.on_notify(c->db->opts.notify_arg, n->relname, n->extra);
        PQfreemem(n);
    }
}

static void conn_connected(struct db_conn *c);

static void conn_on_poll(uv_poll_t *h, int status, int events)
{
    struct db_poll *p = h->data;
    struct db_conn *c = p->c;

    if (c == NULL || c->poll != p)
        return;
    if (status < 0) {
        conn_fail(c, uv_strerror(status));
        return;
    }
    if (c->state == CS_CONNECTING) {
        PostgresPollingStatusType ps = PQconnectPoll(c->pg);
        int rc = 0;
        switch (ps) {
        case PGRES_POLLING_READING:
            rc = conn_poll_set(c, UV_READABLE);
            break;
        case PGRES_POLLING_WRITING:
            rc = conn_poll_set(c, UV_WRITABLE);
            break;
        case PGRES_POLLING_OK:
            conn_connected(c);
            return;
        case PGRES_POLLING_FAILED:
        default:
            conn_fail(c, PQerrorMessage(c->pg));
            return;
        }
        if (rc < 0)
            conn_fail(c, "cannot watch the database socket");
        return;
    }
    if (events & UV_READABLE) {
        if (!PQconsumeInput(c->pg)) {
            conn_fail(c, PQerrorMessage(c->pg));
            return;
        }
    }
    if ((events & UV_WRITABLE) || (c->poll_events & UV_WRITABLE)) {
        if (conn_flush(c) < 0) {
            conn_fail(c, PQerrorMessage(c->pg));
            return;
        }
    }
    if (c->index < 0 && c->state == CS_READY) {
        conn_listen_drain(c);
        if (PQstatus(c->pg) == CONNECTION_BAD)
            conn_fail(c, PQerrorMessage(c->pg));
        return;
    }
    if (c->job) {
        conn_process(c);
        return;
    }
    /* Idle: data here is a notice or the server telling us it is going away. */
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        conn_fail(c, PQerrorMessage(c->pg));
        return;
    }
    {
        PGresult *r;
        while (!PQisBusy(c->pg) && (r = PQgetResult(c->pg)) != NULL) {
            if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(r));
                PQclear(r);
                conn_fail(c, msg);
                return;
            }
            PQclear(r);
        }
        if (PQstatus(c->pg) == CONNECTION_BAD)
            conn_fail(c, PQerrorMessage(c->pg));
    }
}

static void notice_to_log(void *arg, const PGresult *r)
{
    (void)arg;
    pd_debug(0, "database notice: %s", PQresultErrorMessage(r));
}

/* The connection is up: enter pipeline mode and run the set-up batch. */
static void conn_connected(struct db_conn *c)
{
    struct pd_db *db = c->db;
    struct job *j;
    struct pd_db_batch *b;

    if (PQsetnonblocking(c->pg, 1) != 0 || PQenterPipelineMode(c->pg) != 1) {
        conn_fail(c, PQerrorMessage(c->pg));
        return;
    }
    PQsetNoticeReceiver(c->pg, notice_to_log, NULL);
    b = pd_db_batch_new();
    j = pd_xcalloc(1, sizeof *j);
    j->b = b;
    j->kind = JOB_SETUP;
    j->internal = true;
    j->failed_index = -1;
    if (c->index >= 0) {
        /* The statement timeout on the server backs up our own query timer. UTC keeps
         * timestamptz text identical on every connection. */
        batch_push_call(b, CALL_RAW)->raw = db->timeout_sql;
        batch_push_call(b, CALL_RAW)->raw = "SET TIME ZONE 'UTC'";
        if (db->opts.read_only)
            batch_push_call(b, CALL_RAW)->raw = "SET default_transaction_read_only = on";
        for (int s = 0; s < PD_STMT__COUNT; s++)
            batch_push_call(b, CALL_PREPARE)->stmt = s;
    } else {
        batch_push_call(b, CALL_RAW)->raw = db->listen_channel;
    }
    c->state = CS_SETUP;
    if (conn_send_job(c, j) < 0) {
        c->job = NULL;
        job_free(j);
        conn_fail(c, PQerrorMessage(c->pg));
    }
}

static void conn_start_libpq(struct db_conn *c)
{
    struct pd_db *db = c->db;
    int rc;

    if (db->hosts) {
        size_t len = 1;
        for (int i = 0; i < db->nhosts; i++)
            len += strlen(c->resolved[i]) + 1;
        free(db->hostaddr_value);
        db->hostaddr_value = pd_xmalloc(len);
        db->hostaddr_value[0] = '\0';
        for (int i = 0; i < db->nhosts; i++) {
            if (i)
                strcat(db->hostaddr_value, ",");
            strcat(db->hostaddr_value, c->resolved[i]);
        }
        db->values[db->hostaddr_slot] = db->hostaddr_value;
    }
    c->pg = PQconnectStartParams(db->keywords, db->values, 0);
    if (c->pg == NULL) {
        conn_fail(c, "out of memory starting a database connection");
        return;
    }
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        conn_fail(c, PQerrorMessage(c->pg));
        return;
    }
    c->state = CS_CONNECTING;
    rc = uv_timer_start(&c->timer, conn_timer_fired, db->opts.connect_timeout_ms, 0);
    assert(rc == 0);
    /* Before the first PQconnectPoll, wait as if it had asked for writability (libpq docs). */
    if (conn_poll_set(c, UV_WRITABLE) < 0)
        conn_fail(c, "cannot watch the database socket");
}

static void conn_resolve_next(struct db_conn *c);

static void conn_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    struct db_conn *c = req->data;
    struct pd_db *db;
    char addr[INET6_ADDRSTRLEN] = "";

    if (c == NULL) { /* the pool closed while the lookup ran */
        uv_freeaddrinfo(res);
        free(req);
        return;
    }
    db = c->db;
    c->gai = NULL;
    free(req);
    db->pending_closes--;
    if (db->closing) {
        uv_freeaddrinfo(res);
        c->state = CS_CLOSED;
        db_maybe_closed(db);
        return;
    }
    if (status < 0 || res == NULL) {
        char msg[200];
        snprintf(msg, sizeof msg, "cannot resolve database host %s: %s",
                 db->hosts[c->resolve_index], uv_strerror(status));
        uv_freeaddrinfo(res);
        conn_fail(c, msg);
        return;
    }
    if (res->ai_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, addr, sizeof addr);
    else if (res->ai_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, addr, sizeof addr);
    uv_freeaddrinfo(res);
    free(c->resolved[c->resolve_index]);
    c->resolved[c->resolve_index] = pd_xstrdup(addr);
    c->resolve_index++;
    conn_resolve_next(c);
}

static bool host_is_literal(const char *h)
{
    unsigned char buf[16];
    return h[0] == '\0' || h[0] == '/' || h[0] == '@' || inet_pton(AF_INET, h, buf) == 1 ||
           inet_pton(AF_INET6, h, buf) == 1;
}

/* Resolves the host names of the conninfo one after another in the thread pool, so the loop
 * never waits on DNS; literal addresses and socket paths pass through. */
static void conn_resolve_next(struct db_conn *c)
{
    struct pd_db *db = c->db;
    struct addrinfo hints;
    int rc;

    while (c->resolve_index < db->nhosts) {
        const char *h = db->hosts[c->resolve_index];
        if (!host_is_literal(h))
            break;
        free(c->resolved[c->resolve_index]);
        c->resolved[c->resolve_index] = pd_xstrdup(h[0] == '/' || h[0] == '@' ? "" : h);
        c->resolve_index++;
    }
    if (c->resolve_index == db->nhosts) {
        conn_start_libpq(c);
        return;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    c->gai = pd_xcalloc(1, sizeof *c->gai);
    c->gai->data = c;
    c->state = CS_RESOLVING;
    db->pending_closes++;
    rc = uv_getaddrinfo(db->loop, c->gai, conn_resolved, db->hosts[c->resolve_index], NULL, &hints);
    if (rc < 0) {
        free(c->gai);
        c->gai = NULL;
        db->pending_closes--;
        conn_fail(c, uv_strerror(rc));
    }
}

static void conn_connect(struct db_conn *c)
{
    if (c->db->closing)
        return;
    c->resolve_index = 0;
    if (c->db->hosts) {
        c->state = CS_RESOLVING;
        conn_resolve_next(c);
    } else {
        conn_start_libpq(c);
    }
}

/* ---- the pool --------------------------------------------------------------------------- */

static bool conn_hopeful(const struct db_conn *c)
{
    return c->state == CS_READY || c->state == CS_BUSY || c->state == CS_CONNECTING ||
           c->state == CS_SETUP || c->state == CS_RESOLVING;
}

/* Fails every queued job when no connection is up or on its way up: waiting would only turn a
 * quick UNAVAILABLE into a slow one. */
static void pool_fail_if_hopeless(struct pd_db *db)
{
    for (unsigned i = 0; i < db->nconns; i++)
        if (conn_hopeful(&db->conns[i]))
            return;
    queue_fail_all(db, -PATEN_ERR_UNAVAILABLE, "database unavailable");
}

static void pool_kick(struct pd_db *db)
{
    for (unsigned i = 0; i < db->nconns && db->queue_head; i++) {
        struct db_conn *c = &db->conns[i];
        if (c->state != CS_READY)
            continue;
        struct job *j = queue_pop(db);
        c->state = CS_BUSY;
        if (j->txn) {
            j->txn->c = c;
            c->txn = j->txn;
        }
        if (conn_send_job(c, j) < 0) {
            c->job = j; /* conn_fail fails it with UNAVAILABLE */
            conn_fail(c, PQerrorMessage(c->pg));
            continue;
        }
        int rc = uv_timer_start(&c->timer, conn_timer_fired, db->opts.query_timeout_ms, 0);
        assert(rc == 0);
        (void)rc;
        /* No conn_process here: libpq only reads while flushing when the socket would block,
         * and then the writable watcher runs conn_process; calling it here could call back
         * into pd_db_run's caller. */
    }
}

/* Queues a job for the next free connection (or fails it at once when none can come). */
static void pool_submit(struct pd_db *db, struct job *j)
{
    j->failed_index = -1;
    j->enqueued_ms = pd_clock_mono_ms();
    if (db->closing) {
        job_finish(db, j, -PATEN_ERR_SHUTTING_DOWN, "server shutting down");
        return;
    }
    queue_push(db, j);
    pool_kick(db);
    if (db->queue_head == NULL)
        return;
    pool_fail_if_hopeless(db);
    if (db->queue_head && !db->queue_timer_active) {
        unsigned every = db->opts.queue_timeout_ms / 10;
        if (every < 10)
            every = 10;
        int rc = uv_timer_start(&db->queue_timer, queue_sweep, every, every);
        assert(rc == 0);
        (void)rc;
        db->queue_timer_active = true;
    }
}

void pd_db_run(struct pd_db *db, struct pd_db_batch *b, pd_db_cb cb, void *arg)
{
    struct job *j = pd_xcalloc(1, sizeof *j);

    j->kind = JOB_PLAIN;
    j->b = b;
    j->cb = cb;
    j->arg = arg;
    pool_submit(db, j);
}

void pd_db_run_replica(struct pd_db *replica, struct pd_db *primary, struct pd_db_batch *b,
                       pd_db_cb cb, void *arg)
{
    struct job *j;

    /* No replica connection up (down, or still connecting): waiting for one would only turn a
     * fast answer from the primary into a slow one. */
    if (replica == NULL || replica->closing || replica->connected == 0) {
        pd_db_run(primary, b, cb, arg);
        return;
    }
    j = pd_xcalloc(1, sizeof *j);
    j->kind = JOB_PLAIN;
    j->b = b;
    j->cb = cb;
    j->arg = arg;
    j->fallback = primary;
    pool_submit(replica, j);
}

void pd_db_txn_begin(struct pd_db *db, struct pd_db_batch *b, pd_db_txn_cb cb, void *arg)
{
    struct pd_db_txn *t = pd_xcalloc(1, sizeof *t);
    struct job *j = pd_xcalloc(1, sizeof *j);

    t->db = db;
    t->busy = true;
    db->open_txns++;
    j->kind = JOB_TXN;
    j->txn = t;
    j->pre = "BEGIN";
    j->b = b;
    j->txn_cb = cb;
    j->arg = arg;
    pool_submit(db, j);
}

/* Sends a transaction's next batch on the connection it holds. */
static void txn_submit(struct pd_db_txn *t, struct job *j)
{
    struct pd_db *db = t->db;
    struct db_conn *c = t->c;

    assert(!t->busy);
    t->busy = true;
    j->kind = JOB_TXN;
    j->txn = t;
    j->failed_index = -1;
    if (t->broken || c == NULL || db->closing) {
        job_finish(db, j, t->broken ? -PATEN_ERR_UNAVAILABLE : -PATEN_ERR_SHUTTING_DOWN,
                   "the transaction's database connection was lost");
        return;
    }
    uv_timer_stop(&c->timer);
    if (conn_send_job(c, j) < 0) {
        c->job = j;
        conn_fail(c, PQerrorMessage(c->pg));
        return;
    }
    int rc = uv_timer_start(&c->timer, conn_timer_fired, db->opts.query_timeout_ms, 0);
    assert(rc == 0);
    (void)rc;
}

void pd_db_txn_run(struct pd_db_txn *t, struct pd_db_batch *b, pd_db_txn_cb cb, void *arg)
{
    struct job *j = pd_xcalloc(1, sizeof *j);

    j->b = b;
    j->txn_cb = cb;
    j->arg = arg;
    txn_submit(t, j);
}

void pd_db_txn_commit(struct pd_db_txn *t, struct pd_db_batch *b, pd_db_cb cb, void *arg)
{
    struct job *j = pd_xcalloc(1, sizeof *j);

    j->b = b ? b : pd_db_batch_new();
    j->post = "COMMIT";
    j->cb = cb;
    j->arg = arg;
    txn_submit(t, j);
}

void pd_db_txn_rollback(struct pd_db_txn *t)
{
    struct db_conn *c = t->c;

    assert(!t->busy);
    if (c != NULL && !t->broken && !t->db->closing) {
        c->txn = NULL;
        uv_timer_stop(&c->timer);
        conn_send_rollback(c);
    }
    txn_free(t);
}

/* Splits the conninfo into keyword/value arrays, adding hostaddr when host names need resolving
 * and a fallback application name. */
static int db_parse_conninfo(struct pd_db *db, const char *conninfo)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    const char *host = NULL;
    bool has_hostaddr = false;
    int n = 0, k = 0;

    if (opts == NULL) {
        pd_error(0, "invalid database connection string: %s", err ? err : "out of memory");
        PQfreemem(err);
        return -1;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val == NULL)
            continue;
        n++;
        if (strcmp(o->keyword, "host") == 0)
            host = o->val;
        if (strcmp(o->keyword, "hostaddr") == 0)
            has_hostaddr = true;
    }
    db->keywords = pd_xcalloc((size_t)n + 4, sizeof(char *));
    db->values = pd_xcalloc((size_t)n + 4, sizeof(char *));
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val == NULL)
            continue;
        db->keywords[k] = pd_xstrdup(o->keyword);
        db->values[k] = pd_xstrdup(o->val);
        k++;
    }
    db->keywords[k] = pd_xstrdup("fallback_application_name");
    db->values[k] = pd_xstrdup("patend");
    k++;
    if (host && !has_hostaddr) {
        bool need = false;
        char *copy = pd_xstrdup(host);
        char *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            db->hosts = pd_xrealloc(db->hosts, (size_t)(db->nhosts + 1) * sizeof(char *));
            db->hosts[db->nhosts++] = pd_xstrdup(t);
            if (!host_is_literal(t))
                need = true;
        }
        free(copy);
        if (need) {
            db->hostaddr_slot = k;
            db->keywords[k] = pd_xstrdup("hostaddr");
            db->values[k] = NULL; /* filled per attempt */
            k++;
        } else {
            for (int i = 0; i < db->nhosts; i++)
                free(db->hosts[i]);
            free(db->hosts);
            db->hosts = NULL;
            db->nhosts = 0;
        }
    }
    db->keywords[k] = NULL;
    db->values[k] = NULL;
    PQconninfoFree(opts);
    return 0;
}

static void conn_init(struct pd_db *db, struct db_conn *c, int index)
{
    int rc;

    memset(c, 0, sizeof *c);
    c->db = db;
    c->index = index;
    c->poll_fd = -1;
    c->backoff_ms = BACKOFF_MIN_MS;
    c->state = CS_DOWN;
    rc = uv_timer_init(db->loop, &c->timer);
    assert(rc == 0);
    (void)rc;
    c->timer.data = c;
    if (db->nhosts > 0)
        c->resolved = pd_xcalloc((size_t)db->nhosts, sizeof(char *));
}

int pd_db_create(uv_loop_t *loop, const struct pd_db_opts *opts, struct pd_db **out)
{
    struct pd_db *db = pd_xcalloc(1, sizeof *db);
    int rc;

    db->loop = loop;
    db->opts = *opts;
    db->opts.conninfo = NULL;
    db->hostaddr_slot = -1;
    if (db_parse_conninfo(db, opts->conninfo) < 0) {
        free(db);
        return -PATEN_ERR_INVALID_ARGUMENT;
    }
    if (opts->listen_channel) {
        /* The channel is an identifier chosen by patend itself, never by a client. */
        size_t len = strlen(opts->listen_channel) + 16;
        db->listen_channel = pd_xmalloc(len);
        snprintf(db->listen_channel, len, "LISTEN %s", opts->listen_channel);
    }
    snprintf(db->timeout_sql, sizeof db->timeout_sql, "SET statement_timeout = %u",
             opts->query_timeout_ms);
    rc = uv_timer_init(loop, &db->queue_timer);
    assert(rc == 0);
    db->queue_timer.data = db;
    rc = uv_timer_init(loop, &db->deferred_timer);
    assert(rc == 0);
    db->deferred_timer.data = db;
    (void)rc;

    db->nconns = opts->pool_size;
    db->conns = pd_xcalloc(db->nconns, sizeof *db->conns);
    for (unsigned i = 0; i < db->nconns; i++)
        conn_init(db, &db->conns[i], (int)i);
    if (db->listen_channel) {
        db->listener = pd_xcalloc(1, sizeof *db->listener);
        conn_init(db, db->listener, -1);
    }
    for (unsigned i = 0; i < db->nconns; i++)
        conn_connect(&db->conns[i]);
    if (db->listener)
        conn_connect(db->listener);
    *out = db;
    return 0;
}

unsigned pd_db_size(const struct pd_db *db)
{
    return db->nconns;
}

unsigned pd_db_connected(const struct pd_db *db)
{
    return db->connected;
}

bool pd_db_listener_connected(const struct pd_db *db)
{
    return db->listener && db->listener->state == CS_READY;
}

uint64_t pd_db_reconnects(const struct pd_db *db)
{
    return db->reconnects;
}

const char *pd_db_server_version(const struct pd_db *db)
{
    return db->server_version;
}

/* ---- closing ---------------------------------------------------------------------------- */

static void db_free(struct pd_db *db)
{
    for (int i = 0; db->keywords && db->keywords[i]; i++) {
        free((char *)db->keywords[i]);
        if (i != db->hostaddr_slot)
            free((char *)db->values[i]);
    }
    free(db->keywords);
    free(db->values);
    free(db->hostaddr_value);
    for (unsigned i = 0; i < db->nconns; i++) {
        for (int h = 0; db->conns[i].resolved && h < db->nhosts; h++)
            free(db->conns[i].resolved[h]);
        free(db->conns[i].resolved);
    }
    if (db->listener) {
        for (int h = 0; db->listener->resolved && h < db->nhosts; h++)
            free(db->listener->resolved[h]);
        free(db->listener->resolved);
    }
    for (int i = 0; i < db->nhosts; i++)
        free(db->hosts[i]);
    free(db->hosts);
    free(db->conns);
    free(db->listener);
    free(db->listen_channel);
    free(db);
}

static void conn_timer_closed(uv_handle_t *h)
{
    struct db_conn *c = h->data;
    struct pd_db *db = c->db;
    db->pending_closes--;
    db_maybe_closed(db);
}

static void db_timer_closed(uv_handle_t *h)
{
    struct pd_db *db = h->data;
    db->pending_closes--;
    db_maybe_closed(db);
}

/*
 * Closing happens in two phases: first every connection's handles close and the failed jobs are
 * delivered (through the deferred timer), then the pool's own two timers close and the pool is
 * freed before close_cb runs.
 */
static void db_maybe_closed(struct pd_db *db)
{
    if (!db->closing || db->pending_closes > 0 || db->deferred_head != NULL || db->open_txns > 0)
        return;
    if (!db->timers_closed) {
        db->timers_closed = true;
        uv_timer_stop(&db->queue_timer);
        uv_timer_stop(&db->deferred_timer);
        db->pending_closes += 2;
        uv_close((uv_handle_t *)&db->queue_timer, db_timer_closed);
        uv_close((uv_handle_t *)&db->deferred_timer, db_timer_closed);
        return;
    }
    void (*cb)(void *) = db->close_cb;
    void *arg = db->close_arg;
    db_free(db);
    if (cb)
        cb(arg);
}

static void conn_close(struct db_conn *c)
{
    struct pd_db *db = c->db;

    if (c->job) {
        struct job *j = c->job;
        c->job = NULL;
        if (j->txn)
            j->txn->c = NULL;
        if (j->internal)
            job_free(j);
        else
            job_finish(db, j, -PATEN_ERR_SHUTTING_DOWN, "server shutting down");
    } else if (c->txn) {
        c->txn->broken = true;
        c->txn->c = NULL;
    }
    c->txn = NULL;
    conn_poll_close(c);
    if (c->pg) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    if (c->gai) {
        /* A lookup already running in the thread pool cannot be cancelled: its callback sees
         * the detached request and only frees it. */
        if (uv_cancel((uv_req_t *)c->gai) != 0) {
            c->gai->data = NULL;
            db->pending_closes--;
        }
        c->gai = NULL;
    }
    if (c->state == CS_READY || c->state == CS_BUSY)
        if (c->index >= 0)
            db->connected--;
    c->state = CS_CLOSED;
    uv_timer_stop(&c->timer);
    db->pending_closes++;
    uv_close((uv_handle_t *)&c->timer, conn_timer_closed);
}

void pd_db_close(struct pd_db *db, void (*cb)(void *arg), void *arg)
{
    assert(!db->closing);
    db->closing = true;
    db->close_cb = cb;
    db->close_arg = arg;
    uv_timer_stop(&db->queue_timer);
    db->queue_timer_active = false;
    queue_fail_all(db, -PATEN_ERR_SHUTTING_DOWN, "server shutting down");
    for (unsigned i = 0; i < db->nconns; i++)
        conn_close(&db->conns[i]);
    if (db->listener)
        conn_close(db->listener);
    db_maybe_closed(db);
}
