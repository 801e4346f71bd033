-- 0001_foundation.sql: the first migration: instance-wide settings and the identity of this
-- PATEN installation.
--
-- How migrations are run (server/pd_migrate.c): as the schema owner (paten_owner), each file once,
-- in number order, inside one transaction that the runner opens and commits together with the
-- file's row in schema_migrations. So a file must not contain BEGIN, COMMIT or ROLLBACK, nor
-- statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM). A file that has
-- been applied anywhere is never edited (the runner compares SHA-256 checksums): add a new one.
--
-- patend's pool connects as paten_app, which gets only the grants listed in the migrations: no
-- DDL, and no INSERT, UPDATE or DELETE where a table is written only by migrations.

-- Key/value settings of this installation (office names, report headers, feature switches).
-- updated_at is set by patend from its business clock, never from now(), so it has no default.
CREATE TABLE settings (
    key        text PRIMARY KEY CHECK (key <> ''),
    value      text NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The identity of this installation: exactly one row, created here. Issued documents and
-- exported data carry its id so that data from two installations is never confused.
CREATE TABLE paten_instance (
    id         uuid PRIMARY KEY,
    created_at timestamptz NOT NULL
);

-- An index on a constant allows a single row: a second INSERT is a unique violation.
CREATE UNIQUE INDEX paten_instance_single_row ON paten_instance ((true));

-- now() is fine here: the moment of installation is not a business time.
INSERT INTO paten_instance (id, created_at) VALUES (gen_random_uuid(), now());

GRANT SELECT ON settings, paten_instance TO paten_app;
