//! The statement of an account for a period as an A4 PDF (X5): the company, the account, its
//! holder and address, the period; the balance before it, every operation with its amount and
//! the balance after it, the totals paid and invoiced, and the balance at its end. Printed in
//! the reader's language; pages follow one another as long as there are operations.

use chrono::NaiveDate;
use lk_domain::statement::Statement;
use lk_domain::{Kopecks, Language, OperationKind};

use crate::i18n::{money, text};
use crate::pdf::{Document, Weight};

const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
/// Where the columns end (amounts are right-aligned).
const OPERATION_X: f32 = 40.0;
const AMOUNT_RIGHT: f32 = 160.0;
/// Rows stop here and go on on the next page.
const BOTTOM: f32 = 282.0;
const ROW: f32 = 5.6;
const SIZE: f32 = 9.0;

/// What the statement is of.
pub struct Heading<'a> {
    pub company: &'a str,
    pub number: &'a str,
    pub holder: &'a str,
    pub address: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
}

/// One line of the statement besides its figures: the description, a reading's values and
/// consumption.
pub struct Described {
    pub description: String,
    pub values: String,
    pub consumption: Option<i64>,
}

fn date(d: NaiveDate, l: Language) -> String {
    match l {
        Language::Ru => d.format("%d.%m.%Y").to_string(),
        Language::En => d.to_string(),
    }
}

/// The PDF of `s`.
pub fn render(h: &Heading<'_>, s: &Statement<Described>, l: Language) -> anyhow::Result<Vec<u8>> {
    let title = text!(l, "statement.title", account = h.number);
    let mut d = Document::new(&title);
    d.text(LEFT, 18.0, 9.0, Weight::Regular, h.company);
    d.text(LEFT, 27.0, 15.0, Weight::Bold, &title);
    let period = text!(
        l,
        "statement.period",
        from = date(h.from, l),
        to = date(h.to, l)
    );
    let facts = [
        (text!(l, "statement.holder"), h.holder.to_owned()),
        (text!(l, "statement.address"), h.address.to_owned()),
        (text!(l, "statement.period_label"), period),
        (text!(l, "statement.formed"), date(h.today, l)),
    ];
    let mut y = 36.0;
    for (label, value) in &facts {
        d.text(LEFT, y, SIZE, Weight::Bold, label);
        for (i, line) in d
            .wrap(value, RIGHT - 55.0, SIZE, Weight::Regular)
            .iter()
            .enumerate()
        {
            d.text(55.0, y + i as f32 * 4.5, SIZE, Weight::Regular, line);
            if i > 0 {
                y += 4.5;
            }
        }
        y += ROW;
    }
    y += 3.0;
    let header = |d: &mut Document, y: f32| {
        d.shade(LEFT, y - 4.2, RIGHT - LEFT, ROW + 0.4, 0.92);
        d.text(LEFT + 1.0, y, SIZE, Weight::Bold, &text!(l, "export.date"));
        d.text(
            OPERATION_X,
            y,
            SIZE,
            Weight::Bold,
            &text!(l, "export.operation"),
        );
        d.text_right(
            AMOUNT_RIGHT,
            y,
            SIZE,
            Weight::Bold,
            &text!(l, "export.amount"),
        );
        d.text_right(
            RIGHT - 1.0,
            y,
            SIZE,
            Weight::Bold,
            &text!(l, "export.balance"),
        );
        y + ROW + 0.6
    };
    y = header(&mut d, y);
    let balance_row = |d: &mut Document, y: f32, day: NaiveDate, label: &str, b: Kopecks| {
        d.text(LEFT + 1.0, y, SIZE, Weight::Bold, &date(day, l));
        d.text(OPERATION_X, y, SIZE, Weight::Bold, &text!(l, label));
        d.text_right(RIGHT - 1.0, y, SIZE, Weight::Bold, &money(b, l));
        d.line(LEFT, y + 1.6, RIGHT, y + 1.6, 0.2);
    };
    balance_row(&mut d, y, h.from, "export.opening", s.opening);
    y += ROW;
    for (op, balance, line) in &s.lines {
        let describe = if line.values.is_empty() {
            line.description.clone()
        } else {
            format!("{} · {}", line.description, line.values)
        };
        let wrapped = d.wrap(
            &describe,
            AMOUNT_RIGHT - OPERATION_X - 28.0,
            SIZE,
            Weight::Regular,
        );
        let height = ROW + (wrapped.len().max(1) - 1) as f32 * 4.2;
        if y + height > BOTTOM {
            d.new_page();
            y = header(&mut d, 18.0);
        }
        d.text(LEFT + 1.0, y, SIZE, Weight::Regular, &date(op.date, l));
        for (i, part) in wrapped.iter().enumerate() {
            d.text(OPERATION_X, y + i as f32 * 4.2, SIZE, Weight::Regular, part);
        }
        if op.kind != OperationKind::Reading {
            d.text_right(
                AMOUNT_RIGHT,
                y,
                SIZE,
                Weight::Regular,
                &money(op.effect(), l),
            );
        }
        d.text_right(RIGHT - 1.0, y, SIZE, Weight::Regular, &money(*balance, l));
        y += height;
    }
    if y + 4.0 * ROW > BOTTOM {
        d.new_page();
        y = 18.0;
    }
    balance_row(&mut d, y, h.to, "export.closing", s.closing);
    y += ROW + 2.0;
    for (label, amount) in [
        ("statement.paid", s.paid),
        ("statement.invoiced", s.invoiced),
    ] {
        d.text(OPERATION_X, y, SIZE, Weight::Regular, &text!(l, label));
        d.text_right(RIGHT - 1.0, y, SIZE, Weight::Regular, &money(amount, l));
        y += ROW;
    }
    d.paragraph(
        LEFT,
        y + 2.0,
        RIGHT - LEFT,
        7.5,
        Weight::Regular,
        &text!(l, "statement.note"),
    );
    d.finish()
}
