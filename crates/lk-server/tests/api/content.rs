//! The company's content (SPEC B3, F2.3, F2.7, F12–F14): seeded for the reference company,
//! edited by admins, served alike by every node; uploads judged by their bytes; settings.

use lk_domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

async fn upload(app: &TestApp, slot: &str, bytes: Vec<u8>, token: &str) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/operator/files/{slot}")))
        .bearer_auth(token)
        // The client's claim is not believed either way.
        .header("content-type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .expect("request")
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend_from_slice(&[0; 64]);
    b
}

backend_tests! {
    async fn the_reference_content_is_seeded_and_notes_stay_with_admins(app: TestApp) {
        let report = lk_server::seed_content::seed_content(app.store.as_ref(), &app.state.config.company).await.expect("seed");
        assert!(report.contains("7 section(s)") && report.contains("demo price list stored"), "{report}");
        let again = lk_server::seed_content::seed_content(app.store.as_ref(), &app.state.config.company).await.expect("seed");
        assert!(again.contains("0 section(s)") && again.contains("0 branch") && !again.contains("price list"), "{again}");

        // The configured company's contacts stay: seeding writes no placeholders over them.
        let b: Value = app.get("/api/v1/branding", None).await.json().await.expect("json");
        assert_eq!(b["support_email"], app.state.config.company.support_email.as_str());
        assert_eq!(b["company_name"], app.state.config.company.name.as_str());
        let content: Value = app.get("/api/v1/content", None).await.json().await.expect("json");
        assert!(content["faq"].as_array().expect("faq").len() >= 8);
        assert!(content["payment_methods"].as_array().expect("methods").len() >= 4);
        assert!(content["help_tips"].as_array().expect("tips").len() >= 3);
        assert!(content["about"]["text"].as_str().expect("about").contains("Тамбовской области"));
        let branches = content["branches"].as_array().expect("branches");
        assert!(branches.iter().any(|b| b["name"] == "Мичуринское отделение"));
        assert!(branches.iter().all(|b| b.get("note").is_none()), "subscribers never see notes");
        assert!(!content.to_string().contains("Демонстрационные"), "nor anything of them");
        // The parts integrators use, one by one.
        let faq: Value = app.get("/api/v1/content/faq", None).await.json().await.expect("json");
        assert_eq!(faq, content["faq"]);
        let services: Value = app.get("/api/v1/services", None).await.json().await.expect("json");
        assert_eq!(services, content["services"]);
        let listed: Value = app.get("/api/v1/branches", None).await.json().await.expect("json");
        assert_eq!(&listed, &content["branches"]);
        // The demo price list is a real PDF naming every service.
        let r = app.get(content["price_list"]["url"].as_str().expect("price list"), None).await;
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.expect("body");
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("price.pdf");
        std::fs::write(&path, &pdf).expect("write");
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Прейскурант услуг") && text.contains("Опломбирование прибора учёта") && text.contains("650,00"), "{text}");

        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let staff = app.get_json("/api/v1/operator/content", &admin).await;
        let noted: Vec<&str> = staff["notes"].as_array().expect("notes").iter().map(|n| n["section"].as_str().expect("section")).collect();
        assert!(noted.contains(&"about") && noted.contains(&"branding"), "{noted:?}");
        assert!(staff["content"]["branches"].as_array().expect("branches").iter().all(|b| b["note"].is_string()));
        // An admin's save is a verification: the note goes.
        let r = app.put("/api/v1/operator/content/about", &json!({"text": "Проверенный текст.\n\nВторой абзац."}), &admin).await;
        assert_eq!(r.status(), 200);
        let staff = app.get_json("/api/v1/operator/content", &admin).await;
        assert!(staff["notes"].as_array().expect("notes").iter().all(|n| n["section"] != "about"));
        let about: Value = app.get("/api/v1/content/about", None).await.json().await.expect("json");
        assert_eq!(about["text"], "Проверенный текст.\n\nВторой абзац.");
    }

    async fn an_admins_edit_is_served_by_every_node_and_bad_content_is_refused_by_field(app: TestApp) {
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let second = app.second_node(|_| {}).await;
        let faq = json!({"items": [
            {"question": "Как передать показания?", "answer": "С 15 по 25 число."},
            {"question": "  Где квитанция?  ", "answer": "На вкладке «Электроэнергия»."},
        ]});
        let r = app.put("/api/v1/operator/content/faq", &faq, &admin).await;
        assert_eq!(r.status(), 200);
        let saved: Value = r.json().await.expect("json");
        assert_eq!(saved["items"][1]["question"], "Где квитанция?", "trimmed");
        let served: Value = second.get("/api/v1/content/faq", None).await.json().await.expect("json");
        assert_eq!(served, saved["items"]);

        let r = app.put("/api/v1/operator/content/faq", &json!({"items": [{"question": "", "answer": "x"}, {"question": "q", "answer": "я".repeat(4001)}]}), &admin).await;
        let mut fields = problem_fields(&assert_problem(r, 422, "validation_failed").await);
        fields.sort();
        assert_eq!(fields, ["items[0].question", "items[1].answer"]);
        let r = app.put("/api/v1/operator/content/services", &json!({"items": [
            {"code": "a b", "name": "x", "price": "-1"},
            {"code": "ok", "name": "y", "price": "10.005"},
            {"code": "OK", "name": "z"},
        ]}), &admin).await;
        let mut fields = problem_fields(&assert_problem(r, 422, "validation_failed").await);
        fields.sort();
        assert_eq!(fields, ["items[0].code", "items[0].price", "items[1].price", "items[2].code"]);
        let r = app.put("/api/v1/operator/content/links", &json!({"site_url": "javascript:alert(1)", "contract_url": "", "tariffs_url": "ftp://x", "shop_url": ""}), &admin).await;
        let mut fields = problem_fields(&assert_problem(r, 422, "validation_failed").await);
        fields.sort();
        assert_eq!(fields, ["site_url", "tariffs_url"]);
        let too_many: Vec<Value> = (0..101).map(|i| json!({"text": format!("Подсказка {i}")})).collect();
        let r = app.put("/api/v1/operator/content/help-tips", &json!({"items": too_many}), &admin).await;
        assert_eq!(problem_fields(&assert_problem(r, 422, "validation_failed").await), ["items"]);
        // Nothing of the refused edits was stored.
        let served: Value = app.get("/api/v1/content/faq", None).await.json().await.expect("json");
        assert_eq!(served, saved["items"]);

        // Branding and links reach the SPA's first request.
        let r = app.put("/api/v1/operator/content/branding", &json!({"company_name": "ПАО «Пример»", "company_short_name": "ПР", "support_email": "help@example.ru", "support_phone": "8 800 100-00-00"}), &admin).await;
        assert_eq!(r.status(), 200);
        let r = app.put("/api/v1/operator/content/links", &json!({"site_url": "https://example.ru/", "contract_url": "https://example.ru/contract", "tariffs_url": "https://example.ru/tariffs", "shop_url": "https://shop.example.ru/"}), &admin).await;
        assert_eq!(r.status(), 200);
        let b: Value = second.get("/api/v1/branding", None).await.json().await.expect("json");
        assert_eq!(b["company_short_name"], "ПР");
        assert_eq!(b["support_email"], "help@example.ru");
        assert_eq!(b["shop_url"], "https://shop.example.ru/");
        assert_eq!(b["contract_url"], "https://example.ru/contract");
        assert_eq!(b["logo_url"], Value::Null);
    }

    async fn uploads_are_judged_by_their_bytes_and_served_with_their_type(app: TestApp) {
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let operator = app.staff("op@lk.example", Role::Operator).await;
        assert_problem(app.get("/api/v1/services/price-list", None).await, 404, "not_found").await;

        let pdf = b"%PDF-1.4\n% price list\n".to_vec();
        let r = upload(&app, "price-list", pdf.clone(), &admin).await;
        assert_eq!(r.status(), 200);
        let info: Value = r.json().await.expect("json");
        assert_eq!(info["content_type"], "application/pdf");
        assert_eq!(info["size"], pdf.len());
        let url = info["url"].as_str().expect("url");
        assert!(url.starts_with("/api/v1/services/price-list?v="));
        let r = app.get(url, None).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        let disposition = r.headers()["content-disposition"].to_str().expect("ascii").to_owned();
        assert!(disposition.starts_with("attachment") && disposition.contains("preyskurant.pdf"), "{disposition}");
        assert_eq!(r.bytes().await.expect("body").to_vec(), pdf);
        let content: Value = app.get("/api/v1/content", None).await.json().await.expect("json");
        assert_eq!(content["price_list"]["url"], url);

        // An HTML page named .pdf, a Word document posing as a workbook, a PNG as a price list.
        for bad in [b"<html><script>alert(1)</script></html>".to_vec(), b"PK\x03\x04[Content_Types].xml word/document.xml".to_vec(), png()] {
            let p = assert_problem(upload(&app, "price-list", bad, &admin).await, 415, "unsupported_file").await;
            assert!(p["detail"].as_str().expect("detail").contains("PDF или XLSX"));
        }
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(5 * 1024 * 1024 + 1, b' ');
        assert_problem(upload(&app, "price-list", big, &admin).await, 413, "payload_too_large").await;
        // The stored file is still the first one.
        assert_eq!(app.get("/api/v1/services/price-list", None).await.bytes().await.expect("body").to_vec(), pdf);

        let mut huge_logo = png();
        huge_logo.resize(512 * 1024 + 1, 0);
        assert_problem(upload(&app, "logo", huge_logo, &admin).await, 413, "payload_too_large").await;
        assert_problem(upload(&app, "logo", b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(), &admin).await, 415, "unsupported_file").await;
        let r = upload(&app, "logo", png(), &admin).await;
        assert_eq!(r.status(), 200);
        let b: Value = app.get("/api/v1/branding", None).await.json().await.expect("json");
        let logo = b["logo_url"].as_str().expect("logo url");
        let r = app.get(logo, None).await;
        assert_eq!(r.headers()["content-type"], "image/png");
        assert!(r.headers()["content-disposition"].to_str().expect("ascii").starts_with("inline"));

        // A workbook replaces the PDF and is served as one.
        let xlsx = b"PK\x03\x04\x14\x00[Content_Types].xml _rels/.rels xl/workbook.xml".to_vec();
        let r = upload(&app, "price-list", xlsx.clone(), &admin).await;
        assert_eq!(r.status(), 200);
        let sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        let info: Value = r.json().await.expect("json");
        assert_eq!(info["content_type"], sheet);
        let r = app.get(info["url"].as_str().expect("url"), None).await;
        assert_eq!(r.headers()["content-type"], sheet);
        assert!(r.headers()["content-disposition"].to_str().expect("ascii").contains("preyskurant.xlsx"));
        assert_eq!(r.bytes().await.expect("body").to_vec(), xlsx);

        // Only admins upload; a slot is one of the two.
        assert_problem(upload(&app, "price-list", b"%PDF-1.4".to_vec(), &operator).await, 403, "forbidden").await;
        assert_problem(upload(&app, "../../etc/passwd", b"%PDF-1.4".to_vec(), &admin).await, 404, "not_found").await;
    }

    async fn branches_are_edited_and_one_with_accounts_is_kept(app: TestApp) {
        app.seed_registry().await;
        let admin = app.staff("admin@lk.example", Role::Admin).await;
        let t = app.subscriber("owner@example.ru").await;
        app.house_with_account(&t, "680000000001", "01234567").await;
        let branch = json!({"code": "tambov", "name": "Тамбовское отделение", "address": "392000, г. Тамбов, ул. Новая, 1", "phone": "+7 (4752) 11-22-33", "email": "tambov@example.ru", "hours": "пн–пт 8:00–17:00"});
        assert_eq!(app.put("/api/v1/operator/branches", &branch, &admin).await.status(), 200);
        // The account's branch (house tab «Контакты») is the edited one.
        let account = app.get_json("/api/v1/accounts/680000000001", &t).await;
        assert_eq!(account["branch"]["address"], "392000, г. Тамбов, ул. Новая, 1");
        assert_eq!(account["branch"]["phone"], "+7 (4752) 11-22-33");

        assert_problem(app.delete("/api/v1/operator/branches/tambov", &admin).await, 409, "branch_in_use").await;
        let spare = json!({"code": "spare", "name": "Резервное", "address": "г. Тамбов", "phone": "1", "email": "spare@example.ru", "hours": "—"});
        assert_eq!(app.put("/api/v1/operator/branches", &spare, &admin).await.status(), 200);
        assert_eq!(app.delete("/api/v1/operator/branches/spare", &admin).await.status(), 204);
        assert_problem(app.delete("/api/v1/operator/branches/spare", &admin).await, 404, "not_found").await;
        let r = app.put("/api/v1/operator/branches", &json!({"code": "bad code", "name": "", "address": "x", "phone": "1", "email": "nope", "hours": "x"}), &admin).await;
        let mut fields = problem_fields(&assert_problem(r, 422, "validation_failed").await);
        fields.sort();
        assert_eq!(fields, ["code", "email", "name"]);
    }

    async fn the_help_widget_setting_follows_the_user(app: TestApp) {
        let t = app.subscriber("tips@example.ru").await;
        let other = app.subscriber("other@example.ru").await;
        assert_eq!(app.get_json("/api/v1/me/settings", &t).await, json!({"help_hidden": false, "language": "ru"}));
        let r = app.put("/api/v1/me/settings", &json!({"help_hidden": true}), &t).await;
        assert_eq!(r.status(), 200);
        // Another device (a new sign-in) sees it closed; another user does not.
        let again = access_token(app.login_with(&new_client(), "tips@example.ru", PASSWORD).await).await;
        assert_eq!(app.get_json("/api/v1/me/settings", &again).await, json!({"help_hidden": true, "language": "ru"}));
        assert_eq!(app.get_json("/api/v1/me/settings", &other).await, json!({"help_hidden": false, "language": "ru"}));
        assert_eq!(app.put("/api/v1/me/settings", &json!({"help_hidden": false}), &again).await.status(), 200);
        assert_eq!(app.get_json("/api/v1/me/settings", &t).await, json!({"help_hidden": false, "language": "ru"}));
        assert_problem(app.put("/api/v1/me/settings", &json!({"help_hidden": "yes"}), &t).await, 422, "invalid_body").await;
        assert_problem(app.get("/api/v1/me/settings", None).await, 401, "unauthorized").await;
    }
}
