/*
 * paten_frame.h: the frame codec of the PATEN wire protocol.
 *
 * A frame is a 16-byte header followed by one protobuf payload (docs/protocol.md):
 *
 *   offset  size  field
 *        0     4  magic "PATN"
 *        4     1  frame format version (1)
 *        5     1  flags (REPLY 0x01, ERROR 0x02, EVENT 0x04; other bits must be zero)
 *        6     2  message type, big-endian
 *        8     4  request id, big-endian
 *       12     4  payload length, big-endian
 *
 * The decoder is incremental: it can be fed any chunking of the byte stream, down to one byte at
 * a time, and yields whole frames. It validates each header before allocating the payload, so a
 * peer can never make it allocate more than the limit in force.
 */
#ifndef PATEN_FRAME_H
#define PATEN_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PATEN_FRAME_HEADER_SIZE 16
#define PATEN_FRAME_VERSION     1

#define PATEN_FLAG_REPLY        0x01u
#define PATEN_FLAG_ERROR        0x02u
#define PATEN_FLAG_EVENT        0x04u
#define PATEN_FLAGS_KNOWN       (PATEN_FLAG_REPLY | PATEN_FLAG_ERROR | PATEN_FLAG_EVENT)

extern const uint8_t paten_frame_magic[4];

struct paten_frame_header {
    uint8_t version;
    uint8_t flags;
    uint16_t type;
    uint32_t request_id;
    uint32_t length;
};

/* A decoded frame. payload is malloc'd and owned by whoever received the frame (free() it); it is
 * NULL when length is 0. */
struct paten_frame {
    struct paten_frame_header hdr;
    uint8_t *payload;
};

enum paten_decoder_state {
    PATEN_DECODER_HEADER = 0,
    PATEN_DECODER_PAYLOAD,
    PATEN_DECODER_FAILED,
};

struct paten_decoder {
    uint32_t max_payload;
    void *(*alloc)(size_t); /* malloc unless a test replaces it; payloads are free()d */
    enum paten_decoder_state state;
    int error; /* the sticky negative error once FAILED */
    bool header_valid;
    uint8_t hdr_buf[PATEN_FRAME_HEADER_SIZE];
    size_t hdr_have;
    struct paten_frame_header hdr;
    uint8_t *payload;
    size_t payload_have;
};

/* Writes h into out. The caller chooses every field; version should be PATEN_FRAME_VERSION. */
void paten_frame_header_pack(const struct paten_frame_header *h,
                             uint8_t out[PATEN_FRAME_HEADER_SIZE]);

/*
 * Reads and validates a whole header. Returns 0, or -PATEN_ERR_BAD_FRAME (magic, flags),
 * -PATEN_ERR_UNSUPPORTED_VERSION, or -PATEN_ERR_FRAME_TOO_LARGE (length > max_payload). On the
 * last two, *h is filled so the caller can still answer the request id.
 */
int paten_frame_header_unpack(const uint8_t in[PATEN_FRAME_HEADER_SIZE], uint32_t max_payload,
                              struct paten_frame_header *h);

/*
 * Encodes one frame (header then payload) into out, which must hold
 * PATEN_FRAME_HEADER_SIZE + payload_len bytes. Returns the bytes written, or 0 when payload_len
 * is above PATEN_PAYLOAD_HARD_MAX or h->flags has unknown bits (nothing is written then).
 */
size_t paten_frame_encode(uint8_t *out, size_t out_cap, const struct paten_frame_header *h,
                          const void *payload, size_t payload_len);

/* Starts a decoder that accepts payloads up to max_payload (clamped to PATEN_PAYLOAD_HARD_MAX). */
void paten_decoder_init(struct paten_decoder *d, uint32_t max_payload);

/* Changes the limit for frames whose header has not been read yet. */
void paten_decoder_set_max_payload(struct paten_decoder *d, uint32_t max_payload);

/* Frees a partly received payload. The decoder must be initialised again before reuse. */
void paten_decoder_free(struct paten_decoder *d);

/* True when some bytes of a frame have arrived but not the whole frame. */
bool paten_decoder_mid_frame(const struct paten_decoder *d);

/*
 * Feeds up to len bytes.
 *
 * Returns 1 when a frame completed: *frame is filled, its payload now belongs to the caller, and
 * *consumed says how many bytes of data were used (call again with the rest). Returns 0 when all
 * len bytes were consumed without completing a frame. Returns a negative -PATEN_ERR_... on a bad
 * header (see paten_frame_header_unpack) or -PATEN_ERR_RESOURCE_EXHAUSTED when the payload cannot
 * be allocated; the decoder then stays failed and returns the same error on every later call.
 * After an error, paten_decoder_failed_header() gives the header when it had been read.
 */
int paten_decoder_feed(struct paten_decoder *d, const uint8_t *data, size_t len, size_t *consumed,
                       struct paten_frame *frame);

/* The header of the frame that failed, or NULL when the failure came before a whole header. */
const struct paten_frame_header *paten_decoder_failed_header(const struct paten_decoder *d);

#endif
