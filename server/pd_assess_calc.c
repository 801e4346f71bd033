/*
 * pd_assess_calc.c: one assessment's calculation: a tariff version's inputs resolved against the
 * file (its form, the survey's measurements, the officer's corrections), the formula computed
 * exactly by common/paten_tariff.c and rounded once, and the trace that records each value's
 * origin. Nothing here does I/O, so the worked examples of the tests run it directly.
 */
#include "paten_decimal.h"
#include "paten_error.h"
#include "pd_assess.h"

#include <stdio.h>
#include <string.h>

static const char *const formula_names[] = { NULL,         "IMB", "HO", "BURIAL", "REKLAME_CHARGE",
                                             "REKLAME_TAX" };
static const char *const rounding_names[] = { "HALF_UP", "HALF_UP", "DOWN", "UP" };

const char *pd_formula_db(int formula)
{
    return formula >= 1 && formula <= 5 ? formula_names[formula] : NULL;
}

int pd_formula_from_db(const char *name)
{
    for (int i = 1; i <= 5; i++)
        if (name && strcmp(name, formula_names[i]) == 0)
            return i;
    return 0;
}

const char *pd_rounding_db(int mode)
{
    return mode >= 0 && mode <= 3 ? rounding_names[mode] : NULL;
}

int pd_rounding_from_db(const char *name)
{
    for (int i = 1; i <= 3; i++)
        if (name && strcmp(name, rounding_names[i]) == 0)
            return i;
    return 0;
}

/* A decimal text as an exact value at its own scale (at most 9 places). */
static int exact_parse(const char *s, paten_exact *out)
{
    const char *dot = strchr(s, '.');
    int scale = dot ? (int)strlen(dot + 1) : 0;
    int64_t v;

    if (scale > 9 || paten_decimal_parse(s, scale, &v) < 0)
        return -1;
    *out = paten_exact_of(v, scale);
    return 0;
}

static const char *obj_str(JsonObject *o, const char *name)
{
    JsonNode *n = o ? json_object_get_member(o, name) : NULL;
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
               ? json_node_get_string(n)
               : "";
}

/* The value named field in a [{"name", "value"}] array, or NULL. */
static const char *lookup(JsonArray *a, const char *field)
{
    guint n = a ? json_array_get_length(a) : 0;

    for (guint i = 0; i < n; i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        if (o && strcmp(obj_str(o, "name"), field) == 0) {
            const char *v = obj_str(o, "value");
            return v[0] ? v : NULL;
        }
    }
    return NULL;
}

static JsonArray *load_array(JsonParser *p, const char *text)
{
    JsonNode *root;

    if (text == NULL || text[0] == '\0' || !json_parser_load_from_data(p, text, -1, NULL))
        return NULL;
    root = json_parser_get_root(p);
    return root && JSON_NODE_HOLDS_ARRAY(root) ? json_node_get_array(root) : NULL;
}

static void rounding_text(paten_rounding r, char *out, size_t cap)
{
    static const char *const how[] = { "setengah ke atas", "ke bawah", "ke atas" };
    char unit[32];

    paten_decimal_format(r.unit, 0, unit, sizeof unit);
    snprintf(out, cap, "dibulatkan %s ke kelipatan Rp %s", how[r.mode], unit);
}

int pd_assess_calculate(const char *formula_db, const char *inputs_json, const char *rounding_db,
                        int64_t rounding_unit, const char *fields_json, const char *survey_json,
                        const struct pd_calc_fix *fixes, size_t n_fixes, struct pd_calc *out,
                        char *msg, size_t msg_cap)
{
    g_autoptr(JsonParser) pi = json_parser_new();
    g_autoptr(JsonParser) pf = json_parser_new();
    g_autoptr(JsonParser) ps = json_parser_new();
    JsonArray *inputs = load_array(pi, inputs_json);
    JsonArray *form = load_array(pf, fields_json);
    JsonArray *survey = load_array(ps, survey_json);
    paten_exact values[PATEN_TARIFF_MAX_INPUTS];
    paten_rounding r;
    int rmode = pd_rounding_from_db(rounding_db);
    int n;

    memset(out, 0, sizeof *out);
    out->formula = pd_formula_from_db(formula_db);
    n = paten_tariff_n_inputs((paten_tariff_kind)out->formula);
    if (n == 0 || inputs == NULL || (int)json_array_get_length(inputs) != n) {
        snprintf(msg, msg_cap, "Tarif tidak lengkap: rumus %s memerlukan %d masukan", formula_db,
                 n);
        return PATEN_ERR_FAILED_PRECONDITION;
    }
    /* Every fix must name a field this tariff reads, once. */
    for (size_t k = 0; k < n_fixes; k++) {
        bool known = false;
        for (int i = 0; i < n; i++) {
            JsonObject *o = json_array_get_object_element(inputs, (guint)i);
            const char *src = obj_str(o, "source");
            if (strcmp(src, "CONSTANT") != 0 && strcmp(obj_str(o, "field"), fixes[k].field) == 0)
                known = true;
        }
        if (!known) {
            snprintf(msg, msg_cap, "Koreksi '%s' bukan masukan tarif ini", fixes[k].field);
            return PATEN_ERR_INVALID_ARGUMENT;
        }
        if (fixes[k].reason == NULL || fixes[k].reason[0] == '\0') {
            snprintf(msg, msg_cap, "Koreksi '%s' wajib disertai alasan", fixes[k].field);
            return PATEN_ERR_INVALID_ARGUMENT;
        }
        for (size_t j = 0; j < k; j++)
            if (strcmp(fixes[j].field, fixes[k].field) == 0) {
                snprintf(msg, msg_cap, "Koreksi '%s' diberikan dua kali", fixes[k].field);
                return PATEN_ERR_INVALID_ARGUMENT;
            }
    }
    for (int i = 0; i < n; i++) {
        JsonObject *o = json_array_get_object_element(inputs, (guint)i);
        struct pd_calc_input *in = &out->in[i];
        const char *src = obj_str(o, "source");
        const char *field = obj_str(o, "field");
        const char *fixed = NULL, *reason = NULL, *raw = NULL;
        const char *dec;

        snprintf(in->label, sizeof in->label, "%s", obj_str(o, "label"));
        for (size_t k = 0; k < n_fixes; k++)
            if (strcmp(src, "CONSTANT") != 0 && strcmp(fixes[k].field, field) == 0) {
                fixed = fixes[k].value;
                reason = fixes[k].reason;
            }
        if (strcmp(src, "CONSTANT") == 0) {
            dec = obj_str(o, "value");
            snprintf(in->source, sizeof in->source, "tarif");
        } else {
            const char *measured = lookup(survey, field);
            raw = measured ? measured : lookup(form, field);
            snprintf(in->field, sizeof in->field, "%s", field);
            snprintf(in->source, sizeof in->source, "%s", measured ? "survei" : "formulir");
            if (fixed) {
                snprintf(in->original, sizeof in->original, "%s", raw ? raw : "");
                snprintf(in->source, sizeof in->source, "koreksi");
                raw = fixed;
            }
            if (strcmp(src, "TABLE") == 0) {
                JsonObject *table = pd_json_object(json_object_get_member(o, "table"));
                const char *key = raw ? raw : "";
                if (table && json_object_has_member(table, key))
                    dec = obj_str(table, key);
                else if (table && json_object_has_member(table, "*"))
                    dec = obj_str(table, "*");
                else {
                    snprintf(msg, msg_cap, "%s: nilai '%s' tidak ada dalam tabel tarif", in->label,
                             key);
                    return fixed ? PATEN_ERR_INVALID_ARGUMENT : PATEN_ERR_FAILED_PRECONDITION;
                }
                if (!fixed)
                    snprintf(in->source, sizeof in->source, "tabel");
                snprintf(in->note, sizeof in->note, "%s%s%s", key, reason ? ": " : "",
                         reason ? reason : "");
            } else {
                dec = raw ? raw : obj_str(o, "value");
                if (!raw && dec[0])
                    snprintf(in->source, sizeof in->source, "tarif");
                if (reason)
                    snprintf(in->note, sizeof in->note, "%s", reason);
            }
        }
        if (dec[0] == '\0') {
            snprintf(msg, msg_cap, "%s belum diisi pada berkas; koreksi dengan alasan", in->label);
            return PATEN_ERR_FAILED_PRECONDITION;
        }
        if (exact_parse(dec, &values[i]) < 0 || values[i].units < 0) {
            snprintf(msg, msg_cap, "%s: '%s' bukan bilangan desimal yang sah", in->label, dec);
            return fixed ? PATEN_ERR_INVALID_ARGUMENT : PATEN_ERR_FAILED_PRECONDITION;
        }
        paten_exact_format(values[i], in->value, sizeof in->value);
    }
    out->n_in = n;
    r.mode = rmode == 2 ? PATEN_ROUND_DOWN : rmode == 3 ? PATEN_ROUND_UP : PATEN_ROUND_HALF_UP;
    r.unit = rounding_unit >= 1 ? rounding_unit : 1;
    if (paten_tariff_calculate((paten_tariff_kind)out->formula, values, r, &out->res) < 0) {
        snprintf(msg, msg_cap, "Perhitungan tidak dapat dilakukan (nilai di luar batas)");
        return PATEN_ERR_FAILED_PRECONDITION;
    }
    paten_exact_format(out->res.exact, out->exact, sizeof out->exact);
    rounding_text(r, out->rounding, sizeof out->rounding);
    return 0;
}

char *pd_assess_trace_json(const struct pd_calc *c)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "inputs");
    json_builder_begin_array(b);
    for (int i = 0; i < c->n_in; i++) {
        const struct pd_calc_input *in = &c->in[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "label");
        json_builder_add_string_value(b, in->label);
        json_builder_set_member_name(b, "field");
        json_builder_add_string_value(b, in->field);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, in->value);
        json_builder_set_member_name(b, "source");
        json_builder_add_string_value(b, in->source);
        json_builder_set_member_name(b, "note");
        json_builder_add_string_value(b, in->note);
        json_builder_set_member_name(b, "original");
        json_builder_add_string_value(b, in->original);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "steps");
    json_builder_begin_array(b);
    for (int i = 0; i < c->res.n_steps; i++) {
        char v[64];
        paten_exact_format(c->res.steps[i].value, v, sizeof v);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "what");
        json_builder_add_string_value(b, c->res.steps[i].what);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, v);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "exact");
    json_builder_add_string_value(b, c->exact);
    json_builder_set_member_name(b, "rounding");
    json_builder_add_string_value(b, c->rounding);
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

void pd_assess_calc_to_msg(const struct pd_calc *c, Paten__Assessment *a, struct pd_msg_buf *m)
{
    a->inputs = pd_msg_keep(m, g_new0(Paten__AssessmentInput *, c->n_in + 1));
    for (int i = 0; i < c->n_in; i++) {
        Paten__AssessmentInput *x = pd_msg_keep(m, g_new0(Paten__AssessmentInput, 1));
        paten__assessment_input__init(x);
        x->label = pd_msg_keep(m, g_strdup(c->in[i].label));
        x->field = pd_msg_keep(m, g_strdup(c->in[i].field));
        x->value = pd_msg_keep(m, g_strdup(c->in[i].value));
        x->source = pd_msg_keep(m, g_strdup(c->in[i].source));
        x->note = pd_msg_keep(m, g_strdup(c->in[i].note));
        x->original = pd_msg_keep(m, g_strdup(c->in[i].original));
        a->inputs[a->n_inputs++] = x;
    }
    a->steps = pd_msg_keep(m, g_new0(Paten__AssessmentStep *, c->res.n_steps + 1));
    for (int i = 0; i < c->res.n_steps; i++) {
        Paten__AssessmentStep *s = pd_msg_keep(m, g_new0(Paten__AssessmentStep, 1));
        char v[64];
        paten__assessment_step__init(s);
        paten_exact_format(c->res.steps[i].value, v, sizeof v);
        s->what = pd_msg_keep(m, g_strdup(c->res.steps[i].what));
        s->value = pd_msg_keep(m, g_strdup(v));
        a->steps[a->n_steps++] = s;
    }
    a->exact_amount = pd_msg_keep(m, g_strdup(c->exact));
    a->rounding = pd_msg_keep(m, g_strdup(c->rounding));
    a->formula = (Paten__TariffFormula)c->formula;
    a->principal = c->res.amount;
}

int pd_assess_interest(const Paten__Assessment *a, const Paten__InterestRegime *r, paten_day as_of,
                       int *months, int64_t *interest)
{
    paten_interest_regime ir;
    paten_day due;

    ir.monthly_bp = r->monthly_bp;
    ir.max_months = r->max_months;
    ir.started_month_counts = r->started_month_counts;
    ir.rounding.mode =
        r->rounding_mode == PATEN__ROUNDING_MODE__ROUNDING_MODE_DOWN ? PATEN_ROUND_DOWN
        : r->rounding_mode == PATEN__ROUNDING_MODE__ROUNDING_MODE_UP ? PATEN_ROUND_UP
                                                                     : PATEN_ROUND_HALF_UP;
    ir.rounding.unit = r->rounding_unit >= 1 ? r->rounding_unit : 1;
    *interest = 0;
    if (paten_day_parse(a->due_date, &due) < 0)
        return -1;
    *months = paten_interest_months(&ir, due, as_of);
    if (*months > 0 && paten_interest_amount(&ir, a->principal, *months, interest) < 0)
        return -1;
    return 0;
}

void pd_format_rupiah(int64_t v, char *out, size_t cap)
{
    char digits[32], grouped[48];
    int n, j = 0;

    snprintf(digits, sizeof digits, "%llu",
             v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v);
    n = (int)strlen(digits);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[j++] = '.';
        grouped[j++] = digits[i];
    }
    grouped[j] = '\0';
    snprintf(out, cap, "%sRp %s", v < 0 ? "-" : "", grouped);
}
