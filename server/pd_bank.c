/*
 * pd_bank.c: the treasurer's import of the bank's statement (CSV). Each line is matched by its
 * reference to what the treasurer still has to confirm: a validated deposit (by the bank
 * reference recorded on its STS) or a transfer / QRIS payment (by its reference); the amount
 * then confirms it or records a discrepancy, exactly as a confirmation by hand would. Lines
 * that match nothing, and what is still unconfirmed afterwards, are listed: nothing is adjusted
 * silently. The import is one transaction, idempotent like every change.
 *
 * The CSV is parsed here (a bank's export is a few columns of plain text; no library in the
 * project's set reads CSV): bounded in lines and in field length, quotes allowed around a field.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_payments.h"
#include "pd_server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 5000
#define FIELD_MAX 80

struct line {
    uint32_t no;
    char date[11];
    char reference[FIELD_MAX + 1];
    int64_t amount;
    char problem[120];
    int64_t deposit_id, payment_id; /* the match */
    int64_t expected;
};

struct statement {
    struct line *lines;
    size_t n;
};

/* Splits one CSV line into at most max fields (quotes stripped, "" inside quotes is a quote),
 * each trimmed and at most FIELD_MAX bytes. Returns the field count, or -1 when a field is too
 * long or a quote is not closed. */
static int split(const char *s, char sep, char out[][FIELD_MAX + 1], int max)
{
    int n = 0;

    while (n < max) {
        size_t len = 0;
        bool quoted = false;

        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '"') {
            quoted = true;
            s++;
        }
        for (;;) {
            if (*s == '\0' || (!quoted && *s == sep))
                break;
            if (quoted && *s == '"') {
                if (s[1] == '"')
                    s++;
                else {
                    quoted = false;
                    s++;
                    continue;
                }
            }
            if (len == FIELD_MAX)
                return -1;
            out[n][len++] = *s++;
        }
        if (quoted)
            return -1;
        while (len > 0 && (out[n][len - 1] == ' ' || out[n][len - 1] == '\t'))
            len--;
        out[n][len] = '\0';
        n++;
        if (*s != sep)
            break;
        s++;
    }
    return n;
}

/* "1.458.000" or "1458000" (a trailing ",00" allowed) as whole rupiah; -1 when not. */
static int64_t parse_amount(const char *s)
{
    int64_t v = 0;
    int digits = 0;

    for (; *s; s++) {
        if (*s == '.')
            continue;
        if (*s == ',') {
            if (strcmp(s, ",00") == 0 || strcmp(s, ",0") == 0)
                break;
            return -1;
        }
        if (!isdigit((unsigned char)*s) || ++digits > 15)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return digits ? v : -1;
}

/* YYYY-MM-DD or DD/MM/YYYY into out (YYYY-MM-DD); false when neither. */
static bool parse_date(const char *s, char out[11])
{
    paten_day d;
    int dd, mm, yy;
    char tail;

    if (paten_day_parse(s, &d) == 0) {
        paten_day_format(d, out);
        return true;
    }
    if (sscanf(s, "%2d/%2d/%4d%c", &dd, &mm, &yy, &tail) == 3 && yy >= 2000 && yy <= 2100) {
        char iso[16];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", yy, mm, dd);
        if (paten_day_parse(iso, &d) == 0) {
            paten_day_format(d, out);
            return true;
        }
    }
    return false;
}

/* Parses the CSV into st. Returns 0, or -1 with an Indonesian message in msg. */
static int parse_statement(const char *csv, struct statement *st, char *msg, size_t cap)
{
    g_auto(GStrv) rows = g_strsplit(csv, "\n", MAX_LINES + 2);
    char f[8][FIELD_MAX + 1];
    int col_date = -1, col_ref = -1, col_amount = -1, nf;
    char sep;
    guint nrows = g_strv_length(rows);

    if (nrows == 0 || rows[0][0] == '\0') {
        snprintf(msg, cap, "Berkas rekening koran kosong");
        return -1;
    }
    if (nrows > MAX_LINES + 1) {
        snprintf(msg, cap, "Paling banyak %d baris", MAX_LINES);
        return -1;
    }
    g_strchomp(rows[0]);
    sep = strchr(rows[0], ';') && !strchr(rows[0], ',') ? ';' : ',';
    nf = split(rows[0], sep, f, 8);
    for (int i = 0; i < nf; i++) {
        g_autofree char *h = g_ascii_strdown(f[i], -1);
        if (strcmp(h, "date") == 0 || strcmp(h, "tanggal") == 0)
            col_date = i;
        else if (strcmp(h, "reference") == 0 || strcmp(h, "referensi") == 0)
            col_ref = i;
        else if (strcmp(h, "amount") == 0 || strcmp(h, "jumlah") == 0)
            col_amount = i;
    }
    if (col_date < 0 || col_ref < 0 || col_amount < 0) {
        snprintf(msg, cap, "Baris judul harus memuat kolom tanggal, referensi dan jumlah");
        return -1;
    }
    st->lines = pd_xcalloc(nrows, sizeof *st->lines);
    for (guint r = 1; r < nrows; r++) {
        struct line *l;
        g_strchomp(rows[r]);
        if (rows[r][0] == '\0')
            continue;
        l = &st->lines[st->n++];
        l->no = r + 1;
        nf = split(rows[r], sep, f, 8);
        if (nf <= col_date || nf <= col_ref || nf <= col_amount) {
            snprintf(l->problem, sizeof l->problem, "kolom kurang atau isian terlalu panjang");
            continue;
        }
        snprintf(l->reference, sizeof l->reference, "%s", f[col_ref]);
        l->amount = parse_amount(f[col_amount]);
        if (!parse_date(f[col_date], l->date))
            snprintf(l->problem, sizeof l->problem, "tanggal '%s' tidak dikenal", f[col_date]);
        else if (l->amount < 0)
            snprintf(l->problem, sizeof l->problem, "jumlah '%s' bukan rupiah utuh", f[col_amount]);
        else if (l->reference[0] == '\0')
            snprintf(l->problem, sizeof l->problem, "referensi kosong");
    }
    return 0;
}

struct import {
    struct pd_request *req;
    struct statement st;
    const PGresult *deps, *pays; /* valid during the match only */
    GArray *ids;                 /* the confirmations made, as text for the array literal */
};

static void import_free(void *arg)
{
    struct import *im = arg;

    if (im == NULL)
        return;
    free(im->st.lines);
    if (im->ids)
        g_array_free(im->ids, TRUE);
    free(im);
}

static void imported(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct import *im = arg;
    struct pd_request *req = im->req;
    Paten__ImportBankStatementReply reply = PATEN__IMPORT_BANK_STATEMENT_REPLY__INIT;
    const PGresult *confs, *deps, *pays;
    struct pd_msg_buf m;
    size_t nun = 0;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "importing the statement");
        import_free(im);
        return;
    }
    confs = r->res[r->n - 3];
    deps = r->res[r->n - 2];
    pays = r->res[r->n - 1];
    pd_msg_buf_init(&m);
    reply.confirmations = pd_msg_keep(&m, g_new0(Paten__Confirmation *, PQntuples(confs) + 1));
    for (int i = 0; i < PQntuples(confs); i++) {
        Paten__Confirmation *c = pd_confirmation_parse(&m, pd_db_str(confs, i, 0));
        if (c)
            reply.confirmations[reply.n_confirmations++] = c;
    }
    for (size_t i = 0; i < im->st.n; i++)
        nun += im->st.lines[i].problem[0] != '\0';
    reply.unmatched_lines = pd_msg_keep(&m, g_new0(Paten__StatementLine *, nun + 1));
    for (size_t i = 0; i < im->st.n; i++) {
        struct line *l = &im->st.lines[i];
        Paten__StatementLine *sl;
        if (l->problem[0] == '\0')
            continue;
        sl = pd_msg_keep(&m, g_new0(Paten__StatementLine, 1));
        paten__statement_line__init(sl);
        sl->line = l->no;
        sl->date = l->date;
        sl->reference = l->reference;
        sl->amount = l->amount < 0 ? 0 : l->amount;
        sl->problem = l->problem;
        reply.unmatched_lines[reply.n_unmatched_lines++] = sl;
    }
    reply.unmatched_deposits = pd_msg_keep(&m, g_new0(Paten__Deposit *, PQntuples(deps) + 1));
    for (int i = 0; i < PQntuples(deps); i++) {
        Paten__Deposit *d = pd_deposit_parse(&m, pd_db_str(deps, i, 3));
        if (d)
            reply.unmatched_deposits[reply.n_unmatched_deposits++] = d;
    }
    reply.unmatched_payments = pd_msg_keep(&m, g_new0(Paten__Payment *, PQntuples(pays) + 1));
    for (int i = 0; i < PQntuples(pays); i++) {
        Paten__Payment *p = pd_payment_parse(&m, pd_db_str(pays, i, 3), req->now_ms);
        if (p)
            reply.unmatched_payments[reply.n_unmatched_payments++] = p;
    }
    pd_info(req->conn_id, "bank statement by %s: %zu confirmations, %zu lines unmatched",
            req->session->username, reply.n_confirmations, reply.n_unmatched_lines);
    pd_idem_commit(req, t, pd_db_batch_new(), &reply.base);
    pd_msg_buf_clear(&m);
    import_free(im);
}

static void inserted(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct import *im = arg;
    struct pd_request *req = im->req;
    struct pd_db_batch *b;
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "importing the statement");
        import_free(im);
        return;
    }
    for (int i = 0; i < r->n; i++)
        if (PQntuples(r->res[i]) == 1 && PQnfields(r->res[i]) == 1)
            g_ptr_array_add(ids, g_strdup(pd_db_str(r->res[i], 0, 0)));
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_CONF_LIST);
    pd_db_param_text_array(b, (const char *const *)ids->pdata, ids->len);
    pd_db_batch_add(b, PD_STMT_BANK_DEPOSITS);
    pd_db_param_int(b, req->session->office_id);
    pd_db_batch_add(b, PD_STMT_BANK_PAYMENTS);
    pd_db_param_int(b, req->session->office_id);
    pd_db_txn_run(t, b, imported, im);
}

/* The candidates are locked: match each line by reference, and confirm. */
static void import_claimed(struct pd_request *req, struct pd_db_txn *t,
                           const struct pd_db_result *r, void *arg)
{
    struct import *im = arg;
    const PGresult *deps = r->res[0], *pays = r->res[1];
    GHashTable *used = g_hash_table_new(g_int64_hash, g_int64_equal);
    struct pd_db_batch *b = pd_db_batch_new();
    int64_t keys[2 * MAX_LINES];
    size_t nk = 0;
    int made = 0;

    for (size_t i = 0; i < im->st.n; i++) {
        struct line *l = &im->st.lines[i];
        bool found = false;

        if (l->problem[0])
            continue;
        for (int k = 0; k < PQntuples(deps) && !found; k++) {
            int64_t id = pd_db_get_int(deps, k, 0);
            int64_t key = id * 2;
            if (strcmp(pd_db_str(deps, k, 1), l->reference) != 0 ||
                g_hash_table_contains(used, &key))
                continue;
            keys[nk] = key;
            g_hash_table_add(used, &keys[nk++]);
            l->deposit_id = id;
            l->expected = pd_db_get_int(deps, k, 2);
            found = true;
        }
        for (int k = 0; k < PQntuples(pays) && !found; k++) {
            int64_t id = pd_db_get_int(pays, k, 0);
            int64_t key = id * 2 + 1;
            if (strcmp(pd_db_str(pays, k, 1), l->reference) != 0 ||
                g_hash_table_contains(used, &key))
                continue;
            keys[nk] = key;
            g_hash_table_add(used, &keys[nk++]);
            l->payment_id = id;
            l->expected = pd_db_get_int(pays, k, 2);
            found = true;
        }
        if (!found) {
            snprintf(
                l->problem, sizeof l->problem,
                "referensi tidak cocok dengan setoran atau pembayaran yang belum dikonfirmasi");
            continue;
        }
        pd_db_batch_add(b, PD_STMT_CONF_INSERT);
        pd_db_param_int(b, req->session->office_id);
        if (l->deposit_id) {
            pd_db_param_int(b, l->deposit_id);
            pd_db_param_null(b);
        } else {
            pd_db_param_null(b);
            pd_db_param_int(b, l->payment_id);
        }
        pd_db_param_text(b, l->date);
        pd_db_param_text(b, l->reference);
        pd_db_param_int(b, l->amount);
        pd_db_param_int(b, l->expected);
        pd_db_param_text(b, l->amount == l->expected ? "CONFIRMED" : "DISCREPANCY");
        pd_db_param_int(b, req->session->user_id);
        pd_db_param_int(b, req->now_ms);
        made++;
    }
    g_hash_table_destroy(used);
    {
        char after[96];
        snprintf(after, sizeof after, "{\"lines\": %zu, \"confirmations\": %d}", im->st.n, made);
        pd_audit_add(b, req, req->session->office_id, "BANK_STATEMENT_IMPORTED", "statement", "csv",
                     NULL, after);
    }
    pd_db_txn_run(t, b, inserted, im);
}

void pd_handle_import_bank_statement(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__ImportBankStatementRequest *m = (const Paten__ImportBankStatementRequest *)msg;
    struct import *im = pd_xcalloc(1, sizeof *im);
    struct pd_db_batch *b;
    char why[160];

    im->req = req;
    if (parse_statement(m->csv, &im->st, why, sizeof why) < 0) {
        import_free(im);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, why, "csv", "%s", why);
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL) {
        import_free(im);
        return;
    }
    pd_db_batch_add(b, PD_STMT_BANK_DEPOSITS);
    pd_db_param_int(b, req->session->office_id);
    pd_db_batch_add(b, PD_STMT_BANK_PAYMENTS);
    pd_db_param_int(b, req->session->office_id);
    pd_idem_begin(req, b, import_claimed, im, import_free);
}
