//! Online payments (`/accounts/{number}/payments`, `/payments/{id}`).

use lk_api_types::{CreatePaymentRequest, PaymentResponse};

use super::client::{Call, Reply};
use super::escape;
use crate::session::Session;

/// `POST /accounts/{number}/payments`: starts a payment (once per `idempotency_key`) and
/// answers the acquirer's page where the subscriber pays.
pub fn create(
    session: Session,
    number: &str,
    req: &CreatePaymentRequest,
    idempotency_key: &str,
) -> Reply<PaymentResponse> {
    Call::post(format!("{}/payments", super::accounts::path(number)))
        .json(req)
        .idempotency_key(idempotency_key)
        .authed(session)
}

/// `GET /payments/{id}`: its status and the account's balance now.
pub fn get(session: Session, id: &str) -> Reply<PaymentResponse> {
    Call::get(format!("/payments/{}", escape(id))).authed(session)
}
