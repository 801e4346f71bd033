/*
 * pd_sql.c: the texts of the statements named in pd_sql.h.
 *
 * Parameters are cast in the text ($1::bigint) so that each statement is planned with the right
 * types however its parameters are sent. Data-modifying CTEs keep one change (the update, its
 * audit row) in one statement.
 */
#include "pd_sql.h"

#include <stddef.h>

#define USERS       PD_SQL_USER_COLUMNS
#define SERVICES    PD_SQL_SERVICE_COLUMNS
#define DELEGATIONS PD_SQL_DELEGATION_COLUMNS
#define SETTING_INT(key, dflt) \
    "coalesce((SELECT value::int FROM settings WHERE key = '" key "'), " #dflt ")"
#define IDLE_MINUTES SETTING_INT("auth.session_idle_minutes", 480)

static const char *const sql_text[PD_STMT__COUNT] = {
    [PD_STMT_PING] = "SELECT 1",

    /* ---- events --------------------------------------------------------------------------- */
    [PD_STMT_EVENT_LAST] = "SELECT seq FROM event_counter",
    [PD_STMT_EVENTS_AFTER] =
        "SELECT seq, ts_to_ms(at), kind, region_id, office_id, "
        "coalesce(array_to_string(roles, ','), ''), user_id, body "
        "FROM events WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT $3::int",
    [PD_STMT_EMIT_EVENT] =
        "SELECT emit_event(ms_to_ts($1::bigint), $2::text, $3::bigint, $4::bigint, "
        "$5::user_role[], $6::bigint, $7::bytea)",

    /* ---- audit ---------------------------------------------------------------------------- */
    [PD_STMT_AUDIT_INSERT] =
        "INSERT INTO audit_log (office_id, at, actor_id, on_behalf_of, connection, action, "
        "entity, entity_id, before, after) VALUES ($1::bigint, ms_to_ts($2::bigint), $3::bigint, "
        "$4::text, $5::text, $6::text, $7::text, $8::text, $9::jsonb, $10::jsonb)",
    /* A change to a user, chained in the user's office, with the user as it is now. */
    [PD_STMT_AUDIT_USER] =
        "INSERT INTO audit_log (office_id, at, actor_id, on_behalf_of, connection, action, "
        "entity, entity_id, before, after) "
        "SELECT u.office_id, ms_to_ts($1::bigint), $2::bigint, $3::text, $4::text, $5::text, "
        "'user', u.id::text, $7::jsonb, user_snapshot(u.id) || coalesce($8::jsonb, '{}') "
        "FROM users u WHERE u.id = $6::bigint",
    [PD_STMT_AUDIT_DELEGATION] =
        "INSERT INTO audit_log (office_id, at, actor_id, on_behalf_of, connection, action, "
        "entity, entity_id, before, after) "
        "SELECT $1::bigint, ms_to_ts($2::bigint), $3::bigint, $4::text, $5::text, $6::text, "
        "'delegation', d.id::text, $8::jsonb, to_jsonb(d) FROM delegation_view d "
        "WHERE d.id = $7::bigint",
    [PD_STMT_AUDIT_VERIFY] =
        "SELECT o.code, v.rows, coalesce(v.broken_seq, 0), coalesce(v.problem, '') "
        "FROM audit_verify() v JOIN offices o ON o.id = v.office_id "
        "WHERE o.region_id = $1::bigint ORDER BY o.code",
    [PD_STMT_AUDIT_LIST] =
        "SELECT a.seq, ts_to_ms(a.at), coalesce(u.username, ''), a.on_behalf_of, a.action, "
        "a.entity, a.entity_id, coalesce(a.before::text, ''), coalesce(a.after::text, ''), "
        "a.connection FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
        "WHERE a.office_id = $1::bigint AND ($2::bigint = 0 OR a.seq < $2::bigint) "
        "ORDER BY a.seq DESC LIMIT $3::int",

    /* ---- idempotency ---------------------------------------------------------------------- */
    /* A concurrent duplicate waits here for the first to commit, then finds the key taken. */
    [PD_STMT_IDEM_CLAIM] = "INSERT INTO idempotency (user_id, key, request_hash, created_at) "
                           "VALUES ($1::bigint, $2::uuid, $3::bytea, ms_to_ts($4::bigint)) "
                           "ON CONFLICT DO NOTHING RETURNING true",
    [PD_STMT_IDEM_GET] =
        "SELECT request_hash, reply FROM idempotency WHERE user_id = $1::bigint AND key = $2::uuid",
    [PD_STMT_IDEM_STORE] =
        "UPDATE idempotency SET reply = $3::bytea WHERE user_id = $1::bigint AND key = $2::uuid",

    /* ---- sessions ------------------------------------------------------------------------- */
    /* A username match wins over a NIP match, should a username look like a NIP. */
    [PD_STMT_LOGIN_LOOKUP] =
        "SELECT " USERS
        ", u.password_hash, u.failed_logins, " SETTING_INT("auth.max_failures", 5) ", " SETTING_INT(
            "auth.lockout_minutes", 15) ", " IDLE_MINUTES
                                        " FROM user_view v JOIN users u ON u.id = v.id "
                                        "WHERE v.username = lower($1::text) OR v.nip = $1::text "
                                        "ORDER BY (v.username = lower($1::text)) DESC LIMIT 1",
    /* One more failure; the one that reaches the limit locks the account and starts counting
     * afresh, so that after the lock five more failures are needed to lock it again. */
    [PD_STMT_LOGIN_FAILED] =
        "WITH u AS (UPDATE users SET "
        "  failed_logins = CASE WHEN failed_logins + 1 >= $3::int THEN 0 "
        "                  ELSE failed_logins + 1 END, "
        "  locked_until = CASE WHEN failed_logins + 1 >= $3::int "
        "                 THEN ms_to_ts($2::bigint) + make_interval(mins => $4::int) "
        "                 ELSE locked_until END "
        "  WHERE id = $1::bigint RETURNING id, office_id, failed_logins, locked_until), "
        "a AS (INSERT INTO audit_log (office_id, at, actor_id, connection, action, entity, "
        "  entity_id, after) SELECT office_id, ms_to_ts($2::bigint), id, $5::text, "
        "  CASE WHEN locked_until > ms_to_ts($2::bigint) AND failed_logins = 0 "
        "  THEN 'LOGIN_LOCKOUT' ELSE 'LOGIN_FAILED' END, 'user', id::text, "
        "  jsonb_build_object('failed_logins', failed_logins, 'locked_until', locked_until) "
        "  FROM u) "
        "SELECT failed_logins, coalesce(ts_to_ms(locked_until), 0) FROM u",
    [PD_STMT_LOGIN_OK] =
        "WITH u AS (UPDATE users SET failed_logins = 0, locked_until = NULL "
        "  WHERE id = $1::bigint RETURNING id, office_id), "
        "s AS (INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, client, peer) "
        "  SELECT $3::bytea, id, ms_to_ts($2::bigint), ms_to_ts($2::bigint), $4::text, $5::text "
        "  FROM u RETURNING id, user_id), "
        "a AS (INSERT INTO audit_log (office_id, at, actor_id, connection, action, entity, "
        "  entity_id) SELECT u.office_id, ms_to_ts($2::bigint), u.id, $6::text, 'LOGIN', "
        "  'session', s.id::text FROM u JOIN s ON s.user_id = u.id) "
        "SELECT s.id, (SELECT seq FROM event_counter) FROM s",
    /* Valid only if not ended, its user is active, and it was used within the idle timeout. */
    [PD_STMT_RESUME] =
        "WITH s AS (UPDATE sessions s SET last_seen_at = ms_to_ts($2::bigint) FROM users u "
        "  WHERE s.token_hash = $1::bytea AND s.ended_at IS NULL AND u.id = s.user_id "
        "  AND u.active AND s.last_seen_at > ms_to_ts($2::bigint) - "
        "  make_interval(mins => " IDLE_MINUTES ") RETURNING s.id, s.user_id) "
        "SELECT s.id, " USERS ", " IDLE_MINUTES ", (SELECT seq FROM event_counter) "
        "FROM s JOIN user_view v ON v.id = s.user_id",
    [PD_STMT_DELEGATIONS_OF_USER] =
        "SELECT " DELEGATIONS " FROM delegation_view d WHERE d.to_user_id = $1::bigint "
        "AND d.ended_at_ms = 0 AND d.valid_until_ms > $2::bigint ORDER BY d.valid_from_ms",
    [PD_STMT_DELEGATIONS_OF_TOKEN] =
        "SELECT " DELEGATIONS " FROM delegation_view d JOIN sessions s ON s.user_id = d.to_user_id "
        "WHERE s.token_hash = $1::bytea AND d.ended_at_ms = 0 AND d.valid_until_ms > $2::bigint "
        "ORDER BY d.valid_from_ms",
    [PD_STMT_SESSION_TOUCH] = "UPDATE sessions SET last_seen_at = ms_to_ts($2::bigint) "
                              "WHERE id = $1::bigint AND ended_at IS NULL",
    /* $6 is the audit action: LOGOUT, or SESSION_EXPIRED. */
    [PD_STMT_SESSION_END] =
        "WITH s AS (UPDATE sessions SET ended_at = ms_to_ts($2::bigint), ended_reason = $3::text "
        "  WHERE id = $1::bigint AND ended_at IS NULL RETURNING id, user_id), "
        "a AS (INSERT INTO audit_log (office_id, at, actor_id, connection, action, entity, "
        "  entity_id) SELECT u.office_id, ms_to_ts($2::bigint), $5::bigint, $4::text, $6::text, "
        "  'session', s.id::text FROM s JOIN users u ON u.id = s.user_id) "
        "SELECT id, user_id FROM s",
    /* Every open session of a user but one ($4, 0 for none). */
    [PD_STMT_SESSIONS_END_USER] =
        "UPDATE sessions SET ended_at = ms_to_ts($2::bigint), ended_reason = $3::text "
        "WHERE user_id = $1::bigint AND ended_at IS NULL AND id <> $4::bigint RETURNING id",

    /* ---- people --------------------------------------------------------------------------- */
    [PD_STMT_OFFICES_ALL] = "SELECT o.id, o.region_id, o.kind::text, o.code FROM offices o",
    [PD_STMT_OFFICES_OF_REGION] =
        "SELECT o.id, o.code, o.name, o.kind::text, r.code, to_char(o.opens, 'HH24:MI'), "
        "to_char(o.closes, 'HH24:MI') FROM offices o JOIN regions r ON r.id = o.region_id "
        "WHERE o.region_id = $1::bigint ORDER BY o.kind, o.name",
    [PD_STMT_USERS_LIST] =
        "SELECT " USERS " FROM user_view v WHERE v.region_id = $1::bigint "
        "AND ($2::bigint = 0 OR v.office_id = $2::bigint) AND (v.active OR $3::boolean) "
        "ORDER BY v.office_code, v.username",
    [PD_STMT_USER_BY_ID] =
        "SELECT " USERS ", user_snapshot(v.id)::text FROM user_view v WHERE v.id = $1::bigint",
    /* Locks the user for a change, if the user is in the caller's region; no row otherwise. */
    [PD_STMT_USER_LOCK] =
        "SELECT u.id, u.version, user_snapshot(u.id)::text, u.active, v.roles, u.office_id "
        "FROM users u JOIN offices o ON o.id = u.office_id JOIN user_view v ON v.id = u.id "
        "WHERE u.id = $1::bigint AND o.region_id = $2::bigint FOR UPDATE OF u",
    [PD_STMT_USER_PASSWORD_HASH] = "SELECT password_hash FROM users WHERE id = $1::bigint",
    [PD_STMT_USER_INSERT] =
        "INSERT INTO users (office_id, username, nip, name, password_hash, must_change_password, "
        "created_at, updated_at) VALUES ($1::bigint, $2::text, nullif($3::text, ''), $4::text, "
        "$5::text, true, ms_to_ts($6::bigint), ms_to_ts($6::bigint)) RETURNING id",
    /* The user's roles become exactly $2; the trigger refuses a role the office cannot hold. */
    [PD_STMT_USER_SET_ROLES] = "WITH d AS (DELETE FROM user_roles WHERE user_id = $1::bigint "
                               "  AND NOT (role = ANY($2::user_role[]))) "
                               "INSERT INTO user_roles (user_id, role) SELECT $1::bigint, r "
                               "FROM unnest($2::user_role[]) r ON CONFLICT DO NOTHING",
    [PD_STMT_USER_UPDATE] =
        "UPDATE users SET name = $2::text, nip = nullif($3::text, ''), version = version + 1, "
        "updated_at = ms_to_ts($4::bigint) WHERE id = $1::bigint RETURNING version",
    [PD_STMT_USER_DEACTIVATE] =
        "UPDATE users SET active = false, version = version + 1, "
        "updated_at = ms_to_ts($2::bigint) WHERE id = $1::bigint RETURNING version",
    [PD_STMT_USER_SET_PASSWORD] =
        "UPDATE users SET password_hash = $2::text, must_change_password = $3::boolean, "
        "failed_logins = 0, locked_until = NULL, version = version + 1, "
        "updated_at = ms_to_ts($4::bigint) WHERE id = $1::bigint RETURNING version",

    /* ---- delegations ---------------------------------------------------------------------- */
    /* Whether the delegate is an active official of the office, and how many delegations of
     * the office overlap the period. */
    [PD_STMT_DELEGATION_CHECK] =
        "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1::bigint AND office_id = $2::bigint "
        "  AND active), "
        "(SELECT count(*) FROM delegations WHERE office_id = $2::bigint AND ended_at IS NULL "
        "  AND valid_from < ms_to_ts($4::bigint) AND valid_until > ms_to_ts($3::bigint))",
    [PD_STMT_DELEGATION_INSERT] =
        "INSERT INTO delegations (office_id, role, kind, from_user_id, to_user_id, valid_from, "
        "valid_until, reason, created_at) VALUES ($1::bigint, 'CAMAT', $2::delegation_kind, "
        "$3::bigint, $4::bigint, ms_to_ts($5::bigint), ms_to_ts($6::bigint), $7::text, "
        "ms_to_ts($8::bigint)) RETURNING id",
    [PD_STMT_DELEGATION_BY_ID] =
        "SELECT " DELEGATIONS " FROM delegation_view d WHERE d.id = $1::bigint",
    [PD_STMT_DELEGATION_LOCK] =
        "SELECT d.id, d.ended_at IS NOT NULL, to_jsonb(v)::text FROM delegations d "
        "JOIN delegation_view v ON v.id = d.id "
        "WHERE d.id = $1::bigint AND d.office_id = $2::bigint FOR UPDATE OF d",
    [PD_STMT_DELEGATION_END] =
        "UPDATE delegations SET ended_at = ms_to_ts($2::bigint), ended_by = $3::bigint, "
        "end_reason = $4::text WHERE id = $1::bigint AND ended_at IS NULL RETURNING id",
    [PD_STMT_DELEGATIONS_OF_OFFICE] =
        "SELECT " DELEGATIONS " FROM delegation_view d WHERE d.office_id = $1::bigint "
        "AND ($2::boolean OR (d.ended_at_ms = 0 AND d.valid_until_ms > $3::bigint)) "
        "ORDER BY d.valid_from_ms DESC",

    /* ---- calendar ------------------------------------------------------------------------- */
    [PD_STMT_CLOSED_DAYS_OF_YEAR] =
        "SELECT to_char(c.day, 'YYYY-MM-DD'), c.kind::text, c.name FROM closed_days c "
        "WHERE (c.region_id IS NULL OR c.region_id = $1::bigint) "
        "AND c.day >= make_date($2::int, 1, 1) AND c.day < make_date($2::int + 1, 1, 1) "
        "ORDER BY c.day, c.region_id NULLS FIRST",
    /* For deadlines: the days a region is closed in a window, as day numbers since 1970. */
    [PD_STMT_CLOSED_DAYS_BETWEEN] =
        "SELECT (day - date '1970-01-01') FROM region_closed_days($1::bigint, $2::date, $3::date)",
    /* National days: new ones added, changed ones corrected, the rest left as they are. */
    [PD_STMT_HOLIDAYS_IMPORT] =
        "WITH input AS (SELECT * FROM unnest($1::date[], $2::closed_day_kind[], $3::text[]) "
        "  AS t (day, kind, name)), "
        "upd AS (UPDATE closed_days c SET kind = i.kind, name = i.name FROM input i "
        "  WHERE c.region_id IS NULL AND c.day = i.day "
        "  AND (c.kind, c.name) IS DISTINCT FROM (i.kind, i.name) RETURNING c.day), "
        "ins AS (INSERT INTO closed_days (day, kind, name, created_at, created_by) "
        "  SELECT i.day, i.kind, i.name, ms_to_ts($4::bigint), $5::bigint FROM input i "
        "  WHERE NOT EXISTS (SELECT 1 FROM closed_days c WHERE c.region_id IS NULL "
        "  AND c.day = i.day) RETURNING day) "
        "SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd), "
        "(SELECT count(*) FROM input) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd)",
    [PD_STMT_REGIONAL_DAY_ADD] =
        "INSERT INTO closed_days (day, kind, name, region_id, created_at, created_by) "
        "VALUES ($1::date, 'REGIONAL_HOLIDAY', $2::text, $3::bigint, ms_to_ts($4::bigint), "
        "$5::bigint) RETURNING to_char(day, 'YYYY-MM-DD')",
    [PD_STMT_REGION_CUTI_OPEN] = "SELECT cuti_bersama_open FROM regions WHERE id = $1::bigint",
    [PD_STMT_REGION_SET_CUTI_OPEN] =
        "UPDATE regions SET cuti_bersama_open = $2::boolean WHERE id = $1::bigint "
        "RETURNING cuti_bersama_open",

    /* ---- catalog -------------------------------------------------------------------------- */
    [PD_STMT_SERVICES_LIST] =
        "SELECT " SERVICES " FROM service_view v WHERE v.region_id = $1::bigint "
        "AND (v.active OR $2::boolean) ORDER BY v.name",
    /* Any version of a service of the region: $2 = 0 is the current one. */
    [PD_STMT_SERVICE_GET] =
        "SELECT " SERVICES
        " FROM (SELECT s.id, s.code, sv.version, sv.name, sv.kind::text AS kind, "
        "  sv.survey::text AS survey, sv.authority::text AS authority, sv.forward_agency, "
        "  sv.fee::text AS fee, coalesce(sv.assessor_office_id, 0) AS assessor_office_id, "
        "  coalesce(sv.treasurer_office_id, 0) AS treasurer_office_id, sv.deadline_working_days, "
        "  sv.validity_unit::text AS validity_unit, sv.validity_amount, sv.legal_basis, "
        "  sv.requirements::text AS requirements, sv.fields::text AS fields, "
        "  sv.criteria::text AS criteria, s.active, r.code AS region_code "
        "  FROM services s JOIN regions r ON r.id = s.region_id "
        "  JOIN service_versions sv ON sv.service_id = s.id "
        "  AND sv.version = CASE WHEN $2::int = 0 THEN s.current_version ELSE $2::int END "
        "  WHERE s.id = $1::bigint AND s.region_id = $3::bigint) v",
    [PD_STMT_SERVICE_LOCK] = "SELECT current_version, code FROM services WHERE id = $1::bigint "
                             "AND region_id = $2::bigint FOR UPDATE",
    [PD_STMT_SERVICE_INSERT] =
        "INSERT INTO services (region_id, code) VALUES ($1::bigint, $2::text) RETURNING id",
    [PD_STMT_SERVICE_VERSION_INSERT] =
        "INSERT INTO service_versions (service_id, version, name, kind, survey, authority, "
        "forward_agency, fee, assessor_office_id, treasurer_office_id, deadline_working_days, "
        "validity_unit, validity_amount, legal_basis, requirements, fields, criteria, "
        "created_at, created_by) VALUES ($1::bigint, $2::int, $3::text, $4::service_kind, "
        "$5::survey_policy, $6::issuing_authority, $7::text, $8::fee_kind, "
        "nullif($9::bigint, 0), nullif($10::bigint, 0), $11::int, $12::validity_unit, $13::int, "
        "$14::text, $15::jsonb, $16::jsonb, $17::jsonb, ms_to_ts($18::bigint), $19::bigint) "
        "RETURNING version",
    [PD_STMT_SERVICE_SET_CURRENT] =
        "UPDATE services SET current_version = $2::int, active = $3::boolean "
        "WHERE id = $1::bigint",
};

static const int sql_nparams[PD_STMT__COUNT] = {
#define PD_SQL_NPARAMS(name, n) [PD_STMT_##name] = n,
    PD_SQL_STATEMENTS(PD_SQL_NPARAMS)
#undef PD_SQL_NPARAMS
};

static const char *const sql_names[PD_STMT__COUNT] = {
#define PD_SQL_NAME(name, n) [PD_STMT_##name] = "pd_" #name,
    PD_SQL_STATEMENTS(PD_SQL_NAME)
#undef PD_SQL_NAME
};

static struct pd_sql_info sql_table[PD_STMT__COUNT];

const struct pd_sql_info *pd_sql_info(enum pd_stmt stmt)
{
    if ((unsigned)stmt >= PD_STMT__COUNT || sql_text[stmt] == NULL)
        return NULL;
    if (sql_table[stmt].name == NULL) {
        sql_table[stmt].name = sql_names[stmt];
        sql_table[stmt].nparams = sql_nparams[stmt];
        sql_table[stmt].sql = sql_text[stmt];
    }
    return &sql_table[stmt];
}
