//! The YooKassa adapter against a local mock of YooKassa's API v3, and the re-check of payments
//! left unsettled: a notification is only a claim, YooKassa's own answer is what counts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");
const SHOP: &str = "123456";
const KEY: &str = "test_secret_key_of_the_shop";

#[derive(Default)]
struct Shop {
    payments: HashMap<String, Value>,
    by_key: HashMap<String, String>,
    /// Every create request: (Idempotence-Key, body).
    created: Vec<(String, Value)>,
    /// Answer 500 to everything (YooKassa down).
    down: bool,
    /// How many times a payment was asked about (`GET /v3/payments/{id}`).
    asked: usize,
}

/// A YooKassa stand-in: `POST /v3/payments` (idempotent by `Idempotence-Key`) and
/// `GET /v3/payments/{id}`, both behind HTTP Basic auth with the shop id and secret key.
#[derive(Clone, Default)]
struct MockYooKassa(Arc<Mutex<Shop>>);

impl MockYooKassa {
    fn shop(&self) -> std::sync::MutexGuard<'_, Shop> {
        self.0.lock().expect("mock state")
    }

    fn set(&self, id: &str, status: &str, amount: Option<&str>) {
        let mut shop = self.shop();
        let p = shop.payments.get_mut(id).expect("known payment");
        p["status"] = json!(status);
        p["paid"] = json!(status == "succeeded");
        if let Some(a) = amount {
            p["amount"]["value"] = json!(a);
        }
    }

    fn notification(&self, id: &str, event: &str) -> Vec<u8> {
        let mut object = self.shop().payments[id].clone();
        object["status"] = json!(event);
        json!({"type": "notification", "event": format!("payment.{event}"), "object": object})
            .to_string()
            .into_bytes()
    }

    async fn start(&self) -> String {
        fn authorized(req: &HttpRequest) -> bool {
            let expected = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{SHOP}:{KEY}"))
            );
            req.headers()
                .get("authorization")
                .is_some_and(|v| v.as_bytes() == expected.as_bytes())
        }
        async fn create(
            mock: web::Data<MockYooKassa>,
            req: HttpRequest,
            body: web::Json<Value>,
        ) -> HttpResponse {
            if !authorized(&req) {
                return HttpResponse::Unauthorized()
                    .json(json!({"type": "error", "code": "invalid_credentials"}));
            }
            let mut shop = mock.shop();
            if shop.down {
                return HttpResponse::InternalServerError().finish();
            }
            let Some(key) = req
                .headers()
                .get("idempotence-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
            else {
                return HttpResponse::BadRequest().json(json!({"type": "error", "code": "invalid_request", "parameter": "Idempotence-Key"}));
            };
            shop.created.push((key.clone(), body.0.clone()));
            if let Some(id) = shop.by_key.get(&key).cloned() {
                return HttpResponse::Ok().json(shop.payments[&id].clone());
            }
            let id = format!("2f{:06}-000f-5000-8000-1d3b2f4e6a7c", shop.payments.len());
            let payment = json!({
                "id": id,
                "status": "pending",
                "paid": false,
                "amount": body["amount"],
                "confirmation": {"type": "redirect", "confirmation_url": format!("https://yoomoney.test/checkout/payments/v2/contract?orderId={id}")},
                "created_at": "2026-11-25T10:00:00.000Z",
                "description": body["description"],
                "metadata": body["metadata"],
                "recipient": {"account_id": SHOP, "gateway_id": "1"},
                "refundable": false,
                "test": true
            });
            shop.payments.insert(id.clone(), payment.clone());
            shop.by_key.insert(key, id);
            HttpResponse::Ok().json(payment)
        }
        async fn get(
            mock: web::Data<MockYooKassa>,
            req: HttpRequest,
            id: web::Path<String>,
        ) -> HttpResponse {
            if !authorized(&req) {
                return HttpResponse::Unauthorized().finish();
            }
            let mut shop = mock.shop();
            shop.asked += 1;
            if shop.down {
                return HttpResponse::InternalServerError().finish();
            }
            match shop.payments.get(id.as_str()) {
                Some(p) => HttpResponse::Ok().json(p),
                None => {
                    HttpResponse::NotFound().json(json!({"type": "error", "code": "not_found"}))
                }
            }
        }
        let data = web::Data::new(self.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v3/payments", web::post().to(create))
                .route("/v3/payments/{id}", web::get().to(get))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("bind mock");
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        format!("http://127.0.0.1:{port}/v3")
    }
}

async fn yookassa_app(backend: lk_server::db::Backend) -> (TestApp, MockYooKassa) {
    let mock = MockYooKassa::default();
    let api_url = mock.start().await;
    let app = spawn_app_with(backend, |c| with_yookassa(c, api_url)).await;
    (app, mock)
}

fn with_yookassa(c: &mut lk_server::config::Config, api_url: String) {
    c.payments.provider = lk_domain::PaymentProvider::Yookassa;
    c.payments.yookassa = lk_server::config::YooKassaConfig {
        shop_id: SHOP.into(),
        secret_key: KEY.into(),
        api_url,
    };
}

/// Starts a payment; answers our id and YooKassa's.
async fn pay(app: &TestApp, mock: &MockYooKassa, t: &str, amount: &str) -> (String, String) {
    let p = app.start_payment(t, A1.0, amount).await;
    let id = p["payment_id"].as_str().expect("id").to_owned();
    let url = p["confirmation_url"].as_str().expect("url");
    assert!(url.starts_with("https://yoomoney.test/checkout/"), "{url}");
    let yk = url.rsplit("orderId=").next().expect("order id").to_owned();
    assert!(mock.shop().payments.contains_key(&yk));
    (id, yk)
}

async fn notify(app: &TestApp, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/payments/webhooks/yookassa"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("send")
}

async fn result(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.expect("json")["result"]
        .as_str()
        .expect("result")
        .to_owned()
}

each_backend! {
    async fn two_nodes_rechecking_at_once_ask_yookassa_about_each_payment_once(backend: Backend) {
        let (app, mock) = yookassa_app(backend).await;
        let api_url = app.state.config.payments.yookassa.api_url.clone();
        let node2 = app.second_node(|c| with_yookassa(c, api_url)).await;
        app.seed_registry().await;
        let t = app.subscriber("twice@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        for _ in 0..30 {
            pay(&app, &mock, &t, "10.00").await;
        }
        mock.shop().asked = 0;
        // Both nodes' jobs wake up at the same moment, as they do every minute.
        let at = chrono::Utc::now() + chrono::Duration::minutes(3);
        let every = chrono::Duration::minutes(1);
        let (a, b) = futures_util::future::join(
            lk_server::payments::recheck_unsettled(&app.state, at, every),
            lk_server::payments::recheck_unsettled(&node2.state, at, every),
        )
        .await;
        assert_eq!((a, b), (0, 0), "nothing changed at YooKassa");
        assert_eq!(mock.shop().asked, 30, "each unsettled payment asked about once, not once per node");
    }

    async fn a_yookassa_payment_is_credited_once_and_only_when_yookassa_itself_says_so(backend: Backend) {
        let (app, mock) = yookassa_app(backend).await;
        app.seed_registry().await;
        let t = app.subscriber("yk@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        // The payment notice is a reminder the subscriber switches on (X4).
        assert_eq!(app.put("/api/v1/me/reminders", &json!({"payment": true}), &t).await.status(), 200);
        let before = app.balance(&t, A1.0).await;
        let (id, yk) = pay(&app, &mock, &t, "500.00").await;
        {
            let shop = mock.shop();
            let (key, body) = &shop.created[0];
            assert_eq!(key, &id, "the payment id is the idempotence key");
            assert_eq!(body["amount"], json!({"value": "500.00", "currency": "RUB"}));
            assert_eq!(body["capture"], true);
            assert_eq!(body["confirmation"]["type"], "redirect");
            assert_eq!(body["confirmation"]["return_url"], format!("http://lk.test/payments/{id}"));
        }

        // A forged «succeeded» while YooKassa says pending changes nothing.
        assert_eq!(result(notify(&app, mock.notification(&yk, "succeeded")).await).await, "ignored");
        assert_eq!(app.balance(&t, A1.0).await, before);
        assert_eq!(app.get_json(&format!("/api/v1/payments/{id}"), &t).await["status"], "pending");

        // Paid at YooKassa: the notification is confirmed and credited once, however often it comes.
        mock.set(&yk, "succeeded", None);
        assert_eq!(result(notify(&app, mock.notification(&yk, "succeeded")).await).await, "applied");
        let replays = futures_util::future::join_all((0..30).map(|_| notify(&app, mock.notification(&yk, "succeeded")))).await;
        for r in replays {
            assert_eq!(result(r).await, "ignored");
        }
        // A late «canceled» claim: YooKassa still says succeeded.
        assert_eq!(result(notify(&app, mock.notification(&yk, "canceled")).await).await, "ignored");
        assert_eq!(app.balance(&t, A1.0).await - before, Decimal::new(50_000, 2));
        assert_eq!(app.mails_to("yk@example.ru").await[0]["subject"], "Платёж зачислен");

        // Unknown payments and garbage are answered without troubling YooKassa.
        let unknown = json!({"type": "notification", "event": "payment.succeeded", "object": {"id": "2f999999-000f-5000-8000-1d3b2f4e6a7c", "status": "succeeded", "amount": {"value": "1.00", "currency": "RUB"}}});
        assert_eq!(result(notify(&app, unknown.to_string().into_bytes()).await).await, "ignored");
        let bad_id = json!({"type": "notification", "event": "payment.succeeded", "object": {"id": "../../refunds", "status": "succeeded", "amount": {"value": "1.00", "currency": "RUB"}}});
        assert_problem(notify(&app, bad_id.to_string().into_bytes()).await, 400, "malformed_notification").await;
        assert_problem(notify(&app, b"{}".to_vec()).await, 400, "malformed_notification").await;
        // The sandbox is off with a real acquirer.
        assert_problem(app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await, 404, "not_found").await;
    }

    async fn a_payment_yookassa_holds_for_another_amount_is_never_credited(backend: Backend) {
        let (app, mock) = yookassa_app(backend).await;
        app.seed_registry().await;
        let t = app.subscriber("amount@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let before = app.balance(&t, A1.0).await;
        let (id, yk) = pay(&app, &mock, &t, "500.00").await;
        mock.set(&yk, "succeeded", Some("5.00"));
        assert_eq!(result(notify(&app, mock.notification(&yk, "succeeded")).await).await, "ignored");
        assert_eq!(app.balance(&t, A1.0).await, before);
        assert_ne!(app.get_json(&format!("/api/v1/payments/{id}"), &t).await["status"], "succeeded");
    }

    async fn lost_or_unconfirmable_notifications_are_made_good_by_the_recheck(backend: Backend) {
        let (app, mock) = yookassa_app(backend).await;
        app.seed_registry().await;
        let t = app.subscriber("recheck@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let before = app.balance(&t, A1.0).await;
        let (paid, paid_yk) = pay(&app, &mock, &t, "300.00").await;
        let (left, left_yk) = pay(&app, &mock, &t, "100.00").await;

        // YooKassa is down when its notification comes: 503, so that it delivers again.
        mock.set(&paid_yk, "succeeded", None);
        mock.shop().down = true;
        let r = notify(&app, mock.notification(&paid_yk, "succeeded")).await;
        assert_problem(r, 503, "service_unavailable").await;
        assert_eq!(recheck_due(&app).await, 0);
        assert_eq!(app.balance(&t, A1.0).await, before);

        // Back up; the notification never comes again, the re-check finds both outcomes.
        mock.shop().down = false;
        mock.set(&left_yk, "canceled", None);
        assert_eq!(recheck_due(&app).await, 2);
        assert_eq!(recheck_due(&app).await, 0);
        assert_eq!(app.balance(&t, A1.0).await - before, Decimal::new(30_000, 2), "credited once");
        assert_eq!(app.get_json(&format!("/api/v1/payments/{paid}"), &t).await["status"], "succeeded");
        assert_eq!(app.get_json(&format!("/api/v1/payments/{left}"), &t).await["status"], "canceled");
    }

    async fn the_return_page_asks_yookassa_when_the_notification_is_late(backend: Backend) {
        let (app, mock) = yookassa_app(backend).await;
        app.seed_registry().await;
        let t = app.subscriber("back@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let before = app.balance(&t, A1.0).await;
        let (id, yk) = pay(&app, &mock, &t, "250.50").await;
        mock.set(&yk, "succeeded", None);
        let p = app.get_json(&format!("/api/v1/payments/{id}"), &t).await;
        assert_eq!(p["status"], "succeeded");
        assert_eq!(decimal(&p["balance"]) - before, Decimal::new(25_050, 2));
        // The notification arriving afterwards changes nothing.
        assert_eq!(result(notify(&app, mock.notification(&yk, "succeeded")).await).await, "ignored");
        assert_eq!(app.balance(&t, A1.0).await - before, Decimal::new(25_050, 2));
    }

    async fn an_abandoned_sandbox_payment_is_canceled_by_the_recheck(backend: Backend) {
        let app = spawn_app_with(backend, |c| c.payments.expiry_minutes = 0).await;
        app.seed_registry().await;
        let t = app.subscriber("gone@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let before = app.balance(&t, A1.0).await;
        let id = app.start_payment(&t, A1.0, "100").await["payment_id"].as_str().expect("id").to_owned();
        assert_eq!(recheck_due(&app).await, 1);
        assert_eq!(app.get_json(&format!("/api/v1/payments/{id}"), &t).await["status"], "canceled");
        // Paying on the card page afterwards is too late.
        let r = app.post(&format!("/api/v1/sandbox/payments/{id}/complete"), &json!({"outcome": "succeeded"})).await;
        assert_eq!(r.status(), 200);
        assert_eq!(app.balance(&t, A1.0).await, before);
    }
}

/// Runs the payment re-check as it runs once the payments are due; each call is a later
/// round, ten minutes after the one before.
async fn recheck_due(app: &TestApp) -> usize {
    use std::sync::atomic::{AtomicI64, Ordering};
    static ROUND: AtomicI64 = AtomicI64::new(0);
    let round = ROUND.fetch_add(1, Ordering::SeqCst);
    lk_server::payments::recheck_unsettled(
        &app.state,
        chrono::Utc::now() + chrono::Duration::minutes(3 + 10 * round),
        chrono::Duration::minutes(1),
    )
    .await
}
