//! Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a browser
//! that has signed in to an account gets a signed cookie naming that account. Its later
//! attempts for that account are limited on their own, per device; attempts from anywhere
//! else share the account's "untrusted clients" limit. So a stranger guessing a subscriber's
//! password from elsewhere locks out only unknown browsers, never the subscriber's own.
//!
//! A cookie names the account's credential too (a digest of its password hash): after a
//! password change or reset, every browser is unknown again until it signs in with the new
//! password, so someone who once knew the old one keeps no allowance of their own.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::security::tokens::mac;

/// Name of the HttpOnly cookie, sent only to the login endpoint.
pub const DEVICE_COOKIE: &str = "lk_device";
pub const DEVICE_COOKIE_PATH: &str = "/api/v1/auth/login";
/// How long a browser stays known without signing in again.
pub const DEVICE_COOKIE_DAYS: i64 = 365;

/// Issues and checks device cookies with a key of the server's (the same on every node).
#[derive(Clone)]
pub struct DeviceKeys {
    key: Vec<u8>,
}

impl DeviceKeys {
    /// Derives the cookie key from the server's secret, so it is never the JWT key itself.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: mac(secret, b"lk device cookie v1").to_vec(),
        }
    }

    /// A new cookie value for `account` (the normalised e-mail) with the credential
    /// `password_hash`: `v1.<device>.<mac>`.
    pub fn issue(&self, account: &str, password_hash: &str) -> String {
        let device = crate::security::tokens::random_token();
        let tag = URL_SAFE_NO_PAD.encode(mac(
            &self.key,
            message(&device, account, password_hash).as_bytes(),
        ));
        format!("v1.{device}.{tag}")
    }

    /// The device id of a genuine cookie issued for `account` while its credential was
    /// `password_hash`; `None` for anything else.
    pub fn verify(&self, cookie: &str, account: &str, password_hash: &str) -> Option<String> {
        let rest = cookie.strip_prefix("v1.")?;
        let (device, tag) = rest.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut m = Hmac::<Sha256>::new_from_slice(&self.key).ok()?;
        m.update(message(device, account, password_hash).as_bytes());
        // Constant-time comparison.
        m.verify_slice(&tag).ok()?;
        Some(device.to_owned())
    }
}

fn message(device: &str, account: &str, password_hash: &str) -> String {
    format!(
        "{device}|{account}|{}",
        crate::security::tokens::digest(password_hash)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_good_only_for_its_account_credential_and_key() {
        let keys = DeviceKeys::new(b"server secret");
        let (anna, hash) = ("anna@example.ru", "$argon2id$old");
        let c = keys.issue(anna, hash);
        let device = keys.verify(&c, anna, hash).expect("genuine");
        assert!(c.contains(&device));
        assert_eq!(keys.verify(&c, "boris@example.ru", hash), None);
        assert_eq!(
            keys.verify(&c, anna, "$argon2id$new"),
            None,
            "a new password forgets the browsers"
        );
        assert_eq!(DeviceKeys::new(b"another").verify(&c, anna, hash), None);
        let forged = c.replace(&device, "my-own-device");
        assert_eq!(keys.verify(&forged, anna, hash), None);
        assert_eq!(keys.verify("garbage", anna, hash), None);
    }
}
