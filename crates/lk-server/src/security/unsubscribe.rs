//! One-click unsubscribe tokens (RFC 8058) of reminder mails: `HMAC-SHA256(key, user | subject)`
//! under a key derived from the server's secret, URL-safe. A token names neither the user nor
//! the reminder in clear and cannot be made without the secret; the database keeps only its
//! digest ([`crate::security::tokens::digest`]), beside the subscription it switches off. The same user
//! and subject always give the same token, so every mail of a reminder carries a working link.
//! The digest is written when the user switches the reminder on: after a change of the
//! server's secret, links in mails sent before stop working (404) until the user switches the
//! reminder again in «Настройки» — they still can, and every mail says where.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::security::tokens::mac;
use lk_domain::reminders::ReminderKind;

/// Makes unsubscribe tokens with a key of the server's (the same on every node).
#[derive(Clone)]
pub struct UnsubscribeKeys {
    key: Vec<u8>,
}

/// What a token switches off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Reminder(ReminderKind),
    /// The paperless receipt of an account (by id).
    Paperless(i64),
}

impl Subject {
    fn text(self) -> String {
        match self {
            Subject::Reminder(kind) => kind.as_str().to_owned(),
            Subject::Paperless(account_id) => format!("paperless:{account_id}"),
        }
    }
}

impl UnsubscribeKeys {
    /// Derives the token key from the server's secret, so it is never the JWT key itself.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: mac(secret, b"lk unsubscribe v1").to_vec(),
        }
    }

    /// The token of `user_id`'s `subject` (43 URL-safe characters).
    pub fn token(&self, user_id: i64, subject: Subject) -> String {
        URL_SAFE_NO_PAD.encode(mac(
            &self.key,
            format!("{user_id}|{}", subject.text()).as_bytes(),
        ))
    }

    /// The digest kept in the database for that token.
    pub fn token_hash(&self, user_id: i64, subject: Subject) -> String {
        crate::security::tokens::digest(&self.token(user_id, subject))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_differ_by_user_subject_and_secret_and_do_not_show_the_user() {
        let keys = UnsubscribeKeys::new(b"0123456789abcdef0123456789abcdef");
        let debt = Subject::Reminder(ReminderKind::Debt);
        let t = keys.token(4242, debt);
        assert_eq!(t.len(), 43);
        assert!(!t.contains("4242"));
        assert_eq!(t, keys.token(4242, debt), "stable");
        assert_ne!(t, keys.token(4243, debt));
        assert_ne!(
            t,
            keys.token(4242, Subject::Reminder(ReminderKind::Invoice))
        );
        assert_ne!(t, keys.token(4242, Subject::Paperless(1)));
        let other = UnsubscribeKeys::new(b"another secret, another secret!!");
        assert_ne!(t, other.token(4242, debt));
        assert_eq!(keys.token_hash(4242, debt).len(), 64);
    }
}
