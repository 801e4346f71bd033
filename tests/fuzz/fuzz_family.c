/*
 * fuzz_family.c: one libFuzzer target per message family (built once per family with
 * -DFAMILY=FUZZ_FAMILY_...). The input's first byte picks a request type of the family (modulo
 * the number of its types, in the order of the message table); the rest is that request's
 * payload. Each input goes through everything the server does to a request before it needs the
 * database:
 *   - the bounded unpacker patend uses (the memory bound is asserted);
 *   - packing again, unpacking the packed bytes and packing once more: the two packings must be
 *     equal (what the server decoded is what it hashes for idempotency and stores);
 *   - proto3 JSON and back with cli/pbjson.c (patenctl's converter): the JSON of the message read
 *     back must print the same JSON;
 *   - the pure argument checks the handlers run: decimals, dates, NIK/NIP/NPWP/NIB on every
 *     string, the rupiah formatter on every integer, and per family the service field and rule
 *     checks (pd_criteria.c), the tariff calculation with corrections and the late interest
 *     (pd_assess_calc.c), a file's form values against every field type.
 * Dispatch against a real database is tests/fuzz/test_dispatch_replay.py (see there why not here).
 */
#include "paten_calendar.h"
#include "paten_decimal.h"
#include "paten_error.h"
#include "paten_ids.h"
#include "paten_msg.h"
#include "pbjson.h"
#include "pd_assess.h"
#include "pd_criteria.h"

#include <assert.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_FAMILY_SYSTEM  0 /* hello, ping, server info, sessions, audit, the test clock */
#define FUZZ_FAMILY_PEOPLE  1 /* offices, users, delegations */
#define FUZZ_FAMILY_CATALOG 2 /* calendar and services */
#define FUZZ_FAMILY_FILES   3 /* intake, the file's life, dispositions, documents */
#define FUZZ_FAMILY_ASSESS  4 /* tariffs, regimes, assessments, taxpayers */
#define FUZZ_FAMILY_MONEY   5 /* the cashier, deposits, confirmation, reconciliation */

#ifndef FAMILY
#error "build with -DFAMILY=0..5"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The families as ranges of MessageType numbers (proto/paten.proto numbers them by family). The
 * same ranges are in gen_seeds.py and test_dispatch_replay.py. */
static bool in_family(uint16_t t)
{
    switch (FAMILY) {
    case FUZZ_FAMILY_SYSTEM:
        return (t >= 1 && t < 30) || (t >= 50 && t < 60) || t >= 9000;
    case FUZZ_FAMILY_PEOPLE:
        return t >= 30 && t < 50;
    case FUZZ_FAMILY_CATALOG:
        return t >= 60 && t < 80;
    case FUZZ_FAMILY_FILES:
        return t >= 80 && t < 130;
    case FUZZ_FAMILY_ASSESS:
        return t >= 130 && t < 150;
    case FUZZ_FAMILY_MONEY:
        return t >= 150 && t < 200;
    }
    return false;
}

/* The family's request types by number; the input's first byte picks one (modulo n_types). */
static const struct paten_msg_info *types[64];
static size_t n_types;

static void find_types(void)
{
    if (n_types > 0)
        return;
    for (size_t i = 0; i < paten_msg_count(); i++) {
        const struct paten_msg_info *m = paten_msg_at(i);
        if (in_family(m->type) && n_types < sizeof types / sizeof types[0])
            types[n_types++] = m;
    }
    assert(n_types > 0);
    /* By type number, so that a seed's first byte means the same type whatever the table's
     * order (gen_seeds.py writes it so). */
    for (size_t i = 1; i < n_types; i++)
        for (size_t k = i; k > 0 && types[k - 1]->type > types[k]->type; k--) {
            const struct paten_msg_info *t = types[k];
            types[k] = types[k - 1];
            types[k - 1] = t;
        }
}

/* ---- generic checks on every field ---------------------------------------------------------- */

static void check_string(const char *s)
{
    int64_t v;
    paten_day d;
    char buf[48], npwp[17];
    struct paten_nik_info nik;

    /* Every scale a handler parses with: 0 (rupiah), 2, 4 (form numbers), 9 (tariff inputs). */
    static const int scales[] = { 0, 2, 4, 9 };
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        if (paten_decimal_parse(s, scales[i], &v) == 0) {
            int64_t again;
            paten_decimal_format(v, scales[i], buf, sizeof buf);
            assert(paten_decimal_parse(buf, scales[i], &again) == 0 && again == v);
        }
    }
    if (paten_day_parse(s, &d) == 0) {
        paten_day again;
        paten_day_format(d, buf);
        assert(paten_day_parse(buf, &again) == 0 && again == d);
    }
    if (paten_nik_check(s, &nik) == PATEN_ID_OK)
        assert(nik.birth_month >= 1 && nik.birth_month <= 12);
    (void)paten_nip_check(s);
    (void)paten_nib_check(s);
    if (paten_npwp_normalize(s, npwp) == PATEN_ID_OK) {
        size_t n = strlen(npwp);
        assert(n == 15 || n == 16);
    }
}

static void check_int64(int64_t v)
{
    char out[64];
    pd_format_rupiah(v, out, sizeof out);
    assert(strncmp(out, v < 0 ? "-Rp " : "Rp ", v < 0 ? 4 : 3) == 0);
}

/* Whether field f of m is present (proto3 fields without presence always are). */
static bool present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *)m;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *)(base + f->quantifier_offset) == f->id;
    if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->quantifier_offset != 0 &&
        f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE &&
        f->type != PROTOBUF_C_TYPE_BYTES)
        return *(const protobuf_c_boolean *)(base + f->quantifier_offset);
    return true;
}

static void walk(const ProtobufCMessage *m, int depth)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;

    assert(depth < 100);
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *member = (const char *)m + f->offset;
        size_t n = 1;
        const char *elems = member;
        size_t esize;

        if (!present(m, f))
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)((const char *)m + f->quantifier_offset);
            elems = *(const char *const *)member;
        }
        switch (f->type) {
        case PROTOBUF_C_TYPE_STRING:
            esize = sizeof(char *);
            for (size_t k = 0; k < n; k++) {
                const char *s = *(const char *const *)(elems + k * esize);
                if (s != NULL)
                    check_string(s);
            }
            break;
        case PROTOBUF_C_TYPE_INT64:
        case PROTOBUF_C_TYPE_SINT64:
        case PROTOBUF_C_TYPE_SFIXED64:
            esize = sizeof(int64_t);
            for (size_t k = 0; k < n; k++) {
                int64_t v;
                memcpy(&v, elems + k * esize, sizeof v);
                check_int64(v);
            }
            break;
        case PROTOBUF_C_TYPE_MESSAGE:
            esize = sizeof(ProtobufCMessage *);
            for (size_t k = 0; k < n; k++) {
                const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)(elems + k * esize);
                if (sub != NULL)
                    walk(sub, depth + 1);
            }
            break;
        default:
            break;
        }
    }
}

/* ---- per family ---------------------------------------------------------------------------- */

/* Field specs of every type, standing in for a service's form when a file's values are checked
 * (TakeIn carries values only; the service comes from the database). */
static char *choice_values[] = { "PERMANEN", "SEMENTARA" };
static Paten__FieldSpec fixed_specs[5];
static Paten__FieldSpec *fixed_spec_ptrs[5];

static void init_fixed_specs(void)
{
    static const struct {
        const char *name;
        Paten__FieldType type;
    } s[5] = {
        { "luas_bangunan", PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER },
        { "keterangan", PATEN__FIELD_TYPE__FIELD_TYPE_TEXT },
        { "jenis_reklame", PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE },
        { "tanggal_mulai", PATEN__FIELD_TYPE__FIELD_TYPE_DATE },
        { "bertingkat", PATEN__FIELD_TYPE__FIELD_TYPE_YES_NO },
    };
    for (int i = 0; i < 5; i++) {
        paten__field_spec__init(&fixed_specs[i]);
        fixed_specs[i].name = (char *)s[i].name;
        fixed_specs[i].label = (char *)s[i].name;
        fixed_specs[i].type = s[i].type;
        if (s[i].type == PATEN__FIELD_TYPE__FIELD_TYPE_NUMBER) {
            fixed_specs[i].min = "0";
            fixed_specs[i].max = "100000";
        }
        if (s[i].type == PATEN__FIELD_TYPE__FIELD_TYPE_CHOICE) {
            fixed_specs[i].n_choices = 2;
            fixed_specs[i].choices = choice_values;
        }
        fixed_spec_ptrs[i] = &fixed_specs[i];
    }
    char err[256];
    assert(pd_fields_validate(fixed_spec_ptrs, 5, err, sizeof err) == 0);
}

/* A rule over the fixed specs, evaluated on a file's values. */
static const char fixed_rule[] =
    "{\"all\": [{\"field\": \"luas_bangunan\", \"op\": \"<=\", \"value\": 100},"
    " {\"any\": [{\"field\": \"bertingkat\", \"op\": \"=\", \"value\": false},"
    " {\"not\": {\"field\": \"jenis_reklame\", \"op\": \"in\", \"value\": [\"PERMANEN\"]}}]},"
    " {\"field\": \"tanggal_mulai\", \"op\": \">=\", \"value\": \"2026-01-01\"}]}";

static void check_values(Paten__FieldValue *const *values, size_t n)
{
    char msg[512];
    static bool ready;

    if (!ready) {
        init_fixed_specs();
        assert(pd_rule_validate(fixed_rule, fixed_spec_ptrs, 5, msg, sizeof msg) == 0);
        ready = true;
    }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 5; k++)
            (void)pd_field_check(&fixed_specs[k], values[i]->value, msg, sizeof msg);
    int r = pd_rule_eval(fixed_rule, fixed_spec_ptrs, 5, values, n, msg, sizeof msg);
    assert(r == 0 || r == 1);
}

/* SaveService: what service_check runs on the form and the criteria, then the criteria evaluated
 * on values made of the fields' own bounds and choices. */
static void check_service(const Paten__Service *s)
{
    char err[512];

    if (s == NULL || pd_fields_validate(s->fields, s->n_fields, err, sizeof err) != 0)
        return;
    Paten__FieldValue *vals = calloc(s->n_fields + 1, sizeof *vals);
    Paten__FieldValue **ptrs = calloc(s->n_fields + 1, sizeof *ptrs);
    assert(vals && ptrs);
    for (size_t i = 0; i < s->n_fields; i++) {
        const Paten__FieldSpec *f = s->fields[i];
        paten__field_value__init(&vals[i]);
        vals[i].name = f->name;
        vals[i].value = f->n_choices ? f->choices[0] : f->min[0] ? f->min : f->max;
        (void)pd_field_check(f, vals[i].value, err, sizeof err);
        (void)pd_field_check(f, f->label, err, sizeof err);
        ptrs[i] = &vals[i];
    }
    for (size_t i = 0; i < s->n_criteria; i++) {
        const char *rule = s->criteria[i]->rule_json;
        if (pd_rule_validate(rule, s->fields, s->n_fields, err, sizeof err) != 0)
            continue;
        int r = pd_rule_eval(rule, s->fields, s->n_fields, ptrs, s->n_fields, err, sizeof err);
        /* A validated rule can always be read. */
        assert(r == 0 || r == 1);
    }
    free(ptrs);
    free(vals);
}

/* The checks tariff_ok in pd_tariffs.c makes before a tariff is stored (the calculation only
 * ever sees stored tariffs). */
static bool decimal_ok(const char *s)
{
    const char *dot = strchr(s, '.');
    int scale = dot ? (int)strlen(dot + 1) : 0;
    int64_t v;
    return s[0] && scale <= 9 && paten_decimal_parse(s, scale, &v) == 0 && v >= 0;
}

static bool tariff_storable(const Paten__Tariff *t)
{
    int n = paten_tariff_n_inputs((paten_tariff_kind)t->formula);
    if (n == 0 || (int)t->n_inputs != n || t->rounding_unit < 0 || t->rounding_unit > 1000000 ||
        (unsigned)t->rounding_mode > 3)
        return false;
    for (size_t i = 0; i < t->n_inputs; i++) {
        const Paten__TariffInput *in = t->inputs[i];
        if (in->label[0] == '\0' || strlen(in->label) > 160)
            return false;
        switch (in->source) {
        case PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT:
            if (!decimal_ok(in->value))
                return false;
            break;
        case PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD:
            if (in->field[0] == '\0' || strlen(in->field) > 63 ||
                (in->value[0] && !decimal_ok(in->value)))
                return false;
            break;
        case PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE:
            if (in->field[0] == '\0' || strlen(in->field) > 63 || in->n_table == 0 ||
                in->n_table > 100)
                return false;
            for (size_t k = 0; k < in->n_table; k++) {
                if (in->table[k]->key[0] == '\0' || strlen(in->table[k]->key) > 63 ||
                    !decimal_ok(in->table[k]->value))
                    return false;
                for (size_t j = 0; j < k; j++)
                    if (strcmp(in->table[j]->key, in->table[k]->key) == 0)
                        return false;
            }
            break;
        default:
            return false;
        }
    }
    return true;
}

/* A form whose every field a tariff reads has a value: the first table key, or the input's
 * value, or "12.5". */
static char *form_json(const Paten__Tariff *t)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < t->n_inputs; i++) {
        const Paten__TariffInput *in = t->inputs[i];
        if (in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT)
            continue;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, in->field);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, in->n_table    ? in->table[0]->key
                                         : in->value[0] ? in->value
                                                        : "12.5");
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* SaveTariff stores the tariff's inputs as pd_tariff_inputs_json writes them and replies with the
 * row read back through pd_tariff_parse: what is read back must be what was saved, every table
 * entry included. */
static void read_back(const Paten__Tariff *t)
{
    struct pd_msg_buf m;
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonParser) p = json_parser_new();
    g_autofree char *inputs = pd_tariff_inputs_json(t);
    g_autofree char *row = NULL;

    assert(json_parser_load_from_data(p, inputs, -1, NULL));
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "code");
    json_builder_add_string_value(b, t->code);
    json_builder_set_member_name(b, "formula");
    json_builder_add_string_value(b, pd_formula_db(t->formula));
    json_builder_set_member_name(b, "inputs");
    json_builder_add_value(b, json_node_copy(json_parser_get_root(p)));
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    row = json_to_string(root, FALSE);

    pd_msg_buf_init(&m);
    Paten__Tariff *back = pd_tariff_parse(&m, row);
    assert(back != NULL && strcmp(back->code, t->code) == 0 && back->formula == t->formula);
    assert(back->n_inputs == t->n_inputs);
    for (size_t i = 0; i < t->n_inputs; i++) {
        const Paten__TariffInput *a = t->inputs[i], *c = back->inputs[i];
        assert(a->source == c->source && strcmp(a->label, c->label) == 0 &&
               strcmp(a->value, c->value) == 0 && strcmp(a->field, c->field) == 0);
        /* Only a TABLE input keeps its table; any other ignores one sent with it. */
        size_t kept = a->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE ? a->n_table : 0;
        if (kept != c->n_table)
            fprintf(stderr, "input %zu: %zu table entries saved, %zu read back\n", i, kept,
                    c->n_table);
        assert(kept == c->n_table);
    }
    pd_msg_buf_clear(&m);
}

static void calculate(const Paten__Tariff *t, const struct pd_calc_fix *fixes, size_t n_fixes)
{
    struct pd_calc c;
    char msg[512];

    if (!tariff_storable(t))
        return;
    g_autofree char *inputs = pd_tariff_inputs_json(t);
    g_autofree char *form = form_json(t);
    int rc =
        pd_assess_calculate(pd_formula_db(t->formula), inputs, pd_rounding_db(t->rounding_mode),
                            t->rounding_unit, form, "[]", fixes, n_fixes, &c, msg, sizeof msg);
    assert(rc == 0 || rc == PATEN_ERR_INVALID_ARGUMENT || rc == PATEN_ERR_FAILED_PRECONDITION);
    if (rc == 0) {
        g_autofree char *trace = pd_assess_trace_json(&c);
        assert(trace != NULL);
    }
}

/* The demo's IMB tariff: luas x indeks terintegrasi (table) x indeks kegiatan x harga satuan. */
static void preview(const Paten__PreviewAssessmentRequest *p)
{
    static char *keys[] = { "PERMANEN", "*" }, *vals[] = { "1.25", "1" };
    Paten__TariffIndexEntry e[2], *ep[2];
    Paten__TariffInput in[4], *inp[4];
    Paten__Tariff t;
    struct pd_calc_fix *fixes;

    for (int i = 0; i < 2; i++) {
        paten__tariff_index_entry__init(&e[i]);
        e[i].key = keys[i];
        e[i].value = vals[i];
        ep[i] = &e[i];
    }
    for (int i = 0; i < 4; i++) {
        paten__tariff_input__init(&in[i]);
        in[i].label = "masukan";
        inp[i] = &in[i];
    }
    in[0].source = PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD;
    in[0].field = "luas_bangunan";
    in[1].source = PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE;
    in[1].field = "jenis_bangunan";
    in[1].n_table = 2;
    in[1].table = ep;
    in[2].source = PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT;
    in[2].value = "1.5";
    in[3].source = PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD;
    in[3].field = "harga_satuan";
    in[3].value = "50000";
    paten__tariff__init(&t);
    t.formula = PATEN__TARIFF_FORMULA__TARIFF_FORMULA_IMB;
    t.rounding_mode = PATEN__ROUNDING_MODE__ROUNDING_MODE_HALF_UP;
    t.rounding_unit = 100;
    t.n_inputs = 4;
    t.inputs = inp;

    fixes = calloc(p->n_corrections + 1, sizeof *fixes);
    assert(fixes != NULL);
    for (size_t i = 0; i < p->n_corrections; i++) {
        fixes[i].field = p->corrections[i]->field;
        fixes[i].value = p->corrections[i]->value;
        fixes[i].reason = p->corrections[i]->reason;
    }
    calculate(&t, fixes, p->n_corrections);
    free(fixes);
}

/* SaveInterestRegime: the checks the handler makes, then the interest a stored regime gives on
 * an assessment due on its effective date, paid at several later dates. */
static void interest(const Paten__InterestRegime *g)
{
    paten_day d;
    Paten__Assessment a;
    static const int64_t principals[] = { 0, 1, 1458000, 999999999999LL, INT64_MAX / 2 };

    if (g == NULL || paten_day_parse(g->effective_from, &d) < 0 || g->monthly_bp < 0 ||
        g->monthly_bp > 10000 || g->max_months < 0 || g->max_months > 1200 || g->due_days < 0 ||
        g->due_days > 365 || g->rounding_unit < 0 || g->rounding_unit > 1000000 ||
        (unsigned)g->rounding_mode > 3 || g->version < 0)
        return;
    paten__assessment__init(&a);
    a.due_date = g->effective_from;
    for (size_t i = 0; i < sizeof principals / sizeof principals[0]; i++) {
        static const int later[] = { -1, 0, 1, 31, 400, 36600 };
        a.principal = principals[i];
        for (size_t k = 0; k < sizeof later / sizeof later[0]; k++) {
            int months = 0;
            int64_t amount = 0;
            if (pd_assess_interest(&a, g, d + later[k], &months, &amount) == 0)
                assert(amount >= 0 && (g->max_months == 0 || months <= g->max_months));
        }
    }
}

static void check_family(const struct paten_msg_info *info, const ProtobufCMessage *msg)
{
    switch (info->type) {
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_SERVICE:
        check_service(((const Paten__SaveServiceRequest *)msg)->service);
        break;
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_TAKE_IN: {
        const Paten__TakeInRequest *t = (const Paten__TakeInRequest *)msg;
        check_values(t->fields, t->n_fields);
        break;
    }
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_TARIFF: {
        const Paten__SaveTariffRequest *t = (const Paten__SaveTariffRequest *)msg;
        if (t->tariff && tariff_storable(t->tariff)) {
            read_back(t->tariff);
            calculate(t->tariff, NULL, 0);
        }
        break;
    }
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PREVIEW_ASSESSMENT:
        preview((const Paten__PreviewAssessmentRequest *)msg);
        break;
    case PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_INTEREST_REGIME:
        interest(((const Paten__SaveInterestRegimeRequest *)msg)->regime);
        break;
    default:
        break;
    }
}

/* ---- round trips ---------------------------------------------------------------------------- */

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
    size_t n = protobuf_c_message_get_packed_size(m);
    uint8_t *out = malloc(n ? n : 1);
    assert(out != NULL);
    assert(protobuf_c_message_pack(m, out) == n);
    *len = n;
    return out;
}

static void round_trip(const ProtobufCMessage *msg)
{
    size_t n1, n2;
    uint8_t *p1 = pack(msg, &n1);
    ProtobufCMessage *again = protobuf_c_message_unpack(msg->descriptor, NULL, n1, p1);
    assert(again != NULL);
    uint8_t *p2 = pack(again, &n2);
    assert(n1 == n2 && memcmp(p1, p2, n1) == 0);
    protobuf_c_message_free_unpacked(again, NULL);
    free(p1);
    free(p2);
}

static void json_round_trip(const ProtobufCMessage *msg)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = pbjson_print(msg, FALSE, FALSE, &error);

    /* The unpacker let only UTF-8 strings through, and the requests have no maps: the only
     * message without a JSON form is one nested deeper than PBJSON_MAX_DEPTH. */
    if (text == NULL) {
        if (!g_error_matches(error, PBJSON_ERROR, PBJSON_ERROR_RANGE))
            fprintf(stderr, "no JSON form: %s\n", error ? error->message : "(no error)");
        assert(g_error_matches(error, PBJSON_ERROR, PBJSON_ERROR_RANGE));
        return;
    }
    ProtobufCMessage *back = pbjson_parse(msg->descriptor, text, &error);
    if (back == NULL)
        fprintf(stderr, "JSON %s does not read back: %s\n", text, error->message);
    assert(back != NULL);
    g_autofree char *text2 = pbjson_print(back, FALSE, FALSE, &error);
    assert(text2 != NULL && strcmp(text, text2) == 0);
    protobuf_c_message_free_unpacked(back, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct paten_unpacked u;
    const struct paten_msg_info *info;
    size_t limit;

    if (size < 1)
        return 0;
    find_types();
    info = types[data[0] % n_types];
    data++;
    size--;
    limit = paten_msg_unpack_limit(size);
    if (paten_msg_unpack(&u, info->request, data, size, limit) != 0)
        return 0;
    assert(u.alloc.used <= limit);
    round_trip(u.msg);
    json_round_trip(u.msg);
    walk(u.msg, 0);
    check_family(info, u.msg);
    paten_msg_unpacked_free(&u);
    return 0;
}
