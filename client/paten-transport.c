/*
 * paten-transport.c: framed reading and queued writing over a GIOStream (see paten-transport.h).
 *
 * Lifetime: every asynchronous operation in flight (the read, the write, the final close) holds
 * a reference to the transport, so a callback never finds it freed, whatever the owner did in
 * the meantime. Closing cancels the read and the write; the stream itself is closed only once
 * both have returned, because GIO refuses to close a stream with an operation pending.
 */
#include "paten-transport.h"

#include "paten_error.h"

#include <stdlib.h>

/* One read's worth. Frames larger than this simply take several reads. */
#define READ_CHUNK (64 * 1024)

struct _PatenTransport {
    grefcount ref;
    GIOStream *stream;
    GCancellable *cancel;
    const PatenTransportCallbacks *cb;
    gpointer user_data;
    struct paten_decoder dec;
    guint8 *buf;
    GQueue out;         /* GBytes frames; the head is the one being written while writing */
    gboolean reading;   /* a read is in flight */
    gboolean writing;   /* a write is in flight */
    gboolean closed;    /* no more I/O starts and no more callbacks are made */
    gboolean finishing; /* the stream close has been started */
};

static void start_read(PatenTransport *t);
static void start_write(PatenTransport *t);

PatenTransport *paten_transport_ref(PatenTransport *t)
{
    g_ref_count_inc(&t->ref);
    return t;
}

void paten_transport_unref(PatenTransport *t)
{
    if (t == NULL || !g_ref_count_dec(&t->ref))
        return;
    paten_decoder_free(&t->dec);
    g_queue_clear_full(&t->out, (GDestroyNotify)g_bytes_unref);
    g_free(t->buf);
    g_clear_object(&t->cancel);
    g_clear_object(&t->stream);
    g_free(t);
}

gboolean paten_transport_is_open(const PatenTransport *t)
{
    return !t->closed;
}

static void on_stream_closed(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenTransport *t = data;
    g_autoptr(GError) err = NULL;

    /* Nothing can be done about a failed close (the peer may already be gone); the socket is
     * released either way when the stream is finalised. */
    if (!g_io_stream_close_finish(G_IO_STREAM(src), res, &err))
        g_debug("paten-transport: closing the stream: %s", err->message);
    paten_transport_unref(t);
}

/* Closes the stream once closed is set and no read or write is in flight. Asynchronous, so that
 * a TLS stream can send its close_notify without blocking the loop. */
static void maybe_finish(PatenTransport *t)
{
    if (!t->closed || t->reading || t->writing || t->finishing)
        return;
    t->finishing = TRUE;
    g_queue_clear_full(&t->out, (GDestroyNotify)g_bytes_unref);
    g_io_stream_close_async(t->stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed,
                            paten_transport_ref(t));
}

void paten_transport_close(PatenTransport *t)
{
    if (t->closed)
        return;
    t->closed = TRUE;
    g_cancellable_cancel(t->cancel);
    maybe_finish(t);
}

/* Closes because of why and tells the owner (the only path that calls cb->closed). The caller
 * holds a reference, so the owner may drop its own from the callback. */
static void fail(PatenTransport *t, GError *why)
{
    if (t->closed) {
        g_error_free(why);
        return;
    }
    paten_transport_close(t);
    t->cb->closed(t->user_data, why);
    g_error_free(why);
}

PatenTransport *paten_transport_new(GIOStream *stream, uint32_t max_payload,
                                    const PatenTransportCallbacks *cb, gpointer user_data)
{
    PatenTransport *t = g_new0(PatenTransport, 1);

    g_ref_count_init(&t->ref);
    t->stream = g_object_ref(stream);
    t->cancel = g_cancellable_new();
    t->cb = cb;
    t->user_data = user_data;
    t->buf = g_malloc(READ_CHUNK);
    g_queue_init(&t->out);
    paten_decoder_init(&t->dec, max_payload);
    start_read(t);
    return t;
}

/* Feeds n bytes of t->buf to the decoder and hands each whole frame to the owner. Stops early
 * when the owner closes the transport from its callback: what follows is then unwanted. */
static void deliver(PatenTransport *t, gsize n)
{
    gsize off = 0;

    while (off < n && !t->closed) {
        struct paten_frame frame;
        size_t used = 0;
        int rc = paten_decoder_feed(&t->dec, t->buf + off, n - off, &used, &frame);

        off += used;
        if (rc == 0)
            break;
        if (rc < 0) {
            const struct paten_frame_header *h = paten_decoder_failed_header(&t->dec);
            int code = -rc;
            g_autofree char *what = NULL;

            if (code == PATEN_ERR_FRAME_TOO_LARGE && h != NULL)
                what = g_strdup_printf("a payload of %u bytes", h->length);
            else if (code == PATEN_ERR_UNSUPPORTED_VERSION && h != NULL)
                what = g_strdup_printf("frame format version %u", h->version);
            else if (code == PATEN_ERR_BAD_FRAME && h != NULL)
                what = g_strdup_printf("unknown flags 0x%02x", h->flags);
            else if (code == PATEN_ERR_BAD_FRAME)
                what = g_strdup("wrong magic");
            fail(t, g_error_new(G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                "the server sent a malformed frame (%s%s%s)",
                                paten_err_name(code) ? paten_err_name(code) : "?", what ? ": " : "",
                                what ? what : ""));
            return;
        }
        t->cb->frame(t->user_data, &frame);
    }
}

static void on_read(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenTransport *t = data;
    g_autoptr(GError) err = NULL;
    gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, &err);

    t->reading = FALSE;
    if (t->closed) {
        maybe_finish(t);
    } else if (n < 0) {
        fail(t, g_error_new(err->domain, err->code, "reading from the server failed: %s",
                            err->message));
    } else if (n == 0) {
        gboolean mid = paten_decoder_mid_frame(&t->dec);
        fail(t, g_error_new(G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                            mid ? "the server closed the connection in the middle of a frame"
                                : "the server closed the connection"));
    } else {
        deliver(t, (gsize)n);
        if (!t->closed)
            start_read(t);
        else
            maybe_finish(t);
    }
    paten_transport_unref(t);
}

static void start_read(PatenTransport *t)
{
    t->reading = TRUE;
    g_input_stream_read_async(g_io_stream_get_input_stream(t->stream), t->buf, READ_CHUNK,
                              G_PRIORITY_DEFAULT, t->cancel, on_read, paten_transport_ref(t));
}

static void on_written(GObject *src, GAsyncResult *res, gpointer data)
{
    PatenTransport *t = data;
    g_autoptr(GError) err = NULL;
    gboolean ok = g_output_stream_write_all_finish(G_OUTPUT_STREAM(src), res, NULL, &err);

    t->writing = FALSE;
    if (t->closed) {
        maybe_finish(t);
    } else if (!ok) {
        fail(t,
             g_error_new(err->domain, err->code, "writing to the server failed: %s", err->message));
    } else {
        g_bytes_unref(g_queue_pop_head(&t->out));
        if (!g_queue_is_empty(&t->out))
            start_write(t);
    }
    paten_transport_unref(t);
}

/* Writes the head of the queue. The GBytes stays at the head, keeping the data alive, until the
 * write has returned. */
static void start_write(PatenTransport *t)
{
    GBytes *frame = g_queue_peek_head(&t->out);
    gsize len;
    gconstpointer data = g_bytes_get_data(frame, &len);

    t->writing = TRUE;
    g_output_stream_write_all_async(g_io_stream_get_output_stream(t->stream), data, len,
                                    G_PRIORITY_DEFAULT, t->cancel, on_written,
                                    paten_transport_ref(t));
}

void paten_transport_send(PatenTransport *t, GBytes *frame)
{
    if (t->closed)
        return;
    g_queue_push_tail(&t->out, g_bytes_ref(frame));
    if (!t->writing)
        start_write(t);
}
