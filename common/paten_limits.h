/*
 * paten_limits.h: protocol limits every peer relies on. Servers may be configured tighter, never
 * looser than the hard maxima here; HelloReply tells a client the values in force.
 */
#ifndef PATEN_LIMITS_H
#define PATEN_LIMITS_H

/* The protocol version a peer speaks (HelloRequest / HelloReply). Major versions do not talk. */
#define PATEN_PROTOCOL_MAJOR 1
#define PATEN_PROTOCOL_MINOR 0

/* No frame may ever carry more than this, whatever the configuration says. */
#define PATEN_PAYLOAD_HARD_MAX (16u * 1024u * 1024u)

/* Payload limits before and after Hello/login; the server's defaults. */
#define PATEN_PAYLOAD_MAX_PRELOGIN (16u * 1024u)
#define PATEN_PAYLOAD_MAX_DEFAULT  (4u * 1024u * 1024u)

/* Requests the server reads ahead of its replies on one connection. */
#define PATEN_IN_FLIGHT_DEFAULT  64u
#define PATEN_IN_FLIGHT_PRELOGIN 4u

#endif
