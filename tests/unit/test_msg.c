/*
 * test_msg.c: the message-type table agrees with paten.proto (every request type has an entry
 * pairing the right messages, as service Paten declares them), the C error codes agree with the
 * proto's ErrorCode, and frames pack and unpack within the memory bound.
 */
#include "paten_error.h"
#include "paten_limits.h"
#include "paten_msg.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

static void test_table_matches_proto(void)
{
    const ProtobufCEnumDescriptor *types = &paten__message_type__descriptor;
    const ProtobufCServiceDescriptor *svc = &paten__paten__descriptor;

    /* Every request type in the enum has exactly one entry. */
    for (unsigned i = 0; i < types->n_values; i++) {
        int v = types->values[i].value;
        if (v == PATEN__MESSAGE_TYPE__MESSAGE_TYPE_NONE ||
            v == PATEN__MESSAGE_TYPE__MESSAGE_TYPE_EVENT)
            continue;
        const struct paten_msg_info *m = paten_msg_by_type((uint16_t)v);
        if (m == NULL)
            g_error("MessageType %s has no entry in proto/paten_msg.c", types->values[i].name);
    }
    g_assert_cmpuint(paten_msg_count(), ==, svc->n_methods);
    /* Each entry is an rpc of service Paten with the same request and reply. */
    for (size_t i = 0; i < paten_msg_count(); i++) {
        const struct paten_msg_info *m = paten_msg_at(i);
        const ProtobufCMethodDescriptor *md = NULL;
        for (unsigned k = 0; k < svc->n_methods; k++)
            if (strcmp(svc->methods[k].name, m->name) == 0)
                md = &svc->methods[k];
        g_assert_nonnull(md);
        g_assert_true(md->input == m->request);
        g_assert_true(md->output == m->reply);
        g_assert_nonnull(protobuf_c_enum_descriptor_get_value(types, m->type));
        g_assert_true(paten_msg_by_name(m->name) == m);
        g_assert_true(paten_msg_by_name(m->request->short_name) == m);
    }
    g_assert_null(paten_msg_at(paten_msg_count()));
    g_assert_true(paten_msg_by_name("ping") ==
                  paten_msg_by_type(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING));
    g_assert_null(paten_msg_by_name("NoSuchThing"));
    g_assert_null(paten_msg_by_type(0));
}

static void test_error_codes_match_proto(void)
{
    const ProtobufCEnumDescriptor *e = &paten__error_code__descriptor;

    g_assert_cmpuint(e->n_values, ==, PATEN_ERR_COUNT);
    for (unsigned i = 0; i < e->n_values; i++) {
        const char *name = e->values[i].name; /* ERROR_CODE_BAD_FRAME */
        int v = e->values[i].value;
        g_assert_true(g_str_has_prefix(name, "ERROR_CODE_"));
        g_assert_cmpstr(paten_err_name(v), ==, name + strlen("ERROR_CODE_"));
    }
}

static void test_pack_and_unpack(void)
{
    Paten__HelloRequest hello = PATEN__HELLO_REQUEST__INIT;
    struct paten_frame_header h;
    struct paten_unpacked u;
    uint8_t *buf;
    size_t len;
    char name[200];

    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    hello.protocol_major = PATEN_PROTOCOL_MAJOR;
    hello.client_name = name;
    g_assert_cmpint(paten_msg_pack_frame(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, 0, 77,
                                         &hello.base, &buf, &len),
                    ==, 0);
    g_assert_cmpint(paten_frame_header_unpack(buf, PATEN_PAYLOAD_HARD_MAX, &h), ==, 0);
    g_assert_cmpuint(h.request_id, ==, 77);
    g_assert_cmpuint(h.length + PATEN_FRAME_HEADER_SIZE, ==, len);

    /* Within its memory bound the message unpacks; with too small a bound it is refused. */
    g_assert_cmpint(paten_msg_unpack(&u, &paten__hello_request__descriptor,
                                     buf + PATEN_FRAME_HEADER_SIZE, h.length,
                                     paten_msg_unpack_limit(h.length)),
                    ==, 0);
    g_assert_cmpstr(((Paten__HelloRequest *)u.msg)->client_name, ==, name);
    g_assert_cmpuint(u.alloc.used, >, 0);
    paten_msg_unpacked_free(&u);
    g_assert_cmpuint(u.alloc.used, ==, 0);
    paten_msg_unpacked_free(&u); /* idempotent */
    g_assert_cmpint(paten_msg_unpack(&u, &paten__hello_request__descriptor,
                                     buf + PATEN_FRAME_HEADER_SIZE, h.length, 100),
                    ==, -PATEN_ERR_BAD_MESSAGE);
    g_assert_null(u.msg);
    free(buf);

    /* Garbage is refused. */
    static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff };
    g_assert_cmpint(paten_msg_unpack(&u, &paten__ping_request__descriptor, junk, sizeof junk, 4096),
                    ==, -PATEN_ERR_BAD_MESSAGE);

    /* An empty message is a zero-length payload. */
    g_assert_cmpint(paten_msg_pack_frame(PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, PATEN_FLAG_REPLY,
                                         1, NULL, &buf, &len),
                    ==, 0);
    g_assert_cmpuint(len, ==, PATEN_FRAME_HEADER_SIZE);
    free(buf);
}

static void test_pack_error(void)
{
    uint8_t *buf;
    size_t len;
    struct paten_frame_header h;
    struct paten_unpacked u;
    Paten__Error *e;

    g_assert_cmpint(
        paten_msg_pack_error(11, 5, PATEN_ERR_UNAVAILABLE, NULL, "x", "why", &buf, &len), ==, 0);
    g_assert_cmpint(paten_frame_header_unpack(buf, PATEN_PAYLOAD_HARD_MAX, &h), ==, 0);
    g_assert_cmpuint(h.flags, ==, PATEN_FLAG_REPLY | PATEN_FLAG_ERROR);
    g_assert_cmpint(paten_msg_unpack(&u, &paten__error__descriptor, buf + PATEN_FRAME_HEADER_SIZE,
                                     h.length, paten_msg_unpack_limit(h.length)),
                    ==, 0);
    e = (Paten__Error *)u.msg;
    g_assert_cmpint(e->code, ==, PATEN_ERR_UNAVAILABLE);
    g_assert_cmpstr(e->message, ==, paten_err_message(PATEN_ERR_UNAVAILABLE));
    g_assert_cmpstr(e->field, ==, "x");
    g_assert_cmpstr(e->detail, ==, "why");
    g_assert_true(e->retryable);
    paten_msg_unpacked_free(&u);
    free(buf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/msg/table-matches-proto", test_table_matches_proto);
    g_test_add_func("/msg/error-codes-match-proto", test_error_codes_match_proto);
    g_test_add_func("/msg/pack-and-unpack", test_pack_and_unpack);
    g_test_add_func("/msg/pack-error", test_pack_error);
    return g_test_run();
}
