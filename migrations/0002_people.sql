-- 0002_people.sql: regions, offices, users and their roles, Camat delegations, sessions, the
-- hash-chained audit log, the event outbox and idempotency keys.
--
-- Business times (created_at, valid_from, last_seen_at, ...) are always written by patend from its
-- clock, never defaulted from now(): tests move that clock.

-- ---------------------------------------------------------------------------------------------
-- Time: patend passes business times as Unix milliseconds.

CREATE FUNCTION ms_to_ts(ms bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT to_timestamp(ms / 1000.0)
$$;
CREATE FUNCTION ts_to_ms(ts timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT (extract(epoch FROM ts) * 1000)::bigint
$$;

-- ---------------------------------------------------------------------------------------------
-- Regions and offices

CREATE TABLE regions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    name       text NOT NULL CHECK (name <> ''),
    time_zone  text NOT NULL CHECK (time_zone IN ('Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura')),
    created_at timestamptz NOT NULL
);

CREATE TYPE office_kind AS ENUM ('KECAMATAN', 'DPMPTSP', 'BAPENDA', 'UPPU', 'PEMDA');

CREATE TABLE offices (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id  bigint NOT NULL REFERENCES regions,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    name       text NOT NULL CHECK (name <> ''),
    kind       office_kind NOT NULL,
    opens      time NOT NULL DEFAULT '08:00',
    closes     time NOT NULL DEFAULT '16:00' CHECK (closes > opens),
    created_at timestamptz NOT NULL
);
CREATE INDEX offices_region ON offices (region_id);
-- One PEMDA office per region: it holds the region-wide roles.
CREATE UNIQUE INDEX offices_one_pemda ON offices (region_id) WHERE kind = 'PEMDA';

-- ---------------------------------------------------------------------------------------------
-- Users and roles

CREATE TYPE user_role AS ENUM ('LOKET', 'CAMAT', 'SEKRETARIAT', 'TIM_TEKNIS', 'KASIR',
    'PETUGAS_SKRD', 'PETUGAS_PAJAK', 'BENDAHARA', 'PIMPINAN', 'AUDITOR', 'ADMIN');

-- Where each role may be held (domain.md, "Offices and people").
CREATE TABLE role_office_kinds (
    role user_role NOT NULL,
    kind office_kind NOT NULL,
    PRIMARY KEY (role, kind)
);
INSERT INTO role_office_kinds (role, kind)
SELECT r::user_role, k::office_kind FROM (VALUES
    ('LOKET', 'KECAMATAN'), ('CAMAT', 'KECAMATAN'), ('SEKRETARIAT', 'KECAMATAN'),
    ('KASIR', 'KECAMATAN'), ('TIM_TEKNIS', 'KECAMATAN'), ('TIM_TEKNIS', 'UPPU'),
    ('PETUGAS_SKRD', 'DPMPTSP'), ('PETUGAS_PAJAK', 'BAPENDA'),
    ('BENDAHARA', 'DPMPTSP'), ('BENDAHARA', 'BAPENDA'), ('ADMIN', 'PEMDA'),
    ('PIMPINAN', 'KECAMATAN'), ('PIMPINAN', 'DPMPTSP'), ('PIMPINAN', 'BAPENDA'),
    ('PIMPINAN', 'UPPU'), ('PIMPINAN', 'PEMDA'),
    ('AUDITOR', 'KECAMATAN'), ('AUDITOR', 'DPMPTSP'), ('AUDITOR', 'BAPENDA'),
    ('AUDITOR', 'UPPU'), ('AUDITOR', 'PEMDA')
) AS t (r, k);

CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id            bigint NOT NULL REFERENCES offices,
    username             text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{2,63}$'),
    nip                  text UNIQUE CHECK (nip ~ '^[0-9]{18}$'),
    name                 text NOT NULL CHECK (name <> ''),
    active               boolean NOT NULL DEFAULT true,
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT false,
    failed_logins        integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until         timestamptz,
    version              bigint NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX users_office ON users (office_id);

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
    role    user_role NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- A role may only be held at an office of a kind it belongs to.
CREATE FUNCTION user_roles_check_office() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users u JOIN offices o ON o.id = u.office_id
                   JOIN role_office_kinds rk ON rk.kind = o.kind AND rk.role = NEW.role
                   WHERE u.id = NEW.user_id) THEN
        RAISE EXCEPTION 'role % cannot be held at this office', NEW.role
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER user_roles_check_office BEFORE INSERT OR UPDATE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION user_roles_check_office();

-- A user with office, region and roles, as patend reads it (never the password hash).
CREATE VIEW user_view AS
SELECT u.id, u.username, coalesce(u.nip, '') AS nip, u.name, u.active, u.must_change_password,
       u.version, coalesce(ts_to_ms(u.locked_until), 0) AS locked_until_ms,
       o.id AS office_id, o.code AS office_code, o.name AS office_name, o.kind::text AS office_kind,
       to_char(o.opens, 'HH24:MI') AS opens, to_char(o.closes, 'HH24:MI') AS closes,
       r.id AS region_id, r.code AS region_code, r.name AS region_name, r.time_zone,
       coalesce((SELECT string_agg(ur.role::text, ',' ORDER BY ur.role)
                 FROM user_roles ur WHERE ur.user_id = u.id), '') AS roles
FROM users u
JOIN offices o ON o.id = u.office_id
JOIN regions r ON r.id = o.region_id;

-- What the audit log records of a user, before and after a change.
CREATE FUNCTION user_snapshot(p_id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', v.id, 'username', v.username, 'nip', v.nip, 'name', v.name,
                              'office', v.office_code, 'roles', v.roles, 'active', v.active,
                              'must_change_password', v.must_change_password,
                              'version', v.version)
    FROM user_view v WHERE v.id = p_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Delegation of the Camat's role (Plh/Plt)

CREATE TYPE delegation_kind AS ENUM ('PLH', 'PLT');

CREATE TABLE delegations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id      bigint NOT NULL REFERENCES offices,
    role           user_role NOT NULL CHECK (role = 'CAMAT'),
    kind           delegation_kind NOT NULL,
    from_user_id   bigint NOT NULL REFERENCES users,
    to_user_id     bigint NOT NULL REFERENCES users,
    valid_from     timestamptz NOT NULL,
    valid_until    timestamptz NOT NULL,
    reason         text NOT NULL CHECK (reason <> ''),
    created_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    ended_by       bigint REFERENCES users,
    end_reason     text,
    CHECK (valid_until > valid_from),
    CHECK (from_user_id <> to_user_id)
);
CREATE INDEX delegations_to ON delegations (to_user_id);
CREATE INDEX delegations_office ON delegations (office_id);

CREATE VIEW delegation_view AS
SELECT d.id, d.role::text AS role, d.kind::text AS kind, d.from_user_id, f.name AS from_name,
       d.to_user_id, t.name AS to_name, ts_to_ms(d.valid_from) AS valid_from_ms,
       ts_to_ms(d.valid_until) AS valid_until_ms, d.reason,
       coalesce(ts_to_ms(d.ended_at), 0) AS ended_at_ms, d.office_id
FROM delegations d
JOIN users f ON f.id = d.from_user_id
JOIN users t ON t.id = d.to_user_id;

-- ---------------------------------------------------------------------------------------------
-- Sessions: random 256-bit tokens, stored as their SHA-256 only.

CREATE TABLE sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       bigint NOT NULL REFERENCES users,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    ended_at      timestamptz,
    ended_reason  text,
    client        text NOT NULL DEFAULT '',
    peer          text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_open ON sessions (user_id) WHERE ended_at IS NULL;

-- ---------------------------------------------------------------------------------------------
-- The audit log: one append-only row per change, hash-chained per office.
--
-- Each office's rows form a chain: seq 1, 2, 3, ... with prev_hash the hash of the row before
-- (32 zero bytes for the first) and hash = SHA-256(prev_hash || the row's canonical text). An
-- edited row no longer matches its hash; a deleted one breaks the seq and prev_hash links; a
-- deleted last row disagrees with audit_heads. The chain is per office so that offices never wait
-- on each other: appending locks only the office's head row.

CREATE TABLE audit_log (
    office_id    bigint NOT NULL REFERENCES offices,
    seq          bigint NOT NULL,
    at           timestamptz NOT NULL,
    actor_id     bigint REFERENCES users,
    on_behalf_of text NOT NULL DEFAULT '',
    connection   text NOT NULL DEFAULT '',
    action       text NOT NULL CHECK (action <> ''),
    entity       text NOT NULL DEFAULT '',
    entity_id    text NOT NULL DEFAULT '',
    before       jsonb,
    after        jsonb,
    prev_hash    bytea NOT NULL,
    hash         bytea NOT NULL,
    PRIMARY KEY (office_id, seq)
);

CREATE TABLE audit_heads (
    office_id bigint PRIMARY KEY REFERENCES offices,
    seq       bigint NOT NULL,
    hash      bytea NOT NULL
);

-- The text a row's hash covers. jsonb renders canonically, timestamps as microseconds since the
-- epoch, and each field is length-prefixed so that no two rows can render alike.
CREATE FUNCTION audit_canonical(a audit_log) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(concat_ws(E'\x1f',
        a.office_id::text, a.seq::text,
        (extract(epoch FROM a.at) * 1000000)::bigint::text,
        coalesce(a.actor_id::text, ''),
        length(a.on_behalf_of)::text || ':' || a.on_behalf_of,
        length(a.connection)::text || ':' || a.connection,
        length(a.action)::text || ':' || a.action,
        length(a.entity)::text || ':' || a.entity,
        length(a.entity_id)::text || ':' || a.entity_id,
        coalesce(a.before::text, 'null'),
        coalesce(a.after::text, 'null')), 'UTF8')
$$;

-- Chains every new row. SECURITY DEFINER: patend's role may insert audit rows but never touch the
-- heads itself.
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    h audit_heads;
BEGIN
    INSERT INTO audit_heads (office_id, seq, hash)
    VALUES (NEW.office_id, 0, '\x0000000000000000000000000000000000000000000000000000000000000000')
    ON CONFLICT (office_id) DO NOTHING;
    SELECT * INTO h FROM audit_heads WHERE office_id = NEW.office_id FOR UPDATE;
    NEW.seq := h.seq + 1;
    NEW.prev_hash := h.hash;
    NEW.hash := sha256(NEW.prev_hash || audit_canonical(NEW));
    UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash WHERE office_id = NEW.office_id;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain();

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Every broken link, first per office first. Problems: a seq gap, a prev_hash that is not the hash
-- of the row before, a hash that does not match the row, a head that disagrees with the last row.
CREATE FUNCTION audit_verify() RETURNS TABLE (office_id bigint, rows bigint, broken_seq bigint,
                                              problem text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH chain AS (
        SELECT a.office_id, a.seq, a.prev_hash, a.hash,
               sha256(a.prev_hash || audit_canonical(a)) AS recomputed,
               lag(a.seq) OVER w AS prev_seq, lag(a.hash) OVER w AS prev_row_hash
        FROM audit_log a
        WINDOW w AS (PARTITION BY a.office_id ORDER BY a.seq)
    ), problems AS (
        SELECT c.office_id, c.seq,
               CASE
                 WHEN c.prev_seq IS NULL AND c.seq <> 1 THEN 'rows before seq ' || c.seq || ' are missing'
                 WHEN c.prev_seq IS NOT NULL AND c.seq <> c.prev_seq + 1 THEN
                      'rows ' || (c.prev_seq + 1) || ' to ' || (c.seq - 1) || ' are missing'
                 WHEN c.prev_seq IS NULL AND c.prev_hash <> '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                      THEN 'the first row does not start the chain'
                 WHEN c.prev_seq IS NOT NULL AND c.prev_hash <> c.prev_row_hash THEN
                      'prev_hash does not match the row before'
                 WHEN c.hash <> c.recomputed THEN 'the row was changed after it was written'
               END AS problem
        FROM chain c
        UNION ALL
        SELECT h.office_id, h.seq,
               'the last rows of the chain (up to seq ' || h.seq || ') are missing'
        FROM audit_heads h
        WHERE h.seq > coalesce((SELECT max(a.seq) FROM audit_log a WHERE a.office_id = h.office_id), 0)
           OR h.hash <> coalesce((SELECT a.hash FROM audit_log a WHERE a.office_id = h.office_id
                                  ORDER BY a.seq DESC LIMIT 1), h.hash)
    ), counts AS (
        SELECT o.id AS office_id,
               (SELECT count(*) FROM audit_log a WHERE a.office_id = o.id) AS rows
        FROM offices o
        WHERE EXISTS (SELECT 1 FROM audit_heads h WHERE h.office_id = o.id)
           OR EXISTS (SELECT 1 FROM audit_log a WHERE a.office_id = o.id)
    )
    SELECT c.office_id, c.rows,
           (SELECT p.seq FROM problems p WHERE p.office_id = c.office_id AND p.problem IS NOT NULL
            ORDER BY p.seq LIMIT 1),
           (SELECT p.problem FROM problems p WHERE p.office_id = c.office_id AND p.problem IS NOT NULL
            ORDER BY p.seq LIMIT 1)
    FROM counts c
    ORDER BY c.office_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Events: the outbox. Each change inserts its events in its own transaction; sequence numbers are
-- taken from a single counter row at the end of the transaction, so they are assigned in commit
-- order and a reader that has seen seq N has seen everything before N. NOTIFY wakes every patend.

CREATE TABLE event_counter (
    id  boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq bigint NOT NULL
);
INSERT INTO event_counter (seq) VALUES (0);

CREATE TABLE events (
    seq       bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    kind      text NOT NULL,
    region_id bigint REFERENCES regions,
    office_id bigint REFERENCES offices,
    roles     user_role[],           -- NULL: every role within the scope
    user_id   bigint REFERENCES users, -- set: only this user's sessions
    body      bytea NOT NULL          -- the serialised paten.Event (without its sequence)
);

-- Appends one event and wakes the listeners. Returns its sequence number.
CREATE FUNCTION emit_event(p_at timestamptz, p_kind text, p_region bigint, p_office bigint,
                           p_roles user_role[], p_user bigint, p_body bytea)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s bigint;
BEGIN
    UPDATE event_counter SET seq = seq + 1 RETURNING seq INTO s;
    INSERT INTO events (seq, at, kind, region_id, office_id, roles, user_id, body)
    VALUES (s, p_at, p_kind, p_region, p_office, p_roles, p_user, p_body);
    PERFORM pg_notify('paten_events', s::text);
    RETURN s;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Idempotency: the reply to every data-changing request, by (user, key), stored in the same
-- transaction as the change. A retry gets the stored reply; kept at least 7 days.

CREATE TABLE idempotency (
    user_id      bigint NOT NULL REFERENCES users,
    key          uuid NOT NULL,
    request_hash bytea NOT NULL,
    reply        bytea,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- ---------------------------------------------------------------------------------------------
-- Grants for patend's pool (paten_app): what it needs and nothing more.

GRANT SELECT ON regions, offices, role_office_kinds, users, user_roles, delegations, sessions,
    audit_log, audit_heads, events, event_counter, idempotency, user_view, delegation_view
    TO paten_app;
GRANT INSERT ON regions, offices TO paten_app;
GRANT INSERT, UPDATE (name, nip, active, password_hash, must_change_password, failed_logins,
    locked_until, version, updated_at, office_id) ON users TO paten_app;
GRANT INSERT, DELETE ON user_roles TO paten_app;
GRANT INSERT, UPDATE (ended_at, ended_by, end_reason) ON delegations TO paten_app;
GRANT INSERT, UPDATE (last_seen_at, ended_at, ended_reason) ON sessions TO paten_app;
GRANT INSERT ON audit_log TO paten_app;
GRANT INSERT, UPDATE (reply) ON idempotency TO paten_app;
-- Functions are executable by everyone unless revoked; the SECURITY DEFINER ones are not.
REVOKE EXECUTE ON FUNCTION emit_event(timestamptz, text, bigint, bigint, user_role[], bigint, bytea),
    audit_verify(), audit_chain() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION emit_event(timestamptz, text, bigint, bigint, user_role[], bigint, bytea),
    audit_verify() TO paten_app;
