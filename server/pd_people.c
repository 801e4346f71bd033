/*
 * pd_people.c: the region's offices and users: ListOffices, ListUsers, and the ADMIN's
 * CreateUser, UpdateUser, DeactivateUser and ResetPassword.
 *
 * Every change is idempotent (pd_idem.c), audited in the user's office chain with the user before
 * and after, and announced to the region's admins (USER_CHANGED). A change that takes a user's
 * access away (deactivation, new roles, a password reset) also ends the user's sessions, so no
 * desk keeps rights it no longer has.
 */
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_db.h"
#include "pd_dispatch.h"
#include "pd_events.h"
#include "pd_hash.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_people.h"
#include "pd_server.h"

#include <ctype.h>
#include <glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 200
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256

/* Where each role may be held; the database enforces the same table (role_office_kinds). */
static pd_roleset roles_allowed_at(int office_kind)
{
#define R(x) PD_ROLE_BIT(PATEN__ROLE__ROLE_##x)
    pd_roleset anywhere = R(PIMPINAN) | R(AUDITOR);
    switch (office_kind) {
    case PATEN__OFFICE_KIND__OFFICE_KIND_KECAMATAN:
        return anywhere | R(LOKET) | R(CAMAT) | R(SEKRETARIAT) | R(KASIR) | R(TIM_TEKNIS);
    case PATEN__OFFICE_KIND__OFFICE_KIND_UPPU:
        return anywhere | R(TIM_TEKNIS);
    case PATEN__OFFICE_KIND__OFFICE_KIND_DPMPTSP:
        return anywhere | R(PETUGAS_SKRD) | R(BENDAHARA);
    case PATEN__OFFICE_KIND__OFFICE_KIND_BAPENDA:
        return anywhere | R(PETUGAS_PAJAK) | R(BENDAHARA);
    case PATEN__OFFICE_KIND__OFFICE_KIND_PEMDA:
        return anywhere | R(ADMIN);
    default:
        return 0;
    }
#undef R
}

static bool valid_username(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '@' || c == '-'))
            return false;
    }
    return true;
}

static bool valid_nip(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return true;
    if (n != 18)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Checks a role list for office_id; returns the set, or 0 after failing the request. */
static pd_roleset check_roles(struct pd_request *req, const Paten__Role *roles, size_t n,
                              int64_t office_id)
{
    const struct pd_office_entry *o = pd_offices_get(req->srv->offices, office_id);
    pd_roleset set = 0;

    if (n == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih paling sedikit satu peran", "roles",
                        "a user needs at least one role");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (pd_role_name(roles[i]) == NULL) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Peran tidak dikenal", "roles",
                            "unknown role %d", roles[i]);
            return 0;
        }
        set |= PD_ROLE_BIT(roles[i]);
    }
    if (o == NULL || (set & ~roles_allowed_at(o->kind)) != 0) {
        char msg[200];
        int bad = 0;
        for (int r = 1; r <= PATEN__ROLE__ROLE_ADMIN; r++)
            if ((set & PD_ROLE_BIT(r)) &&
                (o == NULL || !(roles_allowed_at(o->kind) & PD_ROLE_BIT(r))))
                bad = r;
        snprintf(msg, sizeof msg, "Peran %s tidak dapat dipegang di kantor ini",
                 pd_role_name(bad) ? pd_role_name(bad) : "?");
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, msg, "roles",
                        "role %s is not held at this kind of office", pd_role_name(bad));
        return 0;
    }
    return set;
}

/* The role set of an UpdateUserRequest if every role may be held at the user's office, else 0. */
static pd_roleset check_roles_silent_at(struct pd_request *req, const Paten__UpdateUserRequest *m,
                                        int64_t office_id)
{
    const struct pd_office_entry *o = pd_offices_get(req->srv->offices, office_id);
    pd_roleset set = 0;

    for (size_t i = 0; i < m->n_roles; i++)
        set |= PD_ROLE_BIT(m->roles[i]);
    if (o == NULL || (set & ~roles_allowed_at(o->kind)) != 0)
        return 0;
    return set;
}

/* ---- reading --------------------------------------------------------------------------------- */

static void offices_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListOfficesReply reply = PATEN__LIST_OFFICES_REPLY__INIT;
    const PGresult *res;
    Paten__Office *o, **p;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing offices");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    o = pd_xcalloc((size_t)(n ? n : 1), sizeof *o);
    p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);
    for (int i = 0; i < n; i++) {
        paten__office__init(&o[i]);
        o[i].id = pd_db_get_int(res, i, 0);
        o[i].code = (char *)pd_db_str(res, i, 1);
        o[i].name = (char *)pd_db_str(res, i, 2);
        o[i].kind = (Paten__OfficeKind)pd_office_kind_parse(pd_db_str(res, i, 3));
        o[i].region_code = (char *)pd_db_str(res, i, 4);
        o[i].opens = (char *)pd_db_str(res, i, 5);
        o[i].closes = (char *)pd_db_str(res, i, 6);
        p[i] = &o[i];
    }
    reply.offices = p;
    reply.n_offices = (size_t)n;
    pd_request_reply(req, &reply.base);
    free(p);
    free(o);
}

void pd_handle_list_offices(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_OFFICES_OF_REGION);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, offices_listed, req);
}

static void users_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListUsersReply reply = PATEN__LIST_USERS_REPLY__INIT;
    const PGresult *res;
    struct pd_user_buf *u;
    Paten__User **p;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing users");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    u = pd_xcalloc((size_t)(n ? n : 1), sizeof *u);
    p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);
    for (int i = 0; i < n; i++) {
        pd_user_from_row(res, i, 0, &u[i]);
        p[i] = &u[i].user;
    }
    reply.users = p;
    reply.n_users = (size_t)n;
    pd_request_reply(req, &reply.base);
    free(p);
    free(u);
}

void pd_handle_list_users(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListUsersRequest *m = (const Paten__ListUsersRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();

    /* Kecamatan staff see their own office's active colleagues (to address a disposition to
     * one of them); only an ADMIN sees the region and the inactive. */
    bool admin = (req->roles & PD_ROLE_BIT(PATEN__ROLE__ROLE_ADMIN)) != 0;

    pd_db_batch_add(b, PD_STMT_USERS_LIST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, admin ? m->office_id : req->session->office_id);
    pd_db_param_bool(b, admin && m->include_inactive);
    pd_db_run(req->srv->db, b, users_listed, req);
}

/* ---- changing ------------------------------------------------------------------------------ */

/* What a change does after its statements ran: the last result holds the user as it now is. */
struct change {
    struct pd_request *req;
    const char *what;  /* CREATED, UPDATED, DEACTIVATED, PASSWORD_RESET */
    bool end_sessions; /* tell the user's connections their sessions ended */
    char password_hash[256];
    pd_roleset roles;
    char before[2048];
    int64_t user_id;
    /* Where the change goes once its password is hashed (CreateUser, ResetPassword). */
    const char *key;
    int64_t lock_user_id; /* lock this user in the first round trip; 0: none */
    pd_idem_proceed proceed;
};

static void change_free(struct change *c)
{
    sodium_memzero(c->password_hash, sizeof c->password_hash);
    free(c);
}

static void change_discard(void *arg)
{
    change_free(arg);
}

/* The change's statements ran; build the reply from the user now, announce, commit. */
static void change_applied(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct change *c = arg;
    struct pd_request *req = c->req;
    Paten__UserReply reply = PATEN__USER_REPLY__INIT;
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__UserChanged changed = PATEN__USER_CHANGED__INIT;
    struct pd_user_buf user;
    struct pd_db_batch *b;
    const PGresult *now;

    if (r->status < 0) {
        /* Rolled back with the claim: a corrected retry with the same key starts afresh. */
        pd_idem_fail_db(req, r, "changing the user");
        change_free(c);
        return;
    }
    now = r->res[r->n - 1];
    if (PQntuples(now) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the changed user is missing");
        change_free(c);
        return;
    }
    pd_user_from_row(now, 0, 0, &user);
    reply.user = &user.user;

    b = pd_db_batch_new();
    changed.user = &user.user;
    changed.change = (char *)c->what;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_USER_CHANGED;
    ev.user_changed = &changed;
    pd_event_add(b, req->now_ms, "USER_CHANGED", req->session->region_id, 0,
                 PD_ROLE_BIT(PATEN__ROLE__ROLE_ADMIN), 0, &ev);
    if (c->end_sessions) {
        Paten__Event ev2 = PATEN__EVENT__INIT;
        Paten__SessionEnded ended = PATEN__SESSION_ENDED__INIT;
        ended.reason = (char *)c->what;
        ev2.at_ms = req->now_ms;
        ev2.body_case = PATEN__EVENT__BODY_SESSION_ENDED;
        ev2.session_ended = &ended;
        pd_event_add(b, req->now_ms, "SESSION_ENDED", 0, 0, 0, c->user_id, &ev2);
    }
    pd_info(req->conn_id, "user %s %s by %s", user.user.username, c->what, req->session->username);
    change_free(c);
    pd_idem_commit(req, t, b, &reply.base);
}

/* Adds "end every session of the user" to b. */
static void add_end_sessions(struct pd_db_batch *b, const struct pd_request *req, int64_t user_id,
                             const char *reason)
{
    pd_db_batch_add(b, PD_STMT_SESSIONS_END_USER);
    pd_db_param_int(b, user_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, reason);
    pd_db_param_int(b, 0);
}

static void add_read_user(struct pd_db_batch *b, int64_t user_id)
{
    pd_db_batch_add(b, PD_STMT_USER_BY_ID);
    pd_db_param_int(b, user_id);
}

static struct pd_db_batch *start_locked(struct pd_request *req, const char *key, int64_t user_id);

/* The new password is hashed (off the loop): start the idempotent change it belongs to. */
static void password_hashed(const char *encoded, void *arg)
{
    struct change *c = arg;
    struct pd_request *req = c->req;
    struct pd_db_batch *b;

    if (encoded == NULL) {
        pd_request_fail(req, PATEN_ERR_RESOURCE_EXHAUSTED, NULL, NULL, "hashing failed");
        change_free(c);
        return;
    }
    snprintf(c->password_hash, sizeof c->password_hash, "%s", encoded);
    b = c->lock_user_id ? start_locked(req, c->key, c->lock_user_id) : pd_idem_start(req, c->key);
    if (b == NULL) {
        change_free(c);
        return;
    }
    pd_idem_begin(req, b, c->proceed, c, change_discard);
}

/* -- CreateUser -- */

static void user_inserted(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct change *c = arg;
    struct pd_request *req = c->req;
    char roles[160];
    struct pd_db_batch *b;

    if (r->status < 0) {
        change_applied(NULL, r, c);
        return;
    }
    c->user_id = pd_db_get_int(r->res[0], 0, 0);
    pd_roles_to_array(c->roles, roles, sizeof roles);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_USER_SET_ROLES);
    pd_db_param_int(b, c->user_id);
    pd_db_param_text(b, roles);
    pd_audit_add_user(b, req, "USER_CREATED", c->user_id, NULL, NULL);
    add_read_user(b, c->user_id);
    pd_db_txn_run(t, b, change_applied, c);
}

static void create_user_claimed(struct pd_request *req, struct pd_db_txn *t,
                                const struct pd_db_result *r, void *arg)
{
    const Paten__CreateUserRequest *m = (const Paten__CreateUserRequest *)req->in.msg;
    struct change *c = arg;
    struct pd_db_batch *b = pd_db_batch_new();

    (void)r;
    pd_db_batch_add(b, PD_STMT_USER_INSERT);
    pd_db_param_int(b, m->office_id);
    pd_db_param_text(b, m->username);
    pd_db_param_text(b, m->nip);
    pd_db_param_text(b, m->name);
    pd_db_param_text(b, c->password_hash);
    pd_db_param_int(b, req->now_ms);
    pd_db_txn_run(t, b, user_inserted, c);
}

void pd_handle_create_user(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__CreateUserRequest *m = (const Paten__CreateUserRequest *)msg;
    struct change *c;
    pd_roleset roles;
    size_t pwlen = strlen(m->initial_password);

    if (!valid_username(m->username)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Nama pengguna 3-64 karakter: huruf kecil, angka, . _ @ -", "username",
                        "invalid username");
        return;
    }
    if (!valid_nip(m->nip)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "NIP harus 18 angka", "nip",
                        "a NIP is 18 digits");
        return;
    }
    if (m->name[0] == '\0' || strlen(m->name) > NAME_MAX_LEN) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama wajib diisi", "name",
                        "name must be 1 to %d bytes", NAME_MAX_LEN);
        return;
    }
    if (m->office_id == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Kantor wajib dipilih", "office_id",
                        "office_id is required");
        return;
    }
    if (pwlen < PASSWORD_MIN || pwlen > PASSWORD_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Kata sandi awal minimal 8 karakter",
                        "initial_password", "initial_password must be %d to %d bytes", PASSWORD_MIN,
                        PASSWORD_MAX);
        return;
    }
    roles = check_roles(req, m->roles, m->n_roles, m->office_id);
    if (roles == 0)
        return;
    c = pd_xcalloc(1, sizeof *c);
    c->req = req;
    c->what = "CREATED";
    c->roles = roles;
    c->key = m->idempotency_key;
    c->proceed = create_user_claimed;
    if (pd_hash_make(req->srv->hash, m->initial_password, password_hashed, c) < 0) {
        pd_request_fail_retry(req, PATEN_ERR_RATE_LIMITED, NULL, 1000, "hash queue full");
        change_free(c);
    }
}

/* -- the changes to an existing user share the lock-and-check step -- */

/* Checks the USER_LOCK row (the first extra statement); fails and returns false when the user is
 * not in the caller's region (or does not exist) or the version is stale. */
static bool locked_user_ok(struct pd_request *req, struct pd_db_txn *t, const PGresult *res,
                           int64_t version, struct change *c)
{
    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_PERMISSION_DENIED, NULL, NULL,
                      "no such user in the caller's region");
        return false;
    }
    if (version != 0 && pd_db_get_int(res, 0, 1) != version) {
        char detail[96];
        snprintf(detail, sizeof detail, "version %lld is stale; the user is at version %lld",
                 (long long)version, (long long)pd_db_get_int(res, 0, 1));
        pd_idem_abort(req, t, PATEN_ERR_CONFLICT, NULL, "version", detail);
        return false;
    }
    snprintf(c->before, sizeof c->before, "%s", pd_db_str(res, 0, 2));
    return true;
}

static struct pd_db_batch *start_locked(struct pd_request *req, const char *key, int64_t user_id)
{
    struct pd_db_batch *b = pd_idem_start(req, key);
    if (b == NULL)
        return NULL;
    pd_db_batch_add(b, PD_STMT_USER_LOCK);
    pd_db_param_int(b, user_id);
    pd_db_param_int(b, req->session->region_id);
    return b;
}

/* -- UpdateUser -- */

static void update_user_claimed(struct pd_request *req, struct pd_db_txn *t,
                                const struct pd_db_result *r, void *arg)
{
    const Paten__UpdateUserRequest *m = (const Paten__UpdateUserRequest *)req->in.msg;
    struct change *c = arg;
    struct pd_db_batch *b;
    char roles[160];
    pd_roleset old_roles;

    if (!locked_user_ok(req, t, r->res[0], m->version, c)) {
        change_free(c);
        return;
    }
    c->roles = check_roles_silent_at(req, m, pd_db_get_int(r->res[0], 0, 5));
    old_roles = pd_roles_parse_csv(pd_db_str(r->res[0], 0, 4));
    if (c->roles == 0) {
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT,
                      "Peran tidak dapat dipegang di kantor pengguna ini", "roles",
                      "a role is not held at the user's office");
        change_free(c);
        return;
    }
    c->end_sessions = c->roles != old_roles;
    pd_roles_to_array(c->roles, roles, sizeof roles);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_USER_UPDATE);
    pd_db_param_int(b, m->user_id);
    pd_db_param_text(b, m->name);
    pd_db_param_text(b, m->nip);
    pd_db_param_int(b, req->now_ms);
    pd_db_batch_add(b, PD_STMT_USER_SET_ROLES);
    pd_db_param_int(b, m->user_id);
    pd_db_param_text(b, roles);
    if (c->end_sessions)
        add_end_sessions(b, req, m->user_id, "roles changed");
    pd_audit_add_user(b, req, "USER_UPDATED", m->user_id, c->before, NULL);
    add_read_user(b, m->user_id);
    pd_db_txn_run(t, b, change_applied, c);
}

void pd_handle_update_user(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__UpdateUserRequest *m = (const Paten__UpdateUserRequest *)msg;
    struct pd_db_batch *b;
    struct change *c;

    if (!valid_nip(m->nip)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "NIP harus 18 angka", "nip",
                        "a NIP is 18 digits");
        return;
    }
    if (m->name[0] == '\0' || strlen(m->name) > NAME_MAX_LEN) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama wajib diisi", "name",
                        "name must be 1 to %d bytes", NAME_MAX_LEN);
        return;
    }
    if (m->version <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "version",
                        "send the version of the user you saw");
        return;
    }
    for (size_t i = 0; i < m->n_roles; i++)
        if (pd_role_name(m->roles[i]) == NULL) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Peran tidak dikenal", "roles",
                            "unknown role %d", m->roles[i]);
            return;
        }
    if (m->n_roles == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih paling sedikit satu peran", "roles",
                        "a user needs at least one role");
        return;
    }
    b = start_locked(req, m->idempotency_key, m->user_id);
    if (b == NULL)
        return;
    c = pd_xcalloc(1, sizeof *c);
    c->req = req;
    c->what = "UPDATED";
    c->user_id = m->user_id;
    pd_idem_begin(req, b, update_user_claimed, c, change_discard);
}

/* -- DeactivateUser -- */

static void deactivate_claimed(struct pd_request *req, struct pd_db_txn *t,
                               const struct pd_db_result *r, void *arg)
{
    const Paten__DeactivateUserRequest *m = (const Paten__DeactivateUserRequest *)req->in.msg;
    struct change *c = arg;
    struct pd_db_batch *b;
    char extra[600];
    char *reason;

    if (!locked_user_ok(req, t, r->res[0], m->version, c)) {
        change_free(c);
        return;
    }
    if (!pd_db_get_bool(r->res[0], 0, 3)) {
        pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION, "Pengguna sudah nonaktif", NULL,
                      "the user is already inactive");
        change_free(c);
        return;
    }
    c->end_sessions = true;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_USER_DEACTIVATE);
    pd_db_param_int(b, m->user_id);
    pd_db_param_int(b, req->now_ms);
    add_end_sessions(b, req, m->user_id, "deactivated");
    reason = g_strescape(m->reason, NULL);
    snprintf(extra, sizeof extra, "{\"reason\": \"%s\"}", reason);
    g_free(reason);
    pd_audit_add_user(b, req, "USER_DEACTIVATED", m->user_id, c->before, extra);
    add_read_user(b, m->user_id);
    pd_db_txn_run(t, b, change_applied, c);
}

void pd_handle_deactivate_user(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__DeactivateUserRequest *m = (const Paten__DeactivateUserRequest *)msg;
    struct pd_db_batch *b;
    struct change *c;

    if (m->reason[0] == '\0' || strlen(m->reason) > 500) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alasan wajib diisi", "reason",
                        "reason must be 1 to 500 bytes");
        return;
    }
    if (m->user_id == req->session->user_id) {
        pd_request_fail(req, PATEN_ERR_FAILED_PRECONDITION,
                        "Anda tidak dapat menonaktifkan akun sendiri", "user_id",
                        "an ADMIN cannot deactivate their own account");
        return;
    }
    b = start_locked(req, m->idempotency_key, m->user_id);
    if (b == NULL)
        return;
    c = pd_xcalloc(1, sizeof *c);
    c->req = req;
    c->what = "DEACTIVATED";
    c->user_id = m->user_id;
    pd_idem_begin(req, b, deactivate_claimed, c, change_discard);
}

/* -- ResetPassword -- */

static void reset_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                          void *arg)
{
    const Paten__ResetPasswordRequest *m = (const Paten__ResetPasswordRequest *)req->in.msg;
    struct change *c = arg;
    struct pd_db_batch *b;

    if (!locked_user_ok(req, t, r->res[0], 0, c)) {
        change_free(c);
        return;
    }
    c->end_sessions = true;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_USER_SET_PASSWORD);
    pd_db_param_int(b, m->user_id);
    pd_db_param_text(b, c->password_hash);
    pd_db_param_bool(b, true);
    pd_db_param_int(b, req->now_ms);
    add_end_sessions(b, req, m->user_id, "password reset");
    pd_audit_add_user(b, req, "PASSWORD_RESET", m->user_id, c->before, NULL);
    add_read_user(b, m->user_id);
    pd_db_txn_run(t, b, change_applied, c);
}

void pd_handle_reset_password(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ResetPasswordRequest *m = (const Paten__ResetPasswordRequest *)msg;
    struct change *c;
    size_t len = strlen(m->new_password);

    if (len < PASSWORD_MIN || len > PASSWORD_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Kata sandi minimal 8 karakter",
                        "new_password", "new_password must be %d to %d bytes", PASSWORD_MIN,
                        PASSWORD_MAX);
        return;
    }
    c = pd_xcalloc(1, sizeof *c);
    c->req = req;
    c->what = "PASSWORD_RESET";
    c->user_id = m->user_id;
    c->key = m->idempotency_key;
    c->lock_user_id = m->user_id;
    c->proceed = reset_claimed;
    if (pd_hash_make(req->srv->hash, m->new_password, password_hashed, c) < 0) {
        pd_request_fail_retry(req, PATEN_ERR_RATE_LIMITED, NULL, 1000, "hash queue full");
        change_free(c);
    }
}
