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
 *   PATEN_CONNECTION_ERROR  TLS and the plaintext rule (PatenConnectionError): the server's
 *                      certificate not trusted (unknown CA, pin mismatch, hostname mismatch,
 *                      expired...), a TLS file that cannot be read, a handshake that failed,
 *                      plain TCP refused to a server that is not on loopback
 *
 * States (the "state" property, with notify):
 *   DISCONNECTED  not connected yet, or the connection was lost; connect_async may be called
 *   CONNECTING    connect_async is running (TCP connect, then Hello)
 *   CONNECTED     Hello succeeded (and, when reconnecting, the session resumed); calls may be made
 *   RECONNECTING  auto-reconnect only: the connection was lost or a connect failed, and it is
 *                 waiting out its back-off or trying again
 *   CLOSED        paten_connection_close() was called; final
 *
 * Automatic reconnect (the "auto-reconnect" property; off by default, so patenctl stays
 * one-shot; paten-desk turns it on):
 *   - A connect that fails, or a connected connection that drops, goes to RECONNECTING and tries
 *     again after a back-off: reconnect-min-delay (0.5 s) doubling up to reconnect-max-delay
 *     (10 s), each delay varied by +-20 % so that many desks do not return in step after a
 *     server restart. paten_connection_reconnect_now() skips the wait.
 *   - Each attempt is TCP connect, Hello, then, when the connection holds a session, Resume with
 *     its token and, when it had subscribed, Subscribe with after_sequence = the last event
 *     sequence seen (so the events missed while away are replayed). Only then is it CONNECTED.
 *   - The session: a successful Login call made through the connection leaves its token in
 *     memory (never on disk); Logout or paten_connection_forget_session() drops it. A successful
 *     Subscribe marks the connection subscribed; every event and SubscribeReply advances the last
 *     sequence seen.
 *   - Calls: those in flight when the connection dropped, and those made while RECONNECTING (or
 *     during the first CONNECTING), wait and are sent, in the order they were made, once the
 *     connection is CONNECTED again. Every call is re-sent, read-only ones too (they are safe to
 *     repeat, and failing them would only make each caller retry by hand). A re-sent request is
 *     the same bytes: requests that change data carry an idempotency_key, which the connection
 *     fills in with a new UUID when the caller left it empty, before the first send, so the
 *     server applies the change once however often it is sent. A call's call-timeout runs only
 *     while its request is on the wire (it restarts at each send); the caller's cancellable ends
 *     the wait at any time.
 *   - A Resume refused with UNAUTHENTICATED means the session is gone (logged out elsewhere,
 *     expired, deactivated): the token is dropped, the connection becomes CONNECTED without a
 *     session, and "session-lost" is emitted; waiting calls are then sent and answered by the
 *     server as it sees fit (UNAUTHENTICATED, mostly). Other failures of Resume retry.
 *   - Subscribe refused as too far behind (FAILED_PRECONDITION) subscribes from now instead and
 *     emits "events-missed": the caller reloads what it shows.
 *   - Keepalive: with "keepalive-from-server" and no explicit keepalive-interval, a Ping is sent
 *     after a third of the server's idle timeout (HelloReply.idle_timeout_ms) of silence.
 *
 * Signals: "event" (a pushed Event), "attempt-failed" (auto-reconnect: a connect attempt
 * failed, with why), "session-resumed" (the SessionInfo of a successful Resume after a
 * reconnect: roles may have changed), "session-lost" (see above), "events-missed".
 *
 * TLS (properties "tls", "tls-ca-file", "tls-pin", "tls-cert-file", "tls-key-file",
 * "allow-plaintext"; read at each connect, so set them before connect_async):
 *   - TLS is used when "tls" is set or any of the tls-* properties is: the TCP connection is
 *     wrapped in a GTlsClientConnection (GIO's TLS backend, Debian's glib-networking) and the
 *     handshake counts against connect-timeout.
 *   - The server is verified against the CA certificates in tls-ca-file (PEM), else the system's
 *     CAs, and must be valid for the host name or IP address of "server". With tls-pin (the
 *     SHA-256 of the server certificate's DER, 64 hex digits, colons allowed) and no CA file,
 *     the pin alone decides (a self-signed deployment); with both, both must hold.
 *   - tls-cert-file (PEM; the key in tls-key-file, or in the same file) is presented to a server
 *     that asks for client certificates (mutual TLS).
 *   - Without TLS, a server whose address is not loopback (127.0.0.0/8, ::1, localhost) is
 *     refused before any packet is sent (PATEN_CONNECTION_ERROR_PLAINTEXT_REFUSED) unless
 *     allow-plaintext is set.
 *
 * Threading: one PatenConnection belongs to the thread whose thread-default main context was
 * current when it was created; call it and receive its callbacks there only.
 *
 * The pending requests live in a table of their own, apart from the socket (paten-transport.h),
 * each keeping its encoded frame: that is what lets a reconnect replace the socket and re-send
 * them.
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

/* Errors of the connection's own checks (TLS, the plaintext rule); see the top of this file. */
#define PATEN_CONNECTION_ERROR (paten_connection_error_quark())
GQuark paten_connection_error_quark(void);

typedef enum {
    PATEN_CONNECTION_ERROR_PLAINTEXT_REFUSED, /* no TLS to a server that is not on loopback */
    PATEN_CONNECTION_ERROR_TLS_UNAVAILABLE,   /* no TLS backend (glib-networking missing) */
    PATEN_CONNECTION_ERROR_TLS_CONFIG,        /* a CA, certificate or key file, or the pin, bad */
    PATEN_CONNECTION_ERROR_TLS_UNKNOWN_CA,    /* the server's certificate is not from our CA */
    PATEN_CONNECTION_ERROR_TLS_PIN_MISMATCH,  /* ... is not the pinned one */
    PATEN_CONNECTION_ERROR_TLS_HOSTNAME_MISMATCH, /* ... is for another name or address */
    PATEN_CONNECTION_ERROR_TLS_BAD_CERTIFICATE,   /* ... expired, not yet valid, revoked, weak */
    PATEN_CONNECTION_ERROR_TLS_HANDSHAKE,         /* the handshake failed for another reason */
} PatenConnectionError;

/* TRUE when pin is a SHA-256 in hex (64 digits, colons between them allowed). */
gboolean paten_connection_pin_is_valid(const char *pin);

typedef enum {
    PATEN_CONNECTION_STATE_DISCONNECTED,
    PATEN_CONNECTION_STATE_CONNECTING,
    PATEN_CONNECTION_STATE_CONNECTED,
    PATEN_CONNECTION_STATE_RECONNECTING,
    PATEN_CONNECTION_STATE_CLOSED,
} PatenConnectionState;

GType paten_connection_state_get_type(void);
#define PATEN_TYPE_CONNECTION_STATE (paten_connection_state_get_type())

/* Defaults of the timeout properties, in milliseconds. */
#define PATEN_CONNECTION_DEFAULT_CALL_TIMEOUT_MS    30000u
#define PATEN_CONNECTION_DEFAULT_CONNECT_TIMEOUT_MS 10000u
#define PATEN_CONNECTION_DEFAULT_RECONNECT_MIN_MS   500u
#define PATEN_CONNECTION_DEFAULT_RECONNECT_MAX_MS   10000u
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
 * CONNECTING, then to CONNECTED on success or back to DISCONNECTED on failure (RECONNECTING with
 * auto-reconnect, which then keeps trying by itself: the callback reports the first attempt
 * only). The operation holds a reference to the connection until its callback.
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
 * state CONNECTED, or with auto-reconnect also CONNECTING and RECONNECTING, where the call waits
 * for the connection (else G_IO_ERROR_NOT_CONNECTED). Any number of calls may be in flight. A
 * request message with an empty idempotency_key is sent with a new UUID in it. The operation
 * holds a reference to the connection until its callback.
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

/* How many calls are waiting for their reply (or, reconnecting, to be sent again). */
guint paten_connection_get_pending_calls(PatenConnection *self);

/* Auto-reconnect: when RECONNECTING and waiting out the back-off, tries at once (the user
 * pressed a button and should not wait 10 s). Does nothing in other states. */
void paten_connection_reconnect_now(PatenConnection *self);

/* TRUE while the connection holds a session token from a Login (auto-reconnect only). */
gboolean paten_connection_has_session(PatenConnection *self);

/* Drops the session token and the subscription: later reconnects do not resume. For a session
 * the server ended (SessionEnded, session-lost). */
void paten_connection_forget_session(PatenConnection *self);

/* The highest event sequence seen (events, SubscribeReply), or the Login's last_event_sequence. */
guint64 paten_connection_get_last_event_sequence(PatenConnection *self);

G_END_DECLS

#endif
