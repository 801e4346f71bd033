/*
 * pd_dispatch.h: from a decoded frame to a handler, and from the handler back to a reply.
 *
 * The dispatcher checks everything that does not depend on the message's meaning before a
 * handler runs: that the frame is a request, that its type exists here, that Hello came first,
 * and that the payload is a valid protobuf of the request type (unpacked with bounded memory).
 * A handler then owns the request until it calls pd_request_reply or pd_request_fail exactly once,
 * synchronously or from a later callback (a database result, a thread-pool job).
 */
#ifndef PD_DISPATCH_H
#define PD_DISPATCH_H

#include "paten_frame.h"
#include "paten_msg.h"

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

struct pd_conn;
struct pd_server;

struct pd_request {
    struct pd_server *srv;
    struct pd_conn *conn; /* may be closed by the time the handler replies; the reply is dropped */
    uint64_t conn_id;
    uint32_t id;
    uint16_t type;
    const struct pd_handler *handler;
    struct paten_unpacked in;
    uint64_t started_us;
};

typedef void (*pd_handler_fn)(struct pd_request *req, const ProtobufCMessage *msg);

/* Handler flags. */
#define PD_HANDLER_BEFORE_HELLO 0x1u /* Hello itself */

struct pd_handler {
    uint16_t type;
    pd_handler_fn fn;
    unsigned flags;
};

/* Routes one frame received on c; takes ownership of f->payload. */
void pd_dispatch_frame(struct pd_conn *c, struct paten_frame *f);

/* The handler entry for a type, or NULL when this server does not handle it. */
const struct pd_handler *pd_dispatch_handler(uint16_t type);

/* Sends reply (a message of the request type's reply descriptor) and ends the request. */
void pd_request_reply(struct pd_request *req, const ProtobufCMessage *reply);

/*
 * Sends an Error and ends the request. message NULL takes the code's default Indonesian text;
 * field names the offending request field or is NULL; detail is an English explanation for
 * developers and logs (printf-style, may be NULL).
 */
void pd_request_fail(struct pd_request *req, int code, const char *message, const char *field,
                     const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Handlers of the connection-level messages (pd_handlers_system.c). */
void pd_handle_hello(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_ping(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_server_info(struct pd_request *req, const ProtobufCMessage *msg);
#ifdef PATEN_TEST_HOOKS
void pd_handle_set_test_clock(struct pd_request *req, const ProtobufCMessage *msg);
#endif

#endif
