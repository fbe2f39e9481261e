//! The staff console's API (SPEC B2): the contact centre's queues for operators and admins —
//! list, open, reply, change status, every action in the request's history — and, for
//! admins, the company's staff. Roles are checked by the [`Staff`] and [`Admin`] extractors:
//! a subscriber gets 404 as if none of this existed, an operator 403 where only admins may go.

use actix_web::{get, patch, post, web};
use chrono::Utc;
use lk_api_types::{
    ErrorCode, FieldError, RequestActionBody, StaffRequest, StaffRequestDetail, StaffRequestPage,
    StaffUser, UserAccessBody,
};
use lk_domain::content::REPLY_MAX;
use lk_domain::{text, RequestKind, RequestStatus, Role};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{Admin, Staff};
use crate::db::requests::{ActionOutcome, RequestAction, RequestFilter, RequestRecord};
use crate::db::UserRecord;
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
        .service(set_user_access);
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
        state
            .mail
            .enqueue(templates::request_reply(
                &state.config,
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
