//! Public facts the SPA needs before anyone signs in.

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
}
