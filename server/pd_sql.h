/*
 * pd_sql.h: every SQL statement patend's pool runs, by name. Each is prepared once per pool
 * connection (server-side name "pd_<NAME>"), so its text is parsed and planned once; the
 * benchmark replays the same table. Business times are always parameters (Unix milliseconds,
 * turned into timestamptz by ms_to_ts() in SQL): no statement calls now() for them.
 *
 * The texts are in pd_sql.c; tests/unit checks that every name has one.
 */
#ifndef PD_SQL_H
#define PD_SQL_H

/* X(name, parameter count) */
#define PD_SQL_STATEMENTS(X)      \
    X(PING, 0)                    \
    X(EVENT_LAST, 0)              \
    X(EVENTS_AFTER, 3)            \
    X(EMIT_EVENT, 7)              \
    X(AUDIT_INSERT, 10)           \
    X(AUDIT_USER, 8)              \
    X(AUDIT_DELEGATION, 8)        \
    X(AUDIT_VERIFY, 1)            \
    X(AUDIT_LIST, 3)              \
    X(IDEM_CLAIM, 4)              \
    X(IDEM_GET, 2)                \
    X(IDEM_STORE, 3)              \
    X(LOGIN_LOOKUP, 1)            \
    X(LOGIN_FAILED, 5)            \
    X(LOGIN_OK, 6)                \
    X(LOGIN_THROTTLED, 5)         \
    X(RESUME, 2)                  \
    X(DELEGATIONS_OF_USER, 2)     \
    X(DELEGATIONS_OF_TOKEN, 2)    \
    X(SESSION_TOUCH, 2)           \
    X(SESSION_END, 6)             \
    X(SESSIONS_END_USER, 4)       \
    X(OFFICES_ALL, 0)             \
    X(OFFICES_OF_REGION, 1)       \
    X(USERS_LIST, 3)              \
    X(USER_BY_ID, 1)              \
    X(USER_LOCK, 2)               \
    X(USER_PASSWORD_HASH, 1)      \
    X(USER_INSERT, 6)             \
    X(USER_SET_ROLES, 2)          \
    X(USER_UPDATE, 4)             \
    X(USER_DEACTIVATE, 2)         \
    X(USER_SET_PASSWORD, 4)       \
    X(DELEGATION_CHECK, 4)        \
    X(DELEGATION_INSERT, 8)       \
    X(DELEGATION_BY_ID, 1)        \
    X(DELEGATION_LOCK, 2)         \
    X(DELEGATION_END, 4)          \
    X(DELEGATIONS_OF_OFFICE, 3)   \
    X(CLOSED_DAYS_OF_YEAR, 2)     \
    X(CLOSED_DAYS_BETWEEN, 3)     \
    X(HOLIDAYS_IMPORT, 5)         \
    X(REGIONAL_DAY_ADD, 5)        \
    X(REGION_SET_CUTI_OPEN, 2)    \
    X(REGION_CUTI_OPEN, 1)        \
    X(SERVICES_LIST, 2)           \
    X(SERVICE_GET, 3)             \
    X(SERVICE_LOCK, 2)            \
    X(SERVICE_INSERT, 2)          \
    X(SERVICE_VERSION_INSERT, 19) \
    X(SERVICE_SET_CURRENT, 3)     \
    X(OFFICE_CONTEXT, 1)          \
    X(APPLICANT_FIND, 4)          \
    X(APPLICANT_UPSERT, 11)       \
    X(APPLICANT_FILES, 2)         \
    X(SIGNING_KEY, 1)             \
    X(SIGNING_KEYS_LIST, 1)       \
    X(TAKE_NUMBER, 4)             \
    X(DOCUMENT_INSERT, 15)        \
    X(DOCUMENT_LOOKUP, 1)         \
    X(REGISTER_LIST, 6)           \
    X(INTAKE_RETURN_INSERT, 8)    \
    X(FILE_NEXT_ID, 0)            \
    X(FILE_INSERT, 19)            \
    X(FILE_GET, 2)                \
    X(FILE_GET_BY_NUMBER, 2)      \
    X(FILE_HISTORY, 1)            \
    X(FILE_DISPOSITIONS, 1)       \
    X(FILE_LOCK, 2)               \
    X(FILE_CLOSED_DAYS, 2)        \
    X(FILE_SEARCH, 13)            \
    X(FILE_SET_STATE, 4)          \
    X(FILE_TOUCH, 3)              \
    X(FILE_RETURN, 5)             \
    X(FILE_RESUME, 6)             \
    X(FILE_WITHDRAW, 4)           \
    X(FILE_SET_SURVEY, 4)         \
    X(FILE_RECOMMEND, 5)          \
    X(FILE_REJECT, 4)             \
    X(FILE_AGENCY_OUTCOME, 6)     \
    X(FILE_SIGN, 7)               \
    X(FILE_HAND_OVER, 5)          \
    X(HISTORY_INSERT, 8)          \
    X(SURVEY_INSERT, 8)           \
    X(MEETING_INSERT, 8)          \
    X(DISPOSITION_NEXT_ID, 0)     \
    X(DISPOSITION_INSERT, 10)     \
    X(DISPOSITION_GET, 2)         \
    X(DISPOSITION_LOCK, 2)        \
    X(DISPOSITION_OPEN, 4)        \
    X(DISPOSITION_COMPLETE, 4)    \
    X(INBOX, 4)                   \
    X(USER_IN_OFFICE, 2)          \
    X(TARIFFS_LIST, 2)            \
    X(TARIFF_LATEST, 2)           \
    X(TARIFF_INSERT, 13)          \
    X(TARIFF_GET, 1)              \
    X(REGIMES_LIST, 1)            \
    X(REGIME_LATEST, 1)           \
    X(REGIME_INSERT, 13)          \
    X(REGIME_GET, 1)              \
    X(TAXPAYER_REGISTER, 8)       \
    X(TAXPAYER_GET, 2)            \
    X(TAXPAYER_FIND, 2)           \
    X(ASSESS_CONTEXT, 2)          \
    X(ASSESS_QUEUE, 1)            \
    X(ASSESS_INSERT, 17)          \
    X(ASSESS_BY_NUMBER, 1)        \
    X(ASSESS_GET, 3)              \
    X(ASSESS_FILE, 2)             \
    X(ASSESS_LATEST_OF_FILE, 1)   \
    X(ASSESS_SEARCH, 7)           \
    X(ASSESS_CANCEL, 4)           \
    X(DOCUMENT_VOID, 4)           \
    X(BILL_INSERT, 9)             \
    X(BILL_FIND, 2)               \
    X(BILL_LATEST, 1)             \
    X(PAY_OWED_FIND, 4)           \
    X(PAY_OWED_ONE, 3)            \
    X(PAY_INSERT, 15)             \
    X(PAY_LOCK, 1)                \
    X(PAY_BY_RECEIPT, 1)          \
    X(PAY_GET, 2)                 \
    X(PAY_REVERSE, 4)             \
    X(PAY_LIST, 4)                \
    X(DEP_UNDEPOSITED, 1)         \
    X(DEP_CANDIDATES, 4)          \
    X(DEP_INSERT, 8)              \
    X(DEP_ITEMS_INSERT, 2)        \
    X(DEP_GET, 1)                 \
    X(DEP_BY_ID, 1)               \
    X(DEP_OF_CONFIRMATION, 1)     \
    X(DEP_PAYMENTS, 1)            \
    X(DEP_LOCK, 2)                \
    X(DEP_VALIDATE, 5)            \
    X(DEP_ALERTS_OF, 1)           \
    X(DEP_LIST, 6)                \
    X(CONF_DEPOSIT, 2)            \
    X(CONF_PAYMENT, 2)            \
    X(CONF_INSERT, 10)            \
    X(CONF_GET, 1)                \
    X(CONF_LOCK, 2)               \
    X(CONF_RESOLVE, 4)            \
    X(ALERTS_OPEN, 3)             \
    X(ALERTS_RAISE, 1)            \
    X(INVARIANTS, 0)              \
    X(RECON_PAYMENTS, 5)          \
    X(CASH_CLOSE_INSERT, 10)      \
    X(CASH_CLOSES_LIST, 4)        \
    X(BANK_DEPOSITS, 1)           \
    X(BANK_PAYMENTS, 1)           \
    X(CONF_LIST, 1)

enum pd_stmt {
#define PD_SQL_ENUM(name, nparams) PD_STMT_##name,
    PD_SQL_STATEMENTS(PD_SQL_ENUM)
#undef PD_SQL_ENUM
        PD_STMT__COUNT
};

struct pd_sql_info {
    const char *name; /* server-side prepared statement name */
    int nparams;
    const char *sql;
};

const struct pd_sql_info *pd_sql_info(enum pd_stmt stmt);

/* The columns of a User as every statement that returns users lists them (19 columns, from
 * user_view v), so that pd_people_user_from_row can read them at any offset. */
#define PD_SQL_USER_COLUMNS                                                                  \
    "v.id, v.username, v.nip, v.name, v.active, v.must_change_password, v.version, "         \
    "v.locked_until_ms, v.office_id, v.office_code, v.office_name, v.office_kind, v.opens, " \
    "v.closes, v.region_id, v.region_code, v.region_name, v.time_zone, v.roles"
#define PD_SQL_USER_NCOLS 19

/* The 20 columns of a Service: the current version from service_view v, or any version by the
 * same names. */
#define PD_SQL_SERVICE_COLUMNS                                                                  \
    "v.id, v.code, v.version, v.name, v.kind, v.survey, v.authority, v.forward_agency, v.fee, " \
    "v.assessor_office_id, v.treasurer_office_id, v.deadline_working_days, v.validity_unit, "   \
    "v.validity_amount, v.legal_basis, v.requirements, v.fields, v.criteria, v.active, "        \
    "v.region_code"
#define PD_SQL_SERVICE_NCOLS 20

/* The 12 columns of a Delegation, from delegation_view d. */
#define PD_SQL_DELEGATION_COLUMNS                                                  \
    "d.id, d.role, d.kind, d.from_user_id, d.from_name, d.to_user_id, d.to_name, " \
    "d.valid_from_ms, d.valid_until_ms, d.reason, d.ended_at_ms, d.office_id"
#define PD_SQL_DELEGATION_NCOLS 12

/* The 60 columns of a File, from file_view v (read by pd_file_from_row). */
#define PD_SQL_FILE_COLUMNS                                                                      \
    "v.id, v.version, v.register_number, v.office_id, v.office_code, v.office_name, "            \
    "v.service_id, v.service_version, v.service_code, v.service_name, v.kind, v.survey_policy, " \
    "v.authority, v.forward_agency, v.fee, v.state, v.resumes_to, v.applicant_id, "              \
    "v.applicant_kind, v.nik, v.nib, v.npwp, v.responsible_nik, v.responsible_name, "            \
    "v.applicant_name, v.address, v.phone, v.representative, v.fields, v.requirements, "         \
    "v.received_at_ms, v.deadline_at_ms, v.deadline_working_days, v.paused_working_days, "       \
    "v.returned_at_ms, v.returned_reason, v.returned_missing, v.survey_needed, v.survey, "       \
    "v.meetings, v.recommended_can_process, v.recommendation_note, v.decision_reason, "          \
    "v.agency_document_number, v.sk_number, v.signed_at_ms, v.signed_by_name, v.signed_as, "     \
    "v.valid_until, v.handed_over_at_ms, v.handed_to_name, v.withdrawn_reason, v.renewal_of, "   \
    "v.renewal_of_number, v.documents, v.updated_at_ms, v.region_id, v.has_fee, v.forwarded, "   \
    "v.assessment"
#define PD_SQL_FILE_NCOLS 60

/* The 11 columns of a FileSummary, from file_summary_view v. */
#define PD_SQL_FILE_SUMMARY_COLUMNS                                                       \
    "v.id, v.version, v.register_number, v.office_code, v.service_code, v.service_name, " \
    "v.applicant_name, v.state, v.received_at_ms, v.deadline_at_ms, v.updated_at_ms"
#define PD_SQL_FILE_SUMMARY_NCOLS 11

/* The 20 columns of a Disposition, from disposition_view v. */
#define PD_SQL_DISPOSITION_COLUMNS                                                         \
    "v.id, v.version, v.file_id, v.register_number, v.service_name, v.applicant_name, "    \
    "v.file_state, v.from_user, v.from_name, v.from_as, v.to_user, v.to_name, v.to_role, " \
    "v.office_id, v.instruction, v.due_ms, v.created_ms, v.read_ms, v.completed_ms, v.response"
#define PD_SQL_DISPOSITION_NCOLS 20

/* The 10 columns of an Applicant, from applicants a. */
#define PD_SQL_APPLICANT_COLUMNS                                                           \
    "a.id, a.kind::text, coalesce(a.nik, ''), coalesce(a.nib, ''), coalesce(a.npwp, ''), " \
    "coalesce(a.responsible_nik, ''), a.responsible_name, a.name, a.address, a.phone"
#define PD_SQL_APPLICANT_NCOLS 10

/* FILE_LOCK's columns, by name. */
enum pd_file_lock_col {
    PD_FL_ID,
    PD_FL_OFFICE_ID,
    PD_FL_STATE,
    PD_FL_VERSION,
    PD_FL_KIND,
    PD_FL_HAS_FEE,
    PD_FL_FORWARDED,
    PD_FL_SURVEY_NEEDED,
    PD_FL_RESUMES_TO,
    PD_FL_RETURNED_AT_MS,
    PD_FL_DEADLINE_MS,
    PD_FL_PAUSED,
    PD_FL_SERVICE_ID,
    PD_FL_SERVICE_VERSION,
    PD_FL_FIELDS,
    PD_FL_APPLICANT_NAME,
    PD_FL_REGION_CODE,
    PD_FL_TIME_ZONE,
    PD_FL_OFFICE_CODE,
    PD_FL_CLOSES_MIN,
    PD_FL_SERVICE_CODE,
    PD_FL_VALIDITY_UNIT,
    PD_FL_VALIDITY_AMOUNT,
    PD_FL_REQUIREMENTS,
    PD_FL_RECEIVED_MS,
    PD_FL_DEADLINE_DAYS,
    PD_FL_FIELD_SPECS,
    PD_FL_REGION_ID,
    PD_FL_REGISTER_NUMBER,
    PD_FL_SURVEY_POLICY,
    PD_FL_SERVICE_REQUIREMENTS,
    PD_FL_OFFICE_NAME,
    PD_FL_FEE,
    PD_FL_ASSESSOR_OFFICE_ID,
    PD_FL_TREASURER_OFFICE_ID,
    PD_FL__COUNT
};

#endif
