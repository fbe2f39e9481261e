//! Requests to the company — questions, support requests, data change requests and service
//! orders — stored from anyone, listed for the signed-in user who sent them, and handled by
//! the contact centre with a history of replies and status changes.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{Language, RequestKind, RequestStatus};

use super::sql::SqlStore;
use super::StoreResult;

/// A request as it is stored.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    /// The signed-in sender, if any.
    pub user_id: Option<i64>,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub email: String,
    /// `Email::normalized` of `email`: what the queue searches.
    pub email_normalized: String,
    pub phone: Option<String>,
    pub body: String,
    /// The account a change request or a service order is about: its id and number.
    pub account: Option<(i64, String)>,
    /// The ordered service: its code and name.
    pub service: Option<(String, String)>,
    pub preferred_date: Option<NaiveDate>,
    /// The language the sender reads: theirs when signed in, their `Accept-Language`
    /// otherwise; the contact centre's reply is mailed in it.
    pub language: Language,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRecord {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub user_id: Option<i64>,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub body: String,
    pub account_number: Option<String>,
    pub service_name: Option<String>,
    pub preferred_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The language the request was written in.
    #[sqlx(try_from = "String")]
    pub language: Language,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRecord {
    /// An unknown kind in the database is a decoding error (a 500 that is logged), never a
    /// silent default.
    #[sqlx(try_from = "String")]
    pub kind: lk_api_types::RequestEventKind,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub body: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// Which requests a queue shows.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub status: Option<RequestStatus>,
    pub kind: Option<RequestKind>,
    /// A normalised e-mail address (`Email::normalized`), an account number or a request
    /// number.
    pub search: Option<String>,
    /// Only requests numbered below this (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// What an operator does to a request.
#[derive(Debug, Clone)]
pub struct RequestAction {
    pub reply: Option<String>,
    /// The status asked for, if any.
    pub status: Option<RequestStatus>,
    pub actor_id: i64,
    /// The operator as the history shows them.
    pub actor: String,
    pub now: DateTime<Utc>,
}

/// Why an action was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    /// Applied: the request's status now.
    Done(RequestStatus),
    NotFound,
    /// The status cannot move from `from` to the one asked for.
    NotAllowed {
        from: RequestStatus,
    },
}

#[async_trait]
pub trait RequestStore: Send + Sync {
    /// Stores a new request (status `new`); its id is its number.
    async fn create_request(&self, r: &NewRequest) -> StoreResult<i64>;
    /// The requests a user sent while signed in, newest first.
    async fn requests_of_user(&self, user_id: i64) -> StoreResult<Vec<RequestRecord>>;
    /// One request, whoever sent it.
    async fn request(&self, id: i64) -> StoreResult<Option<RequestRecord>>;
    /// A request's history, oldest first.
    async fn request_events(&self, id: i64) -> StoreResult<Vec<EventRecord>>;
    /// A queue of the contact centre, newest first.
    async fn find_requests(&self, f: &RequestFilter) -> StoreResult<Vec<RequestRecord>>;
    /// Applies an operator's reply and/or status change atomically: the request is locked,
    /// the transition checked by the domain's rule, and every change recorded in its history.
    async fn act_on_request(&self, id: i64, a: &RequestAction) -> StoreResult<ActionOutcome>;
}

const CREATE_REQUEST: &str = "INSERT INTO requests (kind, user_id, last_name, first_name, patronymic, email, phone, body, status, created_at, updated_at, account_id, account_number, service_code, service_name, preferred_date, email_normalized, language) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id";
const REQUEST_COLUMNS: &str = "id, kind, status, user_id, last_name, first_name, patronymic, email, phone, body, account_number, service_name, preferred_date, created_at, updated_at, language";
const EVENTS: &str =
    "SELECT kind, status, body, actor, at FROM request_events WHERE request_id = $1 ORDER BY id";
/// Locks the request (the row on PostgreSQL, the database on SQLite) and reads its status.
const LOCK_REQUEST: &str = "UPDATE requests SET updated_at = $2 WHERE id = $1 RETURNING status";
const SET_STATUS: &str = "UPDATE requests SET status = $2 WHERE id = $1";
const INSERT_EVENT: &str = "INSERT INTO request_events (request_id, kind, status, body, actor_id, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

fn select(tail: &str) -> String {
    format!("SELECT {REQUEST_COLUMNS} FROM requests {tail}")
}

macro_rules! impl_requests {
    ($db:ty) => {
        #[async_trait]
        impl RequestStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn create_request(&self, r: &NewRequest) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(CREATE_REQUEST)
                    .bind(r.kind.as_str())
                    .bind(r.user_id)
                    .bind(&r.last_name)
                    .bind(&r.first_name)
                    .bind(&r.patronymic)
                    .bind(&r.email)
                    .bind(&r.phone)
                    .bind(&r.body)
                    .bind(r.now)
                    .bind(r.account.as_ref().map(|a| a.0))
                    .bind(r.account.as_ref().map(|a| a.1.as_str()))
                    .bind(r.service.as_ref().map(|s| s.0.as_str()))
                    .bind(r.service.as_ref().map(|s| s.1.as_str()))
                    .bind(r.preferred_date)
                    .bind(&r.email_normalized)
                    .bind(r.language.as_str())
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn requests_of_user(&self, user_id: i64) -> StoreResult<Vec<RequestRecord>> {
                Ok(sqlx::query_as::<_, RequestRecord>(&select("WHERE user_id = $1 ORDER BY id DESC"))
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn request(&self, id: i64) -> StoreResult<Option<RequestRecord>> {
                Ok(sqlx::query_as::<_, RequestRecord>(&select("WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn request_events(&self, id: i64) -> StoreResult<Vec<EventRecord>> {
                Ok(sqlx::query_as::<_, EventRecord>(EVENTS)
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn find_requests(&self, f: &RequestFilter) -> StoreResult<Vec<RequestRecord>> {
                let sql = select(
                    "WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) \
                       AND (CAST($2 AS TEXT) IS NULL OR kind = $2) \
                       AND (CAST($3 AS TEXT) IS NULL OR email_normalized = $3 OR account_number = $3 OR id = CAST($4 AS BIGINT)) \
                       AND (CAST($5 AS BIGINT) IS NULL OR id < $5) \
                     ORDER BY id DESC LIMIT $6",
                );
                let number = f.search.as_deref().and_then(|s| s.trim_start_matches('№').trim().parse::<i64>().ok());
                Ok(sqlx::query_as::<_, RequestRecord>(&sql)
                    .bind(f.status.map(|s| s.as_str()))
                    .bind(f.kind.map(|k| k.as_str()))
                    .bind(f.search.as_deref())
                    .bind(number)
                    .bind(f.before)
                    .bind(f.limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn act_on_request(&self, id: i64, a: &RequestAction) -> StoreResult<ActionOutcome> {
                let mut tx = self.pool.begin().await?;
                let Some(current) = sqlx::query_scalar::<_, String>(LOCK_REQUEST)
                    .bind(id)
                    .bind(a.now)
                    .fetch_optional(&mut *tx)
                    .await?
                else {
                    return Ok(ActionOutcome::NotFound);
                };
                let current = RequestStatus::try_from(current)
                    .map_err(|e| sqlx::Error::Decode(e.into()))?;
                let target = match (a.status, &a.reply) {
                    // A reply may keep the status as it is.
                    (Some(to), Some(_)) if to == current => current,
                    (Some(to), _) if !current.can_move_to(to) => {
                        return Ok(ActionOutcome::NotAllowed { from: current });
                    }
                    (Some(to), _) => to,
                    (None, Some(_)) => current.after_reply(),
                    (None, None) => return Ok(ActionOutcome::NotAllowed { from: current }),
                };
                // One entry per action: the reply (with the status after it), or the change.
                sqlx::query(INSERT_EVENT)
                    .bind(id)
                    .bind(if a.reply.is_some() { "reply" } else { "status" })
                    .bind(target.as_str())
                    .bind(a.reply.as_deref())
                    .bind(a.actor_id)
                    .bind(&a.actor)
                    .bind(a.now)
                    .execute(&mut *tx)
                    .await?;
                if target != current {
                    sqlx::query(SET_STATUS)
                        .bind(id)
                        .bind(target.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(ActionOutcome::Done(target))
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_requests!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_requests!(sqlx::Postgres);
}
