/*
 * pd_transport.h: the byte stream under the framing. A connection talks to its peer only through
 * this interface, so TLS changes no handler and no test. Implementations: pd_transport_tcp.c
 * (plain TCP) and pd_transport_tls.c (TLS over a TCP transport, OpenSSL with memory BIOs).
 */
#ifndef PD_TRANSPORT_H
#define PD_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

struct pd_transport;

/* Callbacks into the owner (the connection). */
struct pd_transport_events {
    /* Bytes arrived (n > 0), or the stream ended (n == UV_EOF) or failed (n < 0, a uv error).
     * data is only valid during the call. */
    void (*on_read)(void *owner, const uint8_t *data, ssize_t n);
    /* A write handed over by write_bufs finished (status 0) or failed; bytes is its size. */
    void (*on_written)(void *owner, size_t bytes, int status);
    /* The transport is closed; no callback follows. */
    void (*on_closed)(void *owner);
};

struct pd_transport_ops {
    int (*read_start)(struct pd_transport *t);
    int (*read_stop)(struct pd_transport *t);
    /* Sends n buffers in order; takes ownership of every bufs[i].base (free()d when done, also
     * on failure). Returns 0 or a negative uv error (then on_written is not called). */
    int (*write_bufs)(struct pd_transport *t, uv_buf_t *bufs, unsigned n);
    /* Closes at once; pending writes fail. on_closed follows. Idempotent. */
    void (*close)(struct pd_transport *t);
    /* "ip:port" of the peer. */
    const char *(*peer)(const struct pd_transport *t);
};

struct pd_transport {
    const struct pd_transport_ops *ops;
    const struct pd_transport_events *ev;
    void *owner;
    uint64_t log_id; /* the owner's id in log lines ([c42]); 0 until the owner sets it */
};

/*
 * Accepts one pending TCP connection from server (a listening uv_tcp_t) into a new plain TCP
 * transport. Returns 0 and *out, or a negative uv error (nothing to accept, out of resources).
 */
int pd_transport_tcp_accept(uv_stream_t *server, struct pd_transport **out);

/* ---- TLS (pd_transport_tls.c) ------------------------------------------------------------- */

/* The server's TLS settings (an SSL_CTX), built once at start-up and shared by every connection. */
struct pd_tls;

/*
 * Builds the TLS context: TLS 1.2 at least (1.3 preferred), no renegotiation, no compression,
 * no session resumption, AEAD ciphers with forward secrecy only; the certificate chain and key
 * from cert_file and key_file (PEM) and, when client_ca_file is not NULL, client certificates
 * signed by that CA required (mutual TLS). Returns 0 and *out, or -1 after logging an error that
 * names the file and what is wrong with it.
 */
int pd_tls_create(const char *cert_file, const char *key_file, const char *client_ca_file,
                  struct pd_tls **out);

/* Frees the context (connections still open keep what they need). NULL is fine. */
void pd_tls_free(struct pd_tls *tls);

/*
 * Accepts one pending TCP connection into a TLS transport over it: the handshake runs as bytes
 * arrive (once reading starts); data flows to the owner only after it completes, and a write
 * before then fails with UV_ENOTCONN (the only such write is the hello-timeout's error, so a
 * client that never finishes the handshake is cut off at hello-timeout). A failed handshake is
 * logged with its reason and reported to the owner as on_read(UV_EPROTO). Returns 0 and *out, or
 * a negative uv error.
 */
int pd_transport_tls_accept(uv_stream_t *server, struct pd_tls *tls, struct pd_transport **out);

#endif
