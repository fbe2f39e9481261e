//! Typed client of the LKA API. Non-2xx answers become [`ApiError`] carrying the server's
//! problem details; a 401 on an authenticated call triggers one silent refresh through the
//! HttpOnly cookie — never two at once, in this tab or in another tab of the site (the Web
//! Locks API): the refresh rotates the cookie, and a second refresh with the old cookie would
//! look like a replayed token and end the session.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use lk_api_types::{Problem, TokenResponse};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::session::Session;

/// A failed call, as the user should hear about it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached.
    Network,
    /// The server answered with a problem.
    Problem(Problem),
}

impl ApiError {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network => {
                "Нет связи с сервером. Проверьте подключение к интернету и повторите попытку."
                    .into()
            }
            ApiError::Problem(p) => p.detail.clone().unwrap_or_else(|| p.title.clone()),
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) => Some(p.code.as_str()),
            ApiError::Network => None,
        }
    }

    /// The message for one field of a validation problem.
    pub fn field(&self, name: &str) -> Option<String> {
        match self {
            ApiError::Problem(p) => p
                .errors
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.message.clone()),
            ApiError::Network => None,
        }
    }

    /// A field error found before asking the server, shown like the server's own.
    pub fn invalid_field(field: &str, message: &str) -> Self {
        ApiError::Problem(Problem {
            type_: "about:blank".into(),
            title: "Unprocessable Entity".into(),
            status: 422,
            detail: None,
            code: "validation_failed".into(),
            errors: vec![lk_api_types::FieldError {
                field: field.into(),
                code: "invalid".into(),
                message: message.into(),
            }],
        })
    }

    /// True when the problem names fields (they are shown next to the inputs).
    pub fn has_field_errors(&self) -> bool {
        matches!(self, ApiError::Problem(p) if !p.errors.is_empty())
    }
}

fn url(path: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/api/v1{path}")
}

async fn send(
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    token: Option<&str>,
) -> Result<reqwest::Response, ApiError> {
    let mut req = reqwest::Client::new().request(method, url(path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.map_err(|_| ApiError::Network)
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ApiError> {
    let status = resp.status();
    let text = resp.text().await.map_err(|_| ApiError::Network)?;
    if status.is_success() {
        let text = if text.trim().is_empty() {
            "null"
        } else {
            text.as_str()
        };
        serde_json::from_str(text).map_err(|_| unexpected(status.as_u16()))
    } else {
        Err(serde_json::from_str::<Problem>(&text)
            .map(ApiError::Problem)
            .unwrap_or_else(|_| unexpected(status.as_u16())))
    }
}

fn unexpected(status: u16) -> ApiError {
    ApiError::Problem(Problem {
        type_: "about:blank".into(),
        title: "Ошибка".into(),
        status,
        detail: Some("Сервер ответил неожиданно. Повторите попытку позже.".into()),
        code: "unexpected_response".into(),
        errors: vec![],
    })
}

fn to_json(body: Option<&impl Serialize>) -> Option<serde_json::Value> {
    body.and_then(|b| serde_json::to_value(b).ok())
}

/// A call that needs no session.
pub async fn public<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, ApiError> {
    decode(send(method, path, to_json(body), None).await?).await
}

/// A GET with an explicit access token (right after signing in).
pub async fn with_token<T: DeserializeOwned>(
    token: &str,
    method: Method,
    path: &str,
) -> Result<T, ApiError> {
    decode(send(method, path, None, Some(token)).await?).await
}

/// A call as the signed-in user; refreshes the access token once on 401.
pub async fn authed<T: DeserializeOwned>(
    session: Session,
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, ApiError> {
    decode(authed_response(session, method, path, to_json(body)).await?).await
}

async fn authed_response(
    session: Session,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<reqwest::Response, ApiError> {
    let token = session.token.get_untracked();
    let resp = send(method.clone(), path, body.clone(), token.as_deref()).await?;
    if resp.status().as_u16() != 401 {
        return Ok(resp);
    }
    if refresh(session).await {
        let token = session.token.get_untracked();
        let resp = send(method, path, body, token.as_deref()).await?;
        if resp.status().as_u16() != 401 {
            return Ok(resp);
        }
    }
    session.end();
    Ok(resp)
}

/// Downloads a file the signed-in user may see (a receipt) and hands it to the browser under
/// `filename`: the access token lives in memory, so a plain link could not carry it.
pub async fn download(session: Session, path: &str, filename: &str) -> Result<(), ApiError> {
    let resp = authed_response(session, Method::GET, path, None).await?;
    if !resp.status().is_success() {
        return decode::<()>(resp).await;
    }
    let mime = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let bytes = resp.bytes().await.map_err(|_| ApiError::Network)?;
    save(&bytes, &mime, filename).ok_or_else(|| unexpected(200))
}

fn save(bytes: &[u8], mime: &str, filename: &str) -> Option<()> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(filename);
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    // The browser has started reading the file; free it a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Some(())
}

thread_local! {
    static REFRESHING: RefCell<Option<Shared<LocalBoxFuture<'static, Option<String>>>>> = const { RefCell::new(None) };
}

/// Runs `work` holding the browser-wide lock `name` of the Web Locks API, so that the tabs of
/// this site take turns; where the API is missing (or refuses), runs it at once.
async fn with_lock<T>(name: &str, work: impl std::future::Future<Output = T>) -> T {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    let get = |target: &JsValue, key: &str| {
        js_sys::Reflect::get(target, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let locks = get(&js_sys::global(), "navigator").and_then(|n| get(&n, "locks"));
    let request = locks
        .as_ref()
        .and_then(|l| get(l, "request"))
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else {
        return work.await;
    };
    // `locks.request(name, callback)` calls back once the lock is ours and keeps it until the
    // promise the callback returns settles: `held`, settled by `release` when the work is done.
    let mut release = None;
    let held = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut grant = None;
    let granted = js_sys::Promise::new(&mut |resolve, _| grant = Some(resolve));
    let (Some(release), Some(grant)) = (release, grant) else {
        return work.await;
    };
    let on_grant = grant.clone();
    let callback = Closure::once_into_js(move |_lock: JsValue| {
        let _ = on_grant.call0(&JsValue::NULL);
        held
    });
    match request
        .call2(&locks, &JsValue::from_str(name), &callback)
        .map(js_sys::Promise::from)
    {
        // A refused request goes on without the lock rather than never.
        Ok(requested) => {
            let proceed: Closure<dyn FnMut(JsValue)> = Closure::once(move |_: JsValue| {
                let _ = grant.call0(&JsValue::NULL);
            });
            let _ = requested.catch(&proceed);
            proceed.forget();
        }
        Err(_) => return work.await,
    }
    let _ = wasm_bindgen_futures::JsFuture::from(granted).await;
    let out = work.await;
    let _ = release.call0(&JsValue::NULL);
    out
}

/// Trades the refresh cookie for a new access token; `false` when there is no session.
/// Concurrent callers in this tab share one request; other tabs wait for it, then refresh
/// with the cookie it rotated.
pub async fn refresh(session: Session) -> bool {
    let fut = REFRESHING.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| {
                with_lock("lk-refresh", async {
                    let resp = send(Method::POST, "/auth/refresh", None, None).await.ok()?;
                    decode::<TokenResponse>(resp)
                        .await
                        .ok()
                        .map(|t| t.access_token)
                })
                .boxed_local()
                .shared()
            })
            .clone()
    });
    let token = fut.await;
    REFRESHING.with(|r| r.borrow_mut().take());
    match token {
        Some(t) => {
            session.token.set(Some(t));
            true
        }
        None => false,
    }
}

/// No body, for calls that send none.
pub const NO_BODY: Option<&()> = None;
