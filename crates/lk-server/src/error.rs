//! One error type for the whole API, rendered as RFC 9457 `application/problem+json` with a
//! stable `code`. Extractor errors (bad JSON, wrong content type, oversized body, bad path or
//! query) and actix's own plain-text errors are converted to the same shape.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{error, HttpRequest, HttpResponse, ResponseError};
use lk_api_types::{ErrorCode, FieldError, Problem};

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body parsed but some fields are invalid (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The body is JSON of the wrong shape: not an object, a field missing or of another type
    /// (422 `invalid_body`).
    #[error("invalid body")]
    InvalidBody(Vec<FieldError>),
    /// A query parameter is not of its type (400 `invalid_query`).
    #[error("invalid query")]
    InvalidQuery(Vec<FieldError>),
    /// The request is malformed (400).
    #[error("{code}: {detail}")]
    BadRequest { code: ErrorCode, detail: String },
    /// The request is well-formed but cannot be done (422), e.g. no such account in the
    /// registry.
    #[error("{code}: {detail}")]
    Unprocessable { code: ErrorCode, detail: String },
    /// Conflicts with the current state (409).
    #[error("{code}: {detail}")]
    Conflict { code: ErrorCode, detail: String },
    /// Missing or wrong credentials (401).
    #[error("unauthorized: {0}")]
    Unauthorized(ErrorCode),
    /// Authenticated but not allowed (403).
    #[error("forbidden: {0}")]
    Forbidden(ErrorCode),
    /// Nothing here — also the answer for other users' resources.
    #[error("not found")]
    NotFound,
    /// An uploaded file is not of a kind accepted there, judged by its bytes (415).
    #[error("unsupported file: {0}")]
    UnsupportedFile(String),
    /// An uploaded file is over its limit (413).
    #[error("file too large: {0}")]
    FileTooLarge(String),
    /// Too many attempts (429); retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: i64,
        code: ErrorCode,
    },
    /// A dependency (the database) is down (503).
    #[error("service unavailable")]
    Unavailable,
    /// A bug or an outage. Logged in full, never shown to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Seconds a client is asked to wait when a dependency is down.
pub const RETRY_AFTER_UNAVAILABLE: &str = "5";

impl From<crate::db::StoreError> for ApiError {
    /// An unreachable or overloaded database is an outage (503, try again), not a bug (500).
    fn from(e: crate::db::StoreError) -> Self {
        if e.is_unavailable() {
            tracing::error!(error = %e, "database unavailable");
            return ApiError::Unavailable;
        }
        // A uniqueness rule the handler did not expect: the state conflicts, nothing broke.
        if let crate::db::StoreError::Conflict(c) = &e {
            tracing::warn!(constraint = ?c, "unexpected conflict");
            return ApiError::Conflict {
                code: ErrorCode::Conflict,
                detail: "Такая запись уже существует.".into(),
            };
        }
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

    /// A validation error for a field of free text ([`lk_domain::text`]).
    pub fn text_field(field: &str, e: lk_domain::text::TextError) -> FieldError {
        use lk_domain::text::TextError;
        let (code, message) = match e {
            TextError::TooLong(max) => ("too_long", format!("Не более {max} символов.")),
            TextError::ControlCharacters => (
                "invalid_characters",
                "Недопустимые символы (управляющие или меняющие направление текста).".to_owned(),
            ),
            TextError::Invisible => (
                "invisible",
                "Значение не содержит видимых символов.".to_owned(),
            ),
        };
        FieldError {
            field: field.into(),
            code: code.into(),
            message,
        }
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::Validation(_) => ErrorCode::ValidationFailed,
            ApiError::InvalidBody(_) => ErrorCode::InvalidBody,
            ApiError::InvalidQuery(_) => ErrorCode::InvalidQuery,
            ApiError::BadRequest { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::Conflict { code, .. } => *code,
            ApiError::Unauthorized(code) | ApiError::Forbidden(code) => *code,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::UnsupportedFile(_) => ErrorCode::UnsupportedFile,
            ApiError::FileTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::TooManyRequests { code, .. } => *code,
            ApiError::Unavailable => ErrorCode::ServiceUnavailable,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    fn detail(&self) -> Option<String> {
        let text = match self {
            ApiError::Validation(_) => "Проверьте правильность заполнения полей.",
            ApiError::InvalidBody(_) => "Тело запроса не соответствует схеме.",
            ApiError::InvalidQuery(_) => "Неверные параметры запроса.",
            ApiError::BadRequest { detail, .. }
            | ApiError::Unprocessable { detail, .. }
            | ApiError::Conflict { detail, .. } => return Some(detail.clone()),
            ApiError::UnsupportedFile(detail) | ApiError::FileTooLarge(detail) => {
                return Some(detail.clone())
            }
            ApiError::Unauthorized(ErrorCode::InvalidCredentials) => {
                "Неверный адрес электронной почты или пароль."
            }
            ApiError::Unauthorized(ErrorCode::InvalidToken) => {
                "Ссылка недействительна или устарела. Запросите новую."
            }
            ApiError::Unauthorized(ErrorCode::InvalidSignature) => {
                "Подпись уведомления отсутствует или неверна."
            }
            ApiError::Unauthorized(ErrorCode::InvalidApiKey) => {
                "Нужен действующий ключ API: Authorization: Bearer lka_…"
            }
            ApiError::Unauthorized(ErrorCode::InvalidSecondFactor) => {
                "Код неверный, устарел или уже использован."
            }
            ApiError::Unauthorized(ErrorCode::SignInExpired) => {
                "Время на ввод кода истекло. Войдите снова."
            }
            ApiError::Unauthorized(_) => "Сеанс завершён. Войдите снова.",
            ApiError::Forbidden(ErrorCode::EmailNotConfirmed) => {
                "Адрес электронной почты не подтверждён. Перейдите по ссылке из письма."
            }
            ApiError::Forbidden(ErrorCode::AccountDisabled) => {
                "Учётная запись отключена администратором."
            }
            ApiError::Forbidden(ErrorCode::TwoFactorRequired) => {
                "Включите двухфакторную аутентификацию в профиле: она обязательна для сотрудников."
            }
            ApiError::Forbidden(ErrorCode::InvitationForOtherEmail) => {
                "Приглашение отправлено на другой адрес электронной почты: войдите с ним."
            }
            ApiError::Forbidden(ErrorCode::InsufficientScope) => {
                "У ключа API нет права на эту операцию."
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
    code: ErrorCode,
    detail: Option<String>,
    errors: Vec<FieldError>,
) -> HttpResponse {
    let body = Problem {
        type_: format!("https://lk.example/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code,
        errors,
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(serde_json::to_string(&body).unwrap_or_default())
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::InvalidBody(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::UnsupportedFile(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::FileTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
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
            ApiError::Validation(errors)
            | ApiError::InvalidBody(errors)
            | ApiError::InvalidQuery(errors) => errors.clone(),
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
        // A payment notification's credential is its signature, not an access token: no
        // Bearer challenge for it.
        if matches!(self, ApiError::Unauthorized(code) if *code != ErrorCode::InvalidSignature) {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if matches!(self, ApiError::Unavailable) {
            resp.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_UNAVAILABLE),
            );
        }
        resp
    }
}

/// Maps JSON body errors: wrong content type → 415, too large → 413, not JSON → 400, JSON of
/// the wrong shape → 422. Neither the answer nor the logged cause quotes serde's message: it
/// may carry the value (a password).
pub fn json_error(err: error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use error::JsonPayloadError as E;
    let (resp, cause) = match &err {
        E::ContentType => (
            problem_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                Some("Ожидается тело запроса в формате application/json.".into()),
                vec![],
            ),
            "the body is not application/json",
        ),
        E::Overflow { .. } | E::OverflowKnownLength { .. } => (
            problem_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                Some("Тело запроса слишком велико.".into()),
                vec![],
            ),
            "the body is too large",
        ),
        E::Deserialize(de) if de.is_data() => {
            let e = ApiError::InvalidBody(vec![]);
            (e.error_response(), "the body is JSON of the wrong shape")
        }
        _ => (
            problem_response(
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                Some("Тело запроса не является корректным JSON.".into()),
                vec![],
            ),
            "the body is not JSON",
        ),
    };
    error::InternalError::from_response(cause, resp).into()
}

/// Bad path segments (e.g. a non-numeric id) → 400 `invalid_path`, without the segment.
pub fn path_error(_err: error::PathError, _req: &HttpRequest) -> actix_web::Error {
    let resp = problem_response(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidPath,
        Some("Неверный параметр пути.".into()),
        vec![],
    );
    error::InternalError::from_response("a path parameter is not of its type", resp).into()
}

/// Bad query strings → 400 `invalid_query` (for actix's own `Query`; handlers use
/// [`crate::extract::Query`], which names the parameter).
pub fn query_error(_err: error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::InvalidQuery(vec![]).into()
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
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthorized,
        s if s.is_server_error() => ErrorCode::InternalError,
        _ => ErrorCode::BadRequest,
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
