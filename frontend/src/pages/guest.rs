//! «Передать показания без регистрации» and «Оплатить без регистрации» (X9), from the login
//! page: the account number and a meter number from the receipt, then — with only the masked
//! address and the amount due shown — the reading of each zone, or the amount to pay; and the
//! page the acquirer sends such a payer back to.

use leptos::prelude::*;
use lk_api_types::{
    GuestAccountRequest, GuestAccountResponse, GuestPaymentRequest, GuestPaymentResponse,
    GuestReadingRequest, GuestReadingResponse, ZoneValue,
};

use crate::api::{self, ApiError};
use crate::components::form::{Checkbox, ErrorAlert, Field, Submission, Submit, SuccessAlert};
use crate::components::layout::{GuestCard, Splash};
use crate::components::payment_result::{polled_payment, MomentFact, StatusAlert};
use crate::format;
use crate::i18n::*;
use crate::routes;
use rust_decimal::Decimal;

/// What the payer came to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuestAction {
    Readings,
    Payment,
}

#[component]
pub fn GuestPage(action: GuestAction) -> impl IntoView {
    let i18n = use_i18n();
    let title = match action {
        GuestAction::Readings => td_string!(lang(), auth.guest.readings_title),
        GuestAction::Payment => td_string!(lang(), auth.guest.pay_title),
    };
    let account_number = RwSignal::new(String::new());
    let meter_number = RwSignal::new(String::new());
    let found = RwSignal::new(None::<GuestAccountResponse>);
    // The amount due, as the last answer gave it (a reading adds its charge).
    let due = RwSignal::new(Decimal::ZERO);
    // After a reading, the payer may go on to pay for it here.
    let mode = RwSignal::new(action);
    let find = Submission::new(
        move |req: GuestAccountRequest| async move { api::guest::account(&req).await },
        move |a: GuestAccountResponse| {
            due.set(a.amount_due);
            found.set(Some(a));
        },
    );
    let on_find = find.on_submit(move || {
        Ok(GuestAccountRequest {
            account_number: account_number.get_untracked(),
            meter_number: meter_number.get_untracked(),
        })
    });
    let error = find.error();
    view! {
        <GuestCard title=title>
            {move || match found.get() {
                None => view! {
                    <form class="form" on:submit=on_find novalidate>
                        <p class="muted">{t!(i18n, auth.guest.intro)}</p>
                        <ErrorAlert error=error/>
                        <Field label=td_string!(lang(), auth.guest.account_number) name="account_number" inputmode="numeric" required=true value=account_number error=error/>
                        <Field label=td_string!(lang(), auth.guest.meter_number) name="meter_number" required=true value=meter_number error=error/>
                        <Submit label=td_string!(lang(), auth.guest.find) pending=find.pending()/>
                    </form>
                }.into_any(),
                Some(a) => view! {
                    <Summary account=a.clone() due/>
                    {move || match mode.get() {
                        GuestAction::Readings => view! { <ReadingForm account=a.clone() mode due/> }.into_any(),
                        GuestAction::Payment => view! { <PaymentForm account=a.clone() due/> }.into_any(),
                    }}
                    <button type="button" class="btn btn--ghost btn--block" on:click=move |_| { found.set(None); mode.set(action); }>{t!(i18n, auth.guest.other_account)}</button>
                }.into_any(),
            }}
            <div class="guest__links">
                <a href=routes::LOGIN>{t!(i18n, auth.guest.to_login)}</a>
            </div>
        </GuestCard>
    }
}

/// The account as far as a payer may see it.
#[component]
fn Summary(account: GuestAccountResponse, due: RwSignal<Decimal>) -> impl IntoView {
    view! {
        <dl class="guest-account" data-testid="guest-account">
            <dt>{td_string!(lang(), auth.guest.account, number = account.account_number.clone())}</dt>
            <dd>{td_string!(lang(), auth.guest.address, address = account.masked_address.clone())}</dd>
            <dd><strong data-testid="guest-due">{move || td_string!(lang(), auth.guest.due, amount = format::rubles(due.get()))}</strong></dd>
        </dl>
    }
}

/// The field of the `i`-th zone's value (the server names it so in its errors).
fn value_field(i: usize) -> &'static str {
    match i {
        0 => "values[0].value",
        1 => "values[1].value",
        _ => "values[2].value",
    }
}

#[component]
fn ReadingForm(
    account: GuestAccountResponse,
    mode: RwSignal<GuestAction>,
    due: RwSignal<Decimal>,
) -> impl IntoView {
    let i18n = use_i18n();
    if !account.readings_open {
        return view! { <p class="alert alert--warning">{t!(i18n, auth.guest.closed)}</p> }
            .into_any();
    }
    let zones = account.zones.clone();
    let values: Vec<RwSignal<String>> =
        zones.iter().map(|_| RwSignal::new(String::new())).collect();
    let done = RwSignal::new(None::<String>);
    let send = Submission::new(
        move |req: GuestReadingRequest| async move { api::guest::submit_reading(&req).await },
        move |r: GuestReadingResponse| {
            due.set(r.amount_due);
            done.set(Some(
                td_string!(
                    lang(),
                    auth.guest.sent,
                    date = format::date(r.taken_on),
                    amount = format::rubles(r.amount_due)
                )
                .to_string(),
            ))
        },
    );
    let pair = StoredValue::new((account.account_number.clone(), account.meter_number.clone()));
    let inputs = StoredValue::new(
        zones
            .iter()
            .copied()
            .zip(values.clone())
            .collect::<Vec<_>>(),
    );
    let on_submit = send.on_submit(move || {
        let mut parsed = Vec::new();
        for (i, (zone, value)) in inputs.get_value().into_iter().enumerate() {
            let text: String = value
                .get_untracked()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let Ok(value) = text.parse::<i64>() else {
                return Err(ApiError::invalid_field(
                    value_field(i),
                    td_string!(lang(), auth.guest.value_invalid),
                ));
            };
            parsed.push(ZoneValue { zone, value });
        }
        done.set(None);
        let (account_number, meter_number) = pair.get_value();
        Ok(GuestReadingRequest {
            account_number,
            meter_number,
            values: parsed,
        })
    });
    let error = send.error();
    view! {
        <SuccessAlert message=done/>
        <Show when=move || done.get().is_some()>
            <button type="button" class="btn btn--primary btn--block" on:click=move |_| mode.set(GuestAction::Payment)>{t!(i18n, auth.guest.pay)}</button>
        </Show>
        <form class="form" on:submit=on_submit novalidate>
            <ErrorAlert error=error/>
            {zones.iter().zip(values).enumerate().map(|(i, (zone, value))| view! {
                <Field label=format::zone(zone) name=value_field(i) inputmode="numeric" required=true value=value error=error/>
            }).collect_view()}
            <Submit label=td_string!(lang(), auth.guest.send) pending=send.pending()/>
        </form>
    }
    .into_any()
}

#[component]
fn PaymentForm(account: GuestAccountResponse, due: RwSignal<Decimal>) -> impl IntoView {
    let amount = RwSignal::new(format::rubles_input(due.get_untracked()));
    let accepted = RwSignal::new(false);
    let pay = Submission::new(
        move |req: GuestPaymentRequest| async move { api::guest::pay(&req).await },
        |p: GuestPaymentResponse| {
            if let (Some(url), Some(w)) = (p.confirmation_url, web_sys::window()) {
                let _ = w.location().set_href(&url);
            }
        },
    );
    let pair = StoredValue::new((account.account_number.clone(), account.meter_number.clone()));
    let on_submit = pay.on_submit(move || {
        let (account_number, meter_number) = pair.get_value();
        Ok(GuestPaymentRequest {
            account_number,
            meter_number,
            amount: amount.get_untracked(),
            rules_accepted: accepted.get_untracked(),
        })
    });
    let error = pay.error();
    let i18n = use_i18n();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <ErrorAlert error=error/>
            <Field label=td_string!(lang(), auth.guest.amount) name="amount" inputmode="decimal" required=true value=amount error=error/>
            <ul class="muted guest-rules">
                <li>{t!(i18n, dialogs.payment.rules_card)}</li>
                <li>{t!(i18n, dialogs.payment.rules_crediting)}</li>
                <li>{t!(i18n, dialogs.payment.rules_receipt)}</li>
            </ul>
            <Checkbox name="rules_accepted" checked=accepted error=error>{t!(i18n, dialogs.payment.consent)}</Checkbox>
            <Submit label=td_string!(lang(), auth.guest.to_payment) pending=pay.pending()/>
        </form>
    }
}

/// Where the acquirer sends a payer without an account back.
#[component]
pub fn GuestPaymentResult() -> impl IntoView {
    let i18n = use_i18n();
    let payment = polled_payment(|id| api::guest::payment(&id), |p| p.status);
    view! {
        <GuestCard title=td_string!(lang(), auth.guest.result_title)>
            {move || match payment.get() {
                None => view! { <Splash/> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                Some(Ok(p)) => {
                    view! {
                        <StatusAlert status=p.status/>
                        <dl class="facts">
                            <MomentFact created_at=p.created_at completed_at=p.completed_at/>
                            <dt>{t!(i18n, home.payment.number)}</dt><dd class="payment-result__id" data-testid="payment-id">{p.payment_id.clone()}</dd>
                            <dt>{t!(i18n, home.payment.amount)}</dt><dd data-testid="payment-amount">{format::rubles(p.amount)}</dd>
                        </dl>
                    }.into_any()
                }
            }}
            <div class="guest__links">
                <a href=routes::GUEST_READINGS>{t!(i18n, auth.guest.readings_link)}</a>
                <a href=routes::LOGIN>{t!(i18n, auth.guest.to_login)}</a>
            </div>
        </GuestCard>
    }
}
