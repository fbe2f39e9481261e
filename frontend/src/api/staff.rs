//! The staff console (`/operator/…`, SPEC B2, B3): the contact centre's queue and its
//! requests for operators and admins; the content, branches, files, staff and the
//! integrators' API keys for admins. A
//! subscriber gets 404 from all of these, an operator 403 from the admins' ones.

use super::client::Method;
use futures_util::FutureExt;
use lk_api_types::{
    About, ApiKeyInfo, Branch, BrandingSettings, FaqItem, FaqList, FileInfo, FileSlot, HelpTip,
    HelpTipList, Links, PaymentMethod, PaymentMethodList, RequestActionBody, RequestKind,
    RequestStatus, Service, ServiceList, StaffContent, StaffRequestDetail, StaffRequestPage,
    StaffUser, UserAccessBody,
};
use lk_api_types::{ApiScope, CreateApiKeyRequest, CreatedApiKey};

use super::client::Call;
/// A call on its way (the console's pages keep the functions that send them).
pub use super::client::Reply;
use super::{escape, ApiError};
use crate::session::Session;

/// What the queue shows: filters and a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub status: Option<RequestStatus>,
    pub kind: Option<RequestKind>,
    /// An e-mail, an account number or a request number; blank: everything.
    pub q: String,
}

impl QueueFilter {
    /// The filter as a query string (`status=new&q=…`), without the `?`; empty when none.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.as_str()));
        }
        if let Some(k) = self.kind {
            parts.push(format!("kind={}", k.as_str()));
        }
        let q = self.q.trim();
        if !q.is_empty() {
            parts.push(format!("q={}", escape(q)));
        }
        parts.join("&")
    }

    /// Anything narrows the queue.
    pub fn is_set(&self) -> bool {
        self.status.is_some() || self.kind.is_some() || !self.q.trim().is_empty()
    }
}

/// Requests on a page of the queue.
const PAGE: u32 = 25;

/// `GET /operator/requests`: a page of the queue, newest first; `before` is the previous
/// page's `next_before`.
pub fn requests(
    session: Session,
    filter: &QueueFilter,
    before: Option<i64>,
) -> Reply<StaffRequestPage> {
    let mut query = filter.query();
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(&format!("limit={PAGE}"));
    if let Some(b) = before {
        query.push_str(&format!("&before={b}"));
    }
    Call::get(format!("/operator/requests?{query}")).authed(session)
}

/// `GET /operator/requests/{number}`: a request with its history.
pub fn request(session: Session, number: i64) -> Reply<StaffRequestDetail> {
    Call::get(format!("/operator/requests/{number}")).authed(session)
}

/// `POST /operator/requests/{number}/actions`: a reply (e-mailed to the sender), a new status,
/// or both.
pub fn act(session: Session, number: i64, body: &RequestActionBody) -> Reply<StaffRequestDetail> {
    Call::post(format!("/operator/requests/{number}/actions"))
        .json(body)
        .authed(session)
}

/// `GET /operator/content`: the content as admins edit it, with the notes on what is not
/// verified yet.
pub fn content(session: Session) -> Reply<StaffContent> {
    Call::get("/operator/content").authed(session)
}

fn put<T: serde::Serialize + serde::de::DeserializeOwned + 'static>(
    session: Session,
    path: &str,
    body: &T,
) -> Reply<T> {
    Call::new(Method::PUT, path).json(body).authed(session)
}

/// `PUT /operator/content/about`.
pub fn save_about(session: Session, body: About) -> Reply<About> {
    put(session, "/operator/content/about", &body)
}

/// A list section travels as `{"items": [...]}`; the pages edit the list.
fn put_list<L, T>(session: Session, path: &str, body: L, items: fn(L) -> Vec<T>) -> Reply<Vec<T>>
where
    L: serde::Serialize + serde::de::DeserializeOwned + 'static,
    T: 'static,
{
    put(session, path, &body)
        .map(move |saved| saved.map(items))
        .boxed_local()
}

/// `PUT /operator/content/faq`: the whole list, in order.
pub fn save_faq(session: Session, items: Vec<FaqItem>) -> Reply<Vec<FaqItem>> {
    put_list(session, "/operator/content/faq", FaqList { items }, |l| {
        l.items
    })
}

/// `PUT /operator/content/payment-methods`.
pub fn save_payment_methods(
    session: Session,
    items: Vec<PaymentMethod>,
) -> Reply<Vec<PaymentMethod>> {
    put_list(
        session,
        "/operator/content/payment-methods",
        PaymentMethodList { items },
        |l| l.items,
    )
}

/// `PUT /operator/content/help-tips`.
pub fn save_help_tips(session: Session, items: Vec<HelpTip>) -> Reply<Vec<HelpTip>> {
    put_list(
        session,
        "/operator/content/help-tips",
        HelpTipList { items },
        |l| l.items,
    )
}

/// `PUT /operator/content/services`: codes unique.
pub fn save_services(session: Session, items: Vec<Service>) -> Reply<Vec<Service>> {
    put_list(
        session,
        "/operator/content/services",
        ServiceList { items },
        |l| l.items,
    )
}

/// `PUT /operator/content/links`.
pub fn save_links(session: Session, body: Links) -> Reply<Links> {
    put(session, "/operator/content/links", &body)
}

/// `PUT /operator/content/branding`.
pub fn save_branding(session: Session, body: BrandingSettings) -> Reply<BrandingSettings> {
    put(session, "/operator/content/branding", &body)
}

/// `PUT /operator/branches`: creates the branch or replaces the one with its code.
pub fn save_branch(session: Session, body: Branch) -> Reply<Branch> {
    put(session, "/operator/branches", &body)
}

/// `DELETE /operator/branches/{code}` (409 `branch_in_use` while accounts belong to it).
pub fn delete_branch(session: Session, code: &str) -> Reply<()> {
    Call::new(
        Method::DELETE,
        format!("/operator/branches/{}", escape(code)),
    )
    .authed(session)
}

/// `GET /operator/users`: operators and admins.
pub fn users(session: Session) -> Reply<Vec<StaffUser>> {
    Call::get("/operator/users").authed(session)
}

/// `PATCH /operator/users/{id}`: disables or enables a member of the staff.
pub fn set_disabled(session: Session, id: i64, disabled: bool) -> Reply<StaffUser> {
    Call::new(Method::PATCH, format!("/operator/users/{id}"))
        .json(&UserAccessBody { disabled })
        .authed(session)
}

/// `GET /operator/api-keys`: the integrators' keys, live and revoked, newest first.
pub fn api_keys(session: Session) -> Reply<Vec<ApiKeyInfo>> {
    Call::get("/operator/api-keys").authed(session)
}

/// `POST /operator/api-keys`: a new key, shown in the answer this once (409 `conflict` when a
/// live key has the name).
pub fn create_api_key(
    session: Session,
    name: String,
    scopes: Vec<ApiScope>,
) -> Reply<CreatedApiKey> {
    Call::post("/operator/api-keys")
        .json(&CreateApiKeyRequest { name, scopes })
        .authed(session)
}

/// `DELETE /operator/api-keys/{id}`: the key stops working at once.
pub fn revoke_api_key(session: Session, id: i64) -> Reply<()> {
    Call::new(Method::DELETE, format!("/operator/api-keys/{id}")).authed(session)
}

/// `PUT /operator/files/{slot}`: the file's bytes as the body (the server judges the kind by
/// them). As the signed-in user, with one refresh of the access token on 401, as every other
/// call of the SPA.
pub async fn upload(
    session: Session,
    slot: FileSlot,
    bytes: Vec<u8>,
) -> Result<FileInfo, ApiError> {
    let url = super::client::api_url(&format!("/operator/files/{}", slot.as_str()));
    let send = |token: Option<String>| {
        let req = super::client::request(Method::PUT, &url, token.as_deref())
            .header("Content-Type", "application/octet-stream")
            .body(js_sys::Uint8Array::from(bytes.as_slice()));
        async move {
            req.map_err(|_| ApiError::Network)?
                .send()
                .await
                .map_err(|_| ApiError::Network)
        }
    };
    let resp = super::client::with_refresh(session, send).await?;
    let (status, text) = super::client::read(resp).await?;
    serde_json::from_str(&text).map_err(|_| ApiError::Unexpected(status))
}
