/*
 * pd_sql.c: the texts of the statements named in pd_sql.h.
 *
 * Parameters are cast in the text ($1::bigint) so that each statement is planned with the right
 * types however its parameters are sent. Data-modifying CTEs keep one change (the update, its
 * audit row) in one statement.
 */
#include "pd_sql.h"

#include <stddef.h>

#define USERS        PD_SQL_USER_COLUMNS
#define SERVICES     PD_SQL_SERVICE_COLUMNS
#define DELEGATIONS  PD_SQL_DELEGATION_COLUMNS
#define FILES        PD_SQL_FILE_COLUMNS
#define SUMMARIES    PD_SQL_FILE_SUMMARY_COLUMNS
#define DISPOSITIONS PD_SQL_DISPOSITION_COLUMNS
#define APPLICANTS   PD_SQL_APPLICANT_COLUMNS
/* The states in which a file's deadline still runs (pd_files.c keeps the same list). */
#define RUNNING_STATES \
    "('RECEIVED','SURVEYED','RECOMMENDED','APPROVED','AWAITING_ASSESSMENT','FORWARDED','PAID')"
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
    /* A login refused by the per-address rate limit, audited in the office of the user it named
     * (nothing when it names nobody): no actor, since nobody proved who they are. */
    [PD_STMT_LOGIN_THROTTLED] =
        "WITH u AS (SELECT v.id, v.office_id FROM user_view v "
        "  WHERE v.username = lower($1::text) OR v.nip = $1::text "
        "  ORDER BY (v.username = lower($1::text)) DESC LIMIT 1), "
        "a AS (INSERT INTO audit_log (office_id, at, connection, action, entity, entity_id, after) "
        "  SELECT office_id, ms_to_ts($2::bigint), $3::text, 'LOGIN_THROTTLED', 'user', id::text, "
        "  jsonb_build_object('peer', $4::text, 'failed_logins_per_minute', $5::int) FROM u "
        "  RETURNING entity_id) "
        "SELECT count(*) FROM a",
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
    [PD_STMT_OFFICES_ALL] = "SELECT o.id, o.region_id, o.kind::text, o.code, r.time_zone "
                            "FROM offices o JOIN regions r ON r.id = o.region_id",
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

    /* ---- files ------------------------------------------------------------------------------ */
    /* Where an office keeps its time: code, name, closing minute, region code and zone, kind. */
    [PD_STMT_OFFICE_CONTEXT] =
        "SELECT o.code, o.name, (extract(hour FROM o.closes) * 60 + extract(minute FROM o.closes))"
        "::int, r.code, r.time_zone, o.kind::text, o.region_id, r.cuti_bersama_open "
        "FROM offices o JOIN regions r ON r.id = o.region_id WHERE o.id = $1::bigint",
    /* The applicant any of the numbers finds ($2..$4: NIK, NIB, NPWP; NULL to skip). */
    [PD_STMT_APPLICANT_FIND] =
        "SELECT " APPLICANTS " FROM applicants a WHERE a.region_id = $1::bigint "
        "AND (a.nik = $2::text OR a.nib = $3::text OR a.npwp = $4::text) ORDER BY a.id LIMIT 1",
    [PD_STMT_APPLICANT_UPSERT] =
        "SELECT applicant_upsert($1::bigint, $2::applicant_kind, $3::text, $4::text, $5::text, "
        "$6::text, $7::text, $8::text, $9::text, $10::text, ms_to_ts($11::bigint))",
    /* An applicant's files at an office ($2 = 0: the whole region), newest first. */
    [PD_STMT_APPLICANT_FILES] =
        "SELECT " SUMMARIES " FROM file_summary_view v WHERE v.applicant_id = $1::bigint "
        "AND ($2::bigint = 0 OR v.office_id = $2::bigint) ORDER BY v.received_at DESC LIMIT 50",
    [PD_STMT_SIGNING_KEY] =
        "SELECT key_id, public_key, secret_key FROM signing_keys WHERE region_id = $1::bigint "
        "AND active",
    [PD_STMT_SIGNING_KEYS_LIST] =
        "SELECT r.code, k.key_id, k.public_key, ts_to_ms(k.created_at) FROM signing_keys k "
        "JOIN regions r ON r.id = k.region_id WHERE $1::text = '' OR r.code = $1::text "
        "ORDER BY r.code, k.created_at",
    [PD_STMT_TAKE_NUMBER] =
        "SELECT seq, number FROM take_number($1::bigint, $2::document_kind, $3::text, $4::int)",
    [PD_STMT_DOCUMENT_INSERT] =
        "INSERT INTO documents (office_id, kind, series, year, seq, number, file_id, subject, "
        "amount, issued_at, issued_date, issued_by, issued_by_name, signed_as, key_id, "
        "verification) SELECT $1::bigint, $2::document_kind, $3::text, $4::int, $5::int, $6::text, "
        "(SELECT id FROM files WHERE register_number = $7::text), $8::text, $9::bigint, "
        "ms_to_ts($10::bigint), $11::date, $12::bigint, u.name, $13::text, $14::text, $15::text "
        "FROM users u WHERE u.id = $12::bigint",
    /* What the register says of a number, for VerifyDocument. */
    [PD_STMT_DOCUMENT_LOOKUP] =
        "SELECT r.code, d.kind::text, to_char(d.issued_date, 'YYYY-MM-DD'), d.amount, d.subject, "
        "coalesce(v.reason, ''), d.key_id, d.verification FROM documents d "
        "JOIN offices o ON o.id = d.office_id JOIN regions r ON r.id = o.region_id "
        "LEFT JOIN document_voids v ON v.document_id = d.id WHERE d.number = $1::text",
    /* A register's numbers in order ($5, $6: optional local date bounds). */
    [PD_STMT_REGISTER_LIST] =
        "SELECT d.seq, d.number, ts_to_ms(d.issued_at), to_char(d.issued_date, 'YYYY-MM-DD'), "
        "coalesce(d.file_id, 0), coalesce(f.register_number, ''), d.subject, "
        "coalesce(sv.name, ''), d.issued_by_name, coalesce(v.reason, '') FROM documents d "
        "LEFT JOIN files f ON f.id = d.file_id LEFT JOIN service_versions sv "
        "ON sv.service_id = f.service_id AND sv.version = f.service_version "
        "LEFT JOIN document_voids v ON v.document_id = d.id "
        "WHERE d.office_id = $1::bigint AND d.kind = $2::document_kind AND d.series = $3::text "
        "AND d.year = $4::int AND ($5::date IS NULL OR d.issued_date >= $5::date) "
        "AND ($6::date IS NULL OR d.issued_date <= $6::date) ORDER BY d.seq",
    [PD_STMT_INTAKE_RETURN_INSERT] =
        "INSERT INTO intake_returns (office_id, service_id, service_version, applicant_name, "
        "missing, number, at, by_user) VALUES ($1::bigint, $2::bigint, $3::int, $4::text, "
        "$5::jsonb, $6::text, ms_to_ts($7::bigint), $8::bigint)",
    /* A new file's id, taken before its row so that one round trip writes the row, its
     * history and its receipt. */
    [PD_STMT_FILE_NEXT_ID] = "SELECT nextval(pg_get_serial_sequence('files', 'id'))",
    [PD_STMT_FILE_INSERT] =
        "INSERT INTO files (region_id, office_id, service_id, service_version, kind, has_fee, "
        "forwarded, survey_needed, applicant_id, representative, fields, requirements, "
        "register_number, state, received_at, deadline_at, deadline_working_days, created_by, "
        "renewal_of, updated_at, id) OVERRIDING SYSTEM VALUE VALUES ($1::bigint, $2::bigint, "
        "$3::bigint, $4::int, $5::service_kind, $6::boolean, $7::boolean, $8::boolean, "
        "$9::bigint, $10::jsonb, $11::jsonb, $12::jsonb, $13::text, 'RECEIVED', "
        "ms_to_ts($14::bigint), ms_to_ts($15::bigint), $16::int, $17::bigint, $18::bigint, "
        "ms_to_ts($14::bigint), $19::bigint)",
    [PD_STMT_FILE_GET] =
        "SELECT " FILES " FROM file_view v WHERE v.id = $1::bigint AND v.region_id = $2::bigint",
    [PD_STMT_FILE_GET_BY_NUMBER] =
        "SELECT " FILES " FROM file_view v WHERE v.register_number = $1::text "
        "AND v.region_id = $2::bigint",
    [PD_STMT_FILE_HISTORY] =
        "SELECT ts_to_ms(h.at), h.action, coalesce(h.from_state::text, ''), "
        "coalesce(h.to_state::text, ''), h.actor_name, h.actor_as, h.note FROM file_history h "
        "WHERE h.file_id = $1::bigint ORDER BY h.id",
    [PD_STMT_FILE_DISPOSITIONS] =
        "SELECT " DISPOSITIONS " FROM disposition_view v WHERE v.file_id = $1::bigint "
        "ORDER BY v.id",
    /* The file a change is about, locked, with what the change's checks need (pd_sql.h's
     * enum pd_file_lock_col names the columns). */
    [PD_STMT_FILE_LOCK] =
        "SELECT f.id, f.office_id, f.state::text, f.version, f.kind::text, f.has_fee, "
        "f.forwarded, f.survey_needed, coalesce(f.resumes_to::text, ''), "
        "coalesce(ts_to_ms(f.returned_at), 0), ts_to_ms(f.deadline_at), f.paused_working_days, "
        "f.service_id, f.service_version, f.fields::text, a.name, r.code, r.time_zone, o.code, "
        "(extract(hour FROM o.closes) * 60 + extract(minute FROM o.closes))::int, s.code, "
        "sv.validity_unit::text, sv.validity_amount, f.requirements::text, "
        "ts_to_ms(f.received_at), f.deadline_working_days, sv.fields::text, f.region_id, "
        "f.register_number, sv.survey::text, sv.requirements::text, o.name, sv.fee::text, "
        "coalesce(sv.assessor_office_id, 0), coalesce(sv.treasurer_office_id, 0) "
        "FROM files f JOIN applicants a ON a.id = f.applicant_id "
        "JOIN offices o ON o.id = f.office_id JOIN regions r ON r.id = f.region_id "
        "JOIN services s ON s.id = f.service_id JOIN service_versions sv "
        "ON sv.service_id = f.service_id AND sv.version = f.service_version "
        "WHERE f.id = $1::bigint AND f.region_id = $2::bigint FOR UPDATE OF f",
    /* The region's closed days (day numbers since 1970) from the local day file $1 was
     * received until 800 days (365 working days, and more) after the local day of $2 (now). */
    [PD_STMT_FILE_CLOSED_DAYS] =
        "SELECT (c.day - date '1970-01-01') FROM files f JOIN regions r ON r.id = f.region_id, "
        "LATERAL region_closed_days(f.region_id, (f.received_at AT TIME ZONE r.time_zone)::date, "
        "(ms_to_ts($2::bigint) AT TIME ZONE r.time_zone)::date + 800) c WHERE f.id = $1::bigint",
    /* $1 region, $2 office (0: all), $3 register number, $4 applicant number, $5 name part,
     * $6 service, $7 state, $8..$9 received dates, $10 overdue only, $11 now, $12 offset,
     * $13 limit; the last column is the count of all matches. */
    [PD_STMT_FILE_SEARCH] =
        "SELECT " SUMMARIES ", count(*) OVER () FROM file_summary_view v "
        "JOIN applicants a ON a.id = v.applicant_id JOIN regions r ON r.id = v.region_id "
        "WHERE v.region_id = $1::bigint AND ($2::bigint = 0 OR v.office_id = $2::bigint) "
        /* The applicant is of the file's region (applicant_upsert): said, so that the
         * applicants' (region_id, number) indexes serve a search by number. */
        "AND a.region_id = $1::bigint "
        "AND ($3::text = '' OR v.register_number = $3::text) "
        "AND ($4::text = '' OR a.nik = $4::text OR a.nib = $4::text OR a.npwp = $4::text "
        "  OR a.responsible_nik = $4::text) "
        "AND ($5::text = '' OR lower(a.name) LIKE '%' || lower($5::text) || '%') "
        "AND ($6::bigint = 0 OR v.service_id = $6::bigint) "
        "AND ($7::text = '' OR v.state = $7::text) "
        "AND ($8::date IS NULL OR (v.received_at AT TIME ZONE r.time_zone)::date >= $8::date) "
        "AND ($9::date IS NULL OR (v.received_at AT TIME ZONE r.time_zone)::date <= $9::date) "
        "AND (NOT $10::boolean OR (v.deadline_at_ms < $11::bigint AND v.state IN " RUNNING_STATES
        ")) ORDER BY v.received_at DESC, v.id DESC OFFSET $12::int LIMIT $13::int",
    /* The changes of a file: each bumps the version (the trigger insists) and its time; all
     * start with $1 the file, $2 the version seen, $3 now. */
    [PD_STMT_FILE_SET_STATE] =
        "UPDATE files SET state = $4::file_state, version = version + 1, "
        "updated_at = ms_to_ts($3::bigint) WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_TOUCH] =
        "UPDATE files SET version = version + 1, updated_at = ms_to_ts($3::bigint) "
        "WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_RETURN] =
        "UPDATE files SET resumes_to = state, state = 'RETURNED', version = version + 1, "
        "updated_at = ms_to_ts($3::bigint), returned_at = ms_to_ts($3::bigint), "
        "returned_reason = $4::text, returned_missing = $5::jsonb "
        "WHERE id = $1::bigint AND version = $2::bigint",
    /* $4 the moved deadline, $5 the paused working days in all, $6 the requirements now. */
    [PD_STMT_FILE_RESUME] =
        "UPDATE files SET state = resumes_to, resumes_to = NULL, version = version + 1, "
        "updated_at = ms_to_ts($3::bigint), deadline_at = ms_to_ts($4::bigint), "
        "paused_working_days = $5::int, requirements = $6::jsonb, returned_at = NULL, "
        "returned_reason = NULL, returned_missing = NULL "
        "WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_WITHDRAW] =
        "UPDATE files SET state = 'WITHDRAWN', resumes_to = NULL, version = version + 1, "
        "updated_at = ms_to_ts($3::bigint), withdrawn_reason = $4::text "
        "WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_SET_SURVEY] =
        "UPDATE files SET survey_needed = $4::boolean, version = version + 1, "
        "updated_at = ms_to_ts($3::bigint) WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_RECOMMEND] =
        "UPDATE files SET state = 'RECOMMENDED', recommended_can_process = $4::boolean, "
        "recommendation_note = $5::text, version = version + 1, "
        "updated_at = ms_to_ts($3::bigint) WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_REJECT] =
        "UPDATE files SET state = 'REJECTED', decision_reason = $4::text, version = version + 1, "
        "updated_at = ms_to_ts($3::bigint) WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_AGENCY_OUTCOME] =
        "UPDATE files SET state = $4::file_state, agency_document_number = $5::text, "
        "decision_reason = nullif($6::text, ''), version = version + 1, "
        "updated_at = ms_to_ts($3::bigint) WHERE id = $1::bigint AND version = $2::bigint",
    /* $4 SK number, $5 signer, $6 signed_as, $7 valid until (NULL: no expiry). */
    [PD_STMT_FILE_SIGN] = "UPDATE files SET state = 'SIGNED', sk_number = $4::text, signed_at = "
                          "ms_to_ts($3::bigint), "
                          "signed_by = $5::bigint, signed_as = $6::text, valid_until = $7::date, "
                          "version = version + 1, updated_at = ms_to_ts($3::bigint) "
                          "WHERE id = $1::bigint AND version = $2::bigint",
    [PD_STMT_FILE_HAND_OVER] =
        "UPDATE files SET state = 'HANDED_OVER', handed_over_at = ms_to_ts($3::bigint), "
        "handed_to_name = $4::text, handed_to_nik = nullif($5::text, ''), version = version + 1, "
        "updated_at = ms_to_ts($3::bigint) WHERE id = $1::bigint AND version = $2::bigint",
    /* $1 file, $2 at, $3 action, $4 from, $5 to (NULL: no transition), $6 actor, $7 as, $8 note */
    [PD_STMT_HISTORY_INSERT] =
        "INSERT INTO file_history (file_id, at, action, from_state, to_state, actor_id, "
        "actor_name, actor_as, note) SELECT $1::bigint, ms_to_ts($2::bigint), $3::text, "
        "$4::file_state, $5::file_state, u.id, u.name, $7::text, $8::text FROM users u "
        "WHERE u.id = $6::bigint",
    [PD_STMT_SURVEY_INSERT] =
        "INSERT INTO file_surveys (file_id, day, team, findings, measurements, number, filed_by, "
        "filed_at) VALUES ($1::bigint, $2::date, $3::jsonb, $4::text, $5::jsonb, $6::text, "
        "$7::bigint, ms_to_ts($8::bigint))",
    [PD_STMT_MEETING_INSERT] =
        "INSERT INTO file_meetings (file_id, day, participants, minutes, decision, number, "
        "filed_by, filed_at) VALUES ($1::bigint, $2::date, $3::jsonb, $4::text, $5::text, "
        "$6::text, $7::bigint, ms_to_ts($8::bigint))",

    /* ---- dispositions ---------------------------------------------------------------------- */
    [PD_STMT_DISPOSITION_NEXT_ID] = "SELECT nextval(pg_get_serial_sequence('dispositions', 'id'))",
    [PD_STMT_DISPOSITION_INSERT] =
        "INSERT INTO dispositions (id, file_id, office_id, from_user, from_as, to_user, to_role, "
        "instruction, due_at, created_at) OVERRIDING SYSTEM VALUE VALUES ($1::bigint, $2::bigint, "
        "$3::bigint, $4::bigint, $5::text, $6::bigint, $7::user_role, $8::text, "
        "ms_to_ts($9::bigint), ms_to_ts($10::bigint))",
    [PD_STMT_DISPOSITION_GET] =
        "SELECT " DISPOSITIONS " FROM disposition_view v WHERE v.id = $1::bigint "
        "AND v.region_id = $2::bigint",
    [PD_STMT_DISPOSITION_LOCK] =
        "SELECT d.id, d.version, coalesce(d.to_user, 0), coalesce(d.to_role::text, ''), "
        "d.office_id, d.read_at IS NOT NULL, d.completed_at IS NOT NULL, d.from_user, "
        "coalesce(u.name, ''), d.file_id FROM dispositions d JOIN files f ON f.id = d.file_id "
        "LEFT JOIN users u ON u.id = d.to_user "
        "WHERE d.id = $1::bigint AND f.region_id = $2::bigint FOR UPDATE OF d",
    [PD_STMT_DISPOSITION_OPEN] =
        "UPDATE dispositions SET read_at = coalesce(read_at, ms_to_ts($3::bigint)), "
        "to_user = coalesce(to_user, $2::bigint), version = version + 1 "
        "WHERE id = $1::bigint AND version = $4::bigint",
    [PD_STMT_DISPOSITION_COMPLETE] =
        "UPDATE dispositions SET completed_at = ms_to_ts($2::bigint), response = $3::text, "
        "version = version + 1 WHERE id = $1::bigint AND version = $4::bigint",
    /* Open dispositions to $1 or to a role of $3 at office $2; with $4, the last 50 done too. */
    [PD_STMT_INBOX] =
        "(SELECT " DISPOSITIONS " FROM disposition_view v WHERE v.completed_at IS NULL "
        " AND (v.to_user = $1::bigint OR (v.to_user = 0 AND v.office_id = $2::bigint "
        " AND v.to_role_enum = ANY ($3::user_role[]))) ORDER BY v.due_at, v.id) "
        "UNION ALL (SELECT " DISPOSITIONS " FROM disposition_view v WHERE $4::boolean "
        " AND v.completed_at IS NOT NULL AND v.to_user = $1::bigint "
        " ORDER BY v.completed_at DESC LIMIT 50)",
    /* An active user of an office (a disposition's addressee): id, name, roles. */
    [PD_STMT_USER_IN_OFFICE] =
        "SELECT v.id, v.name, v.roles FROM user_view v WHERE v.id = $1::bigint "
        "AND v.office_id = $2::bigint AND v.active",

    /* ---- tariffs, regimes, taxpayers (pd_tariffs.c): rows as row_to_json text ---- */
    /* The region's tariffs: each code's latest version, or every version with $2. */
    [PD_STMT_TARIFFS_LIST] =
        "SELECT row_to_json(v)::text FROM tariff_view v WHERE v.region_id = $1::bigint AND "
        "($2::boolean OR v.version = (SELECT max(t.version) FROM tariffs t "
        "WHERE t.region_id = v.region_id AND t.code = v.code)) ORDER BY v.code, v.version",
    /* The latest version of a code (the region's row locked, so savers queue). */
    [PD_STMT_TARIFF_LATEST] =
        "SELECT coalesce((SELECT max(version) FROM tariffs WHERE region_id = $1::bigint "
        "AND code = $2::text), 0) FROM regions WHERE id = $1::bigint FOR UPDATE",
    [PD_STMT_TARIFF_INSERT] =
        "INSERT INTO tariffs (region_id, code, version, service_code, name, formula, "
        "legal_basis, effective_from, rounding_mode, rounding_unit, inputs, created_at, "
        "created_by) VALUES ($1::bigint, $2::text, $3::int, $4::text, $5::text, "
        "$6::tariff_formula, $7::text, $8::date, $9::rounding_mode, $10::bigint, $11::jsonb, "
        "ms_to_ts($12::bigint), $13::bigint) RETURNING id",
    [PD_STMT_TARIFF_GET] = "SELECT row_to_json(v)::text FROM tariff_view v WHERE v.id = $1::bigint",
    [PD_STMT_REGIMES_LIST] =
        "SELECT row_to_json(v)::text FROM regime_view v WHERE v.region_id = $1::bigint "
        "ORDER BY v.version",
    [PD_STMT_REGIME_LATEST] =
        "SELECT coalesce((SELECT max(version) FROM interest_regimes WHERE region_id = "
        "$1::bigint), 0) FROM regions WHERE id = $1::bigint FOR UPDATE",
    [PD_STMT_REGIME_INSERT] =
        "INSERT INTO interest_regimes (region_id, version, name, legal_basis, effective_from, "
        "monthly_bp, max_months, started_month_counts, rounding_mode, rounding_unit, due_days, "
        "created_at, created_by) VALUES ($1::bigint, $2::int, $3::text, $4::text, $5::date, "
        "$6::int, $7::int, $8::boolean, $9::rounding_mode, $10::bigint, $11::int, "
        "ms_to_ts($12::bigint), $13::bigint) RETURNING id",
    [PD_STMT_REGIME_GET] = "SELECT row_to_json(v)::text FROM regime_view v WHERE v.id = $1::bigint",
    /* ($1 region, $2 office, $3 name, $4 address, $5 NIK, $6 NIB, $7 at, $8 by) */
    [PD_STMT_TAXPAYER_REGISTER] =
        "SELECT taxpayer_register($1::bigint, $2::bigint, $3::text, $4::text, $5::text, "
        "$6::text, ms_to_ts($7::bigint), $8::bigint)",
    [PD_STMT_TAXPAYER_GET] =
        "SELECT row_to_json(v)::text FROM taxpayer_view v WHERE v.id = $1::bigint "
        "AND v.region_id = $2::bigint",
    /* By NPWPD, NIK or NIB. */
    [PD_STMT_TAXPAYER_FIND] =
        "SELECT row_to_json(v)::text FROM taxpayer_view v WHERE v.region_id = $1::bigint "
        "AND (v.npwpd = upper($2::text) OR v.nik = $2::text OR v.nib = $2::text) LIMIT 1",

    /* ---- assessments (pd_assess.c) ---- */
    /* What assessing file $1 rests on at business time $2: the tariff version in force on the
     * region's local day, the interest regime in force, the survey's measurements, the form's
     * fields, the latest assessment (its id, whether cancelled), the file's basics. */
    [PD_STMT_ASSESS_CONTEXT] =
        "SELECT coalesce(row_to_json(t)::text, ''), coalesce(row_to_json(ir)::text, ''), "
        "coalesce((SELECT y.measurements::text FROM file_surveys y WHERE y.file_id = f.id), "
        "'[]'), f.fields::text, coalesce(la.id, 0), la.cancelled IS TRUE, f.state::text, "
        "f.version, f.region_id, coalesce(sv.assessor_office_id, 0), sv.fee::text, "
        "to_char((ms_to_ts($2::bigint) AT TIME ZONE r.time_zone)::date, 'YYYY-MM-DD'), "
        "r.time_zone, coalesce((SELECT name FROM offices WHERE id = sv.assessor_office_id), '') "
        "FROM files f JOIN services s ON s.id = f.service_id "
        "JOIN service_versions sv ON sv.service_id = f.service_id "
        "AND sv.version = f.service_version JOIN regions r ON r.id = f.region_id "
        "LEFT JOIN LATERAL (SELECT * FROM tariff_view t WHERE t.region_id = f.region_id "
        "AND t.service_code = s.code AND t.effective_from::date <= "
        "(ms_to_ts($2::bigint) AT TIME ZONE r.time_zone)::date "
        "ORDER BY t.effective_from DESC, t.version DESC, t.id DESC LIMIT 1) t ON true "
        "LEFT JOIN LATERAL (SELECT * FROM regime_view i WHERE i.region_id = f.region_id "
        "AND i.effective_from::date <= (ms_to_ts($2::bigint) AT TIME ZONE r.time_zone)::date "
        "ORDER BY i.effective_from DESC, i.version DESC LIMIT 1) ir ON true "
        "LEFT JOIN LATERAL (SELECT a.id, EXISTS (SELECT 1 FROM assessment_cancellations c "
        "WHERE c.assessment_id = a.id) AS cancelled FROM assessments a WHERE a.file_id = f.id "
        "ORDER BY a.id DESC LIMIT 1) la ON true WHERE f.id = $1::bigint",
    /* Office $1's queue: files waiting for its assessment, the longest waiting first. */
    [PD_STMT_ASSESS_QUEUE] =
        "SELECT " SUMMARIES ", ko.name, sv.fee::text, q.requested_ms, "
        "EXISTS (SELECT 1 FROM assessments a WHERE a.file_id = v.id) "
        "FROM files f JOIN file_summary_view v ON v.id = f.id "
        "JOIN service_versions sv ON sv.service_id = f.service_id "
        "AND sv.version = f.service_version JOIN offices ko ON ko.id = f.office_id "
        "CROSS JOIN LATERAL (SELECT coalesce((SELECT ts_to_ms(max(h.at)) FROM file_history h "
        "WHERE h.file_id = f.id AND h.to_state = 'AWAITING_ASSESSMENT'), v.updated_at_ms) "
        "AS requested_ms) q "
        "WHERE f.state = 'AWAITING_ASSESSMENT' AND sv.assessor_office_id = $1::bigint "
        "ORDER BY q.requested_ms, f.id LIMIT 500",
    /* ($1 file, $2 region, $3 office, $4 treasurer, $5 kind, $6 document number, $7 tariff,
     * $8 regime, $9 principal, $10 issued at, $11 issued date, $12 due date, $13 by, $14 trace,
     * $15 taxpayer, $16 SPTPD number, $17 SPTPD date); replaces the file's latest cancelled one. */
    [PD_STMT_ASSESS_INSERT] =
        "INSERT INTO assessments (file_id, region_id, office_id, treasurer_office_id, kind, "
        "document_id, number, tariff_id, regime_id, principal, issued_at, issued_date, "
        "due_date, issued_by, trace, taxpayer_id, sptpd_number, sptpd_date, replaces_id) "
        "SELECT $1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::assessment_kind, d.id, "
        "d.number, $7::bigint, $8::bigint, $9::bigint, ms_to_ts($10::bigint), $11::date, "
        "$12::date, $13::bigint, $14::jsonb, $15::bigint, $16::text, $17::date, "
        "(SELECT max(a.id) FROM assessments a WHERE a.file_id = $1::bigint) "
        "FROM documents d WHERE d.number = $6::text",
    [PD_STMT_ASSESS_BY_NUMBER] =
        "SELECT row_to_json(v)::text FROM assessment_view v WHERE v.number = $1::text",
    /* By id ($1, or 0) or number ($2) in region $3, with its regime. */
    [PD_STMT_ASSESS_GET] =
        "SELECT row_to_json(v)::text, row_to_json(i)::text, v.file_office_id, v.file_state, "
        "v.region_id, r.time_zone FROM assessment_view v JOIN regime_view i ON i.id = v.regime_id "
        "JOIN regions r ON r.id = v.region_id "
        "WHERE (v.id = $1::bigint OR v.number = $2::text) AND v.region_id = $3::bigint",
    /* The file of assessment $1 in region $2. */
    [PD_STMT_ASSESS_FILE] =
        "SELECT a.file_id FROM assessments a WHERE a.id = $1::bigint AND a.region_id = $2::bigint",
    [PD_STMT_ASSESS_LATEST_OF_FILE] =
        "SELECT row_to_json(v)::text, v.status, v.id, v.number FROM assessment_view v "
        "WHERE v.file_id = $1::bigint ORDER BY v.id DESC LIMIT 1",
    /* The register: office $1 (0: the whole region $2), $3 text in the number, the file's
     * number or the applicant's name; $4 year (0: any), $5 status ('' any); $6 offset, $7 limit. */
    [PD_STMT_ASSESS_SEARCH] =
        "SELECT row_to_json(v)::text, count(*) OVER () FROM assessment_view v "
        "WHERE v.region_id = $2::bigint AND ($1::bigint = 0 OR v.office_id = $1::bigint) "
        "AND ($3::text = '' OR v.number ILIKE '%' || $3::text || '%' "
        "OR v.file_register_number ILIKE '%' || $3::text || '%' "
        "OR v.applicant_name ILIKE '%' || $3::text || '%') "
        "AND ($4::int = 0 OR left(v.issued_date, 4)::int = $4::int) "
        "AND ($5::text = '' OR v.status = $5::text) ORDER BY v.id DESC "
        "OFFSET $6::int LIMIT $7::int",
    [PD_STMT_ASSESS_CANCEL] =
        "INSERT INTO assessment_cancellations (assessment_id, reason, cancelled_at, "
        "cancelled_by) VALUES ($1::bigint, $2::text, ms_to_ts($3::bigint), $4::bigint)",
    [PD_STMT_DOCUMENT_VOID] =
        "INSERT INTO document_voids (document_id, reason, voided_at, voided_by) "
        "SELECT d.id, $2::text, ms_to_ts($3::bigint), $4::bigint FROM documents d "
        "WHERE d.number = $1::text",
    /* ($1 assessment, $2 document number, $3 kind, $4 as of, $5 months, $6 principal,
     * $7 interest, $8 at, $9 by) */
    [PD_STMT_BILL_INSERT] =
        "INSERT INTO bills (assessment_id, document_id, kind, number, as_of, months, principal, "
        "interest, issued_at, issued_by) SELECT $1::bigint, d.id, $3::text, d.number, $4::date, "
        "$5::int, $6::bigint, $7::bigint, ms_to_ts($8::bigint), $9::bigint FROM documents d "
        "WHERE d.number = $2::text RETURNING id",
    /* The bill of assessment $1 for day $2, if issued. */
    [PD_STMT_BILL_FIND] =
        "SELECT b.id, b.kind, b.number, to_char(b.as_of, 'YYYY-MM-DD'), b.months, b.principal, "
        "b.interest, ts_to_ms(b.issued_at), u.name, d.verification FROM bills b "
        "JOIN users u ON u.id = b.issued_by JOIN documents d ON d.id = b.document_id "
        "WHERE b.assessment_id = $1::bigint AND b.as_of = $2::date ORDER BY b.id DESC LIMIT 1",

    [PD_STMT_BILL_LATEST] =
        "SELECT to_char(b.as_of, 'YYYY-MM-DD'), b.number, b.interest FROM bills b "
        "WHERE b.assessment_id = $1::bigint ORDER BY b.id DESC LIMIT 1",

/* ---- payments (pd_payments.c) ---- */
/* What is owed: an assessment (JSON), its regime (JSON), the region's time zone, the local
 * day of business time $N, the bill issued for that day (JSON or ''), the file's office. */
#define OWED_COLUMNS                                                                             \
    "row_to_json(v)::text, row_to_json(i)::text, r.time_zone, to_char(day.d, 'YYYY-MM-DD'), "    \
    "coalesce((SELECT json_build_object('id', b.id, 'kind', b.kind, 'number', b.number, "        \
    "'as_of', to_char(b.as_of, 'YYYY-MM-DD'), 'months', b.months, 'principal', b.principal, "    \
    "'interest', b.interest, 'issued_at_ms', ts_to_ms(b.issued_at), 'issued_by_name', u.name, "  \
    "'verification', d.verification)::text FROM bills b JOIN users u ON u.id = b.issued_by "     \
    "JOIN documents d ON d.id = b.document_id WHERE b.assessment_id = v.id AND b.as_of = day.d " \
    "ORDER BY b.id DESC LIMIT 1), ''), v.file_office_id, r.deposit_deadline_shifts "
#define OWED_FROM(now)                                                               \
    "FROM assessment_view v JOIN regime_view i ON i.id = v.regime_id "               \
    "JOIN regions r ON r.id = v.region_id CROSS JOIN LATERAL (SELECT (ms_to_ts(" now \
    "::bigint) AT TIME ZONE r.time_zone)::date AS d) day "
    /* ($1 region, $2 the cashier's office, $3 an assessment number, a file's register number or
     * a NIK, $4 now) */
    [PD_STMT_PAY_OWED_FIND] = "SELECT " OWED_COLUMNS OWED_FROM(
        "$4") "JOIN files f ON f.id = v.file_id "
              "JOIN applicants a ON a.id = f.applicant_id WHERE v.region_id = $1::bigint "
              "AND v.file_office_id = $2::bigint AND v.status = 'ISSUED' AND (v.number = $3::text "
              "OR v.file_register_number = $3::text OR a.nik = $3::text) ORDER BY v.id LIMIT 50",
    /* ($1 assessment, $2 region, $3 now) */
    [PD_STMT_PAY_OWED_ONE] = "SELECT " OWED_COLUMNS OWED_FROM(
        "$3") "WHERE v.id = $1::bigint AND v.region_id = $2::bigint",
#undef OWED_COLUMNS
#undef OWED_FROM
    /* ($1 region, $2 office, $3 cashier, $4 assessment, $5 the bill's number or NULL, $6 file,
     * $7 treasurer, $8 method, $9 reference, $10 principal, $11 interest, $12 at, $13 local day,
     * $14 the receipt's number) */
    [PD_STMT_PAY_INSERT] =
        "INSERT INTO payments (region_id, office_id, cashier_id, assessment_id, bill_id, file_id, "
        "treasurer_office_id, method, reference, principal, interest, amount, received_at, "
        "received_date, document_id, receipt_number, deposit_deadline_at) "
        "SELECT $1::bigint, $2::bigint, $3::bigint, "
        "$4::bigint, (SELECT id FROM bills WHERE number = $5::text), $6::bigint, $7::bigint, "
        "$8::payment_method, $9::text, $10::bigint, $11::bigint, $10::bigint + $11::bigint, "
        "ms_to_ts($12::bigint), $13::date, d.id, d.number, ms_to_ts($15::bigint) FROM documents d "
        "WHERE d.number = $14::text",
    /* Locks payment $1 (a deposit and a reversal serialise on it): the deposit it is in, or 0. */
    [PD_STMT_PAY_LOCK] =
        "SELECT coalesce((SELECT i.deposit_id FROM deposit_items i WHERE i.payment_id = p.id), 0) "
        "FROM payments p WHERE p.id = $1::bigint FOR UPDATE",
    [PD_STMT_PAY_BY_RECEIPT] =
        "SELECT row_to_json(v)::text FROM payment_view v WHERE v.receipt_number = $1::text",
    [PD_STMT_PAY_GET] =
        "SELECT row_to_json(v)::text, v.file_id, v.reversed, v.cashier_id, v.receipt_number "
        "FROM payment_view v WHERE v.id = $1::bigint AND v.region_id = $2::bigint",
    [PD_STMT_PAY_REVERSE] =
        "INSERT INTO payment_reversals (payment_id, reason, approved_by, reversed_at) "
        "VALUES ($1::bigint, $2::text, $3::bigint, ms_to_ts($4::bigint))",
    /* ($1 region, $2 office or 0 for the region, $3 local day, $4 cashier or 0) */
    [PD_STMT_PAY_LIST] =
        "SELECT row_to_json(v)::text FROM payment_view v JOIN payments p ON p.id = v.id "
        "WHERE v.region_id = $1::bigint AND ($2::bigint = 0 OR v.office_id = $2::bigint) "
        "AND p.received_date = $3::date AND ($4::bigint = 0 OR v.cashier_id = $4::bigint) "
        "ORDER BY v.id LIMIT 1000",

    /* ---- deposits (pd_deposits.c) ---- */
    /* Cashier $1's cash on hand: standing cash payments in no deposit. */
    [PD_STMT_DEP_UNDEPOSITED] =
        "SELECT row_to_json(v)::text FROM payment_view v WHERE v.cashier_id = $1::bigint "
        "AND v.method = 'CASH' AND NOT v.reversed AND v.deposit_id = 0 ORDER BY v.id",
    /* The payments a deposit of cashier $1 to treasurer $2 would take, locked: those listed in
     * $3 (a bigint[] literal), or with $4 every standing undeposited cash payment of the
     * cashier owed to the treasurer. Columns: id, treasurer, method, reversed, deposit id,
     * amount, cashier, receipt number. */
    [PD_STMT_DEP_CANDIDATES] =
        "SELECT p.id, p.treasurer_office_id, p.method::text, "
        "EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id), "
        "coalesce((SELECT i.deposit_id FROM deposit_items i WHERE i.payment_id = p.id), 0), "
        "p.amount, p.cashier_id, p.receipt_number FROM payments p "
        "WHERE CASE WHEN $4::boolean THEN p.cashier_id = $1::bigint AND p.method = 'CASH' "
        "AND p.treasurer_office_id = $2::bigint "
        "AND NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM deposit_items i WHERE i.payment_id = p.id) "
        "ELSE p.id = ANY ($3::bigint[]) END ORDER BY p.id FOR UPDATE OF p",
    /* ($1 region, $2 office, $3 cashier, $4 treasurer, $5 total, $6 at, $7 local day,
     * $8 the STS's number) */
    [PD_STMT_DEP_INSERT] =
        "INSERT INTO deposits (region_id, office_id, cashier_id, treasurer_office_id, total, "
        "created_at, created_date, document_id, number) SELECT $1::bigint, $2::bigint, "
        "$3::bigint, $4::bigint, $5::bigint, ms_to_ts($6::bigint), $7::date, d.id, d.number "
        "FROM documents d WHERE d.number = $8::text",
    [PD_STMT_DEP_ITEMS_INSERT] =
        "INSERT INTO deposit_items (deposit_id, payment_id) SELECT d.id, x FROM deposits d, "
        "unnest($2::bigint[]) x WHERE d.number = $1::text",
    [PD_STMT_DEP_GET] = "SELECT row_to_json(v)::text, v.id, v.office_id, v.treasurer_office_id "
                        "FROM deposit_view v WHERE v.number = $1::text",
    [PD_STMT_DEP_BY_ID] = "SELECT row_to_json(v)::text FROM deposit_view v WHERE v.id = $1::bigint",
    [PD_STMT_DEP_OF_CONFIRMATION] =
        "SELECT row_to_json(v)::text FROM deposit_view v JOIN confirmations c "
        "ON c.deposit_id = v.id WHERE c.id = $1::bigint",
    [PD_STMT_DEP_PAYMENTS] =
        "SELECT row_to_json(v)::text FROM payment_view v WHERE v.deposit_number = $1::text "
        "ORDER BY v.id",
    /* Deposit $1 of region $2, locked: office, cashier, number, validated, created at. */
    [PD_STMT_DEP_LOCK] = "SELECT d.office_id, d.cashier_id, d.number, "
                         "EXISTS (SELECT 1 FROM deposit_validations v WHERE v.deposit_id = d.id), "
                         "ts_to_ms(d.created_at) FROM deposits d WHERE d.id = $1::bigint "
                         "AND d.region_id = $2::bigint FOR UPDATE",
    [PD_STMT_DEP_VALIDATE] =
        "INSERT INTO deposit_validations (deposit_id, bank_reference, validated_at, recorded_by, "
        "recorded_at) VALUES ($1::bigint, $2::text, ms_to_ts($3::bigint), $4::bigint, "
        "ms_to_ts($5::bigint))",
    /* The alerts raised for the payments of deposit $1 (cleared by its validation). */
    [PD_STMT_DEP_ALERTS_OF] =
        "SELECT row_to_json(v)::text, ts_to_ms(a.raised_at) FROM deposit_alerts a "
        "JOIN payment_view v ON v.id = a.payment_id WHERE v.deposit_id = $1::bigint",
    /* $1 region, $2 office (cashier, Camat: theirs; 0 any), $3 treasurer office (0 any),
     * $4 unconfirmed only, $5..$6 created between (NULL: open). */
    [PD_STMT_DEP_LIST] =
        "SELECT row_to_json(v)::text FROM deposit_view v WHERE v.region_id = $1::bigint "
        "AND ($2::bigint = 0 OR v.office_id = $2::bigint) "
        "AND ($3::bigint = 0 OR v.treasurer_office_id = $3::bigint) "
        "AND (NOT $4::boolean OR v.confirmation IS NULL "
        "OR v.confirmation->>'status' = 'DISCREPANCY') "
        "AND ($5::date IS NULL OR v.created_date::date >= $5::date) "
        "AND ($6::date IS NULL OR v.created_date::date <= $6::date) "
        "ORDER BY v.id DESC LIMIT 500",
    /* What the treasurer confirms, locked: deposit $1 of region $2 (or, below, payment $1).
     * Columns: treasurer office, expected amount, ready (a validated deposit; a non-cash payment
     * that stands), cash (a cash payment), the confirmation's id or 0. */
    [PD_STMT_CONF_DEPOSIT] =
        "SELECT d.treasurer_office_id, d.total, "
        "EXISTS (SELECT 1 FROM deposit_validations v WHERE v.deposit_id = d.id), false, "
        "coalesce((SELECT c.id FROM confirmations c WHERE c.deposit_id = d.id), 0) "
        "FROM deposits d WHERE d.id = $1::bigint AND d.region_id = $2::bigint FOR UPDATE",
    [PD_STMT_CONF_PAYMENT] =
        "SELECT p.treasurer_office_id, p.amount, "
        "NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id), "
        "p.method = 'CASH', "
        "coalesce((SELECT c.id FROM confirmations c WHERE c.payment_id = p.id), 0) "
        "FROM payments p WHERE p.id = $1::bigint AND p.region_id = $2::bigint FOR UPDATE",
    /* ($1 treasurer office, $2 deposit or NULL, $3 payment or NULL, $4 bank date, $5 reference,
     * $6 amount, $7 expected, $8 status, $9 by, $10 at) */
    [PD_STMT_CONF_INSERT] =
        "INSERT INTO confirmations (treasurer_office_id, deposit_id, payment_id, bank_date, "
        "bank_reference, amount, expected, status, confirmed_by, confirmed_at) VALUES "
        "($1::bigint, $2::bigint, $3::bigint, $4::date, $5::text, $6::bigint, $7::bigint, "
        "$8::text, $9::bigint, ms_to_ts($10::bigint)) RETURNING id",
    [PD_STMT_CONF_GET] = "SELECT row_to_json(v)::text, v.deposit_id FROM confirmation_view v WHERE "
                         "v.id = $1::bigint",
    /* Confirmation $1 (of region $2), locked: treasurer office, status, resolved. */
    [PD_STMT_CONF_LOCK] =
        "SELECT c.treasurer_office_id, c.status, "
        "EXISTS (SELECT 1 FROM discrepancy_resolutions r WHERE r.confirmation_id = c.id) "
        "FROM confirmations c JOIN offices o ON o.id = c.treasurer_office_id "
        "WHERE c.id = $1::bigint AND o.region_id = $2::bigint FOR UPDATE OF c",
    [PD_STMT_CONF_RESOLVE] =
        "INSERT INTO discrepancy_resolutions (confirmation_id, reason, resolved_by, resolved_at) "
        "VALUES ($1::bigint, $2::text, $3::bigint, ms_to_ts($4::bigint))",
    /* Open alerts: $1 region, $2 office (0 any), $3 treasurer office (0 any). */
    [PD_STMT_ALERTS_OPEN] =
        "SELECT row_to_json(v)::text, ts_to_ms(a.raised_at) FROM deposit_alerts a "
        "JOIN payment_view v ON v.id = a.payment_id WHERE v.region_id = $1::bigint "
        "AND ($2::bigint = 0 OR v.office_id = $2::bigint) "
        "AND ($3::bigint = 0 OR v.treasurer_office_id = $3::bigint) "
        "AND NOT v.deposit_validated AND NOT v.reversed ORDER BY a.raised_at",
    /* Raises the alert of every standing cash payment past its deadline ($1: now) whose deposit
     * is not validated; a concurrent raiser's row wins the key, so each is returned once. */
    [PD_STMT_ALERTS_RAISE] =
        "WITH raised AS (INSERT INTO deposit_alerts (payment_id, raised_at) "
        "SELECT p.id, ms_to_ts($1::bigint) FROM payments p WHERE p.method = 'CASH' "
        "AND p.deposit_deadline_at < ms_to_ts($1::bigint) "
        "AND NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM deposit_items i JOIN deposit_validations dv "
        "ON dv.deposit_id = i.deposit_id WHERE i.payment_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM deposit_alerts a WHERE a.payment_id = p.id) "
        "ORDER BY p.id LIMIT 500 ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id) "
        "SELECT row_to_json(v)::text, v.region_id, v.office_id, v.treasurer_office_id "
        "FROM raised r JOIN payment_view v ON v.id = r.payment_id",
    /* Every violation of the money invariants, one text each; the last row counts. */
    [PD_STMT_INVARIANTS] =
        "SELECT 'pembayaran ' || p.receipt_number || ' ada di ' || count(*) || ' setoran' "
        "FROM deposit_items i JOIN payments p ON p.id = i.payment_id GROUP BY p.receipt_number "
        "HAVING count(*) > 1 "
        "UNION ALL SELECT 'setoran ' || d.number || ': jumlah ' || d.total || "
        "' tetapi pembayarannya ' || coalesce(sum(p.amount), 0) FROM deposits d "
        "LEFT JOIN deposit_items i ON i.deposit_id = d.id LEFT JOIN payments p "
        "ON p.id = i.payment_id GROUP BY d.id HAVING d.total <> coalesce(sum(p.amount), 0) "
        "UNION ALL SELECT 'register ' || o.code || '/' || r.kind || '/' || r.series || '/' || "
        "r.year || ': nomor terakhir ' || r.last_no || ' tetapi ' || "
        "(SELECT count(*) FROM documents d WHERE d.office_id = r.office_id AND d.kind = r.kind "
        "AND d.series = r.series AND d.year = r.year) || ' dokumen' FROM registers r "
        "JOIN offices o ON o.id = r.office_id WHERE r.last_no <> (SELECT count(*) FROM documents d "
        "WHERE d.office_id = r.office_id AND d.kind = r.kind AND d.series = r.series "
        "AND d.year = r.year) OR r.last_no <> (SELECT coalesce(max(d.seq), 0) FROM documents d "
        "WHERE d.office_id = r.office_id AND d.kind = r.kind AND d.series = r.series "
        "AND d.year = r.year) "
        "UNION ALL SELECT 'pembayaran ' || p.receipt_number || ' dibatalkan tetapi tanda terimanya "
        "tidak dibatalkan' FROM payments p JOIN payment_reversals x ON x.payment_id = p.id "
        "WHERE NOT EXISTS (SELECT 1 FROM document_voids v WHERE v.document_id = p.document_id) "
        "UNION ALL SELECT 'pembayaran ' || p.receipt_number || ' dibatalkan tetapi ada di setoran' "
        "FROM payments p JOIN payment_reversals x ON x.payment_id = p.id "
        "JOIN deposit_items i ON i.payment_id = p.id "
        "UNION ALL SELECT 'ketetapan ' || a.number || ' dibayar ' || count(*) || ' kali' "
        "FROM payments p JOIN assessments a ON a.id = p.assessment_id WHERE NOT EXISTS "
        "(SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id) GROUP BY a.number "
        "HAVING count(*) > 1 "
        "UNION ALL SELECT 'pembayaran ' || p.receipt_number || ' untuk ketetapan yang dibatalkan' "
        "FROM payments p JOIN assessment_cancellations c ON c.assessment_id = p.assessment_id "
        "WHERE NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id) "
        "UNION ALL SELECT 'pembayaran ' || p.receipt_number || ': jumlah ' || p.amount || "
        "' bukan pokok ' || p.principal || ' + bunga ' || p.interest FROM payments p "
        "WHERE p.amount <> p.principal + p.interest "
        "UNION ALL SELECT '#' || (SELECT count(*) FROM payments) || ' ' || "
        "(SELECT count(*) FROM deposits) || ' ' || (SELECT count(*) FROM registers)",

    /* ---- reconciliation, the daily close, bank statements (pd_reconcile.c) ---- */
    /* Payments of region $1 received between local days $3 and $4, of cashier $2 and treasurer
     * $5 (0: any), oldest first; the last columns classify them. */
    [PD_STMT_RECON_PAYMENTS] =
        "SELECT row_to_json(v)::text, v.treasurer_office_id, v.treasurer_office_name, v.amount, "
        "v.reversed, v.method, v.deposit_validated, v.confirmation, v.cashier_id, v.cashier_name, "
        "v.received_date FROM "
        /* The payments first, by payments_region_day on the date column (the view's is text),
         * then the view row of each by its id; both fenced (OFFSET 0): the view joins more
         * tables than join_collapse_limit, and joined as a whole it was hashed in full. One
         * plan fits every call, so the plan cache keeps it instead of planning the view anew. */
        "(SELECT p.id FROM payments p WHERE p.region_id = $1::bigint "
        "AND p.received_date BETWEEN $3::date AND $4::date "
        "AND ($2::bigint = 0 OR p.cashier_id = $2::bigint) "
        "AND ($5::bigint = 0 OR p.treasurer_office_id = $5::bigint) OFFSET 0) rp "
        "CROSS JOIN LATERAL (SELECT * FROM payment_view pv WHERE pv.id = rp.id OFFSET 0) v "
        "ORDER BY v.received_date, v.cashier_id, v.id LIMIT 20000",
    /* ($1 region, $2 office, $3 cashier, $4 day, $5 collected, $6 cash collected, $7 expected,
     * $8 counted, $9 reason, $10 at) */
    [PD_STMT_CASH_CLOSE_INSERT] =
        "INSERT INTO cash_closes (region_id, office_id, cashier_id, day, collected, "
        "cash_collected, expected, counted, reason, closed_at) VALUES ($1::bigint, $2::bigint, "
        "$3::bigint, $4::date, $5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::text, "
        "ms_to_ts($10::bigint)) RETURNING (SELECT row_to_json(v)::text FROM (SELECT "
        "cash_closes.id, $1::bigint AS region_id, $2::bigint AS office_id, $3::bigint AS "
        "cashier_id, (SELECT name FROM users WHERE id = $3::bigint) AS cashier_name, "
        "to_char($4::date, 'YYYY-MM-DD') AS day, $5::bigint AS collected, $6::bigint AS "
        "cash_collected, $7::bigint AS expected, $8::bigint AS counted, $8::bigint - $7::bigint "
        "AS difference, $9::text AS reason, $10::bigint AS closed_at_ms) v)",
    /* Closes of office $1 (0: any) and cashier $2 (0: any) in region $3; $4 differences only. */
    [PD_STMT_CASH_CLOSES_LIST] =
        "SELECT row_to_json(v)::text FROM cash_close_view v WHERE v.region_id = $3::bigint "
        "AND ($1::bigint = 0 OR v.office_id = $1::bigint) "
        "AND ($2::bigint = 0 OR v.cashier_id = $2::bigint) "
        "AND (NOT $4::boolean OR v.difference <> 0) ORDER BY v.day DESC, v.id DESC LIMIT 500",
    /* Treasurer office $1's validated, unconfirmed deposits, locked. */
    [PD_STMT_BANK_DEPOSITS] =
        "SELECT d.id, v.bank_reference, d.total, (SELECT row_to_json(dv)::text FROM deposit_view "
        "dv WHERE dv.id = d.id) FROM deposits d JOIN deposit_validations v ON v.deposit_id = d.id "
        "WHERE d.treasurer_office_id = $1::bigint AND NOT EXISTS (SELECT 1 FROM confirmations c "
        "WHERE c.deposit_id = d.id) ORDER BY d.id FOR UPDATE OF d",
    /* Treasurer office $1's standing, unconfirmed transfer and QRIS payments, locked. */
    [PD_STMT_BANK_PAYMENTS] =
        "SELECT p.id, p.reference, p.amount, (SELECT row_to_json(pv)::text FROM payment_view pv "
        "WHERE pv.id = p.id) FROM payments p WHERE p.treasurer_office_id = $1::bigint "
        "AND p.method <> 'CASH' AND NOT EXISTS (SELECT 1 FROM payment_reversals x "
        "WHERE x.payment_id = p.id) AND NOT EXISTS (SELECT 1 FROM confirmations c "
        "WHERE c.payment_id = p.id) ORDER BY p.id FOR UPDATE OF p",
    [PD_STMT_CONF_LIST] =
        "SELECT row_to_json(v)::text FROM confirmation_view v WHERE v.id = ANY ($1::bigint[]) "
        "ORDER BY v.id",
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
