//! Profile tab «Настройки» (F8.3): the user's preferences, kept on the server — whether the
//! main page shows the help widget «Помощь по кабинету».

use leptos::prelude::*;
use leptos::task::spawn_local;
use lk_api_types::{UpdateSettingsRequest, UserSettings};

use crate::api;
use crate::components::form::SuccessAlert;
use crate::components::layout::Splash;
use crate::session::Session;

#[component]
pub fn Settings() -> impl IntoView {
    let session = expect_context::<Session>();
    let settings = LocalResource::new(move || api::me::settings(session));
    view! {
        <div class="card settings">
            <h2 class="card__title">"Настройки"</h2>
            {move || match settings.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{e.message()}</div>
                    <button type="button" class="btn btn--secondary" on:click=move |_| settings.refetch()>"Повторить"</button>
                }.into_any(),
                Some(Ok(s)) => view! { <HelpSetting initial=s/> }.into_any(),
            }}
        </div>
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
                            "Виджет «Помощь по кабинету» скрыт."
                        } else {
                            "Виджет «Помощь по кабинету» снова показывается на главной странице."
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
                <span>"Показывать виджет «Помощь по кабинету»"</span>
            </label>
            <p class="field__hint settings__hint" id="show-help-hint">
                "Подсказки по работе с личным кабинетом на главной странице. Закрытый виджет можно вернуть здесь."
            </p>
        </div>
        <SuccessAlert message=saved/>
        {move || failure.get().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
    }
}
