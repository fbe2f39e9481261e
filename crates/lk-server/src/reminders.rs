//! The reminder job (X4): e-mail reminders of the reading window, new invoices (with the filled
//! receipt attached for paperless accounts), credited payments and debts, to the users who
//! switched them on. What is due is [`lk_domain::reminders::due`]; each due message is claimed
//! under its once-only key in the same transaction that queues it in the outbox
//! ([`crate::db::ReminderStore::claim_reminder`]), so any number of nodes may run the job, and
//! a node may stop at any point, without a message going twice. Delivery, retries and backoff
//! are the outbox's.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use lk_domain::reminders::{
    due, AccountFacts, Due, InvoiceFact, PaymentFact, Subscriptions, FRESH_DAYS,
};
use lk_domain::Kopecks;

use crate::db::reminders::{ReminderTarget, SentKey, SubscriptionRecord};
use crate::mail::templates::{self, InvoiceNotice};
use crate::security::unsubscribe::Subject;
use crate::state::AppState;
use lk_domain::reminders::ReminderKind;

/// The path of the one-click unsubscribe endpoint (RFC 8058), under the public URL.
pub const UNSUBSCRIBE_PATH: &str = "/api/v1/unsubscribe";
/// The SPA's page that a mail's text links to: what the link switches off, and a button.
pub const UNSUBSCRIBE_PAGE: &str = "/unsubscribe";

/// Each user's reminders as the domain rule takes them (paperless accounts apart).
fn by_user(records: Vec<SubscriptionRecord>) -> HashMap<i64, Subscriptions> {
    let mut out: HashMap<i64, Subscriptions> = HashMap::new();
    for r in records {
        let s = out.entry(r.user_id).or_default();
        match r.kind {
            ReminderKind::WindowOpens => s.window_opens = true,
            ReminderKind::WindowCloses => s.window_closes = true,
            ReminderKind::Invoice => s.invoice_since = Some(r.since_on),
            ReminderKind::Payment => s.payment_since = Some(r.created_at),
            ReminderKind::Debt => s.debt_above = r.threshold,
        }
    }
    out
}

/// Decides and queues the reminders due on `today` (the company's date: tests pass any day);
/// answers how many messages this run queued. Only `user_id`'s accounts when given.
pub async fn run_once(
    state: &AppState,
    today: NaiveDate,
    user_id: Option<i64>,
) -> anyhow::Result<usize> {
    let store = state.store.as_ref();
    let (subscriptions, paperless) = match user_id {
        None => (
            store.all_subscriptions().await?,
            store.all_paperless().await?,
        ),
        Some(id) => (store.subscriptions(id).await?, store.paperless(id).await?),
    };
    let subscriptions = by_user(subscriptions);
    let paperless: HashMap<(i64, i64), NaiveDate> = paperless
        .into_iter()
        .filter_map(|p| Some(((p.user_id, p.account_id), p.since_on?)))
        .collect();
    let fresh_from = today
        .checked_sub_days(Days::new(FRESH_DAYS))
        .unwrap_or(today);
    let mut invoices: HashMap<(i64, i64), Vec<InvoiceFact>> = HashMap::new();
    for (user, account, invoice) in store.unsent_invoices(fresh_from, user_id).await? {
        invoices.entry((user, account)).or_default().push(invoice);
    }
    let mut payments: HashMap<(i64, i64), Vec<PaymentFact>> = HashMap::new();
    for (user, account, payment) in store.unsent_payments(fresh_from, user_id).await? {
        payments.entry((user, account)).or_default().push(payment);
    }
    let mut queued = 0;
    for target in store.reminder_targets(user_id).await? {
        let pair = (target.user_id, target.account_id);
        let mut subs = subscriptions
            .get(&target.user_id)
            .cloned()
            .unwrap_or_default();
        subs.paperless_since = paperless.get(&pair).copied();
        let facts = AccountFacts {
            last_reading_on: target.last_reading_on,
            balance: Kopecks(target.balance),
            invoices: invoices.remove(&pair).unwrap_or_default(),
            payments: payments.remove(&pair).unwrap_or_default(),
        };
        for d in due(today, &state.config.reading_window, &subs, &facts) {
            match send(state, &target, &subs, d).await {
                Ok(true) => queued += 1,
                Ok(false) => {}
                // One message that cannot be made (a receipt that would not render) does not
                // hold up the others; it is tried again on the next run.
                Err(e) => {
                    tracing::warn!(user_id = target.user_id, account_id = target.account_id, kind = d.kind(), error = %format!("{e:#}"), "reminder not queued")
                }
            }
        }
    }
    if queued > 0 {
        tracing::info!(queued, "reminders queued");
    }
    Ok(queued)
}

/// Makes the message of `d` and claims it; `false` when it was claimed before.
async fn send(
    state: &AppState,
    t: &ReminderTarget,
    subs: &Subscriptions,
    d: Due,
) -> anyhow::Result<bool> {
    let (c, l, to, account) = (
        state.config.as_ref(),
        t.language,
        t.email.as_str(),
        t.account_number.as_str(),
    );
    // One token for the mail's `List-Unsubscribe` (the API's one-click `POST`) and for the
    // page its text links to (`/unsubscribe#token=…`, which asks the same API).
    let subject = match d.reminder_kind() {
        Some(kind) => Subject::Reminder(kind),
        None => Subject::Paperless(t.account_id),
    };
    let token = state.unsubscribe_keys.token(t.user_id, subject);
    let page = c.spa_link(&format!("{UNSUBSCRIBE_PAGE}#token={token}"));
    let u = page.as_str();
    let mut attachment = None;
    let mail = match d {
        Due::WindowOpens { closes, .. } => templates::window_opens(c, l, to, account, closes, u),
        Due::WindowCloses { closes } => templates::window_closes(c, l, to, account, closes, u),
        Due::Invoice {
            invoice_id,
            with_receipt,
        } => {
            let Some((invoice, _)) = state.store.invoice(t.account_id, invoice_id).await? else {
                return Ok(false);
            };
            if with_receipt {
                attachment = crate::receipt_pdf::invoice_receipt(
                    state,
                    t.user_id,
                    t.account_id,
                    &invoice,
                    l,
                )
                .await
                .map_err(|e| anyhow::anyhow!("receipt: {e}"))?;
            }
            let notice = InvoiceNotice {
                period: invoice.period,
                amount: Kopecks(invoice.amount),
                due_on: invoice.due_on,
            };
            templates::invoice(c, l, to, account, &notice, with_receipt, u)
        }
        Due::Payment { amount, .. } => templates::payment_credited(c, l, to, account, amount, u),
        Due::Debt { debt, .. } => {
            let threshold = subs.debt_above.unwrap_or_default();
            templates::debt(c, l, to, account, debt, threshold, u)
        }
    };
    let url = format!(
        "{}{UNSUBSCRIBE_PATH}?token={token}",
        c.public_url.trim_end_matches('/'),
    );
    let period = d.key();
    let key = SentKey {
        user_id: t.user_id,
        account_id: t.account_id,
        kind: d.kind(),
        period: &period,
    };
    let mail = state.mail.prepare(mail, Some(url), attachment);
    match state.store.claim_reminder(&key, &mail).await? {
        Some(id) => {
            state.mail.queued(id);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The background job of this node: a run every `every` (the first after one period, so a
/// node starting does not race the others' runs at once; the claims make races harmless
/// anyway).
pub async fn run_job(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = run_once(&state, state.config.today(), None).await {
            tracing::warn!(error = %format!("{e:#}"), "reminder job could not reach the database");
        }
    }
}
