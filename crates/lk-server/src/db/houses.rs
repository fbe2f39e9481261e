//! Houses of a user and the binding of personal accounts to them. A house is reached only through
//! its owner's id: every query says `user_id = $1`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::sql::{conflict_or, SqlStore};
use super::StoreResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseRecord {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub account_id: Option<i64>,
    pub account_number: Option<String>,
    pub balance: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A house with the latest reading of its account's meters: one row per house, meter and zone
/// (meter and reading columns are empty for a house without an account or readings).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseOverviewRow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub account_id: Option<i64>,
    pub account_number: Option<String>,
    pub balance: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub meter_id: Option<i64>,
    pub taken_on: Option<NaiveDate>,
    pub zone: Option<String>,
    pub value: Option<i64>,
}

#[async_trait]
pub trait HouseStore: Send + Sync {
    async fn create_house(
        &self,
        user_id: i64,
        name: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<HouseRecord>;
    async fn houses(&self, user_id: i64) -> StoreResult<Vec<HouseRecord>>;
    async fn house(&self, user_id: i64, house_id: i64) -> StoreResult<Option<HouseRecord>>;
    async fn update_house(
        &self,
        user_id: i64,
        house_id: i64,
        name: &str,
        address: &str,
    ) -> StoreResult<Option<HouseRecord>>;
    async fn delete_house(&self, user_id: i64, house_id: i64) -> StoreResult<bool>;
    /// The account whose number and active meter serial both match, if any.
    async fn account_by_pair(&self, number: &str, serial: &str) -> StoreResult<Option<i64>>;
    /// Binds; `Conflict` when another house of the user already has this account.
    async fn bind_account(
        &self,
        user_id: i64,
        house_id: i64,
        account_id: i64,
    ) -> StoreResult<Option<HouseRecord>>;
    async fn unbind_account(&self, user_id: i64, house_id: i64)
        -> StoreResult<Option<HouseRecord>>;
    /// The main page in one query: the user's houses, their accounts and the latest reading of
    /// every active meter.
    async fn houses_overview(&self, user_id: i64) -> StoreResult<Vec<HouseOverviewRow>>;
}

const HOUSE_SELECT: &str = "SELECT h.id, h.name, h.address, h.account_id, a.number AS account_number, a.balance, h.created_at \
     FROM houses h LEFT JOIN accounts a ON a.id = h.account_id";

const CREATE_HOUSE: &str =
    "INSERT INTO houses (user_id, name, address, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
const UPDATE_HOUSE: &str =
    "UPDATE houses SET name = $1, address = $2 WHERE user_id = $3 AND id = $4";
const DELETE_HOUSE: &str = "DELETE FROM houses WHERE user_id = $1 AND id = $2";
const ACCOUNT_BY_PAIR: &str = "SELECT a.id FROM accounts a JOIN meters m ON m.account_id = a.id WHERE a.number = $1 AND m.serial = $2 AND m.active = TRUE";
const BIND_ACCOUNT: &str = "UPDATE houses SET account_id = $1 WHERE user_id = $2 AND id = $3";
const UNBIND_ACCOUNT: &str = "UPDATE houses SET account_id = NULL WHERE user_id = $1 AND id = $2";
const HOUSES_OVERVIEW: &str = "SELECT h.id, h.name, h.address, h.account_id, a.number AS account_number, a.balance, h.created_at, \
                            m.id AS meter_id, r.taken_on, v.zone, v.value \
                     FROM houses h \
                     LEFT JOIN accounts a ON a.id = h.account_id \
                     LEFT JOIN meters m ON m.account_id = h.account_id AND m.active = TRUE \
                     LEFT JOIN readings r ON r.id = (SELECT r2.id FROM readings r2 WHERE r2.meter_id = m.id ORDER BY r2.taken_on DESC, r2.id DESC LIMIT 1) \
                     LEFT JOIN reading_values v ON v.reading_id = r.id \
                     WHERE h.user_id = $1 \
                     ORDER BY h.id, m.id, v.zone";

macro_rules! impl_houses {
    ($db:ty) => {
        #[async_trait]
        impl HouseStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn create_house(
                &self,
                user_id: i64,
                name: &str,
                address: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<HouseRecord> {
                let id = sqlx::query_scalar::<_, i64>(CREATE_HOUSE)
                    .bind(user_id)
                    .bind(name)
                    .bind(address)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                self.house(user_id, id)
                    .await?
                    .ok_or(sqlx::Error::RowNotFound.into())
            }

            #[tracing::instrument(skip_all)]
            async fn houses(&self, user_id: i64) -> StoreResult<Vec<HouseRecord>> {
                Ok(sqlx::query_as::<_, HouseRecord>(&format!(
                    "{HOUSE_SELECT} WHERE h.user_id = $1 ORDER BY h.id"
                ))
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn house(&self, user_id: i64, house_id: i64) -> StoreResult<Option<HouseRecord>> {
                Ok(sqlx::query_as::<_, HouseRecord>(&format!(
                    "{HOUSE_SELECT} WHERE h.user_id = $1 AND h.id = $2"
                ))
                .bind(user_id)
                .bind(house_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn update_house(
                &self,
                user_id: i64,
                house_id: i64,
                name: &str,
                address: &str,
            ) -> StoreResult<Option<HouseRecord>> {
                let n = sqlx::query(UPDATE_HOUSE)
                    .bind(name)
                    .bind(address)
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Ok(None);
                }
                self.house(user_id, house_id).await
            }

            #[tracing::instrument(skip_all)]
            async fn delete_house(&self, user_id: i64, house_id: i64) -> StoreResult<bool> {
                Ok(sqlx::query(DELETE_HOUSE)
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    > 0)
            }

            #[tracing::instrument(skip_all)]
            async fn account_by_pair(
                &self,
                number: &str,
                serial: &str,
            ) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(ACCOUNT_BY_PAIR)
                    .bind(number)
                    .bind(serial)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn bind_account(
                &self,
                user_id: i64,
                house_id: i64,
                account_id: i64,
            ) -> StoreResult<Option<HouseRecord>> {
                let n = sqlx::query(BIND_ACCOUNT)
                    .bind(account_id)
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&self.pool)
                    .await
                    .map_err(conflict_or)?
                    .rows_affected();
                if n == 0 {
                    return Ok(None);
                }
                self.house(user_id, house_id).await
            }

            #[tracing::instrument(skip_all)]
            async fn unbind_account(
                &self,
                user_id: i64,
                house_id: i64,
            ) -> StoreResult<Option<HouseRecord>> {
                let n = sqlx::query(UNBIND_ACCOUNT)
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Ok(None);
                }
                self.house(user_id, house_id).await
            }

            #[tracing::instrument(skip_all)]
            async fn houses_overview(&self, user_id: i64) -> StoreResult<Vec<HouseOverviewRow>> {
                Ok(sqlx::query_as::<_, HouseOverviewRow>(HOUSES_OVERVIEW)
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_houses!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_houses!(sqlx::Postgres);
}
