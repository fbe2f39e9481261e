//! Text people type into the portal (names, addresses, comments), made safe to store, show and
//! compare: Unicode NFC (UAX #15) so that «й» typed two ways is one string, no control or
//! bidirectional-control characters (the "Trojan Source" trick, CVE-2021-42574, that shows text
//! in another order than it is stored), and at least one visible character.

use unicode_normalization::UnicodeNormalization;

/// Why a piece of text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("longer than {0} characters")]
    TooLong(usize),
    #[error("contains control or bidirectional-control characters")]
    ControlCharacters,
    #[error("has no visible characters")]
    Invisible,
}

/// Bidirectional controls of Unicode (UAX #9): embeddings and overrides U+202A–U+202E,
/// isolates U+2066–U+2069, the marks U+200E, U+200F and U+061C.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that take no room on screen (Unicode's Default_Ignorable_Code_Point, plus the
/// blank-looking Hangul fillers and the Braille blank): a value made only of them looks empty.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// True for combining marks (general category M): the stress mark of «Ива́н», the diaeresis of
/// a decomposed «ё».
pub fn is_combining_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// The limit holds for the text as sent (as JSON Schema's `maxLength` counts it), blank or not.
fn too_long(raw: &str, max_chars: usize) -> Result<(), TextError> {
    if raw.chars().count() > max_chars {
        return Err(TextError::TooLong(max_chars));
    }
    Ok(())
}

fn check(s: &str, max_chars: usize, allowed_control: &[char]) -> Result<(), TextError> {
    if s.chars()
        .any(|c| is_bidi_control(c) || (c.is_control() && !allowed_control.contains(&c)))
    {
        return Err(TextError::ControlCharacters);
    }
    if s.chars().count() > max_chars {
        return Err(TextError::TooLong(max_chars));
    }
    if s.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err(TextError::Invisible);
    }
    Ok(())
}

/// One line of text (a name, an address, a label): NFC, runs of whitespace collapsed to one
/// space, trimmed; at most `max_chars` characters. Blank input means "not given" (`None`).
pub fn clean_line(raw: &str, max_chars: usize) -> Result<Option<String>, TextError> {
    too_long(raw, max_chars)?;
    let line = raw
        .nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if line.is_empty() {
        return Ok(None);
    }
    check(&line, max_chars, &[])?;
    Ok(Some(line))
}

/// Several lines of text (a comment): NFC, CR LF turned into LF, trimmed; line breaks and tabs
/// stay. Blank input means "not given" (`None`).
pub fn clean_block(raw: &str, max_chars: usize) -> Result<Option<String>, TextError> {
    too_long(raw, max_chars)?;
    let text = raw.nfc().collect::<String>().replace("\r\n", "\n");
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    check(text, max_chars, &['\n', '\t'])?;
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_nfc_normalised_and_whitespace_collapsed() {
        // «й» as и + combining breve becomes the single character й.
        assert_eq!(
            clean_line("  Мои\u{0306}   дом ", 100),
            Ok(Some("Мой дом".into()))
        );
        assert_eq!(clean_line("   ", 100), Ok(None));
        assert_eq!(
            clean_block("строка 1\r\nстрока 2\n", 100),
            Ok(Some("строка 1\nстрока 2".into()))
        );
    }

    #[test]
    fn bidi_controls_are_refused_wherever_they_are() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            let s = format!("ул. Мира{c}, 1");
            assert_eq!(
                clean_line(&s, 100),
                Err(TextError::ControlCharacters),
                "{c:?}"
            );
            assert_eq!(
                clean_block(&s, 100),
                Err(TextError::ControlCharacters),
                "{c:?}"
            );
        }
        assert_eq!(
            clean_line("a\u{0007}b", 100),
            Err(TextError::ControlCharacters)
        );
        assert_eq!(
            clean_block("a\u{0000}b", 100),
            Err(TextError::ControlCharacters)
        );
    }

    #[test]
    fn invisible_only_values_are_refused() {
        for s in [
            "\u{200B}",
            "\u{200B}\u{200D} \u{2060}",
            "\u{FEFF}",
            "\u{3164}",
            "\u{00AD}",
        ] {
            assert_eq!(clean_line(s, 100), Err(TextError::Invisible), "{s:?}");
        }
        assert!(clean_line("Дача\u{200D}", 100).is_ok());
    }

    #[test]
    fn length_is_counted_as_sent_and_as_stored() {
        let decomposed = "е\u{0308}".repeat(50); // 50 × «ё», 100 code points before NFC
        assert_eq!(clean_line(&decomposed, 100), Ok(Some("ё".repeat(50))));
        assert_eq!(
            clean_line(&format!("{decomposed} "), 100),
            Err(TextError::TooLong(100))
        );
        assert_eq!(
            clean_line(&" ".repeat(101), 100),
            Err(TextError::TooLong(100))
        );
        assert_eq!(
            clean_line(&"ё".repeat(101), 100),
            Err(TextError::TooLong(100))
        );
    }

    proptest! {
        #[test]
        fn accepted_lines_are_nfc_and_free_of_controls(s in "\\PC{0,60}|[\u{200B}-\u{206F} a-я\u{0300}-\u{036F}]{0,20}") {
            if let Ok(Some(line)) = clean_line(&s, 1000) {
                prop_assert!(unicode_normalization::is_nfc(&line));
                prop_assert!(!line.chars().any(|c| c.is_control() || is_bidi_control(c)));
                prop_assert!(line.chars().any(|c| !c.is_whitespace() && !is_invisible(c)));
                prop_assert_eq!(clean_line(&line, 1000), Ok(Some(line.clone())));
            }
        }
    }
}
