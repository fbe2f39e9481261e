//! Mail through a real SMTP conversation (a minimal SMTP sink on loopback).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::*;

#[derive(Default, Debug, Clone)]
struct Received {
    rcpt: Vec<String>,
    data: String,
}

/// Accepts SMTP sessions and records envelopes and data.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let inbox2 = inbox.clone();
    actix_web::rt::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let inbox = inbox2.clone();
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
                        inbox.lock().expect("lock").push(std::mem::take(&mut msg));
                        b"250 queued\r\n"
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
    (port, inbox)
}

/// The decoded text of a single-part message (lettre picks base64 or quoted-printable).
fn body_text(data: &str) -> String {
    use base64::Engine as _;
    let (head, body) = data.split_once("\n\n").expect("headers and body");
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
        body.replace("=\n", "")
    }
}

#[actix_web::test]
async fn with_smtp_configured_mail_goes_to_the_server_and_the_dev_mailbox_is_gone() {
    let (port, inbox) = smtp_sink().await;
    let app = spawn_app_with(lk_server::db::Backend::Sqlite, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))
    })
    .await;
    assert_eq!(app.register("smtp@example.ru").await.status(), 201);
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
    let r = app.get("/api/v1/dev/mailbox", None).await;
    assert_problem(r, 404, "not_found").await;
}
