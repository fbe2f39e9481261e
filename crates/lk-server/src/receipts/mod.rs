//! Receipts (X2, F7.4, F9.5): the filled receipt of an account with its latest readings and the
//! payment QR code, and the blank form. PDFs are drawn on the blocking pool.

pub mod form;

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::Datelike;
use lk_domain::reading::consumption;
use lk_domain::{Kopecks, Language, Zone};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::OwnAccount;
use crate::db::accounts::AccountRecord;
use crate::error::{ApiError, ApiResult};
use crate::export::PdfFile;
use crate::extract::Query;
use crate::fields::payable_amount;
use crate::responses::Unprocessable;
use crate::state::AppState;
use form::{Filled, MeterRows, ZoneRow};

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

/// The amount printed on the receipt: the one given, or the account's amount due.
async fn receipt_amount(
    state: &AppState,
    given: Option<&str>,
    a: &AccountRecord,
) -> ApiResult<Option<Kopecks>> {
    let Some(text) = given.map(str::trim).filter(|t| !t.is_empty()) else {
        let due = state
            .store
            .due_basis_of(a.id)
            .await?
            .amount_due(Kopecks(a.balance));
        return Ok((due.0 > 0).then_some(due));
    };
    payable_amount(state, text).map(Some)
}

/// The meters of the account with their two latest readings per zone.
async fn meter_rows(
    state: &AppState,
    user_id: i64,
    a: &AccountRecord,
) -> ApiResult<Vec<MeterRows>> {
    let today = state.config.today();
    let tomorrow = today.succ_opt().unwrap_or(today);
    let plan = state.store.tariff_of(a).await?;
    let mut out = Vec::new();
    for m in state.store.meters(user_id, a.id).await? {
        let latest = state.store.readings_before(m.id, tomorrow, 2).await?;
        let (current, previous) = (latest.first(), latest.get(1));
        let value = |r: Option<&crate::db::readings::ReadingRecord>, zone: Zone| {
            r.and_then(|r| {
                r.values
                    .iter()
                    .find(|(z, _)| *z == zone)
                    .map(|(_, v)| (r.taken_on, *v))
            })
        };
        let priced_on = current.map(|r| r.taken_on).unwrap_or(today);
        let rates = plan.rates_on(priced_on);
        let rows = m
            .scheme
            .zones()
            .iter()
            .map(|&zone| {
                let (prev, cur) = (value(previous, zone), value(current, zone));
                ZoneRow {
                    zone,
                    previous: prev,
                    current: cur,
                    kwh: prev.zip(cur).and_then(|((_, p), (_, c))| {
                        consumption(zone, p, c, u32::try_from(m.digits).unwrap_or(8), true).ok()
                    }),
                    price: rates
                        .iter()
                        .filter(|r| r.zone == zone)
                        .min_by_key(|r| r.band_from_kwh)
                        .map(|r| r.price),
                }
            })
            .collect();
        out.push(MeterRows {
            serial: m.serial,
            rows,
            charge: current.and_then(|r| r.charge).map(Kopecks),
        });
    }
    Ok(out)
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

/// Draws on the blocking pool: laying out and compressing a page is CPU work.
async fn render(
    state: &AppState,
    filled: Option<Filled>,
    language: Language,
) -> ApiResult<PdfFile> {
    let config = state.config.clone();
    web::block(move || form::render(&config, filled.as_ref(), language))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("receipt rendering: {e}")))?
        .map(PdfFile)
        .map_err(ApiError::Internal)
}

/// The filled receipt of an invoice, for the paperless e-mail (X4): the account's receipt as of
/// the invoice's month and day, for the amount due now (the debt with this invoice), and its
/// file name. Answers `None` when the account is gone.
pub async fn invoice_receipt(
    state: &AppState,
    user_id: i64,
    account_id: i64,
    invoice: &crate::db::accounts::InvoiceRecord,
    language: Language,
) -> ApiResult<Option<(String, Vec<u8>)>> {
    let Some(a) = state.store.account_record(account_id).await? else {
        return Ok(None);
    };
    let amount = receipt_amount(state, None, &a).await?;
    let meters = meter_rows(state, user_id, &a).await?;
    let filename = format!(
        "receipt-{}-{}-{:02}.pdf",
        a.number,
        invoice.period.year(),
        invoice.period.month()
    );
    let filled = Filled {
        meters,
        number: a.number,
        holder: a.holder_name,
        address: a.address,
        period: invoice.period,
        issued_on: invoice.issued_on,
        balance: Kopecks(a.balance),
        amount,
    };
    let file = render(state, Some(filled), language).await?;
    Ok(Some((filename, file.0)))
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
