//! Layered configuration: built-in defaults < optional `lk.toml` < environment
//! (`LK_…`, `DATABASE_URL`). With no configuration at all the server starts on SQLite.

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Log output: human-readable for development, JSON lines for production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The company's branding and public links.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompanyConfig {
    pub name: String,
    pub short_name: String,
    pub site_url: String,
    pub support_email: String,
    pub support_phone: String,
}

impl Default for CompanyConfig {
    fn default() -> Self {
        Self {
            name: "ПАО «Тамбовская энергосбытовая компания»".into(),
            short_name: "ТЭСК".into(),
            site_url: "https://www.tesk.su/".into(),
            support_email: "support@lk.example".into(),
            support_phone: "8 800 000-00-00".into(),
        }
    }
}

/// Limits on attempts, per fixed window. A limit of 0 switches the rule off.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThrottleConfig {
    pub window_secs: i64,
    /// Failed logins for one e-mail per window.
    pub login_per_email: i64,
    /// Login attempts from one IP address per window.
    pub login_per_ip: i64,
    /// Registrations from one IP address per window.
    pub register_per_ip: i64,
    /// Registration attempts for one e-mail per window.
    pub register_per_email: i64,
    /// Password-recovery requests for one e-mail per window.
    pub forgot_per_email: i64,
    /// Password-recovery requests from one IP address per window.
    pub forgot_per_ip: i64,
    /// Failed account bindings of one user per window.
    pub bind_per_user: i64,
    /// Failed account bindings from one IP address per window.
    pub bind_per_ip: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            window_secs: 15 * 60,
            login_per_email: 10,
            login_per_ip: 100,
            register_per_ip: 20,
            register_per_email: 5,
            forgot_per_email: 5,
            forgot_per_ip: 20,
            bind_per_user: 10,
            bind_per_ip: 30,
        }
    }
}

/// Everything the server needs to know at start-up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub addr: String,
    /// Base URL of the portal as users see it; links in e-mails start with it.
    pub public_url: String,
    /// The built SPA (Trunk's `dist`).
    pub static_dir: PathBuf,
    /// Where the server keeps files of its own (SQLite database, generated JWT secret).
    pub data_dir: PathBuf,
    /// `smtp://user:pass@host:port` or `smtps://…`; unset → the development mailbox.
    pub smtp_url: Option<String>,
    /// Sender of the portal's e-mails.
    pub mail_from: String,
    /// HS256 key of the access tokens; unset → generated once and kept in `data_dir`.
    pub jwt_secret: Option<String>,
    pub log_format: LogFormat,
    /// Lifetime of an access token.
    pub access_token_ttl_secs: i64,
    /// Lifetime of a refresh token (a session lasts this long without activity).
    pub refresh_token_ttl_days: i64,
    /// Whether the refresh cookie carries `Secure` (browsers treat http://localhost as secure).
    pub cookie_secure: bool,
    /// Password hashes computed at once; the excess is answered with 429.
    pub max_concurrent_hashes: usize,
    /// Largest accepted JSON body, in bytes.
    pub json_limit_bytes: usize,
    pub company: CompanyConfig,
    pub throttle: ThrottleConfig,
    /// Days of the month (Europe/Moscow) when readings are accepted; `enabled = false` accepts
    /// them any day. `LK_READING_WINDOW__FIRST_DAY=15`, `…__LAST_DAY=25`, `…__ENABLED=false`.
    pub reading_window: lk_domain::reading::ReadingWindow,
    pub payments: PaymentsConfig,
    /// Bank details printed on receipts and encoded in their QR code.
    pub payee: PayeeConfig,
}

/// The payee of receipts (the company) and its bank: `LK_PAYEE__INN=…`, `LK_PAYEE__BIC=…`.
/// Checked at start-up: a receipt with wrong details would send money nowhere.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PayeeConfig {
    /// Full name of the payee (≤ 160 characters).
    pub name: String,
    pub address: String,
    /// 10 digits (a company) or 12 (an individual entrepreneur).
    pub inn: String,
    /// 9 digits.
    pub kpp: String,
    /// Settlement account (расчётный счёт): 20 digits.
    pub account: String,
    /// Bank name (≤ 45 characters).
    pub bank_name: String,
    /// 9 digits.
    pub bic: String,
    /// Correspondent account of the bank: 20 digits.
    pub corr_account: String,
}

impl Default for PayeeConfig {
    fn default() -> Self {
        Self {
            name: "ПАО «Тамбовская энергосбытовая компания»".into(),
            address: "392000, г. Тамбов, ул. Моршанское шоссе, д. 23".into(),
            inn: "6829012231".into(),
            kpp: "682901001".into(),
            account: "40702810161000100456".into(),
            bank_name: "Тамбовское отделение № 8594 ПАО Сбербанк".into(),
            bic: "046850649".into(),
            corr_account: "30101810800000000649".into(),
        }
    }
}

/// Online payments.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentsConfig {
    /// `sandbox`: the built-in test acquirer (development, demos, tests); `yookassa`: YooKassa
    /// (or any acquirer with its API) configured under `yookassa`.
    pub provider: String,
    /// HMAC-SHA256 key of sandbox notifications; unset → generated and kept in the data folder.
    pub sandbox_secret: Option<String>,
    /// Largest single payment, rubles.
    pub max_amount_rubles: i64,
    /// How often unsettled payments are re-checked at the acquirer, seconds.
    pub recheck_interval_secs: u64,
    /// A payment nobody completed within this many minutes ends: the sandbox cancels it (a
    /// real acquirer cancels abandoned payments itself), and one the acquirer never registered
    /// (it was down) fails.
    pub expiry_minutes: i64,
    pub yookassa: YooKassaConfig,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        Self {
            provider: "sandbox".into(),
            sandbox_secret: None,
            max_amount_rubles: 150_000,
            recheck_interval_secs: 60,
            expiry_minutes: 60,
            yookassa: YooKassaConfig::default(),
        }
    }
}

/// YooKassa's API: `LK_PAYMENTS__YOOKASSA__SHOP_ID`, `…__SECRET_KEY`, `…__API_URL`.
#[derive(Clone, Serialize, Deserialize)]
pub struct YooKassaConfig {
    pub shop_id: String,
    pub secret_key: String,
    /// `https://api.yookassa.ru/v3`; a test points it at a local mock.
    pub api_url: String,
}

impl Default for YooKassaConfig {
    fn default() -> Self {
        Self {
            shop_id: String::new(),
            secret_key: String::new(),
            api_url: "https://api.yookassa.ru/v3".into(),
        }
    }
}

/// The secret key never reaches logs.
impl std::fmt::Debug for YooKassaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YooKassaConfig")
            .field("shop_id", &self.shop_id)
            .field("secret_key", &"[redacted]")
            .field("api_url", &self.api_url)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://./data/lk.sqlite3".into(),
            addr: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            static_dir: "./dist".into(),
            data_dir: "./data".into(),
            smtp_url: None,
            mail_from: "ЛК ТЭСК <no-reply@lk.example>".into(),
            jwt_secret: None,
            log_format: LogFormat::Pretty,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            cookie_secure: true,
            max_concurrent_hashes: 8,
            json_limit_bytes: 64 * 1024,
            company: CompanyConfig::default(),
            throttle: ThrottleConfig::default(),
            reading_window: lk_domain::reading::ReadingWindow::default(),
            payments: PaymentsConfig::default(),
            payee: PayeeConfig::default(),
        }
    }
}

/// Text settings that are often all digits. figment reads `LK_…` values as TOML-like data, so
/// `LK_PAYEE__BIC=046850649` would arrive as the number 46850649 and be refused ("expected a
/// string"); these are taken from the environment verbatim instead.
const VERBATIM_ENV: &[&str] = &[
    "PAYEE__INN",
    "PAYEE__KPP",
    "PAYEE__ACCOUNT",
    "PAYEE__BIC",
    "PAYEE__CORR_ACCOUNT",
    "PAYMENTS__YOOKASSA__SHOP_ID",
    "PAYMENTS__YOOKASSA__SECRET_KEY",
    "PAYMENTS__SANDBOX_SECRET",
    "JWT_SECRET",
    "COMPANY__SUPPORT_PHONE",
];

impl Config {
    /// Reads `lk.toml` (or the file named by `LK_CONFIG`) and the environment over the
    /// defaults. Nested keys use a double underscore: `LK_THROTTLE__LOGIN_PER_EMAIL=5`.
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var("LK_CONFIG").unwrap_or_else(|_| "lk.toml".into());
        Self::figment(Path::new(&file))
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))
    }

    fn figment(file: &Path) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(
                Env::prefixed("LK_")
                    .ignore(&["CONFIG"])
                    .ignore(VERBATIM_ENV)
                    .split("__"),
            )
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            );
        for key in VERBATIM_ENV {
            if let Ok(value) = std::env::var(format!("LK_{key}")) {
                let path = key.to_lowercase().replace("__", ".");
                figment = figment.merge(Serialized::default(&path, value));
            }
        }
        figment
    }

    /// True when the portal is reached over https (then HSTS is sent).
    pub fn behind_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The development mailbox is on when no SMTP server is configured.
    pub fn dev_mailbox(&self) -> bool {
        self.smtp_url.is_none()
    }

    /// Today in the company's time zone (Europe/Moscow).
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Moscow)
            .date_naive()
    }

    /// A link into the SPA, e.g. `spa_link("/reset-password#token=…")`.
    pub fn spa_link(&self, path_and_fragment: &str) -> String {
        format!(
            "{}{}",
            self.public_url.trim_end_matches('/'),
            path_and_fragment
        )
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail fixes the error type
mod tests {
    use super::*;

    #[test]
    fn with_nothing_configured_the_server_starts_on_sqlite_at_port_8080() {
        figment::Jail::expect_with(|_jail| {
            let c: Config = Config::figment(Path::new("absent.toml")).extract()?;
            assert_eq!(c.database_url, "sqlite://./data/lk.sqlite3");
            assert_eq!(c.addr, "127.0.0.1:8080");
            assert!(c.dev_mailbox());
            Ok(())
        });
    }

    #[test]
    fn digits_only_text_settings_from_the_environment_stay_text() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("lk.toml", "[payee]\nbic = \"000000000\"\n")?;
            jail.set_env("LK_PAYEE__BIC", "046850649");
            jail.set_env("LK_PAYEE__INN", "6829012231");
            jail.set_env("LK_PAYEE__ACCOUNT", "40702810161000100456");
            jail.set_env("LK_PAYMENTS__YOOKASSA__SHOP_ID", "123456");
            jail.set_env("LK_JWT_SECRET", "12345678901234567890123456789012");
            jail.set_env("LK_THROTTLE__LOGIN_PER_IP", "7");
            let c: Config = Config::figment(Path::new("lk.toml")).extract()?;
            assert_eq!(
                c.payee.bic, "046850649",
                "the environment wins over the file"
            );
            assert_eq!(c.payee.inn, "6829012231");
            assert_eq!(c.payee.account, "40702810161000100456");
            assert_eq!(c.payee.kpp, PayeeConfig::default().kpp);
            assert_eq!(c.payments.yookassa.shop_id, "123456");
            assert_eq!(
                c.jwt_secret.as_deref(),
                Some("12345678901234567890123456789012")
            );
            assert_eq!(c.throttle.login_per_ip, 7, "numbers are still numbers");
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_the_file_which_overrides_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("lk.toml", "addr = \"0.0.0.0:9000\"\npublic_url = \"https://lk.example\"\n[throttle]\nlogin_per_email = 3\n")?;
            jail.set_env("LK_ADDR", "127.0.0.1:9100");
            jail.set_env("DATABASE_URL", "postgres://u@h/db");
            jail.set_env("LK_THROTTLE__LOGIN_PER_IP", "7");
            let c: Config = Config::figment(Path::new("lk.toml")).extract()?;
            assert_eq!(c.addr, "127.0.0.1:9100");
            assert_eq!(c.database_url, "postgres://u@h/db");
            assert!(c.behind_https());
            assert_eq!(c.throttle.login_per_email, 3);
            assert_eq!(c.throttle.login_per_ip, 7);
            Ok(())
        });
    }
}
