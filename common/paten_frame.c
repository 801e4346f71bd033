/*
 * paten_frame.c: the incremental frame decoder and the encoder (see paten_frame.h).
 */
#include "paten_frame.h"

#include "paten_error.h"
#include "paten_limits.h"

#include <stdlib.h>
#include <string.h>

const uint8_t paten_frame_magic[4] = { 'P', 'A', 'T', 'N' };

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint32_t clamp_limit(uint32_t max_payload)
{
    return max_payload > PATEN_PAYLOAD_HARD_MAX ? PATEN_PAYLOAD_HARD_MAX : max_payload;
}

void paten_frame_header_pack(const struct paten_frame_header *h,
                             uint8_t out[PATEN_FRAME_HEADER_SIZE])
{
    memcpy(out, paten_frame_magic, sizeof paten_frame_magic);
    out[4] = h->version;
    out[5] = h->flags;
    put_be16(out + 6, h->type);
    put_be32(out + 8, h->request_id);
    put_be32(out + 12, h->length);
}

int paten_frame_header_unpack(const uint8_t in[PATEN_FRAME_HEADER_SIZE], uint32_t max_payload,
                              struct paten_frame_header *h)
{
    if (memcmp(in, paten_frame_magic, sizeof paten_frame_magic) != 0)
        return -PATEN_ERR_BAD_FRAME;
    h->version = in[4];
    h->flags = in[5];
    h->type = get_be16(in + 6);
    h->request_id = get_be32(in + 8);
    h->length = get_be32(in + 12);
    /* The version is checked before the flags: a future format may define more flag bits. */
    if (h->version != PATEN_FRAME_VERSION)
        return -PATEN_ERR_UNSUPPORTED_VERSION;
    if (h->flags & ~PATEN_FLAGS_KNOWN)
        return -PATEN_ERR_BAD_FRAME;
    if (h->length > clamp_limit(max_payload))
        return -PATEN_ERR_FRAME_TOO_LARGE;
    return 0;
}

size_t paten_frame_encode(uint8_t *out, size_t out_cap, const struct paten_frame_header *h,
                          const void *payload, size_t payload_len)
{
    struct paten_frame_header copy;

    if (payload_len > PATEN_PAYLOAD_HARD_MAX || (h->flags & ~PATEN_FLAGS_KNOWN))
        return 0;
    if (out_cap < PATEN_FRAME_HEADER_SIZE + payload_len)
        return 0;
    copy = *h;
    copy.length = (uint32_t)payload_len;
    paten_frame_header_pack(&copy, out);
    if (payload_len > 0)
        memcpy(out + PATEN_FRAME_HEADER_SIZE, payload, payload_len);
    return PATEN_FRAME_HEADER_SIZE + payload_len;
}

void paten_decoder_init(struct paten_decoder *d, uint32_t max_payload)
{
    memset(d, 0, sizeof *d);
    d->alloc = malloc;
    d->max_payload = clamp_limit(max_payload);
    d->state = PATEN_DECODER_HEADER;
}

void paten_decoder_set_max_payload(struct paten_decoder *d, uint32_t max_payload)
{
    d->max_payload = clamp_limit(max_payload);
}

void paten_decoder_free(struct paten_decoder *d)
{
    free(d->payload);
    d->payload = NULL;
    d->payload_have = 0;
}

bool paten_decoder_mid_frame(const struct paten_decoder *d)
{
    return (d->state == PATEN_DECODER_HEADER && d->hdr_have > 0) ||
           d->state == PATEN_DECODER_PAYLOAD;
}

const struct paten_frame_header *paten_decoder_failed_header(const struct paten_decoder *d)
{
    return d->state == PATEN_DECODER_FAILED && d->header_valid ? &d->hdr : NULL;
}

static int decoder_fail(struct paten_decoder *d, int err)
{
    paten_decoder_free(d);
    d->state = PATEN_DECODER_FAILED;
    d->error = err;
    return err;
}

/* Hands the finished frame to the caller and rearms for the next header. */
static void decoder_emit(struct paten_decoder *d, struct paten_frame *frame)
{
    frame->hdr = d->hdr;
    frame->payload = d->payload;
    d->payload = NULL;
    d->payload_have = 0;
    d->hdr_have = 0;
    d->header_valid = false;
    d->state = PATEN_DECODER_HEADER;
}

int paten_decoder_feed(struct paten_decoder *d, const uint8_t *data, size_t len, size_t *consumed,
                       struct paten_frame *frame)
{
    size_t used = 0;

    *consumed = 0;
    if (d->state == PATEN_DECODER_FAILED)
        return d->error;

    while (used < len) {
        if (d->state == PATEN_DECODER_HEADER) {
            size_t take = PATEN_FRAME_HEADER_SIZE - d->hdr_have;
            if (take > len - used)
                take = len - used;
            memcpy(d->hdr_buf + d->hdr_have, data + used, take);
            /* Check the magic as soon as its bytes arrive, so a stray protocol (an HTTP request,
             * a port scanner) is refused at its first byte instead of after 16. */
            for (size_t i = d->hdr_have; i < d->hdr_have + take && i < sizeof paten_frame_magic;
                 i++) {
                if (d->hdr_buf[i] != paten_frame_magic[i]) {
                    used += i - d->hdr_have + 1;
                    *consumed = used;
                    return decoder_fail(d, -PATEN_ERR_BAD_FRAME);
                }
            }
            d->hdr_have += take;
            used += take;
            if (d->hdr_have < PATEN_FRAME_HEADER_SIZE)
                continue;

            /* The magic is already known good, so every field is read even when the header is
             * refused: the error reply can then carry the request id. */
            int rc = paten_frame_header_unpack(d->hdr_buf, d->max_payload, &d->hdr);
            d->header_valid = true;
            if (rc < 0) {
                *consumed = used;
                return decoder_fail(d, rc);
            }
            if (d->hdr.length == 0) {
                decoder_emit(d, frame);
                *consumed = used;
                return 1;
            }
            /* The length was bounded by unpack; only now is memory committed to this frame. */
            d->payload = d->alloc(d->hdr.length);
            if (d->payload == NULL) {
                *consumed = used;
                return decoder_fail(d, -PATEN_ERR_RESOURCE_EXHAUSTED);
            }
            d->payload_have = 0;
            d->state = PATEN_DECODER_PAYLOAD;
        } else {
            size_t want = d->hdr.length - d->payload_have;
            size_t take = want < len - used ? want : len - used;
            memcpy(d->payload + d->payload_have, data + used, take);
            d->payload_have += take;
            used += take;
            if (d->payload_have == d->hdr.length) {
                decoder_emit(d, frame);
                *consumed = used;
                return 1;
            }
        }
    }
    *consumed = used;
    return 0;
}
