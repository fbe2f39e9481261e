//! Requests to the company: questions and support requests to the contact centre, and the
//! user's own requests with their history.

use leptos::prelude::GetUntracked;
use lk_api_types::{ContactRequestBody, ContactResponse, RequestDetail, RequestSummary};

use super::client::{Call, Reply};
use crate::session::Session;

/// Signed in, the request is also listed among the user's requests.
fn maybe_authed(session: Session, call: Call) -> Reply<ContactResponse> {
    if session.token.get_untracked().is_some() {
        call.authed(session)
    } else {
        call.public()
    }
}

/// `POST /questions`: «Задать вопрос», from anyone.
pub fn ask_question(session: Session, req: &ContactRequestBody) -> Reply<ContactResponse> {
    maybe_authed(session, Call::post("/questions").json(req))
}

/// `POST /support-requests`: «Обратиться в Техническую поддержку», from anyone.
pub fn ask_support(session: Session, req: &ContactRequestBody) -> Reply<ContactResponse> {
    maybe_authed(session, Call::post("/support-requests").json(req))
}

/// `GET /me/requests`: the user's requests of every kind, newest first.
pub fn mine(session: Session) -> Reply<Vec<RequestSummary>> {
    Call::get("/me/requests").authed(session)
}

/// `GET /me/requests/{number}`: one of the user's requests with its history.
pub fn detail(session: Session, number: i64) -> Reply<RequestDetail> {
    Call::get(format!("/me/requests/{number}")).authed(session)
}
