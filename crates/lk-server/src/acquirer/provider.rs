//! Payment providers (acquirers) behind one trait, and the built-in sandbox.

use actix_web::http::header::HeaderMap;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
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
    /// Where the provider sends the subscriber back.
    pub return_url: String,
}

/// The provider's answer: its id for the payment and the page where the subscriber pays.
#[derive(Debug, Clone)]
pub struct ProviderPayment {
    pub provider_payment_id: String,
    pub confirmation_url: String,
}

/// What the provider says of a payment, once it is known to come from the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub provider_payment_id: String,
    pub status: PaymentStatus,
    /// The amount the provider holds, when it says; a payment is credited only when it is the
    /// amount the subscriber asked to pay.
    pub amount_kopecks: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("signature missing or wrong")]
    BadSignature,
    /// The field at fault (`object.status`, or `body` when it is not JSON) — never its value.
    #[error("malformed notification: {0}")]
    Malformed(String),
}

/// A payment as the provider knows it.
#[derive(Debug, Clone, Copy)]
pub struct AtProvider<'a> {
    pub provider_payment_id: &'a str,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// Which acquirer this is (its payments are stored under this name).
    fn name(&self) -> lk_domain::PaymentProvider;
    async fn create(&self, req: &ProviderPaymentRequest) -> anyhow::Result<ProviderPayment>;
    /// Reads a notification. Signed notifications (the sandbox) are checked here; unsigned
    /// ones (YooKassa) are only a claim until [`PaymentProvider::status`] confirms them.
    fn read_notification(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Notification, NotificationError>;
    /// Whether a notification must be confirmed by asking the provider for the payment.
    fn notifications_need_confirmation(&self) -> bool;
    /// The payment's status at the provider now (confirming a notification, the re-check of
    /// payments left pending).
    async fn status(&self, payment: AtProvider<'_>) -> anyhow::Result<Notification>;
}

/// `"500.00"` → 50 000 kopecks.
pub fn kopecks_of(value: &str) -> Option<i64> {
    let d: rust_decimal::Decimal = value.parse().ok()?;
    lk_domain::Kopecks::from_rubles(d).ok().map(|k| k.0)
}

/// The sandbox acquirer: its own card page at `/sandbox/pay/{id}` and HMAC-SHA256-signed
/// notifications, exactly the way a real provider would send them.
pub struct Sandbox {
    secret: Vec<u8>,
    public_url: String,
    expiry: Duration,
}

/// Header carrying `sha256=<hex HMAC of the body>`.
pub const SANDBOX_SIGNATURE_HEADER: &str = "x-sandbox-signature";

impl Sandbox {
    pub fn new(secret: &[u8], public_url: &str) -> Self {
        Self {
            secret: secret.to_vec(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            expiry: Duration::hours(1),
        }
    }

    /// How long a payment nobody completed stays pending before the sandbox cancels it.
    pub fn with_expiry(mut self, expiry: Duration) -> Self {
        self.expiry = expiry;
        self
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
                "amount": { "value": lk_domain::Kopecks(amount_kopecks).to_string(), "currency": "RUB" }
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
    fn name(&self) -> lk_domain::PaymentProvider {
        lk_domain::PaymentProvider::Sandbox
    }

    async fn create(&self, req: &ProviderPaymentRequest) -> anyhow::Result<ProviderPayment> {
        Ok(ProviderPayment {
            provider_payment_id: format!("sbx-{}", req.id),
            confirmation_url: format!("{}/sandbox/pay/{}", self.public_url, req.id),
        })
    }

    fn read_notification(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Notification, NotificationError> {
        let signature = headers
            .get(SANDBOX_SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok());
        self.parse_notification(signature, body)
    }

    fn notifications_need_confirmation(&self) -> bool {
        false
    }

    async fn status(&self, payment: AtProvider<'_>) -> anyhow::Result<Notification> {
        // The sandbox keeps no state of its own: a payment is decided on its card page, and one
        // left there too long expires the way a real acquirer's would.
        let expired = Utc::now() - payment.created_at > self.expiry;
        Ok(Notification {
            provider_payment_id: payment.provider_payment_id.to_owned(),
            status: if expired {
                PaymentStatus::Canceled
            } else {
                PaymentStatus::Pending
            },
            amount_kopecks: None,
        })
    }
}

impl Sandbox {
    /// Checks the signature (in constant time) and reads the notification.
    pub fn parse_notification(
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
            .map_err(|_| NotificationError::Malformed("body".into()))?;
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
            amount_kopecks: v["object"]["amount"]["value"].as_str().and_then(kopecks_of),
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
                status: PaymentStatus::Succeeded,
                amount_kopecks: Some(50_000),
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

    #[actix_web::test]
    async fn an_abandoned_sandbox_payment_expires() {
        let s = Sandbox::new(b"secret", "http://lk.test").with_expiry(Duration::minutes(60));
        let at = |minutes_ago| AtProvider {
            provider_payment_id: "sbx-1",
            created_at: Utc::now() - Duration::minutes(minutes_ago),
        };
        assert_eq!(
            s.status(at(5)).await.expect("status").status,
            PaymentStatus::Pending
        );
        assert_eq!(
            s.status(at(61)).await.expect("status").status,
            PaymentStatus::Canceled
        );
    }
}
