/*
 * pd_tariffs.c: the data assessments rest on: a region's tariffs and interest regimes (ADMIN
 * saves new versions; officers and readers list them) and its regional taxpayers (BAPENDA
 * registers them, with a gapless NPWPD per region). Versions are written once
 * (migrations/0005_assessments.sql): an assessment keeps the version it was issued under.
 */
#include "paten_calendar.h"
#include "paten_decimal.h"
#include "paten_error.h"
#include "paten_ids.h"
#include "pd_alloc.h"
#include "pd_assess.h"
#include "pd_audit.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal text of at most 9 places, not negative. */
static bool decimal_ok(const char *s)
{
    const char *dot = strchr(s, '.');
    int scale = dot ? (int)strlen(dot + 1) : 0;
    int64_t v;

    return s[0] && scale <= 9 && paten_decimal_parse(s, scale, &v) == 0 && v >= 0;
}

static bool code_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 2 || n > 40 || !(g_ascii_islower(s[0]) || g_ascii_isdigit(s[0])))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(g_ascii_islower(s[i]) || g_ascii_isdigit(s[i]) || s[i] == '-'))
            return false;
    return true;
}

static bool text_ok(const char *s, size_t max)
{
    return s[0] != '\0' && strlen(s) <= max;
}

/* Lists of rows as row_to_json texts, parsed by parse into out. */
typedef void *(*row_parser)(struct pd_msg_buf *m, const char *text);

/* ---- ListTariffs, SaveTariff ---------------------------------------------------------------- */

static void tariffs_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListTariffsReply reply = PATEN__LIST_TARIFFS_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing tariffs");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.tariffs = pd_msg_keep(&m, g_new0(Paten__Tariff *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__Tariff *t = pd_tariff_parse(&m, pd_db_str(r->res[0], i, 0));
        if (t)
            reply.tariffs[reply.n_tariffs++] = t;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_list_tariffs(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListTariffsRequest *m = (const Paten__ListTariffsRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_TARIFFS_LIST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_bool(b, m->include_history);
    pd_db_run(req->srv->db, b, tariffs_listed, req);
}

/* Checks a tariff an ADMIN sends; fails the request and returns false when it is wrong. */
static bool tariff_ok(struct pd_request *req, const Paten__Tariff *t)
{
    int n = paten_tariff_n_inputs((paten_tariff_kind)t->formula);
    paten_day d;

#define REFUSE(field, message, ...)                                                    \
    do {                                                                               \
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, message, field, __VA_ARGS__); \
        return false;                                                                  \
    } while (0)
    if (!code_ok(t->code))
        REFUSE("tariff.code", "Kode tarif tidak valid", "2-40 of a-z 0-9 -, starting a-z 0-9");
    if (!text_ok(t->service_code, 40))
        REFUSE("tariff.service_code", "Layanan tarif wajib diisi", "the service's code");
    if (!text_ok(t->name, 200))
        REFUSE("tariff.name", "Nama tarif wajib diisi", "1-200 bytes");
    if (!text_ok(t->legal_basis, 500))
        REFUSE("tariff.legal_basis", "Dasar hukum wajib diisi", "1-500 bytes");
    if (paten_day_parse(t->effective_from, &d) < 0)
        REFUSE("tariff.effective_from", "Tanggal berlaku tidak valid", "YYYY-MM-DD");
    if (n == 0)
        REFUSE("tariff.formula", "Rumus tarif wajib dipilih", "formula is required");
    if ((int)t->n_inputs != n)
        REFUSE("tariff.inputs", "Jumlah masukan tidak sesuai rumus", "the formula takes %d inputs",
               n);
    if (t->rounding_unit < 0 || t->rounding_unit > 1000000 || (unsigned)t->rounding_mode > 3)
        REFUSE("tariff.rounding_unit", "Pembulatan tidak valid", "unit 0-1000000");
    for (size_t i = 0; i < t->n_inputs; i++) {
        const Paten__TariffInput *in = t->inputs[i];
        if (!text_ok(in->label, 160))
            REFUSE("tariff.inputs", "Nama masukan wajib diisi", "input %zu: label 1-160 bytes",
                   i + 1);
        switch (in->source) {
        case PATEN__TARIFF_SOURCE__TARIFF_SOURCE_CONSTANT:
            if (!decimal_ok(in->value))
                REFUSE("tariff.inputs", "Nilai tetap harus bilangan desimal",
                       "input %zu: a decimal >= 0, at most 9 places", i + 1);
            break;
        case PATEN__TARIFF_SOURCE__TARIFF_SOURCE_FIELD:
            if (!text_ok(in->field, 63) || (in->value[0] && !decimal_ok(in->value)))
                REFUSE("tariff.inputs", "Isian formulir masukan tidak valid",
                       "input %zu: field 1-63 bytes, value empty or a decimal", i + 1);
            break;
        case PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE:
            if (!text_ok(in->field, 63) || in->n_table == 0 || in->n_table > 100)
                REFUSE("tariff.inputs", "Tabel indeks masukan tidak valid",
                       "input %zu: field and 1-100 entries", i + 1);
            for (size_t k = 0; k < in->n_table; k++) {
                if (!text_ok(in->table[k]->key, 63) || !decimal_ok(in->table[k]->value))
                    REFUSE("tariff.inputs", "Isi tabel indeks tidak valid",
                           "input %zu entry %zu: key 1-63 bytes, value a decimal", i + 1, k + 1);
                /* The table is stored as a JSON object: a second entry of a key would silently
                 * replace the first. */
                for (size_t j = 0; j < k; j++)
                    if (strcmp(in->table[j]->key, in->table[k]->key) == 0)
                        REFUSE("tariff.inputs", "Kunci tabel indeks ganda",
                               "input %zu entry %zu: key '%s' given twice", i + 1, k + 1,
                               in->table[k]->key);
            }
            break;
        default:
            REFUSE("tariff.inputs", "Sumber masukan wajib dipilih", "input %zu: source", i + 1);
        }
    }
    return true;
#undef REFUSE
}

char *pd_tariff_inputs_json(const Paten__Tariff *t)
{
    static const char *const sources[] = { "", "CONSTANT", "FIELD", "TABLE" };
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    for (size_t i = 0; i < t->n_inputs; i++) {
        const Paten__TariffInput *in = t->inputs[i];
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "label");
        json_builder_add_string_value(b, in->label);
        json_builder_set_member_name(b, "source");
        json_builder_add_string_value(b, sources[in->source]);
        json_builder_set_member_name(b, "value");
        json_builder_add_string_value(b, in->value);
        json_builder_set_member_name(b, "field");
        json_builder_add_string_value(b, in->field);
        if (in->source == PATEN__TARIFF_SOURCE__TARIFF_SOURCE_TABLE) {
            json_builder_set_member_name(b, "table");
            json_builder_begin_object(b);
            for (size_t k = 0; k < in->n_table; k++) {
                json_builder_set_member_name(b, in->table[k]->key);
                json_builder_add_string_value(b, in->table[k]->value);
            }
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* The saved version is read back: reply with it and commit. */
static void tariff_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__TariffReply reply = PATEN__TARIFF_REPLY__INIT;
    struct pd_msg_buf m;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "saving the tariff");
        return;
    }
    pd_msg_buf_init(&m);
    reply.tariff = PQntuples(r->res[r->n - 1]) == 1
                       ? pd_tariff_parse(&m, pd_db_str(r->res[r->n - 1], 0, 0))
                       : NULL;
    pd_info(req->conn_id, "tariff %s saved by %s", reply.tariff ? reply.tariff->code : "?",
            req->session->username);
    pd_idem_commit(req, t, pd_db_batch_new(), &reply.base);
    pd_msg_buf_clear(&m);
}

static void tariff_inserted(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    struct pd_db_batch *b;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "saving the tariff");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_TARIFF_GET);
    pd_db_param_int(b, pd_db_get_int(r->res[0], 0, 0));
    pd_db_txn_run(t, b, tariff_written, req);
}

static void tariff_claimed(struct pd_request *req, struct pd_db_txn *t,
                           const struct pd_db_result *r, void *arg)
{
    const Paten__SaveTariffRequest *m = (const Paten__SaveTariffRequest *)req->in.msg;
    const Paten__Tariff *tf = m->tariff;
    int latest = (int)pd_db_get_int(r->res[0], 0, 0);
    struct pd_db_batch *b;
    g_autofree char *inputs = NULL;
    g_autofree char *after = NULL;
    g_autofree char *code = NULL;
    char detail[120];

    (void)arg;
    if (latest != tf->version) {
        snprintf(detail, sizeof detail, "version %d is stale; tariff %s is at version %d",
                 tf->version, tf->code, latest);
        pd_idem_abort(req, t, tf->version == 0 ? PATEN_ERR_ALREADY_EXISTS : PATEN_ERR_CONFLICT,
                      tf->version == 0 ? "Kode tarif sudah dipakai"
                                       : "Tarif telah diubah orang lain; muat ulang",
                      "tariff.version", detail);
        return;
    }
    inputs = pd_tariff_inputs_json(tf);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_TARIFF_INSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, tf->code);
    pd_db_param_int(b, latest + 1);
    pd_db_param_text(b, tf->service_code);
    pd_db_param_text(b, tf->name);
    pd_db_param_text(b, pd_formula_db(tf->formula));
    pd_db_param_text(b, tf->legal_basis);
    pd_db_param_text(b, tf->effective_from);
    pd_db_param_text(b, pd_rounding_db(tf->rounding_mode));
    pd_db_param_int(b, tf->rounding_unit >= 1 ? tf->rounding_unit : 1);
    pd_db_param_text(b, inputs);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    code = g_strescape(tf->code, NULL);
    after = g_strdup_printf("{\"code\": \"%s\", \"version\": %d, \"effective_from\": \"%s\"}", code,
                            latest + 1, tf->effective_from);
    pd_audit_add(b, req, req->session->office_id, "TARIFF_SAVED", "tariff", tf->code, NULL, after);
    pd_db_txn_run(t, b, tariff_inserted, req);
}

void pd_handle_save_tariff(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SaveTariffRequest *m = (const Paten__SaveTariffRequest *)msg;
    struct pd_db_batch *b;

    if (m->tariff == NULL) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "tariff", "tariff is missing");
        return;
    }
    if (m->tariff->version < 0 || !tariff_ok(req, m->tariff))
        return;
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_TARIFF_LATEST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, m->tariff->code);
    pd_idem_begin(req, b, tariff_claimed, NULL, NULL);
}

/* ---- ListInterestRegimes, SaveInterestRegime ------------------------------------------------ */

static void regimes_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__ListInterestRegimesReply reply = PATEN__LIST_INTEREST_REGIMES_REPLY__INIT;
    struct pd_msg_buf m;
    int n;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing interest regimes");
        return;
    }
    n = PQntuples(r->res[0]);
    pd_msg_buf_init(&m);
    reply.regimes = pd_msg_keep(&m, g_new0(Paten__InterestRegime *, n + 1));
    for (int i = 0; i < n; i++) {
        Paten__InterestRegime *x = pd_regime_parse(&m, pd_db_str(r->res[0], i, 0));
        if (x)
            reply.regimes[reply.n_regimes++] = x;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

void pd_handle_list_interest_regimes(struct pd_request *req, const ProtobufCMessage *msg)
{
    struct pd_db_batch *b = pd_db_batch_new();

    (void)msg;
    pd_db_batch_add(b, PD_STMT_REGIMES_LIST);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, regimes_listed, req);
}

static void regime_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__InterestRegimeReply reply = PATEN__INTEREST_REGIME_REPLY__INIT;
    struct pd_msg_buf m;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "saving the interest regime");
        return;
    }
    pd_msg_buf_init(&m);
    reply.regime = PQntuples(r->res[r->n - 1]) == 1
                       ? pd_regime_parse(&m, pd_db_str(r->res[r->n - 1], 0, 0))
                       : NULL;
    pd_idem_commit(req, t, pd_db_batch_new(), &reply.base);
    pd_msg_buf_clear(&m);
}

static void regime_inserted(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    struct pd_db_batch *b;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "saving the interest regime");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_REGIME_GET);
    pd_db_param_int(b, pd_db_get_int(r->res[0], 0, 0));
    pd_db_txn_run(t, b, regime_written, req);
}

static void regime_claimed(struct pd_request *req, struct pd_db_txn *t,
                           const struct pd_db_result *r, void *arg)
{
    const Paten__SaveInterestRegimeRequest *m =
        (const Paten__SaveInterestRegimeRequest *)req->in.msg;
    const Paten__InterestRegime *g = m->regime;
    int latest = (int)pd_db_get_int(r->res[0], 0, 0);
    struct pd_db_batch *b;
    char detail[120], after[200];

    (void)arg;
    if (latest != g->version) {
        snprintf(detail, sizeof detail, "version %d is stale; the region's regime is at %d",
                 g->version, latest);
        pd_idem_abort(req, t, PATEN_ERR_CONFLICT, "Ketentuan bunga telah diubah; muat ulang",
                      "regime.version", detail);
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_REGIME_INSERT);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, latest + 1);
    pd_db_param_text(b, g->name);
    pd_db_param_text(b, g->legal_basis);
    pd_db_param_text(b, g->effective_from);
    pd_db_param_int(b, g->monthly_bp);
    pd_db_param_int(b, g->max_months);
    pd_db_param_bool(b, g->started_month_counts);
    pd_db_param_text(b, pd_rounding_db(g->rounding_mode));
    pd_db_param_int(b, g->rounding_unit >= 1 ? g->rounding_unit : 1);
    pd_db_param_int(b, g->due_days ? g->due_days : 30);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    snprintf(after, sizeof after,
             "{\"version\": %d, \"monthly_bp\": %d, \"max_months\": %d, \"due_days\": %d}",
             latest + 1, g->monthly_bp, g->max_months, g->due_days ? g->due_days : 30);
    pd_audit_add(b, req, req->session->office_id, "INTEREST_REGIME_SAVED", "interest_regime",
                 "region", NULL, after);
    pd_db_txn_run(t, b, regime_inserted, req);
}

void pd_handle_save_interest_regime(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SaveInterestRegimeRequest *m = (const Paten__SaveInterestRegimeRequest *)msg;
    const Paten__InterestRegime *g = m->regime;
    struct pd_db_batch *b;
    paten_day d;

    if (g == NULL || !text_ok(g->name, 200) || !text_ok(g->legal_basis, 500) ||
        paten_day_parse(g->effective_from, &d) < 0 || g->monthly_bp < 0 || g->monthly_bp > 10000 ||
        g->max_months < 0 || g->max_months > 1200 || g->due_days < 0 || g->due_days > 365 ||
        g->rounding_unit < 0 || g->rounding_unit > 1000000 || (unsigned)g->rounding_mode > 3 ||
        g->version < 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Ketentuan bunga tidak valid", "regime",
                        "name and legal basis 1-200/500 bytes, effective_from YYYY-MM-DD, "
                        "monthly_bp 0-10000, max_months 0-1200, due_days 0-365");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_REGIME_LATEST);
    pd_db_param_int(b, req->session->region_id);
    pd_idem_begin(req, b, regime_claimed, NULL, NULL);
}

/* ---- RegisterTaxpayer, FindTaxpayer --------------------------------------------------------- */

static void taxpayer_reply(struct pd_request *req, const PGresult *res, bool in_txn,
                           struct pd_db_txn *t)
{
    Paten__TaxpayerReply reply = PATEN__TAXPAYER_REPLY__INIT;
    struct pd_msg_buf m;

    pd_msg_buf_init(&m);
    reply.taxpayer = PQntuples(res) == 1 ? pd_taxpayer_parse(&m, pd_db_str(res, 0, 0)) : NULL;
    if (in_txn)
        pd_idem_commit(req, t, pd_db_batch_new(), &reply.base);
    else
        pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

static void taxpayer_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "registering the taxpayer");
        return;
    }
    taxpayer_reply(req, r->res[r->n - 1], true, t);
}

static void taxpayer_registered(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    struct pd_db_batch *b;
    char idtext[24];

    if (r->status < 0) {
        /* A NIK or NIB registered already is ALREADY_EXISTS from pd_idem_fail_db. */
        pd_idem_fail_db(req, r, "registering the taxpayer");
        return;
    }
    snprintf(idtext, sizeof idtext, "%lld", (long long)pd_db_get_int(r->res[0], 0, 0));
    b = pd_db_batch_new();
    pd_audit_add(b, req, req->session->office_id, "TAXPAYER_REGISTERED", "taxpayer", idtext, NULL,
                 NULL);
    pd_db_batch_add(b, PD_STMT_TAXPAYER_GET);
    pd_db_param_int(b, pd_db_get_int(r->res[0], 0, 0));
    pd_db_param_int(b, req->session->region_id);
    pd_db_txn_run(t, b, taxpayer_written, req);
}

static void taxpayer_claimed(struct pd_request *req, struct pd_db_txn *t,
                             const struct pd_db_result *r, void *arg)
{
    const Paten__RegisterTaxpayerRequest *m = (const Paten__RegisterTaxpayerRequest *)req->in.msg;
    struct pd_db_batch *b = pd_db_batch_new();

    (void)r;
    (void)arg;
    pd_db_batch_add(b, PD_STMT_TAXPAYER_REGISTER);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_text(b, m->name);
    pd_db_param_text(b, m->address);
    pd_db_param_text(b, m->nik[0] ? m->nik : NULL);
    pd_db_param_text(b, m->nib[0] ? m->nib : NULL);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, req->session->user_id);
    pd_db_txn_run(t, b, taxpayer_registered, req);
}

void pd_handle_register_taxpayer(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__RegisterTaxpayerRequest *m = (const Paten__RegisterTaxpayerRequest *)msg;
    struct pd_db_batch *b;
    int rc;

    if (!text_ok(m->name, 200) || !text_ok(m->address, 500)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nama dan alamat wajib pajak wajib diisi",
                        m->name[0] ? "address" : "name", "name 1-200, address 1-500 bytes");
        return;
    }
    if ((m->nik[0] == '\0') == (m->nib[0] == '\0')) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isi NIK (orang) atau NIB (badan usaha)",
                        "nik", "exactly one of nik and nib");
        return;
    }
    if (m->nik[0] && (rc = paten_nik_check(m->nik, NULL)) != PATEN_ID_OK) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "NIK tidak valid", "nik", "%s",
                        paten_id_error_text(rc));
        return;
    }
    if (m->nib[0] && (rc = paten_nib_check(m->nib)) != PATEN_ID_OK) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "NIB tidak valid", "nib", "%s",
                        paten_id_error_text(rc));
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_idem_begin(req, b, taxpayer_claimed, NULL, NULL);
}

static void taxpayer_found(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "finding the taxpayer");
        return;
    }
    if (PQntuples(r->res[0]) != 1) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Wajib pajak belum terdaftar", "number",
                        "no taxpayer with that NPWPD, NIK or NIB in the region");
        return;
    }
    taxpayer_reply(req, r->res[0], false, NULL);
}

void pd_handle_find_taxpayer(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__FindTaxpayerRequest *m = (const Paten__FindTaxpayerRequest *)msg;
    struct pd_db_batch *b;

    if (!text_ok(m->number, 40)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isi NPWPD, NIK atau NIB", "number",
                        "1-40 bytes");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_TAXPAYER_FIND);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_text(b, m->number);
    pd_db_run(req->srv->db, b, taxpayer_found, req);
}
