//! Input hygiene (issue 8, item 10): bodies are objects, errors name the field and never
//! repeat its value, amounts are plain decimals, text is NFC without bidi tricks.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");

/// Sends `body` as JSON text (which may be an array or a scalar).
async fn send_raw(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut r = app
        .client
        .request(method, app.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.expect("send")
}

backend_tests! {
    async fn a_json_array_is_not_taken_for_an_object(app: TestApp) {
        let t = app.subscriber("array@example.ru").await;
        let r = send_raw(&app, reqwest::Method::PATCH, "/api/v1/me", r#"["Иванов","Иван","Иванович","+79151234567"]"#, Some(&t)).await;
        let p = assert_problem(r, 422, "invalid_body").await;
        assert_eq!(p["errors"][0]["code"], "object_expected", "{p}");
        let me = app.get_json("/api/v1/me", &t).await;
        assert_eq!((me["last_name"].as_str(), me["phone"].as_str()), (Some("Петров"), None), "nothing was set by position");

        for body in [r#"["a@b.ru", "password"]"#, r#""a@b.ru""#, "42", "null"] {
            let r = send_raw(&app, reqwest::Method::POST, "/api/v1/auth/login", body, None).await;
            assert_problem(r, 422, "invalid_body").await;
        }
    }

    async fn errors_name_the_field_and_never_repeat_its_value(app: TestApp) {
        app.seed_registry().await;
        let r = send_raw(&app, reqwest::Method::POST, "/api/v1/auth/login", r#"{"email": "a@b.ru", "password": 31415926535}"#, None).await;
        let text = {
            assert_eq!(r.status(), 422);
            r.text().await.expect("text")
        };
        assert!(!text.contains("31415926535"), "the password was echoed: {text}");
        let p: Value = serde_json::from_str(&text).expect("json");
        assert_eq!((p["code"].as_str(), p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()), (Some("invalid_body"), Some("password"), Some("invalid_type")), "{p}");

        let r = send_raw(&app, reqwest::Method::POST, "/api/v1/auth/register", r#"{"password": "x"}"#, None).await;
        let p = assert_problem(r, 422, "invalid_body").await;
        assert_eq!((p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()), (Some("email"), Some("required")));

        let t = app.subscriber("paths@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let meter = app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &t).await[0]["id"].as_i64().expect("meter");
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings/preview", A1.0);
        let r = send_raw(&app, reqwest::Method::POST, &path, r#"{"values": [{"zone": "single", "value": "секрет-4242"}]}"#, Some(&t)).await;
        let text = r.text().await.expect("text");
        assert!(!text.contains("4242"), "{text}");
        let p: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(p["errors"][0]["field"], "values[0].value", "{p}");

        let r = app.get(&format!("/api/v1/accounts/{}/operations?limit=zz4242", A1.0), Some(&t)).await;
        let text = r.text().await.expect("text");
        assert!(!text.contains("4242"), "{text}");
        let p: Value = serde_json::from_str(&text).expect("json");
        assert_eq!((p["code"].as_str(), p["errors"][0]["field"].as_str()), (Some("invalid_query"), Some("limit")), "{p}");
        let r = app.get(&format!("/api/v1/accounts/{}/operations?types=invoice,zz4242", A1.0), Some(&t)).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert!(!p.to_string().contains("4242"), "{p}");
        let r = app.get("/api/v1/houses/zz4242", Some(&t)).await;
        let p = assert_problem(r, 400, "invalid_path").await;
        assert!(!p.to_string().contains("4242"), "{p}");
    }

    async fn amounts_are_accepted_only_in_plain_decimal_notation(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("notation@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let path = format!("/api/v1/accounts/{}/payments", A1.0);
        for amount in ["5e2", "5E2", "1e-2", "1 500", " 500", "+500", "500.", ".5", "0x1F4"] {
            let r = app.post_as(&app.client, &path, &json!({"amount": amount, "rules_accepted": true}), Some(&t)).await;
            let p = assert_problem(r, 422, "validation_failed").await;
            assert_eq!(problem_fields(&p), ["amount"], "{amount}");
            assert_eq!(p["errors"][0]["code"], "invalid_amount", "{amount}");
        }
        let r = app.post_as(&app.client, &path, &json!({"amount": 500, "rules_accepted": true}), Some(&t)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "invalid_body").await), ["amount"], "a JSON number is not the documented string");
        let p = app.start_payment(&t, A1.0, "500,50").await;
        assert_eq!(decimal(&p["amount"]), rust_decimal::Decimal::new(50_050, 2));

        let r = app.get(&format!("/api/v1/accounts/{}/receipt.pdf?amount=5e2", A1.0), Some(&t)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["amount"]);
    }

    async fn names_and_addresses_are_stored_in_nfc_and_refuse_bidi_and_invisible_text(app: TestApp) {
        let t = app.subscriber("unicode@example.ru").await;
        let r = app.patch("/api/v1/me", &json!({"first_name": "Ива\u{0301}н", "last_name": "Е\u{0308}жиков"}), &t).await;
        assert_eq!(r.status(), 200, "a stress mark is part of a name");
        let me: Value = r.json().await.expect("json");
        assert_eq!(me["first_name"], "Ива\u{0301}н");
        assert_eq!(me["last_name"], "Ёжиков", "stored in NFC");

        for (field, value, code) in [
            ("last_name", "\u{202E}вонавИ", "invalid_characters"),
            ("first_name", "\u{200B}\u{200D}", "invalid_characters"),
            ("patronymic", "Иванович\u{2066}", "invalid_characters"),
        ] {
            let r = app.patch("/api/v1/me", &json!({ field: value }), &t).await;
            let p = assert_problem(r, 422, "validation_failed").await;
            assert_eq!((p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()), (Some(field), Some(code)), "{value:?}");
        }

        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "Мои\u{0306} дом", "address": "г. Тамбов"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let house: Value = r.json().await.expect("json");
        assert_eq!(house["name"], "Мой дом");
        for (body, field, code) in [
            (json!({"name": "\u{200B}\u{2060}", "address": "г. Тамбов"}), "name", "invisible"),
            (json!({"name": "Дача", "address": "ул. \u{202E}ариМ, 1"}), "address", "invalid_characters"),
        ] {
            let r = app.post_as(&app.client, "/api/v1/houses", &body, Some(&t)).await;
            let p = assert_problem(r, 422, "validation_failed").await;
            assert_eq!((p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()), (Some(field), Some(code)), "{body}");
        }
    }

    async fn a_bad_webhook_signature_is_not_called_an_ended_session(app: TestApp) {
        let r = reqwest::Client::new()
            .post(app.url("/api/v1/payments/webhooks/sandbox"))
            .header("content-type", "application/json")
            .header("x-sandbox-signature", "sha256=00ff")
            .body(r#"{"event": "payment.succeeded", "object": {"id": "sbx-1", "status": "succeeded"}}"#)
            .send()
            .await
            .expect("send");
        assert!(r.headers().get("www-authenticate").is_none(), "no Bearer challenge for a signature");
        let p = assert_problem(r, 401, "invalid_signature").await;
        assert_eq!(p["detail"], "Подпись уведомления отсутствует или неверна.");
    }
}

crate::helpers::each_backend! {
    /// The log of a running `lk serve` never holds a rejected body value, whatever the level.
    /// (Path and query values are part of the URL, which the access log records.)
    async fn rejected_values_never_reach_the_log(backend: Backend) {
        let (url, _dir) = fresh_database_url(backend).await;
        let data = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(env!("CARGO_BIN_EXE_lk"))
            .arg("serve")
            .current_dir(data.path())
            .env("DATABASE_URL", &url)
            .env("LK_ADDR", "127.0.0.1:0")
            .env("LK_DATA_DIR", data.path())
            .env("LK_STATIC_DIR", data.path())
            .env("LK_LOG_FORMAT", "json")
            .env("RUST_LOG", "trace,sqlx=warn,h2=warn,hyper=warn,rustls=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lk serve");
        let (lines, log) = std::sync::mpsc::channel::<String>();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        for stream in [Box::new(stdout) as Box<dyn std::io::Read + Send>, Box::new(stderr)] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = lines.send(line);
                }
            });
        }
        let mut seen = Vec::new();
        let port = loop {
            let line = log.recv_timeout(std::time::Duration::from_secs(60)).expect("lk serve logs that it listens");
            let port = serde_json::from_str::<Value>(&line).ok().filter(|v| v["message"] == "listening").and_then(|v| v["port"].as_u64());
            seen.push(line);
            if let Some(port) = port {
                break port;
            }
        };
        let client = reqwest::Client::new();
        for body in [r#"{"email": "a@b.ru", "password": 31415926535}"#, r#"{"email": ["zz4242@b.ru"], "password": "x"}"#] {
            let r = client.post(format!("http://127.0.0.1:{port}/api/v1/auth/login")).header("content-type", "application/json").body(body).send().await.expect("send");
            assert_eq!(r.status(), 422);
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        let _ = child.kill();
        let _ = child.wait();
        seen.extend(log.try_iter());
        let text = seen.join("\n");
        assert!(text.contains("/api/v1/auth/login"), "requests are logged at this level: {text}");
        assert!(!text.contains("31415926535") && !text.contains("zz4242"), "a rejected value was logged:\n{text}");
    }
}
