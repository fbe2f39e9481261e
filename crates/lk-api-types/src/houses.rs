//! Houses and the personal accounts bound to them (SPEC F3, F4, F5, F8.2).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A value of one tariff zone: `single`, `day`, `night`, `peak` or `half_peak`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneValue {
    #[cfg_attr(feature = "openapi", schema(example = "day"))]
    pub zone: String,
    /// Whole kWh shown by the register.
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseResponse {
    pub id: i64,
    pub name: String,
    pub address: String,
    /// The bound personal account, if any (at most one per house).
    pub account: Option<AccountSummary>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateHouseRequest {
    /// 1–100 characters, e.g. «Дача».
    pub name: String,
    /// 1–300 characters.
    pub address: String,
}

/// Absent fields keep their value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateHouseRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// Binding a personal account to a house: both numbers must match the company's registry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BindAccountRequest {
    #[cfg_attr(feature = "openapi", schema(example = "680000000001"))]
    pub account_number: String,
    /// The meter's factory serial number.
    #[cfg_attr(feature = "openapi", schema(example = "01234567"))]
    pub meter_number: String,
}
