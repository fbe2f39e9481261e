//! Every documented operation, fed garbage: the answer is a 4xx problem, never a 5xx.

use serde_json::{json, Value};

use crate::helpers::*;

fn garbage_bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/json", b"".to_vec()),
        ("application/json", b"{".to_vec()),
        ("application/json", b"[]".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"\"\\u0000\"".to_vec()),
        ("application/json", json!({"email": ["x"], "password": {"a": 1}, "token": 12, "new_password": null}).to_string().into_bytes()),
        ("application/json", json!({"email": "a@b.ru", "password": "p".repeat(10_000), "token": "t".repeat(5_000), "personal_data_consent": "yes"}).to_string().into_bytes()),
        ("application/json", json!({"last_name": "'; DROP TABLE users; --", "phone": "+7 (999) <script>", "first_name": "\u{202e}evil"}).to_string().into_bytes()),
        ("text/plain", b"hello".to_vec()),
        ("application/x-www-form-urlencoded", b"email=a%40b.ru&password=x".to_vec()),
    ]
}

backend_tests! {
    async fn no_documented_operation_answers_garbage_with_a_server_error(app: TestApp) {
        app.confirmed_user("fuzz@example.ru").await;
        let token = app.login("fuzz@example.ru").await;
        let spec: Value = app.get("/api/openapi.json", None).await.json().await.expect("spec");
        let paths = spec["paths"].as_object().expect("paths");
        let mut checked = 0;
        for (path, ops) in paths {
            let concrete = path.replace("{", "x").replace("}", "");
            for method in ops.as_object().expect("ops").keys() {
                let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
                for auth in [None, Some(token.as_str()), Some("garbage.token.here")] {
                    for (ct, body) in garbage_bodies() {
                        let mut req = app.client.request(method.clone(), app.url(&concrete)).header("content-type", ct).body(body);
                        if let Some(t) = auth {
                            req = req.bearer_auth(t);
                        }
                        let r = req.send().await.expect("send");
                        let status = r.status();
                        assert!(!status.is_server_error(), "{method} {path} answered {status}");
                        if status.is_client_error() {
                            let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                            assert!(ct.starts_with("application/problem+json"), "{method} {path} {status}: {ct}");
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 300, "only {checked} requests were made");
    }
}
