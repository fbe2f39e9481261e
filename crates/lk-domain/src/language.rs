//! The languages of the portal: Russian (the company's, and the default) and English.

crate::wire_enum! {
    /// The language a user reads the portal, its e-mails and its receipts in (Russian unless
    /// chosen otherwise).
    #[derive(Default)]
    pub enum Language {
        #[default]
        Ru = "ru",
        En = "en",
    }
}

impl Language {
    /// The language to answer a guest in, from the `Accept-Language` header (RFC 9110
    /// §12.5.4): the listed language of the highest weight that the portal speaks (`en-GB`
    /// counts as `en`), Russian when none is; `q=0` rules a language out.
    pub fn from_accept_language(header: &str) -> Language {
        let mut best: Option<(u16, Language)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';').map(str::trim);
            let tag = parts.next().unwrap_or_default().to_ascii_lowercase();
            let weight = parts
                .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .map_or(Some(1000), parse_weight);
            let Some(weight) = weight else { continue };
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(language) = Language::parse(primary) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, language));
            }
        }
        best.map_or_else(Language::default, |(_, l)| l)
    }
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths; `None` when malformed.
fn parse_weight(q: &str) -> Option<u16> {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(fraction),
        "1" if fraction == 0 => Some(1000),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heaviest_spoken_language_wins() {
        assert_eq!(
            Language::from_accept_language("en-US,en;q=0.9"),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language("ru-RU,ru;q=0.9,en;q=0.8"),
            Language::Ru
        );
        assert_eq!(
            Language::from_accept_language("de-DE,en;q=0.5,ru;q=0.7"),
            Language::Ru
        );
        assert_eq!(
            Language::from_accept_language("fr, EN-gb;q=0.3"),
            Language::En
        );
    }

    #[test]
    fn russian_when_nothing_spoken_is_asked_for() {
        assert_eq!(Language::from_accept_language(""), Language::Ru);
        assert_eq!(Language::from_accept_language("de, fr;q=0.5"), Language::Ru);
        assert_eq!(Language::from_accept_language("*"), Language::Ru);
        assert_eq!(Language::from_accept_language("en;q=0"), Language::Ru);
        assert_eq!(
            Language::from_accept_language("en;q=2, ru;q=x"),
            Language::Ru
        );
    }
}
