/*
 * pd_deposits.c: the cash's way to the treasurer (../shared/domain.md, "Deposits"): the
 * cashier's deposit slips (STS) of undeposited cash, the bank's validation of each, the
 * treasurer's confirmation of deposits and of transfer / QRIS payments against the bank, the
 * resolution of discrepancies, the alerts of cash not deposited by its deadline, and the check of
 * the money invariants over the whole database.
 *
 * The watch of the deadline is derived from data, not from timers alone: every patend runs it
 * periodically, and the alert's row (one per payment, a primary key) makes whichever process
 * commits first the only one to raise it and send its event; a restart loses nothing, since the
 * next tick finds every payment still overdue.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_clock.h"
#include "pd_documents.h"
#include "pd_events.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_payments.h"
#include "pd_server.h"
#include "pd_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R(x)            PD_ROLE_BIT(PATEN__ROLE__ROLE_##x)
#define KEC_MONEY_ROLES (R(KASIR) | R(CAMAT))
#define MAX_ITEMS       500

int pd_confirmation_status_from_db(const char *s)
{
    return strcmp(s, "CONFIRMED") == 0 ? PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_CONFIRMED
           : strcmp(s, "DISCREPANCY") == 0
               ? PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_DISCREPANCY
           : strcmp(s, "RESOLVED") == 0
               ? PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_RESOLVED
               : PATEN__CONFIRMATION_STATUS__CONFIRMATION_STATUS_UNCONFIRMED;
}

static Paten__Confirmation *confirmation_from(struct pd_msg_buf *m, JsonObject *o)
{
    Paten__Confirmation *c;

    if (o == NULL)
        return NULL;
    c = pd_msg_keep(m, g_new0(Paten__Confirmation, 1));
    paten__confirmation__init(c);
    c->id = pd_json_int(o, "id");
    c->deposit_id = pd_json_int(o, "deposit_id");
    c->payment_id = pd_json_int(o, "payment_id");
    c->bank_date = pd_json_str(o, "bank_date");
    c->bank_reference = pd_json_str(o, "bank_reference");
    c->amount = pd_json_int(o, "amount");
    c->expected = pd_json_int(o, "expected");
    c->status = (Paten__ConfirmationStatus)pd_confirmation_status_from_db(pd_json_str(o, "status"));
    c->confirmed_by_name = pd_json_str(o, "confirmed_by_name");
    c->confirmed_at_ms = pd_json_int(o, "confirmed_at_ms");
    c->resolved_reason = pd_json_str(o, "resolved_reason");
    c->resolved_by_name = pd_json_str(o, "resolved_by_name");
    c->resolved_at_ms = pd_json_int(o, "resolved_at_ms");
    return c;
}

Paten__Deposit *pd_deposit_parse(struct pd_msg_buf *m, const char *text)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    JsonNode *c;
    Paten__Deposit *d;

    if (o == NULL)
        return NULL;
    d = pd_msg_keep(m, g_new0(Paten__Deposit, 1));
    paten__deposit__init(d);
    d->id = pd_json_int(o, "id");
    d->number = pd_json_str(o, "number");
    d->office_id = pd_json_int(o, "office_id");
    d->office_name = pd_json_str(o, "office_name");
    d->cashier_id = pd_json_int(o, "cashier_id");
    d->cashier_name = pd_json_str(o, "cashier_name");
    d->treasurer_office_id = pd_json_int(o, "treasurer_office_id");
    d->treasurer_office_name = pd_json_str(o, "treasurer_office_name");
    d->total = pd_json_int(o, "total");
    d->created_at_ms = pd_json_int(o, "created_at_ms");
    d->bank_reference = pd_json_str(o, "bank_reference");
    d->validated_at_ms = pd_json_int(o, "validated_at_ms");
    d->validated_by_name = pd_json_str(o, "validated_by_name");
    d->verification = pd_json_str(o, "verification");
    c = json_object_get_member(o, "confirmation");
    if (c && JSON_NODE_HOLDS_OBJECT(c))
        d->confirmation = confirmation_from(m, json_node_get_object(c));
    return d;
}

Paten__Confirmation *pd_confirmation_parse(struct pd_msg_buf *m, const char *text)
{
    return confirmation_from(m, pd_json_object(pd_msg_parse(m, text)));
}

/* DepositChanged to the kecamatan's cashiers and Camat and to the treasurer's office. */
static void add_deposit_event(struct pd_db_batch *b, const struct pd_request *req,
                              Paten__Deposit *d, const char *change)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__DepositChanged dc = PATEN__DEPOSIT_CHANGED__INIT;
    Paten__Payment **payments = d->payments;
    size_t n = d->n_payments;

    d->payments = NULL;
    d->n_payments = 0;
    dc.deposit = d;
    dc.change = (char *)change;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_DEPOSIT_CHANGED;
    ev.deposit_changed = &dc;
    pd_event_add(b, req->now_ms, "DEPOSIT_CHANGED", req->session->region_id, d->office_id,
                 KEC_MONEY_ROLES, 0, &ev);
    pd_event_add(b, req->now_ms, "DEPOSIT_CHANGED", req->session->region_id, d->treasurer_office_id,
                 R(BENDAHARA), 0, &ev);
    d->payments = payments;
    d->n_payments = n;
}

/* DepositAlertChanged for payment p to its kecamatan and its treasurer. */
static void add_alert_event(struct pd_db_batch *b, int64_t at_ms, int64_t region_id,
                            Paten__Payment *p, int64_t office_id, int64_t raised_ms,
                            int64_t cleared_ms, const char *change)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__DepositAlertChanged ac = PATEN__DEPOSIT_ALERT_CHANGED__INIT;
    Paten__DepositAlert alert = PATEN__DEPOSIT_ALERT__INIT;

    alert.payment = p;
    alert.raised_at_ms = raised_ms;
    alert.cleared_at_ms = cleared_ms;
    ac.alert = &alert;
    ac.change = (char *)change;
    ev.at_ms = at_ms;
    ev.body_case = PATEN__EVENT__BODY_DEPOSIT_ALERT_CHANGED;
    ev.deposit_alert_changed = &ac;
    pd_event_add(b, at_ms, "DEPOSIT_ALERT", region_id, office_id, KEC_MONEY_ROLES, 0, &ev);
    pd_event_add(b, at_ms, "DEPOSIT_ALERT", region_id, p->treasurer_office_id, R(BENDAHARA), 0,
                 &ev);
}

/* Replies with the payments of a result (column 0: payment_view JSON). */
static void reply_payments(struct pd_request *req, const PGresult *res)
{
    Paten__ListPaymentsReply reply = PATEN__LIST_PAYMENTS_REPLY__INIT;
    struct pd_msg_buf m;
    int n = PQntuples(res);

    pd_msg_buf_init(&m);
    reply.payments = pd_msg_keep(&m, g_new0(Paten__Payment *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__Payment *p = pd_payment_parse(&m, pd_db_str(res, i, 0), req->now_ms);
        if (p)
            reply.payments[reply.n_payments++] = p;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

/* ---- ListUndeposited ------------------------------------------------------------------------ */

static void undeposited_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing cash on hand");
        return;
    }
    reply_payments(req, r->res[0]);
}

void pd_handle_list_undeposited(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_DEP_UNDEPOSITED);
    pd_db_param_int(b, req->session->user_id);
    pd_db_run(req->srv->db, b, undeposited_read, req);
}

/* ---- CreateDeposit -------------------------------------------------------------------------- */

struct deposit {
    struct pd_request *req;
    struct pd_db_txn *t;
    struct pd_doc doc;
    int64_t total;
    char **ids; /* the payments, as text for the array literal */
    size_t n;
    char today[11];
};

static void deposit_free(void *arg)
{
    struct deposit *d = arg;

    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->ids[i]);
    free(d->ids);
    free(d);
}

static void deposit_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct deposit *d = arg;
    struct pd_request *req = d->req;
    Paten__DepositReply reply = PATEN__DEPOSIT_REPLY__INIT;
    struct pd_db_batch *events;
    const PGresult *dep, *pays;
    struct pd_msg_buf m;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "making the deposit");
        deposit_free(d);
        return;
    }
    dep = r->res[r->n - 2];
    pays = r->res[r->n - 1];
    pd_msg_buf_init(&m);
    reply.deposit = PQntuples(dep) == 1 ? pd_deposit_parse(&m, pd_db_str(dep, 0, 0)) : NULL;
    if (reply.deposit == NULL) {
        pd_msg_buf_clear(&m);
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the new deposit is missing");
        deposit_free(d);
        return;
    }
    reply.deposit->payments = pd_msg_keep(&m, g_new0(Paten__Payment *, PQntuples(pays) + 1));
    for (int i = 0; i < PQntuples(pays); i++) {
        Paten__Payment *p = pd_payment_parse(&m, pd_db_str(pays, i, 0), req->now_ms);
        if (p)
            reply.deposit->payments[reply.deposit->n_payments++] = p;
    }
    events = pd_db_batch_new();
    add_deposit_event(events, req, reply.deposit, "CREATED");
    pd_info(req->conn_id, "deposit %s of %zu payments by %s", reply.deposit->number, d->n,
            req->session->username);
    pd_idem_commit(req, t, events, &reply.base);
    pd_msg_buf_clear(&m);
    deposit_free(d);
}

static void deposit_numbered(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct deposit *d = arg;
    struct pd_request *req = d->req;
    const Paten__CreateDepositRequest *m = (const Paten__CreateDepositRequest *)req->in.msg;
    struct pd_db_batch *b;
    char err[200], after[160];

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "numbering the deposit");
        deposit_free(d);
        return;
    }
    if (pd_doc_sign(&d->doc, r->res[0], r->res[1], err, sizeof err) < 0) {
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, err);
        deposit_free(d);
        return;
    }
    b = pd_db_batch_new();
    pd_doc_add_insert(b, &d->doc, req->session->user_id);
    pd_db_batch_add(b, PD_STMT_DEP_INSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, m->treasurer_office_id);
    pd_db_param_int(b, d->total);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, d->doc.issued_date);
    pd_db_param_text(b, d->doc.number);
    pd_db_batch_add(b, PD_STMT_DEP_ITEMS_INSERT);
    pd_db_param_text(b, d->doc.number);
    pd_db_param_text_array(b, (const char *const *)d->ids, d->n);
    snprintf(after, sizeof after, "{\"number\": \"%s\", \"total\": %lld, \"payments\": %zu}",
             d->doc.number, (long long)d->total, d->n);
    pd_audit_add(b, req, req->session->office_id, "DEPOSIT_CREATED", "deposit", d->doc.number, NULL,
                 after);
    pd_db_batch_add(b, PD_STMT_DEP_GET);
    pd_db_param_text(b, d->doc.number);
    pd_db_batch_add(b, PD_STMT_DEP_PAYMENTS);
    pd_db_param_text(b, d->doc.number);
    pd_db_txn_run(t, b, deposit_written, d);
}

/* The candidates are locked: check each, then take the STS's number. */
static void deposit_claimed(struct pd_request *req, struct pd_db_txn *t,
                            const struct pd_db_result *r, void *arg)
{
    const Paten__CreateDepositRequest *m = (const Paten__CreateDepositRequest *)req->in.msg;
    struct deposit *d = arg;
    const PGresult *res = r->res[0], *ctx = r->res[1];
    struct pd_db_batch *b;
    char msg[200];
    int n = PQntuples(res);

    d->t = t;
    if (m->n_payment_ids > 0 && (size_t)n != m->n_payment_ids) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Ada pembayaran yang tidak ditemukan",
                      "payment_ids", "some payment ids do not exist");
        deposit_free(d);
        return;
    }
    if (n == 0) {
        pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION,
                      "Tidak ada uang tunai yang belum disetor untuk bendahara ini",
                      "treasurer_office_id", "no undeposited cash for this treasurer");
        deposit_free(d);
        return;
    }
    d->ids = pd_xcalloc((size_t)n, sizeof *d->ids);
    for (int i = 0; i < n; i++) {
        const char *receipt = pd_db_str(res, i, 7);
        const char *why = NULL;
        int code = PATEN_ERR_INVALID_ARGUMENT;

        if (pd_db_get_int(res, i, 6) != req->session->user_id)
            why = "diterima kasir lain";
        else if (strcmp(pd_db_str(res, i, 2), "CASH") != 0)
            why = "bukan tunai (transfer/QRIS tidak disetor dengan STS)";
        else if (pd_db_get_bool(res, i, 3))
            why = "sudah dibatalkan";
        else if (pd_db_get_int(res, i, 4) != 0) {
            why = "sudah ada di setoran lain";
            code = PATEN_ERR_FAILED_PRECONDITION;
        } else if (pd_db_get_int(res, i, 1) != m->treasurer_office_id)
            why = "untuk bendahara lain";
        if (why) {
            snprintf(msg, sizeof msg, "Pembayaran %s %s", receipt, why);
            pd_idem_abort(req, t, code, msg, "payment_ids", msg);
            deposit_free(d);
            return;
        }
        d->ids[d->n++] = g_strdup_printf("%lld", (long long)pd_db_get_int(res, i, 0));
        d->total += pd_db_get_int(res, i, 5);
    }
    if (PQntuples(ctx) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the caller's office is missing");
        deposit_free(d);
        return;
    }
    d->doc.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STS;
    d->doc.office_id = req->session->office_id;
    d->doc.region_id = req->session->region_id;
    snprintf(d->doc.region_code, sizeof d->doc.region_code, "%s", pd_db_str(ctx, 0, 3));
    pd_doc_set_time(&d->doc, req->now_ms,
                    paten_tz_offset_minutes(pd_db_str(ctx, 0, 4)) < 0
                        ? 7 * 60
                        : paten_tz_offset_minutes(pd_db_str(ctx, 0, 4)));
    d->doc.amount = d->total;
    snprintf(d->doc.subject, sizeof d->doc.subject, "Setoran %s", pd_db_str(ctx, 0, 1));
    b = pd_db_batch_new();
    pd_doc_add_take(b, &d->doc);
    pd_db_txn_run(t, b, deposit_numbered, d);
}

void pd_handle_create_deposit(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__CreateDepositRequest *m = (const Paten__CreateDepositRequest *)msg;
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
    struct pd_db_batch *b;
    struct deposit *d;

    if (m->treasurer_office_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih bendahara penerima",
                        "treasurer_office_id", "treasurer_office_id is required");
        return;
    }
    if (m->n_payment_ids > MAX_ITEMS) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Terlalu banyak pembayaran", "payment_ids",
                        "at most %d payments in one deposit", MAX_ITEMS);
        return;
    }
    for (size_t i = 0; i < m->n_payment_ids; i++) {
        for (size_t j = 0; j < i; j++)
            if (m->payment_ids[j] == m->payment_ids[i]) {
                pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pembayaran tercantum dua kali",
                                "payment_ids", "payment %lld is listed twice",
                                (long long)m->payment_ids[i]);
                return;
            }
        g_ptr_array_add(ids, g_strdup_printf("%lld", (long long)m->payment_ids[i]));
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_DEP_CANDIDATES);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, m->treasurer_office_id);
    pd_db_param_text_array(b, (const char *const *)ids->pdata, ids->len);
    pd_db_param_bool(b, m->n_payment_ids == 0);
    pd_db_batch_add(b, PD_STMT_OFFICE_CONTEXT);
    pd_db_param_int(b, req->session->office_id);
    d = pd_xcalloc(1, sizeof *d);
    d->req = req;
    pd_idem_begin(req, b, deposit_claimed, d, deposit_free);
}

/* ---- ValidateDeposit ------------------------------------------------------------------------ */

static void validated(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__DepositReply reply = PATEN__DEPOSIT_REPLY__INIT;
    const PGresult *dep, *alerts;
    struct pd_db_batch *events;
    struct pd_msg_buf m;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "validating the deposit");
        return;
    }
    dep = r->res[r->n - 2];
    alerts = r->res[r->n - 1];
    pd_msg_buf_init(&m);
    reply.deposit = PQntuples(dep) == 1 ? pd_deposit_parse(&m, pd_db_str(dep, 0, 0)) : NULL;
    events = pd_db_batch_new();
    if (reply.deposit) {
        add_deposit_event(events, req, reply.deposit, "VALIDATED");
        /* The deposit is made: its payments' alerts clear. */
        for (int i = 0; i < PQntuples(alerts); i++) {
            Paten__Payment *p = pd_payment_parse(&m, pd_db_str(alerts, i, 0), req->now_ms);
            if (p)
                add_alert_event(events, req->now_ms, req->session->region_id, p,
                                reply.deposit->office_id, pd_db_get_int(alerts, i, 1), req->now_ms,
                                "CLEARED");
        }
    }
    pd_idem_commit(req, t, events, &reply.base);
    pd_msg_buf_clear(&m);
}

static void validate_claimed(struct pd_request *req, struct pd_db_txn *t,
                             const struct pd_db_result *r, void *arg)
{
    const Paten__ValidateDepositRequest *m = (const Paten__ValidateDepositRequest *)req->in.msg;
    const PGresult *res = r->res[0];
    struct pd_db_batch *b;
    char number[96], after[200];

    (void)arg;
    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Setoran tidak ditemukan", "deposit_id",
                      "no such deposit in the caller's region");
        return;
    }
    if (pd_db_get_int(res, 0, 0) != req->session->office_id) {
        pd_idem_abort(req, t, PATEN_ERR_PERMISSION_DENIED, "Setoran kecamatan lain", "deposit_id",
                      "the deposit is another office's");
        return;
    }
    if (pd_db_get_bool(res, 0, 3)) {
        pd_idem_abort(req, t, PATEN_ERR_ALREADY_EXISTS, "Validasi bank sudah dicatat", "deposit_id",
                      "the deposit is validated already");
        return;
    }
    if (m->validated_at_ms < pd_db_get_int(res, 0, 4)) {
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT, "Waktu validasi bank sebelum STS dibuat",
                      "validated_at_ms", "the bank cannot validate a slip before it was made");
        return;
    }
    snprintf(number, sizeof number, "%s", pd_db_str(res, 0, 2));
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_DEP_VALIDATE);
    pd_db_param_int(b, m->deposit_id);
    pd_db_param_text(b, m->bank_reference);
    pd_db_param_int(b, m->validated_at_ms);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, req->now_ms);
    {
        g_autofree char *ref = g_strescape(m->bank_reference, NULL);
        snprintf(after, sizeof after, "{\"number\": \"%s\", \"bank_reference\": \"%.80s\"}", number,
                 ref);
    }
    pd_audit_add(b, req, req->session->office_id, "DEPOSIT_VALIDATED", "deposit", number, NULL,
                 after);
    pd_db_batch_add(b, PD_STMT_DEP_GET);
    pd_db_param_text(b, number);
    pd_db_batch_add(b, PD_STMT_DEP_ALERTS_OF);
    pd_db_param_int(b, m->deposit_id);
    pd_db_txn_run(t, b, validated, req);
}

void pd_handle_validate_deposit(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ValidateDepositRequest *m = (const Paten__ValidateDepositRequest *)msg;
    struct pd_db_batch *b;

    if (m->deposit_id <= 0 || m->bank_reference[0] == '\0' || strlen(m->bank_reference) > 80) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isi nomor validasi bank",
                        m->deposit_id <= 0 ? "deposit_id" : "bank_reference",
                        "deposit_id and a bank reference of 1-80 bytes are required");
        return;
    }
    if (m->validated_at_ms <= 0 || m->validated_at_ms > req->now_ms) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Waktu validasi bank tidak valid",
                        "validated_at_ms", "required, and not in the future");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_DEP_LOCK);
    pd_db_param_int(b, m->deposit_id);
    pd_db_param_int(b, req->session->region_id);
    pd_idem_begin(req, b, validate_claimed, NULL, NULL);
}

/* ---- ListDeposits --------------------------------------------------------------------------- */

static void deposits_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListDepositsReply reply = PATEN__LIST_DEPOSITS_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing deposits");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.deposits = pd_msg_keep(&m, g_new0(Paten__Deposit *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__Deposit *d = pd_deposit_parse(&m, pd_db_str(r->res[0], i, 0));
        if (d)
            reply.deposits[reply.n_deposits++] = d;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

/* Which deposits and alerts a caller sees: region-wide readers the region; a treasurer those to
 * its office; the kecamatan's cashiers and Camat their office's. */
static void scope_of(const struct pd_request *req, int64_t *office, int64_t *treasurer)
{
    *office = 0;
    *treasurer = 0;
    if (pd_session_region_wide(req->session))
        return;
    if (req->roles & R(BENDAHARA))
        *treasurer = req->session->office_id;
    else
        *office = req->session->office_id;
}

void pd_handle_list_deposits(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListDepositsRequest *m = (const Paten__ListDepositsRequest *)msg;
    struct pd_db_batch *b;
    int64_t office, treasurer;
    paten_day day;

    if ((m->from_date[0] && paten_day_parse(m->from_date, &day) < 0) ||
        (m->to_date[0] && paten_day_parse(m->to_date, &day) < 0)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", "from_date",
                        "dates are YYYY-MM-DD");
        return;
    }
    scope_of(req, &office, &treasurer);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_DEP_LIST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, office);
    pd_db_param_int(b, treasurer);
    pd_db_param_bool(b, m->unconfirmed_only);
    pd_db_param_text(b, m->from_date[0] ? m->from_date : NULL);
    pd_db_param_text(b, m->to_date[0] ? m->to_date : NULL);
    pd_db_run(req->srv->db, b, deposits_listed, req);
}

/* ---- Confirm, ResolveDiscrepancy ------------------------------------------------------------ */

static void confirmation_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ConfirmationReply reply = PATEN__CONFIRMATION_REPLY__INIT;
    const PGresult *c = r->res[r->n - 2], *dep = r->res[r->n - 1];
    struct pd_db_batch *events;
    struct pd_msg_buf m;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "recording the confirmation");
        return;
    }
    pd_msg_buf_init(&m);
    reply.confirmation =
        PQntuples(c) == 1
            ? confirmation_from(&m, pd_json_object(pd_msg_parse(&m, pd_db_str(c, 0, 0))))
            : NULL;
    events = pd_db_batch_new();
    if (reply.confirmation && PQntuples(dep) == 1) {
        Paten__Deposit *d = pd_deposit_parse(&m, pd_db_str(dep, 0, 0));
        static const char *const changes[] = { "", "CONFIRMED", "DISCREPANCY", "RESOLVED" };
        if (d)
            add_deposit_event(events, req, d, changes[reply.confirmation->status]);
    }
    pd_idem_commit(req, t, events, &reply.base);
    pd_msg_buf_clear(&m);
}

static void confirmation_inserted(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    const Paten__ConfirmRequest *m = (const Paten__ConfirmRequest *)req->in.msg;
    struct pd_db_batch *b;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "recording the confirmation");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_CONF_GET);
    pd_db_param_int(b, pd_db_get_int(r->res[0], 0, 0));
    pd_db_batch_add(b, PD_STMT_DEP_BY_ID);
    pd_db_param_int(b, m->deposit_id); /* 0 for a payment: no row */
    pd_db_txn_run(t, b, confirmation_written, req);
}

static void confirm_claimed(struct pd_request *req, struct pd_db_txn *t,
                            const struct pd_db_result *r, void *arg)
{
    const Paten__ConfirmRequest *m = (const Paten__ConfirmRequest *)req->in.msg;
    const PGresult *res = r->res[0];
    struct pd_db_batch *b;
    int64_t expected;
    char after[200];

    (void)arg;
    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Setoran atau pembayaran tidak ditemukan",
                      m->deposit_id ? "deposit_id" : "payment_id", "no such deposit or payment");
        return;
    }
    if (pd_db_get_int(res, 0, 0) != req->session->office_id) {
        pd_idem_abort(req, t, PATEN_ERR_PERMISSION_DENIED, "Bukan untuk bendahara kantor Anda",
                      m->deposit_id ? "deposit_id" : "payment_id",
                      "owed to another office's treasurer");
        return;
    }
    if (pd_db_get_bool(res, 0, 3)) {
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT,
                      "Pembayaran tunai dikonfirmasi melalui setorannya (STS)", "payment_id",
                      "cash is confirmed through its deposit");
        return;
    }
    if (!pd_db_get_bool(res, 0, 2)) {
        pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION,
                      m->deposit_id ? "Setoran belum divalidasi bank" : "Pembayaran dibatalkan",
                      m->deposit_id ? "deposit_id" : "payment_id",
                      "not validated by the bank, or reversed");
        return;
    }
    if (pd_db_get_int(res, 0, 4) != 0) {
        pd_idem_abort(req, t, PATEN_ERR_ALREADY_EXISTS, "Sudah dikonfirmasi",
                      m->deposit_id ? "deposit_id" : "payment_id", "confirmed already");
        return;
    }
    expected = pd_db_get_int(res, 0, 1);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_CONF_INSERT);
    pd_db_param_int(b, req->session->office_id);
    if (m->deposit_id) {
        pd_db_param_int(b, m->deposit_id);
        pd_db_param_null(b);
    } else {
        pd_db_param_null(b);
        pd_db_param_int(b, m->payment_id);
    }
    pd_db_param_text(b, m->bank_date);
    pd_db_param_text(b, m->bank_reference);
    pd_db_param_int(b, m->amount);
    pd_db_param_int(b, expected);
    pd_db_param_text(b, m->amount == expected ? "CONFIRMED" : "DISCREPANCY");
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, req->now_ms);
    snprintf(after, sizeof after,
             "{\"deposit_id\": %lld, \"payment_id\": %lld, \"amount\": %lld, \"expected\": %lld}",
             (long long)m->deposit_id, (long long)m->payment_id, (long long)m->amount,
             (long long)expected);
    pd_audit_add(b, req, req->session->office_id,
                 m->amount == expected ? "CONFIRMED" : "DISCREPANCY", "confirmation",
                 m->deposit_id ? "deposit" : "payment", NULL, after);
    pd_db_txn_run(t, b, confirmation_inserted, req);
}

void pd_handle_confirm(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ConfirmRequest *m = (const Paten__ConfirmRequest *)msg;
    struct pd_db_batch *b;
    paten_day day;

    if ((m->deposit_id > 0) == (m->payment_id > 0)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih setoran atau pembayaran",
                        "deposit_id", "exactly one of deposit_id and payment_id");
        return;
    }
    if (paten_day_parse(m->bank_date, &day) < 0 || day > paten_day_of(req->now_ms, 9 * 60)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal rekening koran tidak valid",
                        "bank_date", "YYYY-MM-DD, not in the future");
        return;
    }
    if (m->bank_reference[0] == '\0' || strlen(m->bank_reference) > 80 || m->amount < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isi referensi bank dan jumlahnya",
                        m->amount < 0 ? "amount" : "bank_reference",
                        "a reference of 1-80 bytes and an amount >= 0");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, m->deposit_id ? PD_STMT_CONF_DEPOSIT : PD_STMT_CONF_PAYMENT);
    pd_db_param_int(b, m->deposit_id ? m->deposit_id : m->payment_id);
    pd_db_param_int(b, req->session->region_id);
    pd_idem_begin(req, b, confirm_claimed, NULL, NULL);
}

static void resolved(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    confirmation_written(t, r, arg);
}

static void resolve_claimed(struct pd_request *req, struct pd_db_txn *t,
                            const struct pd_db_result *r, void *arg)
{
    const Paten__ResolveDiscrepancyRequest *m =
        (const Paten__ResolveDiscrepancyRequest *)req->in.msg;
    const PGresult *res = r->res[0];
    struct pd_db_batch *b;
    char idtext[24];

    (void)arg;
    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Konfirmasi tidak ditemukan", "confirmation_id",
                      "no such confirmation in the caller's region");
        return;
    }
    if (pd_db_get_int(res, 0, 0) != req->session->office_id) {
        pd_idem_abort(req, t, PATEN_ERR_PERMISSION_DENIED, "Bukan konfirmasi kantor Anda",
                      "confirmation_id", "another treasurer's confirmation");
        return;
    }
    if (strcmp(pd_db_str(res, 0, 1), "DISCREPANCY") != 0 || pd_db_get_bool(res, 0, 2)) {
        pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION,
                      "Tidak ada selisih terbuka untuk diselesaikan", "confirmation_id",
                      "not an open discrepancy");
        return;
    }
    snprintf(idtext, sizeof idtext, "%lld", (long long)m->confirmation_id);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_CONF_RESOLVE);
    pd_db_param_int(b, m->confirmation_id);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, req->now_ms);
    pd_audit_add(b, req, req->session->office_id, "DISCREPANCY_RESOLVED", "confirmation", idtext,
                 NULL, NULL);
    pd_db_batch_add(b, PD_STMT_CONF_GET);
    pd_db_param_int(b, m->confirmation_id);
    pd_db_batch_add(b, PD_STMT_DEP_OF_CONFIRMATION);
    pd_db_param_int(b, m->confirmation_id);
    pd_db_txn_run(t, b, resolved, req);
}

void pd_handle_resolve_discrepancy(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ResolveDiscrepancyRequest *m = (const Paten__ResolveDiscrepancyRequest *)msg;
    struct pd_db_batch *b;

    if (m->confirmation_id <= 0 || m->reason[0] == '\0' || strlen(m->reason) > 2000) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alasan penyelesaian wajib diisi",
                        m->confirmation_id <= 0 ? "confirmation_id" : "reason",
                        "confirmation_id and a reason of 1-2000 bytes");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_CONF_LOCK);
    pd_db_param_int(b, m->confirmation_id);
    pd_db_param_int(b, req->session->region_id);
    pd_idem_begin(req, b, resolve_claimed, NULL, NULL);
}

/* ---- ListDepositAlerts ---------------------------------------------------------------------- */

static void alerts_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListDepositAlertsReply reply = PATEN__LIST_DEPOSIT_ALERTS_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing deposit alerts");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.alerts = pd_msg_keep(&m, g_new0(Paten__DepositAlert *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__DepositAlert *a = pd_msg_keep(&m, g_new0(Paten__DepositAlert, 1));
        paten__deposit_alert__init(a);
        a->payment = pd_payment_parse(&m, pd_db_str(r->res[0], i, 0), req->now_ms);
        a->raised_at_ms = pd_db_get_int(r->res[0], i, 1);
        reply.alerts[reply.n_alerts++] = a;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_list_deposit_alerts(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();
    int64_t office, treasurer;

    (void)msg;
    scope_of(req, &office, &treasurer);
    pd_db_batch_add(b, PD_STMT_ALERTS_OPEN);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, office);
    pd_db_param_int(b, treasurer);
    pd_db_run(req->srv->db, b, alerts_read, req);
}

/* ---- CheckInvariants ------------------------------------------------------------------------ */

static void invariants_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__CheckInvariantsReply reply = PATEN__CHECK_INVARIANTS_REPLY__INIT;
    const PGresult *res;
    int n;
    long long np = 0, nd = 0, nr = 0;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "checking the invariants");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    reply.violations = pd_xcalloc((size_t)n + 1, sizeof *reply.violations);
    for (int i = 0; i < n; i++) {
        const char *v = pd_db_str(res, i, 0);
        /* The counts come last, marked '#'. */
        if (v[0] == '#' && sscanf(v + 1, "%lld %lld %lld", &np, &nd, &nr) == 3)
            continue;
        reply.violations[reply.n_violations++] = (char *)v;
    }
    reply.payments = np;
    reply.deposits = nd;
    reply.registers = nr;
    if (reply.n_violations)
        pd_warn(req->conn_id, "invariant check by %s: %zu violations", req->session->username,
                reply.n_violations);
    pd_request_reply(req, &reply.base);
    free(reply.violations);
}

void pd_handle_check_invariants(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_INVARIANTS);
    pd_db_run(req->srv->db, b, invariants_read, req);
}

/* ---- the deadline's watch ------------------------------------------------------------------- */

struct watch {
    uv_timer_t timer;
    struct pd_server *srv;
    bool running; /* a tick's transaction is in flight */
    bool closed;  /* the timer is closed: free once no transaction is in flight */
};

static struct watch *the_watch;

static void watch_committed(const struct pd_db_result *r, void *arg)
{
    struct watch *w = arg;

    w->running = false;
    if (r->status < 0)
        pd_warn(0, "deposit watch: the alerts were not committed: %s", r->message);
    if (w->closed)
        free(w);
}

static void watch_raised(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct watch *w = arg;
    const PGresult *res;
    struct pd_db_batch *events;
    struct pd_msg_buf m;
    int64_t now = pd_clock_now_ms();

    if (r->status < 0) {
        w->running = false;
        pd_warn(0, "deposit watch: %s", r->message);
        if (w->closed)
            free(w);
        return;
    }
    res = r->res[0];
    events = pd_db_batch_new();
    pd_msg_buf_init(&m);
    for (int i = 0; i < PQntuples(res); i++) {
        Paten__Payment *p = pd_payment_parse(&m, pd_db_str(res, i, 0), now);
        if (p == NULL)
            continue;
        pd_info(0, "deposit overdue: %s (%lld rupiah, due at %lld)", p->receipt_number,
                (long long)p->amount, (long long)p->deposit_deadline_ms);
        add_alert_event(events, now, pd_db_get_int(res, i, 1), p, pd_db_get_int(res, i, 2), now, 0,
                        "RAISED");
    }
    pd_debug(0, "deposit watch at %lld: %d raised", (long long)now, PQntuples(res));
    pd_db_txn_commit(t, events, watch_committed, w);
    pd_msg_buf_clear(&m);
}

static void on_watch(uv_timer_t *timer)
{
    struct watch *w = timer->data;
    struct pd_db_batch *b;

    if (w->running || w->srv->state != PD_SERVER_RUNNING)
        return;
    w->running = true;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_ALERTS_RAISE);
    pd_db_param_int(b, pd_clock_now_ms());
    pd_db_txn_begin(w->srv->db, b, watch_raised, w);
}

static void watch_closed(uv_handle_t *h)
{
    struct watch *w = h->data;

    w->closed = true;
    if (!w->running)
        free(w);
}

int pd_deposits_watch_start(struct pd_server *srv)
{
    struct watch *w = pd_xcalloc(1, sizeof *w);
    uint64_t every = srv->cfg->deposit_watch_ms ? srv->cfg->deposit_watch_ms : 30000;
    int rc;

    w->srv = srv;
    if ((rc = uv_timer_init(srv->loop, &w->timer)) < 0) {
        pd_error(0, "uv_timer_init: %s", uv_strerror(rc));
        free(w);
        return rc;
    }
    w->timer.data = w;
    if ((rc = uv_timer_start(&w->timer, on_watch, every, every)) < 0) {
        pd_error(0, "uv_timer_start: %s", uv_strerror(rc));
        uv_close((uv_handle_t *)&w->timer, watch_closed);
        return rc;
    }
    the_watch = w;
    return 0;
}

void pd_deposits_watch_stop(struct pd_server *srv)
{
    (void)srv;
    if (the_watch && !uv_is_closing((uv_handle_t *)&the_watch->timer)) {
        uv_timer_stop(&the_watch->timer);
        uv_close((uv_handle_t *)&the_watch->timer, watch_closed);
    }
    the_watch = NULL;
}
