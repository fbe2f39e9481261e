//! «Управление лицевыми счетами» — the main page (F1.6, F3, F4, F5): the user's houses with
//! their account summaries, adding a house, the add-account wizard, and the help widget
//! «Помощь по кабинету» (F2.3).

use leptos::prelude::*;
use lk_api_types::{CreateHouseRequest, HouseResponse, NextSteps};
use rust_decimal::Decimal;

use crate::api;
use crate::components::add_account::AddAccount;
use crate::components::form::{set_title, ErrorAlert, Field, Submission, Submit};
use crate::components::help::HelpWidget;
use crate::components::icons::HouseIllustration;
use crate::components::layout::Splash;
use crate::components::modal::Modal;
use crate::components::payment_wizard::PayButton;
use crate::components::reading_wizard::ReadingWizard;
use crate::format;
use crate::i18n::*;
use crate::routes::{self, HouseTab};
use crate::session::Session;

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    AddHouse,
    AddAccount(i64),
    Reading(String, i64),
}

/// The kinds of answer the list of houses can be in.
#[derive(Clone, PartialEq)]
enum ListState {
    Loading,
    Failed(String),
    Empty,
    Houses,
}

#[component]
pub fn Home() -> impl IntoView {
    set_title(td_string!(lang(), home.title));
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let houses = LocalResource::new(move || api::houses::list(session));
    // What the page shows changes only with the kind of answer, not with every fetch.
    let state = Memo::new(move |_| match houses.get() {
        None => ListState::Loading,
        Some(Err(e)) => ListState::Failed(e.message()),
        Some(Ok(list)) if list.is_empty() => ListState::Empty,
        Some(Ok(_)) => ListState::Houses,
    });
    // Once the page has shown, the dialogs' code is fetched while the subscriber reads.
    Effect::new(move |preloaded: Option<bool>| {
        if preloaded == Some(true) || state.get() == ListState::Loading {
            return preloaded.unwrap_or(false);
        }
        leptos::task::spawn_local(crate::components::reading_wizard::preload_dialogs());
        true
    });
    let dialog = RwSignal::new(Dialog::None);
    let close = Callback::new(move |_| {
        dialog.set(Dialog::None);
        houses.refetch();
    });
    let greeting = move || {
        session
            .me
            .get()
            .and_then(|m| {
                m.first_name.clone().map(|f| match m.patronymic.clone() {
                    Some(p) => format!("{f} {p}"),
                    None => f,
                })
            })
            .map(|n| td_string!(lang(), home.greeting_named, name = n))
            .unwrap_or_else(|| td_string!(lang(), home.greeting).to_owned())
    };

    view! {
        <section class="page">
            <p class="page__kicker">{greeting}</p>
            <div class="page__head">
                <h1 class="page__title">{t!(i18n, home.title)}</h1>
                <Show when=move || houses.get().is_some_and(|r| r.is_ok_and(|l| !l.is_empty()))>
                    <button type="button" class="btn btn--secondary" on:click=move |_| dialog.set(Dialog::AddHouse)>{t!(i18n, home.add_house_more)}</button>
                </Show>
            </div>
            <HelpWidget/>
            {move || {
                // The page replaces index.html's first screen in the same step it shows.
                if state.get() != ListState::Loading {
                    crate::first_screen::leave();
                }
                match state.get() {
                    ListState::Loading => view! { <Splash/> }.into_any(),
                    ListState::Failed(message) => view! {
                        <div class="alert alert--error" role="alert">{message}</div>
                        <button type="button" class="btn btn--secondary" on:click=move |_| houses.refetch()>{t!(i18n, home.retry)}</button>
                    }.into_any(),
                    ListState::Empty => view! {
                        <div class="card empty">
                            <HouseIllustration/>
                            <h2 class="empty__title">{t!(i18n, home.empty.title)}</h2>
                            <p class="muted">{t!(i18n, home.empty.text)}</p>
                            <button type="button" class="btn btn--primary" on:click=move |_| dialog.set(Dialog::AddHouse)>{t!(i18n, home.empty.add_house)}</button>
                        </div>
                    }.into_any(),
                    // Keyed by what a card shows: after a dialog closes and the list is fetched
                    // again, the cards that did not change stay as they are (with the focus in them).
                    ListState::Houses => view! {
                        <div class="houses">
                            <For
                                each=move || houses.get().and_then(Result::ok).unwrap_or_default()
                                key=|h| format!("{h:?}")
                                children=move |h| view! { <HouseCard house=h dialog=dialog/> }
                            />
                        </div>
                    }.into_any(),
                }
            }}
            {move || match dialog.get() {
                Dialog::None => ().into_any(),
                Dialog::AddHouse => view! { <AddHouse on_close=close/> }.into_any(),
                Dialog::AddAccount(id) => view! { <AddAccount house_id=id on_close=close/> }.into_any(),
                Dialog::Reading(number, house) => view! {
                    <ReadingWizard account_number=number history_href=routes::house(house, HouseTab::Meters) on_close=close/>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn HouseCard(house: HouseResponse, dialog: RwSignal<Dialog>) -> impl IntoView {
    let i18n = use_i18n();
    let id = house.id;
    let account = house.account.clone();
    view! {
        <article class="card house" data-testid="house-card">
            <header class="house__head">
                <div>
                    <h2 class="house__name">{house.name.clone()}</h2>
                    <p class="house__address muted">{house.address.clone()}</p>
                </div>
            </header>
            {match account {
                None => view! {
                    <div class="house__empty">
                        <p class="muted">{t!(i18n, home.card.no_account)}</p>
                        <button type="button" class="btn btn--primary" on:click=move |_| dialog.set(Dialog::AddAccount(id))>{t!(i18n, home.card.add_account)}</button>
                    </div>
                }.into_any(),
                Some(a) => {
                    let (label, amount, class) = format::balance(a.balance);
                    let number = a.number.clone();
                    view! {
                        <dl class="house__facts">
                            <div><dt>{t!(i18n, home.card.account)}</dt><dd data-testid="account-number">{a.number.clone()}</dd></div>
                            <div>
                                <dt>{t!(i18n, home.card.last_reading)}</dt>
                                <dd data-testid="last-reading">
                                    {match a.last_readings.first().cloned() {
                                        None => view! { <span class="muted">{t!(i18n, home.card.no_data)}</span> }.into_any(),
                                        Some(r) => view! {
                                            <span class="readings">
                                                {r.values.iter().map(|v| view! {
                                                    <span class="reading"><span class="reading__zone">{format::zone(&v.zone)}</span>" "<strong>{v.value}</strong></span>
                                                }).collect_view()}
                                            </span>
                                            <span class="muted">" "{td_string!(lang(), home.card.taken_on, date = format::date(r.taken_on))}</span>
                                        }.into_any(),
                                    }}
                                </dd>
                            </div>
                            <div><dt>{label}</dt><dd class=format!("balance {class}") data-testid="balance">{amount}</dd></div>
                            <div><dt>{t!(i18n, home.card.amount_due)}</dt><dd class="house__due" data-testid="amount-due">{format::rubles(a.amount_due)}</dd></div>
                        </dl>
                        {house.access.may_act().then(|| view! {
                            <div class="house__actions">
                                <button type="button" class="btn btn--primary" on:click=move |_| dialog.set(Dialog::Reading(number.clone(), id))>{t!(i18n, home.card.submit_readings)}</button>
                                <PayButton number=a.number.clone() due=a.amount_due/>
                            </div>
                        })}
                        <NextStepsList steps=a.next_steps.clone() house_id=id/>
                        <nav class="house-links" aria-label=td_string!(lang(), home.card.house_pages, name = house.name.clone())>
                            <ul class="house-links__list">
                                {HouseTab::ALL.into_iter().map(|tab| view! {
                                    <li><a class="house-links__link" href=routes::house(id, tab)>{tab.label()}</a></li>
                                }).collect_view()}
                            </ul>
                        </nav>
                    }.into_any()
                }
            }}
        </article>
    }
}

/// «Октябрь 2026» — a month's name to start a sentence with.
fn month_title(month: chrono::NaiveDate) -> String {
    let name = format::month_year(month);
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or(name)
}

/// «+8,7 %», «−3,2 %» or «без изменений».
fn change(percent: Decimal) -> String {
    let text = format::percent(percent.abs().normalize());
    if percent > Decimal::ZERO {
        format!("+{text}")
    } else if percent < Decimal::ZERO {
        format!("\u{2212}{text}")
    } else {
        td_string!(lang(), home.next.no_change).to_owned()
    }
}

/// What the subscriber is to do next about the house's account, as the server decided it for
/// today (Moscow): readings, payment and the consumption against last year.
#[component]
fn NextStepsList(steps: NextSteps, house_id: i64) -> impl IntoView {
    let r = steps.readings;
    let readings = match (r.open, r.until, r.opens_on, r.closes_on) {
        (true, Some(until), _, _) => {
            td_string!(lang(), home.next.readings_until, date = format::date(until))
        }
        (true, None, _, _) => td_string!(lang(), home.next.readings_any_day).to_owned(),
        (false, _, Some(opens), Some(closes)) => td_string!(
            lang(),
            home.next.readings_window,
            first = format::date(opens),
            last = format::date(closes)
        ),
        (false, ..) => td_string!(lang(), home.next.readings_closed).to_owned(),
    };
    let p = steps.payment;
    let (payment, overdue) = if p.amount_due <= Decimal::ZERO {
        (
            td_string!(lang(), home.next.nothing_to_pay).to_owned(),
            false,
        )
    } else {
        let amount = format::rubles(p.amount_due);
        match p.pay_by {
            Some(by) if p.overdue => (
                td_string!(
                    lang(),
                    home.next.overdue,
                    amount = amount,
                    date = format::date(by)
                ),
                true,
            ),
            Some(by) => (
                td_string!(
                    lang(),
                    home.next.pay_by,
                    amount = amount,
                    date = format::date(by)
                ),
                false,
            ),
            None => (amount, false),
        }
    };
    let c = steps.consumption;
    let last_year = c
        .month
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(c.month);
    let consumption = match c.kwh {
        None => td_string!(
            lang(),
            home.next.no_data,
            month = format::month_year(c.month)
        ),
        Some(kwh) => {
            let now = td_string!(
                lang(),
                home.next.month_kwh,
                month = month_title(c.month),
                kwh = kwh
            );
            match (c.last_year_kwh, c.change_percent) {
                (Some(then), Some(pct)) => td_string!(
                    lang(),
                    home.next.compared_change,
                    current = now,
                    month = format::month_year(last_year),
                    kwh = then,
                    change = change(pct)
                ),
                (Some(then), None) => td_string!(
                    lang(),
                    home.next.compared,
                    current = now,
                    month = format::month_year(last_year),
                    kwh = then
                ),
                (None, _) => td_string!(
                    lang(),
                    home.next.compared_no_data,
                    current = now,
                    month = format::month_year(last_year)
                ),
            }
        }
    };
    let i18n = use_i18n();
    view! {
        <section class="next-steps" data-testid="next-steps">
            <h3 class="next-steps__title">{t!(i18n, home.next.title)}</h3>
            <ul class="next-steps__list">
                <li class="next-steps__item">
                    <span class="next-steps__what">{t!(i18n, home.next.readings)}</span>
                    <span class="next-steps__text" data-testid="next-readings">{readings}</span>
                </li>
                <li class="next-steps__item">
                    <span class="next-steps__what">{t!(i18n, home.next.payment)}</span>
                    <span class="next-steps__text" class:next-steps__text--late=overdue data-testid="next-payment">{payment}</span>
                </li>
                <li class="next-steps__item">
                    <span class="next-steps__what">{t!(i18n, home.next.consumption)}</span>
                    <span class="next-steps__text">
                        <span data-testid="next-consumption">{consumption}</span>" "
                        <a href=format!("{}#insights", routes::house(house_id, HouseTab::Electricity)) class="next-steps__more">{t!(i18n, home.next.more)}</a>
                    </span>
                </li>
            </ul>
        </section>
    }
}

#[component]
fn AddHouse(on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let name = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let save = Submission::new(
        move |req: CreateHouseRequest| async move { api::houses::create(session, &req).await },
        move |_| on_close.run(()),
    );
    let on_submit = save.on_submit(move || {
        Ok(CreateHouseRequest {
            name: name.get_untracked(),
            address: address.get_untracked(),
        })
    });
    let error = save.error();
    view! {
        <Modal title=Signal::derive(|| td_string!(lang(), home.add_house.title).to_owned()) on_close=on_close>
            <form class="form" on:submit=on_submit novalidate>
                <ErrorAlert error=error/>
                <Field label=td_string!(lang(), home.add_house.name) name="name" value=name error=error hint=td_string!(lang(), home.add_house.name_hint)/>
                <Field label=td_string!(lang(), home.add_house.address) name="address" autocomplete="street-address" value=address error=error/>
                <Submit label=td_string!(lang(), home.add_house.save) pending=save.pending()/>
            </form>
        </Modal>
    }
}
