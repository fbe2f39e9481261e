//! The month close (SPEC B6) against each backend: invoices from readings for the three zone
//! schemes and volume bands, the average and the norm where no reading came, totals computed by
//! hand, idempotency, one run per period, and balances that stay the sum of their parts.

use chrono::{Datelike, NaiveDate};
use lk_domain::{ApiScope, ReadingSource, Zone};
use lk_server::billing::{close_period, CloseOutcome, CloseSummary};
use lk_server::db::billing::CloseClaim;
use lk_server::db::readings::NewReading;
use lk_server::progress::Quiet;
use serde_json::{json, Value};

use crate::helpers::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// Accounts B1…B8 (see the test) on tariffs with known prices.
async fn registry(app: &TestApp) {
    let (_, key) = app.api_key("billing", &[ApiScope::RegistryWrite]).await;
    app.integration_batch(&key, "branches", json!([{"code": "b", "name": "Отделение", "address": "Тамбов", "phone": "", "email": "", "hours": ""}])).await;
    let from = "2025-07-01";
    app.integration_batch(&key, "tariffs", json!([
        {"code": "t1", "name": "Один", "scheme": "single", "rates": [{"zone": "single", "valid_from": from, "price": "6.13"}]},
        {"code": "t2", "name": "Два", "scheme": "two_zone", "rates": [
            {"zone": "day", "valid_from": from, "price": "7.04"}, {"zone": "night", "valid_from": from, "price": "3.89"}]},
        {"code": "t3", "name": "Три", "scheme": "three_zone", "rates": [
            {"zone": "peak", "valid_from": from, "price": "8.40"}, {"zone": "half_peak", "valid_from": from, "price": "6.135"},
            {"zone": "night", "valid_from": from, "price": "3.30"}]},
        {"code": "t4", "name": "Диапазоны", "scheme": "single", "rates": [
            {"zone": "single", "valid_from": from, "price": "5.00"},
            {"zone": "single", "valid_from": from, "band_from_kwh": 3900, "price": "7.00"}]},
    ])).await;
    let account = |n: u32, tariff: &str, extra: Value| {
        let mut a = json!({"number": format!("68200000000{n}"), "holder_name": "Абонент", "address": "Тамбов",
            "branch_code": "b", "contract_number": "Д", "contract_date": "2020-01-01", "tariff_code": tariff});
        if let (Some(a), Some(extra)) = (a.as_object_mut(), extra.as_object()) {
            a.extend(extra.clone());
        }
        a
    };
    app.integration_batch(
        &key,
        "accounts",
        json!([
            account(1, "t1", json!({})),
            account(2, "t2", json!({})),
            account(3, "t3", json!({})),
            account(4, "t4", json!({})),
            account(5, "t1", json!({})),
            account(6, "t1", json!({"residents": 2})),
            account(7, "t1", json!({"norm_kwh": 75})),
            account(8, "t1", json!({})),
        ]),
    )
    .await;
    let meter = |n: u32, scheme: &str, digits: i64| {
        json!({"account_number": format!("68200000000{n}"),
        "serial": format!("M{n}000"), "model": "M", "scheme": scheme, "digits": digits})
    };
    app.integration_batch(
        &key,
        "meters",
        json!([
            meter(1, "single", 6),
            meter(2, "two_zone", 5),
            meter(3, "three_zone", 6),
            meter(4, "single", 6),
            meter(5, "single", 6),
            meter(6, "single", 6),
            meter(7, "single", 6),
            meter(8, "single", 6),
        ]),
    )
    .await;
    app.integration_batch(&key, "invoices", json!([{"account_number": "682000000008", "period": "2026-10", "issued_on": "2026-11-01",
        "due_on": "2026-11-10", "lines": [{"zone": "single", "kwh": 10, "price": "6.13", "amount": "61.30"}]}])).await;

    type Reading<'a> = (u32, NaiveDate, &'a [(Zone, i64)]);
    let readings: [Reading; 10] = [
        (1, d(2026, 9, 20), &[(Zone::Single, 18_000)]),
        (1, d(2026, 10, 20), &[(Zone::Single, 18_230)]),
        (
            2,
            d(2026, 9, 25),
            &[(Zone::Day, 99_950), (Zone::Night, 40_000)],
        ),
        (
            2,
            d(2026, 10, 25),
            &[(Zone::Day, 150), (Zone::Night, 40_120)],
        ),
        (
            3,
            d(2026, 9, 30),
            &[
                (Zone::Peak, 1000),
                (Zone::HalfPeak, 2000),
                (Zone::Night, 3000),
            ],
        ),
        (
            3,
            d(2026, 10, 31),
            &[
                (Zone::Peak, 1095),
                (Zone::HalfPeak, 2161),
                (Zone::Night, 3140),
            ],
        ),
        (4, d(2026, 9, 15), &[(Zone::Single, 10_000)]),
        (4, d(2026, 10, 15), &[(Zone::Single, 15_000)]),
        (5, d(2026, 3, 20), &[(Zone::Single, 1_000)]),
        (5, d(2026, 8, 20), &[(Zone::Single, 1_700)]),
    ];
    for (n, on, values) in readings {
        let account_id = app
            .store
            .account_id_by_number(&format!("68200000000{n}"))
            .await
            .expect("db")
            .expect("account");
        let meter = app.store.meters(0, account_id).await.expect("meters")[0].id;
        app.store
            .insert_reading(&NewReading {
                meter_id: meter,
                account_id,
                taken_on: on,
                source: ReadingSource::Billing,
                submitted_by: None,
                values: values.to_vec(),
                consumption: None,
                charge: None,
                now: chrono::Utc::now(),
            })
            .await
            .expect("reading");
    }
}

async fn balance(app: &TestApp, n: u32) -> i64 {
    let id = app
        .store
        .account_id_by_number(&format!("68200000000{n}"))
        .await
        .expect("db")
        .expect("account");
    let stored = app
        .store
        .account_brief(id)
        .await
        .expect("db")
        .expect("account")
        .1;
    // The balance kept up to date equals opening + payments − invoices.
    assert_eq!(
        app.store.recompute_balance(id).await.expect("db"),
        stored,
        "account {n}"
    );
    stored
}

backend_tests! {
    async fn the_month_close_invoices_by_reading_average_and_norm_exactly_once(app: TestApp) {
        registry(&app).await;
        let before: Vec<i64> = futures_util::future::join_all((1..=8).map(|n| balance(&app, n))).await;
        let today = d(2026, 11, 2);
        let outcome = close_period(app.store.as_ref(), d(2026, 10, 1), today, 90, &mut Quiet).await.expect("close");
        // By hand: 230 × 6.13 = 1409.90; 200 × 7.04 + 120 × 3.89 = 1874.80 (across a rollover);
        // 95 × 8.40 + 161 × 6.135 + 140 × 3.30 = 2247.74; 3900 × 5 + 1100 × 7 = 27200.00;
        // average 700 kWh / 5 months = 140 × 6.13 = 858.20; norm 2 × 90 = 180 × 6.13 = 1103.40;
        // own norm 75 × 6.13 = 459.75.
        let expected = [140_990, 187_480, 224_774, 2_720_000, 85_820, 110_340, 45_975, 0];
        let summary = CloseSummary {
            period: "2026-10".into(),
            accounts: 8,
            invoiced: 7,
            by_reading: 4,
            by_average: 1,
            by_norm: 2,
            already_invoiced: 1,
            skipped: 0,
            total: expected.iter().sum(),
        };
        assert_eq!(outcome, CloseOutcome::Closed(summary.clone()));
        for n in 1..=8u32 {
            assert_eq!(before[n as usize - 1] - balance(&app, n).await, expected[n as usize - 1], "account {n}");
        }
        // The subscriber sees the invoice with its lines and how it was found.
        let t = app.subscriber("sub@example.ru").await;
        app.house_with_account(&t, "682000000004", "M4000").await;
        let ops = app.get_json("/api/v1/accounts/682000000004/operations?types=invoice&from=2026-10-01&to=2026-11-30", &t).await;
        let invoice = &ops["items"][0];
        assert_eq!(invoice["description"], "Счёт за октябрь 2026");
        let detail = app.get_json(&format!("/api/v1/accounts/682000000004/invoices/{}", invoice["id"]), &t).await;
        assert_eq!(decimal(&detail["amount"]), rust_decimal::Decimal::new(2_720_000, 2), "{detail}");
        assert_eq!(detail["lines"].as_array().map(Vec::len), Some(2), "two volume bands: {detail}");
        assert_eq!(detail["due_on"], "2026-11-10");

        // Again: nothing changes.
        let again = close_period(app.store.as_ref(), d(2026, 10, 15), today, 90, &mut Quiet).await.expect("close");
        assert_eq!(again, CloseOutcome::AlreadyClosed(summary));
        for n in 1..=8u32 {
            assert_eq!(before[n as usize - 1] - balance(&app, n).await, expected[n as usize - 1], "account {n} after the second run");
        }
        // A month not begun is refused.
        assert!(close_period(app.store.as_ref(), d(2026, 12, 1), today, 90, &mut Quiet).await.is_err());
    }

    async fn the_close_of_the_demo_data_bills_each_account_its_average_at_the_demo_rates(app: TestApp) {
        app.seed_registry().await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive();
        let period = today.with_day(1).expect("first day");
        let t = app.subscriber("demo-close@example.ru").await;
        let demo = [("680000000001", "01234567"), ("680000000002", "02345678"), ("680000000003", "03456789")];
        let mut before = Vec::new();
        for (n, meter) in demo {
            app.house_with_account(&t, n, meter).await;
            before.push(app.balance(&t, n).await);
        }
        let outcome = close_period(app.store.as_ref(), period, today, 90, &mut Quiet).await.expect("close");
        let CloseOutcome::Closed(summary) = outcome else { panic!("closed: {outcome:?}") };
        assert_eq!((summary.invoiced, summary.by_average), (3, 3), "{summary:?}");

        // By hand, for each demo account: its last reading is of the 20th of last month (none
        // this month), so the month is billed by the average of the six months before it, per
        // zone, rounded half up, at the demo plan's rates of 1 July 2026 (seed.rs), rounded to
        // kopecks per line.
        let price = |zone: &str| -> rust_decimal::Decimal {
            match zone {
                "single" | "half_peak" => "6.71",
                "day" => "7.24",
                "night" => "3.84",
                "peak" => "8.69", // 7.24 × 1.2, to kopecks
                other => panic!("zone {other}"),
            }
            .parse()
            .expect("price")
        };
        let (mut total, mut amounts) = (rust_decimal::Decimal::ZERO, Vec::new());
        for (i, (n, _)) in demo.iter().enumerate() {
            let meters = app.get_json(&format!("/api/v1/accounts/{n}/meters"), &t).await;
            let meter = meters[0]["id"].as_i64().expect("meter");
            let from = period - chrono::Months::new(12);
            let history = app.get_json(&format!("/api/v1/accounts/{n}/meters/{meter}/readings?from={from}&to={today}"), &t).await;
            let history = history.as_array().expect("readings");
            let last = &history[0];
            let last_on: NaiveDate = last["taken_on"].as_str().expect("date").parse().expect("date");
            assert_eq!(last_on, (period - chrono::Months::new(1)).with_day(20).expect("20th"), "{n}");
            let six_before = (last_on - chrono::Months::new(6)).to_string();
            let early = history.iter().find(|r| r["taken_on"] == six_before.as_str()).expect("six months before");
            let value = |r: &Value, zone: &str| r["values"].as_array().expect("values").iter()
                .find(|v| v["zone"] == zone).and_then(|v| v["value"].as_i64()).expect("zone value");

            let ops = app.get_json(&format!("/api/v1/accounts/{n}/operations?types=invoice&from={period}&to={today}"), &t).await;
            let mut detail = Value::Null;
            for o in ops["items"].as_array().expect("items") {
                let d = app.get_json(&format!("/api/v1/accounts/{n}/invoices/{}", o["id"]), &t).await;
                if d["period"] == period.to_string().as_str() {
                    detail = d;
                }
            }
            assert!(detail.is_object(), "this month's invoice of {n}: {ops}");
            assert_eq!(detail["basis"], "average", "{detail}");
            let mut amount = rust_decimal::Decimal::ZERO;
            for line in detail["lines"].as_array().expect("lines") {
                let zone = line["zone"].as_str().expect("zone");
                let advance = value(last, zone) - value(early, zone);
                let kwh = (advance * 2 + 6) / 12; // advance / 6, half up
                assert_eq!(line["kwh"], kwh, "{n} {zone}: {detail}");
                assert_eq!(decimal(&line["price"]), price(zone), "{n} {zone}");
                let line_amount = (rust_decimal::Decimal::from(kwh) * price(zone)).round_dp(2);
                assert_eq!(decimal(&line["amount"]), line_amount, "{n} {zone}");
                amount += line_amount;
            }
            assert_eq!(decimal(&detail["amount"]), amount, "{n}");
            assert_eq!(before[i] - app.balance(&t, n).await, amount, "{n}: the balance owes the invoice");
            amounts.push(amount);
            total += amount;
        }
        assert_eq!(rust_decimal::Decimal::new(summary.total, 2), total);

        // Again: nothing changes.
        let again = close_period(app.store.as_ref(), period, today, 90, &mut Quiet).await.expect("close");
        assert_eq!(again, CloseOutcome::AlreadyClosed(summary));
        for (i, (n, _)) in demo.iter().enumerate() {
            assert_eq!(before[i] - app.balance(&t, n).await, amounts[i], "{n} after the second run");
        }
    }

    async fn one_run_closes_a_period_while_a_second_node_is_refused_until_the_first_dies(app: TestApp) {
        registry(&app).await;
        let now = chrono::Utc::now();
        let stale = now - chrono::Duration::seconds(120);
        let period = d(2026, 10, 1);
        assert_eq!(app.store.claim_close(period, now, stale).await.expect("claim"), CloseClaim::Claimed);
        // Another node (another pool on the same database) finds it running.
        let other = lk_server::db::connect(&app.db_url).await.expect("connect");
        assert!(matches!(other.claim_close(period, now, stale).await.expect("claim"), CloseClaim::Running(_)));
        let err = close_period(other.as_ref(), period, d(2026, 11, 2), 90, &mut Quiet).await.expect_err("running");
        assert!(err.to_string().contains("running on another node"), "{err}");
        // A run silent for longer than the heartbeat allows is taken over, and the close resumes.
        let later = now + chrono::Duration::seconds(300);
        assert_eq!(other.claim_close(period, later, later - chrono::Duration::seconds(120)).await.expect("claim"), CloseClaim::Claimed);
        other.heartbeat_close(period, now - chrono::Duration::seconds(600)).await.expect("beat");
        let outcome = close_period(other.as_ref(), period, d(2026, 11, 2), 90, &mut Quiet).await.expect("close");
        assert!(matches!(outcome, CloseOutcome::Closed(ref s) if s.invoiced == 7), "{outcome:?}");
    }
}
