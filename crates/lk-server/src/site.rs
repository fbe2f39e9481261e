//! The company's content as typed documents (SPEC B3): read from the store with the
//! configuration's values where an admin has saved nothing, and checked field by field before
//! it is saved. Every node reads the same rows, so every node serves the same content.

use lk_api_types::{
    About, Branch, BrandingSettings, ContentSection, FaqItem, FieldError, FileInfo, HelpTip, Links,
    PaymentMethod, SectionNote, Service, SiteContent,
};
use lk_domain::content::{ABOUT_MAX, ANSWER_MAX, FAQ_QUESTION_MAX, LIST_MAX, TIP_MAX, TITLE_MAX};
use lk_domain::{text, Email};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::config::Config;
use crate::db::content::{BranchRecord, FileMeta};
use crate::db::Store;
use crate::error::{ApiError, ApiResult};

/// Every section, as subscribers and admins see it.
#[derive(Debug, Clone)]
pub struct Site {
    pub about: About,
    pub faq: Vec<FaqItem>,
    pub payment_methods: Vec<PaymentMethod>,
    pub help_tips: Vec<HelpTip>,
    pub services: Vec<Service>,
    pub links: Links,
    pub branding: BrandingSettings,
    /// What an admin has not verified, per section.
    pub notes: Vec<SectionNote>,
}

fn parse<T: DeserializeOwned>(section: &str, body: &str) -> ApiResult<T> {
    serde_json::from_str(body).map_err(|e| {
        ApiError::Internal(anyhow::anyhow!(
            "stored content section {section} is not valid: {e}"
        ))
    })
}

impl Site {
    /// The configuration's values: what a fresh installation shows.
    pub fn defaults(config: &Config) -> Site {
        let c = &config.company;
        Site {
            about: About::default(),
            faq: Vec::new(),
            payment_methods: Vec::new(),
            help_tips: Vec::new(),
            services: Vec::new(),
            links: Links {
                site_url: c.site_url.clone(),
                contract_url: c.site_url.clone(),
                tariffs_url: c.site_url.clone(),
                shop_url: String::new(),
            },
            branding: BrandingSettings {
                company_name: c.name.clone(),
                company_short_name: c.short_name.clone(),
                support_email: c.support_email.clone(),
                support_phone: c.support_phone.clone(),
            },
            notes: Vec::new(),
        }
    }

    /// The stored sections over the defaults. A stored section that does not parse is a
    /// fault (logged, 500), never silently replaced.
    pub async fn load(store: &dyn Store, config: &Config) -> ApiResult<Site> {
        let mut site = Site::defaults(config);
        for row in store.content_sections().await? {
            let Some(section) = ContentSection::parse(&row.section) else {
                continue;
            };
            let body = row.body.as_str();
            match section {
                ContentSection::About => site.about = parse(&row.section, body)?,
                ContentSection::Faq => site.faq = parse(&row.section, body)?,
                ContentSection::PaymentMethods => site.payment_methods = parse(&row.section, body)?,
                ContentSection::HelpTips => site.help_tips = parse(&row.section, body)?,
                ContentSection::Services => site.services = parse(&row.section, body)?,
                ContentSection::Links => site.links = parse(&row.section, body)?,
                ContentSection::Branding => site.branding = parse(&row.section, body)?,
            }
            if let Some(note) = row.note {
                site.notes.push(SectionNote { section, note });
            }
        }
        Ok(site)
    }

    /// What subscribers see: no notes.
    pub fn public(self, branches: Vec<BranchRecord>, files: &[FileMeta]) -> SiteContent {
        SiteContent {
            about: self.about,
            faq: self.faq,
            payment_methods: self.payment_methods,
            help_tips: self.help_tips,
            services: self.services,
            links: self.links,
            price_list: file_of(files, lk_domain::FileSlot::PriceList),
            branches: branches
                .into_iter()
                .map(|b| Branch {
                    note: None,
                    ..branch(b)
                })
                .collect(),
        }
    }
}

pub fn branch(b: BranchRecord) -> Branch {
    Branch {
        code: b.code,
        name: b.name,
        address: b.address,
        phone: b.phone,
        email: b.email,
        hours: b.hours,
        note: b.note,
    }
}

/// Where a stored file is downloaded, with its content's hash as a version so that a new
/// upload is a new address.
pub fn file_of(files: &[FileMeta], slot: lk_domain::FileSlot) -> Option<FileInfo> {
    files.iter().find(|f| f.slot == slot).map(|f| FileInfo {
        url: format!(
            "/api/v1/{}?v={}",
            match slot {
                lk_domain::FileSlot::PriceList => "services/price-list",
                lk_domain::FileSlot::Logo => "branding/logo",
            },
            &f.sha256[..12.min(f.sha256.len())]
        ),
        content_type: f.kind.content_type().into(),
        size: f.size,
        updated_at: f.updated_at,
    })
}

/// Collects the errors of a whole document, each by its field's path (`items[2].answer`).
#[derive(Default)]
pub struct Check {
    pub errors: Vec<FieldError>,
}

impl Check {
    fn push(&mut self, field: String, code: &str, message: String) {
        self.errors.push(FieldError {
            field,
            code: code.into(),
            message,
        });
    }

    /// A required line of at most `max` characters.
    pub fn line(&mut self, field: String, raw: &str, max: usize) -> String {
        self.text(field, raw, max, false, true)
    }

    /// A line that may be empty.
    pub fn optional_line(&mut self, field: String, raw: &str, max: usize) -> String {
        self.text(field, raw, max, false, false)
    }

    /// Text of several lines that may be empty.
    pub fn optional_block(&mut self, field: String, raw: &str, max: usize) -> String {
        self.text(field, raw, max, true, false)
    }

    /// Required text of several lines.
    pub fn block(&mut self, field: String, raw: &str, max: usize) -> String {
        self.text(field, raw, max, true, true)
    }

    fn text(
        &mut self,
        field: String,
        raw: &str,
        max: usize,
        block: bool,
        required: bool,
    ) -> String {
        let cleaned = if block {
            text::clean_block(raw, max)
        } else {
            text::clean_line(raw, max)
        };
        match cleaned {
            Ok(Some(t)) => t,
            Ok(None) if required => {
                self.push(field, "required", "Заполните это поле.".into());
                String::new()
            }
            Ok(None) => String::new(),
            Err(e) => {
                self.errors.push(ApiError::text_field(&field, e));
                String::new()
            }
        }
    }

    /// An `http(s)` address, or empty.
    pub fn url(&mut self, field: String, raw: &str) -> String {
        let raw = raw.trim();
        if raw.is_empty() {
            return String::new();
        }
        match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && raw.len() <= 500 => u.to_string(),
            _ => {
                self.push(
                    field,
                    "invalid_url",
                    "Укажите адрес, начинающийся с https:// или http://.".into(),
                );
                String::new()
            }
        }
    }

    pub fn email(&mut self, field: String, raw: &str) -> String {
        match Email::parse(raw) {
            Ok(e) => e.as_str().to_owned(),
            Err(_) => {
                self.push(
                    field,
                    "invalid_email",
                    "Введите корректный адрес электронной почты.".into(),
                );
                String::new()
            }
        }
    }

    /// A code of letters, digits, `-` and `_`, 1–40 characters.
    pub fn code(&mut self, field: String, raw: &str) -> String {
        let code = raw.trim();
        let ok = !code.is_empty()
            && code.len() <= 40
            && code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            self.push(
                field,
                "invalid_code",
                "Код: от 1 до 40 латинских букв, цифр, знаков - и _.".into(),
            );
        }
        code.to_owned()
    }

    fn list_size(&mut self, len: usize) {
        if len > LIST_MAX {
            self.push(
                "items".into(),
                "too_many",
                format!("Не более {LIST_MAX} элементов."),
            );
        }
    }

    pub fn finish<T>(self, value: T) -> ApiResult<T> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

pub fn check_about(a: &About) -> ApiResult<About> {
    let mut c = Check::default();
    let text = c.block("text".into(), &a.text, ABOUT_MAX);
    c.finish(About { text })
}

pub fn check_faq(items: &[FaqItem]) -> ApiResult<Vec<FaqItem>> {
    let mut c = Check::default();
    c.list_size(items.len());
    let items = items
        .iter()
        .enumerate()
        .map(|(i, f)| FaqItem {
            question: c.line(
                format!("items[{i}].question"),
                &f.question,
                FAQ_QUESTION_MAX,
            ),
            answer: c.block(format!("items[{i}].answer"), &f.answer, ANSWER_MAX),
        })
        .collect();
    c.finish(items)
}

pub fn check_payment_methods(items: &[PaymentMethod]) -> ApiResult<Vec<PaymentMethod>> {
    let mut c = Check::default();
    c.list_size(items.len());
    let items = items
        .iter()
        .enumerate()
        .map(|(i, m)| PaymentMethod {
            title: c.line(format!("items[{i}].title"), &m.title, TITLE_MAX),
            text: c.block(format!("items[{i}].text"), &m.text, ANSWER_MAX),
        })
        .collect();
    c.finish(items)
}

pub fn check_help_tips(items: &[HelpTip]) -> ApiResult<Vec<HelpTip>> {
    let mut c = Check::default();
    c.list_size(items.len());
    let items = items
        .iter()
        .enumerate()
        .map(|(i, t)| HelpTip {
            text: c.block(format!("items[{i}].text"), &t.text, TIP_MAX),
        })
        .collect();
    c.finish(items)
}

/// The largest price of a service, in roubles.
const PRICE_MAX: i64 = 10_000_000;

pub fn check_services(items: &[Service]) -> ApiResult<Vec<Service>> {
    let mut c = Check::default();
    c.list_size(items.len());
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, s) in items.iter().enumerate() {
        let code = c.code(format!("items[{i}].code"), &s.code);
        if !code.is_empty() && !seen.insert(code.to_lowercase()) {
            c.push(
                format!("items[{i}].code"),
                "duplicate",
                "Такой код уже есть в списке.".into(),
            );
        }
        if let Some(p) = s.price {
            if p < Decimal::ZERO || p > Decimal::from(PRICE_MAX) || p.normalize().scale() > 2 {
                c.push(
                    format!("items[{i}].price"),
                    "invalid_amount",
                    format!("Цена: от 0 до {PRICE_MAX} ₽, не более двух знаков после запятой."),
                );
            }
        }
        out.push(Service {
            code,
            name: c.line(format!("items[{i}].name"), &s.name, TITLE_MAX),
            description: c.optional_block(
                format!("items[{i}].description"),
                &s.description,
                ANSWER_MAX,
            ),
            price: s.price,
            unit: c.optional_line(format!("items[{i}].unit"), &s.unit, 60),
        });
    }
    c.finish(out)
}

pub fn check_links(l: &Links) -> ApiResult<Links> {
    let mut c = Check::default();
    let links = Links {
        site_url: c.url("site_url".into(), &l.site_url),
        contract_url: c.url("contract_url".into(), &l.contract_url),
        tariffs_url: c.url("tariffs_url".into(), &l.tariffs_url),
        shop_url: c.url("shop_url".into(), &l.shop_url),
    };
    c.finish(links)
}

pub fn check_branding(b: &BrandingSettings) -> ApiResult<BrandingSettings> {
    let mut c = Check::default();
    let b = BrandingSettings {
        company_name: c.line("company_name".into(), &b.company_name, TITLE_MAX),
        company_short_name: c.line("company_short_name".into(), &b.company_short_name, 40),
        support_email: c.email("support_email".into(), &b.support_email),
        support_phone: c.line("support_phone".into(), &b.support_phone, 40),
    };
    c.finish(b)
}

pub fn check_branch(code: &str, b: &Branch) -> ApiResult<BranchRecord> {
    let mut c = Check::default();
    let record = BranchRecord {
        code: c.code("code".into(), code),
        name: c.line("name".into(), &b.name, TITLE_MAX),
        address: c.line("address".into(), &b.address, 300),
        phone: c.line("phone".into(), &b.phone, TITLE_MAX),
        email: c.email("email".into(), &b.email),
        hours: c.line("hours".into(), &b.hours, 300),
        // Saved by an admin: verified.
        note: None,
    };
    c.finish(record)
}
