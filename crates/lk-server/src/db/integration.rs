//! The billing system's side of the store (SPEC B1): integrators' API keys, batches of the
//! company's registry applied item by item in one transaction, and the exports pulled by a
//! monotonic cursor.
//!
//! A batch is one transaction (`BEGIN IMMEDIATE` on SQLite, so it writes from its first
//! statement). An item is read with its row locked (`FOR UPDATE` on PostgreSQL), compared,
//! and written only if it differs; everything that can refuse an item (an unknown branch, a
//! payment that differs from the one recorded) is found by reading before anything of that
//! item is written, so a refused item writes nothing and the others go on. A new row is
//! inserted with `ON CONFLICT DO NOTHING`: a concurrent batch that inserted it first makes
//! this one read and compare it instead.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::integration::InvoiceLine;
use lk_domain::{ApiScope, ItemResult, PaymentChannel, Rate, Zone, ZoneScheme};

use super::accounts::price_of_e4;
use super::sql::{conflict_or, placeholders, price_to_e4, SqlStore};
use super::{Dialect, StoreResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRow {
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffRow {
    pub code: String,
    pub name: String,
    pub scheme: ZoneScheme,
    pub rates: Vec<Rate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub number: String,
    pub holder_name: String,
    pub address: String,
    pub branch_code: String,
    pub contract_number: String,
    pub contract_date: NaiveDate,
    pub tariff_code: String,
    pub residents: i64,
    /// Kopecks.
    pub opening_balance: i64,
    pub norm_kwh: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterRow {
    pub account_number: String,
    pub serial: String,
    pub model: String,
    pub scheme: ZoneScheme,
    pub digits: i64,
    pub installed_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub next_verification_on: Option<NaiveDate>,
    pub location: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub account_number: String,
    pub period: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    pub lines: Vec<InvoiceLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub external_id: String,
    pub channel: PaymentChannel,
    pub account_number: String,
    /// Kopecks, more than 0.
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub portal_payment_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingRow {
    pub account_number: String,
    pub meter_serial: String,
    pub taken_on: NaiveDate,
    /// Values per zone, in the zones' order.
    pub values: Vec<(Zone, i64)>,
}

/// Why the store refused an item the domain found valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    UnknownBranch,
    UnknownTariff,
    UnknownAccount,
    /// No meter with this serial number on the account.
    UnknownMeter,
    /// A payment with this channel and id is recorded with another account, amount or date.
    PaymentDiffers,
    /// `portal_payment_id` names no payment made in the portal.
    UnknownPortalPayment,
    /// The portal payment is of another account or amount.
    PortalPaymentDiffers,
    /// The portal payment was already reported under another id.
    PortalPaymentReported,
}

pub type Applied = Result<ItemResult, Refusal>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct ApiKeyDbRow {
    id: i64,
    name: String,
    prefix: String,
    scopes: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<ApiKeyDbRow> for ApiKeyRecord {
    type Error = sqlx::Error;
    fn try_from(r: ApiKeyDbRow) -> Result<Self, sqlx::Error> {
        Ok(ApiKeyRecord {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: ApiScope::split(&r.scopes).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedReadingRecord {
    pub seq: i64,
    pub reading_id: i64,
    pub account_number: String,
    pub meter_serial: String,
    pub taken_on: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub values: Vec<(Zone, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportedPaymentRecord {
    pub seq: i64,
    pub portal_payment_id: String,
    pub account_number: String,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub credited_at: DateTime<Utc>,
}

#[async_trait]
pub trait IntegrationStore: Send + Sync {
    /// Stores a new key's hash; `Conflict` when a live key has this name.
    async fn create_api_key(
        &self,
        name: &str,
        prefix: &str,
        key_hash: &str,
        scopes: &[ApiScope],
        now: DateTime<Utc>,
    ) -> StoreResult<ApiKeyRecord>;
    /// Every key, newest first.
    async fn api_keys(&self) -> StoreResult<Vec<ApiKeyRecord>>;
    /// Revokes the live key with this id; false when there is none.
    async fn revoke_api_key(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool>;
    /// The live key with this hash.
    async fn live_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>>;
    async fn touch_api_key(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()>;

    async fn upsert_branches(
        &self,
        items: &[BranchRow],
        dry_run: bool,
    ) -> StoreResult<Vec<Applied>>;
    async fn upsert_tariffs(&self, items: &[TariffRow], dry_run: bool)
        -> StoreResult<Vec<Applied>>;
    async fn upsert_accounts(
        &self,
        items: &[AccountRow],
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> StoreResult<Vec<Applied>>;
    async fn upsert_meters(&self, items: &[MeterRow], dry_run: bool) -> StoreResult<Vec<Applied>>;
    async fn upsert_invoices(
        &self,
        items: &[InvoiceRow],
        dry_run: bool,
    ) -> StoreResult<Vec<Applied>>;
    /// Readings of the billing system (or its controllers), by meter and day.
    async fn upsert_readings(
        &self,
        items: &[ReadingRow],
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> StoreResult<Vec<Applied>>;
    async fn record_payments(
        &self,
        items: &[PaymentRow],
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> StoreResult<Vec<Applied>>;

    /// Readings submitted in the portal after `after` in the export's order, at most `limit`;
    /// readings not yet in the export are given their places first.
    async fn export_readings(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<ExportedReadingRecord>>;
    /// Payments made online in the portal, likewise.
    async fn export_payments(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<ExportedPaymentRecord>>;
}

/// Commits a batch, or rolls it back for a dry run (which answers as if it had been applied).
#[tracing::instrument(skip_all)]
async fn finish<DB: sqlx::Database>(
    tx: sqlx::Transaction<'_, DB>,
    dry_run: bool,
) -> StoreResult<()> {
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(())
}

type AccountDbRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    NaiveDate,
    String,
    i64,
    i64,
    Option<i64>,
);

fn account_row(r: AccountDbRow) -> AccountRow {
    AccountRow {
        number: r.1,
        holder_name: r.2,
        address: r.3,
        branch_code: r.4,
        contract_number: r.5,
        contract_date: r.6,
        tariff_code: r.7,
        residents: r.8,
        opening_balance: r.9,
        norm_kwh: r.10,
    }
}

type MeterDbRow = (
    i64,
    String,
    String,
    i64,
    i64,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    bool,
);

/// The stored meter as the item `m` would name it.
fn meter_row(m: &MeterRow, r: &MeterDbRow) -> Result<MeterRow, sqlx::Error> {
    Ok(MeterRow {
        account_number: m.account_number.clone(),
        serial: r.1.clone(),
        model: r.2.clone(),
        scheme: ZoneScheme::try_from(r.3).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        digits: r.4,
        installed_on: r.5,
        verified_on: r.6,
        next_verification_on: r.7,
        location: r.8.clone(),
        active: r.9,
    })
}

/// A stored invoice: id, account, period, issue and due dates, amount, basis.
type InvoiceDbRow = (i64, i64, NaiveDate, NaiveDate, NaiveDate, i64, String);
/// A stored invoice line: zone, band, kWh, price × 10⁴, amount.
type LineDbRow = (String, i64, i64, i64, i64);

/// Whether the stored invoice is the one the item describes.
fn same_invoice(v: &InvoiceRow, row: &InvoiceDbRow, lines: &[LineDbRow]) -> bool {
    row.3 == v.issued_on
        && row.4 == v.due_on
        && row.6 == "billing"
        && lines.len() == v.lines.len()
        && lines.iter().zip(&v.lines).all(|(s, l)| {
            s.0 == l.zone.as_str()
                && s.1 == l.band_from_kwh
                && s.2 == l.kwh
                && s.3 == price_to_e4(l.price)
                && s.4 == l.amount.0
        })
}

/// At most this many rows get their places in an export per call.
const STAMP_MAX: i64 = 10_000;

const KEY_COLUMNS: &str = "id, name, prefix, scopes, created_at, last_used_at, revoked_at";

const LOCK_COUNTER: &str = "UPDATE export_counters SET value = value WHERE name = $1";
const BUMP_COUNTER: &str = "UPDATE export_counters SET value = value + $2 WHERE name = $1";
const STAMP_READINGS: &str = "UPDATE readings SET export_seq = s.seq FROM ( \
       SELECT r.id, (SELECT value FROM export_counters WHERE name = 'readings') + ROW_NUMBER() OVER (ORDER BY r.id) AS seq \
       FROM readings r WHERE r.export_seq IS NULL AND r.source = 'portal' ORDER BY r.id LIMIT $1) s \
     WHERE readings.id = s.id";
const STAMP_PAYMENTS: &str = "UPDATE payments SET export_seq = s.seq FROM ( \
       SELECT p.id, (SELECT value FROM export_counters WHERE name = 'payments') + ROW_NUMBER() OVER (ORDER BY p.id) AS seq \
       FROM payments p WHERE p.export_seq IS NULL AND p.channel = 'online' ORDER BY p.id LIMIT $1) s \
     WHERE payments.id = s.id";
const EXPORTED_READINGS: &str =
    "SELECT r.export_seq, r.id, a.number, m.serial, r.taken_on, r.created_at \
     FROM readings r JOIN meters m ON m.id = r.meter_id JOIN accounts a ON a.id = r.account_id \
     WHERE r.export_seq > $1 ORDER BY r.export_seq LIMIT $2";
const EXPORTED_PAYMENTS: &str =
    "SELECT p.export_seq AS seq, p.external_id AS portal_payment_id, a.number AS account_number, \
       p.amount, p.paid_on, p.created_at AS credited_at \
     FROM payments p JOIN accounts a ON a.id = p.account_id \
     WHERE p.export_seq > $1 ORDER BY p.export_seq LIMIT $2";

/// A corrected opening balance (`$9`) moves the balance by the difference.
const UPDATE_ACCOUNT: &str =
    "UPDATE accounts SET holder_name = $2, address = $3, branch_id = $4, contract_number = $5, \
       contract_date = $6, tariff_plan_id = $7, residents = $8, \
       balance = balance + $9 - opening_balance, opening_balance = $9, norm_kwh = $10 \
     WHERE id = $1";
const UPDATE_METER: &str = "UPDATE meters SET model = $3, zone_count = $4, digits = $5, installed_on = $6, verified_on = $7, \
       next_verification_on = $8, location = $9, active = $10 \
     WHERE account_id = $1 AND serial = $2";
const REPLACE_INVOICE: &str =
    "UPDATE invoices SET issued_on = $2, due_on = $3, amount = $4, basis = 'billing' WHERE id = $1";
const DELETE_INVOICE_LINES: &str = "DELETE FROM invoice_lines WHERE invoice_id = $1";
const INSERT_INVOICE_LINE: &str =
    "INSERT INTO invoice_lines (invoice_id, line_no, zone, band_from_kwh, kwh, price_e4, amount) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
const MOVE_BALANCE: &str = "UPDATE accounts SET balance = balance + $1 WHERE id = $2";
/// `n` invoice lines of seven columns each.
fn insert_invoice_lines_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|k| format!("({})", placeholders(k * 7 + 1, 7)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO invoice_lines (invoice_id, line_no, zone, band_from_kwh, kwh, price_e4, amount) VALUES {rows}"
    )
}
/// Locks `n` accounts (`$1`…) in id order with `lock` (the dialect's `FOR_UPDATE`).
fn lock_accounts_sql(lock: &str, n: usize) -> String {
    format!(
        "SELECT id FROM accounts WHERE id IN ({}) ORDER BY id {lock}",
        placeholders(1, n)
    )
}
/// Moves the balances of `accounts` accounts by `$1` times the sum of `new` rows of `table`
/// (`$2`…, then the accounts).
fn move_balances_sql(table: &str, new: usize, accounts: usize) -> String {
    format!(
        "UPDATE accounts SET balance = balance + $1 * COALESCE( \
           (SELECT CAST(SUM(t.amount) AS BIGINT) FROM {table} t WHERE t.account_id = accounts.id AND t.id IN ({})), 0) \
         WHERE id IN ({})",
        placeholders(2, new),
        placeholders(new + 2, accounts)
    )
}
fn account_ids_sql(n: usize) -> String {
    format!(
        "SELECT number, id FROM accounts WHERE number IN ({})",
        placeholders(1, n)
    )
}
fn create_api_key_sql() -> String {
    format!(
        "INSERT INTO api_keys (name, prefix, key_hash, scopes, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING {KEY_COLUMNS}"
    )
}
fn api_keys_sql() -> String {
    format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id DESC")
}
const REVOKE_API_KEY: &str =
    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
fn live_api_key_sql() -> String {
    format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
}
const TOUCH_API_KEY: &str = "UPDATE api_keys SET last_used_at = $2 WHERE id = $1";
/// Branch `$1`, locked with `lock` (the dialect's `FOR_UPDATE`).
fn branch_sql(lock: &str) -> String {
    format!("SELECT code, name, address, phone, email, hours FROM branches WHERE code = $1 {lock}")
}
const INSERT_BRANCH: &str = "INSERT INTO branches (code, name, address, phone, email, hours) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (code) DO NOTHING RETURNING id";
const UPDATE_BRANCH: &str = "UPDATE branches SET name = $2, address = $3, phone = $4, email = $5, hours = $6 WHERE code = $1";
/// Tariff plan `$1`, locked with `lock` (the dialect's `FOR_UPDATE`).
fn tariff_sql(lock: &str) -> String {
    format!("SELECT id, name, zone_count FROM tariff_plans WHERE code = $1 {lock}")
}
const INSERT_TARIFF: &str =
    "INSERT INTO tariff_plans (code, name, zone_count) VALUES ($1, $2, $3) \
     ON CONFLICT (code) DO NOTHING RETURNING id";
const TARIFF_RATES: &str =
    "SELECT zone, valid_from, band_from_kwh, price_e4 FROM tariff_rates WHERE plan_id = $1";
const UPDATE_TARIFF: &str = "UPDATE tariff_plans SET name = $2, zone_count = $3 WHERE id = $1";
const DELETE_TARIFF_RATES: &str = "DELETE FROM tariff_rates WHERE plan_id = $1";
const INSERT_TARIFF_RATE: &str = "INSERT INTO tariff_rates (plan_id, zone, valid_from, band_from_kwh, price_e4) VALUES ($1, $2, $3, $4, $5)";

const BRANCH_IDS: &str = "SELECT code, id FROM branches";
const TARIFF_IDS: &str = "SELECT code, id FROM tariff_plans";
/// The accounts of `n` numbers (`$1`…), locked in key order with `lock` (`FOR UPDATE OF a` on
/// PostgreSQL).
fn accounts_by_number_sql(lock: &str, n: usize) -> String {
    format!(
        "SELECT a.id, a.number, a.holder_name, a.address, b.code, a.contract_number, a.contract_date, t.code, \
                a.residents, a.opening_balance, a.norm_kwh \
         FROM accounts a JOIN branches b ON b.id = a.branch_id JOIN tariff_plans t ON t.id = a.tariff_plan_id \
         WHERE a.number IN ({}) ORDER BY a.number {lock}",
        placeholders(1, n)
    )
}
/// `n` accounts of ten columns each (`$2`…), created at `$1`.
fn insert_accounts_sql(n: usize) -> String {
    // The balance starts at the opening balance (the row's 9th parameter).
    let rows = (0..n)
        .map(|k| format!("({}, $1, ${})", placeholders(k * 10 + 2, 10), k * 10 + 10))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO accounts (number, holder_name, address, branch_id, contract_number, contract_date, \
           tariff_plan_id, residents, opening_balance, norm_kwh, created_at, balance) \
         VALUES {rows} ON CONFLICT (number) DO NOTHING RETURNING number"
    )
}
/// Account `$1`, locked with `lock` (`FOR UPDATE OF a` on PostgreSQL).
fn account_by_number_sql(lock: &str) -> String {
    format!(
        "SELECT a.id, a.number, a.holder_name, a.address, b.code, a.contract_number, a.contract_date, t.code, \
                a.residents, a.opening_balance, a.norm_kwh \
         FROM accounts a JOIN branches b ON b.id = a.branch_id JOIN tariff_plans t ON t.id = a.tariff_plan_id \
         WHERE a.number = $1 {lock}"
    )
}
/// The meters of `n` accounts (`$1`…), locked in key order with `lock` (the dialect's
/// `FOR_UPDATE`).
fn meters_of_accounts_sql(lock: &str, n: usize) -> String {
    format!(
        "SELECT account_id, serial, model, zone_count, digits, installed_on, verified_on, next_verification_on, location, active \
         FROM meters WHERE account_id IN ({}) ORDER BY account_id, serial {lock}",
        placeholders(1, n)
    )
}
/// `n` meters of ten columns each.
fn insert_meters_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|k| format!("({})", placeholders(k * 10 + 1, 10)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO meters (account_id, serial, model, zone_count, digits, installed_on, verified_on, \
           next_verification_on, location, active) \
         VALUES {rows} ON CONFLICT (account_id, serial) DO NOTHING RETURNING account_id, serial"
    )
}
/// Meter `$2` of account `$1`, locked with `lock` (the dialect's `FOR_UPDATE`).
fn meter_sql(lock: &str) -> String {
    format!(
        "SELECT account_id, serial, model, zone_count, digits, installed_on, verified_on, next_verification_on, location, active \
         FROM meters WHERE account_id = $1 AND serial = $2 {lock}"
    )
}
/// The invoices of `accounts` accounts (`$1`…) and `periods` periods (then), locked in key
/// order with `lock` (the dialect's `FOR_UPDATE`).
fn invoices_of_sql(lock: &str, accounts: usize, periods: usize) -> String {
    format!(
        "SELECT id, account_id, period, issued_on, due_on, amount, basis FROM invoices \
         WHERE account_id IN ({}) AND period IN ({}) ORDER BY account_id, period {lock}",
        placeholders(1, accounts),
        placeholders(accounts + 1, periods)
    )
}
fn lines_of_invoices_sql(n: usize) -> String {
    format!(
        "SELECT invoice_id, zone, band_from_kwh, kwh, price_e4, amount FROM invoice_lines \
         WHERE invoice_id IN ({}) ORDER BY invoice_id, line_no",
        placeholders(1, n)
    )
}
/// `n` invoices of five columns each, the billing system's.
fn insert_invoices_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|k| format!("({}, 'billing')", placeholders(k * 5 + 1, 5)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO invoices (account_id, period, issued_on, due_on, amount, basis) VALUES {rows} \
         ON CONFLICT (account_id, period) DO NOTHING RETURNING id, account_id, period"
    )
}
/// The invoice of account `$1` and period `$2`, locked with `lock` (the dialect's
/// `FOR_UPDATE`).
fn invoice_sql(lock: &str) -> String {
    format!(
        "SELECT id, account_id, period, issued_on, due_on, amount, basis FROM invoices \
         WHERE account_id = $1 AND period = $2 {lock}"
    )
}
const INVOICE_LINES: &str = "SELECT zone, band_from_kwh, kwh, price_e4, amount FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no";

/// The meters of the accounts of `n` numbers (`$1`…).
fn meters_of_numbers_sql(n: usize) -> String {
    format!(
        "SELECT a.number, m.serial, m.id, m.account_id FROM meters m JOIN accounts a ON a.id = m.account_id \
         WHERE a.number IN ({})",
        placeholders(1, n)
    )
}
/// The readings of `meters` meters (`$1`…) on `days` days (then), locked in key order with
/// `lock` (the dialect's `FOR_UPDATE`).
fn readings_of_days_sql(lock: &str, meters: usize, days: usize) -> String {
    format!(
        "SELECT id, meter_id, taken_on, source FROM readings WHERE meter_id IN ({}) AND taken_on IN ({}) \
         ORDER BY meter_id, taken_on {lock}",
        placeholders(1, meters),
        placeholders(meters + 1, days)
    )
}
fn values_of_readings_sql(n: usize) -> String {
    format!(
        "SELECT reading_id, zone, value FROM reading_values WHERE reading_id IN ({})",
        placeholders(1, n)
    )
}
/// `n` readings of the billing system, of three columns each (`$2`…), written at `$1`: the
/// company's reading of a day replaces the subscriber's.
fn upsert_billing_readings_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|k| format!("({}, 'billing', $1)", placeholders(k * 3 + 2, 3)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO readings (meter_id, account_id, taken_on, source, created_at) VALUES {rows} \
         ON CONFLICT (meter_id, taken_on) DO UPDATE SET source = 'billing', submitted_by = NULL, \
           consumption = NULL, charge = NULL, created_at = excluded.created_at, export_seq = NULL \
         RETURNING id, meter_id, taken_on"
    )
}
fn delete_values_sql(n: usize) -> String {
    format!(
        "DELETE FROM reading_values WHERE reading_id IN ({})",
        placeholders(1, n)
    )
}
/// `n` reading values of three columns each.
fn insert_values_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|k| format!("({})", placeholders(k * 3 + 1, 3)))
        .collect::<Vec<_>>()
        .join(", ");
    format!("INSERT INTO reading_values (reading_id, zone, value) VALUES {rows}")
}
/// The portal's online payment `$1`, locked with `lock` (the dialect's `FOR_UPDATE`).
fn portal_payment_sql(lock: &str) -> String {
    format!(
        "SELECT id, account_id, amount, reported_as FROM payments WHERE channel = 'online' AND external_id = $1 {lock}"
    )
}
/// The payments of channel `$1` with `n` external ids (`$2`…).
fn payments_of_channel_sql(n: usize) -> String {
    format!(
        "SELECT external_id, account_id, amount, paid_on FROM payments WHERE channel = $1 AND external_id IN ({})",
        placeholders(2, n)
    )
}
/// The online payments the bank reported as one of `n` (`$1`…, `channel:external_id`).
fn reported_payments_sql(n: usize) -> String {
    format!(
        "SELECT reported_as, account_id, amount FROM payments WHERE reported_as IN ({})",
        placeholders(1, n)
    )
}
const SET_REPORTED_AS: &str = "UPDATE payments SET reported_as = $2 WHERE id = $1";
/// `n` payments of five columns each (`$2`…), recorded at `$1`.
fn insert_payments_sql(n: usize) -> String {
    let rows = (0..n)
        .map(|k| format!("({}, $1)", placeholders(k * 5 + 2, 5)))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO payments (account_id, amount, paid_on, channel, external_id, created_at) VALUES {rows} \
         ON CONFLICT (channel, external_id) DO NOTHING RETURNING id, account_id, channel, external_id"
    )
}
/// The payment of channel `$1` with external id `$2`.
const PAYMENT: &str =
    "SELECT account_id, amount, paid_on FROM payments WHERE channel = $1 AND external_id = $2";

fn changed<T: PartialEq>(before: &T, after: &T) -> ItemResult {
    if before == after {
        ItemResult::Unchanged
    } else {
        ItemResult::Updated
    }
}

/// Sorting items by key makes two batches lock the rows they share in the same order, so
/// they wait for each other instead of deadlocking. The answers keep the request's order.
fn by_key<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| key(&items[i]));
    order
}

macro_rules! impl_integration {
    ($db:ty) => {
        impl SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, $db>> {
                Ok(self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?)
            }

            /// Writes a changed account; a corrected opening balance moves the balance by the
            /// difference.
            #[tracing::instrument(skip_all)]
            async fn update_account_row(
                tx: &mut sqlx::Transaction<'static, $db>,
                id: i64,
                a: &AccountRow,
                branch: i64,
                plan: i64,
            ) -> StoreResult<()> {
                sqlx::query(UPDATE_ACCOUNT)
                    .bind(id)
                    .bind(&a.holder_name)
                    .bind(&a.address)
                    .bind(branch)
                    .bind(&a.contract_number)
                    .bind(a.contract_date)
                    .bind(plan)
                    .bind(a.residents)
                    .bind(a.opening_balance)
                    .bind(a.norm_kwh)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn update_meter_row(
                tx: &mut sqlx::Transaction<'static, $db>,
                account: i64,
                m: &MeterRow,
            ) -> StoreResult<()> {
                sqlx::query(UPDATE_METER)
                    .bind(account)
                    .bind(&m.serial)
                    .bind(&m.model)
                    .bind(m.scheme.zone_count())
                    .bind(m.digits)
                    .bind(m.installed_on)
                    .bind(m.verified_on)
                    .bind(m.next_verification_on)
                    .bind(&m.location)
                    .bind(m.active)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// Replaces a stored invoice by the item's and moves the balance by the difference.
            #[tracing::instrument(skip_all)]
            async fn replace_invoice(
                tx: &mut sqlx::Transaction<'static, $db>,
                id: i64,
                account: i64,
                old_amount: i64,
                v: &InvoiceRow,
            ) -> StoreResult<()> {
                let amount = lk_domain::integration::invoice_total(&v.lines).0;
                sqlx::query(REPLACE_INVOICE)
                    .bind(id)
                    .bind(v.issued_on)
                    .bind(v.due_on)
                    .bind(amount)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(DELETE_INVOICE_LINES)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                for (n, l) in v.lines.iter().enumerate() {
                    sqlx::query(INSERT_INVOICE_LINE)
                        .bind(id)
                        .bind(n as i64 + 1)
                        .bind(l.zone.as_str())
                        .bind(l.band_from_kwh)
                        .bind(l.kwh)
                        .bind(price_to_e4(l.price))
                        .bind(l.amount.0)
                        .execute(&mut **tx)
                        .await?;
                }
                if old_amount != amount {
                    sqlx::query(MOVE_BALANCE)
                        .bind(old_amount - amount)
                        .bind(account)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// Inserts invoice lines (invoice id, line number, line) in multi-row statements.
            #[tracing::instrument(skip_all)]
            pub(crate) async fn insert_invoice_lines(
                tx: &mut sqlx::Transaction<'static, $db>,
                lines: &[(i64, i64, &InvoiceLine)],
            ) -> StoreResult<()> {
                for part in lines.chunks(<$db as Dialect>::CHUNK) {
                    let sql = insert_invoice_lines_sql(part.len());
                    let mut q = sqlx::query(&sql);
                    for (id, n, l) in part {
                        q = q
                            .bind(*id)
                            .bind(*n)
                            .bind(l.zone.as_str())
                            .bind(l.band_from_kwh)
                            .bind(l.kwh)
                            .bind(price_to_e4(l.price))
                            .bind(l.amount.0);
                    }
                    q.execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Moves the balances of `accounts` by the sum of the new rows `ids` of `table`
            /// (`payments` credit, `invoices` debit: `sign` 1 or -1), the accounts locked in id
            /// order so two batches touching some of the same accounts wait instead of
            /// deadlocking.
            #[tracing::instrument(skip_all)]
            async fn move_balances(
                tx: &mut sqlx::Transaction<'static, $db>,
                accounts: &[i64],
                table: &str,
                ids: &[i64],
                sign: i64,
            ) -> StoreResult<()> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                for part in accounts.chunks(<$db as Dialect>::CHUNK) {
                    let sql = lock_accounts_sql(lock, part.len());
                    let mut q = sqlx::query_scalar::<_, i64>(&sql);
                    for a in part {
                        q = q.bind(*a);
                    }
                    q.fetch_all(&mut **tx).await?;
                }
                for part in accounts.chunks(<$db as Dialect>::CHUNK / 2) {
                    for new in ids.chunks(<$db as Dialect>::CHUNK / 2) {
                        let sql = move_balances_sql(table, new.len(), part.len());
                        let mut q = sqlx::query(&sql).bind(sign);
                        for id in new {
                            q = q.bind(*id);
                        }
                        for a in part {
                            q = q.bind(*a);
                        }
                        q.execute(&mut **tx).await?;
                    }
                }
                Ok(())
            }

            /// The ids of the accounts with these numbers (at most [`Dialect::CHUNK`]).
            #[tracing::instrument(skip_all)]
            async fn account_ids(
                tx: &mut sqlx::Transaction<'static, $db>,
                numbers: &[&str],
            ) -> StoreResult<HashMap<String, i64>> {
                if numbers.is_empty() {
                    return Ok(HashMap::new());
                }
                let sql = account_ids_sql(numbers.len());
                let mut q = sqlx::query_as::<_, (String, i64)>(&sql);
                for n in numbers {
                    q = q.bind(*n);
                }
                Ok(q.fetch_all(&mut **tx).await?.into_iter().collect())
            }

            /// Gives the rows not yet in the export `counter` their places, under the
            /// counter's lock: places only ever grow at the end of the sequence.
            #[tracing::instrument(skip_all)]
            async fn stamp(&self, counter: &str, stamp: &str) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(LOCK_COUNTER)
                    .bind(counter)
                    .execute(&mut *tx)
                    .await?;
                let n = sqlx::query(stamp)
                    .bind(STAMP_MAX)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n > 0 {
                    sqlx::query(BUMP_COUNTER)
                        .bind(counter)
                        .bind(n as i64)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait]
        impl IntegrationStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn create_api_key(
                &self,
                name: &str,
                prefix: &str,
                key_hash: &str,
                scopes: &[ApiScope],
                now: DateTime<Utc>,
            ) -> StoreResult<ApiKeyRecord> {
                let row: ApiKeyDbRow = sqlx::query_as(&create_api_key_sql())
                    .bind(name)
                    .bind(prefix)
                    .bind(key_hash)
                    .bind(ApiScope::join(scopes))
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(conflict_or)?;
                Ok(row.try_into()?)
            }

            #[tracing::instrument(skip_all)]
            async fn api_keys(&self) -> StoreResult<Vec<ApiKeyRecord>> {
                let rows: Vec<ApiKeyDbRow> = sqlx::query_as(&api_keys_sql())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(ApiKeyRecord::try_from)
                    .collect::<Result<_, _>>()?)
            }

            #[tracing::instrument(skip_all)]
            async fn revoke_api_key(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
                Ok(sqlx::query(REVOKE_API_KEY)
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn live_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
                let row: Option<ApiKeyDbRow> = sqlx::query_as(&live_api_key_sql())
                    .bind(key_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(ApiKeyRecord::try_from).transpose()?)
            }

            #[tracing::instrument(skip_all)]
            async fn touch_api_key(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query(TOUCH_API_KEY)
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn upsert_branches(
                &self,
                items: &[BranchRow],
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let select = branch_sql(lock);
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                for i in by_key(items, |b| b.code.clone()) {
                    let b = &items[i];
                    let insert = sqlx::query_scalar::<_, i64>(INSERT_BRANCH)
                        .bind(&b.code)
                        .bind(&b.name)
                        .bind(&b.address)
                        .bind(&b.phone)
                        .bind(&b.email)
                        .bind(&b.hours)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if insert.is_some() {
                        out[i] = Ok(ItemResult::Created);
                        continue;
                    }
                    let (code, name, address, phone, email, hours): (
                        String,
                        String,
                        String,
                        String,
                        String,
                        String,
                    ) = sqlx::query_as(&select)
                        .bind(&b.code)
                        .fetch_one(&mut *tx)
                        .await?;
                    let before = BranchRow {
                        code,
                        name,
                        address,
                        phone,
                        email,
                        hours,
                    };
                    out[i] = Ok(changed(&before, b));
                    if before != *b {
                        sqlx::query(UPDATE_BRANCH)
                            .bind(&b.code)
                            .bind(&b.name)
                            .bind(&b.address)
                            .bind(&b.phone)
                            .bind(&b.email)
                            .bind(&b.hours)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn upsert_tariffs(
                &self,
                items: &[TariffRow],
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let select = tariff_sql(lock);
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                for i in by_key(items, |t| t.code.clone()) {
                    let t = &items[i];
                    let mut rates = t.rates.clone();
                    rates.sort_by_key(|r| (r.zone, r.band_from_kwh, r.valid_from));
                    let inserted = sqlx::query_scalar::<_, i64>(INSERT_TARIFF)
                        .bind(&t.code)
                        .bind(&t.name)
                        .bind(t.scheme.zone_count())
                        .fetch_optional(&mut *tx)
                        .await?;
                    let id = match inserted {
                        Some(id) => {
                            out[i] = Ok(ItemResult::Created);
                            id
                        }
                        None => {
                            let (id, name, zones): (i64, String, i64) = sqlx::query_as(&select)
                                .bind(&t.code)
                                .fetch_one(&mut *tx)
                                .await?;
                            let stored: Vec<(String, NaiveDate, i64, i64)> =
                                sqlx::query_as(TARIFF_RATES)
                                    .bind(id)
                                    .fetch_all(&mut *tx)
                                    .await?;
                            let mut before: Vec<Rate> = Vec::with_capacity(stored.len());
                            for (zone, valid_from, band_from_kwh, e4) in stored {
                                before.push(Rate {
                                    zone: Zone::try_from(zone)
                                        .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                                    valid_from,
                                    band_from_kwh,
                                    price: price_of_e4(e4),
                                });
                            }
                            before.sort_by_key(|r| (r.zone, r.band_from_kwh, r.valid_from));
                            let same = name == t.name
                                && zones == t.scheme.zone_count()
                                && before.len() == rates.len()
                                && before.iter().zip(&rates).all(|(a, b)| {
                                    a.zone == b.zone
                                        && a.valid_from == b.valid_from
                                        && a.band_from_kwh == b.band_from_kwh
                                        && price_to_e4(a.price) == price_to_e4(b.price)
                                });
                            if same {
                                out[i] = Ok(ItemResult::Unchanged);
                                continue;
                            }
                            out[i] = Ok(ItemResult::Updated);
                            sqlx::query(UPDATE_TARIFF)
                                .bind(id)
                                .bind(&t.name)
                                .bind(t.scheme.zone_count())
                                .execute(&mut *tx)
                                .await?;
                            sqlx::query(DELETE_TARIFF_RATES)
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                            id
                        }
                    };
                    for r in &rates {
                        sqlx::query(INSERT_TARIFF_RATE)
                            .bind(id)
                            .bind(r.zone.as_str())
                            .bind(r.valid_from)
                            .bind(r.band_from_kwh)
                            .bind(price_to_e4(r.price))
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn upsert_accounts(
                &self,
                items: &[AccountRow],
                now: DateTime<Utc>,
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = if <$db as Dialect>::FOR_UPDATE.is_empty() {
                    ""
                } else {
                    "FOR UPDATE OF a"
                };
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                let branches: HashMap<String, i64> = sqlx::query_as(BRANCH_IDS)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
                let plans: HashMap<String, i64> = sqlx::query_as(TARIFF_IDS)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .collect();
                let order = by_key(items, |a| a.number.clone());
                for part in order.chunks(<$db as Dialect>::CHUNK) {
                    // The rows there are, locked in key order.
                    let sql = accounts_by_number_sql(lock, part.len());
                    let mut q = sqlx::query_as::<_, AccountDbRow>(&sql);
                    for &i in part {
                        q = q.bind(&items[i].number);
                    }
                    let existing: HashMap<String, (i64, AccountRow)> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|r| (r.1.clone(), (r.0, account_row(r))))
                        .collect();
                    let mut fresh: Vec<(usize, i64, i64)> = Vec::new();
                    for &i in part {
                        let a = &items[i];
                        let (Some(&branch), Some(&plan)) =
                            (branches.get(&a.branch_code), plans.get(&a.tariff_code))
                        else {
                            out[i] = Err(if branches.contains_key(&a.branch_code) {
                                Refusal::UnknownTariff
                            } else {
                                Refusal::UnknownBranch
                            });
                            continue;
                        };
                        match existing.get(&a.number) {
                            None => fresh.push((i, branch, plan)),
                            Some((_, before)) if before == a => out[i] = Ok(ItemResult::Unchanged),
                            Some((id, _)) => {
                                out[i] = Ok(ItemResult::Updated);
                                Self::update_account_row(&mut tx, *id, a, branch, plan).await?;
                            }
                        }
                    }
                    if fresh.is_empty() {
                        continue;
                    }
                    let sql = insert_accounts_sql(fresh.len());
                    let mut q = sqlx::query_scalar::<_, String>(&sql).bind(now);
                    for &(i, branch, plan) in &fresh {
                        let a = &items[i];
                        q = q
                            .bind(&a.number)
                            .bind(&a.holder_name)
                            .bind(&a.address)
                            .bind(branch)
                            .bind(&a.contract_number)
                            .bind(a.contract_date)
                            .bind(plan)
                            .bind(a.residents)
                            .bind(a.opening_balance)
                            .bind(a.norm_kwh);
                    }
                    let inserted: HashSet<String> =
                        q.fetch_all(&mut *tx).await?.into_iter().collect();
                    for &(i, branch, plan) in &fresh {
                        let a = &items[i];
                        if inserted.contains(&a.number) {
                            out[i] = Ok(ItemResult::Created);
                            continue;
                        }
                        // A concurrent batch created it first: compare with that.
                        let sql = account_by_number_sql(lock);
                        let row: AccountDbRow = sqlx::query_as(&sql)
                            .bind(&a.number)
                            .fetch_one(&mut *tx)
                            .await?;
                        let id = row.0;
                        if account_row(row) == *a {
                            out[i] = Ok(ItemResult::Unchanged);
                        } else {
                            out[i] = Ok(ItemResult::Updated);
                            Self::update_account_row(&mut tx, id, a, branch, plan).await?;
                        }
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn upsert_meters(
                &self,
                items: &[MeterRow],
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                let order = by_key(items, |m| (m.account_number.clone(), m.serial.clone()));
                for part in order.chunks(<$db as Dialect>::CHUNK) {
                    let numbers: Vec<&str> = {
                        let mut n: Vec<&str> = part
                            .iter()
                            .map(|&i| items[i].account_number.as_str())
                            .collect();
                        n.dedup();
                        n
                    };
                    let accounts = Self::account_ids(&mut tx, &numbers).await?;
                    let ids: Vec<i64> = {
                        let mut ids: Vec<i64> = accounts.values().copied().collect();
                        ids.sort_unstable();
                        ids
                    };
                    let mut existing: HashMap<(i64, String), MeterDbRow> = HashMap::new();
                    if !ids.is_empty() {
                        let sql = meters_of_accounts_sql(lock, ids.len());
                        let mut q = sqlx::query_as::<_, MeterDbRow>(&sql);
                        for id in &ids {
                            q = q.bind(*id);
                        }
                        for r in q.fetch_all(&mut *tx).await? {
                            existing.insert((r.0, r.1.clone()), r);
                        }
                    }
                    let mut fresh: Vec<(usize, i64)> = Vec::new();
                    for &i in part {
                        let m = &items[i];
                        let Some(&account) = accounts.get(&m.account_number) else {
                            out[i] = Err(Refusal::UnknownAccount);
                            continue;
                        };
                        match existing.get(&(account, m.serial.clone())) {
                            None => fresh.push((i, account)),
                            Some(r) if meter_row(m, r)? == *m => out[i] = Ok(ItemResult::Unchanged),
                            Some(_) => {
                                out[i] = Ok(ItemResult::Updated);
                                Self::update_meter_row(&mut tx, account, m).await?;
                            }
                        }
                    }
                    if fresh.is_empty() {
                        continue;
                    }
                    let sql = insert_meters_sql(fresh.len());
                    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
                    for &(i, account) in &fresh {
                        let m = &items[i];
                        q = q
                            .bind(account)
                            .bind(&m.serial)
                            .bind(&m.model)
                            .bind(m.scheme.zone_count())
                            .bind(m.digits)
                            .bind(m.installed_on)
                            .bind(m.verified_on)
                            .bind(m.next_verification_on)
                            .bind(&m.location)
                            .bind(m.active);
                    }
                    let inserted: HashSet<(i64, String)> =
                        q.fetch_all(&mut *tx).await?.into_iter().collect();
                    for &(i, account) in &fresh {
                        let m = &items[i];
                        if inserted.contains(&(account, m.serial.clone())) {
                            out[i] = Ok(ItemResult::Created);
                            continue;
                        }
                        // A concurrent batch created it first: compare with that.
                        let sql = meter_sql(lock);
                        let r: MeterDbRow = sqlx::query_as(&sql)
                            .bind(account)
                            .bind(&m.serial)
                            .fetch_one(&mut *tx)
                            .await?;
                        if meter_row(m, &r)? == *m {
                            out[i] = Ok(ItemResult::Unchanged);
                        } else {
                            out[i] = Ok(ItemResult::Updated);
                            Self::update_meter_row(&mut tx, account, m).await?;
                        }
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn upsert_invoices(
                &self,
                items: &[InvoiceRow],
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let chunk = <$db as Dialect>::CHUNK;
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                let order = by_key(items, |v| (v.account_number.clone(), v.period));
                for part in order.chunks(chunk) {
                    let mut numbers: Vec<&str> = part
                        .iter()
                        .map(|&i| items[i].account_number.as_str())
                        .collect();
                    numbers.dedup();
                    let accounts = Self::account_ids(&mut tx, &numbers).await?;
                    let mut ids: Vec<i64> = accounts.values().copied().collect();
                    ids.sort_unstable();
                    let mut periods: Vec<NaiveDate> =
                        part.iter().map(|&i| items[i].period).collect();
                    periods.sort_unstable();
                    periods.dedup();
                    // The invoices there are, locked in key order, with their lines.
                    let mut existing: HashMap<(i64, NaiveDate), InvoiceDbRow> = HashMap::new();
                    if !ids.is_empty() {
                        let sql = invoices_of_sql(lock, ids.len(), periods.len());
                        let mut q = sqlx::query_as::<_, InvoiceDbRow>(&sql);
                        for id in &ids {
                            q = q.bind(*id);
                        }
                        for p in &periods {
                            q = q.bind(*p);
                        }
                        for r in q.fetch_all(&mut *tx).await? {
                            existing.insert((r.1, r.2), r);
                        }
                    }
                    let mut lines: HashMap<i64, Vec<LineDbRow>> = HashMap::new();
                    let invoice_ids: Vec<i64> = existing.values().map(|r| r.0).collect();
                    for ids in invoice_ids.chunks(chunk) {
                        let sql = lines_of_invoices_sql(ids.len());
                        let mut q = sqlx::query_as::<_, (i64, String, i64, i64, i64, i64)>(&sql);
                        for id in ids {
                            q = q.bind(*id);
                        }
                        for (id, zone, band, kwh, e4, amount) in q.fetch_all(&mut *tx).await? {
                            lines
                                .entry(id)
                                .or_default()
                                .push((zone, band, kwh, e4, amount));
                        }
                    }
                    let mut fresh: Vec<(usize, i64)> = Vec::new();
                    for &i in part {
                        let v = &items[i];
                        let Some(&account) = accounts.get(&v.account_number) else {
                            out[i] = Err(Refusal::UnknownAccount);
                            continue;
                        };
                        match existing.get(&(account, v.period)) {
                            None => fresh.push((i, account)),
                            Some(row) => {
                                let stored =
                                    lines.get(&row.0).map(Vec::as_slice).unwrap_or_default();
                                if same_invoice(v, row, stored) {
                                    out[i] = Ok(ItemResult::Unchanged);
                                } else {
                                    out[i] = Ok(ItemResult::Updated);
                                    Self::replace_invoice(&mut tx, row.0, account, row.5, v)
                                        .await?;
                                }
                            }
                        }
                    }
                    if fresh.is_empty() {
                        continue;
                    }
                    let sql = insert_invoices_sql(fresh.len());
                    let mut q = sqlx::query_as::<_, (i64, i64, NaiveDate)>(&sql);
                    for &(i, account) in &fresh {
                        let v = &items[i];
                        q = q
                            .bind(account)
                            .bind(v.period)
                            .bind(v.issued_on)
                            .bind(v.due_on)
                            .bind(lk_domain::integration::invoice_total(&v.lines).0);
                    }
                    let inserted: HashMap<(i64, NaiveDate), i64> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|(id, account, period)| ((account, period), id))
                        .collect();
                    let mut new_lines: Vec<(i64, i64, &InvoiceLine)> = Vec::new();
                    for &(i, account) in &fresh {
                        if let Some(id) = inserted.get(&(account, items[i].period)) {
                            for (n, l) in items[i].lines.iter().enumerate() {
                                new_lines.push((*id, n as i64 + 1, l));
                            }
                        }
                    }
                    Self::insert_invoice_lines(&mut tx, &new_lines).await?;
                    if !inserted.is_empty() {
                        let new_ids: Vec<i64> = inserted.values().copied().collect();
                        let mut charged: Vec<i64> = inserted.keys().map(|k| k.0).collect();
                        charged.sort_unstable();
                        charged.dedup();
                        Self::move_balances(&mut tx, &charged, "invoices", &new_ids, -1).await?;
                    }
                    for &(i, account) in &fresh {
                        let v = &items[i];
                        if inserted.contains_key(&(account, v.period)) {
                            out[i] = Ok(ItemResult::Created);
                            continue;
                        }
                        // A concurrent batch created it first: compare with that.
                        let sql = invoice_sql(lock);
                        let row: InvoiceDbRow = sqlx::query_as(&sql)
                            .bind(account)
                            .bind(v.period)
                            .fetch_one(&mut *tx)
                            .await?;
                        let stored: Vec<LineDbRow> = sqlx::query_as(INVOICE_LINES)
                            .bind(row.0)
                            .fetch_all(&mut *tx)
                            .await?;
                        if same_invoice(v, &row, &stored) {
                            out[i] = Ok(ItemResult::Unchanged);
                        } else {
                            out[i] = Ok(ItemResult::Updated);
                            Self::replace_invoice(&mut tx, row.0, account, row.5, v).await?;
                        }
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn upsert_readings(
                &self,
                items: &[ReadingRow],
                now: DateTime<Utc>,
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                let order = by_key(items, |r| {
                    (r.account_number.clone(), r.meter_serial.clone(), r.taken_on)
                });
                for part in order.chunks(<$db as Dialect>::CHUNK) {
                    let mut numbers: Vec<&str> = part
                        .iter()
                        .map(|&i| items[i].account_number.as_str())
                        .collect();
                    numbers.dedup();
                    let sql = meters_of_numbers_sql(numbers.len());
                    let mut q = sqlx::query_as::<_, (String, String, i64, i64)>(&sql);
                    for n in &numbers {
                        q = q.bind(*n);
                    }
                    let meters: HashMap<(String, String), (i64, i64)> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|(number, serial, id, account)| ((number, serial), (id, account)))
                        .collect();
                    // The readings there are of those meters and days, locked in key order.
                    let mut meter_ids: Vec<i64> = meters.values().map(|m| m.0).collect();
                    meter_ids.sort_unstable();
                    let mut days: Vec<NaiveDate> =
                        part.iter().map(|&i| items[i].taken_on).collect();
                    days.sort_unstable();
                    days.dedup();
                    let mut existing: HashMap<(i64, NaiveDate), (i64, String)> = HashMap::new();
                    if !meter_ids.is_empty() {
                        let sql = readings_of_days_sql(lock, meter_ids.len(), days.len());
                        let mut q = sqlx::query_as::<_, (i64, i64, NaiveDate, String)>(&sql);
                        for id in &meter_ids {
                            q = q.bind(*id);
                        }
                        for d in &days {
                            q = q.bind(*d);
                        }
                        for (id, meter, day, source) in q.fetch_all(&mut *tx).await? {
                            existing.insert((meter, day), (id, source));
                        }
                    }
                    let stored_ids: Vec<i64> = existing.values().map(|e| e.0).collect();
                    let mut stored: HashMap<i64, Vec<(Zone, i64)>> = HashMap::new();
                    for ids in stored_ids.chunks(<$db as Dialect>::CHUNK) {
                        let sql = values_of_readings_sql(ids.len());
                        let mut q = sqlx::query_as::<_, crate::db::readings::ValueRow>(&sql);
                        for id in ids {
                            q = q.bind(*id);
                        }
                        for v in q.fetch_all(&mut *tx).await? {
                            stored
                                .entry(v.reading_id)
                                .or_default()
                                .push((v.zone, v.value));
                        }
                    }
                    let mut write: Vec<(usize, i64, i64)> = Vec::new();
                    for &i in part {
                        let r = &items[i];
                        let Some(&(meter, account)) =
                            meters.get(&(r.account_number.clone(), r.meter_serial.clone()))
                        else {
                            out[i] = Err(Refusal::UnknownMeter);
                            continue;
                        };
                        match existing.get(&(meter, r.taken_on)) {
                            Some((id, source)) => {
                                let mut values = stored.get(id).cloned().unwrap_or_default();
                                values.sort();
                                if source == "billing" && values == r.values {
                                    out[i] = Ok(ItemResult::Unchanged);
                                    continue;
                                }
                                out[i] = Ok(ItemResult::Updated);
                            }
                            None => out[i] = Ok(ItemResult::Created),
                        }
                        write.push((i, meter, account));
                    }
                    if write.is_empty() {
                        continue;
                    }
                    // The company's reading of a day replaces the subscriber's.
                    let sql = upsert_billing_readings_sql(write.len());
                    let mut q = sqlx::query_as::<_, (i64, i64, NaiveDate)>(&sql).bind(now);
                    for &(i, meter, account) in &write {
                        q = q.bind(meter).bind(account).bind(items[i].taken_on);
                    }
                    let ids: HashMap<(i64, NaiveDate), i64> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|(id, meter, day)| ((meter, day), id))
                        .collect();
                    let written: Vec<i64> = ids.values().copied().collect();
                    for part in written.chunks(<$db as Dialect>::CHUNK) {
                        let sql = delete_values_sql(part.len());
                        let mut q = sqlx::query(&sql);
                        for id in part {
                            q = q.bind(*id);
                        }
                        q.execute(&mut *tx).await?;
                    }
                    let values: Vec<(i64, Zone, i64)> = write
                        .iter()
                        .filter_map(|&(i, meter, _)| {
                            ids.get(&(meter, items[i].taken_on))
                                .map(|id| (*id, &items[i].values))
                        })
                        .flat_map(|(id, values)| values.iter().map(move |(z, v)| (id, *z, *v)))
                        .collect();
                    for part in values.chunks(<$db as Dialect>::CHUNK) {
                        let sql = insert_values_sql(part.len());
                        let mut q = sqlx::query(&sql);
                        for (id, zone, value) in part {
                            q = q.bind(*id).bind(zone.as_str()).bind(*value);
                        }
                        q.execute(&mut *tx).await?;
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all, fields(items = items.len()))]
            async fn record_payments(
                &self,
                items: &[PaymentRow],
                now: DateTime<Utc>,
                dry_run: bool,
            ) -> StoreResult<Vec<Applied>> {
                let lock = <$db as Dialect>::FOR_UPDATE;
                let portal = portal_payment_sql(lock);
                let mut out = vec![Ok(ItemResult::Unchanged); items.len()];
                let mut tx = self.begin_write().await?;
                let order = by_key(items, |p| (p.channel.as_str(), p.external_id.clone()));
                for part in order.chunks(<$db as Dialect>::CHUNK) {
                    let mut numbers: Vec<&str> = part
                        .iter()
                        .map(|&i| items[i].account_number.as_str())
                        .collect();
                    numbers.sort_unstable();
                    numbers.dedup();
                    let accounts = Self::account_ids(&mut tx, &numbers).await?;
                    // Recorded already: as a payment of its own (channel and id) …
                    let mut recorded: HashMap<(String, String), (i64, i64, NaiveDate)> =
                        HashMap::new();
                    for channel in PaymentChannel::ALL {
                        let ids: Vec<&str> = part
                            .iter()
                            .filter(|&&i| items[i].channel == *channel)
                            .map(|&i| items[i].external_id.as_str())
                            .collect();
                        if ids.is_empty() {
                            continue;
                        }
                        let sql = payments_of_channel_sql(ids.len());
                        let mut q = sqlx::query_as::<_, (String, i64, i64, NaiveDate)>(&sql)
                            .bind(channel.as_str());
                        for id in &ids {
                            q = q.bind(*id);
                        }
                        for (id, account, amount, paid_on) in q.fetch_all(&mut *tx).await? {
                            recorded.insert(
                                (channel.as_str().to_owned(), id),
                                (account, amount, paid_on),
                            );
                        }
                    }
                    // … or as the bank's report of an online payment.
                    let reports: Vec<String> = part
                        .iter()
                        .map(|&i| format!("{}:{}", items[i].channel.as_str(), items[i].external_id))
                        .collect();
                    let sql = reported_payments_sql(reports.len());
                    let mut q = sqlx::query_as::<_, (String, i64, i64)>(&sql);
                    for r in &reports {
                        q = q.bind(r);
                    }
                    let reported: HashMap<String, (i64, i64)> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|(r, account, amount)| (r, (account, amount)))
                        .collect();

                    let mut fresh: Vec<(usize, i64)> = Vec::new();
                    for (&i, report) in part.iter().zip(&reports) {
                        let p = &items[i];
                        let Some(&account) = accounts.get(&p.account_number) else {
                            out[i] = Err(Refusal::UnknownAccount);
                            continue;
                        };
                        if let Some(row) =
                            recorded.get(&(p.channel.as_str().to_owned(), p.external_id.clone()))
                        {
                            out[i] = if *row == (account, p.amount, p.paid_on) {
                                Ok(ItemResult::Unchanged)
                            } else {
                                Err(Refusal::PaymentDiffers)
                            };
                            continue;
                        }
                        if let Some(row) = reported.get(report) {
                            // The bank's date of an online payment is its own; the portal's stays.
                            out[i] = if *row == (account, p.amount) {
                                Ok(ItemResult::Unchanged)
                            } else {
                                Err(Refusal::PaymentDiffers)
                            };
                            continue;
                        }
                        let Some(online) = &p.portal_payment_id else {
                            fresh.push((i, account));
                            continue;
                        };
                        let row: Option<(i64, i64, i64, Option<String>)> = sqlx::query_as(&portal)
                            .bind(online)
                            .fetch_optional(&mut *tx)
                            .await?;
                        out[i] = match row {
                            None => Err(Refusal::UnknownPortalPayment),
                            Some((_, acc, amount, _)) if (acc, amount) != (account, p.amount) => {
                                Err(Refusal::PortalPaymentDiffers)
                            }
                            Some((_, _, _, Some(_))) => Err(Refusal::PortalPaymentReported),
                            Some((id, _, _, None)) => {
                                sqlx::query(SET_REPORTED_AS)
                                    .bind(id)
                                    .bind(report)
                                    .execute(&mut *tx)
                                    .await?;
                                Ok(ItemResult::Updated)
                            }
                        };
                    }
                    if fresh.is_empty() {
                        continue;
                    }
                    let sql = insert_payments_sql(fresh.len());
                    let mut q = sqlx::query_as::<_, (i64, i64, String, String)>(&sql).bind(now);
                    for &(i, account) in &fresh {
                        let p = &items[i];
                        q = q
                            .bind(account)
                            .bind(p.amount)
                            .bind(p.paid_on)
                            .bind(p.channel.as_str())
                            .bind(&p.external_id);
                    }
                    let inserted = q.fetch_all(&mut *tx).await?;
                    if !inserted.is_empty() {
                        let new_ids: Vec<i64> = inserted.iter().map(|r| r.0).collect();
                        let mut credited: Vec<i64> = inserted.iter().map(|r| r.1).collect();
                        credited.sort_unstable();
                        credited.dedup();
                        Self::move_balances(&mut tx, &credited, "payments", &new_ids, 1).await?;
                    }
                    let created: HashSet<(String, String)> =
                        inserted.into_iter().map(|r| (r.2, r.3)).collect();
                    for &(i, account) in &fresh {
                        let p = &items[i];
                        if created.contains(&(p.channel.as_str().to_owned(), p.external_id.clone()))
                        {
                            out[i] = Ok(ItemResult::Created);
                            continue;
                        }
                        // A concurrent batch recorded it first: compare with that.
                        let row: (i64, i64, NaiveDate) = sqlx::query_as(PAYMENT)
                            .bind(p.channel.as_str())
                            .bind(&p.external_id)
                            .fetch_one(&mut *tx)
                            .await?;
                        out[i] = if row == (account, p.amount, p.paid_on) {
                            Ok(ItemResult::Unchanged)
                        } else {
                            Err(Refusal::PaymentDiffers)
                        };
                    }
                }
                finish(tx, dry_run).await?;
                Ok(out)
            }

            #[tracing::instrument(skip_all)]
            async fn export_readings(
                &self,
                after: i64,
                limit: i64,
            ) -> StoreResult<Vec<ExportedReadingRecord>> {
                self.stamp("readings", STAMP_READINGS).await?;
                let rows: Vec<(i64, i64, String, String, NaiveDate, DateTime<Utc>)> =
                    sqlx::query_as(EXPORTED_READINGS)
                        .bind(after)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
                let mut values: HashMap<i64, Vec<(Zone, i64)>> = HashMap::new();
                for v in crate::db::ReadingStore::reading_values(self, &ids).await? {
                    values
                        .entry(v.reading_id)
                        .or_default()
                        .push((v.zone, v.value));
                }
                let mut out = Vec::with_capacity(rows.len());
                for (seq, reading_id, account_number, meter_serial, taken_on, submitted_at) in rows
                {
                    let mut v = values.remove(&reading_id).unwrap_or_default();
                    v.sort();
                    out.push(ExportedReadingRecord {
                        seq,
                        reading_id,
                        account_number,
                        meter_serial,
                        taken_on,
                        submitted_at,
                        values: v,
                    });
                }
                Ok(out)
            }

            #[tracing::instrument(skip_all)]
            async fn export_payments(
                &self,
                after: i64,
                limit: i64,
            ) -> StoreResult<Vec<ExportedPaymentRecord>> {
                self.stamp("payments", STAMP_PAYMENTS).await?;
                Ok(sqlx::query_as(EXPORTED_PAYMENTS)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_integration!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_integration!(sqlx::Postgres);
}
