/*
 * fuzz_frame.c: libFuzzer target for the frame decoder and the bounded unpacking behind it.
 *
 * The first input byte picks the chunk size the stream is fed in (1..256), so chunk boundaries
 * are fuzzed too; the rest is the byte stream a peer would send. Each whole frame whose type is
 * known is unpacked as its request message within the memory bound the server uses.
 */
#include "paten_error.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct paten_decoder d;
    size_t chunk;

    if (size < 1)
        return 0;
    chunk = (size_t)data[0] + 1;
    data++;
    size--;
    /* A small limit keeps each run fast and still exercises FRAME_TOO_LARGE. */
    paten_decoder_init(&d, 64 * 1024);
    while (size > 0) {
        size_t take = size < chunk ? size : chunk;
        const uint8_t *p = data;
        size_t left = take;
        while (left > 0) {
            struct paten_frame f;
            size_t used = 0;
            int rc = paten_decoder_feed(&d, p, left, &used, &f);
            assert(used <= left);
            p += used;
            left -= used;
            if (rc < 0) {
                assert(rc == -PATEN_ERR_BAD_FRAME || rc == -PATEN_ERR_UNSUPPORTED_VERSION ||
                       rc == -PATEN_ERR_FRAME_TOO_LARGE);
                paten_decoder_free(&d);
                return 0;
            }
            if (rc == 0) {
                assert(left == 0);
                break;
            }
            assert(f.hdr.length <= 64 * 1024);
            const struct paten_msg_info *m = paten_msg_by_type(f.hdr.type);
            if (m != NULL) {
                struct paten_unpacked u;
                if (paten_msg_unpack(&u, m->request, f.payload, f.hdr.length,
                                     paten_msg_unpack_limit(f.hdr.length)) == 0) {
                    assert(u.alloc.used <= paten_msg_unpack_limit(f.hdr.length));
                    /* What unpacks must pack again. */
                    size_t n = protobuf_c_message_get_packed_size(u.msg);
                    uint8_t *out = malloc(n ? n : 1);
                    assert(out != NULL);
                    assert(protobuf_c_message_pack(u.msg, out) == n);
                    free(out);
                    paten_msg_unpacked_free(&u);
                }
            }
            free(f.payload);
        }
        data += take;
        size -= take;
    }
    paten_decoder_free(&d);
    return 0;
}
