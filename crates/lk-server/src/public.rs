//! Public facts for the SPA before sign-in.

use actix_web::{get, web};
use lk_api_types::{BrandingResponse, ReadingWindowResponse};

use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(branding);
}

/// The company's name, site and support contacts (configurable), today's date in the
/// company's time zone and whether meter readings are accepted today.
#[utoipa::path(tag = "content", responses((status = 200, description = "Branding, contacts, today and the reading window", body = BrandingResponse)))]
#[get("/branding")]
pub async fn branding(state: web::Data<AppState>) -> web::Json<BrandingResponse> {
    let c = &state.config.company;
    let today = state.config.today();
    let closed = state.config.reading_window.check(today).err();
    web::Json(BrandingResponse {
        company_name: c.name.clone(),
        company_short_name: c.short_name.clone(),
        site_url: c.site_url.clone(),
        support_email: c.support_email.clone(),
        support_phone: c.support_phone.clone(),
        today,
        reading_window: ReadingWindowResponse {
            open: closed.is_none(),
            opens_on: closed.map(|w| w.opens),
            closes_on: closed.map(|w| w.closes),
            message: closed.map(|w| w.message_ru()),
        },
    })
}
