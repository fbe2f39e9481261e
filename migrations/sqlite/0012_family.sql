-- Family access (X9): a house's account is held by its owner (who bound it by the account and
-- meter numbers) or by a member the owner invited, with a role. Kept in lockstep with
-- ../postgres/0012_family.sql.

-- How the user holds the house's account; invited_by is the owner who invited a member.
-- Access is checked in the statement that reads the account, so a revocation (the member's
-- house deleted) holds on every node at once.
ALTER TABLE houses ADD COLUMN access TEXT NOT NULL DEFAULT 'owner' CHECK (access IN ('owner', 'full', 'view'));
ALTER TABLE houses ADD COLUMN invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- An invitation by e-mail. The token is stored as a digest and works once (accepted by one
-- atomic UPDATE … WHERE accepted_at IS NULL); one pending invitation per account and address
-- (inviting again renews it).
CREATE TABLE account_invitations (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    invited_by        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email             TEXT NOT NULL,
    email_normalized  TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('full', 'view')),
    token_hash        TEXT NOT NULL UNIQUE,
    created_at        TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    accepted_at       TEXT,
    accepted_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    revoked_at        TEXT
);
CREATE UNIQUE INDEX account_invitations_pending ON account_invitations (account_id, email_normalized)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Who made each payment (the history names them): looked up by the payment credited, which
-- one online payment credits at most.
CREATE UNIQUE INDEX online_payments_credited ON online_payments (credited_payment_id);
