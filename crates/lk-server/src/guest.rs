//! Readings and payment without an account (X9): the payer names the account and one of its
//! meters by the numbers on the receipt and sees only the masked address and the amount due.
//! The reading and the payment themselves are the readings' and the payments' resources
//! (`/guest/readings`, `/guest/payments`).

use actix_web::{post, web, HttpRequest};
use lk_api_types::{GuestAccountRequest, GuestAccountResponse};
use lk_domain::guest::mask_address;
use lk_domain::Kopecks;

use crate::access::GuestMeter;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::responses::{TooManyRequests, Unprocessable};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(guest_account);
}

/// Find an account by its number and a meter's, without signing in.
///
/// Answers the masked address, the amount due and what a reading of the meter needs (its
/// zones and digits, whether readings are accepted today). A wrong account number and a wrong
/// meter number are the same 422 `account_not_found`; malformed numbers are 422
/// `validation_failed` naming the field. Limited per address and, for wrong meter numbers,
/// per account number (429).
#[utoipa::path(
    tag = "guest",
    request_body = GuestAccountRequest,
    responses(
        (status = 200, description = "The account, as far as a payer may see it", body = GuestAccountResponse),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/guest/account")]
#[tracing::instrument(skip_all)]
pub async fn guest_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<GuestAccountRequest>,
) -> ApiResult<web::Json<GuestAccountResponse>> {
    let GuestMeter { account, meter } =
        GuestMeter::find(&state, &req, &body.account_number, &body.meter_number).await?;
    let due = state
        .store
        .due_basis_of(account.id)
        .await?
        .amount_due(Kopecks(account.balance));
    Ok(web::Json(GuestAccountResponse {
        account_number: account.number,
        masked_address: mask_address(&account.address),
        amount_due: due.to_rubles(),
        meter_number: meter.serial,
        scheme: meter.scheme,
        zones: meter.scheme.zones().to_vec(),
        digits: meter.digits.into(),
        readings_open: state
            .config
            .reading_window
            .check(state.config.today())
            .is_ok(),
    }))
}
