//! Russian formatting of money, dates and zones, and reading an amount the user typed.

use chrono::NaiveDate;
use lk_domain::payment::parse_payable_amount;
use lk_domain::{Kopecks, Zone};
use rust_decimal::Decimal;

use crate::api::ApiError;

/// `1 234,56 ₽` from rubles.
pub fn rubles(d: Decimal) -> String {
    Kopecks::from_rubles(d)
        .map(Kopecks::format_ru)
        .unwrap_or_else(|_| format!("{d} ₽"))
}

/// An amount to pre-fill an input with (`1500,50`), or nothing for zero and below.
pub fn rubles_input(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("{:.2}", d.round_dp(2)).replace('.', ",")
    } else {
        String::new()
    }
}

/// A payable amount as the subscriber typed it (`1 500,5`): the spaces that group digits are
/// dropped, the rest follows lk-domain's rule — plain decimal notation, positive, whole kopecks.
/// The server also knows the largest amount it accepts and says so.
pub fn payable_amount(input: &str) -> Result<Kopecks, ApiError> {
    let digits = input.trim().replace([' ', '\u{a0}', '\u{202f}'], "");
    parse_payable_amount(&digits, Kopecks(i64::MAX)).map_err(|_| {
        ApiError::invalid_field(
            "amount",
            "Введите сумму больше нуля, не более двух знаков после запятой.",
        )
    })
}

/// `25.11.2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The day of a moment in Moscow (UTC+3 all year since 2014), the company's time zone, as
/// [`date`].
pub fn moscow_date(t: chrono::DateTime<chrono::Utc>) -> String {
    date((t + chrono::Duration::hours(3)).date_naive())
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
