/*
 * pd_intake.c: the counter: finding an applicant again by a number, and taking a submission in.
 *
 * TakeIn checks, in this order, what the LOKET typed (identity numbers, the form's values against
 * the service's fields), what the kecamatan may grant (the service's criteria: a refusal names
 * the criterion's reason), and the requirements handed in (those whose `when` applies). With all
 * of them, a file starts: it gets the receipt's register number, its deadline, and a history
 * row, in four round trips (claim and read; applicant, number and key; the rows; commit). With
 * some missing, no file starts: a numbered return slip lists them, and the submission is
 * counted in intake_returns for the service's statistics.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "paten_ids.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_catalog.h"
#include "pd_criteria.h"
#include "pd_files.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_server.h"

#include <ctype.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 100
#define MAX_CODES  100

/* Keeps the digits of s (dropping the dots, dashes and spaces people write numbers with) into
 * out; false when anything else is in it or it does not fit. */
static bool digits_only(const char *s, char *out, size_t cap)
{
    size_t n = 0;

    for (; *s; s++) {
        if (*s == '.' || *s == '-' || *s == ' ')
            continue;
        if (!isdigit((unsigned char)*s) || n + 1 >= cap)
            return false;
        out[n++] = *s;
    }
    out[n] = '\0';
    return n > 0;
}

/* ---- FindApplicant -------------------------------------------------------------------------- */

static void applicant_found(const struct pd_db_result *r, void *arg);

static void applicant_looked_up(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    struct pd_db_batch *b;
    const struct pd_office_entry *o;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "finding an applicant");
        return;
    }
    if (PQntuples(r->res[0]) != 1) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Pemohon belum pernah terdaftar", "number",
                        "no applicant with that number in the region");
        return;
    }
    /* Their files: the kecamatan's own, or the region's for region-wide roles. */
    o = pd_offices_get(req->srv->offices, req->session->office_id);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_APPLICANT_FIND);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, pd_db_str(r->res[0], 0, 2)[0] ? pd_db_str(r->res[0], 0, 2) : NULL);
    pd_db_param_text(b, pd_db_str(r->res[0], 0, 3)[0] ? pd_db_str(r->res[0], 0, 3) : NULL);
    pd_db_param_text(b, pd_db_str(r->res[0], 0, 4)[0] ? pd_db_str(r->res[0], 0, 4) : NULL);
    pd_db_batch_add(b, PD_STMT_APPLICANT_FILES);
    pd_db_param_int(b, pd_db_get_int(r->res[0], 0, 0));
    pd_db_param_int(b, pd_session_region_wide(req->session) || o == NULL ? 0
                                                                         : req->session->office_id);
    pd_db_run(req->srv->db, b, applicant_found, req);
}

static void applicant_found(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ApplicantReply reply = PATEN__APPLICANT_REPLY__INIT;
    Paten__Applicant a;
    int n;
    Paten__FileSummary *s, **p;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "finding an applicant's files");
        return;
    }
    if (PQntuples(r->res[0]) != 1) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Pemohon belum pernah terdaftar", "number",
                        "no applicant with that number in the region");
        return;
    }
    pd_applicant_from_row(&a, r->res[0], 0, 0);
    n = PQntuples(r->res[1]);
    s = pd_xcalloc((size_t)n + 1, sizeof *s);
    p = pd_xcalloc((size_t)n + 1, sizeof *p);
    for (int i = 0; i < n; i++) {
        pd_file_summary_from_row(&s[i], r->res[1], i, 0, req->now_ms);
        p[i] = &s[i];
    }
    reply.applicant = &a;
    reply.files = p;
    reply.n_files = (size_t)n;
    pd_request_reply(req, &reply.base);
    free(p);
    free(s);
}

void pd_handle_find_applicant(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__FindApplicantRequest *m = (const Paten__FindApplicantRequest *)msg;
    char number[24];
    struct pd_db_batch *b;
    size_t n;

    if (!digits_only(m->number, number, sizeof number) ||
        ((n = strlen(number)) != 13 && n != 15 && n != 16)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Masukkan NIK, NIB atau NPWP", "number",
                        "a NIK (16 digits), NIB (13) or NPWP (15 or 16)");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_APPLICANT_FIND);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, number);
    pd_db_param_text(b, number);
    pd_db_param_text(b, number);
    pd_db_run(req->srv->db, b, applicant_looked_up, req);
}

/* ---- TakeIn: checking what was typed ----------------------------------------------------------
 */

/* The applicant's numbers, normalised. */
struct numbers {
    char nik[17];
    char nib[14];
    char npwp[17];
    char responsible_nik[17];
};

static bool fail_id(struct pd_request *req, const char *field, const char *what,
                    enum paten_id_error e)
{
    g_autofree char *msg = g_strdup_printf("%s tidak valid", what);
    pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, msg, field, "%s", paten_id_error_text(e));
    return false;
}

static bool check_applicant(struct pd_request *req, const Paten__Applicant *a, struct numbers *n)
{
    enum paten_id_error e;

    memset(n, 0, sizeof *n);
    if (a == NULL) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Data pemohon wajib diisi", "applicant",
                        "applicant is missing");
        return false;
    }
    if (a->name[0] == '\0' || strlen(a->name) > 200) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama pemohon wajib diisi",
                        "applicant.name", "name must be 1 to 200 bytes");
        return false;
    }
    if (strlen(a->address) > 500 || strlen(a->phone) > 30 || strlen(a->responsible_name) > 200) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Alamat atau telepon terlalu panjang",
                        strlen(a->address) > 500 ? "applicant.address"
                        : strlen(a->phone) > 30  ? "applicant.phone"
                                                 : "applicant.responsible_name",
                        "address <= 500, phone <= 30, responsible_name <= 200 bytes");
        return false;
    }
    switch (a->kind) {
    case PATEN__APPLICANT_KIND__APPLICANT_KIND_PERSON:
        if ((e = paten_nik_check(a->nik, NULL)) != PATEN_ID_OK)
            return fail_id(req, "applicant.nik", "NIK", e);
        snprintf(n->nik, sizeof n->nik, "%s", a->nik);
        if (a->nib[0] || a->npwp[0] || a->responsible_nik[0]) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pemohon perorangan hanya memakai NIK",
                            "applicant.kind", "a person has a NIK only");
            return false;
        }
        return true;
    case PATEN__APPLICANT_KIND__APPLICANT_KIND_ORGANIZATION:
        if (a->nib[0] == '\0' && a->npwp[0] == '\0') {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                            "NIB atau NPWP badan usaha wajib "
                            "diisi",
                            "applicant.nib", "an organisation has a NIB or an NPWP");
            return false;
        }
        if (a->nib[0] && (e = paten_nib_check(a->nib)) != PATEN_ID_OK)
            return fail_id(req, "applicant.nib", "NIB", e);
        snprintf(n->nib, sizeof n->nib, "%s", a->nib);
        if (a->npwp[0] && (e = paten_npwp_normalize(a->npwp, n->npwp)) != PATEN_ID_OK)
            return fail_id(req, "applicant.npwp", "NPWP", e);
        if ((e = paten_nik_check(a->responsible_nik, NULL)) != PATEN_ID_OK)
            return fail_id(req, "applicant.responsible_nik", "NIK penanggung jawab", e);
        snprintf(n->responsible_nik, sizeof n->responsible_nik, "%s", a->responsible_nik);
        if (a->nik[0]) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                            "Badan usaha memakai NIB/NPWP; NIK untuk penanggung jawab",
                            "applicant.nik", "an organisation has no NIK of its own");
            return false;
        }
        return true;
    default:
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih jenis pemohon", "applicant.kind",
                        "kind must be PERSON or ORGANIZATION");
        return false;
    }
}

static bool check_request(struct pd_request *req, const Paten__TakeInRequest *m, struct numbers *n)
{
    enum paten_id_error e;

    if (m->service_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih layanan", "service_id",
                        "service_id is required");
        return false;
    }
    if (!check_applicant(req, m->applicant, n))
        return false;
    if (m->representative) {
        if (m->representative->name[0] == '\0' || strlen(m->representative->name) > 200) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama kuasa wajib diisi",
                            "representative.name", "name must be 1 to 200 bytes");
            return false;
        }
        if ((e = paten_nik_check(m->representative->nik, NULL)) != PATEN_ID_OK)
            return fail_id(req, "representative.nik", "NIK penerima kuasa", e);
        if (strlen(m->representative->phone) > 30) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "representative.phone",
                            "phone <= 30 bytes");
            return false;
        }
    }
    if (m->n_fields > MAX_VALUES || m->n_requirements > MAX_CODES) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL,
                        m->n_fields > MAX_VALUES ? "fields" : "requirements",
                        "at most %d values and %d requirements", MAX_VALUES, MAX_CODES);
        return false;
    }
    for (size_t i = 0; i < m->n_fields; i++) {
        if (strlen(m->fields[i]->value) > 1000) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isian terlalu panjang", "fields",
                            "%s: at most 1000 bytes", m->fields[i]->name);
            return false;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->fields[k]->name, m->fields[i]->name) == 0) {
                pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isian ganda", "fields",
                                "%s appears twice", m->fields[i]->name);
                return false;
            }
    }
    if (m->renewal_of_file_id < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "renewal_of_file_id",
                        "not a file id");
        return false;
    }
    return true;
}

/* ---- TakeIn: the transaction ----------------------------------------------------------------- */

struct intake {
    struct pd_request *req;
    struct pd_db_txn *t;
    struct numbers num;
    struct pd_service_buf *service; /* its plain strings point into service_res */
    PGresult *service_res;          /* a copy: the claim's results end with its callback */
    /* OFFICE_CONTEXT */
    char office_code[48];
    char office_name[256];
    int closes_min;
    char region_code[48];
    int tz;
    /* what the checks found */
    GPtrArray *missing;  /* Paten__Requirement * of the service (not owned) */
    GPtrArray *required; /* codes the file must have (not owned) */
    int64_t deadline_ms;
    int64_t applicant_id;
    int64_t file_id;
    struct pd_doc doc;
};

static void intake_free(void *arg)
{
    struct intake *in = arg;

    if (in->service)
        pd_service_buf_free(in->service);
    if (in->service_res)
        PQclear(in->service_res);
    if (in->missing)
        g_ptr_array_free(in->missing, TRUE);
    if (in->required)
        g_ptr_array_free(in->required, TRUE);
    free(in);
}

static void intake_abort(struct intake *in, int code, const char *message, const char *field,
                         const char *detail)
{
    pd_idem_abort(in->req, in->t, code, message, field, detail);
    intake_free(in);
}

static const Paten__FieldValue *value_of(const Paten__TakeInRequest *m, const char *name)
{
    for (size_t i = 0; i < m->n_fields; i++)
        if (strcmp(m->fields[i]->name, name) == 0)
            return m->fields[i];
    return NULL;
}

/* Whether a requirement applies to this submission (its `when`). */
static bool requirement_applies(const Paten__TakeInRequest *m, const char *when)
{
    const char *eq;
    const Paten__FieldValue *v;

    if (when[0] == '\0')
        return true;
    if (strcmp(when, "represented") == 0)
        return m->representative != NULL;
    if ((eq = strchr(when, '=')) == NULL)
        return false;
    for (size_t i = 0; i < m->n_fields; i++) {
        v = m->fields[i];
        if (strlen(v->name) == (size_t)(eq - when) && strncmp(v->name, when, eq - when) == 0)
            return strcmp(v->value, eq + 1) == 0;
    }
    return false;
}

/* The form against the service: no unknown field, every required one, each value right, then
 * the criteria. Returns 0, or -1 after aborting. */
static int check_form(struct intake *in, const Paten__TakeInRequest *m)
{
    const Paten__Service *s = &in->service->service;
    char why[300];

    for (size_t i = 0; i < m->n_fields; i++) {
        const Paten__FieldSpec *spec = NULL;
        for (size_t k = 0; k < s->n_fields && spec == NULL; k++)
            if (strcmp(s->fields[k]->name, m->fields[i]->name) == 0)
                spec = s->fields[k];
        if (spec == NULL) {
            g_autofree char *d =
                g_strdup_printf("'%s' is not a field of %s", m->fields[i]->name, s->code);
            intake_abort(in, PATEN_ERR_INVALID_ARGUMENT, "Isian tidak dikenal layanan ini",
                         "fields", d);
            return -1;
        }
        if (m->fields[i]->value[0] == '\0')
            continue;
        if (pd_field_check(spec, m->fields[i]->value, why, sizeof why) < 0) {
            intake_abort(in, PATEN_ERR_INVALID_ARGUMENT, why, "fields", spec->name);
            return -1;
        }
    }
    for (size_t k = 0; k < s->n_fields; k++) {
        const Paten__FieldValue *v = value_of(m, s->fields[k]->name);
        if (s->fields[k]->required && (v == NULL || v->value[0] == '\0')) {
            g_autofree char *msg = g_strdup_printf("%s wajib diisi", s->fields[k]->label);
            intake_abort(in, PATEN_ERR_INVALID_ARGUMENT, msg, "fields", s->fields[k]->name);
            return -1;
        }
    }
    for (size_t c = 0; c < s->n_criteria; c++) {
        int ok = pd_rule_eval(s->criteria[c]->rule_json, s->fields, s->n_fields, m->fields,
                              m->n_fields, why, sizeof why);
        if (ok < 0) {
            intake_abort(in, PATEN_ERR_INTERNAL, NULL, NULL, why);
            return -1;
        }
        if (ok == 0) {
            g_autofree char *d = g_strdup_printf("criterion %zu of %s is false", c + 1, s->code);
            intake_abort(in, PATEN_ERR_FAILED_PRECONDITION, s->criteria[c]->reason, "fields", d);
            return -1;
        }
    }
    return 0;
}

/* The requirements: codes known, and which applicable ones are missing. Returns 0 or -1. */
static int check_requirements(struct intake *in, const Paten__TakeInRequest *m)
{
    const Paten__Service *s = &in->service->service;

    for (size_t i = 0; i < m->n_requirements; i++) {
        bool known = false;
        for (size_t k = 0; k < s->n_requirements && !known; k++)
            known = strcmp(s->requirements[k]->code, m->requirements[i]) == 0;
        if (!known) {
            g_autofree char *d =
                g_strdup_printf("'%s' is not a requirement of %s", m->requirements[i], s->code);
            intake_abort(in, PATEN_ERR_INVALID_ARGUMENT, "Persyaratan tidak dikenal",
                         "requirements", d);
            return -1;
        }
    }
    in->missing = g_ptr_array_new();
    in->required = g_ptr_array_new();
    for (size_t k = 0; k < s->n_requirements; k++) {
        const Paten__Requirement *r = s->requirements[k];
        bool have = false;
        if (!requirement_applies(m, r->when))
            continue;
        for (size_t i = 0; i < m->n_requirements && !have; i++)
            have = strcmp(m->requirements[i], r->code) == 0;
        g_ptr_array_add(have ? in->required : in->missing, (gpointer)r);
    }
    return 0;
}

/* Every requirement handed in (all known to the service), as a JSON array. */
static char *json_strings_of(char *const *codes, size_t n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < n; i++)
        json_builder_add_string_value(b, codes[i]);
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

static char *json_missing(GPtrArray *reqs)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (guint i = 0; i < reqs->len; i++) {
        const Paten__Requirement *r = reqs->pdata[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "code");
        json_builder_add_string_value(b, r->code);
        json_builder_set_member_name(b, "text");
        json_builder_add_string_value(b, r->text);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

static char *json_fields(const Paten__TakeInRequest *m)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < m->n_fields; i++) {
        if (m->fields[i]->value[0] == '\0')
            continue;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, m->fields[i]->name);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, m->fields[i]->value);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

static char *json_representative(const Paten__Representative *r)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, r->name);
    json_builder_set_member_name(b, "nik");
    json_builder_add_string_value(b, r->nik);
    json_builder_set_member_name(b, "phone");
    json_builder_add_string_value(b, r->phone);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* ---- incomplete: the return slip ---- */

static void slip_numbered(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct intake *in = arg;
    struct pd_request *req = in->req;
    const Paten__TakeInRequest *m = (const Paten__TakeInRequest *)req->in.msg;
    const Paten__Service *s = &in->service->service;
    Paten__TakeInReply reply = PATEN__TAKE_IN_REPLY__INIT;
    Paten__Document slip = PATEN__DOCUMENT__INIT;
    struct pd_db_batch *b;
    g_autofree char *missing = NULL;
    g_autofree char *after = NULL;
    char err[200];

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "numbering a return slip");
        intake_free(in);
        return;
    }
    if (pd_doc_sign(&in->doc, r->res[0], r->res[1], err, sizeof err) < 0) {
        intake_abort(in, PATEN_ERR_INTERNAL, NULL, NULL, err);
        return;
    }
    missing = json_missing(in->missing);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_INTAKE_RETURN_INSERT);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, s->id);
    pd_db_param_int(b, s->version);
    pd_db_param_text(b, m->applicant->name);
    pd_db_param_text(b, missing);
    pd_db_param_text(b, in->doc.number);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    pd_doc_add_insert(b, &in->doc, req->session->user_id);
    after = g_strdup_printf("{\"service\": \"%s\", \"return_slip\": \"%s\", \"missing\": %s}",
                            s->code, in->doc.number, missing);
    pd_audit_add(b, req, req->session->office_id, "INTAKE_INCOMPLETE", "intake", in->doc.number,
                 NULL, after);
    reply.complete = false;
    reply.missing = (Paten__Requirement **)in->missing->pdata;
    reply.n_missing = in->missing->len;
    slip.kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP;
    slip.number = in->doc.number;
    slip.issued_at_ms = in->doc.issued_at_ms;
    slip.issued_date = in->doc.issued_date;
    slip.verification = in->doc.verification;
    slip.signed_by_name = req->session->username;
    slip.signed_as = "";
    slip.voided_reason = "";
    reply.return_slip = &slip;
    pd_info(req->conn_id, "intake of %s incomplete (%u missing): return slip %s", s->code,
            in->missing->len, in->doc.number);
    pd_idem_commit(req, t, b, &reply.base);
    intake_free(in);
}

/* ---- complete: the file ---- */

static void file_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct intake *in = arg;
    struct pd_request *req = in->req;
    Paten__TakeInReply reply = PATEN__TAKE_IN_REPLY__INIT;
    Paten__FileReply fr;
    struct pd_msg_buf mb;
    struct pd_db_batch *b;
    const PGresult *res[3];

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "taking in a file");
        intake_free(in);
        return;
    }
    res[0] = r->res[r->n - 3];
    res[1] = r->res[r->n - 2];
    res[2] = r->res[r->n - 1];
    pd_msg_buf_init(&mb);
    if (!pd_file_reply_build(&fr, &mb, res, req->now_ms)) {
        pd_msg_buf_clear(&mb);
        intake_abort(in, PATEN_ERR_INTERNAL, NULL, NULL, "the new file is missing");
        return;
    }
    reply.complete = true;
    reply.file = fr.file;
    b = pd_db_batch_new();
    pd_file_add_event(b, req->now_ms, req->session->region_id, fr.file, "TAKEN_IN");
    pd_info(req->conn_id, "file %s taken in by %s (%s, deadline in %u working days)",
            fr.file->register_number, req->session->username, fr.file->service_code,
            fr.file->deadline_working_days);
    pd_idem_commit(req, t, b, &reply.base);
    pd_msg_buf_clear(&mb);
    intake_free(in);
}

static void file_numbered(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct intake *in = arg;
    struct pd_request *req = in->req;
    const Paten__TakeInRequest *m = (const Paten__TakeInRequest *)req->in.msg;
    const Paten__Service *s = &in->service->service;
    struct pd_db_batch *b;
    g_autofree char *rep = m->representative ? json_representative(m->representative) : NULL;
    g_autofree char *fields = json_fields(m);
    g_autofree char *codes = json_strings_of(m->requirements, m->n_requirements);
    g_autofree char *after = NULL;
    char err[200], idtext[24];

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "numbering a file");
        intake_free(in);
        return;
    }
    in->applicant_id = pd_db_get_int(r->res[0], 0, 0);
    if (pd_doc_sign(&in->doc, r->res[1], r->res[2], err, sizeof err) < 0) {
        intake_abort(in, PATEN_ERR_INTERNAL, NULL, NULL, err);
        return;
    }
    in->file_id = pd_db_get_int(r->res[3], 0, 0);
    /* The receipt's number is the file's register number. */
    snprintf(in->doc.file_number, sizeof in->doc.file_number, "%s", in->doc.number);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_FILE_INSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, s->id);
    pd_db_param_int(b, s->version);
    pd_db_param_text(b, s->kind == PATEN__SERVICE_KIND__SERVICE_KIND_STRUCTURED ? "STRUCTURED"
                                                                                : "UNSTRUCTURED");
    pd_db_param_bool(b, s->fee != PATEN__FEE_KIND__FEE_KIND_NONE);
    pd_db_param_bool(b, s->authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED);
    /* CAMAT_CHOICE: the site is visited unless the Camat says otherwise (SetSurvey). */
    pd_db_param_bool(b, s->survey != PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE);
    pd_db_param_int(b, in->applicant_id);
    pd_db_param_text(b, rep);
    pd_db_param_text(b, fields);
    pd_db_param_text(b, codes);
    pd_db_param_text(b, in->doc.number);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, in->deadline_ms);
    pd_db_param_int(b, s->deadline_working_days);
    pd_db_param_int(b, req->session->user_id);
    if (m->renewal_of_file_id)
        pd_db_param_int(b, m->renewal_of_file_id);
    else
        pd_db_param_null(b);
    pd_db_param_int(b, in->file_id);
    pd_doc_add_insert(b, &in->doc, req->session->user_id);
    pd_db_batch_add(b, PD_STMT_HISTORY_INSERT);
    pd_db_param_int(b, in->file_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, "TAKEN_IN");
    pd_db_param_null(b);
    pd_db_param_text(b, "RECEIVED");
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, "");
    pd_db_param_text(b, m->representative ? "Diajukan melalui kuasa" : "");
    after = g_strdup_printf("{\"register_number\": \"%s\", \"service\": \"%s\", "
                            "\"service_version\": %d, \"applicant_id\": %lld, \"state\": "
                            "\"RECEIVED\", \"version\": 1}",
                            in->doc.number, s->code, s->version, (long long)in->applicant_id);
    snprintf(idtext, sizeof idtext, "%lld", (long long)in->file_id);
    pd_audit_add(b, req, req->session->office_id, "TAKEN_IN", "file", idtext, NULL, after);
    pd_file_add_readback(b, in->file_id, req->session->region_id);
    pd_db_txn_run(t, b, file_written, in);
}

/* Where the file's office keeps time, and the region's calendar: the deadline. */
static void compute_deadline(struct intake *in, const PGresult *office, const PGresult *days)
{
    struct paten_calendar cal;
    int n = PQntuples(days);
    paten_day *closed = pd_xcalloc((size_t)n + 1, sizeof *closed);

    snprintf(in->office_code, sizeof in->office_code, "%s", pd_db_str(office, 0, 0));
    snprintf(in->office_name, sizeof in->office_name, "%s", pd_db_str(office, 0, 1));
    in->closes_min = (int)pd_db_get_int(office, 0, 2);
    snprintf(in->region_code, sizeof in->region_code, "%s", pd_db_str(office, 0, 3));
    in->tz = paten_tz_offset_minutes(pd_db_str(office, 0, 4));
    if (in->tz < 0)
        in->tz = 7 * 60;
    for (int i = 0; i < n; i++)
        closed[i] = (paten_day)pd_db_get_int(days, i, 0);
    cal.closed = closed;
    cal.n_closed = (size_t)n;
    in->deadline_ms =
        paten_cal_deadline(&cal, in->tz, in->req->now_ms,
                           (int)in->service->service.deadline_working_days, 0, in->closes_min);
    free(closed);
}

static void intake_claimed(struct pd_request *req, struct pd_db_txn *t,
                           const struct pd_db_result *r, void *arg)
{
    struct intake *in = arg;
    const Paten__TakeInRequest *m = (const Paten__TakeInRequest *)req->in.msg;
    const PGresult *service = r->res[0], *office = r->res[1], *days = r->res[2];
    struct pd_db_batch *b;
    bool complete;

    in->t = t;
    if (PQntuples(service) != 1) {
        intake_abort(in, PATEN_ERR_NOT_FOUND, "Layanan tidak ditemukan", "service_id",
                     "no such service in the caller's region");
        return;
    }
    in->service_res = PQcopyResult(service, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
    if (in->service_res == NULL) {
        intake_abort(in, PATEN_ERR_RESOURCE_EXHAUSTED, NULL, NULL, "out of memory");
        return;
    }
    in->service = pd_service_from_row(in->service_res, 0, 0);
    if (!in->service->service.active) {
        intake_abort(in, PATEN_ERR_FAILED_PRECONDITION, "Layanan ini sudah tidak dibuka",
                     "service_id", "the service is deactivated");
        return;
    }
    if (PQntuples(office) != 1 || strcmp(pd_db_str(office, 0, 5), "KECAMATAN") != 0) {
        intake_abort(in, PATEN_ERR_FAILED_PRECONDITION, "Berkas diterima di loket kecamatan", NULL,
                     "the caller's office is not a kecamatan");
        return;
    }
    if (m->renewal_of_file_id) {
        const PGresult *prev = r->res[3];
        if (PQntuples(prev) != 1) {
            intake_abort(in, PATEN_ERR_NOT_FOUND, "Berkas yang diperpanjang tidak ditemukan",
                         "renewal_of_file_id", "no such file in the region");
            return;
        }
        if (pd_db_get_int(prev, 0, 6) != m->service_id ||
            strcmp(pd_db_str(prev, 0, 15), "HANDED_OVER") != 0) {
            intake_abort(in, PATEN_ERR_FAILED_PRECONDITION,
                         "Perpanjangan hanya untuk izin layanan yang sama yang sudah diserahkan",
                         "renewal_of_file_id", "renew a handed-over permit of the same service");
            return;
        }
    }
    if (check_form(in, m) < 0 || check_requirements(in, m) < 0)
        return;
    compute_deadline(in, office, days);
    complete = in->missing->len == 0;
    memset(&in->doc, 0, sizeof in->doc);
    in->doc.kind = complete ? PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT
                            : PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP;
    in->doc.office_id = req->session->office_id;
    in->doc.region_id = req->session->region_id;
    snprintf(in->doc.region_code, sizeof in->doc.region_code, "%s", in->region_code);
    pd_doc_set_time(&in->doc, req->now_ms, in->tz);
    snprintf(in->doc.subject, sizeof in->doc.subject, "%s", m->applicant->name);
    b = pd_db_batch_new();
    if (!complete) {
        pd_doc_add_take(b, &in->doc);
        pd_db_txn_run(t, b, slip_numbered, in);
        return;
    }
    pd_db_batch_add(b, PD_STMT_APPLICANT_UPSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, m->applicant->kind == PATEN__APPLICANT_KIND__APPLICANT_KIND_PERSON
                            ? "PERSON"
                            : "ORGANIZATION");
    pd_db_param_text(b, in->num.nik[0] ? in->num.nik : NULL);
    pd_db_param_text(b, in->num.nib[0] ? in->num.nib : NULL);
    pd_db_param_text(b, in->num.npwp[0] ? in->num.npwp : NULL);
    pd_db_param_text(b, in->num.responsible_nik[0] ? in->num.responsible_nik : NULL);
    pd_db_param_text(b, m->applicant->responsible_name);
    pd_db_param_text(b, m->applicant->name);
    pd_db_param_text(b, m->applicant->address);
    pd_db_param_text(b, m->applicant->phone);
    pd_db_param_int(b, req->now_ms);
    pd_doc_add_take(b, &in->doc);
    pd_db_batch_add(b, PD_STMT_FILE_NEXT_ID);
    pd_db_txn_run(t, b, file_numbered, in);
}

void pd_handle_take_in(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__TakeInRequest *m = (const Paten__TakeInRequest *)msg;
    struct intake *in = pd_xcalloc(1, sizeof *in);
    struct pd_db_batch *b;
    paten_day today;
    char from[11], to[11];

    in->req = req;
    if (!check_request(req, m, &in->num)) {
        intake_free(in);
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL) {
        intake_free(in);
        return;
    }
    pd_db_batch_add(b, PD_STMT_SERVICE_GET);
    pd_db_param_int(b, m->service_id);
    pd_db_param_int(b, 0);
    pd_db_param_int(b, req->session->region_id);
    pd_db_batch_add(b, PD_STMT_OFFICE_CONTEXT);
    pd_db_param_int(b, req->session->office_id);
    /* The closed days around today in any Indonesian zone (WIB-1 day .. +800 days). */
    today = paten_day_of(req->now_ms, 7 * 60);
    paten_day_format(today - 1, from);
    paten_day_format(today + 800, to);
    pd_db_batch_add(b, PD_STMT_CLOSED_DAYS_BETWEEN);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, from);
    pd_db_param_text(b, to);
    if (m->renewal_of_file_id) {
        pd_db_batch_add(b, PD_STMT_FILE_GET);
        pd_db_param_int(b, m->renewal_of_file_id);
        pd_db_param_int(b, req->session->region_id);
    }
    pd_idem_begin(req, b, intake_claimed, in, intake_free);
}
