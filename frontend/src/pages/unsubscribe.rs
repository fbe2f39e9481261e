//! The page a reminder mail's «Отписаться» link opens (X4): what the link switches off and a
//! button that does it, without signing in (its token in the fragment, sent to the API as
//! `?token=` like the mail's own `List-Unsubscribe` URL). (Mail clients that know RFC 8058 send the one-click
//! `POST` of the mail's `List-Unsubscribe` header themselves; a link in the text must not
//! switch anything off by being opened, as link checkers and previews open links.)

use leptos::prelude::*;
use leptos::task::spawn_local;
use lk_api_types::{ErrorCode, ReminderKind, UnsubscribeResponse};

use crate::api::{self, ApiError};
use crate::components::form::{token_from_fragment, ErrorAlert, Submission};
use crate::components::layout::GuestCard;
use crate::i18n::*;
use crate::routes;

/// What the link is for, as a sentence.
fn what(r: &UnsubscribeResponse) -> String {
    let reminder = |kind: ReminderKind| -> String {
        match kind {
            ReminderKind::WindowOpens => td_string!(lang(), profile.settings.remind_window_opens),
            ReminderKind::WindowCloses => {
                td_string!(lang(), profile.settings.remind_window_closes)
            }
            ReminderKind::Invoice => td_string!(lang(), profile.settings.remind_invoice),
            ReminderKind::Payment => td_string!(lang(), profile.settings.remind_payment),
            ReminderKind::Debt => td_string!(lang(), profile.settings.remind_debt),
        }
        .to_owned()
    };
    match (r.reminder, &r.account_number) {
        (Some(kind), _) => {
            td_string!(lang(), profile.unsubscribe.reminder, name = reminder(kind)).to_string()
        }
        (None, Some(number)) => td_string!(
            lang(),
            profile.unsubscribe.paperless,
            number = number.clone()
        )
        .to_string(),
        (None, None) => String::new(),
    }
}

/// Whether the answer says the link itself is no good (not on file, or malformed), rather than
/// that the question could not be answered now.
fn spent(e: &ApiError) -> bool {
    matches!(
        e.code(),
        Some(ErrorCode::NotFound | ErrorCode::InvalidQuery | ErrorCode::ValidationFailed)
    )
}

#[component]
pub fn Unsubscribe() -> impl IntoView {
    let i18n = use_i18n();
    let token = StoredValue::new(token_from_fragment());
    // `None` while asked; then what the link is for, or why it does nothing.
    let status = RwSignal::new(None::<Result<UnsubscribeResponse, ApiError>>);
    let done = RwSignal::new(None::<UnsubscribeResponse>);
    let ask = move || match token.get_value() {
        Some(t) => {
            status.set(None);
            spawn_local(async move { status.set(Some(api::me::unsubscribe_status(&t).await)) });
        }
        None => status.set(Some(Err(ApiError::invalid_field(
            "token",
            td_string!(lang(), profile.unsubscribe.gone),
        )))),
    };
    ask();
    let off = Submission::new(
        move |t: String| async move { api::me::unsubscribe(&t).await },
        move |r: UnsubscribeResponse| done.set(Some(r)),
    );
    let error = off.error();
    let pending = off.pending();
    view! {
        <GuestCard title=td_string!(lang(), profile.unsubscribe.title)>
            {move || match (status.get(), done.get()) {
                (_, Some(r)) => view! {
                    <div class="alert alert--success" role="status" data-testid="unsubscribed">
                        {td_string!(lang(), profile.unsubscribe.done, what = what(&r))}
                    </div>
                    <a class="btn btn--secondary btn--block" href=routes::PROFILE_SETTINGS>{t!(i18n, profile.unsubscribe.settings)}</a>
                }.into_any(),
                (None, None) => view! { <p class="muted" role="status">{t!(i18n, profile.unsubscribe.checking)}</p> }.into_any(),
                (Some(Ok(r)), None) => view! {
                    <p data-testid="unsubscribe-what">{what(&r)}</p>
                    <ErrorAlert error=error/>
                    <button type="button" class="btn btn--primary btn--block" disabled=move || pending.get()
                        on:click=move |_| if let Some(t) = token.get_value() { off.dispatch(t) }>
                        {t!(i18n, profile.unsubscribe.confirm)}
                    </button>
                    <a class="btn btn--secondary btn--block" href=routes::PROFILE_SETTINGS>{t!(i18n, profile.unsubscribe.settings)}</a>
                }.into_any(),
                // A link not on file (made up, or spent): nothing to do here.
                (Some(Err(e)), None) if spent(&e) => view! {
                    <div class="alert alert--error" role="alert">{t!(i18n, profile.unsubscribe.gone)}</div>
                    <a class="btn btn--secondary btn--block" href=routes::PROFILE_SETTINGS>{t!(i18n, profile.unsubscribe.settings)}</a>
                }.into_any(),
                // No answer, or the server busy: say so, and ask again on request.
                (Some(Err(e)), None) => view! {
                    <div class="alert alert--error" role="alert">{e.message()}</div>
                    <button type="button" class="btn btn--primary btn--block" on:click=move |_| ask()>{t!(i18n, common.retry)}</button>
                }.into_any(),
            }}
        </GuestCard>
    }
}
