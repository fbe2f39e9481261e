//! Access tokens (HS256 JWT, short-lived, kept in the SPA's memory) and opaque random tokens
//! (refresh, e-mail confirmation, password reset) that are stored only as SHA-256 digests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Name of the HttpOnly cookie that carries the refresh token.
pub const REFRESH_COOKIE: &str = "lk_refresh";

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Session (refresh-token family) id: ending the session ends its access tokens too.
    pub sid: String,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub ttl_secs: i64,
}

impl JwtKeys {
    pub fn new(secret: &[u8], ttl_secs: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl_secs,
        }
    }

    pub fn issue(
        &self,
        user_id: i64,
        session_id: &str,
        role: lk_domain::Role,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id.to_owned(),
            role: role.as_str().to_owned(),
            iat: now.timestamp(),
            exp: now.timestamp() + self.ttl_secs,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The claims of a valid, unexpired token signed with our key.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 5;
        decode::<Claims>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
    }
}

/// A new random token: 256 bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API key for an integrator: `lka_` and 256 random bits; returns the key (shown once),
/// its prefix (shown in lists) and the digest that is stored.
pub fn new_api_key() -> (String, String, String) {
    let key = format!("{}{}", lk_domain::integration::KEY_PREFIX, random_token());
    let prefix = key.chars().take(12).collect();
    let hash = digest(&key);
    (key, prefix, hash)
}

/// The digest under which a token is stored: the database never holds a usable token.
pub fn digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC-SHA256 of `msg` under `key` (signed cookies and unsubscribe links).
pub(super) fn mac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut m = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return [0; 32],
    };
    m.update(msg);
    m.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_token_round_trips_and_a_forged_one_does_not() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef", 900);
        let t = keys
            .issue(42, "s1", lk_domain::Role::Subscriber, Utc::now())
            .expect("issue");
        let c = keys.verify(&t).expect("valid");
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("42", "s1"));
        let other = JwtKeys::new(b"another secret another secret!!!", 900);
        assert!(other.verify(&t).is_none());
        let expired = keys
            .issue(
                42,
                "s1",
                lk_domain::Role::Subscriber,
                Utc::now() - chrono::Duration::hours(1),
            )
            .expect("issue");
        assert!(keys.verify(&expired).is_none());
    }

    #[test]
    fn random_tokens_are_unique_and_digests_hide_them() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(digest(&a).len(), 64);
        assert!(!digest(&a).contains(&a));
    }
}
