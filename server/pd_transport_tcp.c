/*
 * pd_transport_tcp.c: the plain TCP transport (see pd_transport.h).
 *
 * Reads land in one buffer shared by every connection: the loop runs one read callback at a time
 * and the owner consumes (copies what it keeps) before returning, so idle connections cost no
 * read buffer at all.
 */
#include "pd_transport.h"

#include "pd_alloc.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#define READ_BUFFER_SIZE (64 * 1024)

struct tcp_transport {
    struct pd_transport base;
    uv_tcp_t handle;
    char peer[64];
    int closing;
};

struct tcp_write {
    uv_write_t req;
    struct tcp_transport *t;
    unsigned n;
    size_t bytes;
    uv_buf_t bufs[];
};

static char read_buffer[READ_BUFFER_SIZE];
static int read_buffer_busy;

static void tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    assert(!read_buffer_busy);
    read_buffer_busy = 1;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct tcp_transport *t = s->data;

    (void)buf;
    read_buffer_busy = 0;
    if (nread == 0) /* EAGAIN: nothing to do */
        return;
    t->base.ev->on_read(t->base.owner, (const uint8_t *)read_buffer, nread);
}

static int tcp_read_start(struct pd_transport *base)
{
    struct tcp_transport *t = (struct tcp_transport *)base;
    if (t->closing)
        return UV_EPIPE;
    return uv_read_start((uv_stream_t *)&t->handle, tcp_alloc, tcp_read);
}

static int tcp_read_stop(struct pd_transport *base)
{
    struct tcp_transport *t = (struct tcp_transport *)base;
    if (t->closing)
        return 0;
    return uv_read_stop((uv_stream_t *)&t->handle);
}

static void tcp_written(uv_write_t *req, int status)
{
    struct tcp_write *w = (struct tcp_write *)req;
    struct tcp_transport *t = w->t;

    for (unsigned i = 0; i < w->n; i++)
        free(w->bufs[i].base);
    t->base.ev->on_written(t->base.owner, w->bytes, status);
    free(w);
}

static int tcp_write_bufs(struct pd_transport *base, uv_buf_t *bufs, unsigned n)
{
    struct tcp_transport *t = (struct tcp_transport *)base;
    struct tcp_write *w;
    int rc;

    if (t->closing) {
        for (unsigned i = 0; i < n; i++)
            free(bufs[i].base);
        return UV_EPIPE;
    }
    w = pd_xmalloc(sizeof *w + n * sizeof(uv_buf_t));
    w->t = t;
    w->n = n;
    w->bytes = 0;
    for (unsigned i = 0; i < n; i++) {
        w->bufs[i] = bufs[i];
        w->bytes += bufs[i].len;
    }
    rc = uv_write(&w->req, (uv_stream_t *)&t->handle, w->bufs, n, tcp_written);
    if (rc < 0) {
        for (unsigned i = 0; i < n; i++)
            free(w->bufs[i].base);
        free(w);
    }
    return rc;
}

static void tcp_closed(uv_handle_t *h)
{
    struct tcp_transport *t = h->data;
    t->base.ev->on_closed(t->base.owner);
    free(t);
}

static void tcp_close(struct pd_transport *base)
{
    struct tcp_transport *t = (struct tcp_transport *)base;
    if (t->closing)
        return;
    t->closing = 1;
    uv_close((uv_handle_t *)&t->handle, tcp_closed);
}

static const char *tcp_peer(const struct pd_transport *base)
{
    return ((const struct tcp_transport *)base)->peer;
}

static const struct pd_transport_ops tcp_ops = {
    .read_start = tcp_read_start,
    .read_stop = tcp_read_stop,
    .write_bufs = tcp_write_bufs,
    .close = tcp_close,
    .peer = tcp_peer,
};

static void accept_failed_closed(uv_handle_t *h)
{
    free(h->data);
}

int pd_transport_tcp_accept(uv_stream_t *server, struct pd_transport **out)
{
    struct tcp_transport *t = pd_xcalloc(1, sizeof *t);
    struct sockaddr_storage ss;
    int len = sizeof ss;
    int rc;

    rc = uv_tcp_init(server->loop, &t->handle);
    if (rc < 0) {
        free(t);
        return rc;
    }
    t->handle.data = t;
    rc = uv_accept(server, (uv_stream_t *)&t->handle);
    if (rc < 0) {
        uv_close((uv_handle_t *)&t->handle, accept_failed_closed);
        return rc;
    }
    /* Replies are small and latency matters more than packet count; writes are already
     * coalesced per loop iteration by the connection layer. */
    (void)uv_tcp_nodelay(&t->handle, 1);
    snprintf(t->peer, sizeof t->peer, "?");
    if (uv_tcp_getpeername(&t->handle, (struct sockaddr *)&ss, &len) == 0) {
        char ip[64] = "";
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            uv_ip4_name(a, ip, sizeof ip);
            snprintf(t->peer, sizeof t->peer, "%s:%d", ip, ntohs(a->sin_port));
        } else if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            uv_ip6_name(a, ip, sizeof ip);
            snprintf(t->peer, sizeof t->peer, "[%s]:%d", ip, ntohs(a->sin6_port));
        }
    }
    t->base.ops = &tcp_ops;
    *out = &t->base;
    return 0;
}
