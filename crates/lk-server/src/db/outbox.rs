//! The mail outbox: requests enqueue, senders on any node claim and deliver each message once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::sql::SqlStore;
use super::StoreResult;

/// A message as the development mailbox lists it (the outbox, newest first).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DevMail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub list_unsubscribe: Option<String>,
    pub attachment_name: Option<String>,
}

/// A message to put in the outbox.
#[derive(Debug, Clone, Default)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `<…@…>`, kept across retries so receivers can drop duplicates.
    pub message_id: String,
    pub now: DateTime<Utc>,
    /// The one-click unsubscribe URL of a reminder (RFC 8058).
    pub list_unsubscribe: Option<String>,
    /// A file attached: its name and bytes (a PDF).
    pub attachment: Option<(String, Vec<u8>)>,
}

/// A message claimed for delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    /// Delivery attempts including this one.
    pub attempts: i64,
    pub list_unsubscribe: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment: Option<Vec<u8>>,
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn enqueue_mail(&self, mail: &NewMail) -> StoreResult<i64>;
    /// Claims up to `limit` messages due at `now_ms` for delivery until `lease_until_ms`,
    /// counting an attempt: a message is claimed by one sender at a time (`FOR UPDATE SKIP
    /// LOCKED` on PostgreSQL, the write lock on SQLite); a sender that dies loses its lease.
    async fn claim_mails(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<OutboxMail>>;
    /// Delivered. Its text is wiped unless `keep_body` (the development mailbox shows it): a
    /// delivered message's links (password reset, confirmation) must not wait in the database.
    async fn mail_sent(&self, id: i64, now: DateTime<Utc>, keep_body: bool) -> StoreResult<()>;
    /// Delivery failed: try again at `next_attempt_ms`, or give up (`None`, text wiped).
    async fn mail_failed(
        &self,
        id: i64,
        next_attempt_ms: Option<i64>,
        error: &str,
    ) -> StoreResult<()>;
    /// Forgets delivered and failed messages last attempted before `before_ms`.
    async fn prune_mails(&self, before_ms: i64) -> StoreResult<u64>;
    /// The development mailbox: the newest messages of the outbox.
    async fn dev_mails(&self, to: Option<&str>, limit: i64) -> StoreResult<Vec<DevMail>>;
    /// Messages by status (`queued`, `sent`, `failed`), for tests and operators.
    async fn count_mails(&self, status: &str) -> StoreResult<i64>;
}

pub(super) const ENQUEUE_MAIL: &str = "INSERT INTO mail_outbox (to_addr, subject, text_body, html_body, message_id, next_attempt_ms, created_at, \
                     list_unsubscribe, attachment_name, attachment) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
const MAIL_SENT: &str = "UPDATE mail_outbox SET status = 'sent', sent_at = $1, claimed_until_ms = 0, last_error = NULL WHERE id = $2";
const MAIL_SENT_2: &str = "UPDATE mail_outbox SET status = 'sent', sent_at = $1, claimed_until_ms = 0, last_error = NULL, text_body = '', html_body = '', attachment = NULL WHERE id = $2";
const MAIL_FAILED: &str = "UPDATE mail_outbox SET next_attempt_ms = $1, claimed_until_ms = 0, last_error = $2 WHERE id = $3";
const MAIL_FAILED_2: &str = "UPDATE mail_outbox SET status = 'failed', claimed_until_ms = 0, last_error = $1, text_body = '', html_body = '', attachment = NULL WHERE id = $2";
const PRUNE_MAILS: &str =
    "DELETE FROM mail_outbox WHERE status <> 'queued' AND next_attempt_ms < $1";
const DEV_MAILS: &str =
    "SELECT id, to_addr, subject, text_body AS body, created_at, list_unsubscribe, attachment_name FROM mail_outbox \
                     WHERE ($1 IS NULL OR lower(to_addr) = lower($1)) ORDER BY id DESC LIMIT $2";
const COUNT_MAILS: &str = "SELECT COUNT(*) FROM mail_outbox WHERE status = $1";

/// Claims the messages due at `$2` (at most `$3`) until `$1`; `skip_locked` is the
/// dialect's `SKIP_LOCKED`.
fn claim_mails_sql(skip_locked: &str) -> String {
    format!(
        "UPDATE mail_outbox SET claimed_until_ms = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_ms <= $2 AND claimed_until_ms <= $2 \
                      ORDER BY id LIMIT $3 {skip_locked}) \
         RETURNING id, to_addr, subject, text_body, html_body, message_id, attempts, list_unsubscribe, attachment_name, attachment"
    )
}

macro_rules! impl_outbox {
    ($db:ty) => {
        #[async_trait]
        impl OutboxStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn enqueue_mail(&self, m: &NewMail) -> StoreResult<i64> {
                let (name, bytes) = match &m.attachment {
                    Some((name, bytes)) => (Some(name.as_str()), Some(bytes.as_slice())),
                    None => (None, None),
                };
                Ok(sqlx::query_scalar::<_, i64>(ENQUEUE_MAIL)
                    .bind(&m.to)
                    .bind(&m.subject)
                    .bind(&m.text)
                    .bind(&m.html)
                    .bind(&m.message_id)
                    .bind(m.now.timestamp_millis())
                    .bind(m.now)
                    .bind(m.list_unsubscribe.as_deref())
                    .bind(name)
                    .bind(bytes)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn claim_mails(
                &self,
                now_ms: i64,
                lease_until_ms: i64,
                limit: i64,
            ) -> StoreResult<Vec<OutboxMail>> {
                let sql = claim_mails_sql(<$db as crate::db::Dialect>::SKIP_LOCKED);
                Ok(sqlx::query_as::<_, OutboxMail>(&sql)
                    .bind(lease_until_ms)
                    .bind(now_ms)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn mail_sent(
                &self,
                id: i64,
                now: DateTime<Utc>,
                keep_body: bool,
            ) -> StoreResult<()> {
                let sql = if keep_body { MAIL_SENT } else { MAIL_SENT_2 };
                sqlx::query(sql)
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip(self))]
            async fn mail_failed(
                &self,
                id: i64,
                next_attempt_ms: Option<i64>,
                error: &str,
            ) -> StoreResult<()> {
                let error: String = error.chars().take(500).collect();
                match next_attempt_ms {
                    Some(at) => {
                        sqlx::query(MAIL_FAILED)
                            .bind(at)
                            .bind(&error)
                            .bind(id)
                            .execute(&self.pool)
                            .await?
                    }
                    None => {
                        sqlx::query(MAIL_FAILED_2)
                            .bind(&error)
                            .bind(id)
                            .execute(&self.pool)
                            .await?
                    }
                };
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn prune_mails(&self, before_ms: i64) -> StoreResult<u64> {
                Ok(sqlx::query(PRUNE_MAILS)
                    .bind(before_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            #[tracing::instrument(skip_all)]
            async fn dev_mails(&self, to: Option<&str>, limit: i64) -> StoreResult<Vec<DevMail>> {
                Ok(sqlx::query_as::<_, DevMail>(DEV_MAILS)
                    .bind(to)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn count_mails(&self, status: &str) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(COUNT_MAILS)
                    .bind(status)
                    .fetch_one(&self.pool)
                    .await?)
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_outbox!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_outbox!(sqlx::Postgres);
}
