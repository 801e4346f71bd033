/*
 * paten-connection.c: PatenConnection, the GIO client of the PATEN protocol (see
 * paten-connection.h).
 *
 * Two halves:
 *   - the socket side: a PatenTransport (framed reads, queued writes) replaced on every connect;
 *   - the request side: the table of pending calls (request id -> GTask), each call keeping its
 *     encoded frame, its timeout and its cancellable. It outlives any one transport, which is what
 *     a later automatic reconnect needs to re-send or fail calls on its own terms.
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
    N_PROPS
};

static GParamSpec *props[N_PROPS];

enum { SIGNAL_EVENT, N_SIGNALS };

static guint signals[N_SIGNALS];

/* One request waiting for its reply; the task data of the call's GTask. */
typedef struct {
    PatenConnection *conn; /* not a reference: the task holds one */
    GTask *task;           /* not a reference: the pending table holds it */
    guint32 id;
    const struct paten_msg_info *info;
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
                       const ProtobufCMessage *request);
static void arm_keepalive(PatenConnection *self, guint delay_ms);

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

/*
 * Encodes request as a frame of `type`, registers task (consuming the caller's reference) as a
 * pending call and queues the frame on the transport. Any failure is returned on task. Needs a
 * transport (state CONNECTING for Hello, CONNECTED otherwise); the callers check the state.
 */
static void start_call(PatenConnection *self, GTask *task, uint16_t type,
                       const ProtobufCMessage *request)
{
    const struct paten_msg_info *info = paten_msg_by_type(type);
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
    if (self->transport == NULL) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "not connected to %s",
                                self->server);
        g_object_unref(task);
        return;
    }

    call = g_new0(PatenCall, 1);
    call->conn = self;
    call->task = task;
    call->info = info;
    call->id = next_request_id(self);
    g_task_set_task_data(task, call, (GDestroyNotify)call_free);

    rc = paten_msg_pack_frame(type, 0, call->id, request, &buf, &len);
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
    if (self->call_timeout_ms > 0)
        call->timeout =
            timeout_source(self->call_timeout_ms, on_call_timeout, call, g_task_get_context(task));
    if (g_task_get_cancellable(task) != NULL)
        call->cancel = cancel_source(g_task_get_cancellable(task), on_call_cancelled, call,
                                     g_task_get_context(task));
    self->last_send_us = g_get_monotonic_time();
    paten_transport_send(self->transport, call->frame);
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

/*
 * Takes the connection down to new_state (DISCONNECTED or CLOSED) because of why (consumed; it
 * becomes the close error). A connect in progress fails with connect_error (consumed) or, when
 * that is NULL, with why prefixed by the address; every pending call fails with
 * G_IO_ERROR_CONNECTION_CLOSED.
 */
static void go_down(PatenConnection *self, PatenConnectionState new_state, GError *why,
                    GError *connect_error)
{
    /* Released last of all, after the autoptrs below: callbacks may drop every other ref. */
    g_autoptr(PatenConnection) G_GNUC_UNUSED hold = g_object_ref(self);
    g_autoptr(PatenTransport) transport = g_steal_pointer(&self->transport);
    g_autoptr(GTask) connect_task = g_steal_pointer(&self->connect_task);
    g_autoptr(GPtrArray) calls = take_all_calls(self);
    g_autofree char *call_msg = g_strdup_printf("no reply from %s: %s", self->server, why->message);

    if (transport != NULL)
        paten_transport_close(transport);
    stop_keepalive(self);
    g_clear_pointer(&self->server_notice, g_error_free);
    g_clear_error(&self->close_error);
    self->close_error = why;

    if (connect_task != NULL) {
        connect_op_stop(g_task_get_task_data(connect_task));
        if (connect_error == NULL)
            connect_error = g_error_new(why->domain, why->code, "cannot connect to %s: %s",
                                        self->server, why->message);
    }
    /* Everything is out of self now: handlers of the notify below may even connect again. */
    set_state(self, new_state);
    if (connect_task != NULL)
        g_task_return_error(connect_task, g_steal_pointer(&connect_error));
    g_clear_error(&connect_error);
    for (guint i = 0; i < calls->len; i++)
        g_task_return_new_error(calls->pdata[i], G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "%s",
                                call_msg);
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

        if (reply == NULL)
            g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                    "the server's %s could not be decoded",
                                    call->info->reply->short_name);
        else
            g_task_return_pointer(task, reply, free_message);
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

static gboolean on_keepalive(gpointer data)
{
    PatenConnection *self = data;
    gint64 idle_ms = (g_get_monotonic_time() - self->last_send_us) / 1000;

    if (self->state != PATEN_CONNECTION_STATE_CONNECTED || self->keepalive_ms == 0) {
        stop_keepalive(self);
    } else if (idle_ms >= self->keepalive_ms) {
        GTask *task = g_task_new(self, NULL, on_keepalive_reply, NULL);
        g_task_set_source_tag(task, paten_connection_call_async);
        start_call(self, task, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, NULL);
        arm_keepalive(self, self->keepalive_ms);
    } else {
        /* Something else was sent meanwhile: wait until the line has been quiet long enough. */
        arm_keepalive(self, self->keepalive_ms - (guint)idle_ms);
    }
    return G_SOURCE_REMOVE;
}

/* (Re)starts the keepalive timer to fire after delay_ms, when keepalive is on and connected.
 * The timer points at self without a reference; dispose and go_down stop it. */
static void arm_keepalive(PatenConnection *self, guint delay_ms)
{
    stop_keepalive(self);
    if (self->keepalive_ms > 0 && self->state == PATEN_CONNECTION_STATE_CONNECTED)
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
    g_clear_object(&self->connect_task);
    connect_op_stop(g_task_get_task_data(task));
    set_state(self, PATEN_CONNECTION_STATE_CONNECTED);
    arm_keepalive(self, self->keepalive_ms);
    g_task_return_boolean(task, TRUE);
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
    start_call(self, hello_task, PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, &hello.base);
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
    ConnectOp *op;

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
    set_state(self, PATEN_CONNECTION_STATE_CONNECTING);
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
    if (self->state != PATEN_CONNECTION_STATE_CONNECTED) {
        g_task_return_new_error(task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "not connected to %s",
                                self->server);
        g_object_unref(task);
        return;
    }
    start_call(self, task, type, request);
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
        arm_keepalive(self, self->keepalive_ms);
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
}

static void paten_connection_init(PatenConnection *self)
{
    self->state = PATEN_CONNECTION_STATE_DISCONNECTED;
    self->pending = g_hash_table_new(g_direct_hash, g_direct_equal);
    self->next_id = 1;
}
