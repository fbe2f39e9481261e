//! Throttling counters in fixed windows, shared by all nodes.

use async_trait::async_trait;

use super::sql::SqlStore;
use super::StoreResult;

#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Adds `hits` to the counter of `key` in the window starting at `window_start` and
    /// returns the new count.
    async fn throttle_hit(&self, key: &str, window_start: i64, hits: i64) -> StoreResult<i64>;
    /// Takes one hit back from the counter of `key`, if it is still in that window.
    async fn throttle_give_back(&self, key: &str, window_start: i64) -> StoreResult<()>;
    async fn throttle_clear(&self, key: &str) -> StoreResult<()>;
    /// Forgets counters of windows that started before `before`.
    async fn throttle_prune(&self, before: i64) -> StoreResult<u64>;
}

const THROTTLE_HIT: &str = "INSERT INTO throttle (key, window_start, hits) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET \
                       hits = CASE WHEN throttle.window_start = excluded.window_start THEN throttle.hits + excluded.hits ELSE excluded.hits END, \
                       window_start = excluded.window_start \
                     RETURNING hits";
const THROTTLE_GIVE_BACK: &str =
    "UPDATE throttle SET hits = hits - 1 WHERE key = $1 AND window_start = $2 AND hits > 0";
const THROTTLE_CLEAR: &str = "DELETE FROM throttle WHERE key = $1";
const THROTTLE_PRUNE: &str = "DELETE FROM throttle WHERE window_start < $1";

macro_rules! impl_throttle {
    ($db:ty) => {
        #[async_trait]
        impl ThrottleStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn throttle_hit(
                &self,
                key: &str,
                window_start: i64,
                hits: i64,
            ) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(THROTTLE_HIT)
                    .bind(key)
                    .bind(window_start)
                    .bind(hits)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn throttle_give_back(&self, key: &str, window_start: i64) -> StoreResult<()> {
                sqlx::query(THROTTLE_GIVE_BACK)
                    .bind(key)
                    .bind(window_start)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
                sqlx::query(THROTTLE_CLEAR)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn throttle_prune(&self, before: i64) -> StoreResult<u64> {
                Ok(sqlx::query(THROTTLE_PRUNE)
                    .bind(before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_throttle!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_throttle!(sqlx::Postgres);
}
