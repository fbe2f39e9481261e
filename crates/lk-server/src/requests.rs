//! Requests to the company, as subscribers send and follow them: «Задать вопрос» from any
//! page and «Обратиться в Техническую поддержку» from the login page, with or without
//! signing in (F2.4, F1.4); «Изменить данные абонента» (F11.2) and «Заказать услугу» (F12.1)
//! for one of the user's accounts; and the user's own requests with their history and the
//! contact centre's replies.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lk_api_types::{
    ChangeRequestBody, ChangeRequestResponse, ContactRequestBody, ContactResponse, FieldError,
    RequestDetail, RequestSummary, ServiceOrderBody,
};
use lk_domain::registry::REQUEST_TEXT_MAX;
use lk_domain::{text, Email, Language, RequestKind, RequestStatus};

use crate::access::{Actor, CurrentUser, OwnAccount};
use crate::client::client_ip;
use crate::db::requests::{NewRequest, RequestRecord};
use crate::db::UserRecord;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::fields::{email_field, parse_personal_data};
use crate::mail::templates;
use crate::present::request_event;
use crate::responses::TooManyRequests;
use crate::site::Site;
use crate::state::AppState;
use crate::throttle::Rules;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(ask_question)
        .service(create_support_request)
        .service(my_requests)
        .service(my_request)
        .service(create_change_request)
        .service(create_service_order);
}

/// The sender's fields, checked: names, e-mail, phone and text, each error by its field; the
/// request to store, and the sender's address.
fn parse_body(
    kind: RequestKind,
    body: &ContactRequestBody,
    user_id: Option<i64>,
    language: Language,
    now: DateTime<Utc>,
) -> ApiResult<(NewRequest, Email)> {
    let mut errors = Vec::new();
    let [last_name, first_name, patronymic, phone] = parse_personal_data(
        Some(&body.last_name),
        Some(&body.first_name),
        body.patronymic.as_deref(),
        body.phone.as_deref(),
        &mut errors,
    );
    let mut required = |field: &str, value: &Option<String>, what: &str| {
        if value.is_none() && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError {
                field: field.into(),
                code: "required".into(),
                message: format!("Укажите {what}."),
            });
        }
    };
    required("last_name", &last_name, "фамилию");
    required("first_name", &first_name, "имя");
    let text = match text::clean_block(&body.text, REQUEST_TEXT_MAX) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errors.push(FieldError {
                field: "text".into(),
                code: "required".into(),
                message: "Напишите текст сообщения.".into(),
            });
            None
        }
        Err(e) => {
            errors.push(ApiError::text_field("text", e));
            None
        }
    };
    let email = email_field(&body.email, &mut errors);
    match (last_name, first_name, email, text) {
        (Some(last_name), Some(first_name), Some(email), Some(body_text)) if errors.is_empty() => {
            let new = NewRequest {
                kind,
                user_id,
                last_name: Some(last_name),
                first_name: Some(first_name),
                patronymic,
                email: email.as_str().to_owned(),
                email_normalized: email.normalized(),
                phone,
                body: body_text,
                account: None,
                service: None,
                preferred_date: None,
                language,
                now,
            };
            Ok((new, email))
        }
        _ => Err(ApiError::Validation(errors)),
    }
}

fn acknowledgement(number: i64, email: &str) -> ContactResponse {
    ContactResponse {
        number,
        message: format!(
            "Обращение № {number} принято. Ответ придёт на адрес {email}; номер обращения отправлен туда же."
        ),
    }
}

/// «Задать вопрос» (F2.4): a question to the contact centre from anyone, signed in or not.
///
/// With a valid access token the question is also listed among the user's requests. The
/// answer carries the request's number, which is also e-mailed to the sender. Messages are
/// limited per client address and per e-mail (429). A filled `website` (a field people never
/// see) is answered the same way and nothing is stored or sent.
#[utoipa::path(tag = "requests", request_body = ContactRequestBody,
    responses(
        (status = 201, description = "Accepted, with the request's number", body = ContactResponse),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/questions")]
#[tracing::instrument(skip_all)]
pub async fn ask_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    body: Json<ContactRequestBody>,
) -> ApiResult<HttpResponse> {
    create_request(RequestKind::Question, req, state, user, body).await
}

/// «Обратиться в Техническую поддержку» (F1.4): a support request from the login page,
/// from anyone; otherwise as `POST /questions`.
#[utoipa::path(tag = "requests", request_body = ContactRequestBody,
    responses(
        (status = 201, description = "Accepted, with the request's number", body = ContactResponse),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/support-requests")]
#[tracing::instrument(skip_all)]
pub async fn create_support_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    body: Json<ContactRequestBody>,
) -> ApiResult<HttpResponse> {
    create_request(RequestKind::Support, req, state, user, body).await
}

async fn create_request(
    kind: RequestKind,
    req: HttpRequest,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
    body: Json<ContactRequestBody>,
) -> ApiResult<HttpResponse> {
    let now = Utc::now();
    let rules = Rules::of(&state.config.throttle);
    let (store, metrics) = (state.store.as_ref(), &state.metrics);
    rules
        .contact_ip
        .hit(store, metrics, &client_ip(&req), now)
        .await?;
    // A signed-in sender reads their own language; a guest the one of the page they wrote on.
    let language = match &user {
        Some(u) => store.language(u.id).await?,
        None => crate::i18n::request_language(&req),
    };
    let (new, email) = parse_body(kind, &body, user.map(|u| u.id), language, now)?;
    if body
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        tracing::warn!("contact form honeypot filled; nothing stored");
        let decoy = 1 + now.timestamp_subsec_micros() as i64 % 100_000;
        return Ok(HttpResponse::Created().json(acknowledgement(decoy, &new.email)));
    }
    rules
        .contact_email
        .hit(store, metrics, &email.normalized(), now)
        .await?;
    let number = store.create_request(&new).await?;
    state
        .mail
        .enqueue(templates::request_received(
            &state.config,
            new.language,
            &new.email,
            number,
        ))
        .await?;
    state.metrics.contact_request(new.kind);
    tracing::info!(request_id = number, kind = %new.kind, "request to the contact centre");
    Ok(HttpResponse::Created().json(acknowledgement(number, &new.email)))
}

/// The signed-in user's requests to the contact centre, newest first, with their status.
#[utoipa::path(tag = "requests", security(("bearer" = [])),
    responses((status = 200, description = "The user's requests, newest first", body = Vec<RequestSummary>)))]
#[get("/me/requests")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn my_requests(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<Vec<RequestSummary>>> {
    let rows = state.store.requests_of_user(user.id).await?;
    Ok(web::Json(rows.into_iter().map(summary).collect()))
}

pub(crate) fn summary(r: RequestRecord) -> RequestSummary {
    RequestSummary {
        number: r.id,
        kind: r.kind,
        status: r.status,
        text: r.body,
        account_number: r.account_number,
        service_name: r.service_name,
        preferred_date: r.preferred_date,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// One of the signed-in user's requests with its history: status changes and the contact
/// centre's replies, oldest first. Another user's request is a 404.
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("number" = i64, Path, description = "The request's number")),
    responses(
        (status = 200, description = "The request and its history", body = RequestDetail),
        (status = 404, response = crate::responses::NotFound),
    ))]
#[get("/me/requests/{number}")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn my_request(
    state: web::Data<AppState>,
    user: CurrentUser,
    number: web::Path<i64>,
) -> ApiResult<web::Json<RequestDetail>> {
    let id = number.into_inner();
    let request = state
        .store
        .request(id)
        .await?
        .filter(|r| r.user_id == Some(user.id))
        .ok_or(ApiError::NotFound)?;
    let events = state.store.request_events(id).await?;
    Ok(web::Json(RequestDetail {
        request: summary(request),
        events: events
            .into_iter()
            .map(|e| request_event(e, false))
            .collect(),
    }))
}

/// The signed-in sender of a request about an account, counted against the same per-address
/// limit as the contact form (each request sends a mail).
async fn sender(state: &AppState, user: &CurrentUser, now: DateTime<Utc>) -> ApiResult<UserRecord> {
    let u = state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(ApiError::Unauthorized(
            lk_api_types::ErrorCode::SessionEnded,
        ))?;
    Rules::of(&state.config.throttle)
        .contact_email
        .hit(
            state.store.as_ref(),
            &state.metrics,
            &normalized_email(&u.email),
            now,
        )
        .await?;
    Ok(u)
}

/// A stored user's address as the queue searches it.
fn normalized_email(email: &str) -> String {
    Email::parse(email)
        .map(|e| e.normalized())
        .unwrap_or_else(|_| email.to_lowercase())
}

/// A request about one of the user's accounts, from the user's profile.
fn account_request(
    kind: RequestKind,
    u: UserRecord,
    own: &OwnAccount<Actor>,
    body: String,
    language: Language,
    now: DateTime<Utc>,
) -> NewRequest {
    NewRequest {
        kind,
        user_id: Some(u.id),
        last_name: u.last_name,
        first_name: u.first_name,
        patronymic: u.patronymic,
        email_normalized: normalized_email(&u.email),
        email: u.email,
        phone: u.phone,
        body,
        account: Some((own.account.id, own.account.number.clone())),
        service: None,
        preferred_date: None,
        language,
        now,
    }
}

/// «Изменить данные абонента» (F11.2): a request to change the holder's data. It joins the
/// contact centre's queue and the user's requests; its number is e-mailed to the user. Counted
/// against the same per-address limit as the contact form (429).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("account_number" = String, Path)), request_body = ChangeRequestBody,
    responses(
        (status = 201, description = "The request, numbered, in the contact centre's queue and the user's requests", body = ChangeRequestResponse),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/accounts/{account_number}/change-requests")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn create_change_request(
    state: web::Data<AppState>,
    own: OwnAccount<Actor>,
    body: Json<ChangeRequestBody>,
) -> ApiResult<HttpResponse> {
    let mut errors = Vec::new();
    let mut clean = |field: &str, value: &Option<String>, max: usize, block: bool| {
        let raw = value.as_deref().unwrap_or_default();
        let cleaned = if block {
            text::clean_block(raw, max)
        } else {
            text::clean_line(raw, max)
        };
        cleaned
            .map_err(|e| errors.push(ApiError::text_field(field, e)))
            .ok()
            .flatten()
    };
    let holder = clean("holder_name", &body.holder_name, 200, false);
    let address = clean("address", &body.address, 300, false);
    let comment = clean("comment", &body.comment, 2000, true);
    let phone = crate::fields::phone_field(body.phone.as_deref(), &mut errors);
    if let Some(r) = body.residents {
        if !(0..=100).contains(&r) {
            errors.push(FieldError {
                field: "residents".into(),
                code: "out_of_range".into(),
                message: "Укажите число проживающих от 0 до 100.".into(),
            });
        }
    }
    if holder.is_none()
        && address.is_none()
        && phone.is_none()
        && body.residents.is_none()
        && comment.is_none()
    {
        errors.push(FieldError {
            field: "comment".into(),
            code: "required".into(),
            message: "Укажите, какие данные нужно изменить.".into(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    // The operator reads the request as text: one line per datum asked for.
    let residents = body.residents.map(|r| r.to_string());
    let text = [
        ("ФИО владельца", holder.as_deref()),
        ("Адрес", address.as_deref()),
        ("Количество проживающих", residents.as_deref()),
        ("Телефон", phone.as_deref()),
        ("Комментарий", comment.as_deref()),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.map(|v| format!("{label}: {v}")))
    .collect::<Vec<_>>()
    .join("\n");
    let now = Utc::now();
    let u = sender(&state, &own.user, now).await?;
    let language = state.store.language(u.id).await?;
    let new = account_request(RequestKind::Change, u, &own, text, language, now);
    let id = state.store.create_request(&new).await?;
    state.metrics.contact_request(RequestKind::Change);
    state
        .mail
        .enqueue(templates::request_received(
            &state.config,
            new.language,
            &new.email,
            id,
        ))
        .await?;
    tracing::info!(change_request_id = id, "change request created");
    Ok(HttpResponse::Created().json(ChangeRequestResponse {
        id,
        status: RequestStatus::New,
        created_at: now,
        message: format!(
            "Запрос № {id} на изменение данных абонента отправлен. Ответ придёт на вашу электронную почту и в «Мои обращения»."
        ),
    }))
}

/// The longest comment of a service order, in characters.
const ORDER_COMMENT_MAX: usize = 2000;
/// How far ahead a preferred date may be, in days.
const ORDER_DAYS_AHEAD: i64 = 90;

/// «Заказать услугу» (F12.1): a service from the catalogue for this account, with a
/// preferred date and a comment; it joins the user's requests and the contact centre's queue.
/// Counted against the same per-address limit as the contact form (429).
#[utoipa::path(tag = "requests", security(("bearer" = [])), params(("account_number" = String, Path)), request_body = ServiceOrderBody,
    responses(
        (status = 201, description = "Ordered, with the request's number", body = ContactResponse),
        (status = 404, response = crate::responses::NotFound),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/accounts/{account_number}/service-orders")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn create_service_order(
    state: web::Data<AppState>,
    own: OwnAccount<Actor>,
    body: Json<ServiceOrderBody>,
) -> ApiResult<HttpResponse> {
    let site = Site::load(state.store.as_ref(), &state.config).await?;
    let mut errors = Vec::new();
    let service = site
        .services
        .iter()
        .find(|s| s.code.eq_ignore_ascii_case(body.service_code.trim()));
    if service.is_none() {
        errors.push(FieldError {
            field: "service_code".into(),
            code: "unknown_service".into(),
            message: "Выберите услугу из списка.".into(),
        });
    }
    let today = state.config.today();
    if let Some(d) = body.preferred_date {
        if d < today || d > today + chrono::Duration::days(ORDER_DAYS_AHEAD) {
            errors.push(FieldError {
                field: "preferred_date".into(),
                code: "out_of_range".into(),
                message: format!(
                    "Выберите дату с сегодняшнего дня и не позднее чем через {ORDER_DAYS_AHEAD} дней."
                ),
            });
        }
    }
    let comment = match text::clean_block(
        body.comment.as_deref().unwrap_or_default(),
        ORDER_COMMENT_MAX,
    ) {
        Ok(c) => c,
        Err(e) => {
            errors.push(ApiError::text_field("comment", e));
            None
        }
    };
    let Some(service) = service.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let now = Utc::now();
    let u = sender(&state, &own.user, now).await?;
    let language = state.store.language(u.id).await?;
    let mut new = account_request(
        RequestKind::ServiceOrder,
        u,
        &own,
        comment.unwrap_or_else(|| "Без комментария.".into()),
        language,
        now,
    );
    new.service = Some((service.code.clone(), service.name.clone()));
    new.preferred_date = body.preferred_date;
    let number = state.store.create_request(&new).await?;
    state
        .mail
        .enqueue(templates::request_received(
            &state.config,
            new.language,
            &new.email,
            number,
        ))
        .await?;
    state.metrics.contact_request(RequestKind::ServiceOrder);
    tracing::info!(request_id = number, service = %service.code, "service ordered");
    Ok(HttpResponse::Created().json(ContactResponse {
        number,
        message: format!(
            "Заявка № {number} на услугу «{}» принята. Статус заявки — в разделе «Мои обращения».",
            service.name
        ),
    }))
}
