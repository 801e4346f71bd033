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

struct _PatenConnection {
    GObject parent_instance;

    char *server;
    char *client_name;
    char *client_version;
    guint call_timeout_ms;
    guint connect_timeout_ms;
    guint keepalive_ms;
    PatenConnectionState state;

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
    g_clear_object(&op->cancel);
    g_clear_object(&op->client);
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

static void on_socket_connected(GObject *src, GAsyncResult *res, gpointer data)
{
    g_autoptr(GTask) task = data;
    PatenConnection *self = g_task_get_source_object(task);
    g_autoptr(GError) err = NULL;
    g_autoptr(GSocketConnection) sc =
        g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(src), res, &err);
    Paten__HelloRequest hello = PATEN__HELLO_REQUEST__INIT;
    GTask *hello_task;

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
    /* The stream is handed over as a GIOStream: a TLS connection wrapping sc slots in here. */
    self->transport =
        paten_transport_new(G_IO_STREAM(sc), PATEN_PAYLOAD_HARD_MAX, &transport_callbacks, self);

    hello.protocol_major = PATEN_PROTOCOL_MAJOR;
    hello.protocol_minor = PATEN_PROTOCOL_MINOR;
    hello.client_name = self->client_name;
    hello.client_version = self->client_version;
    hello_task = g_task_new(self, NULL, on_hello_reply, g_object_ref(task));
    g_task_set_source_tag(hello_task, paten_connection_call_async);
    start_call(self, hello_task, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, &hello.base, TRUE);
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
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, pspec);
    }
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
