/*
 * pd_auth.c: Login, Resume, Logout, ChangePassword and GetSession (see pd_auth.h).
 *
 * Login never tells an unknown login from a wrong password: both answer the same error after the
 * same Argon2id work (a dummy hash stands in for the unknown user). A locked account says so, with
 * the time left, because the user at the counter needs to know whether to wait or call the ADMIN.
 *
 * Before any of that, an address that failed too many logins in the last minute
 * (--login-rate-per-address, pd_ratelimit.c) gets RATE_LIMITED without its password being checked,
 * so guessing from one machine is slow and costs patend no Argon2id time.
 */
#include "pd_auth.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_clock.h"
#include "pd_conn.h"
#include "pd_db.h"
#include "pd_dispatch.h"
#include "pd_events.h"
#include "pd_hash.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_people.h"
#include "pd_ratelimit.h"
#include "pd_server.h"

#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_MAX      64
#define PASSWORD_MAX   256
#define PASSWORD_MIN   8
#define TOUCH_EVERY_MS 60000

static const char *const wrong_login = "NIP/nama pengguna atau kata sandi salah";

/* ---- shared ------------------------------------------------------------------------------ */

static void log_failure(const struct pd_db_result *r, void *arg)
{
    const char *what = arg;
    if (r->status < 0)
        pd_warn(0, "%s failed: %s", what, r->message);
}

/* The idle session's end is recorded: say so only now, so that the log line means the row is
 * ended (arg: the line, g_free'd here). */
static void expiry_written(const struct pd_db_result *r, void *arg)
{
    char *line = arg;

    if (r->status < 0)
        pd_warn(0, "recording that %s failed: %s", line, r->message);
    else
        pd_info(0, "%s", line);
    g_free(line);
}

void pd_auth_touch(struct pd_server *srv, struct pd_session *s, int64_t now_ms)
{
    struct pd_db_batch *b;

    s->last_activity_ms = now_ms;
    if (now_ms - s->last_seen_written_ms < TOUCH_EVERY_MS)
        return;
    s->last_seen_written_ms = now_ms;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_SESSION_TOUCH);
    pd_db_param_int(b, s->id);
    pd_db_param_int(b, now_ms);
    pd_db_run(srv->db, b, log_failure, "recording session activity");
}

/* Adds the end of session s (audit action `action`) and the event telling its connections. */
static void add_session_end(struct pd_db_batch *b, struct pd_session *s, int64_t now_ms,
                            const char *reason, const char *action, const char *connection,
                            int64_t actor)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__SessionEnded ended = PATEN__SESSION_ENDED__INIT;

    pd_db_batch_add(b, PD_STMT_SESSION_END);
    pd_db_param_int(b, s->id);
    pd_db_param_int(b, now_ms);
    pd_db_param_text(b, reason);
    pd_db_param_text(b, connection);
    if (actor)
        pd_db_param_int(b, actor);
    else
        pd_db_param_null(b);
    pd_db_param_text(b, action);
    ended.reason = (char *)reason;
    ended.session_id = s->id;
    ev.at_ms = now_ms;
    ev.body_case = PATEN__EVENT__BODY_SESSION_ENDED;
    ev.session_ended = &ended;
    pd_event_add(b, now_ms, "SESSION_ENDED", 0, 0, 0, s->user_id, &ev);
}

void pd_auth_expire(struct pd_server *srv, struct pd_session *s, const char *connection)
{
    struct pd_db_batch *b;
    int64_t now = pd_clock_now_ms();

    if (s->ended)
        return;
    s->ended = true;
    b = pd_db_batch_new();
    add_session_end(b, s, now, "idle", "SESSION_EXPIRED", connection, 0);
    pd_db_run(srv->db, b, expiry_written,
              g_strdup_printf("session %lld of %s expired after %u s idle", (long long)s->id,
                              s->username, s->idle_timeout_s));
}

/*
 * Fills the in-memory session s from a user row (at col0 of users[row]), its delegations and the
 * idle timeout, for Login, Resume and GetSession.
 */
static void session_fill(struct pd_session *s, const PGresult *users, int row, int col0,
                         const PGresult *delegations, uint32_t idle_minutes, int64_t now_ms)
{
    int n;
    struct pd_acting *a = pd_acting_from_rows(delegations, &n);

    s->user_id = pd_db_get_int(users, row, col0 + 0);
    snprintf(s->username, sizeof s->username, "%s", pd_db_str(users, row, col0 + 1));
    s->must_change_password = pd_db_get_bool(users, row, col0 + 5);
    s->office_id = pd_db_get_int(users, row, col0 + 8);
    s->office_kind = pd_office_kind_parse(pd_db_str(users, row, col0 + 11));
    s->region_id = pd_db_get_int(users, row, col0 + PD_USER_COL_REGION_ID);
    s->roles = pd_roles_parse_csv(pd_db_str(users, row, col0 + 18));
    s->idle_timeout_s = idle_minutes * 60;
    s->last_activity_ms = now_ms;
    s->last_seen_written_ms = now_ms;
    pd_session_set_acting(s, a, n);
    free(a);
}

/* Builds and sends the SessionReply for s (token only on Login). */
static void reply_session(struct pd_request *req, struct pd_session *s, const uint8_t *token,
                          const PGresult *users, int row, int col0, const PGresult *delegations,
                          uint64_t last_seq)
{
    Paten__SessionReply reply = PATEN__SESSION_REPLY__INIT;
    Paten__SessionInfo info = PATEN__SESSION_INFO__INIT;
    Paten__Region region = PATEN__REGION__INIT;
    struct pd_user_buf user;
    Paten__Role eff[PATEN__ROLE__ROLE_ADMIN + 1];
    pd_roleset effective = pd_session_effective_roles(s, req->now_ms);
    int n = delegations ? PQntuples(delegations) : 0;
    Paten__Delegation *d = pd_xcalloc((size_t)(n ? n : 1), sizeof *d);
    Paten__Delegation **dp = pd_xcalloc((size_t)(n ? n : 1), sizeof *dp);
    size_t ne = 0, nd = 0;

    pd_user_from_row(users, row, col0, &user);
    region.code = (char *)pd_db_str(users, row, col0 + PD_USER_COL_REGION_CODE);
    region.name = (char *)pd_db_str(users, row, col0 + PD_USER_COL_REGION_NAME);
    region.time_zone = (char *)pd_db_str(users, row, col0 + PD_USER_COL_TIME_ZONE);
    for (int r = 1; r <= PATEN__ROLE__ROLE_ADMIN; r++)
        if (effective & PD_ROLE_BIT(r))
            eff[ne++] = (Paten__Role)r;
    for (int i = 0; i < n; i++) {
        pd_delegation_from_row(delegations, i, 0, &d[i]);
        if (d[i].valid_from_ms <= req->now_ms && req->now_ms < d[i].valid_until_ms)
            dp[nd++] = &d[i];
    }
    info.user = &user.user;
    info.region = &region;
    info.effective_roles = eff;
    info.n_effective_roles = ne;
    info.acting_for = dp;
    info.n_acting_for = nd;
    info.must_change_password = s->must_change_password;
    info.idle_timeout_s = s->idle_timeout_s;
    info.last_event_sequence = last_seq;
    info.session_id = s->id;
    reply.session = &info;
    if (token) {
        reply.session_token.data = (uint8_t *)token;
        reply.session_token.len = 32;
    }
    pd_request_reply(req, &reply.base);
    free(dp);
    free(d);
}

/* ---- Login ------------------------------------------------------------------------------- */

struct login {
    struct pd_request *req;
    struct pd_server *srv;
    char addr[PD_ADDR_KEY_MAX]; /* the client's address, for --login-rate-per-address */
    int64_t user_id;
    int max_failures;
    int lockout_minutes;
    uint32_t idle_minutes;
    uint8_t token[32];
    uint8_t token_hash[crypto_hash_sha256_BYTES];
};

/* Ends a login let through by the address's rate limit; failed: no session came of it (a wrong
 * password, an unknown user, a locked account), which costs the address one of its tokens. */
static void login_finish(struct login *l, bool failed)
{
    pd_login_limits_end(l->srv->login_limits, l->addr, pd_clock_now_ms(), failed);
    free(l);
}

/* Verifies the password off the loop (the only place Login spends Argon2id time). */
static int login_check_password(struct login *l, const char *encoded, const char *password,
                                void (*cb)(bool ok, void *arg))
{
    pd_debug(l->req->conn_id, "login from %s: checking the password", l->addr);
    return pd_hash_verify(l->srv->hash, encoded, password, cb, l);
}

static void login_fail_generic(bool ok, void *arg)
{
    struct login *l = arg;
    (void)ok;
    pd_request_fail(l->req, PATEN_ERR_UNAUTHENTICATED, wrong_login, NULL,
                    "no active user with this login");
    login_finish(l, true);
}

static void login_failed_recorded(const struct pd_db_result *r, void *arg)
{
    struct login *l = arg;
    struct pd_request *req = l->req;
    int64_t locked_until;

    if (r->status < 0 || PQntuples(r->res[0]) != 1) {
        pd_request_fail(req, r->status < 0 ? -r->status : PATEN_ERR_INTERNAL, NULL, NULL,
                        "recording a failed login: %s", r->message);
        login_finish(l, true);
        return;
    }
    locked_until = pd_db_get_int(r->res[0], 0, 1);
    if (locked_until > req->now_ms && pd_db_get_int(r->res[0], 0, 0) == 0) {
        char text[160];
        snprintf(text, sizeof text, "Terlalu banyak percobaan gagal; akun dikunci selama %d menit",
                 l->lockout_minutes);
        pd_info(req->conn_id, "account %lld locked after %d failed logins", (long long)l->user_id,
                l->max_failures);
        pd_request_fail_retry(req, PATEN_ERR_ACCOUNT_LOCKED, text, locked_until - req->now_ms,
                              "locked after too many failed logins");
    } else {
        pd_request_fail(req, PATEN_ERR_UNAUTHENTICATED, wrong_login, NULL, "wrong password");
    }
    login_finish(l, true);
}

static void login_done(const struct pd_db_result *r, void *arg)
{
    struct login *l = arg;
    struct pd_request *req = l->req;
    struct pd_session *s;

    if (r->status < 0 || PQntuples(r->res[0]) != 1 || PQntuples(r->res[1]) != 1) {
        if (r->status < 0)
            pd_request_fail_db(req, r, "starting the session");
        else
            pd_request_fail(req, PATEN_ERR_UNAUTHENTICATED, wrong_login, NULL,
                            "the user went away during login");
        sodium_memzero(l->token, sizeof l->token);
        login_finish(l, false);
        return;
    }
    s = pd_session_get(req->srv, pd_db_get_int(r->res[0], 0, 0));
    session_fill(s, r->res[1], 0, 0, r->res[2], l->idle_minutes, req->now_ms);
    pd_conn_set_session(req->conn, s);
    pd_session_unref(req->srv, s);
    pd_info(req->conn_id, "%s logged in (session %lld)", s->username, (long long)s->id);
    reply_session(req, s, l->token, r->res[1], 0, 0, r->res[2],
                  (uint64_t)pd_db_get_int(r->res[0], 0, 1));
    sodium_memzero(l->token, sizeof l->token);
    login_finish(l, false);
}

static void login_verified(bool ok, void *arg)
{
    struct login *l = arg;
    struct pd_request *req = l->req;
    struct pd_db_batch *b = pd_db_batch_new();

    if (!ok) {
        pd_db_batch_add(b, PD_STMT_LOGIN_FAILED);
        pd_db_param_int(b, l->user_id);
        pd_db_param_int(b, req->now_ms);
        pd_db_param_int(b, l->max_failures);
        pd_db_param_int(b, l->lockout_minutes);
        pd_db_param_text(b, req->connection);
        pd_db_run(req->srv->db, b, login_failed_recorded, l);
        return;
    }
    randombytes_buf(l->token, sizeof l->token);
    crypto_hash_sha256(l->token_hash, l->token, sizeof l->token);
    pd_db_batch_add(b, PD_STMT_LOGIN_OK);
    pd_db_param_int(b, l->user_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_bytea(b, l->token_hash, sizeof l->token_hash);
    pd_db_param_text(b, "");
    pd_db_param_text(b, pd_conn_peer(req->conn));
    pd_db_param_text(b, req->connection);
    pd_db_batch_add(b, PD_STMT_USER_BY_ID);
    pd_db_param_int(b, l->user_id);
    pd_db_batch_add(b, PD_STMT_DELEGATIONS_OF_USER);
    pd_db_param_int(b, l->user_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_run(req->srv->db, b, login_done, l);
}

static void login_looked_up(const struct pd_db_result *r, void *arg)
{
    struct login *l = arg;
    struct pd_request *req = l->req;
    const Paten__LoginRequest *m = (const Paten__LoginRequest *)req->in.msg;
    const PGresult *res;
    int64_t locked_until;
    int rc;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "looking up the login");
        login_finish(l, false);
        return;
    }
    res = r->res[0];
    if (PQntuples(res) != 1 || !pd_db_get_bool(res, 0, 4)) {
        /* Same work, same answer as a wrong password. */
        rc = login_check_password(l, pd_hash_dummy(), m->password, login_fail_generic);
        if (rc < 0)
            login_fail_generic(false, l);
        return;
    }
    l->user_id = pd_db_get_int(res, 0, 0);
    l->max_failures = (int)pd_db_get_int(res, 0, PD_SQL_USER_NCOLS + 2);
    l->lockout_minutes = (int)pd_db_get_int(res, 0, PD_SQL_USER_NCOLS + 3);
    l->idle_minutes = (uint32_t)pd_db_get_int(res, 0, PD_SQL_USER_NCOLS + 4);
    locked_until = pd_db_get_int(res, 0, 7);
    if (locked_until > req->now_ms) {
        char text[160];
        int64_t left = locked_until - req->now_ms;
        snprintf(text, sizeof text, "Akun terkunci; coba lagi dalam %lld menit",
                 (long long)((left + 59999) / 60000));
        pd_request_fail_retry(req, PATEN_ERR_ACCOUNT_LOCKED, text, left, "account locked");
        login_finish(l, true);
        return;
    }
    rc = login_check_password(l, pd_db_str(res, 0, PD_SQL_USER_NCOLS), m->password, login_verified);
    if (rc < 0) {
        pd_request_fail_retry(req, PATEN_ERR_RATE_LIMITED, NULL, 1000,
                              "too many logins being checked at once");
        login_finish(l, false);
    }
}

/* ---- the rate limit per address ---- */

struct throttled {
    struct pd_request *req;
    int64_t retry_after_ms;
};

static void login_refuse_throttled(struct pd_request *req, int64_t retry_after_ms)
{
    char text[160];

    snprintf(
        text, sizeof text,
        "Terlalu banyak percobaan masuk yang gagal dari alamat ini; coba lagi dalam %lld detik",
        (long long)((retry_after_ms + 999) / 1000));
    pd_request_fail_retry(req, PATEN_ERR_RATE_LIMITED, text, retry_after_ms,
                          "too many failed logins from this address (--login-rate-per-address); "
                          "the password was not checked");
}

static void throttled_audited(const struct pd_db_result *r, void *arg)
{
    struct throttled *t = arg;

    if (r->status < 0)
        pd_warn(t->req->conn_id, "auditing a throttled login failed: %s", r->message);
    login_refuse_throttled(t->req, t->retry_after_ms);
    free(t);
}

/*
 * Refuses a login over the address's rate, without reading the user or checking the password.
 * The first refusal of the address in a minute is logged, and audited in the office of the user
 * the login names (if it names one) before the answer goes out.
 */
static void login_throttled(struct pd_request *req, const char *login, const char *addr,
                            int64_t retry_after_ms, bool report, uint64_t refused)
{
    struct pd_server *srv = req->srv;
    struct throttled *t;
    struct pd_db_batch *b;

    srv->stats.logins_throttled++;
    if (!report) {
        login_refuse_throttled(req, retry_after_ms);
        return;
    }
    pd_warn(req->conn_id,
            "login refused for %s: more than %u failed logins a minute from it "
            "(--login-rate-per-address); %llu refused since the last line; the next such line "
            "comes in a minute at the earliest",
            addr, srv->cfg->login_rate_per_address, (unsigned long long)refused);
    t = pd_xcalloc(1, sizeof *t);
    t->req = req;
    t->retry_after_ms = retry_after_ms;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_LOGIN_THROTTLED);
    pd_db_param_text(b, login);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, req->connection);
    pd_db_param_text(b, addr);
    pd_db_param_int(b, srv->cfg->login_rate_per_address);
    pd_db_run(srv->db, b, throttled_audited, t);
}

void pd_handle_login(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__LoginRequest *m = (const Paten__LoginRequest *)msg;
    char addr[PD_ADDR_KEY_MAX];
    struct login *l;
    struct pd_db_batch *b;
    uint64_t refused;
    int64_t wait;
    bool report;

    if (m->login[0] == '\0' || strlen(m->login) > LOGIN_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "NIP atau nama pengguna wajib diisi",
                        "login", "login must be 1 to %d bytes", LOGIN_MAX);
        return;
    }
    if (m->password[0] == '\0' || strlen(m->password) > PASSWORD_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Kata sandi wajib diisi", "password",
                        "password must be 1 to %d bytes", PASSWORD_MAX);
        return;
    }
    pd_addr_key(pd_conn_peer(req->conn), addr);
    wait = pd_login_limits_begin(req->srv->login_limits, addr, req->now_ms, &report, &refused);
    if (wait > 0) {
        login_throttled(req, m->login, addr, wait, report, refused);
        return;
    }
    l = pd_xcalloc(1, sizeof *l);
    l->req = req;
    l->srv = req->srv;
    memcpy(l->addr, addr, sizeof l->addr);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_LOGIN_LOOKUP);
    pd_db_param_text(b, m->login);
    pd_db_run(req->srv->db, b, login_looked_up, l);
}

/* ---- Resume ------------------------------------------------------------------------------ */

static void resumed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    const PGresult *res;
    struct pd_session *s;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "resuming the session");
        return;
    }
    res = r->res[0];
    if (PQntuples(res) != 1) {
        pd_request_fail(req, PATEN_ERR_UNAUTHENTICATED,
                        "Sesi tidak berlaku lagi; silakan masuk lagi", "session_token",
                        "unknown, ended or expired session");
        return;
    }
    s = pd_session_get(req->srv, pd_db_get_int(res, 0, 0));
    session_fill(s, res, 0, 1, r->res[1], (uint32_t)pd_db_get_int(res, 0, 1 + PD_SQL_USER_NCOLS),
                 req->now_ms);
    s->ended = false;
    pd_conn_set_session(req->conn, s);
    pd_session_unref(req->srv, s);
    pd_info(req->conn_id, "%s resumed session %lld", s->username, (long long)s->id);
    reply_session(req, s, NULL, res, 0, 1, r->res[1],
                  (uint64_t)pd_db_get_int(res, 0, 2 + PD_SQL_USER_NCOLS));
}

void pd_handle_resume(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ResumeRequest *m = (const Paten__ResumeRequest *)msg;
    uint8_t hash[crypto_hash_sha256_BYTES];
    struct pd_db_batch *b;

    if (m->session_token.len != 32) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "session_token",
                        "a session token is 32 bytes");
        return;
    }
    crypto_hash_sha256(hash, m->session_token.data, m->session_token.len);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_RESUME);
    pd_db_param_bytea(b, hash, sizeof hash);
    pd_db_param_int(b, req->now_ms);
    pd_db_batch_add(b, PD_STMT_DELEGATIONS_OF_TOKEN);
    pd_db_param_bytea(b, hash, sizeof hash);
    pd_db_param_int(b, req->now_ms);
    pd_db_run(req->srv->db, b, resumed, req);
}

/* ---- Logout ------------------------------------------------------------------------------ */

static void logged_out(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__LogoutReply reply = PATEN__LOGOUT_REPLY__INIT;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "ending the session");
        return;
    }
    req->session->ended = true;
    pd_info(req->conn_id, "%s logged out", req->session->username);
    pd_conn_set_session(req->conn, NULL);
    pd_request_reply(req, &reply.base);
}

void pd_handle_logout(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    add_session_end(b, req->session, req->now_ms, "logout", "LOGOUT", req->connection,
                    req->session->user_id);
    pd_db_run(req->srv->db, b, logged_out, req);
}

/* ---- GetSession -------------------------------------------------------------------------- */

static void session_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    struct pd_session *s = req->session;

    if (r->status < 0 || PQntuples(r->res[0]) != 1) {
        if (r->status < 0)
            pd_request_fail_db(req, r, "reading the session");
        else
            pd_request_fail(req, PATEN_ERR_UNAUTHENTICATED, NULL, NULL, "user gone");
        return;
    }
    /* Refresh what this process holds, in case roles or delegations changed. */
    s->roles = pd_roles_parse_csv(pd_db_str(r->res[0], 0, 18));
    s->must_change_password = pd_db_get_bool(r->res[0], 0, 5);
    session_fill(s, r->res[0], 0, 0, r->res[1], s->idle_timeout_s / 60, req->now_ms);
    reply_session(req, s, NULL, r->res[0], 0, 0, r->res[1],
                  (uint64_t)pd_db_get_int(r->res[2], 0, 0));
}

void pd_handle_get_session(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_USER_BY_ID);
    pd_db_param_int(b, req->session->user_id);
    pd_db_batch_add(b, PD_STMT_DELEGATIONS_OF_USER);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_batch_add(b, PD_STMT_EVENT_LAST);
    pd_db_run(req->srv->db, b, session_read, req);
}

/* ---- ChangePassword ---------------------------------------------------------------------- */

struct change_pw {
    struct pd_request *req;
    char hash[256];
};

static void change_pw_proceed(struct pd_request *req, struct pd_db_txn *t,
                              const struct pd_db_result *r, void *arg)
{
    struct change_pw *cp = arg;
    Paten__ChangePasswordReply reply = PATEN__CHANGE_PASSWORD_REPLY__INIT;
    struct pd_session *s = req->session;
    struct pd_db_batch *b = pd_db_batch_new();
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__SessionEnded ended = PATEN__SESSION_ENDED__INIT;

    (void)r;
    pd_db_batch_add(b, PD_STMT_USER_SET_PASSWORD);
    pd_db_param_int(b, s->user_id);
    pd_db_param_text(b, cp->hash);
    pd_db_param_bool(b, false);
    pd_db_param_int(b, req->now_ms);
    /* A new password ends the user's other sessions (a desk left logged in elsewhere). */
    pd_db_batch_add(b, PD_STMT_SESSIONS_END_USER);
    pd_db_param_int(b, s->user_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, "password changed");
    pd_db_param_int(b, s->id);
    pd_audit_add_user(b, req, "PASSWORD_CHANGED", s->user_id, NULL, NULL);
    ended.reason = "password changed";
    ended.session_id = 0;
    ended.except_session_id = s->id;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_SESSION_ENDED;
    ev.session_ended = &ended;
    pd_event_add(b, req->now_ms, "SESSION_ENDED", 0, 0, 0, s->user_id, &ev);
    s->must_change_password = false;
    sodium_memzero(cp->hash, sizeof cp->hash);
    free(cp);
    pd_idem_commit(req, t, b, &reply.base);
}

static void change_pw_hashed(const char *encoded, void *arg)
{
    struct change_pw *cp = arg;
    struct pd_request *req = cp->req;
    const Paten__ChangePasswordRequest *m = (const Paten__ChangePasswordRequest *)req->in.msg;
    struct pd_db_batch *b;

    if (encoded == NULL) {
        pd_request_fail(req, PATEN_ERR_RESOURCE_EXHAUSTED, NULL, NULL, "hashing failed");
        free(cp);
        return;
    }
    snprintf(cp->hash, sizeof cp->hash, "%s", encoded);
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL) {
        free(cp);
        return;
    }
    pd_idem_begin(req, b, change_pw_proceed, cp, free);
}

/* The key was fresh, so this really is a wrong old password: undo the claim and say so. */
static void change_pw_fresh_but_wrong(struct pd_request *req, struct pd_db_txn *t,
                                      const struct pd_db_result *r, void *arg)
{
    (void)r;
    (void)arg;
    pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT, "Kata sandi lama salah", "old_password",
                  "the old password does not match");
}

static void change_pw_verified(bool ok, void *arg)
{
    struct change_pw *cp = arg;
    struct pd_request *req = cp->req;
    const Paten__ChangePasswordRequest *m = (const Paten__ChangePasswordRequest *)req->in.msg;

    if (!ok) {
        /* A retry after the change succeeded meets the new password here: the key then answers
         * with the stored reply; only a fresh key means a wrong old password. */
        struct pd_db_batch *b;
        free(cp);
        b = pd_idem_start(req, m->idempotency_key);
        if (b != NULL)
            pd_idem_begin(req, b, change_pw_fresh_but_wrong, NULL, NULL);
        return;
    }
    if (pd_hash_make(req->srv->hash, m->new_password, change_pw_hashed, cp) < 0) {
        pd_request_fail_retry(req, PATEN_ERR_RATE_LIMITED, NULL, 1000, "hash queue full");
        free(cp);
    }
}

static void change_pw_have_hash(const struct pd_db_result *r, void *arg)
{
    struct change_pw *cp = arg;
    struct pd_request *req = cp->req;
    const Paten__ChangePasswordRequest *m = (const Paten__ChangePasswordRequest *)req->in.msg;

    if (r->status < 0 || PQntuples(r->res[0]) != 1) {
        if (r->status < 0)
            pd_request_fail_db(req, r, "reading the password");
        else
            pd_request_fail(req, PATEN_ERR_UNAUTHENTICATED, NULL, NULL, "user gone");
        free(cp);
        return;
    }
    if (pd_hash_verify(req->srv->hash, pd_db_str(r->res[0], 0, 0), m->old_password,
                       change_pw_verified, cp) < 0) {
        pd_request_fail_retry(req, PATEN_ERR_RATE_LIMITED, NULL, 1000, "hash queue full");
        free(cp);
    }
}

void pd_handle_change_password(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ChangePasswordRequest *m = (const Paten__ChangePasswordRequest *)msg;
    struct change_pw *cp;
    struct pd_db_batch *b;
    size_t len = strlen(m->new_password);

    if (len < PASSWORD_MIN || len > PASSWORD_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Kata sandi baru minimal 8 karakter",
                        "new_password", "new_password must be %d to %d bytes", PASSWORD_MIN,
                        PASSWORD_MAX);
        return;
    }
    if (strcmp(m->new_password, m->old_password) == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Kata sandi baru harus berbeda dari yang lama", "new_password",
                        "new_password equals old_password");
        return;
    }
    cp = pd_xcalloc(1, sizeof *cp);
    cp->req = req;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_USER_PASSWORD_HASH);
    pd_db_param_int(b, req->session->user_id);
    pd_db_run(req->srv->db, b, change_pw_have_hash, cp);
}
