//! Readings and payment without an account (X9): by the account number and a meter's number,
//! showing only the masked address and the amount due; the same answer for a wrong account and
//! a wrong meter; limited per address and per account.

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");
const A2: (&str, &str) = ("680000000002", "02345678");

fn pair(account: &str, meter: &str) -> Value {
    json!({"account_number": account, "meter_number": meter})
}

backend_tests! {
    async fn a_payer_without_an_account_sees_only_the_masked_address_and_passes_a_reading(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        app.house_with_account(&owner, A1.0, A1.1).await;
        let account = app.get_json(&format!("/api/v1/accounts/{}", A1.0), &owner).await;

        // Typed as on the receipt, with spaces.
        let r = app.post("/api/v1/guest/account", &pair("6800 0000 0001", "0123-4567")).await;
        assert_eq!(r.status(), 200);
        let guest: Value = r.json().await.expect("json");
        assert_eq!(guest["account_number"], A1.0);
        assert_eq!(guest["meter_number"], A1.1);
        assert_eq!(guest["zones"], json!(["single"]));
        assert_eq!(decimal(&guest["amount_due"]), decimal(&account["amount_due"]));
        let address = account["address"].as_str().expect("address");
        let masked = guest["masked_address"].as_str().expect("masked");
        assert_ne!(masked, address);
        assert!(masked.contains('*') && !masked.chars().any(|c| c.is_ascii_digit()), "{masked}");
        assert_eq!(masked.chars().count(), address.chars().count());
        // Nothing else of the account: no holder, no balance, no contract.
        let keys: Vec<&String> = guest.as_object().expect("object").keys().collect();
        assert_eq!(keys.len(), 8, "{keys:?}");
        for secret in ["holder", "balance", "contract"] {
            assert!(!guest.to_string().contains(secret), "{secret} in {guest}");
        }

        let meters = app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &owner).await;
        let meter_id = meters[0]["id"].as_i64().expect("meter id");
        let last = meters[0]["last_reading"]["values"][0]["value"].as_i64().unwrap_or(0);
        let reading = json!({"account_number": A1.0, "meter_number": A1.1,
            "values": [{"zone": "single", "value": last + 120}]});
        let r = app.post("/api/v1/guest/readings", &reading).await;
        assert_eq!(r.status(), 201);
        let stored: Value = r.json().await.expect("json");
        // The owner sees the reading in the history, and the same amount due.
        let history = app.get_json(&format!("/api/v1/accounts/{}/meters/{meter_id}/readings", A1.0), &owner).await;
        assert_eq!(history[0]["values"][0]["value"], last + 120);
        assert_eq!(history[0]["taken_on"], stored["taken_on"]);
        let after = app.get_json(&format!("/api/v1/accounts/{}", A1.0), &owner).await;
        assert_eq!(decimal(&stored["amount_due"]), decimal(&after["amount_due"]));
        assert!(decimal(&stored["amount_due"]) > decimal(&account["amount_due"]));

        // The same rules as a signed-in reading: below the previous one is refused.
        let low = json!({"account_number": A1.0, "meter_number": A1.1,
            "values": [{"zone": "single", "value": 1}]});
        let v = assert_problem(app.post("/api/v1/guest/readings", &low).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), vec!["values[0].value"]);
    }

    async fn a_wrong_account_and_a_wrong_meter_get_the_same_answer(app: TestApp) {
        app.seed_registry().await;
        let wrong_meter = app.post("/api/v1/guest/account", &pair(A1.0, A2.1)).await;
        let wrong_account = app.post("/api/v1/guest/account", &pair("680000000999", A1.1)).await;
        let a = assert_problem(wrong_meter, 422, "account_not_found").await;
        let b = assert_problem(wrong_account, 422, "account_not_found").await;
        assert_eq!(a, b);
        for path in ["/api/v1/guest/readings", "/api/v1/guest/payments"] {
            let body = |account: &str, meter: &str| json!({"account_number": account, "meter_number": meter,
                "values": [{"zone": "single", "value": 1}], "amount": "100", "rules_accepted": true});
            let a = assert_problem(app.post(path, &body(A1.0, A2.1)).await, 422, "account_not_found").await;
            let b = assert_problem(app.post(path, &body("680000000999", A1.1)).await, 422, "account_not_found").await;
            assert_eq!(a, b, "POST {path}");
        }
        let v = assert_problem(app.post("/api/v1/guest/account", &pair("12ab", "!")).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), vec!["account_number", "meter_number"]);
    }

    async fn a_payment_without_an_account_credits_the_account_once(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        app.house_with_account(&owner, A2.0, A2.1).await;
        let before = app.balance(&owner, A2.0).await;
        let body = json!({"account_number": A2.0, "meter_number": A2.1, "amount": "250,50", "rules_accepted": false});
        let v = assert_problem(app.post("/api/v1/guest/payments", &body).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&v), vec!["rules_accepted"]);
        let body = json!({"account_number": A2.0, "meter_number": A2.1, "amount": "250,50", "rules_accepted": true});
        let r = app.post("/api/v1/guest/payments", &body).await;
        assert_eq!(r.status(), 201);
        let p: Value = r.json().await.expect("json");
        assert_eq!(p["status"], "pending");
        assert_eq!(decimal(&p["amount"]), Decimal::new(25_050, 2));
        assert!(p.get("balance").is_none() && p.get("account_number").is_none(), "{p}");
        let id = p["payment_id"].as_str().expect("id").to_owned();

        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        let back = r.json::<Value>().await.expect("json")["return_url"].as_str().expect("return url").to_owned();
        assert!(back.ends_with(&format!("/guest/payments/{id}")), "{back}");
        let done = app.get(&format!("/api/v1/guest/payments/{id}"), None).await;
        assert_eq!(done.status(), 200);
        assert_eq!(done.json::<Value>().await.expect("json")["status"], "succeeded");
        assert_eq!(app.balance(&owner, A2.0).await - before, Decimal::new(25_050, 2));
        // The acquirer's word repeated credits nothing more.
        app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(app.get(&format!("/api/v1/guest/payments/{id}"), None).await.status(), 200);
        assert_eq!(app.balance(&owner, A2.0).await - before, Decimal::new(25_050, 2));

        // A signed-in user's payment is not shown here.
        let own = app.start_payment(&owner, A2.0, "10").await;
        let own_id = own["payment_id"].as_str().expect("id");
        assert_problem(app.get(&format!("/api/v1/guest/payments/{own_id}"), None).await, 404, "not_found").await;
        assert_problem(app.get("/api/v1/guest/payments/no-such-payment", None).await, 404, "not_found").await;
    }
}

each_backend! {
    async fn wrong_meter_numbers_are_limited_per_account_and_requests_per_address(backend: Backend) {
        let app = spawn_app_with(backend, |c| {
            c.throttle.guest_per_account = 3;
            c.throttle.guest_per_ip = 12;
        }).await;
        app.seed_registry().await;
        for i in 0..3 {
            let r = app.post("/api/v1/guest/account", &pair(A1.0, &format!("9999000{i}"))).await;
            assert_problem(r, 422, "account_not_found").await;
        }
        // The fourth guess for this account is refused — the right meter too, for now.
        let r = app.post("/api/v1/guest/account", &pair(A1.0, "99990009")).await;
        assert!(r.headers().contains_key("retry-after"));
        assert_problem(r, 429, "too_many_requests").await;
        assert_problem(app.post("/api/v1/guest/account", &pair(A1.0, A1.1)).await, 429, "too_many_requests").await;
        // Another account is not affected, until the address has asked too often.
        let mut statuses = Vec::new();
        for _ in 0..8 {
            statuses.push(app.post("/api/v1/guest/account", &pair(A2.0, A2.1)).await.status().as_u16());
        }
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 7, "{statuses:?}");
        assert_eq!(statuses.last(), Some(&429));
    }
}

backend_tests! {
    async fn a_reading_without_an_account_never_replaces_the_subscribers_own(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        app.house_with_account(&owner, A1.0, A1.1).await;
        let meters = app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &owner).await;
        let meter_id = meters[0]["id"].as_i64().expect("meter id");
        let last = meters[0]["last_reading"]["values"][0]["value"].as_i64().unwrap_or(0);
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/meters/{meter_id}/readings", A1.0),
            &json!({"values": [{"zone": "single", "value": last + 50}]}), Some(&owner)).await;
        assert_eq!(r.status(), 201);
        // Someone with the receipt tries to replace it: refused, the owner's value stays.
        let guest = json!({"account_number": A1.0, "meter_number": A1.1,
            "values": [{"zone": "single", "value": last + 5000}]});
        assert_problem(app.post("/api/v1/guest/readings", &guest).await, 409, "reading_exists").await;
        let history = app.get_json(&format!("/api/v1/accounts/{}/meters/{meter_id}/readings", A1.0), &owner).await;
        assert_eq!(history[0]["values"][0]["value"], last + 50);
        // The owner may still correct their own reading of the day.
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/meters/{meter_id}/readings", A1.0),
            &json!({"values": [{"zone": "single", "value": last + 60}]}), Some(&owner)).await;
        assert_eq!(r.status(), 201);
    }
}
