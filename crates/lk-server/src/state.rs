//! What every handler can reach.

use std::sync::Arc;

use anyhow::Context as _;

use crate::acquirer::provider::{PaymentProvider, Sandbox};
use crate::acquirer::yookassa::YooKassa;
use crate::config::Config;
use crate::db::Store;
use crate::mail::Outbox;
use crate::metrics::Metrics;
use crate::security::device::DeviceKeys;
use crate::security::password::Hasher;
use crate::security::tokens::JwtKeys;
use crate::security::unsubscribe::UnsubscribeKeys;

/// Shared application state (`web::Data<AppState>`).
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// Outgoing mail goes through the outbox.
    pub mail: Outbox,
    pub metrics: Metrics,
    pub jwt: JwtKeys,
    pub device_keys: DeviceKeys,
    /// One-click unsubscribe tokens of reminder mails.
    pub unsubscribe_keys: UnsubscribeKeys,
    pub hasher: Hasher,
    /// The acquirer payments go through.
    pub payments: Arc<dyn PaymentProvider>,
    /// The built-in sandbox acquirer, when it is the configured provider.
    pub sandbox: Option<Arc<Sandbox>>,
    /// How this process reaches itself (the sandbox delivers its notifications here).
    pub internal_url: String,
}

impl AppState {
    /// The state of a node serving on `port`, from a checked configuration: keys derived from
    /// `secret`, the configured acquirer, the hashing pool, the outbox and the metrics.
    pub fn new(
        config: Config,
        store: Arc<dyn Store>,
        secret: &[u8],
        port: u16,
    ) -> anyhow::Result<Self> {
        let (payments, sandbox): (Arc<dyn PaymentProvider>, _) = match config.payments.provider {
            lk_domain::PaymentProvider::Sandbox => {
                let sandbox = Arc::new(
                    Sandbox::new(&config.sandbox_secret()?, &config.public_url)
                        .with_expiry(chrono::Duration::minutes(config.payments.expiry_minutes)),
                );
                (sandbox.clone(), Some(sandbox))
            }
            lk_domain::PaymentProvider::Yookassa => (
                Arc::new(
                    YooKassa::new(&config.payments.yookassa).context("LK_PAYMENTS__YOOKASSA__…")?,
                ),
                None,
            ),
        };
        let metrics = Metrics::new()?;
        Ok(AppState {
            mail: Outbox::new(&config, store.clone(), metrics.clone()),
            metrics: metrics.clone(),
            jwt: JwtKeys::new(secret, config.access_token_ttl_secs),
            device_keys: DeviceKeys::new(secret),
            unsubscribe_keys: UnsubscribeKeys::new(secret),
            hasher: Hasher::new(
                config.max_concurrent_hashes,
                config.hash_queue,
                std::time::Duration::from_millis(config.hash_queue_wait_ms),
                config.hash_nice,
                metrics,
            )?,
            payments,
            sandbox,
            internal_url: format!("http://127.0.0.1:{port}"),
            store,
            config: Arc::new(config),
        })
    }
}
