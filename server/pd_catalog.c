/*
 * pd_catalog.c: the service catalog of a region: ListServices, GetService and the ADMIN's
 * SaveService.
 *
 * A service's content is versioned: SaveService writes a new version (never changing an old one)
 * and makes it current, so files taken in under an older version keep theirs. Requirements, form
 * fields and criteria are stored as JSON (format in migrations/0003_calendar_catalog.sql) and
 * converted here, field by field, to and from their protobuf messages; everything is checked
 * before it is stored, so a service that reaches a counter is always usable.
 */
#include "pd_catalog.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_criteria.h"
#include "pd_db.h"
#include "pd_dispatch.h"
#include "pd_events.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_server.h"

#include <ctype.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 200
#define MAX_ITEMS    100

/* ---- names of enum values as the database has them ----------------------------------------- */

struct enum_name {
    int value;
    const char *db;
};

#define ENUM_LOOKUP(table, fn_to, fn_from)                    \
    static const char *fn_to(int v)                           \
    {                                                         \
        for (size_t i = 0; i < G_N_ELEMENTS(table); i++)      \
            if (table[i].value == v)                          \
                return table[i].db;                           \
        return NULL;                                          \
    }                                                         \
    static int fn_from(const char *s)                         \
    {                                                         \
        for (size_t i = 0; s && i < G_N_ELEMENTS(table); i++) \
            if (strcmp(table[i].db, s) == 0)                  \
                return table[i].value;                        \
        return 0;                                             \
    }

static const struct enum_name kinds[] = {
    { PATEN__SERVICE_KIND__SERVICE_KIND_STRUCTURED, "STRUCTURED" },
    { PATEN__SERVICE_KIND__SERVICE_KIND_UNSTRUCTURED, "UNSTRUCTURED" },
};
static const struct enum_name surveys[] = {
    { PATEN__SURVEY_POLICY__SURVEY_POLICY_REQUIRED, "REQUIRED" },
    { PATEN__SURVEY_POLICY__SURVEY_POLICY_CAMAT_CHOICE, "CAMAT_CHOICE" },
    { PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE, "NONE" },
};
static const struct enum_name authorities[] = {
    { PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_CAMAT, "CAMAT" },
    { PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED, "FORWARDED" },
};
static const struct enum_name fees[] = {
    { PATEN__FEE_KIND__FEE_KIND_NONE, "NONE" },
    { PATEN__FEE_KIND__FEE_KIND_RETRIBUSI, "RETRIBUSI" },
    { PATEN__FEE_KIND__FEE_KIND_PAJAK, "PAJAK" },
};
static const struct enum_name validities[] = {
    { PATEN__VALIDITY_UNIT__VALIDITY_UNIT_NONE, "NONE" },
    { PATEN__VALIDITY_UNIT__VALIDITY_UNIT_YEARS, "YEARS" },
    { PATEN__VALIDITY_UNIT__VALIDITY_UNIT_MONTHS, "MONTHS" },
    { PATEN__VALIDITY_UNIT__VALIDITY_UNIT_WORKING_DAYS, "WORKING_DAYS" },
};
static const struct enum_name field_types[] = {
    { PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER, "NUMBER" },
    { PATEN__FIELD_TYPE__FIELD_TYPE_TEXT, "TEXT" },
    { PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE, "CHOICE" },
    { PATEN__FIELD_TYPE__FIELD_TYPE_DATE, "DATE" },
    { PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO, "YES_NO" },
};

ENUM_LOOKUP(kinds, kind_db, kind_from_db)
ENUM_LOOKUP(surveys, survey_db, survey_from_db)
ENUM_LOOKUP(authorities, authority_db, authority_from_db)
ENUM_LOOKUP(fees, fee_db, fee_from_db)
ENUM_LOOKUP(validities, validity_db, validity_from_db)
ENUM_LOOKUP(field_types, field_type_db, field_type_from_db)

/* ---- reading services out of rows --------------------------------------------------------- */

void pd_service_buf_free(struct pd_service_buf *b)
{
    if (b == NULL)
        return;
    g_ptr_array_free(b->keep, TRUE);
    g_ptr_array_free(b->parsers, TRUE);
    free(b);
}

/* Remembers p for pd_service_buf_free and returns it. */
static void *keep(struct pd_service_buf *b, void *p)
{
    g_ptr_array_add(b->keep, p);
    return p;
}

static JsonArray *parse_array(struct pd_service_buf *b, const char *text)
{
    JsonParser *p = json_parser_new();

    /* The nodes, and the strings read from them, live as long as the parser. */
    g_ptr_array_add(b->parsers, p);
    if (!json_parser_load_from_data(p, text, -1, NULL) ||
        !JSON_NODE_HOLDS_ARRAY(json_parser_get_root(p)))
        return NULL;
    return json_node_get_array(json_parser_get_root(p));
}

static char *str_member(JsonObject *o, const char *name)
{
    return (char *)json_object_get_string_member_with_default(o, name, "");
}

struct pd_service_buf *pd_service_from_row(const PGresult *res, int row, int col0)
{
    struct pd_service_buf *b = pd_xcalloc(1, sizeof *b);
    Paten__Service *s = &b->service;
    JsonArray *a;

    b->keep = g_ptr_array_new_with_free_func(g_free);
    b->parsers = g_ptr_array_new_with_free_func(g_object_unref);
    paten__service__init(s);
    s->id = pd_db_get_int(res, row, col0 + 0);
    s->code = (char *)pd_db_str(res, row, col0 + 1);
    s->version = (int32_t)pd_db_get_int(res, row, col0 + 2);
    s->name = (char *)pd_db_str(res, row, col0 + 3);
    s->kind = (Paten__ServiceKind)kind_from_db(pd_db_str(res, row, col0 + 4));
    s->survey = (Paten__SurveyPolicy)survey_from_db(pd_db_str(res, row, col0 + 5));
    s->authority = (Paten__IssuingAuthority)authority_from_db(pd_db_str(res, row, col0 + 6));
    s->forward_agency = (char *)pd_db_str(res, row, col0 + 7);
    s->fee = (Paten__FeeKind)fee_from_db(pd_db_str(res, row, col0 + 8));
    s->assessor_office_id = pd_db_get_int(res, row, col0 + 9);
    s->treasurer_office_id = pd_db_get_int(res, row, col0 + 10);
    s->deadline_working_days = (uint32_t)pd_db_get_int(res, row, col0 + 11);
    s->validity_unit = (Paten__ValidityUnit)validity_from_db(pd_db_str(res, row, col0 + 12));
    s->validity_amount = (uint32_t)pd_db_get_int(res, row, col0 + 13);
    s->legal_basis = (char *)pd_db_str(res, row, col0 + 14);
    s->active = pd_db_get_bool(res, row, col0 + 18);
    s->region_code = (char *)pd_db_str(res, row, col0 + 19);

    if ((a = parse_array(b, pd_db_str(res, row, col0 + 15))) != NULL) {
        guint n = json_array_get_length(a);
        s->requirements = keep(b, g_new0(Paten__Requirement *, n ? n : 1));
        for (guint i = 0; i < n; i++) {
            JsonObject *o = json_array_get_object_element(a, i);
            Paten__Requirement *r = keep(b, g_new0(Paten__Requirement, 1));
            paten__requirement__init(r);
            if (o) {
                r->code = str_member(o, "code");
                r->text = str_member(o, "text");
                r->when = str_member(o, "when");
            }
            s->requirements[s->n_requirements++] = r;
        }
    }
    if ((a = parse_array(b, pd_db_str(res, row, col0 + 16))) != NULL) {
        guint n = json_array_get_length(a);
        s->fields = keep(b, g_new0(Paten__FieldSpec *, n ? n : 1));
        for (guint i = 0; i < n; i++) {
            JsonObject *o = json_array_get_object_element(a, i);
            Paten__FieldSpec *f = keep(b, g_new0(Paten__FieldSpec, 1));
            paten__field_spec__init(f);
            if (o) {
                JsonArray *choices = json_object_has_member(o, "choices")
                                         ? json_object_get_array_member(o, "choices")
                                         : NULL;
                f->name = str_member(o, "name");
                f->label = str_member(o, "label");
                f->type = (Paten__FieldType)field_type_from_db(str_member(o, "type"));
                f->unit = str_member(o, "unit");
                f->required = json_object_get_boolean_member_with_default(o, "required", FALSE);
                f->min = str_member(o, "min");
                f->max = str_member(o, "max");
                if (choices && json_array_get_length(choices) > 0) {
                    guint nc = json_array_get_length(choices);
                    f->choices = keep(b, g_new0(char *, nc));
                    for (guint c = 0; c < nc; c++)
                        f->choices[f->n_choices++] =
                            (char *)json_array_get_string_element(choices, c);
                }
            }
            s->fields[s->n_fields++] = f;
        }
    }
    if ((a = parse_array(b, pd_db_str(res, row, col0 + 17))) != NULL) {
        guint n = json_array_get_length(a);
        s->criteria = keep(b, g_new0(Paten__Criterion *, n ? n : 1));
        for (guint i = 0; i < n; i++) {
            JsonObject *o = json_array_get_object_element(a, i);
            Paten__Criterion *c = keep(b, g_new0(Paten__Criterion, 1));
            paten__criterion__init(c);
            if (o && json_object_has_member(o, "rule")) {
                c->rule_json = keep(b, json_to_string(json_object_get_member(o, "rule"), FALSE));
                c->reason = str_member(o, "reason");
            }
            s->criteria[s->n_criteria++] = c;
        }
    }
    return b;
}

/* ---- writing services as JSON ---------------------------------------------------------------- */

static char *requirements_json(const Paten__Service *s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < s->n_requirements; i++) {
        const Paten__Requirement *r = s->requirements[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "code");
        json_builder_add_string_value(b, r->code);
        json_builder_set_member_name(b, "text");
        json_builder_add_string_value(b, r->text);
        json_builder_set_member_name(b, "when");
        json_builder_add_string_value(b, r->when);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

static char *fields_json(const Paten__Service *s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < s->n_fields; i++) {
        const Paten__FieldSpec *f = s->fields[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, f->name);
        json_builder_set_member_name(b, "label");
        json_builder_add_string_value(b, f->label);
        json_builder_set_member_name(b, "type");
        json_builder_add_string_value(b, field_type_db(f->type));
        json_builder_set_member_name(b, "unit");
        json_builder_add_string_value(b, f->unit);
        json_builder_set_member_name(b, "required");
        json_builder_add_boolean_value(b, f->required);
        json_builder_set_member_name(b, "choices");
        json_builder_begin_array(b);
        for (size_t c = 0; c < f->n_choices; c++)
            json_builder_add_string_value(b, f->choices[c]);
        json_builder_end_array(b);
        json_builder_set_member_name(b, "min");
        json_builder_add_string_value(b, f->min);
        json_builder_set_member_name(b, "max");
        json_builder_add_string_value(b, f->max);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* The criteria as stored: each rule embedded as JSON (already validated, so it parses). */
static char *criteria_json(const Paten__Service *s)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < s->n_criteria; i++) {
        const Paten__Criterion *c = s->criteria[i];
        g_autoptr(JsonParser) p = json_parser_new();
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "rule");
        if (json_parser_load_from_data(p, c->rule_json, -1, NULL))
            json_builder_add_value(b, json_node_copy(json_parser_get_root(p)));
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "reason");
        json_builder_add_string_value(b, c->reason);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* ---- checking a service ------------------------------------------------------------------- */

static bool valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 40 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

/* Whether `when` is "", "represented", or "field=value" for a CHOICE or YES_NO field. */
static bool valid_when(const Paten__Service *s, const char *when)
{
    const char *eq;

    if (when[0] == '\0' || strcmp(when, "represented") == 0)
        return true;
    eq = strchr(when, '=');
    if (eq == NULL)
        return false;
    for (size_t i = 0; i < s->n_fields; i++) {
        const Paten__FieldSpec *f = s->fields[i];
        if (strlen(f->name) != (size_t)(eq - when) || strncmp(f->name, when, eq - when) != 0)
            continue;
        if (f->type == PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO)
            return strcmp(eq + 1, "true") == 0 || strcmp(eq + 1, "false") == 0;
        for (size_t c = 0; f->type == PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE && c < f->n_choices; c++)
            if (strcmp(f->choices[c], eq + 1) == 0)
                return true;
        return false;
    }
    return false;
}

/* An office of the region that assesses or receives fees: DPMPTSP or BAPENDA. */
static bool fee_office_ok(struct pd_request *req, int64_t id)
{
    const struct pd_office_entry *o = pd_offices_get(req->srv->offices, id);
    return o && o->region_id == req->session->region_id &&
           (o->kind == PATEN__OFFICE_KIND__OFFICE_KIND_DPMPTSP ||
            o->kind == PATEN__OFFICE_KIND__OFFICE_KIND_BAPENDA);
}

/*
 * Checks everything about a service before it is stored. Returns 0, or -1 after failing the
 * request with INVALID_ARGUMENT naming the field.
 */
static int service_check(struct pd_request *req, const Paten__Service *s)
{
    char err[300];
    const char *field = NULL;

#define BAD(f, ...)                             \
    do {                                        \
        field = (f);                            \
        snprintf(err, sizeof err, __VA_ARGS__); \
        goto bad;                               \
    } while (0)

    if (!valid_code(s->code))
        BAD("service.code", "code must be 2-40 of a-z 0-9 -");
    if (s->name[0] == '\0' || strlen(s->name) > NAME_MAX_LEN)
        BAD("service.name", "name must be 1 to %d bytes", NAME_MAX_LEN);
    if (kind_db(s->kind) == NULL)
        BAD("service.kind", "kind must be STRUCTURED or UNSTRUCTURED");
    if (survey_db(s->survey) == NULL)
        BAD("service.survey", "survey must be REQUIRED, CAMAT_CHOICE or NONE");
    if (s->kind == PATEN__SERVICE_KIND__SERVICE_KIND_UNSTRUCTURED &&
        s->survey != PATEN__SURVEY_POLICY__SURVEY_POLICY_NONE)
        BAD("service.survey", "an unstructured service has no site survey");
    if (authority_db(s->authority) == NULL)
        BAD("service.authority", "authority must be CAMAT or FORWARDED");
    if ((s->authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED) !=
        (s->forward_agency[0] != '\0'))
        BAD("service.forward_agency", "a forwarded service names its agency, and only it");
    if (fee_db(s->fee) == NULL)
        BAD("service.fee", "fee must be NONE, RETRIBUSI or PAJAK");
    if (s->authority == PATEN__ISSUING_AUTHORITY__ISSUING_AUTHORITY_FORWARDED &&
        s->fee != PATEN__FEE_KIND__FEE_KIND_NONE)
        BAD("service.fee", "a forwarded service's fee is the agency's to collect: fee NONE");
    if (s->fee == PATEN__FEE_KIND__FEE_KIND_NONE) {
        if (s->assessor_office_id || s->treasurer_office_id)
            BAD("service.assessor_office_id", "a free service names no assessor or treasurer");
    } else {
        if (!fee_office_ok(req, s->assessor_office_id))
            BAD("service.assessor_office_id",
                "the assessor must be the DPMPTSP or BAPENDA of the region");
        if (!fee_office_ok(req, s->treasurer_office_id))
            BAD("service.treasurer_office_id",
                "the treasurer must be the DPMPTSP or BAPENDA of the region");
    }
    if (s->deadline_working_days < 1 || s->deadline_working_days > 365)
        BAD("service.deadline_working_days", "the deadline is 1 to 365 working days");
    if (validity_db(s->validity_unit) == NULL)
        BAD("service.validity_unit", "validity_unit must be NONE, YEARS, MONTHS or WORKING_DAYS");
    if ((s->validity_unit == PATEN__VALIDITY_UNIT__VALIDITY_UNIT_NONE) != (s->validity_amount == 0))
        BAD("service.validity_amount", "a validity has an amount, and no validity has none");
    if (strlen(s->legal_basis) > 2000)
        BAD("service.legal_basis", "legal_basis is at most 2000 bytes");
    if (s->n_fields > MAX_ITEMS || s->n_requirements > MAX_ITEMS || s->n_criteria > MAX_ITEMS)
        BAD("service", "at most %d fields, requirements and criteria", MAX_ITEMS);
    if (pd_fields_validate(s->fields, s->n_fields, err, sizeof err) < 0) {
        field = "service.fields";
        goto bad;
    }
    for (size_t i = 0; i < s->n_requirements; i++) {
        const Paten__Requirement *r = s->requirements[i];
        if (!valid_code(r->code) || r->text[0] == '\0')
            BAD("service.requirements", "requirement %zu needs a code (a-z 0-9 -) and a text",
                i + 1);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->requirements[k]->code, r->code) == 0)
                BAD("service.requirements", "requirement code '%s' appears twice", r->code);
        if (!valid_when(s, r->when))
            BAD("service.requirements",
                "requirement '%s': when must be \"\", \"represented\" or field=value of a "
                "choice or yes/no field",
                r->code);
    }
    for (size_t i = 0; i < s->n_criteria; i++) {
        const Paten__Criterion *c = s->criteria[i];
        if (c->reason[0] == '\0')
            BAD("service.criteria", "criterion %zu needs a reason", i + 1);
        if (pd_rule_validate(c->rule_json, s->fields, s->n_fields, err, sizeof err) < 0) {
            field = "service.criteria";
            goto bad;
        }
    }
    return 0;
#undef BAD
bad : {
    /* The catalog's author is an ADMIN editing rules: the technical reason is what they need,
     * so it goes into the message shown, not only into the detail. */
    char shown[400];
    snprintf(shown, sizeof shown, "Isian layanan tidak valid: %s", err);
    pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, shown, field, "%s", err);
    return -1;
}
}

/* ---- ListServices, GetService -------------------------------------------------------------- */

static void services_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListServicesReply reply = PATEN__LIST_SERVICES_REPLY__INIT;
    struct pd_service_buf **bufs;
    Paten__Service **ptrs;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing services");
        return;
    }
    n = PQntuples(r->res[0]);
    bufs = pd_xcalloc((size_t)(n ? n : 1), sizeof *bufs);
    ptrs = pd_xcalloc((size_t)(n ? n : 1), sizeof *ptrs);
    for (int i = 0; i < n; i++) {
        bufs[i] = pd_service_from_row(r->res[0], i, 0);
        ptrs[i] = &bufs[i]->service;
    }
    reply.services = ptrs;
    reply.n_services = (size_t)n;
    pd_request_reply(req, &reply.base);
    for (int i = 0; i < n; i++)
        pd_service_buf_free(bufs[i]);
    free(bufs);
    free(ptrs);
}

void pd_handle_list_services(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListServicesRequest *m = (const Paten__ListServicesRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_SERVICES_LIST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_bool(b, m->include_inactive);
    pd_db_run(req->srv->db, b, services_listed, req);
}

/* Replies with the one service the last result holds, or NOT_FOUND when it is empty
 * (another region's service and one that does not exist look alike). */
static void reply_service(struct pd_request *req, const PGresult *res)
{
    Paten__ServiceReply reply = PATEN__SERVICE_REPLY__INIT;
    struct pd_service_buf *b;

    if (PQntuples(res) != 1) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, NULL, "service_id",
                        "no such service (version) in the caller's region");
        return;
    }
    b = pd_service_from_row(res, 0, 0);
    reply.service = &b->service;
    pd_request_reply(req, &reply.base);
    pd_service_buf_free(b);
}

static void service_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the service");
        return;
    }
    reply_service(req, r->res[0]);
}

void pd_handle_get_service(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__GetServiceRequest *m = (const Paten__GetServiceRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_SERVICE_GET);
    pd_db_param_int(b, m->service_id);
    pd_db_param_int(b, m->version < 0 ? -1 : m->version);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, service_read, req);
}

/* ---- SaveService ------------------------------------------------------------------------ */

struct save {
    struct pd_request *req;
    int64_t id;
    int32_t version; /* the version being written */
};

static void save_free(void *arg)
{
    free(arg);
}

/* The new version is written: reply with it, announce it to the region, commit. */
static void save_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct save *sv = arg;
    struct pd_request *req = sv->req;
    Paten__ServiceReply reply = PATEN__SERVICE_REPLY__INIT;
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__ServiceChanged changed = PATEN__SERVICE_CHANGED__INIT;
    struct pd_service_buf *b;
    struct pd_db_batch *batch;
    const PGresult *now;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "saving the service");
        free(sv);
        return;
    }
    now = r->res[r->n - 1];
    if (PQntuples(now) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the saved service is missing");
        free(sv);
        return;
    }
    b = pd_service_from_row(now, 0, 0);
    reply.service = &b->service;
    changed.service = &b->service;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_SERVICE_CHANGED;
    ev.service_changed = &changed;
    batch = pd_db_batch_new();
    pd_event_add(batch, req->now_ms, "SERVICE_CHANGED", req->session->region_id, 0, 0, 0, &ev);
    pd_info(req->conn_id, "service %s version %d saved by %s", b->service.code, b->service.version,
            req->session->username);
    pd_idem_commit(req, t, batch, &reply.base);
    pd_service_buf_free(b);
    free(sv);
}

/* Adds the version insert, the audit row and the read-back of the version to b. */
static void add_version(struct pd_db_batch *b, struct pd_request *req, const Paten__Service *s,
                        int64_t id, int32_t version)
{
    g_autofree char *reqs = requirements_json(s);
    g_autofree char *fields = fields_json(s);
    g_autofree char *crit = criteria_json(s);
    g_autofree char *after = NULL;
    char idtext[24];

    pd_db_batch_add(b, PD_STMT_SERVICE_VERSION_INSERT);
    pd_db_param_int(b, id);
    pd_db_param_int(b, version);
    pd_db_param_text(b, s->name);
    pd_db_param_text(b, kind_db(s->kind));
    pd_db_param_text(b, survey_db(s->survey));
    pd_db_param_text(b, authority_db(s->authority));
    pd_db_param_text(b, s->forward_agency);
    pd_db_param_text(b, fee_db(s->fee));
    pd_db_param_int(b, s->assessor_office_id);
    pd_db_param_int(b, s->treasurer_office_id);
    pd_db_param_int(b, s->deadline_working_days);
    pd_db_param_text(b, validity_db(s->validity_unit));
    pd_db_param_int(b, s->validity_amount);
    pd_db_param_text(b, s->legal_basis);
    pd_db_param_text(b, reqs);
    pd_db_param_text(b, fields);
    pd_db_param_text(b, crit);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    {
        g_autofree char *code = g_strescape(s->code, NULL);
        g_autofree char *name = g_strescape(s->name, NULL);
        after = g_strdup_printf("{\"code\": \"%s\", \"version\": %d, \"name\": \"%s\", "
                                "\"fee\": \"%s\", \"deadline_working_days\": %u}",
                                code, version, name, fee_db(s->fee), s->deadline_working_days);
    }
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    pd_audit_add(b, req, req->session->office_id,
                 version == 1 ? "SERVICE_CREATED" : "SERVICE_VERSION_ADDED", "service", idtext,
                 NULL, after);
}

/* Adds the read-back of a version, which save_written expects as the batch's last result. */
static void add_read_back(struct pd_db_batch *b, struct pd_request *req, int64_t id,
                          int32_t version)
{
    pd_db_batch_add(b, PD_STMT_SERVICE_GET);
    pd_db_param_int(b, id);
    pd_db_param_int(b, version);
    pd_db_param_int(b, req->session->region_id);
}

static void service_inserted(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct save *sv = arg;
    struct pd_request *req = sv->req;
    const Paten__SaveServiceRequest *m = (const Paten__SaveServiceRequest *)req->in.msg;
    struct pd_db_batch *b;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "creating the service");
        free(sv);
        return;
    }
    sv->id = pd_db_get_int(r->res[0], 0, 0);
    b = pd_db_batch_new();
    add_version(b, req, m->service, sv->id, 1);
    add_read_back(b, req, sv->id, 1);
    pd_db_txn_run(t, b, save_written, sv);
}

static void save_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                         void *arg)
{
    const Paten__SaveServiceRequest *m = (const Paten__SaveServiceRequest *)req->in.msg;
    const Paten__Service *s = m->service;
    struct save *sv = arg;
    struct pd_db_batch *b = pd_db_batch_new();

    if (s->id == 0) {
        pd_db_batch_add(b, PD_STMT_SERVICE_INSERT);
        pd_db_param_int(b, req->session->region_id);
        pd_db_param_text(b, s->code);
        pd_db_txn_run(t, b, service_inserted, sv);
        return;
    }
    pd_db_batch_free(b);
    if (PQntuples(r->res[0]) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, NULL, "service.id",
                      "no such service in the caller's region");
        free(sv);
        return;
    }
    if (pd_db_get_int(r->res[0], 0, 0) != s->version) {
        char detail[96];
        snprintf(detail, sizeof detail, "version %d is stale; the service is at version %lld",
                 s->version, (long long)pd_db_get_int(r->res[0], 0, 0));
        pd_idem_abort(req, t, PATEN_ERR_CONFLICT, NULL, "service.version", detail);
        free(sv);
        return;
    }
    if (strcmp(pd_db_str(r->res[0], 0, 1), s->code) != 0) {
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT, "Kode layanan tidak dapat diubah",
                      "service.code", "a service's code never changes");
        free(sv);
        return;
    }
    sv->id = s->id;
    sv->version = s->version + 1;
    b = pd_db_batch_new();
    add_version(b, req, s, s->id, sv->version);
    pd_db_batch_add(b, PD_STMT_SERVICE_SET_CURRENT);
    pd_db_param_int(b, s->id);
    pd_db_param_int(b, sv->version);
    pd_db_param_bool(b, s->active);
    add_read_back(b, req, s->id, sv->version);
    pd_db_txn_run(t, b, save_written, sv);
}

void pd_handle_save_service(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SaveServiceRequest *m = (const Paten__SaveServiceRequest *)msg;
    struct pd_db_batch *b;
    struct save *sv;

    if (m->service == NULL) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "service", "service is missing");
        return;
    }
    if (m->service->id != 0 && m->service->version < 1) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "service.version",
                        "send the version you edited");
        return;
    }
    if (service_check(req, m->service) < 0)
        return;
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    if (m->service->id != 0) {
        pd_db_batch_add(b, PD_STMT_SERVICE_LOCK);
        pd_db_param_int(b, m->service->id);
        pd_db_param_int(b, req->session->region_id);
    }
    sv = pd_xcalloc(1, sizeof *sv);
    sv->req = req;
    pd_idem_begin(req, b, save_claimed, sv, save_free);
}
