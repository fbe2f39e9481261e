//! `Idempotency-Key`s of users' requests and the answers to give again.

use async_trait::async_trait;

use super::sql::SqlStore;
use super::StoreResult;

/// What a stored `Idempotency-Key` says about a request that presents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyState {
    /// The key is new (or its earlier holder died long ago): this request runs.
    Started,
    /// The same request is running right now.
    InProgress,
    /// The key was used for another request (another body or path).
    Mismatch,
    /// The request already ran: its answer, to be given again.
    Done { status: u16, body: String },
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Records `key` for the request with `fingerprint` unless the user already used it, and
    /// says what to do. A key left unfinished since before `stale_before_ms` (its node died)
    /// is taken over.
    async fn begin_idempotent(
        &self,
        user_id: i64,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<IdempotencyState>;
    /// Keeps the answer of a request that ran under `key`.
    async fn finish_idempotent(
        &self,
        user_id: i64,
        key: &str,
        status: u16,
        body: &str,
    ) -> StoreResult<()>;
    /// Forgets a key whose request failed, so a corrected retry may use it.
    async fn release_idempotent(&self, user_id: i64, key: &str) -> StoreResult<()>;
    /// Forgets keys recorded before `before_ms`.
    async fn prune_idempotent(&self, before_ms: i64) -> StoreResult<u64>;
}

const BEGIN_IDEMPOTENT: &str =
    "INSERT INTO idempotency_keys (user_id, key, fingerprint, created_ms) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, key) DO NOTHING";
const BEGIN_IDEMPOTENT_2: &str = "SELECT fingerprint, status_code, response_body, created_ms FROM idempotency_keys WHERE user_id = $1 AND key = $2";
const BEGIN_IDEMPOTENT_3: &str = "UPDATE idempotency_keys SET created_ms = $1 WHERE user_id = $2 AND key = $3 AND status_code IS NULL AND created_ms < $4";
const FINISH_IDEMPOTENT: &str = "UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE user_id = $3 AND key = $4";
const RELEASE_IDEMPOTENT: &str =
    "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status_code IS NULL";
const PRUNE_IDEMPOTENT: &str = "DELETE FROM idempotency_keys WHERE created_ms < $1";

macro_rules! impl_idempotency {
    ($db:ty) => {
        #[async_trait]
        impl IdempotencyStore for SqlStore<$db> {
            #[tracing::instrument(skip(self, fingerprint))]
            async fn begin_idempotent(
                &self,
                user_id: i64,
                key: &str,
                fingerprint: &str,
                now_ms: i64,
                stale_before_ms: i64,
            ) -> StoreResult<IdempotencyState> {
                let inserted = sqlx::query(BEGIN_IDEMPOTENT)
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
                    BEGIN_IDEMPOTENT_2,
                )
                .bind(user_id)
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
                let Some((stored, status, body, _)) = row else {
                    // Released between the two statements: the retry may run.
                    return self
                        .begin_idempotent(user_id, key, fingerprint, now_ms, stale_before_ms)
                        .await;
                };
                if stored != fingerprint {
                    return Ok(IdempotencyState::Mismatch);
                }
                if let (Some(status), Some(body)) = (status, body) {
                    return Ok(IdempotencyState::Done {
                        status: u16::try_from(status)
                            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                        body,
                    });
                }
                // Unfinished: taken over only if its holder has been silent for long (one
                // statement, so two retries cannot both take it).
                let taken = sqlx::query(BEGIN_IDEMPOTENT_3)
                    .bind(now_ms)
                    .bind(user_id)
                    .bind(key)
                    .bind(stale_before_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(if taken == 1 {
                    IdempotencyState::Started
                } else {
                    IdempotencyState::InProgress
                })
            }

            #[tracing::instrument(skip_all)]
            async fn finish_idempotent(
                &self,
                user_id: i64,
                key: &str,
                status: u16,
                body: &str,
            ) -> StoreResult<()> {
                sqlx::query(FINISH_IDEMPOTENT)
                    .bind(i64::from(status))
                    .bind(body)
                    .bind(user_id)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn release_idempotent(&self, user_id: i64, key: &str) -> StoreResult<()> {
                sqlx::query(RELEASE_IDEMPOTENT)
                    .bind(user_id)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn prune_idempotent(&self, before_ms: i64) -> StoreResult<u64> {
                Ok(sqlx::query(PRUNE_IDEMPOTENT)
                    .bind(before_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_idempotency!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_idempotency!(sqlx::Postgres);
}
