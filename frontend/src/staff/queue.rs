//! «Обращения»: the contact centre's queue — questions, support requests, data change
//! requests and service orders, newest first; filtered by status and kind, searched by
//! e-mail, account number or request number; «Показать ещё» loads the next page. The filters
//! live in the address (`/staff?status=new&q=…`), so a request's «Все обращения» and the
//! browser's back button return to the same list.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use lk_api_types::{RequestKind, RequestStatus, StaffRequest};

use super::ui::{focus_later, full_name, moscow_time, StatusBadge};
use super::QueueAddress;
use crate::api::staff::QueueFilter;
use crate::api::{self, ApiError};
use crate::components::form::set_title;
use crate::format;
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

#[derive(Clone)]
enum Load {
    Loading,
    Failed(ApiError),
    Ready,
}

/// The first characters of a message, on one line.
fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = line.chars().take(90).collect();
    if line.chars().count() > 90 {
        out.push('…');
    }
    out
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    set_title(td_string!(lang(), staff.queue.title));
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let QueueAddress(back) = expect_context::<QueueAddress>();
    let filter = Memo::new(move |_| {
        query.with(|q| QueueFilter {
            status: q.get("status").and_then(|s| RequestStatus::parse(&s)),
            kind: q.get("kind").and_then(|k| RequestKind::parse(&k)),
            q: q.get("q").unwrap_or_default(),
        })
    });

    let items = RwSignal::new(Vec::<StaffRequest>::new());
    let next = RwSignal::new(None::<i64>);
    let load = RwSignal::new(Load::Loading);
    let more_pending = RwSignal::new(false);
    let more_error = RwSignal::new(None::<ApiError>);
    // Answers to an older filter are dropped.
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let f = filter.get();
        let q = f.query();
        back.set(if q.is_empty() {
            routes::STAFF.to_owned()
        } else {
            format!("{}?{q}", routes::STAFF)
        });
        let gen = generation.get_value().wrapping_add(1);
        generation.set_value(gen);
        load.set(Load::Loading);
        more_error.set(None);
        spawn_local(async move {
            let answer = api::staff::requests(session, &f, None).await;
            if generation.try_get_value() != Some(gen) {
                return;
            }
            match answer {
                Ok(page) => {
                    items.try_set(page.items);
                    next.try_set(page.next_before);
                    load.try_set(Load::Ready);
                }
                Err(e) => {
                    load.try_set(Load::Failed(e));
                }
            }
        });
    });
    let load_more = move |_| {
        let Some(before) = next.get_untracked() else {
            return;
        };
        let gen = generation.get_value();
        let f = filter.get_untracked();
        more_pending.set(true);
        more_error.set(None);
        spawn_local(async move {
            let answer = api::staff::requests(session, &f, Some(before)).await;
            if generation.try_get_value() != Some(gen) {
                return;
            }
            more_pending.try_set(false);
            match answer {
                Ok(page) => {
                    // The first of the new rows takes the focus: the button may be gone.
                    if let Some(first) = page.items.first() {
                        focus_later(format!("request-{}", first.number));
                    }
                    items.try_update(|list| list.extend(page.items));
                    next.try_set(page.next_before);
                }
                Err(e) => {
                    more_error.try_set(Some(e));
                }
            }
        });
    };

    // The filters: the selects apply at once, the search on «Найти».
    let search = RwSignal::new(filter.get_untracked().q);
    Effect::watch(
        move || filter.get().q,
        move |q, _, _| search.set(q.clone()),
        false,
    );
    let go = {
        let navigate = navigate.clone();
        move |f: QueueFilter| {
            let q = f.query();
            let to = if q.is_empty() {
                routes::STAFF.to_owned()
            } else {
                format!("{}?{q}", routes::STAFF)
            };
            navigate(
                &to,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let go = StoredValue::new(go);
    let set_status = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.status = RequestStatus::parse(&event_target_value(&ev));
        f.q = search.get_untracked();
        go.with_value(|go| go(f));
    };
    let set_kind = move |ev: leptos::ev::Event| {
        let mut f = filter.get_untracked();
        f.kind = RequestKind::parse(&event_target_value(&ev));
        f.q = search.get_untracked();
        go.with_value(|go| go(f));
    };
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut f = filter.get_untracked();
        f.q = search.get_untracked();
        go.with_value(|go| go(f));
    };
    let reset = move |_| {
        search.set(String::new());
        go.with_value(|go| go(QueueFilter::default()));
    };
    let status_value = move || filter.get().status.map(|s| s.as_str()).unwrap_or_default();
    let kind_value = move || filter.get().kind.map(|k| k.as_str()).unwrap_or_default();
    let current_status = filter.get_untracked().status;
    let current_kind = filter.get_untracked().kind;

    view! {
        <form class="card staff-filters" role="search" aria-label=move || t_string!(i18n, staff.queue.filters_label) on:submit=on_search>
            <div class="field">
                <label class="field__label" for="queue-status">{t!(i18n, staff.queue.status)}</label>
                <select class="field__input" id="queue-status" prop:value=status_value on:change=set_status>
                    <option value="" selected=current_status.is_none()>{t!(i18n, staff.queue.all_statuses)}</option>
                    {RequestStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=current_status == Some(*s)>{format::request_status(*s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label class="field__label" for="queue-kind">{t!(i18n, staff.queue.kind)}</label>
                <select class="field__input" id="queue-kind" prop:value=kind_value on:change=set_kind>
                    <option value="" selected=current_kind.is_none()>{t!(i18n, staff.queue.all_kinds)}</option>
                    {RequestKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=current_kind == Some(*k)>{format::request_kind(*k)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field staff-filters__search">
                <label class="field__label" for="queue-q">{t!(i18n, staff.queue.search)}</label>
                <div class="staff-filters__row">
                    <input
                        class="field__input"
                        id="queue-q"
                        type="search"
                        name="q"
                        autocomplete="off"
                        placeholder=move || t_string!(i18n, staff.queue.search_hint)
                        bind:value=search
                    />
                    <button class="btn btn--primary" type="submit">{t!(i18n, staff.queue.find)}</button>
                </div>
            </div>
        </form>

        <div class="staff-queue" aria-live="polite" aria-busy=move || matches!(load.get(), Load::Loading).to_string()>
            {move || match load.get() {
                Load::Loading => view! {
                    <div class="staff-loading" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        <span>{t!(i18n, staff.queue.loading)}</span>
                    </div>
                }.into_any(),
                Load::Failed(e) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                Load::Ready if items.with(Vec::is_empty) => view! {
                    <div class="card empty" data-testid="queue-empty">
                        <p class="empty__title">{t!(i18n, staff.queue.empty_title)}</p>
                        {if filter.get_untracked().is_set() {
                            view! {
                                <p class="muted">{t!(i18n, staff.queue.empty_filtered)}</p>
                                <button type="button" class="btn btn--secondary" on:click=reset>{t!(i18n, staff.queue.reset)}</button>
                            }.into_any()
                        } else {
                            view! { <p class="muted">{t!(i18n, staff.queue.empty_none)}</p> }.into_any()
                        }}
                    </div>
                }.into_any(),
                Load::Ready => view! {
                    <div class="card staff-table-card">
                        <table class="table staff-table" data-testid="queue">
                            <caption class="staff-sr">{t!(i18n, staff.queue.caption)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, staff.queue.col_number)}</th>
                                    <th scope="col">{t!(i18n, staff.queue.col_received)}</th>
                                    <th scope="col">{t!(i18n, staff.queue.kind)}</th>
                                    <th scope="col">{t!(i18n, staff.queue.status)}</th>
                                    <th scope="col">{t!(i18n, staff.queue.col_sender)}</th>
                                    <th scope="col">{t!(i18n, staff.email)}</th>
                                    <th scope="col">{t!(i18n, staff.queue.col_account)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                <For each=move || items.get() key=|r| (r.number, r.status, r.updated_at) let:r>
                                    <QueueRow r=r/>
                                </For>
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </div>
        <Show when=move || more_error.get().is_some()>
            <div class="alert alert--error" role="alert">{move || more_error.get().map(|e| e.message())}</div>
        </Show>
        <Show when=move || matches!(load.get(), Load::Ready) && next.get().is_some()>
            <div class="staff-more">
                <button type="button" class="btn btn--secondary" on:click=load_more disabled=move || more_pending.get() aria-busy=move || more_pending.get().to_string()>
                    <Show when=move || more_pending.get()>
                        <span class="spinner spinner--small spinner--dark" aria-hidden="true"></span>
                    </Show>
                    {t!(i18n, staff.queue.more)}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn QueueRow(r: StaffRequest) -> impl IntoView {
    let navigate = use_navigate();
    let href = routes::staff_request(r.number);
    let open = {
        let href = href.clone();
        move |ev: leptos::ev::MouseEvent| {
            // A click anywhere on the row opens it; the number is the link for keyboards.
            let on_link = ev
                .target()
                .and_then(|t| {
                    use wasm_bindgen::JsCast;
                    t.dyn_into::<web_sys::Element>().ok()
                })
                .is_some_and(|el| el.closest("a").ok().flatten().is_some());
            if !on_link {
                navigate(&href, Default::default());
            }
        }
    };
    let sender = full_name(&[
        r.last_name.as_deref(),
        r.first_name.as_deref(),
        r.patronymic.as_deref(),
    ]);
    let l = lang();
    let number = r.number;
    view! {
        <tr class="staff-table__row" on:click=open data-testid="queue-row">
            <td data-label=td_string!(l, staff.queue.col_number)>
                <a class="staff-table__number" id=format!("request-{}", r.number) href=href aria-label=td_string!(l, staff.request.heading, number)>{td_string!(l, staff.queue.row_number, number)}</a>
            </td>
            <td data-label=td_string!(l, staff.queue.col_received) class="staff-table__date">{moscow_time(r.created_at)}</td>
            <td data-label=td_string!(l, staff.queue.kind)>
                <div>
                    <span class="staff-table__kind">{format::request_kind(r.kind)}</span>
                    <span class="staff-table__excerpt">{excerpt(&r.text)}</span>
                </div>
            </td>
            <td data-label=td_string!(l, staff.queue.status)><StatusBadge status=r.status/></td>
            <td data-label=td_string!(l, staff.queue.col_sender)>
                <div>
                    {sender.unwrap_or_else(|| "—".into())}
                    {r.from_subscriber.then(|| view! { <span class="staff-tag" title=td_string!(l, staff.queue.from_lk_title)>{td_string!(l, staff.queue.from_lk)}</span> })}
                </div>
            </td>
            <td data-label=td_string!(l, staff.email) class="staff-table__email">{r.email.clone()}</td>
            <td data-label=td_string!(l, staff.queue.col_account)>{r.account_number.clone().unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}
