-- 0003_calendar_catalog.sql: the working-day calendar (closed days, national and per region) and
-- the service catalog of each region, versioned so that a file keeps the version it was taken in
-- under.

-- ---------------------------------------------------------------------------------------------
-- Calendar

CREATE TYPE closed_day_kind AS ENUM ('NATIONAL_HOLIDAY', 'CUTI_BERSAMA', 'REGIONAL_HOLIDAY');

-- Days that are not working days besides weekends. region_id NULL: national (from the joint
-- ministerial decree, the same for every region); otherwise a day of that region only.
CREATE TABLE closed_days (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day        date NOT NULL,
    kind       closed_day_kind NOT NULL,
    name       text NOT NULL CHECK (name <> ''),
    region_id  bigint REFERENCES regions,
    created_at timestamptz NOT NULL,
    created_by bigint REFERENCES users,
    CHECK ((kind = 'REGIONAL_HOLIDAY') = (region_id IS NOT NULL))
);
CREATE UNIQUE INDEX closed_days_national ON closed_days (day) WHERE region_id IS NULL;
CREATE UNIQUE INDEX closed_days_regional ON closed_days (day, region_id) WHERE region_id IS NOT NULL;

-- Cuti bersama close the counters unless the region keeps them open (domain.md).
ALTER TABLE regions ADD COLUMN cuti_bersama_open boolean NOT NULL DEFAULT false;

-- The closed days of a region between two dates, as the deadline arithmetic wants them.
CREATE FUNCTION region_closed_days(p_region bigint, p_from date, p_to date)
RETURNS TABLE (day date) LANGUAGE sql STABLE AS $$
    SELECT DISTINCT c.day FROM closed_days c JOIN regions r ON r.id = p_region
    WHERE c.day BETWEEN p_from AND p_to
      AND (c.region_id IS NULL OR c.region_id = p_region)
      AND NOT (c.kind = 'CUTI_BERSAMA' AND r.cuti_bersama_open)
    ORDER BY c.day
$$;

-- ---------------------------------------------------------------------------------------------
-- Catalog

CREATE TYPE service_kind AS ENUM ('STRUCTURED', 'UNSTRUCTURED');
CREATE TYPE survey_policy AS ENUM ('REQUIRED', 'CAMAT_CHOICE', 'NONE');
CREATE TYPE issuing_authority AS ENUM ('CAMAT', 'FORWARDED');
CREATE TYPE fee_kind AS ENUM ('NONE', 'RETRIBUSI', 'PAJAK');
CREATE TYPE validity_unit AS ENUM ('NONE', 'YEARS', 'MONTHS', 'WORKING_DAYS');

-- A service of a region; its content lives in its versions. current_version is the one new files
-- are taken in under.
CREATE TABLE services (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id       bigint NOT NULL REFERENCES regions,
    code            text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    current_version integer NOT NULL DEFAULT 1,
    active          boolean NOT NULL DEFAULT true,
    UNIQUE (region_id, code)
);

-- One version of a service, never changed once written (a change is a new version).
--   requirements: [{"code": "ktp", "text": "Fotokopi KTP pemohon", "when": ""}], where "when" is ""
--                 (always), "represented" (the applicant is represented), or "field=value" (a
--                 choice field's value, e.g. "jenis_reklame=PERMANEN").
--   fields:       [{"name": "luas_bangunan", "label": "Luas bangunan", "type": "NUMBER",
--                   "unit": "m2", "required": true, "choices": [], "min": "0", "max": ""}],
--                 type one of NUMBER, TEXT, CHOICE, DATE, YES_NO; numbers as decimal strings.
--   criteria:     [{"rule": {...}, "reason": "..."}], rule being {"all": [...]}, {"any": [...]},
--                 {"not": rule} or {"field": "...", "op": "<=", "value": ...} (ops = != < <= > >=,
--                 and "in" with a list): the file is refused with the reason of the first
--                 criterion whose rule is false (server/pd_criteria.c).
CREATE TABLE service_versions (
    service_id            bigint NOT NULL REFERENCES services,
    version               integer NOT NULL CHECK (version >= 1),
    name                  text NOT NULL CHECK (name <> ''),
    kind                  service_kind NOT NULL,
    survey                survey_policy NOT NULL,
    authority             issuing_authority NOT NULL,
    forward_agency        text NOT NULL DEFAULT '',
    fee                   fee_kind NOT NULL,
    assessor_office_id    bigint REFERENCES offices,
    treasurer_office_id   bigint REFERENCES offices,
    deadline_working_days integer NOT NULL CHECK (deadline_working_days BETWEEN 1 AND 365),
    validity_unit         validity_unit NOT NULL DEFAULT 'NONE',
    validity_amount       integer NOT NULL DEFAULT 0 CHECK (validity_amount >= 0),
    legal_basis           text NOT NULL DEFAULT '',
    requirements          jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(requirements) = 'array'),
    fields                jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fields) = 'array'),
    criteria              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(criteria) = 'array'),
    created_at            timestamptz NOT NULL,
    created_by            bigint REFERENCES users,
    PRIMARY KEY (service_id, version),
    -- A fee names who assesses it and who receives the money; no fee names neither.
    CHECK ((fee = 'NONE') = (assessor_office_id IS NULL AND treasurer_office_id IS NULL)),
    CHECK (fee = 'NONE' OR (assessor_office_id IS NOT NULL AND treasurer_office_id IS NOT NULL)),
    CHECK ((authority = 'FORWARDED') = (forward_agency <> '')),
    CHECK ((validity_unit = 'NONE') = (validity_amount = 0)),
    CHECK (kind = 'STRUCTURED' OR survey = 'NONE')
);

-- Versions are written once.
CREATE TRIGGER service_versions_immutable BEFORE UPDATE OR DELETE ON service_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The current version of every service, as the catalog is read.
CREATE VIEW service_view AS
SELECT s.id, s.region_id, r.code AS region_code, s.code, s.active, v.version, v.name,
       v.kind::text AS kind, v.survey::text AS survey, v.authority::text AS authority,
       v.forward_agency, v.fee::text AS fee, coalesce(v.assessor_office_id, 0) AS assessor_office_id,
       coalesce(v.treasurer_office_id, 0) AS treasurer_office_id, v.deadline_working_days,
       v.validity_unit::text AS validity_unit, v.validity_amount, v.legal_basis,
       v.requirements::text AS requirements, v.fields::text AS fields,
       v.criteria::text AS criteria
FROM services s
JOIN regions r ON r.id = s.region_id
JOIN service_versions v ON v.service_id = s.id AND v.version = s.current_version;

GRANT SELECT ON closed_days, services, service_versions, service_view TO paten_app;
GRANT INSERT ON closed_days TO paten_app;
GRANT UPDATE (name, kind) ON closed_days TO paten_app;
GRANT UPDATE (cuti_bersama_open) ON regions TO paten_app;
GRANT INSERT, UPDATE (current_version, active) ON services TO paten_app;
GRANT INSERT ON service_versions TO paten_app;
