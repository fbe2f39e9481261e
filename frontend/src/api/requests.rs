//! Requests to the contact centre.

use leptos::prelude::GetUntracked;
use lk_api_types::{ContactRequestBody, ContactResponse, RequestSummary};

use super::client::{Call, Reply};
use crate::session::Session;

/// `POST /requests`: a question or a support request; signed in, it is also listed among the
/// user's requests.
pub fn send(session: Session, req: &ContactRequestBody) -> Reply<ContactResponse> {
    let call = Call::post("/requests").json(req);
    if session.token.get_untracked().is_some() {
        call.authed(session)
    } else {
        call.public()
    }
}

/// `GET /me/requests`: the user's requests, newest first.
pub fn mine(session: Session) -> Reply<Vec<RequestSummary>> {
    Call::get("/me/requests").authed(session)
}
