//! The SQL behind [`Store`], written once and compiled for both backends by a macro: the same
//! statements run on SQLite and PostgreSQL (`$N` placeholders, `RETURNING`,
//! `ON CONFLICT`), with times compared in Rust rather than in SQL.

use async_trait::async_trait;
use sqlx::{Database, Pool};

use super::{Backend, Store, StoreError, StoreResult};

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
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(super::Constraint::of(db.as_ref()))
        }
        _ => StoreError::Database(e),
    }
}

const PING: &str = "SELECT 1";

macro_rules! impl_store {
    ($db:ty, $backend:expr, $migrations:literal) => {
        #[async_trait]
        impl Store for SqlStore<$db> {
            fn backend(&self) -> Backend {
                $backend
            }

            #[tracing::instrument(skip_all)]
            async fn migrate(&self) -> StoreResult<()> {
                sqlx::migrate!($migrations).run(&self.pool).await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn ping(&self) -> StoreResult<()> {
                sqlx::query(PING).execute(&self.pool).await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
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

/// `$first, $first+1, …` for an IN list of `n` items.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ten-thousandths of a ruble, as prices are stored (rounded half away from zero).
pub(super) fn price_to_e4(price: rust_decimal::Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (price * rust_decimal::Decimal::from(10_000))
        .round()
        .to_i64()
        .unwrap_or(i64::MAX)
}
