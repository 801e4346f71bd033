/*
 * pd_events.c: reading the outbox, applying and pushing events, and Subscribe (see pd_events.h).
 *
 * The stored body is a serialised Event without its sequence field. On the way out the sequence
 * is appended as field 1: protobuf lets a field follow the others, so no decoding is needed to
 * send an event, only to act on the few kinds that concern patend itself.
 */
#include "pd_events.h"

#include "paten_error.h"
#include "paten_frame.h"
#include "pd_alloc.h"
#include "pd_clock.h"
#include "pd_conn.h"
#include "pd_dispatch.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_people.h"
#include "pd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 500
/* A client further behind than this must reload its state instead of replaying. */
#define MAX_REPLAY 10000

struct pd_events {
    bool started;
    bool fetching;
    bool again;       /* a NOTIFY came during a fetch */
    uint64_t seen;    /* delivered to every subscribed connection up to here */
    uint64_t applied; /* this process's memory reflects the events up to here */
};

/* One outbox row, as read. */
struct ev_row {
    uint64_t seq;
    const char *kind;
    int64_t region_id;
    int64_t office_id;
    pd_roleset roles;
    int64_t user_id;
    unsigned char *body;
    size_t body_len;
};

struct pd_events *pd_events_new(void)
{
    return pd_xcalloc(1, sizeof(struct pd_events));
}

void pd_events_free(struct pd_events *e)
{
    free(e);
}

uint64_t pd_events_seen(const struct pd_server *srv)
{
    return srv->events->seen;
}

void pd_event_add(struct pd_db_batch *b, int64_t at_ms, const char *kind, int64_t region_id,
                  int64_t office_id, pd_roleset roles, int64_t user_id, const Paten__Event *ev)
{
    size_t len = protobuf_c_message_get_packed_size(&ev->base);
    uint8_t *body = pd_xmalloc(len ? len : 1);
    char roles_text[160];

    protobuf_c_message_pack(&ev->base, body);
    pd_db_batch_add(b, PD_STMT_EMIT_EVENT);
    pd_db_param_int(b, at_ms);
    pd_db_param_text(b, kind);
    if (region_id)
        pd_db_param_int(b, region_id);
    else
        pd_db_param_null(b);
    if (office_id)
        pd_db_param_int(b, office_id);
    else
        pd_db_param_null(b);
    if (roles) {
        pd_roles_to_array(roles, roles_text, sizeof roles_text);
        pd_db_param_text(b, roles_text);
    } else {
        pd_db_param_null(b);
    }
    if (user_id)
        pd_db_param_int(b, user_id);
    else
        pd_db_param_null(b);
    pd_db_param_bytea(b, body, len);
    free(body);
}

static bool row_read(const PGresult *res, int i, struct ev_row *e)
{
    memset(e, 0, sizeof *e);
    e->seq = (uint64_t)pd_db_get_int(res, i, 0);
    e->kind = pd_db_str(res, i, 2);
    e->region_id = pd_db_get_int(res, i, 3);
    e->office_id = pd_db_get_int(res, i, 4);
    e->roles = pd_roles_parse_csv(pd_db_str(res, i, 5));
    e->user_id = pd_db_get_int(res, i, 6);
    e->body = PQunescapeBytea((const unsigned char *)pd_db_str(res, i, 7), &e->body_len);
    return e->body != NULL;
}

static bool visible(const struct pd_session *s, int64_t now_ms, const struct ev_row *e)
{
    if (s == NULL)
        return false;
    /* A user's own events (their session ended) reach them even on an ended session. */
    if (e->user_id)
        return s->user_id == e->user_id;
    if (s->ended)
        return false;
    if (e->roles && !(pd_session_effective_roles(s, now_ms) & e->roles))
        return false;
    if (e->office_id)
        return s->office_id == e->office_id ||
               (pd_session_region_wide(s) && s->region_id == e->region_id);
    if (e->region_id)
        return s->region_id == e->region_id;
    return true;
}

/* Sends e to c: its body with the sequence appended as field 1 (varint). */
static void send_event(struct pd_conn *c, const struct ev_row *e)
{
    uint8_t tail[11];
    size_t tail_len = 0;
    uint64_t v = e->seq;
    struct paten_frame_header h = {
        .version = PATEN_FRAME_VERSION,
        .flags = PATEN_FLAG_EVENT,
        .type = PATEN__MESSAGE_TYPE__MESSAGE_TYPE_EVENT,
        .request_id = 0,
    };
    size_t len;
    uint8_t *buf;

    tail[tail_len++] = 0x08; /* field 1, wire type 0 */
    do {
        tail[tail_len++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        v >>= 7;
    } while (v);
    len = e->body_len + tail_len;
    h.length = (uint32_t)len;
    buf = pd_xmalloc(PATEN_FRAME_HEADER_SIZE + len);
    paten_frame_header_pack(&h, buf);
    memcpy(buf + PATEN_FRAME_HEADER_SIZE, e->body, e->body_len);
    memcpy(buf + PATEN_FRAME_HEADER_SIZE + e->body_len, tail, tail_len);
    pd_conn_send(c, buf, PATEN_FRAME_HEADER_SIZE + len);
}

struct end_ctx {
    int64_t session_id;
    int64_t except_id;
};

static void end_session(struct pd_session *s, void *arg)
{
    struct end_ctx *ctx = arg;
    if ((ctx->session_id == 0 || ctx->session_id == s->id) && s->id != ctx->except_id)
        s->ended = true;
}

static void fetch(struct pd_server *srv);

struct refresh_ctx {
    struct pd_server *srv;
    int64_t user_id;
    uint64_t seq;
};

static void apply_acting(struct pd_session *s, void *arg)
{
    int n;
    struct pd_acting *a = pd_acting_from_rows(arg, &n);

    pd_session_set_acting(s, a, n);
    free(a);
}

static void acting_loaded(const struct pd_db_result *r, void *arg)
{
    struct refresh_ctx *ctx = arg;

    struct pd_events *ev = ctx->srv->events;

    if (r->status == 0)
        pd_session_foreach_user(ctx->srv, ctx->user_id, apply_acting, r->res[0]);
    else
        pd_warn(0, "cannot refresh the delegations of user %lld: %s", (long long)ctx->user_id,
                r->message);
    /* Resume delivery at the event that asked for the refresh (see fetched()). */
    ev->applied = ctx->seq;
    ev->fetching = false;
    fetch(ctx->srv);
    free(ctx);
}

/*
 * Acts on the events that change what this process holds in memory. Returns true when the
 * change needs a query first: the caller then stops delivering, and the query's callback
 * resumes from this event, so that no client hears of a delegation before its session here
 * may use it.
 */
static bool apply(struct pd_server *srv, const struct ev_row *e)
{
    Paten__Event *ev;
    bool pending = false;

    if (strcmp(e->kind, "OFFICES_CHANGED") == 0) {
        pd_offices_reload(srv);
        return false;
    }
    if (strcmp(e->kind, "SESSION_ENDED") != 0 && strcmp(e->kind, "DELEGATION_CHANGED") != 0)
        return false;
    ev = paten__event__unpack(NULL, e->body_len, e->body);
    if (ev == NULL) {
        pd_warn(0, "event %llu (%s) cannot be decoded", (unsigned long long)e->seq, e->kind);
        return false;
    }
    if (ev->body_case == PATEN__EVENT__BODY_SESSION_ENDED && e->user_id) {
        struct end_ctx ctx = { ev->session_ended->session_id,
                               ev->session_ended->except_session_id };
        pd_session_foreach_user(srv, e->user_id, end_session, &ctx);
    } else if (ev->body_case == PATEN__EVENT__BODY_DELEGATION_CHANGED &&
               ev->delegation_changed->delegation) {
        struct refresh_ctx *ctx = pd_xcalloc(1, sizeof *ctx);
        struct pd_db_batch *b = pd_db_batch_new();
        ctx->srv = srv;
        ctx->user_id = ev->delegation_changed->delegation->to_user_id;
        ctx->seq = e->seq;
        pd_db_batch_add(b, PD_STMT_DELEGATIONS_OF_USER);
        pd_db_param_int(b, ctx->user_id);
        pd_db_param_int(b, pd_clock_now_ms()); /* every delegation not yet over */
        pd_db_run(srv->db, b, acting_loaded, ctx);
        pending = true;
    }
    paten__event__free_unpacked(ev, NULL);
    return pending;
}

static void fetched(const struct pd_db_result *r, void *arg)
{
    struct pd_server *srv = arg;
    struct pd_events *ev = srv->events;
    const PGresult *res;
    int n;

    ev->fetching = false;
    if (r->status < 0) {
        /* The next NOTIFY, or the LISTEN connection coming back, retries. */
        pd_warn(0, "cannot read new events: %s", r->message);
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    for (int i = 0; i < n; i++) {
        struct ev_row e;
        if (!row_read(res, i, &e))
            continue;
        if (e.seq > ev->applied) {
            if (apply(srv, &e)) {
                /* fetching stays set until the refresh is done and fetches again. */
                PQfreemem(e.body);
                return;
            }
            ev->applied = e.seq;
        }
        for (struct pd_conn *c = srv->conns; c; c = c->next) {
            if (!c->subscribed || c->catching_up || e.seq <= c->delivered_seq)
                continue;
            if (visible(c->session, pd_clock_now_ms(), &e))
                send_event(c, &e);
            c->delivered_seq = e.seq;
        }
        ev->seen = e.seq;
        PQfreemem(e.body);
    }
    if (n == PAGE || ev->again) {
        ev->again = false;
        fetch(srv);
    }
}

static void fetch(struct pd_server *srv)
{
    struct pd_events *ev = srv->events;
    struct pd_db_batch *b;

    if (!ev->started || srv->db == NULL || srv->state >= PD_SERVER_CLOSING)
        return;
    if (ev->fetching) {
        ev->again = true;
        return;
    }
    ev->fetching = true;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_EVENTS_AFTER);
    pd_db_param_int(b, (int64_t)ev->seen);
    pd_db_param_int(b, INT64_MAX);
    pd_db_param_int(b, PAGE);
    pd_db_run(srv->db, b, fetched, srv);
}

void pd_events_start(struct pd_server *srv, uint64_t last_seq)
{
    srv->events->started = true;
    srv->events->seen = last_seq;
    srv->events->applied = last_seq;
    pd_debug(0, "delivering events after %llu", (unsigned long long)last_seq);
}

void pd_events_poll(struct pd_server *srv)
{
    fetch(srv);
}

/* ---- Subscribe --------------------------------------------------------------------------- */

struct subscribe {
    struct pd_request *req;
    uint64_t after;
    uint64_t upto;
    uint64_t replayed;
};

static void replay_page(struct subscribe *sub);

static void replayed(const struct pd_db_result *r, void *arg)
{
    struct subscribe *sub = arg;
    struct pd_request *req = sub->req;
    struct pd_conn *c = req->conn;
    Paten__SubscribeReply reply = PATEN__SUBSCRIBE_REPLY__INIT;
    int n;

    if (r->status < 0) {
        c->catching_up = false;
        pd_request_fail_db(req, r, "replaying events");
        free(sub);
        return;
    }
    n = PQntuples(r->res[0]);
    for (int i = 0; i < n; i++) {
        struct ev_row e;
        if (!row_read(r->res[0], i, &e))
            continue;
        if (visible(c->session, req->now_ms, &e)) {
            send_event(c, &e);
            sub->replayed++;
        }
        sub->after = e.seq;
        PQfreemem(e.body);
    }
    if (n < PAGE)
        sub->after = sub->upto;
    /* Events read live meanwhile skipped this connection: fetch them too before going live. */
    if (sub->after < pd_events_seen(req->srv)) {
        sub->upto = pd_events_seen(req->srv);
        replay_page(sub);
        return;
    }
    c->delivered_seq = sub->upto;
    c->catching_up = false;
    c->subscribed = c->session != NULL;
    reply.replayed = sub->replayed;
    reply.last_sequence = sub->upto;
    free(sub);
    pd_request_reply(req, &reply.base);
}

static void replay_page(struct subscribe *sub)
{
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_EVENTS_AFTER);
    pd_db_param_int(b, (int64_t)sub->after);
    pd_db_param_int(b, (int64_t)sub->upto);
    pd_db_param_int(b, PAGE);
    pd_db_run(sub->req->srv->db, b, replayed, sub);
}

/*
 * The newest committed event is known (not only the newest this process has read, which may lag
 * behind a NOTIFY): choose where the replay starts, or refuse a client too far behind.
 */
static void subscribe_counted(const struct pd_db_result *r, void *arg)
{
    struct subscribe *sub = arg;
    struct pd_request *req = sub->req;
    const Paten__SubscribeRequest *q = (const Paten__SubscribeRequest *)req->in.msg;
    struct pd_conn *c = req->conn;
    uint64_t seen = pd_events_seen(req->srv);
    uint64_t last;

    if (r->status < 0) {
        c->catching_up = false;
        pd_request_fail_db(req, r, "reading the newest event");
        free(sub);
        return;
    }
    last = (uint64_t)pd_db_get_int(r->res[0], 0, 0);
    if (last < seen)
        last = seen;
    if (!q->from_now && q->after_sequence + MAX_REPLAY < last) {
        c->catching_up = false;
        free(sub);
        pd_request_fail(req, PATEN_ERR_FAILED_PRECONDITION,
                        "Terlalu banyak perubahan terlewat; muat ulang data", "after_sequence",
                        "more than %d events behind (after %llu, newest %llu): reload the state "
                        "and subscribe with 0",
                        MAX_REPLAY, (unsigned long long)q->after_sequence,
                        (unsigned long long)last);
        return;
    }
    /* from_now, or a number from the future (a database restored from an older backup than the
     * client's memory): only new events. */
    sub->after = q->from_now || q->after_sequence > last ? last : q->after_sequence;
    sub->upto = seen;
    if (sub->after >= sub->upto) {
        /* Nothing to replay; events this process has yet to read are delivered live, except
         * those up to sub->after, which the client already has or did not ask for. */
        Paten__SubscribeReply reply = PATEN__SUBSCRIBE_REPLY__INIT;
        c->delivered_seq = sub->after;
        c->catching_up = false;
        c->subscribed = c->session != NULL;
        reply.last_sequence = last;
        free(sub);
        pd_request_reply(req, &reply.base);
        return;
    }
    replay_page(sub);
}

void pd_handle_subscribe(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_conn *c = req->conn;
    struct subscribe *sub;
    struct pd_db_batch *b;

    (void)msg;
    if (c->catching_up) {
        pd_request_fail(req, PATEN_ERR_FAILED_PRECONDITION, NULL, NULL,
                        "a Subscribe is already in progress on this connection");
        return;
    }
    sub = pd_xcalloc(1, sizeof *sub);
    sub->req = req;
    c->subscribed = false;
    c->catching_up = true;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_EVENT_LAST);
    pd_db_run(req->srv->db, b, subscribe_counted, sub);
}
