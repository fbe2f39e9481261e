use serde_json::{json, Value};

use crate::helpers::*;

backend_tests! {
    async fn the_profile_needs_a_valid_access_token(app: TestApp) {
        assert_problem(app.get("/api/v1/me", None).await, 401, "unauthorized").await;
        assert_problem(app.get("/api/v1/me", Some("not.a.jwt")).await, 401, "unauthorized").await;
        // A token signed with another key.
        let forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIiwic2lkIjoieCIsInJvbGUiOiJhZG1pbiIsImlhdCI6MCwiZXhwIjo5OTk5OTk5OTk5fQ.8yUuH4qKXBnS0v1vCj7bXHhHcY1JYAqYH8Cm0M7e0hA";
        assert_problem(app.get("/api/v1/me", Some(forged)).await, 401, "unauthorized").await;
    }

    async fn editing_personal_data_changes_only_the_given_fields(app: TestApp) {
        app.confirmed_user("edit@example.ru").await;
        let token = app.login("edit@example.ru").await;
        let r = app.patch("/api/v1/me", &json!({"patronymic": " Сергеевич ", "phone": "8 (915) 123-45-67"}), &token).await;
        assert_eq!(r.status(), 200);
        let me: Value = r.json().await.expect("json");
        assert_eq!(me["last_name"], "Петров");
        assert_eq!(me["patronymic"], "Сергеевич");
        assert_eq!(me["phone"], "+79151234567");

        // An empty string clears a field.
        let me: Value = app.patch("/api/v1/me", &json!({"phone": ""}), &token).await.json().await.expect("json");
        assert_eq!(me["phone"], Value::Null);
        let me: Value = app.get("/api/v1/me", Some(&token)).await.json().await.expect("json");
        assert_eq!(me["patronymic"], "Сергеевич");
    }

    async fn invalid_personal_data_is_refused_field_by_field(app: TestApp) {
        app.confirmed_user("bad@example.ru").await;
        let token = app.login("bad@example.ru").await;
        let r = app.patch("/api/v1/me", &json!({"last_name": "<b>x</b>", "phone": "+1 555 0100"}), &token).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        let mut f = problem_fields(&p);
        f.sort();
        assert_eq!(f, ["last_name", "phone"]);
        let me: Value = app.get("/api/v1/me", Some(&token)).await.json().await.expect("json");
        assert_eq!(me["last_name"], "Петров", "nothing was saved");
    }

    async fn a_wrong_current_password_is_an_error_of_that_field_and_the_session_stays(app: TestApp) {
        app.confirmed_user("typo@example.ru").await;
        let token = app.login("typo@example.ru").await;
        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": "not-it-at-all", "new_password": "next-password-42"}), Some(&token)).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(problem_fields(&p), ["current_password"]);
        assert_eq!(p["errors"][0]["code"], "wrong_password");
        assert_eq!(p["errors"][0]["message"], "Текущий пароль указан неверно.");
        // Both fields wrong: both are named at once.
        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": "not-it-at-all", "new_password": "1"}), Some(&token)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["current_password", "new_password"]);
        // Still signed in, with the same token and through the refresh cookie.
        assert_eq!(app.get("/api/v1/me", Some(&token)).await.status(), 200);
        assert_eq!(app.post("/api/v1/auth/refresh", &json!({})).await.status(), 200);
        assert_eq!(app.login_with(&new_client(), "typo@example.ru", PASSWORD).await.status(), 200, "the password did not change");
    }

    async fn wrong_current_passwords_are_throttled(app: TestApp) {
        app.confirmed_user("guesser@example.ru").await;
        let token = app.login("guesser@example.ru").await;
        let limit = app.state.config.throttle.login_per_email;
        for _ in 0..limit {
            let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": "guess-guess", "new_password": "next-password-42"}), Some(&token)).await;
            assert_eq!(r.status(), 422);
        }
        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "next-password-42"}), Some(&token)).await;
        assert_eq!(r.status(), 429, "even the right one, once the limit is reached");
    }

    async fn changing_the_password_needs_the_current_one_and_ends_other_sessions(app: TestApp) {
        app.confirmed_user("change@example.ru").await;
        let other_device = new_client();
        let other = access_token(app.login_with(&other_device, "change@example.ru", PASSWORD).await).await;
        let token = app.login("change@example.ru").await;

        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "12345678"}), Some(&token)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["new_password"]);

        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "next-password-42"}), Some(&token)).await;
        assert_eq!(r.status(), 204);
        assert_eq!(app.get("/api/v1/me", Some(&token)).await.status(), 200, "this session stays");
        assert_problem(app.get("/api/v1/me", Some(&other)).await, 401, "session_ended").await;
        assert_eq!(app.login_with(&new_client(), "change@example.ru", "next-password-42").await.status(), 200);
        assert_eq!(app.mails_to("change@example.ru").await[0]["subject"], "Пароль изменён");
    }
}
