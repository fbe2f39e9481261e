-- The billing-system integration (issue 11). Kept in lockstep with ../postgres/0007_integration.sql.

-- Integrators' API keys: only the SHA-256 of a key is stored (a key is 32 random bytes, so a
-- fast hash is enough); the prefix is what lists show. A name belongs to one live key.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    scopes        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Exports the billing system pulls: a row gets its place in the export (export_seq) when an
-- export stamps it, under the lock of its counter, so the sequence the billing system pages
-- through only ever grows at its end (identity ids are not commit-ordered).
CREATE TABLE export_counters (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);
INSERT INTO export_counters (name, value) VALUES ('readings', 0), ('payments', 0), ('billing_close', 0);

ALTER TABLE readings ADD COLUMN export_seq BIGINT;
CREATE UNIQUE INDEX readings_export_seq ON readings (export_seq);
CREATE INDEX readings_to_export ON readings (id) WHERE export_seq IS NULL AND source = 'portal';

ALTER TABLE payments ADD COLUMN export_seq BIGINT;
-- The bank's report of an online payment: its channel and id, once.
ALTER TABLE payments ADD COLUMN reported_as TEXT;
CREATE UNIQUE INDEX payments_export_seq ON payments (export_seq);
CREATE INDEX payments_to_export ON payments (id) WHERE export_seq IS NULL AND channel = 'online';
CREATE UNIQUE INDEX payments_reported_as ON payments (reported_as);

-- The consumption norm of an account (kWh a month), where the company knows it; invoices say
-- how their consumption was found.
ALTER TABLE accounts ADD COLUMN norm_kwh BIGINT;
ALTER TABLE invoices ADD COLUMN basis TEXT NOT NULL DEFAULT 'billing'
    CHECK (basis IN ('billing', 'reading', 'average', 'norm'));
ALTER TABLE invoice_lines ADD COLUMN band_from_kwh BIGINT NOT NULL DEFAULT 0;

-- Month closes (B6): one row per period, claimed by the node that runs it.
CREATE TABLE billing_closes (
    period       DATE PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    summary      TEXT
);
