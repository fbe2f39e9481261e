//! Public facts for the SPA before sign-in.

use actix_web::{get, web};
use lk_api_types::BrandingResponse;

use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(branding);
}

/// The company's name, site and support contacts (configurable).
#[utoipa::path(tag = "content", responses((status = 200, description = "Branding and contacts", body = BrandingResponse)))]
#[get("/branding")]
pub async fn branding(state: web::Data<AppState>) -> web::Json<BrandingResponse> {
    let c = &state.config.company;
    web::Json(BrandingResponse {
        company_name: c.name.clone(),
        company_short_name: c.short_name.clone(),
        site_url: c.site_url.clone(),
        support_email: c.support_email.clone(),
        support_phone: c.support_phone.clone(),
    })
}
