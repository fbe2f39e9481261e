//! Questions and support requests to the contact centre (SPEC F1.4, F2.4).

use serde_json::{json, Value};

use crate::helpers::*;

fn question(email: &str) -> Value {
    json!({
        "last_name": "Иванова",
        "first_name": "Мария",
        "patronymic": "Петровна",
        "email": email,
        "phone": "8 (4752) 55-00-11",
        "text": "Когда придёт квитанция за ноябрь?\nЛицевой счёт 680000000001.",
    })
}

backend_tests! {
    async fn a_question_without_signing_in_gets_a_number_by_answer_and_by_mail(app: TestApp) {
        let r = app.post("/api/v1/questions", &question("maria@example.ru")).await;
        assert_eq!(r.status(), 201);
        let ack: Value = r.json().await.expect("json");
        let number = ack["number"].as_i64().expect("number");
        assert!(ack["message"].as_str().expect("message").contains(&format!("№ {number}")));
        let mails = app.mails_to("maria@example.ru").await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0]["subject"].as_str().expect("subject").contains(&number.to_string()));
        assert!(
            !mails[0]["body"].as_str().expect("body").contains("квитанция"),
            "the sender's text is not relayed by mail"
        );
        // A support request from the login page gets the next number.
        let r = app.post("/api/v1/support-requests", &question("maria@example.ru")).await;
        assert_eq!(r.status(), 201);
        let next: Value = r.json().await.expect("json");
        assert!(next["number"].as_i64().expect("number") > number);
    }

    async fn a_signed_in_user_follows_their_own_requests_only(app: TestApp) {
        let t = app.subscriber("asker@example.ru").await;
        let other = app.subscriber("other@example.ru").await;
        let r = app
            .post_as(&app.client, "/api/v1/questions", &question("asker@example.ru"), Some(&t))
            .await;
        assert_eq!(r.status(), 201);
        let number = r.json::<Value>().await.expect("json")["number"].clone();
        // Sent without signing in: nobody's list shows it.
        assert_eq!(app.post("/api/v1/questions", &question("asker@example.ru")).await.status(), 201);

        let mine = app.get_json("/api/v1/me/requests", &t).await;
        let mine = mine.as_array().expect("list");
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0]["number"], number);
        assert_eq!(mine[0]["kind"], "question");
        assert_eq!(mine[0]["status"], "new");
        assert!(mine[0]["text"].as_str().expect("text").starts_with("Когда придёт"));
        assert_eq!(app.get_json("/api/v1/me/requests", &other).await, json!([]));
        assert_problem(app.get("/api/v1/me/requests", None).await, 401, "unauthorized").await;
    }

    async fn a_bad_question_names_each_wrong_field_and_is_not_stored(app: TestApp) {
        let r = app
            .post(
                "/api/v1/questions",
                &json!({
                    "last_name": "",
                    "first_name": "R2-D2",
                    "email": "not-an-address",
                    "phone": "12",
                    "text": "x".repeat(4001),
                }),
            )
            .await;
        let p = assert_problem(r, 422, "validation_failed").await;
        let mut fields = problem_fields(&p);
        fields.sort();
        assert_eq!(fields, ["email", "first_name", "last_name", "phone", "text"]);
        assert!(!p.to_string().contains("not-an-address"), "values are never echoed");
        assert!(app.mails_to("maria@example.ru").await.is_empty());
        assert!(app.mails_to("not-an-address").await.is_empty());
    }

    async fn a_robot_filling_the_hidden_field_gets_the_same_answer_and_nothing_is_sent(app: TestApp) {
        let t = app.subscriber("robot@example.ru").await;
        let mut body = question("robot@example.ru");
        body["website"] = json!("http://spam.example");
        let r = app.post_as(&app.client, "/api/v1/questions", &body, Some(&t)).await;
        assert_eq!(r.status(), 201);
        let ack: Value = r.json().await.expect("json");
        assert!(ack["number"].as_i64().is_some());
        assert!(app.mails_to("robot@example.ru").await.iter().all(|m| !m["subject"].as_str().unwrap_or_default().starts_with("Обращение")));
        assert_eq!(app.get_json("/api/v1/me/requests", &t).await, json!([]));
    }
}

each_backend! {
    /// Flooding from one address gets 429 with `Retry-After`, counted in the database: the
    /// limit holds across two nodes, and one e-mail address has a limit of its own.
    async fn flooding_the_form_from_one_address_or_for_one_email_gets_429(backend: Backend) {
        let app = spawn_app_with(backend, |c| {
            c.throttle.contact_per_ip = 3;
        })
        .await;
        let node2 = app.second_node(|c| c.throttle.contact_per_ip = 3).await;
        for i in 0..3 {
            let node = if i % 2 == 0 { &app } else { &node2 };
            let r = node.post("/api/v1/questions", &question(&format!("flood{i}@example.ru"))).await;
            assert_eq!(r.status(), 201);
        }
        for node in [&app, &node2] {
            let r = node.post("/api/v1/questions", &question("flood9@example.ru")).await;
            assert!(r.headers().contains_key("retry-after"));
            assert_problem(r, 429, "too_many_requests").await;
        }
        assert!(app.mails_to("flood9@example.ru").await.is_empty());

        // One address written for from many places: its own limit.
        let app = spawn_app_with(backend, |c| {
            c.throttle.contact_per_ip = 0;
            c.throttle.contact_per_email = 2;
        })
        .await;
        for _ in 0..2 {
            assert_eq!(app.post("/api/v1/questions", &question("victim@example.ru")).await.status(), 201);
        }
        assert_problem(app.post("/api/v1/questions", &question("Victim@Example.ru")).await, 429, "too_many_requests").await;
        assert_eq!(app.mails_to("victim@example.ru").await.len(), 2, "no third mail to that address");
        assert_eq!(app.post("/api/v1/questions", &question("other@example.ru")).await.status(), 201);
    }
}
