//! «Мастер оплаты» (F6): the amount (pre-filled with the amount due), the payment rules with
//! consent, then the acquirer's page.

use leptos::prelude::*;
use lk_api_types::{CreatePaymentRequest, PaymentResponse};
use lk_domain::Kopecks;
use rust_decimal::Decimal;

use crate::api;
use crate::components::form::{Checkbox, ErrorAlert, Field, Submission, Submit};
use crate::components::modal::Modal;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// «Оплатить»: a button that opens the payment wizard for an account, pre-filled with `due`
/// (the account's amount due, as the server defines it).
#[component]
pub fn PayButton(number: String, due: Decimal, #[prop(optional)] block: bool) -> impl IntoView {
    let open = RwSignal::new(false);
    let number = StoredValue::new(number);
    let i18n = use_i18n();
    view! {
        <button type="button" class="btn btn--accent" class:btn--block=block on:click=move |_| open.set(true)>{t!(i18n, dialogs.payment.pay)}</button>
        {move || open.get().then(|| {
            let on_close = Callback::new(move |_| open.set(false));
            crate::components::lazy::dialog(
                td_string!(lang(), dialogs.payment.title),
                payment_wizard_chunk(number.get_value(), due, on_close),
                on_close,
            )
        })}
    }
}

/// The wizard's code, in the `dialogs` chunk (see [`crate::components::lazy`]).
#[leptos::wasm_split::wasm_split(dialogs, wasm_split_path = ::leptos::wasm_split, fallible)]
fn payment_wizard_chunk(
    number: String,
    due: Decimal,
    on_close: Callback<()>,
) -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
    Ok(view! { <PaymentWizard number due on_close/> }.into_any())
}

#[component]
fn PaymentWizard(number: String, due: Decimal, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let amount = RwSignal::new(format::rubles_input(due));
    // The amount step 1 accepted; step 2 is shown while there is one.
    let checked = RwSignal::new(None::<Kopecks>);
    let accepted = RwSignal::new(false);
    let number = StoredValue::new(number);
    let pay = Submission::once(
        move |req: CreatePaymentRequest, key| async move {
            api::payments::create(session, &number.get_value(), &req, &key).await
        },
        |p: PaymentResponse| {
            if let (Some(url), Some(w)) = (p.confirmation_url, web_sys::window()) {
                let _ = w.location().set_href(&url);
            }
        },
    );
    // The server refusing the amount sends the subscriber back to it; ticking the consent box
    // answers the error about it.
    Effect::new(move |_| {
        let about_amount = pay
            .error()
            .with(|e| e.as_ref().is_some_and(|e| e.field("amount").is_some()));
        if about_amount && checked.get_untracked().is_some() {
            checked.set(None);
        }
    });
    Effect::new(move |_| {
        if accepted.get() {
            pay.clear();
        }
    });
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match format::payable_amount(&amount.get_untracked()) {
            Ok(a) => {
                pay.clear();
                checked.set(Some(a));
            }
            Err(e) => pay.fail(e),
        }
    };
    let go = pay.on_submit(move || {
        Ok(CreatePaymentRequest {
            amount: checked.get_untracked().unwrap_or_default().to_string(),
            rules_accepted: accepted.get_untracked(),
        })
    });
    let i18n = use_i18n();
    view! {
        <Modal title=Signal::derive(|| td_string!(lang(), dialogs.payment.title).to_owned()) on_close=on_close>
            <Show when=move || checked.get().is_none() fallback=move || view! {
                <p class="muted">{td_string!(lang(), dialogs.payment.step2, number = number.get_value())}<strong>{move || checked.get().map(|a| format::rubles(a.to_rubles())).unwrap_or_default()}</strong></p>
                <div class="rules" tabindex="0" aria-label=move || t_string!(i18n, dialogs.payment.rules)>
                    <p><strong>{t!(i18n, dialogs.payment.rules)}</strong></p>
                    <p>{t!(i18n, dialogs.payment.rules_card)}</p>
                    <p>{t!(i18n, dialogs.payment.rules_crediting)}</p>
                    <p>{t!(i18n, dialogs.payment.rules_receipt)}</p>
                </div>
                <form class="form" on:submit=go novalidate>
                    <ErrorAlert error=pay.error()/>
                    <Checkbox name="rules_accepted" checked=accepted error=pay.error()>{t!(i18n, dialogs.payment.consent)}</Checkbox>
                    <div class="form__actions">
                        <button type="button" class="btn btn--ghost" on:click=move |_| checked.set(None)>{t!(i18n, dialogs.payment.back)}</button>
                        <Submit label=td_string!(lang(), dialogs.payment.next) pending=pay.pending()/>
                    </div>
                </form>
            }>
                <p class="muted">{td_string!(lang(), dialogs.payment.step1, number = number.get_value())}</p>
                <form class="form" on:submit=next novalidate>
                    <ErrorAlert error=pay.error()/>
                    <Field label=td_string!(lang(), dialogs.amount_to_pay_field) name="amount" inputmode="decimal" value=amount error=pay.error()/>
                    <Submit label=td_string!(lang(), dialogs.payment.next) pending=Signal::derive(|| false)/>
                </form>
            </Show>
        </Modal>
    }
}
