//! «Лицевой счет»: general information, «Изменить данные абонента», contract, tariff with its
//! history, and the side panel (F11).

use leptos::prelude::*;
use lk_api_types::{AccountResponse, ChangeRequestBody, ChangeRequestResponse, TariffsResponse};

use crate::api;
use crate::components::form::{optional, ErrorAlert, Field, Submission, Submit};
use crate::components::layout::Splash;
use crate::components::modal::Modal;
use crate::components::payment_wizard::PayButton;
use crate::components::reading_wizard::ReadingWizard;
use crate::format;
use crate::i18n::*;
use crate::routes::{self, HouseTab};
use crate::session::Session;

#[component]
pub fn AccountTab(
    number: String,
    house_id: i64,
    /// How the user holds the account: a viewer is offered no readings, payment or changes.
    access: lk_domain::HouseAccess,
    on_change: Callback<()>,
) -> impl IntoView {
    let acts = access.may_act();
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let account = LocalResource::new(move || async move {
        api::accounts::get(session, &number.get_value()).await
    });
    let reading = RwSignal::new(false);
    let change = RwSignal::new(false);
    view! {
        {move || match account.get() {
            None => view! { <Splash/> }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
            Some(Ok(a)) => {
                let (b_label, b_amount, b_class) = format::balance(a.balance);
                // The company's pages of the contract and the tariffs; its site until set.
                let b = session.branding.get_untracked();
                let or_site = |url: String| if url.trim().is_empty() { b.site_url.clone() } else { url };
                let contract_url = or_site(b.contract_url.clone());
                let tariffs_url = or_site(b.tariffs_url.clone());
                view! {
                    <div class="house-grid">
                        <aside class="card side">
                            {acts.then(|| view! { <button type="button" class="btn btn--primary btn--block" on:click=move |_| reading.set(true)>{t!(i18n, house.submit_readings)}</button> })}
                            <p class="side__label">{t!(i18n, house.account)}</p>
                            <p class="side__number-big">{a.number.clone()}</p>
                            <p class="side__label">{b_label}</p>
                            <p class=format!("side__amount balance {b_class}")>{b_amount}</p>
                            <p class="side__label">{t!(i18n, house.amount_due)}</p>
                            <p class="side__due" data-testid="side-amount-due">{format::rubles(a.amount_due)}</p>
                            {acts.then(|| view! { <PayButton number=a.number.clone() due=a.amount_due block=true/> })}
                        </aside>
                        <div class="stack">
                            <div class="card">
                                <div class="card__head">
                                    <h2 class="card__title">{t!(i18n, house.account_tab.general)}</h2>
                                    {acts.then(|| view! { <button type="button" class="btn btn--secondary btn--small" on:click=move |_| change.set(true)>{t!(i18n, house.account_tab.change)}</button> })}
                                </div>
                                <dl class="facts" data-testid="account-info">
                                    <dt>{t!(i18n, house.account_tab.holder)}</dt><dd>{a.holder_name.clone()}</dd>
                                    <dt>{t!(i18n, house.address)}</dt><dd>{a.address.clone()}</dd>
                                    <dt>{t!(i18n, house.account_tab.residents)}</dt><dd>{a.residents}</dd>
                                    <dt>{t!(i18n, house.account_tab.branch)}</dt><dd>{a.branch.name.clone()}<br/><span class="muted">{format!("{}, {}", a.branch.address, a.branch.phone)}</span></dd>
                                </dl>
                            </div>
                            <div class="card">
                                <h2 class="card__title">{t!(i18n, house.account_tab.contract)}</h2>
                                <dl class="facts">
                                    <dt>{t!(i18n, house.account_tab.contract_number)}</dt><dd>{a.contract.number.clone()}</dd>
                                    <dt>{t!(i18n, house.account_tab.contract_date)}</dt><dd>{format::date(a.contract.date)}</dd>
                                </dl>
                                <a href=contract_url target="_blank" rel="noopener">{t!(i18n, house.account_tab.contract_more)}</a>
                            </div>
                            <Tariffs number=number.get_value() account=a.clone() tariffs_url=tariffs_url/>
                            <super::family::FamilyCard number=number.get_value() house_id=house_id access=access/>
                        </div>
                    </div>
                }.into_any()
            }
        }}
        {move || reading.get().then(|| view! {
            <ReadingWizard account_number=number.get_value() history_href=routes::house(house_id, HouseTab::Meters) on_close=Callback::new(move |_| { reading.set(false); account.refetch(); on_change.run(()); })/>
        })}
        {move || change.get().then(|| view! { <ChangeRequest number=number.get_value() on_close=Callback::new(move |_| change.set(false))/> })}
    }
}

#[component]
fn Tariffs(number: String, account: AccountResponse, tariffs_url: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let this_year = LocalResource::new(move || async move {
        api::accounts::tariffs(session, &number.get_value(), None).await
    });
    let earlier = RwSignal::new(Vec::<TariffsResponse>::new());
    let load_earlier = Action::new_local(move |years: &Vec<i32>| {
        let years = years.clone();
        async move {
            let mut out = Vec::new();
            for y in years {
                if let Ok(t) = api::accounts::tariffs(session, &number.get_value(), Some(y)).await {
                    out.push(t);
                }
            }
            earlier.set(out);
        }
    });
    let table = move |t: &TariffsResponse| {
        view! {
            <table class="charge__table table--cards" role="table">
                <thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">{t!(i18n, house.tariff.valid_from)}</th><th scope="col" role="columnheader">{t!(i18n, house.tariff.zone)}</th><th scope="col" role="columnheader">{t!(i18n, house.tariff.price)}</th></tr></thead>
                <tbody role="rowgroup">
                    {t.prices.iter().map(|p| view! {
                        <tr role="row"><td role="cell" class="table__head-cell" data-label=td_string!(lang(), house.tariff.valid_from)>{format::date(p.valid_from)}</td><td role="cell" data-label=td_string!(lang(), house.tariff.zone)>{format::zone(&p.zone)}</td><td role="cell" data-label=td_string!(lang(), house.tariff.price)>{format::rubles(p.price)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    };
    view! {
        <div class="card" data-testid="tariff">
            <h2 class="card__title">{t!(i18n, house.tariff.title)}</h2>
            <p><strong>{account.tariff.name.clone()}</strong></p>
            <ul class="prices">
                {account.tariff.prices.iter().map(|p| view! { <li><span class="muted">{format!("{} ({})", format::zone(&p.zone), p.hours)}</span>" "<strong>{td_string!(lang(), house.tariff.per_kwh, price = format::rubles(p.price))}</strong></li> }).collect_view()}
            </ul>
            {move || this_year.get().map(|r| match r {
                Err(e) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                Ok(t) => {
                    let years = t.earlier_years.clone();
                    view! {
                        <h3 class="tariff__year">{td_string!(lang(), house.tariff.history, year = t.year)}</h3>
                        {table(&t)}
                        <Show when={let y = years.clone(); move || !y.is_empty() && earlier.get().is_empty()}>
                            <button type="button" class="btn btn--secondary btn--small" on:click={let y = years.clone(); move |_| { load_earlier.dispatch(y.clone()); }}>{t!(i18n, house.tariff.earlier)}</button>
                        </Show>
                        {move || earlier.get().iter().map(|t| view! { <h3 class="tariff__year">{td_string!(lang(), house.tariff.year, year = t.year)}</h3>{table(t)} }).collect_view()}
                    }.into_any()
                }
            })}
            <p><a href=tariffs_url target="_blank" rel="noopener">{t!(i18n, house.tariff.more)}</a></p>
        </div>
    }
}

#[component]
fn ChangeRequest(number: String, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let holder = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let residents = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let number = StoredValue::new(number);
    let send = Submission::new(
        move |body: ChangeRequestBody| async move {
            api::accounts::request_change(session, &number.get_value(), &body).await
        },
        move |r: ChangeRequestResponse| {
            done.set(Some(td_string!(lang(), house.change.sent, number = r.id)));
        },
    );
    let on_submit = send.on_submit(move || {
        Ok(ChangeRequestBody {
            holder_name: optional(holder),
            address: optional(address),
            residents: residents.get_untracked().trim().parse().ok(),
            phone: optional(phone),
            comment: optional(comment),
        })
    });
    let error = send.error();
    let i18n = use_i18n();
    view! {
        <Modal title=Signal::derive(|| td_string!(lang(), house.account_tab.change).to_owned()) on_close=on_close>
            <Show when=move || done.get().is_none() fallback=move || view! {
                <div class="alert alert--success" role="status">{move || done.get()}</div>
                <button type="button" class="btn btn--primary btn--block" on:click=move |_| on_close.run(())>{t!(i18n, house.close)}</button>
            }>
                <p class="muted">{t!(i18n, house.change.lead)}</p>
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <Field label=td_string!(lang(), house.change.holder) name="holder_name" value=holder error=error/>
                    <Field label=td_string!(lang(), house.address) name="address" value=address error=error/>
                    <Field label=td_string!(lang(), house.change.residents) name="residents" inputmode="numeric" value=residents error=error/>
                    <Field label=td_string!(lang(), house.phone) name="phone" kind="tel" value=phone error=error/>
                    <Field label=td_string!(lang(), house.comment) name="comment" value=comment error=error/>
                    <Submit label=td_string!(lang(), house.send) pending=send.pending()/>
                </form>
            </Show>
        </Modal>
    }
}
