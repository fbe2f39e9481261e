//! The company's details, today's date in its time zone and the reading window (`/branding`).

use lk_api_types::BrandingResponse;

use super::client::{Call, Reply};

/// `GET /branding`.
pub fn get() -> Reply<BrandingResponse> {
    Call::get("/branding").public()
}
