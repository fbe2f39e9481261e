//! Russian formatting of money, dates and zones.

use chrono::NaiveDate;
use lk_domain::{Kopecks, Zone};
use rust_decimal::Decimal;

/// `1 234,56 ₽` from rubles.
pub fn rubles(d: Decimal) -> String {
    Kopecks::from_rubles(d)
        .map(Kopecks::format_ru)
        .unwrap_or_else(|_| format!("{d} ₽"))
}

/// `25.11.2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub fn zone(z: &str) -> &'static str {
    Zone::parse(z).map(Zone::label_ru).unwrap_or("")
}

/// «Задолженность» / «Переплата» / «Нет задолженности» and the amount, for a balance.
pub fn balance(d: Decimal) -> (&'static str, String, &'static str) {
    if d < Decimal::ZERO {
        ("Задолженность", rubles(-d), "balance--debt")
    } else if d > Decimal::ZERO {
        ("Переплата", rubles(d), "balance--credit")
    } else {
        ("Баланс", rubles(d), "balance--zero")
    }
}
