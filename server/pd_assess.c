/*
 * pd_assess.c: the assessing offices' side of a file with a fee (../shared/domain.md, "Money
 * rules"): the queue of files awaiting assessment, the calculation shown before issuing, the
 * SKRD / SKPD issued with its gapless number, due date and trace, its cancellation, the amount
 * due on a date with late interest, and the STRD / STPD that bills that interest.
 *
 * Issuing, cancelling and billing are changes of the file (pd_file_op in pd_files.c, with
 * by_assessor set): they hold the file's row lock, so one file never gets two live assessments
 * and a stale version is CONFLICT. The amount is recomputed under the lock from the tariff in
 * force and compared with the one the officer saw: a tariff changed in between is CONFLICT, never
 * a silently different SKRD. Assessments keep the tariff version and regime they were issued
 * under, so later versions never change them.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "paten_money.h"
#include "pd_alloc.h"
#include "pd_assess.h"
#include "pd_events.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"
#include "pd_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST(x)     PD_STATE_BIT(PATEN__FILE_STATE__FILE_STATE_##x)
#define STATE(x)  PATEN__FILE_STATE__FILE_STATE_##x
#define R(x)      PD_ROLE_BIT(PATEN__ROLE__ROLE_##x)
#define OFFICERS  (R(PETUGAS_SKRD) | R(PETUGAS_PAJAK))
#define KEC_ROLES (R(LOKET) | R(CAMAT) | R(SEKRETARIAT) | R(TIM_TEKNIS) | R(KASIR))

/* ASSESS_CONTEXT's columns. */
enum {
    CX_TARIFF,
    CX_REGIME,
    CX_SURVEY,
    CX_FIELDS,
    CX_LAST_ID,
    CX_LAST_CANCELLED,
    CX_STATE,
    CX_VERSION,
    CX_REGION,
    CX_ASSESSOR,
    CX_FEE,
    CX_TODAY,
    CX_TZ,
    CX_ASSESSOR_NAME,
};

static struct pd_calc_fix *fixes_of(Paten__AssessmentCorrection *const *c, size_t n)
{
    struct pd_calc_fix *f = pd_xcalloc(n + 1, sizeof *f);

    for (size_t i = 0; i < n; i++) {
        f[i].field = c[i]->field;
        f[i].value = c[i]->value;
        f[i].reason = c[i]->reason;
    }
    return f;
}

/* Corrections are bounded before anything is computed. */
static bool corrections_ok(struct pd_request *req, Paten__AssessmentCorrection *const *c, size_t n)
{
    if (n > PATEN_TARIFF_MAX_INPUTS) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Terlalu banyak koreksi", "corrections",
                        "at most %d corrections", PATEN_TARIFF_MAX_INPUTS);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (strlen(c[i]->field) > 63 || strlen(c[i]->value) > 40 || strlen(c[i]->reason) > 500 ||
            c[i]->field[0] == '\0' || c[i]->value[0] == '\0') {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Koreksi tidak lengkap", "corrections",
                            "correction %zu: field and value are required, reason at most 500 "
                            "bytes",
                            i + 1);
            return false;
        }
    return true;
}

/* The SKRD / SKPD kind a fee is assessed with, and the role that issues it. */
static int kind_of_fee(const char *fee)
{
    return strcmp(fee, "RETRIBUSI") == 0 ? PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD
           : strcmp(fee, "PAJAK") == 0   ? PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD
                                         : 0;
}

static bool holds_role_for(const struct pd_request *req, int kind)
{
    return kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD
               ? (req->roles & R(PETUGAS_SKRD)) != 0
               : (req->roles & R(PETUGAS_PAJAK)) != 0;
}

/* The due date: the day of issue plus the regime's days. */
static void due_date_of(const char *today, int64_t due_days, char out[11])
{
    paten_day d;

    if (paten_day_parse(today, &d) < 0)
        d = 0;
    paten_day_format(d + (paten_day)(due_days > 0 ? due_days : 30), out);
}

/* ---- AssessmentQueue ------------------------------------------------------------------------ */

static void queue_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__AssessmentQueueReply reply = PATEN__ASSESSMENT_QUEUE_REPLY__INIT;
    const PGresult *res;
    Paten__AssessmentQueueEntry *e, **p;
    Paten__FileSummary *s;
    int n, c = PD_SQL_FILE_SUMMARY_NCOLS;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the assessment queue");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    e = pd_xcalloc((size_t)n + 1, sizeof *e);
    p = pd_xcalloc((size_t)n + 1, sizeof *p);
    s = pd_xcalloc((size_t)n + 1, sizeof *s);
    for (int i = 0; i < n; i++) {
        paten__assessment_queue_entry__init(&e[i]);
        pd_file_summary_from_row(&s[i], res, i, 0, req->now_ms);
        e[i].file = &s[i];
        e[i].kecamatan_name = (char *)pd_db_str(res, i, c);
        e[i].fee = strcmp(pd_db_str(res, i, c + 1), "PAJAK") == 0
                       ? PATEN__FEE_KIND__FEE_KIND_PAJAK
                       : PATEN__FEE_KIND__FEE_KIND_RETRIBUSI;
        e[i].requested_at_ms = pd_db_get_int(res, i, c + 2);
        e[i].was_cancelled = pd_db_get_bool(res, i, c + 3);
        p[i] = &e[i];
    }
    reply.entries = p;
    reply.n_entries = (size_t)n;
    pd_request_reply(req, &reply.base);
    free(e);
    free(p);
    free(s);
}

void pd_handle_assessment_queue(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_ASSESS_QUEUE);
    pd_db_param_int(b, req->session->office_id);
    pd_db_run(req->srv->db, b, queue_read, req);
}

/* ---- PreviewAssessment ---------------------------------------------------------------------- */

/*
 * Checks that ctx (an ASSESS_CONTEXT row) is a file the caller's office assesses now, and
 * calculates it with fixes into c. Fills code/msg/field on failure and returns -1.
 */
static int context_calculate(const struct pd_request *req, const PGresult *ctx,
                             const struct pd_calc_fix *fixes, size_t n_fixes, struct pd_calc *c,
                             int *code, char *msg, size_t cap, const char **field)
{
    g_autoptr(JsonParser) tp = json_parser_new();
    g_autoptr(JsonParser) rp = json_parser_new();
    JsonObject *t;
    int kind;

    *field = NULL;
    if (PQntuples(ctx) != 1 || pd_db_get_int(ctx, 0, CX_REGION) != req->session->region_id) {
        *code = PATEN_ERR_NOT_FOUND;
        snprintf(msg, cap, "Berkas tidak ditemukan");
        *field = "file_id";
        return -1;
    }
    if (pd_db_get_int(ctx, 0, CX_ASSESSOR) != req->session->office_id) {
        *code = PATEN_ERR_PERMISSION_DENIED;
        snprintf(msg, cap, "Berkas ini tidak ditetapkan oleh kantor Anda");
        *field = "file_id";
        return -1;
    }
    kind = kind_of_fee(pd_db_str(ctx, 0, CX_FEE));
    if (!holds_role_for(req, kind)) {
        *code = PATEN_ERR_PERMISSION_DENIED;
        snprintf(msg, cap, "%s",
                 kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD
                     ? "Ketetapan pajak diterbitkan Petugas Pajak"
                     : "SKRD diterbitkan Petugas SKRD");
        return -1;
    }
    if (strcmp(pd_db_str(ctx, 0, CX_STATE), "AWAITING_ASSESSMENT") != 0) {
        *code = PATEN_ERR_FAILED_PRECONDITION;
        snprintf(msg, cap, "Berkas berstatus %s tidak menunggu penetapan",
                 pd_db_str(ctx, 0, CX_STATE));
        return -1;
    }
    if (pd_db_str(ctx, 0, CX_TARIFF)[0] == '\0' ||
        !json_parser_load_from_data(tp, pd_db_str(ctx, 0, CX_TARIFF), -1, NULL)) {
        *code = PATEN_ERR_FAILED_PRECONDITION;
        snprintf(msg, cap, "Tarif untuk layanan ini belum ditetapkan");
        return -1;
    }
    if (pd_db_str(ctx, 0, CX_REGIME)[0] == '\0' ||
        !json_parser_load_from_data(rp, pd_db_str(ctx, 0, CX_REGIME), -1, NULL)) {
        *code = PATEN_ERR_FAILED_PRECONDITION;
        snprintf(msg, cap, "Ketentuan jatuh tempo dan bunga daerah ini belum ditetapkan");
        return -1;
    }
    t = json_node_get_object(json_parser_get_root(tp));
    {
        g_autoptr(JsonGenerator) g = json_generator_new();
        g_autofree char *inputs = NULL;
        JsonNode *in = json_object_get_member(t, "inputs");
        json_generator_set_root(g, in);
        inputs = json_generator_to_data(g, NULL);
        *code =
            pd_assess_calculate(pd_json_str(t, "formula"), inputs, pd_json_str(t, "rounding_mode"),
                                pd_json_int(t, "rounding_unit"), pd_db_str(ctx, 0, CX_FIELDS),
                                pd_db_str(ctx, 0, CX_SURVEY), fixes, n_fixes, c, msg, cap);
    }
    if (*code != 0) {
        *field = *code == PATEN_ERR_INVALID_ARGUMENT ? "corrections" : NULL;
        return -1;
    }
    return 0;
}

/* Fills the parts of a that come from the context (tariff, regime, kind, due date). */
static void context_to_msg(const PGresult *ctx, Paten__Assessment *a, struct pd_msg_buf *m)
{
    Paten__Tariff *t = pd_tariff_parse(m, pd_db_str(ctx, 0, CX_TARIFF));
    Paten__InterestRegime *ir = pd_regime_parse(m, pd_db_str(ctx, 0, CX_REGIME));
    char due[11];

    a->kind = (Paten__AssessmentKind)kind_of_fee(pd_db_str(ctx, 0, CX_FEE));
    a->status = PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_UNSPECIFIED;
    a->file_version = pd_db_get_int(ctx, 0, CX_VERSION);
    a->issued_date = (char *)pd_db_str(ctx, 0, CX_TODAY);
    due_date_of(a->issued_date, ir ? ir->due_days : 30, due);
    a->due_date = pd_msg_keep(m, g_strdup(due));
    if (t) {
        a->tariff_code = t->code;
        a->tariff_version = t->version;
        a->tariff_name = t->name;
        a->legal_basis = t->legal_basis;
    }
    if (ir)
        a->interest_regime = pd_msg_keep(m, g_strdup_printf("%s (%s)", ir->name, ir->legal_basis));
}

static void preview_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    const Paten__PreviewAssessmentRequest *rq =
        (const Paten__PreviewAssessmentRequest *)req->in.msg;
    Paten__PreviewAssessmentReply reply = PATEN__PREVIEW_ASSESSMENT_REPLY__INIT;
    Paten__Assessment a = PATEN__ASSESSMENT__INIT;
    Paten__File file;
    struct pd_msg_buf m;
    struct pd_calc c;
    struct pd_calc_fix *fixes;
    char msg[300];
    const char *field;
    int code;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the file to assess");
        return;
    }
    fixes = fixes_of(rq->corrections, rq->n_corrections);
    if (context_calculate(req, r->res[1], fixes, rq->n_corrections, &c, &code, msg, sizeof msg,
                          &field) < 0) {
        free(fixes);
        pd_request_fail(req, code, msg, field, "%s", msg);
        return;
    }
    free(fixes);
    pd_msg_buf_init(&m);
    pd_file_from_row(&file, &m, r->res[0], 0, 0, req->now_ms);
    pd_assess_calc_to_msg(&c, &a, &m);
    context_to_msg(r->res[1], &a, &m);
    a.file_id = file.id;
    a.file_register_number = file.register_number;
    a.applicant_name = file.applicant->name;
    a.service_name = file.service_name;
    a.kecamatan_name = file.office_name;
    a.office_id = req->session->office_id;
    a.office_name = (char *)pd_db_str(r->res[1], 0, CX_ASSESSOR_NAME);
    reply.assessment = &a;
    reply.fields = file.fields;
    reply.n_fields = file.n_fields;
    reply.survey = file.survey;
    reply.tariff = pd_tariff_parse(&m, pd_db_str(r->res[1], 0, CX_TARIFF));
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_preview_assessment(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__PreviewAssessmentRequest *m = (const Paten__PreviewAssessmentRequest *)msg;
    struct pd_db_batch *b;

    if (m->file_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "file_id", "file_id is required");
        return;
    }
    if (!corrections_ok(req, m->corrections, m->n_corrections))
        return;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_FILE_GET);
    pd_db_param_int(b, m->file_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_batch_add(b, PD_STMT_ASSESS_CONTEXT);
    pd_db_param_int(b, m->file_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_run(req->srv->db, b, preview_read, req);
}

/* ---- IssueAssessment ------------------------------------------------------------------------ */

struct issue {
    struct pd_calc calc;
    int kind;
    int64_t tariff_id, regime_id, taxpayer_id;
    char today[11], due[11];
    char *trace; /* g_free */
    int read_at; /* the index of ASSESS_BY_NUMBER's result in the last round trip */
};

static void issue_add_reads(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__IssueAssessmentRequest *m = (const Paten__IssueAssessmentRequest *)op->req->in.msg;

    pd_db_batch_add(b, PD_STMT_ASSESS_CONTEXT);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_batch_add(b, PD_STMT_TAXPAYER_GET);
    pd_db_param_int(b, m->taxpayer_id);
    pd_db_param_int(b, op->req->session->region_id);
}

static int issue_check(struct pd_file_op *op)
{
    struct pd_request *req = op->req;
    const Paten__IssueAssessmentRequest *m = (const Paten__IssueAssessmentRequest *)req->in.msg;
    const PGresult *ctx = op->reads->res[op->first_read];
    const PGresult *tp = op->reads->res[op->first_read + 1];
    struct issue *is = op->data;
    struct pd_calc_fix *fixes = fixes_of(m->corrections, m->n_corrections);
    g_autoptr(JsonParser) p = json_parser_new();
    char msg[300], detail[200], rp[48];
    const char *field;
    int code;
    paten_day sd, today;

    int failed = context_calculate(req, ctx, fixes, m->n_corrections, &is->calc, &code, msg,
                                   sizeof msg, &field);
    free(fixes);
    if (failed < 0) {
        pd_file_op_refuse(op, code, msg, field, msg);
        return -1;
    }
    if (is->calc.res.amount != m->principal) {
        pd_format_rupiah(is->calc.res.amount, rp, sizeof rp);
        snprintf(detail, sizeof detail, "the calculation gives %lld, not %lld",
                 (long long)is->calc.res.amount, (long long)m->principal);
        snprintf(msg, sizeof msg, "Perhitungan berubah (kini %s); periksa lagi sebelum terbit", rp);
        pd_file_op_refuse(op, PATEN_ERR_CONFLICT, msg, "principal", detail);
        return -1;
    }
    is->kind = kind_of_fee(pd_db_str(ctx, 0, CX_FEE));
    snprintf(is->today, sizeof is->today, "%s", pd_db_str(ctx, 0, CX_TODAY));
    if (is->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD) {
        if (m->taxpayer_id <= 0 || PQntuples(tp) != 1) {
            pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT,
                              "Wajib pajak (NPWPD) harus dipilih atau didaftarkan dahulu",
                              "taxpayer_id", "an SKPD needs a registered taxpayer");
            return -1;
        }
        if (m->sptpd_number[0] == '\0' || strlen(m->sptpd_number) > 80) {
            pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, "Nomor SPTPD wajib diisi",
                              "sptpd_number", "the SPTPD's number: 1 to 80 bytes");
            return -1;
        }
        paten_day_parse(is->today, &today);
        if (paten_day_parse(m->sptpd_date, &sd) < 0 || sd > today) {
            pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT,
                              "Tanggal SPTPD tidak valid atau di masa depan", "sptpd_date",
                              "YYYY-MM-DD, not after today");
            return -1;
        }
        is->taxpayer_id = m->taxpayer_id;
    } else if (m->taxpayer_id != 0 || m->sptpd_number[0] || m->sptpd_date[0]) {
        pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, "SKRD tidak memakai NPWPD atau SPTPD",
                          "taxpayer_id", "taxpayer and SPTPD belong to an SKPD");
        return -1;
    }
    if (json_parser_load_from_data(p, pd_db_str(ctx, 0, CX_TARIFF), -1, NULL))
        is->tariff_id = pd_json_int(json_node_get_object(json_parser_get_root(p)), "id");
    if (json_parser_load_from_data(p, pd_db_str(ctx, 0, CX_REGIME), -1, NULL)) {
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        is->regime_id = pd_json_int(o, "id");
        due_date_of(is->today, pd_json_int(o, "due_days"), is->due);
    }
    is->trace = pd_assess_trace_json(&is->calc);
    op->doc_kind = is->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD
                       ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD
                       : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD;
    op->doc.amount = is->calc.res.amount;
    return 0;
}

static void issue_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct issue *is = op->data;
    char rp[48];

    pd_db_batch_add(b, PD_STMT_FILE_SET_STATE);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->version);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_text(b, "AWAITING_PAYMENT");
    pd_format_rupiah(is->calc.res.amount, rp, sizeof rp);
    snprintf(op->note, sizeof op->note, "%s %s, jatuh tempo %s", op->doc.number, rp, is->due);
}

static void issue_after_doc(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct issue *is = op->data;
    struct pd_request *req = op->req;
    const Paten__IssueAssessmentRequest *m = (const Paten__IssueAssessmentRequest *)req->in.msg;

    pd_db_batch_add(b, PD_STMT_ASSESS_INSERT);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, pd_file_op_int(op, PD_FL_TREASURER_OFFICE_ID));
    pd_db_param_text(b, is->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD ? "SKRD" : "SKPD");
    pd_db_param_text(b, op->doc.number);
    pd_db_param_int(b, is->tariff_id);
    pd_db_param_int(b, is->regime_id);
    pd_db_param_int(b, is->calc.res.amount);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, is->today);
    pd_db_param_text(b, is->due);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, is->trace);
    if (is->taxpayer_id) {
        pd_db_param_int(b, is->taxpayer_id);
        pd_db_param_text(b, m->sptpd_number);
        pd_db_param_text(b, m->sptpd_date);
    } else {
        pd_db_param_null(b);
        pd_db_param_null(b);
        pd_db_param_null(b);
    }
    is->read_at = pd_db_batch_count(b);
    pd_db_batch_add(b, PD_STMT_ASSESS_BY_NUMBER);
    pd_db_param_text(b, op->doc.number);
}

void pd_assess_add_event(struct pd_db_batch *b, const struct pd_request *req, Paten__Assessment *a,
                         int64_t kecamatan_id, const char *change)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__AssessmentChanged ac = PATEN__ASSESSMENT_CHANGED__INIT;
    Paten__AssessmentInput **inputs = a->inputs;
    Paten__AssessmentStep **steps = a->steps;
    size_t ni = a->n_inputs, ns = a->n_steps;

    a->inputs = NULL;
    a->n_inputs = 0;
    a->steps = NULL;
    a->n_steps = 0;
    ac.assessment = a;
    ac.change = (char *)change;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_ASSESSMENT_CHANGED;
    ev.assessment_changed = &ac;
    pd_event_add(b, req->now_ms, "ASSESSMENT_CHANGED", req->session->region_id, a->office_id,
                 OFFICERS, 0, &ev);
    pd_event_add(b, req->now_ms, "ASSESSMENT_CHANGED", req->session->region_id, kecamatan_id,
                 KEC_ROLES, 0, &ev);
    a->inputs = inputs;
    a->n_inputs = ni;
    a->steps = steps;
    a->n_steps = ns;
}

static const ProtobufCMessage *assessment_finish(struct pd_file_op *op, const PGresult *row,
                                                 const Paten__FileReply *fr,
                                                 struct pd_db_batch *events, struct pd_msg_buf *m,
                                                 const char *change)
{
    Paten__AssessmentReply *reply = pd_msg_keep(m, g_new0(Paten__AssessmentReply, 1));

    paten__assessment_reply__init(reply);
    reply->assessment =
        PQntuples(row) >= 1 ? pd_assessment_parse(m, pd_db_str(row, 0, 0), true) : NULL;
    if (reply->assessment) {
        reply->assessment->file_version = fr->file->version;
        pd_assess_add_event(events, op->req, reply->assessment, fr->file->office_id, change);
    }
    return &reply->base;
}

static const ProtobufCMessage *issue_finish(struct pd_file_op *op, const struct pd_db_result *r,
                                            const Paten__FileReply *fr, struct pd_db_batch *events,
                                            struct pd_msg_buf *m)
{
    struct issue *is = op->data;
    return assessment_finish(op, r->res[is->read_at], fr, events, m, "ISSUED");
}

static void issue_free(void *p)
{
    struct issue *is = p;
    g_free(is->trace);
}

static const struct pd_file_op_spec issue_spec = {
    .action = "ASSESSED",
    .verb = "ditetapkan",
    .from_states = ST(AWAITING_ASSESSMENT),
    .to_state = STATE(AWAITING_PAYMENT),
    .by_assessor = true,
    .add_reads = issue_add_reads,
    .check = issue_check,
    .change = issue_change,
    .after_doc = issue_after_doc,
    .finish = issue_finish,
    .free_data = issue_free,
};

void pd_handle_issue_assessment(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__IssueAssessmentRequest *m = (const Paten__IssueAssessmentRequest *)msg;
    struct issue *is;

    if (!corrections_ok(req, m->corrections, m->n_corrections))
        return;
    if (m->principal < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "principal",
                        "send the amount the preview showed");
        return;
    }
    is = pd_xcalloc(1, sizeof *is);
    pd_file_op_start(req, &issue_spec, m->idempotency_key, m->file_id, m->version, is);
}

/* ---- changes of an assessment's file ------------------------------------------------------- */

struct on_file {
    struct pd_request *req;
    const struct pd_file_op_spec *spec;
    const char *key; /* the request's, alive as long as it is */
    int64_t version;
    void *data;
};

static void assessment_file_read(const struct pd_db_result *r, void *arg)
{
    struct on_file *of = arg;
    struct pd_request *req = of->req;

    if (r->status < 0 || PQntuples(r->res[0]) != 1) {
        free(of->data);
        if (r->status < 0)
            pd_request_fail_db(req, r, "reading the assessment");
        else
            pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Ketetapan tidak ditemukan", "assessment_id",
                            "no such assessment in the caller's region");
        free(of);
        return;
    }
    pd_file_op_start(req, of->spec, of->key, pd_db_get_int(r->res[0], 0, 0), of->version, of->data);
    free(of);
}

/*
 * Starts spec on the file of assessment assessment_id (of the caller's region): the change then
 * locks the file and checks the assessment again under the lock. data is the change's state,
 * freed whatever happens; a missing assessment is NOT_FOUND.
 */
static void start_on_assessment_file(struct pd_request *req, int64_t assessment_id,
                                     const struct pd_file_op_spec *spec, const char *key,
                                     int64_t version, void *data)
{
    struct on_file *of = pd_xcalloc(1, sizeof *of);
    struct pd_db_batch *b = pd_db_batch_new();

    of->req = req;
    of->spec = spec;
    of->key = key;
    of->version = version;
    of->data = data;
    pd_db_batch_add(b, PD_STMT_ASSESS_FILE);
    pd_db_param_int(b, assessment_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, assessment_file_read, of);
}

/* ---- CancelAssessment ----------------------------------------------------------------------- */

struct cancel {
    int64_t assessment_id;
    char number[96];
    int read_at;
};

static void cancel_add_reads(struct pd_file_op *op, struct pd_db_batch *b)
{
    pd_db_batch_add(b, PD_STMT_ASSESS_LATEST_OF_FILE);
    pd_db_param_int(b, op->file_id);
}

static int cancel_check(struct pd_file_op *op)
{
    const Paten__CancelAssessmentRequest *m =
        (const Paten__CancelAssessmentRequest *)op->req->in.msg;
    const PGresult *last = op->reads->res[op->first_read];
    struct cancel *c = op->data;

    /* Only the file's latest assessment can be live; an older one is cancelled already. */
    if (PQntuples(last) != 1 || pd_db_get_int(last, 0, 2) != c->assessment_id ||
        strcmp(pd_db_str(last, 0, 1), "CANCELLED") == 0) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION, "Ketetapan ini sudah dibatalkan",
                          "assessment_id", "the assessment is cancelled already");
        return -1;
    }
    if (op->state != STATE(AWAITING_PAYMENT)) {
        pd_file_op_refuse(op, PATEN_ERR_ALREADY_PAID,
                          "Ketetapan yang sudah dibayar tidak dapat dibatalkan", "assessment_id",
                          "a paid assessment cannot be cancelled");
        return -1;
    }
    if (!holds_role_for(op->req, kind_of_fee(pd_file_op_col(op, PD_FL_FEE)))) {
        pd_file_op_refuse(op, PATEN_ERR_PERMISSION_DENIED, "Anda tidak menerbitkan ketetapan ini",
                          NULL, "the other agency's officer");
        return -1;
    }
    snprintf(c->number, sizeof c->number, "%s", pd_db_str(last, 0, 3));
    snprintf(op->note, sizeof op->note, "%s dibatalkan: %s", c->number, m->reason);
    return 0;
}

static void cancel_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__CancelAssessmentRequest *m =
        (const Paten__CancelAssessmentRequest *)op->req->in.msg;
    struct cancel *c = op->data;

    pd_db_batch_add(b, PD_STMT_FILE_SET_STATE);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->version);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_text(b, "AWAITING_ASSESSMENT");
    pd_db_batch_add(b, PD_STMT_ASSESS_CANCEL);
    pd_db_param_int(b, c->assessment_id);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_int(b, op->req->session->user_id);
    pd_db_batch_add(b, PD_STMT_DOCUMENT_VOID);
    pd_db_param_text(b, c->number);
    pd_db_param_text(b, m->reason);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_int(b, op->req->session->user_id);
    c->read_at = pd_db_batch_count(b);
    pd_db_batch_add(b, PD_STMT_ASSESS_BY_NUMBER);
    pd_db_param_text(b, c->number);
}

static const ProtobufCMessage *cancel_finish(struct pd_file_op *op, const struct pd_db_result *r,
                                             const Paten__FileReply *fr, struct pd_db_batch *events,
                                             struct pd_msg_buf *m)
{
    struct cancel *c = op->data;
    return assessment_finish(op, r->res[c->read_at], fr, events, m, "CANCELLED");
}

static const struct pd_file_op_spec cancel_spec = {
    .action = "ASSESSMENT_CANCELLED",
    .verb = "dibatalkan ketetapannya",
    .from_states = ST(AWAITING_PAYMENT) | ST(PAID) | ST(SIGNED) | ST(HANDED_OVER),
    .to_state = STATE(AWAITING_ASSESSMENT),
    .by_assessor = true,
    .add_reads = cancel_add_reads,
    .check = cancel_check,
    .change = cancel_change,
    .finish = cancel_finish,
};

void pd_handle_cancel_assessment(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__CancelAssessmentRequest *m = (const Paten__CancelAssessmentRequest *)msg;
    struct cancel *c;

    if (!pd_idem_key_ok(req, m->idempotency_key))
        return;
    if (m->assessment_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "assessment_id",
                        "assessment_id is required");
        return;
    }
    if (m->reason[0] == '\0' || strlen(m->reason) > 2000) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alasan pembatalan wajib diisi", "reason",
                        "reason must be 1 to 2000 bytes");
        return;
    }
    c = pd_xcalloc(1, sizeof *c);
    c->assessment_id = m->assessment_id;
    start_on_assessment_file(req, m->assessment_id, &cancel_spec, m->idempotency_key,
                             m->file_version, c);
}

/* ---- GetAssessment, AmountDue --------------------------------------------------------------- */

/* Whether the caller may see an assessment: its office's officers, the file's kecamatan, and the
 * region-wide readers. */
static bool may_see(const struct pd_request *req, const Paten__Assessment *a, int64_t kecamatan_id)
{
    return pd_session_region_wide(req->session) || req->session->office_id == a->office_id ||
           req->session->office_id == kecamatan_id;
}

struct due {
    struct pd_request *req;
    struct pd_msg_buf m;
    Paten__Assessment *a;
    Paten__InterestRegime *regime;
    char as_of[11];
    const char *field; /* the request's field that named it */
};

static void due_free(struct due *d)
{
    pd_msg_buf_clear(&d->m);
    free(d);
}

/* A Bill from a BILL_FIND row of assessment a (strings point into res and a). */
static void bill_from_row(Paten__Bill *bill, const PGresult *res, int row,
                          const Paten__Assessment *a)
{
    paten__bill__init(bill);
    bill->id = pd_db_get_int(res, row, 0);
    bill->kind = (Paten__DocumentKind)pd_doc_kind_from_db(pd_db_str(res, row, 1));
    bill->number = (char *)pd_db_str(res, row, 2);
    bill->assessment_id = a->id;
    bill->assessment_number = a->number;
    bill->as_of = (char *)pd_db_str(res, row, 3);
    bill->months = (int32_t)pd_db_get_int(res, row, 4);
    bill->principal = pd_db_get_int(res, row, 5);
    bill->interest = pd_db_get_int(res, row, 6);
    bill->total = bill->principal + bill->interest;
    bill->issued_at_ms = pd_db_get_int(res, row, 7);
    bill->issued_by_name = (char *)pd_db_str(res, row, 8);
    bill->verification = (char *)pd_db_str(res, row, 9);
}

static void bill_found(const struct pd_db_result *r, void *arg)
{
    struct due *d = arg;
    struct pd_request *req = d->req;
    Paten__AmountDueReply reply = PATEN__AMOUNT_DUE_REPLY__INIT;
    Paten__Bill bill = PATEN__BILL__INIT;
    paten_day asof;
    int months;
    int64_t interest = 0;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the bill");
        due_free(d);
        return;
    }
    paten_day_parse(d->as_of, &asof);
    if (pd_assess_interest(d->a, d->regime, asof, &months, &interest) < 0) {
        pd_request_fail(req, PATEN_ERR_INTERNAL, NULL, NULL, "interest overflows");
        due_free(d);
        return;
    }
    d->a->n_inputs = 0;
    d->a->n_steps = 0;
    reply.assessment = d->a;
    reply.as_of = d->as_of;
    reply.principal = d->a->principal;
    reply.months_late = months;
    reply.interest = interest;
    reply.total = d->a->principal + interest;
    reply.regime = d->regime;
    if (PQntuples(r->res[0]) == 1 && pd_db_get_int(r->res[0], 0, 6) == interest) {
        bill_from_row(&bill, r->res[0], 0, d->a);
        reply.bill = &bill;
    }
    pd_request_reply(req, &reply.base);
    due_free(d);
}

/* Reads the assessment row (ASSESS_GET) into d; fails the request and returns false when it is
 * missing or not the caller's to see. */
static bool due_load(struct due *d, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        pd_request_fail(d->req, PATEN_ERR_NOT_FOUND, "Ketetapan tidak ditemukan", d->field,
                        "no such assessment in the caller's region");
        return false;
    }
    d->a = pd_assessment_parse(&d->m, pd_db_str(res, 0, 0), true);
    d->regime = pd_regime_parse(&d->m, pd_db_str(res, 0, 1));
    if (d->a == NULL || d->regime == NULL || !may_see(d->req, d->a, pd_db_get_int(res, 0, 2))) {
        pd_request_fail(d->req, PATEN_ERR_NOT_FOUND, "Ketetapan tidak ditemukan", d->field,
                        "no such assessment the caller may see");
        return false;
    }
    return true;
}

static void get_read(const struct pd_db_result *r, void *arg)
{
    struct due *d = arg;
    Paten__AssessmentReply reply = PATEN__ASSESSMENT_REPLY__INIT;

    if (r->status < 0) {
        pd_request_fail_db(d->req, r, "reading the assessment");
        due_free(d);
        return;
    }
    if (due_load(d, r->res[0])) {
        reply.assessment = d->a;
        pd_request_reply(d->req, &reply.base);
    }
    due_free(d);
}

static void due_read(const struct pd_db_result *r, void *arg)
{
    struct due *d = arg;
    const Paten__AmountDueRequest *m = (const Paten__AmountDueRequest *)d->req->in.msg;
    struct pd_db_batch *b;

    if (r->status < 0) {
        pd_request_fail_db(d->req, r, "reading the assessment");
        due_free(d);
        return;
    }
    if (!due_load(d, r->res[0])) {
        due_free(d);
        return;
    }
    if (m->as_of[0])
        snprintf(d->as_of, sizeof d->as_of, "%s", m->as_of);
    else {
        int tz = paten_tz_offset_minutes(pd_db_str(r->res[0], 0, 5));
        paten_day_format(paten_day_of(d->req->now_ms, tz < 0 ? 7 * 60 : tz), d->as_of);
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_BILL_FIND);
    pd_db_param_int(b, d->a->id);
    pd_db_param_text(b, d->as_of);
    pd_db_run(d->req->srv->db, b, bill_found, d);
}

/* Starts reading assessment (id or number) for req; then cb. */
static void assessment_read(struct pd_request *req, int64_t id, const char *number, pd_db_cb cb)
{
    struct due *d = pd_xcalloc(1, sizeof *d);
    struct pd_db_batch *b = pd_db_batch_new();

    d->req = req;
    d->field = id > 0 ? "assessment_id" : "number";
    pd_msg_buf_init(&d->m);
    pd_db_batch_add(b, PD_STMT_ASSESS_GET);
    pd_db_param_int(b, id);
    pd_db_param_text(b, number);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, cb, d);
}

static bool id_or_number_ok(struct pd_request *req, int64_t id, const char *number)
{
    if ((id <= 0) == (number[0] == '\0') || strlen(number) > 95) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Sebutkan nomor ketetapan",
                        "assessment_id", "exactly one of assessment_id and number");
        return false;
    }
    return true;
}

void pd_handle_get_assessment(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__GetAssessmentRequest *m = (const Paten__GetAssessmentRequest *)msg;

    if (id_or_number_ok(req, m->assessment_id, m->number))
        assessment_read(req, m->assessment_id, m->number, get_read);
}

void pd_handle_amount_due(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__AmountDueRequest *m = (const Paten__AmountDueRequest *)msg;
    paten_day d;

    if (!id_or_number_ok(req, m->assessment_id, m->number))
        return;
    if (m->as_of[0] && paten_day_parse(m->as_of, &d) < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", "as_of",
                        "as_of is YYYY-MM-DD");
        return;
    }
    assessment_read(req, m->assessment_id, m->number, due_read);
}

/* ---- SearchAssessments ---------------------------------------------------------------------- */

static void search_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__SearchAssessmentsReply reply = PATEN__SEARCH_ASSESSMENTS_REPLY__INIT;
    struct pd_msg_buf m;
    const PGresult *res;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "searching assessments");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    pd_msg_buf_init(&m);
    reply.assessments = pd_msg_keep(&m, g_new0(Paten__Assessment *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__Assessment *a = pd_assessment_parse(&m, pd_db_str(res, i, 0), false);
        if (a)
            reply.assessments[reply.n_assessments++] = a;
    }
    reply.total = n ? (uint32_t)pd_db_get_int(res, 0, 1) : 0;
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_search_assessments(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SearchAssessmentsRequest *m = (const Paten__SearchAssessmentsRequest *)msg;
    static const char *const statuses[] = { "", "ISSUED", "CANCELLED", "PAID" };
    struct pd_db_batch *b;

    if (strlen(m->query) > 100 || m->limit > 200 || m->offset > 1000000 ||
        (m->year != 0 && (m->year < 2000 || m->year > 2100)) || (unsigned)m->status > 3) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL,
                        strlen(m->query) > 100    ? "query"
                        : m->limit > 200          ? "limit"
                        : m->offset > 1000000     ? "offset"
                        : (unsigned)m->status > 3 ? "status"
                                                  : "year",
                        "query at most 100 bytes, limit 0-200, year 2000-2100");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_ASSESS_SEARCH);
    pd_db_param_int(b, pd_session_region_wide(req->session) ? 0 : req->session->office_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, m->query);
    pd_db_param_int(b, m->year);
    pd_db_param_text(b, statuses[m->status]);
    pd_db_param_int(b, m->offset);
    pd_db_param_int(b, m->limit ? m->limit : 50);
    pd_db_run(req->srv->db, b, search_read, req);
}

/* ---- IssueBill ------------------------------------------------------------------------------ */

struct bill {
    int64_t assessment_id;
    char number[96]; /* the assessment's */
    char as_of[11];
    int months;
    int64_t principal, interest;
    char kind[5];
    int read_at;
};

static void bill_add_reads(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct bill *bl = op->data;

    pd_db_batch_add(b, PD_STMT_ASSESS_GET);
    pd_db_param_int(b, bl->assessment_id);
    pd_db_param_text(b, "");
    pd_db_param_int(b, op->req->session->region_id);
    pd_db_batch_add(b, PD_STMT_BILL_LATEST);
    pd_db_param_int(b, bl->assessment_id);
}

static int bill_check(struct pd_file_op *op)
{
    const PGresult *res = op->reads->res[op->first_read];
    const PGresult *last = op->reads->res[op->first_read + 1];
    struct bill *bl = op->data;
    struct pd_msg_buf m;
    Paten__Assessment *a;
    Paten__InterestRegime *r;
    paten_day today;
    int failed = 0;

    if (PQntuples(res) != 1) {
        pd_file_op_refuse(op, PATEN_ERR_NOT_FOUND, "Ketetapan tidak ditemukan", "assessment_id",
                          "no such assessment");
        return -1;
    }
    pd_msg_buf_init(&m);
    a = pd_assessment_parse(&m, pd_db_str(res, 0, 0), false);
    r = pd_regime_parse(&m, pd_db_str(res, 0, 1));
    if (a == NULL || r == NULL || a->status != PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_ISSUED) {
        pd_msg_buf_clear(&m);
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Hanya ketetapan yang belum dibayar yang dapat ditagih", "assessment_id",
                          "the assessment is cancelled or paid");
        return -1;
    }
    today = paten_day_of(op->req->now_ms, pd_file_op_tz(op));
    paten_day_format(today, bl->as_of);
    bl->principal = a->principal;
    snprintf(bl->kind, sizeof bl->kind, "%s",
             a->kind == PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD ? "STRD" : "STPD");
    if (pd_assess_interest(a, r, today, &bl->months, &bl->interest) < 0 || bl->months <= 0)
        failed = 1;
    snprintf(bl->number, sizeof bl->number, "%s", a->number);
    pd_msg_buf_clear(&m);
    if (!failed && PQntuples(last) == 1 && strcmp(pd_db_str(last, 0, 0), bl->as_of) == 0 &&
        pd_db_get_int(last, 0, 2) == bl->interest) {
        char msg[200];
        snprintf(msg, sizeof msg, "Tagihan hari ini sudah terbit: %s", pd_db_str(last, 0, 1));
        pd_file_op_refuse(op, PATEN_ERR_ALREADY_EXISTS, msg, "assessment_id",
                          "the bill of today is issued already");
        return -1;
    }
    if (failed) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Ketetapan belum lewat jatuh tempo: tidak ada bunga untuk ditagih",
                          "assessment_id", "not late");
        return -1;
    }
    op->doc_kind = strcmp(bl->kind, "STRD") == 0 ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STRD
                                                 : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STPD;
    op->doc.amount = bl->principal + bl->interest;
    return 0;
}

static void bill_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct bill *bl = op->data;
    char rp[48];

    pd_db_batch_add(b, PD_STMT_FILE_TOUCH);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->version);
    pd_db_param_int(b, op->req->now_ms);
    pd_format_rupiah(bl->interest, rp, sizeof rp);
    snprintf(op->note, sizeof op->note, "%s: bunga %d bulan %s", op->doc.number, bl->months, rp);
}

static void bill_after_doc(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct bill *bl = op->data;

    pd_db_batch_add(b, PD_STMT_BILL_INSERT);
    pd_db_param_int(b, bl->assessment_id);
    pd_db_param_text(b, op->doc.number);
    pd_db_param_text(b, bl->kind);
    pd_db_param_text(b, bl->as_of);
    pd_db_param_int(b, bl->months);
    pd_db_param_int(b, bl->principal);
    pd_db_param_int(b, bl->interest);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_int(b, op->req->session->user_id);
    bl->read_at = pd_db_batch_count(b);
    pd_db_batch_add(b, PD_STMT_BILL_FIND);
    pd_db_param_int(b, bl->assessment_id);
    pd_db_param_text(b, bl->as_of);
}

static const ProtobufCMessage *bill_finish(struct pd_file_op *op, const struct pd_db_result *r,
                                           const Paten__FileReply *fr, struct pd_db_batch *events,
                                           struct pd_msg_buf *m)
{
    struct bill *bl = op->data;
    Paten__BillReply *reply = pd_msg_keep(m, g_new0(Paten__BillReply, 1));
    Paten__Bill *b = pd_msg_keep(m, g_new0(Paten__Bill, 1));
    Paten__Assessment a = PATEN__ASSESSMENT__INIT;

    (void)fr;
    (void)events;
    paten__bill_reply__init(reply);
    a.id = bl->assessment_id;
    a.number = pd_msg_keep(m, g_strdup(bl->number));
    bill_from_row(b, r->res[bl->read_at], 0, &a);
    reply->bill = b;
    return &reply->base;
}

static const struct pd_file_op_spec bill_spec = {
    .action = "BILLED",
    .verb = "ditagih",
    .from_states = ST(AWAITING_PAYMENT),
    .by_assessor = true,
    .any_version = true,
    .add_reads = bill_add_reads,
    .check = bill_check,
    .change = bill_change,
    .after_doc = bill_after_doc,
    .finish = bill_finish,
};

void pd_handle_issue_bill(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__IssueBillRequest *m = (const Paten__IssueBillRequest *)msg;
    struct bill *bl;

    if (!pd_idem_key_ok(req, m->idempotency_key))
        return;
    if (m->assessment_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "assessment_id",
                        "assessment_id is required");
        return;
    }
    bl = pd_xcalloc(1, sizeof *bl);
    bl->assessment_id = m->assessment_id;
    start_on_assessment_file(req, m->assessment_id, &bill_spec, m->idempotency_key, 0, bl);
}
