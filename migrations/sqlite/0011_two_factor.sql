-- Two-factor sign-in (X9): a TOTP secret per user, one-time recovery codes, and the second
-- step of a sign-in. Kept in lockstep with ../postgres/0011_two_factor.sql.

-- The user's authenticator: pending (enabled_at NULL) from enrolment until the first code
-- confirms it. last_step is the last TOTP time step accepted: a code works once, and an
-- older one never again (advanced by one atomic UPDATE … WHERE last_step < $step).
CREATE TABLE two_factor (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret      TEXT NOT NULL,
    enabled_at  TEXT,
    last_step   INTEGER NOT NULL DEFAULT -1,
    created_at  TEXT NOT NULL
);

-- Ten one-time recovery codes, stored as SHA-256 digests; spent by one atomic UPDATE.
CREATE TABLE recovery_codes (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a sign-in: the password was right, a code is awaited. The token is
-- stored as a digest; attempts are counted by the database, so the limit holds across nodes.
CREATE TABLE login_challenges (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX login_challenges_expires ON login_challenges (expires_at);
