//! E-mail addresses. Addresses are compared case-insensitively: `Ivan@Mail.ru` and
//! `ivan@mail.ru` are the same subscriber.

use std::fmt;

/// Why a string is not an acceptable e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("e-mail is empty")]
    Empty,
    #[error("e-mail is longer than 254 characters")]
    TooLong,
    #[error("e-mail is malformed")]
    Malformed,
}

/// A syntactically valid e-mail address, trimmed, as the user typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a domain with a dot, no spaces or
    /// control characters (the practical subset of RFC 5321 that mail servers accept).
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Malformed)?;
        let bad_char =
            |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"@".contains(c);
        let domain_ok = !domain.is_empty()
            && domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && !local.chars().any(bad_char);
        if local_ok && domain_ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(EmailError::Malformed)
        }
    }

    /// The address as entered (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which addresses are unique: lower-cased.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_trimmed() {
        let e = Email::parse("  Ivan.Petrov@Mail.RU ").expect("valid");
        assert_eq!(e.as_str(), "Ivan.Petrov@Mail.RU");
        assert_eq!(e.normalized(), "ivan.petrov@mail.ru");
        assert!(Email::parse("a+tag@sub.example.com").is_ok());
        assert!(Email::parse("абонент@почта.рф").is_ok());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "   ",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a b@c.ru",
            "a@@b.ru",
            "a@b..ru",
            ".a@b.ru",
            "a.@b.ru",
            "a..b@c.ru",
            "a@-b.ru",
            "a@b\n.ru",
            "<a>@b.ru",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".*") {
            let _ = Email::parse(&s);
        }

        #[test]
        fn normalized_form_is_case_insensitive(local in "[a-zA-Z0-9]{1,20}", domain in "[a-zA-Z]{1,10}") {
            let a = Email::parse(&format!("{local}@{domain}.ru")).expect("valid");
            let b = Email::parse(&format!("{}@{}.RU", local.to_uppercase(), domain.to_uppercase())).expect("valid");
            prop_assert_eq!(a.normalized(), b.normalized());
        }
    }
}
