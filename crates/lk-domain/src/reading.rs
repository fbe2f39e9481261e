//! Meter readings and their rules (SPEC X8): consumption with rollover, plausibility, and the
//! monthly reading window.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::money::Kopecks;
use crate::tariff::{TariffError, TariffPlan, Zone, ZoneScheme};

crate::wire_enum! {
    /// Who took a reading.
    pub enum ReadingSource {
        /// The subscriber, in the portal.
        Portal = "portal",
        /// The company's billing system.
        Billing = "billing",
        /// A controller of the grid company, on site.
        Controller = "controller",
    }
}

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

/// A meter as far as checking its readings goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeterFacts {
    pub scheme: ZoneScheme,
    /// Whole digits of the register (it rolls over after 10^digits − 1).
    pub digits: u32,
}

/// An earlier reading: its day and its value per zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastReading {
    pub taken_on: NaiveDate,
    pub values: Vec<(Zone, i64)>,
}

/// What a subscriber sends: a value per zone, and whether a register passed its maximum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub values: Vec<(Zone, i64)>,
    pub rollover: bool,
}

/// One thing wrong with a submission; `index` is the position in the submitted values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionProblem {
    /// The meter has no such zone.
    UnknownZone { index: usize },
    /// The zone was given twice.
    DuplicateZone { index: usize },
    /// A zone of the meter has no value.
    MissingZone { zone: Zone },
    /// The value breaks a rule (below the previous one, too many digits…).
    Value { index: usize, error: ReadingError },
}

/// Why a reading cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    WindowClosed(WindowClosed),
    #[error("the values are invalid")]
    Invalid(Vec<SubmissionProblem>),
    /// The tariff cannot price it (no rate in force): the company's data is incomplete.
    #[error(transparent)]
    Tariff(TariffError),
}

/// One zone of an evaluated reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluatedZone {
    pub zone: Zone,
    /// The zone's value in the previous reading, if there is one.
    pub previous: Option<i64>,
    pub current: i64,
    /// kWh since the previous reading (0 for a first reading).
    pub kwh: i64,
}

/// A reading checked and priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The values, in the zones' listing order.
    pub zones: Vec<EvaluatedZone>,
    pub total_kwh: i64,
    /// The charge at the tariff in force on the reading's day, line by line.
    pub charge: crate::tariff::Charge,
    pub warnings: Vec<ReadingWarning>,
}

impl Evaluation {
    pub fn values(&self) -> Vec<(Zone, i64)> {
        self.zones.iter().map(|z| (z.zone, z.current)).collect()
    }

    pub fn total(&self) -> Kopecks {
        self.charge.total
    }
}

/// Checks a reading submitted on `today` against the reading window, the meter's zones and
/// digits and the previous reading (`history`: earlier readings, newest first), prices it with
/// `plan`, and looks for abnormal consumption. All problems of the values are reported at once.
pub fn evaluate(
    window: &ReadingWindow,
    meter: MeterFacts,
    history: &[PastReading],
    submission: &Submission,
    plan: &TariffPlan,
    today: NaiveDate,
) -> Result<Evaluation, Refusal> {
    window.check(today).map_err(Refusal::WindowClosed)?;
    let zones = meter.scheme.zones();
    let mut values: Vec<(Zone, i64)> = Vec::new();
    let mut problems = Vec::new();
    for (index, &(zone, value)) in submission.values.iter().enumerate() {
        if !zones.contains(&zone) {
            problems.push(SubmissionProblem::UnknownZone { index });
        } else if values.iter().any(|(seen, _)| *seen == zone) {
            problems.push(SubmissionProblem::DuplicateZone { index });
        } else {
            values.push((zone, value));
        }
    }
    for &zone in zones {
        if !values.iter().any(|(seen, _)| *seen == zone) {
            problems.push(SubmissionProblem::MissingZone { zone });
        }
    }
    if !problems.is_empty() {
        return Err(Refusal::Invalid(problems));
    }

    let previous = history.first();
    let mut evaluated = Vec::new();
    for (index, &(zone, current)) in submission.values.iter().enumerate() {
        let prev =
            previous.and_then(|p| p.values.iter().find(|(z, _)| *z == zone).map(|(_, v)| *v));
        match consumption(
            zone,
            prev.unwrap_or(0),
            current,
            meter.digits,
            submission.rollover,
        ) {
            Ok(kwh) => evaluated.push(EvaluatedZone {
                zone,
                previous: prev,
                current,
                kwh: if prev.is_some() { kwh } else { 0 },
            }),
            Err(error) => problems.push(SubmissionProblem::Value { index, error }),
        }
    }
    if !problems.is_empty() {
        return Err(Refusal::Invalid(problems));
    }
    evaluated.sort_by_key(|z| z.zone);

    let by_zone: Vec<(Zone, i64)> = evaluated.iter().map(|z| (z.zone, z.kwh)).collect();
    let charge = plan.charge(&by_zone, today).map_err(Refusal::Tariff)?;
    let total_kwh: i64 = evaluated.iter().map(|z| z.kwh).sum();

    let mut warnings = Vec::new();
    match previous {
        Some(p) => {
            let total = |r: &PastReading| r.values.iter().map(|(_, v)| v).sum::<i64>();
            let intervals: Vec<Interval> = history
                .windows(2)
                .map(|w| Interval {
                    kwh: total(&w[0]) - total(&w[1]),
                    days: (w[0].taken_on - w[1].taken_on).num_days(),
                })
                .filter(|i| i.kwh >= 0)
                .collect();
            let now = Interval {
                kwh: total_kwh,
                days: (today - p.taken_on).num_days().max(1),
            };
            warnings.extend(abnormal_consumption(now, &intervals));
        }
        None => warnings.push(ReadingWarning {
            code: "no_previous_reading".into(),
            message: "Это первое показание счётчика: расход будет рассчитан со следующего.".into(),
        }),
    }
    Ok(Evaluation {
        zones: evaluated,
        total_kwh,
        charge,
        warnings,
    })
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
    use crate::tariff::Rate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn day_night() -> (MeterFacts, TariffPlan) {
        let rate = |zone, e2| Rate {
            zone,
            valid_from: d(2026, 1, 1),
            band_from_kwh: 0,
            price: Decimal::new(e2, 2),
        };
        (
            MeterFacts {
                scheme: ZoneScheme::TwoZone,
                digits: 6,
            },
            TariffPlan {
                scheme: ZoneScheme::TwoZone,
                rates: vec![rate(Zone::Day, 700), rate(Zone::Night, 350)],
            },
        )
    }

    fn past(on: NaiveDate, day: i64, night: i64) -> PastReading {
        PastReading {
            taken_on: on,
            values: vec![(Zone::Day, day), (Zone::Night, night)],
        }
    }

    const ANY_DAY: ReadingWindow = ReadingWindow {
        enabled: false,
        first_day: 15,
        last_day: 25,
    };

    #[test]
    fn a_reading_is_priced_per_zone_in_listing_order() {
        let (meter, plan) = day_night();
        let history = [past(d(2026, 10, 20), 1000, 500)];
        let submitted = Submission {
            values: vec![(Zone::Night, 540), (Zone::Day, 1100)],
            rollover: false,
        };
        let e = evaluate(
            &ANY_DAY,
            meter,
            &history,
            &submitted,
            &plan,
            d(2026, 11, 20),
        )
        .expect("valid");
        assert_eq!(e.values(), vec![(Zone::Day, 1100), (Zone::Night, 540)]);
        assert_eq!(e.zones[0].previous, Some(1000));
        assert_eq!(
            (e.zones[0].kwh, e.zones[1].kwh, e.total_kwh),
            (100, 40, 140)
        );
        // 100 × 7.00 + 40 × 3.50
        assert_eq!(e.total(), Kopecks(84_000));
        assert!(e.warnings.is_empty());
    }

    #[test]
    fn every_problem_of_the_values_is_reported_at_once() {
        let (meter, plan) = day_night();
        let submitted = Submission {
            values: vec![(Zone::Peak, 1), (Zone::Day, 5), (Zone::Day, 6)],
            rollover: false,
        };
        let r = evaluate(&ANY_DAY, meter, &[], &submitted, &plan, d(2026, 11, 20));
        assert_eq!(
            r,
            Err(Refusal::Invalid(vec![
                SubmissionProblem::UnknownZone { index: 0 },
                SubmissionProblem::DuplicateZone { index: 2 },
                SubmissionProblem::MissingZone { zone: Zone::Night },
            ]))
        );
        let below = Submission {
            values: vec![(Zone::Day, 999), (Zone::Night, 499)],
            rollover: false,
        };
        let history = [past(d(2026, 10, 20), 1000, 500)];
        let Err(Refusal::Invalid(problems)) =
            evaluate(&ANY_DAY, meter, &history, &below, &plan, d(2026, 11, 20))
        else {
            panic!("refused")
        };
        assert_eq!(problems.len(), 2);
        assert!(matches!(
            problems[1],
            SubmissionProblem::Value {
                index: 1,
                error: ReadingError::BelowPrevious { previous: 500, .. }
            }
        ));
    }

    #[test]
    fn a_first_reading_costs_nothing_and_says_so() {
        let (meter, plan) = day_night();
        let submitted = Submission {
            values: vec![(Zone::Day, 1100), (Zone::Night, 540)],
            rollover: false,
        };
        let e = evaluate(&ANY_DAY, meter, &[], &submitted, &plan, d(2026, 11, 20)).expect("valid");
        assert_eq!((e.total_kwh, e.total()), (0, Kopecks(0)));
        assert_eq!(e.warnings[0].code, "no_previous_reading");
    }

    #[test]
    fn outside_the_window_and_without_a_rate_nothing_is_evaluated() {
        let (meter, plan) = day_night();
        let submitted = Submission {
            values: vec![(Zone::Day, 1100), (Zone::Night, 540)],
            rollover: false,
        };
        let window = ReadingWindow {
            enabled: true,
            first_day: 15,
            last_day: 25,
        };
        assert!(matches!(
            evaluate(&window, meter, &[], &submitted, &plan, d(2026, 11, 26)),
            Err(Refusal::WindowClosed(_))
        ));
        let history = [past(d(2025, 10, 20), 1000, 500)];
        assert!(matches!(
            evaluate(
                &ANY_DAY,
                meter,
                &history,
                &submitted,
                &plan,
                d(2025, 11, 20)
            ),
            Err(Refusal::Tariff(_))
        ));
    }

    #[test]
    fn consumption_far_above_the_usual_is_accepted_with_a_warning() {
        let (meter, plan) = day_night();
        let history = [
            past(d(2026, 10, 20), 1200, 600),
            past(d(2026, 9, 20), 1100, 550),
            past(d(2026, 8, 20), 1000, 500),
        ];
        let submitted = Submission {
            values: vec![(Zone::Day, 3000), (Zone::Night, 1500)],
            rollover: false,
        };
        let e = evaluate(
            &ANY_DAY,
            meter,
            &history,
            &submitted,
            &plan,
            d(2026, 11, 20),
        )
        .expect("accepted");
        assert_eq!(e.warnings[0].code, "abnormal_consumption");
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
