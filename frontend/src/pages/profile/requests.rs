//! Profile tab «Мои обращения»: the user's requests of every kind — questions, support
//! requests, data change requests and service orders — newest first, with their status; a
//! request opens to its history: status changes and the contact centre's replies.

use leptos::prelude::*;
use lk_api_types::{RequestEventKind, RequestKind, RequestStatus, RequestSummary};

use crate::api;
use crate::components::contact::ContactButton;
use crate::components::layout::Splash;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn MyRequests() -> impl IntoView {
    let session = expect_context::<Session>();
    let requests = LocalResource::new(move || api::requests::mine(session));
    let i18n = use_i18n();
    view! {
        {move || match requests.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! {
                <div class="alert alert--error" role="alert">{e.message()}</div>
                <button type="button" class="btn btn--secondary" on:click=move |_| requests.refetch()>{t!(i18n, common.retry)}</button>
            }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="card empty">
                    <h2 class="empty__title">{t!(i18n, profile.requests.empty_title)}</h2>
                    <p class="muted">{t!(i18n, profile.requests.empty_text)}</p>
                    <ContactButton kind=RequestKind::Question label=td_string!(lang(), common.ask_question) class="btn btn--primary"/>
                </div>
            }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="requests" data-testid="my-requests">
                    {list.into_iter().map(|r| view! { <RequestCard r=r/> }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

/// The badge's colour for a status.
fn status_class(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::New => "badge badge--new",
        RequestStatus::InProgress => "badge badge--progress",
        RequestStatus::Answered | RequestStatus::Done => "badge badge--done",
        RequestStatus::Rejected => "badge badge--rejected",
    }
}

#[component]
fn RequestCard(r: RequestSummary) -> impl IntoView {
    let open = RwSignal::new(false);
    let number = r.number;
    let history_id = format!("request-{number}-history");
    let controls = history_id.clone();
    let l = lang();
    let facts = [
        (
            td_string!(l, profile.requests.account),
            r.account_number.clone(),
        ),
        (
            td_string!(l, profile.requests.service),
            r.service_name.clone(),
        ),
        (
            td_string!(l, profile.requests.preferred_date),
            r.preferred_date.map(format::date),
        ),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.map(|v| (label, v)))
    .collect::<Vec<_>>();
    let created = r.created_at;
    view! {
        <li class="card requests__item" data-testid="request" data-number=number.to_string()>
            <button
                type="button"
                class="requests__toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls=controls
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="requests__head">
                    <strong class="requests__number">{td_string!(lang(), profile.requests.number, number = number)}</strong>
                    <span class="muted">{format!("{} · {}", format::request_kind(r.kind), format::moscow_date(r.created_at))}</span>
                    <span class=status_class(r.status) data-testid="request-status">{format::request_status(r.status)}</span>
                </span>
                <svg class="icon requests__chevron" class:requests__chevron--open=move || open.get() viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M6 9l6 6 6-6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
                </svg>
            </button>
            {(!facts.is_empty()).then(|| view! {
                <dl class="requests__facts">
                    {facts.into_iter().map(|(label, v)| view! { <div><dt>{label}</dt><dd>{v}</dd></div> }).collect_view()}
                </dl>
            })}
            <p class="requests__text">{r.text}</p>
            <div id=history_id>
                <Show when=move || open.get()>
                    <History number=number created=created/>
                </Show>
            </div>
        </li>
    }
}

/// The request's history, oldest first: when it was sent, then each status change and reply.
#[component]
fn History(number: i64, created: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let session = expect_context::<Session>();
    let detail = LocalResource::new(move || api::requests::detail(session, number));
    let i18n = use_i18n();
    view! {
        <div class="history" data-testid="request-history">
            <h3 class="history__title">{t!(i18n, profile.requests.history)}</h3>
            {move || match detail.get() {
                None => view! { <p class="muted" role="status">{t!(i18n, common.loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                Some(Ok(d)) => view! {
                    <ol class="history__list">
                        <li class="history__item">
                            <span class="history__at">{format::moscow_datetime(created)}</span>
                            <span>{td_string!(lang(), profile.requests.sent, status = format::request_status(RequestStatus::New))}</span>
                        </li>
                        {d.events.into_iter().map(|e| {
                            let at = format::moscow_datetime(e.at);
                            match e.kind {
                                RequestEventKind::Reply => view! {
                                    <li class="history__item history__item--reply">
                                        <span class="history__at">{at}</span>
                                        <span class="history__what">{t!(i18n, profile.requests.reply)}</span>
                                        <p class="history__reply">{e.text.unwrap_or_default()}</p>
                                    </li>
                                }.into_any(),
                                RequestEventKind::Status => view! {
                                    <li class="history__item">
                                        <span class="history__at">{at}</span>
                                        <span>{t!(i18n, profile.requests.status)}<span class=status_class(e.status)>{format::request_status(e.status)}</span></span>
                                    </li>
                                }.into_any(),
                            }
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </div>
    }
}
