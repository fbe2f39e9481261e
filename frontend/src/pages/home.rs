//! «Управление лицевыми счетами» — the main page (F1.6, F3, F4, F5): the user's houses with
//! their account summaries, adding a house, and the add-account wizard.

use leptos::prelude::*;
use lk_api_types::{
    BindAccountRequest, CreateHouseRequest, HouseResponse, MeterResponse, UpdateMeterRequest,
};
use reqwest::Method;

use crate::api::{self, ApiError, NO_BODY};
use crate::components::form::{set_title, ErrorAlert, Field, Submit};
use crate::components::icons::HouseIllustration;
use crate::components::layout::Splash;
use crate::components::modal::Modal;
use crate::format;
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
    let houses = LocalResource::new(move || {
        api::authed::<Vec<HouseResponse>>(session, Method::GET, "/houses", NO_BODY)
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
                    <crate::pages::reading::ReadingWizard account_number=number history_href=crate::routes::house(house, "meters") on_close=close/>
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
                            <crate::pages::payment::PayButton number=a.number.clone() due=a.amount_due/>
                            <a class="btn btn--secondary" href=crate::routes::house(id, "electricity")>"Электроэнергия"</a>
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
    let error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(move |req: &CreateHouseRequest| {
        let req = req.clone();
        async move {
            match api::authed::<HouseResponse>(session, Method::POST, "/houses", Some(&req)).await {
                Ok(_) => on_close.run(()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(CreateHouseRequest {
            name: name.get_untracked(),
            address: address.get_untracked(),
        });
    };
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

/// «Мастер добавления ЛС»: step 1 the numbers, step 2 success and «Переименовать счетчик».
#[component]
pub fn AddAccount(house_id: i64, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let account_number = RwSignal::new(String::new());
    let meter_number = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let bound = RwSignal::new(None::<(String, Vec<MeterResponse>)>);
    let renaming = RwSignal::new(false);
    let label = RwSignal::new(String::new());
    let renamed = RwSignal::new(None::<String>);

    let bind = Action::new_local(move |req: &BindAccountRequest| {
        let req = req.clone();
        async move {
            match api::authed::<HouseResponse>(
                session,
                Method::PUT,
                &format!("/houses/{house_id}/account"),
                Some(&req),
            )
            .await
            {
                Ok(h) => {
                    error.set(None);
                    let number = h.account.map(|a| a.number).unwrap_or_default();
                    let meters = api::authed::<Vec<MeterResponse>>(
                        session,
                        Method::GET,
                        &format!("/accounts/{number}/meters"),
                        NO_BODY,
                    )
                    .await
                    .unwrap_or_default();
                    bound.set(Some((number, meters)));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let rename = Action::new_local(move |l: &String| {
        let l = l.clone();
        async move {
            let Some((number, meters)) = bound.get_untracked() else {
                return;
            };
            let Some(m) = meters.first() else { return };
            let req = UpdateMeterRequest { label: Some(l) };
            match api::authed::<MeterResponse>(
                session,
                Method::PATCH,
                &format!("/accounts/{number}/meters/{}", m.id),
                Some(&req),
            )
            .await
            {
                Ok(m) => {
                    error.set(None);
                    renaming.set(false);
                    renamed.set(m.label);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let on_bind = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        bind.dispatch(BindAccountRequest {
            account_number: account_number.get_untracked(),
            meter_number: meter_number.get_untracked(),
        });
    };
    let on_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rename.dispatch(label.get_untracked());
    };
    let title = Signal::derive(move || {
        if bound.get().is_some() {
            "Лицевой счёт добавлен".to_owned()
        } else {
            "Добавление лицевого счёта".to_owned()
        }
    });
    view! {
        <Modal title=title on_close=on_close>
            <Show
                when=move || bound.get().is_some()
                fallback=move || view! {
                    <p class="muted">"Шаг 1 из 2. Номера лицевого счёта и счётчика указаны в квитанции."</p>
                    <form class="form" on:submit=on_bind novalidate>
                        <ErrorAlert error=error/>
                        <Field label="Номер лицевого счета" name="account_number" inputmode="numeric" value=account_number error=error/>
                        <Field label="Номер счетчика" name="meter_number" value=meter_number error=error/>
                        <Submit label="Добавить" pending=bind.pending()/>
                    </form>
                }
            >
                <p class="muted">"Шаг 2 из 2."</p>
                <div class="alert alert--success" role="status">
                    {move || format!("Лицевой счёт № {} добавлен к дому.", bound.get().map(|b| b.0).unwrap_or_default())}
                </div>
                {move || bound.get().and_then(|(_, m)| m.first().cloned()).map(|m| view! {
                    <p><strong data-testid="meter-name">{move || format::meter_name(renamed.get().as_deref(), &m.serial)}</strong>" · "{m.model.clone()}</p>
                })}
                <Show
                    when=move || renaming.get()
                    fallback=move || view! {
                        <p><button type="button" class="link-btn" on:click=move |_| renaming.set(true)>"Переименовать счетчик"</button></p>
                    }
                >
                    <form class="form" on:submit=on_rename novalidate>
                        <ErrorAlert error=error/>
                        <Field label="Название счётчика" name="label" value=label error=error hint="Например: «Счётчик в квартире»"/>
                        <Submit label="Сохранить" pending=rename.pending()/>
                    </form>
                </Show>
                <button type="button" class="btn btn--primary btn--block" on:click=move |_| on_close.run(())>"Готово"</button>
            </Show>
        </Modal>
    }
}
