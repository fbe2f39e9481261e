//! How a call travels: JSON in and out, non-2xx answers turned into [`ApiError`] carrying the
//! server's problem details; a 401 on an authenticated call triggers one silent refresh through
//! the HttpOnly cookie — never two at once, in this tab or in another tab of the site (the Web
//! Locks API): the refresh rotates the cookie, and a second refresh with the old cookie would
//! look like a replayed token and end the session. Only the endpoint modules call this.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{RequestBuilder, Response};
use leptos::prelude::*;
use lk_api_types::{ErrorCode, Problem, TokenResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::ApiError;
use crate::session::Session;

/// The HTTP method of a call. Requests go through the browser's `fetch` (gloo-net): no HTTP
/// stack of our own in the WASM, which keeps the start-up module small.
pub use gloo_net::http::Method;

/// A call on its way: what [`Call`] sends, answered later with `T`.
pub type Reply<T> = LocalBoxFuture<'static, Result<T, ApiError>>;

/// The `Idempotency-Key` header (IETF draft "The Idempotency-Key HTTP Header Field").
const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// One request to the API: method, path under `/api/v1`, JSON body, idempotency key. Only the
/// reading of the answer depends on its type; the rest is shared by every endpoint, which
/// keeps the WASM small.
pub(super) struct Call {
    method: Method,
    path: String,
    body: Option<serde_json::Value>,
    key: Option<String>,
}

impl Call {
    pub(super) fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            body: None,
            key: None,
        }
    }

    pub(super) fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    pub(super) fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }

    pub(super) fn json(mut self, body: &impl Serialize) -> Self {
        self.body = serde_json::to_value(body).ok();
        self
    }

    /// The server does the request at most once per key.
    pub(super) fn idempotency_key(mut self, key: &str) -> Self {
        self.key = Some(key.to_owned());
        self
    }

    /// A call that needs no session.
    pub(super) fn public<T: DeserializeOwned + 'static>(self) -> Reply<T> {
        parse(self.public_text())
    }

    /// [`Self::public`]'s answer before it is read as a type (not generic: one copy in the
    /// WASM for every endpoint).
    fn public_text(self) -> LocalBoxFuture<'static, Result<(u16, String), ApiError>> {
        async move {
            if let Some(a) = self.early().await.filter(|a| a.is_success()) {
                return Ok((a.status, a.body));
            }
            read(self.send(None).await?).await
        }
        .boxed_local()
    }

    /// With an explicit access token (right after signing in).
    pub(super) fn with_token<T: DeserializeOwned + 'static>(self, token: &str) -> Reply<T> {
        parse(self.token_text(token.to_owned()))
    }

    /// [`Self::with_token`]'s answer before it is read as a type (not generic).
    fn token_text(self, token: String) -> LocalBoxFuture<'static, Result<(u16, String), ApiError>> {
        async move { read(self.send(Some(token)).await?).await }.boxed_local()
    }

    /// As the signed-in user; refreshes the access token once on 401.
    pub(super) fn authed<T: DeserializeOwned + 'static>(self, session: Session) -> Reply<T> {
        parse(self.authed_text(session))
    }

    /// [`Self::authed`]'s answer before it is read as a type (not generic, as above).
    fn authed_text(
        self,
        session: Session,
    ) -> LocalBoxFuture<'static, Result<(u16, String), ApiError>> {
        async move {
            if let Some(a) = self.early().await.filter(|a| {
                a.is_success() && a.token.is_some() && a.token == session.token.get_untracked()
            }) {
                return Ok((a.status, a.body));
            }
            read(self.authed_response(session).await?).await
        }
        .boxed_local()
    }

    /// The answer index.html's script got for this GET before the app ran (see [`super::early`]).
    async fn early(&self) -> Option<super::early::Early> {
        if self.method == Method::GET {
            super::early::take(&self.path).await
        } else {
            None
        }
    }

    fn url(&self) -> String {
        api_url(&self.path)
    }

    async fn send(&self, token: Option<String>) -> Result<Response, ApiError> {
        let mut req = request(self.method.clone(), &self.url(), token.as_deref())
            // The language the user reads now: the server answers and writes mail in it.
            .header(
                "Accept-Language",
                crate::i18n::to_language(crate::i18n::lang()).as_str(),
            );
        if let Some(k) = &self.key {
            req = req.header(IDEMPOTENCY_KEY, k);
        }
        let req = match &self.body {
            Some(b) => req.json(b),
            None => req.build(),
        };
        req.map_err(|_| ApiError::Network)?
            .send()
            .await
            .map_err(|_| ApiError::Network)
    }

    async fn authed_response(self, session: Session) -> Result<Response, ApiError> {
        with_refresh(session, |token| self.send(token)).await
    }
}

/// The absolute URL of `path` under `/api/v1` on this site.
pub(super) fn api_url(path: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/api/v1{path}")
}

/// A removal, whatever its answer says.
pub(super) fn removed(reply: Reply<serde_json::Value>) -> Reply<()> {
    reply.map(|r| r.map(drop)).boxed_local()
}

/// A request to `url` with the access token, if any.
pub(super) fn request(method: Method, url: &str, token: Option<&str>) -> RequestBuilder {
    let req = RequestBuilder::new(url).method(method);
    match token {
        Some(t) => req.header("Authorization", &format!("Bearer {t}")),
        None => req,
    }
}

/// Sends as the signed-in user (`send` gets the access token); on 401, refreshes the token
/// once and sends again; still 401, the session has ended.
pub(super) async fn with_refresh<F, Fut>(session: Session, send: F) -> Result<Response, ApiError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let resp = send(session.token.get_untracked()).await?;
    if resp.status() != 401 {
        return Ok(resp);
    }
    if refresh(session).await {
        let resp = send(session.token.get_untracked()).await?;
        if resp.status() != 401 {
            return Ok(resp);
        }
    }
    session.end();
    Ok(resp)
}

/// The status and body of a 2xx answer; any other answer as its problem.
pub(super) async fn read(resp: Response) -> Result<(u16, String), ApiError> {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let text = resp.text().await.map_err(|_| ApiError::Network)?;
    if resp.ok() {
        Ok((status, text))
    } else {
        Err(serde_json::from_str::<Problem>(&text)
            .map(|p| match retry_after {
                Some(secs) if p.code == ErrorCode::ServerBusy => ApiError::Busy(p, secs.max(1)),
                _ => ApiError::Problem(p),
            })
            .unwrap_or_else(|_| unexpected(status)))
    }
}

/// The answer read as `T` (an empty body as JSON `null`).
fn parse<T: DeserializeOwned + 'static>(
    text: LocalBoxFuture<'static, Result<(u16, String), ApiError>>,
) -> Reply<T> {
    text.map(|answer| {
        let (status, text) = answer?;
        let text = if text.trim().is_empty() {
            "null"
        } else {
            text.as_str()
        };
        serde_json::from_str(text).map_err(|_| unexpected(status))
    })
    .boxed_local()
}

fn unexpected(status: u16) -> ApiError {
    ApiError::Unexpected(status)
}

/// Downloads a file the signed-in user may see (a receipt) and hands it to the browser under
/// `filename`: the access token lives in memory, so a plain link could not carry it.
pub(super) async fn download(
    session: Session,
    path: String,
    filename: &str,
) -> Result<(), ApiError> {
    let resp = Call::get(path).authed_response(session).await?;
    if !resp.ok() {
        return read(resp).await.map(drop);
    }
    let mime = resp
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let bytes = resp.binary().await.map_err(|_| ApiError::Network)?;
    save(&bytes, &mime, filename).ok_or_else(|| unexpected(200))
}

/// Hands `bytes` to the browser as a download named `filename`.
pub fn save(bytes: &[u8], mime: &str, filename: &str) -> Option<()> {
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
                async {
                    // The refresh index.html's script made (under the same lock) stands for
                    // the first one: its cookie is spent, so its answer is the only one.
                    if let Some(a) = super::early::take("/auth/refresh").await {
                        return serde_json::from_str::<TokenResponse>(&a.body)
                            .ok()
                            .filter(|_| a.is_success())
                            .map(|t| t.access_token);
                    }
                    with_lock("lk-refresh", async {
                        let reply: Reply<TokenResponse> = Call::post("/auth/refresh").public();
                        reply.await.ok().map(|t| t.access_token)
                    })
                    .await
                }
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
