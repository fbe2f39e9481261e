//! A personal account as its subscriber sees it: general information, contract, branch,
//! tariffs (F11) and invoice details (F9.4). Every path resolves the
//! account through the user's own houses; anything else is 404.

use actix_web::{get, web};
use chrono::{Datelike, NaiveDate};
use lk_api_types::{
    AccountResponse, BranchInfo, ContractInfo, InvoiceLineResponse, InvoiceResponse, TariffInfo,
    TariffsResponse, ZonePrice,
};
use lk_domain::{Kopecks, Rate};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::OwnAccount;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::responses::Unprocessable;
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_account)
        .service(list_tariffs)
        .service(get_invoice);
}

fn zone_price(r: &Rate) -> ZonePrice {
    ZonePrice {
        zone: r.zone,
        label: r.zone.label_ru().into(),
        hours: r.zone.hours().into(),
        band_from_kwh: r.band_from_kwh,
        price: r.price,
        valid_from: r.valid_from,
    }
}

/// General information of an account: holder, address, balance, contract, branch and the
/// tariff in force today (F11.1, F11.3, F11.5).
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(("account_number" = String, Path)),
    responses((status = 200, description = "The account", body = AccountResponse)))]
#[get("/accounts/{account_number}")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn get_account(
    state: web::Data<AppState>,
    own: OwnAccount,
) -> ApiResult<web::Json<AccountResponse>> {
    let a = own.account;
    let plan = state.store.tariff_of(&a).await?;
    let today = state.config.today();
    let balance = Kopecks(a.balance);
    let due = state.store.due_basis_of(a.id).await?.amount_due(balance);
    Ok(web::Json(AccountResponse {
        number: a.number,
        holder_name: a.holder_name,
        address: a.address,
        residents: a.residents,
        balance: balance.to_rubles(),
        amount_due: due.to_rubles(),
        contract: ContractInfo {
            number: a.contract_number,
            date: a.contract_date,
        },
        branch: BranchInfo {
            name: a.branch_name,
            address: a.branch_address,
            phone: a.branch_phone,
            email: a.branch_email,
            hours: a.branch_hours,
        },
        tariff: TariffInfo {
            code: a.plan_code,
            name: a.plan_name,
            zone_scheme: plan.scheme,
            prices: plan.rates_on(today).into_iter().map(zone_price).collect(),
        },
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TariffsQuery {
    /// Calendar year; the current year by default.
    #[param(minimum = 1990, maximum = 2200)]
    pub year: Option<i32>,
}

/// The account's tariff history for a year (F11.4): every price in force at some time of the
/// year, newest first, and which earlier years have prices.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(("account_number" = String, Path), TariffsQuery),
    responses(
        (status = 200, description = "The tariff history of the year", body = TariffsResponse),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/tariffs")]
pub async fn list_tariffs(
    state: web::Data<AppState>,
    own: OwnAccount,
    q: Query<TariffsQuery>,
) -> ApiResult<web::Json<TariffsResponse>> {
    let a = own.account;
    let year = q.year.unwrap_or_else(|| state.config.today().year());
    if !(1990..=2200).contains(&year) {
        return Err(ApiError::field(
            "year",
            "out_of_range",
            "Год вне допустимого диапазона.",
        ));
    }
    let plan = state.store.tariff_of(&a).await?;
    let (start, end) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    );
    // In force during the year: those starting in it, and the ones in force on 1 January.
    let mut prices: Vec<ZonePrice> = plan
        .rates
        .iter()
        .filter(|r| r.valid_from >= start && r.valid_from <= end)
        .map(zone_price)
        .collect();
    for r in plan.rates_on(start) {
        if r.valid_from < start {
            prices.push(zone_price(r));
        }
    }
    prices.sort_by(|x, y| {
        y.valid_from
            .cmp(&x.valid_from)
            .then(x.zone.cmp(&y.zone))
            .then(x.band_from_kwh.cmp(&y.band_from_kwh))
    });
    let mut earlier_years: Vec<i32> = plan
        .rates
        .iter()
        .map(|r| r.valid_from.year())
        .filter(|y| *y < year)
        .collect();
    earlier_years.sort_unstable_by(|a, b| b.cmp(a));
    earlier_years.dedup();
    Ok(web::Json(TariffsResponse {
        code: a.plan_code,
        name: a.plan_name,
        zone_scheme: plan.scheme,
        year,
        prices,
        earlier_years,
    }))
}

/// Invoice details (F9.4): the period, consumption and amount per zone.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(("account_number" = String, Path), ("invoice_id" = i64, Path)),
    responses((status = 200, description = "The invoice", body = InvoiceResponse)))]
#[get("/accounts/{account_number}/invoices/{invoice_id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    own: OwnAccount,
    path: web::Path<(String, i64)>,
) -> ApiResult<web::Json<InvoiceResponse>> {
    let (_, invoice_id) = path.into_inner();
    let a = own.account;
    let (inv, mut lines) = state
        .store
        .invoice(a.id, invoice_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    lines.sort_by_key(|l| (l.zone, l.band_from_kwh));
    Ok(web::Json(InvoiceResponse {
        id: inv.id,
        period: inv.period,
        issued_on: inv.issued_on,
        due_on: inv.due_on,
        amount: Kopecks(inv.amount).to_rubles(),
        consumption: lines.iter().map(|l| l.kwh).sum(),
        basis: inv.basis,
        lines: lines
            .into_iter()
            .map(|l| InvoiceLineResponse {
                label: if l.band_from_kwh > 0 {
                    format!("{} (свыше {} кВт·ч)", l.zone.label_ru(), l.band_from_kwh)
                } else {
                    l.zone.label_ru().into()
                },
                zone: l.zone,
                kwh: l.kwh,
                price: l.price(),
                amount: Kopecks(l.amount).to_rubles(),
            })
            .collect(),
    }))
}
