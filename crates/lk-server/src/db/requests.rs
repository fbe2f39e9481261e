//! Requests to the contact centre (questions, support requests): stored from anyone, listed
//! for the signed-in user who sent them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk_domain::{RequestKind, RequestStatus};

use super::sql::SqlStore;
use super::StoreResult;

/// A request as it is stored.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    /// The signed-in sender, if any.
    pub user_id: Option<i64>,
    pub last_name: String,
    pub first_name: String,
    pub patronymic: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub body: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRecord {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait RequestStore: Send + Sync {
    /// Stores a new request (status `new`); its id is its number.
    async fn create_request(&self, r: &NewRequest) -> StoreResult<i64>;
    /// The requests a user sent while signed in, newest first.
    async fn requests_of_user(&self, user_id: i64) -> StoreResult<Vec<RequestRecord>>;
}

const CREATE_REQUEST: &str = "INSERT INTO requests (kind, user_id, last_name, first_name, patronymic, email, phone, body, status, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'new', $9, $9) RETURNING id";
const REQUESTS_OF_USER: &str =
    "SELECT id, kind, status, body, created_at, updated_at FROM requests \
     WHERE user_id = $1 ORDER BY id DESC";

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
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn requests_of_user(&self, user_id: i64) -> StoreResult<Vec<RequestRecord>> {
                Ok(sqlx::query_as::<_, RequestRecord>(REQUESTS_OF_USER)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
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
