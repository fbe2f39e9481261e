//! RFC 9457 problem details: the body of every error response.

use serde::{Deserialize, Serialize};

/// An error response (`application/problem+json`). `code` is stable and meant for programs;
/// `title` and `detail` are for people (in Russian).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code, e.g. `validation_failed`, `invalid_credentials`.
    pub code: crate::ErrorCode,
    /// The offending fields of a request that failed validation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as in the request body, e.g. `email`.
    pub field: String,
    /// Stable code, e.g. `too_short`, `invalid_email`.
    pub code: String,
    /// What is wrong, for people (in Russian).
    pub message: String,
}
