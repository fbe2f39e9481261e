//! Family access (X9): the owner of an account (who bound it by the account and meter
//! numbers) invites people by e-mail with a role — `view` or `full` — sees who holds the
//! account and revokes them; an invitee accepts signed in with the invited address and gets
//! the account in a house of their own. A member leaves by deleting that house. What each role
//! may do is decided by the access extractors ([`crate::access::Needs`]).

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::Utc;
use lk_api_types::{
    AcceptInvitationRequest, AcceptedInvitationResponse, ErrorCode, InvitationResponse,
    InviteMemberRequest, MemberResponse, MembersResponse,
};
use lk_domain::family::{display_name, invitation_expires};

use crate::access::{CurrentUser, OwnAccount, Owner};
use crate::db::family::{Accepted, InvitationRecord, NewInvitation};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::responses::{Conflict, Forbidden, TooManyRequests, Unprocessable};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(members)
        .service(invite)
        .service(cancel_invitation)
        .service(revoke_member)
        .service(accept_invitation);
}

fn invitation(r: InvitationRecord) -> InvitationResponse {
    InvitationResponse {
        id: r.id,
        email: r.email,
        role: r.role,
        created_at: r.created_at,
        expires_at: r.expires_at,
    }
}

/// The owner and the members they invited, and their pending invitations (the owner only;
/// anyone else gets 404). Someone else who bound the account by its numbers is an owner of
/// their own, with members of their own: neither sees the other's.
#[utoipa::path(tag = "family", security(("bearer" = [])), params(("account_number" = String, Path)),
    responses((status = 200, description = "The account's members and pending invitations", body = MembersResponse)))]
#[get("/accounts/{account_number}/members")]
pub async fn members(
    state: web::Data<AppState>,
    own: OwnAccount<Owner>,
) -> ApiResult<web::Json<MembersResponse>> {
    let account_id = own.account.id;
    let holders = state.store.holders(account_id, own.user.id).await?;
    let invitations = state
        .store
        .invitations(account_id, own.user.id, Utc::now())
        .await?;
    Ok(web::Json(MembersResponse {
        members: holders
            .into_iter()
            .map(|h| MemberResponse {
                id: h.house_id,
                name: display_name(h.first_name.as_deref(), h.last_name.as_deref(), &h.email),
                you: h.user_id == own.user.id,
                email: h.email,
                access: h.access,
                since: h.since,
            })
            .collect(),
        invitations: invitations.into_iter().map(invitation).collect(),
    }))
}

/// Invite someone to the account by e-mail, with the role `view` or `full` (X9).
///
/// The invitee gets a link by e-mail, valid for 7 days, and accepts it signed in with that
/// address (registering first if needed). Inviting a pending address again renews its
/// invitation (a new link, the new role). An address that already holds the account is 409
/// `already_member`. Limited per user (429). The owner only; anyone else gets 404.
#[utoipa::path(tag = "family", security(("bearer" = [])), params(("account_number" = String, Path)),
    request_body = InviteMemberRequest,
    responses(
        (status = 201, description = "The invitation is sent", body = InvitationResponse),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/accounts/{account_number}/invitations")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn invite(
    state: web::Data<AppState>,
    own: OwnAccount<Owner>,
    body: Json<InviteMemberRequest>,
) -> ApiResult<HttpResponse> {
    let email = crate::fields::parse_email(&body.email)?;
    let now = Utc::now();
    crate::throttle::Rules::of(&state.config.throttle)
        .invite
        .hit(
            state.store.as_ref(),
            &state.metrics,
            &own.user.id.to_string(),
            now,
        )
        .await?;
    let inviter = state
        .store
        .user_by_id(own.user.id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?;
    let token = crate::security::tokens::random_token();
    let token_hash = crate::security::tokens::digest(&token);
    let normalized = email.normalized();
    let record = state
        .store
        .invite(&NewInvitation {
            account_id: own.account.id,
            invited_by: own.user.id,
            email: email.as_str(),
            email_normalized: &normalized,
            role: body.role,
            token_hash: &token_hash,
            now,
            expires_at: invitation_expires(now),
        })
        .await?
        .ok_or_else(|| ApiError::Conflict {
            code: ErrorCode::AlreadyMember,
            detail: "У этого адреса уже есть доступ к лицевому счёту.".into(),
        })?;
    let language = state.store.language(own.user.id).await?;
    let name = display_name(
        inviter.first_name.as_deref(),
        inviter.last_name.as_deref(),
        &inviter.email,
    );
    state
        .mail
        .enqueue(crate::mail::templates::family_invitation(
            &state.config,
            language,
            email.as_str(),
            &name,
            &own.account.number,
            body.role,
            &token,
        ))
        .await?;
    tracing::info!(invitation_id = record.id, role = %record.role, "family invitation sent");
    Ok(HttpResponse::Created().json(invitation(record)))
}

/// Cancel a pending invitation: its link stops working at once. The owner only.
#[utoipa::path(tag = "family", security(("bearer" = [])),
    params(("account_number" = String, Path), ("invitation_id" = i64, Path)),
    responses((status = 204, description = "Cancelled")))]
#[delete("/accounts/{account_number}/invitations/{invitation_id}")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn cancel_invitation(
    state: web::Data<AppState>,
    own: OwnAccount<Owner>,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (_, id) = path.into_inner();
    if state
        .store
        .cancel_invitation(own.account.id, own.user.id, id, Utc::now())
        .await?
    {
        tracing::info!(invitation_id = id, "family invitation cancelled");
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Revoke the access of a member the owner invited (X9): their house with the account is
/// gone, and their next request about it — on any node — is 404. An owner cannot be revoked
/// (404). The owner only. An owner who unbinds the account or deletes its house takes their
/// members' access and pending invitations with it.
#[utoipa::path(tag = "family", security(("bearer" = [])),
    params(("account_number" = String, Path), ("member_id" = i64, Path)),
    responses((status = 204, description = "Revoked")))]
#[delete("/accounts/{account_number}/members/{member_id}")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn revoke_member(
    state: web::Data<AppState>,
    own: OwnAccount<Owner>,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (_, member) = path.into_inner();
    if state
        .store
        .revoke_member(own.account.id, own.user.id, member)
        .await?
    {
        tracing::info!(member_house_id = member, "family member revoked");
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Accept an invitation (X9), signed in with the address it was sent to: the account comes
/// into a new house of the user's, named as the owner's.
///
/// A wrong, used, cancelled or expired link (or one whose owner no longer holds the account)
/// is 422 `invitation_not_found`; signed in with another address, 403
/// `invitation_for_other_email`; holding the account already, 409 `already_member`.
#[utoipa::path(tag = "family", security(("bearer" = [])), request_body = AcceptInvitationRequest,
    responses(
        (status = 201, description = "The account is in the user's new house", body = AcceptedInvitationResponse),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
    ))]
#[post("/family/accept")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<AcceptInvitationRequest>,
) -> ApiResult<HttpResponse> {
    let record = state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?;
    let token = body.token.trim();
    let invalid = || ApiError::Unprocessable {
        code: ErrorCode::InvitationNotFound,
        detail: "Приглашение не найдено: ссылка неверна, уже использована, отменена или устарела."
            .into(),
    };
    if token.is_empty() || token.len() > 200 {
        return Err(invalid());
    }
    let email = lk_domain::Email::parse(&record.email)
        .map(|e| e.normalized())
        .unwrap_or_else(|_| record.email.to_lowercase());
    match state
        .store
        .accept_invitation(
            &crate::security::tokens::digest(token),
            user.id,
            &email,
            Utc::now(),
        )
        .await?
    {
        Accepted::House {
            house_id,
            account_number,
            access,
        } => {
            tracing::info!(house_id, "family invitation accepted");
            Ok(HttpResponse::Created().json(AcceptedInvitationResponse {
                house_id,
                account_number,
                access,
            }))
        }
        Accepted::OtherEmail => Err(ApiError::Forbidden(ErrorCode::InvitationForOtherEmail)),
        Accepted::AlreadyHolder => Err(ApiError::Conflict {
            code: ErrorCode::AlreadyMember,
            detail: "Этот лицевой счёт уже есть в ваших домах.".into(),
        }),
        Accepted::Invalid => Err(invalid()),
    }
}
