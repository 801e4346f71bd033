/*
 * pd_handlers_system.c: the connection-level messages: Hello, Ping, ServerInfo, and the test
 * clock of test builds.
 */
#include "paten_error.h"
#include "paten_limits.h"
#include "pd_clock.h"
#include "pd_conn.h"
#include "pd_db.h"
#include "pd_dispatch.h"
#include "pd_log.h"
#include "pd_server.h"

#include <string.h>

#define CLIENT_NAME_MAX 64

void pd_handle_hello(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__HelloRequest *r = (const Paten__HelloRequest *)msg;
    Paten__HelloReply reply = PATEN__HELLO_REPLY__INIT;
    struct pd_conn *c = req->conn;
    const struct pd_config *cfg = req->srv->cfg;

    if (r->protocol_major != PATEN_PROTOCOL_MAJOR) {
        char text[200];
        snprintf(text, sizeof text,
                 "Aplikasi memakai protokol versi %u, server ini versi %u. Perbarui aplikasi.",
                 r->protocol_major, PATEN_PROTOCOL_MAJOR);
        pd_info(c->id, "refusing client %s %s: protocol major %u", r->client_name,
                r->client_version, r->protocol_major);
        pd_request_fail(req, PATEN_ERR_UNSUPPORTED_VERSION, text, "protocol_major",
                        "client speaks protocol %u.%u; server speaks %u.%u", r->protocol_major,
                        r->protocol_minor, PATEN_PROTOCOL_MAJOR, PATEN_PROTOCOL_MINOR);
        pd_conn_close_gracefully(c, "incompatible protocol version");
        return;
    }
    if (r->client_name[0] == '\0' || strlen(r->client_name) > CLIENT_NAME_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama aplikasi klien wajib diisi",
                        "client_name", "client_name must be 1 to %d bytes", CLIENT_NAME_MAX);
        return;
    }
    pd_conn_hello_done(c);
    pd_info(c->id, "hello from %s %s %s", pd_conn_peer(c), r->client_name, r->client_version);

    reply.protocol_major = PATEN_PROTOCOL_MAJOR;
    /* A variable, not the macro: with minor 0 the comparison would be constant. */
    uint32_t server_minor = PATEN_PROTOCOL_MINOR;
    reply.protocol_minor = r->protocol_minor < server_minor ? r->protocol_minor : server_minor;
    reply.server_name = "patend";
    reply.server_version = PATEN_VERSION;
    reply.connection_id = c->id;
    reply.max_payload = cfg->max_payload;
    reply.max_in_flight = cfg->max_in_flight;
    reply.server_time_ms = pd_clock_now_ms();
    reply.idle_timeout_ms = cfg->idle_timeout_ms;
    pd_request_reply(req, &reply.base);
}

static void ping_db_done(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__PingReply reply = PATEN__PING_REPLY__INIT;

    if (r->status < 0) {
        pd_request_fail(req, -r->status, NULL, NULL, "database check failed: %s", r->message);
        return;
    }
    reply.server_time_ms = pd_clock_now_ms();
    reply.database_round_trip_us = r->round_trip_us;
    pd_request_reply(req, &reply.base);
}

void pd_handle_ping(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__PingRequest *r = (const Paten__PingRequest *)msg;
    Paten__PingReply reply = PATEN__PING_REPLY__INIT;

    if (r->check_database) {
        struct pd_db_batch *b = pd_db_batch_new();
        pd_db_batch_add(b, PD_STMT_PING);
        pd_db_run(req->srv->db, b, ping_db_done, req);
        return;
    }
    reply.server_time_ms = pd_clock_now_ms();
    pd_request_reply(req, &reply.base);
}

void pd_handle_server_info(struct pd_request *req, const ProtobufCMessage *msg)
{
    Paten__ServerInfoReply reply = PATEN__SERVER_INFO_REPLY__INIT;
    struct pd_server *srv = req->srv;
    unsigned size = pd_db_size(srv->db);
    unsigned up = pd_db_connected(srv->db);

    (void)msg;
    reply.server_version = PATEN_VERSION;
    reply.protocol_major = PATEN_PROTOCOL_MAJOR;
    reply.protocol_minor = PATEN_PROTOCOL_MINOR;
    reply.started_at_ms = srv->started_wall_ms;
    reply.uptime_seconds = (pd_clock_mono_ms() - srv->started_mono_ms) / 1000;
    reply.database_state = up == size ? PATEN__DATABASE_STATE__DATABASE_STATE_CONNECTED
                           : up > 0   ? PATEN__DATABASE_STATE__DATABASE_STATE_DEGRADED
                                      : PATEN__DATABASE_STATE__DATABASE_STATE_UNAVAILABLE;
    reply.database_pool_size = size;
    reply.database_pool_connected = up;
    reply.database_listener_connected = pd_db_listener_connected(srv->db);
    reply.database_embedded = srv->cluster != NULL;
    reply.schema_version = (uint32_t)srv->schema_version;
    reply.connections = srv->nconns;
    reply.connections_total = srv->stats.connections_total;
    reply.requests_total = srv->stats.requests_total;
    reply.throttled_total = srv->stats.throttled_total;
    reply.slow_client_disconnects = srv->stats.slow_client_disconnects;
    reply.write_queue_bytes = srv->stats.write_queue_bytes;
    reply.write_queue_bytes_peak = srv->stats.write_queue_bytes_peak;
    reply.database_reconnects = pd_db_reconnects(srv->db);
    reply.database_server_version = (char *)pd_db_server_version(srv->db);
    reply.test_clock = pd_clock_is_overridden();
    reply.refused_connections = srv->stats.refused_connections;
    reply.refused_per_address = srv->stats.refused_per_address;
    reply.logins_throttled = srv->stats.logins_throttled;
    pd_request_reply(req, &reply.base);
}

#ifdef PATEN_TEST_HOOKS
void pd_handle_set_test_clock(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SetTestClockRequest *r = (const Paten__SetTestClockRequest *)msg;
    Paten__SetTestClockReply reply = PATEN__SET_TEST_CLOCK_REPLY__INIT;

    switch (r->change_case) {
    case PATEN__SET_TEST_CLOCK_REQUEST__CHANGE_FREEZE_AT_MS:
        pd_clock_freeze(r->freeze_at_ms);
        break;
    case PATEN__SET_TEST_CLOCK_REQUEST__CHANGE_OFFSET_MS:
        pd_clock_offset(r->offset_ms);
        break;
    case PATEN__SET_TEST_CLOCK_REQUEST__CHANGE_RESET:
        pd_clock_reset();
        break;
    default:
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "change",
                        "set one of freeze_at_ms, offset_ms or reset");
        return;
    }
    pd_warn(req->conn_id, "test clock moved: business time is now %lld",
            (long long)pd_clock_now_ms());
    reply.server_time_ms = pd_clock_now_ms();
    pd_request_reply(req, &reply.base);
}
#endif
