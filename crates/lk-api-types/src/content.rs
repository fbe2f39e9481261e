//! The company's content (SPEC B3, F2.3, F2.7, F12–F14): what subscribers read, and what
//! admins edit in the staff console.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One question of «Вопросы и ответы».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqItem {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub question: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub answer: String,
}

/// One section of the «Оплата» tab (F13.1): a way to pay and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentMethod {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub text: String,
}

/// One tip of the help widget «Помощь по кабинету» (F2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpTip {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub text: String,
}

/// A service of the catalogue (F12.1), with its price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    /// The company's code of the service: letters, digits, `-` and `_`, unique in the list.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 40, pattern = "^[A-Za-z0-9_-]+$")
    )]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub description: String,
    /// The price in roubles, e.g. `"1250.00"`; absent: «по договорённости».
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "1250.00"))]
    pub price: Option<Decimal>,
    /// What the price is for, e.g. «за услугу», «за 1 прибор».
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 60))]
    pub unit: String,
}

/// The company's external pages (F1.5, F11.3, F11.4, F12.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Links {
    /// The company's site: where the logo leads.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = "^(https?://[^\\s]+)?$")
    )]
    pub site_url: String,
    /// «Подробнее о договоре энергоснабжения».
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = "^(https?://[^\\s]+)?$")
    )]
    pub contract_url: String,
    /// «Подробнее о тарифах».
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = "^(https?://[^\\s]+)?$")
    )]
    pub tariffs_url: String,
    /// «Перейти в интернет-магазин товаров».
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 500, pattern = "^(https?://[^\\s]+)?$")
    )]
    pub shop_url: String,
}

macro_rules! item_list {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub struct $name {
            /// In the order shown; at most 100.
            #[cfg_attr(feature = "openapi", schema(max_items = 100))]
            pub items: Vec<$item>,
        }
    };
}

item_list!(
    /// The whole FAQ, as an admin saves it.
    FaqList,
    FaqItem
);
item_list!(
    /// Every payment method, as an admin saves them.
    PaymentMethodList,
    PaymentMethod
);
item_list!(
    /// Every help tip, as an admin saves them.
    HelpTipList,
    HelpTip
);
item_list!(
    /// The whole catalogue of services, as an admin saves it (codes unique).
    ServiceList,
    Service
);

/// «О компании».
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct About {
    /// Plain text; an empty line separates paragraphs.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub text: String,
}

/// The company's name and support contacts, as shown in the header, the footer and mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrandingSettings {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub company_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub company_short_name: String,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub support_email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 40))]
    pub support_phone: String,
}

/// A branch of the company (F2.7, F14.1). Accounts belong to it by its code in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branch {
    /// The registry's code of the branch.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 40, pattern = "^[A-Za-z0-9_-]+$")
    )]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub address: String,
    /// One or more phone numbers, as they are printed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub email: String,
    /// «Режим работы», e.g. «пн–чт 8:00–17:00, пт 8:00–16:00».
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub hours: String,
    /// For admins only: what about this branch is not verified yet. Never shown to
    /// subscribers; saving the branch in the console clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
}

/// An uploaded file: where to get it and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileInfo {
    /// The download address (`/api/v1/services/price-list`, `/api/v1/branding/logo`), with
    /// the content's hash as a version.
    pub url: String,
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    pub updated_at: DateTime<Utc>,
}

/// Everything subscribers read (`GET /api/v1/content`), in one response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteContent {
    pub about: About,
    pub faq: Vec<FaqItem>,
    pub payment_methods: Vec<PaymentMethod>,
    pub help_tips: Vec<HelpTip>,
    pub services: Vec<Service>,
    pub links: Links,
    /// «Прейскурант услуг», if one is uploaded.
    pub price_list: Option<FileInfo>,
    pub branches: Vec<Branch>,
}

lk_domain::wire_enum! {
    /// A part of the content an admin edits as a whole.
    pub enum ContentSection {
        About = "about",
        Faq = "faq",
        PaymentMethods = "payment_methods",
        HelpTips = "help_tips",
        Services = "services",
        Links = "links",
        Branding = "branding",
    }
}

/// What is not verified in a section of the content: shown to admins, never to subscribers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionNote {
    pub section: ContentSection,
    pub note: String,
}

/// The content as the staff console edits it: what subscribers see, the branding, and notes
/// on what is not verified (branches carry their own `note`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffContent {
    pub content: SiteContent,
    pub branding: BrandingSettings,
    pub logo: Option<FileInfo>,
    pub notes: Vec<SectionNote>,
}
