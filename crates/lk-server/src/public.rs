//! Public facts for the SPA before sign-in.

use actix_web::{get, web};
use lk_api_types::{BrandingResponse, FileSlot, ReadingWindowResponse};

use crate::error::ApiResult;
use crate::site::{self, Site};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(branding);
}

/// The company's name, logo, links and support contacts (edited by admins), today's date in
/// the company's time zone and whether meter readings are accepted today.
#[utoipa::path(tag = "content", responses((status = 200, description = "Branding, contacts, today and the reading window", body = BrandingResponse)))]
#[get("/branding")]
pub async fn branding(state: web::Data<AppState>) -> ApiResult<web::Json<BrandingResponse>> {
    let site = Site::load(state.store.as_ref(), &state.config).await?;
    let files = state.store.file_metas().await?;
    let today = state.config.today();
    let closed = state.config.reading_window.check(today).err();
    let (b, l) = (site.branding, site.links);
    Ok(web::Json(BrandingResponse {
        company_name: b.company_name,
        company_short_name: b.company_short_name,
        site_url: l.site_url,
        support_email: b.support_email,
        support_phone: b.support_phone,
        contract_url: l.contract_url,
        tariffs_url: l.tariffs_url,
        shop_url: l.shop_url,
        logo_url: site::file_of(&files, FileSlot::Logo).map(|f| f.url),
        today,
        reading_window: ReadingWindowResponse {
            open: closed.is_none(),
            opens_on: closed.map(|w| w.opens),
            closes_on: closed.map(|w| w.closes),
            message: closed.map(|w| w.message_ru()),
        },
    }))
}
