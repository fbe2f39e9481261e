//! The staff console (SPEC B2): the contact centre's queues, and the company's staff.

use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{RequestKind, RequestStatus, Role};
use serde::{Deserialize, Serialize};

use crate::requests::RequestEvent;

/// A request as the contact centre sees it: with the sender's contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRequest {
    pub number: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub email: String,
    pub phone: Option<String>,
    pub text: String,
    pub account_number: Option<String>,
    pub service_name: Option<String>,
    pub preferred_date: Option<NaiveDate>,
    /// Sent by a signed-in subscriber (their reply shows in their «Мои обращения»).
    pub from_subscriber: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A page of a queue, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRequestPage {
    pub items: Vec<StaffRequest>,
    /// Pass as `before` for the next page; absent on the last one.
    pub next_before: Option<i64>,
}

/// A request with its whole history, for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRequestDetail {
    pub request: StaffRequest,
    pub events: Vec<RequestEvent>,
}

/// An operator's action on a request: a reply (e-mailed to the sender and shown in their
/// SPA), a new status, or both. A reply without a status answers an open request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestActionBody {
    /// The reply to the sender, 1–4000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub reply: Option<String>,
    /// The new status: not `new`; a closed request only back to `in_progress`.
    #[serde(default)]
    pub status: Option<RequestStatus>,
}

/// A member of the company's staff: an operator or an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    /// Disabled users cannot sign in; their sessions ended when they were disabled.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// Enable or disable a user.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserAccessBody {
    pub disabled: bool,
}
