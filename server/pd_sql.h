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
    X(SERVICE_SET_CURRENT, 3)

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

#endif
