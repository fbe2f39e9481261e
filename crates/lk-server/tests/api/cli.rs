//! The `lk` command line against a real database of each backend.

use std::process::Command;

use lk_server::db::{self, Backend};

use crate::helpers::*;

fn lk(url: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lk"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("LK_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run lk");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn the_cli_migrates_seeds_idempotently_and_creates_users(backend: Backend) {
    let (url, _dir) = fresh_database_url(backend).await;
    let (ok, out) = lk(&url, &["migrate"]);
    assert!(ok, "{out}");
    let (ok, out) = lk(&url, &["seed-demo"]);
    assert!(
        ok && out.contains("demo@lk.example / demo-password created")
            && out.contains("demo operator operator@lk.example")
            && out.contains("demo admin admin@lk.example")
            && out.contains("7 section(s) written"),
        "{out}"
    );
    let (ok, out) = lk(&url, &["seed-demo"]);
    assert!(ok && out.contains("already present"), "{out}");
    let (ok, out) = lk(&url, &["seed-content"]);
    assert!(ok && out.contains("0 section(s) written"), "{out}");
    // Known passwords never reach a production database.
    let out = Command::new(env!("CARGO_BIN_EXE_lk"))
        .args(["seed-demo"])
        .env("DATABASE_URL", &url)
        .env("LK_ENV", "production")
        .output()
        .expect("run lk");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && text.contains("production"),
        "{text}"
    );

    let (ok, out) = lk(
        &url,
        &[
            "user",
            "create",
            "--email",
            "Staff@LK.example",
            "--password",
            "operator-pass-1",
            "--role",
            "operator",
        ],
    );
    assert!(ok && out.contains("with role operator"), "{out}");
    let (ok, out) = lk(
        &url,
        &[
            "user",
            "create",
            "--email",
            "staff@lk.example",
            "--password",
            "operator-pass-2",
        ],
    );
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = lk(
        &url,
        &[
            "user",
            "create",
            "--email",
            "weak@lk.example",
            "--password",
            "12345678",
        ],
    );
    assert!(!ok && out.contains("password"), "{out}");

    let store = db::connect(&url).await.expect("connect");
    let demo = store
        .user_by_email("demo@lk.example")
        .await
        .expect("query")
        .expect("demo user");
    assert!(demo.email_confirmed_at.is_some());
    assert_eq!(demo.last_name.as_deref(), Some("Иванов"));
    let op = store
        .user_by_email("staff@lk.example")
        .await
        .expect("query")
        .expect("operator");
    assert_eq!(op.role, lk_domain::Role::Operator);

    // Staff are listed, disabled and enabled again.
    let (ok, out) = lk(&url, &["user", "list"]);
    assert!(
        ok && out.contains("Staff@LK.example\toperator\tactive"),
        "{out}"
    );
    assert!(out.contains("admin@lk.example\tadmin"), "{out}");
    assert!(
        !out.contains("demo@lk.example"),
        "subscribers are not staff: {out}"
    );
    let (ok, out) = lk(&url, &["user", "disable", "--email", "staff@lk.example"]);
    assert!(ok && out.contains("disabled"), "{out}");
    let (ok, out) = lk(&url, &["user", "list", "--role", "operator"]);
    assert!(
        ok && out.contains("Staff@LK.example\toperator\tdisabled"),
        "{out}"
    );
    assert!(!out.contains("admin@lk.example"), "{out}");
    let (ok, out) = lk(&url, &["user", "enable", "--email", "staff@lk.example"]);
    assert!(ok && out.contains("enabled"), "{out}");
    let (ok, out) = lk(&url, &["user", "disable", "--email", "nobody@lk.example"]);
    assert!(!ok && out.contains("no user"), "{out}");

    // Load-testing data: accounts with history, and houses of the demo user bound to them.
    let (ok, out) = lk(&url, &["bench-data", "--accounts", "7", "--months", "3"]);
    assert!(ok && out.contains("generated 7 accounts"), "{out}");
    let houses = store.houses(demo.id).await.expect("houses");
    assert_eq!(houses.len(), 3);
    assert_eq!(houses[2].account_number.as_deref(), Some("690000000007"));
    let overview = store.houses_overview(demo.id).await.expect("overview");
    assert_eq!(overview.len(), 3);
    let last: Vec<_> = overview
        .iter()
        .map(|h| h.account.as_ref().expect("account"))
        .map(|a| (a.id, &a.last_readings))
        .collect();
    assert!(
        last.iter().all(|(_, l)| l.len() == 1),
        "one latest reading per bound meter"
    );
    let (account_id, readings) = last[0];
    assert_eq!(readings[0].values[0].1, 10_000 + 2 * 250 + account_id % 50);
}

#[actix_web::test]
async fn the_cli_works_on_sqlite() {
    the_cli_migrates_seeds_idempotently_and_creates_users(Backend::Sqlite).await;
}

#[actix_web::test]
async fn the_cli_works_on_postgres() {
    if skip_postgres() {
        return;
    }
    the_cli_migrates_seeds_idempotently_and_creates_users(Backend::Postgres).await;
}

#[test]
fn the_cli_prints_the_committed_openapi_document() {
    let (ok, out) = lk("sqlite::memory:", &["openapi"]);
    assert!(ok);
    let printed: serde_json::Value = serde_json::from_str(&out).expect("json");
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../../../openapi/openapi.json")).expect("json");
    assert_eq!(
        printed, committed,
        "openapi/openapi.json is stale: run `cargo xtask openapi`"
    );
}

each_backend! {
    async fn api_keys_and_the_month_close_from_the_command_line(backend: Backend) {
        let (url, _dir) = fresh_database_url(backend).await;
        let (ok, out) = lk(&url, &["seed-demo"]);
        assert!(ok, "{out}");

        // A key is printed once; only its hash is stored; it lists by name and prefix.
        let (ok, out) = lk(&url, &["api-key", "create", "--name", "1С Биллинг", "--scope", "registry:write", "--scope", "readings:read"]);
        assert!(ok && out.contains("shown this once"), "{out}");
        let key = out.lines().find(|l| l.starts_with("lka_")).expect("the key").to_owned();
        let (ok, out) = lk(&url, &["api-key", "list"]);
        assert!(ok && out.contains("1С Биллинг") && out.contains("registry:write readings:read") && out.contains("live"), "{out}");
        assert!(!out.contains(&key) && out.contains(&key[..12]), "the prefix, never the key: {out}");
        let (ok, out) = lk(&url, &["api-key", "create", "--name", "1С Биллинг", "--scope", "payments:write"]);
        assert!(!ok && out.contains("a live key is named"), "{out}");
        let (ok, out) = lk(&url, &["api-key", "create", "--name", "x", "--scope", "admin"]);
        assert!(!ok && out.contains("unknown scope"), "{out}");
        let id = out_id(&lk(&url, &["api-key", "list"]).1);
        let (ok, out) = lk(&url, &["api-key", "revoke", "--id", &id.to_string()]);
        assert!(ok && out.contains("revoked"), "{out}");
        let (ok, out) = lk(&url, &["api-key", "revoke", "--id", &id.to_string()]);
        assert!(!ok && out.contains("no live API key"), "{out}");
        let store = db::connect(&url).await.expect("connect");
        let hash = lk_server::security::tokens::digest(&key);
        assert!(store.live_api_key(&hash).await.expect("db").is_none(), "revoked");

        // The demo's last readings are of last month: this month is invoiced by the average.
        let (ok, out) = lk(&url, &["billing", "close", "--period", &chrono::Utc::now().format("%Y-%m").to_string()]);
        assert!(ok, "{out}");
        assert!(out.contains("invoiced          3") && out.contains("by average      3"), "{out}");
        let (ok, again) = lk(&url, &["billing", "close", "--period", &chrono::Utc::now().format("%Y-%m").to_string()]);
        assert!(ok && again.contains("already closed; nothing changed") && again.contains("invoiced          3"), "{again}");
        for n in 1..=3 {
            let id = store.account_id_by_number(&format!("68000000000{n}")).await.expect("db").expect("account");
            let stored = store.account_brief(id).await.expect("db").expect("account").1;
            assert_eq!(store.recompute_balance(id).await.expect("db"), stored, "balances add up");
        }
        // The online payments of the demo leave in a file, each once.
        let files = tempfile::tempdir().expect("tempdir");
        let file = files.path().join("payments.csv");
        let (ok, out) = lk(&url, &["export", "payments", "--out", &file.display().to_string()]);
        assert!(ok && out.contains("row(s) exported; next time pass --after"), "{out}");
        let next: String = out.rsplit("--after ").next().unwrap_or_default().trim().to_owned();
        let csv = std::fs::read_to_string(&file).expect("file");
        assert!(csv.starts_with("seq;portal_payment_id;account_number;amount;paid_on;credited_at"), "{csv}");
        let rows = csv.lines().count() - 1;
        assert!(rows > 0 && out.contains(&format!("{rows} row(s) exported")), "{out}");
        let (ok, out) = lk(&url, &["export", "payments", "--after", &next, "--out", &file.display().to_string()]);
        assert!(ok && out.contains("0 row(s) exported"), "nothing twice: {out}");

        // A reading passed in the portal leaves in the readings file, once, with its zones.
        let (account, meter) = store.account_and_meter("680000000002", "02345678").await.expect("db").expect("demo account");
        let today = chrono::Utc::now().date_naive();
        store.insert_reading(&db::readings::NewReading {
            meter_id: meter.id,
            account_id: account.id,
            taken_on: today,
            source: lk_domain::ReadingSource::Portal,
            submitted_by: None,
            values: vec![(lk_domain::Zone::Day, 99_001), (lk_domain::Zone::Night, 99_002)],
            consumption: None,
            charge: None,
            now: chrono::Utc::now(),
        }).await.expect("reading");
        let file = files.path().join("readings.csv");
        let (ok, out) = lk(&url, &["export", "readings", "--out", &file.display().to_string()]);
        assert!(ok && out.contains("1 row(s) exported"), "{out}");
        let next: String = out.rsplit("--after ").next().unwrap_or_default().trim().to_owned();
        let csv = std::fs::read_to_string(&file).expect("file");
        assert!(csv.starts_with("seq;reading_id;account_number;meter_serial;taken_on;submitted_at;single;day;night;peak;half_peak"), "{csv}");
        let row = csv.lines().nth(1).expect("the reading");
        assert!(row.contains(";680000000002;02345678;") && row.contains(&today.to_string()) && row.ends_with(";;99001;99002;;"), "{row}");
        let (ok, out) = lk(&url, &["export", "readings", "--after", &next, "--out", &file.display().to_string()]);
        assert!(ok && out.contains("0 row(s) exported"), "nothing twice: {out}");

        let (ok, out) = lk(&url, &["billing", "close", "--period", "2026-13"]);
        assert!(!ok && out.contains("YYYY-MM"), "{out}");
    }
}

fn out_id(list: &str) -> i64 {
    list.lines()
        .find(|l| l.contains("1С Биллинг"))
        .and_then(|l| l.split('\t').next())
        .and_then(|id| id.parse().ok())
        .expect("id")
}
