//! Sessions: refresh-token families, rotated on every use; a replay ends the family.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::sql::SqlStore;
use super::StoreResult;

/// What happened to a presented refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// It was current: it is now spent and the new one replaces it.
    Rotated { user_id: i64, session_id: String },
    /// It had been rotated longer ago than the grace window: someone replayed it, so its whole
    /// family is now revoked.
    Reused,
    /// Unknown, expired, or its session was ended.
    Invalid,
}

/// The browser a session is used from, as the server saw it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Device<'a> {
    pub user_agent: Option<&'a str>,
    /// The client's address (the socket peer, or the first hop a trusted proxy reported).
    pub ip: Option<&'a str>,
}

/// A live session, for «Активные сеансы».
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        first_token_hash: &str,
        expires_at: DateTime<Utc>,
        device: Device<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The user's live sessions (not ended, with a refresh token that has not expired), the
    /// most recently used first, at most `limit`.
    async fn live_sessions(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<SessionRecord>>;
    /// Ends the user's session `session_id`; false if the user has no such live session.
    async fn end_session(
        &self,
        user_id: i64,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The user of a live session.
    async fn session_user(&self, session_id: &str) -> StoreResult<Option<i64>>;
    /// Spends a refresh token for a new one of the same session. A token already spent less
    /// than `grace` ago (concurrent refreshes of one browser) still yields a new token, a
    /// sibling of the first; once one sibling is used the others are superseded. A token spent
    /// earlier, or superseded, is a replay and ends the session. A renewal is the session's
    /// last use, from `ip`.
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        grace: chrono::Duration,
        ip: Option<&str>,
    ) -> StoreResult<Rotation>;
    async fn revoke_session_by_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn revoke_session(&self, session_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Ends every session of the user except `keep`.
    async fn revoke_other_sessions(
        &self,
        user_id: i64,
        keep: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
}

#[derive(sqlx::FromRow)]
struct RefreshRow {
    session_id: String,
    expires_at: DateTime<Utc>,
    rotated_at: Option<DateTime<Utc>>,
    superseded_at: Option<DateTime<Utc>>,
    parent_hash: Option<String>,
    user_id: i64,
    revoked_at: Option<DateTime<Utc>>,
}

const CREATE_SESSION: &str =
    "INSERT INTO sessions (id, user_id, created_at, user_agent, ip, last_used_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";
const CREATE_SESSION_2: &str = "INSERT INTO refresh_tokens (token_hash, session_id, expires_at, created_at) VALUES ($1, $2, $3, $4)";
/// A disabled user's sessions are over even if one was started while the user was disabled.
const SESSION_USER: &str = "SELECT s.user_id FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.id = $1 AND s.revoked_at IS NULL AND u.disabled_at IS NULL";
const ROTATE_REFRESH_TOKEN: &str = "UPDATE refresh_tokens SET rotated_at = $1 WHERE token_hash = $2 AND rotated_at IS NULL AND superseded_at IS NULL";
const ROTATE_REFRESH_TOKEN_2: &str = "SELECT t.session_id, t.expires_at, t.rotated_at, t.superseded_at, t.parent_hash, s.user_id, s.revoked_at \
                     FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1";
const ROTATE_REFRESH_TOKEN_3: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
const ROTATE_REFRESH_TOKEN_4: &str = "UPDATE refresh_tokens SET superseded_at = $1 \
                             WHERE parent_hash = $2 AND token_hash <> $3 AND rotated_at IS NULL AND superseded_at IS NULL";
const ROTATE_REFRESH_TOKEN_5: &str = "INSERT INTO refresh_tokens (token_hash, session_id, expires_at, created_at, parent_hash) VALUES ($1, $2, $3, $4, $5)";
const REVOKE_SESSION_BY_TOKEN: &str = "UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $2)";
const REVOKE_SESSION: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL";
const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_used_at = $1, ip = COALESCE($2, ip) WHERE id = $3";
const LIVE_SESSIONS: &str = "SELECT s.id, s.created_at, COALESCE(s.last_used_at, s.created_at) AS last_used_at, s.ip, s.user_agent \
     FROM sessions s WHERE s.user_id = $1 AND s.revoked_at IS NULL \
     AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id AND t.expires_at > $2 \
                 AND t.rotated_at IS NULL AND t.superseded_at IS NULL) \
     ORDER BY last_used_at DESC, s.id LIMIT $3";
const END_SESSION: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL";
const REVOKE_OTHER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL";

macro_rules! impl_sessions {
    ($db:ty) => {
        #[async_trait]
        impl SessionStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn create_session(
                &self,
                session_id: &str,
                user_id: i64,
                first_token_hash: &str,
                expires_at: DateTime<Utc>,
                device: Device<'_>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(CREATE_SESSION)
                    .bind(session_id)
                    .bind(user_id)
                    .bind(now)
                    .bind(device.user_agent)
                    .bind(device.ip)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(CREATE_SESSION_2)
                    .bind(first_token_hash)
                    .bind(session_id)
                    .bind(expires_at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn session_user(&self, session_id: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(SESSION_USER)
                    .bind(session_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn rotate_refresh_token(
                &self,
                old_hash: &str,
                new_hash: &str,
                new_expires_at: DateTime<Utc>,
                now: DateTime<Utc>,
                grace: chrono::Duration,
                ip: Option<&str>,
            ) -> StoreResult<Rotation> {
                let mut tx = self.pool.begin().await?;
                // The first statement writes, so SQLite takes its write lock at once and
                // PostgreSQL locks the token's row: concurrent rotations of one token are
                // serialised, and each sees whether (and when) the token was already rotated.
                let spent = sqlx::query(ROTATE_REFRESH_TOKEN)
                    .bind(now)
                    .bind(old_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let row = sqlx::query_as::<_, RefreshRow>(ROTATE_REFRESH_TOKEN_2)
                    .bind(old_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(row) = row else {
                    return Ok(Rotation::Invalid);
                };
                if row.revoked_at.is_some() || row.expires_at <= now {
                    tx.commit().await?;
                    return Ok(Rotation::Invalid);
                }
                // A replay: the token was rotated longer ago than the grace window, or a
                // sibling issued with it has been used since. End the whole family.
                let replayed = row.superseded_at.is_some()
                    || (spent == 0 && row.rotated_at.is_none_or(|at| now - at > grace));
                if replayed {
                    sqlx::query(ROTATE_REFRESH_TOKEN_3)
                        .bind(now)
                        .bind(&row.session_id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    return Ok(Rotation::Reused);
                }
                if spent == 1 {
                    // This token is the one the browser kept: the siblings issued beside it in
                    // a grace window (other tabs' copies, or a thief's) are dead from now on.
                    if let Some(parent) = &row.parent_hash {
                        sqlx::query(ROTATE_REFRESH_TOKEN_4)
                            .bind(now)
                            .bind(parent)
                            .bind(old_hash)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                // Rotated a moment ago by a sibling request (two tabs, two nodes), or now: the
                // new token is a child of the presented one.
                sqlx::query(ROTATE_REFRESH_TOKEN_5)
                    .bind(new_hash)
                    .bind(&row.session_id)
                    .bind(new_expires_at)
                    .bind(now)
                    .bind(old_hash)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(TOUCH_SESSION)
                    .bind(now)
                    .bind(ip)
                    .bind(&row.session_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Rotation::Rotated {
                    user_id: row.user_id,
                    session_id: row.session_id,
                })
            }

            #[tracing::instrument(skip_all)]
            async fn revoke_session_by_token(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(REVOKE_SESSION_BY_TOKEN)
                    .bind(now)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn revoke_session(
                &self,
                session_id: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(REVOKE_SESSION)
                    .bind(now)
                    .bind(session_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn live_sessions(
                &self,
                user_id: i64,
                now: DateTime<Utc>,
                limit: i64,
            ) -> StoreResult<Vec<SessionRecord>> {
                Ok(sqlx::query_as::<_, SessionRecord>(LIVE_SESSIONS)
                    .bind(user_id)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn end_session(
                &self,
                user_id: i64,
                session_id: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(END_SESSION)
                    .bind(now)
                    .bind(session_id)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn revoke_other_sessions(
                &self,
                user_id: i64,
                keep: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<u64> {
                Ok(sqlx::query(REVOKE_OTHER_SESSIONS)
                    .bind(now)
                    .bind(user_id)
                    .bind(keep)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_sessions!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_sessions!(sqlx::Postgres);
}
