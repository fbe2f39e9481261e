//! Family access to an account (X9): its members and invitations, and accepting one.

use super::client::Method;
use lk_api_types::{
    AcceptInvitationRequest, AcceptedInvitationResponse, InvitationResponse, InviteMemberRequest,
    MembersResponse,
};

use super::client::{removed, Call, Reply};
use super::escape;
use crate::session::Session;

/// `GET /accounts/{number}/members` (the owner only).
pub fn members(session: Session, number: &str) -> Reply<MembersResponse> {
    Call::get(format!("/accounts/{}/members", escape(number))).authed(session)
}

/// `POST /accounts/{number}/invitations`: mails the invitee a link.
pub fn invite(
    session: Session,
    number: &str,
    req: &InviteMemberRequest,
) -> Reply<InvitationResponse> {
    Call::post(format!("/accounts/{}/invitations", escape(number)))
        .json(req)
        .authed(session)
}

/// `DELETE /accounts/{number}/members/{id}`: the member's access ends at once.
pub fn revoke(session: Session, number: &str, id: i64) -> Reply<()> {
    removed(
        Call::new(
            Method::DELETE,
            format!("/accounts/{}/members/{id}", escape(number)),
        )
        .authed(session),
    )
}

/// `DELETE /accounts/{number}/invitations/{id}`: the link stops working.
pub fn cancel(session: Session, number: &str, id: i64) -> Reply<()> {
    removed(
        Call::new(
            Method::DELETE,
            format!("/accounts/{}/invitations/{id}", escape(number)),
        )
        .authed(session),
    )
}

/// `POST /family/accept`: the account comes into a new house of the user's.
pub fn accept(session: Session, token: &str) -> Reply<AcceptedInvitationResponse> {
    Call::post("/family/accept")
        .json(&AcceptInvitationRequest {
            token: token.to_owned(),
        })
        .authed(session)
}
