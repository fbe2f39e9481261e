//! E-mail reminders and the paperless receipt (X4): opt-in settings, the job on a chosen day,
//! exactly once across racing runners, restarts and a failing SMTP server, one-click
//! unsubscribe without login.

use chrono::{Datelike, NaiveDate};
use lk_domain::reading::ReadingWindow;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::smtp::{body_text, message_id, smtp_sink, smtp_sink_on, smtp_sink_refusing};

const A1: (&str, &str) = ("680000000001", "01234567");
const A2: (&str, &str) = ("680000000002", "02345678");
const A3: (&str, &str) = ("680000000003", "03456789");
const OPENS: &str = "Открыт приём показаний счётчика";
const CLOSES: &str = "Приём показаний скоро закончится";

/// Today in Moscow, as the seeded registry sees it.
fn real_today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
}

/// Day `d` of this month: the seeded readings are all of earlier months.
fn day(d: u32) -> NaiveDate {
    real_today().with_day(d).expect("day")
}

/// The standard 15–25 reading window (the tests' configuration accepts readings any day).
fn with_window(c: &mut lk_server::config::Config) {
    c.reading_window = ReadingWindow {
        enabled: true,
        first_day: 15,
        last_day: 25,
    };
}

async fn remind(app: &TestApp, on: NaiveDate) -> usize {
    lk_server::reminders::run_once(&app.state, on, None)
        .await
        .expect("reminder run")
}

async fn set_reminders(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.put("/api/v1/me/reminders", &body, token).await;
    assert_eq!(r.status(), 200, "PUT /me/reminders {body}");
    r.json().await.expect("json")
}

/// The messages to `to` with this subject.
async fn mails(app: &TestApp, to: &str, subject: &str) -> Vec<Value> {
    app.mails_to(to)
        .await
        .into_iter()
        .filter(|m| m["subject"] == subject)
        .collect()
}

/// A reading of this month's `d`th day on the account's first meter, as the billing system
/// would report it.
async fn reading_on(app: &TestApp, token: &str, account: &str, d: NaiveDate) {
    let meters = app
        .get_json(&format!("/api/v1/accounts/{account}/meters"), token)
        .await;
    let meter = &meters.as_array().expect("meters")[0];
    let zones: Vec<lk_domain::Zone> = meter["zones"]
        .as_array()
        .expect("zones")
        .iter()
        .filter_map(|z| z["zone"].as_str().and_then(lk_domain::Zone::parse))
        .collect();
    assert!(!zones.is_empty());
    let account_id = app
        .store
        .account_id_by_number(account)
        .await
        .expect("account")
        .expect("exists");
    app.store
        .insert_reading(&lk_server::db::readings::NewReading {
            meter_id: meter["id"].as_i64().expect("meter id"),
            account_id,
            taken_on: d,
            source: lk_domain::ReadingSource::Billing,
            submitted_by: None,
            values: zones.into_iter().map(|z| (z, 999_000)).collect(),
            consumption: None,
            charge: None,
            now: chrono::Utc::now(),
        })
        .await
        .expect("reading");
}

backend_tests! {
    async fn reminders_are_off_until_switched_on_and_bad_input_names_its_field(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("settings@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let s = app.get_json("/api/v1/me/reminders", &t).await;
        for kind in ["window_opens", "window_closes", "invoice", "payment", "debt"] {
            assert_eq!(s[kind], false, "{kind} is off by default: {s}");
        }
        assert_eq!(s["paperless"], json!([{"account_number": A1.0, "house_name": "Дом", "enabled": false}]));

        let saved = set_reminders(&app, &t, json!({"window_opens": true, "debt_threshold": "1500,50", "paperless": [{"account_number": A1.0, "enabled": true}]})).await;
        assert_eq!((saved["window_opens"].clone(), saved["window_closes"].clone(), saved["debt"].clone()), (json!(true), json!(false), json!(true)));
        assert_eq!(saved["debt_threshold"], "1500.50");
        assert_eq!(saved["paperless"][0]["enabled"], true);
        assert_eq!(app.get_json("/api/v1/me/reminders", &t).await, saved, "kept");

        let r = app.put("/api/v1/me/reminders", &json!({"debt_threshold": "-5"}), &t).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["debt_threshold"]);
        // Longer than the document's maxLength, even if only by spaces.
        let r = app.put("/api/v1/me/reminders", &json!({"debt_threshold": format!("1{}", " ".repeat(20))}), &t).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["code"], "too_long");
        let r = app.put("/api/v1/me/reminders", &json!({"debt_threshold": "2000000"}), &t).await;
        assert_problem(r, 422, "validation_failed").await;
        // Each wrong amount is told what is wrong with it, as every amount field of the API is.
        for (text, says) in [
            ("много", "цифрами"),
            ("0", "больше нуля"),
            ("1,005", "не более двух знаков"),
            ("2000000", "не может превышать 1\u{202f}000\u{202f}000,00"),
        ] {
            let r = app.put("/api/v1/me/reminders", &json!({"debt_threshold": text}), &t).await;
            let p = assert_problem(r, 422, "validation_failed").await;
            let e = &p["errors"][0];
            assert_eq!((e["field"].as_str(), e["code"].as_str()), (Some("debt_threshold"), Some("invalid_amount")), "{text}: {p}");
            assert!(e["message"].as_str().is_some_and(|m| m.contains(says)), "{text}: {p}");
        }
        let r = app.put("/api/v1/me/reminders", &json!({"paperless": [{"account_number": A2.0, "enabled": true}]}), &t).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["paperless[0].account_number"]);
        let r = app.put("/api/v1/me/reminders", &json!({"window_closes": "yes"}), &t).await;
        assert_problem(r, 422, "invalid_body").await;
        assert_eq!(app.get_json("/api/v1/me/reminders", &t).await, saved, "nothing changed by refused requests");

        // Off, the threshold is forgotten: switching on again needs one.
        let off = set_reminders(&app, &t, json!({"debt": false})).await;
        assert_eq!((off["debt"].clone(), off["debt_threshold"].clone()), (json!(false), Value::Null));
        let r = app.put("/api/v1/me/reminders", &json!({"debt": true}), &t).await;
        let p = assert_problem(r, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["code"], "required");
        assert_eq!(app.get("/api/v1/me/reminders", None).await.status(), 401);
    }
    async fn a_payment_notice_follows_the_setting_and_comes_once(app: TestApp) {
        app.seed_registry().await;
        let quiet = app.subscriber("quiet-payer@example.ru").await;
        app.house_with_account(&quiet, A2.0, A2.1).await;
        let p = app.start_payment(&quiet, A2.0, "100.00").await;
        let id = p["payment_id"].as_str().expect("id");
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        assert!(mails(&app, "quiet-payer@example.ru", "Платёж зачислен").await.is_empty(), "not asked for");

        let t = app.subscriber("payer-notice@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        set_reminders(&app, &t, json!({"payment": true})).await;
        assert_eq!(remind(&app, real_today()).await, 0, "older payments are not news");
        let p = app.start_payment(&t, A1.0, "250.00").await;
        let id = p["payment_id"].as_str().expect("id");
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        let notices = mails(&app, "payer-notice@example.ru", "Платёж зачислен").await;
        assert_eq!(notices.len(), 1, "at once");
        assert!(notices[0]["body"].as_str().is_some_and(|b| b.contains("250,00") && b.contains(A1.0)), "{}", notices[0]);
        assert!(notices[0]["list_unsubscribe"].is_string());
        assert_eq!(remind(&app, real_today()).await, 0, "the job does not repeat it");
        assert_eq!(mails(&app, "payer-notice@example.ru", "Платёж зачислен").await.len(), 1);
    }
}

each_backend! {
    async fn the_window_reminders_come_on_the_first_day_and_two_days_before_the_last_unless_a_reading_came(backend: Backend) {
        let app = spawn_app_with(backend, with_window).await;
        app.seed_registry().await;
        let on = app.subscriber("window@example.ru").await;
        app.house_with_account(&on, A1.0, A1.1).await;
        set_reminders(&app, &on, json!({"window_opens": true, "window_closes": true})).await;
        let off = app.subscriber("nothing@example.ru").await;
        app.house_with_account(&off, A2.0, A2.1).await;
        let read = app.subscriber("read@example.ru").await;
        app.house_with_account(&read, A3.0, A3.1).await;
        set_reminders(&app, &read, json!({"window_opens": true, "window_closes": true})).await;
        reading_on(&app, &read, A3.0, day(10)).await;

        assert_eq!(remind(&app, day(14)).await, 0, "the window has not opened");
        assert_eq!(remind(&app, day(15)).await, 1);
        let opened = mails(&app, "window@example.ru", OPENS).await;
        assert_eq!(opened.len(), 1);
        let body = opened[0]["body"].as_str().expect("body");
        assert!(body.contains(A1.0) && body.contains(&day(25).format("%d.%m.%Y").to_string()), "{body}");
        assert!(body.contains("http://lk.test/profile/settings"), "{body}");
        assert!(opened[0]["list_unsubscribe"].as_str().is_some_and(|u| u.starts_with("http://lk.test/api/v1/unsubscribe?token=")), "{}", opened[0]);
        // Later runs of the same window, and a restarted job, send nothing new.
        assert_eq!(remind(&app, day(15)).await, 0);
        assert_eq!(remind(&app, day(16)).await, 0);
        assert_eq!(remind(&app, day(23)).await, 1);
        assert_eq!(remind(&app, day(25)).await, 0);
        assert_eq!(remind(&app, day(26)).await, 0);
        let closing = mails(&app, "window@example.ru", CLOSES).await;
        assert_eq!(closing.len(), 1);
        assert_eq!(mails(&app, "window@example.ru", OPENS).await.len(), 1);
        for user in ["nothing@example.ru", "read@example.ru"] {
            assert!(mails(&app, user, OPENS).await.is_empty() && mails(&app, user, CLOSES).await.is_empty(), "{user}");
        }
    }
    async fn a_reading_after_the_opening_reminder_stops_the_closing_one(backend: Backend) {
        let app = spawn_app_with(backend, with_window).await;
        app.seed_registry().await;
        let t = app.subscriber("diligent@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        set_reminders(&app, &t, json!({"window_opens": true, "window_closes": true})).await;
        assert_eq!(remind(&app, day(15)).await, 1);
        reading_on(&app, &t, A1.0, day(16)).await;
        assert_eq!(remind(&app, day(23)).await, 0);
        assert!(mails(&app, "diligent@example.ru", CLOSES).await.is_empty());
    }
    async fn two_job_runners_racing_on_two_nodes_queue_each_reminder_once(backend: Backend) {
        let app = spawn_app_with(backend, with_window).await;
        let node2 = app.second_node(with_window).await;
        app.seed_registry().await;
        let t = app.subscriber("race@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        // Account 1 owes its last two invoices.
        assert!(app.balance(&t, A1.0).await < rust_decimal::Decimal::ZERO);
        set_reminders(&app, &t, json!({"window_opens": true, "debt_threshold": "1"})).await;
        let runs = (0..8).map(|i| {
            let state = if i % 2 == 0 { &app.state } else { &node2.state };
            lk_server::reminders::run_once(state, day(15), None)
        });
        let queued: usize = futures_util::future::join_all(runs).await.into_iter().map(|r| r.expect("run")).sum();
        assert_eq!(queued, 2, "one window reminder and one debt reminder");
        assert_eq!(mails(&app, "race@example.ru", OPENS).await.len(), 1);
        let debt = mails(&app, "race@example.ru", &format!("Задолженность по лицевому счёту № {}", A1.0)).await;
        assert_eq!(debt.len(), 1);
        assert!(debt[0]["body"].as_str().is_some_and(|b| b.contains("порога 1,00")), "{}", debt[0]);
        // Another day of the same month: the debt reminder is monthly.
        assert_eq!(remind(&node2, day(20)).await, 0);
    }
    async fn two_nodes_and_a_flaky_smtp_server_deliver_each_reminder_exactly_once(backend: Backend) {
        // The server answers the first three messages «451 try again later», then takes them.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let smtp = format!("smtp://127.0.0.1:{}", listener.local_addr().expect("addr").port());
        let inbox = smtp_sink_refusing(listener, 3);
        let configure = |smtp: String| move |c: &mut lk_server::config::Config| {
            with_window(c);
            c.smtp_url = Some(smtp);
        };
        let app = spawn_app_with(backend, configure(smtp.clone())).await;
        let node2 = app.second_node(configure(smtp)).await;
        app.seed_registry().await;
        // Four reminders due: the window and the debt for account 1, the window for 2 and 3.
        let mut users = Vec::new();
        for (i, (number, meter)) in [A1, A2, A3].into_iter().enumerate() {
            let email = format!("flaky{i}@example.ru");
            let t = app.staff(&email, lk_domain::Role::Subscriber).await;
            app.house_with_account(&t, number, meter).await;
            let settings = if i == 0 { json!({"window_opens": true, "debt_threshold": "1"}) } else { json!({"window_opens": true}) };
            set_reminders(&app, &t, settings).await;
            users.push(email);
        }
        // Both nodes run the job at once, four times each.
        let runs = (0..8).map(|i| {
            let state = if i % 2 == 0 { &app.state } else { &node2.state };
            lk_server::reminders::run_once(state, day(15), None)
        });
        let queued: usize = futures_util::future::join_all(runs).await.into_iter().map(|r| r.expect("run")).sum();
        assert_eq!(queued, 4);

        // The nodes' own senders make the first attempts at once (three of them refused). A
        // message is leased to one sender while it is sent; the clock jumps below must not
        // outrun a lease taken in real time, so the first round ends first.
        let attempts = || async {
            let mut total = 0;
            for n in [&app, &node2] {
                let m = n.get("/metrics", None).await.text().await.expect("metrics");
                for outcome in ["sent", "retried"] {
                    let prefix = format!("lk_mails_total{{outcome=\"{outcome}\"}} ");
                    total += m.lines().find_map(|l| l.strip_prefix(&prefix)).and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or(0.0) as i64;
                }
            }
            total
        };
        wait_until("every first attempt is over", || async { attempts().await == 4 }).await;
        // Then both nodes' senders deliver at once, attempt after attempt (each after its
        // backoff).
        let transports = [&app, &node2].map(|n| lk_server::mail::Transport::from_config(&n.state.config).expect("transport"));
        for step in 1..=12 {
            if app.store.count_mails("sent").await.expect("count") == 4 {
                break;
            }
            let at = chrono::Utc::now() + chrono::Duration::minutes(2 * step);
            let rounds = [(&app, &transports[0]), (&node2, &transports[1])]
                .map(|(n, t)| lk_server::mail::deliver_due(n.store.as_ref(), t, &n.state.metrics, at));
            for r in futures_util::future::join_all(rounds).await {
                r.expect("deliver");
            }
        }
        assert_eq!(app.store.count_mails("sent").await.expect("count"), 4);
        // The job again on both nodes: nothing more is due.
        assert_eq!(remind(&app, day(15)).await + remind(&node2, day(16)).await, 0);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;

        let got = inbox.lock().expect("lock").clone();
        let mut ids: Vec<String> = got.iter().map(|m| message_id(&m.data)).collect();
        ids.sort();
        ids.dedup();
        assert_eq!((got.len(), ids.len()), (4, 4), "each reminder arrived once: {got:?}");
        let to = |email: &str| got.iter().filter(|m| m.rcpt.iter().any(|r| r == email)).count();
        assert_eq!(users.iter().map(|u| to(u)).collect::<Vec<_>>(), vec![2, 1, 1]);
    }
    async fn the_unsubscribe_link_switches_its_reminder_off_without_login_and_a_forged_one_finds_nothing(backend: Backend) {
        let app = spawn_app_with(backend, with_window).await;
        app.seed_registry().await;
        let t = app.subscriber("leave@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        set_reminders(&app, &t, json!({"window_opens": true, "window_closes": true, "payment": true})).await;
        assert_eq!(remind(&app, day(15)).await, 1);
        let url = mails(&app, "leave@example.ru", OPENS).await[0]["list_unsubscribe"].as_str().expect("url").to_owned();
        let path = url.strip_prefix("http://lk.test").expect("own link");
        let token = path.rsplit_once("token=").expect("token").1.to_owned();
        assert_eq!(token.len(), 43);
        // The text links the SPA's page for the same token.
        let body = mails(&app, "leave@example.ru", OPENS).await[0]["body"].as_str().expect("body").to_owned();
        assert!(body.contains(&format!("http://lk.test/unsubscribe#token={token}")), "{body}");

        // Looking at the link changes nothing.
        let status = app.get(path, None).await;
        assert_eq!(status.status(), 200);
        assert_eq!(status.json::<Value>().await.expect("json"), json!({"reminder": "window_opens", "account_number": null, "subscribed": true}));
        assert_eq!(app.get_json("/api/v1/me/reminders", &t).await["window_opens"], true);

        // The mail client's one-click POST (RFC 8058), no session, no cookie.
        let r = reqwest::Client::new()
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json")["subscribed"], false);
        let s = app.get_json("/api/v1/me/reminders", &t).await;
        assert_eq!((s["window_opens"].clone(), s["window_closes"].clone(), s["payment"].clone()), (json!(false), json!(true), json!(true)), "only that reminder is off");

        assert_problem(reqwest::Client::new().post(app.url(path)).send().await.expect("post"), 404, "not_found").await;
        let forged = format!("{}A", &token[..42]);
        for bad in [forged.as_str(), "x", "../../etc"] {
            let r = reqwest::Client::new().post(app.url("/api/v1/unsubscribe")).query(&[("token", bad)]).send().await.expect("post");
            assert_problem(r, 404, "not_found").await;
        }
        assert_problem(reqwest::Client::new().post(app.url("/api/v1/unsubscribe")).send().await.expect("post"), 400, "invalid_query").await;
        assert_eq!(app.get_json("/api/v1/me/reminders", &t).await["window_closes"], true, "forged tokens changed nothing");

        // Switched on again, the reminder mails the same working link.
        set_reminders(&app, &t, json!({"window_opens": true})).await;
        assert_eq!(app.get(path, None).await.status(), 200);
    }
    async fn a_reminder_kept_by_a_failing_smtp_server_is_delivered_once_when_it_recovers(backend: Backend) {
        // A port where nothing listens yet.
        let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = reserved.local_addr().expect("addr").port();
        drop(reserved);
        let app = spawn_app_with(backend, |c| {
            with_window(c);
            c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        })
        .await;
        app.seed_registry().await;
        let t = app.staff("smtp-reminder@example.ru", lk_domain::Role::Subscriber).await;
        app.house_with_account(&t, A1.0, A1.1).await;
        set_reminders(&app, &t, json!({"window_opens": true})).await;
        assert_eq!(remind(&app, day(15)).await, 1);
        wait_until("the first attempt failed", || async {
            let m = app.get("/metrics", None).await.text().await.expect("metrics");
            m.contains(r#"lk_mails_total{outcome="retried"} 1"#)
        })
        .await;
        assert_eq!(remind(&app, day(15)).await, 0, "kept for a retry, not queued again");
        assert_eq!(app.store.count_mails("queued").await.expect("count"), 1);

        let inbox = smtp_sink_on(tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("rebind"));
        let transport = lk_server::mail::Transport::from_config(&app.state.config).expect("transport");
        let later = chrono::Utc::now() + chrono::Duration::minutes(1);
        let n = lk_server::mail::deliver_due(app.store.as_ref(), &transport, &app.state.metrics, later).await.expect("deliver");
        assert_eq!(n, 1);
        assert_eq!(remind(&app, day(16)).await, 0);
        let n = lk_server::mail::deliver_due(app.store.as_ref(), &transport, &app.state.metrics, later).await.expect("deliver");
        assert_eq!(n, 0, "nothing left to send");
        let got = inbox.lock().expect("lock").clone();
        assert_eq!(got.len(), 1);
        let data = &got[0].data;
        let unsubscribe = data
            .lines()
            .find_map(|l| l.strip_prefix("List-Unsubscribe: "))
            .expect("List-Unsubscribe header");
        assert!(unsubscribe.starts_with("<http://lk.test/api/v1/unsubscribe?token=") && unsubscribe.ends_with('>'), "{data}");
        assert!(data.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{data}");
        assert!(data.to_lowercase().contains("content-type: text/html"), "{data}");
        assert!(body_text(data).contains(A1.0));
    }
    async fn a_paperless_account_gets_each_new_invoice_once_with_its_receipt_pdf_attached(backend: Backend) {
        let (port, inbox) = smtp_sink().await;
        let app = spawn_app_with(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
        app.seed_registry().await;
        let t = app.staff("paperless@example.ru", lk_domain::Role::Subscriber).await;
        app.house_with_account(&t, A1.0, A1.1).await;
        set_reminders(&app, &t, json!({"paperless": [{"account_number": A1.0, "enabled": true}]})).await;
        // Another user of the same account asked for the invoice reminder only.
        let family = app.staff("family@example.ru", lk_domain::Role::Subscriber).await;
        app.house_with_account(&family, A1.0, A1.1).await;
        set_reminders(&app, &family, json!({"invoice": true})).await;
        assert_eq!(remind(&app, real_today()).await, 0, "invoices issued before the switch are not mailed");

        // The month close issues this month's invoices today.
        let month = real_today().with_day(1).expect("first");
        lk_server::billing::close_period(app.store.as_ref(), month, real_today(), 90, &mut lk_server::progress::Quiet).await.expect("close");
        let runs = (0..4).map(|_| lk_server::reminders::run_once(&app.state, real_today(), None));
        let queued: usize = futures_util::future::join_all(runs).await.into_iter().map(|r| r.expect("run")).sum();
        assert_eq!(queued, 2, "one mail to each user");
        wait_until("the sink received both", || {
            let inbox = inbox.clone();
            async move { inbox.lock().expect("lock").len() >= 2 }
        })
        .await;
        assert_eq!(remind(&app, real_today()).await, 0);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let got = inbox.lock().expect("lock").clone();
        assert_eq!(got.len(), 2, "mailed once to each");
        let to = |who: &str| got.iter().find(|m| m.rcpt == [who]).unwrap_or_else(|| panic!("a mail to {who}")).data.clone();
        let notice = to("family@example.ru");
        assert!(!notice.to_lowercase().contains("application/pdf"), "the invoice reminder has no attachment: {notice}");
        assert!(body_text(&notice).contains("Счёт и оплата"), "{notice}");
        let data = &to("paperless@example.ru");
        let lower = data.to_lowercase();
        assert!(lower.contains("multipart/mixed") && lower.contains("multipart/alternative"), "{data}");
        assert!(lower.contains("content-type: application/pdf"), "{data}");
        let filename = format!("receipt-{}-{}-{:02}.pdf", A1.0, month.year(), month.month());
        assert!(data.contains(&filename), "{data}");
        assert!(data.contains("List-Unsubscribe: <http://lk.test/api/v1/unsubscribe?token="), "{data}");
        // The attachment is a PDF.
        let pdf_part = &data[lower.find("content-type: application/pdf").expect("pdf part")..];
        let (_, encoded) = pdf_part.split_once("\n\n").expect("part body");
        let encoded: String = encoded.split("\n--").next().unwrap_or_default().split_whitespace().collect();
        use base64::Engine as _;
        let pdf = base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64");
        assert!(pdf.starts_with(b"%PDF"), "a PDF");
        let text = body_text(data);
        assert!(text.contains(A1.0) && text.contains("во вложении"), "{text}");

        // The receipt's one-click unsubscribe returns the account to paper.
        let url = data
            .lines()
            .find_map(|l| l.strip_prefix("List-Unsubscribe: <"))
            .and_then(|l| l.strip_suffix('>'))
            .expect("List-Unsubscribe header");
        let path = url.strip_prefix("http://lk.test").expect("own link");
        let r = reqwest::Client::new().post(app.url(path)).send().await.expect("post");
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.expect("json"), json!({"reminder": null, "account_number": A1.0, "subscribed": false}));
        assert_eq!(app.get_json("/api/v1/me/reminders", &t).await["paperless"][0]["enabled"], false);
    }
}
