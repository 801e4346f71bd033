/*
 * pd_dispositions.c: written instructions that route a file (disposisi): made by the file's
 * kecamatan staff to a person or to a role at the office, read (a role's one is then claimed by
 * whoever opened it first), and completed with a response. They never change the file's state;
 * each step is on the file's timeline and pushed to whoever it concerns.
 */
#include "paten_calendar.h"
#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_audit.h"
#include "pd_events.h"
#include "pd_files.h"
#include "pd_idem.h"
#include "pd_log.h"
#include "pd_server.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INSTRUCTION_MAX 2000
#define STATE(x)        PATEN__FILE_STATE__FILE_STATE_##x

/* The roles a disposition may be addressed to: those held at a kecamatan. */
#define ADDRESSABLE_ROLES                                                                     \
    (PD_ROLE_BIT(PATEN__ROLE__ROLE_LOKET) | PD_ROLE_BIT(PATEN__ROLE__ROLE_CAMAT) |            \
     PD_ROLE_BIT(PATEN__ROLE__ROLE_SEKRETARIAT) | PD_ROLE_BIT(PATEN__ROLE__ROLE_TIM_TEKNIS) | \
     PD_ROLE_BIT(PATEN__ROLE__ROLE_KASIR))

/* DISPOSITION_LOCK's columns. */
enum {
    DL_ID,
    DL_VERSION,
    DL_TO_USER,
    DL_TO_ROLE,
    DL_OFFICE,
    DL_READ,
    DL_DONE,
    DL_FROM,
    DL_TO_NAME,
    DL_FILE
};

/* Adds the DispositionChanged event: to the addressee (the person, or the role's holders at the
 * office), and to the one who made it. */
static void add_events(struct pd_db_batch *b, struct pd_request *req, const Paten__Disposition *d,
                       const char *change, int64_t from_user, bool to_role_holders)
{
    Paten__Event ev = PATEN__EVENT__INIT;
    Paten__DispositionChanged dc = PATEN__DISPOSITION_CHANGED__INIT;

    dc.disposition = (Paten__Disposition *)d;
    dc.change = (char *)change;
    ev.at_ms = req->now_ms;
    ev.body_case = PATEN__EVENT__BODY_DISPOSITION_CHANGED;
    ev.disposition_changed = &dc;
    /* The one acting hears it too: the same person may have the inbox open at another desk. */
    if (to_role_holders && d->to_role)
        pd_event_add(b, req->now_ms, "DISPOSITION_CHANGED", req->session->region_id,
                     d->to_office_id, PD_ROLE_BIT(d->to_role), 0, &ev);
    else if (d->to_user_id)
        pd_event_add(b, req->now_ms, "DISPOSITION_CHANGED", 0, 0, 0, d->to_user_id, &ev);
    if (from_user && from_user != d->to_user_id)
        pd_event_add(b, req->now_ms, "DISPOSITION_CHANGED", 0, 0, 0, from_user, &ev);
}

static void add_history(struct pd_db_batch *b, struct pd_request *req, int64_t file_id,
                        const char *action, const char *as, const char *note)
{
    pd_db_batch_add(b, PD_STMT_HISTORY_INSERT);
    pd_db_param_int(b, file_id);
    pd_db_param_int(b, req->now_ms);
    pd_db_param_text(b, action);
    pd_db_param_null(b);
    pd_db_param_null(b);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, as);
    pd_db_param_text(b, note);
}

/* The last result holds the disposition as it is now: reply with it, add the events, commit. */
static void commit_disposition(struct pd_request *req, struct pd_db_txn *t,
                               const struct pd_db_result *r, const char *change, int64_t from_user,
                               bool to_role_holders)
{
    Paten__DispositionReply reply = PATEN__DISPOSITION_REPLY__INIT;
    Paten__Disposition d;
    struct pd_db_batch *b;
    const PGresult *res = r->res[r->n - 1];

    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_INTERNAL, NULL, NULL, "the disposition is missing");
        return;
    }
    pd_disposition_from_row(&d, res, 0, 0, req->now_ms);
    reply.disposition = &d;
    b = pd_db_batch_new();
    add_events(b, req, &d, change, from_user, to_role_holders);
    pd_info(req->conn_id, "disposition %lld on %s %s by %s", (long long)d.id,
            d.file_register_number, change, req->session->username);
    pd_idem_commit(req, t, b, &reply.base);
}

/* ---- Dispose -------------------------------------------------------------------------------- */

struct dispose {
    int64_t id; /* taken before the row, so that one round trip writes and reads it */
    char as[160];
    char note[600];
};

static void disposed(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;

    if (r->status < 0) {
        pd_idem_fail_db(req, r, "making a disposition");
        return;
    }
    commit_disposition(req, t, r, "CREATED", 0, true);
}

static void dispose_claimed(struct pd_request *req, struct pd_db_txn *t,
                            const struct pd_db_result *r, void *arg)
{
    const Paten__DisposeRequest *m = (const Paten__DisposeRequest *)req->in.msg;
    const PGresult *file = r->res[0], *days = r->res[1];
    struct dispose *dp = arg;
    struct pd_db_batch *b;
    int state, tz;
    int64_t due = m->due_ms;
    char idtext[24];
    g_autofree char *after = NULL;
    g_autofree char *instr = g_strescape(m->instruction, NULL);

    if (PQntuples(file) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Berkas tidak ditemukan", "file_id",
                      "no such file in the caller's region");
        free(dp);
        return;
    }
    state = pd_file_state_from_db(pd_db_str(file, 0, PD_FL_STATE));
    if (pd_db_get_int(file, 0, PD_FL_OFFICE_ID) != req->session->office_id) {
        pd_idem_abort_state(req, t, PATEN_ERR_PERMISSION_DENIED, "Berkas ini milik kecamatan lain",
                            "file_id", state, pd_db_get_int(file, 0, PD_FL_VERSION),
                            "the file belongs to another office");
        free(dp);
        return;
    }
    if (state == STATE(HANDED_OVER) || state == STATE(REJECTED) || state == STATE(WITHDRAWN)) {
        pd_idem_abort_state(req, t, PATEN_ERR_FAILED_PRECONDITION,
                            "Berkas sudah selesai: tidak dapat didisposisikan", "file_id", state,
                            pd_db_get_int(file, 0, PD_FL_VERSION), "the file is closed");
        free(dp);
        return;
    }
    if (m->to_user_id && PQntuples(r->res[2]) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_INVALID_ARGUMENT,
                      "Penerima disposisi bukan pegawai aktif kecamatan ini", "to_user_id",
                      "not an active user of the file's office");
        free(dp);
        return;
    }
    dp->id = pd_db_get_int(r->res[r->n - 1], 0, 0);
    tz = paten_tz_offset_minutes(pd_db_str(file, 0, PD_FL_TIME_ZONE));
    if (tz < 0)
        tz = 7 * 60;
    if (due == 0) {
        /* By default: the office's closing time on the next working day. */
        int n = PQntuples(days);
        paten_day *closed = pd_xcalloc((size_t)n + 1, sizeof *closed);
        struct paten_calendar cal;
        for (int i = 0; i < n; i++)
            closed[i] = (paten_day)pd_db_get_int(days, i, 0);
        cal.closed = closed;
        cal.n_closed = (size_t)n;
        due = paten_cal_deadline(&cal, tz, req->now_ms, 1, 0,
                                 (int)pd_db_get_int(file, 0, PD_FL_CLOSES_MIN));
        free(closed);
    }
    pd_acting_as(req, pd_db_str(file, 0, PD_FL_OFFICE_NAME), dp->as, sizeof dp->as);
    snprintf(dp->note, sizeof dp->note, "Kepada %s: %s",
             m->to_user_id ? pd_db_str(r->res[2], 0, 1) : pd_role_name(m->to_role), m->instruction);
    b = pd_db_batch_new();
    pd_db_batch_add(b, PD_STMT_DISPOSITION_INSERT);
    pd_db_param_int(b, dp->id);
    pd_db_param_int(b, m->file_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_text(b, dp->as);
    if (m->to_user_id)
        pd_db_param_int(b, m->to_user_id);
    else
        pd_db_param_null(b);
    pd_db_param_text(b, m->to_role ? pd_role_name(m->to_role) : NULL);
    pd_db_param_text(b, m->instruction);
    pd_db_param_int(b, due);
    pd_db_param_int(b, req->now_ms);
    add_history(b, req, m->file_id, "DISPOSED", dp->as, dp->note);
    snprintf(idtext, sizeof idtext, "%lld", (long long)m->file_id);
    after = g_strdup_printf("{\"to_user_id\": %lld, \"to_role\": \"%s\", \"instruction\": "
                            "\"%s\", \"due_ms\": %lld}",
                            (long long)m->to_user_id, m->to_role ? pd_role_name(m->to_role) : "",
                            instr, (long long)due);
    pd_audit_add(b, req, req->session->office_id, "DISPOSED", "file", idtext, NULL, after);
    pd_db_batch_add(b, PD_STMT_DISPOSITION_GET);
    pd_db_param_int(b, dp->id);
    pd_db_param_int(b, req->session->region_id);
    free(dp);
    pd_db_txn_run(t, b, disposed, req);
}

void pd_handle_dispose(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__DisposeRequest *m = (const Paten__DisposeRequest *)msg;
    struct pd_db_batch *b;

    if (m->file_id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "file_id", "file_id is required");
        return;
    }
    if ((m->to_user_id != 0) == (m->to_role != 0)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT,
                        "Pilih satu penerima: pegawai atau "
                        "jabatan",
                        "to_user_id", "exactly one of to_user_id and to_role");
        return;
    }
    if (m->to_role && !(PD_ROLE_BIT(m->to_role) & ADDRESSABLE_ROLES)) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Jabatan ini tidak ada di kecamatan",
                        "to_role",
                        "a kecamatan role: LOKET, CAMAT, SEKRETARIAT, TIM_TEKNIS, "
                        "KASIR");
        return;
    }
    if (m->to_user_id == req->session->user_id) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Disposisi tidak untuk diri sendiri",
                        "to_user_id", "a disposition goes to someone else");
        return;
    }
    if (m->instruction[0] == '\0' || strlen(m->instruction) > INSTRUCTION_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Isi disposisi wajib diisi", "instruction",
                        "1 to %d bytes", INSTRUCTION_MAX);
        return;
    }
    if (m->due_ms != 0 && m->due_ms <= req->now_ms) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Batas waktu harus di masa depan",
                        "due_ms", "due_ms is in the past");
        return;
    }
    b = pd_idem_start(req, m->idempotency_key);
    if (b == NULL)
        return;
    pd_db_batch_add(b, PD_STMT_FILE_LOCK);
    pd_db_param_int(b, m->file_id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_batch_add(b, PD_STMT_FILE_CLOSED_DAYS);
    pd_db_param_int(b, m->file_id);
    pd_db_param_int(b, req->now_ms);
    if (m->to_user_id) {
        pd_db_batch_add(b, PD_STMT_USER_IN_OFFICE);
        pd_db_param_int(b, m->to_user_id);
        pd_db_param_int(b, req->session->office_id);
    }
    pd_db_batch_add(b, PD_STMT_DISPOSITION_NEXT_ID);
    pd_idem_begin(req, b, dispose_claimed, pd_xcalloc(1, sizeof(struct dispose)), free);
}

/* ---- Inbox ---------------------------------------------------------------------------------- */

static void inbox_read(const struct pd_db_result *r, void *arg)
{
    struct pd_request *req = arg;
    Paten__InboxReply reply = PATEN__INBOX_REPLY__INIT;
    const PGresult *res;
    int n, k = 0;
    Paten__Disposition *d, **p;

    if (r->status < 0) {
        pd_request_fail_db(req, r, "reading the inbox");
        return;
    }
    res = r->res[0];
    n = PQntuples(res);
    d = pd_xcalloc((size_t)n + 1, sizeof *d);
    p = pd_xcalloc((size_t)n + 1, sizeof *p);
    for (int i = 0; i < n; i++)
        pd_disposition_from_row(&d[i], res, i, 0, req->now_ms);
    /* Overdue first, then by due time (as the query ordered them), then the completed ones. */
    for (int pass = 0; pass < 3; pass++)
        for (int i = 0; i < n; i++) {
            bool done = d[i].completed_at_ms != 0;
            if ((pass == 0 && !done && d[i].overdue) || (pass == 1 && !done && !d[i].overdue) ||
                (pass == 2 && done))
                p[k++] = &d[i];
        }
    reply.dispositions = p;
    reply.n_dispositions = (size_t)k;
    pd_request_reply(req, &reply.base);
    free(p);
    free(d);
}

void pd_handle_inbox(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__InboxRequest *m = (const Paten__InboxRequest *)msg;
    struct pd_db_batch *b = pd_db_batch_new();
    char roles[160];

    pd_roles_to_array(req->roles & ADDRESSABLE_ROLES, roles, sizeof roles);
    pd_db_batch_add(b, PD_STMT_INBOX);
    pd_db_param_int(b, req->session->user_id);
    pd_db_param_int(b, req->session->office_id);
    pd_db_param_text(b, roles);
    pd_db_param_bool(b, m->include_completed);
    pd_db_run(req->srv->db, b, inbox_read, req);
}

/* ---- OpenDisposition, CompleteDisposition ------------------------------------------------------
 */

struct dstep {
    struct pd_request *req;
    int64_t id;
    int64_t from_user;
    bool claim;
    bool complete;
};

/* Whether the caller may act on the locked disposition; fails the request when not. A role's
 * unclaimed disposition may be opened by any holder of the role at its office. */
static bool may_act(struct pd_request *req, struct pd_db_txn *t, const PGresult *res, bool *claim)
{
    int64_t to_user = pd_db_get_int(res, 0, DL_TO_USER);
    int role = pd_role_parse(pd_db_str(res, 0, DL_TO_ROLE));
    bool holder = role && pd_db_get_int(res, 0, DL_OFFICE) == req->session->office_id &&
                  (req->roles & PD_ROLE_BIT(role));

    *claim = false;
    if (to_user == req->session->user_id)
        return true;
    if (to_user == 0 && holder) {
        *claim = true;
        return true;
    }
    if (to_user != 0 && holder) {
        g_autofree char *msg =
            g_strdup_printf("Disposisi ini sudah diambil oleh %s", pd_db_str(res, 0, DL_TO_NAME));
        pd_idem_abort(req, t, PATEN_ERR_CONFLICT, msg, "disposition_id",
                      "claimed by another holder of the role");
        return false;
    }
    pd_idem_abort(req, t, PATEN_ERR_PERMISSION_DENIED, "Disposisi ini bukan untuk Anda",
                  "disposition_id", "addressed to someone else");
    return false;
}

static void step_written(struct pd_db_txn *t, const struct pd_db_result *r, void *arg)
{
    struct dstep *s = arg;

    if (r->status < 0) {
        pd_idem_fail_db(s->req, r, "changing a disposition");
        free(s);
        return;
    }
    /* A claim takes it out of the other holders' inboxes: they hear of it too. */
    commit_disposition(s->req, t, r,
                       s->complete ? "COMPLETED"
                       : s->claim  ? "CLAIMED"
                                   : "READ",
                       s->from_user, s->claim);
    free(s);
}

static void step_claimed(struct pd_request *req, struct pd_db_txn *t, const struct pd_db_result *r,
                         void *arg)
{
    struct dstep *s = arg;
    const PGresult *res = r->res[0];
    struct pd_db_batch *b;
    int64_t version, file_id;
    bool claim, unread;
    char as[160] = "";

    if (PQntuples(res) != 1) {
        pd_idem_abort(req, t, PATEN_ERR_NOT_FOUND, "Disposisi tidak ditemukan", "disposition_id",
                      "no such disposition in the caller's region");
        free(s);
        return;
    }
    if (!may_act(req, t, res, &claim)) {
        free(s);
        return;
    }
    version = pd_db_get_int(res, 0, DL_VERSION);
    file_id = pd_db_get_int(res, 0, DL_FILE);
    s->claim = claim;
    s->from_user = pd_db_get_int(res, 0, DL_FROM);
    if (s->complete) {
        const Paten__CompleteDispositionRequest *m =
            (const Paten__CompleteDispositionRequest *)req->in.msg;
        if (pd_db_get_bool(res, 0, DL_DONE)) {
            pd_idem_abort(req, t, PATEN_ERR_FAILED_PRECONDITION, "Disposisi sudah diselesaikan",
                          "disposition_id", "already completed");
            free(s);
            return;
        }
        if (m->version != version) {
            g_autofree char *d = g_strdup_printf("version %lld is stale; it is at %lld",
                                                 (long long)m->version, (long long)version);
            pd_idem_abort(req, t, PATEN_ERR_CONFLICT, "Disposisi telah berubah; muat ulang",
                          "version", d);
            free(s);
            return;
        }
    }
    if (req->on_behalf_of && strcmp(req->on_behalf_of, "CAMAT") == 0)
        snprintf(as, sizeof as, "a.n. Camat");
    unread = !pd_db_get_bool(res, 0, DL_READ);
    b = pd_db_batch_new();
    if (claim || unread) {
        pd_db_batch_add(b, PD_STMT_DISPOSITION_OPEN);
        pd_db_param_int(b, s->id);
        pd_db_param_int(b, req->session->user_id);
        pd_db_param_int(b, req->now_ms);
        pd_db_param_int(b, version++);
        add_history(b, req, file_id, claim ? "DISPOSITION_CLAIMED" : "DISPOSITION_READ", as, "");
    }
    if (s->complete) {
        const Paten__CompleteDispositionRequest *m =
            (const Paten__CompleteDispositionRequest *)req->in.msg;
        pd_db_batch_add(b, PD_STMT_DISPOSITION_COMPLETE);
        pd_db_param_int(b, s->id);
        pd_db_param_int(b, req->now_ms);
        pd_db_param_text(b, m->response);
        pd_db_param_int(b, version);
        add_history(b, req, file_id, "DISPOSITION_DONE", as, m->response);
    }
    pd_db_batch_add(b, PD_STMT_DISPOSITION_GET);
    pd_db_param_int(b, s->id);
    pd_db_param_int(b, req->session->region_id);
    pd_db_txn_run(t, b, step_written, s);
}

static void step_start(struct pd_request *req, const char *key, int64_t id, bool complete)
{
    struct pd_db_batch *b;
    struct dstep *s;

    if (id <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "disposition_id",
                        "disposition_id is required");
        return;
    }
    b = pd_idem_start(req, key);
    if (b == NULL)
        return;
    s = pd_xcalloc(1, sizeof *s);
    s->req = req;
    s->id = id;
    s->complete = complete;
    pd_db_batch_add(b, PD_STMT_DISPOSITION_LOCK);
    pd_db_param_int(b, id);
    pd_db_param_int(b, req->session->region_id);
    pd_idem_begin(req, b, step_claimed, s, free);
}

void pd_handle_open_disposition(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__OpenDispositionRequest *m = (const Paten__OpenDispositionRequest *)msg;
    step_start(req, m->idempotency_key, m->disposition_id, false);
}

void pd_handle_complete_disposition(struct pd_request *req, const ProtobufCMessage *msg)
{
    const Paten__CompleteDispositionRequest *m = (const Paten__CompleteDispositionRequest *)msg;

    if (m->response[0] == '\0' || strlen(m->response) > INSTRUCTION_MAX) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, "Tanggapan wajib diisi", "response",
                        "1 to %d bytes", INSTRUCTION_MAX);
        return;
    }
    if (m->version <= 0) {
        pd_request_fail(req, PATEN_ERR_INVALID_ARGUMENT, NULL, "version",
                        "send the version you saw");
        return;
    }
    step_start(req, m->idempotency_key, m->disposition_id, true);
}
