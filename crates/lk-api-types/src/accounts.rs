//! Personal accounts, meters, readings, tariffs, the operations history and invoices
//! (SPEC F7, F9, F10, F11).

use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{MonthSource, OperationKind, ReadingSource, RequestStatus, Zone, ZoneScheme};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::houses::ZoneValue;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BranchInfo {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractInfo {
    pub number: String,
    pub date: NaiveDate,
}

/// A zone's current price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZonePrice {
    pub zone: Zone,
    /// «День», «Ночь», «Пик», «Полупик», «Круглосуточно».
    pub label: String,
    /// e.g. «07:00–23:00».
    pub hours: String,
    /// Lower bound of the monthly volume band, kWh (0 when the plan has no bands).
    pub band_from_kwh: i64,
    /// Rubles per kWh.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "6.13"))]
    pub price: Decimal,
    pub valid_from: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffInfo {
    pub code: String,
    pub name: String,
    /// `single`, `two_zone` or `three_zone`.
    pub zone_scheme: ZoneScheme,
    /// Prices in force today.
    pub prices: Vec<ZonePrice>,
}

/// General account information (F11.1, F11.3, F11.4, F11.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountResponse {
    pub number: String,
    pub holder_name: String,
    pub address: String,
    pub residents: i64,
    /// Rubles. Positive: prepaid; negative: debt.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub balance: Decimal,
    /// What to pay now: the debt plus the charges of readings not invoiced yet, less any
    /// prepayment; never below zero (the same figure as the house's account summary).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount_due: Decimal,
    pub contract: ContractInfo,
    pub branch: BranchInfo,
    pub tariff: TariffInfo,
}

/// Tariff history of a year (F11.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffsResponse {
    pub code: String,
    pub name: String,
    pub zone_scheme: ZoneScheme,
    pub year: i32,
    /// Every price in force at some time of the year, newest first.
    pub prices: Vec<ZonePrice>,
    /// Years before `year` that have prices («Показать более ранние тарифы»).
    pub earlier_years: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneInfo {
    pub zone: Zone,
    pub label: String,
    pub hours: String,
}

/// A meter with its information (F10.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeterResponse {
    pub id: i64,
    /// Factory serial number.
    pub serial: String,
    /// The name the user gave it («Переименовать счетчик»), if any.
    pub label: Option<String>,
    pub model: String,
    pub zone_scheme: ZoneScheme,
    pub zones: Vec<ZoneInfo>,
    /// Whole digits of the register (it rolls over after 10^digits − 1).
    pub digits: i64,
    pub installed_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub next_verification_on: Option<NaiveDate>,
    pub location: String,
    pub last_reading: Option<ReadingResponse>,
    /// The reading a new submission is compared with: the latest one before today (a reading
    /// sent today is replaced by the next one sent today).
    pub previous_reading: Option<ReadingResponse>,
}

/// Absent or empty `label` removes the user's name for the meter.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMeterRequest {
    /// At most 60 characters; blank removes the name.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 60,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingResponse {
    pub id: i64,
    pub meter_id: i64,
    pub taken_on: NaiveDate,
    /// `portal`, `billing` or `controller`.
    pub source: ReadingSource,
    pub values: Vec<ZoneValue>,
    /// kWh since the previous reading (all zones), when known.
    pub consumption: Option<i64>,
    /// Rubles charged for that consumption, when computed.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub charge: Option<Decimal>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitReadingRequest {
    /// One value per zone of the meter.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub values: Vec<ZoneValue>,
    /// The register went past its maximum and restarted from zero.
    #[serde(default)]
    pub rollover: bool,
}

/// One zone's line of the charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChargeLineResponse {
    pub zone: Zone,
    pub label: String,
    pub previous: Option<i64>,
    pub current: i64,
    /// kWh on this line (fractional only when volume bands split a zone).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kwh: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub price: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// The charge for a reading, before (preview) or after submitting it (F7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingChargeResponse {
    /// The stored reading (absent in a preview).
    pub reading: Option<ReadingResponse>,
    pub previous: Option<ReadingResponse>,
    /// kWh since the previous reading, all zones.
    pub consumption: i64,
    pub lines: Vec<ChargeLineResponse>,
    /// Σ lines, rubles.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub charge: Decimal,
    /// Balance before this charge: positive prepaid, negative debt.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub balance: Decimal,
    /// Charges of earlier readings that are not invoiced yet (so not in the balance), rubles.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub uninvoiced: Decimal,
    /// The account's amount due with this reading: charge + uninvoiced + debt − prepayment,
    /// never below zero.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount_due: Decimal,
    pub warnings: Vec<Warning>,
}

/// One row of the operations history (F9.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationItem {
    /// `invoice`, `reading` or `payment`.
    pub kind: OperationKind,
    pub id: i64,
    pub date: NaiveDate,
    /// Rubles: the invoice's or the payment's amount (none for readings, which are billed by
    /// the invoice of their month).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub amount: Option<Decimal>,
    /// kWh since the previous reading, all zones (readings only, when known).
    pub consumption: Option<i64>,
    /// For people: «Счёт за октябрь 2026», «Оплата (банк)», «Показания (личный кабинет)».
    pub description: String,
    /// Reading values (readings only).
    pub values: Vec<ZoneValue>,
    pub meter_id: Option<i64>,
    /// Who passed the reading or made the online payment in the personal account (X9):
    /// «Имя Фамилия», or their e-mail address when they gave no name. Absent for invoices and
    /// for what came from the company, a bank, or a payer without an account.
    pub made_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationsResponse {
    pub items: Vec<OperationItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLineResponse {
    pub zone: Zone,
    pub label: String,
    pub kwh: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub price: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Decimal,
}

/// Invoice details (F9.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceResponse {
    pub id: i64,
    /// First day of the billed month.
    pub period: NaiveDate,
    pub issued_on: NaiveDate,
    pub due_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Decimal,
    pub consumption: i64,
    /// How the consumption was found: the billing system's calculation, the readings, the
    /// average or the norm.
    pub basis: lk_domain::InvoiceBasis,
    pub lines: Vec<InvoiceLineResponse>,
}

/// «Изменить данные абонента»: what the subscriber asks to change (F11.2).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequestBody {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub holder_name: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub address: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub residents: Option<i64>,
    /// Russian phone number in any usual notation, as at registration.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^\\s*$|^\\s*(\\+[ ()-]*7([ ()-]*[0-9]){10}|[ ()-]*[78]([ ()-]*[0-9]){10}|[ ()-]*[0-9]([ ()-]*[0-9]){9})[ ()-]*\\s*$"
        )
    )]
    pub phone: Option<String>,
    /// What else should change and why; required when nothing above is given.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequestResponse {
    pub id: i64,
    /// `new`, `in_progress`, `done`, `rejected`.
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub message: String,
}

/// kWh of one tariff zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneKwh {
    pub zone: Zone,
    pub kwh: i64,
}

/// One month of an account's consumption insights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InsightMonth {
    /// The month's first day.
    pub month: NaiveDate,
    /// The month's invoice, else the readings taken in it; `missing` when neither exists.
    pub source: MonthSource,
    /// kWh per tariff zone (empty for a missing month).
    pub zones: Vec<ZoneKwh>,
    /// kWh in all; absent for a missing month.
    pub kwh: Option<i64>,
    /// Rubles for it: the invoice's amount, or the readings priced at the rates in force in
    /// that month; absent for a missing month.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1250.40"))]
    pub amount: Option<Decimal>,
    /// kWh per day, two decimals: over the month's days for an invoice, over the days between
    /// the readings compared for readings.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "8.25"))]
    pub kwh_per_day: Option<Decimal>,
    /// kWh of the same month a year before, when known.
    pub last_year_kwh: Option<i64>,
    /// The change against last year, per cent with one decimal (`-12.5`); only when both are
    /// known and last year's is above zero.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "12.0"))]
    pub change_percent: Option<Decimal>,
}

/// An account's consumption month by month for the last 24 months (the current one last), by
/// zone, in kWh and rubles, each against the same month a year before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInsights {
    /// 24 months, oldest first.
    pub months: Vec<InsightMonth>,
    /// The newest month with figures; absent when there is none.
    pub latest_month: Option<NaiveDate>,
    /// That month against last year in a sentence, in the language of the request
    /// («В ноябре на 12 % больше, чем год назад.»); absent when no month has figures.
    pub summary: Option<String>,
}
