//! Money, dates and zones in the language on screen, and reading an amount the user typed.

use chrono::{Datelike, NaiveDate, Timelike};
use lk_domain::payment::parse_payable_amount;
use lk_domain::{Kopecks, RequestKind, RequestStatus, Zone};
use rust_decimal::Decimal;

use crate::api::ApiError;
use crate::i18n::{lang, td_string, Locale};

/// `1 234,56 ₽` in Russian, `₽1,234.56` in English, from rubles.
pub fn rubles(d: Decimal) -> String {
    match Kopecks::from_rubles(d) {
        Ok(k) if lang() == Locale::en => k.format_en(),
        Ok(k) => k.format_ru(),
        Err(_) => format!("{d} ₽"),
    }
}

/// An amount to pre-fill an input with (`1500,50`; `1500.50` in English), or nothing for zero
/// and below.
pub fn rubles_input(d: Decimal) -> String {
    if d <= Decimal::ZERO {
        return String::new();
    }
    let plain = format!("{:.2}", d.round_dp(2));
    match lang() {
        Locale::ru => plain.replace('.', ","),
        Locale::en => plain,
    }
}

/// A payable amount as the subscriber typed it (`1 500,5`; `1,500.50` in English): the
/// characters that group digits are dropped, the rest follows lk-domain's rule — plain decimal
/// notation, positive, whole kopecks. The server also knows the largest amount it accepts and
/// says so.
pub fn payable_amount(input: &str) -> Result<Kopecks, ApiError> {
    let grouping: &[char] = match lang() {
        Locale::ru => &[' ', '\u{a0}', '\u{202f}'],
        Locale::en => &[' ', '\u{a0}', '\u{202f}', ','],
    };
    let digits = input.trim().replace(grouping, "");
    parse_payable_amount(&digits, Kopecks(i64::MAX))
        .map_err(|_| ApiError::invalid_field("amount", td_string!(lang(), core.amount_invalid)))
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const MONTHS_LONG_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// «октябрь 2026» in Russian, `October 2026` in English, for any day of the month.
pub fn month_year(d: NaiveDate) -> String {
    match lang() {
        Locale::ru => lk_domain::calendar::month_year(d),
        Locale::en => format!("{} {}", MONTHS_LONG_EN[d.month0() as usize], d.year()),
    }
}

/// A number as written in the language on screen: `8,7` in Russian, `8.7` in English.
pub fn number(n: impl ToString) -> String {
    let plain = n.to_string();
    match lang() {
        Locale::ru => plain.replace('.', ","),
        Locale::en => plain,
    }
}

/// A share in per cent: `8,7 %` in Russian, `8.7%` in English.
pub fn percent(n: impl ToString) -> String {
    match lang() {
        Locale::ru => format!("{} %", number(n)),
        Locale::en => format!("{}%", number(n)),
    }
}

/// `25.11.2026` in Russian, `25 Nov 2026` in English.
pub fn date(d: NaiveDate) -> String {
    match lang() {
        Locale::ru => format!("{:02}.{:02}.{}", d.day(), d.month(), d.year()),
        Locale::en => format!(
            "{} {} {}",
            d.day(),
            MONTHS_EN[d.month0() as usize],
            d.year()
        ),
    }
}

/// The day of a moment in Moscow (UTC+3 all year since 2014), the company's time zone, as
/// [`date`].
pub fn moscow_date(t: chrono::DateTime<chrono::Utc>) -> String {
    date((t + chrono::Duration::hours(3)).date_naive())
}

/// A moment in Moscow, as [`date`] with the time: `25.11.2026 14:05`, `25 Nov 2026, 14:05`.
pub fn moscow_datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    let m = (t + chrono::Duration::hours(3)).naive_utc();
    let separator = match lang() {
        Locale::ru => " ",
        Locale::en => ", ",
    };
    format!(
        "{}{separator}{:02}:{:02}",
        date(m.date()),
        m.hour(),
        m.minute()
    )
}

/// A service's price: `1 850,00 ₽ за услугу`, or «по договорённости» when the catalogue
/// gives none.
pub fn price(price: Option<Decimal>, unit: &str) -> String {
    match price {
        Some(p) if unit.trim().is_empty() => rubles(p),
        Some(p) => format!("{} {}", rubles(p), unit.trim()),
        None => td_string!(lang(), core.money.by_agreement).into(),
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

/// A zone's name: «День», "Day".
pub fn zone(z: &Zone) -> &'static str {
    let l = lang();
    match z {
        Zone::Single => td_string!(l, core.zone.single),
        Zone::Day => td_string!(l, core.zone.day),
        Zone::Night => td_string!(l, core.zone.night),
        Zone::Peak => td_string!(l, core.zone.peak),
        Zone::HalfPeak => td_string!(l, core.zone.half_peak),
    }
}

/// A meter as the user named it («Счётчик в квартире · № 01234567»), or «Счётчик № 01234567».
pub fn meter_name(label: Option<&str>, serial: &str) -> String {
    match label.map(str::trim).filter(|l| !l.is_empty()) {
        Some(label) => {
            td_string!(lang(), core.meter_named, label = label, serial = serial).to_string()
        }
        None => td_string!(lang(), core.meter_unnamed, serial = serial).to_string(),
    }
}

/// «Задолженность» / «Переплата» / «Баланс» and the amount, for a balance.
pub fn balance(d: Decimal) -> (&'static str, String, &'static str) {
    let l = lang();
    if d < Decimal::ZERO {
        (
            td_string!(l, core.balance.debt),
            rubles(-d),
            "balance--debt",
        )
    } else if d > Decimal::ZERO {
        (
            td_string!(l, core.balance.credit),
            rubles(d),
            "balance--credit",
        )
    } else {
        (td_string!(l, core.balance.zero), rubles(d), "balance--zero")
    }
}

/// What a request is (a question, a support request…).
pub fn request_kind(k: RequestKind) -> &'static str {
    let l = lang();
    match k {
        RequestKind::Question => td_string!(l, common.request_kind.question),
        RequestKind::Support => td_string!(l, common.request_kind.support),
        RequestKind::Change => td_string!(l, common.request_kind.change),
        RequestKind::ServiceOrder => td_string!(l, common.request_kind.service_order),
    }
}

/// Where a request stands («Принято», «В работе»…).
pub fn request_status(s: RequestStatus) -> &'static str {
    let l = lang();
    match s {
        RequestStatus::New => td_string!(l, common.request_status.received),
        RequestStatus::InProgress => td_string!(l, common.request_status.in_progress),
        RequestStatus::Answered => td_string!(l, common.request_status.answered),
        RequestStatus::Done => td_string!(l, common.request_status.done),
        RequestStatus::Rejected => td_string!(l, common.request_status.rejected),
    }
}

/// How a user holds an account: «Просмотр», «Полный доступ», «Владелец».
pub fn house_access(a: lk_domain::HouseAccess) -> &'static str {
    use crate::i18n::{lang, td_string};
    match a {
        lk_domain::HouseAccess::Owner => td_string!(lang(), house.family.owner),
        lk_domain::HouseAccess::Full => td_string!(lang(), house.family.full),
        lk_domain::HouseAccess::View => td_string!(lang(), house.family.view),
    }
}
