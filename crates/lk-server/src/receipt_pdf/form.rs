//! The receipt form (X2, F7.4, F9.5): an invoice-receipt («счёт-квитанция») with the account's
//! readings, and below the cut line the bank's customary two-part payment slip (form ПД-4:
//! «Извещение» and «Квитанция») with the payment QR code of ГОСТ Р 56042-2014. The same form
//! printed without an account is the blank one, filled in by hand.
//!
//! The invoice part is printed in the reader's language (the catalogue's `receipt.*`); the
//! bank slip, its payment purpose and the QR code stay Russian in every language, since banks
//! read them.

use chrono::{Datelike, NaiveDate};
use lk_domain::receipt::PaymentQr;
use lk_domain::{Kopecks, Language};
use rust_decimal::Decimal;

use crate::config::{Config, PayeeConfig};
use crate::i18n::{money, text};
use crate::pdf::{Document, Weight};

/// One register of a meter on the receipt.
#[derive(Debug, Clone)]
pub struct ZoneRow {
    pub zone: lk_domain::Zone,
    pub previous: Option<(NaiveDate, i64)>,
    pub current: Option<(NaiveDate, i64)>,
    pub kwh: Option<i64>,
    /// Rubles per kWh in force on the current reading's date.
    pub price: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct MeterRows {
    pub serial: String,
    pub rows: Vec<ZoneRow>,
    /// What the latest reading was charged.
    pub charge: Option<Kopecks>,
}

/// What a filled receipt says about the account.
#[derive(Debug, Clone)]
pub struct Filled {
    pub number: String,
    pub holder: String,
    pub address: String,
    /// Any day of the billing month.
    pub period: NaiveDate,
    pub issued_on: NaiveDate,
    /// Payments minus charges: negative is a debt.
    pub balance: Kopecks,
    /// The amount to pay; `None` leaves the field for the payer.
    pub amount: Option<Kopecks>,
    pub meters: Vec<MeterRows>,
}

const LEFT: f32 = 12.0;
const RIGHT: f32 = 198.0;

/// A date as the language writes it: «05.10.2026», «5 Oct 2026».
fn date_in(d: NaiveDate, l: Language) -> String {
    crate::i18n::date(d, l)
}

/// «октябрь 2026 г.»: the Russian of bank forms and payment purposes.
fn month(d: NaiveDate) -> String {
    month_in(d, Language::Ru)
}

/// «октябрь 2026 г.», «October 2026».
fn month_in(d: NaiveDate, l: Language) -> String {
    crate::i18n::month(d, l)
}

/// «1 234 руб. 56 коп.», the notation of bank forms.
fn rub_kop(k: Kopecks) -> String {
    let full = k.format_ru();
    let rubles = full.split(',').next().unwrap_or_default();
    format!("{rubles} руб. {:02} коп.", k.0.unsigned_abs() % 100)
}

fn reading(r: Option<(NaiveDate, i64)>, l: Language) -> String {
    r.map(|(d, v)| text!(l, "receipt.reading_of", value = v, date = date_in(d, l)))
        .unwrap_or_else(|| "—".into())
}

/// The QR payload for the receipt: payee details always, the account, period and sum when
/// known (a blank form's code lets a banking app fill in the rest).
pub fn qr_payload(payee: &PayeeConfig, filled: Option<&Filled>) -> anyhow::Result<String> {
    let qr = PaymentQr {
        name: payee.name.clone(),
        personal_acc: payee.account.clone(),
        bank_name: payee.bank_name.clone(),
        bic: payee.bic.clone(),
        corresp_acc: payee.corr_account.clone(),
        payee_inn: payee.inn.clone(),
        kpp: payee.kpp.clone(),
        sum: filled.and_then(|f| f.amount),
        purpose: purpose(filled),
        pers_acc: filled.map(|f| f.number.clone()),
        period: filled.map(|f| (f.period.month(), f.period.year())),
    };
    qr.payload()
        .map_err(|e| anyhow::anyhow!("payee details (LK_PAYEE__…): {e}"))
}

fn purpose(filled: Option<&Filled>) -> String {
    match filled {
        Some(f) => format!(
            "Оплата электроэнергии по л/с {} за {}",
            f.number,
            month(f.period)
        ),
        None => "Оплата электроэнергии".into(),
    }
}

/// The whole form as a PDF, its invoice part in `l`.
pub fn render(config: &Config, filled: Option<&Filled>, l: Language) -> anyhow::Result<Vec<u8>> {
    let payee = &config.payee;
    let payload = qr_payload(payee, filled)?;
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
    let title = match filled {
        Some(f) => text!(
            l,
            "receipt.title_filled",
            account = &f.number,
            month = month_in(f.period, l)
        ),
        None => text!(l, "receipt.title_blank"),
    };
    let mut d = Document::new(&title);
    header(&mut d, config, filled, l);
    let y = readings_table(&mut d, filled, 64.0, l);
    let y = totals(&mut d, filled, y + 5.0, l);
    let w = &config.reading_window;
    let readings = if w.enabled {
        text!(
            l,
            "receipt.readings_window",
            first = w.first_day,
            last = w.last_day
        )
    } else {
        text!(l, "receipt.readings_anytime")
    };
    d.paragraph(
        LEFT,
        y + 2.0,
        RIGHT - LEFT,
        7.5,
        Weight::Regular,
        &format!("{readings}{}", text!(l, "receipt.how_to_pay")),
    );

    d.dashed_line(LEFT, 131.0, RIGHT);
    d.text_center(
        105.0,
        129.5,
        6.5,
        Weight::Regular,
        &text!(l, "receipt.cut_line"),
    );
    let qr = (&code, text!(l, "receipt.qr_caption"));
    slip(&mut d, payee, filled, 134.0, "ИЗВЕЩЕНИЕ", Some(qr));
    slip(&mut d, payee, filled, 212.0, "КВИТАНЦИЯ", None);
    d.finish()
}

fn header(d: &mut Document, config: &Config, f: Option<&Filled>, l: Language) {
    let (company, payee) = (&config.company, &config.payee);
    d.text(LEFT, 16.0, 12.0, Weight::Bold, &payee.name);
    d.text(LEFT, 21.5, 8.5, Weight::Regular, &payee.address);
    d.text(
        LEFT,
        26.0,
        8.5,
        Weight::Regular,
        &text!(
            l,
            "receipt.payee_ids",
            inn = &payee.inn,
            kpp = &payee.kpp,
            phone = &company.support_phone,
            site = &company.site_url
        ),
    );
    d.frame(150.0, 9.0, RIGHT - 150.0, 19.0, 0.8);
    d.text_center(
        174.0,
        14.0,
        8.0,
        Weight::Regular,
        &text!(l, "receipt.account"),
    );
    if let Some(f) = f {
        d.text_center(174.0, 22.5, 14.0, Weight::Bold, &f.number);
    }

    let title = match f {
        Some(f) => text!(l, "receipt.heading_filled", month = month_in(f.period, l)),
        None => text!(l, "receipt.heading_blank"),
    };
    d.text_center(105.0, 37.0, 13.0, Weight::Bold, &title);
    d.text_center(
        105.0,
        42.0,
        9.0,
        Weight::Regular,
        &text!(l, "receipt.subheading"),
    );
    if let Some(f) = f {
        d.text_right(
            RIGHT,
            42.0,
            8.0,
            Weight::Regular,
            &text!(l, "receipt.issued", date = date_in(f.issued_on, l)),
        );
    }

    d.text(LEFT, 50.0, 9.0, Weight::Regular, &text!(l, "receipt.payer"));
    d.text(
        LEFT,
        56.0,
        9.0,
        Weight::Regular,
        &text!(l, "receipt.address"),
    );
    match f {
        Some(f) => {
            d.text(38.0, 50.0, 10.0, Weight::Bold, &f.holder);
            d.paragraph(38.0, 56.0, RIGHT - 38.0, 9.0, Weight::Regular, &f.address);
        }
        None => {
            d.line(38.0, 51.0, RIGHT, 51.0, 0.4);
            d.line(38.0, 57.0, RIGHT, 57.0, 0.4);
        }
    }
}

/// Columns of the readings table: left edge and the catalogue key of the title.
const COLUMNS: [(f32, &str); 6] = [
    (LEFT, "receipt.col_meter"),
    (40.0, "receipt.col_zone"),
    (66.0, "receipt.col_previous"),
    (104.0, "receipt.col_current"),
    (142.0, "receipt.col_kwh"),
    (168.0, "receipt.col_price"),
];
const ROW: f32 = 6.0;

/// The table of readings; returns where it ends.
fn readings_table(d: &mut Document, f: Option<&Filled>, top: f32, l: Language) -> f32 {
    d.text(
        LEFT,
        top - 1.5,
        9.0,
        Weight::Bold,
        &text!(l, "receipt.readings_title"),
    );
    let mut y = top;
    d.shade(LEFT, y, RIGHT - LEFT, ROW, 0.9);
    for (x, title) in COLUMNS {
        d.text(x + 1.5, y + 4.2, 7.5, Weight::Bold, &text!(l, title));
    }
    y += ROW;
    let mut rows: Vec<[String; 6]> = Vec::new();
    match f {
        Some(f) if !f.meters.is_empty() => {
            for m in &f.meters {
                for (i, r) in m.rows.iter().enumerate() {
                    rows.push([
                        if i == 0 {
                            m.serial.clone()
                        } else {
                            String::new()
                        },
                        text!(l, format!("receipt.zone.{}", r.zone.as_str())),
                        reading(r.previous, l),
                        reading(r.current, l),
                        r.kwh.map(|k| k.to_string()).unwrap_or_else(|| "—".into()),
                        r.price
                            .map(|p| match l {
                                Language::Ru => p.to_string().replace('.', ","),
                                Language::En => p.to_string(),
                            })
                            .unwrap_or_else(|| "—".into()),
                    ]);
                }
            }
        }
        Some(_) => rows.push([
            String::new(),
            text!(l, "receipt.no_readings"),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]),
        None => rows.extend((0..3).map(|_| Default::default())),
    }
    for row in &rows {
        for ((x, _), cell) in COLUMNS.iter().zip(row) {
            d.text(x + 1.5, y + 4.2, 8.5, Weight::Regular, cell);
        }
        y += ROW;
    }
    d.frame(LEFT, top, RIGHT - LEFT, y - top, 0.6);
    for (x, _) in COLUMNS.iter().skip(1) {
        d.line(*x, top, *x, y, 0.4);
    }
    for i in 1..=rows.len() {
        let ly = top + ROW * i as f32;
        d.line(LEFT, ly, RIGHT, ly, 0.3);
    }
    y
}

/// The balance and the amount; returns where they end.
fn totals(d: &mut Document, f: Option<&Filled>, top: f32, l: Language) -> f32 {
    let label_x = 100.0;
    let mut y = top;
    let mut line = |d: &mut Document, label: &str, value: String, weight: Weight| {
        d.text(label_x, y, 9.5, weight, label);
        d.text_right(RIGHT, y, 9.5, weight, &value);
        y += 5.5;
    };
    match f {
        Some(f) => {
            let charged: Kopecks = f.meters.iter().filter_map(|m| m.charge).sum();
            if f.meters.iter().any(|m| m.charge.is_some()) {
                line(
                    d,
                    &text!(l, "receipt.charged"),
                    money(charged, l),
                    Weight::Regular,
                );
            }
            let (label, value) = if f.balance.is_negative() {
                ("receipt.debt_on", f.balance.abs())
            } else {
                ("receipt.advance_on", f.balance)
            };
            line(
                d,
                &text!(l, label, date = date_in(f.issued_on, l)),
                money(value, l),
                Weight::Regular,
            );
            line(
                d,
                &text!(l, "receipt.to_pay"),
                f.amount
                    .map(|a| money(a, l))
                    .unwrap_or_else(|| text!(l, "receipt.blank_amount")),
                Weight::Bold,
            );
        }
        None => {
            line(
                d,
                &text!(l, "receipt.blank_balance"),
                text!(l, "receipt.blank_amount"),
                Weight::Regular,
            );
            line(
                d,
                &text!(l, "receipt.to_pay"),
                text!(l, "receipt.blank_amount"),
                Weight::Bold,
            );
        }
    }
    y
}

/// A filled value on a line, with its caption underneath.
#[allow(clippy::too_many_arguments)]
fn field(
    d: &mut Document,
    x: f32,
    right: f32,
    y: f32,
    size: f32,
    weight: Weight,
    value: &str,
    caption: &str,
) {
    d.text(x + 0.5, y, size, weight, value);
    d.line(x, y + 1.2, right, y + 1.2, 0.3);
    if !caption.is_empty() {
        d.text_center((x + right) / 2.0, y + 3.7, 5.5, Weight::Regular, caption);
    }
}

/// One part of the bank slip (form ПД-4).
fn slip(
    d: &mut Document,
    payee: &PayeeConfig,
    f: Option<&Filled>,
    top: f32,
    title: &str,
    code: Option<(&qrcode::QrCode, String)>,
) {
    const H: f32 = 76.0;
    const SPLIT: f32 = 60.0;
    const X: f32 = SPLIT + 3.0;
    const R: f32 = RIGHT - 2.0;
    d.frame(LEFT, top, RIGHT - LEFT, H, 0.8);
    d.line(SPLIT, top, SPLIT, top + H, 0.8);
    d.text_center((LEFT + SPLIT) / 2.0, top + 7.0, 11.0, Weight::Bold, title);
    if let Some((code, caption)) = code {
        d.qr(LEFT + 3.0, top + 10.0, SPLIT - LEFT - 6.0, code);
        d.text_center(
            (LEFT + SPLIT) / 2.0,
            top + 10.0 + (SPLIT - LEFT - 6.0) + 3.5,
            6.5,
            Weight::Regular,
            &caption,
        );
    }
    d.text(LEFT + 3.0, top + H - 4.0, 9.0, Weight::Regular, "Кассир");

    let mut y = top + 6.0;
    field(
        d,
        X,
        R,
        y,
        9.0,
        Weight::Bold,
        &payee.name,
        "(наименование получателя платежа)",
    );
    y += 8.0;
    field(
        d,
        X,
        X + 58.0,
        y,
        8.5,
        Weight::Regular,
        &format!("ИНН {}  КПП {}", payee.inn, payee.kpp),
        "(ИНН / КПП получателя платежа)",
    );
    field(
        d,
        X + 62.0,
        R,
        y,
        8.5,
        Weight::Regular,
        &format!("р/с {}", payee.account),
        "(номер счёта получателя платежа)",
    );
    y += 8.0;
    field(
        d,
        X,
        X + 88.0,
        y,
        8.5,
        Weight::Regular,
        &format!("в {}", payee.bank_name),
        "(наименование банка получателя платежа)",
    );
    field(
        d,
        X + 92.0,
        R,
        y,
        8.5,
        Weight::Regular,
        &format!("БИК {}", payee.bic),
        "",
    );
    y += 7.0;
    field(
        d,
        X,
        R,
        y,
        8.5,
        Weight::Regular,
        &format!(
            "Номер кор./сч. банка получателя платежа {}",
            payee.corr_account
        ),
        "",
    );
    y += 7.0;
    let (purpose_text, account) = match f {
        Some(f) => (
            format!("Оплата электроэнергии за {}", month(f.period)),
            f.number.clone(),
        ),
        None => (
            "Оплата электроэнергии за ______________ 20____ г.".into(),
            String::new(),
        ),
    };
    field(
        d,
        X,
        X + 82.0,
        y,
        8.5,
        Weight::Regular,
        &purpose_text,
        "(наименование платежа)",
    );
    field(
        d,
        X + 86.0,
        R,
        y,
        9.0,
        Weight::Bold,
        &account,
        "(номер лицевого счёта)",
    );
    y += 7.0;
    let (holder, address) = f
        .map(|f| (f.holder.as_str(), f.address.as_str()))
        .unwrap_or_default();
    field(
        d,
        X,
        R,
        y,
        8.5,
        Weight::Regular,
        &format!("Ф. И. О. плательщика: {holder}"),
        "",
    );
    y += 5.5;
    let address = format!("Адрес плательщика: {address}");
    let size = if d.width(&address, 8.5, Weight::Regular) > R - X {
        7.0
    } else {
        8.5
    };
    field(d, X, R, y, size, Weight::Regular, &address, "");
    y += 6.5;
    let amount = f
        .and_then(|f| f.amount)
        .map(rub_kop)
        .unwrap_or_else(|| "________ руб. ____ коп.".into());
    d.text(
        X,
        y,
        8.5,
        Weight::Regular,
        &format!("Сумма платежа: {amount}    Сумма платы за услуги: ______ руб. ___ коп."),
    );
    y += 5.5;
    d.text(
        X,
        y,
        8.5,
        Weight::Regular,
        "Итого: ________ руб. ____ коп.           «____» ______________ 20____ г.",
    );
    y += 5.0;
    d.paragraph(
        X,
        y,
        R - X,
        6.5,
        Weight::Regular,
        "С условиями приёма указанной в платёжном документе суммы, в т.ч. с суммой взимаемой платы \
         за услуги банка, ознакомлен и согласен.",
    );
    y += 7.0;
    d.text(
        X + 60.0,
        y,
        8.5,
        Weight::Regular,
        "Подпись плательщика ________________",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_forms_write_rubles_and_kopecks_apart() {
        assert_eq!(rub_kop(Kopecks(123_456)), "1\u{202f}234 руб. 56 коп.");
        assert_eq!(rub_kop(Kopecks(50_000)), "500 руб. 00 коп.");
    }

    #[test]
    fn the_blank_form_renders_and_its_code_names_only_the_payee() {
        let config = Config::default();
        let p = qr_payload(&config.payee, None).expect("payload");
        assert!(p.starts_with("ST00012|Name=ПАО «Тамбовская энергосбытовая компания»|"));
        assert!(!p.contains("|Sum="));
        for l in [Language::Ru, Language::En] {
            let pdf = render(&config, None, l).expect("pdf");
            assert!(pdf.starts_with(b"%PDF-"));
        }
    }

    #[test]
    fn dates_and_months_in_either_language() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 5).expect("date");
        assert_eq!(date_in(d, Language::Ru), "05.10.2026");
        assert_eq!(date_in(d, Language::En), "5 Oct 2026");
        assert_eq!(
            month(d),
            format!("{} 2026 г.", lk_domain::calendar::MONTHS[9])
        );
        assert_eq!(month_in(d, Language::En), "October 2026");
        assert_eq!(reading(Some((d, 1234)), Language::Ru), "1234 от 05.10.2026");
        assert_eq!(reading(Some((d, 1234)), Language::En), "1234 on 5 Oct 2026");
    }

    #[test]
    fn wrong_payee_details_are_named() {
        let payee = PayeeConfig {
            bic: "04685064".into(),
            ..PayeeConfig::default()
        };
        let e = qr_payload(&payee, None).expect_err("a short BIC");
        assert!(e.to_string().contains("BIC"), "{e}");
    }
}
