//! Receipts (X2, F7.4, F9.5): the filled receipt of an account with its latest readings and the
//! payment QR code, and the blank form. PDFs are drawn on the blocking pool.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::Datelike;
use lk_domain::Kopecks;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::OwnAccount;
use crate::error::ApiResult;
use crate::export::PdfFile;
use crate::extract::Query;
use crate::receipt_pdf::form::Filled;
use crate::receipt_pdf::{meter_rows, receipt_amount, render};
use crate::responses::Unprocessable;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(filled_receipt).service(blank_receipt);
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReceiptQuery {
    /// Amount to pay, rubles in plain decimal notation with up to two decimals (`1234.56`,
    /// `1234,56`); the account's amount due by default (the debt plus charges of readings not
    /// invoiced yet), blank when there is none.
    #[param(pattern = "^([0-9]+([.,][0-9]{1,2})?)?$")]
    pub amount: Option<String>,
}

fn pdf_response(file: PdfFile, filename: &str, cache: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header(("cache-control", cache))
        .body(file.0)
}

/// The filled receipt of an account (X2, F7.4, F9.5): payee and bank details, account, holder,
/// address, period, the latest readings with consumption and tariff, the amount, and the
/// payment QR code of ГОСТ Р 56042-2014 (`ST00012|…|Sum=<kopecks>|…|PersAcc=<account>|…`).
///
/// The invoice part is in the user's language (`/me/settings`); the bank slip and the QR code
/// stay Russian.
#[utoipa::path(tag = "receipts", security(("bearer" = [])), params(("account_number" = String, Path), ReceiptQuery),
    responses(
        (status = 200, description = "The receipt, A4 PDF", content_type = "application/pdf", body = PdfFile),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/receipt.pdf")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn filled_receipt(
    state: web::Data<AppState>,
    own: OwnAccount,
    q: Query<ReceiptQuery>,
) -> ApiResult<HttpResponse> {
    let (a, user) = (own.account, own.user);
    let balance = Kopecks(a.balance);
    let amount = receipt_amount(&state, q.amount.as_deref(), &a).await?;
    let today = state.config.today();
    let meters = meter_rows(&state, user.id, &a).await?;
    // The period of the latest reading shown, so that the receipt agrees with itself; the
    // current month when there is none.
    let period = meters
        .iter()
        .flat_map(|m| &m.rows)
        .filter_map(|r| r.current.map(|(d, _)| d))
        .max()
        .unwrap_or(today);
    let filled = Filled {
        meters,
        number: a.number,
        holder: a.holder_name,
        address: a.address,
        period,
        issued_on: today,
        balance,
        amount,
    };
    let filename = format!(
        "receipt-{}-{}-{:02}.pdf",
        filled.number,
        period.year(),
        period.month()
    );
    let language = state.store.language(user.id).await?;
    let file = render(&state, Some(filled), language).await?;
    Ok(pdf_response(file, &filename, "private, no-store"))
}

/// The blank receipt form (F9.5), to fill in by hand; its QR code carries the payee's bank
/// details only.
///
/// Its invoice part is in the language of `Accept-Language` (Russian without one); the bank
/// slip stays Russian.
#[utoipa::path(tag = "receipts",
    params(("Accept-Language" = Option<String>, Header, description = "`ru` (the default) or `en`")),
    responses((status = 200, description = "The blank form, A4 PDF", content_type = "application/pdf", body = PdfFile)))]
#[get("/receipts/blank.pdf")]
pub async fn blank_receipt(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let language = crate::i18n::request_language(&req);
    let file = render(&state, None, language).await?;
    let mut response = pdf_response(file, "receipt-blank.pdf", "public, max-age=3600");
    // Shared caches keep one copy per language.
    response.headers_mut().append(
        actix_web::http::header::VARY,
        actix_web::http::header::HeaderValue::from_static("Accept-Language"),
    );
    Ok(response)
}
