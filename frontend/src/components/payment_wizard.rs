//! «Мастер оплаты» (F6): the amount (pre-filled with the amount due), the payment rules with
//! consent, then the acquirer's page.

use leptos::prelude::*;
use lk_api_types::CreatePaymentRequest;
use rust_decimal::Decimal;

use crate::api::{self, ApiError};
use crate::components::form::{Checkbox, ErrorAlert, Field, Submit};
use crate::components::modal::Modal;
use crate::format;
use crate::session::Session;

/// «Оплатить»: a button that opens the payment wizard for an account, pre-filled with `due`
/// (the account's amount due, as the server defines it).
#[component]
pub fn PayButton(number: String, due: Decimal, #[prop(optional)] block: bool) -> impl IntoView {
    let open = RwSignal::new(false);
    let number = StoredValue::new(number);
    view! {
        <button type="button" class="btn btn--accent" class:btn--block=block on:click=move |_| open.set(true)>"Оплатить"</button>
        {move || open.get().then(|| view! {
            <PaymentWizard number=number.get_value() due=due on_close=Callback::new(move |_| open.set(false))/>
        })}
    }
}

#[component]
fn PaymentWizard(number: String, due: Decimal, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let amount = RwSignal::new(format::rubles_input(due));
    let step = RwSignal::new(1);
    let accepted = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let number = StoredValue::new(number);
    // Ticking the consent box answers the error about it.
    Effect::new(move |_| {
        if accepted.get() {
            error.set(None);
        }
    });
    let parsed = move || format::parse_rubles(&amount.get_untracked());
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match format::check_amount(&amount.get_untracked()) {
            Ok(_) => {
                error.set(None);
                step.set(2);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let pay = Action::new_local(move |req: &CreatePaymentRequest| {
        let req = req.clone();
        async move {
            match api::payments::create(session, &number.get_value(), &req).await {
                Ok(p) => {
                    if let (Some(url), Some(w)) = (p.confirmation_url, web_sys::window()) {
                        let _ = w.location().set_href(&url);
                    }
                }
                Err(e) => {
                    if e.field("amount").is_some() {
                        step.set(1);
                    }
                    error.set(Some(e));
                }
            }
        }
    });
    let go = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(a) = parsed() {
            pay.dispatch(CreatePaymentRequest {
                amount: a.to_string(),
                rules_accepted: accepted.get_untracked(),
            });
        }
    };
    view! {
        <Modal title=Signal::derive(|| "Оплата электроэнергии".to_owned()) on_close=on_close>
            <Show when=move || step.get() == 1 fallback=move || view! {
                <p class="muted">"Шаг 2 из 2. Лицевой счёт № "{number.get_value()}", сумма "<strong>{move || parsed().map(format::rubles).unwrap_or_default()}</strong></p>
                <div class="rules" tabindex="0" aria-label="Правила оплаты">
                    <p><strong>"Правила оплаты"</strong></p>
                    <p>"Оплата производится банковской картой на защищённой странице банка-эквайера. Данные карты не передаются в личный кабинет."</p>
                    <p>"Платёж зачисляется на лицевой счёт после подтверждения банком, обычно в течение нескольких минут. Комиссия не взимается."</p>
                    <p>"Кассовый чек направляется банком-эквайером на адрес электронной почты в соответствии с 54-ФЗ."</p>
                </div>
                <form class="form" on:submit=go novalidate>
                    <ErrorAlert error=error/>
                    <Checkbox name="rules_accepted" checked=accepted error=error>"Я ознакомлен(а) с правилами оплаты и согласен(на) с ними"</Checkbox>
                    <div class="form__actions">
                        <button type="button" class="btn btn--ghost" on:click=move |_| step.set(1)>"Назад"</button>
                        <Submit label="Далее" pending=pay.pending()/>
                    </div>
                </form>
            }>
                <p class="muted">"Шаг 1 из 2. Лицевой счёт № "{number.get_value()}</p>
                <form class="form" on:submit=next novalidate>
                    <ErrorAlert error=error/>
                    <Field label="Сумма к оплате, ₽" name="amount" inputmode="decimal" value=amount error=error/>
                    <Submit label="Далее" pending=Signal::derive(|| false)/>
                </form>
            </Show>
        </Modal>
    }
}
