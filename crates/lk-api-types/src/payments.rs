//! Online payments (SPEC §6).

use crate::enums::{SandboxOutcome, WebhookResult};
use chrono::{DateTime, Utc};
use lk_domain::PaymentStatus;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePaymentRequest {
    /// Rubles in plain decimal notation: digits, then optionally `.` or `,` and one or two
    /// decimals (`500`, `500.5`, `1500,00`); positive, at most the configured maximum.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "500.00", pattern = "^[0-9]+([.,][0-9]{1,2})?$")
    )]
    pub amount: String,
    /// The payment rules were read and accepted (step 2 of the wizard).
    pub rules_accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentResponse {
    pub payment_id: String,
    /// `created`, `pending`, `succeeded`, `canceled` or `failed`.
    pub status: PaymentStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub amount: Decimal,
    pub account_number: String,
    /// The acquirer's page where the subscriber pays.
    pub confirmation_url: Option<String>,
    /// The account's balance now (rubles; positive prepaid, negative debt).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub balance: Decimal,
    /// When the subscriber started the payment.
    pub created_at: DateTime<Utc>,
    /// When the payment reached its final status (`succeeded`, `canceled`, `failed`); absent
    /// while the bank has not answered.
    pub completed_at: Option<DateTime<Utc>>,
    /// The payer's house the account is bound to (for links to its pages); absent for a payment
    /// without an account. (A payer who no longer holds the account gets 404 instead.)
    pub house_id: Option<i64>,
}

/// The sandbox acquirer's decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SandboxCompleteRequest {
    /// `succeeded` or `canceled`.
    pub outcome: SandboxOutcome,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SandboxCompleteResponse {
    /// Where the subscriber goes next (the portal's payment result page).
    pub return_url: String,
}

/// Answer to a provider's notification.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookResponse {
    /// `applied`, `ignored` (duplicate, stale or unknown payment).
    pub result: WebhookResult,
}
