//! A request in the console (`/staff/requests/{number}`): everything the sender gave, its
//! history (who did what, when) and the operator's form: «Ответ» (e-mailed to the sender and
//! shown in their «Мои обращения»), a new status, «Отправить».

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use lk_api_types::{
    ErrorCode, RequestActionBody, RequestEventKind, RequestStatus, StaffRequest, StaffRequestDetail,
};

use super::ui::{full_name, moscow_time, Input, Kind, Select, StatusBadge};
use super::QueueAddress;
use crate::api::{self, ApiError};
use crate::components::form::{set_title, ErrorAlert, Submission, SuccessAlert};
use crate::format;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn RequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let params = use_params_map();
    let QueueAddress(back) = expect_context::<QueueAddress>();
    let number = Memo::new(move |_| {
        params
            .get()
            .get("number")
            .and_then(|n| n.parse::<i64>().ok())
    });
    Effect::new(move |_| {
        if let Some(n) = number.get() {
            set_title(&td_string!(lang(), staff.request.title, number = n));
        }
    });
    let detail = LocalResource::new(move || {
        let n = number.get();
        async move {
            match n {
                Some(n) => api::staff::request(session, n).await,
                None => Err(ApiError::Unexpected(404)),
            }
        }
    });
    view! {
        <p class="staff-back"><a href=move || back.get()>{t!(i18n, staff.request.back)}</a></p>
        {move || match detail.get() {
            None => view! {
                <div class="staff-loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{t!(i18n, staff.request.loading)}</span>
                </div>
            }.into_any(),
            Some(Err(e)) if e.code() == Some(ErrorCode::NotFound) || e == ApiError::Unexpected(404) => view! {
                <div class="card empty">
                    <p class="empty__title">{t!(i18n, staff.request.not_found)}</p>
                    <p class="muted">{t!(i18n, staff.request.check_number)}</p>
                </div>
            }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(d)) => view! { <RequestView detail=d/> }.into_any(),
        }}
    }
}

#[component]
fn RequestView(detail: StaffRequestDetail) -> impl IntoView {
    let detail = RwSignal::new(detail);
    let request = Memo::new(move |_| detail.with(|d| d.request.clone()));
    view! {
        <div class="staff-request">
            <div class="staff-request__main">
                {move || view! { <RequestCard r=request.get()/> }}
                <History detail=detail/>
            </div>
            <div class="staff-request__side">
                <ReplyForm detail=detail/>
            </div>
        </div>
    }
}

#[component]
fn RequestCard(r: StaffRequest) -> impl IntoView {
    let i18n = use_i18n();
    let l = lang();
    let sender = full_name(&[
        r.last_name.as_deref(),
        r.first_name.as_deref(),
        r.patronymic.as_deref(),
    ]);
    let fact = |term: &'static str, value: Option<AnyView>| {
        value.map(|v| {
            view! {
                <dt>{term}</dt>
                <dd>{v}</dd>
            }
        })
    };
    let email = r.email.clone();
    let phone = r.phone.clone().filter(|p| !p.trim().is_empty());
    view! {
        <article class="card staff-request__card" data-testid="staff-request">
            <div class="staff-request__head">
                <h2 class="card__title">{t!(i18n, staff.request.heading, number = r.number)}</h2>
                <StatusBadge status=r.status/>
            </div>
            <dl class="facts staff-facts">
                {fact(td_string!(l, staff.request.kind), Some(view! { {format::request_kind(r.kind)} }.into_any()))}
                {fact(td_string!(l, staff.request.received), Some(view! { {moscow_time(r.created_at)} }.into_any()))}
                {(r.updated_at != r.created_at).then(|| fact(td_string!(l, staff.request.changed), Some(view! { {moscow_time(r.updated_at)} }.into_any())))}
                {fact(td_string!(l, staff.request.sender), Some(view! { {sender.unwrap_or_else(|| td_string!(l, staff.request.sender_unknown).into())} }.into_any()))}
                {fact(td_string!(l, staff.request.email), Some(view! { <a href=format!("mailto:{email}")>{email.clone()}</a> }.into_any()))}
                {fact(td_string!(l, staff.request.phone), phone.map(|p| view! { <a href=format!("tel:{}", p.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>())>{p.clone()}</a> }.into_any()))}
                {fact(td_string!(l, staff.request.account), r.account_number.clone().map(|a| view! { {a} }.into_any()))}
                {fact(td_string!(l, staff.request.service), r.service_name.clone().map(|s| view! { {s} }.into_any()))}
                {fact(td_string!(l, staff.request.preferred_date), r.preferred_date.map(|d| view! { {crate::format::date(d)} }.into_any()))}
                {fact(td_string!(l, staff.request.source), Some(view! { {if r.from_subscriber { td_string!(l, staff.request.from_lk) } else { td_string!(l, staff.request.not_from_lk) }} }.into_any()))}
            </dl>
            <h3 class="staff-request__subtitle">{t!(i18n, staff.request.text)}</h3>
            <p class="staff-request__text">{r.text.clone()}</p>
        </article>
    }
}

#[component]
fn History(detail: RwSignal<StaffRequestDetail>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card staff-history" aria-labelledby="staff-history-title">
            <h2 class="card__title" id="staff-history-title">{t!(i18n, staff.request.history)}</h2>
            <ol class="staff-history__list" data-testid="staff-history">
                {move || {
                    let l = lang();
                    let d = detail.get();
                    let r = &d.request;
                    let sender = full_name(&[r.last_name.as_deref(), r.first_name.as_deref()])
                        .map(|n| format!("{n}, {}", r.email))
                        .unwrap_or_else(|| r.email.clone());
                    let first = view! {
                        <li class="staff-history__item">
                            <p class="staff-history__meta">
                                <time datetime=r.created_at.to_rfc3339()>{moscow_time(r.created_at)}</time>
                                " · "{sender}
                            </p>
                            <p class="staff-history__what">{td_string!(l, staff.request.history_received)}</p>
                        </li>
                    };
                    let email = r.email.clone();
                    let events = d.events.clone().into_iter().map(move |e| {
                        let status = format::request_status(e.status);
                        let what = match e.kind {
                            RequestEventKind::Reply => td_string!(l, staff.request.history_reply, email = email.clone(), status),
                            RequestEventKind::Status => td_string!(l, staff.request.history_status, status),
                        };
                        let reply = e.text.clone().filter(|_| e.kind == RequestEventKind::Reply);
                        view! {
                            <li class="staff-history__item" class:staff-history__item--reply=e.kind == RequestEventKind::Reply>
                                <p class="staff-history__meta">
                                    <time datetime=e.at.to_rfc3339()>{moscow_time(e.at)}</time>
                                    " · "{e.actor.clone().unwrap_or_else(|| td_string!(l, staff.request.contact_centre).into())}
                                </p>
                                <p class="staff-history__what">{what}</p>
                                {reply.map(|t| view! { <blockquote class="staff-history__reply">{t}</blockquote> })}
                            </li>
                        }
                    }).collect_view();
                    view! { {first}{events} }
                }}
            </ol>
        </section>
    }
}

#[component]
fn ReplyForm(detail: RwSignal<StaffRequestDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let reply = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let current = Memo::new(move |_| detail.with(|d| d.request.status));
    let number = detail.with_untracked(|d| d.request.number);
    let email = detail.with_untracked(|d| d.request.email.clone());
    let hint = td_string!(lang(), staff.request.reply_hint, email = email.clone());
    let send = Submission::new(
        move |body: RequestActionBody| async move { api::staff::act(session, number, &body).await },
        move |d: StaffRequestDetail| {
            let replied = !reply.get_untracked().trim().is_empty();
            let now = d.request.status;
            detail.set(d);
            reply.set(String::new());
            status.set(String::new());
            let status = format::request_status(now);
            done.set(Some(if replied {
                td_string!(lang(), staff.request.replied, email = email.clone(), status)
            } else {
                td_string!(lang(), staff.request.status_changed, status)
            }));
        },
    );
    let error = send.error();
    let on_submit = send.on_submit(move || {
        let text = reply.get_untracked();
        let text = Some(text).filter(|t| !t.trim().is_empty());
        let new_status = RequestStatus::parse(&status.get_untracked());
        if text.is_none() && new_status.is_none() {
            return Err(ApiError::invalid_field(
                "reply",
                td_string!(lang(), staff.request.reply_or_status),
            ));
        }
        done.set(None);
        Ok(RequestActionBody {
            reply: text,
            status: new_status,
        })
    });
    // Statuses the request may move to now.
    let options = Signal::derive(move || {
        let from = current.get();
        let mut list = vec![(
            String::new(),
            td_string!(lang(), staff.request.keep_status).to_owned(),
        )];
        list.extend(
            RequestStatus::ALL
                .iter()
                .filter(|s| from.can_move_to(**s))
                .map(|s| (s.as_str().to_owned(), format::request_status(*s).to_owned())),
        );
        list
    });
    let status_hint = move || {
        if current.get().is_closed() {
            td_string!(lang(), staff.request.closed_hint)
        } else {
            td_string!(lang(), staff.request.open_hint)
        }
    };
    view! {
        <section class="card staff-reply" aria-labelledby="staff-reply-title">
            <h2 class="card__title" id="staff-reply-title">{t!(i18n, staff.request.reply_title)}</h2>
            <form class="form" on:submit=on_submit novalidate>
                <SuccessAlert message=done/>
                <ErrorAlert error=error/>
                <Input
                    label=td_string!(lang(), staff.request.reply)
                    name="reply"
                    value=reply
                    error=error
                    kind=Kind::Area(7)
                    hint=hint
                />
                {move || view! {
                    <Select label=td_string!(lang(), staff.queue.status) value=status options=options hint=status_hint() testid="reply-status"/>
                }}
                <div class="form__actions">
                    <button class="btn btn--primary btn--block" type="submit" disabled=move || send.pending().get() aria-busy=move || send.pending().get().to_string()>
                        <Show when=move || send.pending().get()>
                            <span class="spinner spinner--small" aria-hidden="true"></span>
                        </Show>
                        {t!(i18n, staff.request.send)}
                    </button>
                </div>
            </form>
        </section>
    }
}
