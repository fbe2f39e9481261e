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
        assert!(r.status() == 404 || r.status() == 405, "{}", r.status());
        assert!(r.headers()["content-type"].to_str().unwrap_or_default().starts_with("application/problem+json"));
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
