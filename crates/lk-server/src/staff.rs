//! The staff console's API (SPEC B2): the contact centre's queues for operators and admins —
//! list, open, reply, change status, every action in the request's history — and, for
//! admins, the company's staff and the integrators' API keys. Roles are checked by the
//! [`Staff`] and [`Admin`] extractors: a subscriber gets 404 as if none of this existed, an
//! operator 403 where only admins may go.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use lk_api_types::{
    ApiKeyInfo, CreateApiKeyRequest, CreatedApiKey, ErrorCode, FieldError, RequestActionBody,
    StaffRequest, StaffRequestDetail, StaffRequestPage, StaffUser, UserAccessBody,
};
use lk_domain::content::REPLY_MAX;
use lk_domain::{text, RequestKind, RequestStatus, Role};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{Admin, Staff};
use crate::db::integration::ApiKeyRecord;
use crate::db::requests::{ActionOutcome, RequestAction, RequestFilter, RequestRecord};
use crate::db::{StoreError, UserRecord};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, Then};
use crate::mail::templates;
use crate::present::request_event;
use crate::responses::{Conflict, Forbidden};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_requests)
        .service(get_request)
        .service(act_on_request)
        .service(list_staff)
        .service(set_user_access)
        .service(list_api_keys)
        .service(create_api_key)
        .service(revoke_api_key);
}

/// A page of a queue holds at most this many requests.
const PAGE_MAX: i64 = 100;
/// The longest search, in characters (an e-mail address at most).
const SEARCH_MAX: usize = 254;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only requests in this status.
    pub status: Option<RequestStatus>,
    /// Only requests of this kind.
    pub kind: Option<RequestKind>,
    /// An e-mail address (any case), an account number or a request number.
    #[param(max_length = 254)]
    pub q: Option<String>,
    /// `next_before` of the previous page.
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// Page size, 1–100 (50 by default).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

fn staff_request(r: RequestRecord) -> StaffRequest {
    StaffRequest {
        number: r.id,
        kind: r.kind,
        status: r.status,
        last_name: r.last_name,
        first_name: r.first_name,
        patronymic: r.patronymic,
        email: r.email,
        phone: r.phone,
        text: r.body,
        account_number: r.account_number,
        service_name: r.service_name,
        preferred_date: r.preferred_date,
        from_subscriber: r.user_id.is_some(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// The contact centre's queue: questions, support requests, change requests and service
/// orders, newest first; filtered by status and kind, searched by e-mail, account number or
/// request number.
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, description = "A page of the queue", body = StaffRequestPage)))]
#[get("/operator/requests")]
#[tracing::instrument(skip_all, fields(user_id = staff.user.id))]
pub async fn list_requests(
    state: web::Data<AppState>,
    Then(staff, query): Then<Staff, Query<QueueQuery>>,
) -> ApiResult<web::Json<StaffRequestPage>> {
    let limit = query.limit.unwrap_or(50);
    let out_of_range = |field: &str, message: String| {
        ApiError::InvalidQuery(vec![FieldError {
            field: field.into(),
            code: "out_of_range".into(),
            message,
        }])
    };
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(out_of_range("limit", format!("От 1 до {PAGE_MAX}.")));
    }
    if query.before.is_some_and(|b| b < 1) {
        return Err(out_of_range("before", "Не меньше 1.".into()));
    }
    if query
        .q
        .as_ref()
        .is_some_and(|q| q.chars().count() > SEARCH_MAX)
    {
        return Err(out_of_range(
            "q",
            format!("Не более {SEARCH_MAX} символов."),
        ));
    }
    let search = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        // An address is searched as stored: normalised by the same rule.
        .map(|q| match lk_domain::Email::parse(&q) {
            Ok(e) => e.normalized(),
            Err(_) => q,
        });
    let rows = state
        .store
        .find_requests(&RequestFilter {
            status: query.status,
            kind: query.kind,
            search,
            before: query.before,
            // One more tells whether there is a next page.
            limit: limit + 1,
        })
        .await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<StaffRequest> = rows
        .into_iter()
        .take(limit as usize)
        .map(staff_request)
        .collect();
    let next_before = more.then(|| items.last().map(|r| r.number)).flatten();
    Ok(web::Json(StaffRequestPage { items, next_before }))
}

async fn detail(state: &AppState, id: i64) -> ApiResult<StaffRequestDetail> {
    let request = state.store.request(id).await?.ok_or(ApiError::NotFound)?;
    let events = state.store.request_events(id).await?;
    Ok(StaffRequestDetail {
        request: staff_request(request),
        events: events.into_iter().map(|e| request_event(e, true)).collect(),
    })
}

/// A request with its whole history (who did what, when).
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(("number" = i64, Path, description = "The request's number")),
    responses((status = 200, description = "The request and its history", body = StaffRequestDetail)))]
#[get("/operator/requests/{number}")]
#[tracing::instrument(skip_all, fields(user_id = staff.user.id))]
pub async fn get_request(
    state: web::Data<AppState>,
    staff: Staff,
    number: web::Path<i64>,
) -> ApiResult<web::Json<StaffRequestDetail>> {
    Ok(web::Json(detail(&state, number.into_inner()).await?))
}

/// Reply to a request and/or change its status. A reply is e-mailed to the sender (and shown
/// in their «Мои обращения»); without a status it marks an open request `answered`. Statuses
/// move forward from `new`; a closed request (`done`, `rejected`) only back to
/// `in_progress` (409 `status_transition` otherwise).
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(("number" = i64, Path, description = "The request's number")),
    request_body = RequestActionBody,
    responses(
        (status = 200, description = "Done: the request and its history", body = StaffRequestDetail),
        (status = 409, response = Conflict),
    ))]
#[post("/operator/requests/{number}/actions")]
#[tracing::instrument(skip_all, fields(user_id = staff.user.id))]
pub async fn act_on_request(
    state: web::Data<AppState>,
    number: web::Path<i64>,
    Then(staff, body): Then<Staff, Json<RequestActionBody>>,
) -> ApiResult<web::Json<StaffRequestDetail>> {
    let id = number.into_inner();
    let reply = match text::clean_block(body.reply.as_deref().unwrap_or_default(), REPLY_MAX) {
        Ok(r) => r,
        Err(e) => return Err(ApiError::Validation(vec![ApiError::text_field("reply", e)])),
    };
    if reply.is_none() && body.status.is_none() {
        return Err(ApiError::field(
            "reply",
            "required",
            "Напишите ответ или выберите новый статус.",
        ));
    }
    let action = RequestAction {
        reply: reply.clone(),
        status: body.status,
        actor_id: staff.user.id,
        actor: staff.name.clone(),
        now: Utc::now(),
    };
    match state.store.act_on_request(id, &action).await? {
        ActionOutcome::NotFound => return Err(ApiError::NotFound),
        ActionOutcome::NotAllowed { from } => {
            return Err(ApiError::Conflict {
                code: ErrorCode::StatusTransition,
                detail: format!(
                    "Обращение в статусе «{}» нельзя перевести в этот статус.",
                    from.label()
                ),
            })
        }
        ActionOutcome::Done(status) => {
            state.metrics.request_action(status);
            tracing::info!(request_id = id, status = %status, replied = reply.is_some(), "request handled");
        }
    }
    let detail = detail(&state, id).await?;
    if let Some(reply) = &reply {
        // The sender's language: the user's as it is now, or the one a guest wrote in.
        let language = match state.store.request(id).await? {
            Some(r) => match r.user_id {
                Some(user_id) => state.store.language(user_id).await?,
                None => r.language,
            },
            None => lk_domain::Language::default(),
        };
        state
            .mail
            .enqueue(templates::request_reply(
                &state.config,
                language,
                &detail.request.email,
                id,
                reply,
                detail.request.from_subscriber,
            ))
            .await?;
    }
    Ok(web::Json(detail))
}

fn staff_user(u: UserRecord) -> StaffUser {
    StaffUser {
        id: u.id,
        email: u.email,
        role: u.role,
        last_name: u.last_name,
        first_name: u.first_name,
        disabled: u.disabled_at.is_some(),
        created_at: u.created_at,
    }
}

/// The company's staff: operators and admins (admins only). New staff are created with
/// `lk user create --role operator|admin`.
#[utoipa::path(tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, description = "Operators and admins, by e-mail", body = Vec<StaffUser>),
        (status = 403, response = Forbidden),
    ))]
#[get("/operator/users")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn list_staff(
    state: web::Data<AppState>,
    admin: Admin,
) -> ApiResult<web::Json<Vec<StaffUser>>> {
    let users = state
        .store
        .users_with_roles(&[Role::Operator, Role::Admin])
        .await?;
    Ok(web::Json(users.into_iter().map(staff_user).collect()))
}

/// Disable or enable a member of the staff (admins only). Disabling ends every session of
/// the user at once, on every node, and refuses their sign-in; an admin cannot disable
/// themselves (409). Subscribers are not managed here.
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(("id" = i64, Path, description = "The user's id")),
    request_body = UserAccessBody,
    responses(
        (status = 200, description = "The user as now", body = StaffUser),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    ))]
#[patch("/operator/users/{id}")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn set_user_access(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    Then(admin, body): Then<Admin, Json<UserAccessBody>>,
) -> ApiResult<web::Json<StaffUser>> {
    let id = id.into_inner();
    if id == admin.0.user.id && body.disabled {
        return Err(ApiError::Conflict {
            code: ErrorCode::Conflict,
            detail: "Нельзя отключить собственную учётную запись.".into(),
        });
    }
    let user = state
        .store
        .set_user_disabled(id, body.disabled, true, Utc::now())
        .await?
        .ok_or(ApiError::NotFound)?;
    tracing::info!(
        target_user = id,
        disabled = body.disabled,
        "staff access changed"
    );
    Ok(web::Json(staff_user(user)))
}

fn api_key_info(k: ApiKeyRecord) -> ApiKeyInfo {
    ApiKeyInfo {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        scopes: k.scopes,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
        revoked_at: k.revoked_at,
    }
}

/// The integrators' API keys, live and revoked, newest first (admins only). A key itself is
/// never shown again after its creation: only its first characters.
#[utoipa::path(tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, description = "API keys, newest first", body = Vec<ApiKeyInfo>),
        (status = 403, response = Forbidden),
    ))]
#[get("/operator/api-keys")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    admin: Admin,
) -> ApiResult<web::Json<Vec<ApiKeyInfo>>> {
    let keys = state.store.api_keys().await?;
    Ok(web::Json(keys.into_iter().map(api_key_info).collect()))
}

/// Create an API key for the billing system or a bank (admins only), as
/// `lk api-key create` does. The answer carries the key this once; only its hash is kept.
/// A name a live key already has: 409 `conflict`.
#[utoipa::path(tag = "staff", security(("bearer" = [])), request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "The new key, shown this once", body = CreatedApiKey),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
    ))]
#[post("/operator/api-keys")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn create_api_key(
    state: web::Data<AppState>,
    Then(admin, body): Then<Admin, Json<CreateApiKeyRequest>>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let name = match lk_domain::integration::parse_key_name(&body.name) {
        Ok(name) => Some(name),
        Err(_) if body.name.trim().is_empty() => {
            errors.push(FieldError {
                field: "name".into(),
                code: "required".into(),
                message: "Заполните это поле.".into(),
            });
            None
        }
        Err(e) => {
            errors.push(ApiError::text_field("name", e));
            None
        }
    };
    if body.scopes.is_empty() {
        errors.push(FieldError {
            field: "scopes".into(),
            code: "required".into(),
            message: "Выберите хотя бы одно право.".into(),
        });
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let (key, prefix, hash) = crate::security::tokens::new_api_key();
    let record = match state
        .store
        .create_api_key(&name, &prefix, &hash, &body.scopes, Utc::now())
        .await
    {
        Ok(record) => record,
        Err(StoreError::Conflict(crate::db::Constraint::ApiKeyName)) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::Conflict,
                detail: "Действующий ключ с таким названием уже есть: отзовите его или выберите другое название.".into(),
            })
        }
        Err(e) => return Err(e.into()),
    };
    tracing::info!(
        api_key_id = record.id,
        api_key = %record.name,
        scopes = %lk_domain::ApiScope::join(&record.scopes),
        "API key created"
    );
    Ok(HttpResponse::Created().json(CreatedApiKey {
        key,
        info: api_key_info(record),
    }))
}

/// Revoke an API key (admins only): the next call with it is refused (401
/// `invalid_api_key`) on every node. 404 when no live key has this id.
#[utoipa::path(tag = "staff", security(("bearer" = [])), params(("id" = i64, Path, description = "The key's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, response = Forbidden),
    ))]
#[delete("/operator/api-keys/{id}")]
#[tracing::instrument(skip_all, fields(user_id = admin.0.user.id))]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    if !state.store.revoke_api_key(id, Utc::now()).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(api_key_id = id, "API key revoked");
    Ok(HttpResponse::NoContent().finish())
}
