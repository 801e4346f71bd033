/*
 * paten-connection.c: PatenConnection, the GIO client of the PATEN protocol (see
 * paten-connection.h).
 *
 * Two halves:
 *   - the socket side: a PatenTransport (framed reads, queued writes) replaced on every connect;
 *   - the request side: the table of pending calls (request id -> GTask), each call keeping its
 *     encoded frame, its timeout and its cancellable. It outlives any one transport: with
 *     auto-reconnect a dropped connection parks the calls (not sent on any socket) and the next
 *     successful connect sends them again, same bytes, same idempotency keys.
 *
 * Internal calls (Hello, Resume, Subscribe of a reconnect, keepalive Pings) belong to one socket:
 * they are failed, never parked, when it goes down.
 *
 * Re-entrancy: completing a GTask may run its callback at once, and a signal handler may do
 * anything, including closing or dropping the last reference to the connection. Code that
 * completes tasks or emits signals therefore holds a reference to self, and takes everything it
 * still needs (transport, pending calls) out of self before the first callback can run.
 */
#include "paten-connection.h"

#include "paten-transport.h"
#include "paten_error.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

GQuark paten_error_quark(void)
{
    return g_quark_from_static_string("paten-error-quark");
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PATEN_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PATEN_ASAN 1
#endif
#ifdef PATEN_ASAN
/*
 * Sanitizer builds (scripts/test) only: GIO's TLS backend (GnuTLS, loaded by dlopen) keeps
 * dynamic thread-local storage in its worker threads, and clang 14's LeakSanitizer, following
 * __tls_get_addr, then reads a bogus range for it and crashes at exit ("Tracer caught signal
 * 11") instead of checking for leaks. Not following it leaves leak checking on. ASAN_OPTIONS
 * from the environment still overrides this.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "intercept_tls_get_addr=0";
}
#endif

GQuark paten_connection_error_quark(void)
{
    return g_quark_from_static_string("paten-connection-error-quark");
}

struct _PatenConnection {
    GObject parent_instance;

    char *server;
    char *client_name;
    char *client_version;
    guint call_timeout_ms;
    guint connect_timeout_ms;
    guint keepalive_ms;
    PatenConnectionState state;

    /* TLS (see the header): file names and the pin, read at each connect. */
    gboolean tls;
    char *tls_ca_file;
    char *tls_pin;
    char *tls_cert_file;
    char *tls_key_file;
    gboolean allow_plaintext;

    /* Socket side: valid from the TCP connect until the connection goes down. */
    PatenTransport *transport;
    GTask *connect_task;      /* the connect_async in progress, or NULL */
    Paten__HelloReply *hello; /* from the last successful Hello */
    GError *close_error;      /* why the connection last went down */
    GError *server_notice;    /* an Error the server sent outside any call, before closing */
    GSource *keepalive;       /* the keepalive timer, or NULL */
    gint64 last_send_us;      /* monotonic time of the last frame sent */
    gboolean keepalive_auto;  /* keepalive at a third of HelloReply.idle_timeout_ms */

    /* Auto-reconnect (see the header). */
    gboolean auto_reconnect;
    guint reconnect_min_ms;
    guint reconnect_max_ms;
    guint attempts;           /* failed attempts since the last CONNECTED */
    GSource *reconnect_timer; /* the back-off wait, or NULL */
    gboolean missed_events;   /* the reconnect had to subscribe from now */
    GBytes *session_token;    /* from Login; memory only, zeroed when dropped */
    gboolean subscribed;      /* a Subscribe succeeded on this session */
    guint64 last_event_seq;   /* the newest event sequence seen */

    /* Request side: request id -> GTask (a reference owned by the table). */
    GHashTable *pending;
    guint32 next_id;
};

G_DEFINE_TYPE(PatenConnection, paten_connection, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_SERVER,
    PROP_CLIENT_NAME,
    PROP_CLIENT_VERSION,
    PROP_STATE,
    PROP_CALL_TIMEOUT,
    PROP_CONNECT_TIMEOUT,
    PROP_KEEPALIVE_INTERVAL,
    PROP_KEEPALIVE_FROM_SERVER,
    PROP_AUTO_RECONNECT,
    PROP_RECONNECT_MIN_DELAY,
    PROP_RECONNECT_MAX_DELAY,
    PROP_TLS,
    PROP_TLS_CA_FILE,
    PROP_TLS_PIN,
    PROP_TLS_CERT_FILE,
    PROP_TLS_KEY_FILE,
    PROP_ALLOW_PLAINTEXT,
    N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
    SIGNAL_EVENT,
    SIGNAL_ATTEMPT_FAILED,
    SIGNAL_SESSION_RESUMED,
    SIGNAL_SESSION_LOST,
    SIGNAL_EVENTS_MISSED,
    N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One request waiting for its reply; the task data of the call's GTask. */
typedef struct {
    PatenConnection *conn; /* not a reference: the task holds one */
    GTask *task;           /* not a reference: the pending table holds it */
    guint32 id;
    const struct paten_msg_info *info;
    gboolean internal;         /* belongs to one socket: failed, not parked, when it drops */
    gboolean sent;             /* the frame went out on the current socket */
    GBytes *frame;             /* the encoded request, kept for a re-send after a reconnect */
    GSource *timeout;          /* call-timeout, or NULL */
    GSource *cancel;           /* fires when the caller's cancellable is cancelled, or NULL */
    Paten__Error *error_reply; /* the server's Error, until call_finish hands it over */
} PatenCall;

/* The task data of a connect_async. */
typedef struct {
    GSocketClient *client;
    GCancellable *cancel; /* ours: aborts the TCP connect on timeout, cancel or close */
    GSource *timer;       /* connect-timeout, or NULL */
    GSource *user_cancel; /* fires when the caller's cancellable is cancelled, or NULL */
    /* TLS: the connection being handshaken, and what the certificate check found. */
    GIOStream *tls;
    gulong accept_handler;
    char *pin;                        /* normalised (64 lowercase hex digits), or NULL */
    GTlsCertificateFlags cert_errors; /* from accept-certificate */
    gboolean pin_checked;
    char *peer_pin; /* the server certificate's SHA-256, once seen */
} ConnectOp;

static void start_call(PatenConnection *self, GTask *task, uint16_t type,
                       const ProtobufCMessage *request, gboolean internal);
static void arm_keepalive(PatenConnection *self, guint delay_ms);
static guint keepalive_interval(PatenConnection *self);
static void start_connecting(PatenConnection *self, GTask *task, GCancellable *cancellable,
                             PatenConnectionState state);

/* ---- enum type ---------------------------------------------------------------------------- */

GType paten_connection_state_get_type(void)
{
    static gsize type_id = 0;

    if (g_once_init_enter(&type_id)) {
        static const GEnumValue values[] = {
            { PATEN_CONNECTION_STATE_DISCONNECTED, "PATEN_CONNECTION_STATE_DISCONNECTED",
              "disconnected" },
            { PATEN_CONNECTION_STATE_CONNECTING, "PATEN_CONNECTION_STATE_CONNECTING",
              "connecting" },
            { PATEN_CONNECTION_STATE_CONNECTED, "PATEN_CONNECTION_STATE_CONNECTED", "connected" },
            { PATEN_CONNECTION_STATE_RECONNECTING, "PATEN_CONNECTION_STATE_RECONNECTING",
              "reconnecting" },
            { PATEN_CONNECTION_STATE_CLOSED, "PATEN_CONNECTION_STATE_CLOSED", "closed" },
            { 0, NULL, NULL },
        };
        GType t = g_enum_register_static(g_intern_static_string("PatenConnectionState"), values);
        g_once_init_leave(&type_id, t);
    }
    return type_id;
}

/* ---- decoding ----------------------------------------------------------------------------- */

/* A protobuf-c allocator that hands out plain malloc() blocks, so that the caller can free the
 * message with protobuf_c_message_free_unpacked(msg, NULL), but refuses to go past a budget, so
 * that a small payload cannot expand into a huge structure (the same bound paten_msg_unpack
 * applies on the server). Frees are not credited back: unpacking only frees on failure. */
typedef struct {
    ProtobufCAllocator base;
    size_t used;
    size_t limit;
} CountingAlloc;

static void *counting_alloc(void *data, size_t size)
{
    CountingAlloc *a = data;

    if (size > a->limit - a->used)
        return NULL;
    a->used += size;
    return malloc(size);
}

static void counting_free(void *data, void *ptr)
{
    (void)data;
    free(ptr);
}

/* The frame's payload as a message of type desc, or NULL when it is not one (or too costly). */
static ProtobufCMessage *unpack_payload(const ProtobufCMessageDescriptor *desc,
                                        const struct paten_frame *f)
{
    static const uint8_t empty[1];
    CountingAlloc a = {
        .base = { counting_alloc, counting_free, NULL },
        .limit = paten_msg_unpack_limit(f->hdr.length),
    };

    a.base.allocator_data = &a;
    return protobuf_c_message_unpack(desc, &a.base, f->hdr.length, f->payload ? f->payload : empty);
}

static void free_message(gpointer msg)
{
    protobuf_c_message_free_unpacked(msg, NULL);
}

/* ---- small helpers ------------------------------------------------------------------------ */

static void set_state(PatenConnection *self, PatenConnectionState state)
{
    if (self->state == state)
        return;
    self->state = state;
    g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
}

static void destroy_source(GSource **src)
{
    if (*src != NULL) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}

/* A timeout source calling func(data) after ms, attached to ctx. The caller owns the result. */
static GSource *timeout_source(guint ms, GSourceFunc func, gpointer data, GMainContext *ctx)
{
    GSource *src = g_timeout_source_new(ms);

    g_source_set_callback(src, func, data, NULL);
    g_source_attach(src, ctx);
    return src;
}

/* A source calling func(cancellable, data) once cancellable is cancelled, attached to ctx: the
 * cancellation is handled on our main context whatever thread cancels. */
static GSource *cancel_source(GCancellable *cancellable, GCancellableSourceFunc func, gpointer data,
                              GMainContext *ctx)
{
    GSource *src = g_cancellable_source_new(cancellable);

    g_source_set_callback(src, G_SOURCE_FUNC(func), data, NULL);
    g_source_attach(src, ctx);
    return src;
}

/* "1.5 s": timeouts in messages for people. */
static char *format_ms(guint ms)
{
    return g_strdup_printf("%g s", ms / 1000.0);
}

/* ---- the request side --------------------------------------------------------------------- */

static void call_stop(PatenCall *call)
{
    destroy_source(&call->timeout);
    destroy_source(&call->cancel);
}

static void call_free(PatenCall *call)
{
    call_stop(call);
    g_clear_pointer(&call->frame, g_bytes_unref);
    if (call->error_reply != NULL)
        protobuf_c_message_free_unpacked(&call->error_reply->base, NULL);
    g_free(call);
}

/* Removes the call with this id from the table. Returns its task (the table's reference, now the
 * caller's) with its timers stopped, or NULL when no such call is pending. */
static GTask *take_call(PatenConnection *self, guint32 id)
{
    gpointer task;

    if (!g_hash_table_steal_extended(self->pending, GUINT_TO_POINTER(id), NULL, &task))
        return NULL;
    call_stop(g_task_get_task_data(task));
    return task;
}

/* Every pending task (references now owned by the array), leaving the table empty. */
static GPtrArray *take_all_calls(PatenConnection *self)
{
    GPtrArray *tasks = g_ptr_array_new_with_free_func(g_object_unref);
    GHashTableIter it;
    gpointer task;

    g_hash_table_iter_init(&it, self->pending);
    while (g_hash_table_iter_next(&it, NULL, &task)) {
        call_stop(g_task_get_task_data(task));
        g_ptr_array_add(tasks, task);
        g_hash_table_iter_steal(&it);
    }
    return tasks;
}

/* The internal calls only (see the top of this file), taken out of the table like
 * take_all_calls does; the others stay. */
static GPtrArray *take_internal_calls(PatenConnection *self)
{
    GPtrArray *tasks = g_ptr_array_new_with_free_func(g_object_unref);
    GHashTableIter it;
    gpointer task;

    g_hash_table_iter_init(&it, self->pending);
    while (g_hash_table_iter_next(&it, NULL, &task)) {
        PatenCall *call = g_task_get_task_data(task);

        if (!call->internal)
            continue;
        call_stop(call);
        g_ptr_array_add(tasks, task);
        g_hash_table_iter_steal(&it);
    }
    return tasks;
}

/* Reconnecting: every call still in the table waits, unsent, for the next socket. Its timeout
 * stops (it restarts at the re-send); its cancellable still works. */
static void park_calls(PatenConnection *self)
{
    GHashTableIter it;
    gpointer task;

    g_hash_table_iter_init(&it, self->pending);
    while (g_hash_table_iter_next(&it, NULL, &task)) {
        PatenCall *call = g_task_get_task_data(task);

        destroy_source(&call->timeout);
        call->sent = FALSE;
    }
}

static gboolean on_call_timeout(gpointer data)
{
    PatenCall *call = data;
    PatenConnection *self = call->conn;
    g_autoptr(GTask) task = take_call(self, call->id);
    g_autofree char *limit = format_ms(self->call_timeout_ms);

    /* A late reply finds no pending call and is dropped. */
    if (task != NULL)
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                "no reply to %s from %s within %s", call->info->name, self->server,
                                limit);
    return G_SOURCE_REMOVE;
}

static gboolean on_call_cancelled(GCancellable *cancellable, gpointer data)
{
    PatenCall *call = data;
    g_autoptr(GTask) task = take_call(call->conn, call->id);

    (void)cancellable;
    /* The request may already have been sent and may still take effect; only the wait ends. */
    if (task != NULL)
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                "the call to %s was cancelled", call->info->name);
    return G_SOURCE_REMOVE;
}

/* Request ids are increasing, never 0 (the id of events), never one still pending. */
static guint32 next_request_id(PatenConnection *self)
{
    guint32 id;

    do {
        id = self->next_id++;
        if (self->next_id == 0)
            self->next_id = 1;
    } while (id == 0 || g_hash_table_contains(self->pending, GUINT_TO_POINTER(id)));
    return id;
}

/* Puts call's frame on the current socket and starts its call-timeout. */
static void send_call(PatenConnection *self, PatenCall *call)
{
    destroy_source(&call->timeout);
    if (self->call_timeout_ms > 0)
        call->timeout = timeout_source(self->call_timeout_ms, on_call_timeout, call,
                                       g_task_get_context(call->task));
    call->sent = TRUE;
    self->last_send_us = g_get_monotonic_time();
    paten_transport_send(self->transport, call->frame);
}

/* Auto-reconnect: calls made now wait for the connection instead of failing. */
static gboolean can_queue(PatenConnection *self)
{
    return self->auto_reconnect && (self->state == PATEN_CONNECTION_STATE_CONNECTING ||
                                    self->state == PATEN_CONNECTION_STATE_RECONNECTING);
}

/*
 * Packs request as a frame of type info->type with request id `id`. When the request message
 * has an idempotency_key field left empty, the frame carries a new UUID there instead (the
 * caller's message is not touched: a shallow copy with the key swapped in is packed). Returns
 * what paten_msg_pack_frame returns.
 */
static int pack_request(const struct paten_msg_info *info, guint32 id,
                        const ProtobufCMessage *request, uint8_t **buf, size_t *len)
{
    const ProtobufCFieldDescriptor *key_field =
        protobuf_c_message_descriptor_get_field_by_name(info->request, "idempotency_key");
    const ProtobufCMessage *msg = request;
    g_autofree ProtobufCMessage *copy = NULL;
    g_autofree char *key = NULL;

    if (key_field != NULL && key_field->type == PROTOBUF_C_TYPE_STRING &&
        key_field->label != PROTOBUF_C_LABEL_REPEATED) {
        const char *const *slot =
            request ? (const char *const *)((const char *)request + key_field->offset) : NULL;

        if (slot == NULL || *slot == NULL || **slot == '\0') {
            copy = g_malloc0(info->request->sizeof_message);
            if (request != NULL)
                memcpy(copy, request, info->request->sizeof_message);
            else
                protobuf_c_message_init(info->request, copy);
            key = g_uuid_string_random();
            *(char **)((char *)copy + key_field->offset) = key;
            msg = copy;
        }
    }
    return paten_msg_pack_frame(info->type, 0, id, msg, buf, len);
}

/*
 * Encodes request as a frame of `type`, registers task (consuming the caller's reference) as a
 * pending call and, when the connection can take it now, sends it; otherwise (auto-reconnect,
 * not connected yet) it waits for flush_pending. Any failure is returned on task. Internal calls
 * go out at once on the socket being set up (state CONNECTING or RECONNECTING); the others need
 * state CONNECTED or can_queue(); the callers check the state.
 */
static void start_call(PatenConnection *self, GTask *task, uint16_t type,
                       const ProtobufCMessage *request, gboolean internal)
{
    const struct paten_msg_info *info = paten_msg_by_type(type);
    gboolean send_now = internal || self->state == PATEN_CONNECTION_STATE_CONNECTED;
    PatenCall *call;
    uint8_t *buf;
    size_t len;
    int rc;

    if (info == NULL || (request != NULL && request->descriptor != info->request)) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                "message type %u does not take a %s", type,
                                request ? request->descriptor->name : "request");
        g_object_unref(task);
        return;
    }
    if (send_now && self->transport == NULL) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "not connected to %s",
                                self->server);
        g_object_unref(task);
        return;
    }

    call = g_new0(PatenCall, 1);
    call->conn = self;
    call->task = task;
    call->info = info;
    call->internal = internal;
    call->id = next_request_id(self);
    g_task_set_task_data(task, call, (GDestroyNotify)call_free);

    rc = pack_request(info, call->id, request, &buf, &len);
    if (rc < 0) {
        g_task_return_new_error(
            task, G_IO_ERROR,
            rc == -PATEN_ERR_FRAME_TOO_LARGE ? G_IO_ERROR_MESSAGE_TOO_LARGE : G_IO_ERROR_FAILED,
            "cannot encode the %s request: %s", info->name, paten_err_name(-rc));
        g_object_unref(task);
        return;
    }
    call->frame = g_bytes_new_with_free_func(buf, len, free, buf);
    /* The server cuts the whole connection over a frame above its limit, failing every other
     * call with it; refusing here fails only this one. */
    if (self->hello != NULL && self->hello->max_payload > 0 &&
        len - PATEN_FRAME_HEADER_SIZE > self->hello->max_payload) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                "the %s request is %zu bytes, over the server's limit of %u",
                                info->name, len - PATEN_FRAME_HEADER_SIZE,
                                self->hello->max_payload);
        g_object_unref(task);
        return;
    }

    g_hash_table_insert(self->pending, GUINT_TO_POINTER(call->id), task);
    if (g_task_get_cancellable(task) != NULL)
        call->cancel = cancel_source(g_task_get_cancellable(task), on_call_cancelled, call,
                                     g_task_get_context(task));
    if (send_now)
        send_call(self, call);
}

static gint compare_ids(gconstpointer a, gconstpointer b)
{
    guint32 x = GPOINTER_TO_UINT(*(gconstpointer *)a), y = GPOINTER_TO_UINT(*(gconstpointer *)b);

    return x < y ? -1 : x > y;
}

/* Sends every waiting call, oldest first (ids increase with each call made), so that the server
 * sees the caller's requests in the order they were made. */
static void flush_pending(PatenConnection *self)
{
    g_autoptr(GPtrArray) ids = g_ptr_array_new();
    GHashTableIter it;
    gpointer id, task;

    g_hash_table_iter_init(&it, self->pending);
    while (g_hash_table_iter_next(&it, &id, &task))
        if (!((PatenCall *)g_task_get_task_data(task))->sent)
            g_ptr_array_add(ids, id);
    g_ptr_array_sort(ids, compare_ids);
    for (guint i = 0; i < ids->len && self->transport != NULL; i++) {
        task = g_hash_table_lookup(self->pending, ids->pdata[i]);
        if (task != NULL)
            send_call(self, g_task_get_task_data(task));
    }
}

/* ---- going down --------------------------------------------------------------------------- */

static void connect_op_free(ConnectOp *op)
{
    destroy_source(&op->timer);
    destroy_source(&op->user_cancel);
    if (op->tls != NULL && op->accept_handler != 0)
        g_signal_handler_disconnect(op->tls, op->accept_handler);
    g_clear_object(&op->tls);
    g_clear_object(&op->cancel);
    g_clear_object(&op->client);
    g_free(op->pin);
    g_free(op->peer_pin);
    g_free(op);
}

/* Ends the connect's side work: timers, and the TCP connect if it is still running. */
static void connect_op_stop(ConnectOp *op)
{
    destroy_source(&op->timer);
    destroy_source(&op->user_cancel);
    g_cancellable_cancel(op->cancel);
}

static void stop_keepalive(PatenConnection *self)
{
    destroy_source(&self->keepalive);
}

static void stop_reconnect(PatenConnection *self)
{
    destroy_source(&self->reconnect_timer);
}

static void schedule_reconnect(PatenConnection *self);

/*
 * Takes the connection down to new_state (DISCONNECTED or CLOSED) because of why (consumed; it
 * becomes the close error). A connect in progress fails with connect_error (consumed) or, when
 * that is NULL, with why prefixed by the address. Every pending call fails with
 * G_IO_ERROR_CONNECTION_CLOSED, except that with auto-reconnect DISCONNECTED becomes
 * RECONNECTING instead: the next attempt is scheduled, the internal calls fail and the others
 * are parked for it, and "attempt-failed" tells of a failed connect.
 */
static void go_down(PatenConnection *self, PatenConnectionState new_state, GError *why,
                    GError *connect_error)
{
    gboolean retry = new_state == PATEN_CONNECTION_STATE_DISCONNECTED && self->auto_reconnect;
    /* Released last of all, after the autoptrs below: callbacks may drop every other ref. */
    g_autoptr(PatenConnection) G_GNUC_UNUSED hold = g_object_ref(self);
    g_autoptr(PatenTransport) transport = g_steal_pointer(&self->transport);
    g_autoptr(GTask) connect_task = g_steal_pointer(&self->connect_task);
    g_autoptr(GPtrArray) calls = retry ? take_internal_calls(self) : take_all_calls(self);
    g_autofree char *call_msg = g_strdup_printf("no reply from %s: %s", self->server, why->message);
    g_autoptr(GError) attempt_error = NULL;

    if (transport != NULL)
        paten_transport_close(transport);
    stop_keepalive(self);
    stop_reconnect(self);
    g_clear_pointer(&self->server_notice, g_error_free);
    g_clear_error(&self->close_error);
    self->close_error = why;

    if (connect_task != NULL) {
        connect_op_stop(g_task_get_task_data(connect_task));
        if (connect_error == NULL)
            connect_error = g_error_new(why->domain, why->code, "cannot connect to %s: %s",
                                        self->server, why->message);
        if (retry)
            attempt_error = g_error_copy(connect_error);
    }
    if (retry) {
        park_calls(self);
        schedule_reconnect(self);
        new_state = PATEN_CONNECTION_STATE_RECONNECTING;
    }
    /* Everything is out of self now: handlers of the notify below may even connect again. */
    set_state(self, new_state);
    if (connect_task != NULL)
        g_task_return_error(connect_task, g_steal_pointer(&connect_error));
    g_clear_error(&connect_error);
    for (guint i = 0; i < calls->len; i++)
        g_task_return_new_error(calls->pdata[i], G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "%s",
                                call_msg);
    if (attempt_error != NULL)
        g_signal_emit(self, signals[SIGNAL_ATTEMPT_FAILED], 0, attempt_error);
}

/* ---- reconnecting ------------------------------------------------------------------------- */

static void on_attempt_done(GObject *src, GAsyncResult *res, gpointer data)
{
    (void)data;
    /* A failure was handled by go_down (next attempt scheduled, "attempt-failed" emitted). */
    paten_connection_connect_finish(PATEN_CONNECTION(src), res, NULL);
}

static gboolean on_reconnect_timer(gpointer data)
{
    PatenConnection *self = data;
    GTask *task;

    stop_reconnect(self);
    if (self->state != PATEN_CONNECTION_STATE_RECONNECTING || self->connect_task != NULL)
        return G_SOURCE_REMOVE;
    task = g_task_new(self, NULL, on_attempt_done, NULL);
    g_task_set_source_tag(task, paten_connection_connect_async);
    start_connecting(self, task, NULL, PATEN_CONNECTION_STATE_RECONNECTING);
    g_object_unref(task);
    return G_SOURCE_REMOVE;
}

/* Arms the next attempt: min delay doubled per failed attempt, capped at max, times a random
 * factor in [0.8, 1.2]. The timer points at self without a reference; dispose and go_down stop
 * it. */
static void schedule_reconnect(PatenConnection *self)
{
    guint64 delay = self->reconnect_min_ms;

    for (guint i = 0; i < self->attempts && delay < self->reconnect_max_ms; i++)
        delay *= 2;
    delay = MIN(delay, (guint64)self->reconnect_max_ms);
    delay = (guint64)((double)delay * g_random_double_range(0.8, 1.2));
    if (self->attempts < G_MAXUINT)
        self->attempts++;
    stop_reconnect(self);
    self->reconnect_timer =
        timeout_source((guint)MIN(delay, (guint64)G_MAXUINT), on_reconnect_timer, self,
                       g_main_context_get_thread_default());
}

/* The socket is ready (Hello done and, reconnecting, the session resumed): CONNECTED, then the
 * calls that waited go out and the connect task succeeds. */
static void become_connected(PatenConnection *self, GTask *task)
{
    g_autoptr(PatenConnection) G_GNUC_UNUSED hold = g_object_ref(self);
    gboolean missed = self->missed_events;

    g_clear_object(&self->connect_task);
    connect_op_stop(g_task_get_task_data(task));
    self->attempts = 0;
    self->missed_events = FALSE;
    set_state(self, PATEN_CONNECTION_STATE_CONNECTED);
    arm_keepalive(self, keepalive_interval(self));
    if (self->state == PATEN_CONNECTION_STATE_CONNECTED)
        flush_pending(self);
    g_task_return_boolean(task, TRUE);
    if (missed && self->state == PATEN_CONNECTION_STATE_CONNECTED)
        g_signal_emit(self, signals[SIGNAL_EVENTS_MISSED], 0);
}

static void forget_session(PatenConnection *self)
{
    if (self->session_token != NULL) {
        gsize len;
        gpointer p = (gpointer)g_bytes_get_data(self->session_token, &len);

        /* The token is the session: do not leave it in freed memory. The only reference is
         * ours (never handed out), so wiping it in place is safe. */
        if (p != NULL)
            memset(p, 0, len);
        g_clear_pointer(&self->session_token, g_bytes_unref);
    }
    self->subscribed = FALSE;
}

static void resubscribe(PatenConnection *self, GTask *task, gboolean from_now);

static void on_resubscribe_reply(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenConnection *self = PATEN_CONNECTION(src);
    g_autoptr(GTask) task = data; /* the connect task */
    g_autoptr(GError) err = NULL;
    ProtobufCMessage *reply = paten_connection_call_finish(self, res, NULL, &err);

    if (reply != NULL)
        protobuf_c_message_free_unpacked(reply, NULL);
    if (self->connect_task != task)
        return; /* this attempt failed meanwhile, and go_down handled it */
    if (reply != NULL) {
        become_connected(self, task);
    } else if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_FAILED_PRECONDITION) &&
               !self->missed_events) {
        /* Too far behind to replay: take only new events, and tell the caller to reload. */
        self->missed_events = TRUE;
        resubscribe(self, task, TRUE);
    } else {
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new(err->domain, err->code, "subscribing again failed: %s", err->message),
                NULL);
    }
}

static void resubscribe(PatenConnection *self, GTask *task, gboolean from_now)
{
    Paten__SubscribeRequest req = PATEN__SUBSCRIBE_REQUEST__INIT;
    GTask *t = g_task_new(self, NULL, on_resubscribe_reply, g_object_ref(task));

    req.after_sequence = self->last_event_seq;
    req.from_now = from_now;
    g_task_set_source_tag(t, paten_connection_call_async);
    start_call(self, t, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, &req.base, TRUE);
}

static void on_resume_reply(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenConnection *self = PATEN_CONNECTION(src);
    g_autoptr(GTask) task = data; /* the connect task */
    g_autoptr(GError) err = NULL;
    Paten__SessionReply *reply =
        (Paten__SessionReply *)paten_connection_call_finish(self, res, NULL, &err);

    if (self->connect_task != task) {
        if (reply != NULL)
            free_message(reply);
        return;
    }
    if (reply == NULL) {
        if (g_error_matches(err, PATEN_ERROR, PATEN_ERR_UNAUTHENTICATED)) {
            /* The session is gone for good: no retry can bring it back. Connected without it;
             * the owner logs in again. */
            forget_session(self);
            become_connected(self, task);
            g_signal_emit(self, signals[SIGNAL_SESSION_LOST], 0, err);
        } else {
            go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                    g_error_new(err->domain, err->code, "resuming the session failed: %s",
                                err->message),
                    NULL);
        }
        return;
    }
    if (reply->session != NULL)
        g_signal_emit(self, signals[SIGNAL_SESSION_RESUMED], 0, reply->session);
    free_message(reply);
    if (self->connect_task != task)
        return; /* a handler closed the connection */
    /* An earlier attempt found the gap too wide already: no use asking for it again. */
    if (self->subscribed)
        resubscribe(self, task, self->missed_events);
    else
        become_connected(self, task);
}

/* Hello is done on a reconnect of a connection that holds a session: Resume it first. */
static void resume_session(PatenConnection *self, GTask *task)
{
    Paten__ResumeRequest req = PATEN__RESUME_REQUEST__INIT;
    GTask *t = g_task_new(self, NULL, on_resume_reply, g_object_ref(task));
    gsize len;

    req.session_token.data = (uint8_t *)g_bytes_get_data(self->session_token, &len);
    req.session_token.len = len;
    g_task_set_source_tag(t, paten_connection_call_async);
    start_call(self, t, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME, &req.base, TRUE);
}

/* What the connection learns from its callers' successful replies (auto-reconnect): the
 * session token of a Login, the end of it at Logout, the subscription and its sequence. */
static void observe_reply(PatenConnection *self, const PatenCall *call, ProtobufCMessage *reply)
{
    switch (call->info->type) {
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN: {
        const Paten__SessionReply *r = (const Paten__SessionReply *)reply;

        if (!self->auto_reconnect || r->session_token.len == 0)
            break;
        forget_session(self);
        self->session_token = g_bytes_new_take(
            g_memdup2(r->session_token.data, r->session_token.len), r->session_token.len);
        self->last_event_seq = r->session ? r->session->last_event_sequence : 0;
        break;
    }
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGOUT:
        forget_session(self);
        break;
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE: {
        const Paten__SubscribeReply *r = (const Paten__SubscribeReply *)reply;

        self->subscribed = TRUE;
        self->last_event_seq = MAX(self->last_event_seq, r->last_sequence);
        break;
    }
    default:
        break;
    }
}

/* ---- frames from the server --------------------------------------------------------------- */

/* An Error the server sent for no pending call (request id 0, or a call that timed out): the
 * server's word on a connection-level problem, after which it usually closes. Kept to explain
 * the close. */
static void remember_notice(PatenConnection *self, const struct paten_frame *f)
{
    Paten__Error *e = (Paten__Error *)unpack_payload(&paten__error__descriptor, f);

    if (e == NULL)
        return;
    g_clear_pointer(&self->server_notice, g_error_free);
    self->server_notice = g_error_new(PATEN_ERROR, e->code, "%s (%s%s%s)",
                                      e->message[0] ? e->message : paten_err_message(e->code),
                                      paten_err_name(e->code) ? paten_err_name(e->code) : "?",
                                      e->detail[0] ? ": " : "", e->detail);
    protobuf_c_message_free_unpacked(&e->base, NULL);
}

static void handle_reply(PatenConnection *self, const struct paten_frame *f)
{
    gboolean is_error = (f->hdr.flags & PATEN_FLAG_ERROR) != 0;
    g_autoptr(GTask) task = take_call(self, f->hdr.request_id);
    PatenCall *call;

    if (task == NULL) {
        if (is_error)
            remember_notice(self, f);
        else
            g_debug("paten-connection: reply to request %u, which is no longer pending, dropped",
                    f->hdr.request_id);
        return;
    }
    call = g_task_get_task_data(task);

    if (is_error) {
        Paten__Error *e = (Paten__Error *)unpack_payload(&paten__error__descriptor, f);

        if (e == NULL) {
            g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                    "the server's error reply to %s could not be decoded",
                                    call->info->name);
            return;
        }
        int code = (int)e->code;

        /* After a framing error the server closes; the notice then explains the close. */
        if (paten_err_is_framing(code) || code == PATEN_ERR_HELLO_REQUIRED)
            remember_notice(self, f);
        call->error_reply = e;
        g_task_return_new_error(task, PATEN_ERROR, code, "%s",
                                e->message[0] ? e->message : paten_err_message(code));
    } else if (f->hdr.type != call->info->type) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                "the server answered a %s request with a reply of type %u",
                                call->info->name, f->hdr.type);
    } else {
        ProtobufCMessage *reply = unpack_payload(call->info->reply, f);

        if (reply == NULL) {
            g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                    "the server's %s could not be decoded",
                                    call->info->reply->short_name);
        } else {
            observe_reply(self, call, reply);
            g_task_return_pointer(task, reply, free_message);
        }
    }
}

static void handle_event(PatenConnection *self, const struct paten_frame *f)
{
    Paten__Event *ev = (Paten__Event *)unpack_payload(&paten__event__descriptor, f);

    if (ev == NULL) {
        /* One unreadable event does not make the others unreadable: keep the connection. */
        g_warning("paten-connection: an event from %s could not be decoded; ignored", self->server);
        return;
    }
    if (ev->sequence > self->last_event_seq)
        self->last_event_seq = ev->sequence;
    g_signal_emit(self, signals[SIGNAL_EVENT], 0, ev);
    protobuf_c_message_free_unpacked(&ev->base, NULL);
}

static void on_transport_frame(gpointer user_data, struct paten_frame *f)
{
    g_autoptr(PatenConnection) self = g_object_ref(user_data);

    if (f->hdr.flags & PATEN_FLAG_EVENT)
        handle_event(self, f);
    else if (f->hdr.flags & PATEN_FLAG_REPLY)
        handle_reply(self, f);
    else
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new(G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            "the server sent a request frame (type %u), which clients never take",
                            f->hdr.type),
                NULL);
    free(f->payload);
}

static void on_transport_closed(gpointer user_data, const GError *why)
{
    PatenConnection *self = user_data;
    GError *e;

    if (self->server_notice != NULL &&
        g_error_matches(why, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        e = g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "%s: %s", why->message,
                        self->server_notice->message);
    else
        e = g_error_copy(why);
    go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, e, NULL);
}

static const PatenTransportCallbacks transport_callbacks = {
    .frame = on_transport_frame,
    .closed = on_transport_closed,
};

/* ---- keepalive ---------------------------------------------------------------------------- */

static void on_keepalive_reply(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenConnection *self = PATEN_CONNECTION(src);
    g_autoptr(GError) err = NULL;
    ProtobufCMessage *reply = paten_connection_call_finish(self, res, NULL, &err);

    (void)data;
    if (reply != NULL) {
        protobuf_c_message_free_unpacked(reply, NULL);
    } else if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) &&
               self->state == PATEN_CONNECTION_STATE_CONNECTED) {
        /* A server that does not answer a Ping is gone (or hopelessly stuck): say so now rather
         * than let every later call wait for its own timeout. */
        g_autofree char *limit = format_ms(self->call_timeout_ms);
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                            "the server did not answer a keepalive ping within %s", limit),
                NULL);
    }
    /* Other failures (an error reply while the server shuts down, a dropped connection) are
     * reported through the state already or do not matter for liveness. */
}

/* The keepalive interval in force: the explicit property, else a third of the server's idle
 * timeout when keepalive-from-server is on (a third leaves room for a lost ping), else 0. */
static guint keepalive_interval(PatenConnection *self)
{
    if (self->keepalive_ms > 0)
        return self->keepalive_ms;
    if (self->keepalive_auto && self->hello != NULL && self->hello->idle_timeout_ms >= 3)
        return self->hello->idle_timeout_ms / 3;
    return 0;
}

static gboolean on_keepalive(gpointer data)
{
    PatenConnection *self = data;
    gint64 idle_ms = (g_get_monotonic_time() - self->last_send_us) / 1000;
    guint interval = keepalive_interval(self);

    if (self->state != PATEN_CONNECTION_STATE_CONNECTED || interval == 0) {
        stop_keepalive(self);
    } else if (idle_ms >= interval) {
        GTask *task = g_task_new(self, NULL, on_keepalive_reply, NULL);
        g_task_set_source_tag(task, paten_connection_call_async);
        start_call(self, task, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL, TRUE);
        arm_keepalive(self, interval);
    } else {
        /* Something else was sent meanwhile: wait until the line has been quiet long enough. */
        arm_keepalive(self, interval - (guint)idle_ms);
    }
    return G_SOURCE_REMOVE;
}

/* (Re)starts the keepalive timer to fire after delay_ms, when keepalive is on and connected.
 * The timer points at self without a reference; dispose and go_down stop it. */
static void arm_keepalive(PatenConnection *self, guint delay_ms)
{
    stop_keepalive(self);
    if (keepalive_interval(self) > 0 && self->state == PATEN_CONNECTION_STATE_CONNECTED)
        self->keepalive =
            timeout_source(delay_ms, on_keepalive, self, g_main_context_get_thread_default());
}

/* ---- connecting --------------------------------------------------------------------------- */

static void on_hello_reply(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenConnection *self = PATEN_CONNECTION(src);
    g_autoptr(GTask) task = data; /* the connect task */
    g_autoptr(GError) err = NULL;
    ProtobufCMessage *reply = paten_connection_call_finish(self, res, NULL, &err);
    Paten__HelloReply *hello = (Paten__HelloReply *)reply;

    if (self->connect_task != task) {
        /* The connect already failed (timeout, cancel, close, lost connection). */
        if (reply != NULL)
            free_message(reply);
        return;
    }
    if (reply == NULL) {
        if (err->domain == PATEN_ERROR) {
            /* Refused (an incompatible protocol version, say): the caller gets the server's
             * own words and code. */
            GError *why = g_error_new(PATEN_ERROR, err->code, "the server refused the Hello: %s",
                                      err->message);
            go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, why, g_error_copy(err));
        } else {
            go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, g_error_copy(err), NULL);
        }
        return;
    }
    if (hello->protocol_major != PATEN_PROTOCOL_MAJOR) {
        GError *why = g_error_new(G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                  "the server speaks protocol %u.%u, this client %u.%u",
                                  hello->protocol_major, hello->protocol_minor,
                                  PATEN_PROTOCOL_MAJOR, PATEN_PROTOCOL_MINOR);
        free_message(reply);
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, why, NULL);
        return;
    }

    if (self->hello != NULL)
        free_message(self->hello);
    self->hello = hello;
    if (self->auto_reconnect && self->session_token != NULL)
        resume_session(self, task);
    else
        become_connected(self, task);
}

/* The stream (TCP, or TLS over it) is ready: the transport goes on it and Hello goes out. */
static void start_hello(PatenConnection *self, GTask *task, GIOStream *stream)
{
    Paten__HelloRequest hello = PATEN__HELLO_REQUEST__INIT;
    GTask *hello_task;

    self->transport =
        paten_transport_new(stream, PATEN_PAYLOAD_HARD_MAX, &transport_callbacks, self);
    hello.protocol_major = PATEN_PROTOCOL_MAJOR;
    hello.protocol_minor = PATEN_PROTOCOL_MINOR;
    hello.client_name = self->client_name;
    hello.client_version = self->client_version;
    hello_task = g_task_new(self, NULL, on_hello_reply, g_object_ref(task));
    g_task_set_source_tag(hello_task, paten_connection_call_async);
    start_call(self, hello_task, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, &hello.base, TRUE);
}

/* ---- TLS ---------------------------------------------------------------------------------- */

static gboolean tls_wanted(PatenConnection *self)
{
    return self->tls || self->tls_ca_file != NULL || self->tls_pin != NULL ||
           self->tls_cert_file != NULL;
}

/* pin without colons, in lowercase, or NULL when it is not 64 hex digits. g_free it. */
static char *normalise_pin(const char *pin)
{
    GString *s = g_string_new(NULL);

    for (const char *p = pin; p != NULL && *p; p++) {
        if (*p == ':')
            continue;
        if (!g_ascii_isxdigit(*p)) {
            g_string_free(s, TRUE);
            return NULL;
        }
        g_string_append_c(s, g_ascii_tolower(*p));
    }
    if (s->len != 64) {
        g_string_free(s, TRUE);
        return NULL;
    }
    return g_string_free(s, FALSE);
}

gboolean paten_connection_pin_is_valid(const char *pin)
{
    g_autofree char *n = normalise_pin(pin);
    return n != NULL;
}

/* The SHA-256 of cert's DER in lowercase hex. g_free it. */
static char *certificate_pin(GTlsCertificate *cert)
{
    g_autoptr(GByteArray) der = NULL;

    g_object_get(cert, "certificate", &der, NULL);
    if (der == NULL)
        return g_strdup("");
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, der->data, der->len);
}

/* The server's certificate did not pass the CA check (or there was no CA: pin only). The pin,
 * when there is one, decides; otherwise the certificate is refused and why is kept. */
static gboolean on_accept_certificate(GTlsConnection *conn, GTlsCertificate *peer,
                                      GTlsCertificateFlags errors, gpointer data)
{
    ConnectOp *op = data;

    (void)conn;
    op->cert_errors = errors;
    if (op->pin == NULL)
        return FALSE;
    g_free(op->peer_pin);
    op->peer_pin = certificate_pin(peer);
    op->pin_checked = TRUE;
    return g_strcmp0(op->peer_pin, op->pin) == 0;
}

/* Why the server's certificate was refused, as a PATEN_CONNECTION_ERROR. */
static GError *certificate_error(PatenConnection *self, ConnectOp *op)
{
    GTlsCertificateFlags f = op->cert_errors;
    g_autoptr(GString) why = g_string_new("TLS: the server's certificate ");
    int code;

    if (op->pin_checked) {
        g_string_append_printf(why, "does not match the pinned SHA-256 %s (it is %s)", op->pin,
                               op->peer_pin);
        return g_error_new_literal(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_PIN_MISMATCH,
                                   why->str);
    }
    if (f & G_TLS_CERTIFICATE_UNKNOWN_CA) {
        code = PATEN_CONNECTION_ERROR_TLS_UNKNOWN_CA;
        g_string_append_printf(why, "is not signed by a trusted CA (unknown CA; trusted: %s)",
                               self->tls_ca_file ? self->tls_ca_file : "the system's CAs");
    } else if (f & G_TLS_CERTIFICATE_BAD_IDENTITY) {
        code = PATEN_CONNECTION_ERROR_TLS_HOSTNAME_MISMATCH;
        g_string_append_printf(why, "is not valid for %s (hostname mismatch)", self->server);
    } else {
        code = PATEN_CONNECTION_ERROR_TLS_BAD_CERTIFICATE;
        g_string_append(why, "cannot be trusted");
    }
    if ((f & G_TLS_CERTIFICATE_BAD_IDENTITY) &&
        code != PATEN_CONNECTION_ERROR_TLS_HOSTNAME_MISMATCH)
        g_string_append_printf(why, "; it is also not valid for %s", self->server);
    if (f & G_TLS_CERTIFICATE_EXPIRED)
        g_string_append(why, "; it has expired");
    if (f & G_TLS_CERTIFICATE_NOT_ACTIVATED)
        g_string_append(why, "; it is not valid yet");
    if (f & G_TLS_CERTIFICATE_REVOKED)
        g_string_append(why, "; it has been revoked");
    if (f & G_TLS_CERTIFICATE_INSECURE)
        g_string_append(why, "; it uses an insecure algorithm");
    return g_error_new_literal(PATEN_CONNECTION_ERROR, code, why->str);
}

static void on_tls_handshake(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(GTask) task = data;
    PatenConnection *self = g_task_get_source_object(task);
    ConnectOp *op = g_task_get_task_data(task);
    g_autoptr(GError) err = NULL;
    gboolean ok = g_tls_connection_handshake_finish(G_TLS_CONNECTION(src), res, &err);

    if (self->connect_task != task)
        return; /* timed out, cancelled or closed meanwhile, and reported then */
    if (ok && op->pin != NULL && !op->pin_checked) {
        /* The CA accepted the certificate, so accept-certificate never ran: the pin still has
         * to match. */
        GTlsCertificate *peer = g_tls_connection_get_peer_certificate(G_TLS_CONNECTION(src));

        op->peer_pin = peer ? certificate_pin(peer) : g_strdup("(none)");
        op->pin_checked = TRUE;
        if (g_strcmp0(op->peer_pin, op->pin) != 0)
            ok = FALSE;
    }
    if (!ok) {
        GError *why;

        if (op->pin_checked && g_strcmp0(op->peer_pin, op->pin) != 0)
            why = certificate_error(self, op);
        else if (op->cert_errors != 0 && !op->pin_checked)
            why = certificate_error(self, op);
        else if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            why = g_error_copy(err);
        else
            why = g_error_new(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_HANDSHAKE,
                              "TLS handshake failed: %s", err ? err->message : "?");
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, why, NULL);
        return;
    }
    g_signal_handler_disconnect(op->tls, op->accept_handler);
    op->accept_handler = 0;
    start_hello(self, task, op->tls);
}

/* Wraps sc in TLS as configured and starts the handshake; Hello follows it. */
static void start_tls(PatenConnection *self, GTask *task, GSocketConnection *sc)
{
    ConnectOp *op = g_task_get_task_data(task);
    g_autoptr(GSocketConnectable) identity = NULL;
    g_autoptr(GError) err = NULL;
    GError *why = NULL;

    if (!g_tls_backend_supports_tls(g_tls_backend_get_default())) {
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new_literal(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_UNAVAILABLE,
                                    "TLS is not available: GIO has no TLS backend (install "
                                    "glib-networking)"),
                NULL);
        return;
    }
    if (self->tls_pin != NULL && (op->pin = normalise_pin(self->tls_pin)) == NULL) {
        why = g_error_new(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_CONFIG,
                          "TLS: the pin '%s' is not a SHA-256 (64 hex digits)", self->tls_pin);
        goto fail;
    }
    identity = g_network_address_parse(self->server, PATEN_CONNECTION_DEFAULT_PORT, &err);
    if (identity == NULL ||
        (op->tls = g_tls_client_connection_new(G_IO_STREAM(sc), identity, &err)) == NULL) {
        why = g_error_new(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_CONFIG,
                          "TLS: cannot set up a TLS connection to %s: %s", self->server,
                          err->message);
        goto fail;
    }
    if (self->tls_cert_file != NULL) {
        const char *key = self->tls_key_file ? self->tls_key_file : self->tls_cert_file;
        g_autoptr(GTlsCertificate) cert =
            g_tls_certificate_new_from_files(self->tls_cert_file, key, &err);

        if (cert == NULL) {
            why = g_error_new(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_CONFIG,
                              "TLS: cannot read the client certificate %s with key %s: %s",
                              self->tls_cert_file, key, err->message);
            goto fail;
        }
        g_tls_connection_set_certificate(G_TLS_CONNECTION(op->tls), cert);
    }
    if (self->tls_ca_file != NULL) {
        g_autoptr(GTlsDatabase) db = g_tls_file_database_new(self->tls_ca_file, &err);

        if (db == NULL) {
            why =
                g_error_new(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_TLS_CONFIG,
                            "TLS: cannot read the CA file %s: %s", self->tls_ca_file, err->message);
            goto fail;
        }
        g_tls_connection_set_database(G_TLS_CONNECTION(op->tls), db);
    } else if (op->pin != NULL) {
        /* No CA: every certificate goes to accept-certificate, where the pin decides. */
        g_tls_connection_set_database(G_TLS_CONNECTION(op->tls), NULL);
    }
    op->accept_handler =
        g_signal_connect(op->tls, "accept-certificate", G_CALLBACK(on_accept_certificate), op);
    g_tls_connection_handshake_async(G_TLS_CONNECTION(op->tls), G_PRIORITY_DEFAULT, op->cancel,
                                     on_tls_handshake, g_object_ref(task));
    return;
fail:
    go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, why, NULL);
}

static void on_socket_connected(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(GTask) task = data;
    PatenConnection *self = g_task_get_source_object(task);
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocketConnection) sc =
        g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(src), res, &err);

    if (self->connect_task != task)
        return; /* timed out, cancelled or closed meanwhile, and reported then */
    if (sc == NULL) {
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED, g_error_copy(err), NULL);
        return;
    }

    /* Frames are small and each is written whole: waiting to coalesce them only adds latency. */
    if (G_IS_TCP_CONNECTION(sc) && !g_socket_set_option(g_socket_connection_get_socket(sc),
                                                        IPPROTO_TCP, TCP_NODELAY, 1, &err)) {
        g_debug("paten-connection: TCP_NODELAY: %s", err->message);
        g_clear_error(&err);
    }
    if (tls_wanted(self))
        start_tls(self, task, sc);
    else
        start_hello(self, task, G_IO_STREAM(sc));
}

/* TRUE when server ("host:port") names this machine: localhost or a loopback address. */
static gboolean server_is_loopback(const char *server)
{
    g_autoptr(GSocketConnectable) addr =
        g_network_address_parse(server, PATEN_CONNECTION_DEFAULT_PORT, NULL);
    g_autoptr(GInetAddress) ia = NULL;
    const char *host;

    if (addr == NULL)
        return FALSE;
    host = g_network_address_get_hostname(G_NETWORK_ADDRESS(addr));
    if (g_ascii_strcasecmp(host, "localhost") == 0)
        return TRUE;
    ia = g_inet_address_new_from_string(host);
    return ia != NULL && g_inet_address_get_is_loopback(ia);
}

static gboolean on_connect_timeout(gpointer data)
{
    GTask *task = data;
    PatenConnection *self = g_task_get_source_object(task);
    g_autofree char *limit = format_ms(self->connect_timeout_ms);

    if (self->connect_task == task)
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new(G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no connection within %s", limit),
                NULL);
    return G_SOURCE_REMOVE;
}

static gboolean on_connect_cancelled(GCancellable *cancellable, gpointer data)
{
    GTask *task = data;
    PatenConnection *self = g_task_get_source_object(task);

    (void)cancellable;
    if (self->connect_task == task)
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED, "connecting was cancelled"), NULL);
    return G_SOURCE_REMOVE;
}

void paten_connection_connect_async(PatenConnection *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
    g_autoptr(GTask) task = NULL;

    g_return_if_fail(PATEN_IS_CONNECTION(self));
    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, paten_connection_connect_async);
    if (self->state == PATEN_CONNECTION_STATE_CLOSED) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                                "the connection to %s was closed", self->server);
        return;
    }
    if (self->state != PATEN_CONNECTION_STATE_DISCONNECTED) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_BUSY,
                                "already connecting or connected to %s", self->server);
        return;
    }
    start_connecting(self, task, cancellable, PATEN_CONNECTION_STATE_CONNECTING);
}

/* Starts the TCP connect, then Hello (and Resume, Subscribe), of task: connect_async's or a
 * reconnect attempt's. state is the state shown meanwhile. */
static void start_connecting(PatenConnection *self, GTask *task, GCancellable *cancellable,
                             PatenConnectionState state)
{
    ConnectOp *op;

    op = g_new0(ConnectOp, 1);
    g_task_set_task_data(task, op, (GDestroyNotify)connect_op_free);
    op->client = g_socket_client_new();
    /* patend speaks its own protocol, which the desktop's (HTTP) proxy settings are not meant
     * for; looking them up would also load GIO's proxy modules (libproxy, dconf) into every
     * client, patenctl included. */
    g_socket_client_set_enable_proxy(op->client, FALSE);
    op->cancel = g_cancellable_new();
    /* The sources point at the task without a reference: connect_op_stop removes them before
     * the task can go. */
    if (self->connect_timeout_ms > 0)
        op->timer = timeout_source(self->connect_timeout_ms, on_connect_timeout, task,
                                   g_task_get_context(task));
    if (cancellable != NULL)
        op->user_cancel =
            cancel_source(cancellable, on_connect_cancelled, task, g_task_get_context(task));
    self->connect_task = g_object_ref(task);
    g_clear_pointer(&self->server_notice, g_error_free);
    set_state(self, state);
    if (self->connect_task != task)
        return; /* a notify handler closed the connection already */
    if (!tls_wanted(self) && !self->allow_plaintext && !server_is_loopback(self->server)) {
        go_down(self, PATEN_CONNECTION_STATE_DISCONNECTED,
                g_error_new(PATEN_CONNECTION_ERROR, PATEN_CONNECTION_ERROR_PLAINTEXT_REFUSED,
                            "plain TCP to %s, which is not on this machine, is refused: configure "
                            "TLS (a CA file or a pinned certificate) or allow plaintext explicitly",
                            self->server),
                NULL);
        return;
    }
    g_socket_client_connect_to_host_async(op->client, self->server, PATEN_CONNECTION_DEFAULT_PORT,
                                          op->cancel, on_socket_connected, g_object_ref(task));
}

gboolean paten_connection_connect_finish(PatenConnection *self, GAsyncResult *result,
                                         GError **error)
{
    g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
    g_return_val_if_fail(g_async_result_is_tagged(result, paten_connection_connect_async), FALSE);
    return g_task_propagate_boolean(G_TASK(result), error);
}

/* ---- calls -------------------------------------------------------------------------------- */

void paten_connection_call_async(PatenConnection *self, uint16_t type,
                                 const ProtobufCMessage *request, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task;

    g_return_if_fail(PATEN_IS_CONNECTION(self));
    task = g_task_new(self, cancellable, callback, user_data);
    g_task_set_source_tag(task, paten_connection_call_async);
    if (self->state != PATEN_CONNECTION_STATE_CONNECTED && !can_queue(self)) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "not connected to %s",
                                self->server);
        g_object_unref(task);
        return;
    }
    start_call(self, task, type, request, FALSE);
}

ProtobufCMessage *paten_connection_call_finish(PatenConnection *self, GAsyncResult *result,
                                               Paten__Error **error_reply, GError **error)
{
    PatenCall *call;
    ProtobufCMessage *reply;

    if (error_reply != NULL)
        *error_reply = NULL;
    g_return_val_if_fail(g_task_is_valid(result, self), NULL);
    g_return_val_if_fail(g_async_result_is_tagged(result, paten_connection_call_async), NULL);
    reply = g_task_propagate_pointer(G_TASK(result), error);
    call = g_task_get_task_data(G_TASK(result));
    if (reply == NULL && error_reply != NULL && call != NULL)
        *error_reply = g_steal_pointer(&call->error_reply);
    return reply;
}

/* ---- the rest of the public API ----------------------------------------------------------- */

PatenConnection *paten_connection_new(const char *server, const char *client_name,
                                      const char *client_version)
{
    g_return_val_if_fail(server != NULL && client_name != NULL, NULL);
    return g_object_new(PATEN_TYPE_CONNECTION, "server", server, "client-name", client_name,
                        "client-version", client_version ? client_version : "", NULL);
}

void paten_connection_close(PatenConnection *self)
{
    g_return_if_fail(PATEN_IS_CONNECTION(self));
    if (self->state == PATEN_CONNECTION_STATE_CLOSED)
        return;
    go_down(self, PATEN_CONNECTION_STATE_CLOSED,
            g_error_new(G_IO_ERROR, G_IO_ERROR_CLOSED, "the connection was closed by the client"),
            g_error_new(G_IO_ERROR, G_IO_ERROR_CANCELLED,
                        "connecting to %s was cancelled: the connection was closed", self->server));
}

PatenConnectionState paten_connection_get_state(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), PATEN_CONNECTION_STATE_DISCONNECTED);
    return self->state;
}

const char *paten_connection_get_server(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), NULL);
    return self->server;
}

const Paten__HelloReply *paten_connection_get_hello(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), NULL);
    return self->hello;
}

const GError *paten_connection_get_close_error(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), NULL);
    return self->close_error;
}

guint paten_connection_get_pending_calls(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), 0);
    return g_hash_table_size(self->pending);
}

void paten_connection_reconnect_now(PatenConnection *self)
{
    g_return_if_fail(PATEN_IS_CONNECTION(self));
    if (self->state == PATEN_CONNECTION_STATE_RECONNECTING && self->reconnect_timer != NULL)
        on_reconnect_timer(self);
}

gboolean paten_connection_has_session(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), FALSE);
    return self->session_token != NULL;
}

void paten_connection_forget_session(PatenConnection *self)
{
    g_return_if_fail(PATEN_IS_CONNECTION(self));
    forget_session(self);
}

guint64 paten_connection_get_last_event_sequence(PatenConnection *self)
{
    g_return_val_if_fail(PATEN_IS_CONNECTION(self), 0);
    return self->last_event_seq;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void paten_connection_get_property(GObject *obj, guint id, GValue *value, GParamSpec *pspec)
{
    PatenConnection *self = PATEN_CONNECTION(obj);

    switch (id) {
    case PROP_SERVER:
        g_value_set_string(value, self->server);
        break;
    case PROP_CLIENT_NAME:
        g_value_set_string(value, self->client_name);
        break;
    case PROP_CLIENT_VERSION:
        g_value_set_string(value, self->client_version);
        break;
    case PROP_STATE:
        g_value_set_enum(value, self->state);
        break;
    case PROP_CALL_TIMEOUT:
        g_value_set_uint(value, self->call_timeout_ms);
        break;
    case PROP_CONNECT_TIMEOUT:
        g_value_set_uint(value, self->connect_timeout_ms);
        break;
    case PROP_KEEPALIVE_INTERVAL:
        g_value_set_uint(value, self->keepalive_ms);
        break;
    case PROP_KEEPALIVE_FROM_SERVER:
        g_value_set_boolean(value, self->keepalive_auto);
        break;
    case PROP_AUTO_RECONNECT:
        g_value_set_boolean(value, self->auto_reconnect);
        break;
    case PROP_RECONNECT_MIN_DELAY:
        g_value_set_uint(value, self->reconnect_min_ms);
        break;
    case PROP_RECONNECT_MAX_DELAY:
        g_value_set_uint(value, self->reconnect_max_ms);
        break;
    case PROP_TLS:
        g_value_set_boolean(value, self->tls);
        break;
    case PROP_TLS_CA_FILE:
        g_value_set_string(value, self->tls_ca_file);
        break;
    case PROP_TLS_PIN:
        g_value_set_string(value, self->tls_pin);
        break;
    case PROP_TLS_CERT_FILE:
        g_value_set_string(value, self->tls_cert_file);
        break;
    case PROP_TLS_KEY_FILE:
        g_value_set_string(value, self->tls_key_file);
        break;
    case PROP_ALLOW_PLAINTEXT:
        g_value_set_boolean(value, self->allow_plaintext);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

/* A string property where "" means unset (NULL). */
static void set_file_property(char **field, const GValue *value)
{
    const char *v = g_value_get_string(value);

    g_free(*field);
    *field = v != NULL && v[0] != '\0' ? g_strdup(v) : NULL;
}

static void paten_connection_set_property(GObject *obj, guint id, const GValue *value,
                                          GParamSpec *pspec)
{
    PatenConnection *self = PATEN_CONNECTION(obj);

    switch (id) {
    case PROP_SERVER:
        g_free(self->server);
        self->server = g_value_dup_string(value);
        break;
    case PROP_CLIENT_NAME:
        g_free(self->client_name);
        self->client_name = g_value_dup_string(value);
        break;
    case PROP_CLIENT_VERSION:
        g_free(self->client_version);
        self->client_version = g_value_dup_string(value);
        break;
    case PROP_CALL_TIMEOUT:
        /* Applies to calls made from now on. */
        self->call_timeout_ms = g_value_get_uint(value);
        break;
    case PROP_CONNECT_TIMEOUT:
        self->connect_timeout_ms = g_value_get_uint(value);
        break;
    case PROP_KEEPALIVE_INTERVAL:
        self->keepalive_ms = g_value_get_uint(value);
        arm_keepalive(self, keepalive_interval(self));
        break;
    case PROP_KEEPALIVE_FROM_SERVER:
        self->keepalive_auto = g_value_get_boolean(value);
        arm_keepalive(self, keepalive_interval(self));
        break;
    case PROP_AUTO_RECONNECT:
        self->auto_reconnect = g_value_get_boolean(value);
        break;
    case PROP_RECONNECT_MIN_DELAY:
        self->reconnect_min_ms = MAX(g_value_get_uint(value), 1u);
        break;
    case PROP_RECONNECT_MAX_DELAY:
        self->reconnect_max_ms = MAX(g_value_get_uint(value), 1u);
        break;
    case PROP_TLS:
        self->tls = g_value_get_boolean(value);
        break;
    case PROP_TLS_CA_FILE:
        set_file_property(&self->tls_ca_file, value);
        break;
    case PROP_TLS_PIN:
        set_file_property(&self->tls_pin, value);
        break;
    case PROP_TLS_CERT_FILE:
        set_file_property(&self->tls_cert_file, value);
        break;
    case PROP_TLS_KEY_FILE:
        set_file_property(&self->tls_key_file, value);
        break;
    case PROP_ALLOW_PLAINTEXT:
        self->allow_plaintext = g_value_get_boolean(value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
}

static void paten_connection_dispose(GObject *obj)
{
    PatenConnection *self = PATEN_CONNECTION(obj);

    /* Every call and connect holds a reference, so none is pending here: only the socket and
     * the keepalive timer (which points at self without a reference) are left to stop. */
    stop_keepalive(self);
    stop_reconnect(self);
    if (self->transport != NULL) {
        paten_transport_close(self->transport);
        g_clear_pointer(&self->transport, paten_transport_unref);
    }
    G_OBJECT_CLASS(paten_connection_parent_class)->dispose(obj);
}

static void paten_connection_finalize(GObject *obj)
{
    PatenConnection *self = PATEN_CONNECTION(obj);

    g_warn_if_fail(g_hash_table_size(self->pending) == 0);
    g_hash_table_unref(self->pending);
    if (self->hello != NULL)
        free_message(self->hello);
    g_clear_error(&self->close_error);
    g_clear_error(&self->server_notice);
    forget_session(self);
    g_free(self->server);
    g_free(self->client_name);
    g_free(self->client_version);
    g_free(self->tls_ca_file);
    g_free(self->tls_pin);
    g_free(self->tls_cert_file);
    g_free(self->tls_key_file);
    G_OBJECT_CLASS(paten_connection_parent_class)->finalize(obj);
}

static void paten_connection_class_init(PatenConnectionClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);

    oc->get_property = paten_connection_get_property;
    oc->set_property = paten_connection_set_property;
    oc->dispose = paten_connection_dispose;
    oc->finalize = paten_connection_finalize;

    props[PROP_SERVER] =
        g_param_spec_string("server", "Server", "patend's address, host:port", "127.0.0.1:7450",
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    props[PROP_CLIENT_NAME] = g_param_spec_string(
        "client-name", "Client name", "the client name sent in Hello", "paten-client",
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    props[PROP_CLIENT_VERSION] = g_param_spec_string(
        "client-version", "Client version", "the client version sent in Hello", "",
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    props[PROP_STATE] = g_param_spec_enum(
        "state", "State", "where the connection is in its life", PATEN_TYPE_CONNECTION_STATE,
        PATEN_CONNECTION_STATE_DISCONNECTED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    props[PROP_CALL_TIMEOUT] = g_param_spec_uint(
        "call-timeout", "Call timeout", "milliseconds a call waits for its reply (0: forever)", 0,
        G_MAXUINT, PATEN_CONNECTION_DEFAULT_CALL_TIMEOUT_MS,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_CONNECT_TIMEOUT] = g_param_spec_uint(
        "connect-timeout", "Connect timeout",
        "milliseconds for the TCP connect and the Hello together (0: no limit)", 0, G_MAXUINT,
        PATEN_CONNECTION_DEFAULT_CONNECT_TIMEOUT_MS,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_KEEPALIVE_INTERVAL] = g_param_spec_uint(
        "keepalive-interval", "Keepalive interval",
        "milliseconds of silence after which a Ping is sent (0: never)", 0, G_MAXUINT, 0,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_KEEPALIVE_FROM_SERVER] = g_param_spec_boolean(
        "keepalive-from-server", "Keepalive from server",
        "without keepalive-interval, ping after a third of the server's idle timeout", FALSE,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_AUTO_RECONNECT] = g_param_spec_boolean(
        "auto-reconnect", "Auto reconnect",
        "reconnect with back-off, resume the session and re-send calls after a drop", FALSE,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_RECONNECT_MIN_DELAY] = g_param_spec_uint(
        "reconnect-min-delay", "Reconnect min delay", "milliseconds before the first retry", 1,
        G_MAXUINT, PATEN_CONNECTION_DEFAULT_RECONNECT_MIN_MS,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_RECONNECT_MAX_DELAY] = g_param_spec_uint(
        "reconnect-max-delay", "Reconnect max delay", "the longest wait between retries (ms)", 1,
        G_MAXUINT, PATEN_CONNECTION_DEFAULT_RECONNECT_MAX_MS,
        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_TLS] = g_param_spec_boolean(
        "tls", "TLS",
        "speak TLS (implied by any tls-* property; alone: verify with the system's CAs)", FALSE,
        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_TLS_CA_FILE] =
        g_param_spec_string("tls-ca-file", "TLS CA file",
                            "verify the server against the CA certificates in this PEM file", NULL,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_TLS_PIN] = g_param_spec_string(
        "tls-pin", "TLS pin", "SHA-256 (hex) of the server certificate's DER that must be seen",
        NULL, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_TLS_CERT_FILE] = g_param_spec_string(
        "tls-cert-file", "TLS client certificate", "client certificate (PEM) for mutual TLS", NULL,
        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_TLS_KEY_FILE] = g_param_spec_string(
        "tls-key-file", "TLS client key", "the key of tls-cert-file (default: in that file)", NULL,
        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_ALLOW_PLAINTEXT] = g_param_spec_boolean(
        "allow-plaintext", "Allow plaintext", "allow plain TCP to a server that is not on loopback",
        FALSE, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties(oc, N_PROPS, props);

    /**
     * PatenConnection::event:
     * @event: (type gpointer): the Paten__Event, owned by the connection and valid only during
     *   the emission
     *
     * The server pushed an event (a frame with the EVENT flag).
     */
    signals[SIGNAL_EVENT] = g_signal_new("event", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

    /**
     * PatenConnection::attempt-failed:
     * @why: the GError of the failed attempt (TCP connect, Hello, Resume or Subscribe)
     *
     * Auto-reconnect: a connect attempt failed; the next one is scheduled already.
     */
    signals[SIGNAL_ATTEMPT_FAILED] =
        g_signal_new("attempt-failed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

    /**
     * PatenConnection::session-resumed:
     * @session: (type gpointer): the Paten__SessionInfo of the Resume reply, valid only during
     *   the emission
     *
     * A reconnect resumed the session; the roles and delegations in force may have changed.
     */
    signals[SIGNAL_SESSION_RESUMED] =
        g_signal_new("session-resumed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

    /**
     * PatenConnection::session-lost:
     * @why: the server's UNAUTHENTICATED error
     *
     * A reconnect found the session gone (Resume refused): log in again.
     */
    signals[SIGNAL_SESSION_LOST] =
        g_signal_new("session-lost", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

    /**
     * PatenConnection::events-missed:
     *
     * A reconnect could not replay the events missed meanwhile (too many) and subscribed from
     * now: reload whatever is shown from events.
     */
    signals[SIGNAL_EVENTS_MISSED] =
        g_signal_new("events-missed", G_TYPE_FROM_CLASS(klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                     NULL, G_TYPE_NONE, 0);
}

static void paten_connection_init(PatenConnection *self)
{
    self->state = PATEN_CONNECTION_STATE_DISCONNECTED;
    self->pending = g_hash_table_new(g_direct_hash, g_direct_equal);
    self->next_id = 1;
}
