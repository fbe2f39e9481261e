//! `Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header Field") on requests that
//! create something: the first request with a key runs; a retry with the same key, path and
//! body gets the first answer again (with `Idempotent-Replayed: true`) instead of doing the
//! work twice. Keys belong to the user, so another user's key is simply another key. The key
//! is recorded with one atomic insert, so two simultaneous retries cannot both run.

use std::future::{ready, Ready};

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use chrono::Utc;
use lk_api_types::ErrorCode;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::IdempotencyState;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The header; `Idempotence-Key` (YooKassa's spelling) is accepted too.
pub const HEADER: &str = "Idempotency-Key";
const LEGACY_HEADER: &str = "Idempotence-Key";
/// An unfinished request older than this is presumed dead (its node stopped) and its key may
/// be taken over.
const STALE_AFTER_MS: i64 = 60_000;

/// The key a request carries, if any: 1–255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl IdempotencyKey {
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let raw = req
            .headers()
            .get(HEADER)
            .or_else(|| req.headers().get(LEGACY_HEADER));
        ready(match raw {
            None => Ok(IdempotencyKey(None)),
            Some(v) => match v.to_str() {
                Ok(k)
                    if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Ok(IdempotencyKey(Some(k.to_owned())))
                }
                _ => Err(ApiError::BadRequest {
                    code: ErrorCode::InvalidIdempotencyKey,
                    detail: "Заголовок Idempotency-Key: от 1 до 255 видимых символов ASCII.".into(),
                }),
            },
        })
    }
}

/// What to do with a request.
pub enum Begin {
    /// Do the work, then [`Guard::finish`] (or [`Guard::abandon`] on failure).
    Run(Guard),
    /// Already done: answer this.
    Replay(HttpResponse),
}

/// A request running under a key.
#[must_use = "finish or abandon the request"]
pub struct Guard {
    user_id: i64,
    key: Option<String>,
}

/// Starts a request of `user_id` with `key` whose input is `body`.
pub async fn begin(
    state: &AppState,
    user_id: i64,
    key: IdempotencyKey,
    req: &HttpRequest,
    body: &impl Serialize,
) -> ApiResult<Begin> {
    let Some(key) = key.0 else {
        return Ok(Begin::Run(Guard { user_id, key: None }));
    };
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update(b" ");
    hasher.update(req.path());
    hasher.update(b"\n");
    hasher.update(serde_json::to_vec(body).map_err(|e| ApiError::Internal(e.into()))?);
    let fingerprint: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let now = Utc::now().timestamp_millis();
    match state
        .store
        .begin_idempotent(user_id, &key, &fingerprint, now, now - STALE_AFTER_MS)
        .await?
    {
        IdempotencyState::Started => Ok(Begin::Run(Guard {
            user_id,
            key: Some(key),
        })),
        IdempotencyState::InProgress => Err(ApiError::Conflict {
            code: ErrorCode::IdempotencyKeyInUse,
            detail: "Запрос с этим ключом Idempotency-Key ещё выполняется. Повторите чуть позже."
                .into(),
        }),
        IdempotencyState::Mismatch => Err(ApiError::Unprocessable {
            code: ErrorCode::IdempotencyKeyReused,
            detail: "Ключ Idempotency-Key уже использован для другого запроса.".into(),
        }),
        IdempotencyState::Done { status, body } => {
            tracing::info!("idempotent request replayed");
            Ok(Begin::Replay(
                HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
                    .content_type("application/json")
                    .insert_header(("Idempotent-Replayed", "true"))
                    .body(body),
            ))
        }
    }
}

impl Guard {
    /// Keeps the answer for retries and gives it.
    pub async fn finish(
        self,
        state: &AppState,
        status: StatusCode,
        body: &impl Serialize,
    ) -> ApiResult<HttpResponse> {
        let json = serde_json::to_string(body).map_err(|e| ApiError::Internal(e.into()))?;
        if let Some(key) = &self.key {
            state
                .store
                .finish_idempotent(self.user_id, key, status.as_u16(), &json)
                .await?;
        }
        Ok(HttpResponse::build(status)
            .content_type("application/json")
            .body(json))
    }

    /// The request failed: the key is free for a corrected retry.
    pub async fn abandon(self, state: &AppState) {
        if let Some(key) = &self.key {
            if let Err(e) = state.store.release_idempotent(self.user_id, key).await {
                tracing::warn!(error = %e, "could not release an idempotency key");
            }
        }
    }
}
