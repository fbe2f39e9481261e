//! A failed call, as the user hears about it: the server's problem details (RFC 9457), or no
//! answer at all.

use lk_api_types::{ErrorCode, Problem};

/// A failed call, as the user should hear about it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with a problem.
    Problem(Problem),
    /// The server answered something that is neither what was asked nor a problem (a proxy's
    /// error page, say), with this status.
    Unexpected(u16),
}

impl ApiError {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => {
                "Нет связи с сервером. Проверьте подключение к интернету и повторите попытку."
                    .into()
            }
            ApiError::Problem(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
            ApiError::Unexpected(_) => "Сервер ответил неожиданно. Повторите попытку позже.".into(),
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem(p) => Some(p.code),
            ApiError::Network | ApiError::Unexpected(_) => None,
        }
    }

    /// The message for one field of a validation problem.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Problem(p) => p
                .errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
            ApiError::Network | ApiError::Unexpected(_) => None,
        }
    }

    /// A field error found before asking the server, shown like the server's own.
    pub fn invalid_field(field: &str, message: &str) -> Self {
        ApiError::Problem(Problem {
            type_: "about:blank".into(),
            title: "Unprocessable Entity".into(),
            status: 422,
            detail: None,
            code: ErrorCode::ValidationFailed,
            errors: vec![lk_api_types::FieldError {
                field: field.into(),
                code: "invalid".into(),
                message: message.into(),
            }],
        })
    }

    /// True when the problem names fields (they are shown next to the inputs).
    pub fn has_field_errors(&self) -> bool {
        matches!(self, ApiError::Problem(p) if !p.errors.is_empty())
    }
}
