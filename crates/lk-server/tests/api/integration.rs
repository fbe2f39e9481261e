//! The billing-system integration API (SPEC B1): scoped API keys, idempotent batches answered
//! item by item, payments from banks (and the bank's report of a portal payment), and the
//! exports pulled by a cursor that neither skips nor repeats.

use std::collections::HashSet;

use lk_domain::ApiScope;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");

impl TestApp {
    async fn batch(&self, kind: &str, items: Value, key: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/v1/integration/{kind}")))
            .bearer_auth(key)
            .json(&json!({ "items": items }))
            .send()
            .await
            .expect("request")
    }

    async fn batch_ok(&self, kind: &str, items: Value, key: &str) -> Value {
        let r = self.batch(kind, items, key).await;
        assert_eq!(r.status(), 200, "POST {kind}");
        r.json().await.expect("json")
    }
}

fn results(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["result"].as_str().expect("result").to_owned())
        .collect()
}

fn registry() -> [(&'static str, Value); 5] {
    [
        (
            "branches",
            json!([{
                "code": "kirsanov", "name": "Кирсановское отделение",
                "address": "393360, г. Кирсанов, ул. Советская, д. 1",
                "phone": "+7 (47537) 3-00-00", "email": "kirsanov@example.ru", "hours": "Пн–Пт 8–17"
            }]),
        ),
        (
            "tariffs",
            json!([{
                "code": "rural-single", "name": "Сельское население", "scheme": "single",
                "rates": [
                    {"zone": "single", "valid_from": "2025-07-01", "price": "4.5"},
                    {"zone": "single", "valid_from": "2026-07-01", "price": "5.0210"}
                ]
            }]),
        ),
        (
            "accounts",
            json!([{
                "number": "6800 0000 0099", "holder_name": "Кузнецова Ольга Петровна",
                "address": "393360, г. Кирсанов, ул. Ленина, д. 5", "branch_code": "kirsanov",
                "contract_number": "К-99", "contract_date": "2021-04-01", "tariff_code": "rural-single",
                "residents": 2, "opening_balance": "-100.50"
            }]),
        ),
        (
            "meters",
            json!([{
                "account_number": "680000000099", "serial": "77-01-2020", "model": "Меркурий 201.8",
                "scheme": "single", "digits": 6, "installed_on": "2021-04-01"
            }]),
        ),
        (
            "invoices",
            json!([{
                "account_number": "680000000099", "period": "2026-10", "issued_on": "2026-11-01",
                "due_on": "2026-11-10",
                "lines": [{"zone": "single", "kwh": 100, "price": "5.0210", "amount": "502.10"}]
            }]),
        ),
    ]
}

backend_tests! {
    async fn keys_grant_exactly_their_scopes_and_a_revoked_key_is_refused_on_every_node(app: TestApp) {
        app.seed_registry().await;
        let (_, reader) = app.api_key("billing-reader", &[ApiScope::ReadingsRead]).await;
        let (writer_id, writer) = app.api_key("billing", &[ApiScope::RegistryWrite, ApiScope::PaymentsWrite]).await;
        let subscriber = app.subscriber("sub@example.ru").await;
        let branches = json!([{"code": "x1", "name": "X", "address": "Y", "phone": "", "email": "", "hours": ""}]);

        // No key, a subscriber's access token, a made-up key: 401.
        let r = app.client.post(app.url("/api/v1/integration/branches")).json(&json!({"items": branches})).send().await.expect("send");
        assert_problem(r, 401, "invalid_api_key").await;
        assert_problem(app.batch("branches", branches.clone(), &subscriber).await, 401, "invalid_api_key").await;
        assert_problem(app.batch("branches", branches.clone(), "lka_not-a-real-key").await, 401, "invalid_api_key").await;
        // A key without the scope: 403, before the body is read.
        assert_problem(app.batch("branches", branches.clone(), &reader).await, 403, "insufficient_scope").await;
        assert_problem(app.get("/api/v1/integration/readings", Some(&writer)).await, 403, "insufficient_scope").await;
        assert_eq!(app.get("/api/v1/integration/readings", Some(&reader)).await.status(), 200);
        // An API key is no user: subscriber endpoints refuse it.
        assert_problem(app.get("/api/v1/houses", Some(&writer)).await, 401, "unauthorized").await;
        assert_problem(app.get(&format!("/api/v1/accounts/{}", A1.0), Some(&writer)).await, 401, "unauthorized").await;

        assert_eq!(app.batch("branches", branches.clone(), &writer).await.status(), 200);
        let listed = app.store.api_keys().await.expect("keys");
        let stored = listed.iter().find(|k| k.id == writer_id).expect("listed");
        assert!(stored.last_used_at.is_some(), "the key's use is recorded");
        assert!(writer.starts_with(&stored.prefix) && stored.prefix.len() < writer.len());

        // Revoked through one node's database: refused by both nodes at once.
        let node2 = app.second_node(|_| {}).await;
        assert_eq!(node2.batch("branches", branches.clone(), &writer).await.status(), 200);
        assert!(app.store.revoke_api_key(writer_id, chrono::Utc::now()).await.expect("revoke"));
        assert_problem(app.batch("branches", branches.clone(), &writer).await, 401, "invalid_api_key").await;
        assert_problem(node2.batch("branches", branches.clone(), &writer).await, 401, "invalid_api_key").await;
        assert!(!app.store.revoke_api_key(writer_id, chrono::Utc::now()).await.expect("revoke"), "revoked once");
    }

    async fn the_registry_arrives_once_and_the_same_batches_again_change_nothing(app: TestApp) {
        let (_, key) = app.api_key("billing", &[ApiScope::RegistryWrite, ApiScope::PaymentsWrite]).await;
        for (kind, items) in registry() {
            let v = app.batch_ok(kind, items, &key).await;
            assert_eq!(results(&v), ["created"], "{kind}: {v}");
            assert_eq!((v["created"].as_u64(), v["errors"].as_u64()), (Some(1), Some(0)));
        }
        let payment = json!([{"id": "SB-1", "channel": "bank", "account_number": "680000000099", "amount": "1000", "paid_on": "2026-11-05"}]);
        assert_eq!(results(&app.batch_ok("payments", payment.clone(), &key).await), ["created"]);
        for (kind, items) in registry() {
            assert_eq!(results(&app.batch_ok(kind, items, &key).await), ["unchanged"], "{kind} again");
        }
        assert_eq!(results(&app.batch_ok("payments", payment.clone(), &key).await), ["unchanged"]);

        // A subscriber binds the account by the meter the billing system sent.
        let t = app.subscriber("olga@example.ru").await;
        app.house_with_account(&t, "680000000099", "77012020").await;
        let account = app.get_json("/api/v1/accounts/680000000099", &t).await;
        assert_eq!(account["holder_name"], "Кузнецова Ольга Петровна");
        // −100.50 opening, −502.10 invoiced, +1000 paid at the bank.
        assert_eq!(decimal(&account["balance"]), Decimal::new(39_740, 2));
        let ops = app.get_json("/api/v1/accounts/680000000099/operations?from=2026-01-01&to=2026-12-31", &t).await;
        let items = ops["items"].as_array().expect("items");
        assert!(items.iter().any(|i| i["description"] == "Оплата через банк" && decimal(&i["amount"]) == Decimal::new(100_000, 2)), "{ops}");
        assert!(items.iter().any(|i| i["description"] == "Счёт за октябрь 2026" && decimal(&i["amount"]) == Decimal::new(50_210, 2)), "{ops}");
        let tariffs = app.get_json("/api/v1/accounts/680000000099/tariffs?year=2026", &t).await;
        assert!(tariffs.to_string().contains("5.021"), "{tariffs}");

        // Changes are updates; the balance follows a corrected invoice and opening balance.
        let mut invoice = registry()[4].1.clone();
        invoice[0]["lines"][0] = json!({"zone": "single", "kwh": 120, "price": "5.0210", "amount": "602.52"});
        assert_eq!(results(&app.batch_ok("invoices", invoice, &key).await), ["updated"]);
        let mut account_item = registry()[2].1.clone();
        account_item[0]["opening_balance"] = json!("0");
        account_item[0]["residents"] = json!(3);
        assert_eq!(results(&app.batch_ok("accounts", account_item, &key).await), ["updated"]);
        let account = app.get_json("/api/v1/accounts/680000000099", &t).await;
        assert_eq!(decimal(&account["balance"]), Decimal::new(39_748, 2), "0 − 602.52 + 1000");
        let mut meter = registry()[3].1.clone();
        meter[0]["location"] = json!("Подъезд 2");
        assert_eq!(results(&app.batch_ok("meters", meter, &key).await), ["updated"]);
        let mut tariff = registry()[1].1.clone();
        tariff[0]["rates"][1]["price"] = json!("5.10");
        assert_eq!(results(&app.batch_ok("tariffs", tariff, &key).await), ["updated"]);
    }

    async fn a_bad_item_is_refused_alone_and_writes_nothing(app: TestApp) {
        app.seed_registry().await;
        let (_, key) = app.api_key("billing", &[ApiScope::RegistryWrite, ApiScope::PaymentsWrite]).await;
        let good = |n: &str| json!({
            "number": n, "holder_name": "Абонент", "address": "г. Тамбов", "branch_code": "tambov",
            "contract_number": "Д-1", "contract_date": "2020-01-01", "tariff_code": "population-single"
        });
        let mut unknown_branch = good("680000000201");
        unknown_branch["branch_code"] = json!("nowhere");
        let mut bad_number = good("68-00");
        bad_number["residents"] = json!(0);
        let items = json!([
            good("680000000200"),
            {"number": 680000000202_i64, "holder_name": "Без кавычек"},
            unknown_branch,
            bad_number,
            "not an object",
            good("680000000200"),
            good("680000000203"),
        ]);
        let v = app.batch_ok("accounts", items, &key).await;
        assert_eq!(results(&v), ["created", "error", "error", "error", "error", "error", "created"], "{v}");
        let errors = |i: usize| -> Vec<(String, String)> {
            v["results"][i]["errors"].as_array().expect("errors").iter()
                .map(|e| (e["field"].as_str().unwrap_or_default().to_owned(), e["code"].as_str().unwrap_or_default().to_owned()))
                .collect()
        };
        assert_eq!(errors(1), [("number".to_owned(), "invalid_type".to_owned())]);
        assert_eq!(errors(2), [("branch_code".to_owned(), "unknown_branch".to_owned())]);
        assert_eq!(errors(3), [("number".to_owned(), "invalid_account_number".to_owned()), ("residents".to_owned(), "out_of_range".to_owned())]);
        assert_eq!(errors(4), [(String::new(), "object_expected".to_owned())]);
        assert_eq!(errors(5), [(String::new(), "duplicate_in_batch".to_owned())]);
        assert_eq!(v["results"][2]["key"], "680000000201");
        assert_eq!((v["created"].as_u64(), v["errors"].as_u64()), (Some(2), Some(5)));
        // The refused account is not there; its meter is refused in turn.
        let meters = app.batch_ok("meters", json!([
            {"account_number": "680000000201", "serial": "A1B2C3", "model": "M", "scheme": "single", "digits": 6},
            {"account_number": "680000000200", "serial": "A1B2C3", "model": "M", "scheme": "bogus", "digits": 6},
            {"account_number": "680000000200", "serial": "A1B2C3", "model": "M", "scheme": "single", "digits": 12},
        ]), &key).await;
        assert_eq!(results(&meters), ["error", "error", "error"]);
        assert_eq!(meters["results"][0]["errors"][0]["code"], "unknown_account");
        assert_eq!(meters["results"][1]["errors"][0]["field"], "scheme");
        assert_eq!(meters["results"][2]["errors"][0]["field"], "digits");
        // An invoice whose lines break the rules, a tariff without a price from the first kWh.
        let v = app.batch_ok("invoices", json!([{
            "account_number": "680000000200", "period": "2026-13", "issued_on": "2026-11-01", "due_on": "2026-10-01",
            "lines": [{"zone": "single", "kwh": 1, "price": "5.123456", "amount": "1.001"}]
        }]), &key).await;
        let fields: Vec<&str> = v["results"][0]["errors"].as_array().expect("errors").iter().map(|e| e["field"].as_str().expect("field")).collect();
        assert_eq!(fields, ["period", "due_on", "lines[0].price", "lines[0].amount"]);
        let v = app.batch_ok("tariffs", json!([{"code": "t", "name": "T", "scheme": "two_zone",
            "rates": [{"zone": "day", "valid_from": "2026-01-01", "price": "6"}]}]), &key).await;
        assert_eq!(v["results"][0]["errors"][0]["code"], "zone_without_rate");

        // Whole requests that cannot be batches.
        let r = app.batch("accounts", json!([]), &key).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["items"]);
        let many: Vec<Value> = (0..10_000).map(|i| json!({"number": format!("69{i:010}")})).collect();
        let r = app.batch("accounts", Value::Array(many), &key).await;
        let body = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(body["errors"][0]["code"], "too_many_items");
        let r = app.client.post(app.url("/api/v1/integration/accounts")).bearer_auth(&key)
            .header("content-type", "application/json").body(vec![b' '; 17 * 1024 * 1024]).send().await.expect("send");
        assert_eq!(r.status(), 413);
    }

    async fn a_bank_payment_credits_once_and_the_banks_report_of_a_portal_payment_is_matched(app: TestApp) {
        app.seed_registry().await;
        let (_, key) = app.api_key("bank", &[ApiScope::PaymentsWrite, ApiScope::PaymentsRead]).await;
        let t = app.subscriber("payer@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let start = app.balance(&t, A1.0).await;

        let cash = json!([{"id": "KASSA-7", "channel": "cash_desk", "account_number": A1.0, "amount": "250.00", "paid_on": "2026-11-03"}]);
        assert_eq!(results(&app.batch_ok("payments", cash.clone(), &key).await), ["created"]);
        assert_eq!(results(&app.batch_ok("payments", cash.clone(), &key).await), ["unchanged"]);
        let mut other = cash.clone();
        other[0]["amount"] = json!("260.00");
        let v = app.batch_ok("payments", other, &key).await;
        assert_eq!(v["results"][0]["errors"][0]["code"], "payment_differs");
        assert_eq!(app.balance(&t, A1.0).await - start, Decimal::new(25_000, 2));

        // Online in the portal, exported, reported back by the bank: counted once.
        let p = app.start_payment(&t, A1.0, "300.00").await;
        let id = p["payment_id"].as_str().expect("id").to_owned();
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.balance(&t, A1.0).await - start, Decimal::new(55_000, 2));
        let export = app.get_json("/api/v1/integration/payments?after=0", &key).await;
        let items = export["items"].as_array().expect("items");
        // The demo's earlier online payments come first; the new one last, once.
        let ours: Vec<&Value> = items.iter().filter(|i| i["portal_payment_id"] == id.as_str()).collect();
        assert_eq!(ours.len(), 1, "{export}");
        assert_eq!(items.last(), Some(ours[0]));
        assert_eq!(ours[0]["account_number"], A1.0);
        assert_eq!(decimal(&ours[0]["amount"]), Decimal::new(30_000, 2));
        let next = export["next_after"].as_i64().expect("cursor");
        assert_eq!(app.get_json(&format!("/api/v1/integration/payments?after={next}"), &key).await["items"], json!([]));

        let report = json!([{"id": "SB-99", "channel": "bank", "account_number": A1.0, "amount": "300.00", "paid_on": "2026-11-04", "portal_payment_id": id}]);
        assert_eq!(results(&app.batch_ok("payments", report.clone(), &key).await), ["updated"]);
        assert_eq!(results(&app.batch_ok("payments", report.clone(), &key).await), ["unchanged"]);
        let mut twice = report.clone();
        twice[0]["id"] = json!("SB-100");
        assert_eq!(app.batch_ok("payments", twice, &key).await["results"][0]["errors"][0]["code"], "portal_payment_reported");
        let mut wrong = report.clone();
        wrong[0]["id"] = json!("SB-101");
        wrong[0]["amount"] = json!("301.00");
        assert_eq!(app.batch_ok("payments", wrong, &key).await["results"][0]["errors"][0]["code"], "portal_payment_differs");
        let mut unknown = report.clone();
        unknown[0]["id"] = json!("SB-102");
        unknown[0]["portal_payment_id"] = json!("no-such-payment");
        assert_eq!(app.batch_ok("payments", unknown, &key).await["results"][0]["errors"][0]["code"], "unknown_portal_payment");
        assert_eq!(app.balance(&t, A1.0).await - start, Decimal::new(55_000, 2), "nothing counted twice");
    }

    async fn the_readings_export_gives_each_reading_once_while_subscribers_submit_on_two_nodes(app: TestApp) {
        app.seed_registry().await;
        let (_, key) = app.api_key("billing", &[ApiScope::RegistryWrite, ApiScope::ReadingsRead]).await;
        // 24 accounts with a meter each, from the billing system.
        let n = 24;
        let accounts: Vec<Value> = (0..n).map(|i| json!({
            "number": format!("6810000000{i:02}"), "holder_name": "Абонент", "address": "г. Тамбов",
            "branch_code": "tambov", "contract_number": "Д", "contract_date": "2020-01-01", "tariff_code": "population-single"
        })).collect();
        assert_eq!(app.batch_ok("accounts", Value::Array(accounts), &key).await["created"], n);
        let meters: Vec<Value> = (0..n).map(|i| json!({
            "account_number": format!("6810000000{i:02}"), "serial": format!("SER{i:04}"), "model": "M", "scheme": "single", "digits": 6
        })).collect();
        assert_eq!(app.batch_ok("meters", Value::Array(meters), &key).await["created"], n);
        let t = app.subscriber("many@example.ru").await;
        for i in 0..n {
            app.house_with_account(&t, &format!("6810000000{i:02}"), &format!("SER{i:04}")).await;
        }
        let node2 = app.second_node(|_| {}).await;
        let mut paths = Vec::new();
        for i in 0..n {
            let meters = app.get_json(&format!("/api/v1/accounts/6810000000{i:02}/meters"), &t).await;
            paths.push(format!("/api/v1/accounts/6810000000{i:02}/meters/{}/readings", meters[0]["id"]));
        }
        // Submissions on both nodes while the billing system pages through the export with
        // small pages, alternating nodes too.
        let submit = async {
            let all = paths.iter().enumerate().map(|(i, path)| {
                let node = if i % 2 == 0 { &app } else { &node2 };
                let t = &t;
                async move {
                    let r = node.post_as(&reqwest::Client::new(), path, &json!({"values": [{"zone": "single", "value": 100 + i}]}), Some(t)).await;
                    assert_eq!(r.status(), 201, "{path}");
                }
            });
            futures_util::future::join_all(all).await;
        };
        let pull = async {
            let mut seen = Vec::new();
            let mut after = 0;
            for round in 0..40 {
                let node = if round % 2 == 0 { &app } else { &node2 };
                let page = node.get_json(&format!("/api/v1/integration/readings?after={after}&limit=3"), &key).await;
                for item in page["items"].as_array().expect("items") {
                    assert!(item["seq"].as_i64().expect("seq") > after, "the cursor only moves on");
                    seen.push(item["reading_id"].as_i64().expect("id"));
                }
                after = page["next_after"].as_i64().expect("cursor");
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            (seen, after)
        };
        let ((), (mut seen, mut after)) = futures_util::join!(submit, pull);
        loop {
            let page = app.get_json(&format!("/api/v1/integration/readings?after={after}&limit=7"), &key).await;
            let items = page["items"].as_array().expect("items");
            seen.extend(items.iter().map(|i| i["reading_id"].as_i64().expect("id")));
            after = page["next_after"].as_i64().expect("cursor");
            if !page["more"].as_bool().expect("more") {
                break;
            }
        }
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no reading twice: {seen:?}");
        assert_eq!(unique.len(), n, "every portal reading, and only those: {seen:?}");
        // A reading exported carries what the billing system needs.
        let first = app.get_json("/api/v1/integration/readings?after=0&limit=1", &key).await;
        let item = &first["items"][0];
        assert!(item["account_number"].as_str().is_some_and(|a| a.starts_with("6810")), "{first}");
        assert!(item["meter_serial"].as_str().is_some_and(|s| s.starts_with("SER")));
        assert_eq!(item["values"][0]["zone"], "single");
        // Bad cursors are the client's error.
        assert_problem(app.get("/api/v1/integration/readings?limit=0", Some(&key)).await, 400, "invalid_query").await;
        assert_problem(app.get("/api/v1/integration/readings?after=-1", Some(&key)).await, 400, "invalid_query").await;
    }

    async fn the_same_batches_sent_at_once_to_two_nodes_create_each_row_once(app: TestApp) {
        app.seed_registry().await;
        let (_, key) = app.api_key("billing", &[ApiScope::RegistryWrite, ApiScope::PaymentsWrite]).await;
        let node2 = app.second_node(|_| {}).await;
        let n = 300;
        let accounts: Vec<Value> = (0..n).map(|i| json!({
            "number": format!("684{i:09}"), "holder_name": "Абонент", "address": "г. Тамбов",
            "branch_code": "tambov", "contract_number": "Д", "contract_date": "2020-01-01",
            "tariff_code": "population-single", "opening_balance": "10.00"
        })).collect();
        let meters: Vec<Value> = (0..n).map(|i| json!({
            "account_number": format!("684{i:09}"), "serial": format!("RC{i:06}"), "model": "M", "scheme": "single", "digits": 6
        })).collect();
        let payments: Vec<Value> = (0..n).map(|i| json!({
            "id": format!("RACE-{i}"), "channel": "bank", "account_number": format!("684{i:09}"), "amount": "5.00", "paid_on": "2026-11-02"
        })).collect();
        let invoices: Vec<Value> = (0..n).map(|i| json!({
            "account_number": format!("684{i:09}"), "period": "2026-10", "issued_on": "2026-11-01", "due_on": "2026-11-10",
            "lines": [{"zone": "single", "kwh": 1, "price": "3.00", "amount": "3.00"}]
        })).collect();
        for (kind, items) in [("accounts", accounts), ("meters", meters), ("payments", payments), ("invoices", invoices)] {
            let sends = (0..6).map(|k| {
                let node = if k % 2 == 0 { &app } else { &node2 };
                let (items, key) = (items.clone(), key.clone());
                async move { node.batch_ok(kind, Value::Array(items), &key).await }
            });
            let answers = futures_util::future::join_all(sends).await;
            let created: u64 = answers.iter().map(|a| a["created"].as_u64().expect("created")).sum();
            let unchanged: u64 = answers.iter().map(|a| a["unchanged"].as_u64().expect("unchanged")).sum();
            assert_eq!((created, unchanged), (n as u64, 5 * n as u64), "{kind}: each row created once");
            assert!(answers.iter().all(|a| a["errors"] == 0), "{kind}");
        }
        // Every account: 10.00 opening + 5.00 paid once − 3.00 invoiced once.
        for i in [0, n / 2, n - 1] {
            let id = app.store.account_id_by_number(&format!("684{i:09}")).await.expect("db").expect("account");
            assert_eq!(app.store.account_brief(id).await.expect("db").expect("account").1, 1_200);
            assert_eq!(app.store.recompute_balance(id).await.expect("db"), 1_200);
        }
    }
}
