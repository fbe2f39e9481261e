//! The month close (`lk billing close --period YYYY-MM`, SPEC B6): every account not yet
//! invoiced for the period gets its invoice from its readings, the average or the norm
//! ([`lk_domain::billing`]), in chunks, each chunk's invoices and balances written in one
//! transaction. One run per period at a time across nodes (a claimed row with a heartbeat);
//! a run that died is taken over after [`STALE_SECS`]; accounts already invoiced are left as
//! they are, so running it again changes nothing.

use std::fmt;

use chrono::{NaiveDate, Utc};
use lk_domain::billing::{close_month, due_on, whole_kwh, AccountMonth, InvoiceBasis};
use lk_domain::integration::InvoiceLine;
use lk_domain::{Kopecks, TariffPlan};
use serde::{Deserialize, Serialize};

use crate::db::billing::{CloseClaim, ClosedInvoice};
use crate::db::Store;
use crate::progress::Progress;

/// Accounts per chunk (one transaction each).
pub const CHUNK: i64 = 2000;
/// A run whose heartbeat is older than this is taken to have died.
pub const STALE_SECS: i64 = 120;

/// What a close did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseSummary {
    pub period: String,
    pub accounts: u64,
    pub invoiced: u64,
    pub by_reading: u64,
    pub by_average: u64,
    pub by_norm: u64,
    pub already_invoiced: u64,
    pub skipped: u64,
    /// Kopecks invoiced.
    pub total: i64,
}

impl fmt::Display for CloseSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "period {}", self.period)?;
        writeln!(f, "accounts          {}", self.accounts)?;
        writeln!(f, "invoiced          {}", self.invoiced)?;
        writeln!(f, "  by reading      {}", self.by_reading)?;
        writeln!(f, "  by average      {}", self.by_average)?;
        writeln!(f, "  by norm         {}", self.by_norm)?;
        writeln!(f, "already invoiced  {}", self.already_invoiced)?;
        writeln!(f, "skipped           {}", self.skipped)?;
        write!(f, "total             {} ₽", Kopecks(self.total).to_rubles())
    }
}

/// How a close ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseOutcome {
    /// This run closed the period.
    Closed(CloseSummary),
    /// Closed before; its summary.
    AlreadyClosed(CloseSummary),
}

/// Closes `period` (any day of the month): see the module documentation. `today` is the
/// company's date (invoices are issued on it); a month that has not begun is refused.
pub async fn close_period(
    store: &dyn Store,
    period: NaiveDate,
    today: NaiveDate,
    norm_per_resident: i64,
    progress: &mut dyn Progress,
) -> anyhow::Result<CloseOutcome> {
    let period = lk_domain::integration::parse_period(&period.format("%Y-%m").to_string())
        .ok_or_else(|| anyhow::anyhow!("no such period"))?;
    anyhow::ensure!(
        period <= today,
        "the period {} has not begun yet",
        period.format("%Y-%m")
    );
    let now = Utc::now();
    let stale = now - chrono::Duration::seconds(STALE_SECS);
    match store.claim_close(period, now, stale).await? {
        CloseClaim::Claimed => {}
        CloseClaim::Finished(summary) => {
            return Ok(CloseOutcome::AlreadyClosed(
                serde_json::from_str(&summary).unwrap_or_default(),
            ))
        }
        CloseClaim::Running(since) => anyhow::bail!(
            "the close of {} is running on another node (last heard of at {since}); try again later",
            period.format("%Y-%m")
        ),
    }
    let plans: Vec<(i64, TariffPlan)> = store.tariff_plans().await?;
    let issued_on = today;
    let due = due_on(period, issued_on);
    let mut summary = CloseSummary {
        period: period.format("%Y-%m").to_string(),
        ..CloseSummary::default()
    };
    progress.start(u64::try_from(store.count_accounts().await?).unwrap_or(0));
    let mut after = 0;
    let mut done = 0;
    loop {
        let chunk = store.close_chunk(period, after, CHUNK).await?;
        let Some(last) = chunk.last_id else {
            break;
        };
        summary.already_invoiced += chunk.already_invoiced;
        let mut invoices = Vec::with_capacity(chunk.accounts.len());
        for account in &chunk.accounts {
            let Some((_, plan)) = plans.iter().find(|(id, _)| *id == account.plan_id) else {
                tracing::warn!(account_id = account.id, "no tariff plan: not invoiced");
                summary.skipped += 1;
                continue;
            };
            let month = AccountMonth {
                period,
                plan,
                meters: &account.meters,
                estimated: &account.estimated,
                norm_kwh: account
                    .norm_kwh
                    .unwrap_or(norm_per_resident * account.residents),
            };
            match close_month(&month) {
                Ok(inv) => invoices.push(ClosedInvoice {
                    account_id: account.id,
                    basis: inv.basis,
                    amount: inv.charge.total.0,
                    lines: inv
                        .charge
                        .lines
                        .iter()
                        .map(|l| InvoiceLine {
                            zone: l.zone,
                            band_from_kwh: l.band_from_kwh,
                            kwh: whole_kwh(l.kwh),
                            price: l.price,
                            amount: l.amount,
                        })
                        .collect(),
                }),
                Err(e) => {
                    tracing::warn!(account_id = account.id, error = %e, "not invoiced");
                    summary.skipped += 1;
                }
            }
        }
        let written = store
            .write_close_invoices(period, issued_on, due, &invoices)
            .await?;
        let written: std::collections::HashSet<i64> = written.into_iter().collect();
        for inv in invoices.iter().filter(|i| written.contains(&i.account_id)) {
            summary.invoiced += 1;
            summary.total += inv.amount;
            match inv.basis {
                InvoiceBasis::Reading => summary.by_reading += 1,
                InvoiceBasis::Average => summary.by_average += 1,
                InvoiceBasis::Norm => summary.by_norm += 1,
                InvoiceBasis::Billing => {}
            }
        }
        // Invoiced meanwhile by someone else (the billing system): theirs stands.
        summary.already_invoiced += (invoices.len() - written.len()) as u64;
        done += chunk.accounts.len() as u64 + chunk.already_invoiced;
        summary.accounts = done;
        progress.advance(done, &format!("{} invoiced", summary.invoiced));
        store.heartbeat_close(period, Utc::now()).await?;
        after = last;
    }
    progress.finish();
    store
        .finish_close(period, Utc::now(), &serde_json::to_string(&summary)?)
        .await?;
    tracing::info!(
        period = %summary.period,
        invoiced = summary.invoiced,
        total = summary.total,
        "month closed"
    );
    Ok(CloseOutcome::Closed(summary))
}
