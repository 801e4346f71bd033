/* pbjson.c: proto3 JSON <-> protobuf-c messages, driven only by the message descriptors.
 *
 * Two directions share one idea: walk ProtobufCMessageDescriptor.fields and read or write each
 * member at its offset, keeping the message in a state protobuf_c_message_free_unpacked can free at
 * every step, so an error anywhere frees exactly what was built. Text input goes through a small
 * strict JSON parser of our own because json-glib's parser wraps integers beyond int64 and drops
 * the digits we need to convert large or exponent-form numbers exactly.
 */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "pbjson"

#include "pbjson.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 2^53: every integer up to this magnitude is exact in a double, so a double node holding an
 * integral value no larger is an exact integer. */
#define EXACT_DOUBLE_LIMIT 9007199254740992.0

/* Longest piece of an offending string value quoted back in an error message. */
#define QUOTE_MAX_CHARS 40

GQuark pbjson_error_quark(void)
{
    return g_quark_from_static_string("pbjson-error-quark");
}

/* ------------------------------------------------------------------------------------------------
 * Shared helpers
 */

/* Conversion state for one call in either direction. path holds the JSON path of the value being
 * converted ("a.b[2].c"), grown and truncated as the walk descends and returns. literals (input
 * from pbjson_parse only) maps a number node to the digits it was written with, for every number
 * that is not a plain int64. */
typedef struct {
    GString *path;
    GHashTable *literals;
    gboolean emit_defaults;
    GError **error;
} Ctx;

static gboolean G_GNUC_PRINTF(3, 4) fail(Ctx *ctx, PbjsonError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (ctx->path->len > 0)
        g_set_error(ctx->error, PBJSON_ERROR, code, "%s: %s", ctx->path->str, msg);
    else
        g_set_error_literal(ctx->error, PBJSON_ERROR, code, msg);
    return FALSE;
}

static gboolean fail_oom(Ctx *ctx, size_t bytes)
{
    return fail(ctx, PBJSON_ERROR_RANGE, "out of memory allocating %zu bytes", bytes);
}

/* Appends ".key" (or "key" at the top) and returns the length to truncate back to. */
static gsize path_push_key(Ctx *ctx, const char *key)
{
    gsize mark = ctx->path->len;
    if (mark > 0)
        g_string_append_c(ctx->path, '.');
    g_string_append(ctx->path, key);
    return mark;
}

static gsize path_push_index(Ctx *ctx, guint i)
{
    gsize mark = ctx->path->len;
    g_string_append_printf(ctx->path, "[%u]", i);
    return mark;
}

static void path_pop(Ctx *ctx, gsize mark)
{
    g_string_truncate(ctx->path, mark);
}

char *pbjson_json_name(const char *proto_name)
{
    g_return_val_if_fail(proto_name != NULL, NULL);
    GString *s = g_string_sized_new(strlen(proto_name));
    gboolean upper_next = FALSE;
    for (const char *p = proto_name; *p != '\0'; p++) {
        if (*p == '_') {
            upper_next = TRUE;
            continue;
        }
        g_string_append_c(s, upper_next ? g_ascii_toupper(*p) : *p);
        upper_next = FALSE;
    }
    return g_string_free(s, FALSE);
}

/* TRUE when key is the JSON name of proto_name; compares without building the name. */
static gboolean json_name_matches(const char *proto_name, const char *key)
{
    gboolean upper_next = FALSE;
    const char *k = key;
    for (const char *p = proto_name; *p != '\0'; p++) {
        if (*p == '_') {
            upper_next = TRUE;
            continue;
        }
        char want = upper_next ? g_ascii_toupper(*p) : *p;
        upper_next = FALSE;
        if (*k != want)
            return FALSE;
        k++;
    }
    return *k == '\0';
}

static void *member_ptr(const ProtobufCMessage *msg, unsigned offset)
{
    return (char *)msg + offset;
}

/* The proto name of a scalar type, for error messages. */
static const char *type_name(ProtobufCType type)
{
    static const char *const names[] = {
        [PROTOBUF_C_TYPE_INT32] = "int32",       [PROTOBUF_C_TYPE_SINT32] = "sint32",
        [PROTOBUF_C_TYPE_SFIXED32] = "sfixed32", [PROTOBUF_C_TYPE_INT64] = "int64",
        [PROTOBUF_C_TYPE_SINT64] = "sint64",     [PROTOBUF_C_TYPE_SFIXED64] = "sfixed64",
        [PROTOBUF_C_TYPE_UINT32] = "uint32",     [PROTOBUF_C_TYPE_FIXED32] = "fixed32",
        [PROTOBUF_C_TYPE_UINT64] = "uint64",     [PROTOBUF_C_TYPE_FIXED64] = "fixed64",
        [PROTOBUF_C_TYPE_FLOAT] = "float",       [PROTOBUF_C_TYPE_DOUBLE] = "double",
        [PROTOBUF_C_TYPE_BOOL] = "bool",         [PROTOBUF_C_TYPE_ENUM] = "enum",
        [PROTOBUF_C_TYPE_STRING] = "string",     [PROTOBUF_C_TYPE_BYTES] = "bytes",
        [PROTOBUF_C_TYPE_MESSAGE] = "message",
    };
    g_assert((size_t)type < G_N_ELEMENTS(names) && names[type] != NULL);
    return names[type];
}

/* Size of one element of a repeated field's array, as protobuf-c lays it out. */
static size_t element_size(ProtobufCType type)
{
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return 4;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_FLOAT:
        return sizeof(float);
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM:
        return sizeof(int);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    }
    g_assert_not_reached();
}

/* protobuf-c 1.4 descriptors do not mark map fields. protoc turns `map<K, V> foo_bar` into a
 * repeated field of a message nested in the parent, named FooBarEntry (protoc's MapEntryName), with
 * exactly key = 1 and value = 2; a hand-written message can match all of that only on purpose. */
static gboolean is_map_field(const ProtobufCMessageDescriptor *parent,
                             const ProtobufCFieldDescriptor *f)
{
    if (f->label != PROTOBUF_C_LABEL_REPEATED || f->type != PROTOBUF_C_TYPE_MESSAGE)
        return FALSE;
    const ProtobufCMessageDescriptor *entry = f->descriptor;
    if (entry->n_fields != 2 || entry->fields[0].id != 1 ||
        strcmp(entry->fields[0].name, "key") != 0 || entry->fields[1].id != 2 ||
        strcmp(entry->fields[1].name, "value") != 0)
        return FALSE;
    g_autofree char *camel = pbjson_json_name(f->name);
    camel[0] = g_ascii_toupper(camel[0]);
    g_autofree char *entry_name = g_strdup_printf("%s.%sEntry", parent->name, camel);
    return strcmp(entry->name, entry_name) == 0;
}

/* Proto2-style optional scalars and bytes keep presence in a has_ flag; strings and messages
 * (and the proto3 `optional` string) keep it in the pointer. */
static gboolean has_flag_field(const ProtobufCFieldDescriptor *f)
{
    return f->label == PROTOBUF_C_LABEL_OPTIONAL && !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
           f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE &&
           f->quantifier_offset != 0;
}

/* s quoted for an error message: ASCII controls, quote and backslash escaped so the message stays
 * one readable line; other UTF-8 is kept as is. */
static char *quote_for_error(const char *s)
{
    GString *out = g_string_new(NULL);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf(out, "\\x%02x", *p);
        else if (*p == '\'' || *p == '\\')
            g_string_append_printf(out, "\\%c", *p);
        else
            g_string_append_c(out, (char)*p);
    }
    return g_string_free(out, FALSE);
}

/* "a string 'abc'", "the number 1.5", "an array", ...: what an error says it got. */
static char *describe_node(Ctx *ctx, JsonNode *node)
{
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT:
        return g_strdup("an object");
    case JSON_NODE_ARRAY:
        return g_strdup("an array");
    case JSON_NODE_NULL:
        return g_strdup("null");
    case JSON_NODE_VALUE:
        break;
    }
    GType t = json_node_get_value_type(node);
    if (t == G_TYPE_BOOLEAN)
        return g_strdup(json_node_get_boolean(node) ? "true" : "false");
    if (t == G_TYPE_INT64)
        return g_strdup_printf("the number %" G_GINT64_FORMAT, json_node_get_int(node));
    if (t == G_TYPE_DOUBLE) {
        const char *lit = ctx->literals ? g_hash_table_lookup(ctx->literals, node) : NULL;
        if (lit != NULL)
            return g_strdup_printf("the number %s", lit);
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup_printf("the number %s",
                               g_ascii_dtostr(buf, sizeof buf, json_node_get_double(node)));
    }
    /* json-glib value nodes hold only booleans, int64, doubles and strings. */
    g_assert(t == G_TYPE_STRING);
    const char *s = json_node_get_string(node);
    if (!g_utf8_validate(s, -1, NULL))
        return g_strdup("a string that is not valid UTF-8");
    /* g_utf8_substring reads past the end if asked for more characters than there are. */
    gboolean cut = g_utf8_strlen(s, -1) > QUOTE_MAX_CHARS;
    g_autofree char *head = cut ? g_utf8_substring(s, 0, QUOTE_MAX_CHARS) : g_strdup(s);
    g_autofree char *esc = quote_for_error(head);
    return g_strdup_printf("a string '%s%s'", esc, cut ? "..." : "");
}

static gboolean fail_type(Ctx *ctx, JsonNode *node, const char *expected)
{
    g_autofree char *got = describe_node(ctx, node);
    return fail(ctx, PBJSON_ERROR_TYPE, "expected %s, got %s", expected, got);
}

/* Length of the JSON number (RFC 8259 grammar) at the start of p, 0 if there is none. */
static size_t scan_json_number(const char *p)
{
    const char *s = p;
    if (*s == '-')
        s++;
    if (*s == '0') {
        s++;
    } else if (*s >= '1' && *s <= '9') {
        while (g_ascii_isdigit(*s))
            s++;
    } else {
        return 0;
    }
    if (*s == '.') {
        if (!g_ascii_isdigit(s[1]))
            return 0;
        s++;
        while (g_ascii_isdigit(*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        const char *e = s + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (!g_ascii_isdigit(*e))
            return 0;
        while (g_ascii_isdigit(*e))
            e++;
        s = e;
    }
    return (size_t)(s - p);
}

/* ------------------------------------------------------------------------------------------------
 * Integers, exactly
 */

/* Any integer protobuf can hold, as sign and magnitude, so one range check serves all eight
 * integer types. */
typedef struct {
    gboolean negative;
    guint64 magnitude;
} IntValue;

typedef enum { EXACT_OK, EXACT_FRACTION, EXACT_OVERFLOW } ExactResult;

/* Converts a JSON number literal (already known to match the grammar) to an exact integer without
 * going through a double: 1e3 and 1.8446744073709551615e19 are integers, 1.5 and 1e-400 are not,
 * and anything beyond 2^64-1 in magnitude overflows. */
static ExactResult exact_integer_from_literal(const char *lit, IntValue *out)
{
    const char *p = lit;
    gboolean negative = FALSE;
    if (*p == '-') {
        negative = TRUE;
        p++;
    }
    g_autoptr(GString) digits = g_string_new(NULL);
    gint64 exp10 = 0;
    while (g_ascii_isdigit(*p))
        g_string_append_c(digits, *p++);
    if (*p == '.') {
        p++;
        while (g_ascii_isdigit(*p)) {
            g_string_append_c(digits, *p++);
            exp10--;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        gboolean eneg = FALSE;
        if (*p == '+' || *p == '-')
            eneg = (*p++ == '-');
        /* Saturate: any exponent this large already decides fraction or overflow. */
        gint64 e = 0;
        while (g_ascii_isdigit(*p)) {
            if (e < 1000000)
                e = e * 10 + (*p - '0');
            p++;
        }
        exp10 += eneg ? -e : e;
    }

    gsize lead = 0;
    while (lead < digits->len && digits->str[lead] == '0')
        lead++;
    g_string_erase(digits, 0, (gssize)lead);
    if (digits->len == 0) {
        out->negative = FALSE;
        out->magnitude = 0;
        return EXACT_OK;
    }
    while (exp10 < 0 && digits->str[digits->len - 1] == '0') {
        g_string_truncate(digits, digits->len - 1);
        exp10++;
    }
    if (exp10 < 0)
        return EXACT_FRACTION;
    if ((gint64)digits->len + exp10 > 20)
        return EXACT_OVERFLOW;
    for (gint64 i = 0; i < exp10; i++)
        g_string_append_c(digits, '0');
    errno = 0;
    guint64 mag = g_ascii_strtoull(digits->str, NULL, 10);
    if (errno == ERANGE)
        return EXACT_OVERFLOW;
    out->negative = negative;
    out->magnitude = mag;
    return EXACT_OK;
}

/* TRUE when s is an optional '-' followed by decimal digits and nothing else. */
static gboolean is_decimal_string(const char *s)
{
    if (*s == '-')
        s++;
    if (!g_ascii_isdigit(*s))
        return FALSE;
    while (g_ascii_isdigit(*s))
        s++;
    return *s == '\0';
}

/* Reads node as an integer of field f's type (enums read as int32): a JSON integer, an integral
 * number, or a decimal string, then checks the type's range. Writes the value through dst, which
 * points at storage of the field's C type. */
static gboolean node_to_integer(Ctx *ctx, ProtobufCType type, JsonNode *node, void *dst)
{
    gboolean is_enum = type == PROTOBUF_C_TYPE_ENUM;
    const char *tname = is_enum ? "int32" : type_name(type);
    g_autofree char *expected = g_strdup_printf("an integer (%s)", tname);
    IntValue v = { FALSE, 0 };
    g_autofree char *shown = NULL; /* the value as the user wrote it, for range errors */

    if (!JSON_NODE_HOLDS_VALUE(node))
        return fail_type(ctx, node, expected);
    GType t = json_node_get_value_type(node);
    if (t == G_TYPE_INT64) {
        gint64 i = json_node_get_int(node);
        v.negative = i < 0;
        v.magnitude = i < 0 ? (guint64)(-(i + 1)) + 1 : (guint64)i;
        shown = g_strdup_printf("%" G_GINT64_FORMAT, i);
    } else if (t == G_TYPE_DOUBLE) {
        const char *lit = ctx->literals ? g_hash_table_lookup(ctx->literals, node) : NULL;
        if (lit != NULL) {
            ExactResult r = exact_integer_from_literal(lit, &v);
            if (r == EXACT_FRACTION)
                return fail(ctx, PBJSON_ERROR_RANGE, "%s is not an integer (%s)", lit, tname);
            if (r == EXACT_OVERFLOW)
                return fail(ctx, PBJSON_ERROR_RANGE, "%s is out of range for %s", lit, tname);
            shown = g_strdup(lit);
        } else {
            double d = json_node_get_double(node);
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_ascii_dtostr(buf, sizeof buf, d);
            if (!isfinite(d) || d != trunc(d))
                return fail(ctx, PBJSON_ERROR_RANGE, "%s is not an integer (%s)", buf, tname);
            /* Beyond 2^53 the double may already have lost digits the user wrote. */
            if (fabs(d) > EXACT_DOUBLE_LIMIT)
                return fail(ctx, PBJSON_ERROR_RANGE,
                            "%s is out of range for %s or not exact as a JSON number "
                            "(write 64-bit values as decimal strings)",
                            buf, tname);
            v.negative = d < 0;
            v.magnitude = (guint64)fabs(d);
            shown = g_strdup(buf);
        }
    } else if (t == G_TYPE_STRING) {
        const char *s = json_node_get_string(node);
        if (!is_decimal_string(s))
            return fail_type(ctx, node, expected);
        ExactResult r = exact_integer_from_literal(s, &v);
        g_assert(r != EXACT_FRACTION);
        if (r == EXACT_OVERFLOW)
            return fail(ctx, PBJSON_ERROR_RANGE, "%s is out of range for %s", s, tname);
        shown = g_strdup(s);
    } else {
        return fail_type(ctx, node, expected);
    }
    if (v.magnitude == 0)
        v.negative = FALSE;

    gboolean ok;
    switch (type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_ENUM:
        ok = v.negative ? v.magnitude <= (guint64)INT32_MAX + 1 : v.magnitude <= INT32_MAX;
        if (ok)
            *(int32_t *)dst = v.negative ? (int32_t)(-(gint64)v.magnitude) : (int32_t)v.magnitude;
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        ok = !v.negative && v.magnitude <= UINT32_MAX;
        if (ok)
            *(uint32_t *)dst = (uint32_t)v.magnitude;
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        ok = v.negative ? v.magnitude <= (guint64)INT64_MAX + 1 : v.magnitude <= INT64_MAX;
        if (ok) {
            /* -(magnitude - 1) - 1 reaches INT64_MIN without overflowing. */
            *(int64_t *)dst = v.negative ? -(int64_t)(v.magnitude - 1) - 1 : (int64_t)v.magnitude;
        }
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        ok = !v.negative;
        if (ok)
            *(uint64_t *)dst = v.magnitude;
        break;
    default:
        g_assert_not_reached();
    }
    if (!ok)
        return fail(ctx, PBJSON_ERROR_RANGE, "%s is out of range for %s", shown, tname);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * Floating point, strings, bytes, enums
 */

/* Reads node as a float or double: a number, "NaN", "Infinity", "-Infinity", or a numeric string.
 * A finite value too large for the type is refused rather than turned into infinity. */
static gboolean node_to_floating(Ctx *ctx, ProtobufCType type, JsonNode *node, void *dst)
{
    const char *expected = type == PROTOBUF_C_TYPE_FLOAT ? "a number (float)" : "a number (double)";
    double d;
    const char *shown = NULL;
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    if (!JSON_NODE_HOLDS_VALUE(node))
        return fail_type(ctx, node, expected);
    GType t = json_node_get_value_type(node);
    if (t == G_TYPE_INT64) {
        d = (double)json_node_get_int(node);
        shown = g_ascii_dtostr(buf, sizeof buf, d);
    } else if (t == G_TYPE_DOUBLE) {
        const char *lit = ctx->literals ? g_hash_table_lookup(ctx->literals, node) : NULL;
        d = lit != NULL ? g_ascii_strtod(lit, NULL) : json_node_get_double(node);
        shown = lit != NULL ? lit : g_ascii_dtostr(buf, sizeof buf, d);
        /* A JSON number never means NaN or infinity; json-glib turns 1e400 into inf. */
        if (!isfinite(d))
            return fail(ctx, PBJSON_ERROR_RANGE, "%s is out of range for %s", shown,
                        type_name(type));
    } else if (t == G_TYPE_STRING) {
        const char *s = json_node_get_string(node);
        if (strcmp(s, "NaN") == 0) {
            d = NAN;
        } else if (strcmp(s, "Infinity") == 0) {
            d = INFINITY;
        } else if (strcmp(s, "-Infinity") == 0) {
            d = -INFINITY;
        } else if (*s != '\0' && scan_json_number(s) == strlen(s)) {
            d = g_ascii_strtod(s, NULL);
            if (!isfinite(d))
                return fail(ctx, PBJSON_ERROR_RANGE, "%s is out of range for %s", s,
                            type_name(type));
        } else {
            return fail_type(ctx, node, expected);
        }
        shown = s;
    } else {
        return fail_type(ctx, node, expected);
    }

    if (type == PROTOBUF_C_TYPE_FLOAT) {
        /* Values just above FLT_MAX that round to it are fine; beyond that would become inf. */
        float f = (float)d;
        if (isfinite(d) && !isfinite(f))
            return fail(ctx, PBJSON_ERROR_RANGE, "%s is out of range for float", shown);
        *(float *)dst = f;
    } else {
        *(double *)dst = d;
    }
    return TRUE;
}

/* Value of one base64 character in either alphabet, -1 if it is in neither. Sets bit 1 of
 * *alphabets for a standard-only character and bit 2 for a URL-safe-only one. */
static int base64_value(char c, unsigned *alphabets)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '/') {
        *alphabets |= 1;
        return c == '+' ? 62 : 63;
    }
    if (c == '-' || c == '_') {
        *alphabets |= 2;
        return c == '-' ? 62 : 63;
    }
    return -1;
}

/* Decodes standard or URL-safe base64, padding optional but correct when present, into a malloc'd
 * buffer (NULL for empty, as protobuf-c's unpacker leaves empty bytes). Whitespace and mixed
 * alphabets are refused. */
static gboolean base64_decode(Ctx *ctx, const char *s, ProtobufCBinaryData *out)
{
    size_t len = strlen(s);
    size_t n = len;
    while (n > 0 && s[n - 1] == '=')
        n--;
    size_t pad = len - n;
    unsigned alphabets = 0;
    for (size_t i = 0; i < n; i++) {
        if (base64_value(s[i], &alphabets) < 0) {
            if (g_ascii_isprint(s[i]))
                return fail(ctx, PBJSON_ERROR_ENCODING,
                            "invalid base64: character '%c' at offset %zu", s[i], i);
            return fail(ctx, PBJSON_ERROR_ENCODING, "invalid base64: byte 0x%02x at offset %zu",
                        (guint8)s[i], i);
        }
    }
    if (alphabets == 3)
        return fail(ctx, PBJSON_ERROR_ENCODING,
                    "invalid base64: mixes the standard (+/) and URL-safe (-_) alphabets");
    if (n % 4 == 1)
        return fail(ctx, PBJSON_ERROR_ENCODING,
                    "invalid base64: %zu characters cannot encode whole bytes", n);
    if (pad > 0 && (pad != (4 - n % 4) % 4 || len % 4 != 0))
        return fail(ctx, PBJSON_ERROR_ENCODING, "invalid base64: wrong padding");

    size_t out_len = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
    if (out_len == 0) {
        out->len = 0;
        out->data = NULL;
        return TRUE;
    }
    guint8 *buf = malloc(out_len);
    if (buf == NULL)
        return fail_oom(ctx, out_len);
    size_t o = 0;
    guint32 acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 6) | (guint32)base64_value(s[i], &alphabets);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (guint8)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    g_assert(o == out_len);
    out->len = out_len;
    out->data = buf;
    return TRUE;
}

static gboolean node_to_enum(Ctx *ctx, const ProtobufCFieldDescriptor *f, JsonNode *node, int *dst)
{
    const ProtobufCEnumDescriptor *ed = f->descriptor;
    if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING) {
        const char *name = json_node_get_string(node);
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value_by_name(ed, name);
        if (ev == NULL) {
            g_autofree char *quoted =
                g_utf8_validate(name, -1, NULL) ? quote_for_error(name) : g_strdup("(not UTF-8)");
            return fail(ctx, PBJSON_ERROR_RANGE, "unknown value '%s' for enum %s", quoted,
                        ed->name);
        }
        *dst = ev->value;
        return TRUE;
    }
    if (JSON_NODE_HOLDS_VALUE(node) && (json_node_get_value_type(node) == G_TYPE_INT64 ||
                                        json_node_get_value_type(node) == G_TYPE_DOUBLE)) {
        /* proto3 enums are open: a number with no name is kept, as on the wire. */
        int32_t v;
        if (!node_to_integer(ctx, PROTOBUF_C_TYPE_ENUM, node, &v))
            return FALSE;
        *dst = v;
        return TRUE;
    }
    g_autofree char *expected = g_strdup_printf("a value name or number of enum %s", ed->name);
    return fail_type(ctx, node, expected);
}

/* ------------------------------------------------------------------------------------------------
 * JSON -> message
 */

static gboolean fill_message(Ctx *ctx, ProtobufCMessage *msg, JsonNode *node, int depth);

/* A malloc'd, initialised, empty message of type desc, or NULL with error set. */
static ProtobufCMessage *new_message(Ctx *ctx, const ProtobufCMessageDescriptor *desc)
{
    ProtobufCMessage *msg = malloc(desc->sizeof_message);
    if (msg == NULL) {
        fail_oom(ctx, desc->sizeof_message);
        return NULL;
    }
    protobuf_c_message_init(desc, msg);
    return msg;
}

/* Converts one non-null JSON value into one value of field f at dst (the member itself, or one
 * slot of a repeated field's array). On failure dst is left as it was and nothing new is owned, so
 * the caller's message stays freeable. keep_empty_default: an empty string leaves the field at
 * protobuf_c_empty_string instead of allocating, as the unpacker does for a plain proto3 field
 * absent from the wire; fields whose presence matters must allocate. depth is the level of the
 * object holding the field. */
static gboolean convert_value(Ctx *ctx, const ProtobufCFieldDescriptor *f, JsonNode *node,
                              void *dst, gboolean keep_empty_default, int depth)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return node_to_integer(ctx, f->type, node, dst);
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE:
        return node_to_floating(ctx, f->type, node, dst);
    case PROTOBUF_C_TYPE_BOOL:
        if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_BOOLEAN)
            return fail_type(ctx, node, "true or false");
        *(protobuf_c_boolean *)dst = json_node_get_boolean(node) ? 1 : 0;
        return TRUE;
    case PROTOBUF_C_TYPE_ENUM:
        return node_to_enum(ctx, f, node, dst);
    case PROTOBUF_C_TYPE_STRING: {
        if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
            return fail_type(ctx, node, "a string");
        const char *s = json_node_get_string(node);
        const char *bad;
        if (!g_utf8_validate(s, -1, &bad))
            return fail(ctx, PBJSON_ERROR_ENCODING, "string is not valid UTF-8 (at byte %ld)",
                        (long)(bad - s));
        if (*s == '\0' && keep_empty_default)
            return TRUE;
        size_t n = strlen(s) + 1;
        char *copy = malloc(n);
        if (copy == NULL)
            return fail_oom(ctx, n);
        memcpy(copy, s, n);
        *(char **)dst = copy;
        return TRUE;
    }
    case PROTOBUF_C_TYPE_BYTES:
        if (!JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
            return fail_type(ctx, node, "a base64 string");
        return base64_decode(ctx, json_node_get_string(node), dst);
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessageDescriptor *sub_desc = f->descriptor;
        if (!JSON_NODE_HOLDS_OBJECT(node)) {
            g_autofree char *expected = g_strdup_printf("an object (%s)", sub_desc->name);
            return fail_type(ctx, node, expected);
        }
        ProtobufCMessage *sub = new_message(ctx, sub_desc);
        if (sub == NULL)
            return FALSE;
        if (!fill_message(ctx, sub, node, depth + 1)) {
            protobuf_c_message_free_unpacked(sub, NULL);
            return FALSE;
        }
        *(ProtobufCMessage **)dst = sub;
        return TRUE;
    }
    }
    return fail(ctx, PBJSON_ERROR_TYPE, "field type %d is not supported", (int)f->type);
}

/* Fills repeated field f of msg from a JSON array. The array is allocated at its final size up
 * front, as the unpacker does, and the count grows with each converted element, so a failure
 * part-way leaves a message free_unpacked frees exactly. */
static gboolean fill_repeated(Ctx *ctx, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                              JsonNode *node, int depth)
{
    if (JSON_NODE_HOLDS_NULL(node))
        return TRUE;
    if (!JSON_NODE_HOLDS_ARRAY(node))
        return fail_type(ctx, node, "an array");
    if (depth + 1 > PBJSON_MAX_DEPTH)
        return fail(ctx, PBJSON_ERROR_RANGE, "JSON nested deeper than %d levels", PBJSON_MAX_DEPTH);
    JsonArray *arr = json_node_get_array(node);
    guint n = json_array_get_length(arr);
    if (n == 0)
        return TRUE;

    size_t elt = element_size(f->type);
    void *items = calloc(n, elt);
    if (items == NULL)
        return fail_oom(ctx, (size_t)n * elt);
    size_t *count = member_ptr(msg, f->quantifier_offset);
    *count = 0;
    *(void **)member_ptr(msg, f->offset) = items;

    for (guint i = 0; i < n; i++) {
        gsize mark = path_push_index(ctx, i);
        JsonNode *e = json_array_get_element(arr, i);
        if (JSON_NODE_HOLDS_NULL(e))
            return fail(ctx, PBJSON_ERROR_TYPE, "null is not allowed in a repeated field");
        if (!convert_value(ctx, f, e, (char *)items + (size_t)i * elt, FALSE, depth + 1))
            return FALSE;
        *count = i + 1;
        path_pop(ctx, mark);
    }
    return TRUE;
}

/* Fills field f of msg from node (any JSON value; null means unset). */
static gboolean fill_field(Ctx *ctx, ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f,
                           JsonNode *node, int depth)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    if (is_map_field(desc, f))
        return fail(ctx, PBJSON_ERROR_TYPE, "map fields are not supported");
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return fill_repeated(ctx, msg, f, node, depth);
    if (JSON_NODE_HOLDS_NULL(node))
        return TRUE;

    gboolean oneof = (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0;
    uint32_t *oneof_case = oneof ? member_ptr(msg, f->quantifier_offset) : NULL;
    if (oneof && *oneof_case != 0 && *oneof_case != f->id) {
        const ProtobufCFieldDescriptor *other =
            protobuf_c_message_descriptor_get_field(desc, *oneof_case);
        g_assert(other != NULL); /* only this function sets the case, always to a field's id */
        g_autofree char *other_name = pbjson_json_name(other->name);
        g_autofree char *this_name = pbjson_json_name(f->name);
        return fail(ctx, PBJSON_ERROR_TYPE,
                    "'%s' and '%s' belong to the same oneof; set at most one of them", other_name,
                    this_name);
    }
    gboolean plain = f->label == PROTOBUF_C_LABEL_NONE && !oneof;
    if (!convert_value(ctx, f, node, member_ptr(msg, f->offset), plain, depth))
        return FALSE;
    if (oneof)
        *oneof_case = f->id;
    else if (has_flag_field(f))
        *(protobuf_c_boolean *)member_ptr(msg, f->quantifier_offset) = 1;
    return TRUE;
}

/* The field a JSON key names: the proto name or the lowerCamelCase JSON name. */
static const ProtobufCFieldDescriptor *find_field(const ProtobufCMessageDescriptor *desc,
                                                  const char *key)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, key);
    if (f != NULL)
        return f;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        if (json_name_matches(desc->fields[i].name, key))
            return &desc->fields[i];
    }
    return NULL;
}

/* Fills msg (freshly initialised) from a JSON object at nesting level depth. Members are handled
 * in the order written, so the first error in the text is the one reported. */
static gboolean fill_message(Ctx *ctx, ProtobufCMessage *msg, JsonNode *node, int depth)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    if (depth > PBJSON_MAX_DEPTH)
        return fail(ctx, PBJSON_ERROR_RANGE, "JSON nested deeper than %d levels", PBJSON_MAX_DEPTH);
    g_assert(JSON_NODE_HOLDS_OBJECT(node));

    /* The key that set each field, to refuse "fooBar" and "foo_bar" together. */
    g_autofree const char **seen = g_new0(const char *, desc->n_fields + 1);
    JsonObjectIter iter;
    const char *key;
    JsonNode *value;
    json_object_iter_init_ordered(&iter, json_node_get_object(node));
    while (json_object_iter_next_ordered(&iter, &key, &value)) {
        gsize mark = path_push_key(ctx, key);
        const ProtobufCFieldDescriptor *f = find_field(desc, key);
        if (f == NULL)
            return fail(ctx, PBJSON_ERROR_UNKNOWN_FIELD, "unknown field (%s has no field '%s')",
                        desc->name, key);
        size_t idx = (size_t)(f - desc->fields);
        if (seen[idx] != NULL)
            return fail(ctx, PBJSON_ERROR_TYPE, "field given twice (also as '%s')", seen[idx]);
        seen[idx] = key;
        if (!fill_field(ctx, msg, f, value, depth))
            return FALSE;
        path_pop(ctx, mark);
    }
    return TRUE;
}

static ProtobufCMessage *to_message(const ProtobufCMessageDescriptor *desc, JsonNode *node,
                                    GHashTable *literals, GError **error)
{
    g_autoptr(GString) path = g_string_new(NULL);
    Ctx ctx = { path, literals, FALSE, error };
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        g_autofree char *expected = g_strdup_printf("a JSON object (%s)", desc->name);
        fail_type(&ctx, node, expected);
        return NULL;
    }
    ProtobufCMessage *msg = new_message(&ctx, desc);
    if (msg == NULL)
        return NULL;
    if (!fill_message(&ctx, msg, node, 1)) {
        protobuf_c_message_free_unpacked(msg, NULL);
        return NULL;
    }
    return msg;
}

ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *desc, JsonNode *node,
                                    GError **error)
{
    g_return_val_if_fail(desc != NULL && desc->magic == PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, NULL);
    g_return_val_if_fail(node != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    return to_message(desc, node, NULL, error);
}

/* ------------------------------------------------------------------------------------------------
 * Strict JSON text parser
 */

typedef struct {
    const char *text;
    const char *p;
    GHashTable *literals;
    GError **error;
} Parser;

/* Sets error at the current position: line and column (in characters) count from 1. */
static JsonNode *G_GNUC_PRINTF(3, 4) parse_fail(Parser *ps, PbjsonError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    unsigned line = 1;
    const char *line_start = ps->text;
    for (const char *q = ps->text; q < ps->p; q++) {
        if (*q == '\n') {
            line++;
            line_start = q + 1;
        }
    }
    glong column = g_utf8_strlen(line_start, ps->p - line_start) + 1;
    g_set_error(ps->error, PBJSON_ERROR, code, "invalid JSON at line %u, column %ld: %s", line,
                column, msg);
    return NULL;
}

static void skip_ws(Parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Parses the string starting at the opening quote; returns it unescaped (g_free) or NULL. The text
 * is already known to be valid UTF-8, so only escapes and control characters need checking. */
static char *parse_string(Parser *ps)
{
    g_autoptr(GString) out = g_string_new(NULL);
    ps->p++;
    for (;;) {
        unsigned char c = (unsigned char)*ps->p;
        if (c == '\0')
            return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING, "unterminated string");
        if (c < 0x20)
            return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING,
                                      "control character 0x%02x in a string must be escaped", c);
        if (c == '"') {
            ps->p++;
            return g_string_free(g_steal_pointer(&out), FALSE);
        }
        if (c != '\\') {
            g_string_append_c(out, (char)c);
            ps->p++;
            continue;
        }
        char e = ps->p[1];
        static const char escaped[] = "\"\\/bfnrt";
        static const char unescaped[] = "\"\\/\b\f\n\r\t";
        const char *simple = e != '\0' ? strchr(escaped, e) : NULL;
        if (simple != NULL) {
            g_string_append_c(out, unescaped[simple - escaped]);
            ps->p += 2;
            continue;
        }
        if (e != 'u')
            return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING, "invalid escape in a string");
        int cp = hex4(ps->p + 2);
        if (cp < 0)
            return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING, "invalid \\u escape");
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING, "unpaired surrogate \\u%04x",
                                      (unsigned)cp);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            int lo = (ps->p[6] == '\\' && ps->p[7] == 'u') ? hex4(ps->p + 8) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING, "unpaired surrogate \\u%04x",
                                          (unsigned)cp);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            ps->p += 6;
        }
        /* protobuf-c strings end at the first NUL; keeping it would silently cut the value. */
        if (cp == 0)
            return (char *)parse_fail(ps, PBJSON_ERROR_ENCODING,
                                      "\\u0000 cannot be carried in a protobuf string");
        g_string_append_unichar(out, (gunichar)cp);
        ps->p += 6;
    }
}

/* Parses a number. Integers that fit in int64 become int nodes; every other number becomes a
 * double node whose literal digits are recorded, so conversion to an integer field is exact. */
static JsonNode *parse_number(Parser *ps)
{
    size_t len = scan_json_number(ps->p);
    if (len == 0)
        return parse_fail(ps, PBJSON_ERROR_ENCODING, "invalid number");
    char *lit = g_strndup(ps->p, len);
    JsonNode *node = json_node_alloc();
    if (strpbrk(lit, ".eE") == NULL) {
        errno = 0;
        gint64 v = g_ascii_strtoll(lit, NULL, 10);
        if (errno != ERANGE) {
            g_free(lit);
            ps->p += len;
            return json_node_init_int(node, v);
        }
    }
    json_node_init_double(node, g_ascii_strtod(lit, NULL));
    g_hash_table_insert(ps->literals, node, lit);
    ps->p += len;
    return node;
}

static JsonNode *parse_value(Parser *ps, int depth);

/* Parses an object or array at nesting level depth, the opening bracket being at ps->p. */
static JsonNode *parse_container(Parser *ps, int depth)
{
    gboolean is_object = *ps->p == '{';
    char closer = is_object ? '}' : ']';
    if (depth > PBJSON_MAX_DEPTH)
        return parse_fail(ps, PBJSON_ERROR_RANGE, "nested deeper than %d levels", PBJSON_MAX_DEPTH);
    g_autoptr(JsonObject) obj = is_object ? json_object_new() : NULL;
    g_autoptr(JsonArray) arr = is_object ? NULL : json_array_new();
    ps->p++;
    skip_ws(ps);
    if (*ps->p == closer) {
        ps->p++;
    } else {
        for (;;) {
            g_autofree char *key = NULL;
            skip_ws(ps);
            if (is_object) {
                if (*ps->p != '"')
                    return parse_fail(ps, PBJSON_ERROR_ENCODING, "expected a string key");
                const char *key_at = ps->p;
                key = parse_string(ps);
                if (key == NULL)
                    return NULL;
                if (json_object_has_member(obj, key)) {
                    ps->p = key_at;
                    return parse_fail(ps, PBJSON_ERROR_ENCODING, "duplicate key '%s'", key);
                }
                skip_ws(ps);
                if (*ps->p != ':')
                    return parse_fail(ps, PBJSON_ERROR_ENCODING, "expected ':' after a key");
                ps->p++;
            }
            JsonNode *v = parse_value(ps, depth);
            if (v == NULL)
                return NULL;
            if (is_object)
                json_object_set_member(obj, key, v);
            else
                json_array_add_element(arr, v);
            skip_ws(ps);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p == closer) {
                ps->p++;
                break;
            }
            return parse_fail(ps, PBJSON_ERROR_ENCODING, "expected ',' or '%c'", closer);
        }
    }
    JsonNode *node = json_node_alloc();
    if (is_object)
        json_node_init_object(node, obj);
    else
        json_node_init_array(node, arr);
    return node;
}

/* Parses one value inside depth levels of containers. */
static JsonNode *parse_value(Parser *ps, int depth)
{
    skip_ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[')
        return parse_container(ps, depth + 1);
    if (c == '"') {
        char *s = parse_string(ps);
        if (s == NULL)
            return NULL;
        JsonNode *node = json_node_init_string(json_node_alloc(), s);
        g_free(s);
        return node;
    }
    if (c == '-' || g_ascii_isdigit(c))
        return parse_number(ps);
    if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
        gboolean b = c == 't';
        ps->p += b ? 4 : 5;
        return json_node_init_boolean(json_node_alloc(), b);
    }
    if (strncmp(ps->p, "null", 4) == 0) {
        ps->p += 4;
        return json_node_init_null(json_node_alloc());
    }
    if (c == '\0')
        return parse_fail(ps, PBJSON_ERROR_ENCODING, "unexpected end of input");
    if (g_ascii_isprint(c))
        return parse_fail(ps, PBJSON_ERROR_ENCODING, "unexpected character '%c'", c);
    return parse_fail(ps, PBJSON_ERROR_ENCODING, "unexpected byte 0x%02x", (guint8)c);
}

/* Parses a whole JSON text; literals receives the digits of non-int64 numbers (see parse_number).
 */
static JsonNode *parse_json_text(const char *text, GHashTable *literals, GError **error)
{
    Parser ps = { text, text, literals, error };
    const char *bad;
    if (!g_utf8_validate(text, -1, &bad)) {
        ps.p = bad;
        return parse_fail(&ps, PBJSON_ERROR_ENCODING, "not valid UTF-8");
    }
    g_autoptr(JsonNode) root = parse_value(&ps, 0);
    if (root == NULL)
        return NULL;
    skip_ws(&ps);
    if (*ps.p != '\0')
        return parse_fail(&ps, PBJSON_ERROR_ENCODING, "unexpected text after the JSON value");
    return g_steal_pointer(&root);
}

ProtobufCMessage *pbjson_parse(const ProtobufCMessageDescriptor *desc, const char *json_text,
                               GError **error)
{
    g_return_val_if_fail(desc != NULL && desc->magic == PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC, NULL);
    g_return_val_if_fail(json_text != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_autoptr(GHashTable) literals = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    g_autoptr(JsonNode) root = parse_json_text(json_text, literals, error);
    if (root == NULL)
        return NULL;
    return to_message(desc, root, literals, error);
}

/* ------------------------------------------------------------------------------------------------
 * Message -> JSON
 */

static JsonNode *message_to_node(Ctx *ctx, const ProtobufCMessage *msg, int depth);

/* The double nearest the shortest decimal that reads back as f, so 0.1f prints as 0.1 and not as
 * 0.100000001490116. */
static double float_to_json_double(float f)
{
    static const char *const formats[] = { "%.1g", "%.2g", "%.3g", "%.4g", "%.5g",
                                           "%.6g", "%.7g", "%.8g", "%.9g" };
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double d = 0;
    /* Nine significant digits always read back as the same float, so the loop always finds one. */
    for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
        g_ascii_formatd(buf, sizeof buf, formats[i], (double)f);
        d = g_ascii_strtod(buf, NULL);
        if ((float)d == f)
            break;
    }
    return d;
}

/* A JSON node for one value of field f stored at src; NULL with error set on failure. depth is
 * the level of the object holding the field. */
static JsonNode *value_to_node(Ctx *ctx, const ProtobufCFieldDescriptor *f, const void *src,
                               int depth)
{
    JsonNode *node = json_node_alloc();
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        return json_node_init_int(node, *(const int32_t *)src);
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return json_node_init_int(node, *(const uint32_t *)src);
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64: {
        g_autofree char *s = g_strdup_printf("%" G_GINT64_FORMAT, *(const int64_t *)src);
        return json_node_init_string(node, s);
    }
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: {
        g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT, *(const uint64_t *)src);
        return json_node_init_string(node, s);
    }
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: {
        double d =
            f->type == PROTOBUF_C_TYPE_FLOAT ? (double)*(const float *)src : *(const double *)src;
        if (isnan(d))
            return json_node_init_string(node, "NaN");
        if (isinf(d))
            return json_node_init_string(node, d > 0 ? "Infinity" : "-Infinity");
        if (f->type == PROTOBUF_C_TYPE_FLOAT)
            d = float_to_json_double(*(const float *)src);
        return json_node_init_double(node, d);
    }
    case PROTOBUF_C_TYPE_BOOL:
        return json_node_init_boolean(node, *(const protobuf_c_boolean *)src != 0);
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)src;
        const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        if (ev != NULL)
            return json_node_init_string(node, ev->name);
        return json_node_init_int(node, v);
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)src;
        const char *bad;
        if (s == NULL)
            s = "";
        if (!g_utf8_validate(s, -1, &bad)) {
            json_node_unref(node);
            fail(ctx, PBJSON_ERROR_ENCODING, "string is not valid UTF-8 (at byte %ld)",
                 (long)(bad - s));
            return NULL;
        }
        return json_node_init_string(node, s);
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *bd = src;
        g_autofree char *b64 = g_base64_encode(bd->len > 0 ? bd->data : NULL, bd->len);
        return json_node_init_string(node, b64);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)src;
        json_node_unref(node);
        /* Only a corrupt repeated array gets here with NULL; singular NULLs are not emitted. */
        if (sub == NULL) {
            fail(ctx, PBJSON_ERROR_TYPE, "message pointer is NULL");
            return NULL;
        }
        return message_to_node(ctx, sub, depth + 1);
    }
    }
    json_node_unref(node);
    fail(ctx, PBJSON_ERROR_TYPE, "field type %d is not supported", (int)f->type);
    return NULL;
}

/* protobuf-c's own test for "do not pack this proto3 field": the type's zero value. */
static gboolean is_zeroish(const ProtobufCFieldDescriptor *f, const void *src)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        return *(const uint32_t *)src == 0;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return *(const uint64_t *)src == 0;
    case PROTOBUF_C_TYPE_FLOAT:
        return *(const float *)src == 0;
    case PROTOBUF_C_TYPE_DOUBLE:
        return *(const double *)src == 0;
    case PROTOBUF_C_TYPE_BOOL:
        return *(const protobuf_c_boolean *)src == 0;
    case PROTOBUF_C_TYPE_ENUM:
        return *(const int *)src == 0;
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(const char *const *)src;
        return s == NULL || *s == '\0';
    }
    case PROTOBUF_C_TYPE_BYTES:
        return ((const ProtobufCBinaryData *)src)->len == 0;
    case PROTOBUF_C_TYPE_MESSAGE:
        return *(const void *const *)src == NULL;
    }
    return TRUE;
}

/* Whether field f of msg appears in the output: set members of oneofs and optional fields, set
 * messages, and plain proto3 fields unless they hold their default and defaults are not asked for.
 */
static gboolean field_is_emitted(Ctx *ctx, const ProtobufCMessage *msg,
                                 const ProtobufCFieldDescriptor *f)
{
    const void *src = member_ptr(msg, f->offset);
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        if (*(const uint32_t *)member_ptr(msg, f->quantifier_offset) != f->id)
            return FALSE;
        return f->type != PROTOBUF_C_TYPE_MESSAGE || *(const void *const *)src != NULL;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        return *(const size_t *)member_ptr(msg, f->quantifier_offset) > 0 || ctx->emit_defaults;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(const void *const *)src != NULL;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL) {
        if (has_flag_field(f))
            return *(const protobuf_c_boolean *)member_ptr(msg, f->quantifier_offset) != 0;
        if (f->type == PROTOBUF_C_TYPE_STRING) {
            const char *s = *(const char *const *)src;
            return s != NULL && s != f->default_value;
        }
        return TRUE;
    }
    if (f->label == PROTOBUF_C_LABEL_REQUIRED)
        return TRUE;
    return ctx->emit_defaults || !is_zeroish(f, src);
}

static JsonNode *repeated_to_node(Ctx *ctx, const ProtobufCMessage *msg,
                                  const ProtobufCFieldDescriptor *f, int depth)
{
    if (depth + 1 > PBJSON_MAX_DEPTH) {
        fail(ctx, PBJSON_ERROR_RANGE, "message nested deeper than %d levels", PBJSON_MAX_DEPTH);
        return NULL;
    }
    size_t n = *(const size_t *)member_ptr(msg, f->quantifier_offset);
    const char *items = *(const char *const *)member_ptr(msg, f->offset);
    size_t elt = element_size(f->type);
    g_autoptr(JsonArray) arr = json_array_sized_new((guint)n);
    for (size_t i = 0; i < n; i++) {
        gsize mark = path_push_index(ctx, (guint)i);
        JsonNode *e = value_to_node(ctx, f, items + i * elt, depth + 1);
        if (e == NULL)
            return NULL;
        json_array_add_element(arr, e);
        path_pop(ctx, mark);
    }
    return json_node_init_array(json_node_alloc(), arr);
}

/* The JSON object for msg at nesting level depth; NULL with error set on failure. */
static JsonNode *message_to_node(Ctx *ctx, const ProtobufCMessage *msg, int depth)
{
    const ProtobufCMessageDescriptor *desc = msg->descriptor;
    if (depth > PBJSON_MAX_DEPTH) {
        fail(ctx, PBJSON_ERROR_RANGE, "message nested deeper than %d levels", PBJSON_MAX_DEPTH);
        return NULL;
    }
    g_autoptr(JsonObject) obj = json_object_new();
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &desc->fields[i];
        if (!field_is_emitted(ctx, msg, f))
            continue;
        g_autofree char *name = pbjson_json_name(f->name);
        gsize mark = path_push_key(ctx, name);
        JsonNode *v;
        if (is_map_field(desc, f)) {
            if (*(const size_t *)member_ptr(msg, f->quantifier_offset) > 0) {
                fail(ctx, PBJSON_ERROR_TYPE, "map fields are not supported");
                return NULL;
            }
            path_pop(ctx, mark);
            continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            v = repeated_to_node(ctx, msg, f, depth);
        else
            v = value_to_node(ctx, f, member_ptr(msg, f->offset), depth);
        if (v == NULL)
            return NULL;
        json_object_set_member(obj, name, v);
        path_pop(ctx, mark);
    }
    return json_node_init_object(json_node_alloc(), obj);
}

JsonNode *pbjson_from_message_full(const ProtobufCMessage *msg, gboolean emit_defaults,
                                   GError **error)
{
    g_return_val_if_fail(msg != NULL && msg->descriptor != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_autoptr(GString) path = g_string_new(NULL);
    Ctx ctx = { path, NULL, emit_defaults, error };
    return message_to_node(&ctx, msg, 1);
}

JsonNode *pbjson_from_message(const ProtobufCMessage *msg, gboolean emit_defaults)
{
    g_autoptr(GError) error = NULL;
    JsonNode *node = pbjson_from_message_full(msg, emit_defaults, &error);
    if (node == NULL && error != NULL)
        g_warning("cannot convert %s to JSON: %s", msg->descriptor->name, error->message);
    return node;
}

char *pbjson_print(const ProtobufCMessage *msg, gboolean emit_defaults, gboolean pretty,
                   GError **error)
{
    g_autoptr(JsonNode) node = pbjson_from_message_full(msg, emit_defaults, error);
    if (node == NULL)
        return NULL;
    g_autofree char *text = json_to_string(node, pretty);
    /* json-glib (1.6) escapes control characters below U+001F but writes U+001F itself raw,
     * which is not JSON (RFC 8259 section 7) and which pbjson_parse rightly refuses. The
     * generator never writes that byte outside a string, so each one is a string's. */
    GString *out = g_string_sized_new(strlen(text) + 8);
    for (const char *p = text; *p; p++) {
        if (*p == '\x1f')
            g_string_append(out, "\\u001f");
        else
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}
