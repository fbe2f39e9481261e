//! Online payments (SPEC §6, issue 4): the amount a subscriber may pay and the life of a
//! payment, whose transitions decide when an account is credited — exactly once.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Kopecks, MoneyError};

/// Why an amount cannot be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("the amount must be positive")]
    NotPositive,
    #[error("at most two decimal places")]
    TooPrecise,
    #[error("the amount exceeds the maximum of {0:?}")]
    TooLarge(Kopecks),
}

/// A payable amount: positive, whole kopecks, at most `max`.
pub fn payable_amount(rubles: Decimal, max: Kopecks) -> Result<Kopecks, AmountError> {
    let k = Kopecks::from_rubles(rubles).map_err(|e| match e {
        MoneyError::TooPrecise => AmountError::TooPrecise,
        MoneyError::OutOfRange => AmountError::TooLarge(max),
    })?;
    if k.0 <= 0 {
        return Err(AmountError::NotPositive);
    }
    if k > max {
        return Err(AmountError::TooLarge(max));
    }
    Ok(k)
}

/// Where a payment is in its life: created → pending → succeeded | canceled | failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Created,
    Pending,
    Succeeded,
    Canceled,
    Failed,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Created => "created",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Canceled => "canceled",
            PaymentStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "created" => PaymentStatus::Created,
            "pending" => PaymentStatus::Pending,
            "succeeded" => PaymentStatus::Succeeded,
            "canceled" => PaymentStatus::Canceled,
            "failed" => PaymentStatus::Failed,
            _ => return None,
        })
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            PaymentStatus::Succeeded | PaymentStatus::Canceled | PaymentStatus::Failed
        )
    }
}

/// What to do with a status the provider reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Record the new status; `credit` says whether the account is credited now.
    Apply { credit: bool },
    /// Nothing changes: a duplicate, or news older than what is known (a `canceled` arriving
    /// after `succeeded`, a `pending` after a final status).
    Ignore,
}

/// The transition from `current` on news of `reported`. A final status never changes, so the
/// account is credited at most once, whatever order or how often notifications arrive.
pub fn transition(current: PaymentStatus, reported: PaymentStatus) -> Transition {
    use PaymentStatus::*;
    if current == reported || current.is_final() {
        return Transition::Ignore;
    }
    match (current, reported) {
        (_, Created) => Transition::Ignore,
        (Pending, Pending) => Transition::Ignore,
        (_, Succeeded) => Transition::Apply { credit: true },
        _ => Transition::Apply { credit: false },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;
    use PaymentStatus::*;

    const ALL: [PaymentStatus; 5] = [Created, Pending, Succeeded, Canceled, Failed];

    #[test]
    fn amounts_are_positive_whole_kopecks_under_the_maximum() {
        let max = Kopecks(15_000_000);
        assert_eq!(payable_amount(dec!(500.00), max), Ok(Kopecks(50_000)));
        assert_eq!(payable_amount(dec!(0.01), max), Ok(Kopecks(1)));
        assert_eq!(payable_amount(dec!(0), max), Err(AmountError::NotPositive));
        assert_eq!(payable_amount(dec!(-5), max), Err(AmountError::NotPositive));
        assert_eq!(
            payable_amount(dec!(1.005), max),
            Err(AmountError::TooPrecise)
        );
        assert_eq!(
            payable_amount(dec!(150000.01), max),
            Err(AmountError::TooLarge(max))
        );
    }

    #[test]
    fn success_credits_and_late_or_repeated_news_changes_nothing() {
        assert_eq!(
            transition(Created, Pending),
            Transition::Apply { credit: false }
        );
        assert_eq!(
            transition(Pending, Succeeded),
            Transition::Apply { credit: true }
        );
        assert_eq!(
            transition(Created, Succeeded),
            Transition::Apply { credit: true }
        );
        assert_eq!(transition(Succeeded, Succeeded), Transition::Ignore);
        assert_eq!(transition(Succeeded, Canceled), Transition::Ignore);
        assert_eq!(transition(Canceled, Succeeded), Transition::Ignore);
        assert_eq!(
            transition(Pending, Canceled),
            Transition::Apply { credit: false }
        );
        assert_eq!(transition(Pending, Created), Transition::Ignore);
    }

    proptest! {
        /// Whatever sequence of notifications arrives, the account is credited at most once,
        /// and only if `succeeded` was reported.
        #[test]
        fn any_sequence_credits_at_most_once(seq in proptest::collection::vec(0usize..5, 0..20)) {
            let mut status = Created;
            let mut credits = 0;
            for i in &seq {
                if let Transition::Apply { credit } = transition(status, ALL[*i]) {
                    status = ALL[*i];
                    credits += usize::from(credit);
                }
            }
            prop_assert!(credits <= 1);
            prop_assert_eq!(credits == 1, status == Succeeded);
            prop_assert!(credits == 0 || seq.iter().any(|i| ALL[*i] == Succeeded));
        }
    }
}
