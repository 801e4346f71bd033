/*
 * pd_file_actions.c: the changes of a file after intake: returned to the applicant and resumed,
 * withdrawn, the Camat's survey choice, the site survey, meetings, the recommendation, the
 * decision, forwarding and the agency's outcome, the signature and the handover.
 *
 * Each handler checks its input, then hands a pd_file_op_spec to pd_file_op_start
 * (pd_files.c), which locks the file and checks region, office, version and state; the spec's
 * check and change do the rest. Which states each starts from mirrors the transition table of
 * migrations/0004_files.sql, which the database enforces on its own.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "paten_ids.h"
#include "pd_alloc.h"
#include "pd_criteria.h"
#include "pd_files.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ST(x)        PD_STATE_BIT(PATEN__FILE_STATE__FILE_STATE_##x)
#define STATE(x)     PATEN__FILE_STATE__FILE_STATE_##x
#define TEXT_MAX     2000
#define NAME_MAX_LEN 200
#define LIST_MAX     50

/* Fails the request unless s is 1..max bytes (or 0..max when optional); true when it is. */
static bool text_ok(struct pd_request *req, const char *s, size_t max, bool required,
                    const char *field, const char *message)
{
    size_t n = strlen(s);

    if ((required && n == 0) || n > max) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, message, field, "%s must be %s%zu bytes",
                        field, required ? "1 to " : "at most ", max);
        return false;
    }
    return true;
}

static bool list_ok(struct pd_request *req, char **items, size_t n, const char *field,
                    const char *message)
{
    if (n > LIST_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, message, field, "at most %d items",
                        LIST_MAX);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (items[i][0] == '\0' || strlen(items[i]) > NAME_MAX_LEN) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, message, field,
                            "item %zu must be 1 to %d bytes", i + 1, NAME_MAX_LEN);
            return false;
        }
    return true;
}

/* A JSON array of strings (g_free). */
static char *json_strings(char *const *items, size_t n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < n; i++)
        json_builder_add_string_value(b, items[i]);
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* A JSON array of {"name", "value"} (g_free). */
static char *json_values(Paten__FieldValue *const *v, size_t n)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < n; i++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, v[i]->name);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, v[i]->value);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* The common head of every file UPDATE: id, the version seen, now. */
static void add_update(struct pd_db_batch *b, enum pd_stmt stmt, struct pd_file_op *op,
                       int64_t version)
{
    pd_db_batch_add(b, stmt);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, version);
    pd_db_param_int(b, op->req->now_ms);
}

/* A date the file's people write by hand: real, and not after today (local). */
static bool past_date_ok(struct pd_request *req, const char *date, const char *field)
{
    paten_day d;

    if (paten_day_parse(date, &d) < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid", field,
                        "'%s' is not YYYY-MM-DD", date);
        return false;
    }
    /* The widest zone (WIT, +9) bounds "today" everywhere in Indonesia. */
    if (d > paten_day_of(req->now_ms, 9 * 60)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak boleh di masa depan", field,
                        "%s is after today", date);
        return false;
    }
    return true;
}

/* ---- ReturnFile ----------------------------------------------------------------------------- */

static void return_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__ReturnFileRequest *m = (const Paten__ReturnFileRequest *)op->req->in.msg;
    g_autofree char *missing = json_strings(m->missing, m->n_missing);

    add_update(b, PD_STMT_FILE_RETURN, op, op->version);
    pd_db_param_text(b, m->reason);
    pd_db_param_text(b, missing);
}

static const struct pd_file_op_spec return_spec = {
    .action = "RETURNED",
    .verb = "dikembalikan ke pemohon",
    .from_states = ST(RECEIVED) | ST(SURVEYED) | ST(RECOMMENDED) | ST(FORWARDED),
    .to_state = STATE(RETURNED),
    .change = return_change,
};

void pd_handle_return_file(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ReturnFileRequest *m = (const Paten__ReturnFileRequest *)msg;

    if (!text_ok(req, m->reason, TEXT_MAX, true, "reason", "Alasan pengembalian wajib diisi") ||
        !list_ok(req, m->missing, m->n_missing, "missing", "Daftar kekurangan tidak valid"))
        return;
    pd_file_op_start(req, &return_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- ResumeFile ----------------------------------------------------------------------------- */

struct resume {
    int paused_total;
    int64_t deadline_ms;
    char *requirements; /* JSON */
};

/* Whether code is one of the service's requirement codes (JSON [{code, text, when}]). */
static bool requirement_known(JsonArray *reqs, const char *code)
{
    for (guint i = 0; reqs && i < json_array_get_length(reqs); i++) {
        JsonObject *o = json_array_get_object_element(reqs, i);
        if (o && g_strcmp0(json_object_get_string_member_with_default(o, "code", ""), code) == 0)
            return true;
    }
    return false;
}

static int resume_check(struct pd_file_op *op)
{
    const Paten__ResumeFileRequest *m = (const Paten__ResumeFileRequest *)op->req->in.msg;
    g_autoptr(JsonParser) sp = json_parser_new();
    g_autoptr(JsonParser) fp = json_parser_new();
    g_autoptr(GPtrArray) codes = g_ptr_array_new();
    JsonArray *service_reqs = NULL, *have = NULL;
    struct resume *r;
    int tz = pd_file_op_tz(op);
    int paused;

    if (json_parser_load_from_data(sp, pd_file_op_col(op, PD_FL_SERVICE_REQUIREMENTS), -1, NULL) &&
        JSON_NODE_HOLDS_ARRAY(json_parser_get_root(sp)))
        service_reqs = json_node_get_array(json_parser_get_root(sp));
    if (json_parser_load_from_data(fp, pd_file_op_col(op, PD_FL_REQUIREMENTS), -1, NULL) &&
        JSON_NODE_HOLDS_ARRAY(json_parser_get_root(fp)))
        have = json_node_get_array(json_parser_get_root(fp));
    for (guint i = 0; have && i < json_array_get_length(have); i++)
        g_ptr_array_add(codes, (gpointer)json_array_get_string_element(have, i));
    for (size_t i = 0; i < m->n_requirements; i++) {
        bool dup = false;
        if (!requirement_known(service_reqs, m->requirements[i])) {
            g_autofree char *d =
                g_strdup_printf("'%s' is not a requirement of this service", m->requirements[i]);
            pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, "Persyaratan tidak dikenal",
                              "requirements", d);
            return -1;
        }
        for (guint k = 0; k < codes->len; k++)
            dup = dup || strcmp(codes->pdata[k], m->requirements[i]) == 0;
        if (!dup)
            g_ptr_array_add(codes, m->requirements[i]);
    }
    r = pd_xcalloc(1, sizeof *r);
    /* The working days it stood still; the deadline moves by as many. */
    paused = paten_cal_paused_days(&op->cal, tz, pd_file_op_int(op, PD_FL_RETURNED_AT_MS),
                                   op->req->now_ms);
    r->paused_total = (int)pd_file_op_int(op, PD_FL_PAUSED) + paused;
    r->deadline_ms = paten_cal_deadline(&op->cal, tz, pd_file_op_int(op, PD_FL_RECEIVED_MS),
                                        (int)pd_file_op_int(op, PD_FL_DEADLINE_DAYS),
                                        r->paused_total, (int)pd_file_op_int(op, PD_FL_CLOSES_MIN));
    r->requirements = json_strings((char *const *)codes->pdata, codes->len);
    op->to_state = pd_file_state_from_db(pd_file_op_col(op, PD_FL_RESUMES_TO));
    snprintf(op->note, sizeof op->note, "%d hari kerja terhenti", paused);
    free(op->data);
    op->data = r;
    return 0;
}

static void resume_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct resume *r = op->data;

    add_update(b, PD_STMT_FILE_RESUME, op, op->version);
    pd_db_param_int(b, r->deadline_ms);
    pd_db_param_int(b, r->paused_total);
    pd_db_param_text(b, r->requirements);
    g_free(r->requirements);
    r->requirements = NULL;
}

static const struct pd_file_op_spec resume_spec = {
    .action = "RESUMED",
    .verb = "dilanjutkan",
    .from_states = ST(RETURNED),
    .needs_calendar = true,
    .check = resume_check,
    .change = resume_change,
};

void pd_handle_resume_file(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ResumeFileRequest *m = (const Paten__ResumeFileRequest *)msg;

    if (!list_ok(req, m->requirements, m->n_requirements, "requirements",
                 "Daftar persyaratan tidak valid"))
        return;
    pd_file_op_start(req, &resume_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- WithdrawFile --------------------------------------------------------------------------- */

static int withdraw_check(struct pd_file_op *op)
{
    const Paten__WithdrawFileRequest *m = (const Paten__WithdrawFileRequest *)op->req->in.msg;
    snprintf(op->note, sizeof op->note, "%s", m->reason);
    return 0;
}

static void withdraw_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__WithdrawFileRequest *m = (const Paten__WithdrawFileRequest *)op->req->in.msg;
    add_update(b, PD_STMT_FILE_WITHDRAW, op, op->version);
    pd_db_param_text(b, m->reason);
}

static const struct pd_file_op_spec withdraw_spec = {
    .action = "WITHDRAWN",
    .verb = "ditarik (sudah dibayar atau ditandatangani)",
    .from_states = ST(RECEIVED) | ST(SURVEYED) | ST(RECOMMENDED) | ST(APPROVED) |
                   ST(AWAITING_ASSESSMENT) | ST(AWAITING_PAYMENT) | ST(FORWARDED) | ST(RETURNED),
    .to_state = STATE(WITHDRAWN),
    .check = withdraw_check,
    .change = withdraw_change,
};

void pd_handle_withdraw_file(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__WithdrawFileRequest *m = (const Paten__WithdrawFileRequest *)msg;

    if (!text_ok(req, m->reason, TEXT_MAX, true, "reason", "Alasan penarikan wajib diisi"))
        return;
    pd_file_op_start(req, &withdraw_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- SetSurvey ------------------------------------------------------------------------------ */

static int set_survey_check(struct pd_file_op *op)
{
    const Paten__SetSurveyRequest *m = (const Paten__SetSurveyRequest *)op->req->in.msg;

    if (strcmp(pd_file_op_col(op, PD_FL_SURVEY_POLICY), "CAMAT_CHOICE") != 0) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Cek lapangan layanan ini tidak diputuskan Camat", "needed",
                          "the service's survey policy is not CAMAT_CHOICE");
        return -1;
    }
    snprintf(op->note, sizeof op->note, "%s%s%s",
             m->needed ? "Perlu cek lapangan" : "Tanpa cek lapangan", m->reason[0] ? ": " : "",
             m->reason);
    return 0;
}

static void set_survey_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__SetSurveyRequest *m = (const Paten__SetSurveyRequest *)op->req->in.msg;
    add_update(b, PD_STMT_FILE_SET_SURVEY, op, op->version);
    pd_db_param_bool(b, m->needed);
}

static const struct pd_file_op_spec set_survey_spec = {
    .action = "SURVEY_SET",
    .verb = "diubah keputusan cek lapangannya",
    .from_states = ST(RECEIVED),
    .check = set_survey_check,
    .change = set_survey_change,
};

void pd_handle_set_survey(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SetSurveyRequest *m = (const Paten__SetSurveyRequest *)msg;

    if (!text_ok(req, m->reason, TEXT_MAX, false, "reason", "Alasan terlalu panjang"))
        return;
    pd_file_op_start(req, &set_survey_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- SubmitSurvey --------------------------------------------------------------------------- */

/* The service's NUMBER field named name, from the field specs (JSON); NULL when none. */
static Paten__FieldSpec *number_field(JsonArray *specs, const char *name, Paten__FieldSpec *out)
{
    for (guint i = 0; specs && i < json_array_get_length(specs); i++) {
        JsonObject *o = json_array_get_object_element(specs, i);
        if (o == NULL ||
            g_strcmp0(json_object_get_string_member_with_default(o, "name", ""), name) != 0)
            continue;
        if (g_strcmp0(json_object_get_string_member_with_default(o, "type", ""), "NUMBER") != 0)
            return NULL;
        paten__field_spec__init(out);
        out->name = (char *)name;
        out->label = (char *)json_object_get_string_member_with_default(o, "label", "");
        out->type = PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER;
        out->unit = (char *)json_object_get_string_member_with_default(o, "unit", "");
        out->min = (char *)json_object_get_string_member_with_default(o, "min", "");
        out->max = (char *)json_object_get_string_member_with_default(o, "max", "");
        out->required = true;
        return out;
    }
    return NULL;
}

static int survey_check(struct pd_file_op *op)
{
    const Paten__SubmitSurveyRequest *m = (const Paten__SubmitSurveyRequest *)op->req->in.msg;
    g_autoptr(JsonParser) p = json_parser_new();
    JsonArray *specs = NULL;

    if (strcmp(pd_file_op_col(op, PD_FL_KIND), "STRUCTURED") != 0) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Layanan tidak terstruktur tidak memakai cek lapangan", NULL,
                          "unstructured services have no site survey");
        return -1;
    }
    if (json_parser_load_from_data(p, pd_file_op_col(op, PD_FL_FIELD_SPECS), -1, NULL) &&
        JSON_NODE_HOLDS_ARRAY(json_parser_get_root(p)))
        specs = json_node_get_array(json_parser_get_root(p));
    for (size_t i = 0; i < m->n_measurements; i++) {
        Paten__FieldSpec spec;
        char why[200];
        const Paten__FieldValue *v = m->measurements[i];
        if (number_field(specs, v->name, &spec) == NULL) {
            g_autofree char *d =
                g_strdup_printf("'%s' is not a NUMBER field of the service", v->name);
            pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, "Ukuran tidak dikenal layanan ini",
                              "measurements", d);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(m->measurements[k]->name, v->name) == 0) {
                pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, "Ukuran tercatat dua kali",
                                  "measurements", v->name);
                return -1;
            }
        if (pd_field_check(&spec, v->value, why, sizeof why) < 0) {
            pd_file_op_refuse(op, PATEN_ERR_INVALID_ARGUMENT, why, "measurements", v->name);
            return -1;
        }
    }
    snprintf(op->note, sizeof op->note, "%s", m->findings);
    return 0;
}

static void survey_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__SubmitSurveyRequest *m = (const Paten__SubmitSurveyRequest *)op->req->in.msg;
    g_autofree char *team = json_strings(m->team, m->n_team);
    g_autofree char *measured = json_values(m->measurements, m->n_measurements);

    add_update(b, PD_STMT_FILE_SET_STATE, op, op->version);
    pd_db_param_text(b, "SURVEYED");
    pd_db_batch_add(b, PD_STMT_SURVEY_INSERT);
    pd_db_param_int(b, op->file_id);
    pd_db_param_text(b, m->date);
    pd_db_param_text(b, team);
    pd_db_param_text(b, m->findings);
    pd_db_param_text(b, measured);
    pd_db_param_text(b, op->doc.number);
    pd_db_param_int(b, op->req->session->user_id);
    pd_db_param_int(b, op->req->now_ms);
}

static const struct pd_file_op_spec survey_spec = {
    .action = "SURVEYED",
    .verb = "dicatat hasil cek lapangannya",
    .from_states = ST(RECEIVED),
    .to_state = STATE(SURVEYED),
    .doc_kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT,
    .check = survey_check,
    .change = survey_change,
};

void pd_handle_submit_survey(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SubmitSurveyRequest *m = (const Paten__SubmitSurveyRequest *)msg;

    if (!past_date_ok(req, m->date, "date") ||
        !text_ok(req, m->findings, TEXT_MAX, true, "findings", "Hasil pemeriksaan wajib diisi"))
        return;
    if (m->n_team == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Anggota tim wajib diisi", "team",
                        "at least one team member");
        return;
    }
    if (!list_ok(req, m->team, m->n_team, "team", "Daftar anggota tim tidak valid"))
        return;
    if (m->n_measurements > LIST_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "measurements",
                        "at most %d measurements", LIST_MAX);
        return;
    }
    pd_file_op_start(req, &survey_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- RecordMeeting -------------------------------------------------------------------------- */

static int meeting_check(struct pd_file_op *op)
{
    const Paten__RecordMeetingRequest *m = (const Paten__RecordMeetingRequest *)op->req->in.msg;
    snprintf(op->note, sizeof op->note, "%s", m->decision[0] ? m->decision : m->minutes);
    return 0;
}

static void meeting_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__RecordMeetingRequest *m = (const Paten__RecordMeetingRequest *)op->req->in.msg;
    g_autofree char *who = json_strings(m->participants, m->n_participants);

    add_update(b, PD_STMT_FILE_TOUCH, op, op->version);
    pd_db_batch_add(b, PD_STMT_MEETING_INSERT);
    pd_db_param_int(b, op->file_id);
    pd_db_param_text(b, m->date);
    pd_db_param_text(b, who);
    pd_db_param_text(b, m->minutes);
    pd_db_param_text(b, m->decision);
    pd_db_param_text(b, op->doc.number);
    pd_db_param_int(b, op->req->session->user_id);
    pd_db_param_int(b, op->req->now_ms);
}

static const struct pd_file_op_spec meeting_spec = {
    .action = "MEETING",
    .verb = "dicatat rapatnya (sudah direkomendasikan)",
    .from_states = ST(RECEIVED) | ST(SURVEYED),
    .doc_kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES,
    .check = meeting_check,
    .change = meeting_change,
};

void pd_handle_record_meeting(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__RecordMeetingRequest *m = (const Paten__RecordMeetingRequest *)msg;

    if (!past_date_ok(req, m->date, "date") ||
        !text_ok(req, m->minutes, TEXT_MAX * 4, true, "minutes", "Notulen wajib diisi") ||
        !text_ok(req, m->decision, TEXT_MAX, false, "decision", "Keputusan rapat terlalu panjang"))
        return;
    if (m->n_participants == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Peserta rapat wajib diisi",
                        "participants", "at least one participant");
        return;
    }
    if (!list_ok(req, m->participants, m->n_participants, "participants",
                 "Daftar peserta tidak valid"))
        return;
    pd_file_op_start(req, &meeting_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- Recommend ------------------------------------------------------------------------------ */

static int recommend_check(struct pd_file_op *op)
{
    const Paten__RecommendRequest *m = (const Paten__RecommendRequest *)op->req->in.msg;

    if (op->state == STATE(RECEIVED) && strcmp(pd_file_op_col(op, PD_FL_KIND), "STRUCTURED") == 0 &&
        pd_file_op_bool(op, PD_FL_SURVEY_NEEDED)) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          strcmp(pd_file_op_col(op, PD_FL_SURVEY_POLICY), "CAMAT_CHOICE") == 0
                              ? "Cek lapangan belum dilakukan (atau Camat belum memutuskan "
                                "tanpa cek lapangan)"
                              : "Cek lapangan belum dilakukan",
                          NULL, "the file needs its site survey first");
        return -1;
    }
    snprintf(op->note, sizeof op->note, "%s%s%s",
             m->can_process ? "Dapat diproses" : "Tidak dapat diproses", m->note[0] ? ": " : "",
             m->note);
    return 0;
}

static void recommend_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__RecommendRequest *m = (const Paten__RecommendRequest *)op->req->in.msg;
    add_update(b, PD_STMT_FILE_RECOMMEND, op, op->version);
    pd_db_param_bool(b, m->can_process);
    pd_db_param_text(b, m->note);
}

static const struct pd_file_op_spec recommend_spec = {
    .action = "RECOMMENDED",
    .verb = "direkomendasikan",
    .from_states = ST(RECEIVED) | ST(SURVEYED),
    .to_state = STATE(RECOMMENDED),
    .check = recommend_check,
    .change = recommend_change,
};

void pd_handle_recommend(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__RecommendRequest *m = (const Paten__RecommendRequest *)msg;

    if (!text_ok(req, m->note, TEXT_MAX, !m->can_process, "note",
                 "Alasan rekomendasi wajib diisi bila berkas tidak dapat diproses"))
        return;
    pd_file_op_start(req, &recommend_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- Decide --------------------------------------------------------------------------------- */

static int decide_check(struct pd_file_op *op)
{
    const Paten__DecideRequest *m = (const Paten__DecideRequest *)op->req->in.msg;

    if (pd_file_op_bool(op, PD_FL_FORWARDED)) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Layanan ini diputuskan instansi lain: teruskan berkasnya", NULL,
                          "a forwarded service: use Forward");
        return -1;
    }
    if (m->approve) {
        op->action = "APPROVED";
        op->to_state = STATE(APPROVED);
    } else {
        op->action = "REJECTED";
        op->to_state = STATE(REJECTED);
        op->doc_kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER;
    }
    snprintf(op->note, sizeof op->note, "%s", m->reason);
    return 0;
}

static void decide_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__DecideRequest *m = (const Paten__DecideRequest *)op->req->in.msg;

    if (!m->approve) {
        add_update(b, PD_STMT_FILE_REJECT, op, op->version);
        pd_db_param_text(b, m->reason);
        return;
    }
    add_update(b, PD_STMT_FILE_SET_STATE, op, op->version);
    pd_db_param_text(b, "APPROVED");
    if (pd_file_op_bool(op, PD_FL_HAS_FEE)) {
        /* The fee is assessed by DPMPTSP or BAPENDA next: the request goes out at once. */
        add_update(b, PD_STMT_FILE_SET_STATE, op, op->version + 1);
        pd_db_param_text(b, "AWAITING_ASSESSMENT");
        pd_file_op_add_history(op, b, "ASSESSMENT_REQUESTED", STATE(APPROVED),
                               STATE(AWAITING_ASSESSMENT), "");
        op->to_state = STATE(AWAITING_ASSESSMENT);
    }
}

static const struct pd_file_op_spec decide_spec = {
    .action = "DECIDED",
    .verb = "diputuskan (belum direkomendasikan)",
    .from_states = ST(RECOMMENDED),
    .check = decide_check,
    .change = decide_change,
};

void pd_handle_decide(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__DecideRequest *m = (const Paten__DecideRequest *)msg;

    if (!text_ok(req, m->reason, TEXT_MAX, !m->approve, "reason", "Alasan penolakan wajib diisi"))
        return;
    pd_file_op_start(req, &decide_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- Forward, RecordAgencyOutcome ------------------------------------------------------------ */

static int forward_check(struct pd_file_op *op)
{
    const Paten__ForwardRequest *m = (const Paten__ForwardRequest *)op->req->in.msg;

    if (!pd_file_op_bool(op, PD_FL_FORWARDED)) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Layanan ini diputuskan Camat, bukan diteruskan", NULL,
                          "the Camat decides this service: use Decide");
        return -1;
    }
    snprintf(op->note, sizeof op->note, "%s", m->note);
    return 0;
}

static void forward_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    add_update(b, PD_STMT_FILE_SET_STATE, op, op->version);
    pd_db_param_text(b, "FORWARDED");
}

static const struct pd_file_op_spec forward_spec = {
    .action = "FORWARDED",
    .verb = "diteruskan (belum direkomendasikan)",
    .from_states = ST(RECOMMENDED),
    .to_state = STATE(FORWARDED),
    .check = forward_check,
    .change = forward_change,
};

void pd_handle_forward(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ForwardRequest *m = (const Paten__ForwardRequest *)msg;

    if (!text_ok(req, m->note, TEXT_MAX, false, "note", "Catatan terlalu panjang"))
        return;
    pd_file_op_start(req, &forward_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

static int agency_check(struct pd_file_op *op)
{
    const Paten__RecordAgencyOutcomeRequest *m =
        (const Paten__RecordAgencyOutcomeRequest *)op->req->in.msg;

    op->action = m->approved ? "AGENCY_APPROVED" : "AGENCY_REJECTED";
    op->to_state = m->approved ? STATE(APPROVED) : STATE(REJECTED);
    snprintf(op->note, sizeof op->note, "%s%s%s", m->document_number, m->reason[0] ? ": " : "",
             m->reason);
    return 0;
}

static void agency_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__RecordAgencyOutcomeRequest *m =
        (const Paten__RecordAgencyOutcomeRequest *)op->req->in.msg;

    add_update(b, PD_STMT_FILE_AGENCY_OUTCOME, op, op->version);
    pd_db_param_text(b, m->approved ? "APPROVED" : "REJECTED");
    pd_db_param_text(b, m->document_number);
    pd_db_param_text(b, m->reason);
}

static const struct pd_file_op_spec agency_spec = {
    .action = "AGENCY_OUTCOME",
    .verb = "dicatat keputusan instansinya (belum diteruskan)",
    .from_states = ST(FORWARDED),
    .check = agency_check,
    .change = agency_change,
};

void pd_handle_record_agency_outcome(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__RecordAgencyOutcomeRequest *m = (const Paten__RecordAgencyOutcomeRequest *)msg;

    if (!text_ok(req, m->document_number, 80, true, "document_number",
                 "Nomor keputusan instansi wajib diisi") ||
        !text_ok(req, m->reason, TEXT_MAX, !m->approved, "reason", "Alasan penolakan wajib diisi"))
        return;
    pd_file_op_start(req, &agency_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- Sign ----------------------------------------------------------------------------------- */

/* day + months, the day clamped to the month's end (31 Jan + 1 month = 28/29 Feb). */
static paten_day add_months(paten_day day, int months)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d, dim;

    paten_day_to_ymd(day, &y, &m, &d);
    m += months;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    dim = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return paten_day_from_ymd(y, m, d < dim ? d : dim);
}

struct sign {
    char valid_until[11]; /* "" when the permit does not expire */
};

static int sign_check(struct pd_file_op *op)
{
    struct sign *s = pd_xcalloc(1, sizeof *s);
    const char *unit = pd_file_op_col(op, PD_FL_VALIDITY_UNIT);
    int amount = (int)pd_file_op_int(op, PD_FL_VALIDITY_AMOUNT);
    paten_day today = paten_day_of(op->req->now_ms, pd_file_op_tz(op));

    if (pd_file_op_bool(op, PD_FL_FORWARDED)) {
        free(s);
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION,
                          "Layanan ini diputuskan dan ditandatangani instansi lain", NULL,
                          "a forwarded service has no SK Camat");
        return -1;
    }
    if (op->state == STATE(APPROVED) && pd_file_op_bool(op, PD_FL_HAS_FEE)) {
        free(s);
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION, "Retribusi/pajak belum dibayar", NULL,
                          "a file with a fee is signed once paid");
        return -1;
    }
    /* The validity runs from the day of signing; the last day it is valid is shown. */
    if (strcmp(unit, "YEARS") == 0)
        paten_day_format(add_months(today, 12 * amount) - 1, s->valid_until);
    else if (strcmp(unit, "MONTHS") == 0)
        paten_day_format(add_months(today, amount) - 1, s->valid_until);
    else if (strcmp(unit, "WORKING_DAYS") == 0)
        paten_day_format(paten_cal_add_working(&op->cal, today, amount), s->valid_until);
    snprintf(op->doc.series, sizeof op->doc.series, "%s", pd_file_op_col(op, PD_FL_SERVICE_CODE));
    free(op->data);
    op->data = s;
    return 0;
}

static void sign_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    struct sign *s = op->data;

    add_update(b, PD_STMT_FILE_SIGN, op, op->version);
    pd_db_param_text(b, op->doc.number);
    pd_db_param_int(b, op->req->session->user_id);
    pd_db_param_text(b, op->actor_as);
    pd_db_param_text(b, s->valid_until[0] ? s->valid_until : NULL);
    snprintf(op->note, sizeof op->note, "%s", op->doc.number);
}

static const struct pd_file_op_spec sign_spec = {
    .action = "SIGNED",
    .verb = "ditandatangani",
    .from_states = ST(APPROVED) | ST(PAID),
    .to_state = STATE(SIGNED),
    .doc_kind = PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE,
    .needs_calendar = true,
    .check = sign_check,
    .change = sign_change,
};

void pd_handle_sign(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SignRequest *m = (const Paten__SignRequest *)msg;
    pd_file_op_start(req, &sign_spec, m->idempotency_key, m->file_id, m->version, NULL);
}

/* ---- HandOver ------------------------------------------------------------------------------- */

static int hand_over_check(struct pd_file_op *op)
{
    const Paten__HandOverRequest *m = (const Paten__HandOverRequest *)op->req->in.msg;

    if (op->state == STATE(APPROVED) && !pd_file_op_bool(op, PD_FL_FORWARDED)) {
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION, "SK belum ditandatangani", NULL,
                          "sign the SK before handing it over");
        return -1;
    }
    snprintf(op->note, sizeof op->note, "Diterima oleh %s", m->received_by_name);
    return 0;
}

static void hand_over_change(struct pd_file_op *op, struct pd_db_batch *b)
{
    const Paten__HandOverRequest *m = (const Paten__HandOverRequest *)op->req->in.msg;
    add_update(b, PD_STMT_FILE_HAND_OVER, op, op->version);
    pd_db_param_text(b, m->received_by_name);
    pd_db_param_text(b, m->received_by_nik);
}

static const struct pd_file_op_spec hand_over_spec = {
    .action = "HANDED_OVER",
    .verb = "diserahkan",
    .from_states = ST(SIGNED) | ST(APPROVED),
    .to_state = STATE(HANDED_OVER),
    .check = hand_over_check,
    .change = hand_over_change,
};

void pd_handle_hand_over(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__HandOverRequest *m = (const Paten__HandOverRequest *)msg;

    if (!text_ok(req, m->received_by_name, NAME_MAX_LEN, true, "received_by_name",
                 "Nama penerima wajib diisi"))
        return;
    if (m->received_by_nik[0] && paten_nik_check(m->received_by_nik, NULL) != PATEN_ID_OK) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "NIK penerima tidak valid",
                        "received_by_nik", "%s",
                        paten_id_error_text(paten_nik_check(m->received_by_nik, NULL)));
        return;
    }
    pd_file_op_start(req, &hand_over_spec, m->idempotency_key, m->file_id, m->version, NULL);
}
