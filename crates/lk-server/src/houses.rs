//! Houses and binding them to personal accounts (SPEC F3, F4, F5, F8.2).

use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate, Utc};
use lk_api_types::{
    AccountSummary, BindAccountRequest, ConsumptionComparison, CreateHouseRequest, ErrorCode,
    FieldError, HouseResponse, LastReading, NextSteps, PaymentNextStep, ReadingsNextStep,
    UpdateHouseRequest, ZoneValue,
};
use lk_domain::next_steps::{
    debt_covered, pay_turn, readings_turn, year_over_year, year_over_year_days, ReadingsTurn,
};
use lk_domain::{registry, text, ReadingWindow};

use crate::access::{CurrentUser, SessionToCheck};
use crate::client::client_ip;
use crate::db::houses::{AccountHistory, AccountOverview, HouseOverview};
use crate::db::StoreError;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::fields::{account_and_meter, no_such_pair};
use crate::responses::{Conflict, TooManyRequests};
use crate::state::AppState;
use crate::throttle::Rules;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_houses)
        .service(create_house)
        .service(get_house)
        .service(update_house)
        .service(delete_house)
        .service(bind_account)
        .service(unbind_account);
}

/// How far back the next steps look for invoices: first the recent ones, which cover almost
/// every debt, and for a debt they do not cover, further (a debt older than them all has no
/// known due day).
const RECENT_INVOICES_MONTHS: u32 = 3;
const INVOICES_MONTHS: u32 = 36;

/// An account's next steps as of `today` (the domain decides each of them).
fn next_steps(
    a: &AccountOverview,
    history: Option<&AccountHistory>,
    window: &ReadingWindow,
    today: NaiveDate,
) -> NextSteps {
    let empty = AccountHistory::default();
    let history = history.unwrap_or(&empty);
    let readings = match readings_turn(window, today) {
        ReadingsTurn::Open { until } => ReadingsNextStep {
            open: true,
            until,
            opens_on: None,
            closes_on: None,
        },
        ReadingsTurn::Closed { opens, closes } => ReadingsNextStep {
            open: false,
            until: None,
            opens_on: Some(opens),
            closes_on: Some(closes),
        },
    };
    let pay = pay_turn(
        a.due.amount_due(a.balance),
        a.balance,
        &history.invoices,
        &a.due.charges_without(None),
        a.due.last_invoiced,
        today,
    );
    let consumption = year_over_year(today, &history.consumption);
    NextSteps {
        readings,
        payment: PaymentNextStep {
            amount_due: pay.amount.to_rubles(),
            pay_by: pay.pay_by,
            overdue: pay.overdue,
        },
        consumption: ConsumptionComparison {
            month: consumption.month,
            kwh: consumption.kwh,
            last_year_kwh: consumption.last_year_kwh,
            change_percent: consumption.change_percent,
        },
    }
}

/// The main page's houses as the API shows them, as of `today`.
fn house_responses(
    houses: Vec<HouseOverview>,
    history: &BTreeMap<i64, AccountHistory>,
    window: &ReadingWindow,
    today: NaiveDate,
) -> Vec<HouseResponse> {
    houses
        .into_iter()
        .map(|h| HouseResponse {
            id: h.id,
            name: h.name,
            address: h.address,
            access: h.access,
            account: h.account.map(|a| AccountSummary {
                next_steps: next_steps(&a, history.get(&h.id), window, today),
                balance: a.balance.to_rubles(),
                amount_due: a.due.amount_due(a.balance).to_rubles(),
                number: a.number,
                last_readings: a
                    .last_readings
                    .into_iter()
                    .map(|l| LastReading {
                        meter_id: l.meter_id,
                        taken_on: l.taken_on,
                        values: l
                            .values
                            .into_iter()
                            .map(|(zone, value)| ZoneValue { zone, value })
                            .collect(),
                    })
                    .collect(),
            }),
        })
        .collect()
}

/// The user's houses, each with its account summary and next steps (as of today in the
/// company's time zone), read in the statement that checks the session: none when it ended.
async fn houses_of(
    state: &AppState,
    user_id: i64,
    session_id: &str,
) -> ApiResult<Vec<HouseResponse>> {
    let today = state.config.today();
    let month = today.with_day(1).unwrap_or(today);
    let since = |months| {
        month
            .checked_sub_months(Months::new(months))
            .unwrap_or(month)
    };
    let days = year_over_year_days(today);
    let (houses, mut history) = state
        .store
        .main_page(session_id, user_id, since(RECENT_INVOICES_MONTHS), days)
        .await?;
    let covered = houses.iter().all(|h| {
        h.account.as_ref().is_none_or(|a| {
            let invoices = history.get(&h.id).map(|x| &x.invoices[..]);
            debt_covered(a.balance, invoices.unwrap_or_default())
        })
    });
    if !covered {
        history = state
            .store
            .houses_history(user_id, since(INVOICES_MONTHS), days)
            .await?;
    }
    Ok(house_responses(
        houses,
        &history,
        &state.config.reading_window,
        today,
    ))
}

async fn one_house(
    state: &AppState,
    user: &CurrentUser,
    house_id: i64,
) -> ApiResult<HouseResponse> {
    houses_of(state, user.id, &user.session_id)
        .await?
        .into_iter()
        .find(|h| h.id == house_id)
        .ok_or(ApiError::NotFound)
}

/// Cleans and checks a house's name and address ([`lk_domain::text::clean_line`]).
fn house_fields(
    name: Option<&str>,
    address: Option<&str>,
) -> ApiResult<(Option<String>, Option<String>)> {
    let mut errors = Vec::new();
    let mut check = |field: &str, value: Option<&str>, max: usize, what: &str| -> Option<String> {
        match text::clean_line(value?, max) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                errors.push(FieldError {
                    field: field.into(),
                    code: "required".into(),
                    message: format!("Укажите {what}."),
                });
                None
            }
            Err(e) => {
                errors.push(ApiError::text_field(field, e));
                None
            }
        }
    };
    let name = check("name", name, registry::HOUSE_NAME_MAX, "название дома");
    let address = check("address", address, registry::HOUSE_ADDRESS_MAX, "адрес");
    if errors.is_empty() {
        Ok((name, address))
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The user's houses with their account summaries (F3, F5.1): number, balance and the latest
/// reading per zone and the amount due, and the next steps (issue 12): whether readings are
/// accepted today and until when (or from when), what to pay by which day (`overdue` once it
/// has passed), and the consumption of this month (the previous one until this month has a
/// reading) against the same month last year — in one statement with the session check, whatever
/// the number of houses (a second only for a debt older than the last three invoices).
#[utoipa::path(tag = "houses", security(("bearer" = [])),
    responses((status = 200, description = "The user's houses, oldest first", body = Vec<HouseResponse>)))]
#[get("/houses")]
#[tracing::instrument(skip_all, fields(user_id = session.user_id()))]
pub async fn list_houses(
    state: web::Data<AppState>,
    session: SessionToCheck,
) -> ApiResult<web::Json<Vec<HouseResponse>>> {
    let houses = houses_of(&state, session.user_id(), session.session_id()).await?;
    if houses.is_empty() {
        // No houses, or an ended session: only this rare case costs a second statement.
        session.check(&state).await?;
    }
    Ok(web::Json(houses))
}

/// Add a house (F3.2).
#[utoipa::path(tag = "houses", security(("bearer" = [])), request_body = CreateHouseRequest,
    responses((status = 201, description = "The new house (no account yet)", body = HouseResponse)))]
#[post("/houses")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_house(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<CreateHouseRequest>,
) -> ApiResult<HttpResponse> {
    let (name, address) = house_fields(Some(&body.name), Some(&body.address))?;
    let house = state
        .store
        .create_house(
            user.id,
            &name.unwrap_or_default(),
            &address.unwrap_or_default(),
            Utc::now(),
        )
        .await?;
    tracing::info!(house_id = house.id, "house added");
    // A new house has no account yet.
    Ok(HttpResponse::Created().json(HouseResponse {
        id: house.id,
        name: house.name,
        address: house.address,
        account: None,
        access: lk_domain::HouseAccess::Owner,
    }))
}

/// One house of the user.
#[utoipa::path(tag = "houses", security(("bearer" = [])), params(("house_id" = i64, Path)),
    responses((status = 200, description = "The house", body = HouseResponse)))]
#[get("/houses/{house_id}")]
pub async fn get_house(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> ApiResult<web::Json<HouseResponse>> {
    Ok(web::Json(
        one_house(&state, &user, path.into_inner()).await?,
    ))
}

/// Rename a house or change its address (F8.2).
#[utoipa::path(tag = "houses", security(("bearer" = [])), params(("house_id" = i64, Path)), request_body = UpdateHouseRequest,
    responses((status = 200, description = "The changed house", body = HouseResponse)))]
#[patch("/houses/{house_id}")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn update_house(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    body: Json<UpdateHouseRequest>,
) -> ApiResult<web::Json<HouseResponse>> {
    let house_id = path.into_inner();
    let current = state
        .store
        .house(user.id, house_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (name, address) = house_fields(body.name.as_deref(), body.address.as_deref())?;
    state
        .store
        .update_house(
            user.id,
            house_id,
            &name.unwrap_or(current.name),
            &address.unwrap_or(current.address),
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(one_house(&state, &user, house_id).await?))
}

/// Delete a house from the personal account (F8.2). Its account binding goes with it.
#[utoipa::path(tag = "houses", security(("bearer" = [])), params(("house_id" = i64, Path)),
    responses((status = 204, description = "Deleted")))]
#[delete("/houses/{house_id}")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn delete_house(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    if state.store.delete_house(user.id, path.into_inner()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Bind a personal account to a house by account and meter number (F4.1).
///
/// The pair is checked against the company's registry. A wrong account number and a wrong
/// meter number get the same answer, and failed attempts are limited per user and per IP
/// address, so the endpoint cannot be used to discover accounts. No such pair in the registry is
/// 422 `account_not_found`; an account already bound to another house of the user is 409
/// `account_already_added`.
#[utoipa::path(tag = "houses", security(("bearer" = [])), params(("house_id" = i64, Path)), request_body = BindAccountRequest,
    responses(
        (status = 200, description = "The house with its account", body = HouseResponse),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
    ))]
#[put("/houses/{house_id}/account")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn bind_account(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<i64>,
    body: Json<BindAccountRequest>,
) -> ApiResult<web::Json<HouseResponse>> {
    let house_id = path.into_inner();
    state
        .store
        .house(user.id, house_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = Utc::now();
    let Rules {
        bind_user: per_user,
        bind_ip: per_ip,
        ..
    } = Rules::of(&state.config.throttle);
    let (user_key, ip_key) = (user.id.to_string(), client_ip(&req));
    let (store, metrics) = (state.store.as_ref(), &state.metrics);

    let (number, serial) = account_and_meter(&body.account_number, &body.meter_number)?;
    // Counted before the registry is asked, given back on success: parallel guesses cannot
    // pass the limit.
    let user_attempt = per_user.attempt(store, metrics, &user_key, now).await?;
    let ip_attempt = per_ip.attempt(store, metrics, &ip_key, now).await?;
    let Some(account_id) = state
        .store
        .account_by_pair(number.as_str(), serial.as_str())
        .await?
    else {
        tracing::info!("binding refused: no such pair");
        return Err(no_such_pair());
    };
    user_attempt.give_back(store).await?;
    ip_attempt.give_back(store).await?;
    match state
        .store
        .bind_account(user.id, house_id, account_id)
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => return Err(ApiError::NotFound),
        Err(StoreError::Conflict(crate::db::Constraint::HouseAccount)) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::AccountAlreadyAdded,
                detail: "Этот лицевой счёт уже добавлен к другому вашему дому.".into(),
            })
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(house_id, account_id, "account bound");
    Ok(web::Json(one_house(&state, &user, house_id).await?))
}

/// Remove the personal account from a house (F8.2).
#[utoipa::path(tag = "houses", security(("bearer" = [])), params(("house_id" = i64, Path)),
    responses((status = 200, description = "The house, now without an account", body = HouseResponse)))]
#[delete("/houses/{house_id}/account")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn unbind_account(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> ApiResult<web::Json<HouseResponse>> {
    let house_id = path.into_inner();
    state
        .store
        .unbind_account(user.id, house_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(one_house(&state, &user, house_id).await?))
}
