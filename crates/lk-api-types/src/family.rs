//! Family access (X9): the owner of an account invites people by e-mail, with a role, and
//! sees and revokes them; an invitee accepts with their own login.

use chrono::{DateTime, Utc};
use lk_domain::{HouseAccess, MemberRole};
use serde::{Deserialize, Serialize};

/// An invitation to the account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteMemberRequest {
    /// The invitee's e-mail address; they accept signed in with it (registering if needed).
    #[cfg_attr(feature = "openapi", schema(example = "petrova@example.ru", format = Email, max_length = 254))]
    pub email: String,
    /// `view` («просмотр»: balance, history, receipts) or `full` («полный доступ»: also
    /// readings and payments).
    pub role: MemberRole,
}

/// A pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationResponse {
    pub id: i64,
    pub email: String,
    pub role: MemberRole,
    pub created_at: DateTime<Utc>,
    /// After this the link no longer works (7 days).
    pub expires_at: DateTime<Utc>,
}

/// Someone who holds the account: its owner or an invited member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberResponse {
    /// The member's house with the account: what `DELETE …/members/{member_id}` names.
    pub id: i64,
    /// «Имя Фамилия», or the e-mail address when they gave no name.
    pub name: String,
    pub email: String,
    pub access: HouseAccess,
    /// When they bound or joined the account.
    pub since: DateTime<Utc>,
    /// This is the user asking.
    pub you: bool,
}

/// The account's family: who holds it and who is invited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MembersResponse {
    /// Owners first, then members by the day they joined.
    pub members: Vec<MemberResponse>,
    /// Invitations not accepted yet, oldest first.
    pub invitations: Vec<InvitationResponse>,
}

/// The token from the invitation's link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInvitationRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
}

/// The house the accepted account is now in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptedInvitationResponse {
    pub house_id: i64,
    pub account_number: String,
    pub access: HouseAccess,
}
