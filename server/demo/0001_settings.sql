-- Demo data, part 1: the deployment's own settings.
-- Loaded by `patend --demo` into an empty database, in one transaction with the other demo files.
-- paten.now is the business clock's time, set by the loader (never now(): tests move the clock).
-- Later parts add the demo regions, offices, users, catalog and tariffs of ../shared/domain.md.
INSERT INTO settings (key, value, updated_at) VALUES
    ('deployment.name', 'PATEN demo', current_setting('paten.now')::timestamptz),
    ('deployment.kind', 'demo', current_setting('paten.now')::timestamptz);
