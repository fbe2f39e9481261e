//! «Активные сеансы» (X9): the devices the user is signed in on, each with its sign-in time,
//! last use, browser and IP address, and ending one or all but the current. An ended session's
//! access tokens are refused on the next request on every node (each request checks its
//! session in the database), and its refresh token no longer renews them.

use actix_web::{delete, get, web, HttpResponse};
use chrono::Utc;
use lk_api_types::{EndedSessions, SessionInfo, SessionsResponse};

use crate::access::CurrentUser;
use crate::db::SessionRecord;
use crate::error::{ApiError, ApiResult};
use crate::responses::NotFound;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_sessions)
        .service(end_other_sessions)
        .service(end_session);
}

/// The most sessions listed (the most recently used).
const MAX_LISTED: i64 = 50;

/// «Chrome 131» and «Android 14» from a user agent, where it says.
fn device(user_agent: &str) -> (Option<String>, Option<String>) {
    let Some(ua) = woothee::parser::Parser::new().parse(user_agent) else {
        return (None, None);
    };
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    let with_version = |name: &str, version: &str| {
        known(name).then(|| {
            // The major version is enough to tell devices apart.
            let major = version.split('.').next().unwrap_or_default();
            if known(major) {
                format!("{name} {major}")
            } else {
                name.to_owned()
            }
        })
    };
    let browser = with_version(ua.name, ua.version);
    // «Android 14», but «Windows 10» as it is (its version is the kernel's: «NT 10.0»).
    let os = known(ua.os).then(|| {
        let versioned = ua.os.chars().any(|c| c.is_ascii_digit());
        if known(&ua.os_version) && !versioned {
            format!("{} {}", ua.os, ua.os_version)
        } else {
            ua.os.to_owned()
        }
    });
    (browser, os)
}

fn info(s: SessionRecord, current: &str) -> SessionInfo {
    let (browser, os) = s.user_agent.as_deref().map(device).unwrap_or_default();
    SessionInfo {
        current: s.id == current,
        id: s.id,
        signed_in_at: s.created_at,
        last_used_at: s.last_used_at,
        ip: s.ip,
        browser,
        os,
    }
}

/// The devices the user is signed in on («Активные сеансы»).
///
/// Every live session of the user — not ended and not expired — the most recently used first
/// (at most 50): when it signed in, when it last renewed its tokens, the IP address it did so
/// from, and the browser and system its user agent names. `current` marks the session of this
/// request.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "The user's live sessions", body = SessionsResponse)))]
#[get("/me/sessions")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<SessionsResponse>> {
    let sessions = state
        .store
        .live_sessions(user.id, Utc::now(), MAX_LISTED)
        .await?
        .into_iter()
        .map(|s| info(s, &user.session_id))
        .collect();
    Ok(web::Json(SessionsResponse { sessions }))
}

/// End one session («Завершить»).
///
/// The device is signed out at once: its access token is refused from the next request on,
/// on every server, and its refresh token renews nothing. Ending the current session signs
/// this device out too. A session that is not the user's, or has already ended, is 404.
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    params(("session_id" = String, Path, description = "The session's id from `GET /me/sessions`", max_length = 64)),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 404, response = NotFound),
    ))]
#[delete("/me/sessions/{session_id}")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn end_session(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let session_id = path.into_inner();
    if session_id.len() > 64
        || !state
            .store
            .end_session(user.id, &session_id, Utc::now())
            .await?
    {
        return Err(ApiError::NotFound);
    }
    tracing::info!(user_id = user.id, "session ended by its user");
    Ok(HttpResponse::NoContent().finish())
}

/// End every session but this one («Завершить все, кроме этого»).
///
/// Every other device is signed out at once, on every server; this one stays signed in (to
/// end it too, `DELETE /me/sessions/{session_id}` with its own id, or sign out).
#[utoipa::path(tag = "profile", security(("bearer" = [])),
    responses((status = 200, description = "How many sessions ended", body = EndedSessions)))]
#[delete("/me/sessions")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn end_other_sessions(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> ApiResult<web::Json<EndedSessions>> {
    let ended = state
        .store
        .revoke_other_sessions(user.id, &user.session_id, Utc::now())
        .await?;
    tracing::info!(
        user_id = user.id,
        ended,
        "other sessions ended by their user"
    );
    Ok(web::Json(EndedSessions { ended }))
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn a_phone_and_a_desktop_are_told_apart_by_browser_and_system() {
        let (browser, os) = device(
            "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/131.0.6778.135 Mobile Safari/537.36",
        );
        assert_eq!(browser.as_deref(), Some("Chrome 131"));
        assert_eq!(os.as_deref(), Some("Android 14"));
        let (browser, os) = device(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        );
        assert_eq!(browser.as_deref(), Some("Firefox 133"));
        assert_eq!(os.as_deref(), Some("Windows 10"));
    }

    #[test]
    fn an_unknown_agent_names_nothing() {
        assert_eq!(device("curl/8.5.0").1, None);
        assert_eq!(device(""), (None, None));
    }
}
