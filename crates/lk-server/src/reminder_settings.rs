//! The user's e-mail reminders and paperless receipts (X4, «Настройки»), and the one-click
//! unsubscribe of reminder mails (RFC 8058), which needs no login.

use actix_web::{get, post, put, web};
use chrono::Utc;
use lk_api_types::{
    FieldError, PaperlessAccount, ReminderSettings, UnsubscribeResponse,
    UpdateReminderSettingsRequest,
};
use lk_domain::reminders::ReminderKind;
use lk_domain::Kopecks;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::CurrentUser;
use crate::db::reminders::Unsubscribed;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::fields;
use crate::responses::{BadRequest, NotFound, Unprocessable};
use crate::security::tokens::digest;
use crate::security::unsubscribe::Subject;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_reminders)
        .service(put_reminders)
        .service(unsubscribe_status)
        .service(unsubscribe);
}

/// The largest debt threshold, rubles.
const MAX_THRESHOLD_RUBLES: i64 = 1_000_000;
/// The longest `debt_threshold` text (its `maxLength` in the OpenAPI document).
const MAX_THRESHOLD_CHARS: usize = 20;
/// Most paperless switches in one request.
const MAX_PAPERLESS_CHANGES: usize = 100;

async fn reminder_settings(state: &AppState, user_id: i64) -> ApiResult<ReminderSettings> {
    let mut out = ReminderSettings::default();
    for s in state.store.subscriptions(user_id).await? {
        match s.kind {
            ReminderKind::WindowOpens => out.window_opens = true,
            ReminderKind::WindowCloses => out.window_closes = true,
            ReminderKind::Invoice => out.invoice = true,
            ReminderKind::Payment => out.payment = true,
            ReminderKind::Debt => {
                out.debt = true;
                out.debt_threshold = s.threshold.map(Kopecks::to_rubles);
            }
        }
    }
    out.paperless = state
        .store
        .paperless(user_id)
        .await?
        .into_iter()
        .map(|p| PaperlessAccount {
            account_number: p.account_number,
            house_name: p.house_name,
            enabled: p.since_on.is_some(),
        })
        .collect();
    Ok(out)
}

/// The user's e-mail reminders and paperless accounts (X4).
///
/// All reminders are off until the user switches them on; each concerns every account of the
/// user's houses. Reminder mails carry a one-click unsubscribe link (RFC 8058).
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The reminders and paperless accounts", body = ReminderSettings)))]
#[get("/me/reminders")]
pub async fn get_reminders(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<ReminderSettings>> {
    Ok(web::Json(reminder_settings(&state, user.id).await?))
}

/// Switch e-mail reminders and paperless receipts on or off («Настройки»).
///
/// Fields absent keep their value. Errors (422, nothing is changed): `debt_threshold` not an
/// amount of rubles above 0 and at most 1 000 000 (`invalid_amount`); `debt` switched on with
/// no threshold given or kept (`debt_threshold`, `required`); more than 100 `paperless`
/// entries (`too_many`); an account not bound to one of the user's houses
/// (`paperless[i].account_number`, `not_found`).
#[utoipa::path(tag = "profile", security(("bearer" = [])), request_body = UpdateReminderSettingsRequest,
    responses(
        (status = 200, description = "The reminders as saved", body = ReminderSettings),
        (status = 422, response = Unprocessable),
    ))]
#[put("/me/reminders")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn put_reminders(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<UpdateReminderSettingsRequest>,
) -> ApiResult<web::Json<ReminderSettings>> {
    let body = body.into_inner();
    let current = reminder_settings(&state, user.id).await?;
    let mut errors = Vec::new();
    let threshold = match body.debt_threshold.as_deref() {
        None => None,
        Some(text) if text.chars().count() > MAX_THRESHOLD_CHARS => {
            errors.push(FieldError {
                field: "debt_threshold".into(),
                code: "too_long".into(),
                message: format!("Не более {MAX_THRESHOLD_CHARS} символов."),
            });
            None
        }
        Some(text) => {
            let max = Kopecks(MAX_THRESHOLD_RUBLES * 100);
            fields::amount_field("debt_threshold", text.trim(), max)
                .map_err(|e| errors.push(e))
                .ok()
        }
    };
    let debt = match body.debt {
        Some(on) => Some(on),
        None if body.debt_threshold.is_some() => Some(true),
        None => None,
    };
    if debt == Some(true) && body.debt_threshold.is_none() && current.debt_threshold.is_none() {
        errors.push(FieldError {
            field: "debt_threshold".into(),
            code: "required".into(),
            message: "Укажите сумму задолженности, начиная с которой присылать напоминание.".into(),
        });
    }
    let changes = body.paperless.unwrap_or_default();
    if changes.len() > MAX_PAPERLESS_CHANGES {
        errors.push(FieldError {
            field: "paperless".into(),
            code: "too_many".into(),
            message: format!("Не более {MAX_PAPERLESS_CHANGES} лицевых счетов за раз."),
        });
    } else {
        for (i, c) in changes.iter().enumerate() {
            let number = c.account_number.trim();
            if !current.paperless.iter().any(|p| p.account_number == number) {
                errors.push(FieldError {
                    field: format!("paperless[{i}].account_number"),
                    code: "not_found".into(),
                    message: "Такого лицевого счёта нет среди ваших домов.".into(),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let (today, now) = (state.config.today(), Utc::now());
    let keys = &state.unsubscribe_keys;
    let switches = [
        (ReminderKind::WindowOpens, body.window_opens),
        (ReminderKind::WindowCloses, body.window_closes),
        (ReminderKind::Invoice, body.invoice),
        (ReminderKind::Payment, body.payment),
        (ReminderKind::Debt, debt),
    ];
    for (kind, on) in switches {
        let Some(on) = on else { continue };
        let hash = keys.token_hash(user.id, Subject::Reminder(kind));
        let threshold = if kind == ReminderKind::Debt {
            threshold
        } else {
            None
        };
        state
            .store
            .set_subscription(user.id, kind, on, threshold, today, &hash, now)
            .await?;
    }
    for c in &changes {
        let number = c.account_number.trim();
        // The token names the account by id; the store finds it by number among the user's.
        let Some(account_id) = state.store.account_id_by_number(number).await? else {
            continue;
        };
        let hash = keys.token_hash(user.id, Subject::Paperless(account_id));
        state
            .store
            .set_paperless(user.id, number, c.enabled, today, &hash, now)
            .await?;
    }
    tracing::info!("reminders changed");
    Ok(web::Json(reminder_settings(&state, user.id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnsubscribeQuery {
    /// The token of the mail's `List-Unsubscribe` link.
    #[param(max_length = 64)]
    pub token: String,
}

fn unsubscribe_response(what: Unsubscribed, subscribed: bool) -> UnsubscribeResponse {
    match what {
        Unsubscribed::Reminder(kind) => UnsubscribeResponse {
            reminder: Some(kind),
            account_number: None,
            subscribed,
        },
        Unsubscribed::Paperless(number) => UnsubscribeResponse {
            reminder: None,
            account_number: Some(number),
            subscribed,
        },
    }
}

/// What a reminder mail's unsubscribe link switches off (no login).
///
/// Changes nothing (link checkers and previews open links): the `POST` unsubscribes. 404 for
/// a token that is not on file — made up, or its reminder is off already.
#[utoipa::path(tag = "profile", params(UnsubscribeQuery),
    responses(
        (status = 200, description = "The reminder the link is for; it is on", body = UnsubscribeResponse),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
#[get("/unsubscribe")]
pub async fn unsubscribe_status(
    state: web::Data<AppState>,
    q: Query<UnsubscribeQuery>,
) -> ApiResult<web::Json<UnsubscribeResponse>> {
    let what = state
        .store
        .subscription_by_token(&digest(&q.token))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(unsubscribe_response(what, true)))
}

/// One-click unsubscribe (RFC 8058): switches off the reminder (or the paperless receipt) of
/// a mail's `List-Unsubscribe` link, without login.
///
/// The body mail clients send (`List-Unsubscribe=One-Click`) is not needed. 404 for a token
/// that is not on file — made up, or its reminder is off already.
#[utoipa::path(tag = "profile", params(UnsubscribeQuery),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`List-Unsubscribe=One-Click` (RFC 8058); ignored"),
    responses(
        (status = 200, description = "Switched off", body = UnsubscribeResponse),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
    ))]
#[post("/unsubscribe")]
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    q: Query<UnsubscribeQuery>,
) -> ApiResult<web::Json<UnsubscribeResponse>> {
    let what = state
        .store
        .unsubscribe(&digest(&q.token))
        .await?
        .ok_or(ApiError::NotFound)?;
    tracing::info!(?what, "unsubscribed by a mail's link");
    Ok(web::Json(unsubscribe_response(what, false)))
}
