//! The company's identifiers: personal account numbers and meter serial numbers. Both are
//! normalised (trimmed, spaces and dashes removed) before anything compares them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest house name a subscriber may give, in characters.
pub const HOUSE_NAME_MAX: usize = 100;
/// Longest house address, in characters.
pub const HOUSE_ADDRESS_MAX: usize = 300;
/// Longest name a subscriber may give a meter, in characters.
pub const METER_LABEL_MAX: usize = 60;

crate::wire_enum! {
    /// The kinds of rows in an account's operations history.
    pub enum OperationKind {
        Invoice = "invoice",
        Reading = "reading",
        Payment = "payment",
    }
}

crate::wire_enum! {
    /// Where a subscriber's request to the company stands.
    pub enum RequestStatus {
        New = "new",
        InProgress = "in_progress",
        Done = "done",
        Rejected = "rejected",
    }
}

crate::wire_enum! {
    /// What a request to the contact centre is: a question (F2.4, «Задать вопрос») or a
    /// support request from the login page (F1.4, «Обратиться в Техническую поддержку»).
    pub enum RequestKind {
        Question = "question",
        Support = "support",
    }
}

/// The longest message to the contact centre, in characters.
pub const REQUEST_TEXT_MAX: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("empty")]
    Empty,
    #[error("wrong length")]
    Length,
    #[error("invalid characters")]
    Characters,
}

fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// A personal account number (лицевой счёт): 6–20 digits, leading zeros significant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountNumber(String);

impl AccountNumber {
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let s = compact(raw);
        if s.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(IdentifierError::Characters);
        }
        if !(6..=20).contains(&s.len()) {
            return Err(IdentifierError::Length);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountNumber {
    type Error = IdentifierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<AccountNumber> for String {
    fn from(a: AccountNumber) -> String {
        a.0
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A meter's factory serial number: 4–20 Latin letters or digits, compared in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MeterSerial(String);

impl MeterSerial {
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let s = compact(raw).to_ascii_uppercase();
        if s.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IdentifierError::Characters);
        }
        if !(4..=20).contains(&s.len()) {
            return Err(IdentifierError::Length);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MeterSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn account_numbers_are_normalised() {
        assert_eq!(
            AccountNumber::parse(" 6800-0000 0001 ").map(|a| a.0),
            Ok("680000000001".into())
        );
        assert_eq!(
            AccountNumber::parse("0012345").map(|a| a.0),
            Ok("0012345".into())
        );
        assert_eq!(AccountNumber::parse(""), Err(IdentifierError::Empty));
        assert_eq!(AccountNumber::parse("12345"), Err(IdentifierError::Length));
        assert_eq!(
            AccountNumber::parse("68000000000A"),
            Err(IdentifierError::Characters)
        );
        assert_eq!(
            AccountNumber::parse("1' OR '1'='1"),
            Err(IdentifierError::Characters)
        );
    }

    #[test]
    fn meter_serials_are_normalised_to_upper_case() {
        assert_eq!(
            MeterSerial::parse(" 0123 4567 ").map(|m| m.0),
            Ok("01234567".into())
        );
        assert_eq!(
            MeterSerial::parse("ab-12cd").map(|m| m.0),
            Ok("AB12CD".into())
        );
        assert_eq!(MeterSerial::parse("123"), Err(IdentifierError::Length));
        assert_eq!(
            MeterSerial::parse("счётчик1"),
            Err(IdentifierError::Characters)
        );
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "[0-9 -]{0,30}") {
            if let Ok(a) = AccountNumber::parse(&s) {
                prop_assert_eq!(AccountNumber::parse(a.as_str()), Ok(a.clone()));
            }
        }
    }
}
