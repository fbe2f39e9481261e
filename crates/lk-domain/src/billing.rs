//! The month close (SPEC B6) for a company without a billing system of its own: a month's
//! consumption of an account from its meters' readings, or — where no reading came — from the
//! average monthly consumption of its last readings (for at most three months in a row, as the
//! Russian rules for utility services allow), or else from the consumption norm; and the
//! invoice for it at the account's tariff.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::Kopecks;
use crate::reading::capacity;
use crate::tariff::{Charge, TariffError, TariffPlan, Zone, ZoneScheme};

crate::wire_enum! {
    /// How an invoice's consumption was found.
    pub enum InvoiceBasis {
        /// Computed by the company's billing system and sent through the integration API.
        Billing = "billing",
        /// From the meters' readings of the month.
        Reading = "reading",
        /// No reading came: the average monthly consumption of the last readings.
        Average = "average",
        /// No reading and no average: the consumption norm.
        Norm = "norm",
    }
}

impl InvoiceBasis {
    /// As the invoice's details and the close summary name it.
    pub fn label_ru(self) -> &'static str {
        match self {
            InvoiceBasis::Billing => "Расчёт компании",
            InvoiceBasis::Reading => "По показаниям счётчика",
            InvoiceBasis::Average => "По среднемесячному потреблению",
            InvoiceBasis::Norm => "По нормативу потребления",
        }
    }
}

/// For how many months in a row the average may stand in for missing readings.
pub const AVERAGE_MAX_MONTHS: i32 = 3;
/// How far back the readings for the average reach, in months.
pub const AVERAGE_WINDOW_MONTHS: u32 = 6;

/// How the norm is shared between the zones of a multi-zone tariff, in percent (the typical
/// household profile: most of the consumption by day).
pub fn norm_shares(scheme: ZoneScheme) -> &'static [(Zone, i64)] {
    match scheme {
        ZoneScheme::Single => &[(Zone::Single, 100)],
        ZoneScheme::TwoZone => &[(Zone::Day, 70), (Zone::Night, 30)],
        ZoneScheme::ThreeZone => &[(Zone::Peak, 25), (Zone::HalfPeak, 45), (Zone::Night, 30)],
    }
}

/// A meter's readings, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterReadings {
    pub digits: u32,
    pub readings: Vec<(NaiveDate, Vec<(Zone, i64)>)>,
}

/// An invoice issued earlier by estimate (average or norm): its period and kWh per zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimated {
    pub period: NaiveDate,
    pub kwh: Vec<(Zone, i64)>,
}

/// Everything the close knows of one account for one period.
#[derive(Debug, Clone)]
pub struct AccountMonth<'a> {
    /// Any day of the month being closed.
    pub period: NaiveDate,
    pub plan: &'a TariffPlan,
    pub meters: &'a [MeterReadings],
    /// Invoices by estimate of the months before this one.
    pub estimated: &'a [Estimated],
    /// The account's monthly norm, kWh.
    pub norm_kwh: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloseError {
    #[error("a meter has zones the tariff plan does not have")]
    ZonesDiffer,
    #[error(transparent)]
    Tariff(#[from] TariffError),
}

/// A month's invoice as the close computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthInvoice {
    pub basis: InvoiceBasis,
    /// kWh per zone of the plan, in the plan's zone order.
    pub consumption: Vec<(Zone, i64)>,
    pub charge: Charge,
}

fn first_day(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// The register's advance from `from` to `to`, across a rollover past its capacity.
fn advance(digits: u32, from: i64, to: i64) -> i64 {
    if to >= from {
        to - from
    } else {
        capacity(digits) - from + to
    }
}

pub(crate) fn between(digits: u32, from: &[(Zone, i64)], to: &[(Zone, i64)]) -> Vec<(Zone, i64)> {
    to.iter()
        .filter_map(|&(zone, v)| {
            from.iter()
                .find(|(z, _)| *z == zone)
                .map(|&(_, f)| (zone, advance(digits, f, v)))
        })
        .collect()
}

fn add(into: &mut Vec<(Zone, i64)>, zone: Zone, kwh: i64) {
    match into.iter_mut().find(|(z, _)| *z == zone) {
        Some((_, k)) => *k += kwh,
        None => into.push((zone, kwh)),
    }
}

/// Consumption in the plan's zones: a single-rate plan takes every zone's kWh; a multi-zone
/// plan needs the meter's zones to be its own.
pub(crate) fn into_plan_zones(
    scheme: ZoneScheme,
    kwh: &[(Zone, i64)],
) -> Result<Vec<(Zone, i64)>, CloseError> {
    let mut out: Vec<(Zone, i64)> = scheme.zones().iter().map(|z| (*z, 0)).collect();
    for &(zone, k) in kwh {
        let target = if scheme == ZoneScheme::Single {
            Zone::Single
        } else {
            zone
        };
        match out.iter_mut().find(|(z, _)| *z == target) {
            Some((_, total)) => *total += k,
            None => return Err(CloseError::ZonesDiffer),
        }
    }
    Ok(out)
}

/// `total` kWh shared by percentages, the rounding remainder to the largest share.
fn share(total: i64, shares: &[(Zone, i64)]) -> Vec<(Zone, i64)> {
    let mut out: Vec<(Zone, i64)> = shares
        .iter()
        .map(|&(z, pct)| (z, total * pct / 100))
        .collect();
    let rest = total - out.iter().map(|(_, k)| k).sum::<i64>();
    if let Some(largest) = shares
        .iter()
        .enumerate()
        .max_by_key(|(_, (_, pct))| *pct)
        .map(|(i, _)| i)
    {
        out[largest].1 += rest;
    }
    out
}

/// The month's consumption of an account and how it was found.
///
/// - **Reading**: some meter has a reading in the month. Each such meter's consumption is its
///   last reading of the month less its last reading before the month (a meter new this month:
///   less its first reading of the month), across a rollover; from that is taken what earlier
///   months billed by estimate since that reading (never below zero).
/// - **Average**: no reading this month, the last one at most three months ago: per meter, the
///   advance from the earliest reading of the six months before the last one to the last one,
///   divided by the months between them, rounded half up.
/// - **Norm**: otherwise, `norm_kwh` shared between the plan's zones by [`norm_shares`].
pub fn month_consumption(
    m: &AccountMonth<'_>,
) -> Result<(InvoiceBasis, Vec<(Zone, i64)>), CloseError> {
    let start = first_day(m.period);
    let end = start
        .checked_add_months(Months::new(1))
        .unwrap_or(start)
        .pred_opt()
        .unwrap_or(start);
    let scheme = m.plan.scheme;

    let mut by_reading: Vec<(Zone, i64)> = Vec::new();
    let mut base_month: Option<i32> = None;
    let mut any = false;
    for meter in m.meters {
        let in_month: Vec<&(NaiveDate, Vec<(Zone, i64)>)> = meter
            .readings
            .iter()
            .filter(|(d, _)| *d >= start && *d <= end)
            .collect();
        let Some(current) = in_month.last() else {
            continue;
        };
        any = true;
        let before = meter.readings.iter().rev().find(|(d, _)| *d < start);
        let base = before.or(in_month.first().copied());
        if let Some((d, values)) = base {
            if before.is_some() {
                base_month = Some(base_month.map_or(month_index(*d), |b| b.min(month_index(*d))));
            }
            for (zone, kwh) in between(meter.digits, values, &current.1) {
                add(&mut by_reading, zone, kwh);
            }
        }
    }
    if any {
        let mut kwh = into_plan_zones(scheme, &by_reading)?;
        if let Some(base) = base_month {
            let mut billed: Vec<(Zone, i64)> = Vec::new();
            for e in m.estimated.iter().filter(|e| {
                month_index(e.period) > base && month_index(e.period) < month_index(start)
            }) {
                for &(z, k) in &e.kwh {
                    add(&mut billed, z, k);
                }
            }
            let billed = into_plan_zones(scheme, &billed)?;
            for ((_, k), (_, b)) in kwh.iter_mut().zip(billed) {
                *k = (*k - b).max(0);
            }
        }
        return Ok((InvoiceBasis::Reading, kwh));
    }

    let last = m
        .meters
        .iter()
        .filter_map(|meter| meter.readings.iter().rfind(|(d, _)| *d < start))
        .map(|(d, _)| *d)
        .max();
    if let Some(last) = last {
        let missing = month_index(start) - month_index(last);
        if (1..=AVERAGE_MAX_MONTHS).contains(&missing) {
            let mut average: Vec<(Zone, i64)> = Vec::new();
            let mut found = false;
            for meter in m.meters {
                let Some((l_date, l_values)) = meter.readings.iter().rfind(|(d, _)| *d < start)
                else {
                    continue;
                };
                let window = l_date
                    .checked_sub_months(Months::new(AVERAGE_WINDOW_MONTHS))
                    .unwrap_or(*l_date);
                let Some((e_date, e_values)) = meter
                    .readings
                    .iter()
                    .find(|(d, _)| *d >= window && month_index(*d) < month_index(*l_date))
                else {
                    continue;
                };
                let months = Decimal::from(month_index(*l_date) - month_index(*e_date));
                found = true;
                for (zone, kwh) in between(meter.digits, e_values, l_values) {
                    let avg = (Decimal::from(kwh) / months)
                        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                        .to_i64()
                        .unwrap_or(0);
                    add(&mut average, zone, avg);
                }
            }
            if found {
                return Ok((InvoiceBasis::Average, into_plan_zones(scheme, &average)?));
            }
        }
    }
    Ok((
        InvoiceBasis::Norm,
        share(m.norm_kwh.max(0), norm_shares(scheme)),
    ))
}

/// The month's invoice: its consumption priced at the rates in force on the month's first day.
pub fn close_month(m: &AccountMonth<'_>) -> Result<MonthInvoice, CloseError> {
    let (basis, consumption) = month_consumption(m)?;
    let charge = m.plan.charge(&consumption, first_day(m.period))?;
    Ok(MonthInvoice {
        basis,
        consumption,
        charge,
    })
}

/// When a month's invoice is due: the 10th of the next month (as the housing code sets it),
/// or ten days after issue when the close runs later than that.
pub fn due_on(period: NaiveDate, issued_on: NaiveDate) -> NaiveDate {
    let tenth = first_day(period)
        .checked_add_months(Months::new(1))
        .and_then(|d| d.with_day(10))
        .unwrap_or(issued_on);
    if tenth >= issued_on {
        tenth
    } else {
        issued_on + chrono::Duration::days(10)
    }
}

/// The whole kWh a charge line shows (a band's share may be fractional), rounded half up.
pub fn whole_kwh(kwh: Decimal) -> i64 {
    kwh.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
        .unwrap_or(0)
}

/// The total of invoices, for summaries.
pub fn total(invoices: &[MonthInvoice]) -> Kopecks {
    invoices.iter().map(|i| i.charge.total).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tariff::Rate;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn plan(scheme: ZoneScheme, prices: &[(Zone, Decimal)]) -> TariffPlan {
        TariffPlan {
            scheme,
            rates: prices
                .iter()
                .map(|&(zone, price)| Rate {
                    zone,
                    valid_from: d(2025, 7, 1),
                    band_from_kwh: 0,
                    price,
                })
                .collect(),
        }
    }

    fn meter(digits: u32, readings: &[(NaiveDate, &[(Zone, i64)])]) -> MeterReadings {
        MeterReadings {
            digits,
            readings: readings.iter().map(|(d, v)| (*d, v.to_vec())).collect(),
        }
    }

    fn month<'a>(
        plan: &'a TariffPlan,
        meters: &'a [MeterReadings],
        estimated: &'a [Estimated],
    ) -> AccountMonth<'a> {
        AccountMonth {
            period: d(2026, 10, 1),
            plan,
            meters,
            estimated,
            norm_kwh: 200,
        }
    }

    #[test]
    fn a_single_rate_month_by_reading_is_the_advance_times_the_price() {
        let p = plan(ZoneScheme::Single, &[(Zone::Single, dec!(6.13))]);
        let meters = [meter(
            6,
            &[
                (d(2026, 9, 20), &[(Zone::Single, 18_000)]),
                (d(2026, 10, 5), &[(Zone::Single, 18_100)]),
                (d(2026, 10, 20), &[(Zone::Single, 18_230)]),
            ],
        )];
        let inv = close_month(&month(&p, &meters, &[])).expect("close");
        assert_eq!(inv.basis, InvoiceBasis::Reading);
        assert_eq!(inv.consumption, [(Zone::Single, 230)]);
        // 230 × 6.13 = 1409.90
        assert_eq!(inv.charge.total, Kopecks(140_990));
    }

    #[test]
    fn two_and_three_zone_months_price_each_zone_and_survive_a_rollover() {
        let p2 = plan(
            ZoneScheme::TwoZone,
            &[(Zone::Day, dec!(7.04)), (Zone::Night, dec!(3.89))],
        );
        let meters = [meter(
            5,
            &[
                (
                    d(2026, 9, 25),
                    &[(Zone::Day, 99_950), (Zone::Night, 40_000)],
                ),
                (d(2026, 10, 25), &[(Zone::Day, 150), (Zone::Night, 40_120)]),
            ],
        )];
        let inv = close_month(&month(&p2, &meters, &[])).expect("close");
        assert_eq!(inv.consumption, [(Zone::Day, 200), (Zone::Night, 120)]);
        // 200 × 7.04 = 1408.00; 120 × 3.89 = 466.80
        assert_eq!(inv.charge.total, Kopecks(187_480));

        let p3 = plan(
            ZoneScheme::ThreeZone,
            &[
                (Zone::Peak, dec!(8.4)),
                (Zone::HalfPeak, dec!(6.135)),
                (Zone::Night, dec!(3.3)),
            ],
        );
        let zones = |a, b, c| [(Zone::Peak, a), (Zone::HalfPeak, b), (Zone::Night, c)];
        let meters = [meter(
            6,
            &[
                (d(2026, 9, 30), &zones(1000, 2000, 3000)),
                (d(2026, 10, 31), &zones(1095, 2161, 3140)),
            ],
        )];
        let inv = close_month(&month(&p3, &meters, &[])).expect("close");
        assert_eq!(inv.consumption, zones(95, 161, 140));
        // 95 × 8.4 = 798.00; 161 × 6.135 = 987.735 → 987.74; 140 × 3.3 = 462.00
        assert_eq!(inv.charge.total, Kopecks(224_774));
    }

    #[test]
    fn without_a_reading_the_average_of_the_last_readings_stands_in_for_three_months() {
        let p = plan(ZoneScheme::Single, &[(Zone::Single, dec!(5))]);
        let meters = [meter(
            6,
            &[
                (d(2026, 1, 20), &[(Zone::Single, 500)]),
                (d(2026, 3, 20), &[(Zone::Single, 1_000)]),
                (d(2026, 8, 20), &[(Zone::Single, 1_700)]),
            ],
        )];
        // September to November: the average of March..August (700 kWh / 5 months = 140);
        // January is outside the six months before August.
        for (m, basis) in [
            (9, InvoiceBasis::Average),
            (11, InvoiceBasis::Average),
            (12, InvoiceBasis::Norm),
        ] {
            let mut am = month(&p, &meters, &[]);
            am.period = d(2026, m, 1);
            let (b, kwh) = month_consumption(&am).expect("close");
            assert_eq!(b, basis, "month {m}");
            let expected = if basis == InvoiceBasis::Average {
                140
            } else {
                200
            };
            assert_eq!(kwh, [(Zone::Single, expected)], "month {m}");
        }
        // A reading after estimated months bills the rest, not the estimate again.
        let mut meters = meters.to_vec();
        meters[0]
            .readings
            .push((d(2026, 11, 22), vec![(Zone::Single, 2_150)]));
        let estimated = [
            Estimated {
                period: d(2026, 9, 1),
                kwh: vec![(Zone::Single, 140)],
            },
            Estimated {
                period: d(2026, 10, 1),
                kwh: vec![(Zone::Single, 140)],
            },
        ];
        let mut am = month(&p, &meters, &estimated);
        am.period = d(2026, 11, 1);
        assert_eq!(
            month_consumption(&am).expect("close"),
            (InvoiceBasis::Reading, vec![(Zone::Single, 450 - 280)])
        );
    }

    #[test]
    fn without_any_reading_the_norm_is_shared_between_the_zones() {
        let p = plan(
            ZoneScheme::ThreeZone,
            &[
                (Zone::Peak, dec!(8)),
                (Zone::HalfPeak, dec!(6)),
                (Zone::Night, dec!(3)),
            ],
        );
        let mut am = month(&p, &[], &[]);
        am.norm_kwh = 101;
        let inv = close_month(&am).expect("close");
        assert_eq!(inv.basis, InvoiceBasis::Norm);
        // 25 % / 45 % / 30 % of 101: 25, 45 + the remainder 1, 30.
        assert_eq!(
            inv.consumption,
            [(Zone::Peak, 25), (Zone::HalfPeak, 46), (Zone::Night, 30)]
        );
        assert_eq!(inv.charge.total, Kopecks(25 * 800 + 46 * 600 + 30 * 300));
    }

    #[test]
    fn a_multi_zone_meter_on_a_single_rate_plan_is_summed_and_the_reverse_is_refused() {
        let single = plan(ZoneScheme::Single, &[(Zone::Single, dec!(5))]);
        let two = [meter(
            6,
            &[
                (d(2026, 9, 1), &[(Zone::Day, 10), (Zone::Night, 10)]),
                (d(2026, 10, 1), &[(Zone::Day, 30), (Zone::Night, 20)]),
            ],
        )];
        assert_eq!(
            month_consumption(&month(&single, &two, &[]))
                .expect("close")
                .1,
            [(Zone::Single, 30)]
        );
        let p2 = plan(
            ZoneScheme::TwoZone,
            &[(Zone::Day, dec!(7)), (Zone::Night, dec!(3))],
        );
        let one = [meter(
            6,
            &[
                (d(2026, 9, 1), &[(Zone::Single, 10)]),
                (d(2026, 10, 1), &[(Zone::Single, 30)]),
            ],
        )];
        assert_eq!(
            month_consumption(&month(&p2, &one, &[])),
            Err(CloseError::ZonesDiffer)
        );
    }

    #[test]
    fn the_invoice_is_due_on_the_tenth_of_the_next_month_or_ten_days_after_a_late_close() {
        assert_eq!(due_on(d(2026, 10, 1), d(2026, 11, 1)), d(2026, 11, 10));
        assert_eq!(due_on(d(2026, 10, 1), d(2026, 11, 12)), d(2026, 11, 22));
        assert_eq!(whole_kwh(dec!(2340.5)), 2341);
    }
}
