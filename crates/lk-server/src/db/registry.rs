//! The company's registry as its billing system (or the demo data) supplies it: branches, tariff
//! plans with dated rates, accounts, meters, invoices and payments.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{Rate, ZoneScheme};

use super::sql::{conflict_or, price_to_e4, SqlStore};
use super::StoreResult;

// Registry rows as the billing system (or the demo data) supplies them.

#[derive(Debug, Clone)]
pub struct NewBranch {
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub number: String,
    pub holder_name: String,
    pub address: String,
    pub branch_id: i64,
    pub contract_number: String,
    pub contract_date: NaiveDate,
    pub tariff_plan_id: i64,
    pub residents: i64,
    pub opening_balance: i64,
}

#[derive(Debug, Clone)]
pub struct NewMeter {
    pub account_id: i64,
    pub serial: String,
    pub model: String,
    pub scheme: ZoneScheme,
    pub digits: i64,
    pub installed_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub next_verification_on: Option<NaiveDate>,
    pub location: String,
}

#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub account_id: i64,
    pub period: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    /// (zone, kWh, price × 10⁴, amount in kopecks)
    pub lines: Vec<(String, i64, i64, i64)>,
}

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub account_id: i64,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub channel: lk_domain::PaymentSource,
    pub external_id: Option<String>,
}

#[async_trait]
pub trait RegistryStore: Send + Sync {
    async fn insert_branch(&self, b: &NewBranch) -> StoreResult<i64>;
    async fn insert_tariff_plan(
        &self,
        code: &str,
        name: &str,
        scheme: ZoneScheme,
        rates: &[Rate],
    ) -> StoreResult<i64>;
    async fn insert_account(&self, a: &NewAccount, now: DateTime<Utc>) -> StoreResult<i64>;
    async fn insert_meter(&self, m: &NewMeter) -> StoreResult<i64>;
    async fn insert_invoice(&self, i: &NewInvoice) -> StoreResult<i64>;
    async fn insert_payment(&self, p: &NewPayment, now: DateTime<Utc>) -> StoreResult<i64>;
}

const INSERT_BRANCH: &str = "INSERT INTO branches (code, name, address, phone, email, hours) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone, email = excluded.email, hours = excluded.hours \
                     RETURNING id";
const INSERT_TARIFF_PLAN: &str = "INSERT INTO tariff_plans (code, name, zone_count) VALUES ($1, $2, $3) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, zone_count = excluded.zone_count RETURNING id";
const INSERT_TARIFF_PLAN_2: &str = "INSERT INTO tariff_rates (plan_id, zone, valid_from, band_from_kwh, price_e4) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (plan_id, zone, band_from_kwh, valid_from) DO UPDATE SET price_e4 = excluded.price_e4";
const INSERT_ACCOUNT: &str = "INSERT INTO accounts (number, holder_name, address, branch_id, contract_number, contract_date, tariff_plan_id, residents, opening_balance, balance, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id";
const INSERT_METER: &str = "INSERT INTO meters (account_id, serial, model, zone_count, digits, installed_on, verified_on, next_verification_on, location) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
const INSERT_INVOICE: &str = "INSERT INTO invoices (account_id, period, issued_on, due_on, amount) VALUES ($1, $2, $3, $4, $5) RETURNING id";
const INSERT_INVOICE_2: &str = "INSERT INTO invoice_lines (invoice_id, line_no, zone, kwh, price_e4, amount) VALUES ($1, $2, $3, $4, $5, $6)";
const INSERT_INVOICE_3: &str = "UPDATE accounts SET balance = balance - $1 WHERE id = $2";
const INSERT_PAYMENT: &str = "INSERT INTO payments (account_id, amount, paid_on, channel, external_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
const INSERT_PAYMENT_2: &str = "UPDATE accounts SET balance = balance + $1 WHERE id = $2";

macro_rules! impl_registry {
    ($db:ty) => {
        #[async_trait]
        impl RegistryStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn insert_branch(&self, b: &NewBranch) -> StoreResult<i64> {
                Ok(sqlx::query_scalar::<_, i64>(INSERT_BRANCH)
                    .bind(&b.code)
                    .bind(&b.name)
                    .bind(&b.address)
                    .bind(&b.phone)
                    .bind(&b.email)
                    .bind(&b.hours)
                    .fetch_one(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn insert_tariff_plan(
                &self,
                code: &str,
                name: &str,
                scheme: ZoneScheme,
                rates: &[Rate],
            ) -> StoreResult<i64> {
                let mut tx = self.pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(INSERT_TARIFF_PLAN)
                    .bind(code)
                    .bind(name)
                    .bind(scheme.zone_count())
                    .fetch_one(&mut *tx)
                    .await?;
                for r in rates {
                    sqlx::query(INSERT_TARIFF_PLAN_2)
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

            #[tracing::instrument(skip_all)]
            async fn insert_account(&self, a: &NewAccount, now: DateTime<Utc>) -> StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(INSERT_ACCOUNT)
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

            #[tracing::instrument(skip_all)]
            async fn insert_meter(&self, m: &NewMeter) -> StoreResult<i64> {
                sqlx::query_scalar::<_, i64>(INSERT_METER)
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

            #[tracing::instrument(skip_all)]
            async fn insert_invoice(&self, i: &NewInvoice) -> StoreResult<i64> {
                let amount: i64 = i.lines.iter().map(|l| l.3).sum();
                let mut tx = self.pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(INSERT_INVOICE)
                    .bind(i.account_id)
                    .bind(i.period)
                    .bind(i.issued_on)
                    .bind(i.due_on)
                    .bind(amount)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(conflict_or)?;
                for (n, (zone, kwh, price_e4, line_amount)) in i.lines.iter().enumerate() {
                    sqlx::query(INSERT_INVOICE_2)
                        .bind(id)
                        .bind(n as i64 + 1)
                        .bind(zone)
                        .bind(kwh)
                        .bind(price_e4)
                        .bind(line_amount)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(INSERT_INVOICE_3)
                    .bind(amount)
                    .bind(i.account_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            #[tracing::instrument(skip_all)]
            async fn insert_payment(&self, p: &NewPayment, now: DateTime<Utc>) -> StoreResult<i64> {
                let mut tx = self.pool.begin().await?;
                let id = sqlx::query_scalar::<_, i64>(INSERT_PAYMENT)
                    .bind(p.account_id)
                    .bind(p.amount)
                    .bind(p.paid_on)
                    .bind(p.channel.as_str())
                    .bind(&p.external_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(INSERT_PAYMENT_2)
                    .bind(p.amount)
                    .bind(p.account_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
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
