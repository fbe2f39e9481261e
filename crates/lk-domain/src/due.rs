//! The amount due of an account: one definition for the house card, the side panels, the
//! receipt, the payment wizard and the reading wizard (SPEC «Domain rules»: the charge from a
//! reading plus debt or minus prepayment).

use chrono::{Datelike, Months, NaiveDate};

use crate::money::{amount_due, Kopecks};

/// The charge computed for a meter reading when it was taken. The invoice of the reading's
/// month bills it (and then the balance carries it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadingCharge {
    pub taken_on: NaiveDate,
    pub charge: Kopecks,
}

/// The charges of readings that no invoice bills yet. Readings are billed by the invoice of
/// their month, so these are the readings taken after the last invoiced month
/// (`last_invoiced`: any day of it), or every reading when nothing has been invoiced yet.
pub fn uninvoiced(readings: &[ReadingCharge], last_invoiced: Option<NaiveDate>) -> Kopecks {
    let first_open_day = last_invoiced
        .and_then(|p| p.with_day(1))
        .and_then(|p| p.checked_add_months(Months::new(1)));
    readings
        .iter()
        .filter(|r| first_open_day.is_none_or(|d| r.taken_on >= d))
        .map(|r| r.charge)
        .sum()
}

/// What the subscriber has to pay now: the debt per `balance` (payments minus invoices;
/// negative is a debt) plus the charges of readings not yet invoiced, less any prepayment,
/// never below zero.
pub fn account_due(
    balance: Kopecks,
    readings: &[ReadingCharge],
    last_invoiced: Option<NaiveDate>,
) -> Kopecks {
    amount_due(uninvoiced(readings, last_invoiced), balance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn charge(on: NaiveDate, k: i64) -> ReadingCharge {
        ReadingCharge {
            taken_on: on,
            charge: Kopecks(k),
        }
    }

    #[test]
    fn a_reading_after_the_last_invoiced_month_adds_its_charge_to_the_debt() {
        // October is invoiced (its reading of 20.10 is in the balance); 26.11 is not yet.
        let readings = [
            charge(d(2026, 10, 20), 150_000),
            charge(d(2026, 11, 26), 121_388),
        ];
        let last = Some(d(2026, 10, 1));
        assert_eq!(uninvoiced(&readings, last), Kopecks(121_388));
        assert_eq!(
            account_due(Kopecks(-300_000), &readings, last),
            Kopecks(421_388),
            "debt 3 000,00 + 1 213,88"
        );
        // A prepayment covers part of it, or all of it.
        assert_eq!(
            account_due(Kopecks(100_000), &readings, last),
            Kopecks(21_388)
        );
        assert_eq!(
            account_due(Kopecks(200_000), &readings, last),
            Kopecks::ZERO
        );
    }

    #[test]
    fn readings_of_the_invoiced_month_are_in_the_balance_already() {
        let last = Some(d(2026, 11, 1));
        let readings = [charge(d(2026, 11, 1), 500), charge(d(2026, 11, 30), 700)];
        assert_eq!(uninvoiced(&readings, last), Kopecks::ZERO);
        assert_eq!(account_due(Kopecks(-1000), &readings, last), Kopecks(1000));
        // The first day of the next month is open again.
        assert_eq!(
            uninvoiced(&[charge(d(2026, 12, 1), 900)], last),
            Kopecks(900)
        );
    }

    #[test]
    fn without_any_invoice_every_reading_is_still_to_be_billed() {
        let readings = [charge(d(2026, 10, 20), 100), charge(d(2026, 11, 20), 200)];
        assert_eq!(account_due(Kopecks::ZERO, &readings, None), Kopecks(300));
        assert_eq!(account_due(Kopecks(-50), &[], None), Kopecks(50));
    }
}
