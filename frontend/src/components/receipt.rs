//! Receipts to print (F7.4, F9.5): the filled receipt with the amount to pay and the payment
//! QR code, and the blank form. Both arrive as PDF files the browser opens or saves.

use leptos::prelude::*;
use lk_domain::Kopecks;
use rust_decimal::Decimal;

use crate::api;
use crate::components::form::{ErrorAlert, Field, Submission, Submit};
use crate::components::modal::Modal;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

/// Downloads the filled receipt of `number` for `amount` (none: the amount due, or a blank
/// field).
async fn download_filled(
    session: Session,
    number: String,
    amount: Option<Kopecks>,
) -> Result<(), api::ApiError> {
    let filename = td_string!(lang(), dialogs.receipt.file_name, number = &number);
    api::receipts::download_filled(session, &number, amount, &filename).await
}

/// «Распечатать квитанцию»: the filled receipt for `amount`, at once (after a reading, F7.4).
#[component]
pub fn ReceiptLink(number: String, amount: Decimal) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let amount = Kopecks::from_rubles(amount).ok().filter(|a| a.0 > 0);
    let get = Submission::new(
        move |()| download_filled(session, number.get_value(), amount),
        |()| {},
    );
    let pending = get.pending();
    view! {
        <button type="button" class="btn btn--ghost btn--block" on:click=move |_| get.dispatch(())
            disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            <Show when=move || pending.get()><span class="spinner spinner--small" aria-hidden="true"></span></Show>
            {td_string!(lang(), dialogs.receipt.print_receipt)}
        </button>
        <ErrorAlert error=get.error()/>
    }
}

/// The print form (F9.5, «Печать»): the amount to pay, pre-filled, and «Печать».
#[component]
pub fn PrintForm(number: String, amount: Decimal) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(number);
    let value = RwSignal::new(format::rubles_input(amount));
    let done = RwSignal::new(false);
    let print = Submission::new(
        move |a: Kopecks| download_filled(session, number.get_value(), Some(a)),
        move |()| done.set(true),
    );
    let on_submit = print.on_submit(move || {
        done.set(false);
        format::payable_amount(&value.get_untracked())
    });
    let i18n = use_i18n();
    view! {
        <form class="form" on:submit=on_submit novalidate>
            <p class="muted">{td_string!(lang(), dialogs.receipt.print_note, number = number.get_value())}</p>
            <ErrorAlert error=print.error()/>
            <Field label=td_string!(lang(), dialogs.amount_to_pay_field) name="amount" inputmode="decimal" value=value error=print.error()/>
            <Show when=move || done.get()>
                <div class="alert alert--success" role="status">{t!(i18n, dialogs.receipt.ready)}</div>
            </Show>
            <Submit label=td_string!(lang(), dialogs.receipt.print) pending=print.pending()/>
        </form>
    }
}

/// «Печать пустого бланка квитанции» (F9.5).
#[component]
pub fn BlankReceiptLink() -> impl IntoView {
    view! {
        <a class="link-action" href=api::receipts::BLANK_PDF download=td_string!(lang(), dialogs.receipt.blank_file_name)>{td_string!(lang(), dialogs.receipt.print_blank)}</a>
    }
}

/// The print window opened from the account's side panel.
#[component]
pub fn PrintButton(number: String, amount: Decimal) -> impl IntoView {
    let open = RwSignal::new(false);
    let number = StoredValue::new(number);
    view! {
        <button type="button" class="link-action" on:click=move |_| open.set(true)>{td_string!(lang(), dialogs.receipt.print_filled)}</button>
        {move || open.get().then(|| view! {
            <Modal title=Signal::derive(|| td_string!(lang(), dialogs.receipt.print).to_owned()) on_close=Callback::new(move |_| open.set(false))>
                <PrintForm number=number.get_value() amount=amount/>
            </Modal>
        })}
    }
}
