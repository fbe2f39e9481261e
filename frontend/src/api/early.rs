//! Answers that index.html's inline script asked for before the app ran: the branding, the
//! session refresh and, for the pages that show them, the profile and the houses. On a slow
//! phone the app takes a second or more to download; without these the page would only then
//! start asking, one request after another. Each answer is taken once, by the call it stands
//! for; a missing, failed or stale one (another token) is simply asked for again.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// An answer as the script kept it: status, body and the access token it was asked with.
pub(super) struct Early {
    pub status: u16,
    pub body: String,
    pub token: Option<String>,
}

impl Early {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// The answer to `GET|POST /api/v1{path}` the script started, if it did and it has not been
/// taken yet; waits for it to arrive.
pub(super) async fn take(path: &str) -> Option<Early> {
    let all = get(&js_sys::global(), "__lkEarly")?;
    let promise = get(&all, path)?.dyn_into::<js_sys::Promise>().ok()?;
    let _ = js_sys::Reflect::delete_property(
        all.unchecked_ref::<js_sys::Object>(),
        &JsValue::from_str(path),
    );
    let answer = JsFuture::from(promise).await.ok()?;
    Some(Early {
        status: get(&answer, "status")?.as_f64()? as u16,
        body: get(&answer, "body")?.as_string()?,
        token: get(&answer, "token").and_then(|t| t.as_string()),
    })
}
