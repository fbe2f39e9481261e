//! Readings and payment without an account (X9): a payer identifies the account by its number
//! and one of its meters' numbers, as printed on the receipt, and sees no more than the masked
//! address and the amount due.

use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{PaymentStatus, Zone, ZoneScheme};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::houses::ZoneValue;

/// The account and one of its meters, as on the receipt.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestAccountRequest {
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

/// What a payer who typed the two numbers may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestAccountResponse {
    pub account_number: String,
    /// The address with every word but its first letter, and every number, masked
    /// («г. Т*****, ул. С********, д. **, кв. *»).
    pub masked_address: String,
    /// What to pay now (rubles), as in the personal account.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount_due: Decimal,
    pub meter_number: String,
    pub scheme: ZoneScheme,
    /// The zones to give a value for, in the order of the receipt.
    pub zones: Vec<Zone>,
    /// Digits of the meter's register.
    pub digits: i64,
    /// Whether readings are accepted today (Europe/Moscow).
    pub readings_open: bool,
}

/// A reading passed without an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestReadingRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "680000000001", pattern = "^[\\s-]*([0-9][\\s-]*){6,20}$")
    )]
    pub account_number: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "01234567", pattern = "^[\\s-]*([0-9A-Za-z][\\s-]*){4,20}$")
    )]
    pub meter_number: String,
    /// One value per zone of the meter. (A register that went past its maximum is reported
    /// from the personal account or the contact centre, not here.)
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3))]
    pub values: Vec<ZoneValue>,
}

/// The reading is stored: the day it counts for and the amount due with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestReadingResponse {
    pub taken_on: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount_due: Decimal,
}

/// A payment without an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestPaymentRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "680000000001", pattern = "^[\\s-]*([0-9][\\s-]*){6,20}$")
    )]
    pub account_number: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "01234567", pattern = "^[\\s-]*([0-9A-Za-z][\\s-]*){4,20}$")
    )]
    pub meter_number: String,
    /// Rubles, as for a signed-in payment (`500`, `1500,00`).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "500.00", pattern = "^[0-9]+([.,][0-9]{1,2})?$")
    )]
    pub amount: String,
    /// The payment rules were read and accepted.
    pub rules_accepted: bool,
}

/// A payment made without an account: only what the payer typed and the bank's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestPaymentResponse {
    pub payment_id: String,
    pub status: PaymentStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Decimal,
    /// The acquirer's page where the payer pays.
    pub confirmation_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}
