//! E-mail reminders and the paperless receipt (X4), and the one-click unsubscribe.

use lk_domain::reminders::ReminderKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The user's e-mail reminders and paperless accounts («Настройки»). Every reminder is off
/// until switched on; it concerns every account of the user's houses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderSettings {
    /// On the first day of the reading window, when no reading came this month.
    pub window_opens: bool,
    /// Two days before the reading window closes, when no reading came this month.
    pub window_closes: bool,
    /// When a new invoice is issued.
    pub invoice: bool,
    /// When a payment is credited.
    pub payment: bool,
    /// Once a month while the debt is above `debt_threshold`.
    pub debt: bool,
    /// Rubles (`"1500.00"`); present while `debt` is on.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1500.00"))]
    pub debt_threshold: Option<Decimal>,
    /// Each account of the user's houses, and whether its invoices come by e-mail with the
    /// filled receipt (PDF) attached.
    pub paperless: Vec<PaperlessAccount>,
}

/// An account of the user's houses and its paperless switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperlessAccount {
    pub account_number: String,
    /// The house the account is bound to.
    pub house_name: String,
    /// Invoices come by e-mail with the receipt attached.
    pub enabled: bool,
}

/// A change of the reminders: the fields given change, the others stay.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateReminderSettingsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_opens: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_closes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<bool>,
    /// Switching the debt reminder on needs a threshold, given here or kept from before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt: Option<bool>,
    /// Rubles, more than 0 and at most 1 000 000, at most two decimals (`1500`, `1500,50`);
    /// given, it switches the debt reminder on unless `debt` is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 20,
            pattern = "^\\s*(0*[1-9][0-9]{0,5}([.,][0-9]{1,2})?|0*1000000([.,]0{1,2})?|0+[.,]([1-9][0-9]?|0[1-9]))\\s*$"
        )
    )]
    pub debt_threshold: Option<String>,
    /// Paperless switches of some of the user's accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub paperless: Option<Vec<PaperlessChange>>,
}

/// Switch one account's paperless receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperlessChange {
    /// An account bound to one of the user's houses.
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub account_number: String,
    pub enabled: bool,
}

/// What an unsubscribe link switches off, and whether it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnsubscribeResponse {
    /// The reminder, for a reminder's link.
    pub reminder: Option<ReminderKind>,
    /// The account, for a paperless receipt's link.
    pub account_number: Option<String>,
    /// Still on (`GET`); `false` after the `POST`.
    pub subscribed: bool,
}
