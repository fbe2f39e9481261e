//! Where the acquirer sends the subscriber back after paying (F6): the result and the new
//! balance.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use lk_api_types::PaymentStatus;

use crate::api;
use crate::components::form::set_title;
use crate::components::layout::Splash;
use crate::format;
use crate::routes::{self, HouseTab};
use crate::session::Session;

#[component]
pub fn PaymentResult() -> impl IntoView {
    set_title("Результат оплаты");
    let session = expect_context::<Session>();
    let params = use_params_map();
    let id = move || params.get().get("id").unwrap_or_default();
    let tries = RwSignal::new(0);
    let payment = LocalResource::new(move || {
        let _ = tries.get();
        let id = id();
        async move { api::payments::get(session, &id).await }
    });
    // While the bank has not confirmed, look again every two seconds (up to a minute).
    Effect::new(move |_| {
        if let Some(Ok(p)) = payment.get() {
            if !p.status.is_final() && tries.get_untracked() < 30 {
                set_timeout(
                    move || tries.update(|t| *t += 1),
                    std::time::Duration::from_secs(2),
                );
            }
        }
    });
    view! {
        <section class="page">
            <h1 class="page__title">"Оплата электроэнергии"</h1>
            <div class="card">
                {move || match payment.get() {
                    None => view! { <Splash/> }.into_any(),
                    Some(Err(e)) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                    Some(Ok(p)) => {
                        let (class, text) = match p.status {
                            PaymentStatus::Succeeded => ("alert--success", "Оплата прошла успешно. Платёж зачислен на лицевой счёт."),
                            PaymentStatus::Canceled => ("alert--warning", "Оплата отменена. Деньги не списаны."),
                            PaymentStatus::Failed => ("alert--error", "Оплата не прошла. Попробуйте ещё раз или выберите другой способ оплаты."),
                            PaymentStatus::Created | PaymentStatus::Pending => ("alert--warning", "Платёж обрабатывается банком…"),
                        };
                        let (b_label, b_amount, b_class) = format::balance(p.balance);
                        // The server's moments, shown in Moscow time (the company's), whatever
                        // the browser's zone.
                        let (at_label, at) = match p.completed_at {
                            Some(t) => ("Дата и время", t),
                            None => ("Платёж создан", p.created_at),
                        };
                        let paid = p.status == PaymentStatus::Succeeded;
                        view! {
                            <div class=format!("alert {class}") role="status" data-testid="payment-status">{text}</div>
                            <dl class="facts">
                                <dt>{at_label}</dt><dd data-testid="payment-time">{format!("{} (МСК)", format::moscow_datetime(at))}</dd>
                                <dt>"Номер платежа"</dt><dd class="payment-result__id" data-testid="payment-id">{p.payment_id.clone()}</dd>
                                <dt>"Лицевой счёт"</dt><dd data-testid="payment-account">{p.account_number.clone()}</dd>
                                <dt>"Сумма платежа"</dt><dd data-testid="payment-amount">{format::rubles(p.amount)}</dd>
                                <dt>{if paid { format!("{b_label} после оплаты") } else { b_label.to_owned() }}</dt>
                                <dd class=format!("balance {b_class}") data-testid="payment-balance">{b_amount}</dd>
                            </dl>
                            <div class="payment-result__links">
                                {p.house_id.map(|house| view! {
                                    <a class="btn btn--secondary" href=routes::house(house, HouseTab::Electricity)>"История операций"</a>
                                    <a class="btn btn--secondary" href=routes::house(house, HouseTab::Account)>"Лицевой счёт"</a>
                                })}
                                <a class="btn btn--primary" href=routes::HOME>"На главную"</a>
                            </div>
                        }.into_any()
                    }
                }}
            </div>
        </section>
    }
}
