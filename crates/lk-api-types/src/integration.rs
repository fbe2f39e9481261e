//! The billing-system integration API (`/api/v1/integration/…`, SPEC B1): batches of the
//! company's registry keyed by its own identifiers, each item answered on its own, and the
//! exports the billing system pulls by a cursor.

use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{ApiScope, ItemResult, PaymentChannel, Zone, ZoneScheme};
use serde::{Deserialize, Serialize};

use crate::{FieldError, ZoneValue};

/// A branch of the company, keyed by `code`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "michurinsk", "name": "Мичуринское отделение",
    "address": "393760, г. Мичуринск, ул. Советская, д. 291",
    "phone": "+7 (47545) 5-12-34", "email": "michurinsk@example.ru",
    "hours": "Пн–Чт 8:00–17:00, Пт 8:00–15:45"
})))]
pub struct BranchItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub hours: String,
}

/// A price of a tariff plan: a zone's rubles per kWh from a date on, for the month's
/// consumption from `band_from_kwh` on (0, or leave it out, for plans without volume bands).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffRateItem {
    pub zone: Zone,
    pub valid_from: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub band_from_kwh: Option<i64>,
    /// Rubles per kWh, at most four decimals.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,4}(\.[0-9]{1,4})?$", example = "6.13")
    )]
    pub price: String,
}

/// A tariff plan with the whole history of its prices (the plan's prices become exactly these),
/// keyed by `code`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "population-two-zone", "name": "Население, две зоны", "scheme": "two_zone",
    "rates": [
        {"zone": "day", "valid_from": "2026-07-01", "price": "7.04"},
        {"zone": "night", "valid_from": "2026-07-01", "price": "3.89"},
        {"zone": "day", "valid_from": "2026-07-01", "band_from_kwh": 3900, "price": "8.45"},
        {"zone": "night", "valid_from": "2026-07-01", "band_from_kwh": 3900, "price": "4.67"}
    ]
})))]
pub struct TariffItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    pub scheme: ZoneScheme,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub rates: Vec<TariffRateItem>,
}

/// A personal account, keyed by its `number`; its branch and tariff plan by their codes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "number": "680000000099", "holder_name": "Петров Пётр Петрович",
    "address": "392000, г. Тамбов, ул. Мичуринская, д. 1, кв. 2", "branch_code": "tambov",
    "contract_number": "Д-99", "contract_date": "2020-03-01",
    "tariff_code": "population-single", "residents": 2, "opening_balance": "0.00"
})))]
pub struct AccountItem {
    /// 6–20 digits (spaces and dashes are ignored).
    #[cfg_attr(feature = "openapi", schema(min_length = 6, max_length = 40))]
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub holder_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub address: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub branch_code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub contract_number: String,
    pub contract_date: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub tariff_code: String,
    /// People living there (1 if left out).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub residents: Option<i64>,
    /// The balance when the account came to the portal, rubles (positive prepaid, negative
    /// debt); invoices and payments move it from there. 0 if left out.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$")
    )]
    pub opening_balance: Option<String>,
    /// The consumption norm of the account, kWh a month (the month close charges it where no
    /// reading came and no average can be taken).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub norm_kwh: Option<i64>,
}

/// A meter of an account, keyed by the account's number and the meter's serial number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "account_number": "680000000099", "serial": "09876543", "model": "Меркурий 201.8",
    "scheme": "single", "digits": 6, "installed_on": "2020-03-01",
    "verified_on": "2020-02-10", "next_verification_on": "2036-02-10", "location": "Лестничная площадка"
})))]
pub struct MeterItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 6, max_length = 40))]
    pub account_number: String,
    /// 4–20 letters and digits.
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 40))]
    pub serial: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub model: String,
    pub scheme: ZoneScheme,
    /// Digits of the register, 4–9.
    #[cfg_attr(feature = "openapi", schema(minimum = 4, maximum = 9))]
    pub digits: i64,
    pub installed_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub next_verification_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub location: Option<String>,
    /// A removed meter stays in the history but takes no readings (true if left out).
    pub active: Option<bool>,
}

/// A line of an invoice: a zone's (and band's) kWh at a price, and the amount charged.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLineItem {
    pub zone: Zone,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub band_from_kwh: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub kwh: i64,
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,4}(\.[0-9]{1,4})?$", example = "6.13")
    )]
    pub price: String,
    /// Rubles; negative for a recalculation in the subscriber's favour.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$", example = "1532.50")
    )]
    pub amount: String,
}

/// A month's invoice of an account, keyed by the account's number and the period; its
/// amount is the sum of its lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "account_number": "680000000099", "period": "2026-10", "issued_on": "2026-11-01",
    "due_on": "2026-11-10",
    "lines": [{"zone": "single", "kwh": 250, "price": "6.13", "amount": "1532.50"}]
})))]
pub struct InvoiceItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 6, max_length = 40))]
    pub account_number: String,
    /// `YYYY-MM`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-10")
    )]
    pub period: String,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub lines: Vec<InvoiceLineItem>,
}

/// A payment made at a bank, a cash desk, a post office or a terminal, keyed by its channel
/// and its `id` there. A payment the subscriber made in the portal, reported back by the
/// bank, carries `portal_payment_id` (from the payments export) and is matched to it rather
/// than counted again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "SB-2026-11-000123", "channel": "bank", "account_number": "680000000099",
    "amount": "1500.00", "paid_on": "2026-11-05"
})))]
pub struct PaymentItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub id: String,
    pub channel: PaymentChannel,
    #[cfg_attr(feature = "openapi", schema(min_length = 6, max_length = 40))]
    pub account_number: String,
    /// Rubles, more than 0.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$", example = "1500.00")
    )]
    pub amount: String,
    pub paid_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub portal_payment_id: Option<String>,
}

/// A reading of the company's (the billing system, a controller), keyed by the account, the
/// meter and the day; it replaces a subscriber's reading of that day.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "account_number": "680000000099", "meter_serial": "09876543", "taken_on": "2026-10-20",
    "values": [{"zone": "single", "value": 18230}]
})))]
pub struct ReadingItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 6, max_length = 40))]
    pub account_number: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 4, max_length = 40))]
    pub meter_serial: String,
    pub taken_on: NaiveDate,
    /// One value per zone of the meter.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub values: Vec<ZoneValue>,
}

macro_rules! batch {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name {
            /// 1 to 5,000 items; each is answered on its own, in the same order.
            #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5000))]
            pub items: Vec<$item>,
        }
    };
}

batch!(BranchBatch, BranchItem, "Branches to create or update.");
batch!(TariffBatch, TariffItem, "Tariff plans to create or update.");
batch!(AccountBatch, AccountItem, "Accounts to create or update.");
batch!(MeterBatch, MeterItem, "Meters to create or update.");
batch!(InvoiceBatch, InvoiceItem, "Invoices to create or update.");
batch!(PaymentBatch, PaymentItem, "Payments to record.");
batch!(ReadingBatch, ReadingItem, "Readings to record.");

/// What became of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemOutcome {
    /// The item's position in the request, from 0.
    pub index: usize,
    /// The item's key as the company names it (account number, `account/serial`, code…),
    /// when it could be read.
    pub key: Option<String>,
    pub result: ItemResult,
    /// Why the item was refused (`result` = `error`): fields relative to the item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The answer to a batch: every item's outcome in the request's order, and the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "created": 1, "updated": 0, "unchanged": 1, "errors": 1,
    "results": [
        {"index": 0, "key": "680000000099", "result": "created"},
        {"index": 1, "key": "680000000001", "result": "unchanged"},
        {"index": 2, "key": "68000", "result": "error",
         "errors": [{"field": "number", "code": "invalid_account_number", "message": "Номер лицевого счёта — от 6 до 20 цифр."}]}
    ]
})))]
pub struct BatchResponse {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: usize,
    pub results: Vec<ItemOutcome>,
}

/// A reading a subscriber submitted in the portal, as the billing system pulls it. A reading
/// corrected later (the same meter and day) comes again with the same `reading_id` and a
/// later `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedReading {
    /// Its place in the export: pass the last one seen as `after` to continue.
    pub seq: i64,
    pub reading_id: i64,
    pub account_number: String,
    pub meter_serial: String,
    pub taken_on: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub values: Vec<ZoneValue>,
}

/// A page of the readings export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingExportPage {
    pub items: Vec<ExportedReading>,
    /// The cursor for the next page (`after`): the last `seq` of this page, or the one asked
    /// for when the page is empty.
    pub next_after: i64,
    /// Whether more items follow right now.
    pub more: bool,
}

/// A payment a subscriber made online in the portal, as the billing system pulls it. When the
/// bank reports it, send its `portal_payment_id` with the payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedPayment {
    pub seq: i64,
    pub portal_payment_id: String,
    pub account_number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1500.00"))]
    pub amount: rust_decimal::Decimal,
    pub paid_on: NaiveDate,
    pub credited_at: DateTime<Utc>,
}

/// A page of the payments export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentExportPage {
    pub items: Vec<ExportedPayment>,
    pub next_after: i64,
    pub more: bool,
}

/// An API key as lists show it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyInfo {
    pub id: i64,
    pub name: String,
    /// The key's first characters, to recognise it.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new API key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateApiKeyRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<ApiScope>,
}

/// The new key — shown this once; only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub key: String,
    pub info: ApiKeyInfo,
}
