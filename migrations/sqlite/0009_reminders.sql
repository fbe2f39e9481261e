-- E-mail reminders and the paperless receipt (issue 14, X4). Kept in lockstep with
-- ../postgres/0009_reminders.sql.

-- The reminders a user switched on, one row per kind (`lk_domain::reminders::ReminderKind`);
-- no row: off (the default). `since_on` and `created_at` say when: only invoices and payments
-- that came later are news. `token_hash` finds the row from a mail's one-click unsubscribe
-- link (the SHA-256 of its token, an HMAC of the user and kind under the server's secret).
CREATE TABLE reminder_subscriptions (
    user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('window_opens', 'window_closes', 'invoice', 'payment', 'debt')),
    threshold_kopecks  BIGINT CHECK (threshold_kopecks > 0),
    since_on           DATE NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Accounts whose invoices a user receives by e-mail with the filled receipt attached.
CREATE TABLE paperless_accounts (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    since_on    DATE NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, account_id)
);

-- Every reminder or receipt mailed, under the key that makes it once-only: written in the
-- same transaction that queues the mail, with ON CONFLICT DO NOTHING, so two nodes (or a
-- restarted one) never mail it twice. `period` is the month ('2026-11') of a window or debt
-- reminder, or the id of the invoice or payment.
CREATE TABLE reminders_sent (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    period      TEXT NOT NULL,
    mail_id     BIGINT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, account_id, kind, period)
);

-- RFC 8058: the one-click unsubscribe URL of a reminder (sent as `List-Unsubscribe` with
-- `List-Unsubscribe-Post`); and one attachment (the receipt PDF), kept as bytes until sent.
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment BLOB;
