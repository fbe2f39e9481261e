//! Family access (X9): invitations to an account and the members holding it. Whoever holds an
//! account holds it through a house of their own (`houses.access`); revoking a member deletes
//! that house, so the next request of theirs — on any node — finds no account.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk_domain::{HouseAccess, MemberRole};

use super::sql::SqlStore;
use super::{StoreError, StoreResult};

/// A pending invitation to an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: MemberRole,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Someone holding an account through a house of theirs: its owner or an invited member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HolderRecord {
    /// The holder's house: what revoking names.
    pub house_id: i64,
    pub user_id: i64,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub access: HouseAccess,
    pub since: DateTime<Utc>,
}

/// A new invitation, its token stored as a digest.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub account_id: i64,
    pub invited_by: i64,
    pub email: &'a str,
    pub email_normalized: &'a str,
    pub role: MemberRole,
    pub token_hash: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What accepting an invitation came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// The account is now in the user's new house.
    House {
        house_id: i64,
        account_number: String,
        access: HouseAccess,
    },
    /// The invitation is for another e-mail address (it stays pending).
    OtherEmail,
    /// The user holds the account already (the invitation stays pending).
    AlreadyHolder,
    /// No such invitation, or it was accepted, cancelled, expired, or its owner let go of the
    /// account.
    Invalid,
}

#[async_trait]
pub trait FamilyStore: Send + Sync {
    /// Invites `email` to the account, renewing a pending invitation of the same address
    /// (new token, role and term); `None` when that address already holds the account.
    async fn invite(&self, new: &NewInvitation<'_>) -> StoreResult<Option<InvitationRecord>>;
    /// The invitations `owner` sent to the account, still to be accepted, oldest first.
    async fn invitations(
        &self,
        account_id: i64,
        owner: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<InvitationRecord>>;
    /// `owner` and the members they invited to the account, the owner first, then by the day
    /// they joined (another owner of the account — someone else who knows its numbers — and
    /// their members are not shown).
    async fn holders(&self, account_id: i64, owner: i64) -> StoreResult<Vec<HolderRecord>>;
    /// Ends the access of a member `owner` invited (deletes their house of the account);
    /// false when `house_id` is no such member's house (an owner's is never removed this way).
    async fn revoke_member(&self, account_id: i64, owner: i64, house_id: i64) -> StoreResult<bool>;
    /// Cancels a pending invitation `owner` sent; false when there is no such one.
    async fn cancel_invitation(
        &self,
        account_id: i64,
        owner: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Accepts the invitation of `token_hash` for `user_id` (whose address must be the one
    /// invited): one atomic claim of the invitation and the member's house, in one transaction.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        user_id: i64,
        email_normalized: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Accepted>;
}

/// `$1` account, `$2` inviter, `$3` e-mail, `$4` normalised, `$5` role, `$6` token digest,
/// `$7` now, `$8` expiry. Nothing when the address holds the account already.
const INVITE: &str = "INSERT INTO account_invitations \
       (account_id, invited_by, email, email_normalized, role, token_hash, created_at, expires_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $8 \
     WHERE NOT EXISTS (SELECT 1 FROM houses h JOIN users u ON u.id = h.user_id \
                       WHERE h.account_id = $1 AND u.email_normalized = $4) \
     ON CONFLICT (account_id, email_normalized) WHERE accepted_at IS NULL AND revoked_at IS NULL \
     DO UPDATE SET invited_by = excluded.invited_by, email = excluded.email, role = excluded.role, \
       token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at \
     RETURNING id, email, role, created_at, expires_at";
const INVITATIONS: &str =
    "SELECT id, email, role, created_at, expires_at FROM account_invitations \
     WHERE account_id = $1 AND invited_by = $3 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
     ORDER BY created_at, id";
const HOLDERS: &str =
    "SELECT h.id AS house_id, u.id AS user_id, u.email, u.first_name, u.last_name, \
       h.access, h.created_at AS since \
     FROM houses h JOIN users u ON u.id = h.user_id \
     WHERE h.account_id = $1 AND (h.user_id = $2 OR (h.invited_by = $2 AND h.access <> 'owner')) \
     ORDER BY CASE WHEN h.access = 'owner' THEN 0 ELSE 1 END, h.created_at, h.id";
const REVOKE_MEMBER: &str =
    "DELETE FROM houses WHERE id = $1 AND account_id = $2 AND invited_by = $3 AND access <> 'owner'";
const CANCEL_INVITATION: &str = "UPDATE account_invitations SET revoked_at = $1 \
     WHERE id = $2 AND account_id = $3 AND invited_by = $4 AND accepted_at IS NULL AND revoked_at IS NULL";
/// `$1` digest, `$2` now: the invitation still open, with its owner still holding the account.
const OPEN_INVITATION: &str = "SELECT i.email_normalized FROM account_invitations i \
     WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2 \
       AND EXISTS (SELECT 1 FROM houses h WHERE h.account_id = i.account_id AND h.user_id = i.invited_by AND h.access = 'owner')";
/// `$1` now, `$2` user, `$3` digest, `$4` the user's normalised address.
const CLAIM_INVITATION: &str = "UPDATE account_invitations SET accepted_at = $1, accepted_by = $2 \
     WHERE token_hash = $3 AND email_normalized = $4 \
       AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1 \
     RETURNING account_id, role, invited_by";
/// The member's house, named as the owner's: `$1` user, `$2` access, `$3` owner, `$4` now,
/// `$5` account. Nothing when the user holds the account already or its owner let go of it.
const MEMBER_HOUSE: &str =
    "INSERT INTO houses (user_id, name, address, account_id, access, invited_by, created_at) \
     SELECT $1, o.name, o.address, o.account_id, $2, $3, $4 FROM houses o \
     WHERE o.account_id = $5 AND o.user_id = $3 AND o.access = 'owner' \
     ON CONFLICT (user_id, account_id) DO NOTHING \
     RETURNING id";
const HOLDS: &str = "SELECT COUNT(*) FROM houses WHERE user_id = $1 AND account_id = $2";
const ACCOUNT_NUMBER: &str = "SELECT number FROM accounts WHERE id = $1";

macro_rules! impl_family {
    ($db:ty) => {
        #[async_trait]
        impl FamilyStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn invite(
                &self,
                new: &NewInvitation<'_>,
            ) -> StoreResult<Option<InvitationRecord>> {
                Ok(sqlx::query_as::<_, InvitationRecord>(INVITE)
                    .bind(new.account_id)
                    .bind(new.invited_by)
                    .bind(new.email)
                    .bind(new.email_normalized)
                    .bind(new.role.as_str())
                    .bind(new.token_hash)
                    .bind(new.now)
                    .bind(new.expires_at)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn invitations(
                &self,
                account_id: i64,
                owner: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<InvitationRecord>> {
                Ok(sqlx::query_as::<_, InvitationRecord>(INVITATIONS)
                    .bind(account_id)
                    .bind(now)
                    .bind(owner)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn holders(&self, account_id: i64, owner: i64) -> StoreResult<Vec<HolderRecord>> {
                Ok(sqlx::query_as::<_, HolderRecord>(HOLDERS)
                    .bind(account_id)
                    .bind(owner)
                    .fetch_all(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn revoke_member(
                &self,
                account_id: i64,
                owner: i64,
                house_id: i64,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(REVOKE_MEMBER)
                    .bind(house_id)
                    .bind(account_id)
                    .bind(owner)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    > 0)
            }

            #[tracing::instrument(skip_all)]
            async fn cancel_invitation(
                &self,
                account_id: i64,
                owner: i64,
                id: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                Ok(sqlx::query(CANCEL_INVITATION)
                    .bind(now)
                    .bind(id)
                    .bind(account_id)
                    .bind(owner)
                    .execute(&self.pool)
                    .await?
                    .rows_affected()
                    > 0)
            }

            #[tracing::instrument(skip_all)]
            async fn accept_invitation(
                &self,
                token_hash: &str,
                user_id: i64,
                email_normalized: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Accepted> {
                let mut tx = self.pool.begin().await?;
                let claimed = sqlx::query_as::<_, (i64, String, i64)>(CLAIM_INVITATION)
                    .bind(now)
                    .bind(user_id)
                    .bind(token_hash)
                    .bind(email_normalized)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((account_id, role, owner)) = claimed else {
                    drop(tx);
                    let open = sqlx::query_scalar::<_, String>(OPEN_INVITATION)
                        .bind(token_hash)
                        .bind(now)
                        .fetch_optional(&self.pool)
                        .await?;
                    return Ok(match open {
                        Some(_) => Accepted::OtherEmail,
                        None => Accepted::Invalid,
                    });
                };
                let access = MemberRole::try_from(role)
                    .map(HouseAccess::from)
                    .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
                let house = sqlx::query_scalar::<_, i64>(MEMBER_HOUSE)
                    .bind(user_id)
                    .bind(access.as_str())
                    .bind(owner)
                    .bind(now)
                    .bind(account_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(house_id) = house else {
                    let holds: i64 = sqlx::query_scalar(HOLDS)
                        .bind(user_id)
                        .bind(account_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.rollback().await?;
                    return Ok(if holds > 0 {
                        Accepted::AlreadyHolder
                    } else {
                        Accepted::Invalid
                    });
                };
                let account_number: String = sqlx::query_scalar(ACCOUNT_NUMBER)
                    .bind(account_id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Accepted::House {
                    house_id,
                    account_number,
                    access,
                })
            }
        }
    };
}

mod sqlite {
    use super::*;
    impl_family!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_family!(sqlx::Postgres);
}
