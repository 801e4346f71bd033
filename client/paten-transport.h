/*
 * paten-transport.h: one framed byte stream to patend on the GLib main loop (internal to
 * libpaten-client; PatenConnection is the public API).
 *
 * A transport owns a GIOStream (a GSocketConnection today, a GTlsClientConnection wrapping one
 * later: nothing here depends on which), feeds what it reads to the common frame decoder and
 * writes queued frames in order, one write in flight at a time. It knows nothing about requests,
 * replies or Hello: PatenConnection keeps that bookkeeping on top, so reconnecting later means
 * replacing the transport while keeping the pending requests.
 *
 * Every function must be called from the thread that owns the thread-default main context
 * current when the transport was created; callbacks are dispatched there.
 */
#ifndef PATEN_TRANSPORT_H
#define PATEN_TRANSPORT_H

#include "paten_frame.h"

#include <gio/gio.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct _PatenTransport PatenTransport;

typedef struct {
    /* A whole frame arrived. frame->payload (NULL when empty) now belongs to the callee, which
     * free()s it. The callee may close or unref the transport from here. */
    void (*frame)(gpointer user_data, struct paten_frame *frame);
    /* The stream ended, failed, or the peer broke the framing. why (never NULL) says which:
     * G_IO_ERROR_CONNECTION_CLOSED for an orderly end of stream, G_IO_ERROR_INVALID_DATA for a
     * framing error, or the I/O error. Called at most once, and no callback follows it. */
    void (*closed)(gpointer user_data, const GError *why);
} PatenTransportCallbacks;

/*
 * Starts reading stream at once. Frames over max_payload are a framing error. cb must outlive
 * the transport (a static table); user_data is not referenced, which is why the owner must call
 * paten_transport_close() before it goes away. Returns a new reference.
 */
PatenTransport *paten_transport_new(GIOStream *stream, uint32_t max_payload,
                                    const PatenTransportCallbacks *cb, gpointer user_data);

PatenTransport *paten_transport_ref(PatenTransport *t);
void paten_transport_unref(PatenTransport *t);

/* Queues one encoded frame (takes a reference to it). Frames go out in the order queued. Once
 * the transport has closed, frames are dropped: the owner has been told of the close already. */
void paten_transport_send(PatenTransport *t, GBytes *frame);

/* True until the transport has closed (by paten_transport_close or a failure). */
gboolean paten_transport_is_open(const PatenTransport *t);

/*
 * Stops reading and writing and closes the stream once the operations in flight have returned.
 * No callback is made after this, so the owner may go away right after. Frames still queued are
 * dropped. Idempotent.
 */
void paten_transport_close(PatenTransport *t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PatenTransport, paten_transport_unref)

G_END_DECLS

#endif
