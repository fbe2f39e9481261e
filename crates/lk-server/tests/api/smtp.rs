//! Mail through a real SMTP conversation (a minimal SMTP sink on loopback).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::*;

#[derive(Default, Debug, Clone)]
pub(crate) struct Received {
    pub rcpt: Vec<String>,
    pub data: String,
}

/// Accepts SMTP sessions and records envelopes and data.
pub(crate) async fn smtp_sink() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (port, smtp_sink_on(listener))
}

pub(crate) fn smtp_sink_on(listener: TcpListener) -> Arc<Mutex<Vec<Received>>> {
    smtp_sink_refusing(listener, 0)
}

/// A flaky server: the first `refuse` messages are answered «451 try again later» after their
/// data (not kept), the rest are accepted and recorded.
pub(crate) fn smtp_sink_refusing(
    listener: TcpListener,
    refuse: usize,
) -> Arc<Mutex<Vec<Received>>> {
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let inbox2 = inbox.clone();
    let refused = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    actix_web::rt::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let inbox = inbox2.clone();
            let refused = refused.clone();
            actix_web::rt::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                let mut msg = Received::default();
                w.write_all(b"220 sink ESMTP\r\n").await.ok();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        msg.rcpt
                            .push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 ok\r\n"
                    } else if upper.starts_with("DATA") {
                        w.write_all(b"354 go on\r\n").await.ok();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            msg.data.push_str(&l);
                            msg.data.push('\n');
                        }
                        let received = std::mem::take(&mut msg);
                        if refused.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < refuse {
                            b"451 4.3.0 try again later\r\n"
                        } else {
                            inbox.lock().expect("lock").push(received);
                            b"250 queued\r\n"
                        }
                    } else if upper.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.ok();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.ok();
                }
            });
        }
    });
    inbox
}

/// The decoded text of the `text/plain` part of a message (lettre picks base64 or
/// quoted-printable).
pub(crate) fn body_text(data: &str) -> String {
    use base64::Engine as _;
    let lower = data.to_lowercase();
    let start = lower
        .find("content-type: text/plain")
        .expect("a text/plain part");
    let part = &data[start..];
    let (head, body) = part.split_once("\n\n").expect("headers and body");
    let body = body.split("\n--").next().unwrap_or_default();
    if head
        .to_lowercase()
        .contains("content-transfer-encoding: base64")
    {
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .expect("base64");
        String::from_utf8(bytes).expect("utf-8")
    } else {
        let soft = body.replace("=\n", "");
        let mut out = Vec::new();
        let b = soft.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' && i + 2 < b.len() {
                if let Ok(v) = u8::from_str_radix(&soft[i + 1..i + 3], 16) {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        String::from_utf8(out).expect("utf-8")
    }
}

/// The `Message-ID` header of a message.
pub(crate) fn message_id(data: &str) -> String {
    data.lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("message-id"))
                .map(|(_, v)| v.trim().to_owned())
        })
        .expect("Message-ID")
}

#[actix_web::test]
async fn with_smtp_configured_mail_goes_to_the_server_and_the_dev_mailbox_is_gone() {
    let (port, inbox) = smtp_sink().await;
    let app = spawn_app_with(lk_server::db::Backend::Sqlite, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))
    })
    .await;
    assert_eq!(app.register("smtp@example.ru").await.status(), 201);
    wait_until("the sink received the mail", || {
        let inbox = inbox.clone();
        async move { !inbox.lock().expect("lock").is_empty() }
    })
    .await;
    let got = inbox.lock().expect("lock").clone();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].rcpt, ["smtp@example.ru"]);
    assert!(
        got[0].data.contains("To: smtp@example.ru"),
        "{}",
        got[0].data
    );
    let body = body_text(&got[0].data);
    assert!(
        body.contains("Вы зарегистрировались в личном кабинете абонента"),
        "{body}"
    );
    assert!(
        body.contains("http://lk.test/confirm-email#token="),
        "{body}"
    );
    assert!(
        got[0].data.to_lowercase().contains("charset=utf-8"),
        "{}",
        got[0].data
    );
    let data = &got[0].data;
    assert!(
        data.to_lowercase().contains("multipart/alternative"),
        "{data}"
    );
    assert!(
        data.to_lowercase().contains("content-type: text/html"),
        "{data}"
    );
    assert!(message_id(data).ends_with("@lk.example>"), "{data}");
    let r = app.get("/api/v1/dev/mailbox", None).await;
    assert_problem(r, 404, "not_found").await;
    // Sent, the message's link does not wait in the database.
    wait_until("the message is marked sent", || async {
        app.store.count_mails("sent").await.expect("count") == 1
    })
    .await;
    let kept = app.store.dev_mails(None, 10).await.expect("outbox");
    assert!(kept[0].body.is_empty(), "{:?}", kept[0].body);
}

each_backend! {
    async fn mail_to_a_refusing_smtp_server_is_kept_and_delivered_once_it_is_back(backend: Backend) {
        // A port where nothing listens yet.
        let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = reserved.local_addr().expect("addr").port();
        drop(reserved);
        let app = spawn_app_with(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
        assert_eq!(app.register("later@example.ru").await.status(), 201);
        wait_until("the first attempt failed", || async {
            let m = app.get("/metrics", None).await.text().await.expect("metrics");
            m.contains(r#"lk_mails_total{outcome="retried"} 1"#)
        })
        .await;
        assert_eq!(app.store.count_mails("queued").await.expect("count"), 1, "kept, not lost");

        // The server comes back; the retry (due after the backoff) delivers it.
        let inbox = smtp_sink_on(TcpListener::bind(("127.0.0.1", port)).await.expect("rebind"));
        let config = app.state.config.as_ref().clone();
        let transport = lk_server::mail::Transport::from_config(&config).expect("transport");
        let later = chrono::Utc::now() + chrono::Duration::minutes(1);
        let n = lk_server::mail::deliver_due(app.store.as_ref(), &transport, &app.state.metrics, later).await.expect("deliver");
        assert_eq!(n, 1);
        assert_eq!(app.store.count_mails("sent").await.expect("count"), 1);
        let got = inbox.lock().expect("lock").clone();
        assert_eq!(got.len(), 1);
        assert!(body_text(&got[0].data).contains("/confirm-email#token="));
    }

    async fn mail_a_server_keeps_refusing_is_retried_with_backoff_then_marked_failed_not_dropped(backend: Backend) {
        let reserved = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = reserved.local_addr().expect("addr").port();
        drop(reserved);
        let app = spawn_app_with(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
        assert_eq!(app.register("never@example.ru").await.status(), 201);
        wait_until("the first attempt failed", || async {
            let m = app.get("/metrics", None).await.text().await.expect("metrics");
            m.contains(r#"lk_mails_total{outcome="retried"} 1"#)
        })
        .await;
        // Not due again before its backoff.
        let config = app.state.config.as_ref().clone();
        let transport = lk_server::mail::Transport::from_config(&config).expect("transport");
        let deliver = |at: chrono::DateTime<chrono::Utc>| lk_server::mail::deliver_due(app.store.as_ref(), &transport, &app.state.metrics, at);
        assert_eq!(deliver(chrono::Utc::now()).await.expect("deliver"), 0, "waits for its backoff");
        // Each later attempt fails too, until the sender gives up: the message stays, marked
        // failed (for an operator to see), and is never sent again.
        let mut attempts = 1;
        for hour in 1..=30 {
            let at = chrono::Utc::now() + chrono::Duration::hours(2 * hour);
            if deliver(at).await.expect("deliver") == 0 {
                break;
            }
            attempts += 1;
        }
        assert_eq!(attempts, 12, "twelve attempts in all");
        assert_eq!(app.store.count_mails("failed").await.expect("count"), 1);
        assert_eq!(app.store.count_mails("queued").await.expect("count"), 0);
        assert_eq!(deliver(chrono::Utc::now() + chrono::Duration::days(30)).await.expect("deliver"), 0);
        let m = app.get("/metrics", None).await.text().await.expect("metrics");
        assert!(m.contains(r#"lk_mails_total{outcome="failed"} 1"#), "{m}");
    }

    async fn an_smtp_server_that_never_answers_does_not_hold_up_the_request(backend: Backend) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Accepts connections and says nothing, ever.
        actix_web::rt::spawn(async move {
            let mut held = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                held.push(sock);
            }
        });
        let app = spawn_app_with(backend, |c| c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().expect("client");
        let r = client
            .post(app.url("/api/v1/auth/register"))
            .json(&serde_json::json!({"email": "hung@example.ru", "password": PASSWORD, "personal_data_consent": true}))
            .send()
            .await
            .expect("the registration is answered while the mail server hangs");
        assert_eq!(r.status(), 201);
        assert_eq!(app.store.count_mails("queued").await.expect("count"), 1);
    }

    async fn two_nodes_send_each_queued_message_exactly_once(backend: Backend) {
        let (port, inbox) = smtp_sink().await;
        let smtp = format!("smtp://127.0.0.1:{port}");
        let smtp2 = smtp.clone();
        let app = spawn_app_with(backend, |c| c.smtp_url = Some(smtp)).await;
        let node2 = app.second_node(|c| c.smtp_url = Some(smtp2)).await;
        let queued = (0..40).map(|i| {
            let node = if i % 2 == 0 { &app } else { &node2 };
            async move {
                node.state
                    .mail
                    .enqueue(lk_server::mail::Mail {
                        to: format!("user{i}@example.ru"),
                        subject: format!("Письмо {i}"),
                        body: "Текст".into(),
                        language: lk_domain::Language::Ru,
                    })
                    .await
                    .expect("enqueue")
            }
        });
        futures_util::future::join_all(queued).await;
        wait_until("all 40 were delivered", || async {
            app.store.count_mails("sent").await.expect("count") == 40
        })
        .await;
        // Give a duplicate time to show up, if there were one.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let got = inbox.lock().expect("lock").clone();
        let mut ids: Vec<String> = got.iter().map(|m| message_id(&m.data)).collect();
        ids.sort();
        ids.dedup();
        assert_eq!((got.len(), ids.len()), (40, 40), "each message left once");
    }
}
