//! Storage behind one object-safe [`Store`] trait, chosen once at start-up from
//! `DATABASE_URL`: SQLite (embedded default) or PostgreSQL (production). Both implementations
//! share their SQL text (see [`sql`]); each backend has its own migration folder.

pub mod payments;
mod payments_sql;
pub mod registry;
mod registry_sql;
mod sql;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk_domain::Role;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use payments::PaymentStore;
pub use registry::RegistryStore;
pub use sql::SqlStore;

/// `FOR UPDATE SKIP LOCKED` where the backend has it (PostgreSQL); SQLite serialises writers,
/// so its single-statement claims need nothing more.
pub(crate) trait SkipLocked {
    const SKIP_LOCKED: &'static str;
}

impl SkipLocked for sqlx::Postgres {
    const SKIP_LOCKED: &'static str = "FOR UPDATE SKIP LOCKED";
}

impl SkipLocked for sqlx::Sqlite {
    const SKIP_LOCKED: &'static str = "";
}

/// Storage failures. Constraint violations the API must answer are their own variants.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated")]
    Conflict,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// The database cannot be reached or is overloaded right now: the request may succeed if
    /// retried later (PostgreSQL down, restarting or refusing connections; no free connection
    /// in the pool in time; SQLite busy beyond its timeout).
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(e) => match e {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => {
                    let code = db.code().unwrap_or_default();
                    // PostgreSQL: connection exceptions (08…), admin shutdown / crash shutdown
                    // / cannot connect now (57P01–57P03), too many connections (53300).
                    // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6) after the busy timeout.
                    code.starts_with("08")
                        || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300" | "5" | "6")
                }
                _ => false,
            },
            _ => false,
        }
    }
}

/// Connections of the pool, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub open: u32,
    pub idle: usize,
    pub max: u32,
}

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A user as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub email_normalized: String,
    pub password_hash: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub personal_data_consent_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Personal data to write (all four fields, already merged with the stored ones).
#[derive(Debug, Clone)]
pub struct PersonalData {
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
}

/// What one-time tokens are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

/// What happened to a presented refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// It was current: it is now spent and the new one replaces it.
    Rotated { user_id: i64, session_id: String },
    /// It had been rotated longer ago than the grace window: someone replayed it, so its whole
    /// family is now revoked.
    Reused,
    /// Unknown, expired, or its session was ended.
    Invalid,
}

/// A message as the development mailbox lists it (the outbox, newest first).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DevMail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A message to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `<…@…>`, kept across retries so receivers can drop duplicates.
    pub message_id: String,
    pub now: DateTime<Utc>,
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
}

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

/// Everything the server stores. Object-safe: handlers hold an `Arc<dyn Store>`.
#[async_trait]
pub trait Store: RegistryStore + PaymentStore + Send + Sync + 'static {
    fn backend(&self) -> Backend;
    /// Applies pending migrations.
    async fn migrate(&self) -> StoreResult<()>;
    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
    fn pool_stats(&self) -> PoolStats;
    /// Closes the connection pool (shutdown); later calls fail as unavailable.
    async fn close(&self);

    // Users
    /// Creates a user; `Conflict` when the normalised e-mail is taken.
    async fn create_user(&self, user: &NewUser) -> StoreResult<UserRecord>;
    async fn user_by_email(&self, email_normalized: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn update_personal_data(
        &self,
        id: i64,
        data: &PersonalData,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserRecord>>;
    async fn set_password_hash(&self, id: i64, hash: &str, now: DateTime<Utc>) -> StoreResult<()>;

    // One-time tokens (stored hashed)
    async fn create_one_time_token(
        &self,
        token_hash: &str,
        user_id: i64,
        purpose: TokenPurpose,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The user of a live (unused, unexpired) token, without spending it.
    async fn peek_one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Spends an e-mail confirmation token and marks the address confirmed, atomically.
    async fn confirm_email(&self, token_hash: &str, now: DateTime<Utc>)
        -> StoreResult<Option<i64>>;
    /// Spends a reset token, sets the new password hash, spends the user's other reset tokens,
    /// confirms the e-mail and ends all sessions — atomically. `None` if the token is not live.
    async fn reset_password(
        &self,
        token_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;

    // Sessions (refresh-token families)
    async fn create_session(
        &self,
        session_id: &str,
        user_id: i64,
        first_token_hash: &str,
        expires_at: DateTime<Utc>,
        user_agent: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The user of a live session.
    async fn session_user(&self, session_id: &str) -> StoreResult<Option<i64>>;
    /// Spends a refresh token for a new one of the same session. A token already spent less
    /// than `grace` ago (concurrent refreshes of one browser) still yields a new token, a
    /// sibling of the first; once one sibling is used the others are superseded. A token spent
    /// earlier, or superseded, is a replay and ends the session.
    async fn rotate_refresh_token(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        grace: chrono::Duration,
    ) -> StoreResult<Rotation>;
    async fn revoke_session_by_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn revoke_session(&self, session_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Ends every session of the user except `keep`.
    async fn revoke_other_sessions(
        &self,
        user_id: i64,
        keep: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;

    // Throttling: fixed-window counters shared by all nodes.
    /// Adds `hits` to the counter of `key` in the window starting at `window_start` and
    /// returns the new count.
    async fn throttle_hit(&self, key: &str, window_start: i64, hits: i64) -> StoreResult<i64>;
    /// Takes one hit back from the counter of `key`, if it is still in that window.
    async fn throttle_give_back(&self, key: &str, window_start: i64) -> StoreResult<()>;
    async fn throttle_clear(&self, key: &str) -> StoreResult<()>;
    /// Forgets counters of windows that started before `before`.
    async fn throttle_prune(&self, before: i64) -> StoreResult<u64>;

    // Mail outbox
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

    // Idempotency keys (scoped to a user)
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

/// `url` without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Opens the database named by `url` (creating a SQLite file and its folder if needed).
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Ok(Arc::new(SqlStore::<sqlx::Postgres>::new(pool)))
    } else if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = Path::new(opts.get_filename()).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("could not create the folder {}: {e}", dir.display())
                })?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await?;
        Ok(Arc::new(SqlStore::<sqlx::Sqlite>::new(pool)))
    } else {
        anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://")
    }
}
