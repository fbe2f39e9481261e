//! An account's meters (`/accounts/{number}/meters…`).

use super::client::Method;
use lk_api_types::{MeterResponse, UpdateMeterRequest};

use super::accounts::path;
use super::client::{Call, Reply};
use crate::session::Session;

/// `GET /accounts/{number}/meters`: each with its zones and latest readings.
pub fn list(session: Session, number: &str) -> Reply<Vec<MeterResponse>> {
    Call::get(format!("{}/meters", path(number))).authed(session)
}

/// `PATCH /accounts/{number}/meters/{id}`: the name the user gives the meter.
pub fn rename(
    session: Session,
    number: &str,
    id: i64,
    req: &UpdateMeterRequest,
) -> Reply<MeterResponse> {
    Call::new(Method::PATCH, format!("{}/meters/{id}", path(number)))
        .json(req)
        .authed(session)
}
