//! The main page's next steps (issue 12): the reading window, the amount due with its due day,
//! and the consumption against last year, per house in the houses list; and the payment
//! result's facts.

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");
const A2: (&str, &str) = ("680000000002", "02345678");

fn moscow_today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
}

fn month_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("first day")
}

fn date(v: &Value) -> NaiveDate {
    v.as_str()
        .unwrap_or_else(|| panic!("date expected: {v}"))
        .parse()
        .expect("date")
}

/// The only meter of an account and its readings of the last two years: (day, consumption).
async fn consumption(app: &TestApp, t: &str, account: &str) -> (i64, Vec<(NaiveDate, i64)>) {
    let meters = app
        .get_json(&format!("/api/v1/accounts/{account}/meters"), t)
        .await;
    let meter = meters[0]["id"].as_i64().expect("meter id");
    let today = moscow_today();
    let from = today.checked_sub_months(Months::new(24)).expect("from");
    let list = app
        .get_json(
            &format!("/api/v1/accounts/{account}/meters/{meter}/readings?from={from}&to={today}"),
            t,
        )
        .await;
    let readings = list
        .as_array()
        .expect("readings")
        .iter()
        .filter_map(|r| Some((date(&r["taken_on"]), r["consumption"].as_i64()?)))
        .collect();
    (meter, readings)
}

fn kwh_in(readings: &[(NaiveDate, i64)], month: NaiveDate) -> Option<i64> {
    let of: Vec<i64> = readings
        .iter()
        .filter(|(d, _)| month_of(*d) == month)
        .map(|(_, k)| *k)
        .collect();
    (!of.is_empty()).then(|| of.iter().sum())
}

fn percent(now: i64, then: i64) -> Decimal {
    (Decimal::from(now - then) * Decimal::from(100) / Decimal::from(then))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

backend_tests! {
    async fn a_debt_older_than_the_recent_invoices_is_due_by_its_oldest_unpaid_one(app: TestApp) {
        app.seed_registry().await;
        let (_, key) = app.api_key("billing", &[lk_domain::ApiScope::RegistryWrite]).await;
        app.integration_batch(&key, "accounts", json!([{
            "number": "6800 0000 0077", "holder_name": "Должников Иван Петрович",
            "address": "г. Тамбов, ул. Советская, д. 7", "branch_code": "tambov",
            "contract_number": "Д-77", "contract_date": "2020-01-01", "tariff_code": "population-single",
            "residents": 1, "opening_balance": "0"
        }])).await;
        app.integration_batch(&key, "meters", json!([{
            "account_number": "680000000077", "serial": "77-02-2020", "model": "Меркурий 201.8",
            "scheme": "single", "digits": 6, "installed_on": "2020-01-01"
        }])).await;
        // Nothing paid for six months: 1 000 ₽ six months ago, then 100 ₽ a month. The newest
        // invoices do not cover the 1 500 ₽ debt: the day to pay by is the oldest one's.
        let this_month = month_of(moscow_today());
        let invoices: Vec<Value> = (1..=6u32)
            .map(|back| {
                let period = this_month.checked_sub_months(Months::new(back)).expect("period");
                let issued = period.checked_add_months(Months::new(1)).expect("issued");
                let (kwh, amount) = if back == 6 { (200, "1000.00") } else { (20, "100.00") };
                json!({
                    "account_number": "680000000077", "period": period.format("%Y-%m").to_string(),
                    "issued_on": issued.to_string(), "due_on": issued.with_day(10).expect("10th").to_string(),
                    "lines": [{"zone": "single", "kwh": kwh, "price": "5.0000", "amount": amount}]
                })
            })
            .collect();
        app.integration_batch(&key, "invoices", Value::Array(invoices)).await;

        let t = app.subscriber("old-debt@example.ru").await;
        let house = app.house_with_account(&t, "680000000077", "77-02-2020").await;
        let card = app.get_json(&format!("/api/v1/houses/{house}"), &t).await;
        assert_eq!(decimal(&card["account"]["balance"]), Decimal::new(-150_000, 2));
        let pay = &card["account"]["next_steps"]["payment"];
        let oldest_due = this_month.checked_sub_months(Months::new(5)).expect("month").with_day(10).expect("10th");
        assert_eq!(date(&pay["pay_by"]), oldest_due);
        assert_eq!(pay["overdue"], true);
        assert_eq!(decimal(&pay["amount_due"]), Decimal::new(150_000, 2));
    }

    async fn the_houses_list_tells_each_house_what_to_do_next(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("next@example.ru").await;
        let today = moscow_today();
        let this_month = month_of(today);
        let last_month = this_month.checked_sub_months(Months::new(1)).expect("last month");

        // A house without an account has no next steps.
        let r = app.post_as(&app.client, "/api/v1/houses", &json!({"name": "Гараж", "address": "г. Тамбов"}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let house = app.house_with_account(&t, A1.0, A1.1).await;
        let list = app.get_json("/api/v1/houses", &t).await;
        assert_eq!(list[0]["account"], Value::Null);
        let card = list.as_array().expect("houses").iter().find(|h| h["id"] == house).expect("house").clone();
        let steps = &card["account"]["next_steps"];

        // The test server accepts readings on any day: open, with no last day.
        assert_eq!(steps["readings"], json!({"open": true, "until": null, "opens_on": null, "closes_on": null}));

        // The demo account 1 leaves its last two monthly invoices unpaid: the older one, of the
        // month before last, was due on the 10th of last month — overdue today.
        assert_eq!(decimal(&steps["payment"]["amount_due"]), decimal(&card["account"]["amount_due"]));
        assert!(decimal(&steps["payment"]["amount_due"]) > Decimal::ZERO);
        assert_eq!(date(&steps["payment"]["pay_by"]), last_month.with_day(10).expect("10th"));
        assert_eq!(steps["payment"]["overdue"], true);

        // The demo's readings are taken on the 20th up to last month: last month is compared
        // with the same month a year before, as the readings history tells them.
        let (meter, readings) = consumption(&app, &t, A1.0).await;
        let c = &steps["consumption"];
        assert_eq!(date(&c["month"]), last_month);
        let (now, then) = (kwh_in(&readings, last_month).expect("last month's"), kwh_in(&readings, last_month.checked_sub_months(Months::new(12)).expect("a year before")).expect("last year's"));
        assert_eq!(c["kwh"], now);
        assert_eq!(c["last_year_kwh"], then);
        assert_eq!(decimal(&c["change_percent"]), percent(now, then));
        // The same on the house's own answer.
        assert_eq!(&app.get_json(&format!("/api/v1/houses/{house}"), &t).await["account"]["next_steps"], steps);

        // A reading sent today makes this month the one compared.
        let last = app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &t).await[0]["last_reading"]["values"][0]["value"].as_i64().expect("value");
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0), &json!({"values": [{"zone": "single", "value": last + 123}]}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let steps = &app.get_json(&format!("/api/v1/houses/{house}"), &t).await["account"]["next_steps"];
        let c = &steps["consumption"];
        assert_eq!(date(&c["month"]), this_month);
        let (_, readings) = consumption(&app, &t, A1.0).await;
        let now = kwh_in(&readings, this_month).expect("this month's");
        assert!(now >= 123, "today's 123 kWh at least");
        assert_eq!(c["kwh"], now);
        let then = kwh_in(&readings, this_month.checked_sub_months(Months::new(12)).expect("a year before")).expect("last year's");
        assert_eq!(c["last_year_kwh"], then);
        assert_eq!(decimal(&c["change_percent"]), percent(now, then));
        // Still overdue: the reading adds to the amount, not to the day.
        assert_eq!(steps["payment"]["overdue"], true);

        // Nothing due: no day to pay by. Account 2 rounds every payment up (prepaid) unless
        // the newest invoice is not paid yet this month.
        let house2 = app.house_with_account(&t, A2.0, A2.1).await;
        let h2 = app.get_json(&format!("/api/v1/houses/{house2}"), &t).await;
        let pay = &h2["account"]["next_steps"]["payment"];
        if decimal(&h2["account"]["amount_due"]) == Decimal::ZERO {
            assert_eq!(pay["pay_by"], Value::Null);
            assert_eq!(pay["overdue"], false);
        } else {
            assert!(!pay["pay_by"].is_null());
        }
        assert_eq!(h2["account"]["next_steps"]["consumption"]["month"], json!(last_month.to_string()));
    }

    async fn the_payment_answer_says_when_it_was_made_and_for_which_house(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("result@example.ru").await;
        let house = app.house_with_account(&t, A1.0, A1.1).await;
        let before = chrono::Utc::now() - chrono::Duration::seconds(5);
        let p = app.start_payment(&t, A1.0, "500.00").await;
        let id = p["payment_id"].as_str().expect("id").to_owned();
        assert_eq!(p["house_id"], house);
        assert_eq!(p["completed_at"], Value::Null, "not completed yet");
        let created: chrono::DateTime<chrono::Utc> = p["created_at"].as_str().expect("created_at").parse().expect("time");
        assert!(created >= before && created <= chrono::Utc::now());

        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        let after = app.get_json(&format!("/api/v1/payments/{id}"), &t).await;
        assert_eq!(after["status"], "succeeded");
        assert_eq!(after["created_at"], p["created_at"]);
        let completed: chrono::DateTime<chrono::Utc> = after["completed_at"].as_str().expect("completed_at").parse().expect("time");
        assert!(completed >= created);
        assert_eq!(after["house_id"], house);

        // Unbound from the payer's houses: the payment's answer carries the account's balance,
        // no longer the payer's to see.
        assert_eq!(app.delete(&format!("/api/v1/houses/{house}/account"), &t).await.status(), 200);
        assert_problem(app.get(&format!("/api/v1/payments/{id}"), Some(&t)).await, 404, "not_found").await;
    }
}

mod window {
    use super::*;
    use lk_domain::reading::ReadingWindow;

    crate::helpers::each_backend! {
        async fn an_open_window_names_its_last_day_and_a_closed_one_the_next(backend: Backend) {
            let today = moscow_today();
            // Open all month: until the month's last day.
            let app = spawn_app_with(backend, |c| c.reading_window = ReadingWindow { enabled: true, first_day: 1, last_day: 31 }).await;
            app.seed_registry().await;
            let t = app.subscriber("window@example.ru").await;
            let house = app.house_with_account(&t, A1.0, A1.1).await;
            let steps = &app.get_json(&format!("/api/v1/houses/{house}"), &t).await["account"]["next_steps"];
            let last_day = month_of(today).checked_add_months(Months::new(1)).expect("next month").pred_opt().expect("last day");
            assert_eq!(steps["readings"], json!({"open": true, "until": last_day.to_string(), "opens_on": null, "closes_on": null}));

            // A one-day window that is not today: closed, with the next window as /branding
            // names it.
            let day = if today.day() == 1 { 2 } else { 1 };
            let app = spawn_app_with(backend, |c| c.reading_window = ReadingWindow { enabled: true, first_day: day, last_day: day }).await;
            app.seed_registry().await;
            let t = app.subscriber("closed@example.ru").await;
            let house = app.house_with_account(&t, A1.0, A1.1).await;
            let steps = &app.get_json(&format!("/api/v1/houses/{house}"), &t).await["account"]["next_steps"];
            let branding: Value = app.get("/api/v1/branding", None).await.json().await.expect("json");
            assert_eq!(steps["readings"]["open"], false);
            assert_eq!(steps["readings"]["until"], Value::Null);
            assert_eq!(steps["readings"]["opens_on"], branding["reading_window"]["opens_on"]);
            assert_eq!(steps["readings"]["closes_on"], branding["reading_window"]["closes_on"]);
            assert!(date(&steps["readings"]["opens_on"]) > today);
        }
    }
}
