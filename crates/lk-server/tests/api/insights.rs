//! Consumption insights (X3): the series of an account's months against hand arithmetic — a
//! register's rollover, a tariff change, a missing month, a year-before comparison — and the
//! three demo accounts against their readings and invoices.

use chrono::{Datelike, Months, NaiveDate, Utc};
use lk_domain::{Rate, ReadingSource, Zone, ZoneScheme};
use lk_server::db::readings::NewReading;
use lk_server::db::registry::{NewAccount, NewBranch, NewInvoice, NewMeter};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;

use crate::helpers::*;

/// A decimal written out: `dec("450.00")`.
fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn moscow_today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
}

fn months_back(month: NaiveDate, n: u32) -> NaiveDate {
    month.checked_sub_months(Months::new(n)).expect("month")
}

fn date(v: &Value) -> NaiveDate {
    v.as_str().expect("date").parse().expect("date")
}

/// The series' month starting on `month`.
fn month(insights: &Value, month: NaiveDate) -> &Value {
    insights["months"]
        .as_array()
        .expect("months")
        .iter()
        .find(|m| date(&m["month"]) == month)
        .unwrap_or_else(|| panic!("{month} in the series"))
}

fn opt_decimal(v: &Value) -> Option<Decimal> {
    (!v.is_null()).then(|| decimal(v))
}

/// Account 680000000099 with a four-digit meter «4321» at 5.00 ₽/kWh, 6.00 ₽ from this month;
/// readings 9 900 three months ago, 9 990 two months ago (90 kWh), none last month, 140 on the
/// 1st of this month (rolled over: 150 kWh); and an invoice of 120 kWh / 600 ₽ a year ago.
async fn hand_made_account(app: &TestApp) -> NaiveDate {
    let this_month = moscow_today().with_day(1).expect("first day");
    let store = app.store.as_ref();
    let branch_id = store
        .insert_branch(&NewBranch {
            code: "insights".into(),
            name: "Участок".into(),
            address: "Тамбов".into(),
            phone: "+7 4752 00-00-00".into(),
            email: "branch@example.ru".into(),
            hours: "9–18".into(),
        })
        .await
        .expect("branch");
    let rate = |valid_from, price| Rate {
        zone: Zone::Single,
        valid_from,
        band_from_kwh: 0,
        price,
    };
    let plan_id = store
        .insert_tariff_plan(
            "insights-single",
            "Одноставочный",
            ZoneScheme::Single,
            &[
                rate(
                    NaiveDate::from_ymd_opt(2020, 1, 1).expect("day"),
                    dec("5.00"),
                ),
                rate(this_month, dec("6.00")),
            ],
        )
        .await
        .expect("plan");
    let account_id = store
        .insert_account(
            &NewAccount {
                number: "680000000099".into(),
                holder_name: "Иванов Иван Иванович".into(),
                address: "г. Тамбов, ул. Советская, д. 1".into(),
                branch_id,
                contract_number: "68-999999".into(),
                contract_date: NaiveDate::from_ymd_opt(2020, 1, 1).expect("day"),
                tariff_plan_id: plan_id,
                residents: 1,
                opening_balance: 0,
            },
            Utc::now(),
        )
        .await
        .expect("account");
    let meter_id = store
        .insert_meter(&NewMeter {
            account_id,
            serial: "4321".into(),
            model: "СО-505".into(),
            scheme: ZoneScheme::Single,
            digits: 4,
            installed_on: None,
            verified_on: None,
            next_verification_on: None,
            location: String::new(),
        })
        .await
        .expect("meter");
    for (on, value) in [
        (months_back(this_month, 3).with_day(20).expect("day"), 9_900),
        (months_back(this_month, 2).with_day(20).expect("day"), 9_990),
        (this_month, 140),
    ] {
        store
            .insert_reading(&NewReading {
                meter_id,
                account_id,
                taken_on: on,
                source: ReadingSource::Billing,
                submitted_by: None,
                values: vec![(Zone::Single, value)],
                consumption: None,
                charge: None,
                now: Utc::now(),
            })
            .await
            .expect("reading");
    }
    let year_ago = months_back(this_month, 12);
    store
        .insert_invoice(&NewInvoice {
            account_id,
            period: year_ago,
            issued_on: year_ago.checked_add_months(Months::new(1)).expect("month"),
            due_on: year_ago.checked_add_months(Months::new(1)).expect("month"),
            lines: vec![("single".into(), 120, 50_000, 60_000)],
        })
        .await
        .expect("invoice");
    this_month
}

backend_tests! {
    async fn insights_follow_a_rollover_a_tariff_change_and_a_missing_month(app: TestApp) {
        let this_month = hand_made_account(&app).await;
        let t = app.subscriber("insights@example.ru").await;
        app.house_with_account(&t, "680000000099", "4321").await;
        let i = app.get_json("/api/v1/accounts/680000000099/insights", &t).await;

        let months = i["months"].as_array().expect("months");
        assert_eq!(months.len(), 24, "two years of months");
        assert_eq!(date(&months[23]["month"]), this_month, "the current month last");
        assert_eq!(date(&months[0]["month"]), months_back(this_month, 23));

        // Two months ago: 9 990 − 9 900 = 90 kWh at 5.00 ₽ = 450.00 ₽.
        let two_ago = month(&i, months_back(this_month, 2));
        assert_eq!(two_ago["source"], "readings");
        assert_eq!(two_ago["kwh"], 90);
        assert_eq!(decimal(&two_ago["amount"]), dec("450.00"));
        assert_eq!(two_ago["zones"], serde_json::json!([{"zone": "single", "kwh": 90}]));

        // Last month: no reading, no invoice — nothing guessed.
        let last = month(&i, months_back(this_month, 1));
        assert_eq!(last["source"], "missing");
        assert!(last["kwh"].is_null() && last["amount"].is_null() && last["kwh_per_day"].is_null());

        // This month: 140 after 9 990 on a four-digit register is 10 000 − 9 990 + 140 = 150 kWh,
        // at this month's 6.00 ₽ = 900.00 ₽, over the days since the 20th two months ago.
        let now = month(&i, this_month);
        assert_eq!(now["source"], "readings");
        assert_eq!(now["kwh"], 150);
        assert_eq!(decimal(&now["amount"]), dec("900.00"));
        let days = (this_month - months_back(this_month, 2).with_day(20).expect("day")).num_days();
        assert_eq!(
            decimal(&now["kwh_per_day"]),
            (Decimal::from(150) / Decimal::from(days)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        );
        // A year ago the invoice said 120 kWh: 150 is 25 % more.
        assert_eq!(now["last_year_kwh"], 120);
        assert_eq!(opt_decimal(&now["change_percent"]), Some(dec("25.0")));
        let year_ago = month(&i, months_back(this_month, 12));
        assert_eq!(year_ago["source"], "invoice");
        assert_eq!(decimal(&year_ago["amount"]), dec("600.00"));

        assert_eq!(date(&i["latest_month"]), this_month);
        let summary = i["summary"].as_str().expect("summary");
        assert!(summary.starts_with('В'), "{summary}");
        assert!(summary.contains("на 25 % больше, чем год назад"), "{summary}");
        assert!(summary.contains("150 кВт·ч против 120"), "{summary}");

        // In English when asked.
        let r = app
            .client
            .get(app.url("/api/v1/accounts/680000000099/insights"))
            .bearer_auth(&t)
            .header("accept-language", "en")
            .send()
            .await
            .expect("insights");
        let en: Value = r.json().await.expect("json");
        let summary = en["summary"].as_str().expect("summary");
        assert!(summary.contains("25% more than a year before"), "{summary}");
    }

    async fn insights_of_the_demo_accounts_match_their_readings_and_invoices(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("demo-insights@example.ru").await;
        let this_month = moscow_today().with_day(1).expect("first day");
        for (number, meter) in [
            ("680000000001", "01234567"),
            ("680000000002", "02345678"),
            ("680000000003", "03456789"),
        ] {
            app.house_with_account(&t, number, meter).await;
            let i = app.get_json(&format!("/api/v1/accounts/{number}/insights"), &t).await;
            // Every reading's own consumption and every invoice, from their own endpoints.
            let meters = app.get_json(&format!("/api/v1/accounts/{number}/meters"), &t).await;
            let meter_id = meters[0]["id"].as_i64().expect("meter id");
            let from = months_back(this_month, 36);
            let readings = app
                .get_json(
                    &format!("/api/v1/accounts/{number}/meters/{meter_id}/readings?from={from}&to={}", moscow_today()),
                    &t,
                )
                .await;
            let ops = app
                .get_json(&format!("/api/v1/accounts/{number}/operations?types=invoice&from={from}&limit=200"), &t)
                .await;
            let invoices = ops["items"].as_array().expect("operations");
            let mut compared = 0;
            for m in i["months"].as_array().expect("months") {
                let on = date(&m["month"]);
                let read: Vec<&Value> = readings
                    .as_array()
                    .expect("readings")
                    .iter()
                    .filter(|r| date(&r["taken_on"]).with_day(1) == Some(on) && !r["consumption"].is_null())
                    .collect();
                // The demo issues a month's invoice on the 1st of the next.
                let issued = on.checked_add_months(Months::new(1)).expect("month");
                let invoice = invoices.iter().find(|o| date(&o["date"]) == issued);
                match invoice {
                    Some(inv) => {
                        assert_eq!(m["source"], "invoice", "{number} {on}");
                        let kwh: i64 = read.iter().map(|r| r["consumption"].as_i64().expect("kwh")).sum();
                        assert_eq!(m["kwh"], kwh, "{number} {on}: the kWh of the month's reading");
                        assert_eq!(decimal(&m["amount"]), decimal(&inv["amount"]).abs(), "{number} {on}: the invoice's amount");
                        let days = on.checked_add_months(Months::new(1)).expect("month").signed_duration_since(on).num_days();
                        assert_eq!(
                            decimal(&m["kwh_per_day"]),
                            (Decimal::from(kwh) / Decimal::from(days)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
                            "{number} {on}"
                        );
                        let zone_sum: i64 = m["zones"].as_array().expect("zones").iter().map(|z| z["kwh"].as_i64().expect("kwh")).sum();
                        assert_eq!(zone_sum, kwh, "{number} {on}: the zones add up");
                        compared += 1;
                    }
                    None => assert_eq!(m["source"], "missing", "{number} {on}: no reading, no invoice"),
                }
            }
            assert_eq!(compared, 23, "{number}: every month up to the last is invoiced");
            // Last month against the same month a year before, to one decimal.
            let last = month(&i, months_back(this_month, 1));
            let year_ago = month(&i, months_back(this_month, 13));
            let (now, then) = (last["kwh"].as_i64().expect("kwh"), year_ago["kwh"].as_i64().expect("kwh"));
            assert_eq!(last["last_year_kwh"], then);
            let expected = (Decimal::from(now - then) * Decimal::from(100) / Decimal::from(then))
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(opt_decimal(&last["change_percent"]), Some(expected), "{number}");
            assert_eq!(date(&i["latest_month"]), months_back(this_month, 1));
            let summary = i["summary"].as_str().expect("summary");
            assert!(summary.contains(&format!("{now} кВт·ч против {then}")), "{number}: {summary}");
        }
    }

    async fn insights_of_someone_elses_account_are_not_found(app: TestApp) {
        app.seed_registry().await;
        let owner = app.subscriber("owner-insights@example.ru").await;
        app.house_with_account(&owner, "680000000001", "01234567").await;
        let stranger = app.subscriber("stranger-insights@example.ru").await;
        let r = app.get("/api/v1/accounts/680000000001/insights", Some(&stranger)).await;
        assert_problem(r, 404, "not_found").await;
        let r = app.get("/api/v1/accounts/680000000001/insights", None).await;
        assert_eq!(r.status(), 401);
    }
}
