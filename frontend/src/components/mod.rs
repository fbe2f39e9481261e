//! Views used by several pages: form parts, page frames, windows, and the wizards a subscriber
//! opens from more than one place (adding an account, a reading, a payment, a receipt), a
//! branch's contacts, a payment's result.

pub mod add_account;
pub mod branch;
pub mod chart;
pub mod contact;
pub mod export;
pub mod form;
pub mod help;
pub mod icons;
pub mod insights;
pub mod language;
pub mod layout;
pub mod lazy;
pub mod modal;
pub mod payment_result;
pub mod payment_wizard;
pub mod period;
pub mod reading_wizard;
pub mod receipt;
pub mod site_content;
