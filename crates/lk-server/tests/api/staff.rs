//! The contact centre's console (SPEC B2): who may reach it, queues, replies and statuses
//! with their history, change requests and service orders among the requests, and staff
//! management.

use lk_domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");

fn question(email: &str) -> Value {
    json!({
        "last_name": "Иванова",
        "first_name": "Мария",
        "email": email,
        "text": "Почему выросло начисление за ноябрь?",
    })
}

async fn ask(app: &TestApp, email: &str, token: Option<&str>) -> i64 {
    let r = app
        .post_as(&app.client, "/api/v1/questions", &question(email), token)
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.expect("json")["number"]
        .as_i64()
        .expect("number")
}

async fn act(app: &TestApp, number: i64, body: Value, token: &str) -> reqwest::Response {
    app.post_as(
        &app.client,
        &format!("/api/v1/operator/requests/{number}/actions"),
        &body,
        Some(token),
    )
    .await
}

backend_tests! {
    async fn staff_endpoints_answer_each_role_as_it_may(app: TestApp) {
        app.seed_registry().await;
        let subscriber = app.subscriber("sub@example.ru").await;
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let number = ask(&app, "sub@example.ru", Some(&subscriber)).await;
        let reads = [
            ("/api/v1/operator/requests".to_owned(), true),
            (format!("/api/v1/operator/requests/{number}"), true),
            ("/api/v1/operator/content".to_owned(), false),
            ("/api/v1/operator/users".to_owned(), false),
        ];
        for (path, operators_too) in &reads {
            assert_problem(app.get(path, None).await, 401, "unauthorized").await;
            // A subscriber cannot even tell the staff API exists.
            assert_problem(app.get(path, Some(&subscriber)).await, 404, "not_found").await;
            let r = app.get(path, Some(&operator)).await;
            if *operators_too {
                assert_eq!(r.status(), 200, "operator GET {path}");
            } else {
                assert_problem(r, 403, "forbidden").await;
            }
            assert_eq!(app.get(path, Some(&admin)).await.status(), 200, "admin GET {path}");
        }
        let writes = [
            ("/api/v1/operator/content/faq", json!({"items": [{"question": "Вопрос?", "answer": "Ответ."}]})),
            ("/api/v1/operator/content/about", json!({"text": "О нас."})),
            ("/api/v1/operator/content/payment-methods", json!({"items": [{"title": "Картой", "text": "Онлайн."}]})),
            ("/api/v1/operator/content/help-tips", json!({"items": [{"text": "Подсказка."}]})),
            ("/api/v1/operator/content/services", json!({"items": [{"code": "seal", "name": "Опломбирование", "price": "650.00", "unit": "за прибор"}]})),
            ("/api/v1/operator/content/links", json!({"site_url": "https://example.ru/", "contract_url": "", "tariffs_url": "", "shop_url": ""})),
            ("/api/v1/operator/content/branding", json!({"company_name": "ПАО «Пример»", "company_short_name": "П", "support_email": "help@example.ru", "support_phone": "8 800 100-00-00"})),
            ("/api/v1/operator/branches", json!({"code": "north", "name": "Северное отделение", "address": "г. Тамбов", "phone": "+7 4752 00-00-00", "email": "north@example.ru", "hours": "пн–пт 8–17"})),
        ];
        for (path, body) in &writes {
            let r = app.client.put(app.url(path)).json(body).send().await.expect("request");
            assert_problem(r, 401, "unauthorized").await;
            for (token, status, code) in [(&subscriber, 404, "not_found"), (&operator, 403, "forbidden")] {
                let r = app.put(path, body, token).await;
                assert_problem(r, status, code).await;
            }
            assert_eq!(app.put(path, body, &admin).await.status(), 200, "admin PUT {path}");
        }
        // The console's other writes, the admin's alone: nobody signed in 401, a subscriber
        // 404, an operator 403 — and none of them changed anything.
        let users = app.get_json("/api/v1/operator/users", &admin).await;
        let op_id = users.as_array().expect("users").iter().find(|u| u["email"] == "op@lk.example").expect("operator")["id"].clone();
        let png = b"\x89PNG\r\n\x1a\n".to_vec();
        let others = [
            (reqwest::Method::PUT, "/api/v1/operator/files/logo".to_owned(), None),
            (reqwest::Method::DELETE, "/api/v1/operator/branches/north".to_owned(), Some(json!({}))),
            (reqwest::Method::PATCH, format!("/api/v1/operator/users/{op_id}"), Some(json!({"disabled": true}))),
            (reqwest::Method::POST, "/api/v1/operator/api-keys".to_owned(), Some(json!({"name": "1С", "scopes": ["registry:write"]}))),
            (reqwest::Method::DELETE, "/api/v1/operator/api-keys/1".to_owned(), Some(json!({}))),
        ];
        for (method, path, body) in &others {
            for (token, status, code) in [(None, 401, "unauthorized"), (Some(&subscriber), 404, "not_found"), (Some(&operator), 403, "forbidden")] {
                let mut r = app.client.request(method.clone(), app.url(path));
                r = match body {
                    Some(b) => r.json(b),
                    None => r.header("content-type", "application/octet-stream").body(png.clone()),
                };
                if let Some(t) = token {
                    r = r.bearer_auth(t);
                }
                assert_problem(r.send().await.expect("request"), status, code).await;
            }
        }
        assert_eq!(app.get("/api/v1/operator/requests", Some(&operator)).await.status(), 200, "the operator is not disabled");
        let content = app.get_json("/api/v1/operator/content", &admin).await;
        assert!(content.to_string().contains("Северное отделение"), "the branch is still there");
        assert!(app.get_json("/api/v1/operator/api-keys", &admin).await.as_array().expect("keys").is_empty(), "no key was made");
        // Even a malformed body does not tell a subscriber the endpoint exists: access first.
        assert_problem(app.put("/api/v1/operator/content/faq", &json!(["x"]), &subscriber).await, 404, "not_found").await;
        assert_problem(app.put("/api/v1/operator/content/faq", &json!(["x"]), &operator).await, 403, "forbidden").await;
        assert_problem(act(&app, number, json!({"status": "closed"}), &subscriber).await, 404, "not_found").await;
        assert_problem(app.put("/api/v1/operator/content/faq", &json!(["x"]), &admin).await, 422, "invalid_body").await;
        assert_problem(app.get("/api/v1/operator/requests?status=x&limit=abc", Some(&subscriber)).await, 404, "not_found").await;
        assert_problem(app.get("/api/v1/operator/requests?status=x", None).await, 401, "unauthorized").await;
        assert_problem(app.get("/api/v1/operator/requests?limit=0", Some(&operator)).await, 400, "invalid_query").await;
        // Replying is the operators' work; a subscriber's token changes nothing.
        assert_problem(act(&app, number, json!({"reply": "Ответ"}), &subscriber).await, 404, "not_found").await;
        let mine = app.get_json(&format!("/api/v1/me/requests/{number}"), &subscriber).await;
        assert_eq!(mine["request"]["status"], "new");
        assert_eq!(act(&app, number, json!({"reply": "Ответ"}), &operator).await.status(), 200);
        assert_problem(act(&app, 999_999, json!({"reply": "Ответ"}), &operator).await, 404, "not_found").await;
    }

    async fn an_operator_replies_and_the_subscriber_reads_it_in_the_spa_and_by_mail(app: TestApp) {
        let subscriber = app.subscriber("asker@example.ru").await;
        let other = app.subscriber("other@example.ru").await;
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let number = ask(&app, "asker@example.ru", Some(&subscriber)).await;
        ask(&app, "guest@example.ru", None).await;

        // The queue: newest first, filtered by status and kind, searched by e-mail or number.
        let page = app.get_json("/api/v1/operator/requests?status=new&kind=question&limit=1", &operator).await;
        assert_eq!(page["items"].as_array().expect("items").len(), 1);
        let next = page["next_before"].as_i64().expect("a next page");
        let rest = app.get_json(&format!("/api/v1/operator/requests?status=new&kind=question&before={next}"), &operator).await;
        assert_eq!(rest["items"][0]["number"], number);
        assert_eq!(rest["next_before"], Value::Null);
        let found = app.get_json("/api/v1/operator/requests?q=ASKER@example.ru", &operator).await;
        let items = found["items"].as_array().expect("items");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["number"], number);
        assert_eq!(items[0]["from_subscriber"], true);
        // An address in another script is found by the same normalisation on both databases.
        let cyrillic = ask(&app, "Абонент@Почта.рф", None).await;
        let found = app.get_json("/api/v1/operator/requests?q=%D0%90%D0%91%D0%9E%D0%9D%D0%95%D0%9D%D0%A2@%D0%BF%D0%BE%D1%87%D1%82%D0%B0.%D1%80%D1%84", &operator).await;
        assert_eq!(found["items"][0]["number"], cyrillic, "{found}");
        let by_number = app.get_json(&format!("/api/v1/operator/requests?q={number}"), &operator).await;
        assert_eq!(by_number["items"][0]["number"], number);
        let none = app.get_json("/api/v1/operator/requests?status=done", &operator).await;
        assert_eq!(none["items"], json!([]));

        let r = act(&app, number, json!({"status": "in_progress"}), &operator).await;
        assert_eq!(r.status(), 200);
        let r = act(&app, number, json!({"reply": "Начисление выросло из-за нового тарифа с 1 июля."}), &operator).await;
        assert_eq!(r.status(), 200);
        let detail: Value = r.json().await.expect("json");
        assert_eq!(detail["request"]["status"], "answered");
        let events = detail["events"].as_array().expect("events");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0]["kind"], "status");
        assert_eq!(events[1]["kind"], "reply");
        assert!(events[1]["actor"].as_str().expect("actor").contains("op@lk.example"), "the console shows who replied");

        let mails = app.mails_to("asker@example.ru").await;
        let reply = mails.iter().find(|m| m["subject"].as_str().unwrap_or_default().starts_with("Ответ на обращение")).expect("reply mail");
        assert!(reply["body"].as_str().expect("body").contains("нового тарифа"));
        assert!(reply["body"].as_str().expect("body").contains("/profile/requests"));

        let mine = app.get_json(&format!("/api/v1/me/requests/{number}"), &subscriber).await;
        assert_eq!(mine["request"]["status"], "answered");
        let events = mine["events"].as_array().expect("events");
        assert_eq!(events[1]["text"], "Начисление выросло из-за нового тарифа с 1 июля.");
        assert_eq!(events[1]["actor"], Value::Null, "subscribers do not see operators' names");
        assert_problem(app.get(&format!("/api/v1/me/requests/{number}"), Some(&other)).await, 404, "not_found").await;

        // Closed, it only goes back into work.
        assert_eq!(act(&app, number, json!({"status": "done"}), &operator).await.status(), 200);
        assert_problem(act(&app, number, json!({"status": "answered"}), &operator).await, 409, "status_transition").await;
        assert_problem(act(&app, number, json!({"status": "new"}), &operator).await, 409, "status_transition").await;
        assert_eq!(act(&app, number, json!({"status": "in_progress"}), &operator).await.status(), 200);
        let detail = app.get_json(&format!("/api/v1/operator/requests/{number}"), &operator).await;
        assert_eq!(detail["events"].as_array().expect("events").len(), 4);

        // Nothing to do, or a reply too long: a field error, nothing recorded.
        let p = assert_problem(act(&app, number, json!({}), &operator).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&p), ["reply"]);
        let p = assert_problem(act(&app, number, json!({"reply": "я".repeat(4001)}), &operator).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&p), ["reply"]);
        let detail = app.get_json(&format!("/api/v1/operator/requests/{number}"), &operator).await;
        assert_eq!(detail["events"].as_array().expect("events").len(), 4);
        let metrics = app.get("/metrics", None).await.text().await.expect("text");
        assert!(metrics.contains("contact_requests_total{kind=\"question\"} 3"), "{metrics}");
        assert!(metrics.contains("request_actions_total{status=\"answered\"} 1"), "{metrics}");
        assert!(metrics.contains("request_actions_total{status=\"in_progress\"} 2"), "{metrics}");
    }

    async fn parallel_operators_move_a_request_once(app: TestApp) {
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let number = ask(&app, "race@example.ru", None).await;
        let second = app.second_node(|_| {}).await;
        let calls = (0..12).map(|i| {
            let node = if i % 2 == 0 { &app } else { &second };
            act(node, number, json!({"status": "in_progress"}), &operator)
        });
        let statuses: Vec<u16> = futures_util::future::join_all(calls)
            .await
            .into_iter()
            .map(|r| r.status().as_u16())
            .collect();
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 11, "{statuses:?}");
        let detail = app.get_json(&format!("/api/v1/operator/requests/{number}"), &operator).await;
        assert_eq!(detail["events"].as_array().expect("events").len(), 1);
    }

    async fn change_requests_and_service_orders_join_the_requests(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("owner@example.ru").await;
        let stranger = app.subscriber("stranger@example.ru").await;
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let r = app.put("/api/v1/operator/content/services", &json!({"items": [
            {"code": "meter-replace-1", "name": "Замена однофазного прибора учёта", "description": "", "price": "1850.00", "unit": "за услугу"}
        ]}), &admin).await;
        assert_eq!(r.status(), 200);

        let path = format!("/api/v1/accounts/{}/change-requests", A1.0);
        let r = app.post_as(&app.client, &path, &json!({"residents": 3, "comment": "Прописан сын"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let change = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");

        let orders = format!("/api/v1/accounts/{}/service-orders", A1.0);
        let tomorrow = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive() + chrono::Duration::days(1);
        let r = app.post_as(&app.client, &orders, &json!({"service_code": "meter-replace-1", "preferred_date": tomorrow, "comment": "После 17:00"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let order = r.json::<Value>().await.expect("json")["number"].as_i64().expect("number");

        let mine = app.get_json("/api/v1/me/requests", &t).await;
        let mine = mine.as_array().expect("list");
        assert_eq!(mine.len(), 2);
        assert_eq!(mine[0]["number"], order);
        assert_eq!(mine[0]["kind"], "service_order");
        assert_eq!(mine[0]["service_name"], "Замена однофазного прибора учёта");
        assert_eq!(mine[0]["preferred_date"], json!(tomorrow));
        assert_eq!(mine[0]["account_number"], A1.0);
        assert_eq!(mine[1]["number"], change);
        assert_eq!(mine[1]["kind"], "change");
        assert!(mine[1]["text"].as_str().expect("text").contains("Количество проживающих: 3"));

        let queue = app.get_json(&format!("/api/v1/operator/requests?q={}", A1.0), &operator).await;
        assert_eq!(queue["items"].as_array().expect("items").len(), 2);
        let orders_only = app.get_json("/api/v1/operator/requests?kind=service_order", &operator).await;
        assert_eq!(orders_only["items"][0]["number"], order);
        assert_eq!(act(&app, order, json!({"status": "done", "reply": "Мастер придёт завтра."}), &operator).await.status(), 200);
        let mine = app.get_json(&format!("/api/v1/me/requests/{order}"), &t).await;
        assert_eq!(mine["request"]["status"], "done");

        // Bad orders: each field named; another's account is not there at all.
        let past = tomorrow - chrono::Duration::days(3);
        let r = app.post_as(&app.client, &orders, &json!({"service_code": "teleport", "preferred_date": past, "comment": "\u{202e}x"}), Some(&t)).await;
        let mut fields = problem_fields(&assert_problem(r, 422, "validation_failed").await);
        fields.sort();
        assert_eq!(fields, ["comment", "preferred_date", "service_code"]);
        let r = app.post_as(&app.client, &orders, &json!({"service_code": "meter-replace-1"}), Some(&stranger)).await;
        assert_problem(r, 404, "not_found").await;
        assert_eq!(app.get_json("/api/v1/me/requests", &t).await.as_array().expect("list").len(), 2);
    }

    async fn a_disabled_operator_is_out_at_once_and_cannot_sign_in(app: TestApp) {
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let subscriber = app.subscriber("sub@example.ru").await;
        let users = app.get_json("/api/v1/operator/users", &admin).await;
        let users = users.as_array().expect("users");
        assert_eq!(users.len(), 2, "staff only: {users:?}");
        let op = users.iter().find(|u| u["email"] == "op@lk.example").expect("operator");
        let op_id = op["id"].as_i64().expect("id");
        assert_eq!(op["disabled"], false);

        let second = app.second_node(|_| {}).await;
        let r = app.patch(&format!("/api/v1/operator/users/{op_id}"), &json!({"disabled": true}), &admin).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json")["disabled"], true);
        // Refused on every node at once.
        assert_problem(second.get("/api/v1/operator/requests", Some(&operator)).await, 401, "session_ended").await;
        let r = app.login_with(&new_client(), "op@lk.example", PASSWORD).await;
        assert_problem(r, 403, "account_disabled").await;

        let r = app.patch(&format!("/api/v1/operator/users/{op_id}"), &json!({"disabled": false}), &admin).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.login_with(&new_client(), "op@lk.example", PASSWORD).await.status(), 200);

        // Not oneself; not subscribers; not by an operator.
        let me = app.get_json("/api/v1/me", &admin).await["id"].as_i64().expect("id");
        assert_problem(app.patch(&format!("/api/v1/operator/users/{me}"), &json!({"disabled": true}), &admin).await, 409, "conflict").await;
        let sub_id = app.get_json("/api/v1/me", &subscriber).await["id"].as_i64().expect("id");
        assert_problem(app.patch(&format!("/api/v1/operator/users/{sub_id}"), &json!({"disabled": true}), &admin).await, 404, "not_found").await;
        assert_eq!(app.get("/api/v1/me", Some(&subscriber)).await.status(), 200, "the subscriber was not touched");
        // A subscriber disabled by the CLI is out at once: sessions of disabled users are over.
        app.store.set_user_disabled(sub_id, true, false, chrono::Utc::now()).await.expect("disable");
        assert_problem(second.get("/api/v1/me", Some(&subscriber)).await, 401, "session_ended").await;
        let operator = access_token(app.login_with(&new_client(), "op@lk.example", PASSWORD).await).await;
        assert_problem(app.patch(&format!("/api/v1/operator/users/{me}"), &json!({"disabled": true}), &operator).await, 403, "forbidden").await;
    }
}

async fn create_key(app: &TestApp, body: Value, token: &str) -> reqwest::Response {
    app.post_as(&app.client, "/api/v1/operator/api-keys", &body, Some(token))
        .await
}

backend_tests! {
    async fn only_admins_manage_api_keys_and_access_is_checked_before_the_body(app: TestApp) {
        let subscriber = app.subscriber("sub@example.ru").await;
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let body = json!({"name": "Биллинг", "scopes": ["readings:read"]});
        assert_problem(app.get("/api/v1/operator/api-keys", None).await, 401, "unauthorized").await;
        for (token, status, code) in [(&subscriber, 404, "not_found"), (&operator, 403, "forbidden")] {
            assert_problem(app.get("/api/v1/operator/api-keys", Some(token)).await, status, code).await;
            assert_problem(create_key(&app, body.clone(), token).await, status, code).await;
            // A malformed body tells them nothing more.
            assert_problem(create_key(&app, json!(["x"]), token).await, status, code).await;
            assert_problem(app.delete("/api/v1/operator/api-keys/1", token).await, status, code).await;
        }
        assert_eq!(app.get_json("/api/v1/operator/api-keys", &admin).await, json!([]));
        assert_problem(create_key(&app, json!(["x"]), &admin).await, 422, "invalid_body").await;
        let v = assert_problem(create_key(&app, json!({"name": "x", "scopes": ["everything"]}), &admin).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), ["scopes[0]"]);
    }

    async fn an_admin_creates_a_key_that_works_by_its_scopes_until_revoked(app: TestApp) {
        app.seed_registry().await;
        let admin = app.staff("admin@lk.example", Role::Admin).await;

        let r = create_key(&app, json!({"name": "  Биллинг 1С  ", "scopes": ["readings:read", "payments:read", "readings:read"]}), &admin).await;
        assert_eq!(r.status(), 201);
        let created: Value = r.json().await.expect("json");
        let reader = created["key"].as_str().expect("key").to_owned();
        assert!(reader.starts_with("lka_"), "{reader}");
        let info = &created["info"];
        let reader_id = info["id"].as_i64().expect("id");
        assert_eq!(info["name"], "Биллинг 1С");
        assert_eq!(info["scopes"], json!(["readings:read", "payments:read"]));
        assert!(reader.starts_with(info["prefix"].as_str().expect("prefix")));
        assert_eq!(info["last_used_at"], Value::Null);
        assert_eq!(info["revoked_at"], Value::Null);

        let r = create_key(&app, json!({"name": "Банк", "scopes": ["payments:write"]}), &admin).await;
        assert_eq!(r.status(), 201);
        let bank = r.json::<Value>().await.expect("json")["key"].as_str().expect("key").to_owned();

        // The key works where its scopes allow, and nowhere else.
        assert_eq!(app.get("/api/v1/integration/readings", Some(&reader)).await.status(), 200);
        assert_problem(app.get("/api/v1/integration/readings", Some(&bank)).await, 403, "insufficient_scope").await;

        // The list: newest first, never the key itself; the reader's use is recorded.
        let list = app.get_json("/api/v1/operator/api-keys", &admin).await;
        let keys = list.as_array().expect("list");
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0]["name"], "Банк");
        assert_eq!(keys[1]["id"], reader_id);
        assert!(keys[1]["last_used_at"].is_string(), "{list}");
        let text = list.to_string();
        assert!(!text.contains(&reader) && !text.contains(&bank), "a key leaked: {text}");
        assert!(keys.iter().all(|k| k.get("key").is_none()));

        // A live key's name is taken; the name is compared after trimming.
        let r = create_key(&app, json!({"name": "Биллинг 1С", "scopes": ["registry:write"]}), &admin).await;
        assert_problem(r, 409, "conflict").await;

        // Revoked: refused on the next call, shown as revoked, and its name free again.
        let r = app.delete(&format!("/api/v1/operator/api-keys/{reader_id}"), &admin).await;
        assert_eq!(r.status(), 204);
        assert_problem(app.get("/api/v1/integration/readings", Some(&reader)).await, 401, "invalid_api_key").await;
        assert_problem(app.delete(&format!("/api/v1/operator/api-keys/{reader_id}"), &admin).await, 404, "not_found").await;
        assert_problem(app.delete("/api/v1/operator/api-keys/999999", &admin).await, 404, "not_found").await;
        let list = app.get_json("/api/v1/operator/api-keys", &admin).await;
        assert!(list[1]["revoked_at"].is_string(), "{list}");
        assert_eq!(list[0]["revoked_at"], Value::Null);
        let r = create_key(&app, json!({"name": "Биллинг 1С", "scopes": ["readings:read"]}), &admin).await;
        assert_eq!(r.status(), 201);
        assert_eq!(app.get_json("/api/v1/operator/api-keys", &admin).await.as_array().expect("list").len(), 3);
    }

    async fn a_bad_key_name_or_no_scopes_is_answered_by_field(app: TestApp) {
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let v = assert_problem(create_key(&app, json!({"name": "   ", "scopes": []}), &admin).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), ["name", "scopes"]);
        let v = assert_problem(create_key(&app, json!({"name": "К".repeat(65), "scopes": ["payments:read"]}), &admin).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), ["name"]);
        let v = assert_problem(create_key(&app, json!({"name": "Ключ\u{202e}", "scopes": ["payments:read"]}), &admin).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), ["name"]);
        let v = assert_problem(create_key(&app, json!({"name": "Ключ", "scopes": []}), &admin).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), ["scopes"]);
        assert_problem(app.delete("/api/v1/operator/api-keys/abc", &admin).await, 400, "invalid_path").await;
        assert_eq!(app.get_json("/api/v1/operator/api-keys", &admin).await, json!([]));
    }
}
