//! Two-factor sign-in (X9): what a second-factor code may look like, which time steps a TOTP
//! code is accepted for, and the shape of one-time recovery codes. The HMAC itself (RFC 6238)
//! is computed by a maintained crate on the server; the rules are here.

/// Whether a user of `role` must sign in with a second factor: staff (operators and admins)
/// when the company requires it of them (`staff_must`); subscribers choose for themselves.
pub fn required(role: crate::Role, staff_must: bool) -> bool {
    staff_must && role.is_staff()
}

/// Seconds per TOTP time step (RFC 6238's default, what every authenticator app uses).
pub const STEP_SECS: u64 = 30;
/// Digits of a TOTP code.
pub const DIGITS: usize = 6;
/// Steps either side of now a code is still accepted for: a phone's clock a little off, or a
/// code typed as it changed.
pub const SKEW_STEPS: u64 = 1;
/// Recovery codes issued at once.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code, without its hyphen.
pub const RECOVERY_CODE_LEN: usize = 10;
/// The alphabet of recovery codes: lower-case letters and digits without the look-alikes
/// 0/o, 1/l/i — easy to read off paper and type on a phone.
pub const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Attempts one sign-in challenge allows before the password has to be entered again.
pub const CHALLENGE_ATTEMPTS: i64 = 5;
/// How long the second step of a sign-in may take, in seconds.
pub const CHALLENGE_TTL_SECS: i64 = 300;

/// What the user typed as their second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits from the authenticator app.
    Totp(String),
    /// One of the recovery codes, normalised (lower case, no hyphen or spaces).
    Recovery(String),
}

/// Why a second-factor entry cannot be a code at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecondFactorError {
    #[error("empty")]
    Empty,
    #[error("neither six digits nor a recovery code")]
    Malformed,
}

impl SecondFactor {
    /// Reads a code as typed: spaces and hyphens are ignored (apps show «123 456», recovery
    /// codes are printed «abcde-fghjk»), letters in any case.
    pub fn parse(input: &str) -> Result<Self, SecondFactorError> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if s.is_empty() {
            return Err(SecondFactorError::Empty);
        }
        if s.len() == DIGITS && s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(SecondFactor::Totp(s));
        }
        if s.len() == RECOVERY_CODE_LEN && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
            return Ok(SecondFactor::Recovery(s));
        }
        Err(SecondFactorError::Malformed)
    }
}

/// The time step of a moment (seconds since the Unix epoch).
pub fn step_of(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// The steps a code typed at `unix_secs` may belong to, the current one first, that are later
/// than `last_used` (a code works once: neither it nor an older one is accepted again).
pub fn candidate_steps(unix_secs: u64, last_used: Option<u64>) -> Vec<u64> {
    let now = step_of(unix_secs);
    let mut steps = vec![now];
    for d in 1..=SKEW_STEPS {
        steps.push(now.saturating_sub(d));
        steps.push(now + d);
    }
    steps.dedup();
    steps.retain(|s| last_used.is_none_or(|l| *s > l));
    steps
}

/// A recovery code from random bytes (one character per byte, so a byte source of at least
/// `RECOVERY_CODE_LEN` bytes is needed; ≈ 49 bits each).
pub fn recovery_code(random: &[u8]) -> String {
    random
        .iter()
        .take(RECOVERY_CODE_LEN)
        .map(|b| RECOVERY_ALPHABET[*b as usize % RECOVERY_ALPHABET.len()] as char)
        .collect()
}

/// A recovery code as it is shown and printed: «abcde-fghjk».
pub fn display_recovery_code(code: &str) -> String {
    let (a, b) = code.split_at(code.len() / 2);
    format!("{a}-{b}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn staff_must_use_a_second_factor_only_where_the_company_says_so() {
        use crate::Role;
        for role in [Role::Operator, Role::Admin] {
            assert!(super::required(role, true));
            assert!(!super::required(role, false));
        }
        assert!(
            !super::required(Role::Subscriber, true),
            "subscribers choose for themselves"
        );
    }

    use super::*;

    #[test]
    fn codes_are_read_as_typed() {
        assert_eq!(
            SecondFactor::parse(" 123 456 "),
            Ok(SecondFactor::Totp("123456".into()))
        );
        assert_eq!(
            SecondFactor::parse("ABCDE-FGHJK"),
            Ok(SecondFactor::Recovery("abcdefghjk".into()))
        );
        assert_eq!(SecondFactor::parse("  "), Err(SecondFactorError::Empty));
        assert_eq!(
            SecondFactor::parse("12345"),
            Err(SecondFactorError::Malformed)
        );
        // An «l» or «0» is never in a recovery code.
        assert_eq!(
            SecondFactor::parse("abcde-fghjl"),
            Err(SecondFactorError::Malformed)
        );
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_never_again() {
        let t = 1_700_000_000;
        let now = t / 30;
        assert_eq!(candidate_steps(t, None), vec![now, now - 1, now + 1]);
        // The current step was used: only the next one is left.
        assert_eq!(candidate_steps(t, Some(now)), vec![now + 1]);
        assert!(candidate_steps(t, Some(now + 1)).is_empty());
        assert_eq!(candidate_steps(0, None), vec![0, 1]);
    }

    #[test]
    fn recovery_codes_use_the_readable_alphabet() {
        let code = recovery_code(&[0, 1, 2, 30, 31, 255, 7, 8, 9, 10, 11]);
        assert_eq!(code.len(), RECOVERY_CODE_LEN);
        assert_eq!(
            SecondFactor::parse(&display_recovery_code(&code)),
            Ok(SecondFactor::Recovery(code.clone()))
        );
        assert_eq!(display_recovery_code("abcdefghjk"), "abcde-fghjk");
    }
}
