//! Houses of a user and the binding of personal accounts to them. A house is reached only through
//! its owner's id: every query says `user_id = $1`.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::due::ReadingCharge;
use lk_domain::next_steps::InvoiceDue;
use lk_domain::{HouseAccess, Kopecks, Zone};

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
    /// How the user holds the account (the owner of a house without one).
    #[sqlx(try_from = "String")]
    pub access: HouseAccess,
}

/// A house on the main page, with its account if one is bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseOverview {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub account: Option<AccountOverview>,
    /// How the user holds the account (the owner of a house without one).
    pub access: HouseAccess,
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

/// What the main page's next steps need of an account's past, by house id
/// ([`HouseStore::houses_history`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountHistory {
    /// Invoices of the billed months since the date asked for, any order; only of an account
    /// in debt.
    pub invoices: Vec<InvoiceDue>,
    /// (day taken, kWh since the previous reading) of every reading on the days asked for
    /// whose consumption is known, any order.
    pub consumption: Vec<(NaiveDate, i64)>,
}

/// Groups the rows of [`HOUSES_HISTORY`] by house.
fn houses_history(rows: Vec<PageRow>) -> BTreeMap<i64, AccountHistory> {
    let mut out: BTreeMap<i64, AccountHistory> = BTreeMap::new();
    for r in rows {
        let Some(on_day) = r.on_day else {
            continue;
        };
        let h = out.entry(r.house_id).or_default();
        match (r.amount, r.due_on, r.kwh) {
            (Some(amount), Some(due_on), _) => h.invoices.push(InvoiceDue {
                period: on_day,
                amount: Kopecks(amount),
                due_on,
            }),
            (_, _, Some(kwh)) => h.consumption.push((on_day, kwh)),
            _ => {}
        }
    }
    out
}

/// A row of [`MAIN_PAGE`], of [`HOUSES_HISTORY`] or of both in one statement
/// ([`MAIN_PAGE_WITH_HISTORY`]); `on_day` tells them apart.
///
/// The main page's: a house, one zone of the latest reading of one of its meters (empty for
/// a house without an account or readings), and one charged reading the amount due may
/// include (empty when there is none); a house has a row for every pair of the two. The
/// history's: the house and an invoice (`on_day` its month, `amount`, `due_on`) or a reading
/// (`on_day` its day, `kwh`), the main page's columns empty.
#[derive(Debug, sqlx::FromRow)]
struct PageRow {
    house_id: i64,
    name: Option<String>,
    address: Option<String>,
    account_id: Option<i64>,
    account_number: Option<String>,
    balance: Option<i64>,
    access: Option<String>,
    meter_id: Option<i64>,
    taken_on: Option<NaiveDate>,
    zone: Option<String>,
    value: Option<i64>,
    last_period: Option<NaiveDate>,
    due_id: Option<i64>,
    due_meter_id: Option<i64>,
    due_taken_on: Option<NaiveDate>,
    due_charge: Option<i64>,
    on_day: Option<NaiveDate>,
    amount: Option<i64>,
    due_on: Option<NaiveDate>,
    kwh: Option<i64>,
}

/// A stored value the code does not know: the row is refused, never read as a default.
fn corrupt(e: impl std::error::Error + Send + Sync + 'static) -> super::StoreError {
    super::StoreError::Database(sqlx::Error::Decode(Box::new(e)))
}

/// Groups the main page's rows of [`MAIN_PAGE`] into houses, oldest first.
fn main_page(rows: Vec<PageRow>) -> StoreResult<Vec<HouseOverview>> {
    let mut houses: BTreeMap<i64, HouseOverview> = BTreeMap::new();
    // Charged readings already taken, by their id (a house's rows repeat them per zone).
    let mut seen: HashSet<i64> = HashSet::new();
    for r in rows {
        let access = match (houses.contains_key(&r.house_id), r.access.clone()) {
            (false, Some(a)) => HouseAccess::try_from(a).map_err(corrupt)?,
            _ => HouseAccess::Owner,
        };
        let house = houses.entry(r.house_id).or_insert_with(|| HouseOverview {
            access,
            id: r.house_id,
            name: r.name.unwrap_or_default(),
            address: r.address.unwrap_or_default(),
            account: r
                .account_id
                .zip(r.account_number)
                .map(|(id, number)| AccountOverview {
                    id,
                    number,
                    balance: Kopecks(r.balance.unwrap_or_default()),
                    due: DueBasis {
                        last_invoiced: r.last_period,
                        readings: Vec::new(),
                    },
                    last_readings: Vec::new(),
                }),
        });
        let Some(account) = house.account.as_mut() else {
            continue;
        };
        if let (Some(id), Some(meter_id), Some(taken_on), Some(charge)) =
            (r.due_id, r.due_meter_id, r.due_taken_on, r.due_charge)
        {
            if seen.insert(id) {
                account.due.readings.push((
                    meter_id,
                    ReadingCharge {
                        taken_on,
                        charge: Kopecks(charge),
                    },
                ));
            }
        }
        let (Some(meter_id), Some(taken_on), Some(zone), Some(value)) =
            (r.meter_id, r.taken_on, r.zone, r.value)
        else {
            continue;
        };
        let zone = Zone::try_from(zone).map_err(corrupt)?;
        match account
            .last_readings
            .iter_mut()
            .find(|l| l.meter_id == meter_id)
        {
            Some(l) if l.values.iter().any(|(z, _)| *z == zone) => {}
            Some(l) => l.values.push((zone, value)),
            None => account.last_readings.push(LatestReading {
                meter_id,
                taken_on,
                values: vec![(zone, value)],
            }),
        }
    }
    let mut out: Vec<HouseOverview> = houses.into_values().collect();
    for account in out.iter_mut().filter_map(|h| h.account.as_mut()) {
        account.last_readings.sort_by_key(|l| l.meter_id);
        for l in &mut account.last_readings {
            l.values.sort_by_key(|(zone, _)| *zone);
        }
        account.due.readings.sort_by_key(|(_, r)| r.taken_on);
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
    /// [`HouseStore::houses_overview`] and [`HouseStore::houses_history`] in one statement,
    /// which also checks that `session_id` is a live session of the user: no houses (and a
    /// history to ignore) when it is not.
    async fn main_page(
        &self,
        session_id: &str,
        user_id: i64,
        invoices_since: NaiveDate,
        readings_on: [(NaiveDate, NaiveDate); 2],
    ) -> StoreResult<(Vec<HouseOverview>, BTreeMap<i64, AccountHistory>)>;
    /// The next steps' basis in one query: for each house of the user with an account, the
    /// invoices of months from `invoices_since` when the account is in debt (the only case
    /// they are needed in), and the readings with a known consumption taken on the days of
    /// `readings_on` (half-open ranges). Houses without any are absent.
    async fn houses_history(
        &self,
        user_id: i64,
        invoices_since: NaiveDate,
        readings_on: [(NaiveDate, NaiveDate); 2],
    ) -> StoreResult<BTreeMap<i64, AccountHistory>>;
}

const HOUSE_SELECT: &str = "SELECT h.id, h.name, h.address, h.account_id, a.number AS account_number, a.balance, h.created_at, h.access \
     FROM houses h LEFT JOIN accounts a ON a.id = h.account_id";

const CREATE_HOUSE: &str =
    "INSERT INTO houses (user_id, name, address, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
const UPDATE_HOUSE: &str =
    "UPDATE houses SET name = $1, address = $2 WHERE user_id = $3 AND id = $4";
const DELETE_HOUSE: &str = "DELETE FROM houses WHERE user_id = $1 AND id = $2";
/// An owner letting go of the account of house `$2` (deleting or unbinding it) takes the
/// members they invited with them (X9): `$1` the owner. Run before the owner's own statement.
const OWNERS_MEMBERS_GO: &str = "DELETE FROM houses WHERE access <> 'owner' AND invited_by = $1 \
     AND account_id = (SELECT o.account_id FROM houses o WHERE o.id = $2 AND o.user_id = $1 AND o.access = 'owner')";
/// …and their invitations still pending (`$3` now).
const OWNERS_INVITATIONS_GO: &str = "UPDATE account_invitations SET revoked_at = $3 \
     WHERE invited_by = $1 AND accepted_at IS NULL AND revoked_at IS NULL \
     AND account_id = (SELECT o.account_id FROM houses o WHERE o.id = $2 AND o.user_id = $1 AND o.access = 'owner')";
const ACCOUNT_BY_PAIR: &str = "SELECT a.id FROM accounts a JOIN meters m ON m.account_id = a.id WHERE a.number = $1 AND m.serial = $2 AND m.active = TRUE";
/// Binding by the numbers makes the user the account's owner, whatever the house held before.
const BIND_ACCOUNT: &str = "UPDATE houses SET account_id = $1, access = 'owner', invited_by = NULL WHERE user_id = $2 AND id = $3";
/// A member unbinding their house leaves the account's family.
const UNBIND_ACCOUNT: &str = "UPDATE houses SET account_id = NULL, access = 'owner', invited_by = NULL WHERE user_id = $1 AND id = $2";
/// The houses of the main page alone: each house with its account, the latest reading of
/// every active meter zone by zone, the last invoiced month, and the charged readings since
/// its first day (the domain decides which of them are billed already). A meter has one
/// reading a day (`readings_meter_day`), so its newest day is its latest reading. No
/// `ORDER BY`: the rows are grouped in Rust. The history's columns are empty.
const MAIN_PAGE: &str = "SELECT h.id AS house_id, h.name, h.address, h.account_id, a.number AS account_number, a.balance, h.access, \
       m.id AS meter_id, r.taken_on, v.zone, v.value, lp.period AS last_period, \
       d.id AS due_id, d.meter_id AS due_meter_id, d.taken_on AS due_taken_on, d.charge AS due_charge, \
       CAST(NULL AS DATE) AS on_day, CAST(NULL AS BIGINT) AS amount, CAST(NULL AS DATE) AS due_on, CAST(NULL AS BIGINT) AS kwh \
     FROM houses h \
     LEFT JOIN accounts a ON a.id = h.account_id \
     LEFT JOIN invoices lp ON lp.id = (SELECT i.id FROM invoices i WHERE i.account_id = h.account_id ORDER BY i.period DESC LIMIT 1) \
     LEFT JOIN readings d ON d.account_id = h.account_id AND d.charge IS NOT NULL AND d.taken_on >= COALESCE(lp.period, '0001-01-01') \
     LEFT JOIN meters m ON m.account_id = h.account_id AND m.active = TRUE \
     LEFT JOIN readings r ON r.id = (SELECT r2.id FROM readings r2 WHERE r2.meter_id = m.id ORDER BY r2.taken_on DESC LIMIT 1) \
     LEFT JOIN reading_values v ON v.reading_id = r.id \
     WHERE h.user_id = $1";

/// Narrows [`MAIN_PAGE`] to a live session `$7` of the user: no houses come back for an ended
/// one.
const IN_SESSION: &str = " AND EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id \
       WHERE s.id = $7 AND s.user_id = $1 AND s.revoked_at IS NULL AND u.disabled_at IS NULL)";

/// The main page's columns left empty in the history's rows, named and typed as the main
/// page's (the history alone is read into the same rows).
const NO_MAIN_PAGE: &str = "CAST(NULL AS TEXT) AS name, CAST(NULL AS TEXT) AS address, CAST(NULL AS BIGINT) AS account_id, \
     CAST(NULL AS TEXT) AS account_number, CAST(NULL AS BIGINT) AS balance, CAST(NULL AS TEXT) AS access, CAST(NULL AS BIGINT) AS meter_id, \
     CAST(NULL AS DATE) AS taken_on, CAST(NULL AS TEXT) AS zone, CAST(NULL AS BIGINT) AS value, \
     CAST(NULL AS DATE) AS last_period, CAST(NULL AS BIGINT) AS due_id, CAST(NULL AS BIGINT) AS due_meter_id, \
     CAST(NULL AS DATE) AS due_taken_on, CAST(NULL AS BIGINT) AS due_charge";

/// The next steps' basis alone (grouped in Rust): invoices of the user's accounts in debt
/// since `$2`, and readings taken in `[$3, $4)` and `[$5, $6)`; each branch uses its
/// `(account_id, …)` index. Built once.
static HOUSES_HISTORY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT h.id AS house_id, {NO_MAIN_PAGE}, i.period AS on_day, i.amount AS amount, i.due_on AS due_on, CAST(NULL AS BIGINT) AS kwh \
         FROM houses h JOIN accounts a ON a.id = h.account_id JOIN invoices i ON i.account_id = a.id \
         WHERE h.user_id = $1 AND a.balance < 0 AND i.period >= $2 \
         UNION ALL \
         SELECT h.id, {NO_MAIN_PAGE}, r.taken_on, CAST(NULL AS BIGINT), CAST(NULL AS DATE), r.consumption \
         FROM houses h JOIN readings r ON r.account_id = h.account_id \
         WHERE h.user_id = $1 AND r.taken_on >= $3 AND r.taken_on < $4 AND r.consumption IS NOT NULL \
         UNION ALL \
         SELECT h.id, {NO_MAIN_PAGE}, r.taken_on, CAST(NULL AS BIGINT), CAST(NULL AS DATE), r.consumption \
         FROM houses h JOIN readings r ON r.account_id = h.account_id \
         WHERE h.user_id = $1 AND r.taken_on >= $5 AND r.taken_on < $6 AND r.consumption IS NOT NULL"
    )
});

/// Both in one statement, with the check of the session asking ([`IN_SESSION`]): the main
/// page is one round trip to the database (a user's houses are few, and on SQLite above all a
/// statement costs more than its rows). Built once.
static MAIN_PAGE_WITH_HISTORY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{MAIN_PAGE}{IN_SESSION} UNION ALL {}",
        HOUSES_HISTORY.as_str()
    )
});

/// The user's houses (`$1`).
fn houses_sql() -> String {
    format!("{HOUSE_SELECT} WHERE h.user_id = $1 ORDER BY h.id")
}

/// The user's (`$1`) house `$2`.
fn house_sql() -> String {
    format!("{HOUSE_SELECT} WHERE h.user_id = $1 AND h.id = $2")
}

macro_rules! impl_houses {
    ($db:ty) => {
        /// [`OWNERS_MEMBERS_GO`] and [`OWNERS_INVITATIONS_GO`], in the caller's transaction.
        #[tracing::instrument(skip_all)]
        async fn owner_lets_go(
            tx: &mut sqlx::Transaction<'_, $db>,
            user_id: i64,
            house_id: i64,
        ) -> StoreResult<()> {
            sqlx::query(OWNERS_MEMBERS_GO)
                .bind(user_id)
                .bind(house_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query(OWNERS_INVITATIONS_GO)
                .bind(user_id)
                .bind(house_id)
                .bind(Utc::now())
                .execute(&mut **tx)
                .await?;
            Ok(())
        }

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
                Ok(sqlx::query_as::<_, HouseRecord>(&houses_sql())
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn house(&self, user_id: i64, house_id: i64) -> StoreResult<Option<HouseRecord>> {
                Ok(sqlx::query_as::<_, HouseRecord>(&house_sql())
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
                let mut tx = self.pool.begin().await?;
                owner_lets_go(&mut tx, user_id, house_id).await?;
                let deleted = sqlx::query(DELETE_HOUSE)
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                tx.commit().await?;
                Ok(deleted)
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
                let mut tx = self.pool.begin().await?;
                owner_lets_go(&mut tx, user_id, house_id).await?;
                let n = sqlx::query(UNBIND_ACCOUNT)
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                if n == 0 {
                    return Ok(None);
                }
                self.house(user_id, house_id).await
            }

            #[tracing::instrument(skip_all)]
            async fn main_page(
                &self,
                session_id: &str,
                user_id: i64,
                invoices_since: NaiveDate,
                readings_on: [(NaiveDate, NaiveDate); 2],
            ) -> StoreResult<(Vec<HouseOverview>, BTreeMap<i64, AccountHistory>)> {
                let rows = self
                    .page_rows(
                        &MAIN_PAGE_WITH_HISTORY,
                        user_id,
                        invoices_since,
                        readings_on,
                        Some(session_id),
                    )
                    .await?;
                let (history, page): (Vec<PageRow>, Vec<PageRow>) =
                    rows.into_iter().partition(|r| r.on_day.is_some());
                Ok((main_page(page)?, houses_history(history)))
            }

            #[tracing::instrument(skip_all)]
            async fn houses_overview(&self, user_id: i64) -> StoreResult<Vec<HouseOverview>> {
                main_page(
                    sqlx::query_as::<_, PageRow>(MAIN_PAGE)
                        .bind(user_id)
                        .fetch_all(&self.pool)
                        .await?,
                )
            }

            #[tracing::instrument(skip_all)]
            async fn houses_history(
                &self,
                user_id: i64,
                invoices_since: NaiveDate,
                readings_on: [(NaiveDate, NaiveDate); 2],
            ) -> StoreResult<BTreeMap<i64, AccountHistory>> {
                Ok(houses_history(
                    self.page_rows(&HOUSES_HISTORY, user_id, invoices_since, readings_on, None)
                        .await?,
                ))
            }
        }

        impl SqlStore<$db> {
            /// The rows of [`HOUSES_HISTORY`], or of [`MAIN_PAGE_WITH_HISTORY`] with its session.
            #[tracing::instrument(skip_all)]
            async fn page_rows(
                &self,
                sql: &'static str,
                user_id: i64,
                invoices_since: NaiveDate,
                [(from, until), (from_earlier, until_earlier)]: [(NaiveDate, NaiveDate); 2],
                session_id: Option<&str>,
            ) -> StoreResult<Vec<PageRow>> {
                let q = sqlx::query_as::<_, PageRow>(sql)
                    .bind(user_id)
                    .bind(invoices_since)
                    .bind(from)
                    .bind(until)
                    .bind(from_earlier)
                    .bind(until_earlier);
                let q = match session_id {
                    Some(s) => q.bind(s),
                    None => q,
                };
                Ok(q.fetch_all(&self.pool).await?)
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
