//! What every handler can reach.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::auth::tokens::JwtKeys;
use crate::config::Config;
use crate::db::Store;
use crate::mail::Mailer;

/// Shared application state (`web::Data<AppState>`).
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    pub mailer: Arc<dyn Mailer>,
    pub jwt: JwtKeys,
    pub hasher: Hasher,
}
