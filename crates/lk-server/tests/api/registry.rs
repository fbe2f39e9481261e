//! Houses, binding, accounts, meters, readings, tariffs and the operations history, on the
//! demo registry.

use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");
const A2: (&str, &str) = ("680000000002", "02345678");
const A3: (&str, &str) = ("680000000003", "03456789");

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal string expected, got {v}"))
        .parse()
        .expect("decimal")
}

/// Price of `zone` in force today, from the account endpoint.
fn price_of(account: &Value, zone: &str) -> Decimal {
    let prices = account["tariff"]["prices"].as_array().expect("prices");
    dec(&prices
        .iter()
        .find(|p| p["zone"] == zone)
        .unwrap_or_else(|| panic!("no {zone} in {prices:?}"))["price"])
}

/// The latest values of the account's only meter: (meter id, zone → value).
async fn last_values(app: &TestApp, token: &str, account: &str) -> (i64, Vec<(String, i64)>) {
    let meters = app
        .get_json(&format!("/api/v1/accounts/{account}/meters"), token)
        .await;
    let m = &meters[0];
    let vals = m["last_reading"]["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| {
            (
                v["zone"].as_str().expect("zone").to_owned(),
                v["value"].as_i64().expect("value"),
            )
        })
        .collect();
    (m["id"].as_i64().expect("id"), vals)
}

fn round_half_up(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

backend_tests! {
    async fn houses_are_added_renamed_listed_and_deleted(app: TestApp) {
        let t = app.subscriber("houses@example.ru").await;
        assert_eq!(app.get_json("/api/v1/houses", &t).await, json!([]), "empty state");
        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "  Дача ", "address": "Тамбовская обл., с. Покровка"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let h: Value = r.json().await.expect("json");
        assert_eq!((h["name"].as_str(), h["account"].is_null()), (Some("Дача"), true));
        let id = h["id"].as_i64().expect("id");
        let h: Value = app.patch(&format!("/api/v1/houses/{id}"), &json!({"name": "Дом у реки"}), &t).await.json().await.expect("json");
        assert_eq!(h["name"], "Дом у реки");
        assert_eq!(h["address"], "Тамбовская обл., с. Покровка");
        let list = app.get_json("/api/v1/houses", &t).await;
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "", "address": "x".repeat(301)}), Some(&t)).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(problem_fields(&p), ["name", "address"]);
        assert_eq!(app.delete(&format!("/api/v1/houses/{id}"), &t).await.status(), 204);
        assert_problem(app.get(&format!("/api/v1/houses/{id}"), Some(&t)).await, 404, "not_found").await;
    }

    async fn binding_checks_the_pair_against_the_registry_and_reveals_nothing(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("bind@example.ru").await;
        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "Квартира", "address": "г. Тамбов"}), Some(&t)).await;
        let id = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let path = format!("/api/v1/houses/{id}/account");
        let wrong_meter: Value = app.put(&path, &json!({"account_number": A1.0, "meter_number": "99999999"}), &t).await.json().await.expect("json");
        let wrong_account: Value = app.put(&path, &json!({"account_number": "680000009999", "meter_number": A1.1}), &t).await.json().await.expect("json");
        assert_eq!(wrong_meter["code"], "account_not_found");
        assert_eq!(wrong_meter, wrong_account, "a wrong account and a wrong meter look the same");
        let p = assert_problem(app.put(&path, &json!({"account_number": "12ab", "meter_number": "?"}), &t).await, 422, "validation_failed").await;
        assert_eq!(problem_fields(&p), ["account_number", "meter_number"]);

        let r = app.put(&path, &json!({"account_number": " 6800 0000 0001 ", "meter_number": "0123-4567"}), &t).await;
        assert_eq!(r.status(), 200);
        let h: Value = r.json().await.expect("json");
        assert_eq!(h["account"]["number"], A1.0);
        assert!(dec(&h["account"]["balance"]) < Decimal::ZERO, "account 1 is in debt");
        let last = &h["account"]["last_readings"][0];
        assert_eq!(last["values"][0]["zone"], "single");
        assert!(last["values"][0]["value"].as_i64().expect("value") > 18_240);

        // The same account in a second house of the same user is a conflict.
        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "Второй", "address": "г. Тамбов"}), Some(&t)).await;
        let id2 = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let r = app.put(&format!("/api/v1/houses/{id2}/account"), &json!({"account_number": A1.0, "meter_number": A1.1}), &t).await;
        assert_problem(r, 409, "account_already_added").await;
        // A family member binds it in their own cabinet.
        let t2 = app.subscriber("family@example.ru").await;
        app.house_with_account(&t2, A1.0, A1.1).await;

        // Unbinding keeps the house.
        let h: Value = app.delete(&path, &t).await.json().await.expect("json");
        assert!(h["account"].is_null());
    }

    async fn the_main_page_lists_every_house_with_its_account_summary(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("three@example.ru").await;
        for (a, m) in [A1, A2, A3] {
            app.house_with_account(&t, a, m).await;
        }
        app.post_as(&app.client, "/api/v1/houses", &json!({"name": "Гараж", "address": "г. Тамбов"}), Some(&t)).await;
        let list = app.get_json("/api/v1/houses", &t).await;
        let list = list.as_array().expect("list");
        assert_eq!(list.len(), 4);
        let zones = |i: usize| list[i]["account"]["last_readings"][0]["values"].as_array().map(|v| v.iter().map(|z| z["zone"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>());
        assert_eq!(zones(0), Some(vec!["single".to_owned()]));
        assert_eq!(zones(1), Some(vec!["day".to_owned(), "night".to_owned()]));
        assert_eq!(zones(2), Some(vec!["peak".to_owned(), "half_peak".to_owned(), "night".to_owned()]));
        assert!(list[3]["account"].is_null());
        assert!(dec(&list[1]["account"]["balance"]) > Decimal::ZERO, "account 2 is prepaid");
        assert_eq!(dec(&list[2]["account"]["balance"]), Decimal::ZERO);
    }

    async fn repeated_wrong_bindings_are_throttled(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("guess@example.ru").await;
        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "Дом", "address": "г. Тамбов"}), Some(&t)).await;
        let id = r.json::<Value>().await.expect("json")["id"].as_i64().expect("id");
        let path = format!("/api/v1/houses/{id}/account");
        for i in 0..10 {
            let r = app.put(&path, &json!({"account_number": format!("68000000{i:04}"), "meter_number": "11112222"}), &t).await;
            assert_eq!(r.status(), 422);
        }
        let r = app.put(&path, &json!({"account_number": A1.0, "meter_number": A1.1}), &t).await;
        assert_problem(r, 429, "too_many_requests").await;
    }

    async fn a_stranger_gets_404_on_every_account_scoped_path(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner@example.ru").await;
        let house = app.house_with_account(&owner, A2.0, A2.1).await;
        let (meter, _) = last_values(&app, &owner, A2.0).await;
        let ops = app.get_json(&format!("/api/v1/accounts/{}/operations?types=invoice", A2.0), &owner).await;
        let invoice = ops["items"][0]["id"].as_i64().expect("invoice id");
        let stranger = app.subscriber("stranger@example.ru").await;
        app.house_with_account(&stranger, A1.0, A1.1).await;
        let n = A2.0;
        let gets = [
            format!("/api/v1/houses/{house}"),
            format!("/api/v1/accounts/{n}"),
            format!("/api/v1/accounts/{n}/meters"),
            format!("/api/v1/accounts/{n}/meters/{meter}/readings"),
            format!("/api/v1/accounts/{n}/operations"),
            format!("/api/v1/accounts/{n}/invoices/{invoice}"),
            format!("/api/v1/accounts/{n}/tariffs"),
            format!("/api/v1/accounts/{}/invoices/{invoice}", A1.0),
            format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0),
            "/api/v1/accounts/not-a-number".to_owned(),
        ];
        for path in gets {
            assert_problem(app.get(&path, Some(&stranger)).await, 404, "not_found").await;
        }
        let body = json!({"values": [{"zone": "day", "value": 999999}, {"zone": "night", "value": 999999}], "label": "x", "comment": "x", "name": "x", "address": "x"});
        for path in [format!("/api/v1/accounts/{n}/meters/{meter}/readings"), format!("/api/v1/accounts/{n}/meters/{meter}/readings/preview"), format!("/api/v1/accounts/{n}/change-requests")] {
            assert_problem(app.post_as(&app.client, &path, &body, Some(&stranger)).await, 404, "not_found").await;
        }
        assert_problem(app.patch(&format!("/api/v1/accounts/{n}/meters/{meter}"), &body, &stranger).await, 404, "not_found").await;
        assert_problem(app.patch(&format!("/api/v1/houses/{house}"), &body, &stranger).await, 404, "not_found").await;
        assert_problem(app.put(&format!("/api/v1/houses/{house}/account"), &json!({"account_number": A2.0, "meter_number": A2.1}), &stranger).await, 404, "not_found").await;
        assert_problem(app.delete(&format!("/api/v1/houses/{house}/account"), &stranger).await, 404, "not_found").await;
        assert_problem(app.delete(&format!("/api/v1/houses/{house}"), &stranger).await, 404, "not_found").await;
        // Nothing of the owner's changed.
        let h = app.get_json(&format!("/api/v1/houses/{house}"), &owner).await;
        assert_eq!(h["account"]["number"], A2.0);
    }

    async fn a_reading_is_charged_by_the_tariff_of_each_plan(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("meter@example.ru").await;
        for ((account, serial), used) in [(A1, vec![100]), (A2, vec![150, 70]), (A3, vec![40, 60, 50])] {
            app.house_with_account(&t, account, serial).await;
            let info = app.get_json(&format!("/api/v1/accounts/{account}"), &t).await;
            let balance = dec(&info["balance"]);
            let (meter, last) = last_values(&app, &t, account).await;
            let values: Vec<Value> = last.iter().zip(&used).map(|((z, v), u)| json!({"zone": z, "value": v + u})).collect();
            // By hand: Σ zones kWh × price in force today, each line rounded half up.
            let expected: Decimal = last.iter().zip(&used).map(|((z, _), u)| round_half_up(Decimal::from(*u) * price_of(&info, z))).sum();

            let path = format!("/api/v1/accounts/{account}/meters/{meter}/readings");
            let preview: Value = app.post_as(&app.client, &format!("{path}/preview"), &json!({"values": values}), Some(&t)).await.json().await.expect("json");
            assert_eq!(dec(&preview["charge"]), expected, "{account} preview");
            assert!(preview["reading"].is_null());

            let r = app.post_as(&app.client, &path, &json!({"values": values}), Some(&t)).await;
            assert_eq!(r.status(), 201);
            let res: Value = r.json().await.expect("json");
            assert_eq!(dec(&res["charge"]), expected, "{account}");
            assert_eq!(res["consumption"].as_i64(), Some(used.iter().sum()));
            assert_eq!(dec(&res["uninvoiced"]), Decimal::ZERO, "the demo data has no reading after the last invoice");
            assert_eq!(dec(&res["amount_due"]), (expected - balance).max(Decimal::ZERO), "charge + debt − prepayment");
            assert_eq!(res["lines"].as_array().map(Vec::len), Some(used.len()));
            let stored = app.get_json(&path, &t).await;
            assert_eq!(stored[0]["id"], res["reading"]["id"]);
            assert_eq!(stored[0]["source"], "portal");
        }
    }

    async fn after_a_reading_every_summary_offers_the_amount_the_wizard_named(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("due@example.ru").await;
        let house = app.house_with_account(&t, A1.0, A1.1).await;
        let summary = |h: &Value| dec(&h["account"]["amount_due"]);
        let h = app.get_json(&format!("/api/v1/houses/{house}"), &t).await;
        let debt = -dec(&h["account"]["balance"]);
        assert!(debt > Decimal::ZERO);
        assert_eq!(summary(&h), debt, "before a reading: the debt");
        assert_eq!(dec(&app.get_json(&format!("/api/v1/accounts/{}", A1.0), &t).await["amount_due"]), debt);

        let (meter, last) = last_values(&app, &t, A1.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0);
        let values = json!({"values": [{"zone": "single", "value": last[0].1 + 100}]});
        let preview: Value = app.post_as(&app.client, &format!("{path}/preview"), &values, Some(&t)).await.json().await.expect("json");
        let r = app.post_as(&app.client, &path, &values, Some(&t)).await;
        assert_eq!(r.status(), 201);
        let res: Value = r.json().await.expect("json");
        let due = dec(&res["amount_due"]);
        assert_eq!(due, debt + dec(&res["charge"]));
        assert_eq!(dec(&preview["amount_due"]), due, "the preview named the same amount");

        // The house card (list and one house), the account's side panel: the same figure.
        let list = app.get_json("/api/v1/houses", &t).await;
        assert_eq!(summary(&list[0]), due);
        assert_eq!(summary(&app.get_json(&format!("/api/v1/houses/{house}"), &t).await), due);
        assert_eq!(dec(&app.get_json(&format!("/api/v1/accounts/{}", A1.0), &t).await["amount_due"]), due);
        assert_eq!(-dec(&list[0]["account"]["balance"]), debt, "the balance changes only with the invoice");

        // A corrected reading of the same day replaces the first one in the amount too.
        let values = json!({"values": [{"zone": "single", "value": last[0].1 + 50}]});
        let res: Value = app.post_as(&app.client, &path, &values, Some(&t)).await.json().await.expect("json");
        assert_eq!(dec(&res["uninvoiced"]), Decimal::ZERO);
        let due = dec(&res["amount_due"]);
        assert_eq!(due, debt + dec(&res["charge"]));
        assert_eq!(summary(&app.get_json(&format!("/api/v1/houses/{house}"), &t).await), due);

        // A prepayment is subtracted: the prepaid account owes only what the reading exceeds.
        let house2 = app.house_with_account(&t, A2.0, A2.1).await;
        let prepaid = dec(&app.get_json(&format!("/api/v1/houses/{house2}"), &t).await["account"]["balance"]);
        assert!(prepaid > Decimal::ZERO);
        let (meter, last) = last_values(&app, &t, A2.0).await;
        let res: Value = app.post_as(&app.client, &format!("/api/v1/accounts/{}/meters/{meter}/readings", A2.0), &json!({"values": [{"zone": "day", "value": last[0].1 + 900}, {"zone": "night", "value": last[1].1 + 300}]}), Some(&t)).await.json().await.expect("json");
        let due = (dec(&res["charge"]) - prepaid).max(Decimal::ZERO);
        assert!(due > Decimal::ZERO, "900 + 300 kWh exceed the prepayment");
        assert_eq!(dec(&res["amount_due"]), due);
        assert_eq!(summary(&app.get_json(&format!("/api/v1/houses/{house2}"), &t).await), due);
    }

    async fn zones_are_listed_in_one_order_in_tariffs_invoices_readings_and_summaries(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("zones@example.ru").await;
        let house = app.house_with_account(&t, A3.0, A3.1).await;
        let order = ["peak", "half_peak", "night"];
        let zones = |v: &Value| v.as_array().expect("list").iter().map(|z| z["zone"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>();
        let account = app.get_json(&format!("/api/v1/accounts/{}", A3.0), &t).await;
        assert_eq!(zones(&account["tariff"]["prices"]), order, "the tariff in force");
        let tariffs = app.get_json(&format!("/api/v1/accounts/{}/tariffs", A3.0), &t).await;
        let newest = &tariffs["prices"][0]["valid_from"];
        let first: Vec<Value> = tariffs["prices"].as_array().expect("prices").iter().filter(|p| &p["valid_from"] == newest).cloned().collect();
        assert_eq!(zones(&Value::Array(first)), order, "the tariff history");
        let h = app.get_json(&format!("/api/v1/houses/{house}"), &t).await;
        assert_eq!(zones(&h["account"]["last_readings"][0]["values"]), order, "the house card");
        let meters = app.get_json(&format!("/api/v1/accounts/{}/meters", A3.0), &t).await;
        assert_eq!(zones(&meters[0]["zones"]), order, "the reading form");
        assert_eq!(zones(&meters[0]["last_reading"]["values"]), order);
        let ops = app.get_json(&format!("/api/v1/accounts/{}/operations", A3.0), &t).await;
        let reading = ops["items"].as_array().expect("items").iter().find(|i| i["kind"] == "reading").expect("reading");
        assert_eq!(zones(&reading["values"]), order, "the history");
        let invoice = ops["items"].as_array().expect("items").iter().find(|i| i["kind"] == "invoice").expect("invoice");
        let inv = app.get_json(&format!("/api/v1/accounts/{}/invoices/{}", A3.0, invoice["id"]), &t).await;
        assert_eq!(zones(&inv["lines"]), order, "the invoice");
    }

    async fn readings_below_the_previous_one_or_incomplete_are_refused(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("rules@example.ru").await;
        app.house_with_account(&t, A2.0, A2.1).await;
        let (meter, last) = last_values(&app, &t, A2.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings", A2.0);
        let (day, night) = (last[0].1, last[1].1);
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "day", "value": day - 1}, {"zone": "night", "value": night}]}), Some(&t)).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["code"], "below_previous");
        assert_eq!(p["errors"][0]["field"], "values[0].value");
        assert!(p["errors"][0]["message"].as_str().unwrap_or_default().contains(&day.to_string()));
        // A rollover cannot be declared for a register far from its maximum.
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "day", "value": 5}, {"zone": "night", "value": night}], "rollover": true}), Some(&t)).await;
        assert_eq!(assert_problem(r, 422, "validation_failed").await["errors"][0]["code"], "implausible_rollover");
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "day", "value": day}]}), Some(&t)).await;
        assert_eq!(assert_problem(r, 422, "validation_failed").await["errors"][0]["code"], "missing_zone");
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "peak", "value": 1}, {"zone": "day", "value": day}, {"zone": "night", "value": night}]}), Some(&t)).await;
        assert_eq!(assert_problem(r, 422, "validation_failed").await["errors"][0]["code"], "unknown_zone");
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "day", "value": 1_000_000}, {"zone": "night", "value": night}]}), Some(&t)).await;
        assert_eq!(assert_problem(r, 422, "validation_failed").await["errors"][0]["code"], "too_many_digits");
        assert_eq!(app.get_json(&path, &t).await[0]["source"], "billing", "nothing was stored");
    }

    async fn abnormal_consumption_is_accepted_with_a_warning_and_a_second_reading_replaces_the_first(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("spike@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let (meter, last) = last_values(&app, &t, A1.0).await;
        let path = format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0);
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "single", "value": last[0].1 + 5000}]}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let res: Value = r.json().await.expect("json");
        assert_eq!(res["warnings"][0]["code"], "abnormal_consumption");
        let r = app.post_as(&app.client, &path, &json!({"values": [{"zone": "single", "value": last[0].1 + 200}]}), Some(&t)).await;
        let res: Value = r.json().await.expect("json");
        assert_eq!(res["warnings"], json!([]));
        let stored = app.get_json(&path, &t).await;
        let portal: Vec<&Value> = stored.as_array().expect("list").iter().filter(|r| r["source"] == "portal").collect();
        assert_eq!(portal.len(), 1, "the correction replaced the first reading of the day");
        // The meter shows today's reading and, as the base of the next one, the one before.
        let meters = app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &t).await;
        assert_eq!(meters[0]["last_reading"]["source"], "portal");
        assert_eq!(meters[0]["previous_reading"]["values"][0]["value"].as_i64(), Some(last[0].1));
        assert_eq!(portal[0]["values"][0]["value"].as_i64(), Some(last[0].1 + 200));
    }

    async fn the_operations_history_filters_by_type_and_pages_stably(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("history@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let base = format!("/api/v1/accounts/{}/operations", A1.0);
        let all = app.get_json(&format!("{base}?limit=200"), &t).await;
        let items = all["items"].as_array().expect("items").clone();
        assert!(items.len() >= 30, "a year of invoices, readings and payments");
        assert!(all["next_cursor"].is_null());
        let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap_or_default()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first");
        for kind in ["invoice", "reading", "payment"] {
            assert!(items.iter().any(|i| i["kind"] == kind), "{kind}");
        }
        let payments = app.get_json(&format!("{base}?types=payment&limit=200"), &t).await;
        assert!(payments["items"].as_array().expect("items").iter().all(|i| i["kind"] == "payment" && i["description"].as_str().unwrap_or_default().contains("плат")));
        let readings = app.get_json(&format!("{base}?types=reading"), &t).await;
        assert!(readings["items"][0]["values"][0]["value"].as_i64().is_some());
        // A reading is not a second charge: it tells its consumption, the invoice the money.
        for r in readings["items"].as_array().expect("items") {
            assert!(r["amount"].is_null(), "{r}");
        }
        assert!(readings["items"][0]["consumption"].as_i64().is_some_and(|k| k > 0));
        assert!(items.iter().filter(|i| i["kind"] != "reading").all(|i| i["amount"].is_string() && i["consumption"].is_null()));

        // Pages of 7 put together are exactly the full list.
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor { Some(c) => format!("{base}?limit=7&cursor={c}"), None => format!("{base}?limit=7") };
            let page = app.get_json(&url, &t).await;
            paged.extend(page["items"].as_array().expect("items").clone());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(paged, items);

        let from_to = app.get_json(&format!("{base}?from=2000-01-01&to=2000-12-31"), &t).await;
        assert_eq!(from_to["items"], json!([]));
        assert_problem(app.get(&format!("{base}?types=bribe"), Some(&t)).await, 422, "validation_failed").await;
        assert_problem(app.get(&format!("{base}?cursor=garbage"), Some(&t)).await, 422, "validation_failed").await;
        assert_problem(app.get(&format!("{base}?from=2026-05-01&to=2026-01-01"), Some(&t)).await, 422, "validation_failed").await;
        assert_problem(app.get(&format!("{base}?from=yesterday"), Some(&t)).await, 400, "invalid_query").await;
    }

    async fn a_history_row_the_domain_does_not_know_is_an_error_not_a_wrong_label(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("corrupt@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let base = format!("/api/v1/accounts/{}/operations", A1.0);
        assert_eq!(app.get(&base, Some(&t)).await.status(), StatusCode::OK);

        // A payment whose source no release ever wrote: the history is not drawn with a
        // guessed label, and the answer names nothing of the row.
        let changed = app
            .raw_sql(&format!("UPDATE payments SET channel = 'barter' WHERE account_id = (SELECT id FROM accounts WHERE number = '{}')", A1.0))
            .await;
        assert!(changed > 0, "the demo account has payments");
        for url in [base.clone(), format!("{base}?types=payment")] {
            let p = assert_problem(app.get(&url, Some(&t)).await, 500, "internal_error").await;
            assert!(!p.to_string().contains("barter"), "{p}");
        }
        // The rows the domain knows are still served.
        let invoices = app.get_json(&format!("{base}?types=invoice,reading"), &t).await;
        assert!(!invoices["items"].as_array().expect("items").is_empty());
        // (A reading's source cannot go wrong this way: the database checks it.)
    }

    async fn invoice_details_add_up(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("invoice@example.ru").await;
        app.house_with_account(&t, A3.0, A3.1).await;
        let ops = app.get_json(&format!("/api/v1/accounts/{}/operations?types=invoice", A3.0), &t).await;
        let id = ops["items"][0]["id"].as_i64().expect("id");
        let inv = app.get_json(&format!("/api/v1/accounts/{}/invoices/{id}", A3.0), &t).await;
        let lines = inv["lines"].as_array().expect("lines");
        assert_eq!(lines.len(), 3);
        let sum: Decimal = lines.iter().map(|l| dec(&l["amount"])).sum();
        assert_eq!(sum, dec(&inv["amount"]));
        for l in lines {
            assert_eq!(round_half_up(Decimal::from(l["kwh"].as_i64().expect("kwh")) * dec(&l["price"])), dec(&l["amount"]));
        }
        assert_eq!(inv["consumption"].as_i64(), Some(lines.iter().map(|l| l["kwh"].as_i64().unwrap_or_default()).sum()));
    }

    async fn tariffs_of_a_year_and_earlier_ones(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("tariff@example.ru").await;
        app.house_with_account(&t, A2.0, A2.1).await;
        let now = app.get_json(&format!("/api/v1/accounts/{}/tariffs", A2.0), &t).await;
        assert_eq!(now["zone_scheme"], "two_zone");
        assert!(now["prices"].as_array().is_some_and(|p| p.len() >= 2));
        let earlier = now["earlier_years"].as_array().expect("years").clone();
        assert!(!earlier.is_empty());
        let y = earlier[0].as_i64().expect("year");
        let old = app.get_json(&format!("/api/v1/accounts/{}/tariffs?year={y}", A2.0), &t).await;
        assert!(old["prices"].as_array().is_some_and(|p| !p.is_empty()));
        assert_problem(app.get(&format!("/api/v1/accounts/{}/tariffs?year=1800", A2.0), Some(&t)).await, 422, "validation_failed").await;
        let acc = app.get_json(&format!("/api/v1/accounts/{}", A2.0), &t).await;
        assert_eq!(acc["holder_name"], "Петрова Анна Сергеевна");
        assert!(acc["branch"]["phone"].as_str().is_some_and(|p| !p.is_empty()));
        assert_eq!(acc["contract"]["number"], "68-001001");
    }

    async fn meters_are_renamed_per_user_and_change_requests_are_stored(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("label@example.ru").await;
        let other = app.subscriber("label2@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        app.house_with_account(&other, A1.0, A1.1).await;
        let (meter, _) = last_values(&app, &t, A1.0).await;
        let m: Value = app.patch(&format!("/api/v1/accounts/{}/meters/{meter}", A1.0), &json!({"label": " Счётчик в прихожей "}), &t).await.json().await.expect("json");
        assert_eq!(m["label"], "Счётчик в прихожей");
        assert_eq!(m["serial"], A1.1);
        assert!(app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &other).await[0]["label"].is_null());
        let r = app.patch(&format!("/api/v1/accounts/{}/meters/{meter}", A1.0), &json!({"label": "x".repeat(61)}), &t).await;
        assert_problem(r, 422, "validation_failed").await;

        let path = format!("/api/v1/accounts/{}/change-requests", A1.0);
        let r = app.post_as(&app.client, &path, &json!({"residents": 3, "comment": "Прописан сын"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        assert_eq!(r.json::<Value>().await.expect("json")["status"], "new");
        let r = app.post_as(&app.client, &path, &json!({}), Some(&t)).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["comment"]);
    }
}

#[actix_web::test]
async fn the_branding_tells_today_in_moscow_and_whether_readings_are_accepted() {
    let app = spawn_app(lk_server::db::Backend::Sqlite).await;
    let b: Value = app
        .get("/api/v1/branding", None)
        .await
        .json()
        .await
        .expect("json");
    let moscow = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    assert_eq!(b["today"], moscow.to_string());
    assert_eq!(
        b["reading_window"],
        json!({"open": true, "opens_on": null, "closes_on": null, "message": null}),
        "the test server accepts readings any day"
    );
}

#[actix_web::test]
async fn outside_the_reading_window_the_answer_names_the_next_one() {
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    use chrono::Datelike;
    // A one-day window that is never today.
    let day = if today.day() == 1 { 2 } else { 1 };
    let app = spawn_app_with(lk_server::db::Backend::Sqlite, |c| {
        c.reading_window = lk_domain::reading::ReadingWindow {
            enabled: true,
            first_day: day,
            last_day: day,
        }
    })
    .await;
    app.seed_registry().await;
    // The SPA learns at once (before anyone types a reading) that the window is closed.
    let b: Value = app
        .get("/api/v1/branding", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(b["today"], today.to_string(), "today in Moscow");
    let w = &b["reading_window"];
    assert_eq!(w["open"], false);
    let opens: chrono::NaiveDate = w["opens_on"]
        .as_str()
        .expect("opens_on")
        .parse()
        .expect("date");
    assert!(opens > today && opens.day() == day, "{w}");
    assert_eq!(w["closes_on"], w["opens_on"], "a one-day window");
    assert!(
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains(&opens.format("%d.%m.%Y").to_string())),
        "{w}"
    );
    let t = app.subscriber("late@example.ru").await;
    app.house_with_account(&t, A1.0, A1.1).await;
    let (meter, last) = last_values(&app, &t, A1.0).await;
    let r = app
        .post_as(
            &app.client,
            &format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0),
            &json!({"values": [{"zone": "single", "value": last[0].1 + 10}]}),
            Some(&t),
        )
        .await;
    let p = assert_problem(r, 422, "reading_window_closed").await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Следующий приём показаний"),
        "{p}"
    );
    let _ = StatusCode::OK;
}
