//! Where the acquirer sends the subscriber back after paying (F6): the result and the new
//! balance.

use leptos::prelude::*;
use lk_api_types::PaymentStatus;
use rust_decimal::Decimal;

use crate::api;
use crate::components::form::set_title;
use crate::components::layout::Splash;
use crate::components::payment_result::{polled_payment, MomentFact, StatusAlert};
use crate::components::receipt::ReceiptLink;
use crate::format;
use crate::i18n::*;
use crate::routes::{self, HouseTab};
use crate::session::Session;

#[component]
pub fn PaymentResult() -> impl IntoView {
    set_title(td_string!(lang(), home.payment.page_title));
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let payment = polled_payment(move |id| api::payments::get(session, &id), |p| p.status);
    view! {
        <section class="page">
            <h1 class="page__title">{t!(i18n, home.payment.title)}</h1>
            <div class="card">
                {move || match payment.get() {
                    None => view! { <Splash/> }.into_any(),
                    Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                    Some(Ok(p)) => {
                        let (b_label, b_amount, b_class) = format::balance(p.balance);
                        let paid = p.status == PaymentStatus::Succeeded;
                        view! {
                            <StatusAlert status=p.status/>
                            <dl class="facts">
                                <MomentFact created_at=p.created_at completed_at=p.completed_at/>
                                <dt>{t!(i18n, home.payment.number)}</dt><dd class="payment-result__id" data-testid="payment-id">{p.payment_id.clone()}</dd>
                                <dt>{t!(i18n, home.payment.account)}</dt><dd data-testid="payment-account">{p.account_number.clone()}</dd>
                                <dt>{t!(i18n, home.payment.amount)}</dt><dd data-testid="payment-amount">{format::rubles(p.amount)}</dd>
                                <dt>{if paid { td_string!(lang(), home.payment.balance_after, balance = b_label) } else { b_label.to_owned() }}</dt>
                                <dd class=format!("balance {b_class}") data-testid="payment-balance">{b_amount}</dd>
                            </dl>
                            <div class="payment-result__links">
                                {p.house_id.map(|house| view! {
                                    <a class="btn btn--secondary" href=routes::house(house, HouseTab::Electricity)>{t!(i18n, home.payment.history)}</a>
                                    <a class="btn btn--secondary" href=routes::house(house, HouseTab::Account)>{t!(i18n, home.payment.account_page)}</a>
                                })}
                                <a class="btn btn--primary" href=routes::HOME>{t!(i18n, home.payment.home)}</a>
                            </div>
                            // The receipt of the account as it now stands: the amount still due
                            // with its payment QR code, or a blank amount once nothing is owed.
                            {p.house_id.map(|_| view! {
                                <div class="payment-result__receipt">
                                    <ReceiptLink number=p.account_number.clone() amount=Decimal::ZERO/>
                                </div>
                            })}
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
}
