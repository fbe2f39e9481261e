//! Houses and the personal accounts bound to them (SPEC F3, F4, F5, F8.2).

use chrono::NaiveDate;
use lk_domain::{HouseAccess, Zone};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A value of one tariff zone: `single`, `day`, `night`, `peak` or `half_peak`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneValue {
    pub zone: Zone,
    /// Whole kWh shown by the register.
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub value: i64,
}

/// The latest reading of a meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LastReading {
    pub meter_id: i64,
    pub taken_on: NaiveDate,
    pub values: Vec<ZoneValue>,
}

/// What a house card shows about its account (F4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    pub number: String,
    /// Rubles. Positive: prepaid; negative: debt.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "-1234.56"))]
    pub balance: Decimal,
    /// What to pay now, rubles: the debt plus the charges of readings not invoiced yet, less
    /// any prepayment; never below zero. The payment wizard and the receipt offer this amount.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4213.88"))]
    pub amount_due: Decimal,
    /// The latest reading of each meter of the account.
    pub last_readings: Vec<LastReading>,
    /// What to do next: send readings, pay, and how consumption compares with last year — as
    /// of today in the company's time zone (Europe/Moscow).
    pub next_steps: NextSteps,
}

/// What the subscriber is to do next about an account (the house card on the main page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextSteps {
    pub readings: ReadingsNextStep,
    pub payment: PaymentNextStep,
    pub consumption: ConsumptionComparison,
}

/// Whether meter readings are accepted today, until when, or from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingsNextStep {
    /// Readings can be sent today.
    pub open: bool,
    /// When open: the last day they are accepted; absent when they are accepted on any day.
    pub until: Option<NaiveDate>,
    /// When closed: the first day of the next window.
    pub opens_on: Option<NaiveDate>,
    /// When closed: the last day of the next window.
    pub closes_on: Option<NaiveDate>,
}

/// What to pay and by which day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentNextStep {
    /// Rubles, the same as the summary's `amount_due`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4213.88"))]
    pub amount_due: Decimal,
    /// The day to pay by: the due day of the oldest invoice not paid yet, or — when only
    /// readings not invoiced yet are to be paid — the day their month's invoice will be due.
    /// Absent when nothing is due or no due day is known.
    pub pay_by: Option<NaiveDate>,
    /// `pay_by` has passed.
    pub overdue: bool,
}

/// A month's consumption against the same month a year before: this month once it has a
/// reading, the previous month until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsumptionComparison {
    /// The first day of the month compared.
    pub month: NaiveDate,
    /// kWh of the readings taken in that month (all meters); absent when there is none.
    pub kwh: Option<i64>,
    /// kWh of the readings taken in the same month a year before; absent when there is none.
    pub last_year_kwh: Option<i64>,
    /// The change against last year, per cent with one decimal (`-12.5`); only when both are
    /// known and last year's is above zero.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "8.7"))]
    pub change_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseResponse {
    pub id: i64,
    pub name: String,
    pub address: String,
    /// The bound personal account, if any (at most one per house).
    pub account: Option<AccountSummary>,
    /// How the user holds the account: `owner` (bound it by the numbers; also a house
    /// without an account), or a member invited with `full` access or to `view` only.
    pub access: HouseAccess,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateHouseRequest {
    /// 1–100 characters, e.g. «Дача»; some visible, none control or bidi-control.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*$"
        )
    )]
    pub name: String,
    /// 1–300 characters, as `name`.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = "^[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*$"
        )
    )]
    pub address: String,
}

/// Absent fields keep their value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateHouseRequest {
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*$"
        )
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = "^[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*$"
        )
    )]
    pub address: Option<String>,
}

/// Binding a personal account to a house: both numbers must match the company's registry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BindAccountRequest {
    /// 6–20 digits; spaces and dashes are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "680000000001", pattern = "^[\\s-]*([0-9][\\s-]*){6,20}$")
    )]
    pub account_number: String,
    /// The meter's factory serial number: 4–20 Latin letters or digits; spaces and dashes are
    /// ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "01234567", pattern = "^[\\s-]*([0-9A-Za-z][\\s-]*){4,20}$")
    )]
    pub meter_number: String,
}
