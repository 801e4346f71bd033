/*
 * pd_documents.c: numbering, signing and verifying documents; the register books (see
 * pd_documents.h).
 *
 * The region's secret key lives in the database (signing_keys), readable by patend's role only:
 * every patend of a deployment signs with it, and it is backed up with the data it vouches for.
 */
#include "pd_documents.h"

#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_clock.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_server.h"
#include "pd_sql.h"

#include <glib.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT] = "RECEIPT",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP] = "RETURN_SLIP",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT] = "SURVEY_REPORT",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES] = "MEETING_MINUTES",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER] = "REJECTION_LETTER",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE] = "DECREE",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD] = "SKRD",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD] = "SKPD",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STRD] = "STRD",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STPD] = "STPD",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SSRD] = "SSRD",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SSPD] = "SSPD",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STS] = "STS",
};

/* Register titles, as the printed buku register heads them. */
static const char *const kind_titles[] = {
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RECEIPT] = "Tanda Terima Berkas",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_RETURN_SLIP] = "Pengembalian Berkas",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SURVEY_REPORT] = "Berita Acara Pemeriksaan Lapangan",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_MEETING_MINUTES] = "Berita Acara Rapat",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_REJECTION_LETTER] = "Surat Penolakan",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE] = "Surat Keputusan Camat",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKRD] = "Surat Ketetapan Retribusi Daerah (SKRD)",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SKPD] = "Surat Ketetapan Pajak Daerah (SKPD)",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STRD] = "Surat Tagihan Retribusi Daerah (STRD)",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STPD] = "Surat Tagihan Pajak Daerah (STPD)",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SSRD] = "Surat Setoran Retribusi Daerah (SSRD)",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_SSPD] = "Surat Setoran Pajak Daerah (SSPD)",
    [PATEN__DOCUMENT_KIND__DOCUMENT_KIND_STS] = "Surat Tanda Setoran (STS)",
};

const char *pd_doc_kind_db(int kind)
{
    if (kind <= 0 || (size_t)kind >= G_N_ELEMENTS(kind_names))
        return NULL;
    return kind_names[kind];
}

int pd_doc_kind_from_db(const char *name)
{
    for (size_t k = 1; k < G_N_ELEMENTS(kind_names); k++)
        if (strcmp(kind_names[k], name) == 0)
            return (int)k;
    return 0;
}

void pd_doc_set_time(struct pd_doc *d, int64_t now_ms, int tz_offset_min)
{
    paten_day day = paten_day_of(now_ms, tz_offset_min);
    int m, dd;

    d->issued_at_ms = now_ms;
    paten_day_format(day, d->issued_date);
    paten_day_to_ymd(day, &d->year, &m, &dd);
}

void pd_doc_add_take(struct pd_db_batch *b, const struct pd_doc *d)
{
    pd_db_batch_add(b, PD_STMT_TAKE_NUMBER);
    pd_db_param_int(b, d->office_id);
    pd_db_param_text(b, pd_doc_kind_db(d->kind));
    pd_db_param_text(b, d->series);
    pd_db_param_int(b, d->year);
    pd_db_batch_add(b, PD_STMT_SIGNING_KEY);
    pd_db_param_int(b, d->region_id);
}

/* A bytea column as bytes into out (exactly len of them); false otherwise. */
static bool bytea_exact(const PGresult *res, int row, int col, unsigned char *out, size_t len)
{
    size_t n = 0;
    unsigned char *raw = PQunescapeBytea((const unsigned char *)pd_db_str(res, row, col), &n);
    bool ok = raw != NULL && n == len;

    if (ok)
        memcpy(out, raw, len);
    if (raw) {
        sodium_memzero(raw, n);
        PQfreemem(raw);
    }
    return ok;
}

int pd_doc_sign(struct pd_doc *d, const PGresult *take, const PGresult *key, char *err, size_t cap)
{
    struct paten_docsig sig;
    unsigned char pk[32], sk[64];
    int n;

    if (PQntuples(take) != 1) {
        snprintf(err, cap, "no number was taken");
        return -1;
    }
    if (PQntuples(key) != 1 || !bytea_exact(key, 0, 1, pk, sizeof pk) ||
        !bytea_exact(key, 0, 2, sk, sizeof sk)) {
        snprintf(err, cap, "region %s has no usable signing key (restart patend to create one)",
                 d->region_code);
        return -1;
    }
    d->seq = (int)pd_db_get_int(take, 0, 0);
    snprintf(d->number, sizeof d->number, "%s", pd_db_str(take, 0, 1));
    memset(&sig, 0, sizeof sig);
    snprintf(sig.region, sizeof sig.region, "%s", d->region_code);
    sig.kind = d->kind;
    snprintf(sig.number, sizeof sig.number, "%s", d->number);
    snprintf(sig.date, sizeof sig.date, "%s", d->issued_date);
    sig.amount = d->amount;
    snprintf(sig.subject, sizeof sig.subject, "%s", d->subject);
    n = paten_docsig_sign(&sig, pk, sk, d->verification, sizeof d->verification);
    sodium_memzero(sk, sizeof sk);
    if (n < 0) {
        snprintf(err, cap, "cannot sign %s: %d", d->number, n);
        return -1;
    }
    paten_docsig_key_id(pk, d->key_id);
    return 0;
}

void pd_doc_add_insert(struct pd_db_batch *b, const struct pd_doc *d, int64_t user_id)
{
    pd_db_batch_add(b, PD_STMT_DOCUMENT_INSERT);
    pd_db_param_int(b, d->office_id);
    pd_db_param_text(b, pd_doc_kind_db(d->kind));
    pd_db_param_text(b, d->series);
    pd_db_param_int(b, d->year);
    pd_db_param_int(b, d->seq);
    pd_db_param_text(b, d->number);
    pd_db_param_text(b, d->file_number[0] ? d->file_number : NULL);
    pd_db_param_text(b, d->subject);
    pd_db_param_int(b, d->amount);
    pd_db_param_int(b, d->issued_at_ms);
    pd_db_param_text(b, d->issued_date);
    pd_db_param_int(b, user_id);
    pd_db_param_text(b, d->signed_as);
    pd_db_param_text(b, d->key_id);
    pd_db_param_text(b, d->verification);
}

/* ---- keys ----------------------------------------------------------------------------------- */

int pd_documents_ensure_keys(const char *owner_conninfo)
{
    PGconn *pg = PQconnectdb(owner_conninfo);
    PGresult *r;
    int rc = -1;

    if (sodium_init() < 0) {
        pd_error(0, "signing keys: libsodium cannot start");
        PQfinish(pg);
        return -1;
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        pd_error(0, "signing keys: cannot connect: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return -1;
    }
    r = PQexec(pg, "SELECT r.id, r.code FROM regions r WHERE NOT EXISTS (SELECT 1 FROM "
                   "signing_keys k WHERE k.region_id = r.id AND k.active) ORDER BY r.id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pd_error(0, "signing keys: %s", PQresultErrorMessage(r));
        goto out;
    }
    for (int i = 0; i < PQntuples(r); i++) {
        unsigned char pk[32], sk[64];
        char key_id[9], now[24];
        const char *params[5];
        int lens[5] = { 0, 0, 32, 64, 0 };
        int formats[5] = { 0, 0, 1, 1, 0 };
        PGresult *ins;

        crypto_sign_keypair(pk, sk);
        paten_docsig_key_id(pk, key_id);
        snprintf(now, sizeof now, "%lld", (long long)pd_clock_now_ms());
        params[0] = key_id;
        params[1] = PQgetvalue(r, i, 0);
        params[2] = (const char *)pk;
        params[3] = (const char *)sk;
        params[4] = now;
        /* Another patend starting at the same moment may win: its key is as good. */
        ins = PQexecParams(pg,
                           "INSERT INTO signing_keys (key_id, region_id, public_key, secret_key, "
                           "created_at) VALUES ($1, $2::bigint, $3, $4, ms_to_ts($5::bigint)) "
                           "ON CONFLICT DO NOTHING",
                           5, NULL, params, lens, formats, 0);
        sodium_memzero(sk, sizeof sk);
        if (PQresultStatus(ins) != PGRES_COMMAND_OK) {
            pd_error(0, "signing keys: region %s: %s", PQgetvalue(r, i, 1),
                     PQresultErrorMessage(ins));
            PQclear(ins);
            goto out;
        }
        PQclear(ins);
        pd_info(0, "created the document signing key %s of region %s", key_id, PQgetvalue(r, i, 1));
    }
    rc = 0;
out:
    PQclear(r);
    PQfinish(pg);
    return rc;
}

/* ---- GetSigningKeys ------------------------------------------------------------------------- */

static void keys_listed(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__GetSigningKeysReply reply = PATEN__GET_SIGNING_KEYS_REPLY__INIT;
    int n;
    Paten__SigningKey *k, **p;
    unsigned char(*pk)[32];

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing signing keys");
        return;
    }
    n = PQntuples(r->res[0]);
    k = pd_xcalloc((size_t)(n ? n : 1), sizeof *k);
    p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);
    pk = pd_xcalloc((size_t)(n ? n : 1), sizeof *pk);
    for (int i = 0; i < n; i++) {
        paten__signing_key__init(&k[i]);
        k[i].region_code = (char *)pd_db_str(r->res[0], i, 0);
        k[i].key_id = (char *)pd_db_str(r->res[0], i, 1);
        if (bytea_exact(r->res[0], i, 2, pk[i], 32)) {
            k[i].public_key.data = pk[i];
            k[i].public_key.len = 32;
        }
        k[i].created_at_ms = pd_db_get_int(r->res[0], i, 3);
        p[i] = &k[i];
    }
    reply.keys = p;
    reply.n_keys = (size_t)n;
    pd_request_reply(req, &reply.base);
    free(pk);
    free(p);
    free(k);
}

void pd_handle_get_signing_keys(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__GetSigningKeysRequest *m = (const Paten__GetSigningKeysRequest *)msg;
    struct pd_db_batch *b;

    if (strlen(m->region_code) > 40) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "region_code",
                        "a region code is at most 40 bytes");
        return;
    }
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_SIGNING_KEYS_LIST);
    pd_db_param_text(b, m->region_code);
    pd_db_run(req->srv->db, b, keys_listed, req);
}

/* ---- VerifyDocument ------------------------------------------------------------------------- */

struct verify {
    struct pd_request *req;
    struct paten_docsig sig;
    char *payload;
};

static void verify_reply(struct verify *v, bool valid, const char *problem, const char *voided)
{
    Paten__VerifyDocumentReply reply = PATEN__VERIFY_DOCUMENT_REPLY__INIT;

    reply.valid = valid;
    reply.problem = (char *)(problem ? problem : "");
    reply.region_code = v->sig.region;
    reply.kind = (Paten__DocumentKind)v->sig.kind;
    reply.number = v->sig.number;
    reply.issued_date = v->sig.date;
    reply.amount = v->sig.amount;
    reply.subject = v->sig.subject;
    reply.voided_reason = (char *)(voided ? voided : "");
    pd_request_reply(v->req, &reply.base);
    free(v->payload);
    free(v);
}

static void verify_looked_up(const struct pd_db_result *r, void *arg)
{
    struct verify *v = arg;
    const PGresult *keys, *doc;
    unsigned char pk[32];
    bool have_key = false;
    struct paten_docsig back;

    if (r->status < 0) {
        pd_request_fail_db(v->req, r, "verifying a document");
        free(v->payload);
        free(v);
        return;
    }
    keys = r->res[0];
    doc = r->res[1];
    for (int i = 0; i < PQntuples(keys) && !have_key; i++)
        have_key = strcmp(pd_db_str(keys, i, 1), v->sig.key_id) == 0 &&
                   bytea_exact(keys, i, 2, pk, sizeof pk);
    if (!have_key) {
        verify_reply(v, false, "Kunci penandatangan tidak dikenal untuk daerah ini", NULL);
        return;
    }
    if (paten_docsig_verify(v->payload, pk, &back) != PATEN_DOCSIG_OK) {
        verify_reply(v, false, "Tanda tangan tidak cocok: isi dokumen telah diubah atau palsu",
                     NULL);
        return;
    }
    if (PQntuples(doc) != 1 || strcmp(pd_db_str(doc, 0, 0), v->sig.region) != 0) {
        verify_reply(v, false, "Nomor dokumen tidak terdaftar", NULL);
        return;
    }
    /* A correctly signed payload that differs from the register's (a re-issue, or a key's
     * misuse) is not the document on record. */
    if (strcmp(pd_db_str(doc, 0, 7), v->payload) != 0) {
        verify_reply(v, false, "Isi kode berbeda dengan yang tercatat di register", NULL);
        return;
    }
    if (pd_db_str(doc, 0, 5)[0] != '\0') {
        verify_reply(v, false, "Dokumen telah dibatalkan", pd_db_str(doc, 0, 5));
        return;
    }
    verify_reply(v, true, NULL, NULL);
}

void pd_handle_verify_document(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__VerifyDocumentRequest *m = (const Paten__VerifyDocumentRequest *)msg;
    struct verify *v;
    struct pd_db_batch *b;

    v = pd_xcalloc(1, sizeof *v);
    v->req = req;
    if (paten_docsig_parse(m->payload, &v->sig) != PATEN_DOCSIG_OK) {
        free(v);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Kode tidak dapat dibaca sebagai kode "
                        "dokumen PATEN",
                        "payload", "not a PATEN1 payload");
        return;
    }
    v->payload = pd_xstrdup(m->payload);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_SIGNING_KEYS_LIST);
    pd_db_param_text(b, v->sig.region);
    pd_db_batch_add(b, PD_STMT_DOCUMENT_LOOKUP);
    pd_db_param_text(b, v->sig.number);
    pd_db_run(req->srv->db, b, verify_looked_up, v);
}

/* ---- ListRegister --------------------------------------------------------------------------- */

struct reg {
    struct pd_request *req;
    int64_t office_id;
    int kind;
    int year;
    char series[48];
    char service_name[256];
};

static void register_listed(const struct pd_db_result *r, void *arg)
{
    struct reg *g = arg;
    struct pd_request *req = g->req;
    Paten__ListRegisterReply reply = PATEN__LIST_REGISTER_REPLY__INIT;
    const PGresult *res;
    g_autofree char *title = NULL;
    int n;
    Paten__RegisterEntry *e, **p;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "listing a register");
        free(g);
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    e = pd_xcalloc((size_t)(n ? n : 1), sizeof *e);
    p = pd_xcalloc((size_t)(n ? n : 1), sizeof *p);
    for (int i = 0; i < n; i++) {
        paten__register_entry__init(&e[i]);
        e[i].seq = (uint32_t)pd_db_get_int(res, i, 0);
        e[i].number = (char *)pd_db_str(res, i, 1);
        e[i].kind = (Paten__DocumentKind)g->kind;
        e[i].issued_at_ms = pd_db_get_int(res, i, 2);
        e[i].issued_date = (char *)pd_db_str(res, i, 3);
        e[i].file_id = pd_db_get_int(res, i, 4);
        e[i].file_register_number = (char *)pd_db_str(res, i, 5);
        e[i].applicant_name = (char *)pd_db_str(res, i, 6);
        e[i].service_name = (char *)pd_db_str(res, i, 7);
        e[i].issued_by_name = (char *)pd_db_str(res, i, 8);
        e[i].voided_reason = (char *)pd_db_str(res, i, 9);
        p[i] = &e[i];
    }
    title = g->service_name[0]
                ? g_strdup_printf("Buku Register %s %s %d", kind_titles[g->kind], g->service_name,
                                  g->year)
                : g_strdup_printf("Buku Register %s %d", kind_titles[g->kind], g->year);
    reply.entries = p;
    reply.n_entries = (size_t)n;
    reply.title = title;
    reply.office_name = (char *)(PQntuples(r->res[1]) == 1 ? pd_db_str(r->res[1], 0, 1) : "");
    pd_request_reply(req, &reply.base);
    free(p);
    free(e);
    free(g);
}

static void register_run(struct reg *g)
{
    const Paten__ListRegisterRequest *m = (const Paten__ListRegisterRequest *)g->req->in.msg;
    struct pd_db_batch *b = pd_db_batch_new();

    pd_db_batch_add(b, PD_STMT_REGISTER_LIST);
    pd_db_param_int(b, g->office_id);
    pd_db_param_text(b, pd_doc_kind_db(g->kind));
    pd_db_param_text(b, g->series);
    pd_db_param_int(b, g->year);
    pd_db_param_text(b, m->from_date[0] ? m->from_date : NULL);
    pd_db_param_text(b, m->to_date[0] ? m->to_date : NULL);
    pd_db_batch_add(b, PD_STMT_OFFICE_CONTEXT); /* the office's name, for the book's head */
    pd_db_param_int(b, g->office_id);
    /* A report (the register book): a replica a moment behind is good enough. */
    pd_db_run_replica(g->req->srv->replica, g->req->srv->db, b, register_listed, g);
}

/* A DECREE register is the service's: its code is the register's series. */
static void register_service_read(const struct pd_db_result *r, void *arg)
{
    struct reg *g = arg;

    if (r->status < 0) {
        pd_request_fail_db(g->req, r, "reading the service");
        free(g);
        return;
    }
    if (PQntuples(r->res[0]) != 1) {
        pd_request_fail(g->req, PATEN_ERR_NOT_FOUND, NULL, "service_id",
                        "no such service in the caller's region");
        free(g);
        return;
    }
    snprintf(g->series, sizeof g->series, "%s", pd_db_str(r->res[0], 0, 1));
    snprintf(g->service_name, sizeof g->service_name, "%s", pd_db_str(r->res[0], 0, 3));
    register_run(g);
}

void pd_handle_list_register(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ListRegisterRequest *m = (const Paten__ListRegisterRequest *)msg;
    paten_day day;
    struct reg *g;
    int y, mo, d;

    if (pd_doc_kind_db(m->kind) == NULL) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "kind", "kind is required");
        return;
    }
    if ((m->from_date[0] && paten_day_parse(m->from_date, &day) < 0) ||
        (m->to_date[0] && paten_day_parse(m->to_date, &day) < 0)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggal tidak valid",
                        m->from_date[0] && paten_day_parse(m->from_date, &day) < 0 ? "from_date"
                                                                                   : "to_date",
                        "dates are YYYY-MM-DD");
        return;
    }
    if (m->kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE && m->service_id == 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Pilih layanan", "service_id",
                        "a DECREE register is per service");
        return;
    }
    g = pd_xcalloc(1, sizeof *g);
    g->req = req;
    g->kind = m->kind;
    g->office_id = m->office_id ? m->office_id : req->session->office_id;
    paten_day_to_ymd(paten_day_of(req->now_ms, 7 * 60), &y, &mo, &d);
    g->year = m->year ? m->year : y;
    if (g->year < 2000 || g->year > 2100) {
        free(g);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "year", "year must be 2000-2100");
        return;
    }
    if (m->kind == PATEN__DOCUMENT_KIND__DOCUMENT_KIND_DECREE) {
        struct pd_db_batch *b = pd_db_batch_new();
        pd_db_batch_add(b, PD_STMT_SERVICE_GET);
        pd_db_param_int(b, m->service_id);
        pd_db_param_int(b, 0);
        pd_db_param_int(b, req->session->region_id);
        pd_db_run(req->srv->db, b, register_service_read, g);
        return;
    }
    register_run(g);
}
