//! Personal accounts as their subscribers see them: the account, its tariff, invoices, what the
//! amount due depends on, change requests. An account is read for a user only through one of
//! that user's houses.

use async_trait::async_trait;
use chrono::NaiveDate;
use lk_domain::billing::MeterReadings;
use lk_domain::due::{account_due, ReadingCharge};
use lk_domain::insights::InvoicedMonth;
use lk_domain::{Kopecks, Rate, TariffPlan, Zone, ZoneScheme};
use rust_decimal::Decimal;

use super::sql::SqlStore;
use super::StoreResult;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: i64,
    pub number: String,
    pub holder_name: String,
    pub address: String,
    pub contract_number: String,
    pub contract_date: NaiveDate,
    pub residents: i64,
    pub balance: i64,
    pub tariff_plan_id: i64,
    pub plan_code: String,
    pub plan_name: String,
    #[sqlx(rename = "plan_zone_count", try_from = "i64")]
    pub plan_scheme: ZoneScheme,
    pub branch_name: String,
    pub branch_address: String,
    pub branch_phone: String,
    pub branch_email: String,
    pub branch_hours: String,
}

/// Rubles per kWh from the stored ten-thousandths.
pub fn price_of_e4(e4: i64) -> Decimal {
    Decimal::new(e4, 4).normalize()
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRecord {
    pub id: i64,
    pub period: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount: i64,
    #[sqlx(try_from = "String")]
    pub basis: lk_domain::InvoiceBasis,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceLineRecord {
    #[sqlx(try_from = "String")]
    pub zone: Zone,
    pub band_from_kwh: i64,
    pub kwh: i64,
    pub price_e4: i64,
    pub amount: i64,
}

impl InvoiceLineRecord {
    /// Rubles per kWh.
    pub fn price(&self) -> Decimal {
        price_of_e4(self.price_e4)
    }
}

/// What an account's amount due depends on besides its balance
/// ([`lk_domain::due::account_due`]): the last invoiced month and the charged readings taken
/// since its first day (all of them when nothing is invoiced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueBasis {
    pub last_invoiced: Option<NaiveDate>,
    /// (meter id, its reading's charge), oldest first.
    pub readings: Vec<(i64, ReadingCharge)>,
}

impl DueBasis {
    /// The charges, without `meter_id`'s readings of `day` when `replaced` names them (a new
    /// reading of that day replaces them).
    pub fn charges_without(&self, replaced: Option<(i64, NaiveDate)>) -> Vec<ReadingCharge> {
        self.readings
            .iter()
            .filter(|(meter, r)| replaced != Some((*meter, r.taken_on)))
            .map(|(_, r)| *r)
            .collect()
    }

    /// The account's amount due for `balance`.
    pub fn amount_due(&self, balance: Kopecks) -> Kopecks {
        account_due(balance, &self.charges_without(None), self.last_invoiced)
    }
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Every rate of a tariff plan, oldest first.
    async fn tariff_rates(&self, plan_id: i64) -> StoreResult<Vec<Rate>>;
    /// The tariff plan of an account, with its whole history of rates.
    #[tracing::instrument(skip_all)]
    async fn tariff_of(&self, account: &AccountRecord) -> StoreResult<TariffPlan> {
        Ok(TariffPlan {
            scheme: account.plan_scheme,
            rates: self.tariff_rates(account.tariff_plan_id).await?,
        })
    }
    async fn invoice(
        &self,
        account_id: i64,
        invoice_id: i64,
    ) -> StoreResult<Option<(InvoiceRecord, Vec<InvoiceLineRecord>)>>;
    /// What the amounts due of these accounts depend on besides their balances, by account id
    /// (accounts without charged readings to consider are absent).
    /// What one account's amount due depends on besides its balance.
    async fn due_basis_of(&self, account_id: i64) -> StoreResult<DueBasis>;
    /// balance = opening balance + payments − invoices.
    async fn recompute_balance(&self, account_id: i64) -> StoreResult<i64>;
    async fn account_id_by_number(&self, number: &str) -> StoreResult<Option<i64>>;
    /// Number and balance of an account.
    async fn account_brief(&self, account_id: i64) -> StoreResult<Option<(String, i64)>>;
    /// What the consumption insights of an account need: each meter's readings taken from
    /// `since` on with its last one before (the base of the first month), and the invoices of
    /// the months from `since` on with their lines.
    async fn insight_facts(
        &self,
        account_id: i64,
        since: NaiveDate,
    ) -> StoreResult<(Vec<MeterReadings>, Vec<InvoicedMonth>)>;
}

pub(super) const ACCOUNT_SELECT: &str = "SELECT a.id, a.number, a.holder_name, a.address, a.contract_number, a.contract_date, a.residents, a.balance, \
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

/// A charged reading and the last invoiced month of its account.
#[derive(Debug, sqlx::FromRow)]
struct DueRow {
    meter_id: i64,
    taken_on: NaiveDate,
    charge: i64,
    last_period: Option<NaiveDate>,
}

/// The charged readings of an account since the first day of its last invoiced month (all of
/// them when nothing is invoiced), oldest first, each with that month.
const DUE_BASIS: &str = "SELECT r.meter_id, r.taken_on, r.charge, lp.period AS last_period \
     FROM readings r \
     LEFT JOIN invoices lp ON lp.id = (SELECT i.id FROM invoices i WHERE i.account_id = $1 ORDER BY i.period DESC LIMIT 1) \
     WHERE r.account_id = $1 AND r.charge IS NOT NULL AND r.taken_on >= COALESCE(lp.period, '0001-01-01') \
     ORDER BY r.taken_on, r.id";

const TARIFF_RATES: &str = "SELECT zone, valid_from, band_from_kwh, price_e4 FROM tariff_rates WHERE plan_id = $1 ORDER BY valid_from, zone, band_from_kwh";
const INVOICE: &str =
    "SELECT id, period, issued_on, due_on, amount, basis FROM invoices WHERE account_id = $1 AND id = $2";
const INVOICE_2: &str =
    "SELECT zone, band_from_kwh, kwh, price_e4, amount FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no";
const RECOMPUTE_BALANCE: &str = "UPDATE accounts SET balance = opening_balance \
                       + CAST(COALESCE((SELECT SUM(amount) FROM payments WHERE account_id = $1), 0) AS BIGINT) \
                       - CAST(COALESCE((SELECT SUM(amount) FROM invoices WHERE account_id = $1), 0) AS BIGINT) \
                     WHERE id = $1 RETURNING balance";
const ACCOUNT_ID_BY_NUMBER: &str = "SELECT id FROM accounts WHERE number = $1";
const ACCOUNT_BRIEF: &str = "SELECT number, balance FROM accounts WHERE id = $1";
const INSIGHT_READINGS: &str = "SELECT r.id, r.meter_id, m.digits, r.taken_on, v.zone, v.value FROM readings r \
       JOIN meters m ON m.id = r.meter_id JOIN reading_values v ON v.reading_id = r.id \
     WHERE r.account_id = $1 AND (r.taken_on >= $2 OR r.id = (SELECT b.id FROM readings b \
         WHERE b.meter_id = r.meter_id AND b.taken_on < $2 ORDER BY b.taken_on DESC, b.id DESC LIMIT 1)) \
     ORDER BY r.meter_id, r.taken_on, r.id";
const INSIGHT_INVOICES: &str = "SELECT i.id, i.period, l.zone, l.kwh, l.amount FROM invoices i \
       JOIN invoice_lines l ON l.invoice_id = i.id \
     WHERE i.account_id = $1 AND i.period >= $2 ORDER BY i.period, i.id, l.line_no";

/// Readings rows (one per zone value) as each meter's readings, oldest first.
fn meters_of(
    rows: Vec<(i64, i64, i64, NaiveDate, String, i64)>,
) -> StoreResult<Vec<MeterReadings>> {
    let mut meters: Vec<(i64, MeterReadings)> = Vec::new();
    let mut last_reading = None;
    for (reading_id, meter_id, digits, on, zone, value) in rows {
        let zone = Zone::try_from(zone).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        if meters.last().is_none_or(|(id, _)| *id != meter_id) {
            meters.push((
                meter_id,
                MeterReadings {
                    digits: u32::try_from(digits).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                    readings: Vec::new(),
                },
            ));
        }
        let Some((_, meter)) = meters.last_mut() else {
            continue;
        };
        if last_reading == Some(reading_id) {
            if let Some((_, values)) = meter.readings.last_mut() {
                values.push((zone, value));
            }
        } else {
            meter.readings.push((on, vec![(zone, value)]));
            last_reading = Some(reading_id);
        }
    }
    Ok(meters.into_iter().map(|(_, m)| m).collect())
}

/// Invoice line rows as invoices with their lines.
fn invoices_of(rows: Vec<(i64, NaiveDate, String, i64, i64)>) -> StoreResult<Vec<InvoicedMonth>> {
    let mut out: Vec<(i64, InvoicedMonth)> = Vec::new();
    for (id, period, zone, kwh, amount) in rows {
        let zone = Zone::try_from(zone).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        match out.last_mut() {
            Some((last, inv)) if *last == id => inv.lines.push((zone, kwh, Kopecks(amount))),
            _ => out.push((
                id,
                InvoicedMonth {
                    period,
                    lines: vec![(zone, kwh, Kopecks(amount))],
                },
            )),
        }
    }
    Ok(out.into_iter().map(|(_, i)| i).collect())
}

macro_rules! impl_accounts {
    ($db:ty) => {
        #[async_trait]
        impl AccountStore for SqlStore<$db> {
            #[tracing::instrument(skip(self))]
            async fn tariff_rates(&self, plan_id: i64) -> StoreResult<Vec<Rate>> {
                Ok(sqlx::query_as::<_, RateRow>(TARIFF_RATES)
                    .bind(plan_id)
                    .fetch_all(&self.pool)
                    .await?
                    .into_iter()
                    .map(Rate::from)
                    .collect())
            }

            #[tracing::instrument(skip_all)]
            async fn invoice(
                &self,
                account_id: i64,
                invoice_id: i64,
            ) -> StoreResult<Option<(InvoiceRecord, Vec<InvoiceLineRecord>)>> {
                let Some(inv) = sqlx::query_as::<_, InvoiceRecord>(INVOICE)
                    .bind(account_id)
                    .bind(invoice_id)
                    .fetch_optional(&self.pool)
                    .await?
                else {
                    return Ok(None);
                };
                let lines = sqlx::query_as::<_, InvoiceLineRecord>(INVOICE_2)
                    .bind(invoice_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(Some((inv, lines)))
            }

            #[tracing::instrument(skip_all)]
            async fn due_basis_of(&self, account_id: i64) -> StoreResult<DueBasis> {
                let mut basis = DueBasis::default();
                for row in sqlx::query_as::<_, DueRow>(DUE_BASIS)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?
                {
                    basis.last_invoiced = row.last_period;
                    basis.readings.push((
                        row.meter_id,
                        ReadingCharge {
                            taken_on: row.taken_on,
                            charge: Kopecks(row.charge),
                        },
                    ));
                }
                Ok(basis)
            }

            #[tracing::instrument(skip_all)]
            async fn recompute_balance(&self, account_id: i64) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(RECOMPUTE_BALANCE)
                    .bind(account_id)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn account_id_by_number(&self, number: &str) -> StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar::<_, i64>(ACCOUNT_ID_BY_NUMBER)
                    .bind(number)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn account_brief(&self, account_id: i64) -> StoreResult<Option<(String, i64)>> {
                Ok(sqlx::query_as::<_, (String, i64)>(ACCOUNT_BRIEF)
                    .bind(account_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip(self))]
            async fn insight_facts(
                &self,
                account_id: i64,
                since: NaiveDate,
            ) -> StoreResult<(Vec<MeterReadings>, Vec<InvoicedMonth>)> {
                let readings = sqlx::query_as(INSIGHT_READINGS)
                    .bind(account_id)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                let invoices = sqlx::query_as(INSIGHT_INVOICES)
                    .bind(account_id)
                    .bind(since)
                    .fetch_all(&self.pool)
                    .await?;
                Ok((meters_of(readings)?, invoices_of(invoices)?))
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_accounts!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_accounts!(sqlx::Postgres);
}
