//! Two-factor sign-in (X9): TOTP (RFC 6238) from an authenticator app, ten one-time recovery
//! codes, and the second step of a sign-in. The codes' rules are in
//! [`lk_domain::two_factor`]; the HMAC is computed by `totp-rs`; everything that happens once
//! (a code's time step, a recovery code, a challenge's attempts) is one atomic statement in the
//! store, so it holds across nodes and parallel requests.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use lk_api_types::{
    ErrorCode, FieldError, RecoveryCodes, SecondFactorChallenge, SecondFactorLogin, TwoFactorCode,
    TwoFactorDisableRequest, TwoFactorEnrolRequest, TwoFactorEnrolment, TwoFactorStatus,
};
use lk_domain::two_factor::{self as rules, SecondFactor};
use lk_domain::Role;
use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::access::{confirm_password, CurrentUser};
use crate::db::TwoFactorRecord;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::responses::{Conflict, Forbidden, TooManyRequests, Unauthorized, Unprocessable};
use crate::security::tokens;
use crate::state::AppState;
use crate::throttle::Rules;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(second_factor_login)
        .service(status)
        .service(enrol)
        .service(confirm_enrolment)
        .service(new_recovery_codes)
        .service(disable);
}

use crate::access::two_factor_enabled as enabled;

/// Whether the company requires a second factor of a user of `role`.
fn required(state: &AppState, role: Role) -> bool {
    lk_domain::two_factor::required(role, state.config.staff_two_factor)
}

/// The answer of a right password when a second factor is on: a challenge for the second step.
pub async fn challenge(
    state: &AppState,
    user_id: i64,
    now: DateTime<Utc>,
) -> ApiResult<HttpResponse> {
    let token = tokens::random_token();
    state
        .store
        .create_login_challenge(
            &tokens::digest(&token),
            user_id,
            now + Duration::seconds(rules::CHALLENGE_TTL_SECS),
            now,
        )
        .await?;
    tracing::info!(user_id, "second factor asked for");
    Ok(HttpResponse::Accepted()
        .insert_header(("Cache-Control", "no-store"))
        .json(SecondFactorChallenge {
            challenge: token,
            expires_in: rules::CHALLENGE_TTL_SECS,
        }))
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // No skew in the crate: the steps to try are the domain's (`candidate_steps`).
    Some(TOTP::new_unchecked(
        Algorithm::SHA1,
        rules::DIGITS,
        0,
        rules::STEP_SECS,
        bytes,
    ))
}

/// The time step `code` belongs to, among those still acceptable at `now`.
fn matching_step(record: &TwoFactorRecord, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let totp = totp(&record.secret)?;
    let unix = u64::try_from(now.timestamp()).ok()?;
    let last = u64::try_from(record.last_step).ok();
    rules::candidate_steps(unix, last)
        .into_iter()
        .find(|step| totp.check(code, step * rules::STEP_SECS))
        .and_then(|step| i64::try_from(step).ok())
}

/// Recovery codes are stored as digests salted with their user.
fn recovery_digest(user_id: i64, code: &str) -> String {
    tokens::digest(&format!("lk-recovery:{user_id}:{code}"))
}

/// Ten new recovery codes: as shown to the user, and as stored.
fn fresh_recovery_codes(user_id: i64) -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rngs::OsRng;
    (0..rules::RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; rules::RECOVERY_CODE_LEN];
            rng.fill_bytes(&mut bytes);
            let code = rules::recovery_code(&bytes);
            (
                rules::display_recovery_code(&code),
                recovery_digest(user_id, &code),
            )
        })
        .unzip()
}

/// Checks a code (from the app or a recovery code) of an enabled second factor and spends it:
/// true once per code.
async fn spend_code(
    state: &AppState,
    user_id: i64,
    input: &str,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    let Ok(factor) = SecondFactor::parse(input) else {
        return Ok(false);
    };
    let Some(record) = state
        .store
        .two_factor(user_id)
        .await?
        .filter(|t| t.enabled_at.is_some())
    else {
        return Ok(false);
    };
    Ok(match factor {
        SecondFactor::Totp(code) => match matching_step(&record, &code, now) {
            Some(step) => state.store.accept_totp_step(user_id, step).await?,
            None => false,
        },
        SecondFactor::Recovery(code) => {
            let spent = state
                .store
                .spend_recovery_code(user_id, &recovery_digest(user_id, &code), now)
                .await?;
            if spent {
                tracing::info!(user_id, "recovery code used");
            }
            spent
        }
    })
}

fn field(name: &str, code: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldError {
        field: name.into(),
        code: code.into(),
        message: message.into(),
    }])
}

fn wrong_code() -> ApiError {
    field(
        "code",
        "invalid_code",
        "Код неверный, устарел или уже использован.",
    )
}

/// Counts a second-factor attempt of the user (429 over the limit); `spent` says whether the
/// code was right, in which case the attempt is given back.
async fn counted(
    state: &AppState,
    user_id: i64,
    now: DateTime<Utc>,
    check: impl std::future::Future<Output = ApiResult<bool>>,
) -> ApiResult<bool> {
    let rule = Rules::of(&state.config.throttle).second_factor;
    let attempt = rule
        .attempt(
            state.store.as_ref(),
            &state.metrics,
            &user_id.to_string(),
            now,
        )
        .await?;
    let ok = check.await?;
    if ok {
        attempt.give_back(state.store.as_ref()).await?;
    } else {
        tracing::info!(user_id, "wrong second-factor code");
    }
    Ok(ok)
}

/// Sign in, step two: a code from the authenticator app or a recovery code.
///
/// After `/auth/login` answered 202 with a `challenge`. A right code answers as a sign-in does
/// (tokens, and the refresh cookie); each code works once. A wrong code is 401
/// `invalid_second_factor`; a challenge that expired (after five minutes) or took five wrong
/// codes is 401 `sign_in_expired` — enter the password again. Wrong codes of a user are also
/// limited across challenges (429).
#[utoipa::path(
    tag = "auth",
    request_body = SecondFactorLogin,
    responses(
        (status = 200, description = "Signed in; the refresh token is set as the `lk_refresh` cookie", body = lk_api_types::TokenResponse),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/auth/login/second-factor")]
#[tracing::instrument(skip_all)]
pub async fn second_factor_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<SecondFactorLogin>,
) -> ApiResult<HttpResponse> {
    let SecondFactorLogin { challenge, code } = body.into_inner();
    let now = Utc::now();
    let digest = tokens::digest(challenge.trim());
    let user_id = state
        .store
        .challenge_attempt(&digest, rules::CHALLENGE_ATTEMPTS, now)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SignInExpired))?;
    if !counted(
        &state,
        user_id,
        now,
        spend_code(&state, user_id, &code, now),
    )
    .await?
    {
        state.metrics.login(false);
        return Err(ApiError::Unauthorized(ErrorCode::InvalidSecondFactor));
    }
    if !state.store.spend_login_challenge(&digest, now).await? {
        return Err(ApiError::Unauthorized(ErrorCode::SignInExpired));
    }
    let user = state
        .store
        .user_by_id(user_id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SignInExpired))?;
    if user.disabled_at.is_some() {
        return Err(ApiError::Forbidden(ErrorCode::AccountDisabled));
    }
    state.metrics.login(true);
    super::start_session(&state, &req, user.id, user.role).await
}

async fn status_of(state: &AppState, user: &CurrentUser) -> ApiResult<TwoFactorStatus> {
    let enabled = enabled(state, user.id).await?;
    Ok(TwoFactorStatus {
        enabled,
        recovery_codes_left: if enabled {
            state.store.recovery_codes_left(user.id).await?
        } else {
            0
        },
        required: required(state, role_now(state, user).await?),
    })
}

/// Two-factor sign-in: on or off, recovery codes left, and whether the company requires it.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The user's second factor", body = TwoFactorStatus)))]
#[get("/me/two-factor")]
pub async fn status(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<TwoFactorStatus>> {
    Ok(web::Json(status_of(&state, &user).await?))
}

/// Turn two-factor sign-in on, step one: a new secret for the authenticator app.
///
/// Needs the current password (422 `wrong_password` on the field; failures are limited, 429).
/// Answers the secret, its `otpauth://` URI and that URI as a QR code; sign-in does not ask
/// for codes until a code confirms the app (`/me/two-factor/enrolment/confirm`). Asking again
/// replaces a pending secret; 409 `conflict` while two-factor sign-in is on.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    request_body = TwoFactorEnrolRequest,
    responses(
        (status = 200, description = "The secret to add to the app", body = TwoFactorEnrolment),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/me/two-factor/enrolment")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn enrol(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<TwoFactorEnrolRequest>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let record = state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?;
    check_password(
        &state,
        &user,
        body.into_inner().password,
        record.password_hash,
        now,
    )
    .await?;
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let Secret::Encoded(secret) = Secret::Raw(bytes.to_vec()).to_encoded() else {
        return Err(ApiError::Internal(anyhow::anyhow!("base32 secret")));
    };
    if !state.store.begin_two_factor(user.id, &secret, now).await? {
        return Err(already_on());
    }
    let issuer = &state.config.company.short_name;
    let uri = otpauth_uri(issuer, &record.email, &secret);
    let qr_svg = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("QR code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    tracing::info!(user_id = user.id, "two-factor enrolment started");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TwoFactorEnrolment {
            secret: grouped(&secret),
            otpauth_uri: uri,
            qr_svg,
        }))
}

/// Mails the owner that two-factor sign-in was turned on or off.
async fn notify(state: &AppState, user_id: i64, on: bool) -> ApiResult<()> {
    if let Some(u) = state.store.user_by_id(user_id).await? {
        let language = state.store.language(user_id).await?;
        state
            .mail
            .enqueue(crate::mail::templates::two_factor_changed(
                &state.config,
                language,
                &u.email,
                on,
            ))
            .await?;
    }
    Ok(())
}

/// The user's role as stored now (an access token's may be older).
async fn role_now(state: &AppState, user: &CurrentUser) -> ApiResult<Role> {
    Ok(state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?
        .role)
}

fn already_on() -> ApiError {
    ApiError::Conflict {
        code: ErrorCode::Conflict,
        detail: "Двухфакторная аутентификация уже включена.".into(),
    }
}

/// The secret in groups of four, as apps show it and people type it.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…` (Google Authenticator's key URI format).
fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let path = |s: &str| enc(s).replace('+', "%20");
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits={}&period={}",
        path(issuer),
        path(account),
        path(issuer),
        rules::DIGITS,
        rules::STEP_SECS
    )
}

/// The current password, asked again (field `password`); see [`confirm_password`].
async fn check_password(
    state: &AppState,
    user: &CurrentUser,
    password: String,
    hash: String,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    match confirm_password(state, user.id, "password", password, hash, now).await? {
        Some(wrong) => Err(ApiError::Validation(vec![wrong])),
        None => Ok(()),
    }
}

/// Turn two-factor sign-in on, step two: the first code from the app.
///
/// Answers ten one-time recovery codes, shown only now: each signs in once when the phone is
/// not at hand. A wrong code is 422 `invalid_code` on the field `code` (limited, 429); 409
/// `conflict` when no enrolment is pending.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    request_body = TwoFactorCode,
    responses(
        (status = 200, description = "On; the recovery codes", body = RecoveryCodes),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/me/two-factor/enrolment/confirm")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn confirm_enrolment(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<TwoFactorCode>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let record = match state.store.two_factor(user.id).await? {
        Some(r) if r.enabled_at.is_none() => r,
        Some(_) => return Err(already_on()),
        None => {
            return Err(ApiError::Conflict {
                code: ErrorCode::Conflict,
                detail: "Сначала получите ключ для приложения.".into(),
            })
        }
    };
    let (shown, stored) = fresh_recovery_codes(user.id);
    let code = body.into_inner().code;
    let enable = async {
        let Ok(SecondFactor::Totp(code)) = SecondFactor::parse(&code) else {
            return Ok(false);
        };
        match matching_step(&record, &code, now) {
            Some(step) => Ok(state
                .store
                .enable_two_factor(user.id, &record.secret, step, &stored, now)
                .await?),
            None => Ok(false),
        }
    };
    if !counted(&state, user.id, now, enable).await? {
        return Err(wrong_code());
    }
    // Every other session was signed in with the password alone: they end, so that from now
    // on each session of the user has passed the second factor (this one by the code above).
    let ended = state
        .store
        .revoke_other_sessions(user.id, &user.session_id, now)
        .await?;
    notify(&state, user.id, true).await?;
    tracing::info!(user_id = user.id, ended, "two-factor sign-in turned on");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(RecoveryCodes { codes: shown }))
}

/// New recovery codes for a current code; the old ones stop working at once.
///
/// A wrong code is 422 `invalid_code` (limited, 429); 409 `conflict` when two-factor sign-in
/// is off.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    request_body = TwoFactorCode,
    responses(
        (status = 200, description = "The new recovery codes", body = RecoveryCodes),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/me/two-factor/recovery-codes")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn new_recovery_codes(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<TwoFactorCode>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    if !enabled(&state, user.id).await? {
        return Err(off());
    }
    let code = body.into_inner().code;
    if !counted(
        &state,
        user.id,
        now,
        spend_code(&state, user.id, &code, now),
    )
    .await?
    {
        return Err(wrong_code());
    }
    let (shown, stored) = fresh_recovery_codes(user.id);
    state
        .store
        .replace_recovery_codes(user.id, &stored, now)
        .await?;
    tracing::info!(user_id = user.id, "recovery codes replaced");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(RecoveryCodes { codes: shown }))
}

fn off() -> ApiError {
    ApiError::Conflict {
        code: ErrorCode::Conflict,
        detail: "Двухфакторная аутентификация не включена.".into(),
    }
}

/// Turn two-factor sign-in off, with a current code (or a recovery code) or the password.
///
/// A wrong code is 422 `invalid_code`, a wrong password 422 `wrong_password` (both limited,
/// 429); neither given is 422 `required` on `code`. 403 `two_factor_required` where the
/// company requires it of the user; 409 `conflict` when it is off.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    request_body = TwoFactorDisableRequest,
    responses(
        (status = 200, description = "Off", body = TwoFactorStatus),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/me/two-factor/disable")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn disable(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<TwoFactorDisableRequest>,
) -> ApiResult<web::Json<TwoFactorStatus>> {
    let now = Utc::now();
    if required(&state, role_now(&state, &user).await?) {
        return Err(ApiError::Forbidden(ErrorCode::TwoFactorRequired));
    }
    if !enabled(&state, user.id).await? {
        return Err(off());
    }
    let TwoFactorDisableRequest { code, password } = body.into_inner();
    let nonblank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    match (nonblank(code), nonblank(password)) {
        (Some(code), _) => {
            if !counted(
                &state,
                user.id,
                now,
                spend_code(&state, user.id, &code, now),
            )
            .await?
            {
                return Err(wrong_code());
            }
        }
        (None, Some(password)) => {
            let record = state
                .store
                .user_by_id(user.id)
                .await?
                .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?;
            check_password(&state, &user, password, record.password_hash, now).await?;
        }
        (None, None) => {
            return Err(field(
                "code",
                "required",
                "Введите код из приложения или пароль.",
            ))
        }
    }
    state.store.disable_two_factor(user.id).await?;
    notify(&state, user.id, false).await?;
    tracing::info!(user_id = user.id, "two-factor sign-in turned off");
    Ok(web::Json(status_of(&state, &user).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_names_the_company_and_the_account() {
        assert_eq!(
            otpauth_uri("ТЭСК", "a b@example.ru", "JBSWY3DP"),
            "otpauth://totp/%D0%A2%D0%AD%D0%A1%D0%9A:a%20b%40example.ru?secret=JBSWY3DP&issuer=%D0%A2%D0%AD%D0%A1%D0%9A&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
