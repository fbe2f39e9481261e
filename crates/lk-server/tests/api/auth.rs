use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// The refresh token from a response's `Set-Cookie`.
fn refresh_cookie(r: &reqwest::Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("lk_refresh=")
                .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
        })
        .expect("lk_refresh cookie")
}

async fn refresh_with(app: &TestApp, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", format!("lk_refresh={token}"))
        .send()
        .await
        .expect("refresh")
}

backend_tests! {
    async fn a_new_subscriber_confirms_the_email_then_signs_in(app: TestApp) {
        let r = app.register("Ivan.Petrov@Example.RU").await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let mails = app.mails_to("ivan.petrov@example.ru").await;
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0]["subject"], "Подтверждение адреса электронной почты");
        assert!(mails[0]["body"].as_str().unwrap_or_default().contains("http://lk.test/confirm-email#token="));

        let token = app.link_token("ivan.petrov@example.ru", "/confirm-email").await;
        let r = app.post("/api/v1/auth/confirm-email", &json!({"token": token})).await;
        assert_eq!(r.status(), StatusCode::OK);

        // Any case of the address signs in.
        let access = app.login("IVAN.PETROV@example.ru").await;
        let me: Value = app.get("/api/v1/me", Some(&access)).await.json().await.expect("json");
        assert_eq!(me["email"], "Ivan.Petrov@Example.RU");
        assert_eq!(me["last_name"], "Петров");
        assert_eq!(me["email_confirmed"], true);
    }

    async fn signing_in_before_confirming_is_refused_with_its_own_code(app: TestApp) {
        app.register("new@example.ru").await;
        let r = app.login_with(&app.client, "new@example.ru", PASSWORD).await;
        assert_problem(r, 403, "email_not_confirmed").await;
    }

    async fn a_confirmation_link_works_once(app: TestApp) {
        app.register("once@example.ru").await;
        let token = app.link_token("once@example.ru", "/confirm-email").await;
        assert_eq!(app.post("/api/v1/auth/confirm-email", &json!({"token": token})).await.status(), 200);
        let r = app.post("/api/v1/auth/confirm-email", &json!({"token": token})).await;
        assert_problem(r, 400, "invalid_token").await;
        let r = app.post("/api/v1/auth/confirm-email", &json!({"token": "made-up"})).await;
        assert_problem(r, 400, "invalid_token").await;
    }

    async fn registration_lists_every_invalid_field(app: TestApp) {
        let r = app
            .post(
                "/api/v1/auth/register",
                &json!({"email": "not-an-email", "password": "short", "phone": "12", "first_name": "R2D2", "personal_data_consent": false}),
            )
            .await;
        let p = assert_problem(r, 422, "validation_failed").await;
        let mut fields = problem_fields(&p);
        fields.sort();
        assert_eq!(fields, ["email", "first_name", "password", "personal_data_consent", "phone"]);
        assert!(app.mails_to("not-an-email").await.is_empty());
    }

    async fn passwords_that_break_nist_rules_are_refused_with_reasons(app: TestApp) {
        for (password, code) in [("qwerty123", "too_common"), ("anna@example.ru", "same_as_email"), (&"x".repeat(129)[..], "too_long"), ("1234567", "too_short")] {
            let r = app.post("/api/v1/auth/register", &json!({"email": "anna@example.ru", "password": password, "personal_data_consent": true})).await;
            let p = assert_problem(r, 422, "validation_failed").await;
            assert_eq!(p["errors"][0]["field"], "password");
            assert_eq!(p["errors"][0]["code"], code, "{password}");
        }
    }

    async fn registering_a_taken_address_in_another_case_reveals_nothing_and_warns_the_owner(app: TestApp) {
        app.confirmed_user("owner@example.ru").await;
        let r = app.post("/api/v1/auth/register", &json!({"email": "OWNER@example.ru", "password": "Another-password-99", "personal_data_consent": true})).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let mails = app.mails_to("owner@example.ru").await;
        assert_eq!(mails[0]["subject"], "Попытка повторной регистрации");
        // The original password still works; the attacker's does not.
        app.login("owner@example.ru").await;
        let r = app.login_with(&app.client, "owner@example.ru", "Another-password-99").await;
        assert_problem(r, 401, "invalid_credentials").await;
    }

    async fn a_wrong_email_and_a_wrong_password_get_the_same_answer(app: TestApp) {
        app.confirmed_user("real@example.ru").await;
        let a = app.login_with(&app.client, "real@example.ru", "wrong-password-1").await;
        let b = app.login_with(&app.client, "nobody@example.ru", "wrong-password-1").await;
        assert_eq!(a.status(), 401);
        assert_eq!(b.status(), 401);
        let a: Value = a.json().await.expect("json");
        let b: Value = b.json().await.expect("json");
        assert_eq!(a, b);
        assert_eq!(a["code"], "invalid_credentials");
    }

    async fn thirty_wrong_passwords_in_a_row_are_throttled_even_for_the_right_one(app: TestApp) {
        app.confirmed_user("target@example.ru").await;
        let mut statuses = Vec::new();
        let mut retry_after = None;
        for i in 0..30 {
            let r = app.login_with(&app.client, "target@example.ru", &format!("guess-number-{i}")).await;
            if r.status() == 429 {
                retry_after = r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok());
            }
            statuses.push(r.status().as_u16());
        }
        assert!(statuses[..10].iter().all(|s| *s == 401), "{statuses:?}");
        assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
        assert!(retry_after.is_some_and(|s| (1..=900).contains(&s)), "Retry-After {retry_after:?}");
        let r = app.login_with(&app.client, "target@example.ru", PASSWORD).await;
        assert_problem(r, 429, "too_many_requests").await;
    }

    async fn signing_out_ends_the_session(app: TestApp) {
        app.confirmed_user("bye@example.ru").await;
        let access = app.login("bye@example.ru").await;
        assert_eq!(app.post("/api/v1/auth/refresh", &json!({})).await.status(), 200);
        let r = app.post("/api/v1/auth/logout", &json!({})).await;
        assert_eq!(r.status(), 204);
        assert_problem(app.post("/api/v1/auth/refresh", &json!({})).await, 401, "no_session").await;
        assert_problem(app.get("/api/v1/me", Some(&access)).await, 401, "session_ended").await;
    }

    /// The main page, an account and a meter are read in the same statement as the session
    /// check: once the session ends they answer 401 like everything else — before any 404 or
    /// 400 that would tell what exists.
    async fn an_ended_session_opens_nothing_not_even_the_users_own_account(app: TestApp) {
        app.seed_registry().await;
        app.confirmed_user("gone@example.ru").await;
        let access = app.login("gone@example.ru").await;
        assert_eq!(app.get_json("/api/v1/houses", &access).await, json!([]), "no houses yet");
        app.house_with_account(&access, "680000000001", "01234567").await;
        let meters = app.get_json("/api/v1/accounts/680000000001/meters", &access).await;
        let meter = meters[0]["id"].as_i64().expect("meter");
        let readings = format!("/api/v1/accounts/680000000001/meters/{meter}/readings");
        let houses = app.get_json("/api/v1/houses", &access).await;
        assert_eq!(houses[0]["account"]["number"], "680000000001");
        assert_eq!(app.get(&readings, Some(&access)).await.status(), 200);
        assert_eq!(app.get("/api/v1/accounts/680000000001/operations", Some(&access)).await.status(), 200);
        assert_problem(app.get("/api/v1/accounts/680000000002/operations", Some(&access)).await, 404, "not_found").await;

        assert_eq!(app.post("/api/v1/auth/logout", &json!({})).await.status(), 204);
        for path in [
            "/api/v1/houses",
            "/api/v1/accounts/680000000001/operations",
            &readings,
            "/api/v1/accounts/680000000002/operations",
            "/api/v1/accounts/not-a-number/operations",
            "/api/v1/accounts/680000000001/meters/x/readings",
        ] {
            assert_problem(app.get(path, Some(&access)).await, 401, "session_ended").await;
        }
        let r = app
            .post_as(&app.client, &readings, &json!({"values": [{"zone": "single", "value": 1}]}), Some(&access))
            .await;
        assert_problem(r, 401, "session_ended").await;
    }

    async fn forgot_password_answers_alike_for_known_and_unknown_addresses(app: TestApp) {
        app.confirmed_user("known@example.ru").await;
        let a = app.post("/api/v1/auth/password/forgot", &json!({"email": "known@example.ru"})).await;
        let b = app.post("/api/v1/auth/password/forgot", &json!({"email": "unknown@example.ru"})).await;
        assert_eq!(a.status(), 202);
        assert_eq!(b.status(), 202);
        assert_eq!(a.text().await.expect("text"), b.text().await.expect("text"));
        assert_eq!(app.mails_to("known@example.ru").await[0]["subject"], "Восстановление пароля");
        assert!(app.mails_to("unknown@example.ru").await.is_empty());
    }

    async fn a_reset_link_works_once_and_ends_every_session(app: TestApp) {
        app.confirmed_user("reset@example.ru").await;
        let old_access = app.login("reset@example.ru").await;
        app.post("/api/v1/auth/password/forgot", &json!({"email": "reset@example.ru"})).await;
        let token = app.link_token("reset@example.ru", "/reset-password").await;

        let r = app.post("/api/v1/auth/password/reset", &json!({"token": token, "new_password": "brand-new-secret-7"})).await;
        assert_eq!(r.status(), 200);
        let r = app.post("/api/v1/auth/password/reset", &json!({"token": token, "new_password": "other-new-secret-8"})).await;
        assert_problem(r, 400, "invalid_token").await;

        assert_problem(app.get("/api/v1/me", Some(&old_access)).await, 401, "session_ended").await;
        assert_eq!(app.login_with(&app.client, "reset@example.ru", PASSWORD).await.status(), 401);
        assert_eq!(app.login_with(&app.client, "reset@example.ru", "brand-new-secret-7").await.status(), 200);
    }

    async fn a_weak_new_password_does_not_spend_the_reset_link(app: TestApp) {
        app.confirmed_user("weak@example.ru").await;
        app.post("/api/v1/auth/password/forgot", &json!({"email": "weak@example.ru"})).await;
        let token = app.link_token("weak@example.ru", "/reset-password").await;
        let r = app.post("/api/v1/auth/password/reset", &json!({"token": token, "new_password": "password"})).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["field"], "new_password");
        let r = app.post("/api/v1/auth/password/reset", &json!({"token": token, "new_password": "a-much-better-one"})).await;
        assert_eq!(r.status(), 200);
    }

    async fn an_older_reset_link_dies_when_a_newer_one_is_used(app: TestApp) {
        app.confirmed_user("two@example.ru").await;
        app.post("/api/v1/auth/password/forgot", &json!({"email": "two@example.ru"})).await;
        let older = app.link_token("two@example.ru", "/reset-password").await;
        app.post("/api/v1/auth/password/forgot", &json!({"email": "two@example.ru"})).await;
        let newer = app.link_token("two@example.ru", "/reset-password").await;
        assert_ne!(older, newer);
        assert_eq!(app.post("/api/v1/auth/password/reset", &json!({"token": newer, "new_password": "fresh-password-1"})).await.status(), 200);
        let r = app.post("/api/v1/auth/password/reset", &json!({"token": older, "new_password": "fresh-password-2"})).await;
        assert_problem(r, 400, "invalid_token").await;
    }

    async fn password_recovery_and_registration_are_throttled_per_email(app: TestApp) {
        let mut last = 0;
        for _ in 0..6 {
            last = app.post("/api/v1/auth/password/forgot", &json!({"email": "flood@example.ru"})).await.status().as_u16();
        }
        assert_eq!(last, 429);
        assert_eq!(app.mails_to("flood@example.ru").await.len(), 0);
        for _ in 0..6 {
            last = app.register("spam@example.ru").await.status().as_u16();
        }
        assert_eq!(last, 429);
        assert_eq!(app.mails_to("spam@example.ru").await.len(), 5, "one confirmation and four notices");
    }
}

each_backend! {
    async fn a_refresh_rotates_the_token_and_a_replay_ends_the_whole_session(backend: Backend) {
        // No grace: a replay a moment later is already a replay.
        let app = spawn_app_with(backend, |c| c.refresh_reuse_grace_secs = 0).await;
        app.confirmed_user("rotate@example.ru").await;
        let r = app.login_with(&reqwest::Client::new(), "rotate@example.ru", PASSWORD).await;
        let first = refresh_cookie(&r);
        let cookie_header = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(cookie_header.contains("HttpOnly") && cookie_header.contains("SameSite=Strict"), "{cookie_header}");

        let r = refresh_with(&app, &first).await;
        assert_eq!(r.status(), 200);
        let second = refresh_cookie(&r);
        assert_ne!(first, second);
        let access = access_token(r).await;
        assert_eq!(app.get("/api/v1/me", Some(&access)).await.status(), 200);

        // The first token is replayed: the family ends, the current token and its access
        // tokens stop working.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let r = refresh_with(&app, &first).await;
        assert_problem(r, 401, "refresh_token_reused").await;
        assert_problem(refresh_with(&app, &second).await, 401, "no_session").await;
        assert_problem(app.get("/api/v1/me", Some(&access)).await, 401, "session_ended").await;
    }

    async fn two_tabs_refreshing_at_once_on_two_nodes_both_stay_signed_in(backend: Backend) {
        let app = spawn_app(backend).await;
        let node2 = app.second_node(|_| {}).await;
        app.confirmed_user("tabs@example.ru").await;
        let r = app.login_with(&reqwest::Client::new(), "tabs@example.ru", PASSWORD).await;
        let cookie = refresh_cookie(&r);
        // Both tabs (one through each node) present the same cookie at the same moment.
        let (a, b) = futures_util::future::join(refresh_with(&app, &cookie), refresh_with(&node2, &cookie)).await;
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        let (ca, cb) = (refresh_cookie(&a), refresh_cookie(&b));
        let (ta, tb) = (access_token(a).await, access_token(b).await);
        assert_eq!(app.get("/api/v1/me", Some(&ta)).await.status(), 200);
        assert_eq!(node2.get("/api/v1/me", Some(&tb)).await.status(), 200);
        // The cookie the browser kept goes on working: one session, still valid. The other
        // sibling, presented after that, can only be a copy: it ends the session.
        assert_eq!(refresh_with(&node2, &ca).await.status(), 200);
        assert_problem(refresh_with(&app, &cb).await, 401, "refresh_token_reused").await;
    }
}

#[actix_web::test]
async fn logins_from_one_address_are_throttled_across_emails() {
    let app = spawn_app_with(lk_server::db::Backend::Sqlite, |c| {
        c.throttle.login_per_ip = 5
    })
    .await;
    let mut statuses = Vec::new();
    for i in 0..7 {
        statuses.push(
            app.login_with(&app.client, &format!("user{i}@example.ru"), "some-password")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429]);
}

/// `lk_session` (no secret, readable by the SPA) lives and dies with `lk_refresh`, so the SPA
/// only asks for a refresh when a session may exist.
#[actix_web::test]
async fn the_session_hint_cookie_comes_and_goes_with_the_refresh_cookie() {
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    app.confirmed_user("hint@example.ru").await;
    let cookies = |r: &reqwest::Response| -> Vec<String> {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    };
    let hint = |all: &[String]| all.iter().find(|c| c.starts_with("lk_session=")).cloned();

    let r = app
        .login_with(&new_client(), "hint@example.ru", PASSWORD)
        .await;
    assert_eq!(r.status(), 200);
    let set = cookies(&r);
    let h = hint(&set).expect("lk_session set at login");
    assert!(
        h.starts_with("lk_session=1;") && h.contains("Path=/"),
        "{h}"
    );
    assert!(!h.contains("HttpOnly"), "the SPA reads it: {h}");
    let token = refresh_cookie(&r);

    let r = refresh_with(&app, &token).await;
    assert_eq!(r.status(), 200);
    assert!(hint(&cookies(&r)).is_some_and(|h| h.starts_with("lk_session=1;")));
    let token = refresh_cookie(&r);

    let r = new_client()
        .post(app.url("/api/v1/auth/logout"))
        .header("cookie", format!("lk_refresh={token}"))
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), 204);
    let h = hint(&cookies(&r)).expect("lk_session cleared at logout");
    assert!(
        h.starts_with("lk_session=;") && h.contains("Max-Age=0"),
        "{h}"
    );

    // A refresh that fails clears it too.
    let r = refresh_with(&app, "not-a-token").await;
    assert_eq!(r.status(), 401);
    assert!(hint(&cookies(&r)).is_some_and(|h| h.contains("Max-Age=0")));
}
