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

/// An amount as the user typed it (`1 500,5`, `1500.50`), or `None` when it is not a number.
pub fn parse_rubles(input: &str) -> Option<Decimal> {
    input
        .trim()
        .replace([' ', '\u{a0}', '\u{202f}'], "")
        .replace(',', ".")
        .parse::<Decimal>()
        .ok()
}

/// An amount to pre-fill an input with (`1500,50`), or nothing for zero and below.
pub fn rubles_input(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("{:.2}", d.round_dp(2)).replace('.', ",")
    } else {
        String::new()
    }
}

/// A payable amount check before asking the server: positive, whole kopecks.
pub fn check_amount(input: &str) -> Result<Decimal, crate::api::ApiError> {
    match parse_rubles(input) {
        Some(a) if a > Decimal::ZERO && a.round_dp(2) == a => Ok(a),
        _ => Err(crate::api::ApiError::invalid_field(
            "amount",
            "Введите сумму больше нуля, не более двух знаков после запятой.",
        )),
    }
}

/// `25.11.2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub fn zone(z: &Zone) -> &'static str {
    z.label_ru()
}

/// A meter as the user named it («Счётчик в квартире · № 01234567»), or «Счётчик № 01234567».
pub fn meter_name(label: Option<&str>, serial: &str) -> String {
    match label.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => format!("{l} · № {serial}"),
        None => format!("Счётчик № {serial}"),
    }
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
