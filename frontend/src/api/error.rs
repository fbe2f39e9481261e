//! A failed call, as the user hears about it: the server's problem details (RFC 9457), or no
//! answer at all.

use lk_api_types::{ErrorCode, Problem};

use crate::i18n::{lang, td_string, Locale};

/// The `code` of a field error found in the browser: its message is already in the language
/// on screen.
const CLIENT_CHECK: &str = "client_check";

/// A failed call, as the user should hear about it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with a problem.
    Problem(Problem),
    /// The server was too busy to do it now (429 `server_busy`) and said when to ask again.
    Busy(Problem, u32),
    /// The server answered something that is neither what was asked nor a problem (a proxy's
    /// error page, say), with this status.
    Unexpected(u16),
}

impl ApiError {
    /// A sentence for the user. In Russian, the server's own (the most specific); in another
    /// language, the catalogue's sentence for the problem's `code`.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => td_string!(lang(), core.errors.network).into(),
            // Overloaded, not refused: the catalogue's sentence says so in every language.
            ApiError::Problem(p) | ApiError::Busy(p, _) if p.code == ErrorCode::ServerBusy => {
                td_string!(lang(), core.errors.server_busy).into()
            }
            ApiError::Problem(p) | ApiError::Busy(p, _) if lang() == Locale::ru => {
                p.detail.clone().unwrap_or_else(|| p.title.clone())
            }
            ApiError::Problem(p) | ApiError::Busy(p, _) => problem_message(p.code).into(),
            ApiError::Unexpected(_) => td_string!(lang(), core.errors.unexpected).into(),
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Problem(p) | ApiError::Busy(p, _) => Some(p.code),
            ApiError::Network | ApiError::Unexpected(_) => None,
        }
    }

    /// Seconds to wait before sending the same request again, when the server was busy.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::Busy(_, secs) => Some(*secs),
            _ => None,
        }
    }

    /// The message for one field of a validation problem: the server's in Russian, the
    /// catalogue's for the field error's `code` in another language.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Problem(p) => {
                p.errors
                    .iter()
                    .find(|e| e.field == name)
                    .map(|e| match lang() {
                        _ if e.code == CLIENT_CHECK => e.message.clone(),
                        Locale::ru => e.message.clone(),
                        Locale::en => field_message(&e.code).into(),
                    })
            }
            ApiError::Network | ApiError::Unexpected(_) | ApiError::Busy(..) => None,
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
                code: CLIENT_CHECK.into(),
                message: message.into(),
            }],
        })
    }

    /// True when the problem names fields (they are shown next to the inputs).
    pub fn has_field_errors(&self) -> bool {
        matches!(self, ApiError::Problem(p) if !p.errors.is_empty())
    }
}

/// The catalogue's sentence for a problem `code`.
fn problem_message(code: ErrorCode) -> &'static str {
    let l = lang();
    match code {
        ErrorCode::ValidationFailed | ErrorCode::InvalidBody => {
            td_string!(l, core.errors.validation_failed)
        }
        ErrorCode::MalformedJson
        | ErrorCode::UnsupportedMediaType
        | ErrorCode::InvalidQuery
        | ErrorCode::InvalidPath
        | ErrorCode::BadRequest
        | ErrorCode::MethodNotAllowed
        | ErrorCode::InvalidIdempotencyKey
        | ErrorCode::IdempotencyKeyInUse
        | ErrorCode::IdempotencyKeyReused
        | ErrorCode::MalformedNotification
        | ErrorCode::InvalidSignature => td_string!(l, core.errors.bad_request),
        ErrorCode::Unauthorized
        | ErrorCode::SessionEnded
        | ErrorCode::NoSession
        | ErrorCode::RefreshTokenReused
        | ErrorCode::InvalidApiKey => td_string!(l, core.errors.unauthorized),
        ErrorCode::InvalidCredentials => td_string!(l, core.errors.invalid_credentials),
        // The server's Russian is specific; other languages get the nearest sentence.
        ErrorCode::InvalidToken | ErrorCode::InvitationNotFound => {
            td_string!(l, core.errors.invalid_token)
        }
        ErrorCode::EmailNotConfirmed => td_string!(l, core.errors.email_not_confirmed),
        ErrorCode::Forbidden
        | ErrorCode::InsufficientScope
        | ErrorCode::InvitationForOtherEmail => {
            td_string!(l, core.errors.forbidden)
        }
        ErrorCode::AccountDisabled => td_string!(l, core.errors.account_disabled),
        ErrorCode::InvalidSecondFactor => td_string!(l, core.errors.invalid_second_factor),
        ErrorCode::SignInExpired => td_string!(l, core.errors.sign_in_expired),
        ErrorCode::TwoFactorRequired => td_string!(l, core.errors.two_factor_required),
        ErrorCode::StatusTransition => td_string!(l, core.errors.status_transition),
        ErrorCode::BranchInUse => td_string!(l, core.errors.branch_in_use),
        ErrorCode::UnsupportedFile => td_string!(l, core.errors.unsupported_file),
        ErrorCode::PayloadTooLarge => td_string!(l, core.errors.payload_too_large),
        ErrorCode::NotFound => td_string!(l, core.errors.not_found),
        ErrorCode::AccountNotFound => td_string!(l, core.errors.account_not_found),
        ErrorCode::AccountAlreadyAdded | ErrorCode::AlreadyMember => {
            td_string!(l, core.errors.account_already_added)
        }
        ErrorCode::ReadingExists => td_string!(l, core.errors.reading_exists),
        ErrorCode::ReadingWindowClosed => td_string!(l, core.errors.reading_window_closed),
        ErrorCode::Conflict => td_string!(l, core.errors.conflict),
        ErrorCode::TooManyRequests => td_string!(l, core.errors.too_many_requests),
        ErrorCode::ServerBusy => td_string!(l, core.errors.server_busy),
        ErrorCode::ServiceUnavailable => td_string!(l, core.errors.service_unavailable),
        ErrorCode::InternalError => td_string!(l, core.errors.other),
    }
}

/// The catalogue's sentence for a field error `code`.
fn field_message(code: &str) -> &'static str {
    let l = lang();
    match code {
        "required" => td_string!(l, core.field.required),
        "too_long" => td_string!(l, core.field.too_long),
        "period_too_long" => td_string!(l, core.field.period_too_long),
        "too_short" => td_string!(l, core.field.too_short),
        "invalid_email" => td_string!(l, core.field.invalid_email),
        "invalid_phone" => td_string!(l, core.field.invalid_phone),
        "invalid_characters" => td_string!(l, core.field.invalid_characters),
        "same_as_email" => td_string!(l, core.field.same_as_email),
        "too_common" => td_string!(l, core.field.too_common),
        "wrong_password" => td_string!(l, core.field.wrong_password),
        "invalid_code" => td_string!(l, core.field.invalid_code),
        "mismatch" => td_string!(l, core.field.mismatch),
        "invalid_account_number" => td_string!(l, core.field.invalid_account_number),
        "invalid_meter_number" => td_string!(l, core.field.invalid_meter_number),
        "missing_zone" => td_string!(l, core.field.missing_zone),
        "duplicate_zone" => td_string!(l, core.field.duplicate_zone),
        "unknown_zone" => td_string!(l, core.field.unknown_zone),
        "out_of_range" => td_string!(l, core.field.out_of_range),
        "abnormal_consumption" => td_string!(l, core.field.abnormal_consumption),
        "no_previous_reading" => td_string!(l, core.field.no_previous_reading),
        "consent_required" => td_string!(l, core.field.consent_required),
        "invalid_amount" => td_string!(l, core.field.invalid_amount),
        "unknown_service" => td_string!(l, core.field.unknown_service),
        "invalid_period" => td_string!(l, core.field.invalid_period),
        _ => td_string!(l, core.field.other),
    }
}
