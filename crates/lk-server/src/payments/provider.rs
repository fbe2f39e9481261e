//! Payment providers (acquirers) behind one trait, and the built-in sandbox.

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use lk_domain::payment::PaymentStatus;
use serde_json::json;
use sha2::Sha256;

/// A payment as the provider is asked to create it.
#[derive(Debug, Clone)]
pub struct ProviderPaymentRequest {
    pub id: String,
    pub amount_kopecks: i64,
    pub description: String,
    pub idempotence_key: String,
}

/// The provider's answer: its id for the payment and the page where the subscriber pays.
#[derive(Debug, Clone)]
pub struct ProviderPayment {
    pub provider_payment_id: String,
    pub confirmation_url: String,
}

/// A notification the provider sent, after its authenticity was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub provider_payment_id: String,
    pub status: PaymentStatus,
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("signature missing or wrong")]
    BadSignature,
    #[error("malformed notification: {0}")]
    Malformed(String),
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;
    async fn create(&self, req: &ProviderPaymentRequest) -> anyhow::Result<ProviderPayment>;
    /// Checks a notification's authenticity and reads it.
    fn parse_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Notification, NotificationError>;
}

/// The sandbox acquirer: its own card page at `/sandbox/pay/{id}` and HMAC-SHA256-signed
/// notifications, exactly the way a real provider would send them.
pub struct Sandbox {
    secret: Vec<u8>,
    public_url: String,
}

/// Header carrying `sha256=<hex HMAC of the body>`.
pub const SANDBOX_SIGNATURE_HEADER: &str = "x-sandbox-signature";

impl Sandbox {
    pub fn new(secret: &[u8], public_url: &str) -> Self {
        Self {
            secret: secret.to_vec(),
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length.
        Hmac::<Sha256>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
    }

    /// The signature header value for a body.
    pub fn sign(&self, body: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(body);
        let bytes = mac.finalize().into_bytes();
        format!(
            "sha256={}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    }

    /// The notification body for a payment's new status (the shape of YooKassa's).
    pub fn notification_body(
        provider_payment_id: &str,
        status: PaymentStatus,
        amount_kopecks: i64,
    ) -> Vec<u8> {
        json!({
            "type": "notification",
            "event": format!("payment.{}", status.as_str()),
            "object": {
                "id": provider_payment_id,
                "status": status.as_str(),
                "amount": { "value": format!("{}.{:02}", amount_kopecks / 100, amount_kopecks % 100), "currency": "RUB" }
            }
        })
        .to_string()
        .into_bytes()
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[async_trait]
impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    async fn create(&self, req: &ProviderPaymentRequest) -> anyhow::Result<ProviderPayment> {
        Ok(ProviderPayment {
            provider_payment_id: format!("sbx-{}", req.id),
            confirmation_url: format!("{}/sandbox/pay/{}", self.public_url, req.id),
        })
    }

    fn parse_notification(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Notification, NotificationError> {
        let given = signature
            .and_then(|s| s.strip_prefix("sha256="))
            .and_then(from_hex)
            .ok_or(NotificationError::BadSignature)?;
        let mut mac = self.mac();
        mac.update(body);
        // Constant-time comparison.
        mac.verify_slice(&given)
            .map_err(|_| NotificationError::BadSignature)?;
        let v: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| NotificationError::Malformed(e.to_string()))?;
        let id = v["object"]["id"]
            .as_str()
            .ok_or_else(|| NotificationError::Malformed("object.id".into()))?;
        let status = v["object"]["status"]
            .as_str()
            .and_then(PaymentStatus::parse)
            .ok_or_else(|| NotificationError::Malformed("object.status".into()))?;
        Ok(Notification {
            provider_payment_id: id.to_owned(),
            status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_correctly_signed_notifications_are_read() {
        let s = Sandbox::new(b"secret", "http://lk.test");
        let body = Sandbox::notification_body("sbx-1", PaymentStatus::Succeeded, 50_000);
        let sig = s.sign(&body);
        assert_eq!(
            s.parse_notification(Some(&sig), &body).expect("valid"),
            Notification {
                provider_payment_id: "sbx-1".into(),
                status: PaymentStatus::Succeeded
            }
        );
        assert!(matches!(
            s.parse_notification(None, &body),
            Err(NotificationError::BadSignature)
        ));
        assert!(matches!(
            Sandbox::new(b"other", "x").parse_notification(Some(&sig), &body),
            Err(NotificationError::BadSignature)
        ));
        let mut tampered = body.clone();
        tampered[10] ^= 1;
        assert!(matches!(
            s.parse_notification(Some(&sig), &tampered),
            Err(NotificationError::BadSignature)
        ));
        assert!(matches!(
            s.parse_notification(Some("sha256=zz"), &body),
            Err(NotificationError::BadSignature)
        ));
    }
}
