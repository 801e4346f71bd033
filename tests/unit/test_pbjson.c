/* test_pbjson.c: unit tests for cli/pbjson.c (proto3 JSON <-> protobuf-c), run with --tap.
 *
 * Messages come from tests/unit/pbjson_test.proto, which has a field of every kind. Errors are
 * compared by code and full message, since the message (with its field path) is what a patenctl
 * user reads. Every test frees what it builds, so running under ASan or valgrind also checks that
 * error paths free partially built messages.
 */
#include "pbjson.h"
#include "pbjson_test.pb-c.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef Pbjsontest__Everything Everything;
#define EVERYTHING (&pbjsontest__everything__descriptor)

/* ------------------------------------------------------------------------------------------------
 * Helpers
 */

static void free_msg(void *msg)
{
    protobuf_c_message_free_unpacked(msg, NULL);
}

static Everything *parse_ok(const char *json)
{
    g_autoptr(GError) error = NULL;
    ProtobufCMessage *msg = pbjson_parse(EVERYTHING, json, &error);
    g_assert_no_error(error);
    g_assert_nonnull(msg);
    g_assert_true(msg->descriptor == EVERYTHING);
    return (Everything *)msg;
}

/* JSON text of msg as json-glib prints it (compact). */
static char *to_json(const void *msg, gboolean emit_defaults)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = pbjson_from_message_full(msg, emit_defaults, &error);
    g_assert_no_error(error);
    g_assert_nonnull(node);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(node));
    return json_to_string(node, FALSE);
}

/* Parses json, then checks that printing it gives exactly `expected`. */
static void assert_converts(const char *json, const char *expected)
{
    Everything *m = parse_ok(json);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, expected);
    free_msg(m);
}

static void assert_parse_error_desc(const ProtobufCMessageDescriptor *desc, const char *json,
                                    gint code, const char *message)
{
    g_autoptr(GError) error = NULL;
    ProtobufCMessage *msg = pbjson_parse(desc, json, &error);
    if (msg != NULL) {
        free_msg(msg);
        g_error("accepted %s", json);
    }
    g_assert_error(error, PBJSON_ERROR, code);
    g_assert_cmpstr(error->message, ==, message);
}

static void assert_parse_error(const char *json, gint code, const char *message)
{
    assert_parse_error_desc(EVERYTHING, json, code, message);
}

/* The same conversion error through pbjson_to_message with a tree built by json-glib's parser. */
static void assert_node_error(const char *json, gint code, const char *message)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = json_from_string(json, &error);
    g_assert_no_error(error);
    ProtobufCMessage *msg = pbjson_to_message(EVERYTHING, node, &error);
    if (msg != NULL) {
        free_msg(msg);
        g_error("accepted %s", json);
    }
    g_assert_error(error, PBJSON_ERROR, code);
    g_assert_cmpstr(error->message, ==, message);
}

static Everything *node_ok(const char *json)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = json_from_string(json, &error);
    g_assert_no_error(error);
    ProtobufCMessage *msg = pbjson_to_message(EVERYTHING, node, &error);
    g_assert_no_error(error);
    g_assert_nonnull(msg);
    return (Everything *)msg;
}

/* {"recurse":{"recurse":...{inner}...}} with `levels` objects in all. */
static char *nested_recurse(int levels, const char *inner)
{
    GString *s = g_string_new(NULL);
    for (int i = 1; i < levels; i++)
        g_string_append(s, "{\"recurse\":");
    g_string_append_printf(s, "{%s}", inner);
    for (int i = 1; i < levels; i++)
        g_string_append_c(s, '}');
    return g_string_free(s, FALSE);
}

static char *repeat(const char *piece, int times)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < times; i++)
        g_string_append(s, piece);
    return g_string_free(s, FALSE);
}

/* ------------------------------------------------------------------------------------------------
 * A descriptor with optional fields, laid out exactly as protoc-gen-c lays out optional fields
 * (has_ flags for scalars and bytes, pointer presence for strings and messages). protoc refuses
 * proto3 `optional` with protoc-gen-c 1.4.1, so the test proto cannot declare them. One required
 * field covers proto2's "always emitted".
 */

typedef struct {
    ProtobufCMessage base;
    protobuf_c_boolean has_o_int32;
    int32_t o_int32;
    char *o_string;
    protobuf_c_boolean has_o_bytes;
    ProtobufCBinaryData o_bytes;
    protobuf_c_boolean has_o_enum;
    Pbjsontest__Colour o_enum;
    protobuf_c_boolean has_o_uint64;
    uint64_t o_uint64;
    Pbjsontest__Inner *o_message;
    int32_t req_int32;
} OptMsg;

static const ProtobufCMessageDescriptor opt_msg_descriptor;

/* Has the ProtobufCMessageInit signature itself, so no function pointer cast is needed. */
static void opt_msg_init(ProtobufCMessage *m)
{
    static const OptMsg init = { PROTOBUF_C_MESSAGE_INIT(&opt_msg_descriptor), 0 };
    *(OptMsg *)m = init;
}

static const ProtobufCFieldDescriptor opt_msg_fields[] = {
    { "o_int32", 1, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_INT32, offsetof(OptMsg, has_o_int32),
      offsetof(OptMsg, o_int32), NULL, NULL, 0, 0, NULL, NULL },
    { "o_string", 2, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_STRING, 0,
      offsetof(OptMsg, o_string), NULL, NULL, 0, 0, NULL, NULL },
    { "o_bytes", 3, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_BYTES, offsetof(OptMsg, has_o_bytes),
      offsetof(OptMsg, o_bytes), NULL, NULL, 0, 0, NULL, NULL },
    { "o_enum", 4, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_ENUM, offsetof(OptMsg, has_o_enum),
      offsetof(OptMsg, o_enum), &pbjsontest__colour__descriptor, NULL, 0, 0, NULL, NULL },
    { "o_uint64", 5, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_UINT64,
      offsetof(OptMsg, has_o_uint64), offsetof(OptMsg, o_uint64), NULL, NULL, 0, 0, NULL, NULL },
    { "o_message", 6, PROTOBUF_C_LABEL_OPTIONAL, PROTOBUF_C_TYPE_MESSAGE, 0,
      offsetof(OptMsg, o_message), &pbjsontest__inner__descriptor, NULL, 0, 0, NULL, NULL },
    { "req_int32", 7, PROTOBUF_C_LABEL_REQUIRED, PROTOBUF_C_TYPE_INT32, 0,
      offsetof(OptMsg, req_int32), NULL, NULL, 0, 0, NULL, NULL },
};
static const unsigned opt_msg_fields_by_name[] = { 2, 3, 0, 5, 1, 4, 6 };
static const ProtobufCIntRange opt_msg_ranges[] = { { 1, 0 }, { 0, 7 } };
static const ProtobufCMessageDescriptor opt_msg_descriptor = {
    PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
    "pbjsontest.OptMsg",
    "OptMsg",
    "OptMsg",
    "pbjsontest",
    sizeof(OptMsg),
    G_N_ELEMENTS(opt_msg_fields),
    opt_msg_fields,
    opt_msg_fields_by_name,
    1,
    opt_msg_ranges,
    opt_msg_init,
    NULL,
    NULL,
    NULL,
};

/* ------------------------------------------------------------------------------------------------
 * Names
 */

static void test_json_name(void)
{
    static const char *const cases[][2] = {
        { "freeze_at_ms", "freezeAtMs" },
        { "f_int32", "fInt32" },
        { "trailing_", "trailing" },
        { "name2x", "name2x" },
        { "_lead", "Lead" },
        { "a__b", "aB" },
        { "already_camelCase", "alreadyCamelCase" },
        { "", "" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *name = pbjson_json_name(cases[i][0]);
        g_assert_cmpstr(name, ==, cases[i][1]);
    }
}

static void test_field_names(void)
{
    /* Proto names and JSON names are both accepted; output always uses JSON names. */
    Everything *m = parse_ok("{\"f_int32\":1,\"snake_case_name\":2,\"trailing_\":3,\"name2x\":4}");
    g_assert_cmpint(m->f_int32, ==, 1);
    g_assert_cmpint(m->snake_case_name, ==, 2);
    g_assert_cmpint(m->trailing_, ==, 3);
    g_assert_cmpint(m->name2x, ==, 4);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, "{\"fInt32\":1,\"snakeCaseName\":2,\"trailing\":3,\"name2x\":4}");
    free_msg(m);

    assert_converts("{\"snakeCaseName\":5,\"trailing\":6}", "{\"snakeCaseName\":5,\"trailing\":6}");

    assert_parse_error("{\"fInt32\":1,\"f_int32\":2}", PBJSON_ERROR_TYPE,
                       "f_int32: field given twice (also as 'fInt32')");
    assert_parse_error("{\"bogus\":1}", PBJSON_ERROR_UNKNOWN_FIELD,
                       "bogus: unknown field (pbjsontest.Everything has no field 'bogus')");
    /* JSON names are case-sensitive and must match completely. */
    assert_parse_error("{\"FInt32\":1}", PBJSON_ERROR_UNKNOWN_FIELD,
                       "FInt32: unknown field (pbjsontest.Everything has no field 'FInt32')");
    assert_parse_error("{\"fInt32x\":1}", PBJSON_ERROR_UNKNOWN_FIELD,
                       "fInt32x: unknown field (pbjsontest.Everything has no field 'fInt32x')");
    assert_parse_error("{\"fInt\":1}", PBJSON_ERROR_UNKNOWN_FIELD,
                       "fInt: unknown field (pbjsontest.Everything has no field 'fInt')");
    assert_parse_error(
        "{\"fMessage\":{\"child\":{\"bogus\":1}}}", PBJSON_ERROR_UNKNOWN_FIELD,
        "fMessage.child.bogus: unknown field (pbjsontest.Inner has no field 'bogus')");

    /* A NULL GError pointer is allowed. */
    g_assert_null(pbjson_parse(EVERYTHING, "{\"bogus\":1}", NULL));
}

/* ------------------------------------------------------------------------------------------------
 * Integers
 */

static void test_int32_limits(void)
{
    Everything *m =
        parse_ok("{\"fInt32\":2147483647,\"fUint32\":4294967295,\"fSint32\":-2147483648,"
                 "\"fFixed32\":4294967295,\"fSfixed32\":-2147483648}");
    g_assert_cmpint(m->f_int32, ==, INT32_MAX);
    g_assert_cmpuint(m->f_uint32, ==, UINT32_MAX);
    g_assert_cmpint(m->f_sint32, ==, INT32_MIN);
    g_assert_cmpuint(m->f_fixed32, ==, UINT32_MAX);
    g_assert_cmpint(m->f_sfixed32, ==, INT32_MIN);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==,
                    "{\"fInt32\":2147483647,\"fUint32\":4294967295,\"fSint32\":-2147483648,"
                    "\"fFixed32\":4294967295,\"fSfixed32\":-2147483648}");
    free_msg(m);

    /* The other ends, and decimal strings. */
    assert_converts(
        "{\"fInt32\":\"-2147483648\",\"fSint32\":\"2147483647\",\"fSfixed32\":2147483647,"
        "\"fUint32\":\"1\"}",
        "{\"fInt32\":-2147483648,\"fUint32\":1,\"fSint32\":2147483647,"
        "\"fSfixed32\":2147483647}");
    /* Integral numbers in any notation are integers. */
    assert_converts("{\"fInt32\":12.50e1,\"fUint32\":1.0,\"fSint32\":-0,\"fFixed32\":\"007\","
                    "\"fSfixed32\":-1e3}",
                    "{\"fInt32\":125,\"fUint32\":1,\"fFixed32\":7,\"fSfixed32\":-1000}");
}

static void test_int64_limits(void)
{
    static const char canonical[] =
        "{\"fInt64\":\"-9223372036854775808\",\"fUint64\":\"18446744073709551615\","
        "\"fSint64\":\"9223372036854775807\",\"fFixed64\":\"18446744073709551615\","
        "\"fSfixed64\":\"-9223372036854775808\"}";
    Everything *m = parse_ok(canonical);
    g_assert_cmpint(m->f_int64, ==, INT64_MIN);
    g_assert_cmpuint(m->f_uint64, ==, UINT64_MAX);
    g_assert_cmpint(m->f_sint64, ==, INT64_MAX);
    g_assert_cmpuint(m->f_fixed64, ==, UINT64_MAX);
    g_assert_cmpint(m->f_sfixed64, ==, INT64_MIN);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, canonical);
    free_msg(m);

    assert_converts("{\"fInt64\":\"9223372036854775807\",\"fSint64\":\"-9223372036854775808\","
                    "\"fSfixed64\":\"9223372036854775807\"}",
                    "{\"fInt64\":\"9223372036854775807\",\"fSint64\":\"-9223372036854775808\","
                    "\"fSfixed64\":\"9223372036854775807\"}");
}

static void test_int64_as_numbers(void)
{
    /* Bare JSON numbers keep every digit, beyond int64 and in exponent form too. */
    Everything *m = parse_ok("{\"fInt64\":9223372036854775807,\"fSint64\":-9223372036854775808,"
                             "\"fUint64\":18446744073709551615,\"fFixed64\":1e19,"
                             "\"fSfixed64\":-922337203685477580.8e1}");
    g_assert_cmpint(m->f_int64, ==, INT64_MAX);
    g_assert_cmpint(m->f_sint64, ==, INT64_MIN);
    g_assert_cmpuint(m->f_uint64, ==, UINT64_MAX);
    g_assert_cmpuint(m->f_fixed64, ==, G_GUINT64_CONSTANT(10000000000000000000));
    g_assert_cmpint(m->f_sfixed64, ==, INT64_MIN);
    free_msg(m);

    m = parse_ok("{\"fUint64\":1.8446744073709551615e19,\"fInt64\":9007199254740993}");
    g_assert_cmpuint(m->f_uint64, ==, UINT64_MAX);
    /* 2^53 + 1: not representable as a double, still exact here. */
    g_assert_cmpint(m->f_int64, ==, G_GINT64_CONSTANT(9007199254740993));
    free_msg(m);

    m = parse_ok("{\"fInt32\":1E+2,\"fUint32\":250e-1}");
    g_assert_cmpint(m->f_int32, ==, 100);
    g_assert_cmpuint(m->f_uint32, ==, 25);
    free_msg(m);
    m = parse_ok("{\"fInt64\":0.0e5,\"fUint64\":-0.0,\"fFixed64\":0e-99999999999}");
    g_assert_cmpint(m->f_int64, ==, 0);
    g_assert_cmpuint(m->f_uint64, ==, 0);
    g_assert_cmpuint(m->f_fixed64, ==, 0);
    free_msg(m);
}

static void test_int_errors(void)
{
    static const struct {
        const char *json;
        gint code;
        const char *message;
    } cases[] = {
        { "{\"fInt32\":2147483648}", PBJSON_ERROR_RANGE,
          "fInt32: 2147483648 is out of range for int32" },
        { "{\"fInt32\":-2147483649}", PBJSON_ERROR_RANGE,
          "fInt32: -2147483649 is out of range for int32" },
        { "{\"fSint32\":\"2147483648\"}", PBJSON_ERROR_RANGE,
          "fSint32: 2147483648 is out of range for sint32" },
        { "{\"fSfixed32\":-2.147483649e9}", PBJSON_ERROR_RANGE,
          "fSfixed32: -2.147483649e9 is out of range for sfixed32" },
        { "{\"fUint32\":-1}", PBJSON_ERROR_RANGE, "fUint32: -1 is out of range for uint32" },
        { "{\"fFixed32\":4294967296}", PBJSON_ERROR_RANGE,
          "fFixed32: 4294967296 is out of range for fixed32" },
        { "{\"fInt64\":9223372036854775808}", PBJSON_ERROR_RANGE,
          "fInt64: 9223372036854775808 is out of range for int64" },
        { "{\"fInt64\":-9223372036854775809}", PBJSON_ERROR_RANGE,
          "fInt64: -9223372036854775809 is out of range for int64" },
        { "{\"fSint64\":\"9223372036854775808\"}", PBJSON_ERROR_RANGE,
          "fSint64: 9223372036854775808 is out of range for sint64" },
        { "{\"fSfixed64\":\"-9223372036854775809\"}", PBJSON_ERROR_RANGE,
          "fSfixed64: -9223372036854775809 is out of range for sfixed64" },
        { "{\"fUint64\":18446744073709551616}", PBJSON_ERROR_RANGE,
          "fUint64: 18446744073709551616 is out of range for uint64" },
        { "{\"fUint64\":\"18446744073709551616\"}", PBJSON_ERROR_RANGE,
          "fUint64: 18446744073709551616 is out of range for uint64" },
        { "{\"fUint64\":\"-1\"}", PBJSON_ERROR_RANGE, "fUint64: -1 is out of range for uint64" },
        { "{\"fFixed64\":1e20}", PBJSON_ERROR_RANGE, "fFixed64: 1e20 is out of range for fixed64" },
        { "{\"fFixed64\":1e400}", PBJSON_ERROR_RANGE,
          "fFixed64: 1e400 is out of range for fixed64" },
        { "{\"fUint64\":1.8446744073709551616e19}", PBJSON_ERROR_RANGE,
          "fUint64: 1.8446744073709551616e19 is out of range for uint64" },
        /* Fractions, however small, are refused rather than rounded. */
        { "{\"fInt32\":1.5}", PBJSON_ERROR_RANGE, "fInt32: 1.5 is not an integer (int32)" },
        { "{\"fInt64\":1e-400}", PBJSON_ERROR_RANGE, "fInt64: 1e-400 is not an integer (int64)" },
        { "{\"fUint64\":1.0000000000000000001}", PBJSON_ERROR_RANGE,
          "fUint64: 1.0000000000000000001 is not an integer (uint64)" },
        /* Strings must be plain decimal integers. */
        { "{\"fInt32\":\"1.5\"}", PBJSON_ERROR_TYPE,
          "fInt32: expected an integer (int32), got a string '1.5'" },
        { "{\"fInt32\":\"abc\"}", PBJSON_ERROR_TYPE,
          "fInt32: expected an integer (int32), got a string 'abc'" },
        { "{\"fInt32\":\" 1\"}", PBJSON_ERROR_TYPE,
          "fInt32: expected an integer (int32), got a string ' 1'" },
        { "{\"fInt32\":\"\"}", PBJSON_ERROR_TYPE,
          "fInt32: expected an integer (int32), got a string ''" },
        { "{\"fUint64\":\"+1\"}", PBJSON_ERROR_TYPE,
          "fUint64: expected an integer (uint64), got a string '+1'" },
        { "{\"fInt64\":\"1e3\"}", PBJSON_ERROR_TYPE,
          "fInt64: expected an integer (int64), got a string '1e3'" },
        { "{\"fInt32\":\"-\"}", PBJSON_ERROR_TYPE,
          "fInt32: expected an integer (int32), got a string '-'" },
        /* Other JSON types. */
        { "{\"fInt32\":true}", PBJSON_ERROR_TYPE, "fInt32: expected an integer (int32), got true" },
        { "{\"fInt64\":[1]}", PBJSON_ERROR_TYPE,
          "fInt64: expected an integer (int64), got an array" },
        { "{\"fUint32\":{}}", PBJSON_ERROR_TYPE,
          "fUint32: expected an integer (uint32), got an object" },
        /* The example from the brief: the path names the nested field. */
        { "{\"fMessage\":{\"child\":{\"count\":\"abc\"}}}", PBJSON_ERROR_TYPE,
          "fMessage.child.count: expected an integer (int32), got a string 'abc'" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_parse_error(cases[i].json, cases[i].code, cases[i].message);
}

static void test_error_quoting(void)
{
    g_autofree char *long_value = repeat("a", 50);
    g_autofree char *json = g_strdup_printf("{\"fInt32\":\"%s\"}", long_value);
    g_autofree char *forty = repeat("a", 40);
    g_autofree char *message =
        g_strdup_printf("fInt32: expected an integer (int32), got a string '%s...'", forty);
    assert_parse_error(json, PBJSON_ERROR_TYPE, message);

    /* Quotes, backslashes and controls are escaped; other UTF-8 is kept. */
    assert_parse_error("{\"fInt32\":\"it's\\\\ \\n\\u007f ü\"}", PBJSON_ERROR_TYPE,
                       "fInt32: expected an integer (int32), got a string 'it\\'s\\\\ \\x0a\\x7f "
                       "ü'");
    assert_parse_error("{\"fInt32\":false}", PBJSON_ERROR_TYPE,
                       "fInt32: expected an integer (int32), got false");
}

/* Trees built by json-glib's own parser: numbers there are already int64 or double. */
static void test_node_numbers(void)
{
    Everything *m = node_ok("{\"fInt64\":1e3,\"fInt32\":-7,\"fDouble\":5,\"fUint64\":4.0}");
    g_assert_cmpint(m->f_int64, ==, 1000);
    g_assert_cmpint(m->f_int32, ==, -7);
    g_assert_cmpfloat(m->f_double, ==, 5.0);
    g_assert_cmpuint(m->f_uint64, ==, 4);
    free_msg(m);

    m = node_ok("{\"fInt64\":-9007199254740992.0,\"fInt32\":-2147483648.0}");
    g_assert_cmpint(m->f_int64, ==, -G_GINT64_CONSTANT(9007199254740992));
    g_assert_cmpint(m->f_int32, ==, INT32_MIN);
    free_msg(m);

    assert_node_error("{\"fInt32\":1.5}", PBJSON_ERROR_RANGE,
                      "fInt32: 1.5 is not an integer (int32)");
    assert_node_error("{\"fInt32\":2147483648.0}", PBJSON_ERROR_RANGE,
                      "fInt32: 2147483648 is out of range for int32");
    assert_node_error("{\"fInt64\":9007199254740994.0}", PBJSON_ERROR_RANGE,
                      "fInt64: 9007199254740994 is out of range for int64 or not exact as a "
                      "JSON number (write 64-bit values as decimal strings)");
    /* json-glib parses 1e400 as infinity. */
    assert_node_error("{\"fInt64\":1e400}", PBJSON_ERROR_RANGE,
                      "fInt64: inf is not an integer (int64)");
    assert_node_error("{\"fDouble\":1e400}", PBJSON_ERROR_RANGE,
                      "fDouble: inf is out of range for double");
    assert_node_error("{\"fFloat\":1e39}", PBJSON_ERROR_RANGE,
                      "fFloat: 9.9999999999999994e+38 is out of range for float");
    /* json-glib wraps 2^64-1 to -1; the wrap is at least not taken as a valid uint64. */
    assert_node_error("{\"fUint64\":18446744073709551615}", PBJSON_ERROR_RANGE,
                      "fUint64: -1 is out of range for uint64");
    assert_node_error("{\"fBool\":1.5}", PBJSON_ERROR_TYPE,
                      "fBool: expected true or false, got the number 1.5");
    assert_node_error("[1]", PBJSON_ERROR_TYPE,
                      "expected a JSON object (pbjsontest.Everything), got an array");
}

/* ------------------------------------------------------------------------------------------------
 * Floating point, bool
 */

static void test_floating(void)
{
    Everything *m = parse_ok("{\"fFloat\":0.1,\"fDouble\":-2.5e-300}");
    g_assert_cmpfloat(m->f_float, ==, 0.1f);
    g_assert_cmpfloat(m->f_double, ==, -2.5e-300);
    g_autoptr(JsonNode) node = pbjson_from_message(&m->base, FALSE);
    JsonObject *obj = json_node_get_object(node);
    /* A float prints as its shortest decimal, 0.1, not as 0.10000000149011612. */
    g_assert_cmpfloat(json_object_get_double_member(obj, "fFloat"), ==, 0.1);
    g_assert_cmpfloat(json_object_get_double_member(obj, "fDouble"), ==, -2.5e-300);
    free_msg(m);

    m = parse_ok("{\"fFloat\":\"NaN\",\"fDouble\":\"-Infinity\",\"rFloat\":[\"Infinity\",1e-45],"
                 "\"rDouble\":[\"NaN\",\"Infinity\",\"1.5\",12,\"-2e-3\"]}");
    g_assert_true(isnan(m->f_float));
    g_assert_true(isinf(m->f_double) && m->f_double < 0);
    g_assert_cmpuint(m->n_r_float, ==, 2);
    g_assert_true(isinf(m->r_float[0]) && m->r_float[0] > 0);
    g_assert_cmpfloat(m->r_float[1], >, 0); /* denormal, not flushed to zero */
    g_assert_cmpuint(m->n_r_double, ==, 5);
    g_assert_true(isnan(m->r_double[0]));
    g_assert_cmpfloat(m->r_double[2], ==, 1.5);
    g_assert_cmpfloat(m->r_double[3], ==, 12.0);
    g_assert_cmpfloat(m->r_double[4], ==, -0.002);
    g_autoptr(JsonNode) special = pbjson_from_message(&m->base, FALSE);
    JsonObject *sobj = json_node_get_object(special);
    g_assert_cmpstr(json_object_get_string_member(sobj, "fFloat"), ==, "NaN");
    g_assert_cmpstr(json_object_get_string_member(sobj, "fDouble"), ==, "-Infinity");
    JsonArray *rf = json_object_get_array_member(sobj, "rFloat");
    g_assert_cmpstr(json_array_get_string_element(rf, 0), ==, "Infinity");
    /* The smallest denormal float's shortest decimal is 1e-45. */
    g_assert_cmpfloat(json_array_get_double_element(rf, 1), ==, 1e-45);
    json_object_remove_member(sobj, "rFloat");
    g_autofree char *out = json_to_string(special, FALSE);
    g_assert_cmpstr(out, ==,
                    "{\"fFloat\":\"NaN\",\"fDouble\":\"-Infinity\",\"rDouble\":[\"NaN\","
                    "\"Infinity\",1.5,12.0,-0.002]}");
    free_msg(m);

    /* Just above FLT_MAX still rounds to FLT_MAX; a float cannot become infinity by overflow. */
    m = parse_ok("{\"fFloat\":3.4028235e38,\"fDouble\":1.7976931348623157e308}");
    g_assert_cmpfloat(m->f_float, ==, FLT_MAX);
    g_assert_cmpfloat(m->f_double, ==, DBL_MAX);
    free_msg(m);

    assert_parse_error("{\"fFloat\":3.5e38}", PBJSON_ERROR_RANGE,
                       "fFloat: 3.5e38 is out of range for float");
    assert_parse_error("{\"fFloat\":\"-3.5e38\"}", PBJSON_ERROR_RANGE,
                       "fFloat: -3.5e38 is out of range for float");
    assert_parse_error("{\"fDouble\":1e400}", PBJSON_ERROR_RANGE,
                       "fDouble: 1e400 is out of range for double");
    assert_parse_error("{\"fDouble\":\"-1e400\"}", PBJSON_ERROR_RANGE,
                       "fDouble: -1e400 is out of range for double");
    assert_parse_error("{\"fDouble\":\"nan\"}", PBJSON_ERROR_TYPE,
                       "fDouble: expected a number (double), got a string 'nan'");
    assert_parse_error("{\"fDouble\":\"\"}", PBJSON_ERROR_TYPE,
                       "fDouble: expected a number (double), got a string ''");
    assert_parse_error("{\"fDouble\":\"1.5x\"}", PBJSON_ERROR_TYPE,
                       "fDouble: expected a number (double), got a string '1.5x'");
    assert_parse_error("{\"fFloat\":true}", PBJSON_ERROR_TYPE,
                       "fFloat: expected a number (float), got true");
    assert_parse_error("{\"rDouble\":[1,{}]}", PBJSON_ERROR_TYPE,
                       "rDouble[1]: expected a number (double), got an object");
}

static void test_bool(void)
{
    Everything *m = parse_ok("{\"fBool\":true,\"rBool\":[false,true]}");
    g_assert_true(m->f_bool);
    g_assert_cmpuint(m->n_r_bool, ==, 2);
    g_assert_false(m->r_bool[0]);
    g_assert_true(m->r_bool[1]);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, "{\"fBool\":true,\"rBool\":[false,true]}");
    free_msg(m);

    assert_converts("{\"fBool\":false}", "{}");
    assert_parse_error("{\"fBool\":\"true\"}", PBJSON_ERROR_TYPE,
                       "fBool: expected true or false, got a string 'true'");
    assert_parse_error("{\"fBool\":1}", PBJSON_ERROR_TYPE,
                       "fBool: expected true or false, got the number 1");
    assert_parse_error("{\"fBool\":[]}", PBJSON_ERROR_TYPE,
                       "fBool: expected true or false, got an array");
    assert_parse_error("{\"fBool\":0.5}", PBJSON_ERROR_TYPE,
                       "fBool: expected true or false, got the number 0.5");
}

/* ------------------------------------------------------------------------------------------------
 * Strings and bytes
 */

static void test_strings(void)
{
    Everything *m = parse_ok("{\"fString\":\"Grüße, 世界 😀 \\u00e9\\ud83d\\ude00\\n\\\"q\\\" "
                             "\\\\\\/\\b\\f\\r\\t\",\"rString\":[\"a\",\"\",\"Ünïcödé\"]}");
    g_assert_cmpstr(m->f_string, ==, "Grüße, 世界 😀 é😀\n\"q\" \\/\b\f\r\t");
    g_assert_cmpuint(m->n_r_string, ==, 3);
    g_assert_cmpstr(m->r_string[1], ==, "");
    g_assert_cmpstr(m->r_string[2], ==, "Ünïcödé");
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==,
                    "{\"fString\":\"Grüße, 世界 😀 é😀\\n\\\"q\\\" \\\\/\\b\\f\\r\\t\","
                    "\"rString\":[\"a\",\"\",\"Ünïcödé\"]}");
    free_msg(m);

    /* An empty plain string stays at the shared default, as the unpacker leaves it. */
    m = parse_ok("{\"fString\":\"\"}");
    g_assert_true(m->f_string == protobuf_c_empty_string);
    free_msg(m);
    m = parse_ok("{\"fString\":null}");
    g_assert_true(m->f_string == protobuf_c_empty_string);
    free_msg(m);

    assert_parse_error("{\"fString\":5}", PBJSON_ERROR_TYPE,
                       "fString: expected a string, got the number 5");
    assert_parse_error("{\"rString\":[\"a\",\"b\",[]]}", PBJSON_ERROR_TYPE,
                       "rString[2]: expected a string, got an array");
    assert_parse_error("{\"fString\":\"\\u0000\"}", PBJSON_ERROR_ENCODING,
                       "invalid JSON at line 1, column 13: \\u0000 cannot be carried in a "
                       "protobuf string");
    assert_parse_error("{\"fString\":\"\xff\"}", PBJSON_ERROR_ENCODING,
                       "invalid JSON at line 1, column 13: not valid UTF-8");
    assert_parse_error("{\"fString\":\"ok\",\"rString\":[\"\xc3\x28\"]}", PBJSON_ERROR_ENCODING,
                       "invalid JSON at line 1, column 29: not valid UTF-8");
}

/* Invalid UTF-8 that reaches the converter in a tree (json-glib does not check set_string). */
static void test_strings_invalid_utf8_nodes(void)
{
    g_autoptr(JsonObject) obj = json_object_new();
    json_object_set_string_member(obj, "fString", "ab\xc3\x28");
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), obj);
    g_autoptr(GError) error = NULL;
    g_assert_null(pbjson_to_message(EVERYTHING, node, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_ENCODING);
    g_assert_cmpstr(error->message, ==, "fString: string is not valid UTF-8 (at byte 2)");
    g_clear_error(&error);

    /* In a repeated field after valid elements (their copies must be freed), and as a wrong type
     * (the error message must not quote invalid bytes). */
    g_autoptr(JsonArray) arr = json_array_new();
    json_array_add_string_element(arr, "fine");
    json_array_add_string_element(arr, "\xff");
    g_autoptr(JsonObject) obj2 = json_object_new();
    json_object_set_array_member(obj2, "rString", json_array_ref(arr));
    g_autoptr(JsonNode) node2 = json_node_init_object(json_node_alloc(), obj2);
    g_assert_null(pbjson_to_message(EVERYTHING, node2, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_ENCODING);
    g_assert_cmpstr(error->message, ==, "rString[1]: string is not valid UTF-8 (at byte 0)");
    g_clear_error(&error);

    g_autoptr(JsonObject) obj3 = json_object_new();
    json_object_set_string_member(obj3, "fInt32", "\xff");
    json_object_set_string_member(obj3, "fEnum", "\xfe");
    g_autoptr(JsonNode) node3 = json_node_init_object(json_node_alloc(), obj3);
    g_assert_null(pbjson_to_message(EVERYTHING, node3, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_TYPE);
    g_assert_cmpstr(error->message, ==,
                    "fInt32: expected an integer (int32), got a string that is not valid UTF-8");
    g_clear_error(&error);
    json_object_remove_member(obj3, "fInt32");
    g_assert_null(pbjson_to_message(EVERYTHING, node3, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_RANGE);
    g_assert_cmpstr(error->message, ==,
                    "fEnum: unknown value '(not UTF-8)' for enum pbjsontest.Colour");
}

static void test_strings_invalid_utf8_output(void)
{
    Everything m = PBJSONTEST__EVERYTHING__INIT;
    char bad[] = "bad\xff";
    m.f_string = bad;
    g_autoptr(GError) error = NULL;
    g_assert_null(pbjson_from_message_full(&m.base, FALSE, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_ENCODING);
    g_assert_cmpstr(error->message, ==, "fString: string is not valid UTF-8 (at byte 3)");

    g_assert_null(pbjson_print(&m.base, FALSE, FALSE, NULL));

    g_test_expect_message("pbjson", G_LOG_LEVEL_WARNING,
                          "cannot convert pbjsontest.Everything to JSON: fString: string is not "
                          "valid UTF-8 (at byte 3)");
    g_assert_null(pbjson_from_message(&m.base, FALSE));
    g_test_assert_expected_messages();
}

static void test_bytes(void)
{
    static const guint8 fb_ff[] = { 0xfb, 0xff };
    /* The same two bytes in the standard and the URL-safe alphabet, with and without padding. */
    static const char *const spellings[] = { "+/8=", "+/8", "-_8=", "-_8" };
    for (size_t i = 0; i < G_N_ELEMENTS(spellings); i++) {
        g_autofree char *json = g_strdup_printf("{\"fBytes\":\"%s\"}", spellings[i]);
        Everything *m = parse_ok(json);
        g_assert_cmpmem(m->f_bytes.data, m->f_bytes.len, fb_ff, sizeof fb_ff);
        g_autofree char *out = to_json(m, FALSE);
        g_assert_cmpstr(out, ==, "{\"fBytes\":\"+/8=\"}");
        free_msg(m);
    }

    Everything *m = parse_ok("{\"rBytes\":[\"aGVsbG8=\",\"aGVsbA\",\"\",\"aGVs\",\"AA==\"]}");
    g_assert_cmpuint(m->n_r_bytes, ==, 5);
    g_assert_cmpmem(m->r_bytes[0].data, m->r_bytes[0].len, "hello", 5);
    g_assert_cmpmem(m->r_bytes[1].data, m->r_bytes[1].len, "hell", 4);
    g_assert_cmpuint(m->r_bytes[2].len, ==, 0);
    g_assert_null(m->r_bytes[2].data);
    g_assert_cmpmem(m->r_bytes[3].data, m->r_bytes[3].len, "hel", 3);
    g_assert_cmpmem(m->r_bytes[4].data, m->r_bytes[4].len, "\0", 1);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, "{\"rBytes\":[\"aGVsbG8=\",\"aGVsbA==\",\"\",\"aGVs\",\"AA==\"]}");
    free_msg(m);

    m = parse_ok("{\"fBytes\":\"\"}");
    g_assert_cmpuint(m->f_bytes.len, ==, 0);
    g_assert_null(m->f_bytes.data);
    free_msg(m);

    static const struct {
        const char *value;
        const char *message;
    } bad[] = {
        { "aGVsbG8==", "fBytes: invalid base64: wrong padding" },
        { "aGVsbA=", "fBytes: invalid base64: wrong padding" },
        { "aGVs=", "fBytes: invalid base64: wrong padding" },
        { "=", "fBytes: invalid base64: wrong padding" },
        { "a", "fBytes: invalid base64: 1 characters cannot encode whole bytes" },
        { "aGVsb", "fBytes: invalid base64: 5 characters cannot encode whole bytes" },
        { "aGV$", "fBytes: invalid base64: character '$' at offset 3" },
        { "aG=s", "fBytes: invalid base64: character '=' at offset 2" },
        { "aGVs bG8=", "fBytes: invalid base64: character ' ' at offset 4" },
        { "aGVs\\nbG8=", "fBytes: invalid base64: byte 0x0a at offset 4" },
        { "+/-_", "fBytes: invalid base64: mixes the standard (+/) and URL-safe (-_) alphabets" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *json = g_strdup_printf("{\"fBytes\":\"%s\"}", bad[i].value);
        assert_parse_error(json, PBJSON_ERROR_ENCODING, bad[i].message);
    }
    assert_parse_error("{\"fBytes\":[1]}", PBJSON_ERROR_TYPE,
                       "fBytes: expected a base64 string, got an array");
    assert_parse_error("{\"fBytes\":1}", PBJSON_ERROR_TYPE,
                       "fBytes: expected a base64 string, got the number 1");
    assert_parse_error("{\"rBytes\":[\"AA==\",\"A\"]}", PBJSON_ERROR_ENCODING,
                       "rBytes[1]: invalid base64: 1 characters cannot encode whole bytes");
}

/* ------------------------------------------------------------------------------------------------
 * Enums
 */

static void test_enums(void)
{
    Everything *m = parse_ok("{\"fEnum\":\"COLOUR_RED\",\"rEnum\":[\"COLOUR_GREEN\",2,-3,99,"
                             "\"COLOUR_NEGATIVE\",0]}");
    g_assert_cmpint(m->f_enum, ==, PBJSONTEST__COLOUR__COLOUR_RED);
    g_assert_cmpuint(m->n_r_enum, ==, 6);
    g_assert_cmpint(m->r_enum[0], ==, PBJSONTEST__COLOUR__COLOUR_GREEN);
    g_assert_cmpint(m->r_enum[1], ==, PBJSONTEST__COLOUR__COLOUR_GREEN);
    g_assert_cmpint(m->r_enum[2], ==, PBJSONTEST__COLOUR__COLOUR_NEGATIVE);
    g_assert_cmpint(m->r_enum[3], ==, 99);
    g_autofree char *out = to_json(m, FALSE);
    /* Known values print by name, an unknown one (open proto3 enum) by number. */
    g_assert_cmpstr(out, ==,
                    "{\"fEnum\":\"COLOUR_RED\",\"rEnum\":[\"COLOUR_GREEN\",\"COLOUR_GREEN\","
                    "\"COLOUR_NEGATIVE\",99,\"COLOUR_NEGATIVE\",\"COLOUR_UNSPECIFIED\"]}");
    free_msg(m);

    assert_converts("{\"fEnum\":-2147483648}", "{\"fEnum\":-2147483648}");
    assert_converts("{\"fEnum\":2.0}", "{\"fEnum\":\"COLOUR_GREEN\"}");
    assert_converts("{\"fEnum\":\"COLOUR_UNSPECIFIED\"}", "{}");
    assert_converts("{\"fEnum\":null}", "{}");

    assert_parse_error("{\"fEnum\":\"COLOUR_BLUE\"}", PBJSON_ERROR_RANGE,
                       "fEnum: unknown value 'COLOUR_BLUE' for enum pbjsontest.Colour");
    assert_parse_error("{\"fEnum\":\"1\"}", PBJSON_ERROR_RANGE,
                       "fEnum: unknown value '1' for enum pbjsontest.Colour");
    assert_parse_error("{\"rEnum\":[1,\"colour_red\"]}", PBJSON_ERROR_RANGE,
                       "rEnum[1]: unknown value 'colour_red' for enum pbjsontest.Colour");
    assert_parse_error("{\"fEnum\":2147483648}", PBJSON_ERROR_RANGE,
                       "fEnum: 2147483648 is out of range for int32");
    assert_parse_error("{\"fEnum\":1.5}", PBJSON_ERROR_RANGE,
                       "fEnum: 1.5 is not an integer (int32)");
    assert_parse_error(
        "{\"fEnum\":true}", PBJSON_ERROR_TYPE,
        "fEnum: expected a value name or number of enum pbjsontest.Colour, got true");
    assert_parse_error("{\"fEnum\":{}}", PBJSON_ERROR_TYPE,
                       "fEnum: expected a value name or number of enum pbjsontest.Colour, got an "
                       "object");
}

/* ------------------------------------------------------------------------------------------------
 * Messages, repeated, oneof, presence
 */

static void test_nested(void)
{
    Everything *m =
        parse_ok("{\"fMessage\":{\"name\":\"a\",\"count\":3,\"child\":{\"name\":\"b\"}}}");
    g_assert_nonnull(m->f_message);
    g_assert_cmpstr(m->f_message->name, ==, "a");
    g_assert_cmpint(m->f_message->count, ==, 3);
    g_assert_nonnull(m->f_message->child);
    g_assert_cmpstr(m->f_message->child->name, ==, "b");
    g_assert_null(m->f_message->child->child);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==,
                    "{\"fMessage\":{\"name\":\"a\",\"count\":3,\"child\":{\"name\":\"b\"}}}");
    free_msg(m);

    m = parse_ok("{\"fMessage\":null}");
    g_assert_null(m->f_message);
    free_msg(m);

    /* An empty message is set, and stays set even without emit_defaults. */
    assert_converts("{\"fMessage\":{}}", "{\"fMessage\":{}}");

    assert_parse_error("{\"fMessage\":5}", PBJSON_ERROR_TYPE,
                       "fMessage: expected an object (pbjsontest.Inner), got the number 5");
    assert_parse_error("{\"fMessage\":[]}", PBJSON_ERROR_TYPE,
                       "fMessage: expected an object (pbjsontest.Inner), got an array");
    /* Fails after allocating the sub-message and a string in it: both must be freed. */
    assert_parse_error("{\"fMessage\":{\"name\":\"x\",\"child\":{\"name\":\"y\",\"count\":1.5}}}",
                       PBJSON_ERROR_RANGE, "fMessage.child.count: 1.5 is not an integer (int32)");
}

static void test_repeated(void)
{
    Everything *m =
        parse_ok("{\"rInt32\":[1,-2,2147483647],\"rInt64\":[\"-9223372036854775808\",5],"
                 "\"rUint64\":[\"18446744073709551615\",18446744073709551615],\"rMessage\":[{"
                 "\"name\":\"x\"},"
                 "{},{\"count\":2,\"child\":{\"count\":3}}]}");
    g_assert_cmpuint(m->n_r_int32, ==, 3);
    g_assert_cmpint(m->r_int32[0], ==, 1);
    g_assert_cmpint(m->r_int32[1], ==, -2);
    g_assert_cmpint(m->r_int32[2], ==, INT32_MAX);
    g_assert_cmpuint(m->n_r_int64, ==, 2);
    g_assert_cmpint(m->r_int64[0], ==, INT64_MIN);
    g_assert_cmpint(m->r_int64[1], ==, 5);
    g_assert_cmpuint(m->n_r_uint64, ==, 2);
    g_assert_cmpuint(m->r_uint64[0], ==, UINT64_MAX);
    g_assert_cmpuint(m->r_uint64[1], ==, UINT64_MAX);
    g_assert_cmpuint(m->n_r_message, ==, 3);
    g_assert_cmpstr(m->r_message[0]->name, ==, "x");
    g_assert_cmpint(m->r_message[2]->child->count, ==, 3);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==,
                    "{\"rInt32\":[1,-2,2147483647],\"rInt64\":[\"-9223372036854775808\",\"5\"],"
                    "\"rUint64\":[\"18446744073709551615\",\"18446744073709551615\"],"
                    "\"rMessage\":[{\"name\":\"x\"},{},{\"count\":2,\"child\":{\"count\":3}}]}");
    free_msg(m);

    /* null and [] are both empty, with no array allocated (as the unpacker leaves it). */
    m = parse_ok("{\"rInt32\":null,\"rMessage\":[]}");
    g_assert_cmpuint(m->n_r_int32, ==, 0);
    g_assert_null(m->r_int32);
    g_assert_cmpuint(m->n_r_message, ==, 0);
    g_assert_null(m->r_message);
    free_msg(m);

    assert_parse_error("{\"rInt32\":5}", PBJSON_ERROR_TYPE,
                       "rInt32: expected an array, got the number 5");
    assert_parse_error("{\"rMessage\":{}}", PBJSON_ERROR_TYPE,
                       "rMessage: expected an array, got an object");
    assert_parse_error("{\"rInt32\":[1,null]}", PBJSON_ERROR_TYPE,
                       "rInt32[1]: null is not allowed in a repeated field");
    assert_parse_error("{\"rInt32\":[[1]]}", PBJSON_ERROR_TYPE,
                       "rInt32[0]: expected an integer (int32), got an array");
    /* Each fails after earlier elements were allocated. */
    assert_parse_error("{\"rMessage\":[{\"name\":\"x\"},{\"name\":1}]}", PBJSON_ERROR_TYPE,
                       "rMessage[1].name: expected a string, got the number 1");
    assert_parse_error("{\"rMessage\":[{\"name\":\"x\"},{\"child\":{\"name\":\"y\",\"bogus\":1}}]}",
                       PBJSON_ERROR_UNKNOWN_FIELD,
                       "rMessage[1].child.bogus: unknown field (pbjsontest.Inner has no field "
                       "'bogus')");
    assert_parse_error("{\"rString\":[\"a\",\"b\"],\"rBytes\":[\"AA==\"],\"rInt64\":[\"1\",\"x\"]}",
                       PBJSON_ERROR_TYPE,
                       "rInt64[1]: expected an integer (int64), got a string 'x'");
}

static void test_oneof(void)
{
    Everything *m = parse_ok("{\"cString\":\"hi\"}");
    g_assert_cmpint(m->choice_case, ==, PBJSONTEST__EVERYTHING__CHOICE_C_STRING);
    g_assert_cmpstr(m->c_string, ==, "hi");
    free_msg(m);

    /* A oneof member is emitted when set, even at its default value. */
    static const char *const set_to_default[] = {
        "{\"cString\":\"\"}",
        "{\"cInt64\":\"0\"}",
        "{\"cMessage\":{}}",
        "{\"cBytes\":\"\"}",
        "{\"cEnum\":\"COLOUR_UNSPECIFIED\"}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(set_to_default); i++)
        assert_converts(set_to_default[i], set_to_default[i]);

    /* An empty oneof string is allocated: the packer would skip the shared default and lose the
     * case on the wire. */
    m = parse_ok("{\"cString\":\"\"}");
    g_assert_true(m->c_string != protobuf_c_empty_string);
    g_assert_cmpuint(protobuf_c_message_get_packed_size(&m->base), >, 0);
    free_msg(m);

    m = parse_ok("{\"cString\":null,\"cInt64\":\"-5\"}");
    g_assert_cmpint(m->choice_case, ==, PBJSONTEST__EVERYTHING__CHOICE_C_INT64);
    g_assert_cmpint(m->c_int64, ==, -5);
    free_msg(m);

    m = parse_ok("{\"cMessage\":{\"name\":\"n\"}}");
    g_assert_cmpint(m->choice_case, ==, PBJSONTEST__EVERYTHING__CHOICE_C_MESSAGE);
    g_assert_cmpstr(m->c_message->name, ==, "n");
    free_msg(m);

    m = parse_ok("{}");
    g_assert_cmpint(m->choice_case, ==, PBJSONTEST__EVERYTHING__CHOICE__NOT_SET);
    g_autofree char *out = to_json(m, TRUE);
    g_assert_null(strstr(out, "\"c"));
    free_msg(m);

    assert_parse_error("{\"cString\":\"a\",\"cInt64\":1}", PBJSON_ERROR_TYPE,
                       "cInt64: 'cString' and 'cInt64' belong to the same oneof; set at most one "
                       "of them");
    assert_parse_error("{\"cMessage\":{},\"c_bytes\":\"\"}", PBJSON_ERROR_TYPE,
                       "c_bytes: 'cMessage' and 'cBytes' belong to the same oneof; set at most one "
                       "of them");
    /* The failed member must not leave the case set over a freed or unset value. */
    assert_parse_error("{\"cMessage\":{\"name\":\"x\",\"count\":\"y\"}}", PBJSON_ERROR_TYPE,
                       "cMessage.count: expected an integer (int32), got a string 'y'");
    assert_parse_error("{\"cBytes\":\"A\"}", PBJSON_ERROR_ENCODING,
                       "cBytes: invalid base64: 1 characters cannot encode whole bytes");
}

static void test_optional_presence(void)
{
    g_autoptr(GError) error = NULL;

    /* Nothing set: nothing but the required field is printed, even with emit_defaults. */
    OptMsg *m = (OptMsg *)pbjson_parse(&opt_msg_descriptor, "{}", &error);
    g_assert_no_error(error);
    g_assert_false(m->has_o_int32);
    g_assert_null(m->o_string);
    g_autofree char *unset = to_json(m, TRUE);
    g_assert_cmpstr(unset, ==, "{\"reqInt32\":0}");
    free_msg(m);

    /* Set to default values: present, printed, and kept across the wire. */
    static const char set[] = "{\"oInt32\":0,\"oString\":\"\",\"oBytes\":\"\","
                              "\"oEnum\":\"COLOUR_UNSPECIFIED\",\"oUint64\":\"0\","
                              "\"oMessage\":{},\"reqInt32\":0}";
    m = (OptMsg *)pbjson_parse(&opt_msg_descriptor, set, &error);
    g_assert_no_error(error);
    g_assert_true(m->has_o_int32);
    g_assert_true(m->has_o_bytes);
    g_assert_true(m->has_o_enum);
    g_assert_true(m->has_o_uint64);
    g_assert_nonnull(m->o_string);
    g_assert_nonnull(m->o_message);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, set);

    size_t len = protobuf_c_message_get_packed_size(&m->base);
    g_autofree guint8 *buf = g_malloc(len);
    g_assert_cmpuint(protobuf_c_message_pack(&m->base, buf), ==, len);
    free_msg(m);
    m = (OptMsg *)protobuf_c_message_unpack(&opt_msg_descriptor, NULL, len, buf);
    g_assert_nonnull(m);
    g_autofree char *again = to_json(m, FALSE);
    g_assert_cmpstr(again, ==, set);
    free_msg(m);

    /* null leaves an optional field unset. */
    m = (OptMsg *)pbjson_parse(&opt_msg_descriptor,
                               "{\"oInt32\":null,\"oString\":null,\"oMessage\":null,\"oUint64\":7}",
                               &error);
    g_assert_no_error(error);
    g_assert_false(m->has_o_int32);
    g_assert_null(m->o_string);
    g_assert_null(m->o_message);
    g_assert_true(m->has_o_uint64);
    g_autofree char *partial = to_json(m, FALSE);
    g_assert_cmpstr(partial, ==, "{\"oUint64\":\"7\",\"reqInt32\":0}");
    free_msg(m);

    assert_parse_error_desc(&opt_msg_descriptor, "{\"oString\":\"x\",\"oBytes\":\"!\"}",
                            PBJSON_ERROR_ENCODING,
                            "oBytes: invalid base64: character '!' at offset 0");
}

static void test_emit_defaults(void)
{
    Everything *m = parse_ok("{}");
    g_autofree char *sparse = to_json(m, FALSE);
    g_assert_cmpstr(sparse, ==, "{}");
    g_autofree char *full = to_json(m, TRUE);
    /* Every plain field at its default; messages and oneof members have presence and stay out. */
    g_assert_cmpstr(full, ==,
                    "{\"fInt32\":0,\"fInt64\":\"0\",\"fUint32\":0,\"fUint64\":\"0\",\"fSint32\":0,"
                    "\"fSint64\":\"0\",\"fFixed32\":0,\"fFixed64\":\"0\",\"fSfixed32\":0,"
                    "\"fSfixed64\":\"0\",\"fFloat\":0.0,\"fDouble\":0.0,\"fBool\":false,"
                    "\"fString\":\"\",\"fBytes\":\"\",\"fEnum\":\"COLOUR_UNSPECIFIED\","
                    "\"rInt32\":[],\"rInt64\":[],\"rUint64\":[],\"rDouble\":[],\"rFloat\":[],"
                    "\"rBool\":[],\"rString\":[],\"rBytes\":[],\"rEnum\":[],\"rMessage\":[],"
                    "\"snakeCaseName\":0,\"trailing\":0,\"name2x\":0}");
    free_msg(m);

    /* Defaults inside a nested message follow the same switch. */
    m = parse_ok("{\"fMessage\":{}}");
    g_autofree char *nested = to_json(m, TRUE);
    g_assert_nonnull(strstr(nested, "\"fMessage\":{\"name\":\"\",\"count\":0}"));
    free_msg(m);

    /* -0.0 counts as a default, as protobuf-c's packer treats it. */
    assert_converts("{\"fDouble\":-0.0,\"fFloat\":-0.0}", "{}");
}

/* ------------------------------------------------------------------------------------------------
 * Top level, depth, maps, parser
 */

static void test_top_level(void)
{
    assert_parse_error("[]", PBJSON_ERROR_TYPE,
                       "expected a JSON object (pbjsontest.Everything), got an array");
    assert_parse_error("null", PBJSON_ERROR_TYPE,
                       "expected a JSON object (pbjsontest.Everything), got null");
    assert_parse_error("\"x\"", PBJSON_ERROR_TYPE,
                       "expected a JSON object (pbjsontest.Everything), got a string 'x'");
    assert_parse_error(" 12 ", PBJSON_ERROR_TYPE,
                       "expected a JSON object (pbjsontest.Everything), got the number 12");

    Everything *m = parse_ok(" \t\r\n{ \"fInt32\" : 1 , \"rInt32\" : [ 1 , 2 ] } \n");
    g_assert_cmpint(m->f_int32, ==, 1);
    g_assert_cmpuint(m->n_r_int32, ==, 2);
    free_msg(m);

    Pbjsontest__Empty *e =
        (Pbjsontest__Empty *)pbjson_parse(&pbjsontest__empty__descriptor, "{}", NULL);
    g_assert_nonnull(e);
    g_autofree char *out = to_json(e, TRUE);
    g_assert_cmpstr(out, ==, "{}");
    free_msg(e);
}

static void test_depth_limit(void)
{
    /* 64 levels of objects are allowed. */
    g_autofree char *ok = nested_recurse(PBJSON_MAX_DEPTH, "\"fInt32\":7");
    Everything *m = parse_ok(ok);
    Everything *p = m;
    for (int i = 1; i < PBJSON_MAX_DEPTH; i++) {
        g_assert_nonnull(p->recurse);
        p = p->recurse;
    }
    g_assert_cmpint(p->f_int32, ==, 7);
    g_assert_null(p->recurse);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, ok);
    free_msg(m);

    /* 65 are refused by the text parser... */
    g_autofree char *deep = nested_recurse(PBJSON_MAX_DEPTH + 1, "");
    assert_parse_error(deep, PBJSON_ERROR_RANGE,
                       "invalid JSON at line 1, column 705: nested deeper than 64 levels");
    /* ...and by the converter, for trees that did not come from it. */
    g_autoptr(JsonNode) node = json_from_string(deep, NULL);
    g_autoptr(GError) error = NULL;
    g_assert_null(pbjson_to_message(EVERYTHING, node, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_RANGE);
    g_assert_true(g_str_has_suffix(error->message, ".recurse: JSON nested deeper than 64 levels"));
    g_clear_error(&error);

    /* An array is a level too: 64 objects holding a non-empty array is 65. */
    g_autofree char *arr64 = nested_recurse(PBJSON_MAX_DEPTH, "\"rInt32\":[1]");
    assert_parse_error(arr64, PBJSON_ERROR_RANGE,
                       "invalid JSON at line 1, column 704: nested deeper than 64 levels");
    g_autoptr(JsonNode) arr_node = json_from_string(arr64, NULL);
    g_assert_null(pbjson_to_message(EVERYTHING, arr_node, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_RANGE);
    g_assert_true(g_str_has_suffix(error->message, ".rInt32: JSON nested deeper than 64 levels"));
    g_clear_error(&error);

    /* 63 objects, an array, and objects in it: the element objects are level 65. */
    g_autofree char *elt = nested_recurse(PBJSON_MAX_DEPTH - 1, "\"rMessage\":[{}]");
    g_autoptr(JsonNode) elt_node = json_from_string(elt, NULL);
    g_assert_null(pbjson_to_message(EVERYTHING, elt_node, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_RANGE);
    g_assert_true(
        g_str_has_suffix(error->message, ".rMessage[0]: JSON nested deeper than 64 levels"));
    g_clear_error(&error);

    /* Hostile nesting is refused at the limit, without recursing through it. */
    g_autofree char *brackets = repeat("[", 1000000);
    assert_parse_error(brackets, PBJSON_ERROR_RANGE,
                       "invalid JSON at line 1, column 65: nested deeper than 64 levels");
    g_autofree char *objects = repeat("{\"a\":", 100000);
    assert_parse_error(objects, PBJSON_ERROR_RANGE,
                       "invalid JSON at line 1, column 321: nested deeper than 64 levels");
}

/* A chain of `levels` Everything messages linked through recurse, built by hand. */
static Everything *build_chain(int levels)
{
    Everything *top = NULL;
    for (int i = 0; i < levels; i++) {
        Everything *e = malloc(sizeof *e);
        g_assert_nonnull(e);
        pbjsontest__everything__init(e);
        e->recurse = top;
        top = e;
    }
    return top;
}

static void test_depth_limit_output(void)
{
    g_autoptr(GError) error = NULL;
    Everything *ok = build_chain(PBJSON_MAX_DEPTH);
    g_autoptr(JsonNode) node = pbjson_from_message_full(&ok->base, FALSE, &error);
    g_assert_no_error(error);
    g_assert_nonnull(node);
    free_msg(ok);

    Everything *deep = build_chain(PBJSON_MAX_DEPTH + 1);
    g_assert_null(pbjson_from_message_full(&deep->base, FALSE, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_RANGE);
    g_assert_true(
        g_str_has_suffix(error->message, ".recurse: message nested deeper than 64 levels"));
    g_clear_error(&error);
    free_msg(deep);

    /* A repeated field at the deepest level adds one more. */
    Everything *arr = build_chain(PBJSON_MAX_DEPTH);
    Everything *last = arr;
    while (last->recurse != NULL)
        last = last->recurse;
    last->n_r_int32 = 1;
    last->r_int32 = malloc(sizeof(int32_t));
    g_assert_nonnull(last->r_int32);
    last->r_int32[0] = 1;
    g_assert_null(pbjson_from_message_full(&arr->base, FALSE, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_RANGE);
    g_assert_true(
        g_str_has_suffix(error->message, ".rInt32: message nested deeper than 64 levels"));
    free_msg(arr);
}

/* Hand-made messages with NULL where protobuf-c normally has a value. */
static void test_null_members(void)
{
    Everything m = PBJSONTEST__EVERYTHING__INIT;
    m.f_string = NULL;
    g_autofree char *sparse = to_json(&m, FALSE);
    g_assert_cmpstr(sparse, ==, "{}");
    g_autofree char *full = to_json(&m, TRUE);
    g_assert_nonnull(strstr(full, "\"fString\":\"\","));

    /* A oneof message member selected but NULL has nothing to print. */
    m.choice_case = PBJSONTEST__EVERYTHING__CHOICE_C_MESSAGE;
    m.c_message = NULL;
    g_autofree char *oneof = to_json(&m, FALSE);
    g_assert_cmpstr(oneof, ==, "{}");
}

static void test_corrupt_repeated_message(void)
{
    Everything m = PBJSONTEST__EVERYTHING__INIT;
    Pbjsontest__Inner *items[1] = { NULL };
    m.n_r_message = 1;
    m.r_message = items;
    g_autoptr(GError) error = NULL;
    g_assert_null(pbjson_from_message_full(&m.base, FALSE, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_TYPE);
    g_assert_cmpstr(error->message, ==, "rMessage[0]: message pointer is NULL");
}

static void test_maps_refused(void)
{
    const ProtobufCMessageDescriptor *desc = &pbjsontest__with_map__descriptor;
    g_autoptr(GError) error = NULL;
    Pbjsontest__WithMap *m = (Pbjsontest__WithMap *)pbjson_parse(desc, "{\"label\":\"x\"}", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(m->label, ==, "x");
    /* An empty map is simply not printed, even with emit_defaults. */
    g_autofree char *out = to_json(m, TRUE);
    g_assert_cmpstr(out, ==, "{\"label\":\"x\"}");

    /* With an entry, output is refused rather than printed in a non-standard shape. */
    Pbjsontest__WithMap__CountsEntry entry = PBJSONTEST__WITH_MAP__COUNTS_ENTRY__INIT;
    Pbjsontest__WithMap__CountsEntry *entries[] = { &entry };
    m->n_counts = 1;
    m->counts = entries;
    g_assert_null(pbjson_from_message_full(&m->base, FALSE, &error));
    g_assert_error(error, PBJSON_ERROR, PBJSON_ERROR_TYPE);
    g_assert_cmpstr(error->message, ==, "counts: map fields are not supported");
    g_clear_error(&error);
    m->n_counts = 0;
    m->counts = NULL;
    free_msg(m);

    assert_parse_error_desc(desc, "{\"counts\":{\"a\":1}}", PBJSON_ERROR_TYPE,
                            "counts: map fields are not supported");
    assert_parse_error_desc(desc, "{\"label\":\"y\",\"counts\":[]}", PBJSON_ERROR_TYPE,
                            "counts: map fields are not supported");
    assert_parse_error_desc(desc, "{\"counts\":null}", PBJSON_ERROR_TYPE,
                            "counts: map fields are not supported");

    /* Repeated messages that merely look similar are not maps. */
    assert_converts("{\"rMessage\":[{\"name\":\"key\"}]}", "{\"rMessage\":[{\"name\":\"key\"}]}");
    static const char lookalikes[] =
        "{\"pairs\":[{\"key\":\"a\",\"value\":1}],\"items\":[{\"key\":\"b\",\"other\":\"c\"}],"
        "\"tags\":[{\"key\":\"d\"}],\"notes\":[{\"value\":\"e\",\"key\":\"f\"}],"
        "\"lists\":[{\"key\":\"g\",\"value\":2}],\"rows\":[{\"key\":\"h\",\"value\":3}]}";
    ProtobufCMessage *look = pbjson_parse(&pbjsontest__lookalikes__descriptor, lookalikes, &error);
    g_assert_no_error(error);
    g_autofree char *look_out = to_json(look, FALSE);
    g_assert_cmpstr(look_out, ==, lookalikes);
    free_msg(look);
}

static void test_parser_syntax(void)
{
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        { "", "invalid JSON at line 1, column 1: unexpected end of input" },
        { "   ", "invalid JSON at line 1, column 4: unexpected end of input" },
        { "{", "invalid JSON at line 1, column 2: expected a string key" },
        { "{\"fInt32\":", "invalid JSON at line 1, column 11: unexpected end of input" },
        { "{\"fInt32\":1", "invalid JSON at line 1, column 12: expected ',' or '}'" },
        { "[1 2]", "invalid JSON at line 1, column 4: expected ',' or ']'" },
        { "{\"fInt32\":1,}", "invalid JSON at line 1, column 13: expected a string key" },
        { "{\"fInt32\":1} x", "invalid JSON at line 1, column 14: unexpected text after the JSON "
                              "value" },
        { "{'fInt32':1}", "invalid JSON at line 1, column 2: expected a string key" },
        { "{\"fInt32\":01}", "invalid JSON at line 1, column 12: expected ',' or '}'" },
        { "{\"fInt32\":+1}", "invalid JSON at line 1, column 11: unexpected character '+'" },
        { "{\"fInt32\":-}", "invalid JSON at line 1, column 11: invalid number" },
        { "{\"fInt32\":1.}", "invalid JSON at line 1, column 11: invalid number" },
        { "{\"fInt32\":1e}", "invalid JSON at line 1, column 11: invalid number" },
        { "{\"fInt32\":1e+}", "invalid JSON at line 1, column 11: invalid number" },
        { "{\"fInt32\":.5}", "invalid JSON at line 1, column 11: unexpected character '.'" },
        { "{\"fInt32\":NaN}", "invalid JSON at line 1, column 11: unexpected character 'N'" },
        { "{\"fInt32\":tru}", "invalid JSON at line 1, column 11: unexpected character 't'" },
        { "{\"fInt32\":\x01}", "invalid JSON at line 1, column 11: unexpected byte 0x01" },
        { "{\"fInt32\":1 /* c */}", "invalid JSON at line 1, column 13: expected ',' or '}'" },
        { "{\"fInt32\" 1}", "invalid JSON at line 1, column 11: expected ':' after a key" },
        { "{\"fInt32\":1,\"fInt32\":2}",
          "invalid JSON at line 1, column 13: duplicate key 'fInt32'" },
        { "{\"fString\":\"a\tb\"}",
          "invalid JSON at line 1, column 14: control character 0x09 in a string must be "
          "escaped" },
        { "{\"fString\":\"abc", "invalid JSON at line 1, column 16: unterminated string" },
        { "{\"fString\":\"\\x\"}",
          "invalid JSON at line 1, column 13: invalid escape in a string" },
        { "{\"fString\":\"\\", "invalid JSON at line 1, column 13: invalid escape in a string" },
        { "{\"fString\":\"\\u12G4\"}", "invalid JSON at line 1, column 13: invalid \\u escape" },
        { "{\"fString\":\"\\ud800\"}",
          "invalid JSON at line 1, column 13: unpaired surrogate \\ud800" },
        { "{\"fString\":\"\\udc00x\"}",
          "invalid JSON at line 1, column 13: unpaired surrogate \\udc00" },
        { "{\"fString\":\"\\ud800\\u0041\"}",
          "invalid JSON at line 1, column 13: unpaired surrogate \\ud800" },
        { "{\"fString\":\"\\ud800\\ue000\"}",
          "invalid JSON at line 1, column 13: unpaired surrogate \\ud800" },
        { "{\"fString\":\"\\ud800\\n\"}",
          "invalid JSON at line 1, column 13: unpaired surrogate \\ud800" },
        { "{\"fString\":\"\\ud800\"}",
          "invalid JSON at line 1, column 13: unpaired surrogate \\ud800" },
        { "{\"a\\x\":1}", "invalid JSON at line 1, column 4: invalid escape in a string" },
        { "{\n  \"fInt32\": 1,\n  \"bogus\" 2\n}",
          "invalid JSON at line 3, column 11: expected ':' after a key" },
        { "{\"fString\":\"äöü\" x}", "invalid JSON at line 1, column 18: expected ',' or '}'" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        assert_parse_error(cases[i].json, PBJSON_ERROR_ENCODING, cases[i].message);

    /* All of the literals and escapes that are valid. */
    Everything *m = parse_ok("{\"fBool\":true,\"rBool\":[false,true],\"fMessage\":null,"
                             "\"fString\":\"\\u0041\\u00DF\\uD834\\uDD1E\"}");
    g_assert_true(m->f_bool);
    g_assert_null(m->f_message);
    g_assert_cmpstr(m->f_string, ==, "Aß𝄞");
    free_msg(m);
}

static void test_unknown_wire_fields_dropped(void)
{
    /* Field 99, varint 1: kept by protobuf-c as an unknown field, not part of the JSON. */
    static const guint8 wire[] = { 0x98, 0x06, 0x01, 0x08, 0x05 };
    Everything *m = (Everything *)protobuf_c_message_unpack(EVERYTHING, NULL, sizeof wire, wire);
    g_assert_nonnull(m);
    g_assert_cmpuint(m->base.n_unknown_fields, ==, 1);
    g_autofree char *out = to_json(m, FALSE);
    g_assert_cmpstr(out, ==, "{\"fInt32\":5}");
    free_msg(m);
}

static void test_print(void)
{
    Everything *m = parse_ok("{\"fInt32\":1,\"fString\":\"x\"}");
    g_autofree char *compact = pbjson_print(&m->base, FALSE, FALSE, NULL);
    g_assert_cmpstr(compact, ==, "{\"fInt32\":1,\"fString\":\"x\"}");
    g_autofree char *pretty = pbjson_print(&m->base, FALSE, TRUE, NULL);
    g_assert_cmpstr(pretty, ==, "{\n  \"fInt32\" : 1,\n  \"fString\" : \"x\"\n}");
    free_msg(m);
}

/* ------------------------------------------------------------------------------------------------
 * The whole path: JSON -> message -> wire -> message -> JSON
 */

static void test_wire_round_trip(void)
{
    static const char canonical[] =
        "{\"fInt32\":-5,\"fInt64\":\"-9223372036854775808\",\"fUint32\":4294967295,"
        "\"fUint64\":\"18446744073709551615\",\"fSint32\":-2147483648,"
        "\"fSint64\":\"9223372036854775807\",\"fFixed32\":7,\"fFixed64\":\"18446744073709551615\","
        "\"fSfixed32\":-1,\"fSfixed64\":\"-2\",\"fFloat\":0.1,\"fDouble\":-1.25e-300,"
        "\"fBool\":true,\"fString\":\"Grüße 世界 😀\",\"fBytes\":\"+/8=\","
        "\"fEnum\":\"COLOUR_NEGATIVE\",\"fMessage\":{\"name\":\"outer\",\"child\":{\"count\":-1}},"
        "\"rInt32\":[1,-1,0],\"rInt64\":[\"1\",\"-9223372036854775808\"],"
        "\"rUint64\":[\"0\",\"18446744073709551615\"],\"rDouble\":[\"NaN\",\"-Infinity\",2.5],"
        "\"rFloat\":[0.25,-3.5],\"rBool\":[true,false],\"rString\":[\"a\",\"\",\"é\"],"
        "\"rBytes\":[\"AA==\",\"\",\"aGVsbG8=\"],\"rEnum\":[\"COLOUR_RED\",99],"
        "\"rMessage\":[{\"name\":\"r0\"},{},{\"count\":2}],\"cMessage\":{\"name\":\"in oneof\"},"
        "\"snakeCaseName\":1,\"trailing\":2,\"name2x\":3,\"recurse\":{\"fInt32\":1,"
        "\"recurse\":{\"fString\":\"deep\"}}}";

    Everything *first = parse_ok(canonical);
    size_t len = protobuf_c_message_get_packed_size(&first->base);
    g_autofree guint8 *wire = g_malloc(len);
    g_assert_cmpuint(protobuf_c_message_pack(&first->base, wire), ==, len);

    Everything *second = (Everything *)protobuf_c_message_unpack(EVERYTHING, NULL, len, wire);
    g_assert_nonnull(second);
    g_autoptr(JsonNode) out = pbjson_from_message(&second->base, FALSE);
    g_assert_nonnull(out);

    g_autoptr(JsonNode) expected = json_from_string(canonical, NULL);
    g_assert_true(json_node_equal(out, expected));
    g_autofree char *out_text = json_to_string(out, FALSE);
    g_autofree char *expected_text = json_to_string(expected, FALSE);
    g_assert_cmpstr(out_text, ==, expected_text);

    /* And the unpacked message packs to the same bytes. */
    g_assert_cmpuint(protobuf_c_message_get_packed_size(&second->base), ==, len);
    g_autofree guint8 *wire2 = g_malloc(len);
    protobuf_c_message_pack(&second->base, wire2);
    g_assert_cmpmem(wire, len, wire2, len);

    free_msg(first);
    free_msg(second);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/pbjson/names/json-name", test_json_name);
    g_test_add_func("/pbjson/names/fields", test_field_names);
    g_test_add_func("/pbjson/int/int32-limits", test_int32_limits);
    g_test_add_func("/pbjson/int/int64-limits", test_int64_limits);
    g_test_add_func("/pbjson/int/int64-as-numbers", test_int64_as_numbers);
    g_test_add_func("/pbjson/int/errors", test_int_errors);
    g_test_add_func("/pbjson/int/error-quoting", test_error_quoting);
    g_test_add_func("/pbjson/int/json-glib-nodes", test_node_numbers);
    g_test_add_func("/pbjson/floating", test_floating);
    g_test_add_func("/pbjson/bool", test_bool);
    g_test_add_func("/pbjson/string/utf8", test_strings);
    g_test_add_func("/pbjson/string/invalid-utf8-nodes", test_strings_invalid_utf8_nodes);
    g_test_add_func("/pbjson/string/invalid-utf8-output", test_strings_invalid_utf8_output);
    g_test_add_func("/pbjson/bytes", test_bytes);
    g_test_add_func("/pbjson/enums", test_enums);
    g_test_add_func("/pbjson/message/nested", test_nested);
    g_test_add_func("/pbjson/message/repeated", test_repeated);
    g_test_add_func("/pbjson/message/oneof", test_oneof);
    g_test_add_func("/pbjson/message/optional-presence", test_optional_presence);
    g_test_add_func("/pbjson/message/emit-defaults", test_emit_defaults);
    g_test_add_func("/pbjson/message/top-level", test_top_level);
    g_test_add_func("/pbjson/message/null-members", test_null_members);
    g_test_add_func("/pbjson/message/corrupt-repeated", test_corrupt_repeated_message);
    g_test_add_func("/pbjson/message/unknown-wire-fields", test_unknown_wire_fields_dropped);
    g_test_add_func("/pbjson/depth/input", test_depth_limit);
    g_test_add_func("/pbjson/depth/output", test_depth_limit_output);
    g_test_add_func("/pbjson/maps-refused", test_maps_refused);
    g_test_add_func("/pbjson/parser/syntax", test_parser_syntax);
    g_test_add_func("/pbjson/print", test_print);
    g_test_add_func("/pbjson/wire-round-trip", test_wire_round_trip);
    return g_test_run();
}
