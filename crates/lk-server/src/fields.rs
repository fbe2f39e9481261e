//! Request fields parsed into domain values, once, with the same rule and the same message
//! for the same field wherever it appears (e-mail, password, names, phone, amounts, periods).
//! The domain says what is wrong; here it becomes a field error in Russian.

use chrono::{Months, NaiveDate};
use lk_api_types::FieldError;
use lk_domain::payment::{parse_payable_amount, AmountError};
use lk_domain::{AccountNumber, Email, Kopecks, MeterSerial, NamePart, PasswordError, Phone};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const EMAIL_MESSAGE: &str = "Введите корректный адрес электронной почты.";

pub fn parse_email(raw: &str) -> ApiResult<Email> {
    Email::parse(raw).map_err(|_| ApiError::field("email", "invalid_email", EMAIL_MESSAGE))
}

/// An e-mail address (field `email`) among a form's other fields: the error joins `errors`.
pub fn email_field(raw: &str, errors: &mut Vec<FieldError>) -> Option<Email> {
    match Email::parse(raw) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.push(FieldError {
                field: "email".into(),
                code: "invalid_email".into(),
                message: EMAIL_MESSAGE.into(),
            });
            None
        }
    }
}

pub fn password_error(field: &str, e: PasswordError) -> FieldError {
    let (code, message) = match e {
        PasswordError::TooShort => ("too_short", "Пароль должен содержать не менее 8 символов."),
        PasswordError::TooLong => ("too_long", "Пароль должен содержать не более 128 символов."),
        PasswordError::SameAsEmail => (
            "same_as_email",
            "Пароль не должен совпадать с адресом электронной почты.",
        ),
        PasswordError::TooCommon => (
            "too_common",
            "Этот пароль слишком простой или широко распространён. Придумайте другой.",
        ),
    };
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Parses the optional personal-data fields; collects every error rather than the first.
pub fn parse_personal_data(
    last_name: Option<&str>,
    first_name: Option<&str>,
    patronymic: Option<&str>,
    phone: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> [Option<String>; 4] {
    let mut name = |field: &str, raw: Option<&str>| match NamePart::parse_optional(raw) {
        Ok(v) => v.map(|n| n.as_str().to_owned()),
        Err(e) => {
            let (code, message) = match e {
                lk_domain::NameError::TooLong => ("too_long", "Не более 100 символов."),
                lk_domain::NameError::BadCharacters => (
                    "invalid_characters",
                    "Допустимы только буквы, пробел, дефис и апостроф.",
                ),
            };
            errors.push(FieldError {
                field: field.into(),
                code: code.into(),
                message: message.into(),
            });
            None
        }
    };
    let l = name("last_name", last_name);
    let f = name("first_name", first_name);
    let p = name("patronymic", patronymic);
    let ph = phone_field(phone, errors);
    [l, f, p, ph]
}

/// A phone number (field `phone`), normalised to E.164; the same rule wherever a phone is asked.
pub fn phone_field(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    match Phone::parse_optional(raw) {
        Ok(v) => v.map(|p| p.as_str().to_owned()),
        Err(_) => {
            errors.push(FieldError {
                field: "phone".into(),
                code: "invalid_phone".into(),
                message: "Введите номер телефона в формате +7 XXX XXX-XX-XX.".into(),
            });
            None
        }
    }
}

/// An amount of rubles a person typed (field `field`), in plain decimal notation: positive,
/// whole kopecks, at most `max`; the same rule and messages for every amount of a form (a
/// payment, a receipt, a debt reminder's threshold).
pub fn amount_field(field: &str, text: &str, max: Kopecks) -> Result<Kopecks, FieldError> {
    parse_payable_amount(text, max).map_err(|e| {
        let message = match e {
            AmountError::NotPlainDecimal => {
                "Укажите сумму в рублях больше нуля — цифрами, например 1500 или 1500,50."
                    .to_owned()
            }
            AmountError::NotPositive => "Сумма должна быть больше нуля.".to_owned(),
            AmountError::TooPrecise => {
                "Укажите сумму в рублях, не более двух знаков после запятой.".to_owned()
            }
            AmountError::TooLarge(m) => format!("Сумма не может превышать {}.", m.format_ru()),
        };
        FieldError {
            field: field.into(),
            code: "invalid_amount".into(),
            message,
        }
    })
}

/// An amount a subscriber may pay (or print on a receipt), as text in plain decimal notation:
/// positive, whole kopecks, at most the configured maximum; otherwise a 422 naming the field
/// `amount`.
pub fn payable_amount(state: &AppState, text: &str) -> ApiResult<Kopecks> {
    let max = Kopecks(state.config.payments.max_amount_rubles * 100);
    amount_field("amount", text, max).map_err(|e| ApiError::Validation(vec![e]))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// First day (inclusive); a year ago by default.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive); today by default.
    pub to: Option<NaiveDate>,
}

/// A period from a query, checked: `from` ≤ `to`, at most ten years.
pub fn period(
    state: &AppState,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<(NaiveDate, NaiveDate)> {
    let to = to.unwrap_or_else(|| state.config.today());
    let from = from.unwrap_or_else(|| to.checked_sub_months(Months::new(12)).unwrap_or(to));
    if from > to {
        return Err(ApiError::field(
            "from",
            "invalid_period",
            "Начало периода позже его конца.",
        ));
    }
    if (to - from).num_days() > 3660 {
        return Err(ApiError::field(
            "from",
            "period_too_long",
            "Период не может быть длиннее 10 лет.",
        ));
    }
    Ok((from, to))
}

/// An account number and a meter number as typed from the receipt; 422 naming each malformed
/// one.
pub fn account_and_meter(account: &str, meter: &str) -> ApiResult<(AccountNumber, MeterSerial)> {
    let mut errors = Vec::new();
    let number = AccountNumber::parse(account)
        .map_err(|_| {
            errors.push(FieldError {
                field: "account_number".into(),
                code: "invalid_account_number".into(),
                message: "Номер лицевого счёта состоит из цифр (от 6 до 20).".into(),
            })
        })
        .ok();
    let serial = MeterSerial::parse(meter)
        .map_err(|_| {
            errors.push(FieldError {
                field: "meter_number".into(),
                code: "invalid_meter_number".into(),
                message: "Номер счётчика — от 4 до 20 латинских букв и цифр.".into(),
            })
        })
        .ok();
    match (number, serial) {
        (Some(n), Some(s)) => Ok((n, s)),
        _ => Err(ApiError::Validation(errors)),
    }
}

/// The registry has no such account and meter pair: one answer for a wrong account and a
/// wrong meter.
pub fn no_such_pair() -> ApiError {
    ApiError::Unprocessable {
        code: lk_api_types::ErrorCode::AccountNotFound,
        detail: "Лицевой счёт с таким номером счётчика не найден. Проверьте номер лицевого счёта и номер счётчика по квитанции.".into(),
    }
}
