//! Readings and payment without an account (`/guest/…`).

use lk_api_types::{
    GuestAccountRequest, GuestAccountResponse, GuestPaymentRequest, GuestPaymentResponse,
    GuestReadingRequest, GuestReadingResponse,
};

use super::client::{Call, Reply};
use super::escape;

/// `POST /guest/account`: the masked address, the amount due and the meter's zones.
pub fn account(req: &GuestAccountRequest) -> Reply<GuestAccountResponse> {
    Call::post("/guest/account").json(req).public()
}

/// `POST /guest/readings`: stores a reading; the amount due with it.
pub fn submit_reading(req: &GuestReadingRequest) -> Reply<GuestReadingResponse> {
    Call::post("/guest/readings").json(req).public()
}

/// `POST /guest/payments`: starts a payment; the acquirer's page to pay on.
pub fn pay(req: &GuestPaymentRequest) -> Reply<GuestPaymentResponse> {
    Call::post("/guest/payments").json(req).public()
}

/// `GET /guest/payments/{id}`: the payment's status.
pub fn payment(id: &str) -> Reply<GuestPaymentResponse> {
    Call::get(format!("/guest/payments/{}", escape(id))).public()
}
