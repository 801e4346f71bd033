/* pbjson.h: proto3 JSON <-> protobuf-c messages, driven only by ProtobufCMessageDescriptor.
 *
 * patenctl uses it for `patenctl call <Rpc> '<json>'`: the request is written as proto3 JSON,
 * converted to the request message, and the reply message is printed back as proto3 JSON. Nothing
 * here knows any particular message; every message of paten.proto works without code of its own.
 *
 * Mapping (the official proto3 JSON mapping, https://protobuf.dev/programming-guides/proto3/#json):
 *   field names    output lowerCamelCase derived from the proto name; input accepts either
 *   int32 family   JSON number; input also a decimal string; range-checked, no fractions
 *   64-bit ints    output decimal string; input string or number, checked exactly
 *   float, double  JSON number, or "NaN", "Infinity", "-Infinity"; input also a numeric string
 *   bool           true / false
 *   string         JSON string, valid UTF-8 (U+0000 cannot be carried by protobuf-c strings)
 *   bytes          output standard base64 with padding; input standard or URL-safe, padding
 * optional enum           output the value's name (an unknown value: its number); input name or
 * number message        JSON object; null = unset repeated       JSON array; null = empty; null
 * elements are refused oneof          the member that is set; two members of one oneof in the input
 * are refused map            refused (the project does not use maps)
 *
 * Errors (domain PBJSON_ERROR) start with the path of the offending field as written in the
 * input, e.g. "change.freezeAtMs: expected an integer (int64), got a string 'abc'" or
 * "items[2].name: ...". Codes:
 *   PBJSON_ERROR_TYPE           wrong JSON type, non-numeric string for a number, a field given
 *                               twice, two members of one oneof, a map field, top level not an
 * object PBJSON_ERROR_UNKNOWN_FIELD  a JSON member that names no field of the message
 *   PBJSON_ERROR_RANGE          number out of range or not an integer, unknown enum name,
 *                               nesting deeper than PBJSON_MAX_DEPTH, out of memory
 *   PBJSON_ERROR_ENCODING       invalid JSON text, invalid UTF-8, invalid base64, U+0000 in a
 * string
 */
#ifndef PATEN_PBJSON_H
#define PATEN_PBJSON_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <protobuf-c/protobuf-c.h>

G_BEGIN_DECLS

/* Deepest JSON nesting accepted or produced; every object and every array is one level, the
 * top-level object is level 1. Bounds recursion whatever the input. */
#define PBJSON_MAX_DEPTH 64

#define PBJSON_ERROR     (pbjson_error_quark())
GQuark pbjson_error_quark(void);

typedef enum {
    PBJSON_ERROR_TYPE,
    PBJSON_ERROR_UNKNOWN_FIELD,
    PBJSON_ERROR_RANGE,
    PBJSON_ERROR_ENCODING
} PbjsonError;

/* Message -> JSON object node (caller owns; json_node_unref). Proto3 defaults are omitted unless
 * emit_defaults is true; fields with explicit presence (proto3 `optional`, oneof members, message
 * fields) are emitted when set, and only then. Unknown fields kept by protobuf-c are dropped.
 * Returns NULL (after a g_warning) only for a message that has no JSON form here: a non-empty map
 * field, a string that is not valid UTF-8, nesting deeper than PBJSON_MAX_DEPTH; use
 * pbjson_from_message_full to get the reason as a GError instead. */
JsonNode *pbjson_from_message(const ProtobufCMessage *msg, gboolean emit_defaults);

/* As pbjson_from_message, but reports failure as a GError (path of the field in the output) and
 * logs nothing. */
JsonNode *pbjson_from_message_full(const ProtobufCMessage *msg, gboolean emit_defaults,
                                   GError **error);

/* JSON -> newly allocated message of type desc. Returns NULL and sets error naming the field path.
 * Free the result with protobuf_c_message_free_unpacked(msg, NULL): everything in it is allocated
 * with malloc exactly as protobuf-c's own unpacker would allocate it.
 *
 * json-glib's own parser (json_from_string, JsonParser) silently wraps integers outside the int64
 * range (18446744073709551615 becomes -1) and truncates strings at \u0000, so a tree it built
 * cannot be checked for those; text should go through pbjson_parse, which has its own strict
 * parser. */
ProtobufCMessage *pbjson_to_message(const ProtobufCMessageDescriptor *desc, JsonNode *node,
                                    GError **error);

/* Parses text as strict RFC 8259 JSON (no comments, no single quotes, no leading zeros, no
 * duplicate keys, nesting at most PBJSON_MAX_DEPTH) keeping every number's exact digits, then
 * converts it as pbjson_to_message does. Syntax errors give PBJSON_ERROR_ENCODING with line and
 * column. */
ProtobufCMessage *pbjson_parse(const ProtobufCMessageDescriptor *desc, const char *json_text,
                               GError **error);

/* Convenience for printing: the JSON text of msg (compact, or indented when pretty), g_free it.
 * NULL with error set in the cases where pbjson_from_message_full fails. */
char *pbjson_print(const ProtobufCMessage *msg, gboolean emit_defaults, gboolean pretty,
                   GError **error);

/* The proto3 JSON name of a proto field name ("freeze_at_ms" -> "freezeAtMs"), as protoc derives
 * it. g_free the result. */
char *pbjson_json_name(const char *proto_name);

G_END_DECLS

#endif /* PATEN_PBJSON_H */
