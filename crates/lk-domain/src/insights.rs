//! Consumption insights (SPEC X3): an account's consumption month by month, by zone, in kWh and
//! rubles, against the same month a year before, and per day.
//!
//! A month's figures come from the company's word first: the month's **invoice** (its lines'
//! kWh per zone and amounts, whatever basis the billing used). A month not invoiced yet (the
//! current one, usually) is computed from the **readings** taken in it: per meter, the last
//! reading of the month less the last one before the month (across a rollover of the register;
//! a meter new this month counts from its first reading), priced at the rates in force on the
//! month's first day. A month with neither has no figures: nothing is guessed.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::billing::{between, into_plan_zones, MeterReadings};
use crate::money::Kopecks;
use crate::tariff::{TariffPlan, Zone};

/// How many months the series shows (the newest is the current month).
pub const SERIES_MONTHS: u32 = 24;

/// An invoice as the insights see it: its month and its lines (zone, kWh, amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicedMonth {
    /// Any day of the invoiced month.
    pub period: NaiveDate,
    pub lines: Vec<(Zone, i64, Kopecks)>,
}

crate::wire_enum! {
    /// Where a month's consumption figures come from.
    pub enum MonthSource {
        /// The month's invoice.
        Invoice = "invoice",
        /// The readings taken in the month (not invoiced yet).
        Readings = "readings",
        /// No invoice and no reading: no figures.
        Missing = "missing",
    }
}

/// One month of the series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    /// The month's first day.
    pub month: NaiveDate,
    pub source: MonthSource,
    /// kWh per zone (in the plan's zone order for readings; the invoice's for invoices).
    pub zones: Vec<(Zone, i64)>,
    /// kWh in all; `None` for a missing month.
    pub kwh: Option<i64>,
    /// Rubles for it; `None` for a missing month, or readings the tariff cannot price.
    pub charge: Option<Kopecks>,
    /// kWh per day, two decimals: over the month's days for an invoice, over the days between
    /// the readings compared for readings.
    pub per_day: Option<Decimal>,
    /// kWh of the same month a year before, when known.
    pub last_year_kwh: Option<i64>,
    /// The change against last year, per cent, one decimal (half away from zero); only when
    /// both are known and last year's is above zero.
    pub change_percent: Option<Decimal>,
}

/// The series, oldest month first, and the month a sentence speaks of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insights {
    pub months: Vec<MonthFigures>,
    /// The newest month with figures, if any.
    pub latest: Option<usize>,
}

/// How a month compares with the same month a year before, for a plain-language sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// More by this many whole per cent (rounded half away from zero; at least 1).
    More(u32),
    /// Less by this many whole per cent (at least 1).
    Less(u32),
    /// Within half a per cent.
    Same,
    /// Last year's figure is not known (or was zero).
    Unknown,
}

impl MonthFigures {
    pub fn comparison(&self) -> Comparison {
        match self.change_percent {
            None => Comparison::Unknown,
            Some(p) => {
                let whole = p.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                let n = whole.abs().to_u32().unwrap_or(u32::MAX);
                match whole.cmp(&Decimal::ZERO) {
                    std::cmp::Ordering::Greater => Comparison::More(n),
                    std::cmp::Ordering::Less => Comparison::Less(n),
                    std::cmp::Ordering::Equal => Comparison::Same,
                }
            }
        }
    }
}

fn first_day(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_end(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month)
}

fn days_in(month: NaiveDate) -> i64 {
    (month_end(month) - month).num_days() + 1
}

/// The first day of the earliest month the series of `today` looks at (a year before its
/// first month): invoices and readings before it never change the answer, except each
/// meter's last reading before it (the base of that month's consumption).
pub fn since(today: NaiveDate) -> NaiveDate {
    first_day(today)
        .checked_sub_months(Months::new(SERIES_MONTHS - 1 + 12))
        .unwrap_or(today)
}

fn per_day(kwh: i64, days: i64) -> Option<Decimal> {
    (days > 0).then(|| {
        (Decimal::from(kwh) / Decimal::from(days))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    })
}

/// A month from the readings taken in it; `None` when no meter has one.
fn from_readings(
    month: NaiveDate,
    plan: &TariffPlan,
    meters: &[MeterReadings],
) -> Option<MonthFigures> {
    let end = month_end(month);
    let mut kwh: Vec<(Zone, i64)> = Vec::new();
    let mut any = false;
    // The interval the consumption covers: from the earliest base to the latest reading.
    let mut from: Option<NaiveDate> = None;
    let mut to: Option<NaiveDate> = None;
    for meter in meters {
        let mut asc: Vec<&(NaiveDate, Vec<(Zone, i64)>)> = meter.readings.iter().collect();
        asc.sort_by_key(|(d, _)| *d);
        let Some(current) = asc.iter().rev().find(|(d, _)| *d >= month && *d <= end) else {
            continue;
        };
        // The base: the last reading before the month, or for a meter new this month its
        // first one (a single first reading tells no consumption yet).
        let base = asc
            .iter()
            .rev()
            .find(|(d, _)| *d < month)
            .or_else(|| asc.iter().find(|(d, _)| *d >= month && *d < current.0));
        if let Some((base_on, values)) = base {
            any = true;
            from = Some(from.map_or(*base_on, |f| f.min(*base_on)));
            to = Some(to.map_or(current.0, |t| t.max(current.0)));
            for (zone, k) in between(meter.digits, values, &current.1) {
                match kwh.iter_mut().find(|(z, _)| *z == zone) {
                    Some((_, total)) => *total += k,
                    None => kwh.push((zone, k)),
                }
            }
        }
    }
    if !any {
        return None;
    }
    let zones = into_plan_zones(plan.scheme, &kwh).unwrap_or(kwh);
    let total: i64 = zones.iter().map(|(_, k)| k).sum();
    let charge = plan.charge(&zones, month).ok().map(|c| c.total);
    let days = match (from, to) {
        (Some(f), Some(t)) => (t - f).num_days(),
        _ => 0,
    };
    Some(MonthFigures {
        month,
        source: MonthSource::Readings,
        zones,
        kwh: Some(total),
        charge,
        per_day: per_day(total, days),
        last_year_kwh: None,
        change_percent: None,
    })
}

fn from_invoice(month: NaiveDate, invoice: &InvoicedMonth) -> MonthFigures {
    let mut zones: Vec<(Zone, i64)> = Vec::new();
    let mut charge = Kopecks::ZERO;
    for &(zone, kwh, amount) in &invoice.lines {
        charge += amount;
        match zones.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, k)) => *k += kwh,
            None => zones.push((zone, kwh)),
        }
    }
    let total: i64 = zones.iter().map(|(_, k)| k).sum();
    MonthFigures {
        month,
        source: MonthSource::Invoice,
        zones,
        kwh: Some(total),
        charge: Some(charge),
        per_day: per_day(total, days_in(month)),
        last_year_kwh: None,
        change_percent: None,
    }
}

/// The series of [`SERIES_MONTHS`] months ending with `today`'s, each against the same month
/// a year before. `meters` hold each meter's readings (any order) from before [`since`] on;
/// `invoices` the account's invoices from [`since`] on.
pub fn insights(
    today: NaiveDate,
    plan: &TariffPlan,
    meters: &[MeterReadings],
    invoices: &[InvoicedMonth],
) -> Insights {
    let first = since(today);
    let count = SERIES_MONTHS + 12;
    let all: Vec<Option<MonthFigures>> = (0..count)
        .map(|i| {
            let month = first.checked_add_months(Months::new(i)).unwrap_or(first);
            match invoices.iter().find(|inv| first_day(inv.period) == month) {
                Some(inv) => Some(from_invoice(month, inv)),
                None => from_readings(month, plan, meters),
            }
        })
        .collect();
    let months: Vec<MonthFigures> = (12..count as usize)
        .map(|i| {
            let month = first
                .checked_add_months(Months::new(i as u32))
                .unwrap_or(first);
            let last_year_kwh = all[i - 12].as_ref().and_then(|m| m.kwh);
            match &all[i] {
                Some(m) => {
                    let change_percent = match (m.kwh, last_year_kwh) {
                        (Some(now), Some(then)) if then > 0 => Some(
                            (Decimal::from(now - then) * Decimal::from(100) / Decimal::from(then))
                                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero),
                        ),
                        _ => None,
                    };
                    MonthFigures {
                        last_year_kwh,
                        change_percent,
                        ..m.clone()
                    }
                }
                None => MonthFigures {
                    month,
                    source: MonthSource::Missing,
                    zones: Vec::new(),
                    kwh: None,
                    charge: None,
                    per_day: None,
                    last_year_kwh,
                    change_percent: None,
                },
            }
        })
        .collect();
    let latest = months.iter().rposition(|m| m.kwh.is_some());
    Insights { months, latest }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::{Rate, ZoneScheme};
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn single(rates: &[(NaiveDate, Decimal)]) -> TariffPlan {
        TariffPlan {
            scheme: ZoneScheme::Single,
            rates: rates
                .iter()
                .map(|&(valid_from, price)| Rate {
                    zone: Zone::Single,
                    valid_from,
                    band_from_kwh: 0,
                    price,
                })
                .collect(),
        }
    }

    fn meter(digits: u32, readings: &[(NaiveDate, i64)]) -> MeterReadings {
        MeterReadings {
            digits,
            readings: readings
                .iter()
                .map(|&(on, v)| (on, vec![(Zone::Single, v)]))
                .collect(),
        }
    }

    fn month(i: &Insights, y: i32, m: u32) -> &MonthFigures {
        i.months
            .iter()
            .find(|f| f.month == d(y, m, 1))
            .expect("month in the series")
    }

    #[test]
    fn the_series_is_24_months_ending_with_this_one() {
        let i = insights(d(2026, 11, 27), &single(&[]), &[], &[]);
        assert_eq!(i.months.len(), 24);
        assert_eq!(i.months[0].month, d(2024, 12, 1));
        assert_eq!(i.months[23].month, d(2026, 11, 1));
        assert!(i.months.iter().all(|m| m.source == MonthSource::Missing));
        assert_eq!(i.latest, None);
        assert_eq!(since(d(2026, 11, 27)), d(2023, 12, 1));
    }

    #[test]
    fn readings_across_a_rollover_and_a_tariff_change() {
        // A four-digit register: 9 950 on 20 Sep, 30 on 20 Oct (rolled over: 80 kWh), 130 on
        // 20 Nov (100 kWh). The rate goes from 5.00 to 6.00 ₽ on 1 Nov.
        let plan = single(&[(d(2020, 1, 1), dec!(5.00)), (d(2026, 11, 1), dec!(6.00))]);
        let m = meter(
            4,
            &[
                (d(2026, 9, 20), 9_950),
                (d(2026, 10, 20), 30),
                (d(2026, 11, 20), 130),
            ],
        );
        let i = insights(d(2026, 11, 27), &plan, &[m], &[]);
        let oct = month(&i, 2026, 10);
        assert_eq!(oct.source, MonthSource::Readings);
        assert_eq!(oct.kwh, Some(80));
        assert_eq!(oct.charge, Some(Kopecks(40_000)), "80 × 5.00 ₽");
        assert_eq!(
            oct.per_day,
            Some(dec!(2.67)),
            "80 kWh over the 30 days 20 Sep – 20 Oct"
        );
        let nov = month(&i, 2026, 11);
        assert_eq!(nov.kwh, Some(100));
        assert_eq!(
            nov.charge,
            Some(Kopecks(60_000)),
            "100 × 6.00 ₽: November's rate"
        );
        assert_eq!(nov.per_day, Some(dec!(3.23)), "100 kWh over 31 days");
        // September's reading is the meter's first: no consumption is known for September.
        assert_eq!(month(&i, 2026, 9).source, MonthSource::Missing);
        assert_eq!(i.latest, Some(23));
    }

    #[test]
    fn a_missing_month_has_no_figures_and_the_next_counts_from_the_last_reading() {
        let plan = single(&[(d(2020, 1, 1), dec!(5.00))]);
        let m = meter(6, &[(d(2026, 8, 25), 1_000), (d(2026, 10, 25), 1_300)]);
        let i = insights(d(2026, 11, 3), &plan, &[m], &[]);
        let sep = month(&i, 2026, 9);
        assert_eq!(sep.source, MonthSource::Missing);
        assert_eq!((sep.kwh, sep.charge, sep.per_day), (None, None, None));
        let oct = month(&i, 2026, 10);
        assert_eq!(oct.kwh, Some(300), "since 25 Aug");
        assert_eq!(oct.per_day, Some(dec!(4.92)), "300 kWh over 61 days");
        assert_eq!(month(&i, 2026, 11).source, MonthSource::Missing);
        assert_eq!(i.latest, Some(22), "October: November has no figures yet");
    }

    #[test]
    fn an_invoice_is_the_months_word_and_last_year_is_compared() {
        let plan = single(&[(d(2020, 1, 1), dec!(5.00))]);
        // A reading in Oct 2026 too, but the invoice of October wins.
        let m = meter(6, &[(d(2026, 9, 20), 100), (d(2026, 10, 20), 400)]);
        let invoices = [
            InvoicedMonth {
                period: d(2025, 10, 1),
                lines: vec![(Zone::Single, 250, Kopecks(112_500))],
            },
            InvoicedMonth {
                period: d(2026, 10, 1),
                lines: vec![(Zone::Single, 280, Kopecks(140_000))],
            },
        ];
        let i = insights(d(2026, 11, 10), &plan, &[m], &invoices);
        let oct = month(&i, 2026, 10);
        assert_eq!(oct.source, MonthSource::Invoice);
        assert_eq!((oct.kwh, oct.charge), (Some(280), Some(Kopecks(140_000))));
        assert_eq!(
            oct.per_day,
            Some(dec!(9.03)),
            "280 kWh over October's 31 days"
        );
        assert_eq!(oct.last_year_kwh, Some(250));
        assert_eq!(oct.change_percent, Some(dec!(12.0)));
        assert_eq!(oct.comparison(), Comparison::More(12));
        let oct_last_year = month(&i, 2025, 10);
        assert_eq!(oct_last_year.kwh, Some(250));
        assert_eq!(oct_last_year.comparison(), Comparison::Unknown);
    }

    #[test]
    fn zones_of_a_two_zone_meter_are_kept_apart() {
        let plan = TariffPlan {
            scheme: ZoneScheme::TwoZone,
            rates: vec![
                Rate {
                    zone: Zone::Day,
                    valid_from: d(2020, 1, 1),
                    band_from_kwh: 0,
                    price: dec!(6.00),
                },
                Rate {
                    zone: Zone::Night,
                    valid_from: d(2020, 1, 1),
                    band_from_kwh: 0,
                    price: dec!(3.00),
                },
            ],
        };
        let m = MeterReadings {
            digits: 6,
            readings: vec![
                (
                    d(2026, 10, 20),
                    vec![(Zone::Day, 1_000), (Zone::Night, 500)],
                ),
                (
                    d(2026, 11, 20),
                    vec![(Zone::Day, 1_150), (Zone::Night, 560)],
                ),
            ],
        };
        let i = insights(d(2026, 11, 27), &plan, &[m], &[]);
        let nov = month(&i, 2026, 11);
        assert_eq!(nov.zones, vec![(Zone::Day, 150), (Zone::Night, 60)]);
        assert_eq!(nov.kwh, Some(210));
        assert_eq!(nov.charge, Some(Kopecks(108_000)), "150 × 6 + 60 × 3");
    }

    #[test]
    fn comparisons_round_to_whole_per_cent() {
        let with = |p: Option<Decimal>| MonthFigures {
            month: d(2026, 1, 1),
            source: MonthSource::Readings,
            zones: vec![],
            kwh: Some(1),
            charge: None,
            per_day: None,
            last_year_kwh: Some(1),
            change_percent: p,
        };
        assert_eq!(with(Some(dec!(-7.5))).comparison(), Comparison::Less(8));
        assert_eq!(with(Some(dec!(0.4))).comparison(), Comparison::Same);
        assert_eq!(with(Some(dec!(-0.4))).comparison(), Comparison::Same);
        assert_eq!(with(Some(dec!(0.5))).comparison(), Comparison::More(1));
        assert_eq!(with(None).comparison(), Comparison::Unknown);
    }
}
