-- bench/gen_data.sql: fills a PATEN database with data at scale for the read benchmark of issue 8
-- ("Data at scale", docs/performance.md "Reads at 1 million files"), set-based, in the database.
--
-- Run by bench/gen_data.py (psql as the superuser, ON_ERROR_STOP) on a database that patend has
-- migrated and loaded with the demo data (--demo): the generated regions copy the demo's IMB and
-- Dispensasi Nikah services, the IMB tariff, the interest regime and the demo password's hash, so
-- every generated user logs in with the demo password. psql variables:
--   files      files in all (default 1000000)
--   kecamatan  kecamatan offices (default 7000)
--   per_region kecamatan per region (default 14: about 500 kabupaten, as in Indonesia)
-- Everything generated is named gen-*: regions gen-r00001.., kecamatan gen-k00001.., users
-- <role>@<office code>. A second run on the same database fails (unique codes): start afresh.
--
-- What is made, in the proportions of a kecamatan's year (domain.md): 30% of files are IMB
-- (structured, surveyed, SKRD by the region's DPMPTSP, paid at the kecamatan's cashier, deposited
-- on an STS, validated and confirmed by DPMPTSP's treasurer), the rest Dispensasi Nikah (free).
-- Files are received over the last three years (working hours, weekdays); files older than 20
-- days are finished (handed over, some signed and not yet collected, 4% rejected, 2% withdrawn),
-- newer ones are spread over every state of their path. Each file has its timeline (file_history,
-- one row per transition with the actor), one disposition from the Camat to the Sekretariat (open
-- while the file is RECEIVED), its receipt, survey report, decree, SKRD, SSRD and STS numbers in
-- gapless registers, and one audit row (TAKEN_IN). 80% of payments are cash, deposited the same
-- day; every cashier-day with payments has its cash close. 80% as many applicants as files (some
-- come back), each with a unique NIK '33' || 14 digits.
--
-- Triggers. The bulk inserts run with session_replication_role = replica, which turns off the
-- per-row triggers, foreign-key checks included, for this transaction only, because:
--   * files_guard accepts only RECEIVED files at version 1 and then one transition per UPDATE:
--     replaying 5-9 UPDATEs per file through it would take hours at 1M files;
--   * the append-only, one-live-assessment, payment, deposit-item and register triggers each run
--     a query per row (millions in all) and check what the generator builds by construction;
--   * registers_used / registers_forward want a register to advance by one number per
--     transaction.
-- The invariants they guard are re-established and checked at the end, in this transaction (a
-- failed check aborts it, leaving nothing): every register's last_no equals its number of
-- documents and its highest seq (gapless), every deposit's total is the sum of its items, every
-- item is standing cash of the deposit's cashier and treasurer, one live assessment and one
-- standing payment per file, every file's state is on its service's transition path, and every
-- foreign key of the generated rows resolves. The audit rows are inserted with the triggers on
-- (audit_chain hashes each row onto its office's chain), so audit_verify() holds; that one is a
-- per-row trigger on purpose: the chain is sequential.

\set ON_ERROR_STOP 1
\if :{?files}
\else
\set files 1000000
\endif
\if :{?kecamatan}
\else
\set kecamatan 7000
\endif
\if :{?per_region}
\else
\set per_region 14
\endif

BEGIN;
SET LOCAL session_replication_role = replica;
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '512MB';

CREATE TEMP TABLE g_par ON COMMIT DROP AS
SELECT :files::bigint AS nf, :kecamatan::int AS nk, :per_region::int AS per,
       ceil(:kecamatan::numeric / :per_region)::int AS nr,
       greatest(ceil(:files::numeric * 0.8)::bigint, 1) AS napp,
       date_trunc('minute', now()) AS t_now,
       (SELECT password_hash FROM users WHERE username = 'loket@kaloran') AS pw,
       (SELECT id FROM services WHERE code = 'imb'
          AND region_id = (SELECT id FROM regions WHERE code = 'temanggung')) AS tpl_imb,
       (SELECT id FROM services WHERE code = 'dispensasi-nikah'
          AND region_id = (SELECT id FROM regions WHERE code = 'pemalang')) AS tpl_free,
       (SELECT id FROM tariffs WHERE code = 'imb' AND version = 1
          AND region_id = (SELECT id FROM regions WHERE code = 'temanggung')) AS tpl_tariff,
       (SELECT id FROM interest_regimes WHERE version = 1
          AND region_id = (SELECT id FROM regions WHERE code = 'temanggung')) AS tpl_regime;

DO $$
BEGIN
    IF (SELECT pw IS NULL OR tpl_imb IS NULL OR tpl_free IS NULL OR tpl_tariff IS NULL
               OR tpl_regime IS NULL FROM g_par) THEN
        RAISE EXCEPTION 'gen_data.sql needs the demo data (patend --demo) in the database';
    END IF;
END $$;

-- ---- regions, offices, users --------------------------------------------------------------------

INSERT INTO regions (code, name, time_zone, created_at)
SELECT 'gen-r' || lpad(r::text, 5, '0'), 'Kabupaten Gen ' || lpad(r::text, 5, '0'),
       'Asia/Jakarta', t_now - interval '4 years'
FROM g_par, generate_series(1, nr) r;

CREATE TEMP TABLE g_region ON COMMIT DROP AS
SELECT substr(code, 6)::int AS r, id AS region_id FROM regions WHERE code LIKE 'gen-r%';

INSERT INTO offices (region_id, code, name, kind, created_at)
SELECT g.region_id, lower(k) || '-gen-r' || lpad(g.r::text, 5, '0'),
       k || ' Kabupaten Gen ' || lpad(g.r::text, 5, '0'), k::office_kind, p.t_now - interval '4 years'
FROM g_par p, g_region g, (VALUES ('PEMDA'), ('DPMPTSP'), ('BAPENDA')) AS v (k)
UNION ALL
SELECT g.region_id, 'gen-k' || lpad(k::text, 5, '0'), 'Kecamatan Gen ' || lpad(k::text, 5, '0'),
       'KECAMATAN', p.t_now - interval '4 years'
FROM g_par p CROSS JOIN generate_series(1, p.nk) k JOIN g_region g ON g.r = (k - 1) / p.per + 1;

-- The roles each generated office staffs (one user each).
INSERT INTO users (office_id, username, name, password_hash, created_at, updated_at)
SELECT o.id, lower(v.role) || '@' || o.code,
       initcap(replace(lower(v.role), '_', ' ')) || ' ' || o.name, p.pw,
       p.t_now - interval '4 years', p.t_now - interval '4 years'
FROM g_par p, offices o
JOIN (VALUES ('KECAMATAN', 'LOKET'), ('KECAMATAN', 'CAMAT'), ('KECAMATAN', 'SEKRETARIAT'),
             ('KECAMATAN', 'TIM_TEKNIS'), ('KECAMATAN', 'KASIR'), ('KECAMATAN', 'AUDITOR'),
             ('DPMPTSP', 'PETUGAS_SKRD'), ('DPMPTSP', 'BENDAHARA'), ('BAPENDA', 'PETUGAS_PAJAK'),
             ('BAPENDA', 'BENDAHARA'), ('PEMDA', 'ADMIN'), ('PEMDA', 'AUDITOR'))
     AS v (kind, role) ON v.kind = o.kind::text
WHERE o.code LIKE 'gen-%' OR o.code LIKE '%-gen-r%';

INSERT INTO user_roles (user_id, role)
SELECT u.id, upper(split_part(u.username, '@', 1))::user_role FROM users u
JOIN offices o ON o.id = u.office_id WHERE o.code LIKE 'gen-%' OR o.code LIKE '%-gen-r%';

-- ---- catalog, tariffs, regimes per region (copies of the demo's) -----------------------------

INSERT INTO services (region_id, code)
SELECT g.region_id, s.code FROM g_region g, (VALUES ('imb'), ('dispensasi-nikah')) AS s (code);

INSERT INTO service_versions (service_id, version, name, kind, survey, authority, forward_agency,
    fee, assessor_office_id, treasurer_office_id, deadline_working_days, validity_unit,
    validity_amount, legal_basis, requirements, fields, criteria, created_at)
SELECT s.id, 1, t.name, t.kind, t.survey, t.authority, t.forward_agency, t.fee,
       CASE WHEN t.fee <> 'NONE' THEN d.id END, CASE WHEN t.fee <> 'NONE' THEN d.id END,
       t.deadline_working_days, t.validity_unit, t.validity_amount, t.legal_basis,
       t.requirements, t.fields, t.criteria, p.t_now - interval '4 years'
FROM g_par p CROSS JOIN g_region g
JOIN services s ON s.region_id = g.region_id
JOIN offices d ON d.region_id = g.region_id AND d.kind = 'DPMPTSP'
JOIN service_versions t ON t.version = 1
 AND t.service_id = CASE s.code WHEN 'imb' THEN p.tpl_imb ELSE p.tpl_free END;

INSERT INTO tariffs (region_id, code, version, service_code, name, formula, legal_basis,
    effective_from, rounding_mode, rounding_unit, inputs, created_at)
SELECT g.region_id, t.code, 1, t.service_code, t.name, t.formula, t.legal_basis,
       (p.t_now - interval '4 years')::date, t.rounding_mode, t.rounding_unit, t.inputs,
       p.t_now - interval '4 years'
FROM g_par p, g_region g JOIN tariffs t ON t.id = (SELECT tpl_tariff FROM g_par);

INSERT INTO interest_regimes (region_id, version, name, legal_basis, effective_from, monthly_bp,
    max_months, started_month_counts, rounding_mode, rounding_unit, due_days, created_at)
SELECT g.region_id, 1, i.name, i.legal_basis, (p.t_now - interval '4 years')::date, i.monthly_bp,
       i.max_months, i.started_month_counts, i.rounding_mode, i.rounding_unit, i.due_days,
       p.t_now - interval '4 years'
FROM g_par p, g_region g JOIN interest_regimes i ON i.id = (SELECT tpl_regime FROM g_par);

-- Everything a file of kecamatan k needs to know, by k.
CREATE TEMP TABLE g_kec ON COMMIT DROP AS
SELECT substr(o.code, 6)::int AS k, o.id AS office_id, o.region_id, upper(o.code) AS ocode,
       d.id AS dpmptsp_id, upper(d.code) AS dcode,
       (SELECT id FROM services WHERE region_id = o.region_id AND code = 'imb') AS imb_service,
       (SELECT id FROM services WHERE region_id = o.region_id AND code = 'dispensasi-nikah')
           AS free_service,
       (SELECT id FROM tariffs WHERE region_id = o.region_id) AS tariff_id,
       (SELECT id FROM interest_regimes WHERE region_id = o.region_id) AS regime_id,
       max(u.id) FILTER (WHERE u.username LIKE 'loket@%') AS loket,
       max(u.id) FILTER (WHERE u.username LIKE 'camat@%') AS camat,
       max(u.id) FILTER (WHERE u.username LIKE 'sekretariat@%') AS sekretariat,
       max(u.id) FILTER (WHERE u.username LIKE 'tim_teknis@%') AS tim,
       max(u.id) FILTER (WHERE u.username LIKE 'kasir@%') AS kasir,
       (SELECT id FROM users WHERE username = 'petugas_skrd@' || d.code) AS skrd,
       (SELECT id FROM users WHERE username = 'bendahara@' || d.code) AS bendahara
FROM offices o
JOIN offices d ON d.region_id = o.region_id AND d.kind = 'DPMPTSP'
JOIN users u ON u.office_id = o.id
WHERE o.code LIKE 'gen-k%'
GROUP BY o.id, d.id;
CREATE UNIQUE INDEX ON g_kec (k);
ANALYZE g_kec;

-- ---- applicants ---------------------------------------------------------------------------------

SELECT coalesce(max(id), 0) AS app0 FROM applicants \gset
-- Applicant j lives in kecamatan j % nk + 1 (its region); its files are j, j + napp, ...
INSERT INTO applicants (id, region_id, kind, nik, name, address, phone, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT :app0 + j + 1, k.region_id, 'PERSON', '33' || lpad(j::text, 14, '0'),
       (ARRAY['Siti', 'Budi', 'Agus', 'Dewi', 'Sri', 'Joko', 'Rina', 'Wahyu', 'Lestari', 'Eko'])
           [j % 10 + 1] || ' ' ||
       (ARRAY['Aminah', 'Santoso', 'Wibowo', 'Rahayu', 'Hartono', 'Susanti', 'Pratama', 'Utami',
              'Nugroho', 'Purnomo', 'Setiawan'])[j % 11 + 1] || ' ' || (j % 997),
       'Desa ' || k.ocode, '08' || lpad((j % 1000000000)::text, 10, '0'),
       p.t_now - interval '3 years', p.t_now - interval '3 years'
FROM g_par p CROSS JOIN generate_series(0, p.napp - 1) j JOIN g_kec k ON k.k = j % p.nk + 1;

-- ---- files --------------------------------------------------------------------------------------

-- The path of each service kind; pos (1-based) is how far a file got along it.
CREATE TEMP TABLE g_path (imb boolean, pos int, state file_state, action text, actor text)
    ON COMMIT DROP;
INSERT INTO g_path VALUES
    (false, 1, 'RECEIVED', 'TAKEN_IN', 'loket'), (false, 2, 'RECOMMENDED', 'RECOMMENDED', 'sekretariat'),
    (false, 3, 'APPROVED', 'DECIDED', 'camat'), (false, 4, 'SIGNED', 'SIGNED', 'camat'),
    (false, 5, 'HANDED_OVER', 'HANDED_OVER', 'loket'),
    (true, 1, 'RECEIVED', 'TAKEN_IN', 'loket'), (true, 2, 'SURVEYED', 'SURVEYED', 'tim'),
    (true, 3, 'RECOMMENDED', 'RECOMMENDED', 'sekretariat'), (true, 4, 'APPROVED', 'DECIDED', 'camat'),
    (true, 5, 'AWAITING_ASSESSMENT', 'ASSESSMENT_REQUESTED', 'camat'),
    (true, 6, 'AWAITING_PAYMENT', 'ASSESSED', 'skrd'), (true, 7, 'PAID', 'PAID', 'kasir'),
    (true, 8, 'SIGNED', 'SIGNED', 'camat'), (true, 9, 'HANDED_OVER', 'HANDED_OVER', 'loket');

SELECT coalesce(max(id), 0) AS file0 FROM files \gset
CREATE TEMP TABLE g_files ON COMMIT DROP AS
WITH base AS (
    -- hashint8: pseudo-random and independent of the kecamatan (n modulo anything)
    SELECT n, n % p.napp AS j, (hashint8(n)::bigint + 2147483648) % 10 < 3 AS imb,
           (hashint8(n + 1000000007)::bigint + 2147483648) % 1000 AS h,
           (hashint8(n + 2000000011)::bigint + 2147483648) AS r,
           -- age in days: file 0 three years ago, the last one today
           (p.nf - 1 - n) * 1095.0 / p.nf AS age, p.t_now
    FROM g_par p, generate_series(0, p.nf - 1) n
), timed AS (
    SELECT b.*, (b.t_now - b.age * interval '1 day') AS raw_at FROM base b
), placed AS (
    -- 08:00-14:59 WIB on a weekday (a weekend moves to the Friday before), never after now.
    SELECT t.*, least(date_trunc('day', t.raw_at + interval '7 hours')
                      - CASE extract(isodow FROM t.raw_at + interval '7 hours')
                          WHEN 6 THEN interval '1 day' WHEN 7 THEN interval '2 days'
                          ELSE interval '0' END
                      + interval '1 hour' * (t.r % 7) + interval '1 minute' * (t.r / 7 % 60),
                      t.t_now - interval '1 minute') AS received_at
    FROM timed t
)
SELECT :file0 + p.n + 1 AS file_id, p.n, p.r, p.j, p.imb, p.received_at, p.t_now,
       k.k, k.office_id, k.region_id, :app0 + p.j + 1 AS applicant_id,
       CASE WHEN p.imb THEN k.imb_service ELSE k.free_service END AS service_id,
       -- how far it got, and how it ended (NULL: where pos says)
       CASE WHEN p.age > 20 THEN
                CASE WHEN p.h < 40 THEN CASE WHEN p.imb THEN 3 ELSE 2 END
                     WHEN p.h < 60 THEN 1
                     WHEN p.h < 80 THEN CASE WHEN p.imb THEN 8 ELSE 4 END
                     ELSE CASE WHEN p.imb THEN 9 ELSE 5 END END
            ELSE p.h % CASE WHEN p.imb THEN 9 ELSE 5 END + 1 END AS pos,
       CASE WHEN p.age > 20 AND p.h < 40 THEN 'REJECTED'::file_state
            WHEN p.age > 20 AND p.h < 60 THEN 'WITHDRAWN'::file_state END AS term
FROM placed p JOIN g_kec k ON k.k = p.j % (SELECT nk FROM g_par) + 1;
ALTER TABLE g_files ADD COLUMN steps int, ADD COLUMN gap interval;
-- steps: rows of the timeline; gap: the time between them (three hours, less for a file so new
-- that its steps would run past now).
UPDATE g_files SET steps = pos + (term IS NOT NULL)::int,
    gap = least(interval '3 hours', (t_now - received_at) / (pos + 2));
CREATE UNIQUE INDEX ON g_files (file_id);
ANALYZE g_files;

-- The timeline, one row per step: s = 1..steps, time received_at + (s - 1) * gap.
CREATE TEMP TABLE g_steps ON COMMIT DROP AS
SELECT f.file_id, s, f.received_at + (s - 1) * f.gap AS at,
       CASE WHEN s > f.pos THEN f.term ELSE pa.state END AS state,
       CASE WHEN s > f.pos THEN CASE f.term WHEN 'REJECTED' THEN 'DECIDED' ELSE 'WITHDRAWN' END
            ELSE pa.action END AS action,
       CASE WHEN s > f.pos THEN CASE f.term WHEN 'REJECTED' THEN 'camat' ELSE 'loket' END
            ELSE pa.actor END AS actor
FROM g_files f CROSS JOIN LATERAL generate_series(1, f.steps) s
LEFT JOIN g_path pa ON pa.imb = f.imb AND pa.pos = s;

-- ---- documents: every number of every register ------------------------------------------------

-- One row per document to issue: receipts, survey reports, decrees and SSRD at the kecamatan,
-- SKRD at the region's DPMPTSP; STS follow once the deposits are known.
CREATE TEMP TABLE g_docs ON COMMIT DROP AS
SELECT f.file_id, k.office_id, k.ocode AS ocode, 'RECEIPT'::document_kind AS kind, ''::text AS series,
       st.at, k.loket AS issued_by, 0::bigint AS amount
FROM g_files f JOIN g_kec k ON k.k = f.k JOIN g_steps st ON st.file_id = f.file_id AND st.s = 1
UNION ALL
SELECT f.file_id, k.office_id, k.ocode, 'SURVEY_REPORT', '', st.at, k.tim, 0
FROM g_files f JOIN g_kec k ON k.k = f.k
JOIN g_steps st ON st.file_id = f.file_id AND st.action = 'SURVEYED'
UNION ALL
SELECT f.file_id, k.office_id, k.ocode, 'DECREE', CASE WHEN f.imb THEN 'imb' ELSE 'dispensasi-nikah' END,
       st.at, k.camat, 0
FROM g_files f JOIN g_kec k ON k.k = f.k
JOIN g_steps st ON st.file_id = f.file_id AND st.action = 'SIGNED'
UNION ALL
SELECT f.file_id, k.dpmptsp_id, k.dcode, 'SKRD', '', st.at, k.skrd, 250000 + (f.r % 40) * 25000
FROM g_files f JOIN g_kec k ON k.k = f.k
JOIN g_steps st ON st.file_id = f.file_id AND st.action = 'ASSESSED'
UNION ALL
SELECT f.file_id, k.office_id, k.ocode, 'SSRD', '', st.at, k.kasir, 250000 + (f.r % 40) * 25000
FROM g_files f JOIN g_kec k ON k.k = f.k
JOIN g_steps st ON st.file_id = f.file_id AND st.action = 'PAID';

-- Deposits: the standing cash of a cashier-day (80% of payments are cash: r % 5 <> 0), on an STS
-- at 15:00 WIB that day, for every day before today. Payments ride on g_docs' SSRD rows.
CREATE TEMP TABLE g_pay ON COMMIT DROP AS
SELECT d.file_id, f.n, f.k, d.at, (d.at AT TIME ZONE 'Asia/Jakarta')::date AS day, d.amount,
       f.r / 280 % 5 <> 0 AS cash
FROM g_docs d JOIN g_files f ON f.file_id = d.file_id WHERE d.kind = 'SSRD';
SELECT coalesce(max(id), 0) AS dep0 FROM deposits \gset
CREATE TEMP TABLE g_dep ON COMMIT DROP AS
SELECT :dep0 + row_number() OVER (ORDER BY min(p.at), p.k) AS deposit_id, p.k, p.day,
       sum(p.amount) AS total,
       (p.day + time '15:00') AT TIME ZONE 'Asia/Jakarta' AS at
FROM g_pay p, g_par g
WHERE p.cash AND p.day < (g.t_now AT TIME ZONE 'Asia/Jakarta')::date
GROUP BY p.k, p.day;
INSERT INTO g_docs (file_id, office_id, ocode, kind, series, at, issued_by, amount)
SELECT NULL, k.office_id, k.ocode, 'STS', '', d.at, k.kasir, d.total
FROM g_dep d JOIN g_kec k ON k.k = d.k;

SELECT coalesce(max(id), 0) AS doc0 FROM documents \gset
CREATE TEMP TABLE g_numbered ON COMMIT DROP AS
SELECT :doc0 + row_number() OVER (ORDER BY d.at, d.kind, d.office_id, d.file_id) AS doc_id, d.*,
       extract(year FROM d.at AT TIME ZONE 'Asia/Jakarta')::int AS year,
       row_number() OVER (PARTITION BY d.office_id, d.kind, d.series,
                                       extract(year FROM d.at AT TIME ZONE 'Asia/Jakarta')
                          ORDER BY d.at, d.file_id)::int AS seq
FROM g_docs d;
ALTER TABLE g_numbered ADD COLUMN number text;
-- The numbers as register_format() writes them by default (regions without their own format).
UPDATE g_numbered SET number = replace(replace(replace(replace(
    CASE kind::text
        WHEN 'RECEIPT' THEN 'TT/{no}/KEC-{office}/{year}'
        WHEN 'SURVEY_REPORT' THEN 'BA/{no}/KEC-{office}/{year}'
        WHEN 'DECREE' THEN '503/{no}/{series}/KEC-{office}/{year}'
        WHEN 'SKRD' THEN '974/{no}/SKRD/{office}/{year}'
        WHEN 'SSRD' THEN 'SSRD/{no}/KEC-{office}/{year}'
        WHEN 'STS' THEN 'STS/{no}/KEC-{office}/{year}'
    END, '{no}', lpad(seq::text, 4, '0')), '{series}', upper(series)), '{office}', ocode),
    '{year}', year::text);
CREATE INDEX ON g_numbered (file_id, kind);
ANALYZE g_numbered;

INSERT INTO documents (id, office_id, kind, series, year, seq, number, file_id, subject, amount,
    issued_at, issued_date, issued_by, issued_by_name, signed_as, key_id, verification)
OVERRIDING SYSTEM VALUE
SELECT d.doc_id, d.office_id, d.kind, d.series, d.year, d.seq, d.number, d.file_id,
       CASE d.kind WHEN 'RECEIPT' THEN 'Tanda terima berkas' WHEN 'SURVEY_REPORT' THEN
           'Berita acara peninjauan' WHEN 'DECREE' THEN 'Surat keputusan' WHEN 'SKRD' THEN
           'Ketetapan retribusi' WHEN 'SSRD' THEN 'Setoran retribusi' ELSE 'Surat tanda setoran' END,
       d.amount, d.at, (d.at AT TIME ZONE 'Asia/Jakarta')::date, d.issued_by, u.name,
       CASE d.kind WHEN 'DECREE' THEN 'Camat' ELSE '' END,
       '00000000', 'gen-' || d.doc_id
FROM g_numbered d JOIN users u ON u.id = d.issued_by;

-- Registers: each counter at its last number.
INSERT INTO registers (office_id, kind, series, year, last_no)
SELECT office_id, kind, series, year, max(seq) FROM g_numbered
GROUP BY office_id, kind, series, year;

INSERT INTO files (id, region_id, office_id, service_id, service_version, kind, has_fee,
    forwarded, survey_needed, applicant_id, fields, requirements, register_number, state,
    resumes_to, version, received_at, deadline_at, deadline_working_days, recommended_can_process,
    recommendation_note, decision_reason, sk_number, signed_at, signed_by, signed_as,
    handed_over_at, handed_to_name, withdrawn_reason, created_by, updated_at)
OVERRIDING SYSTEM VALUE
SELECT f.file_id, f.region_id, f.office_id, f.service_id, 1,
       CASE WHEN f.imb THEN 'STRUCTURED' ELSE 'UNSTRUCTURED' END::service_kind, f.imb, false,
       f.imb, f.applicant_id,
       CASE WHEN f.imb THEN
           jsonb_build_array(jsonb_build_object('name', 'luas_bangunan', 'value', (40 + f.n % 160)::text),
               jsonb_build_object('name', 'jumlah_lantai', 'value', (1 + f.n % 2)::text),
               jsonb_build_object('name', 'fungsi_bangunan', 'value', 'HUNIAN'),
               jsonb_build_object('name', 'kelas_bangunan', 'value', 'SEMI_PERMANEN'),
               jsonb_build_object('name', 'lokasi', 'value', 'Desa ' || k.ocode))
       ELSE jsonb_build_array(jsonb_build_object('name', 'nama_calon_suami', 'value', 'Budi'),
               jsonb_build_object('name', 'nama_calon_istri', 'value', 'Ani'),
               jsonb_build_object('name', 'tempat_nikah', 'value', 'KUA ' || k.ocode)) END,
       CASE WHEN f.imb THEN '["formulir", "ktp", "surat-tanah", "denah-lokasi", "tampak", "pbb"]'
            ELSE '["surat-permohonan-desa", "ktp", "kk"]' END::jsonb,
       r.number, last.state, NULL, f.steps, f.received_at,
       f.received_at + CASE WHEN f.imb THEN interval '1 day' ELSE interval '2 days' END,
       CASE WHEN f.imb THEN 1 ELSE 2 END,
       CASE WHEN f.pos >= CASE WHEN f.imb THEN 3 ELSE 2 END THEN true END,
       CASE WHEN f.pos >= CASE WHEN f.imb THEN 3 ELSE 2 END THEN 'Lengkap' END,
       CASE WHEN f.term = 'REJECTED' THEN 'Tidak memenuhi syarat' END,
       sk.number, sk.at, CASE WHEN sk.number IS NOT NULL THEN k.camat END,
       CASE WHEN sk.number IS NOT NULL THEN 'Camat' END,
       CASE WHEN last.state = 'HANDED_OVER' THEN last.at END,
       CASE WHEN last.state = 'HANDED_OVER' THEN 'Pemohon' END,
       CASE WHEN f.term = 'WITHDRAWN' THEN 'Dibatalkan pemohon' END,
       k.loket, last.at
FROM g_files f JOIN g_kec k ON k.k = f.k
JOIN g_numbered r ON r.file_id = f.file_id AND r.kind = 'RECEIPT'
LEFT JOIN g_numbered sk ON sk.file_id = f.file_id AND sk.kind = 'DECREE'
JOIN g_steps last ON last.file_id = f.file_id AND last.s = f.steps;

INSERT INTO file_history (file_id, at, action, from_state, to_state, actor_id, actor_name,
    actor_as, note)
SELECT st.file_id, st.at, st.action, prev.state, st.state, u.id, u.name,
       CASE st.actor WHEN 'camat' THEN 'Camat' ELSE '' END, ''
FROM g_steps st JOIN g_files f ON f.file_id = st.file_id JOIN g_kec k ON k.k = f.k
LEFT JOIN g_steps prev ON prev.file_id = st.file_id AND prev.s = st.s - 1
JOIN users u ON u.id = CASE st.actor WHEN 'loket' THEN k.loket WHEN 'camat' THEN k.camat
    WHEN 'sekretariat' THEN k.sekretariat WHEN 'tim' THEN k.tim WHEN 'kasir' THEN k.kasir
    ELSE k.skrd END
ORDER BY st.at, st.file_id, st.s;

INSERT INTO file_surveys (file_id, day, team, findings, measurements, number, filed_by, filed_at)
SELECT d.file_id, (d.at AT TIME ZONE 'Asia/Jakarta')::date, '["Agus", "Rudi"]', 'Sesuai',
       '[]', d.number, d.issued_by, d.at
FROM g_numbered d WHERE d.kind = 'SURVEY_REPORT';

-- One disposition per file, Camat to the Sekretariat: open (unclaimed) while the file is
-- RECEIVED, else done by the Sekretariat when it recommended.
SELECT coalesce(max(id), 0) AS disp0 FROM dispositions \gset
INSERT INTO dispositions (id, file_id, office_id, from_user, from_as, to_user, to_role,
    instruction, due_at, created_at, read_at, completed_at, response, version)
OVERRIDING SYSTEM VALUE
SELECT :disp0 + f.n + 1, f.file_id, f.office_id, k.camat, 'Camat',
       CASE WHEN done THEN k.sekretariat END, 'SEKRETARIAT', 'Mohon diproses',
       f.received_at + interval '2 days', f.received_at + f.gap / 4,
       CASE WHEN done THEN f.received_at + f.gap / 2 END,
       CASE WHEN done THEN f.received_at + f.gap / 2 END,
       CASE WHEN done THEN 'Selesai diproses' END, CASE WHEN done THEN 3 ELSE 1 END
FROM g_files f JOIN g_kec k ON k.k = f.k,
LATERAL (SELECT f.steps > 1 AS done) x;

-- ---- money: SKRD, payments, deposits, confirmations, cash closes ------------------------------

SELECT coalesce(max(id), 0) AS ass0 FROM assessments \gset
INSERT INTO assessments (id, file_id, region_id, office_id, treasurer_office_id, kind,
    document_id, number, tariff_id, regime_id, principal, issued_at, issued_date, due_date,
    issued_by, trace)
OVERRIDING SYSTEM VALUE
SELECT :ass0 + d.doc_id - :doc0, d.file_id, k.region_id, k.dpmptsp_id, k.dpmptsp_id, 'SKRD',
       d.doc_id, d.number, k.tariff_id, k.regime_id, d.amount, d.at,
       (d.at AT TIME ZONE 'Asia/Jakarta')::date, (d.at AT TIME ZONE 'Asia/Jakarta')::date + 30,
       d.issued_by,
       jsonb_build_object('inputs', '[]'::jsonb, 'steps', '[]'::jsonb, 'exact', d.amount::text,
                          'rounding', d.amount::text)
FROM g_numbered d JOIN g_files f ON f.file_id = d.file_id JOIN g_kec k ON k.k = f.k
WHERE d.kind = 'SKRD';

SELECT coalesce(max(id), 0) AS pay0 FROM payments \gset
INSERT INTO payments (id, region_id, office_id, cashier_id, assessment_id, file_id,
    treasurer_office_id, method, reference, principal, interest, amount, received_at,
    received_date, document_id, receipt_number, deposit_deadline_at)
OVERRIDING SYSTEM VALUE
SELECT :pay0 + d.doc_id - :doc0, k.region_id, k.office_id, k.kasir, :ass0 + a.doc_id - :doc0,
       d.file_id, k.dpmptsp_id,
       CASE WHEN p.cash THEN 'CASH' ELSE 'TRANSFER' END::payment_method,
       CASE WHEN NOT p.cash THEN 'TRF' || d.doc_id END, d.amount, 0, d.amount, d.at,
       p.day, d.doc_id, d.number, CASE WHEN p.cash THEN d.at + interval '24 hours' END
FROM g_numbered d JOIN g_pay p ON p.file_id = d.file_id JOIN g_files f ON f.file_id = d.file_id
JOIN g_kec k ON k.k = f.k JOIN g_numbered a ON a.file_id = d.file_id AND a.kind = 'SKRD'
WHERE d.kind = 'SSRD';

INSERT INTO deposits (id, region_id, office_id, cashier_id, treasurer_office_id, total,
    created_at, created_date, document_id, number)
OVERRIDING SYSTEM VALUE
SELECT g.deposit_id, k.region_id, k.office_id, k.kasir, k.dpmptsp_id, g.total, g.at, g.day,
       d.doc_id, d.number
FROM g_dep g JOIN g_kec k ON k.k = g.k
JOIN g_numbered d ON d.kind = 'STS' AND d.office_id = k.office_id AND d.at = g.at;

INSERT INTO deposit_items (deposit_id, payment_id)
SELECT g.deposit_id, p.id FROM g_dep g JOIN g_kec k ON k.k = g.k
JOIN payments p ON p.office_id = k.office_id AND p.received_date = g.day AND p.method = 'CASH'
WHERE p.id > :pay0;

-- The bank validates a deposit the next day; the treasurer confirms it, and every transfer, two
-- days after (only what is in the past).
INSERT INTO deposit_validations (deposit_id, bank_reference, validated_at, recorded_by,
    recorded_at)
SELECT g.deposit_id, 'BANK-' || g.deposit_id, g.at + interval '18 hours', k.kasir,
       g.at + interval '19 hours'
FROM g_dep g JOIN g_kec k ON k.k = g.k, g_par p WHERE g.at + interval '19 hours' < p.t_now;

INSERT INTO confirmations (treasurer_office_id, deposit_id, payment_id, bank_date, bank_reference,
    amount, expected, status, confirmed_by, confirmed_at)
SELECT k.dpmptsp_id, g.deposit_id, NULL, (g.at AT TIME ZONE 'Asia/Jakarta')::date + 1,
       'BANK-' || g.deposit_id, g.total, g.total, 'CONFIRMED', k.bendahara, g.at + interval '2 days'
FROM g_dep g JOIN g_kec k ON k.k = g.k, g_par p WHERE g.at + interval '2 days' < p.t_now
UNION ALL
SELECT p.treasurer_office_id, NULL, p.id, p.received_date, p.reference, p.amount, p.amount,
       'CONFIRMED', k.bendahara, p.received_at + interval '2 days'
FROM payments p JOIN g_kec k ON k.office_id = p.office_id, g_par g
WHERE p.id > :pay0 AND p.method <> 'CASH' AND p.received_at + interval '2 days' < g.t_now;

-- The cashier closes every day that had payments, before today; the count matches.
INSERT INTO cash_closes (region_id, office_id, cashier_id, day, collected, cash_collected,
    expected, counted, closed_at)
SELECT p.region_id, p.office_id, p.cashier_id, p.received_date, sum(p.amount),
       coalesce(sum(p.amount) FILTER (WHERE p.method = 'CASH'), 0), 0, 0,
       (p.received_date + time '16:00') AT TIME ZONE 'Asia/Jakarta'
FROM payments p, g_par g
WHERE p.id > :pay0 AND p.received_date < (g.t_now AT TIME ZONE 'Asia/Jakarta')::date
GROUP BY p.region_id, p.office_id, p.cashier_id, p.received_date;

-- ---- sequences past what was taken --------------------------------------------------------------

SELECT setval(pg_get_serial_sequence('applicants', 'id'), (SELECT max(id) FROM applicants)),
       setval(pg_get_serial_sequence('files', 'id'), (SELECT max(id) FROM files)),
       setval(pg_get_serial_sequence('documents', 'id'), (SELECT max(id) FROM documents)),
       setval(pg_get_serial_sequence('dispositions', 'id'), (SELECT max(id) FROM dispositions)),
       setval(pg_get_serial_sequence('assessments', 'id'),
              (SELECT greatest(max(id), 1) FROM assessments)),
       setval(pg_get_serial_sequence('payments', 'id'), (SELECT greatest(max(id), 1) FROM payments)),
       setval(pg_get_serial_sequence('deposits', 'id'), (SELECT greatest(max(id), 1) FROM deposits))
\g /dev/null

-- ---- the audit log: with its trigger, so that every row is chained -----------------------------

SET LOCAL session_replication_role = origin;
INSERT INTO audit_log (office_id, at, actor_id, action, entity, entity_id, after)
SELECT f.office_id, f.received_at, k.loket, 'TAKEN_IN', 'file', f.file_id::text,
       jsonb_build_object('register_number', r.number, 'service_id', f.service_id)
FROM g_files f JOIN g_kec k ON k.k = f.k
JOIN g_numbered r ON r.file_id = f.file_id AND r.kind = 'RECEIPT'
ORDER BY f.office_id, f.received_at, f.file_id;

-- ---- checks: what the triggers turned off would have guarded ------------------------------------

DO $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(x, '; ') INTO bad FROM (
        SELECT 'register ' || r.office_id || '/' || r.kind || '/' || r.series || '/' || r.year
               || ' not gapless' AS x
        FROM registers r JOIN LATERAL (SELECT count(*) AS c, max(seq) AS m FROM documents d
            WHERE d.office_id = r.office_id AND d.kind = r.kind AND d.series = r.series
              AND d.year = r.year) d ON true
        WHERE r.last_no <> d.c OR r.last_no <> d.m
        UNION ALL
        SELECT 'deposit ' || d.number || ' total' FROM deposits d
        LEFT JOIN deposit_items i ON i.deposit_id = d.id LEFT JOIN payments p ON p.id = i.payment_id
        GROUP BY d.id HAVING d.total IS DISTINCT FROM sum(p.amount)
        UNION ALL
        SELECT 'deposit item ' || i.payment_id FROM deposit_items i
        JOIN deposits d ON d.id = i.deposit_id JOIN payments p ON p.id = i.payment_id
        WHERE p.method <> 'CASH' OR p.cashier_id <> d.cashier_id OR p.office_id <> d.office_id
           OR p.treasurer_office_id <> d.treasurer_office_id
        UNION ALL
        SELECT 'file ' || file_id || ' has ' || count(*) || ' assessments' FROM assessments
        GROUP BY file_id HAVING count(*) > 1
        UNION ALL
        SELECT 'assessment ' || assessment_id || ' paid twice' FROM payments
        GROUP BY assessment_id HAVING count(*) > 1
        UNION ALL
        SELECT 'payment ' || p.id || ' does not match its assessment' FROM payments p
        LEFT JOIN assessments a ON a.id = p.assessment_id
        WHERE a.id IS NULL OR a.principal <> p.principal OR a.file_id <> p.file_id
        UNION ALL
        SELECT 'file ' || h.file_id || ': no transition ' || h.from_state || ' -> ' || h.to_state
        FROM file_history h JOIN files f ON f.id = h.file_id
        WHERE h.from_state IS NOT NULL AND h.from_state <> h.to_state AND NOT EXISTS (
            SELECT 1 FROM file_transitions t WHERE t.kind = f.kind AND t.from_state = h.from_state
              AND t.to_state = h.to_state AND (t.fee IS NULL OR t.fee = f.has_fee)
              AND (t.forwarded IS NULL OR t.forwarded = f.forwarded)
              AND (t.survey_needed IS NULL OR t.survey_needed = f.survey_needed))
        UNION ALL
        SELECT 'file ' || f.id || ' state is not its last history row' FROM files f
        JOIN LATERAL (SELECT to_state FROM file_history h WHERE h.file_id = f.id
                      ORDER BY h.id DESC LIMIT 1) h ON true WHERE h.to_state <> f.state
        UNION ALL
        SELECT 'dangling ' || x FROM (
            SELECT 'file applicant' AS x FROM files f WHERE NOT EXISTS
                (SELECT 1 FROM applicants a WHERE a.id = f.applicant_id)
            UNION ALL SELECT 'file service' FROM files f WHERE NOT EXISTS
                (SELECT 1 FROM service_versions v WHERE v.service_id = f.service_id
                   AND v.version = f.service_version)
            UNION ALL SELECT 'document file' FROM documents d WHERE d.file_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = d.file_id)
            UNION ALL SELECT 'history file' FROM file_history h WHERE NOT EXISTS
                (SELECT 1 FROM files f WHERE f.id = h.file_id)
            UNION ALL SELECT 'disposition file' FROM dispositions d WHERE NOT EXISTS
                (SELECT 1 FROM files f WHERE f.id = d.file_id)
            UNION ALL SELECT 'assessment document' FROM assessments a WHERE NOT EXISTS
                (SELECT 1 FROM documents d WHERE d.id = a.document_id)
            UNION ALL SELECT 'payment document' FROM payments p WHERE NOT EXISTS
                (SELECT 1 FROM documents d WHERE d.id = p.document_id)
            UNION ALL SELECT 'deposit document' FROM deposits p WHERE NOT EXISTS
                (SELECT 1 FROM documents d WHERE d.id = p.document_id)
            UNION ALL SELECT 'user office' FROM users u WHERE NOT EXISTS
                (SELECT 1 FROM offices o WHERE o.id = u.office_id)
            UNION ALL SELECT 'user role office' FROM user_roles ur JOIN users u ON u.id = ur.user_id
                JOIN offices o ON o.id = u.office_id WHERE NOT EXISTS
                (SELECT 1 FROM role_office_kinds rk WHERE rk.role = ur.role AND rk.kind = o.kind)
        ) dangling
        LIMIT 20) problems;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'gen_data.sql: the generated data breaks an invariant: %', bad;
    END IF;
END $$;

COMMIT;
