//! The company's content (`/content`): «О компании», «Вопросы и ответы», payment methods,
//! help tips, services with the price list, links and branches.

use lk_api_types::SiteContent;

use super::client::{Call, Reply};

/// `GET /content`: everything subscribers read, in one answer; no session needed.
pub fn get() -> Reply<SiteContent> {
    Call::get("/content").public()
}
