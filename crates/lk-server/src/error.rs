//! One error type for the whole API, rendered as RFC 9457 `application/problem+json` with a
//! stable `code`. Extractor errors (bad JSON, wrong content type, oversized body, bad path or
//! query) and actix's own plain-text errors are converted to the same shape.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{error, HttpRequest, HttpResponse, ResponseError};
use lk_api_types::{FieldError, Problem};

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body parsed but some fields are invalid (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The request is malformed (400).
    #[error("{code}: {detail}")]
    BadRequest { code: &'static str, detail: String },
    /// The request is well-formed but cannot be done (422), e.g. no such account in the
    /// registry.
    #[error("{code}: {detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// Conflicts with the current state (409).
    #[error("{code}: {detail}")]
    Conflict { code: &'static str, detail: String },
    /// Missing or wrong credentials (401).
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Authenticated but not allowed (403).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Nothing here — also the answer for other users' resources.
    #[error("not found")]
    NotFound,
    /// Too many attempts (429); retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: i64,
        code: &'static str,
    },
    /// A dependency (the database) is down (503).
    #[error("service unavailable")]
    Unavailable,
    /// A bug or an outage. Logged in full, never shown to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::db::StoreError> for ApiError {
    fn from(e: crate::db::StoreError) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ApiError {
    /// A validation error for one field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::BadRequest { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::Conflict { code, .. } => code,
            ApiError::Unauthorized(code) | ApiError::Forbidden(code) => code,
            ApiError::NotFound => "not_found",
            ApiError::TooManyRequests { code, .. } => code,
            ApiError::Unavailable => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> Option<String> {
        let text = match self {
            ApiError::Validation(_) => "Проверьте правильность заполнения полей.",
            ApiError::BadRequest { detail, .. }
            | ApiError::Unprocessable { detail, .. }
            | ApiError::Conflict { detail, .. } => return Some(detail.clone()),
            ApiError::Unauthorized("invalid_credentials") => {
                "Неверный адрес электронной почты или пароль."
            }
            ApiError::Unauthorized("invalid_token") => {
                "Ссылка недействительна или устарела. Запросите новую."
            }
            ApiError::Unauthorized(_) => "Сеанс завершён. Войдите снова.",
            ApiError::Forbidden("email_not_confirmed") => {
                "Адрес электронной почты не подтверждён. Перейдите по ссылке из письма."
            }
            ApiError::Forbidden(_) => "Недостаточно прав.",
            ApiError::NotFound => "Не найдено.",
            ApiError::TooManyRequests { .. } => "Слишком много попыток. Повторите позже.",
            ApiError::Unavailable => "Сервис временно недоступен.",
            ApiError::Internal(_) => "Внутренняя ошибка сервера. Мы уже разбираемся.",
        };
        Some(text.to_owned())
    }
}

/// Builds a problem response for a status, code and detail.
pub fn problem_response(
    status: StatusCode,
    code: &str,
    detail: Option<String>,
    errors: Vec<FieldError>,
) -> HttpResponse {
    let body = Problem {
        type_: format!("https://lk.example/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code: code.to_owned(),
        errors,
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(serde_json::to_string(&body).unwrap_or_default())
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
        let errors = match self {
            ApiError::Validation(errors) => errors.clone(),
            _ => Vec::new(),
        };
        let mut resp = problem_response(self.status_code(), self.code(), self.detail(), errors);
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(&1).to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// Maps JSON body errors: wrong content type → 415, too large → 413, not JSON → 400,
/// JSON of the wrong shape → 422 naming the problem.
pub fn json_error(err: error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use error::JsonPayloadError as E;
    let resp = match &err {
        E::ContentType => problem_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Some("Ожидается тело запроса в формате application/json.".into()),
            vec![],
        ),
        E::Overflow { .. } | E::OverflowKnownLength { .. } => problem_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            Some("Тело запроса слишком велико.".into()),
            vec![],
        ),
        E::Deserialize(de) if de.is_data() => {
            let field = serde_field_name(&de.to_string());
            problem_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                Some(format!("Тело запроса не соответствует схеме: {de}")),
                field
                    .map(|f| {
                        vec![FieldError {
                            field: f,
                            code: "invalid".into(),
                            message: "Неверное или отсутствующее значение.".into(),
                        }]
                    })
                    .unwrap_or_default(),
            )
        }
        _ => problem_response(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            Some("Тело запроса не является корректным JSON.".into()),
            vec![],
        ),
    };
    error::InternalError::from_response(err, resp).into()
}

/// Pulls the field name out of serde's "missing field `x`" / "unknown field `x`" messages.
fn serde_field_name(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(msg[start..start + len].to_owned())
}

/// Bad path segments (e.g. a non-numeric id) → 400 `invalid_path`.
pub fn path_error(err: error::PathError, _req: &HttpRequest) -> actix_web::Error {
    let resp = problem_response(
        StatusCode::BAD_REQUEST,
        "invalid_path",
        Some(format!("Неверный параметр пути: {err}")),
        vec![],
    );
    error::InternalError::from_response(err, resp).into()
}

/// Bad query strings → 400 `invalid_query`.
pub fn query_error(err: error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let resp = problem_response(
        StatusCode::BAD_REQUEST,
        "invalid_query",
        Some(format!("Неверные параметры запроса: {err}")),
        vec![],
    );
    error::InternalError::from_response(err, resp).into()
}

/// Catch-all for error responses produced outside our handlers (405 from a resource, 404 from
/// the router, 413 from payload limits…): gives them a problem body if they lack one.
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .response()
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNAUTHORIZED => "unauthorized",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    };
    let (req, old) = res.into_parts();
    let mut new = problem_response(status, code, None, vec![]);
    // Keep headers such as `Allow` and `Retry-After` of the original response.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let res: ServiceResponse<BoxBody> = ServiceResponse::new(req, new);
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}

/// Result type of handlers.
pub type ApiResult<T> = Result<T, ApiError>;
