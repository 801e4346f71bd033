/*
 * pd_payments.c: the kecamatan cashier's side of the money (../shared/domain.md, "Money rules"):
 * what an applicant owes today, taking the payment with its numbered receipt (SSRD for a levy,
 * SSPD for a tax), and the Camat's reversal of a payment taken by mistake.
 *
 * A payment is a change of the file (pd_file_op, pd_files.c): it holds the file's row lock, so of
 * two cashiers paying one bill at once the second finds the file PAID and gets ALREADY_PAID, and
 * a retry with the same idempotency key returns the first receipt. The amount is the amount due
 * when the lock is held: principal plus the late interest of that day; a late payment issues its
 * STRD / STPD (from the assessing office's register) in the same transaction, so a bill is
 * numbered exactly when it is paid unless the agency issued it first.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_assess.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_payments.h"
#include "pd_server.h"
#include "pd_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST(x)    PD_STATE_BIT(PATEN__FILE_STATE__FILE_STATE_##x)
#define STATE(x) PATEN__FILE_STATE__FILE_STATE_##x

/* PAY_OWED_* columns. */
enum { OW_ASSESSMENT, OW_REGIME, OW_TZ, OW_TODAY, OW_BILL, OW_FILE_OFFICE, OW_SHIFTS };

static Paten__Bill *bill_parse(struct pd_msg_buf *m, const char *text)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    Paten__Bill *b;

    if (o == NULL)
        return NULL;
    b = pd_msg_keep(m, g_new0(Paten__Bill, 1));
    paten__bill__init(b);
    b->id = pd_json_int(o, "id");
    b->kind = (Paten__DocumentKind)pd_doc_kind_from_db(pd_json_str(o, "kind"));
    b->number = pd_json_str(o, "number");
    b->as_of = pd_json_str(o, "as_of");
    b->months = (int32_t)pd_json_int(o, "months");
    b->principal = pd_json_int(o, "principal");
    b->interest = pd_json_int(o, "interest");
    b->total = b->principal + b->interest;
    b->issued_at_ms = pd_json_int(o, "issued_at_ms");
    b->issued_by_name = pd_json_str(o, "issued_by_name");
    b->verification = pd_json_str(o, "verification");
    return b;
}

Paten__Payment *pd_payment_parse(struct pd_msg_buf *m, const char *text, int64_t now_ms)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    Paten__Payment *p;
    const char *method;

    if (o == NULL)
        return NULL;
    p = pd_msg_keep(m, g_new0(Paten__Payment, 1));
    paten__payment__init(p);
    method = pd_json_str(o, "method");
    p->id = pd_json_int(o, "id");
    p->assessment_id = pd_json_int(o, "assessment_id");
    p->assessment_number = pd_json_str(o, "assessment_number");
    p->assessment_kind = strcmp(pd_json_str(o, "assessment_kind"), "SKPD") == 0
                             ? PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD
                             : PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD;
    p->file_id = pd_json_int(o, "file_id");
    p->file_register_number = pd_json_str(o, "file_register_number");
    p->applicant_name = pd_json_str(o, "applicant_name");
    p->method = strcmp(method, "CASH") == 0       ? PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH
                : strcmp(method, "TRANSFER") == 0 ? PATEN__PAYMENT_METHOD__PAYMENT_METHOD_TRANSFER
                                                  : PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS;
    p->reference = pd_json_str(o, "reference");
    p->principal = pd_json_int(o, "principal");
    p->interest = pd_json_int(o, "interest");
    p->amount = pd_json_int(o, "amount");
    p->received_at_ms = pd_json_int(o, "received_at_ms");
    p->received_date = pd_json_str(o, "received_date");
    p->cashier_name = pd_json_str(o, "cashier_name");
    p->cashier_id = pd_json_int(o, "cashier_id");
    p->receipt_number = pd_json_str(o, "receipt_number");
    p->receipt_kind = (Paten__DocumentKind)pd_doc_kind_from_db(pd_json_str(o, "receipt_kind"));
    p->verification = pd_json_str(o, "verification");
    p->treasurer_office_id = pd_json_int(o, "treasurer_office_id");
    p->treasurer_office_name = pd_json_str(o, "treasurer_office_name");
    p->bill_number = pd_json_str(o, "bill_number");
    p->reversed = pd_json_bool(o, "reversed");
    p->reversal_reason = pd_json_str(o, "reversal_reason");
    p->reversed_by_name = pd_json_str(o, "reversed_by_name");
    p->reversed_at_ms = pd_json_int(o, "reversed_at_ms");
    p->deposit_id = pd_json_int(o, "deposit_id");
    p->deposit_number = pd_json_str(o, "deposit_number");
    p->deposit_deadline_ms = pd_json_int(o, "deposit_deadline_ms");
    p->deposit_overdue = p->method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH && !p->reversed &&
                         !pd_json_bool(o, "deposit_validated") && now_ms > p->deposit_deadline_ms;
    p->confirmation =
        (Paten__ConfirmationStatus)pd_confirmation_status_from_db(pd_json_str(o, "confirmation"));
    return p;
}

/* Fills o from one PAY_OWED_* row: what the assessment costs on the row's day. Returns 0, or -1
 * when the row cannot be read or the interest overflows. */
static int owed_from_row(Paten__Owed *o, struct pd_msg_buf *m, const PGresult *res, int row)
{
    Paten__InterestRegime *r;
    paten_day today;
    int months;
    int64_t interest;

    paten__owed__init(o);
    o->assessment = pd_assessment_parse(m, pd_db_str(res, row, OW_ASSESSMENT), false);
    r = pd_regime_parse(m, pd_db_str(res, row, OW_REGIME));
    o->as_of = (char *)pd_db_str(res, row, OW_TODAY);
    if (o->assessment == NULL || r == NULL || paten_day_parse(o->as_of, &today) < 0 ||
        pd_assess_interest(o->assessment, r, today, &months, &interest) < 0)
        return -1;
    o->principal = o->assessment->principal;
    o->months_late = months;
    o->interest = interest;
    o->total = o->principal + interest;
    o->bill = bill_parse(m, pd_db_str(res, row, OW_BILL));
    return 0;
}

/* ---- FindOwed ------------------------------------------------------------------------------- */

static void owed_found(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__FindOwedReply reply = PATEN__FIND_OWED_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "finding what is owed");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.owed = pd_msg_keep(&m, g_new0(Paten__Owed *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__Owed *o = pd_msg_keep(&m, g_new0(Paten__Owed, 1));
        if (owed_from_row(o, &m, r->res[0], i) == 0)
            reply.owed[reply.n_owed++] = o;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_find_owed(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__FindOwedRequest *m = (const Paten__FindOwedRequest *)msg;
    g_autofree char *q = g_strstrip(g_strdup(m->query));
    struct pd_db_batch *b;

    if (q[0] == '\0' || strlen(q) > 95) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Isi nomor ketetapan, nomor berkas atau NIK", "query", "1 to 95 bytes");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_PAY_OWED_FIND);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_text(b, q);
    pd_db_param_int(b, req->now_ms);
    pd_db_run(req->srv->db, b, owed_found, req);
}

/* ---- RecordPayment -------------------------------------------------------------------------- */

struct pay {
    int64_t assessment_id;
    int64_t principal, interest;
    int months;
    int64_t assessing_office;
    char today[11];
    char kind[5];         /* SSRD / SSPD */
    char bill_kind[5];    /* STRD / STPD */
    char bill_number[96]; /* an existing bill of today, or the one issued now */
    int64_t deadline_ms;  /* cash: when it must be deposited */
    int pay_at, assess_at;
};

static void pay_add_reads(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct pay *p = op->data;

    pd_db_batch_add(b, PD_STMT_PAY_OWED_ONE);
    pd_db_param_int(b, p->assessment_id);
    pd_db_param_int(b, op->req->session->region_id);
    pd_db_param_int(b, op->req->now_ms);
}

static int pay_check(struct pd_file_op *op)
{
    const Paten__RecordPaymentRequest *m = (const Paten__RecordPaymentRequest *)op->req->in.msg;
    const PGresult *res = op->reads->res[op->first_read];
    struct pay *p = op->data;
    struct pd_msg_buf mb;
    Paten__Owed o;
    char msg[200], detail[160], rp[48];
    int status;

    pd_msg_buf_init(&mb);
    if (PQntuples(res) != 1 || owed_from_row(&o, &mb, res, 0) < 0) {
        pd_msg_buf_clear(&mb);
        pd_file_op_refuse(op, PATEN_ERR_NOT_FOUND, "Ketetapan tidak ditemukan", "assessment_id",
                          "no such assessment");
        return -1;
    }
    status = o.assessment->status;
    p->principal = o.principal;
    p->interest = o.interest;
    p->months = o.months_late;
    p->assessing_office = o.assessment->office_id;
    snprintf(p->today, sizeof p->today, "%s", o.as_of);
    snprintf(p->bill_number, sizeof p->bill_number, "%s", o.bill ? o.bill->number : "");
    /* Cash is deposited within 24 hours, moved past closed days where the region says so. */
    p->deadline_ms = paten_cal_deposit_deadline(&op->cal, pd_file_op_tz(op), op->req->now_ms,
                                                pd_db_get_bool(res, 0, OW_SHIFTS));
    if (o.assessment->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD) {
        snprintf(p->kind, sizeof p->kind, "SSPD");
        snprintf(p->bill_kind, sizeof p->bill_kind, "STPD");
    } else {
        snprintf(p->kind, sizeof p->kind, "SSRD");
        snprintf(p->bill_kind, sizeof p->bill_kind, "STRD");
    }
    pd_msg_buf_clear(&mb);
    if (status == PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_PAID ||
        (op->state != STATE(AWAITING_PAYMENT) &&
         status != PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_CANCELLED)) {
        pd_file_op_refuse(op, PATEN_ERR_ALREADY_PAID, "Ketetapan ini sudah dibayar",
                          "assessment_id", "the assessment is paid already");
        return -1;
    }
    if (status != PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_ISSUED) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Ketetapan ini dibatalkan; bayar ketetapan penggantinya", "assessment_id",
                          "the assessment is cancelled");
        return -1;
    }
    if (m->amount != p->principal + p->interest) {
        int64_t diff = m->amount - (p->principal + p->interest);
        char due[48];
        pd_format_rupiah(diff < 0 ? -diff : diff, rp, sizeof rp);
        pd_format_rupiah(p->principal + p->interest, due, sizeof due);
        snprintf(msg, sizeof msg, "Jumlah harus %s: %s %s", due, diff < 0 ? "kurang" : "lebih", rp);
        snprintf(detail, sizeof detail, "amount %lld, due %lld (difference %lld)",
                 (long long)m->amount, (long long)(p->principal + p->interest), (long long)diff);
        pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, msg, "amount", detail);
        return -1;
    }
    op->doc_kind = p->kind[2] == 'R' ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SSRD
                                     : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SSPD;
    op->doc.amount = p->principal + p->interest;
    if (p->months > 0 && p->bill_number[0] == '\0') {
        /* Late and not billed today: the bill is issued with the payment. */
        op->doc2_kind = p->bill_kind[2] == 'R' ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STRD
                                               : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STPD;
        op->doc2_office_id = p->assessing_office;
        op->doc2.amount = p->principal + p->interest;
    }
    return 0;
}

static void pay_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct pay *p = op->data;
    char rp[48];

    pd_db_batch_add(b, PD_STMT_FILE_SET_STATE);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->version);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_text(b, "PAID");
    pd_format_rupiah(p->principal + p->interest, rp, sizeof rp);
    snprintf(op->note, sizeof op->note, "%s %s", op->doc.number, rp);
}

static void pay_after_doc(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__RecordPaymentRequest *m = (const Paten__RecordPaymentRequest *)op->req->in.msg;
    struct pd_request *req = op->req;
    struct pay *p = op->data;
    static const char *const methods[] = { "", "CASH", "TRANSFER", "QRIS" };

    if (op->doc2_kind) {
        snprintf(p->bill_number, sizeof p->bill_number, "%s", op->doc2.number);
        pd_db_batch_add(b, PD_STMT_BILL_INSERT);
        pd_db_param_int(b, p->assessment_id);
        pd_db_param_text(b, op->doc2.number);
        pd_db_param_text(b, p->bill_kind);
        pd_db_param_text(b, p->today);
        pd_db_param_int(b, p->months);
        pd_db_param_int(b, p->principal);
        pd_db_param_int(b, p->interest);
        pd_db_param_int(b, req->now_ms);
        pd_db_param_int(b, req->session->user_id);
    }
    pd_db_batch_add(b, PD_STMT_PAY_INSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, p->assessment_id);
    pd_db_param_text(b, p->bill_number[0] ? p->bill_number : NULL);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, pd_file_op_int(op, PD_FL_TREASURER_OFFICE_ID));
    pd_db_param_text(b, methods[m->method]);
    pd_db_param_text(b,
                     m->method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH ? NULL : m->reference);
    pd_db_param_int(b, p->principal);
    pd_db_param_int(b, p->interest);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, p->today);
    pd_db_param_text(b, op->doc.number);
    if (m->method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH)
        pd_db_param_int(b, p->deadline_ms);
    else
        pd_db_param_null(b);
    p->pay_at = pd_db_batch_count(b);
    pd_db_batch_add(b, PD_STMT_PAY_BY_RECEIPT);
    pd_db_param_text(b, op->doc.number);
    p->assess_at = pd_db_batch_count(b);
    pd_db_batch_add(b, PD_STMT_ASSESS_GET);
    pd_db_param_int(b, p->assessment_id);
    pd_db_param_text(b, "");
    pd_db_param_int(b, req->session->region_id);
}

static const ProtobufCMessage *pay_finish(struct pd_file_op *op, const struct pd_db_result *r,
                                          const Paten__FileReply *fr, struct pd_db_batch *events,
                                          struct pd_msg_buf *m)
{
    struct pay *p = op->data;
    Paten__PaymentReply *reply = pd_msg_keep(m, g_new0(Paten__PaymentReply, 1));
    const PGresult *pay = r->res[p->pay_at], *as = r->res[p->assess_at];
    Paten__Assessment *a;

    paten__payment_reply__init(reply);
    reply->payment =
        PQntuples(pay) == 1 ? pd_payment_parse(m, pd_db_str(pay, 0, 0), op->req->now_ms) : NULL;
    a = PQntuples(as) == 1 ? pd_assessment_parse(m, pd_db_str(as, 0, 0), false) : NULL;
    if (a)
        pd_assess_add_event(events, op->req, a, fr->file->office_id, "PAID");
    return &reply->base;
}

static const struct pd_file_op_spec pay_spec = {
    .action = "PAID",
    .verb = "dibayar",
    .from_states =
        ST(AWAITING_PAYMENT) | ST(PAID) | ST(SIGNED) | ST(HANDED_OVER) | ST(AWAITING_ASSESSMENT),
    .to_state = STATE(PAID),
    .any_version = true,
    .needs_calendar = true,
    .add_reads = pay_add_reads,
    .check = pay_check,
    .change = pay_change,
    .after_doc = pay_after_doc,
    .finish = pay_finish,
};

static void pay_target(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    const Paten__RecordPaymentRequest *m = (const Paten__RecordPaymentRequest *)req->in.msg;
    struct pd_msg_buf mb;
    Paten__Assessment *a = NULL;
    struct pay *p;
    int64_t file_id;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the assessment");
        return;
    }
    pd_msg_buf_init(&mb);
    if (PQntuples(r->res[0]) == 1)
        a = pd_assessment_parse(&mb, pd_db_str(r->res[0], 0, OW_ASSESSMENT), false);
    file_id = a && pd_db_get_int(r->res[0], 0, OW_FILE_OFFICE) == req->session->office_id
                  ? a->file_id
                  : 0;
    pd_msg_buf_clear(&mb);
    if (file_id == 0) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Ketetapan tidak ditemukan di kecamatan ini",
                        "assessment_id", "no such assessment of the caller's office");
        return;
    }
    p = pd_xcalloc(1, sizeof *p);
    p->assessment_id = m->assessment_id;
    pd_file_op_start(req, &pay_spec, m->idempotency_key, file_id, 0, p);
}

void pd_handle_record_payment(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__RecordPaymentRequest *m = (const Paten__RecordPaymentRequest *)msg;
    bool cash = m->method == PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH;
    struct pd_db_batch *b;

    if (!pd_idem_key_ok(req, m->idempotency_key))
        return;
    if (m->assessment_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "assessment_id",
                        "assessment_id is required");
        return;
    }
    if (m->method < PATEN__PAYMENT_METHOD__PAYMENT_METHOD_CASH ||
        m->method > PATEN__PAYMENT_METHOD__PAYMENT_METHOD_QRIS) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih cara bayar", "method",
                        "CASH, TRANSFER or QRIS");
        return;
    }
    if (cash ? m->reference[0] != '\0' : (m->reference[0] == '\0' || strlen(m->reference) > 80)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        cash ? "Pembayaran tunai tanpa referensi"
                             : "Nomor referensi transfer/QRIS wajib diisi",
                        "reference", "a reference (1-80 bytes) for TRANSFER and QRIS only");
        return;
    }
    if (m->amount <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Jumlah pembayaran wajib diisi", "amount",
                        "amount must be positive");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_PAY_OWED_ONE);
    pd_db_param_int(b, m->assessment_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_run(req->srv->db, b, pay_target, req);
}

/* ---- ReversePayment ------------------------------------------------------------------------- */

struct reverse {
    int64_t payment_id;
    int64_t cashier_id;
    bool reversed;
    char receipt[96];
    int read_at;
};

static void reverse_add_reads(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct reverse *x = op->data;

    pd_db_batch_add(b, PD_STMT_PAY_LOCK);
    pd_db_param_int(b, x->payment_id);
}

static int reverse_check(struct pd_file_op *op)
{
    const Paten__ReversePaymentRequest *m = (const Paten__ReversePaymentRequest *)op->req->in.msg;
    struct reverse *x = op->data;

    if (x->reversed) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION, "Pembayaran ini sudah dibatalkan",
                          "payment_id", "the payment is reversed already");
        return -1;
    }
    if (pd_db_get_int(op->reads->res[op->first_read], 0, 0) != 0) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Pembayaran sudah disetorkan (STS): tidak dapat dibatalkan", "payment_id",
                          "the payment is in a deposit");
        return -1;
    }
    if (x->cashier_id == op->req->session->user_id) {
        pd_file_op_refuse(op, PATEN_ERR_PERMISSION_DENIED,
                          "Pembatalan disetujui orang lain, bukan kasir yang menerima uangnya",
                          "payment_id", "the cashier who took the money cannot reverse it");
        return -1;
    }
    if (op->state != STATE(PAID)) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "SK sudah ditandatangani: pembayaran tidak dapat dibatalkan di sini",
                          "payment_id", "only while the file is PAID");
        return -1;
    }
    snprintf(op->note, sizeof op->note, "%s dibatalkan: %s", x->receipt, m->reason);
    return 0;
}

static void reverse_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__ReversePaymentRequest *m = (const Paten__ReversePaymentRequest *)op->req->in.msg;
    struct reverse *x = op->data;
    struct pd_request *req = op->req;

    pd_db_batch_add(b, PD_STMT_FILE_SET_STATE);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->version);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, "AWAITING_PAYMENT");
    pd_db_batch_add(b, PD_STMT_PAY_REVERSE);
    pd_db_param_int(b, x->payment_id);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_batch_add(b, PD_STMT_DOCUMENT_VOID);
    pd_db_param_text(b, x->receipt);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    x->read_at = pd_db_batch_count(b);
    pd_db_batch_add(b, PD_STMT_PAY_BY_RECEIPT);
    pd_db_param_text(b, x->receipt);
}

static const ProtobufCMessage *reverse_finish(struct pd_file_op *op, const struct pd_db_result *r,
                                              const Paten__FileReply *fr,
                                              struct pd_db_batch *events, struct pd_msg_buf *m)
{
    struct reverse *x = op->data;
    Paten__PaymentReply *reply = pd_msg_keep(m, g_new0(Paten__PaymentReply, 1));
    const PGresult *res = r->res[x->read_at];

    (void)fr;
    (void)events;
    paten__payment_reply__init(reply);
    reply->payment =
        PQntuples(res) == 1 ? pd_payment_parse(m, pd_db_str(res, 0, 0), op->req->now_ms) : NULL;
    return &reply->base;
}

static const struct pd_file_op_spec reverse_spec = {
    .action = "PAYMENT_REVERSED",
    .verb = "dibatalkan pembayarannya",
    .from_states = ST(PAID) | ST(SIGNED) | ST(HANDED_OVER) | ST(AWAITING_PAYMENT),
    .to_state = STATE(AWAITING_PAYMENT),
    .any_version = true,
    .add_reads = reverse_add_reads,
    .check = reverse_check,
    .change = reverse_change,
    .finish = reverse_finish,
};

static void reverse_target(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    const Paten__ReversePaymentRequest *m = (const Paten__ReversePaymentRequest *)req->in.msg;
    const PGresult *res;
    struct reverse *x;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the payment");
        return;
    }
    res = r->res[0];
    if (PQntuples(res) != 1) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Pembayaran tidak ditemukan", "payment_id",
                        "no such payment in the caller's region");
        return;
    }
    x = pd_xcalloc(1, sizeof *x);
    x->payment_id = m->payment_id;
    x->reversed = pd_db_get_bool(res, 0, 2);
    x->cashier_id = pd_db_get_int(res, 0, 3);
    snprintf(x->receipt, sizeof x->receipt, "%s", pd_db_str(res, 0, 4));
    pd_file_op_start(req, &reverse_spec, m->idempotency_key, pd_db_get_int(res, 0, 1), 0, x);
}

void pd_handle_reverse_payment(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ReversePaymentRequest *m = (const Paten__ReversePaymentRequest *)msg;
    struct pd_db_batch *b;

    if (!pd_idem_key_ok(req, m->idempotency_key))
        return;
    if (m->payment_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "payment_id",
                        "payment_id is required");
        return;
    }
    if (m->reason[0] == '\0' || strlen(m->reason) > 2000) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alasan pembatalan wajib diisi", "reason",
                        "reason must be 1 to 2000 bytes");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_PAY_GET);
    pd_db_param_int(b, m->payment_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, reverse_target, req);
}

/* ---- ListPayments --------------------------------------------------------------------------- */

static void payments_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListPaymentsReply reply = PATEN__LIST_PAYMENTS_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing payments");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.payments = pd_msg_keep(&m, g_new0(Paten__Payment *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__Payment *p = pd_payment_parse(&m, pd_db_str(r->res[0], i, 0), req->now_ms);
        if (p)
            reply.payments[reply.n_payments++] = p;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_list_payments(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListPaymentsRequest *m = (const Paten__ListPaymentsRequest *)msg;
    struct pd_db_batch *b;
    char day[11];
    paten_day d;

    if (m->day[0]) {
        if (paten_day_parse(m->day, &d) < 0) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", "day",
                            "day is YYYY-MM-DD");
            return;
        }
        snprintf(day, sizeof day, "%s", m->day);
    } else {
        paten_day_format(
            paten_day_of(req->now_ms, pd_offices_tz(req->srv->offices, req->session->office_id)),
            day);
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_PAY_LIST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, pd_session_region_wide(req->session) ? 0 : req->session->office_id);
    pd_db_param_text(b, day);
    pd_db_param_int(b, m->cashier_id);
    pd_db_run(req->srv->db, b, payments_listed, req);
}
