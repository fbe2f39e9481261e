//! E-mail reminders and paperless receipts (X4): what each user switched on, the facts the
//! reminder job decides on, and the once-only claim of a message — the row in `reminders_sent`
//! and the mail in the outbox written in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::reminders::{InvoiceFact, PaymentFact, ReminderKind};
use lk_domain::{Kopecks, Language};

use super::accounts::{AccountRecord, ACCOUNT_SELECT};
use super::outbox::{NewMail, ENQUEUE_MAIL};
use super::sql::SqlStore;
use super::{Dialect, StoreResult};

/// A reminder a user switched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRecord {
    pub user_id: i64,
    pub kind: ReminderKind,
    pub threshold: Option<Kopecks>,
    pub since_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    user_id: i64,
    kind: String,
    threshold_kopecks: Option<i64>,
    since_on: NaiveDate,
    created_at: DateTime<Utc>,
}

impl SubscriptionRow {
    fn record(self) -> Option<SubscriptionRecord> {
        Some(SubscriptionRecord {
            user_id: self.user_id,
            kind: ReminderKind::parse(&self.kind)?,
            threshold: self.threshold_kopecks.map(Kopecks),
            since_on: self.since_on,
            created_at: self.created_at,
        })
    }
}

/// An account of the user's houses and whether its receipts come by e-mail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaperlessRecord {
    pub user_id: i64,
    pub account_id: i64,
    pub account_number: String,
    pub house_name: String,
    /// The day the paperless receipt was switched on; `None`: off.
    pub since_on: Option<NaiveDate>,
}

/// A user's account the reminder job looks at, with what it needs to know of both.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReminderTarget {
    pub user_id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub language: Language,
    pub account_id: i64,
    pub account_number: String,
    pub balance: i64,
    pub last_reading_on: Option<NaiveDate>,
}

/// What a one-click unsubscribe token switched off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsubscribed {
    Reminder(ReminderKind),
    /// The paperless receipt of this account (its number).
    Paperless(String),
}

/// The key a message is sent once under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentKey<'a> {
    pub user_id: i64,
    pub account_id: i64,
    pub kind: &'a str,
    pub period: &'a str,
}

#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// The reminders `user_id` switched on.
    async fn subscriptions(&self, user_id: i64) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Switches a reminder on (keeping the day it was first switched on; a threshold given
    /// replaces the stored one) or off.
    #[allow(clippy::too_many_arguments)]
    async fn set_subscription(
        &self,
        user_id: i64,
        kind: ReminderKind,
        on: bool,
        threshold: Option<Kopecks>,
        today: NaiveDate,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The accounts of the user's houses, each with its paperless switch.
    async fn paperless(&self, user_id: i64) -> StoreResult<Vec<PaperlessRecord>>;
    /// Switches the paperless receipt of one of the user's accounts on or off; `false` when
    /// no house of the user has the account.
    async fn set_paperless(
        &self,
        user_id: i64,
        account_number: &str,
        on: bool,
        today: NaiveDate,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// What the token's subscription is, if it is on.
    async fn subscription_by_token(&self, token_hash: &str) -> StoreResult<Option<Unsubscribed>>;
    /// Switches off what the token names (one statement per table: a second call finds
    /// nothing); `None` when nothing is on under it.
    async fn unsubscribe(&self, token_hash: &str) -> StoreResult<Option<Unsubscribed>>;

    /// Every reminder switched on by a confirmed, enabled user.
    async fn all_subscriptions(&self) -> StoreResult<Vec<SubscriptionRecord>>;
    /// Every paperless account of a confirmed, enabled user.
    async fn all_paperless(&self) -> StoreResult<Vec<PaperlessRecord>>;
    /// The accounts of the houses of confirmed, enabled users who switched anything on (only
    /// `user_id`'s when given).
    async fn reminder_targets(&self, user_id: Option<i64>) -> StoreResult<Vec<ReminderTarget>>;
    /// An account by id, as its subscribers see it.
    async fn account_record(&self, account_id: i64) -> StoreResult<Option<AccountRecord>>;
    /// The invoices issued on or after `from` not yet mailed, of the accounts whose users want
    /// them (the invoice reminder or the paperless receipt), by `(user, account)` (only
    /// `user_id`'s when given). One statement for all, driven by the subscribed houses through
    /// the invoices' `(account, issued_on)` index.
    async fn unsent_invoices(
        &self,
        from: NaiveDate,
        user_id: Option<i64>,
    ) -> StoreResult<Vec<(i64, i64, InvoiceFact)>>;
    /// The payments made on or after `from` not yet mailed, of the accounts of the users who
    /// switched the payment reminder on, by `(user, account)`.
    async fn unsent_payments(
        &self,
        from: NaiveDate,
        user_id: Option<i64>,
    ) -> StoreResult<Vec<(i64, i64, PaymentFact)>>;
    /// Claims the message `key` and queues `mail` in one transaction; `None` (and nothing
    /// queued) when it was claimed before, by this node or another.
    async fn claim_reminder(&self, key: &SentKey<'_>, mail: &NewMail) -> StoreResult<Option<i64>>;
}

const SUBSCRIPTION_COLUMNS: &str =
    "s.user_id, s.kind, s.threshold_kopecks, s.since_on, s.created_at";
/// Users who may receive mail: confirmed and not disabled.
const REACHABLE: &str = "u.email_confirmed_at IS NOT NULL AND u.disabled_at IS NULL";

const SET_SUBSCRIPTION: &str = "INSERT INTO reminder_subscriptions (user_id, kind, threshold_kopecks, since_on, token_hash, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (user_id, kind) DO UPDATE SET threshold_kopecks = COALESCE(excluded.threshold_kopecks, reminder_subscriptions.threshold_kopecks), \
     token_hash = excluded.token_hash";
const UNSET_SUBSCRIPTION: &str =
    "DELETE FROM reminder_subscriptions WHERE user_id = $1 AND kind = $2";
const PAPERLESS: &str = "SELECT h.user_id, a.id AS account_id, a.number AS account_number, h.name AS house_name, p.since_on \
     FROM houses h JOIN accounts a ON a.id = h.account_id \
     LEFT JOIN paperless_accounts p ON p.user_id = h.user_id AND p.account_id = a.id \
     WHERE h.user_id = $1 ORDER BY h.id";
const SET_PAPERLESS: &str = "INSERT INTO paperless_accounts (user_id, account_id, since_on, token_hash, created_at) \
     SELECT h.user_id, h.account_id, $3, $4, $5 FROM houses h JOIN accounts a ON a.id = h.account_id \
     WHERE h.user_id = $1 AND a.number = $2 \
     ON CONFLICT (user_id, account_id) DO UPDATE SET token_hash = excluded.token_hash";
const UNSET_PAPERLESS: &str = "DELETE FROM paperless_accounts WHERE user_id = $1 \
     AND account_id IN (SELECT h.account_id FROM houses h JOIN accounts a ON a.id = h.account_id WHERE h.user_id = $1 AND a.number = $2)";
const OWNS_ACCOUNT: &str = "SELECT COUNT(*) FROM houses h JOIN accounts a ON a.id = h.account_id WHERE h.user_id = $1 AND a.number = $2";
const KIND_BY_TOKEN: &str = "SELECT kind FROM reminder_subscriptions WHERE token_hash = $1";
const PAPERLESS_BY_TOKEN: &str = "SELECT a.number FROM paperless_accounts p JOIN accounts a ON a.id = p.account_id WHERE p.token_hash = $1";
const UNSUBSCRIBE: &str = "DELETE FROM reminder_subscriptions WHERE token_hash = $1 RETURNING kind";
const UNSUBSCRIBE_PAPERLESS: &str =
    "DELETE FROM paperless_accounts WHERE token_hash = $1 RETURNING account_id";
const ACCOUNT_NUMBER: &str = "SELECT number FROM accounts WHERE id = $1";
const TARGETS: &str = "SELECT h.user_id, u.email, COALESCE(us.language, 'ru') AS language, a.id AS account_id, \
        a.number AS account_number, a.balance, \
        (SELECT r.taken_on FROM readings r WHERE r.account_id = a.id ORDER BY r.taken_on DESC LIMIT 1) AS last_reading_on \
     FROM houses h JOIN users u ON u.id = h.user_id JOIN accounts a ON a.id = h.account_id \
     LEFT JOIN user_settings us ON us.user_id = h.user_id \
     WHERE u.email_confirmed_at IS NOT NULL AND u.disabled_at IS NULL \
       AND (EXISTS (SELECT 1 FROM reminder_subscriptions s WHERE s.user_id = h.user_id) \
            OR EXISTS (SELECT 1 FROM paperless_accounts p WHERE p.user_id = h.user_id AND p.account_id = a.id))";
const UNSENT_INVOICES: &str = "SELECT h.user_id, h.account_id, i.id, i.issued_on \
     FROM houses h JOIN users u ON u.id = h.user_id \
     JOIN invoices i ON i.account_id = h.account_id AND i.issued_on >= $1 \
     WHERE u.email_confirmed_at IS NOT NULL AND u.disabled_at IS NULL \
       AND (EXISTS (SELECT 1 FROM reminder_subscriptions s WHERE s.user_id = h.user_id AND s.kind = 'invoice') \
            OR EXISTS (SELECT 1 FROM paperless_accounts p WHERE p.user_id = h.user_id AND p.account_id = h.account_id)) \
       AND NOT EXISTS (SELECT 1 FROM reminders_sent x WHERE x.user_id = h.user_id AND x.account_id = h.account_id \
                       AND x.kind = 'invoice' AND x.period = CAST(i.id AS TEXT))";
const UNSENT_PAYMENTS: &str = "SELECT h.user_id, h.account_id, p.id, p.amount, p.paid_on, p.created_at \
     FROM houses h JOIN users u ON u.id = h.user_id \
     JOIN payments p ON p.account_id = h.account_id AND p.paid_on >= $1 \
     WHERE u.email_confirmed_at IS NOT NULL AND u.disabled_at IS NULL \
       AND EXISTS (SELECT 1 FROM reminder_subscriptions s WHERE s.user_id = h.user_id AND s.kind = 'payment') \
       AND NOT EXISTS (SELECT 1 FROM reminders_sent x WHERE x.user_id = h.user_id AND x.account_id = h.account_id \
                       AND x.kind = 'payment' AND x.period = CAST(p.id AS TEXT))";
/// Narrows a statement above to one user (`$2`).
const OF_USER: &str = " AND h.user_id = $2";
const CLAIM: &str =
    "INSERT INTO reminders_sent (user_id, account_id, kind, period, mail_id, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, account_id, kind, period) DO NOTHING";

/// [`UNSENT_INVOICES`] or [`UNSENT_PAYMENTS`], narrowed by [`OF_USER`] if `one_user`.
fn of_user(unsent: &str, one_user: bool) -> String {
    format!("{unsent}{}", if one_user { OF_USER } else { "" })
}

/// The user's (`$1`) subscriptions.
fn subscriptions_sql() -> String {
    format!("SELECT {SUBSCRIPTION_COLUMNS} FROM reminder_subscriptions s WHERE s.user_id = $1")
}

/// The subscriptions of every [`REACHABLE`] user.
fn all_subscriptions_sql() -> String {
    format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM reminder_subscriptions s JOIN users u ON u.id = s.user_id WHERE {REACHABLE}"
    )
}

/// The paperless accounts of every [`REACHABLE`] user.
fn all_paperless_sql() -> String {
    format!(
        "SELECT p.user_id, p.account_id, a.number AS account_number, '' AS house_name, p.since_on \
         FROM paperless_accounts p JOIN accounts a ON a.id = p.account_id JOIN users u ON u.id = p.user_id \
         WHERE {REACHABLE}"
    )
}

/// [`TARGETS`] of every user, or of user `$1` if `one_user`.
fn reminder_targets_sql(one_user: bool) -> String {
    if one_user {
        format!("{TARGETS} AND h.user_id = $1 ORDER BY a.id")
    } else {
        format!("{TARGETS} ORDER BY h.user_id, a.id")
    }
}

/// The account `$1`.
fn account_record_sql() -> String {
    format!("{ACCOUNT_SELECT} WHERE a.id = $1")
}

macro_rules! impl_reminders {
    ($db:ty) => {
        #[async_trait]
        impl ReminderStore for SqlStore<$db> {
            #[tracing::instrument(skip(self))]
            async fn subscriptions(&self, user_id: i64) -> StoreResult<Vec<SubscriptionRecord>> {
                let rows = sqlx::query_as::<_, SubscriptionRow>(&subscriptions_sql())
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(SubscriptionRow::record)
                    .collect())
            }

            #[tracing::instrument(skip(self, token_hash))]
            async fn set_subscription(
                &self,
                user_id: i64,
                kind: ReminderKind,
                on: bool,
                threshold: Option<Kopecks>,
                today: NaiveDate,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                if on {
                    sqlx::query(SET_SUBSCRIPTION)
                        .bind(user_id)
                        .bind(kind.as_str())
                        .bind(threshold.map(|k| k.0))
                        .bind(today)
                        .bind(token_hash)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                } else {
                    sqlx::query(UNSET_SUBSCRIPTION)
                        .bind(user_id)
                        .bind(kind.as_str())
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            #[tracing::instrument(skip(self))]
            async fn paperless(&self, user_id: i64) -> StoreResult<Vec<PaperlessRecord>> {
                Ok(sqlx::query_as::<_, PaperlessRecord>(PAPERLESS)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self, token_hash))]
            async fn set_paperless(
                &self,
                user_id: i64,
                account_number: &str,
                on: bool,
                today: NaiveDate,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let owned = sqlx::query_scalar::<_, i64>(OWNS_ACCOUNT)
                    .bind(user_id)
                    .bind(account_number)
                    .fetch_one(&self.pool)
                    .await?;
                if owned == 0 {
                    return Ok(false);
                }
                if on {
                    sqlx::query(SET_PAPERLESS)
                        .bind(user_id)
                        .bind(account_number)
                        .bind(today)
                        .bind(token_hash)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                } else {
                    sqlx::query(UNSET_PAPERLESS)
                        .bind(user_id)
                        .bind(account_number)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(true)
            }

            #[tracing::instrument(skip_all)]
            async fn subscription_by_token(
                &self,
                token_hash: &str,
            ) -> StoreResult<Option<Unsubscribed>> {
                if let Some(kind) = sqlx::query_scalar::<_, String>(KIND_BY_TOKEN)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                {
                    return Ok(ReminderKind::parse(&kind).map(Unsubscribed::Reminder));
                }
                Ok(sqlx::query_scalar::<_, String>(PAPERLESS_BY_TOKEN)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Unsubscribed::Paperless))
            }

            #[tracing::instrument(skip_all)]
            async fn unsubscribe(&self, token_hash: &str) -> StoreResult<Option<Unsubscribed>> {
                if let Some(kind) = sqlx::query_scalar::<_, String>(UNSUBSCRIBE)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                {
                    return Ok(ReminderKind::parse(&kind).map(Unsubscribed::Reminder));
                }
                let Some(account_id) = sqlx::query_scalar::<_, i64>(UNSUBSCRIBE_PAPERLESS)
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                Ok(sqlx::query_scalar::<_, String>(ACCOUNT_NUMBER)
                    .bind(account_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Unsubscribed::Paperless))
            }

            #[tracing::instrument(skip_all)]
            async fn all_subscriptions(&self) -> StoreResult<Vec<SubscriptionRecord>> {
                let rows = sqlx::query_as::<_, SubscriptionRow>(&all_subscriptions_sql())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(SubscriptionRow::record)
                    .collect())
            }

            #[tracing::instrument(skip_all)]
            async fn all_paperless(&self) -> StoreResult<Vec<PaperlessRecord>> {
                Ok(sqlx::query_as::<_, PaperlessRecord>(&all_paperless_sql())
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn reminder_targets(
                &self,
                user_id: Option<i64>,
            ) -> StoreResult<Vec<ReminderTarget>> {
                Ok(match user_id {
                    None => {
                        sqlx::query_as::<_, ReminderTarget>(&reminder_targets_sql(false))
                            .fetch_all(&self.pool)
                            .await?
                    }
                    Some(id) => {
                        sqlx::query_as::<_, ReminderTarget>(&reminder_targets_sql(true))
                            .bind(id)
                            .fetch_all(&self.pool)
                            .await?
                    }
                })
            }

            #[tracing::instrument(skip(self))]
            async fn account_record(&self, account_id: i64) -> StoreResult<Option<AccountRecord>> {
                Ok(sqlx::query_as::<_, AccountRecord>(&account_record_sql())
                    .bind(account_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn unsent_invoices(
                &self,
                from: NaiveDate,
                user_id: Option<i64>,
            ) -> StoreResult<Vec<(i64, i64, InvoiceFact)>> {
                let sql = of_user(UNSENT_INVOICES, user_id.is_some());
                let mut query = sqlx::query_as::<_, (i64, i64, i64, NaiveDate)>(&sql).bind(from);
                if let Some(id) = user_id {
                    query = query.bind(id);
                }
                let rows = query.fetch_all(&self.pool).await?;
                Ok(rows
                    .into_iter()
                    .map(|(user, account, id, issued_on)| {
                        (user, account, InvoiceFact { id, issued_on })
                    })
                    .collect())
            }

            #[tracing::instrument(skip(self))]
            async fn unsent_payments(
                &self,
                from: NaiveDate,
                user_id: Option<i64>,
            ) -> StoreResult<Vec<(i64, i64, PaymentFact)>> {
                let sql = of_user(UNSENT_PAYMENTS, user_id.is_some());
                let mut query =
                    sqlx::query_as::<_, (i64, i64, i64, i64, NaiveDate, DateTime<Utc>)>(&sql)
                        .bind(from);
                if let Some(id) = user_id {
                    query = query.bind(id);
                }
                let rows = query.fetch_all(&self.pool).await?;
                Ok(rows
                    .into_iter()
                    .map(|(user, account, id, amount, paid_on, recorded_at)| {
                        (
                            user,
                            account,
                            PaymentFact {
                                id,
                                amount: Kopecks(amount),
                                paid_on,
                                recorded_at,
                            },
                        )
                    })
                    .collect())
            }

            #[tracing::instrument(skip(self, mail))]
            async fn claim_reminder(
                &self,
                key: &SentKey<'_>,
                mail: &NewMail,
            ) -> StoreResult<Option<i64>> {
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                let (name, bytes) = match &mail.attachment {
                    Some((name, bytes)) => (Some(name.as_str()), Some(bytes.as_slice())),
                    None => (None, None),
                };
                let mail_id = sqlx::query_scalar::<_, i64>(ENQUEUE_MAIL)
                    .bind(&mail.to)
                    .bind(&mail.subject)
                    .bind(&mail.text)
                    .bind(&mail.html)
                    .bind(&mail.message_id)
                    .bind(mail.now.timestamp_millis())
                    .bind(mail.now)
                    .bind(mail.list_unsubscribe.as_deref())
                    .bind(name)
                    .bind(bytes)
                    .fetch_one(&mut *tx)
                    .await?;
                let claimed = sqlx::query(CLAIM)
                    .bind(key.user_id)
                    .bind(key.account_id)
                    .bind(key.kind)
                    .bind(key.period)
                    .bind(mail_id)
                    .bind(mail.now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if claimed == 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
                tx.commit().await?;
                Ok(Some(mail_id))
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_reminders!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_reminders!(sqlx::Postgres);
}
