//! Typed client of the LKA API (`/api/v1`): one function per endpoint the SPA calls, grouped by
//! resource as the server groups them. No URL is written anywhere else in the SPA.

mod client;
pub use client::{save, Reply};
mod early;
mod error;
mod idempotency;

pub mod accounts;
pub mod auth;
pub mod branding;
pub mod content;
pub mod family;
pub mod guest;
pub mod houses;
pub mod me;
pub mod meters;
pub mod payments;
pub mod readings;
pub mod receipts;
pub mod requests;
pub mod sign_in;
pub mod staff;

pub use error::ApiError;
pub use idempotency::IdempotencyKeys;

/// `text` as one component of a URL path or query.
fn escape(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}
