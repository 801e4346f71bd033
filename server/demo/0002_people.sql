-- Demo data, part 2: the two regions of ../shared/domain.md ("Demo data"), their offices, and one
-- user per role at each office where the role belongs, named <role>@<office-code>.
-- paten.now is the business time and paten.demo_password_hash the Argon2id hash of the demo
-- password; both are set by the loader for this transaction.

INSERT INTO regions (code, name, time_zone, created_at) VALUES
    ('temanggung', 'Kabupaten Temanggung', 'Asia/Jakarta', current_setting('paten.now')::timestamptz),
    ('pemalang', 'Kabupaten Pemalang', 'Asia/Jakarta', current_setting('paten.now')::timestamptz);

-- Temanggung (seed 001): Kecamatan Kaloran and one more kecamatan, DPMPTSP, BAPENDA, PEMDA.
-- Pemalang (seed 004): one kecamatan, DPMPTSP, BAPENDA, the UPPU that measures buildings, PEMDA.
INSERT INTO offices (region_id, code, name, kind, opens, closes, created_at)
SELECT r.id, o.code, o.name, o.kind::office_kind, o.opens::time, o.closes::time,
       current_setting('paten.now')::timestamptz
FROM (VALUES
    ('temanggung', 'kaloran', 'Kecamatan Kaloran', 'KECAMATAN', '08:00', '16:00'),
    ('temanggung', 'kandangan', 'Kecamatan Kandangan', 'KECAMATAN', '08:00', '16:00'),
    ('temanggung', 'dpmptsp-temanggung', 'DPMPTSP Kabupaten Temanggung', 'DPMPTSP', '08:00', '16:00'),
    ('temanggung', 'bapenda-temanggung', 'BAPENDA Kabupaten Temanggung', 'BAPENDA', '08:00', '16:00'),
    ('temanggung', 'pemda-temanggung', 'Pemerintah Kabupaten Temanggung', 'PEMDA', '08:00', '16:00'),
    ('pemalang', 'taman', 'Kecamatan Taman', 'KECAMATAN', '08:00', '15:30'),
    ('pemalang', 'dpmptsp-pemalang', 'DPMPTSP Kabupaten Pemalang', 'DPMPTSP', '08:00', '16:00'),
    ('pemalang', 'bapenda-pemalang', 'BAPENDA Kabupaten Pemalang', 'BAPENDA', '08:00', '16:00'),
    ('pemalang', 'uppu-pemalang', 'UPPU Kabupaten Pemalang', 'UPPU', '08:00', '16:00'),
    ('pemalang', 'pemda-pemalang', 'Pemerintah Kabupaten Pemalang', 'PEMDA', '08:00', '16:00')
) AS o (region, code, name, kind, opens, closes)
JOIN regions r ON r.code = o.region;

-- One user per (office, role the office can hold). The NIP is made up but well-formed: a birth
-- date, an appointment month, a sex digit and a serial.
INSERT INTO users (office_id, username, nip, name, password_hash, created_at, updated_at)
SELECT o.id, lower(rk.role::text) || '@' || o.code,
       '19800101' || '200501' || '1' || lpad((row_number() OVER (ORDER BY o.id, rk.role))::text, 3, '0'),
       initcap(replace(lower(rk.role::text), '_', ' ')) || ' ' || o.name,
       current_setting('paten.demo_password_hash'),
       current_setting('paten.now')::timestamptz, current_setting('paten.now')::timestamptz
FROM offices o JOIN role_office_kinds rk ON rk.kind = o.kind;

INSERT INTO user_roles (user_id, role)
SELECT u.id, upper(split_part(u.username, '@', 1))::user_role FROM users u;
