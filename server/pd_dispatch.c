/*
 * pd_dispatch.c: the handler table, the checks every request passes before its handler, and the
 * request lifecycle (see pd_dispatch.h).
 *
 * Order of the checks, so that a refusal never depends on data the caller may not see: the frame
 * is a request, its type exists, Hello came first, the payload decodes, the caller is logged in
 * (unless the handler is public) with a live session, the password need not be changed first,
 * the caller holds one of the handler's roles, and the office the request names (if any) is in
 * the caller's scope. Only then does the handler run.
 */
#include "pd_dispatch.h"

#include "paten_error.h"
#include "pd_alloc.h"
#include "pd_assess.h"
#include "pd_auth.h"
#include "pd_clock.h"
#include "pd_conn.h"
#include "pd_log.h"
#include "pd_offices.h"
#include "pd_payments.h"
#include "pd_server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define R(x)        PD_ROLE_BIT(PATEN__ROLE__ROLE_##x)
#define T(x)        PATEN__MESSAGE_TYPE__MESSAGE_TYPE_##x

#define AUDIT_ROLES (R(AUDITOR) | R(ADMIN) | R(PIMPINAN))
/* The kecamatan's own staff, who move files; and who may read them. */
#define KEC_STAFF    (R(LOKET) | R(CAMAT) | R(SEKRETARIAT) | R(TIM_TEKNIS))
#define FILE_READERS (KEC_STAFF | R(KASIR) | R(PIMPINAN) | R(AUDITOR))
#define ADDRESSEES   (KEC_STAFF | R(KASIR))
/* The assessing offices' officers (DPMPTSP's SKRD, BAPENDA's tax). */
#define OFFICERS           (R(PETUGAS_SKRD) | R(PETUGAS_PAJAK))
#define TARIFF_READERS     (R(ADMIN) | OFFICERS | R(PIMPINAN) | R(AUDITOR))
#define ASSESSMENT_READERS (FILE_READERS | OFFICERS)
/* Who sees deposits: the kecamatan's cashiers and Camat, treasurers, region-wide readers. */
#define MONEY_READERS (R(KASIR) | R(CAMAT) | R(BENDAHARA) | R(PIMPINAN) | R(AUDITOR))

static const struct pd_handler handlers[] = {
    { T(HELLO), pd_handle_hello, PD_HANDLER_BEFORE_HELLO | PD_HANDLER_PUBLIC, 0, PD_SCOPE_NONE },
    { T(PING), pd_handle_ping, PD_HANDLER_PUBLIC | PD_HANDLER_PASSWORD, 0, PD_SCOPE_NONE },
    { T(LOGIN), pd_handle_login, PD_HANDLER_PUBLIC | PD_HANDLER_PASSWORD, 0, PD_SCOPE_NONE },
    { T(RESUME), pd_handle_resume, PD_HANDLER_PUBLIC | PD_HANDLER_PASSWORD, 0, PD_SCOPE_NONE },
    { T(SERVER_INFO), pd_handle_server_info, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(LOGOUT), pd_handle_logout, PD_HANDLER_PASSWORD, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(CHANGE_PASSWORD), pd_handle_change_password, PD_HANDLER_PASSWORD, PD_ROLES_ALL,
      PD_SCOPE_NONE },
    { T(GET_SESSION), pd_handle_get_session, PD_HANDLER_PASSWORD, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(SUBSCRIBE), pd_handle_subscribe, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(LIST_OFFICES), pd_handle_list_offices, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(LIST_USERS), pd_handle_list_users, 0, R(ADMIN) | KEC_STAFF, PD_SCOPE_OFFICE },
    { T(CREATE_USER), pd_handle_create_user, 0, R(ADMIN), PD_SCOPE_REGION },
    { T(UPDATE_USER), pd_handle_update_user, 0, R(ADMIN), PD_SCOPE_REGION },
    { T(DEACTIVATE_USER), pd_handle_deactivate_user, 0, R(ADMIN), PD_SCOPE_REGION },
    { T(RESET_PASSWORD), pd_handle_reset_password, 0, R(ADMIN), PD_SCOPE_REGION },
    { T(CREATE_DELEGATION), pd_handle_create_delegation, PD_HANDLER_OWN_ROLE, R(CAMAT),
      PD_SCOPE_OFFICE },
    { T(END_DELEGATION), pd_handle_end_delegation, PD_HANDLER_OWN_ROLE, R(CAMAT), PD_SCOPE_OFFICE },
    { T(LIST_DELEGATIONS), pd_handle_list_delegations, 0, PD_ROLES_ALL, PD_SCOPE_OFFICE },
    { T(LIST_CLOSED_DAYS), pd_handle_list_closed_days, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(IMPORT_HOLIDAYS), pd_handle_import_holidays, 0, R(ADMIN), PD_SCOPE_NONE },
    { T(ADD_REGIONAL_DAY), pd_handle_add_regional_day, 0, R(ADMIN), PD_SCOPE_NONE },
    { T(SET_CUTI_BERSAMA_OPEN), pd_handle_set_cuti_bersama_open, 0, R(ADMIN), PD_SCOPE_NONE },
    { T(LIST_SERVICES), pd_handle_list_services, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(GET_SERVICE), pd_handle_get_service, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(SAVE_SERVICE), pd_handle_save_service, 0, R(ADMIN), PD_SCOPE_NONE },
    { T(FIND_APPLICANT), pd_handle_find_applicant, 0, FILE_READERS, PD_SCOPE_NONE },
    { T(TAKE_IN), pd_handle_take_in, 0, R(LOKET), PD_SCOPE_NONE },
    { T(GET_FILE), pd_handle_get_file, 0, FILE_READERS, PD_SCOPE_NONE },
    { T(SEARCH_FILES), pd_handle_search_files, 0, FILE_READERS, PD_SCOPE_OFFICE },
    { T(LIST_REGISTER), pd_handle_list_register, 0, FILE_READERS | OFFICERS, PD_SCOPE_OFFICE },
    { T(RETURN_FILE), pd_handle_return_file, 0, KEC_STAFF, PD_SCOPE_NONE },
    { T(RESUME_FILE), pd_handle_resume_file, 0, R(LOKET), PD_SCOPE_NONE },
    { T(WITHDRAW_FILE), pd_handle_withdraw_file, 0, R(LOKET), PD_SCOPE_NONE },
    { T(SET_SURVEY), pd_handle_set_survey, 0, R(CAMAT), PD_SCOPE_NONE },
    { T(SUBMIT_SURVEY), pd_handle_submit_survey, 0, R(TIM_TEKNIS), PD_SCOPE_NONE },
    { T(RECORD_MEETING), pd_handle_record_meeting, 0, R(SEKRETARIAT), PD_SCOPE_NONE },
    { T(RECOMMEND), pd_handle_recommend, 0, R(SEKRETARIAT), PD_SCOPE_NONE },
    { T(DECIDE), pd_handle_decide, 0, R(CAMAT), PD_SCOPE_NONE },
    { T(FORWARD), pd_handle_forward, 0, R(CAMAT), PD_SCOPE_NONE },
    { T(RECORD_AGENCY_OUTCOME), pd_handle_record_agency_outcome, 0, R(LOKET) | R(SEKRETARIAT),
      PD_SCOPE_NONE },
    { T(SIGN), pd_handle_sign, 0, R(CAMAT), PD_SCOPE_NONE },
    { T(HAND_OVER), pd_handle_hand_over, 0, R(LOKET), PD_SCOPE_NONE },
    { T(DISPOSE), pd_handle_dispose, 0, KEC_STAFF, PD_SCOPE_NONE },
    { T(INBOX), pd_handle_inbox, 0, ADDRESSEES, PD_SCOPE_NONE },
    { T(OPEN_DISPOSITION), pd_handle_open_disposition, 0, ADDRESSEES, PD_SCOPE_NONE },
    { T(COMPLETE_DISPOSITION), pd_handle_complete_disposition, 0, ADDRESSEES, PD_SCOPE_NONE },
    { T(VERIFY_DOCUMENT), pd_handle_verify_document, PD_HANDLER_PUBLIC, 0, PD_SCOPE_NONE },
    { T(GET_SIGNING_KEYS), pd_handle_get_signing_keys, PD_HANDLER_PUBLIC, 0, PD_SCOPE_NONE },
    { T(LIST_TARIFFS), pd_handle_list_tariffs, 0, TARIFF_READERS, PD_SCOPE_NONE },
    { T(SAVE_TARIFF), pd_handle_save_tariff, 0, R(ADMIN), PD_SCOPE_NONE },
    { T(LIST_INTEREST_REGIMES), pd_handle_list_interest_regimes, 0, PD_ROLES_ALL, PD_SCOPE_NONE },
    { T(SAVE_INTEREST_REGIME), pd_handle_save_interest_regime, 0, R(ADMIN), PD_SCOPE_NONE },
    { T(ASSESSMENT_QUEUE), pd_handle_assessment_queue, 0, OFFICERS, PD_SCOPE_NONE },
    { T(PREVIEW_ASSESSMENT), pd_handle_preview_assessment, 0, OFFICERS, PD_SCOPE_NONE },
    { T(ISSUE_ASSESSMENT), pd_handle_issue_assessment, 0, OFFICERS, PD_SCOPE_NONE },
    { T(CANCEL_ASSESSMENT), pd_handle_cancel_assessment, 0, OFFICERS, PD_SCOPE_NONE },
    { T(GET_ASSESSMENT), pd_handle_get_assessment, 0, ASSESSMENT_READERS, PD_SCOPE_NONE },
    { T(SEARCH_ASSESSMENTS), pd_handle_search_assessments, 0, OFFICERS | R(PIMPINAN) | R(AUDITOR),
      PD_SCOPE_NONE },
    { T(AMOUNT_DUE), pd_handle_amount_due, 0, ASSESSMENT_READERS, PD_SCOPE_NONE },
    { T(ISSUE_BILL), pd_handle_issue_bill, 0, OFFICERS, PD_SCOPE_NONE },
    { T(REGISTER_TAXPAYER), pd_handle_register_taxpayer, 0, R(PETUGAS_PAJAK), PD_SCOPE_NONE },
    { T(FIND_TAXPAYER), pd_handle_find_taxpayer, 0, R(PETUGAS_PAJAK) | R(KASIR), PD_SCOPE_NONE },
    { T(FIND_OWED), pd_handle_find_owed, 0, R(KASIR), PD_SCOPE_NONE },
    { T(RECORD_PAYMENT), pd_handle_record_payment, 0, R(KASIR), PD_SCOPE_NONE },
    { T(REVERSE_PAYMENT), pd_handle_reverse_payment, 0, R(CAMAT), PD_SCOPE_NONE },
    { T(LIST_PAYMENTS), pd_handle_list_payments, 0, R(KASIR) | R(CAMAT) | R(PIMPINAN) | R(AUDITOR),
      PD_SCOPE_NONE },
    { T(LIST_UNDEPOSITED), pd_handle_list_undeposited, 0, R(KASIR), PD_SCOPE_NONE },
    { T(CREATE_DEPOSIT), pd_handle_create_deposit, 0, R(KASIR), PD_SCOPE_NONE },
    { T(VALIDATE_DEPOSIT), pd_handle_validate_deposit, 0, R(KASIR), PD_SCOPE_NONE },
    { T(LIST_DEPOSITS), pd_handle_list_deposits, 0, MONEY_READERS, PD_SCOPE_NONE },
    { T(CONFIRM), pd_handle_confirm, 0, R(BENDAHARA), PD_SCOPE_NONE },
    { T(RESOLVE_DISCREPANCY), pd_handle_resolve_discrepancy, 0, R(BENDAHARA), PD_SCOPE_NONE },
    { T(LIST_DEPOSIT_ALERTS), pd_handle_list_deposit_alerts, 0, R(KASIR) | R(CAMAT) | R(BENDAHARA),
      PD_SCOPE_NONE },
    { T(CHECK_INVARIANTS), pd_handle_check_invariants, 0, R(AUDITOR), PD_SCOPE_NONE },
    { T(VERIFY_AUDIT), pd_handle_verify_audit, 0, AUDIT_ROLES, PD_SCOPE_NONE },
    { T(LIST_AUDIT), pd_handle_list_audit, 0, AUDIT_ROLES, PD_SCOPE_OFFICE },
#ifdef PATEN_TEST_HOOKS
    { T(SET_TEST_CLOCK), pd_handle_set_test_clock, PD_HANDLER_PUBLIC | PD_HANDLER_PASSWORD, 0,
      PD_SCOPE_NONE },
#endif
};

#define N_HANDLERS (sizeof handlers / sizeof handlers[0])

size_t pd_dispatch_count(void)
{
    return N_HANDLERS;
}

const struct pd_handler *pd_dispatch_at(size_t i)
{
    return i < N_HANDLERS ? &handlers[i] : NULL;
}

const struct pd_handler *pd_dispatch_handler(uint16_t type)
{
    for (size_t i = 0; i < N_HANDLERS; i++)
        if (handlers[i].type == type)
            return &handlers[i];
    return NULL;
}

static void request_end(struct pd_request *req)
{
    if (pd_log_get_level() <= PD_LOG_DEBUG) {
        const struct paten_msg_info *m = paten_msg_by_type(req->type);
        pd_debug(req->conn_id, "request %u %s by %s done in %llu us", req->id, m ? m->name : "?",
                 req->session ? req->session->username : "-",
                 (unsigned long long)(uv_hrtime() / 1000 - req->started_us));
    }
    paten_msg_unpacked_free(&req->in);
    if (req->session)
        pd_session_unref(req->srv, req->session);
    pd_conn_request_end(req->conn);
    free(req);
}

/* The office_id a request names, or 0 when its message has no such field. */
static int64_t request_office(const ProtobufCMessage *msg)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, "office_id");

    if (f == NULL || f->type != PROTOBUF_C_TYPE_INT64 || f->label == PROTOBUF_C_LABEL_REPEATED)
        return 0;
    return *(const int64_t *)((const char *)msg + f->offset);
}

/*
 * The session, role and scope checks. Returns 0 when the request may run (req->session, roles
 * and on_behalf_of filled), or an error code after which the caller answers and ends the request.
 * *message receives an Indonesian text for the error when the default would mislead.
 */
static int check_access(struct pd_request *req, const ProtobufCMessage *msg, const char **message)
{
    const struct pd_handler *h = req->handler;
    struct pd_session *s = req->conn->session;
    pd_roleset allowed;

    if (h->flags & PD_HANDLER_PUBLIC)
        return 0;
    if (s == NULL)
        return PATEN_ERR_UNAUTHENTICATED;
    if (s->ended) {
        *message = "Sesi telah berakhir; silakan masuk lagi";
        pd_conn_set_session(req->conn, NULL);
        return PATEN_ERR_UNAUTHENTICATED;
    }
    if (req->now_ms - s->last_activity_ms > (int64_t)s->idle_timeout_s * 1000) {
        *message = "Sesi berakhir karena terlalu lama tidak dipakai; silakan masuk lagi";
        pd_auth_expire(req->srv, s, req->connection);
        pd_conn_set_session(req->conn, NULL);
        return PATEN_ERR_UNAUTHENTICATED;
    }
    pd_auth_touch(req->srv, s, req->now_ms);
    req->session = s;
    s->refs++;
    if (s->must_change_password && !(h->flags & PD_HANDLER_PASSWORD))
        return PATEN_ERR_PASSWORD_CHANGE_REQUIRED;

    req->roles = pd_session_effective_roles(s, req->now_ms);
    allowed = h->roles;
    if ((req->roles & allowed) == 0)
        return PATEN_ERR_PERMISSION_DENIED;
    if ((s->roles & allowed) == 0) {
        /* Allowed only through a delegated role: it acts "a.n." that role, if that counts. */
        if (h->flags & PD_HANDLER_OWN_ROLE)
            return PATEN_ERR_PERMISSION_DENIED;
        for (int r = 1; r <= PATEN__ROLE__ROLE_ADMIN; r++)
            if ((req->roles & ~s->roles & allowed) & PD_ROLE_BIT(r)) {
                req->on_behalf_of = pd_role_name(r);
                break;
            }
    }

    if (h->scope != PD_SCOPE_NONE) {
        int64_t office_id = request_office(msg);
        if (office_id != 0) {
            const struct pd_office_entry *o;
            if (!pd_offices_loaded(req->srv->offices))
                return PATEN_ERR_UNAVAILABLE;
            o = pd_offices_get(req->srv->offices, office_id);
            /* An office that does not exist is refused like one out of scope. */
            if (o == NULL || o->region_id != s->region_id)
                return PATEN_ERR_PERMISSION_DENIED;
            if (h->scope == PD_SCOPE_OFFICE && o->id != s->office_id && !pd_session_region_wide(s))
                return PATEN_ERR_PERMISSION_DENIED;
        }
    }
    return 0;
}

void pd_dispatch_frame(struct pd_conn *c, struct paten_frame *f)
{
    const struct paten_msg_info *info;
    const struct pd_handler *h;
    struct pd_request *req;
    uint16_t type = f->hdr.type;
    uint32_t rid = f->hdr.request_id;
    const char *message = NULL;
    int rc;

    if (f->hdr.flags != 0) {
        free(f->payload);
        pd_conn_send_error(c, type, rid, PATEN_ERR_BAD_FRAME, NULL, NULL,
                           "a client may only send requests (flags 0)");
        pd_conn_close_gracefully(c, "client sent a reply or event frame");
        return;
    }
    h = pd_dispatch_handler(type);
    info = paten_msg_by_type(type);
    if (h == NULL || info == NULL) {
        char detail[64];
        free(f->payload);
        snprintf(detail, sizeof detail, "message type %u is not a request here", type);
        pd_conn_send_error(c, type, rid, PATEN_ERR_UNKNOWN_MESSAGE_TYPE, NULL, NULL, detail);
        return;
    }
    if (c->state == PD_CONN_HELLO && !(h->flags & PD_HANDLER_BEFORE_HELLO)) {
        free(f->payload);
        pd_conn_send_error(c, type, rid, PATEN_ERR_HELLO_REQUIRED, NULL, NULL,
                           "the first request on a connection must be Hello");
        pd_conn_close_gracefully(c, "request before Hello");
        return;
    }
    if (c->state == PD_CONN_READY && (h->flags & PD_HANDLER_BEFORE_HELLO)) {
        free(f->payload);
        pd_conn_send_error(c, type, rid, PATEN_ERR_FAILED_PRECONDITION,
                           "Hello sudah dilakukan pada sambungan ini", NULL,
                           "Hello may be sent once per connection");
        return;
    }

    req = pd_xcalloc(1, sizeof *req);
    rc = paten_msg_unpack(&req->in, info->request, f->payload, f->hdr.length,
                          paten_msg_unpack_limit(f->hdr.length));
    free(f->payload);
    if (rc < 0) {
        char detail[128];
        snprintf(detail, sizeof detail, "payload of %u bytes is not a valid %s", f->hdr.length,
                 info->request->name);
        free(req);
        pd_conn_send_error(c, type, rid, PATEN_ERR_BAD_MESSAGE, NULL, NULL, detail);
        return;
    }
    req->srv = c->srv;
    req->conn = c;
    req->conn_id = c->id;
    req->id = rid;
    req->type = type;
    req->handler = h;
    req->started_us = uv_hrtime() / 1000;
    req->now_ms = pd_clock_now_ms();
    req->on_behalf_of = "";
    snprintf(req->connection, sizeof req->connection, "patend:%d/c%llu %s", (int)getpid(),
             (unsigned long long)c->id, pd_conn_peer(c));
    c->srv->stats.requests_total++;
    pd_conn_request_begin(c);

    rc = check_access(req, req->in.msg, &message);
    if (rc != 0) {
        pd_request_fail(req, rc, message, NULL, "refused before the handler: %s",
                        paten_err_name(rc));
        return;
    }
    h->fn(req, req->in.msg);
}

void pd_request_reply(struct pd_request *req, const ProtobufCMessage *reply)
{
    uint8_t *buf;
    size_t len;
    int rc;

    rc = paten_msg_pack_frame(req->type, PATEN_FLAG_REPLY, req->id, reply, &buf, &len);
    if (rc < 0) {
        pd_error(req->conn_id, "cannot encode the reply to request %u: %s", req->id,
                 paten_err_name(-rc));
        pd_conn_send_error(req->conn, req->type, req->id, -rc, NULL, NULL,
                           "the reply could not be encoded");
    } else {
        pd_conn_send(req->conn, buf, len);
    }
    request_end(req);
}

void pd_request_reply_raw(struct pd_request *req, const uint8_t *payload, size_t len)
{
    struct paten_frame_header h = {
        .version = PATEN_FRAME_VERSION,
        .flags = PATEN_FLAG_REPLY,
        .type = req->type,
        .request_id = req->id,
    };
    uint8_t *buf = malloc(PATEN_FRAME_HEADER_SIZE + len);

    if (buf == NULL ||
        paten_frame_encode(buf, PATEN_FRAME_HEADER_SIZE + len, &h, payload, len) == 0) {
        free(buf);
        pd_conn_send_error(req->conn, req->type, req->id, PATEN_ERR_RESOURCE_EXHAUSTED, NULL, NULL,
                           "the stored reply could not be sent");
    } else {
        pd_conn_send(req->conn, buf, PATEN_FRAME_HEADER_SIZE + len);
    }
    request_end(req);
}

void pd_request_fail_retry(struct pd_request *req, int code, const char *message,
                           int64_t retry_after_ms, const char *detail)
{
    Paten__Error err = PATEN__ERROR__INIT;
    uint8_t *buf;
    size_t len;

    err.code = (Paten__ErrorCode)code;
    err.message = (char *)(message ? message : paten_err_message(code));
    err.field = "";
    err.retryable = true;
    err.detail = (char *)(detail ? detail : "");
    err.retry_after_ms = retry_after_ms;
    pd_debug(req->conn_id, "request %u refused with %s: %s", req->id, paten_err_name(code),
             err.detail);
    if (paten_msg_pack_frame(req->type, PATEN_FLAG_REPLY | PATEN_FLAG_ERROR, req->id, &err.base,
                             &buf, &len) == 0)
        pd_conn_send(req->conn, buf, len);
    request_end(req);
}

void pd_request_fail_state(struct pd_request *req, int code, const char *message, const char *field,
                           int current_state, int64_t current_version, const char *detail)
{
    Paten__Error err = PATEN__ERROR__INIT;
    uint8_t *buf;
    size_t len;

    err.code = (Paten__ErrorCode)code;
    err.message = (char *)(message ? message : paten_err_message(code));
    err.field = (char *)(field ? field : "");
    err.retryable = paten_err_retryable(code);
    err.detail = (char *)(detail ? detail : "");
    err.current_state = current_state;
    err.current_version = current_version;
    pd_debug(req->conn_id, "request %u refused with %s: %s", req->id, paten_err_name(code),
             err.detail);
    if (paten_msg_pack_frame(req->type, PATEN_FLAG_REPLY | PATEN_FLAG_ERROR, req->id, &err.base,
                             &buf, &len) == 0)
        pd_conn_send(req->conn, buf, len);
    request_end(req);
}

void pd_request_fail(struct pd_request *req, int code, const char *message, const char *field,
                     const char *detail_fmt, ...)
{
    char detail[512] = "";

    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(detail, sizeof detail, detail_fmt, ap);
        va_end(ap);
    }
    if (code == PATEN_ERR_INTERNAL)
        pd_error(req->conn_id, "request %u failed: %s", req->id, detail);
    else
        pd_debug(req->conn_id, "request %u refused with %s: %s", req->id, paten_err_name(code),
                 detail);
    pd_conn_send_error(req->conn, req->type, req->id, code, message, field, detail);
    request_end(req);
}
