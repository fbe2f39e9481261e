//! Who is signed in. The access token lives only in memory; a reload restores the session
//! through the refresh cookie (see [`crate::api::sign_in`]). This is only the state: the calls
//! that fill it live in the API client, which reads it.

use leptos::prelude::*;
use lk_api_types::{BrandingResponse, MeResponse, ReadingWindowResponse};

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
                // Until loaded, the links lead to the company's site.
                contract_url: String::new(),
                tariffs_url: String::new(),
                shop_url: String::new(),
                logo_url: None,
                // Not known until loaded: pages that need the date load it with their data
                // (`api::sign_in::calendar`).
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

    /// Whether the signed-in user may use the console (an operator or an admin).
    pub fn is_staff(&self) -> bool {
        self.me
            .with(|m| m.as_ref().is_some_and(|m| m.role.is_staff()))
    }

    pub fn signed_in(&self) -> bool {
        self.token.get().is_some()
    }

    /// Forgets the session locally (after logout or when the server ended it).
    pub fn end(&self) {
        self.token.set(None);
        self.me.set(None);
    }
}
