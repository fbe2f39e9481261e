//! Storage behind one object-safe [`Store`] trait, chosen once at start-up from
//! `DATABASE_URL`: SQLite (embedded default) or PostgreSQL (production). Both implementations
//! share their SQL text (see [`sql`]); each backend has its own migration folder.

pub mod access;
pub mod accounts;
#[cfg(feature = "bench-data")]
pub mod bench;
pub mod billing;
pub mod content;
pub mod family;
pub mod houses;
pub mod idempotency;
pub mod integration;
pub mod meters;
pub mod operations;
pub mod outbox;
pub mod payments;
mod payments_sql;
pub mod readings;
pub mod registry;
pub mod reminders;
pub mod requests;
pub mod sessions;
pub(crate) mod sql;
pub mod throttle;
pub mod two_factor;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use access::AccessStore;
pub use accounts::AccountStore;
#[cfg(feature = "bench-data")]
pub use bench::BenchData;
pub use billing::BillingStore;
pub use content::ContentStore;
pub use family::FamilyStore;
pub use houses::HouseStore;
pub use idempotency::{IdempotencyState, IdempotencyStore};
pub use integration::IntegrationStore;
pub use meters::MeterStore;
pub use operations::OperationStore;
pub use outbox::{DevMail, NewMail, OutboxMail, OutboxStore};
pub use payments::PaymentStore;
pub use readings::ReadingStore;
pub use registry::RegistryStore;
pub use reminders::ReminderStore;
pub use requests::RequestStore;
pub use sessions::{Device, Rotation, SessionRecord, SessionStore};
pub use sql::SqlStore;
pub use throttle::ThrottleStore;
pub use two_factor::{TwoFactorRecord, TwoFactorStore};
pub use users::{NewUser, PersonalData, TokenPurpose, UserRecord, UserStore};

/// What differs between the backends' SQL around locking and statement size.
pub(crate) trait Dialect {
    /// `FOR UPDATE SKIP LOCKED` where the backend has it (PostgreSQL); SQLite serialises
    /// writers, so its single-statement claims need nothing more.
    const SKIP_LOCKED: &'static str;
    /// `FOR UPDATE` where the backend has row locks (PostgreSQL); SQLite's write transaction
    /// already excludes every other writer.
    const FOR_UPDATE: &'static str;
    /// Begins a transaction that writes: SQLite takes the write lock at once, so a
    /// transaction that reads first cannot fail to upgrade later.
    const BEGIN_WRITE: &'static str;
    /// Keys per `IN (…)` list and rows per multi-row `INSERT` (PostgreSQL takes at most
    /// 65,535 parameters in a statement, SQLite 32,766).
    const CHUNK: usize;
}

impl Dialect for sqlx::Postgres {
    const SKIP_LOCKED: &'static str = "FOR UPDATE SKIP LOCKED";
    const FOR_UPDATE: &'static str = "FOR UPDATE";
    const BEGIN_WRITE: &'static str = "BEGIN";
    const CHUNK: usize = 2000;
}

impl Dialect for sqlx::Sqlite {
    const SKIP_LOCKED: &'static str = "";
    const FOR_UPDATE: &'static str = "";
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // SQLite finds a numbered parameter's name by a linear search, so binding a statement
    // of n parameters costs n²: short statements are faster there (and cheap in-process).
    const CHUNK: usize = 100;
}

/// Storage failures. Constraint violations the API must answer are their own variants.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unique constraint violated: {0:?}")]
    Conflict(Constraint),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which uniqueness rule a write broke, whichever database said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// A user with this e-mail address exists.
    UserEmail,
    /// Another house of the user has this account.
    HouseAccount,
    /// The meter has a reading of that day that this one may not replace (the company's).
    ReadingOfDay,
    /// An online payment with this id (or the acquirer's id) exists.
    OnlinePayment,
    /// A live (not revoked) API key has this name.
    ApiKeyName,
    /// Another rule, as the database names it (a key of the registry).
    Other(String),
}

impl Constraint {
    /// The rule a unique violation names: PostgreSQL gives the constraint (`houses_user_account`),
    /// SQLite the columns (`UNIQUE constraint failed: houses.user_id, houses.account_id`).
    pub(crate) fn of(db: &dyn sqlx::error::DatabaseError) -> Self {
        let name = db.constraint().map(str::to_owned).unwrap_or_else(|| {
            db.message()
                .split_once("failed: ")
                .map(|(_, cols)| cols.to_owned())
                .unwrap_or_default()
        });
        let table =
            |t: &str| name.starts_with(&format!("{t}_")) || name.starts_with(&format!("{t}."));
        if table("users") {
            Constraint::UserEmail
        } else if table("houses") {
            Constraint::HouseAccount
        } else if table("readings") {
            Constraint::ReadingOfDay
        } else if table("online_payments") {
            Constraint::OnlinePayment
        } else if name == "api_keys_live_name" || name == "api_keys.name" {
            Constraint::ApiKeyName
        } else {
            Constraint::Other(name)
        }
    }
}

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

/// Everything the server stores. Object-safe: handlers hold an `Arc<dyn Store>`.
#[async_trait]
pub trait Store:
    UserStore
    + SessionStore
    + ThrottleStore
    + OutboxStore
    + IdempotencyStore
    + HouseStore
    + AccessStore
    + AccountStore
    + MeterStore
    + ReadingStore
    + OperationStore
    + RegistryStore
    + PaymentStore
    + RequestStore
    + ContentStore
    + IntegrationStore
    + BillingStore
    + ReminderStore
    + TwoFactorStore
    + FamilyStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    /// Applies pending migrations.
    async fn migrate(&self) -> StoreResult<()>;
    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
    fn pool_stats(&self) -> PoolStats;
    /// Closes the connection pool (shutdown); later calls fail as unavailable.
    async fn close(&self);

    // Users

    // One-time tokens (stored hashed)

    // Sessions (refresh-token families)

    // Throttling: fixed-window counters shared by all nodes.

    // Mail outbox

    // Idempotency keys (scoped to a user)
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

/// A pooled PostgreSQL connection idle this long is pinged before it is handed out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// Rows SQLite's `ANALYZE` reads per index: statistics (`sqlite_stat1`) without samples
/// (`sqlite_stat4`).
const ANALYSIS_LIMIT: &str = "1000";

/// The pool of either backend, before it is wrapped for a purpose.
enum Pools {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Opens the database named by `url` (creating a SQLite file and its folder if needed).
#[tracing::instrument(skip_all)]
async fn open(url: &str) -> anyhow::Result<Pools> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            // A connection in use a moment ago is alive: pinging it before every query would
            // double the round trips. One idle for a while (the server may have restarted
            // since) is pinged, and replaced if it does not answer.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for < IDLE_BEFORE_PING {
                        return Ok(true);
                    }
                    Ok(sqlx::Connection::ping(conn).await.is_ok())
                })
            })
            .connect(url)
            .await?;
        Ok(Pools::Postgres(pool))
    } else if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // Statistics without `sqlite_stat4`: with its samples SQLite re-plans (re-prepares)
            // every statement whose parameters meet an indexed column on every execution,
            // which halves the throughput of the main page.
            .pragma("analysis_limit", ANALYSIS_LIMIT);
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
            // The database is a file in this process: nothing to ping.
            .test_before_acquire(false)
            .connect_with(opts)
            .await?;
        // A plain `ANALYZE` run by hand leaves samples behind (see `analysis_limit`): drop
        // them, and keep the planner's statistics current within the limit.
        sqlx::query("DROP TABLE IF EXISTS sqlite_stat4")
            .execute(&pool)
            .await?;
        sqlx::query("PRAGMA optimize").execute(&pool).await?;
        Ok(Pools::Sqlite(pool))
    } else {
        anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://")
    }
}

/// The server's store on the database named by `url`.
#[tracing::instrument(skip_all)]
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match open(url).await? {
        Pools::Sqlite(p) => Arc::new(SqlStore::<sqlx::Sqlite>::new(p)),
        Pools::Postgres(p) => Arc::new(SqlStore::<sqlx::Postgres>::new(p)),
    })
}

/// The generator of synthetic load-test data on the database named by `url` (not part of
/// the server's store; only in builds with the `bench-data` feature).
#[cfg(feature = "bench-data")]
#[tracing::instrument(skip_all)]
pub async fn connect_bench(url: &str) -> anyhow::Result<Arc<dyn BenchData>> {
    Ok(match open(url).await? {
        Pools::Sqlite(p) => Arc::new(SqlStore::<sqlx::Sqlite>::new(p)),
        Pools::Postgres(p) => Arc::new(SqlStore::<sqlx::Postgres>::new(p)),
    })
}
