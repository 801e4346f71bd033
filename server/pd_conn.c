/*
 * pd_conn.c: client connections (see pd_conn.h).
 *
 * Life of a connection: accepted -> HELLO -> READY -> CLOSING -> CLOSED -> freed. The transport
 * holds one reference and every request being handled holds one, so a request that finishes
 * after its client vanished still has a valid (closed) connection to drop its reply on.
 *
 * Replies are not written one by one: pd_conn_send queues the encoded frame and the server's
 * check handle hands each connection's queue to the transport once per loop iteration, as one
 * vectored write (Redis does the same in beforeSleep).
 */
#include "pd_conn.h"

#include "paten_error.h"
#include "paten_msg.h"
#include "pd_alloc.h"
#include "pd_clock.h"
#include "pd_dispatch.h"
#include "paten_limits.h"
#include "pd_log.h"
#include "pd_ratelimit.h"
#include "pd_server.h"
#include "pd_session.h"
#include "pd_transport.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A connection that is closing but cannot get its last bytes out is cut after this long. */
#define CLOSING_GRACE_MS 5000

static void conn_on_read(void *owner, const uint8_t *data, ssize_t n);
static void conn_on_written(void *owner, size_t bytes, int status);
static void conn_on_closed(void *owner);
static void conn_update_reading(struct pd_conn *c);

static const struct pd_transport_events conn_events = {
    .on_read = conn_on_read,
    .on_written = conn_on_written,
    .on_closed = conn_on_closed,
};

static void refused_read(void *owner, const uint8_t *data, ssize_t n)
{
    (void)owner;
    (void)data;
    (void)n;
}

static void refused_written(void *owner, size_t bytes, int status)
{
    (void)owner;
    (void)bytes;
    (void)status;
}

static void refused_closed(void *owner)
{
    (void)owner;
}

/* A refused connection is closed right away; its transport still reports to someone. */
static const struct pd_transport_events refused_events = {
    .on_read = refused_read,
    .on_written = refused_written,
    .on_closed = refused_closed,
};

/*
 * The payload and in-flight limits: small until the connection has a session (Login or Resume
 * succeeded), so that an address that has not proved who it is cannot make patend buffer much
 * (a frame is refused by its header, before its payload is read).
 */
static void conn_set_limits(struct pd_conn *c, bool logged_in)
{
    const struct pd_config *cfg = c->srv->cfg;
    uint32_t prelogin = PATEN_IN_FLIGHT_PRELOGIN;

    c->max_in_flight = logged_in                       ? cfg->max_in_flight
                       : cfg->max_in_flight < prelogin ? cfg->max_in_flight
                                                       : prelogin;
    paten_decoder_set_max_payload(&c->dec,
                                  logged_in ? cfg->max_payload : cfg->max_payload_prelogin);
}

static size_t conn_unsent(const struct pd_conn *c)
{
    return c->outq_bytes + c->writing_bytes;
}

static void conn_free(struct pd_conn *c)
{
    pd_conn_set_session(c, NULL);
    for (unsigned i = 0; i < c->outq_len; i++)
        free(c->outq[i].base);
    free(c->outq);
    free(c->pending_in);
    paten_decoder_free(&c->dec);
    free(c);
}

static void conn_unref(struct pd_conn *c)
{
    assert(c->refs > 0);
    if (--c->refs == 0 && !c->in_flush_list)
        conn_free(c);
}

/* Refusals are logged at most once a minute (per address for the per-address limit), with the
 * number not logged in between: a flood must not flood the log too. */
#define REFUSED_LOG_EVERY_MS 60000

static void conn_log_refused_total(struct pd_server *srv, struct pd_transport *tr)
{
    uint64_t now = pd_clock_mono_ms();

    if (srv->refused_logged_ms != 0 && now - srv->refused_logged_ms < REFUSED_LOG_EVERY_MS) {
        srv->refused_unlogged++;
        return;
    }
    pd_warn(0,
            "refused connection from %s: %u connections open (--max-connections); %llu more "
            "refused since the last line; the next such line comes in a minute at the earliest",
            tr->ops->peer(tr), srv->nconns, (unsigned long long)srv->refused_unlogged);
    srv->refused_logged_ms = now ? now : 1;
    srv->refused_unlogged = 0;
}

/* Counts the connection against its address (*slot); false, logged at most once a minute per
 * address, when the address holds --max-connections-per-address already. Asked last, so that a
 * connection refused for another reason is not counted. */
static bool conn_admit_address(struct pd_server *srv, struct pd_transport *tr,
                               struct pd_addr_slot **slot)
{
    const struct pd_config *cfg = srv->cfg;
    char key[PD_ADDR_KEY_MAX];
    uint64_t suppressed;
    bool log_now;

    pd_addr_key(tr->ops->peer(tr), key);
    if (pd_addr_conns_acquire(srv->addr_conns, key, cfg->max_connections_per_address,
                              pd_clock_mono_ms(), slot, &log_now, &suppressed) == 0)
        return true;
    srv->stats.refused_per_address++;
    if (log_now)
        pd_warn(0,
                "refused connection from %s: %s already has %u connections open "
                "(--max-connections-per-address); %llu more refused since the last line; its "
                "next such line comes in a minute at the earliest",
                tr->ops->peer(tr), key, cfg->max_connections_per_address,
                (unsigned long long)suppressed);
    return false;
}

void pd_conn_accept(struct pd_server *srv)
{
    struct pd_transport *tr;
    struct pd_addr_slot *slot = NULL;
    struct pd_conn *c;
    int rc;

    if (srv->tls != NULL)
        rc = pd_transport_tls_accept((uv_stream_t *)&srv->listener, srv->tls, &tr);
    else
        rc = pd_transport_tcp_accept((uv_stream_t *)&srv->listener, &tr);
    if (rc < 0) {
        pd_warn(0, "accept failed: %s", uv_strerror(rc));
        return;
    }
    if (srv->state != PD_SERVER_RUNNING || srv->nconns >= srv->cfg->max_connections ||
        !conn_admit_address(srv, tr, &slot)) {
        /* Refused before any protocol and before reading: at the connection limit a typed error
         * would itself cost the memory the limit protects. */
        srv->stats.refused_connections++;
        if (srv->state != PD_SERVER_RUNNING)
            pd_warn(0, "refused connection from %s: shutting down", tr->ops->peer(tr));
        else if (srv->nconns >= srv->cfg->max_connections)
            conn_log_refused_total(srv, tr);
        tr->ev = &refused_events;
        tr->owner = NULL;
        tr->ops->close(tr);
        return;
    }
    c = pd_xcalloc(1, sizeof *c);
    c->srv = srv;
    c->id = ++srv->next_conn_id;
    c->tr = tr;
    c->addr_slot = slot;
    tr->log_id = c->id;
    c->refs = 1;
    c->state = PD_CONN_HELLO;
    paten_decoder_init(&c->dec, srv->cfg->max_payload_prelogin);
    conn_set_limits(c, false);
    c->connected_ms = c->last_read_ms = pd_clock_mono_ms();
    tr->ev = &conn_events;
    tr->owner = c;

    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->nconns++;
    srv->stats.connections_total++;
    pd_debug(c->id, "connected from %s", tr->ops->peer(tr));
    conn_update_reading(c);
}

/* ---- output ------------------------------------------------------------------------------ */

static void conn_account_unsent(struct pd_conn *c)
{
    struct pd_server *srv = c->srv;
    size_t unsent = conn_unsent(c);

    if (unsent > srv->stats.write_queue_bytes_peak)
        srv->stats.write_queue_bytes_peak = unsent;
    if (unsent > srv->cfg->write_soft_limit) {
        if (c->over_soft_since_ms == 0)
            c->over_soft_since_ms = pd_clock_mono_ms();
    } else if (unsent <= srv->cfg->write_soft_limit / 2) {
        c->over_soft_since_ms = 0;
    }
}

void pd_conn_send(struct pd_conn *c, uint8_t *buf, size_t len)
{
    struct pd_server *srv = c->srv;

    if (c->state >= PD_CONN_CLOSED) {
        free(buf);
        return;
    }
    if (c->outq_len == c->outq_cap) {
        c->outq_cap = c->outq_cap ? c->outq_cap * 2 : 8;
        c->outq = pd_xrealloc(c->outq, c->outq_cap * sizeof *c->outq);
    }
    c->outq[c->outq_len++] = uv_buf_init((char *)buf, (unsigned)len);
    c->outq_bytes += len;
    srv->stats.write_queue_bytes += len;
    if (!c->in_flush_list) {
        c->in_flush_list = true;
        c->flush_next = srv->flush_list;
        srv->flush_list = c;
    }
    conn_account_unsent(c);
    if (conn_unsent(c) > srv->cfg->write_hard_limit) {
        srv->stats.slow_client_disconnects++;
        pd_conn_abort(c, "unsent replies over write-hard-limit: the client is not reading");
        return;
    }
    if (c->over_soft_since_ms)
        conn_update_reading(c);
}

void pd_conn_send_error(struct pd_conn *c, uint16_t type, uint32_t request_id, int code,
                        const char *message, const char *field, const char *detail)
{
    uint8_t *buf;
    size_t len;

    if (paten_msg_pack_error(type, request_id, code, message, field, detail, &buf, &len) == 0)
        pd_conn_send(c, buf, len);
}

/* Closes the transport once nothing is left to send and no request is running. */
static void conn_maybe_finish_closing(struct pd_conn *c)
{
    if (c->state == PD_CONN_CLOSING && c->outq_len == 0 && c->writing_bytes == 0)
        c->tr->ops->close(c->tr);
}

static void conn_flush(struct pd_conn *c)
{
    int rc;

    if (c->state >= PD_CONN_CLOSED || c->outq_len == 0)
        return;
    c->writing_bytes += c->outq_bytes;
    c->outq_bytes = 0;
    rc = c->tr->ops->write_bufs(c->tr, c->outq, c->outq_len);
    c->outq_len = 0; /* the transport owns the buffers now, even on failure */
    if (rc < 0) {
        c->srv->stats.write_queue_bytes -= c->writing_bytes;
        c->writing_bytes = 0;
        pd_conn_abort(c, uv_strerror(rc));
    }
}

void pd_conn_flush_all(struct pd_server *srv)
{
    struct pd_conn *list = srv->flush_list;

    srv->flush_list = NULL;
    while (list) {
        struct pd_conn *c = list;
        list = c->flush_next;
        c->in_flush_list = false;
        c->flush_next = NULL;
        if (c->refs == 0) {
            conn_free(c);
            continue;
        }
        conn_flush(c);
        conn_maybe_finish_closing(c);
    }
}

static void conn_on_written(void *owner, size_t bytes, int status)
{
    struct pd_conn *c = owner;
    struct pd_server *srv = c->srv;

    c->writing_bytes -= bytes;
    srv->stats.write_queue_bytes -= bytes;
    if (status < 0) {
        if (status != UV_ECANCELED)
            pd_conn_abort(c, uv_strerror(status));
        return;
    }
    conn_account_unsent(c);
    conn_update_reading(c);
    conn_maybe_finish_closing(c);
}

/* ---- closing ------------------------------------------------------------------------------ */

static void conn_on_closed(void *owner)
{
    struct pd_conn *c = owner;
    struct pd_server *srv = c->srv;

    srv->stats.write_queue_bytes -= c->outq_bytes;
    c->outq_bytes = 0;
    c->state = PD_CONN_CLOSED;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    srv->nconns--;
    pd_addr_conns_release(srv->addr_conns, c->addr_slot, pd_clock_mono_ms());
    c->addr_slot = NULL;
    pd_debug(c->id, "closed");
    conn_unref(c);
    pd_server_maybe_drained(srv);
}

void pd_conn_close_gracefully(struct pd_conn *c, const char *why)
{
    if (c->state >= PD_CONN_CLOSING)
        return;
    pd_debug(c->id, "closing: %s", why);
    c->state = PD_CONN_CLOSING;
    c->closing_since_ms = pd_clock_mono_ms();
    conn_update_reading(c);
    /* Whatever is queued goes out with the next flush; then the transport closes. */
    if (!c->in_flush_list) {
        c->in_flush_list = true;
        c->flush_next = c->srv->flush_list;
        c->srv->flush_list = c;
    }
}

void pd_conn_abort(struct pd_conn *c, const char *why)
{
    if (c->state >= PD_CONN_CLOSED)
        return;
    if (c->state != PD_CONN_CLOSING || c->outq_len || c->writing_bytes)
        pd_info(c->id, "disconnecting %s: %s", c->tr->ops->peer(c->tr), why);
    c->state = PD_CONN_CLOSING;
    c->reading = false;
    c->tr->ops->close(c->tr);
}

/* ---- input -------------------------------------------------------------------------------- */

static bool conn_wants_input(const struct pd_conn *c)
{
    const struct pd_server *srv = c->srv;

    if (c->state != PD_CONN_HELLO && c->state != PD_CONN_READY)
        return false;
    if (srv->state != PD_SERVER_RUNNING || c->peer_eof)
        return false;
    if (c->in_flight >= c->max_in_flight)
        return false;
    /* Hysteresis: once over the soft limit, wait until half of it drained. */
    if (c->over_soft_since_ms != 0)
        return false;
    return conn_unsent(c) <= srv->cfg->write_soft_limit;
}

/* Keeps the bytes not decoded yet for when reading resumes. */
static void conn_stash_input(struct pd_conn *c, const uint8_t *data, size_t len)
{
    uint8_t *p;

    if (len == 0)
        return;
    p = pd_xmalloc(c->pending_in_len + len);
    if (c->pending_in_len)
        memcpy(p, c->pending_in, c->pending_in_len);
    memcpy(p + c->pending_in_len, data, len);
    free(c->pending_in);
    c->pending_in = p;
    c->pending_in_len += len;
}

static void conn_framing_error(struct pd_conn *c, int err)
{
    const struct paten_frame_header *h = paten_decoder_failed_header(&c->dec);
    char detail[160];
    int code = -err;

    switch (code) {
    case PATEN_ERR_FRAME_TOO_LARGE:
        snprintf(detail, sizeof detail, "payload length %u is over the limit %u", h ? h->length : 0,
                 c->dec.max_payload);
        break;
    case PATEN_ERR_UNSUPPORTED_VERSION:
        snprintf(detail, sizeof detail, "frame version %u; this server reads version %u",
                 h ? h->version : 0, PATEN_FRAME_VERSION);
        break;
    case PATEN_ERR_BAD_FRAME:
        snprintf(detail, sizeof detail, "%s",
                 h ? "unknown flag bits in the frame header"
                   : "the stream does not start with the PATN magic");
        break;
    default:
        snprintf(detail, sizeof detail, "cannot decode the frame");
        break;
    }
    pd_info(c->id, "framing error %s from %s: %s", paten_err_name(code), c->tr->ops->peer(c->tr),
            detail);
    pd_conn_send_error(c, h ? h->type : 0, h ? h->request_id : 0, code, NULL, NULL, detail);
    pd_conn_close_gracefully(c, "framing error");
}

/*
 * Decodes and dispatches frames from data until it is used up, the connection cannot take more
 * requests (the rest is stashed), or it starts closing. Never re-entered: a reply sent from inside
 * a handler may try to resume reading, which must not start a second decode loop.
 */
static void conn_consume(struct pd_conn *c, const uint8_t *data, size_t len)
{
    uint64_t now = pd_clock_mono_ms();

    c->consuming = true;
    while (len > 0) {
        struct paten_frame frame;
        size_t used;
        int rc;

        if (!conn_wants_input(c)) {
            if (c->state == PD_CONN_HELLO || c->state == PD_CONN_READY)
                conn_stash_input(c, data, len);
            break;
        }
        rc = paten_decoder_feed(&c->dec, data, len, &used, &frame);
        data += used;
        len -= used;
        if (rc < 0) {
            conn_framing_error(c, rc);
            break;
        }
        if (rc == 0)
            break;
        c->frame_started_ms = 0;
        pd_dispatch_frame(c, &frame);
    }
    if (paten_decoder_mid_frame(&c->dec)) {
        if (c->frame_started_ms == 0)
            c->frame_started_ms = now;
    } else {
        c->frame_started_ms = 0;
    }
    c->consuming = false;
}

static void conn_on_read(void *owner, const uint8_t *data, ssize_t n)
{
    struct pd_conn *c = owner;

    if (n < 0) {
        c->peer_eof = true;
        if (n != UV_EOF) {
            pd_conn_abort(c, uv_strerror((int)n));
            return;
        }
        if (paten_decoder_mid_frame(&c->dec)) {
            pd_info(c->id, "peer closed in the middle of a frame");
            pd_conn_send_error(c, 0, 0, PATEN_ERR_TRUNCATED_FRAME, NULL, NULL,
                               "the connection ended in the middle of a frame");
            pd_conn_close_gracefully(c, "truncated frame");
            return;
        }
        /* A half-closed client may still be waiting for replies to what it sent. */
        conn_update_reading(c);
        if (c->in_flight == 0)
            pd_conn_close_gracefully(c, "peer closed");
        return;
    }
    c->last_read_ms = pd_clock_mono_ms();
    conn_consume(c, data, (size_t)n);
    conn_update_reading(c);
}

/* Starts or stops reading to match conn_wants_input, first working off stashed input. */
static void conn_update_reading(struct pd_conn *c)
{
    bool want = conn_wants_input(c);

    if (want && c->pending_in_len > 0 && !c->consuming) {
        uint8_t *p = c->pending_in;
        size_t len = c->pending_in_len;
        c->pending_in = NULL;
        c->pending_in_len = 0;
        conn_consume(c, p, len);
        free(p);
        want = conn_wants_input(c) && c->pending_in_len == 0;
    }
    if (c->state >= PD_CONN_CLOSED)
        return;
    if (want && !c->reading && c->pending_in_len == 0) {
        int rc = c->tr->ops->read_start(c->tr);
        if (rc < 0) {
            pd_conn_abort(c, uv_strerror(rc));
            return;
        }
        c->reading = true;
    } else if (!want && c->reading) {
        c->tr->ops->read_stop(c->tr);
        c->reading = false;
        /* Only backpressure counts as throttling, not a peer that finished or a shutdown. */
        if ((c->state == PD_CONN_READY || c->state == PD_CONN_HELLO) && !c->peer_eof &&
            c->srv->state == PD_SERVER_RUNNING)
            c->srv->stats.throttled_total++;
    }
}

void pd_conn_request_begin(struct pd_conn *c)
{
    c->refs++;
    c->in_flight++;
    c->srv->in_flight++;
}

void pd_conn_request_end(struct pd_conn *c)
{
    struct pd_server *srv = c->srv;

    assert(c->in_flight > 0 && srv->in_flight > 0);
    c->in_flight--;
    srv->in_flight--;
    if (c->state < PD_CONN_CLOSED) {
        if (c->peer_eof && c->in_flight == 0)
            pd_conn_close_gracefully(c, "peer closed");
        else
            conn_update_reading(c);
    }
    conn_unref(c);
    pd_server_maybe_drained(srv);
}

void pd_conn_hello_done(struct pd_conn *c)
{
    /* Hello raises no limit (anyone can send it); a session does (pd_conn_set_session). */
    c->state = PD_CONN_READY;
}

void pd_conn_set_session(struct pd_conn *c, struct pd_session *s)
{
    if (s)
        s->refs++;
    if (c->session)
        pd_session_unref(c->srv, c->session);
    c->session = s;
    if (s == NULL) {
        c->subscribed = false;
        c->catching_up = false;
    }
    if (c->state == PD_CONN_READY)
        conn_set_limits(c, s != NULL);
}

const char *pd_conn_peer(const struct pd_conn *c)
{
    return c->tr->ops->peer(c->tr);
}

void pd_conn_stop_reading(struct pd_conn *c)
{
    conn_update_reading(c);
}

/* ---- timeouts ----------------------------------------------------------------------------- */

void pd_conn_sweep(struct pd_server *srv)
{
    const struct pd_config *cfg = srv->cfg;
    uint64_t now = pd_clock_mono_ms();
    struct pd_conn *c = srv->conns;

    while (c) {
        struct pd_conn *next = c->next;

        if (c->state == PD_CONN_CLOSING) {
            if (now - c->closing_since_ms > CLOSING_GRACE_MS)
                pd_conn_abort(c, "could not send the last replies in time");
        } else if (c->over_soft_since_ms &&
                   now - c->over_soft_since_ms > cfg->write_stall_timeout_ms) {
            srv->stats.slow_client_disconnects++;
            pd_conn_abort(c, "replies unread for longer than write-stall-timeout");
        } else if (c->state == PD_CONN_HELLO && now - c->connected_ms > cfg->hello_timeout_ms) {
            pd_conn_send_error(c, 0, 0, PATEN_ERR_TIMEOUT, "Hello tidak diterima tepat waktu", NULL,
                               "no Hello within hello-timeout");
            pd_conn_close_gracefully(c, "no Hello in time");
        } else if (c->frame_started_ms && now - c->frame_started_ms > cfg->frame_timeout_ms) {
            pd_conn_send_error(c, 0, 0, PATEN_ERR_TRUNCATED_FRAME, NULL, NULL,
                               "a frame did not arrive whole within frame-timeout");
            pd_conn_close_gracefully(c, "partial frame timed out");
        } else if (c->in_flight == 0 && now - c->last_read_ms > cfg->idle_timeout_ms) {
            pd_conn_send_error(c, 0, 0, PATEN_ERR_TIMEOUT,
                               "Sambungan ditutup karena tidak ada aktivitas", NULL,
                               "nothing received within idle-timeout (HelloReply.idle_timeout_ms)");
            pd_conn_close_gracefully(c, "idle");
        }
        c = next;
    }
}
