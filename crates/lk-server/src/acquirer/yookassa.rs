//! The YooKassa acquirer (API v3, <https://yookassa.ru/developers/api>): a payment is created
//! with an `Idempotence-Key` and a redirect confirmation; notifications are not signed, so a
//! notification is only a hint — the payment is read back from the API (HTTP Basic auth with
//! the shop id and secret key) and its status there is what counts.

use std::time::Duration;

use actix_web::http::header::HeaderMap;
use anyhow::Context;
use async_trait::async_trait;
use lk_domain::payment::PaymentStatus;
use serde::Deserialize;
use serde_json::json;

use crate::acquirer::provider::{
    kopecks_of, AtProvider, Notification, NotificationError, PaymentProvider, ProviderPayment,
    ProviderPaymentRequest,
};
use crate::config::YooKassaConfig;

pub struct YooKassa {
    config: YooKassaConfig,
    http: reqwest::Client,
}

#[derive(Debug, Deserialize)]
struct Amount {
    value: String,
}

#[derive(Debug, Deserialize)]
struct Confirmation {
    confirmation_url: Option<String>,
}

/// The parts of YooKassa's payment object the portal reads.
#[derive(Debug, Deserialize)]
struct Payment {
    id: String,
    status: String,
    amount: Amount,
    confirmation: Option<Confirmation>,
}

#[derive(Debug, Deserialize)]
struct NotificationBody {
    event: String,
    object: Payment,
}

/// YooKassa's payment ids: letters, digits and dashes (they go into a URL path).
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// YooKassa's statuses: `waiting_for_capture` does not occur with `capture: true` and is
/// treated as still pending.
fn status_of(s: &str) -> Option<PaymentStatus> {
    Some(match s {
        "pending" | "waiting_for_capture" => PaymentStatus::Pending,
        "succeeded" => PaymentStatus::Succeeded,
        "canceled" => PaymentStatus::Canceled,
        _ => return None,
    })
}

impl YooKassa {
    pub fn new(config: &YooKassaConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !config.shop_id.is_empty() && !config.secret_key.is_empty(),
            "the yookassa provider needs LK_PAYMENTS__YOOKASSA__SHOP_ID and …__SECRET_KEY"
        );
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self {
            config: config.clone(),
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_url.trim_end_matches('/'))
    }

    fn authed(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        req.basic_auth(&self.config.shop_id, Some(&self.config.secret_key))
    }

    async fn read(resp: reqwest::Response) -> anyhow::Result<Payment> {
        let status = resp.status();
        if !status.is_success() {
            // YooKassa's error bodies name the problem but never carry the key.
            let body = resp.text().await.unwrap_or_default();
            anyhow::bail!(
                "YooKassa answered {status}: {}",
                body.chars().take(300).collect::<String>()
            );
        }
        resp.json::<Payment>()
            .await
            .context("YooKassa's payment object")
    }

    async fn fetch(&self, id: &str) -> anyhow::Result<Payment> {
        anyhow::ensure!(valid_id(id), "not a YooKassa payment id");
        let resp = self
            .authed(self.http.get(self.url(&format!("/payments/{id}"))))
            .send()
            .await
            .context("YooKassa is unreachable")?;
        Self::read(resp).await
    }

    fn notification(p: Payment) -> anyhow::Result<Notification> {
        Ok(Notification {
            status: status_of(&p.status)
                .with_context(|| format!("unknown YooKassa status {}", p.status))?,
            amount_kopecks: kopecks_of(&p.amount.value),
            provider_payment_id: p.id,
        })
    }
}

#[async_trait]
impl PaymentProvider for YooKassa {
    fn name(&self) -> lk_domain::PaymentProvider {
        lk_domain::PaymentProvider::Yookassa
    }

    async fn create(&self, req: &ProviderPaymentRequest) -> anyhow::Result<ProviderPayment> {
        let body = json!({
            "amount": { "value": lk_domain::Kopecks(req.amount_kopecks).to_string(), "currency": "RUB" },
            "capture": true,
            "confirmation": { "type": "redirect", "return_url": req.return_url },
            "description": req.description.chars().take(128).collect::<String>(),
            "metadata": { "payment_id": req.id },
        });
        let resp = self
            .authed(self.http.post(self.url("/payments")))
            .header("Idempotence-Key", &req.idempotence_key)
            .json(&body)
            .send()
            .await
            .context("YooKassa is unreachable")?;
        let p = Self::read(resp).await?;
        let confirmation_url = p
            .confirmation
            .and_then(|c| c.confirmation_url)
            .context("YooKassa gave no confirmation_url")?;
        anyhow::ensure!(
            kopecks_of(&p.amount.value) == Some(req.amount_kopecks),
            "YooKassa created the payment for another amount"
        );
        Ok(ProviderPayment {
            provider_payment_id: p.id,
            confirmation_url,
        })
    }

    fn read_notification(
        &self,
        _headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Notification, NotificationError> {
        let n: NotificationBody =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body))
                .map_err(|e| {
                    let field = e.path().to_string();
                    NotificationError::Malformed(if field == "." { "body".into() } else { field })
                })?;
        if !n.event.starts_with("payment.") {
            return Err(NotificationError::Malformed("event".into()));
        }
        if !valid_id(&n.object.id) {
            return Err(NotificationError::Malformed("object.id".into()));
        }
        Self::notification(n.object)
            .map_err(|_| NotificationError::Malformed("object.status".into()))
    }

    /// Anyone can post a notification: only YooKassa's own answer counts.
    fn notifications_need_confirmation(&self) -> bool {
        true
    }

    async fn status(&self, payment: AtProvider<'_>) -> anyhow::Result<Notification> {
        Self::notification(self.fetch(payment.provider_payment_id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yookassa_statuses_map_onto_the_payment_life() {
        assert_eq!(status_of("pending"), Some(PaymentStatus::Pending));
        assert_eq!(
            status_of("waiting_for_capture"),
            Some(PaymentStatus::Pending)
        );
        assert_eq!(status_of("succeeded"), Some(PaymentStatus::Succeeded));
        assert_eq!(status_of("canceled"), Some(PaymentStatus::Canceled));
        assert_eq!(status_of("refunded"), None);
    }

    #[test]
    fn it_refuses_to_start_without_credentials() {
        assert!(YooKassa::new(&YooKassaConfig::default()).is_err());
    }
}
