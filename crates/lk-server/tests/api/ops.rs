//! Health, metrics, OpenAPI, Swagger UI, SPA hosting and security headers.

use crate::helpers::*;

backend_tests! {
    async fn health_endpoints_answer(app: TestApp) {
        let live = app.get("/health/live", None).await;
        assert_eq!(live.status(), 200);
        let ready: serde_json::Value = app.get("/health/ready", None).await.json().await.expect("json");
        assert_eq!(ready["status"], "ok");
    }

    async fn metrics_count_requests_by_route_pattern(app: TestApp) {
        app.get("/health/live", None).await;
        app.get("/api/v1/me", None).await;
        let text = app.get("/metrics", None).await.text().await.expect("text");
        assert!(text.contains(r#"lk_http_requests_total{method="GET",route="/health/live",status="200"}"#), "{text}");
        assert!(text.contains(r#"route="/api/v1/me",status="401""#), "{text}");
        assert!(text.contains("lk_http_request_duration_seconds_bucket"));
    }
}

#[actix_web::test]
async fn the_served_openapi_document_equals_the_committed_one() {
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    let served: serde_json::Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .expect("json");
    let committed: serde_json::Value =
        serde_json::from_str(include_str!("../../../../openapi/openapi.json"))
            .expect("committed spec");
    assert_eq!(
        served, committed,
        "openapi/openapi.json is stale: run `cargo xtask openapi`"
    );
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password/forgot",
        "/api/v1/auth/password/reset",
        "/api/v1/auth/confirm-email",
        "/api/v1/me",
        "/api/v1/me/password",
        "/health/ready",
    ] {
        assert!(
            served["paths"].get(path).is_some(),
            "{path} is not documented"
        );
    }
}

#[actix_web::test]
async fn swagger_ui_is_served_without_network() {
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    let r = app.get("/swagger-ui/", None).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("text");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "Swagger UI must not load anything from the internet"
    );
    let r = app.get("/swagger-ui/swagger-ui-bundle.js", None).await;
    assert_eq!(r.status(), 200);
}

#[actix_web::test]
async fn the_spa_is_served_with_client_route_fallback_and_a_strict_csp() {
    let app = spawn_app_with(lk_server::db::Backend::Sqlite, |c| {
        std::fs::create_dir_all(&c.static_dir).expect("dist");
        std::fs::write(
            c.static_dir.join("index.html"),
            "<!doctype html><script type=\"module\">init('/app.wasm')</script>",
        )
        .expect("index");
        std::fs::write(
            c.static_dir.join("app-0123456789abcdef.js"),
            "export default 1",
        )
        .expect("asset");
        c.public_url = "https://lk.example".into();
    })
    .await;
    for path in ["/", "/login", "/profile/settings"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status(), 200, "{path}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .to_owned();
        assert!(
            csp.contains("'wasm-unsafe-eval'")
                && csp.contains("'sha256-")
                && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(
            r.headers()["cache-control"],
            "no-cache",
            "{path}: the page is revalidated after a deploy"
        );
        assert!(r.headers()["strict-transport-security"]
            .to_str()
            .expect("hsts")
            .contains("max-age="));
        assert!(r.text().await.expect("html").contains("init('/app.wasm')"));
    }
    let r = app.get("/app-0123456789abcdef.js", None).await;
    assert!(r.headers()["cache-control"]
        .to_str()
        .expect("cc")
        .contains("immutable"));
    // API paths never fall back to the SPA.
    assert_problem(
        app.get("/api/v1/nothing-here", None).await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn without_https_there_is_no_hsts_and_every_response_has_a_request_id() {
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    let r = app.get("/health/live", None).await;
    assert!(r.headers().get("strict-transport-security").is_none());
    assert!(r
        .headers()
        .get("x-request-id")
        .is_some_and(|v| !v.is_empty()));
}

/// Large answers travel compressed when the client accepts it; small ones go as they are
/// (compressing them costs more than it saves), and both say they depend on the header.
#[actix_web::test]
async fn large_answers_are_compressed_and_small_ones_are_not() {
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    let get = |path: &'static str| {
        new_client()
            .get(app.url(path))
            .header("accept-encoding", "br, gzip")
            .send()
    };

    let plain = app
        .get("/api/openapi.json", None)
        .await
        .bytes()
        .await
        .expect("body");
    let r = get("/api/openapi.json").await.expect("request");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert!(r.headers()["vary"]
        .to_str()
        .expect("vary")
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    let compressed = r.bytes().await.expect("body");
    assert!(
        compressed.len() * 4 < plain.len(),
        "{} of {}",
        compressed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut compressed.as_ref(), &mut unpacked).expect("brotli");
    assert_eq!(unpacked, plain.as_ref());

    let r = get("/health/live").await.expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.headers()["vary"], "accept-encoding");
    let small = r.bytes().await.expect("body");
    assert!((small.len() as u64) < lk_server::compress::COMPRESS_MIN_BYTES);
    let json: serde_json::Value = serde_json::from_slice(&small).expect("plain JSON");
    assert_eq!(json["status"], "ok");
}

/// A mid-sized answer (the operations history: kilobytes, under the in-place limit) is
/// compressed as the client asks, brotli or gzip, and unpacks to exactly the plain answer.
#[actix_web::test]
async fn mid_sized_answers_are_compressed_as_asked_and_unpack_to_the_plain_one() {
    use std::io::Read as _;
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    app.seed_registry().await;
    let t = app.subscriber("packed@example.ru").await;
    app.house_with_account(&t, "680000000001", "01234567").await;
    let path = "/api/v1/accounts/680000000001/operations?limit=200";
    let plain = app.get(path, Some(&t)).await.bytes().await.expect("body");
    let size = plain.len() as u64;
    assert!(
        (lk_server::compress::COMPRESS_MIN_BYTES..=lk_server::compress::COMPRESS_INLINE_MAX_BYTES)
            .contains(&size),
        "{size} bytes"
    );
    for (accept, encoding) in [("br", "br"), ("gzip", "gzip"), ("gzip, br", "br")] {
        let r = new_client()
            .get(app.url(path))
            .bearer_auth(&t)
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "{accept}");
        assert_eq!(r.headers()["content-encoding"], encoding, "{accept}");
        assert!(r.headers()["vary"]
            .to_str()
            .expect("vary")
            .contains("accept-encoding"));
        assert_eq!(r.headers()["content-type"], "application/json", "{accept}");
        let packed = r.bytes().await.expect("body");
        assert!(
            packed.len() * 3 < plain.len(),
            "{accept}: {} of {}",
            packed.len(),
            plain.len()
        );
        let mut unpacked = Vec::new();
        if encoding == "br" {
            brotli::BrotliDecompress(&mut packed.as_ref(), &mut unpacked).expect("brotli");
        } else {
            flate2::read::GzDecoder::new(packed.as_ref())
                .read_to_end(&mut unpacked)
                .expect("gzip");
        }
        assert_eq!(unpacked, plain.as_ref(), "{accept}");
    }
}

/// The SPA's files go out as `cargo xtask spa` compressed them: the brotli or gzip copy the
/// browser accepts, with the original's type and immutable caching; the file itself when it
/// accepts neither or no copy was built — never compressed per request.
#[actix_web::test]
async fn the_spa_files_are_served_precompressed_by_accept_encoding() {
    let wasm: Vec<u8> = (0..4096u32).map(|i| (i % 251) as u8).collect();
    let app = spawn_app_with(lk_server::db::Backend::Sqlite, |c| {
        let dir = &c.static_dir;
        std::fs::create_dir_all(dir).expect("dist");
        std::fs::write(dir.join("index.html"), "<!doctype html><p>app</p>").expect("index");
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), &wasm).expect("wasm");
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.br"), b"brotli copy").expect("br");
        std::fs::write(dir.join("app-0123456789abcdef_bg.wasm.gz"), b"gzip copy").expect("gz");
        // Large enough to be worth compressing, but built without copies.
        std::fs::write(
            dir.join("plain-0123456789abcdef.css"),
            "p{color:red}".repeat(200),
        )
        .expect("css");
    })
    .await;
    let get = |path: &'static str, accept: &'static str| {
        new_client()
            .get(app.url(path))
            .header("accept-encoding", accept)
            .send()
    };
    for (accept, encoding, body) in [
        ("gzip, deflate, br", Some("br"), b"brotli copy".to_vec()),
        ("gzip", Some("gzip"), b"gzip copy".to_vec()),
        ("br;q=0.5, gzip;q=1", Some("gzip"), b"gzip copy".to_vec()),
        ("identity", None, wasm.clone()),
    ] {
        let r = get("/app-0123456789abcdef_bg.wasm", accept)
            .await
            .expect("request");
        assert_eq!(r.status(), 200, "{accept}");
        assert_eq!(
            r.headers()
                .get("content-encoding")
                .map(|v| v.to_str().expect("ascii")),
            encoding,
            "{accept}"
        );
        assert_eq!(r.headers()["content-type"], "application/wasm", "{accept}");
        assert!(r.headers().get("content-disposition").is_none(), "{accept}");
        assert!(r.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .contains("immutable"));
        if encoding.is_some() {
            assert!(r.headers()["vary"]
                .to_str()
                .expect("vary")
                .contains("accept-encoding"));
        }
        assert_eq!(
            r.bytes().await.expect("body").as_ref(),
            body.as_slice(),
            "{accept}"
        );
    }
    let r = get("/plain-0123456789abcdef.css", "br, gzip")
        .await
        .expect("request");
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.bytes().await.expect("body").len(), 12 * 200);
}
