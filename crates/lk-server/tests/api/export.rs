//! Exports of the history (X5): the operations statement as CSV in both dialects.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::helpers::*;

const ACCOUNT: &str = "680000000001";

/// The rows of a CSV file with `delimiter` (the header first).
fn rows(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

fn rubles(text: &str) -> Decimal {
    text.replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("amount {text:?}"))
}

/// Opening + the amounts of the rows between = closing, and the balance after each row.
fn check_arithmetic(rows: &[Vec<String>]) -> (Decimal, Decimal) {
    let opening = rubles(&rows[1][3]);
    let closing = rubles(&rows[rows.len() - 1][3]);
    let mut balance = opening;
    for row in &rows[2..rows.len() - 1] {
        if !row[2].is_empty() {
            balance += rubles(&row[2]);
        }
        assert_eq!(rubles(&row[3]), balance, "the balance after {row:?}");
    }
    assert_eq!(balance, closing, "opening + amounts = closing");
    (opening, closing)
}

/// Pages of a PDF, by `pdfinfo`.
fn out_pages(file: &std::path::Path) -> usize {
    let out = std::process::Command::new("pdfinfo")
        .arg(file)
        .output()
        .expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|n| n.trim().parse().expect("pages"))
        })
        .expect("Pages:")
}

backend_tests! {
    async fn the_operations_export_adds_up_to_the_balance_in_both_dialects(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("export@example.ru").await;
        app.house_with_account(&t, ACCOUNT, "01234567").await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive();
        let from = today - chrono::Duration::days(400);
        let path = format!("/api/v1/accounts/{ACCOUNT}/operations/export?from={from}");

        let r = app.get(&path, Some(&t)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8; header=present");
        let disposition = r.headers()["content-disposition"].to_str().expect("ascii").to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"operations-{ACCOUNT}-{from}-{today}.csv\""));
        let bytes = r.bytes().await.expect("body");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel's dialect starts with a BOM");
        let text = std::str::from_utf8(&bytes[3..]).expect("utf-8");
        let excel = rows(text, b';');
        assert_eq!(excel[0], ["Дата", "Операция", "Сумма, ₽", "Сальдо, ₽", "Расход, кВт·ч", "Показания"]);
        assert_eq!(excel[1][..2], [from.format("%d.%m.%Y").to_string(), "Сальдо на начало периода".to_owned()]);
        assert_eq!(excel.last().expect("row")[..2], [today.format("%d.%m.%Y").to_string(), "Сальдо на конец периода".to_owned()]);
        let (opening, closing) = check_arithmetic(&excel);
        assert_eq!(closing, app.balance(&t, ACCOUNT).await, "a period ending today closes at the balance shown");
        assert_ne!(opening, closing, "the demo account's balance moved in the period");

        // Every operation of the history, each once, with its description and a reading's values.
        let history: Value = app.get_json(&format!("/api/v1/accounts/{ACCOUNT}/operations?from={from}&limit=200"), &t).await;
        let items = history["items"].as_array().expect("items");
        assert!(history["next_cursor"].is_null() && items.len() > 10, "{history}");
        assert_eq!(excel.len(), items.len() + 3, "header, opening, operations, closing");
        let mut described: Vec<&str> = excel[2..excel.len() - 1].iter().map(|r| r[1].as_str()).collect();
        let mut listed: Vec<&str> = items.iter().map(|i| i["description"].as_str().expect("text")).collect();
        described.sort();
        listed.sort();
        assert_eq!(described, listed);
        assert!(excel.iter().any(|r| r[5].starts_with("Круглосуточно ")), "a reading's values");
        assert!(excel.iter().any(|r| r[2].starts_with('-') && r[2].contains(',')), "an invoice takes, with a decimal comma");

        // The plain dialect: no BOM, commas, ISO dates, the same figures; English headers.
        let r = app
            .client
            .get(app.url(&format!("{path}&format=csv-utf8")))
            .bearer_auth(&t)
            .header("accept-language", "en")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200);
        let text = r.text().await.expect("text");
        assert!(!text.starts_with('\u{feff}'));
        let plain = rows(&text, b',');
        assert_eq!(plain[0][..2], ["Date", "Operation"]);
        assert_eq!(plain[1][0], from.to_string());
        assert_eq!(check_arithmetic(&plain), (opening, closing));
        assert_eq!(plain.len(), excel.len());
    }

    async fn the_readings_export_lists_each_zone_oldest_first(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("export3@example.ru").await;
        // The three-zone demo account.
        app.house_with_account(&t, "680000000003", "03456789").await;
        let meter = app.get_json("/api/v1/accounts/680000000003/meters", &t).await[0]["id"].as_i64().expect("meter");
        let base = format!("/api/v1/accounts/680000000003/meters/{meter}/readings");
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive();
        let from = today - chrono::Duration::days(400);
        let listed: Value = app.get_json(&format!("{base}?from={from}"), &t).await;
        let listed = listed.as_array().expect("readings");
        assert!(listed.len() > 5, "{listed:?}");

        let r = app.get(&format!("{base}/export?from={from}"), Some(&t)).await;
        assert_eq!(r.status(), 200);
        let disposition = r.headers()["content-disposition"].to_str().expect("ascii").to_owned();
        assert_eq!(disposition, format!("attachment; filename=\"readings-680000000003-03456789-{from}-{today}.csv\""));
        let bytes = r.bytes().await.expect("body");
        let excel = rows(std::str::from_utf8(&bytes[3..]).expect("utf-8"), b';');
        assert_eq!(excel[0], ["Дата показаний", "Источник", "Пик", "Полупик", "Ночь", "Расход, кВт·ч", "Начислено, ₽"]);
        assert_eq!(excel.len(), listed.len() + 1, "every reading of the period");
        // Oldest first: the last row is the newest reading, with its values zone by zone.
        let newest = &listed[0];
        let last = excel.last().expect("row");
        let date = chrono::NaiveDate::parse_from_str(newest["taken_on"].as_str().expect("date"), "%Y-%m-%d").expect("date");
        assert_eq!(last[0], date.format("%d.%m.%Y").to_string());
        for (column, zone) in [(2, "peak"), (3, "half_peak"), (4, "night")] {
            let value = newest["values"].as_array().expect("values").iter().find(|v| v["zone"] == zone).expect("zone")["value"].as_i64().expect("value");
            assert_eq!(last[column], value.to_string(), "{zone}");
        }
        let days: Vec<chrono::NaiveDate> = excel[1..]
            .iter()
            .map(|r| chrono::NaiveDate::parse_from_str(&r[0], "%d.%m.%Y").expect("date"))
            .collect();
        assert!(days.windows(2).all(|w| w[0] < w[1]), "oldest first: {days:?}");

        // A meter of someone else's account is 404, as everywhere.
        let other = format!("/api/v1/accounts/680000000001/meters/{meter}/readings/export");
        assert_problem(app.get(&other, Some(&t)).await, 404, "not_found").await;
    }

    async fn the_statement_pdf_shows_the_period_and_closes_at_the_balance(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("export4@example.ru").await;
        app.house_with_account(&t, ACCOUNT, "01234567").await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive();
        let from = today - chrono::Duration::days(730);
        let r = app.get(&format!("/api/v1/accounts/{ACCOUNT}/operations/statement.pdf?from={from}"), Some(&t)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let bytes = r.bytes().await.expect("body");
        assert!(bytes.starts_with(b"%PDF-"));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("statement.pdf");
        std::fs::write(&file, &bytes).expect("write");
        let out = std::process::Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().expect("pdftotext");
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).expect("utf-8");
        assert!(text.contains(&format!("Выписка по лицевому счёту № {ACCOUNT}")), "{text}");
        assert!(text.contains(&format!("с {} по {}", from.format("%d.%m.%Y"), today.format("%d.%m.%Y"))), "{text}");
        assert!(text.contains("Сальдо на начало периода") && text.contains("Оплачено за период"), "{text}");
        // Two years of operations do not fit one page: the table goes on.
        let pages = out_pages(&file);
        assert!(pages >= 2, "{pages} pages");
        // The closing balance is the account's balance, in Russian notation.
        let balance = app.balance(&t, ACCOUNT).await;
        let kopecks = lk_domain::Kopecks::from_rubles(balance).expect("kopecks");
        let closing = text.lines().find(|l| l.contains("Сальдо на конец периода")).expect("closing line");
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert!(squeeze(closing).ends_with(&squeeze(&kopecks.format_ru())), "{closing:?} ≠ {}", kopecks.format_ru());
    }

    async fn an_export_is_the_account_holders_alone_and_refuses_a_bad_format(app: TestApp) {
        app.seed_registry().await;
        let t = app.subscriber("export2@example.ru").await;
        app.house_with_account(&t, ACCOUNT, "01234567").await;
        assert_problem(app.get("/api/v1/accounts/680000000002/operations/export", Some(&t)).await, 404, "not_found").await;
        assert_problem(app.get("/api/v1/accounts/680000000002/operations/statement.pdf", Some(&t)).await, 404, "not_found").await;
        assert_eq!(app.get(&format!("/api/v1/accounts/{ACCOUNT}/operations/export"), None).await.status(), 401);
        let r = app.get(&format!("/api/v1/accounts/{ACCOUNT}/operations/export?format=xls"), Some(&t)).await;
        let p = assert_problem(r, 400, "invalid_query").await;
        assert_eq!(p["errors"][0]["field"], "format", "{p}");
        let r = app.get(&format!("/api/v1/accounts/{ACCOUNT}/operations/export?from=2026-10-02&to=2026-10-01"), Some(&t)).await;
        assert_problem(r, 422, "validation_failed").await;
    }
}

/// A cell of a spreadsheet as LibreOffice read it: a number, or text.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Number(Decimal),
    Text(String),
}

/// The rows of the first sheet of a flat OpenDocument spreadsheet (`.fods`).
fn sheet_rows(fods: &str) -> Vec<Vec<Cell>> {
    const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
    const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
    let doc = roxmltree::Document::parse(fods).expect("fods");
    doc.descendants()
        .filter(|n| n.has_tag_name((TABLE, "table-row")))
        .map(|row| {
            let mut cells = Vec::new();
            for cell in row
                .children()
                .filter(|c| c.has_tag_name((TABLE, "table-cell")))
            {
                let repeat: usize = cell
                    .attribute((TABLE, "number-columns-repeated"))
                    .map_or(1, |n| n.parse().expect("repeat"));
                let text: String = cell
                    .descendants()
                    .filter(|n| n.is_text())
                    .filter_map(|n| n.text())
                    .map(str::trim)
                    .collect();
                let value = match cell.attribute((OFFICE, "value-type")) {
                    Some("float") => Cell::Number(
                        cell.attribute((OFFICE, "value"))
                            .expect("value")
                            .parse()
                            .expect("number"),
                    ),
                    _ => Cell::Text(text),
                };
                cells.extend(std::iter::repeat_n(value, repeat.min(16)));
            }
            cells
        })
        .filter(|r: &Vec<Cell>| r.iter().any(|c| *c != Cell::Text(String::new())))
        .collect()
}

fn number(c: &Cell) -> Decimal {
    match c {
        Cell::Number(n) => *n,
        Cell::Text(t) => panic!("a number expected, LibreOffice read text {t:?}"),
    }
}

backend_tests! {
    async fn the_excel_export_opens_in_libreoffice_with_cyrillic_and_numbers(app: TestApp) {
        let Ok(soffice) = which_soffice() else {
            assert!(std::env::var("CI").is_err(), "CI must have LibreOffice (soffice) for this test");
            eprintln!("SKIPPED: LibreOffice (soffice) is not installed");
            return;
        };
        app.seed_registry().await;
        let t = app.subscriber("export-lo@example.ru").await;
        app.house_with_account(&t, ACCOUNT, "01234567").await;
        let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Moscow).date_naive();
        let from = today - chrono::Duration::days(400);
        let r = app.get(&format!("/api/v1/accounts/{ACCOUNT}/operations/export?from={from}"), Some(&t)).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.expect("body");

        // Opened as a spreadsheet in a Russian locale (`;`, UTF-8, Russian number formats),
        // saved as a flat OpenDocument file to read what LibreOffice made of each cell.
        let dir = tempfile::tempdir().expect("dir");
        let csv = dir.path().join("выписка.csv");
        std::fs::write(&csv, &bytes).expect("write");
        let profile = dir.path().join("profile");
        let out = std::process::Command::new(soffice)
            .arg(format!("-env:UserInstallation=file://{}", profile.display()))
            .args(["--headless", "--infilter=CSV:59,34,76,1,,1049", "--convert-to", "fods", "--outdir"])
            .arg(dir.path())
            .arg(&csv)
            .output()
            .expect("soffice");
        let fods = std::fs::read_to_string(dir.path().join("выписка.fods"))
            .unwrap_or_else(|e| panic!("converted ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        let rows = sheet_rows(&fods);

        assert_eq!(rows[0][..3], [Cell::Text("Дата".into()), Cell::Text("Операция".into()), Cell::Text("Сумма, ₽".into())], "Cyrillic intact, the BOM not in the first cell");
        assert_eq!(rows[1][1], Cell::Text("Сальдо на начало периода".into()));
        let last = rows.last().expect("closing row");
        assert_eq!(last[1], Cell::Text("Сальдо на конец периода".into()));
        // Amounts are numbers to the spreadsheet (the decimal comma understood), and they add up.
        let opening = number(&rows[1][3]);
        let closing = number(&last[3]);
        // A reading's row has no amount (it is billed by its month's invoice).
        let amounts: Vec<Decimal> = rows[2..rows.len() - 1]
            .iter()
            .filter(|r| r[2] != Cell::Text(String::new()))
            .map(|r| number(&r[2]))
            .collect();
        assert!(amounts.len() > 10, "invoices and payments in the period");
        let sum: Decimal = amounts.iter().sum();
        assert_eq!(opening + sum, closing, "opening + amounts = closing, as the spreadsheet adds them");
        assert_eq!(closing, app.balance(&t, ACCOUNT).await);
        assert!(rows.iter().any(|r| matches!(&r[1], Cell::Text(s) if s.starts_with("Счёт за "))), "invoice descriptions in Russian");
    }
}

/// LibreOffice's command, when installed.
fn which_soffice() -> Result<&'static str, ()> {
    ["soffice", "libreoffice"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .ok_or(())
}
