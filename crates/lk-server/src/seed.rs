//! Demo data and administrative user creation.

use chrono::Utc;
use lk_domain::{Email, NamePart, Password};

use crate::auth::password::hash_blocking;
use crate::db::{NewUser, Store, StoreError, UserRecord};

/// The demo subscriber of DESIGN.md.
pub const DEMO_EMAIL: &str = "demo@lk.example";
pub const DEMO_PASSWORD: &str = "demo-password";

/// Creates a confirmed user, applying the same rules as registration.
pub async fn create_user(
    store: &dyn Store,
    email: &str,
    password: &str,
    role: &str,
    last_name: Option<&str>,
    first_name: Option<&str>,
) -> anyhow::Result<UserRecord> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("e-mail: {e}"))?;
    let password =
        Password::parse(password, email.as_str()).map_err(|e| anyhow::anyhow!("password: {e}"))?;
    let last_name =
        NamePart::parse_optional(last_name).map_err(|e| anyhow::anyhow!("last name: {e}"))?;
    let first_name =
        NamePart::parse_optional(first_name).map_err(|e| anyhow::anyhow!("first name: {e}"))?;
    let secret = password.expose().to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_blocking(&secret)).await??;
    let now = Utc::now();
    let user = NewUser {
        email: email.as_str().to_owned(),
        email_normalized: email.normalized(),
        password_hash: hash,
        last_name: last_name.map(|n| n.as_str().to_owned()),
        first_name: first_name.map(|n| n.as_str().to_owned()),
        patronymic: None,
        phone: None,
        role: role.to_owned(),
        email_confirmed_at: Some(now),
        personal_data_consent_at: Some(now),
        now,
    };
    match store.create_user(&user).await {
        Ok(u) => Ok(u),
        Err(StoreError::Conflict) => anyhow::bail!("a user with e-mail {} already exists", email),
        Err(e) => Err(e.into()),
    }
}

/// Loads the demo data; running it again changes nothing.
pub async fn seed_demo(store: &dyn Store) -> anyhow::Result<String> {
    let mut report = Vec::new();
    if store.user_by_email(DEMO_EMAIL).await?.is_none() {
        create_user(
            store,
            DEMO_EMAIL,
            DEMO_PASSWORD,
            "subscriber",
            Some("Иванов"),
            Some("Иван"),
        )
        .await?;
        report.push(format!("demo user {DEMO_EMAIL} / {DEMO_PASSWORD} created"));
    } else {
        report.push(format!("demo user {DEMO_EMAIL} already present"));
    }
    Ok(report.join("\n"))
}
