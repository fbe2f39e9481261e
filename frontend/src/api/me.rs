//! The signed-in user's profile (`/me`).

use lk_api_types::{ChangePasswordRequest, MeResponse, UpdateMeRequest};
use reqwest::Method;

use super::client::{Call, Reply};
use crate::session::Session;

/// `GET /me`.
pub fn get(session: Session) -> Reply<MeResponse> {
    Call::get("/me").authed(session)
}

/// `GET /me` with an access token not yet in the session (right after signing in).
pub fn get_with_token(token: &str) -> Reply<MeResponse> {
    Call::get("/me").with_token(token)
}

/// `PATCH /me`: the personal data.
pub fn update(session: Session, req: &UpdateMeRequest) -> Reply<MeResponse> {
    Call::new(Method::PATCH, "/me").json(req).authed(session)
}

/// `POST /me/password`: a new password; the user's other sessions end.
pub fn change_password(session: Session, req: &ChangePasswordRequest) -> Reply<()> {
    Call::post("/me/password").json(req).authed(session)
}
