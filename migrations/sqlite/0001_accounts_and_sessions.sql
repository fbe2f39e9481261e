-- Users, sessions (refresh-token families), one-time tokens, throttling, dev mailbox.
-- Kept in lockstep with ../postgres/0001_accounts_and_sessions.sql.
CREATE TABLE users (
    id                        INTEGER PRIMARY KEY,
    email                     TEXT NOT NULL,
    email_normalized          TEXT NOT NULL UNIQUE,
    password_hash             TEXT NOT NULL,
    last_name                 TEXT,
    first_name                TEXT,
    patronymic                TEXT,
    phone                     TEXT,
    role                      TEXT NOT NULL DEFAULT 'subscriber' CHECK (role IN ('subscriber', 'operator', 'admin')),
    email_confirmed_at        TEXT,
    personal_data_consent_at  TEXT,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    user_agent  TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL,
    rotated_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

CREATE TABLE one_time_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose);

CREATE TABLE throttle (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    hits          BIGINT NOT NULL
);
CREATE INDEX throttle_window_start ON throttle (window_start);

CREATE TABLE dev_mailbox (
    id          INTEGER PRIMARY KEY,
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
