//! `Idempotency-Key`s for requests that create something (a reading, a payment). A request
//! that got no answer may have been done all the same; sent again unchanged, it carries the
//! same key, so the server does it at most once and answers the retry as it answered the first
//! (the server keeps keys per user). Any other request gets a new key.

use lk_api_types::ErrorCode;
use serde::Serialize;

use super::ApiError;

/// The key of the submission in doubt, if any, with the body it was sent with.
#[derive(Debug, Default)]
pub struct IdempotencyKeys {
    in_doubt: Option<(serde_json::Value, String)>,
}

impl IdempotencyKeys {
    /// The key to send `body` with: the key of the same body still in doubt, or a new one.
    pub fn key_for(&mut self, body: &impl Serialize) -> String {
        let body = serde_json::to_value(body).unwrap_or_default();
        match &self.in_doubt {
            Some((sent, key)) if *sent == body => key.clone(),
            _ => {
                let key = new_key();
                self.in_doubt = Some((body, key.clone()));
                key
            }
        }
    }

    /// Keeps the key only while the outcome is unknown: no answer came, or the first request
    /// with the key is still running on the server.
    pub fn settle<T>(&mut self, outcome: &Result<T, ApiError>) {
        let in_doubt = match outcome {
            Err(ApiError::Network) => true,
            Err(e) => e.code() == Some(ErrorCode::IdempotencyKeyInUse),
            Ok(_) => false,
        };
        if !in_doubt {
            self.in_doubt = None;
        }
    }
}

/// 128 random bits as 32 hex digits, from `crypto.getRandomValues` (`Math.random` where the
/// browser has no Web Crypto).
fn new_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
