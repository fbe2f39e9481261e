//! Who is signed in. The access token lives only in memory; a reload restores the session
//! through the refresh cookie.

use leptos::prelude::*;
use lk_api_types::{BrandingResponse, MeResponse, ReadingWindowResponse};

use crate::api::{self, ApiError};

#[derive(Clone, Copy)]
pub struct Session {
    pub token: RwSignal<Option<String>>,
    pub me: RwSignal<Option<MeResponse>>,
    /// The first attempt to restore the session has finished.
    pub checked: RwSignal<bool>,
    pub branding: RwSignal<BrandingResponse>,
}

impl Session {
    pub fn new() -> Self {
        Self {
            token: RwSignal::new(None),
            me: RwSignal::new(None),
            checked: RwSignal::new(false),
            branding: RwSignal::new(BrandingResponse {
                company_name: "ПАО «Тамбовская энергосбытовая компания»".into(),
                company_short_name: "ТЭСК".into(),
                site_url: "https://www.tesk.su/".into(),
                support_email: String::new(),
                support_phone: String::new(),
                // Not known until loaded: pages that need the date load it with their data
                // (`Session::calendar`).
                today: chrono::NaiveDate::default(),
                reading_window: ReadingWindowResponse {
                    open: true,
                    opens_on: None,
                    closes_on: None,
                    message: None,
                },
            }),
        }
    }

    pub fn signed_in(&self) -> bool {
        self.token.get().is_some()
    }

    /// Forgets the session locally (after logout or when the server ended it).
    pub fn end(&self) {
        self.token.set(None);
        self.me.set(None);
    }

    /// Loads the profile of the signed-in user.
    pub async fn load_me(self) {
        if let Ok(me) = api::me::get(self).await {
            self.me.set(Some(me));
        }
    }

    /// Signs in with a fresh access token: loads the profile first, then publishes the token
    /// (which makes guest pages move on), so the header never shows a half-known user.
    pub async fn sign_in(self, access_token: String) {
        if let Ok(me) = api::me::get_with_token(&access_token).await {
            self.me.set(Some(me));
        }
        self.token.set(Some(access_token));
    }

    /// Loads the branding afresh: with it, today's date in the company's time zone and the
    /// reading window, which the SPA never works out from the browser's clock.
    pub async fn calendar(self) -> Result<BrandingResponse, ApiError> {
        let b = api::branding::get().await?;
        self.branding.set(b.clone());
        Ok(b)
    }

    /// On start: restore the session from the cookie, and load the branding.
    pub async fn restore(self) {
        let _ = self.calendar().await;
        if api::auth::refresh(self).await {
            self.load_me().await;
        }
        self.checked.set(true);
    }
}
