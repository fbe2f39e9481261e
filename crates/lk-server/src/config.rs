//! Layered configuration: built-in defaults < optional `lk.toml` < environment
//! (`LK_…`, `DATABASE_URL`). With no configuration at all the server starts on SQLite.
//!
//! Strict: a key nobody reads (a typo in `lk.toml`, an unknown `LK_…` variable), a missing
//! `LK_CONFIG` file or a malformed value stops the start with a message naming the key.
//! Environment values are taken as text and converted to the type of their setting only, so
//! `LK_PAYEE__BIC=046850649` stays the string it is (leading zero and all).

use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};

use lk_domain::PaymentProvider;

use crate::client::{ForwardedHeader, TrustedProxies};

/// `development` (the default: dev mailbox, sandbox acquirer and generated secrets allowed,
/// loudly) or `production` (refuses to start with any of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Development,
    Production,
}

/// Log output: human-readable for development, JSON lines for production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The company's branding and public links.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
pub struct ThrottleConfig {
    pub window_secs: i64,
    /// Failed logins for one account per window from browsers it has not signed in from.
    pub login_per_email: i64,
    /// Failed logins for one account per window from one browser it has signed in from (with
    /// a device cookie): a stranger's failures elsewhere never use this up.
    pub login_per_device: i64,
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
    /// Messages to the contact centre from one IP address per window.
    pub contact_per_ip: i64,
    /// Messages to the contact centre from one e-mail address per window.
    pub contact_per_email: i64,
    /// Wrong second-factor codes (sign-in, enrolment, turning it off) of one user per window.
    pub second_factor_per_user: i64,
    /// Requests without an account (readings, payment) from one IP address per window.
    pub guest_per_ip: i64,
    /// Wrong meter numbers typed for one account number per window, without an account.
    pub guest_per_account: i64,
    /// Family invitations (each an e-mail) sent by one user per window.
    pub invite_per_user: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            window_secs: 15 * 60,
            login_per_email: 10,
            login_per_device: 10,
            login_per_ip: 100,
            register_per_ip: 20,
            register_per_email: 5,
            forgot_per_email: 5,
            forgot_per_ip: 20,
            bind_per_user: 10,
            bind_per_ip: 30,
            contact_per_ip: 10,
            contact_per_email: 5,
            second_factor_per_user: 10,
            guest_per_ip: 60,
            guest_per_account: 10,
            invite_per_user: 10,
        }
    }
}

/// Everything the server needs to know at start-up.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `development` or `production` (`LK_ENV`).
    pub env: Environment,
    /// `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub addr: String,
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-For` and `X-Request-Id` are believed
    /// (`LK_TRUSTED_PROXIES=10.0.0.5,10.1.0.0/16`); none by default.
    pub trusted_proxies: TrustedProxies,
    /// The header those proxies write the client's address in: `x-forwarded-for` (default) or
    /// `forwarded` (RFC 7239). Only that one is read.
    pub forwarded_header: ForwardedHeader,
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
    /// A refresh token spent this many seconds ago still works once more (two tabs or nodes
    /// refreshing at once); spent earlier, presenting it ends the session.
    pub refresh_reuse_grace_secs: i64,
    /// Whether the refresh cookie carries `Secure` (browsers treat http://localhost as secure).
    pub cookie_secure: bool,
    /// Password hashes computed at once (`LK_MAX_CONCURRENT_HASHES`); by default half the
    /// machine's cores, at least one, so that a login storm leaves room for every other page.
    pub max_concurrent_hashes: usize,
    /// Hashes that may wait for a free slot (`LK_HASH_QUEUE`); beyond them, 429 at once.
    pub hash_queue: usize,
    /// How long a hash waits for a slot before it is answered 429 (`LK_HASH_QUEUE_WAIT_MS`).
    pub hash_queue_wait_ms: u64,
    /// The nice value of the hashing threads (`LK_HASH_NICE`, 0–19; 0 is the workers'
    /// priority): above 0, a page view is not kept waiting behind a hash.
    pub hash_nice: i32,
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
    /// The month close (`lk billing close`).
    pub billing: BillingConfig,
    /// How often this node's reminder job (X4) looks for reminders due, seconds
    /// (`LK_REMINDER_INTERVAL_SECS`); 0: never on this node.
    pub reminder_interval_secs: u64,
    /// Operators and admins must sign in with a second factor (`LK_STAFF_TWO_FACTOR=true`):
    /// until they turn it on in their profile, the staff console answers 403
    /// `two_factor_required`.
    pub staff_two_factor: bool,
}

/// The month close: `LK_BILLING__NORM_KWH_PER_RESIDENT=90`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BillingConfig {
    /// The monthly consumption norm per resident, kWh, for accounts whose own norm the
    /// registry does not give (`norm_kwh`).
    pub norm_kwh_per_resident: i64,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            norm_kwh_per_resident: 90,
        }
    }
}

/// The payee of receipts (the company) and its bank: `LK_PAYEE__INN=…`, `LK_PAYEE__BIC=…`.
/// Checked at start-up: a receipt with wrong details would send money nowhere.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    /// `sandbox`: the built-in test acquirer (development, demos, tests); `yookassa`: YooKassa
    /// (or any acquirer with its API) configured under `yookassa`.
    pub provider: PaymentProvider,
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
            provider: PaymentProvider::Sandbox,
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
#[serde(deny_unknown_fields)]
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
            env: Environment::Development,
            database_url: "sqlite://./data/lk.sqlite3".into(),
            addr: "127.0.0.1:8080".into(),
            trusted_proxies: TrustedProxies::default(),
            forwarded_header: ForwardedHeader::default(),
            public_url: "http://127.0.0.1:8080".into(),
            static_dir: "./dist".into(),
            data_dir: "./data".into(),
            smtp_url: None,
            mail_from: "ЛК ТЭСК <no-reply@lk.example>".into(),
            jwt_secret: None,
            log_format: LogFormat::Pretty,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_days: 30,
            refresh_reuse_grace_secs: 20,
            cookie_secure: true,
            max_concurrent_hashes: crate::security::password::default_slots(),
            hash_queue: 64,
            hash_queue_wait_ms: 2_000,
            hash_nice: 10,
            json_limit_bytes: 64 * 1024,
            company: CompanyConfig::default(),
            throttle: ThrottleConfig::default(),
            reading_window: lk_domain::reading::ReadingWindow::default(),
            payments: PaymentsConfig::default(),
            payee: PayeeConfig::default(),
            billing: BillingConfig::default(),
            reminder_interval_secs: 600,
            staff_two_factor: false,
        }
    }
}

impl Config {
    /// Reads `lk.toml` (or the file named by `LK_CONFIG`, which must exist) and the
    /// environment over the defaults, then checks the values. Nested keys use a double
    /// underscore: `LK_THROTTLE__LOGIN_PER_EMAIL=5`.
    pub fn load() -> anyhow::Result<Self> {
        let file = match std::env::var_os("LK_CONFIG") {
            Some(path) => {
                let path = PathBuf::from(path);
                anyhow::ensure!(
                    path.is_file(),
                    "configuration: LK_CONFIG names {}, which is not a readable file",
                    path.display()
                );
                path
            }
            None => PathBuf::from("lk.toml"),
        };
        let config: Config = Self::figment(&file)
            .extract_lossy()
            .map_err(|e| anyhow::anyhow!("configuration: {}", describe(e)))?;
        config.validate()?;
        Ok(config)
    }

    fn figment(file: &Path) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if file.exists() {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment.merge(TextEnv).merge(
            Env::raw()
                .only(&["DATABASE_URL"])
                .map(|_| "database_url".into()),
        )
    }

    /// Checks what types alone cannot: URLs, addresses, and what production forbids. Every
    /// error names the setting.
    pub fn validate(&self) -> anyhow::Result<()> {
        let url = |key: &str, value: &str, schemes: &[&str]| -> anyhow::Result<url::Url> {
            let u = url::Url::parse(value)
                .map_err(|e| anyhow::anyhow!("configuration: {key} is not a URL ({e})"))?;
            anyhow::ensure!(
                schemes.contains(&u.scheme()),
                "configuration: {key} must start with {}",
                schemes.join(":// or ") + "://"
            );
            Ok(u)
        };
        let public = url("LK_PUBLIC_URL", &self.public_url, &["http", "https"])?;
        anyhow::ensure!(
            public.host_str().is_some_and(|h| !h.is_empty()),
            "configuration: LK_PUBLIC_URL has no host"
        );
        if let Some(smtp) = &self.smtp_url {
            url("LK_SMTP_URL", smtp, &["smtp", "smtps"])?;
        }
        url(
            "LK_PAYMENTS__YOOKASSA__API_URL",
            &self.payments.yookassa.api_url,
            &["http", "https"],
        )?;
        url(
            "LK_COMPANY__SITE_URL",
            &self.company.site_url,
            &["http", "https"],
        )?;
        anyhow::ensure!(
            self.database_url.starts_with("sqlite:")
                || self.database_url.starts_with("postgres://")
                || self.database_url.starts_with("postgresql://"),
            "configuration: DATABASE_URL must start with sqlite: or postgres://"
        );
        anyhow::ensure!(
            self.addr.parse::<std::net::SocketAddr>().is_ok()
                || self
                    .addr
                    .rsplit_once(':')
                    .is_some_and(|(_, p)| p.parse::<u16>().is_ok()),
            "configuration: LK_ADDR must be host:port, e.g. 127.0.0.1:8080"
        );
        anyhow::ensure!(
            self.mail_from.parse::<lettre::message::Mailbox>().is_ok(),
            "configuration: LK_MAIL_FROM is not a mailbox such as «ЛК <no-reply@example.ru>»"
        );
        anyhow::ensure!(
            (0..=60).contains(&self.refresh_reuse_grace_secs),
            "configuration: LK_REFRESH_REUSE_GRACE_SECS must be 0–60 (a longer window lets a copied token live on)"
        );
        anyhow::ensure!(
            (1..=256).contains(&self.max_concurrent_hashes),
            "configuration: LK_MAX_CONCURRENT_HASHES must be 1–256"
        );
        anyhow::ensure!(
            self.hash_queue <= 10_000 && self.hash_queue_wait_ms <= 30_000,
            "configuration: LK_HASH_QUEUE must be 0–10000 and LK_HASH_QUEUE_WAIT_MS 0–30000"
        );
        anyhow::ensure!(
            (0..=19).contains(&self.hash_nice),
            "configuration: LK_HASH_NICE must be 0–19"
        );
        anyhow::ensure!(
            self.throttle.window_secs >= 60,
            "configuration: LK_THROTTLE__WINDOW_SECS must be at least 60"
        );
        anyhow::ensure!(
            (0..=10_000).contains(&self.billing.norm_kwh_per_resident),
            "configuration: LK_BILLING__NORM_KWH_PER_RESIDENT must be 0–10000 (kWh a month)"
        );
        if self.env == Environment::Production {
            self.production_ready()?;
        }
        Ok(())
    }

    /// Production refuses what exists only for development, one clear line each.
    fn production_ready(&self) -> anyhow::Result<()> {
        let refuse = |why: &str| anyhow::anyhow!("LK_ENV=production: {why}");
        if self.smtp_url.is_none() {
            return Err(refuse(
                "LK_SMTP_URL is not set, so mail would go to the public development mailbox; set an SMTP server",
            ));
        }
        if self.payments.provider == PaymentProvider::Sandbox {
            return Err(refuse(
                "LK_PAYMENTS__PROVIDER is sandbox, whose test page credits accounts without payment; configure yookassa",
            ));
        }
        if self.jwt_secret.is_none() {
            return Err(refuse(
                "LK_JWT_SECRET is not set; set the same secret (≥ 32 bytes) on every node",
            ));
        }
        if !self.behind_https() {
            return Err(refuse(
                "LK_PUBLIC_URL must start with https:// (cookies and links travel over it)",
            ));
        }
        if !self.cookie_secure {
            return Err(refuse(
                "LK_COOKIE_SECURE=false would send the session cookies over plain http",
            ));
        }
        if let Some(smtp) = self
            .smtp_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
        {
            let starttls = smtp
                .query_pairs()
                .any(|(k, v)| k == "tls" && v == "required");
            if smtp.scheme() == "smtp" && smtp.password().is_some() && !starttls {
                return Err(refuse(
                    "LK_SMTP_URL sends its password unencrypted: use smtps:// or smtp://…?tls=required",
                ));
            }
        }
        if self.payments.yookassa.api_url.starts_with("http://") {
            return Err(refuse(
                "LK_PAYMENTS__YOOKASSA__API_URL must be https:// (payments are confirmed over it)",
            ));
        }
        if self.trusted_proxies.trusts_everyone() {
            return Err(refuse(
                "LK_TRUSTED_PROXIES must not contain 0.0.0.0/0 or ::/0 (anyone could pick their address)",
            ));
        }
        Ok(())
    }

    /// The payee's bank details make a valid ГОСТ Р 56042-2014 payment (a receipt with wrong
    /// details would send money nowhere).
    pub fn check_payee(&self) -> anyhow::Result<()> {
        let p = &self.payee;
        lk_domain::receipt::PaymentQr {
            name: p.name.clone(),
            personal_acc: p.account.clone(),
            bank_name: p.bank_name.clone(),
            bic: p.bic.clone(),
            corresp_acc: p.corr_account.clone(),
            payee_inn: p.inn.clone(),
            kpp: p.kpp.clone(),
            sum: None,
            purpose: "Оплата электроэнергии".into(),
            pers_acc: None,
            period: None,
        }
        .payload()
        .map(|_| ())
        .map_err(|e| anyhow::anyhow!("payee details (LK_PAYEE__…): {e}"))
    }

    /// The key that signs access tokens and device cookies.
    pub fn jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        self.secret(self.jwt_secret.as_deref(), "LK_JWT_SECRET", "jwt-secret")
    }

    /// The key of the sandbox acquirer's notifications.
    pub fn sandbox_secret(&self) -> anyhow::Result<Vec<u8>> {
        self.secret(
            self.payments.sandbox_secret.as_deref(),
            "LK_PAYMENTS__SANDBOX_SECRET",
            "sandbox-secret",
        )
    }

    /// A key: the one configured as `setting`, or one generated on first start and kept in
    /// the data folder under `file` (readable by the owner only), so every restart uses the
    /// same.
    fn secret(
        &self,
        configured: Option<&str>,
        setting: &str,
        file: &str,
    ) -> anyhow::Result<Vec<u8>> {
        use anyhow::Context as _;
        if let Some(s) = configured {
            anyhow::ensure!(s.len() >= 32, "{setting} must be at least 32 bytes long");
            return Ok(s.as_bytes().to_vec());
        }
        let path = self.data_dir.join(file);
        if let Ok(s) = std::fs::read_to_string(&path) {
            if s.trim().len() >= 32 {
                return Ok(s.trim().as_bytes().to_vec());
            }
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "could not create the data folder {} (LK_DATA_DIR)",
                self.data_dir.display()
            )
        })?;
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        write_private(&path, &secret)
            .with_context(|| format!("could not write {} (LK_DATA_DIR)", path.display()))?;
        tracing::info!(path = %path.display(), "generated a secret");
        Ok(secret.into_bytes())
    }

    /// Settings that are fine for a developer and fatal in production, for a loud warning.
    pub fn development_hazards(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.dev_mailbox() {
            out.push("no LK_SMTP_URL: e-mails (password-reset links too) are readable by anyone at /api/v1/dev/mailbox");
        }
        if self.payments.provider == PaymentProvider::Sandbox {
            out.push("LK_PAYMENTS__PROVIDER=sandbox: anyone can credit an account at /sandbox/pay/{id} without paying");
        }
        if self.jwt_secret.is_none() {
            out.push("no LK_JWT_SECRET: a generated key in the data folder signs sessions");
        }
        out
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

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

/// The `LK_…` environment as text: figment's own `Env` provider parses values (`046850649`
/// would become the number 46850649), here every value stays a string and `extract_lossy`
/// converts it to the type of its setting. Variables of the test tooling (`LK_TEST_…`,
/// `LK_E2E_…`, `LK_BIN`) and `LK_CONFIG` are not settings.
struct TextEnv;

impl TextEnv {
    fn env() -> Env {
        Env::prefixed("LK_")
            .filter(|key| {
                let k = key.as_str().to_ascii_uppercase();
                !(k == "CONFIG"
                    || k == "BIN"
                    || k == "NEW_USER_PASSWORD"
                    || k.starts_with("TEST_")
                    || k.starts_with("E2E_"))
            })
            .split("__")
    }
}

impl Provider for TextEnv {
    fn metadata(&self) -> Metadata {
        Self::env().metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, value) in Self::env().iter() {
            let nested = figment::util::nest(key.as_str(), Value::from(value))
                .into_dict()
                .unwrap_or_default();
            dict = merge(dict, nested);
        }
        Ok(Profile::Default.collect(dict))
    }
}

fn merge(mut into: Dict, from: Dict) -> Dict {
    for (k, v) in from {
        match (into.remove(&k), v) {
            (Some(Value::Dict(t, a)), Value::Dict(_, b)) => {
                into.insert(k, Value::Dict(t, merge(a, b)));
            }
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
    into
}

/// A figment error as one line naming the setting the way the user wrote it.
fn describe(e: figment::Error) -> String {
    e.into_iter()
        .map(|e| {
            let source = e
                .metadata
                .as_ref()
                .map(|m| m.name.to_string())
                .unwrap_or_default();
            let key = if e.path.is_empty() {
                String::new()
            } else if source.contains("environment") {
                format!(
                    " (LK_{})",
                    e.path
                        .iter()
                        .map(|p| p.to_ascii_uppercase())
                        .collect::<Vec<_>>()
                        .join("__")
                )
            } else {
                format!(" (key {})", e.path.join("."))
            };
            let kind = match &e.kind {
                figment::error::Kind::UnknownField(field, _) => {
                    let name = if source.contains("environment") {
                        let mut p: Vec<String> =
                            e.path.iter().map(|p| p.to_ascii_uppercase()).collect();
                        p.push(field.to_ascii_uppercase());
                        format!("LK_{}", p.join("__"))
                    } else {
                        let mut p = e.path.clone();
                        p.push(field.clone());
                        p.join(".")
                    };
                    return format!("unknown setting {name} in {source}");
                }
                k => k.to_string(),
            };
            format!("{kind}{key} in {source}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail fixes the error type
mod tests {
    use super::*;

    #[test]
    fn with_nothing_configured_the_server_starts_on_sqlite_at_port_8080() {
        figment::Jail::expect_with(|_jail| {
            let c = Config::load().map_err(|e| e.to_string())?;
            assert_eq!(c.database_url, "sqlite://./data/lk.sqlite3");
            assert_eq!(c.addr, "127.0.0.1:8080");
            assert!(c.dev_mailbox());
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
            let c = Config::load().map_err(|e| e.to_string())?;
            assert_eq!(c.addr, "127.0.0.1:9100");
            assert_eq!(c.database_url, "postgres://u@h/db");
            assert!(c.behind_https());
            assert_eq!(c.throttle.login_per_email, 3);
            assert_eq!(c.throttle.login_per_ip, 7);
            Ok(())
        });
    }

    /// The error `Config::load` stops with.
    fn load_error() -> String {
        match Config::load() {
            Ok(_) => panic!("the configuration was accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn numeric_looking_settings_keep_their_text() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LK_PAYEE__INN", "7707083893");
            jail.set_env("LK_PAYEE__BIC", "044525225");
            jail.set_env("LK_PAYMENTS__YOOKASSA__SHOP_ID", "0123");
            jail.set_env("LK_THROTTLE__LOGIN_PER_IP", "7");
            jail.set_env("LK_READING_WINDOW__ENABLED", "false");
            jail.set_env("LK_STAFF_TWO_FACTOR", "true");
            let c = Config::load().map_err(|e| e.to_string())?;
            assert!(
                c.staff_two_factor,
                "operators and admins must use a second factor"
            );
            assert_eq!(c.payee.inn, "7707083893");
            assert_eq!(c.payee.bic, "044525225", "the leading zero stays");
            assert_eq!(c.payments.yookassa.shop_id, "0123");
            assert_eq!(c.throttle.login_per_ip, 7);
            assert!(!c.reading_window.enabled);
            Ok(())
        });
    }

    #[test]
    fn a_typo_in_the_file_is_refused_by_name() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "lk.toml",
                "[throttle]
login_per_emial = 3
",
            )?;
            let e = load_error();
            assert!(e.contains("throttle.login_per_emial"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn an_unknown_environment_setting_is_refused_by_name() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LK_SMPT_URL", "smtp://mail.example");
            let e = load_error();
            assert!(e.contains("LK_SMPT_URL"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn test_tooling_variables_are_not_settings() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LK_TEST_PG_URL", "postgres://x@y/z");
            jail.set_env("LK_E2E_PORT", "18080");
            jail.set_env("LK_BIN", "/usr/bin/lk");
            Config::load().map_err(|e| e.to_string())?;
            Ok(())
        });
    }

    #[test]
    fn a_missing_config_file_is_refused_with_its_path() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LK_CONFIG", "/nonexistent.toml");
            let e = load_error();
            assert!(e.contains("/nonexistent.toml"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn malformed_values_are_refused_by_setting() {
        for (key, value, named) in [
            ("LK_PUBLIC_URL", "not a url", "LK_PUBLIC_URL"),
            ("LK_SMTP_URL", "mail.example.ru:25", "LK_SMTP_URL"),
            ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
            (
                "LK_TRUSTED_PROXIES",
                "10.0.0.0/8,nginx",
                "LK_TRUSTED_PROXIES",
            ),
            (
                "LK_THROTTLE__LOGIN_PER_IP",
                "many",
                "LK_THROTTLE__LOGIN_PER_IP",
            ),
            ("LK_ENV", "staging", "LK_ENV"),
            ("LK_PAYMENTS__PROVIDER", "paypal", "LK_PAYMENTS__PROVIDER"),
            (
                "LK_REFRESH_REUSE_GRACE_SECS",
                "3600",
                "LK_REFRESH_REUSE_GRACE_SECS",
            ),
            ("LK_THROTTLE__WINDOW_SECS", "0", "LK_THROTTLE__WINDOW_SECS"),
        ] {
            figment::Jail::expect_with(|jail| {
                jail.set_env(key, value);
                let e = load_error();
                assert!(e.contains(named), "{key}: {e}");
                Ok(())
            });
        }
    }

    #[test]
    fn trusted_proxies_come_as_a_list_from_the_environment_or_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("LK_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16");
            let c = Config::load().map_err(|e| e.to_string())?;
            assert!(c.trusted_proxies.contains("10.1.2.3".parse().expect("ip")));
            assert!(!c.trusted_proxies.contains("10.0.0.6".parse().expect("ip")));
            Ok(())
        });
        figment::Jail::expect_with(|jail| {
            jail.create_file("lk.toml", "trusted_proxies = [\"192.168.0.1\"]\n")?;
            let c = Config::load().map_err(|e| e.to_string())?;
            assert!(c
                .trusted_proxies
                .contains("192.168.0.1".parse().expect("ip")));
            Ok(())
        });
    }

    /// A production configuration, except for the setting `but`.
    fn production(jail: &mut figment::Jail, but: &str) {
        jail.set_env("LK_ENV", "production");
        for (key, value) in [
            ("LK_SMTP_URL", "smtps://user:pass@smtp.example.ru:465"),
            ("LK_PAYMENTS__PROVIDER", "yookassa"),
            ("LK_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
            ("LK_PUBLIC_URL", "https://lk.example.ru"),
        ] {
            if key != but {
                jail.set_env(key, value);
            }
        }
    }

    #[test]
    fn production_starts_with_smtp_a_real_acquirer_a_secret_and_https() {
        figment::Jail::expect_with(|jail| {
            production(jail, "");
            let c = Config::load().map_err(|e| e.to_string())?;
            assert_eq!(c.env, Environment::Production);
            assert!(c.development_hazards().is_empty());
            Ok(())
        });
    }

    #[test]
    fn production_refuses_each_development_shortcut_naming_its_setting() {
        for (key, named) in [
            ("LK_SMTP_URL", "LK_SMTP_URL"),
            ("LK_PAYMENTS__PROVIDER", "LK_PAYMENTS__PROVIDER"),
            ("LK_JWT_SECRET", "LK_JWT_SECRET"),
            ("LK_PUBLIC_URL", "LK_PUBLIC_URL"),
            ("LK_COOKIE_SECURE", "LK_COOKIE_SECURE"),
            ("plain SMTP", "LK_SMTP_URL"),
            (
                "LK_PAYMENTS__YOOKASSA__API_URL",
                "LK_PAYMENTS__YOOKASSA__API_URL",
            ),
            ("LK_TRUSTED_PROXIES", "LK_TRUSTED_PROXIES"),
        ] {
            figment::Jail::expect_with(|jail| {
                production(jail, key);
                match key {
                    "LK_PAYMENTS__PROVIDER" => jail.set_env(key, "sandbox"),
                    "LK_PUBLIC_URL" => jail.set_env(key, "http://lk.example.ru"),
                    "LK_COOKIE_SECURE" => jail.set_env(key, "false"),
                    "plain SMTP" => {
                        jail.set_env("LK_SMTP_URL", "smtp://user:pass@smtp.example.ru:587")
                    }
                    "LK_PAYMENTS__YOOKASSA__API_URL" => {
                        jail.set_env(key, "http://api.yookassa.ru/v3")
                    }
                    "LK_TRUSTED_PROXIES" => jail.set_env(key, "10.0.0.5, 0.0.0.0/0"),
                    _ => {}
                }
                let e = load_error();
                assert!(
                    e.starts_with("LK_ENV=production") && e.contains(named),
                    "{key}: {e}"
                );
                assert!(!e.contains('\n'), "one line: {e}");
                Ok(())
            });
        }
    }
}
