//! A house's pages (F9–F11): tabs «Электроэнергия», «Счетчики», «Лицевой счет», and the quick
//! switcher between the user's houses (F9.7).

mod account;
mod electricity;
mod meters;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use lk_api_types::HouseResponse;

use crate::api::{self, ApiError};
use crate::components::form::set_title;
use crate::components::layout::{NotFound, Splash};
use crate::routes;
use crate::session::Session;

/// The tabs, by their path segment.
const TABS: [(&str, &str); 3] = [
    ("electricity", "Электроэнергия"),
    ("meters", "Счетчики"),
    ("account", "Лицевой счет"),
];

#[component]
pub fn HousePage() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let house_id = Memo::new(move |_| {
        params
            .get()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or_default()
    });
    let tab = Memo::new(move |_| {
        params
            .get()
            .get("tab")
            .filter(|t| TABS.iter().any(|(k, _)| k == t))
            .unwrap_or_else(|| "electricity".into())
    });
    // The houses, and today's date from the server for the periods (not the browser's).
    let houses = LocalResource::new(move || async move {
        let (houses, calendar) =
            futures_util::join!(api::houses::list(session), session.calendar());
        Ok::<_, ApiError>((houses?, calendar?.today))
    });

    view! {
        <section class="page">
            {move || match houses.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                Some(Ok((list, today))) => {
                    let id = house_id.get();
                    match list.iter().find(|h| h.id == id).cloned() {
                        None => view! { <NotFound/> }.into_any(),
                        Some(house) => {
                            set_title(&format!("{} — {}", house.name, TABS.iter().find(|(k, _)| *k == tab.get()).map(|t| t.1).unwrap_or_default()));
                            view! { <House house=house all=list tab=tab.get() today=today on_change=Callback::new(move |_| houses.refetch())/> }.into_any()
                        }
                    }
                }
            }}
        </section>
    }
}

#[component]
fn House(
    house: HouseResponse,
    all: Vec<HouseResponse>,
    tab: String,
    /// Today in the company's time zone.
    today: NaiveDate,
    on_change: Callback<()>,
) -> impl IntoView {
    let navigate = use_navigate();
    let current = house.id;
    let tab_for_switch = tab.clone();
    let switch = move |ev: leptos::ev::Event| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            navigate(&routes::house(id, &tab_for_switch), Default::default());
        }
    };
    let with_accounts: Vec<HouseResponse> =
        all.into_iter().filter(|h| h.account.is_some()).collect();
    view! {
        <div class="house-page__top">
            <div>
                <h1 class="page__title house-page__title">{house.name.clone()}</h1>
                <p class="muted house-page__address">{house.address.clone()}</p>
            </div>
            <Show when={
                let n = with_accounts.len();
                move || n > 1
            }>
                <label class="switcher">
                    <span class="switcher__label">"Дом и лицевой счёт"</span>
                    <select class="field__input switcher__select" on:change=switch.clone() data-testid="house-switcher">
                        {with_accounts.iter().map(|h| {
                            let label = format!("{} — ЛС {}", h.name, h.account.as_ref().map(|a| a.number.clone()).unwrap_or_default());
                            view! { <option value=h.id.to_string() selected=h.id == current>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </Show>
        </div>
        <nav class="tabs" aria-label="Разделы дома">
            {TABS.iter().map(|(key, label)| {
                let active = *key == tab;
                view! {
                    <a class="tabs__tab" class:tabs__tab--active=active href=routes::house(current, key) aria-current=if active { Some("page") } else { None }>{*label}</a>
                }
            }).collect_view()}
        </nav>
        {match house.account.clone() {
            None => view! {
                <div class="card empty">
                    <p>"К этому дому не подключён лицевой счёт."</p>
                    <a class="btn btn--primary" href=routes::HOME>"Подключить на главной странице"</a>
                </div>
            }.into_any(),
            Some(a) => match tab.as_str() {
                "meters" => view! { <meters::MetersTab number=a.number today=today/> }.into_any(),
                "account" => view! { <account::AccountTab number=a.number house_id=current on_change=on_change/> }.into_any(),
                _ => view! { <electricity::ElectricityTab account=a today=today/> }.into_any(),
            },
        }}
    }
}
