//! Public facts the SPA needs before anyone signs in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The company's branding and links (configurable per installation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrandingResponse {
    /// Full name, e.g. ПАО «Тамбовская энергосбытовая компания».
    pub company_name: String,
    /// Short name for the logo, e.g. ТЭСК.
    pub company_short_name: String,
    /// The company's web site: where the logo leads.
    pub site_url: String,
    /// Technical support e-mail address.
    pub support_email: String,
    /// Technical support phone number.
    pub support_phone: String,
    /// «Подробнее о договоре энергоснабжения» (F11.3).
    pub contract_url: String,
    /// «Подробнее о тарифах» (F11.4).
    pub tariffs_url: String,
    /// «Перейти в интернет-магазин товаров» (F12.3).
    pub shop_url: String,
    /// The company's logo, if one is uploaded; otherwise the short name stands for it.
    pub logo_url: Option<String>,
    /// Today in the company's time zone (Europe/Moscow): the end of default periods. Clients
    /// use it instead of their own clock, which may be in another time zone.
    pub today: NaiveDate,
    /// Whether meter readings are accepted today.
    pub reading_window: ReadingWindowResponse,
}

/// The monthly window when meter readings are accepted (SPEC X8), as of `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingWindowResponse {
    /// Readings can be sent today.
    pub open: bool,
    /// When closed: the first day of the next window.
    pub opens_on: Option<NaiveDate>,
    /// When closed: the last day of the next window.
    pub closes_on: Option<NaiveDate>,
    /// When closed: why and until when, for the subscriber («Показания принимаются с 15 по 25
    /// число месяца. Следующий приём показаний: …»).
    pub message: Option<String>,
}
