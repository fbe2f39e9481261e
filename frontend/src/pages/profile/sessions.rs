//! «Активные сеансы» (X9): the devices the user is signed in on — browser and system, the
//! sign-in, the last use and the IP address — with «Завершить» for each other device and
//! «Завершить все, кроме этого». The server signs an ended device out at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use lk_api_types::SessionInfo;

use crate::api;
use crate::components::layout::Splash;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// «Chrome 131 · Android 14», or «Неизвестное устройство».
fn device(s: &SessionInfo) -> String {
    let named: Vec<&str> = [s.browser.as_deref(), s.os.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if named.is_empty() {
        td_string!(lang(), profile.sessions.unknown_device).to_owned()
    } else {
        named.join(" · ")
    }
}

#[component]
pub fn ActiveSessions() -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let list = LocalResource::new(move || api::me::sessions(session));
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<&'static str>);
    // The button pressed goes with its row: the focus moves to the heading.
    let heading = NodeRef::<leptos::html::H2>::new();
    // One session by its id, or (None) every one but this.
    let end = move |id: Option<String>| {
        busy.set(true);
        done.set(None);
        spawn_local(async move {
            let (result, message) = match id {
                Some(id) => (
                    api::me::end_session(session, &id).await,
                    td_string!(lang(), profile.sessions.ended_one),
                ),
                None => (
                    api::me::end_other_sessions(session).await,
                    td_string!(lang(), profile.sessions.ended_others),
                ),
            };
            busy.set(false);
            done.set(result.is_ok().then_some(message));
            failure.set(result.err().map(|e| e.message()));
            list.refetch();
            if let Some(h) = heading.get_untracked() {
                let _ = h.focus();
            }
        });
    };
    let row = move |s: SessionInfo| {
        let name = device(&s);
        let facts = [
            td_string!(
                lang(),
                profile.sessions.signed_in,
                at = format::moscow_datetime(s.signed_in_at)
            ),
            td_string!(
                lang(),
                profile.sessions.last_used,
                at = format::moscow_datetime(s.last_used_at)
            ),
            s.ip.clone()
                .map(|ip| format!("IP {ip}"))
                .unwrap_or_default(),
        ];
        let label = td_string!(lang(), profile.sessions.end_named, device = name.clone());
        let id = s.id.clone();
        view! {
            <li class="sessions__item" data-testid="session">
                <div class="sessions__device">
                    <strong>{name}</strong>
                    {s.current.then(|| view! { <span class="badge">{t!(i18n, profile.sessions.this_device)}</span> })}
                    <p class="muted sessions__facts">{facts.into_iter().filter(|f| !f.is_empty()).collect::<Vec<_>>().join(" · ")}</p>
                </div>
                {(!s.current).then(|| view! {
                    <button type="button" class="btn btn--ghost btn--small" aria-label=label
                        disabled=move || busy.get() on:click=move |_| end(Some(id.clone()))>{t!(i18n, profile.sessions.end)}</button>
                })}
            </li>
        }
    };
    view! {
        <div class="card sessions" data-testid="sessions">
            <h2 class="card__title" tabindex="-1" node_ref=heading>{t!(i18n, profile.sessions.title)}</h2>
            <p role="status" class="sessions__done">{move || done.get()}</p>
            {move || match list.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{e.message()}</div>
                    <button type="button" class="btn btn--secondary" on:click=move |_| list.refetch()>{t!(i18n, common.retry)}</button>
                }.into_any(),
                Some(Ok(r)) => {
                    let others = r.sessions.iter().any(|s| !s.current);
                    view! {
                        <ul class="sessions__list">{r.sessions.into_iter().map(row).collect_view()}</ul>
                        {others.then(|| view! {
                            <button type="button" class="btn btn--secondary" disabled=move || busy.get()
                                on:click=move |_| end(None)>{t!(i18n, profile.sessions.end_others)}</button>
                        })}
                    }.into_any()
                }
            }}
            {move || failure.get().map(|m| view! { <div class="alert alert--error" role="alert">{m}</div> })}
        </div>
    }
}
