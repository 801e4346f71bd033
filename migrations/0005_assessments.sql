-- 0005_assessments.sql: tariffs and interest regimes as versioned data per region, taxpayers
-- (NPWPD), assessments (SKRD by DPMPTSP, SKPD by BAPENDA) with their calculation trace, their
-- cancellations, and the bills of late interest (STRD / STPD). ../shared/domain.md, "Money rules".
--
-- Money is whole rupiah in bigint; rates and indices are exact decimals kept as text in the
-- tariffs' JSON and computed in C (common/paten_money.h), never as floating point. Everything
-- here is written once: a new tariff or regime is a new version, a wrong assessment is cancelled
-- (a row of its own) and replaced by a new one, and both stay in the register.

-- The new registers. A value added to an enum cannot be used in the transaction that adds it,
-- so nothing below names them as enum literals (register_format compares text).
ALTER TYPE document_kind ADD VALUE 'SKRD';
ALTER TYPE document_kind ADD VALUE 'SKPD';
ALTER TYPE document_kind ADD VALUE 'STRD';
ALTER TYPE document_kind ADD VALUE 'STPD';

CREATE OR REPLACE FUNCTION register_format(p_region bigint, p_kind document_kind) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT format FROM register_formats WHERE region_id = p_region
                     AND kind = p_kind),
                    CASE p_kind::text
                        WHEN 'RECEIPT' THEN 'TT/{no}/KEC-{office}/{year}'
                        WHEN 'RETURN_SLIP' THEN 'PK/{no}/KEC-{office}/{year}'
                        WHEN 'SURVEY_REPORT' THEN 'BA/{no}/KEC-{office}/{year}'
                        WHEN 'MEETING_MINUTES' THEN 'BAR/{no}/KEC-{office}/{year}'
                        WHEN 'REJECTION_LETTER' THEN '503/{no}/TOLAK/KEC-{office}/{year}'
                        WHEN 'DECREE' THEN '503/{no}/{series}/KEC-{office}/{year}'
                        WHEN 'SKRD' THEN '974/{no}/SKRD/{office}/{year}'
                        WHEN 'SKPD' THEN '973/{no}/SKPD/{office}/{year}'
                        WHEN 'STRD' THEN '974/{no}/STRD/{office}/{year}'
                        WHEN 'STPD' THEN '973/{no}/STPD/{office}/{year}'
                    END)
$$;

-- A cancelled assessment goes back to its assessing office for a replacement.
INSERT INTO file_transitions (kind, from_state, to_state, fee, forwarded, survey_needed)
SELECT k::service_kind, 'AWAITING_PAYMENT', 'AWAITING_ASSESSMENT', true, false, NULL
FROM (VALUES ('STRUCTURED'), ('UNSTRUCTURED')) AS kinds (k);

CREATE TYPE tariff_formula AS ENUM ('IMB', 'HO', 'BURIAL', 'REKLAME_CHARGE', 'REKLAME_TAX');
CREATE TYPE rounding_mode AS ENUM ('HALF_UP', 'DOWN', 'UP');

-- One version of a region's tariff for a service. inputs: one object per input of the formula,
-- in the formula's order (common/paten_tariff.h):
--   {"label": "Luas bangunan (m2)", "source": "FIELD", "field": "luas_bangunan", "value": ""}
--   {"label": "Harga satuan (Rp/m2)", "source": "CONSTANT", "value": "12500"}
--   {"label": "Indeks terintegrasi", "source": "TABLE", "field": "kelas_bangunan",
--    "table": {"PERMANEN": "1", "SEMI_PERMANEN": "0.75", "*": "0.5"}}
-- Values are exact decimal strings. The version that applies to a file is the latest whose
-- effective_from is not after the day of assessment.
CREATE TABLE tariffs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id      bigint NOT NULL REFERENCES regions,
    code           text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    version        integer NOT NULL CHECK (version >= 1),
    service_code   text NOT NULL CHECK (service_code <> ''),
    name           text NOT NULL CHECK (name <> ''),
    formula        tariff_formula NOT NULL,
    legal_basis    text NOT NULL CHECK (legal_basis <> ''),
    effective_from date NOT NULL,
    rounding_mode  rounding_mode NOT NULL DEFAULT 'HALF_UP',
    rounding_unit  bigint NOT NULL DEFAULT 1 CHECK (rounding_unit BETWEEN 1 AND 1000000),
    inputs         jsonb NOT NULL CHECK (jsonb_typeof(inputs) = 'array'),
    created_at     timestamptz NOT NULL,
    created_by     bigint REFERENCES users,
    UNIQUE (region_id, code, version)
);
CREATE INDEX tariffs_service ON tariffs (region_id, service_code, effective_from DESC);
CREATE TRIGGER tariffs_immutable BEFORE UPDATE OR DELETE ON tariffs
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A region's terms: when an assessment falls due, and the late interest after it.
CREATE TABLE interest_regimes (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id            bigint NOT NULL REFERENCES regions,
    version              integer NOT NULL CHECK (version >= 1),
    name                 text NOT NULL CHECK (name <> ''),
    legal_basis          text NOT NULL CHECK (legal_basis <> ''),
    effective_from       date NOT NULL,
    monthly_bp           integer NOT NULL CHECK (monthly_bp BETWEEN 0 AND 10000),
    max_months           integer NOT NULL CHECK (max_months BETWEEN 0 AND 1200),
    started_month_counts boolean NOT NULL,
    rounding_mode        rounding_mode NOT NULL DEFAULT 'HALF_UP',
    rounding_unit        bigint NOT NULL DEFAULT 1 CHECK (rounding_unit BETWEEN 1 AND 1000000),
    due_days             integer NOT NULL DEFAULT 30 CHECK (due_days BETWEEN 1 AND 365),
    created_at           timestamptz NOT NULL,
    created_by           bigint REFERENCES users,
    UNIQUE (region_id, version)
);
CREATE TRIGGER interest_regimes_immutable BEFORE UPDATE OR DELETE ON interest_regimes
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Regional taxpayers. The NPWPD's sequence is gapless per region (taxpayer_register).
CREATE TABLE taxpayers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id     bigint NOT NULL REFERENCES regions,
    seq           integer NOT NULL CHECK (seq >= 1),
    npwpd         text NOT NULL UNIQUE,
    name          text NOT NULL CHECK (name <> ''),
    address       text NOT NULL CHECK (address <> ''),
    nik           text CHECK (nik ~ '^[0-9]{16}$'),
    nib           text CHECK (nib ~ '^[0-9]{13}$'),
    registered_at timestamptz NOT NULL,
    registered_by bigint NOT NULL REFERENCES users,
    office_id     bigint NOT NULL REFERENCES offices,
    CHECK (nik IS NOT NULL OR nib IS NOT NULL),
    UNIQUE (region_id, seq)
);
CREATE UNIQUE INDEX taxpayers_nik ON taxpayers (region_id, nik) WHERE nik IS NOT NULL;
CREATE UNIQUE INDEX taxpayers_nib ON taxpayers (region_id, nib) WHERE nib IS NOT NULL;
CREATE TRIGGER taxpayers_immutable BEFORE UPDATE OR DELETE ON taxpayers
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Registers a taxpayer with the region's next NPWPD: P (a person, by NIK) or B (a business, by
-- NIB), the 7-digit sequence, the region's code. The region's row is locked so two registrations
-- queue and the sequence has no gap; a NIK or NIB already registered raises unique_violation.
CREATE FUNCTION taxpayer_register(p_region bigint, p_office bigint, p_name text, p_address text,
                                  p_nik text, p_nib text, p_at timestamptz, p_by bigint)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r regions;
    n integer;
    new_id bigint;
BEGIN
    SELECT * INTO STRICT r FROM regions WHERE id = p_region FOR UPDATE;
    SELECT coalesce(max(seq), 0) + 1 INTO n FROM taxpayers WHERE region_id = p_region;
    INSERT INTO taxpayers (region_id, seq, npwpd, name, address, nik, nib, registered_at,
                           registered_by, office_id)
    VALUES (p_region, n, CASE WHEN p_nik IS NOT NULL THEN 'P' ELSE 'B' END || '.' ||
                lpad(n::text, 7, '0') || '.' || upper(r.code),
            p_name, p_address, p_nik, p_nib, p_at, p_by, p_office)
    RETURNING id INTO new_id;
    RETURN new_id;
END $$;

CREATE TYPE assessment_kind AS ENUM ('SKRD', 'SKPD');

-- An issued assessment. trace: {"inputs": [{label, field, value, source, note, original}],
-- "steps": [{what, value}], "exact": "...", "rounding": "..."}, as printed on the document.
CREATE TABLE assessments (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_id             bigint NOT NULL REFERENCES files,
    region_id           bigint NOT NULL REFERENCES regions,
    office_id           bigint NOT NULL REFERENCES offices,
    treasurer_office_id bigint NOT NULL REFERENCES offices,
    kind                assessment_kind NOT NULL,
    document_id         bigint NOT NULL UNIQUE REFERENCES documents,
    number              text NOT NULL UNIQUE,
    tariff_id           bigint NOT NULL REFERENCES tariffs,
    regime_id           bigint NOT NULL REFERENCES interest_regimes,
    principal           bigint NOT NULL CHECK (principal >= 0),
    issued_at           timestamptz NOT NULL,
    issued_date         date NOT NULL,
    due_date            date NOT NULL CHECK (due_date >= issued_date),
    issued_by           bigint NOT NULL REFERENCES users,
    trace               jsonb NOT NULL CHECK (jsonb_typeof(trace) = 'object'),
    taxpayer_id         bigint REFERENCES taxpayers,
    sptpd_number        text,
    sptpd_date          date,
    replaces_id         bigint UNIQUE REFERENCES assessments,
    CHECK ((kind = 'SKPD') = (taxpayer_id IS NOT NULL))
);
CREATE INDEX assessments_file ON assessments (file_id, id);
CREATE INDEX assessments_office ON assessments (office_id, issued_at DESC);
CREATE TRIGGER assessments_append_only BEFORE UPDATE OR DELETE ON assessments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE assessment_cancellations (
    assessment_id bigint PRIMARY KEY REFERENCES assessments,
    reason        text NOT NULL CHECK (reason <> ''),
    cancelled_at  timestamptz NOT NULL,
    cancelled_by  bigint NOT NULL REFERENCES users
);
CREATE TRIGGER assessment_cancellations_append_only BEFORE UPDATE OR DELETE
    ON assessment_cancellations FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A file has at most one assessment that is not cancelled (patend holds the file's row lock
-- while issuing, so this only catches a bug).
CREATE FUNCTION assessments_one_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM assessments a WHERE a.file_id = NEW.file_id
               AND NOT EXISTS (SELECT 1 FROM assessment_cancellations c
                               WHERE c.assessment_id = a.id)) THEN
        RAISE EXCEPTION 'file % already has a live assessment', NEW.file_id
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER assessments_one_live BEFORE INSERT ON assessments
    FOR EACH ROW EXECUTE FUNCTION assessments_one_live();

-- A bill of late interest (STRD for a levy, STPD for a tax), numbered when issued.
CREATE TABLE bills (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments,
    document_id   bigint NOT NULL UNIQUE REFERENCES documents,
    kind          text NOT NULL CHECK (kind IN ('STRD', 'STPD')),
    number        text NOT NULL UNIQUE,
    as_of         date NOT NULL,
    months        integer NOT NULL CHECK (months >= 1),
    principal     bigint NOT NULL CHECK (principal >= 0),
    interest      bigint NOT NULL CHECK (interest >= 0),
    issued_at     timestamptz NOT NULL,
    issued_by     bigint NOT NULL REFERENCES users
);
CREATE INDEX bills_assessment ON bills (assessment_id, id);
CREATE TRIGGER bills_append_only BEFORE UPDATE OR DELETE ON bills
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- Tariffs, regimes and taxpayers as the protocol shows them (read as row_to_json).
CREATE VIEW tariff_view AS
SELECT t.id, t.region_id, t.code, t.version, t.service_code, t.name, t.formula::text AS formula,
       t.legal_basis, to_char(t.effective_from, 'YYYY-MM-DD') AS effective_from,
       t.rounding_mode::text AS rounding_mode, t.rounding_unit, t.inputs,
       ts_to_ms(t.created_at) AS created_at_ms, coalesce(u.name, '') AS created_by_name,
       r.code AS region_code
FROM tariffs t
JOIN regions r ON r.id = t.region_id
LEFT JOIN users u ON u.id = t.created_by;

CREATE VIEW regime_view AS
SELECT i.id, i.region_id, i.version, i.name, i.legal_basis,
       to_char(i.effective_from, 'YYYY-MM-DD') AS effective_from, i.monthly_bp, i.max_months,
       i.started_month_counts, i.rounding_mode::text AS rounding_mode, i.rounding_unit,
       i.due_days, ts_to_ms(i.created_at) AS created_at_ms,
       coalesce(u.name, '') AS created_by_name
FROM interest_regimes i
LEFT JOIN users u ON u.id = i.created_by;

CREATE VIEW taxpayer_view AS
SELECT t.id, t.region_id, t.npwpd, t.name, t.address, coalesce(t.nik, '') AS nik,
       coalesce(t.nib, '') AS nib, ts_to_ms(t.registered_at) AS registered_at_ms,
       u.name AS registered_by_name
FROM taxpayers t
JOIN users u ON u.id = t.registered_by;

-- An assessment as the protocol shows it (server/pd_assess.c reads these columns by name order).
-- Paid is what the file says until payments have rows of their own.
CREATE VIEW assessment_view AS
SELECT a.id, a.kind::text AS kind, a.number,
       CASE WHEN c.assessment_id IS NOT NULL THEN 'CANCELLED'
            WHEN f.state IN ('PAID', 'SIGNED', 'HANDED_OVER') THEN 'PAID'
            ELSE 'ISSUED' END AS status,
       a.file_id, f.register_number AS file_register_number, ap.name AS applicant_name,
       sv.name AS service_name, ko.name AS kecamatan_name, a.office_id, ao.name AS office_name,
       a.principal, to_char(a.due_date, 'YYYY-MM-DD') AS due_date,
       to_char(a.issued_date, 'YYYY-MM-DD') AS issued_date, ts_to_ms(a.issued_at) AS issued_at_ms,
       iu.name AS issued_by_name, t.code AS tariff_code, t.version AS tariff_version,
       t.name AS tariff_name, t.legal_basis, t.formula::text AS formula, a.trace::text AS trace,
       coalesce(tp.id, 0) AS taxpayer_id, coalesce(tp.npwpd, '') AS npwpd,
       coalesce(tp.name, '') AS taxpayer_name, coalesce(tp.address, '') AS taxpayer_address,
       coalesce(a.sptpd_number, '') AS sptpd_number,
       coalesce(to_char(a.sptpd_date, 'YYYY-MM-DD'), '') AS sptpd_date,
       coalesce(c.reason, '') AS cancelled_reason,
       coalesce(ts_to_ms(c.cancelled_at), 0) AS cancelled_at_ms,
       coalesce(cu.name, '') AS cancelled_by_name, coalesce(rep.number, '') AS replaces_number,
       d.verification, a.treasurer_office_id, f.version AS file_version,
       ir.name || ' (' || ir.legal_basis || ')' AS interest_regime,
       a.region_id, f.office_id AS file_office_id, a.regime_id, f.state::text AS file_state
FROM assessments a
JOIN files f ON f.id = a.file_id
JOIN applicants ap ON ap.id = f.applicant_id
JOIN service_versions sv ON sv.service_id = f.service_id AND sv.version = f.service_version
JOIN offices ko ON ko.id = f.office_id
JOIN offices ao ON ao.id = a.office_id
JOIN users iu ON iu.id = a.issued_by
JOIN tariffs t ON t.id = a.tariff_id
JOIN interest_regimes ir ON ir.id = a.regime_id
JOIN documents d ON d.id = a.document_id
LEFT JOIN taxpayers tp ON tp.id = a.taxpayer_id
LEFT JOIN assessment_cancellations c ON c.assessment_id = a.id
LEFT JOIN users cu ON cu.id = c.cancelled_by
LEFT JOIN assessments rep ON rep.id = a.replaces_id;

-- The file as the protocol shows it, now with its latest assessment (a JSON object of
-- assessment_view's columns, "" before the first).
CREATE OR REPLACE VIEW file_view AS
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
       ts_to_ms(f.updated_at) AS updated_at_ms, f.region_id, f.has_fee, f.forwarded,
       coalesce((SELECT row_to_json(av)::text FROM assessment_view av WHERE av.file_id = f.id
                 ORDER BY av.id DESC LIMIT 1), '') AS assessment
FROM files f
JOIN offices o ON o.id = f.office_id
JOIN services s ON s.id = f.service_id
JOIN service_versions sv ON sv.service_id = f.service_id AND sv.version = f.service_version
JOIN applicants a ON a.id = f.applicant_id
LEFT JOIN users signer ON signer.id = f.signed_by
LEFT JOIN files prev ON prev.id = f.renewal_of;

GRANT SELECT ON tariffs, interest_regimes, taxpayers, assessments, assessment_cancellations,
    bills, assessment_view, tariff_view, regime_view, taxpayer_view TO paten_app;
GRANT INSERT ON tariffs, interest_regimes, assessments, assessment_cancellations, bills
    TO paten_app;
GRANT EXECUTE ON FUNCTION taxpayer_register(bigint, bigint, text, text, text, text, timestamptz,
    bigint) TO paten_app;
