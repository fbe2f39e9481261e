//! Houses of a user and the binding of personal accounts to them. A house is reached only through
//! its owner's id: every query says `user_id = $1`.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::due::ReadingCharge;
use lk_domain::{Kopecks, Zone};

use super::accounts::DueBasis;
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

/// A house on the main page, with its account if one is bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseOverview {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub account: Option<AccountOverview>,
}

/// A bound account on the main page: its balance, what its amount due depends on, and the
/// latest reading of each active meter (by meter id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountOverview {
    pub id: i64,
    pub number: String,
    pub balance: Kopecks,
    pub due: DueBasis,
    pub last_readings: Vec<LatestReading>,
}

/// The latest reading of a meter: its values in zone order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestReading {
    pub meter_id: i64,
    pub taken_on: NaiveDate,
    pub values: Vec<(Zone, i64)>,
}

/// A row of [`MAIN_PAGE`]: `kind` 0 is a house with one zone of its meters' latest readings
/// (meter and reading columns empty for a house without an account or readings); `kind` 1
/// is a charged reading the amount due may include, with the last invoiced month.
#[derive(Debug, sqlx::FromRow)]
struct MainPageRow {
    kind: i64,
    house_id: i64,
    name: Option<String>,
    address: Option<String>,
    account_id: Option<i64>,
    account_number: Option<String>,
    balance: Option<i64>,
    meter_id: Option<i64>,
    taken_on: Option<NaiveDate>,
    zone: Option<String>,
    value: Option<i64>,
    charge: Option<i64>,
    last_period: Option<NaiveDate>,
}

/// A stored value the code does not know: the row is refused, never read as a default.
fn corrupt(e: impl std::error::Error + Send + Sync + 'static) -> super::StoreError {
    super::StoreError::Database(sqlx::Error::Decode(Box::new(e)))
}

/// A required column of a row kind that came back empty.
#[derive(Debug, thiserror::Error)]
#[error("the main page row has no {0}")]
struct MissingColumn(&'static str);

/// Groups the rows of [`MAIN_PAGE`] into houses, oldest first.
fn main_page(rows: Vec<MainPageRow>) -> StoreResult<Vec<HouseOverview>> {
    let mut houses: BTreeMap<i64, HouseOverview> = BTreeMap::new();
    let mut due: HashMap<i64, DueBasis> = HashMap::new();
    for r in rows {
        if r.kind == 1 {
            let (Some(meter_id), Some(taken_on), Some(charge)) = (r.meter_id, r.taken_on, r.charge)
            else {
                return Err(corrupt(MissingColumn("charged reading")));
            };
            let basis = due.entry(r.house_id).or_default();
            basis.last_invoiced = r.last_period;
            basis.readings.push((
                meter_id,
                ReadingCharge {
                    taken_on,
                    charge: Kopecks(charge),
                },
            ));
            continue;
        }
        let house = match houses.entry(r.house_id) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let (Some(name), Some(address)) = (r.name, r.address) else {
                    return Err(corrupt(MissingColumn("house")));
                };
                e.insert(HouseOverview {
                    id: r.house_id,
                    name,
                    address,
                    account: r.account_id.zip(r.account_number).map(|(id, number)| {
                        AccountOverview {
                            id,
                            number,
                            balance: Kopecks(r.balance.unwrap_or_default()),
                            due: DueBasis::default(),
                            last_readings: Vec::new(),
                        }
                    }),
                })
            }
        };
        let (Some(account), Some(meter_id), Some(taken_on), Some(zone), Some(value)) = (
            house.account.as_mut(),
            r.meter_id,
            r.taken_on,
            r.zone,
            r.value,
        ) else {
            continue;
        };
        let zone = Zone::try_from(zone).map_err(corrupt)?;
        match account
            .last_readings
            .iter_mut()
            .find(|l| l.meter_id == meter_id)
        {
            Some(l) => l.values.push((zone, value)),
            None => account.last_readings.push(LatestReading {
                meter_id,
                taken_on,
                values: vec![(zone, value)],
            }),
        }
    }
    let mut out: Vec<HouseOverview> = houses.into_values().collect();
    for house in &mut out {
        let Some(account) = house.account.as_mut() else {
            continue;
        };
        account.last_readings.sort_by_key(|l| l.meter_id);
        for l in &mut account.last_readings {
            l.values.sort_by_key(|(zone, _)| *zone);
        }
        if let Some(mut basis) = due.remove(&house.id) {
            basis.readings.sort_by_key(|(_, r)| r.taken_on);
            account.due = basis;
        }
    }
    Ok(out)
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
    /// The main page in one query: the user's houses, oldest first, their accounts with the
    /// amount due's basis, and the latest reading of every active meter.
    async fn houses_overview(&self, user_id: i64) -> StoreResult<Vec<HouseOverview>>;
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
/// One statement for the whole main page (the user's houses are few, and every round trip
/// and statement costs more than the rows): the houses with the latest reading of every
/// active meter, zone by zone, then the charged readings since the first day of each
/// account's last invoiced month (the domain decides which of them are billed already).
/// No `ORDER BY`: the rows are grouped in Rust.
const MAIN_PAGE: &str = "SELECT CAST(0 AS BIGINT) AS kind, h.id AS house_id, h.name, h.address, h.account_id, \
       a.number AS account_number, a.balance, m.id AS meter_id, r.taken_on, v.zone, v.value, \
       NULL AS charge, NULL AS last_period \
     FROM houses h \
     LEFT JOIN accounts a ON a.id = h.account_id \
     LEFT JOIN meters m ON m.account_id = h.account_id AND m.active = TRUE \
     LEFT JOIN readings r ON r.id = (SELECT r2.id FROM readings r2 WHERE r2.meter_id = m.id ORDER BY r2.taken_on DESC, r2.id DESC LIMIT 1) \
     LEFT JOIN reading_values v ON v.reading_id = r.id \
     WHERE h.user_id = $1 \
     UNION ALL \
     SELECT CAST(1 AS BIGINT), h.id, NULL, NULL, h.account_id, NULL, NULL, r.meter_id, r.taken_on, NULL, NULL, r.charge, \
       (SELECT MAX(i.period) FROM invoices i WHERE i.account_id = h.account_id) \
     FROM houses h \
     JOIN readings r ON r.account_id = h.account_id \
     WHERE h.user_id = $1 AND r.charge IS NOT NULL \
       AND r.taken_on >= COALESCE((SELECT MAX(i.period) FROM invoices i WHERE i.account_id = h.account_id), '0001-01-01')";

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
            async fn houses_overview(&self, user_id: i64) -> StoreResult<Vec<HouseOverview>> {
                main_page(
                    sqlx::query_as::<_, MainPageRow>(MAIN_PAGE)
                        .bind(user_id)
                        .fetch_all(&self.pool)
                        .await?,
                )
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
