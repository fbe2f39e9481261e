//! Requests to the contact centre: questions (F2.4) and support requests (F1.4).

use chrono::{DateTime, NaiveDate, Utc};
use lk_domain::{Language, RequestKind, RequestStatus};
use serde::{Deserialize, Serialize};

/// «Задать вопрос» / «Обратиться в Техническую поддержку»: a message to the contact centre,
/// from anyone, signed in or not (a signed-in sender sees it among their requests).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactRequestBody {
    /// «Фамилия»: letters of any script (combining marks too), spaces, `-`, `'`, `’`, `.`.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^([^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub last_name: String,
    /// «Имя», as `last_name`.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^([^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub first_name: String,
    /// «Отчество», as `last_name`; may be empty.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = "^(\\s*|[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000E-\\u001F\\u007F-\\u0084\\u0086-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub patronymic: Option<String>,
    /// «Адрес электронной почты»: where the answer goes.
    #[cfg_attr(feature = "openapi", schema(example = "ivanov@example.ru", format = Email, max_length = 254))]
    pub email: String,
    /// «Телефон»: a Russian number in any usual notation; may be empty.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^\\s*$|^\\s*(\\+[ ()-]*7([ ()-]*[0-9]){10}|[ ()-]*[78]([ ()-]*[0-9]){10}|[ ()-]*[0-9]([ ()-]*[0-9]){9})[ ()-]*\\s*$"
        )
    )]
    pub phone: Option<String>,
    /// «Текст сообщения»: 1–4000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = "^([^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C\\s\\u00AD\\u034F\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200D\\u2060-\\u2065\\u206A-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFF8][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\u061C]*)$"
        )
    )]
    pub text: String,
    /// Leave empty: a field people never see. A filled one marks the sender as a robot; the
    /// answer looks the same, and nothing is stored or sent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub website: Option<String>,
}

/// The acknowledgement: the request's number, also e-mailed to the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactResponse {
    /// The request's number, to quote when asking about it.
    pub number: i64,
    /// For the sender, e.g. «Обращение № 17 принято. Ответ придёт на …».
    pub message: String,
}

/// A request of the signed-in user, as they follow it: questions, support requests, data
/// change requests and service orders alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSummary {
    pub number: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    /// The message as sent (for a change request: the data asked for, one per line).
    pub text: String,
    /// The personal account a change request or a service order is about.
    pub account_number: Option<String>,
    /// The ordered service's name, for a service order.
    pub service_name: Option<String>,
    /// The date the subscriber would like the service done, for a service order.
    pub preferred_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

lk_domain::wire_enum! {
    /// What happened to a request.
    pub enum RequestEventKind {
        /// The contact centre replied; the reply was e-mailed to the sender.
        Reply = "reply",
        /// The status changed.
        Status = "status",
    }
}

/// One entry of a request's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestEvent {
    pub at: DateTime<Utc>,
    pub kind: RequestEventKind,
    /// The status after this event.
    pub status: RequestStatus,
    /// The reply, for a `reply`.
    pub text: Option<String>,
    /// Who did it: the operator's name and e-mail in the staff console; absent for
    /// subscribers, who see the contact centre as one.
    pub actor: Option<String>,
}

/// A request with its history, oldest event first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetail {
    pub request: RequestSummary,
    pub events: Vec<RequestEvent>,
}

/// «Заказать услугу» (F12.1): a service from the catalogue for one of the user's accounts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceOrderBody {
    /// The service's code in the catalogue (`GET /api/v1/content`, `services`).
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub service_code: String,
    /// When the subscriber would like it done: from today to 90 days ahead (Europe/Moscow).
    #[serde(default)]
    pub preferred_date: Option<NaiveDate>,
    /// Anything the company should know (up to 2000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: Option<String>,
}

/// The signed-in user's preferences (F8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSettings {
    /// The help widget «Помощь по кабинету» was closed; «Настройки» brings it back.
    pub help_hidden: bool,
    /// The language of the portal, the e-mails and the receipts.
    pub language: Language,
}

/// A change of preferences: the fields given change, the others stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSettingsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_hidden: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}
