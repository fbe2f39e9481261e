//! «Мастер передачи показаний» (F7): one input per zone, the charge before sending, then the
//! result with the amount due.

use leptos::prelude::*;
use lk_api_types::{
    MeterResponse, ReadingChargeResponse, ReadingWindowResponse, SubmitReadingRequest, Warning,
    Zone, ZoneValue,
};

use crate::api::{self, ApiError};
use crate::components::form::{ErrorAlert, Submission};
use crate::components::layout::Splash;
use crate::components::modal::Modal;
use crate::components::payment_wizard::PayButton;
use crate::components::receipt::ReceiptLink;
use crate::format;
use crate::i18n::*;
use crate::session::Session;

#[component]
pub fn ReadingWizard(
    account_number: String,
    /// Where «История переданных показаний» leads (the house's meters tab).
    history_href: String,
    on_close: Callback<()>,
) -> impl IntoView {
    crate::components::lazy::dialog(
        td_string!(lang(), dialogs.reading.title),
        reading_wizard_chunk(account_number, history_href, on_close),
        on_close,
    )
}

/// Fetches the `dialogs` chunk (this wizard's, the payment's, the account's and the contact
/// window's code) ahead of need: the main page does once it has shown, so a click opens the
/// window at once.
pub async fn preload_dialogs() {
    let _ = __wasm_split_preload_reading_wizard_chunk().await;
}

/// The wizard's code, in the `dialogs` chunk (see [`crate::components::lazy`]).
#[leptos::wasm_split::wasm_split(dialogs, wasm_split_path = ::leptos::wasm_split, fallible)]
fn reading_wizard_chunk(
    account_number: String,
    history_href: String,
    on_close: Callback<()>,
) -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
    Ok(view! { <Wizard account_number history_href on_close/> }.into_any())
}

#[component]
fn Wizard(account_number: String, history_href: String, on_close: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let number = StoredValue::new(account_number);
    // The meters, and whether readings are accepted today — asked when the wizard opens, so it
    // says so before anyone types a reading.
    let meters = LocalResource::new(move || async move {
        let number = number.get_value();
        let (meters, calendar) = futures_util::join!(
            api::meters::list(session, &number),
            api::sign_in::calendar(session)
        );
        Ok::<_, ApiError>((meters?, calendar?.reading_window))
    });
    let done = RwSignal::new(None::<ReadingChargeResponse>);
    let title = Signal::derive(move || {
        if done.get().is_some() {
            td_string!(lang(), dialogs.reading.title_done).to_owned()
        } else {
            td_string!(lang(), dialogs.reading.title).to_owned()
        }
    });
    let i18n = use_i18n();
    view! {
        <Modal title=title on_close=on_close>
            {move || match (meters.get(), done.get()) {
                (_, Some(result)) => view! { <Result number=number.get_value() result=result/> }.into_any(),
                (None, _) => view! { <Splash/> }.into_any(),
                (Some(Err(e)), _) => view! { <div class="alert alert--error" role="alert">{e.message()}</div> }.into_any(),
                (Some(Ok((_, window))), _) if !window.open => view! {
                    <div class="alert alert--warning" role="status" data-testid="reading-window-closed">
                        {window_closed(window)}
                    </div>
                }.into_any(),
                (Some(Ok((list, _))), _) => match list.into_iter().next() {
                    None => view! { <p class="muted">{t!(i18n, dialogs.reading.no_meters)}</p> }.into_any(),
                    Some(m) => view! { <ReadingForm number=number.get_value() meter=m done=done/> }.into_any(),
                },
            }}
            <p class="wizard__history"><a href=history_href>{t!(i18n, dialogs.reading.history)}</a></p>
            <Show when=move || done.get().is_some() || meters.get().is_some_and(|r| r.is_ok_and(|(_, w)| !w.open))>
                <button type="button" class="btn btn--primary btn--block" on:click=move |_| on_close.run(())>{t!(i18n, common.close)}</button>
            </Show>
        </Modal>
    }
}

/// Why readings are not accepted today, and when they will be: from the window's days (the
/// server's own sentence is Russian), or its message when it gives no days.
fn window_closed(window: ReadingWindowResponse) -> String {
    use chrono::Datelike;
    match (window.opens_on, window.closes_on) {
        (Some(opens), Some(closes)) => td_string!(
            lang(),
            dialogs.reading.window,
            first = opens.day(),
            last = closes.day(),
            opens = format::date(opens),
            closes = format::date(closes)
        ),
        _ => window
            .message
            .unwrap_or_else(|| td_string!(lang(), dialogs.reading.closed).to_owned()),
    }
}

/// A warning about a reading, in the language shown when its code is known.
fn warning_text(w: &Warning) -> String {
    match w.code.as_str() {
        "no_previous_reading" => td_string!(lang(), dialogs.reading.first_reading).to_owned(),
        _ => w.message.clone(),
    }
}

#[component]
fn ReadingForm(
    number: String,
    meter: MeterResponse,
    done: RwSignal<Option<ReadingChargeResponse>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let inputs: Vec<(Zone, String, String, RwSignal<String>)> = meter
        .zones
        .iter()
        .map(|z| {
            (
                z.zone,
                format::zone(&z.zone).to_owned(),
                z.hours.clone(),
                RwSignal::new(String::new()),
            )
        })
        .collect();
    let inputs = StoredValue::new(inputs);
    let rollover = RwSignal::new(false);
    let preview = RwSignal::new(None::<ReadingChargeResponse>);
    let number = StoredValue::new(number);
    let meter_id = meter.id;
    let last = meter.previous_reading.clone();
    let sent_today =
        meter.last_reading.as_ref().map(|r| r.id) != meter.previous_reading.as_ref().map(|r| r.id);

    let request = move || -> Result<SubmitReadingRequest, ApiError> {
        let mut values = Vec::new();
        for (i, (zone, label, _, v)) in inputs.get_value().into_iter().enumerate() {
            let raw = v.get_untracked().trim().replace([' ', '\u{a0}'], "");
            match raw.parse::<i64>() {
                Ok(value) => values.push(ZoneValue { zone, value }),
                Err(_) => {
                    return Err(ApiError::invalid_field(
                        &format!("values[{i}].value"),
                        &td_string!(lang(), dialogs.reading.whole_number, zone = label),
                    ))
                }
            }
        }
        Ok(SubmitReadingRequest {
            values,
            rollover: rollover.get_untracked(),
        })
    };
    let send = Submission::once(
        move |req: SubmitReadingRequest, key| async move {
            api::readings::submit(session, &number.get_value(), meter_id, &req, &key).await
        },
        move |r| done.set(Some(r)),
    );
    // «Рассчитать»: the charge before sending; its failures show where the sending's do, and
    // take the last charge away.
    let calc = Submission::with_error(
        send.error(),
        move |req: SubmitReadingRequest| async move {
            let charge = api::readings::preview(session, &number.get_value(), meter_id, &req).await;
            if charge.is_err() {
                preview.set(None);
            }
            charge
        },
        move |r| preview.set(Some(r)),
    );
    let error = send.error();
    let pending = move || send.pending().get() || calc.pending().get();
    let i18n = use_i18n();
    view! {
        <p class="muted" data-testid="reading-meter">
            {format::meter_name(meter.label.as_deref(), &meter.serial)}" · "{meter.model.clone()}
            {last.as_ref().map(|l| td_string!(lang(), dialogs.reading.previous_of, date = format::date(l.taken_on)))}
        </p>
        {sent_today.then(|| view! {
            <div class="alert alert--warning" role="status">{t!(i18n, dialogs.reading.sent_today)}</div>
        })}
        <form class="form" on:submit=send.on_submit(request) novalidate>
            <ErrorAlert error=error/>
            {inputs.get_value().into_iter().enumerate().map(|(i, (zone, label, hours, value))| {
                let id = format!("reading-{zone}");
                let field = StoredValue::new(format!("values[{i}].value"));
                let message = move || error.get().and_then(|e| e.field(&field.get_value()));
                let prev = last.as_ref().and_then(|l| l.values.iter().find(|v| v.zone == zone).map(|v| v.value));
                view! {
                    <div class="field" class:field--invalid=move || message().is_some()>
                        <label class="field__label" for=id.clone()>{format!("{label} ({hours})")}</label>
                        <input class="field__input" id=id type="text" inputmode="numeric" autocomplete="off" bind:value=value
                            aria-invalid=move || message().is_some().to_string()/>
                        {prev.map(|p| view! { <p class="field__hint">{td_string!(lang(), dialogs.reading.previous_value)}{p}</p> })}
                        <Show when=move || message().is_some()><p class="field__error" role="alert">{message}</p></Show>
                    </div>
                }
            }).collect_view()}
            <label class="check"><input type="checkbox" bind:checked=rollover/><span>{t!(i18n, dialogs.reading.rollover)}</span></label>
            {move || preview.get().map(|p| view! { <Charge result=p/> })}
            <div class="form__actions">
                <button type="button" class="btn btn--secondary" on:click=move |_| calc.try_dispatch(request()) disabled=pending>{t!(i18n, dialogs.reading.calculate)}</button>
                <button type="submit" class="btn btn--primary" disabled=pending>{t!(i18n, dialogs.reading.submit)}</button>
            </div>
        </form>
    }
}

/// The charge lines, warnings and the amount due.
#[component]
fn Charge(result: ReadingChargeResponse) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="charge" data-testid="charge">
            {result.warnings.iter().map(|w| view! { <div class="alert alert--warning" role="status">{warning_text(w)}</div> }).collect_view()}
            <table class="charge__table">
                <thead><tr><th scope="col">{t!(i18n, dialogs.reading.zone)}</th><th scope="col">{t!(i18n, dialogs.reading.consumption)}</th><th scope="col">{t!(i18n, dialogs.reading.tariff)}</th><th scope="col">{t!(i18n, dialogs.reading.amount)}</th></tr></thead>
                <tbody>
                    {result.lines.iter().map(|l| view! {
                        <tr><td>{format::zone(&l.zone)}</td><td>{format::number(l.kwh)}</td><td>{format::number(l.price)}</td><td>{format::rubles(l.amount)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <dl class="charge__sum">
                <dt>{td_string!(lang(), dialogs.reading.charged_for, kwh = result.consumption)}</dt><dd data-testid="charge-total">{format::rubles(result.charge)}</dd>
                {(result.uninvoiced > rust_decimal::Decimal::ZERO).then(|| view! {
                    <dt>{t!(i18n, dialogs.reading.charged_earlier)}</dt><dd>{format::rubles(result.uninvoiced)}</dd>
                })}
                <dt>{format::balance(result.balance).0}</dt><dd>{format::balance(result.balance).1}</dd>
                <dt><strong>{t!(i18n, dialogs.reading.amount_due)}</strong></dt><dd data-testid="amount-due"><strong>{format::rubles(result.amount_due)}</strong></dd>
            </dl>
        </div>
    }
}

#[component]
fn Result(number: String, result: ReadingChargeResponse) -> impl IntoView {
    let due = result.amount_due;
    let date = result
        .reading
        .as_ref()
        .map(|r| format::date(r.taken_on))
        .unwrap_or_default();
    view! {
        <div class="alert alert--success" role="status">{td_string!(lang(), dialogs.reading.sent, date = date)}</div>
        <Charge result=result/>
        <div class="form__actions">
            <ReceiptLink number=number.clone() amount=due/>
            <PayButton number=number due=due block=true/>
        </div>
    }
}
