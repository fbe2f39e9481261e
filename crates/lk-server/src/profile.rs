//! The signed-in user's profile: personal data and password (SPEC F2.5, F8.1).

use actix_web::{get, patch, post, put, web, HttpResponse};
use chrono::Utc;
use lk_api_types::{
    ChangePasswordRequest, ErrorCode, FieldError, MeResponse, UpdateMeRequest,
    UpdateSettingsRequest, UserSettings,
};
use lk_domain::{Language, Password};

use crate::access::{confirm_password, CurrentUser};
use crate::db::{PersonalData, UserRecord};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::fields::{parse_personal_data, password_error};
use crate::mail::templates;
use crate::responses::{TooManyRequests, Unprocessable};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(change_password)
        .service(get_settings)
        .service(put_settings);
}

/// The user's preferences (F8.3): the help widget and the language.
///
/// Whether the help widget is closed, and the language of the portal, its e-mails and
/// receipts. Kept on the server, so they follow the user to every device.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The settings", body = UserSettings)))]
#[get("/me/settings")]
pub async fn get_settings(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<UserSettings>> {
    Ok(web::Json(settings(&state, user.id).await?))
}

async fn settings(state: &AppState, user_id: i64) -> ApiResult<UserSettings> {
    Ok(UserSettings {
        help_hidden: state.store.help_hidden(user_id).await?,
        language: state.store.language(user_id).await?,
    })
}

/// Change the user's preferences («Настройки»): the help widget, the language.
///
/// Close the help widget or bring it back, choose the language. Fields absent from the
/// request keep their value; a language other than `ru` or `en` is a 422 error of the field
/// `language` (code `unknown_value`).
#[utoipa::path(tag = "profile", security(("bearer" = [])), request_body = UpdateSettingsRequest,
    responses(
        (status = 200, description = "The settings as saved", body = UserSettings),
        (status = 422, response = Unprocessable),
    ))]
#[put("/me/settings")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn put_settings(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<UpdateSettingsRequest>,
) -> ApiResult<web::Json<UserSettings>> {
    let now = Utc::now();
    if let Some(hidden) = body.help_hidden {
        state.store.set_help_hidden(user.id, hidden, now).await?;
    }
    if let Some(language) = body.language {
        state.store.set_language(user.id, language, now).await?;
        tracing::info!(%language, "language changed");
    }
    Ok(web::Json(settings(&state, user.id).await?))
}

fn me_response(u: UserRecord, language: Language) -> MeResponse {
    MeResponse {
        language,
        id: u.id,
        email: u.email,
        last_name: u.last_name,
        first_name: u.first_name,
        patronymic: u.patronymic,
        phone: u.phone,
        role: u.role,
        email_confirmed: u.email_confirmed_at.is_some(),
        created_at: u.created_at,
    }
}

async fn load_user(state: &AppState, user: &CurrentUser) -> ApiResult<UserRecord> {
    state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))
}

/// The signed-in user's profile.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    responses((status = 200, description = "The profile", body = MeResponse))
)]
#[get("/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<MeResponse>> {
    let me = load_user(&state, &user).await?;
    let language = state.store.language(user.id).await?;
    Ok(web::Json(me_response(me, language)))
}

/// Change personal data (surname, name, patronymic, phone).
///
/// Absent fields keep their value; an empty string clears a field.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses((status = 200, description = "The changed profile", body = MeResponse))
)]
#[patch("/me")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<UpdateMeRequest>,
) -> ApiResult<web::Json<MeResponse>> {
    let current = load_user(&state, &user).await?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    let [last_name, first_name, patronymic, phone] = parse_personal_data(
        body.last_name.as_deref(),
        body.first_name.as_deref(),
        body.patronymic.as_deref(),
        body.phone.as_deref(),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    // A field absent from the request keeps its stored value.
    let pick = |given: &Option<String>, parsed: Option<String>, stored: Option<String>| {
        if given.is_some() {
            parsed
        } else {
            stored
        }
    };
    let data = PersonalData {
        last_name: pick(&body.last_name, last_name, current.last_name),
        first_name: pick(&body.first_name, first_name, current.first_name),
        patronymic: pick(&body.patronymic, patronymic, current.patronymic),
        phone: pick(&body.phone, phone, current.phone),
    };
    let updated = state
        .store
        .update_personal_data(user.id, &data, Utc::now())
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?;
    tracing::info!("personal data changed");
    let language = state.store.language(user.id).await?;
    Ok(web::Json(me_response(updated, language)))
}

/// Change the password. Every other session of the user ends; this one stays.
///
/// A wrong current password is a 422 error of the field `current_password` (code
/// `wrong_password`), and the session stays; failures are limited (429).
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 429, response = TooManyRequests),
    )
)]
#[post("/me/password")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let current = load_user(&state, &user).await?;
    let now = Utc::now();
    let new = Password::parse(&new_password, &current.email);
    let mut errors: Vec<FieldError> = confirm_password(
        &state,
        user.id,
        "current_password",
        current_password,
        current.password_hash,
        now,
    )
    .await?
    .into_iter()
    .collect();
    let new = match new {
        Ok(new) if errors.is_empty() => new,
        Ok(_) => return Err(ApiError::Validation(errors)),
        Err(e) => {
            errors.push(password_error("new_password", e));
            return Err(ApiError::Validation(errors));
        }
    };
    let hash = state.hasher.hash(new.expose().to_owned()).await?;
    state.store.set_password_hash(user.id, &hash, now).await?;
    let ended = state
        .store
        .revoke_other_sessions(user.id, &user.session_id, now)
        .await?;
    tracing::info!(other_sessions_ended = ended, "password changed");
    state
        .mail
        .enqueue(templates::password_changed(
            &state.config,
            state.store.language(user.id).await?,
            &current.email,
        ))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
