//! Receipts read back the way a person and a bank read them: the text layer through poppler's
//! `pdftotext`, the QR code through a 300 dpi rendering (`pdftoppm`) decoded by zbar's `zbarimg`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use lk_server::config::PayeeConfig;
use rust_decimal::Decimal;

use crate::helpers::*;

const A1: (&str, &str) = ("680000000001", "01234567");

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} is needed by the receipt tests (Debian: poppler-utils, zbar-tools; `cargo xtask test` installs them): {e}")
    });
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The PDF's text and the payload of its QR code.
fn read_back(pdf: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("receipt.pdf");
    std::fs::write(&file, pdf).expect("write");
    let p = |f: &Path| f.to_str().expect("path").to_owned();
    let text = run("pdftotext", &["-layout", &p(&file), "-"]);
    let png = dir.path().join("page");
    run(
        "pdftoppm",
        &[
            "-r",
            "300",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            &p(&file),
            &p(&png),
        ],
    );
    let qr = run(
        "zbarimg",
        &["-q", "--raw", &p(&dir.path().join("page-1.png"))],
    );
    (text, qr.trim_end_matches('\n').to_owned())
}

/// `ST00012|Key=Value|…` as a map, checking the header.
fn fields(payload: &str) -> HashMap<String, String> {
    let mut parts = payload.split('|');
    assert_eq!(parts.next(), Some("ST00012"), "{payload}");
    parts
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("{kv} in {payload}"));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

async fn pdf(app: &TestApp, path: &str, token: Option<&str>) -> Vec<u8> {
    let r = app.get(path, token).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .starts_with("attachment; filename=\"receipt-"));
    r.bytes().await.expect("body").to_vec()
}

fn assert_payee(f: &HashMap<String, String>) {
    let payee = PayeeConfig::default();
    assert_eq!(f["Name"], payee.name);
    assert_eq!(f["PersonalAcc"], payee.account);
    assert_eq!(f["BankName"], payee.bank_name);
    assert_eq!(f["BIC"], payee.bic);
    assert_eq!(f["CorrespAcc"], payee.corr_account);
    assert_eq!(f["PayeeINN"], payee.inn);
    assert_eq!(f["KPP"], payee.kpp);
    assert_eq!(f["TechCode"], "02");
}

backend_tests! {
    async fn the_receipt_shows_the_account_and_amount_and_its_qr_code_pays_exactly_that(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("receipt@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let account = app.get_json(&format!("/api/v1/accounts/{}", A1.0), &t).await;
        let bytes = pdf(&app, &format!("/api/v1/accounts/{}/receipt.pdf?amount=500.00", A1.0), Some(&t)).await;
        let (text, qr) = read_back(&bytes);
        assert!(text.contains(A1.0), "{text}");
        assert!(text.contains("500,00"), "{text}");
        assert!(text.contains("500 руб. 00 коп."), "{text}");
        assert!(text.contains(account["holder_name"].as_str().expect("holder")), "{text}");
        assert!(text.contains(A1.1), "the meter is listed: {text}");
        assert!(text.contains("ИЗВЕЩЕНИЕ") && text.contains("КВИТАНЦИЯ"), "{text}");

        let f = fields(&qr);
        assert_payee(&f);
        assert_eq!(f["PersAcc"], A1.0);
        assert_eq!(f["Sum"], "50000", "the sum is in kopecks");
        assert!(f["Purpose"].contains(A1.0), "{qr}");
        let period = &f["PaymPeriod"];
        assert!(period.len() == 6 && period.chars().all(|c| c.is_ascii_digit()), "{qr}");
    }

    async fn without_an_amount_the_receipt_asks_for_the_debt(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("debt@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        let account = app.get_json(&format!("/api/v1/accounts/{}", A1.0), &t).await;
        let due: Decimal = account["amount_due"].as_str().expect("amount_due").parse().expect("decimal");
        assert!(due > Decimal::ZERO, "the demo account is in debt");
        let (text, qr) = read_back(&pdf(&app, &format!("/api/v1/accounts/{}/receipt.pdf", A1.0), Some(&t)).await);
        let kopecks = (due * Decimal::from(100)).normalize().to_string();
        assert_eq!(fields(&qr)["Sum"], kopecks);
        assert!(text.contains("Задолженность"), "{text}");

        // After a reading the receipt asks for what the reading wizard said: the debt and the
        // charge of the reading, which no invoice bills yet.
        let meters = app.get_json(&format!("/api/v1/accounts/{}/meters", A1.0), &t).await;
        let (meter, last) = (&meters[0]["id"], meters[0]["last_reading"]["values"][0]["value"].as_i64().expect("value"));
        let r = app.post_as(&app.client, &format!("/api/v1/accounts/{}/meters/{meter}/readings", A1.0), &serde_json::json!({"values": [{"zone": "single", "value": last + 120}]}), Some(&t)).await;
        assert_eq!(r.status(), 201);
        let after: Decimal = r.json::<serde_json::Value>().await.expect("json")["amount_due"].as_str().expect("amount_due").parse().expect("decimal");
        assert!(after > due);
        let (_, qr) = read_back(&pdf(&app, &format!("/api/v1/accounts/{}/receipt.pdf", A1.0), Some(&t)).await);
        assert_eq!(fields(&qr)["Sum"], (after * Decimal::from(100)).normalize().to_string());
    }

    async fn bad_amounts_strangers_and_anonymous_users_get_no_receipt(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("careful@example.ru").await;
        app.house_with_account(&t, A1.0, A1.1).await;
        for amount in ["0", "-5", "1.005", "abc", "150000.01"] {
            let r = app.get(&format!("/api/v1/accounts/{}/receipt.pdf?amount={amount}", A1.0), Some(&t)).await;
            let p = assert_problem(r, 422, "validation_failed").await;
            assert_eq!(problem_fields(&p), ["amount"], "{amount}");
        }
        let stranger = app.subscriber("stranger@example.ru").await;
        let r = app.get(&format!("/api/v1/accounts/{}/receipt.pdf", A1.0), Some(&stranger)).await;
        assert_problem(r, 404, "not_found").await;
        let r = app.get(&format!("/api/v1/accounts/{}/receipt.pdf", A1.0), None).await;
        assert_eq!(r.status(), 401);
    }

    async fn the_blank_form_is_public_and_its_code_names_only_the_payee(app: TestApp) {
        let (text, qr) = read_back(&pdf(&app, "/api/v1/receipts/blank.pdf", None).await);
        assert!(text.contains("ИЗВЕЩЕНИЕ") && text.contains("Лицевой счёт"), "{text}");
        assert!(text.contains(&PayeeConfig::default().inn), "{text}");
        let f = fields(&qr);
        assert_payee(&f);
        assert!(!f.contains_key("Sum") && !f.contains_key("PersAcc"), "{qr}");
    }
}

#[actix_web::test]
async fn a_server_with_wrong_bank_details_refuses_to_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = test_config(dir.path());
    config.database_url = format!("sqlite://{}", dir.path().join("lk.sqlite3").display());
    config.payee.bic = "12345".into();
    let e = lk_server::startup::Application::build(config)
        .await
        .err()
        .expect("refused");
    assert!(format!("{e:#}").contains("BIC"), "{e:#}");
}
