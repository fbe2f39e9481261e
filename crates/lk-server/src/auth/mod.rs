//! Registration, e-mail confirmation, login, refresh-token rotation, logout and password
//! recovery (SPEC F1.1–F1.3, F2.6).

pub mod two_factor;

use std::future::{ready, Ready};

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::{Duration, Utc};
use lk_api_types::{
    ConfirmEmailRequest, ErrorCode, ForgotPasswordRequest, LoginRequest, MessageResponse,
    RegisterRequest, RegisterResponse, ResetPasswordRequest, TokenResponse,
};
use lk_domain::{Password, Role};

use crate::client::{client_ip, client_of};
use crate::db::{Device, NewUser, Rotation, TokenPurpose};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::fields::{email_field, parse_email, parse_personal_data, password_error};
use crate::mail::templates;
use crate::responses::{BadRequest, Forbidden, TooManyRequests, Unauthorized};
use crate::security::device::{DEVICE_COOKIE, DEVICE_COOKIE_DAYS, DEVICE_COOKIE_PATH};
use crate::security::tokens::{self, REFRESH_COOKIE};
use crate::state::AppState;
use crate::throttle::Rules;

const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
/// A cookie beside `lk_refresh` with no secret in it, readable by the SPA: it only says that a
/// session may exist, so a guest's pages do not probe `/auth/refresh` (and log a 401) at all.
pub const SESSION_HINT_COOKIE: &str = "lk_session";
const CONFIRM_TTL_HOURS: i64 = 48;
const RESET_TTL_HOURS: i64 = 1;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(register)
        .service(confirm_email)
        .service(login)
        .service(refresh_session)
        .service(logout)
        .service(forgot_password)
        .service(reset_password);
    two_factor::routes(cfg);
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Sessions and cookies.

fn refresh_cookie(state: &AppState, value: &str) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value.to_owned())
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .secure(state.config.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(state.config.refresh_token_ttl_days))
        .finish()
}

fn expired_refresh_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = refresh_cookie(state, "");
    c.make_removal();
    c
}

fn session_hint_cookie(state: &AppState) -> Cookie<'static> {
    Cookie::build(SESSION_HINT_COOKIE, "1")
        .path("/")
        .secure(state.config.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(state.config.refresh_token_ttl_days))
        .finish()
}

fn expired_session_hint_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = session_hint_cookie(state);
    c.make_removal();
    c
}

fn device_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, value)
        .path(DEVICE_COOKIE_PATH)
        .http_only(true)
        .secure(state.config.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(DEVICE_COOKIE_DAYS))
        .finish()
}

fn token_response(state: &AppState, access_token: String, refresh: &str) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(refresh_cookie(state, refresh))
        .cookie(session_hint_cookie(state))
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: lk_api_types::TokenType::Bearer,
            expires_in: state.jwt.ttl_secs,
        })
}

/// Starts a session (a new refresh-token family) and answers with its tokens.
async fn start_session(
    state: &AppState,
    req: &HttpRequest,
    user_id: i64,
    role: Role,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let session_id = uuid::Uuid::new_v4().to_string();
    let refresh = tokens::random_token();
    let ua = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(300).collect::<String>());
    state
        .store
        .create_session(
            &session_id,
            user_id,
            &tokens::digest(&refresh),
            now + Duration::days(state.config.refresh_token_ttl_days),
            Device {
                user_agent: ua.as_deref(),
                ip: client_of(req).ip.map(|ip| ip.to_string()).as_deref(),
            },
            now,
        )
        .await?;
    let access = state.jwt.issue(user_id, &session_id, role, now)?;
    tracing::info!(user_id, "session started");
    Ok(token_response(state, access, &refresh))
}

/// Marker so handlers can ask for the refresh cookie's value.
struct RefreshCookie(Option<String>);

impl FromRequest for RefreshCookie {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(RefreshCookie(
            req.cookie(REFRESH_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|v| !v.is_empty()),
        )))
    }
}

/// Issues a single-use token for `purpose`, stored hashed, and queues the mail that carries
/// its link.
async fn mail_link(
    state: &AppState,
    user_id: i64,
    purpose: TokenPurpose,
    ttl: Duration,
    now: chrono::DateTime<Utc>,
    mail: impl FnOnce(&str) -> crate::mail::Mail,
) -> ApiResult<()> {
    let token = tokens::random_token();
    state
        .store
        .create_one_time_token(&tokens::digest(&token), user_id, purpose, now + ttl, now)
        .await?;
    state.mail.enqueue(mail(&token)).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Handlers.

/// Register a subscriber.
///
/// Sends a confirmation link by e-mail. The answer is the same whether or not the address is
/// already registered (the owner of an existing address gets a notice instead), so the
/// endpoint does not reveal who has an account.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    params(("Accept-Language" = Option<String>, Header, description = "The language of the page (`ru`, the default, or `en`): the new user's language and that of the confirmation e-mail")),
    responses(
        (status = 201, description = "Registered; confirmation e-mail sent", body = RegisterResponse),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/auth/register")]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let now = Utc::now();
    let rules = Rules::of(&state.config.throttle);
    let (store, metrics) = (state.store.as_ref(), &state.metrics);
    rules
        .register_ip
        .hit(store, metrics, &client_ip(&req), now)
        .await?;

    let mut errors = Vec::new();
    let email = email_field(&body.email, &mut errors);
    let password = match Password::parse(&body.password, &body.email) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(password_error("password", e));
            None
        }
    };
    let [last_name, first_name, patronymic, phone] = parse_personal_data(
        body.last_name.as_deref(),
        body.first_name.as_deref(),
        body.patronymic.as_deref(),
        body.phone.as_deref(),
        &mut errors,
    );
    if !body.personal_data_consent {
        errors.push(lk_api_types::FieldError {
            field: "personal_data_consent".into(),
            code: "consent_required".into(),
            message: "Необходимо согласие на обработку персональных данных.".into(),
        });
    }
    let (Some(email), Some(password), true) = (email, password, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    rules
        .register_email
        .hit(store, metrics, &email.normalized(), now)
        .await?;

    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    let new = NewUser {
        email: email.as_str().to_owned(),
        email_normalized: email.normalized(),
        password_hash: hash,
        last_name,
        first_name,
        patronymic,
        phone,
        role: Role::Subscriber,
        email_confirmed_at: None,
        personal_data_consent_at: Some(now),
        now,
    };
    // The language the guest reads the portal in (the SPA sends it as `Accept-Language`): the
    // new user's, and that of their confirmation mail.
    let language = crate::i18n::request_language(&req);
    match state.store.create_user(&new).await {
        Ok(user) => {
            state.store.set_language(user.id, language, now).await?;
            mail_link(
                &state,
                user.id,
                TokenPurpose::ConfirmEmail,
                Duration::hours(CONFIRM_TTL_HOURS),
                now,
                |token| templates::confirm_email(&state.config, language, email.as_str(), token),
            )
            .await?;
            tracing::info!(user_id = user.id, "user registered");
        }
        Err(crate::db::StoreError::Conflict(crate::db::Constraint::UserEmail)) => {
            // The address is a user's: the mail is in their language.
            let language = match state.store.user_by_email(&email.normalized()).await? {
                Some(user) => state.store.language(user.id).await?,
                None => language,
            };
            state
                .mail
                .enqueue(templates::already_registered(
                    &state.config,
                    language,
                    email.as_str(),
                ))
                .await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(HttpResponse::Created().json(RegisterResponse {
        message: format!(
            "На адрес {} отправлено письмо со ссылкой для подтверждения. Перейдите по ней, чтобы завершить регистрацию.",
            email.as_str()
        ),
    }))
}

/// Confirm an e-mail address with the token from the confirmation link.
///
/// An unknown, used or expired token is 400 `invalid_token`.
#[utoipa::path(
    tag = "auth",
    request_body = ConfirmEmailRequest,
    responses(
        (status = 200, description = "Address confirmed", body = MessageResponse),
        (status = 400, response = BadRequest),
    )
)]
#[post("/auth/confirm-email")]
#[tracing::instrument(skip_all)]
pub async fn confirm_email(
    state: web::Data<AppState>,
    body: Json<ConfirmEmailRequest>,
) -> ApiResult<web::Json<MessageResponse>> {
    match state
        .store
        .confirm_email(&tokens::digest(body.token.trim()), Utc::now())
        .await?
    {
        Some(user_id) => {
            tracing::info!(user_id, "e-mail confirmed");
            Ok(web::Json(MessageResponse {
                message: "Адрес электронной почты подтверждён. Теперь вы можете войти.".into(),
            }))
        }
        None => Err(invalid_link()),
    }
}

fn invalid_link() -> ApiError {
    ApiError::BadRequest {
        code: ErrorCode::InvalidToken,
        detail: "Ссылка недействительна: она уже использована или устарела. Запросите новую."
            .into(),
    }
}

/// Sign in with e-mail and password.
///
/// Returns an access token and sets the refresh token as an HttpOnly cookie, and a device
/// cookie that marks this browser as one the account has signed in from. A wrong e-mail and a
/// wrong password get the same answer. Failed attempts are limited per IP address, per known
/// browser of the account, and for all other browsers of the account together (429 with
/// `Retry-After`): a stranger's guesses never lock the owner's own browser out.
/// Wrong credentials are 401 `invalid_credentials`; an unconfirmed address is 403
/// `email_not_confirmed`. A user with two-factor sign-in gets 202 and a challenge instead of
/// tokens: the second step is `/auth/login/second-factor`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as the `lk_refresh` cookie", body = TokenResponse),
        (status = 202, description = "The password is right and the user signs in with a second factor: send a code with the challenge to `/auth/login/second-factor`", body = lk_api_types::SecondFactorChallenge),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.into_inner();
    let now = Utc::now();
    let rules = Rules::of(&state.config.throttle);
    let (store, metrics) = (state.store.as_ref(), &state.metrics);
    let email = parse_email(&email)?;
    let key = email.normalized();
    let ip_attempt = rules
        .login_ip
        .attempt(store, metrics, &client_ip(&req), now)
        .await?;
    let user = store.user_by_email(&key).await?;
    // A browser this account signed in from (with its current password) has an allowance of
    // its own.
    let device = req.cookie(DEVICE_COOKIE).and_then(|c| {
        let u = user.as_ref()?;
        state.device_keys.verify(c.value(), &key, &u.password_hash)
    });
    let (rule, subject) = match &device {
        Some(d) => (rules.login_device, d.clone()),
        None => (rules.login_email, key.clone()),
    };
    let attempt = rule.attempt(store, metrics, &subject, now).await?;
    let failed = || {
        metrics.login(false);
        tracing::info!(known_device = device.is_some(), "login failed");
        ApiError::Unauthorized(ErrorCode::InvalidCredentials)
    };
    if password.is_empty() || password.chars().count() > lk_domain::password::MAX_LEN {
        return Err(failed());
    }

    let ok = match state
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await
    {
        Ok(ok) => ok,
        Err(busy) => {
            // Not checked (every hashing slot busy): the attempt does not count.
            attempt.give_back(store).await?;
            ip_attempt.give_back(store).await?;
            return Err(busy);
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        return Err(failed());
    };
    // The owner proved themselves: their failures from this browser are forgotten, and the
    // attempt does not count against the address.
    drop(attempt);
    rule.clear(store, &subject).await?;
    ip_attempt.give_back(store).await?;
    metrics.login(true);
    if user.email_confirmed_at.is_none() {
        return Err(ApiError::Forbidden(ErrorCode::EmailNotConfirmed));
    }
    if user.disabled_at.is_some() {
        tracing::info!(user_id = user.id, "login of a disabled user refused");
        return Err(ApiError::Forbidden(ErrorCode::AccountDisabled));
    }
    let mut resp = if crate::access::two_factor_enabled(&state, user.id).await? {
        two_factor::challenge(&state, user.id, now).await?
    } else {
        start_session(&state, &req, user.id, user.role).await?
    };
    resp.add_cookie(&device_cookie(
        &state,
        state.device_keys.issue(&key, &user.password_hash),
    ))
    .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(resp)
}

/// Exchange the refresh cookie for a new access token (and a new refresh cookie).
///
/// Refresh tokens rotate on every use. Concurrent refreshes with one token (two tabs opened
/// together, two nodes) all succeed within a few seconds' grace window; presenting a token
/// rotated earlier than that — a sign that it was stolen — ends the whole session.
#[utoipa::path(
    tag = "auth",
    security(("refresh_cookie" = [])),
    responses(
        (status = 200, description = "New tokens; the `lk_refresh` cookie is replaced (and `lk_session`, which holds no secret, renewed)", body = TokenResponse),
        (status = 401, response = Unauthorized),
    )
)]
#[post("/auth/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    cookie: RefreshCookie,
) -> ApiResult<HttpResponse> {
    let unauthorized = |code| {
        let mut resp = actix_web::ResponseError::error_response(&ApiError::Unauthorized(code));
        let _ = resp.add_cookie(&expired_refresh_cookie(&state));
        let _ = resp.add_cookie(&expired_session_hint_cookie(&state));
        Ok(resp)
    };
    let Some(old) = cookie.0 else {
        return unauthorized(ErrorCode::NoSession);
    };
    let now = Utc::now();
    let new = tokens::random_token();
    let ip = client_of(&req).ip.map(|ip| ip.to_string());
    let outcome = state
        .store
        .rotate_refresh_token(
            &tokens::digest(&old),
            &tokens::digest(&new),
            now + Duration::days(state.config.refresh_token_ttl_days),
            now,
            Duration::seconds(state.config.refresh_reuse_grace_secs),
            ip.as_deref(),
        )
        .await?;
    match outcome {
        Rotation::Rotated {
            user_id,
            session_id,
        } => {
            let Some(user) = state.store.user_by_id(user_id).await? else {
                return unauthorized(ErrorCode::NoSession);
            };
            let access = state.jwt.issue(user.id, &session_id, user.role, now)?;
            Ok(token_response(&state, access, &new))
        }
        Rotation::Reused => {
            tracing::warn!("rotated refresh token replayed; session revoked");
            unauthorized(ErrorCode::RefreshTokenReused)
        }
        Rotation::Invalid => unauthorized(ErrorCode::NoSession),
    }
}

/// Sign out: ends the session of the refresh cookie and clears it.
#[utoipa::path(
    tag = "auth",
    security(("refresh_cookie" = []), ()),
    responses((status = 204, description = "Signed out; the `lk_refresh` and `lk_session` cookies are cleared")),
)]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(state: web::Data<AppState>, cookie: RefreshCookie) -> ApiResult<HttpResponse> {
    if let Some(token) = cookie.0 {
        state
            .store
            .revoke_session_by_token(&tokens::digest(&token), Utc::now())
            .await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(expired_refresh_cookie(&state))
        .cookie(expired_session_hint_cookie(&state))
        .finish())
}

/// Ask for a password-reset link.
///
/// Always 202, whether or not the address is registered. The link is valid for one hour and
/// works once.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the address is registered, a link was sent", body = MessageResponse),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/auth/password/forgot")]
#[tracing::instrument(skip_all)]
pub async fn forgot_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<ForgotPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let rules = Rules::of(&state.config.throttle);
    let (store, metrics) = (state.store.as_ref(), &state.metrics);
    rules
        .forgot_ip
        .hit(store, metrics, &client_ip(&req), now)
        .await?;
    let email = parse_email(&body.email)?;
    rules
        .forgot_email
        .hit(store, metrics, &email.normalized(), now)
        .await?;
    if let Some(user) = state.store.user_by_email(&email.normalized()).await? {
        let language = state.store.language(user.id).await?;
        mail_link(
            &state,
            user.id,
            TokenPurpose::ResetPassword,
            Duration::hours(RESET_TTL_HOURS),
            now,
            |token| templates::reset_password(&state.config, language, &user.email, token),
        )
        .await?;
    }
    Ok(HttpResponse::Accepted().json(MessageResponse {
        message: "Если этот адрес зарегистрирован, на него отправлено письмо со ссылкой для восстановления пароля.".into(),
    }))
}

/// Set a new password with the token from the reset link.
///
/// The token works once. All sessions of the user end. An unknown, used or expired token is
/// 400 `invalid_token`; a new password that breaks the rules is 422 `validation_failed`.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "Password changed", body = MessageResponse),
        (status = 400, response = BadRequest),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/auth/password/reset")]
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: web::Data<AppState>,
    body: Json<ResetPasswordRequest>,
) -> ApiResult<web::Json<MessageResponse>> {
    let ResetPasswordRequest {
        token,
        new_password,
    } = body.into_inner();
    let now = Utc::now();
    let digest = tokens::digest(token.trim());
    let user_id = state
        .store
        .peek_one_time_token(&digest, TokenPurpose::ResetPassword, now)
        .await?
        .ok_or_else(invalid_link)?;
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .ok_or_else(invalid_link)?;
    let password = Password::parse(&new_password, &user.email)
        .map_err(|e| ApiError::Validation(vec![password_error("new_password", e)]))?;
    let hash = state.hasher.hash(password.expose().to_owned()).await?;
    state
        .store
        .reset_password(&digest, &hash, now)
        .await?
        .ok_or_else(invalid_link)?;
    tracing::info!(user_id, "password reset");
    state
        .mail
        .enqueue(templates::password_changed(
            &state.config,
            state.store.language(user_id).await?,
            &user.email,
        ))
        .await?;
    Ok(web::Json(MessageResponse {
        message: "Пароль изменён. Войдите с новым паролем.".into(),
    }))
}
