//! Attempt limits in fixed windows, counted in the database so that every node sees the same
//! numbers.

use chrono::{DateTime, Utc};

use crate::db::Store;
use crate::error::ApiError;

/// A throttling rule: at most `limit` per `window_secs` for a key.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub limit: i64,
    pub window_secs: i64,
}

impl Rule {
    fn window(&self, now: DateTime<Utc>) -> (i64, i64) {
        let t = now.timestamp();
        let start = t - t.rem_euclid(self.window_secs.max(1));
        (start, start + self.window_secs - t)
    }

    fn key(&self, subject: &str) -> String {
        format!("{}:{}", self.name, subject)
    }

    fn too_many(&self, now: DateTime<Utc>) -> ApiError {
        let (_, retry) = self.window(now);
        tracing::warn!(rule = self.name, "throttled");
        ApiError::TooManyRequests {
            retry_after_secs: retry,
            code: "too_many_requests",
        }
    }

    /// Counts one attempt; 429 once the limit is passed.
    pub async fn hit(
        &self,
        store: &dyn Store,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.limit <= 0 {
            return Ok(());
        }
        let (start, _) = self.window(now);
        let hits = store.throttle_hit(&self.key(subject), start, 1).await?;
        if hits > self.limit {
            return Err(self.too_many(now));
        }
        Ok(())
    }

    /// 429 if the limit is already reached, without counting (for counting failures only).
    pub async fn check(
        &self,
        store: &dyn Store,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.limit <= 0 {
            return Ok(());
        }
        let (start, _) = self.window(now);
        if store.throttle_count(&self.key(subject), start).await? >= self.limit {
            return Err(self.too_many(now));
        }
        Ok(())
    }

    /// Counts one failure (see [`Rule::check`]).
    pub async fn fail(
        &self,
        store: &dyn Store,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if self.limit > 0 {
            let (start, _) = self.window(now);
            store.throttle_hit(&self.key(subject), start, 1).await?;
        }
        Ok(())
    }

    /// Forgets the failures of `subject` (after a success).
    pub async fn clear(&self, store: &dyn Store, subject: &str) -> Result<(), ApiError> {
        store.throttle_clear(&self.key(subject)).await?;
        Ok(())
    }
}
