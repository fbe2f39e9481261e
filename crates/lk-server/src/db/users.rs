//! Users and their one-time tokens (e-mail confirmation, password reset), stored as digests.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lk_domain::Role;

use super::sql::{conflict_or, SqlStore};
use super::StoreResult;

/// A user as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Set: the user cannot sign in.
    pub disabled_at: Option<DateTime<Utc>>,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub email_normalized: String,
    pub password_hash: String,
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub email_confirmed_at: Option<DateTime<Utc>>,
    pub personal_data_consent_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Personal data to write (all four fields, already merged with the stored ones).
#[derive(Debug, Clone)]
pub struct PersonalData {
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    pub patronymic: Option<String>,
    pub phone: Option<String>,
}

/// What one-time tokens are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm_email",
            TokenPurpose::ResetPassword => "reset_password",
        }
    }
}

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates a user; `Conflict` when the normalised e-mail is taken.
    async fn create_user(&self, user: &NewUser) -> StoreResult<UserRecord>;
    async fn user_by_email(&self, email_normalized: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn update_personal_data(
        &self,
        id: i64,
        data: &PersonalData,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserRecord>>;
    async fn set_password_hash(&self, id: i64, hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn create_one_time_token(
        &self,
        token_hash: &str,
        user_id: i64,
        purpose: TokenPurpose,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The user of a live (unused, unexpired) token, without spending it.
    async fn peek_one_time_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Spends an e-mail confirmation token and marks the address confirmed, atomically.
    async fn confirm_email(&self, token_hash: &str, now: DateTime<Utc>)
        -> StoreResult<Option<i64>>;
    /// Spends a reset token, sets the new password hash, spends the user's other reset tokens,
    /// confirms the e-mail and ends all sessions — atomically. `None` if the token is not live.
    async fn reset_password(
        &self,
        token_hash: &str,
        new_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Users with one of `roles`, by e-mail.
    async fn users_with_roles(&self, roles: &[Role]) -> StoreResult<Vec<UserRecord>>;
    /// Disables (every session ends at once, on every node) or enables a user, in one
    /// transaction; with `staff_only`, only an operator or admin. `None` when there is no
    /// such user.
    async fn set_user_disabled(
        &self,
        id: i64,
        disabled: bool,
        staff_only: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserRecord>>;
}

const USER_COLUMNS: &str = "id, email, password_hash, last_name, first_name, patronymic, phone, role, email_confirmed_at, created_at, disabled_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    user_id: i64,
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
}

const SET_PASSWORD_HASH: &str =
    "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3";
const CREATE_ONE_TIME_TOKEN: &str = "INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)";
const PEEK_ONE_TIME_TOKEN: &str = "SELECT user_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2";
const CONFIRM_EMAIL: &str = "UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, $1), updated_at = $1 WHERE id = $2";
const RESET_PASSWORD: &str = "UPDATE users SET password_hash = $1, email_confirmed_at = COALESCE(email_confirmed_at, $2), updated_at = $2 WHERE id = $3";
const RESET_PASSWORD_2: &str = "UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL";
const RESET_PASSWORD_3: &str =
    "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL";
const SPEND_TOKEN: &str = "UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL \
                 RETURNING user_id, expires_at, used_at";

/// The users of `n` roles (`$1`…`$n`), by e-mail address.
fn users_with_roles_sql(n: usize) -> String {
    format!(
        "SELECT {USER_COLUMNS} FROM users WHERE role IN ({}) ORDER BY email_normalized",
        crate::db::sql::placeholders(1, n)
    )
}

/// Disables (`$1` true) or enables user `$3` at `$2`; only a staff user if `staff_only`.
fn set_user_disabled_sql(staff_only: bool) -> String {
    format!(
        "UPDATE users SET disabled_at = CASE WHEN $1 THEN COALESCE(disabled_at, $2) END, updated_at = $2 \
         WHERE id = $3{} RETURNING {USER_COLUMNS}",
        if staff_only { " AND role <> 'subscriber'" } else { "" }
    )
}

fn create_user_sql() -> String {
    format!(
        "INSERT INTO users (email, email_normalized, password_hash, last_name, first_name, patronymic, phone, role, email_confirmed_at, personal_data_consent_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {USER_COLUMNS}"
    )
}

fn user_by_email_sql() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE email_normalized = $1")
}

fn user_by_id_sql() -> String {
    format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")
}

fn update_personal_data_sql() -> String {
    format!(
        "UPDATE users SET last_name = $1, first_name = $2, patronymic = $3, phone = $4, updated_at = $5 \
         WHERE id = $6 RETURNING {USER_COLUMNS}"
    )
}

macro_rules! impl_users {
    ($db:ty) => {
        #[async_trait]
        impl UserStore for SqlStore<$db> {
            #[tracing::instrument(skip_all)]
            async fn users_with_roles(&self, roles: &[Role]) -> StoreResult<Vec<UserRecord>> {
                let sql = users_with_roles_sql(roles.len().max(1));
                let mut q = sqlx::query_as::<_, UserRecord>(&sql);
                if roles.is_empty() {
                    q = q.bind("");
                }
                for r in roles {
                    q = q.bind(r.as_str());
                }
                Ok(q.fetch_all(&self.pool).await?)
            }

            #[tracing::instrument(skip_all)]
            async fn set_user_disabled(
                &self,
                id: i64,
                disabled: bool,
                staff_only: bool,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<UserRecord>> {
                let mut tx = self.pool.begin().await?;
                let sql = set_user_disabled_sql(staff_only);
                let user = sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(disabled)
                    .bind(now)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if user.is_some() && disabled {
                    sqlx::query(RESET_PASSWORD_3)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(user)
            }

            #[tracing::instrument(skip_all)]
            async fn create_user(&self, u: &NewUser) -> StoreResult<UserRecord> {
                let sql = create_user_sql();
                sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(&u.email)
                    .bind(&u.email_normalized)
                    .bind(&u.password_hash)
                    .bind(&u.last_name)
                    .bind(&u.first_name)
                    .bind(&u.patronymic)
                    .bind(&u.phone)
                    .bind(u.role.as_str())
                    .bind(u.email_confirmed_at)
                    .bind(u.personal_data_consent_at)
                    .bind(u.now)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(conflict_or)
            }

            #[tracing::instrument(skip_all)]
            async fn user_by_email(
                &self,
                email_normalized: &str,
            ) -> StoreResult<Option<UserRecord>> {
                let sql = user_by_email_sql();
                Ok(sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(email_normalized)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
                let sql = user_by_id_sql();
                Ok(sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn update_personal_data(
                &self,
                id: i64,
                d: &PersonalData,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<UserRecord>> {
                let sql = update_personal_data_sql();
                Ok(sqlx::query_as::<_, UserRecord>(&sql)
                    .bind(&d.last_name)
                    .bind(&d.first_name)
                    .bind(&d.patronymic)
                    .bind(&d.phone)
                    .bind(now)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn set_password_hash(
                &self,
                id: i64,
                hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(SET_PASSWORD_HASH)
                    .bind(hash)
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn create_one_time_token(
                &self,
                token_hash: &str,
                user_id: i64,
                purpose: TokenPurpose,
                expires_at: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query(CREATE_ONE_TIME_TOKEN)
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(purpose.as_str())
                    .bind(expires_at)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn peek_one_time_token(
                &self,
                token_hash: &str,
                purpose: TokenPurpose,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                let row = sqlx::query_as::<_, TokenRow>(PEEK_ONE_TIME_TOKEN)
                    .bind(token_hash)
                    .bind(purpose.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row
                    .filter(|r| r.used_at.is_none() && r.expires_at > now)
                    .map(|r| r.user_id))
            }

            #[tracing::instrument(skip_all)]
            async fn confirm_email(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                let mut tx = self.pool.begin().await?;
                let Some(user_id) =
                    spend_token(&mut tx, token_hash, TokenPurpose::ConfirmEmail, now).await?
                else {
                    return Ok(None);
                };
                sqlx::query(CONFIRM_EMAIL)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(user_id))
            }

            #[tracing::instrument(skip_all)]
            async fn reset_password(
                &self,
                token_hash: &str,
                new_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                let mut tx = self.pool.begin().await?;
                let Some(user_id) =
                    spend_token(&mut tx, token_hash, TokenPurpose::ResetPassword, now).await?
                else {
                    return Ok(None);
                };
                sqlx::query(RESET_PASSWORD)
                    .bind(new_hash)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(RESET_PASSWORD_2)
                    .bind(now)
                    .bind(user_id)
                    .bind(TokenPurpose::ResetPassword.as_str())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(RESET_PASSWORD_3)
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(user_id))
            }
        }

        /// Spends a live one-time token inside `tx`; the user it belongs to, or `None`.
        #[tracing::instrument(skip_all)]
        async fn spend_token(
            tx: &mut sqlx::Transaction<'static, $db>,
            token_hash: &str,
            purpose: TokenPurpose,
            now: DateTime<Utc>,
        ) -> StoreResult<Option<i64>> {
            let row = sqlx::query_as::<_, TokenRow>(SPEND_TOKEN)
                .bind(now)
                .bind(token_hash)
                .bind(purpose.as_str())
                .fetch_optional(&mut **tx)
                .await?;
            Ok(row.filter(|r| r.expires_at > now).map(|r| r.user_id))
        }
    };
}

mod sqlite {
    use super::*;
    impl_users!(sqlx::Sqlite);
}

mod postgres {
    use super::*;
    impl_users!(sqlx::Postgres);
}
