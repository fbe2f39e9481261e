-- Safe to deploy (issue 8). Kept in lockstep with ../postgres/0004_safe_to_deploy.sql.

-- Exactly one reading per meter and day, whoever tries at once: of any duplicates the
-- company's reading stays (the newest of them), else the subscriber's newest; from now on the
-- database refuses a second one (a repeat replaces the first with an upsert).
DELETE FROM readings WHERE EXISTS (
    SELECT 1 FROM readings o
    WHERE o.meter_id = readings.meter_id AND o.taken_on = readings.taken_on AND o.id <> readings.id
      AND ((o.source <> 'portal' AND readings.source = 'portal')
           OR ((o.source <> 'portal') = (readings.source <> 'portal') AND o.id > readings.id)));
DROP INDEX readings_meter_taken;
CREATE UNIQUE INDEX readings_meter_day ON readings (meter_id, taken_on);

-- Refresh tokens issued in the grace window are siblings (children of the same token); the
-- first of them to be used supersedes the others, so a copy never lives on as its own branch.
ALTER TABLE refresh_tokens ADD COLUMN parent_hash TEXT;
ALTER TABLE refresh_tokens ADD COLUMN superseded_at TEXT;
CREATE INDEX refresh_tokens_parent ON refresh_tokens (parent_hash);

-- Idempotency-Key of a user's request (reading or payment creation): the first request with a
-- key runs, a retry with the same key and body gets the first answer. Times are Unix ms.
CREATE TABLE idempotency_keys (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    status_code    BIGINT,
    response_body  TEXT,
    created_ms     BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_ms);

-- Outgoing mail: requests enqueue, background senders on any node claim due rows (with a
-- lease) and deliver each once. Without SMTP (development) the dev mailbox lists this table.
DROP TABLE dev_mailbox;
CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    to_addr          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL,
    message_id       TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_ms  BIGINT NOT NULL,
    claimed_until_ms BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_ms);
CREATE INDEX mail_outbox_to ON mail_outbox (lower(to_addr), id);

-- When an unsettled online payment is next asked about at the acquirer; claiming a payment
-- moves it forward, so two nodes never ask about the same payment at once.
ALTER TABLE online_payments ADD COLUMN next_check_ms BIGINT NOT NULL DEFAULT 0;
DROP INDEX online_payments_status;
CREATE INDEX online_payments_unsettled ON online_payments (status, next_check_ms);
