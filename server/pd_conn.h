/*
 * pd_conn.h: one client connection: the read state machine on the frame decoder, the request
 * accounting, and the write queue with backpressure.
 *
 * Reading pauses while the connection has max-in-flight requests being handled or more than
 * write-soft-limit bytes of replies unsent, and resumes when both drain: a client that sends
 * faster than it reads is slowed down, not answered with errors. A client whose unsent replies
 * pass write-hard-limit, or stay over the soft limit for write-stall-timeout, is disconnected.
 */
#ifndef PD_CONN_H
#define PD_CONN_H

#include "paten_frame.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct pd_addr_slot;
struct pd_server;
struct pd_session;
struct pd_transport;

enum pd_conn_state {
    PD_CONN_HELLO,   /* waiting for Hello */
    PD_CONN_READY,   /* Hello done */
    PD_CONN_CLOSING, /* sending what is queued, then closing */
    PD_CONN_CLOSED,  /* transport closed; freed when the last request lets go */
};

struct pd_conn {
    struct pd_server *srv;
    uint64_t id;
    struct pd_transport *tr;
    enum pd_conn_state state;
    unsigned refs; /* 1 while the transport is open, +1 per request being handled */

    struct paten_decoder dec;
    uint8_t *pending_in; /* bytes read but not yet decoded while reading was paused */
    size_t pending_in_len;
    bool reading;
    bool consuming; /* inside the decode loop (guards against re-entry) */
    bool peer_eof;  /* the peer finished sending; replies still go out */
    uint32_t in_flight;
    uint32_t max_in_flight;

    uv_buf_t *outq; /* frames waiting to be handed to the transport */
    unsigned outq_len, outq_cap;
    size_t outq_bytes;
    size_t writing_bytes; /* handed to the transport, not yet written */
    bool in_flush_list;
    struct pd_conn *flush_next;

    struct pd_session *session; /* a reference while logged in (pd_conn_set_session) */
    bool subscribed;            /* receives live events (after Subscribe caught it up) */
    bool catching_up;           /* a Subscribe is replaying the events it missed */
    uint64_t delivered_seq;     /* the newest event this connection has been sent or skipped */

    struct pd_addr_slot *addr_slot; /* counts this connection against its address's limit */

    uint64_t connected_ms;
    uint64_t last_read_ms;
    uint64_t frame_started_ms;   /* 0 when no frame is partly received */
    uint64_t over_soft_since_ms; /* 0 when under the soft limit */
    uint64_t closing_since_ms;

    struct pd_conn *prev, *next;
};

/* Accepts one connection from the listener and starts reading it. */
void pd_conn_accept(struct pd_server *srv);

/* Queues one encoded frame (ownership of buf passes to the connection). Dropped silently when the
 * connection is closing or closed: its peer is gone or going. */
void pd_conn_send(struct pd_conn *c, uint8_t *buf, size_t len);

/* Queues an error reply built from code (and the default message when message is NULL). */
void pd_conn_send_error(struct pd_conn *c, uint16_t type, uint32_t request_id, int code,
                        const char *message, const char *field, const char *detail);

/* Sends what is queued, then closes. */
void pd_conn_close_gracefully(struct pd_conn *c, const char *why);

/* Closes now, dropping unsent replies. */
void pd_conn_abort(struct pd_conn *c, const char *why);

/* Hands every connection's queued frames to its transport (the flush check calls this). */
void pd_conn_flush_all(struct pd_server *srv);

/* Applies the timeouts (hello, frame, idle, write stall, closing) to every connection. */
void pd_conn_sweep(struct pd_server *srv);

/* Request accounting: a request holds its connection alive until it finishes. */
void pd_conn_request_begin(struct pd_conn *c);
void pd_conn_request_end(struct pd_conn *c);

/* Called once Hello succeeded. The pre-login limits (payload, requests in flight) stay. */
void pd_conn_hello_done(struct pd_conn *c);

/* Attaches a session (taking a reference) or detaches it (s NULL); detaching also stops events.
 * Attaching raises the connection's limits to those after login; detaching lowers them again. */
void pd_conn_set_session(struct pd_conn *c, struct pd_session *s);

/* "ip:port" of the peer, for logs. */
const char *pd_conn_peer(const struct pd_conn *c);

/* Stops reading (for shutdown): requests already read still finish. */
void pd_conn_stop_reading(struct pd_conn *c);

#endif
