-- 0006_payments.sql: the cashier's payments with their receipts (SSRD for a levy, SSPD for a
-- tax) and their reversals (../shared/domain.md, "Money rules", "Deposits").
--
-- Payments are insert-only: a mistake is a reversal row of its own, approved by someone other
-- than the cashier who took the money. An assessment has at most one payment that is not
-- reversed, and a payment's amount is its principal plus the interest it paid.

ALTER TYPE document_kind ADD VALUE 'SSRD';
ALTER TYPE document_kind ADD VALUE 'SSPD';

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
                        WHEN 'SSRD' THEN 'SSRD/{no}/KEC-{office}/{year}'
                        WHEN 'SSPD' THEN 'SSPD/{no}/KEC-{office}/{year}'
                    END)
$$;

-- A reversed payment leaves the bill payable again.
INSERT INTO file_transitions (kind, from_state, to_state, fee, forwarded, survey_needed)
SELECT k::service_kind, 'PAID', 'AWAITING_PAYMENT', true, false, NULL
FROM (VALUES ('STRUCTURED'), ('UNSTRUCTURED')) AS kinds (k);

CREATE TYPE payment_method AS ENUM ('CASH', 'TRANSFER', 'QRIS');

-- Whether a cash deposit's deadline (24 hours after the payment) that ends on a non-working day
-- moves to the same hour of the next working day (domain.md, "Deposits").
ALTER TABLE regions ADD COLUMN deposit_deadline_shifts boolean NOT NULL DEFAULT true;

CREATE TABLE payments (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id           bigint NOT NULL REFERENCES regions,
    office_id           bigint NOT NULL REFERENCES offices,
    cashier_id          bigint NOT NULL REFERENCES users,
    assessment_id       bigint NOT NULL REFERENCES assessments,
    bill_id             bigint REFERENCES bills,
    file_id             bigint NOT NULL REFERENCES files,
    treasurer_office_id bigint NOT NULL REFERENCES offices,
    method              payment_method NOT NULL,
    reference           text CHECK (reference <> ''),
    principal           bigint NOT NULL CHECK (principal >= 0),
    interest            bigint NOT NULL CHECK (interest >= 0),
    amount              bigint NOT NULL CHECK (amount > 0),
    received_at         timestamptz NOT NULL,
    received_date       date NOT NULL,
    document_id         bigint NOT NULL UNIQUE REFERENCES documents,
    receipt_number      text NOT NULL UNIQUE,
    deposit_deadline_at timestamptz,
    CHECK (amount = principal + interest),
    CHECK ((method = 'CASH') = (deposit_deadline_at IS NOT NULL)),
    CHECK ((method = 'CASH') = (reference IS NULL))
);
CREATE INDEX payments_office_day ON payments (office_id, received_date);
CREATE INDEX payments_assessment ON payments (assessment_id);
CREATE INDEX payments_treasurer ON payments (treasurer_office_id, received_at);
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE payment_reversals (
    payment_id  bigint PRIMARY KEY REFERENCES payments,
    reason      text NOT NULL CHECK (reason <> ''),
    approved_by bigint NOT NULL REFERENCES users,
    reversed_at timestamptz NOT NULL
);
CREATE TRIGGER payment_reversals_append_only BEFORE UPDATE OR DELETE ON payment_reversals
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- One payment that stands per assessment, and the amount of a live assessment (patend holds the
-- file's lock while paying, so these only catch a bug).
CREATE FUNCTION payments_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payments p WHERE p.assessment_id = NEW.assessment_id
               AND NOT EXISTS (SELECT 1 FROM payment_reversals x WHERE x.payment_id = p.id)) THEN
        RAISE EXCEPTION 'assessment % is paid already', NEW.assessment_id
            USING ERRCODE = 'unique_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM assessments a WHERE a.id = NEW.assessment_id
                   AND a.principal = NEW.principal AND a.file_id = NEW.file_id
                   AND NOT EXISTS (SELECT 1 FROM assessment_cancellations c
                                   WHERE c.assessment_id = a.id)) THEN
        RAISE EXCEPTION 'payment % does not match a live assessment', NEW.receipt_number
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payments_check BEFORE INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_check();

-- The cashier who took the money never approves its reversal.
CREATE FUNCTION payment_reversals_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM payments p WHERE p.id = NEW.payment_id
               AND p.cashier_id = NEW.approved_by) THEN
        RAISE EXCEPTION 'payment %: the cashier cannot approve its reversal', NEW.payment_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payment_reversals_check BEFORE INSERT ON payment_reversals
    FOR EACH ROW EXECUTE FUNCTION payment_reversals_check();

-- A payment as the protocol shows it (row_to_json).
CREATE VIEW payment_view AS
SELECT p.id, p.region_id, p.office_id, p.cashier_id, cu.name AS cashier_name, p.assessment_id,
       a.number AS assessment_number, a.kind::text AS assessment_kind, p.file_id,
       f.register_number AS file_register_number, ap.name AS applicant_name,
       p.method::text AS method, coalesce(p.reference, '') AS reference, p.principal,
       p.interest, p.amount, ts_to_ms(p.received_at) AS received_at_ms,
       to_char(p.received_date, 'YYYY-MM-DD') AS received_date, p.receipt_number,
       d.kind::text AS receipt_kind, d.verification, p.treasurer_office_id,
       tro.name AS treasurer_office_name, coalesce(b.number, '') AS bill_number,
       (x.payment_id IS NOT NULL) AS reversed, coalesce(x.reason, '') AS reversal_reason,
       coalesce(xu.name, '') AS reversed_by_name,
       coalesce(ts_to_ms(x.reversed_at), 0) AS reversed_at_ms
FROM payments p
JOIN users cu ON cu.id = p.cashier_id
JOIN assessments a ON a.id = p.assessment_id
JOIN files f ON f.id = p.file_id
JOIN applicants ap ON ap.id = f.applicant_id
JOIN documents d ON d.id = p.document_id
JOIN offices tro ON tro.id = p.treasurer_office_id
LEFT JOIN bills b ON b.id = p.bill_id
LEFT JOIN payment_reversals x ON x.payment_id = p.id
LEFT JOIN users xu ON xu.id = x.approved_by;

-- An assessment is paid once a payment of it stands.
CREATE OR REPLACE VIEW assessment_view AS
SELECT a.id, a.kind::text AS kind, a.number,
       CASE WHEN c.assessment_id IS NOT NULL THEN 'CANCELLED'
            WHEN EXISTS (SELECT 1 FROM payments p WHERE p.assessment_id = a.id
                         AND NOT EXISTS (SELECT 1 FROM payment_reversals x
                                         WHERE x.payment_id = p.id)) THEN 'PAID'
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

GRANT SELECT ON payments, payment_reversals, payment_view TO paten_app;
GRANT INSERT ON payments, payment_reversals TO paten_app;
