//! «Активные сеансы» (X9): each device the user is signed in on, and ending one or all but the
//! current — at once, on every node.

use serde_json::Value;

use crate::helpers::*;

const PHONE: &str =
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) \
                     Chrome/131.0.6778.135 Mobile Safari/537.36";
const DESKTOP: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// A browser with its own cookies and user agent.
fn browser(user_agent: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .user_agent(user_agent)
        .build()
        .expect("client")
}

/// Signs `email` in on `node` from `client`; the access token.
async fn sign_in(node: &TestApp, client: &reqwest::Client, email: &str) -> String {
    let r = node.login_with(client, email, PASSWORD).await;
    assert_eq!(r.status(), 200, "login");
    access_token(r).await
}

fn at(session: &Value, field: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(session[field].as_str().expect(field)).expect(field)
}

async fn sessions(node: &TestApp, token: &str) -> Vec<Value> {
    node.get_json("/api/v1/me/sessions", token).await["sessions"]
        .as_array()
        .expect("sessions")
        .clone()
}

async fn end(node: &TestApp, token: &str, id: &str) -> u16 {
    node.delete(&format!("/api/v1/me/sessions/{id}"), token)
        .await
        .status()
        .as_u16()
}

async fn refresh(node: &TestApp, client: &reqwest::Client) -> u16 {
    client
        .post(node.url("/api/v1/auth/refresh"))
        .send()
        .await
        .expect("refresh")
        .status()
        .as_u16()
}

each_backend! {
    async fn each_device_is_listed_and_ending_one_signs_it_out_on_every_node(backend: Backend) {
        let app = spawn_app(backend).await;
        let node2 = app.second_node(|_| {}).await;
        app.confirmed_user("devices@example.ru").await;
        let (phone, desktop) = (browser(PHONE), browser(DESKTOP));
        let phone_token = sign_in(&app, &phone, "devices@example.ru").await;
        let desktop_token = sign_in(&node2, &desktop, "devices@example.ru").await;

        let list = sessions(&node2, &desktop_token).await;
        assert_eq!(list.len(), 2, "{list:?}");
        let mine: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
        assert_eq!(mine.len(), 1, "exactly one is this session: {list:?}");
        assert_eq!(mine[0]["browser"], "Firefox 133");
        let other = list.iter().find(|s| s["current"] == false).expect("the phone");
        assert_eq!(other["browser"], "Chrome 131");
        assert_eq!(other["os"], "Android 14");
        assert_eq!(other["ip"], "127.0.0.1");
        assert!(at(other, "signed_in_at") <= at(other, "last_used_at"));
        // The most recently used first: the desktop signed in last.
        assert_eq!(list[0]["current"], true);

        // Ended from the desktop through one node: the phone is out on the other at once.
        let phone_id = other["id"].as_str().expect("id").to_owned();
        assert_eq!(end(&node2, &desktop_token, &phone_id).await, 204);
        assert_problem(app.get("/api/v1/me", Some(&phone_token)).await, 401, "session_ended").await;
        assert_eq!(refresh(&app, &phone).await, 401, "its refresh token renews nothing");
        assert_eq!(app.get("/api/v1/me", Some(&desktop_token)).await.status(), 200);
        let list = sessions(&app, &desktop_token).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["current"], true);
        // Already ended, unknown, or too long: 404.
        assert_problem(app.delete(&format!("/api/v1/me/sessions/{phone_id}"), &desktop_token).await, 404, "not_found").await;
        assert_eq!(end(&app, &desktop_token, "no-such-session").await, 404);
        assert_eq!(end(&app, &desktop_token, &"x".repeat(65)).await, 404);
    }

    async fn another_users_session_is_not_found_and_stays_signed_in(backend: Backend) {
        let app = spawn_app(backend).await;
        app.confirmed_user("owner@example.ru").await;
        app.confirmed_user("stranger@example.ru").await;
        let owner = sign_in(&app, &browser(DESKTOP), "owner@example.ru").await;
        let stranger = sign_in(&app, &browser(PHONE), "stranger@example.ru").await;
        let owners = sessions(&app, &owner).await;
        let id = owners[0]["id"].as_str().expect("id");
        // The stranger sees only their own session and cannot end the owner's.
        let theirs = sessions(&app, &stranger).await;
        assert_eq!(theirs.len(), 1);
        assert_ne!(theirs[0]["id"].as_str(), Some(id));
        assert_eq!(end(&app, &stranger, id).await, 404);
        assert_eq!(app.get("/api/v1/me", Some(&owner)).await.status(), 200);
    }

    async fn ending_all_but_this_one_keeps_only_the_current_device(backend: Backend) {
        let app = spawn_app(backend).await;
        let node2 = app.second_node(|_| {}).await;
        app.confirmed_user("all@example.ru").await;
        let keep_browser = browser(DESKTOP);
        let keep = sign_in(&app, &keep_browser, "all@example.ru").await;
        let mut others = Vec::new();
        for _ in 0..3 {
            let b = browser(PHONE);
            let token = sign_in(&node2, &b, "all@example.ru").await;
            others.push((b, token));
        }
        assert_eq!(sessions(&app, &keep).await.len(), 4);

        let r = keep_browser.delete(app.url("/api/v1/me/sessions")).bearer_auth(&keep).send().await.expect("request");
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json")["ended"], 3);
        for (b, token) in &others {
            assert_problem(node2.get("/api/v1/me", Some(token)).await, 401, "session_ended").await;
            assert_eq!(refresh(&node2, b).await, 401);
        }
        let list = sessions(&node2, &keep).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["current"], true);
        // This device stays signed in, and renews its tokens as before.
        assert_eq!(refresh(&app, &keep_browser).await, 200);
    }

    async fn a_renewal_is_the_sessions_last_use(backend: Backend) {
        let app = spawn_app(backend).await;
        app.confirmed_user("renew@example.ru").await;
        let b = browser(PHONE);
        let token = sign_in(&app, &b, "renew@example.ru").await;
        let before = sessions(&app, &token).await;
        assert_eq!(before[0]["signed_in_at"], before[0]["last_used_at"]);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let r = b.post(app.url("/api/v1/auth/refresh")).send().await.expect("refresh");
        assert_eq!(r.status(), 200);
        let token = access_token(r).await;
        let after = sessions(&app, &token).await;
        assert_eq!(after.len(), 1, "a renewal is the same session");
        assert_eq!(after[0]["signed_in_at"], before[0]["signed_in_at"]);
        assert!(at(&after[0], "last_used_at") > at(&before[0], "last_used_at"), "{after:?}");
    }

    async fn without_a_session_the_list_is_refused(backend: Backend) {
        let app = spawn_app(backend).await;
        assert_problem(app.get("/api/v1/me/sessions", None).await, 401, "unauthorized").await;
    }
}
