//! Meter readings: history (F10.2), preview and submission with the charge and the amount due
//! (F7.1, F7.3), under the rules of X8.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use lk_api_types::{
    ChargeLineResponse, ErrorCode, FieldError, GuestReadingRequest, GuestReadingResponse,
    ReadingChargeResponse, ReadingResponse, SubmitReadingRequest, Warning,
};
use lk_domain::due::{account_due, uninvoiced, ReadingCharge};
use lk_domain::reading::{
    evaluate, Evaluation, MeterFacts, PastReading, ReadingError, Refusal, Submission,
    SubmissionProblem,
};
use lk_domain::{Kopecks, ReadingSource};

use crate::access::{Actor, GuestMeter, OwnMeter};
use crate::db::accounts::AccountRecord;
use crate::db::meters::MeterRecord;
use crate::db::readings::{NewReading, ReadingRecord};
use crate::db::StoreError;
use crate::error::{ApiError, ApiResult};
use crate::export::{attachment, too_many_rows, zone_label, CsvFile, ExportQuery, CSV, MAX_ROWS};
use crate::extract::{Json, Query};
use crate::fields::{period, PeriodQuery};
use crate::i18n::{request_language, text};
use crate::idempotency::{self, Begin, IdempotencyKey};
use crate::present::reading_response;
use crate::responses::{BadRequest, Conflict, TooManyRequests, Unprocessable};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_readings)
        .service(export_meter_readings)
        .service(preview_reading)
        .service(submit_reading)
        .service(submit_guest_reading);
}

/// Reading history of a meter for a period, newest first (F10.2).
#[utoipa::path(tag = "readings", security(("bearer" = [])), params(("account_number" = String, Path), ("meter_id" = i64, Path), PeriodQuery),
    responses(
        (status = 200, description = "Readings of the period, newest first", body = Vec<ReadingResponse>),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/meters/{meter_id}/readings")]
pub async fn list_readings(
    state: web::Data<AppState>,
    own: OwnMeter,
    q: Query<PeriodQuery>,
) -> ApiResult<web::Json<Vec<ReadingResponse>>> {
    let m = own.meter;
    let (from, to) = period(&state, q.from, q.to)?;
    let readings = state.store.readings(m.id, from, to).await?;
    Ok(web::Json(
        readings.into_iter().map(reading_response).collect(),
    ))
}

/// The readings of a meter for a period as CSV (X5), oldest first, in the language of the
/// request: the day, who passed it, the value of each zone of the meter, the consumption and
/// the charge.
#[utoipa::path(tag = "readings", security(("bearer" = [])), params(("account_number" = String, Path), ("meter_id" = i64, Path), ExportQuery),
    responses(
        (status = 200, description = "The readings as CSV", content_type = "text/csv", body = CsvFile),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/meters/{meter_id}/readings/export")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn export_meter_readings(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: OwnMeter,
    q: Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let (a, m) = (own.account, own.meter);
    let l = request_language(&req);
    let (from, to) = period(&state, q.from, q.to)?;
    let format = q.format.unwrap_or_default();
    let mut readings = state.store.readings(m.id, from, to).await?;
    if readings.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    readings.reverse();
    let zones = m.scheme.zones();
    let mut header = vec![text!(l, "export.taken_on"), text!(l, "export.source")];
    header.extend(zones.iter().map(|z| zone_label(*z, l)));
    header.extend([text!(l, "export.kwh"), text!(l, "export.charge")]);
    let rows: Vec<Vec<String>> = readings
        .iter()
        .map(|r| {
            let source = crate::present::reading_source_key(r.source);
            let mut row = vec![format.date(r.taken_on), text!(l, source)];
            row.extend(zones.iter().map(|z| {
                r.values
                    .iter()
                    .find(|(zone, _)| zone == z)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            }));
            row.push(r.consumption.map(|c| c.to_string()).unwrap_or_default());
            row.push(
                r.charge
                    .map(|c| format.money(Kopecks(c)))
                    .unwrap_or_default(),
            );
            row
        })
        .collect();
    let file = format.write(&header, &rows)?;
    Ok(attachment(
        file,
        CSV,
        &format!("readings-{}-{}-{from}-{to}.csv", a.number, m.serial),
    ))
}

/// A reading checked and priced by the domain, with the previous reading it was compared to.
struct Priced {
    evaluation: Evaluation,
    previous: Option<ReadingRecord>,
    today: NaiveDate,
}

/// The field error of a value that breaks a rule.
fn value_error(index: usize, e: &ReadingError) -> FieldError {
    let (code, message) = match e {
        ReadingError::BelowPrevious { previous, .. } => (
            "below_previous",
            format!("Показание меньше предыдущего ({previous}). Если счётчик дошёл до максимума и начал отсчёт с нуля, отметьте «Счётчик перешёл через ноль»."),
        ),
        ReadingError::TooManyDigits { digits, .. } => ("too_many_digits", format!("У счётчика {digits} разрядов: показание не может быть больше {}.", "9".repeat(*digits as usize))),
        ReadingError::Negative { .. } => ("negative", "Показание не может быть отрицательным.".into()),
        ReadingError::ImplausibleRollover { .. } => ("implausible_rollover", "Переход через ноль невозможен при таком предыдущем показании. Проверьте значение.".into()),
    };
    FieldError {
        field: format!("values[{index}].value"),
        code: code.into(),
        message,
    }
}

/// The one place where the domain's refusal of a reading becomes an API error.
fn refusal_error(r: Refusal) -> ApiError {
    match r {
        Refusal::WindowClosed(closed) => ApiError::Unprocessable {
            code: ErrorCode::ReadingWindowClosed,
            detail: closed.message_ru(),
        },
        Refusal::Tariff(e) => ApiError::Internal(anyhow::anyhow!("tariff: {e}")),
        Refusal::Invalid(problems) => ApiError::Validation(
            problems
                .iter()
                .map(|p| match p {
                    SubmissionProblem::UnknownZone { index } => FieldError {
                        field: format!("values[{index}].zone"),
                        code: "unknown_zone".into(),
                        message: "У этого счётчика нет такой зоны.".into(),
                    },
                    SubmissionProblem::DuplicateZone { index } => FieldError {
                        field: format!("values[{index}].zone"),
                        code: "duplicate_zone".into(),
                        message: "Зона указана дважды.".into(),
                    },
                    SubmissionProblem::MissingZone { zone } => FieldError {
                        field: "values".into(),
                        code: "missing_zone".into(),
                        message: format!("Введите показание зоны «{}».", zone.label_ru()),
                    },
                    SubmissionProblem::Value { index, error } => value_error(*index, error),
                })
                .collect(),
        ),
    }
}

/// Checks and prices a reading of today: the domain's rules over the meter's recent readings
/// and the account's tariff.
async fn price_reading(
    state: &AppState,
    account: &AccountRecord,
    meter: &MeterRecord,
    req: &SubmitReadingRequest,
) -> ApiResult<Priced> {
    let today = state.config.today();
    // Readings of earlier days: the previous one and a few before it for plausibility.
    let history = state.store.readings_before(meter.id, today, 7).await?;
    let past: Vec<PastReading> = history
        .iter()
        .map(|r| PastReading {
            taken_on: r.taken_on,
            values: r.values.clone(),
        })
        .collect();
    let plan = state.store.tariff_of(account).await?;
    let submission = Submission {
        values: req.values.iter().map(|v| (v.zone, v.value)).collect(),
        rollover: req.rollover,
    };
    let facts = MeterFacts {
        scheme: meter.scheme,
        digits: meter.digits,
    };
    let evaluation = evaluate(
        &state.config.reading_window,
        facts,
        &past,
        &submission,
        &plan,
        today,
    )
    .map_err(refusal_error)?;
    Ok(Priced {
        evaluation,
        previous: history.into_iter().next(),
        today,
    })
}

/// The charge of a reading of `meter_id` and the account's amount due with it: the reading
/// replaces the meter's reading of the same day, other readings not invoiced yet add to it.
async fn charge_response(
    state: &AppState,
    account: &AccountRecord,
    meter_id: i64,
    p: Priced,
    reading: Option<ReadingRecord>,
) -> ApiResult<ReadingChargeResponse> {
    let e = &p.evaluation;
    let balance = Kopecks(account.balance);
    let basis = state.store.due_basis_of(account.id).await?;
    let mut charges = basis.charges_without(Some((meter_id, p.today)));
    let earlier = uninvoiced(&charges, basis.last_invoiced);
    charges.push(ReadingCharge {
        taken_on: p.today,
        charge: e.total(),
    });
    let lines = e
        .charge
        .lines
        .iter()
        .map(|l| {
            let z = e.zones.iter().find(|z| z.zone == l.zone);
            ChargeLineResponse {
                zone: l.zone,
                label: l.zone.label_ru().into(),
                previous: z.and_then(|z| z.previous),
                current: z.map(|z| z.current).unwrap_or_default(),
                kwh: l.kwh.normalize(),
                price: l.price,
                amount: l.amount.to_rubles(),
            }
        })
        .collect();
    Ok(ReadingChargeResponse {
        reading: reading.map(reading_response),
        previous: p.previous.map(reading_response),
        consumption: e.total_kwh,
        lines,
        charge: e.total().to_rubles(),
        balance: balance.to_rubles(),
        uninvoiced: earlier.to_rubles(),
        amount_due: account_due(balance, &charges, basis.last_invoiced).to_rubles(),
        warnings: e
            .warnings
            .iter()
            .map(|w| Warning {
                code: w.code.clone(),
                message: w.message.clone(),
            })
            .collect(),
    })
}

/// What a reading would cost, without storing it (the same checks as submitting).
#[utoipa::path(tag = "readings", security(("bearer" = [])), params(("account_number" = String, Path), ("meter_id" = i64, Path)), request_body = SubmitReadingRequest,
    responses((status = 200, description = "What the reading would cost", body = ReadingChargeResponse)))]
#[post("/accounts/{account_number}/meters/{meter_id}/readings/preview")]
pub async fn preview_reading(
    state: web::Data<AppState>,
    own: OwnMeter<Actor>,
    body: Json<SubmitReadingRequest>,
) -> ApiResult<web::Json<ReadingChargeResponse>> {
    let (a, m) = (own.account, own.meter);
    let p = price_reading(&state, &a, &m, &body).await?;
    Ok(web::Json(charge_response(&state, &a, m.id, p, None).await?))
}

/// Submit today's reading (F7.1, F7.3): stores it and answers with the consumption, the charge
/// at the tariff in force today and the amount due. A meter has one reading a day: a second
/// submission on the same day replaces the first (409 `reading_exists` when the company has
/// already recorded today's reading). Values the meter cannot show, below the previous reading,
/// or outside the monthly reading window (`reading_window_closed`) are 422. With an
/// `Idempotency-Key`, a retry of the same request answers the first result again
/// (`Idempotent-Replayed: true`); the key with another body is 422 `idempotency_key_reused`,
/// while the first request still runs 409 `idempotency_key_in_use`, a malformed key 400.
#[utoipa::path(tag = "readings", security(("bearer" = [])), params(("account_number" = String, Path), ("meter_id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]+$", description = "Makes retries safe: the same key and body answer the first result (1–255 visible ASCII characters, scoped to the user)")),
    request_body = SubmitReadingRequest,
    responses(
        (status = 201, description = "The stored reading and what it costs", body = ReadingChargeResponse),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
    ))]
#[post("/accounts/{account_number}/meters/{meter_id}/readings")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn submit_reading(
    state: web::Data<AppState>,
    own: OwnMeter<Actor>,
    req: HttpRequest,
    key: IdempotencyKey,
    body: Json<SubmitReadingRequest>,
) -> ApiResult<HttpResponse> {
    let OwnMeter {
        user,
        account: a,
        meter: m,
        ..
    } = own;
    let guard = match idempotency::begin(&state, user.id, key, &req, &*body).await? {
        Begin::Replay(answer) => return Ok(answer),
        Begin::Run(guard) => guard,
    };
    match store_reading(&state, Some(user.id), &a, &m, &body).await {
        Ok(answer) => guard.finish(&state, StatusCode::CREATED, &answer).await,
        Err(e) => {
            guard.abandon(&state).await;
            Err(e)
        }
    }
}

async fn store_reading(
    state: &AppState,
    submitted_by: Option<i64>,
    a: &AccountRecord,
    m: &MeterRecord,
    body: &SubmitReadingRequest,
) -> ApiResult<ReadingChargeResponse> {
    let p = price_reading(state, a, m, body).await?;
    let known = p.previous.is_some();
    let e = &p.evaluation;
    let stored = state
        .store
        .insert_reading(&NewReading {
            meter_id: m.id,
            account_id: a.id,
            taken_on: p.today,
            source: ReadingSource::Portal,
            submitted_by,
            values: e.values(),
            consumption: known.then_some(e.total_kwh),
            charge: known.then_some(e.total().0),
            now: Utc::now(),
        })
        .await
        .map_err(|e| match e {
            StoreError::Conflict(crate::db::Constraint::ReadingOfDay) => ApiError::Conflict {
                code: ErrorCode::ReadingExists,
                detail:
                    "Показание этого счётчика за сегодня уже получено от энергосбытовой компании."
                        .into(),
            },
            e => e.into(),
        })?;
    tracing::info!(reading_id = stored.id, meter_id = m.id, "reading submitted");
    state.metrics.reading_submitted();
    charge_response(state, a, m.id, p, Some(stored)).await
}

/// Pass a reading without an account (X9), by the account number and the meter's number.
///
/// The same rules as a signed-in reading (the reading window, the meter's digits, not below
/// the previous one; one reading a day, a second replaces the first — but never the reading
/// of a signed-in subscriber or of the company, 409 `reading_exists`) and the same errors; the
/// answer is only the day it counts for and the amount due with it. A wrong account number
/// and a wrong meter number are the same 422 `account_not_found`. Limited per address and,
/// for wrong meter numbers, per account number (429).
#[utoipa::path(tag = "guest",
    request_body = GuestReadingRequest,
    responses(
        (status = 201, description = "The reading is stored", body = GuestReadingResponse),
        (status = 409, response = Conflict),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
    ))]
#[post("/guest/readings")]
#[tracing::instrument(skip_all)]
pub async fn submit_guest_reading(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<GuestReadingRequest>,
) -> ApiResult<HttpResponse> {
    let GuestReadingRequest {
        account_number,
        meter_number,
        values,
    } = body.into_inner();
    let GuestMeter { account, meter } =
        GuestMeter::find(&state, &req, &account_number, &meter_number).await?;
    let reading = SubmitReadingRequest {
        values,
        rollover: false,
    };
    // Passed without an account, a reading never replaces the day's reading of a signed-in
    // subscriber (or the company's).
    let answer = store_reading(&state, None, &account, &meter, &reading)
        .await
        .map_err(|e| match e {
            ApiError::Conflict {
                code: ErrorCode::ReadingExists,
                ..
            } => ApiError::Conflict {
                code: ErrorCode::ReadingExists,
                detail: "Показание этого счётчика за сегодня уже передано.".into(),
            },
            e => e,
        })?;
    Ok(HttpResponse::Created().json(GuestReadingResponse {
        taken_on: answer
            .reading
            .map(|r| r.taken_on)
            .unwrap_or_else(|| state.config.today()),
        amount_due: answer.amount_due,
    }))
}
