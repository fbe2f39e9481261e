//! Password rules after NIST SP 800-63B §5.1.1.2: length matters, composition rules do not;
//! reject passwords that are known, repetitive or derived from the account itself.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Shortest accepted password, in characters.
pub const MIN_LEN: usize = 8;
/// Longest accepted password, in characters (long enough for passphrases, short enough to
/// keep hashing cheap).
pub const MAX_LEN: usize = 128;

/// Why a password is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password is shorter than {MIN_LEN} characters")]
    TooShort,
    #[error("password is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("password is the e-mail address")]
    SameAsEmail,
    #[error("password is too common")]
    TooCommon,
}

/// A password that satisfies the rules. It is never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// True for a run of one character or a straight ascending/descending sequence
/// (`aaaaaaaa`, `12345678`, `87654321`, `abcdefgh`).
fn is_trivial_sequence(p: &str) -> bool {
    let chars: Vec<u32> = p.chars().map(u32::from).collect();
    let steps: HashSet<i64> = chars
        .windows(2)
        .map(|w| i64::from(w[1]) - i64::from(w[0]))
        .collect();
    steps.len() == 1 && steps.iter().all(|s| s.abs() <= 1)
}

impl Password {
    /// Checks `raw` (taken as typed: spaces count) for an account whose e-mail is `email`.
    pub fn parse(raw: &str, email: &str) -> Result<Self, PasswordError> {
        let len = raw.chars().count();
        if len < MIN_LEN {
            return Err(PasswordError::TooShort);
        }
        if len > MAX_LEN {
            return Err(PasswordError::TooLong);
        }
        let lower = raw.to_lowercase();
        let email = email.trim().to_lowercase();
        let local = email.split('@').next().unwrap_or_default();
        if lower == email || (!local.is_empty() && lower == local) {
            return Err(PasswordError::SameAsEmail);
        }
        if common_passwords().contains(lower.as_str()) || is_trivial_sequence(&lower) {
            return Err(PasswordError::TooCommon);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The secret itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EMAIL: &str = "ivan@example.ru";

    #[test]
    fn length_limits_count_characters_not_bytes() {
        assert_eq!(
            Password::parse("short", EMAIL),
            Err(PasswordError::TooShort)
        );
        assert!(
            Password::parse("ёлкапалк", EMAIL).is_ok(),
            "8 Cyrillic letters are 8 characters"
        );
        assert!(Password::parse(&"x9".repeat(64), EMAIL).is_ok());
        assert_eq!(
            Password::parse(&"x9".repeat(64).add_char('z'), EMAIL),
            Err(PasswordError::TooLong)
        );
    }

    trait AddChar {
        fn add_char(self, c: char) -> String;
    }
    impl AddChar for String {
        fn add_char(mut self, c: char) -> String {
            self.push(c);
            self
        }
    }

    #[test]
    fn the_email_and_its_local_part_are_rejected_in_any_case() {
        assert_eq!(
            Password::parse("IVAN@example.ru", EMAIL),
            Err(PasswordError::SameAsEmail)
        );
        assert_eq!(
            Password::parse("longname", "LongName@x.ru"),
            Err(PasswordError::SameAsEmail)
        );
    }

    #[test]
    fn common_and_sequential_passwords_are_rejected() {
        for p in [
            "password",
            "Password1",
            "12345678",
            "qwerty123",
            "йцукен123",
            "87654321",
            "zzzzzzzzzz",
            "abcdefghij",
        ] {
            assert_eq!(
                Password::parse(p, EMAIL),
                Err(PasswordError::TooCommon),
                "{p}"
            );
        }
        assert!(Password::parse("correct horse battery staple", EMAIL).is_ok());
        assert!(Password::parse("demo-password", "demo@lk.example").is_ok());
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let p = Password::parse("my secret phrase", EMAIL).expect("valid");
        assert!(!format!("{p:?}").contains("secret"));
    }

    proptest! {
        #[test]
        fn any_accepted_password_has_an_allowed_length(s in "\\PC{0,140}") {
            if let Ok(p) = Password::parse(&s, EMAIL) {
                let n = p.expose().chars().count();
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&n));
            }
        }
    }
}
