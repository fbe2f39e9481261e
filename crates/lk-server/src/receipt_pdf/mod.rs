//! The receipt as a document (X2, F7.4, F9.5, X4), for whoever needs one: the account's
//! receipt with its latest readings and the amount due, drawn on the blocking pool — for the
//! receipt endpoints and for the paperless e-mail.

pub mod form;

use actix_web::web;
use chrono::Datelike;
use lk_domain::reading::consumption;
use lk_domain::{Kopecks, Language, Zone};

use crate::db::accounts::AccountRecord;
use crate::error::{ApiError, ApiResult};
use crate::export::PdfFile;
use crate::fields::payable_amount;
use crate::state::AppState;
use form::{Filled, MeterRows, ZoneRow};

/// The amount printed on the receipt: the one given, or the account's amount due.
pub async fn receipt_amount(
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
pub async fn meter_rows(
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
                    kwh: prev
                        .zip(cur)
                        .and_then(|((_, p), (_, c))| consumption(zone, p, c, m.digits, true).ok()),
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

/// Draws on the blocking pool: laying out and compressing a page is CPU work.
pub async fn render(
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
