//! E-mail reminders and the paperless receipt (X4): which messages are due for one user's
//! account on a given day. The store claims each due message under its [`Due::key`] exactly
//! once; here is only the rule.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use crate::reading::ReadingWindow;
use crate::Kopecks;

crate::wire_enum! {
    /// What a subscriber can be reminded of by e-mail; each is switched on separately (all
    /// off until the subscriber opts in).
    pub enum ReminderKind {
        /// The reading window opened (its first day) and no reading came this month.
        WindowOpens = "window_opens",
        /// The reading window closes in two days and no reading came this month.
        WindowCloses = "window_closes",
        /// A new invoice was issued.
        Invoice = "invoice",
        /// A payment was credited.
        Payment = "payment",
        /// The debt is above the subscriber's threshold.
        Debt = "debt",
    }
}

/// Days before the window's last day when "it closes soon" is sent (the 23rd of a 15–25 window).
pub const CLOSING_SOON_DAYS: u64 = 2;
/// Invoices and payments older than this are news no more: a batch of last year's invoices
/// loaded by the billing system is not mailed.
pub const FRESH_DAYS: u64 = 31;

/// What one user asked for, with when each began: only what happened since is news.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriptions {
    pub window_opens: bool,
    pub window_closes: bool,
    /// The day the invoice reminder was switched on.
    pub invoice_since: Option<NaiveDate>,
    /// When the payment reminder was switched on.
    pub payment_since: Option<DateTime<Utc>>,
    /// The debt threshold, when the debt reminder is on.
    pub debt_above: Option<Kopecks>,
    /// The day this account was switched to the paperless receipt.
    pub paperless_since: Option<NaiveDate>,
}

/// An invoice of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceFact {
    pub id: i64,
    pub issued_on: NaiveDate,
}

/// A payment credited to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentFact {
    pub id: i64,
    pub amount: Kopecks,
    pub paid_on: NaiveDate,
    /// When the portal learned of it.
    pub recorded_at: DateTime<Utc>,
}

/// What is known of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountFacts {
    /// The day of the latest reading of any of its meters.
    pub last_reading_on: Option<NaiveDate>,
    /// Payments minus charges: negative is a debt.
    pub balance: Kopecks,
    /// Recent invoices (any order).
    pub invoices: Vec<InvoiceFact>,
    /// Recent payments (any order).
    pub payments: Vec<PaymentFact>,
}

/// A message due for the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    WindowOpens {
        opens: NaiveDate,
        closes: NaiveDate,
    },
    WindowCloses {
        closes: NaiveDate,
    },
    /// The invoice, with the filled receipt attached when the account is paperless (then the
    /// receipt is the invoice's one message, whether or not the invoice reminder is on).
    Invoice {
        invoice_id: i64,
        with_receipt: bool,
    },
    Payment {
        payment_id: i64,
        amount: Kopecks,
    },
    Debt {
        debt: Kopecks,
        month: NaiveDate,
    },
}

impl Due {
    /// The kind of the message as the sent log keeps it (the paperless receipt is the invoice's
    /// message, so one invoice is mailed once whichever way).
    pub fn kind(&self) -> &'static str {
        match self {
            Due::WindowOpens { .. } => ReminderKind::WindowOpens.as_str(),
            Due::WindowCloses { .. } => ReminderKind::WindowCloses.as_str(),
            Due::Invoice { .. } => ReminderKind::Invoice.as_str(),
            Due::Payment { .. } => ReminderKind::Payment.as_str(),
            Due::Debt { .. } => ReminderKind::Debt.as_str(),
        }
    }

    /// What makes the message once-only within its kind: the month (`2026-11`) of a window or
    /// debt reminder, the invoice's or payment's id.
    pub fn key(&self) -> String {
        match self {
            Due::WindowOpens { opens: d, .. } | Due::WindowCloses { closes: d } => month_key(*d),
            Due::Debt { month, .. } => month_key(*month),
            Due::Invoice { invoice_id, .. } => invoice_id.to_string(),
            Due::Payment { payment_id, .. } => payment_id.to_string(),
        }
    }

    /// The kind the subscriber switches off to stop such messages (`None`: the paperless
    /// receipt, switched off per account).
    pub fn reminder_kind(&self) -> Option<ReminderKind> {
        match self {
            Due::WindowOpens { .. } => Some(ReminderKind::WindowOpens),
            Due::WindowCloses { .. } => Some(ReminderKind::WindowCloses),
            Due::Invoice {
                with_receipt: true, ..
            } => None,
            Due::Invoice { .. } => Some(ReminderKind::Invoice),
            Due::Payment { .. } => Some(ReminderKind::Payment),
            Due::Debt { .. } => Some(ReminderKind::Debt),
        }
    }
}

fn month_key(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

/// The window of `today`'s month: its first and last day (clamped to the month's length), or
/// `None` when readings are accepted any day.
fn window_of(window: &ReadingWindow, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    if !window.enabled || window.first_day > window.last_day || window.first_day == 0 {
        return None;
    }
    let day = |d: u32| {
        (1..=d.min(31))
            .rev()
            .find_map(|d| NaiveDate::from_ymd_opt(today.year(), today.month(), d))
    };
    Some((day(window.first_day)?, day(window.last_day)?))
}

/// The messages due on `today` (the company's date) for one account of one user: those the
/// user asked for whose moment has come. Whether one was sent already is the store's business
/// (each is claimed under its [`Due::key`]); a job that missed a day still sends a window
/// reminder later in its range, never one of a range that ended.
pub fn due(
    today: NaiveDate,
    window: &ReadingWindow,
    subs: &Subscriptions,
    facts: &AccountFacts,
) -> Vec<Due> {
    let mut out = Vec::new();
    let month = today.with_day(1).unwrap_or(today);
    let read_this_month = facts.last_reading_on.is_some_and(|d| d >= month);
    if let Some((opens, closes)) = window_of(window, today) {
        let soon = closes
            .checked_sub_days(Days::new(CLOSING_SOON_DAYS))
            .unwrap_or(closes)
            .max(opens);
        if !read_this_month {
            if subs.window_opens && opens <= today && today < soon {
                out.push(Due::WindowOpens { opens, closes });
            }
            if subs.window_closes && soon <= today && today <= closes {
                out.push(Due::WindowCloses { closes });
            }
        }
    }
    let fresh_from = today
        .checked_sub_days(Days::new(FRESH_DAYS))
        .unwrap_or(today);
    let mut invoices = facts.invoices.clone();
    invoices.sort_by_key(|i| (i.issued_on, i.id));
    for i in invoices.iter().filter(|i| i.issued_on >= fresh_from) {
        let since = |s: Option<NaiveDate>| s.is_some_and(|s| i.issued_on >= s);
        if since(subs.paperless_since) {
            out.push(Due::Invoice {
                invoice_id: i.id,
                with_receipt: true,
            });
        } else if since(subs.invoice_since) {
            out.push(Due::Invoice {
                invoice_id: i.id,
                with_receipt: false,
            });
        }
    }
    if let Some(since) = subs.payment_since {
        let mut payments = facts.payments.clone();
        payments.sort_by_key(|p| (p.recorded_at, p.id));
        for p in payments
            .iter()
            .filter(|p| p.paid_on >= fresh_from && p.recorded_at >= since)
        {
            out.push(Due::Payment {
                payment_id: p.id,
                amount: p.amount,
            });
        }
    }
    if let Some(threshold) = subs.debt_above {
        let debt = -facts.balance.0;
        if debt > threshold.0 {
            out.push(Due::Debt {
                debt: Kopecks(debt),
                month,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn window_only() -> Subscriptions {
        Subscriptions {
            window_opens: true,
            window_closes: true,
            ..Subscriptions::default()
        }
    }

    fn at(m: u32, day: u32) -> DateTime<Utc> {
        d(m, day).and_hms_opt(9, 0, 0).expect("time").and_utc()
    }

    #[test]
    fn the_window_opening_is_due_from_its_first_day_to_two_days_before_its_end() {
        let w = ReadingWindow::default();
        let none = AccountFacts::default();
        assert_eq!(due(d(11, 14), &w, &window_only(), &none), []);
        let opening = [Due::WindowOpens {
            opens: d(11, 15),
            closes: d(11, 25),
        }];
        assert_eq!(due(d(11, 15), &w, &window_only(), &none), opening);
        assert_eq!(due(d(11, 22), &w, &window_only(), &none), opening);
        assert_eq!(opening[0].key(), "2026-11");
        assert_eq!(opening[0].kind(), "window_opens");
    }

    #[test]
    fn closing_soon_is_due_on_the_23rd_of_a_15_to_25_window_until_it_closes() {
        let w = ReadingWindow::default();
        let none = AccountFacts::default();
        let closing = [Due::WindowCloses { closes: d(11, 25) }];
        assert_eq!(due(d(11, 23), &w, &window_only(), &none), closing);
        assert_eq!(due(d(11, 25), &w, &window_only(), &none), closing);
        assert_eq!(due(d(11, 26), &w, &window_only(), &none), []);
    }

    #[test]
    fn a_reading_this_month_silences_both_window_reminders_one_of_last_month_does_not() {
        let w = ReadingWindow::default();
        let read = AccountFacts {
            last_reading_on: Some(d(11, 3)),
            ..AccountFacts::default()
        };
        assert_eq!(due(d(11, 15), &w, &window_only(), &read), []);
        assert_eq!(due(d(11, 23), &w, &window_only(), &read), []);
        let last_month = AccountFacts {
            last_reading_on: Some(d(10, 20)),
            ..AccountFacts::default()
        };
        assert_eq!(due(d(11, 23), &w, &window_only(), &last_month).len(), 1);
    }

    #[test]
    fn nothing_is_due_to_a_user_who_asked_for_nothing() {
        let facts = AccountFacts {
            balance: Kopecks(-1_000_000),
            invoices: vec![InvoiceFact {
                id: 1,
                issued_on: d(11, 1),
            }],
            payments: vec![PaymentFact {
                id: 2,
                amount: Kopecks(100),
                paid_on: d(11, 2),
                recorded_at: at(11, 2),
            }],
            ..AccountFacts::default()
        };
        for day in 1..=30 {
            assert_eq!(
                due(
                    d(11, day),
                    &ReadingWindow::default(),
                    &Subscriptions::default(),
                    &facts
                ),
                []
            );
        }
    }

    #[test]
    fn without_a_window_there_is_no_window_reminder() {
        let w = ReadingWindow {
            enabled: false,
            ..ReadingWindow::default()
        };
        assert_eq!(
            due(d(11, 15), &w, &window_only(), &AccountFacts::default()),
            []
        );
    }

    #[test]
    fn a_short_window_still_gets_its_closing_reminder_from_its_first_day() {
        let w = ReadingWindow {
            enabled: true,
            first_day: 20,
            last_day: 21,
        };
        assert_eq!(
            due(d(11, 20), &w, &window_only(), &AccountFacts::default()),
            [Due::WindowCloses { closes: d(11, 21) }]
        );
        // A window ending on the 31st ends on the 28th in February.
        let w = ReadingWindow {
            enabled: true,
            first_day: 25,
            last_day: 31,
        };
        assert_eq!(
            due(d(2, 26), &w, &window_only(), &AccountFacts::default()),
            [Due::WindowCloses { closes: d(2, 28) }]
        );
    }

    #[test]
    fn invoices_since_the_switch_are_due_the_paperless_one_with_its_receipt() {
        let facts = AccountFacts {
            invoices: vec![
                InvoiceFact {
                    id: 7,
                    issued_on: d(11, 2),
                },
                InvoiceFact {
                    id: 5,
                    issued_on: d(10, 10),
                },
                InvoiceFact {
                    id: 3,
                    issued_on: d(8, 1),
                },
            ],
            ..AccountFacts::default()
        };
        let subs = Subscriptions {
            invoice_since: Some(d(6, 1)),
            paperless_since: Some(d(11, 1)),
            ..Subscriptions::default()
        };
        // August's is too old to be news; October's came before the paperless switch.
        assert_eq!(
            due(d(11, 5), &ReadingWindow::default(), &subs, &facts),
            [
                Due::Invoice {
                    invoice_id: 5,
                    with_receipt: false
                },
                Due::Invoice {
                    invoice_id: 7,
                    with_receipt: true
                },
            ]
        );
        let paperless_only = Subscriptions {
            paperless_since: Some(d(11, 1)),
            ..Subscriptions::default()
        };
        let got = due(d(11, 5), &ReadingWindow::default(), &paperless_only, &facts);
        assert_eq!(
            got,
            [Due::Invoice {
                invoice_id: 7,
                with_receipt: true
            }]
        );
        assert_eq!((got[0].kind(), got[0].key()), ("invoice", "7".to_owned()));
        assert_eq!(got[0].reminder_kind(), None);
    }

    #[test]
    fn payments_recorded_after_the_switch_are_due_once_each() {
        let facts = AccountFacts {
            payments: vec![
                PaymentFact {
                    id: 1,
                    amount: Kopecks(50_000),
                    paid_on: d(11, 1),
                    recorded_at: at(11, 1),
                },
                PaymentFact {
                    id: 2,
                    amount: Kopecks(70_000),
                    paid_on: d(11, 3),
                    recorded_at: at(11, 3),
                },
            ],
            ..AccountFacts::default()
        };
        let subs = Subscriptions {
            payment_since: Some(at(11, 2)),
            ..Subscriptions::default()
        };
        let got = due(d(11, 4), &ReadingWindow::default(), &subs, &facts);
        assert_eq!(
            got,
            [Due::Payment {
                payment_id: 2,
                amount: Kopecks(70_000)
            }]
        );
        assert_eq!(got[0].key(), "2");
    }

    #[test]
    fn a_debt_above_the_threshold_is_due_once_a_month_one_at_it_is_not() {
        let subs = Subscriptions {
            debt_above: Some(Kopecks(100_000)),
            ..Subscriptions::default()
        };
        let owing = |k| AccountFacts {
            balance: Kopecks(k),
            ..AccountFacts::default()
        };
        let w = ReadingWindow::default();
        assert_eq!(due(d(11, 4), &w, &subs, &owing(-100_000)), []);
        assert_eq!(due(d(11, 4), &w, &subs, &owing(50_000)), []);
        let got = due(d(11, 4), &w, &subs, &owing(-100_001));
        assert_eq!(
            got,
            [Due::Debt {
                debt: Kopecks(100_001),
                month: d(11, 1)
            }]
        );
        assert_eq!(got[0].key(), "2026-11");
    }

    #[test]
    fn kinds_have_stable_names() {
        for k in ReminderKind::ALL {
            assert_eq!(ReminderKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(ReminderKind::parse("paperless"), None);
    }
}
