//! What both payment result pages show (a signed-in subscriber's and a guest payer's): the
//! payment asked again until the bank's answer is final, its status, and its moment in
//! Moscow time.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use lk_api_types::PaymentStatus;

use crate::api::{ApiError, Reply};
use crate::format;
use crate::i18n::*;

/// How many times a pending payment is asked again, two seconds apart (a minute in all).
const MAX_POLLS: u32 = 30;

/// The payment named by the route's `id`, fetched with `fetch` and asked again every two
/// seconds while its status (`status`) is not final.
pub fn polled_payment<T>(
    fetch: impl Fn(String) -> Reply<T> + Copy + 'static,
    status: fn(&T) -> PaymentStatus,
) -> LocalResource<Result<T, ApiError>>
where
    T: Clone + 'static,
{
    let params = use_params_map();
    let tries = RwSignal::new(0u32);
    let payment = LocalResource::new(move || {
        let _ = tries.get();
        fetch(params.get().get("id").unwrap_or_default())
    });
    Effect::new(move |_| {
        let pending = payment.with(|p| matches!(p, Some(Ok(p)) if !status(p).is_final()));
        if pending && tries.get_untracked() < MAX_POLLS {
            set_timeout(
                move || tries.update(|t| *t += 1),
                std::time::Duration::from_secs(2),
            );
        }
    });
    payment
}

/// The payment's status, announced to screen readers.
#[component]
pub fn StatusAlert(status: PaymentStatus) -> impl IntoView {
    let (class, text) = match status {
        PaymentStatus::Succeeded => ("alert--success", td_string!(lang(), home.payment.succeeded)),
        PaymentStatus::Canceled => ("alert--warning", td_string!(lang(), home.payment.canceled)),
        PaymentStatus::Failed => ("alert--error", td_string!(lang(), home.payment.failed)),
        PaymentStatus::Created | PaymentStatus::Pending => {
            ("alert--warning", td_string!(lang(), home.payment.pending))
        }
    };
    view! { <div class=format!("alert {class}") role="status" data-testid="payment-status">{text}</div> }
}

/// The payment's moment as a row of facts: when it was completed, or else created — the
/// server's moments in Moscow time (the company's), whatever the browser's zone.
#[component]
pub fn MomentFact(created_at: DateTime<Utc>, completed_at: Option<DateTime<Utc>>) -> impl IntoView {
    let (label, at) = match completed_at {
        Some(t) => (td_string!(lang(), home.payment.completed_at), t),
        None => (td_string!(lang(), home.payment.created_at), created_at),
    };
    view! {
        <dt>{label}</dt>
        <dd data-testid="payment-time">{td_string!(lang(), home.payment.moscow_time, time = format::moscow_datetime(at))}</dd>
    }
}
