//! Profile tab «Настройки» (F8.3): the user's preferences, kept on the server — the language
//! of the interface, and whether the main page shows the help widget «Помощь по кабинету».

use leptos::prelude::*;
use leptos::task::spawn_local;
use lk_api_types::{UpdateSettingsRequest, UserSettings};
use lk_domain::Language;

use crate::api;
use crate::components::form::SuccessAlert;
use crate::components::layout::Splash;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn Settings() -> impl IntoView {
    let session = expect_context::<Session>();
    let settings = LocalResource::new(move || api::me::settings(session));
    let i18n = use_i18n();
    view! {
        <div class="card settings">
            <h2 class="card__title">{t!(i18n, profile.settings.title)}</h2>
            <LanguageSetting/>
            {move || match settings.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{e.message()}</div>
                    <button type="button" class="btn btn--secondary" on:click=move |_| settings.refetch()>{t!(i18n, common.retry)}</button>
                }.into_any(),
                Some(Ok(s)) => view! { <HelpSetting initial=s/> }.into_any(),
            }}
        </div>
    }
}

/// «Язык»: Russian or English, each named in its own language; choosing one saves it on the
/// server and shows the app in it at once.
#[component]
fn LanguageSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let option = move |language: Language, name: &'static str| {
        let checked = move || to_language(i18n.get_locale()) == language;
        view! {
            <label class="check">
                <input
                    type="radio"
                    name="language"
                    value=language.as_str()
                    prop:checked=checked
                    on:change=move |_| choose(i18n, session, language)
                />
                <span lang=language.as_str()>{name}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field settings__language" data-testid="language-setting">
            <legend class="field__label">{t!(i18n, profile.settings.language)}</legend>
            {option(Language::Ru, td_string!(lang(), profile.settings.language_ru))}
            {option(Language::En, td_string!(lang(), profile.settings.language_en))}
        </fieldset>
    }
}

#[component]
fn HelpSetting(initial: UserSettings) -> impl IntoView {
    let session = expect_context::<Session>();
    let show = RwSignal::new(!initial.help_hidden);
    let saving = RwSignal::new(false);
    let saved = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let wanted = event_target_checked(&ev);
        show.set(wanted);
        saving.set(true);
        saved.set(None);
        failure.set(None);
        spawn_local(async move {
            let answer = api::me::save_settings(
                session,
                &UpdateSettingsRequest {
                    help_hidden: Some(!wanted),
                    language: None,
                },
            )
            .await;
            saving.set(false);
            match answer {
                Ok(s) => {
                    show.set(!s.help_hidden);
                    saved.set(Some(
                        if s.help_hidden {
                            td_string!(lang(), profile.settings.help_hidden)
                        } else {
                            td_string!(lang(), profile.settings.help_shown)
                        }
                        .into(),
                    ));
                }
                Err(e) => {
                    show.set(!wanted);
                    failure.set(Some(e.message()));
                }
            }
        });
    };
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label class="check">
                <input
                    type="checkbox"
                    name="show_help"
                    prop:checked=move || show.get()
                    disabled=move || saving.get()
                    aria-describedby="show-help-hint"
                    on:change=on_change
                />
                <span>{t!(i18n, profile.settings.show_help)}</span>
            </label>
            <p class="field__hint settings__hint" id="show-help-hint">
                {t!(i18n, profile.settings.show_help_hint)}
            </p>
        </div>
        <SuccessAlert message=saved/>
        {move || failure.get().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
    }
}
