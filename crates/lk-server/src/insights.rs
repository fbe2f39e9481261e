//! Consumption insights (SPEC X3): an account's last 24 months by zone, in kWh and rubles,
//! against the same month a year before, with a sentence about the newest month. The domain
//! computes the figures ([`lk_domain::insights`]); this answers them.

use actix_web::{get, web, HttpRequest};
use chrono::Datelike;
use lk_api_types::{AccountInsights, InsightMonth, ZoneKwh};
use lk_domain::insights::{insights, since, Comparison, MonthFigures};
use lk_domain::Language;

use crate::access::OwnAccount;
use crate::error::ApiResult;
use crate::i18n::{request_language, text};
use crate::state::AppState;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(account_insights);
}

/// «В ноябре на 12 % больше, чем год назад: 280 кВт·ч против 250.» in `l`.
pub fn summary(m: &MonthFigures, l: Language) -> Option<String> {
    let kwh = m.kwh?;
    let key = format!("insights.in_month.m{}", m.month.month());
    let month = text!(l, &key);
    let then = m.last_year_kwh.unwrap_or(0);
    let sentence = match m.comparison() {
        Comparison::More(p) => {
            text!(
                l,
                "insights.more",
                month = month,
                percent = p,
                kwh = kwh,
                then = then
            )
        }
        Comparison::Less(p) => {
            text!(
                l,
                "insights.less",
                month = month,
                percent = p,
                kwh = kwh,
                then = then
            )
        }
        Comparison::Same => text!(l, "insights.same", month = month, kwh = kwh),
        Comparison::Unknown => text!(l, "insights.unknown", month = month, kwh = kwh),
    };
    let mut chars = sentence.chars();
    Some(chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    }))
}

fn month_response(m: MonthFigures) -> InsightMonth {
    InsightMonth {
        month: m.month,
        source: m.source,
        zones: m
            .zones
            .into_iter()
            .map(|(zone, kwh)| ZoneKwh { zone, kwh })
            .collect(),
        kwh: m.kwh,
        amount: m.charge.map(|k| k.to_rubles()),
        kwh_per_day: m.per_day,
        last_year_kwh: m.last_year_kwh,
        change_percent: m.change_percent,
    }
}

/// The account's consumption month by month for the last 24 months (the current month last,
/// "today" in the company's time zone): by zone, in kWh and rubles, kWh per day, and the same
/// month a year before with the change in per cent. A month's figures are its invoice's, or,
/// before it is invoiced, those of the readings taken in it (across a register's rollover,
/// priced at that month's rates); a month with neither has none. `summary` says in the
/// request's language how the newest month with figures compares with a year before.
#[utoipa::path(tag = "accounts", security(("bearer" = [])), params(("account_number" = String, Path)),
    responses((status = 200, description = "The account's consumption insights", body = AccountInsights)))]
#[get("/accounts/{account_number}/insights")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn account_insights(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: OwnAccount,
) -> ApiResult<web::Json<AccountInsights>> {
    let a = own.account;
    let today = state.config.today();
    let plan = state.store.tariff_of(&a).await?;
    let (meters, invoices) = state.store.insight_facts(a.id, since(today)).await?;
    let found = insights(today, &plan, &meters, &invoices);
    let latest = found.latest.map(|i| &found.months[i]);
    let l = request_language(&req);
    Ok(web::Json(AccountInsights {
        latest_month: latest.map(|m| m.month),
        summary: latest.and_then(|m| summary(m, l)),
        months: found.months.into_iter().map(month_response).collect(),
    }))
}
