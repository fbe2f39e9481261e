//! The server's message catalogue (rust-i18n, `crates/lk-server/locales/*.yml`): e-mails and
//! receipts in the reader's language. Every lookup names its language
//! (`t!(key, locale = …)`); the library's process-wide current locale is never set, since
//! requests in different languages run side by side.

use actix_web::http::header;
use actix_web::HttpRequest;
use lk_domain::{Kopecks, Language};

/// A message of the catalogue in `language`, its `%{name}` placeholders filled in:
/// `text!(language, "mail.confirm_email.body", company = …, link = …)`.
macro_rules! text {
    ($language:expr, $key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        rust_i18n::t!($key, locale = $language.as_str() $(, $name = $value)*).into_owned()
    };
}
pub(crate) use text;

/// The language to answer a request in when no user's language is known: its
/// `Accept-Language` (the SPA sends the language on screen), Russian without one.
pub fn request_language(req: &HttpRequest) -> Language {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or_else(Language::default, Language::from_accept_language)
}

/// A sum of money as the language writes it: `1 234,56 ₽`, `₽1,234.56`.
pub fn money(k: Kopecks, language: Language) -> String {
    match language {
        Language::Ru => k.format_ru(),
        Language::En => k.format_en(),
    }
}

/// A date as the language writes it: «05.10.2026», «5 Oct 2026».
pub fn date(d: chrono::NaiveDate, language: Language) -> String {
    d.format(&text!(language, "receipt.date_format"))
        .to_string()
}

/// A billing month: «октябрь 2026 г.», «October 2026».
pub fn month(d: chrono::NaiveDate, language: Language) -> String {
    use chrono::Datelike;
    let name = match language {
        Language::Ru => lk_domain::calendar::MONTHS[d.month0() as usize].to_owned(),
        Language::En => d.format("%B").to_string(),
    };
    text!(language, "receipt.month", month = name, year = d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dotted keys of a catalogue file as written here: two spaces a level, one key a line.
    fn keys(yaml: &str) -> Vec<String> {
        let mut path: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for line in yaml.lines() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let level = (line.len() - trimmed.len()) / 2;
            let Some((name, value)) = trimmed.split_once(':') else {
                panic!("not a key: {line}");
            };
            path.truncate(level);
            path.push(name.to_owned());
            if !value.trim().is_empty() {
                out.push(path.join("."));
            }
        }
        out
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let ru = keys(include_str!("../locales/ru.yml"));
        let en = keys(include_str!("../locales/en.yml"));
        assert!(ru.len() > 40, "{ru:?}");
        assert_eq!(
            ru, en,
            "the catalogues list the same keys in the same order"
        );
        for key in &ru {
            let (r, e) = (
                text!(Language::Ru, key.as_str()),
                text!(Language::En, key.as_str()),
            );
            assert_ne!(&r, key, "{key} is missing in Russian");
            // A key missing in English falls back to the Russian text.
            assert_ne!(r, e, "{key} is not translated");
        }
    }

    #[test]
    fn zone_names_agree_with_the_domain() {
        for zone in [
            lk_domain::Zone::Single,
            lk_domain::Zone::Day,
            lk_domain::Zone::Night,
            lk_domain::Zone::Peak,
            lk_domain::Zone::HalfPeak,
        ] {
            let key = format!("receipt.zone.{}", zone.as_str());
            assert_eq!(text!(Language::Ru, key.as_str()), zone.label_ru());
        }
    }

    #[test]
    fn money_in_english_groups_thousands_with_commas() {
        assert_eq!(money(Kopecks(123_456_789), Language::En), "₽1,234,567.89");
        assert_eq!(money(Kopecks(-5), Language::En), "−₽0.05");
        assert_eq!(
            money(Kopecks(123_456), Language::Ru),
            Kopecks(123_456).format_ru()
        );
    }
}
