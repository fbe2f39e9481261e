//! «Управление лицевыми счетами» — the main page (F1.6, F3, F4, F5): the user's houses with
//! their account summaries, adding a house, the add-account wizard, and the help widget
//! «Помощь по кабинету» (F2.3).

use leptos::prelude::*;
use lk_api_types::{CreateHouseRequest, HouseResponse};

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
use crate::routes::{self, HouseTab};
use crate::session::Session;

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    AddHouse,
    AddAccount(i64),
    Reading(String, i64),
}

#[component]
pub fn Home() -> impl IntoView {
    set_title("Управление лицевыми счетами");
    let session = expect_context::<Session>();
    let houses = LocalResource::new(move || api::houses::list(session));
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
            .map(|n| format!("Здравствуйте, {n}!"))
            .unwrap_or_else(|| "Здравствуйте!".into())
    };

    view! {
        <section class="page">
            <p class="page__kicker">{greeting}</p>
            <div class="page__head">
                <h1 class="page__title">"Управление лицевыми счетами"</h1>
                <Show when=move || houses.get().is_some_and(|r| r.is_ok_and(|l| !l.is_empty()))>
                    <button type="button" class="btn btn--secondary" on:click=move |_| dialog.set(Dialog::AddHouse)>"+ Добавить дом"</button>
                </Show>
            </div>
            <HelpWidget/>
            {move || match houses.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{e.message()}</div>
                    <button type="button" class="btn btn--secondary" on:click=move |_| houses.refetch()>"Повторить"</button>
                }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="card empty">
                        <HouseIllustration/>
                        <h2 class="empty__title">"Вы ещё не добавили ни одного дома"</h2>
                        <p class="muted">
                            "Добавьте дом и подключите к нему лицевой счёт, чтобы передавать показания счётчика, "
                            "следить за начислениями и оплачивать электроэнергию."
                        </p>
                        <button type="button" class="btn btn--primary" on:click=move |_| dialog.set(Dialog::AddHouse)>"Добавить дом"</button>
                    </div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="houses">
                        {list.into_iter().map(|h| view! { <HouseCard house=h dialog=dialog/> }).collect_view()}
                    </div>
                }.into_any(),
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
                        <p class="muted">"К дому не подключён лицевой счёт."</p>
                        <button type="button" class="btn btn--primary" on:click=move |_| dialog.set(Dialog::AddAccount(id))>"Добавить лицевой счет"</button>
                    </div>
                }.into_any(),
                Some(a) => {
                    let (label, amount, class) = format::balance(a.balance);
                    let number = a.number.clone();
                    view! {
                        <dl class="house__facts">
                            <div><dt>"Лицевой счёт"</dt><dd data-testid="account-number">{a.number.clone()}</dd></div>
                            <div>
                                <dt>"Последние показания"</dt>
                                <dd data-testid="last-reading">
                                    {match a.last_readings.first().cloned() {
                                        None => view! { <span class="muted">"нет данных"</span> }.into_any(),
                                        Some(r) => view! {
                                            <span class="readings">
                                                {r.values.iter().map(|v| view! {
                                                    <span class="reading"><span class="reading__zone">{format::zone(&v.zone)}</span>" "<strong>{v.value}</strong></span>
                                                }).collect_view()}
                                            </span>
                                            <span class="muted">" от "{format::date(r.taken_on)}</span>
                                        }.into_any(),
                                    }}
                                </dd>
                            </div>
                            <div><dt>{label}</dt><dd class=format!("balance {class}") data-testid="balance">{amount}</dd></div>
                            <div><dt>"Сумма к оплате"</dt><dd class="house__due" data-testid="amount-due">{format::rubles(a.amount_due)}</dd></div>
                        </dl>
                        <div class="house__actions">
                            <button type="button" class="btn btn--primary" on:click=move |_| dialog.set(Dialog::Reading(number.clone(), id))>"Передать показания"</button>
                            <PayButton number=a.number.clone() due=a.amount_due/>
                            <a class="btn btn--secondary" href=routes::house(id, HouseTab::Electricity)>"Электроэнергия"</a>
                        </div>
                    }.into_any()
                }
            }}
        </article>
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
        <Modal title=Signal::derive(|| "Добавление дома".to_owned()) on_close=on_close>
            <form class="form" on:submit=on_submit novalidate>
                <ErrorAlert error=error/>
                <Field label="Название" name="name" value=name error=error hint="Например: «Квартира», «Дача»"/>
                <Field label="Адрес" name="address" autocomplete="street-address" value=address error=error/>
                <Submit label="Сохранить" pending=save.pending()/>
            </form>
        </Modal>
    }
}
