//! The month close's side of the store (SPEC B6): who runs a period's close (one node at a
//! time, by a row of `billing_closes` with a heartbeat), the accounts of a period in chunks
//! with what the domain needs to invoice them, and the chunk's invoices written at once.

use async_trait::async_trait;
use chrono::{DateTime, Months, NaiveDate, Utc};
use lk_domain::billing::{Estimated, InvoiceBasis, MeterReadings};
use lk_domain::integration::InvoiceLine;
use lk_domain::{Rate, TariffPlan, Zone, ZoneScheme};

use super::accounts::price_of_e4;
use super::sql::{placeholders, SqlStore};
use super::{Dialect, StoreResult};

/// Who holds a period's close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseClaim {
    /// This run holds it (new, or taken over from a run that stopped beating).
    Claimed,
    /// Another run is at it; its last heartbeat.
    Running(DateTime<Utc>),
    /// Closed already; the summary it left.
    Finished(String),
}

/// An account to invoice, with its meters' readings around the period and the invoices of
/// earlier months by estimate.
#[derive(Debug, Clone)]
pub struct CloseAccount {
    pub id: i64,
    pub plan_id: i64,
    pub residents: i64,
    pub norm_kwh: Option<i64>,
    pub meters: Vec<MeterReadings>,
    pub estimated: Vec<Estimated>,
}

/// A chunk of [`CloseAccount`]s: those not invoiced for the period (`accounts`) and how many
/// were (`already_invoiced`), among the accounts with ids in `(after, last_id]`.
#[derive(Debug, Clone, Default)]
pub struct CloseChunk {
    pub accounts: Vec<CloseAccount>,
    pub already_invoiced: u64,
    /// The last account id of the chunk; `None` when there are no more accounts.
    pub last_id: Option<i64>,
}

/// An invoice the close issues.
#[derive(Debug, Clone)]
pub struct ClosedInvoice {
    pub account_id: i64,
    pub basis: InvoiceBasis,
    /// Kopecks.
    pub amount: i64,
    pub lines: Vec<InvoiceLine>,
}

#[async_trait]
pub trait BillingStore: Send + Sync {
    /// Claims `period`'s close: free, or held by a run whose heartbeat is older than
    /// `stale_before`.
    async fn claim_close(
        &self,
        period: NaiveDate,
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<CloseClaim>;
    async fn heartbeat_close(&self, period: NaiveDate, now: DateTime<Utc>) -> StoreResult<()>;
    async fn finish_close(
        &self,
        period: NaiveDate,
        now: DateTime<Utc>,
        summary: &str,
    ) -> StoreResult<()>;
    /// Every tariff plan with its rates, by id.
    async fn tariff_plans(&self) -> StoreResult<Vec<(i64, TariffPlan)>>;
    async fn count_accounts(&self) -> StoreResult<i64>;
    /// Up to `limit` accounts with ids after `after`, and what invoicing `period` needs.
    async fn close_chunk(
        &self,
        period: NaiveDate,
        after: i64,
        limit: i64,
    ) -> StoreResult<CloseChunk>;
    /// Writes the invoices of `period` (an account invoiced meanwhile keeps its invoice) and
    /// moves the balances; returns how many were written.
    async fn write_close_invoices(
        &self,
        period: NaiveDate,
        issued_on: NaiveDate,
        due_on: NaiveDate,
        invoices: &[ClosedInvoice],
    ) -> StoreResult<Vec<i64>>;
}

const CLAIM_CLOSE: &str = "INSERT INTO billing_closes (period, started_at) VALUES ($1, $2) \
     ON CONFLICT (period) DO NOTHING";
/// A stale close's new runner takes it over.
const TAKE_OVER_CLOSE: &str = "UPDATE billing_closes SET started_at = $2 WHERE period = $1";
const HEARTBEAT_CLOSE: &str =
    "UPDATE billing_closes SET started_at = $2 WHERE period = $1 AND finished_at IS NULL";
const FINISH_CLOSE: &str =
    "UPDATE billing_closes SET finished_at = $2, summary = $3 WHERE period = $1";
const TARIFF_PLANS: &str = "SELECT id, zone_count FROM tariff_plans ORDER BY id";
const ALL_TARIFF_RATES: &str =
    "SELECT plan_id, zone, valid_from, band_from_kwh, price_e4 FROM tariff_rates";
const COUNT_ACCOUNTS: &str = "SELECT COUNT(*) FROM accounts";
/// The accounts of a chunk: after id `$1`, at most `$2`.
const CHUNK_ACCOUNTS: &str = "SELECT id, tariff_plan_id, residents, norm_kwh FROM accounts \
     WHERE id > $1 ORDER BY id LIMIT $2";
/// The chunk's accounts (ids `$1`–`$2`) invoiced for period `$3` already.
const CHUNK_INVOICED: &str =
    "SELECT account_id FROM invoices WHERE account_id BETWEEN $1 AND $2 AND period = $3";
const CHUNK_METERS: &str =
    "SELECT id, account_id, digits FROM meters WHERE account_id BETWEEN $1 AND $2 ORDER BY id";
/// The values of the chunk's readings taken in `[$3, $4]`.
const CHUNK_READINGS: &str = "SELECT r.meter_id, r.taken_on, v.zone, v.value FROM readings r \
       JOIN reading_values v ON v.reading_id = r.id \
     WHERE r.account_id BETWEEN $1 AND $2 AND r.taken_on >= $3 AND r.taken_on <= $4 \
     ORDER BY r.meter_id, r.taken_on, r.id";
/// The chunk's estimated invoices (by average or norm) of the periods in `[$3, $4)`, by zone.
const CHUNK_ESTIMATED: &str = "SELECT i.account_id, i.period, l.zone, l.kwh FROM invoices i \
       JOIN invoice_lines l ON l.invoice_id = i.id \
     WHERE i.account_id BETWEEN $1 AND $2 AND i.basis IN ('average', 'norm') AND i.period >= $3 AND i.period < $4";
/// The values of meter `$1`'s last reading before `$2` (the base of a month whose readings
/// start in it).
const BASE_READING: &str = "SELECT r.taken_on, v.zone, v.value FROM readings r JOIN reading_values v ON v.reading_id = r.id \
     WHERE r.id = (SELECT id FROM readings WHERE meter_id = $1 AND taken_on < $2 ORDER BY taken_on DESC, id DESC LIMIT 1)";

/// Period `$1`'s close, locked with `lock` (the dialect's `FOR_UPDATE`).
fn close_sql(lock: &str) -> String {
    format!("SELECT started_at, finished_at, summary FROM billing_closes WHERE period = $1 {lock}")
}

/// `n` invoices of six columns each, an account invoiced meanwhile keeping its own.
fn close_invoices_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|i| format!("({})", placeholders(i * 6 + 1, 6)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO invoices (account_id, period, issued_on, due_on, amount, basis) VALUES {rows} \
         ON CONFLICT (account_id, period) DO NOTHING RETURNING id, account_id"
    )
}

/// Debits `n` accounts (`$2`…) by their invoice of period `$1`.
fn debit_invoices_sql(n: usize) -> String {
    format!(
        "UPDATE accounts SET balance = balance - \
           (SELECT amount FROM invoices i WHERE i.account_id = accounts.id AND i.period = $1) \
         WHERE id IN ({})",
        placeholders(2, n)
    )
}

macro_rules! impl_billing {
    ($db:ty) => {
        #[async_trait]
        impl BillingStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn claim_close(
                &self,
                period: NaiveDate,
                now: DateTime<Utc>,
                stale_before: DateTime<Utc>,
            ) -> StoreResult<CloseClaim> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                let inserted = sqlx::query(CLAIM_CLOSE)
                    .bind(period)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let claim = if inserted == 1 {
                    CloseClaim::Claimed
                } else {
                    let (beat, finished, summary): (
                        DateTime<Utc>,
                        Option<DateTime<Utc>>,
                        Option<String>,
                    ) = sqlx::query_as(&close_sql(lock))
                        .bind(period)
                        .fetch_one(&mut *tx)
                        .await?;
                    if finished.is_some() {
                        CloseClaim::Finished(summary.unwrap_or_default())
                    } else if beat < stale_before {
                        sqlx::query(TAKE_OVER_CLOSE)
                            .bind(period)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        CloseClaim::Claimed
                    } else {
                        CloseClaim::Running(beat)
                    }
                };
                tx.commit().await?;
                Ok(claim)
            }

            #[tracing::instrument(skip_all)]
            async fn heartbeat_close(
                &self,
                period: NaiveDate,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(HEARTBEAT_CLOSE)
                    .bind(period)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn finish_close(
                &self,
                period: NaiveDate,
                now: DateTime<Utc>,
                summary: &str,
            ) -> StoreResult<()> {
                sqlx::query(FINISH_CLOSE)
                    .bind(period)
                    .bind(now)
                    .bind(summary)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn tariff_plans(&self) -> StoreResult<Vec<(i64, TariffPlan)>> {
                let plans: Vec<(i64, i64)> =
                    sqlx::query_as(TARIFF_PLANS).fetch_all(&self.pool).await?;
                let rates: Vec<(i64, String, NaiveDate, i64, i64)> =
                    sqlx::query_as(ALL_TARIFF_RATES)
                        .fetch_all(&self.pool)
                        .await?;
                let decode = |e: lk_domain::wire::UnknownValue| sqlx::Error::Decode(Box::new(e));
                let mut out = Vec::with_capacity(plans.len());
                for (id, zones) in plans {
                    let mut plan_rates = Vec::new();
                    for (_, zone, valid_from, band_from_kwh, e4) in
                        rates.iter().filter(|r| r.0 == id)
                    {
                        plan_rates.push(Rate {
                            zone: Zone::try_from(zone.clone()).map_err(decode)?,
                            valid_from: *valid_from,
                            band_from_kwh: *band_from_kwh,
                            price: price_of_e4(*e4),
                        });
                    }
                    out.push((
                        id,
                        TariffPlan {
                            scheme: ZoneScheme::try_from(zones).map_err(decode)?,
                            rates: plan_rates,
                        },
                    ));
                }
                Ok(out)
            }

            #[tracing::instrument(skip_all)]
            async fn count_accounts(&self) -> StoreResult<i64> {
                Ok(sqlx::query_scalar(COUNT_ACCOUNTS)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn close_chunk(
                &self,
                period: NaiveDate,
                after: i64,
                limit: i64,
            ) -> StoreResult<CloseChunk> {
                let decode = |e: lk_domain::wire::UnknownValue| sqlx::Error::Decode(Box::new(e));
                let start = period;
                let end = period
                    .checked_add_months(Months::new(1))
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(period);
                // Readings far enough back for the base and the average.
                let since = period
                    .checked_sub_months(Months::new(lk_domain::billing::AVERAGE_WINDOW_MONTHS + 4))
                    .unwrap_or(period);
                let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(CHUNK_ACCOUNTS)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                let Some(last_id) = rows.last().map(|r| r.0) else {
                    return Ok(CloseChunk::default());
                };
                let first_id = rows[0].0;
                // By the accounts' range (the index on account and period), not per account: a
                // generic plan of a per-account EXISTS hashes every invoice of the period.
                let invoiced: std::collections::HashSet<i64> = sqlx::query_scalar(CHUNK_INVOICED)
                    .bind(first_id)
                    .bind(last_id)
                    .bind(period)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .collect();
                let meters: Vec<(i64, i64, i64)> = sqlx::query_as(CHUNK_METERS)
                    .bind(first_id)
                    .bind(last_id)
                    .fetch_all(&self.pool)
                    .await?;
                let values: Vec<(i64, NaiveDate, String, i64)> = sqlx::query_as(CHUNK_READINGS)
                    .bind(first_id)
                    .bind(last_id)
                    .bind(since)
                    .bind(end)
                    .fetch_all(&self.pool)
                    .await?;
                let estimated: Vec<(i64, NaiveDate, String, i64)> = sqlx::query_as(CHUNK_ESTIMATED)
                    .bind(first_id)
                    .bind(last_id)
                    .bind(since)
                    .bind(start)
                    .fetch_all(&self.pool)
                    .await?;

                use std::collections::HashMap;
                let mut meters_of: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
                for (id, account, digits) in meters {
                    meters_of.entry(account).or_default().push((id, digits));
                }
                let mut values_of: HashMap<i64, Vec<(NaiveDate, String, i64)>> = HashMap::new();
                for (meter, on, zone, value) in values {
                    values_of.entry(meter).or_default().push((on, zone, value));
                }
                let mut estimated_of: HashMap<i64, Vec<(NaiveDate, String, i64)>> = HashMap::new();
                for (account, p, zone, kwh) in estimated {
                    estimated_of
                        .entry(account)
                        .or_default()
                        .push((p, zone, kwh));
                }
                let mut chunk = CloseChunk {
                    last_id: Some(last_id),
                    ..CloseChunk::default()
                };
                for (id, plan_id, residents, norm_kwh) in rows {
                    if invoiced.contains(&id) {
                        chunk.already_invoiced += 1;
                        continue;
                    }
                    let mut account_meters = Vec::new();
                    for (meter_id, digits) in meters_of.get(&id).into_iter().flatten() {
                        let mut readings: Vec<(NaiveDate, Vec<(Zone, i64)>)> = Vec::new();
                        for (on, zone, value) in values_of.get(meter_id).into_iter().flatten() {
                            let zone = Zone::try_from(zone.clone()).map_err(decode)?;
                            match readings.last_mut() {
                                Some((d, vs)) if d == on => vs.push((zone, *value)),
                                _ => readings.push((*on, vec![(zone, *value)])),
                            }
                        }
                        let has_base = readings.iter().any(|(d, _)| *d < start);
                        let in_month = readings.iter().any(|(d, _)| *d >= start);
                        if in_month && !has_base {
                            // The base lies further back than the window: fetch it.
                            let older: Vec<(NaiveDate, String, i64)> = sqlx::query_as(BASE_READING)
                                .bind(*meter_id)
                                .bind(since)
                                .fetch_all(&self.pool)
                                .await?;
                            if let Some((on, _, _)) = older.first() {
                                let mut vs = Vec::new();
                                for (_, zone, value) in &older {
                                    vs.push((
                                        Zone::try_from(zone.clone()).map_err(decode)?,
                                        *value,
                                    ));
                                }
                                readings.insert(0, (*on, vs));
                            }
                        }
                        account_meters.push(MeterReadings {
                            digits: u32::try_from(*digits)
                                .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                            readings,
                        });
                    }
                    let mut account_estimated: Vec<Estimated> = Vec::new();
                    for (p, zone, kwh) in estimated_of.get(&id).into_iter().flatten() {
                        let zone = Zone::try_from(zone.clone()).map_err(decode)?;
                        match account_estimated.iter_mut().find(|e| e.period == *p) {
                            Some(e) => e.kwh.push((zone, *kwh)),
                            None => account_estimated.push(Estimated {
                                period: *p,
                                kwh: vec![(zone, *kwh)],
                            }),
                        }
                    }
                    chunk.accounts.push(CloseAccount {
                        id,
                        plan_id,
                        residents,
                        norm_kwh,
                        meters: account_meters,
                        estimated: account_estimated,
                    });
                }
                Ok(chunk)
            }

            #[tracing::instrument(skip_all, fields(invoices = invoices.len()))]
            async fn write_close_invoices(
                &self,
                period: NaiveDate,
                issued_on: NaiveDate,
                due_on: NaiveDate,
                invoices: &[ClosedInvoice],
            ) -> StoreResult<Vec<i64>> {
                if invoices.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                let mut written: Vec<(i64, i64)> = Vec::new();
                for part in invoices.chunks(<$db as Dialect>::CHUNK) {
                    let sql = close_invoices_sql(part.len());
                    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
                    for inv in part {
                        q = q
                            .bind(inv.account_id)
                            .bind(period)
                            .bind(issued_on)
                            .bind(due_on)
                            .bind(inv.amount)
                            .bind(inv.basis.as_str());
                    }
                    written.extend(q.fetch_all(&mut *tx).await?);
                }
                let by_account: std::collections::HashMap<i64, i64> = written
                    .iter()
                    .map(|(id, account)| (*account, *id))
                    .collect();
                let mut lines: Vec<(i64, i64, &InvoiceLine)> = Vec::new();
                for inv in invoices {
                    if let Some(id) = by_account.get(&inv.account_id) {
                        for (n, l) in inv.lines.iter().enumerate() {
                            lines.push((*id, n as i64 + 1, l));
                        }
                    }
                }
                Self::insert_invoice_lines(&mut tx, &lines).await?;
                let accounts: Vec<i64> = written.iter().map(|(_, a)| *a).collect();
                for part in accounts.chunks(<$db as Dialect>::CHUNK) {
                    let sql = debit_invoices_sql(part.len());
                    let mut q = sqlx::query(&sql).bind(period);
                    for a in part {
                        q = q.bind(*a);
                    }
                    q.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(accounts)
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_billing!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_billing!(sqlx::Postgres);
}
