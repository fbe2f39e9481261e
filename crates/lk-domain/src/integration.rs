//! The billing-system integration (SPEC B1): API-key scopes, the limits of a batch, the
//! outcome of an item, and the rules an item of the company's registry must satisfy before
//! anything of it is stored — a tariff plan's rates, an invoice's lines, the company's codes.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Kopecks;
use crate::tariff::{Rate, Zone, ZoneScheme};

/// The most items one request may carry.
pub const BATCH_MAX: usize = 5000;
/// The largest page of an export.
pub const EXPORT_PAGE_MAX: i64 = 1000;
/// Every API key starts with this (so a leaked one is recognisable, e.g. by secret scanners).
pub const KEY_PREFIX: &str = "lka_";
/// The longest name of an API key, in characters.
pub const KEY_NAME_MAX: usize = 64;
/// The longest code of the company (a branch, a tariff plan, a payment), in characters.
pub const CODE_MAX: usize = 64;
/// Money as the billing system sends it: rubles with at most two decimals, optionally negative.
pub const RUBLES_PATTERN: &str = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$";
/// A price per kWh: rubles with at most four decimals.
pub const PRICE_PATTERN: &str = r"^[0-9]{1,4}(\.[0-9]{1,4})?$";
/// A billing period.
pub const PERIOD_PATTERN: &str = r"^[0-9]{4}-(0[1-9]|1[0-2])$";

crate::wire_enum! {
    /// What an API key may do.
    pub enum ApiScope {
        /// Upsert branches, tariffs, accounts, meters and invoices.
        RegistryWrite = "registry:write",
        /// Pull the readings subscribers submitted.
        ReadingsRead = "readings:read",
        /// Post payments from banks and cash desks.
        PaymentsWrite = "payments:write",
        /// Pull the payments subscribers made online.
        PaymentsRead = "payments:read",
    }
}

impl ApiScope {
    /// Scopes as stored: space-separated, in declaration order, each once.
    pub fn join(scopes: &[ApiScope]) -> String {
        ApiScope::ALL
            .iter()
            .filter(|s| scopes.contains(s))
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Scopes as stored; an unknown one is an error (a corrupted row grants nothing).
    pub fn split(s: &str) -> Result<Vec<ApiScope>, crate::wire::UnknownValue> {
        s.split_whitespace()
            .map(|w| {
                ApiScope::parse(w).ok_or(crate::wire::UnknownValue {
                    kind: "ApiScope",
                    value: w.to_owned(),
                })
            })
            .collect()
    }
}

crate::wire_enum! {
    /// What became of one item of a batch.
    pub enum ItemResult {
        Created = "created",
        Updated = "updated",
        Unchanged = "unchanged",
        Failed = "error",
    }
}

crate::wire_enum! {
    /// Where a payment reported by the billing system was made.
    pub enum PaymentChannel {
        /// A bank (its branch, online bank or app).
        Bank = "bank",
        /// The company's cash desk.
        CashDesk = "cash_desk",
        /// A post office.
        Post = "post",
        /// A payment terminal.
        Terminal = "terminal",
        /// A correction or transfer by the company.
        Other = "other",
    }
}

crate::wire_enum! {
    /// How a payment reached the account, as the payments table records it: online through
    /// the portal's acquirer, or reported by the billing system with its channel.
    pub enum PaymentSource {
        /// Paid in the portal (or without an account) through the acquirer.
        Online = "online",
        Bank = "bank",
        CashDesk = "cash_desk",
        Post = "post",
        Terminal = "terminal",
        Other = "other",
    }
}

impl From<PaymentChannel> for PaymentSource {
    fn from(c: PaymentChannel) -> Self {
        match c {
            PaymentChannel::Bank => PaymentSource::Bank,
            PaymentChannel::CashDesk => PaymentSource::CashDesk,
            PaymentChannel::Post => PaymentSource::Post,
            PaymentChannel::Terminal => PaymentSource::Terminal,
            PaymentChannel::Other => PaymentSource::Other,
        }
    }
}

/// A rule an item breaks: the field (relative to the item), a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemProblem {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl ItemProblem {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// A code of the company's (branch, tariff plan, payment id): trimmed, 1–64 printable
/// characters without spaces inside.
pub fn parse_code(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("required");
    }
    if s.chars().count() > CODE_MAX {
        return Err("too_long");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("invalid_characters");
    }
    Ok(s.to_owned())
}

/// An API key's name: one line of 1–64 characters.
pub fn parse_key_name(raw: &str) -> Result<String, crate::text::TextError> {
    crate::text::clean_line(raw, KEY_NAME_MAX)?.ok_or(crate::text::TextError::Invisible)
}

/// A period `YYYY-MM` as the first day of its month.
pub fn parse_period(raw: &str) -> Option<NaiveDate> {
    let (y, m) = raw.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

/// Rubles with at most two decimals as kopecks (`RUBLES_PATTERN`).
pub fn parse_rubles(raw: &str) -> Option<Kopecks> {
    let s = raw.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.is_empty()
        || digits.len() > 10
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || (s.contains('.') && frac.is_empty())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let d: Decimal = s.parse().ok()?;
    Kopecks::from_rubles(d).ok()
}

/// A price per kWh with at most four decimals (`PRICE_PATTERN`).
pub fn parse_price(raw: &str) -> Option<Decimal> {
    let s = raw.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || int.len() > 4
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 4
        || (s.contains('.') && frac.is_empty())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

/// The rules of a tariff plan's rates: every rate is of a zone of the plan's scheme, every
/// zone of the scheme has a price from the first kWh (band 0) from its earliest date, bands
/// are not negative and no (zone, band, date) is given twice.
pub fn check_rates(scheme: ZoneScheme, rates: &[Rate]) -> Vec<ItemProblem> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, r) in rates.iter().enumerate() {
        if !scheme.zones().contains(&r.zone) {
            problems.push(ItemProblem::new(
                format!("rates[{i}].zone"),
                "zone_not_in_scheme",
                "Зона не относится к зонности тарифа.",
            ));
        }
        if r.band_from_kwh < 0 {
            problems.push(ItemProblem::new(
                format!("rates[{i}].band_from_kwh"),
                "out_of_range",
                "Не меньше 0.",
            ));
        }
        if !seen.insert((r.zone, r.band_from_kwh, r.valid_from)) {
            problems.push(ItemProblem::new(
                format!("rates[{i}]"),
                "duplicate",
                "Цена для этой зоны, диапазона и даты уже указана.",
            ));
        }
    }
    for zone in scheme.zones() {
        let first = rates
            .iter()
            .filter(|r| r.zone == *zone)
            .map(|r| r.valid_from)
            .min();
        let from_zero = first.is_some_and(|d| {
            rates
                .iter()
                .any(|r| r.zone == *zone && r.band_from_kwh == 0 && r.valid_from == d)
        });
        if !from_zero {
            problems.push(ItemProblem::new(
                "rates",
                "zone_without_rate",
                format!("Нет цены для зоны «{}» с первого кВт·ч.", zone.label_ru()),
            ));
        }
    }
    problems
}

/// One line of an invoice as the billing system computed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub zone: Zone,
    pub band_from_kwh: i64,
    pub kwh: i64,
    pub price: Decimal,
    pub amount: Kopecks,
}

/// The rules of an invoice's lines: zones of the account's meters' schemes are not checked
/// here (an invoice may recalculate a former meter), but kWh are not negative, and the
/// same (zone, band) is not charged twice.
pub fn check_invoice_lines(lines: &[InvoiceLine]) -> Vec<ItemProblem> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, l) in lines.iter().enumerate() {
        if l.kwh < 0 {
            problems.push(ItemProblem::new(
                format!("lines[{i}].kwh"),
                "out_of_range",
                "Не меньше 0.",
            ));
        }
        if !seen.insert((l.zone, l.band_from_kwh)) {
            problems.push(ItemProblem::new(
                format!("lines[{i}]"),
                "duplicate",
                "Эта зона и диапазон уже начислены в счёте.",
            ));
        }
    }
    problems
}

/// An invoice's amount: the sum of its lines.
pub fn invoice_total(lines: &[InvoiceLine]) -> Kopecks {
    lines.iter().map(|l| l.amount).sum()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_reported_payments_channel_is_stored_as_a_source_of_the_same_spelling() {
        for &c in PaymentChannel::ALL {
            let source = PaymentSource::from(c);
            assert_eq!(source.as_str(), c.as_str());
            assert_eq!(PaymentSource::parse(c.as_str()), Some(source));
        }
        assert_eq!(PaymentSource::parse("online"), Some(PaymentSource::Online));
        // The demo data's old spelling is migrated away, not understood.
        assert_eq!(PaymentSource::parse("cash"), None);
    }

    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn scopes_are_stored_once_each_in_one_order_and_unknown_ones_are_refused() {
        let s = ApiScope::join(&[
            ApiScope::PaymentsWrite,
            ApiScope::RegistryWrite,
            ApiScope::PaymentsWrite,
        ]);
        assert_eq!(s, "registry:write payments:write");
        assert_eq!(
            ApiScope::split(&s).expect("scopes"),
            [ApiScope::RegistryWrite, ApiScope::PaymentsWrite]
        );
        assert!(ApiScope::split("registry:write admin").is_err());
    }

    #[test]
    fn money_prices_and_periods_are_read_exactly_or_not_at_all() {
        assert_eq!(parse_rubles("1234.5"), Some(Kopecks(123_450)));
        assert_eq!(parse_rubles("-0.01"), Some(Kopecks(-1)));
        assert_eq!(parse_rubles("7"), Some(Kopecks(700)));
        for bad in ["", "1.", ".5", "1.234", "1e3", "12345678901", "--1", "1,5"] {
            assert_eq!(parse_rubles(bad), None, "{bad}");
        }
        assert_eq!(parse_price("6.1325"), Some(dec!(6.1325)));
        for bad in ["-1", "6.13251", "12345", ""] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
        assert_eq!(parse_period("2026-11"), Some(d(2026, 11, 1)));
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "2026-11-01"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
        assert_eq!(parse_code("  TMB-01 "), Ok("TMB-01".to_owned()));
        assert_eq!(parse_code("a b"), Err("invalid_characters"));
        assert_eq!(parse_code(&"x".repeat(65)), Err("too_long"));
    }

    #[test]
    fn a_plan_needs_a_first_kwh_price_for_each_of_its_zones_and_nothing_else() {
        let rate = |zone, band, from, price| Rate {
            zone,
            valid_from: from,
            band_from_kwh: band,
            price,
        };
        let good = [
            rate(Zone::Day, 0, d(2025, 1, 1), dec!(6)),
            rate(Zone::Day, 3900, d(2025, 1, 1), dec!(8)),
            rate(Zone::Night, 0, d(2025, 1, 1), dec!(3)),
            rate(Zone::Night, 0, d(2026, 7, 1), dec!(3.5)),
        ];
        assert_eq!(check_rates(ZoneScheme::TwoZone, &good), []);
        let codes = |scheme, rates: &[Rate]| {
            check_rates(scheme, rates)
                .into_iter()
                .map(|p| (p.field, p.code))
                .collect::<Vec<_>>()
        };
        // A single-rate plan given day/night prices: both foreign, and no single price.
        assert_eq!(
            codes(ZoneScheme::Single, &good[..1]),
            [
                ("rates[0].zone".to_owned(), "zone_not_in_scheme"),
                ("rates".to_owned(), "zone_without_rate")
            ]
        );
        // Night only from a band: no price from the first kWh.
        let mut banded = good.to_vec();
        banded.retain(|r| r.zone != Zone::Night);
        banded.push(rate(Zone::Night, 100, d(2025, 1, 1), dec!(3)));
        assert_eq!(
            codes(ZoneScheme::TwoZone, &banded),
            [("rates".to_owned(), "zone_without_rate")]
        );
        let mut twice = good.to_vec();
        twice.push(good[0].clone());
        assert_eq!(
            codes(ZoneScheme::TwoZone, &twice),
            [("rates[4]".to_owned(), "duplicate")]
        );
    }

    #[test]
    fn an_invoice_is_the_sum_of_its_lines_and_charges_a_zone_once() {
        let line = |zone, kwh, amount| InvoiceLine {
            zone,
            band_from_kwh: 0,
            kwh,
            price: dec!(6.13),
            amount: Kopecks(amount),
        };
        let lines = [line(Zone::Day, 100, 61_300), line(Zone::Night, 50, 15_525)];
        assert_eq!(invoice_total(&lines), Kopecks(76_825));
        assert_eq!(check_invoice_lines(&lines), []);
        let bad = [line(Zone::Day, -1, 0), line(Zone::Day, 5, 100)];
        let codes: Vec<_> = check_invoice_lines(&bad)
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect();
        assert_eq!(
            codes,
            [
                ("lines[0].kwh".to_owned(), "out_of_range"),
                ("lines[1]".to_owned(), "duplicate")
            ]
        );
    }
}
