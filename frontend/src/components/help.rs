//! «Помощь по кабинету» (F2.3): the tips carousel of the main page — left and right arrows
//! (and the arrow keys), «Свернуть»/«Развернуть», and «Закрыть», which the server remembers
//! for the user until the profile's «Настройки» bring it back.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

/// The widget, unless the user closed it; nothing while it loads or when there are no tips.
#[component]
pub fn HelpWidget() -> impl IntoView {
    let session = expect_context::<Session>();
    let tips = LocalResource::new(move || async move {
        let (settings, content) =
            futures_util::join!(api::me::settings(session), api::content::get());
        let tips: Vec<String> = content?.help_tips.into_iter().map(|t| t.text).collect();
        Ok::<_, ApiError>(if settings?.help_hidden {
            Vec::new()
        } else {
            tips
        })
    });
    // Closed during this visit (and being saved), and what became of it.
    let closed = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let close = Callback::new(move |_| {
        closed.set(true);
        failure.set(None);
        focus_main();
        spawn_local(async move {
            let saved = api::me::save_settings(
                session,
                &lk_api_types::UpdateSettingsRequest {
                    help_hidden: Some(true),
                    language: None,
                },
            )
            .await;
            if let Err(e) = saved {
                closed.set(false);
                failure.set(Some(e.message()));
            }
        });
    });
    let i18n = use_i18n();
    view! {
        {move || match tips.get() {
            Some(Ok(list)) if !list.is_empty() && !closed.get() => {
                view! { <Carousel tips=list on_close=close/> }.into_any()
            }
            Some(Ok(list)) if !list.is_empty() => view! {
                <p class="help-note" role="status">
                    {t!(i18n, dialogs.help.hidden_before)}
                    <a href=routes::PROFILE_SETTINGS>{t!(i18n, dialogs.help.hidden_link)}</a>
                    {t!(i18n, dialogs.help.hidden_after)}
                </p>
            }
            .into_any(),
            _ => ().into_any(),
        }}
        {move || failure.get().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
    }
}

/// The focus leaves a removed widget for the page's main region.
fn focus_main() {
    use wasm_bindgen::JsCast;
    if let Some(main) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("main"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}

#[component]
fn Carousel(tips: Vec<String>, on_close: Callback<()>) -> impl IntoView {
    let count = tips.len();
    let tips = StoredValue::new(tips);
    let index = RwSignal::new(0usize);
    let collapsed = RwSignal::new(false);
    let step = move |forward: bool| {
        index.update(|i| {
            *i = if forward {
                (*i + 1) % count
            } else {
                (*i + count - 1) % count
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "ArrowLeft" if !collapsed.get_untracked() => {
            ev.prevent_default();
            step(false);
        }
        "ArrowRight" if !collapsed.get_untracked() => {
            ev.prevent_default();
            step(true);
        }
        _ => {}
    };
    let i18n = use_i18n();
    view! {
        <section class="help" aria-labelledby="help-title" data-testid="help-widget" on:keydown=on_key>
            <div class="help__head">
                <h2 class="help__title" id="help-title">
                    <span class="help__mark" aria-hidden="true">"?"</span>
                    {t!(i18n, dialogs.help.title)}
                </h2>
                <div class="help__tools">
                    <button
                        type="button"
                        class="help__tool"
                        aria-expanded=move || (!collapsed.get()).to_string()
                        aria-controls="help-body"
                        on:click=move |_| collapsed.update(|c| *c = !*c)
                    >
                        {move || if collapsed.get() { t_string!(i18n, dialogs.help.expand) } else { t_string!(i18n, dialogs.help.collapse) }}
                    </button>
                    <button type="button" class="help__tool help__close" aria-label=move || t_string!(i18n, common.close) title=move || t_string!(i18n, common.close) on:click=move |_| on_close.run(())>
                        <span aria-hidden="true">"×"</span>
                    </button>
                </div>
            </div>
            <div class="help__body" id="help-body" hidden=move || collapsed.get()>
                <p class="help__tip" aria-live="polite" data-testid="help-tip">
                    {move || tips.with_value(|t| t.get(index.get()).cloned().unwrap_or_default())}
                </p>
                <Show when=move || { count > 1 }>
                    <div class="help__nav">
                        <button type="button" class="help__arrow" aria-label=move || t_string!(i18n, dialogs.help.previous) on:click=move |_| step(false)>
                            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>
                        </button>
                        <span class="help__pos" data-testid="help-position">{move || t_string!(i18n, dialogs.help.position, index = index.get() + 1, count = count)}</span>
                        <button type="button" class="help__arrow" aria-label=move || t_string!(i18n, dialogs.help.next) on:click=move |_| step(true)>
                            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/></svg>
                        </button>
                    </div>
                </Show>
            </div>
        </section>
    }
}
