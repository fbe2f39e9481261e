//! Meter readings: one per meter and day (a unique index), with their values per zone.

use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{ReadingSource, Zone};

use super::sql::{placeholders, SqlStore};
use super::{Constraint, StoreError, StoreResult};

/// A reading with its values per zone.
#[derive(Debug, Clone)]
pub struct ReadingRecord {
    pub id: i64,
    pub meter_id: i64,
    pub taken_on: NaiveDate,
    pub source: ReadingSource,
    pub consumption: Option<i64>,
    pub charge: Option<i64>,
    /// Values per zone, in the zones' listing order.
    pub values: Vec<(Zone, i64)>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReadingRow {
    pub id: i64,
    pub meter_id: i64,
    pub taken_on: NaiveDate,
    #[sqlx(try_from = "String")]
    pub source: ReadingSource,
    pub consumption: Option<i64>,
    pub charge: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ValueRow {
    pub reading_id: i64,
    #[sqlx(try_from = "String")]
    pub zone: Zone,
    pub value: i64,
}

/// A reading to store.
#[derive(Debug, Clone)]
pub struct NewReading {
    pub meter_id: i64,
    pub account_id: i64,
    pub taken_on: NaiveDate,
    pub source: ReadingSource,
    pub submitted_by: Option<i64>,
    pub values: Vec<(Zone, i64)>,
    pub consumption: Option<i64>,
    pub charge: Option<i64>,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait ReadingStore: Send + Sync {
    async fn readings(
        &self,
        meter_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<ReadingRecord>>;
    /// The latest readings of a meter before `before` (exclusive), newest first.
    async fn readings_before(
        &self,
        meter_id: i64,
        before: NaiveDate,
        limit: i64,
    ) -> StoreResult<Vec<ReadingRecord>>;
    /// Stores a reading; a second one for the meter and day replaces the first. `Conflict`
    /// when a subscriber's reading would replace the company's.
    async fn insert_reading(&self, r: &NewReading) -> StoreResult<ReadingRecord>;
    async fn reading_values(&self, reading_ids: &[i64]) -> StoreResult<Vec<ValueRow>>;
}

/// A reading row joined with one of its values (`None` for a reading without values).
#[derive(sqlx::FromRow)]
struct ReadingValueRow {
    #[sqlx(flatten)]
    reading: ReadingRow,
    zone: Option<String>,
    value: Option<i64>,
}

/// A row with its values per zone.
pub(super) type WithValues<R> = (R, Vec<(Zone, i64)>);

/// Rows joined with `LEFT JOIN reading_values` (one row per value, a row's value columns empty
/// when it has none), in an order that keeps each row's values together: each row once, with
/// its values in the zones' order. `same` tells two rows of one thing apart from the next; an
/// unknown zone is an error.
pub(super) fn with_joined_values<R>(
    rows: impl IntoIterator<Item = (R, Option<String>, Option<i64>)>,
    same: impl Fn(&R, &R) -> bool,
) -> StoreResult<Vec<WithValues<R>>> {
    let mut out: Vec<WithValues<R>> = Vec::new();
    for (row, zone, value) in rows {
        if !out.last().is_some_and(|(last, _)| same(last, &row)) {
            out.push((row, Vec::new()));
        }
        if let (Some(zone), Some(value), Some((_, values))) = (zone, value, out.last_mut()) {
            let zone = Zone::try_from(zone)
                .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
            values.push((zone, value));
        }
    }
    for (_, values) in &mut out {
        values.sort();
    }
    Ok(out)
}

/// Readings with their values from rows joined in reading order (one row per value).
fn grouped(rows: Vec<ReadingValueRow>) -> StoreResult<Vec<ReadingRecord>> {
    let rows = rows.into_iter().map(|r| (r.reading, r.zone, r.value));
    Ok(with_joined_values(rows, |a, b| a.id == b.id)?
        .into_iter()
        .map(|(r, values)| ReadingRecord {
            id: r.id,
            meter_id: r.meter_id,
            taken_on: r.taken_on,
            source: r.source,
            consumption: r.consumption,
            charge: r.charge,
            values,
        })
        .collect())
}

const READINGS: &str = "SELECT r.id, r.meter_id, r.taken_on, r.source, r.consumption, r.charge, v.zone, v.value \
                     FROM readings r LEFT JOIN reading_values v ON v.reading_id = r.id \
                     WHERE r.meter_id = $1 AND r.taken_on BETWEEN $2 AND $3 ORDER BY r.taken_on DESC, r.id DESC";
const READINGS_BEFORE: &str = "SELECT r.id, r.meter_id, r.taken_on, r.source, r.consumption, r.charge, v.zone, v.value \
                     FROM (SELECT id, meter_id, taken_on, source, consumption, charge FROM readings \
                           WHERE meter_id = $1 AND taken_on < $2 ORDER BY taken_on DESC, id DESC LIMIT $3) r \
                     LEFT JOIN reading_values v ON v.reading_id = r.id ORDER BY r.taken_on DESC, r.id DESC";
/// The reading of a meter's day (`$1`–`$8`), replacing an earlier one in place unless the
/// earlier one is the company's and this one the subscriber's, or the earlier one a signed-in
/// user's and this one passed without an account: `RETURNING id`, or no row.
/// [`UPSERT_READING_PG`] is built of the same text.
const INSERT_READING: &str = "INSERT INTO readings (meter_id, account_id, taken_on, source, submitted_by, consumption, charge, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
     ON CONFLICT (meter_id, taken_on) DO UPDATE SET source = excluded.source, submitted_by = excluded.submitted_by, \
       consumption = excluded.consumption, charge = excluded.charge, created_at = excluded.created_at, export_seq = NULL \
     WHERE (readings.source = 'portal' AND (readings.submitted_by IS NULL OR excluded.submitted_by IS NOT NULL)) \
        OR excluded.source <> 'portal' \
     RETURNING id";
const INSERT_READING_2: &str = "DELETE FROM reading_values WHERE reading_id = $1";
const INSERT_READING_3: &str =
    "INSERT INTO reading_values (reading_id, zone, value) VALUES ($1, $2, $3)";

/// The values of `n` readings (`$1`…`$n`).
fn reading_values_sql(n: usize) -> String {
    format!(
        "SELECT reading_id, zone, value FROM reading_values WHERE reading_id IN ({}) ORDER BY reading_id, zone",
        placeholders(1, n)
    )
}

macro_rules! impl_readings {
    ($db:ty) => {
        #[async_trait]
        impl ReadingStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn readings(
                &self,
                meter_id: i64,
                from: NaiveDate,
                to: NaiveDate,
            ) -> StoreResult<Vec<ReadingRecord>> {
                let rows = sqlx::query_as::<_, ReadingValueRow>(READINGS)
                    .bind(meter_id)
                    .bind(from)
                    .bind(to)
                    .fetch_all(&self.pool)
                    .await?;
                grouped(rows)
            }

            #[tracing::instrument(skip_all)]
            async fn readings_before(
                &self,
                meter_id: i64,
                before: NaiveDate,
                limit: i64,
            ) -> StoreResult<Vec<ReadingRecord>> {
                let rows = sqlx::query_as::<_, ReadingValueRow>(READINGS_BEFORE)
                    .bind(meter_id)
                    .bind(before)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                grouped(rows)
            }

            #[tracing::instrument(skip_all, fields(meter_id = r.meter_id))]
            async fn insert_reading(&self, r: &NewReading) -> StoreResult<ReadingRecord> {
                // One reading per meter and day (a unique index): a repeat the same day
                // replaces the earlier one in place. The subscriber's own reading never
                // replaces the company's; the company's replaces anything.
                let id = self
                    .upsert_reading(r)
                    .await?
                    .ok_or(StoreError::Conflict(Constraint::ReadingOfDay))?;
                Ok(ReadingRecord {
                    id,
                    meter_id: r.meter_id,
                    taken_on: r.taken_on,
                    source: r.source,
                    consumption: r.consumption,
                    charge: r.charge,
                    values: r.values.clone(),
                })
            }

            #[tracing::instrument(skip_all)]
            async fn reading_values(&self, ids: &[i64]) -> StoreResult<Vec<ValueRow>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = reading_values_sql(ids.len());
                let mut q = sqlx::query_as::<_, ValueRow>(&sql);
                for id in ids {
                    q = q.bind(*id);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }
        }
    };
}

/// One statement on PostgreSQL: the reading (as [`INSERT_READING`]), its values upserted, and
/// the values of zones it no longer has deleted — disjoint rows, so the three parts of one
/// statement never meet (`$9` zones and `$10` values, as arrays). The statement sees one
/// snapshot: two writes of one meter's day racing with *different* zone sets could leave the
/// first one's extra zone behind. The portal takes a reading's zones from the meter's scheme
/// (the billing system's readings come through the registry batches of `db/integration.rs`),
/// so the sets differ only if the scheme changes in that instant. Built once.
static UPSERT_READING_PG: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH r AS ({INSERT_READING}), \
         stale AS (DELETE FROM reading_values WHERE reading_id IN (SELECT id FROM r) AND zone <> ALL($9)), \
         kept AS (INSERT INTO reading_values (reading_id, zone, value) \
           SELECT r.id, z.zone, z.value FROM r CROSS JOIN UNNEST($9::text[], $10::bigint[]) AS z (zone, value) \
           ON CONFLICT (reading_id, zone) DO UPDATE SET value = excluded.value) \
         SELECT id FROM r"
    )
});

/// Binds a [`NewReading`]'s row to `$1`–`$8` of [`INSERT_READING`].
macro_rules! bind_reading {
    ($q:expr, $r:expr) => {
        $q.bind($r.meter_id)
            .bind($r.account_id)
            .bind($r.taken_on)
            .bind($r.source.as_str())
            .bind($r.submitted_by)
            .bind($r.consumption)
            .bind($r.charge)
            .bind($r.now)
    };
}

impl SqlStore<sqlx::Postgres> {
    /// Stores a reading with its values; `None` when it may not replace the day's reading.
    #[tracing::instrument(skip_all)]
    async fn upsert_reading(&self, r: &NewReading) -> StoreResult<Option<i64>> {
        let (zones, values): (Vec<&str>, Vec<i64>) =
            r.values.iter().map(|(z, v)| (z.as_str(), *v)).unzip();
        Ok(
            bind_reading!(sqlx::query_scalar::<_, i64>(&UPSERT_READING_PG), r)
                .bind(zones)
                .bind(values)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

impl SqlStore<sqlx::Sqlite> {
    /// Stores a reading with its values in a transaction (SQLite has no data-modifying
    /// `WITH`); `None` when it may not replace the day's reading.
    #[tracing::instrument(skip_all)]
    async fn upsert_reading(&self, r: &NewReading) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let Some(id) = bind_reading!(sqlx::query_scalar::<_, i64>(INSERT_READING), r)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        sqlx::query(INSERT_READING_2)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for (zone, value) in &r.values {
            sqlx::query(INSERT_READING_3)
                .bind(id)
                .bind(zone.as_str())
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }
}

mod sqlite {
    use super::*;
    impl_readings!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_readings!(sqlx::Postgres);
}
