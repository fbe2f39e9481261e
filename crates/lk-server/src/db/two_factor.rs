//! Two-factor sign-in (X9): the user's TOTP secret, recovery codes and sign-in challenges.
//! Everything that must happen once — a code's time step, a recovery code, a challenge's
//! attempts — is one atomic statement, so it holds across nodes and parallel requests.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::sql::SqlStore;
use super::StoreResult;

/// A user's authenticator. Its `Debug` hides the secret.
#[derive(Clone, sqlx::FromRow)]
pub struct TwoFactorRecord {
    /// Base32 (RFC 4648, no padding), as authenticator apps take it.
    pub secret: String,
    /// `None` while enrolment waits for its first code.
    pub enabled_at: Option<DateTime<Utc>>,
    /// The last time step accepted (−1: none yet).
    pub last_step: i64,
}

impl std::fmt::Debug for TwoFactorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwoFactorRecord")
            .field("secret", &"***")
            .field("enabled_at", &self.enabled_at)
            .field("last_step", &self.last_step)
            .finish()
    }
}

#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    async fn two_factor(&self, user_id: i64) -> StoreResult<Option<TwoFactorRecord>>;
    /// Starts (or restarts) enrolment with a new secret; false when two-factor sign-in is
    /// already on (it has to be turned off first).
    async fn begin_two_factor(
        &self,
        user_id: i64,
        secret: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Turns a pending enrolment of `secret` on, having accepted `step`, and replaces the
    /// recovery codes with `code_hashes` — atomically. False if no enrolment of that secret is
    /// pending (it was already confirmed by a parallel request, or replaced by a new
    /// enrolment), or the step was already used.
    async fn enable_two_factor(
        &self,
        user_id: i64,
        secret: &str,
        step: i64,
        code_hashes: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Accepts a code of time step `step` for an enabled authenticator: true once, for the
    /// first request with a step later than every step accepted before.
    async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool>;
    /// Spends an unused recovery code; true once.
    async fn spend_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Unused recovery codes left.
    async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64>;
    /// Replaces the recovery codes (the old ones stop working at once).
    async fn replace_recovery_codes(
        &self,
        user_id: i64,
        code_hashes: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Turns two-factor sign-in off: the secret and the recovery codes are deleted.
    async fn disable_two_factor(&self, user_id: i64) -> StoreResult<bool>;
    async fn create_login_challenge(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Counts an attempt at a live challenge and names its user; `None` when the challenge is
    /// unknown, spent, expired or out of its `max_attempts`.
    async fn challenge_attempt(
        &self,
        token_hash: &str,
        max_attempts: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Spends a challenge; true once.
    async fn spend_login_challenge(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Deletes challenges that expired before `before`.
    async fn prune_login_challenges(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}

const TWO_FACTOR: &str = "SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = $1";
const BEGIN: &str = "INSERT INTO two_factor (user_id, secret, enabled_at, last_step, created_at) \
     VALUES ($1, $2, NULL, -1, $3) \
     ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = -1, created_at = excluded.created_at \
     WHERE two_factor.enabled_at IS NULL";
const ENABLE: &str = "UPDATE two_factor SET enabled_at = $1, last_step = $2 \
     WHERE user_id = $3 AND secret = $4 AND enabled_at IS NULL AND last_step < $2";
const ACCEPT_STEP: &str = "UPDATE two_factor SET last_step = $1 \
     WHERE user_id = $2 AND enabled_at IS NOT NULL AND last_step < $1";
const SPEND_RECOVERY: &str = "UPDATE recovery_codes SET used_at = $1 \
     WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL";
const RECOVERY_LEFT: &str =
    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";
const DELETE_RECOVERY: &str = "DELETE FROM recovery_codes WHERE user_id = $1";
const INSERT_RECOVERY: &str =
    "INSERT INTO recovery_codes (user_id, code_hash, used_at, created_at) VALUES ($1, $2, NULL, $3)";
const DISABLE: &str = "DELETE FROM two_factor WHERE user_id = $1";
const CREATE_CHALLENGE: &str = "INSERT INTO login_challenges (token_hash, user_id, expires_at, attempts, used_at, created_at) \
     VALUES ($1, $2, $3, 0, NULL, $4)";
const CHALLENGE_ATTEMPT: &str = "UPDATE login_challenges SET attempts = attempts + 1 \
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3 RETURNING user_id";
const SPEND_CHALLENGE: &str = "UPDATE login_challenges SET used_at = $1 \
     WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1";
const PRUNE_CHALLENGES: &str = "DELETE FROM login_challenges WHERE expires_at < $1";

macro_rules! impl_two_factor {
    ($db:ty) => {
        #[async_trait]
        impl TwoFactorStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn two_factor(&self, user_id: i64) -> StoreResult<Option<TwoFactorRecord>> {
                Ok(sqlx::query_as::<_, TwoFactorRecord>(TWO_FACTOR)
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn begin_two_factor(
                &self,
                user_id: i64,
                secret: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(BEGIN)
                    .bind(user_id)
                    .bind(secret)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn enable_two_factor(
                &self,
                user_id: i64,
                secret: &str,
                step: i64,
                code_hashes: &[String],
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let mut tx = self.pool.begin().await?;
                let enabled = sqlx::query(ENABLE)
                    .bind(now)
                    .bind(step)
                    .bind(user_id)
                    .bind(secret)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if !enabled {
                    return Ok(false);
                }
                write_codes(&mut tx, user_id, code_hashes, now).await?;
                tx.commit().await?;
                Ok(true)
            }

            #[tracing::instrument(skip_all)]
            async fn accept_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
                Ok(sqlx::query(ACCEPT_STEP)
                    .bind(step)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn spend_recovery_code(
                &self,
                user_id: i64,
                code_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(SPEND_RECOVERY)
                    .bind(now)
                    .bind(user_id)
                    .bind(code_hash)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(RECOVERY_LEFT)
                    .bind(user_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn replace_recovery_codes(
                &self,
                user_id: i64,
                code_hashes: &[String],
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                write_codes(&mut tx, user_id, code_hashes, now).await?;
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn disable_two_factor(&self, user_id: i64) -> StoreResult<bool> {
                let mut tx = self.pool.begin().await?;
                let removed = sqlx::query(DISABLE)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                sqlx::query(DELETE_RECOVERY)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(removed)
            }

            #[tracing::instrument(skip_all)]
            async fn create_login_challenge(
                &self,
                token_hash: &str,
                user_id: i64,
                expires_at: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(CREATE_CHALLENGE)
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(expires_at)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn challenge_attempt(
                &self,
                token_hash: &str,
                max_attempts: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(CHALLENGE_ATTEMPT)
                    .bind(token_hash)
                    .bind(now)
                    .bind(max_attempts)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn spend_login_challenge(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(SPEND_CHALLENGE)
                    .bind(now)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn prune_login_challenges(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                Ok(sqlx::query(PRUNE_CHALLENGES)
                    .bind(before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }

        #[tracing::instrument(skip_all)]
        async fn write_codes(
            tx: &mut sqlx::Transaction<'_, $db>,
            user_id: i64,
            code_hashes: &[String],
            now: DateTime<Utc>,
        ) -> StoreResult<()> {
            sqlx::query(DELETE_RECOVERY)
                .bind(user_id)
                .execute(&mut **tx)
                .await?;
            for hash in code_hashes {
                sqlx::query(INSERT_RECOVERY)
                    .bind(user_id)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        }
    };
}

mod sqlite {
    use super::*;
    impl_two_factor!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_two_factor!(sqlx::Postgres);
}
