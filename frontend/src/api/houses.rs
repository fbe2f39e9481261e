//! The user's houses and the accounts bound to them (`/houses…`).

use super::client::Method;
use lk_api_types::{BindAccountRequest, CreateHouseRequest, HouseResponse, UpdateHouseRequest};

use super::client::{removed, Call, Reply};
use crate::session::Session;

/// `GET /houses`: each with its account's summary.
pub fn list(session: Session) -> Reply<Vec<HouseResponse>> {
    Call::get("/houses").authed(session)
}

/// `POST /houses`.
pub fn create(session: Session, req: &CreateHouseRequest) -> Reply<HouseResponse> {
    Call::post("/houses").json(req).authed(session)
}

/// `PATCH /houses/{id}`: its name or address.
pub fn update(session: Session, id: i64, req: &UpdateHouseRequest) -> Reply<HouseResponse> {
    Call::new(Method::PATCH, format!("/houses/{id}"))
        .json(req)
        .authed(session)
}

/// `DELETE /houses/{id}`.
pub fn delete(session: Session, id: i64) -> Reply<()> {
    removed(Call::new(Method::DELETE, format!("/houses/{id}")).authed(session))
}

/// `PUT /houses/{id}/account`: binds an account, proven by its meter's number.
pub fn bind_account(session: Session, id: i64, req: &BindAccountRequest) -> Reply<HouseResponse> {
    Call::new(Method::PUT, format!("/houses/{id}/account"))
        .json(req)
        .authed(session)
}

/// `DELETE /houses/{id}/account`: unbinds the house's account.
pub fn unbind_account(session: Session, id: i64) -> Reply<()> {
    removed(Call::new(Method::DELETE, format!("/houses/{id}/account")).authed(session))
}
