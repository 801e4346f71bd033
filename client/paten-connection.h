/*
 * paten-connection.h: a client connection to patend on the GLib main loop, shared by patenctl
 * and paten-desk.
 *
 * A PatenConnection connects (GSocketClient), says Hello, then carries any number of concurrent
 * requests: each gets a request id, replies are matched to requests by id (never by order), and
 * events the server pushes are emitted as the "event" signal. Frames are encoded and decoded by
 * the common codec (paten_frame.h, paten_msg.h), the same code patend uses.
 *
 * Errors:
 *   PATEN_ERROR        the server answered with an Error: code is its ErrorCode number (enum
 *                      paten_err), message the server's Indonesian text
 *   G_IO_ERROR_...     everything on this side of the wire: cannot connect, TIMED_OUT (no reply
 *                      within call-timeout, or no connection within connect-timeout),
 *                      CONNECTION_CLOSED (the connection dropped with the call pending),
 *                      NOT_CONNECTED, CANCELLED, INVALID_DATA (a reply that cannot be decoded),
 *                      MESSAGE_TOO_LARGE (a request over the server's payload limit)
 *
 * States (the "state" property, with notify):
 *   DISCONNECTED  not connected yet, or the connection was lost; connect_async may be called
 *   CONNECTING    connect_async is running (TCP connect, then Hello)
 *   CONNECTED     Hello succeeded; calls may be made
 *   CLOSED        paten_connection_close() was called; final
 *
 * Threading: one PatenConnection belongs to the thread whose thread-default main context was
 * current when it was created; call it and receive its callbacks there only.
 *
 * Room for later work: the pending requests live in a table of their own, apart from the socket
 * (paten-transport.h), each keeping its encoded frame; automatic reconnect, session resume and
 * re-sending data-changing requests with their idempotency key plug in between the two.
 */
#ifndef PATEN_CONNECTION_H
#define PATEN_CONNECTION_H

#include "paten.pb-c.h"

#include <gio/gio.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Errors the server sent; codes are enum paten_err (paten_error.h) = enum ErrorCode. */
#define PATEN_ERROR (paten_error_quark())
GQuark paten_error_quark(void);

typedef enum {
    PATEN_CONNECTION_STATE_DISCONNECTED,
    PATEN_CONNECTION_STATE_CONNECTING,
    PATEN_CONNECTION_STATE_CONNECTED,
    PATEN_CONNECTION_STATE_CLOSED,
} PatenConnectionState;

GType paten_connection_state_get_type(void);
#define PATEN_TYPE_CONNECTION_STATE (paten_connection_state_get_type())

/* Defaults of the timeout properties, in milliseconds. */
#define PATEN_CONNECTION_DEFAULT_CALL_TIMEOUT_MS    30000u
#define PATEN_CONNECTION_DEFAULT_CONNECT_TIMEOUT_MS 10000u
/* The port used when the server address has none. */
#define PATEN_CONNECTION_DEFAULT_PORT 7450

#define PATEN_TYPE_CONNECTION         (paten_connection_get_type())
G_DECLARE_FINAL_TYPE(PatenConnection, paten_connection, PATEN, CONNECTION, GObject)

/*
 * A connection to server ("host:port", "[v6]:port", or a host alone for port 7450) that will
 * introduce itself as client_name client_version in Hello. Nothing happens on the network until
 * paten_connection_connect_async(). client_name must be 1 to 64 bytes (the server refuses others).
 * Returns a new reference.
 *
 * Properties besides the three above: "state" (read-only), "call-timeout" (ms, 0 = none),
 * "connect-timeout" (ms for TCP connect plus Hello, 0 = none), "keepalive-interval" (ms; when
 * nothing was sent for that long a Ping is sent, so the server's idle timeout does not cut a
 * connection that only listens for events, and a dead server is noticed through the ping's
 * call-timeout; 0 = off, the default).
 */
PatenConnection *paten_connection_new(const char *server, const char *client_name,
                                      const char *client_version);

/*
 * Connects and says Hello. Allowed in state DISCONNECTED only (otherwise the callback gets
 * G_IO_ERROR_BUSY, or G_IO_ERROR_CLOSED after paten_connection_close()). The state moves to
 * CONNECTING, then to CONNECTED on success or back to DISCONNECTED on failure. The operation
 * holds a reference to the connection until its callback.
 */
void paten_connection_connect_async(PatenConnection *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);

/*
 * TRUE once connected. On failure FALSE with error: the GIO error of the TCP connect (message
 * prefixed with the address), G_IO_ERROR_TIMED_OUT, G_IO_ERROR_CANCELLED, or PATEN_ERROR when
 * the server refused the Hello (an incompatible protocol version, say).
 */
gboolean paten_connection_connect_finish(PatenConnection *self, GAsyncResult *result,
                                         GError **error);

/*
 * Sends request as a frame of message type `type` (a PATEN__MESSAGE_TYPE__ request type known to
 * paten_msg_by_type; request must be of its request message type, or NULL for an empty one).
 * The request is encoded before this returns, so the caller may free it at once. Allowed in
 * state CONNECTED (else G_IO_ERROR_NOT_CONNECTED). Any number of calls may be in flight. The
 * operation holds a reference to the connection until its callback.
 */
void paten_connection_call_async(PatenConnection *self, uint16_t type,
                                 const ProtobufCMessage *request, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);

/*
 * The reply, an instance of the type's reply message, which the caller frees with
 * protobuf_c_message_free_unpacked(msg, NULL). NULL on failure with error set (see the top of
 * this file). When the server answered with an Error and error_reply is not NULL, *error_reply
 * receives the decoded Paten__Error (caller frees it the same way); otherwise *error_reply is set
 * to NULL.
 */
ProtobufCMessage *paten_connection_call_finish(PatenConnection *self, GAsyncResult *result,
                                               Paten__Error **error_reply, GError **error);

/*
 * Closes the connection for good: a connect in progress fails with G_IO_ERROR_CANCELLED, every
 * pending call with G_IO_ERROR_CONNECTION_CLOSED, and the state becomes CLOSED. Callbacks of
 * those operations may run before this returns. Idempotent.
 */
void paten_connection_close(PatenConnection *self);

PatenConnectionState paten_connection_get_state(PatenConnection *self);

/* The server address given to paten_connection_new. */
const char *paten_connection_get_server(PatenConnection *self);

/* The server's HelloReply from the last successful connect (server name and version, limits),
 * or NULL before one. Owned by the connection; valid until the next connect or finalisation. */
const Paten__HelloReply *paten_connection_get_hello(PatenConnection *self);

/* Why the connection was last lost or closed (G_IO_ERROR_CONNECTION_CLOSED when the server
 * closed it, G_IO_ERROR_INVALID_DATA when it broke the framing, ...), or NULL while it never
 * was. Owned by the connection. */
const GError *paten_connection_get_close_error(PatenConnection *self);

/* How many calls are waiting for their reply. */
guint paten_connection_get_pending_calls(PatenConnection *self);

G_END_DECLS

#endif
