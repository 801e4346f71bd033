/*
 * paten_msg.c: message-type table, frame packing and bounded unpacking (see paten_msg.h).
 */
#include "paten_msg.h"

#include "paten_error.h"
#include "paten_limits.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Every request type a peer may send. Keep in step with enum MessageType and service Paten:
 * tests/unit/test_msg.c fails when an entry is missing or pairs the wrong messages. */
static const struct paten_msg_info msg_table[] = {
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HELLO, "Hello", &paten__hello_request__descriptor,
      &paten__hello_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PING, "Ping", &paten__ping_request__descriptor,
      &paten__ping_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SERVER_INFO, "ServerInfo",
      &paten__server_info_request__descriptor, &paten__server_info_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGIN, "Login", &paten__login_request__descriptor,
      &paten__session_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME, "Resume", &paten__resume_request__descriptor,
      &paten__session_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LOGOUT, "Logout", &paten__logout_request__descriptor,
      &paten__logout_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CHANGE_PASSWORD, "ChangePassword",
      &paten__change_password_request__descriptor, &paten__change_password_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SESSION, "GetSession",
      &paten__get_session_request__descriptor, &paten__session_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBSCRIBE, "Subscribe",
      &paten__subscribe_request__descriptor, &paten__subscribe_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_OFFICES, "ListOffices",
      &paten__list_offices_request__descriptor, &paten__list_offices_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_USERS, "ListUsers",
      &paten__list_users_request__descriptor, &paten__list_users_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_USER, "CreateUser",
      &paten__create_user_request__descriptor, &paten__user_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_UPDATE_USER, "UpdateUser",
      &paten__update_user_request__descriptor, &paten__user_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DEACTIVATE_USER, "DeactivateUser",
      &paten__deactivate_user_request__descriptor, &paten__user_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESET_PASSWORD, "ResetPassword",
      &paten__reset_password_request__descriptor, &paten__user_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_DELEGATION, "CreateDelegation",
      &paten__create_delegation_request__descriptor, &paten__delegation_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_END_DELEGATION, "EndDelegation",
      &paten__end_delegation_request__descriptor, &paten__delegation_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DELEGATIONS, "ListDelegations",
      &paten__list_delegations_request__descriptor, &paten__list_delegations_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VERIFY_AUDIT, "VerifyAudit",
      &paten__verify_audit_request__descriptor, &paten__verify_audit_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_AUDIT, "ListAudit",
      &paten__list_audit_request__descriptor, &paten__list_audit_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_CLOSED_DAYS, "ListClosedDays",
      &paten__list_closed_days_request__descriptor, &paten__list_closed_days_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_IMPORT_HOLIDAYS, "ImportHolidays",
      &paten__import_holidays_request__descriptor, &paten__import_holidays_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ADD_REGIONAL_DAY, "AddRegionalDay",
      &paten__add_regional_day_request__descriptor, &paten__closed_day_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_CUTI_BERSAMA_OPEN, "SetCutiBersamaOpen",
      &paten__set_cuti_bersama_open_request__descriptor,
      &paten__list_closed_days_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_SERVICES, "ListServices",
      &paten__list_services_request__descriptor, &paten__list_services_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SERVICE, "GetService",
      &paten__get_service_request__descriptor, &paten__service_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_SERVICE, "SaveService",
      &paten__save_service_request__descriptor, &paten__service_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_APPLICANT, "FindApplicant",
      &paten__find_applicant_request__descriptor, &paten__applicant_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_TAKE_IN, "TakeIn", &paten__take_in_request__descriptor,
      &paten__take_in_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_FILE, "GetFile", &paten__get_file_request__descriptor,
      &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SEARCH_FILES, "SearchFiles",
      &paten__search_files_request__descriptor, &paten__search_files_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_REGISTER, "ListRegister",
      &paten__list_register_request__descriptor, &paten__list_register_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RETURN_FILE, "ReturnFile",
      &paten__return_file_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESUME_FILE, "ResumeFile",
      &paten__resume_file_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_WITHDRAW_FILE, "WithdrawFile",
      &paten__withdraw_file_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_SURVEY, "SetSurvey",
      &paten__set_survey_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SUBMIT_SURVEY, "SubmitSurvey",
      &paten__submit_survey_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_MEETING, "RecordMeeting",
      &paten__record_meeting_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECOMMEND, "Recommend",
      &paten__recommend_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DECIDE, "Decide", &paten__decide_request__descriptor,
      &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FORWARD, "Forward", &paten__forward_request__descriptor,
      &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_AGENCY_OUTCOME, "RecordAgencyOutcome",
      &paten__record_agency_outcome_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SIGN, "Sign", &paten__sign_request__descriptor,
      &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_HAND_OVER, "HandOver",
      &paten__hand_over_request__descriptor, &paten__file_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_DISPOSE, "Dispose", &paten__dispose_request__descriptor,
      &paten__disposition_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_INBOX, "Inbox", &paten__inbox_request__descriptor,
      &paten__inbox_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_OPEN_DISPOSITION, "OpenDisposition",
      &paten__open_disposition_request__descriptor, &paten__disposition_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_COMPLETE_DISPOSITION, "CompleteDisposition",
      &paten__complete_disposition_request__descriptor, &paten__disposition_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VERIFY_DOCUMENT, "VerifyDocument",
      &paten__verify_document_request__descriptor, &paten__verify_document_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_SIGNING_KEYS, "GetSigningKeys",
      &paten__get_signing_keys_request__descriptor, &paten__get_signing_keys_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_TARIFFS, "ListTariffs",
      &paten__list_tariffs_request__descriptor, &paten__list_tariffs_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_TARIFF, "SaveTariff",
      &paten__save_tariff_request__descriptor, &paten__tariff_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_INTEREST_REGIMES, "ListInterestRegimes",
      &paten__list_interest_regimes_request__descriptor,
      &paten__list_interest_regimes_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SAVE_INTEREST_REGIME, "SaveInterestRegime",
      &paten__save_interest_regime_request__descriptor, &paten__interest_regime_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ASSESSMENT_QUEUE, "AssessmentQueue",
      &paten__assessment_queue_request__descriptor, &paten__assessment_queue_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_PREVIEW_ASSESSMENT, "PreviewAssessment",
      &paten__preview_assessment_request__descriptor,
      &paten__preview_assessment_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ISSUE_ASSESSMENT, "IssueAssessment",
      &paten__issue_assessment_request__descriptor, &paten__assessment_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CANCEL_ASSESSMENT, "CancelAssessment",
      &paten__cancel_assessment_request__descriptor, &paten__assessment_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_GET_ASSESSMENT, "GetAssessment",
      &paten__get_assessment_request__descriptor, &paten__assessment_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SEARCH_ASSESSMENTS, "SearchAssessments",
      &paten__search_assessments_request__descriptor,
      &paten__search_assessments_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_AMOUNT_DUE, "AmountDue",
      &paten__amount_due_request__descriptor, &paten__amount_due_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_ISSUE_BILL, "IssueBill",
      &paten__issue_bill_request__descriptor, &paten__bill_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_REGISTER_TAXPAYER, "RegisterTaxpayer",
      &paten__register_taxpayer_request__descriptor, &paten__taxpayer_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_TAXPAYER, "FindTaxpayer",
      &paten__find_taxpayer_request__descriptor, &paten__taxpayer_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_FIND_OWED, "FindOwed",
      &paten__find_owed_request__descriptor, &paten__find_owed_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECORD_PAYMENT, "RecordPayment",
      &paten__record_payment_request__descriptor, &paten__payment_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_REVERSE_PAYMENT, "ReversePayment",
      &paten__reverse_payment_request__descriptor, &paten__payment_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_PAYMENTS, "ListPayments",
      &paten__list_payments_request__descriptor, &paten__list_payments_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_UNDEPOSITED, "ListUndeposited",
      &paten__list_undeposited_request__descriptor, &paten__list_payments_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CREATE_DEPOSIT, "CreateDeposit",
      &paten__create_deposit_request__descriptor, &paten__deposit_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_VALIDATE_DEPOSIT, "ValidateDeposit",
      &paten__validate_deposit_request__descriptor, &paten__deposit_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSITS, "ListDeposits",
      &paten__list_deposits_request__descriptor, &paten__list_deposits_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CONFIRM, "Confirm", &paten__confirm_request__descriptor,
      &paten__confirmation_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RESOLVE_DISCREPANCY, "ResolveDiscrepancy",
      &paten__resolve_discrepancy_request__descriptor, &paten__confirmation_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_DEPOSIT_ALERTS, "ListDepositAlerts",
      &paten__list_deposit_alerts_request__descriptor,
      &paten__list_deposit_alerts_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CHECK_INVARIANTS, "CheckInvariants",
      &paten__check_invariants_request__descriptor, &paten__check_invariants_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_IMPORT_BANK_STATEMENT, "ImportBankStatement",
      &paten__import_bank_statement_request__descriptor,
      &paten__import_bank_statement_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_RECONCILE, "Reconcile",
      &paten__reconcile_request__descriptor, &paten__reconcile_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_CLOSE_CASH_DAY, "CloseCashDay",
      &paten__close_cash_day_request__descriptor, &paten__cash_close_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_LIST_CASH_CLOSES, "ListCashCloses",
      &paten__list_cash_closes_request__descriptor, &paten__list_cash_closes_reply__descriptor },
    { PATEN__MESSAGE_TYPE__MESSAGE_TYPE_SET_TEST_CLOCK, "SetTestClock",
      &paten__set_test_clock_request__descriptor, &paten__set_test_clock_reply__descriptor },
};

#define MSG_TABLE_LEN (sizeof msg_table / sizeof msg_table[0])

const struct paten_msg_info *paten_msg_by_type(uint16_t type)
{
    for (size_t i = 0; i < MSG_TABLE_LEN; i++)
        if (msg_table[i].type == type)
            return &msg_table[i];
    return NULL;
}

const struct paten_msg_info *paten_msg_by_name(const char *name)
{
    for (size_t i = 0; i < MSG_TABLE_LEN; i++) {
        if (strcasecmp(msg_table[i].name, name) == 0 ||
            strcasecmp(msg_table[i].request->short_name, name) == 0)
            return &msg_table[i];
    }
    return NULL;
}

size_t paten_msg_count(void)
{
    return MSG_TABLE_LEN;
}

const struct paten_msg_info *paten_msg_at(size_t i)
{
    return i < MSG_TABLE_LEN ? &msg_table[i] : NULL;
}

int paten_msg_pack_frame(uint16_t type, uint8_t flags, uint32_t request_id,
                         const ProtobufCMessage *msg, uint8_t **out, size_t *out_len)
{
    size_t len = msg ? protobuf_c_message_get_packed_size(msg) : 0;
    struct paten_frame_header h = {
        .version = PATEN_FRAME_VERSION,
        .flags = flags,
        .type = type,
        .request_id = request_id,
        .length = (uint32_t)len,
    };
    uint8_t *buf;

    *out = NULL;
    *out_len = 0;
    if (len > PATEN_PAYLOAD_HARD_MAX)
        return -PATEN_ERR_FRAME_TOO_LARGE;
    buf = malloc(PATEN_FRAME_HEADER_SIZE + len);
    if (buf == NULL)
        return -PATEN_ERR_RESOURCE_EXHAUSTED;
    paten_frame_header_pack(&h, buf);
    if (len > 0)
        protobuf_c_message_pack(msg, buf + PATEN_FRAME_HEADER_SIZE);
    *out = buf;
    *out_len = PATEN_FRAME_HEADER_SIZE + len;
    return 0;
}

int paten_msg_pack_error(uint16_t type, uint32_t request_id, int code, const char *message,
                         const char *field, const char *detail, uint8_t **out, size_t *out_len)
{
    Paten__Error err = PATEN__ERROR__INIT;

    err.code = (Paten__ErrorCode)code;
    err.message = (char *)(message ? message : paten_err_message(code));
    err.field = (char *)(field ? field : "");
    err.retryable = paten_err_retryable(code);
    err.detail = (char *)(detail ? detail : "");
    return paten_msg_pack_frame(type, PATEN_FLAG_REPLY | PATEN_FLAG_ERROR, request_id, &err.base,
                                out, out_len);
}

/* Each block carries its size in front so that free can give it back to the budget. The header
 * is max_align_t-sized to keep the returned pointer suitably aligned for any member. */
typedef union {
    size_t size;
    max_align_t align;
} block_header;

static void *bounded_alloc(void *data, size_t size)
{
    struct paten_bounded_alloc *a = data;
    block_header *h;

    if (size > a->limit - a->used || sizeof *h > a->limit - a->used - size)
        return NULL;
    h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    a->used += sizeof *h + size;
    return h + 1;
}

static void bounded_free(void *data, void *ptr)
{
    struct paten_bounded_alloc *a = data;
    block_header *h;

    if (ptr == NULL)
        return;
    h = (block_header *)ptr - 1;
    a->used -= sizeof *h + h->size;
    free(h);
}

size_t paten_msg_unpack_limit(size_t len)
{
    return 16 * len + 64 * 1024;
}

/* Whether s is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
 * U+10FFFF). */
static bool utf8_ok(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;

    while (*s) {
        unsigned c = *s++;
        int more;
        unsigned cp, min;
        if (c < 0x80)
            continue;
        if (c >= 0xC2 && c <= 0xDF)
            more = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            more = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            more = 3, cp = c & 0x07, min = 0x10000;
        else
            return false;
        for (int i = 0; i < more; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (*s & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

/* Whether every string field of m, at any depth, is UTF-8, and no unknown field has number 0.
 * proto3 requires both and protobuf-c checks neither: a request's bytes go on to PostgreSQL
 * text and JSON, which refuse them far from here (as an internal error) if the decoder lets them
 * through; protobuf-c takes a field 0 written as an overlong varint but refuses the message it
 * packs from it, so the request the server hashes for idempotency would not decode again. */
static bool strings_ok(const ProtobufCMessage *m)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;

    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag == 0)
            return false;

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *member = (const char *)m + f->offset;
        const char *elems = member;
        size_t n = 1;

        if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)((const char *)m + f->quantifier_offset) != f->id)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            n = *(const size_t *)((const char *)m + f->quantifier_offset);
            elems = *(const char *const *)member;
        }
        for (size_t k = 0; k < n; k++) {
            const void *p = *(const void *const *)(elems + k * sizeof(void *));
            if (p == NULL)
                continue;
            if (f->type == PROTOBUF_C_TYPE_STRING ? !utf8_ok(p) : !strings_ok(p))
                return false;
        }
    }
    return true;
}

int paten_msg_unpack(struct paten_unpacked *u, const ProtobufCMessageDescriptor *desc,
                     const uint8_t *data, size_t len, size_t limit)
{
    u->alloc.base.alloc = bounded_alloc;
    u->alloc.base.free = bounded_free;
    u->alloc.base.allocator_data = &u->alloc;
    u->alloc.used = 0;
    u->alloc.limit = limit;
    u->msg = protobuf_c_message_unpack(desc, &u->alloc.base, len, data);
    if (u->msg == NULL)
        return -PATEN_ERR_BAD_MESSAGE;
    if (!strings_ok(u->msg)) {
        paten_msg_unpacked_free(u);
        return -PATEN_ERR_BAD_MESSAGE;
    }
    return 0;
}

void paten_msg_unpacked_free(struct paten_unpacked *u)
{
    if (u->msg != NULL) {
        protobuf_c_message_free_unpacked(u->msg, &u->alloc.base);
        u->msg = NULL;
    }
}
