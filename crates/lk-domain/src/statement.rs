//! An account statement for a period (X5): the balance before its first day, every operation of
//! the period with the balance after it, and the balance at its end. A payment adds to the
//! balance, an invoice takes from it, a reading only records consumption — so the opening
//! balance plus the period's amounts is always the closing balance.

use chrono::NaiveDate;

use crate::{Kopecks, OperationKind};

/// An operation as the history lists it: the stored amount is positive for both money kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub date: NaiveDate,
    pub kind: OperationKind,
    pub amount: Option<Kopecks>,
}

impl Operation {
    /// What it does to the balance: `+` a payment, `−` an invoice, nothing for a reading.
    pub fn effect(&self) -> Kopecks {
        let amount = self.amount.unwrap_or_default();
        match self.kind {
            OperationKind::Payment => amount,
            OperationKind::Invoice => -amount,
            OperationKind::Reading => Kopecks(0),
        }
    }
}

/// The balance before a period's first day, from the balance now and the totals of the
/// payments and invoices dated on or after that day (their effects undone).
pub fn opening_balance(now: Kopecks, paid_since: Kopecks, invoiced_since: Kopecks) -> Kopecks {
    now - paid_since + invoiced_since
}

/// A statement's lines, oldest first, each with the balance after it and what the caller
/// carries along (`T`: a description, a reading's values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<T> {
    pub opening: Kopecks,
    pub lines: Vec<(Operation, Kopecks, T)>,
    pub paid: Kopecks,
    pub invoiced: Kopecks,
    pub closing: Kopecks,
}

/// The statement of `operations` from `opening`: oldest first, and within a day in the
/// history's order read backwards (invoice, payment, reading); the sort is stable, so
/// operations of one day and kind keep the order they came in.
pub fn statement<T>(opening: Kopecks, mut operations: Vec<(Operation, T)>) -> Statement<T> {
    operations.sort_by_key(|(o, _)| (o.date, o.kind.as_str()));
    let mut balance = opening;
    let (mut paid, mut invoiced) = (Kopecks(0), Kopecks(0));
    let lines = operations
        .into_iter()
        .map(|(o, item)| {
            balance += o.effect();
            match o.kind {
                OperationKind::Payment => paid += o.amount.unwrap_or_default(),
                OperationKind::Invoice => invoiced += o.amount.unwrap_or_default(),
                OperationKind::Reading => {}
            }
            (o, balance, item)
        })
        .collect();
    Statement {
        opening,
        lines,
        paid,
        invoiced,
        closing: balance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(day: u32, kind: OperationKind, amount: Option<i64>) -> Operation {
        Operation {
            date: NaiveDate::from_ymd_opt(2026, 10, day).expect("date"),
            kind,
            amount: amount.map(Kopecks),
        }
    }

    #[test]
    fn the_opening_plus_the_periods_amounts_is_the_closing_balance() {
        use OperationKind::{Invoice, Payment, Reading};
        // Balance now −500.00 ₽; since the 1st: paid 1,000.00, invoiced 1,200.50.
        let opening = opening_balance(Kopecks(-50_000), Kopecks(100_000), Kopecks(120_050));
        assert_eq!(opening, Kopecks(-29_950));
        let s = statement(
            opening,
            vec![
                (op(20, Payment, Some(100_000)), "c"),
                (op(5, Reading, None), "b"),
                (op(1, Invoice, Some(120_050)), "a"),
            ],
        );
        assert_eq!(
            s.lines
                .iter()
                .map(|(o, b, item)| (o.kind, b.0, *item))
                .collect::<Vec<_>>(),
            [
                (Invoice, -150_000, "a"),
                (Reading, -150_000, "b"),
                (Payment, -50_000, "c"),
            ],
            "oldest first, each with the balance after it"
        );
        assert_eq!((s.paid, s.invoiced), (Kopecks(100_000), Kopecks(120_050)));
        assert_eq!(s.closing, Kopecks(-50_000), "the balance now");
        assert_eq!(
            s.opening + s.lines.iter().map(|(o, _, _)| o.effect()).sum::<Kopecks>(),
            s.closing
        );
    }

    #[test]
    fn an_empty_period_closes_where_it_opened() {
        let s = statement::<()>(Kopecks(1_234), Vec::new());
        assert_eq!((s.opening, s.closing), (Kopecks(1_234), Kopecks(1_234)));
        assert!(s.lines.is_empty());
    }
}
