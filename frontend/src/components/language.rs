//! The choice of language: the header's switch and «Настройки» show the app in the other
//! language at once and remember it (see [`choose`]). The catalogue itself is
//! [`crate::i18n`], which knows nothing of the API.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use lk_domain::Language;

use crate::i18n::*;
use crate::session::Session;

/// Shows the app in `language`, and remembers it: in the `lk_lang` cookie, and for a signed-in
/// user on the server (so every device, every e-mail and every receipt follows).
pub fn choose(i18n: I18nContext<Locale>, session: Session, language: Language) {
    if session.token.get_untracked().is_some() {
        session.me.update(|m| {
            if let Some(m) = m {
                m.language = language;
            }
        });
        spawn_local(async move {
            let _ = crate::api::me::save_settings(
                session,
                &lk_api_types::UpdateSettingsRequest {
                    language: Some(language),
                    help_hidden: None,
                },
            )
            .await;
        });
    }
    i18n.set_locale(to_locale(language));
}

/// The header's switch: «English» in Russian, «Русский» in English (each in its own language).
#[component]
pub fn LanguageSwitch(#[prop(optional)] class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let other = move || match i18n.get_locale() {
        Locale::ru => Language::En,
        Locale::en => Language::Ru,
    };
    let choose_other = move |_| choose(i18n, session, other());
    view! {
        <button
            type="button"
            class=format!("lang-switch {class}")
            lang=move || other().as_str()
            data-testid="language-switch"
            on:click=choose_other
        >
            {t!(i18n, core.language_switch)}
        </button>
    }
}
