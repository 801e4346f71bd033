/*
 * pd_hash.h: password hashing (Argon2id through libsodium, fixed interactive-level parameters)
 * off the event loop.
 *
 * Each hash takes ~0.1 s and 64 MiB, so it runs in libuv's thread pool, and no more than
 * `concurrency` run at once: a login storm queues here instead of starving the other users of the
 * thread pool (DNS lookups) or the machine's memory. The queue is bounded; past it requests get
 * RATE_LIMITED.
 */
#ifndef PD_HASH_H
#define PD_HASH_H

#include <stdbool.h>
#include <uv.h>

struct pd_hash;

/* 0 concurrency: the number of CPUs. */
struct pd_hash *pd_hash_create(uv_loop_t *loop, unsigned concurrency, unsigned max_queued);
void pd_hash_free(struct pd_hash *h);

/* Jobs queued or running, for the shutdown and for ServerInfo. */
unsigned pd_hash_pending(const struct pd_hash *h);

/* Verifies password against an encoded Argon2id hash; cb(ok, arg) on the loop. ok is false for a
 * wrong password or a malformed hash. Returns 0, or -1 when the queue is full (no callback). The
 * strings are copied; the password copy is wiped after use. */
int pd_hash_verify(struct pd_hash *h, const char *encoded, const char *password,
                   void (*cb)(bool ok, void *arg), void *arg);

/* Hashes password; cb(encoded or NULL on failure, arg) on the loop; encoded is valid during cb.
 * Returns 0, or -1 when the queue is full (no callback). */
int pd_hash_make(struct pd_hash *h, const char *password,
                 void (*cb)(const char *encoded, void *arg), void *arg);

/* Blocking versions, for start-up (demo data, --create-admin). */
bool pd_hash_make_now(const char *password, char *out, size_t cap);

/* A valid hash of a random password, to verify against when the login names no user, so that
 * the answer takes as long as for a real user (no telling users apart by timing). */
const char *pd_hash_dummy(void);

#endif
