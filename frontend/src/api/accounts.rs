//! An account the user reaches through one of their houses (`/accounts/{number}…`): its
//! details, tariffs, history and invoices, requests to change its data and service orders.

use chrono::NaiveDate;
use lk_api_types::{
    AccountInsights, AccountResponse, ChangeRequestBody, ChangeRequestResponse, ContactResponse,
    InvoiceResponse, OperationKind, OperationsResponse, ServiceOrderBody, TariffsResponse,
};

use super::client::{Call, Reply};
use super::escape;
use crate::session::Session;

/// `/accounts/{number}`.
pub(super) fn path(number: &str) -> String {
    format!("/accounts/{}", escape(number))
}

/// `GET /accounts/{number}`: holder, contract, branch, tariff, balance and amount due.
pub fn get(session: Session, number: &str) -> Reply<AccountResponse> {
    Call::get(path(number)).authed(session)
}

/// `GET /accounts/{number}/tariffs[?year=]`: the prices of `year`, this year by default.
pub fn tariffs(session: Session, number: &str, year: Option<i32>) -> Reply<TariffsResponse> {
    let query = year.map(|y| format!("?year={y}")).unwrap_or_default();
    Call::get(format!("{}/tariffs{query}", path(number))).authed(session)
}

/// `GET /accounts/{number}/insights`: two years of consumption by month, against a year before.
pub fn insights(session: Session, number: &str) -> Reply<AccountInsights> {
    Call::get(format!("{}/insights", path(number))).authed(session)
}

/// `GET /accounts/{number}/{subpath}/export` (`operations`, `meters/{id}/readings`): a period
/// as CSV — `csv` for Excel in a Russian locale, `csv-utf8` plain — handed to the browser as
/// `filename`.
pub async fn export(
    session: Session,
    number: &str,
    subpath: &str,
    (from, to): (NaiveDate, NaiveDate),
    format: &str,
    filename: &str,
) -> Result<(), super::ApiError> {
    let path = format!(
        "{}/{subpath}/export?from={from}&to={to}&format={format}",
        path(number)
    );
    super::client::download(session, path, filename).await
}

/// `GET /accounts/{number}/operations/statement.pdf`: the period's statement as a PDF file.
pub async fn statement_pdf(
    session: Session,
    number: &str,
    (from, to): (NaiveDate, NaiveDate),
    filename: &str,
) -> Result<(), super::ApiError> {
    let path = format!(
        "{}/operations/statement.pdf?from={from}&to={to}",
        path(number)
    );
    super::client::download(session, path, filename).await
}

/// Which page of an account's history to load.
pub struct OperationsQuery<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kinds: &'a [OperationKind],
    pub limit: u32,
    /// `next_cursor` of the page before.
    pub cursor: Option<&'a str>,
}

/// `GET /accounts/{number}/operations`: invoices, readings and payments, newest first.
pub fn operations(
    session: Session,
    number: &str,
    q: &OperationsQuery<'_>,
) -> Reply<OperationsResponse> {
    let kinds: Vec<&str> = q.kinds.iter().map(|k| k.as_str()).collect();
    let mut url = format!(
        "{}/operations?from={}&to={}&limit={}&types={}",
        path(number),
        q.from,
        q.to,
        q.limit,
        kinds.join(",")
    );
    if let Some(c) = q.cursor {
        url.push_str(&format!("&cursor={}", escape(c)));
    }
    Call::get(url).authed(session)
}

/// `GET /accounts/{number}/invoices/{id}`: an invoice with its lines.
pub fn invoice(session: Session, number: &str, id: i64) -> Reply<InvoiceResponse> {
    Call::get(format!("{}/invoices/{id}", path(number))).authed(session)
}

/// `POST /accounts/{number}/change-requests`: new holder data, for the contact centre.
pub fn request_change(
    session: Session,
    number: &str,
    req: &ChangeRequestBody,
) -> Reply<ChangeRequestResponse> {
    Call::post(format!("{}/change-requests", path(number)))
        .json(req)
        .authed(session)
}

/// `POST /accounts/{number}/service-orders`: «Заказать услугу» for this account.
pub fn order_service(
    session: Session,
    number: &str,
    req: &ServiceOrderBody,
) -> Reply<ContactResponse> {
    Call::post(format!("{}/service-orders", path(number)))
        .json(req)
        .authed(session)
}
