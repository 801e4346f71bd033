-- 0004_files.sql: applicants, files and their state machine, dispositions, the registers that
-- number every issued document without gaps, and the regions' document-signing keys.
--
-- The database is the last line of defence: a file can only move along its service kind's
-- transition table (checked by a trigger, whatever the path), every change bumps its version,
-- history, survey reports, meeting minutes and documents are insert-only, and a register's
-- counter can only advance by one with the document that used the number in the same
-- transaction.

-- ---------------------------------------------------------------------------------------------
-- Applicants

CREATE TYPE applicant_kind AS ENUM ('PERSON', 'ORGANIZATION');

CREATE TABLE applicants (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id        bigint NOT NULL REFERENCES regions,
    kind             applicant_kind NOT NULL,
    nik              text CHECK (nik ~ '^[0-9]{16}$'),
    nib              text CHECK (nib ~ '^[0-9]{13}$'),
    npwp             text CHECK (npwp ~ '^[0-9]{15,16}$'),
    responsible_nik  text CHECK (responsible_nik ~ '^[0-9]{16}$'),
    responsible_name text NOT NULL DEFAULT '',
    name             text NOT NULL CHECK (name <> ''),
    address          text NOT NULL DEFAULT '',
    phone            text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK (kind = 'ORGANIZATION' OR (nik IS NOT NULL AND nib IS NULL AND npwp IS NULL
                                     AND responsible_nik IS NULL)),
    CHECK (kind = 'PERSON' OR (nik IS NULL AND (nib IS NOT NULL OR npwp IS NOT NULL)
                               AND responsible_nik IS NOT NULL))
);
CREATE UNIQUE INDEX applicants_nik ON applicants (region_id, nik) WHERE nik IS NOT NULL;
CREATE UNIQUE INDEX applicants_nib ON applicants (region_id, nib) WHERE nib IS NOT NULL;
CREATE UNIQUE INDEX applicants_npwp ON applicants (region_id, npwp) WHERE npwp IS NOT NULL;
CREATE INDEX applicants_name ON applicants (region_id, lower(name));

-- ---------------------------------------------------------------------------------------------
-- Files and the transitions they may make

CREATE TYPE file_state AS ENUM ('RECEIVED', 'SURVEYED', 'RECOMMENDED', 'APPROVED', 'REJECTED',
    'AWAITING_ASSESSMENT', 'AWAITING_PAYMENT', 'PAID', 'SIGNED', 'HANDED_OVER', 'RETURNED',
    'WITHDRAWN', 'FORWARDED');

-- The allowed transitions per service kind (domain.md, "File states"). A NULL condition holds
-- for every file; otherwise the file's own has_fee, forwarded (the service is decided by an
-- agency) and survey_needed must equal it.
CREATE TABLE file_transitions (
    kind          service_kind NOT NULL,
    from_state    file_state NOT NULL,
    to_state      file_state NOT NULL,
    fee           boolean,
    forwarded     boolean,
    survey_needed boolean,
    UNIQUE NULLS NOT DISTINCT (kind, from_state, to_state, fee, forwarded, survey_needed)
);

INSERT INTO file_transitions (kind, from_state, to_state, fee, forwarded, survey_needed)
SELECT k::service_kind, f::file_state, t::file_state, fee, fwd, survey
FROM (VALUES
    -- The survey, for structured services only; skipped when the file needs none.
    ('STRUCTURED', 'RECEIVED', 'SURVEYED', NULL::boolean, NULL::boolean, NULL::boolean),
    ('STRUCTURED', 'RECEIVED', 'RECOMMENDED', NULL, NULL, false),
    ('STRUCTURED', 'SURVEYED', 'RECOMMENDED', NULL, NULL, NULL),
    ('UNSTRUCTURED', 'RECEIVED', 'RECOMMENDED', NULL, NULL, NULL)
) AS v (k, f, t, fee, fwd, survey)
UNION ALL
SELECT k::service_kind, f::file_state, t::file_state, fee, fwd, NULL::boolean
FROM (VALUES ('STRUCTURED'), ('UNSTRUCTURED')) AS kinds (k)
CROSS JOIN (VALUES
    -- The Camat decides...
    ('RECOMMENDED', 'APPROVED', NULL::boolean, false::boolean),
    ('RECOMMENDED', 'REJECTED', NULL, false),
    -- ...or the agency does, and its outcome is recorded.
    ('RECOMMENDED', 'FORWARDED', NULL, true),
    ('FORWARDED', 'APPROVED', NULL, true),
    ('FORWARDED', 'REJECTED', NULL, true),
    ('APPROVED', 'HANDED_OVER', NULL, true),
    -- A fee: assessed (DPMPTSP or BAPENDA), paid, then signed.
    ('APPROVED', 'AWAITING_ASSESSMENT', true, false),
    ('AWAITING_ASSESSMENT', 'AWAITING_PAYMENT', true, false),
    ('AWAITING_PAYMENT', 'PAID', true, false),
    ('PAID', 'SIGNED', true, false),
    -- No fee: signed once approved.
    ('APPROVED', 'SIGNED', false, false),
    ('SIGNED', 'HANDED_OVER', NULL, false)
) AS v (f, t, fee, fwd)
UNION ALL
-- Back to the applicant for documents (and back again to where it was: files.resumes_to).
SELECT k::service_kind, f::file_state, t::file_state, NULL::boolean, NULL::boolean, NULL::boolean
FROM (VALUES ('STRUCTURED'), ('UNSTRUCTURED')) AS kinds (k)
CROSS JOIN (VALUES ('RECEIVED'), ('SURVEYED'), ('RECOMMENDED'), ('FORWARDED')) AS s (x)
CROSS JOIN LATERAL (VALUES (s.x, 'RETURNED'), ('RETURNED', s.x)) AS v (f, t)
UNION ALL
-- Withdrawn by the applicant before it is paid for or signed (a paid file would need a refund,
-- which the payment procedures decide).
SELECT k::service_kind, f::file_state, 'WITHDRAWN'::file_state, NULL::boolean, NULL::boolean,
    NULL::boolean
FROM (VALUES ('STRUCTURED'), ('UNSTRUCTURED')) AS kinds (k)
CROSS JOIN (VALUES ('RECEIVED'), ('SURVEYED'), ('RECOMMENDED'), ('APPROVED'),
    ('AWAITING_ASSESSMENT'), ('AWAITING_PAYMENT'), ('FORWARDED'), ('RETURNED')) AS v (f);
-- The unstructured rows may not survey.
DELETE FROM file_transitions WHERE kind = 'UNSTRUCTURED'
    AND (from_state = 'SURVEYED' OR to_state = 'SURVEYED');

CREATE TABLE files (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id               bigint NOT NULL REFERENCES regions,
    office_id               bigint NOT NULL REFERENCES offices,
    service_id              bigint NOT NULL,
    service_version         integer NOT NULL,
    -- Copied from the service version, for the transition trigger.
    kind                    service_kind NOT NULL,
    has_fee                 boolean NOT NULL,
    forwarded               boolean NOT NULL,
    survey_needed           boolean NOT NULL,
    applicant_id            bigint NOT NULL REFERENCES applicants,
    representative          jsonb CHECK (jsonb_typeof(representative) = 'object'),
    fields                  jsonb NOT NULL CHECK (jsonb_typeof(fields) = 'array'),
    requirements            jsonb NOT NULL CHECK (jsonb_typeof(requirements) = 'array'),
    register_number         text NOT NULL UNIQUE,
    state                   file_state NOT NULL,
    resumes_to              file_state,
    version                 bigint NOT NULL DEFAULT 1,
    received_at             timestamptz NOT NULL,
    deadline_at             timestamptz NOT NULL,
    deadline_working_days   integer NOT NULL,
    paused_working_days     integer NOT NULL DEFAULT 0 CHECK (paused_working_days >= 0),
    returned_at             timestamptz,
    returned_reason         text,
    returned_missing        jsonb,
    recommended_can_process boolean,
    recommendation_note     text,
    decision_reason         text,
    agency_document_number  text,
    sk_number               text UNIQUE,
    signed_at               timestamptz,
    signed_by               bigint REFERENCES users,
    signed_as               text,
    valid_until             date,
    handed_over_at          timestamptz,
    handed_to_name          text,
    handed_to_nik           text,
    withdrawn_reason        text,
    renewal_of              bigint REFERENCES files,
    created_by              bigint NOT NULL REFERENCES users,
    updated_at              timestamptz NOT NULL,
    FOREIGN KEY (service_id, service_version) REFERENCES service_versions,
    CHECK ((state = 'RETURNED') = (resumes_to IS NOT NULL)),
    CHECK (state <> 'RETURNED' OR returned_at IS NOT NULL),
    CHECK (state NOT IN ('SIGNED', 'HANDED_OVER') OR forwarded OR sk_number IS NOT NULL),
    CHECK (state <> 'REJECTED' OR decision_reason <> '')
);
CREATE INDEX files_office_state ON files (office_id, state);
CREATE INDEX files_office_received ON files (office_id, received_at DESC);
CREATE INDEX files_applicant ON files (applicant_id);
CREATE INDEX files_service ON files (service_id, received_at DESC);

-- Every change of a file goes through its transition table, bumps its version by exactly one,
-- and leaves what identifies it alone.
CREATE FUNCTION files_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'RECEIVED' OR NEW.version <> 1 THEN
            RAISE EXCEPTION 'a file starts RECEIVED at version 1' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.version <> OLD.version + 1 THEN
        RAISE EXCEPTION 'file %: version must go from % to %', OLD.id, OLD.version, OLD.version + 1
            USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.id, NEW.region_id, NEW.office_id, NEW.service_id, NEW.service_version, NEW.kind,
        NEW.has_fee, NEW.forwarded, NEW.applicant_id, NEW.register_number, NEW.received_at,
        NEW.created_by) IS DISTINCT FROM
       (OLD.id, OLD.region_id, OLD.office_id, OLD.service_id, OLD.service_version, OLD.kind,
        OLD.has_fee, OLD.forwarded, OLD.applicant_id, OLD.register_number, OLD.received_at,
        OLD.created_by) THEN
        RAISE EXCEPTION 'file %: what identifies a file never changes', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.state <> OLD.state THEN
        IF OLD.state = 'RETURNED' AND NEW.state <> 'WITHDRAWN' AND NEW.state <> OLD.resumes_to THEN
            RAISE EXCEPTION 'file %: a returned file resumes to %, not %', OLD.id, OLD.resumes_to,
                NEW.state USING ERRCODE = 'check_violation';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM file_transitions t
                       WHERE t.kind = NEW.kind AND t.from_state = OLD.state
                         AND t.to_state = NEW.state
                         AND (t.fee IS NULL OR t.fee = NEW.has_fee)
                         AND (t.forwarded IS NULL OR t.forwarded = NEW.forwarded)
                         AND (t.survey_needed IS NULL OR t.survey_needed = NEW.survey_needed)) THEN
            RAISE EXCEPTION 'file %: no transition from % to % for this service', OLD.id,
                OLD.state, NEW.state USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER files_guard BEFORE INSERT OR UPDATE ON files
    FOR EACH ROW EXECUTE FUNCTION files_guard();
CREATE TRIGGER files_no_delete BEFORE DELETE ON files
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The timeline: every transition and every act on the file.
CREATE TABLE file_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id    bigint NOT NULL REFERENCES files,
    at         timestamptz NOT NULL,
    action     text NOT NULL,
    from_state file_state,
    to_state   file_state,
    actor_id   bigint NOT NULL REFERENCES users,
    actor_name text NOT NULL,
    actor_as   text NOT NULL DEFAULT '',
    note       text NOT NULL DEFAULT ''
);
CREATE INDEX file_history_file ON file_history (file_id, id);
CREATE TRIGGER file_history_append_only BEFORE UPDATE OR DELETE ON file_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE file_surveys (
    file_id      bigint PRIMARY KEY REFERENCES files,
    day          date NOT NULL,
    team         jsonb NOT NULL CHECK (jsonb_typeof(team) = 'array'),
    findings     text NOT NULL CHECK (findings <> ''),
    measurements jsonb NOT NULL CHECK (jsonb_typeof(measurements) = 'array'),
    number       text NOT NULL,
    filed_by     bigint NOT NULL REFERENCES users,
    filed_at     timestamptz NOT NULL
);
CREATE TRIGGER file_surveys_append_only BEFORE UPDATE OR DELETE ON file_surveys
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE file_meetings (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id      bigint NOT NULL REFERENCES files,
    day          date NOT NULL,
    participants jsonb NOT NULL CHECK (jsonb_typeof(participants) = 'array'),
    minutes      text NOT NULL CHECK (minutes <> ''),
    decision     text NOT NULL DEFAULT '',
    number       text NOT NULL,
    filed_by     bigint NOT NULL REFERENCES users,
    filed_at     timestamptz NOT NULL
);
CREATE INDEX file_meetings_file ON file_meetings (file_id);
CREATE TRIGGER file_meetings_append_only BEFORE UPDATE OR DELETE ON file_meetings
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Submissions refused at the counter for missing requirements: no file, but counted per service.
CREATE TABLE intake_returns (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id      bigint NOT NULL REFERENCES offices,
    service_id     bigint NOT NULL,
    service_version integer NOT NULL,
    applicant_name text NOT NULL,
    missing        jsonb NOT NULL CHECK (jsonb_typeof(missing) = 'array'),
    number         text NOT NULL,
    at             timestamptz NOT NULL,
    by_user        bigint NOT NULL REFERENCES users,
    FOREIGN KEY (service_id, service_version) REFERENCES service_versions
);
CREATE TRIGGER intake_returns_append_only BEFORE UPDATE OR DELETE ON intake_returns
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- ---------------------------------------------------------------------------------------------
-- Dispositions

CREATE TABLE dispositions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id      bigint NOT NULL REFERENCES files,
    office_id    bigint NOT NULL REFERENCES offices,
    from_user    bigint NOT NULL REFERENCES users,
    from_as      text NOT NULL DEFAULT '',
    to_user      bigint REFERENCES users,     -- the addressee, or who claimed a role's one
    to_role      user_role,                   -- addressed to a role at office_id
    instruction  text NOT NULL CHECK (instruction <> ''),
    due_at       timestamptz NOT NULL,
    created_at   timestamptz NOT NULL,
    read_at      timestamptz,
    completed_at timestamptz,
    response     text,
    version      bigint NOT NULL DEFAULT 1,
    CHECK (to_user IS NOT NULL OR to_role IS NOT NULL),
    CHECK (completed_at IS NULL OR (read_at IS NOT NULL AND to_user IS NOT NULL
                                    AND response <> ''))
);
CREATE INDEX dispositions_to_user ON dispositions (to_user) WHERE completed_at IS NULL;
CREATE INDEX dispositions_to_role ON dispositions (office_id, to_role)
    WHERE completed_at IS NULL AND to_user IS NULL;
CREATE INDEX dispositions_file ON dispositions (file_id, id);

-- A disposition only moves forward: read, claimed once, completed once.
CREATE FUNCTION dispositions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version <> OLD.version + 1
       OR (NEW.id, NEW.file_id, NEW.office_id, NEW.from_user, NEW.from_as, NEW.to_role,
           NEW.instruction, NEW.due_at, NEW.created_at) IS DISTINCT FROM
          (OLD.id, OLD.file_id, OLD.office_id, OLD.from_user, OLD.from_as, OLD.to_role,
           OLD.instruction, OLD.due_at, OLD.created_at)
       OR (OLD.to_user IS NOT NULL AND NEW.to_user IS DISTINCT FROM OLD.to_user)
       OR (OLD.read_at IS NOT NULL AND NEW.read_at IS DISTINCT FROM OLD.read_at)
       OR OLD.completed_at IS NOT NULL THEN
        RAISE EXCEPTION 'disposition %: only read, claimed and completed, once each', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER dispositions_guard BEFORE UPDATE ON dispositions
    FOR EACH ROW EXECUTE FUNCTION dispositions_guard();
CREATE TRIGGER dispositions_no_delete BEFORE DELETE ON dispositions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- ---------------------------------------------------------------------------------------------
-- Registers and documents

CREATE TYPE document_kind AS ENUM ('RECEIPT', 'RETURN_SLIP', 'SURVEY_REPORT', 'MEETING_MINUTES',
    'REJECTION_LETTER', 'DECREE');

-- How a region writes its numbers: {no} the 4-digit sequence, {series} the register's series (a
-- DECREE's service code), {office} the office code, {year}; upper case. Without a row, the
-- default of register_format().
CREATE TABLE register_formats (
    region_id bigint NOT NULL REFERENCES regions,
    kind      document_kind NOT NULL,
    format    text NOT NULL CHECK (format LIKE '%{no}%'),
    PRIMARY KEY (region_id, kind)
);

-- One counter per office, kind, series and year: the last number issued.
CREATE TABLE registers (
    office_id bigint NOT NULL REFERENCES offices,
    kind      document_kind NOT NULL,
    series    text NOT NULL DEFAULT '',
    year      integer NOT NULL,
    last_no   integer NOT NULL CHECK (last_no >= 1),
    PRIMARY KEY (office_id, kind, series, year)
);

-- Every number issued, with the document it is on.
CREATE TABLE documents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_id      bigint NOT NULL REFERENCES offices,
    kind           document_kind NOT NULL,
    series         text NOT NULL DEFAULT '',
    year           integer NOT NULL,
    seq            integer NOT NULL,
    number         text NOT NULL UNIQUE,
    file_id        bigint REFERENCES files,
    subject        text NOT NULL DEFAULT '',
    amount         bigint NOT NULL DEFAULT 0 CHECK (amount >= 0),
    issued_at      timestamptz NOT NULL,
    issued_date    date NOT NULL,
    issued_by      bigint NOT NULL REFERENCES users,
    issued_by_name text NOT NULL,
    signed_as      text NOT NULL DEFAULT '',
    key_id         text NOT NULL,
    verification   text NOT NULL,
    UNIQUE (office_id, kind, series, year, seq)
);
CREATE INDEX documents_file ON documents (file_id);
CREATE TRIGGER documents_append_only BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A voided document keeps its number; the void is a row of its own.
CREATE TABLE document_voids (
    document_id bigint PRIMARY KEY REFERENCES documents,
    reason      text NOT NULL CHECK (reason <> ''),
    voided_at   timestamptz NOT NULL,
    voided_by   bigint NOT NULL REFERENCES users
);
CREATE TRIGGER document_voids_append_only BEFORE UPDATE OR DELETE ON document_voids
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE FUNCTION register_format(p_region bigint, p_kind document_kind) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT format FROM register_formats WHERE region_id = p_region
                     AND kind = p_kind),
                    CASE p_kind
                        WHEN 'RECEIPT' THEN 'TT/{no}/KEC-{office}/{year}'
                        WHEN 'RETURN_SLIP' THEN 'PK/{no}/KEC-{office}/{year}'
                        WHEN 'SURVEY_REPORT' THEN 'BA/{no}/KEC-{office}/{year}'
                        WHEN 'MEETING_MINUTES' THEN 'BAR/{no}/KEC-{office}/{year}'
                        WHEN 'REJECTION_LETTER' THEN '503/{no}/TOLAK/KEC-{office}/{year}'
                        WHEN 'DECREE' THEN '503/{no}/{series}/KEC-{office}/{year}'
                    END)
$$;

-- Takes the next number of a register (the counter row stays locked until the transaction
-- ends, so concurrent takers queue and a rolled-back take leaves no gap) and formats it.
CREATE FUNCTION take_number(p_office bigint, p_kind document_kind, p_series text, p_year integer,
                            OUT seq integer, OUT number text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    o offices;
BEGIN
    SELECT * INTO STRICT o FROM offices WHERE id = p_office;
    INSERT INTO registers AS r (office_id, kind, series, year, last_no)
    VALUES (p_office, p_kind, p_series, p_year, 1)
    ON CONFLICT (office_id, kind, series, year) DO UPDATE SET last_no = r.last_no + 1
    RETURNING r.last_no INTO seq;
    number := replace(replace(replace(replace(register_format(o.region_id, p_kind),
        '{no}', lpad(seq::text, 4, '0')), '{series}', upper(p_series)),
        '{office}', upper(o.code)), '{year}', p_year::text);
END $$;

-- At commit, each register's last number is on a document: a number taken and not used would
-- be a gap, so such a transaction fails.
CREATE FUNCTION registers_used() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM documents d WHERE d.office_id = NEW.office_id
                   AND d.kind = NEW.kind AND d.series = NEW.series AND d.year = NEW.year
                   AND d.seq = NEW.last_no) THEN
        RAISE EXCEPTION 'register %/%/%/%: number % taken but not issued', NEW.office_id,
            NEW.kind, NEW.series, NEW.year, NEW.last_no USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER registers_used AFTER INSERT OR UPDATE ON registers
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registers_used();
CREATE FUNCTION registers_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_no <> OLD.last_no + 1 OR (NEW.office_id, NEW.kind, NEW.series, NEW.year) IS
       DISTINCT FROM (OLD.office_id, OLD.kind, OLD.series, OLD.year) THEN
        RAISE EXCEPTION 'a register only advances by one' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER registers_forward BEFORE UPDATE ON registers
    FOR EACH ROW EXECUTE FUNCTION registers_forward();
CREATE TRIGGER registers_no_delete BEFORE DELETE ON registers
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- ---------------------------------------------------------------------------------------------
-- Document-signing keys: one active Ed25519 key per region. The secret key is readable by
-- patend's role only (docs/deployment.md says how to guard the database accordingly).

CREATE TABLE signing_keys (
    key_id     text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{8}$'),
    region_id  bigint NOT NULL REFERENCES regions,
    public_key bytea NOT NULL CHECK (length(public_key) = 32),
    secret_key bytea NOT NULL CHECK (length(secret_key) = 64),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (region_id) WHERE active;
CREATE TRIGGER signing_keys_no_delete BEFORE DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- ---------------------------------------------------------------------------------------------
-- Grants

GRANT SELECT ON applicants, file_transitions, files, file_history, file_surveys, file_meetings,
    intake_returns, dispositions, register_formats, registers, documents, document_voids,
    signing_keys TO paten_app;
GRANT INSERT, UPDATE (kind, responsible_nik, responsible_name, name, address, phone, nib, npwp,
    updated_at) ON applicants TO paten_app;
GRANT INSERT, UPDATE (survey_needed, representative, requirements, state, resumes_to, version,
    deadline_at, paused_working_days, returned_at, returned_reason, returned_missing,
    recommended_can_process, recommendation_note, decision_reason, agency_document_number,
    sk_number, signed_at, signed_by, signed_as, valid_until, handed_over_at, handed_to_name,
    handed_to_nik, withdrawn_reason, updated_at) ON files TO paten_app;
GRANT INSERT ON file_history, file_surveys, file_meetings, intake_returns, documents,
    document_voids, signing_keys TO paten_app;
GRANT INSERT, UPDATE (to_user, read_at, completed_at, response, version) ON dispositions
    TO paten_app;
GRANT EXECUTE ON FUNCTION take_number(bigint, document_kind, text, integer) TO paten_app;
GRANT USAGE ON SEQUENCE files_id_seq, dispositions_id_seq TO paten_app;

-- ---------------------------------------------------------------------------------------------
-- Reading files as the protocol shows them

-- Finds the applicant by any of its numbers (locking it) and updates it, or creates it; returns
-- its id. Two desks taking in the first file of the same new applicant at once both end with the
-- one row: the loser of the insert race finds the winner's row and updates it.
CREATE FUNCTION applicant_upsert(p_region bigint, p_kind applicant_kind, p_nik text, p_nib text,
                                 p_npwp text, p_responsible_nik text, p_responsible_name text,
                                 p_name text, p_address text, p_phone text, p_at timestamptz)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    found_id bigint;
BEGIN
    FOR attempt IN 1..3 LOOP
        SELECT id INTO found_id FROM applicants
        WHERE region_id = p_region AND (nik = p_nik OR nib = p_nib OR npwp = p_npwp)
        ORDER BY id LIMIT 1 FOR UPDATE;
        IF found_id IS NOT NULL THEN
            UPDATE applicants SET name = p_name, address = p_address, phone = p_phone,
                responsible_nik = coalesce(p_responsible_nik, responsible_nik),
                responsible_name = CASE WHEN p_responsible_name <> '' THEN p_responsible_name
                                        ELSE responsible_name END,
                nib = coalesce(nib, p_nib), npwp = coalesce(npwp, p_npwp), updated_at = p_at
            WHERE id = found_id;
            RETURN found_id;
        END IF;
        BEGIN
            INSERT INTO applicants (region_id, kind, nik, nib, npwp, responsible_nik,
                                    responsible_name, name, address, phone, created_at, updated_at)
            VALUES (p_region, p_kind, p_nik, p_nib, p_npwp, p_responsible_nik, p_responsible_name,
                    p_name, p_address, p_phone, p_at, p_at)
            RETURNING id INTO found_id;
            RETURN found_id;
        EXCEPTION WHEN unique_violation THEN
            NULL; -- someone else created it meanwhile: find it on the next round
        END;
    END LOOP;
    RAISE EXCEPTION 'applicant % % %: could not be created or found', p_nik, p_nib, p_npwp
        USING ERRCODE = 'serialization_failure';
END $$;

CREATE VIEW file_summary_view AS
SELECT f.id, f.version, f.register_number, o.code AS office_code, s.code AS service_code,
       sv.name AS service_name, a.name AS applicant_name, f.state::text AS state,
       ts_to_ms(f.received_at) AS received_at_ms, ts_to_ms(f.deadline_at) AS deadline_at_ms,
       ts_to_ms(f.updated_at) AS updated_at_ms,
       f.office_id, f.region_id, f.service_id, f.applicant_id, f.received_at
FROM files f
JOIN offices o ON o.id = f.office_id
JOIN services s ON s.id = f.service_id
JOIN service_versions sv ON sv.service_id = f.service_id AND sv.version = f.service_version
JOIN applicants a ON a.id = f.applicant_id;

CREATE VIEW file_view AS
SELECT f.id, f.version, f.register_number, f.office_id, o.code AS office_code,
       o.name AS office_name, f.service_id, f.service_version, s.code AS service_code,
       sv.name AS service_name, f.kind::text AS kind, sv.survey::text AS survey_policy,
       sv.authority::text AS authority, sv.forward_agency, sv.fee::text AS fee,
       f.state::text AS state, coalesce(f.resumes_to::text, '') AS resumes_to,
       a.id AS applicant_id, a.kind::text AS applicant_kind, coalesce(a.nik, '') AS nik,
       coalesce(a.nib, '') AS nib, coalesce(a.npwp, '') AS npwp,
       coalesce(a.responsible_nik, '') AS responsible_nik, a.responsible_name,
       a.name AS applicant_name, a.address, a.phone,
       coalesce(f.representative::text, '') AS representative, f.fields::text AS fields,
       f.requirements::text AS requirements,
       ts_to_ms(f.received_at) AS received_at_ms, ts_to_ms(f.deadline_at) AS deadline_at_ms,
       f.deadline_working_days, f.paused_working_days,
       coalesce(ts_to_ms(f.returned_at), 0) AS returned_at_ms,
       coalesce(f.returned_reason, '') AS returned_reason,
       coalesce(f.returned_missing::text, '[]') AS returned_missing, f.survey_needed,
       coalesce((SELECT json_build_object('date', y.day, 'team', y.team, 'findings', y.findings,
                    'measurements', y.measurements, 'filed_by', u.name,
                    'filed_at_ms', ts_to_ms(y.filed_at), 'number', y.number)
                 FROM file_surveys y JOIN users u ON u.id = y.filed_by
                 WHERE y.file_id = f.id)::text, '') AS survey,
       coalesce((SELECT json_agg(json_build_object('date', m.day,
                    'participants', m.participants, 'minutes', m.minutes,
                    'decision', m.decision, 'filed_by', u.name,
                    'filed_at_ms', ts_to_ms(m.filed_at), 'number', m.number) ORDER BY m.id)
                 FROM file_meetings m JOIN users u ON u.id = m.filed_by
                 WHERE m.file_id = f.id)::text, '[]') AS meetings,
       coalesce(f.recommended_can_process, false) AS recommended_can_process,
       coalesce(f.recommendation_note, '') AS recommendation_note,
       coalesce(f.decision_reason, '') AS decision_reason,
       coalesce(f.agency_document_number, '') AS agency_document_number,
       coalesce(f.sk_number, '') AS sk_number, coalesce(ts_to_ms(f.signed_at), 0) AS signed_at_ms,
       coalesce(signer.name, '') AS signed_by_name, coalesce(f.signed_as, '') AS signed_as,
       coalesce(to_char(f.valid_until, 'YYYY-MM-DD'), '') AS valid_until,
       coalesce(ts_to_ms(f.handed_over_at), 0) AS handed_over_at_ms,
       coalesce(f.handed_to_name, '') AS handed_to_name,
       coalesce(f.withdrawn_reason, '') AS withdrawn_reason,
       coalesce(f.renewal_of, 0) AS renewal_of, coalesce(prev.register_number, '') AS renewal_of_number,
       coalesce((SELECT json_agg(json_build_object('kind', d.kind, 'number', d.number,
                    'issued_at_ms', ts_to_ms(d.issued_at), 'issued_date', d.issued_date,
                    'amount', d.amount, 'verification', d.verification,
                    'signed_by', d.issued_by_name, 'signed_as', d.signed_as,
                    'voided', coalesce(v.reason, '')) ORDER BY d.id)
                 FROM documents d LEFT JOIN document_voids v ON v.document_id = d.id
                 WHERE d.file_id = f.id)::text, '[]') AS documents,
       ts_to_ms(f.updated_at) AS updated_at_ms, f.region_id, f.has_fee, f.forwarded
FROM files f
JOIN offices o ON o.id = f.office_id
JOIN services s ON s.id = f.service_id
JOIN service_versions sv ON sv.service_id = f.service_id AND sv.version = f.service_version
JOIN applicants a ON a.id = f.applicant_id
LEFT JOIN users signer ON signer.id = f.signed_by
LEFT JOIN files prev ON prev.id = f.renewal_of;

CREATE VIEW disposition_view AS
SELECT d.id, d.version, d.file_id, f.register_number, sv.name AS service_name,
       a.name AS applicant_name, f.state::text AS file_state, d.from_user, fu.name AS from_name,
       d.from_as, coalesce(d.to_user, 0) AS to_user, coalesce(tu.name, '') AS to_name,
       coalesce(d.to_role::text, '') AS to_role, d.office_id, d.instruction,
       ts_to_ms(d.due_at) AS due_ms, ts_to_ms(d.created_at) AS created_ms,
       coalesce(ts_to_ms(d.read_at), 0) AS read_ms,
       coalesce(ts_to_ms(d.completed_at), 0) AS completed_ms, coalesce(d.response, '') AS response,
       f.region_id, d.to_role AS to_role_enum, d.completed_at, d.due_at
FROM dispositions d
JOIN files f ON f.id = d.file_id
JOIN service_versions sv ON sv.service_id = f.service_id AND sv.version = f.service_version
JOIN applicants a ON a.id = f.applicant_id
JOIN users fu ON fu.id = d.from_user
LEFT JOIN users tu ON tu.id = d.to_user;

GRANT SELECT ON file_summary_view, file_view, disposition_view TO paten_app;
GRANT EXECUTE ON FUNCTION applicant_upsert(bigint, applicant_kind, text, text, text, text, text,
    text, text, text, timestamptz) TO paten_app;

-- A forwarded service's fee, if any, is the agency's to collect: the kecamatan's cashier never
-- takes money for a decision it does not make.
ALTER TABLE service_versions ADD CONSTRAINT service_versions_forwarded_free
    CHECK (authority <> 'FORWARDED' OR fee = 'NONE');
