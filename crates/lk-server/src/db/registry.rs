//! The registry side of the store: houses, accounts, meters, readings, tariffs, invoices,
//! payments and change requests. Access control lives in the queries: every read of an
//! account for a subscriber goes through one of that subscriber's houses.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::due::{account_due, ReadingCharge};
use lk_domain::{Kopecks, OperationKind, Rate, ReadingSource, TariffPlan, Zone, ZoneScheme};
use rust_decimal::Decimal;

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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeterRecord {
    pub id: i64,
    pub account_id: i64,
    pub serial: String,
    pub model: String,
    #[sqlx(rename = "zone_count", try_from = "i64")]
    pub scheme: ZoneScheme,
    pub digits: i64,
    pub installed_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub next_verification_on: Option<NaiveDate>,
    pub location: String,
    pub label: Option<String>,
}

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
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceLineRecord {
    #[sqlx(try_from = "String")]
    pub zone: Zone,
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

/// A row of the operations history (invoice, reading or payment).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperationRow {
    #[sqlx(try_from = "String")]
    pub kind: OperationKind,
    pub id: i64,
    pub on_date: NaiveDate,
    /// Kopecks of an invoice or a payment.
    pub amount: Option<i64>,
    /// kWh of a reading.
    pub consumption: Option<i64>,
    pub detail: Option<String>,
    pub meter_id: Option<i64>,
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

/// Where a page of the history starts (exclusive): the last row of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationCursor {
    pub on_date: NaiveDate,
    pub kind: OperationKind,
    pub id: i64,
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
    pub channel: String,
    pub external_id: Option<String>,
}

#[async_trait]
pub trait RegistryStore: Send + Sync {
    // Houses of a user.
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

    // An account, reached through the user's houses.
    async fn account_of_user(
        &self,
        user_id: i64,
        number: &str,
    ) -> StoreResult<Option<AccountRecord>>;
    async fn meters(&self, user_id: i64, account_id: i64) -> StoreResult<Vec<MeterRecord>>;
    /// One active meter of the account, with the user's label.
    async fn meter_of_user(
        &self,
        user_id: i64,
        account_id: i64,
        meter_id: i64,
    ) -> StoreResult<Option<MeterRecord>>;
    async fn set_meter_label(
        &self,
        user_id: i64,
        meter_id: i64,
        label: Option<&str>,
    ) -> StoreResult<()>;
    /// Every rate of a tariff plan, oldest first.
    async fn tariff_rates(&self, plan_id: i64) -> StoreResult<Vec<Rate>>;
    /// The tariff plan of an account, with its whole history of rates.
    async fn tariff_of(&self, account: &AccountRecord) -> StoreResult<TariffPlan> {
        Ok(TariffPlan {
            scheme: account.plan_scheme,
            rates: self.tariff_rates(account.tariff_plan_id).await?,
        })
    }
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
    async fn operations(
        &self,
        account_id: i64,
        from: NaiveDate,
        to: NaiveDate,
        kinds: &[OperationKind],
        after: Option<&OperationCursor>,
        limit: i64,
    ) -> StoreResult<Vec<OperationRow>>;
    async fn reading_values(&self, reading_ids: &[i64]) -> StoreResult<Vec<ValueRow>>;
    async fn invoice(
        &self,
        account_id: i64,
        invoice_id: i64,
    ) -> StoreResult<Option<(InvoiceRecord, Vec<InvoiceLineRecord>)>>;
    /// What the amounts due of these accounts depend on besides their balances, by account id
    /// (accounts without charged readings to consider are absent).
    async fn due_basis(&self, account_ids: &[i64]) -> StoreResult<HashMap<i64, DueBasis>>;
    /// What one account's amount due depends on besides its balance.
    async fn due_basis_of(&self, account_id: i64) -> StoreResult<DueBasis> {
        Ok(self
            .due_basis(&[account_id])
            .await?
            .remove(&account_id)
            .unwrap_or_default())
    }
    async fn create_change_request(
        &self,
        account_id: i64,
        user_id: i64,
        payload: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;

    // Loading the registry (demo data, billing imports).
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
    /// balance = opening balance + payments − invoices.
    async fn recompute_balance(&self, account_id: i64) -> StoreResult<i64>;
    async fn account_id_by_number(&self, number: &str) -> StoreResult<Option<i64>>;
    /// Number and balance of an account.
    async fn account_brief(&self, account_id: i64) -> StoreResult<Option<(String, i64)>>;

    /// Load-testing data: `accounts` single-rate accounts (numbers 69…) with one meter and
    /// `months` of monthly readings, invoices and payments ending last month, and three houses
    /// of `user_id` bound to the first, middle and last of them. Needs the demo plans.
    async fn generate_bench_data(
        &self,
        user_id: i64,
        accounts: i64,
        months: u32,
        today: NaiveDate,
    ) -> StoreResult<()>;
}
