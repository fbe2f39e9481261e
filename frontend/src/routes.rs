//! Every client route in one place.

pub const HOME: &str = "/";
pub const LOGIN: &str = "/login";
pub const REGISTER: &str = "/register";
pub const FORGOT_PASSWORD: &str = "/forgot-password";
pub const PROFILE: &str = "/profile";
pub const ABOUT: &str = "/about";
pub const FAQ: &str = "/faq";
pub const CONTACTS: &str = "/contacts";

/// A house's page on one of its tabs (`electricity`, `meters`, `account`).
pub fn house(id: i64, tab: &str) -> String {
    format!("/houses/{id}/{tab}")
}
