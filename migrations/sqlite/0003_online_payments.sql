-- Online payments through an acquirer (issue 4). Kept in lockstep with
-- ../postgres/0003_online_payments.sql. Crediting inserts one row into payments in the same
-- transaction as the status change; the unique index on payments makes a second credit of the
-- same online payment impossible even if the code were wrong.
CREATE TABLE online_payments (
    id                   TEXT PRIMARY KEY,
    account_id           INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id              INTEGER REFERENCES users (id) ON DELETE SET NULL,
    amount               BIGINT NOT NULL CHECK (amount > 0),
    status               TEXT NOT NULL CHECK (status IN ('created', 'pending', 'succeeded', 'canceled', 'failed')),
    provider             TEXT NOT NULL,
    provider_payment_id  TEXT,
    idempotence_key      TEXT NOT NULL UNIQUE,
    confirmation_url     TEXT,
    credited_payment_id  INTEGER REFERENCES payments (id),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX online_payments_provider_payment ON online_payments (provider, provider_payment_id);
CREATE INDEX online_payments_status ON online_payments (status, updated_at);
CREATE INDEX online_payments_account ON online_payments (account_id, created_at);
CREATE UNIQUE INDEX payments_channel_external ON payments (channel, external_id);
