//! Online payments (SPEC §6, issue 4): the amount a subscriber may pay and the life of a
//! payment, whose transitions decide when an account is credited — exactly once.

use rust_decimal::Decimal;

use crate::money::{Kopecks, MoneyError};

/// Why an amount cannot be paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a plain decimal number of rubles")]
    NotPlainDecimal,
    #[error("the amount must be positive")]
    NotPositive,
    #[error("at most two decimal places")]
    TooPrecise,
    #[error("the amount exceeds the maximum of {0:?}")]
    TooLarge(Kopecks),
}

/// The pattern of [`parse_payable_amount`]'s notation, for documents that describe the API.
pub const RUBLES_PATTERN: &str = "^[0-9]+([.,][0-9]{1,2})?$";

/// A payable amount as text, in plain decimal notation: digits, then optionally `.` or `,` and
/// one or two decimals (`1500`, `1500,5`, `1500.50`). Nothing else — no exponent (`5e2`), sign,
/// spaces or digit grouping — so that what the subscriber sees is what is charged. Then the rules
/// of [`payable_amount`].
pub fn parse_payable_amount(text: &str, max: Kopecks) -> Result<Kopecks, AmountError> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once(['.', ',']) {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(AmountError::NotPlainDecimal);
    }
    if unsigned.len() != text.len() {
        return Err(AmountError::NotPositive);
    }
    if fraction.is_some_and(|f| f.len() > 2) {
        return Err(AmountError::TooPrecise);
    }
    let rubles: Decimal = format!("{whole}.{}", fraction.unwrap_or("0"))
        .parse()
        .map_err(|_| AmountError::TooLarge(max))?;
    payable_amount(rubles, max)
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

crate::wire_enum! {
    /// Where a payment is in its life: created → pending → succeeded | canceled | failed.
    pub enum PaymentStatus {
        Created = "created",
        Pending = "pending",
        Succeeded = "succeeded",
        Canceled = "canceled",
        Failed = "failed",
    }
}

crate::wire_enum! {
    /// The acquirer an online payment goes through.
    pub enum PaymentProvider {
        /// The built-in test acquirer (development, demos, tests).
        Sandbox = "sandbox",
        /// YooKassa, or any acquirer with its API.
        Yookassa = "yookassa",
    }
}

impl PaymentStatus {
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
    fn amounts_are_read_only_in_plain_decimal_notation() {
        let max = Kopecks(15_000_000);
        assert_eq!(parse_payable_amount("500", max), Ok(Kopecks(50_000)));
        assert_eq!(parse_payable_amount("500.5", max), Ok(Kopecks(50_050)));
        assert_eq!(parse_payable_amount("1500,05", max), Ok(Kopecks(150_005)));
        assert_eq!(parse_payable_amount("0001.10", max), Ok(Kopecks(110)));
        for text in [
            "5e2",
            "5E2",
            "1e-2",
            " 500",
            "500 ",
            "1 500",
            "+500",
            ".5",
            "5.",
            "5,,0",
            "5.0.0",
            "0x10",
            "NaN",
            "inf",
            "",
            "-",
            "５００",
            "500₽",
        ] {
            assert_eq!(
                parse_payable_amount(text, max),
                Err(AmountError::NotPlainDecimal),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_payable_amount("-5", max),
            Err(AmountError::NotPositive)
        );
        assert_eq!(
            parse_payable_amount("0,00", max),
            Err(AmountError::NotPositive)
        );
        assert_eq!(
            parse_payable_amount("1.005", max),
            Err(AmountError::TooPrecise)
        );
        assert_eq!(
            parse_payable_amount(&"9".repeat(40), max),
            Err(AmountError::TooLarge(max))
        );
    }

    proptest! {
        /// Whatever text is accepted matches the documented pattern.
        #[test]
        fn accepted_amounts_match_the_documented_pattern(text in "[-+ 0-9.,eE]{0,12}") {
            if parse_payable_amount(&text, Kopecks(i64::MAX)).is_ok() {
                let (whole, fraction) = text.split_once(['.', ',']).unwrap_or((&text, "0"));
                prop_assert!(!whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()));
                prop_assert!((1..=2).contains(&fraction.len()) && fraction.bytes().all(|b| b.is_ascii_digit()));
            }
        }
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
