//! Malformed or hostile input gets a 4xx problem, never a 500.

use crate::helpers::*;

backend_tests! {
    async fn malformed_bodies_get_specific_problems(app: TestApp) {
        let post_raw = |ct: &'static str, body: Vec<u8>| {
            let req = app.client.post(app.url("/api/v1/auth/login")).header("content-type", ct).body(body);
            async move { req.send().await.expect("send") }
        };
        assert_problem(post_raw("application/json", b"{\"email\": ".to_vec()).await, 400, "malformed_json").await;
        assert_problem(post_raw("text/plain", b"{}".to_vec()).await, 415, "unsupported_media_type").await;
        let p = assert_problem(post_raw("application/json", br#"{"email": "a@b.ru"}"#.to_vec()).await, 422, "invalid_body").await;
        assert_eq!(problem_fields(&p), ["password"]);
        assert_problem(post_raw("application/json", br#"{"email": 5, "password": []}"#.to_vec()).await, 422, "invalid_body").await;
        let huge = format!("{{\"email\": \"{}\", \"password\": \"x\"}}", "a".repeat(100_000));
        assert_problem(post_raw("application/json", huge.into_bytes()).await, 413, "payload_too_large").await;
        assert_problem(post_raw("application/json", vec![0xff, 0xfe, 0x00]).await, 400, "malformed_json").await;
    }

    async fn unknown_paths_and_wrong_methods_get_problems(app: TestApp) {
        assert_problem(app.get("/api/v1/no-such-thing", None).await, 404, "not_found").await;
        assert_problem(app.get("/api/v2/me", None).await, 404, "not_found").await;
        let r = app.get("/api/v1/auth/login", None).await;
        assert_eq!(r.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
        assert_problem(r, 405, "method_not_allowed").await;
        for (method, path, allow) in [("PUT", "/api/v1/me", "GET, PATCH"), ("TRACE", "/health/live", "GET"), ("POST", "/api/v1/houses/7", "GET, DELETE, PATCH")] {
            let r = app.client.request(reqwest::Method::from_bytes(method.as_bytes()).expect("method"), app.url(path)).send().await.expect("send");
            assert_eq!(r.headers().get("allow").and_then(|v| v.to_str().ok()), Some(allow), "{method} {path}");
            assert_problem(r, 405, "method_not_allowed").await;
        }
    }

    async fn a_whole_number_written_as_a_float_is_an_integer(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("float@example.ru").await;
        app.house_with_account(&t, "680000000001", "01234567").await;
        let meter = app.get_json("/api/v1/accounts/680000000001/meters", &t).await[0]["id"].as_i64().expect("meter");
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/680000000001/meters/{meter}/readings/preview"), &serde_json::json!({"values": [{"zone": "single", "value": 99999.0}]}), Some(&t)).await;
        assert_eq!(r.status(), 200, "JSON Schema counts 99999.0 as an integer");
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/680000000001/meters/{meter}/readings/preview"), &serde_json::json!({"values": [{"zone": "single", "value": 99999.5}]}), Some(&t)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "invalid_body").await), ["values[0].value"]);
    }

    async fn hostile_strings_are_refused_or_stored_verbatim_never_a_500(app: TestApp) {
        for email in ["' OR 1=1 --@x.ru", "a@b.ru'; DROP TABLE users; --", "\u{0000}@x.ru", "😀@😀.рф"] {
            let r = app.post("/api/v1/auth/login", &serde_json::json!({"email": email, "password": "x' OR '1'='1"})).await;
            assert!(r.status().is_client_error(), "{email}: {}", r.status());
        }
        let r = app.get("/api/v1/dev/mailbox?to=%27%20OR%201%3D1", None).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Vec<serde_json::Value>>().await.expect("json").len(), 0);
    }
}
