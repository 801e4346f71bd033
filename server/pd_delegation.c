/*
 * pd_delegation.c: the Camat gives the Camat's role to another official of the office for a
 * period (Plh while away, Plt until the post is filled). The delegate then acts in their own name,
 * marked "a.n. Camat" (pd_dispatch.c sets on_behalf_of, the audit log records it). Only the
 * Camat's own role can delegate: a delegate cannot pass the role on. One delegation at a time per
 * office and period.
 */
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_db.h"
#include "pd_dispatch.h"
#include "pd_events.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_people.h"
#include "pd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 500

struct deleg {
    struct pd_request *req;
    const char *action; /* DELEGATION_CREATED, DELEGATION_ENDED */
    int64_t id;
    char before[1024];
};

/* The delegation as it now is is the last result: reply, announce to the office, commit. */
static void deleg_applied(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct deleg *d = arg;
    struct pd_request *req = d->req;
    Paten__DelegationReply reply = PATEN__DELEGATION_REPLY__INIT;
    Paten__Delegation del;
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__DelegationChanged changed = PATEN__DELEGATION_CHANGED__INIT;
    struct pd_db_batch *b;
    const PGresult *now;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "changing the delegation");
        free(d);
        return;
    }
    now = r->res[r->n - 1];
    if (PQntuples(now) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the delegation is missing");
        free(d);
        return;
    }
    pd_delegation_from_row(now, 0, 0, &del);
    reply.delegation = &del;
    changed.delegation = &del;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_DELEGATION_CHANGED;
    ev.delegation_changed = &changed;
    b = pd_db_batch_new();
    pd_event_add(b, req->now_ms, "DELEGATION_CHANGED", req->session->region_id,
                 req->session->office_id, 0, 0, &ev);
    pd_info(req->conn_id, "delegation %lld %s by %s", (long long)del.id, d->action,
            req->session->username);
    free(d);
    pd_idem_commit(req, t, b, &reply.base);
}

static void deleg_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct deleg *d = arg;
    struct pd_request *req = d->req;
    struct pd_db_batch *b;

    if (r->status < 0) {
        deleg_applied(NULL, r, d);
        return;
    }
    if (d->id == 0)
        d->id = pd_db_get_int(r->res[0], 0, 0);
    b = pd_db_batch_new();
    pd_audit_add_delegation(b, req, req->session->office_id, d->action, d->id,
                            d->before[0] ? d->before : NULL);
    pd_db_batch_add(b, PD_STMT_DELEGATION_BY_ID);
    pd_db_param_int(b, d->id);
    pd_db_txn_run(t, b, deleg_applied, d);
}

/* -- CreateDelegation -- */

static void create_claimed(struct pd_request *req, struct pd_db_txn *t,
                           const struct pd_db_result *r, void *arg)
{
    const Paten__CreateDelegationRequest *m = (const Paten__CreateDelegationRequest *)req->in.msg;
    struct deleg *d = arg;
    struct pd_db_batch *b;

    if (!pd_db_get_bool(r->res[0], 0, 0)) {
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT,
                      "Pejabat yang ditunjuk harus pegawai aktif kantor ini", "to_user_id",
                      "the delegate must be an active user of the office");
        free(d);
        return;
    }
    if (pd_db_get_int(r->res[0], 0, 1) > 0) {
        pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION,
                      "Sudah ada pelimpahan wewenang pada periode ini", "valid_from_ms",
                      "another delegation of the office overlaps this period");
        free(d);
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_DELEGATION_INSERT);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_text(b, pd_delegation_kind_name(m->kind));
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, m->to_user_id);
    pd_db_param_int(b, m->valid_from_ms);
    pd_db_param_int(b, m->valid_until_ms);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, req->now_ms);
    pd_db_txn_run(t, b, deleg_written, d);
}

void pd_handle_create_delegation(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__CreateDelegationRequest *m = (const Paten__CreateDelegationRequest *)msg;
    struct pd_db_batch *b;
    struct deleg *d;

    if (pd_delegation_kind_name(m->kind) == NULL) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih Plh atau Plt", "kind",
                        "kind must be PLH or PLT");
        return;
    }
    if (m->to_user_id == 0 || m->to_user_id == req->session->user_id) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Pilih pejabat lain yang akan menerima pelimpahan", "to_user_id",
                        "the delegate must be another user");
        return;
    }
    if (m->valid_until_ms <= m->valid_from_ms || m->valid_until_ms <= req->now_ms) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Periode tidak valid: akhir harus sesudah awal dan sesudah sekarang",
                        "valid_until_ms", "valid_until_ms must be after valid_from_ms and now");
        return;
    }
    if (m->reason[0] == '\0' || strlen(m->reason) > REASON_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alasan wajib diisi", "reason",
                        "reason must be 1 to %d bytes", REASON_MAX);
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_DELEGATION_CHECK);
    pd_db_param_int(b, m->to_user_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, m->valid_from_ms);
    pd_db_param_int(b, m->valid_until_ms);
    d = pd_xcalloc(1, sizeof *d);
    d->req = req;
    d->action = "DELEGATION_CREATED";
    pd_idem_begin(req, b, create_claimed, d, free);
}

/* -- EndDelegation -- */

static void end_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                        void *arg)
{
    const Paten__EndDelegationRequest *m = (const Paten__EndDelegationRequest *)req->in.msg;
    struct deleg *d = arg;
    struct pd_db_batch *b;

    if (PQntuples(r->res[0]) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_PERMISSION_DENIED, NULL, NULL,
                      "no such delegation in the caller's office");
        free(d);
        return;
    }
    if (pd_db_get_bool(r->res[0], 0, 1)) {
        pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION, "Pelimpahan sudah berakhir", NULL,
                      "the delegation has already ended");
        free(d);
        return;
    }
    snprintf(d->before, sizeof d->before, "%s", pd_db_str(r->res[0], 0, 2));
    d->id = m->delegation_id;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_DELEGATION_END);
    pd_db_param_int(b, m->delegation_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, m->reason);
    pd_db_txn_run(t, b, deleg_written, d);
}

void pd_handle_end_delegation(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__EndDelegationRequest *m = (const Paten__EndDelegationRequest *)msg;
    struct pd_db_batch *b;
    struct deleg *d;

    if (m->reason[0] == '\0' || strlen(m->reason) > REASON_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alasan wajib diisi", "reason",
                        "reason must be 1 to %d bytes", REASON_MAX);
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_DELEGATION_LOCK);
    pd_db_param_int(b, m->delegation_id);
    pd_db_param_int(b, req->session->office_id);
    d = pd_xcalloc(1, sizeof *d);
    d->req = req;
    d->action = "DELEGATION_ENDED";
    pd_idem_begin(req, b, end_claimed, d, free);
}

/* -- ListDelegations -- */

static void listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListDelegationsReply reply = PATEN__LIST_DELEGATIONS_REPLY__INIT;
    Paten__Delegation *d, **p;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing delegations");
        return;
    }
    n = PQntuples(r->res[0]);
    d = pd_xcalloc((size_t)(n ? n : 1), sizeof *d);
    p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);
    for (int i = 0; i < n; i++) {
        pd_delegation_from_row(r->res[0], i, 0, &d[i]);
        p[i] = &d[i];
    }
    reply.delegations = p;
    reply.n_delegations = (size_t)n;
    pd_request_reply(req, &reply.base);
    free(p);
    free(d);
}

void pd_handle_list_delegations(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListDelegationsRequest *m = (const Paten__ListDelegationsRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_DELEGATIONS_OF_OFFICE);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_bool(b, m->include_past);
    pd_db_param_int(b, req->now_ms);
    pd_db_run(req->srv->db, b, listed, req);
}
