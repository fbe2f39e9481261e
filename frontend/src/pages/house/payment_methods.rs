//! «Оплата» (F13.1): the ways to pay, one expandable section each; with an account, its amount
//! due and «Оплатить».

use leptos::prelude::*;
use lk_api_types::AccountSummary;

use crate::components::payment_wizard::PayButton;
use crate::components::site_content::with_content;
use crate::format;
use crate::i18n::*;

#[component]
pub fn PaymentTab(account: Option<AccountSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="stack">
            {account.map(|a| view! {
                <div class="card pay-now">
                    <div>
                        <p class="side__label">{t!(i18n, house.amount_due)}</p>
                        <p class="side__due">{format::rubles(a.amount_due)}</p>
                    </div>
                    <PayButton number=a.number.clone() due=a.amount_due/>
                </div>
            })}
            <div class="card">
                <h2 class="card__title">{t!(i18n, house.payment.methods)}</h2>
                {with_content(move |c| {
                    if c.payment_methods.is_empty() {
                        return view! { <p class="muted">{t!(i18n, house.payment.empty)}</p> }.into_any();
                    }
                    view! {
                        <div class="disclosures" data-testid="payment-methods">
                            {c.payment_methods.into_iter().map(|m| view! {
                                <details class="disclosure">
                                    <summary class="disclosure__title">{m.title}</summary>
                                    <div class="disclosure__body">
                                        {format::paragraphs(&m.text).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                                    </div>
                                </details>
                            }).collect_view()}
                        </div>
                    }
                    .into_any()
                })}
            </div>
        </div>
    }
}
