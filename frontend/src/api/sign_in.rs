//! Filling the [`Session`]: restoring it on start, signing in, and the branding with today's
//! date.

use leptos::prelude::*;
use lk_api_types::BrandingResponse;

use super::ApiError;
use crate::session::Session;

/// Loads the profile of the signed-in user.
pub async fn load_me(session: Session) {
    if let Ok(me) = super::me::get(session).await {
        session.me.set(Some(me));
    }
}

/// Signs in with a fresh access token: loads the profile first, then publishes the token
/// (which makes guest pages move on), so the header never shows a half-known user.
pub async fn sign_in(session: Session, access_token: String) {
    if let Ok(me) = super::me::get_with_token(&access_token).await {
        session.me.set(Some(me));
    }
    session.token.set(Some(access_token));
}

/// Loads the branding afresh: with it, today's date in the company's time zone and the
/// reading window, which the SPA never works out from the browser's clock.
pub async fn calendar(session: Session) -> Result<BrandingResponse, ApiError> {
    let b = super::branding::get().await?;
    session.branding.set(b.clone());
    Ok(b)
}

/// On start: restore the session from the cookie, and load the branding, at the same time.
/// Without the `lk_session` hint (a guest, or a session that ended) there is nothing to
/// restore, and no request is made for it.
pub async fn restore(session: Session) {
    let restore = async {
        if may_have_session() && super::auth::refresh(session).await {
            load_me(session).await;
        }
        session.checked.set(true);
    };
    let (_branding, ()) = futures_util::join!(calendar(session), restore);
}

/// Whether the server left the `lk_session` cookie (it says a session may exist; the refresh
/// token itself is in an HttpOnly cookie the page cannot read).
fn may_have_session() -> bool {
    use wasm_bindgen::JsCast as _;
    document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|d| d.cookie().ok())
        .is_some_and(|c| c.split(';').any(|kv| kv.trim() == "lk_session=1"))
}
