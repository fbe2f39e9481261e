//! Meters of an account (F10.1) and the user's names for them (F4.2).

use actix_web::{get, patch, web};
use lk_api_types::{MeterResponse, UpdateMeterRequest, ZoneInfo};
use lk_domain::text;

use crate::access::{OwnAccount, OwnMeter};
use crate::db::meters::MeterRecord;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::present::reading_response;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_meters).service(update_meter);
}

async fn meter_response(state: &AppState, m: MeterRecord) -> ApiResult<MeterResponse> {
    // Not NaiveDate::MAX: SQLite compares dates as text, and "+262143-12-31" sorts first.
    let end_of_time = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
    let last = state
        .store
        .readings_before(m.id, end_of_time, 1)
        .await?
        .pop();
    let previous = match &last {
        Some(l) if l.taken_on >= state.config.today() => state
            .store
            .readings_before(m.id, state.config.today(), 1)
            .await?
            .pop(),
        other => other.clone(),
    };
    let s = m.scheme;
    Ok(MeterResponse {
        id: m.id,
        serial: m.serial,
        label: m.label,
        model: m.model,
        zone_scheme: s,
        zones: s
            .zones()
            .iter()
            .map(|z| ZoneInfo {
                zone: *z,
                label: z.label_ru().into(),
                hours: z.hours().into(),
            })
            .collect(),
        digits: m.digits.into(),
        installed_on: m.installed_on,
        verified_on: m.verified_on,
        next_verification_on: m.next_verification_on,
        location: m.location,
        last_reading: last.map(reading_response),
        previous_reading: previous.map(reading_response),
    })
}

/// The account's meters with their information and latest reading (F10.1).
#[utoipa::path(tag = "meters", security(("bearer" = [])), params(("account_number" = String, Path)),
    responses((status = 200, description = "The account's meters", body = Vec<MeterResponse>)))]
#[get("/accounts/{account_number}/meters")]
pub async fn list_meters(
    state: web::Data<AppState>,
    own: OwnAccount,
) -> ApiResult<web::Json<Vec<MeterResponse>>> {
    let mut out = Vec::new();
    for m in state.store.meters(own.user.id, own.account.id).await? {
        out.push(meter_response(&state, m).await?);
    }
    Ok(web::Json(out))
}

/// «Переименовать счетчик»: the user's own name for a meter (F4.2). Empty removes it.
#[utoipa::path(tag = "meters", security(("bearer" = [])), params(("account_number" = String, Path), ("meter_id" = i64, Path)), request_body = UpdateMeterRequest,
    responses((status = 200, description = "The meter with its new name", body = MeterResponse)))]
#[patch("/accounts/{account_number}/meters/{meter_id}")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn update_meter(
    state: web::Data<AppState>,
    own: OwnMeter,
    body: Json<UpdateMeterRequest>,
) -> ApiResult<web::Json<MeterResponse>> {
    let label = text::clean_line(
        body.label.as_deref().unwrap_or_default(),
        lk_domain::registry::METER_LABEL_MAX,
    )
    .map_err(|e| ApiError::Validation(vec![ApiError::text_field("label", e)]))?;
    let (user_id, account_id, meter_id) = (own.user.id, own.account.id, own.meter.id);
    state
        .store
        .set_meter_label(user_id, meter_id, label.as_deref())
        .await?;
    let m = state
        .store
        .meter_of_user(user_id, account_id, meter_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(meter_response(&state, m).await?))
}
