/*
 * pd_dispatch.c: the handler table and the request lifecycle (see pd_dispatch.h).
 */
#include "pd_dispatch.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_conn.h"
#include "pd_log.h"
#include "pd_server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const struct pd_handler handlers[] = {
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, pd_handle_hello, PD_HANDLER_BEFORE_HELLO },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, pd_handle_ping, 0 },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SERVER_INFO, pd_handle_server_info, 0 },
#ifdef PATEN_TEST_HOOKS
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, pd_handle_set_test_clock, 0 },
#endif
};

const struct pd_handler *pd_dispatch_handler(uint16_t type)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].type == type)
            return &handlers[i];
    return NULL;
}

static void request_end(struct pd_request *req)
{
    paten_msg_unpacked_free(&req->in);
    pd_conn_request_end(req->conn);
    free(req);
}

void pd_dispatch_frame(struct pd_conn *c, struct paten_frame *f)
{
    const struct paten_msg_info *info;
    const struct pd_handler *h;
    struct pd_request *req;
    uint16_t type = f->hdr.type;
    uint32_t rid = f->hdr.request_id;
    int rc;

    if (f->hdr.flags != 0) {
        free(f->payload);
        pd_conn_send_error(c, type, rid, PATEN_ERR_BAD_FRAME, NULL, NULL,
                           "a client may only send requests (flags 0)");
        pd_conn_close_gracefully(c, "client sent a reply or event frame");
        return;
    }
    h = pd_dispatch_handler(type);
    info = paten_msg_by_type(type);
    if (h == NULL || info == NULL) {
        char detail[64];
        free(f->payload);
        snprintf(detail, sizeof detail, "message type %u is not a request here", type);
        pd_conn_send_error(c, type, rid, PATEN_ERR_UNKNOWN_MESSAGE_TYPE, NULL, NULL, detail);
        return;
    }
    if (c->state == PD_CONN_HELLO && !(h->flags & PD_HANDLER_BEFORE_HELLO)) {
        free(f->payload);
        pd_conn_send_error(c, type, rid, PATEN_ERR_HELLO_REQUIRED, NULL, NULL,
                           "the first request on a connection must be Hello");
        pd_conn_close_gracefully(c, "request before Hello");
        return;
    }
    if (c->state == PD_CONN_READY && (h->flags & PD_HANDLER_BEFORE_HELLO)) {
        free(f->payload);
        pd_conn_send_error(c, type, rid, PATEN_ERR_FAILED_PRECONDITION,
                           "Hello sudah dilakukan pada sambungan ini", NULL,
                           "Hello may be sent once per connection");
        return;
    }

    req = pd_xcalloc(1, sizeof *req);
    rc = paten_msg_unpack(&req->in, info->request, f->payload, f->hdr.length,
                          paten_msg_unpack_limit(f->hdr.length));
    free(f->payload);
    if (rc < 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "payload of %u bytes is not a valid %s", f->hdr.length,
                 info->request->name);
        free(req);
        pd_conn_send_error(c, type, rid, PATEN_ERR_BAD_MESSAGE, NULL, NULL, detail);
        return;
    }
    req->srv = c->srv;
    req->conn = c;
    req->conn_id = c->id;
    req->id = rid;
    req->type = type;
    req->handler = h;
    req->started_us = uv_hrtime() / 1000;
    c->srv->stats.requests_total++;
    pd_conn_request_begin(c);
    h->fn(req, req->in.msg);
}

void pd_request_reply(struct pd_request *req, const ProtobufCMessage *reply)
{
    uint8_t *buf;
    size_t len;
    int rc;

    rc = paten_msg_pack_frame(req->type, PATEN_FLAG_REPLY, req->id, reply, &buf, &len);
    if (rc < 0) {
        pd_error(req->conn_id, "cannot encode the reply to request %u: %s", req->id,
                 paten_err_name(-rc));
        pd_conn_send_error(req->conn, req->type, req->id, -rc, NULL, NULL,
                           "the reply could not be encoded");
    } else {
        pd_conn_send(req->conn, buf, len);
    }
    request_end(req);
}

void pd_request_fail(struct pd_request *req, int code, const char *message, const char *field,
                     const char *detail_fmt, ...)
{
    char detail[512] = "";

    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(detail, sizeof detail, detail_fmt, ap);
        va_end(ap);
    }
    if (code == PATEN_ERR_INTERNAL)
        pd_error(req->conn_id, "request %u failed: %s", req->id, detail);
    else
        pd_debug(req->conn_id, "request %u refused with %s: %s", req->id, paten_err_name(code),
                 detail);
    pd_conn_send_error(req->conn, req->type, req->id, code, message, field, detail);
    request_end(req);
}
