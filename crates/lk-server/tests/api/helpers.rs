//! Spawning the app for a test and typed helpers for its endpoints.

use std::sync::Arc;

use lk_server::config::Config;
use lk_server::db::{self, Backend, Store};
use lk_server::startup::Application;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// Declares each `async fn name(backend: Backend) { … }` twice: `name::sqlite` and
/// `name::postgres`. PostgreSQL tests are skipped (loudly) only when `LK_TEST_SKIP_PG=1`.
macro_rules! each_backend {
    ($( $(#[$meta:meta])* async fn $name:ident($backend:ident: Backend) $body:block )*) => {
        $(
            $(#[$meta])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($backend: lk_server::db::Backend) $body

                #[actix_web::test]
                async fn sqlite() {
                    run(lk_server::db::Backend::Sqlite).await
                }

                #[actix_web::test]
                async fn postgres() {
                    if crate::helpers::skip_postgres() {
                        return;
                    }
                    run(lk_server::db::Backend::Postgres).await
                }
            }
        )*
    };
}
pub(crate) use each_backend;

/// Like [`each_backend`], with the app already running: `async fn name(app: TestApp) { … }`.
macro_rules! backend_tests {
    ($( $(#[$meta:meta])* async fn $name:ident($app:ident: TestApp) $body:block )*) => {
        crate::helpers::each_backend! {
            $(
                $(#[$meta])*
                async fn $name(backend: Backend) {
                    let $app = crate::helpers::spawn_app(backend).await;
                    $body
                }
            )*
        }
    };
}
pub(crate) use backend_tests;

pub const PASSWORD: &str = "Tambov-electricity-2026";
pub const SANDBOX_SECRET: &str = "test-sandbox-secret-0123456789abcdef";

pub fn skip_postgres() -> bool {
    if std::env::var("LK_TEST_SKIP_PG").as_deref() == Ok("1") {
        eprintln!("SKIPPED on PostgreSQL: LK_TEST_SKIP_PG=1");
        return true;
    }
    false
}

/// A fresh, migrated database of the given backend (a throwaway PostgreSQL database, or a
/// SQLite file in a temporary folder).
pub async fn fresh_store(backend: Backend) -> (Arc<dyn Store>, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_database_url(backend).await;
    let store = db::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (store, dir)
}

/// The URL of a new, empty database (not migrated yet).
pub async fn fresh_database_url(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join("lk.sqlite3").display());
            (url, Some(dir))
        }
        Backend::Postgres => {
            let admin = std::env::var("LK_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("lk_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                .await
                .expect(
                    "PostgreSQL is not reachable at LK_TEST_PG_URL (set LK_TEST_SKIP_PG=1 to skip)",
                );
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (format!("{base}/{name}"), None)
        }
    }
}

/// Configuration for tests: port 0, the dev mailbox, a fixed JWT key.
pub fn test_config(dir: &std::path::Path) -> Config {
    Config {
        database_url: "unused".into(),
        addr: "127.0.0.1:0".into(),
        public_url: "http://lk.test".into(),
        static_dir: dir.join("dist"),
        data_dir: dir.to_owned(),
        jwt_secret: Some("test-secret-test-secret-test-secret-0123".into()),
        cookie_secure: false,
        reading_window: lk_domain::reading::ReadingWindow {
            enabled: false,
            ..Default::default()
        },
        payments: lk_server::config::PaymentsConfig {
            sandbox_secret: Some(SANDBOX_SECRET.into()),
            ..Default::default()
        },
        // Tests run the reminder job themselves, on the day they choose.
        reminder_interval_secs: 0,
        ..Config::default()
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    /// The database, for a second node on it.
    pub db_url: String,
    /// The running app's state, for driving background work (the payment re-check) directly.
    pub state: lk_server::state::AppState,
    _dirs: Vec<tempfile::TempDir>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
    let (db_url, db_dir) = fresh_database_url(backend).await;
    let store = db::connect(&db_url).await.expect("connect");
    store.migrate().await.expect("migrate");
    start_node(store, db_url, db_dir, tweak).await
}

impl TestApp {
    /// A second server node on the same database (its own connection pool, its own
    /// background jobs), as behind a load balancer.
    pub async fn second_node(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let store = db::connect(&self.db_url).await.expect("connect");
        start_node(store, self.db_url.clone(), None, tweak).await
    }
}

impl TestApp {
    /// Runs one statement on the app's database behind the store's back (to write a row the
    /// app itself would never write); returns the rows it changed.
    pub async fn raw_sql(&self, sql: &str) -> u64 {
        use sqlx::{Connection as _, Executor as _};
        if self.db_url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&self.db_url)
                .await
                .expect("open");
            conn.execute(sql).await.expect("raw sql").rows_affected()
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.db_url)
                .await
                .expect("open");
            conn.execute(sql).await.expect("raw sql").rows_affected()
        }
    }
}

/// Builds and runs a server on `store` with the test configuration as `tweak` changes it.
async fn start_node(
    store: Arc<dyn Store>,
    db_url: String,
    db_dir: Option<tempfile::TempDir>,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(dir.path());
    tweak(&mut config);
    let app = Application::build_with_store(config, store.clone())
        .await
        .expect("build app");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        base,
        client: new_client(),
        store,
        db_url,
        state,
        _dirs: db_dir.into_iter().chain(Some(dir)).collect(),
    }
}

/// Waits (up to 20 s) until `check` holds; panics naming `what` otherwise.
pub async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

/// A client with its own cookie jar: a browser.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // Below the server's keep-alive (actix: 5 s): a connection idle while a test reads a PDF
        // back is dropped here first, never reused just as the server closes it (a request
        // failing with `IncompleteMessage`).
        .pool_idle_timeout(std::time::Duration::from_secs(3))
        .build()
        .expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.post_as(&self.client, path, body, None).await
    }

    pub async fn post_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> Response {
        let mut r = client.post(self.url(path)).json(body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut r = self.client.get(self.url(path));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send().await.expect("request")
    }

    pub async fn put(&self, path: &str, body: &Value, token: &str) -> Response {
        self.client
            .put(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Loads the demo registry (branch, tariffs, the three demo accounts).
    pub async fn seed_registry(&self) {
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Moscow)
            .date_naive();
        lk_server::seed::seed_registry(self.store.as_ref(), today)
            .await
            .expect("seed");
    }

    /// A confirmed, signed-in user (own cookie jar) and their access token.
    pub async fn subscriber(&self, email: &str) -> String {
        self.confirmed_user(email).await;
        access_token(self.login_with(&new_client(), email, PASSWORD).await).await
    }

    /// Creates a house and binds `account` with `meter`; returns the house id.
    pub async fn house_with_account(&self, token: &str, account: &str, meter: &str) -> i64 {
        let r = self
            .post_as(
                &self.client,
                "/api/v1/houses",
                &json!({"name": "Дом", "address": "г. Тамбов"}),
                Some(token),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        let r = self
            .put(
                &format!("/api/v1/houses/{id}/account"),
                &json!({"account_number": account, "meter_number": meter}),
                token,
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "binding {account}");
        id
    }

    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, Some(token)).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("json")
    }

    pub async fn patch(&self, path: &str, body: &Value, token: &str) -> Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn register(&self, email: &str) -> Response {
        self.post(
            "/api/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "last_name": "Петров", "first_name": "Пётр", "personal_data_consent": true}),
        )
        .await
    }

    /// Messages in the development mailbox for `to`, newest first.
    pub async fn mails_to(&self, to: &str) -> Vec<Value> {
        let resp = self
            .client
            .get(self.url("/api/v1/dev/mailbox"))
            .query(&[("to", to)])
            .send()
            .await
            .expect("mailbox");
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json::<Vec<Value>>().await.expect("json")
    }

    /// The token of the newest link `…/{page}#token=…` mailed to `to`.
    pub async fn link_token(&self, to: &str, page: &str) -> String {
        let mails = self.mails_to(to).await;
        let marker = format!("{page}#token=");
        for m in mails {
            let body = m["body"].as_str().unwrap_or_default();
            if let Some(i) = body.find(&marker) {
                let rest = &body[i + marker.len()..];
                return rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
            }
        }
        panic!("no {page} link mailed to {to}");
    }

    /// Registers and confirms `email`.
    pub async fn confirmed_user(&self, email: &str) {
        assert_eq!(self.register(email).await.status(), StatusCode::CREATED);
        let token = self.link_token(email, "/confirm-email").await;
        let r = self
            .post("/api/v1/auth/confirm-email", &json!({"token": token}))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }

    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> Response {
        self.post_as(
            client,
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
            None,
        )
        .await
    }

    /// A member of the staff created as `lk user create --role …` does, signed in (own cookie
    /// jar); their access token.
    pub async fn staff(&self, email: &str, role: lk_domain::Role) -> String {
        lk_server::seed::create_user(
            self.store.as_ref(),
            email,
            PASSWORD,
            role,
            Some("Петрова"),
            Some("Анна"),
        )
        .await
        .expect("create staff user");
        let r = self.login_with(&new_client(), email, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "login of {email}");
        access_token(r).await
    }

    /// Signs in on the shared client and returns the access token.
    pub async fn login(&self, email: &str) -> String {
        let r = self.login_with(&self.client, email, PASSWORD).await;
        assert_eq!(r.status(), StatusCode::OK, "login of {email}");
        access_token(r).await
    }
}

pub async fn access_token(r: Response) -> String {
    let v: Value = r.json().await.expect("json");
    v["access_token"].as_str().expect("access_token").to_owned()
}

/// Asserts an RFC 9457 problem with the given status and code; returns the body.
pub async fn assert_problem(r: Response, status: u16, code: &str) -> Value {
    assert_eq!(r.status().as_u16(), status, "status");
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        ct.starts_with("application/problem+json"),
        "content type {ct}"
    );
    let v: Value = r.json().await.expect("problem json");
    assert_eq!(v["code"], code, "problem {v}");
    assert_eq!(v["status"], status);
    v
}

/// The `field` names of a validation problem.
pub fn problem_fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A decimal the API sent as a string (`"-3006.08"`).
pub fn decimal(v: &Value) -> rust_decimal::Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal expected: {v}"))
        .parse()
        .expect("decimal")
}

impl TestApp {
    /// A live API key with these scopes: its id and the key.
    pub async fn api_key(&self, name: &str, scopes: &[lk_domain::ApiScope]) -> (i64, String) {
        let (key, prefix, hash) = lk_server::security::tokens::new_api_key();
        let record = self
            .store
            .create_api_key(name, &prefix, &hash, scopes, chrono::Utc::now())
            .await
            .expect("key");
        (record.id, key)
    }

    /// A batch from the billing system (`POST /api/v1/integration/{kind}`) that must be taken
    /// whole: 200 and no item in error. Answers the batch's result.
    pub async fn integration_batch(&self, key: &str, kind: &str, items: Value) -> Value {
        let r = self
            .client
            .post(self.url(&format!("/api/v1/integration/{kind}")))
            .bearer_auth(key)
            .json(&json!({ "items": items }))
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "POST {kind}");
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["errors"], 0, "{kind}: {v}");
        v
    }

    /// Starts paying `amount` rubles to an account (rules accepted); answers the payment.
    pub async fn start_payment(&self, token: &str, account: &str, amount: &str) -> Value {
        let r = self
            .post_as(
                &self.client,
                &format!("/api/v1/accounts/{account}/payments"),
                &json!({"amount": amount, "rules_accepted": true}),
                Some(token),
            )
            .await;
        assert_eq!(r.status(), 201);
        r.json().await.expect("json")
    }

    /// An account's balance as its subscriber sees it.
    pub async fn balance(&self, token: &str, account: &str) -> rust_decimal::Decimal {
        decimal(
            &self
                .get_json(&format!("/api/v1/accounts/{account}"), token)
                .await["balance"],
        )
    }
}
