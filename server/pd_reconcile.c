/*
 * pd_reconcile.c: accounting for every rupiah (../shared/domain.md, "Deposits (setoran) and
 * reconciliation"): the reconciliation of a cashier's day or a treasurer's period (collected =
 * confirmed + deposited unconfirmed + on hand, by treasurer, every payment listed), the
 * cashier's daily close against the counted cash, and the import of the bank's statement that
 * confirms deposits and transfers by reference and amount.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_payments.h"
#include "pd_server.h"
#include "pd_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R(x)          PD_ROLE_BIT(PATEN__ROLE__ROLE_##x)
#define MAX_LINES     5000
#define MAX_TREASURER 16

/* RECON_PAYMENTS's columns after the JSON. */
enum {
    RC_JSON,
    RC_TREASURER,
    RC_TREASURER_NAME,
    RC_AMOUNT,
    RC_REVERSED,
    RC_METHOD,
    RC_VALIDATED,
    RC_CONFIRMATION,
    RC_CASHIER,
    RC_CASHIER_NAME,
    RC_DAY
};

/* The local day of now in the caller's region. */
static void today_of(const struct pd_request *req, char out[11])
{
    paten_day_format(
        paten_day_of(req->now_ms, pd_offices_tz(req->srv->offices, req->session->office_id)), out);
}

typedef struct {
    Paten__ReconcileLine line;
} ReconcileLineC;

/* Adds payment row i of res (a standing payment) to line lc: collected, and one of confirmed,
 * deposited unconfirmed (a validated deposit, or a transfer / QRIS) and on hand. */
static void tally(ReconcileLineC *lc, const PGresult *res, int i)
{
    Paten__ReconcileLine *l = &lc->line;
    int64_t amount = pd_db_get_int(res, i, RC_AMOUNT);
    const char *conf = pd_db_str(res, i, RC_CONFIRMATION);
    bool cash = strcmp(pd_db_str(res, i, RC_METHOD), "CASH") == 0;

    l->payments++;
    l->collected += amount;
    if (strcmp(conf, "CONFIRMED") == 0 || strcmp(conf, "RESOLVED") == 0)
        l->confirmed += amount;
    else if (!cash || pd_db_get_bool(res, i, RC_VALIDATED)) {
        l->deposited_unconfirmed += amount;
        if (strcmp(conf, "DISCREPANCY") == 0)
            l->discrepancy += amount;
    } else
        l->on_hand += amount;
}

/* ---- Reconcile ------------------------------------------------------------------------------ */

struct recon {
    struct pd_request *req;
    char from[11], to[11];
};

static void reconciled(const struct pd_db_result *r, void *arg)
{
    struct recon *rc = arg;
    struct pd_request *req = rc->req;
    Paten__ReconcileReply reply = PATEN__RECONCILE_REPLY__INIT;
    ReconcileLineC lines[MAX_TREASURER], total, *days;
    Paten__ReconcileLine *lp[MAX_TREASURER], **dp;
    size_t nd = 0;
    const PGresult *res;
    struct pd_msg_buf m;
    size_t nl = 0;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reconciling");
        free(rc);
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    memset(&total, 0, sizeof total);
    paten__reconcile_line__init(&total.line);
    pd_msg_buf_init(&m);
    reply.payments = pd_msg_keep(&m, g_new0(Paten__Payment *, n + 1));
    /* Rows come by day, then cashier: a new (day, cashier) starts a line. */
    days = pd_msg_keep(&m, g_new0(ReconcileLineC, n + 1));
    dp = pd_msg_keep(&m, g_new0(Paten__ReconcileLine *, n + 1));
    for (int i = 0; i < n; i++) {
        int64_t t = pd_db_get_int(res, i, RC_TREASURER);
        size_t k;
        Paten__Payment *p = pd_payment_parse(&m, pd_db_str(res, i, RC_JSON), req->now_ms);

        if (p)
            reply.payments[reply.n_payments++] = p;
        if (pd_db_get_bool(res, i, RC_REVERSED))
            continue;
        if (nd == 0 || days[nd - 1].line.cashier_id != pd_db_get_int(res, i, RC_CASHIER) ||
            strcmp(days[nd - 1].line.day, pd_db_str(res, i, RC_DAY)) != 0) {
            paten__reconcile_line__init(&days[nd].line);
            days[nd].line.cashier_id = pd_db_get_int(res, i, RC_CASHIER);
            days[nd].line.cashier_name = (char *)pd_db_str(res, i, RC_CASHIER_NAME);
            days[nd].line.day = (char *)pd_db_str(res, i, RC_DAY);
            dp[nd] = &days[nd].line;
            nd++;
        }
        tally(&days[nd - 1], res, i);
        for (k = 0; k < nl && lines[k].line.treasurer_office_id != t; k++)
            ;
        if (k == nl) {
            if (nl == MAX_TREASURER)
                continue; /* a region has a handful of treasurers; more is not a real case */
            paten__reconcile_line__init(&lines[nl].line);
            lines[nl].line.treasurer_office_id = t;
            lines[nl].line.treasurer_office_name = (char *)pd_db_str(res, i, RC_TREASURER_NAME);
            nl++;
        }
        tally(&lines[k], res, i);
        tally(&total, res, i);
    }
    for (size_t k = 0; k < nl; k++)
        lp[k] = &lines[k].line;
    reply.lines = lp;
    reply.n_lines = nl;
    reply.total = &total.line;
    reply.cashier_days = dp;
    reply.n_cashier_days = nd;
    reply.from_date = rc->from;
    reply.to_date = rc->to;
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
    free(rc);
}

void pd_handle_reconcile(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ReconcileRequest *m = (const Paten__ReconcileRequest *)msg;
    bool wide = pd_session_region_wide(req->session);
    int64_t cashier = m->cashier_id, treasurer = m->treasurer_office_id;
    struct pd_db_batch *b;
    struct recon *rc;
    paten_day d;

    rc = pd_xcalloc(1, sizeof *rc);
    rc->req = req;
    if (treasurer) {
        /* A treasurer's period: its own office unless region-wide. */
        if (!wide && (!(req->roles & R(BENDAHARA)) || treasurer != req->session->office_id)) {
            free(rc);
            pd_request_fail(req, PATEN_ERR_PERMISSION_DENIED, "Hanya bendahara kantor itu",
                            "treasurer_office_id", "another office's treasurer");
            return;
        }
        if (paten_day_parse(m->from_date, &d) < 0 || paten_day_parse(m->to_date, &d) < 0) {
            free(rc);
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isi periode (tanggal awal dan akhir)",
                            "from_date", "from_date and to_date are YYYY-MM-DD");
            return;
        }
        snprintf(rc->from, sizeof rc->from, "%s", m->from_date);
        snprintf(rc->to, sizeof rc->to, "%s", m->to_date);
        cashier = 0;
    } else {
        if (m->day[0] && paten_day_parse(m->day, &d) < 0) {
            free(rc);
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", "day",
                            "day is YYYY-MM-DD");
            return;
        }
        if (m->day[0])
            snprintf(rc->from, sizeof rc->from, "%s", m->day);
        else
            today_of(req, rc->from);
        snprintf(rc->to, sizeof rc->to, "%s", rc->from);
        if (cashier == 0)
            cashier = req->session->user_id;
        /* A cashier sees their own day; the Camat and readers any cashier's of their scope. */
        if (cashier != req->session->user_id && !wide && !(req->roles & R(CAMAT))) {
            free(rc);
            pd_request_fail(req, PATEN_ERR_PERMISSION_DENIED, "Hanya kas Anda sendiri",
                            "cashier_id", "another cashier's day");
            return;
        }
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_RECON_PAYMENTS);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, cashier);
    pd_db_param_text(b, rc->from);
    pd_db_param_text(b, rc->to);
    pd_db_param_int(b, treasurer);
    pd_db_run(req->srv->db, b, reconciled, rc);
}

/* ---- CloseCashDay, ListCashCloses ----------------------------------------------------------- */

static Paten__CashClose *close_parse(struct pd_msg_buf *m, const char *text)
{
    JsonNode *n = pd_msg_parse(m, text);
    JsonObject *o = n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
    Paten__CashClose *c;

    if (o == NULL)
        return NULL;
    c = pd_msg_keep(m, g_new0(Paten__CashClose, 1));
    paten__cash_close__init(c);
    c->id = pd_json_int(o, "id");
    c->cashier_id = pd_json_int(o, "cashier_id");
    c->cashier_name = pd_json_str(o, "cashier_name");
    c->day = pd_json_str(o, "day");
    c->collected = pd_json_int(o, "collected");
    c->cash_collected = pd_json_int(o, "cash_collected");
    c->expected = pd_json_int(o, "expected");
    c->counted = pd_json_int(o, "counted");
    c->difference = pd_json_int(o, "difference");
    c->reason = pd_json_str(o, "reason");
    c->closed_at_ms = pd_json_int(o, "closed_at_ms");
    c->office_id = pd_json_int(o, "office_id");
    return c;
}

struct close {
    char day[11];
};

static void close_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__CashCloseReply reply = PATEN__CASH_CLOSE_REPLY__INIT;
    struct pd_msg_buf m;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "closing the day");
        return;
    }
    pd_msg_buf_init(&m);
    reply.close = close_parse(&m, pd_db_str(r->res[0], 0, 0));
    if (reply.close && reply.close->difference != 0)
        pd_warn(req->conn_id, "cash close by %s on %s: difference %lld (%s)",
                req->session->username, reply.close->day, (long long)reply.close->difference,
                reply.close->reason);
    pd_idem_commit(req, t, pd_db_batch_new(), &reply.base);
    pd_msg_buf_clear(&m);
}

static void close_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                          void *arg)
{
    const Paten__CloseCashDayRequest *m = (const Paten__CloseCashDayRequest *)req->in.msg;
    struct close *c = arg;
    const PGresult *res = r->res[0];
    ReconcileLineC all;
    int64_t cash = 0;
    struct pd_db_batch *b;
    char after[200];

    memset(&all, 0, sizeof all);
    paten__reconcile_line__init(&all.line);
    for (int i = 0; i < PQntuples(res); i++) {
        if (pd_db_get_bool(res, i, RC_REVERSED))
            continue;
        tally(&all, res, i);
        if (strcmp(pd_db_str(res, i, RC_METHOD), "CASH") == 0)
            cash += pd_db_get_int(res, i, RC_AMOUNT);
    }
    if (m->counted != all.line.on_hand && m->reason[0] == '\0') {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "Uang dihitung Rp %lld, catatan Rp %lld: selisih wajib diberi alasan",
                 (long long)m->counted, (long long)all.line.on_hand);
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT, msg, "reason",
                      "a difference needs a reason");
        free(c);
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_CASH_CLOSE_INSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, c->day);
    pd_db_param_int(b, all.line.collected);
    pd_db_param_int(b, cash);
    pd_db_param_int(b, all.line.on_hand);
    pd_db_param_int(b, m->counted);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, req->now_ms);
    snprintf(after, sizeof after,
             "{\"day\": \"%s\", \"expected\": %lld, \"counted\": %lld, \"collected\": %lld}",
             c->day, (long long)all.line.on_hand, (long long)m->counted,
             (long long)all.line.collected);
    pd_audit_add(b, req, req->session->office_id, "CASH_DAY_CLOSED", "cash_close", c->day, NULL,
                 after);
    free(c);
    pd_db_txn_run(t, b, close_written, req);
}

void pd_handle_close_cash_day(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__CloseCashDayRequest *m = (const Paten__CloseCashDayRequest *)msg;
    struct pd_db_batch *b;
    struct close *c;
    paten_day d;

    if ((m->day[0] && paten_day_parse(m->day, &d) < 0) || m->counted < 0 ||
        strlen(m->reason) > 2000) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal atau jumlah tidak valid",
                        m->counted < 0 ? "counted" : "day",
                        "day YYYY-MM-DD, counted >= 0, reason at most 2000 bytes");
        return;
    }
    c = pd_xcalloc(1, sizeof *c);
    if (m->day[0])
        snprintf(c->day, sizeof c->day, "%s", m->day);
    else
        today_of(req, c->day);
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL) {
        free(c);
        return;
    }
    pd_db_batch_add(b, PD_STMT_RECON_PAYMENTS);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, c->day);
    pd_db_param_text(b, c->day);
    pd_db_param_int(b, 0);
    pd_idem_begin(req, b, close_claimed, c, free);
}

static void closes_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListCashClosesReply reply = PATEN__LIST_CASH_CLOSES_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing the closes");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.closes = pd_msg_keep(&m, g_new0(Paten__CashClose *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__CashClose *c = close_parse(&m, pd_db_str(r->res[0], i, 0));
        if (c)
            reply.closes[reply.n_closes++] = c;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_list_cash_closes(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListCashClosesRequest *m = (const Paten__ListCashClosesRequest *)msg;
    bool wide = pd_session_region_wide(req->session);
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_CASH_CLOSES_LIST);
    pd_db_param_int(b, wide ? 0 : req->session->office_id);
    pd_db_param_int(b, wide || (req->roles & R(CAMAT)) ? 0 : req->session->user_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_bool(b, m->differences_only);
    pd_db_run(req->srv->db, b, closes_listed, req);
}
