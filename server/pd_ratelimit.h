/*
 * pd_ratelimit.h: limits per client address, against one machine that floods patend: how many
 * connections an address may hold at once (--max-connections-per-address) and how many failed
 * logins it may make a minute (--login-rate-per-address).
 *
 * An "address" is an IPv4 address, or the /64 prefix of an IPv6 one (one subscriber's network:
 * handing out a new address from its /64 costs an attacker nothing). IPv4-mapped IPv6 addresses
 * count as the IPv4 address. Loopback counts like any other address.
 *
 * Both tables live in memory and are bounded: the connection table holds only addresses with an
 * open connection (at most --max-connections), the login table at most PD_LOGIN_TABLE_MAX
 * entries, dropping the least recently used one when full; an entry whose bucket has refilled is
 * forgotten as soon as it is at the cold end.
 */
#ifndef PD_RATELIMIT_H
#define PD_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for an address key: an IPv6 /64 prefix "xxxx:xxxx:xxxx:xxxx::/64" or an IPv4 address. */
#define PD_ADDR_KEY_MAX 48

/* Login addresses remembered at most. */
#define PD_LOGIN_TABLE_MAX 16384

/*
 * The address key of a peer written as pd_transport's peer() does ("1.2.3.4:5678",
 * "[2001:db8::1]:5678"). A peer that cannot be parsed gets the key "?" (all such share one entry).
 */
void pd_addr_key(const char *peer, char out[PD_ADDR_KEY_MAX]);

/* ---- connections per address ----------------------------------------------------------- */

struct pd_addr_conns;
struct pd_addr_slot; /* one address's entry; a connection holds a pointer to it */

struct pd_addr_conns *pd_addr_conns_new(void);
void pd_addr_conns_free(struct pd_addr_conns *t);

/*
 * Counts one more connection from key, unless limit connections from it are open already.
 * Returns 0 and *slot (the entry to hand back to pd_addr_conns_release), or -1 when refused; then
 * *log_now is true for the first refusal of the address in each minute of the monotonic clock
 * now_mono_ms, and *suppressed counts its refusals not logged since the last line. A limit of 0
 * counts nothing: 0 with *slot NULL.
 */
int pd_addr_conns_acquire(struct pd_addr_conns *t, const char *key, uint32_t limit,
                          uint64_t now_mono_ms, struct pd_addr_slot **slot, bool *log_now,
                          uint64_t *suppressed);

/* The connection that acquired slot (NULL: nothing counted) closed. */
void pd_addr_conns_release(struct pd_addr_conns *t, struct pd_addr_slot *slot,
                           uint64_t now_mono_ms);

/* Open connections counted for key (0 when none), for tests and logs. */
uint32_t pd_addr_conns_count(const struct pd_addr_conns *t, const char *key);

/* ---- failed logins per address ----------------------------------------------------------- */

/*
 * A token bucket per address on the business clock: `rate` tokens, refilled at rate a minute;
 * each failed login takes one. A login is let through while the address has a token left after
 * counting the logins from it still being checked, so a burst sent at once cannot overdraw it.
 */
struct pd_login_limits;

struct pd_login_limits *pd_login_limits_new(uint32_t rate_per_minute);
void pd_login_limits_free(struct pd_login_limits *l);

/*
 * Asks to check one login from key at now_ms. Returns 0 when it may go on (then exactly one
 * pd_login_limits_end must follow), or how many milliseconds until it may, when refused. On a
 * refusal *report is true for the first refusal of the address in a minute of the business clock
 * (log it, audit it) and *refused_since counts the refusals since the last report, this one
 * included. With a rate of 0 every login goes on.
 */
int64_t pd_login_limits_begin(struct pd_login_limits *l, const char *key, int64_t now_ms,
                              bool *report, uint64_t *refused_since);

/* The login that began is over; failed: it did not open a session (it costs a token). */
void pd_login_limits_end(struct pd_login_limits *l, const char *key, int64_t now_ms, bool failed);

/* Addresses remembered now (for tests). */
size_t pd_login_limits_size(const struct pd_login_limits *l);

#endif
