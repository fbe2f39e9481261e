//! The payment QR code of receipts (ГОСТ Р 56042-2014, «Стандарты финансовых операций.
//! Двумерные символы штрихового кода для осуществления платежей физических лиц»).

use crate::money::Kopecks;

/// Why a payment payload cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{0} has a wrong format")]
    Format(&'static str),
    #[error("{0} is too long")]
    TooLong(&'static str),
}

/// The payee's bank details and one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentQr {
    /// Payee's name (≤ 160 characters).
    pub name: String,
    /// Payee's settlement account: 20 digits.
    pub personal_acc: String,
    /// Bank's name (≤ 45 characters).
    pub bank_name: String,
    /// Bank identification code: 9 digits.
    pub bic: String,
    /// Bank's correspondent account: 20 digits.
    pub corresp_acc: String,
    /// Payee's taxpayer number: 10 or 12 digits.
    pub payee_inn: String,
    /// Payee's tax registration reason code: 9 digits.
    pub kpp: String,
    /// The amount; none on a blank form (the payer enters it in the bank's app).
    pub sum: Option<Kopecks>,
    /// Purpose of payment (≤ 210 characters).
    pub purpose: String,
    /// The subscriber's personal account number; none on a blank form.
    pub pers_acc: Option<String>,
    /// Billing period: month 1–12 and year; none on a blank form.
    pub period: Option<(u32, i32)>,
}

fn digits(field: &'static str, v: &str, lens: &[usize]) -> Result<(), QrError> {
    if v.is_empty() {
        return Err(QrError::Missing(field));
    }
    if !v.chars().all(|c| c.is_ascii_digit()) || !lens.contains(&v.len()) {
        return Err(QrError::Format(field));
    }
    Ok(())
}

/// Text values may not contain the separator `|`; it is replaced by `/`.
fn text(field: &'static str, v: &str, max: usize) -> Result<String, QrError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(QrError::Missing(field));
    }
    if v.chars().count() > max {
        return Err(QrError::TooLong(field));
    }
    Ok(v.replace('|', "/").replace(['\r', '\n'], " "))
}

impl PaymentQr {
    /// The payload, UTF-8 (format `ST00012`), with `TechCode=02` (housing and utilities).
    /// The five required details come first (§ 5 of the standard), then the optional ones.
    pub fn payload(&self) -> Result<String, QrError> {
        digits("PersonalAcc", &self.personal_acc, &[20])?;
        digits("BIC", &self.bic, &[9])?;
        digits("CorrespAcc", &self.corresp_acc, &[20])?;
        digits("PayeeINN", &self.payee_inn, &[10, 12])?;
        digits("KPP", &self.kpp, &[9])?;
        let mut p = format!(
            "ST00012|Name={}|PersonalAcc={}|BankName={}|BIC={}|CorrespAcc={}|PayeeINN={}|KPP={}",
            text("Name", &self.name, 160)?,
            self.personal_acc,
            text("BankName", &self.bank_name, 45)?,
            self.bic,
            self.corresp_acc,
            self.payee_inn,
            self.kpp,
        );
        if let Some(sum) = self.sum {
            if sum.0 <= 0 {
                return Err(QrError::Format("Sum"));
            }
            p.push_str(&format!("|Sum={}", sum.0));
        }
        p.push_str(&format!(
            "|Purpose={}",
            text("Purpose", &self.purpose, 210)?
        ));
        if let Some(acc) = &self.pers_acc {
            digits("PersAcc", acc, &(1..=20).collect::<Vec<_>>())?;
            p.push_str(&format!("|PersAcc={acc}"));
        }
        if let Some((month, year)) = self.period {
            if !(1..=12).contains(&month) || !(2000..=2999).contains(&year) {
                return Err(QrError::Format("PaymPeriod"));
            }
            p.push_str(&format!("|PaymPeriod={month:02}{year}"));
        }
        p.push_str("|TechCode=02");
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PaymentQr {
        PaymentQr {
            name: "ПАО «Тамбовская энергосбытовая компания»".into(),
            personal_acc: "40702810161000100456".into(),
            bank_name: "Тамбовское отделение № 8594 ПАО Сбербанк".into(),
            bic: "046850649".into(),
            corresp_acc: "30101810800000000649".into(),
            payee_inn: "6829012231".into(),
            kpp: "682901001".into(),
            sum: Some(Kopecks(50_000)),
            purpose: "Оплата электроэнергии по л/с 680000000001 за 10.2026".into(),
            pers_acc: Some("680000000001".into()),
            period: Some((10, 2026)),
        }
    }

    #[test]
    fn the_payload_follows_gost_r_56042() {
        let p = sample().payload().expect("payload");
        assert!(p.starts_with("ST00012|Name=ПАО «Тамбовская энергосбытовая компания»|PersonalAcc=40702810161000100456|"));
        assert!(p.contains("|Sum=50000|"), "the sum is in kopecks");
        assert!(p.contains("|PersAcc=680000000001|PaymPeriod=102026|TechCode=02"));
        assert_eq!(p.split('|').count(), 13);
    }

    #[test]
    fn separators_in_text_cannot_break_the_payload() {
        let mut q = sample();
        q.purpose = "Оплата|Sum=1".into();
        let p = q.payload().expect("payload");
        assert!(p.contains("Purpose=Оплата/Sum=1|"));
        assert_eq!(p.matches("|Sum=").count(), 1);
    }

    #[test]
    fn a_blank_form_carries_only_the_payee_and_the_purpose() {
        let mut q = sample();
        q.sum = None;
        q.pers_acc = None;
        q.period = None;
        let p = q.payload().expect("payload");
        assert!(p.ends_with("|KPP=682901001|Purpose=Оплата электроэнергии по л/с 680000000001 за 10.2026|TechCode=02"), "{p}");
        assert!(!p.contains("Sum=") && !p.contains("PersAcc=") && !p.contains("PaymPeriod="));
    }

    #[test]
    fn wrong_bank_details_are_refused() {
        let mut q = sample();
        q.bic = "12345".into();
        assert_eq!(q.payload(), Err(QrError::Format("BIC")));
        let mut q = sample();
        q.sum = Some(Kopecks(0));
        assert_eq!(q.payload(), Err(QrError::Format("Sum")));
        let mut q = sample();
        q.period = Some((13, 2026));
        assert_eq!(q.payload(), Err(QrError::Format("PaymPeriod")));
        let mut q = sample();
        q.name = " ".into();
        assert_eq!(q.payload(), Err(QrError::Missing("Name")));
    }
}
