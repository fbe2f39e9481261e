//! Meter readings and their rules (SPEC X8): consumption with rollover, plausibility, and the
//! monthly reading window.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::tariff::Zone;

/// Why a reading is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadingError {
    #[error("reading of zone {zone:?} is below the previous one ({previous})")]
    BelowPrevious { zone: Zone, previous: i64 },
    #[error("reading of zone {zone:?} does not fit the meter's {digits} digits")]
    TooManyDigits { zone: Zone, digits: u32 },
    #[error("reading of zone {zone:?} is negative")]
    Negative { zone: Zone },
    #[error("a rollover of zone {zone:?} would mean {kwh} kWh, which is implausible")]
    ImplausibleRollover { zone: Zone, kwh: i64 },
}

/// The largest value + 1 a register of `digits` whole digits shows (it then starts at 0).
pub fn capacity(digits: u32) -> i64 {
    10_i64.saturating_pow(digits.min(18))
}

/// Consumption of one register from `previous` to `current`. Below the previous value is a
/// rollover only when the subscriber declared it and it is plausible (the register had passed
/// half of its range).
pub fn consumption(
    zone: Zone,
    previous: i64,
    current: i64,
    digits: u32,
    rollover: bool,
) -> Result<i64, ReadingError> {
    if current < 0 {
        return Err(ReadingError::Negative { zone });
    }
    if current >= capacity(digits) {
        return Err(ReadingError::TooManyDigits { zone, digits });
    }
    if current >= previous {
        return Ok(current - previous);
    }
    if !rollover {
        return Err(ReadingError::BelowPrevious { zone, previous });
    }
    let kwh = capacity(digits) - previous + current;
    if previous < capacity(digits) / 2 {
        return Err(ReadingError::ImplausibleRollover { zone, kwh });
    }
    Ok(kwh)
}

/// Consumption per day between two readings, for comparisons across uneven intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub kwh: i64,
    pub days: i64,
}

/// A warning about a plausible but unusual reading (it is accepted; the subscriber is asked to
/// double-check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingWarning {
    pub code: String,
    pub message: String,
}

/// How many times the usual daily consumption counts as abnormal.
pub const ABNORMAL_FACTOR: i64 = 3;

/// Warns when consumption per day is more than [`ABNORMAL_FACTOR`] times the average of the
/// previous intervals (at least two of them are needed to know what is usual).
pub fn abnormal_consumption(now: Interval, history: &[Interval]) -> Option<ReadingWarning> {
    let (kwh, days): (i64, i64) = history
        .iter()
        .filter(|i| i.days > 0)
        .fold((0, 0), |(k, d), i| (k + i.kwh, d + i.days));
    if history.len() < 2 || days == 0 || kwh == 0 || now.days <= 0 {
        return None;
    }
    // now.kwh / now.days > F × kwh / days, in integers.
    if i128::from(now.kwh) * i128::from(days)
        > i128::from(ABNORMAL_FACTOR) * i128::from(kwh) * i128::from(now.days)
    {
        let usual = kwh * 30 / days;
        Some(ReadingWarning {
            code: "abnormal_consumption".into(),
            message: format!(
                "Расход {} кВт·ч за {} дн. более чем в {ABNORMAL_FACTOR} раза выше обычного (около {usual} кВт·ч в месяц). Проверьте, правильно ли введены показания.",
                now.kwh, now.days
            ),
        })
    } else {
        None
    }
}

/// The days of the month when readings are accepted (in the company's time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingWindow {
    pub enabled: bool,
    pub first_day: u32,
    pub last_day: u32,
}

impl Default for ReadingWindow {
    fn default() -> Self {
        Self {
            enabled: true,
            first_day: 15,
            last_day: 25,
        }
    }
}

/// The window is closed today; the next one opens on `opens` and closes on `closes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("readings are accepted from {opens} to {closes}")]
pub struct WindowClosed {
    pub opens: NaiveDate,
    pub closes: NaiveDate,
}

impl WindowClosed {
    pub fn message_ru(&self) -> String {
        format!(
            "Показания принимаются с {} по {} число месяца. Следующий приём показаний: с {} по {}.",
            self.opens.day(),
            self.closes.day(),
            self.opens.format("%d.%m.%Y"),
            self.closes.format("%d.%m.%Y")
        )
    }
}

fn clamp_day(year: i32, month: u32, day: u32) -> NaiveDate {
    (1..=day.min(31))
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .unwrap_or_default()
}

impl ReadingWindow {
    /// `Ok` when readings may be submitted on `today`.
    pub fn check(&self, today: NaiveDate) -> Result<(), WindowClosed> {
        if !self.enabled || self.first_day > self.last_day {
            return Ok(());
        }
        let opens = clamp_day(today.year(), today.month(), self.first_day);
        let closes = clamp_day(today.year(), today.month(), self.last_day);
        if today >= opens && today <= closes {
            return Ok(());
        }
        if today < opens {
            return Err(WindowClosed { opens, closes });
        }
        let next = today
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .unwrap_or(today);
        Err(WindowClosed {
            opens: clamp_day(next.year(), next.month(), self.first_day),
            closes: clamp_day(next.year(), next.month(), self.last_day),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn consumption_is_the_difference_and_never_negative_without_a_rollover() {
        assert_eq!(consumption(Zone::Single, 1000, 1250, 6, false), Ok(250));
        assert_eq!(consumption(Zone::Single, 1000, 1000, 6, false), Ok(0));
        assert_eq!(
            consumption(Zone::Day, 1000, 999, 6, false),
            Err(ReadingError::BelowPrevious {
                zone: Zone::Day,
                previous: 1000
            })
        );
        assert_eq!(
            consumption(Zone::Single, 0, 1_000_000, 6, false),
            Err(ReadingError::TooManyDigits {
                zone: Zone::Single,
                digits: 6
            })
        );
        assert_eq!(
            consumption(Zone::Single, 0, -1, 6, false),
            Err(ReadingError::Negative { zone: Zone::Single })
        );
    }

    #[test]
    fn a_declared_rollover_wraps_around_the_digit_capacity() {
        assert_eq!(consumption(Zone::Single, 99_950, 30, 5, true), Ok(80));
        assert_eq!(consumption(Zone::Night, 999_990, 5, 6, true), Ok(15));
        // A register at 1,000 of 100,000 cannot have rolled over.
        assert!(matches!(
            consumption(Zone::Single, 1_000, 30, 5, true),
            Err(ReadingError::ImplausibleRollover { .. })
        ));
    }

    #[test]
    fn consumption_three_times_the_usual_daily_rate_is_flagged() {
        let history = [
            Interval { kwh: 300, days: 30 },
            Interval { kwh: 310, days: 31 },
            Interval { kwh: 280, days: 28 },
        ];
        assert!(
            abnormal_consumption(Interval { kwh: 900, days: 30 }, &history).is_none(),
            "exactly 3× is still usual"
        );
        let w = abnormal_consumption(Interval { kwh: 950, days: 30 }, &history).expect("warning");
        assert_eq!(w.code, "abnormal_consumption");
        assert!(w.message.contains("950"));
        // Short intervals are compared per day: 200 kWh in 5 days is 4× the usual.
        assert!(abnormal_consumption(Interval { kwh: 200, days: 5 }, &history).is_some());
        assert!(
            abnormal_consumption(
                Interval {
                    kwh: 5000,
                    days: 30
                },
                &history[..1]
            )
            .is_none(),
            "one interval says nothing"
        );
    }

    #[test]
    fn the_window_names_the_next_period_when_closed() {
        let w = ReadingWindow::default();
        assert_eq!(w.check(d(2026, 11, 15)), Ok(()));
        assert_eq!(w.check(d(2026, 11, 25)), Ok(()));
        let early = w.check(d(2026, 11, 3)).expect_err("closed");
        assert_eq!(
            (early.opens, early.closes),
            (d(2026, 11, 15), d(2026, 11, 25))
        );
        let late = w.check(d(2026, 12, 28)).expect_err("closed");
        assert_eq!((late.opens, late.closes), (d(2027, 1, 15), d(2027, 1, 25)));
        assert!(late.message_ru().contains("15.01.2027"));
        assert_eq!(
            ReadingWindow {
                enabled: false,
                ..w
            }
            .check(d(2026, 12, 28)),
            Ok(())
        );
        // A window to the 31st ends on the last day of short months.
        let to_end = ReadingWindow {
            enabled: true,
            first_day: 20,
            last_day: 31,
        };
        assert_eq!(to_end.check(d(2026, 2, 28)), Ok(()));
    }

    proptest! {
        #[test]
        fn consumption_is_never_negative(prev in 0i64..1_000_000, cur in 0i64..1_000_000, roll: bool) {
            if let Ok(k) = consumption(Zone::Single, prev, cur, 6, roll) {
                prop_assert!(k >= 0);
            }
        }

        #[test]
        fn a_closed_window_always_points_to_the_future(day in 0u32..3000) {
            let today = d(2025, 1, 1) + chrono::Duration::days(i64::from(day));
            if let Err(c) = ReadingWindow::default().check(today) {
                prop_assert!(c.opens > today && c.closes >= c.opens);
            }
        }
    }
}
