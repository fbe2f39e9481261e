//! What every handler can reach.

use std::sync::Arc;

use crate::acquirer::provider::{PaymentProvider, Sandbox};
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
