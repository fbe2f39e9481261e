//! A subscriber's personal data: parts of the name and a phone number.

use std::fmt;

use crate::text::{self, TextError};

crate::wire_enum! {
    /// What a user may do: subscribers see their own houses; operators answer requests;
    /// administrators also keep the content.
    pub enum Role {
        Subscriber = "subscriber",
        Operator = "operator",
        Admin = "admin",
    }
}

impl Role {
    /// Whether the role works in the company's console (an operator or an administrator).
    pub fn is_staff(self) -> bool {
        self != Role::Subscriber
    }
}

/// Why a surname, first name or patronymic is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name is longer than {} characters", NamePart::MAX_LEN)]
    TooLong,
    #[error("name may contain only letters, spaces, hyphens, apostrophes and dots")]
    BadCharacters,
}

/// One part of a person's name (surname, first name or patronymic): letters of any script,
/// with inner spaces, hyphens (Салтыков-Щедрин), apostrophes (Д'Артаньян) and dots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePart(String);

impl NamePart {
    pub const MAX_LEN: usize = 100;

    /// Parses an optional name part: blank input means "not given". The text is NFC-normalised
    /// and its whitespace collapsed ([`crate::text::clean_line`]); combining marks are accepted
    /// after a letter (the stress mark of «Ива́н»), control and bidi-control characters are not.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, NameError> {
        let Some(raw) = raw else { return Ok(None) };
        let name = match text::clean_line(raw, Self::MAX_LEN) {
            Ok(Some(name)) => name,
            Ok(None) => return Ok(None),
            Err(TextError::TooLong(_)) => return Err(NameError::TooLong),
            Err(TextError::ControlCharacters | TextError::Invisible) => {
                return Err(NameError::BadCharacters)
            }
        };
        let mut after_letter = false;
        let ok = name.chars().all(|c| {
            let fits = if text::is_combining_mark(c) {
                after_letter
            } else {
                c.is_alphabetic() || " -'’.".contains(c)
            };
            after_letter = c.is_alphabetic() || (after_letter && text::is_combining_mark(c));
            fits
        }) && name.chars().any(char::is_alphabetic);
        if ok {
            Ok(Some(Self(name)))
        } else {
            Err(NameError::BadCharacters)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NamePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a phone number is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number must have 10 digits after +7 (or 8)")]
    Malformed,
}

/// A Russian phone number in E.164 form, `+7XXXXXXXXXX`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts the ways people write Russian numbers — `+7 (915) 123-45-67`, `8 915 123 45 67`,
    /// `9151234567` — and normalises them to `+79151234567`. Blank input means "not given".
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, PhoneError> {
        let Some(raw) = raw else { return Ok(None) };
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
            || raw.chars().skip(1).any(|c| c == '+')
        {
            return Err(PhoneError::Malformed);
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let national = match (raw.starts_with('+'), digits.len()) {
            (true, 11) if digits.starts_with('7') => &digits[1..],
            (false, 11) if digits.starts_with('8') || digits.starts_with('7') => &digits[1..],
            (false, 10) => &digits[..],
            _ => return Err(PhoneError::Malformed),
        };
        Ok(Some(Self(format!("+7{national}"))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn name_parts_are_trimmed_and_blank_means_absent() {
        let p = NamePart::parse_optional(Some("  Салтыков-Щедрин "))
            .expect("ok")
            .expect("some");
        assert_eq!(p.as_str(), "Салтыков-Щедрин");
        assert_eq!(NamePart::parse_optional(Some("   ")), Ok(None));
        assert_eq!(NamePart::parse_optional(None), Ok(None));
        assert_eq!(
            NamePart::parse_optional(Some("Анна   Мария"))
                .expect("ok")
                .map(|p| p.0),
            Some("Анна Мария".into())
        );
    }

    #[test]
    fn names_with_digits_or_markup_are_rejected() {
        assert_eq!(
            NamePart::parse_optional(Some("Иван2")),
            Err(NameError::BadCharacters)
        );
        assert_eq!(
            NamePart::parse_optional(Some("<script>")),
            Err(NameError::BadCharacters)
        );
        assert_eq!(
            NamePart::parse_optional(Some("---")),
            Err(NameError::BadCharacters)
        );
        assert_eq!(
            NamePart::parse_optional(Some(&"я".repeat(101))),
            Err(NameError::TooLong)
        );
    }

    #[test]
    fn stress_marks_are_accepted_and_names_are_stored_in_nfc() {
        let p = NamePart::parse_optional(Some("Ива\u{0301}н"))
            .expect("ok")
            .expect("some");
        assert_eq!(p.as_str(), "Ива\u{0301}н");
        // «Ё» typed as Е + combining diaeresis is stored as the one character Ё.
        let p = NamePart::parse_optional(Some("Е\u{0308}жиков"))
            .expect("ok")
            .expect("some");
        assert_eq!(p.as_str(), "Ёжиков");
        assert_eq!(
            NamePart::parse_optional(Some("\u{0301}Иван")),
            Err(NameError::BadCharacters),
            "a mark needs a letter before it"
        );
    }

    #[test]
    fn bidi_controls_and_invisible_names_are_refused() {
        for raw in [
            "\u{202E}навИ",
            "Иван\u{2066}",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "Ив\u{200B}ан",
        ] {
            assert_eq!(
                NamePart::parse_optional(Some(raw)),
                Err(NameError::BadCharacters),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn russian_phone_numbers_are_normalised_to_e164() {
        for raw in [
            "+7 (915) 123-45-67",
            "8 915 123 45 67",
            "89151234567",
            "9151234567",
            "+79151234567",
        ] {
            let p = Phone::parse_optional(Some(raw)).expect("ok").expect("some");
            assert_eq!(p.as_str(), "+79151234567", "{raw}");
        }
        assert_eq!(Phone::parse_optional(Some(" ")), Ok(None));
    }

    #[test]
    fn wrong_phone_numbers_are_rejected() {
        for raw in [
            "123",
            "+1 202 555 0100",
            "8915123456789",
            "+7 915 abc 45 67",
            "7+9151234567",
            "+89151234567",
        ] {
            assert_eq!(
                Phone::parse_optional(Some(raw)),
                Err(PhoneError::Malformed),
                "{raw}"
            );
        }
    }

    proptest! {
        #[test]
        fn phone_parsing_never_panics_and_yields_e164(s in "\\PC{0,30}") {
            if let Ok(Some(p)) = Phone::parse_optional(Some(&s)) {
                prop_assert!(p.as_str().starts_with("+7") && p.as_str().len() == 12);
            }
        }
    }
}
