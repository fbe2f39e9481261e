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

/// A moment in Moscow, as [`date`] with the time: `25.11.2026 14:05`.
pub fn moscow_datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    (t + chrono::Duration::hours(3))
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// A service's price: `1 850,00 ₽ за услугу`, or «по договорённости» when the catalogue
/// gives none.
pub fn price(price: Option<Decimal>, unit: &str) -> String {
    match price {
        Some(p) if unit.trim().is_empty() => rubles(p),
        Some(p) => format!("{} {}", rubles(p), unit.trim()),
        None => "по договорённости".into(),
    }
}

/// The phone numbers of a printed line («+7 (4752) 55-00-00, 55-00-01»), each with its
/// `tel:` link: digits and a leading `+` only.
pub fn phones(line: &str) -> Vec<(String, String)> {
    line.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let digits: String = p
                .chars()
                .enumerate()
                .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
                .map(|(_, c)| c)
                .collect();
            (p.to_owned(), format!("tel:{digits}"))
        })
        .collect()
}

/// Text in paragraphs: a blank line separates them; the lines of one paragraph stay lines.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
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
