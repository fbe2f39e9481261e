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
    /// Where a subscriber's request to the company stands: `new` until an operator takes it,
    /// `in_progress` while it is handled, `answered` when the operator has replied, and closed
    /// as `done` or `rejected`.
    pub enum RequestStatus {
        New = "new",
        InProgress = "in_progress",
        Answered = "answered",
        Done = "done",
        Rejected = "rejected",
    }
}

impl RequestStatus {
    /// As subscribers and operators read it.
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::New => "Принято",
            RequestStatus::InProgress => "В работе",
            RequestStatus::Answered => "Дан ответ",
            RequestStatus::Done => "Выполнено",
            RequestStatus::Rejected => "Отклонено",
        }
    }

    /// Closed: nothing more will happen unless an operator reopens it.
    pub fn is_closed(self) -> bool {
        matches!(self, RequestStatus::Done | RequestStatus::Rejected)
    }

    /// Whether an operator may move a request from this status to `to`: forward from `new`
    /// to any other, between the open ones freely, and a closed one only back into work
    /// (`in_progress`). Nothing moves back to `new`, and a status does not "change" to itself.
    pub fn can_move_to(self, to: RequestStatus) -> bool {
        use RequestStatus::*;
        match (self, to) {
            (a, b) if a == b => false,
            (_, New) => false,
            (Done | Rejected, InProgress) => true,
            (Done | Rejected, _) => false,
            _ => true,
        }
    }

    /// The status after an operator's reply when the operator names none: a reply answers an
    /// open request and leaves a closed one as it is.
    pub fn after_reply(self) -> RequestStatus {
        if self.is_closed() {
            self
        } else {
            RequestStatus::Answered
        }
    }
}

crate::wire_enum! {
    /// What a request to the company is: a question (F2.4, «Задать вопрос»), a support
    /// request from the login page (F1.4, «Обратиться в Техническую поддержку»), a request to
    /// change the subscriber's data (F11.2, «Изменить данные абонента») or a service order
    /// (F12.1, «Заказать услугу»).
    pub enum RequestKind {
        Question = "question",
        Support = "support",
        Change = "change",
        ServiceOrder = "service_order",
    }
}

impl RequestKind {
    /// As subscribers and operators read it.
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Question => "Вопрос",
            RequestKind::Support => "Техническая поддержка",
            RequestKind::Change => "Изменение данных абонента",
            RequestKind::ServiceOrder => "Заказ услуги",
        }
    }
}

/// The longest message to the contact centre, in characters.
pub const REQUEST_TEXT_MAX: usize = 4000;

#[cfg(test)]
mod request_tests {
    use super::RequestStatus::*;

    #[test]
    fn requests_move_forward_and_closed_ones_only_reopen() {
        assert!(New.can_move_to(InProgress));
        assert!(New.can_move_to(Rejected));
        assert!(InProgress.can_move_to(Answered));
        assert!(Answered.can_move_to(Done));
        assert!(Done.can_move_to(InProgress));
        assert!(!Done.can_move_to(Answered));
        assert!(!Rejected.can_move_to(Done));
        assert!(!InProgress.can_move_to(New));
        assert!(!Answered.can_move_to(Answered));
    }

    #[test]
    fn a_reply_answers_an_open_request_only() {
        assert_eq!(New.after_reply(), Answered);
        assert_eq!(InProgress.after_reply(), Answered);
        assert_eq!(Done.after_reply(), Done);
    }
}

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
