//! Tariff zones (SPEC X1), tariff plans with rates valid from a date, optional volume bands,
//! and the charge for a reading.

use chrono::{NaiveDate, NaiveTime, Timelike};
use rust_decimal::Decimal;

use crate::money::{Kopecks, MoneyError};

crate::wire_enum! {
    /// A time-of-day zone of a meter register.
    ///
    /// The declaration order is the one order zones are listed in everywhere — receipts, tariff
    /// tables, reading forms, histories: `Ord` follows it (single; day, night; peak, half-peak,
    /// night).
    #[derive(PartialOrd, Ord)]
    pub enum Zone {
        /// Single-rate: around the clock.
        Single = "single",
        /// Day, 07–23 (two-zone plans).
        Day = "day",
        /// Peak, 07–10 and 17–21 (three-zone plans).
        Peak = "peak",
        /// Half-peak, 10–17 and 21–23 (three-zone plans).
        HalfPeak = "half_peak",
        /// Night, 23–07 (two- and three-zone plans).
        Night = "night",
    }
}

impl Zone {
    /// The listing order of a zone given by its name: sorting by this key lists zones the way
    /// [`Zone`]'s `Ord` does (a name that is no zone goes last).
    pub fn order_key(s: &str) -> (bool, Option<Zone>) {
        let z = Zone::parse(s);
        (z.is_none(), z)
    }

    /// The name on receipts and in the portal.
    pub fn label_ru(self) -> &'static str {
        match self {
            Zone::Single => "Круглосуточно",
            Zone::Day => "День",
            Zone::Night => "Ночь",
            Zone::Peak => "Пик",
            Zone::HalfPeak => "Полупик",
        }
    }

    /// The hours of the zone, for hints.
    pub fn hours(self) -> &'static str {
        match self {
            Zone::Single => "00:00–24:00",
            Zone::Day => "07:00–23:00",
            Zone::Night => "23:00–07:00",
            Zone::Peak => "07:00–10:00, 17:00–21:00",
            Zone::HalfPeak => "10:00–17:00, 21:00–23:00",
        }
    }
}

crate::wire_enum! {
    /// How many zones a meter (and its tariff plan) has.
    pub enum ZoneScheme {
        Single = "single",
        TwoZone = "two_zone",
        ThreeZone = "three_zone",
    }
}

impl ZoneScheme {
    /// The zones of the scheme, in [`Zone`]'s listing order.
    pub fn zones(self) -> &'static [Zone] {
        match self {
            ZoneScheme::Single => &[Zone::Single],
            ZoneScheme::TwoZone => &[Zone::Day, Zone::Night],
            ZoneScheme::ThreeZone => &[Zone::Peak, Zone::HalfPeak, Zone::Night],
        }
    }

    /// The scheme of a register with `n` zones (as the database keeps it).
    pub fn from_zone_count(n: i64) -> Option<Self> {
        match n {
            1 => Some(ZoneScheme::Single),
            2 => Some(ZoneScheme::TwoZone),
            3 => Some(ZoneScheme::ThreeZone),
            _ => None,
        }
    }

    pub fn zone_count(self) -> i64 {
        self.zones().len() as i64
    }

    /// The zone a moment of the day belongs to.
    pub fn zone_at(self, t: NaiveTime) -> Zone {
        let h = t.hour();
        match self {
            ZoneScheme::Single => Zone::Single,
            ZoneScheme::TwoZone if (7..23).contains(&h) => Zone::Day,
            ZoneScheme::TwoZone => Zone::Night,
            ZoneScheme::ThreeZone if (7..10).contains(&h) || (17..21).contains(&h) => Zone::Peak,
            ZoneScheme::ThreeZone if (10..17).contains(&h) || (21..23).contains(&h) => {
                Zone::HalfPeak
            }
            ZoneScheme::ThreeZone => Zone::Night,
        }
    }

    pub fn label_ru(self) -> &'static str {
        match self {
            ZoneScheme::Single => "Однотарифный",
            ZoneScheme::TwoZone => "Двухзонный (день/ночь)",
            ZoneScheme::ThreeZone => "Трёхзонный (пик/полупик/ночь)",
        }
    }
}

/// For rows read from the database: a zone count other than 1, 2 or 3 is an error.
impl TryFrom<i64> for ZoneScheme {
    type Error = crate::wire::UnknownValue;

    fn try_from(n: i64) -> Result<Self, Self::Error> {
        ZoneScheme::from_zone_count(n).ok_or(crate::wire::UnknownValue {
            kind: "zone count",
            value: n.to_string(),
        })
    }
}

/// One price: a zone's rate in rubles per kWh from a date on, for consumption from
/// `band_from_kwh` of the month's total (0 for plans without volume bands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub zone: Zone,
    pub valid_from: NaiveDate,
    pub band_from_kwh: i64,
    pub price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TariffError {
    #[error("no rate for zone {zone:?} on {date}")]
    NoRate { zone: Zone, date: NaiveDate },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// One line of a charge: kWh of a zone (in a volume band) times its price, rounded half up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeLine {
    pub zone: Zone,
    pub band_from_kwh: i64,
    /// kWh charged on this line (a fraction only where bands split a zone's consumption).
    pub kwh: Decimal,
    pub price: Decimal,
    pub amount: Kopecks,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub lines: Vec<ChargeLine>,
    pub total: Kopecks,
}

/// A tariff plan: its zones and the history of its rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TariffPlan {
    pub scheme: ZoneScheme,
    pub rates: Vec<Rate>,
}

impl TariffPlan {
    /// The rates in force on `date`: for each zone and band, the one with the latest
    /// `valid_from` not after `date`.
    pub fn rates_on(&self, date: NaiveDate) -> Vec<&Rate> {
        let mut best: Vec<&Rate> = Vec::new();
        for r in self.rates.iter().filter(|r| r.valid_from <= date) {
            match best
                .iter_mut()
                .find(|b| b.zone == r.zone && b.band_from_kwh == r.band_from_kwh)
            {
                Some(b) if b.valid_from < r.valid_from => *b = r,
                Some(_) => {}
                None => best.push(r),
            }
        }
        best.sort_by_key(|r| (r.zone, r.band_from_kwh));
        best
    }

    /// The charge for a month's consumption per zone, priced on `date`.
    ///
    /// Without volume bands: Σ zones kWh × rate, each line rounded half up to the kopeck.
    /// With bands (from 2025 in some regions: up to 3,900 kWh, 3,900–6,000, above), the
    /// month's total is split into bands and each zone takes its share of every band in
    /// proportion to its part of the total.
    pub fn charge(
        &self,
        consumption: &[(Zone, i64)],
        date: NaiveDate,
    ) -> Result<Charge, TariffError> {
        let rates = self.rates_on(date);
        let total_kwh: i64 = consumption.iter().map(|(_, k)| *k).sum();
        let mut lines = Vec::new();
        for &(zone, kwh) in consumption {
            let mut zone_rates: Vec<&&Rate> = rates.iter().filter(|r| r.zone == zone).collect();
            if zone_rates.is_empty() {
                return Err(TariffError::NoRate { zone, date });
            }
            zone_rates.sort_by_key(|r| r.band_from_kwh);
            if zone_rates.len() == 1 || total_kwh == 0 {
                let r = zone_rates[0];
                let kwh = Decimal::from(kwh);
                lines.push(ChargeLine {
                    zone,
                    band_from_kwh: r.band_from_kwh,
                    kwh,
                    price: r.price,
                    amount: Kopecks::round_rubles(kwh * r.price)?,
                });
                continue;
            }
            for (i, r) in zone_rates.iter().enumerate() {
                let lower = r.band_from_kwh;
                let upper = zone_rates
                    .get(i + 1)
                    .map(|n| n.band_from_kwh)
                    .unwrap_or(i64::MAX);
                let in_band = (total_kwh.min(upper) - lower).max(0);
                if in_band == 0 {
                    continue;
                }
                let share = Decimal::from(in_band) * Decimal::from(kwh) / Decimal::from(total_kwh);
                lines.push(ChargeLine {
                    zone,
                    band_from_kwh: lower,
                    kwh: share,
                    price: r.price,
                    amount: Kopecks::round_rubles(share * r.price)?,
                });
            }
        }
        let total = lines.iter().map(|l| l.amount).sum();
        Ok(Charge { lines, total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn rate(zone: Zone, from: NaiveDate, price: Decimal) -> Rate {
        Rate {
            zone,
            valid_from: from,
            band_from_kwh: 0,
            price,
        }
    }

    #[test]
    fn zones_follow_the_hours_of_x1() {
        let t = |h| NaiveTime::from_hms_opt(h, 30, 0).expect("time");
        assert_eq!(ZoneScheme::TwoZone.zone_at(t(6)), Zone::Night);
        assert_eq!(ZoneScheme::TwoZone.zone_at(t(7)), Zone::Day);
        assert_eq!(ZoneScheme::TwoZone.zone_at(t(22)), Zone::Day);
        assert_eq!(ZoneScheme::TwoZone.zone_at(t(23)), Zone::Night);
        let three: Vec<Zone> = (0..24)
            .map(|h| ZoneScheme::ThreeZone.zone_at(t(h)))
            .collect();
        use Zone::*;
        assert_eq!(
            three,
            [
                Night, Night, Night, Night, Night, Night, Night, Peak, Peak, Peak, HalfPeak,
                HalfPeak, HalfPeak, HalfPeak, HalfPeak, HalfPeak, HalfPeak, Peak, Peak, Peak, Peak,
                HalfPeak, HalfPeak, Night
            ]
        );
    }

    #[test]
    fn zones_are_listed_in_one_order_day_before_night_and_peak_before_half_peak_before_night() {
        for scheme in [
            ZoneScheme::Single,
            ZoneScheme::TwoZone,
            ZoneScheme::ThreeZone,
        ] {
            let mut sorted = scheme.zones().to_vec();
            sorted.sort();
            assert_eq!(sorted, scheme.zones(), "{scheme:?}");
        }
        let mut names = ["night", "half_peak", "peak", "bogus"];
        names.sort_by_key(|z| Zone::order_key(z));
        assert_eq!(names, ["peak", "half_peak", "night", "bogus"]);
        // The tariff in force lists the zones in the same order.
        let plan = TariffPlan {
            scheme: ZoneScheme::ThreeZone,
            rates: [Zone::Night, Zone::HalfPeak, Zone::Peak]
                .into_iter()
                .map(|z| rate(z, d(2026, 1, 1), dec!(5)))
                .collect(),
        };
        let listed: Vec<Zone> = plan
            .rates_on(d(2026, 2, 1))
            .iter()
            .map(|r| r.zone)
            .collect();
        assert_eq!(listed, ZoneScheme::ThreeZone.zones());
    }

    #[test]
    fn the_rate_in_force_on_the_reading_date_is_used() {
        let plan = TariffPlan {
            scheme: ZoneScheme::Single,
            rates: vec![
                rate(Zone::Single, d(2025, 7, 1), dec!(5.47)),
                rate(Zone::Single, d(2026, 7, 1), dec!(6.13)),
                rate(Zone::Single, d(2025, 1, 1), dec!(5.12)),
            ],
        };
        assert_eq!(
            plan.charge(&[(Zone::Single, 100)], d(2026, 6, 30))
                .expect("charge")
                .total,
            Kopecks(54700)
        );
        assert_eq!(
            plan.charge(&[(Zone::Single, 100)], d(2026, 7, 1))
                .expect("charge")
                .total,
            Kopecks(61300)
        );
        assert_eq!(
            plan.charge(&[(Zone::Single, 100)], d(2025, 3, 1))
                .expect("charge")
                .total,
            Kopecks(51200)
        );
        assert!(matches!(
            plan.charge(&[(Zone::Single, 1)], d(2024, 12, 31)),
            Err(TariffError::NoRate { .. })
        ));
    }

    #[test]
    fn each_zone_line_is_rounded_half_up_then_summed() {
        let plan = TariffPlan {
            scheme: ZoneScheme::TwoZone,
            rates: vec![
                rate(Zone::Day, d(2026, 1, 1), dec!(6.315)),
                rate(Zone::Night, d(2026, 1, 1), dec!(3.105)),
            ],
        };
        // 1 × 6.315 = 6.315 → 6.32; 1 × 3.105 = 3.105 → 3.11; total 9.43 (not 9.42).
        let c = plan
            .charge(&[(Zone::Day, 1), (Zone::Night, 1)], d(2026, 5, 1))
            .expect("charge");
        assert_eq!(
            c.lines.iter().map(|l| l.amount).collect::<Vec<_>>(),
            [Kopecks(632), Kopecks(311)]
        );
        assert_eq!(c.total, Kopecks(943));
    }

    #[test]
    fn volume_bands_split_the_month_proportionally_across_zones() {
        let plan = TariffPlan {
            scheme: ZoneScheme::TwoZone,
            rates: vec![
                Rate {
                    zone: Zone::Day,
                    valid_from: d(2025, 1, 1),
                    band_from_kwh: 0,
                    price: dec!(6),
                },
                Rate {
                    zone: Zone::Day,
                    valid_from: d(2025, 1, 1),
                    band_from_kwh: 3900,
                    price: dec!(8),
                },
                Rate {
                    zone: Zone::Night,
                    valid_from: d(2025, 1, 1),
                    band_from_kwh: 0,
                    price: dec!(3),
                },
                Rate {
                    zone: Zone::Night,
                    valid_from: d(2025, 1, 1),
                    band_from_kwh: 3900,
                    price: dec!(4),
                },
            ],
        };
        // 5,000 kWh: 3,900 in the first band, 1,100 in the second; day is 60 %.
        let c = plan
            .charge(&[(Zone::Day, 3000), (Zone::Night, 2000)], d(2026, 1, 1))
            .expect("charge");
        let expected =
            dec!(2340) * dec!(6) + dec!(660) * dec!(8) + dec!(1560) * dec!(3) + dec!(440) * dec!(4);
        assert_eq!(c.total.to_rubles(), expected);
        // Below the first threshold only the first band applies.
        let c = plan
            .charge(&[(Zone::Day, 100), (Zone::Night, 50)], d(2026, 1, 1))
            .expect("charge");
        assert_eq!(c.total.to_rubles(), dec!(750));
    }
}
