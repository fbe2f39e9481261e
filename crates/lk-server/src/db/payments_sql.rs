//! SQL of [`PaymentStore`], shared by both backends.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::payment::{transition, PaymentProvider, PaymentStatus, Transition};

use super::payments::*;
use super::sql::{conflict_or, SqlStore};
use super::StoreResult;

/// A payment is first asked about at the acquirer this long after its last change (its
/// notification normally arrives sooner).
pub const RECHECK_AFTER_MS: i64 = 2 * 60 * 1000;

const COLUMNS: &str = "id, account_id, user_id, amount, status, provider, provider_payment_id, idempotence_key, confirmation_url, credited_payment_id, created_at, updated_at";

const ATTACH_PROVIDER_PAYMENT: &str = "UPDATE online_payments SET provider_payment_id = $1, confirmation_url = $2, updated_at = $3 WHERE id = $4";
const APPLY_PAYMENT_STATUS: &str =
    "UPDATE online_payments SET updated_at = updated_at WHERE id = $1";
const APPLY_PAYMENT_STATUS_2: &str = "INSERT INTO payments (account_id, amount, paid_on, channel, external_id, created_at) VALUES ($1, $2, $3, 'online', $4, $5) RETURNING id";
const APPLY_PAYMENT_STATUS_3: &str = "UPDATE accounts SET balance = balance + $1 WHERE id = $2";

fn create_online_payment_sql() -> String {
    format!(
        "INSERT INTO online_payments (id, account_id, user_id, amount, status, provider, idempotence_key, created_at, updated_at, next_check_ms) \
         VALUES ($1, $2, $3, $4, 'created', $5, $6, $7, $7, $8) RETURNING {COLUMNS}"
    )
}

fn online_payment_sql() -> String {
    format!("SELECT {COLUMNS} FROM online_payments WHERE id = $1")
}

fn online_payment_by_provider_id_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM online_payments WHERE provider = $1 AND provider_payment_id = $2"
    )
}

/// The last statement of `apply_payment_status`: the payment `$4`'s new status.
fn set_payment_status_sql() -> String {
    format!(
        "UPDATE online_payments SET status = $1, credited_payment_id = $2, updated_at = $3, next_check_ms = $5 WHERE id = $4 RETURNING {COLUMNS}"
    )
}

/// Claims the unsettled payments due at `$2` (at most `$3`) until `$1`; `skip_locked` is the
/// dialect's `SKIP_LOCKED`.
fn claim_unsettled_payments_sql(skip_locked: &str) -> String {
    format!(
        "UPDATE online_payments SET next_check_ms = $1 \
         WHERE id IN (SELECT id FROM online_payments WHERE status IN ('created', 'pending') AND next_check_ms <= $2 \
                      ORDER BY next_check_ms LIMIT $3 {skip_locked}) \
         RETURNING {COLUMNS}"
    )
}

macro_rules! impl_payments {
    ($db:ty) => {
        #[async_trait]
        impl PaymentStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn create_online_payment(
                &self,
                p: &NewOnlinePayment,
            ) -> StoreResult<OnlinePaymentRecord> {
                sqlx::query_as::<_, OnlinePaymentRecord>(&create_online_payment_sql())
                    .bind(&p.id)
                    .bind(p.account_id)
                    .bind(p.user_id)
                    .bind(p.amount)
                    .bind(p.provider.as_str())
                    .bind(&p.idempotence_key)
                    .bind(p.now)
                    .bind(p.now.timestamp_millis() + RECHECK_AFTER_MS)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(conflict_or)
            }

            #[tracing::instrument(skip_all)]
            async fn online_payment(&self, id: &str) -> StoreResult<Option<OnlinePaymentRecord>> {
                Ok(
                    sqlx::query_as::<_, OnlinePaymentRecord>(&online_payment_sql())
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            #[tracing::instrument(skip_all)]
            async fn online_payment_by_provider_id(
                &self,
                provider: PaymentProvider,
                provider_payment_id: &str,
            ) -> StoreResult<Option<OnlinePaymentRecord>> {
                Ok(
                    sqlx::query_as::<_, OnlinePaymentRecord>(&online_payment_by_provider_id_sql())
                        .bind(provider.as_str())
                        .bind(provider_payment_id)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }

            #[tracing::instrument(skip_all)]
            async fn attach_provider_payment(
                &self,
                id: &str,
                provider_payment_id: &str,
                confirmation_url: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(ATTACH_PROVIDER_PAYMENT)
                    .bind(provider_payment_id)
                    .bind(confirmation_url)
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict_or)?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn apply_payment_status(
                &self,
                id: &str,
                reported: PaymentStatus,
                paid_on: NaiveDate,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<(OnlinePaymentRecord, bool)>> {
                let mut tx = self.pool.begin().await?;
                // Writing first locks the row (PostgreSQL) or the database (SQLite): concurrent
                // notifications of one payment are applied one after another, and each sees
                // the status the previous one left.
                let touched = sqlx::query(APPLY_PAYMENT_STATUS)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if touched == 0 {
                    return Ok(None);
                }
                let current = sqlx::query_as::<_, OnlinePaymentRecord>(&online_payment_sql())
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let credit = match transition(current.status, reported) {
                    Transition::Ignore => {
                        tx.commit().await?;
                        return Ok(Some((current, false)));
                    }
                    Transition::Apply { credit } => credit,
                };
                let mut credited_payment_id = current.credited_payment_id;
                if credit {
                    let payment_id = sqlx::query_scalar::<_, i64>(APPLY_PAYMENT_STATUS_2)
                        .bind(current.account_id)
                        .bind(current.amount)
                        .bind(paid_on)
                        .bind(id)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    sqlx::query(APPLY_PAYMENT_STATUS_3)
                        .bind(current.amount)
                        .bind(current.account_id)
                        .execute(&mut *tx)
                        .await?;
                    credited_payment_id = Some(payment_id);
                }
                let updated = sqlx::query_as::<_, OnlinePaymentRecord>(&set_payment_status_sql())
                    .bind(reported.as_str())
                    .bind(credited_payment_id)
                    .bind(now)
                    .bind(id)
                    .bind(now.timestamp_millis() + RECHECK_AFTER_MS)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some((updated, credit)))
            }

            #[tracing::instrument(skip(self))]
            async fn claim_unsettled_payments(
                &self,
                now_ms: i64,
                next_check_ms: i64,
                limit: i64,
            ) -> StoreResult<Vec<OnlinePaymentRecord>> {
                Ok(
                    sqlx::query_as::<_, OnlinePaymentRecord>(&claim_unsettled_payments_sql(
                        <$db as crate::db::Dialect>::SKIP_LOCKED,
                    ))
                    .bind(next_check_ms)
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?,
                )
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_payments!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_payments!(sqlx::Postgres);
}
