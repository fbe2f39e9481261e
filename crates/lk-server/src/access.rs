//! Who may touch what, decided once per request by extractors: the signed-in user
//! ([`CurrentUser`]), and "this user's account" ([`OwnAccount`]) or "this user's meter"
//! ([`OwnMeter`]) from the path. A subscriber reaches an account only through one of their
//! own houses; anything else — a stranger's account, a malformed number, a missing one — is
//! the same 404, so nothing tells them apart.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use lk_api_types::ErrorCode;
use lk_domain::{AccountNumber, Role};

use crate::db::accounts::AccountRecord;
use crate::db::meters::MeterRecord;
use crate::error::ApiError;
use crate::state::AppState;

/// The signed-in user, from a valid `Authorization: Bearer` access token whose session is
/// still live. Anything else is a 401.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub session_id: String,
    pub role: Role,
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no app state")))
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let bearer = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").map(str::trim).map(str::to_owned));
        Box::pin(async move {
            let state = state?;
            let claims = bearer
                .and_then(|t| state.jwt.verify(&t))
                .ok_or(ApiError::Unauthorized(ErrorCode::Unauthorized))?;
            let id: i64 = claims
                .sub
                .parse()
                .map_err(|_| ApiError::Unauthorized(ErrorCode::Unauthorized))?;
            match state.store.session_user(&claims.sid).await? {
                Some(owner) if owner == id => Ok(CurrentUser {
                    id,
                    session_id: claims.sid,
                    role: Role::parse(&claims.role)
                        .ok_or(ApiError::Unauthorized(ErrorCode::Unauthorized))?,
                }),
                _ => Err(ApiError::Unauthorized(ErrorCode::SessionEnded)),
            }
        })
    }
}

/// A signed-in member of the company's staff (`operator` or `admin`), by the role stored
/// now (a demoted or disabled user loses access at once, on every node). A subscriber gets
/// 404, as if the staff API did not exist; no token is a 401.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: CurrentUser,
    pub role: Role,
    /// How the request history names them: «Фамилия Имя <e-mail>».
    pub name: String,
}

/// A signed-in admin. An operator gets 403 (`forbidden`); a subscriber 404.
#[derive(Debug, Clone)]
pub struct Admin(pub Staff);

async fn staff(state: &AppState, user: CurrentUser) -> Result<Staff, ApiError> {
    let record = state
        .store
        .user_by_id(user.id)
        .await?
        .ok_or(ApiError::Unauthorized(ErrorCode::SessionEnded))?;
    if record.disabled_at.is_some() {
        return Err(ApiError::Unauthorized(ErrorCode::SessionEnded));
    }
    match record.role {
        Role::Subscriber => Err(ApiError::NotFound),
        role => {
            let names = [record.last_name, record.first_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let name = if names.is_empty() {
                record.email
            } else {
                format!("{names} <{}>", record.email)
            };
            Ok(Staff { user, role, name })
        }
    }
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let user = CurrentUser::from_request(req, payload);
        Box::pin(async move {
            let (state, user) = (state?, user.await?);
            staff(&state, user).await
        })
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = Staff::from_request(req, payload);
        Box::pin(async move {
            let staff = staff.await?;
            if staff.role == Role::Admin {
                Ok(Admin(staff))
            } else {
                Err(ApiError::Forbidden(ErrorCode::Forbidden))
            }
        })
    }
}

/// What an API key grants, as a type: `Integrator<ReadingsRead>` admits a key with that scope.
pub trait Scope {
    const SCOPE: lk_domain::ApiScope;
}

macro_rules! scopes {
    ($($name:ident),+) => {$(
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Scope for $name {
            const SCOPE: lk_domain::ApiScope = lk_domain::ApiScope::$name;
        }
    )+};
}
scopes!(RegistryWrite, ReadingsRead, PaymentsWrite, PaymentsRead);

/// An integrator (the billing system, a bank) calling with a live API key that has scope
/// `S`, sent as `Authorization: Bearer lka_…`. No key, a user's access token, an unknown or
/// revoked key: 401 `invalid_api_key` (the key is looked up in the database on every
/// request, so a revocation holds on every node at once). A key without the scope: 403
/// `insufficient_scope`.
#[derive(Debug, Clone)]
pub struct Integrator<S> {
    pub key: crate::db::integration::ApiKeyRecord,
    _scope: std::marker::PhantomData<S>,
}

/// A key's last use is written at most this often.
const KEY_TOUCH_SECS: i64 = 60;

impl<S: Scope + 'static> FromRequest for Integrator<S> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let key = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| k.starts_with(lk_domain::integration::KEY_PREFIX) && k.len() <= 100)
            .map(crate::auth::tokens::digest);
        Box::pin(async move {
            let state = state?;
            let hash = key.ok_or(ApiError::Unauthorized(ErrorCode::InvalidApiKey))?;
            let key = state
                .store
                .live_api_key(&hash)
                .await?
                .ok_or(ApiError::Unauthorized(ErrorCode::InvalidApiKey))?;
            tracing::info!(api_key = %key.name, "integration call");
            if !key.scopes.contains(&S::SCOPE) {
                return Err(ApiError::Forbidden(ErrorCode::InsufficientScope));
            }
            let now = chrono::Utc::now();
            if key
                .last_used_at
                .is_none_or(|t| (now - t).num_seconds() >= KEY_TOUCH_SECS)
            {
                state.store.touch_api_key(key.id, now).await?;
            }
            Ok(Integrator {
                key,
                _scope: std::marker::PhantomData,
            })
        })
    }
}

/// The account `{account_number}` of the path, if one of the signed-in user's houses has it.
#[derive(Debug, Clone)]
pub struct OwnAccount {
    pub user: CurrentUser,
    pub account: AccountRecord,
}

async fn own_account(
    state: &AppState,
    user: &CurrentUser,
    number: Option<&str>,
) -> Result<AccountRecord, ApiError> {
    let number = number
        .and_then(|n| AccountNumber::parse(n).ok())
        .ok_or(ApiError::NotFound)?;
    state
        .store
        .account_of_user(user.id, number.as_str())
        .await?
        .ok_or(ApiError::NotFound)
}

impl FromRequest for OwnAccount {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let user = CurrentUser::from_request(req, payload);
        let number = req.match_info().get("account_number").map(str::to_owned);
        Box::pin(async move {
            let (state, user) = (state?, user.await?);
            let account = own_account(&state, &user, number.as_deref()).await?;
            Ok(OwnAccount { user, account })
        })
    }
}

/// The meter `{meter_id}` of the account `{account_number}` of the path, if the account is
/// the signed-in user's. A `meter_id` that is not a number is a 400 like any bad path.
#[derive(Debug, Clone)]
pub struct OwnMeter {
    pub user: CurrentUser,
    pub account: AccountRecord,
    pub meter: MeterRecord,
}

impl FromRequest for OwnMeter {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let user = CurrentUser::from_request(req, payload);
        let number = req.match_info().get("account_number").map(str::to_owned);
        let meter_id = req.match_info().get("meter_id").map(str::parse::<i64>);
        Box::pin(async move {
            let (state, user) = (state?, user.await?);
            let meter_id = match meter_id {
                Some(Ok(id)) => id,
                _ => {
                    return Err(ApiError::BadRequest {
                        code: ErrorCode::InvalidPath,
                        detail: "Неверный параметр пути.".into(),
                    })
                }
            };
            let account = own_account(&state, &user, number.as_deref()).await?;
            let meter = state
                .store
                .meter_of_user(user.id, account.id, meter_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            Ok(OwnMeter {
                user,
                account,
                meter,
            })
        })
    }
}
