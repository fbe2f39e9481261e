//! Two-factor sign-in (X9): enrolment with the password and a first code, sign-in in two steps,
//! each code once (also in parallel on two nodes), ±1 time step, recovery codes, turning it
//! off, and staff who are required to use it.

use serde_json::{json, Value};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::helpers::*;

const EMAIL: &str = "twofactor@example.ru";

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// Waits until at least 4 s are left of the current 30-s step, so that a code computed now
/// belongs to the step the server is in when it checks it.
async fn settle() {
    loop {
        let into = now_secs() % 30;
        if into <= 25 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// The authenticator app: the code for `offset_steps` steps from now.
fn code(secret: &str, offset_steps: i64) -> String {
    let bytes = Secret::Encoded(secret.replace(' ', ""))
        .to_bytes()
        .expect("base32 secret");
    let totp = TOTP::new_unchecked(Algorithm::SHA1, 6, 0, 30, bytes);
    let t = now_secs() as i64 + offset_steps * 30;
    totp.generate(t as u64)
}

/// A confirmed user with two-factor sign-in on: (access token, secret, recovery codes).
async fn enrolled(app: &TestApp, email: &str) -> (String, String, Vec<String>) {
    app.confirmed_user(email).await;
    let token = app.login(email).await;
    let r = app
        .post_as(
            &app.client,
            "/api/v1/me/two-factor/enrolment",
            &json!({"password": PASSWORD}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status(), 200);
    let e: Value = r.json().await.expect("enrolment");
    let secret = e["secret"].as_str().expect("secret").to_owned();
    settle().await;
    let r = app
        .post_as(
            &app.client,
            "/api/v1/me/two-factor/enrolment/confirm",
            &json!({"code": code(&secret, 0)}),
            Some(&token),
        )
        .await;
    assert_eq!(r.status(), 200);
    let codes: Vec<String> = r.json::<Value>().await.expect("codes")["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    (token, secret, codes)
}

/// Step one of a sign-in from a fresh browser: the challenge.
async fn challenge(node: &TestApp, client: &reqwest::Client, email: &str) -> String {
    let r = node.login_with(client, email, PASSWORD).await;
    assert_eq!(r.status(), 202, "the password asks for a second step");
    assert!(
        r.cookies().all(|c| c.name() != "lk_refresh"),
        "no session before the second factor"
    );
    let v: Value = r.json().await.expect("challenge");
    assert!(v.get("access_token").is_none(), "{v}");
    v["challenge"].as_str().expect("challenge").to_owned()
}

async fn second_step(
    node: &TestApp,
    client: &reqwest::Client,
    challenge: &str,
    code: &str,
) -> reqwest::Response {
    node.post_as(
        client,
        "/api/v1/auth/login/second-factor",
        &json!({"challenge": challenge, "code": code}),
        None,
    )
    .await
}

each_backend! {
    async fn enrolment_needs_the_password_and_a_code_then_sign_in_asks_for_one(backend: Backend) {
        let app = spawn_app(backend).await;
        app.confirmed_user(EMAIL).await;
        let token = app.login(EMAIL).await;
        let status = app.get_json("/api/v1/me/two-factor", &token).await;
        assert_eq!(status["enabled"], false);
        assert_eq!(status["required"], false);

        let enrol = |password: &'static str| {
            let (app, token) = (&app, token.clone());
            async move {
                app.post_as(&app.client, "/api/v1/me/two-factor/enrolment",
                    &json!({"password": password}), Some(&token)).await
            }
        };
        let v = assert_problem(enrol("not-my-password").await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), vec!["password"]);
        let r = enrol(PASSWORD).await;
        assert_eq!(r.status(), 200);
        let e: Value = r.json().await.expect("enrolment");
        let secret = e["secret"].as_str().expect("secret").to_owned();
        assert!(e["otpauth_uri"].as_str().expect("uri").starts_with("otpauth://totp/"));
        assert!(e["otpauth_uri"].as_str().expect("uri").contains(&secret.replace(' ', "")));
        assert!(e["qr_svg"].as_str().expect("svg").contains("<svg"));

        // Pending: sign-in does not ask for codes until one confirms the app.
        let other = app.login_with(&new_client(), EMAIL, PASSWORD).await;
        assert_eq!(other.status(), 200);
        let other = access_token(other).await;

        let confirm = |c: String| {
            let (app, token) = (&app, token.clone());
            async move {
                app.post_as(&app.client, "/api/v1/me/two-factor/enrolment/confirm",
                    &json!({"code": c}), Some(&token)).await
            }
        };
        settle().await;
        let wrong = format!("{:06}", (code(&secret, 0).parse::<u32>().expect("digits") + 1) % 1_000_000);
        let v = assert_problem(confirm(wrong).await, 422, "validation_failed").await;
        assert_eq!(v["errors"][0]["code"], "invalid_code");
        let first = code(&secret, 0);
        let r = confirm(first.clone()).await;
        assert_eq!(r.status(), 200);
        let codes: Value = r.json().await.expect("codes");
        assert_eq!(codes["codes"].as_array().expect("codes").len(), 10);
        let status = app.get_json("/api/v1/me/two-factor", &token).await;
        assert_eq!(status["enabled"], true);
        assert_eq!(status["recovery_codes_left"], 10);
        // The owner is told by mail.
        let mails = app.mails_to(EMAIL).await;
        assert!(mails.iter().any(|m| m["subject"] == "Двухфакторная аутентификация включена"), "{mails:?}");
        // The session signed in with the password alone has ended; this one goes on.
        assert_problem(app.get("/api/v1/me", Some(&other)).await, 401, "session_ended").await;
        assert_eq!(app.get("/api/v1/me", Some(&token)).await.status(), 200);
        // On: a second enrolment is refused until it is turned off.
        assert_problem(enrol(PASSWORD).await, 409, "conflict").await;

        let browser = new_client();
        let ch = challenge(&app, &browser, EMAIL).await;
        // The code that confirmed the app was used: it never signs in.
        assert_problem(second_step(&app, &browser, &ch, &first).await, 401, "invalid_second_factor").await;
        let r = second_step(&app, &browser, &ch, &code(&secret, 1)).await;
        assert_eq!(r.status(), 200, "the next step's code");
        assert!(r.cookies().any(|c| c.name() == "lk_refresh"));
        let access = access_token(r).await;
        assert_eq!(app.get_json("/api/v1/me", &access).await["email"], EMAIL);
        // The challenge is spent.
        assert_problem(second_step(&app, &browser, &ch, &code(&secret, 1)).await, 401, "sign_in_expired").await;
    }

    async fn a_code_is_accepted_one_step_either_side_and_only_once_across_nodes(backend: Backend) {
        let app = spawn_app(backend).await;
        let node2 = app.second_node(|_| {}).await;
        app.confirmed_user(EMAIL).await;
        let token = app.login(EMAIL).await;
        let r = app.post_as(&app.client, "/api/v1/me/two-factor/enrolment",
            &json!({"password": PASSWORD}), Some(&token)).await;
        let secret = r.json::<Value>().await.expect("enrolment")["secret"].as_str().expect("secret").to_owned();
        let confirm = |c: String| {
            let (app, token) = (&app, token.clone());
            async move {
                app.post_as(&app.client, "/api/v1/me/two-factor/enrolment/confirm",
                    &json!({"code": c}), Some(&token)).await.status().as_u16()
            }
        };
        settle().await;
        // Two steps back is too old; one step back (a phone's clock a little behind) is fine.
        assert_eq!(confirm(code(&secret, -2)).await, 422);
        assert_eq!(confirm(code(&secret, -1)).await, 200);

        // Eight browsers sign in at once, half through each node, all with the same code (one
        // step ahead: a phone's clock a little fast): exactly one of them gets in.
        let browsers: Vec<reqwest::Client> = (0..8).map(|_| new_client()).collect();
        let mut challenges = Vec::new();
        for (i, b) in browsers.iter().enumerate() {
            let node = if i % 2 == 0 { &app } else { &node2 };
            challenges.push(challenge(node, b, EMAIL).await);
        }
        settle().await;
        let shared = code(&secret, 1);
        let tries = browsers.iter().zip(&challenges).enumerate().map(|(i, (b, ch))| {
            let node = if i % 2 == 0 { &app } else { &node2 };
            let shared = shared.clone();
            async move { second_step(node, b, ch, &shared).await.status().as_u16() }
        });
        let statuses = futures_util::future::join_all(tries).await;
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 200 || *s == 401), "{statuses:?}");
    }

    async fn recovery_codes_work_once_and_a_challenge_dies_after_five_wrong_codes(backend: Backend) {
        let app = spawn_app(backend).await;
        let (token, secret, codes) = enrolled(&app, EMAIL).await;
        let b = new_client();
        let ch = challenge(&app, &b, EMAIL).await;
        // Typed in capitals without the hyphen: the same code.
        let typed = codes[3].replace('-', "").to_uppercase();
        assert_eq!(second_step(&app, &b, &ch, &typed).await.status(), 200);
        let ch = challenge(&app, &b, EMAIL).await;
        assert_problem(second_step(&app, &b, &ch, &codes[3]).await, 401, "invalid_second_factor").await;
        assert_eq!(app.get_json("/api/v1/me/two-factor", &token).await["recovery_codes_left"], 9);

        for _ in 0..4 {
            assert_problem(second_step(&app, &b, &ch, "000000").await, 401, "invalid_second_factor").await;
        }
        // Five wrong codes on this challenge (one above): even the right one is too late.
        settle().await;
        assert_problem(second_step(&app, &b, &ch, &code(&secret, 1)).await, 401, "sign_in_expired").await;
        assert_problem(second_step(&app, &b, "no-such-challenge", "123456").await, 401, "sign_in_expired").await;

        // New codes for a current one: the old ones stop working.
        let r = app.post_as(&app.client, "/api/v1/me/two-factor/recovery-codes",
            &json!({"code": codes[0]}), Some(&token)).await;
        assert_eq!(r.status(), 200);
        let fresh: Value = r.json().await.expect("codes");
        let ch = challenge(&app, &b, EMAIL).await;
        assert_problem(second_step(&app, &b, &ch, &codes[1]).await, 401, "invalid_second_factor").await;
        let first_new = fresh["codes"][0].as_str().expect("code");
        assert_eq!(second_step(&app, &b, &ch, first_new).await.status(), 200);
    }

    async fn wrong_codes_are_limited_per_user(backend: Backend) {
        let app = spawn_app_with(backend, |c| c.throttle.second_factor_per_user = 3).await;
        enrolled(&app, EMAIL).await;
        let b = new_client();
        for _ in 0..3 {
            let ch = challenge(&app, &b, EMAIL).await;
            assert_problem(second_step(&app, &b, &ch, "111111").await, 401, "invalid_second_factor").await;
        }
        let ch = challenge(&app, &b, EMAIL).await;
        let r = second_step(&app, &b, &ch, "111111").await;
        assert!(r.headers().contains_key("retry-after"));
        assert_problem(r, 429, "too_many_requests").await;
    }

    async fn turning_it_off_needs_a_code_or_the_password(backend: Backend) {
        let app = spawn_app(backend).await;
        let (token, _, codes) = enrolled(&app, EMAIL).await;
        let disable = |body: Value| {
            let (app, token) = (&app, token.clone());
            async move {
                app.post_as(&app.client, "/api/v1/me/two-factor/disable", &body, Some(&token)).await
            }
        };
        let v = assert_problem(disable(json!({})).await, 422, "validation_failed").await;
        assert_eq!(v["errors"][0]["code"], "required");
        let v = assert_problem(disable(json!({"password": "wrong-password-1"})).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), vec!["password"]);
        let v = assert_problem(disable(json!({"code": "999999"})).await, 422, "validation_failed").await;
        assert_eq!(v["errors"][0]["code"], "invalid_code");
        let r = disable(json!({"code": codes[5]})).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("status")["enabled"], false);
        assert_eq!(app.login_with(&new_client(), EMAIL, PASSWORD).await.status(), 200);
        assert_problem(disable(json!({"password": PASSWORD})).await, 409, "conflict").await;

        // On again, and off with the password this time.
        let r = app.post_as(&app.client, "/api/v1/me/two-factor/enrolment",
            &json!({"password": PASSWORD}), Some(&token)).await;
        let secret = r.json::<Value>().await.expect("enrolment")["secret"].as_str().expect("secret").to_owned();
        settle().await;
        let r = app.post_as(&app.client, "/api/v1/me/two-factor/enrolment/confirm",
            &json!({"code": code(&secret, 0)}), Some(&token)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(disable(json!({"password": PASSWORD})).await.status(), 200);
        assert_eq!(app.login_with(&new_client(), EMAIL, PASSWORD).await.status(), 200);
    }

    async fn turned_off_on_one_node_its_old_codes_open_nothing_on_the_other(backend: Backend) {
        let app = spawn_app(backend).await;
        let node2 = app.second_node(|_| {}).await;
        let (token, secret, codes) = enrolled(&app, EMAIL).await;
        // A sign-in waits for its code on the first node while the owner turns it off on the
        // second.
        let browser = new_client();
        let pending = challenge(&app, &browser, EMAIL).await;
        let r = node2.post_as(&node2.client, "/api/v1/me/two-factor/disable", &json!({"password": PASSWORD}), Some(&token)).await;
        assert_eq!(r.status(), 200);
        // The recovery codes and the app's codes of before open nothing, on either node.
        assert_problem(second_step(&app, &browser, &pending, &codes[0]).await, 401, "invalid_second_factor").await;
        settle().await;
        assert_problem(second_step(&app, &browser, &pending, &code(&secret, 0)).await, 401, "invalid_second_factor").await;
        // No session came of it: the browser has nothing to renew.
        let r = browser.post(app.url("/api/v1/auth/refresh")).send().await.expect("refresh");
        assert_eq!(r.status(), 401);
        // Turned on again with a new secret: the old recovery codes are still nothing.
        let r = node2.post_as(&node2.client, "/api/v1/me/two-factor/enrolment", &json!({"password": PASSWORD}), Some(&token)).await;
        let new_secret = r.json::<Value>().await.expect("enrolment")["secret"].as_str().expect("secret").to_owned();
        assert_ne!(new_secret, secret);
        settle().await;
        let r = node2.post_as(&node2.client, "/api/v1/me/two-factor/enrolment/confirm", &json!({"code": code(&new_secret, 0)}), Some(&token)).await;
        assert_eq!(r.status(), 200);
        let again = challenge(&app, &browser, EMAIL).await;
        assert_problem(second_step(&app, &browser, &again, &codes[1]).await, 401, "invalid_second_factor").await;
    }

    async fn staff_can_be_required_to_use_it(backend: Backend) {
        let app = spawn_app_with(backend, |c| c.staff_two_factor = true).await;
        let operator = app.staff("operator@tesk.example", lk_domain::Role::Operator).await;
        assert_problem(app.get("/api/v1/operator/requests", Some(&operator)).await, 403, "two_factor_required").await;
        assert_eq!(app.get_json("/api/v1/me/two-factor", &operator).await["required"], true);
        // An admin too, on the admin's own pages.
        let admin = app.staff("admin@tesk.example", lk_domain::Role::Admin).await;
        for path in ["/api/v1/operator/users", "/api/v1/operator/api-keys", "/api/v1/operator/requests"] {
            assert_problem(app.get(path, Some(&admin)).await, 403, "two_factor_required").await;
        }
        assert_eq!(app.get_json("/api/v1/me/two-factor", &admin).await["required"], true);

        let r = app.post_as(&new_client(), "/api/v1/me/two-factor/enrolment",
            &json!({"password": PASSWORD}), Some(&operator)).await;
        let secret = r.json::<Value>().await.expect("enrolment")["secret"].as_str().expect("secret").to_owned();
        settle().await;
        let r = app.post_as(&new_client(), "/api/v1/me/two-factor/enrolment/confirm",
            &json!({"code": code(&secret, 0)}), Some(&operator)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.get("/api/v1/operator/requests", Some(&operator)).await.status(), 200);
        // Required: it cannot be turned off.
        let r = app.post_as(&new_client(), "/api/v1/me/two-factor/disable",
            &json!({"password": PASSWORD}), Some(&operator)).await;
        assert_problem(r, 403, "two_factor_required").await;
        // A subscriber is not required to.
        app.confirmed_user(EMAIL).await;
        let subscriber = app.login(EMAIL).await;
        assert_eq!(app.get_json("/api/v1/me/two-factor", &subscriber).await["required"], false);
    }
}
