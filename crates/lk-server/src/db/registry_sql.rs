//! SQL of [`RegistryStore`], shared by both backends (see `sql.rs` for the approach).

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lk_domain::due::ReadingCharge;
use lk_domain::{Kopecks, OperationKind, Rate, Zone, ZoneScheme};

use super::registry::*;
use super::sql::{conflict_or, SqlStore};
use super::{StoreError, StoreResult};

const HOUSE_SELECT: &str = "SELECT h.id, h.name, h.address, h.account_id, a.number AS account_number, a.balance, h.created_at \
     FROM houses h LEFT JOIN accounts a ON a.id = h.account_id";

const ACCOUNT_SELECT: &str = "SELECT a.id, a.number, a.holder_name, a.address, a.contract_number, a.contract_date, a.residents, a.balance, \
       a.tariff_plan_id, p.code AS plan_code, p.name AS plan_name, p.zone_count AS plan_zone_count, \
       b.name AS branch_name, b.address AS branch_address, b.phone AS branch_phone, b.email AS branch_email, b.hours AS branch_hours \
     FROM accounts a JOIN tariff_plans p ON p.id = a.tariff_plan_id JOIN branches b ON b.id = a.branch_id";

/// A stored rate: the price in ten-thousandths of a ruble.
#[derive(Debug, sqlx::FromRow)]
struct RateRow {
    #[sqlx(try_from = "String")]
    zone: Zone,
    valid_from: NaiveDate,
    band_from_kwh: i64,
    price_e4: i64,
}

impl From<RateRow> for Rate {
    fn from(r: RateRow) -> Rate {
        Rate {
            zone: r.zone,
            valid_from: r.valid_from,
            band_from_kwh: r.band_from_kwh,
            price: price_of_e4(r.price_e4),
        }
    }
}

/// Ten-thousandths of a ruble, as prices are stored (rounded half away from zero).
fn price_to_e4(price: rust_decimal::Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (price * rust_decimal::Decimal::from(10_000))
        .round()
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// Active meters of an account (`$2`) with the labels one user (`$1`) gave them.
const METER_SELECT: &str = "SELECT m.id, m.account_id, m.serial, m.model, m.zone_count, m.digits, m.installed_on, m.verified_on, \
            m.next_verification_on, m.location, l.label \
     FROM meters m LEFT JOIN meter_labels l ON l.meter_id = m.id AND l.user_id = $1 \
     WHERE m.account_id = $2 AND m.active = TRUE";

/// Groups value rows under their readings (rows arrive in reading order).
fn attach_values(rows: Vec<ReadingRow>, values: Vec<ValueRow>) -> Vec<ReadingRecord> {
    rows.into_iter()
        .map(|r| ReadingRecord {
            values: {
                let mut of_reading: Vec<(Zone, i64)> = values
                    .iter()
                    .filter(|v| v.reading_id == r.id)
                    .map(|v| (v.zone, v.value))
                    .collect();
                of_reading.sort();
                of_reading
            },
            id: r.id,
            meter_id: r.meter_id,
            taken_on: r.taken_on,
            source: r.source,
            consumption: r.consumption,
            charge: r.charge,
        })
        .collect()
}

/// A charged reading and the last invoiced month of its account.
#[derive(Debug, sqlx::FromRow)]
struct DueRow {
    account_id: i64,
    meter_id: i64,
    taken_on: NaiveDate,
    charge: i64,
    last_period: Option<NaiveDate>,
}

/// `$first, $first+1, …` for an IN list of `n` items.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The UNION of the selected kinds of operations, newest first, resuming after `after`.
fn operations_sql(kinds: &[OperationKind], after: bool) -> String {
    let mut parts = Vec::new();
    if kinds.contains(&OperationKind::Invoice) {
        parts.push("SELECT 'invoice' AS kind, id, issued_on AS on_date, amount, CAST(NULL AS BIGINT) AS consumption, CAST(period AS TEXT) AS detail, CAST(NULL AS BIGINT) AS meter_id FROM invoices WHERE account_id = $1 AND issued_on BETWEEN $2 AND $3");
    }
    if kinds.contains(&OperationKind::Reading) {
        parts.push("SELECT 'reading' AS kind, id, taken_on AS on_date, CAST(NULL AS BIGINT) AS amount, consumption, source AS detail, meter_id FROM readings WHERE account_id = $1 AND taken_on BETWEEN $2 AND $3");
    }
    if kinds.contains(&OperationKind::Payment) {
        parts.push("SELECT 'payment' AS kind, id, paid_on AS on_date, amount, CAST(NULL AS BIGINT) AS consumption, channel AS detail, CAST(NULL AS BIGINT) AS meter_id FROM payments WHERE account_id = $1 AND paid_on BETWEEN $2 AND $3");
    }
    let filter = if after {
        "WHERE on_date < $5 OR (on_date = $5 AND kind < $6) OR (on_date = $5 AND kind = $6 AND id < $7)"
    } else {
        ""
    };
    format!("SELECT kind, id, on_date, amount, consumption, detail, meter_id FROM ({}) ops {filter} ORDER BY on_date DESC, kind DESC, id DESC LIMIT $4", parts.join(" UNION ALL "))
}

macro_rules! impl_registry {
    ($db:ty) => {
        impl SqlStore<$db> {
            async fn values_of(&self, ids: &[i64]) -> StoreResult<Vec<ValueRow>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!("SELECT reading_id, zone, value FROM reading_values WHERE reading_id IN ({}) ORDER BY reading_id, zone", placeholders(1, ids.len()));
                let mut q = sqlx::query_as::<_, ValueRow>(&sql);
                for id in ids {
                    q = q.bind(*id);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn with_values(&self, rows: Vec<ReadingRow>) -> StoreResult<Vec<ReadingRecord>> {
                let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                let values = self.values_of(&ids).await?;
                Ok(attach_values(rows, values))
            }
        }

        #[async_trait]
        impl RegistryStore for SqlStore<$db> {
            async fn create_house(&self, user_id: i64, name: &str, address: &str, now: DateTime<Utc>) -> StoreResult<HouseRecord> {
                let id = sqlx::query_scalar::<_, i64>("INSERT INTO houses (user_id, name, address, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(user_id)
                    .bind(name)
                    .bind(address)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                self.house(user_id, id).await?.ok_or(sqlx::Error::RowNotFound.into())
            }

            async fn houses(&self, user_id: i64) -> StoreResult<Vec<HouseRecord>> {
                Ok(sqlx::query_as::<_, HouseRecord>(&format!("{HOUSE_SELECT} WHERE h.user_id = $1 ORDER BY h.id"))
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn house(&self, user_id: i64, house_id: i64) -> StoreResult<Option<HouseRecord>> {
                Ok(sqlx::query_as::<_, HouseRecord>(&format!("{HOUSE_SELECT} WHERE h.user_id = $1 AND h.id = $2"))
                    .bind(user_id)
                    .bind(house_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn update_house(&self, user_id: i64, house_id: i64, name: &str, address: &str) -> StoreResult<Option<HouseRecord>> {
                let n = sqlx::query("UPDATE houses SET name = $1, address = $2 WHERE user_id = $3 AND id = $4")
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

            async fn delete_house(&self, user_id: i64, house_id: i64) -> StoreResult<bool> {
                Ok(sqlx::query("DELETE FROM houses WHERE user_id = $1 AND id = $2")
                    .bind(user_id)
                    .bind(house_id)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn account_by_pair(&self, number: &str, serial: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT a.id FROM accounts a JOIN meters m ON m.account_id = a.id WHERE a.number = $1 AND m.serial = $2 AND m.active = TRUE",
                )
                .bind(number)
                .bind(serial)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn bind_account(&self, user_id: i64, house_id: i64, account_id: i64) -> StoreResult<Option<HouseRecord>> {
                let n = sqlx::query("UPDATE houses SET account_id = $1 WHERE user_id = $2 AND id = $3")
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

            async fn unbind_account(&self, user_id: i64, house_id: i64) -> StoreResult<Option<HouseRecord>> {
                let n = sqlx::query("UPDATE houses SET account_id = NULL WHERE user_id = $1 AND id = $2")
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

            async fn houses_overview(&self, user_id: i64) -> StoreResult<Vec<HouseOverviewRow>> {
                Ok(sqlx::query_as::<_, HouseOverviewRow>(
                    "SELECT h.id, h.name, h.address, h.account_id, a.number AS account_number, a.balance, h.created_at, \
                            m.id AS meter_id, r.taken_on, v.zone, v.value \
                     FROM houses h \
                     LEFT JOIN accounts a ON a.id = h.account_id \
                     LEFT JOIN meters m ON m.account_id = h.account_id AND m.active = TRUE \
                     LEFT JOIN readings r ON r.id = (SELECT r2.id FROM readings r2 WHERE r2.meter_id = m.id ORDER BY r2.taken_on DESC, r2.id DESC LIMIT 1) \
                     LEFT JOIN reading_values v ON v.reading_id = r.id \
                     WHERE h.user_id = $1 \
                     ORDER BY h.id, m.id, v.zone",
                )
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn account_of_user(&self, user_id: i64, number: &str) -> StoreResult<Option<AccountRecord>> {
                Ok(sqlx::query_as::<_, AccountRecord>(&format!(
                    "{ACCOUNT_SELECT} WHERE a.number = $1 AND EXISTS (SELECT 1 FROM houses h WHERE h.account_id = a.id AND h.user_id = $2)"
                ))
                .bind(number)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn meters(&self, user_id: i64, account_id: i64) -> StoreResult<Vec<MeterRecord>> {
                Ok(sqlx::query_as::<_, MeterRecord>(&format!("{METER_SELECT} ORDER BY m.id"))
                    .bind(user_id)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn meter_of_user(&self, user_id: i64, account_id: i64, meter_id: i64) -> StoreResult<Option<MeterRecord>> {
                Ok(sqlx::query_as::<_, MeterRecord>(&format!("{METER_SELECT} AND m.id = $3"))
                    .bind(user_id)
                    .bind(account_id)
                    .bind(meter_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn set_meter_label(&self, user_id: i64, meter_id: i64, label: Option<&str>) -> StoreResult<()> {
                match label {
                    Some(label) => {
                        sqlx::query("INSERT INTO meter_labels (user_id, meter_id, label) VALUES ($1, $2, $3) ON CONFLICT (user_id, meter_id) DO UPDATE SET label = excluded.label")
                            .bind(user_id)
                            .bind(meter_id)
                            .bind(label)
                            .execute(&self.pool)
                            .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM meter_labels WHERE user_id = $1 AND meter_id = $2").bind(user_id).bind(meter_id).execute(&self.pool).await?;
                    }
                }
                Ok(())
            }

            #[tracing::instrument(skip(self))]
            async fn tariff_rates(&self, plan_id: i64) -> StoreResult<Vec<Rate>> {
                Ok(sqlx::query_as::<_, RateRow>(
                    "SELECT zone, valid_from, band_from_kwh, price_e4 FROM tariff_rates WHERE plan_id = $1 ORDER BY valid_from, zone, band_from_kwh",
                )
                .bind(plan_id)
                .fetch_all(&self.pool)
                .await?
                    .into_iter()
                    .map(Rate::from)
                    .collect())
            }

            async fn readings(&self, meter_id: i64, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<ReadingRecord>> {
                let rows = sqlx::query_as::<_, ReadingRow>(
                    "SELECT id, meter_id, taken_on, source, consumption, charge FROM readings \
                     WHERE meter_id = $1 AND taken_on BETWEEN $2 AND $3 ORDER BY taken_on DESC, id DESC",
                )
                .bind(meter_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                self.with_values(rows).await
            }

            async fn readings_before(&self, meter_id: i64, before: NaiveDate, limit: i64) -> StoreResult<Vec<ReadingRecord>> {
                let rows = sqlx::query_as::<_, ReadingRow>(
                    "SELECT id, meter_id, taken_on, source, consumption, charge FROM readings \
                     WHERE meter_id = $1 AND taken_on < $2 ORDER BY taken_on DESC, id DESC LIMIT $3",
                )
                .bind(meter_id)
                .bind(before)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                self.with_values(rows).await
            }

            #[tracing::instrument(skip_all, fields(meter_id = r.meter_id))]
            async fn insert_reading(&self, r: &NewReading) -> StoreResult<ReadingRecord> {
                let mut tx = self.pool.begin().await?;
                // One reading per meter and day (a unique index): a repeat the same day
                // replaces the earlier one in place. The subscriber's own reading never
                // replaces the company's; the company's replaces anything.
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO readings (meter_id, account_id, taken_on, source, submitted_by, consumption, charge, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (meter_id, taken_on) DO UPDATE SET source = excluded.source, submitted_by = excluded.submitted_by, \
                       consumption = excluded.consumption, charge = excluded.charge, created_at = excluded.created_at \
                     WHERE readings.source = 'portal' OR excluded.source <> 'portal' \
                     RETURNING id",
                )
                .bind(r.meter_id)
                .bind(r.account_id)
                .bind(r.taken_on)
                .bind(r.source.as_str())
                .bind(r.submitted_by)
                .bind(r.consumption)
                .bind(r.charge)
                .bind(r.now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(id) = id else {
                    return Err(StoreError::Conflict);
                };
                sqlx::query("DELETE FROM reading_values WHERE reading_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for (zone, value) in &r.values {
                    sqlx::query("INSERT INTO reading_values (reading_id, zone, value) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(zone.as_str())
                        .bind(value)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
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

            async fn operations(&self, account_id: i64, from: NaiveDate, to: NaiveDate, kinds: &[OperationKind], after: Option<&OperationCursor>, limit: i64) -> StoreResult<Vec<OperationRow>> {
                if kinds.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = operations_sql(kinds, after.is_some());
                let mut q = sqlx::query_as::<_, OperationRow>(&sql).bind(account_id).bind(from).bind(to).bind(limit);
                if let Some(c) = after {
                    q = q.bind(c.on_date).bind(c.kind.as_str()).bind(c.id);
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            async fn reading_values(&self, reading_ids: &[i64]) -> StoreResult<Vec<ValueRow>> {
                self.values_of(reading_ids).await
            }

            async fn invoice(&self, account_id: i64, invoice_id: i64) -> StoreResult<Option<(InvoiceRecord, Vec<InvoiceLineRecord>)>> {
                let Some(inv) = sqlx::query_as::<_, InvoiceRecord>("SELECT id, period, issued_on, due_on, amount FROM invoices WHERE account_id = $1 AND id = $2")
                    .bind(account_id)
                    .bind(invoice_id)
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let lines = sqlx::query_as::<_, InvoiceLineRecord>("SELECT zone, kwh, price_e4, amount FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no")
                    .bind(invoice_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(Some((inv, lines)))
            }

            async fn due_basis(&self, account_ids: &[i64]) -> StoreResult<HashMap<i64, DueBasis>> {
                if account_ids.is_empty() {
                    return Ok(HashMap::new());
                }
                // Readings since the first day of the last invoiced month: the domain decides
                // which of them are billed already.
                let ids = placeholders(1, account_ids.len());
                let sql = format!(
                    "SELECT r.account_id, r.meter_id, r.taken_on, r.charge, p.last_period \
                     FROM readings r \
                     LEFT JOIN (SELECT account_id, MAX(period) AS last_period FROM invoices WHERE account_id IN ({ids}) GROUP BY account_id) p ON p.account_id = r.account_id \
                     WHERE r.account_id IN ({ids}) AND r.charge IS NOT NULL AND (p.last_period IS NULL OR r.taken_on >= p.last_period) \
                     ORDER BY r.account_id, r.taken_on, r.id"
                );
                let mut q = sqlx::query_as::<_, DueRow>(&sql);
                for id in account_ids {
                    q = q.bind(*id);
                }
                let mut out: HashMap<i64, DueBasis> = HashMap::new();
                for row in q.fetch_all(&self.pool).await? {
                    let basis = out.entry(row.account_id).or_default();
                    basis.last_invoiced = row.last_period;
                    basis.readings.push((row.meter_id, ReadingCharge { taken_on: row.taken_on, charge: Kopecks(row.charge) }));
                }
                Ok(out)
            }

            async fn create_change_request(&self, account_id: i64, user_id: i64, payload: &str, now: DateTime<Utc>) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO change_requests (account_id, user_id, payload, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(account_id)
                .bind(user_id)
                .bind(payload)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn insert_branch(&self, b: &NewBranch) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "INSERT INTO branches (code, name, address, phone, email, hours) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone, email = excluded.email, hours = excluded.hours \
                     RETURNING id",
                )
                .bind(&b.code)
                .bind(&b.name)
                .bind(&b.address)
                .bind(&b.phone)
                .bind(&b.email)
                .bind(&b.hours)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn insert_tariff_plan(&self, code: &str, name: &str, scheme: ZoneScheme, rates: &[Rate]) -> StoreResult<i64> {
                let mut tx = self.pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO tariff_plans (code, name, zone_count) VALUES ($1, $2, $3) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, zone_count = excluded.zone_count RETURNING id",
                )
                .bind(code)
                .bind(name)
                .bind(scheme.zone_count())
                .fetch_one(&mut *tx)
                .await?;
                for r in rates {
                    sqlx::query(
                        "INSERT INTO tariff_rates (plan_id, zone, valid_from, band_from_kwh, price_e4) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (plan_id, zone, band_from_kwh, valid_from) DO UPDATE SET price_e4 = excluded.price_e4",
                    )
                    .bind(id)
                    .bind(r.zone.as_str())
                    .bind(r.valid_from)
                    .bind(r.band_from_kwh)
                    .bind(price_to_e4(r.price))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn insert_account(&self, a: &NewAccount, now: DateTime<Utc>) -> StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO accounts (number, holder_name, address, branch_id, contract_number, contract_date, tariff_plan_id, residents, opening_balance, balance, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
                )
                .bind(&a.number)
                .bind(&a.holder_name)
                .bind(&a.address)
                .bind(a.branch_id)
                .bind(&a.contract_number)
                .bind(a.contract_date)
                .bind(a.tariff_plan_id)
                .bind(a.residents)
                .bind(a.opening_balance)
                .bind(now)
                .fetch_one(&self.pool)
                .await
                .map_err(conflict_or)
            }

            async fn insert_meter(&self, m: &NewMeter) -> StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO meters (account_id, serial, model, zone_count, digits, installed_on, verified_on, next_verification_on, location) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(m.account_id)
                .bind(&m.serial)
                .bind(&m.model)
                .bind(m.scheme.zone_count())
                .bind(m.digits)
                .bind(m.installed_on)
                .bind(m.verified_on)
                .bind(m.next_verification_on)
                .bind(&m.location)
                .fetch_one(&self.pool)
                .await
                .map_err(conflict_or)
            }

            async fn insert_invoice(&self, i: &NewInvoice) -> StoreResult<i64> {
                let amount: i64 = i.lines.iter().map(|l| l.3).sum();
                let mut tx = self.pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO invoices (account_id, period, issued_on, due_on, amount) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(i.account_id)
                .bind(i.period)
                .bind(i.issued_on)
                .bind(i.due_on)
                .bind(amount)
                .fetch_one(&mut *tx)
                .await
                .map_err(conflict_or)?;
                for (n, (zone, kwh, price_e4, line_amount)) in i.lines.iter().enumerate() {
                    sqlx::query("INSERT INTO invoice_lines (invoice_id, line_no, zone, kwh, price_e4, amount) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(id)
                        .bind(n as i64 + 1)
                        .bind(zone)
                        .bind(kwh)
                        .bind(price_e4)
                        .bind(line_amount)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE accounts SET balance = balance - $1 WHERE id = $2").bind(amount).bind(i.account_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn insert_payment(&self, p: &NewPayment, now: DateTime<Utc>) -> StoreResult<i64> {
                let mut tx = self.pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO payments (account_id, amount, paid_on, channel, external_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(p.account_id)
                .bind(p.amount)
                .bind(p.paid_on)
                .bind(&p.channel)
                .bind(&p.external_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("UPDATE accounts SET balance = balance + $1 WHERE id = $2").bind(p.amount).bind(p.account_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn recompute_balance(&self, account_id: i64) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "UPDATE accounts SET balance = opening_balance \
                       + CAST(COALESCE((SELECT SUM(amount) FROM payments WHERE account_id = $1), 0) AS BIGINT) \
                       - CAST(COALESCE((SELECT SUM(amount) FROM invoices WHERE account_id = $1), 0) AS BIGINT) \
                     WHERE id = $1 RETURNING balance",
                )
                .bind(account_id)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn generate_bench_data(&self, user_id: i64, accounts: i64, months: u32, today: NaiveDate) -> StoreResult<()> {
                let now = Utc::now();
                let plan: i64 = sqlx::query_scalar("SELECT id FROM tariff_plans WHERE code = 'population-single'").fetch_one(&self.pool).await?;
                let branch: i64 = sqlx::query_scalar("SELECT id FROM branches WHERE code = 'tambov'").fetch_one(&self.pool).await?;
                let max_id = |table: &'static str| {
                    let pool = self.pool.clone();
                    async move { sqlx::query_scalar::<_, i64>(&format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}")).fetch_one(&pool).await }
                };
                let first = max_id("accounts").await?;
                sqlx::query(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
                     INSERT INTO accounts (number, holder_name, address, branch_id, contract_number, contract_date, tariff_plan_id, residents, opening_balance, balance, created_at) \
                     SELECT CAST(690000000000 + i AS TEXT), 'Абонент ' || CAST(i AS TEXT), 'г. Тамбов, д. ' || CAST(i AS TEXT), $2, 'B-' || CAST(i AS TEXT), $3, $4, 1, 0, -(i % 5000), $5 FROM n",
                )
                .bind(accounts)
                .bind(branch)
                .bind(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default())
                .bind(plan)
                .bind(now)
                .execute(&self.pool)
                .await?;
                sqlx::query("INSERT INTO meters (account_id, serial, model, zone_count, digits, location) SELECT id, 'B' || CAST(id AS TEXT), 'Меркурий 201.5', 1, 6, '' FROM accounts WHERE id > $1")
                    .bind(first)
                    .execute(&self.pool)
                    .await?;
                let start = today.with_day(20).and_then(|d| d.checked_sub_months(chrono::Months::new(months))).unwrap_or(today);
                for m in 0..months {
                    let on = start.checked_add_months(chrono::Months::new(m)).unwrap_or(start);
                    let period = on.with_day(1).unwrap_or(on);
                    let issued = period.checked_add_months(chrono::Months::new(1)).unwrap_or(period);
                    let before = max_id("readings").await?;
                    sqlx::query("INSERT INTO readings (meter_id, account_id, taken_on, source, consumption, charge, created_at) SELECT id, account_id, $1, 'billing', 250, 153250, $2 FROM meters WHERE account_id > $3")
                        .bind(on)
                        .bind(now)
                        .bind(first)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query("INSERT INTO reading_values (reading_id, zone, value) SELECT id, 'single', 10000 + $1 * 250 + account_id % 50 FROM readings WHERE id > $2")
                        .bind(i64::from(m))
                        .bind(before)
                        .execute(&self.pool)
                        .await?;
                    let before = max_id("invoices").await?;
                    sqlx::query("INSERT INTO invoices (account_id, period, issued_on, due_on, amount) SELECT id, $1, $2, $3, 150000 + id % 997 FROM accounts WHERE id > $4")
                        .bind(period)
                        .bind(issued)
                        .bind(issued.with_day(10).unwrap_or(issued))
                        .bind(first)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query("INSERT INTO invoice_lines (invoice_id, line_no, zone, kwh, price_e4, amount) SELECT id, 1, 'single', 250, 61300, amount FROM invoices WHERE id > $1")
                        .bind(before)
                        .execute(&self.pool)
                        .await?;
                    sqlx::query("INSERT INTO payments (account_id, amount, paid_on, channel, created_at) SELECT id, 150000, $1, 'bank', $2 FROM accounts WHERE id > $3")
                        .bind(issued.with_day(5).unwrap_or(issued))
                        .bind(now)
                        .bind(first)
                        .execute(&self.pool)
                        .await?;
                }
                for (k, i) in [1, accounts / 2, accounts].into_iter().enumerate() {
                    let number = format!("{}", 690_000_000_000_i64 + i.max(1));
                    let account_id: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE number = $1").bind(&number).fetch_one(&self.pool).await?;
                    sqlx::query("INSERT INTO houses (user_id, name, address, account_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                        .bind(user_id)
                        .bind(format!("Дом {}", k + 1))
                        .bind("г. Тамбов")
                        .bind(account_id)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                }
                sqlx::query("ANALYZE").execute(&self.pool).await?;
                Ok(())
            }

            async fn account_brief(&self, account_id: i64) -> StoreResult<Option<(String, i64)>> {
                Ok(sqlx::query_as::<_, (String, i64)>("SELECT number, balance FROM accounts WHERE id = $1").bind(account_id).fetch_optional(&self.pool).await?)
            }

            async fn account_id_by_number(&self, number: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT id FROM accounts WHERE number = $1").bind(number).fetch_optional(&self.pool).await?)
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_registry!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_registry!(sqlx::Postgres);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_query_has_only_the_selected_kinds_and_resumes_after_the_cursor() {
        let sql = operations_sql(&[OperationKind::Payment, OperationKind::Invoice], true);
        assert!(
            sql.contains("FROM invoices")
                && sql.contains("FROM payments")
                && !sql.contains("FROM readings")
        );
        assert!(sql.contains("on_date < $5"));
        assert!(!operations_sql(&[OperationKind::Reading], false).contains("$5"));
    }
}
