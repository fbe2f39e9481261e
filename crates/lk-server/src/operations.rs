//! The operations history of an account: invoices, readings and payments merged, for a period,
//! with type filters and stable keyset pagination (F9.1–F9.3).

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use lk_api_types::{OperationItem, OperationsResponse, ZoneValue};
use lk_domain::statement::{opening_balance, statement, Statement};
use lk_domain::{Kopecks, Language, OperationKind, PaymentSource};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::access::OwnAccount;
use crate::db::accounts::AccountRecord;
use crate::db::operations::{Operation, OperationCursor, OperationDetail};
use crate::error::{ApiError, ApiResult};
use crate::export::{
    attachment, too_many_rows, zone_label, CsvFile, ExportQuery, PdfFile, CSV, MAX_ROWS,
};
use crate::extract::Query;
use crate::fields::{period, PeriodQuery};
use crate::i18n::{request_language, text};
use crate::present::reading_source_key;
use crate::responses::Unprocessable;
use crate::state::AppState;
use crate::statement_pdf::Described;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_operations)
        .service(export_operations)
        .service(statement_pdf);
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OperationsQuery {
    /// First day (inclusive); a year ago by default.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive); today by default.
    pub to: Option<NaiveDate>,
    /// Comma-separated kinds: `invoice`, `reading`, `payment` (all by default).
    #[param(
        pattern = "^\\s*$|^\\s*(invoice|reading|payment)\\s*(,\\s*(invoice|reading|payment)\\s*)*$"
    )]
    pub types: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–200 (50 by default).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// «Счёт за октябрь 2026», «Оплата через банк», «Показания (личный кабинет)», in `l`.
fn describe(detail: OperationDetail, l: Language) -> String {
    let key = match detail {
        OperationDetail::Period(p) => {
            return text!(l, "operation.invoice_for", month = month_year(p, l));
        }
        OperationDetail::Payment(source) => match source {
            PaymentSource::Online => "operation.payment_online",
            PaymentSource::Bank => "operation.payment_bank",
            PaymentSource::CashDesk => "operation.payment_cash",
            PaymentSource::Post => "operation.payment_post",
            PaymentSource::Terminal => "operation.payment_terminal",
            PaymentSource::Other => "operation.payment",
        },
        OperationDetail::Reading(source) => reading_source_key(source),
    };
    text!(l, key)
}

/// «октябрь 2026», «October 2026».
fn month_year(d: NaiveDate, l: Language) -> String {
    match l {
        Language::Ru => lk_domain::calendar::month_year(d),
        Language::En => d.format("%B %Y").to_string(),
    }
}

fn parse_cursor(raw: &str) -> Option<OperationCursor> {
    let mut parts = raw.splitn(3, '~');
    let on_date = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
    let kind = OperationKind::parse(parts.next()?)?;
    let id = parts.next()?.parse().ok()?;
    Some(OperationCursor { on_date, kind, id })
}

/// Operations of an account for a period, newest first (F9.1–F9.3). Pages are stable: a page
/// continues exactly after the last row of the previous one, even when new rows arrive.
#[utoipa::path(tag = "operations", security(("bearer" = [])), params(("account_number" = String, Path), OperationsQuery),
    responses(
        (status = 200, description = "A page of operations, newest first", body = OperationsResponse),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/operations")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn list_operations(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: OwnAccount,
    q: Query<OperationsQuery>,
) -> ApiResult<web::Json<OperationsResponse>> {
    let a = own.account;
    // The descriptions in the language the page is shown in.
    let language = request_language(&req);
    let (from, to) = period(&state, q.from, q.to)?;
    let kinds: Vec<OperationKind> =
        match q.types.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => OperationKind::ALL.to_vec(),
            Some(t) => {
                let asked = t
                    .split(',')
                    .map(|k| OperationKind::parse(k.trim()))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        ApiError::field(
                            "types",
                            "unknown_type",
                            "Неизвестный тип операции. Допустимы: invoice, reading, payment.",
                        )
                    })?;
                OperationKind::ALL
                    .iter()
                    .copied()
                    .filter(|k| asked.contains(k))
                    .collect()
            }
        };
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            "Размер страницы — от 1 до 200.",
        ));
    }
    let cursor = match q.cursor.as_deref() {
        Some(c) => Some(parse_cursor(c).ok_or_else(|| {
            ApiError::field("cursor", "invalid_cursor", "Неверный курсор страницы.")
        })?),
        None => None,
    };
    // One row more than asked tells whether there is a next page.
    let mut rows = state
        .store
        .operations(a.id, from, to, &kinds, cursor.as_ref(), limit + 1)
        .await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last()
            .map(|o| format!("{}~{}~{}", o.row.on_date, o.row.kind, o.row.id))
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(
            |Operation {
                 row: r,
                 detail,
                 values,
             }| OperationItem {
                description: describe(detail, language),
                amount: r.amount.map(|k| Kopecks(k).to_rubles()),
                consumption: r.consumption,
                kind: r.kind,
                id: r.id,
                date: r.on_date,
                values: values
                    .into_iter()
                    .map(|(zone, value)| ZoneValue { zone, value })
                    .collect(),
                meter_id: r.meter_id,
                made_by: r.by_email.as_deref().map(|email| {
                    lk_domain::family::display_name(
                        r.by_first_name.as_deref(),
                        r.by_last_name.as_deref(),
                        email,
                    )
                }),
            },
        )
        .collect();
    Ok(web::Json(OperationsResponse { items, next_cursor }))
}

/// «Т1 12345, Т2 678»: a reading's values, zone by zone.
fn values_text(values: &[(lk_domain::Zone, i64)], l: Language) -> String {
    values
        .iter()
        .map(|(z, v)| format!("{} {v}", zone_label(*z, l)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement of an account for a period (lk_domain::statement): the opening balance from
/// the balance now less what was paid and invoiced since the first day, then every operation.
async fn statement_of(
    state: &AppState,
    a: &AccountRecord,
    (from, to): (NaiveDate, NaiveDate),
    l: Language,
) -> ApiResult<Statement<Described>> {
    let mut rows = state
        .store
        .operations(
            a.id,
            from,
            to,
            OperationKind::ALL,
            None,
            MAX_ROWS as i64 + 1,
        )
        .await?;
    if rows.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    let (paid, invoiced) = state.store.money_since(a.id, from).await?;
    let opening = opening_balance(Kopecks(a.balance), Kopecks(paid), Kopecks(invoiced));
    // Oldest first, so that operations of one day and kind stay in the order they happened.
    rows.reverse();
    Ok(statement(
        opening,
        rows.into_iter()
            .map(
                |Operation {
                     row,
                     detail,
                     values,
                 }| {
                    let op = lk_domain::statement::Operation {
                        date: row.on_date,
                        kind: row.kind,
                        amount: row.amount.map(Kopecks),
                    };
                    let line = Described {
                        description: describe(detail, l),
                        values: values_text(&values, l),
                        consumption: row.consumption,
                    };
                    (op, line)
                },
            )
            .collect(),
    ))
}

/// The statement of a period as an A4 PDF (X5), in the language of the request: the account,
/// its holder and address, the balance before the period, every operation with the balance
/// after it, the totals paid and invoiced, and the balance at its end.
#[utoipa::path(tag = "operations", security(("bearer" = [])), params(("account_number" = String, Path), PeriodQuery),
    responses(
        (status = 200, description = "The statement, A4 PDF", content_type = "application/pdf", body = PdfFile),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/operations/statement.pdf")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn statement_pdf(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: OwnAccount,
    q: Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let a = own.account;
    let l = request_language(&req);
    let (from, to) = period(&state, q.from, q.to)?;
    let s = statement_of(&state, &a, (from, to), l).await?;
    let filename = format!("statement-{}-{from}-{to}.pdf", a.number);
    let company = state.config.payee.name.clone();
    let today = state.config.today();
    let file = web::block(move || {
        let heading = crate::statement_pdf::Heading {
            company: &company,
            number: &a.number,
            holder: &a.holder_name,
            address: &a.address,
            from,
            to,
            today,
        };
        crate::statement_pdf::render(&heading, &s, l)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("statement rendering: {e}")))?
    .map_err(ApiError::Internal)?;
    Ok(attachment(file, "application/pdf", &filename))
}

/// The operations of a period as a statement (X5), in the language of the request: the
/// balance before its first day, every operation oldest first with its amount (`+` a payment,
/// `−` an invoice) and the balance after it, and the balance at its end — the opening balance
/// plus the amounts is the closing one. A negative balance is a debt.
#[utoipa::path(tag = "operations", security(("bearer" = [])), params(("account_number" = String, Path), ExportQuery),
    responses(
        (status = 200, description = "The statement as CSV", content_type = "text/csv", body = CsvFile),
        (status = 422, response = Unprocessable),
    ))]
#[get("/accounts/{account_number}/operations/export")]
#[tracing::instrument(skip_all, fields(user_id = own.user.id))]
pub async fn export_operations(
    req: HttpRequest,
    state: web::Data<AppState>,
    own: OwnAccount,
    q: Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let a = own.account;
    let l = request_language(&req);
    let (from, to) = period(&state, q.from, q.to)?;
    let format = q.format.unwrap_or_default();
    let s = statement_of(&state, &a, (from, to), l).await?;
    let header: Vec<String> = [
        "export.date",
        "export.operation",
        "export.amount",
        "export.balance",
        "export.kwh",
        "export.values",
    ]
    .iter()
    .map(|k| text!(l, k))
    .collect();
    let balance_row = |day, label: &str, balance| {
        vec![
            format.date(day),
            text!(l, label),
            String::new(),
            format.money(balance),
            String::new(),
            String::new(),
        ]
    };
    let mut lines = vec![balance_row(from, "export.opening", s.opening)];
    for (op, balance, line) in &s.lines {
        let money = op.kind != OperationKind::Reading;
        lines.push(vec![
            format.date(op.date),
            line.description.clone(),
            if money {
                format.money(op.effect())
            } else {
                String::new()
            },
            format.money(*balance),
            line.consumption.map(|c| c.to_string()).unwrap_or_default(),
            line.values.clone(),
        ]);
    }
    lines.push(balance_row(to, "export.closing", s.closing));
    let file = format.write(&header, &lines)?;
    Ok(attachment(
        file,
        CSV,
        &format!("operations-{}-{from}-{to}.csv", a.number),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = parse_cursor("2026-10-01~payment~42").expect("cursor");
        assert_eq!(c.kind, OperationKind::Payment);
        assert_eq!(c.id, 42);
        assert!(parse_cursor("2026-10-01~drop table~1").is_none());
        assert!(parse_cursor("yesterday~invoice~1").is_none());
    }

    #[test]
    fn invoices_are_described_by_their_month() {
        assert_eq!(
            describe(
                OperationDetail::Period(
                    chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date")
                ),
                Language::Ru
            ),
            "Счёт за октябрь 2026"
        );
        assert_eq!(
            describe(OperationDetail::Payment(PaymentSource::Bank), Language::Ru),
            "Оплата через банк"
        );
        assert_eq!(
            describe(
                OperationDetail::Period(
                    chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date")
                ),
                Language::En
            ),
            "Bill for October 2026"
        );
        assert_eq!(
            describe(
                OperationDetail::Reading(lk_domain::ReadingSource::Portal),
                Language::En
            ),
            "Readings (customer account)"
        );
    }
}
