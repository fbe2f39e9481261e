//! «Двухфакторная аутентификация» (X9): turning sign-in with a code from an authenticator app
//! on (the password, then a QR code or key for the app and its first code), the ten recovery
//! codes shown once (with a download), new codes, and turning it off with a code or the
//! password. Where the company requires it (staff), it cannot be turned off.

use leptos::prelude::*;
use lk_api_types::{
    RecoveryCodes, TwoFactorCode, TwoFactorDisableRequest, TwoFactorEnrolRequest,
    TwoFactorEnrolment, TwoFactorStatus,
};

use crate::api;
use crate::components::form::{optional, ErrorAlert, Field, Submission, Submit, SuccessAlert};
use crate::components::layout::Splash;
use crate::i18n::*;
use crate::session::Session;

#[derive(Clone)]
enum Step {
    /// On or off, as the server says.
    Status,
    /// A secret for the app, waiting for its first code.
    Enrolling(TwoFactorEnrolment),
    /// Just turned on (or renewed): the recovery codes, shown once.
    Codes(Vec<String>),
}

#[component]
pub fn TwoFactor() -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let status = LocalResource::new(move || api::me::two_factor(session));
    let step = RwSignal::new(Step::Status);
    let done = RwSignal::new(None::<String>);
    // Each step replaces the card's content: the focus goes to its heading.
    let heading = NodeRef::<leptos::html::H2>::new();
    let to_heading = move || {
        if let Some(h) = heading.get_untracked() {
            let _ = h.focus();
        }
    };
    let go = move |s: Step, message: Option<String>| {
        done.set(message);
        step.set(s);
        status.refetch();
        to_heading();
    };

    view! {
        <div class="card two-factor" data-testid="two-factor">
            <h2 class="card__title" tabindex="-1" node_ref=heading>{t!(i18n, profile.two_factor.title)}</h2>
            <SuccessAlert message=done/>
            {move || match step.get() {
                Step::Enrolling(e) => view! { <Enrol enrolment=e go/> }.into_any(),
                Step::Codes(codes) => view! { <Codes codes go/> }.into_any(),
                Step::Status => match status.get() {
                    None => view! { <Splash/> }.into_any(),
                    Some(Err(e)) => view! {
                        <div class="alert alert--error" role="alert">{e.message()}</div>
                        <button type="button" class="btn btn--secondary" on:click=move |_| status.refetch()>{t!(i18n, common.retry)}</button>
                    }.into_any(),
                    Some(Ok(s)) if s.enabled => view! { <On status=s go/> }.into_any(),
                    Some(Ok(s)) => view! { <Off status=s go/> }.into_any(),
                },
            }}
        </div>
    }
}

/// Off: the password starts enrolment.
#[component]
fn Off(
    status: TwoFactorStatus,
    go: impl Fn(Step, Option<String>) + Copy + 'static,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let enrol = Submission::new(
        move |req: TwoFactorEnrolRequest| async move { api::me::enrol_two_factor(session, &req).await },
        move |e: TwoFactorEnrolment| go(Step::Enrolling(e), None),
    );
    let on_submit = enrol.on_submit(move || {
        Ok(TwoFactorEnrolRequest {
            password: password.get_untracked(),
        })
    });
    let error = enrol.error();
    view! {
        <p>{t!(i18n, profile.two_factor.off)}</p>
        {status.required.then(|| view! { <p class="alert alert--warning">{t!(i18n, profile.two_factor.required)}</p> })}
        <form class="form" on:submit=on_submit novalidate>
            <ErrorAlert error=error/>
            <Field label=td_string!(lang(), profile.two_factor.password) name="password" kind="password" autocomplete="current-password" required=true value=password error=error/>
            <Submit label=td_string!(lang(), profile.two_factor.enable) pending=enrol.pending()/>
        </form>
    }
}

/// The secret for the app, as a QR code and as a key, and its first code.
#[component]
fn Enrol(
    enrolment: TwoFactorEnrolment,
    go: impl Fn(Step, Option<String>) + Copy + 'static,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let confirm = Submission::new(
        move |req: TwoFactorCode| async move { api::me::confirm_two_factor(session, &req).await },
        move |r: RecoveryCodes| {
            go(
                Step::Codes(r.codes),
                Some(td_string!(lang(), profile.two_factor.enabled).into()),
            )
        },
    );
    let on_submit = confirm.on_submit(move || {
        Ok(TwoFactorCode {
            code: code.get_untracked(),
        })
    });
    let error = confirm.error();
    let secret = enrolment.secret.clone();
    view! {
        <p>{t!(i18n, profile.two_factor.scan)}</p>
        // The server's own SVG (a QR code of the otpauth URI): no user text inside.
        <div class="two-factor__qr" role="img" aria-label=td_string!(lang(), profile.two_factor.qr_label) inner_html=enrolment.qr_svg></div>
        <p class="two-factor__secret" data-testid="two-factor-secret">{td_string!(lang(), profile.two_factor.secret, secret = secret)}</p>
        <form class="form" on:submit=on_submit novalidate>
            <ErrorAlert error=error/>
            <Field label=td_string!(lang(), profile.two_factor.first_code) name="code" autocomplete="one-time-code" inputmode="numeric" required=true value=code error=error/>
            <Submit label=td_string!(lang(), profile.two_factor.confirm) pending=confirm.pending()/>
            <button type="button" class="btn btn--ghost btn--block" on:click=move |_| go(Step::Status, None)>{t!(i18n, profile.two_factor.cancel)}</button>
        </form>
    }
}

/// The recovery codes, once, with a download.
#[component]
fn Codes(codes: Vec<String>, go: impl Fn(Step, Option<String>) + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let text = format!(
        "{}\n\n{}\n",
        td_string!(lang(), profile.two_factor.codes_file),
        codes.join("\n")
    );
    let download = move |_| {
        let _ = api::save(
            text.as_bytes(),
            "text/plain;charset=utf-8",
            "lk-recovery-codes.txt",
        );
    };
    view! {
        <p class="alert alert--warning">{t!(i18n, profile.two_factor.save_codes)}</p>
        <ul class="two-factor__codes" aria-label=td_string!(lang(), profile.two_factor.codes_label) data-testid="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <div class="two-factor__actions">
            <button type="button" class="btn btn--secondary" on:click=download>{t!(i18n, profile.two_factor.download)}</button>
            <button type="button" class="btn btn--primary" on:click=move |_| go(Step::Status, None)>{t!(i18n, profile.two_factor.done)}</button>
        </div>
    }
}

/// On: codes left; turning it off (a code or the password), new recovery codes (a code).
#[component]
fn On(
    status: TwoFactorStatus,
    go: impl Fn(Step, Option<String>) + Copy + 'static,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let disable = Submission::new(
        move |req: TwoFactorDisableRequest| async move {
            api::me::disable_two_factor(session, &req).await
        },
        move |_| {
            go(
                Step::Status,
                Some(td_string!(lang(), profile.two_factor.disabled).into()),
            )
        },
    );
    let error = disable.error();
    let renew = Submission::with_error(
        error,
        move |req: TwoFactorCode| async move { api::me::new_recovery_codes(session, &req).await },
        move |r: RecoveryCodes| go(Step::Codes(r.codes), None),
    );
    let on_disable = disable.on_submit(move || {
        Ok(TwoFactorDisableRequest {
            code: optional(code),
            password: optional(password),
        })
    });
    let on_renew = renew.on_submit(move || {
        Ok(TwoFactorCode {
            code: code.get_untracked(),
        })
    });
    // Where it cannot be turned off, Enter in the code asks for new recovery codes.
    let required = status.required;
    let on_submit = move |ev| {
        if required {
            on_renew(ev)
        } else {
            on_disable(ev)
        }
    };
    let left = status.recovery_codes_left.to_string();
    view! {
        <p>{t!(i18n, profile.two_factor.on)}" "{td_string!(lang(), profile.two_factor.codes_left, n = left)}</p>
        {if status.required {
            view! { <p class="muted">{t!(i18n, profile.two_factor.required)}</p> }.into_any()
        } else {
            ().into_any()
        }}
        <form class="form" on:submit=on_submit novalidate>
            <ErrorAlert error=error/>
            <Field label=td_string!(lang(), profile.two_factor.code_or_password) name="code" autocomplete="one-time-code" value=code error=error/>
            {(!status.required).then(|| view! {
                <Field label=td_string!(lang(), profile.two_factor.or_password) name="password" kind="password" autocomplete="current-password" value=password error=error/>
            })}
            <div class="two-factor__actions">
                {(!status.required).then(|| view! {
                    <Submit label=td_string!(lang(), profile.two_factor.disable) pending=disable.pending()/>
                })}
                <button type="button" class="btn btn--secondary" disabled=move || renew.pending().get()
                    on:click=move |_| renew.dispatch(TwoFactorCode { code: code.get_untracked() })>{t!(i18n, profile.two_factor.new_codes)}</button>
            </div>
            <p class="muted">{t!(i18n, profile.two_factor.new_codes_hint)}</p>
        </form>
    }
}
