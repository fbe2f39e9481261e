//! A house's pages (F9–F11): the frame — name, address, the quick switcher between the user's
//! houses (F9.7), the tabs — and, as nested routes below it, the tabs «Электроэнергия»,
//! «Счетчики», «Лицевой счет», «Услуги», «Оплата», «Контакты» ([`HouseTab`]).

mod account;
mod contacts;
mod electricity;
mod family;
mod meters;
mod payment_methods;
mod services;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_navigate, use_params_map};
use lk_api_types::{AccountSummary, HouseResponse};
use lk_domain::HouseAccess;

use crate::api::{self, ApiError};
use crate::components::form::set_title;
use crate::components::layout::{NotFound, Splash};
use crate::i18n::*;
use crate::routes::{self, HouseTab};
use crate::session::Session;

/// What the frame hands the open tab.
#[derive(Clone)]
struct OpenHouse {
    id: i64,
    account: Option<AccountSummary>,
    /// How the user holds the account: a viewer is offered no readings or payment.
    access: HouseAccess,
    /// Today in the company's time zone.
    today: NaiveDate,
    /// The house's figures changed (a reading was sent): load them again.
    on_change: Callback<()>,
}

/// The tab on show, told by the tab's route to the frame above it.
#[derive(Clone, Copy)]
struct ShownTab(RwSignal<HouseTab>);

/// The route `/houses/{id}`: the frame, with the open tab in its [`Outlet`].
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
    let tab = RwSignal::new(HouseTab::default());
    provide_context(ShownTab(tab));
    // The houses, and today's date from the server for the periods (not the browser's).
    let houses = LocalResource::new(move || async move {
        let (houses, calendar) =
            futures_util::join!(api::houses::list(session), api::sign_in::calendar(session));
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
                        Some(house) => view! { <House house=house all=list today=today on_change=Callback::new(move |_| houses.refetch())/> }.into_any(),
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
    /// Today in the company's time zone.
    today: NaiveDate,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ShownTab(tab) = expect_context::<ShownTab>();
    let navigate = use_navigate();
    let current = house.id;
    let name = house.name.clone();
    Effect::new(move |_| set_title(&format!("{name} — {}", tab.get().label())));
    let switch = move |ev: leptos::ev::Event| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            navigate(&routes::house(id, tab.get_untracked()), Default::default());
        }
    };
    let with_accounts: Vec<HouseResponse> =
        all.into_iter().filter(|h| h.account.is_some()).collect();
    provide_context(OpenHouse {
        id: current,
        account: house.account.clone(),
        access: house.access,
        today,
        on_change,
    });
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
                    <span class="switcher__label">{t!(i18n, house.switcher)}</span>
                    <select class="field__input switcher__select" on:change=switch.clone() data-testid="house-switcher">
                        {with_accounts.iter().map(|h| {
                            let label = td_string!(lang(), house.switcher_option, house = h.name.clone(), account = h.account.as_ref().map(|a| a.number.clone()).unwrap_or_default());
                            view! { <option value=h.id.to_string() selected=h.id == current>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </Show>
        </div>
        <nav class="tabs tabs--grid" aria-label=td_string!(lang(), house.sections)>
            {HouseTab::ALL.into_iter().map(|t| {
                let active = move || tab.get() == t;
                view! {
                    <a class="tabs__tab" class:tabs__tab--active=active href=routes::house(current, t) aria-current=move || active().then_some("page")>{t.label()}</a>
                }
            }).collect_view()}
        </nav>
        <Outlet/>
    }
}

/// The routes `/houses/{id}` and `/houses/{id}/{tab}`: the open tab.
#[component]
pub fn HouseTabPage() -> impl IntoView {
    let params = use_params_map();
    let tab = Memo::new(move |_| {
        params
            .read()
            .get_str("tab")
            .and_then(HouseTab::from_segment)
            .unwrap_or_default()
    });
    let ShownTab(shown) = expect_context::<ShownTab>();
    shown.set(tab.get_untracked());
    Effect::watch(move || tab.get(), move |t, _, _| shown.set(*t), false);
    let OpenHouse {
        id,
        account,
        access,
        today,
        on_change,
    } = expect_context::<OpenHouse>();
    let no_account = || {
        view! {
            <div class="card empty">
                <p>{td_string!(lang(), house.no_account)}</p>
                <a class="btn btn--primary" href=routes::HOME>{td_string!(lang(), house.connect_on_home)}</a>
            </div>
        }
        .into_any()
    };
    (move || match (tab.get(), account.clone()) {
        // How to pay is the same for every account, and for a house without one.
        (HouseTab::Payment, account) => {
            let account = account.filter(|_| access.may_act());
            view! { <payment_methods::PaymentTab account=account/> }.into_any()
        }
        (_, None) => no_account(),
        (HouseTab::Electricity, Some(account)) => {
            view! { <electricity::ElectricityTab account=account today=today acts=access.may_act()/> }.into_any()
        }
        (HouseTab::Meters, Some(account)) => {
            view! { <meters::MetersTab number=account.number today=today/> }.into_any()
        }
        (HouseTab::Account, Some(account)) => view! {
            <account::AccountTab number=account.number house_id=id access=access on_change=on_change/>
        }
        .into_any(),
        (HouseTab::Services, Some(account)) => {
            view! { <services::ServicesTab number=account.number today=today acts=access.may_act()/> }.into_any()
        }
        (HouseTab::Contacts, Some(account)) => {
            view! { <contacts::ContactsTab number=account.number/> }.into_any()
        }
    })
    .into_any()
}
