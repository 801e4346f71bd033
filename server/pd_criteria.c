/*
 * pd_criteria.c: field checks and the rule format (see pd_criteria.h).
 */
#include "pd_criteria.h"

#include "paten_calendar.h"
#include "paten_decimal.h"

#include <ctype.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 16

static const Paten__FieldSpec *find_field(Paten__FieldSpec *const *fields, size_t n,
                                          const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i]->name, name) == 0)
            return fields[i];
    return NULL;
}

static const char *find_value(Paten__FieldValue *const *values, size_t nv, const char *name)
{
    for (size_t i = 0; i < nv; i++)
        if (strcmp(values[i]->name, name) == 0)
            return values[i]->value;
    return NULL;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 48 || !islower((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

int pd_fields_validate(Paten__FieldSpec *const *fields, size_t n, char *err, size_t cap)
{
    int64_t v;

    for (size_t i = 0; i < n; i++) {
        const Paten__FieldSpec *f = fields[i];
        if (!valid_name(f->name)) {
            snprintf(err, cap, "field %zu: name '%s' must be lower_snake_case", i + 1, f->name);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(fields[k]->name, f->name) == 0) {
                snprintf(err, cap, "field '%s' appears twice", f->name);
                return -1;
            }
        if (f->label[0] == '\0') {
            snprintf(err, cap, "field '%s' needs a label", f->name);
            return -1;
        }
        if (f->type < PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER ||
            f->type > PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO) {
            snprintf(err, cap, "field '%s' has no valid type", f->name);
            return -1;
        }
        if ((f->type == PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE) != (f->n_choices > 0)) {
            snprintf(err, cap, "field '%s': choices belong to CHOICE fields, which need them",
                     f->name);
            return -1;
        }
        if (f->type != PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER && (f->min[0] || f->max[0])) {
            snprintf(err, cap, "field '%s': bounds belong to NUMBER fields", f->name);
            return -1;
        }
        if ((f->min[0] && paten_decimal_parse(f->min, PD_FIELD_SCALE, &v) < 0) ||
            (f->max[0] && paten_decimal_parse(f->max, PD_FIELD_SCALE, &v) < 0)) {
            snprintf(err, cap, "field '%s': bounds must be decimals", f->name);
            return -1;
        }
    }
    return 0;
}

int pd_field_check(const Paten__FieldSpec *spec, const char *value, char *msg, size_t cap)
{
    int64_t v, bound;
    paten_day d;

    if (value == NULL || value[0] == '\0') {
        if (spec->required) {
            snprintf(msg, cap, "%s wajib diisi", spec->label);
            return -1;
        }
        return 0;
    }
    switch (spec->type) {
    case PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER:
        if (paten_decimal_parse(value, PD_FIELD_SCALE, &v) < 0) {
            snprintf(msg, cap, "%s harus berupa angka (contoh: 72.5)", spec->label);
            return -1;
        }
        if (spec->min[0] && paten_decimal_parse(spec->min, PD_FIELD_SCALE, &bound) == 0 &&
            v < bound) {
            snprintf(msg, cap, "%s paling sedikit %s %s", spec->label, spec->min, spec->unit);
            return -1;
        }
        if (spec->max[0] && paten_decimal_parse(spec->max, PD_FIELD_SCALE, &bound) == 0 &&
            v > bound) {
            snprintf(msg, cap, "%s paling banyak %s %s", spec->label, spec->max, spec->unit);
            return -1;
        }
        return 0;
    case PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE:
        for (size_t i = 0; i < spec->n_choices; i++)
            if (strcmp(spec->choices[i], value) == 0)
                return 0;
        snprintf(msg, cap, "%s: pilihan '%s' tidak tersedia", spec->label, value);
        return -1;
    case PATEN__FIELD_TYPE__FIELD_TYPE_DATE:
        if (paten_day_parse(value, &d) < 0) {
            snprintf(msg, cap, "%s harus berupa tanggal (TTTT-BB-HH)", spec->label);
            return -1;
        }
        return 0;
    case PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO:
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) {
            snprintf(msg, cap, "%s harus ya atau tidak", spec->label);
            return -1;
        }
        return 0;
    case PATEN__FIELD_TYPE__FIELD_TYPE_TEXT:
    default:
        if (strlen(value) > 2000) {
            snprintf(msg, cap, "%s terlalu panjang", spec->label);
            return -1;
        }
        return 0;
    }
}

/* The comparison value of a rule as text in the field type's canonical form; NULL if the JSON
 * value cannot be one. */
static char *json_value_text(JsonNode *v, Paten__FieldType type)
{
    if (v == NULL || !JSON_NODE_HOLDS_VALUE(v))
        return NULL;
    switch (json_node_get_value_type(v) == G_TYPE_INT64     ? 0
            : json_node_get_value_type(v) == G_TYPE_DOUBLE  ? 1
            : json_node_get_value_type(v) == G_TYPE_STRING  ? 2
            : json_node_get_value_type(v) == G_TYPE_BOOLEAN ? 3
                                                            : 4) {
    case 0:
        return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(v));
    case 1: {
        /* A fractional threshold in a rule (0.5): four digits are all a NUMBER field holds, and
         * a threshold that needs more is refused rather than rounded. */
        char buf[64];
        int64_t scaled;
        double d = json_node_get_double(v);
        g_ascii_formatd(buf, sizeof buf, "%.4f", d);
        if (g_ascii_strtod(buf, NULL) != d || paten_decimal_parse(buf, PD_FIELD_SCALE, &scaled) < 0)
            return NULL;
        paten_decimal_format(scaled, PD_FIELD_SCALE, buf, sizeof buf);
        return g_strdup(buf);
    }
    case 2:
        return g_strdup(json_node_get_string(v));
    case 3:
        return type == PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO
                   ? g_strdup(json_node_get_boolean(v) ? "true" : "false")
                   : NULL;
    default:
        return NULL;
    }
}

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_BAD };

static enum op parse_op(const char *s)
{
    static const char *const names[] = { "=", "!=", "<", "<=", ">", ">=", "in" };
    for (int i = 0; i < OP_BAD; i++)
        if (s && strcmp(s, names[i]) == 0)
            return (enum op)i;
    return OP_BAD;
}

/* -1, 0, 1 comparing a and b as values of type; 2 when they cannot be compared. */
static int compare(Paten__FieldType type, const char *a, const char *b)
{
    int64_t x, y;

    if (type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER) {
        if (paten_decimal_parse(a, PD_FIELD_SCALE, &x) < 0 ||
            paten_decimal_parse(b, PD_FIELD_SCALE, &y) < 0)
            return 2;
        return x < y ? -1 : x > y;
    }
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

/*
 * Walks a rule. With values NULL it only validates (return 0 or -1); otherwise it evaluates
 * (1 true, 0 false, -1 error). The same walk for both keeps what validation accepts and what
 * evaluation understands identical.
 */
static int walk(JsonNode *node, int depth, Paten__FieldSpec *const *fields, size_t n,
                Paten__FieldValue *const *values, size_t nv, bool validate, char *err, size_t cap)
{
    JsonObject *o;

    if (depth > MAX_DEPTH) {
        snprintf(err, cap, "rule nested deeper than %d", MAX_DEPTH);
        return -1;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        snprintf(err, cap, "a rule must be a JSON object");
        return -1;
    }
    o = json_node_get_object(node);
    if (json_object_has_member(o, "all") || json_object_has_member(o, "any")) {
        bool all = json_object_has_member(o, "all");
        JsonNode *list = json_object_get_member(o, all ? "all" : "any");
        JsonArray *a;
        int result = all ? 1 : 0;

        if (json_object_get_size(o) != 1 || !JSON_NODE_HOLDS_ARRAY(list) ||
            json_array_get_length(json_node_get_array(list)) == 0) {
            snprintf(err, cap, "\"%s\" takes a non-empty list and nothing else",
                     all ? "all" : "any");
            return -1;
        }
        a = json_node_get_array(list);
        for (guint i = 0; i < json_array_get_length(a); i++) {
            int r = walk(json_array_get_element(a, i), depth + 1, fields, n, values, nv, validate,
                         err, cap);
            if (r < 0)
                return -1;
            /* Every branch is walked even when the answer is known: a bad branch is an error
             * whatever the values. */
            if (!validate)
                result = all ? (result && r) : (result || r);
        }
        return validate ? 0 : result;
    }
    if (json_object_has_member(o, "not")) {
        int r;
        if (json_object_get_size(o) != 1) {
            snprintf(err, cap, "\"not\" takes one rule and nothing else");
            return -1;
        }
        r = walk(json_object_get_member(o, "not"), depth + 1, fields, n, values, nv, validate, err,
                 cap);
        if (r < 0)
            return -1;
        return validate ? 0 : !r;
    }
    {
        const char *fname = json_object_has_member(o, "field")
                                ? json_object_get_string_member_with_default(o, "field", NULL)
                                : NULL;
        const char *opname = json_object_get_string_member_with_default(o, "op", NULL);
        JsonNode *value = json_object_get_member(o, "value");
        const Paten__FieldSpec *f;
        enum op op = parse_op(opname);
        const char *actual;
        int result = 0;

        if (fname == NULL || json_object_get_size(o) != 3 || value == NULL) {
            snprintf(err, cap, "a comparison is {\"field\": ..., \"op\": ..., \"value\": ...}");
            return -1;
        }
        f = find_field(fields, n, fname);
        if (f == NULL) {
            snprintf(err, cap, "the rule names field '%s', which the service does not have", fname);
            return -1;
        }
        if (op == OP_BAD) {
            snprintf(err, cap, "unknown op '%s' (= != < <= > >= in)", opname ? opname : "");
            return -1;
        }
        if (f->type == PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO && op != OP_EQ && op != OP_NE) {
            snprintf(err, cap, "field '%s' is yes/no: only = and != compare it", fname);
            return -1;
        }
        actual = validate ? NULL : find_value(values, nv, fname);
        if (op == OP_IN) {
            JsonArray *a;
            if (!JSON_NODE_HOLDS_ARRAY(value)) {
                snprintf(err, cap, "\"in\" takes a list of values");
                return -1;
            }
            a = json_node_get_array(value);
            for (guint i = 0; i < json_array_get_length(a); i++) {
                g_autofree char *t = json_value_text(json_array_get_element(a, i), f->type);
                if (t == NULL || (f->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER &&
                                  compare(f->type, t, t) == 2)) {
                    snprintf(err, cap, "a value in the list for '%s' is not of its type", fname);
                    return -1;
                }
                if (actual && actual[0] && compare(f->type, actual, t) == 0)
                    result = 1;
            }
            return validate ? 0 : result;
        }
        {
            g_autofree char *t = json_value_text(value, f->type);
            int c;
            if (t == NULL ||
                (f->type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER && compare(f->type, t, t) == 2)) {
                snprintf(err, cap, "the value compared with '%s' is not of its type", fname);
                return -1;
            }
            if (validate)
                return 0;
            if (actual == NULL || actual[0] == '\0')
                return 0;
            c = compare(f->type, actual, t);
            if (c == 2)
                return 0;
            switch (op) {
            case OP_EQ:
                return c == 0;
            case OP_NE:
                return c != 0;
            case OP_LT:
                return c < 0;
            case OP_LE:
                return c <= 0;
            case OP_GT:
                return c > 0;
            case OP_GE:
                return c >= 0;
            default:
                return 0;
            }
        }
    }
}

static JsonNode *parse(const char *rule_json, char *err, size_t cap)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) e = NULL;

    if (rule_json == NULL || !json_parser_load_from_data(p, rule_json, -1, &e)) {
        snprintf(err, cap, "the rule is not JSON: %s", e ? e->message : "empty");
        return NULL;
    }
    return json_node_copy(json_parser_get_root(p));
}

int pd_rule_validate(const char *rule_json, Paten__FieldSpec *const *fields, size_t n, char *err,
                     size_t cap)
{
    JsonNode *root = parse(rule_json, err, cap);
    int rc;

    if (root == NULL)
        return -1;
    rc = walk(root, 0, fields, n, NULL, 0, true, err, cap);
    json_node_unref(root);
    return rc < 0 ? -1 : 0;
}

int pd_rule_eval(const char *rule_json, Paten__FieldSpec *const *fields, size_t n,
                 Paten__FieldValue *const *values, size_t nv, char *err, size_t cap)
{
    JsonNode *root = parse(rule_json, err, cap);
    int rc;

    if (root == NULL)
        return -1;
    rc = walk(root, 0, fields, n, values, nv, false, err, cap);
    json_node_unref(root);
    return rc;
}
