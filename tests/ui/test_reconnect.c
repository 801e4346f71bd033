/*
 * test_reconnect.c: PatenConnection's auto-reconnect (client/paten-connection.h) against a
 * scripted server: a failed connect retried with back-off until the server is there; a dropped
 * connection reconnected, the session resumed with the token of the Login, the subscription
 * renewed after the last event seen, the call in flight re-sent with the same idempotency key
 * (filled in by the connection) and a call made while reconnecting sent afterwards; a session
 * found gone on resume ("session-lost"); pings at a third of the server's idle timeout.
 *
 * The server is a thread with blocking sockets speaking the protocol through the common codec,
 * one script per test, accepting the client's successive connections; the client runs on the
 * main loop of the main thread, as in paten-desk.
 */
#include "paten-connection.h"
#include "paten_error.h"
#include "paten_msg.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_LIMIT_MS 10000
#define TOKEN         "token-of-the-session-0123456789a"

/* ---- the scripted server ------------------------------------------------------------------ */

typedef struct Fake Fake;
typedef void (*Script)(Fake *fs);

struct Fake {
    GSocket *listener;
    char *address;
    GThread *thread;
    Script script;
    GSocket *sock;
    struct paten_decoder dec;
    guint8 buf[8192];
    gsize have, off;
    char key[64]; /* the idempotency key of the first CreateUser */
    gint pinged;  /* atomic: a Ping arrived */
    gint done;    /* atomic: the script finished */
};

static void fs_accept(Fake *fs)
{
    g_autoptr(GError) err = NULL;

    if (fs->sock != NULL) {
        g_socket_close(fs->sock, NULL);
        g_clear_object(&fs->sock);
    }
    fs->sock = g_socket_accept(fs->listener, NULL, &err);
    g_assert_no_error(err);
    g_socket_set_timeout(fs->sock, WAIT_LIMIT_MS / 1000);
    paten_decoder_free(&fs->dec);
    paten_decoder_init(&fs->dec, 1 << 20);
    fs->have = fs->off = 0;
}

static void fs_drop(Fake *fs)
{
    g_socket_close(fs->sock, NULL);
    g_clear_object(&fs->sock);
}

/* The next frame; FALSE at end of stream. */
static gboolean fs_read(Fake *fs, struct paten_frame *f)
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
        gssize n = g_socket_receive(fs->sock, (char *)fs->buf, sizeof fs->buf, NULL, NULL);
        if (n <= 0)
            return FALSE;
        fs->have = (gsize)n;
        fs->off = 0;
    }
}

/* Reads the next frame, which must be a request of type; returns its decoded message (free with
 * protobuf_c_message_free_unpacked) and its request id. */
static ProtobufCMessage *fs_expect(Fake *fs, uint16_t type, guint32 *id)
{
    struct paten_frame f;
    const struct paten_msg_info *info = paten_msg_by_type(type);
    ProtobufCMessage *m;

    g_assert_true(fs_read(fs, &f));
    if (f.hdr.type != type)
        g_error("expected a %s request, got type %u", info->name, f.hdr.type);
    m = protobuf_c_message_unpack(info->request, NULL, f.hdr.length,
                                  f.payload ? f.payload : (const uint8_t *)"");
    g_assert_nonnull(m);
    free(f.payload);
    *id = f.hdr.request_id;
    return m;
}

static void fs_send(Fake *fs, uint16_t type, uint8_t flags, guint32 id, const ProtobufCMessage *msg)
{
    uint8_t *frame;
    size_t len, sent = 0;

    g_assert_cmpint(paten_msg_pack_frame(type, flags, id, msg, &frame, &len), ==, 0);
    while (sent < len) {
        gssize n = g_socket_send(fs->sock, (const char *)frame + sent, len - sent, NULL, NULL);
        g_assert_cmpint(n, >, 0);
        sent += (size_t)n;
    }
    free(frame);
}

static void fs_error(Fake *fs, uint16_t type, guint32 id, int code)
{
    Paten__Error e = PATEN__ERROR__INIT;

    e.code = code;
    e.message = (char *)paten_err_message(code);
    fs_send(fs, type, PATEN_FLAG_REPLY | PATEN_FLAG_ERROR, id, &e.base);
}

static void fs_hello(Fake *fs, guint32 idle_timeout_ms)
{
    Paten__HelloReply r = PATEN__HELLO_REPLY__INIT;
    guint32 id;

    protobuf_c_message_free_unpacked(fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, &id),
                                     NULL);
    r.protocol_major = 1;
    r.server_name = "fake";
    r.max_payload = 1 << 20;
    r.max_in_flight = 64;
    r.idle_timeout_ms = idle_timeout_ms;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, PATEN_FLAG_REPLY, id, &r.base);
}

static void fs_session_reply(Fake *fs, uint16_t type, guint32 id, gboolean with_token,
                             guint64 last_seq)
{
    Paten__SessionReply r = PATEN__SESSION_REPLY__INIT;
    Paten__SessionInfo info = PATEN__SESSION_INFO__INIT;
    Paten__User user = PATEN__USER__INIT;

    user.id = 7;
    user.username = "admin@pemda";
    user.name = "Admin";
    info.user = &user;
    info.last_event_sequence = last_seq;
    r.session = &info;
    if (with_token) {
        r.session_token.data = (uint8_t *)TOKEN;
        r.session_token.len = strlen(TOKEN);
    }
    fs_send(fs, type, PATEN_FLAG_REPLY, id, &r.base);
}

static void fs_event(Fake *fs, guint64 seq)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__UserChanged uc = PATEN__USER_CHANGED__INIT;

    ev.sequence = seq;
    ev.body_case = PATEN__EVENT__BODY_USER_CHANGED;
    ev.user_changed = &uc;
    uc.change = "UPDATED";
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_EVENT, PATEN_FLAG_EVENT, 0, &ev.base);
}

static gpointer fs_main(gpointer data)
{
    Fake *fs = data;

    fs->script(fs);
    if (fs->sock != NULL)
        fs_drop(fs);
    g_atomic_int_set(&fs->done, 1);
    /* The main thread may be asleep in its loop with nothing else to wake it. */
    g_main_context_wakeup(NULL);
    return NULL;
}

/* A server on a free loopback port; listening now unless listen_later. */
static Fake *fs_new(Script script, gboolean listen_later)
{
    Fake *fs = g_new0(Fake, 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    fs->script = script;
    fs->listener =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &err);
    g_assert_no_error(err);
    g_assert_true(g_socket_bind(fs->listener, any, TRUE, &err));
    bound = g_socket_get_local_address(fs->listener, &err);
    g_assert_no_error(err);
    fs->address = g_strdup_printf("127.0.0.1:%u",
                                  g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound)));
    paten_decoder_init(&fs->dec, 1 << 20);
    if (!listen_later) {
        g_assert_true(g_socket_listen(fs->listener, &err));
        fs->thread = g_thread_new("fake-patend", fs_main, fs);
    }
    return fs;
}

/* A bound socket that does not listen refuses connections: the server is "down" until now. */
static void fs_start_listening(Fake *fs)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(g_socket_listen(fs->listener, &err));
    g_assert_no_error(err);
    fs->thread = g_thread_new("fake-patend", fs_main, fs);
}

static gboolean atomic_set(gpointer data);
static void wait_for(gboolean (*cond)(gpointer), gpointer data, const char *what);

/* Waits for the script to end (running the main loop: the client's close is asynchronous, and
 * the script may be waiting to see it), then frees the server. */
static void fs_free(Fake *fs)
{
    if (fs->thread != NULL) {
        wait_for(atomic_set, &fs->done, "the end of the server's script");
        g_thread_join(fs->thread);
    }
    paten_decoder_free(&fs->dec);
    g_socket_close(fs->listener, NULL);
    g_object_unref(fs->listener);
    g_free(fs->address);
    g_free(fs);
}

/* ---- the client side ---------------------------------------------------------------------- */

typedef struct {
    gboolean done;
    ProtobufCMessage *reply;
    GError *error;
} Result;

static void on_call_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Result *r = data;

    r->reply = paten_connection_call_finish(PATEN_CONNECTION(src), res, NULL, &r->error);
    r->done = TRUE;
}

static void on_connect_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Result *r = data;

    paten_connection_connect_finish(PATEN_CONNECTION(src), res, &r->error);
    r->done = TRUE;
}

static void result_clear(Result *r)
{
    if (r->reply != NULL)
        protobuf_c_message_free_unpacked(r->reply, NULL);
    g_clear_error(&r->error);
    r->done = FALSE;
    r->reply = NULL;
}

static gboolean on_wait_limit(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Runs the main loop until cond(data) holds; fails the test after WAIT_LIMIT_MS. */
static void wait_for(gboolean (*cond)(gpointer), gpointer data, const char *what)
{
    gboolean late = FALSE;
    guint timer = g_timeout_add(WAIT_LIMIT_MS, on_wait_limit, &late);

    while (!cond(data) && !late)
        g_main_context_iteration(NULL, TRUE);
    if (late)
        g_error("timed out waiting for %s", what);
    g_source_remove(timer);
}

static gboolean result_done(gpointer data)
{
    return ((Result *)data)->done;
}

typedef struct {
    PatenConnection *conn;
    PatenConnectionState state;
} StateWait;

static gboolean state_is(gpointer data)
{
    StateWait *w = data;

    return paten_connection_get_state(w->conn) == w->state;
}

static void wait_state(PatenConnection *conn, PatenConnectionState state)
{
    StateWait w = { conn, state };

    wait_for(state_is, &w, "a connection state");
}

static gboolean atomic_set(gpointer data)
{
    return g_atomic_int_get((gint *)data) != 0;
}

static void count_signal(gpointer instance, gpointer arg, gpointer data)
{
    (void)instance;
    (void)arg;
    (*(int *)data)++;
}

static PatenConnection *new_connection(const char *address)
{
    PatenConnection *conn = paten_connection_new(address, "test-reconnect", "1");

    g_object_set(conn, "auto-reconnect", TRUE, "reconnect-min-delay", 20u, "reconnect-max-delay",
                 100u, NULL);
    return conn;
}

static void call(PatenConnection *conn, uint16_t type, const ProtobufCMessage *req, Result *r)
{
    result_clear(r);
    paten_connection_call_async(conn, type, req, NULL, on_call_done, r);
}

/* ---- resume and re-send ------------------------------------------------------------------- */

#define EXPLICIT_KEY "123e4567-e89b-12d3-a456-426614174000"

static void script_resume(Fake *fs)
{
    guint32 id, id2;
    ProtobufCMessage *m;
    Paten__SubscribeReply sub = PATEN__SUBSCRIBE_REPLY__INIT;
    Paten__UserReply ur = PATEN__USER_REPLY__INIT;
    Paten__ListUsersReply lr = PATEN__LIST_USERS_REPLY__INIT;

    /* First connection: login, subscribe, two events, a request the caller gave a key, then a
     * CreateUser without one whose reply is lost with the connection. */
    fs_accept(fs);
    fs_hello(fs, 0);
    protobuf_c_message_free_unpacked(fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, &id),
                                     NULL);
    fs_session_reply(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, id, TRUE, 5);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, &id);
    g_assert_cmpuint(((Paten__SubscribeRequest *)m)->after_sequence, ==, 5);
    protobuf_c_message_free_unpacked(m, NULL);
    fs_event(fs, 7);
    sub.last_sequence = 7;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, PATEN_FLAG_REPLY, id, &sub.base);
    fs_event(fs, 9);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DEACTIVATE_USER, &id);
    g_assert_cmpstr(((Paten__DeactivateUserRequest *)m)->idempotency_key, ==, EXPLICIT_KEY);
    protobuf_c_message_free_unpacked(m, NULL);
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DEACTIVATE_USER, PATEN_FLAG_REPLY, id, &ur.base);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER, &id);
    g_assert_true(g_uuid_string_is_valid(((Paten__CreateUserRequest *)m)->idempotency_key));
    g_strlcpy(fs->key, ((Paten__CreateUserRequest *)m)->idempotency_key, sizeof fs->key);
    protobuf_c_message_free_unpacked(m, NULL);
    fs_drop(fs);

    /* Second connection: Hello, Resume with the token, Subscribe after the last event seen,
     * then the CreateUser again, same key, then the call made while reconnecting. */
    fs_accept(fs);
    fs_hello(fs, 0);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME, &id);
    g_assert_cmpmem(((Paten__ResumeRequest *)m)->session_token.data,
                    ((Paten__ResumeRequest *)m)->session_token.len, TOKEN, strlen(TOKEN));
    protobuf_c_message_free_unpacked(m, NULL);
    fs_session_reply(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME, id, FALSE, 9);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, &id);
    g_assert_cmpuint(((Paten__SubscribeRequest *)m)->after_sequence, ==, 9);
    g_assert_false(((Paten__SubscribeRequest *)m)->from_now);
    protobuf_c_message_free_unpacked(m, NULL);
    sub.last_sequence = 12;
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, PATEN_FLAG_REPLY, id, &sub.base);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER, &id);
    g_assert_cmpstr(((Paten__CreateUserRequest *)m)->idempotency_key, ==, fs->key);
    g_assert_cmpstr(((Paten__CreateUserRequest *)m)->username, ==, "budi");
    protobuf_c_message_free_unpacked(m, NULL);
    m = fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS, &id2);
    protobuf_c_message_free_unpacked(m, NULL);
    g_assert_cmpuint(id2, >, id); /* in the order they were made */
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS, PATEN_FLAG_REPLY, id2, &lr.base);
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER, PATEN_FLAG_REPLY, id, &ur.base);
    /* Until the client goes away. */
    struct paten_frame f;
    g_assert_false(fs_read(fs, &f));
}

typedef struct {
    int events;
    int resumed;
    guint64 resumed_seq;
} Counters;

static void on_event(PatenConnection *conn, gpointer ev, gpointer data)
{
    (void)conn;
    (void)ev;
    ((Counters *)data)->events++;
}

static void on_resumed(PatenConnection *conn, gpointer info, gpointer data)
{
    Counters *c = data;

    (void)conn;
    c->resumed++;
    c->resumed_seq = ((Paten__SessionInfo *)info)->last_event_sequence;
}

static gboolean two_events(gpointer data)
{
    return ((Counters *)data)->events == 2;
}

static void test_resume_and_resend(void)
{
    Fake *fs = fs_new(script_resume, FALSE);
    g_autoptr(PatenConnection) conn = new_connection(fs->address);
    Paten__LoginRequest login = PATEN__LOGIN_REQUEST__INIT;
    Paten__SubscribeRequest sub = PATEN__SUBSCRIBE_REQUEST__INIT;
    Paten__DeactivateUserRequest deact = PATEN__DEACTIVATE_USER_REQUEST__INIT;
    Paten__CreateUserRequest create = PATEN__CREATE_USER_REQUEST__INIT;
    Result r = { 0 }, created = { 0 }, listed = { 0 };
    Counters counters = { 0 };

    g_signal_connect(conn, "event", G_CALLBACK(on_event), &counters);
    g_signal_connect(conn, "session-resumed", G_CALLBACK(on_resumed), &counters);
    paten_connection_connect_async(conn, NULL, on_connect_done, &r);
    wait_for(result_done, &r, "the connect");
    g_assert_no_error(r.error);

    login.login = "admin@pemda";
    login.password = "x";
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, &login.base, &r);
    wait_for(result_done, &r, "the login");
    g_assert_no_error(r.error);
    g_assert_true(paten_connection_has_session(conn));
    g_assert_cmpuint(paten_connection_get_last_event_sequence(conn), ==, 5);

    sub.after_sequence = 5;
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, &sub.base, &r);
    wait_for(result_done, &r, "the subscribe");
    g_assert_no_error(r.error);
    wait_for(two_events, &counters, "two events");
    g_assert_cmpuint(paten_connection_get_last_event_sequence(conn), ==, 9);

    /* A key the caller chose is sent as it is. */
    deact.idempotency_key = EXPLICIT_KEY;
    deact.user_id = 3;
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DEACTIVATE_USER, &deact.base, &r);
    wait_for(result_done, &r, "the deactivate");
    g_assert_no_error(r.error);

    /* No key: the connection makes one, and keeps it for the re-send. */
    create.username = "budi";
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER, &create.base, &created);
    wait_state(conn, PATEN_CONNECTION_STATE_RECONNECTING);
    g_assert_false(created.done);
    /* A call made while reconnecting waits instead of failing. */
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS, NULL, &listed);
    g_assert_false(listed.done);
    wait_for(result_done, &created, "the re-sent CreateUser");
    g_assert_no_error(created.error);
    wait_for(result_done, &listed, "the ListUsers made while reconnecting");
    g_assert_no_error(listed.error);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CONNECTED);
    g_assert_cmpint(counters.resumed, ==, 1);
    g_assert_cmpuint(counters.resumed_seq, ==, 9);
    g_assert_cmpuint(paten_connection_get_last_event_sequence(conn), ==, 12);

    paten_connection_close(conn);
    fs_free(fs);
    result_clear(&r);
    result_clear(&created);
    result_clear(&listed);
}

/* ---- a connect that fails, retried -------------------------------------------------------- */

static void script_hello_only(Fake *fs)
{
    struct paten_frame f;

    fs_accept(fs);
    fs_hello(fs, 0);
    g_assert_false(fs_read(fs, &f));
}

static gboolean counter_positive(gpointer data)
{
    return *(int *)data > 0;
}

static void test_failed_connect_is_retried(void)
{
    Fake *fs = fs_new(script_hello_only, TRUE);
    g_autoptr(PatenConnection) conn = new_connection(fs->address);
    Result r = { 0 };
    int failures = 0;

    g_signal_connect(conn, "attempt-failed", G_CALLBACK(count_signal), &failures);
    paten_connection_connect_async(conn, NULL, on_connect_done, &r);
    wait_for(result_done, &r, "the first connect");
    /* The first attempt's failure goes to the caller; the connection keeps trying. */
    g_assert_error(r.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_RECONNECTING);
    wait_for(counter_positive, &failures, "attempt-failed");
    /* The server comes up: the connection gets there by itself. */
    fs_start_listening(fs);
    wait_state(conn, PATEN_CONNECTION_STATE_CONNECTED);
    paten_connection_close(conn);
    fs_free(fs);
    result_clear(&r);
}

/* ---- a session gone while away ------------------------------------------------------------ */

static void script_session_lost(Fake *fs)
{
    guint32 id;
    struct paten_frame f;

    fs_accept(fs);
    fs_hello(fs, 0);
    protobuf_c_message_free_unpacked(fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, &id),
                                     NULL);
    fs_session_reply(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, id, TRUE, 0);
    fs_drop(fs);

    fs_accept(fs);
    fs_hello(fs, 0);
    protobuf_c_message_free_unpacked(fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME, &id),
                                     NULL);
    fs_error(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME, id, PATEN_ERR_UNAUTHENTICATED);
    /* No Subscribe: the session is gone. The waiting call goes out, answered as the server
     * sees fit. */
    protobuf_c_message_free_unpacked(
        fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SESSION, &id), NULL);
    fs_error(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SESSION, id, PATEN_ERR_UNAUTHENTICATED);
    g_assert_false(fs_read(fs, &f));
}

static void test_session_lost(void)
{
    Fake *fs = fs_new(script_session_lost, FALSE);
    g_autoptr(PatenConnection) conn = new_connection(fs->address);
    Paten__LoginRequest login = PATEN__LOGIN_REQUEST__INIT;
    Result r = { 0 }, get = { 0 };
    int lost = 0;

    g_signal_connect(conn, "session-lost", G_CALLBACK(count_signal), &lost);
    paten_connection_connect_async(conn, NULL, on_connect_done, &r);
    wait_for(result_done, &r, "the connect");
    login.login = "admin@pemda";
    login.password = "x";
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, &login.base, &r);
    wait_for(result_done, &r, "the login");
    g_assert_no_error(r.error);
    wait_state(conn, PATEN_CONNECTION_STATE_RECONNECTING);
    call(conn, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SESSION, NULL, &get);
    wait_for(counter_positive, &lost, "session-lost");
    g_assert_false(paten_connection_has_session(conn));
    wait_for(result_done, &get, "the GetSession");
    g_assert_error(get.error, PATEN_ERROR, PATEN_ERR_UNAUTHENTICATED);
    g_assert_cmpint(paten_connection_get_state(conn), ==, PATEN_CONNECTION_STATE_CONNECTED);
    paten_connection_close(conn);
    fs_free(fs);
    result_clear(&r);
    result_clear(&get);
}

/* ---- keepalive at a third of the server's idle timeout ------------------------------------ */

static void script_keepalive(Fake *fs)
{
    guint32 id;
    gint64 start;
    Paten__PingReply pong = PATEN__PING_REPLY__INIT;
    struct paten_frame f;

    fs_accept(fs);
    fs_hello(fs, 600);
    start = g_get_monotonic_time();
    protobuf_c_message_free_unpacked(fs_expect(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, &id),
                                     NULL);
    /* A third of 600 ms is 200 ms; well before the server would cut the line. */
    g_assert_cmpint((g_get_monotonic_time() - start) / 1000, <, 500);
    fs_send(fs, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, PATEN_FLAG_REPLY, id, &pong.base);
    g_atomic_int_set(&fs->pinged, 1);
    g_main_context_wakeup(NULL);
    g_assert_false(fs_read(fs, &f) && f.hdr.type != PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING);
}

static void test_keepalive_from_server(void)
{
    Fake *fs = fs_new(script_keepalive, FALSE);
    g_autoptr(PatenConnection) conn = new_connection(fs->address);
    Result r = { 0 };

    g_object_set(conn, "keepalive-from-server", TRUE, NULL);
    paten_connection_connect_async(conn, NULL, on_connect_done, &r);
    wait_for(result_done, &r, "the connect");
    g_assert_no_error(r.error);
    wait_for(atomic_set, &fs->pinged, "a keepalive ping");
    paten_connection_close(conn);
    fs_free(fs);
    result_clear(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/reconnect/resume-and-resend", test_resume_and_resend);
    g_test_add_func("/reconnect/failed-connect-is-retried", test_failed_connect_is_retried);
    g_test_add_func("/reconnect/session-lost", test_session_lost);
    g_test_add_func("/reconnect/keepalive-from-server", test_keepalive_from_server);
    return g_test_run();
}
