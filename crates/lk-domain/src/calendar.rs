//! Russian month names, for invoice titles and charts.

use chrono::{Datelike, NaiveDate};

/// Nominative month names: «Счёт за октябрь 2026».
pub const MONTHS: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

/// Abbreviations for chart axes.
pub const MONTHS_SHORT: [&str; 12] = [
    "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
];

/// «октябрь 2026» for any day of October 2026.
pub fn month_year(d: NaiveDate) -> String {
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_named_in_russian() {
        assert_eq!(
            month_year(NaiveDate::from_ymd_opt(2026, 10, 1).expect("date")),
            "октябрь 2026"
        );
        assert_eq!(MONTHS_SHORT[0], "янв");
    }
}
