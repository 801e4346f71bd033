/*
 * pd_files.c: reading files into protocol messages, and the change engine every file transition
 * goes through (see pd_files.h).
 */
#include "pd_files.h"

#include "pd_assess.h"

#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_events.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- enums ---------------------------------------------------------------------------------- */

/* A protobuf enum value from its database name: prefix + name ("FILE_STATE_" + "RECEIVED"). */
static int enum_from_db(const ProtobufCEnumDescriptor *desc, const char *prefix, const char *name)
{
    char full[96];
    const ProtobufCEnumValue *v;

    if (name == NULL || name[0] == '\0')
        return 0;
    snprintf(full, sizeof full, "%s%s", prefix, name);
    v = protobuf_c_enum_descriptor_get_value_by_name(desc, full);
    return v ? v->value : 0;
}

const char *pd_file_state_db(int state)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&paten__file_state__descriptor, state);
    if (v == NULL || state == 0)
        return NULL;
    return v->name + strlen("FILE_STATE_");
}

int pd_file_state_from_db(const char *name)
{
    return enum_from_db(&paten__file_state__descriptor, "FILE_STATE_", name);
}

bool pd_file_state_running(int state)
{
    /* The kecamatan's turn; not while the applicant is to act (RETURNED, AWAITING_PAYMENT) or
     * the file is done. Keep in step with RUNNING_STATES in pd_sql.c. */
    switch (state) {
    case PATEN__FILE_STATE__FILE_STATE_RECEIVED:
    case PATEN__FILE_STATE__FILE_STATE_SURVEYED:
    case PATEN__FILE_STATE__FILE_STATE_RECOMMENDED:
    case PATEN__FILE_STATE__FILE_STATE_APPROVED:
    case PATEN__FILE_STATE__FILE_STATE_AWAITING_ASSESSMENT:
    case PATEN__FILE_STATE__FILE_STATE_FORWARDED:
    case PATEN__FILE_STATE__FILE_STATE_PAID:
        return true;
    default:
        return false;
    }
}

/* ---- memory behind messages ----------------------------------------------------------------- */

void pd_msg_buf_init(struct pd_msg_buf *m)
{
    m->keep = g_ptr_array_new_with_free_func(g_free);
    m->parsers = g_ptr_array_new_with_free_func(g_object_unref);
}

void pd_msg_buf_clear(struct pd_msg_buf *m)
{
    if (m->keep)
        g_ptr_array_free(m->keep, TRUE);
    if (m->parsers)
        g_ptr_array_free(m->parsers, TRUE);
    m->keep = m->parsers = NULL;
}

void *pd_msg_keep(struct pd_msg_buf *m, void *p)
{
    g_ptr_array_add(m->keep, p);
    return p;
}

/* Parses JSON text kept alive by m; NULL for "" or bad JSON (the database wrote it: never). */
JsonNode *pd_msg_parse(struct pd_msg_buf *m, const char *text)
{
    JsonParser *p;

    if (text == NULL || text[0] == '\0')
        return NULL;
    p = json_parser_new_immutable();
    if (!json_parser_load_from_data(p, text, -1, NULL)) {
        g_object_unref(p);
        return NULL;
    }
    g_ptr_array_add(m->parsers, p);
    return json_parser_get_root(p);
}

char *pd_json_str(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;
    const char *s = n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
                        ? json_node_get_string(n)
                        : NULL;
    return (char *)(s ? s : "");
}

int64_t pd_json_int(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;
    return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_int(n) : 0;
}

bool pd_json_bool(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN
               ? json_node_get_boolean(n)
               : false;
}

/* A JSON array of strings as a char ** kept by m. */
static char **string_list(struct pd_msg_buf *m, JsonArray *a, size_t *n)
{
    guint len = a ? json_array_get_length(a) : 0;
    char **out = pd_msg_keep(m, g_new0(char *, len + 1));

    *n = 0;
    for (guint i = 0; i < len; i++) {
        JsonNode *e = json_array_get_element(a, i);
        if (JSON_NODE_HOLDS_VALUE(e) && json_node_get_value_type(e) == G_TYPE_STRING)
            out[(*n)++] = (char *)json_node_get_string(e);
    }
    return out;
}

JsonArray *pd_json_array(JsonNode *n)
{
    return n && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
}

JsonObject *pd_json_object(JsonNode *n)
{
    return n && JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
}

/* [{"name": ..., "value": ...}] as FieldValues kept by m. */
static Paten__FieldValue **field_values(struct pd_msg_buf *m, JsonArray *a, size_t *n)
{
    guint len = a ? json_array_get_length(a) : 0;
    Paten__FieldValue **out = pd_msg_keep(m, g_new0(Paten__FieldValue *, len + 1));

    *n = 0;
    for (guint i = 0; i < len; i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        Paten__FieldValue *v = pd_msg_keep(m, g_new0(Paten__FieldValue, 1));
        paten__field_value__init(v);
        v->name = pd_json_str(o, "name");
        v->value = pd_json_str(o, "value");
        out[(*n)++] = v;
    }
    return out;
}

/* ---- rows to messages ----------------------------------------------------------------------- */

void pd_applicant_from_row(Paten__Applicant *a, const PGresult *res, int row, int col0)
{
    paten__applicant__init(a);
    a->id = pd_db_get_int(res, row, col0);
    a->kind = (Paten__ApplicantKind)enum_from_db(&paten__applicant_kind__descriptor,
                                                 "APPLICANT_KIND_", pd_db_str(res, row, col0 + 1));
    a->nik = (char *)pd_db_str(res, row, col0 + 2);
    a->nib = (char *)pd_db_str(res, row, col0 + 3);
    a->npwp = (char *)pd_db_str(res, row, col0 + 4);
    a->responsible_nik = (char *)pd_db_str(res, row, col0 + 5);
    a->responsible_name = (char *)pd_db_str(res, row, col0 + 6);
    a->name = (char *)pd_db_str(res, row, col0 + 7);
    a->address = (char *)pd_db_str(res, row, col0 + 8);
    a->phone = (char *)pd_db_str(res, row, col0 + 9);
}

static Paten__Document **documents(struct pd_msg_buf *m, JsonArray *a, size_t *n)
{
    guint len = a ? json_array_get_length(a) : 0;
    Paten__Document **out = pd_msg_keep(m, g_new0(Paten__Document *, len + 1));

    *n = 0;
    for (guint i = 0; i < len; i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        Paten__Document *d = pd_msg_keep(m, g_new0(Paten__Document, 1));
        paten__document__init(d);
        d->kind = (Paten__DocumentKind)pd_doc_kind_from_db(pd_json_str(o, "kind"));
        d->number = pd_json_str(o, "number");
        d->issued_at_ms = pd_json_int(o, "issued_at_ms");
        d->issued_date = pd_json_str(o, "issued_date");
        d->amount = pd_json_int(o, "amount");
        d->verification = pd_json_str(o, "verification");
        d->signed_by_name = pd_json_str(o, "signed_by");
        d->signed_as = pd_json_str(o, "signed_as");
        d->voided_reason = pd_json_str(o, "voided");
        out[(*n)++] = d;
    }
    return out;
}

void pd_file_from_row(Paten__File *f, struct pd_msg_buf *m, const PGresult *res, int row, int col0,
                      int64_t now_ms)
{
#define S(i) ((char *)pd_db_str(res, row, col0 + (i)))
#define I(i) pd_db_get_int(res, row, col0 + (i))
#define B(i) pd_db_get_bool(res, row, col0 + (i))
    JsonObject *o;

    paten__file__init(f);
    f->id = I(0);
    f->version = I(1);
    f->register_number = S(2);
    f->office_id = I(3);
    f->office_code = S(4);
    f->office_name = S(5);
    f->service_id = I(6);
    f->service_version = (int32_t)I(7);
    f->service_code = S(8);
    f->service_name = S(9);
    f->kind =
        (Paten__ServiceKind)enum_from_db(&paten__service_kind__descriptor, "SERVICE_KIND_", S(10));
    f->survey_policy = (Paten__SurveyPolicy)enum_from_db(&paten__survey_policy__descriptor,
                                                         "SURVEY_POLICY_", S(11));
    f->authority = (Paten__IssuingAuthority)enum_from_db(&paten__issuing_authority__descriptor,
                                                         "ISSUING_AUTHORITY_", S(12));
    f->forward_agency = S(13);
    f->fee = (Paten__FeeKind)enum_from_db(&paten__fee_kind__descriptor, "FEE_KIND_", S(14));
    f->state = (Paten__FileState)pd_file_state_from_db(S(15));
    f->resumes_to = (Paten__FileState)pd_file_state_from_db(S(16));
    f->applicant = pd_msg_keep(m, g_new0(Paten__Applicant, 1));
    pd_applicant_from_row(f->applicant, res, row, col0 + 17);
    if ((o = pd_json_object(pd_msg_parse(m, S(27)))) != NULL) {
        f->representative = pd_msg_keep(m, g_new0(Paten__Representative, 1));
        paten__representative__init(f->representative);
        f->representative->name = pd_json_str(o, "name");
        f->representative->nik = pd_json_str(o, "nik");
        f->representative->phone = pd_json_str(o, "phone");
    }
    f->fields = field_values(m, pd_json_array(pd_msg_parse(m, S(28))), &f->n_fields);
    f->requirements = string_list(m, pd_json_array(pd_msg_parse(m, S(29))), &f->n_requirements);
    f->received_at_ms = I(30);
    f->deadline_ms = I(31);
    f->deadline_working_days = (uint32_t)I(32);
    f->paused_working_days = (uint32_t)I(33);
    f->returned_at_ms = I(34);
    f->returned_reason = S(35);
    f->returned_missing =
        string_list(m, pd_json_array(pd_msg_parse(m, S(36))), &f->n_returned_missing);
    f->survey_needed = B(37);
    if ((o = pd_json_object(pd_msg_parse(m, S(38)))) != NULL) {
        Paten__SurveyReport *r = pd_msg_keep(m, g_new0(Paten__SurveyReport, 1));
        paten__survey_report__init(r);
        r->date = pd_json_str(o, "date");
        r->team = string_list(m, pd_json_array(json_object_get_member(o, "team")), &r->n_team);
        r->findings = pd_json_str(o, "findings");
        r->measurements = field_values(m, pd_json_array(json_object_get_member(o, "measurements")),
                                       &r->n_measurements);
        r->filed_by_name = pd_json_str(o, "filed_by");
        r->filed_at_ms = pd_json_int(o, "filed_at_ms");
        r->number = pd_json_str(o, "number");
        f->survey = r;
    }
    {
        JsonArray *a = pd_json_array(pd_msg_parse(m, S(39)));
        guint len = a ? json_array_get_length(a) : 0;
        f->meetings = pd_msg_keep(m, g_new0(Paten__MeetingMinutes *, len + 1));
        for (guint i = 0; i < len; i++) {
            JsonObject *mo = json_array_get_object_element(a, i);
            Paten__MeetingMinutes *mm = pd_msg_keep(m, g_new0(Paten__MeetingMinutes, 1));
            paten__meeting_minutes__init(mm);
            mm->date = pd_json_str(mo, "date");
            mm->participants = string_list(
                m, pd_json_array(json_object_get_member(mo, "participants")), &mm->n_participants);
            mm->minutes = pd_json_str(mo, "minutes");
            mm->decision = pd_json_str(mo, "decision");
            mm->filed_by_name = pd_json_str(mo, "filed_by");
            mm->filed_at_ms = pd_json_int(mo, "filed_at_ms");
            mm->number = pd_json_str(mo, "number");
            f->meetings[f->n_meetings++] = mm;
        }
    }
    f->recommended_can_process = B(40);
    f->recommendation_note = S(41);
    f->decision_reason = S(42);
    f->agency_document_number = S(43);
    f->sk_number = S(44);
    f->signed_at_ms = I(45);
    f->signed_by_name = S(46);
    f->signed_as = S(47);
    f->valid_until = S(48);
    f->handed_over_at_ms = I(49);
    f->handed_to_name = S(50);
    f->withdrawn_reason = S(51);
    f->renewal_of_file_id = I(52);
    f->renewal_of_register_number = S(53);
    f->documents = documents(m, pd_json_array(pd_msg_parse(m, S(54))), &f->n_documents);
    f->updated_at_ms = I(55);
    f->assessment = pd_assessment_parse(m, S(59), false);
    f->overdue = pd_file_state_running(f->state) && now_ms > f->deadline_ms;
#undef S
#undef I
#undef B
}

void pd_file_summary_from_row(Paten__FileSummary *s, const PGresult *res, int row, int col0,
                              int64_t now_ms)
{
    paten__file_summary__init(s);
    s->id = pd_db_get_int(res, row, col0);
    s->version = pd_db_get_int(res, row, col0 + 1);
    s->register_number = (char *)pd_db_str(res, row, col0 + 2);
    s->office_code = (char *)pd_db_str(res, row, col0 + 3);
    s->service_code = (char *)pd_db_str(res, row, col0 + 4);
    s->service_name = (char *)pd_db_str(res, row, col0 + 5);
    s->applicant_name = (char *)pd_db_str(res, row, col0 + 6);
    s->state = (Paten__FileState)pd_file_state_from_db(pd_db_str(res, row, col0 + 7));
    s->received_at_ms = pd_db_get_int(res, row, col0 + 8);
    s->deadline_ms = pd_db_get_int(res, row, col0 + 9);
    s->updated_at_ms = pd_db_get_int(res, row, col0 + 10);
    s->overdue = pd_file_state_running(s->state) && now_ms > s->deadline_ms;
}

void pd_file_summary_of(Paten__FileSummary *s, const Paten__File *f)
{
    paten__file_summary__init(s);
    s->id = f->id;
    s->version = f->version;
    s->register_number = f->register_number;
    s->office_code = f->office_code;
    s->service_code = f->service_code;
    s->service_name = f->service_name;
    s->applicant_name = f->applicant ? f->applicant->name : "";
    s->state = f->state;
    s->received_at_ms = f->received_at_ms;
    s->deadline_ms = f->deadline_ms;
    s->overdue = f->overdue;
    s->updated_at_ms = f->updated_at_ms;
}

void pd_disposition_from_row(Paten__Disposition *d, const PGresult *res, int row, int col0,
                             int64_t now_ms)
{
#define S(i) ((char *)pd_db_str(res, row, col0 + (i)))
#define I(i) pd_db_get_int(res, row, col0 + (i))
    paten__disposition__init(d);
    d->id = I(0);
    d->version = I(1);
    d->file_id = I(2);
    d->file_register_number = S(3);
    d->service_name = S(4);
    d->applicant_name = S(5);
    d->file_state = (Paten__FileState)pd_file_state_from_db(S(6));
    d->from_user_id = I(7);
    d->from_name = S(8);
    d->from_as = S(9);
    d->to_user_id = I(10);
    d->to_name = S(11);
    d->to_role = (Paten__Role)pd_role_parse(S(12));
    d->to_office_id = I(13);
    d->instruction = S(14);
    d->due_ms = I(15);
    d->created_at_ms = I(16);
    d->read_at_ms = I(17);
    d->completed_at_ms = I(18);
    d->response = S(19);
    d->overdue = d->completed_at_ms == 0 && now_ms > d->due_ms;
#undef S
#undef I
}

void pd_file_add_readback(struct pd_db_batch *b, int64_t file_id, int64_t region_id)
{
    pd_db_batch_add(b, PD_STMT_FILE_GET);
    pd_db_param_int(b, file_id);
    pd_db_param_int(b, region_id);
    pd_db_batch_add(b, PD_STMT_FILE_HISTORY);
    pd_db_param_int(b, file_id);
    pd_db_batch_add(b, PD_STMT_FILE_DISPOSITIONS);
    pd_db_param_int(b, file_id);
}

bool pd_file_reply_build(Paten__FileReply *reply, struct pd_msg_buf *m,
                         const PGresult *const res[3], int64_t now_ms)
{
    int nh, nd;
    Paten__FileHistoryEntry *h;
    Paten__Disposition *d;

    paten__file_reply__init(reply);
    if (PQntuples(res[0]) != 1)
        return false;
    reply->file = pd_msg_keep(m, g_new0(Paten__File, 1));
    pd_file_from_row(reply->file, m, res[0], 0, 0, now_ms);
    nh = PQntuples(res[1]);
    h = pd_msg_keep(m, g_new0(Paten__FileHistoryEntry, nh + 1));
    reply->history = pd_msg_keep(m, g_new0(Paten__FileHistoryEntry *, nh + 1));
    for (int i = 0; i < nh; i++) {
        paten__file_history_entry__init(&h[i]);
        h[i].at_ms = pd_db_get_int(res[1], i, 0);
        h[i].action = (char *)pd_db_str(res[1], i, 1);
        h[i].from_state = (Paten__FileState)pd_file_state_from_db(pd_db_str(res[1], i, 2));
        h[i].to_state = (Paten__FileState)pd_file_state_from_db(pd_db_str(res[1], i, 3));
        h[i].actor_name = (char *)pd_db_str(res[1], i, 4);
        h[i].actor_as = (char *)pd_db_str(res[1], i, 5);
        h[i].note = (char *)pd_db_str(res[1], i, 6);
        reply->history[i] = &h[i];
    }
    reply->n_history = (size_t)nh;
    nd = PQntuples(res[2]);
    d = pd_msg_keep(m, g_new0(Paten__Disposition, nd + 1));
    reply->dispositions = pd_msg_keep(m, g_new0(Paten__Disposition *, nd + 1));
    for (int i = 0; i < nd; i++) {
        pd_disposition_from_row(&d[i], res[2], i, 0, now_ms);
        reply->dispositions[i] = &d[i];
    }
    reply->n_dispositions = (size_t)nd;
    return true;
}

#define STATE_AWAITING_ASSESSMENT PATEN__FILE_STATE__FILE_STATE_AWAITING_ASSESSMENT
#define ASSESSOR_ROLES \
    (PD_ROLE_BIT(PATEN__ROLE__ROLE_PETUGAS_SKRD) | PD_ROLE_BIT(PATEN__ROLE__ROLE_PETUGAS_PAJAK))

/* Who sees a file's events: the kecamatan's own staff, and the readers of the region. */
#define FILE_EVENT_ROLES                                                                      \
    (PD_ROLE_BIT(PATEN__ROLE__ROLE_LOKET) | PD_ROLE_BIT(PATEN__ROLE__ROLE_CAMAT) |            \
     PD_ROLE_BIT(PATEN__ROLE__ROLE_SEKRETARIAT) | PD_ROLE_BIT(PATEN__ROLE__ROLE_TIM_TEKNIS) | \
     PD_ROLE_BIT(PATEN__ROLE__ROLE_KASIR) | PD_ROLE_BIT(PATEN__ROLE__ROLE_PIMPINAN) |         \
     PD_ROLE_BIT(PATEN__ROLE__ROLE_AUDITOR))

void pd_file_add_event(struct pd_db_batch *b, int64_t at_ms, int64_t region_id,
                       const Paten__File *f, const char *action)
{
    pd_file_add_event_to(b, at_ms, region_id, f->office_id, FILE_EVENT_ROLES, f, action);
}

void pd_file_add_event_to(struct pd_db_batch *b, int64_t at_ms, int64_t region_id,
                          int64_t office_id, pd_roleset roles, const Paten__File *f,
                          const char *action)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__FileChanged fc = PATEN__FILE_CHANGED__INIT;
    Paten__FileSummary s;

    pd_file_summary_of(&s, f);
    fc.file = &s;
    fc.action = (char *)action;
    ev.at_ms = at_ms;
    ev.body_case = PATEN__EVENT__BODY_FILE_CHANGED;
    ev.file_changed = &fc;
    pd_event_add(b, at_ms, "FILE_CHANGED", region_id, office_id, roles, 0, &ev);
}

void pd_acting_as(const struct pd_request *req, const char *office_name, char *out, size_t cap)
{
    if (req->on_behalf_of && strcmp(req->on_behalf_of, "CAMAT") == 0)
        snprintf(out, cap, "a.n. Camat %s", office_name);
    else if (cap > 0)
        out[0] = '\0';
}

/* ---- the change engine ---------------------------------------------------------------------- */

const char *pd_file_op_col(const struct pd_file_op *op, enum pd_file_lock_col c)
{
    return op->lock[c] ? op->lock[c] : "";
}

int64_t pd_file_op_int(const struct pd_file_op *op, enum pd_file_lock_col c)
{
    return g_ascii_strtoll(pd_file_op_col(op, c), NULL, 10);
}

bool pd_file_op_bool(const struct pd_file_op *op, enum pd_file_lock_col c)
{
    return strcmp(pd_file_op_col(op, c), "t") == 0;
}

int pd_file_op_tz(const struct pd_file_op *op)
{
    int tz = paten_tz_offset_minutes(pd_file_op_col(op, PD_FL_TIME_ZONE));
    return tz < 0 ? 7 * 60 : tz;
}

static void op_free(void *arg)
{
    struct pd_file_op *op = arg;

    for (int i = 0; i < PD_FL__COUNT; i++)
        free(op->lock[i]);
    free(op->closed);
    if (op->data && op->spec->free_data)
        op->spec->free_data(op->data);
    free(op->data);
    free(op);
}

void pd_file_op_refuse(struct pd_file_op *op, int code, const char *message, const char *field,
                       const char *detail)
{
    pd_idem_abort_state(op->req, op->t, code, message, field, op->state,
                        pd_file_op_int(op, PD_FL_VERSION), detail);
    op_free(op);
}

void pd_file_op_add_history(struct pd_file_op *op, struct pd_db_batch *b, const char *action,
                            int from, int to, const char *note)
{
    pd_db_batch_add(b, PD_STMT_HISTORY_INSERT);
    pd_db_param_int(b, op->file_id);
    pd_db_param_int(b, op->req->now_ms);
    pd_db_param_text(b, action);
    pd_db_param_text(b, from ? pd_file_state_db(from) : NULL);
    pd_db_param_text(b, to ? pd_file_state_db(to) : NULL);
    pd_db_param_int(b, op->req->session->user_id);
    pd_db_param_text(b, op->actor_as);
    pd_db_param_text(b, note ? note : "");
}

static void op_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_file_op *op = arg;
    struct pd_request *req = op->req;
    Paten__FileReply reply;
    struct pd_msg_buf m;
    struct pd_db_batch *b;
    const PGresult *res[3];

    if (r->status < 0) {
        pd_idem_fail_db(req, r, op->action);
        op_free(op);
        return;
    }
    res[0] = r->res[r->n - 3];
    res[1] = r->res[r->n - 2];
    res[2] = r->res[r->n - 1];
    pd_msg_buf_init(&m);
    if (!pd_file_reply_build(&reply, &m, res, req->now_ms)) {
        pd_msg_buf_clear(&m);
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the changed file is missing");
        op_free(op);
        return;
    }
    b = pd_db_batch_new();
    pd_file_add_event(b, req->now_ms, req->session->region_id, reply.file, op->action);
    /* The assessing office's queue shows files entering and leaving AWAITING_ASSESSMENT. */
    if (pd_file_op_int(op, PD_FL_ASSESSOR_OFFICE_ID) != 0 &&
        (op->state == STATE_AWAITING_ASSESSMENT || op->to_state == STATE_AWAITING_ASSESSMENT))
        pd_file_add_event_to(b, req->now_ms, req->session->region_id,
                             pd_file_op_int(op, PD_FL_ASSESSOR_OFFICE_ID), ASSESSOR_ROLES,
                             reply.file, op->action);
    if (op->spec->finish) {
        const ProtobufCMessage *other = op->spec->finish(op, r, &reply, b, &m);
        if (other) {
            pd_info(req->conn_id, "file %s: %s by %s", reply.file->register_number, op->action,
                    req->session->username);
            pd_idem_commit(req, t, b, other);
            pd_msg_buf_clear(&m);
            op_free(op);
            return;
        }
    }
    pd_info(req->conn_id, "file %s: %s by %s (%s -> %s)", reply.file->register_number, op->action,
            req->session->username, pd_file_state_db(op->state),
            op->to_state ? pd_file_state_db(op->to_state) : pd_file_state_db(op->state));
    pd_idem_commit(req, t, b, &reply.base);
    pd_msg_buf_clear(&m);
    op_free(op);
}

/* Writes the change, its history, document and audit rows, and reads the file back. */
static void op_change(struct pd_file_op *op)
{
    struct pd_request *req = op->req;
    struct pd_db_batch *b = pd_db_batch_new();
    g_autofree char *after = NULL;
    g_autofree char *note = g_strescape(op->note, NULL);
    char idtext[24];

    pd_file_op_add_history(op, b, op->action, op->to_state ? op->state : 0, op->to_state, op->note);
    op->spec->change(op, b);
    if (op->doc_kind)
        pd_doc_add_insert(b, &op->doc, req->session->user_id);
    if (op->doc2_kind)
        pd_doc_add_insert(b, &op->doc2, req->session->user_id);
    if (op->spec->after_doc)
        op->spec->after_doc(op, b);
    after = g_strdup_printf("{\"register_number\": \"%s\", \"action\": \"%s\", \"from\": \"%s\", "
                            "\"to\": \"%s\", \"version\": %lld, \"document\": \"%s\", "
                            "\"note\": \"%s\"}",
                            pd_file_op_col(op, PD_FL_REGISTER_NUMBER), op->action,
                            pd_file_state_db(op->state),
                            pd_file_state_db(op->to_state ? op->to_state : op->state),
                            (long long)op->version + 1, op->doc_kind ? op->doc.number : "", note);
    snprintf(idtext, sizeof idtext, "%lld", (long long)op->file_id);
    pd_audit_add(b, req,
                 op->spec->by_assessor ? req->session->office_id
                                       : pd_file_op_int(op, PD_FL_OFFICE_ID),
                 op->action, "file", idtext, NULL, after);
    pd_file_add_readback(b, op->file_id, req->session->region_id);
    pd_db_txn_run(op->t, b, op_written, op);
}

static void op_numbered(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_file_op *op = arg;
    char err[200];

    (void)t;
    if (r->status < 0) {
        pd_idem_fail_db(op->req, r, "numbering a document");
        op_free(op);
        return;
    }
    if (pd_doc_sign(&op->doc, r->res[0], r->res[1], err, sizeof err) < 0 ||
        (op->doc2_kind && pd_doc_sign(&op->doc2, r->res[2], r->res[3], err, sizeof err) < 0)) {
        pd_file_op_refuse(op, PATEN_ERR_INTERNAL, NULL, NULL, err);
        return;
    }
    op_change(op);
}

static void op_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                       void *arg)
{
    struct pd_file_op *op = arg;
    const PGresult *res = r->res[0];
    char detail[200];

    op->t = t;
    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Berkas tidak ditemukan", "file_id",
                      "no such file in the caller's region");
        op_free(op);
        return;
    }
    for (int i = 0; i < PD_FL__COUNT; i++)
        op->lock[i] = pd_xstrdup(pd_db_str(res, 0, i));
    op->state = pd_file_state_from_db(pd_file_op_col(op, PD_FL_STATE));
    if (op->spec->by_assessor) {
        if (pd_file_op_int(op, PD_FL_ASSESSOR_OFFICE_ID) != req->session->office_id) {
            pd_file_op_refuse(op, PATEN_ERR_PERMISSION_DENIED,
                              "Berkas ini tidak ditetapkan oleh kantor Anda", "file_id",
                              "another office assesses this file's fee");
            return;
        }
    } else if (pd_file_op_int(op, PD_FL_OFFICE_ID) != req->session->office_id) {
        pd_file_op_refuse(op, PATEN_ERR_PERMISSION_DENIED, "Berkas ini milik kecamatan lain",
                          "file_id", "the file belongs to another office");
        return;
    }
    if (op->spec->any_version)
        op->version = pd_file_op_int(op, PD_FL_VERSION);
    if (pd_file_op_int(op, PD_FL_VERSION) != op->version) {
        snprintf(detail, sizeof detail, "version %lld is stale; the file is at version %lld, %s",
                 (long long)op->version, (long long)pd_file_op_int(op, PD_FL_VERSION),
                 pd_file_state_db(op->state));
        pd_file_op_refuse(op, PATEN_ERR_CONFLICT,
                          "Berkas telah diubah orang lain; muat ulang lalu putuskan lagi",
                          "version", detail);
        return;
    }
    if (!(op->spec->from_states & PD_STATE_BIT(op->state))) {
        g_autofree char *msg = g_strdup_printf("Berkas berstatus %s tidak dapat %s",
                                               pd_file_state_db(op->state), op->spec->verb);
        snprintf(detail, sizeof detail, "%s is not allowed from %s", op->spec->action,
                 pd_file_state_db(op->state));
        pd_file_op_refuse(op, PATEN_ERR_FAILED_PRECONDITION, msg, NULL, detail);
        return;
    }
    pd_acting_as(req, pd_file_op_col(op, PD_FL_OFFICE_NAME), op->actor_as, sizeof op->actor_as);
    op->action = op->spec->action;
    op->to_state = op->spec->to_state;
    op->doc_kind = op->spec->doc_kind;
    if (op->spec->needs_calendar) {
        const PGresult *days = r->res[1];
        op->closed = pd_xcalloc((size_t)PQntuples(days) + 1, sizeof *op->closed);
        for (int i = 0; i < PQntuples(days); i++)
            op->closed[i] = (paten_day)pd_db_get_int(days, i, 0);
        op->cal.closed = op->closed;
        op->cal.n_closed = (size_t)PQntuples(days);
    }
    op->reads = r;
    op->first_read = op->spec->needs_calendar ? 2 : 1;
    if (op->spec->check && op->spec->check(op) < 0)
        return;
    op->reads = NULL;
    if (op->doc_kind) {
        struct pd_db_batch *b = pd_db_batch_new();
        op->doc.kind = op->doc_kind;
        op->doc.office_id =
            op->spec->by_assessor ? req->session->office_id : pd_file_op_int(op, PD_FL_OFFICE_ID);
        op->doc.region_id = pd_file_op_int(op, PD_FL_REGION_ID);
        snprintf(op->doc.region_code, sizeof op->doc.region_code, "%s",
                 pd_file_op_col(op, PD_FL_REGION_CODE));
        pd_doc_set_time(&op->doc, req->now_ms, pd_file_op_tz(op));
        snprintf(op->doc.subject, sizeof op->doc.subject, "%s",
                 pd_file_op_col(op, PD_FL_APPLICANT_NAME));
        snprintf(op->doc.file_number, sizeof op->doc.file_number, "%s",
                 pd_file_op_col(op, PD_FL_REGISTER_NUMBER));
        snprintf(op->doc.signed_as, sizeof op->doc.signed_as, "%s", op->actor_as);
        pd_doc_add_take(b, &op->doc);
        if (op->doc2_kind) {
            struct pd_doc *d2 = &op->doc2;
            d2->kind = op->doc2_kind;
            d2->office_id = op->doc2_office_id;
            d2->region_id = op->doc.region_id;
            snprintf(d2->region_code, sizeof d2->region_code, "%s", op->doc.region_code);
            pd_doc_set_time(d2, req->now_ms, pd_file_op_tz(op));
            snprintf(d2->subject, sizeof d2->subject, "%s", op->doc.subject);
            snprintf(d2->file_number, sizeof d2->file_number, "%s", op->doc.file_number);
            pd_doc_add_take(b, d2);
        }
        pd_db_txn_run(t, b, op_numbered, op);
        return;
    }
    op_change(op);
}

void pd_file_op_start(struct pd_request *req, const struct pd_file_op_spec *spec,
                      const char *idempotency_key, int64_t file_id, int64_t version, void *data)
{
    struct pd_file_op *op;
    struct pd_db_batch *b;

    if (file_id <= 0) {
        free(data);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "file_id", "file_id is required");
        return;
    }
    if (version <= 0 && !spec->any_version) {
        free(data);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "version",
                        "send the version of the file you saw");
        return;
    }
    b = pd_idem_start(req, idempotency_key);
    if (b == NULL) {
        free(data);
        return;
    }
    op = pd_xcalloc(1, sizeof *op);
    op->req = req;
    op->spec = spec;
    op->file_id = file_id;
    op->version = version;
    op->data = data;
    pd_db_batch_add(b, PD_STMT_FILE_LOCK);
    pd_db_param_int(b, file_id);
    pd_db_param_int(b, req->session->region_id);
    if (spec->needs_calendar) {
        pd_db_batch_add(b, PD_STMT_FILE_CLOSED_DAYS);
        pd_db_param_int(b, file_id);
        pd_db_param_int(b, req->now_ms);
    }
    if (spec->add_reads)
        spec->add_reads(op, b);
    pd_idem_begin(req, b, op_claimed, op, op_free);
}
