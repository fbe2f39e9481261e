//! Items of the company's registry as integrators send them — through the integration API
//! (`crate::integration`) or in CSV files (`lk import`, `crate::import`) — read and checked
//! one by one by the same rules, into rows for the store; and a batch of them applied with each
//! item answered on its own.

use std::collections::HashSet;
use std::future::Future;

use lk_api_types::{
    AccountItem, BatchResponse, BranchItem, FieldError, InvoiceItem, ItemOutcome, MeterItem,
    PaymentItem, ReadingItem, TariffItem,
};
use lk_domain::integration::{
    check_invoice_lines, check_rates, parse_code, parse_period, parse_price, parse_rubles,
    InvoiceLine, ItemProblem,
};
use lk_domain::{text, AccountNumber, Email, ItemResult, MeterSerial, Rate};
use serde::de::DeserializeOwned;

use crate::db::integration::{
    AccountRow, Applied, BranchRow, InvoiceRow, MeterRow, PaymentRow, ReadingRow, Refusal,
    TariffRow,
};
use crate::db::StoreResult;
use crate::error::ApiError;

/// How items of one kind are read: the raw fields that name an item, the check that turns it
/// into a row, and the row's key (to refuse an item given twice).
pub struct Spec<I, R> {
    pub key_fields: &'static [&'static str],
    pub parse: fn(I) -> Result<R, Vec<FieldError>>,
    pub key_of: fn(&R) -> String,
}

pub const BRANCHES: Spec<BranchItem, BranchRow> = Spec {
    key_fields: &["code"],
    parse: branch,
    key_of: |b| b.code.clone(),
};
pub const TARIFFS: Spec<TariffItem, TariffRow> = Spec {
    key_fields: &["code"],
    parse: tariff,
    key_of: |t| t.code.clone(),
};
pub const ACCOUNTS: Spec<AccountItem, AccountRow> = Spec {
    key_fields: &["number"],
    parse: account,
    key_of: |a| a.number.clone(),
};
pub const METERS: Spec<MeterItem, MeterRow> = Spec {
    key_fields: &["account_number", "serial"],
    parse: meter,
    key_of: |m| format!("{}/{}", m.account_number, m.serial),
};
pub const INVOICES: Spec<InvoiceItem, InvoiceRow> = Spec {
    key_fields: &["account_number", "period"],
    parse: invoice,
    key_of: |v| format!("{}/{}", v.account_number, v.period),
};
pub const PAYMENTS: Spec<PaymentItem, PaymentRow> = Spec {
    key_fields: &["channel", "id"],
    parse: payment,
    key_of: |p| format!("{}:{}", p.channel, p.external_id),
};
pub const READINGS: Spec<ReadingItem, ReadingRow> = Spec {
    key_fields: &["account_number", "meter_serial", "taken_on"],
    parse: reading,
    key_of: |r| format!("{}/{}/{}", r.account_number, r.meter_serial, r.taken_on),
};

fn problem(p: ItemProblem) -> FieldError {
    FieldError {
        field: p.field,
        code: p.code.into(),
        message: p.message,
    }
}

fn err(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Collects an item's errors, every one rather than the first.
#[derive(Default)]
struct Check(Vec<FieldError>);

impl Check {
    /// A required line of text of at most `max` characters.
    fn line(&mut self, field: &str, raw: &str, max: usize) -> String {
        match text::clean_line(raw, max) {
            Ok(Some(s)) => s,
            Ok(None) => {
                self.0.push(err(field, "required", "Обязательное поле."));
                String::new()
            }
            Err(e) => {
                self.0.push(ApiError::text_field(field, e));
                String::new()
            }
        }
    }

    /// An optional line of text (blank is empty).
    fn optional_line(&mut self, field: &str, raw: &str, max: usize) -> String {
        match text::clean_line(raw, max) {
            Ok(s) => s.unwrap_or_default(),
            Err(e) => {
                self.0.push(ApiError::text_field(field, e));
                String::new()
            }
        }
    }

    fn code(&mut self, field: &str, raw: &str) -> String {
        parse_code(raw).unwrap_or_else(|code| {
            let message = match code {
                "required" => "Обязательное поле.",
                "too_long" => "Не более 64 символов.",
                _ => "Код не должен содержать пробелов и управляющих символов.",
            };
            self.0.push(err(field, code, message));
            String::new()
        })
    }

    pub fn account(&mut self, field: &str, raw: &str) -> String {
        match AccountNumber::parse(raw) {
            Ok(n) => n.as_str().to_owned(),
            Err(_) => {
                self.0.push(err(
                    field,
                    "invalid_account_number",
                    "Номер лицевого счёта — от 6 до 20 цифр.",
                ));
                String::new()
            }
        }
    }

    fn serial(&mut self, field: &str, raw: &str) -> String {
        match MeterSerial::parse(raw) {
            Ok(s) => s.as_str().to_owned(),
            Err(_) => {
                self.0.push(err(
                    field,
                    "invalid_meter_number",
                    "Номер счётчика — от 4 до 20 букв и цифр.",
                ));
                String::new()
            }
        }
    }

    fn range(&mut self, field: &str, v: i64, min: i64, max: i64) -> i64 {
        if !(min..=max).contains(&v) {
            self.0
                .push(err(field, "out_of_range", &format!("От {min} до {max}.")));
        }
        v
    }

    fn rubles(&mut self, field: &str, raw: &str) -> i64 {
        match parse_rubles(raw) {
            Some(k) => k.0,
            None => {
                self.0.push(err(
                    field,
                    "invalid_amount",
                    "Сумма в рублях: не более двух знаков после точки.",
                ));
                0
            }
        }
    }

    fn price(&mut self, field: &str, raw: &str) -> rust_decimal::Decimal {
        parse_price(raw).unwrap_or_else(|| {
            self.0.push(err(
                field,
                "invalid_price",
                "Цена за кВт·ч в рублях: не более четырёх знаков после точки.",
            ));
            rust_decimal::Decimal::ZERO
        })
    }

    fn rules(&mut self, problems: Vec<ItemProblem>) {
        self.0.extend(problems.into_iter().map(problem));
    }

    fn done<R>(self, row: R) -> Result<R, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(row)
        } else {
            Err(self.0)
        }
    }
}

pub fn branch(b: BranchItem) -> Result<BranchRow, Vec<FieldError>> {
    let mut c = Check::default();
    let email = c.optional_line("email", &b.email, 254);
    if !email.is_empty() && Email::parse(&email).is_err() {
        c.0.push(err(
            "email",
            "invalid_email",
            "Введите корректный адрес электронной почты.",
        ));
    }
    let row = BranchRow {
        code: c.code("code", &b.code),
        name: c.line("name", &b.name, 200),
        address: c.line("address", &b.address, 300),
        phone: c.optional_line("phone", &b.phone, 100),
        email,
        hours: c.optional_line("hours", &b.hours, 200),
    };
    c.done(row)
}

pub fn tariff(t: TariffItem) -> Result<TariffRow, Vec<FieldError>> {
    let mut c = Check::default();
    if t.rates.is_empty() || t.rates.len() > 200 {
        c.0.push(err("rates", "out_of_range", "От 1 до 200 цен."));
    }
    let rates: Vec<Rate> = t
        .rates
        .iter()
        .enumerate()
        .map(|(i, r)| Rate {
            zone: r.zone,
            valid_from: r.valid_from,
            band_from_kwh: r.band_from_kwh.unwrap_or(0),
            price: c.price(&format!("rates[{i}].price"), &r.price),
        })
        .collect();
    c.rules(check_rates(t.scheme, &rates));
    let row = TariffRow {
        code: c.code("code", &t.code),
        name: c.line("name", &t.name, 200),
        scheme: t.scheme,
        rates,
    };
    c.done(row)
}

pub fn account(a: AccountItem) -> Result<AccountRow, Vec<FieldError>> {
    let mut c = Check::default();
    let row = AccountRow {
        number: c.account("number", &a.number),
        holder_name: c.line("holder_name", &a.holder_name, 200),
        address: c.line("address", &a.address, 300),
        branch_code: c.code("branch_code", &a.branch_code),
        contract_number: c.line("contract_number", &a.contract_number, 64),
        contract_date: a.contract_date,
        tariff_code: c.code("tariff_code", &a.tariff_code),
        residents: c.range("residents", a.residents.unwrap_or(1), 1, 100),
        opening_balance: a
            .opening_balance
            .as_deref()
            .map(|b| c.rubles("opening_balance", b))
            .unwrap_or(0),
        norm_kwh: a.norm_kwh.map(|n| c.range("norm_kwh", n, 0, 100_000)),
    };
    c.done(row)
}

pub fn meter(m: MeterItem) -> Result<MeterRow, Vec<FieldError>> {
    let mut c = Check::default();
    let serial = c.serial("serial", &m.serial);
    let row = MeterRow {
        account_number: c.account("account_number", &m.account_number),
        serial,
        model: c.line("model", &m.model, 100),
        scheme: m.scheme,
        digits: c.range("digits", m.digits, 4, 9),
        installed_on: m.installed_on,
        verified_on: m.verified_on,
        next_verification_on: m.next_verification_on,
        location: c.optional_line("location", m.location.as_deref().unwrap_or_default(), 200),
        active: m.active.unwrap_or(true),
    };
    c.done(row)
}

pub fn invoice(v: InvoiceItem) -> Result<InvoiceRow, Vec<FieldError>> {
    let mut c = Check::default();
    let period = parse_period(&v.period).unwrap_or_else(|| {
        c.0.push(err("period", "invalid_period", "Период в виде ГГГГ-ММ."));
        chrono::NaiveDate::MIN
    });
    if v.lines.is_empty() || v.lines.len() > 20 {
        c.0.push(err("lines", "out_of_range", "От 1 до 20 строк."));
    }
    if v.due_on < v.issued_on {
        c.0.push(err(
            "due_on",
            "before_issue",
            "Срок оплаты не раньше даты выставления.",
        ));
    }
    let lines: Vec<InvoiceLine> = v
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| InvoiceLine {
            zone: l.zone,
            band_from_kwh: c.range(
                &format!("lines[{i}].band_from_kwh"),
                l.band_from_kwh.unwrap_or(0),
                0,
                i64::MAX,
            ),
            kwh: l.kwh,
            price: c.price(&format!("lines[{i}].price"), &l.price),
            amount: lk_domain::Kopecks(c.rubles(&format!("lines[{i}].amount"), &l.amount)),
        })
        .collect();
    c.rules(check_invoice_lines(&lines));
    let row = InvoiceRow {
        account_number: c.account("account_number", &v.account_number),
        period,
        issued_on: v.issued_on,
        due_on: v.due_on,
        lines,
    };
    c.done(row)
}

pub fn payment(p: PaymentItem) -> Result<PaymentRow, Vec<FieldError>> {
    let mut c = Check::default();
    let amount = c.rubles("amount", &p.amount);
    if amount <= 0 && c.0.is_empty() {
        c.0.push(err("amount", "out_of_range", "Сумма больше нуля."));
    }
    let row = PaymentRow {
        external_id: c.code("id", &p.id),
        channel: p.channel,
        account_number: c.account("account_number", &p.account_number),
        amount,
        paid_on: p.paid_on,
        portal_payment_id: p
            .portal_payment_id
            .as_deref()
            .map(|id| c.code("portal_payment_id", id)),
    };
    c.done(row)
}

pub fn reading(r: ReadingItem) -> Result<ReadingRow, Vec<FieldError>> {
    let mut c = Check::default();
    let meter_serial = c.serial("meter_serial", &r.meter_serial);
    if r.values.is_empty() || r.values.len() > 3 {
        c.0.push(err("values", "out_of_range", "От 1 до 3 значений."));
    }
    let mut values: Vec<(lk_domain::Zone, i64)> = Vec::new();
    for (i, v) in r.values.iter().enumerate() {
        if !(0..1_000_000_000).contains(&v.value) {
            c.0.push(err(
                &format!("values[{i}].value"),
                "out_of_range",
                "От 0 до 999 999 999.",
            ));
        }
        if values.iter().any(|(z, _)| *z == v.zone) {
            c.0.push(err(
                &format!("values[{i}].zone"),
                "duplicate",
                "Зона указана дважды.",
            ));
        }
        values.push((v.zone, v.value));
    }
    values.sort();
    let row = ReadingRow {
        account_number: c.account("account_number", &r.account_number),
        meter_serial,
        taken_on: r.taken_on,
        values,
    };
    c.done(row)
}

pub fn refusal(r: Refusal) -> FieldError {
    match r {
        Refusal::UnknownMeter => err(
            "meter_serial",
            "unknown_meter",
            "У лицевого счёта нет счётчика с таким номером: сначала передайте счётчик.",
        ),
        Refusal::UnknownBranch => err(
            "branch_code",
            "unknown_branch",
            "Нет отделения с таким кодом: сначала передайте отделение.",
        ),
        Refusal::UnknownTariff => err(
            "tariff_code",
            "unknown_tariff",
            "Нет тарифа с таким кодом: сначала передайте тариф.",
        ),
        Refusal::UnknownAccount => err(
            "account_number",
            "unknown_account",
            "Нет лицевого счёта с таким номером: сначала передайте счёт.",
        ),
        Refusal::PaymentDiffers => err(
            "id",
            "payment_differs",
            "Платёж с этим идентификатором уже принят с другим счётом, суммой или датой.",
        ),
        Refusal::UnknownPortalPayment => err(
            "portal_payment_id",
            "unknown_portal_payment",
            "Нет оплаты в личном кабинете с таким идентификатором.",
        ),
        Refusal::PortalPaymentDiffers => err(
            "portal_payment_id",
            "portal_payment_differs",
            "Оплата в личном кабинете была по другому счёту или на другую сумму.",
        ),
        Refusal::PortalPaymentReported => err(
            "portal_payment_id",
            "portal_payment_reported",
            "Об этой оплате банк уже сообщил под другим идентификатором.",
        ),
    }
}

/// The item's key as the company names it, read from the raw item so even a malformed one
/// can be told apart.
pub fn raw_key(value: &serde_json::Value, fields: &[&str]) -> Option<String> {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| match &value[*f] {
            serde_json::Value::String(s) => Some(s.trim().chars().take(64).collect()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// Reads and checks every item with `spec`, applies the valid ones with `apply` (one call),
/// and answers each in the items' order. An item whose key came before is refused
/// (`duplicate_in_batch`).
pub async fn apply<I, R, F, Fut>(
    items: Vec<serde_json::Value>,
    spec: &Spec<I, R>,
    apply: F,
) -> StoreResult<BatchResponse>
where
    I: DeserializeOwned,
    F: FnOnce(Vec<R>) -> Fut,
    Fut: Future<Output = StoreResult<Vec<Applied>>>,
{
    let mut results = Vec::with_capacity(items.len());
    let mut rows = Vec::new();
    let mut slots = Vec::new();
    let mut seen = HashSet::new();
    for (index, value) in items.into_iter().enumerate() {
        let key = raw_key(&value, spec.key_fields);
        let parsed = crate::extract::item::<I>(value)
            .map_err(|e| vec![e])
            .and_then(spec.parse);
        let outcome = match parsed {
            Ok(row) if !seen.insert((spec.key_of)(&row)) => Err(vec![err(
                "",
                "duplicate_in_batch",
                "Этот элемент уже есть в запросе выше.",
            )]),
            Ok(row) => {
                slots.push(index);
                rows.push(row);
                Ok(())
            }
            Err(e) => Err(e),
        };
        results.push(ItemOutcome {
            index,
            key,
            result: if outcome.is_ok() {
                ItemResult::Unchanged
            } else {
                ItemResult::Failed
            },
            errors: outcome.err().unwrap_or_default(),
        });
    }
    let applied = if rows.is_empty() {
        Vec::new()
    } else {
        apply(rows).await?
    };
    for (slot, a) in slots.into_iter().zip(applied) {
        match a {
            Ok(r) => results[slot].result = r,
            Err(r) => {
                results[slot].result = ItemResult::Failed;
                results[slot].errors = vec![refusal(r)];
            }
        }
    }
    let count = |r: ItemResult| results.iter().filter(|o| o.result == r).count();
    Ok(BatchResponse {
        created: count(ItemResult::Created),
        updated: count(ItemResult::Updated),
        unchanged: count(ItemResult::Unchanged),
        errors: count(ItemResult::Failed),
        results,
    })
}
