/*
 * test-paten-connection.c: PatenConnection against a scripted fake server.
 *
 * patend answers correctly and in order, so the behaviours a client must survive (replies out of
 * order, late replies, a server that goes silent, drops the connection or sends garbage, refuses
 * the Hello) are played here by a fake server: a thread with a blocking socket that speaks the
 * protocol through the common codec and follows one script per test. The client runs on the
 * main loop of the test's main thread, as in patenctl and paten-desk. Run under ASan/LSan, the
 * tests also prove that every path frees what it allocates.
 */
#include "paten-connection.h"
#include "paten_error.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

/* No wait in these tests should take more than this; a hang fails instead of blocking CI. */
#define WAIT_LIMIT_MS 10000

/* ---- the fake server (runs in its own thread, blocking I/O) ------------------------------- */

typedef struct FakeServer FakeServer;
typedef void (*Script)(FakeServer *fs);

struct FakeServer {
    GSocket *listener;
    char *address; /* "127.0.0.1:port" */
    GThread *thread;
    Script script;
    GSocket *sock; /* the accepted connection */
    struct paten_decoder dec;
    guint8 buf[4096];
    gsize have, off;
};

static void fs_send(FakeServer *fs, uint16_t type, uint8_t flags, uint32_t id,
                    const ProtobufCMessage *msg)
{
    g_autoptr(GError) err = NULL;
    uint8_t *frame;
    size_t len, sent = 0;

    g_assert_cmpint(paten_msg_pack_frame(type, flags, id, msg, &frame, &len), ==, 0);
    while (sent < len) {
        gssize n = g_socket_send(fs->sock, (const char *)frame + sent, len - sent, NULL, &err);
        g_assert_no_error(err);
        sent += (size_t)n;
    }
    free(frame);
}

static void fs_send_raw(FakeServer *fs, const char *bytes)
{
    g_autoptr(GError) err = NULL;

    g_socket_send(fs->sock, bytes, strlen(bytes), NULL, &err);
    g_assert_no_error(err);
}

/* The next frame from the client; FALSE at end of stream. The caller frees f->payload. */
static gboolean fs_read(FakeServer *fs, struct paten_frame *f)
{
    for (;;) {
        if (fs->off < fs->have) {
            size_t used = 0;
            int rc = paten_decoder_feed(&fs->dec, fs->buf + fs->off, fs->have - fs->off, &used, f);
            fs->off += used;
            g_assert_cmpint(rc, >=, 0);
            if (rc == 1)
                return TRUE;
        }
        g_autoptr(GError) err = NULL;
        gssize n = g_socket_receive(fs->sock, (char *)fs->buf, sizeof fs->buf, NULL, &err);
        if (n <= 0)
            return FALSE;
        fs->have = (gsize)n;
        fs->off = 0;
    }
}

/* Reads one request, which must be of `type`; returns its request id. */
static uint32_t fs_expect(FakeServer *fs, uint16_t type, ProtobufCMessage **msg)
{
    struct paten_frame f;

    g_assert_true(fs_read(fs, &f));
    g_assert_cmpuint(f.hdr.flags, ==, 0);
    g_assert_cmpuint(f.hdr.type, ==, type);
    g_assert_cmpuint(f.hdr.request_id, !=, 0);
    if (msg != NULL) {
        *msg = protobuf_c_message_unpack(paten_msg_by_type(type)->request, NULL, f.hdr.length,
                                         f.payload);
        g_assert_nonnull(*msg);
    }
    free(f.payload);
    return f.hdr.request_id;
}

/* Reads the Hello and welcomes the client. */
static void fs_hello(FakeServer *fs)
{
    Paten__HelloReply r = PATEN__HELLO_REPLY__INIT;
    Paten__HelloRequest *h;
    uint32_t id = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, (ProtobufCMessage **)&h);

    g_assert_cmpuint(h->protocol_major, ==, PATEN_PROTOCOL_MAJOR);
    g_assert_cmpstr(h->client_name, ==, "test-client");
    g_assert_cmpstr(h->client_version, ==, "9.9");
    protobuf_c_message_free_unpacked(&h->base, NULL);
    r.protocol_major = PATEN_PROTOCOL_MAJOR;
    r.server_name = "fake";
    r.server_version = "0.0.1";
    r.max_payload = 1000;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, PATEN_FLAG_REPLY, id, &r.base);
}

static void fs_send_error(FakeServer *fs, uint16_t type, uint32_t id, int code, const char *message,
                          const char *field)
{
    uint8_t *frame;
    size_t len;
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(paten_msg_pack_error(type, id, code, message, field, "detail", &frame, &len),
                    ==, 0);
    g_socket_send(fs->sock, (const char *)frame, len, NULL, &err);
    g_assert_no_error(err);
    free(frame);
}

/* Waits until the client closes its end. */
static void fs_drain(FakeServer *fs)
{
    struct paten_frame f;

    while (fs_read(fs, &f))
        free(f.payload);
}

static gpointer fs_thread(gpointer data)
{
    FakeServer *fs = data;
    g_autoptr(GError) err = NULL;

    fs->sock = g_socket_accept(fs->listener, NULL, &err);
    g_assert_no_error(err);
    g_socket_set_blocking(fs->sock, TRUE);
    g_socket_set_timeout(fs->sock, WAIT_LIMIT_MS / 1000);
    paten_decoder_init(&fs->dec, PATEN_PAYLOAD_HARD_MAX);
    fs->script(fs);
    paten_decoder_free(&fs->dec);
    g_socket_close(fs->sock, NULL);
    g_clear_object(&fs->sock);
    return NULL;
}

static FakeServer *fs_start(Script script)
{
    FakeServer *fs = g_new0(FakeServer, 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    fs->listener =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &err);
    g_assert_no_error(err);
    g_assert_true(g_socket_bind(fs->listener, any, TRUE, &err));
    g_assert_true(g_socket_listen(fs->listener, &err));
    bound = g_socket_get_local_address(fs->listener, &err);
    g_assert_no_error(err);
    fs->address = g_strdup_printf("127.0.0.1:%u",
                                  g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound)));
    g_socket_set_blocking(fs->listener, TRUE);
    fs->script = script;
    fs->thread = g_thread_new("fake-server", fs_thread, fs);
    return fs;
}

static void fs_finish(FakeServer *fs)
{
    g_thread_join(fs->thread);
    g_socket_close(fs->listener, NULL);
    g_object_unref(fs->listener);
    g_free(fs->address);
    g_free(fs);
}

/* ---- the client side: waiting on the main loop -------------------------------------------- */

static gboolean on_wait_limit(gpointer data)
{
    (void)data;
    g_error("a wait took longer than %d ms", WAIT_LIMIT_MS);
    return G_SOURCE_REMOVE;
}

/* Iterates the main context until *flag is TRUE. */
static void wait_for(const gboolean *flag)
{
    guint limit = g_timeout_add(WAIT_LIMIT_MS, on_wait_limit, NULL);

    while (!*flag)
        g_main_context_iteration(NULL, TRUE);
    g_source_remove(limit);
}

/* Runs the main context until nothing is ready (deferred task returns, stream closes). */
static void drain_loop(void)
{
    for (int i = 0; i < 100 && g_main_context_iteration(NULL, FALSE); i++)
        ;
}

typedef struct {
    gboolean done;
    GAsyncResult *res;
} Waiter;

static void on_result(GObject *src, GAsyncResult *res, gpointer data)
{
    Waiter *w = data;

    (void)src;
    w->res = g_object_ref(res);
    w->done = TRUE;
}

static PatenConnection *connect_to(FakeServer *fs)
{
    PatenConnection *conn = paten_connection_new(fs->address, "test-client", "9.9");
    g_autoptr(GError) err = NULL;
    Waiter w = { 0 };

    paten_connection_connect_async(conn, NULL, on_result, &w);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CONNECTING);
    wait_for(&w.done);
    g_assert_true(paten_connection_connect_finish(conn, w.res, &err));
    g_assert_no_error(err);
    g_object_unref(w.res);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CONNECTED);
    g_assert_cmpstr(paten_connection_get_hello(conn)->server_name, ==, "fake");
    return conn;
}

/* Drops the test's reference and checks that the connection is then really gone: nothing
 * (no pending operation, no signal handler) keeps it alive. */
static void release(PatenConnection *conn)
{
    g_object_add_weak_pointer(G_OBJECT(conn), (gpointer *)&conn);
    g_object_unref(conn);
    drain_loop();
    g_assert_null(conn);
}

typedef struct {
    gboolean done;
    ProtobufCMessage *reply;
    Paten__Error *error_reply;
    GError *error;
} Call;

static void on_call(GObject *src, GAsyncResult *res, gpointer data)
{
    Call *c = data;

    g_assert_false(c->done);
    c->reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, &c->error_reply, &c->error);
    c->done = TRUE;
}

static void call_clear(Call *c)
{
    if (c->reply != NULL)
        protobuf_c_message_free_unpacked(c->reply, NULL);
    if (c->error_reply != NULL)
        protobuf_c_message_free_unpacked(&c->error_reply->base, NULL);
    g_clear_error(&c->error);
    memset(c, 0, sizeof *c);
}

static void ping(PatenConnection *conn, gboolean db, Call *c)
{
    Paten__PingRequest req = PATEN__PING_REQUEST__INIT;

    req.check_database = db;
    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, &req.base, NULL,
                                on_call, c);
}

/* ---- tests -------------------------------------------------------------------------------- */

static void script_out_of_order(FakeServer *fs)
{
    uint32_t ids[4];
    ProtobufCMessage *reqs[4];
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__ServerShutdown sd = PATEN__SERVER_SHUTDOWN__INIT;

    fs_hello(fs);
    ids[0] = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, &reqs[0]);
    ids[1] = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, &reqs[1]);
    ids[2] = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SERVER_INFO, &reqs[2]);
    ids[3] = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, &reqs[3]);
    g_assert_cmpuint(ids[0], <, ids[1]); /* increasing */
    g_assert_cmpuint(ids[1], <, ids[2]);
    g_assert_cmpuint(ids[2], <, ids[3]);

    /* An event first, then the replies last to first; each Ping reply says which Ping it
     * answers through database_round_trip_us. */
    sd.drain_ms = 1234;
    ev.sequence = 5;
    ev.body_case = PATEN__EVENT__BODY_SERVER_SHUTDOWN;
    ev.server_shutdown = &sd;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_EVENT, PATEN_FLAG_EVENT, 0, &ev.base);
    {
        Paten__SetTestClockRequest *r = (Paten__SetTestClockRequest *)reqs[3];
        Paten__SetTestClockReply reply = PATEN__SET_TEST_CLOCK_REPLY__INIT;
        reply.server_time_ms = r->freeze_at_ms;
        fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, PATEN_FLAG_REPLY, ids[3],
                &reply.base);
    }
    {
        Paten__ServerInfoReply reply = PATEN__SERVER_INFO_REPLY__INIT;
        reply.server_version = "info";
        fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SERVER_INFO, PATEN_FLAG_REPLY, ids[2],
                &reply.base);
    }
    for (int i = 1; i >= 0; i--) {
        Paten__PingRequest *r = (Paten__PingRequest *)reqs[i];
        Paten__PingReply reply = PATEN__PING_REPLY__INIT;
        reply.database_round_trip_us = r->check_database ? 77 : 0;
        reply.server_time_ms = 100 + i;
        fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, PATEN_FLAG_REPLY, ids[i], &reply.base);
    }
    for (int i = 0; i < 4; i++)
        protobuf_c_message_free_unpacked(reqs[i], NULL);
    fs_drain(fs);
}

static void on_event(PatenConnection *conn, gpointer event, gpointer data)
{
    const Paten__Event *ev = event;
    int *events = data;

    (void)conn;
    g_assert_cmpuint(ev->sequence, ==, 5);
    g_assert_cmpint(ev->body_case, ==, PATEN__EVENT__BODY_SERVER_SHUTDOWN);
    g_assert_cmpuint(ev->server_shutdown->drain_ms, ==, 1234);
    (*events)++;
}

static void test_replies_matched_by_id(void)
{
    FakeServer *fs = fs_start(script_out_of_order);
    PatenConnection *conn = connect_to(fs);
    Paten__SetTestClockRequest clock = PATEN__SET_TEST_CLOCK_REQUEST__INIT;
    Call c[4] = { { 0 } };
    int events = 0;

    g_signal_connect(conn, "event", G_CALLBACK(on_event), &events);
    ping(conn, FALSE, &c[0]);
    ping(conn, TRUE, &c[1]);
    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SERVER_INFO, NULL, NULL,
                                on_call, &c[2]);
    clock.change_case = PATEN__SET_TEST_CLOCK_REQUEST__CHANGE_FREEZE_AT_MS;
    clock.freeze_at_ms = 1767225600000;
    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, &clock.base,
                                NULL, on_call, &c[3]);
    g_assert_cmpuint(paten_connection_get_pending_calls(conn), ==, 4);
    for (int i = 0; i < 4; i++) {
        wait_for(&c[i].done);
        g_assert_no_error(c[i].error);
    }
    g_assert_cmpint(events, ==, 1);
    g_assert_true(c[0].reply->descriptor == &paten__ping_reply__descriptor);
    g_assert_cmpuint(((Paten__PingReply *)c[0].reply)->database_round_trip_us, ==, 0);
    g_assert_cmpint(((Paten__PingReply *)c[0].reply)->server_time_ms, ==, 100);
    g_assert_cmpuint(((Paten__PingReply *)c[1].reply)->database_round_trip_us, ==, 77);
    g_assert_cmpstr(((Paten__ServerInfoReply *)c[2].reply)->server_version, ==, "info");
    g_assert_cmpint(((Paten__SetTestClockReply *)c[3].reply)->server_time_ms, ==, 1767225600000);
    g_assert_cmpuint(paten_connection_get_pending_calls(conn), ==, 0);
    for (int i = 0; i < 4; i++)
        call_clear(&c[i]);
    g_signal_handlers_disconnect_by_data(conn, &events);
    paten_connection_close(conn);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CLOSED);
    release(conn);
    fs_finish(fs);
}

static void script_error_reply(FakeServer *fs)
{
    fs_hello(fs);
    uint32_t id = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, NULL);
    fs_send_error(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, id,
                  PATEN_ERR_INVALID_ARGUMENT, "Data permintaan tidak valid", "change");
    id = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
    fs_send_error(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, id, PATEN_ERR_UNAVAILABLE, NULL,
                  NULL);
    fs_drain(fs);
}

static void test_error_reply(void)
{
    FakeServer *fs = fs_start(script_error_reply);
    PatenConnection *conn = connect_to(fs);
    Call c = { 0 };

    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, NULL, NULL,
                                on_call, &c);
    wait_for(&c.done);
    g_assert_null(c.reply);
    g_assert_error(c.error, PATEN_ERROR, PATEN_ERR_INVALID_ARGUMENT);
    g_assert_cmpstr(c.error->message, ==, "Data permintaan tidak valid");
    g_assert_nonnull(c.error_reply);
    g_assert_cmpstr(c.error_reply->field, ==, "change");
    g_assert_cmpstr(c.error_reply->detail, ==, "detail");
    call_clear(&c);

    /* Without error_reply the Error is freed by the connection; the default message stands in
     * for an empty one. */
    ping(conn, FALSE, &c);
    wait_for(&c.done);
    g_assert_error(c.error, PATEN_ERROR, PATEN_ERR_UNAVAILABLE);
    g_assert_cmpstr(c.error->message, ==, paten_err_message(PATEN_ERR_UNAVAILABLE));
    g_assert_true(c.error_reply->retryable);
    call_clear(&c);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CONNECTED);
    release(conn); /* no close: dispose alone must shut the socket */
    fs_finish(fs);
}

static void script_late_reply(FakeServer *fs)
{
    Paten__PingReply reply = PATEN__PING_REPLY__INIT;

    fs_hello(fs);
    uint32_t late = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
    /* The client sends its second Ping only after the first timed out. */
    uint32_t next = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
    reply.server_time_ms = 1;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, PATEN_FLAG_REPLY, late, &reply.base);
    reply.server_time_ms = 2;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, PATEN_FLAG_REPLY, next, &reply.base);
    fs_drain(fs);
}

static void test_call_timeout_and_late_reply(void)
{
    FakeServer *fs = fs_start(script_late_reply);
    PatenConnection *conn = connect_to(fs);
    Call c = { 0 };

    g_object_set(conn, "call-timeout", 100, NULL);
    ping(conn, FALSE, &c);
    wait_for(&c.done);
    g_assert_error(c.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_null(c.error_reply);
    call_clear(&c);

    g_object_set(conn, "call-timeout", WAIT_LIMIT_MS, NULL);
    ping(conn, FALSE, &c);
    wait_for(&c.done);
    g_assert_no_error(c.error);
    /* The late reply to the first Ping was dropped, not given to the second. */
    g_assert_cmpint(((Paten__PingReply *)c.reply)->server_time_ms, ==, 2);
    call_clear(&c);
    paten_connection_close(conn);
    release(conn);
    fs_finish(fs);
}

static void script_drop(FakeServer *fs)
{
    fs_hello(fs);
    fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
    fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
    /* Then close without answering. */
}

static void on_state(GObject *obj, GParamSpec *pspec, gpointer data)
{
    GString *log = data;

    (void)pspec;
    g_string_append_printf(log, "%d", paten_connection_get_state(PATEN_CONNECTION(obj)));
}

static void test_dropped_connection_fails_pending_calls(void)
{
    FakeServer *fs = fs_start(script_drop);
    PatenConnection *conn = paten_connection_new(fs->address, "test-client", "9.9");
    g_autoptr(GString) states = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    Waiter w = { 0 };
    Call c[2] = { { 0 } };

    g_signal_connect(conn, "notify::state", G_CALLBACK(on_state), states);
    paten_connection_connect_async(conn, NULL, on_result, &w);
    wait_for(&w.done);
    g_assert_true(paten_connection_connect_finish(conn, w.res, &err));
    g_object_unref(w.res);
    ping(conn, FALSE, &c[0]);
    ping(conn, TRUE, &c[1]);
    wait_for(&c[0].done);
    wait_for(&c[1].done);
    for (int i = 0; i < 2; i++) {
        g_assert_error(c[i].error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
        g_assert_nonnull(strstr(c[i].error->message, fs->address));
        call_clear(&c[i]);
    }
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_DISCONNECTED);
    g_assert_error((GError *)paten_connection_get_close_error(conn), G_IO_ERROR,
                   G_IO_ERROR_CONNECTION_CLOSED);
    /* DISCONNECTED(0) -> CONNECTING(1) -> CONNECTED(2) -> DISCONNECTED(0) */
    g_assert_cmpstr(states->str, ==, "120");

    /* A call on a lost connection fails at once. */
    ping(conn, FALSE, &c[0]);
    wait_for(&c[0].done);
    g_assert_error(c[0].error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
    call_clear(&c[0]);
    g_signal_handlers_disconnect_by_data(conn, states);
    release(conn);
    fs_finish(fs);
}

static void script_garbage(FakeServer *fs)
{
    fs_hello(fs);
    fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
    fs_send_raw(fs, "HTTP/1.1 400 Bad Request\r\n\r\n");
    fs_drain(fs); /* the client must close */
}

static void test_framing_error_from_server_closes(void)
{
    FakeServer *fs = fs_start(script_garbage);
    PatenConnection *conn = connect_to(fs);
    const GError *why;
    Call c = { 0 };

    ping(conn, FALSE, &c);
    wait_for(&c.done);
    g_assert_error(c.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
    g_assert_nonnull(strstr(c.error->message, "malformed frame"));
    call_clear(&c);
    why = paten_connection_get_close_error(conn);
    g_assert_error((GError *)why, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull(strstr(why->message, "BAD_FRAME"));
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_DISCONNECTED);
    release(conn);
    fs_finish(fs); /* returns only once the client closed its end */
}

static void script_refuse_hello(FakeServer *fs)
{
    uint32_t id = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, NULL);

    fs_send_error(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, id, PATEN_ERR_UNSUPPORTED_VERSION,
                  "Perbarui aplikasi.", "protocol_major");
}

static void test_hello_refused(void)
{
    FakeServer *fs = fs_start(script_refuse_hello);
    PatenConnection *conn = paten_connection_new(fs->address, "test-client", "9.9");
    g_autoptr(GError) err = NULL;
    Waiter w = { 0 };

    paten_connection_connect_async(conn, NULL, on_result, &w);
    wait_for(&w.done);
    g_assert_false(paten_connection_connect_finish(conn, w.res, &err));
    g_object_unref(w.res);
    g_assert_error(err, PATEN_ERROR, PATEN_ERR_UNSUPPORTED_VERSION);
    g_assert_cmpstr(err->message, ==, "Perbarui aplikasi.");
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_DISCONNECTED);
    g_assert_null(paten_connection_get_hello(conn));
    release(conn);
    fs_finish(fs);
}

static void test_connection_refused(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autoptr(GSocket) sock = NULL;
    g_autofree char *address = NULL;
    PatenConnection *conn;
    Waiter w = { 0 };

    /* Bound but not listening: connecting is refused, and nobody else can take the port. */
    sock = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &err);
    g_assert_no_error(err);
    g_assert_true(g_socket_bind(sock, any, FALSE, &err));
    bound = g_socket_get_local_address(sock, &err);
    g_assert_no_error(err);
    address = g_strdup_printf("127.0.0.1:%u",
                              g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound)));

    conn = paten_connection_new(address, "test-client", "9.9");
    paten_connection_connect_async(conn, NULL, on_result, &w);
    wait_for(&w.done);
    g_assert_false(paten_connection_connect_finish(conn, w.res, &err));
    g_object_unref(w.res);
    g_assert_error(err, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
    g_assert_nonnull(strstr(err->message, address));
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_DISCONNECTED);
    release(conn);
}

static void script_silent(FakeServer *fs)
{
    fs_drain(fs); /* accepts, reads the Hello, never answers */
}

static void test_connect_timeout(void)
{
    FakeServer *fs = fs_start(script_silent);
    PatenConnection *conn = paten_connection_new(fs->address, "test-client", "9.9");
    g_autoptr(GError) err = NULL;
    Waiter w = { 0 };

    g_object_set(conn, "connect-timeout", 100, NULL);
    paten_connection_connect_async(conn, NULL, on_result, &w);
    wait_for(&w.done);
    g_assert_false(paten_connection_connect_finish(conn, w.res, &err));
    g_object_unref(w.res);
    g_assert_error(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_DISCONNECTED);
    release(conn);
    fs_finish(fs);
}

static void script_hello_then_silent(FakeServer *fs)
{
    fs_hello(fs);
    fs_drain(fs);
}

static void test_close_with_calls_pending(void)
{
    FakeServer *fs = fs_start(script_hello_then_silent);
    PatenConnection *conn = connect_to(fs);
    Call c[3] = { { 0 } };

    for (int i = 0; i < 3; i++)
        ping(conn, FALSE, &c[i]);
    paten_connection_close(conn);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CLOSED);
    /* The pending calls keep the connection alive until their callbacks have run. */
    g_object_add_weak_pointer(G_OBJECT(conn), (gpointer *)&conn);
    g_object_unref(conn);
    for (int i = 0; i < 3; i++) {
        wait_for(&c[i].done);
        g_assert_error(c[i].error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
        call_clear(&c[i]);
    }
    drain_loop();
    g_assert_null(conn);
    fs_finish(fs);
}

static void test_cancel_call(void)
{
    FakeServer *fs = fs_start(script_hello_then_silent);
    PatenConnection *conn = connect_to(fs);
    g_autoptr(GCancellable) cancel = g_cancellable_new();
    Call c = { 0 };

    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL, cancel, on_call,
                                &c);
    g_cancellable_cancel(cancel);
    wait_for(&c.done);
    g_assert_error(c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint(paten_connection_get_pending_calls(conn), ==, 0);
    call_clear(&c);
    paten_connection_close(conn);
    release(conn);
    fs_finish(fs);
}

static void test_request_over_server_limit(void)
{
    FakeServer *fs = fs_start(script_hello_then_silent);
    PatenConnection *conn = connect_to(fs);
    Paten__HelloRequest big = PATEN__HELLO_REQUEST__INIT;
    g_autofree char *name = g_strnfill(2000, 'x'); /* the fake server's limit is 1000 */
    Call c = { 0 };

    big.client_name = name;
    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, &big.base, NULL,
                                on_call, &c);
    wait_for(&c.done);
    g_assert_error(c.error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
    call_clear(&c);
    /* A request of the wrong message type for the frame type is refused locally too. */
    paten_connection_call_async(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, &big.base, NULL,
                                on_call, &c);
    wait_for(&c.done);
    g_assert_error(c.error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    call_clear(&c);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CONNECTED);
    paten_connection_close(conn);
    release(conn);
    fs_finish(fs);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/connection/replies-matched-by-id", test_replies_matched_by_id);
    g_test_add_func("/connection/error-reply", test_error_reply);
    g_test_add_func("/connection/call-timeout-and-late-reply", test_call_timeout_and_late_reply);
    g_test_add_func("/connection/dropped-connection", test_dropped_connection_fails_pending_calls);
    g_test_add_func("/connection/framing-error-from-server", test_framing_error_from_server_closes);
    g_test_add_func("/connection/hello-refused", test_hello_refused);
    g_test_add_func("/connection/connection-refused", test_connection_refused);
    g_test_add_func("/connection/connect-timeout", test_connect_timeout);
    g_test_add_func("/connection/close-with-calls-pending", test_close_with_calls_pending);
    g_test_add_func("/connection/cancel-call", test_cancel_call);
    g_test_add_func("/connection/request-over-server-limit", test_request_over_server_limit);
    return g_test_run();
}
