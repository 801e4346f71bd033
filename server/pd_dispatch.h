/*
 * pd_dispatch.h: from a decoded frame to a handler, and from the handler back to a reply.
 *
 * The dispatcher checks everything that does not depend on the message's meaning before a
 * handler runs: that the frame is a request, that its type exists here, that Hello came first,
 * and that the payload is a valid protobuf of the request type (unpacked with bounded memory).
 * A handler then owns the request until it calls pd_request_reply or pd_request_fail exactly once,
 * synchronously or from a later callback (a database result, a thread-pool job).
 */
#ifndef PD_DISPATCH_H
#define PD_DISPATCH_H

#include "paten_frame.h"
#include "paten_msg.h"
#include "pd_session.h"

#include <protobuf-c/protobuf-c.h>
#include <stdint.h>

struct pd_conn;
struct pd_server;

struct pd_request {
    struct pd_server *srv;
    struct pd_conn *conn; /* may be closed by the time the handler replies; the reply is dropped */
    uint64_t conn_id;
    uint32_t id;
    uint16_t type;
    const struct pd_handler *handler;
    struct paten_unpacked in;
    uint64_t started_us;
    int64_t now_ms;             /* the business clock when the request was dispatched */
    struct pd_session *session; /* a reference; NULL for requests that need no login */
    pd_roleset roles;           /* the session's effective roles at now_ms */
    const char *on_behalf_of;   /* "CAMAT" when a delegated role made the call allowed, else "" */
    char connection[96];        /* "patend:<pid>/c<id> <peer>", for the audit log */
    void *idem;                 /* the idempotent change in progress (pd_idem.c) */
};

typedef void (*pd_handler_fn)(struct pd_request *req, const ProtobufCMessage *msg);

/* Handler flags. */
#define PD_HANDLER_BEFORE_HELLO 0x1u /* Hello itself */
#define PD_HANDLER_PUBLIC       0x2u /* works without a session (Ping, Login, Resume) */
#define PD_HANDLER_PASSWORD     0x4u /* works while the password must be changed */
#define PD_HANDLER_OWN_ROLE     0x8u /* a role held through a delegation does not count */

/* Which office a request may name in its office_id field (when it has one and it is not 0). */
enum pd_scope {
    PD_SCOPE_NONE = 0,
    PD_SCOPE_REGION, /* any office of the caller's region */
    PD_SCOPE_OFFICE, /* the caller's own office; region-wide roles: any office of the region */
};

struct pd_handler {
    uint16_t type;
    pd_handler_fn fn;
    unsigned flags;
    pd_roleset roles; /* who may call it; PD_ROLES_ALL: any logged-in user */
    enum pd_scope scope;
};

/* Iteration over the handler table, for `patend --dump-handlers` and the permission tests. */
size_t pd_dispatch_count(void);
const struct pd_handler *pd_dispatch_at(size_t i);

/* Routes one frame received on c; takes ownership of f->payload. */
void pd_dispatch_frame(struct pd_conn *c, struct paten_frame *f);

/* The handler entry for a type, or NULL when this server does not handle it. */
const struct pd_handler *pd_dispatch_handler(uint16_t type);

/* Sends reply (a message of the request type's reply descriptor) and ends the request. */
void pd_request_reply(struct pd_request *req, const ProtobufCMessage *reply);

/*
 * Sends an Error and ends the request. message NULL takes the code's default Indonesian text;
 * field names the offending request field or is NULL; detail is an English explanation for
 * developers and logs (printf-style, may be NULL).
 */
void pd_request_fail(struct pd_request *req, int code, const char *message, const char *field,
                     const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

/* pd_request_fail for a file whose state or version is in the way: Error.current_state and
 * current_version tell the client where the file is now. */
void pd_request_fail_state(struct pd_request *req, int code, const char *message, const char *field,
                           int current_state, int64_t current_version, const char *detail);

/* pd_request_fail with Error.retry_after_ms set (ACCOUNT_LOCKED, RATE_LIMITED). */
void pd_request_fail_retry(struct pd_request *req, int code, const char *message,
                           int64_t retry_after_ms, const char *detail);

/* Sends an already packed reply payload (a stored idempotent reply) and ends the request. */
void pd_request_reply_raw(struct pd_request *req, const uint8_t *payload, size_t len);

/* Handlers of the connection-level messages (pd_handlers_system.c). */
void pd_handle_hello(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_ping(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_server_info(struct pd_request *req, const ProtobufCMessage *msg);
#ifdef PATEN_TEST_HOOKS
void pd_handle_set_test_clock(struct pd_request *req, const ProtobufCMessage *msg);
#endif

/* Sessions (pd_auth.c). */
void pd_handle_login(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_resume(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_logout(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_change_password(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_get_session(struct pd_request *req, const ProtobufCMessage *msg);

/* Events (pd_events.c). */
void pd_handle_subscribe(struct pd_request *req, const ProtobufCMessage *msg);

/* People (pd_people.c). */
void pd_handle_list_offices(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_users(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_create_user(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_update_user(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_deactivate_user(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_reset_password(struct pd_request *req, const ProtobufCMessage *msg);

/* Delegations (pd_delegation.c). */
void pd_handle_create_delegation(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_end_delegation(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_delegations(struct pd_request *req, const ProtobufCMessage *msg);

/* Calendar (pd_calendar.c). */
void pd_handle_list_closed_days(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_import_holidays(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_add_regional_day(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_set_cuti_bersama_open(struct pd_request *req, const ProtobufCMessage *msg);

/* Catalog (pd_catalog.c). */
void pd_handle_list_services(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_get_service(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_save_service(struct pd_request *req, const ProtobufCMessage *msg);

/* Files: the counter (pd_intake.c), queries (pd_file_query.c), changes (pd_file_actions.c). */
void pd_handle_find_applicant(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_take_in(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_get_file(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_search_files(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_return_file(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_resume_file(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_withdraw_file(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_set_survey(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_submit_survey(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_record_meeting(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_recommend(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_decide(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_forward(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_record_agency_outcome(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_sign(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_hand_over(struct pd_request *req, const ProtobufCMessage *msg);

/* Dispositions (pd_dispositions.c). */
void pd_handle_dispose(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_inbox(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_open_disposition(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_complete_disposition(struct pd_request *req, const ProtobufCMessage *msg);

/* Documents (pd_documents.c; declared in pd_documents.h too). */
void pd_handle_verify_document(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_get_signing_keys(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_register(struct pd_request *req, const ProtobufCMessage *msg);

/* Audit (pd_audit.c). */
void pd_handle_verify_audit(struct pd_request *req, const ProtobufCMessage *msg);
void pd_handle_list_audit(struct pd_request *req, const ProtobufCMessage *msg);

#endif
