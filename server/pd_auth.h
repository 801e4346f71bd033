/*
 * pd_auth.h: logging in, resuming, expiring and ending sessions.
 *
 * Login takes a username or NIP and a password checked against its Argon2id hash off the loop
 * (pd_hash.c). Five failures in a row (settings auth.max_failures) lock the account for 15
 * minutes (auth.lockout_minutes); both are audited. A session is a random 256-bit token, given to
 * the client once and stored as its SHA-256; it ends on Logout, on deactivation or password reset,
 * or after auth.session_idle_minutes (480) without a request, on the business clock.
 */
#ifndef PD_AUTH_H
#define PD_AUTH_H

#include "pd_session.h"

#include <stdint.h>

struct pd_server;

/* Records activity on s; writes sessions.last_seen_at at most once a minute (fire and forget:
 * a lost update only makes a resume after a long idle a little stricter). */
void pd_auth_touch(struct pd_server *srv, struct pd_session *s, int64_t now_ms);

/* Ends s because it was idle too long: marks it ended here, ends it in the database (audited as
 * SESSION_EXPIRED) and tells the user's other connections. Fire and forget. */
void pd_auth_expire(struct pd_server *srv, struct pd_session *s, const char *connection);

#endif
