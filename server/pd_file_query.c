/*
 * pd_file_query.c: reading files: one file with its timeline (GetFile) and the search the
 * counter and the office's readers use (SearchFiles).
 *
 * A kecamatan's staff see their own office's files; the region-wide roles (PIMPINAN, AUDITOR at
 * the PEMDA office) see the region's. Another office's file answers NOT_FOUND, as one that does
 * not exist, so that a number cannot be probed.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_files.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_LIMIT_DEFAULT 50
#define SEARCH_LIMIT_MAX     200

static bool may_see_office(const struct pd_request *req, int64_t office_id)
{
    return office_id == req->session->office_id || pd_session_region_wide(req->session);
}

static void file_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__FileReply reply;
    struct pd_msg_buf m;
    const PGresult *res[3] = { r->res[0], r->res[1], r->res[2] };

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading a file");
        return;
    }
    pd_msg_buf_init(&m);
    if (!pd_file_reply_build(&reply, &m, res, req->now_ms) ||
        !may_see_office(req, reply.file->office_id)) {
        pd_msg_buf_clear(&m);
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Berkas tidak ditemukan", "file_id",
                        "no such file the caller may see");
        return;
    }
    pd_request_reply(req, &reply.base);
    pd_msg_buf_clear(&m);
}

/* GetFile by register number first finds the id, then reads as by id. */
static void file_found(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    struct pd_db_batch *b;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "finding a file");
        return;
    }
    if (PQntuples(r->res[0]) != 1) {
        pd_request_fail(req, PATEN_ERR_NOT_FOUND, "Berkas tidak ditemukan", "register_number",
                        "no such file in the caller's region");
        return;
    }
    b = pd_db_batch_new();
    pd_file_add_readback(b, pd_db_get_int(r->res[0], 0, 0), req->session->region_id);
    pd_db_run(req->srv->db, b, file_read, req);
}

void pd_handle_get_file(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__GetFileRequest *m = (const Paten__GetFileRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();

    if (m->file_id > 0) {
        pd_file_add_readback(b, m->file_id, req->session->region_id);
        pd_db_run(req->srv->db, b, file_read, req);
        return;
    }
    if (m->register_number[0] == '\0' || strlen(m->register_number) > 95) {
        pd_db_batch_free(b);
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Masukkan nomor register berkas",
                        "file_id", "file_id or register_number is required");
        return;
    }
    pd_db_batch_add(b, PD_STMT_FILE_GET_BY_NUMBER);
    pd_db_param_text(b, m->register_number);
    pd_db_param_int(b, req->session->region_id);
    pd_db_run(req->srv->db, b, file_found, req);
}

static void files_searched(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__SearchFilesReply reply = PATEN__SEARCH_FILES_REPLY__INIT;
    const PGresult *res;
    int n;
    Paten__FileSummary *s, **p;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "searching files");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    s = pd_xcalloc((size_t)n + 1, sizeof *s);
    p = pd_xcalloc((size_t)n + 1, sizeof *p);
    for (int i = 0; i < n; i++) {
        pd_file_summary_from_row(&s[i], res, i, 0, req->now_ms);
        p[i] = &s[i];
    }
    reply.files = p;
    reply.n_files = (size_t)n;
    reply.total = n ? (uint32_t)pd_db_get_int(res, 0, PD_SQL_FILE_SUMMARY_NCOLS) : 0;
    pd_request_reply(req, &reply.base);
    free(p);
    free(s);
}

void pd_handle_search_files(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__SearchFilesRequest *m = (const Paten__SearchFilesRequest *)msg;
    struct pd_db_batch *b;
    paten_day day;
    char number[24] = "";
    int64_t office;
    uint32_t limit = m->limit ? m->limit : SEARCH_LIMIT_DEFAULT;

    if (limit > SEARCH_LIMIT_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "limit", "limit is 1 to %d",
                        SEARCH_LIMIT_MAX);
        return;
    }
    if (m->offset > 1000000) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "offset", "offset too large");
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
    if (m->state != 0 && pd_file_state_db(m->state) == NULL) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "state", "unknown state");
        return;
    }
    if (strlen(m->name) > 200 || strlen(m->register_number) > 95) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL,
                        strlen(m->name) > 200 ? "name" : "register_number", "too long");
        return;
    }
    /* Numbers are written with dots and dashes; the database keeps the digits. */
    for (const char *c = m->number; *c; c++) {
        size_t n = strlen(number);
        if (*c == '.' || *c == '-' || *c == ' ')
            continue;
        if (*c < '0' || *c > '9' || n + 1 >= sizeof number) {
            pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Nomor identitas tidak valid",
                            "number", "a NIK, NIB or NPWP: digits");
            return;
        }
        number[n] = *c;
        number[n + 1] = '\0';
    }
    /* Others' offices are refused by the dispatcher (the office_id scope). */
    office = m->office_id                           ? m->office_id
             : pd_session_region_wide(req->session) ? 0
                                                    : req->session->office_id;
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_FILE_SEARCH);
    pd_db_param_int(b, req->session->region_id);
    pd_db_param_int(b, office);
    pd_db_param_text(b, m->register_number);
    pd_db_param_text(b, number);
    /* LIKE's own characters in a name are meant literally. */
    {
        GString *like = g_string_new(NULL);
        for (const char *c = m->name; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                g_string_append_c(like, '\\');
            g_string_append_c(like, *c);
        }
        pd_db_param_text(b, like->str);
        g_string_free(like, TRUE);
    }
    pd_db_param_int(b, m->service_id);
    pd_db_param_text(b, m->state ? pd_file_state_db(m->state) : "");
    pd_db_param_text(b, m->from_date[0] ? m->from_date : NULL);
    pd_db_param_text(b, m->to_date[0] ? m->to_date : NULL);
    pd_db_param_bool(b, m->overdue_only);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_int(b, m->offset);
    pd_db_param_int(b, limit);
    /* A search a person types: the replica a moment behind serves it (desks update the rows
     * shown from FileChanged events, not by searching again). */
    pd_db_run_replica(req->srv->replica, req->srv->db, b, files_searched, req);
}
