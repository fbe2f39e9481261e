//! Signing in, registration, e-mail confirmation and password recovery (F1.1–F1.4).

use leptos::prelude::*;
use lk_api_types::{
    ConfirmEmailRequest, ErrorCode, ForgotPasswordRequest, LoginOutcome, LoginRequest,
    RegisterRequest, RequestKind, ResetPasswordRequest, SecondFactorLogin,
};

use crate::api::{self, ApiError};
use crate::components::contact::ContactButton;
use crate::components::form::{
    optional, token_from_fragment, Checkbox, ErrorAlert, Field, Submission, Submit, SuccessAlert,
};
use crate::components::layout::GuestCard;
use crate::i18n::*;
use crate::routes;
use crate::session::Session;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // The password was right and the user signs in with a second factor: the second step.
    let challenge = RwSignal::new(None::<String>);
    // Signed in, the guest frame moves on to the page the user was going to.
    let submit = Submission::new(
        move |req: LoginRequest| async move {
            let LoginOutcome {
                access_token,
                challenge: second_step,
            } = api::auth::login(&req).await?;
            match (access_token, second_step) {
                (Some(token), _) => api::sign_in::sign_in(session, token).await,
                (None, Some(c)) => challenge.set(Some(c)),
                (None, None) => return Err(ApiError::Unexpected(200)),
            }
            Ok::<_, ApiError>(())
        },
        |()| {},
    );
    let on_submit = submit.on_submit(move || {
        Ok(LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        })
    });
    let error = submit.error();
    // The second step took too long or failed too often: back to the password, saying why.
    let restart = move |e: Option<ApiError>| {
        password.set(String::new());
        challenge.set(None);
        match e {
            Some(e) => submit.fail(e),
            None => submit.clear(),
        }
    };

    view! {
        <GuestCard title=td_string!(lang(), auth.login.title)>
            {move || match challenge.get() {
                Some(c) => view! { <SecondStep challenge=c restart/> }.into_any(),
                None => view! {
                    <form class="form" on:submit=on_submit novalidate>
                        <ErrorAlert error=error/>
                        <Field label=td_string!(lang(), auth.email) name="email" kind="email" autocomplete="username" inputmode="email" required=true value=email error=error/>
                        <Field label=td_string!(lang(), auth.password) name="password" kind="password" autocomplete="current-password" required=true value=password error=error/>
                        <Submit label=td_string!(lang(), auth.log_in) pending=submit.pending()/>
                    </form>
                }.into_any(),
            }}
            <div class="guest__links">
                <a class="btn btn--secondary btn--block" href=routes::REGISTER>{t!(i18n, auth.login.sign_up)}</a>
                <a href=routes::FORGOT_PASSWORD>{t!(i18n, auth.login.forgot)}</a>
                <a href=routes::GUEST_READINGS>{t!(i18n, auth.login.guest_readings)}</a>
                <a href=routes::GUEST_PAY>{t!(i18n, auth.login.guest_pay)}</a>
                <ContactButton kind=RequestKind::Support label=td_string!(lang(), auth.login.support)/>
            </div>
        </GuestCard>
    }
}

/// Sign-in, step two: a code from the authenticator app, or a recovery code.
#[component]
fn SecondStep(
    challenge: String,
    restart: impl Fn(Option<ApiError>) + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let code = RwSignal::new(String::new());
    let submit = Submission::new(
        move |req: SecondFactorLogin| async move {
            let t = api::auth::login_second_factor(&req).await?;
            api::sign_in::sign_in(session, t.access_token).await;
            Ok::<_, ApiError>(())
        },
        |()| {},
    );
    let error = submit.error();
    Effect::new(move |_| {
        if let Some(e) = error.get() {
            if e.code() == Some(ErrorCode::SignInExpired) {
                restart(Some(e));
            }
        }
    });
    let challenge = StoredValue::new(challenge);
    let on_submit = submit.on_submit(move || {
        Ok(SecondFactorLogin {
            challenge: challenge.get_value(),
            code: code.get_untracked(),
        })
    });
    // The page changed under the user: the focus goes to the new step's heading.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <form class="form" on:submit=on_submit novalidate data-testid="second-factor">
            <h2 class="card__title" tabindex="-1" node_ref=heading>{t!(i18n, auth.second.title)}</h2>
            <p class="muted">{t!(i18n, auth.second.intro)}</p>
            <ErrorAlert error=error/>
            <Field label=td_string!(lang(), auth.second.code) name="code" autocomplete="one-time-code" required=true value=code error=error/>
            <Submit label=td_string!(lang(), auth.second.confirm) pending=submit.pending()/>
            <button type="button" class="btn btn--ghost btn--block" on:click=move |_| restart(None)>{t!(i18n, auth.second.back)}</button>
        </form>
    }
}

#[component]
pub fn Register() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let password2 = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let patronymic = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);

    let submit = Submission::new(
        move |req: RegisterRequest| async move { api::auth::register(&req).await },
        // The server's sentence, in the language on screen.
        move |_| {
            let to = email.get_untracked().trim().to_owned();
            done.set(Some(
                td_string!(lang(), auth.done.registered, email = to).to_string(),
            ))
        },
    );
    let on_submit = submit.on_submit(move || {
        if password.get_untracked() != password2.get_untracked() {
            return Err(ApiError::invalid_field(
                "password2",
                td_string!(lang(), auth.passwords_differ),
            ));
        }
        Ok(RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            last_name: optional(last_name),
            first_name: optional(first_name),
            patronymic: optional(patronymic),
            phone: optional(phone),
            personal_data_consent: consent.get_untracked(),
        })
    });
    let error = submit.error();

    view! {
        <GuestCard title=td_string!(lang(), auth.register.title)>
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <SuccessAlert message=done/>
                    <p class="muted">{t!(i18n, auth.register.no_letter)}</p>
                    <a class="btn btn--primary btn--block" href=routes::LOGIN>{t!(i18n, auth.to_login)}</a>
                }
            >
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <Field label=td_string!(lang(), auth.email) name="email" kind="email" autocomplete="email" inputmode="email" required=true value=email error=error/>
                    <Field label=td_string!(lang(), auth.password) name="password" kind="password" autocomplete="new-password" required=true value=password error=error
                        hint=td_string!(lang(), auth.password_hint)/>
                    <Field label=td_string!(lang(), auth.password_repeat) name="password2" kind="password" autocomplete="new-password" required=true value=password2 error=error/>
                    <div class="form__row">
                        <Field label=td_string!(lang(), auth.register.last_name) name="last_name" autocomplete="family-name" value=last_name error=error/>
                        <Field label=td_string!(lang(), auth.register.first_name) name="first_name" autocomplete="given-name" value=first_name error=error/>
                    </div>
                    <div class="form__row">
                        <Field label=td_string!(lang(), auth.register.patronymic) name="patronymic" autocomplete="additional-name" value=patronymic error=error/>
                        <Field label=td_string!(lang(), auth.register.phone) name="phone" kind="tel" autocomplete="tel" inputmode="tel" value=phone error=error/>
                    </div>
                    <Checkbox name="personal_data_consent" checked=consent error=error>
                        {t!(i18n, auth.register.consent)}
                    </Checkbox>
                    <Submit label=td_string!(lang(), auth.register.submit) pending=submit.pending()/>
                </form>
                <div class="guest__links">
                    <a href=routes::LOGIN>{t!(i18n, auth.register.have_account)}</a>
                </div>
            </Show>
        </GuestCard>
    }
}

#[component]
pub fn ConfirmEmail() -> impl IntoView {
    let i18n = use_i18n();
    let result = RwSignal::new(None::<Result<String, ApiError>>);
    let confirm = Action::new_local(move |token: &String| {
        let req = ConfirmEmailRequest {
            token: token.clone(),
        };
        async move {
            let r = api::auth::confirm_email(&req).await;
            result.set(Some(
                r.map(|_| td_string!(lang(), auth.done.confirmed).to_owned()),
            ));
        }
    });
    match token_from_fragment() {
        Some(t) => {
            confirm.dispatch(t);
        }
        None => result.set(Some(Err(ApiError::invalid_field(
            "token",
            td_string!(lang(), auth.confirm.no_code),
        )))),
    }
    view! {
        <GuestCard title=td_string!(lang(), auth.confirm.title)>
            {move || match result.get() {
                None => view! { <p class="muted" role="status">{t!(i18n, auth.confirm.checking)}</p> }.into_any(),
                Some(Ok(msg)) => view! {
                    <div class="alert alert--success" role="status">{msg}</div>
                    <a class="btn btn--primary btn--block" href=routes::LOGIN>{t!(i18n, auth.log_in)}</a>
                }.into_any(),
                Some(Err(e)) => view! {
                    <div class="alert alert--error" role="alert">{e.field("token").unwrap_or_else(|| e.message())}</div>
                    <a class="btn btn--secondary btn--block" href=routes::LOGIN>{t!(i18n, auth.to_login)}</a>
                }.into_any(),
            }}
        </GuestCard>
    }
}

#[component]
pub fn ForgotPassword() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let submit = Submission::new(
        move |req: ForgotPasswordRequest| async move { api::auth::forgot_password(&req).await },
        move |_| done.set(Some(td_string!(lang(), auth.done.reset_sent).to_owned())),
    );
    let on_submit = submit.on_submit(move || {
        Ok(ForgotPasswordRequest {
            email: email.get_untracked(),
        })
    });
    let error = submit.error();
    view! {
        <GuestCard title=td_string!(lang(), auth.forgot.title)>
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <SuccessAlert message=done/>
                    <a class="btn btn--primary btn--block" href=routes::LOGIN>{t!(i18n, auth.to_login)}</a>
                }
            >
                <p class="muted">{t!(i18n, auth.forgot.lead)}</p>
                <form class="form" on:submit=on_submit novalidate>
                    <ErrorAlert error=error/>
                    <Field label=td_string!(lang(), auth.email) name="email" kind="email" autocomplete="username" inputmode="email" required=true value=email error=error/>
                    <Submit label=td_string!(lang(), auth.forgot.submit) pending=submit.pending()/>
                </form>
                <div class="guest__links"><a href=routes::LOGIN>{t!(i18n, auth.forgot.remembered)}</a></div>
            </Show>
        </GuestCard>
    }
}

#[component]
pub fn ResetPassword() -> impl IntoView {
    let i18n = use_i18n();
    let token = StoredValue::new(token_from_fragment());
    let has_token = token.with_value(Option::is_some);
    let password = RwSignal::new(String::new());
    let password2 = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let submit = Submission::new(
        move |req: ResetPasswordRequest| async move { api::auth::reset_password(&req).await },
        move |_| {
            done.set(Some(
                td_string!(lang(), auth.done.password_reset).to_owned(),
            ))
        },
    );
    let on_submit = submit.on_submit(move || {
        if password.get_untracked() != password2.get_untracked() {
            return Err(ApiError::invalid_field(
                "password2",
                td_string!(lang(), auth.passwords_differ),
            ));
        }
        Ok(ResetPasswordRequest {
            token: token.get_value().unwrap_or_default(),
            new_password: password.get_untracked(),
        })
    });
    let error = submit.error();
    view! {
        <GuestCard title=td_string!(lang(), auth.reset.title)>
            <Show
                when=move || done.get().is_none()
                fallback=move || view! {
                    <SuccessAlert message=done/>
                    <a class="btn btn--primary btn--block" href=routes::LOGIN>{t!(i18n, auth.log_in)}</a>
                }
            >
                <Show when=move || has_token fallback=move || view! {
                    <div class="alert alert--error" role="alert">{t!(i18n, auth.reset.incomplete)}</div>
                    <a class="btn btn--secondary btn--block" href=routes::FORGOT_PASSWORD>{t!(i18n, auth.reset.recover)}</a>
                }>
                    <form class="form" on:submit=on_submit novalidate>
                        <ErrorAlert error=error/>
                        <Field label=td_string!(lang(), auth.reset.new_password) name="new_password" kind="password" autocomplete="new-password" required=true value=password error=error
                            hint=td_string!(lang(), auth.password_hint)/>
                        <Field label=td_string!(lang(), auth.password_repeat) name="password2" kind="password" autocomplete="new-password" required=true value=password2 error=error/>
                        <Submit label=td_string!(lang(), auth.reset.submit) pending=submit.pending()/>
                    </form>
                    <Show when=move || error.get().is_some_and(|e| e.code() == Some(ErrorCode::InvalidToken))>
                        <a class="btn btn--secondary btn--block" href=routes::FORGOT_PASSWORD>{t!(i18n, auth.reset.new_link)}</a>
                    </Show>
                </Show>
            </Show>
        </GuestCard>
    }
}
