//! What the subscriber is to do next about an account, for the main page's house card
//! (issue 12): whether readings are accepted today and until when, or from when; what to pay
//! and by which day; and how the latest month's consumption compares with the same month a
//! year before. Every rule takes "today" from the caller — the server's day in the company's
//! time zone.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::billing::due_on;
use crate::due::ReadingCharge;
use crate::money::Kopecks;
use crate::reading::ReadingWindow;

/// When readings can be sent, as of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingsTurn {
    /// Accepted today, up to `until` inclusive (`None`: on any day, there is no window).
    Open { until: Option<NaiveDate> },
    /// Not accepted today; the next window opens on `opens` and closes on `closes`.
    Closed { opens: NaiveDate, closes: NaiveDate },
}

/// The `day` of a month, or the month's last day when it is shorter (as the window counts).
fn day_of_month(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    (1..=day.clamp(1, 31))
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
}

/// Whether readings are accepted on `today` by `window` and until when, or from when.
pub fn readings_turn(window: &ReadingWindow, today: NaiveDate) -> ReadingsTurn {
    match window.check(today) {
        Err(closed) => ReadingsTurn::Closed {
            opens: closed.opens,
            closes: closed.closes,
        },
        // A window switched off (or set up backwards) accepts readings on any day.
        Ok(()) if !window.enabled || window.first_day > window.last_day => {
            ReadingsTurn::Open { until: None }
        }
        Ok(()) => ReadingsTurn::Open {
            until: day_of_month(today.year(), today.month(), window.last_day),
        },
    }
}

/// An invoice of the account as far as paying it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceDue {
    /// Any day of the billed month.
    pub period: NaiveDate,
    pub amount: Kopecks,
    pub due_on: NaiveDate,
}

/// What to pay and by which day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayTurn {
    pub amount: Kopecks,
    /// The day the amount is due by; `None` when nothing is due, or when the debt is older
    /// than every invoice known (then no due day can be named).
    pub pay_by: Option<NaiveDate>,
    /// `pay_by` has passed.
    pub overdue: bool,
}

/// By which day `amount_due` (see [`crate::due::account_due`]) is to be paid.
///
/// A debt (a negative `balance`) is made of the newest invoices that payments have not covered
/// (payments settle the oldest invoice first), so counting back from the newest invoice until
/// the debt is covered finds the oldest unpaid one: its due day is the day to pay by. A debt
/// larger than all `invoices` given is older than them: the oldest one's day is named. Without
/// a debt, what is due comes from readings not invoiced yet (`readings` taken after
/// `last_invoiced`'s month): it is due when the invoice of the first such reading's month
/// will be ([`due_on`], the 10th of the next month).
pub fn pay_turn(
    amount_due: Kopecks,
    balance: Kopecks,
    invoices: &[InvoiceDue],
    readings: &[ReadingCharge],
    last_invoiced: Option<NaiveDate>,
    today: NaiveDate,
) -> PayTurn {
    let pay_by = if amount_due.0 <= 0 {
        None
    } else if balance.is_negative() {
        let debt = balance.abs();
        let mut newest_first: Vec<&InvoiceDue> = invoices.iter().collect();
        newest_first.sort_by_key(|i| std::cmp::Reverse(i.period));
        let mut covered = Kopecks::ZERO;
        let mut oldest_unpaid = None;
        for invoice in newest_first {
            oldest_unpaid = Some(invoice.due_on);
            covered += invoice.amount.max(Kopecks::ZERO);
            if covered >= debt {
                break;
            }
        }
        oldest_unpaid
    } else {
        let first_open_day = last_invoiced
            .and_then(|p| p.with_day(1))
            .and_then(|p| p.checked_add_months(Months::new(1)));
        readings
            .iter()
            .filter(|r| r.charge.0 > 0 && first_open_day.is_none_or(|d| r.taken_on >= d))
            .map(|r| r.taken_on)
            .min()
            .and_then(|d| d.with_day(1))
            .map(|month| due_on(month, month))
    };
    PayTurn {
        amount: amount_due.max(Kopecks::ZERO),
        pay_by,
        overdue: pay_by.is_some_and(|d| d < today),
    }
}

/// Whether `invoices` — an account's newest ones, any order — are enough for [`pay_turn`] to
/// name the day a debt of `balance` is due by: they cover it, so the count back from the
/// newest stops among them and older invoices cannot change the answer. Without a debt no
/// invoice is needed at all. Lets the main page read a few recent invoices and only go further
/// back for the rare debt older than them.
pub fn debt_covered(balance: Kopecks, invoices: &[InvoiceDue]) -> bool {
    if !balance.is_negative() {
        return true;
    }
    let mut covered = Kopecks::ZERO;
    for invoice in invoices {
        covered += invoice.amount.max(Kopecks::ZERO);
    }
    covered >= balance.abs()
}

/// A month's consumption against the same month a year before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearOverYear {
    /// The first day of the month compared.
    pub month: NaiveDate,
    /// kWh of readings taken in that month; `None` when there is none.
    pub kwh: Option<i64>,
    /// kWh of readings taken in the same month a year before; `None` when there is none.
    pub last_year_kwh: Option<i64>,
    /// The change against last year, per cent, one decimal (half away from zero); only when
    /// both are known and last year's is above zero.
    pub change_percent: Option<Decimal>,
}

fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The days whose readings [`year_over_year`] can look at on `today`, as two half-open ranges
/// `[from, until)`: the previous month and this one, and the same two months a year before.
/// Readings outside them never change its answer, so the store need not read them.
pub fn year_over_year_days(today: NaiveDate) -> [(NaiveDate, NaiveDate); 2] {
    let this_month = month_of(today);
    let shift = |d: NaiveDate, back: u32| d.checked_sub_months(Months::new(back)).unwrap_or(d);
    let next_month = this_month
        .checked_add_months(Months::new(1))
        .unwrap_or(this_month);
    [
        (shift(this_month, 1), next_month),
        (shift(this_month, 13), shift(next_month, 12)),
    ]
}

/// This month's consumption against the same month last year. Readings are usually taken
/// once a month, late in it: until this month has one, the previous month is compared (so the
/// card does not say "no data" for most of every month). `readings` are (day taken, kWh since
/// the previous reading) of all the account's meters; a month's consumption is the sum of
/// its readings'.
pub fn year_over_year(today: NaiveDate, readings: &[(NaiveDate, i64)]) -> YearOverYear {
    let in_month = |month: NaiveDate| -> Option<i64> {
        let mut found = false;
        let sum = readings
            .iter()
            .filter(|(on, _)| month_of(*on) == month)
            .inspect(|_| found = true)
            .map(|(_, kwh)| *kwh)
            .sum();
        found.then_some(sum)
    };
    let this_month = month_of(today);
    let previous = this_month
        .checked_sub_months(Months::new(1))
        .unwrap_or(this_month);
    let (month, kwh) = match in_month(this_month) {
        Some(k) => (this_month, Some(k)),
        None => match in_month(previous) {
            Some(k) => (previous, Some(k)),
            None => (this_month, None),
        },
    };
    let last_year_kwh = month.checked_sub_months(Months::new(12)).and_then(in_month);
    let change_percent = match (kwh, last_year_kwh) {
        (Some(now), Some(then)) if then > 0 => Some(
            (Decimal::from(now - then) * Decimal::from(100) / Decimal::from(then))
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero),
        ),
        _ => None,
    };
    YearOverYear {
        month,
        kwh,
        last_year_kwh,
        change_percent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn window(first_day: u32, last_day: u32) -> ReadingWindow {
        ReadingWindow {
            enabled: true,
            first_day,
            last_day,
        }
    }

    #[test]
    fn readings_are_accepted_until_the_windows_last_day_or_from_the_next_window() {
        let w = window(15, 25);
        assert_eq!(
            readings_turn(&w, d(2026, 11, 15)),
            ReadingsTurn::Open {
                until: Some(d(2026, 11, 25))
            }
        );
        assert_eq!(
            readings_turn(&w, d(2026, 11, 25)),
            ReadingsTurn::Open {
                until: Some(d(2026, 11, 25))
            }
        );
        assert_eq!(
            readings_turn(&w, d(2026, 11, 3)),
            ReadingsTurn::Closed {
                opens: d(2026, 11, 15),
                closes: d(2026, 11, 25)
            }
        );
        assert_eq!(
            readings_turn(&w, d(2026, 12, 26)),
            ReadingsTurn::Closed {
                opens: d(2027, 1, 15),
                closes: d(2027, 1, 25)
            },
            "after the window: next month's, across the year"
        );
    }

    #[test]
    fn a_window_to_the_31st_ends_on_the_months_last_day_and_no_window_means_any_day() {
        assert_eq!(
            readings_turn(&window(20, 31), d(2027, 2, 21)),
            ReadingsTurn::Open {
                until: Some(d(2027, 2, 28))
            }
        );
        let off = ReadingWindow {
            enabled: false,
            ..window(15, 25)
        };
        assert_eq!(
            readings_turn(&off, d(2026, 11, 3)),
            ReadingsTurn::Open { until: None }
        );
    }

    fn invoice(y: i32, m: u32, amount: i64) -> InvoiceDue {
        let period = d(y, m, 1);
        InvoiceDue {
            period,
            amount: Kopecks(amount),
            due_on: due_on(period, period),
        }
    }

    #[test]
    fn a_debt_is_due_by_the_day_of_its_oldest_unpaid_invoice() {
        // September, October and November billed 1 000 ₽ each; 1 500 ₽ unpaid: the rest of
        // October and all of November. October's was due on 10.11.
        let invoices = [
            invoice(2026, 9, 100_000),
            invoice(2026, 11, 100_000),
            invoice(2026, 10, 100_000),
        ];
        let turn = pay_turn(
            Kopecks(150_000),
            Kopecks(-150_000),
            &invoices,
            &[],
            Some(d(2026, 11, 1)),
            d(2026, 12, 3),
        );
        assert_eq!(
            turn,
            PayTurn {
                amount: Kopecks(150_000),
                pay_by: Some(d(2026, 11, 10)),
                overdue: true
            }
        );
        // Only November unpaid: due on 10.12, not overdue on the 3rd nor on the 10th.
        let turn = pay_turn(
            Kopecks(100_000),
            Kopecks(-100_000),
            &invoices,
            &[],
            Some(d(2026, 11, 1)),
            d(2026, 12, 10),
        );
        assert_eq!(turn.pay_by, Some(d(2026, 12, 10)));
        assert!(!turn.overdue);
    }

    #[test]
    fn a_debt_older_than_every_invoice_names_the_oldest_ones_day_or_none() {
        let invoices = [invoice(2026, 10, 100_000), invoice(2026, 11, 100_000)];
        let turn = pay_turn(
            Kopecks(900_000),
            Kopecks(-900_000),
            &invoices,
            &[],
            None,
            d(2026, 12, 3),
        );
        assert_eq!(turn.pay_by, Some(d(2026, 11, 10)));
        let turn = pay_turn(Kopecks(500), Kopecks(-500), &[], &[], None, d(2026, 12, 3));
        assert_eq!(turn.pay_by, None);
        assert!(!turn.overdue);
    }

    #[test]
    fn without_a_debt_a_new_readings_charge_is_due_with_its_months_invoice() {
        let readings = [
            ReadingCharge {
                taken_on: d(2026, 10, 20),
                charge: Kopecks(90_000),
            },
            ReadingCharge {
                taken_on: d(2026, 11, 20),
                charge: Kopecks(120_000),
            },
        ];
        // October is invoiced; November's reading exceeds the 200 ₽ prepaid.
        let turn = pay_turn(
            Kopecks(100_000),
            Kopecks(20_000),
            &[invoice(2026, 10, 90_000)],
            &readings,
            Some(d(2026, 10, 1)),
            d(2026, 11, 21),
        );
        assert_eq!(
            turn,
            PayTurn {
                amount: Kopecks(100_000),
                pay_by: Some(d(2026, 12, 10)),
                overdue: false
            }
        );
    }

    #[test]
    fn nothing_due_means_no_day() {
        let turn = pay_turn(
            Kopecks::ZERO,
            Kopecks(50_000),
            &[invoice(2026, 10, 90_000)],
            &[],
            Some(d(2026, 10, 1)),
            d(2026, 11, 21),
        );
        assert_eq!(
            turn,
            PayTurn {
                amount: Kopecks::ZERO,
                pay_by: None,
                overdue: false
            }
        );
    }

    #[test]
    fn this_months_consumption_is_compared_with_the_same_month_last_year() {
        let readings = [
            (d(2025, 11, 20), 200),
            (d(2026, 10, 20), 190),
            (d(2026, 11, 5), 40),
            (d(2026, 11, 20), 210),
        ];
        let y = year_over_year(d(2026, 11, 25), &readings);
        assert_eq!(
            y,
            YearOverYear {
                month: d(2026, 11, 1),
                kwh: Some(250),
                last_year_kwh: Some(200),
                change_percent: Some(dec!(25.0)),
            }
        );
        // Less than last year: a negative change, rounded to one decimal.
        let y = year_over_year(
            d(2026, 11, 25),
            &[(d(2025, 11, 20), 300), (d(2026, 11, 20), 200)],
        );
        assert_eq!(y.change_percent, Some(dec!(-33.3)));
    }

    #[test]
    fn before_this_months_reading_last_month_is_compared() {
        let readings = [(d(2025, 10, 20), 180), (d(2026, 10, 20), 190)];
        let y = year_over_year(d(2026, 11, 3), &readings);
        assert_eq!(y.month, d(2026, 10, 1));
        assert_eq!((y.kwh, y.last_year_kwh), (Some(190), Some(180)));
        assert_eq!(y.change_percent, Some(dec!(5.6)));
        // January looks back to December of the year before.
        let y = year_over_year(d(2027, 1, 3), &[(d(2026, 12, 20), 300)]);
        assert_eq!(y.month, d(2026, 12, 1));
    }

    #[test]
    fn missing_data_is_said_rather_than_guessed() {
        // No reading a year ago: no change.
        let y = year_over_year(d(2026, 11, 25), &[(d(2026, 11, 20), 210)]);
        assert_eq!(
            (y.kwh, y.last_year_kwh, y.change_percent),
            (Some(210), None, None)
        );
        // Nothing at all: this month, unknown.
        let y = year_over_year(d(2026, 11, 25), &[]);
        assert_eq!(
            y,
            YearOverYear {
                month: d(2026, 11, 1),
                kwh: None,
                last_year_kwh: None,
                change_percent: None,
            }
        );
        // Zero a year ago: known, but no percentage of zero.
        let y = year_over_year(
            d(2026, 11, 25),
            &[(d(2025, 11, 20), 0), (d(2026, 11, 20), 10)],
        );
        assert_eq!((y.last_year_kwh, y.change_percent), (Some(0), None));
    }

    #[test]
    fn a_debt_the_newest_invoices_cover_needs_no_older_one() {
        let recent = [invoice(2026, 11, 100_000), invoice(2026, 10, 100_000)];
        let older = [
            recent[0],
            recent[1],
            invoice(2026, 9, 100_000),
            invoice(2026, 8, 100_000),
        ];
        for balance in [-1, -100_000, -150_000, -200_000] {
            assert!(debt_covered(Kopecks(balance), &recent), "{balance}");
            let turn = |invoices: &[InvoiceDue]| {
                pay_turn(
                    Kopecks(-balance),
                    Kopecks(balance),
                    invoices,
                    &[],
                    Some(d(2026, 11, 1)),
                    d(2026, 12, 3),
                )
            };
            // Covered: the answer is the one all invoices give.
            assert_eq!(turn(&recent), turn(&older), "{balance}");
        }
        // Older than the recent ones (or none read): go further back.
        assert!(!debt_covered(Kopecks(-200_001), &recent));
        assert!(!debt_covered(Kopecks(-1), &[]));
        // Credits do not cover anything; no debt needs no invoice.
        assert!(!debt_covered(Kopecks(-10), &[invoice(2026, 11, -50_000)]));
        assert!(debt_covered(Kopecks::ZERO, &[]));
        assert!(debt_covered(Kopecks(5_000), &[]));
    }

    #[test]
    fn the_comparison_needs_only_readings_of_two_months_now_and_a_year_ago() {
        // Monthly readings over three years, on varied days, and a few in between.
        let mut all = Vec::new();
        let mut day = d(2024, 1, 1);
        let mut k = 0;
        while day < d(2027, 3, 1) {
            all.push((day, 100 + k % 37));
            day = day + chrono::Days::new(9 + (k as u64 % 23));
            k += 1;
        }
        for today in [
            d(2026, 1, 1),
            d(2026, 1, 31),
            d(2026, 2, 28),
            d(2026, 3, 1),
            d(2026, 11, 25),
            d(2026, 12, 31),
            d(2027, 1, 3),
        ] {
            let days = year_over_year_days(today);
            let kept: Vec<(NaiveDate, i64)> = all
                .iter()
                .copied()
                .filter(|(on, _)| days.iter().any(|(from, until)| on >= from && on < until))
                .collect();
            assert!(kept.len() < all.len() / 5, "{today}");
            assert_eq!(
                year_over_year(today, &kept),
                year_over_year(today, &all),
                "{today}"
            );
        }
        assert_eq!(
            year_over_year_days(d(2027, 1, 3)),
            [
                (d(2026, 12, 1), d(2027, 2, 1)),
                (d(2025, 12, 1), d(2026, 2, 1))
            ]
        );
    }
}
