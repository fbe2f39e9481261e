//! Attempt limits in fixed windows, counted in the database so that every node sees the same
//! numbers. Counting is one atomic statement that increments and reads (`INSERT … ON CONFLICT
//! … RETURNING`): parallel requests cannot overrun a limit, on one node or many.
//!
//! Rules that limit failures (wrong passwords, wrong account numbers) count every attempt
//! before the work is done and give the attempt back when it succeeds, so a limit of 10 means
//! at most 10 password checks, however many arrive at once.

use chrono::{DateTime, Utc};
use lk_api_types::ErrorCode;

use crate::config::ThrottleConfig;
use crate::db::Store;
use crate::error::ApiError;
use crate::metrics::Metrics;

/// A throttling rule: at most `limit` per `window_secs` for a key.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub limit: i64,
    pub window_secs: i64,
}

/// Every throttling rule of the API, from the configured limits: one place to read them all.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Failed logins for an account from browsers it has never signed in from.
    pub login_email: Rule,
    /// Failed logins for an account from one browser it has signed in from before.
    pub login_device: Rule,
    pub login_ip: Rule,
    pub register_email: Rule,
    pub register_ip: Rule,
    pub forgot_email: Rule,
    pub forgot_ip: Rule,
    /// Wrong current passwords of one user (as many as failed logins for an account).
    pub change_password: Rule,
    /// Failed account bindings of one user, and from one address.
    pub bind_user: Rule,
    pub bind_ip: Rule,
    /// Messages to the contact centre from one address, and from one e-mail.
    pub contact_ip: Rule,
    pub contact_email: Rule,
    /// Wrong second-factor codes of one user.
    pub second_factor: Rule,
    /// Readings and payment without an account: every request from one address, and wrong
    /// meter numbers for one account number.
    pub guest_ip: Rule,
    pub guest_account: Rule,
    /// Family invitations sent by one user.
    pub invite: Rule,
}

impl Rules {
    pub fn of(t: &ThrottleConfig) -> Self {
        let r = |name, limit| Rule {
            name,
            limit,
            window_secs: t.window_secs,
        };
        Rules {
            login_email: r("login-email", t.login_per_email),
            login_device: r("login-device", t.login_per_device),
            login_ip: r("login-ip", t.login_per_ip),
            register_email: r("register-email", t.register_per_email),
            register_ip: r("register-ip", t.register_per_ip),
            forgot_email: r("forgot-email", t.forgot_per_email),
            forgot_ip: r("forgot-ip", t.forgot_per_ip),
            change_password: r("change-password", t.login_per_email),
            bind_user: r("bind-user", t.bind_per_user),
            bind_ip: r("bind-ip", t.bind_per_ip),
            contact_ip: r("contact-ip", t.contact_per_ip),
            contact_email: r("contact-email", t.contact_per_email),
            second_factor: r("second-factor", t.second_factor_per_user),
            guest_ip: r("guest-ip", t.guest_per_ip),
            guest_account: r("guest-account", t.guest_per_account),
            invite: r("invite-user", t.invite_per_user),
        }
    }
}

/// One counted attempt; [`Attempt::give_back`] when it turned out not to count (a success).
#[must_use = "give the attempt back when it succeeds"]
#[derive(Debug)]
pub struct Attempt {
    key: Option<String>,
    window_start: i64,
}

impl Rule {
    fn window(&self, now: DateTime<Utc>) -> (i64, i64) {
        let t = now.timestamp();
        let start = t - t.rem_euclid(self.window_secs.max(1));
        (start, start + self.window_secs - t)
    }

    fn key(&self, subject: &str) -> String {
        format!("{}:{}", self.name, subject)
    }

    fn too_many(&self, metrics: &Metrics, now: DateTime<Utc>) -> ApiError {
        let (_, retry) = self.window(now);
        tracing::warn!(rule = self.name, "throttled");
        metrics.throttled(self.name);
        ApiError::TooManyRequests {
            retry_after_secs: retry,
            code: ErrorCode::TooManyRequests,
        }
    }

    /// Counts one attempt atomically; 429 once the limit is passed.
    pub async fn hit(
        &self,
        store: &dyn Store,
        metrics: &Metrics,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        self.attempt(store, metrics, subject, now).await.map(|_| ())
    }

    /// Counts one attempt atomically and answers 429 when it is over the limit. The returned
    /// [`Attempt`] is given back if the attempt succeeds, so only failures stay counted.
    pub async fn attempt(
        &self,
        store: &dyn Store,
        metrics: &Metrics,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Attempt, ApiError> {
        let (start, _) = self.window(now);
        if self.limit <= 0 {
            return Ok(Attempt {
                key: None,
                window_start: start,
            });
        }
        let key = self.key(subject);
        let hits = store.throttle_hit(&key, start, 1).await?;
        if hits > self.limit {
            return Err(self.too_many(metrics, now));
        }
        Ok(Attempt {
            key: Some(key),
            window_start: start,
        })
    }

    /// Forgets every failure of `subject` (after a success that proves the owner).
    pub async fn clear(&self, store: &dyn Store, subject: &str) -> Result<(), ApiError> {
        store.throttle_clear(&self.key(subject)).await?;
        Ok(())
    }
}

impl Attempt {
    /// The attempt succeeded: it no longer counts against the limit.
    pub async fn give_back(self, store: &dyn Store) -> Result<(), ApiError> {
        if let Some(key) = &self.key {
            store.throttle_give_back(key, self.window_start).await?;
        }
        Ok(())
    }
}
