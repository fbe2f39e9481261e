//! Money: integer kopecks inside, `rust_decimal` rubles at the edges. Never floats.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Why a sum of money is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("more than two decimal places")]
    TooPrecise,
    #[error("amount out of range")]
    OutOfRange,
}

/// An amount in kopecks (1/100 ruble). Negative amounts are debts or refunds.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Kopecks(pub i64);

impl Kopecks {
    pub const ZERO: Kopecks = Kopecks(0);

    /// Exact conversion from rubles: `12.3` and `12.30` are 1230 kopecks; `12.345` is refused.
    pub fn from_rubles(rubles: Decimal) -> Result<Self, MoneyError> {
        let normalized = rubles.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        (normalized * Decimal::ONE_HUNDRED)
            .to_i64()
            .map(Kopecks)
            .ok_or(MoneyError::OutOfRange)
    }

    /// Rounds rubles to the kopeck, half up (away from zero), as invoice lines are rounded.
    pub fn round_rubles(rubles: Decimal) -> Result<Self, MoneyError> {
        let r = rubles.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        Self::from_rubles(r)
    }

    pub fn to_rubles(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn abs(self) -> Self {
        Kopecks(self.0.abs())
    }

    pub fn max(self, other: Self) -> Self {
        Kopecks(self.0.max(other.0))
    }

    /// Russian notation: `1 234,56 ₽` (narrow no-break space between thousands).
    pub fn format_ru(self) -> String {
        let (sign, rubles, kopecks) = self.parts('\u{202f}');
        format!("{sign}{rubles},{kopecks:02}\u{a0}₽")
    }

    /// English notation: `₽1,234.56`.
    pub fn format_en(self) -> String {
        let (sign, rubles, kopecks) = self.parts(',');
        format!("{sign}₽{rubles}.{kopecks:02}")
    }

    /// The sign (a minus or nothing), the whole rubles grouped by thousands with `separator`,
    /// and the kopecks.
    fn parts(self, separator: char) -> (&'static str, String, u64) {
        let sign = if self.0 < 0 { "−" } else { "" };
        let abs = self.0.unsigned_abs();
        let rub = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in rub.chars().enumerate() {
            if i > 0 && (rub.len() - i).is_multiple_of(3) {
                grouped.push(separator);
            }
            grouped.push(c);
        }
        (sign, grouped, abs % 100)
    }
}

impl fmt::Display for Kopecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_rubles())
    }
}

impl Add for Kopecks {
    type Output = Kopecks;
    fn add(self, rhs: Self) -> Self {
        Kopecks(self.0 + rhs.0)
    }
}
impl Sub for Kopecks {
    type Output = Kopecks;
    fn sub(self, rhs: Self) -> Self {
        Kopecks(self.0 - rhs.0)
    }
}
impl Neg for Kopecks {
    type Output = Kopecks;
    fn neg(self) -> Self {
        Kopecks(-self.0)
    }
}
impl AddAssign for Kopecks {
    fn add_assign(&mut self, rhs: Self) {
        self.0 += rhs.0;
    }
}
impl SubAssign for Kopecks {
    fn sub_assign(&mut self, rhs: Self) {
        self.0 -= rhs.0;
    }
}
impl Sum for Kopecks {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        Kopecks(iter.map(|k| k.0).sum())
    }
}

/// What a subscriber has to pay: the charge plus debt minus prepayment, never below zero.
/// `balance` is payments minus charges: negative is a debt, positive a prepayment.
pub fn amount_due(charge: Kopecks, balance: Kopecks) -> Kopecks {
    (charge - balance).max(Kopecks::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rubles_convert_exactly_or_not_at_all() {
        assert_eq!(Kopecks::from_rubles(dec!(12.3)), Ok(Kopecks(1230)));
        assert_eq!(Kopecks::from_rubles(dec!(12.300)), Ok(Kopecks(1230)));
        assert_eq!(Kopecks::from_rubles(dec!(-0.01)), Ok(Kopecks(-1)));
        assert_eq!(
            Kopecks::from_rubles(dec!(12.345)),
            Err(MoneyError::TooPrecise)
        );
        assert_eq!(Kopecks(123456).to_rubles(), dec!(1234.56));
    }

    #[test]
    fn rounding_is_half_up_to_the_kopeck() {
        assert_eq!(Kopecks::round_rubles(dec!(10.005)), Ok(Kopecks(1001)));
        assert_eq!(Kopecks::round_rubles(dec!(10.0049)), Ok(Kopecks(1000)));
        assert_eq!(Kopecks::round_rubles(dec!(-10.005)), Ok(Kopecks(-1001)));
    }

    #[test]
    fn amounts_print_the_russian_way() {
        assert_eq!(
            Kopecks(123456789).format_ru(),
            "1\u{202f}234\u{202f}567,89\u{a0}₽"
        );
        assert_eq!(Kopecks(-50).format_ru(), "−0,50\u{a0}₽");
        assert_eq!(Kopecks(123456789).format_en(), "₽1,234,567.89");
        assert_eq!(Kopecks(-50).format_en(), "−₽0.50");
        assert_eq!(Kopecks(100000).format_en(), "₽1,000.00");
        assert_eq!(Kopecks(100000).format_ru(), "1\u{202f}000,00\u{a0}₽");
    }

    #[test]
    fn the_amount_due_adds_debt_and_subtracts_prepayment() {
        assert_eq!(
            amount_due(Kopecks(1000), Kopecks(-500)),
            Kopecks(1500),
            "debt"
        );
        assert_eq!(
            amount_due(Kopecks(1000), Kopecks(300)),
            Kopecks(700),
            "prepayment"
        );
        assert_eq!(
            amount_due(Kopecks(1000), Kopecks(5000)),
            Kopecks::ZERO,
            "prepayment covers it"
        );
    }

    proptest! {
        #[test]
        fn kopecks_round_trip_through_rubles(k in -10_000_000_000i64..10_000_000_000) {
            prop_assert_eq!(Kopecks::from_rubles(Kopecks(k).to_rubles()), Ok(Kopecks(k)));
        }
    }
}
