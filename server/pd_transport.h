/*
 * pd_transport.h: the byte stream under the framing. A connection talks to its peer only through
 * this interface, so TLS (a later transport over the same TCP handle) changes no handler and no
 * test. Implementations: pd_transport_tcp.c.
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
};

/*
 * Accepts one pending TCP connection from server (a listening uv_tcp_t) into a new plain TCP
 * transport. Returns 0 and *out, or a negative uv error (nothing to accept, out of resources).
 */
int pd_transport_tcp_accept(uv_stream_t *server, struct pd_transport **out);

#endif
