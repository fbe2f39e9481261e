//! The billing-system integration API (SPEC B1), for integrators with scoped API keys
//! ([`Integrator`]): idempotent batches of the company's registry — branches, tariff plans,
//! accounts, meters, invoices, payments from banks and cash desks — keyed by the company's own
//! identifiers, each item answered on its own; and the exports of what subscribers did in the
//! portal (readings, online payments), pulled by a cursor that never skips nor repeats.
//!
//! An item is read on its own ([`crate::extract::item`]) and checked by the domain's rules
//! before the store sees it; a malformed or invalid item is answered with its errors and the
//! others go on. Everything the store applies for a batch is one transaction.

use std::future::Future;

use actix_web::{get, post, web};
use chrono::Utc;
use lk_api_types::{
    AccountBatch, BatchResponse, BranchBatch, ExportedPayment, ExportedReading, FieldError,
    InvoiceBatch, MeterBatch, PaymentBatch, PaymentExportPage, ReadingBatch, ReadingExportPage,
    TariffBatch, ZoneValue,
};
use lk_domain::integration::{BATCH_MAX, EXPORT_PAGE_MAX};
use lk_domain::ItemResult;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{Integrator, PaymentsRead, PaymentsWrite, ReadingsRead, RegistryWrite};
use crate::db::integration::Applied;
use crate::db::StoreResult;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, Then};
use crate::registry_items::{self, Spec};
use crate::responses::{Forbidden, PayloadTooLarge};
use crate::state::AppState;

/// The largest request body of the integration API (a full batch of invoices fits).
pub const BODY_MAX: usize = 16 * 1024 * 1024;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope("/integration")
            .app_data(
                web::JsonConfig::default()
                    .limit(BODY_MAX)
                    .error_handler(crate::error::json_error),
            )
            .service(upsert_branches)
            .service(upsert_tariffs)
            .service(upsert_accounts)
            .service(upsert_meters)
            .service(upsert_invoices)
            .service(record_payments)
            .service(upsert_readings)
            .service(export_readings)
            .service(export_payments),
    );
}

/// A batch as it arrives: items are read one by one, so one malformed item is that item's
/// error only.
#[derive(Debug, Deserialize)]
pub struct RawBatch {
    items: Vec<serde_json::Value>,
}

/// Checks the batch's size, then reads, checks and applies its items
/// ([`registry_items::apply`]); counts them in the metrics and the log.
async fn run<I, R, F, Fut>(
    state: &AppState,
    kind: &'static str,
    batch: RawBatch,
    spec: Spec<I, R>,
    apply: F,
) -> ApiResult<web::Json<BatchResponse>>
where
    I: DeserializeOwned,
    F: FnOnce(Vec<R>) -> Fut,
    Fut: Future<Output = StoreResult<Vec<Applied>>>,
{
    if batch.items.is_empty() || batch.items.len() > BATCH_MAX {
        return Err(ApiError::field(
            "items",
            if batch.items.is_empty() {
                "empty"
            } else {
                "too_many_items"
            },
            format!("От 1 до {BATCH_MAX} элементов в запросе."),
        ));
    }
    let response = registry_items::apply(batch.items, &spec, apply).await?;
    for (r, n) in [
        (ItemResult::Created, response.created),
        (ItemResult::Updated, response.updated),
        (ItemResult::Unchanged, response.unchanged),
        (ItemResult::Failed, response.errors),
    ] {
        state.metrics.integration_items(kind, r, n);
    }
    tracing::info!(
        kind,
        created = response.created,
        updated = response.updated,
        unchanged = response.unchanged,
        errors = response.errors,
        "batch applied"
    );
    Ok(web::Json(response))
}

/// Creates or updates branches of the company, by `code`.
#[utoipa::path(tag = "integration", security(("api_key" = ["registry:write"])),
    request_body = BranchBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/branches")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn upsert_branches(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<RegistryWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    run(
        &state,
        "branches",
        batch.0,
        registry_items::BRANCHES,
        |rows| async move { store.upsert_branches(&rows, false).await },
    )
    .await
}

/// Creates or updates tariff plans, by `code`: the plan's prices become exactly those given
/// (the whole history, with volume bands where the plan has them).
#[utoipa::path(tag = "integration", security(("api_key" = ["registry:write"])),
    request_body = TariffBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/tariffs")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn upsert_tariffs(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<RegistryWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    run(
        &state,
        "tariffs",
        batch.0,
        registry_items::TARIFFS,
        |rows| async move { store.upsert_tariffs(&rows, false).await },
    )
    .await
}

/// Creates or updates personal accounts, by `number`. Branches and tariff plans must exist
/// (send them first). A corrected `opening_balance` moves the balance by the difference.
#[utoipa::path(tag = "integration", security(("api_key" = ["registry:write"])),
    request_body = AccountBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/accounts")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn upsert_accounts(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<RegistryWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    let now = Utc::now();
    run(
        &state,
        "accounts",
        batch.0,
        registry_items::ACCOUNTS,
        |rows| async move { store.upsert_accounts(&rows, now, false).await },
    )
    .await
}

/// Creates or updates meters, by account number and serial number.
#[utoipa::path(tag = "integration", security(("api_key" = ["registry:write"])),
    request_body = MeterBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/meters")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn upsert_meters(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<RegistryWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    run(
        &state,
        "meters",
        batch.0,
        registry_items::METERS,
        |rows| async move { store.upsert_meters(&rows, false).await },
    )
    .await
}

/// Creates or updates invoices, by account number and period. The invoice's amount is the sum
/// of its lines; the account's balance moves by the amount (or, for an update, by the
/// difference).
#[utoipa::path(tag = "integration", security(("api_key" = ["registry:write"])),
    request_body = InvoiceBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/invoices")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn upsert_invoices(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<RegistryWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    run(
        &state,
        "invoices",
        batch.0,
        registry_items::INVOICES,
        |rows| async move { store.upsert_invoices(&rows, false).await },
    )
    .await
}

/// Records payments made at banks, cash desks, post offices and terminals, by channel and
/// `id`; each new one credits its account. A payment is never changed: the same one again is
/// `unchanged`, a different one under the same id an error. A payment made in the portal and
/// reported by the bank carries `portal_payment_id` (from the payments export): it is matched
/// to the portal payment (`updated` the first time) and never credited twice.
#[utoipa::path(tag = "integration", security(("api_key" = ["payments:write"])),
    request_body = PaymentBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/payments")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn record_payments(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<PaymentsWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    let now = Utc::now();
    run(
        &state,
        "payments",
        batch.0,
        registry_items::PAYMENTS,
        |rows| async move { store.record_payments(&rows, now, false).await },
    )
    .await
}

/// Records the company's readings (the billing system's, controllers'), by account, meter
/// serial number and day. A reading of the company's replaces a subscriber's reading of the
/// same meter and day; readings of the company's never come back in the readings export.
#[utoipa::path(tag = "integration", security(("api_key" = ["registry:write"])),
    request_body = ReadingBatch,
    responses((status = 200, description = "Each item's outcome", body = BatchResponse),
        (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge)))]
#[post("/readings")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn upsert_readings(
    state: web::Data<AppState>,
    Then(key, batch): Then<Integrator<RegistryWrite>, Json<RawBatch>>,
) -> ApiResult<web::Json<BatchResponse>> {
    let store = state.store.clone();
    let now = Utc::now();
    run(
        &state,
        "readings",
        batch.0,
        registry_items::READINGS,
        |rows| async move { store.upsert_readings(&rows, now, false).await },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `next_after` of the previous page (0, or leave it out, for the beginning).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Page size, 1–1000 (500 by default).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

impl ExportQuery {
    fn checked(&self) -> ApiResult<(i64, i64)> {
        let limit = self.limit.unwrap_or(500);
        let after = self.after.unwrap_or(0);
        let bad = |field: &str, message: String| {
            ApiError::InvalidQuery(vec![FieldError {
                field: field.into(),
                code: "out_of_range".into(),
                message,
            }])
        };
        if !(1..=EXPORT_PAGE_MAX).contains(&limit) {
            return Err(bad("limit", format!("От 1 до {EXPORT_PAGE_MAX}.")));
        }
        if after < 0 {
            return Err(bad("after", "Не меньше 0.".into()));
        }
        Ok((after, limit))
    }
}

/// The readings subscribers submitted in the portal, in the order they entered the export,
/// after the cursor `after`. Keep the last page's `next_after` and ask again: every reading
/// comes exactly once, with no gap, whatever is submitted meanwhile and on whichever node. A
/// reading corrected later (the same meter and day) comes again with a later `seq`.
#[utoipa::path(tag = "integration", security(("api_key" = ["readings:read"])),
    params(ExportQuery),
    responses((status = 200, description = "A page of the export", body = ReadingExportPage),
        (status = 403, response = Forbidden)))]
#[get("/readings")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn export_readings(
    state: web::Data<AppState>,
    Then(key, query): Then<Integrator<ReadingsRead>, Query<ExportQuery>>,
) -> ApiResult<web::Json<ReadingExportPage>> {
    let (after, limit) = query.checked()?;
    let mut rows = state.store.export_readings(after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_after = rows.last().map_or(after, |r| r.seq);
    Ok(web::Json(ReadingExportPage {
        items: rows
            .into_iter()
            .map(|r| ExportedReading {
                seq: r.seq,
                reading_id: r.reading_id,
                account_number: r.account_number,
                meter_serial: r.meter_serial,
                taken_on: r.taken_on,
                submitted_at: r.submitted_at,
                values: r
                    .values
                    .into_iter()
                    .map(|(zone, value)| ZoneValue { zone, value })
                    .collect(),
            })
            .collect(),
        next_after,
        more,
    }))
}

/// The payments subscribers made online in the portal, by the same kind of cursor as the
/// readings. Send `portal_payment_id` back with the bank's report of such a payment.
#[utoipa::path(tag = "integration", security(("api_key" = ["payments:read"])),
    params(ExportQuery),
    responses((status = 200, description = "A page of the export", body = PaymentExportPage),
        (status = 403, response = Forbidden)))]
#[get("/payments")]
#[tracing::instrument(skip_all, fields(api_key = %key.key.name))]
pub async fn export_payments(
    state: web::Data<AppState>,
    Then(key, query): Then<Integrator<PaymentsRead>, Query<ExportQuery>>,
) -> ApiResult<web::Json<PaymentExportPage>> {
    let (after, limit) = query.checked()?;
    let mut rows = state.store.export_payments(after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_after = rows.last().map_or(after, |r| r.seq);
    Ok(web::Json(PaymentExportPage {
        items: rows
            .into_iter()
            .map(|r| ExportedPayment {
                seq: r.seq,
                portal_payment_id: r.portal_payment_id,
                account_number: r.account_number,
                amount: lk_domain::Kopecks(r.amount).to_rubles(),
                paid_on: r.paid_on,
                credited_at: r.credited_at,
            })
            .collect(),
        next_after,
        more,
    }))
}
