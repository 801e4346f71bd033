/*
 * test_frame.c: unit tests of the frame codec (common/paten_frame.c), every branch.
 */
#include "paten_error.h"
#include "paten_frame.h"
#include "paten_limits.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static size_t make_frame(uint8_t *out, size_t cap, uint8_t flags, uint16_t type, uint32_t rid,
                         const void *payload, size_t len)
{
    struct paten_frame_header h = {
        .version = PATEN_FRAME_VERSION, .flags = flags, .type = type, .request_id = rid
    };
    return paten_frame_encode(out, cap, &h, payload, len);
}

static void test_header_layout(void)
{
    struct paten_frame_header h = {
        .version = 1, .flags = 0x05, .type = 0x1234, .request_id = 0xdeadbeef, .length = 0x00a0b0c0
    };
    uint8_t b[PATEN_FRAME_HEADER_SIZE];
    static const uint8_t expect[PATEN_FRAME_HEADER_SIZE] = { 'P',  'A',  'T',  'N',  1,    5,
                                                             0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
                                                             0,    0xa0, 0xb0, 0xc0 };
    struct paten_frame_header back;

    paten_frame_header_pack(&h, b);
    g_assert_cmpmem(b, sizeof b, expect, sizeof expect);
    g_assert_cmpint(paten_frame_header_unpack(b, PATEN_PAYLOAD_HARD_MAX, &back), ==, 0);
    g_assert_cmpuint(back.version, ==, 1);
    g_assert_cmpuint(back.flags, ==, 5);
    g_assert_cmpuint(back.type, ==, 0x1234);
    g_assert_cmpuint(back.request_id, ==, 0xdeadbeef);
    g_assert_cmpuint(back.length, ==, 0x00a0b0c0);
}

static void test_unpack_errors(void)
{
    uint8_t b[PATEN_FRAME_HEADER_SIZE];
    struct paten_frame_header h = { .version = 1, .type = 11, .request_id = 7, .length = 100 };
    struct paten_frame_header out;

    paten_frame_header_pack(&h, b);
    g_assert_cmpint(paten_frame_header_unpack(b, 99, &out), ==, -PATEN_ERR_FRAME_TOO_LARGE);
    g_assert_cmpuint(out.request_id, ==, 7);
    g_assert_cmpint(paten_frame_header_unpack(b, 100, &out), ==, 0);

    b[4] = 2;
    g_assert_cmpint(paten_frame_header_unpack(b, 100, &out), ==, -PATEN_ERR_UNSUPPORTED_VERSION);
    b[4] = 1;
    b[5] = 0x08;
    g_assert_cmpint(paten_frame_header_unpack(b, 100, &out), ==, -PATEN_ERR_BAD_FRAME);
    b[5] = 0;
    b[0] = 'X';
    g_assert_cmpint(paten_frame_header_unpack(b, 100, &out), ==, -PATEN_ERR_BAD_FRAME);
}

static void test_encode_limits(void)
{
    uint8_t b[64];
    struct paten_frame_header h = { .version = 1, .flags = 0x80 };

    /* unknown flags */
    g_assert_cmpuint(paten_frame_encode(b, sizeof b, &h, "x", 1), ==, 0);
    h.flags = 0;
    /* too small an output buffer */
    g_assert_cmpuint(paten_frame_encode(b, 16, &h, "x", 1), ==, 0);
    /* over the hard maximum: refused before anything is read from payload */
    g_assert_cmpuint(paten_frame_encode(b, sizeof b, &h, NULL, PATEN_PAYLOAD_HARD_MAX + 1), ==, 0);
    /* empty payload */
    g_assert_cmpuint(paten_frame_encode(b, sizeof b, &h, NULL, 0), ==, 16);
    g_assert_cmpuint(b[15], ==, 0);
}

/* Feeds data in chunks of `chunk` bytes (0: all at once) and collects every frame. */
static int feed_all(struct paten_decoder *d, const uint8_t *data, size_t len, size_t chunk,
                    struct paten_frame *frames, int max_frames, int *err)
{
    int n = 0;
    size_t pos = 0;

    *err = 0;
    while (pos < len) {
        size_t take = chunk == 0 || chunk > len - pos ? len - pos : chunk;
        const uint8_t *p = data + pos;
        size_t left = take;
        while (left > 0) {
            size_t used = 0;
            int rc = paten_decoder_feed(d, p, left, &used, &frames[n]);
            g_assert_cmpuint(used, <=, left);
            p += used;
            left -= used;
            if (rc < 0) {
                *err = rc;
                return n;
            }
            if (rc == 1) {
                g_assert_cmpint(n, <, max_frames);
                n++;
            } else {
                g_assert_cmpuint(left, ==, 0);
            }
        }
        pos += take;
    }
    return n;
}

static void test_decode_chunkings(void)
{
    uint8_t stream[512];
    size_t len = 0;
    const char *payloads[] = { "hello", "", "a longer payload of several bytes", "x" };
    struct paten_frame frames[8];
    size_t chunks[] = { 0, 1, 2, 3, 7, 15, 16, 17, 100 };

    for (int i = 0; i < 4; i++)
        len += make_frame(stream + len, sizeof stream - len, 0, (uint16_t)(10 + i),
                          (uint32_t)(100 + i), payloads[i], strlen(payloads[i]));
    for (size_t c = 0; c < G_N_ELEMENTS(chunks); c++) {
        struct paten_decoder d;
        int err;
        paten_decoder_init(&d, 1024);
        int n = feed_all(&d, stream, len, chunks[c], frames, 8, &err);
        g_assert_cmpint(err, ==, 0);
        g_assert_cmpint(n, ==, 4);
        g_assert_false(paten_decoder_mid_frame(&d));
        for (int i = 0; i < 4; i++) {
            g_assert_cmpuint(frames[i].hdr.type, ==, 10 + i);
            g_assert_cmpuint(frames[i].hdr.request_id, ==, 100 + i);
            g_assert_cmpuint(frames[i].hdr.length, ==, strlen(payloads[i]));
            if (frames[i].hdr.length == 0)
                g_assert_null(frames[i].payload);
            else
                g_assert_cmpmem(frames[i].payload, frames[i].hdr.length, payloads[i],
                                strlen(payloads[i]));
            free(frames[i].payload);
        }
        paten_decoder_free(&d);
    }
}

static void test_decode_mid_frame(void)
{
    uint8_t f[64];
    size_t len = make_frame(f, sizeof f, 0, 11, 1, "abcdef", 6);
    struct paten_decoder d;
    struct paten_frame fr;
    size_t used;

    paten_decoder_init(&d, 1024);
    g_assert_false(paten_decoder_mid_frame(&d));
    g_assert_cmpint(paten_decoder_feed(&d, f, 3, &used, &fr), ==, 0);
    g_assert_true(paten_decoder_mid_frame(&d)); /* inside the header */
    g_assert_cmpint(paten_decoder_feed(&d, f + 3, 15, &used, &fr), ==, 0);
    g_assert_true(paten_decoder_mid_frame(&d)); /* inside the payload */
    g_assert_cmpint(paten_decoder_feed(&d, f + 18, len - 18, &used, &fr), ==, 1);
    g_assert_false(paten_decoder_mid_frame(&d));
    free(fr.payload);
    /* A decoder freed with a partial payload leaks nothing (checked by the sanitizers). */
    g_assert_cmpint(paten_decoder_feed(&d, f, 20, &used, &fr), ==, 0);
    paten_decoder_free(&d);
}

static void test_decode_bad_magic_early(void)
{
    struct paten_decoder d;
    struct paten_frame fr;
    size_t used;
    const uint8_t http[] = "GET / HTTP/1.1\r\n\r\n";

    paten_decoder_init(&d, 1024);
    /* Refused at the first byte, before 16 bytes have arrived. */
    g_assert_cmpint(paten_decoder_feed(&d, http, 1, &used, &fr), ==, -PATEN_ERR_BAD_FRAME);
    g_assert_cmpuint(used, ==, 1);
    g_assert_null(paten_decoder_failed_header(&d));
    /* Sticky. */
    g_assert_cmpint(paten_decoder_feed(&d, http, 4, &used, &fr), ==, -PATEN_ERR_BAD_FRAME);
    g_assert_cmpuint(used, ==, 0);
    paten_decoder_free(&d);

    /* Wrong third byte after two good ones, fed one at a time. */
    paten_decoder_init(&d, 1024);
    g_assert_cmpint(paten_decoder_feed(&d, (const uint8_t *)"P", 1, &used, &fr), ==, 0);
    g_assert_cmpint(paten_decoder_feed(&d, (const uint8_t *)"A", 1, &used, &fr), ==, 0);
    g_assert_cmpint(paten_decoder_feed(&d, (const uint8_t *)"X", 1, &used, &fr), ==,
                    -PATEN_ERR_BAD_FRAME);
    paten_decoder_free(&d);
}

static void test_decode_limit_before_alloc(void)
{
    struct paten_decoder d;
    struct paten_frame fr;
    struct paten_frame_header h = {
        .version = 1, .type = 11, .request_id = 42, .length = 0xffffffffu
    };
    uint8_t b[PATEN_FRAME_HEADER_SIZE];
    size_t used;
    const struct paten_frame_header *fh;

    paten_frame_header_pack(&h, b);
    paten_decoder_init(&d, 0xffffffffu); /* clamped to the hard maximum */
    g_assert_cmpuint(d.max_payload, ==, PATEN_PAYLOAD_HARD_MAX);
    g_assert_cmpint(paten_decoder_feed(&d, b, sizeof b, &used, &fr), ==,
                    -PATEN_ERR_FRAME_TOO_LARGE);
    g_assert_null(d.payload); /* nothing was allocated */
    fh = paten_decoder_failed_header(&d);
    g_assert_nonnull(fh);
    g_assert_cmpuint(fh->request_id, ==, 42);
    paten_decoder_free(&d);

    /* The limit can change between frames (larger after Hello). */
    paten_decoder_init(&d, 10);
    h.length = 11;
    h.flags = 0;
    uint8_t f[64];
    size_t n = paten_frame_encode(f, sizeof f, &h, "0123456789a", 11);
    g_assert_cmpint(paten_decoder_feed(&d, f, n, &used, &fr), ==, -PATEN_ERR_FRAME_TOO_LARGE);
    paten_decoder_free(&d);
    paten_decoder_init(&d, 10);
    paten_decoder_set_max_payload(&d, 11);
    g_assert_cmpint(paten_decoder_feed(&d, f, n, &used, &fr), ==, 1);
    free(fr.payload);
    paten_decoder_free(&d);
}

static void test_decode_version_and_flags(void)
{
    struct paten_decoder d;
    struct paten_frame fr;
    uint8_t f[64];
    size_t used;
    size_t n = make_frame(f, sizeof f, 0, 11, 9, "ab", 2);

    f[4] = 7;
    paten_decoder_init(&d, 1024);
    g_assert_cmpint(paten_decoder_feed(&d, f, n, &used, &fr), ==, -PATEN_ERR_UNSUPPORTED_VERSION);
    g_assert_cmpuint(paten_decoder_failed_header(&d)->version, ==, 7);
    g_assert_cmpuint(paten_decoder_failed_header(&d)->request_id, ==, 9);
    paten_decoder_free(&d);

    f[4] = 1;
    f[5] = 0x40;
    paten_decoder_init(&d, 1024);
    g_assert_cmpint(paten_decoder_feed(&d, f, n, &used, &fr), ==, -PATEN_ERR_BAD_FRAME);
    g_assert_nonnull(paten_decoder_failed_header(&d));
    paten_decoder_free(&d);
}

static void *failing_alloc(size_t n)
{
    (void)n;
    return NULL;
}

static void test_decode_alloc_failure(void)
{
    struct paten_decoder d;
    struct paten_frame fr;
    uint8_t f[64];
    size_t used;
    size_t n = make_frame(f, sizeof f, 0, 11, 3, "abc", 3);

    paten_decoder_init(&d, 1024);
    d.alloc = failing_alloc;
    g_assert_cmpint(paten_decoder_feed(&d, f, n, &used, &fr), ==, -PATEN_ERR_RESOURCE_EXHAUSTED);
    g_assert_cmpuint(used, ==, PATEN_FRAME_HEADER_SIZE);
    g_assert_cmpint(paten_decoder_feed(&d, f, n, &used, &fr), ==, -PATEN_ERR_RESOURCE_EXHAUSTED);
    paten_decoder_free(&d);
}

static void test_error_table(void)
{
    for (int c = 0; c < PATEN_ERR_COUNT; c++) {
        g_assert_nonnull(paten_err_name(c));
        g_assert_nonnull(paten_err_message(c));
        g_assert_cmpuint(strlen(paten_err_message(c)), >, 3);
    }
    g_assert_null(paten_err_name(-1));
    g_assert_null(paten_err_name(PATEN_ERR_COUNT));
    g_assert_cmpstr(paten_err_message(999), ==, "Kesalahan tidak dikenal");
    g_assert_false(paten_err_retryable(999));
    g_assert_true(paten_err_retryable(PATEN_ERR_UNAVAILABLE));
    g_assert_false(paten_err_retryable(PATEN_ERR_PERMISSION_DENIED));
    g_assert_true(paten_err_is_framing(PATEN_ERR_BAD_FRAME));
    g_assert_true(paten_err_is_framing(PATEN_ERR_TRUNCATED_FRAME));
    g_assert_false(paten_err_is_framing(PATEN_ERR_BAD_MESSAGE));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/frame/header-layout", test_header_layout);
    g_test_add_func("/frame/unpack-errors", test_unpack_errors);
    g_test_add_func("/frame/encode-limits", test_encode_limits);
    g_test_add_func("/frame/decode-chunkings", test_decode_chunkings);
    g_test_add_func("/frame/decode-mid-frame", test_decode_mid_frame);
    g_test_add_func("/frame/decode-bad-magic-early", test_decode_bad_magic_early);
    g_test_add_func("/frame/decode-limit-before-alloc", test_decode_limit_before_alloc);
    g_test_add_func("/frame/decode-version-and-flags", test_decode_version_and_flags);
    g_test_add_func("/frame/decode-alloc-failure", test_decode_alloc_failure);
    g_test_add_func("/error/table", test_error_table);
    return g_test_run();
}
