//! Online payments (`/accounts/{number}/payments`, `/payments/{id}`).

use lk_api_types::{CreatePaymentRequest, PaymentResponse};

use super::client::{Call, Reply};
use super::escape;
use crate::session::Session;

/// `POST /accounts/{number}/payments`: starts a payment and answers the acquirer's page where
/// the subscriber pays.
pub fn create(
    session: Session,
    number: &str,
    req: &CreatePaymentRequest,
) -> Reply<PaymentResponse> {
    Call::post(format!("{}/payments", super::accounts::path(number)))
        .json(req)
        .authed(session)
}

/// `GET /payments/{id}`: its status and the account's balance now.
pub fn get(session: Session, id: &str) -> Reply<PaymentResponse> {
    Call::get(format!("/payments/{}", escape(id))).authed(session)
}
