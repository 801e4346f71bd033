/*
 * paten_msg.h: the table of message types (which request and reply messages each frame type
 * carries), packing of protobuf messages into frames, and unpacking with bounded memory.
 *
 * Shared by patend, patenctl, paten-desk and the tests; this is the only place that ties the
 * MessageType numbers of paten.proto to their protobuf-c descriptors.
 */
#ifndef PATEN_MSG_H
#define PATEN_MSG_H

#include "paten.pb-c.h"
#include "paten_frame.h"

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

struct paten_msg_info {
    uint16_t type;    /* a PATEN__MESSAGE_TYPE__ value */
    const char *name; /* the rpc name in service Paten: "Ping" */
    const ProtobufCMessageDescriptor *request;
    const ProtobufCMessageDescriptor *reply;
};

/* The entry for a request type, or NULL. */
const struct paten_msg_info *paten_msg_by_type(uint16_t type);

/* The entry whose rpc name ("Ping") or request message name ("PingRequest") matches, ignoring
 * case; NULL when none does. */
const struct paten_msg_info *paten_msg_by_name(const char *name);

/* Iteration over every entry, for tools and tests: entries 0 .. paten_msg_count()-1. */
size_t paten_msg_count(void);
const struct paten_msg_info *paten_msg_at(size_t i);

/*
 * Packs msg (may be NULL for an empty payload) after a header built from type, flags and
 * request_id into one malloc'd buffer, returned in *out (caller frees) with its size in *out_len.
 * Returns 0, -PATEN_ERR_FRAME_TOO_LARGE when the payload exceeds PATEN_PAYLOAD_HARD_MAX, or
 * -PATEN_ERR_RESOURCE_EXHAUSTED.
 */
int paten_msg_pack_frame(uint16_t type, uint8_t flags, uint32_t request_id,
                         const ProtobufCMessage *msg, uint8_t **out, size_t *out_len);

/* Packs an Error frame with the given code; message NULL takes the default Indonesian text. */
int paten_msg_pack_error(uint16_t type, uint32_t request_id, int code, const char *message,
                         const char *field, const char *detail, uint8_t **out, size_t *out_len);

/*
 * A protobuf-c allocator that refuses to hand out more than `limit` bytes in total, so a small
 * payload that expands into a huge structure (many empty sub-messages) cannot exhaust memory.
 */
struct paten_bounded_alloc {
    ProtobufCAllocator base; /* must stay first */
    size_t used;
    size_t limit;
};

/* An unpacked message together with the allocator that owns its memory. */
struct paten_unpacked {
    ProtobufCMessage *msg;
    struct paten_bounded_alloc alloc;
};

/* The memory bound used for a payload of len bytes: generous for real messages, finite always. */
size_t paten_msg_unpack_limit(size_t len);

/*
 * Unpacks data as a message of descriptor desc using at most `limit` bytes of memory.
 * Returns 0 with u->msg set (free with paten_msg_unpacked_free), or -PATEN_ERR_BAD_MESSAGE when the
 * bytes are not a valid message of that type (a string that is not UTF-8 and a field numbered 0
 * included) or need more memory than the limit.
 */
int paten_msg_unpack(struct paten_unpacked *u, const ProtobufCMessageDescriptor *desc,
                     const uint8_t *data, size_t len, size_t limit);

/* Frees what paten_msg_unpack produced; safe on a zeroed or already freed struct. u must not have
 * moved in memory since paten_msg_unpack: its allocator points into it. */
void paten_msg_unpacked_free(struct paten_unpacked *u);

#endif
