/*
 * pd_audit.c: audit rows, and the VerifyAudit and ListAudit requests (see pd_audit.h).
 */
#include "pd_audit.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <stdlib.h>
#include <string.h>

#define LIST_LIMIT_MAX 200

static void add_actor(struct pd_db_batch *b, const struct pd_request *req)
{
    if (req->session)
        pd_db_param_int(b, req->session->user_id);
    else
        pd_db_param_null(b);
    pd_db_param_text(b, req->on_behalf_of ? req->on_behalf_of : "");
    pd_db_param_text(b, req->connection);
}

void pd_audit_add(struct pd_db_batch *b, const struct pd_request *req, int64_t office_id,
                  const char *action, const char *entity, const char *entity_id,
                  const char *before_json, const char *after_json)
{
    pd_db_batch_add(b, PD_STMT_AUDIT_INSERT);
    pd_db_param_int(b, office_id);
    pd_db_param_int(b, req->now_ms);
    add_actor(b, req);
    pd_db_param_text(b, action);
    pd_db_param_text(b, entity ? entity : "");
    pd_db_param_text(b, entity_id ? entity_id : "");
    pd_db_param_text(b, before_json);
    pd_db_param_text(b, after_json);
}

void pd_audit_add_user(struct pd_db_batch *b, const struct pd_request *req, const char *action,
                       int64_t user_id, const char *before_json, const char *extra_json)
{
    pd_db_batch_add(b, PD_STMT_AUDIT_USER);
    pd_db_param_int(b, req->now_ms);
    add_actor(b, req);
    pd_db_param_text(b, action);
    pd_db_param_int(b, user_id);
    pd_db_param_text(b, before_json);
    pd_db_param_text(b, extra_json);
}

void pd_audit_add_delegation(struct pd_db_batch *b, const struct pd_request *req, int64_t office_id,
                             const char *action, int64_t delegation_id, const char *before_json)
{
    pd_db_batch_add(b, PD_STMT_AUDIT_DELEGATION);
    pd_db_param_int(b, office_id);
    pd_db_param_int(b, req->now_ms);
    add_actor(b, req);
    pd_db_param_text(b, action);
    pd_db_param_int(b, delegation_id);
    pd_db_param_text(b, before_json);
}

static void verified(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__VerifyAuditReply reply = PATEN__VERIFY_AUDIT_REPLY__INIT;
    const PGresult *res;
    Paten__AuditChainStatus *chains, **ptrs;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "verifying the audit log");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    chains = pd_xcalloc((size_t)(n ? n : 1), sizeof *chains);
    ptrs = pd_xcalloc((size_t)(n ? n : 1), sizeof *ptrs);
    reply.intact = true;
    for (int i = 0; i < n; i++) {
        Paten__AuditChainStatus *c = &chains[i];
        paten__audit_chain_status__init(c);
        c->office_code = (char *)pd_db_str(res, i, 0);
        c->rows = (uint64_t)pd_db_get_int(res, i, 1);
        c->first_broken_seq = (uint64_t)pd_db_get_int(res, i, 2);
        c->problem = (char *)pd_db_str(res, i, 3);
        c->intact = c->first_broken_seq == 0 && c->problem[0] == '\0';
        if (!c->intact) {
            reply.intact = false;
            pd_warn(req->conn_id, "audit chain of %s broken at seq %llu: %s", c->office_code,
                    (unsigned long long)c->first_broken_seq, c->problem);
        }
        ptrs[i] = c;
    }
    reply.n_chains = (size_t)n;
    reply.chains = ptrs;
    pd_request_reply(req, &reply.base);
    free(ptrs);
    free(chains);
}

void pd_handle_verify_audit(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_AUDIT_VERIFY);
    pd_db_param_int(b, req->session->region_id);
    /* A report: the replica's consistent snapshot, a moment old, is as good to verify. */
    pd_db_run_replica(req->srv->replica, req->srv->db, b, verified, req);
}

static void listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListAuditReply reply = PATEN__LIST_AUDIT_REPLY__INIT;
    Paten__AuditEntry *entries, **ptrs;
    const PGresult *res;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the audit log");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    entries = pd_xcalloc((size_t)(n ? n : 1), sizeof *entries);
    ptrs = pd_xcalloc((size_t)(n ? n : 1), sizeof *ptrs);
    for (int i = 0; i < n; i++) {
        Paten__AuditEntry *e = &entries[i];
        paten__audit_entry__init(e);
        e->seq = (uint64_t)pd_db_get_int(res, i, 0);
        e->at_ms = pd_db_get_int(res, i, 1);
        e->actor = (char *)pd_db_str(res, i, 2);
        e->on_behalf_of = (char *)pd_db_str(res, i, 3);
        e->action = (char *)pd_db_str(res, i, 4);
        e->entity = (char *)pd_db_str(res, i, 5);
        e->entity_id = (char *)pd_db_str(res, i, 6);
        e->before_json = (char *)pd_db_str(res, i, 7);
        e->after_json = (char *)pd_db_str(res, i, 8);
        e->connection = (char *)pd_db_str(res, i, 9);
        ptrs[i] = e;
    }
    reply.n_entries = (size_t)n;
    reply.entries = ptrs;
    pd_request_reply(req, &reply.base);
    free(ptrs);
    free(entries);
}

void pd_handle_list_audit(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListAuditRequest *r = (const Paten__ListAuditRequest *)msg;
    struct pd_db_batch *b;
    int64_t office = r->office_id ? r->office_id : req->session->office_id;
    uint32_t limit = r->limit == 0 || r->limit > LIST_LIMIT_MAX ? LIST_LIMIT_MAX : r->limit;

    /* The dispatcher checked that office_id is in scope; 0 means the caller's own office. */
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_AUDIT_LIST);
    pd_db_param_int(b, office);
    pd_db_param_int(b, (int64_t)r->before_seq);
    pd_db_param_int(b, limit);
    /* A report: a replica a moment behind is good enough (pd_db_run_replica). */
    pd_db_run_replica(req->srv->replica, req->srv->db, b, listed, req);
}
