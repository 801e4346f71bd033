/*
 * pd_assess_rows.c: assessments, tariffs, interest regimes and taxpayers as the protocol shows
 * them, read from the JSON the database makes of their rows (row_to_json), so that a file's
 * latest assessment (a column of file_view) and a whole assessment row are read by one function.
 */
#include "pd_assess.h"

#include <string.h>

static int kind_of(const char *s)
{
    return strcmp(s, "SKRD") == 0   ? PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKRD
           : strcmp(s, "SKPD") == 0 ? PATEN__ASSESSMENT_KIND__ASSESSMENT_KIND_SKPD
                                    : 0;
}

static int status_of(const char *s)
{
    return strcmp(s, "ISSUED") == 0      ? PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_ISSUED
           : strcmp(s, "CANCELLED") == 0 ? PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_CANCELLED
           : strcmp(s, "PAID") == 0      ? PATEN__ASSESSMENT_STATUS__ASSESSMENT_STATUS_PAID
                                         : 0;
}

/* The stored trace's inputs and steps into a. */
static void trace_to_msg(Paten__Assessment *a, struct pd_msg_buf *m, const char *trace)
{
    JsonObject *t = pd_json_object(pd_msg_parse(m, trace));
    JsonArray *in = t ? pd_json_array(json_object_get_member(t, "inputs")) : NULL;
    JsonArray *st = t ? pd_json_array(json_object_get_member(t, "steps")) : NULL;
    guint ni = in ? json_array_get_length(in) : 0, ns = st ? json_array_get_length(st) : 0;

    a->inputs = pd_msg_keep(m, g_new0(Paten__AssessmentInput *, ni + 1));
    for (guint i = 0; i < ni; i++) {
        JsonObject *o = json_array_get_object_element(in, i);
        Paten__AssessmentInput *x = pd_msg_keep(m, g_new0(Paten__AssessmentInput, 1));
        paten__assessment_input__init(x);
        x->label = pd_json_str(o, "label");
        x->field = pd_json_str(o, "field");
        x->value = pd_json_str(o, "value");
        x->source = pd_json_str(o, "source");
        x->note = pd_json_str(o, "note");
        x->original = pd_json_str(o, "original");
        a->inputs[a->n_inputs++] = x;
    }
    a->steps = pd_msg_keep(m, g_new0(Paten__AssessmentStep *, ns + 1));
    for (guint i = 0; i < ns; i++) {
        JsonObject *o = json_array_get_object_element(st, i);
        Paten__AssessmentStep *x = pd_msg_keep(m, g_new0(Paten__AssessmentStep, 1));
        paten__assessment_step__init(x);
        x->what = pd_json_str(o, "what");
        x->value = pd_json_str(o, "value");
        a->steps[a->n_steps++] = x;
    }
    a->exact_amount = pd_json_str(t, "exact");
    a->rounding = pd_json_str(t, "rounding");
}

void pd_assessment_from_json(Paten__Assessment *a, struct pd_msg_buf *m, JsonObject *o,
                             bool with_trace)
{
    paten__assessment__init(a);
    a->id = pd_json_int(o, "id");
    a->kind = (Paten__AssessmentKind)kind_of(pd_json_str(o, "kind"));
    a->number = pd_json_str(o, "number");
    a->status = (Paten__AssessmentStatus)status_of(pd_json_str(o, "status"));
    a->file_id = pd_json_int(o, "file_id");
    a->file_register_number = pd_json_str(o, "file_register_number");
    a->applicant_name = pd_json_str(o, "applicant_name");
    a->service_name = pd_json_str(o, "service_name");
    a->kecamatan_name = pd_json_str(o, "kecamatan_name");
    a->office_id = pd_json_int(o, "office_id");
    a->office_name = pd_json_str(o, "office_name");
    a->principal = pd_json_int(o, "principal");
    a->due_date = pd_json_str(o, "due_date");
    a->issued_date = pd_json_str(o, "issued_date");
    a->issued_at_ms = pd_json_int(o, "issued_at_ms");
    a->issued_by_name = pd_json_str(o, "issued_by_name");
    a->tariff_code = pd_json_str(o, "tariff_code");
    a->tariff_version = (int32_t)pd_json_int(o, "tariff_version");
    a->tariff_name = pd_json_str(o, "tariff_name");
    a->legal_basis = pd_json_str(o, "legal_basis");
    a->formula = (Paten__TariffFormula)pd_formula_from_db(pd_json_str(o, "formula"));
    if (pd_json_int(o, "taxpayer_id") != 0) {
        Paten__Taxpayer *tp = pd_msg_keep(m, g_new0(Paten__Taxpayer, 1));
        paten__taxpayer__init(tp);
        tp->id = pd_json_int(o, "taxpayer_id");
        tp->npwpd = pd_json_str(o, "npwpd");
        tp->name = pd_json_str(o, "taxpayer_name");
        tp->address = pd_json_str(o, "taxpayer_address");
        a->taxpayer = tp;
    }
    a->sptpd_number = pd_json_str(o, "sptpd_number");
    a->sptpd_date = pd_json_str(o, "sptpd_date");
    a->cancelled_reason = pd_json_str(o, "cancelled_reason");
    a->cancelled_at_ms = pd_json_int(o, "cancelled_at_ms");
    a->cancelled_by_name = pd_json_str(o, "cancelled_by_name");
    a->replaces_number = pd_json_str(o, "replaces_number");
    a->verification = pd_json_str(o, "verification");
    a->treasurer_office_id = pd_json_int(o, "treasurer_office_id");
    a->file_version = pd_json_int(o, "file_version");
    a->interest_regime = pd_json_str(o, "interest_regime");
    if (with_trace)
        trace_to_msg(a, m, pd_json_str(o, "trace"));
}

Paten__Assessment *pd_assessment_parse(struct pd_msg_buf *m, const char *text, bool with_trace)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    Paten__Assessment *a;

    if (o == NULL)
        return NULL;
    a = pd_msg_keep(m, g_new0(Paten__Assessment, 1));
    pd_assessment_from_json(a, m, o, with_trace);
    return a;
}

Paten__Tariff *pd_tariff_parse(struct pd_msg_buf *m, const char *text)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    JsonArray *in;
    Paten__Tariff *t;
    guint n;

    if (o == NULL)
        return NULL;
    t = pd_msg_keep(m, g_new0(Paten__Tariff, 1));
    paten__tariff__init(t);
    t->id = pd_json_int(o, "id");
    t->code = pd_json_str(o, "code");
    t->version = (int32_t)pd_json_int(o, "version");
    t->service_code = pd_json_str(o, "service_code");
    t->name = pd_json_str(o, "name");
    t->formula = (Paten__TariffFormula)pd_formula_from_db(pd_json_str(o, "formula"));
    t->legal_basis = pd_json_str(o, "legal_basis");
    t->effective_from = pd_json_str(o, "effective_from");
    t->rounding_mode = (Paten__RoundingMode)pd_rounding_from_db(pd_json_str(o, "rounding_mode"));
    t->rounding_unit = pd_json_int(o, "rounding_unit");
    t->created_at_ms = pd_json_int(o, "created_at_ms");
    t->created_by_name = pd_json_str(o, "created_by_name");
    t->region_code = pd_json_str(o, "region_code");
    in = pd_json_array(json_object_get_member(o, "inputs"));
    n = in ? json_array_get_length(in) : 0;
    t->inputs = pd_msg_keep(m, g_new0(Paten__TariffInput *, n + 1));
    for (guint i = 0; i < n; i++) {
        JsonObject *io = json_array_get_object_element(in, i);
        JsonObject *table = pd_json_object(json_object_get_member(io, "table"));
        Paten__TariffInput *x = pd_msg_keep(m, g_new0(Paten__TariffInput, 1));
        const char *src = pd_json_str(io, "source");

        paten__tariff_input__init(x);
        x->label = pd_json_str(io, "label");
        x->source = strcmp(src, "CONSTANT") == 0 ? PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT
                    : strcmp(src, "FIELD") == 0  ? PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD
                    : strcmp(src, "TABLE") == 0  ? PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE
                                                 : 0;
        x->value = pd_json_str(io, "value");
        x->field = pd_json_str(io, "field");
        if (table) {
            GList *keys = json_object_get_members(table);
            guint nk = g_list_length(keys);
            x->table = pd_msg_keep(m, g_new0(Paten__TariffIndexEntry *, nk + 1));
            for (GList *k = keys; k; k = k->next) {
                Paten__TariffIndexEntry *e = pd_msg_keep(m, g_new0(Paten__TariffIndexEntry, 1));
                paten__tariff_index_entry__init(e);
                e->key = pd_msg_keep(m, g_strdup(k->data));
                e->value = pd_json_str(table, k->data);
                x->table[x->n_table++] = e;
            }
            g_list_free(keys);
        }
        t->inputs[t->n_inputs++] = x;
    }
    return t;
}

Paten__InterestRegime *pd_regime_parse(struct pd_msg_buf *m, const char *text)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    Paten__InterestRegime *r;

    if (o == NULL)
        return NULL;
    r = pd_msg_keep(m, g_new0(Paten__InterestRegime, 1));
    paten__interest_regime__init(r);
    r->id = pd_json_int(o, "id");
    r->version = (int32_t)pd_json_int(o, "version");
    r->name = pd_json_str(o, "name");
    r->legal_basis = pd_json_str(o, "legal_basis");
    r->effective_from = pd_json_str(o, "effective_from");
    r->monthly_bp = (int32_t)pd_json_int(o, "monthly_bp");
    r->max_months = (int32_t)pd_json_int(o, "max_months");
    r->started_month_counts = pd_json_bool(o, "started_month_counts");
    r->rounding_mode = (Paten__RoundingMode)pd_rounding_from_db(pd_json_str(o, "rounding_mode"));
    r->rounding_unit = pd_json_int(o, "rounding_unit");
    r->due_days = (int32_t)pd_json_int(o, "due_days");
    r->created_at_ms = pd_json_int(o, "created_at_ms");
    r->created_by_name = pd_json_str(o, "created_by_name");
    return r;
}

Paten__Taxpayer *pd_taxpayer_parse(struct pd_msg_buf *m, const char *text)
{
    JsonObject *o = pd_json_object(pd_msg_parse(m, text));
    Paten__Taxpayer *t;

    if (o == NULL)
        return NULL;
    t = pd_msg_keep(m, g_new0(Paten__Taxpayer, 1));
    paten__taxpayer__init(t);
    t->id = pd_json_int(o, "id");
    t->npwpd = pd_json_str(o, "npwpd");
    t->name = pd_json_str(o, "name");
    t->address = pd_json_str(o, "address");
    t->nik = pd_json_str(o, "nik");
    t->nib = pd_json_str(o, "nib");
    t->registered_at_ms = pd_json_int(o, "registered_at_ms");
    t->registered_by_name = pd_json_str(o, "registered_by_name");
    return t;
}
