/*
 * pd_idem.c: idempotency keys (see pd_idem.h).
 */
#include "pd_idem.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_log.h"
#include "pd_server.h"

#include <ctype.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct idem_state {
    struct pd_request *req;
    char key[37];
    uint8_t hash[crypto_hash_sha256_BYTES];
    pd_idem_proceed proceed;
    void *arg;
    void (*discard)(void *arg);
    uint8_t *reply;
    size_t reply_len;
};

static bool is_uuid(const char *s)
{
    static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    if (s == NULL || strlen(s) != sizeof pattern - 1)
        return false;
    for (size_t i = 0; i < sizeof pattern - 1; i++) {
        if (pattern[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

bool pd_idem_key_ok(struct pd_request *req, const char *key)
{
    if (!is_uuid(key)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Kunci idempotensi harus berupa UUID",
                        "idempotency_key",
                        "idempotency_key must be a UUID like 123e4567-e89b-12d3-a456-426614174000");
        return false;
    }
    return true;
}

struct pd_db_batch *pd_idem_start(struct pd_request *req, const char *key)
{
    struct idem_state *st;
    struct pd_db_batch *b;
    uint8_t *packed;
    size_t len;

    if (!pd_idem_key_ok(req, key))
        return NULL;
    /* The hash covers the whole request as the server decoded it, key included. */
    len = protobuf_c_message_get_packed_size(req->in.msg);
    packed = pd_xmalloc(len ? len : 1);
    protobuf_c_message_pack(req->in.msg, packed);
    st = pd_xcalloc(1, sizeof *st);
    st->req = req;
    snprintf(st->key, sizeof st->key, "%s", key);
    crypto_hash_sha256(st->hash, packed, len);
    free(packed);

    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_IDEM_CLAIM);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, st->key);
    pd_db_param_bytea(b, st->hash, sizeof st->hash);
    pd_db_param_int(b, req->now_ms);
    pd_db_batch_add(b, PD_STMT_IDEM_GET);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, st->key);
    /* Carried to pd_idem_begin through the request: one idempotent change per request. */
    req->idem = st;
    return b;
}

static void idem_free(struct idem_state *st)
{
    if (st) {
        free(st->reply);
        free(st);
    }
}

void pd_request_fail_db(struct pd_request *req, const struct pd_db_result *r, const char *what)
{
    int code = -r->status;
    const char *field = NULL;
    const char *message = NULL;

    if (code == PATEN_ERR_ALREADY_EXISTS && r->constraint) {
        /* users_username_key -> username */
        static const char *const known[] = { "username", "nip" };
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strstr(r->constraint, known[i]))
                field = known[i];
        message = "Data dengan nilai ini sudah ada";
    } else if (strcmp(r->sqlstate, "23514") == 0 || strcmp(r->sqlstate, "22P02") == 0 ||
               strcmp(r->sqlstate, "22023") == 0) {
        code = PATEN_ERR_INVALID_ARGUMENT;
        message = NULL;
    } else if (strncmp(r->sqlstate, "53", 2) == 0) {
        /* PostgreSQL is out of disk (53100), memory or connections: the operator must act, and
         * the request's own debug line is below the level an operator reads, so say it at WARN.
         * The desk is told plainly that nothing was saved and that retrying later is safe. */
        if (strcmp(r->sqlstate, "53100") == 0)
            message = "Disk basis data penuh; perubahan tidak disimpan. Hubungi administrator, "
                      "lalu coba lagi";
        pd_warn(req->conn_id, "database out of resources (SQLSTATE %s) %s: %s", r->sqlstate, what,
                r->message);
    }
    pd_request_fail(req, code, message, field, "%s: %s%s%s%s", what, r->message,
                    r->sqlstate[0] ? " (SQLSTATE " : "", r->sqlstate, r->sqlstate[0] ? ")" : "");
}

static void claimed(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct idem_state *st = arg;
    struct pd_request *req = st->req;
    struct pd_db_result rest;
    const PGresult *stored;

    if ((r->status < 0 || PQntuples(r->res[0]) != 1) && st->discard)
        st->discard(st->arg);
    if (r->status < 0) {
        req->idem = NULL;
        idem_free(st);
        pd_request_fail_db(req, r, "claiming the idempotency key");
        return;
    }
    if (PQntuples(r->res[0]) == 1) {
        /* Fresh: hand the handler its own statements' results. */
        rest = *r;
        rest.res = r->res + 2;
        rest.n = r->n - 2;
        rest.failed_index = -1;
        st->proceed(req, t, &rest, st->arg);
        return;
    }
    /* Seen before: this transaction changes nothing. */
    pd_db_txn_rollback(t);
    stored = r->res[1];
    req->idem = NULL;
    if (PQntuples(stored) != 1) {
        idem_free(st);
        pd_request_fail(req, PATEN_ERR_INTERNAL, NULL, NULL, "idempotency row vanished");
        return;
    }
    size_t hlen = 0, rlen = 0;
    unsigned char *h = PQunescapeBytea((const unsigned char *)PQgetvalue(stored, 0, 0), &hlen);
    unsigned char *reply =
        PQgetisnull(stored, 0, 1)
            ? NULL
            : PQunescapeBytea((const unsigned char *)PQgetvalue(stored, 0, 1), &rlen);
    if (h == NULL || hlen != sizeof st->hash || memcmp(h, st->hash, hlen) != 0) {
        pd_request_fail(req, PATEN_ERR_IDEMPOTENCY_MISMATCH, NULL, "idempotency_key",
                        "key %s was used before with a different request", st->key);
    } else if (reply == NULL) {
        pd_request_fail(req, PATEN_ERR_INTERNAL, NULL, NULL, "stored reply missing");
    } else {
        pd_debug(req->conn_id, "request %u replayed from idempotency key %s", req->id, st->key);
        pd_request_reply_raw(req, reply, rlen);
    }
    PQfreemem(h);
    PQfreemem(reply);
    idem_free(st);
}

void pd_idem_begin(struct pd_request *req, struct pd_db_batch *b, pd_idem_proceed proceed,
                   void *arg, void (*discard)(void *arg))
{
    struct idem_state *st = req->idem;

    st->proceed = proceed;
    st->arg = arg;
    st->discard = discard;
    pd_db_txn_begin(req->srv->db, b, claimed, st);
}

static void committed(const struct pd_db_result *r, void *arg)
{
    struct idem_state *st = arg;
    struct pd_request *req = st->req;

    req->idem = NULL;
    if (r->status < 0)
        pd_request_fail_db(req, r, "committing the change");
    else
        pd_request_reply_raw(req, st->reply, st->reply_len);
    idem_free(st);
}

void pd_idem_commit(struct pd_request *req, struct pd_db_txn *t, struct pd_db_batch *b,
                    const ProtobufCMessage *reply)
{
    struct idem_state *st = req->idem;

    st->reply_len = protobuf_c_message_get_packed_size(reply);
    st->reply = pd_xmalloc(st->reply_len ? st->reply_len : 1);
    protobuf_c_message_pack(reply, st->reply);
    pd_db_batch_add(b, PD_STMT_IDEM_STORE);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, st->key);
    pd_db_param_bytea(b, st->reply, st->reply_len);
    pd_db_txn_commit(t, b, committed, st);
}

void pd_idem_fail_db(struct pd_request *req, const struct pd_db_result *r, const char *what)
{
    idem_free(req->idem);
    req->idem = NULL;
    pd_request_fail_db(req, r, what);
}

void pd_idem_abort_state(struct pd_request *req, struct pd_db_txn *t, int code, const char *message,
                         const char *field, int current_state, int64_t current_version,
                         const char *detail)
{
    pd_db_txn_rollback(t);
    idem_free(req->idem);
    req->idem = NULL;
    pd_request_fail_state(req, code, message, field, current_state, current_version, detail);
}

void pd_idem_abort(struct pd_request *req, struct pd_db_txn *t, int code, const char *message,
                   const char *field, const char *detail)
{
    pd_db_txn_rollback(t);
    idem_free(req->idem);
    req->idem = NULL;
    pd_request_fail(req, code, message, field, "%s", detail ? detail : "");
}
