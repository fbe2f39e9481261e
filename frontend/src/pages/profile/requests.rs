//! Profile tab «Мои обращения»: the questions and support requests the user sent while signed
//! in, newest first, with their status.

use leptos::prelude::*;
use lk_api_types::{RequestKind, RequestStatus, RequestSummary};

use crate::api;
use crate::components::contact::ContactButton;
use crate::components::layout::Splash;
use crate::format;
use crate::session::Session;

fn kind_label(k: RequestKind) -> &'static str {
    match k {
        RequestKind::Question => "Вопрос",
        RequestKind::Support => "Техническая поддержка",
    }
}

fn status_label(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::New => "Принято",
        RequestStatus::InProgress => "В работе",
        RequestStatus::Done => "Выполнено",
        RequestStatus::Rejected => "Отклонено",
    }
}

#[component]
pub fn MyRequests() -> impl IntoView {
    let session = expect_context::<Session>();
    let requests = LocalResource::new(move || api::requests::mine(session));
    view! {
        {move || match requests.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <div class="card empty">
                    <p>"Обращений пока нет."</p>
                    <ContactButton kind=RequestKind::Question label="Задать вопрос" class="btn btn--primary"/>
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

#[component]
fn RequestCard(r: RequestSummary) -> impl IntoView {
    view! {
        <li class="card requests__item">
            <p class="requests__head">
                <strong>{format!("Обращение № {}", r.number)}</strong>
                <span class="muted">{format!("{} · {}", kind_label(r.kind), format::moscow_date(r.created_at))}</span>
                <span class="badge">{status_label(r.status)}</span>
            </p>
            <p class="requests__text">{r.text}</p>
        </li>
    }
}
