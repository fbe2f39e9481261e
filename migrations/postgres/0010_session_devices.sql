-- «Активные сеансы» (X9): where and when each session was last used. Kept in lockstep with
-- ../sqlite/0010_session_devices.sql.

-- The client's address when the session started or last renewed its tokens (the socket peer,
-- or the first hop a trusted proxy reported), and when that was.
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN last_used_at TIMESTAMPTZ;
UPDATE sessions SET last_used_at = created_at;
-- A user's live sessions, newest use first.
CREATE INDEX sessions_user_live ON sessions (user_id, last_used_at) WHERE revoked_at IS NULL;
