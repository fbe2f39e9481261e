//! Online payments in the store: their life and the crediting of accounts, exactly once.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::payment::{PaymentProvider, PaymentStatus};

use super::StoreResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OnlinePaymentRecord {
    pub id: String,
    pub account_id: i64,
    pub user_id: Option<i64>,
    pub amount: i64,
    #[sqlx(try_from = "String")]
    pub status: PaymentStatus,
    #[sqlx(try_from = "String")]
    pub provider: PaymentProvider,
    pub provider_payment_id: Option<String>,
    pub idempotence_key: String,
    pub confirmation_url: Option<String>,
    pub credited_payment_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewOnlinePayment {
    pub id: String,
    pub account_id: i64,
    pub user_id: Option<i64>,
    pub amount: i64,
    pub provider: PaymentProvider,
    pub idempotence_key: String,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// A new payment in status `created`; `Conflict` when the idempotence key was used.
    async fn create_online_payment(&self, p: &NewOnlinePayment)
        -> StoreResult<OnlinePaymentRecord>;
    async fn online_payment(&self, id: &str) -> StoreResult<Option<OnlinePaymentRecord>>;
    async fn online_payment_by_provider_id(
        &self,
        provider: PaymentProvider,
        provider_payment_id: &str,
    ) -> StoreResult<Option<OnlinePaymentRecord>>;
    /// Records the provider's id and confirmation page of a payment.
    async fn attach_provider_payment(
        &self,
        id: &str,
        provider_payment_id: &str,
        confirmation_url: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Applies a status the provider reported. When it is the first `succeeded`, the account
    /// is credited (a row in `payments`, the balance) in the same transaction. Returns the
    /// payment as it now is and whether this call credited it.
    async fn apply_payment_status(
        &self,
        id: &str,
        reported: PaymentStatus,
        paid_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(OnlinePaymentRecord, bool)>>;
    /// Claims up to `limit` payments still `created` or `pending` whose check is due at
    /// `now_ms`, moving their next check to `next_check_ms`: each is claimed by one node at a
    /// time (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
    async fn claim_unsettled_payments(
        &self,
        now_ms: i64,
        next_check_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<OnlinePaymentRecord>>;
}
