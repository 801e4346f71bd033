/*
 * pd_idem.h: exactly-once data-changing requests (docs/protocol.md, "Idempotency keys").
 *
 * A changing request carries a client-chosen UUID. Its transaction first claims (user, key,
 * SHA-256 of the request): a key seen before returns the reply stored with it and changes nothing
 * (a retry after a lost reply); the same key with a different request is IDEMPOTENCY_MISMATCH.
 * A fresh claim proceeds, and the reply is stored in the same transaction as the change, so the
 * change and its reply are committed together or not at all. Two copies of one request racing
 * each other serialise on the claim: the second waits for the first to commit, then replays it.
 */
#ifndef PD_IDEM_H
#define PD_IDEM_H

#include "pd_db.h"
#include "pd_dispatch.h"

/* Called for a fresh claim: the transaction to continue, and the results of the statements the
 * handler added after the claim (r->res[0] is the first of them). */
typedef void (*pd_idem_proceed)(struct pd_request *req, struct pd_db_txn *t,
                                const struct pd_db_result *r, void *arg);

/* Whether key is a UUID; if not, fails the request (INVALID_ARGUMENT, field idempotency_key).
 * For a handler that reads something before pd_idem_start, so bad input is refused first. */
bool pd_idem_key_ok(struct pd_request *req, const char *key);

/* Checks the key and returns a batch that starts with the claim; the handler appends the
 * statements it needs in the same round trip (reads with FOR UPDATE). Returns NULL after failing
 * the request with INVALID_ARGUMENT (field idempotency_key) when the key is not a UUID. */
struct pd_db_batch *pd_idem_start(struct pd_request *req, const char *key);

/* Runs the batch from pd_idem_start; replays, refuses, or calls proceed. When proceed will not
 * be called (a replay, a mismatch, a database error), discard(arg) is, so that the handler's
 * state is freed either way; discard may be NULL. */
void pd_idem_begin(struct pd_request *req, struct pd_db_batch *b, pd_idem_proceed proceed,
                   void *arg, void (*discard)(void *arg));

/* Stores reply with the key, commits b (the change) in the same round trip, then sends the reply;
 * a failed commit fails the request with the matching error (field names the offending field for
 * unique and check violations, when known). */
void pd_idem_commit(struct pd_request *req, struct pd_db_txn *t, struct pd_db_batch *b,
                    const ProtobufCMessage *reply);

/* Rolls back and fails the request: for a handler that finds, after the claim, that the change
 * cannot be made. Nothing is stored, so a corrected retry with the same key is treated afresh. */
void pd_idem_abort(struct pd_request *req, struct pd_db_txn *t, int code, const char *message,
                   const char *field, const char *detail);

/* pd_idem_abort for a file in the wrong state or at another version (pd_request_fail_state). */
void pd_idem_abort_state(struct pd_request *req, struct pd_db_txn *t, int code, const char *message,
                         const char *field, int current_state, int64_t current_version,
                         const char *detail);

/* For a step after the claim that failed in the database (the transaction is already rolled
 * back): forgets the claim and fails the request like pd_request_fail_db. */
void pd_idem_fail_db(struct pd_request *req, const struct pd_db_result *r, const char *what);

/* Maps a failed database result to the request's error and fails the request. */
void pd_request_fail_db(struct pd_request *req, const struct pd_db_result *r, const char *what);

#endif
