//! The SQL behind [`Store`], written once and compiled for both backends by a macro: the same
//! statements run on SQLite and PostgreSQL (`$N` placeholders, `RETURNING`,
//! `ON CONFLICT`), with times compared in Rust rather than in SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Database, Pool};

use super::{
    Backend, DevMail, IdempotencyState, NewMail, NewUser, OutboxMail, PersonalData, Rotation,
    Store, StoreError, StoreResult, TokenPurpose, UserRecord,
};

/// A [`Store`] over an sqlx pool of either backend.
pub struct SqlStore<DB: Database> {
    pub(super) pool: Pool<DB>,
}

impl<DB: Database> SqlStore<DB> {
    pub fn new(pool: Pool<DB>) -> Self {
        Self { pool }
    }
}

pub(super) fn conflict_or(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::Database(e),
    }
}

const USER_COLUMNS: &str = "id, email, password_hash, last_name, first_name, patronymic, phone, role, email_confirmed_at, created_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
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

macro_rules! impl_store {
    ($db:ty, $backend:expr, $migrations:literal) => {
        #[async_trait]
        impl Store for SqlStore<$db> {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> StoreResult<()> {
                sqlx::migrate!($migrations).run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            fn pool_stats(&self) -> crate::db::PoolStats {
                crate::db::PoolStats {
                    open: self.pool.size(),
                    idle: self.pool.num_idle(),
                    max: self.pool.options().get_max_connections(),
                }
            }

            #[tracing::instrument(skip_all)]
            async fn create_user(&self, u: &NewUser) -> StoreResult<UserRecord> {
                let sql = format!(
                    "INSERT INTO users (email, email_normalized, password_hash, last_name, first_name, patronymic, phone, role, email_confirmed_at, personal_data_consent_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {USER_COLUMNS}"
                );
                sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(&u.email)
                    .bind(&u.email_normalized)
                    .bind(&u.password_hash)
                    .bind(&u.last_name)
                    .bind(&u.first_name)
                    .bind(&u.patronymic)
                    .bind(&u.phone)
                    .bind(u.role.as_str())
                    .bind(u.email_confirmed_at)
                    .bind(u.personal_data_consent_at)
                    .bind(u.now)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(conflict_or)
            }

            async fn user_by_email(&self, email_normalized: &str) -> StoreResult<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email_normalized = $1");
                Ok(sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(email_normalized)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
                Ok(sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn update_personal_data(&self, id: i64, d: &PersonalData, now: DateTime<Utc>) -> StoreResult<Option<UserRecord>> {
                let sql = format!(
                    "UPDATE users SET last_name = $1, first_name = $2, patronymic = $3, phone = $4, updated_at = $5 \
                     WHERE id = $6 RETURNING {USER_COLUMNS}"
                );
                Ok(sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(&d.last_name)
                    .bind(&d.first_name)
                    .bind(&d.patronymic)
                    .bind(&d.phone)
                    .bind(now)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_password_hash(&self, id: i64, hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(hash)
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_one_time_token(&self, token_hash: &str, user_id: i64, purpose: TokenPurpose, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .bind(expires_at)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn peek_one_time_token(&self, token_hash: &str, purpose: TokenPurpose, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
                let row = sqlx::query_as::<_, TokenRow>(
                    "SELECT user_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2",
                )
                .bind(token_hash)
                .bind(purpose.as_str())
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.filter(|r| r.used_at.is_none() && r.expires_at > now).map(|r| r.user_id))
            }

            async fn confirm_email(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
                let mut tx = self.pool.begin().await?;
                let Some(user_id) = spend_token(&mut tx, token_hash, TokenPurpose::ConfirmEmail, now).await? else {
                    return Ok(None);
                };
                sqlx::query("UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, $1), updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(user_id))
            }

            async fn reset_password(&self, token_hash: &str, new_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<i64>> {
                let mut tx = self.pool.begin().await?;
                let Some(user_id) = spend_token(&mut tx, token_hash, TokenPurpose::ResetPassword, now).await? else {
                    return Ok(None);
                };
                sqlx::query("UPDATE users SET password_hash = $1, email_confirmed_at = COALESCE(email_confirmed_at, $2), updated_at = $2 WHERE id = $3")
                    .bind(new_hash)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .bind(TokenPurpose::ResetPassword.as_str())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(user_id))
            }

            async fn create_session(&self, session_id: &str, user_id: i64, first_token_hash: &str, expires_at: DateTime<Utc>, user_agent: Option<&str>, now: DateTime<Utc>) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO sessions (id, user_id, created_at, user_agent) VALUES ($1, $2, $3, $4)")
                    .bind(session_id)
                    .bind(user_id)
                    .bind(now)
                    .bind(user_agent)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(first_token_hash)
                    .bind(session_id)
                    .bind(expires_at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn session_user(&self, session_id: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT user_id FROM sessions WHERE id = $1 AND revoked_at IS NULL")
                    .bind(session_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn rotate_refresh_token(&self, old_hash: &str, new_hash: &str, new_expires_at: DateTime<Utc>, now: DateTime<Utc>, grace: chrono::Duration) -> StoreResult<Rotation> {
                let mut tx = self.pool.begin().await?;
                // The first statement writes, so SQLite takes its write lock at once and
                // PostgreSQL locks the token's row: concurrent rotations of one token are
                // serialised, and each sees whether (and when) the token was already rotated.
                let spent = sqlx::query("UPDATE refresh_tokens SET rotated_at = $1 WHERE token_hash = $2 AND rotated_at IS NULL AND superseded_at IS NULL")
                    .bind(now)
                    .bind(old_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let row = sqlx::query_as::<_, RefreshRow>(
                    "SELECT t.session_id, t.expires_at, t.rotated_at, t.superseded_at, t.parent_hash, s.user_id, s.revoked_at \
                     FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1",
                )
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
                    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
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
                        sqlx::query(
                            "UPDATE refresh_tokens SET superseded_at = $1 \
                             WHERE parent_hash = $2 AND token_hash <> $3 AND rotated_at IS NULL AND superseded_at IS NULL",
                        )
                        .bind(now)
                        .bind(parent)
                        .bind(old_hash)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                // Rotated a moment ago by a sibling request (two tabs, two nodes), or now: the
                // new token is a child of the presented one.
                sqlx::query("INSERT INTO refresh_tokens (token_hash, session_id, expires_at, created_at, parent_hash) VALUES ($1, $2, $3, $4, $5)")
                    .bind(new_hash)
                    .bind(&row.session_id)
                    .bind(new_expires_at)
                    .bind(now)
                    .bind(old_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Rotation::Rotated { user_id: row.user_id, session_id: row.session_id })
            }

            async fn revoke_session_by_token(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $2)")
                    .bind(now)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn revoke_session(&self, session_id: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(session_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn revoke_other_sessions(&self, user_id: i64, keep: &str, now: DateTime<Utc>) -> StoreResult<u64> {
                Ok(sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .bind(keep)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn throttle_hit(&self, key: &str, window_start: i64, hits: i64) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO throttle (key, window_start, hits) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET \
                       hits = CASE WHEN throttle.window_start = excluded.window_start THEN throttle.hits + excluded.hits ELSE excluded.hits END, \
                       window_start = excluded.window_start \
                     RETURNING hits",
                )
                .bind(key)
                .bind(window_start)
                .bind(hits)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn throttle_give_back(&self, key: &str, window_start: i64) -> StoreResult<()> {
                sqlx::query("UPDATE throttle SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0")
                    .bind(key)
                    .bind(window_start)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM throttle WHERE key = $1").bind(key).execute(&self.pool).await?;
                Ok(())
            }

            async fn throttle_prune(&self, before: i64) -> StoreResult<u64> {
                Ok(sqlx::query("DELETE FROM throttle WHERE window_start < $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            #[tracing::instrument(skip_all)]
            async fn enqueue_mail(&self, m: &NewMail) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO mail_outbox (to_addr, subject, text_body, html_body, message_id, next_attempt_ms, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&m.to)
                .bind(&m.subject)
                .bind(&m.text)
                .bind(&m.html)
                .bind(&m.message_id)
                .bind(m.now.timestamp_millis())
                .bind(m.now)
                .fetch_one(&self.pool)
                .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn claim_mails(&self, now_ms: i64, lease_until_ms: i64, limit: i64) -> StoreResult<Vec<OutboxMail>> {
                let sql = format!(
                    "UPDATE mail_outbox SET claimed_until_ms = $1, attempts = attempts + 1 \
                     WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_ms <= $2 AND claimed_until_ms <= $2 \
                                  ORDER BY id LIMIT $3 {}) \
                     RETURNING id, to_addr, subject, text_body, html_body, message_id, attempts",
                    <$db as crate::db::SkipLocked>::SKIP_LOCKED
                );
                Ok(sqlx::query_as::<_, OutboxMail>(&sql)
                    .bind(lease_until_ms)
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn mail_sent(&self, id: i64, now: DateTime<Utc>, keep_body: bool) -> StoreResult<()> {
                let sql = if keep_body {
                    "UPDATE mail_outbox SET status = 'sent', sent_at = $1, claimed_until_ms = 0, last_error = NULL WHERE id = $2"
                } else {
                    "UPDATE mail_outbox SET status = 'sent', sent_at = $1, claimed_until_ms = 0, last_error = NULL, text_body = '', html_body = '' WHERE id = $2"
                };
                sqlx::query(sql).bind(now).bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn prune_mails(&self, before_ms: i64) -> StoreResult<u64> {
                Ok(sqlx::query("DELETE FROM mail_outbox WHERE status <> 'queued' AND next_attempt_ms < $1")
                    .bind(before_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            #[tracing::instrument(skip(self))]
            async fn mail_failed(&self, id: i64, next_attempt_ms: Option<i64>, error: &str) -> StoreResult<()> {
                let error: String = error.chars().take(500).collect();
                match next_attempt_ms {
                    Some(at) => sqlx::query("UPDATE mail_outbox SET next_attempt_ms = $1, claimed_until_ms = 0, last_error = $2 WHERE id = $3")
                        .bind(at)
                        .bind(&error)
                        .bind(id)
                        .execute(&self.pool)
                        .await?,
                    None => sqlx::query("UPDATE mail_outbox SET status = 'failed', claimed_until_ms = 0, last_error = $1, text_body = '', html_body = '' WHERE id = $2")
                        .bind(&error)
                        .bind(id)
                        .execute(&self.pool)
                        .await?,
                };
                Ok(())
            }

            async fn dev_mails(&self, to: Option<&str>, limit: i64) -> StoreResult<Vec<DevMail>> {
                Ok(sqlx::query_as::<_, DevMail>(
                    "SELECT id, to_addr, subject, text_body AS body, created_at FROM mail_outbox \
                     WHERE ($1 IS NULL OR lower(to_addr) = lower($1)) ORDER BY id DESC LIMIT $2",
                )
                .bind(to)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn count_mails(&self, status: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM mail_outbox WHERE status = $1")
                    .bind(status)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self, fingerprint))]
            async fn begin_idempotent(&self, user_id: i64, key: &str, fingerprint: &str, now_ms: i64, stale_before_ms: i64) -> StoreResult<IdempotencyState> {
                let inserted = sqlx::query(
                    "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, key) DO NOTHING",
                )
                .bind(user_id)
                .bind(key)
                .bind(fingerprint)
                .bind(now_ms)
                .execute(&self.pool)
                .await?
                .rows_affected();
                if inserted == 1 {
                    return Ok(IdempotencyState::Started);
                }
                let row = sqlx::query_as::<_, (String, Option<i64>, Option<String>, i64)>(
                    "SELECT fingerprint, status_code, response_body, created_ms FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                )
                .bind(user_id)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                let Some((stored, status, body, _)) = row else {
                    // Released between the two statements: the retry may run.
                    return self.begin_idempotent(user_id, key, fingerprint, now_ms, stale_before_ms).await;
                };
                if stored != fingerprint {
                    return Ok(IdempotencyState::Mismatch);
                }
                if let (Some(status), Some(body)) = (status, body) {
                    return Ok(IdempotencyState::Done { status: u16::try_from(status).unwrap_or(200), body });
                }
                // Unfinished: taken over only if its holder has been silent for long (one
                // statement, so two retries cannot both take it).
                let taken = sqlx::query(
                    "UPDATE idempotency_keys SET created_ms = $1 WHERE user_id = $2 AND key = $3 AND status_code IS NULL AND created_ms < $4",
                )
                .bind(now_ms)
                .bind(user_id)
                .bind(key)
                .bind(stale_before_ms)
                .execute(&self.pool)
                .await?
                .rows_affected();
                Ok(if taken == 1 { IdempotencyState::Started } else { IdempotencyState::InProgress })
            }

            async fn finish_idempotent(&self, user_id: i64, key: &str, status: u16, body: &str) -> StoreResult<()> {
                sqlx::query("UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE user_id = $3 AND key = $4")
                    .bind(i64::from(status))
                    .bind(body)
                    .bind(user_id)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn release_idempotent(&self, user_id: i64, key: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL")
                    .bind(user_id)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn prune_idempotent(&self, before_ms: i64) -> StoreResult<u64> {
                Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_ms < $1")
                    .bind(before_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }

        /// Spends a live one-time token inside `tx`; the user it belongs to, or `None`.
        async fn spend_token(
            tx: &mut sqlx::Transaction<'static, $db>,
            token_hash: &str,
            purpose: TokenPurpose,
            now: DateTime<Utc>,
        ) -> StoreResult<Option<i64>> {
            let row = sqlx::query_as::<_, TokenRow>(
                "UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL \
                 RETURNING user_id, expires_at, used_at",
            )
            .bind(now)
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            Ok(row.filter(|r| r.expires_at > now).map(|r| r.user_id))
        }
    };
}

mod sqlite {
    use super::*;
    use sqlx::Sqlite;
    impl_store!(Sqlite, Backend::Sqlite, "../../migrations/sqlite");
}

mod postgres {
    use super::*;
    use sqlx::Postgres;
    impl_store!(Postgres, Backend::Postgres, "../../migrations/postgres");
}
