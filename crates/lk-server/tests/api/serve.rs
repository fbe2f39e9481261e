//! `lk serve` as operators run it: production mode, start-up errors, the development warning
//! and the access log.

use std::process::{Child, Command, Stdio};

/// A port nothing listens on right now.
fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// `lk serve` in a fresh data folder with only these settings (the test's own `LK_…`
/// variables are not passed on).
fn serve(dir: &std::path::Path, port: u16, env: &[(&str, &str)]) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lk"));
    c.arg("serve")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("lk.sqlite3").display()),
        )
        .env("LK_ADDR", format!("127.0.0.1:{port}"))
        .env("LK_DATA_DIR", dir)
        .env("LK_STATIC_DIR", dir.join("dist"))
        .env("RUST_LOG", "info")
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("start lk serve")
}

/// Waits until the server answers, or until it exits (then its output is returned).
async fn wait_ready(child: &mut Child, port: u16) -> Result<(), String> {
    for _ in 0..200 {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                std::io::Read::read_to_string(&mut e, &mut err).ok();
            }
            return Err(format!("exited with {status}: {err}"));
        }
        if reqwest::get(format!("http://127.0.0.1:{port}/health/live"))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err("did not start in 20 s".into())
}

/// Stops the server and answers its log (stdout, then stderr).
fn stop(mut child: Child) -> String {
    child.kill().ok();
    let out = child.wait_with_output().expect("output");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Waits until the process exits (up to 20 s) and answers its output.
async fn wait_exit(mut child: Child) -> String {
    for _ in 0..200 {
        if child.try_wait().expect("try_wait").is_some() {
            return stop(child);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("still running: {}", stop(child));
}

const SECRET: &str = "production-secret-0123456789abcdef";

fn production_env(smtp_port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("LK_ENV", "production".into()),
        ("LK_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
        ("LK_PAYMENTS__PROVIDER", "yookassa".into()),
        ("LK_PAYMENTS__YOOKASSA__SHOP_ID", "123456".into()),
        (
            "LK_PAYMENTS__YOOKASSA__SECRET_KEY",
            "test_secret_key".into(),
        ),
        (
            "LK_PAYMENTS__YOOKASSA__API_URL",
            "https://127.0.0.1:9/v3".into(),
        ),
        ("LK_JWT_SECRET", SECRET.into()),
        ("LK_PUBLIC_URL", "https://lk.example.ru".into()),
        ("LK_LOG_FORMAT", "json".into()),
    ]
}

#[actix_web::test]
async fn production_refuses_the_dev_mailbox_and_the_sandbox_with_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let full = production_env(free_port());
    for (dropped, named) in [
        ("LK_SMTP_URL", "LK_SMTP_URL"),
        ("LK_PAYMENTS__PROVIDER", "LK_PAYMENTS__PROVIDER"),
        ("LK_JWT_SECRET", "LK_JWT_SECRET"),
        ("LK_PUBLIC_URL", "LK_PUBLIC_URL"),
    ] {
        let env: Vec<(&str, &str)> = full
            .iter()
            .filter(|(k, _)| *k != dropped)
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let mut child = serve(dir.path(), port, &env);
        let err = wait_ready(&mut child, port)
            .await
            .expect_err("production must refuse");
        let line = err
            .lines()
            .find(|l| l.contains("LK_ENV=production"))
            .unwrap_or_default();
        assert!(line.contains(named), "{dropped}: {err}");
    }
}

#[actix_web::test]
async fn production_starts_with_smtp_and_yookassa_and_logs_each_request_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let env = production_env(free_port());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut child = serve(dir.path(), port, &env);
    wait_ready(&mut child, port)
        .await
        .expect("production starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{base}/health/ready"))
            .send()
            .await
            .expect("ready")
            .status(),
        200
    );
    assert_eq!(
        client
            .get(format!("{base}/api/v1/dev/mailbox"))
            .send()
            .await
            .expect("mailbox")
            .status(),
        404,
        "no development mailbox in production"
    );
    let r = client
        .get(format!("{base}/api/v1/me"))
        .header("x-forwarded-for", "6.6.6.6")
        .header("x-request-id", "forged-by-the-client")
        .send()
        .await
        .expect("me");
    assert_eq!(r.status(), 401);
    let id = r
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("request id")
        .to_owned();
    assert_ne!(id, "forged-by-the-client");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let log = stop(child);
    let access: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(r#""route":"/api/v1/me""#))
        .collect();
    assert_eq!(access.len(), 1, "one access line per request:\n{log}");
    let line = access[0];
    for part in [
        r#""method":"GET""#.to_owned(),
        r#""status":401"#.to_owned(),
        format!(r#""request_id":"{id}""#),
        r#""client":"127.0.0.1""#.to_owned(),
        r#""duration_ms":"#.to_owned(),
    ] {
        assert!(line.contains(&part), "{part} missing from {line}");
    }
    assert!(
        !log.contains("6.6.6.6"),
        "an untrusted X-Forwarded-For never reaches the log"
    );
    assert!(!log.contains(SECRET), "secrets never reach the log");
}

#[actix_web::test]
async fn development_warns_loudly_and_a_taken_port_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut first = serve(dir.path(), port, &[]);
    wait_ready(&mut first, port)
        .await
        .expect("development starts");
    let other = tempfile::tempdir().expect("tempdir");
    let second = serve(other.path(), port, &[]);
    let err = wait_exit(second).await;
    assert!(
        err.contains(&format!("127.0.0.1:{port} (LK_ADDR)")),
        "{err}"
    );
    let log = stop(first);
    let warning = log
        .lines()
        .filter(|l| l.contains("DEVELOPMENT MODE"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(warning.contains("/api/v1/dev/mailbox"), "{log}");
    assert!(warning.contains("sandbox"), "{log}");
}
