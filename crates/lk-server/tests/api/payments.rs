//! Online payment through the sandbox acquirer: crediting exactly once, whatever the
//! notifications do.

use lk_domain::payment::PaymentStatus;
use lk_server::acquirer::provider::{Sandbox, SANDBOX_SIGNATURE_HEADER};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");

async fn notify(app: &TestApp, body: &[u8], signature: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/payments/webhooks/sandbox"))
        .header("content-type", "application/json")
        .header(SANDBOX_SIGNATURE_HEADER, signature)
        .body(body.to_vec())
        .send()
        .await
        .expect("send")
}

backend_tests! {
    async fn paying_500_rubles_through_the_sandbox_changes_the_balance_by_exactly_500(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("payer@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        // The payment notice is a reminder the subscriber switches on (X4).
        assert_eq!(app.put("/api/v1/me/reminders", &json!({"payment": true}), &t).await.status(), 200);
        let before = app.balance(&t, A1.0).await;
        let p = app.start_payment(&t, A1.0, "500.00").await;
        assert_eq!(p["status"], "pending");
        let id = p["payment_id"].as_str().expect("id").to_owned();
        assert!(p["confirmation_url"].as_str().is_some_and(|u| u.ends_with(&format!("/sandbox/pay/{id}"))));

        let page = app.get(&format!("/sandbox/pay/{id}"), None).await.text().await.expect("html");
        assert!(page.contains("ТЕСТОВЫЙ ПЛАТЁЖ") && page.contains("500,00"), "{page}");

        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        assert!(r.json::<Value>().await.expect("json")["return_url"].as_str().is_some_and(|u| u.ends_with(&format!("/payments/{id}"))));
        let after = app.get_json(&format!("/api/v1/payments/{id}"), &t).await;
        assert_eq!(after["status"], "succeeded");
        assert_eq!(decimal(&after["balance"]) - before, Decimal::new(50_000, 2));
        assert_eq!(app.balance(&t, A1.0).await - before, Decimal::new(50_000, 2));
        let ops = app.get_json(&format!("/api/v1/accounts/{}/operations?types=payment", A1.0), &t).await;
        assert_eq!(ops["items"][0]["description"], "Онлайн-оплата");
        assert_eq!(decimal(&ops["items"][0]["amount"]), Decimal::new(50_000, 2));
        let mail = &app.mails_to("payer@example.ru").await[0];
        assert_eq!(mail["subject"], "Платёж зачислен");
        assert!(mail["body"].as_str().is_some_and(|b| b.contains("500,00") && b.contains(A1.0) && b.contains("банк-эквайер")), "{mail}");
    }

    async fn replayed_concurrent_forged_and_reordered_notifications_change_nothing(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("replay@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let before = app.balance(&t, A1.0).await;
        let p = app.start_payment(&t, A1.0, "500.00").await;
        let id = p["payment_id"].as_str().expect("id").to_owned();
        let sandbox = Sandbox::new(SANDBOX_SECRET.as_bytes(), "http://lk.test");
        let body = Sandbox::notification_body(&format!("sbx-{id}"), PaymentStatus::Succeeded, 50_000);
        let sig = sandbox.sign(&body);
        assert_eq!(notify(&app, &body, &sig).await.json::<Value>().await.expect("json")["result"], "applied");

        // The same notification 100 times at once.
        let replays = futures_util::future::join_all((0..100).map(|_| notify(&app, &body, &sig))).await;
        for r in replays {
            assert_eq!(r.status(), 200);
            assert_eq!(r.json::<Value>().await.expect("json")["result"], "ignored");
        }
        // A forged signature, a tampered body, a late cancel, an unknown payment, garbage.
        assert_problem(notify(&app, &body, "sha256=00ff").await, 401, "invalid_signature").await;
        let forged = Sandbox::new(b"not the secret", "x");
        assert_problem(notify(&app, &body, &forged.sign(&body)).await, 401, "invalid_signature").await;
        let cancel = Sandbox::notification_body(&format!("sbx-{id}"), PaymentStatus::Canceled, 50_000);
        assert_eq!(notify(&app, &cancel, &sandbox.sign(&cancel)).await.json::<Value>().await.expect("json")["result"], "ignored");
        let unknown = Sandbox::notification_body("sbx-nope", PaymentStatus::Succeeded, 50_000);
        assert_eq!(notify(&app, &unknown, &sandbox.sign(&unknown)).await.json::<Value>().await.expect("json")["result"], "ignored");
        assert_problem(notify(&app, b"{}", &sandbox.sign(b"{}")).await, 400, "malformed_notification").await;

        assert_eq!(app.balance(&t, A1.0).await - before, Decimal::new(50_000, 2), "credited exactly once");
        assert_eq!(app.get_json(&format!("/api/v1/payments/{id}"), &t).await["status"], "succeeded");
    }

    async fn bad_amounts_missing_consent_and_strangers_are_refused(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("amounts@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let path = format!("/api/v1/accounts/{}/payments", A1.0);
        for amount in ["0", "-1", "1.005", "150000.01"] {
            let r = app.post_as(&app.client, &path, &json!({"amount": amount, "rules_accepted": true}), Some(&t)).await;
            assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["amount"], "{amount}");
        }
        let r = app.post_as(&app.client, &path, &json!({"amount": "10", "rules_accepted": false}), Some(&t)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["rules_accepted"]);
        let p = app.start_payment(&t, A1.0, "10.50").await;
        let id = p["payment_id"].as_str().expect("id").to_owned();
        let stranger = app.subscriber("thief@example.ru").await;
        assert_problem(app.get(&format!("/api/v1/payments/{id}"), Some(&stranger)).await, 404, "not_found").await;
        let r = app.post_as(&app.client, &path, &json!({"amount": "10", "rules_accepted": true}), Some(&stranger)).await;
        assert_problem(r, 404, "not_found").await;
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "maybe"})).await;
        assert_problem(r, 422, "validation_failed").await;
    }

    async fn canceling_on_the_sandbox_page_credits_nothing_and_returns_to_the_portal(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("cancel@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let before = app.balance(&t, A1.0).await;
        let p = app.start_payment(&t, A1.0, "300.00").await;
        let id = p["payment_id"].as_str().expect("id").to_owned();
        let r = app.client.post(app.url(&format!("/sandbox/pay/{id}"))).form(&[("outcome", "canceled")]).send().await.expect("send");
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().expect("location").ends_with(&format!("/payments/{id}")));
        assert_eq!(app.get_json(&format!("/api/v1/payments/{id}"), &t).await["status"], "canceled");
        assert_eq!(app.balance(&t, A1.0).await, before);
        // A success notice after the cancel is stale and changes nothing.
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.balance(&t, A1.0).await, before);
    }
}
