//! Who may touch what, decided once per request by extractors: the signed-in user
//! ([`CurrentUser`]), and "this user's account" ([`OwnAccount`]) or "this user's meter"
//! ([`OwnMeter`]) from the path. A subscriber reaches an account only through one of their
//! own houses; anything else — a stranger's account, a malformed number, a missing one — is
//! the same 404, so nothing tells them apart.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use lk_api_types::ErrorCode;
use lk_domain::{AccountNumber, HouseAccess, Role};

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

/// Who an access token says is asking, before the session is looked up.
struct Claimed {
    id: i64,
    session_id: String,
    role: Role,
}

/// The user and session an `Authorization: Bearer` access token names, if it is valid.
fn claimed(state: &AppState, bearer: Option<String>) -> Result<Claimed, ApiError> {
    let unauthorized = || ApiError::Unauthorized(ErrorCode::Unauthorized);
    let claims = bearer
        .and_then(|t| state.jwt.verify(&t))
        .ok_or_else(unauthorized)?;
    Ok(Claimed {
        id: claims.sub.parse().map_err(|_| unauthorized())?,
        role: Role::parse(&claims.role).ok_or_else(unauthorized)?,
        session_id: claims.sid,
    })
}

fn bearer_of(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").map(str::trim).map(str::to_owned))
}

impl Claimed {
    /// The signed-in user, once the session is known to be live (its own statement).
    async fn live(self, state: &AppState) -> Result<CurrentUser, ApiError> {
        match state.store.session_user(&self.session_id).await? {
            Some(owner) if owner == self.id => Ok(self.into()),
            _ => Err(ApiError::Unauthorized(ErrorCode::SessionEnded)),
        }
    }

    /// Why a lookup made together with the session check found nothing: the session ended
    /// (401), or the thing is not this user's (404, or `otherwise`).
    async fn missing(self, state: &AppState, otherwise: ApiError) -> ApiError {
        match self.live(state).await {
            Ok(_) => otherwise,
            Err(e) => e,
        }
    }
}

impl From<Claimed> for CurrentUser {
    fn from(c: Claimed) -> Self {
        CurrentUser {
            id: c.id,
            session_id: c.session_id,
            role: c.role,
        }
    }
}

/// The state and the token's claims of a request, before anything is looked up.
fn claims_of(
    req: &HttpRequest,
) -> impl std::future::Future<Output = Result<(web::Data<AppState>, Claimed), ApiError>> {
    let state = state_of(req);
    let bearer = bearer_of(req);
    async move {
        let state = state?;
        let claimed = claimed(&state, bearer)?;
        Ok((state, claimed))
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_of(req);
        Box::pin(async move {
            let (state, claimed) = claims.await?;
            claimed.live(&state).await
        })
    }
}

/// A valid access token whose session the handler checks itself, in the same statement that
/// reads what it answers with (the main page: one round trip instead of two). A handler
/// taking this must either get rows from such a statement or call [`SessionToCheck::check`]:
/// nothing else tells an ended session from a user with nothing to show.
pub struct SessionToCheck(Claimed);

impl SessionToCheck {
    pub fn user_id(&self) -> i64 {
        self.0.id
    }

    pub fn session_id(&self) -> &str {
        &self.0.session_id
    }

    /// The user if the session is live, 401 `session_ended` if not: for when the handler's
    /// statement found nothing.
    pub async fn check(self, state: &AppState) -> Result<CurrentUser, ApiError> {
        self.0.live(state).await
    }
}

impl FromRequest for SessionToCheck {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_of(req);
        Box::pin(async move { Ok(SessionToCheck(claims.await?.1)) })
    }
}

/// A signed-in member of the company's staff (`operator` or `admin`), by the role stored
/// now (a demoted or disabled user loses access at once, on every node). A subscriber gets
/// 404, as if the staff API did not exist; no token is a 401. Where the company requires a
/// second factor of staff (`LK_STAFF_TWO_FACTOR`), one without it gets 403
/// `two_factor_required`.
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

/// Whether the user signs in with a second factor (staff pages need it where the company
/// requires it).
pub async fn two_factor_enabled(state: &AppState, user_id: i64) -> Result<bool, ApiError> {
    Ok(state
        .store
        .two_factor(user_id)
        .await?
        .is_some_and(|t| t.enabled_at.is_some()))
}

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
        role if lk_domain::two_factor::required(role, state.config.staff_two_factor)
            && !two_factor_enabled(state, user.id).await? =>
        {
            Err(ApiError::Forbidden(ErrorCode::TwoFactorRequired))
        }
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
            .map(crate::security::tokens::digest);
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

/// What a handler needs of the user's hold on an account (X9): any of their houses with it
/// ([`Viewer`], the default), one whose holder may act on it ([`Actor`]: the owner or a member
/// with full access), or the owner's ([`Owner`]). A house that holds it less is, for that
/// handler, no house at all: the same 404 as a stranger's.
pub trait Needs {
    const ACCESS: HouseAccess;
}

/// Any holder of the account: balance, history, receipts.
#[derive(Debug, Clone, Copy)]
pub struct Viewer;
/// The owner or a member with full access: readings, payments, requests about the account.
#[derive(Debug, Clone, Copy)]
pub struct Actor;
/// The owner alone: the account's members.
#[derive(Debug, Clone, Copy)]
pub struct Owner;

impl Needs for Viewer {
    const ACCESS: HouseAccess = HouseAccess::View;
}
impl Needs for Actor {
    const ACCESS: HouseAccess = HouseAccess::Full;
}
impl Needs for Owner {
    const ACCESS: HouseAccess = HouseAccess::Owner;
}

/// The account `{account_number}` of the path, if one of the signed-in user's houses holds
/// it as `N` needs.
#[derive(Debug, Clone)]
pub struct OwnAccount<N = Viewer> {
    pub user: CurrentUser,
    pub account: AccountRecord,
    _needs: std::marker::PhantomData<N>,
}

impl<N: Needs> FromRequest for OwnAccount<N> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_of(req);
        let number = req.match_info().get("account_number").map(str::to_owned);
        Box::pin(async move {
            let (state, claimed) = claims.await?;
            let Some(number) = number.and_then(|n| AccountNumber::parse(&n).ok()) else {
                return Err(claimed.missing(&state, ApiError::NotFound).await);
            };
            // The session and the account in one statement.
            match state
                .store
                .account_in_session(&claimed.session_id, claimed.id, number.as_str(), N::ACCESS)
                .await?
            {
                Some(account) => Ok(OwnAccount {
                    user: claimed.into(),
                    account,
                    _needs: std::marker::PhantomData,
                }),
                None => Err(claimed.missing(&state, ApiError::NotFound).await),
            }
        })
    }
}

/// The meter `{meter_id}` of the account `{account_number}` of the path, if the account is
/// the signed-in user's, held as `N` needs. A `meter_id` that is not a number is a 400 like
/// any bad path.
#[derive(Debug, Clone)]
pub struct OwnMeter<N = Viewer> {
    pub user: CurrentUser,
    pub account: AccountRecord,
    pub meter: MeterRecord,
    _needs: std::marker::PhantomData<N>,
}

impl<N: Needs> FromRequest for OwnMeter<N> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claims = claims_of(req);
        let number = req.match_info().get("account_number").map(str::to_owned);
        let meter_id = req.match_info().get("meter_id").map(str::parse::<i64>);
        Box::pin(async move {
            let (state, claimed) = claims.await?;
            let Some(Ok(meter_id)) = meter_id else {
                let bad_path = ApiError::BadRequest {
                    code: ErrorCode::InvalidPath,
                    detail: "Неверный параметр пути.".into(),
                };
                return Err(claimed.missing(&state, bad_path).await);
            };
            let Some(number) = number.and_then(|n| AccountNumber::parse(&n).ok()) else {
                return Err(claimed.missing(&state, ApiError::NotFound).await);
            };
            // The session, the account and the meter in one statement.
            match state
                .store
                .meter_in_session(
                    &claimed.session_id,
                    claimed.id,
                    number.as_str(),
                    meter_id,
                    N::ACCESS,
                )
                .await?
            {
                Some((account, meter)) => Ok(OwnMeter {
                    user: claimed.into(),
                    account,
                    meter,
                    _needs: std::marker::PhantomData,
                }),
                None => Err(claimed.missing(&state, ApiError::NotFound).await),
            }
        })
    }
}

/// An account and one of its meters named by a payer without an account (X9), by the numbers
/// on the receipt. Every request from an address counts (`guest_ip`); a wrong pair counts
/// against the account number typed (`guest_account`), so nobody can try meter numbers for
/// someone's account. A wrong account and a wrong meter get the same 422 `account_not_found`.
#[derive(Debug, Clone)]
pub struct GuestMeter {
    pub account: AccountRecord,
    pub meter: MeterRecord,
}

impl GuestMeter {
    pub async fn find(
        state: &AppState,
        req: &HttpRequest,
        account_number: &str,
        meter_number: &str,
    ) -> Result<Self, ApiError> {
        let (number, serial) = crate::fields::account_and_meter(account_number, meter_number)?;
        let rules = crate::throttle::Rules::of(&state.config.throttle);
        let (store, metrics, now) = (state.store.as_ref(), &state.metrics, chrono::Utc::now());
        rules
            .guest_ip
            .hit(store, metrics, &crate::client::client_ip(req), now)
            .await?;
        let attempt = rules
            .guest_account
            .attempt(store, metrics, number.as_str(), now)
            .await?;
        match store
            .account_and_meter(number.as_str(), serial.as_str())
            .await?
        {
            Some((account, meter)) => {
                attempt.give_back(store).await?;
                Ok(GuestMeter { account, meter })
            }
            None => {
                tracing::info!("no such account and meter, without an account");
                Err(crate::fields::no_such_pair())
            }
        }
    }
}

/// The signed-in user's current password, asked again before a change that needs it (a new
/// password, two-factor sign-in on or off): checked under the `change_password` limit (429
/// when spent), and a right one gives its attempt back. A wrong one — or one longer than any
/// password can be — is the error of `field` (`wrong_password`), never a 401: the user is
/// still signed in.
pub async fn confirm_password(
    state: &AppState,
    user_id: i64,
    field: &str,
    password: String,
    hash: String,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<lk_api_types::FieldError>, ApiError> {
    let rule = crate::throttle::Rules::of(&state.config.throttle).change_password;
    let attempt = rule
        .attempt(
            state.store.as_ref(),
            &state.metrics,
            &user_id.to_string(),
            now,
        )
        .await?;
    let right = !password.is_empty()
        && password.chars().count() <= lk_domain::password::MAX_LEN
        && state.hasher.verify(password, Some(hash)).await?;
    if !right {
        return Ok(Some(lk_api_types::FieldError {
            field: field.into(),
            code: "wrong_password".into(),
            message: "Текущий пароль указан неверно.".into(),
        }));
    }
    attempt.give_back(state.store.as_ref()).await?;
    Ok(None)
}
