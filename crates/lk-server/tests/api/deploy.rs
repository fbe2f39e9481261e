//! Safe to deploy (issue 8): client addresses behind proxies, throttling that cannot be overrun
//! nor used to lock an owner out, one reading per meter and day, `Idempotency-Key`, and the
//! operations answers (503, 405, caching, metrics) — on both databases, across two nodes where
//! it matters.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");

/// The meter id and latest single-zone value of the account's meter.
async fn meter_of(app: &TestApp, token: &str, account: &str) -> (i64, i64) {
    let meters = app
        .get_json(&format!("/api/v1/accounts/{account}/meters"), token)
        .await;
    let m = &meters[0];
    (
        m["id"].as_i64().expect("id"),
        m["last_reading"]["values"][0]["value"]
            .as_i64()
            .expect("value"),
    )
}

async fn post_with_key(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    body: &Value,
    token: &str,
    key: Option<&str>,
) -> reqwest::Response {
    let mut r = client.post(app.url(path)).bearer_auth(token).json(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    r.send().await.expect("request")
}

backend_tests! {
    async fn a_strangers_wrong_passwords_do_not_lock_the_owner_out(app: TestApp) {
        app.confirmed_user("victim@example.ru").await;
        // The owner has signed in from this browser before: it keeps a device cookie.
        let owner = new_client();
        assert_eq!(app.login_with(&owner, "victim@example.ru", PASSWORD).await.status(), 200);
        // A stranger fails ten times, then is refused.
        let stranger = new_client();
        for _ in 0..10 {
            assert_eq!(app.login_with(&stranger, "victim@example.ru", "guess-guess-1").await.status(), 401);
        }
        assert_eq!(app.login_with(&stranger, "victim@example.ru", PASSWORD).await.status(), 429);
        // An unknown browser is refused too, but the owner's own signs in.
        assert_eq!(app.login_with(&new_client(), "victim@example.ru", PASSWORD).await.status(), 429);
        assert_eq!(app.login_with(&owner, "victim@example.ru", PASSWORD).await.status(), 200);
        // A device cookie of another account does not help the stranger.
        app.confirmed_user("stranger@example.ru").await;
        assert_eq!(app.login_with(&stranger, "stranger@example.ru", PASSWORD).await.status(), 200);
        assert_eq!(app.login_with(&stranger, "victim@example.ru", PASSWORD).await.status(), 429);
    }

    async fn thirty_parallel_identical_readings_store_one(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("rush@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let (meter, last) = meter_of(&app, &t, A1.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0);
        let body = json!({"values": [{"zone": "single", "value": last + 150}]});
        let node2 = app.second_node(|_| {}).await;
        let submissions = (0..30).map(|i| {
            let (node, client) = if i % 2 == 0 { (&app, reqwest::Client::new()) } else { (&node2, reqwest::Client::new()) };
            let (path, body, t) = (&path, &body, &t);
            async move { node.post_as(&client, path, body, Some(t)).await.status() }
        });
        let statuses = futures_util::future::join_all(submissions).await;
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
        let today = app.get_json(&path, &t).await;
        let portal: Vec<&Value> = today.as_array().expect("list").iter().filter(|r| r["source"] == "portal").collect();
        assert_eq!(portal.len(), 1, "one reading for the meter and day: {portal:?}");
        assert_eq!(portal[0]["values"][0]["value"].as_i64(), Some(last + 150));
        let history = app.get_json(&format!("/api/v1/accounts/{}/operations?types=reading&limit=200", A1.0), &t).await;
        let readings_today = history["items"].as_array().expect("items").iter().filter(|i| i["date"] == portal[0]["taken_on"]).count();
        assert_eq!(readings_today, 1, "the history shows it once");
    }

    async fn a_reading_retried_with_its_idempotency_key_answers_the_first_result(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("retry@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let (meter, last) = meter_of(&app, &t, A1.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0);
        let body = json!({"values": [{"zone": "single", "value": last + 100}]});
        let first = post_with_key(&app, &app.client, &path, &body, &t, Some("reading-1")).await;
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.expect("json");
        let again = post_with_key(&app, &app.client, &path, &body, &t, Some("reading-1")).await;
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
        let again: Value = again.json().await.expect("json");
        assert_eq!(again, first, "the same answer");
        // The same key with other values is a client error, not a silent replay.
        let other = json!({"values": [{"zone": "single", "value": last + 120}]});
        let r = post_with_key(&app, &app.client, &path, &other, &t, Some("reading-1")).await;
        assert_problem(r, 422, "idempotency_key_reused").await;
        let r = post_with_key(&app, &app.client, &path, &other, &t, Some("bad key with spaces")).await;
        assert_problem(r, 400, "invalid_idempotency_key").await;
        // The stored reading is still the first one.
        let list = app.get_json(&path, &t).await;
        assert_eq!(list[0]["values"][0]["value"].as_i64(), Some(last + 100));
    }

    async fn a_payment_retried_with_its_key_is_the_same_payment_and_keys_belong_to_their_user(app: TestApp) {
        app.seed_registry().await;
        let anna = app.subscriber("anna@example.ru").await;
        app.house_with_account(&anna, A1.0, A1.1).await;
        let boris = app.subscriber("boris@example.ru").await;
        app.house_with_account(&boris, A1.0, A1.1).await;
        let path = format!("/api/v1/accounts/{}/payments", A1.0);
        let body = json!({"amount": "100.00", "rules_accepted": true});
        let first = post_with_key(&app, &app.client, &path, &body, &anna, Some("pay-1")).await;
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.expect("json");
        let retry = post_with_key(&app, &app.client, &path, &body, &anna, Some("pay-1")).await;
        assert_eq!(retry.status(), 201, "a genuine retry is answered, not refused");
        let retry: Value = retry.json().await.expect("json");
        assert_eq!(retry["payment_id"], first["payment_id"]);
        // The node that ran the first request died before keeping its answer: the retry
        // carries on with the same payment, never a second one.
        app.store.prune_idempotent(i64::MAX).await.expect("forget the keys");
        let after_crash = post_with_key(&app, &app.client, &path, &body, &anna, Some("pay-1")).await;
        assert_eq!(after_crash.status(), 201);
        let after_crash: Value = after_crash.json().await.expect("json");
        assert_eq!(after_crash["payment_id"], first["payment_id"]);
        // Another user's identical key is just another key.
        let other = post_with_key(&app, &app.client, &path, &body, &boris, Some("pay-1")).await;
        assert_eq!(other.status(), 201);
        let other: Value = other.json().await.expect("json");
        assert_ne!(other["payment_id"], first["payment_id"]);

        // A new key sent twelve times at once, half of them to a second node: one payment;
        // each answer is that payment or «still in progress» (409), never a second payment.
        let node2 = app.second_node(|_| {}).await;
        let tries = (0..12).map(|i| {
            let (node, path, body, anna) = (if i % 2 == 0 { &app } else { &node2 }, &path, &body, &anna);
            async move {
                let r = post_with_key(node, &reqwest::Client::new(), path, body, anna, Some("pay-2")).await;
                let status = r.status().as_u16();
                let v: Value = r.json().await.expect("json");
                (status, v)
            }
        });
        let answers = futures_util::future::join_all(tries).await;
        let mut ids: Vec<&Value> = answers.iter().filter(|(s, _)| *s == 201).map(|(_, v)| &v["payment_id"]).collect();
        assert!(!ids.is_empty(), "{answers:?}");
        ids.dedup();
        assert_eq!(ids.len(), 1, "one payment for one key: {answers:?}");
        assert_ne!(ids[0], &first["payment_id"]);
        for (status, v) in &answers {
            assert!(*status == 201 || (*status == 409 && v["code"] == "idempotency_key_in_use"), "{status} {v}");
        }
        let settled = post_with_key(&node2, &node2.client, &path, &body, &anna, Some("pay-2")).await;
        assert_eq!(settled.status(), 201);
        assert_eq!(&settled.json::<Value>().await.expect("json")["payment_id"], ids[0]);
    }

    async fn a_phone_number_follows_one_rule_at_registration_in_the_profile_and_in_change_requests(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("phone@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let bad = "12-34";
        let r = app.post("/api/v1/auth/register", &json!({"email": "p2@example.ru", "password": PASSWORD, "phone": bad, "personal_data_consent": true})).await;
        let registration = assert_problem(r, 422, "validation_failed").await;
        let r = app.patch("/api/v1/me", &json!({"phone": bad}), &t).await;
        let profile = assert_problem(r, 422, "validation_failed").await;
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/change-requests", A1.0), &json!({"phone": bad}), Some(&t)).await;
        let change = assert_problem(r, 422, "validation_failed").await;
        for p in [&registration, &profile, &change] {
            assert_eq!(p["errors"][0]["field"], "phone", "{p}");
            assert_eq!(p["errors"][0]["code"], "invalid_phone", "{p}");
            assert_eq!(p["errors"][0]["message"], registration["errors"][0]["message"]);
        }
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/change-requests", A1.0), &json!({"phone": "8 (915) 123-45-67"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
    }

    async fn a_database_outage_is_a_503_with_retry_after(app: TestApp) {
        let t = app.subscriber("outage@example.ru").await;
        app.store.close().await;
        let r = app.get("/api/v1/me", Some(&t)).await;
        assert_eq!(r.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("5"));
        assert_problem(r, 503, "service_unavailable").await;
        let r = app.get("/health/ready", None).await;
        assert_eq!(r.status(), 503);
        assert!(r.headers().contains_key("retry-after"));
    }

    async fn personal_answers_are_never_cached_and_a_wrong_method_is_a_405(app: TestApp) {
        let t = app.subscriber("cache@example.ru").await;
        let r = app.get("/api/v1/me", Some(&t)).await;
        assert_eq!(r.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        let r = app.client.put(app.url("/api/v1/houses")).bearer_auth(&t).json(&json!({})).send().await.expect("put");
        assert_eq!(r.headers().get("allow").and_then(|v| v.to_str().ok()), Some("GET, POST"));
        assert_problem(r, 405, "method_not_allowed").await;
        let r = app.client.delete(app.url("/api/v1/houses/12/account/extra")).bearer_auth(&t).send().await.expect("delete");
        assert_problem(r, 404, "not_found").await;
        let r = app.client.get(app.url("/api/v1/houses/12/account")).bearer_auth(&t).send().await.expect("get");
        assert_eq!(r.headers().get("allow").and_then(|v| v.to_str().ok()), Some("PUT, DELETE"));
        assert_problem(r, 405, "method_not_allowed").await;
    }

    async fn metrics_keep_a_bounded_label_set_and_count_what_the_business_needs(app: TestApp) {
        for i in 0..50 {
            let method = reqwest::Method::from_bytes(format!("INVENTED{i}").as_bytes()).expect("method");
            app.client.request(method, app.url("/api/v1/me")).send().await.expect("send");
        }
        app.confirmed_user("metrics@example.ru").await;
        app.login_with(&app.client, "metrics@example.ru", "wrong-password-1").await;
        app.login("metrics@example.ru").await;
        let text = app.get("/metrics", None).await.text().await.expect("text");
        assert!(!text.contains("INVENTED"), "invented methods become one label");
        assert!(text.contains(r#"method="OTHER""#), "{text}");
        for series in [
            r#"lk_logins_total{outcome="ok"} 1"#,
            r#"lk_logins_total{outcome="failed"} 1"#,
            r#"lk_mails_total{outcome="queued"} 1"#,
            r#"lk_db_pool_connections{state="max"}"#,
            "lk_process_resident_memory_bytes",
        ] {
            assert!(text.contains(series), "{series} missing from\n{text}");
        }
    }
}

/// Twenty parallel logins of storm@example.ru: status, problem code and `Retry-After` of each.
async fn login_storm(app: &TestApp) -> Vec<(u16, Option<String>, Option<String>)> {
    let logins = (0..20).map(|_| async move {
        let r = app
            .login_with(&reqwest::Client::new(), "storm@example.ru", PASSWORD)
            .await;
        let retry_after = r
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let status = r.status().as_u16();
        let v: Value = r.json().await.expect("json");
        (status, v["code"].as_str().map(str::to_owned), retry_after)
    });
    futures_util::future::join_all(logins).await
}

each_backend! {
    async fn parallel_wrong_passwords_get_exactly_the_limit_of_password_checks(backend: Backend) {
        // Enough hashing slots for all at once, so none is shed as `server_busy`; half of the
        // attempts go to a second node on the same database: the limit is the database's.
        let app = spawn_app_with(backend, |c| c.max_concurrent_hashes = 64).await;
        let node2 = app.second_node(|c| c.max_concurrent_hashes = 64).await;
        app.confirmed_user("target@example.ru").await;
        let attempts = (0..30).map(|i| {
            let client = reqwest::Client::new();
            let app = if i % 2 == 0 { &app } else { &node2 };
            async move {
                let r = app.login_with(&client, "target@example.ru", "wrong-password-1").await;
                let v: Value = r.json().await.expect("problem");
                v["code"].as_str().unwrap_or_default().to_owned()
            }
        });
        let codes = futures_util::future::join_all(attempts).await;
        let count = |code: &str| codes.iter().filter(|c| *c == code).count();
        assert_eq!(
            (count("invalid_credentials"), count("too_many_requests")),
            (10, 20),
            "exactly the limit of password checks: {codes:?}"
        );
    }

    async fn a_login_storm_waits_for_a_hashing_slot_and_beyond_the_queue_is_told_when_to_retry(backend: Backend) {
        // One slot and room for everyone in the queue: twenty parallel logins all sign in.
        let app = spawn_app_with(backend, |c| {
            c.max_concurrent_hashes = 1;
            c.hash_queue = 64;
            c.hash_queue_wait_ms = 30_000;
            // Twenty attempts for one account at once (the limit counts them while checked).
            c.throttle.login_per_email = 100;
        })
        .await;
        app.confirmed_user("storm@example.ru").await;
        let answers = login_storm(&app).await;
        assert!(answers.iter().all(|(s, ..)| *s == 200), "all waited their turn: {answers:?}");

        // One slot and no queue: those that find the slot taken are told to come back.
        let app = spawn_app_with(backend, |c| {
            c.max_concurrent_hashes = 1;
            c.hash_queue = 0;
            c.throttle.login_per_email = 100;
        })
        .await;
        app.confirmed_user("storm@example.ru").await;
        let answers = login_storm(&app).await;
        let busy: Vec<_> = answers.iter().filter(|(s, ..)| *s == 429).collect();
        assert!(answers.iter().any(|(s, ..)| *s == 200), "the first signs in: {answers:?}");
        assert!(!busy.is_empty(), "twenty at once on one slot: {answers:?}");
        for (_, code, retry_after) in &busy {
            assert_eq!(code.as_deref(), Some("server_busy"));
            assert_eq!(retry_after.as_deref(), Some("1"));
        }
        // Shed attempts are given back: the user is not locked out by the storm.
        assert_eq!(app.login_with(&reqwest::Client::new(), "storm@example.ru", PASSWORD).await.status(), 200);
        let metrics = app.get("/metrics", None).await.text().await.expect("text");
        assert!(metrics.contains(r#"lk_password_hashes_total{outcome="queue_full"}"#), "{metrics}");
    }

    async fn registration_and_password_change_share_the_hashing_slots_and_are_told_when_to_retry(backend: Backend) {
        // One slot and no queue: twenty parallel registrations (each hashes its password), and
        // twenty parallel password changes (each checks the current one) find it taken.
        let app = spawn_app_with(backend, |c| {
            c.max_concurrent_hashes = 1;
            c.hash_queue = 0;
            c.throttle.register_per_ip = 100;
            c.throttle.login_per_email = 100;
        })
        .await;
        let answer = |r: reqwest::Response| async move {
            let status = r.status().as_u16();
            let retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let v: Value = r.json().await.unwrap_or(Value::Null);
            (status, v["code"].as_str().map(str::to_owned), retry_after)
        };
        let registrations = (0..20).map(|i| {
            let app = &app;
            async move {
                answer(app.post_as(&reqwest::Client::new(), "/api/v1/auth/register",
                    &json!({"email": format!("busy{i}@example.ru"), "password": PASSWORD, "personal_data_consent": true}), None).await).await
            }
        });
        let answers = futures_util::future::join_all(registrations).await;
        app.confirmed_user("changer@example.ru").await;
        let token = app.login("changer@example.ru").await;
        let changes = (0..20).map(|_| {
            let (app, token) = (&app, &token);
            async move {
                answer(app.post_as(&reqwest::Client::new(), "/api/v1/me/password",
                    &json!({"current_password": "not-the-current-one", "new_password": "next-password-42"}), Some(token)).await).await
            }
        });
        let changed = futures_util::future::join_all(changes).await;
        for (what, answers, done) in [("registration", &answers, 201), ("password change", &changed, 422)] {
            assert!(answers.iter().any(|(s, ..)| *s == done), "{what}: the first is done: {answers:?}");
            let busy: Vec<_> = answers.iter().filter(|(s, ..)| *s == 429).collect();
            assert!(!busy.is_empty(), "{what}: twenty at once on one slot: {answers:?}");
            for (_, code, retry_after) in &busy {
                assert_eq!(code.as_deref(), Some("server_busy"), "{what}");
                assert_eq!(retry_after.as_deref(), Some("1"), "{what}");
            }
            assert!(answers.iter().all(|(s, ..)| *s == done || *s == 429), "{what}: {answers:?}");
        }
    }

    async fn behind_a_trusted_proxy_limits_count_each_client_and_untrusted_headers_are_ignored(backend: Backend) {
        let app = spawn_app_with(backend, |c| {
            c.throttle.register_per_ip = 3;
            c.throttle.login_per_ip = 2;
            c.trusted_proxies = lk_server::client::TrustedProxies::parse("127.0.0.1").expect("proxies");
        })
        .await;
        let register = |i: u32, forwarded: &'static str| {
            let app = &app;
            async move {
                app.client
                    .post(app.url("/api/v1/auth/register"))
                    .header("x-forwarded-for", forwarded)
                    .json(&json!({"email": format!("p{i}-{}@example.ru", forwarded.len()), "password": PASSWORD, "personal_data_consent": true}))
                    .send()
                    .await
                    .expect("register")
            }
        };
        for i in 0..3 {
            assert_eq!(register(i, "198.51.100.1").await.status(), 201);
        }
        assert_eq!(register(3, "198.51.100.1").await.status(), 429, "the fourth from one client");
        // Another subscriber behind the same proxy is not affected, and a forged first hop
        // does not change who the client is.
        assert_eq!(register(4, "198.51.100.2").await.status(), 201);
        assert_eq!(register(5, "6.6.6.6, 198.51.100.1").await.status(), 429);
        // Logins too: one client's failures leave the others behind the proxy their own.
        let login = |forwarded: &'static str| {
            let app = &app;
            async move {
                let r = app.client.post(app.url("/api/v1/auth/login")).header("x-forwarded-for", forwarded)
                    .json(&json!({"email": "nobody@example.ru", "password": "wrong-password-1"}))
                    .send().await.expect("login");
                let status = r.status().as_u16();
                let v: Value = r.json().await.expect("problem");
                (status, v["code"].as_str().unwrap_or_default().to_owned())
            }
        };
        for _ in 0..2 {
            assert_eq!(login("198.51.100.7").await, (401, "invalid_credentials".to_owned()));
        }
        assert_eq!(login("198.51.100.7").await, (429, "too_many_requests".to_owned()));
        assert_eq!(login("198.51.100.8").await, (401, "invalid_credentials".to_owned()), "another client behind the proxy");
        // The request id the proxy assigned is kept.
        let r = app.client.get(app.url("/health/live")).header("x-request-id", "nginx-abc123").send().await.expect("get");
        assert_eq!(r.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("nginx-abc123"));

        // Without trusted proxies the headers are anyone's and count for nothing.
        let direct = spawn_app_with(backend, |c| c.throttle.register_per_ip = 3).await;
        let mut last = 0;
        for i in 0..4 {
            last = direct
                .client
                .post(direct.url("/api/v1/auth/register"))
                .header("x-forwarded-for", format!("203.0.113.{i}"))
                .json(&json!({"email": format!("d{i}@example.ru"), "password": PASSWORD, "personal_data_consent": true}))
                .send()
                .await
                .expect("register")
                .status()
                .as_u16();
        }
        assert_eq!(last, 429, "a forged X-Forwarded-For does not escape the limit");
        let r = direct.client.get(direct.url("/health/live")).header("x-request-id", "forged").send().await.expect("get");
        assert_ne!(r.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("forged"));
    }
}
