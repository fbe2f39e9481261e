//! The user's language (English next to Russian): kept in the settings, negotiated from
//! `Accept-Language` at registration and for guests, and used by every e-mail and receipt.

use std::process::Command;

use lk_domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");
const ENGLISH: &str = "en-GB,en;q=0.9";

/// A POST as a browser whose page is in `language` (the SPA sends `Accept-Language`).
async fn post_in(
    app: &TestApp,
    language: &str,
    path: &str,
    body: &Value,
    token: Option<&str>,
) -> reqwest::Response {
    let mut r = app
        .client
        .post(app.url(path))
        .header("accept-language", language)
        .json(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.expect("request")
}

fn registration(email: &str) -> Value {
    json!({"email": email, "password": PASSWORD, "last_name": "Smith", "first_name": "John", "personal_data_consent": true})
}

/// Registers in English, confirms and signs in: the access token.
async fn english_subscriber(app: &TestApp, email: &str) -> String {
    let r = post_in(
        app,
        ENGLISH,
        "/api/v1/auth/register",
        &registration(email),
        None,
    )
    .await;
    assert_eq!(r.status(), 201);
    let token = app.link_token(email, "/confirm-email").await;
    let r = app
        .post("/api/v1/auth/confirm-email", &json!({"token": token}))
        .await;
    assert_eq!(r.status(), 200);
    access_token(app.login_with(&new_client(), email, PASSWORD).await).await
}

fn subject(mail: &Value) -> &str {
    mail["subject"].as_str().expect("subject")
}

fn body(mail: &Value) -> &str {
    mail["body"].as_str().expect("body")
}

fn has_cyrillic(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("receipt.pdf");
    std::fs::write(&file, pdf).expect("write");
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().expect("path"), "-"])
        .output()
        .expect("pdftotext (Debian: poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

backend_tests! {
    async fn the_language_setting_changes_alone_and_shows_in_the_profile(app: TestApp) {
        let t = app.subscriber("lang@example.ru").await;
        let other = app.subscriber("other@example.ru").await;
        assert_eq!(app.get_json("/api/v1/me/settings", &t).await, json!({"help_hidden": false, "language": "ru"}));
        assert_eq!(app.get_json("/api/v1/me", &t).await["language"], "ru");

        // The language alone: the help widget stays as it was.
        let r = app.put("/api/v1/me/settings", &json!({"help_hidden": true}), &t).await;
        assert_eq!(r.json::<Value>().await.expect("json"), json!({"help_hidden": true, "language": "ru"}));
        let r = app.put("/api/v1/me/settings", &json!({"language": "en"}), &t).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json"), json!({"help_hidden": true, "language": "en"}));
        assert_eq!(app.get_json("/api/v1/me/settings", &t).await, json!({"help_hidden": true, "language": "en"}));
        assert_eq!(app.get_json("/api/v1/me", &t).await["language"], "en");
        // And the help widget alone: the language stays.
        let r = app.put("/api/v1/me/settings", &json!({"help_hidden": false}), &t).await;
        assert_eq!(r.json::<Value>().await.expect("json"), json!({"help_hidden": false, "language": "en"}));
        let r = app.put("/api/v1/me/settings", &json!({}), &t).await;
        assert_eq!(r.json::<Value>().await.expect("json"), json!({"help_hidden": false, "language": "en"}));
        // Another device (a new sign-in) reads it too; another user does not.
        let again = access_token(app.login_with(&new_client(), "lang@example.ru", PASSWORD).await).await;
        assert_eq!(app.get_json("/api/v1/me", &again).await["language"], "en");
        assert_eq!(app.get_json("/api/v1/me", &other).await["language"], "ru");
        assert_eq!(app.get_json("/api/v1/me/settings", &other).await["language"], "ru");
        // PATCH /me answers the profile with its language too.
        let r = app.patch("/api/v1/me", &json!({"phone": "+7 900 000-00-00"}), &t).await;
        assert_eq!(r.json::<Value>().await.expect("json")["language"], "en");
        let r = app.put("/api/v1/me/settings", &json!({"language": "ru"}), &t).await;
        assert_eq!(r.json::<Value>().await.expect("json")["language"], "ru");
    }

    async fn a_language_the_portal_does_not_speak_is_an_error_of_that_field(app: TestApp) {
        let t = app.subscriber("babel@example.ru").await;
        for bad in [json!("de"), json!("EN"), json!(""), json!(null)] {
            let r = app.put("/api/v1/me/settings", &json!({"language": bad, "help_hidden": true}), &t).await;
            if bad.is_null() {
                // JSON null is an absent optional field: nothing about the language changes.
                assert_eq!(r.status(), 200);
                continue;
            }
            let p = assert_problem(r, 422, "validation_failed").await;
            assert_eq!(problem_fields(&p), ["language"], "{bad}");
            assert_eq!(p["errors"][0]["code"], "unknown_value", "{p}");
            if bad == json!("de") {
                assert!(!p.to_string().contains("de`") && !p.to_string().contains("\"de\""), "the value is not repeated: {p}");
            }
        }
        let p = assert_problem(app.put("/api/v1/me/settings", &json!({"language": 5}), &t).await, 422, "invalid_body").await;
        assert_eq!(problem_fields(&p), ["language"]);
        // Nothing was saved by the refused requests.
        assert_eq!(app.get_json("/api/v1/me/settings", &t).await, json!({"help_hidden": true, "language": "ru"}));
    }

    async fn registering_from_an_english_page_makes_an_english_user_and_mail(app: TestApp) {
        let r = post_in(&app, ENGLISH, "/api/v1/auth/register", &registration("john@example.com"), None).await;
        assert_eq!(r.status(), 201);
        let mails = app.mails_to("john@example.com").await;
        assert_eq!(mails.len(), 1);
        assert_eq!(subject(&mails[0]), "Confirm your e-mail address");
        let text = body(&mails[0]);
        assert!(text.starts_with("Hello!") && text.contains("/confirm-email#token="), "{text}");
        assert!(text.contains("valid for 48 hours"), "{text}");
        assert!(!has_cyrillic(text.replace(&app.state.config.company.name, "").as_str()), "{text}");
        let token = app.link_token("john@example.com", "/confirm-email").await;
        assert_eq!(app.post("/api/v1/auth/confirm-email", &json!({"token": token})).await.status(), 200);
        let t = access_token(app.login_with(&new_client(), "john@example.com", PASSWORD).await).await;
        assert_eq!(app.get_json("/api/v1/me", &t).await["language"], "en");

        // Without Accept-Language (or with Russian first) it is Russian, as before.
        assert_eq!(app.register("ivan@example.ru").await.status(), 201);
        assert_eq!(subject(&app.mails_to("ivan@example.ru").await[0]), "Подтверждение адреса электронной почты");
        let r = post_in(&app, "ru-RU,ru;q=0.9,en;q=0.8", "/api/v1/auth/register", &registration("olga@example.ru"), None).await;
        assert_eq!(r.status(), 201);
        assert_eq!(subject(&app.mails_to("olga@example.ru").await[0]), "Подтверждение адреса электронной почты");

        // A registered address is told in its owner's language, whatever page was used.
        let r = post_in(&app, "ru", "/api/v1/auth/register", &registration("john@example.com"), None).await;
        assert_eq!(r.status(), 201);
        assert_eq!(subject(&app.mails_to("john@example.com").await[0]), "Repeated registration attempt");
        // So is a password reset link.
        let r = post_in(&app, "ru", "/api/v1/auth/password/forgot", &json!({"email": "john@example.com"}), None).await;
        assert_eq!(r.status(), 202);
        let reset = &app.mails_to("john@example.com").await[0];
        assert_eq!(subject(reset), "Password reset");
        assert!(body(reset).contains("/reset-password#token="), "{}", body(reset));
    }

    async fn a_password_change_is_mailed_in_the_users_language(app: TestApp) {
        let t = english_subscriber(&app, "pw@example.com").await;
        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": PASSWORD, "new_password": "next-password-42"}), Some(&t)).await;
        assert_eq!(r.status(), 204);
        let mail = &app.mails_to("pw@example.com").await[0];
        assert_eq!(subject(mail), "Password changed");
        assert!(body(mail).contains("All other sessions have ended."), "{}", body(mail));

        // Switched to Russian, the next one is Russian.
        assert_eq!(app.put("/api/v1/me/settings", &json!({"language": "ru"}), &t).await.status(), 200);
        let r = app.post_as(&app.client, "/api/v1/me/password", &json!({"current_password": "next-password-42", "new_password": PASSWORD}), Some(&t)).await;
        assert_eq!(r.status(), 204);
        assert_eq!(subject(&app.mails_to("pw@example.com").await[0]), "Пароль изменён");
    }

    async fn a_credited_payment_is_mailed_in_the_users_language(app: TestApp) {
        app.seed_registry().await;
        let t = english_subscriber(&app, "payer@example.com").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        // The payment notice is a reminder the subscriber switches on (X4).
        assert_eq!(app.put("/api/v1/me/reminders", &json!({"payment": true}), &t).await.status(), 200);
        let p = app.start_payment(&t, A1.0, "1500.00").await;
        let id = p["payment_id"].as_str().expect("id").to_owned();
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        let mail = &app.mails_to("payer@example.com").await[0];
        assert_eq!(subject(mail), "Payment credited");
        assert!(body(mail).contains(&format!("The payment of ₽1,500.00 to account No. {} has been credited.", A1.0)), "{}", body(mail));
        assert!(body(mail).contains("Unsubscribe from it: http://lk.test/unsubscribe#token="), "{}", body(mail));
        assert!(body(mail).contains("All reminders are under Settings: http://lk.test/profile/settings"), "{}", body(mail));
    }

    async fn requests_are_acknowledged_and_answered_in_the_senders_language(app: TestApp) {
        let operator = app.staff("op@lk.example", Role::Operator).await;
        let question = json!({"last_name": "Smith", "first_name": "Jane", "email": "jane@example.com", "text": "When is the next invoice?"});
        // A guest writing from an English page.
        let r = post_in(&app, ENGLISH, "/api/v1/support-requests", &question, None).await;
        assert_eq!(r.status(), 201);
        let number = r.json::<Value>().await.expect("json")["number"].as_i64().expect("number");
        let ack = &app.mails_to("jane@example.com").await[0];
        assert_eq!(subject(ack), format!("Request No. {number} received"));
        // The operator's console is Russian; the reply still goes out in the guest's language.
        let r = post_in(&app, "ru", &format!("/api/v1/operator/requests/{number}/actions"), &json!({"reply": "Ответ %{link} остаётся как есть."}), Some(&operator)).await;
        assert_eq!(r.status(), 200);
        let reply = &app.mails_to("jane@example.com").await[0];
        assert_eq!(subject(reply), format!("Reply to request No. {number}"));
        assert!(body(reply).contains("Ответ %{link} остаётся как есть."), "the reply is not substituted: {}", body(reply));
        assert!(body(reply).starts_with("Hello!"), "{}", body(reply));

        // A signed-in user's own language wins over the page's.
        let t = app.subscriber("ru-user@example.ru").await;
        let mine = json!({"last_name": "Петров", "first_name": "Пётр", "email": "ru-user@example.ru", "text": "Вопрос"});
        let r = post_in(&app, ENGLISH, "/api/v1/questions", &mine, Some(&t)).await;
        assert_eq!(r.status(), 201);
        let number = r.json::<Value>().await.expect("json")["number"].as_i64().expect("number");
        assert_eq!(subject(&app.mails_to("ru-user@example.ru").await[0]), format!("Обращение № {number} принято"));
        // Switched to English, the reply to that request is English.
        assert_eq!(app.put("/api/v1/me/settings", &json!({"language": "en"}), &t).await.status(), 200);
        let r = app.post_as(&app.client, &format!("/api/v1/operator/requests/{number}/actions"), &json!({"reply": "Ответ"}), Some(&operator)).await;
        assert_eq!(r.status(), 200);
        let reply = &app.mails_to("ru-user@example.ru").await[0];
        assert_eq!(subject(reply), format!("Reply to request No. {number}"));
        assert!(body(reply).contains("«My requests»"), "{}", body(reply));
    }

    async fn receipts_are_printed_in_the_readers_language(app: TestApp) {
        app.seed_registry().await;
        let t = english_subscriber(&app, "receipt@example.com").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let r = app.get(&format!("/api/v1/accounts/{}/receipt.pdf?amount=1500.00", A1.0), Some(&t)).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.expect("pdf");
        let text = pdf_text(&bytes);
        for label in ["INVOICE for", "Meter readings", "Amount to pay", "1,500.00", "Payer:", "cut here"] {
            assert!(text.contains(label), "{label}: {text}");
        }
        assert!(!text.contains("СЧЁТ-КВИТАНЦИЯ") && !text.contains("Сумма к оплате"), "{text}");
        // The bank slip stays Russian: banks read it.
        assert!(text.contains("ИЗВЕЩЕНИЕ") && text.contains("500 руб. 00 коп."), "{text}");

        // The blank form follows Accept-Language.
        let blank = |language: &'static str| {
            let app = &app;
            async move {
                let r = app.client.get(app.url("/api/v1/receipts/blank.pdf")).header("accept-language", language).send().await.expect("request");
                assert_eq!(r.status(), 200);
                assert!(r.headers().get_all("vary").iter().any(|v| v.to_str().is_ok_and(|v| v.contains("Accept-Language"))));
                pdf_text(&r.bytes().await.expect("pdf"))
            }
        };
        let en = blank(ENGLISH).await;
        assert!(en.contains("Blank") || en.contains("INVOICE for"), "{en}");
        assert!(en.contains("Amount to pay"), "{en}");
        let ru = blank("ru").await;
        assert!(ru.contains("Сумма к оплате") && !ru.contains("Amount to pay"), "{ru}");
    }
}
