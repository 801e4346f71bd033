-- 0007_deposits.sql: deposit slips (STS) of cash, the bank's validation of each, the
-- treasurer's confirmation of deposits and of transfer / QRIS payments against the bank, the
-- resolution of discrepancies, and the alerts of cash not deposited in time
-- (../shared/domain.md, "Deposits (setoran) and reconciliation").
--
-- Everything is insert-only. A payment is in at most one deposit (a unique key), a deposit's
-- total is the sum of its payments (checked at commit), only cash that stands goes into one,
-- and a payment in a deposit is never reversed (a trigger; a refund is another procedure).

ALTER TYPE document_kind ADD VALUE 'STS';

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
                        WHEN 'STS' THEN 'STS/{no}/KEC-{office}/{year}'
                    END)
$$;

CREATE TABLE deposits (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region_id           bigint NOT NULL REFERENCES regions,
    office_id           bigint NOT NULL REFERENCES offices,
    cashier_id          bigint NOT NULL REFERENCES users,
    treasurer_office_id bigint NOT NULL REFERENCES offices,
    total               bigint NOT NULL CHECK (total > 0),
    created_at          timestamptz NOT NULL,
    created_date        date NOT NULL,
    document_id         bigint NOT NULL UNIQUE REFERENCES documents,
    number              text NOT NULL UNIQUE
);
CREATE INDEX deposits_office ON deposits (office_id, created_at DESC);
CREATE INDEX deposits_treasurer ON deposits (treasurer_office_id, created_at DESC);
CREATE TRIGGER deposits_append_only BEFORE UPDATE OR DELETE ON deposits
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE deposit_items (
    deposit_id bigint NOT NULL REFERENCES deposits,
    payment_id bigint NOT NULL UNIQUE REFERENCES payments,
    PRIMARY KEY (deposit_id, payment_id)
);
CREATE TRIGGER deposit_items_append_only BEFORE UPDATE OR DELETE ON deposit_items
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- An item is cash that stands, of the deposit's office, cashier and treasurer.
CREATE FUNCTION deposit_items_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM payments p JOIN deposits d ON d.id = NEW.deposit_id
                   WHERE p.id = NEW.payment_id AND p.method = 'CASH'
                   AND p.office_id = d.office_id AND p.cashier_id = d.cashier_id
                   AND p.treasurer_office_id = d.treasurer_office_id
                   AND NOT EXISTS (SELECT 1 FROM payment_reversals x
                                   WHERE x.payment_id = p.id)) THEN
        RAISE EXCEPTION 'payment % cannot go into deposit %', NEW.payment_id, NEW.deposit_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER deposit_items_check BEFORE INSERT ON deposit_items
    FOR EACH ROW EXECUTE FUNCTION deposit_items_check();

-- At commit, a deposit's total is the sum of its items.
CREATE FUNCTION deposits_sum_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.total IS DISTINCT FROM (SELECT sum(p.amount) FROM deposit_items i
                                   JOIN payments p ON p.id = i.payment_id
                                   WHERE i.deposit_id = NEW.id) THEN
        RAISE EXCEPTION 'deposit %: total % is not the sum of its payments', NEW.number,
            NEW.total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER deposits_sum_check AFTER INSERT ON deposits
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deposits_sum_check();

-- A payment in a deposit is not reversed.
CREATE FUNCTION payment_reversals_not_deposited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM deposit_items i WHERE i.payment_id = NEW.payment_id) THEN
        RAISE EXCEPTION 'payment % is in a deposit', NEW.payment_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER payment_reversals_not_deposited BEFORE INSERT ON payment_reversals
    FOR EACH ROW EXECUTE FUNCTION payment_reversals_not_deposited();

-- The bank's validation of the STS: the deposit is made.
CREATE TABLE deposit_validations (
    deposit_id     bigint PRIMARY KEY REFERENCES deposits,
    bank_reference text NOT NULL CHECK (bank_reference <> ''),
    validated_at   timestamptz NOT NULL,
    recorded_by    bigint NOT NULL REFERENCES users,
    recorded_at    timestamptz NOT NULL
);
CREATE TRIGGER deposit_validations_append_only BEFORE UPDATE OR DELETE ON deposit_validations
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The treasurer's confirmation of a deposit or of a non-cash payment against the bank.
CREATE TABLE confirmations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    treasurer_office_id bigint NOT NULL REFERENCES offices,
    deposit_id     bigint UNIQUE REFERENCES deposits,
    payment_id     bigint UNIQUE REFERENCES payments,
    bank_date      date NOT NULL,
    bank_reference text NOT NULL CHECK (bank_reference <> ''),
    amount         bigint NOT NULL CHECK (amount >= 0),
    expected       bigint NOT NULL CHECK (expected > 0),
    status         text NOT NULL CHECK (status IN ('CONFIRMED', 'DISCREPANCY')),
    confirmed_by   bigint NOT NULL REFERENCES users,
    confirmed_at   timestamptz NOT NULL,
    CHECK ((deposit_id IS NULL) <> (payment_id IS NULL)),
    CHECK ((status = 'CONFIRMED') = (amount = expected))
);
CREATE TRIGGER confirmations_append_only BEFORE UPDATE OR DELETE ON confirmations
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE discrepancy_resolutions (
    confirmation_id bigint PRIMARY KEY REFERENCES confirmations,
    reason          text NOT NULL CHECK (reason <> ''),
    resolved_by     bigint NOT NULL REFERENCES users,
    resolved_at     timestamptz NOT NULL
);
CREATE TRIGGER discrepancy_resolutions_append_only BEFORE UPDATE OR DELETE
    ON discrepancy_resolutions FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A cash payment not deposited by its deadline: raised once (the key) by whichever patend saw
-- it first; open until its deposit is validated.
CREATE TABLE deposit_alerts (
    payment_id bigint PRIMARY KEY REFERENCES payments,
    raised_at  timestamptz NOT NULL
);
CREATE TRIGGER deposit_alerts_append_only BEFORE UPDATE OR DELETE ON deposit_alerts
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE OR REPLACE VIEW payment_view AS
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
       coalesce(ts_to_ms(x.reversed_at), 0) AS reversed_at_ms,
       coalesce(di.deposit_id, 0) AS deposit_id, coalesce(dp.number, '') AS deposit_number,
       coalesce(ts_to_ms(p.deposit_deadline_at), 0) AS deposit_deadline_ms,
       (dv.deposit_id IS NOT NULL) AS deposit_validated,
       coalesce(ts_to_ms(dv.validated_at), 0) AS deposit_validated_at_ms,
       coalesce(CASE WHEN cf.resolved THEN 'RESOLVED' ELSE cf.status END, 'UNCONFIRMED')
           AS confirmation
FROM payments p
JOIN users cu ON cu.id = p.cashier_id
JOIN assessments a ON a.id = p.assessment_id
JOIN files f ON f.id = p.file_id
JOIN applicants ap ON ap.id = f.applicant_id
JOIN documents d ON d.id = p.document_id
JOIN offices tro ON tro.id = p.treasurer_office_id
LEFT JOIN bills b ON b.id = p.bill_id
LEFT JOIN payment_reversals x ON x.payment_id = p.id
LEFT JOIN users xu ON xu.id = x.approved_by
LEFT JOIN deposit_items di ON di.payment_id = p.id
LEFT JOIN deposits dp ON dp.id = di.deposit_id
LEFT JOIN deposit_validations dv ON dv.deposit_id = di.deposit_id
LEFT JOIN LATERAL (SELECT c.status, EXISTS (SELECT 1 FROM discrepancy_resolutions r
                                            WHERE r.confirmation_id = c.id) AS resolved
                   FROM confirmations c WHERE c.deposit_id = di.deposit_id
                   OR c.payment_id = p.id) cf ON true;;

CREATE VIEW confirmation_view AS
SELECT c.id, c.treasurer_office_id, coalesce(c.deposit_id, 0) AS deposit_id,
       coalesce(c.payment_id, 0) AS payment_id, to_char(c.bank_date, 'YYYY-MM-DD') AS bank_date,
       c.bank_reference, c.amount, c.expected,
       CASE WHEN r.confirmation_id IS NOT NULL THEN 'RESOLVED' ELSE c.status END AS status,
       u.name AS confirmed_by_name, ts_to_ms(c.confirmed_at) AS confirmed_at_ms,
       coalesce(r.reason, '') AS resolved_reason, coalesce(ru.name, '') AS resolved_by_name,
       coalesce(ts_to_ms(r.resolved_at), 0) AS resolved_at_ms
FROM confirmations c
JOIN users u ON u.id = c.confirmed_by
LEFT JOIN discrepancy_resolutions r ON r.confirmation_id = c.id
LEFT JOIN users ru ON ru.id = r.resolved_by;

CREATE VIEW deposit_view AS
SELECT d.id, d.region_id, d.number, d.office_id, o.name AS office_name, d.cashier_id,
       cu.name AS cashier_name, d.treasurer_office_id, t.name AS treasurer_office_name, d.total,
       ts_to_ms(d.created_at) AS created_at_ms, to_char(d.created_date, 'YYYY-MM-DD')
       AS created_date, coalesce(v.bank_reference, '') AS bank_reference,
       coalesce(ts_to_ms(v.validated_at), 0) AS validated_at_ms,
       coalesce(vu.name, '') AS validated_by_name, doc.verification,
       (SELECT row_to_json(cv) FROM confirmation_view cv WHERE cv.deposit_id = d.id)
           AS confirmation
FROM deposits d
JOIN offices o ON o.id = d.office_id
JOIN users cu ON cu.id = d.cashier_id
JOIN offices t ON t.id = d.treasurer_office_id
JOIN documents doc ON doc.id = d.document_id
LEFT JOIN deposit_validations v ON v.deposit_id = d.id
LEFT JOIN users vu ON vu.id = v.recorded_by;

GRANT SELECT ON deposits, deposit_items, deposit_validations, confirmations,
    discrepancy_resolutions, deposit_alerts, confirmation_view, deposit_view TO paten_app;
GRANT INSERT ON deposits, deposit_items, deposit_validations, confirmations,
    discrepancy_resolutions, deposit_alerts TO paten_app;
-- Locking a row (SELECT ... FOR UPDATE: a deposit, a reversal and a confirmation serialise on the
-- payment, deposit or confirmation they concern) needs the UPDATE privilege on some column;
-- the rows stay unchangeable, since their append-only triggers refuse every UPDATE.
GRANT UPDATE (id) ON payments, deposits, confirmations TO paten_app;
