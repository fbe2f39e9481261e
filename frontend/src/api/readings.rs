//! A meter's readings (`/accounts/{number}/meters/{id}/readings…`).

use chrono::NaiveDate;
use lk_api_types::{ReadingChargeResponse, ReadingResponse, SubmitReadingRequest};

use super::client::{Call, Reply};
use crate::session::Session;

fn path(number: &str, meter_id: i64) -> String {
    format!(
        "{}/meters/{meter_id}/readings",
        super::accounts::path(number)
    )
}

/// `GET …/readings?from=&to=`: the readings taken in the period, newest first.
pub fn list(
    session: Session,
    number: &str,
    meter_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Reply<Vec<ReadingResponse>> {
    Call::get(format!("{}?from={from}&to={to}", path(number, meter_id))).authed(session)
}

/// `POST …/readings/preview`: what the reading would cost, nothing stored.
pub fn preview(
    session: Session,
    number: &str,
    meter_id: i64,
    req: &SubmitReadingRequest,
) -> Reply<ReadingChargeResponse> {
    Call::post(format!("{}/preview", path(number, meter_id)))
        .json(req)
        .authed(session)
}

/// `POST …/readings`: stores the reading (once per `idempotency_key`) and answers its charge
/// and the amount due.
pub fn submit(
    session: Session,
    number: &str,
    meter_id: i64,
    req: &SubmitReadingRequest,
    idempotency_key: &str,
) -> Reply<ReadingChargeResponse> {
    Call::post(path(number, meter_id))
        .json(req)
        .idempotency_key(idempotency_key)
        .authed(session)
}
