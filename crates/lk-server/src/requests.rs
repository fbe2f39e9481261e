//! Requests to the contact centre (SPEC F1.4, F2.4): «Задать вопрос» from any page and
//! «Обратиться в Техническую поддержку» from the login page, with or without signing in; and
//! the signed-in user's own requests with their status.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use lk_api_types::{ContactRequestBody, ContactResponse, FieldError, RequestSummary};
use lk_domain::registry::REQUEST_TEXT_MAX;
use lk_domain::{text, Email};

use crate::access::CurrentUser;
use crate::client::client_ip;
use crate::db::requests::NewRequest;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::fields::{parse_email, parse_personal_data};
use crate::mail::templates;
use crate::responses::TooManyRequests;
use crate::state::AppState;
use crate::throttle::Rules;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_request).service(my_requests);
}

/// The sender's fields, checked: names, e-mail, phone and text, each error by its field; the
/// request to store, and the sender's address.
fn parse_body(
    body: &ContactRequestBody,
    user_id: Option<i64>,
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
    let email = match parse_email(&body.email) {
        Ok(e) => Some(e),
        Err(ApiError::Validation(mut e)) => {
            errors.append(&mut e);
            None
        }
        Err(e) => return Err(e),
    };
    match (last_name, first_name, email, text) {
        (Some(last_name), Some(first_name), Some(email), Some(body_text)) if errors.is_empty() => {
            let new = NewRequest {
                kind: body.kind,
                user_id,
                last_name,
                first_name,
                patronymic,
                email: email.as_str().to_owned(),
                phone,
                body: body_text,
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

/// Send a question or a support request to the contact centre (F2.4, F1.4).
///
/// Works without signing in; with a valid access token the request is also listed among the
/// user's requests. The answer carries the request's number, which is also e-mailed to the
/// sender. Messages are limited per client address and per e-mail (429). A filled `website`
/// (a field people never see) is answered the same way and nothing is stored or sent.
#[utoipa::path(tag = "requests", request_body = ContactRequestBody,
    responses(
        (status = 201, description = "Accepted, with the request's number", body = ContactResponse),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/requests")]
#[tracing::instrument(skip_all)]
pub async fn create_request(
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
    let (new, email) = parse_body(&body, user.map(|u| u.id), now)?;
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
            &new.email,
            number,
        ))
        .await?;
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
    Ok(web::Json(
        rows.into_iter()
            .map(|r| RequestSummary {
                number: r.id,
                kind: r.kind,
                status: r.status,
                text: r.body,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect(),
    ))
}
