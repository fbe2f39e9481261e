//! The billing-system integration API (SPEC B1), for integrators with scoped API keys
//! ([`Integrator`]): idempotent batches of the company's registry — branches, tariff plans,
//! accounts, meters, invoices, payments from banks and cash desks — keyed by the company's own
//! identifiers, each item answered on its own; and the exports of what subscribers did in the
//! portal (readings, online payments), pulled by a cursor that never skips nor repeats.
//!
//! An item is read on its own ([`crate::extract::item`]) and checked by the domain's rules
//! before the store sees it; a malformed or invalid item is answered with its errors and the
//! others go on. Everything the store applies for a batch is one transaction.

use std::collections::HashSet;
use std::future::Future;

use actix_web::{get, post, web};
use chrono::Utc;
use lk_api_types::{
    AccountBatch, AccountItem, BatchResponse, BranchBatch, BranchItem, ExportedPayment,
    ExportedReading, FieldError, InvoiceBatch, InvoiceItem, ItemOutcome, MeterBatch, MeterItem,
    PaymentBatch, PaymentExportPage, PaymentItem, ReadingExportPage, TariffBatch, TariffItem,
    ZoneValue,
};
use lk_domain::integration::{
    check_invoice_lines, check_rates, parse_code, parse_period, parse_price, parse_rubles,
    InvoiceLine, ItemProblem, BATCH_MAX, EXPORT_PAGE_MAX,
};
use lk_domain::{text, AccountNumber, Email, ItemResult, MeterSerial, Rate};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::{Integrator, PaymentsRead, PaymentsWrite, ReadingsRead, RegistryWrite};
use crate::db::integration::{
    AccountRow, Applied, BranchRow, InvoiceRow, MeterRow, PaymentRow, Refusal, TariffRow,
};
use crate::db::StoreResult;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, Then};
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

fn problem(p: ItemProblem) -> FieldError {
    FieldError {
        field: p.field,
        code: p.code.into(),
        message: p.message,
    }
}

fn err(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Collects an item's errors, every one rather than the first.
#[derive(Default)]
struct Check(Vec<FieldError>);

impl Check {
    /// A required line of text of at most `max` characters.
    fn line(&mut self, field: &str, raw: &str, max: usize) -> String {
        match text::clean_line(raw, max) {
            Ok(Some(s)) => s,
            Ok(None) => {
                self.0.push(err(field, "required", "Обязательное поле."));
                String::new()
            }
            Err(e) => {
                self.0.push(ApiError::text_field(field, e));
                String::new()
            }
        }
    }

    /// An optional line of text (blank is empty).
    fn optional_line(&mut self, field: &str, raw: &str, max: usize) -> String {
        match text::clean_line(raw, max) {
            Ok(s) => s.unwrap_or_default(),
            Err(e) => {
                self.0.push(ApiError::text_field(field, e));
                String::new()
            }
        }
    }

    fn code(&mut self, field: &str, raw: &str) -> String {
        parse_code(raw).unwrap_or_else(|code| {
            let message = match code {
                "required" => "Обязательное поле.",
                "too_long" => "Не более 64 символов.",
                _ => "Код не должен содержать пробелов и управляющих символов.",
            };
            self.0.push(err(field, code, message));
            String::new()
        })
    }

    fn account(&mut self, field: &str, raw: &str) -> String {
        match AccountNumber::parse(raw) {
            Ok(n) => n.as_str().to_owned(),
            Err(_) => {
                self.0.push(err(
                    field,
                    "invalid_account_number",
                    "Номер лицевого счёта — от 6 до 20 цифр.",
                ));
                String::new()
            }
        }
    }

    fn range(&mut self, field: &str, v: i64, min: i64, max: i64) -> i64 {
        if !(min..=max).contains(&v) {
            self.0
                .push(err(field, "out_of_range", &format!("От {min} до {max}.")));
        }
        v
    }

    fn rubles(&mut self, field: &str, raw: &str) -> i64 {
        match parse_rubles(raw) {
            Some(k) => k.0,
            None => {
                self.0.push(err(
                    field,
                    "invalid_amount",
                    "Сумма в рублях: не более двух знаков после точки.",
                ));
                0
            }
        }
    }

    fn price(&mut self, field: &str, raw: &str) -> rust_decimal::Decimal {
        parse_price(raw).unwrap_or_else(|| {
            self.0.push(err(
                field,
                "invalid_price",
                "Цена за кВт·ч в рублях: не более четырёх знаков после точки.",
            ));
            rust_decimal::Decimal::ZERO
        })
    }

    fn rules(&mut self, problems: Vec<ItemProblem>) {
        self.0.extend(problems.into_iter().map(problem));
    }

    fn done<R>(self, row: R) -> Result<R, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(row)
        } else {
            Err(self.0)
        }
    }
}

fn branch(b: BranchItem) -> Result<BranchRow, Vec<FieldError>> {
    let mut c = Check::default();
    let email = c.optional_line("email", &b.email, 254);
    if !email.is_empty() && Email::parse(&email).is_err() {
        c.0.push(err(
            "email",
            "invalid_email",
            "Введите корректный адрес электронной почты.",
        ));
    }
    let row = BranchRow {
        code: c.code("code", &b.code),
        name: c.line("name", &b.name, 200),
        address: c.line("address", &b.address, 300),
        phone: c.optional_line("phone", &b.phone, 100),
        email,
        hours: c.optional_line("hours", &b.hours, 200),
    };
    c.done(row)
}

fn tariff(t: TariffItem) -> Result<TariffRow, Vec<FieldError>> {
    let mut c = Check::default();
    if t.rates.is_empty() || t.rates.len() > 200 {
        c.0.push(err("rates", "out_of_range", "От 1 до 200 цен."));
    }
    let rates: Vec<Rate> = t
        .rates
        .iter()
        .enumerate()
        .map(|(i, r)| Rate {
            zone: r.zone,
            valid_from: r.valid_from,
            band_from_kwh: r.band_from_kwh.unwrap_or(0),
            price: c.price(&format!("rates[{i}].price"), &r.price),
        })
        .collect();
    c.rules(check_rates(t.scheme, &rates));
    let row = TariffRow {
        code: c.code("code", &t.code),
        name: c.line("name", &t.name, 200),
        scheme: t.scheme,
        rates,
    };
    c.done(row)
}

fn account(a: AccountItem) -> Result<AccountRow, Vec<FieldError>> {
    let mut c = Check::default();
    let row = AccountRow {
        number: c.account("number", &a.number),
        holder_name: c.line("holder_name", &a.holder_name, 200),
        address: c.line("address", &a.address, 300),
        branch_code: c.code("branch_code", &a.branch_code),
        contract_number: c.line("contract_number", &a.contract_number, 64),
        contract_date: a.contract_date,
        tariff_code: c.code("tariff_code", &a.tariff_code),
        residents: c.range("residents", a.residents.unwrap_or(1), 1, 100),
        opening_balance: a
            .opening_balance
            .as_deref()
            .map(|b| c.rubles("opening_balance", b))
            .unwrap_or(0),
        norm_kwh: a.norm_kwh.map(|n| c.range("norm_kwh", n, 0, 100_000)),
    };
    c.done(row)
}

fn meter(m: MeterItem) -> Result<MeterRow, Vec<FieldError>> {
    let mut c = Check::default();
    let serial = match MeterSerial::parse(&m.serial) {
        Ok(s) => s.as_str().to_owned(),
        Err(_) => {
            c.0.push(err(
                "serial",
                "invalid_meter_number",
                "Номер счётчика — от 4 до 20 букв и цифр.",
            ));
            String::new()
        }
    };
    let row = MeterRow {
        account_number: c.account("account_number", &m.account_number),
        serial,
        model: c.line("model", &m.model, 100),
        scheme: m.scheme,
        digits: c.range("digits", m.digits, 4, 9),
        installed_on: m.installed_on,
        verified_on: m.verified_on,
        next_verification_on: m.next_verification_on,
        location: c.optional_line("location", m.location.as_deref().unwrap_or_default(), 200),
        active: m.active.unwrap_or(true),
    };
    c.done(row)
}

fn invoice(v: InvoiceItem) -> Result<InvoiceRow, Vec<FieldError>> {
    let mut c = Check::default();
    let period = parse_period(&v.period).unwrap_or_else(|| {
        c.0.push(err("period", "invalid_period", "Период в виде ГГГГ-ММ."));
        chrono::NaiveDate::MIN
    });
    if v.lines.is_empty() || v.lines.len() > 20 {
        c.0.push(err("lines", "out_of_range", "От 1 до 20 строк."));
    }
    if v.due_on < v.issued_on {
        c.0.push(err(
            "due_on",
            "before_issue",
            "Срок оплаты не раньше даты выставления.",
        ));
    }
    let lines: Vec<InvoiceLine> = v
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| InvoiceLine {
            zone: l.zone,
            band_from_kwh: c.range(
                &format!("lines[{i}].band_from_kwh"),
                l.band_from_kwh.unwrap_or(0),
                0,
                i64::MAX,
            ),
            kwh: l.kwh,
            price: c.price(&format!("lines[{i}].price"), &l.price),
            amount: lk_domain::Kopecks(c.rubles(&format!("lines[{i}].amount"), &l.amount)),
        })
        .collect();
    c.rules(check_invoice_lines(&lines));
    let row = InvoiceRow {
        account_number: c.account("account_number", &v.account_number),
        period,
        issued_on: v.issued_on,
        due_on: v.due_on,
        lines,
    };
    c.done(row)
}

fn payment(p: PaymentItem) -> Result<PaymentRow, Vec<FieldError>> {
    let mut c = Check::default();
    let amount = c.rubles("amount", &p.amount);
    if amount <= 0 && c.0.is_empty() {
        c.0.push(err("amount", "out_of_range", "Сумма больше нуля."));
    }
    let row = PaymentRow {
        external_id: c.code("id", &p.id),
        channel: p.channel,
        account_number: c.account("account_number", &p.account_number),
        amount,
        paid_on: p.paid_on,
        portal_payment_id: p
            .portal_payment_id
            .as_deref()
            .map(|id| c.code("portal_payment_id", id)),
    };
    c.done(row)
}

fn refusal(r: Refusal) -> FieldError {
    match r {
        Refusal::UnknownBranch => err(
            "branch_code",
            "unknown_branch",
            "Нет отделения с таким кодом: сначала передайте отделение.",
        ),
        Refusal::UnknownTariff => err(
            "tariff_code",
            "unknown_tariff",
            "Нет тарифа с таким кодом: сначала передайте тариф.",
        ),
        Refusal::UnknownAccount => err(
            "account_number",
            "unknown_account",
            "Нет лицевого счёта с таким номером: сначала передайте счёт.",
        ),
        Refusal::PaymentDiffers => err(
            "id",
            "payment_differs",
            "Платёж с этим идентификатором уже принят с другим счётом, суммой или датой.",
        ),
        Refusal::UnknownPortalPayment => err(
            "portal_payment_id",
            "unknown_portal_payment",
            "Нет оплаты в личном кабинете с таким идентификатором.",
        ),
        Refusal::PortalPaymentDiffers => err(
            "portal_payment_id",
            "portal_payment_differs",
            "Оплата в личном кабинете была по другому счёту или на другую сумму.",
        ),
        Refusal::PortalPaymentReported => err(
            "portal_payment_id",
            "portal_payment_reported",
            "Об этой оплате банк уже сообщил под другим идентификатором.",
        ),
    }
}

/// The item's key as the company names it, read from the raw item so even a malformed one
/// can be told apart.
fn raw_key(value: &serde_json::Value, fields: &[&str]) -> Option<String> {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| match &value[*f] {
            serde_json::Value::String(s) => Some(s.trim().chars().take(64).collect()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// Reads and checks every item, applies the valid ones with `apply`, and answers each.
async fn run<I, R, F, Fut>(
    state: &AppState,
    kind: &'static str,
    batch: RawBatch,
    key_fields: &[&str],
    parse: fn(I) -> Result<R, Vec<FieldError>>,
    key_of: fn(&R) -> String,
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
    let mut results = Vec::with_capacity(batch.items.len());
    let mut rows = Vec::new();
    let mut slots = Vec::new();
    let mut seen = HashSet::new();
    for (index, value) in batch.items.into_iter().enumerate() {
        let key = raw_key(&value, key_fields);
        let parsed = crate::extract::item::<I>(value)
            .map_err(|e| vec![e])
            .and_then(parse);
        let outcome = match parsed {
            Ok(row) if !seen.insert(key_of(&row)) => Err(vec![err(
                "",
                "duplicate_in_batch",
                "Этот элемент уже есть в запросе выше.",
            )]),
            Ok(row) => {
                slots.push(index);
                rows.push(row);
                Ok(())
            }
            Err(e) => Err(e),
        };
        results.push(ItemOutcome {
            index,
            key,
            result: if outcome.is_ok() {
                ItemResult::Unchanged
            } else {
                ItemResult::Failed
            },
            errors: outcome.err().unwrap_or_default(),
        });
    }
    let applied = if rows.is_empty() {
        Vec::new()
    } else {
        apply(rows).await?
    };
    for (slot, a) in slots.into_iter().zip(applied) {
        match a {
            Ok(r) => results[slot].result = r,
            Err(r) => {
                results[slot].result = ItemResult::Failed;
                results[slot].errors = vec![refusal(r)];
            }
        }
    }
    let count = |r: ItemResult| results.iter().filter(|o| o.result == r).count();
    for r in ItemResult::ALL {
        state.metrics.integration_items(kind, *r, count(*r));
    }
    let response = BatchResponse {
        created: count(ItemResult::Created),
        updated: count(ItemResult::Updated),
        unchanged: count(ItemResult::Unchanged),
        errors: count(ItemResult::Failed),
        results,
    };
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
        &["code"],
        branch,
        |b: &BranchRow| b.code.clone(),
        |rows| async move { store.upsert_branches(&rows).await },
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
        &["code"],
        tariff,
        |t: &TariffRow| t.code.clone(),
        |rows| async move { store.upsert_tariffs(&rows).await },
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
        &["number"],
        account,
        |a: &AccountRow| a.number.clone(),
        |rows| async move { store.upsert_accounts(&rows, now).await },
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
        &["account_number", "serial"],
        meter,
        |m: &MeterRow| format!("{}/{}", m.account_number, m.serial),
        |rows| async move { store.upsert_meters(&rows).await },
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
        &["account_number", "period"],
        invoice,
        |v: &InvoiceRow| format!("{}/{}", v.account_number, v.period),
        |rows| async move { store.upsert_invoices(&rows).await },
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
        &["channel", "id"],
        payment,
        |p: &PaymentRow| format!("{}:{}", p.channel, p.external_id),
        |rows| async move { store.record_payments(&rows, now).await },
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
